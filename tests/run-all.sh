#!/usr/bin/env bash
# Checks the formatting, builds libdissect twice and runs every test:
#   1. a normal build (RelWithDebInfo) in build/, then its ctest (unit tests,
#      CLI integration tests, JSON tests, the differential test against tshark);
#   2. an AddressSanitizer + UndefinedBehaviorSanitizer build in build-asan/,
#      its unit and integration tests and fuzz replays (the filter table without its second
#      tshark run, done in stage 1 already), then the corpus sweep
#      (tests/corpus/sweep.sh) over ../shared/corpus/tcpdump if it exists,
#      and over Wireshark's and nDPI's test captures if they were fetched
#      (tests/thirdparty/fetch-wireshark-captures.sh, $DX_WIRESHARK_TESTS;
#      tests/thirdparty/fetch-ndpi-captures.sh, $DX_NDPI_TESTS).
# Every stage runs even if an earlier one failed; the exit status is non-zero
# if any failed. Environment: BUILD_DIR, ASAN_BUILD_DIR (build directories),
# JOBS (parallel jobs, default 2), SKIP_ASAN=1 (only stage 1),
# DX_TSHARK_CACHE=none (no tshark cache: see below).
set -uo pipefail
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$SRC/build}
ASAN_BUILD=${ASAN_BUILD_DIR:-$SRC/build-asan}
REL_BUILD=${REL_BUILD_DIR:-$SRC/build-release}
JOBS=${JOBS:-2}
failed=() skipped=()
# tshark as CI runs it (tests/tshark-cache/tshark): with malloc tunables
# that halve its start-up time, and its answers kept for this run, so that
# a command that several tests, or both stages, give on the same bytes runs
# once. DX_TSHARK_CACHE=none runs tshark every time.
export PATH=$SRC/tests/tshark-cache:$PATH
if [[ ${DX_TSHARK_CACHE:-} != none ]]; then
  DX_TSHARK_CACHE=$(mktemp -d "${TMPDIR:-/tmp}/dissect-tshark-cache.XXXXXX")
  trap 'rm -rf "$DX_TSHARK_CACHE"' EXIT
  export DX_TSHARK_CACHE
else
  unset DX_TSHARK_CACHE
fi
# A stage's command exits 0 (ok), 77 (could not run: SKIPPED, said as such
# and not counted as a pass) or anything else (FAILED). A ctest stage whose
# tests were all run but some skipped themselves (exit 77: no tshark, no
# tmux...) is "ok" with the skipped tests named.
stage() { # stage NAME CMD...
  local name=$1 t0=$SECONDS rc=0 word
  shift
  echo
  echo "=== $name"
  "$@" || rc=$?
  case $rc in
  0) word=ok ;;
  77) word=SKIPPED skipped+=("$name") ;;
  *) word="FAILED (exit $rc)" failed+=("$name") ;;
  esac
  echo "=== $name: $word in $((SECONDS - t0))s"
  ((rc == 0 || rc == 77))
}
# The ASan stage leaves tshark out (its comparisons ran in stage 1), and the
# integration tests whose time goes to the second tool or to a browser, not
# to dissect: test_json_tshark (tshark's JSON), test_story_quic (tshark's
# fields per QUIC packet), test_story_render (Chromium lays out the SVG that
# test_story already makes under ASan), test_tui (its 220 checks wait on
# tmux screens; the TUI's code runs under ASan in test_tui_decrypt and
# test_story_tui). Their dissect runs are on the samples that the other
# tests and the corpus sweep run under ASan.
ASAN_SKIP='^integration\.test_(json_tshark|story_quic|story_render|tui)$'
run_ctest_no_tshark() { DX_NO_TSHARK=1 run_ctest "$@"; }
# ctest, then the names of the tests that skipped themselves, if any.
run_ctest() { # run_ctest ARGS...
  local out rc=0
  out=$(mktemp)
  ctest "$@" 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  if grep -q 'Skipped\|Not Run' "$out"; then
    echo "skipped tests (they could not run here):"
    grep -E '\*\*\*Skipped|Not Run' "$out" | sed 's/^/  /'
    skipped+=("some tests of: ctest $*")
  fi
  rm -f "$out"
  return $rc
}

# The sources follow .clang-format (clang-format 14, Debian 12's).
format_check() {
  command -v clang-format >/dev/null || { echo "clang-format not installed"; return 77; }
  (cd "$SRC" && git ls-files '*.c' '*.h' | xargs clang-format --dry-run --Werror)
}
stage "format check (clang-format)" format_check

stage "configure ($BUILD)" cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDX_BUILD_TESTS=ON &&
  stage "build ($BUILD)" cmake --build "$BUILD" -j"$JOBS" &&
  stage "ctest ($BUILD)" run_ctest --test-dir "$BUILD" --output-on-failure -j"$JOBS"

# The Release build (-O3) users and bench/ make: its optimizer sees what
# RelWithDebInfo's does not (a -Werror warning there failed only it once).
stage "configure Release ($REL_BUILD)" cmake -S "$SRC" -B "$REL_BUILD" -DCMAKE_BUILD_TYPE=Release \
  -DDX_BUILD_TESTS=OFF &&
  stage "build Release ($REL_BUILD)" cmake --build "$REL_BUILD" -j"$JOBS"

# Wireshark's own test captures (tests/thirdparty/fetch-wireshark-captures.sh)
WS_CAPTURES=${DX_WIRESHARK_TESTS:-$HOME/.cache/libdissect/wireshark-tests}/captures
# nDPI's test captures (tests/thirdparty/fetch-ndpi-captures.sh), flat
NDPI_CAPTURES=${DX_NDPI_TESTS:-$HOME/.cache/libdissect/ndpi-tests}

if [[ ${SKIP_ASAN:-0} != 1 ]]; then
  # detect_stack_use_after_return: a pointer into a returned function's
  # frame is reported wherever the stack is reused (GCC's ASan catches it
  # only with this; a TLS message name was read so, found by fuzz_quic's
  # clang build and not by this replay)
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  stage "configure ASan+UBSan ($ASAN_BUILD)" cmake -S "$SRC" -B "$ASAN_BUILD" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDX_SANITIZE=ON -DDX_BUILD_TESTS=ON &&
    stage "build ASan+UBSan ($ASAN_BUILD)" cmake --build "$ASAN_BUILD" -j"$JOBS" && {
    stage "ctest ASan+UBSan, unit, integration and fuzz replays ($ASAN_BUILD)" \
      run_ctest_no_tshark --test-dir "$ASAN_BUILD" --output-on-failure -j"$JOBS" -R '^(unit|integration|fuzz)\.' \
        -E "$ASAN_SKIP"
    stage "corpus sweep ASan+UBSan" env SWEEP_JOBS="$JOBS" bash "$SRC/tests/corpus/sweep.sh" "$ASAN_BUILD/bin"
    stage "Wireshark test captures sweep ASan+UBSan" env SWEEP_JOBS="$JOBS" \
      bash "$SRC/tests/corpus/sweep.sh" "$ASAN_BUILD/bin" "$WS_CAPTURES"
    stage "nDPI test captures sweep ASan+UBSan" env SWEEP_JOBS="$JOBS" \
      bash "$SRC/tests/corpus/sweep.sh" "$ASAN_BUILD/bin" "$NDPI_CAPTURES"
  }
fi

echo
((${#skipped[@]})) && echo "run-all: SKIPPED (could not run here): ${skipped[*]}"
if ((${#failed[@]})); then
  echo "run-all: FAILED stages: ${failed[*]}"
  exit 1
fi
if ((${#skipped[@]})); then
  echo "run-all: every stage that ran passed; the SKIPPED ones above did not run"
else
  echo "run-all: every stage passed"
fi
