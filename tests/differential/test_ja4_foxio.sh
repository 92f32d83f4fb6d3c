#!/usr/bin/env bash
# JA4 (tls.handshake.ja4, tls.handshake.ja4_r) of real ClientHellos against
# the values FoxIO's reference implementation (python/ja4.py) computed for
# them: tests/differential/ja4-foxio.tsv, made once from nDPI's and
# Wireshark's test captures (its header says how). FoxIO's code is not
# needed here, nor tshark: the table is the reference.
#
# For every capture the table names that is there ($DX_NDPI_TESTS,
# $DX_WIRESHARK_TESTS/captures: fetched by tests/thirdparty/, never
# committed), the capture must be the one the table was made from (its
# SHA-256), and then, frame by frame:
#  - a row "equal": dissect's JA4 and JA4_r are FoxIO's, in the same TCP or
#    UDP stream;
#  - a row "kept:REASON": a ClientHello where dissect and FoxIO's script
#    differ for a reason the table's header explains; not compared;
#  - a ClientHello to which dissect gives a JA4 and the table has no row
#    for is a failure too (the table covers every one).
# Usage: test_ja4_foxio.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_ja4_foxio.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_ja4_foxio.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
TABLE=$SRC/tests/differential/ja4-foxio.tsv
[[ -x $D ]] || skip "$D not built"
t_tmpdir

NDPI=${DX_NDPI_TESTS:-$HOME/.cache/libdissect/ndpi-tests}
WS=${DX_WIRESHARK_TESTS:-$HOME/.cache/libdissect/wireshark-tests}/captures

present=0 absent=0 rows=0
while IFS=$'\t' read -r kind set name size sum; do
  [[ $kind == capture ]] || continue
  case $set in
  ndpi) cap=$NDPI/$name ;;
  wireshark) cap=$WS/$name ;;
  *)
    fail "$name: unknown capture set '$set' in the table"
    continue
    ;;
  esac
  if [[ ! -f $cap ]]; then
    absent=$((absent + 1))
    continue
  fi
  present=$((present + 1))
  got=$(sha256sum "$cap" | cut -d' ' -f1)
  if [[ $got != "$sum" ]]; then
    fail "$set/$name: not the capture the table was made from" \
      "sha256 $got, the table's $sum ($size bytes)"
    continue
  fi
  "$D" -n -r "$cap" -Y 'tls.handshake.type == 1' -T fields -e frame.number -e tcp.stream \
    -e udp.stream -e tls.handshake.ja4 -e tls.handshake.ja4_r </dev/null >"$T_TMP/dx" 2>"$T_TMP/err" || {
    fail "$set/$name: dissect failed" "$(head -3 "$T_TMP/err")"
    continue
  }
  awk -F'\t' -v name="$name" '$1 == "hello" && $2 == name' "$TABLE" >"$T_TMP/ref"
  rows=$((rows + $(wc -l <"$T_TMP/ref")))
  # every difference, one line each: "frame F: what"
  awk -F'\t' '
    NR == FNR {
      fr = $3; want[fr] = 1; check[fr] = $9
      tr[fr] = $4; st[fr] = $5; ja4[fr] = $6; raw[fr] = $7
      order[++n] = fr
      next
    }
    { seen[$1] = 1; dst[$1] = ($2 != "" ? $2 : $3); dja4[$1] = $4; draw[$1] = $5 }
    $4 != "" && !($1 in want) { print "frame " $1 ": dissect gives JA4 " $4 ", the table has no row" }
    END {
      for (i = 1; i <= n; i++) {
        fr = order[i]
        if (check[fr] != "equal")
          continue
        if (!(fr in seen)) { print "frame " fr ": no ClientHello in dissect (FoxIO: " ja4[fr] ")"; continue }
        if (dst[fr] != st[fr])
          print "frame " fr ": " (tr[fr] == "q" ? "udp" : "tcp") ".stream " dst[fr] ", FoxIO " st[fr]
        if (dja4[fr] != ja4[fr])
          print "frame " fr ": JA4 " dja4[fr] ", FoxIO " ja4[fr]
        else if (draw[fr] != raw[fr])
          print "frame " fr ": JA4_r " draw[fr] ", FoxIO " raw[fr]
      }
    }' "$T_TMP/ref" "$T_TMP/dx" >"$T_TMP/diff"
  if [[ -s $T_TMP/diff ]]; then
    mapfile -t lines <"$T_TMP/diff"
    fail "$set/$name: JA4 differs from FoxIO's" "${lines[@]}"
  else
    pass "$set/$name: $(awk -F'\t' '$9 == "equal"' "$T_TMP/ref" | wc -l) ClientHello(s) equal to FoxIO's"
  fi
done <"$TABLE"
((present)) || skip "none of the table's captures is here (tests/thirdparty/fetch-ndpi-captures.sh, fetch-wireshark-captures.sh fetch them)"
echo "$present captures compared ($rows rows of the table), $absent absent"
finish
