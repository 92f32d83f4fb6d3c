#!/usr/bin/env bash
# dissect's threads (--threads 2: one reads and dissects, the other prints,
# cli/pipeline.c; for summary lines, -T fields and -Y, two sessions split
# the capture by connection and the main thread merges their lines,
# cli/split.c) against one thread (--threads 1): the same bytes
# on standard output and standard error, and the same exit status, for
# every sample capture in every output mode, and for the options that
# touch the loop (-l, -c, -Y with displayed-delta times, -z, errors in the
# middle of a capture). The one-thread output is itself checked against
# tshark by the differential tests; this checks the threading. Then: the
# second thread really runs, a reader that goes away stops dissect at once
# (dissect -r big | head), and packets read slowly are printed as they come.
# Usage: test_threads.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_threads.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_threads.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
S=$SRC/samples
[[ -x $D ]] || skip "$D not built"
[[ -f $S/http.pcap ]] || skip "no sample captures in $S"
[[ -n $PY ]] || skip "no python3"
t_tmpdir
export TZ=UTC

# same NAME ARGS...: both ways, stdout and stderr apart (same_merged: then
# also on one descriptor, for the order of an error among the packets)
MERGED=0
same() {
  local name=$1
  shift
  local r1=0 r2=0 m1=0 m2=0
  "$D" --threads 1 "$@" >"$T_TMP/o1" 2>"$T_TMP/e1" </dev/null || r1=$?
  "$D" --threads 2 "$@" >"$T_TMP/o2" 2>"$T_TMP/e2" </dev/null || r2=$?
  : >"$T_TMP/m1"
  : >"$T_TMP/m2"
  m1=$r1 m2=$r2
  if ((MERGED)); then
    m1=0 m2=0
    "$D" --threads 1 "$@" >"$T_TMP/m1" 2>&1 </dev/null || m1=$?
    "$D" --threads 2 "$@" >"$T_TMP/m2" 2>&1 </dev/null || m2=$?
  fi
  if [[ ! -s $T_TMP/o1 && $r1 == 0 ]]; then
    fail "$name" "no output at all (a check that cannot fail)"
  elif cmp -s "$T_TMP/o1" "$T_TMP/o2" && cmp -s "$T_TMP/e1" "$T_TMP/e2" &&
    cmp -s "$T_TMP/m1" "$T_TMP/m2" && [[ $r1 == "$r2" && $m1 == "$m2" && $r1 == "$m1" ]]; then
    pass "$name"
  else
    fail "$name" "exit $r1 / $r2 (merged $m1 / $m2)" \
      "stdout: $(cmp "$T_TMP/o1" "$T_TMP/o2" 2>&1 | head -1)" \
      "stderr: $(cmp "$T_TMP/e1" "$T_TMP/e2" 2>&1 | head -1)" \
      "merged: $(cmp "$T_TMP/m1" "$T_TMP/m2" 2>&1 | head -1)"
  fi
}

# ------------------------------------------- every sample, every output mode
# Under the sanitizers (DX_SANITIZED=1, set by the ASan build's ctest) on
# ten samples that hold every kind of layer the others do (Ethernet, SLL2,
# IPv4/6, TCP analysis, DNS, HTTP/1, HTTP/2, TLS 1.2/1.3 decrypted, QUIC,
# pcapng with secrets): the comparison of the two threads' bytes runs on
# every sample in the normal build; here it is the pipeline's memory use
# that is checked, and each sanitized run costs ~0.1 s.
SANITIZED_SET=" http.pcap story.pcap https-tls13.pcap dns.pcap http2.pcap quic-h3.pcap tcp-anomalies.pcap https-dsb.pcapng sll2-any.pcap misc.pcap "
T_QUIET=1
ncap=0
for cap in "$S"/*.pcap "$S"/*.pcapng; do
  [[ -f $cap ]] || continue
  [[ -z ${DX_SANITIZED:-} || $SANITIZED_SET == *" $(basename "$cap") "* ]] || continue
  ncap=$((ncap + 1))
  name=$(basename "$cap")
  kl=(--keylog /dev/null)
  [[ -f ${cap%.*}.keylog ]] && kl=(--keylog "${cap%.*}.keylog")
  same "$name summary" -r "$cap" "${kl[@]}"
  same "$name -V -x" -r "$cap" "${kl[@]}" -V -x
  same "$name -T json" -r "$cap" "${kl[@]}" -T json
  # the other modes (their writers, not the pipeline, differ) on the ten
  # samples of every kind of layer (CI time)
  [[ $SANITIZED_SET == *" $name "* ]] || continue
  same "$name -O ip,tcp,tls" -r "$cap" "${kl[@]}" -O ip,tcp,tls
  same "$name -T jsontree" -r "$cap" "${kl[@]}" -T jsontree
  same "$name -T ek" -r "$cap" "${kl[@]}" -T ek
  same "$name -T fields" -r "$cap" "${kl[@]}" -T fields -E header=y -e frame.number \
    -e ip.src -e tcp.stream -e dns.qry.name -e http.request.uri -e _ws.col.Info
  same "$name -T json -e" -r "$cap" "${kl[@]}" -T json -e frame.number -e ip.dst \
    -e tls.handshake.type -e http.host
  same "$name -T ek -e" -r "$cap" "${kl[@]}" -T ek -e frame.time_relative -e udp.port
done
T_QUIET=0
((ncap >= 20 || (${DX_SANITIZED:-0} == 1 && ncap == 10))) && pass "summary, -V -x and -T json on $ncap sample captures, every other mode on ten (above)" ||
  fail "only $ncap sample captures found"

# ------------------------------------------------ options that touch the loop
# (under the sanitizers on two of the four captures: each run costs ~0.3 s)
LOOP_CAPS=("$S/http.pcap" "$S/story.pcap" "$S/https-tls13.pcap" "$S/dns.pcap")
[[ -z ${DX_SANITIZED:-} ]] || LOOP_CAPS=("$S/http.pcap" "$S/https-tls13.pcap")
for cap in "${LOOP_CAPS[@]}"; do
  name=$(basename "$cap")
  kl=(--keylog /dev/null)
  [[ -f ${cap%.*}.keylog ]] && kl=(--keylog "${cap%.*}.keylog")
  same "$name -x" -r "$cap" "${kl[@]}" -x
  same "$name -V -j" -r "$cap" "${kl[@]}" -V -j "ip ip.flags tcp"
  same "$name -J" -r "$cap" "${kl[@]}" -J "tcp"
  same "$name --json-pretty" -r "$cap" "${kl[@]}" -T json --json-pretty
  same "$name -T jsontree --json-pretty" -r "$cap" "${kl[@]}" -T jsontree --json-pretty
  same "$name -l" -r "$cap" "${kl[@]}" -l
  same "$name -l -T json" -r "$cap" "${kl[@]}" -l -T json
  same "$name -l -T ek -e" -r "$cap" "${kl[@]}" -l -T ek -e ip.src
  same "$name -c 7" -r "$cap" "${kl[@]}" -c 7 -V
  same "$name -c 1 -T json" -r "$cap" "${kl[@]}" -c 1 -T json
  same "$name -Y -t dd" -r "$cap" "${kl[@]}" -Y "tcp.len > 0 || dns" -t dd
  same "$name -Y -V frame.time_delta_displayed" -r "$cap" "${kl[@]}" -Y "frame.len > 100" -V
  same "$name -Y nothing" -r "$cap" "${kl[@]}" -Y "frame.len > 100000" -T json
  same "$name -t ud -u hms" -r "$cap" "${kl[@]}" -t r -u hms
  same "$name -z io,phs" -r "$cap" "${kl[@]}" -z io,phs
  same "$name -z conv,tcp -T fields" -r "$cap" "${kl[@]}" -z conv,tcp -T fields -e frame.number
  same "$name -q (one thread anyway)" -r "$cap" "${kl[@]}" -q -z io,phs
done

# TLS sessions resumed across the two parts: tls12-resume.pcap resumes two
# TLS 1.2 sessions (one by session id, one by ticket) on new connections;
# with a key log of the full handshakes only, the resumed ones are
# decrypted with their full handshake's master secret (tshark does:
# test_decrypt.sh). Split by connection, a resumed connection and its
# full handshake may be in different parts, which share their cache
# (dx_split_share): in every run (each a new random split key) both ways
# print the same, with the four requests.
grep -v '^#' "$S/tls12-resume.keylog" | sed -n '1p;3p' >"$T_TMP/full.keylog"
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
  same "tls12-resume, key log of full handshakes, run $i" -r "$S/tls12-resume.pcap" \
    --keylog "$T_TMP/full.keylog"
  same "tls12-resume, key log of full handshakes, -T fields, run $i" \
    -r "$S/tls12-resume.pcap" --keylog "$T_TMP/full.keylog" -T fields -e http.request.uri
done
check_eq "tls12-resume, key log of full handshakes, two threads: the four requests" 4 \
  "$("$D" --threads 2 -r "$S/tls12-resume.pcap" --keylog "$T_TMP/full.keylog" | grep -c 'GET /')"

# The same, 300 times over (times moved on, the client ports of each copy
# their own so the connections spread): the parts wait for each other
# again and again, and hand their lines to the merge before they wait.
"$PY" "$SRC/tests/integration/tls_resume_copies.py" "$S/tls12-resume.pcap" "$T_TMP/resume300.pcap" 300
same "tls12-resume 300 times, key log of full handshakes" -r "$T_TMP/resume300.pcap" \
  --keylog "$T_TMP/full.keylog"
check_eq "tls12-resume 300 times, two threads: every request" 1200 \
  "$("$D" --threads 2 -r "$T_TMP/resume300.pcap" --keylog "$T_TMP/full.keylog" | grep -c 'GET /')"

# A capture cut in the middle of a record: the packets before it, then the
# error, in that order on a shared descriptor, and the same exit status.
"$PY" - "$S/http.pcap" "$T_TMP/cut.pcap" <<'EOF'
import sys
b = open(sys.argv[1], 'rb').read()
open(sys.argv[2], 'wb').write(b[:len(b) * 2 // 3])
EOF
MERGED=1
same "cut capture, summary" -r "$T_TMP/cut.pcap"
same "cut capture, -V" -r "$T_TMP/cut.pcap" -V
same "cut capture, -T json" -r "$T_TMP/cut.pcap" -T json
same "cut capture, -T json -e" -r "$T_TMP/cut.pcap" -T json -e ip.src
same "cut capture, -T ek" -r "$T_TMP/cut.pcap" -T ek
same "cut capture, -z io,phs" -r "$T_TMP/cut.pcap" -z io,phs
MERGED=0
# the error must be there, or the checks above prove little
run "$D" --threads 2 -r "$T_TMP/cut.pcap"
check_rc_error "cut capture: exit status 2 with two threads" 2
check_grepf "cut capture: the error message" "dissect: " "$T_TMP/err"

# ------------------------------------------------------------ a big capture
# http.pcap's packets again and again (times moved on), about 60,000 packets
# (15,000 under the sanitizers: enough to fill a pipe many times over)
BIG=60000
[[ -z ${DX_SANITIZED:-} ]] || BIG=15000
"$PY" - "$S/http.pcap" "$T_TMP/big.pcap" "$BIG" <<'EOF'
import struct, sys
b = open(sys.argv[1], 'rb').read()
hdr, recs, off = b[:24], [], 24
while off + 16 <= len(b):
    sec, usec, incl, orig = struct.unpack('<IIII', b[off:off + 16])
    recs.append((sec, usec, b[off + 16:off + 16 + incl], orig))
    off += 16 + incl
out = [hdr]
t0 = recs[0][0]
k = 0
while k * len(recs) < int(sys.argv[3]):
    for sec, usec, data, orig in recs:
        out.append(struct.pack('<IIII', sec + k * 10, usec, len(data), orig) + data)
    k += 1
open(sys.argv[2], 'wb').write(b''.join(out))
EOF
same "big capture, -T fields" -r "$T_TMP/big.pcap" -T fields -e frame.number -e tcp.stream \
  -e http.request.uri
same "big capture, summary -Y" -r "$T_TMP/big.pcap" -Y http
# two sessions (summary lines, fields, -Y): the merge in frame order, -c in
# the middle of a chunk, a filter that shows few frames
same "big capture, -T fields, many" -r "$T_TMP/big.pcap" -T fields -E header=y -e frame.number \
  -e frame.time_delta -e _ws.col.Info -e http.request_in -e http.response_in -e tcp.analysis.flags
same "big capture, summary -c 45001" -r "$T_TMP/big.pcap" -c 45001
same "big capture, -Y one frame in a thousand" -r "$T_TMP/big.pcap" -Y "frame.number % 1000 == 7"
same "big capture, -t d" -r "$T_TMP/big.pcap" -t d -Y "http.request"

# The second thread runs: with its output going nowhere, dissect holds
# two threads (one thread when told --threads 1, or for summary lines and
# fields by default).
# (a capture whose summary lines are more than the split's queues hold,
# 2 MiB a worker, whatever the build: else the workers may be done. The
# split routes by connection, so each copy of http.pcap gets client ports
# of its own: thousands of connections share out evenly, where the same
# fourteen again and again could all fall to one worker with a chance of
# about one in a hundred, and the other worker would be done at once.)
"$PY" - "$S/http.pcap" "$T_TMP/count.pcap" <<'EOF'
import struct, sys
b = open(sys.argv[1], 'rb').read()
recs, off = [], 24
while off + 16 <= len(b):
    incl = struct.unpack('<I', b[off + 8:off + 12])[0]
    recs.append(bytearray(b[off:off + 16 + incl]))
    off += 16 + incl
out = [b[:24]]
k = 0
while k * len(recs) < 120000:
    for r in recs:
        r = bytearray(r)
        sec = struct.unpack('<I', r[0:4])[0]
        r[0:4] = struct.pack('<I', sec + k * 10)
        # Ethernet, IPv4 carrying TCP: the port that is not 80 moves
        if r[16 + 12:16 + 14] == b'\x08\x00' and r[16 + 14 + 9] == 6:
            t = 16 + 14 + (r[16 + 14] & 15) * 4
            for at in (t, t + 2):
                port = struct.unpack('>H', r[at:at + 2])[0]
                if port != 80:
                    r[at:at + 2] = struct.pack('>H', 1024 + (k * 128 + port % 128) % 64000)
        out.append(bytes(r))
    k += 1
open(sys.argv[2], 'wb').write(b''.join(out))
EOF
count_threads() { # ARGS... : the threads of dissect while it is stuck writing
  mkfifo "$T_TMP/fifo"
  "$D" "$@" -r "$T_TMP/count.pcap" >"$T_TMP/fifo" &
  local pid=$!
  exec 9<"$T_TMP/fifo" # opened, never read: dissect fills the pipe and waits
  sleep 0.5
  ls "/proc/$pid/task" 2>/dev/null | wc -l
  kill "$pid" 2>/dev/null
  exec 9<&-
  wait "$pid" 2>/dev/null
  rm -f "$T_TMP/fifo"
}
check_eq "--threads 2 -V: two threads" 2 "$(count_threads --threads 2 -V)"
check_eq "--threads 1 -V: one thread" 1 "$(count_threads --threads 1 -V)"
# summary lines and fields: two sessions split the capture (cli/split.c),
# each in a thread of its own, and the main thread merges their lines
# (Info: lines long enough that the workers wait for the merge, short ones
# would all fit in their queues and the workers be done)
check_eq "--threads 2, summary: three threads" 3 "$(count_threads --threads 2)"
check_eq "--threads 2 -T fields: three threads" 3 "$(count_threads --threads 2 -T fields -e _ws.col.Info)"
# one session for what spans connections (one thread reads, another prints)
check_eq "--threads 2 -T fields -e tcp.stream: one session, two threads" 2 \
  "$(count_threads --threads 2 -T fields -e tcp.stream -e _ws.col.Info)"
check_eq "--threads 2 -Y tcp.stream: one session, two threads" 2 \
  "$(count_threads --threads 2 -Y 'tcp.stream >= 0')"
check_eq "--threads 2 -t dd: one session, two threads" 2 "$(count_threads --threads 2 -t dd)"
# by default: two for trees and JSON, three for summary lines and fields
if (($(getconf _NPROCESSORS_ONLN) >= 2)); then
  check_eq "default -V, several processors: two threads" 2 "$(count_threads -V)"
  check_eq "default -T json, several processors: two threads" 2 "$(count_threads -T json)"
  check_eq "default summary, several processors: three threads" 3 "$(count_threads)"
  check_eq "default -T fields, several processors: three threads" 3 \
    "$(count_threads -T fields -e _ws.col.Info)"
else
  check_eq "default -V, one processor: one thread" 1 "$(count_threads -V)"
  check_eq "default summary, one processor: one thread" 1 "$(count_threads)"
fi
check_eq "default -T json -e: one thread" 1 "$(count_threads -T json -e ip.src)"

# dissect -r big | head: the reader goes away, dissect stops at once (EPIPE)
# with the status one thread gives.
for mode in "" "-V" "-T json" "-T ek -e ip.src"; do
  for t in 1 2; do
    start=$(date +%s%N)
    # shellcheck disable=SC2086
    timeout 20 "$D" --threads $t -r "$T_TMP/big.pcap" $mode 2>"$T_TMP/err" | head -c 1000 >/dev/null
    rcs=("${PIPESTATUS[@]}")
    ms=$((($(date +%s%N) - start) / 1000000))
    eval "rc$t=${rcs[0]}"
    if ((ms < 5000)); then
      pass "| head, --threads $t ${mode:-summary}: stopped in $ms ms"
    else
      fail "| head, --threads $t ${mode:-summary}: took $ms ms (status ${rcs[0]})"
    fi
  done
  check_eq "| head, ${mode:-summary}: the same status in both" "$rc1" "$rc2"
  [[ $rc2 != 124 ]] || fail "| head, ${mode:-summary}: killed by timeout"
done

# Packets that come slowly (a capture piped in while it is made) are
# printed as they come with -l, not when the input ends: as many lines out
# with two threads, while the input is still open, as with one.
stalled() { # THREADS: the lines out after 1.5 s, then all of them
  {
    cat "$S/dns.pcap"
    sleep 3
  } | "$D" --threads "$1" -l -r - >"$T_TMP/slow" 2>&1 &
  local pid=$!
  sleep 1.5
  echo "$(wc -l <"$T_TMP/slow") $(wait "$pid" 2>/dev/null; wc -l <"$T_TMP/slow")"
}
read -r early1 total1 <<<"$(stalled 1)"
read -r early2 total2 <<<"$(stalled 2)"
if ((early1 != total1 || total1 == 0)); then
  # every frame of the pipe is printed while the input is still open
  # (tcpdump -w - | dissect -l -r - shows packets as they come)
  fail "-l with input that stalls, one thread: $early1 of $total1 lines out while the input was open"
elif ((early2 == early1 && total2 == total1)); then
  pass "-l with input that stalls: $early2 of $total2 lines out before the input ends, as in one thread"
else
  fail "-l with input that stalls: $early2 of $total2 lines out while the input was open (one thread: $early1 of $total1)"
fi

# --threads refuses what it does not know
run "$D" --threads 3 -r "$S/dns.pcap"
check_rc_error "--threads 3 refused" 1
check_grepf "--threads 3: the message" "use 1 or 2" "$T_TMP/err"

finish
