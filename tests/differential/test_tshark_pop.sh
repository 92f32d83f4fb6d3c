#!/usr/bin/env bash
# Differential test of POP3 (pop.c) against tshark 4.0 on a hand-made
# session (python, tcppcap.py): the greeting, USER and PASS, STAT, a
# multi-line LIST answer, RETR answered "+OK <size> octets" with the
# message in three segments (reassembled by its size and handed to the
# Internet Message Format), RETR answered "+OK" without a size (each data
# segment alone), -ERR, then STLS and a TLS record on the same connection.
# Compared: the summary lines, every pop.* field and the message's imf.*
# fields of every frame, and -V of the POP and IMF layers.
# Expected values come from tshark at test time, never from dissect.
# Usage: test_tshark_pop.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_tshark_pop.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_tshark_pop.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
tshark_capture_test

PYTHONPATH="$SRC/tests/differential" $PY - "$T_TMP/pop.pcap" <<'EOF'
import sys
from tcppcap import Writer
w = Writer(sys.argv[1])
c, s = bytes([127, 0, 0, 1]), bytes([127, 0, 0, 2])
port, cs, ss = 40200, 1001, 5001
w.pkt(c, s, port, 110, 1000, 0, 0x02)
w.pkt(s, c, 110, port, 5000, 1001, 0x12)
w.pkt(c, s, port, 110, 1001, 5001, 0x10)


def c2s(d):
    global cs
    w.pkt(c, s, port, 110, cs, ss, 0x18, d)
    cs += len(d)


def s2c(d):
    global ss
    w.pkt(s, c, 110, port, ss, cs, 0x18, d)
    ss += len(d)


msg = (b'From: Ann <ann@a.example>\r\nTo: bob@b.example\r\nSubject: lunch\r\n'
       b'Content-Type: text/plain; charset=us-ascii\r\n\r\nAt noon?\r\nSee you.\r\n')
s2c(b'+OK POP3 server ready\r\n')
c2s(b'USER bob\r\n')
s2c(b'+OK\r\n')
c2s(b'PASS secret\r\n')
s2c(b'+OK logged in\r\n')
c2s(b'STAT\r\n')
s2c(b'+OK 2 320\r\n')
c2s(b'LIST\r\n')
s2c(b'+OK 2 messages\r\n1 %d\r\n2 120\r\n.\r\n' % len(msg))
c2s(b'RETR 1\r\n')
s2c(b'+OK %d octets\r\n' % len(msg))
s2c(msg[:40])
s2c(msg[40:100])
s2c(msg[100:])
s2c(b'.\r\n')
c2s(b'RETR 2\r\n')
s2c(b'+OK\r\n')
s2c(b'Subject: two\r\n\r\nbody\r\n.\r\n')
c2s(b'DELE 9\r\n')
s2c(b'-ERR no such message\r\n')
c2s(b'STLS\r\n')
s2c(b'+OK Begin TLS\r\n')
c2s(bytes.fromhex('15030300020228'))
EOF

tshark -n -r "$T_TMP/pop.pcap" >"$T_TMP/ts.sum" 2>/dev/null
"$D" -n -r "$T_TMP/pop.pcap" >"$T_TMP/ours.sum" 2>"$T_TMP/err"
check_eq "frames read" 26 "$(wc -l <"$T_TMP/ts.sum")"
if cmp -s "$T_TMP/ts.sum" "$T_TMP/ours.sum"; then
  pass "summary lines of $(wc -l <"$T_TMP/ts.sum") frames as tshark's"
else
  mapfile -t d < <(diff "$T_TMP/ts.sum" "$T_TMP/ours.sum" | head -12)
  fail "summary lines as tshark's" "(< tshark, > dissect)" "${d[@]}"
fi

F=(-e frame.number -e frame.protocols -e pop.request -e pop.request.command -e pop.request.parameter
  -e pop.request.data -e pop.response -e pop.response.indicator -e pop.response.description
  -e pop.response.data -e pop.data.fragment -e pop.data.fragment.count -e pop.data.reassembled.length
  -e imf.from -e imf.to -e imf.subject -e imf.display_name -e imf.address -e tls.record.content_type)
tshark -n -r "$T_TMP/pop.pcap" -T fields -E occurrence=a "${F[@]}" >"$T_TMP/ts.f" 2>/dev/null
"$D" -n -r "$T_TMP/pop.pcap" -T fields -E occurrence=a "${F[@]}" >"$T_TMP/ours.f" 2>"$T_TMP/err"
if cmp -s "$T_TMP/ts.f" "$T_TMP/ours.f"; then
  pass "pop.*, imf.* and tls.record.content_type of every frame as tshark's"
else
  mapfile -t d < <(diff "$T_TMP/ts.f" "$T_TMP/ours.f" | head -12)
  fail "pop.*, imf.* and tls.record.content_type as tshark's" "(< tshark, > dissect)" "${d[@]}"
fi

# (the message of RETR 1 is reassembled from its three segments: counted by
# hand, one frame with 3 fragments and the subject)
check_eq "RETR 1's message reassembled from 3 segments" "3 lunch" \
  "$(awk -F'\t' '$12 != "" { print $12, $16 }' "$T_TMP/ours.f")"

layers() { awk '/^Frame [0-9]+:/ { print; on = 0; next } /^[^ ]/ { on = /^(Post Office|Internet Message|Line-based|\[[0-9]+ DATA)/ } on'; }
tshark -n -r "$T_TMP/pop.pcap" -Y pop -V 2>/dev/null | layers >"$T_TMP/ts.v"
"$D" -n -r "$T_TMP/pop.pcap" -Y pop -V 2>"$T_TMP/err" | layers >"$T_TMP/ours.v"
if cmp -s "$T_TMP/ts.v" "$T_TMP/ours.v"; then
  pass "-V of the POP and IMF layers ($(grep -c '^Frame' "$T_TMP/ts.v") frames, $(wc -l <"$T_TMP/ts.v") lines)"
else
  mapfile -t d < <(diff "$T_TMP/ts.v" "$T_TMP/ours.v" | head -12)
  fail "-V of the POP and IMF layers" "(< tshark, > dissect)" "${d[@]}"
fi
finish
