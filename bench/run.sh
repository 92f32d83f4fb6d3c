#!/usr/bin/env bash
# Benchmark: dissect against tshark (and, for summary lines, tcpdump and a raw
# libpcap read loop) on the same realistic capture in the same run, one row per
# job of issue 11: wall time, peak RSS (GNU time), output bytes and the ratio
# tshark/dissect, with the target of the issue beside it.
#
#   bash bench/run.sh [options]
#
#   --capture FILE     use this capture (any pcap/pcapng, e.g. one this project
#                      did not make); its key log is FILE.keylog if that exists
#   --packets N        make (or reuse) a capture of N packets (default 1200000;
#                      the default one is /tmp/dxbench/bench.pcap, others
#                      /tmp/dxbench/bench-N.pcap); making it needs root, see
#                      bench/make-capture.sh
#   --remake           make the capture again even if it exists
#   --quick            --packets 100000, 10 start-up runs: a smoke run of every row
#   --runs N           run each job N times, tshark and dissect alternating,
#                      and keep the fastest (default 1)
#   --skip-slow-tshark no tshark for -V, -T json and -T ek (minutes each on 1M
#                      packets); their ratio is then not printed
#   --no-tui           no TUI row        --no-concat   no 4x-capture row
#   --startup-runs N   runs averaged for the 1-packet start-up row (default 30)
#   --bin DIR          directory of dissect and dissect-tui (default build/bin;
#                      also $BIN_DIR)
#
# Jobs: summary lines; -T fields with 8 fields; -Y; -V; -T json; -T ek; the
# summary with the TLS key log; peak memory of each; start-up on a 1-packet
# file (mean of many runs); the summary on the capture concatenated 4 times
# (mergecap -a), whose peak RSS must not be above the 1x one; dissect-tui on
# the capture in a tmux pane (first rows shown; fully indexed: the status line
# counts every packet of the file and no longer says "indexing"; peak RSS:
# VmHWM from /proc).
#
# Output of every tool goes through a pipe into wc -c (its size is the
# "output" column). The machine's noise shows in absolute times: compare the
# ratios of one run. This is a manual benchmark: it prints measurements and
# never asserts them, and it is never run in CI or as a timed test.
#
# Needs: dissect built (Release), tshark, tcpdump, mergecap, editcap, capinfos,
# tmux, GNU time (/usr/bin/time), a C compiler and libpcap's pkg-config file.
set -euo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")

die() {
  echo "bench: $*" >&2
  exit 1
}
usage() { sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

packets=1200000
capture=
remake=
runs=1
slow_tshark=1
do_tui=1
do_concat=1
startup_runs=30
bin=${BIN_DIR:-$root/build/bin}
while (($#)); do
  case $1 in
  --capture) capture=${2:?--capture needs a file}; shift 2 ;;
  --packets) packets=${2:?--packets needs a number}; shift 2 ;;
  --remake) remake=1; shift ;;
  --quick) packets=100000 startup_runs=10; shift ;;
  --runs) runs=${2:?--runs needs a number}; shift 2 ;;
  --skip-slow-tshark) slow_tshark=; shift ;;
  --no-tui) do_tui=; shift ;;
  --no-concat) do_concat=; shift ;;
  --startup-runs) startup_runs=${2:?--startup-runs needs a number}; shift 2 ;;
  --bin) bin=${2:?--bin needs a directory}; shift 2 ;;
  -h | --help) usage; exit 0 ;;
  *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[[ $packets =~ ^[0-9]+$ && $runs =~ ^[1-9][0-9]*$ && $startup_runs =~ ^[1-9][0-9]*$ ]] \
  || die "--packets, --runs and --startup-runs take positive numbers"
for t in tshark tcpdump mergecap editcap capinfos tmux /usr/bin/time cc pkg-config; do
  command -v "$t" >/dev/null || die "$t is missing"
done
[[ -x $bin/dissect ]] || die "$bin/dissect is missing: build it (Release) first, or give --bin DIR"
[[ -z $do_tui || -x $bin/dissect-tui ]] || die "$bin/dissect-tui is missing (or give --no-tui)"

# ------------------------------------------------------------ the capture
if [[ -z $capture ]]; then
  if ((packets == 1200000)); then capture=/tmp/dxbench/bench.pcap; else capture=/tmp/dxbench/bench-$packets.pcap; fi
  if [[ -n $remake || ! -s $capture ]]; then
    [[ $EUID -eq 0 ]] || die "$capture is not there; making it needs root: sudo bash bench/make-capture.sh --packets $packets --out $capture"
    bash "$here/make-capture.sh" --packets "$packets" --out "$capture"
  fi
fi
[[ -s $capture ]] || die "$capture: no such capture"
keylog=${capture%.*}.keylog
[[ -s $keylog ]] || keylog=

work=$(mktemp -d "${TMPDIR:-/tmp}/dxbench-run.XXXXXX")
TUI_SOCK=dxbench-run-$$
TUI_PID=
cleanup() {
  if [[ -n $TUI_PID ]]; then kill "$TUI_PID" 2>/dev/null || true; fi
  tmux -L "$TUI_SOCK" kill-server 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

read -r -a pkg <<<"$(pkg-config --cflags --libs libpcap)"
cc -O2 -o "$work/pcap_loop" "$here/pcap_loop.c" "${pkg[@]}"
npk=$(capinfos -T -r -c -M "$capture" | cut -f2)
nbytes=$(stat -c %s "$capture")
cat "$capture" >/dev/null # into the page cache before the first timed run

fields=(-e frame.number -e frame.time_relative -e ip.src -e ipv6.src -e tcp.srcport -e tcp.dstport
  -e dns.qry.name -e tls.handshake.extensions_server_name)
filter='tls.handshake.type == 1 || http.request.method == "GET" || dns.flags.rcode == 3'

# ------------------------------------------------------------ measuring
declare -A secs rss outb
# measure KEY COMMAND...: wall time, peak RSS and output bytes of COMMAND
# (stdout through a pipe into wc -c); with --runs N the fastest run is kept
# and the highest peak RSS.
measure() {
  local key=$1 s m b rc
  shift
  set +e
  /usr/bin/time -f "%e %M" -o "$work/t" "$@" 2>"$work/err" | wc -c >"$work/b"
  rc=${PIPESTATUS[0]}
  set -e
  if ((rc != 0)); then
    echo "bench: $key failed (exit $rc): $*" >&2
    tail -n 3 "$work/err" >&2
    secs[$key]=-1 rss[$key]=0 outb[$key]=0
    return 0
  fi
  read -r s m <"$work/t"
  b=$(<"$work/b")
  if [[ -z ${secs[$key]:-} ]] || awk -v a="$s" -v b="${secs[$key]}" 'BEGIN { exit !(a < b) }'; then
    secs[$key]=$s
  fi
  if ((m > ${rss[$key]:-0})); then rss[$key]=$m; fi
  outb[$key]=$b
  printf 'bench: %-22s %8.2f s %9.1f MB RSS %12s bytes out\n' "$key" "$s" "$(awk -v m="$m" 'BEGIN { print m / 1024 }')" "$b" >&2
}
# pair JOB [ARGS...]: tshark -n -r CAPTURE ARGS and dissect -r CAPTURE ARGS,
# alternating (tshark first on odd runs, dissect first on even runs)
pair() {
  local job=$1 i
  shift
  for ((i = 0; i < runs; i++)); do
    if ((i % 2 == 0)); then
      [[ -n ${skip_tshark:-} ]] || measure "tshark $job" tshark -n -r "$capture" "$@"
      measure "dissect $job" "$bin/dissect" -r "$capture" "$@"
    else
      measure "dissect $job" "$bin/dissect" -r "$capture" "$@"
      [[ -n ${skip_tshark:-} ]] || measure "tshark $job" tshark -n -r "$capture" "$@"
    fi
  done
}

start_load=$(cut -d' ' -f1-3 /proc/loadavg)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || true)
started=$(date -u '+%Y-%m-%d %H:%M UTC')
echo "bench: $npk packets, $nbytes bytes: $capture" >&2
for ((i = 0; i < runs; i++)); do
  measure "pcap loop" "$work/pcap_loop" "$capture"
  measure "tcpdump" tcpdump -nn -r "$capture"
done
pair summary
pair fields -T fields "${fields[@]}"
pair filter -Y "$filter"
skip_tshark=
[[ -n $slow_tshark ]] || skip_tshark=1
pair V -V
pair json -T json
pair ek -T ek
skip_tshark=
if [[ -n $keylog ]]; then
  for ((i = 0; i < runs; i++)); do
    measure "tshark keylog" tshark -n -r "$capture" -o "tls.keylog_file:$keylog"
    measure "dissect keylog" "$bin/dissect" -r "$capture" --keylog "$keylog"
  done
fi

# start-up on a 1-packet file: the mean of many runs, alternating
editcap -r "$capture" "$work/one.pcap" 1
st_t=0 st_d=0
for ((i = 0; i < startup_runs; i++)); do
  a=$EPOCHREALTIME
  tshark -n -r "$work/one.pcap" >/dev/null 2>&1
  b=$EPOCHREALTIME
  "$bin/dissect" -r "$work/one.pcap" >/dev/null 2>&1
  c=$EPOCHREALTIME
  st_t=$(awk -v s="$st_t" -v a="$a" -v b="$b" 'BEGIN { printf "%.6f", s + b - a }')
  st_d=$(awk -v s="$st_d" -v b="$b" -v c="$c" 'BEGIN { printf "%.6f", s + c - b }')
done
st_t=$(awk -v s="$st_t" -v n="$startup_runs" 'BEGIN { printf "%.1f", s / n * 1000 }')
st_d=$(awk -v s="$st_d" -v n="$startup_runs" 'BEGIN { printf "%.1f", s / n * 1000 }')
echo "bench: start-up (mean of $startup_runs): tshark $st_t ms, dissect $st_d ms" >&2

# the capture 4 times: dissect's peak RSS must not grow
if [[ -n $do_concat ]]; then
  mergecap -a -F pcap -w "$work/x4.pcap" "$capture" "$capture" "$capture" "$capture"
  for ((i = 0; i < runs; i++)); do
    measure "dissect summary x4" "$bin/dissect" -r "$work/x4.pcap"
  done
  rm -f "$work/x4.pcap"
fi

# dissect-tui in a tmux pane: first rows, fully indexed, VmHWM
tui_first='' tui_done='' tui_hwm=''
if [[ -n $do_tui ]]; then
  T=(tmux -L "$TUI_SOCK" -f /dev/null)
  t0=$EPOCHREALTIME
  "${T[@]}" new-session -d -s tui -x 120 -y 40 "exec '$bin/dissect-tui' '$capture'"
  TUI_PID=$("${T[@]}" display -p -t tui '#{pane_pid}')
  for ((i = 0; i < 6000; i++)); do # first rows: at most 30 s, polled every 5 ms
    lines=()
    mapfile -t lines < <("${T[@]}" capture-pane -p -t tui 2>/dev/null || true)
    if [[ ${lines[2]:-} =~ ^\ *1\  ]]; then # the list's first row (line 3)
      tui_first=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }')
      break
    fi
    sleep 0.005
  done
  for ((i = 0; i < 12000; i++)); do # fully indexed: at most 20 min, polled every 100 ms
    last=$("${T[@]}" capture-pane -p -t tui 2>/dev/null | tail -n 1) || break
    # done: the status line counts every packet of the file and says no more "indexing"
    shown=
    [[ $last =~ ([0-9][0-9,]*)\ packets ]] && shown=${BASH_REMATCH[1]//,/}
    if [[ $shown == "$npk" && $last != *indexing* ]]; then
      tui_done=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
      break
    fi
    sleep 0.1
  done
  tui_hwm=$(awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$TUI_PID/status" 2>/dev/null || true)
  "${T[@]}" send-keys -t tui q 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    kill -0 "$TUI_PID" 2>/dev/null || break
    sleep 0.1
  done
  kill "$TUI_PID" 2>/dev/null || true
  TUI_PID=
  "${T[@]}" kill-server 2>/dev/null || true
  echo "bench: dissect-tui: first rows ${tui_first:-?} s, fully indexed ${tui_done:-?} s, VmHWM ${tui_hwm:-?} MB" >&2
fi

# ------------------------------------------------------------ the table
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
mb1() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
cell() { # KEY: "12.34 s, 56 MB, 78 MB out"
  local k=$1
  if [[ -z ${secs[$k]:-} ]]; then
    if [[ -z $slow_tshark && $k == tshark* ]]; then echo "skipped (--skip-slow-tshark)"; else echo "not run"; fi
  elif [[ ${secs[$k]} == -1 ]]; then
    echo "failed"
  else
    awk -v s="${secs[$k]}" -v r="${rss[$k]}" -v o="${outb[$k]}" \
      'BEGIN { printf "%.2f s, %.0f MB, %.*f MB out", s, r / 1024, (o < 1e7 ? 1 : 0), o / 1e6 }'
  fi
}
ratio() { # A B: A/B as "3.3×"
  awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { if (a > 0 && b > 0) printf "%.1f×", a / b; else printf "—" }'
}
row() { # LABEL JOB TARGET
  local t=${secs["tshark $2"]:-} d=${secs["dissect $2"]:-} extra=
  if [[ $2 == json || $2 == ek ]] && [[ -n $t ]]; then
    extra="; bytes $(ratio "${outb["dissect $2"]}" "${outb["tshark $2"]}") of tshark's"
  fi
  printf '| %s | %s | %s | %s%s | %s |\n' "$1" "$(cell "tshark $2")" "$(cell "dissect $2")" \
    "$(ratio "$t" "$d")" "$extra" "$3"
}
maxrss() { # PREFIX: the highest peak RSS (MB) of the jobs of PREFIX
  local k m=0
  for k in "${!rss[@]}"; do
    [[ $k == "$1 "* && $k != *x4 && $k != *keylog ]] || continue
    if ((rss[$k] > m)); then m=${rss[$k]}; fi
  done
  mb "$m"
}

echo
echo "Capture: $(basename "$capture"): $npk packets, $nbytes bytes${keylog:+, with its key log}"
echo "Run: $started on $(nproc) cores ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)); load average at start $start_load, at end $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Tools: $(tshark --version 2>/dev/null | head -n 1 | cut -d' ' -f1-3), $(tcpdump --version 2>&1 | head -n 1), $("$bin/dissect" --version | head -n 1) built $(date -u -r "$bin/dissect" '+%Y-%m-%d %H:%M UTC')${commit:+ (the repository was at commit $commit when the run began)}"
echo "Fields: ${fields[*]}"
echo "Filter: -Y '$filter'"
((runs == 1)) || echo "Each job run $runs times, tshark and dissect alternating; the fastest run shown, the highest RSS"
echo
echo "| job | tshark | dissect | tshark/dissect | target |"
echo "|---|---|---|---|---|"
row "summary lines" summary "≥ 15×"
printf '| summary: tcpdump -nn -r | %s | | %s (tcpdump/dissect) | |\n' "$(cell tcpdump)" \
  "$(ratio "${secs[tcpdump]:-}" "${secs["dissect summary"]:-}")"
printf '| summary: raw libpcap loop | %s | | %s (loop/dissect) | |\n' "$(cell "pcap loop")" \
  "$(ratio "${secs["pcap loop"]:-}" "${secs["dissect summary"]:-}")"
row '`-T fields`, 8 fields' fields "≥ 25×"
row '`-Y` filter' filter "≥ 15×"
row '`-V`' V "≥ 15×"
row '`-T json`' json "≥ 30×, no more bytes than tshark"
row '`-T ek`' ek "≥ 30×"
printf '| peak memory, any of the above | %s MB | %s MB | %s | ≤ 64 MB, flat in the length |\n' \
  "$(maxrss tshark)" "$(maxrss dissect)" "$(ratio "$(maxrss tshark)" "$(maxrss dissect)")"
[[ -z $keylog ]] || row "summary with the key log (not in the issue's table)" keylog ""
if [[ -n $do_concat ]]; then
  printf '| the capture 4× (mergecap -a), summary | | %s; peak RSS 4×: %s MB, 1×: %s MB | | peak RSS not above 1× |\n' \
    "$(cell "dissect summary x4")" "$(mb1 "${rss["dissect summary x4"]:-0}")" "$(mb1 "${rss["dissect summary"]:-0}")"
fi
if [[ -n $do_tui ]]; then
  printf '| TUI: first rows / fully indexed / memory | (termshark, issue 11: 1.42 s / 58.7 s / 3.09 GB) | %s s / %s s / %s MB | | < 0.2 s / ≤ 3 s / ≤ 128 MB |\n' \
    "${tui_first:-?}" "${tui_done:-?}" "${tui_hwm:-?}"
fi
printf '| start-up on a 1-packet file (mean of %s) | %s ms | %s ms | %s | ≤ 20 ms |\n' \
  "$startup_runs" "$st_t" "$st_d" "$(ratio "$st_t" "$st_d")"
