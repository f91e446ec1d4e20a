#!/usr/bin/env bash
# PostgreSQL server binaries for the --state-url tests (tests/pgserver.py starts a throwaway cluster
# as the postgres user: initdb refuses root). Idempotent: installs only when no pg_ctl is found.
set -euo pipefail
if compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null || command -v pg_ctl >/dev/null; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "30-postgresql: no PostgreSQL server binaries and no apt-get: install PostgreSQL (>= 13)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# the tests make their own cluster: keep the package from creating and starting 'main'
mkdir -p /etc/postgresql-common/createcluster.d
echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/50-specmock-ci.conf
log=$(mktemp)
if ! { apt-get update -q && apt-get install -y -q --no-install-recommends postgresql; } >"$log" 2>&1; then
  tail -40 "$log" >&2
  echo "30-postgresql: apt-get install postgresql failed (log above)" >&2
  exit 1
fi
compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null || { echo "30-postgresql: installed, but no pg_ctl" >&2; exit 1; }
