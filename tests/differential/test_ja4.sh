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
# and nDPI's test captures when fetched (tests/thirdparty/fetch-ndpi-captures.sh:
# Chrome, Firefox, Safari, curl, git and apps' ClientHellos, some crafted)
NDPI=${DX_NDPI_TESTS:-$HOME/.cache/libdissect/ndpi-tests}
for cap in "$SRC"/samples/*.pcap "$SRC"/samples/*.pcapng "$SRC"/../shared/corpus/*/* "$WS"/* \
  "$NDPI"/*; do
  [[ -f $cap ]] || continue
  # only captures where dissect finds a ClientHello (the corpus is large)
  n=$("$D" -n -r "$cap" -Y 'tls.handshake.type == 1' -T fields -e frame.number 2>/dev/null | wc -l)
  ((n)) && CAPS+=("$cap")
done
((${#CAPS[@]})) || skip "no capture with a ClientHello"
# ClientHellos left out, CAPTURE FRAME, each for its reason:
#  - nDPI's tls_cipher_lens.pcap frames 2, 3 and 5, crafted hellos whose
#    cipher suite list (2, 3) or extension list (5) runs past the message:
#    tshark reads on into the next fields (the reference then takes
#    "0d77,2e67,..." of the SNI for suites) or reads no extension at all;
#    dissect marks the hello malformed and gives no fingerprint for it.
#  - nDPI's tls_invalid_reads.pcap frame 12 (in a GTP-U tunnel), a crafted
#    hello whose last extension (type 18403) claims 20422 bytes, past the
#    message: tshark shows no such extension (an exception on its item), so
#    the reference counts 5 extensions; dissect's JA3 and JA4, made from
#    the hello's bytes (not its tree, which now shows 5 as tshark), count
#    the type that was read (6). FoxIO's JA4.md does not say what a hello
#    this broken gives; neither side is wrong by it.
KEPT="tls_cipher_lens.pcap 2
tls_cipher_lens.pcap 3
tls_cipher_lens.pcap 5
tls_invalid_reads.pcap 12"
total=0
for cap in "${CAPS[@]}"; do
  name=${cap#"$SRC"/}
  "$PY" "$SRC/tests/differential/ja4_tshark.py" "$cap" >"$T_TMP/ref0" 2>"$T_TMP/err" || {
    fail "$name: ja4_tshark.py failed" "$(head -3 "$T_TMP/err")"
    continue
  }
  awk -F'\t' -v c="$(basename "$cap")" -v kept="$KEPT" '
    BEGIN { n = split(kept, k, "\n"); for (i = 1; i <= n; i++) { split(k[i], e, " "); if (e[1] == c) skip[e[2]] = 1 } }
    !($1 in skip)' "$T_TMP/ref0" >"$T_TMP/ref"
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
