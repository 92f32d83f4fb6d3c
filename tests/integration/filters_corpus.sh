#!/usr/bin/env bash
# Display filters on captures this project did not make: every filter of
# tests/integration/filters-corpus.txt (one per line) on every capture given
# (default: ../shared/corpus/**/*.pcap*, read in place), run through
#   dissect -r CAP -Y FILTER -T fields -e frame.number
#   tshark  -r CAP -Y FILTER -T fields -e frame.number
# and the selected frames compared. A difference is printed with both lists;
# it may be a filter bug or a dissector difference (a field one tool has and
# the other lacks): look at the fields before blaming either.
# One tshark run per filter per file: ctest runs it on a few of
# Wireshark's captures (test_filters_corpus.sh). A difference listed in
# tests/integration/filters-corpus-kept.tsv (capture, filter, reason) is
# printed as KEPT and not counted, while it still differs; once it no
# longer differs, the entry fails (remove it).
# Usage: filters_corpus.sh BIN_DIR SRC_DIR [CAPTURE...]
set -u
bin=${1:?usage: filters_corpus.sh BIN_DIR SRC_DIR [CAPTURE...]}
src=${2:?usage: filters_corpus.sh BIN_DIR SRC_DIR [CAPTURE...]}
shift 2
dissect="$bin/dissect"
list="$src/tests/integration/filters-corpus.txt"
kept_list="$src/tests/integration/filters-corpus-kept.tsv"
if ! command -v tshark >/dev/null 2>&1; then
  echo "SKIPPED: tshark is not installed"
  exit 77
fi
if [ $# -eq 0 ]; then
  corpus="$src/../shared/corpus"
  if [ ! -d "$corpus" ]; then
    echo "SKIPPED: no corpus at $corpus"
    exit 77
  fi
  mapfile -t caps < <(find "$corpus" -type f \( -name '*.pcap' -o -name '*.pcapng' \) | sort)
else
  caps=("$@")
fi
same=0
differ=0
kept=0
stale=0
# kept_reason CAPTURE FILTER: the reason of a kept difference, or nothing
kept_reason() {
  [ -f "$kept_list" ] || return 0
  awk -F'\t' -v c="$1" -v f="$2" '$1 == c && $2 == f { print $3; exit }' "$kept_list"
}
for cap in "${caps[@]}"; do
  while IFS= read -r filter || [ -n "$filter" ]; do
    case "$filter" in '' | '#'*) continue ;; esac
    out=$(timeout 60 tshark -r "$cap" -Y "$filter" -T fields -e frame.number 2>/dev/null)
    rc=$?
    if [ "$rc" -ne 0 ]; then # a filter tshark refuses compares nothing
      differ=$((differ + 1))
      echo "REFUSED by tshark (exit $rc): '$filter' (fix the list)"
      continue
    fi
    ts=$(printf '%s' "$out" | paste -sd, -)
    ds=$(timeout 60 "$dissect" -r "$cap" -Y "$filter" -T fields -e frame.number 2>/dev/null | paste -sd, -)
    why=$(kept_reason "${cap##*/}" "$filter")
    if [ "$ts" = "$ds" ] && [ -n "$why" ]; then
      stale=$((stale + 1))
      echo "STALE KEPT ${cap##*/}: '$filter' no longer differs: remove it from ${kept_list##*/}"
    elif [ "$ts" = "$ds" ]; then
      same=$((same + 1))
    elif [ -n "$why" ]; then
      kept=$((kept + 1))
      echo "KEPT ${cap##*/}: '$filter': $why"
    else
      differ=$((differ + 1))
      echo "DIFFER ${cap##*/}: '$filter'"
      echo "   tshark:  ${ts:0:200}"
      echo "   dissect: ${ds:0:200}"
    fi
  done <"$list"
done
echo "${#caps[@]} captures: $same equal, $differ differ, $kept kept, $stale stale"
[ "$differ" -eq 0 ] && [ "$stale" -eq 0 ]
