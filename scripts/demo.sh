#!/usr/bin/env bash
# Installs, builds and runs the demo: the gateway on its embedded SQLite store, the CRM's work
# orders created, the vendor simulator posting results for all three vendors in their own
# formats (with bad payloads and retries), the CRM simulator receiving every status change as a
# signed CloudEvent, then the summary of what the store holds and what the CRM received. The
# staff console is at the printed address with the printed sign-in; with DEMO_CONSOLE_WAIT=1
# (the default when run from a terminal) the demo keeps the gateway up until Enter is pressed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/install-deps.sh"
# Only what the demo runs: the gateway and two simulators, not the test suite.
BUILD_DIR=${BUILD_DIR:-$root/build} bash "$root/scripts/build.sh" fieldgate fieldgate-crm-sim \
  fieldgate-vendor-sim >/dev/null
build=${BUILD_DIR:-$root/build}
orders=${DEMO_ORDERS:-120}

work=$(mktemp -d)
trap 'kill $gw $crm 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
for secret in crm/api-token bay-hauling/api-key bay-hauling/hmac-secret valley-disposal/password curbside-coop/api-key; do
  mkdir -p "$work/secrets/$(dirname "$secret")"
  head -c 24 /dev/urandom | base64 > "$work/secrets/$secret"
done
echo "whsec_$(head -c 32 /dev/urandom | base64)" > "$work/secrets/crm/webhook-secret"
"$build/simulators/crm_sim/fieldgate-crm-sim" --port 0 --port-file "$work/crm-port" \
  --control-port 0 --control-port-file "$work/crm-control-port" \
  --secret-file "$work/secrets/crm/webhook-secret" > "$work/crm-sim.out" 2>&1 &
crm=$!
for _ in $(seq 100); do [ -s "$work/crm-port" ] && [ -s "$work/crm-control-port" ] && break; sleep 0.1; done
# A demo operator account for the staff console: a fresh random password, printed below.
console_password=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
printf '%s\n' "$console_password" | "$build/gateway/fieldgate" console user \
  --users-file "$work/console-users" --name demo --role operator >/dev/null
cat > "$work/gateway.json" <<JSON
{
  "console": {"users_file": "console-users"},
  "crm": {"endpoint": "http://127.0.0.1:$(cat "$work/crm-port")/events"},
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
echo
echo "== what the CRM simulator received (signed CloudEvents, verified; per-request order checked)"
control="127.0.0.1:$(cat "$work/crm-control-port")"
for _ in $(seq 50); do  # let the last events arrive
  pending=$(sqlite3 "$work/fieldgate.db" "SELECT COUNT(*) FROM outbox WHERE state = 'pending'")
  [ "$pending" = 0 ] && break
  sleep 0.2
done
curl -s "http://$control/_report"
echo
echo
echo "== staff console: http://127.0.0.1:$port/console/  (sign in as demo / $console_password)"
if [ "${DEMO_CONSOLE_WAIT:-$([ -t 0 ] && echo 1 || echo 0)}" = 1 ]; then
  read -r -p "   the gateway stays up for the console; press Enter to stop it " _ || true
fi
exit $status
