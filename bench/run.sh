#!/usr/bin/env bash
# Benchmark: dissect against tshark, tcpdump and a raw libpcap read loop, on
# the same capture in the same run. Prints wall time, max RSS and the ratio
# to dissect for each tool and mode.
#
#   bash bench/run.sh [PACKETS]      (default 200000; 1000000 for the full run)
#
# Needs: a build in build/ (cmake -S . -B build && cmake --build build),
# tshark, tcpdump, python3, GNU time (/usr/bin/time).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
n=${1:-200000}
bin=$root/build/bin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for t in tshark tcpdump python3 /usr/bin/time cc; do
  command -v "$t" >/dev/null || { echo "bench: $t is missing" >&2; exit 1; }
done
[ -x "$bin/dissect" ] || { echo "bench: build/bin/dissect is missing: build first" >&2; exit 1; }
pkg=$(pkg-config --cflags --libs libpcap)
cc -O2 -o "$work/pcap_loop" "$here/pcap_loop.c" $pkg
python3 "$here/make-bench-capture.py" "$work/bench.pcap" "$n" >/dev/null
cap=$work/bench.pcap

declare -A secs rss
run() { # name, command...
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/t" "$@" >/dev/null 2>"$work/err" || {
    echo "bench: $name failed:" >&2; tail -3 "$work/err" >&2; return 1; }
  read -r s m <"$work/t"
  secs[$name]=$s
  rss[$name]=$m
}

run "pcap read loop" "$work/pcap_loop" "$cap"
run "tcpdump -nn -r" tcpdump -nn -r "$cap"
run "dissect (summary)" "$bin/dissect" -r "$cap"
run "tshark (summary)" tshark -n -r "$cap"
run "dissect -T fields" "$bin/dissect" -r "$cap" -T fields -e frame.number -e ip.src -e tcp.srcport -e dns.qry.name
run "tshark -T fields" tshark -n -r "$cap" -T fields -e frame.number -e ip.src -e tcp.srcport -e dns.qry.name
run "dissect -V" "$bin/dissect" -r "$cap" -V
run "tshark -V" tshark -n -r "$cap" -V
run "dissect -T json" "$bin/dissect" -r "$cap" -T json
run "tshark -T json" tshark -n -r "$cap" -T json

printf 'capture: %s packets (%s bytes)\n\n' "$n" "$(stat -c %s "$cap")"
printf '%-22s %9s %11s %10s %14s\n' tool seconds "max RSS MB" "pkts/s" "vs dissect"
pair() { # ours, theirs
  for name in "$@"; do
    local s=${secs[$name]} r=${rss[$name]}
    local pps ratio
    pps=$(awk -v n="$n" -v s="$s" 'BEGIN{printf "%.0f", s>0 ? n/s : 0}')
    ratio=$(awk -v a="$s" -v b="${secs[$1]}" 'BEGIN{printf "%.1fx", b>0 ? a/b : 0}')
    printf '%-22s %9s %11.1f %10s %14s\n' "$name" "$s" "$(awk -v r="$r" 'BEGIN{print r/1024}')" "$pps" "$ratio"
  done
  echo
}
pair "dissect (summary)" "tshark (summary)" "tcpdump -nn -r" "pcap read loop"
pair "dissect -T fields" "tshark -T fields"
pair "dissect -V" "tshark -V"
pair "dissect -T json" "tshark -T json"
