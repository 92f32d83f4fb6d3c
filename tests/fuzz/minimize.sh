#!/usr/bin/env bash
# Makes the committed, minimized corpora tests/fuzz/corpora/<harness>/ from
# what the campaigns found:
#
#   tests/fuzz/minimize.sh [HARNESS...]
#
# For each harness (default: all), libFuzzer's -merge=1 keeps, out of the
# working corpus tests/fuzz/corpus-<name>/ (git-ignored, filled by
# run-all.sh), the seeds, the regression inputs and the committed corpus,
# the smallest set of inputs that reaches every feature (edge and hit
# count) they reach together, preferring small inputs. The result is kept
# only within the limits (MAX_FILES files, MAX_KB KiB, default 500 and
# 1024): over them, the merge is made again from the inputs of at most
# half the largest input of the previous merge, and so on down to 256
# bytes (what CI replays must stay a few seconds). The working corpus is not changed. BUILD=dir picks
# the build (default build-fuzz); one merge at a time, under nice -n 15.
set -uo pipefail
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$SRC/build-fuzz}
FZ=$SRC/tests/fuzz
MAX_FILES=${MAX_FILES:-500}
MAX_KB=${MAX_KB:-1024}
if [[ $# -gt 0 ]]; then
  names=("$@")
else
  names=()
  for f in "$FZ"/fuzz_*.c; do names+=("$(basename "$f" .c)"); done
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
status=0
for h in "${names[@]}"; do
  bin=$BUILD/fuzz/$h
  [[ -x $bin ]] || { echo "minimize.sh: $bin missing" >&2; status=2; continue; }
  out=$FZ/corpora/$h
  # every input, in one flat directory (files named by content, so the
  # same input twice is one file)
  rm -rf "$WORK/all" && mkdir -p "$WORK/all"
  for d in "$FZ/corpus-${h#fuzz_}" "$FZ/seeds/$h" "$FZ/regress/$h" "$out"; do
    [[ -d $d ]] || continue
    find "$d" -maxdepth 1 -type f ! -name '.*' -print0 |
      while IFS= read -r -d '' f; do
        cp "$f" "$WORK/all/$(sha1sum "$f" | cut -c1-40)"
      done
  done
  limit=$((MAX_KB * 1024))
  while :; do
    rm -rf "$WORK/in" "$WORK/new" && mkdir -p "$WORK/in" "$WORK/new"
    find "$WORK/all" -type f -size -"$((limit + 1))"c -exec cp {} "$WORK/in/" \;
    nice -n 15 "$bin" -merge=1 -rss_limit_mb=2048 -timeout=10 "$WORK/new" "$WORK/in" \
      >"$WORK/merge.log" 2>&1 || { echo "minimize.sh: $h: merge failed" >&2; tail -5 "$WORK/merge.log" >&2; status=1; continue 2; }
    files=$(find "$WORK/new" -type f | wc -l)
    bytes=$(find "$WORK/new" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
    if [[ $files -le $MAX_FILES && $bytes -le $((MAX_KB * 1024)) ]] || [[ $limit -le 256 ]]; then
      break
    fi
    # half the largest input of this merge, so that every new merge has
    # fewer inputs (halving from 1 MiB would redo the same merge)
    largest=$(find "$WORK/in" -type f -printf '%s\n' | sort -n | tail -1)
    limit=$(((${largest:-0} < limit ? ${largest:-0} : limit) / 2))
    [[ $limit -ge 256 ]] || limit=256
  done
  rm -rf "$out" && mkdir -p "$out"
  cp "$WORK/new"/* "$out/" 2>/dev/null
  feats=$(grep -o 'MERGE-OUTER: [0-9]* new files with [0-9]* new features' "$WORK/merge.log" | tail -1)
  printf '%s: %d inputs (%d of them), %d files, %d bytes, inputs of at most %d bytes; %s\n' \
    "$h" "$(find "$WORK/all" -type f | wc -l)" "$(find "$WORK/in" -type f | wc -l)" \
    "$files" "$bytes" "$limit" "$feats"
done
exit $status
