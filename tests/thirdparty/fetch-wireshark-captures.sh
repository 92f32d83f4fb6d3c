#!/usr/bin/env bash
# Fetches the captures and keys of Wireshark's own test suite (test/captures,
# test/keys of the wireshark source package Debian ships, the same version
# as the tshark these tests compare with) into DIR, for
# tests/differential/test_tshark_wireshark_suite.sh. They are third-party
# captures (made by Wireshark's contributors, not by this project), so they
# are never committed: each machine fetches them.
#
#   tests/thirdparty/fetch-wireshark-captures.sh [DIR]
#
# DIR defaults to $DX_WIRESHARK_TESTS, else ~/.cache/libdissect/wireshark-tests.
# Uses apt-get with a private source list (deb-src of the machine's Debian
# release), so it needs no change to the system's apt configuration; apt
# checks the package's signature and checksums. Run as root (CI) or with
# sudo where apt-get needs it. Idempotent: an existing DIR/.done is kept.
set -euo pipefail
DIR=${1:-${DX_WIRESHARK_TESTS:-$HOME/.cache/libdissect/wireshark-tests}}
if [[ -f $DIR/.done ]]; then
  echo "wireshark test captures already in $DIR"
  exit 0
fi
command -v apt-get >/dev/null || { echo "fetch-wireshark-captures: apt-get not found" >&2; exit 1; }
. /etc/os-release
SUITE=${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/parts" "$WORK/lists/partial" "$WORK/archives/partial" "$WORK/src"
cat >"$WORK/parts/src.sources" <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $SUITE
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
APT=(apt-get -q -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$WORK/parts"
  -o "Dir::State::Lists=$WORK/lists" -o "Dir::Cache::Archives=$WORK/archives"
  -o APT::Sandbox::User=root)
"${APT[@]}" update >/dev/null
# the source of the tshark installed here (its version), else the newest
VER=$(dpkg-query -W -f='${Version}' tshark 2>/dev/null || true)
PKG=wireshark${VER:+=$VER}
(cd "$WORK/src" && "${APT[@]}" source --download-only "$PKG" >/dev/null 2>&1) ||
  (cd "$WORK/src" && "${APT[@]}" source --download-only wireshark >/dev/null)
TAR=$(ls "$WORK"/src/wireshark_*.orig.tar.* | head -1)
mkdir -p "$DIR.tmp"
tar -xf "$TAR" -C "$DIR.tmp" --wildcards --strip-components=2 '*/test/captures/*' '*/test/keys/*'
rm -rf "$DIR"
mv "$DIR.tmp" "$DIR"
basename "$TAR" >"$DIR/.done"
echo "wireshark test captures from $(basename "$TAR") in $DIR: $(ls "$DIR/captures" | wc -l) captures"
