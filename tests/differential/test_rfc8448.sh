#!/usr/bin/env bash
# TLS 1.3 decryption on captures this project did not make: the example
# handshakes of RFC 8448 (sections 3 to 7: simple 1-RTT, resumed 0-RTT,
# HelloRetryRequest, client authentication, compatibility mode), every
# record and traffic secret as the RFC prints them
# (tests/differential/rfc8448/traces.txt), made into a pcap and an NSS key
# log per trace by rfc8448/make_captures.py at test time.
#
# Two sources of truth:
#  - tshark: `dissect -r C --keylog K -T fields` against
#    `tshark -r C -o tls.keylog_file:K -T fields` on rfc8448/tls-fields.txt
#    plus the TLS/X.509 fields of fields-app.txt;
#  - the RFC itself, without tshark: make_captures.py --verify first checks
#    the transcription (every record decrypts with the RFC's secrets, the
#    derived keys/IVs are the RFC's, both Finished MACs match the
#    transcript); then dissect must show, per record, the inner content type
#    found by that independent decryption, the handshake messages the RFC
#    sends in each flight (EncryptedExtensions, Certificate(Request),
#    CertificateVerify, Finished, EndOfEarlyData, the HelloRetryRequest and
#    both ClientHellos), and, as a "Decrypted TLS" data source (-x), the
#    application payloads the RFC prints (50 bytes 00..31, the 0-RTT
#    "ABCDEF").
# A mismatch is a bug on one side: find out which before changing anything.
# Usage: test_rfc8448.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_rfc8448.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_rfc8448.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
R=$SRC/tests/differential/rfc8448
tshark_capture_test

# ---- the captures, and the transcription checked against the RFC
CAP=$T_TMP/cap
rc=0
$PY "$R/make_captures.py" --verify "$CAP" >"$T_TMP/make.out" 2>&1 || rc=$?
if ((rc == 2)); then
  echo "python3-cryptography missing: transcription not verified, inner types not known"
  rc=0
  $PY "$R/make_captures.py" "$CAP" >"$T_TMP/make.out" 2>&1 || rc=$?
elif ((rc == 0)); then
  pass "traces.txt: every record decrypts with the RFC's secrets, keys/IVs and Finished MACs match"
fi
if ((rc != 0)); then
  fail "make_captures.py failed (exit $rc)" "$(grep -v '^  ok' "$T_TMP/make.out" | tail -5)"
  finish
fi
TRACES=()
for p in "$CAP"/*.pcap; do TRACES+=("$(basename "$p" .pcap)"); done
((${#TRACES[@]})) || { fail "no captures made"; finish; }

# ---- fields: ours, then the TLS/X.509 ones of fields-app.txt
. "$SRC/tests/differential/fieldlib.sh"
grep -E '^(tls|x509)' "$SRC/tests/differential/fields-app.txt" >"$T_TMP/app-tls-fields"
field_sets --dissect-must-know "$R/tls-fields.txt" "$T_TMP/app-tls-fields"
echo "comparing ${#TS_FIELDS[@]} fields (${#OUR_FIELDS[@]} known to dissect) on ${#TRACES[@]} RFC 8448 traces"
mapfile -d '' -t ts_e < <(eargs "${TS_FIELDS[@]}")
mapfile -d '' -t our_e < <(eargs "${OUR_FIELDS[@]}")

for n in "${TRACES[@]}"; do
  (
    rc=0
    tshark -r "$CAP/$n.pcap" -n -o "tls.keylog_file:$CAP/$n.keylog" -T fields -E occurrence=a \
      -E separator=/t "${ts_e[@]}" >"$T_TMP/$n.tshark.out" 2>"$T_TMP/$n.tshark.err" || rc=$?
    tshark -r "$CAP/$n.pcap" -n -o "tls.keylog_file:$CAP/$n.keylog" -T fields -E separator=/t \
      -e frame.number -e _ws.col.Protocol -e _ws.col.Info >"$T_TMP/$n.tshark.cols" 2>/dev/null || rc=$?
    echo "$rc" >"$T_TMP/$n.tshark.rc"
  ) &
done
wait

# compare NAME TSHARK_OUT OURS_OUT: "ok F" / "FAIL F DETAIL" + indented lines
compare() {
  $PY - "$1" "$T_TMP/fields" "$T_TMP/our-known" "$2" "$3" <<'PYEOF'
import sys
name, fields_f, known_f, ts_f, ours_f = sys.argv[1:6]
def lines(p):
    return open(p, encoding="utf-8", errors="surrogateescape").read().split("\n")[:-1]
fields, known = lines(fields_f), lines(known_f)
def rows(p, n):
    out = []
    for line in lines(p):
        c = line.split("\t")
        out.append(c + [""] * (n - len(c)))
    return out
ts, ours = rows(ts_f, len(fields)), rows(ours_f, len(known))
col = {f: i for i, f in enumerate(known)}
short = lambda s: s if len(s) <= 100 else s[:100] + "..."
for i, f in enumerate(fields):
    j = col.get(f)
    if not any(r[i] for r in ts) and (j is None or not any(r[j] for r in ours)):
        continue   # shown by neither side on this trace: not a check
    bad = []
    for k in range(max(len(ts), len(ours))):
        a = (ours[k][j] if j is not None else "") if k < len(ours) else "<no frame>"
        b = ts[k][i] if k < len(ts) else "<no frame>"
        if a != b:
            bad.append((k + 1, a, b))
    if not bad:
        print("ok %s" % f)
        continue
    print("FAIL %s differs in %d of %d frames" % (f, len(bad), len(ts)))
    for fr, a, b in bad[:3]:
        print("  frame %d: dissect %r, tshark %r" % (fr, short(a), short(b)))
    if len(bad) > 3:
        print("  ... and %d more frames" % (len(bad) - 3))
PYEOF
}

for n in "${TRACES[@]}"; do
  echo "== $n"
  cap=$CAP/$n.pcap keylog=$CAP/$n.keylog
  ts_rc=$(cat "$T_TMP/$n.tshark.rc")
  if ((ts_rc != 0)); then
    fail "$n: tshark failed (exit $ts_rc)" "$(grep -v 'Running as user' "$T_TMP/$n.tshark.err" | head -3)"
    continue
  fi
  run "$D" -r "$cap" --keylog "$keylog" -T fields -E occurrence=a -E separator=/t "${our_e[@]}"
  if ((RC != 0)); then
    fail "$n: dissect failed (exit $RC)" "$(head -3 "$T_TMP/err")"
    continue
  fi
  cp "$T_TMP/out" "$T_TMP/$n.ours.out"

  # -- against tshark
  msg=() cur=
  while IFS= read -r line; do
    case $line in
    "ok "*) pass "$n tshark ${line#ok }" ;;
    "FAIL "*)
      [[ -n $cur ]] && fail "$n tshark $cur" "${msg[@]}"
      rest=${line#FAIL }
      cur=${rest%% *} msg=("${rest#* }")
      ;;
    "  "*) msg+=("${line#  }") ;;
    esac
  done < <(compare "$n" "$T_TMP/$n.tshark.out" "$T_TMP/$n.ours.out")
  [[ -n $cur ]] && fail "$n tshark $cur" "${msg[@]}"

  # -- the summary line against tshark's columns: the protocol column of
  # every frame; the Info column (without dissect's own " (SNI=...)" suffix)
  # where tshark's is conclusive, i.e. not empty and not
  # "[TLS segment of a reassembled PDU]": on port 443 tshark hands the
  # decrypted binary payloads to HTTP, which may hold them as an unfinished
  # request (the 0-RTT "ABCDEF" of section 4 and the 1-RTT data after it).
  run "$D" -r "$cap" --keylog "$keylog"
  $PY - "$T_TMP/out" >"$T_TMP/$n.ours.cols" <<'PYEOF'
import re, sys
for line in open(sys.argv[1], encoding="utf-8", errors="surrogateescape"):
    m = re.match(r"\s*(\d+)\s+\S+\s+\S+\s+\u2192\s+\S+\s+(\S+)\s+\d+ ?(.*)$", line.rstrip("\n"))
    if m:
        print("%s\t%s\t%s" % (m.group(1), m.group(2), re.sub(r" \(SNI=[^)]*\)", "", m.group(3))))
PYEOF
  while IFS=$'\t' read -r fr tproto tinfo; do
    IFS=$'\t' read -r _ oproto oinfo < <(awk -F'\t' -v f="$fr" '$1 == f' "$T_TMP/$n.ours.cols")
    want="$tproto|$tinfo" got="${oproto:-}|${oinfo:-}"
    if [[ -z $tinfo || $tinfo == "[TLS segment of a reassembled PDU]" ]]; then
      want=$tproto got=${oproto:-}
    fi
    check_eq "$n summary frame $fr (protocol|info) as tshark" "$want" "$got"
  done <"$T_TMP/$n.tshark.cols"
  # RFC: a frame with an application_data record is TLS 1.3 application data
  while IFS=$'\t' read -r idx frame dir outer inner _len label; do
    [[ $inner == 23 ]] || continue
    IFS=$'\t' read -r _ oproto oinfo < <(awk -F'\t' -v f="$frame" '$1 == f' "$T_TMP/$n.ours.cols")
    got="${oproto:-}|${oinfo:+non-empty Info}"
    check_eq "$n RFC summary of record $idx ($dir $label, frame $frame)" "TLSv1.3|non-empty Info" "$got"
  done <"$CAP/$n.records"

  # -- against the RFC: per record, dissect's content type (the inner one
  # for protected records) and handshake types, in dissect's own output.
  run "$D" -r "$cap" --keylog "$keylog" -T fields -E occurrence=a -E separator=/t \
    -e frame.number -e tls.record.content_type -e tls.handshake.type -e tls.alert_message.desc
  cp "$T_TMP/out" "$T_TMP/$n.rfc.out"
  while IFS=$'\t' read -r idx frame dir outer inner _len label; do
    got=$(awk -F'\t' -v f="$frame" '$1 == f {print $2}' "$T_TMP/$n.rfc.out")
    want=$inner
    [[ $want == - ]] && want=$outer # no python3-cryptography: outer type only for plaintext
    [[ $inner == - && $outer == 23 ]] && continue
    check_eq "$n RFC record $idx ($dir $label, frame $frame) content type" "$want" "$got"
  done <"$CAP/$n.records"

  # The handshake messages of each flight, as RFC 8448 sends them
  # (section 3: 1-RTT; 4: 0-RTT with EndOfEarlyData; 5: HelloRetryRequest,
  # which has the ServerHello type 2, and a second ClientHello; 6:
  # CertificateRequest and the client's Certificate/CertificateVerify; 7:
  # ChangeCipherSpec records between the flights).
  case $n in
  rfc8448-s3-1rtt) want="client:1 server:2 server:8,11,15,20 client:20 server:4" ;;
  rfc8448-s4-0rtt) want="client:1 server:2 server:8,20 client:5 client:20" ;;
  rfc8448-s5-hrr) want="client:1 server:2 client:1 server:2 server:8,11,15,20 client:20" ;;
  rfc8448-s6-clientauth) want="client:1 server:2 server:8,13,11,15,20 client:11,15,20" ;;
  rfc8448-s7-compat) want="client:1 server:2 server:8,11,15,20 client:20" ;;
  *) want= ;;
  esac
  if [[ -n $want ]]; then
    got=$(awk -F'\t' 'NR == FNR {dir[$2] = $3; next} $3 != "" && ($1 in dir) {printf "%s%s:%s", sep, dir[$1], $3; sep = " "}' \
      "$CAP/$n.records" "$T_TMP/$n.rfc.out")
    check_eq "$n RFC handshake messages per record" "$want" "$got"
  fi
  # Every trace ends with close_notify (0) from the client, then the server.
  got=$(awk -F'\t' '$4 != "" {printf "%s%s", sep, $4; sep = " "}' "$T_TMP/$n.rfc.out")
  check_eq "$n RFC alerts (close_notify from each side)" "0 0" "$got"

  # The HelloRetryRequest, named as such, between the two ClientHellos.
  if [[ $n == rfc8448-s5-hrr ]]; then
    run "$D" -r "$cap" --keylog "$keylog"
    got=$(awk '$1 >= 4 && $1 <= 7 {sub(/^.*TLSv1(\.3)? [0-9]+ /, ""); print}' "$T_TMP/out" | sed 's/ (SNI=[^)]*)//' | paste -sd'|')
    check_eq "$n RFC summary: ClientHello, HelloRetryRequest, ClientHello, ServerHello" \
      "Client Hello|Hello Retry Request|Client Hello|Server Hello" "$got"
  fi

  # The application payloads the RFC prints, as decrypted data sources.
  while IFS=$'\t' read -r frame hex; do
    run "$D" -r "$cap" --keylog "$keylog" -x -Y "frame.number == $frame"
    got=$(awk '/^Decrypted TLS/ {on = 1; next} /^$/ {on = 0} on {h = substr($0, 7, 48); gsub(/ /, "", h); printf "%s", h}' "$T_TMP/out")
    check_eq "$n RFC decrypted payload of frame $frame (-x \"Decrypted TLS\")" "$hex" "$got"
  done <"$CAP/$n.plain"
done

finish
