#!/usr/bin/env bash
# Installs, builds and runs the whole test suite. .ci/run runs exactly this. Four stages:
#   plain  the RelWithDebInfo build (g++, warnings as errors): every test (unit, golden vendor
#          samples, component, MQTT, offline, crash, the fault suite), then the contract checks
#          by third-party tools (scripts/check-contracts.sh)
#   asan   AddressSanitizer + UndefinedBehaviorSanitizer (clang, warnings as errors): every test
#          but the fault suite (its kill -9 cycles and outages test the store and the protocols,
#          not memory; they ran in the plain stage) and the console's browser run
#   tsan   ThreadSanitizer (g++): the concurrent parts (HTTP server, store writer, delivery
#          worker, MQTT client) and the tests that drive them through the real daemon
#   fuzz   every libFuzzer target for FUZZ_SECONDS (20) from its seed corpus, linked in the asan
#          stage's build folder (the libraries built once for both)
# FIELDGATE_STAGES chooses (default "plain asan tsan fuzz", what .ci/run runs; README "Fuzzing
# and sanitizers" says why each runs what it runs).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
stages=${FIELDGATE_STAGES:-plain asan tsan fuzz}
bash "$root/scripts/install-deps.sh"

started=$SECONDS
stage_times=()
finish_stage() { stage_times+=("$1 $((SECONDS - $2))s"); }

for stage in $stages; do
  t0=$SECONDS
  echo "== stage $stage"
  case "$stage" in
    plain)
      bash "$root/scripts/build.sh"
      (cd "${BUILD_DIR:-$root/build}" && bash "$root/scripts/ctest.sh" --output-on-failure -j2 --timeout 900)
      # The contracts as third-party tools read them (README "Contracts"; the script installs
      # its npm tools as their lock file pins them).
      bash "$root/scripts/check-contracts.sh"
      ;;
    asan)
      # Not the fault suite (its kill -9 cycles test the store and protocols, not memory) nor
      # the console's browser run (the console's C++ routes run instrumented in the component
      # tests' ConsoleSessions; the browser adds the pages, which ASan does not see).
      bash "$root/scripts/sanitize.sh" asan "" "^(fault_tests\.|console_browser_tests$)"
      ;;
    tsan)
      # The HTTP server and the load engine (unit tests on real sockets), the store writer, and
      # the MQTT tests, which run the whole daemon (HTTP I/O thread, writer, checkpointer, MQTT
      # client and supervisor, arrival detection, delivery worker to the CRM simulator).
      SANITIZE_TARGETS="fieldgate fieldgate-crm-sim fieldgate-truck-sim http_tests gateway_tests
        mqtt_tests" bash "$root/scripts/sanitize.sh" tsan "^(http_tests|gateway_tests|mqtt_tests)\."
      ;;
    fuzz)
      FUZZ_SECONDS=${FUZZ_SECONDS:-20} bash "$root/scripts/fuzz.sh"
      ;;
    *)
      echo "test.sh: unknown stage '$stage' (plain, asan, tsan, fuzz)" >&2
      exit 2
      ;;
  esac
  finish_stage "$stage" "$t0"
done
echo "stages: ${stage_times[*]}; total $((SECONDS - started))s"
