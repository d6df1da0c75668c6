#!/usr/bin/env bash
# Configures a sanitizer build folder; scripts/sanitize.sh and scripts/fuzz.sh share it, so the
# ASan build that runs the test suite also holds the fuzzers (one build of the code, not two).
#   scripts/configure-sanitized.sh asan <build>  clang: ASan + UBSan, the tests and the libFuzzer
#                                                targets (the libraries get coverage hooks)
#   scripts/configure-sanitized.sh tsan <build>  g++: ThreadSanitizer, the tests
# -O1 and line tables only (-g1): what the sanitizers' reports need, a quarter less compile time
# than RelWithDebInfo's -O2 -g on the 2-core machines.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:?asan or tsan}
build=${2:?build folder}
flags="-O1 -g1 -DNDEBUG"
case "$mode" in
  asan)
    if ! command -v clang++ >/dev/null ||
       ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
      echo "configure-sanitized.sh: asan needs clang, libclang-rt-14-dev and llvm" \
           "(scripts/install-deps.sh installs them)" >&2
      exit 1
    fi
    compiler=(-DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++)
    clang=yes
    options=(-DFIELDGATE_SANITIZE=address,undefined -DFIELDGATE_FUZZ=ON)
    ;;
  tsan)
    compiler=()  # the system's c++, g++ 12
    clang=no
    options=(-DFIELDGATE_SANITIZE=thread)
    ;;
  *) echo "configure-sanitized.sh: asan or tsan, not '$mode'" >&2; exit 2 ;;
esac
# A folder configured with the other compiler (an older layout) cannot be reconfigured in place.
cache="$build/CMakeCache.txt"
was_clang=no
grep -qs '^CMAKE_CXX_COMPILER:.*clang++$' "$cache" && was_clang=yes
if [ -f "$cache" ] && [ "$was_clang" != "$clang" ]; then
  echo "configure-sanitized.sh: $build was configured with another compiler; starting afresh"
  rm -rf "$build"
fi
cmake -S "$root" -B "$build" "${compiler[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$flags" -DCMAKE_C_FLAGS_RELWITHDEBINFO="$flags" \
  "${options[@]}" -DFIELDGATE_JEMALLOC=OFF -DFIELDGATE_BENCH=OFF -DFIELDGATE_WERROR=ON >/dev/null
