#!/usr/bin/env bash
# dissect-tui with TLS keys, driven through tmux (its own socket) like
# test_tui.sh: follow stream shows the decrypted exchange (t switches to the
# raw TCP view), the ladder names the decrypted HTTP messages and the TLS 1.3
# encrypted flight, HTTP/2 and HTTP/3 read as frames. At 80x24 (HTTP/3 at
# 100x30).
# Expected values come from tshark on the same samples (command next to each).
# Usage: test_tui_decrypt.sh BIN_DIR SRC_DIR   (exit 77 = skipped: no tmux)
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
SOCK="dxtuidec$$"
TM=(tmux -L "$SOCK")
CUR=
cleanup() { "${TM[@]}" kill-server 2>/dev/null; }
trap cleanup EXIT INT TERM
# a session that outlives the others, so the server does not exit (and race
# the next new-session) when a test's session is killed
"${TM[@]}" new-session -d -s keeper -x 80 -y 24 "sleep 3600"

ok() { pass=$((pass + 1)); echo "ok   - $1"; }
ko() {
  fail=$((fail + 1))
  echo "FAIL - $1"
  [ -n "${2:-}" ] && printf '%s\n' "---- screen ----" "$2" "----------------"
}

# start NAME W H [VAR=VALUE ...] -- ARGS...: runs dissect-tui in a new
# detached session (environment assignments before --); the shell prints a
# marker when it exits.
start() {
  local name=$1 w=$2 h=$3
  shift 3
  local envs=""
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    envs+=" $(printf '%q' "$1")"
    shift
  done
  [ "${1:-}" = "--" ] && shift
  local cmd="env -u SSLKEYLOGFILE TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8$envs $TUI"
  for a in "$@"; do cmd+=" $(printf '%q' "$a")"; done
  "${TM[@]}" new-session -d -s "$name" -x "$w" -y "$h" "$cmd; echo \"TUI-EXITED rc=\$?\"; sleep 60"
  CUR=$name
  wait_for "Packet details\|TUI-EXITED" 10 >/dev/null
}
stop() { "${TM[@]}" kill-session -t "$CUR" 2>/dev/null; }
screen() { "${TM[@]}" capture-pane -p -t "$CUR"; }
# keys KEY...: sends them, then waits until the screen changes (the TUI has
# taken them), at most 0.25 s (some keys change nothing on the screen)
keys() {
  local before i
  before=$(screen)
  "${TM[@]}" send-keys -t "$CUR" "$@"
  for ((i = 0; i < 25; i++)); do
    [ "$(screen)" != "$before" ] && return 0
    sleep 0.01
  done
}
wait_for() { # wait_for REGEX [SECONDS]
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
# fg colour of the first screen line matching a Python regex
fg_of() {
  "${TM[@]}" capture-pane -p -e -t "$CUR" | "$PY" -c '
import re, sys
pat = re.compile(sys.argv[1])
sgr = re.compile(r"\x1b\[([0-9;:]*)m")
for line in sys.stdin.read().split("\n"):
    if pat.search(sgr.sub("", line)):
        m = re.search(r"38;5;(\d+)", line)
        print(m.group(1) if m else "def")
        break
' "$1"
}

# ---- dissect-tui -h ------------------------------------------------------------
out=$("$TUI" -h 2>&1)
if grep -q "key log" <<<"$out" && grep -q "decrypted TLS" <<<"$out" && grep -q "raw TCP" <<<"$out"; then
  ok "-h says what follow shows with a key log"
else
  ko "-h" "$out"
fi

# ---- follow, TLS 1.2 with the key log --------------------------------------------
# tshark -r https-tls12.pcap -o tls.keylog_file:https-tls12.keylog -Y http:
# 12 GET /index.html, 13 200 OK, 14 GET /style.css, 15 200, 16 GET /data.json,
# 17 200; -q -z follow,tls,ascii,0: client 90+89+89 = 268 bytes, server
# 438+295+288 = 1021 bytes.
start f12 80 24 -- --keylog "$S/https-tls12.keylog" "$S/https-tls12.pcap"
keys f
expect "follow TLS 1.2: decrypted view by default" "\[TLS decrypted, ASCII"
expect "follow TLS 1.2: the request" "^GET /index.html HTTP/1.1"
expect "follow TLS 1.2: a request header" "^Host: www.example.test"
expect "follow TLS 1.2: the response" "^HTTP/1.1 200 OK"
expect "follow TLS 1.2: status line names the view and the t key" "^\[TLS decrypted\] t: TCP |"
expect "follow TLS 1.2: decrypted byte counts as tshark's follow,tls" "client sent 268, server 1021 bytes, decrypted"
expect_not "follow TLS 1.2: no handshake record label in the decrypted view" "\[TLS Handshake"
if [ $HAVE_PY = 1 ]; then
  c=$(fg_of "^GET /index.html")
  s=$(fg_of "^HTTP/1.1 200 OK")
  if [ -n "$c" ] && [ "$c" != "$s" ]; then ok "follow TLS 1.2: client and server in their colours ($c / $s)"; else ko "follow colours '$c' '$s'" "$(screen)"; fi
fi
keys / 'style.css' Enter
expect "follow TLS 1.2: / finds decrypted text (frame 14)" '"style.css" found (frame 14)'
keys h
expect "follow TLS 1.2: h shows the decrypted bytes in hex (GET = 47 45 54)" "^00000000  47 45 54 20 2f 69 6e 64"
keys h
keys t
expect "follow TLS 1.2: t switches to the raw TCP view" "^\[TCP\] t: TLS decrypted"
expect "follow TLS 1.2: raw view labels the records" "^\[TLS Handshake: Client Hello, 172 bytes\]"
expect "follow TLS 1.2: raw view, application data as labels" "^\[TLS Application Data, 119 bytes\]"
expect_not "follow TLS 1.2: raw view has no plaintext request" "^GET /"
expect_not "follow TLS 1.2: raw view with keys has no 'encrypted' note" "^encrypted:"
keys h
# tshark -r https-tls12.pcap -Y frame.number==4 -T fields -e tcp.payload: 16030100a701...
expect "follow TLS 1.2: raw hex view shows the record bytes" "^00000000  16 03 01 00 a7 01 00 00"
keys h
keys t
expect "follow TLS 1.2: t again: back to the decrypted view" "^GET /index.html HTTP/1.1"
keys '?' Space Space
expect "follow: help names the t key" "t  next view: HTTP/2 frames, TLS decrypted, raw TCP"
keys Escape
keys q
expect "follow TLS 1.2: q goes back" "Packet details"
stop

# ---- follow, TLS 1.2 without keys ---------------------------------------------------
start f12nokey 80 24 -- "$S/https-tls12.pcap"
keys f
expect "follow without keys: the encrypted note" "^encrypted: no key log for this connection (dissect-tui --keylog FILE)"
expect "follow without keys: raw view" "^\[TCP\] | client sent 651, server 3393 bytes"
expect "follow without keys: record labels" "^\[TLS Application Data, 119 bytes\]"
expect_not "follow without keys: no GET" "GET"
keys t
expect "follow without keys: t says there is one view" "only the TCP view"
stop

# the SSLKEYLOGFILE environment variable gives the keys too
start f12env 80 24 SSLKEYLOGFILE="$S/https-tls12.keylog" -- "$S/https-tls12.pcap"
keys f
expect "follow with SSLKEYLOGFILE: the request" "^GET /index.html HTTP/1.1"
stop

# a key log without this connection's keys
start f12other 80 24 -- --keylog "$S/https-tls13.keylog" "$S/https-tls12.pcap"
keys f
expect "follow, key log of another connection: note" "^encrypted: the key log has no keys for this connection"
stop

# a key log that grows while the TUI runs (a browser writing to it during a
# live capture): the TUI reads it once and copies it into each new session,
# and reads it again when the file changes, so follow, opened again after
# the keys came, decrypts
KLTMP=$(mktemp -d)
echo "# no keys yet" >"$KLTMP/growing.keylog"
start f12grow 80 24 -- --keylog "$KLTMP/growing.keylog" "$S/https-tls12.pcap"
keys f
expect "growing key log, no keys yet: the encrypted note" "^encrypted: the key log has no keys for this connection"
keys q
expect "growing key log: back" "Packet details"
cat "$S/https-tls12.keylog" >>"$KLTMP/growing.keylog"
touch -d "+2 seconds" "$KLTMP/growing.keylog"
keys f
expect "growing key log, the keys written since: follow decrypts" "^GET /index.html HTTP/1.1"
stop
rm -rf "$KLTMP"

# ---- ladder, TLS 1.2 with the key log ------------------------------------------------
start l12 80 24 -- --keylog "$S/https-tls12.keylog" "$S/https-tls12.pcap"
keys l
expect "ladder TLS 1.2: decrypted request" "|-* GET /index.html -*>| #12"
expect "ladder TLS 1.2: decrypted response" "|<-* 200 OK -*| #13"
expect "ladder TLS 1.2: the decrypted Finished is named" "|<-* Finished -*| #11"
expect_not "ladder TLS 1.2: no Application Data arrow next to the HTTP ones" "Application Data"
expect "ladder TLS 1.2: still 2 round trips of handshake" "TLS 1.2 handshake: 2 round trips, first request in RTT 4"
stop

# ---- ladder, TLS 1.3 with the key log ---------------------------------------------------
# tshark -Y tls.handshake.type -T fields -e frame.number -e tls.handshake.type:
# 6: 2,8  7: 11,15,20  10: 20  11: 4  12: 4
start l13 80 24 -- --keylog "$S/https-tls13.keylog" "$S/https-tls13.pcap"
keys l
expect "ladder TLS 1.3: Encrypted Extensions (frame 6)" "|<-* Encrypted Extensions -*| #6"
expect "ladder TLS 1.3: Certificate (frame 7)" "|<-* Certificate -*| #7"
expect "ladder TLS 1.3: Certificate Verify (frame 7)" "|<-* Certificate Verify -*| #7"
expect "ladder TLS 1.3: server Finished (frame 7)" "|<-* Finished -*| #7"
expect "ladder TLS 1.3: client Finished (frame 10)" "|-* Finished -*>| #10"
expect "ladder TLS 1.3: New Session Ticket (frame 11)" "|<-* New Session Ticket -*| #11"
expect "ladder TLS 1.3: decrypted request (frame 13)" "|-* GET /index.html -*>| #13"
expect_not "ladder TLS 1.3: no guessed encrypted flight" "Encrypted flight\|New Session Ticket?"
expect "ladder TLS 1.3: 1 round trip, as without keys" "TLS 1.3 handshake: 1 round trip, first request in RTT 3"
stop

# ---- HTTP/2 over TLS 1.3 -------------------------------------------------------------------
# tshark -o tls.keylog_file:http2.keylog -Y http2.type==1 -T fields -e frame.number
# -e http2.streamid -e http2.headers.method -e http2.headers.path -e http2.headers.status:
# 15 1 GET /index.html; 17 3 GET /style.css; ...; 20 1 200
start h2 80 24 -- --keylog "$S/http2.keylog" "$S/http2.pcap"
keys f
expect "follow HTTP/2: frames view by default" "^\[HTTP/2 frames\] t: TLS decrypted"
expect "follow HTTP/2: the connection preface" "^Magic (connection preface): PRI \* HTTP/2.0"
expect "follow HTTP/2: SETTINGS frame" "^SETTINGS\[0\] 18 bytes"
expect "follow HTTP/2: request on stream 1" "^HEADERS\[1\] :method GET :path /index.html"
expect "follow HTTP/2: a regular header under it" "^    user-agent: curl/"
keys / ':status 200' Enter
expect "follow HTTP/2: the response of stream 1 (frame 20)" '":status 200" found (frame 20)'
keys g t
expect "follow HTTP/2: t shows the decrypted bytes" "^\[TLS decrypted\] t: TCP"
expect "follow HTTP/2: the preface as text" "^PRI \* HTTP/2.0"
expect "follow HTTP/2: binary frames escaped" '\\000\\000\\022\\004'
keys h
expect "follow HTTP/2: hex of the decrypted bytes (PRI = 50 52 49)" "^00000000  50 52 49 20 2a 20 48 54"
keys h t
expect "follow HTTP/2: t then the raw TCP view" "^\[TCP\] t: HTTP/2 frames"
keys t
expect "follow HTTP/2: and back to the frames" "^HEADERS\[1\] :method GET :path /index.html"
keys q l Space Space
expect "ladder HTTP/2: request on stream 1 (frame 15)" "GET /index.html \[stream 1\] -*>| #15"
expect "ladder HTTP/2: response on stream 1 (frame 20)" "|<-* 200 \[stream 1\] -*| #20"
stop

# cleartext HTTP/2 (prior knowledge on port 8080): the frames view too
# tshark -r http2-h2c.pcap -Y http2.type==1: frame 4 HEADERS[1] GET /index.html
start h2c 80 24 -- "$S/http2-h2c.pcap"
keys f
expect "follow h2c: request on stream 1" "^HEADERS\[1\] :method GET :path /index.html :scheme http"
expect "follow h2c: t goes to the TCP view" "^\[HTTP/2 frames\] t: TCP"
expect_not "follow h2c: no 'encrypted' note" "^encrypted:"
stop

# HTTP/3 over QUIC: the requests the samples script made (make-quic-samples.sh:
# /index.html ... on one connection, 200s, index.html's text) as frames
start h3 100 30 -- --keylog "$S/quic-h3.keylog" "$S/quic-h3.pcap"
keys f
expect "follow HTTP/3: the frames view by default" "\[HTTP/3 frames\]  (t view"
expect "follow HTTP/3: the client's control stream" "^\[QUIC stream 2: Control Stream\]"
expect "follow HTTP/3: request on stream 0 (QPACK decoded)" "^HEADERS\[0\] :method GET :scheme https :authority quic.example.test :path /index.html"
expect "follow HTTP/3: a regular header under it" "^    user-agent: nghttp3/ngtcp2 client"
expect "follow HTTP/3: the response" "^HEADERS\[0\] :status 200"
expect "follow HTTP/3: its body as text" "^    <html><body>hello over HTTP/3</body></html>"
keys t
expect "follow HTTP/3: t goes to the raw UDP payload" "^\[TCP\] t: HTTP/3 frames"
expect_not "follow HTTP/3: with keys, no 'encrypted' note" "^QUIC: encrypted"
stop
start h3nokey 100 30 -- "$S/quic-h3.pcap"
keys f
expect "follow QUIC without a key log: it says why there is no HTTP/3" "^QUIC: encrypted past its Initial packets: no key log"
stop

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
