#!/bin/sh
# Writes /etc/rabbitmq/rabbitmq.conf from the image's defaults (remote guest logins as in the upstream image,
# RABBITMQ_DEFAULT_USER/PASS) and every /etc/rabbitmq/conf.d/*.conf, then starts the node as user rabbitmq.
set -eu
if [ "${1:-}" = rabbitmq-server ]; then
    {
        echo "loopback_users.guest = false"
        echo "listeners.tcp.default = 5672"
        echo "management.tcp.port = 15672"
        [ -z "${RABBITMQ_DEFAULT_USER:-}" ] || echo "default_user = $RABBITMQ_DEFAULT_USER"
        [ -z "${RABBITMQ_DEFAULT_PASS:-}" ] || echo "default_pass = $RABBITMQ_DEFAULT_PASS"
        for f in /etc/rabbitmq/conf.d/*.conf; do [ -e "$f" ] && cat "$f"; done
    } > /etc/rabbitmq/rabbitmq.conf
    chown -R rabbitmq:rabbitmq /var/lib/rabbitmq
    exec runuser -u rabbitmq -- /usr/lib/rabbitmq/bin/rabbitmq-server
fi
exec "$@"
