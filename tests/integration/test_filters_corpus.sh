#!/usr/bin/env bash
# Display filters on captures this project did not make, in ctest: every
# filter of filters-corpus.txt on a few of Wireshark's own test captures
# (fetched by tests/thirdparty/fetch-wireshark-captures.sh; skipped without
# them), each capture's selected frames compared with tshark's by
# filters_corpus.sh (the differences kept on purpose, with their reasons,
# are in filters-corpus-kept.tsv). Chosen for their protocols (Ethernet,
# IPv4, IPv6, TCP, UDP, DNS, HTTP, ICMP) and kept small: ~1 minute.
# Usage: test_filters_corpus.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_filters_corpus.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_filters_corpus.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"
command -v tshark >/dev/null 2>&1 || skip "tshark is not installed"
[[ -x $BIN/dissect ]] || skip "$BIN/dissect not built"
wireshark_captures
caps=()
for n in communityid.pcap.gz dns+icmp.pcapng.gz http-ooo.pcap; do
  [[ -f $C/$n ]] && caps+=("$C/$n")
done
((${#caps[@]})) || skip "none of the chosen captures is in $C"
exec bash "$SRC/tests/integration/filters_corpus.sh" "$BIN" "$SRC" "${caps[@]}"
