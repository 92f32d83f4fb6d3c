#!/usr/bin/env bash
# Display filters on the sample captures: every row of filters.tsv (sample,
# filter, the frame numbers tshark matched) is run through
#   dissect -r samples/FILE -Y FILTER -T fields -e frame.number
# and the frame numbers are compared. When tshark is installed, each row is
# also re-checked against tshark live, so a stale table shows up (set
# DX_NO_TSHARK=1 to skip that slower check). Every row of filters-refused.tsv
# (sample, filter) is a filter tshark refuses: dissect must refuse it too
# (non-zero exit and a message).
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

pass=0
fail=0
line=0
while IFS=$'\t' read -r file filter expected || [ -n "$file" ]; do
  line=$((line + 1))
  case "$file" in '' | '#'*) continue ;; esac
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

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
