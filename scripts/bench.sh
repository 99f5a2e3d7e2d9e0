#!/usr/bin/env bash
# The benchmark command: prints figures, judges nothing (the bars are in DESIGN.md).
#   1. native: engine events/s, Kafka model steps/s, seek time on a >100 000-step trace,
#      and the gzip -9 size of dist/, split into the first load and what loads later
#      (build it first with scripts/serve.sh or trunk);
#   2. the same speed figures from the same code compiled to wasm32-wasip1 and run in
#      Node's V8, the JavaScript engine of Chromium;
#   3. in Debian's headless Chromium, on the built dist/ served gzipped (tests/e2e/bench.mjs):
#      time to interactive over fresh page loads; over throttled 4G and slow 3G links, first
#      paint, time to interactive and the bytes on the wire before and after it; and frame
#      time while playing with ~200 envelopes in flight.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/setup.sh

printf '\n######## native ########\n'
cargo run --release --quiet --bin mqlab -- bench --dist dist

printf '\n######## wasm (wasm32-wasip1 in Node %s) ########\n' "$(node --version)"
if ! rustup target list --installed | grep -qx wasm32-wasip1; then
    rustup target add wasm32-wasip1
fi
cargo build --release --quiet --target wasm32-wasip1 --bin mqlab
# Node 20's WASI sometimes crashes while tearing down a large wasm memory, after the program
# has finished and printed everything: judge the run by its output, not that exit status.
out="$(mktemp)"
node --no-warnings scripts/wasi-run.mjs "${CARGO_TARGET_DIR:-target}/wasm32-wasip1/release/mqlab.wasm" bench --no-bundle | tee "$out" || true
if ! grep -q '^seek to ' "$out"; then
    rm -f "$out"
    echo "bench (wasm): did not finish"
    exit 1
fi
rm -f "$out"

printf '\n######## browser (headless Chromium) ########\n'
if [ -f dist/index.html ]; then
    if [ ! -d tests/e2e/node_modules ]; then
        (cd tests/e2e && export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 && npm ci)
    fi
    node tests/e2e/bench.mjs dist
else
    echo "dist/ not built: browser figures skipped"
fi
