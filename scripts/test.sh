#!/usr/bin/env bash
# Install what is missing, then run every test, stopping at the first failure:
#   1. native tests            cargo test --workspace
#   2. web components          cargo test -p mqlab-web --target wasm32-unknown-unknown   (headless Chromium)
#   3. wasm determinism        cargo test -p mqlab-scenario --target wasm32-unknown-unknown --test wasm_determinism
#   4. scenarios and lessons   mqlab check scenarios/*.json scenarios/acceptance/*.json lessons/*.json
#   5. end-to-end journeys     tests/e2e/run.sh   (Playwright, builds dist/ with trunk)
# Ends with "N passed, 0 failed". Works from any directory.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

started_all=$SECONDS
passed=0
summary=()

header() { printf '\n==== %s ====\n' "$*"; }

# stage NAME COMMAND...: run one stage; on failure say which and stop.
stage() {
    local name="$1"; shift
    header "$name: $*"
    local t0=$SECONDS
    local rc=0
    "$@" || rc=$?
    local took=$((SECONDS - t0))
    if [ "$rc" -ne 0 ]; then
        printf '\n==== FAILED: %s (exit %d after %ds) ====\n' "$name" "$rc" "$took"
        for line in "${summary[@]}"; do echo "$line"; done
        echo "$passed passed, 1 failed"
        exit "$rc"
    fi
    passed=$((passed + 1))
    summary+=("$(printf '  ok  %-22s %5ds' "$name" "$took")")
}

header "setup"
t0=$SECONDS
source "$root/scripts/setup.sh"
setup_took=$((SECONDS - t0))

scenario_files=(scenarios/*.json scenarios/acceptance/*.json lessons/*.json)

stage "native tests" cargo test --workspace
stage "web components (wasm)" cargo test -p mqlab-web --target wasm32-unknown-unknown
stage "wasm determinism" cargo test -p mqlab-scenario --target wasm32-unknown-unknown --test wasm_determinism
stage "scenarios and lessons" cargo run --quiet --bin mqlab -- check "${scenario_files[@]}"
# Playwright serves dist/ on MQLAB_E2E_PORT (default 8765); take a free one, so a run does
# not collide with another server or a concurrent run on the same machine.
if [ -z "${MQLAB_E2E_PORT:-}" ]; then
    MQLAB_E2E_PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    export MQLAB_E2E_PORT
fi
stage "e2e journeys" bash "$root/tests/e2e/run.sh"

header "summary"
printf '  setup %26ds\n' "$setup_took"
for line in "${summary[@]}"; do echo "$line"; done
printf '  total %26ds\n' "$((SECONDS - started_all))"
echo "$passed passed, 0 failed"
