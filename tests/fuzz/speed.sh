#!/usr/bin/env bash
# Speed of every libFuzzer harness in executions per CPU second.
#
#   tests/fuzz/speed.sh [RUNS]          seeds mode (default 1000 runs)
#   tests/fuzz/speed.sh -t SECONDS      steady state (e.g. -t 60)
#
# Seeds mode runs `fuzz_X -seed=1 -runs=RUNS` on a fresh copy of the
# harness's seeds; the first executions are the seeds themselves, the
# largest inputs, so with few runs it measures mostly them.
#
# Steady state (-t) runs `fuzz_X -seed=1 -max_total_time=SECONDS` on a
# fresh copy of the committed minimized corpus corpora/<harness>/ (the
# seeds if there is none), i.e. mostly mutations of small inputs as in a
# campaign, and reports libFuzzer's own final exec/s (wall time) next to
# the executions divided by the CPU time the process got.
#
# Both: the options run-all.sh gives the harness, one harness at a time
# under nice -n 15, executions divided by user + system time (so a loaded
# machine slows the wall clock, not that figure). BUILD=dir picks the
# build (default build-fuzz), HARNESSES="..." a subset, EXTRA="..." more
# libFuzzer options (e.g. EXTRA=-entropic=0). Prints a markdown table.
set -uo pipefail
SECS=
if [[ ${1:-} == -t ]]; then
  SECS=${2:?usage: speed.sh -t SECONDS}
  RUNS=0
else
  RUNS=${1:-1000}
fi
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$SRC/build-fuzz}
FZ=$SRC/tests/fuzz
BIN=$BUILD/fuzz
[[ -d $BIN ]] || BIN=$BUILD
. "$FZ/opts.sh" # opts_of, harness_names
harness_names
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [[ -n $SECS ]]; then
  echo "| harness | seconds | runs | CPU s | exec/s (libFuzzer, wall) | exec per CPU s |"
  echo "|---|---|---|---|---|---|"
else
  echo "| harness | runs | CPU s | exec per CPU s |"
  echo "|---|---|---|---|"
fi
for h in "${names[@]}"; do
  [[ -x $BIN/$h ]] || { echo "speed.sh: $BIN/$h missing" >&2; continue; }
  rm -rf "$WORK/c" && mkdir "$WORK/c"
  src=$FZ/seeds/$h
  [[ -n $SECS && -d $FZ/corpora/$h ]] && src=$FZ/corpora/$h
  cp "$src"/* "$WORK/c/" 2>/dev/null
  if [[ -n $SECS ]]; then
    lim=(-max_total_time="$SECS" -print_final_stats=1)
  else
    lim=(-runs="$RUNS")
  fi
  # shellcheck disable=SC2046,SC2086
  /usr/bin/env time -f "%U %S" -o "$WORK/t" nice -n 15 "$BIN/$h" -seed=1 "${lim[@]}" \
    -rss_limit_mb=2048 -timeout=10 $(opts_of "$h") ${EXTRA:-} "$WORK/c" >"$WORK/log" 2>&1 ||
    { echo "speed.sh: $h failed" >&2; tail -5 "$WORK/log" >&2; }
  if [[ -n $SECS ]]; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$WORK/log" | tail -1)
    eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$WORK/log" | tail -1)
    awk -v h="$h" -v s="$SECS" -v r="${runs:-0}" -v e="${eps:-0}" 'NF == 2 && $1 ~ /^[0-9.]+$/ {
      c = $1 + $2; printf "| %s | %d | %d | %.1f | %d | %.0f |\n", h, s, r, c, e, (c > 0 ? r / c : 0) }' "$WORK/t"
  else
    awk -v h="$h" -v r="$RUNS" 'NF == 2 && $1 ~ /^[0-9.]+$/ {
      c = $1 + $2; printf "| %s | %d | %.1f | %.0f |\n", h, r, c, (c > 0 ? r / c : 0) }' "$WORK/t"
  fi
done
