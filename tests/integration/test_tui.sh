#!/usr/bin/env bash
# dissect-tui driven through tmux: send keys, capture the screen, assert on
# its text (and, with capture-pane -e, on its colours). Expected frame
# numbers and values come from tshark on the same samples (the tshark
# command is given next to each); a row's colours are those of the
# colouring rule tshark --color names for it, in Wireshark 4.0's
# colorfilters, mapped to the nearest xterm-256 colour by this script's own
# function (xterm256 below), not by reading the TUI's.
# Usage: test_tui.sh BIN_DIR SRC_DIR   (exit 77 = skipped: no tmux)
set -u
BIN=${1:?bin dir}
SRC=${2:?source dir}
TUI="$BIN/dissect-tui"
S="$SRC/samples"
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
[ -x "$TUI" ] || { echo "no $TUI"; exit 1; }
# the system python3 (Debian's) if there is one, as tests/integration/lib.sh
# takes it: a python3 found first in PATH may be a version manager's shim
# that costs half a second to start (the colour checks start it often)
if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=$(command -v python3 || true); fi
HAVE_PY=0
[ -n "$PY" ] && HAVE_PY=1

pass=0
fail=0
SESSIONS=()
PREFIX="dxtui$$"
TMPD=$(mktemp -d)
cleanup() {
  for s in "${SESSIONS[@]}"; do tmux kill-session -t "$s" 2>/dev/null; done
  rm -rf "$TMPD"
}
trap cleanup EXIT INT TERM
# the TUI's configuration directory: empty (Wireshark's default colouring
# rules) unless a test puts a colorfilters file there
TUI_XDG="$TMPD/config"
mkdir -p "$TUI_XDG"

ok() { pass=$((pass + 1)); echo "ok   - $1"; }
ko() {
  fail=$((fail + 1))
  echo "FAIL - $1"
  [ -n "${2:-}" ] && printf '%s\n' "---- screen ----" "$2" "----------------"
}
skip() { echo "skip - $1"; }

# start NAME W H ARGS...: runs dissect-tui in a new detached session; the
# shell prints a marker when it exits so we can tell it ended.
start() {
  local name="$PREFIX-$1" w=$2 h=$3
  shift 3
  SESSIONS+=("$name")
  local cmd="env TERM=${TUI_TERM:-xterm-256color} LANG=C.UTF-8 LC_ALL=C.UTF-8"
  cmd+=" XDG_CONFIG_HOME=$(printf '%q' "$TUI_XDG") HOME=$(printf '%q' "$TMPD") $TUI"
  for a in "$@"; do cmd+=" $(printf '%q' "$a")"; done
  tmux new-session -d -s "$name" -x "$w" -y "$h" "$cmd; echo \"TUI-EXITED rc=\$?\"; sleep 60"
  CUR=$name
  wait_for "Packet details\|TUI-EXITED" 15 >/dev/null
}
screen() { tmux capture-pane -p -t "$CUR"; }
# keys KEY...: sends them, then waits until the screen changes (the TUI has
# taken them), at most 0.25 s (some keys change nothing on the screen)
keys() {
  local before i
  before=$(screen)
  tmux send-keys -t "$CUR" "$@"
  for ((i = 0; i < 25; i++)); do
    [ "$(screen)" != "$before" ] && return 0
    sleep 0.01
  done
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
  if wait_for "$2" 10; then ok "$1"; else ko "$1" "$(screen)"; fi
}
expect_not() { # expect_not DESCRIPTION REGEX: gone from the screen (a loaded
  # machine may take a moment to redraw)
  sleep 0.2
  local sc i
  for ((i = 0; i < 50; i++)); do
    sc=$(screen)
    grep -q -- "$2" <<<"$sc" || break
    sleep 0.1
  done
  if grep -q -- "$2" <<<"$sc"; then ko "$1" "$sc"; else ok "$1"; fi
}
# count_lines REGEX: lines of the screen matching
count_lines() { screen | grep -c -- "$1"; }
tui_pid() { # the dissect-tui process of the current session
  local sh
  sh=$(tmux list-panes -t "$CUR" -F '#{pane_pid}')
  pgrep -P "$sh" -f dissect-tui | head -1
}
alt_screen() { tmux display -p -t "$CUR" '#{alternate_on}'; }

# colour REGEX: "fg bg rev" of the first screen line matching REGEX (a
# Python regex), read at its first non-blank character (tmux capture-pane -e gives the SGR sequences)
colour() {
  tmux capture-pane -p -e -t "$CUR" | "$PY" -c '
import re, sys
pat = re.compile(sys.argv[1])
fg, bg, rev = "def", "def", 0
sgr = re.compile(r"\x1b\[([0-9;:]*)m")
for line in sys.stdin.read().split("\n"):
    pos, text, first = 0, "", None
    while pos < len(line):
        m = sgr.match(line, pos)
        if m:
            ps = [p for p in m.group(1).replace(":", ";").split(";")] or ["0"]
            i = 0
            while i < len(ps):
                p = ps[i] or "0"
                if p == "0": fg, bg, rev = "def", "def", 0
                elif p == "7": rev = 1
                elif p == "27": rev = 0
                elif p == "39": fg = "def"
                elif p == "49": bg = "def"
                elif p in ("38", "48") and i + 2 < len(ps) and ps[i + 1] == "5":
                    if p == "38": fg = ps[i + 2]
                    else: bg = ps[i + 2]
                    i += 2
                elif 30 <= int(p) <= 37: fg = "c" + str(int(p) - 30)
                elif 40 <= int(p) <= 47: bg = "c" + str(int(p) - 40)
                i += 1
            pos = m.end()
            continue
        if first is None and line[pos] != " ":
            first = (fg, bg, rev)
        text += line[pos]
        pos += 1
    if first and pat.search(text):
        print(*first)
        break
' "$1"
}
# xterm256 R G B: the xterm-256 colour nearest (squared RGB distance) to a
# colour of a colorfilters file (16 bits a channel, Wireshark's 8-bit value
# times 257), from xterm's palette (256colres.pl: the 6x6x6 cube of levels
# 0, 95, 135, ..., 255 and the 24 greys 8, 18, ..., 238); ties to the lower
# index.
xterm256() {
  "$PY" -c '
import sys
rgb = [round(int(v) / 257) for v in sys.argv[1:4]]
levels = [0, 95, 135, 175, 215, 255]
pal = {16 + 36 * r + 6 * g + b: (levels[r], levels[g], levels[b])
       for r in range(6) for g in range(6) for b in range(6)}
pal.update({232 + i: (8 + 10 * i,) * 3 for i in range(24)})
print(min(pal, key=lambda k: (sum((p - q) ** 2 for p, q in zip(pal[k], rgb)), k)))
' "$@"
}
# Wireshark 4.0's default rules (its colorfilters file, also
# /usr/share/wireshark/colorfilters in Debian's wireshark-common) for the
# rules checked here: @name@filter@[background][foreground].
cat >"$TMPD/ws-rules" <<'EOF_RULES'
@Bad TCP@tcp.analysis.flags && !tcp.analysis.window_update && !tcp.analysis.keep_alive && !tcp.analysis.keep_alive_ack@[4718,10030,11796][63479,34695,34695]
@ICMP errors@icmp.type in { 3..5, 11 } || icmpv6.type in { 1..4 }@[4718,10030,11796][47031,63479,29812]
@ICMP@icmp || icmpv6@[64764,57568,65535][4718,10030,11796]
@TCP RST@tcp.flags.reset eq 1@[42148,0,0][65535,64764,40092]
@HTTP@http || tcp.port == 80 || http2@[58596,65535,51143][4718,10030,11796]
@TCP SYN/FIN@tcp.flags & 0x02 || tcp.flags.fin == 1@[41026,41026,41026][4718,10030,11796]
@TCP@tcp@[59345,58980,65535][4718,10030,11796]
@UDP@udp@[56026,61166,65535][4718,10030,11796]
EOF_RULES
# rule_colour NAME [FILE]: "FG BG 0" as the list should draw a row of rule
# NAME of FILE (default: the rules above)
rule_colour() {
  local line c
  line=$(grep -F "@$1@" "${2:-$TMPD/ws-rules}" | head -1)
  c=$(sed -E 's/.*@\[([0-9]+),([0-9]+),([0-9]+)\]\[([0-9]+),([0-9]+),([0-9]+)\][[:space:]]*$/\1 \2 \3 \4 \5 \6/' <<<"$line")
  set -- $c
  echo "$(xterm256 "$4" "$5" "$6") $(xterm256 "$1" "$2" "$3") 0"
}
# tshark_rule FILE FRAME: the colouring rule tshark --color names for a frame
# (one tshark run per file, kept for its other frames: every frame is
# dissected, with or without -Y, so a frame's rule is the same)
tshark_rule() {
  local out="$TMPD/rules${1//\//_}"
  [ -f "$out" ] || tshark -r "$1" --color -T fields -e frame.number -e frame.coloring_rule.name >"$out" 2>/dev/null
  awk -F'\t' -v n="$2" '$1 == n { print $2 }' "$out"
}
# expect_rule DESCRIPTION REGEX RULE [FILE FRAME]: the row drawn in RULE's
# colours; with FILE and FRAME, and tshark installed, tshark names RULE too
expect_rule() {
  if [ -n "${4:-}" ] && command -v tshark >/dev/null 2>&1; then
    local tr
    tr=$(tshark_rule "$4" "$5")
    [ "$tr" = "$3" ] || ko "$1: tshark --color names rule '$tr' for frame $5, not '$3'"
  fi
  expect_colour "$1 (rule $3)" "$2" "$(rule_colour "$3")"
}
expect_colour() { # expect_colour DESCRIPTION REGEX "FG BG REV": polls, as expect
  local got i
  for ((i = 0; i < 50; i++)); do
    got=$(colour "$2")
    [ "$got" = "$3" ] && break
    sleep 0.1
  done
  if [ "$got" = "$3" ]; then ok "$1"; else ko "$1 (got '$got', want '$3')" "$(screen)"; fi
}

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

# ---- the same walk through every view at 80x24 and at 200x50 -----------------
# tshark -r https-tls12.pcap: 21 frames; frame 1 a SYN 42014 -> 443 of 74
# bytes; -Y "tls.handshake.type == 1": frame 4 only.
for size in "80 24" "200 50"; do
  set -- $size
  W=$1 H=$2
  T="${W}x${H}:"
  start "walk$W" "$W" "$H" "$S/https-tls12.pcap"
  expect "$T list header" "No\. *Time *Source *Destination *Protocol *Length *Info"
  expect "$T frame 1 row" "^ *1 0\.000000 *127\.0\.0\.1 *127\.0\.0\.1 *TCP *74 42014 → 443 \[SYN"
  expect "$T status line: file, 21 packets" "https-tls12.pcap | 21 packets"
  expect "$T tree pane" "Packet details: frame 1"
  expect "$T hex pane" "Bytes: Frame (74 bytes)"
  [ "$(alt_screen)" = 1 ] && ok "$T in the alternate screen while running" || ko "$T alternate screen" "$(screen)"
  keys j j j
  expect "$T j j j moves to frame 4" "Packet details: frame 4"
  keys Tab G Enter
  expect "$T Tab, G, Enter: TLS layer expanded" "Handshake Protocol: Client Hello\|TLSv1.2 Record Layer: Handshake Protocol"
  keys BTab
  keys / "tls.handshake.type == 1" Enter
  expect "$T filter: displayed 1" "21 packets | displayed 1"
  expect "$T filter: frame 4 row" "^ *4 .*Client Hello"
  keys / C-u Enter
  expect "$T filter cleared" "(none: press / to filter)"
  keys f
  expect "$T follow: TLS record labels" "\[TLS Handshake: Client Hello, 172 bytes\]"
  keys Escape
  expect "$T follow: Esc back" "Packet details"
  keys l
  expect "$T ladder: Client Hello arrow" "|-* Client Hello -*>|"
  keys Escape
  expect "$T ladder: Esc back" "Packet details"
  keys c
  expect "$T conversations" "Conversations: 1 "
  keys Escape '?'
  expect "$T help" "dissect-tui keys"
  keys Escape q
  expect "$T q quits" "TUI-EXITED rc=0"
  [ "$(alt_screen)" = 0 ] && ok "$T terminal restored (alternate screen left)" || ko "$T alternate screen after quit" "$(screen)"
done

# ---- three panes at 80x24 --------------------------------------------------
start list 80 24 "$S/https-tls12.pcap"
expect "hex pane: first line" "^0000  00 00 00 00 00 00 00 00  00 00 00 00 08 00 45 00"
keys j j j
expect "frame 4 is a Client Hello" "^ *4 .*Client Hello"
keys G
expect "G goes to the last frame (21)" "Packet details: frame 21"
keys g
expect "g goes back to frame 1" "Packet details: frame 1"
keys j j j Tab
expect "Tab focuses the tree" "=> Packet details: frame 4"
keys G Enter j
expect "Enter expands the last layer (TLS)" "Handshake Protocol: Client Hello"
keys Space
expect "Space expands the record" "^  - TLSv1[.0-9]* Record Layer: Handshake Protocol: Client Hello"
keys j
expect "the record's fields are shown" "^      Content Type: Handshake (22)"
keys k Space
expect "Space collapses it" "^  + TLSv1[.0-9]* Record Layer"
expect_not "its fields are hidden" "Content Type: Handshake (22)"
keys E
expect_not "E collapses all" "Handshake Protocol: Client Hello"
keys e j j
expect "e expands all (the record under TLS too)" "^      Content Type: Handshake (22)"
keys Tab
expect "Tab focuses the hex pane" "=> Bytes: Frame (238 bytes)"
keys BTab BTab
expect "Shift-Tab goes back to the list" "No\. .*Info"
keys q

# PgDn/PgUp in the list (http.pcap: 185 frames, more than a page)
start page 80 24 "$S/http.pcap"
keys PageDown
expect_not "PgDn leaves frame 1" "Packet details: frame 1$"
keys PageDown
expect_not "PgDn twice: frame 1 scrolled out of the list" "^ *1 0\.000000 "
keys PageUp PageUp
expect "PgUp twice comes back to frame 1" "Packet details: frame 1$"
keys q

# ---- colours: Wireshark's default colouring rules ----------------------------------
# misc.pcap (tshark): 35 SYN to port 9, 36 RST, 24 HTTP GET, 31 DNS query,
# 1 ICMP echo request, 38 ICMP port unreachable; https-tls12.pcap: 6 TLS
# Server Hello, 19 FIN; tcp-anomalies.pcap: 34 "Previous segment not
# captured". The selected row is shown reversed. Each row's rule is the one
# tshark --color names for that frame (checked when tshark is installed).
if [ $HAVE_PY = 1 ]; then
  start colours 200 50 "$S/misc.pcap"
  keys G
  expect_colour "selected row is reversed" "^ *38 " "def def 1"
  keys k
  expect_rule "ICMP errors: light green on black" "^ *38 .*Destination unreachable" "ICMP errors" "$S/misc.pcap" 38
  expect_rule "TCP RST: pale yellow on red" "^ *36 .*RST" "TCP RST" "$S/misc.pcap" 36
  expect_rule "TCP SYN: grey" "^ *35 .*\[SYN\]" "TCP SYN/FIN" "$S/misc.pcap" 35
  expect_rule "DNS (UDP rule): light blue" "^ *31 .*Standard query" "UDP" "$S/misc.pcap" 31
  expect_rule "HTTP: light green" "^ *24 .*GET /index.html" "HTTP" "$S/misc.pcap" 24
  keys g j
  expect_rule "ICMP: pink" "^ *1 .*Echo \\(ping\\) request" "ICMP" "$S/misc.pcap" 1
  keys q
  start colours2 200 50 "$S/https-tls12.pcap"
  keys G
  expect_rule "TLS (TCP rule): light purple" "^ *6 .*Server Hello" "TCP" "$S/https-tls12.pcap" 6
  expect_rule "TCP FIN: grey" "^ *19 .*\[FIN, ACK\]" "TCP SYN/FIN" "$S/https-tls12.pcap" 19
  keys q
  start colours3 200 50 "$S/tcp-anomalies.pcap"
  keys /
  tmux send-keys -t "$CUR" -l "frame.number >= 33"
  keys Enter
  expect "filtered from frame 33" "Filter: frame.number >= 33"
  expect_rule "Bad TCP: red on black" "^ *34 .*Previous segment not captured" "Bad TCP" "$S/tcp-anomalies.pcap" 34
  keys q
else
  skip "colours (no python3)"
fi

# ---- expert notes in the tree -----------------------------------------------------
# tshark -V, frame 2 of https-tls12.pcap: "[Expert Info (Chat/Sequence):
# Connection establish acknowledge (SYN+ACK): server port 443]"
start expert 200 50 "$S/https-tls12.pcap"
keys C-f
tmux send-keys -t "$CUR" -l "Connection establish acknowledge"
keys Enter
expect "find selects the expert note of frame 2" "Packet details: frame 2"
expect "expert note labelled as in Wireshark" "\[Expert Info (Chat): Connection establish acknowledge (SYN+ACK): server port 443\]"
if [ $HAVE_PY = 1 ]; then
  keys Tab k
  expect_colour "expert note (chat) highlighted" "\\[Expert Info \\(Chat\\): Connection establish acknowledge" "16 111 0"
fi
keys Tab j j j
expect "the TCP flags string is shown as text (tshark: ·······A··S·)" "\[TCP Flags: ·······A··S·\]"
keys q

# ---- pcapng packet comments in the tree ----------------------------------------
# a copy of http.pcapng commented by editcap (Wireshark's tool); tshark -V
# of frame 3 begins "Packet comments" / "    third, on the same frame"
# (editcap -a twice on one frame keeps the last)
if command -v editcap >/dev/null 2>&1; then
  editcap -a "3:second comment" -a "3:third, on the same frame" "$S/http.pcapng" \
    "$TMPD/comments.pcapng" >/dev/null 2>&1
  start comments 160 50 "$TMPD/comments.pcapng"
  keys g j j
  expect "frame 3 selected" "Packet details: frame 3"
  expect "a Packet comments layer before the frame, as tshark -V" "^+ Packet comments"
  keys Tab g Right
  expect "its comment under it" "^  + third, on the same frame"
  keys q
  start comments2 160 50 "$TMPD/comments.pcapng"
  keys g j j j
  expect "frame 4 selected" "Packet details: frame 4"
  expect_not "frame 4 has none" "Packet comments"
  keys q
else
  skip "packet comments (no editcap)"
fi

# ---- ${field} in a filter reads the selected packet (as Wireshark) ---------------
# frame 14 of http.pcap asks for /large.txt; tshark -r http.pcap -Y
# 'http.request.uri == "/large.txt"' gives frames 14 and 179
start fieldref 160 50 "$S/http.pcap"
keys g
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13; do tmux send-keys -t "$CUR" j; done
expect "frame 14 selected" "Packet details: frame 14"
keys /
tmux send-keys -t "$CUR" -l 'http.request.uri == ${http.request.uri}'
keys Enter
expect "the filter is applied" "^Filter: http.request.uri == \${http.request.uri}"
expect "frame 179 (the same URI, a HEAD) shown" "^ *179 .*HEAD /large.txt"
rows=$(screen | grep -cE '^ *[0-9]+ [0-9]+\.[0-9]{6} ')
if [ "$rows" = 2 ]; then ok "two rows, as tshark's 14 and 179"; else ko "two rows, as tshark's 14 and 179" "$(screen)"; fi
keys q
# frame 1 (SYN to port 80, 74 bytes); tshark -Y 'frame.len == 74 && tcp.dstport == 80':
# 1 11 87 101 129 139 149 166 176
start fieldref2 160 50 "$S/http.pcap"
keys g /
tmux send-keys -t "$CUR" -l 'frame.len == ${frame.len} && tcp.dstport == ${tcp.dstport}'
keys Enter
expect "the last SYN (176) shown" "^ *176 .*\[SYN\]"
got=$(screen | grep -oE '^ *[0-9]+ [0-9]+\.[0-9]{6} ' | awk '{print $1}' | tr '\n' ' ')
if [ "$got" = "1 11 87 101 129 139 149 166 176 " ]; then ok "the rows tshark gives for frame 1's values"; else
  ko "the rows tshark gives for frame 1's values (got: $got)" "$(screen)"; fi
keys q

# ---- layer roles in the tree -----------------------------------------------------
# the roles the articles on HTTPS name (Link/frame, Network/packet, Transport/segment,
# Security/record) at the right end of each protocol's row; frame 7 of https-tls12.pcap
# is Ethernet, IPv4, TCP and two TLS records (tshark -r https-tls12.pcap -V, frame 7)
start roles 200 50 "$S/https-tls12.pcap"
keys j j j j j j
expect "frame 7 in the tree" "Packet details: frame 7"
expect "the Ethernet row names its layer role" "Ethernet II, .* Link layer: frame *$"
expect "the IPv4 row names its layer role" "Internet Protocol Version 4, .* Network layer: packet *$"
expect "the TCP row names its layer role" "Transmission Control Protocol, Src Port: 443, .* Transport layer: segment *$"
expect "the TLS rows name their layer role" "Transport Layer Security .* Security layer: record *$"
expect_not "the Frame row has no layer role" "Frame 7: .* layer: "
keys q

# ---- display filter ---------------------------------------------------------
start filter 80 24 "$S/https-tls12.pcap"
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
expect "bad filter: error inline as you type" 'tcp.flgs is neither a field'
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
# every key of the issue is in the help (200x50 shows it whole)
start help 200 50 "$S/dns.pcap"
keys '?'
wait_for "dissect-tui keys" 10 >/dev/null
sc=$(screen)
missing=""
for k in "Up/Down j/k" "PgUp/PgDn" "g / G" "Enter, Space" "  /  " "n / N" "  f  " "  c  " "  l  " "Esc" "  q  " "Tab, S-Tab" "e / E" "\[ / \]" "mouse"; do
  grep -q -- "$k" <<<"$sc" || missing+=" [$k]"
done
if [ -z "$missing" ]; then ok "help lists every key"; else ko "help misses:$missing" "$sc"; fi
keys q q

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
tmux send-keys -t "$CUR" -l $'\e[<0;5;15M'
tmux send-keys -t "$CUR" -l $'\e[<0;5;15m'
expect "a second click collapses it" "^+ Transport Layer Security"
keys q

# ---- connection ladder ---------------------------------------------------------------
# Steps from tshark's packet list of each capture; round trips counted by hand
# with the rule "a client->server step after a server reply starts one":
# TLS 1.2: SYN(1) ACK(2) ClientKeyExchange(3) three GETs (4,5,6) alert(7) FIN(8)
# TLS 1.3: SYN(1) ACK(2) client Finished(3) GET 2 and 3 (4,5) alert(6); the first
# GET rides with the Finished flight (New Session Tickets are not waited for).
# So the TLS 1.2 handshake takes 2 round trips and TLS 1.3 one (RFC 8446 2).
start ladder12 80 24 "$S/https-tls12.pcap"
keys j j j l
expect "ladder: SYN" "| *-* SYN -*>|"
expect "ladder: SYN, ACK" "|<-* SYN, ACK -*|"
expect "ladder: Client Hello" "Client Hello"
expect "ladder: Server Hello from the server" "|<-* Server Hello -*|"
expect "ladder: Certificate" "|<-* Certificate -*|"
expect "ladder: Server Key Exchange" "|<-* Server Key Exchange -*|"
expect "ladder: Server Hello Done" "|<-* Server Hello Done -*|"
expect "ladder: Change Cipher Spec from the client (frame 10)" "|-* Change Cipher Spec -*>| #10"
expect "ladder: Finished from the server (frame 11)" "|<-* Finished (encrypted) -*| #11"
expect "ladder: time since the first step on each arrow (frame 4: 0.002910)" "0\.002910 *|.*Client Hello"
expect "ladder: TLS 1.2 has 8 round trips" "8 round trips"
expect "ladder: Client Key Exchange starts RTT 3" "^RTT 3 .*Client Key Exchange"
expect "ladder: first Application Data in RTT 4" "^RTT 4 .*Application Data"
expect "ladder: TLS 1.2 handshake takes 2 round trips" "TLS 1.2 handshake: 2 round trips, first request in RTT 4"
keys G
expect "ladder: FIN from the server (frame 19, after scrolling)" "|<-* FIN -*| #19"
rtt12=$(count_lines "^RTT [0-9]")
keys g j j j Enter
expect "Enter on the Client Hello arrow jumps to frame 4" "Packet details: frame 4"
keys q
start ladder13 80 24 "$S/https-tls13.pcap"
keys l
expect "ladder 1.3: Client Hello" "Client Hello"
expect "ladder 1.3: Server Hello" "Server Hello"
expect "ladder 1.3: encrypted server flight, whole at 80 columns" "|<-* Encrypted flight (Certificate, \.\.\., Finished) -*| #6"
expect "ladder 1.3: encrypted client Finished" "|-* Finished (encrypted) -*>| #10"
expect "ladder 1.3: 6 round trips" "6 round trips"
expect "ladder 1.3: client Finished in RTT 3" "^RTT 3 .*Change Cipher Spec"
expect "ladder 1.3: handshake takes 1 round trip" "TLS 1.3 handshake: 1 round trip, first request in RTT 3"
rtt13=$(count_lines "^RTT [0-9]")
if [ "$rtt12" -gt "$rtt13" ]; then ok "TLS 1.3 shows fewer RTT marks ($rtt13) than TLS 1.2 ($rtt12)"; else ko "RTT marks 1.2=$rtt12 1.3=$rtt13" "$(screen)"; fi
keys Escape
expect "Esc leaves the ladder" "Packet details"
keys q
# DNS lookup before the connection (sll-any.pcap: frames 1-2 DNS A www.example.test -> 127.0.0.1)
start ladderdns 80 24 "$S/sll-any.pcap"
keys G l
expect "ladder: DNS query of the server name" "DNS query A www.example.test .*| #1"
expect "ladder: DNS response with the server address" "DNS response 127.0.0.1 .*| #2"
expect "ladder: HTTP request" "|-* GET /index.html -*>| #6"
expect "ladder: HTTP response" "|<-* 200 OK -*| #8"
keys q q
# The lookup must come before the connection in time, and name the server:
# dns.pcap (28 frames) then https-tls12.pcap (SNI www.example.test) with its
# SYN 0.5 s after the first DNS query, so DNS frames 13..28 are later in time.
if [ $HAVE_PY = 1 ]; then
  "$PY" - "$S/dns.pcap" "$S/https-tls12.pcap" "$TMPD/dnsconn.pcap" <<'PY'
import struct, sys
def recs(p):
    d = open(p, 'rb').read()
    nano = struct.unpack('<I', d[:4])[0] == 0xa1b23c4d
    off, out = 24, []
    while off + 16 <= len(d):
        s, f, il, ol = struct.unpack('<IIII', d[off:off + 16])
        out.append((s + f / (1e9 if nano else 1e6), d[off + 16:off + 16 + il], ol))
        off += 16 + il
    return out
a, b = recs(sys.argv[1]), recs(sys.argv[2])
t0 = a[0][0]
with open(sys.argv[3], 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
    for ts, fr, ol in a + [(t0 + 0.5 + (t - b[0][0]), fr, ol) for t, fr, ol in b]:
        us = round(ts * 1e6)
        f.write(struct.pack('<IIII', us // 1000000, us % 1000000, len(fr), ol) + fr)
PY
  # tshark -r dnsconn.pcap -Y 'dns.flags.response == 1 && dns.qry.name == "www.example.test"
  #   && dns.a == 127.0.0.1 && frame.time_relative < 0.5': frame 2 (query 1)
  start ladderdns2 80 24 "$TMPD/dnsconn.pcap"
  keys G l g
  expect "ladder: the lookup before the SYN in time (query #1)" "DNS query A www.example.test .*| #1"
  expect "ladder: its response (#2, not the later #26)" "DNS response 127.0.0.1 .*| #2"
  expect_not "ladder: no step has a negative time" "^[RT0-9 ]*  -[0-9]"
  keys q q
fi

# ---- follow stream -----------------------------------------------------------------------
start follow 80 24 "$S/http.pcap"
keys f
expect "follow: the request" "^GET /index.html HTTP/1.1"
expect "follow: the response" "^HTTP/1.1 200 OK"
if [ $HAVE_PY = 1 ]; then
  c=$(colour "^GET /index.html HTTP/1.1")
  s=$(colour "^HTTP/1.1 200 OK")
  if [ -n "$c" ] && [ "$c" != "$s" ]; then ok "follow: client and server in different colours ($c / $s)"; else ko "follow colours '$c' '$s'" "$(screen)"; fi
fi
keys /
tmux send-keys -t "$CUR" -l "libdissect sample page"
keys Enter
expect "follow: / finds text in the stream" '"libdissect sample page" found'
keys h
expect "follow: h shows hex (GET = 47 45 54)" "^00000000  47 45 54 20"
keys h
expect "follow: h again: back to ASCII" "^GET /index.html HTTP/1.1"
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
# tshark -z conv,tcp on http.pcap: 9 TCP conversations; the one from port
# 60758 has 76 frames and 70893 bytes; tcp.stream == 0 has 10 frames
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
# UDP flows too: tshark -z conv,udp on dns.pcap: 14 conversations
start convudp 80 24 "$S/dns.pcap"
keys c
expect "conversations: 14 UDP flows" "Conversations: 14"
expect "conversations: UDP rows" "^UDP  *127.0.0.1"
keys q q

# ---- robustness: escaping, truncated and bad files ------------------------------------------
if [ $HAVE_PY = 1 ]; then
  "$PY" - "$TMPD/esc.pcap" "$TMPD/bad.pcap" <<'PY'
import struct, sys
def frame(proto, sport, dport, payload):
    if proto == 6:
        l4 = struct.pack('!HHIIBBHHH', sport, dport, 1, 1, 5 << 4, 0x18, 65535, 0, 0)
    else:
        l4 = struct.pack('!HHHH', sport, dport, 8 + len(payload), 0)
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(l4) + len(payload), 1, 0, 64, proto, 0,
                     bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    return b'\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\x08\x00' + ip + l4 + payload
def write(path, frames):
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack('<IIII', 1700000000, i, len(fr), len(fr)) + fr)
# terminal escapes in an HTTP request line and header, and in a DNS name
q = struct.pack('!HHHHHH', 0x1234, 0x0100, 1, 0, 0, 0) + b"\x09ev\x1b[2Jil\x07\x04test\x00\x00\x01\x00\x01"
write(sys.argv[1], [frame(6, 40000, 80,
      b"GET /\x1b[2J\x07evil HTTP/1.1\r\nHost: x\x1b]0;pwn\x07\r\n\r\n"),
      frame(17, 40002, 53, q)])
# a DNS message of 5 bytes (tshark: [Malformed Packet]) after a good UDP one
write(sys.argv[2], [frame(17, 40001, 9999, b"hello"), frame(17, 40001, 53, b"\x12\x34\x01\x00\x00")])
PY
  start esc 200 50 "$TMPD/esc.pcap"
  # tshark: frame 2 "Standard query 0x1234 A ev\033[2Jil\a.test"
  expect "list: control bytes from the packet are shown escaped" '^ *2 .*Standard query 0x1234 A ev\\033\[2Jil\\a\.test'
  # the DNS layer, then its Queries: the name as in tshark -V, escaped
  keys j Tab G Enter G Enter
  expect "tree: the DNS name escaped" 'ev\\033\[2Jil\\a\.test: type A, class IN'
  keys BTab g f
  expect "follow: control bytes shown escaped" 'GET /\\033\[2J\\aevil'
  title=$(tmux display -p -t "$CUR" '#{pane_title}')
  if [ "$title" != "pwn" ]; then ok "the packet could not set the terminal title"; else ko "title set by packet data"; fi
  keys q q
  start bad 200 50 "$TMPD/bad.pcap"
  # Wireshark's default rules have none for a malformed packet: the DNS
  # message over UDP takes the UDP rule (tshark --color names it)
  expect_rule "malformed packet: as Wireshark, the first rule that matches" "^ *2 .*DNS" "UDP" "$TMPD/bad.pcap" 2
  keys C-f
  tmux send-keys -t "$CUR" -l "Exception"
  keys Enter
  # (a 5-byte message: tshark's exception, "[Malformed Packet: DNS]")
  expect "malformed DNS (tshark: [Malformed Packet]): an error in the tree" "\[Expert Info (Error): Malformed Packet (Exception occurred)"
  if [ $HAVE_PY = 1 ]; then
    keys Tab k
    expect_colour "expert error highlighted" "\\[Expert Info \\(Error\\): Malformed" "16 203 0"
  fi
  keys q

  # ---- the user's colouring rules (Wireshark's colorfilters format) ----
  # first a disabled rule that would match both frames, then rules naming
  # fields libdissect does not have (they never match and break nothing),
  # then malformed packets in white on red, then UDP in yellow on blue
  cat >"$TMPD/user.cf" <<'EOF_CF'
# This file was created by Wireshark. Edit with care.
!@Disabled: all UDP@udp@[0,65535,0][0,0,0]
@Unknown fields@hsrp.state != 8 || nosuch.field == 3 || sctp.chunk_type eq ABORT || smb@[0,65535,0][0,0,0]
@Malformed@_ws.malformed@[65535,0,0][65535,65535,65535]
@UDP@udp@[0,0,65535][65535,65535,0]
EOF_CF
  start usercf 200 50 --colorfilters "$TMPD/user.cf" "$TMPD/bad.pcap"
  expect "--colorfilters: the list is shown" "^ *2 .*DNS"
  expect_colour "--colorfilters: a malformed packet takes the user's Malformed rule" "^ *2 .*DNS" "$(rule_colour Malformed "$TMPD/user.cf")"
  keys j # frame 1, selected, is drawn reversed
  expect_colour "--colorfilters: the disabled rule is skipped, UDP takes the user's UDP rule" "^ *1 .*9999" "$(rule_colour UDP "$TMPD/user.cf")"
  keys q
  # on a terminal of 8 colours (TERM=xterm) each colour is drawn as the
  # basic one of its hue: the Malformed rule's red background (65535,0,0)
  # as red (1) under white (7) text; UDP's blue background (0,0,65535) as
  # blue (4) under yellow (65535,65535,0: 3) text
  TUI_TERM=xterm start usercf8 200 50 --colorfilters "$TMPD/user.cf" "$TMPD/bad.pcap"
  expect_colour "8 colours: the Malformed rule as white on red" "^ *2 .*DNS" "c7 c1 0"
  keys j
  expect_colour "8 colours: the UDP rule as yellow on blue" "^ *1 .*9999" "c3 c4 0"
  keys q
  # the same file as the user's configuration ($XDG_CONFIG_HOME/dissect/colorfilters)
  mkdir -p "$TMPD/xdg/dissect"
  cp "$TMPD/user.cf" "$TMPD/xdg/dissect/colorfilters"
  TUI_XDG="$TMPD/xdg"
  start xdgcf 200 50 "$TMPD/bad.pcap"
  expect_colour "\$XDG_CONFIG_HOME/dissect/colorfilters is read" "^ *2 .*DNS" "$(rule_colour Malformed "$TMPD/user.cf")"
  keys q
  # --colorfilters wins over it
  printf '@Everything@frame@[65535,65535,0][0,0,0]' >"$TMPD/every.cf" # no newline at the end
  start xdgcf2 200 50 --colorfilters "$TMPD/every.cf" "$TMPD/bad.pcap"
  expect_colour "--colorfilters wins over the user's file" "^ *2 .*DNS" "$(rule_colour Everything "$TMPD/every.cf")"
  keys q
  TUI_XDG="$TMPD/config"
fi
# a user's rule naming fields dissect does not know (a misspelling, or a
# protocol it lacks) is said, not silently never true (Wireshark says so of
# a rule it cannot compile); Wireshark's default rules, built in, say nothing
printf '@UDP@udp@[1,2,3][4,5,6]\n@Typo@tcp.prot == 80 || udp@[1,2,3][4,5,6]\n@X@hsrp@[1,2,3][4,5,6]\n' >"$TMPD/typo.cf"
out=$(XDG_CONFIG_HOME="$TMPD/config" "$TUI" --colorfilters "$TMPD/typo.cf" --print-colors "$S/dns.pcap" 2>&1 >/dev/null </dev/null)
rc=$?
if [ $rc -eq 0 ] && grep -qF "$TMPD/typo.cf: rule \"Typo\" names \"tcp.prot\", no field dissect knows (those tests are false); other rules name such fields too" <<<"$out"; then
  ok "unknown field in a user's rule: a warning names the rule and the field"
else
  ko "unknown field in a user's rule (rc $rc)" "$out"
fi
out=$(XDG_CONFIG_HOME="$TMPD/config" "$TUI" --print-colors "$S/dns.pcap" 2>&1 >/dev/null </dev/null)
if [ -z "$out" ]; then
  ok "the built-in default rules: no warning"
else
  ko "the built-in default rules warn" "$out"
fi
# a colorfilters file that is not one: an error naming the file and the
# line, exit 1, before any screen
printf '# comment\n@UDP@udp@[1,2,3][4,5,6]\n@Bad@udp@[1,2,3]\n' >"$TMPD/bad.cf"
out=$(XDG_CONFIG_HOME="$TMPD/config" "$TUI" --colorfilters "$TMPD/bad.cf" "$S/dns.pcap" 2>&1 </dev/null)
rc=$?
if [ $rc -ne 0 ] && grep -qF "$TMPD/bad.cf: line 3: the colours must be" <<<"$out"; then
  ok "bad colorfilters file: error names the file and line 3, exit $rc"
else
  ko "bad colorfilters file (rc $rc)" "$out"
fi
out=$("$TUI" --colorfilters "$TMPD/no-such.cf" "$S/dns.pcap" 2>&1 </dev/null)
rc=$?
if [ $rc -ne 0 ] && grep -qF "$TMPD/no-such.cf: No such file" <<<"$out"; then
  ok "missing colorfilters file: error names it, exit $rc"
else
  ko "missing colorfilters file (rc $rc)" "$out"
fi
# a bad user's file is reported the same way
mkdir -p "$TMPD/badxdg/dissect"
cp "$TMPD/bad.cf" "$TMPD/badxdg/dissect/colorfilters"
out=$(XDG_CONFIG_HOME="$TMPD/badxdg" "$TUI" "$S/dns.pcap" 2>&1 </dev/null)
rc=$?
if [ $rc -ne 0 ] && grep -qF "$TMPD/badxdg/dissect/colorfilters: line 3:" <<<"$out"; then
  ok "bad user's colorfilters file: error names it, exit $rc"
else
  ko "bad user's colorfilters file (rc $rc)" "$out"
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
# a record header with an impossible length in the middle of the file
if [ $HAVE_PY = 1 ]; then
  "$PY" - "$S/http.pcap" "$TMPD/badrec.pcap" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
off = 24
for _ in range(5):  # skip 5 records
    off += 16 + struct.unpack('<I', d[off + 8:off + 12])[0]
d[off + 8:off + 12] = struct.pack('<I', 0x7fffffff)
open(sys.argv[2], 'wb').write(d)
PY
  start badrec 80 24 "$TMPD/badrec.pcap"
  expect "corrupt record: the 5 good frames are shown" "badrec.pcap | 5 packets"
  sc=$(screen)
  if grep -q "badrec.pcap | 5 packets | ." <<<"$sc" && ! grep -q "TUI-EXITED" <<<"$sc"; then ok "corrupt record: message on the status line, still running"; else ko "corrupt record message" "$sc"; fi
  keys q
  expect "corrupt record: clean exit" "TUI-EXITED rc=0"
fi
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
if [ $rc -ne 0 ] && grep -q 'dns.qry.nme is neither a field' <<<"$out"; then ok "-Y with a bad filter: error, exit $rc"; else ko "-Y bad filter" "$out"; fi

# ---- a large capture: first screen at once, indexing in the background -------------------
# 200,000 packets (about 110 MB): the first screen must show within 2 s while
# the progress bar still shows indexing; keys answer at once during the scan;
# once indexed, memory is the small per-packet index only (the scanner's
# dissection state is freed): RSS grows by less than 160 bytes per packet
# over the same program on a small file.
NBIG=200000
if [ $HAVE_PY = 1 ] && [ -f "$SRC/bench/make-bench-capture.py" ] &&
  "$PY" "$SRC/bench/make-bench-capture.py" "$TMPD/big.pcap" $NBIG >/dev/null 2>&1; then
  start small 80 24 "$S/dns.pcap"
  sleep 0.5
  rss_small=$(ps -o rss= -p "$(tui_pid)" | tr -d ' ')
  keys q
  name="$PREFIX-big1"
  SESSIONS+=("$name")
  CUR=$name
  t0=$(date +%s%N)
  tmux new-session -d -s "$name" -x 80 -y 24 \
    "env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 $TUI $(printf '%q' "$TMPD/big.pcap"); echo \"TUI-EXITED rc=\$?\"; sleep 60"
  first=""
  for ((i = 0; i < 200; i++)); do
    sc=$(screen)
    if grep -q "^ *1 0\.000000 " <<<"$sc"; then
      first=$((($(date +%s%N) - t0) / 1000000))
      break
    fi
    sleep 0.02
  done
  if [ -n "$first" ] && [ "$first" -le 2000 ]; then ok "large file: first screen after ${first} ms"; else ko "large file: first screen after ${first:-more than 4000} ms" "$sc"; fi
  # (the capture that showed row 1 may have caught the screen half drawn:
  # the status line comes with the same refresh, so look again briefly)
  for ((j = 0; j < 10; j++)); do
    grep -q "indexing \[[#.]*\] [0-9]*%" <<<"$sc" && break
    sleep 0.02
    sc=$(screen)
  done
  if grep -q "indexing \[[#.]*\] [0-9]*%" <<<"$sc"; then ok "large file: the progress bar shows indexing on the first screen"; else ko "large file: progress bar" "$sc"; fi
  # G while indexing: the last row indexed so far is selected at once
  t0=$(date +%s%N)
  tmux send-keys -t "$CUR" G
  gms=""
  for ((i = 0; i < 100; i++)); do
    sc=$(screen)
    if grep -q "Packet details: frame [0-9]" <<<"$sc" && ! grep -q "Packet details: frame 1$" <<<"$sc"; then
      gms=$((($(date +%s%N) - t0) / 1000000))
      break
    fi
    sleep 0.02
  done
  if [ -n "$gms" ] && [ "$gms" -le 1000 ]; then ok "large file: G during indexing answers in $gms ms"; else ko "large file: G during indexing (${gms:-no answer in 2 s})" "$sc"; fi
  keys g
  expect "large file: g back to frame 1" "Packet details: frame 1$"
  if wait_for "big.pcap | $NBIG packets  " 240; then ok "large file: indexing completes ($NBIG packets)"; else ko "large file: indexing" "$(screen)"; fi
  sleep 0.5
  rss_big=$(ps -o rss= -p "$(tui_pid)" | tr -d ' ')
  per=$(((rss_big - rss_small) * 1024 / NBIG))
  if grep -aq '__asan_init' "$TUI"; then
    # AddressSanitizer's shadow memory and quarantine make RSS meaningless
    echo "skip - large file RSS: not measured in a sanitizer build"
  elif [ -n "$rss_big" ] && [ "$per" -lt 160 ]; then
    ok "large file: RSS ${rss_big} KiB after indexing (small file ${rss_small} KiB): $per bytes per packet"
  else
    ko "large file: RSS ${rss_big} KiB, small ${rss_small} KiB: $per bytes per packet" "$(screen)"
  fi
  t0=$(date +%s%N)
  keys G
  expect "large file: G reaches frame $NBIG" "Packet details: frame $NBIG"
  keys l
  expect "large file: ladder of the last connection" "Connection ladder: tcp.stream"
  expect_not "large file: ladder has no step before its first" "^[RT0-9 ]*  -[0-9]"
  keys q q
  expect "large file: quit" "TUI-EXITED rc=0"
  rm -f "$TMPD/big.pcap"
else
  skip "large capture (no python3 or bench script)"
fi

# ---- live capture (needs root or CAP_NET_RAW and loopback: skipped otherwise) ----------------
if [ "$(id -u)" = 0 ] && [ -e /sys/class/net/lo ]; then
  start live 80 24 -i lo -f "udp port 39999"
  if screen | grep -q "TUI-EXITED"; then
    skip "live capture (cannot capture on lo here: $(screen | head -2 | tr '\n' ' '))"
  else
    for i in 1 2 3; do echo "live-$i" >/dev/udp/127.0.0.1/39999; sleep 0.2; done
    expect "live: packets appear while browsing" "lo | 3 packets | live"
    expect "live: the list follows the tail (frame 3 selected)" "Packet details: frame 3$"
    keys g
    for i in 4 5 6; do echo "live-$i" >/dev/udp/127.0.0.1/39999; sleep 0.2; done
    expect "live: more packets arrive" "lo | 6 packets | live"
    expect "live: scrolled away (g): the selection stays on frame 1" "Packet details: frame 1$"
    keys G
    for i in 7 8; do echo "live-$i" >/dev/udp/127.0.0.1/39999; sleep 0.2; done
    expect "live: G follows the tail again (frame 8)" "Packet details: frame 8$"
    keys f
    expect "live: follow the UDP stream of the last packet" "^live-8"
    keys q q
    expect "live: quit" "TUI-EXITED rc=0"
  fi
else
  skip "live capture (not root)"
fi

# ---- resize -----------------------------------------------------------------------
start rs 80 24 "$S/dns.pcap"
tmux resize-window -t "$CUR" -x 200 -y 50 2>/dev/null
sleep 0.5
expect "after resize to 200x50 the list is redrawn" "dns.pcap | 28 packets"
sc=$(screen)
# 50 rows: the status line is the last one, the hex pane title lower than at 24
ln=$(grep -n "Bytes: Frame" <<<"$sc" | cut -d: -f1)
if [ -n "$ln" ] && [ "$ln" -gt 24 ] && [ "$(sed -n 50p <<<"$sc" | grep -c "dns.pcap")" = 1 ]; then ok "resize: panes laid out for 50 rows"; else ko "resize layout" "$sc"; fi
tmux resize-window -t "$CUR" -x 80 -y 24 2>/dev/null
sleep 0.5
sc=$(screen)
if [ "$(sed -n 24p <<<"$sc" | grep -c "dns.pcap | 28 packets")" = 1 ]; then ok "resize back to 80x24"; else ko "resize back" "$sc"; fi
keys q

# ---- signals restore the terminal -----------------------------------------------
start sig 80 24 "$S/dns.pcap"
tpid=$(tui_pid)
if [ -n "$tpid" ]; then
  kill -TERM "$tpid"
  expect "SIGTERM: program ends, shell back" "TUI-EXITED rc=143"
  [ "$(alt_screen)" = 0 ] && ok "SIGTERM: terminal restored" || ko "SIGTERM: alternate screen left on" "$(screen)"
else
  ko "SIGTERM: could not find the process" "$(screen)"
fi
start sighup 80 24 "$S/dns.pcap"
tpid=$(tui_pid)
[ -n "$tpid" ] && kill -HUP "$tpid"
expect "SIGHUP: program ends" "TUI-EXITED rc=129"
[ "$(alt_screen)" = 0 ] && ok "SIGHUP: terminal restored" || ko "SIGHUP: alternate screen left on" "$(screen)"
start ctrlc 80 24 "$S/dns.pcap"
keys C-c
expect "Ctrl-C (SIGINT): program ends" "TUI-EXITED rc=130"
[ "$(alt_screen)" = 0 ] && ok "SIGINT: terminal restored" || ko "SIGINT: alternate screen left on" "$(screen)"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
