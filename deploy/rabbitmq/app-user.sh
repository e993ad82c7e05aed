#!/bin/sh
# Makes the broker user the services log in with (RABBITMQ_USERNAME), limited to one vhost (RABBITMQ_VIRTUAL_HOST):
# full rights inside it (the services declare their queues and exchanges), none outside it, and no tags, so no
# access to the management console or its HTTP API. The administrator (RABBITMQ_ADMIN_USERNAME, the nodes' default
# user) stays for operators. docker-compose.prod.yml's rabbitmq-user container runs this on every start; running it
# again only resets the password.
set -eu
node=${RABBITMQ_NODE:-rabbit@rabbitmq-1}
# The cluster's cookie: the rabbitmq-cookie secret.
cookie=$(cat /run/secrets/erlang-cookie)
ctl() { rabbitmqctl --erlang-cookie "$cookie" --node "$node" "$@"; }

ctl await_startup
if ! ctl list_vhosts --silent | grep -qxF "$RABBITMQ_VIRTUAL_HOST"; then
    ctl add_vhost "$RABBITMQ_VIRTUAL_HOST"
fi
if ctl list_users --silent | cut -f1 | grep -qxF "$RABBITMQ_USERNAME"; then
    ctl change_password "$RABBITMQ_USERNAME" "$RABBITMQ_PASSWORD"
else
    ctl add_user "$RABBITMQ_USERNAME" "$RABBITMQ_PASSWORD"
fi
ctl set_user_tags "$RABBITMQ_USERNAME"
ctl set_permissions -p "$RABBITMQ_VIRTUAL_HOST" "$RABBITMQ_USERNAME" '.*' '.*' '.*'
for vhost in $(ctl list_vhosts --silent); do
    if [ "$vhost" != "$RABBITMQ_VIRTUAL_HOST" ]; then
        ctl clear_permissions -p "$vhost" "$RABBITMQ_USERNAME" >/dev/null 2>&1 || true
    fi
done
echo "rabbitmq-user: $RABBITMQ_USERNAME may use vhost $RABBITMQ_VIRTUAL_HOST only"
