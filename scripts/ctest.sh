#!/usr/bin/env bash
# Runs ctest in the current build folder with the arguments given and, when a test fails, ends
# with a digest of why: each failed test's failure lines (GoogleTest's "Failure" and the lines
# after it, the console run's "FAILED:", a sanitizer's "ERROR:"). A CI log is often read from its
# tail, and ctest's own tail names the failed tests but not what they said.
set -uo pipefail
ctest "$@"
rc=$?
[ "$rc" -eq 0 ] && exit 0
log=Testing/Temporary/LastTest.log
failed=Testing/Temporary/LastTestsFailed.log
if [ -f "$log" ] && [ -f "$failed" ]; then
  echo "== why they failed (from $log)"
  while IFS=: read -r _ name; do
    echo "-- $name"
    # The test's own output in the log: after its "Output:" line, up to its end marker.
    awk -v name="$name" '
      /^[0-9]+\/[0-9]+ Test: / { line = $0; sub(/^[0-9]+\/[0-9]+ Test: /, "", line)
                                  if (line == name) { inside = 1; next } }
      inside && /^Output:$/ { output = 1; next }
      inside && /^"[^"]*" end time:/ { inside = 0; output = 0 }
      output' "$log" |
      grep -E -A4 'Failure$|: Failure|^FAILED: |ERROR: |not ready|Timeout|terminate called' |
      grep -vE '^(--|-+|<end of output>|Test time = .*|Test Failed\.)$' | head -40
  done < "$failed"
fi
exit "$rc"
