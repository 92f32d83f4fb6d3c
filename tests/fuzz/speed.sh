#!/usr/bin/env bash
# Speed of every libFuzzer harness in executions per CPU second:
#
#   tests/fuzz/speed.sh [RUNS]
#
# runs `fuzz_X -seed=1 -runs=RUNS` (default 1000) on a fresh copy of the
# harness's seeds, with the options run-all.sh gives it, one harness at a
# time under nice -n 15, and divides RUNS by the user + system time the
# process got (so a loaded machine slows the wall clock, not the figure).
# BUILD=dir picks the build (default build-fuzz), HARNESSES="..." a subset.
# The first executions are the seeds themselves, the largest inputs.
set -uo pipefail
RUNS=${1:-1000}
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$SRC/build-fuzz}
FZ=$SRC/tests/fuzz
BIN=$BUILD/fuzz
[[ -d $BIN ]] || BIN=$BUILD
if [[ -n ${HARNESSES:-} ]]; then
  read -r -a names <<<"$HARNESSES"
else
  names=()
  for f in "$FZ"/fuzz_*.c; do names+=("$(basename "$f" .c)"); done
fi
opts_of() {
  case $1 in
  fuzz_filter) echo "-dict=$FZ/fuzz_filter.dict" ;;
  fuzz_stream | fuzz_http2) echo "-dict=$FZ/fuzz_stream.dict -max_len=8192" ;;
  fuzz_tls_decrypt) echo "-max_len=4096" ;;
  fuzz_packet | fuzz_story | fuzz_dns | fuzz_x509) echo "-dict=$FZ/fuzz_stream.dict" ;;
  fuzz_http) echo "-dict=$FZ/fuzz_stream.dict -max_len=16384" ;;
  fuzz_capture) echo "-max_len=65536" ;;
  esac
}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
echo "| harness | runs | CPU s | exec per CPU s |"
echo "|---|---|---|---|"
for h in "${names[@]}"; do
  [[ -x $BIN/$h ]] || { echo "speed.sh: $BIN/$h missing" >&2; continue; }
  rm -rf "$WORK/c" && mkdir "$WORK/c"
  cp "$FZ/seeds/$h"/* "$WORK/c/" 2>/dev/null
  # shellcheck disable=SC2046
  /usr/bin/env time -f "%U %S" -o "$WORK/t" nice -n 15 "$BIN/$h" -seed=1 -runs="$RUNS" \
    -rss_limit_mb=2048 $(opts_of "$h") "$WORK/c" >"$WORK/log" 2>&1 ||
    { echo "speed.sh: $h failed" >&2; tail -5 "$WORK/log" >&2; }
  awk -v h="$h" -v r="$RUNS" 'NF == 2 && $1 ~ /^[0-9.]+$/ {
    c = $1 + $2; printf "| %s | %d | %.1f | %.0f |\n", h, r, c, (c > 0 ? r / c : 0) }' "$WORK/t"
done
