#!/usr/bin/env bash
# Differential test of TCP reassembly after a lost segment against tshark
# 4.0 (default preferences: no out-of-order reassembly), on hand-made HTTP
# connections (python, tcppcap.py) whose response (4,117 bytes, known
# Content-Length) comes in four segments, the second one late:
#   1. segments 1 3 4 then 2 (flagged Out-Of-Order: the PDU is listed
#      there, no HTTP layer);
#   2. the same with duplicate ACKs (2 flagged a Retransmission);
#   3. 1 3 2 4 (2 fills the hole, 4 completes the response in order);
#   4. 1 4 3 2;
#   then, 1 ms apart so that the late segment is a Fast Retransmission
#   (two or three duplicate ACKs before it), which completes the response
#   in its own frame with the bytes kept past the hole:
#   5. 1 3 4 then 2;  6. 1 4 3 then 2;  7. 1 3 4, three duplicate ACKs, 2.
# Compared: the summary lines, -T fields of the reassembly and HTTP fields,
# and -V of every frame (without dissect's "Three-way handshake step"
# lines, which tshark 4.0 does not have).
# Expected values come from tshark at test time, never from dissect.
# Usage: test_tshark_tcp_loss.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_tshark_tcp_loss.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_tshark_tcp_loss.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
tshark_capture_test

for kind in slow fast; do
  PYTHONPATH="$SRC/tests/differential" $PY - "$T_TMP/$kind.pcap" "$kind" <<'PYEOF'
import sys
from tcppcap import Writer
fast = sys.argv[2] == 'fast'
w = Writer(sys.argv[1], 1000 if fast else 1000000)
c, s = bytes([127, 0, 0, 1]), bytes([127, 0, 0, 2])


def conn(port, order, dupacks=0, dup_each=False):
    """One connection; the response's four segments sent in this order."""
    w.pkt(c, s, port, 80, 1000, 0, 0x02)
    w.pkt(s, c, 80, port, 5000, 1001, 0x12)
    w.pkt(c, s, port, 80, 1001, 5001, 0x10)
    req = b'GET /a HTTP/1.1\r\nHost: x\r\n\r\n'
    w.pkt(c, s, port, 80, 1001, 5001, 0x18, req)
    cseq = 1001 + len(req)
    body = b''.join(b'line %04d of the body.....\n' % i for i in range(150))
    data = (b'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n'
            % len(body)) + body
    size = (len(data) + 3) // 4
    segs = [(5001 + i * size, data[i * size:(i + 1) * size]) for i in range(4)]
    for i, k in enumerate(order):
        if i == len(order) - 1:
            for _ in range(dupacks):
                w.pkt(c, s, port, 80, cseq, segs[1][0], 0x10)
        w.pkt(s, c, 80, port, segs[k][0], cseq, 0x18, segs[k][1])
        if i == 0 or (dup_each and k != 0):
            w.pkt(c, s, port, 80, cseq, segs[1][0], 0x10)
    end = 5001 + len(data)
    w.pkt(c, s, port, 80, cseq, end, 0x10)
    w.pkt(s, c, 80, port, end, cseq, 0x11)
    w.pkt(c, s, port, 80, cseq, end + 1, 0x11)


if fast:
    conn(42011, [0, 2, 3, 1], 2)
    conn(42012, [0, 3, 2, 1], 2)
    conn(42013, [0, 2, 3, 1], 3)
else:
    conn(42001, [0, 2, 3, 1])
    conn(42002, [0, 2, 3, 1], 0, True)
    conn(42003, [0, 2, 1, 3])
    conn(42004, [0, 3, 2, 1])
PYEOF
done

F=(-e frame.number -e tcp.analysis.flags -e tcp.segment -e tcp.segment.count
  -e tcp.reassembled.length -e tcp.segment_data -e http.response.code -e http.content_length)
for kind in slow fast; do
  f=$T_TMP/$kind.pcap
  tshark -n -r "$f" >"$T_TMP/ts.sum" 2>/dev/null
  "$D" -n -r "$f" >"$T_TMP/ours.sum" 2>"$T_TMP/err"
  check_eq "$kind: frames read" "$([ $kind = fast ] && echo 43 || echo 51)" "$(wc -l <"$T_TMP/ts.sum")"
  check_same "$kind: summary lines as tshark's" "$T_TMP/ts.sum" "$T_TMP/ours.sum"
  tshark -n -r "$f" -T fields -E occurrence=a "${F[@]}" >"$T_TMP/ts.f" 2>/dev/null
  "$D" -n -r "$f" -T fields -E occurrence=a "${F[@]}" >"$T_TMP/ours.f" 2>"$T_TMP/err"
  check_same "$kind: reassembly and HTTP fields as tshark's" "$T_TMP/ts.f" "$T_TMP/ours.f"
  tshark -n -r "$f" -V 2>/dev/null >"$T_TMP/ts.v"
  "$D" -n -r "$f" -V 2>"$T_TMP/err" | grep -v 'Three-way handshake step' >"$T_TMP/ours.v"
  check_same "$kind: -V of every frame as tshark's ($(wc -l <"$T_TMP/ts.v") lines)" "$T_TMP/ts.v" "$T_TMP/ours.v"
done
# (read from tshark's -V by hand: the three Fast Retransmissions complete
# the response in their own frame, each listing its 1,030 bytes as segment
# data besides the reassembled PDU)
check_eq "fast: frames completing the response (dissect)" "11 25 40" \
  "$(awk -F'\t' '$7 != "" { printf "%s%s", sep, $1; sep = " " }' "$T_TMP/ours.f")"
finish
