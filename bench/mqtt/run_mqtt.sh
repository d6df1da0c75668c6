#!/usr/bin/env bash
# Telemetry consumption over MQTT, on loopback with a real Mosquitto (not part of the tests).
#  1. Throughput: the same publisher (fieldgate-truck-sim --flood N, QoS 0 positions) and the
#     same broker, consumed once by mosquitto_sub (the broker's own client, the limit) and once by
#     the gateway. The gateway's figure counts positions *stored* in SQLite (history rows), not
#     just received. Target: >= 0.9 x mosquitto_sub's messages/s.
#  2. Fleet: TRUCKS simulated trucks at one position a second for DURATION s (plus their stop
#     events), the gateway's peak resident memory (VmHWM/VmRSS sampled each second) and whether
#     it kept up. Target: RSS <= 150 MB.
# Usage: bench/mqtt/run_mqtt.sh   (env: MESSAGES=200000 TRUCKS=10000 DURATION=60 BUILD_DIR=...)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build-release}
messages=${MESSAGES:-200000}
trucks=${TRUCKS:-10000}
duration=${DURATION:-60}

if [ -z "${BUILD_DIR:-}" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DFIELDGATE_TESTS=OFF >/dev/null
  cmake --build "$build" --target fieldgate fieldgate-truck-sim -j2 >/dev/null
fi
sim="$build/simulators/truck_sim/fieldgate-truck-sim"

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/mosquitto.conf" <<CONF
listener $port 127.0.0.1
allow_anonymous true
persistence true
persistence_location $work/
max_queued_messages 0
max_queued_bytes 0
CONF
mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 &
pids+=($!)
sleep 0.5
uri="tcp://127.0.0.1:$port"
now() { date +%s.%N; }

# --- 1a. mosquitto_sub
timeout 300 mosquitto_sub -h 127.0.0.1 -p "$port" -t 'fleet/#' -C "$messages" > /dev/null &
sub=$!
sleep 0.5
t0=$(now)
"$sim" --broker "$uri" --trucks 1000 --connections 1 --flood "$messages" > "$work/pub1.json"
wait $sub
t1=$(now)
sub_rate=$(python3 -c "print(round($messages/($t1-$t0)))")

# --- 1b. the gateway
start_gateway() {
  mkdir -p "$work/gw$1"
  cat > "$work/gw$1/gateway.json" <<JSON
{ "listen": {"address": "127.0.0.1", "port": 0, "port_file": "port"},
  "store": {"path": "fieldgate.db"}, "log": {"level": "warn"}, "watchdog": {"enabled": false},
  "mqtt": {"uri": "$uri", "client_id": "fieldgate-bench-$1"} }
JSON
  "$build/gateway/fieldgate" serve --config "$work/gw$1/gateway.json" > "$work/gw$1/log" 2>&1 &
  gw=$!
  pids+=($gw)
  for _ in $(seq 300); do
    if [ -s "$work/gw$1/port" ] && curl -sf "http://127.0.0.1:$(cat "$work/gw$1/port")/readyz" | grep -q connected; then return; fi
    sleep 0.1
  done
  echo "gateway did not connect"; cat "$work/gw$1/log"; exit 1
}
stored() { sqlite3 "file:$work/gw$1/fieldgate.db?mode=ro" "SELECT COUNT(*) FROM truck_positions" 2>/dev/null || echo 0; }

# Positions the gateway has consumed (parsed, routed, handed to the position store): /readyz.
# (curl and grep only: a Python start per poll would steal a core from what is measured)
consumed() {
  local n
  n=$(curl -sf "http://127.0.0.1:$(cat "$work/gw$1/port")/readyz" | grep -o '"positions":[0-9]*' | cut -d: -f2)
  echo "${n:-0}"
}

start_gateway 1
t0=$(now)
"$sim" --broker "$uri" --trucks 1000 --connections 1 --flood "$messages" > "$work/pub2.json" &
pub=$!
for _ in $(seq 3000); do [ "$(consumed 1)" -ge "$messages" ] && break; sleep 0.1; done
t1=$(now)
wait $pub
for _ in $(seq 3000); do [ "$(stored 1)" -ge "$messages" ] && break; sleep 0.1; done
t2=$(now)
got=$(consumed 1)
kept=$(stored 1)
gw_rate=$(python3 -c "print(round($got/($t1-$t0)))")
stored_rate=$(python3 -c "print(round($kept/($t2-$t0)))")
kill $gw; wait $gw 2>/dev/null || true
echo "throughput: mosquitto_sub ${sub_rate} msg/s; gateway consumed ${gw_rate} msg/s (${got}/${messages}), ratio $(python3 -c "print(round($gw_rate/$sub_rate, 2))"); stored in SQLite ${stored_rate} msg/s (${kept})"

# --- 2. the fleet
start_gateway 2
peak=0
( while kill -0 $gw 2>/dev/null; do grep VmRSS /proc/$gw/status | awk '{print $2}'; sleep 1; done ) > "$work/rss.txt" &
pids+=($!)
"$sim" --broker "$uri" --trucks "$trucks" --connections 1 --rate 1 --duration "$duration" \
  --speed-mps 1.5 --stops 20 > "$work/fleet.json"
published=$(python3 -c "import json; print(json.load(open('$work/fleet.json'))['positions'])")
t_end=$(now)
for _ in $(seq 600); do [ "$(stored 2)" -ge "$published" ] && break; sleep 0.1; done
lag=$(python3 -c "print(round($(now)-$t_end, 1))")
peak=$(sort -n "$work/rss.txt" | tail -1)
hwm=$(grep VmHWM /proc/$gw/status | awk '{print $2}')
echo "fleet: ${trucks} trucks x 1 position/s for ${duration}s: published ${published}, stored $(stored 2), $(python3 -c "import json; d=json.load(open('$work/fleet.json')); print(d['stop_events'], 'stop events, publisher', round(d['positions_per_s']), 'positions/s')"); caught up ${lag}s after the publisher stopped"
echo "fleet: gateway RSS peak $((peak / 1024)) MB (VmHWM $((hwm / 1024)) MB), target <= 150 MB"
