#!/usr/bin/env bash
# Installs what fieldgate needs on Debian 12 (run as root). Debian packages only.
set -euo pipefail
packages=(
  build-essential cmake pkg-config ccache git curl
  libboost-dev libboost-system-dev
  nlohmann-json3-dev libvalijson-dev libcli11-dev libspdlog-dev libpugixml-dev
  libhowardhinnant-date-dev tzdata libre2-dev
  libsqlite3-dev sqlite3 libssl-dev
  # The PostgreSQL store: libpq to build against; the server (initdb, pg_ctl), which the tests
  # start as clusters of their own, never as the system service.
  libpq-dev postgresql libjemalloc-dev libutfcpp-dev
  libgtest-dev libgmock-dev
  mosquitto mosquitto-clients libpaho-mqttpp-dev libpaho-mqtt-dev
  prometheus-cpp-dev libyaml-cpp-dev
  # HTTPS out (libcurl), test certificates made at test time (openssl), an egress proxy
  # for the proxy tests (tinyproxy, started by the tests themselves, never as a service).
  libcurl4-openssl-dev openssl tinyproxy
  # The ASan + UBSan build and the fuzzers (scripts/sanitize.sh asan, scripts/fuzz.sh): clang,
  # its sanitizer and libFuzzer runtimes, llvm-symbolizer for the reports' stack traces.
  clang libclang-rt-14-dev llvm
  # The contract checks (scripts/check-contracts.sh): promtool, from Debian's Prometheus.
  prometheus
  # The staff console: Argon2id password hashes and random session ids (libsodium); its browser
  # tests drive Debian's chromium headless (tests/console/, playwright-core from npm).
  libsodium-dev chromium
  # HAProxy in front of several gateways: scripts/try-deployment.sh (as docs/deployment.md has
  # it), bench/ingest/run_pg_ratio.sh and the multi-instance fault rig start their own, never
  # the system service; python3 for the trial's account of what arrived.
  haproxy python3
)
# Node.js and npm run the contract checks' tools (tools/contracts, Redocly CLI needs Node.js
# 20.19 or newer). Debian's only when the machine has none: a Node.js installed another way
# comes with its own npm, which Debian's npm package would fight.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps.sh: run as root (apt-get install)" >&2
  exit 1
fi
# The console's browser tests' npm packages, exactly as tests/console/package-lock.json pins them
# (playwright-core without its own browsers: the tests use Debian's chromium).
root=$(cd "$(dirname "$0")/.." && pwd)
npm_console() { bash "$root/scripts/npm-pinned.sh" "$root/tests/console"; }
# Every package known and installed: nothing to do (no apt-get update on each test run).
installed=$(dpkg-query -W -f='${Status}\n' "${packages[@]}" 2>/dev/null | grep -c '^install ok installed$' || true)
if [ "$installed" -eq "${#packages[@]}" ]; then
  npm_console
  echo "dependencies already installed"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
npm_console
echo "dependencies installed"
