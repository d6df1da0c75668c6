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

# WORK/gateway.json with synchronous=FULL on WORK/bench.db, and the vendor folders as shipped,
# except Bay Hauling's rate limit, lifted so the figure is the gateway's and not its limiter's
# (the shipped limit is a contract figure, not a capacity).
fg_gateway_workdir() {
  local work=$1
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
{"listen": {"port": 0, "port_file": "port"}, "store": {"path": "bench.db", "synchronous": "FULL"},
 "secrets": {"dir": "secrets"}, "log": {"level": "warn"}, "vendor_schemas": "vendor_schemas",
 "catalog": {"path": "$root/gateway/catalog/standard-codes.json"}}
JSON
}

# Prints the port a server wrote to FILE, waiting up to 10 s for it.
fg_wait_port() {
  for _ in $(seq 100); do [ -s "$1" ] && break; sleep 0.1; done
  cat "$1"
}
