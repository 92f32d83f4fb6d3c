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
expect "e expands all (the record under TLS too)" "^      Content Type: Handshake (22)"
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

# ---- hex pane, data sources, find -------------------------------------------
# frame 1: bytes 30..33 are the IPv4 destination address (14 Ethernet + 16)
start hex 80 24 "$S/https-tls12.pcap"
keys Tab Tab Down Down
expect "hex cursor on byte 0x20 selects ip.dst" "Destination Address: 127.0.0.1"
keys BTab BTab j j j j j j
# tshark: frame 7 holds [2 Reassembled TCP Segments (1803 bytes): #6(1331), #7(472)]
expect "frame 7 has two data sources" "Bytes: Frame (852 bytes)  \[source 1/2"
keys Tab Tab ']'
expect "] switches to the reassembled data (1803 bytes)" "(1803 bytes)  \[source 2/2"
keys BTab BTab g C-f
tmux send-keys -t "$CUR" -l "0xc02f"
keys Enter
# tshark -Y 'tls.handshake.ciphersuite == 0xc02f': frames 4 and 6
expect "find a field value: frame 4 (Client Hello offers 0xc02f)" 'found "0xc02f" in frame 4'
expect "find selects the field in the tree" "Cipher Suite: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (0xc02f)"
keys n
expect "n: next match is frame 6 (Server Hello)" 'found "0xc02f" in frame 6'
keys N
expect "N: back to frame 4" 'found "0xc02f" in frame 4'
keys C-f C-u
tmux send-keys -t "$CUR" -l "no-such-string-here"
keys Enter
expect "find: not found" '"no-such-string-here" not found'
keys q

# ---- mouse -------------------------------------------------------------------------
start mouse 80 24 "$S/https-tls12.pcap"
tmux send-keys -t "$CUR" -l $'\e[<0;5;6M'
tmux send-keys -t "$CUR" -l $'\e[<0;5;6m'
expect "click on the 4th list row selects frame 4" "Packet details: frame 4"
# at 80x24 the tree body starts on screen line 11 (1-based): its 5th line,
# line 15, is the TLS layer
tmux send-keys -t "$CUR" -l $'\e[<0;5;15M'
tmux send-keys -t "$CUR" -l $'\e[<0;5;15m'
expect "click on the TLS layer expands it" "^- Transport Layer Security"
keys q

# ---- connection ladder ---------------------------------------------------------------
# Steps from tshark's packet list of each capture; round trips counted by hand
# with the rule "a client->server step after a server reply starts one":
# TLS 1.2: SYN(1) ACK(2) ClientKeyExchange(3) three GETs (4,5,6) alert(7) FIN(8)
# TLS 1.3: SYN(1) ACK(2) client Finished(3) GET 2 and 3 (4,5) alert(6); the first
# GET rides with the Finished flight (New Session Tickets are not waited for).
start ladder12 80 24 "$S/https-tls12.pcap"
keys j j j l
expect "ladder: SYN" "| *-* SYN -*>|"
expect "ladder: SYN, ACK" "|<-* SYN, ACK -*|"
expect "ladder: Client Hello" "Client Hello"
expect "ladder: Server Hello from the server" "|<-* Server Hello -*|"
expect "ladder: Certificate" "Certificate"
expect "ladder: TLS 1.2 has 8 round trips" "8 round trips"
expect "ladder: Client Key Exchange starts RTT 3" "^RTT 3 .*Client Key Exchange"
expect "ladder: first Application Data in RTT 4" "^RTT 4 .*Application Data"
rtt12=$(count_lines "^RTT [0-9]")
keys g j j j Enter
expect "Enter on the Client Hello arrow jumps to frame 4" "Packet details: frame 4"
keys q
start ladder13 80 24 "$S/https-tls13.pcap"
keys l
expect "ladder 1.3: Client Hello" "Client Hello"
expect "ladder 1.3: Server Hello" "Server Hello"
expect "ladder 1.3: encrypted server flight" "Encrypted handshake (EncryptedExtensions"
expect "ladder 1.3: 6 round trips" "6 round trips"
expect "ladder 1.3: client Finished in RTT 3" "^RTT 3 .*Change Cipher Spec"
rtt13=$(count_lines "^RTT [0-9]")
if [ "$rtt12" -gt "$rtt13" ]; then ok "TLS 1.3 shows fewer RTT marks ($rtt13) than TLS 1.2 ($rtt12)"; else ko "RTT marks 1.2=$rtt12 1.3=$rtt13" "$(screen)"; fi
keys Escape
expect "Esc leaves the ladder" "Packet details"
keys q
# DNS lookup before the connection (sll-any.pcap: frames 1-2 DNS A www.example.test -> 127.0.0.1)
start ladderdns 80 24 "$S/sll-any.pcap"
keys G l
expect "ladder: DNS query of the server name" "DNS query A www.example.test"
expect "ladder: DNS response with the server address" "DNS response 127.0.0.1"
expect "ladder: HTTP request" "HTTP GET /index.html"
expect "ladder: HTTP response" "HTTP 200 OK"
keys q q

# ---- follow stream -----------------------------------------------------------------------
start follow 80 24 "$S/http.pcap"
keys f
expect "follow: the request" "^GET /index.html HTTP/1.1"
expect "follow: the response" "^HTTP/1.1 200 OK"
keys /
tmux send-keys -t "$CUR" -l "libdissect sample page"
keys Enter
expect "follow: / finds text in the stream" '"libdissect sample page" found'
keys h
expect "follow: h shows hex (GET = 47 45 54)" "^00000000  47 45 54 20"
keys q
expect "follow: q goes back" "Packet details"
keys q
# tshark: frame 4 tcp.len 172, one TLS record (Client Hello)
start follow12 80 24 "$S/https-tls12.pcap"
keys f
expect "follow TLS: records as labels" "\[TLS Handshake: Client Hello, 172 bytes\]"
expect "follow TLS: application data label" "\[TLS Application Data, "
keys q q

# ---- conversations ---------------------------------------------------------------------------
# tshark -z conv,tcp on http.pcap: 9 TCP conversations; tcp.stream == 0 has 10 frames
start conv 80 24 "$S/http.pcap"
keys c
expect "conversations: 9 flows" "Conversations: 9"
expect "conversations: the 76-frame flow" "60758 *127.0.0.1 *80 *76 *70893"
keys s
expect "s changes the sort column" "sorted by Duration"
keys S r
expect "r reverses" "sorted by Start (reversed)"
keys r g Enter
expect "Enter filters to the flow" "Filter: tcp.stream == 0"
expect "the flow has 10 packets" "displayed 10"
keys q

# ---- robustness: escaping, truncated and bad files ------------------------------------------
TMPD=$(mktemp -d)
trap 'cleanup; rm -rf "$TMPD"' EXIT
if command -v python3 >/dev/null; then
  python3 - "$TMPD/esc.pcap" <<'PY'
import struct, sys
payload = b"GET /\x1b[2J\x07evil HTTP/1.1\r\nHost: x\x1b]0;pwn\x07\r\n\r\n"
tcp = struct.pack('!HHIIBBHHH', 40000, 80, 1, 1, 5 << 4, 0x18, 65535, 0, 0)
ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp) + len(payload), 1, 0, 64, 6, 0,
                 bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
frame = b'\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\x08\x00' + ip + tcp + payload
with open(sys.argv[1], 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    f.write(struct.pack('<IIII', 1700000000, 0, len(frame), len(frame)) + frame)
PY
  start esc 80 24 "$TMPD/esc.pcap"
  keys f
  expect "control bytes from the packet are shown escaped" 'GET /\\x1b\[2J\\x07evil'
  keys q q
fi
head -c 3000 "$S/http.pcap" >"$TMPD/cut.pcap"
start cut 80 24 "$TMPD/cut.pcap"
expect "truncated file: message on screen" "cut short"
if command -v tshark >/dev/null; then
  n=$(tshark -r "$TMPD/cut.pcap" 2>/dev/null | wc -l)
  expect "truncated file: the $n complete frames are shown" "cut.pcap | $n packets"
fi
keys q
expect "truncated file: clean exit" "TUI-EXITED rc=0"
printf 'this is not a capture\n' >"$TMPD/text.pcap"
start notpcap 80 24 "$TMPD/text.pcap"
expect "not a capture: clear message" "not a pcap or pcapng capture"
expect "not a capture: exit 1" "TUI-EXITED rc=1"

# ---- -Y: open filtered --------------------------------------------------------------
# tshark -r dns.pcap -Y "dns.flags.response == 1": 14 responses
start yopt 80 24 -Y "dns.flags.response == 1" "$S/dns.pcap"
expect "-Y opens filtered" "Filter: dns.flags.response == 1"
expect "-Y: 14 of 28 displayed" "28 packets | displayed 14"
keys q
out=$("$TUI" -Y "dns.qry.nme" "$S/dns.pcap" 2>&1 </dev/null)
rc=$?
if [ $rc -ne 0 ] && grep -q 'unknown field "dns.qry.nme"' <<<"$out"; then ok "-Y with a bad filter: error, exit $rc"; else ko "-Y bad filter" "$out"; fi

# ---- a large capture: first screen at once, indexing in the background -------------------
if command -v python3 >/dev/null && [ -f "$SRC/bench/make-bench-capture.py" ]; then
  BIGD=$(mktemp -d)
  if python3 "$SRC/bench/make-bench-capture.py" "$BIGD/big.pcap" 300000 >/dev/null 2>&1; then
    start big1 80 24 "$BIGD/big.pcap"
    expect "large file: first rows at once" "^ *1 0\.000000 "
    expect "large file: progress bar while indexing" "indexing \[[#.]*\] [0-9]*%"
    keys G
    expect "large file: G goes to the last indexed row" "Packet details: frame [0-9]"
    if wait_for "big.pcap | 300000 packets" 120; then ok "large file: indexing completes (300000 packets)"; else ko "large file: indexing" "$(screen)"; fi
    keys G
    expect "large file: G reaches frame 300000" "Packet details: frame 300000"
    keys q
    expect "large file: quit" "TUI-EXITED rc=0"
  fi
  rm -rf "$BIGD"
fi

# ---- live capture (needs root or CAP_NET_RAW: skipped otherwise) ----------------------------
if [ "$(id -u)" = 0 ] && [ -e /sys/class/net/lo ]; then
  start live 80 24 -i lo -f "udp port 39999"
  for i in 1 2 3; do echo "live-$i" >/dev/udp/127.0.0.1/39999; sleep 0.2; done
  expect "live: packets appear while browsing" "lo | 3 packets | live"
  keys f
  expect "live: follow the UDP stream of the last packet" "^live-3"
  keys q q
  expect "live: quit" "TUI-EXITED rc=0"
else
  echo "skip - live capture (not root)"
fi

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
start sighup 80 24 "$S/dns.pcap"
pid=$(tmux list-panes -t "$CUR" -F '#{pane_pid}')
tpid=$(pgrep -P "$pid" -f dissect-tui | head -1)
[ -n "$tpid" ] && kill -HUP "$tpid"
expect "SIGHUP: program ends" "TUI-EXITED rc=129"
start ctrlc 80 24 "$S/dns.pcap"
keys C-c
expect "Ctrl-C (SIGINT): program ends, terminal restored" "TUI-EXITED rc=130"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
