#!/usr/bin/env bash
# Line coverage of the library (libdissect/) by the unit tests and the fuzz
# replays (seeds, regression inputs and committed minimized corpora
# tests/fuzz/corpora/ of every harness), per file and in all, with clang's
# source-based coverage:
#
#   tests/coverage.sh            build build-cov, run, report
#   CORPORA=1 tests/coverage.sh  also replay the local fuzzing corpora
#                                (tests/fuzz/corpus-*/, git-ignored)
#   BUILD=dir                    another build directory
#
# Needs clang, llvm-profdata and llvm-cov (versioned names are found too).
# A build and a full run take several minutes: not run in CI.
set -euo pipefail
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$SRC/build-cov}

tool() { # the tool, or its highest versioned name
  local t
  t=$(command -v "$1" || true)
  [[ -z $t ]] && t=$(compgen -c "$1-" | grep -E "^$1-[0-9]+$" | sort -t- -k3 -n | tail -1 || true)
  [[ -n $t ]] || { echo "coverage.sh: $1 not found" >&2; exit 2; }
  echo "$t"
}
PROFDATA=$(tool llvm-profdata)
COV=$(tool llvm-cov)
command -v clang >/dev/null || { echo "coverage.sh: clang not found" >&2; exit 2; }

cmake -S "$SRC" -B "$BUILD" -DCMAKE_C_COMPILER=clang -DDX_BUILD_TESTS=ON -DDX_FUZZ=OFF \
  -DCMAKE_C_FLAGS="-fprofile-instr-generate -fcoverage-mapping" \
  -DCMAKE_EXE_LINKER_FLAGS=-fprofile-instr-generate >/dev/null
nice -n 10 cmake --build "$BUILD" -j2 >/dev/null

PROF=$BUILD/profiles
rm -rf "$PROF"
mkdir -p "$PROF"
export LLVM_PROFILE_FILE=$PROF/%p-%m.profraw
# unit tests and the fuzz replays (a failure is reported, the coverage
# still counts)
(cd "$BUILD" && nice -n 10 ctest -R '^(unit|fuzz\.replay)\.' --output-on-failure >"$PROF/ctest.log" 2>&1) ||
  echo "coverage.sh: some tests failed (see $PROF/ctest.log)" >&2
if [[ ${CORPORA:-0} == 1 ]]; then
  for d in "$SRC"/tests/fuzz/corpus-*/; do
    h=fuzz_$(basename "$d" | sed 's/^corpus-//')
    [[ -x $BUILD/tests/${h}_replay ]] && nice -n 10 "$BUILD/tests/${h}_replay" "$d" >/dev/null 2>&1 || true
  done
fi
"$PROFDATA" merge -sparse "$PROF"/*.profraw -o "$PROF/all.profdata"

objects=()
for b in "$BUILD"/tests/test_* "$BUILD"/tests/fuzz_*_replay; do
  [[ -x $b && ! -d $b ]] || continue
  if [[ ${#objects[@]} -eq 0 ]]; then objects+=("$b"); else objects+=(-object "$b"); fi
done
"$COV" report -instr-profile="$PROF/all.profdata" "${objects[@]}" "$SRC/libdissect" >"$PROF/report.txt"

# Filename Regions Missed Cover Functions Missed Executed Lines Missed Cover ...
# Files with code, the least covered first, then the total.
printf "%-40s %7s %7s %8s\n" "file (libdissect/)" lines missed cover
awk -v src="$SRC/libdissect/" '
  /^-+$/ || /^Filename/ || NF < 10 || $8 == 0 || $1 == "TOTAL" { next }
  { name = $1; sub(src, "", name); printf "%-40s %7d %7d %7.2f%%\n", name, $8, $9, $10 }
' "$PROF/report.txt" | sort -k4 -n
echo "----------------------------------------------------------------"
awk '$1 == "TOTAL" { printf "%-40s %7d %7d %8s\n", "TOTAL", $8, $9, $10 }' "$PROF/report.txt"
