#!/usr/bin/env bash
# Installs, builds and runs the demo: the gateway on its embedded SQLite store, the CRM's work
# orders created, the vendor simulator posting results for all three vendors in their own
# formats (with bad payloads and retries), then the summary of what the store holds.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/install-deps.sh"
BUILD_DIR=${BUILD_DIR:-$root/build} bash "$root/scripts/build.sh" >/dev/null
build=${BUILD_DIR:-$root/build}
orders=${DEMO_ORDERS:-120}

work=$(mktemp -d)
trap 'kill $gw 2>/dev/null || true; wait $gw 2>/dev/null || true; rm -rf "$work"' EXIT
for secret in crm/api-token bay-hauling/api-key bay-hauling/hmac-secret valley-disposal/password curbside-coop/api-key; do
  mkdir -p "$work/secrets/$(dirname "$secret")"
  head -c 24 /dev/urandom | base64 > "$work/secrets/$secret"
done
cat > "$work/gateway.json" <<JSON
{
  "listen": {"address": "127.0.0.1", "port": 0, "port_file": "port"},
  "store": {"path": "fieldgate.db", "synchronous": "FULL"},
  "secrets": {"dir": "secrets"},
  "assignment": {"rules": [{"service_type": "bulky_item", "vendor": "bay-hauling"}]},
  "log": {"level": "info"}
}
JSON
"$build/gateway/fieldgate" serve --config "$work/gateway.json" > "$work/gateway.log" 2>&1 &
gw=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")
echo "== fieldgate listening on 127.0.0.1:$port (store $work/fieldgate.db)"
echo "== vendor simulator: $orders work orders per vendor, results in each vendor's own format"
status=0
"$build/simulators/vendor_sim/fieldgate-vendor-sim" --gateway "127.0.0.1:$port" --secrets-dir "$work/secrets" \
  --orders "$orders" --rate 400 --bad-share 0.05 --retry-share 0.1 --seed 311 || status=$?
echo
echo "== what the gateway stored (fieldgate stats)"
"$build/gateway/fieldgate" stats --config "$work/gateway.json"
exit $status
