#!/usr/bin/env bash
# The gateway's ingest throughput as a fraction of the durable limit on this machine
# (bench/durable_limit: parse, one INSERT, group commit with synchronous=FULL, nothing else).
# Each round runs the gateway, then the limit server, with the ingest bench's load engine: the
# same Bay Hauling single-result body, the same connections, the same number of results each.
# Usage: bench/ingest/run_durable_ratio.sh [results] [connections] [rounds]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
results=${1:-200000}
connections=${2:-64}
rounds=${3:-3}
source "$root/bench/ingest/lib.sh"

fg_build_release fieldgate fieldgate-bench-ingest fieldgate-bench-durable-limit
load=$build/bench/ingest/fieldgate-bench-ingest

server=""
work=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -n "$work" ]; then rm -rf "$work"; fi
  server=""
  work=""
}
trap cleanup EXIT

# Runs the load against the server started in $work; prints "results/s p99_ms".
measure() {
  local port line
  port=$(fg_wait_port "$work/port")
  line=$("$load" --port "$port" --secrets-dir "$work/secrets" --orders "$results" \
    --connections "$connections" --duration 600 "$@" | grep "accepted results/s")
  # "accepted results/s: R  p50 A ms  p99 B ms  (connections C, results N, 2xx N, ...)"
  read -r rps p99 n ok < <(echo "$line" | awk '{print $3, $8, $13, $15}' | tr -d ',')
  if [ "$n" != "$results" ] || [ "$ok" != "$results" ]; then
    echo "warning: $ok of $results results answered 2xx ($n sent)" >&2
  fi
  echo "$rps $p99"
}

run_gateway() {
  work=$(mktemp -d)
  fg_gateway_workdir "$work"
  "$build/gateway/fieldgate" serve --config "$work/gateway.json" >&2 &
  server=$!
  measure
  cleanup
}

run_limit() {
  work=$(mktemp -d)
  fg_secrets "$work"
  "$build/bench/durable_limit/fieldgate-bench-durable-limit" "$work/limit.db" "$work/port" >&2 &
  server=$!
  measure --skip-create --prefix "L$(date +%s)"
  cleanup
}

echo "fieldgate $(git -C "$root" describe --always --dirty): $results results per run," \
  "$connections connections, synchronous=FULL, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
ratios=()
for round in $(seq "$rounds"); do
  read -r g_rps g_p99 <<<"$(run_gateway)"
  read -r l_rps l_p99 <<<"$(run_limit)"
  ratio=$(awk -v g="$g_rps" -v l="$l_rps" 'BEGIN {printf "%.2f", g / l}')
  ratios+=("$ratio")
  echo "round $round: results/s gateway $g_rps · limit $l_rps, ratio $ratio;" \
    "p99 gateway $g_p99 ms · limit $l_p99 ms"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
echo "median ratio gateway/limit: $median (rounds: ${ratios[*]})"
