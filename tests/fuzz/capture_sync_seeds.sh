#!/usr/bin/env bash
# Writes tests/fuzz/seeds/sync/: the requests the tablet library really sends, captured on the
# wire. A real gateway (build/gateway/fieldgate) on loopback; staff issue device tab-fuzz of crew
# north; the CRM creates three of the crew's orders; the real fieldgate-crew CLI enrolls, pulls,
# records actions (with photos) and syncs through a recording TCP proxy; order 3 is cancelled
# before the sync, so its outcome is answered "cancelled" and the change feed carries it. Each
# request becomes one seed, and each connection's whole byte stream one more (keep-alive,
# pipelined). The device secret and the order ids become the placeholders
# tests/fuzz/sync_request_fuzzer.cpp puts back (same length, so Content-Length holds).
# Usage: tests/fuzz/capture_sync_seeds.sh [build dir]   (needs python3, curl, jq)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
out=$root/tests/fuzz/seeds/sync
work=$(mktemp -d /tmp/fieldgate-capture-XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

mkdir -p "$work/secrets/crm" "$work/secrets/admin" "$work/wire"
printf fuzz-crm-token >"$work/secrets/crm/api-token"
printf fuzz-admin-token >"$work/secrets/admin/api-token"
cat >"$work/gateway.json" <<EOF
{"listen": {"address": "127.0.0.1", "port": 0, "port_file": "port"},
 "store": {"path": "gw.db"}, "secrets": {"dir": "secrets"},
 "vendor_schemas": "$root/vendor_schemas", "log": {"level": "warn"}}
EOF
"$build/gateway/fieldgate" serve --config "$work/gateway.json" &
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
gw=127.0.0.1:$(cat "$work/port")
crm=(-H "Authorization: Bearer fuzz-crm-token" -H "Content-Type: application/json")
admin=(-H "Authorization: Bearer fuzz-admin-token" -H "Content-Type: application/json")

# The recording proxy: forwards both ways, keeps what the tablet sent per connection.
python3 - "$work" "$(cat "$work/port")" <<'PY' &
import socket, sys, threading
work, upstream = sys.argv[1], int(sys.argv[2])
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen()
open(f"{work}/proxy-port", "w").write(str(listener.getsockname()[1]))
def pump(src, dst, log):
    while data := src.recv(65536):
        if log: log.write(data); log.flush()
        dst.sendall(data)
    try: dst.shutdown(socket.SHUT_WR)
    except OSError: pass
n = 0
while True:
    client, _ = listener.accept()
    n += 1
    server = socket.create_connection(("127.0.0.1", upstream))
    log = open(f"{work}/wire/conn-{n:02d}", "wb")
    threading.Thread(target=pump, args=(client, server, log), daemon=True).start()
    threading.Thread(target=pump, args=(server, client, None), daemon=True).start()
PY
for _ in $(seq 100); do [ -s "$work/proxy-port" ] && break; sleep 0.1; done
proxy=127.0.0.1:$(cat "$work/proxy-port")

token=$(curl -sf "${admin[@]}" -d '{"crew":"north","device_id":"tab-fuzz"}' \
  "http://$gw/v1/admin/devices" | jq -r .enrollment_token)
today=$(date -u +%F)
ids=()
for k in 1 2 3; do
  ids+=("$(curl -sf "${crm[@]}" "http://$gw/v1/work-orders" -d "$(jq -n --arg k "$k" --arg d "$today" '{
    crm_case_id: ("SR-FUZZ-" + $k), service_type: "bulky_item",
    address: "200 E Santa Clara St, San Jose, CA", location: {lat: 37.33452, lon: -121.88861},
    scheduled_date: $d, window: {start: "07:00", end: "17:00"}, items: ["sofa"],
    vendor: "crew:north", route: {id: "R-CREW", date: $d, stop_seq: ($k | tonumber)}}')" |
    jq -r .id)")
done

crew=("$build/offline/fieldgate-crew" --db "$work/tablet.db")
head -c 3000 /dev/urandom >"$work/curb.jpg"
head -c 1200 /dev/urandom >"$work/pile.jpg"
"${crew[@]}" register --gateway "$proxy" --device tab-fuzz --token "$token" >/dev/null
"${crew[@]}" pull --days 3 >/dev/null
"${crew[@]}" record arrived --order "${ids[0]}" --lat 37.33452 --lon -121.88861 >/dev/null
"${crew[@]}" record note --order "${ids[0]}" --detail "gate code 1234, dog in yard" >/dev/null
"${crew[@]}" record completed --order "${ids[0]}" --lat 37.33452 --lon -121.88861 \
  --photo "$work/curb.jpg" >/dev/null
"${crew[@]}" record not-collected --order "${ids[1]}" --reason NOT_SET_OUT \
  --lat 37.3346 --lon -121.8887 --photo "$work/pile.jpg" >/dev/null
"${crew[@]}" record partial --order "${ids[2]}" --reason OTHER --detail "mattress left" >/dev/null
curl -sf "${crm[@]}" -d '{"reason":"resident moved"}' "http://$gw/v1/work-orders/${ids[2]}/cancel" >/dev/null
"${crew[@]}" sync >/dev/null
sleep 0.5

# Placeholders: what the fuzzer replaces with the values its own gateway issued.
python3 - "$work" "$out" "${ids[@]}" <<'PY'
import glob, os, re, sys
work, out, ids = sys.argv[1], sys.argv[2], sys.argv[3:]
def pad(stem, real): return stem + "X" * (len(real) - len(stem))
subs = [(i.encode(), pad(f"wo_FUZZ{k}", i).encode()) for k, i in enumerate(ids, 1)]
streams = [open(f, "rb").read() for f in sorted(glob.glob(f"{work}/wire/conn-*"))]
# The device secret is the bearer token of every request after enrollment.
secret = next(m.group(1).decode() for s in streams
              if (m := re.search(rb"Authorization: Bearer (dsk_[0-9a-f]+)", s)))
subs.append((secret.encode(), pad("dsk_FUZZ", secret).encode()))
def clean(b):
    for a, z in subs: b = b.replace(a, z)
    return b
os.makedirs(out, exist_ok=True)
for f in glob.glob(f"{out}/captured-*"): os.remove(f)
def name(req):
    line = req.split(b"\r\n", 1)[0].decode()
    method, target = line.split(" ")[:2]
    path = target.split("?")[0].strip("/").replace("v1/sync/", "")
    path = re.sub(r"photos/[0-9a-f]{64}", "photo", path)
    return f"{method.lower()}-{path.replace('/', '-')}"
count = {}
for n, s in enumerate(streams, 1):
    s = clean(s)
    if s.count(b"HTTP/1.1\r\n") > 1:
        open(f"{out}/captured-connection-{n:02d}", "wb").write(s)
    at = 0
    while at < len(s):
        head_end = s.index(b"\r\n\r\n", at) + 4
        m = re.search(rb"(?i)content-length: *(\d+)", s[at:head_end])
        end = head_end + (int(m.group(1)) if m else 0)
        req = s[at:end]
        base = name(req)
        count[base] = count.get(base, 0) + 1
        open(f"{out}/captured-{base}-{count[base]}", "wb").write(req)
        at = end
print(f"{len(glob.glob(out + '/captured-*'))} seeds in {out}")
PY
