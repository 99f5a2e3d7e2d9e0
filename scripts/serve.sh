#!/usr/bin/env bash
# Install what is missing, build the site (trunk build --release) and serve dist/ on
# http://127.0.0.1:$PORT/ (default 8080). Ctrl-C stops the server.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
port="${PORT:-8080}"

echo "== setup =="
source "$root/scripts/setup.sh"

echo "== build: trunk build --release =="
if [ ! -f Trunk.toml ]; then
    echo "serve: no Trunk.toml in $root yet; waiting for it (up to 10 min)"
    for _ in $(seq 120); do [ -f Trunk.toml ] && break; sleep 5; done
    [ -f Trunk.toml ] || { echo "serve: still no Trunk.toml; cannot build the site"; exit 1; }
fi
trunk build --release
[ -f dist/index.html ] || { echo "serve: the build left no dist/index.html"; exit 1; }

echo
echo "MQ Lab is at  http://127.0.0.1:$port/   (serving $root/dist; Ctrl-C to stop)"
echo
exec python3 -m http.server --bind 127.0.0.1 --directory dist "$port"
