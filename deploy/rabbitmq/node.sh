#!/bin/sh
# Entry point of each production RabbitMQ node (docker-compose.prod.yml): installs the cluster's shared Erlang
# cookie from the rabbitmq-cookie secret (/run/secrets/erlang-cookie, a host file of any owner and mode) as the
# node's own cookie file, owned by the node's user and readable by it alone as Erlang demands, then hands over to
# the image's entrypoint. This replaces the image's deprecated RABBITMQ_ERLANG_COOKIE variable.
set -eu
install -o rabbitmq -g rabbitmq -m 400 /run/secrets/erlang-cookie /var/lib/rabbitmq/.erlang.cookie
exec docker-entrypoint.sh rabbitmq-server
