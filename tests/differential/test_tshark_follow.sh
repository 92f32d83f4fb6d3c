#!/usr/bin/env bash
# Differential test of -z follow,tcp on lossy and reordered TCP: the
# captures of Wireshark's own test suite with out-of-order segments,
# retransmissions, overlaps and segments missing from the capture (fetched
# by tests/thirdparty/fetch-wireshark-captures.sh, never committed). For
# every TCP stream of each, `dissect -q -z follow,tcp,MODE,N` prints byte
# for byte what `tshark -n -q` prints, in the ascii, hex and raw forms:
# held segments printed in sequence order when the gap before them fills,
# "[N bytes missing in capture file]." chunks where the receiver
# acknowledged bytes the capture lacks, new tails of retransmissions.
# Expected values come from tshark 4.0, never from dissect.
# Skipped (77) without tshark or without the captures.
# Usage: test_tshark_follow.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_tshark_follow.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_tshark_follow.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
command -v tshark >/dev/null 2>&1 || skip "tshark is not installed"
[[ -x $D ]] || skip "$D not built"
wireshark_captures
t_tmpdir
export WIRESHARK_CONFIG_DIR=$T_TMP/wireshark-config
mkdir -p "$WIRESHARK_CONFIG_DIR"
unset SSLKEYLOGFILE

# CAPTURE|OPTIONS (for both tools)
CASES=(
  "http2_follow_multistream.pcapng|" # [TCP Out-Of-Order] segments, 221,166 bytes in stream 0
  "http2_follow_multistream.pcapng|-o tcp.reassemble_out_of_order:TRUE"
  "http-ooo.pcap|"  # "GET /2" comes after a gap
  "http-ooo2.pcap|"
  "dns-ooo.pcap|"
  "tcp-badsegments.pcap|"
  "challenge01_ooo_stream.pcapng.gz|"
)

for c in "${CASES[@]}"; do
  IFS='|' read -r cap opts <<<"$c"
  read -r -a o <<<"$opts"
  f=$C/$cap
  if [[ ! -f $f ]]; then
    fail "$cap: not in $C (fetch again)"
    continue
  fi
  last=$(tshark -n -r "$f" "${o[@]}" -T fields -e tcp.stream 2>/dev/null | tr ',' '\n' | sort -n | tail -1)
  if [[ -z $last ]]; then
    fail "$cap: tshark finds no TCP stream"
    continue
  fi
  for ((n = 0; n <= last; n++)); do
    # the three forms in one run of each tool (both print them in the same
    # order)
    z=(-z "follow,tcp,ascii,$n" -z "follow,tcp,hex,$n" -z "follow,tcp,raw,$n")
    tshark -n -q -r "$f" "${o[@]}" "${z[@]}" >"$T_TMP/want" 2>/dev/null
    "$D" -n -q -r "$f" "${o[@]}" "${z[@]}" >"$T_TMP/got" 2>&1
    name="$cap${opts:+ $opts}: follow,tcp,ascii|hex|raw,$n"
    if cmp -s "$T_TMP/want" "$T_TMP/got"; then
      pass "$name"
    else
      fail "$name" "$(diff "$T_TMP/want" "$T_TMP/got" | head -8)"
    fi
  done
done

finish
