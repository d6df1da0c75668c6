#!/usr/bin/env bash
# Ingest on PostgreSQL against its durable limit, one gateway and two behind HAProxy, in one run.
# Starts a PostgreSQL cluster of its own in a temporary folder (fsync=on, synchronous_commit=on),
# then each round measures, in a rotating order, each on a fresh database of that cluster:
#   limit — fieldgate-bench-durable-limit on PostgreSQL (parse, one INSERT per result, group
#           commit of whatever is queued, answer after COMMIT; bench/durable_limit/pg_limit.cpp)
#   one   — one gateway with store.url on the cluster
#   two   — two gateways on the same database behind HAProxy (roundrobin per request)
# with the ingest bench's load engine: the same Bay Hauling single results (one per work order,
# the orders created first through the CRM API and not timed), the same connections. It prints
# results/s, p99, CPU per result of each process (from /proc, clock ticks) and of the machine,
# and the ratios one/limit, two/limit and two/one, per round and as medians. On a machine shared
# with other work, CPU per result is the steadier figure: results/s follow the share of the
# cores the run gets, and two gateways (more threads) get a bigger share than one.
# Usage: bench/ingest/run_pg_ratio.sh [results] [connections] [rounds]   (as root: the cluster
# runs as the postgres user; HAProxy from Debian, scripts/install-deps.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
results=${1:-20000}
connections=${2:-64}
rounds=${3:-3}
warm=${WARM:-2000}  # results posted and analyzed before each measurement (see warm_up)
source "$root/bench/ingest/lib.sh"

command -v haproxy >/dev/null || { echo "run_pg_ratio.sh: no haproxy (scripts/install-deps.sh)" >&2; exit 1; }
fg_build_release fieldgate fieldgate-bench-ingest fieldgate-bench-durable-limit
load=$build/bench/ingest/fieldgate-bench-ingest

tmp=""       # everything of this run: the cluster, the servers' folders
pids=()      # servers started by this script, stopped after each measurement
pg_ctl=()    # the cluster's pg_ctl, as the user that runs it
stop_servers() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}
cleanup() {
  stop_servers
  if [ ${#pg_ctl[@]} -gt 0 ]; then "${pg_ctl[@]}" -m immediate -w stop >/dev/null 2>&1 || true; fi
  pg_ctl=()
  if [ -n "$tmp" ]; then rm -rf "$tmp"; fi
  tmp=""
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tmp=$(mktemp -d)
chmod 711 "$tmp"  # the postgres user reaches its folder below

# The cluster: SCRAM password over TCP on loopback, as tests/support/pg_cluster.h starts one.
start_cluster() {
  local bin as_pg=() pgdir=$tmp/pg
  bin=${FIELDGATE_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)}
  mkdir -p "$pgdir"
  pgpass=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
  echo "$pgpass" > "$pgdir/pwfile"
  if [ "$(id -u)" -eq 0 ]; then
    as_pg=(runuser -u postgres --)
    chown -R postgres "$pgdir"
  fi
  "${as_pg[@]}" "$bin/initdb" -D "$pgdir/data" -U fieldgate --auth-local=trust \
    --auth-host=scram-sha-256 --pwfile="$pgdir/pwfile" -E UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pgdir/pwfile"
  pgport=$(fg_free_port)
  pg_ctl=("${as_pg[@]}" "$bin/pg_ctl" -D "$pgdir/data")
  "${pg_ctl[@]}" -l "$pgdir/server.log" -w -t 60 -o "-c listen_addresses=127.0.0.1 \
    -c port=$pgport -c unix_socket_directories=$pgdir -c fsync=on -c synchronous_commit=on \
    -c max_connections=200 -c max_wal_size=8GB" start >/dev/null
  postmaster=$(head -n1 "$pgdir/data/postmaster.pid")
}

# SQL [DATABASE]
sql() {
  PGPASSWORD=$pgpass psql -h 127.0.0.1 -p "$pgport" -U fieldgate -d "${2:-postgres}" -qAtX \
    -v ON_ERROR_STOP=1 -c "$1"
}

# Posts $warm results for orders W<tag> to PORT, then analyzes DATABASE: the measurement then
# runs on tables with statistics and plans made from them. (On a fresh database the gateway's
# writer caches a generic plan made while outcomes was empty, which looks results up through
# outcomes_vendor_received and reads every row of the vendor's until autovacuum's first ANALYZE
# of the table, up to a minute later: a start-up effect, not the steady state measured here.)
warm_up() {
  local port=$1 tag=$2 secrets=$3 db=$4
  "$load" --port "$port" --secrets-dir "$secrets" --orders "$warm" --skip-create --prefix "W$tag" \
    --connections "$connections" --duration 600 >/dev/null
  sql "ANALYZE" "$db"
}

# The result phase against PORT for orders PREFIX (keys in SECRETS), with the CPU of the
# servers ($servers), HAProxy ($proxy, or none), the cluster and the load generator counted
# around it. Sets: rps p99 and cpu (µs per result: server proxy database load, machine busy %,
# others' busy %).
measure() {
  local port=$1 prefix=$2 secrets=$3 line n ok s0 s1 h0 h1 d0 d1 l0 l1 mb0 mt0 mb1 mt1
  sql "CHECKPOINT"  # each measurement starts from a checkpoint: none falls inside by chance
  s0=$(fg_ticks "${servers[@]}"); h0=$(fg_ticks $proxy); d0=$(fg_tree_ticks "$postmaster")
  l0=$(fg_waited_ticks); read -r mb0 mt0 < <(fg_machine_ticks)
  line=$("$load" --port "$port" --secrets-dir "$secrets" --orders "$results" --skip-create \
    --prefix "$prefix" --connections "$connections" --duration 600 | grep "accepted results/s")
  s1=$(fg_ticks "${servers[@]}"); h1=$(fg_ticks $proxy); d1=$(fg_tree_ticks "$postmaster")
  l1=$(fg_waited_ticks); read -r mb1 mt1 < <(fg_machine_ticks)
  # "accepted results/s: R  p50 A ms  p99 B ms  (connections C, results N, 2xx N, ...)"
  read -r rps p99 n ok < <(echo "$line" | awk '{print $3, $8, $13, $15}' | tr -d ',')
  if [ "$n" != "$results" ] || [ "$ok" != "$results" ]; then
    echo "warning: $ok of $results results answered 2xx ($n sent)" >&2
  fi
  cpu="$(fg_us_per_result "$ok" $((s1 - s0)) $((h1 - h0)) $((d1 - d0)) $((l1 - l0))) \
$(fg_percent_of $((mt1 - mt0)) $((mb1 - mb0)) $((mb1 - mb0 - (s1 - s0 + h1 - h0 + d1 - d0 + l1 - l0))))"
}

# Prints the port a server wrote to PORT_FILE; exits with its LOG when it wrote none in 10 s.
started() {
  local port
  port=$(fg_wait_port "$1" 2>/dev/null || true)
  if [ -z "$port" ]; then
    echo "run_pg_ratio.sh: a server did not start:" >&2
    tail -n 20 "$2" >&2
    exit 1
  fi
  echo "$port"
}

# Stops the round's servers and drops its database.
finish() {
  stop_servers
  sql "DROP DATABASE $1 WITH (FORCE)"
}

run_limit() {
  local db=limit_$1 work=$tmp/limit_$1 port
  sql "CREATE DATABASE $db"
  mkdir -p "$work"
  fg_secrets "$work"
  PGPASSWORD=$pgpass "$build/bench/durable_limit/fieldgate-bench-durable-limit" \
    "postgresql://fieldgate@127.0.0.1:$pgport/$db" "$work/port" >"$work/limit.log" 2>&1 &
  pids+=($!)
  servers=($!)
  proxy=""
  port=$(started "$work/port" "$work/limit.log")
  warm_up "$port" "L$1" "$work/secrets" "$db"
  measure "$port" "L$1" "$work/secrets"
  finish "$db"
}

# HAProxy in front of the gateways on PORTS (one thread; keep-alive both ways, server
# connections reused across client connections); sets proxy and proxy_port once it listens.
start_haproxy() {
  local work=$1 port i=0
  shift
  port=$(fg_free_port)
  {
    printf 'global\n  nbthread 1\n  maxconn 4096\n'
    printf 'defaults\n  mode http\n  option http-keep-alive\n  http-reuse always\n'
    printf '  timeout connect 5s\n  timeout client 120s\n  timeout server 120s\n'
    printf 'frontend ingest\n  bind 127.0.0.1:%s\n  default_backend gateways\n' "$port"
    printf 'backend gateways\n  balance roundrobin\n'
    for p in "$@"; do i=$((i + 1)); printf '  server g%s 127.0.0.1:%s\n' "$i" "$p"; done
  } > "$work/haproxy.cfg"
  haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
  pids+=($!)
  proxy=$!
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  proxy_port=$port
}

# COUNT gateways on one fresh database (behind HAProxy when more than one).
run_gateways() {
  local count=$1 round=$2 db=gw$1_$2 ports=() work port i
  sql "CREATE DATABASE $db"
  servers=()
  proxy=""
  for i in $(seq "$count"); do
    work=$tmp/$db-$i
    if [ "$i" -eq 1 ]; then
      fg_gateway_workdir "$work" "{\"url\": \"postgresql://fieldgate@127.0.0.1:$pgport/$db\"}"
      mkdir -p "$work/secrets/store"
      echo "$pgpass" > "$work/secrets/store/password"
    else
      mkdir -p "$work"
      cp -r "$tmp/$db-1/secrets" "$tmp/$db-1/vendor_schemas" "$tmp/$db-1/gateway.json" "$work/"
    fi
    "$build/gateway/fieldgate" serve --config "$work/gateway.json" >"$work/gateway.log" 2>&1 &
    pids+=($!)
    servers+=($!)
    port=$(started "$work/port" "$work/gateway.log")  # one at a time: the first migrates
    ports+=("$port")
  done
  port=${ports[0]}
  if [ "$count" -gt 1 ]; then
    start_haproxy "$tmp/$db-1" "${ports[@]}"
    port=$proxy_port
  fi
  for prefix in "WG$1R$2:$warm" "G$1R$2:$results"; do
    "$load" --port "$port" --secrets-dir "$tmp/$db-1/secrets" --orders "${prefix#*:}" \
      --create-only --prefix "${prefix%:*}" --connections "$connections" >/dev/null
  done
  warm_up "$port" "G$1R$2" "$tmp/$db-1/secrets" "$db"
  measure "$port" "G$1R$2" "$tmp/$db-1/secrets"
  finish "$db"
}

start_cluster
echo "fieldgate $(git -C "$root" describe --always --dirty): $results results per measurement," \
  "$connections connections, PostgreSQL $(sql "SHOW server_version") (fsync $(sql "SHOW fsync")," \
  "synchronous_commit $(sql "SHOW synchronous_commit")), $(nproc) cores," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "CPU in µs per result: server(s) · HAProxy · PostgreSQL · load generator = all; machine" \
  "busy % of all cores (others: what no process of this run used)"
declare -A rps_of p99_of cpu_of
ratios_one=() ratios_two=() ratios_scale=()
orders=("limit one two" "one two limit" "two limit one")
for round in $(seq "$rounds"); do
  for what in ${orders[$(((round - 1) % 3))]}; do
    case $what in
      limit) run_limit "$round" ;;
      one) run_gateways 1 "$round" ;;
      two) run_gateways 2 "$round" ;;
    esac
    rps_of[$what]=$rps
    p99_of[$what]=$p99
    read -r c_srv c_proxy c_db c_load c_busy c_other <<<"$cpu"
    cpu_of[$what]=$((c_srv + c_proxy + c_db + c_load))
    printf '  round %s %-5s %6s results/s  p99 %6s ms  CPU/result %4s · %3s · %4s · %3s = %4s µs  busy %s%% (others %s%%)\n' \
      "$round" "$what" "$rps" "$p99" "$c_srv" "$c_proxy" "$c_db" "$c_load" "${cpu_of[$what]}" \
      "$c_busy" "$c_other"
  done
  read -r one two scale < <(awk -v l="${rps_of[limit]}" -v a="${rps_of[one]}" -v b="${rps_of[two]}" \
    'BEGIN {printf "%.2f %.2f %.2f\n", a / l, b / l, b / a}')
  ratios_one+=("$one") ratios_two+=("$two") ratios_scale+=("$scale")
  echo "round $round: results/s limit ${rps_of[limit]} · one ${rps_of[one]} · two ${rps_of[two]};" \
    "p99 ${p99_of[limit]} · ${p99_of[one]} · ${p99_of[two]} ms;" \
    "one/limit $one, two/limit $two, two/one $scale;" \
    "CPU per result limit/one $(awk -v l="${cpu_of[limit]}" -v a="${cpu_of[one]}" \
      'BEGIN {printf "%.2f", l / a}')"
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
echo "median one/limit $(median "${ratios_one[@]}") (${ratios_one[*]})," \
  "two/limit $(median "${ratios_two[@]}") (${ratios_two[*]})," \
  "two/one $(median "${ratios_scale[@]}") (${ratios_scale[*]})"
