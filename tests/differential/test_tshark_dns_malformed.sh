#!/usr/bin/env bash
# Differential test of DNS messages that end before they should, against
# tshark 4.0: over TCP (one connection per message, each with its two-byte
# length) and over UDP. tshark meets an exception when its DNS dissector
# reads past a message's end; what it then shows is what dissect must show:
#   - a message of 0-3 bytes: no DNS layer at all, "[Malformed Packet: DNS]"
#     alone, Info cleared ("[Malformed Packet]"), frame.protocols still
#     naming dns; 4-11 bytes: ID and flags, the counts that fit, then the
#     exception;
#   - such a message followed by another in the same segment: the next one
#     rewrites Info (the "[Malformed Packet]" goes with it);
#   - counts larger than the records: the section's header if a byte of it
#     is there, without the record being read (a question or record cut in
#     its name, type, class or data is not shown), no request matching;
#   - label types: an unknown extended label (0x4x) first in a name or
#     reached through a pointer, and the reserved type 0x80: exception; an
#     unknown extended label after a label: the name "<Unknown extended
#     label>"; a bit-string label (0x41): skipped;
#   - over UDP, a header cut by the capture's snapshot length (tshark:
#     "[Packet size limited during capture: DNS truncated]") and records
#     running out in the first fragment of a datagram that was not
#     reassembled ("[BoundError Unreassembled Packet: DNS]").
# Compared: the summary lines and -V of every frame (without dissect's
# "Three-way handshake step" lines). Expected values come from tshark at
# test time, never from dissect.
# Usage: test_tshark_dns_malformed.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_tshark_dns_malformed.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_tshark_dns_malformed.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
tshark_capture_test

PYTHONPATH="$SRC/tests/differential" $PY - "$T_TMP/tcp.pcap" "$T_TMP/udp.pcap" <<'PYEOF'
import struct
import sys
from tcppcap import Writer


def H(i, f, q, a, ns=0):
    return struct.pack('!HHHHHH', i, f, q, a, ns, 0)


def name(n):
    return b''.join(bytes([len(p)]) + p for p in n.split(b'.')) + b'\0'


q = name(b'host.example.com') + b'\x00\x01\x00\x01'
rr = b'\xc0\x0c\x00\x01\x00\x01\x00\x00\x01\x2c\x00\x04\x0a\x00\x00\x01'
mx = b'\xc0\x0c\x00\x0f\x00\x01\x00\x00\x01\x2c\x00\x09\x00\x0a\x04mail\xc0\x0c'
head = bytes([0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0])
nxt = H(0xabcd, 0x0100, 0, 0)
msgs = [head[:n] for n in range(13)] + [
    H(0x1234, 0x0100, 2, 0) + q,                   # 2 questions, 1 there
    H(0x1235, 0x8180, 1, 1) + q,                   # the answer missing
    H(0x1236, 0x8180, 1, 2) + q + rr,              # the second answer missing
    H(0x1237, 0x8180, 1, 1) + q + rr[:7],          # an answer cut in its TTL
    H(0x1238, 0x0100, 1, 0) + q[:8],               # a question cut in its name
    H(0x1239, 0x8180, 1, 1, 1) + q + rr,           # the authority missing
    H(0x1240, 0x8180, 1, 1) + q + rr[:14],         # A data cut
    H(0x1241, 0x8180, 1, 1) + q + mx[:16],         # MX data cut in its name
    H(0x1242, 0x8180, 1, 1) + q + rr[:1],          # a pointer cut
    H(0x1243, 0x8180, 1, 1) + q + rr[:4],          # type and half the class
    H(0x1244, 0x0100, 1, 0) + q[:18],              # half the class
    H(0x1245, 0x8180, 1, 1) + q + rr[:12],         # no record data
    H(0x1250, 0x0100, 1, 0) + b'\x03abc\x42\x00\x01\x00\x01',
    H(0x1251, 0x0100, 1, 0) + b'\x42\x00\x01\x00\x01',
    H(0x1252, 0x0100, 1, 0) + b'\x03abc\x80\x00\x01\x00\x01',
    H(0x1253, 0x0100, 1, 0) + b'\x03abc\x41\x08\xff\x00\x00\x01\x00\x01',
    H(0x1254, 0x8180, 1, 1) + q + b'\x7f' + rr[2:],
    H(0x1255, 0x0100, 2, 0) + b'\x03abc\x42\x00\x01\x00\x01\xc0\x0c\x00\x01\x00\x01',
    H(0x1256, 0x0100, 1, 0) + b'\x03www\xc0\xff\x00\x01\x00\x01',
]
w = Writer(sys.argv[1], 1000)
c, s = bytes([127, 0, 0, 1]), bytes([127, 0, 0, 2])
for n, m in enumerate(msgs):
    port = 40000 + n
    w.pkt(c, s, port, 53, 1000, 0, 0x02)
    w.pkt(s, c, 53, port, 5000, 1001, 0x12)
    w.pkt(c, s, port, 53, 1001, 5001, 0x10)
    d = struct.pack('!H', len(m)) + m
    if n % 2:  # another message after it in the same segment
        d += struct.pack('!H', len(nxt)) + nxt
    w.pkt(c, s, port, 53, 1001, 5001, 0x18, d)

out = open(sys.argv[2], 'wb')
out.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
def udp_frame(n, m, frag=False, caplen=None):
    udp = struct.pack('!HHHH', 40000 + n, 53, 8 + len(m), 0) + m
    ipl = 20 + len(udp)
    if frag:  # the first fragment of a datagram 1,000 bytes longer
        udp = struct.pack('!HHHH', 40000 + n, 53, 1008 + len(m), 0) + m
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, ipl, 1, 0x2000 if frag else 0, 64, 17, 0,
                     bytes([127, 0, 0, 1]), bytes([127, 0, 0, 2]))
    fr = b'\0' * 12 + b'\x08\x00' + ip + udp
    cl = len(fr) if caplen is None else caplen
    out.write(struct.pack('<IIII', 1, n, cl, len(fr)) + fr[:cl])


for n, m in enumerate(msgs[1:]):
    udp_frame(n, m)
# the capture's cut (snapshot length) inside the header, after 4 and 2 of
# its bytes (tshark: "[Packet size limited during capture: DNS
# truncated]"); the first fragment of a datagram not reassembled, whose
# records run out (tshark: "[BoundError Unreassembled Packet: DNS]")
udp_frame(40, H(0x1260, 0x8400, 1, 1) + q + rr, caplen=14 + 20 + 8 + 4)
udp_frame(41, H(0x1261, 0x8400, 1, 1) + q + rr, caplen=14 + 20 + 8 + 2)
udp_frame(42, H(0x1262, 0x8183, 1, 2) + q + rr, frag=True)
PYEOF

for kind in tcp udp; do
  f=$T_TMP/$kind.pcap
  tshark -n -r "$f" >"$T_TMP/ts.sum" 2>/dev/null
  "$D" -n -r "$f" >"$T_TMP/ours.sum" 2>"$T_TMP/err"
  check_eq "$kind: frames read" "$([ $kind = tcp ] && echo 128 || echo 34)" "$(wc -l <"$T_TMP/ts.sum")"
  check_same "$kind: summary lines as tshark's" "$T_TMP/ts.sum" "$T_TMP/ours.sum"
  tshark -n -r "$f" -V 2>/dev/null >"$T_TMP/ts.v"
  "$D" -n -r "$f" -V 2>"$T_TMP/err" | grep -v 'Three-way handshake step' >"$T_TMP/ours.v"
  check_same "$kind: -V of every frame as tshark's ($(wc -l <"$T_TMP/ts.v") lines)" "$T_TMP/ts.v" "$T_TMP/ours.v"
  tshark -n -r "$f" -T fields -e frame.protocols -e dns.id -e dns.qry.name \
    -E occurrence=a 2>/dev/null >"$T_TMP/ts.f"
  "$D" -n -r "$f" -T fields -e frame.protocols -e dns.id -e dns.qry.name \
    -E occurrence=a 2>"$T_TMP/err" >"$T_TMP/ours.f"
  check_same "$kind: frame.protocols, dns.id, dns.qry.name as tshark's" "$T_TMP/ts.f" "$T_TMP/ours.f"
done
# (read from tshark -V by hand: the 2-byte message over UDP has no DNS layer)
check_eq "udp: frames without a DNS layer but with [Malformed Packet: DNS] (tshark)" 3 \
  "$(grep -c '^\[Malformed Packet: DNS\]' <(tshark -n -r "$T_TMP/udp.pcap" -V -Y 'udp.length < 12' 2>/dev/null))"
finish
