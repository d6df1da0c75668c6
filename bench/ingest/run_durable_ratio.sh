#!/usr/bin/env bash
# The gateway's ingest throughput as a fraction of the durable limit on this machine
# (bench/durable_limit: parse, one INSERT, group commit with synchronous=FULL, nothing else).
# Each round runs the gateway, then the limit server, with the ingest bench's load engine: the
# same Bay Hauling single-result body, the same connections, the same number of results each.
# Each round also prints the CPU per result of each server and of the load generator, and how
# busy the machine was, over the posting phase: the ratio follows the ratio of those totals.
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

# Runs the load against the server started in $work (pid $server), orders prefixed PREFIX already
# there. Sets rps, p99 and cpu: µs of CPU per result of the server and of the load generator, and
# the machine's busy share, all over the posting phase only.
measure() {
  local prefix=$1 port line n ok s0 s1 l0 l1 mb0 mt0 mb1 mt1
  port=$(fg_wait_port "$work/port")
  s0=$(fg_ticks "$server"); l0=$(fg_waited_ticks); read -r mb0 mt0 < <(fg_machine_ticks)
  line=$("$load" --port "$port" --secrets-dir "$work/secrets" --orders "$results" \
    --connections "$connections" --duration 600 --skip-create --prefix "$prefix" |
    grep "accepted results/s")
  s1=$(fg_ticks "$server"); l1=$(fg_waited_ticks); read -r mb1 mt1 < <(fg_machine_ticks)
  # "accepted results/s: R  p50 A ms  p99 B ms  (connections C, results N, 2xx N, ...)"
  read -r rps p99 n ok < <(echo "$line" | awk '{print $3, $8, $13, $15}' | tr -d ',')
  if [ "$n" != "$results" ] || [ "$ok" != "$results" ]; then
    echo "warning: $ok of $results results answered 2xx ($n sent)" >&2
  fi
  cpu="$(fg_us_per_result "$ok" $((s1 - s0)) $((l1 - l0))) \
$(fg_percent_of $((mt1 - mt0)) $((mb1 - mb0)))"
}

# The gateway's orders are created first, untimed, then given the ingest bench's usual 5 s for
# the WAL checkpoint to finish, as one run of the bench would.
run_gateway() {
  local prefix="G$(date +%s)"
  work=$(mktemp -d)
  fg_gateway_workdir "$work"
  "$build/gateway/fieldgate" serve --config "$work/gateway.json" >&2 &
  server=$!
  "$load" --port "$(fg_wait_port "$work/port")" --secrets-dir "$work/secrets" \
    --orders "$results" --connections "$connections" --prefix "$prefix" --create-only >/dev/null
  sleep 5
  measure "$prefix"
  cleanup
}

run_limit() {
  work=$(mktemp -d)
  fg_secrets "$work"
  "$build/bench/durable_limit/fieldgate-bench-durable-limit" "$work/limit.db" "$work/port" >&2 &
  server=$!
  measure "L$(date +%s)"
  cleanup
}

echo "fieldgate $(git -C "$root" describe --always --dirty): $results results per run," \
  "$connections connections, synchronous=FULL, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
ratios=()
for round in $(seq "$rounds"); do
  run_gateway
  read -r g_rps g_p99 g_server g_load g_busy <<<"$rps $p99 $cpu"
  run_limit
  read -r l_rps l_p99 l_server l_load l_busy <<<"$rps $p99 $cpu"
  ratio=$(awk -v g="$g_rps" -v l="$l_rps" 'BEGIN {printf "%.2f", g / l}')
  ratios+=("$ratio")
  echo "round $round: results/s gateway $g_rps · limit $l_rps, ratio $ratio;" \
    "p99 gateway $g_p99 ms · limit $l_p99 ms;" \
    "CPU µs per result (server + load generator) gateway $g_server + $g_load · limit $l_server + $l_load;" \
    "machine busy $g_busy% · $l_busy%"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
echo "median ratio gateway/limit: $median (rounds: ${ratios[*]})"
