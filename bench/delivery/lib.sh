# shellcheck shell=bash
# Shared by the delivery benchmarks (sourced, not run): secrets, test certificates, the CRM
# simulator and the gateway, each started fresh in its own folder and stopped again.
# The caller sets `root` (the source tree) and `build` (a build folder with fieldgate,
# fieldgate-crm-sim and the bench programs in it).
# shellcheck disable=SC2154  # root and build are the caller's

# Waits up to 10 s for each named file to be non-empty.
fg_wait_files() {
  for _ in $(seq 100); do
    local all=1 f
    for f in "$@"; do [ -s "$f" ] || all=0; done
    [ $all = 1 ] && return 0
    sleep 0.1
  done
  echo "timed out waiting for $*" >&2
  return 1
}

# fg_make_secrets DIR: the CRM's API token and webhook secret, Bay Hauling's key, and the
# client secret the gateway presents to the CRM's OAuth 2.0 token endpoint.
fg_make_secrets() {
  mkdir -p "$1/crm" "$1/bay-hauling"
  head -c 24 /dev/urandom | base64 > "$1/crm/api-token"
  head -c 24 /dev/urandom | base64 > "$1/bay-hauling/api-key"
  echo "whsec_$(head -c 32 /dev/urandom | base64)" > "$1/crm/webhook-secret"
  head -c 24 /dev/urandom | base64 > "$1/crm/oauth-client-secret"
}

# fg_make_certs DIR: a test CA (ca.pem) and a server certificate for localhost / 127.0.0.1
# signed by it (server.pem, server.key), EC P-256, as tests/support/test_certs.h makes them.
fg_make_certs() {
  mkdir -p "$1"
  cat > "$1/openssl.cnf" <<'CNF'
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ v3_ca ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ server ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
CNF
  (
    cd "$1" || exit 1
    export OPENSSL_CONF=openssl.cnf
    local key=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
    openssl req -config openssl.cnf -x509 "${key[@]}" -keyout ca.key -out ca.pem -days 30 \
      -subj "/CN=fieldgate bench CA" -extensions v3_ca 2>/dev/null
    openssl req -config openssl.cnf -x509 "${key[@]}" -keyout server.key -out server.pem -days 30 \
      -subj /CN=localhost -extensions server -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
      -CA ca.pem -CAkey ca.key 2>/dev/null
  )
}

# fg_start_crm DIR SECRETS [CERTS]: the CRM simulator in DIR (events.jsonl, crm-port,
# crm-control-port). With CERTS: HTTPS on the events port and OAuth 2.0 client credentials
# (client "fieldgate", tokens valid OAUTH_TTL seconds, default 300). Sets crm_pid.
fg_start_crm() {
  local dir=$1 secrets=$2 certs=${3:-} extra=()
  if [ -n "$certs" ]; then
    extra=(--tls-cert "$certs/server.pem" --tls-key "$certs/server.key"
      --oauth-client-id fieldgate --oauth-client-secret-file "$secrets/crm/oauth-client-secret"
      --oauth-token-ttl "${OAUTH_TTL:-300}")
  fi
  "$build/simulators/crm_sim/fieldgate-crm-sim" --port 0 --port-file "$dir/crm-port" \
    --control-port 0 --control-port-file "$dir/crm-control-port" \
    --secret-file "$secrets/crm/webhook-secret" --events-out "$dir/events.jsonl" "${extra[@]}" \
    > "$dir/crm-sim.out" 2>&1 &
  crm_pid=$!
  fg_wait_files "$dir/crm-port" "$dir/crm-control-port"
}

# fg_start_gateway DIR SECRETS CRM LISTEN [CERTS]: fieldgate serving from DIR (synchronous=FULL,
# a fresh store). CRM: none | http | https (https: crm.tls.ca_file and crm.oauth2 against the
# simulator started in DIR). LISTEN: http | https (listen.tls with CERTS). Sets gw_pid.
# GATEWAY_EXTRA_JSON: more members, e.g. ', "delivery": {"concurrency": 32}'.
fg_start_gateway() {
  local dir=$1 secrets=$2 crm=$3 listen=$4 certs=${5:-} crm_json="" tls_json=""
  if [ "$crm" != none ]; then
    local origin
    origin="$crm://127.0.0.1:$(cat "$dir/crm-port")"
    crm_json=", \"crm\": {\"endpoint\": \"$origin/events\""
    if [ "$crm" = https ]; then
      crm_json+=", \"tls\": {\"ca_file\": \"$certs/ca.pem\"}, \"oauth2\": {\"token_url\":
        \"$origin/oauth2/token\", \"client_id\": \"fieldgate\",
        \"client_secret\": \"crm/oauth-client-secret\"}"
    fi
    crm_json+="}"
  fi
  if [ "$listen" = https ]; then
    tls_json=", \"tls\": {\"cert_file\": \"$certs/server.pem\","
    tls_json+=" \"key_file\": \"$certs/server.key\"}"
  fi
  cat > "$dir/gateway.json" <<JSON
{"listen": {"port": 0, "port_file": "port"$tls_json},
 "store": {"path": "bench.db", "synchronous": "FULL"},
 "secrets": {"dir": "$secrets"}, "log": {"level": "warn"}, "watchdog": {"enabled": false}$crm_json
 ${GATEWAY_EXTRA_JSON:-}}
JSON
  "$build/gateway/fieldgate" serve --config "$dir/gateway.json" > "$dir/gateway.out" 2>&1 &
  gw_pid=$!
  fg_wait_files "$dir/port"
}

# Stops the gateway and the simulator started last, if they still run.
fg_stop() {
  local pid
  for pid in ${gw_pid:-} ${crm_pid:-}; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  gw_pid="" crm_pid=""
}

# fg_cpu_s PID: the CPU seconds (user + system) the process has used so far.
fg_cpu_s() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.1f", ($12 + $13) / hz }' \
    "/proc/$1/stat"
}
