#!/usr/bin/env bash
# Differential test on nDPI's test captures (tests/pcap of the ndpi source
# package: traffic of browsers, apps, VPNs, malware, fuzzed files, made by
# nDPI's contributors, not by this project), fetched by
# tests/thirdparty/fetch-ndpi-captures.sh into $DX_NDPI_TESTS (default
# ~/.cache/libdissect/ndpi-tests) and never committed. On every capture
# but those in EXCLUDED, `dissect -T fields -E occurrence=a` must equal
# tshark's, frame by frame, for the fields of fields-ndpi.txt (IPv4, IPv6,
# UDP, TCP and its sequence analysis, DNS, TLS, DTLS, HTTP/1.x, NTP). The expected
# values are tshark's; a frame listed in KEPT differs for the reason
# written beside it and is left out of the comparison for the fields it
# names. A capture in EXCLUDED is not compared at all, for the reason
# written there (a protocol dissect does not decode, a tshark quirk that
# changes a whole capture, or a difference not yet examined: each such one
# is work left). A mismatch is a bug on one of the two sides: find out
# which before changing anything; this test is never weakened to make it
# pass. Skipped (77) when the captures have not been fetched.
# Usage: test_tshark_ndpi.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_tshark_ndpi.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_tshark_ndpi.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
ndpi_captures
tshark_capture_test

. "$SRC/tests/differential/fieldlib.sh"
field_sets --dissect-must-know "$SRC/tests/differential/fields-ndpi.txt"
((${#OUR_FIELDS[@]})) || skip "no fields listed"

# Captures not compared: CAPTURE REASON (one per line).
EXCLUDED=$(
  cat <<'XEOF'
doq.pcapng DNS over QUIC (tshark decodes DNS in QUIC streams), which dissect does not decode
vnc.pcap tshark's VNC dissector starts a new conversation at the first VNC message: tcp.stream and TCP's sequence analysis start again in tshark
rdp.pcap tshark's TPKT dissector keeps the connection after RDP's negotiation and shows its TLS records as "TPKT Continuation"; dissect shows the TLS handshake
anyconnect-vpn.pcap TLS on TCP port 8009, AJP13's port in tshark: its AJP13 dissector reads the records' first 4 bytes as an AJP13 header and waits for a PDU the capture never completes; dissect has no AJP13 dissector and finds the TLS records by the heuristic (its TCP port 443 streams, mDNS and SSDP compare equal) (its DTLS on UDP port 443, found by the heuristic, gives the same summary lines)
dnscrypt-v1-and-resolver-pings.pcap DNSCrypt certificates in TXT records: tshark 4.0 cuts a TXT string at its first NUL byte, dissect shows it whole, escaped (dns.txt is the only field that differs; the summary lines are equal, test_tshark_ndpi_summary.sh)
avast_securedns.pcapng DNSCrypt, as dnscrypt-v1-and-resolver-pings.pcap
badpackets.pcap DNS in first IP fragments never reassembled: tshark drops a record whose data runs past the fragment's end, dissect shows its fixed part marked malformed
fuzz-2006-06-26-2594.pcap (1) udp.stream from frame 626: tshark's SIP/SDP set up an RTP conversation with a wildcard address, so frames 625 (a fuzzed address) and 626 share stream 198; dissect has no SIP/SDP; (2) DNS names running past the message or with the reserved label type 0x80: tshark's expand_dns_name throws and shows no question or record at all (frames 11, 43, ...), dissect shows the partial name marked malformed (as badpackets.pcap); (3) extended label types 0x40 (RFC 2673): tshark names them "<Unknown extended label>" and reads the type and class right after the label's first byte (frames 18, 25, ...), dissect calls the name malformed
ndpi_match_string_subprotocol__error.pcapng not yet examined: an HTTP response line 'HTTP/1.' and a non-digit byte (tshark reads a response), a Content-Type value starting with a NUL byte; the TCP fields are equal
443-opvn.pcap OpenVPN over TCP (port 1194): tshark's OpenVPN dissector takes the TLS handshake out of the P_CONTROL_V1 messages (frames 10, 12, ...); dissect has no OpenVPN dissector (it would need the 2-byte TCP framing, opcode and key id, session ids, the ACK arrays and packet ids, and the reassembly of the control channel's TLS bytes)
XEOF
)

# Kept differences, one per line: CAPTURE FRAME FIELD-PREFIX, each for a
# reason written here:
#  - ajp.pcap frame 30 (work left, TCP sequence analysis): the capture
#    holds its connection twice, the second copy with the same earlier
#    timestamps; tshark calls this segment a retransmission, dissect out of
#    order (frame 29, a spurious retransmission, is equal now).
#  - webex.pcap frames 508-599 and 1535-1540 (tcp.window_size): two
#    connections whose client sent its SYN with a window scale (shift 6)
#    and whose server answered with SYN-ACKs without one, each SYN and
#    SYN-ACK sent again. RFC 7323 1.3 and 2.2: without the option in the
#    SYN-ACK neither side scales, so the client's window is the field's
#    value (14600), as dissect shows. tshark 4.0 turns scaling off at the
#    first SYN-ACK but takes the shift of the retransmitted SYN again
#    (verify_tcp_window_scaling changes only an unknown scale, and its
#    retransmitted SYN-ACK no longer undoes it): 934400.
#  - fuzz-2006-09-29-28586.pcap frame 20 (http.host, http.content_type):
#    fuzzed header values with a NUL byte and a control byte (0x18).
#    tshark 4.0 cuts a value at its first NUL and prints the control byte
#    raw; dissect shows the whole value, such bytes escaped (\000, \030),
#    since no raw packet byte may reach a terminal.
KEPT=$(
  cat <<'KEOF'
ajp.pcap 30 tcp.analysis.
webex.pcap 508 tcp.window_size
webex.pcap 509 tcp.window_size
webex.pcap 511 tcp.window_size
webex.pcap 512 tcp.window_size
webex.pcap 514 tcp.window_size
webex.pcap 515 tcp.window_size
webex.pcap 517 tcp.window_size
webex.pcap 518 tcp.window_size
webex.pcap 520 tcp.window_size
webex.pcap 521 tcp.window_size
webex.pcap 523 tcp.window_size
webex.pcap 524 tcp.window_size
webex.pcap 526 tcp.window_size
webex.pcap 527 tcp.window_size
webex.pcap 530 tcp.window_size
webex.pcap 531 tcp.window_size
webex.pcap 532 tcp.window_size
webex.pcap 533 tcp.window_size
webex.pcap 540 tcp.window_size
webex.pcap 541 tcp.window_size
webex.pcap 542 tcp.window_size
webex.pcap 565 tcp.window_size
webex.pcap 568 tcp.window_size
webex.pcap 571 tcp.window_size
webex.pcap 574 tcp.window_size
webex.pcap 578 tcp.window_size
webex.pcap 596 tcp.window_size
webex.pcap 599 tcp.window_size
webex.pcap 1535 tcp.window_size
webex.pcap 1536 tcp.window_size
webex.pcap 1539 tcp.window_size
webex.pcap 1540 tcp.window_size
fuzz-2006-09-29-28586.pcap 20 http.
KEOF
)

printf '%s\n' "$KEPT" >"$T_TMP/kept"
printf '%s\n' "$EXCLUDED" | awk '{print $1}' >"$T_TMP/excluded"
mapfile -d '' -t ts_e < <(eargs "${TS_FIELDS[@]}")
mapfile -d '' -t our_e < <(eargs "${OUR_FIELDS[@]}")
find -L "$N" -maxdepth 1 -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) \
  -printf '%f\n' | sort >"$T_TMP/all"
grep -vxF -f "$T_TMP/excluded" "$T_TMP/all" >"$T_TMP/cases"
# an excluded capture that is not there: the list names a file of another
# version of nDPI's captures, or a typo
while IFS= read -r x; do
  fail "EXCLUDED names $x, which is not in $N"
done < <(grep -vxF -f "$T_TMP/all" "$T_TMP/excluded")
mkdir -p "$T_TMP/out"
# both tools on every capture, two at a time
export D N T_TMP
run_one() { # CAPTURE TSHARK-ARGS... -- DISSECT-ARGS...
  local cap=$1 ts=() ours=()
  shift
  while [[ $1 != -- ]]; do
    ts+=("$1")
    shift
  done
  shift
  ours=("$@")
  local rc=0
  tshark -n -r "$N/$cap" -T fields -E occurrence=a -E separator=/t "${ts[@]}" \
    >"$T_TMP/out/$cap.tshark" 2>/dev/null || rc=$?
  echo "$rc" >"$T_TMP/out/$cap.tshark.rc"
  rc=0
  "$D" -n -r "$N/$cap" -T fields -E occurrence=a -E separator=/t "${ours[@]}" \
    >"$T_TMP/out/$cap.ours" 2>/dev/null || rc=$?
  echo "$rc" >"$T_TMP/out/$cap.ours.rc"
}
export -f run_one
xargs -d '\n' -P "${JOBS:-2}" -I{} bash -c 'run_one "$@"' _ {} "${ts_e[@]}" -- "${our_e[@]}" \
  <"$T_TMP/cases"

while IFS= read -r cap; do
  printf '%s\t%s\t%s\t%s\t%s\n' "$cap" "$T_TMP/out/$cap.tshark" "$T_TMP/out/$cap.ours" \
    "$(cat "$T_TMP/out/$cap.tshark.rc")" "$(cat "$T_TMP/out/$cap.ours.rc")"
done <"$T_TMP/cases" >"$T_TMP/cases.tsv"
while IFS= read -r line; do
  case $line in
  "ok "*) pass "${line#ok }" ;;
  "FAIL "*) fail "${line#FAIL }" ;;
  "  "*) printf '%s\n' "$line" ;;
  esac
done < <($PY "$SRC/tests/differential/compare_frames.py" "$T_TMP/fields" "$T_TMP/our-known" \
  "$T_TMP/kept" "$T_TMP/cases.tsv")
# TCP headers quoted in ICMP errors (instagram.pcap frames 341, 342, 417,
# 418, 439): tshark gives a connection the capture has not shown yet its
# stream there, and every later tcp.stream counts on from it.
a=$(tshark -n -r "$N/instagram.pcap" -T fields -e frame.number -e tcp.stream 2>/dev/null)
b=$("$D" -n -r "$N/instagram.pcap" -T fields -e frame.number -e tcp.stream 2>/dev/null)
if [[ -n $a && $a == "$b" ]]; then
  pass "instagram.pcap: tcp.stream of every frame equals tshark's"
else
  fail "instagram.pcap: tcp.stream of every frame equals tshark's" "$(diff <(echo "$a") <(echo "$b") | head -6)"
fi
# TLS 1.3 as Facebook's servers spoke it (supported_versions 0xfb1a,
# Facebook's draft 26, in instagram.pcap): the records after the Server
# Hello are TLS 1.3 ones, as tshark reads them.
a=$(tshark -n -r "$N/instagram.pcap" -T fields -e frame.number -e tls.record.content_type \
  -e tls.record.version -e tls.handshake.type 2>/dev/null)
b=$("$D" -n -r "$N/instagram.pcap" -T fields -e frame.number -e tls.record.content_type \
  -e tls.record.version -e tls.handshake.type 2>/dev/null)
if [[ -n $a && $a == "$b" ]]; then
  pass "instagram.pcap: TLS records of every frame equal tshark's"
else
  fail "instagram.pcap: TLS records of every frame equal tshark's" "$(diff <(echo "$a") <(echo "$b") | head -6)"
fi
finish
