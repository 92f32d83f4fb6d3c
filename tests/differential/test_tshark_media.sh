#!/usr/bin/env bash
# Differential test of how an HTTP/1.1 body is handed on by its media type
# (http.c dx_media_kind, json.c) against tshark 4.0, on hand-made responses
# (python, one TCP connection each):
#   - ~60 media types: the ones tshark's media_type table gives to
#     data-text-lines, json, xml, urlencoded-form, data (octet-stream) and
#     message-http, look-alikes it does not (text/csv, text/foo,
#     application/foo+json, application/ld+json, application/javascript,
#     ...: "media"), upper-case and parameterised types;
#   - JSON bodies tshark's grammar takes whole, in part or not at all (a
#     top-level scalar, white space only, a value cut short, bytes after
#     the value, two objects in a row, leading zeros, trailing commas,
#     bad escapes, raw control bytes in strings): the json layer covers
#     what it takes and "data-text-lines" shows the rest;
#   - text bodies that start "<?xml" (XML for tshark's text lines
#     dissector past 38 bytes);
# compared: frame.protocols and the Protocol and Info columns of every
# response, and -V of the body's layers (from the first layer after HTTP
# to the end of the packet). Not compared: the types whose tshark
# dissectors dissect does not have (application/grpc, application/sdp:
# "media" here; application/dns-message and multipart/* are compared in
# test_tshark_multipart.sh, application/ocsp-request and -response in
# test_tshark_ocsp.sh), and -V of JSON
# strings with control bytes (tshark writes \001, dissect \x01).
# Also -x (hex dumps: three spaces before the ASCII column, 5-digit
# offsets for large sources, no summary line) and the hex dump -V writes
# under a "data" layer, on samples.
# Expected values come from tshark at test time, never from dissect.
# Usage: test_tshark_media.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_tshark_media.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_tshark_media.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
S=$SRC/samples
tshark_capture_test

# mk FILE TYPE=BODY...: one HTTP/1.1 GET and its 200 response per pair
# (BODY with Python escapes)
mk() {
  PYTHONPATH="$SRC/tests/differential" $PY - "$@" <<'EOF'
import struct, sys
from tcppcap import Writer
pkt = Writer(sys.argv[1]).pkt
c, s = bytes([127, 0, 0, 1]), bytes([127, 0, 0, 2])
for i, arg in enumerate(sys.argv[2:]):
    mt, body = arg.split('=', 1)
    body = body.encode().decode('unicode_escape').encode('latin-1')
    cp = 40000 + i
    req = b'GET /x HTTP/1.1\r\nHost: a\r\n\r\n'
    resp = (b'HTTP/1.1 200 OK\r\nContent-Type: ' + mt.encode() + b'\r\nContent-Length: ' +
            str(len(body)).encode() + b'\r\n\r\n' + body)
    pkt(c, s, cp, 80, 1000, 0, 0x02)
    pkt(s, c, 80, cp, 5000, 1001, 0x12)
    pkt(c, s, cp, 80, 1001, 5001, 0x10)
    pkt(c, s, cp, 80, 1001, 5001, 0x18, req)
    pkt(s, c, 80, cp, 5001, 1001 + len(req), 0x18, resp)
EOF
}

TEXT='hello world line one\nline two\n'
TYPES=(text/plain text/html text/css text/csv text/markdown text/foo text/xml text/event-stream
  text/richtext text/enriched text/parameters text/xml-external-parsed-entity text/javascript
  text/vnd.sun.j2me.app-descriptor text/vcard text/x-log
  application/javascript application/x-javascript application/ecmascript
  application/xml-external-parsed-entity application/x-tia-p25-issi application/x-tia-p25-sndcp
  application/x-ns-proxy-autoconfig application/vnd.poc.refer-to application/vnd.drm.message
  application/x-rtsp-udp-packetpair application/x-wms-logplaystats
  application/json application/json-rpc application/jsonrequest application/dds-web+json
  application/vnd.oma.lwm2m+json application/problem+json application/merge-patch+json
  application/json-patch+json application/senml+json application/sensml+json
  application/x-ndjson application/3gppHal+json application/foo+json application/geo+json
  application/manifest+json application/ld+json application/vnd.api+json application/json-seq
  application/xml application/foo+xml application/xhtml+xml image/svg+xml application/rss+xml
  application/octet-stream image/png application/pdf application/graphql
  application/x-www-form-urlencoded message/http 'TEXT/PLAIN' 'Text/Html'
  'text/plain; charset=utf-8' 'APPLICATION/JSON')
args=()
for t in "${TYPES[@]}"; do
  case $t in
  message/http) args+=("$t=GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n") ;;
  application/octet-stream) args+=("$t=\\x00\\x01binary") ;;
  application/x-www-form-urlencoded) args+=("$t=a=1&b=%41+c&d=&e") ;;
  *) args+=("$t=$TEXT") ;;
  esac
done
# JSON bodies (application/json)
JSON=('{"a":1}' '{"a":1,' '{"a":1} x' '[1,2]\n' ' ' '123\n' '"str"\n' 'null\n' '{"a":tru}'
  '{"a":1}\n{"b":2}\n' '{"a":1}{"b":2}' '\n\n' '{"a":01}' '{a:1}' "{'a':1}" '[1,]' '{"a":1,}'
  '[true false]' '{"a" 1}' '{"a":1 "b":2}' '{"a":-}' '{"a":1e}' '{"a":"\\u12"}' '{"a":"\\x"}'
  '  {"b":[{"c":null},true,false,-0.5e+3]}  ' '[[[[[]]]]]' '{"k":{},"l":[]}')
for j in "${JSON[@]}"; do args+=("application/json=$j"); done
# raw control bytes in a string: taken (-V not compared, see above)
args+=('application/json={"a":"\x01"}')
# text bodies that start "<?xml": tshark's text lines dissector hands one of
# more than 38 bytes to XML (any case), and keeps a shorter one
XMLT=('text/html=<?xml version="1.0"?>\n<a><b>one</b><b>two</b></a>\n'
  'text/plain=<?XML version="1.0"?><note>some text here</note>'
  'text/css=<?xml version="1.0"?><cc>123456789</cc>'
  'text/html=<?xml version="1.0"?><cc>12345678</cc>'
  'text/html=  <?xml version="1.0"?><a>leading spaces</a>')
args+=("${XMLT[@]}")
nres=$((${#TYPES[@]} + ${#JSON[@]} + 1 + ${#XMLT[@]}))
# a certificate (a sample's root, DER): the pkix-cert layer (-V not
# compared: dissect's certificate summary items and tshark's BIT STRING
# padding items differ, as under TLS)
der=$($PY -c 'import base64,sys
pem=open(sys.argv[1]).read().split("-----")[2]
print("".join("\\x%02x" % b for b in base64.b64decode(pem)))' "$SRC/samples/intercept-server-root.pem")
args+=("application/pkix-cert=$der")
mk "$T_TMP/media.pcap" "${args[@]}"

F=(-e frame.protocols -e _ws.col.Protocol -e _ws.col.Info)
tshark -n -r "$T_TMP/media.pcap" -Y http.response -T fields "${F[@]}" >"$T_TMP/ts" 2>/dev/null
"$D" -r "$T_TMP/media.pcap" -Y http.response -T fields "${F[@]}" >"$T_TMP/ours" 2>"$T_TMP/err"
check_eq "responses read" "$((nres + 1))" "$(wc -l <"$T_TMP/ts")"
labels=("${TYPES[@]}")
for j in "${JSON[@]}"; do labels+=("json $j"); done
labels+=("json with a control byte")
for x in "${XMLT[@]}"; do labels+=("text that starts <?xml: $x"); done
labels+=("application/pkix-cert")
bad=()
mapfile -t ts <"$T_TMP/ts"
mapfile -t ours <"$T_TMP/ours"
for ((i = 0; i < nres + 1; i++)); do
  [[ ${ts[i]:-} == "${ours[i]:-}" ]] ||
    bad+=("${labels[i]}: tshark '${ts[i]:-}'" "  dissect '${ours[i]:-}'")
done
if ((${#bad[@]} == 0)); then
  pass "layers, Protocol and Info of $((nres + 1)) bodies by media type as tshark's"
else
  fail "layers, Protocol and Info of bodies by media type as tshark's" "${bad[@]:0:12}"
fi

# -V of what follows HTTP in each response (the last body has a control byte)
body_layers() { awk '/^Frame [0-9]+:/ { print; on = 0; next } /^[^ ]/ { on = !/^(Frame|Ethernet|Internet|Transmission|Hypertext)/ } on'; }
tshark -n -r "$T_TMP/media.pcap" -Y "http.response && frame.number < $((nres * 5))" -V 2>/dev/null |
  body_layers >"$T_TMP/ts.v"
"$D" -r "$T_TMP/media.pcap" -Y "http.response && frame.number < $((nres * 5))" -V |
  body_layers >"$T_TMP/ours.v"
if cmp -s "$T_TMP/ts.v" "$T_TMP/ours.v"; then
  pass "-V of the body layers ($(grep -c '^Frame' "$T_TMP/ts.v") responses, $(wc -l <"$T_TMP/ts.v") lines)"
else
  mapfile -t d < <(diff "$T_TMP/ts.v" "$T_TMP/ours.v" | head -12)
  fail "-V of the body layers" "(< tshark, > dissect)" "${d[@]}"
fi

# a certificate whose subject has a multi-valued RDN (CN and OU in one SET,
# made by openssl now): each name's rdnSequence, RDNSequence item and
# RelativeDistinguishedName item lines as tshark's -V
if command -v openssl >/dev/null 2>&1 &&
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T_TMP/mv.key" \
    -subj "/O=libdissect/CN=mv.example.test+OU=two values" -multivalue-rdn -days 1 \
    -outform DER -out "$T_TMP/mv.der" >/dev/null 2>&1; then
  der=$($PY -c 'import sys; print("".join("\\x%02x" % b for b in open(sys.argv[1], "rb").read()))' "$T_TMP/mv.der")
  mk "$T_TMP/mv.pcap" "application/pkix-cert=$der"
  rdn_lines() { grep -E '(rdnSequence: |RDNSequence item: |RelativeDistinguishedName item )' | sed 's/^ *//'; }
  tshark -n -r "$T_TMP/mv.pcap" -V 2>/dev/null | rdn_lines >"$T_TMP/mv.ts"
  "$D" -r "$T_TMP/mv.pcap" -V | rdn_lines >"$T_TMP/mv.ours"
  check_eq "multi-valued RDN: tshark shows an RDN of 2 items (issuer and subject)" "2" \
    "$(grep -c 'RDNSequence item: 2 items' "$T_TMP/mv.ts")"
  if cmp -s "$T_TMP/mv.ts" "$T_TMP/mv.ours"; then
    pass "multi-valued RDN: the names' lines as tshark's ($(wc -l <"$T_TMP/mv.ts") lines)"
  else
    mapfile -t d < <(diff "$T_TMP/mv.ts" "$T_TMP/mv.ours" | head -10)
    fail "multi-valued RDN: the names' lines as tshark's" "(< tshark, > dissect)" "${d[@]}"
  fi
else
  echo "SKIPPED: multi-valued RDN (openssl req failed or is not installed)"
fi

# -x, and -V's hex dump of data layers, on samples
for s in dns.pcap misc.pcap http2-h2c.pcap; do
  tshark -n -r "$S/$s" -x >"$T_TMP/x.ts" 2>/dev/null
  "$D" -r "$S/$s" -x >"$T_TMP/x.ours" 2>&1
  if cmp -s "$T_TMP/x.ts" "$T_TMP/x.ours"; then
    pass "-x of $s as tshark -x ($(wc -l <"$T_TMP/x.ts") lines)"
  else
    mapfile -t d < <(diff "$T_TMP/x.ts" "$T_TMP/x.ours" | head -8)
    fail "-x of $s as tshark -x" "${d[@]}"
  fi
done
tshark -n -r "$S/https-tls13.pcap" -o "tls.keylog_file:$S/https-tls13.keylog" -x >"$T_TMP/x.ts" 2>/dev/null
"$D" -r "$S/https-tls13.pcap" --keylog "$S/https-tls13.keylog" -x >"$T_TMP/x.ours" 2>&1
if cmp -s "$T_TMP/x.ts" "$T_TMP/x.ours"; then
  pass "-x of https-tls13.pcap with its key log (decrypted sources named as tshark's)"
else
  mapfile -t d < <(diff "$T_TMP/x.ts" "$T_TMP/x.ours" | head -8)
  fail "-x of https-tls13.pcap with its key log" "${d[@]}"
fi
# the data layers of misc.pcap (ICMP and UDP payloads) in -V
data_blocks() { awk '/^[^ 0-9]/ { on = /^Data \(/ } on'; }
tshark -n -r "$S/misc.pcap" -V 2>/dev/null | data_blocks >"$T_TMP/d.ts"
"$D" -r "$S/misc.pcap" -V | data_blocks >"$T_TMP/d.ours"
if [[ -s $T_TMP/d.ts ]] && cmp -s "$T_TMP/d.ts" "$T_TMP/d.ours"; then
  pass "-V: data layers with their hex dump, as tshark's ($(grep -c '^Data (' "$T_TMP/d.ts") layers)"
else
  mapfile -t d < <(diff "$T_TMP/d.ts" "$T_TMP/d.ours" | head -8)
  fail "-V: data layers with their hex dump, as tshark's" "${d[@]}"
fi
finish
