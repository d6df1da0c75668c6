# Shared by the ingest bench scripts (source it after setting root): the Release build they
# run ($build: BUILD_DIR or build-release), and a gateway's work folder as the ingest bench
# configures it.

build=${BUILD_DIR:-$root/build-release}

# Builds the targets into $build, one build at a time per folder.
fg_build_release() {
  mkdir -p "$build"
  (
    flock 9
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DFIELDGATE_TESTS=OFF >/dev/null
    local targets=()
    for t in "$@"; do targets+=(--target "$t"); done
    cmake --build "$build" "${targets[@]}" -j2 >/dev/null
  ) 9>"$build/.build.lock"
}

# Fresh secrets in WORK/secrets: a CRM token and a Bay Hauling key.
fg_secrets() {
  local work=$1
  mkdir -p "$work/secrets/crm" "$work/secrets/bay-hauling"
  head -c 24 /dev/urandom | base64 > "$work/secrets/crm/api-token"
  head -c 24 /dev/urandom | base64 > "$work/secrets/bay-hauling/api-key"
}

# WORK/gateway.json with synchronous=FULL on WORK/bench.db (or the "store" object STORE_JSON),
# and the vendor folders as shipped, except Bay Hauling's rate limit, lifted so the figure is the
# gateway's and not its limiter's (the shipped limit is a contract figure, not a capacity).
fg_gateway_workdir() {
  local work=$1
  local store=${2:-'{"path": "bench.db", "synchronous": "FULL"}'}
  fg_secrets "$work"
  cp -r "$root/vendor_schemas" "$work/vendor_schemas"
  python3 - "$work/vendor_schemas/bay-hauling/mapping.json" <<'PY'
import json, sys
path = sys.argv[1]
mapping = json.load(open(path))
mapping["transport"]["rate_limit"] = {"requests_per_second": 1000000, "burst": 1000000}
json.dump(mapping, open(path, "w"), indent=2)
PY
  cat > "$work/gateway.json" <<JSON
{"listen": {"port": 0, "port_file": "port"}, "store": $store,
 "secrets": {"dir": "secrets"}, "log": {"level": "warn"}, "vendor_schemas": "vendor_schemas",
 "catalog": {"path": "$root/gateway/catalog/standard-codes.json"}}
JSON
}

# Prints the port a server wrote to FILE, waiting up to 10 s for it.
fg_wait_port() {
  for _ in $(seq 100); do [ -s "$1" ] && break; sleep 0.1; done
  cat "$1"
}

# CPU time in clock ticks (getconf CLK_TCK a second), user + system, of the PIDs' own threads.
fg_ticks() {
  local p
  for p in "$@"; do cat "/proc/$p/stat" 2>/dev/null; done |
    awk '{sub(/.*\) /, ""); s += $12 + $13} END {print s + 0}'
}

# µs of CPU per result of each TICKS count (clock ticks spent on RESULTS results), one line,
# space-separated, rounded: fg_us_per_result RESULTS TICKS...
fg_us_per_result() {
  local results=$1
  shift
  awk -v r="$results" -v hz="$(getconf CLK_TCK)" 'BEGIN {
    us = 1e6 / hz / (r > 0 ? r : 1)
    for (i = 1; i < ARGC; i++) printf "%s%.0f", (i > 1 ? " " : ""), ARGV[i] * us
    print ""
  }' "$@"
}

# CPU ticks of a server process and its children: its own, its children's it has reaped, and
# those of the children alive now (a PostgreSQL postmaster and its backends).
fg_tree_ticks() {
  cat /proc/[0-9]*/stat 2>/dev/null | awk -v root="$1" '{
    pid = $1; sub(/.*\) /, "")
    if (pid == root) s += $12 + $13 + $14 + $15; else if ($2 == root) s += $12 + $13
  } END {print s + 0}'
}

# CPU ticks of the children the script's shell has waited for (a load generator run in the
# foreground, also from a command substitution: the subshell's share is added when it ends).
fg_waited_ticks() {
  sed 's/.*) //' "/proc/$$/stat" | awk '{print $14 + $15}'
}

# A free TCP port on 127.0.0.1 (free when asked: a server taking it later may race another).
fg_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# "busy total" ticks of the whole machine, all cores (busy: neither idle nor waiting for I/O).
fg_machine_ticks() {
  awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat
}

# Each BUSY tick count as a rounded percentage of TOTAL machine ticks, one line, space-separated:
# fg_percent_of TOTAL BUSY...
fg_percent_of() {
  local total=$1
  shift
  awk -v t="$total" 'BEGIN {
    for (i = 1; i < ARGC; i++) printf "%s%.0f", (i > 1 ? " " : ""), 100 * ARGV[i] / (t > 0 ? t : 1)
    print ""
  }' "$@"
}
