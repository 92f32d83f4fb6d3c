#!/usr/bin/env bash
# Benchmark: dissect against tshark, tcpdump and a raw libpcap read loop, on
# the same generated capture in the same run. Prints wall time, max RSS,
# packets per second and, for every other tool of a row group, how much
# slower or faster than dissect it was.
#
#   bash bench/run.sh [PACKETS]      (default 200000; 1000000 for the full run)
#
# Environment:
#   BIN_DIR   directory holding the dissect binary (default: build/bin)
#
# Needs: a build of dissect, tshark, tcpdump, python3, GNU time
# (/usr/bin/time), a C compiler and libpcap's pkg-config file. This is a
# manual benchmark: it is never run as a (timed) test.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
n=${1:-200000}
bin=${BIN_DIR:-$root/build/bin}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for t in tshark tcpdump python3 /usr/bin/time cc pkg-config; do
  command -v "$t" >/dev/null || { echo "bench: $t is missing" >&2; exit 1; }
done
[ -x "$bin/dissect" ] || { echo "bench: $bin/dissect is missing: build first (or set BIN_DIR)" >&2; exit 1; }
read -r -a pkg <<<"$(pkg-config --cflags --libs libpcap)"
cc -O2 -o "$work/pcap_loop" "$here/pcap_loop.c" "${pkg[@]}"
python3 "$here/make-bench-capture.py" "$work/bench.pcap" "$n" >/dev/null
cap=$work/bench.pcap
filter='dns.qry.name contains "example"'
fields=(-e frame.number -e ip.src -e tcp.srcport -e dns.qry.name)

declare -A secs rss
run() { # name, command...
  local name=$1
  shift
  /usr/bin/time -f "%e %M" -o "$work/t" "$@" >/dev/null 2>"$work/err" || {
    echo "bench: $name failed:" >&2
    tail -3 "$work/err" >&2
    return 1
  }
  local s m
  read -r s m <"$work/t"
  secs[$name]=$s
  rss[$name]=$m
}

run "pcap read loop" "$work/pcap_loop" "$cap"
run "tcpdump -nn -r" tcpdump -nn -r "$cap"
run "dissect (summary)" "$bin/dissect" -r "$cap"
run "tshark (summary)" tshark -n -r "$cap"
run "dissect -T fields" "$bin/dissect" -r "$cap" -T fields "${fields[@]}"
run "tshark -T fields" tshark -n -r "$cap" -T fields "${fields[@]}"
run "dissect -Y" "$bin/dissect" -r "$cap" -Y "$filter"
run "tshark -Y" tshark -n -r "$cap" -Y "$filter"
run "dissect -V" "$bin/dissect" -r "$cap" -V
run "tshark -V" tshark -n -r "$cap" -V
run "dissect -T json" "$bin/dissect" -r "$cap" -T json
run "tshark -T json" tshark -n -r "$cap" -T json
# With the key logs of the TLS samples the capture is built from (every copy
# of a connection keeps its client random, so one key log line opens every
# copy): the cost of decryption, against the summary without keys.
cat "$root"/samples/https-tls12.keylog "$root"/samples/https-tls13.keylog >"$work/bench.keylog"
run "dissect --keylog" "$bin/dissect" -r "$cap" --keylog "$work/bench.keylog"
run "tshark tls.keylog" tshark -n -r "$cap" -o "tls.keylog_file:$work/bench.keylog"

printf 'capture: %s packets (%s bytes); dissect: %s\n' "$n" "$(stat -c %s "$cap")" "$bin/dissect"
printf -- '-Y filter: %s; -T fields: %s\n\n' "$filter" "${fields[*]}"
printf '%-20s %9s %11s %10s  %s\n' tool seconds "max RSS MB" "pkts/s" "vs dissect"
# ratio A B: "4.2x slower" if A took longer than B, "3.0x faster" if less.
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN {
    if (a <= 0 || b <= 0) { print "n/a"; exit }
    if (a >= b) printf "%.1fx slower\n", a / b; else printf "%.1fx faster\n", b / a }'
}
pair() { # dissect's entry first, then the tools to compare with it
  local ours=$1 name s r pps cmp
  for name in "$@"; do
    s=${secs[$name]}
    r=${rss[$name]}
    pps=$(awk -v n="$n" -v s="$s" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')
    if [ "$name" = "$ours" ]; then
      cmp="-"
    else
      cmp="${name%% *} is $(ratio "$s" "${secs[$ours]}")"
    fi
    printf '%-20s %9s %11.1f %10s  %s\n' "$name" "$s" "$(awk -v r="$r" 'BEGIN { print r / 1024 }')" \
      "$pps" "$cmp"
  done
  echo
}
pair "dissect (summary)" "tshark (summary)" "tcpdump -nn -r" "pcap read loop"
pair "dissect -T fields" "tshark -T fields"
pair "dissect -Y" "tshark -Y"
pair "dissect -V" "tshark -V"
pair "dissect -T json" "tshark -T json"
pair "dissect --keylog" "tshark tls.keylog" "dissect (summary)"
printf 'key log cost: dissect --keylog takes %s the summary without keys (target: at most 1.5x)\n' \
  "$(awk -v a="${secs[dissect --keylog]}" -v b="${secs[dissect (summary)]}" \
    'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }')"
