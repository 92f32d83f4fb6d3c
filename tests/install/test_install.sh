#!/usr/bin/env bash
# libdissect installs like a C library: `cmake --install BUILD --prefix TMP`,
# then samples/embed/embed.c is built against what was installed
#   1. with pkg-config --cflags --libs libdissect (shared library),
#   2. with pkg-config --static --libs libdissect and libdissect.a,
#   3. with a small CMake project: find_package(dissect CONFIG REQUIRED) and
#      target_link_libraries(embed PRIVATE dissect::dissect), and another
#      with dissect::dissect_static;
# each binary reads samples/dns.pcap and must count 28 packets (tshark's
# count). Then the installed files are checked: the soname, the headers,
# the programs (dissect --version runs) and the man pages (man renders them).
# Exits 77 (skipped) without pkg-config.
#   test_install.sh SRC_DIR BUILD_DIR
set -uo pipefail
SRC=${1:?source dir}
BUILD=${2:?build dir}
command -v pkg-config >/dev/null || { echo "pkg-config not installed: skipped"; exit 77; }
CC=${CC:-cc}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
P=$TMP/prefix
fails=0 n=0
ok() { n=$((n + 1)); echo "ok   $1"; }
fail() { n=$((n + 1)); fails=$((fails + 1)); echo "FAIL $1"; [[ -f $TMP/log ]] && sed 's/^/     /' "$TMP/log" | tail -40; }
check() { # check WHAT CMD...
  local what=$1
  shift
  if "$@" >"$TMP/log" 2>&1; then ok "$what"; else fail "$what"; fi
}
# counts PROGRAM: runs it on samples/dns.pcap, wants "28 packets, N bytes"
counts() {
  "$1" "$SRC/samples/dns.pcap" >"$TMP/out" 2>"$TMP/log" &&
    grep -Eq '^28 packets, [0-9]+ bytes$' "$TMP/out" || { tail -3 "$TMP/out" >>"$TMP/log"; return 1; }
}

if ! cmake --install "$BUILD" --prefix "$P" >"$TMP/log" 2>&1; then
  fail "cmake --install $BUILD --prefix $P"
  exit 1
fi
ok "cmake --install --prefix"

libdir=$(dirname "$(find "$P" -name libdissect.pc -print -quit)")
libdir=${libdir%/pkgconfig}
[[ -n $libdir && -d $libdir ]] || { fail "libdissect.pc installed"; exit 1; }
ok "libdissect.pc installed in ${libdir#"$P"/}/pkgconfig"

# The files a C library installs.
for f in "$libdir/libdissect.a" "$libdir/libdissect.so" "$libdir/libdissect.so.0" \
  "$P/include/dissect/dissect.h" "$P/include/dissect/filter.h" "$P/include/dissect/output.h" \
  "$P/include/dissect/json.h" "$libdir/cmake/dissect/dissect-config.cmake" \
  "$libdir/cmake/dissect/dissect-config-version.cmake" "$P/bin/dissect" \
  "$P/share/man/man1/dissect.1" "$P/share/man/man3/libdissect.3"; do
  if [[ -e $f ]]; then ok "installed ${f#"$P"/}"; else fail "installed ${f#"$P"/}"; fi
done
if command -v readelf >/dev/null; then
  if readelf -d "$libdir/libdissect.so" | grep -q 'SONAME.*\[libdissect\.so\.0\]'; then
    ok "SONAME libdissect.so.0"
  else
    readelf -d "$libdir/libdissect.so" >"$TMP/log" 2>&1
    fail "SONAME libdissect.so.0"
  fi
fi
check "installed dissect --version runs" "$P/bin/dissect" --version
if [[ -f $BUILD/bin/dissect-tui ]]; then
  for f in "$P/bin/dissect-tui" "$P/share/man/man1/dissect-tui.1"; do
    if [[ -e $f ]]; then ok "installed ${f#"$P"/}"; else fail "installed ${f#"$P"/}"; fi
  done
fi

export PKG_CONFIG_PATH=$libdir/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
check "pkg-config --modversion libdissect is the headers' version" bash -c \
  "v=\$(pkg-config --modversion libdissect) && grep -q \"DX_VERSION_STRING \\\"\$v\\\"\" '$P/include/dissect/dissect.h'"
# The first -I is ours (${pcfiledir}-relative: the prefix the files are in).
incdir=$(pkg-config --cflags-only-I libdissect | awk '{print substr($1, 3)}')
check "pkg-config --cflags names the installed include dir ($incdir)" \
  test "$incdir/dissect/dissect.h" -ef "$P/include/dissect/dissect.h"

# 1. pkg-config, shared library.
# shellcheck disable=SC2046
if "$CC" -std=c11 -Wall -Wextra -Werror "$SRC/samples/embed/embed.c" -o "$TMP/embed-pc" \
  $(pkg-config --cflags --libs libdissect) -Wl,-rpath,"$libdir" >"$TMP/log" 2>&1; then
  ok "embed.c builds with pkg-config --cflags --libs libdissect"
  check "embed (pkg-config, shared) counts 28 packets in dns.pcap" counts "$TMP/embed-pc"
  check "embed (pkg-config, shared) uses the installed libdissect.so.0" bash -c \
    "ldd '$TMP/embed-pc' | grep -q '$libdir/libdissect.so.0'"
else
  fail "embed.c builds with pkg-config --cflags --libs libdissect"
fi

# 2. pkg-config --static with libdissect.a: the static library's own
# dependencies come from Requires.private / Libs.private.
static_libs=$(pkg-config --static --libs libdissect | sed "s#-ldissect\\b#$libdir/libdissect.a#")
# shellcheck disable=SC2046,SC2086
if "$CC" -std=c11 -Wall -Wextra -Werror "$SRC/samples/embed/embed.c" -o "$TMP/embed-static" \
  $(pkg-config --cflags libdissect) $static_libs >"$TMP/log" 2>&1; then
  ok "embed.c builds with pkg-config --static --libs libdissect (libdissect.a)"
  check "embed (pkg-config, static) counts 28 packets in dns.pcap" counts "$TMP/embed-static"
  check "embed (pkg-config, static) does not load libdissect.so" bash -c \
    "! ldd '$TMP/embed-static' | grep -q libdissect"
else
  fail "embed.c builds with pkg-config --static --libs libdissect (libdissect.a)"
fi

# 3. CMake package: find_package(dissect CONFIG REQUIRED).
for target in dissect dissect_static; do
  proj=$TMP/cmake-$target
  mkdir -p "$proj"
  cp "$SRC/samples/embed/embed.c" "$proj/"
  cat >"$proj/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.18)
project(embed_consumer LANGUAGES C)
find_package(dissect 0.1 CONFIG REQUIRED)
message(STATUS "found dissect \${dissect_VERSION}")
add_executable(embed embed.c)
target_link_libraries(embed PRIVATE dissect::$target)
CMAKE
  if cmake -S "$proj" -B "$proj/build" -DCMAKE_PREFIX_PATH="$P" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_FLAGS="-Wall -Wextra -Werror" >"$TMP/log" 2>&1 &&
    cmake --build "$proj/build" >>"$TMP/log" 2>&1; then
    ok "find_package(dissect CONFIG) + dissect::$target builds embed.c"
    check "embed (CMake, dissect::$target) counts 28 packets in dns.pcap" counts "$proj/build/embed"
  else
    fail "find_package(dissect CONFIG) + dissect::$target builds embed.c"
  fi
done
# A version the package cannot give is refused (dissect-config-version.cmake).
proj=$TMP/cmake-version
mkdir -p "$proj"
cat >"$proj/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.18)
project(version_consumer NONE)
find_package(dissect 99 CONFIG QUIET)
if(dissect_FOUND)
  message(FATAL_ERROR "find_package(dissect 99) found version ${dissect_VERSION}")
endif()
CMAKE
check "find_package(dissect 99) is refused by the version file" \
  cmake -S "$proj" -B "$proj/build" -DCMAKE_PREFIX_PATH="$P"

# Man pages: render without warnings, and man finds them in the prefix.
if command -v man >/dev/null; then
  for page in man1/dissect.1 man1/dissect-tui.1 man3/libdissect.3; do
    [[ -f $P/share/man/$page ]] || continue
    if command -v groff >/dev/null; then
      check "groff -man -ww: share/man/$page has no warnings" bash -c \
        "groff -man -Tutf8 -ww -z '$P/share/man/$page' 2>&1 | (! grep .)"
    fi
    check "man -l share/man/$page renders" bash -c \
      "MANWIDTH=80 man -l '$P/share/man/$page' 2>'$TMP/manerr' | grep -q . && ! grep . '$TMP/manerr'"
  done
  check "man -M share/man dissect finds the page" bash -c \
    "MANWIDTH=80 man -M '$P/share/man' dissect | grep -q 'dissect'"
  check "man -M share/man 3 libdissect finds the page" bash -c \
    "MANWIDTH=80 man -M '$P/share/man' 3 libdissect | grep -q 'dx_session_new'"
else
  echo "man not installed: man page checks skipped"
fi

echo "$((n - fails)) passed, $fails failed"
((fails == 0))
