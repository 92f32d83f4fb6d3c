#!/usr/bin/env bash
# Differential test of JA4 (tls.handshake.ja4, tls.handshake.ja4_r): every
# ClientHello of every sample (and of the third-party captures in
# ../shared/corpus/ and of Wireshark's test captures that have one, read in
# place), against JA4 computed by
# tests/differential/ja4_tshark.py from tshark's fields (a second
# implementation of FoxIO's specification). tshark 4.0 has no JA4 itself.
# Usage: test_ja4.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_ja4.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_ja4.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
tshark_capture_test

CAPS=()
# and Wireshark's own test captures when fetched (third-party, never
# committed: tests/thirdparty/fetch-wireshark-captures.sh), among them
# Chrome over QUIC and Firefox over HTTP/2 (real browsers' ClientHellos)
WS=${DX_WIRESHARK_TESTS:-$HOME/.cache/libdissect/wireshark-tests}/captures
for cap in "$SRC"/samples/*.pcap "$SRC"/samples/*.pcapng "$SRC"/../shared/corpus/*/* "$WS"/*; do
  [[ -f $cap ]] || continue
  # only captures where dissect finds a ClientHello (the corpus is large)
  n=$("$D" -n -r "$cap" -Y 'tls.handshake.type == 1' -T fields -e frame.number 2>/dev/null | wc -l)
  ((n)) && CAPS+=("$cap")
done
((${#CAPS[@]})) || skip "no capture with a ClientHello"
total=0
for cap in "${CAPS[@]}"; do
  name=${cap#"$SRC"/}
  "$PY" "$SRC/tests/differential/ja4_tshark.py" "$cap" >"$T_TMP/ref" 2>"$T_TMP/err" || {
    fail "$name: ja4_tshark.py failed" "$(head -3 "$T_TMP/err")"
    continue
  }
  # the frames the reference computed (one ClientHello alone in its frame)
  "$D" -n -r "$cap" -Y 'tls.handshake.type == 1' -T fields -e frame.number \
    -e tls.handshake.ja4 -e tls.handshake.ja4_r 2>/dev/null |
    awk -F'\t' 'NR==FNR { want[$1] = 1; next } ($1 in want)' "$T_TMP/ref" - >"$T_TMP/ours"
  k=$(wc -l <"$T_TMP/ref")
  total=$((total + k))
  if ((k == 0)); then
    continue
  elif diff "$T_TMP/ref" "$T_TMP/ours" >"$T_TMP/diff"; then
    pass "$name: JA4 and JA4_r of $k ClientHello(s) equal the reference"
  else
    fail "$name: JA4 differs from the reference (< reference, > dissect)" "$(head -6 "$T_TMP/diff")"
  fi
done
echo "$total ClientHellos compared"
finish
