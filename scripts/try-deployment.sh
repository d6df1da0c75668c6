#!/usr/bin/env bash
# Tries docs/deployment.md on one machine, as a new user would: a PostgreSQL 15 primary and its
# synchronous streaming replica, Mosquitto with TLS and per-device accounts, two gateway
# instances installed with deploy/install.sh and configured from deploy/gateway.json, HAProxy
# from deploy/haproxy.cfg in front, the CRM simulator as the city's CRM. The vendor simulator
# sends the demo's traffic through HAProxy, one instance is killed with kill -9 mid-run (and
# started again, as systemd's Restart=always would), then every result the simulator was told
# was taken is looked for in the database and at the CRM. Exits 1 if anything was lost.
#
# What differs from the machines of the guide, and only that: everything is on 127.0.0.1 with
# ports of its own; each instance gets a folder of its own standing for its machine's / (so
# /etc/fieldgate, /var/lib/fieldgate, /usr/local are prefixed by it); the trial makes its own CA;
# the services run as root (PostgreSQL as postgres), since there is no systemd here: each
# gateway is started with the ExecStart line of deploy/fieldgate.service, paths prefixed.
# Run as root: bash scripts/try-deployment.sh   (TRIAL_ORDERS=n work orders per vendor, 400)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$src/build}
orders=${TRIAL_ORDERS:-400}
bash "$src/scripts/install-deps.sh"
BUILD_DIR=$build bash "$src/scripts/build.sh" fieldgate fieldgate-crm-sim fieldgate-vendor-sim >/dev/null

work=$(mktemp -d /tmp/fieldgate-trial.XXXXXX)
chmod 0755 "$work"  # PostgreSQL (user postgres) and Mosquitto (user mosquitto) reach in
pids=()
pg_bin=$(ls -d /usr/lib/postgresql/15/bin)
as_pg() { runuser -u postgres -- "$@"; }
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  for d in db-b db-a; do
    [ -f "$work/$d/data/postmaster.pid" ] && as_pg "$pg_bin/pg_ctl" -D "$work/$d/data" -m fast -w stop >/dev/null 2>&1
  done
  if [ -n "${TRIAL_KEEP:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
step() { echo "== $*"; }
free_ports() {
  python3 -c 'import socket,sys
ss=[socket.socket() for _ in range(int(sys.argv[1]))]
for s in ss: s.bind(("127.0.0.1",0))
print(" ".join(str(s.getsockname()[1]) for s in ss))' "$1"
}
read -r pg_a pg_b mqtt_port gw1_port gw2_port lb_port https_port stats_port <<<"$(free_ports 8)"
secret() { head -c 24 /dev/urandom | base64 | tr -d '/+='; }
wait_for() {  # wait_for <seconds> <command...>
  local until=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $until ] || return 1
    sleep 0.2
  done
}

step "the guide shows deploy/'s files as they are"
python3 - "$src" <<'PY'
import sys
src = sys.argv[1]
guide = open(f"{src}/docs/deployment.md", encoding="utf-8").read()
for name in ["postgresql-fieldgate.conf", "mosquitto.conf", "gateway.json", "fieldgate.service",
             "haproxy.cfg", "fieldgate-alerts.yml"]:
    if open(f"{src}/deploy/{name}", encoding="utf-8").read().rstrip("\n") not in guide:
        sys.exit(f"docs/deployment.md: its copy of deploy/{name} differs from the file")
PY
promtool check rules "$src/deploy/fieldgate-alerts.yml" >/dev/null

step "a CA and one server certificate for every service (the city's PKI does this)"
tls=$work/tls && mkdir -p "$tls"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=trial city CA" \
  -keyout "$tls/city-ca.key" -out "$tls/city-ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$tls/server.key" \
  -out "$tls/server.csr" 2>/dev/null
openssl x509 -req -in "$tls/server.csr" -CA "$tls/city-ca.pem" -CAkey "$tls/city-ca.key" \
  -CAcreateserial -days 2 -out "$tls/server.pem" \
  -extfile <(echo "subjectAltName=DNS:localhost,IP:127.0.0.1") 2>/dev/null
chmod 0644 "$tls"/*.pem "$tls/server.key"

step "PostgreSQL 15 primary (db-a) on port $pg_a, fsync on"
db_password=$(secret)
repl_password=$(secret)
mkdir -p "$work/db-a" "$work/db-b"
chown postgres "$work/db-a" "$work/db-b"
echo "$repl_password" >"$work/db-a/pw" && chown postgres "$work/db-a/pw"
as_pg "$pg_bin/initdb" -D "$work/db-a/data" -U postgres --auth-local=peer \
  --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
for d in db-a db-b; do install -o postgres -m 0600 "$tls/server.key" "$work/$d/db.key"; done
pg_conf() {  # the guide's conf.d file for one server: its port, socket and certificate paths
  sed -e "s/^port = 5432/port = $2/" -e "s#/etc/postgresql/tls/db.pem#$tls/server.pem#" \
    -e "s#/etc/postgresql/tls/db.key#$work/$1/db.key#" \
    -e "s/^listen_addresses = '\*'/listen_addresses = '127.0.0.1'/" \
    "$src/deploy/postgresql-fieldgate.conf"
  echo "unix_socket_directories = '$work/$1'"
}
mkdir -p "$work/db-a/data/conf.d"
pg_conf db-a "$pg_a" >"$work/db-a/data/conf.d/fieldgate.conf"
echo "include_dir = 'conf.d'" >>"$work/db-a/data/postgresql.conf"
# The guide's pg_hba.conf lines, with the gateways' and the replica's addresses all 127.0.0.1.
{
  echo "hostssl fieldgate   fieldgate  127.0.0.1/32  scram-sha-256"
  echo "hostssl replication replicator 127.0.0.1/32  scram-sha-256"
  cat "$work/db-a/data/pg_hba.conf"
} >"$work/db-a/hba" && mv "$work/db-a/hba" "$work/db-a/data/pg_hba.conf"
chown -R postgres "$work/db-a/data"
as_pg "$pg_bin/pg_ctl" -D "$work/db-a/data" -l "$work/db-a/server.log" -w start >/dev/null
psql_a() { as_pg env PGOPTIONS="-c synchronous_commit=local" psql -X -q -v ON_ERROR_STOP=1 \
  -h "$work/db-a" -p "$pg_a" -U postgres "$@"; }
# synchronous_commit=local for this session only: no replica is streaming yet, and the
# conf.d file makes every other commit wait for one.
psql_a -d postgres -o /dev/null <<SQL
CREATE ROLE fieldgate LOGIN PASSWORD '$db_password';
CREATE DATABASE fieldgate OWNER fieldgate;
CREATE ROLE replicator REPLICATION LOGIN PASSWORD '$repl_password';
SELECT pg_create_physical_replication_slot('db_b');
SQL

step "streaming replica (db-b) on port $pg_b: pg_basebackup with the slot, synchronous"
printf '127.0.0.1:%s:replication:replicator:%s\n' "$pg_a" "$repl_password" >"$work/db-b/pgpass"
chown postgres "$work/db-b/pgpass" && chmod 0600 "$work/db-b/pgpass"
as_pg env PGPASSFILE="$work/db-b/pgpass" "$pg_bin/pg_basebackup" -D "$work/db-b/data" -X stream \
  --checkpoint=fast -S db_b -R -d "host=127.0.0.1 port=$pg_a user=replicator application_name=db_b sslmode=verify-full sslrootcert=$tls/city-ca.pem"
pg_conf db-b "$pg_b" >"$work/db-b/data/conf.d/fieldgate.conf"
chown -R postgres "$work/db-b/data"
as_pg "$pg_bin/pg_ctl" -D "$work/db-b/data" -l "$work/db-b/server.log" -w start >/dev/null
sync_state() { psql_a -d postgres -At -c "SELECT application_name || ' ' || state || ' ' || sync_state FROM pg_stat_replication"; }
wait_for 30 bash -c "[ \"\$(runuser -u postgres -- psql -X -At -h $work/db-a -p $pg_a -U postgres -d postgres -c \"SELECT count(*) FROM pg_stat_replication WHERE state='streaming'\")\" = 1 ]" ||
  { echo "the replica did not stream"; tail -5 "$work/db-b/server.log"; exit 1; }
echo "   replica: $(sync_state)"

step "Mosquitto on port $mqtt_port: TLS, password file, the ACL, persistence"
mq=$work/mosquitto && mkdir -p "$mq/conf.d" "$mq/certs" "$mq/lib" "$mq/run"
sed -e "s#/run/mosquitto/#$mq/run/#" -e "s#/var/lib/mosquitto/#$mq/lib/#" \
  -e "s#^log_dest file .*#log_dest file $mq/mosquitto.log#" -e "s#/etc/mosquitto/conf.d#$mq/conf.d#" \
  /etc/mosquitto/mosquitto.conf >"$mq/mosquitto.conf"
sed -e "s/^listener 8883/listener $mqtt_port 127.0.0.1/" -e "s#/etc/mosquitto/#$mq/#g" \
  -e "s#$mq/certs/broker#$mq/certs/server#" "$src/deploy/mosquitto.conf" >"$mq/conf.d/fieldgate.conf"
cp "$tls/server.pem" "$tls/server.key" "$tls/city-ca.pem" "$mq/certs/"
cp "$src/docs/mosquitto/fieldgate.acl" "$mq/fieldgate.acl"
mqtt_password=$(secret)
mosquitto_passwd -c -b "$mq/fieldgate.passwd" fieldgate "$mqtt_password"
bay_mqtt_password=$(secret)
mosquitto_passwd -b "$mq/fieldgate.passwd" bay-hauling "$bay_mqtt_password"
chown -R mosquitto "$mq"
mosquitto -c "$mq/mosquitto.conf" >"$mq/stdout" 2>&1 &
pids+=($!)
wait_for 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$mqtt_port" ||
  { echo "mosquitto did not start"; cat "$mq/stdout" "$mq/mosquitto.log" 2>/dev/null; exit 1; }

step "the CRM simulator (the city's CRM)"
crm_secret="whsec_$(head -c 32 /dev/urandom | base64)"
echo "$crm_secret" >"$work/crm-secret"
"$build/simulators/crm_sim/fieldgate-crm-sim" --port 0 --port-file "$work/crm-port" \
  --control-port 0 --control-port-file "$work/crm-control-port" \
  --secret-file "$work/crm-secret" >"$work/crm-sim.out" 2>&1 &
pids+=($!)
wait_for 10 test -s "$work/crm-port" -a -s "$work/crm-control-port"
crm_control=127.0.0.1:$(cat "$work/crm-control-port")

step "two gateway instances: deploy/install.sh, the same secrets, deploy/gateway.json"
mkdir -p "$work/secrets/crm" "$work/secrets/admin" "$work/secrets/store" "$work/secrets/mqtt" \
  "$work/secrets/bay-hauling" "$work/secrets/valley-disposal" "$work/secrets/curbside-coop"
for s in crm/api-token admin/api-token bay-hauling/api-key bay-hauling/hmac-secret \
  valley-disposal/password curbside-coop/api-key; do secret >"$work/secrets/$s"; done
echo "$crm_secret" >"$work/secrets/crm/webhook-secret"
echo "$db_password" >"$work/secrets/store/password"
echo "$mqtt_password" >"$work/secrets/mqtt/password"

step "the single-node install it replaces: a gateway on SQLite takes results, then fieldgate store copy"
single=$work/single && mkdir -p "$single"
cat >"$single/gateway.json" <<JSON
{"listen": {"address": "127.0.0.1", "port": 0, "port_file": "port"},
 "store": {"path": "fieldgate.db", "synchronous": "FULL"}, "secrets": {"dir": "$work/secrets"}}
JSON
"$build/gateway/fieldgate" serve --config "$single/gateway.json" >"$single/gateway.log" 2>&1 &
single_pid=$!
pids+=($single_pid)
wait_for 30 test -s "$single/port"
# No crm.endpoint on the old node: its CRM events wait in the outbox, copied with the rest, for
# the new instances to deliver.
"$build/simulators/vendor_sim/fieldgate-vendor-sim" --gateway "127.0.0.1:$(cat "$single/port")" \
  --secrets-dir "$work/secrets" --orders 20 --seed 7 --json "$work/single-tally.json" --quiet \
  >"$single/vendor-sim.out" 2>&1 || { echo "the single node did not take its results"; cat "$single/vendor-sim.out"; exit 1; }
kill "$single_pid" && wait "$single_pid" || true  # systemctl stop fieldgate
"$build/gateway/fieldgate" store copy --from "$single/fieldgate.db" \
  --to "postgresql://fieldgate@localhost:$pg_a/fieldgate?sslmode=verify-full&sslrootcert=$tls/city-ca.pem" \
  --password-file "$work/secrets/store/password" | tail -1 | sed "s/^ */   copied: /"
instance_config() {  # <n> <port>: site values (host names) and the instance's own values
  local r=$work/gw$1
  sed -e "s#db-a.city.example:5432#localhost:$pg_a#" -e "s#db-b.city.example:5432#localhost:$pg_b#" \
    -e "s#ssl://mqtt.city.example:8883#ssl://localhost:$mqtt_port#" \
    -e "s#https://crm.city.example/fieldgate/events#http://127.0.0.1:$(cat "$work/crm-port")/events#" \
    -e "s#\"10.20.0.5\", \"10.20.0.6\"#\"127.0.0.1\"#" \
    -e "s#\"address\": \"10.20.0.11\", \"port\": 8080#\"address\": \"127.0.0.1\", \"port\": $2#" \
    -e "s#\"client_id\": \"fieldgate-gw1\"#\"client_id\": \"fieldgate-gw$1\"#" \
    -e "s#/etc/fieldgate#$r/etc/fieldgate#g" -e "s#/var/lib/fieldgate#$r/var/lib/fieldgate#g" \
    -e "s#/usr/local/share/fieldgate#$r/usr/local/share/fieldgate#g" "$src/deploy/gateway.json"
}
exec_start=$(sed -n 's/^ExecStart=//p' "$src/deploy/fieldgate.service")
start_instance() {  # <n>: the unit's ExecStart, paths under the instance's folder
  local r=$work/gw$1
  local cmd=${exec_start//\/usr\/local\/bin/$r/usr/local/bin}
  cmd=${cmd//\/etc\/fieldgate/$r/etc/fieldgate}
  (cd / && exec $cmd) >>"$r/gateway.log" 2>&1 &
  pids+=($!)
  eval "gw$1_pid=$!"
}
ready() { curl -sf "http://127.0.0.1:$1/readyz"; }
for n in 1 2; do
  port_var=gw${n}_port
  bash "$src/deploy/install.sh" --root "$work/gw$n" >/dev/null
  cp -r "$work/secrets/." "$work/gw$n/etc/fieldgate/secrets/"
  install -d "$work/gw$n/etc/fieldgate/tls" && cp "$tls/city-ca.pem" "$work/gw$n/etc/fieldgate/tls/"
  instance_config "$n" "${!port_var}" >"$work/gw$n/etc/fieldgate/gateway.json"
  start_instance "$n"
done
for n in 1 2; do
  port_var=gw${n}_port
  wait_for 60 ready "${!port_var}" || {
    echo "gw$n is not ready:"; curl -s "http://127.0.0.1:${!port_var}/readyz"; echo
    tail -20 "$work/gw$n/gateway.log"; exit 1
  }
  echo "   gw$n on 127.0.0.1:${!port_var}: $(ready "${!port_var}")"
done

step "HAProxy with deploy/haproxy.cfg: internal frontend on $lb_port, TLS frontend on $https_port"
cat "$tls/server.pem" "$tls/server.key" >"$work/haproxy.pem"
sed -e "s#^    bind :443 #    bind 127.0.0.1:$https_port #" -e "s#/etc/haproxy/tls/fieldgate.pem#$work/haproxy.pem#" \
  -e "s#10.20.0.5:8080#127.0.0.1:$lb_port#" -e "s#10.20.0.5:8404#127.0.0.1:$stats_port#" \
  -e "s#10.20.0.11:8080#127.0.0.1:$gw1_port#" -e "s#^    log /dev/log local0#    log stdout format raw local0#" -e "s#/run/haproxy/admin.sock#$work/haproxy.sock#" -e "s#10.20.0.12:8080#127.0.0.1:$gw2_port#" \
  "$src/deploy/haproxy.cfg" >"$work/haproxy.cfg"
haproxy -c -q -f "$work/haproxy.cfg"
haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
pids+=($!)
wait_for 10 curl -sf "http://127.0.0.1:$lb_port/readyz" ||
  { echo "HAProxy does not answer:"; cat "$work/haproxy.log"; exit 1; }
echo "   over TLS: $(curl -s --cacert "$tls/city-ca.pem" "https://localhost:$https_port/readyz")"
stats_csv() { curl -s "http://127.0.0.1:$stats_port/stats;csv"; }
srv_states() { stats_csv | awk -F, '$1=="fieldgate" && $2 ~ /^gw/ {printf "%s %s  ", $2, $18}'; }
# Per instance: requests, connection errors, response errors, retries, redispatches.
srv_counts() { stats_csv | awk -F, '$1=="fieldgate" && $2 ~ /^gw/ {printf "%s: %s sessions, %s connection errors, %s response errors, %s retried, %s redispatched; ", $2, $8, $14, $15, $16, $17}'; }
wait_for 20 bash -c "curl -s 'http://127.0.0.1:$stats_port/stats;csv' | grep -c '^fieldgate,gw[12],.*,UP,' | grep -qx 2"
echo "   backends: $(srv_states)"

step "the trucks' broker: 10 status messages from bay-hauling reach the shared group once each"
mqtt_statuses() { for p in "$gw1_port" "$gw2_port"; do ready "$p"; echo; done |
  python3 -c 'import json,sys; print(" ".join(str(json.loads(l)["mqtt_messages"]["statuses"]) for l in sys.stdin if l.strip()))'; }
for i in $(seq 10); do
  mosquitto_pub -h localhost -p "$mqtt_port" --cafile "$tls/city-ca.pem" -u bay-hauling \
    -P "$bay_mqtt_password" -q 1 -t "fleet/bay-hauling/BH-T$i/status" -m '{"state":"online"}'
done
statuses_reach() { local a b; read -r a b <<<"$(mqtt_statuses)"; [ $((a + b)) -ge "$1" ]; }
wait_for 15 statuses_reach 10 || true
sleep 1  # a second copy of any of them would show by now
read -r s1 s2 <<<"$(mqtt_statuses)"
echo "   statuses taken: gw1 $s1, gw2 $s2 (10 published)"
if [ $((s1 + s2)) -ne 10 ]; then
  echo "FAILED: the shared subscription did not hand each message to exactly one instance"; exit 1
fi

step "the demo's traffic through HAProxy: $orders work orders per vendor; kill -9 one instance mid-run"
"$build/simulators/vendor_sim/fieldgate-vendor-sim" --gateway "127.0.0.1:$lb_port" \
  --secrets-dir "$work/secrets" --orders "$orders" --rate 400 --bad-share 0.05 --retry-share 0.1 \
  --seed 311 --json "$work/tally.json" --quiet >"$work/vendor-sim.out" 2>&1 &
sim=$!
pids+=($sim)
outcomes() { as_pg psql -X -At -h "$work/db-a" -p "$pg_a" -U postgres -d fieldgate -c "SELECT count(*) FROM outcomes" 2>/dev/null || echo 0; }
total=$((orders * 3))
wait_for 300 bash -c "[ \$(runuser -u postgres -- psql -X -At -h $work/db-a -p $pg_a -U postgres -d fieldgate -c 'SELECT count(*) FROM outcomes' 2>/dev/null || echo 0) -ge $((total / 3)) ]" ||
  { echo "the results did not start arriving"; cat "$work/vendor-sim.out"; exit 1; }
victim=1
# Both deliver (leased outbox rows); kill the one that leads the watchdog (role 3) or pruning.
grep -q 'leads role 3' "$work/gw2/gateway.log" && victim=2
victim_pid_var=gw${victim}_pid
led=$(grep -o 'leads role [0-9]' "$work/gw$victim/gateway.log" | awk '{print $3}' | tr '\n' ' ')
kill -9 "${!victim_pid_var}"
killed_at=$(date -u +%H:%M:%S.%3N)
wait "${!victim_pid_var}" 2>/dev/null || true
echo "   killed gw$victim at $killed_at (kill -9) with $(outcomes) outcomes stored; it led roles: ${led:-none}"
sleep 2
echo "   backends 2 s later: $(srv_states)"
start_instance "$victim"  # what Restart=always does, RestartSec=2
echo "   gw$victim started again (Restart=always)"
sim_status=0
wait "$sim" || sim_status=$?
survivor=$((3 - victim))
# The restarted victim may ask for the role first and take it back: then the survivor never led it.
took=$({ grep 'leads role 3$' "$work/gw$survivor/gateway.log" || true; } | tail -1 | sed 's/^\[[0-9-]* \([0-9:.]*\)\].*/\1/')
[ "$led" != "${led/3/}" ] && echo "   the watchdog: gw$victim led it, killed at $killed_at; gw$survivor took it at ${took:-never}"
cat "$work/vendor-sim.out"

step "waiting for the outbox to drain to the CRM"
pending() { as_pg psql -X -At -h "$work/db-a" -p "$pg_a" -U postgres -d fieldgate -c "SELECT count(*) FROM outbox WHERE state = 'pending'"; }
wait_for 120 bash -c "[ \$(runuser -u postgres -- psql -X -At -h $work/db-a -p $pg_a -U postgres -d fieldgate -c \"SELECT count(*) FROM outbox WHERE state = 'pending'\") = 0 ]" ||
  echo "   still pending: $(pending)"
echo "   backends: $(srv_states)"
echo "   HAProxy: $(srv_counts)"

step "every series deploy/fieldgate-alerts.yml names is served"
for p in "$gw1_port" "$gw2_port"; do
  curl -s -H "Authorization: Bearer $(cat "$work/secrets/admin/api-token")" "http://127.0.0.1:$p/metrics"
done >"$work/gw.metrics"
curl -s "http://127.0.0.1:$stats_port/metrics" >"$work/haproxy.metrics"
missing=""
checked=0
for series in $(grep -o '\(fieldgate\|haproxy\)_[a-z_]*' "$src/deploy/fieldgate-alerts.yml" | sort -u); do
  [ "$series" = fieldgate_tls_certificate_expiry_seconds ] && continue  # only with listen.tls
  grep -q "^$series[{ ]" "$work/gw.metrics" "$work/haproxy.metrics" || missing="$missing $series"
  checked=$((checked + 1))
done
[ -z "$missing" ] || { echo "FAILED: the alert rules name series nobody serves:$missing"; exit 1; }
echo "   $checked series named, all served (and the listener certificate's, only with listen.tls); $(grep -c '^haproxy_server_status{proxy="fieldgate",server="gw[12]",state="UP"} 1' "$work/haproxy.metrics") instances UP in HAProxy's exporter"

step "every result the vendors were told was taken: in the database, and at the CRM"
as_pg psql -X -A -F $'\t' -h "$work/db-a" -p "$pg_a" -U postgres -d fieldgate -c \
  "COPY (SELECT w.crm_case_id, w.status, o.outcome, o.reason FROM work_orders w LEFT JOIN outcomes o ON o.id = w.outcome_id) TO STDOUT" >"$work/stored.tsv"
as_pg psql -X -A -F $'\t' -h "$work/db-b" -p "$pg_b" -U postgres -d fieldgate -c \
  "COPY (SELECT w.crm_case_id, w.status FROM work_orders w) TO STDOUT" >"$work/replica.tsv"
curl -s "http://$crm_control/_events" >"$work/crm-events.json"
curl -s "http://$crm_control/_report" >"$work/crm-report.json"
check_status=0
python3 "$src/scripts/try_deployment_check.py" "$work/single-tally.json,$work/tally.json" "$work/stored.tsv" \
  "$work/replica.tsv" "$work/crm-events.json" "$work/crm-report.json" "$sim_status" || check_status=$?
echo "   replica: $(sync_state)"

step "the synchronous replica stops for a while: what an answer waits for (observed, not judged)"
as_pg "$pg_bin/pg_ctl" -D "$work/db-b/data" -m fast -w stop >/dev/null
body='{"crm_case_id": "TRIAL-REPLICA-DOWN", "service_type": "bulky_item", "vendor": "bay-hauling",
  "address": "200 E Santa Clara St, San Jose, CA 95113", "location": {"lat": 37.3377, "lon": -121.8863},
  "scheduled_date": "'"$(date +%F)"'"}'
answer=$(curl -s -o /dev/null -w '%{http_code} after %{time_total} s' --max-time 10 -X POST \
  -H "Authorization: Bearer $(cat "$work/secrets/crm/api-token")" -H 'Content-Type: application/json' \
  -d "$body" "http://127.0.0.1:$lb_port/v1/work-orders" || true)
echo "   a new work order through HAProxy, replica down: HTTP ${answer} (000 = no answer within 10 s)"
echo "   gw1 /readyz meanwhile: $(curl -s -w ' HTTP %{http_code}' "http://127.0.0.1:$gw1_port/readyz" | grep -o '"store":"[a-z]*"\|HTTP [0-9]*' | tr '\n' ' ')"
echo "   HAProxy backends: $(srv_states)"
as_pg "$pg_bin/pg_ctl" -D "$work/db-b/data" -l "$work/db-b/server.log" -w start >/dev/null
wait_for 30 bash -c "[ \"\$(runuser -u postgres -- psql -X -At -h $work/db-a -p $pg_a -U postgres -d postgres -c \"SELECT count(*) FROM pg_stat_replication WHERE state='streaming'\")\" = 1 ]" || true
sleep 1
found=$(as_pg psql -X -At -h "$work/db-a" -p "$pg_a" -U postgres -d fieldgate -c \
  "SELECT count(*) FROM work_orders WHERE crm_case_id = 'TRIAL-REPLICA-DOWN'")
echo "   replica back ($(sync_state)); the work order is in the primary: $found (its commit waited for the replica)"
exit "$check_status"
