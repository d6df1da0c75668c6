#!/usr/bin/env bash
# One tablet syncing 10,000 queued crew actions to the gateway on loopback (synchronous=FULL on
# both sides); prints the sync time and the library's peak RSS delta while syncing.
# Usage: bench/offline/run_offline.sh [actions] [batch]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
actions=${1:-10000}
batch=${2:-500}
build=${BUILD_DIR:-$root/build}

cmake --build "$build" --target fieldgate fieldgate-bench-offline -j2 >/dev/null

work=$(mktemp -d)
trap 'kill $gw 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/secrets/crm" "$work/secrets/admin"
head -c 24 /dev/urandom | base64 > "$work/secrets/crm/api-token"
head -c 24 /dev/urandom | base64 > "$work/secrets/admin/api-token"
cat > "$work/gateway.json" <<JSON
{"listen": {"port": 0, "port_file": "port"}, "store": {"path": "bench.db", "synchronous": "FULL"},
 "secrets": {"dir": "secrets"}, "log": {"level": "warn"}, "watchdog": {"enabled": false},
 "vendor_schemas": "$root/vendor_schemas", "catalog": {"path": "$root/gateway/catalog/standard-codes.json"}}
JSON
(cd "$work" && exec "$build/gateway/fieldgate" serve --config "$work/gateway.json") &
gw=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
echo "fieldgate $(git -C "$root" rev-parse --short HEAD), $actions actions, batches of $batch, $(nproc) cores, build $(basename "$build")"
"$build/bench/offline/fieldgate-bench-offline" --port "$(cat "$work/port")" \
  --admin-token-file "$work/secrets/admin/api-token" --crm-token-file "$work/secrets/crm/api-token" \
  --dir "$work" --actions "$actions" --batch "$batch"
