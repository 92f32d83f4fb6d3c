#!/usr/bin/env bash
# Trust verdicts (tls.trust.*) and risks (tls.risk.*) of dissect on the
# samples, checked against a second tool: for every server Certificate
# message, tshark extracts the chain (decrypted with the sample's key log
# for TLS 1.3) and `openssl verify` judges it at the frame's time, for a TLS
# server, against the SNI of the connection, with /etc/ssl/certs as the only
# roots; its reason must be dissect's tls.trust.error, and its error number
# must give dissect's verdict. Then the interception sample (https-proxy:
# curl -> mitmproxy -> nginx, both legs captured) and the CLI options.
# Usage: test_trust.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_trust.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_trust.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
S=$SRC/samples
[[ -x $D ]] || skip "$D not built"
command -v tshark >/dev/null 2>&1 || skip "tshark is not installed"
command -v openssl >/dev/null 2>&1 || skip "openssl is not installed"
[[ -n $PY ]] || skip "python3 not installed"
[[ -d /etc/ssl/certs ]] || skip "no system root store in /etc/ssl/certs"
t_tmpdir
export WIRESHARK_CONFIG_DIR=$T_TMP/wireshark-config
mkdir -p "$WIRESHARK_CONFIG_DIR"
unset SSLKEYLOGFILE

# ---- every server chain of every sample against openssl verify -------------
# openssl verify's error numbers as dissect names them (include/dissect/trust.h)
verdict_of() { # verdict_of ERRNO LEAF_ONLY(0|1)
  case $1 in
  0) echo trusted ;;
  10) echo expired ;;
  9) echo not-yet-valid ;;
  18) echo self-signed ;;
  19) echo untrusted-root ;;
  20) if (($2)); then echo incomplete-chain; else echo untrusted-root; fi ;;
  2 | 21) echo incomplete-chain ;;
  4 | 6 | 7) echo bad-signature ;;
  26) echo invalid-purpose ;;
  62) echo name-mismatch ;;
  *) echo invalid ;;
  esac
}

nchains=0
for cap in "$S"/*.pcap "$S"/*.pcapng; do
  [[ -f $cap ]] || continue
  name=$(basename "$cap")
  kl=${cap%.*}.keylog
  topt=()
  dopt=()
  if [[ -f $kl ]]; then
    topt=(-o "tls.keylog_file:$kl")
    dopt=(--keylog "$kl")
  fi
  # one tshark run: the ClientHello and Certificate frames
  tshark -n -r "$cap" "${topt[@]}" -Y 'tls.handshake.type == 1 || tls.handshake.type == 11' \
    -T fields -E occurrence=a -E aggregator=/s -E separator='|' -e frame.number -e tcp.stream \
    -e udp.stream -e frame.time_epoch -e tls.handshake.type \
    -e tls.handshake.extensions_server_name -e tls.handshake.certificate >"$T_TMP/hs" 2>/dev/null
  # the SNI of each connection (TCP, or UDP for QUIC): "t0" / "u3" -> name
  awk -F'|' '{ n = split($5, t, " "); for (i = 1; i <= n; i++) if (t[i] == 1) {
      print ($2 != "" ? "t" $2 : "u" $3) "|" $6; break } }' "$T_TMP/hs" |
    sort -u -t'|' -k1,1 >"$T_TMP/sni"
  # the server Certificate messages
  awk -F'|' '{ n = split($5, t, " "); for (i = 1; i <= n; i++) if (t[i] == 11) {
      print $1 "|" ($2 != "" ? "t" $2 : "u" $3) "|" $4 "|" $7; break } }' "$T_TMP/hs" >"$T_TMP/certs"
  [[ -s $T_TMP/certs ]] || continue
  "$D" -n -r "$cap" "${dopt[@]}" -Y 'tls.trust' -T fields -e frame.number -e tls.trust.verdict \
    -e tls.trust.error -e tls.trust.root -e tls.trust.store >"$T_TMP/ours" 2>"$T_TMP/err"
  while IFS='|' read -r frame stream epoch certs; do
    nchains=$((nchains + 1))
    sni=$(awk -F'|' -v s="$stream" '$1 == s { print $2 }' "$T_TMP/sni")
    rm -f "$T_TMP"/c*.pem
    i=0
    for hex in $certs; do
      printf '%s' "$hex" | "$PY" -c 'import sys,binascii; sys.stdout.buffer.write(binascii.unhexlify(sys.stdin.read().strip()))' \
        | openssl x509 -inform DER -out "$T_TMP/c$i.pem" 2>/dev/null
      i=$((i + 1))
    done
    untrusted=()
    if ((i > 1)); then
      : >"$T_TMP/untrusted.pem"
      for ((k = 1; k < i; k++)); do cat "$T_TMP/c$k.pem" >>"$T_TMP/untrusted.pem"; done
      untrusted=(-untrusted "$T_TMP/untrusted.pem")
    fi
    host=()
    [[ -n $sni ]] && host=(-verify_hostname "$sni")
    openssl verify -no-CAfile -no-CAstore -CApath /etc/ssl/certs -attime "${epoch%.*}" \
      -purpose sslserver "${host[@]}" "${untrusted[@]}" "$T_TMP/c0.pem" \
      >"$T_TMP/v" 2>&1
    err=$(sed -n 's/^error \([0-9]*\) at [0-9]* depth lookup: \(.*\)$/\1\t\2/p' "$T_TMP/v" | head -1)
    errno=${err%%$'\t'*}
    reason=${err#*$'\t'}
    [[ -z $err ]] && errno=0 && reason=
    # leaf only sent, and its issuer unknown: a missing intermediate
    leaf_only=0
    ((i == 1)) && leaf_only=1
    # openssl verify says "ok" only when nothing failed
    if [[ -z $err ]] && ! grep -q ': OK$' "$T_TMP/v"; then
      fail "$name frame $frame: openssl verify gave no verdict" "$(head -3 "$T_TMP/v")"
      continue
    fi
    want_v=$(verdict_of "$errno" "$leaf_only")
    got=$(awk -F'\t' -v f="$frame" '$1 == f { print $2 "\t" $3 }' "$T_TMP/ours")
    check_eq "$name frame $frame (stream $stream, SNI ${sni:-none}, $i cert(s)): verdict and reason as openssl verify's" \
      "$want_v"$'\t'"$reason" "$got"
  done <"$T_TMP/certs"
  # no verdict where tshark sees no server Certificate
  extra=$(awk -F'|' 'NR == FNR { f[$1] = 1; next } !($1 in f)' "$T_TMP/certs" <(tr '\t' '|' <"$T_TMP/ours"))
  check_eq "$name: a verdict only on the frames with a Certificate" "" "$extra"
done
((nchains)) || skip "no sample has a server Certificate"
echo "$nchains chains compared with openssl verify"

# ---- the interception sample ------------------------------------------------
# samples/README.md: stream 0 is curl -> mitmproxy (port 8080, leaf forged by
# mitmproxy's CA, sent alone), stream 1 mitmproxy -> nginx (the sample leaf
# and intermediate). The server leg's Certificate (frame 15) comes first;
# the client leg's (frame 23) overlaps it for the same SNI with another
# issuer: it is the intercepted one, paired with stream 1.
P=$S/https-proxy.pcap
if [[ -f $P ]]; then
  run "$D" -n -r "$P" --keylog "$S/https-proxy.keylog" -Y tls.trust -T fields -e frame.number \
    -e tcp.stream -e tls.trust.intercepted -e tls.trust.other_leg
  check_eq "https-proxy: the client leg is intercepted and paired with the server leg" \
    $'15\t1\t0\t\n23\t0\t1\t1' "$(cat "$T_TMP/out")"
  run "$D" -n -r "$P" --keylog "$S/https-proxy.keylog" -Y 'tls.trust.intercepted == 1' \
    -T fields -e frame.number
  check_eq "https-proxy: -Y tls.trust.intercepted == 1 finds frame 23" "23" "$(cat "$T_TMP/out")"
  run "$D" -n -r "$P" --keylog "$S/https-proxy.keylog" -Y 'frame.number == 23' -V
  check_grepf "https-proxy: -V says the leg was forged and names both issuers" \
    "this leg's certificate (issuer O=mitmproxy,CN=mitmproxy) was forged by a proxy" "$T_TMP/out"
  run "$D" -n -r "$P" --keylog "$S/https-proxy.keylog" -Y 'frame.number == 23' -T json
  check_grep "https-proxy: -T json has tls.trust.intercepted" '"tls.trust.intercepted"' "$T_TMP/out"
  if "$PY" -c 'import json,sys; json.load(open(sys.argv[1]))' "$T_TMP/out" 2>/dev/null; then
    pass "https-proxy: -T json with the trust fields is valid JSON"
  else
    fail "https-proxy: -T json with the trust fields is valid JSON"
  fi
fi

# ---- a proxy whose root the client installed, with both roots -----------------
# samples/README.md: https-intercept.pcap is curl -> mitmproxy (stream 0, port
# 8080, a leaf forged under intercept-user-root.pem, sent alone) -> nginx
# (stream 1, leaf + intermediate under intercept-server-root.pem). openssl
# verify with both roots says both chains are good at the capture's time.
I=$S/https-intercept.pcap
if [[ -f $I ]]; then
  IK=(--keylog "$S/https-intercept.keylog")
  UR=$S/intercept-user-root.pem
  SR=$S/intercept-server-root.pem
  cat "$UR" "$SR" >"$T_TMP/both.pem"
  tshark -n -r "$I" -o "tls.keylog_file:$S/https-intercept.keylog" -Y 'tls.handshake.type == 11' \
    -T fields -E occurrence=a -E aggregator=/s -e frame.number -e frame.time_epoch \
    -e tls.handshake.certificate 2>/dev/null >"$T_TMP/icerts"
  while IFS=$'\t' read -r frame epoch certs; do
    rm -f "$T_TMP"/i*.pem
    i=0
    for hex in $certs; do
      printf '%s' "$hex" | "$PY" -c 'import sys,binascii; sys.stdout.buffer.write(binascii.unhexlify(sys.stdin.read().strip()))' \
        | openssl x509 -inform DER -out "$T_TMP/i$i.pem" 2>/dev/null
      i=$((i + 1))
    done
    untrusted=()
    ((i > 1)) && untrusted=(-untrusted "$T_TMP/i1.pem")
    if openssl verify -no-CApath -no-CAstore -CAfile "$T_TMP/both.pem" -attime "${epoch%.*}" \
      -purpose sslserver -verify_hostname www.example.test "${untrusted[@]}" "$T_TMP/i0.pem" \
      >/dev/null 2>&1; then
      pass "https-intercept frame $frame: openssl verify with both roots: OK"
    else
      fail "https-intercept frame $frame: openssl verify with both roots: OK"
    fi
  done <"$T_TMP/icerts"
  q=(-Y tls.trust -T fields -e tcp.stream -e tls.trust.verdict -e tls.trust.root -e tls.trust.store
    -e tls.trust.intercepted -e tls.trust.other_leg)
  run "$D" -n -r "$I" "${IK[@]}" "${q[@]}"
  check_eq "https-intercept, system roots: the forged leg is paired and flagged" \
    $'1\tuntrusted-root\t\tsystem\t0\t\n0\tincomplete-chain\t\tsystem\t1\t1' "$(cat "$T_TMP/out")"
  run "$D" -n -r "$I" "${IK[@]}" --ca-file "$UR" "${q[@]}"
  check_eq "https-intercept --ca-file user root: the forged leg is trusted only under it" \
    $'1\tuntrusted-root\t\tsystem+user\t0\t\n0\ttrusted\tCN=libdissect Sample User-installed Root,O=libdissect\tsystem+user\t1\t1' \
    "$(cat "$T_TMP/out")"
  run "$D" -n -r "$I" "${IK[@]}" --ca-file "$SR" "${q[@]}"
  check_eq "https-intercept --ca-file server root: the genuine leg is trusted, the forged one still flagged" \
    $'1\ttrusted\tCN=libdissect Sample Root CA,O=libdissect\tsystem+user\t1\t\n0\tincomplete-chain\t\tsystem+user\t1\t1' \
    "$(cat "$T_TMP/out")"
  run "$D" -n -r "$I" "${IK[@]}" --ca-only --ca-file "$SR" --ca-file "$UR" "${q[@]}"
  check_eq "https-intercept --ca-only with both roots: both trusted, the forged leg flagged by the pairing" \
    $'1\ttrusted\tCN=libdissect Sample Root CA,O=libdissect\tuser\t0\t\n0\ttrusted\tCN=libdissect Sample User-installed Root,O=libdissect\tuser\t1\t1' \
    "$(cat "$T_TMP/out")"
fi

# ---- risks on the samples (suites and versions as samples/README.md says) ----
run "$D" -n -r "$S/tls12-rsa.pcap" -Y tls.risk.no_forward_secrecy -T fields -e frame.number -e tls.handshake.ciphersuite
check_grep "tls12-rsa: TLS_RSA_WITH_AES_128_GCM_SHA256 has no forward secrecy" $'\t0x009c$' "$T_TMP/out"
run "$D" -n -r "$S/tls12-cbc.pcap" -Y tls.risk.weak_cipher -T fields -e tls.handshake.ciphersuite
check_eq "tls12-cbc: the 4 ServerHellos (0xc027, 0xc014) have a weak-cipher risk" \
  $'0xc027\n0xc014\n0xc027\n0xc014' "$(cat "$T_TMP/out")"
run "$D" -n -r "$S/https-tls13.pcap" -Y 'tls.risk.weak_cipher || tls.risk.no_forward_secrecy || tls.risk.version || tls.risk.no_sni' -T fields -e frame.number
check_eq "https-tls13: no suite or version risk" "" "$(cat "$T_TMP/out")"

# ---- the options ---------------------------------------------------------------
echo "not a certificate" >"$T_TMP/bad.pem"
run "$D" -r "$S/https-tls12.pcap" --ca-file "$T_TMP/bad.pem"
check_rc_error "--ca-file with a file that is not PEM fails"
check_grepf "--ca-file: the error names the file" "$T_TMP/bad.pem" "$T_TMP/err"
run "$D" -r "$S/https-tls12.pcap" --ca-path "$T_TMP/none"
check_rc_error "--ca-path with a missing directory fails"
run "$D" -r "$S/https-tls12.pcap" --ca-only
check_rc_error "--ca-only without roots fails"
run "$D" -r "$S/https-tls12.pcap" -o tls.ca_file:
check_rc_error "-o tls.ca_file: without a file fails"
# an unrelated root made here: with --ca-only nothing of the system counts
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T_TMP/k.pem" \
  -subj "/CN=Unrelated Test Root" -days 3 -out "$T_TMP/root.pem" 2>/dev/null
run "$D" -n -r "$S/https-tls12.pcap" --ca-only --ca-file "$T_TMP/root.pem" -Y tls.trust \
  -T fields -e tls.trust.verdict -e tls.trust.store
check_eq "--ca-only --ca-file: the user's store alone" $'untrusted-root\tuser' "$(cat "$T_TMP/out")"
run "$D" -n -r "$S/https-tls12.pcap" -o "tls.ca_file:$T_TMP/root.pem" -Y tls.trust \
  -T fields -e tls.trust.verdict -e tls.trust.store -e tls.trust.intercepted
check_eq "-o tls.ca_file: system and user roots" $'untrusted-root\tsystem+user\t0' "$(cat "$T_TMP/out")"
finish
