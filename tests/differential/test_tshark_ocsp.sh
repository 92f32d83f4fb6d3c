#!/usr/bin/env bash
# Differential test of OCSP (RFC 6960, ocsp.c) against tshark 4.0, on
# requests and responses written by ocsp_gen.py (DER by hand):
#   - as HTTP/1.1 bodies (application/ocsp-request, -response): good,
#     revoked (every reason, with and without one), unknown, byName and
#     byKey responder ids, several SingleResponses, version, nonce, CrlID,
#     archive cutoff, nocheck, acceptable responses and service locator
#     extensions, a requestorName (directoryName, dNSName), a signed request,
#     responder certificates, statuses without responseBytes, an unknown
#     response type, GeneralizedTimes with fractions of a second;
#   - stapled in a TLS 1.2 CertificateStatus message: type ocsp, type
#     ocsp_multi (a list of responses), and one cut short inside;
#   - cut short and malformed (tags the structure does not want, an absurd
#     length, a time too short, 200 nested SEQUENCEs).
# Compared: the summary lines of the OCSP and CertificateStatus frames;
# -V of the OCSP layer of the well-formed bodies and of those cut before
# the responder's certificate; -V of the Certificate Status messages. A
# body cut inside a certificate and one with a wrong tag are compared by
# their summary line only (tshark's BER shows the part of a certificate
# that is there, and its "BER Error" items its own way; dissect notes the
# certificate as malformed and a wrong tag in a note of its own). dissect's
# own certificate summary items (Subject, Issuer, Not Before, ...,
# fingerprint) are left out of -V, since tshark has none.
# With nDPI's captures ($DX_NDPI_TESTS): -V of every Certificate Status
# message of the captures that stapled one, and of the OCSP layers and
# the summary lines of ocsp.pcapng and pps.pcap (OCSP over HTTP), equal to
# tshark's; teams.pcap is left out (its responder certificates carry
# Microsoft's extensions, which x509.c does not decode).
# Expected values come from tshark at test time, never from dissect.
# Usage: test_tshark_ocsp.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_tshark_ocsp.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_tshark_ocsp.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
tshark_capture_test

P=$T_TMP/ocsp.pcap
$PY "$SRC/tests/differential/ocsp_gen.py" "$P" "$SRC/samples/intercept-server-root.pem" >"$T_TMP/list" ||
  fail "ocsp_gen.py"

# dissect's own certificate summary items, which tshark does not have, and
# the trust layer's status of the server's certificate (tls.trust.stapled,
# checked by test_trust)
ours_only() {
  grep -vE '^\s+(Subject|Issuer|Not Before|Not After|Public Key Algorithm|Public Key Size \(bits\)|Public Key Curve): |^\s+\[(SHA-256 Fingerprint|Self-signed|Certificate Authority|Key Usage): ' |
    awk 'BEGIN { skip = -1 }
      { i = match($0, /[^ ]/) - 1 }
      skip >= 0 && i > skip { next }
      { skip = -1 }
      /^ *\[Stapled OCSP status of the server.s certificate: / { skip = i; next }
      { print }'
}
# the layers after HTTP (and "Frame N:" lines)
body_layers() {
  awk '/^Frame [0-9]+:/ { print; on = 0; next } /^[^ ]/ { on = !/^(Frame|Ethernet|Internet|Transmission|Hypertext)/ } on' |
    ours_only
}
# the subtrees whose first line matches RE (and "Frame N:" lines)
subtrees() {
  awk -v RE="$1" '/^Frame [0-9]+:/ { print; on = 0; next }
    { match($0, /^ */); ind = RLENGTH }
    on && ind > depth { print; next }
    { on = 0 }
    $0 ~ RE { on = 1; depth = ind; print }' | ours_only
}
frames() { awk -v c="$1" '$2 == c { printf "%sframe.number == %s", (n++ ? " || " : ""), $1 }' "$T_TMP/list"; }
count() { awk -v c="$1" '$2 == c' "$T_TMP/list" | wc -l; }

# same NAME FILTER [FILTER-FOR-SUBTREES RE]: -V of the selected frames
same_v() {
  local name=$1 filter=$2 how=$3
  tshark -n -r "$P" -Y "$filter" -V 2>/dev/null | $how >"$T_TMP/v.ts"
  "$D" -n -r "$P" -Y "$filter" -V 2>"$T_TMP/err" | $how >"$T_TMP/v.ours"
  if [[ -s $T_TMP/v.ts ]] && cmp -s "$T_TMP/v.ts" "$T_TMP/v.ours"; then
    pass "$name ($(grep -c '^Frame' "$T_TMP/v.ts") frames, $(wc -l <"$T_TMP/v.ts") lines)"
  else
    mapfile -t d < <(diff "$T_TMP/v.ts" "$T_TMP/v.ours" | head -12)
    fail "$name" "(< tshark, > dissect)" "${d[@]}"
  fi
}

# summary lines of every OCSP and Certificate Status frame (the TLS 1.3
# Certificate, sent in the clear after the ServerHello, dissect calls
# encrypted: not compared)
tshark -n -r "$P" -Y "ocsp || tls.handshake.type == 22" 2>/dev/null | grep -v 'TLSv1.3' >"$T_TMP/s.ts"
F=$(awk '{ printf "%sframe.number == %s", (n++ ? " || " : ""), $1 }' "$T_TMP/list")
"$D" -n -r "$P" -Y "$F" >"$T_TMP/s.ours" 2>"$T_TMP/err"
check_eq "frames with OCSP" "$(wc -l <"$T_TMP/list")" "$(wc -l <"$T_TMP/s.ts")"
if cmp -s "$T_TMP/s.ts" "$T_TMP/s.ours"; then
  pass "summary lines of $(wc -l <"$T_TMP/s.ts") OCSP frames (Protocol OCSP, Info Request/Response, [Malformed Packet]) as tshark's"
else
  mapfile -t d < <(diff "$T_TMP/s.ts" "$T_TMP/s.ours" | head -12)
  fail "summary lines of the OCSP frames" "(< tshark, > dissect)" "${d[@]}"
fi

same_v "-V of $(count ok) well-formed OCSP requests and responses over HTTP" "$(frames ok)" body_layers
same_v "-V of $(count cut) OCSP bodies cut short" "$(frames cut)" body_layers
subtls() { subtrees 'Handshake Protocol: Certificate Status$'; }
same_v "-V of $(count tls) TLS Certificate Status messages (ocsp, ocsp_multi, cut short)" "$(frames tls)" subtls

# the rest: dissect does not fail, its JSON parses, nothing is printed to stderr
for mode in "-V" "-T json" "-T ek" "-x"; do
  # shellcheck disable=SC2086
  if "$D" -n -r "$P" $mode >/dev/null 2>"$T_TMP/err" && [[ ! -s $T_TMP/err ]]; then
    pass "dissect $mode on every body"
  else
    fail "dissect $mode on every body" "$(head -3 "$T_TMP/err")"
  fi
done
"$D" -n -r "$P" -T json >"$T_TMP/all.json" 2>/dev/null
if $PY -c 'import json,sys; json.load(open(sys.argv[1]))' "$T_TMP/all.json"; then
  pass "-T json of every body is JSON"
else
  fail "-T json of every body is JSON"
fi

# nDPI's captures, read in place (never copied here)
N=${DX_NDPI_TESTS:-$HOME/.cache/libdissect/ndpi-tests}
if [[ -d $N ]]; then
  for c in alexa-app.pcapng dnscrypt-v2-doh.pcap iphone.pcap malware.pcap pinterest.pcap \
    reddit.pcap simple-dnscrypt.pcap tls_long_cert.pcap viber.pcap zoom2.pcap; do
    [[ -f $N/$c ]] || continue
    P=$N/$c
    same_v "nDPI $c: -V of its Certificate Status messages" "tls.handshake.type == 22" subtls
  done
  for c in ocsp.pcapng pps.pcap; do
    [[ -f $N/$c ]] || continue
    P=$N/$c
    same_v "nDPI $c: -V of its OCSP layers" "ocsp" body_layers
    tshark -n -r "$P" -Y ocsp 2>/dev/null >"$T_TMP/s.ts"
    "$D" -n -r "$P" -Y ocsp >"$T_TMP/s.ours" 2>/dev/null
    if [[ -s $T_TMP/s.ts ]] && cmp -s "$T_TMP/s.ts" "$T_TMP/s.ours"; then
      pass "nDPI $c: summary lines of $(wc -l <"$T_TMP/s.ts") OCSP frames"
    else
      mapfile -t d < <(diff "$T_TMP/s.ts" "$T_TMP/s.ours" | head -8)
      fail "nDPI $c: summary lines of the OCSP frames" "${d[@]}"
    fi
  done
fi
# samples/tls-ocsp.pcap (made by make-samples.sh ocsp: nginx staples responses
# made by openssl ocsp): "good" over TLS 1.3 and TLS 1.2 on port 443,
# "revoked" (keyCompromise) over TLS 1.3 on 8443; the TLS 1.3 responses
# are in the encrypted Certificate, read with the key log
P=$SRC/samples/tls-ocsp.pcap
K=$SRC/samples/tls-ocsp.keylog
same_vk() {
  local name=$1 filter=$2 how=$3
  tshark -n -r "$P" -o "tls.keylog_file:$K" -Y "$filter" -V 2>/dev/null | $how >"$T_TMP/v.ts"
  "$D" -n -r "$P" --keylog "$K" -Y "$filter" -V 2>"$T_TMP/err" | $how >"$T_TMP/v.ours"
  if [[ -s $T_TMP/v.ts ]] && cmp -s "$T_TMP/v.ts" "$T_TMP/v.ours"; then
    pass "$name ($(grep -c '^Frame' "$T_TMP/v.ts") frames, $(wc -l <"$T_TMP/v.ts") lines)"
  else
    mapfile -t d < <(diff "$T_TMP/v.ts" "$T_TMP/v.ours" | head -12)
    fail "$name" "(< tshark, > dissect)" "${d[@]}"
  fi
}
substatus() { subtrees 'Extension: status_request \(len='; }
same_vk "tls-ocsp.pcap: -V of the responses stapled to TLS 1.3 certificates (decrypted)" \
  "tls.handshake.type == 11 && tls.record.opaque_type == 23" substatus
same_vk "tls-ocsp.pcap: -V of the TLS 1.2 Certificate Status message" \
  "tls.handshake.type == 22" subtls
# the trust layer's reading of each connection's response, against tshark's
# certStatus and revocation reason (CRLReason 1: keyCompromise)
tshark -n -r "$P" -o "tls.keylog_file:$K" -Y ocsp -T fields -e tcp.stream -e ocsp.good_element \
  -e ocsp.revoked_element -e ocsp.revocationReason 2>/dev/null |
  awk -F'\t' '{ s = $2 != "" ? "good" : $3 != "" ? "revoked" : "?"
    r = $4 == 1 ? "keyCompromise" : $4; print $1 "\t" s "\t" r }' >"$T_TMP/st.ts"
"$D" -n -r "$P" --keylog "$K" --ca-file "$SRC/samples/ocsp-root.pem" -Y tls.trust.stapled.status \
  -T fields -e tcp.stream -e tls.trust.stapled.status -e tls.trust.stapled.reason \
  >"$T_TMP/st.ours" 2>"$T_TMP/err"
check_eq "tls-ocsp.pcap: connections with a stapled response" 3 "$(wc -l <"$T_TMP/st.ts")"
if cmp -s "$T_TMP/st.ts" "$T_TMP/st.ours"; then
  pass "tls-ocsp.pcap: tls.trust.stapled.status and .reason of each connection as tshark reads them"
else
  mapfile -t d < <(diff "$T_TMP/st.ts" "$T_TMP/st.ours")
  fail "tls-ocsp.pcap: stapled status per connection" "(< tshark, > dissect)" "${d[@]}"
fi
check_eq "tls-ocsp.pcap: tls.risk.revoked on the revoked connection only" "2" \
  "$("$D" -n -r "$P" --keylog "$K" --ca-file "$SRC/samples/ocsp-root.pem" -Y tls.risk.revoked \
    -T fields -e tcp.stream 2>/dev/null | tr '\n' ' ' | xargs)"
# X.509 fields asked alone reach the responder's certificate inside the
# stapled response too (OCSP hosts X.509 fields: dissect must build its
# layer although no ocsp field is asked)
e=(-e frame.number -e x509af.serialNumber -e x509sat.uTF8String -e x509sat.printableString)
a=$(tshark -n -r "$P" -o "tls.keylog_file:$K" -Y x509af.version -T fields -E occurrence=a "${e[@]}" 2>/dev/null)
b=$("$D" -n -r "$P" --keylog "$K" -Y x509af.version -T fields -E occurrence=a "${e[@]}" 2>/dev/null)
if [[ -n $a && $a == "$b" ]]; then
  pass "tls-ocsp.pcap: X.509 fields asked alone as tshark's, the OCSP responder's certificate too"
else
  fail "tls-ocsp.pcap: X.509 fields asked alone" "$(diff <(echo "$a") <(echo "$b") | head -6)"
fi
finish
