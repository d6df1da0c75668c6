#!/usr/bin/env bash
# Installs a folder's npm packages exactly as its package-lock.json pins them (npm ci), unless
# node_modules already holds what this very lock file pins: the lock file's SHA-256 is kept in
# node_modules/.fieldgate-lock-sha256 after each install, so a changed lock reinstalls and an
# unchanged one costs nothing. Usage: scripts/npm-pinned.sh <folder with package-lock.json>
set -euo pipefail
dir=${1:?folder with package-lock.json}
stamp="$dir/node_modules/.fieldgate-lock-sha256"
want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
# Playwright's browsers are never downloaded: the console tests use Debian's chromium.
(cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >/dev/null)
echo "$want" > "$stamp"
