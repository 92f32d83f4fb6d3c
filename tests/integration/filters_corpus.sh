#!/usr/bin/env bash
# Display filters on captures this project did not make: every filter of
# tests/integration/filters-corpus.txt (one per line) on every capture given
# (default: ../shared/corpus/**/*.pcap*, read in place), run through
#   dissect -r CAP -Y FILTER -T fields -e frame.number
#   tshark  -r CAP -Y FILTER -T fields -e frame.number
# and the selected frames compared. A difference is printed with both lists;
# it may be a filter bug or a dissector difference (a field one tool has and
# the other lacks): look at the fields before blaming either.
# Slow (one tshark run per filter per file): not part of ctest.
# Usage: filters_corpus.sh BIN_DIR SRC_DIR [CAPTURE...]
set -u
bin=${1:?usage: filters_corpus.sh BIN_DIR SRC_DIR [CAPTURE...]}
src=${2:?usage: filters_corpus.sh BIN_DIR SRC_DIR [CAPTURE...]}
shift 2
dissect="$bin/dissect"
list="$src/tests/integration/filters-corpus.txt"
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
for cap in "${caps[@]}"; do
  while IFS= read -r filter || [ -n "$filter" ]; do
    case "$filter" in '' | '#'*) continue ;; esac
    ts=$(timeout 60 tshark -r "$cap" -Y "$filter" -T fields -e frame.number 2>/dev/null | paste -sd, -)
    ds=$(timeout 60 "$dissect" -r "$cap" -Y "$filter" -T fields -e frame.number 2>/dev/null | paste -sd, -)
    if [ "$ts" = "$ds" ]; then
      same=$((same + 1))
    else
      differ=$((differ + 1))
      echo "DIFFER ${cap##*/}: '$filter'"
      echo "   tshark:  ${ts:0:200}"
      echo "   dissect: ${ds:0:200}"
    fi
  done <"$list"
done
echo "${#caps[@]} captures: $same equal, $differ differ"
[ "$differ" -eq 0 ]
