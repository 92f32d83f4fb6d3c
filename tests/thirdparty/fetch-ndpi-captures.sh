#!/usr/bin/env bash
# Fetches nDPI's test captures (tests/pcap of the ndpi source package Debian
# ships: QUIC drafts and gQUIC versions, browsers' HTTPS, TLS, DNS, HTTP and
# IP oddities, fuzzed files) into DIR, one flat directory, for
# tests/differential/test_tshark_ndpi.sh and the sanitizer sweep of
# tests/run-all.sh. They are third-party captures (made by nDPI's
# contributors, not by this project), so they are never committed: each
# machine fetches them (with debian-source.sh, beside this script).
#
#   tests/thirdparty/fetch-ndpi-captures.sh [DIR]
#
# DIR defaults to $DX_NDPI_TESTS, else ~/.cache/libdissect/ndpi-tests.
# Idempotent: an existing DIR/.done is kept.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/debian-source.sh"
DIR=${1:-${DX_NDPI_TESTS:-$HOME/.cache/libdissect/ndpi-tests}}
# the version test_tshark_ndpi.sh's expectations were checked on, else the
# newest of this release
debian_source_extract "nDPI test captures" "ndpi=4.2-2" "$DIR" 3 '*/tests/pcap/*'
n=$(find "$DIR" -maxdepth 1 -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) | wc -l)
echo "nDPI test captures from $(cat "$DIR/.done") in $DIR: $n captures"
