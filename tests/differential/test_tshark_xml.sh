#!/usr/bin/env bash
# Differential test of the xml layer (libdissect/proto/xml.c) against
# tshark 4.0: the layer as -V prints it (each "eXtensible Markup Language"
# block, from its header line on, taken out of both outputs at its own
# indentation: tshark nests the body's layer of HTTP/2 in the HTTP/2 item,
# dissect puts it after HTTP/2's layer) and its fields with -T fields,
# with frame.protocols and the Protocol and Info columns, on
#   - hand-made HTTP/1.1 responses (python, one TCP segment each): XML of
#     every kind Wireshark's grammar knows (declaration, PIs, DOCTYPE with
#     and without an internal subset, comments, CDATA sections, empty
#     tags, prefixes, white space inside tags, quoted and bare attribute
#     values) and malformed (end tags with nothing open, unrecognized
#     text, constructs that do not end, a body that stops inside a tag),
#     long texts whose labels tshark cuts, and the media types of tshark's
#     list (an XML layer for each, none for application/foo+xml);
#   - bodies with backslashes, control bytes and broken UTF-8: -V only (the
#     control bytes and broken UTF-8 of a string field are written escaped
#     by dissect's -T fields, never raw; tshark writes them raw);
#   - samples/browser-h2.pcap with its key log (SVG images over HTTP/2);
#   - the corpus captures ipv4_tcp_http_xml.pcap and
#     ipv4_tcp_http_xml_tso.pcap when the corpus is there (a note if not).
# Not compared (kept apart on purpose, see the README): bodies nested
# deeper than 60 elements or with more than 5000 items (dissect's caps),
# the media types that tshark gives to a DTD's own protocol
# (application/cpim-pidf+xml, application/smil,
# application/mediaservercontrol+xml) and documents whose elements are
# those of the DTDs tshark ships (rss, presence, smil, ...: fields named
# after the DTD there).
# Expected values come from tshark at test time, never from dissect.
# Usage: test_tshark_xml.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_tshark_xml.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_tshark_xml.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
S=$SRC/samples
CORPUS=${DX_CORPUS:-$SRC/../shared/corpus}/tcpdump
tshark_capture_test

FIELDS=(frame.protocols _ws.col.Protocol _ws.col.Info http.file_data xml xml.xmlpi
  xml.cdatasection xml.comment xml.attribute xml.doctype xml.dtdtag xml.cdata xml.tag
  xml.unknown xml.xmlpi.xml xml.xmlpi.xml.version xml.xmlpi.xml.encoding
  xml.xmlpi.xml.standalone xml.closing_unopened_tag xml.closing_unopened_xmpli_tag
  xml.unrecognized_text)
E=()
for f in "${FIELDS[@]}"; do E+=(-e "$f"); done

# The XML layers of a -V output, each from its header at its own level.
xml_blocks() {
  awk 'function ind(s) { match(s, /^ */); return RLENGTH }
    /^Frame [0-9]+:/ { print; inx = 0; next }
    {
      if (inx && ind($0) > hi) { print substr($0, hi + 1); next }
      inx = 0
      if ($0 ~ /^ *eXtensible Markup Language/) { hi = ind($0); inx = 1; print substr($0, hi + 1) }
    }'
}

# compare NAME CAP [READ OPTIONS...] -- DISSECT OPTIONS...: -V blocks, and
# the fields unless NAME ends in "(-V)".
compare() {
  local name=$1 cap=$2
  shift 2
  local ta=() da=()
  while (($#)) && [[ $1 != -- ]]; do
    ta+=("$1")
    shift
  done
  (($#)) && shift
  da=("$@")
  tshark -r "$cap" "${ta[@]}" -V 2>/dev/null | xml_blocks >"$T_TMP/ts.v"
  "$D" -r "$cap" "${da[@]}" -V 2>"$T_TMP/err" | xml_blocks >"$T_TMP/ours.v"
  if ! grep -q '^eXtensible' "$T_TMP/ts.v"; then
    fail "$name: tshark shows no xml layer"
  elif cmp -s "$T_TMP/ts.v" "$T_TMP/ours.v"; then
    pass "$name: -V of the xml layers ($(grep -c '^eXtensible' "$T_TMP/ts.v"), $(wc -l <"$T_TMP/ts.v") lines)"
  else
    fail "$name: -V of the xml layers differs (< tshark, > dissect)" \
      "$(diff "$T_TMP/ts.v" "$T_TMP/ours.v" | head -12)"
  fi
  [[ $name == *"(-V)" ]] && return
  tshark -r "$cap" "${ta[@]}" -T fields -E occurrence=a "${E[@]}" >"$T_TMP/ts.f" 2>/dev/null
  "$D" -r "$cap" "${da[@]}" -T fields -E occurrence=a "${E[@]}" >"$T_TMP/ours.f" 2>"$T_TMP/err"
  if cmp -s "$T_TMP/ts.f" "$T_TMP/ours.f"; then
    pass "$name: ${#FIELDS[@]} fields in $(wc -l <"$T_TMP/ts.f") frames"
  else
    fail "$name: fields differ (< tshark, > dissect; columns: ${FIELDS[*]})" \
      "$(diff "$T_TMP/ts.f" "$T_TMP/ours.f" | head -8 | cut -c1-300)"
  fi
}

# ---- hand-made responses ---------------------------------------------------------
$PY - "$T_TMP" <<'EOF'
import struct, sys
out = sys.argv[1]

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF

def frame(sport, dport, payload):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, 1, 1, 0x50, 0x18, 65535, 0, 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0,
                     bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return bytes(6) + bytes(6) + b"\x08\x00" + ip + tcp

def write(name, items):
    with open("%s/%s" % (out, name), "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for i, (ct, body) in enumerate(items):
            hdr = b"HTTP/1.1 200 OK\r\nContent-Type: " + ct + b"\r\n"
            hdr += b"Content-Length: %d\r\n\r\n" % len(body)
            p = frame(80, 40000 + i, hdr + body)
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(p), len(p)) + p)

X = b"application/xml"
write("xml.pcap", [
    (b"text/xml; charset=utf-8",
     b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
     b'<!DOCTYPE note SYSTEM "note.dtd">\n'
     b"<note a='x' b = \"y\" c=12 d=abc e.f=\"1\">\n  <!-- a comment -->\n"
     b"  <to>Tove</to>\n  <![CDATA[<raw> & stuff]]>\n  <e/><f g=\"1\"/>\n</note>\n"),
    (X, b"<!DOCTYPE html [\n<!ELEMENT html (#PCDATA)>\n<!ATTLIST html x CDATA #IMPLIED>\n]>\n"
        b"<html>hi</html>"),
    (X, b"<a><b>unclosed"),
    (X, b"</x><a></a></b>"),
    (X, b'<a b="1" c><d>'),
    (X, b'< a  x = "1" >text< / a >'),
    (X, b"junk <a>ok</a> more"),
    (X, b"<a><!x>"),
    (X, b"<a><!x></a>"),
    (X, b'<?xml-stylesheet href="a.css"?><?XML version="1"?><a/>'),
    (X, b'<ns:tag ns:attr="v"><ns : other/></ns:tag>'),
    (X, b'<a.b c.d="1"/>'),
    (X, b"<!-- unterminated"),
    (X, b"<a>" + b"x" * 300 + b'</a><b c="' + b"y" * 300 + b'"/>'),
    (X, b"<a>"),
    (X, b"   "),
    (X, b"<![CDATA[x]]"),
    (X, b"<?xml?>"),
    (X, b"]>"),
    (X, b"<a/>?>"),
    (X, b"<r>\r\n\t<i  n = '1'  />\r\n</r>\r\n"),
    (X, b"<r><i>" * 29 + b"</i></r>" * 29),
    (b"image/svg+xml", b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="1"/></svg>'),
] + [(t, b"<a/>") for t in (b"application/soap+xml", b"application/atom+xml",
                            b"application/rss+xml", b"application/xml-dtd",
                            b"application/x-wms-sendevent", b"text/vnd.wap.wml",
                            b"application/vnd.wv.csp.xml", b"message/imdn+xml",
                            b"application/vnd.3gpp.mcptt-info+xml", b"TEXT/XML")])
write("bytes.pcap", [
    (X, b"<to>Tove\\back\ttab</to>"),
    (X, b'<a x="\\"">q</a>'),
    (X, b"<a>\x01\x7f\xc3\xa9\xe2\x80\xae\xff\xc3(\xf0\x9f\x98\x80\xed\xa0\x80</a>"),
    (X, b"<a>\x00nul</a>"),
])
write("notxml.pcap", [(b"application/foo+xml", b"<a/>"), (b"application/json", b"[1]")])
EOF
compare "hand-made XML bodies" "$T_TMP/xml.pcap"
compare "bodies with backslashes, control bytes, broken UTF-8 (-V)" "$T_TMP/bytes.pcap"
tshark -r "$T_TMP/notxml.pcap" -T fields -e frame.protocols 2>/dev/null >"$T_TMP/ts.p"
"$D" -r "$T_TMP/notxml.pcap" -T fields -e frame.protocols >"$T_TMP/ours.p" 2>&1
if grep -q ':xml' "$T_TMP/ts.p" "$T_TMP/ours.p"; then
  fail "no xml layer for application/foo+xml and application/json" "$(cat "$T_TMP/ts.p" "$T_TMP/ours.p")"
else
  pass "no xml layer for application/foo+xml and application/json (neither side)"
fi

# ---- samples ---------------------------------------------------------------------
if [[ -f $S/browser-h2.pcap && -f $S/browser-h2.keylog ]]; then
  # (the frames with an xml layer: the others' Info differs where dissect
  # names the server in a Client Hello)
  compare "browser-h2.pcap (with its key log)" "$S/browser-h2.pcap" \
    -o "tls.keylog_file:$S/browser-h2.keylog" -Y xml -- --keylog "$S/browser-h2.keylog" -Y xml
fi

# ---- corpus ----------------------------------------------------------------------
if [[ -d $CORPUS ]]; then
  for b in ipv4_tcp_http_xml.pcap ipv4_tcp_http_xml_tso.pcap; do
    if [[ -f $CORPUS/$b ]]; then
      compare "corpus $b" "$CORPUS/$b"
    else
      echo "note: $b not in the corpus at $CORPUS"
    fi
  done
else
  echo "note: no corpus at $CORPUS, its XML captures not compared"
fi

finish
