#!/usr/bin/env bash
# End-to-end delivery on loopback: a Release gateway (synchronous=FULL) delivering CloudEvents to
# the CRM simulator, which verifies every signature.
# Usage: bench/delivery/run_delivery.sh latency [orders] [rate]
#        bench/delivery/run_delivery.sh drain   [orders] [rate]   (CRM down while posting)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
mode=${1:-latency}
orders=${2:-30000}
rate=${3:-1000}
build=${BUILD_DIR:-$root/build-release}

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DFIELDGATE_TESTS=OFF >/dev/null
cmake --build "$build" --target fieldgate fieldgate-crm-sim fieldgate-bench-delivery -j2 >/dev/null

work=$(mktemp -d)
trap 'kill $gw $sim 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/secrets/crm" "$work/secrets/bay-hauling"
head -c 24 /dev/urandom | base64 > "$work/secrets/crm/api-token"
head -c 24 /dev/urandom | base64 > "$work/secrets/bay-hauling/api-key"
echo "whsec_$(head -c 32 /dev/urandom | base64)" > "$work/secrets/crm/webhook-secret"

"$build/simulators/crm_sim/fieldgate-crm-sim" --port 0 --port-file "$work/crm-port" \
  --control-port 0 --control-port-file "$work/crm-control-port" \
  --secret-file "$work/secrets/crm/webhook-secret" --events-out "$work/events.jsonl" \
  > "$work/crm-sim.out" 2>&1 &
sim=$!
for _ in $(seq 100); do [ -s "$work/crm-port" ] && [ -s "$work/crm-control-port" ] && break; sleep 0.1; done

cat > "$work/gateway.json" <<JSON
{"listen": {"port": 0, "port_file": "port"}, "store": {"path": "bench.db", "synchronous": "FULL"},
 "secrets": {"dir": "secrets"}, "log": {"level": "warn"},
 "crm": {"endpoint": "http://127.0.0.1:$(cat "$work/crm-port")/events"},
 "watchdog": {"enabled": false}}
JSON
"$build/gateway/fieldgate" serve --config "$work/gateway.json" &
gw=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
echo "fieldgate $(git -C "$root" rev-parse --short HEAD), $mode, $orders orders at $rate results/s, synchronous=FULL, $(nproc) cores"
"$build/bench/delivery/fieldgate-bench-delivery" --port "$(cat "$work/port")" \
  --secrets-dir "$work/secrets" --crm-control-port "$(cat "$work/crm-control-port")" \
  --events-file "$work/events.jsonl" --orders "$orders" --rate "$rate" --mode "$mode"
echo "gateway peak RSS: $(grep VmHWM /proc/$gw/status | awk '{print $2, $3}')"
