#!/usr/bin/env bash
# Differential test of HTTP responses whose body runs to the end of the
# connection (no Content-Length, not chunked: RFC 9112 6.3 item 8) against
# tshark 4.0, on hand-made connections (python, tcppcap.py). tshark keeps
# such a body until the server's FIN (req_resp_hdrs.c's
# DESEGMENT_UNTIL_FIN) and shows the response there, whole; so does dissect
# (stream.c, DX_DESEGMENT_UNTIL_FIN). Cases:
#   1. the body over two segments, then a FIN without data;
#   2. the body's last bytes in the FIN segment (no payload items of its own);
#   3. the whole response in the FIN segment (shown at once);
#   4. a gzip body (decoded once the FIN came);
#   5. the client resets and no FIN comes: never shown, as tshark;
#   6. a response to HEAD and a 304 (no body: shown at once);
#   7. a text line of more than 240 bytes (its label cut as tshark cuts it).
# Compared: the summary lines, -T fields of the HTTP and reassembly fields,
# and -V of every frame (without dissect's "Three-way handshake step"
# lines, which tshark 4.0 does not have).
# Expected values come from tshark at test time, never from dissect.
# Usage: test_tshark_http_close.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_tshark_http_close.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_tshark_http_close.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
tshark_capture_test

PYTHONPATH="$SRC/tests/differential" $PY - "$T_TMP/close.pcap" <<'EOF'
import gzip, sys
from tcppcap import Writer
w = Writer(sys.argv[1])
c, s = bytes([127, 0, 0, 1]), bytes([127, 0, 0, 2])


def conn(port, req, parts, fin_data=b'', end='fin'):
    """One connection: the request, the response in parts, then the end."""
    w.pkt(c, s, port, 80, 1000, 0, 0x02)
    w.pkt(s, c, 80, port, 5000, 1001, 0x12)
    w.pkt(c, s, port, 80, 1001, 5001, 0x10)
    w.pkt(c, s, port, 80, 1001, 5001, 0x18, req)
    cseq, sseq = 1001 + len(req), 5001
    for part in parts:
        w.pkt(s, c, 80, port, sseq, cseq, 0x18, part)
        sseq += len(part)
    if end == 'fin':
        w.pkt(s, c, 80, port, sseq, cseq, 0x19 if fin_data else 0x11, fin_data)
        sseq += len(fin_data) + 1
        w.pkt(c, s, port, 80, cseq, sseq, 0x11)
    else:
        w.pkt(c, s, port, 80, cseq, sseq, 0x14)


get = b'GET /a HTTP/1.1\r\nHost: x\r\n\r\n'
hdr = b'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n'
conn(41001, get, [hdr + b'first line\n', b'second line\n'])
conn(41002, get, [hdr + b'first line\n'], fin_data=b'last line\n')
conn(41003, get, [], fin_data=hdr + b'all of it\n')
gz = gzip.compress(b'compressed body line\n' * 20, mtime=0)
conn(41004, get, [b'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\n\r\n' +
                  gz[:40], gz[40:]])
conn(41005, get, [hdr + b'never ends\n'], end='rst')
conn(41006, b'HEAD /a HTTP/1.1\r\nHost: x\r\n\r\n', [hdr])
conn(41007, get, [b'HTTP/1.1 304 Not Modified\r\n\r\n'])
conn(41008, get, [hdr + b'word ' * 100 + b'\n'])
EOF

tshark -n -r "$T_TMP/close.pcap" >"$T_TMP/ts.sum" 2>/dev/null
"$D" -n -r "$T_TMP/close.pcap" >"$T_TMP/ours.sum" 2>"$T_TMP/err"
check_eq "frames read" 56 "$(wc -l <"$T_TMP/ts.sum")"
if cmp -s "$T_TMP/ts.sum" "$T_TMP/ours.sum"; then
  pass "summary lines of $(wc -l <"$T_TMP/ts.sum") frames as tshark's"
else
  mapfile -t d < <(diff "$T_TMP/ts.sum" "$T_TMP/ours.sum" | head -12)
  fail "summary lines as tshark's" "(< tshark, > dissect)" "${d[@]}"
fi

F=(-e frame.number -e http.response.code -e http.content_type -e http.content_encoding
  -e http.file_data -e http.request_in -e tcp.segment -e tcp.segment.count
  -e tcp.reassembled.length -e tcp.segment_data -e tcp.payload -e data-text-lines)
tshark -n -r "$T_TMP/close.pcap" -T fields -E occurrence=a "${F[@]}" >"$T_TMP/ts.f" 2>/dev/null
"$D" -n -r "$T_TMP/close.pcap" -T fields -E occurrence=a "${F[@]}" >"$T_TMP/ours.f" 2>"$T_TMP/err"
if cmp -s "$T_TMP/ts.f" "$T_TMP/ours.f"; then
  pass "HTTP and reassembly fields of every frame as tshark's"
else
  mapfile -t d < <(diff "$T_TMP/ts.f" "$T_TMP/ours.f" | head -12)
  fail "HTTP and reassembly fields as tshark's" "(< tshark, > dissect)" "${d[@]}"
fi
# (counted by hand: the responses of cases 1-4 and 7 in their FIN frames,
# none in case 5, those of case 6 at once)
check_eq "frames with a response (dissect)" "7 14 20 28 40 47 55" \
  "$(awk -F'\t' '$2 != "" { printf "%s%s", sep, $1; sep = " " }' "$T_TMP/ours.f")"

tshark -n -r "$T_TMP/close.pcap" -V 2>/dev/null >"$T_TMP/ts.v"
"$D" -n -r "$T_TMP/close.pcap" -V 2>"$T_TMP/err" | grep -v 'Three-way handshake step' >"$T_TMP/ours.v"
if cmp -s "$T_TMP/ts.v" "$T_TMP/ours.v"; then
  pass "-V of every frame as tshark's ($(wc -l <"$T_TMP/ts.v") lines)"
else
  mapfile -t d < <(diff "$T_TMP/ts.v" "$T_TMP/ours.v" | head -12)
  fail "-V of every frame as tshark's" "(< tshark, > dissect)" "${d[@]}"
fi
finish
