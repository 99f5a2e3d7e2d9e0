#!/usr/bin/env bash
# Conformance: run the RabbitMQ scenario documents of conformance/suite.json against a REAL
# 3-node RabbitMQ cluster (Debian's rabbitmq-server, on loopback) and against the model, and
# print a table: scenario, real outcome, model outcome, match. Exits non-zero on any mismatch
# (each one named: message or field, real value, model value).
#
#   scripts/conformance.sh                 # the whole suite (~4 min with the cluster)
#   scripts/conformance.sh --only o4       # scenarios whose file contains "o4"
#   scripts/conformance.sh --model-only    # only the model side (no cluster)
#
# Installs rabbitmq-server if it is missing and fails loudly if it cannot. The cluster's
# processes (epmd and three nodes) are owned by PID and ended on exit, even on failure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [ ! -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then
    echo "conformance: rabbitmq-server is missing: apt-get install -y rabbitmq-server"
    sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y rabbitmq-server; then
        $sudo apt-get update
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y rabbitmq-server || {
            echo "conformance: FAILED: cannot install rabbitmq-server; the suite needs a real broker" >&2
            exit 3
        }
    fi
    if [ ! -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then
        echo "conformance: FAILED: /usr/lib/rabbitmq/bin/rabbitmq-server missing after install" >&2
        exit 3
    fi
fi

cargo build -q --release -p mqlab-conformance
bin="${CARGO_TARGET_DIR:-$root/target}/release/mqlab-conformance"

base="$(mktemp -d /tmp/mqlab-conformance.XXXXXX)"
cleanup() {
    # The harness ends its own processes; if it was killed first, end the ones it listed.
    if [ -f "$base/cluster/pids" ]; then
        while read -r pid; do
            [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
        done < "$base/cluster/pids"
    fi
    rm -rf "$base"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$bin" --suite conformance/suite.json --base "$base/cluster" "$@"
