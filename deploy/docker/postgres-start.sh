#!/bin/bash
# Start PostgreSQL in the foreground. On the first start (an empty PGDATA) make the cluster, the
# role FC_DB_USER with FC_DB_PASSWORD, and its databases FC_DATABASES (space-separated); until
# then the server listens on its socket only, so the health check (TCP) stays red.
set -euo pipefail
: "${FC_DB_USER:?}" "${FC_DB_PASSWORD:?}" "${FC_DATABASES:?}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    initdb -D "$PGDATA" --username=postgres --auth-local=peer --auth-host=scram-sha-256 \
        --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
    pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
    psql -v ON_ERROR_STOP=1 -q -U postgres -d postgres \
        -v user="$FC_DB_USER" -v password="$FC_DB_PASSWORD" \
        <<<"CREATE ROLE :\"user\" LOGIN PASSWORD :'password';"
    for database in $FC_DATABASES; do
        psql -v ON_ERROR_STOP=1 -q -U postgres -d postgres -v db="$database" -v user="$FC_DB_USER" \
            <<<"CREATE DATABASE :\"db\" OWNER :\"user\";"
    done
    pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/run/postgresql
