#!/usr/bin/env bash
# Runs every libFuzzer harness for MINUTES minutes each and reports.
#
#   tests/fuzz/run-all.sh MINUTES [JOBS]
#
# Builds build-fuzz (clang, -DDX_FUZZ=ON) if it has no harnesses yet, or
# uses it as it is (BUILD=dir to use another). Runs the harnesses one at a
# time (JOBS at a time if given), each under nice -n 10 with its
# dictionary, on its corpus tests/fuzz/corpus-<name>/ (git-ignored; new
# inputs go there, made from the seeds on the first run) and its seeds
# and regression inputs. Prints a table (harness, executions, exec/s of
# wall time, executions per CPU second, new crashes) and appends it to a
# log outside the repository (LOG, default $HOME/libdissect-fuzz.log).
# Crashes, leaks, timeouts and out-of-memory inputs are saved under
# tests/fuzz/crashes/<harness>/ (git-ignored) and make the exit status 1.
# HARNESSES="fuzz_dns fuzz_http" runs only those.
set -uo pipefail
MINUTES=${1:?usage: run-all.sh MINUTES [JOBS]}
JOBS=${2:-1}
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$SRC/build-fuzz}
LOG=${LOG:-$HOME/libdissect-fuzz.log}
FZ=$SRC/tests/fuzz
SECS=$(awk -v m="$MINUTES" 'BEGIN { printf "%d", m * 60 }')
[[ $SECS -ge 1 ]] || { echo "run-all.sh: MINUTES must be > 0" >&2; exit 2; }

if ! ls "$BUILD"/fuzz/fuzz_* >/dev/null 2>&1; then
  cmake -S "$SRC" -B "$BUILD" -DDX_FUZZ=ON -DCMAKE_C_COMPILER=clang >/dev/null || exit 2
  nice -n 10 cmake --build "$BUILD" -j2 >/dev/null || exit 2
fi

. "$FZ/opts.sh" # opts_of, harness_names
harness_names

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
run_one() {
  local h=$1 corpus=$FZ/corpus-${1#fuzz_} crashes=$FZ/crashes/$1
  mkdir -p "$corpus" "$crashes"
  local before
  before=$(find "$crashes" -type f | wc -l)
  local seeds=() d
  for d in "$FZ/seeds/$h" "$FZ/regress/$h"; do [[ -d $d ]] && seeds+=("$d"); done
  local start=$SECONDS
  # shellcheck disable=SC2046
  /usr/bin/env time -f "%U %S" -o "$WORK/$h.time" nice -n 10 "$BUILD/fuzz/$h" \
    -max_total_time="$SECS" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$crashes/" $(opts_of "$h") "$corpus" "${seeds[@]}" >"$WORK/$h.log" 2>&1
  local wall=$((SECONDS - start))
  local runs cpu new
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$WORK/$h.log" | tail -1)
  [[ -n $runs ]] || runs=$(grep -o 'Done [0-9]* runs' "$WORK/$h.log" | awk '{print $2}' | tail -1)
  cpu=$(awk 'NF == 2 && $1 ~ /^[0-9.]+$/ {print $1 + $2}' "$WORK/$h.time" 2>/dev/null | tail -1)
  new=$(($(find "$crashes" -type f | wc -l) - before))
  awk -v h="$h" -v r="${runs:-0}" -v w="$wall" -v c="${cpu:-0}" -v n="$new" 'BEGIN {
    printf "| %s | %d | %.0f | %s | %d |\n", h, r, (w ? r / w : 0), (c > 0 ? sprintf("%.0f", r / c) : "-"), n }' \
    >"$WORK/$h.row"
  echo "$new" >"$WORK/$h.new"
  if [[ $new -gt 0 ]]; then
    cp "$WORK/$h.log" "$crashes/log-$(date +%Y%m%d-%H%M%S)"
    grep -E '^==[0-9]+==ERROR|^SUMMARY|Test unit written' "$WORK/$h.log" | head -5 >&2
  fi
}

running=0
for h in "${names[@]}"; do
  [[ -x $BUILD/fuzz/$h ]] || { echo "run-all.sh: $BUILD/fuzz/$h missing" >&2; continue; }
  run_one "$h" &
  running=$((running + 1))
  if [[ $running -ge $JOBS ]]; then
    wait -n
    running=$((running - 1))
  fi
done
wait

{
  echo "## $(date -u '+%Y-%m-%d %H:%M UTC') run-all.sh $MINUTES min, $JOBS job(s), commit $(git -C "$SRC" rev-parse --short HEAD 2>/dev/null)"
  echo "| harness | executions | exec/s (wall) | exec/s (CPU) | new crashes |"
  echo "|---|---|---|---|---|"
  for h in "${names[@]}"; do cat "$WORK/$h.row" 2>/dev/null; done
} | tee -a "$LOG"
total=0
for h in "${names[@]}"; do
  [[ -f $WORK/$h.new ]] && total=$((total + $(cat "$WORK/$h.new")))
done
if [[ $total -gt 0 ]]; then
  echo "run-all.sh: $total new crash(es), saved under $FZ/crashes/" >&2
  exit 1
fi
exit 0
