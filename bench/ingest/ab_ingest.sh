#!/usr/bin/env bash
# Alternating A/B of two gateway binaries on the ingest benchmark: A, B, A, B … one 20 s run
# each, so both see the same machine. Run-to-run variance on the 2-core VMs is large; a
# comparison of runs made at different times says little.
# Usage: bench/ingest/ab_ingest.sh BINARY_A BINARY_B [rounds] [orders]
# (build the load generator first: run_ingest.sh does, into build-release)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
a=$1; b=$2; rounds=${3:-3}; orders=${4:-400000}
load=${BUILD_DIR:-$root/build-release}/bench/ingest/fieldgate-bench-ingest

one_run() {
  local bin=$1 work gw
  work=$(mktemp -d)
  mkdir -p "$work/secrets/crm" "$work/secrets/bay-hauling"
  head -c 24 /dev/urandom | base64 > "$work/secrets/crm/api-token"
  head -c 24 /dev/urandom | base64 > "$work/secrets/bay-hauling/api-key"
  echo '{"listen": {"port": 0, "port_file": "port"}, "store": {"path": "bench.db", "synchronous": "FULL"}, "secrets": {"dir": "secrets"}, "log": {"level": "error"}}' > "$work/gateway.json"
  "$bin" serve --config "$work/gateway.json" & gw=$!
  for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
  "$load" --port "$(cat "$work/port")" --secrets-dir "$work/secrets" --orders "$orders" \
    --connections 64 --duration 20 | grep "accepted results/s" | awk -v n="$bin" '{print n": "$3" results/s, p99 "$8" ms"}'
  kill "$gw"; wait "$gw" 2>/dev/null || true
  rm -rf "$work"
}

for _ in $(seq "$rounds"); do
  one_run "$a"
  one_run "$b"
done
