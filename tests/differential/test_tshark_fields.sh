#!/usr/bin/env bash
# Differential test: `dissect -T fields` against `tshark -T fields` on every
# sample capture, field by field. The fields are listed in
# tests/differential/fields*.txt (one per line, # comments).
# A mismatch is a bug on one of the two sides: find out which before
# changing anything; this test is never weakened to make it pass.
# Usage: test_tshark_fields.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_tshark_fields.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_tshark_fields.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
S=$SRC/samples
command -v tshark >/dev/null 2>&1 || skip "tshark is not installed"
[[ -x $D ]] || skip "$D not built"
[[ -n $PY ]] || skip "python3 not installed"
[[ -f $S/dns.pcap ]] || skip "no sample captures in $S"
t_tmpdir
# tshark with its default preferences only (no user profile), one pass.
export WIRESHARK_CONFIG_DIR=$T_TMP/wireshark-config
mkdir -p "$WIRESHARK_CONFIG_DIR"
TSHARK_OPTS=(-n -o tcp.relative_sequence_numbers:TRUE -o tcp.analyze_sequence_numbers:TRUE)
# TLS is compared as seen without decryption: no key log for either side.
unset SSLKEYLOGFILE

# The field list: every fields*.txt (several lists may exist).
. "$SRC/tests/differential/fieldlib.sh"
field_sets "$SRC"/tests/differential/fields*.txt
((${#FIELDS[@]})) || skip "no fields listed"
echo "comparing ${#TS_FIELDS[@]} fields (${#OUR_FIELDS[@]} known to dissect) on every sample"

CAPS=()
for cap in "$S"/*.pcap "$S"/*.pcapng; do
  # tshark 4.0 does not know ngtcp2's QUIC v2 draft (test_quic.sh checks it)
  [[ $(basename "$cap") == quic-v2draft.pcap ]] && continue
  [[ -f $cap ]] && CAPS+=("$cap")
done
# tshark on every capture at once (it is the slow side), then compare.
mapfile -d '' -t ts_e < <(eargs "${TS_FIELDS[@]}")
for cap in "${CAPS[@]}"; do
  name=$(basename "$cap")
  (
    rc=0
    tshark -r "$cap" "${TSHARK_OPTS[@]}" -T fields -E occurrence=a -E separator=/t "${ts_e[@]}" \
      >"$T_TMP/$name.tshark.out" 2>"$T_TMP/$name.tshark.err" || rc=$?
    echo "$rc" >"$T_TMP/$name.tshark.rc"
  ) &
done
wait

for cap in "${CAPS[@]}"; do
  name=$(basename "$cap")
  ts_rc=$(cat "$T_TMP/$name.tshark.rc")
  if ((ts_rc != 0)); then
    fail "$name: tshark failed (exit $ts_rc)" "$(grep -v 'Running as user' "$T_TMP/$name.tshark.err" | head -3)"
    continue
  fi
  cp "$T_TMP/$name.tshark.out" "$T_TMP/tshark.out"
  : >"$T_TMP/ours.out"
  our_rc=0
  if ((${#OUR_FIELDS[@]})); then
    mapfile -d '' -t our_e < <(eargs "${OUR_FIELDS[@]}")
    "$D" -r "$cap" -T fields -E occurrence=a -E separator=/t "${our_e[@]}" \
      >"$T_TMP/ours.out" 2>"$T_TMP/ours.err" || our_rc=$?
    if ((our_rc != 0)); then
      fail "$name: dissect failed (exit $our_rc)" "$(head -3 "$T_TMP/ours.err")"
    fi
  fi
  # One result line per field: "ok FIELD" or "FAIL FIELD" + mismatch lines.
  while IFS= read -r line; do
    case $line in
    "ok "*) pass "$name ${line#ok }" ;;
    "FAIL "*)
      rest=${line#FAIL }
      field=${rest%% *}
      detail=${rest#* }
      fail "$name $field" "$detail"
      ;;
    "  "*) printf '%s\n' "$line" ;;
    esac
  done < <($PY - "$name" "$T_TMP/fields" "$T_TMP/our-known" "$T_TMP/tshark.out" "$T_TMP/ours.out" <<'PYEOF'
import sys
name, fields_f, known_f, ts_f, ours_f = sys.argv[1:6]
fields = open(fields_f).read().split("\n")[:-1]
known = open(known_f).read().split("\n")[:-1] if open(known_f).read() else []
def rows(path, ncols):
    out = []
    for line in open(path, encoding="utf-8", errors="surrogateescape").read().split("\n")[:-1]:
        cols = line.split("\t")
        cols += [""] * (ncols - len(cols))
        out.append(cols)
    return out
ts = rows(ts_f, len(fields))
ours = rows(ours_f, len(known))
col = {f: i for i, f in enumerate(known)}
for i, f in enumerate(fields):
    if f not in col:
        used = sum(1 for r in ts if r[i] != "")
        print("FAIL %s not a dissect field (tshark has it in %d of %d frames)" % (f, used, len(ts)))
        continue
    j = col[f]
    bad = []
    for k in range(max(len(ts), len(ours))):
        a = ours[k][j] if k < len(ours) else "<no frame>"
        b = ts[k][i] if k < len(ts) else "<no frame>"
        if a != b:
            bad.append((k + 1, a, b))
    if not bad:
        print("ok %s" % f)
        continue
    print("FAIL %s differs in %d of %d frames" % (f, len(bad), len(ts)))
    for frame, a, b in bad[:3]:
        short = lambda s: s if len(s) <= 100 else s[:100] + "..."
        print("  %s frame %d %s: dissect %r, tshark %r" % (name, frame, f, short(a), short(b)))
    if len(bad) > 3:
        print("  ... and %d more frames" % (len(bad) - 3))
PYEOF
)
done

finish
