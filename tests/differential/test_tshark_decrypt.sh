#!/usr/bin/env bash
# Differential test of TLS decryption: `dissect -r S --keylog K -T fields`
# against `tshark -r S -o tls.keylog_file:K -T fields` on every sample that
# has a key log (samples/NAME.keylog beside samples/NAME.pcap), and on
# samples/https-dsb.pcapng, whose key log is inside the file (pcapng
# Decryption Secrets Block), with no key log option on either side.
# The fields: tests/differential/decrypt-fields.txt (not named fields*.txt:
# test_tshark_fields.sh reads those, without key logs) plus fields-app.txt
# and fields-http2.txt.
# A mismatch is a bug on one of the two sides: find out which before
# changing anything; this test is never weakened to make it pass.
# samples/tls12-rsa.pcap is also compared with its server's RSA private key
# alone (dissect --rsa-key, tshark's rsa_keys table), no key log.
# Usage: test_tshark_decrypt.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_tshark_decrypt.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_tshark_decrypt.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
S=$SRC/samples
# tshark with its default preferences; each side gets exactly the key log
# named on its command line (SSLKEYLOGFILE unset).
tshark_capture_test

# decrypt-fields.txt, then every TLS/X.509/HTTP and HTTP/2 field the test
# without keys compares (fields-app.txt, fields-http2.txt): decrypted, the
# same fields must still equal tshark's.
. "$SRC/tests/differential/fieldlib.sh"
field_sets --dissect-must-know "$SRC/tests/differential/decrypt-fields.txt" \
  "$SRC/tests/differential/fields-app.txt" "$SRC/tests/differential/fields-http2.txt"
((${#FIELDS[@]})) || skip "no fields listed"
echo "comparing ${#TS_FIELDS[@]} fields (${#OUR_FIELDS[@]} known to dissect) with decryption"

# The samples: CAPTURE|KEYLOG|RSAKEY ("" = no such option).
CASES=()
for cap in "$S"/*.pcap; do
  # tshark 4.0 does not know ngtcp2's QUIC v2 draft (test_quic.sh checks it)
  [[ $(basename "$cap") == quic-v2draft.pcap ]] && continue
  [[ -f ${cap%.pcap}.keylog ]] && CASES+=("$cap|${cap%.pcap}.keylog|")
done
[[ -f $S/https-dsb.pcapng ]] && CASES+=("$S/https-dsb.pcapng||")
[[ -f $S/tls12-rsa.key ]] && CASES+=("$S/tls12-rsa.pcap||$S/tls12-rsa.key")
((${#CASES[@]})) || skip "no samples with key logs in $S"

# tshark on every sample at once (it is the slow side), then compare.
mapfile -d '' -t ts_e < <(eargs "${TS_FIELDS[@]}")
case_vars() { # sets cap keylog rsakey name from a CASES entry
  IFS='|' read -r cap keylog rsakey <<<"$1"
  name=$(basename "$cap")${rsakey:++rsa-key}
}
for c in "${CASES[@]}"; do
  case_vars "$c"
  opts=()
  [[ -n $keylog ]] && opts=(-o "tls.keylog_file:$keylog")
  [[ -n $rsakey ]] && opts+=(-o "uat:rsa_keys:\"$rsakey\",\"\"")
  (
    rc=0
    tshark -r "$cap" -n "${opts[@]}" -T fields -E occurrence=a -E separator=/t "${ts_e[@]}" \
      >"$T_TMP/$name.tshark.out" 2>"$T_TMP/$name.tshark.err" || rc=$?
    echo "$rc" >"$T_TMP/$name.tshark.rc"
  ) &
done
wait

for c in "${CASES[@]}"; do
  case_vars "$c"
  ts_rc=$(cat "$T_TMP/$name.tshark.rc")
  if ((ts_rc != 0)); then
    fail "$name: tshark failed (exit $ts_rc)" "$(grep -v 'Running as user' "$T_TMP/$name.tshark.err" | head -3)"
    continue
  fi
  : >"$T_TMP/ours.out"
  if ((${#OUR_FIELDS[@]})); then
    opts=()
    [[ -n $keylog ]] && opts=(--keylog "$keylog")
    [[ -n $rsakey ]] && opts+=(--rsa-key "$rsakey")
    mapfile -d '' -t our_e < <(eargs "${OUR_FIELDS[@]}")
    our_rc=0
    "$D" -r "$cap" "${opts[@]}" -T fields -E occurrence=a -E separator=/t "${our_e[@]}" \
      >"$T_TMP/ours.out" 2>"$T_TMP/ours.err" || our_rc=$?
    if ((our_rc != 0)); then
      fail "$name: dissect failed (exit $our_rc)" "$(head -3 "$T_TMP/ours.err")"
      continue
    fi
  fi
  # One result line per field ("ok FIELD" or "FAIL FIELD DETAIL" followed by
  # mismatch lines), then "SUMMARY ...".
  while IFS= read -r line; do
    case $line in
    "ok "*) pass "$name ${line#ok }" ;;
    "FAIL "*)
      rest=${line#FAIL }
      fail "$name ${rest%% *}" "${rest#* }"
      ;;
    "SUMMARY "*) printf '%s\n' "${line#SUMMARY }" ;;
    "  "*) printf '%s\n' "$line" ;;
    esac
  done < <($PY - "$name" "${keylog:+$(basename "$keylog")}${rsakey:+RSA key $(basename "$rsakey")}" "$T_TMP/fields" "$T_TMP/our-known" \
    "$T_TMP/$name.tshark.out" "$T_TMP/ours.out" <<'PYEOF'
import sys
name, keylog, fields_f, known_f, ts_f, ours_f = sys.argv[1:7]
def lines(path):
    return open(path, encoding="utf-8", errors="surrogateescape").read().split("\n")[:-1]
fields = lines(fields_f)
known = lines(known_f)
def rows(path, ncols):
    out = []
    for line in lines(path):
        cols = line.split("\t")
        cols += [""] * (ncols - len(cols))
        out.append(cols)
    return out
ts = rows(ts_f, len(fields))
ours = rows(ours_f, len(known))
col = {f: i for i, f in enumerate(known)}
short = lambda s: s if len(s) <= 100 else s[:100] + "..."
results, equal, badframes = [], 0, set()
for i, f in enumerate(fields):
    if f == "frame.protocols" and name.startswith("quic-"):
        continue  # test_tshark_quic.sh compares it, with tshark 4.0's 0-RTT gaps kept there
    used = sum(1 for r in ts if r[i] != "")
    j = col.get(f)   # None: not a dissect field, compared as empty
    bad = []
    for k in range(max(len(ts), len(ours))):
        a = (ours[k][j] if j is not None else "") if k < len(ours) else "<no frame>"
        b = ts[k][i] if k < len(ts) else "<no frame>"
        if a != b:
            bad.append((k + 1, a, b))
    if not bad:
        equal += 1
        results.append("ok %s" % f)
        continue
    badframes.update(k for k, _, _ in bad)
    results.append("FAIL %s differs in %d of %d frames (tshark has it in %d)" % (f, len(bad), len(ts), used))
    for frame, a, b in bad[:3]:
        results.append("  %s frame %d %s: dissect %r, tshark %r%s" % (name, frame, f, short(a), short(b),
                       "" if j is not None else " (not a dissect field)"))
    if len(bad) > 3:
        results.append("  ... and %d more frames" % (len(bad) - 3))
http = sum(1 for r in ts if any(r[i] for i, f in enumerate(fields) if f == "http.request.method" or f == "http2.headers.method"))
print("SUMMARY == %s (key log: %s): %d frames, requests seen by tshark in %d frames; "
      "%d of %d fields equal, %d frames differ"
      % (name, keylog or "in the file", len(ts), http, equal, len(fields), len(badframes)))
for r in results:
    print(r)
PYEOF
)
done

finish
