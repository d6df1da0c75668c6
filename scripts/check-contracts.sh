#!/usr/bin/env bash
# Checks fieldgate's contracts with the third-party tools their readers use (README "Contracts"):
#   openapi   Redocly CLI lints docs/api/openapi.yaml with its recommended rules, warnings as
#             errors (tools/contracts/redocly.yaml: rules turned off, each with its reason)
#   asyncapi  the AsyncAPI parser parses and validates docs/api/asyncapi.yaml
#   schemas   Ajv compiles every *.schema.json in strict mode
#   metrics   promtool lints the live /metrics of a real gateway (build/gateway/fieldgate) that
#             took in results and delivered CRM events, so counters and histograms have samples
# `check-contracts.sh [check ...]` runs the named checks (default: all four). Every check runs,
# after making sure its tool refuses a known-bad canary (tools/contracts/canaries/); the script
# exits 1 when any failed, naming them. The tools come from
# tools/contracts/package-lock.json (scripts/npm-pinned.sh: npm ci when the lock changed) and Debian's
# prometheus package (promtool; scripts/install-deps.sh). BUILD_DIR picks the build folder.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/tools/contracts"
build=${BUILD_DIR:-$root/build}
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true

bash "$root/scripts/npm-pinned.sh" "$tools"

# Runs a tool on its known-bad canary (tools/contracts/canaries/) and fails unless the tool
# refuses it: a tool that passes everything (a broken install, a config that turned every rule
# off) must not make its check pass.
expect_refused() {
  local what=$1
  shift
  if "$@" >/dev/null 2>&1; then
    echo "   $what accepted its known-bad canary: the check is not checking" >&2
    return 1
  fi
}

redocly_lint() {
  "$tools/node_modules/.bin/redocly" lint "$1" --config "$tools/redocly.yaml" --format=stylish
}

check_openapi() {
  expect_refused redocly redocly_lint "$tools/canaries/openapi.yaml" || return 1
  redocly_lint "$root/docs/api/openapi.yaml" 2>&1 | grep -v '[║╔╚]'
  return "${PIPESTATUS[0]}"
}

check_asyncapi() {
  expect_refused "the AsyncAPI parser" node "$tools/parse-asyncapi.mjs" \
    "$tools/canaries/asyncapi.yaml" || return 1
  node "$tools/parse-asyncapi.mjs" "$root/docs/api/asyncapi.yaml"
}

check_schemas() {
  expect_refused ajv node "$tools/compile-schemas.mjs" "$tools/canaries/unknown-keyword-schema.json" || return 1
  node "$tools/compile-schemas.mjs" "$root"
}

# Waits up to 30 s for a file to hold a port number; prints it.
wait_for_port() {
  for _ in $(seq 300); do
    if [ -s "$1" ]; then
      cat "$1"
      return 0
    fi
    sleep 0.1
  done
  echo "no port in $1 after 30 s" >&2
  return 1
}

# Runs the gateway against the CRM simulator in $work, sends it a work order, two vendor results
# (one taken, one refused) and a request with a wrong token, waits until the CRM events are
# delivered, and writes the /metrics page to $work/metrics.txt.
scrape_live_gateway() {
  local work=$1
  mkdir -p "$work/secrets/crm" "$work/secrets/admin" "$work/secrets/bay-hauling"
  printf 'contracts-admin-token' >"$work/secrets/admin/api-token"
  printf 'contracts-crm-token' >"$work/secrets/crm/api-token"
  printf 'contracts-bay-key' >"$work/secrets/bay-hauling/api-key"
  printf 'whsec_%s' "$(head -c 32 /dev/urandom | base64)" >"$work/secrets/crm/webhook-secret"

  # The CRM simulator, verifying each event's signature, so deliveries succeed for real.
  "$build/simulators/crm_sim/fieldgate-crm-sim" --port 0 --port-file "$work/crm-port" \
    --control-port 0 --control-port-file "$work/crm-control-port" \
    --secret-file "$work/secrets/crm/webhook-secret" >"$work/crm-sim.log" 2>&1 &
  sink_pid=$!
  local crm_port
  crm_port=$(wait_for_port "$work/crm-port") || return 1
  cat >"$work/gateway.json" <<EOF
{
  "listen": { "address": "127.0.0.1", "port": 0, "port_file": "port" },
  "store": { "path": "fieldgate.db" },
  "secrets": { "dir": "secrets" },
  "assignment": { "rules": [{ "service_type": "bulky_item", "vendor": "bay-hauling" }] },
  "crm": { "endpoint": "http://127.0.0.1:$crm_port/events" },
  "delivery": { "poll_interval_ms": 200 },
  "log": { "level": "warn" }
}
EOF
  "$build/gateway/fieldgate" serve --config "$work/gateway.json" >"$work/gateway.log" 2>&1 &
  gateway_pid=$!
  local port
  port=$(wait_for_port "$work/port") || { cat "$work/gateway.log" >&2; return 1; }
  local base="http://127.0.0.1:$port"
  post() {  # path token body: prints the status
    curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $2" \
      -H 'Content-Type: application/json' --data "$3" "$base$1"
  }
  local order result status
  order='{"crm_case_id":"SR-CONTRACTS-1","service_type":"bulky_item",
    "address":"200 E Santa Clara St, San Jose, CA","location":{"lat":37.33452,"lon":-121.88861},
    "scheduled_date":"2026-02-03","window":{"start":"07:00","end":"17:00"},"items":["sofa"],
    "vendor":"bay-hauling","route":{"id":"R-0412","date":"2026-02-03","stop_seq":1}}'
  result='{"ticket_number":"BH-C-1","service_request":"SR-CONTRACTS-1",
    "status":"Confirmed Negative","service_date":"02/03/2026",
    "closed_at":"2026-02-03T10:42:17-08:00","truck":{"id":"BH-T117","driver_id":"D-5521"},
    "items_collected":0,"exception":{"code":"CODE","description":"not set out"}}'
  status=$(post /v1/work-orders contracts-crm-token "$order")
  [ "$status" = 201 ] || { echo "work order answered $status" >&2; return 1; }
  status=$(post /v1/vendors/bay-hauling/results contracts-bay-key "${result/CODE/NSO}")
  [ "$status" = 200 ] || { echo "a Bay Hauling result answered $status" >&2; return 1; }
  status=$(post /v1/vendors/bay-hauling/results contracts-bay-key "${result/CODE/QQQ}")
  [ "$status" = 422 ] || { echo "an unmapped code answered $status, not 422" >&2; return 1; }
  status=$(post /v1/work-orders wrong-token "$order")
  [ "$status" = 401 ] || { echo "a wrong CRM token answered $status, not 401" >&2; return 1; }

  for _ in $(seq 100); do
    curl -sf -H 'Authorization: Bearer contracts-admin-token' "$base/metrics" >"$work/metrics.txt"
    grep -Eq '^fieldgate_delivery_lag_seconds_count\{endpoint="crm"\} [1-9]' "$work/metrics.txt" &&
      return 0
    sleep 0.2
  done
  echo "no CRM delivery observed in 20 s; gateway log:" >&2
  cat "$work/gateway.log" >&2
  return 1
}

# Ends a process this script started (by its id), if any.
stop_started() {
  [ -n "$1" ] || return 0
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

check_metrics() {
  local work status=0
  work=$(mktemp -d)
  scrape_live_gateway "$work" || status=1
  stop_started "$gateway_pid"
  stop_started "$sink_pid"
  gateway_pid='' sink_pid=''
  # shellcheck disable=SC2016 # $1 is the inner shell's: the canary's path
  expect_refused promtool sh -c 'promtool check metrics <"$1"' - "$tools/canaries/metrics.txt" ||
    status=1
  if [ "$status" -eq 0 ]; then
    echo "$(grep -c '^# TYPE' "$work/metrics.txt") metric families, $(grep -vc '^#' \
      "$work/metrics.txt") samples"
    promtool check metrics <"$work/metrics.txt" || status=1
  fi
  rm -rf "$work"
  return "$status"
}

# The CRM simulator and the gateway of the metrics check, ended on any exit (Ctrl-C included).
sink_pid='' gateway_pid=''
trap 'stop_started "$gateway_pid"; stop_started "$sink_pid"' EXIT

checks=("$@")
[ "${#checks[@]}" -gt 0 ] || checks=(openapi asyncapi schemas metrics)
failed=()
for check in "${checks[@]}"; do
  case "$check" in
    openapi | asyncapi | schemas | metrics) ;;
    *)
      echo "check-contracts.sh: unknown check '$check' (openapi, asyncapi, schemas, metrics)" >&2
      exit 2
      ;;
  esac
  echo "-- contracts: $check"
  if "check_$check"; then echo "   $check: ok"; else failed+=("$check"); fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "contracts: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "contracts: ${#checks[@]} of ${#checks[@]} checks passed (${checks[*]})"
