#!/usr/bin/env bash
# A parent CMake project that add_subdirectory()s the libdissect source tree
# and links its library: builds (only the library: tests, TUI, CLI and
# samples are off by default inside a parent), the parent's own output
# directories and warning flags are left alone, and its program counts the
# 28 packets of samples/dns.pcap.
#   test_subdir.sh SRC_DIR BUILD_DIR
set -uo pipefail
SRC=${1:?source dir}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0 n=0
check() { # check WHAT CMD...
  local what=$1
  shift
  n=$((n + 1))
  if "$@" >"$TMP/log" 2>&1; then
    echo "ok   $what"
  else
    fails=$((fails + 1))
    echo "FAIL $what"
    sed 's/^/     /' "$TMP/log" | tail -40
  fi
}
mkdir -p "$TMP/parent"
cp "$SRC/samples/embed/embed.c" "$TMP/parent/"
# The parent puts its programs in out/ and builds libdissect in third_party/.
cat >"$TMP/parent/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.18)
project(parent VERSION 3.2.1 LANGUAGES C)
set(CMAKE_RUNTIME_OUTPUT_DIRECTORY \${CMAKE_BINARY_DIR}/out)
add_subdirectory("$SRC" third_party/libdissect)
add_executable(app embed.c)
target_link_libraries(app PRIVATE dissect::dissect_static)
add_executable(app_shared embed.c)
target_link_libraries(app_shared PRIVATE dissect)
foreach(t dissect_cli dissect_tui embed_example test_session)
  if(TARGET \${t})
    message(FATAL_ERROR "target \${t} built inside a parent project")
  endif()
endforeach()
if(NOT PROJECT_VERSION STREQUAL "3.2.1")
  message(FATAL_ERROR "the parent's PROJECT_VERSION changed to \${PROJECT_VERSION}")
endif()
CMAKE
B=$TMP/parent/build
check "parent configures with add_subdirectory(libdissect)" cmake -S "$TMP/parent" -B "$B" \
  -DCMAKE_BUILD_TYPE=  # no optimisation: the build, not the code, is tested (2x faster)
check "parent builds app (links dissect::dissect_static) and app_shared (dissect)" \
  cmake --build "$B" -j"${JOBS:-2}" --target app app_shared
check "app in the parent's output directory counts 28 packets" bash -c \
  "'$B/out/app' '$SRC/samples/dns.pcap' | grep -Eq '^28 packets, [0-9]+ bytes$'"
check "app_shared counts 28 packets" bash -c \
  "'$B/out/app_shared' '$SRC/samples/dns.pcap' | grep -Eq '^28 packets, [0-9]+ bytes$'"
check "no test or install rule of libdissect in the parent" bash -c \
  "! grep -rqs 'dissect' '$B/CTestTestfile.cmake' '$B/third_party/libdissect/CTestTestfile.cmake' &&
   ! grep -qs 'libdissect.pc' '$B/third_party/libdissect/cmake_install.cmake'"
echo "$((n - fails)) passed, $fails failed"
((fails == 0))
