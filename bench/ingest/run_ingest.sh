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
build=${BUILD_DIR:-$root/build-release}

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DFIELDGATE_TESTS=OFF >/dev/null
cmake --build "$build" --target fieldgate fieldgate-bench-ingest -j2 >/dev/null

work=$(mktemp -d)
trap 'kill $gw 2>/dev/null || true; wait $gw 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/secrets/crm" "$work/secrets/bay-hauling"
head -c 24 /dev/urandom | base64 > "$work/secrets/crm/api-token"
head -c 24 /dev/urandom | base64 > "$work/secrets/bay-hauling/api-key"
# The vendor folders as shipped, except Bay Hauling's rate limit, lifted so the figure is the
# gateway's and not its limiter's (the shipped limit is a contract figure, not a capacity).
cp -r "$root/vendor_schemas" "$work/vendor_schemas"
python3 - "$work/vendor_schemas/bay-hauling/mapping.json" <<'PY'
import json, sys
path = sys.argv[1]
mapping = json.load(open(path))
mapping["transport"]["rate_limit"] = {"requests_per_second": 1000000, "burst": 1000000}
json.dump(mapping, open(path, "w"), indent=2)
PY
cat > "$work/gateway.json" <<JSON
{"listen": {"port": 0, "port_file": "port"}, "store": {"path": "bench.db", "synchronous": "FULL"},
 "secrets": {"dir": "secrets"}, "log": {"level": "warn"}, "vendor_schemas": "vendor_schemas",
 "catalog": {"path": "$root/gateway/catalog/standard-codes.json"}}
JSON
"$build/gateway/fieldgate" serve --config "$work/gateway.json" &
gw=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")
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
