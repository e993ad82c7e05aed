#!/bin/sh
# Initialises an empty data directory the way the postgres image does (superuser POSTGRES_USER with
# POSTGRES_PASSWORD, database POSTGRES_DB, password logins over the network), then runs the command.
set -eu
if [ "${1:-}" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
    user=${POSTGRES_USER:-postgres}
    pwfile=$(mktemp)
    printf '%s\n' "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}" > "$pwfile"
    initdb -D "$PGDATA" -U "$user" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    rm -f "$pwfile"
    echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
    echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
    if [ -n "${POSTGRES_DB:-}" ] && [ "$POSTGRES_DB" != "$user" ]; then
        pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -s -w start
        createdb -U "$user" "$POSTGRES_DB"
        pg_ctl -D "$PGDATA" -m fast -s -w stop
    fi
fi
exec "$@"
