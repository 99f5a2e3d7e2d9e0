#!/usr/bin/env bash
# Builds the site and runs the Playwright journeys in Debian's Chromium.
# Usage: tests/e2e/run.sh [playwright test args…]   (from anywhere)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

# wasm-opt from npm's binaryen (Debian's is too old for Rust's wasm); trunk finds it on PATH.
if [ -x "$root/.tools/node_modules/.bin/wasm-opt" ]; then
  export PATH="$root/.tools/node_modules/.bin:$PATH"
fi
export TRUNK_SKIP_VERSION_CHECK=true

(cd "$root" && trunk build --release)

cd "$here"
# Install when missing or when the lock file changed since the last install.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
  if [ -f package-lock.json ]; then npm ci; else npm install; fi
fi
# A free port unless one is given, so two runs on one machine do not collide.
if [ -z "${MQLAB_E2E_PORT:-}" ]; then
  MQLAB_E2E_PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  export MQLAB_E2E_PORT
fi
exec npx playwright test "$@"
