#!/usr/bin/env bash
# Make sure PostgreSQL answers on 127.0.0.1:5432 with trust for local TCP (installing and
# starting Debian's clusters if need be). Sourced by .ci/run; run on its own by `make team-demo`.

PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}

pg_answers() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -h "$PG_HOST" -p "$PG_PORT" -q
  else
    (exec 3<>"/dev/tcp/$PG_HOST/$PG_PORT") 2>/dev/null
  fi
}

trust_local_tcp() {
  # A fresh Debian cluster asks for a password on TCP; the tests connect as postgres without one.
  local hba
  for hba in /etc/postgresql/*/main/pg_hba.conf; do
    [ -f "$hba" ] || continue
    if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
      sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
    fi
  done
}

start_clusters() {
  local version
  for version in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
  done
}

ensure_postgres() {
  if pg_answers; then
    return 0
  fi
  echo "== PostgreSQL is not answering on $PG_HOST:$PG_PORT: starting it"
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    echo "== installing PostgreSQL with apt"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
    trust_local_tcp
  fi
  start_clusters
  for _ in $(seq 1 30); do pg_answers && break; sleep 1; done
  pg_answers || { echo "PostgreSQL did not start"; return 1; }
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  ensure_postgres
fi
