#!/usr/bin/env bash
# Differential test of -z follow,tcp on lossy and reordered TCP: the
# captures of Wireshark's own test suite with out-of-order segments,
# retransmissions, overlaps and segments missing from the capture (fetched
# by tests/thirdparty/fetch-wireshark-captures.sh, never committed). For
# every TCP stream of each, `dissect -q -z follow,tcp,MODE,N` prints byte
# for byte what `tshark -n -q` prints, in the ascii, hex and raw forms:
# held segments printed in sequence order when the gap before them fills,
# "[N bytes missing in capture file]." chunks where the receiver
# acknowledged bytes the capture lacks, new tails of retransmissions.
# Then the same on a capture made here, case by case, with the stream named
# by its endpoints (ADDR:PORT,ADDR:PORT) and chunk ranges too, and the cap
# dissect puts on held segments (where tshark has none).
# Expected values come from tshark 4.0, never from dissect.
# Skipped (77) without tshark or without Wireshark's captures.
# Usage: test_tshark_follow.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_tshark_follow.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_tshark_follow.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
wireshark_captures
tshark_capture_test

# same_follow NAME CAPTURE ARGS... : dissect -n -q prints what tshark does
same_follow() {
  local name=$1 f=$2
  shift 2
  tshark -n -q -r "$f" "$@" >"$T_TMP/want" 2>/dev/null
  "$D" -n -q -r "$f" "$@" >"$T_TMP/got" 2>&1
  if cmp -s "$T_TMP/want" "$T_TMP/got"; then
    pass "$name"
  else
    fail "$name" "$(diff "$T_TMP/want" "$T_TMP/got" | head -8)"
  fi
}

# CAPTURE|OPTIONS (for both tools)
CASES=(
  "http2_follow_multistream.pcapng|" # [TCP Out-Of-Order] segments, 221,166 bytes in stream 0
  "http2_follow_multistream.pcapng|-o tcp.reassemble_out_of_order:TRUE"
  "http-ooo.pcap|"  # "GET /2" comes after a gap
  "http-ooo2.pcap|"
  "dns-ooo.pcap|"
  "tcp-badsegments.pcap|"
  "challenge01_ooo_stream.pcapng.gz|"
)

for c in "${CASES[@]}"; do
  IFS='|' read -r cap opts <<<"$c"
  read -r -a o <<<"$opts"
  f=$C/$cap
  if [[ ! -f $f ]]; then
    fail "$cap: not in $C (fetch again)"
    continue
  fi
  last=$(tshark -n -r "$f" "${o[@]}" -T fields -e tcp.stream 2>/dev/null | tr ',' '\n' | sort -n | tail -1)
  if [[ -z $last ]]; then
    fail "$cap: tshark finds no TCP stream"
    continue
  fi
  for ((n = 0; n <= last; n++)); do
    # the three forms in one run of each tool (both print them in the same
    # order)
    same_follow "$cap${opts:+ $opts}: follow,tcp,ascii|hex|raw,$n" "$f" "${o[@]}" \
      -z "follow,tcp,ascii,$n" -z "follow,tcp,hex,$n" -z "follow,tcp,raw,$n"
  done
done

# follow,http on the reordered HTTP captures: per message its headers,
# then its body; a continuation (bytes that are neither a request nor a
# response) an empty header chunk, then its bytes as the body, as tshark's
# tap queues them.
for cap in http-ooo.pcap http-ooo2.pcap; do
  same_follow "$cap: follow,http,ascii|hex|raw,0" "$C/$cap" \
    -z "follow,http,ascii,0" -z "follow,http,hex,0" -z "follow,http,raw,0"
done

# A capture made here: the cases one by one (a gap filled by a segment that
# overlaps a held one, a retransmission with new bytes at its end, held
# segments acknowledged in two steps, a segment whose payload the capture
# cut short, a held segment never acknowledged, a stream seen mid-way), and
# the cap on held segments.
if [[ -z $PY ]]; then
  echo "note: python3 not found, the hand-made captures are not checked"
  finish
fi
PYTHONPATH="$SRC/tests/differential" $PY - "$T_TMP/follow.pcap" "$T_TMP/cap.pcap" <<'PYEOF'
import struct, sys
from tcppcap import Writer

class W(Writer):
    def pkt(self, src, dst, sport, dport, seq, ack, flags, payload=b'', keep=None):
        """keep: the bytes of the frame the capture keeps (a snap length)"""
        tcp = struct.pack('!HHIIBBHHH', sport, dport, seq, ack, 0x50, flags, 65535, 0, 0)
        ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 40 + len(payload), 1, 0, 64, 6, 0, src, dst)
        frame = b'\0' * 12 + b'\x08\x00' + ip + tcp + payload
        cap = frame if keep is None else frame[:keep]
        self.out.write(struct.pack('<IIII', self.t, 0, len(cap), len(frame)))
        self.out.write(cap)
        self.t += 1

SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01
C, S = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
w = W(sys.argv[1])
# stream 0: a handshake, then the client's data with gaps, overlaps and
# retransmissions; the server's acknowledgments reveal lost bytes
c = lambda seq, ack, fl, pl=b'', **k: w.pkt(C, S, 1234, 80, seq, ack, fl, pl, **k)
s = lambda seq, ack, fl, pl=b'', **k: w.pkt(S, C, 80, 1234, seq, ack, fl, pl, **k)
c(1000, 0, SYN)
s(5000, 1001, SYN | ACK)
c(1001, 5001, ACK)
c(1001, 5001, ACK | PSH, b'AAAA')            # 1001..1004
c(1013, 5001, ACK | PSH, b'CCCC')            # held: 1005..1012 missing
c(1005, 5001, ACK | PSH, b'aaaaaaaabb')      # fills the gap, overlaps the held one
c(1001, 5001, ACK | PSH, b'AAAAaaaaaaaabbCCDD')  # retransmitted with 2 new bytes
c(1030, 5001, ACK | PSH, b'EEEE')            # held
c(1040, 5001, ACK | PSH, b'FFFF')            # held
c(1025, 5001, ACK | PSH, b'ZZ')              # held, arrives last, lowest
s(5001, 1028, ACK | PSH, b'resp')            # acks past 1025: 1019..1024 missing
s(5005, 1050, ACK)                           # acks everything held
c(1044, 5005, ACK | PSH, b'GGGGGG')          # in order
c(1060, 5005, ACK | PSH, b'HHHH')            # held
c(1050, 5005, ACK | PSH, b'IIIIIIIIII', keep=14 + 40 + 4)  # 10 bytes, 4 captured
c(1054, 5005, ACK | PSH, b'JJ')              # inside the truncated one
c(1070, 5005, ACK | PSH, b'KK')              # held, never acknowledged
c(1064, 5005, ACK | FIN)
# stream 1: seen mid-way, the server's data first; the client's SYN never seen
c2 = lambda seq, ack, fl, pl=b'', **k: w.pkt(C, S, 1235, 80, seq, ack, fl, pl, **k)
s2 = lambda seq, ack, fl, pl=b'', **k: w.pkt(S, C, 80, 1235, seq, ack, fl, pl, **k)
s2(9000, 7000, ACK | PSH, b'hello')
s2(9010, 7000, ACK | PSH, b'world')          # held
c2(7000, 9005, ACK | PSH, b'x')              # acks only what came
c2(7001, 9015, ACK | PSH, b'y')              # acks past the held: 5 missing
s2(9015, 7002, ACK | PSH, b'\x00\x01\x7f\r\n\t')
c2(6990, 9021, ACK | PSH, b'0123456789abc')  # starts before: its new tail "bc"
# the cap: 1,100 one-byte segments, each after a one-byte gap, never
# acknowledged
w = W(sys.argv[2])
c = lambda seq, ack, fl, pl=b'': w.pkt(C, S, 1234, 80, seq, ack, fl, pl)
c(1000, 0, SYN)
for i in range(1100):
    c(1002 + 2 * i, 0, ACK | PSH, b'%c' % (0x41 + i % 26))
PYEOF
for n in 0 1; do
  same_follow "hand-made: follow,tcp,ascii|hex|raw,$n" "$T_TMP/follow.pcap" \
    -z "follow,tcp,ascii,$n" -z "follow,tcp,hex,$n" -z "follow,tcp,raw,$n"
done
# the stream named by its two endpoints (either order, IPv6 in brackets),
# and chunk ranges (hex offsets count the chunks left out)
for z in "follow,tcp,ascii,10.0.0.1:1234,10.0.0.2:80" "follow,tcp,hex,10.0.0.2:80,10.0.0.1:1235,2-4" \
  "follow,tcp,raw,0,3" "follow,tcp,ascii,10.0.0.2:80,10.0.0.1:9,1-2"; do
  same_follow "hand-made: $z" "$T_TMP/follow.pcap" -z "$z"
done
same_follow "misc.pcap: IPv6 endpoints" "$SRC/samples/misc.pcap" \
  -z "follow,tcp,ascii,[::1]:80,[::1]:49562" -z "follow,tcp,hex,[::1]:49562,[::1]:80,2-3"
# tshark holds every segment after a gap until it is acknowledged, without
# a limit, and prints none of these. dissect holds at most 1,024 per
# direction: at the 1,024th it prints those held, each after its one
# missing byte, and holds the next 76 (not printed).
"$D" -n -q -r "$T_TMP/cap.pcap" -z follow,tcp,ascii,0 >"$T_TMP/got" 2>&1
m=$(grep -c '^\[1 bytes missing in capture file\]\.$' "$T_TMP/got")
b=$(grep -c '^[A-Z]$' "$T_TMP/got")
if [[ $m == 1024 && $b == 1024 ]]; then
  pass "held segments capped at 1,024 per direction"
else
  fail "held segments capped at 1,024 per direction" "missing-bytes chunks: $m, data chunks: $b (want 1024 and 1024)"
fi

finish
