#!/usr/bin/env bash
# dissect-tui's split first pass (--threads 2: two sessions index the capture
# by connection, tui/index.c) against one session (--threads 1): the same
# list, frame by frame (--print-index: colouring rule, stream and its
# previous frame, QUIC connection, summary columns, DNS mark), on every
# sample with its key log, on the Wireshark and nDPI captures when they are
# there, on a big capture made of a sample's packets again and again, and on
# a capture cut in the middle of a record (the same rows and the same
# error). The stream numbers of the split list are also those dissect's one
# session prints for tcp.stream and udp.stream (the merge numbers them again
# in the order the frames open them).
# Usage: test_tui_split.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_tui_split.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_tui_split.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

T=$BIN/dissect-tui
D=$BIN/dissect
S=$SRC/samples
[[ -x $T ]] || skip "$T not built"
[[ -f $S/http.pcap ]] || skip "no sample captures in $S"
[[ -n $PY ]] || skip "no python3"
t_tmpdir
export TZ=UTC

same() { # NAME ARGS...: --print-index with one session and with two
  local name=$1 r1=0 r2=0
  shift
  "$T" --threads 1 --print-index "$@" >"$T_TMP/o1" 2>"$T_TMP/e1" </dev/null || r1=$?
  "$T" --threads 2 --print-index "$@" >"$T_TMP/o2" 2>"$T_TMP/e2" </dev/null || r2=$?
  if [[ ! -s $T_TMP/o1 && -z ${EMPTY_OK:-} ]]; then
    fail "$name" "no rows at all (a check that cannot fail)"
  elif cmp -s "$T_TMP/o1" "$T_TMP/o2" && cmp -s "$T_TMP/e1" "$T_TMP/e2" && [[ $r1 == "$r2" ]]; then
    pass "$name"
  else
    fail "$name" "exit $r1 / $r2" "rows: $(cmp "$T_TMP/o1" "$T_TMP/o2" 2>&1 | head -1)" \
      "stderr: $(cmp "$T_TMP/e1" "$T_TMP/e2" 2>&1 | head -1)"
  fi
}

# the stream column of --print-index against dissect's tcp.stream, else
# udp.stream, of one session
streams_of_dissect() { # CAPTURE [KEYLOG ARGS]
  "$D" --threads 1 -r "$@" -T fields -E occurrence=f -e tcp.stream -e udp.stream |
    awk -F'\t' '{ if ($1 != "") print "tcp:" $1; else if ($2 != "") print "udp:" $2; else print "-:0" }'
}

T_QUIET=1
ncap=0
for cap in "$S"/*.pcap "$S"/*.pcapng; do
  [[ -f $cap ]] || continue
  ncap=$((ncap + 1))
  kl=()
  [[ -f ${cap%.*}.keylog ]] && kl=(--keylog "${cap%.*}.keylog")
  same "$(basename "$cap")" "${kl[@]}" "$cap"
  "$T" --threads 2 --print-index "${kl[@]}" "$cap" 2>/dev/null | cut -f3 >"$T_TMP/s2"
  streams_of_dissect "$cap" "${kl[@]}" >"$T_TMP/sd"
  cmp -s "$T_TMP/s2" "$T_TMP/sd" && pass "$(basename "$cap"): dissect's stream numbers" ||
    fail "$(basename "$cap"): stream numbers differ from dissect's" "$(diff "$T_TMP/s2" "$T_TMP/sd" | head -4)"
done
T_QUIET=0
((ncap >= 20)) && pass "every sample ($ncap): the same list, dissect's stream numbers" ||
  fail "only $ncap sample captures found"

# TLS sessions resumed across the two parts (as in test_threads.sh): with a
# key log of tls12-resume.pcap's full handshakes only, the resumed sessions
# are decrypted from the cache the two sessions share; each run a new
# random split key; then 300 copies with their client ports moved.
grep -v '^#' "$S/tls12-resume.keylog" | sed -n '1p;3p' >"$T_TMP/full.keylog"
for i in 1 2 3 4 5 6 7 8; do
  same "tls12-resume, key log of full handshakes, run $i" --keylog "$T_TMP/full.keylog" \
    "$S/tls12-resume.pcap"
done
check_eq "tls12-resume, key log of full handshakes, two threads: the four requests" 4 \
  "$("$T" --threads 2 --print-index --keylog "$T_TMP/full.keylog" "$S/tls12-resume.pcap" | grep -c 'GET /')"
"$PY" "$SRC/tests/integration/tls_resume_copies.py" "$S/tls12-resume.pcap" "$T_TMP/resume300.pcap" 300
same "tls12-resume 300 times, key log of full handshakes" --keylog "$T_TMP/full.keylog" \
  "$T_TMP/resume300.pcap"
check_eq "tls12-resume 300 times, two threads: every request" 1200 \
  "$("$T" --threads 2 --print-index --keylog "$T_TMP/full.keylog" "$T_TMP/resume300.pcap" | grep -c 'GET /')"

# third-party captures, when fetched (tests/thirdparty); not under the
# sanitizers (DX_SANITIZED=1, the ASan build's ctest: the samples and the
# big capture run the split there, the corpus sweeps the rest)
nthird=0
[[ -z ${DX_SANITIZED:-} ]] || W=/nonexistent N=/nonexistent
T_QUIET=1
if [[ -z ${DX_SANITIZED:-} ]]; then
  W=${DX_WIRESHARK_TESTS:-$HOME/.cache/libdissect/wireshark-tests}
  N=${DX_NDPI_TESTS:-$HOME/.cache/libdissect/ndpi-tests}
fi
for cap in "$W"/captures/*.pcap* "$N"/*.pcap*; do
  [[ -f $cap ]] || continue
  nthird=$((nthird + 1))
  EMPTY_OK=1 same "$(basename "$cap")" "$cap" # (some hold no packet at all)
done
T_QUIET=0
((nthird)) && pass "$nthird third-party captures: the same list" ||
  echo "SKIPPED part: no Wireshark or nDPI captures (tests/thirdparty fetches them)"

# a big capture: http.pcap's packets again and again (times moved on, ports
# too, so that every copy opens new connections), 60,000 packets (15,000
# under the sanitizers)
BIG=60000
[[ -z ${DX_SANITIZED:-} ]] || BIG=15000
"$PY" - "$S/http.pcap" "$T_TMP/big.pcap" "$BIG" <<'EOF'
import struct, sys
b = open(sys.argv[1], 'rb').read()
hdr, recs, off = b[:24], [], 24
while off + 16 <= len(b):
    sec, usec, incl, orig = struct.unpack('<IIII', b[off:off + 16])
    recs.append((sec, usec, bytearray(b[off + 16:off + 16 + incl]), orig))
    off += 16 + incl
out = [hdr]
k = 0
while k * len(recs) < int(sys.argv[3]):
    for sec, usec, data, orig in recs:
        d = bytearray(data)
        # Ethernet + IPv4 + TCP/UDP: move the client's port (the higher one)
        if len(d) >= 38 and d[12:14] == b'\x08\x00' and d[23] in (6, 17):
            ihl = (d[14] & 15) * 4
            sp, dp = struct.unpack('>HH', d[14 + ihl:18 + ihl])
            if sp > dp:
                sp = 20000 + (sp + k * 7) % 40000
            else:
                dp = 20000 + (dp + k * 7) % 40000
            d[14 + ihl:18 + ihl] = struct.pack('>HH', sp, dp)
        out.append(struct.pack('<IIII', sec + k * 10, usec, len(d), orig) + bytes(d))
    k += 1
open(sys.argv[2], 'wb').write(b''.join(out))
EOF
same "big capture ($BIG packets)" "$T_TMP/big.pcap"
"$T" --threads 2 --print-index "$T_TMP/big.pcap" | cut -f3 >"$T_TMP/s2"
streams_of_dissect "$T_TMP/big.pcap" >"$T_TMP/sd"
check_same "big capture: dissect's stream numbers" "$T_TMP/sd" "$T_TMP/s2"
check_eq "big capture: many streams (a check that can fail)" 1 \
  "$(($(sort -u "$T_TMP/s2" | wc -l) > BIG / 60))"

# a capture cut in the middle of a record: the rows before it, the error
"$PY" - "$S/http.pcap" "$T_TMP/cut.pcap" <<'EOF'
import sys
b = open(sys.argv[1], 'rb').read()
open(sys.argv[2], 'wb').write(b[:len(b) * 2 // 3])
EOF
same "cut capture" "$T_TMP/cut.pcap"
check_grepf "cut capture: the error is said" "dissect-tui: " "$T_TMP/e2"

run "$T" --threads 3 --print-index "$S/dns.pcap"
check_rc_error "--threads 3 refused" 2
check_grepf "--threads 3: the message" "use 1 or 2" "$T_TMP/err"

finish
