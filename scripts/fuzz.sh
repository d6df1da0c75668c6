#!/usr/bin/env bash
# Builds the libFuzzer targets with clang under AddressSanitizer + UndefinedBehaviorSanitizer and
# runs each for FUZZ_SECONDS (default 30), seeded from the golden vendor samples and the committed
# seeds in tests/fuzz/seeds/. Any crash, leak or sanitizer report fails the script and leaves the
# input in $build/findings/. Usage: scripts/fuzz.sh [fuzzer ...]   (default: all)
# A long run, one fuzzer at a time: FUZZ_SECONDS=600 nice -n 19 scripts/fuzz.sh fuzz-sync-request
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
seconds=${FUZZ_SECONDS:-30}
all=(fuzz-vendor-bay-hauling fuzz-vendor-valley-disposal fuzz-vendor-curbside-coop
     fuzz-mapping-file fuzz-http-request fuzz-sync-request fuzz-mqtt-message)
targets=("${@:-${all[@]}}")

# On a fresh machine (as root): the build's Debian packages, then clang, libFuzzer and llvm, which
# only this script needs (the test command does not install them).
have_clang() {
  command -v clang++ >/dev/null &&
    ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1
}
if [ "$(id -u)" -eq 0 ]; then
  bash "$root/scripts/install-deps.sh" >/dev/null
  if ! have_clang; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      clang libclang-rt-14-dev llvm >/dev/null
  fi
elif ! have_clang; then
  echo "fuzz.sh: needs clang, libclang-rt-14-dev and llvm (run as root to install them)" >&2
  exit 1
fi

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DFIELDGATE_FUZZ=ON -DFIELDGATE_SANITIZE=address,undefined -DFIELDGATE_JEMALLOC=OFF \
  -DFIELDGATE_TESTS=OFF -DFIELDGATE_WERROR=ON >/dev/null
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
      for f in "$root"/vendor_schemas/*/mapping.json; do
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
failed=()
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"
  findings="$build/findings/$t"
  mkdir -p "$corpus" "$findings"
  echo "== $t: ${seconds}s"
  if ! "$build/tests/fuzz/$t" "$corpus" "$(seeds_for "$t")" -max_total_time="$seconds" \
      -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$findings/" \
      2>"$build/$t.log"; then
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
