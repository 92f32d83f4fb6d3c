#!/usr/bin/env bash
# dissect-tui writes a connection's story (ladder view, `w` then t/j/m/s)
# through the same library layer as `dissect --story`: the four files it
# writes must be byte for byte what `dissect --story FORMAT -Y "tcp.stream
# == N"` writes for the same connection (times, frames and DNS lookup
# included), on samples/story.pcap (a DNS lookup, then HTTPS), on the
# second connection of samples/tls12-resume.pcap and on the client's
# connection to the proxy of samples/https-proxy.pcap (its ladder's far end
# named the proxy); and for QUIC (`-Y
# "quic.connection.number == N"`, files dissect-story-quic-N.EXT) on
# samples/quic-h3.pcap and samples/quic-migration.pcap, where the ladder is
# opened on a packet of the path the client migrated to (udp.stream 1) and
# must tell the whole connection (both UDP streams). The QUIC ladders' steps
# are checked against tshark's frames (Initial, HANDSHAKE_DONE, PATH_CHALLENGE,
# CONNECTION_CLOSE).
# Usage: test_story_tui.sh BIN_DIR SRC_DIR   (exit 77 = skipped: no tmux)
set -uo pipefail
BIN=${1:?usage: test_story_tui.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_story_tui.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

TUI=$BIN/dissect-tui
D=$BIN/dissect
S=$SRC/samples
command -v tmux >/dev/null 2>&1 || skip "tmux not installed"
[[ -x $TUI && -x $D ]] || skip "dissect-tui or dissect not built"
[[ -f $S/story.pcap ]] || skip "no sample captures in $S"
BIN=$(cd "$BIN" && pwd)
TUI=$BIN/dissect-tui
D=$BIN/dissect
t_tmpdir
SESSION="dxstory$$"
trap 'tmux kill-session -t "$SESSION" 2>/dev/null; rm -rf "$T_TMP"' EXIT

screen() { tmux capture-pane -p -t "$SESSION"; }
wait_for() { # REGEX [SECONDS]
  local i
  for ((i = 0; i < ${2:-10} * 10; i++)); do
    screen | grep -q -- "$1" && return 0
    sleep 0.1
  done
  return 1
}

# story_of PCAP KEYLOG STREAM DOWN: opens the capture in the TUI, moves the
# selection DOWN rows (onto a packet of the connection), opens the ladder
# and writes the story in the four formats; then compares with dissect.
story_of() {
  local pcap=$1 keylog=$2 stream=$3 down=$4 field=${5:-tcp.stream} pre=${6:-} k ext fmt i
  local dir=$T_TMP/$(basename "$pcap" .pcap)
  LADDER=""
  mkdir -p "$dir"
  tmux kill-session -t "$SESSION" 2>/dev/null
  tmux new-session -d -s "$SESSION" -x 120 -y 40 -c "$dir" \
    "env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 $(printf '%q' "$TUI") --keylog $(printf '%q' "$keylog") $(printf '%q' "$pcap"); sleep 30"
  wait_for "Packet details" 15 || { fail "$(basename "$pcap"): dissect-tui starts" "$(screen)"; return; }
  for ((i = 0; i < down; i++)); do tmux send-keys -t "$SESSION" j; sleep 0.1; done
  tmux send-keys -t "$SESSION" l
  wait_for "Connection ladder: $field $stream" || { fail "$(basename "$pcap"): ladder of stream $stream" "$(screen)"; return; }
  for k in t j m s; do
    tmux send-keys -t "$SESSION" w
    wait_for "write the story of $field $stream as" || fail "$(basename "$pcap"): w asks for a format" "$(screen)"
    tmux send-keys -t "$SESSION" "$k"
    case $k in t) ext=txt ;; j) ext=json ;; m) ext=mmd ;; s) ext=svg ;; esac
    wait_for "written to dissect-story-$pre$stream.$ext" \
      && pass "$(basename "$pcap"): w $k writes dissect-story-$pre$stream.$ext" \
      || fail "$(basename "$pcap"): w $k writes dissect-story-$pre$stream.$ext" "$(screen)"
  done
  LADDER=$(screen)
  tmux kill-session -t "$SESSION" 2>/dev/null
  for ext in txt json mmd svg; do
    case $ext in txt) fmt=text ;; json) fmt=json ;; mmd) fmt=mermaid ;; svg) fmt=svg ;; esac
    "$D" -r "$pcap" --keylog "$keylog" --story "$fmt" -Y "$field == $stream" >"$dir/cli.$ext" 2>&1
    if [[ -s $dir/dissect-story-$pre$stream.$ext ]] && cmp -s "$dir/cli.$ext" "$dir/dissect-story-$pre$stream.$ext"; then
      pass "$(basename "$pcap"): the TUI's $fmt story is dissect --story $fmt -Y '$field == $stream'"
    else
      fail "$(basename "$pcap"): the TUI's $fmt story is dissect --story $fmt -Y '$field == $stream'" \
        "$(diff "$dir/cli.$ext" "$dir/dissect-story-$pre$stream.$ext" 2>&1 | head -5)"
    fi
  done
}

# ladder_has NAME REGEX: the last ladder screen shows it
ladder_has() {
  grep -q -- "$2" <<<"$LADDER" && pass "$1" || fail "$1" "$LADDER"
}

# story.pcap: frame 3 (two rows down) is the SYN of tcp.stream 0
story_of "$S/story.pcap" "$S/story.keylog" 0 2
# tls12-resume.pcap: frame 18 (17 rows down) is the SYN of tcp.stream 1
story_of "$S/tls12-resume.pcap" "$S/tls12-resume.keylog" 1 17
# https-proxy.pcap: frame 1 (no row down) is the SYN of tcp.stream 0, the
# client's connection to the proxy (tshark: its CONNECT is on stream 0);
# the ladder's far end is the proxy
story_of "$S/https-proxy.pcap" "$S/https-proxy.keylog" 0 0
grep -q -- "Proxy  127.0.0.1:8080 Frame$" <<<"$LADDER" && ! grep -q -- "Server 127.0.0.1" <<<"$LADDER" \
  && pass "https-proxy ladder: the far end is the proxy" || fail "https-proxy ladder: the far end is the proxy" "$LADDER"
# its lesson (the ladder's last line), read off the ladder above by a person:
# SYN in RTT 1, the CONNECT in RTT 2, the Client Hello in RTT 3 and the GET
# inside the tunnel in RTT 4; the leaf was forged by mitmproxy
ladder_has "https-proxy ladder: the lesson counts from the request inside the tunnel" \
  "TLS 1.3 handshake: 1 round trip, first request in RTT 4 (RTT 1: TCP handshake, RTT 2: CONNECT); intercepted"
# (the TUI replays the streams open beside the connection: the proxy's other
# leg is paired and told side by side, as by dissect --story)
grep -q "^  The two legs side by side:$" "$T_TMP/https-proxy/dissect-story-0.txt" \
  && pass "https-proxy: the TUI's story shows the two legs side by side" \
  || fail "https-proxy: the TUI's story shows the two legs side by side"

# a UDP packet of no QUIC connection (story.pcap frame 1: the DNS query) has no ladder
tmux kill-session -t "$SESSION" 2>/dev/null
tmux new-session -d -s "$SESSION" -x 120 -y 40 -c "$T_TMP" \
  "env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 $(printf '%q' "$TUI") $(printf '%q' "$S/story.pcap"); sleep 30"
if wait_for "Packet details" 15; then
  tmux send-keys -t "$SESSION" l
  wait_for "no ladder: udp.stream 0 carries no QUIC connection" \
    && pass "story.pcap: l on the DNS query says it has no TCP or QUIC connection" \
    || fail "story.pcap: l on the DNS query says it has no TCP or QUIC connection" "$(screen)"
else
  fail "story.pcap: dissect-tui starts" "$(screen)"
fi
tmux kill-session -t "$SESSION" 2>/dev/null

# frames of QUIC steps by tshark (-o tls.keylog_file), the second tool
tsf() { # PCAP FILTER: the first frame matching
  tshark -r "$S/$1.pcap" -o "tls.keylog_file:$S/$1.keylog" -Y "$2" -T fields -e frame.number 2>/dev/null | head -1
}
if [[ -f $S/quic-h3.pcap ]]; then
  # frame 1 (no row down) is the client's first Initial
  story_of "$S/quic-h3.pcap" "$S/quic-h3.keylog" 0 0 quic.connection.number quic-
  ladder_has "quic-h3 ladder: the client's Initial with the Client Hello (frame $(tsf quic-h3 'quic.long.packet_type == 0 && tls.handshake.type == 1'))" \
    "|-* Initial: Client Hello -*>| #$(tsf quic-h3 'quic.long.packet_type == 0 && tls.handshake.type == 1')$"
  ladder_has "quic-h3 ladder: the server's Handshake flight (frame $(tsf quic-h3 'tls.handshake.type == 11'))" \
    "|<-* Handshake: Encrypted Extensions, Certificate, Certificate Verify, Finished -*| #$(tsf quic-h3 'tls.handshake.type == 11')$"
  ladder_has "quic-h3 ladder: HANDSHAKE_DONE (frame $(tsf quic-h3 'quic.frame_type == 0x1e'))" \
    "HANDSHAKE_DONE.*| #$(tsf quic-h3 'quic.frame_type == 0x1e')$"
  ladder_has "quic-h3 ladder: the HTTP/3 request on stream 0 (frame $(tsf quic-h3 'http3.frame_type == 1 && udp.srcport != 443'))" \
    "|-* GET /index.html \[stream 0\] -*>| #$(tsf quic-h3 'http3.frame_type == 1 && udp.srcport != 443')$"
  ladder_has "quic-h3 ladder: one round trip of handshake" \
    "QUIC + TLS 1.3 handshake: 1 round trip, first request in RTT 2"
fi
if [[ -f $S/quic-migration.pcap ]]; then
  # frame 15 (14 rows down) is the client's first packet from its new port
  story_of "$S/quic-migration.pcap" "$S/quic-migration.keylog" 0 14 quic.connection.number quic-
  ladder_has "quic-migration ladder: opened on udp.stream 1, it starts at the Initial of udp.stream 0" \
    "^RTT 1 .*Initial: Client Hello -*>| #1$"
  ladder_has "quic-migration ladder: the migration step (frame $(tsf quic-migration 'udp.stream == 1'))" \
    "migration: the client now at 127.0.0.1:$(tshark -r "$S/quic-migration.pcap" -Y 'udp.stream == 1' -T fields -e udp.srcport 2>/dev/null | head -1) -*>| #$(tsf quic-migration 'udp.stream == 1')$"
  ladder_has "quic-migration ladder: PATH_CHALLENGE (frame $(tsf quic-migration 'quic.frame_type == 0x1a'))" \
    "1-RTT: PATH_CHALLENGE -*>| #$(tsf quic-migration 'quic.frame_type == 0x1a')$"
  ladder_has "quic-migration ladder: CONNECTION_CLOSE (frame $(tsf quic-migration 'quic.frame_type == 0x1d'))" \
    "CONNECTION_CLOSE.*| #$(tsf quic-migration 'quic.frame_type == 0x1d')$"
  # follow (f) on the migrated path follows the whole QUIC connection: the
  # client's control stream opened on udp.stream 0 (tshark: frame 3) and the
  # requests sent on udp.stream 1 (tshark: HTTP/3 HEADERS in frame 20), decrypted
  tmux kill-session -t "$SESSION" 2>/dev/null
  tmux new-session -d -s "$SESSION" -x 120 -y 40 -c "$T_TMP" \
    "env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 $(printf '%q' "$TUI") --keylog $(printf '%q' "$S/quic-migration.keylog") $(printf '%q' "$S/quic-migration.pcap"); sleep 30"
  if wait_for "Packet details" 15; then
    for ((i = 0; i < 14; i++)); do tmux send-keys -t "$SESSION" j; sleep 0.05; done
    # the details pane of the migrated path's first packet: tshark dissects
    # it as QUIC (its keys come from the handshake on udp.stream 0)
    if [[ $(tshark -r "$S/quic-migration.pcap" -o "tls.keylog_file:$S/quic-migration.keylog" -Y 'frame.number == 15' -T fields -e frame.protocols 2>/dev/null) == *:quic* ]]; then
      wait_for "Packet details: frame 15" 5 && wait_for "^+ QUIC IETF" 5 \
        && pass "quic-migration: the details of frame 15 (udp.stream 1) are QUIC's, as tshark's" \
        || fail "quic-migration: the details of frame 15 (udp.stream 1) are QUIC's, as tshark's" "$(screen)"
    fi
    tmux send-keys -t "$SESSION" f
    wait_for "Follow UDP stream 1" || fail "quic-migration: follow of udp.stream 1" "$(screen)"
    # the view is painted top to bottom: wait for its last expected line
    wait_for "DATA\[0\] 44 bytes" 5
    F=$(screen)
    for want in "[QUIC stream $(tshark -r "$S/quic-migration.pcap" -o "tls.keylog_file:$S/quic-migration.keylog" -Y 'quic.stream.stream_id == 2 && udp.stream == 0' -T fields -e quic.stream.stream_id 2>/dev/null | head -1 | cut -d, -f1): Control Stream]" \
      "HEADERS[0] :method GET :scheme https :authority quic.example.test :path /index.html" \
      "DATA[0] 44 bytes"; do
      grep -qF -- "$want" <<<"$F" && pass "quic-migration follow on udp.stream 1 shows: $want" \
        || fail "quic-migration follow on udp.stream 1 shows: $want" "$F"
    done
  else
    fail "quic-migration.pcap: dissect-tui starts (follow)" "$(screen)"
  fi
  tmux kill-session -t "$SESSION" 2>/dev/null
fi
finish
