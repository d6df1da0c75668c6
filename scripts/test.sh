#!/usr/bin/env bash
# Installs, builds and runs the whole test suite: unit, golden vendor samples, component tests
# against the real gateway on loopback, and the kill -9 crash test. .ci/run runs exactly this.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh"
build=${BUILD_DIR:-$root/build}
cd "$build"
ctest --output-on-failure -j2 --timeout 900
