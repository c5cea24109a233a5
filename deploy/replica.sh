#!/usr/bin/env bash
# `make replica`: a streaming replica of this machine's PostgreSQL cluster (port 5432), as a second cluster on
# REPLICA_PORT (5433), for the replica tests and for trying DATABASE_REPLICA_URL locally. Idempotent: an
# existing replica that streams is kept; a broken one is made again. Needs root (Debian's pg_createcluster).
#
# What it changes on the primary: one pg_hba.conf line letting 127.0.0.1 connect for replication (trust, as
# the primary's other local lines here), and a reload. Production replicas are set up by the operator with
# their own authentication (docs/deploy.md); this is the same mechanism on one machine.
set -euo pipefail
VERSION=${PG_VERSION:-$(ls /etc/postgresql | sort -n | tail -1)}
PORT=${REPLICA_PORT:-5433}
NAME=replica
PRIMARY_CONF=/etc/postgresql/$VERSION/main
DATA=/var/lib/postgresql/$VERSION/$NAME
as_postgres() { runuser -u postgres -- "$@"; }
streaming() {
  [ "$(psql -h 127.0.0.1 -p "$PORT" -U postgres -Atqc 'SELECT pg_is_in_recovery()' 2>/dev/null)" = t ] &&
    [ "$(psql -h 127.0.0.1 -p 5432 -U postgres -Atqc "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'" 2>/dev/null)" -ge 1 ]
}

if [ "$(id -u)" != 0 ]; then echo "make replica: needs root (pg_createcluster, pg_basebackup as postgres)" >&2; exit 1; fi
pg_isready -q -h 127.0.0.1 -p 5432 || { echo "make replica: the primary (127.0.0.1:5432) does not answer" >&2; exit 1; }

if ! grep -Eq '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32' "$PRIMARY_CONF/pg_hba.conf"; then
  echo "host replication all 127.0.0.1/32 trust" >>"$PRIMARY_CONF/pg_hba.conf"
  psql -h 127.0.0.1 -p 5432 -U postgres -qc 'SELECT pg_reload_conf()' >/dev/null
fi

if pg_lsclusters -h | awk -v v="$VERSION" -v n="$NAME" '$1 == v && $2 == n {found = 1} END {exit !found}'; then
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$NAME" start 2>/dev/null || true
  for _ in $(seq 1 20); do streaming && break; sleep 0.5; done
  if streaming; then echo "replica: streaming from 127.0.0.1:5432 on 127.0.0.1:$PORT"; exit 0; fi
  echo "replica: the existing cluster does not stream; making it again"
  pg_dropcluster --stop "$VERSION" "$NAME"
fi

pg_createcluster -p "$PORT" "$VERSION" "$NAME" >/dev/null
cp "$PRIMARY_CONF/pg_hba.conf" "/etc/postgresql/$VERSION/$NAME/pg_hba.conf"  # the same local access as the primary
rm -rf "$DATA" && install -d -o postgres -g postgres -m 700 "$DATA"
as_postgres pg_basebackup -h 127.0.0.1 -p 5432 -U postgres -D "$DATA" -R -X stream -c fast
pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$NAME" start
for _ in $(seq 1 30); do streaming && break; sleep 0.5; done
streaming || { echo "make replica: the new replica does not stream; see /var/log/postgresql/postgresql-$VERSION-$NAME.log" >&2; exit 1; }
echo "replica: streaming from 127.0.0.1:5432 on 127.0.0.1:$PORT"
