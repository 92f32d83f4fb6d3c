#!/usr/bin/env bash
# Every public header (include/dissect/*.h) compiles on its own, as C11 and
# as C++17, with -Wall -Wextra -pedantic -Werror: it includes what it needs,
# declares nothing a C++ compiler rejects, and has extern "C" guards (checked
# by linking a C++ program that calls a function of each header against
# the library). dissect/json.h is the only one that may need json-c.
#   test_headers.sh SRC_DIR BUILD_DIR
set -uo pipefail
SRC=${1:?source dir}
BUILD=${2:?build dir}
CC=${CC:-cc}
CXX=${CXX:-c++}
command -v "$CC" >/dev/null || { echo "no C compiler: skipped"; exit 77; }
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
    echo "FAIL $what: $*"
    sed 's/^/     /' "$TMP/log"
    fails=$((fails + 1))
  fi
}
jsonc_cflags=$(pkg-config --cflags json-c 2>/dev/null || true)
have_cxx=1
command -v "$CXX" >/dev/null || { echo "no C++ compiler: C++ checks skipped"; have_cxx=0; }
for h in "$SRC"/include/dissect/*.h; do
  name=dissect/$(basename "$h")
  printf '#include <%s>\n' "$name" >"$TMP/one.c"
  # The header twice: include guards.
  printf '#include <%s>\n#include <%s>\nint dx_test_unused;\n' "$name" "$name" >"$TMP/twice.c"
  extra=
  [[ $name == dissect/json.h ]] && extra=$jsonc_cflags
  # shellcheck disable=SC2086
  check "$name C11" "$CC" -std=c11 -Wall -Wextra -pedantic -Werror -I"$SRC/include" $extra \
    -fsyntax-only "$TMP/one.c"
  # shellcheck disable=SC2086
  check "$name C11 twice" "$CC" -std=c11 -Wall -Wextra -pedantic -Werror -I"$SRC/include" $extra \
    -fsyntax-only "$TMP/twice.c"
  if ((have_cxx)); then
    # shellcheck disable=SC2086
    check "$name C++17" "$CXX" -std=c++17 -Wall -Wextra -pedantic -Werror -I"$SRC/include" $extra \
      -fsyntax-only -x c++ "$TMP/one.c"
  fi
done

# dissect.h must not need json-c (nor any header outside the C library).
check "dissect/dissect.h without json-c" bash -c \
  "! grep -n '#include <json' '$SRC'/include/dissect/dissect.h '$SRC'/include/dissect/output.h '$SRC'/include/dissect/filter.h"

# extern "C": a C++ program calls one function of each header and links
# against the library built here (name mangling would make it fail).
lib=$BUILD/lib/libdissect.a
if ((have_cxx)) && [[ -f $lib ]]; then
  cat >"$TMP/link.cc" <<'CC'
#include <dissect/dissect.h>
#include <dissect/filter.h>
#include <dissect/json.h>
#include <dissect/output.h>
#include <cstdio>
int main() {
  dx_config cfg;
  dx_config_init(&cfg);
  dx_session *s = nullptr;
  if (dx_session_new(&s, &cfg) != DX_OK)
    return 1;
  dx_filter *f = nullptr;
  dx_filter_error err;
  int rc = dx_filter_compile(s, "tcp.port == 443", &f, &err); // filter.h
  dx_filter_free(f);
  json_object *(*to_json)(const dx_packet *) = &dx_packet_to_json; // json.h
  int (*summary)(FILE *, const dx_packet *) = &dx_write_summary;  // output.h
  std::printf("%s 0x%06x filter %d, %d\n", dx_version(), dx_version_number(), rc,
              to_json != nullptr && summary != nullptr);
  dx_session_free(s);
  return rc == DX_OK && dx_version_number() == DX_VERSION_NUMBER ? 0 : 1;
}
CC
  libs=$(pkg-config --libs json-c libpcap libcrypto libnghttp2 libbrotlidec libpcre2-8 libnghttp3 \
    zlib 2>/dev/null) || libs="-ljson-c -lpcap -lcrypto -lnghttp2 -lbrotlidec -lpcre2-8 -lnghttp3 -lz"
  # shellcheck disable=SC2086
  check "C++ program links (extern \"C\")" "$CXX" -std=c++17 -Wall -Wextra -pedantic -Werror \
    -I"$SRC/include" $jsonc_cflags "$TMP/link.cc" "$lib" $libs -lm -o "$TMP/link"
  [[ -x $TMP/link ]] && check "C++ program runs" "$TMP/link"
fi

echo "$((n - fails)) passed, $fails failed"
((fails == 0))
