#!/usr/bin/env bash
# Debian's chromium for the dashboard's browser test (Playwright drives it; `playwright install` is
# never run: it downloads browsers from a host CI cannot reach). Idempotent: installs only when
# /usr/bin/chromium is missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "40-chromium: no /usr/bin/chromium and no apt-get: install Debian's chromium package" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
if ! { apt-get update -q && apt-get install -y -q --no-install-recommends chromium; } >"$log" 2>&1; then
  tail -40 "$log" >&2
  echo "40-chromium: apt-get install chromium failed (log above)" >&2
  exit 1
fi
[ -x /usr/bin/chromium ] || { echo "40-chromium: installed, but no /usr/bin/chromium" >&2; exit 1; }
