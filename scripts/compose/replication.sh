#!/bin/sh
# docker-compose.yml's db, on its first start only (docker-entrypoint-initdb.d): a role and a pg_hba line for the
# optional streaming replica (`--profile replica`). Without the replica they are unused.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -c "CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '${REPLICATION_PASSWORD:-replicator}'"
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
