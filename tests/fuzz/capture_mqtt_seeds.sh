#!/usr/bin/env bash
# Writes tests/fuzz/seeds/mqtt/captured-*: what the truck simulator really publishes, captured
# from a real Mosquitto with mosquitto_sub: route assignments, status, positions, stop events and
# route events of fieldgate-truck-sim --trucks 2 --stops 4 (the fleet
# tests/fuzz/mqtt_message_fuzzer.cpp creates as work orders). A seed is the topic, a newline and
# the payload. The doc-* and edge-* seeds beside them are written by hand from the Bay Hauling
# interface document and vendor_schemas/bay-hauling/mqtt.json.
# Usage: tests/fuzz/capture_mqtt_seeds.sh [build dir]   (needs mosquitto, mosquitto_sub)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
out=$root/tests/fuzz/seeds/mqtt
work=$(mktemp -d /tmp/fieldgate-capture-XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$port" >"$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
sleep 0.5
mosquitto_sub -h 127.0.0.1 -p "$port" -v -t 'fleet/#' >"$work/wire" &
sleep 0.5
"$build/simulators/truck_sim/fieldgate-truck-sim" --broker "tcp://127.0.0.1:$port" --trucks 2 \
  --stops 4 --rate 1 --duration 12 --speed-mps 200 --breakdown-probability 0.5 >/dev/null
sleep 0.5

rm -f "$out"/captured-*
mkdir -p "$out"
declare -A seen
while read -r topic payload; do
  kind=${topic##*/}
  truck=$(basename "$(dirname "$topic")")
  n=$(( ${seen[$kind]:-0} + 1 ))
  seen[$kind]=$n
  # Every stop and route event, the first three positions, one of each of the rest per truck.
  case "$kind" in position) [ "$n" -le 3 ] || continue ;; esac
  f="$out/captured-$kind-$truck-$n"
  [ "$kind" = position ] && f="$out/captured-$kind-$n"
  printf '%s\n%s' "$topic" "$payload" >"$f"
done <"$work/wire"
ls "$out" | grep -c captured- | sed "s|$| captured seeds in $out|"
