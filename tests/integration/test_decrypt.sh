#!/usr/bin/env bash
# Integration tests of TLS decryption and decode-as in the `dissect` command
# line: key log errors and warnings, why a record is not decrypted, a wrong
# key, the decrypted data source, SSLKEYLOGFILE, --rsa-key and -d.
# Expected values: the requests and responses are those tshark shows with
# the same key logs (samples/README.md lists them; the differential test
# test_tshark_decrypt.sh compares every field); the error cases follow from
# how the inputs were broken here.
# Usage: test_decrypt.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_decrypt.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_decrypt.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
S=$SRC/samples
[[ -x $D ]] || skip "$D not built"
[[ -f $S/https-tls12.keylog ]] || skip "no TLS samples in $S"
t_tmpdir
export LC_ALL=C.UTF-8
unset SSLKEYLOGFILE
have_tshark=0
command -v tshark >/dev/null 2>&1 && have_tshark=1

# ---------------------------------------------------------------- key logs
run "$D" -r "$S/https-tls12.pcap" --keylog "$T_TMP/no-such.keylog"
check_rc_error "missing key log: non-zero exit"
check_grepf "missing key log: the error names the file" "no-such.keylog" "$T_TMP/err"
run "$D" -r "$S/https-tls12.pcap" -o "tls.keylog_file:$T_TMP/no-such.keylog"
check_rc_error "missing key log (-o tls.keylog_file): non-zero exit"

# The three GETs of https-tls12.pcap (tshark: frames 12, 14, 16).
run "$D" -r "$S/https-tls12.pcap" --keylog "$S/https-tls12.keylog" -T fields -e http.request.uri
check_rc_zero "--keylog: exit status 0"
check_eq "--keylog: the three requests" "/index.html /style.css /data.json" \
  "$(grep -v '^$' "$T_TMP/out" | tr '\n' ' ' | sed 's/ $//')"
run env SSLKEYLOGFILE="$S/https-tls12.keylog" "$D" -r "$S/https-tls12.pcap" -T fields \
  -e http.request.uri
check_eq "SSLKEYLOGFILE: the three requests" "/index.html /style.css /data.json" \
  "$(grep -v '^$' "$T_TMP/out" | tr '\n' ' ' | sed 's/ $//')"

# Garbage lines: counted, reported once with the first line number, and the
# good lines still work.
{
  head -n 1 "$S/https-tls12.keylog"
  echo "CLIENT_RANDOM zz not-hex"
  echo "# a comment"
  echo "SERVER_TRAFFIC_SECRET_0 0102"
  tail -n +2 "$S/https-tls12.keylog"
} >"$T_TMP/garbage.keylog"
printf '\x00\xff\x1b[31m\n' >>"$T_TMP/garbage.keylog"
run "$D" -r "$S/https-tls12.pcap" --keylog "$T_TMP/garbage.keylog" -T fields -e http.request.uri
check_rc_zero "key log with bad lines: exit status 0"
check_grep "key log with bad lines: 3 counted, first at line 2" \
  '3 malformed lines ignored \(first at line 2\)' "$T_TMP/err"
check_eq "key log with bad lines: warned once" 1 "$(grep -c malformed "$T_TMP/err")"
check_no_byte "key log with bad lines: no ESC on stderr" 1b "$T_TMP/err"
check_eq "key log with bad lines: still decrypts" 3 "$(grep -c . "$T_TMP/out")"

# A wrong master secret (last hex digit changed): the tag check fails, the
# tree says so, nothing is decrypted, and the run succeeds.
awk '{ if ($1 == "CLIENT_RANDOM") { d = substr($3, length($3), 1);
       $3 = substr($3, 1, length($3) - 1) (d == "0" ? "1" : "0") } print }' \
  "$S/https-tls12.keylog" >"$T_TMP/wrong.keylog"
run "$D" -r "$S/https-tls12.pcap" --keylog "$T_TMP/wrong.keylog" -V
check_rc_zero "wrong key: exit status 0"
check_grepf "wrong key: the tag check failure is shown" "Decryption failed: the tag check" \
  "$T_TMP/out"
check_eq "wrong key: no HTTP" 0 "$(grep -c '^Hypertext Transfer Protocol' "$T_TMP/out")"

# Why not: no key log; a key log of another connection.
run "$D" -r "$S/https-tls13.pcap" -V -Y "frame.number == 7"
check_grepf "no key log: the tree says why" "not decrypted: no key log given" "$T_TMP/out"
run "$D" -r "$S/https-tls13.pcap" --keylog "$S/tls-altport.keylog" -V -Y "frame.number == 7"
check_grepf "key log without this client random: the tree says why" \
  "the key log has no secret for this client random" "$T_TMP/out"

# A capture that starts after the handshake (frames 13 to 30 of the TLS 1.3
# sample, cut with editcap): the key log cannot help, and the tree says why.
if command -v editcap >/dev/null 2>&1; then
  editcap -r "$S/https-tls13.pcap" "$T_TMP/mid.pcap" 13-30 >/dev/null 2>&1
  run "$D" -r "$T_TMP/mid.pcap" --keylog "$S/https-tls13.keylog" -V
  check_grepf "capture started after the handshake: the tree says why" \
    "the capture started after the handshake" "$T_TMP/out"
fi

# TLS 1.3: the encrypted flight by name (tshark frame 7: Certificate,
# Certificate Verify, Finished) and the decrypted data source in -x.
run "$D" -r "$S/https-tls13.pcap" --keylog "$S/https-tls13.keylog" -Y "frame.number == 7"
check_grepf "TLS 1.3 encrypted flight named" "Certificate, Certificate Verify, Finished" \
  "$T_TMP/out"
run "$D" -r "$S/https-tls13.pcap" --keylog "$S/https-tls13.keylog" -x -Y "frame.number == 13"
check_grep "-x shows the decrypted data source" '^Decrypted TLS \([0-9]+ bytes\):' "$T_TMP/out"
run "$D" -r "$S/https-tls13.pcap" --keylog "$S/https-tls13.keylog" -T jsontree \
  -Y "frame.number == 13"
check_grepf "JSON tree names the decrypted data source" "Decrypted TLS (" "$T_TMP/out"
# Decrypted packets (HTTP/2 over TLS: decrypted, reassembled, decompressed
# sources) still validate against the schemas (the whole output).
if [[ -n ${PY:-} ]] && "$PY" -c 'import jsonschema' 2>/dev/null && [[ -f $S/http2.keylog ]]; then
  for form in json jsontree; do
    run "$D" -r "$S/http2.pcap" --keylog "$S/http2.keylog" -T $form
    nerr=$("$PY" - "$SRC/docs/$form.schema.json" "$T_TMP/out" <<'PYEOF'
import json, sys, jsonschema
v = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
print(sum(1 for _ in v.iter_errors(json.load(open(sys.argv[2])))))
PYEOF
)
    check_eq "-T $form of decrypted HTTP/2 validates against docs/$form.schema.json" 0 "$nerr"
  done
fi

# KeyUpdate (tls13-suites.pcap, frames 70 and 74 per samples/README.md) and
# the requests after it.
if [[ -f $S/tls13-suites.keylog ]]; then
  run "$D" -r "$S/tls13-suites.pcap" --keylog "$S/tls13-suites.keylog" -T fields \
    -e tls.handshake.type -Y "tls.handshake.type == 24"
  check_eq "KeyUpdate: two decrypted" 2 "$(grep -c 24 "$T_TMP/out")"
fi

# RSA key exchange with the server's key alone, and a missing key file.
if [[ -f $S/tls12-rsa.key ]]; then
  run "$D" -r "$S/tls12-rsa.pcap" --rsa-key "$S/tls12-rsa.key" -T fields -e http.request.uri
  check_eq "--rsa-key: the two requests" "/index.html /data.json" \
    "$(grep -v '^$' "$T_TMP/out" | tr '\n' ' ' | sed 's/ $//')"
  run "$D" -r "$S/tls12-rsa.pcap" --rsa-key "$T_TMP/none.key"
  check_rc_error "--rsa-key missing file: non-zero exit"
  check_grepf "--rsa-key missing file: the error names it" "none.key" "$T_TMP/err"
fi

# Secrets inside a pcapng (Decryption Secrets Block), no option needed.
if [[ -f $S/https-dsb.pcapng ]]; then
  run "$D" -r "$S/https-dsb.pcapng" -T fields -e http.request.method
  check_eq "pcapng Decryption Secrets Block: 4 requests" 4 "$(grep -c GET "$T_TMP/out")"
  if command -v gzip >/dev/null 2>&1; then
    gzip -c "$S/https-dsb.pcapng" >"$T_TMP/dsb.pcapng.gz"
    run "$D" -r "$T_TMP/dsb.pcapng.gz" -T fields -e http.request.method
    check_eq "gzip-compressed pcapng with secrets: 4 requests" 4 "$(grep -c GET "$T_TMP/out")"
  fi
  # on standard input too (tshark -r - reads them there): the blocks before
  # the first packet are read ahead and handed on to libpcap afterwards
  "$D" -r - -T fields -e http.request.method <"$S/https-dsb.pcapng" >"$T_TMP/out" 2>&1
  check_eq "pcapng secrets on standard input: 4 requests" 4 "$(grep -c GET "$T_TMP/out")"
  cat "$S/https-dsb.pcapng" | "$D" -r - -T fields -e frame.number >"$T_TMP/out" 2>&1
  check_eq "pcapng secrets on a pipe: every frame still read" \
    "$("$D" -r "$S/https-dsb.pcapng" -T fields -e frame.number | wc -l)" "$(wc -l <"$T_TMP/out")"
fi

# TLS 1.2 resumption without key log lines for the resumed connections: the
# master secrets of the full handshakes are remembered by session id and by
# ticket (tls12-resume.pcap: full, resumed by id, full with a ticket,
# resumed by ticket; tshark with the same two lines decrypts the GETs of
# frames 12, 26, 44 and 58).
if [[ -f $S/tls12-resume.keylog ]]; then
  grep -v '^#' "$S/tls12-resume.keylog" | sed -n '1p;3p' >"$T_TMP/full-only.keylog"
  run "$D" -r "$S/tls12-resume.pcap" --keylog "$T_TMP/full-only.keylog" -T fields \
    -e frame.number -e http.request.method -Y http.request
  check_eq "resumed sessions decrypted from the full handshakes' secrets" "12 26 44 58" \
    "$(cut -f1 "$T_TMP/out" | tr '\n' ' ' | sed 's/ $//')"
fi

# The session's byte budget holds TLS handshake buffers too: 40 flows each
# sending a never-ending Certificate message (200 KB of it) go past a 2 MB
# budget, and the cap is reported.
if [[ -n ${PY:-} ]]; then
  "$PY" "$SRC/tests/attacks/tls_endless_certificate.py" 40 200000 "$T_TMP/cert.pcap"
  run "$D" -r "$T_TMP/cert.pcap" -o tcp.max_total_stream_bytes:2000000 -V
  check_rc_zero "endless Certificate messages: exit status 0"
  check_grepf "endless Certificate messages: the budget is reported" \
    "TLS handshake message larger than the reassembly limit" "$T_TMP/out"
fi

# -Y tls finds the same frames as tshark's, with keys: among them the
# segments that only start a record (an empty TLS layer, as tshark shows).
if ((have_tshark)); then
  for n in https-tls13 http2 https-proxy; do
    [[ -f $S/$n.keylog ]] || continue
    tshark -r "$S/$n.pcap" -o "tls.keylog_file:$S/$n.keylog" -Y tls -T fields -e frame.number \
      >"$T_TMP/ts" 2>/dev/null
    run "$D" -r "$S/$n.pcap" --keylog "$S/$n.keylog" -Y tls -T fields -e frame.number
    check_eq "$n: -Y tls finds tshark's frames" "$(tr '\n' ' ' <"$T_TMP/ts")" \
      "$(tr '\n' ' ' <"$T_TMP/out")"
  done
fi

# The summary lines (protocol and Info columns) of every keyed sample equal
# tshark's, once our "(SNI=...)" in Client Hello lines is set aside. JSON
# and XML bodies are compared as they are ("HTTP/JSON", "HTTP2/JSON", ",
# JavaScript Object Notation (...)"; "HTTP2/XML" for Chromium's SVG
# images).
if ((have_tshark)); then
  for k in "$S"/*.keylog; do
    cap=${k%.keylog}.pcap
    [[ -f $cap ]] || continue
    # QUIC samples: test_quic.sh compares them, with their kept differences
    [[ $(basename "$cap") == quic-* ]] && continue
    tshark -r "$cap" -o "tls.keylog_file:$k" 2>/dev/null | awk '{$1 = $1; print}' >"$T_TMP/ts"
    run "$D" -r "$cap" --keylog "$k"
    sed 's/ (SNI=[^)]*)//' "$T_TMP/out" | awk '{$1 = $1; print}' >"$T_TMP/ours"
    check_eq "$(basename "$cap"): summary lines as tshark's" "" \
      "$(diff "$T_TMP/ours" "$T_TMP/ts" | head -4)"
  done
fi

# ---------------------------------------------------------------- decode-as
run "$D" -r "$S/https-tls12.pcap" -d "tcp.port==443,http" -T fields -e tls.record.content_type
check_rc_zero "-d tcp.port==443,http: exit status 0"
check_eq "-d tcp.port==443,http: no TLS left" 0 "$(grep -c . "$T_TMP/out")"
if ((have_tshark)); then
  tshark -r "$S/https-tls12.pcap" -d "tcp.port==443,http" -T fields -e http.request.method \
    -e tls.record.content_type -e http.response.code >"$T_TMP/ts" 2>/dev/null
  run "$D" -r "$S/https-tls12.pcap" -d "tcp.port==443,http" -T fields -e http.request.method \
    -e tls.record.content_type -e http.response.code
  check_eq "-d tcp.port==443,http: as tshark" "$(md5sum <"$T_TMP/ts")" "$(md5sum <"$T_TMP/out")"
fi
run "$D" -r "$S/tls-altport.pcap" --keylog "$S/tls-altport.keylog" -d "tls.port==8443,http" \
  -T fields -e http.request.method
check_eq "-d tls.port==8443,http: the GET" "GET" "$(grep -v '^$' "$T_TMP/out")"
for bad in "tcp.port=443,http" "tcp.port==443" "foo.port==1,http" "tcp.port==0,http" \
  "tcp.port==70000,http" "tcp.port==443,nosuch" "tcp.port==9-1,http"; do
  run "$D" -r "$S/https-tls12.pcap" -d "$bad"
  check_rc_error "-d $bad: refused"
  check_grepf "-d $bad: the message quotes the rule" "$bad" "$T_TMP/err"
done

# A key log that grows while dissect reads (a browser writing its keys
# during a live capture, as tshark reads on): the capture comes through a
# pipe, its packets after the keys were written; the file read at the start
# held none. The requests are those tshark decrypts with the whole key log
# (GET /index.html, /style.css, /data.json).
echo "# no keys yet" >"$T_TMP/growing.keylog"
"$PY" - "$S/https-tls12.pcap" "$T_TMP/head.bin" "$T_TMP/rest.bin" <<'EOF'
import sys
b = open(sys.argv[1], 'rb').read()
open(sys.argv[2], 'wb').write(b[:24])
open(sys.argv[3], 'wb').write(b[24:])
EOF
# late_keys KEYLOG TEXT OUT: dissect reads https-tls12 through a pipe whose
# packets come 1.5 s on, while TEXT's lines are added to KEYLOG at 0.6 s
late_keys() {
  (
    sleep 0.6
    cat "$2" >>"$1"
  ) &
  local kpid=$!
  {
    cat "$T_TMP/head.bin"
    sleep 1.5
    cat "$T_TMP/rest.bin"
  } | "$D" -l -r - --keylog "$1" -T fields -e http.request.uri >"$3" 2>"$3.err"
  wait "$kpid"
}
late_keys "$T_TMP/growing.keylog" "$S/https-tls12.keylog" "$T_TMP/grow.out"
check_eq "key log written while reading: the requests decrypted" \
  "/index.html /style.css /data.json" "$(grep . "$T_TMP/grow.out" | tr '\n' ' ' | sed 's/ $//')"
# a line still being written (no newline yet) waits for its end
printf 'CLIENT_RANDOM ' >"$T_TMP/partial.keylog"
grep -v '^#' "$S/https-tls12.keylog" | sed 's/^CLIENT_RANDOM //' >"$T_TMP/line-end.txt"
late_keys "$T_TMP/partial.keylog" "$T_TMP/line-end.txt" "$T_TMP/grow2.out"
check_eq "key log line finished while reading: the requests decrypted" \
  "/index.html /style.css /data.json" "$(grep . "$T_TMP/grow2.out" | tr '\n' ' ' | sed 's/ $//')"

finish
