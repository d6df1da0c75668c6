#!/usr/bin/env bash
# Plain HTTP against HTTPS (+ OAuth 2.0), alternately in one run, each measurement with a fresh
# gateway (synchronous=FULL) and CRM simulator on loopback:
#   latency  vendor 2xx -> CRM received, `orders` results at `rate`/s; the CRM simulator plain,
#            or HTTPS with OAuth 2.0 client credentials (gateway crm.tls + crm.oauth2);
#   drain    the CRM down while DRAIN_ORDERS results are posted at DRAIN_RATE/s, then back:
#            events/s from the first delivered event to the last (and from the CRM's return,
#            which adds the wait for the circuit's next probe), plain against HTTPS + OAuth 2.0;
#   ingest   the gateway's listener plain against listen.tls, posted with the gateway's own
#            libcurl client from INGEST_THREADS threads (fieldgate-bench-client-ingest).
# Latency and drain also print the CPU the gateway and the simulator used, per work order.
# Odd rounds measure plain first, even rounds HTTPS first. The vendor side of latency/drain is
# plain HTTP: the HTTPS under test there is gateway -> CRM.
# Usage: bench/delivery/run_tls_delivery.sh [orders] [rate] [rounds]
# Takes a prebuilt BUILD_DIR (default build/) and does not reconfigure it; build first with
#   bash scripts/build.sh fieldgate fieldgate-crm-sim fieldgate-bench-delivery \
#     fieldgate-bench-client-ingest
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
orders=${1:-10000}
rate=${2:-1000}
rounds=${3:-2}
drain_orders=${DRAIN_ORDERS:-20000}
drain_rate=${DRAIN_RATE:-2000}
ingest_orders=${INGEST_ORDERS:-40000}
ingest_seconds=${INGEST_SECONDS:-10}
ingest_threads=${INGEST_THREADS:-16}
build=${BUILD_DIR:-$root/build}
# shellcheck source=bench/delivery/lib.sh
source "$root/bench/delivery/lib.sh"

for b in gateway/fieldgate simulators/crm_sim/fieldgate-crm-sim \
  bench/delivery/fieldgate-bench-delivery bench/delivery/fieldgate-bench-client-ingest; do
  [ -x "$build/$b" ] || { echo "missing $build/$b: build it first (see the header)" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'fg_stop; rm -rf "$work"' EXIT
# One set of binaries for the whole run, even if the build folder is rebuilt meanwhile.
for b in gateway/fieldgate simulators/crm_sim/fieldgate-crm-sim \
  bench/delivery/fieldgate-bench-delivery bench/delivery/fieldgate-bench-client-ingest; do
  mkdir -p "$work/bin/$(dirname "$b")" && cp "$build/$b" "$work/bin/$b"
done
cp "$build/CMakeCache.txt" "$work/bin/"
build=$work/bin
fg_make_secrets "$work/secrets"
fg_make_certs "$work/certs"
results="$work/results.tsv"  # round, measure, transport, figure, p99 ms

# delivery ROUND MODE TRANSPORT(http|https) N RATE
delivery() {
  local dir="$work/r$1-$2-$3" certs=""
  mkdir -p "$dir"
  [ "$3" = https ] && certs="$work/certs"
  fg_start_crm "$dir" "$work/secrets" "$certs"
  fg_start_gateway "$dir" "$work/secrets" "$3" http "$certs"
  echo "== round $1: $2 over $3, $4 orders at $5 results/s" \
    "(load average $(cut -d" " -f1 /proc/loadavg))"
  (cd "$dir" && "$build/bench/delivery/fieldgate-bench-delivery" --port "$(cat port)" \
    --secrets-dir "$work/secrets" --crm-control-port "$(cat crm-control-port)" \
    --events-file "$dir/events.jsonl" --orders "$4" --rate "$5" --mode "$2") | tee "$dir/out" ||
    echo "(exit status $?)"
  local gw_cpu crm_cpu cpu_ms
  gw_cpu=$(fg_cpu_s "$gw_pid") crm_cpu=$(fg_cpu_s "$crm_pid")
  cpu_ms=$(awk -v a="$gw_cpu" -v b="$crm_cpu" -v n="$4" \
    'BEGIN { printf "%.2f", (a + b) * 1000 / n }')
  echo "gateway peak RSS: $(grep VmHWM /proc/"$gw_pid"/status | awk '{print $2, $3}');" \
    "CPU: gateway $gw_cpu s, CRM simulator $crm_cpu s = $cpu_ms ms per work order"
  fg_stop
  printf '%s\tcpu_%s\t%s\t%s\t-\n' "$1" "$2" "$3" "$cpu_ms" >> "$results"
  if [ "$2" = latency ]; then
    local p99
    p99=$(sed -n 's/.*received), .* p99 \([0-9.e+-]*\) ms .*/\1/p' "$dir/out")
    printf '%s\tlatency\t%s\t%s\t%s\n' "$1" "$3" "${p99:-nan}" "${p99:-nan}" >> "$results"
  else
    local eps first
    eps=$(sed -n 's/^drain: .* = \([0-9]*\) events\/s.*/\1/p' "$dir/out")
    first=$(sed -n 's/^drain from the first .* = \([0-9]*\) events\/s.*/\1/p' "$dir/out")
    printf '%s\tdrain\t%s\t%s\t-\n' "$1" "$3" "${eps:-nan}" >> "$results"
    printf '%s\tdrain_first\t%s\t%s\t-\n' "$1" "$3" "${first:-nan}" >> "$results"
  fi
}

# ingest ROUND TRANSPORT(http|https)
ingest() {
  local dir="$work/r$1-ingest-$2" ca=()
  mkdir -p "$dir"
  fg_start_gateway "$dir" "$work/secrets" none "$2" "$work/certs"
  [ "$2" = https ] && ca=(--ca-file "$work/certs/ca.pem")
  echo "== round $1: ingest over $2, $ingest_threads client threads, at most $ingest_seconds s" \
    "(load average $(cut -d" " -f1 /proc/loadavg))"
  "$build/bench/delivery/fieldgate-bench-client-ingest" \
    --origin "$2://127.0.0.1:$(cat "$dir/port")" "${ca[@]}" --secrets-dir "$work/secrets" \
    --orders "$ingest_orders" --threads "$ingest_threads" --duration "$ingest_seconds" |
    tee "$dir/out" || echo "(exit status $?)"
  fg_stop
  local line
  line=$(grep '^ingest:' "$dir/out" || true)
  printf '%s\tingest\t%s\t%s\t%s\n' "$1" "$2" \
    "$(sed -n 's/.* = \([0-9]*\) results\/s.*/\1/p' <<< "$line")" \
    "$(sed -n 's/.* p99 \([0-9.e+-]*\) ms.*/\1/p' <<< "$line")" >> "$results"
}

echo "fieldgate $(git -C "$root" rev-parse --short HEAD) (+ working tree)," \
  "${BUILD_DIR:-$root/build}" \
  "($(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt")), $(nproc) cores," \
  "$(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
started=$(date +%s)
for round in $(seq "$rounds"); do
  order=(http https)
  [ $((round % 2)) = 0 ] && order=(https http)
  for t in "${order[@]}"; do delivery "$round" latency "$t" "$orders" "$rate"; done
  for t in "${order[@]}"; do delivery "$round" drain "$t" "$drain_orders" "$drain_rate"; done
  for t in "${order[@]}"; do ingest "$round" "$t"; done
done

echo
echo "== summary ($rounds rounds, $(($(date +%s) - started)) s;" \
  "plain HTTP | HTTPS, and HTTPS/plain)"
# The drain verdict takes the rate from the first delivered event to the last: the wait for the
# circuit's next probe (1-30 s after the CRM is back, the same over either transport) would
# otherwise decide the ratio.
python3 - "$results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    r, what, t, fig, p99 = line.rstrip("\n").split("\t")
    rows[(int(r), what, t)] = (float(fig or "nan"), p99)
def get(r, what, t):
    return rows.get((r, what, t), (float("nan"), "nan"))
def pair(r, what):
    plain, tls = get(r, what, "http")[0], get(r, what, "https")[0]
    return plain, tls, (tls / plain if plain else float("nan"))
p99s, drains, walls, ingests = [], [], [], []
for r in sorted({k[0] for k in rows}):
    lp, lt, _ = pair(r, "latency")
    fp, ft, f = pair(r, "drain_first")
    dp, dt, d = pair(r, "drain")
    ip, it, i = pair(r, "ingest")
    cl, cd = pair(r, "cpu_latency"), pair(r, "cpu_drain")
    p99s.append(lt); drains.append(f); walls.append(d); ingests.append(i)
    print(f"round {r}: end-to-end p99 {lp:.1f} | {lt:.1f} ms"
          f" (gateway + CRM simulator CPU per work order {cl[0]:.2f} | {cl[1]:.2f} ms)")
    print(f"  drain {fp:.0f} | {ft:.0f} events/s = {f:.2f} from the first delivered event"
          f" ({dp:.0f} | {dt:.0f} = {d:.2f} from the CRM's return;"
          f" CPU per work order {cd[0]:.2f} | {cd[1]:.2f} ms)")
    print(f"  ingest {ip:.0f} | {it:.0f} results/s = {i:.2f}"
          f" (client p99 {get(r, 'ingest', 'http')[1]} | {get(r, 'ingest', 'https')[1]} ms)")
med = lambda v: statistics.median(v) if v else float("nan")
f, d, i = med(drains), med(walls), med(ingests)
worst = max(p99s) if p99s else float("nan")
print(f"median HTTPS/plain: drain {f:.2f} (from the CRM's return {d:.2f}), ingest {i:.2f}")
ok = lambda c: "yes" if c else "NO"
print(f"p99 over HTTPS + OAuth 2.0 < 50 ms in every round (worst {worst:.1f} ms): {ok(worst < 50)}")
print(f"drain over HTTPS >= 0.8 x plain (median {f:.2f}): {ok(f >= 0.8)}")
PY
