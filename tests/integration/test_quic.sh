#!/usr/bin/env bash
# Integration tests of QUIC and HTTP/3 in the `dissect` command line, on
# samples/quic-*.pcap (made by
# samples/make-quic-samples.sh: the client asked for /index.html,
# /data.json, /large.txt (212,000 bytes: 4000 lines of 53) and /robots.txt
# on one connection, authority quic.example.test (the URIs name no port);
# the server answered 200 to each).
# Checked: requests and responses with their methods, paths and statuses,
# the request each response answers, the decrypted data source, JSON, why
# packets are not decrypted (no key log, a key log without this
# connection's secrets), Retry, summary lines against tshark (without a key
# log every line; with one all but the frames of the kept differences of
# tests/differential/test_tshark_quic.sh), and display filters.
# Usage: test_quic.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_quic.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_quic.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
S=$SRC/samples
[[ -x $D ]] || skip "$D not built"
[[ -f $S/quic-h3.pcap ]] || skip "no QUIC samples in $S"
t_tmpdir
export LC_ALL=C.UTF-8
unset SSLKEYLOGFILE
H3=$S/quic-h3.pcap
K3=$S/quic-h3.keylog

# ------------------------------------------------------------ requests
run "$D" -r "$H3" --keylog "$K3" -Y 'http3.headers.method' -T fields -E occurrence=a \
  -e http3.headers.method -e http3.headers.path -e http3.headers.authority
check_rc_zero "requests: exit 0"
check_eq "requests: four GETs on one connection, their paths and authority" \
  "GET,GET,GET,GET	/index.html,/data.json,/large.txt,/robots.txt	quic.example.test,quic.example.test,quic.example.test,quic.example.test" \
  "$(cat "$T_TMP/out")"
run "$D" -r "$H3" --keylog "$K3" -Y 'http3.headers.status == 200' -T fields -E occurrence=a \
  -e http3.headers.status -e http3.request_in
check_eq "responses: four 200s, each pointing to the request frame" \
  "$(printf '200,200,200\t14,14,14\n200\t14')" "$(cat "$T_TMP/out")"
run "$D" -r "$H3" --keylog "$K3" -Y 'http3.frame_type == 0 && http3.frame_length == 212000' \
  -T fields -e frame.number
check_eq "the 300 KB response: its DATA frame is 212000 bytes long" "15" "$(cat "$T_TMP/out")"
run "$D" -r "$H3" --keylog "$K3" -T fields -e http3.data -Y http3.data
total=$(tr -d '\n' <"$T_TMP/out" | tr ',' '\n' | awk '{n += length($0) / 2} END {print n}')
first=$("$D" -r "$H3" --keylog "$K3" -Y 'frame.number == 15' -T fields -E occurrence=l \
  -e http3.frame_payload | awk '{print length($0) / 2}')
check_eq "the 300 KB body: the payload in its first packet and the rest as it came add up to 212000" \
  "212000" "$((total + first))"

# ------------------------------------------------------------ key phase, source, JSON
run "$D" -r "$H3" --keylog "$K3" -Y 'quic.key_phase == 1' -T fields -e frame.number
n=$(wc -l <"$T_TMP/out")
((n > 100)) && pass "key update: $n packets in key phase 1 decrypted" ||
  fail "key update: packets in key phase 1 decrypted" "got $n"
run "$D" -r "$H3" --keylog "$K3" -Y 'frame.number == 14' -x
check_grep "decrypted data source named in -x" 'Decrypted QUIC \([0-9]+ bytes\)' "$T_TMP/out"
run "$D" -r "$H3" --keylog "$K3" -Y 'frame.number == 14' -T json
if [[ -n $PY ]] && $PY -c 'import json,sys; json.load(open(sys.argv[1]))' "$T_TMP/out" 2>/dev/null; then
  pass "JSON of an HTTP/3 frame parses"
else
  fail "JSON of an HTTP/3 frame parses"
fi
check_grepf "JSON has the decoded header" '"http3.header.name"' "$T_TMP/out"
run "$D" -r "$H3" --keylog "$K3" -Y 'frame.number == 14' -T jsontree
check_grepf "JSON tree names the decrypted source" "Decrypted QUIC" "$T_TMP/out"

# ------------------------------------------------------------ why not decrypted
run "$D" -r "$H3" -Y 'frame.number == 2' -V
check_grepf "no key log: the Initial's ClientHello is read all the same" "Client Hello" \
  <("$D" -r "$H3" -Y 'frame.number == 1' -V) 2>/dev/null
check_grepf "no key log: the tree says why a 1-RTT packet is not decrypted" \
  "not decrypted: no key log given" "$T_TMP/out"
printf 'CLIENT_TRAFFIC_SECRET_0 %064d %064d\n' 0 0 >"$T_TMP/other.keylog"
run "$D" -r "$H3" --keylog "$T_TMP/other.keylog" -Y 'frame.number == 2' -V
check_grepf "a key log without this connection: the tree says so" \
  "the key log has no secret for this connection's client random" "$T_TMP/out"

# ------------------------------------------------------------ Retry
run "$D" -r "$S/quic-retry.pcap" --keylog "$S/quic-retry.keylog" -Y 'quic.long.packet_type == 3' \
  -T fields -e frame.number -e quic.retry_integrity_tag -e quic.bad_retry
check_eq "Retry: one, its tag verified (no quic.bad_retry)" 1 "$(grep -c . "$T_TMP/out")"
check_eq "Retry: no bad tag" "" "$(cut -f3 "$T_TMP/out")"
run "$D" -r "$S/quic-retry.pcap" --keylog "$S/quic-retry.keylog" -Y 'http3.headers.status == 200' \
  -T fields -e frame.number
check_eq "Retry: the request after it is answered" 1 "$(grep -c . "$T_TMP/out")"

# ------------------------------------------------------------ migration, QUIC v2
# quic-migration.pcap: the client moved to a second port after the handshake
# (the samples script checks with tshark that it used two ports and that
# tshark sees one connection); the two requests come from the new path.
M=$S/quic-migration.pcap
run "$D" -r "$M" --keylog "${M%.pcap}.keylog" -T fields -e udp.srcport -e quic.connection.number \
  -Y 'udp.dstport == 443 && quic'
check_eq "migration: the client's packets come from two ports" 2 "$(cut -f1 "$T_TMP/out" | sort -u | wc -l)"
check_eq "migration: all of them are connection 0" "0" "$(cut -f2 "$T_TMP/out" | tr ',' '\n' | sort -u)"
run "$D" -r "$M" --keylog "${M%.pcap}.keylog" -T fields -e frame.number -Y 'quic.path_challenge.data'
[[ -s $T_TMP/out ]] && pass "migration: PATH_CHALLENGE decrypted" || fail "migration: PATH_CHALLENGE decrypted"
run "$D" -r "$M" --keylog "${M%.pcap}.keylog" -T fields -E occurrence=a -e http3.headers.status \
  -Y http3.headers.status
check_eq "migration: both requests answered 200 after the move" "200,200" "$(paste -sd, "$T_TMP/out")"
# quic-v2draft.pcap: ngtcp2's QUIC v2 draft (0x709a50c4) with a Retry; tshark
# 4.0 does not know the version, so the oracle is ngtcp2 itself: its client
# accepted the Retry's tag and got the page (the samples script checks that).
V=$S/quic-v2draft.pcap
run "$D" -r "$V" --keylog "${V%.pcap}.keylog" -T fields -e quic.version -c 1
check_eq "QUIC v2 draft: version" "0x709a50c4" "$(cat "$T_TMP/out")"
run "$D" -r "$V" --keylog "${V%.pcap}.keylog" -T fields -e quic.long.packet_type_v2 \
  -e quic.bad_retry -Y 'quic.retry_integrity_tag'
check_eq "QUIC v2 draft: a Retry (v2 type 0) whose tag checks out" "0	" "$(cat "$T_TMP/out")"
run "$D" -r "$V" --keylog "${V%.pcap}.keylog" -T fields -e http3.headers.path -e http3.headers.status \
  -Y 'http3.headers.path || http3.headers.status'
check_eq "QUIC v2 draft: the request and its 200 decrypted" "$(printf '/index.html\t\n\t200')" \
  "$(cat "$T_TMP/out")"

# ------------------------------------------------------------ filters and summary lines
# (ngtcp2's example client sends the SNI "localhost" whatever --sni says)
for f in 'quic' 'quic.long.packet_type == 0' 'tls.handshake.extensions_server_name == "localhost"' \
  'quic.frame_type == 6' 'http3'; do
  run "$D" -r "$H3" --keylog "$K3" -Y "$f" -T fields -e frame.number
  ours=$(tr '\n' ' ' <"$T_TMP/out")
  if command -v tshark >/dev/null 2>&1; then
    theirs=$(tshark -r "$H3" -o "tls.keylog_file:$K3" -Y "$f" -T fields -e frame.number 2>/dev/null | tr '\n' ' ')
    if [[ $f == http3 ]]; then
      # tshark has no http3 layer in the packets that carry only the rest of
      # a DATA frame's payload; dissect shows it there (http3.data)
      theirs_n=$(wc -w <<<"$theirs") ours_n=$(wc -w <<<"$ours")
      ((ours_n >= theirs_n)) && pass "-Y http3: every frame tshark shows, and the DATA rest" ||
        fail "-Y http3" "ours $ours_n, tshark $theirs_n"
      continue
    fi
    [[ -n $ours ]] || fail "-Y '$f' selects no frame"
    check_eq "-Y '$f' selects the frames tshark selects" "$theirs" "$ours"
  fi
done
if command -v tshark >/dev/null 2>&1; then
  for cap in "$H3" "$S/quic-retry.pcap"; do
    "$D" -r "$cap" >"$T_TMP/ours.txt" 2>/dev/null
    tshark -r "$cap" 2>/dev/null >"$T_TMP/ts.txt"
    check_eq "summary lines of $(basename "$cap") without a key log equal tshark's" "" \
      "$(diff "$T_TMP/ours.txt" "$T_TMP/ts.txt" | head -5)"
  done
  "$D" -r "$H3" --keylog "$K3" 2>/dev/null | grep -v '^ *15 ' >"$T_TMP/ours.txt"
  tshark -r "$H3" -o "tls.keylog_file:$K3" 2>/dev/null | grep -v '^ *15 ' >"$T_TMP/ts.txt"
  check_eq "summary lines of quic-h3.pcap with its key log equal tshark's (frame 15 kept apart)" "" \
    "$(diff "$T_TMP/ours.txt" "$T_TMP/ts.txt" | head -5)"
fi

finish
