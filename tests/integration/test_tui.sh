#!/usr/bin/env bash
# dissect-tui driven through tmux: send keys, capture the screen, assert on
# its text. Expected values come from tshark on the same samples.
# Usage: test_tui.sh BIN_DIR SRC_DIR   (exit 77 = skipped: no tmux)
set -u
BIN=${1:?bin dir}
SRC=${2:?source dir}
TUI="$BIN/dissect-tui"
S="$SRC/samples"
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
[ -x "$TUI" ] || { echo "no $TUI"; exit 1; }

pass=0
fail=0
SESSIONS=()
PREFIX="dxtui$$"
cleanup() {
  for s in "${SESSIONS[@]}"; do tmux kill-session -t "$s" 2>/dev/null; done
}
trap cleanup EXIT INT TERM

ok() { pass=$((pass + 1)); echo "ok   - $1"; }
ko() {
  fail=$((fail + 1))
  echo "FAIL - $1"
  [ -n "${2:-}" ] && printf '%s\n' "---- screen ----" "$2" "----------------"
}

# start NAME W H ARGS...: runs dissect-tui in a new detached session; the
# shell prints a marker when it exits so we can tell it ended.
start() {
  local name="$PREFIX-$1" w=$2 h=$3
  shift 3
  SESSIONS+=("$name")
  local cmd="env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 $TUI"
  for a in "$@"; do cmd+=" $(printf '%q' "$a")"; done
  tmux new-session -d -s "$name" -x "$w" -y "$h" "$cmd; echo \"TUI-EXITED rc=\$?\"; sleep 60"
  CUR=$name
  wait_for "Packet details\|TUI-EXITED" 5 >/dev/null
}
screen() { tmux capture-pane -p -t "$CUR"; }
keys() {
  tmux send-keys -t "$CUR" "$@"
  sleep 0.25
}
# wait_for REGEX [SECONDS]: polls the screen until it matches
wait_for() {
  local re=$1 t=${2:-3} i
  for ((i = 0; i < t * 10; i++)); do
    if screen | grep -q -- "$re"; then return 0; fi
    sleep 0.1
  done
  return 1
}
expect() { # expect DESCRIPTION REGEX
  if wait_for "$2" 3; then ok "$1"; else ko "$1" "$(screen)"; fi
}
expect_not() { # expect_not DESCRIPTION REGEX
  sleep 0.2
  local sc
  sc=$(screen)
  if grep -q -- "$2" <<<"$sc"; then ko "$1" "$sc"; else ok "$1"; fi
}
# count_lines REGEX: lines of the screen matching
count_lines() { screen | grep -c -- "$1"; }

# ---- arguments -----------------------------------------------------------
out=$("$TUI" --version 2>&1)
if grep -q "^dissect-tui [0-9]" <<<"$out"; then ok "--version"; else ko "--version" "$out"; fi
out=$("$TUI" -h 2>&1)
if grep -q "Usage: dissect-tui" <<<"$out"; then ok "-h"; else ko "-h" "$out"; fi
out=$("$TUI" /nonexistent.pcap 2>&1 </dev/null)
rc=$?
if [ $rc -ne 0 ] && grep -q "nonexistent.pcap" <<<"$out"; then ok "missing file: error, exit $rc"; else ko "missing file" "$out"; fi
out=$("$TUI" --bogus 2>&1)
rc=$?
if [ $rc -ne 0 ] && grep -q "unknown option" <<<"$out"; then ok "bad option"; else ko "bad option" "$out"; fi
# a missing file inside a terminal: a clear message, non-zero exit, no crash
start badfile 80 24 "$S/does-not-exist.pcap"
expect "missing file in a terminal: message and exit" "does-not-exist.pcap"
expect "missing file: non-zero exit" "TUI-EXITED rc=1"

# ---- three panes at 80x24 --------------------------------------------------
# tshark -r https-tls12.pcap: 21 frames; frame 4 is the Client Hello, frame 1
# a SYN 42014 -> 443 of 74 bytes.
start list 80 24 "$S/https-tls12.pcap"
expect "list header" "No\. *Time *Source *Destination *Protocol *Length *Info"
expect "frame 1 row: SYN 42014 -> 443, 74 bytes" "^ *1 0\.000000 *127\.0\.0\.1 *127\.0\.0\.1 *TCP *74 42014 → 443 \[SYN"
expect "status line: file and 21 packets" "https-tls12.pcap | 21 packets"
expect "tree pane shows frame 1" "Packet details: frame 1"
expect "hex pane: frame 1 is 74 bytes" "Bytes: Frame (74 bytes)"
expect "hex pane: first line" "^0000  00 00 00 00 00 00 00 00  00 00 00 00 08 00 45 00"
keys j j j
expect "j moves to frame 4" "Packet details: frame 4"
expect "frame 4 is a Client Hello" "^ *4 .*Client Hello"
keys G
expect "G goes to the last frame (21)" "Packet details: frame 21"
keys g
expect "g goes back to frame 1" "Packet details: frame 1"
keys j j j Tab
expect "Tab focuses the tree" "=> Packet details: frame 4"
keys G Enter j
expect "Enter expands the last layer (TLS)" "Handshake Protocol: Client Hello"
keys E
expect_not "E collapses all" "Handshake Protocol: Client Hello"
keys e j j
expect "e expands all" "Handshake Type: Client Hello (1)"
keys Tab
expect "Tab focuses the hex pane" "=> Bytes: Frame (238 bytes)"
keys BTab BTab
expect "Shift-Tab goes back to the list" "No\. .*Info"

# ---- display filter ---------------------------------------------------------
keys / "tcp.flags.syn == 1" Enter
expect "filter applied" "displayed 2"
sc=$(screen)
rows=$(grep -cE "^ +[0-9]+ [0-9]+\.[0-9]{6} " <<<"$sc")
if [ "$rows" = 2 ] && grep -q "^ *1 .*42014 → 443 \[SYN" <<<"$sc" && grep -q "^ *2 .*443 → 42014 \[SYN" <<<"$sc"; then
  ok "only the SYN and SYN-ACK rows are shown"
else
  ko "only SYN rows" "$sc"
fi
keys / C-u "tcp.flgs == 1"
expect "bad filter: error inline as you type" 'unknown field "tcp.flgs"'
keys Enter
expect "bad filter not applied" "displayed 2"
keys Escape / C-u Enter
expect "empty filter clears it" "(none: press / to filter)"
expect_not "no displayed count without a filter" "displayed"

# ---- help and quit ------------------------------------------------------------
keys '?'
expect "help overlay" "dissect-tui keys"
expect "help lists the filter key" "display filter"
keys Escape
expect_not "help closed" "dissect-tui keys"
keys q
expect "q quits and the shell is back" "TUI-EXITED rc=0"

# ---- large terminal ------------------------------------------------------------
start big 200 50 "$S/http.pcap"
expect "200x50: list" "http.pcap | 185 packets"
expect "200x50: HTTP GET in the list" "GET /index.html HTTP/1.1"
keys q
expect "200x50: quit" "TUI-EXITED rc=0"

# ---- resize -----------------------------------------------------------------------
start rs 80 24 "$S/dns.pcap"
tmux resize-window -t "$CUR" -x 120 -y 40 2>/dev/null
sleep 0.5
expect "after resize to 120x40 the list is redrawn" "dns.pcap | 28 packets"
keys q

# ---- signals restore the terminal -----------------------------------------------
start sig 80 24 "$S/dns.pcap"
pid=$(tmux list-panes -t "$CUR" -F '#{pane_pid}')
tpid=$(pgrep -P "$pid" -f dissect-tui | head -1)
if [ -n "$tpid" ]; then
  kill -TERM "$tpid"
  expect "SIGTERM: program ends, shell back" "TUI-EXITED rc=143"
else
  ko "SIGTERM: could not find the process" "$(screen)"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
