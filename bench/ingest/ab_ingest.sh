#!/usr/bin/env bash
# Alternating A/B of two gateway binaries on the ingest benchmark: A, B, A, B … so both see the
# same machine. Run-to-run variance on the 2-core VMs is large; a comparison of runs made at
# different times says little. Each run creates its work orders first (not timed), then posts
# one Bay Hauling result per order over 64 connections, and prints results/s, p99 and the
# gateway's own CPU time per result (all its threads, from /proc): the CPU figure moves less
# with the machine's load than the throughput does.
# Usage: bench/ingest/ab_ingest.sh BINARY_A BINARY_B [rounds] [results]
# (the load generator is built into build-release, or BUILD_DIR, first)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
a=$(realpath "$1"); b=$(realpath "$2"); rounds=${3:-3}; results=${4:-100000}
source "$root/bench/ingest/lib.sh"
fg_build_release fieldgate-bench-ingest
load=$build/bench/ingest/fieldgate-bench-ingest

one_run() {
  local bin=$1 work gw port before after line
  work=$(mktemp -d)
  fg_gateway_workdir "$work"
  (cd "$work" && exec "$bin" serve --config "$work/gateway.json" 2>/dev/null) & gw=$!
  port=$(fg_wait_port "$work/port")
  "$load" --port "$port" --secrets-dir "$work/secrets" --orders "$results" --create-only \
    --prefix AB --settle 3 >/dev/null
  before=$(fg_ticks "$gw")
  line=$("$load" --port "$port" --secrets-dir "$work/secrets" --orders "$results" --skip-create \
    --prefix AB --connections 64 --duration 600 | grep "accepted results/s")
  after=$(fg_ticks "$gw")
  echo "$line" | awk -v n="$bin" -v us="$(fg_us_per_result "$results" $((after - before)))" \
    '{printf "%s: %s results/s, p99 %s ms, gateway CPU %s us per result\n", n, $3, $8, us}'
  kill "$gw"; wait "$gw" 2>/dev/null || true
  rm -rf "$work"
}

for _ in $(seq "$rounds"); do
  one_run "$a"
  one_run "$b"
done
