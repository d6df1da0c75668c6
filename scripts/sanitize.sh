#!/usr/bin/env bash
# Builds fieldgate with sanitizers (its own build folder) and runs tests under them.
#   scripts/sanitize.sh asan [ctest -R regex] [ctest -E regex]
#       AddressSanitizer + UndefinedBehaviorSanitizer (clang; build-asan/ holds the fuzzers too)
#   scripts/sanitize.sh tsan [ctest -R regex] [ctest -E regex]
#       ThreadSanitizer (g++; build-tsan/)
# SANITIZE_TARGETS limits what is built. The component and integration tests start the fieldgate
# binary of the same build folder, so the daemon itself runs instrumented; its first report makes
# it exit, which fails the test.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:?asan or tsan}
regex=${2:-}
exclude=${3:-}
build=${SANITIZE_BUILD_DIR:-$root/build-$mode}
bash "$root/scripts/configure-sanitized.sh" "$mode" "$build"
if [ -n "${SANITIZE_TARGETS:-}" ]; then
  # shellcheck disable=SC2086
  cmake --build "$build" -j"$(nproc)" --target $SANITIZE_TARGETS
else
  cmake --build "$build" -j"$(nproc)"
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:suppressions=$root/tests/tsan.supp}
cd "$build"
args=(--output-on-failure -j2 --timeout 900)
[ -n "$regex" ] && args+=(-R "$regex")
[ -n "$exclude" ] && args+=(-E "$exclude")
bash "$root/scripts/ctest.sh" "${args[@]}"
