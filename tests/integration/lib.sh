# Shared helpers for the shell tests (integration, differential, corpus).
# Source it from a test script:   . "$(dirname "$0")/../integration/lib.sh"
#
# A test script counts its checks with pass/fail (or the check_* helpers),
# and ends with `finish`, which prints "N passed, M failed" as the last line
# and exits 0 when nothing failed, 1 otherwise. `skip REASON` exits 77, which
# ctest reports as skipped.

T_PASSED=0
T_FAILED=0
T_FAILURES=()
T_QUIET=${T_QUIET:-0}
# The system python3 (Debian's, with its python3-* packages) if there is one.
if [[ -x /usr/bin/python3 ]]; then
  PY=/usr/bin/python3
else
  PY=$(command -v python3 || true)
fi

pass() {
  T_PASSED=$((T_PASSED + 1))
  [[ $T_QUIET == 1 ]] || printf 'ok   %s\n' "$1"
}

# fail NAME [DETAIL...]
fail() {
  local name=$1
  shift
  T_FAILED=$((T_FAILED + 1))
  T_FAILURES+=("$name")
  printf 'FAIL %s\n' "$name"
  local line
  for line in "$@"; do
    printf '       %s\n' "$line"
  done
}

skip() {
  printf 'SKIP: %s\n' "$1"
  exit 77
}

# wireshark_captures: Wireshark's own test captures and keys (third-party,
# fetched by tests/thirdparty/fetch-wireshark-captures.sh, never committed):
# sets W (their directory: $DX_WIRESHARK_TESTS, else the fetch script's
# default), C (captures/) and K (keys/); skips (77) when they are not there.
wireshark_captures() {
  W=${DX_WIRESHARK_TESTS:-$HOME/.cache/libdissect/wireshark-tests}
  [[ -d $W/captures && -d $W/keys ]] ||
    skip "Wireshark's test captures are not in $W (tests/thirdparty/fetch-wireshark-captures.sh fetches them)"
  C=$W/captures K=$W/keys
}

# ndpi_captures: nDPI's test captures (tests/pcap of its source package;
# third-party, fetched by tests/thirdparty/fetch-ndpi-captures.sh, never
# committed): sets N (their directory, flat: $DX_NDPI_TESTS, else the fetch
# script's default); skips (77) when they are not there.
ndpi_captures() {
  N=${DX_NDPI_TESTS:-$HOME/.cache/libdissect/ndpi-tests}
  [[ -d $N ]] && compgen -G "$N/*.pcap" >/dev/null ||
    skip "nDPI's test captures are not in $N (tests/thirdparty/fetch-ndpi-captures.sh fetches them)"
}

finish() {
  if ((T_FAILED)); then
    printf '\nfailed checks:\n'
    printf '  %s\n' "${T_FAILURES[@]}"
  fi
  printf '%d passed, %d failed\n' "$T_PASSED" "$T_FAILED"
  ((T_FAILED == 0))
  exit $?
}

# A private temporary directory, removed on exit.
t_tmpdir() {
  T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/dissect-test.XXXXXX")
  trap 'rm -rf "$T_TMP"' EXIT
}

# The start of a test that compares dissect ($D) with tshark on captures it
# makes with Python: skipped without tshark, $D or python3; then a
# temporary directory, an empty tshark configuration of its own and no key
# log from the environment.
tshark_capture_test() {
  command -v tshark >/dev/null 2>&1 || skip "tshark is not installed"
  [[ -x $D ]] || skip "$D not built"
  [[ -n $PY ]] || skip "python3 is needed to make the captures"
  t_tmpdir
  export WIRESHARK_CONFIG_DIR=$T_TMP/wireshark-config
  mkdir -p "$WIRESHARK_CONFIG_DIR"
  unset SSLKEYLOGFILE
}

# run CMD ARGS... : runs the command with stdin from /dev/null (unless the
# caller redirects), stdout to $T_TMP/out, stderr to $T_TMP/err, exit status
# in RC. Never fails the script.
run() {
  RC=0
  "$@" >"$T_TMP/out" 2>"$T_TMP/err" || RC=$?
}
# Same, with stdin from a file: run_in FILE CMD ARGS...
run_in() {
  local in=$1
  shift
  RC=0
  "$@" <"$in" >"$T_TMP/out" 2>"$T_TMP/err" || RC=$?
}

# check_same LABEL EXPECTED ACTUAL: the two files are equal (EXPECTED is
# tshark's); else the first lines of their diff
check_same() {
  if cmp -s "$2" "$3"; then
    pass "$1"
  else
    local d
    mapfile -t d < <(diff "$2" "$3" | head -12)
    fail "$1" "(< tshark, > dissect)" "${d[@]}"
  fi
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
  if [[ "$2" == "$3" ]]; then
    pass "$1"
  else
    fail "$1" "expected: $(printf '%q' "$2")" "got:      $(printf '%q' "$3")"
  fi
}

# check_rc_nonzero NAME : the last run() failed, without a crash
check_rc_error() {
  if ((RC != 0 && RC < 128)); then
    pass "$1"
  else
    fail "$1" "exit status $RC (wanted a non-zero status below 128)" "stderr: $(head -c 300 "$T_TMP/err")"
  fi
}

check_rc_zero() {
  if ((RC == 0)); then
    pass "$1"
  else
    fail "$1" "exit status $RC" "stderr: $(head -c 300 "$T_TMP/err")"
  fi
}

# check_grep NAME REGEX FILE   (grep -E, fixed with -F via check_grepf)
check_grep() {
  if grep -Eq -- "$2" "$3"; then
    pass "$1"
  else
    fail "$1" "no line matches /$2/ in $(basename "$3"):" "$(head -c 400 "$3")"
  fi
}
check_grepf() {
  if grep -Fq -- "$2" "$3"; then
    pass "$1"
  else
    fail "$1" "no line contains \"$2\" in $(basename "$3"):" "$(head -c 400 "$3")"
  fi
}

# check_no_byte NAME HEXBYTE FILE : the file holds no byte 0xHEXBYTE
check_no_byte() {
  local n
  n=$(LC_ALL=C grep -c "$(printf "\\x$2")" "$3" || true)
  if [[ $n == 0 ]]; then
    pass "$1"
  else
    fail "$1" "$n line(s) contain a raw 0x$2 byte"
  fi
}

# Number of packets in a capture according to capinfos (Wireshark), or
# empty if capinfos is not installed.
capinfos_count() {
  command -v capinfos >/dev/null 2>&1 || return 0
  capinfos -M -c "$1" 2>/dev/null | awk -F: '/Number of packets/ {gsub(/ /, "", $2); print $2}'
}

# Writes a classic pcap (microsecond, little-endian) from hex strings.
#   pcap_write FILE LINKTYPE HEX [HEX...]
# Each HEX is one frame (whitespace allowed).
pcap_write() {
  $PY - "$@" <<'EOF'
import struct, sys
path, linktype, frames = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
with open(path, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, linktype))
    for i, h in enumerate(frames):
        b = bytes.fromhex("".join(h.split()))
        f.write(struct.pack("<IIII", 1700000000 + i, 0, len(b), len(b)))
        f.write(b)
EOF
}
