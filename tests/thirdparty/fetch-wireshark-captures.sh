#!/usr/bin/env bash
# Fetches the captures and keys of Wireshark's own test suite (test/captures,
# test/keys of the wireshark source package Debian ships, the same version
# as the tshark these tests compare with) into DIR, for
# tests/differential/test_tshark_wireshark_suite.sh and the sanitizer sweep
# of tests/run-all.sh. They are third-party captures (made by Wireshark's
# contributors, not by this project), so they are never committed: each
# machine fetches them (with debian-source.sh, beside this script).
#
#   tests/thirdparty/fetch-wireshark-captures.sh [DIR]
#
# DIR defaults to $DX_WIRESHARK_TESTS, else ~/.cache/libdissect/wireshark-tests.
# Idempotent: an existing DIR/.done is kept.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/debian-source.sh"
DIR=${1:-${DX_WIRESHARK_TESTS:-$HOME/.cache/libdissect/wireshark-tests}}
# the source of the tshark installed here (its version), else the newest
VER=$(dpkg-query -W -f='${Version}' tshark 2>/dev/null || true)
debian_source_extract "wireshark test captures" "wireshark${VER:+=$VER}" "$DIR" 2 \
  '*/test/captures/*' '*/test/keys/*'
echo "wireshark test captures from $(cat "$DIR/.done") in $DIR: $(ls "$DIR/captures" | wc -l) captures"
