#!/usr/bin/env bash
# Installs a built fieldgate on a gateway machine, as docs/deployment.md lays it out:
#   /usr/local/bin/fieldgate            the binary
#   /usr/local/share/fieldgate/         the catalog, the schemas (read-only data of the release)
#   /etc/fieldgate/                     gateway.json, vendors/ (the city's vendor folders), secrets/
#   /var/lib/fieldgate/                 what the instance writes (MQTT client store)
# Run from the source tree after scripts/build.sh, as root. --root DIR installs under DIR
# instead of / (scripts/try-deployment.sh gives each of its instances a root of its own).
# It never overwrites gateway.json, vendors/ or secrets/ that are already there.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
root=/
build=${BUILD_DIR:-$src/build}
while [ $# -gt 0 ]; do
  case "$1" in
    --root) root=$2; shift 2 ;;
    *) echo "usage: install.sh [--root DIR]" >&2; exit 2 ;;
  esac
done
root=${root%/}
share=$root/usr/local/share/fieldgate
install -D -m 0755 "$build/gateway/fieldgate" "$root/usr/local/bin/fieldgate"
install -d -m 0755 "$share/gateway/catalog" "$share/gateway/api" "$share/gateway/mqtt" "$share/adapters"
install -m 0644 "$src"/gateway/catalog/standard-codes.json "$src"/gateway/catalog/standard-codes.schema.json \
  "$share/gateway/catalog/"
install -m 0644 "$src"/gateway/api/*.schema.json "$share/gateway/api/"
install -m 0644 "$src/gateway/mqtt/mqtt.schema.json" "$share/gateway/mqtt/"
install -m 0644 "$src/adapters/mapping.schema.json" "$share/adapters/"
# The configuration: the service account may read it, never write it.
install -d -m 0750 "$root/etc/fieldgate" "$root/etc/fieldgate/secrets"
[ -e "$root/etc/fieldgate/gateway.json" ] ||
  install -m 0640 "$src/deploy/gateway.json" "$root/etc/fieldgate/gateway.json"
[ -e "$root/etc/fieldgate/vendors" ] || cp -r "$src/vendor_schemas" "$root/etc/fieldgate/vendors"
install -d -m 0750 "$root/var/lib/fieldgate"
if [ "$root" = "" ] && id fieldgate >/dev/null 2>&1; then
  chgrp -R fieldgate /etc/fieldgate
  chown fieldgate:fieldgate /var/lib/fieldgate
fi
echo "installed under ${root:-/}"
