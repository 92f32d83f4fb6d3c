#!/usr/bin/env bash
# Display filters on the sample captures: every row of filters.tsv (sample,
# filter, the frame numbers tshark matched) is run through
#   dissect -r samples/FILE -Y FILTER -T fields -e frame.number
# and the frame numbers are compared. When tshark is installed, each row is
# also re-checked against tshark live, so a stale table shows up (set
# DX_NO_TSHARK=1 to skip that slower check) -- unless filters.stamp says the
# inputs of that check did not change since it last passed: the same tshark
# version, the same two tables, the same sample files (sha256). tshark's
# answers to the same question on the same bytes are the same, so the live
# check then proves nothing new and its ~500 tshark runs are skipped; it
# runs again as soon as any input changes (or with DX_FULL_TSHARK=1), and
# a passing run prints the new stamp to write into filters.stamp.
# Every row of filters-refused.tsv
# (sample, filter) is a filter tshark refuses: dissect must refuse it too
# (non-zero exit and a message). With DX_SANITIZED=1 (the ASan build) every
# third row of filters.tsv runs.
# Usage: test_filters.sh BIN_DIR SRC_DIR
set -u
bin=${1:?usage: test_filters.sh BIN_DIR SRC_DIR}
src=${2:?usage: test_filters.sh BIN_DIR SRC_DIR}
dissect="$bin/dissect"
table="$src/tests/integration/filters.tsv"

if [ ! -x "$dissect" ]; then
  echo "SKIP: $dissect not built"
  exit 77
fi
have_tshark=0
if [ -z "${DX_NO_TSHARK:-}" ] && command -v tshark >/dev/null 2>&1; then
  have_tshark=1
fi

# the inputs of the live check, as filters.stamp records them
stamp_now() {
  tshark -v 2>/dev/null | head -1
  (cd "$src/tests/integration" && sha256sum filters.tsv filters-refused.tsv)
  cut -f1 "$table" "$src/tests/integration/filters-refused.tsv" | grep -v '^#' | grep . |
    sort -u | while read -r f; do (cd "$src" && sha256sum "samples/$f"); done
}
stamp_file="$src/tests/integration/filters.stamp"
if [ "$have_tshark" = 1 ] && [ -z "${DX_FULL_TSHARK:-}" ] && [ -f "$stamp_file" ] &&
  [ "$(stamp_now)" = "$(cat "$stamp_file")" ]; then
  echo "tshark re-check skipped: filters.stamp matches (same tshark, tables and samples as when it passed)"
  have_tshark=0
  stamp_ok=1
else
  stamp_ok=0
fi

pass=0
fail=0
line=0
while IFS=$'\t' read -r file filter expected || [ -n "$file" ]; do
  line=$((line + 1))
  case "$file" in '' | '#'*) continue ;; esac
  # under the sanitizers (DX_SANITIZED=1, the ASan build's ctest) every
  # third row: each sanitized run costs ~0.15 s, the filter engine runs
  # under ASan in the fuzz_filter replays too, and every row runs in the
  # normal build
  if [ -n "${DX_SANITIZED:-}" ] && [ $((line % 3)) -ne 0 ]; then
    continue
  fi
  cap="$src/samples/$file"
  if [ ! -f "$cap" ]; then
    echo "FAIL line $line: $file: sample missing"
    fail=$((fail + 1))
    continue
  fi
  ok=1
  got=$("$dissect" -r "$cap" -Y "$filter" -T fields -e frame.number 2>/tmp/test_filters.$$.err | paste -sd, -)
  rc=${PIPESTATUS[0]}
  if [ "$rc" -ne 0 ]; then
    echo "FAIL line $line: $file: '$filter': dissect exited with $rc: $(head -c 400 /tmp/test_filters.$$.err)"
    ok=0
  elif [ "$got" != "$expected" ]; then
    echo "FAIL line $line: $file: '$filter'"
    echo "   expected: $expected"
    echo "   got:      $got"
    ok=0
  fi
  if [ "$have_tshark" = 1 ]; then
    ts=$(tshark -r "$cap" -Y "$filter" -T fields -e frame.number 2>/dev/null | paste -sd, -)
    if [ "$ts" != "$expected" ]; then
      echo "FAIL line $line: $file: '$filter': the table says '$expected' but tshark now says '$ts'"
      ok=0
    fi
  fi
  if [ "$ok" = 1 ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
  fi
done <"$table"
line=0
while IFS=$'\t' read -r file filter || [ -n "$file" ]; do
  line=$((line + 1))
  case "$file" in '' | '#'*) continue ;; esac
  cap="$src/samples/$file"
  ok=1
  if "$dissect" -r "$cap" -Y "$filter" -c 1 >/dev/null 2>/tmp/test_filters.$$.err; then
    echo "FAIL filters-refused.tsv line $line: '$filter': tshark refuses it but dissect accepted it"
    ok=0
  elif [ ! -s /tmp/test_filters.$$.err ]; then
    echo "FAIL filters-refused.tsv line $line: '$filter': refused without a message"
    ok=0
  fi
  if [ "$have_tshark" = 1 ] && tshark -r "$cap" -Y "$filter" -c 1 >/dev/null 2>&1; then
    echo "FAIL filters-refused.tsv line $line: '$filter': tshark now accepts it"
    ok=0
  fi
  if [ "$ok" = 1 ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
  fi
done <"$src/tests/integration/filters-refused.tsv"
rm -f /tmp/test_filters.$$.err

if [ "$have_tshark" = 1 ] && [ "$fail" -eq 0 ] && [ "$stamp_ok" = 0 ]; then
  stamp_now >"/tmp/filters.stamp.$$"
  echo "the tshark re-check passed with new inputs: update filters.stamp with"
  echo "  cp /tmp/filters.stamp.$$ tests/integration/filters.stamp"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
