#!/usr/bin/env bash
# Builds the libFuzzer targets with clang under AddressSanitizer + UndefinedBehaviorSanitizer (in
# build-asan/, the folder of scripts/sanitize.sh asan: the libraries the tests ran are the ones
# fuzzed, built once) and runs each for FUZZ_SECONDS (default 30), seeded from the golden vendor
# samples and the committed seeds in tests/fuzz/seeds/. Any crash, leak or sanitizer report fails
# the script and leaves the input in $build/findings/<fuzzer>/.
# Usage: scripts/fuzz.sh [fuzzer ...]   (default: all)
# A long run, one fuzzer at a time: FUZZ_SECONDS=600 FUZZ_JOBS=1 nice -n 19 scripts/fuzz.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-asan}
seconds=${FUZZ_SECONDS:-30}
all=(fuzz-vendor-bay-hauling fuzz-vendor-valley-disposal fuzz-vendor-curbside-coop
     fuzz-mapping-file fuzz-http-request fuzz-sync-request fuzz-mqtt-message)
targets=("${@:-${all[@]}}")

# On a fresh machine (as root): the build's packages, clang, libFuzzer and llvm among them.
if [ "$(id -u)" -eq 0 ]; then
  bash "$root/scripts/install-deps.sh" >/dev/null
fi
bash "$root/scripts/configure-sanitized.sh" asan "$build"
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}"

seeds_for() {  # the seed folders of one fuzzer
  case "$1" in
    fuzz-vendor-*)
      local vendor=${1#fuzz-vendor-} dir="$build/seeds/$1"
      mkdir -p "$dir"
      for f in "$root/vendor_schemas/$vendor"/samples/*/input.*; do
        cp "$f" "$dir/$(basename "$(dirname "$f")")"
      done
      echo "$dir" ;;
    fuzz-mapping-file)
      local dir="$build/seeds/$1"
      mkdir -p "$dir"
      # The shipped vendors and the test folders that use every mapping feature.
      for f in "$root"/vendor_schemas/*/mapping.json "$root"/tests/data/vendors/*/mapping.json; do
        cp "$f" "$dir/$(basename "$(dirname "$f")")"
      done
      echo "$dir" ;;
    fuzz-http-request) echo "$root/tests/fuzz/seeds/http" ;;
    fuzz-sync-request) echo "$root/tests/fuzz/seeds/sync" ;;
    fuzz-mqtt-message) echo "$root/tests/fuzz/seeds/mqtt" ;;
  esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# FUZZ_JOBS fuzzers at a time (default: one per core); a long run wants FUZZ_JOBS=1.
parallel=${FUZZ_JOBS:-$(nproc)}
run_one() {  # one fuzzer; its exit status in $build/<fuzzer>.status, its log in <fuzzer>.log
  local t=$1 corpus="$build/corpus/$1" findings="$build/findings/$1" status=0
  mkdir -p "$corpus" "$findings"
  "$build/tests/fuzz/$t" "$corpus" "$(seeds_for "$t")" -max_total_time="$seconds" \
    -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$findings/" \
    2>"$build/$t.log" || status=$?
  echo "$status" >"$build/$t.status"
}
echo "fuzz: ${#targets[@]} fuzzers, ${seconds}s each, $parallel at a time"
for t in "${targets[@]}"; do
  while (($(jobs -rp | wc -l) >= parallel)); do wait -n || true; done
  run_one "$t" &
done
wait
failed=()
for t in "${targets[@]}"; do
  echo "== $t: ${seconds}s"
  if [ "$(cat "$build/$t.status" 2>/dev/null)" != 0 ]; then
    tail -60 "$build/$t.log"
    failed+=("$t")
  else
    grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb|cov:' "$build/$t.log" | tail -3
  fi
done
if ((${#failed[@]})); then
  echo "fuzz: FAILED: ${failed[*]} (inputs in $build/findings/)" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} fuzzers, ${seconds}s each, no finding"
