#!/usr/bin/env bash
# Corpus sweep: every capture of a corpus through every output mode of
# `dissect`, meant for an AddressSanitizer + UndefinedBehaviorSanitizer build
# (cmake -DDX_SANITIZE=ON). A file fails when a run crashes (signal, exit
# status >= 128), prints a sanitizer report, runs past the timeout, writes
# invalid JSON, or writes a raw ESC byte. A clean error exit for a corrupt or
# unsupported file is correct behaviour and passes. LeakSanitizer checks one
# of a file's runs (a different mode from file to file; see worker.py).
#
# Usage: sweep.sh BIN_DIR [CORPUS_DIR]
#   CORPUS_DIR defaults to ../shared/corpus/tcpdump beside the repository.
#   SWEEP_JOBS (default: number of CPUs) runs files in parallel;
#   SWEEP_TIMEOUT (default 60) is the limit per run in seconds;
#   SWEEP_EK=1 also sweeps -T ek;
#   SWEEP_LOG_DIR (default BIN_DIR/../sweep-logs) keeps the stderr of failures.
# Prints one line per failure and "N passed, M failed" last; exits 1 if any
# file failed.
set -euo pipefail
BIN=${1:?usage: sweep.sh BIN_DIR [CORPUS_DIR]}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
CORPUS=${2:-$(dirname "$SRC")/shared/corpus/tcpdump}
D=$BIN/dissect
. "$SRC/tests/integration/lib.sh"

if [[ ! -d $CORPUS ]]; then
  echo "sweep: corpus directory $CORPUS not found; nothing to sweep (SKIPPED)"
  exit 77
fi
[[ -x $D ]] || { echo "sweep: $D not built" >&2; exit 2; }
[[ -n $PY ]] || { echo "sweep: python3 is needed" >&2; exit 2; }

JOBS=${SWEEP_JOBS:-$(nproc 2>/dev/null || echo 2)}
export SWEEP_TIMEOUT=${SWEEP_TIMEOUT:-60}
export SWEEP_LOG_DIR=${SWEEP_LOG_DIR:-$(cd "$BIN/.." && pwd)/sweep-logs}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export SWEEP_BIN=$D
rm -rf "$SWEEP_LOG_DIR"
mkdir -p "$SWEEP_LOG_DIR"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dissect-sweep.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# The worker: takes capture files as arguments, runs every mode on each,
# prints "PASS FILE" or "FAIL FILE<TAB>why" per file.
cat >"$WORK/worker.py" <<'EOF'
import json, os, re, subprocess, sys

D = os.environ["SWEEP_BIN"]
TIMEOUT = os.environ["SWEEP_TIMEOUT"]
LOGS = os.environ["SWEEP_LOG_DIR"]
# -V and -x share one run (tree, then hex dump of every data source).
# -T ek writes through the same JSON sink as -T json; it is swept only with
# SWEEP_EK=1 (the JSON tests cover it on the samples), to keep CI short.
MODES = [
    ("tree+hex", ["-V", "-x"]),
    ("json", ["-T", "json"]),
    ("fields", ["-T", "fields", "-e", "frame.number", "-e", "ip.src", "-e", "tcp.srcport"]),
    # the connection stories (libdissect/analysis/story.c) of the whole capture
    ("story", ["--story", "json"]),
]
if os.environ.get("SWEEP_EK") == "1":
    MODES.append(("ek", ["-T", "ek"]))
SANITIZER = re.compile(rb"ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error:|SUMMARY: \w+Sanitizer")
FRAME = re.compile(rb"^\s*#(\d+) 0x[0-9a-f]+ in (\S+) (\S+)", re.M)

def top_frame(err):
    """The first stack frame in our code (not the sanitizer runtime or libc)."""
    frames = FRAME.findall(err)
    for _, fn, loc in frames:
        if re.search(rb"/(libdissect|cli|tui)/", loc):
            return (fn + b" " + loc.split(b"/")[-1]).decode("utf-8", "replace")
    m = re.search(rb"runtime error:.*", err)
    if m:
        return m.group(0)[:160].decode("utf-8", "replace")
    if frames:
        return (frames[0][1] + b" " + frames[0][2].split(b"/")[-1]).decode("utf-8", "replace")
    return "no stack"

def headline(err):
    m = re.search(rb"(ERROR: \w+Sanitizer: [^\n]*|[^\n]*runtime error: [^\n]*)", err)
    return m.group(1)[:200].decode("utf-8", "replace") if m else ""

def check_json(mode, out):
    text = out.decode("utf-8")  # raises on invalid UTF-8
    if mode == "json":
        d = json.loads(text)
        if not isinstance(d, list):
            raise ValueError("top level is not an array")
    elif mode == "story":
        d = json.loads(text)
        if not isinstance(d, dict) or d.get("schema") != "libdissect.story":
            raise ValueError("not a libdissect.story document")
    else:
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if len(lines) % 2:
            raise ValueError("odd number of lines")
        for ln in lines:
            json.loads(ln)

# LeakSanitizer's check at exit costs ~35 ms per run here, a third of an
# ASan run on a small capture: it runs in one mode per file, a different
# mode for each file in turn (by a hash of its name), so that every mode is
# leak-checked on a quarter of the corpus and every file in one mode.
ASAN = os.environ.get("ASAN_OPTIONS", "")
NO_LEAKS = dict(os.environ, ASAN_OPTIONS=":".join(
    [o for o in ASAN.split(":") if o and not o.startswith("detect_leaks=")] + ["detect_leaks=0"]))

def leak_mode(base):
    h = 0
    for c in base.encode("utf-8", "surrogateescape"):
        h = (h * 31 + c) & 0xFFFFFFFF
    return h % len(MODES)

for path in sys.argv[1:]:
    base = os.path.basename(path)
    problems = []
    for i, (mode, args) in enumerate(MODES):
        cmd = ["timeout", "-k", "5", TIMEOUT, D, "-r", path] + args
        env = None if i == leak_mode(base) else NO_LEAKS
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env)
        rc, out, err = p.returncode, p.stdout, p.stderr
        why = None
        if rc in (124, 137):
            why = "timeout (> %ss) or killed" % TIMEOUT
        elif SANITIZER.search(err):
            why = "sanitizer: %s at %s" % (headline(err), top_frame(err))
        elif rc < 0 or rc >= 128:
            why = "crash: exit status %d at %s" % (rc if rc >= 0 else 128 - rc, top_frame(err))
        elif b"\x1b" in out or b"\x1b" in err:
            why = "raw ESC byte in the output"
        elif mode in ("json", "ek", "story") and (out or rc == 0):
            try:
                check_json(mode, out)
            except (ValueError, UnicodeDecodeError) as e:
                why = "invalid JSON: %s" % str(e)[:160]
        if why:
            problems.append("%s: %s" % (mode, why))
            with open(os.path.join(LOGS, "%s.%s.stderr" % (base, mode)), "wb") as f:
                f.write(err)
    # One write(2) per line: the workers share the results file, and
    # print() may write a line and its newline separately, which lets the
    # lines of two workers run together.
    if problems:
        os.write(1, ("FAIL %s\t%s\n" % (path, " | ".join(problems))).encode("utf-8", "replace"))
    else:
        os.write(1, ("PASS %s\n" % path).encode("utf-8", "replace"))
EOF

find -L "$CORPUS" -maxdepth 1 -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \
  -o -name '*.pcap.gz' -o -name '*.pcapng.gz' \) -print0 | sort -z >"$WORK/files"
total=$(tr -cd '\0' <"$WORK/files" | wc -c)
echo "sweep: $total captures from $CORPUS through 4 runs (-V -x, -T json, -T fields, --story json; -T ek with SWEEP_EK=1; leaks checked in one run per file) with $D ($JOBS jobs, ${SWEEP_TIMEOUT}s limit per run)"

start=$SECONDS
xargs -0 -n 8 -P "$JOBS" "$PY" "$WORK/worker.py" <"$WORK/files" >"$WORK/results" \
  2>"$WORK/worker.err" || true
passed=$(grep -c '^PASS ' "$WORK/results" || true)
failed=$(grep -c '^FAIL ' "$WORK/results" || true)
missing=$((total - passed - failed))
if ((failed)); then
  echo "failures (stderr of each failing run in $SWEEP_LOG_DIR):"
  grep '^FAIL ' "$WORK/results" | sed 's/^FAIL /  /; s/\t/\n      /' | sed "s#$CORPUS/##"
fi
if ((missing > 0)); then
  echo "sweep: $missing files were not checked (worker died):"
  tr '\0' '\n' <"$WORK/files" | sort >"$WORK/all"
  sed -E 's/^(PASS|FAIL) //; s/\t.*//' "$WORK/results" | sort >"$WORK/done"
  comm -23 "$WORK/all" "$WORK/done" | sed "s#^$CORPUS/#  #"
  echo "worker stderr (last lines):"
  tail -n 20 "$WORK/worker.err" | sed 's/^/  /'
  failed=$((failed + missing))
fi
echo "sweep took $((SECONDS - start))s"
echo "$passed passed, $failed failed"
((failed == 0))
