#!/usr/bin/env bash
# tshark's everyday options in dissect: -w/-F/-P (files read back by tshark
# and tcpdump, frame by frame), -v, -L, -a, -t/-u errors, -f with -r
# refused, trailing words with -r as a display filter, -z errors.
# Usage: test_options.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_options.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_options.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
S=$SRC/samples
[[ -x $D ]] || skip "$D not built"
[[ -f $S/http.pcap ]] || skip "no sample captures in $S"
t_tmpdir
have_tshark=0
command -v tshark >/dev/null 2>&1 && have_tshark=1
have_tcpdump=0
command -v tcpdump >/dev/null 2>&1 && have_tcpdump=1
export TZ=UTC

# the frames of a capture as tcpdump prints them: absolute times, absolute
# sequence numbers and every byte in hex (the same frames give the same text)
frames_of() { tcpdump -r "$1" -nn -S -tt -xx 2>/dev/null; }

# ---------------------------------------------------------------- -w, -F
for cap in "$S/http.pcap" "$S/dns.pcap" "$S/misc.pcap" "$S/sll2-any.pcap" "$S/http.pcapng"; do
  [[ -f $cap ]] || continue
  name=$(basename "$cap")
  for fmt in pcap pcapng; do
    out=$T_TMP/w.$fmt
    rm -f "$out"
    run "$D" -r "$cap" -Y tcp -w "$out" -F $fmt
    check_rc_zero "$name: -Y tcp -w FILE -F $fmt exits 0"
    check_eq "$name: -w prints nothing on stdout" "" "$(cat "$T_TMP/out")"
    if ((have_tshark)); then
      want=$(tshark -r "$cap" -Y tcp -T fields -e frame.time_epoch -e frame.len -e frame.cap_len 2>/dev/null)
      got=$(tshark -r "$out" -T fields -e frame.time_epoch -e frame.len -e frame.cap_len 2>/dev/null)
      check_eq "$name: -F $fmt: tshark reads the displayed frames back (count, times, lengths)" \
        "$want" "$got"
      if [[ $fmt == pcapng ]]; then
        check_grepf "$name: -F pcapng: capinfos sees pcapng" "pcapng" <(capinfos -t "$out" 2>&1)
      else
        check_grep "$name: -F pcap: capinfos sees pcap" "pcap$" <(capinfos -t "$out" 2>&1)
      fi
    fi
    if ((have_tcpdump)); then
      # the same bytes: tshark writes the same frames with -Y tcp -w
      if ((have_tshark)); then
        tshark -r "$cap" -Y tcp -w "$T_TMP/ts.$fmt" -F $fmt 2>/dev/null
        check_eq "$name: -F $fmt: every byte and time stamp as in tshark's -w (tcpdump -xx)" \
          "$(frames_of "$T_TMP/ts.$fmt")" "$(frames_of "$out")"
      fi
    fi
  done
done

# packet comments: -F pcapng keeps each frame's (several, multi-line, long),
# as tshark's -w does; read back by tshark's frame.comment
if ((have_tshark)) && command -v editcap >/dev/null 2>&1; then
  long=$(printf 'long comment %.0s' {1..400})
  editcap -a $'2:two\r\nlines' -a "2:second of frame 2" -a "5:$long" -a $'7:\u00e9t\u00e9' \
    "$S/http.pcapng" "$T_TMP/c.pcapng" >/dev/null 2>&1
  srcs=("$T_TMP/c.pcapng")
  WS=${DX_WIRESHARK_TESTS:-$HOME/.cache/libdissect/wireshark-tests}/captures
  [[ -f $WS/sip.pcapng ]] && srcs+=("$WS/sip.pcapng")
  for src in "${srcs[@]}"; do
    for fmt in pcapng pcap; do
      tshark -r "$src" -Y 'frame.number != 3' -w "$T_TMP/tc.$fmt" -F $fmt 2>/dev/null
      run "$D" -r "$src" -Y 'frame.number != 3' -w "$T_TMP/dc.$fmt" -F $fmt
      check_eq "$(basename "$src"): -w -F $fmt: the packet comments tshark's -w keeps" \
        "$(tshark -r "$T_TMP/tc.$fmt" -T fields -e frame.number -e frame.comment 2>/dev/null)" \
        "$(tshark -r "$T_TMP/dc.$fmt" -T fields -e frame.number -e frame.comment 2>/dev/null)"
      [[ $src == "$T_TMP/c.pcapng" && $fmt == pcapng ]] &&
        check_grepf "c.pcapng: -w -F pcapng: frame 4 (was 5) has the long comment" "long comment long" \
          <(tshark -r "$T_TMP/dc.pcapng" -Y frame.number==4 -T fields -e frame.comment 2>/dev/null)
    done
  done
fi

# -w - : the capture on standard output, read by tshark from a pipe
if ((have_tshark)); then
  n=$("$D" -r "$S/http.pcap" -w - 2>/dev/null | tshark -r - 2>/dev/null | wc -l)
  check_eq "-w - writes a pcap to stdout that tshark reads (185 frames)" 185 "$n"
  # -P: summaries too (to stderr when the capture goes to stdout)
  run "$D" -r "$S/dns.pcap" -w "$T_TMP/p.pcap" -P
  check_eq "-w FILE -P prints the 28 summary lines" 28 "$(grep -c . "$T_TMP/out")"
fi
run "$D" -r "$S/http.pcap" -w "$T_TMP/nodir/x.pcap"
check_rc_error "-w into a missing directory fails"
check_grepf "-w: the message names the file" "nodir/x.pcap" "$T_TMP/err"
run "$D" -r "$S/http.pcap" -F pcapng
check_rc_error "-F without -w is refused"
run "$D" -r "$S/http.pcap" -w "$T_TMP/x" -F erf
check_rc_error "-F erf (unknown format) is refused"
check_grepf "-F: the message names the formats" "pcapng" "$T_TMP/err"

# ---------------------------------------------------------------- -v, -L, -a
run "$D" -v
check_rc_zero "-v exits 0"
check_grep "-v names the version" "^dissect [0-9]+\.[0-9]+\.[0-9]+ \(libdissect" "$T_TMP/out"
check_grepf "-v names the libpcap it runs with" "libpcap version" "$T_TMP/out"
check_grepf "-v names json-c" "json-c" "$T_TMP/out"
run "$D" -i no-such-iface0 -L
check_rc_error "-L on a missing interface fails"
check_grepf "-L: the message names the interface" "no-such-iface0" "$T_TMP/err"
if [[ $(id -u) == 0 ]] && ip link show lo >/dev/null 2>&1; then
  run "$D" -i lo -L
  check_rc_zero "-i lo -L exits 0"
  check_eq "-i lo -L: its header line on stdout, as tshark's" \
    "Data link types of interface lo (use option -y to set):" "$(head -1 "$T_TMP/out")"
  check_eq "-i lo -L: nothing on stderr" "" "$(cat "$T_TMP/err")"
  if command -v tcpdump >/dev/null 2>&1; then
    check_eq "-i lo -L lists what tcpdump -L lists" "$(tcpdump -i lo -L 2>&1 | grep '^  ')" \
      "$(grep '^  ' "$T_TMP/out")"
  fi
  # without -i: the first interface -D lists, as tshark's default
  run "$D" -L
  check_rc_zero "-L without -i exits 0"
  first=$("$D" -D | head -1 | sed 's/^1\. //; s/ (.*//')
  check_eq "-L without -i: the link types of the first interface -D lists ($first)" \
    "$("$D" -L -i "$first")" "$(cat "$T_TMP/out")"
  if ((have_tshark)); then
    for args in "-L" "-L -i lo"; do
      # shellcheck disable=SC2086 # the words of args
      check_eq "dissect $args prints what tshark $args prints" "$(tshark $args 2>/dev/null)" \
        "$("$D" $args 2>&1)"
    done
  fi
  start=$(date +%s%N)
  run timeout 10 "$D" -i lo -a duration:1 -q
  end=$(date +%s%N)
  check_rc_zero "-i lo -a duration:1 exits 0"
  ms=$(((end - start) / 1000000))
  if ((ms >= 900 && ms < 5000)); then
    pass "-a duration:1 stops after about a second ($ms ms)"
  else
    fail "-a duration:1 stops after about a second" "took $ms ms"
  fi
  if command -v ping >/dev/null 2>&1; then
    (sleep 0.5 && ping -c 6 -i 0.2 127.0.0.1 >/dev/null 2>&1) &
    pid=$!
    run timeout 10 "$D" -i lo -a packets:3 -f icmp
    wait $pid 2>/dev/null
    check_rc_zero "-i lo -a packets:3 exits 0"
    check_eq "-a packets:3 prints 3 packets" 3 "$(grep -c . "$T_TMP/out")"
  fi
else
  echo "SKIP live checks of -L and -a (need root and lo)"
fi
run "$D" -r "$S/http.pcap" -a duration:1
check_rc_error "-a with -r is refused"
run "$D" -i lo -a filesize:10
check_rc_error "-a filesize:N (not built) is refused"
check_grepf "-a: the message says what is supported" "duration:N" "$T_TMP/err"

# ---------------------------------------------------------------- -f with -r
run "$D" -r "$S/http.pcap" -f tcp
check_rc_error "-f with -r is refused, as tshark refuses it"
check_grepf "-f with -r: tshark's message" "Only read filters, not capture filters" "$T_TMP/err"
if ((have_tshark)); then
  want=$(tshark -r "$S/http.pcap" http.request 2>/dev/null | awk '{ print $1 }')
  got=$("$D" -r "$S/http.pcap" http.request 2>/dev/null | awk '{ print $1 }')
  check_eq "-r FILE WORDS: the words are a display filter, as in tshark" "$want" "$got"
fi
run "$D" -r "$S/http.pcap" -Y http http.request
check_rc_error "-Y and a trailing filter together are refused"

# ---------------------------------------------------------------- -t, -u
run "$D" -r "$S/http.pcap" -t x
check_rc_error "-t x is refused"
check_grepf "-t: tshark's list of formats" '"udoy" for absolute UTC with YYYY/DOY date' "$T_TMP/err"
run "$D" -r "$S/http.pcap" -u x
check_rc_error "-u x is refused"
run "$D" -r "$S/dns.pcap" -c 1 -t e
check_grep "-t e: epoch time column" "^ +1 1795335939\.294211 " "$T_TMP/out"

# ---------------------------------------------------------------- -z errors
run "$D" -r "$S/http.pcap" -q -z smb,srt
check_rc_error "-z smb,srt (not built) fails"
check_grepf "-z: the message lists what is built" "conv,eth|ip|ipv6|tcp|udp" "$T_TMP/err"
run "$D" -r "$S/http.pcap" -q -z conv,sctp
check_rc_error "-z conv,sctp fails"
run "$D" -r "$S/http.pcap" -q -z io,stat,abc
check_rc_error "-z io,stat,abc fails"
run "$D" -r "$S/http.pcap" -q -z "io,stat,1,tcp.port=="
check_rc_error "-z io,stat with a bad filter fails"
run "$D" -r "$S/http.pcap" -q -z follow,sctp,ascii,0
check_rc_error "-z follow,sctp fails, saying so"
check_grepf "-z follow,sctp: the protocols it knows" "use tcp, udp, tls or http" "$T_TMP/err"
# a capture spanning 40 years: io,stat with a short interval is refused
# (billions of rows), with a longer one it prints
if [[ -n $PY ]]; then
  $PY - "$T_TMP/years.pcap" <<'EOF2'
import struct, sys
frame = bytes(12) + b"\x08\x00" + bytes.fromhex("4500001c0000000040110000 7f000001 7f000001".replace(" ", "")) + bytes(8)
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
    for ts in (170000000, 1500000000):
        f.write(struct.pack("<IIII", ts, 0, len(frame), len(frame)) + frame)
EOF2
  run "$D" -r "$T_TMP/years.pcap" -q -z io,stat,0.5
  check_rc_error "-z io,stat,0.5 over 42 years is refused (not billions of rows)"
  check_grepf "-z io,stat: the message asks for a longer interval" "longer interval" "$T_TMP/err"
  run "$D" -r "$T_TMP/years.pcap" -q -z io,stat,0
  check_rc_zero "-z io,stat,0 over 42 years prints"
  check_eq "-z io,stat,0: one row, both frames" 1 "$(grep -c '<> .*|      2 |' "$T_TMP/out")"
fi
run "$D" -r "$S/http.pcap" -z conv,ip
check_rc_zero "-z without -q prints packets and the table"
check_eq "-z without -q: 185 packet lines before the table" 185 \
  "$(grep -c '→' "$T_TMP/out")"

# ---------------------------------------------------------------- dissect-tui -r
TUI=$BIN/dissect-tui
if [[ -x $TUI ]] && command -v tmux >/dev/null 2>&1; then
  sess="dx-opts-$$"
  tmux new-session -d -s "$sess" -x 100 -y 30 \
    "env TERM=xterm-256color LANG=C.UTF-8 $(printf '%q' "$TUI") -r $(printf '%q' "$S/http.pcap"); echo TUI-EXITED; sleep 30"
  seen=0
  for ((i = 0; i < 100; i++)); do
    if tmux capture-pane -p -t "$sess" | grep -q "GET /index.html"; then
      seen=1
      break
    fi
    sleep 0.1
  done
  if ((seen)); then
    pass "dissect-tui -r FILE opens the capture (frame 4's GET on screen)"
  else
    fail "dissect-tui -r FILE opens the capture" "$(tmux capture-pane -p -t "$sess" | head -5)"
  fi
  tmux send-keys -t "$sess" q
  sleep 0.3
  tmux kill-session -t "$sess" 2>/dev/null
  run "$TUI" -r "$S/http.pcap" "$S/dns.pcap"
  check_rc_error "dissect-tui -r FILE FILE2 is refused"
else
  echo "SKIP dissect-tui -r (needs tmux)"
fi

finish
