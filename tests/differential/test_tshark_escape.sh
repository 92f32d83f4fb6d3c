#!/usr/bin/env bash
# Differential test of how strings with control bytes, DEL, broken and
# valid UTF-8, C1, bidi and zero-width characters are shown, against
# tshark 4.0, on hand-made packets (python): a DNS query whose name holds
# them, and an HTTP/1.1 request whose URI holds the ASCII ones and whose
# User-Agent holds them all. What tshark does, mode by mode:
#   - -V labels, the summary line (-n -r) and the Info column: its
#     format_text(): \a \b \t \n \v \f \r, \ooo for the other control bytes
#     and DEL, U+FFFD for a broken UTF-8 sequence, \u202E for a code point
#     that is not printable. Compared line for line (the DNS and HTTP
#     layers of -V).
#   - -T fields: the value as it is, but for \b \f \n \r \t (written as
#     those escapes); the DNS name's value is already format_text's.
#     dissect writes the other control bytes escaped as -V does (never raw
#     to a terminal): compared after tshark's raw ones are escaped so.
#   - -T json and -T ek: JSON escapes of the value (dissect's own document
#     layout): the values of the URI compared as decoded strings.
#   - HTTP's header values and lines are read as ASCII, as tshark's
#     (ENC_ASCII): a U+FFFD per byte >= 0x80, valid UTF-8 or not; the full
#     request URI keeps the Host header's bytes.
# Not compared: the DNS name in JSON (tshark's value is the escaped text,
# dissect's the bytes).
# Expected values come from tshark at test time, never from dissect.
# Usage: test_tshark_escape.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_tshark_escape.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_tshark_escape.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
tshark_capture_test

CAP=$T_TMP/escape.pcap CAP2=$T_TMP/escape-h2.pcap
# (one generator writes both captures: CAP, and CAP2's h2c connection)
$PY - "$CAP" "$CAP2" <<'EOF'
import struct, sys
out = open(sys.argv[1], 'wb')
out.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
t = 1
def frame(ip):
    global t
    fr = b'\0' * 12 + b'\x08\x00' + ip
    out.write(struct.pack('<IIII', t, 0, len(fr), len(fr)))
    out.write(fr)
    t += 1
def ip(proto, src, dst, l4):
    return struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(l4), 1, 0, 64, proto, 0, src, dst) + l4
def tcp(src, dst, sport, dport, seq, ack, flags, payload=b''):
    frame(ip(6, src, dst, struct.pack('!HHIIBBHHH', sport, dport, seq, ack, 0x50, flags,
                                      65535, 0, 0) + payload))
def udp(src, dst, sport, dport, payload):
    frame(ip(17, src, dst, struct.pack('!HHHH', sport, dport, 8 + len(payload), 0) + payload))
c, s = bytes([127, 0, 0, 1]), bytes([127, 0, 0, 2])
# every control byte but NUL, then DEL and the backslash
ASCII = bytes(range(1, 32)) + b'x\x7fy\\z'
# stray bytes, valid UTF-8 (e acute, U+2192), C1 NEL, bidi and zero-width
# characters, an overlong '/', a surrogate, a cut sequence, past U+10FFFF
HIGH = (b'k\x80l\xffm' + 'é→'.encode() + b'o' + '\u0085\u202e\u200b\u2066\U000e0001'.encode()
        + b'p\xc0\xafq\xed\xa0\x80r\xe2\x86s\xf4\x90\x80\x80t\xfe\xf8\x88\x80\x80\x80u')
def labels(b):
    return b''.join(bytes([len(b[i:i + 40])]) + b[i:i + 40] for i in range(0, len(b), 40)) + b'\0'
for i, name in enumerate((ASCII, HIGH, ASCII + HIGH)):
    udp(c, s, 40010 + i, 53, struct.pack('!HHHHHH', 0x1234 + i, 0x0100, 1, 0, 0, 0) +
        labels(name) + struct.pack('!HH', 1, 1))
uri = b'/' + bytes(b for b in ASCII if b not in b'\n\r ')
ua = bytes(b for b in ASCII + HIGH if b not in b'\n\r')
req = b'GET ' + uri + b' HTTP/1.1\r\nHost: a\r\nUser-Agent: ' + ua + b'\r\n\r\n'
tcp(c, s, 40001, 80, 1000, 0, 0x02)
tcp(s, c, 80, 40001, 5000, 1001, 0x12)
tcp(c, s, 40001, 80, 1001, 5001, 0x10)
tcp(c, s, 40001, 80, 1001, 5001, 0x18, req)
# non-ASCII bytes in a URI, a Host, a header, a reason phrase and a Server
req = (b'GET /caf\xc3\xa9?q=\xff HTTP/1.1\r\nHost: ex\xc3\xa9.test\r\nUser-Agent: caf\xc3\xa9 '
       + '\u202e'.encode() + b' x\xfe\r\nX-Bin: \x80\x81abc\r\n\r\n')
resp = b'HTTP/1.1 200 \xc3\x89t\xe9\r\nContent-Length: 0\r\nServer: n\xc3\xa9\r\n\r\n'
tcp(c, s, 40002, 80, 1000, 0, 0x02)
tcp(s, c, 80, 40002, 5000, 1001, 0x12)
tcp(c, s, 40002, 80, 1001, 5001, 0x10)
tcp(c, s, 40002, 80, 1001, 5001, 0x18, req)
tcp(s, c, 80, 40002, 5001, 1001 + len(req), 0x18, resp)
# CAP2: HTTP/2 header values (the h2c check below)
out.close()
out = open(sys.argv[2], 'wb')
out.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
t = 1
def h2f(ftype, flags, sid, payload):
    return struct.pack('!I', len(payload))[1:] + bytes([ftype, flags]) + struct.pack('!I', sid) + payload
def lit(name, value):  # literal without indexing, new name (lengths < 127)
    return b'\x00' + bytes([len(name)]) + name + bytes([len(value)]) + value
hb = (b'\x82\x86' + lit(b':path', b'/a%41b%e2%86%92c?q=%zz') + lit(b':authority', b'ex\xc3\xa9.test')
      + lit(b'x-bad', b'%zz') + lit(b'x-trail', b'abc%4') + lit(b'x-nul', b'a%00b')
      + lit(b'x-high', b'caf\xc3\xa9 \xff') + lit(b'x-esc-high', b'%ff%fe%C3%A9')
      + lit(b'x-ctl', b'a\x01b%09c\x7f') + lit(b'x-nul-raw', b'ab\x00cd') + lit(b'x-pct', b'100%25')
      + lit(b'x-\xc3\xa9', b'v'))
c2s = b'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n' + h2f(4, 0, 0, b'') + h2f(1, 5, 1, hb)
s2c = h2f(4, 0, 0, b'') + h2f(4, 1, 0, b'') + h2f(1, 5, 1, b'\x88' + lit(b'server', b'n%C3%A9'))
tcp(c, s, 40003, 8080, 1000, 0, 0x02)
tcp(s, c, 8080, 40003, 5000, 1001, 0x12)
tcp(c, s, 40003, 8080, 1001, 5001, 0x10)
tcp(c, s, 40003, 8080, 1001, 5001, 0x18, c2s)
tcp(s, c, 8080, 40003, 5001, 1001 + len(c2s), 0x18, s2c)
EOF
[[ -s $CAP ]] || { fail "the capture was not made"; finish; }

# -V: the DNS and HTTP layers, each from its header line on
layers() { awk '/^Frame [0-9]+:/ { print; on = 0; next } /^[^ ]/ { on = /^(Domain Name System|Hypertext Transfer Protocol)/ } on'; }
tshark -n -r "$CAP" -V 2>/dev/null | layers >"$T_TMP/ts.v"
"$D" -n -r "$CAP" -V 2>"$T_TMP/err" | layers >"$T_TMP/ours.v"
if [[ -s $T_TMP/ts.v ]] && cmp -s "$T_TMP/ts.v" "$T_TMP/ours.v"; then
  pass "-V: DNS and HTTP layers as tshark's ($(wc -l <"$T_TMP/ts.v") lines)"
else
  mapfile -t d < <(diff "$T_TMP/ts.v" "$T_TMP/ours.v" | head -12 | cat -v)
  fail "-V: DNS and HTTP layers as tshark's" "${d[@]}"
fi

# the summary lines
tshark -n -r "$CAP" 2>/dev/null >"$T_TMP/ts.s"
"$D" -n -r "$CAP" >"$T_TMP/ours.s" 2>"$T_TMP/err"
if [[ -s $T_TMP/ts.s ]] && cmp -s "$T_TMP/ts.s" "$T_TMP/ours.s"; then
  pass "summary lines as tshark's ($(wc -l <"$T_TMP/ts.s") frames)"
else
  mapfile -t d < <(diff "$T_TMP/ts.s" "$T_TMP/ours.s" | head -8 | cat -v)
  fail "summary lines as tshark's" "${d[@]}"
fi

# -T fields: tshark's raw control bytes escaped as format_text escapes them
F=(-e frame.number -e dns.qry.name -e http.request.uri -e http.request.line -e _ws.col.Info
  -e http.host -e http.user_agent -e http.response.phrase -e http.server -e http.request.full_uri
  -e http.response_for.uri)
tshark -n -r "$CAP" -Y 'dns || http' -T fields "${F[@]}" 2>/dev/null |
  $PY -c '
import sys
esc = {7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r"}
for line in sys.stdin.buffer.read().decode().split("\n"):
    print("".join(esc.get(ord(c), "\\%03o" % ord(c)) if (ord(c) < 32 and c != "\t") or ord(c) == 127
                  else c for c in line), end="\n" if line else "")
' >"$T_TMP/ts.f"
"$D" -n -r "$CAP" -Y 'dns || http' -T fields "${F[@]}" >"$T_TMP/ours.f" 2>"$T_TMP/err"
if [[ $(wc -l <"$T_TMP/ts.f") == 6 ]] && cmp -s "$T_TMP/ts.f" "$T_TMP/ours.f"; then
  pass "-T fields: names, HTTP's values and lines (non-ASCII bytes too) and Info as tshark's (its raw control bytes escaped)"
else
  mapfile -t d < <(diff "$T_TMP/ts.f" "$T_TMP/ours.f" | head -8 | cat -v)
  fail "-T fields: names, HTTP's values and lines and Info as tshark's" "${d[@]}"
fi
# no raw control byte, and none of the invisible characters, in text output
for mode in -V -T\ fields; do
  # shellcheck disable=SC2086
  "$D" -n -r "$CAP" $mode -e http.user_agent -e dns.qry.name >"$T_TMP/out" 2>/dev/null
  if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$T_TMP/out" ||
    grep -qP '[\x{80}-\x{9f}\x{200b}\x{202e}\x{2066}\x{e0001}]' "$T_TMP/out"; then
    fail "dissect $mode: a control or invisible character is written raw"
  else
    pass "dissect $mode: no control or invisible character written raw"
  fi
done

# HTTP/2 header values (h2c, prior knowledge, decoded as HTTP/2 on port
# 8080): read as ASCII strings as tshark's (a U+FFFD per byte >= 0x80, cut
# at a NUL), and tshark's "[Unescaped: ...]" item: %XX decoded as glib's
# g_uri_unescape_string() decodes them, none for a bad escape or a %00
H2=(-d tcp.port==8080,http2)
h2layer() { awk '/^Frame [0-9]+:/ { print; on = 0; next } /^[^ ]/ { on = /^HyperText Transfer Protocol 2/ } on'; }
# (tshark writes a header's control bytes raw in its "Header: " label: escaped
# here as its format_text() escapes them, as dissect always does)
ctl_escape() {
  $PY -c '
import sys
esc = {7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r"}
sys.stdout.write("\n".join("".join(esc.get(ord(c), "\\%03o" % ord(c))
                                    if (ord(c) < 32 and c != "\t") or ord(c) == 127 else c for c in line)
                            for line in sys.stdin.buffer.read().decode(errors="replace").split("\n")))
'
}
tshark -n -r "$CAP2" "${H2[@]}" -V 2>/dev/null | h2layer | ctl_escape >"$T_TMP/ts.h2v"
# (dissect matches an HTTP/2 response to its request: two items tshark 4.0
# does not have)
"$D" -n -r "$CAP2" "${H2[@]}" -V 2>"$T_TMP/err" | h2layer |
  grep -v '^        \[\(Request in frame\|Time since request\):' >"$T_TMP/ours.h2v"
if grep -q 'Unescaped: 100%]' "$T_TMP/ts.h2v" && cmp -s "$T_TMP/ts.h2v" "$T_TMP/ours.h2v"; then
  pass "-V: HTTP/2 header names, values and their Unescaped items as tshark's ($(wc -l <"$T_TMP/ts.h2v") lines)"
else
  mapfile -t d < <(diff "$T_TMP/ts.h2v" "$T_TMP/ours.h2v" | head -12 | cat -v)
  fail "-V: HTTP/2 header names, values and their Unescaped items as tshark's" "${d[@]}"
fi
F2=(-e http2.header.name -e http2.header.value -e http2.header.unescaped -e http2.headers.path
  -e http2.headers.authority -e http2.request.full_uri -e http.path_segment -e http.path_sub_segment
  -e _ws.col.Info)
tshark -n -r "$CAP2" "${H2[@]}" -Y http2.header -T fields -E occurrence=a "${F2[@]}" 2>/dev/null |
  ctl_escape >"$T_TMP/ts.h2f"
"$D" -n -r "$CAP2" "${H2[@]}" -Y http2.header -T fields -E occurrence=a "${F2[@]}" >"$T_TMP/ours.h2f" 2>"$T_TMP/err"
if [[ $(wc -l <"$T_TMP/ts.h2f") == 2 ]] && cmp -s "$T_TMP/ts.h2f" "$T_TMP/ours.h2f"; then
  pass "-T fields: HTTP/2 header names, values, unescaped values, path, authority and full URI as tshark's"
else
  mapfile -t d < <(diff "$T_TMP/ts.h2f" "$T_TMP/ours.h2f" | head -8 | cat -v)
  fail "-T fields: HTTP/2 header names, values, unescaped values, path, authority and full URI as tshark's" "${d[@]}"
fi

# -T json and -T ek: the URI's value, decoded, as tshark's
for mode in json ek; do
  tshark -n -r "$CAP" -Y http -T "$mode" 2>/dev/null >"$T_TMP/ts.j"
  "$D" -n -r "$CAP" -Y http -T "$mode" >"$T_TMP/ours.j" 2>"$T_TMP/err"
  r=$($PY - "$T_TMP/ts.j" "$T_TMP/ours.j" <<'EOF'
import json, sys
def docs(path):
    # tshark writes some labels' broken UTF-8 raw
    text = open(path, encoding='utf-8', errors='surrogateescape').read()
    try:
        d = json.loads(text)
        return d if isinstance(d, list) else [d]
    except ValueError:
        return [json.loads(l) for l in text.splitlines() if l.strip()]
def find(o, keys, out):
    if isinstance(o, dict):
        for k, v in o.items():
            if k in keys:
                out.extend(v if isinstance(v, list) else [v])
            find(v, keys, out)
    elif isinstance(o, list):
        for v in o:
            find(v, keys, out)
    return out
keys = ('http.request.uri', 'http_http_request_uri', 'http_request_uri', 'http.host', 'http_http_host',
        'http_host', 'http.user_agent', 'http_http_user_agent', 'http_user_agent')
ts = find(docs(sys.argv[1]), keys, [])
ours = find(docs(sys.argv[2]), keys, [])
print('ok' if ts and ts == ours else 'tshark %r dissect %r' % (ts, ours))
EOF
  )
  if [[ $r == ok ]]; then
    pass "-T $mode: the URIs', Hosts' and User-Agents' values as tshark's"
  else
    fail "-T $mode: the URIs', Hosts' and User-Agents' values as tshark's" "$r"
  fi
done

finish
