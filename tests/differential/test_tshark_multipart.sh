#!/usr/bin/env bash
# Differential test of the bodies tshark 4.0 hands to "dns" (application/
# dns-message: DNS over HTTPS, RFC 8484) and "mime_multipart" (multipart/*,
# RFC 2046) against tshark, on hand-made HTTP/1.1 and HTTP/2 (h2c, prior
# knowledge) exchanges (python, one TCP connection each, or one for all
# the HTTP/2 streams):
#   - DoH: POST queries and their answers (ID 0 as RFC 8484 asks, and
#     not), several on one connection, two pipelined identical queries (a
#     retransmission), an answer without its query, a query cut short; a
#     GET with ?dns=BASE64URL, which tshark 4.0 does not decode;
#   - multipart: form-data with a file, mixed with a preamble, JSON,
#     nested alternative and an epilogue, byteranges (HTTP/1.x takes any
#     multipart/ subtype, HTTP/2 only those tshark registers), quoted and
#     escaped boundaries, LF-only lines, no boundary parameter, an empty
#     boundary, no close delimiter, a boundary inside a body, a boundary
#     line with bytes after it, the close delimiter at the end of a line,
#     header lines without ':', folded and compact headers, every known
#     part header, parts of text, JSON (whole and with a tail), XML, forms,
#     message/http, DNS, images, octet-stream and no type, empty parts of
#     each type, multipart/encrypted;
# compared: frame.protocols, the Protocol and Info columns of every packet,
# -T fields of every mime_multipart.* field and of the DNS fields, and -V
# of the layers after HTTP's (HTTP/1.1) and after HTTP/2's.
# Not compared (differences kept on purpose, see README): the -V of
# bodies tshark stops with an exception (its "[Malformed Packet: X]" item at
# the top; dissect marks the item that ran out and keeps what it read:
# part headers ending in bare LFs, empty XML or DNS parts, DNS messages cut
# short), the GSS-API token of multipart/encrypted (data here), control
# bytes in part headers (tshark writes \001, dissect \x01), the DNS
# fields of DNS messages cut short. Expected values come from tshark
# at test time, never from dissect.
# Usage: test_tshark_multipart.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_tshark_multipart.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_tshark_multipart.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
tshark_capture_test

# mk OUT KIND: KIND "h1" (compared whole), "h1bad" (columns and fields
# only), "h2" (HTTP/2 streams on port 8080)
mk() {
  PYTHONPATH="$SRC/tests/differential" $PY - "$@" <<'EOF'
import base64, struct, sys
from tcppcap import Writer
pkt = Writer(sys.argv[1]).pkt
kind = sys.argv[2]
C, S = bytes([127, 0, 0, 1]), bytes([127, 0, 0, 2])
def conn(i, segs, port=80):
    """segs: (0 client->server | 1 server->client, bytes)"""
    cp = 40000 + i
    pkt(C, S, cp, port, 1000, 0, 0x02)
    pkt(S, C, port, cp, 5000, 1001, 0x12)
    pkt(C, S, cp, port, 1001, 5001, 0x10)
    cs, ss = 1001, 5001
    for d, pl in segs:
        if d == 0:
            pkt(C, S, cp, port, cs, ss, 0x18, pl)
            cs += len(pl)
        else:
            pkt(S, C, port, cp, ss, cs, 0x18, pl)
            ss += len(pl)
def req(method, path, ctype=None, body=b''):
    h = method.encode() + b' ' + path.encode() + b' HTTP/1.1\r\nHost: a\r\n'
    if ctype is not None:
        h += b'Content-Type: ' + ctype.encode() + b'\r\n'
    if body or method == 'POST':
        h += b'Content-Length: ' + str(len(body)).encode() + b'\r\n'
    return h + b'\r\n' + body
def resp(ctype, body):
    return (b'HTTP/1.1 200 OK\r\nContent-Type: ' + ctype.encode() + b'\r\nContent-Length: ' +
            str(len(body)).encode() + b'\r\n\r\n' + body)
NAME = b'\x07example\x03com\x00'
def qry(i, name=NAME, qt=1):
    return struct.pack('!6H', i, 0x0100, 1, 0, 0, 0) + name + struct.pack('!HH', qt, 1)
def ans(i, name=NAME):
    return (struct.pack('!6H', i, 0x8180, 1, 2, 0, 0) + name + b'\x00\x01\x00\x01' +
            b'\xc0\x0c\x00\x01\x00\x01\x00\x00\x0e\x10\x00\x04\x5d\xb8\xd8\x22' +
            b'\xc0\x0c\x00\x01\x00\x01\x00\x00\x0e\x10\x00\x04\x5d\xb8\xd8\x23')
DOH = 'application/dns-message'
def part(ct, body, extra=b''):
    return extra + (b'Content-Type: ' + ct + b'\r\n' if ct is not None else b'') + b'\r\n' + body
def mp(parts, b=b'bb', end=b'--\r\n'):
    return b'--' + b + b'\r\n' + (b'\r\n--' + b + b'\r\n').join(parts) + b'\r\n--' + b + end
MIXED = 'multipart/mixed; boundary=bb'
bodies = [
 ('multipart/form-data; boundary=XyZ',
  b'--XyZ\r\nContent-Disposition: form-data; name="field1"\r\n\r\nvalue1\r\n--XyZ\r\n'
  b'Content-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n'
  b'\r\nhello\nworld\n\r\n--XyZ--\r\n'),
 ('multipart/mixed; boundary="quoted b"',
  b'preamble text\r\n--quoted b\r\nContent-Type: application/json\r\n\r\n{"a":1}\r\n--quoted b\r\n'
  b'Content-Type: multipart/alternative; boundary=inner\r\n\r\n--inner\r\nContent-Type: text/plain'
  b'\r\n\r\nplain\r\n--inner\r\nContent-Type: text/html\r\n\r\n<b>x</b>\r\n--inner--\r\n\r\n'
  b'--quoted b--\r\nepilogue here\r\n'),
 ('multipart/byteranges; boundary=3d6b6a416f9b5',
  b'--3d6b6a416f9b5\r\nContent-Type: text/html\r\nContent-Range: bytes 0-50/1270\r\n\r\n<html>x'
  b'\r\n--3d6b6a416f9b5\r\nContent-Type: text/html\r\nContent-Range: bytes 100-150/1270\r\n\r\n'
  b'eta http\r\n--3d6b6a416f9b5--'),
 ('multipart/form-data', b'--XyZ\r\nContent-Disposition: form-data; name="f"\r\n\r\nv\r\n--XyZ--\r\n'),
 ('multipart/form-data; boundary=TR', b'--TR\r\nContent-Disposition: form-data; name="f"\r\n\r\nvalue'),
 (MIXED, b'--bb\r\nContent-Type: text/plain\r\n\r\nthis has --bb inside and\r\nx--bb\r\n--bbnot\r\n'
         b'--bb\r\n\r\nno headers part\r\n--bb--\r\n'),
 (MIXED, b'--bb\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n--bb\r\nContent-Type: application/'
         b'octet-stream\r\n\r\n\x00\x01\x02\r\n--bb\r\nContent-Transfer-Encoding: base64\r\n'
         b'Content-Type: text/plain\r\n\r\naGVsbG8=\r\n--bb\r\nContent-Id: <x@y>\r\nX-Custom: 1\r\n'
         b'Content-Type: text/plain; charset=utf-8\r\nContent-Description: d\r\n\r\nhi\r\n--bb--\r\n'),
 (MIXED, mp([part(b'application/json', b'{"a":1}'), part(b'application/json', b'[2] x')])),
 (MIXED, mp([part(b'application/x-www-form-urlencoded', b'a=1&b=2'),
             part(b'message/http', b'GET / HTTP/1.1\r\nHost: x\r\n\r\n'), part(b'application/xml', b'<a>x</a>')])),
 (MIXED, mp([part(b'application/dns-message', ans(7))])),
 (MIXED, mp([part(b'text/plain', b'x'), part(b'application/dns-message', qry(7)), part(b'text/plain', b'y')])),
 (MIXED, b'--bb\r\nContent-Type: text/plain\r\n\r\nx--bb--\r\nafter'),
 (MIXED, b'--bb\r\nContent-Type: text/plain\r\n--bb--\r\n'),
 (MIXED, b'--bb\r\nContent-Type: text/plain;\r\n charset=x\r\nc: text/html\r\n\r\nfolded\r\n--bb--'),
 (MIXED, b'--bb  \r\nContent-Type: text/plain\r\n\r\npadded\r\n--bb--  \r\n'),
 (MIXED, mp([part(b'multipart/byteranges; boundary=cc', b'--cc\r\n\r\nz\r\n--cc--'),
             part(b'MULTIPART/ALTERNATIVE; boundary=dd', b'--dd\r\nContent-Type: text/plain\r\n\r\nq\r\n--dd--')])),
 (MIXED, b'--bb--\r\nonly close'),
 (MIXED, b'no boundary anywhere\r\nat all'),
 (MIXED, b'pre\r\n--bb\r\n\r\n\r\n--bb--'),
 (MIXED, b'--bb\r\nNoColonLine\r\nContent-Type: text/plain\r\n\r\nx\r\n--bb--'),
 ('multipart/foo; boundary=bb', mp([part(b'text/plain', b'x')])),
 ('MULTIPART/Mixed; Boundary="a\\"b"', mp([part(b'text/plain', b'x')], b=b'a"b')),
 ('multipart/mixed; boundary=', b'--\r\nContent-Type: text/plain\r\n\r\nx\r\n----\r\n'),
 ('multipart/mixed; charset=x; boundary = bb ; foo=1', mp([part(b'text/plain', b'x')])),
 ('multipart/encrypted; boundary=bb', mp([part(b'text/plain', b'x')])),
 ('multipart/encrypted; boundary=bb; protocol="application/foo"', mp([part(b'text/plain', b'x')])),
 ('multipart/encrypted; boundary=bb', b'--bb\r\n\r\nx\r\n--bb\r\nContent-Type: text/plain\r\n\r\ny\r\n--bb--\r\n'),
 (MIXED, mp([part(b'image/png', b'\x89PNG'), part(None, b'raw', b'Content-Disposition: attachment; filename="f.bin"\r\n')])),
 (MIXED, b'--bb\r\nContent-Length: 5\r\nContent-Language: en\r\nContent-Encoding: identity\r\n'
         b'OriginalContent: text/plain\r\nContent-Type: text/plain\r\n\r\nx\r\n--bb--'),
 (MIXED, b'--bb\r\nContent-Type: text/plain\r\n\r\nx\r\n--bb--'),
 (MIXED, b'--bb\nContent-Type: text/plain\n\nx\n--bb--\r\n'),
] + [(MIXED, b'--bb\r\nContent-Type: ' + ct + b'\r\n\r\n\r\n--bb\r\nContent-Type: text/plain\r\n\r\nz\r\n--bb--\r\n')
     for ct in [b'text/plain', b'application/json', b'image/png', b'application/x-www-form-urlencoded',
                b'message/http', b'multipart/mixed', b'application/octet-stream']]
bad = [
 ('multipart/form-data; boundary=LF', b'--LF\nContent-Disposition: form-data; name="f"\n\nv\n--LF\n'
  b'Content-Type: text/plain\n\nline\n--LF--\n'),
 (MIXED, b'--bb\r\nContent-Type: text/plain\r\nX-\x01bad: 1\r\n\r\nx\r\n--bb--'),
 (MIXED, b'--bb\r\nContent-Type: text/plain\r\n\r\nline1\nline2\n--bb\nContent-Type: text/html\n\nh\n--bb--\n'),
 (MIXED, b'--bb\r\nContent-Type: application/xml\r\n\r\n\r\n--bb--\r\n'),
 (MIXED, b'--bb\r\nContent-Type: application/dns-message\r\n\r\n\r\n--bb--\r\n'),
]
P = lambda b: req('POST', '/dns-query', DOH, b)
R = lambda b: resp(DOH, b)
if kind == 'h1':
    i = 0
    conn(i, [(0, P(qry(0xabcd))), (1, R(ans(0xabcd))), (0, P(qry(0))), (1, R(ans(0)))]); i += 1
    conn(i, [(0, P(qry(0, qt=28))), (0, P(qry(0, qt=28))), (1, R(ans(0))), (1, R(ans(0)))]); i += 1
    conn(i, [(0, req('GET', '/dns-query?dns=' + base64.urlsafe_b64encode(qry(0)).decode().rstrip('='))),
             (1, R(ans(0)))]); i += 1
    conn(i, [(1, R(ans(5)))]); i += 1
    conn(i, [(0, req('POST', '/up', bodies[0][0], bodies[0][1])), (1, resp(*bodies[1]))]); i += 1
    for ct, body in bodies[2:]:
        conn(i, [(0, req('GET', '/x')), (1, resp(ct, body))]); i += 1
elif kind == 'h1bad':
    conn(0, [(0, P(qry(0xabcd)[:20])), (1, R(b'\x00'))])
    for i, (ct, body) in enumerate(bad):
        conn(i + 1, [(0, req('GET', '/x')), (1, resp(ct, body))])
else:
    PREFACE = b'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'
    def frame(ftype, flags, sid, payload):
        return struct.pack('!I', len(payload))[1:] + bytes([ftype, flags]) + struct.pack('!I', sid) + payload
    def lit(name, value):
        return b'\x00' + bytes([len(name)]) + name + bytes([len(value)]) + value
    items = [(DOH, qry(0), DOH, ans(0)), (DOH, qry(1), DOH, ans(1))]
    items += [(None, b'', ct, body) for ct, body in bodies[:3] + bodies[7:11]]
    segs = [(0, PREFACE + frame(4, 0, 0, b'')), (1, frame(4, 0, 0, b'') + frame(4, 1, 0, b'')),
            (0, frame(4, 1, 0, b''))]
    for i, (qct, qb, rct, rb) in enumerate(items):
        sid = 2 * i + 1
        hb = (b'\x83' if qb else b'\x82') + b'\x86' + lit(b':path', b'/p') + lit(b':authority', b'a')
        if qct:
            hb += lit(b'content-type', qct.encode())
        segs.append((0, frame(1, 4, sid, hb) + frame(0, 1, sid, qb)) if qb else (0, frame(1, 5, sid, hb)))
        segs.append((1, frame(1, 4, sid, b'\x88' + lit(b'content-type', rct.encode())) + frame(0, 1, sid, rb)))
    conn(0, segs, 8080)
EOF
}

mk "$T_TMP/h1.pcap" h1
mk "$T_TMP/h1bad.pcap" h1bad
mk "$T_TMP/h2.pcap" h2
H2=(-d tcp.port==8080,http2)

# cmp_out NAME FILE_TS FILE_OURS: pass when equal, else the first lines of
# the diff
cmp_out() {
  if [[ -s $2 ]] && cmp -s "$2" "$3"; then
    pass "$1 ($(wc -l <"$2") lines)"
  else
    mapfile -t d < <(diff "$2" "$3" | head -12)
    fail "$1" "(< tshark, > dissect)" "${d[@]}"
  fi
}

# the columns and layers of every packet
COLS=(-e frame.number -e frame.protocols -e _ws.col.Protocol -e _ws.col.Info)
for c in h1 h1bad h2; do
  o=()
  [[ $c == h2 ]] && o=("${H2[@]}")
  tshark -n -r "$T_TMP/$c.pcap" "${o[@]}" -T fields "${COLS[@]}" >"$T_TMP/$c.ts" 2>/dev/null
  "$D" -n -r "$T_TMP/$c.pcap" "${o[@]}" -T fields "${COLS[@]}" >"$T_TMP/$c.ours" 2>&1
  cmp_out "$c: frame.protocols, Protocol and Info of every packet" "$T_TMP/$c.ts" "$T_TMP/$c.ours"
done
check_grep "h1: DoH in the Protocol column" "DoH" "$T_TMP/h1.ours"
check_grep "h1: mime_multipart in frame.protocols" "mime_multipart" "$T_TMP/h1.ours"
check_grep "h2: DoH over HTTP/2" "DoH" "$T_TMP/h2.ours"

# every mime_multipart field and the DNS fields
FIELDS=()
for f in type part header.content-description header.content-disposition header.content-encoding \
  header.content-id header.content-language header.content-length header.content-transfer-encoding \
  header.content-type header.originalcontent first_boundary preamble last_boundary boundary trailer; do
  FIELDS+=(-e "mime_multipart.$f")
done
for f in id flags.response flags.opcode flags.rcode qry.name qry.type count.answers a resp.ttl \
  response_to time retransmission retransmit_request_in retransmit_response_in unsolicited; do
  FIELDS+=(-e "dns.$f")
done
FIELDS+=(-e json.key -e json.value.number -e data-text-lines -e media.type -e data.len -e xml.tag)
MP_FIELDS=("${FIELDS[@]:0:32}")
for c in h1 h1bad h2; do
  o=()
  [[ $c == h2 ]] && o=("${H2[@]}")
  if [[ $c == h1bad ]]; then # DNS messages cut short: see above
    tshark -n -r "$T_TMP/$c.pcap" -T fields -E occurrence=a "${MP_FIELDS[@]}" >"$T_TMP/$c.fts" 2>/dev/null
    "$D" -n -r "$T_TMP/$c.pcap" -T fields -E occurrence=a "${MP_FIELDS[@]}" >"$T_TMP/$c.fours" 2>&1
    cmp_out "$c: -T fields of the 16 mime_multipart fields" "$T_TMP/$c.fts" "$T_TMP/$c.fours"
    continue
  fi
  tshark -n -r "$T_TMP/$c.pcap" "${o[@]}" -T fields -E occurrence=a "${FIELDS[@]}" >"$T_TMP/$c.fts" 2>/dev/null
  "$D" -n -r "$T_TMP/$c.pcap" "${o[@]}" -T fields -E occurrence=a "${FIELDS[@]}" >"$T_TMP/$c.fours" 2>&1
  cmp_out "$c: -T fields of ${#FIELDS[@]} mime_multipart, dns and body fields" "$T_TMP/$c.fts" "$T_TMP/$c.fours"
done

# -V of what follows HTTP (HTTP/1.1) and HTTP/2 (the body layers)
after_http() { awk '/^Frame [0-9]+:/ { print; on = 0; next } /^[^ ]/ { on = !/^(Frame|Ethernet|Internet|Transmission|Hypertext)/ } on'; }
tshark -n -r "$T_TMP/h1.pcap" -Y http -V 2>/dev/null | after_http >"$T_TMP/h1.vts"
"$D" -n -r "$T_TMP/h1.pcap" -Y http -V | after_http >"$T_TMP/h1.vours"
cmp_out "h1: -V of the body layers ($(grep -c '^Frame' "$T_TMP/h1.vts") messages)" "$T_TMP/h1.vts" "$T_TMP/h1.vours"
# both nest them in HTTP/2's layer (4 more columns: a body that is not
# content-encoded goes one level above its Data item)
body_h2() { awk '/^Frame [0-9]+:/ { print; on = 0; next } /^    [A-Z]/ { on = /^    (Domain Name System|MIME Multipart)/ } /^[^ ]/ { on = 0 } on { sub(/^    /, ""); print }'; }
tshark -n -r "$T_TMP/h2.pcap" "${H2[@]}" -V 2>/dev/null | body_h2 >"$T_TMP/h2.vts"
"$D" -n -r "$T_TMP/h2.pcap" "${H2[@]}" -V | body_h2 >"$T_TMP/h2.vours"
cmp_out "h2: -V of the DNS and multipart layers" "$T_TMP/h2.vts" "$T_TMP/h2.vours"
finish
