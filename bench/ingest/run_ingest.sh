#!/usr/bin/env bash
# The ingest benchmark on loopback: a Release build of the gateway with synchronous=FULL on a
# fresh SQLite file, 64 connections, each request a new Bay Hauling single result for its own
# pre-created work order. Usage: bench/ingest/run_ingest.sh [orders] [connections] [seconds]
# LOADGEN=wrk uses Debian's wrk (bay_results.lua) for the result phase instead of our engine.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
orders=${1:-400000}
connections=${2:-64}
seconds=${3:-20}
source "$root/bench/ingest/lib.sh"

fg_build_release fieldgate fieldgate-bench-ingest

work=$(mktemp -d)
trap 'kill $gw 2>/dev/null || true; wait $gw 2>/dev/null || true; rm -rf "$work"' EXIT
fg_gateway_workdir "$work"
"$build/gateway/fieldgate" serve --config "$work/gateway.json" &
gw=$!
port=$(fg_wait_port "$work/port")
echo "fieldgate $(git -C "$root" rev-parse --short HEAD) on 127.0.0.1:$port, synchronous=FULL, $(nproc) cores"
if [ "${LOADGEN:-engine}" = wrk ]; then
  prefix=W$(date +%s)
  "$build/bench/ingest/fieldgate-bench-ingest" --port "$port" --secrets-dir "$work/secrets" \
    --orders "$orders" --connections "$connections" --duration 0 --prefix "$prefix" | grep create
  wrk -t1 -c"$connections" -d"${seconds}s" --timeout 10s -s "$root/bench/ingest/bay_results.lua" \
    "http://127.0.0.1:$port" -- "$prefix" "$(cat "$work/secrets/bay-hauling/api-key")" | grep -E "^(wrk|accepted)"
else
  "$build/bench/ingest/fieldgate-bench-ingest" --port "$port" --secrets-dir "$work/secrets" \
    --orders "$orders" --connections "$connections" --duration "$seconds"
fi
echo "gateway peak RSS: $(grep VmHWM /proc/$gw/status | awk '{print $2, $3}')"
