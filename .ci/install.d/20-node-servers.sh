#!/usr/bin/env bash
# Prism and json-server, the servers nobody here wrote that tests/test_contracts_foreign.py holds to
# a spec. Exact versions from .ci/npm/package-lock.json (prism 5.14.2 and json-server 0.17.4: the
# newest that support node 20), installed into the cache bench/bench_http.py already uses for Prism
# (~/.cache/specmock/prism, or $SPECMOCK_PRISM_CACHE). `npm ci` runs only when the lockfile changed.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cache="${SPECMOCK_PRISM_CACHE:-$HOME/.cache/specmock/prism}"
if ! command -v npm >/dev/null; then  # this project's machines ship Node.js 20; elsewhere Debian's
  command -v apt-get >/dev/null || { echo "node-servers: no npm and no apt-get: install Node.js >= 18.20" >&2; exit 1; }
  log=$(mktemp)
  if ! { DEBIAN_FRONTEND=noninteractive apt-get update -q \
         && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm; } >"$log" 2>&1; then
    tail -40 "$log" >&2
    echo "node-servers: apt-get install nodejs npm failed (log above)" >&2
    exit 1
  fi
fi
want=$(sha256sum "$here/npm/package-lock.json" | cut -d' ' -f1)
stamp="$cache/node_modules/.ci-lock-sha256"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] \
   || [ ! -x "$cache/node_modules/.bin/prism" ] || [ ! -x "$cache/node_modules/.bin/json-server" ]; then
  mkdir -p "$cache"
  cp "$here/npm/package.json" "$here/npm/package-lock.json" "$cache/"
  (cd "$cache" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" > "$stamp"
fi
"$cache/node_modules/.bin/prism" --version >/dev/null
"$cache/node_modules/.bin/json-server" --version >/dev/null
echo "node-servers: prism $("$cache/node_modules/.bin/prism" --version), json-server $("$cache/node_modules/.bin/json-server" --version) in $cache"
