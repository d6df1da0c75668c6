#!/usr/bin/env bash
# The PostgreSQL cluster a ctest run shares (the `pg_cluster` fixture in tests/CMakeLists.txt):
# one initdb for the whole run instead of one per test process. Tests that restart or cut their
# server start their own (tests/support/pg_cluster.h); the rest create a database each here.
#   pg_test_cluster.sh start INFO   initdb in a new folder under /tmp, start on a free loopback
#                                   port, write INFO (dir, port, password: what PgCluster reads)
#   pg_test_cluster.sh stop INFO    stop the server, remove the folder and INFO
# Same settings as PgCluster: SCRAM over TCP, fsync off (the repository and component tests are
# not about durability; the fault suite starts its own), run as `postgres` under root.
set -euo pipefail
command=$1
info=$2
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_postgres=()
[ "$(id -u)" = 0 ] && as_postgres=(runuser -u postgres --)

case "$command" in
start)
  dir=$(mktemp -d /tmp/fieldgate-pg.XXXXXX)
  chmod 711 "$dir"
  password=pw$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  echo "$password" > "$dir/pwfile"
  [ "$(id -u)" = 0 ] && chown -R postgres "$dir"
  "${as_postgres[@]}" "$bin/initdb" -D "$dir/data" -U fieldgate --auth-local=trust \
    --auth-host=scram-sha-256 --pwfile="$dir/pwfile" -E UTF8 --locale=C.UTF-8 --no-sync \
    > "$dir/initdb.log"
  for _ in 1 2 3 4 5; do
    port=$((10000 + RANDOM % 20000))  # below the ephemeral range (support/listen_port.h)
    if "${as_postgres[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c max_connections=400" \
      start > /dev/null; then
      printf '%s\n%s\n%s\n' "$dir" "$port" "$password" > "$info"
      exit 0
    fi
  done
  cat "$dir/server.log" >&2
  exit 1
  ;;
stop)
  [ -f "$info" ] || exit 0
  dir=$(sed -n 1p "$info")
  "${as_postgres[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop > /dev/null || true
  rm -rf "$dir" "$info"
  ;;
*)
  echo "usage: pg_test_cluster.sh start|stop INFO" >&2
  exit 2
  ;;
esac
