#!/usr/bin/env bash
# Differential test of STUN and TURN (stun.c) against tshark 4.0 on
# hand-made datagrams (raw IPv4, python): every attribute type stun.c names
# and a few it does not, each at value lengths 1 to 22 (short ones cut
# inside their fields, odd ones padded) and as a 20-byte IPv6 and an 8-byte
# IPv4 address; TURN ChannelData on port 3478, on a conversation a Binding
# Request found by the heuristic made STUN's, on a fresh one, with channel
# numbers in and out of 0x4000-0x7fff and MS-TURN's 0xff10.
# Compared: the summary lines of every frame but those of the attributes
# whose summary differs (ERROR-CODE: reason phrases with control bytes,
# which dissect escapes on purpose; PASSWORD-ALGORITHM(S), not decoded
# yet: see README), and
# -V of the STUN layer of the frames whose attribute dissect decodes as
# tshark does (the others are listed in README as not there yet).
# Expected values come from tshark at test time, never from dissect.
# Usage: test_tshark_stun.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_tshark_stun.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_tshark_stun.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
tshark_capture_test

f=$T_TMP/stun.pcap
"$PY" - "$f" "$T_TMP/kinds" <<'EOF' || fail "making the capture"
import struct, sys

COOKIE = b"\x21\x12\xa4\x42"
out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))  # raw IP
kinds = open(sys.argv[2], "w")
n = 0


def frame(payload, sport, dport, kind):
    global n
    udp = struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                     bytes([192, 0, 2, 1]), bytes([198, 51, 100, 7]))
    n += 1
    out.write(struct.pack("<IIII", n, 0, len(ip + udp), len(ip + udp)) + ip + udp)
    kinds.write("%d %s\n" % (n, kind))


def attr(t, v):
    return struct.pack(">HH", t, len(v)) + v + b"\0" * (-len(v) % 4)


def msg(t, tid, attrs):
    body = b"".join(attrs)
    return struct.pack(">HH", t, len(body)) + COOKIE + tid + body


TYPES = [0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0006, 0x0007, 0x0008, 0x0009, 0x000a,
         0x000b, 0x000c, 0x000d, 0x0010, 0x0011, 0x0012, 0x0013, 0x0014, 0x0015, 0x0016,
         0x0019, 0x0020, 0x0024, 0x0027, 0x0028, 0x8020, 0x8022, 0x8023, 0x8028, 0x8029,
         0x802a, 0x802b, 0x802c, 0x8090, 0x000f, 0x8008, 0x8070, 0x8054, 0xc057, 0x8050,
         0x8055, 0x0017, 0x0018, 0x001a, 0x001b, 0x001c, 0x001d, 0x001e, 0x0021, 0x0022,
         0x0025, 0x0026, 0x8000, 0x8001, 0x8002, 0x8006, 0x8032, 0x8037, 0x8036, 0x8095,
         0x8060, 0x0030, 0x8075]
V6 = bytes([0x20, 1, 0x0d, 0xb8] + [0] * 11 + [7])
i = 0
for t in TYPES:
    values = []
    for ln in (1, 2, 3, 5, 6, 7, 9, 10, 13, 22):
        v = b"\x00" if ln < 2 else bytes([0, 1]) + bytes(range(3, 3 + ln))[:ln - 2]
        values.append(v[:ln])
    values += [b"\x00\x02\x16\x2e" + V6, b"\x00\x01\x16\x2e" + bytes([203, 0, 113, 9])]
    for v in values:
        i += 1
        frame(msg(0x0101, bytes([i % 256] * 12), [attr(t, v)]), 50000 + i % 1000, 3478,
              "attr-%04x" % t)

chan = b"\x40\x00\x00\x05hello\0\0\0"
bind = msg(0x0001, bytes(range(12)), [])
for payload, sp, dp in ((chan, 40001, 3478), (b"\xff\x10\x00\x04abcd", 40002, 3478),
                        (b"\x80\x00\x00\x04abcd", 40003, 3478),
                        (b"\xc0\x10\x00\x04abcd", 40004, 3478), (chan, 40005, 3479),
                        (bind, 40006, 3479), (chan, 40006, 3479),
                        (b"\xff\x10\x00\x04abcd", 40006, 3479),
                        (b"\x40\x01\x00\x05hello", 40006, 3479),
                        (b"\x40\x01\x00\x08hello", 40006, 3479)):
    frame(payload, sp, dp, "channel")
EOF

# the attributes whose -V differs from tshark's (README: not there yet)
vdiff='^attr-(0009|001d|8002)$'
# the summary lines written otherwise on purpose (see above)
sdiff='^attr-(0009|001d|8002)$'
keep() { # keep FILE PATTERN: the frame numbers whose kind does not match
  awk -v pat="$2" '$2 !~ pat {print $1}' "$1"
}
keep "$T_TMP/kinds" "$sdiff" >"$T_TMP/sum.frames"
keep "$T_TMP/kinds" "$vdiff" >"$T_TMP/v.frames"

pick_lines() { # the summary lines of the frames listed in $1
  awk 'NR == FNR {want[$1] = 1; next} want[$1]' "$1" -
}
tshark -n -r "$f" 2>/dev/null | pick_lines "$T_TMP/sum.frames" >"$T_TMP/ts.sum"
"$D" -n -r "$f" 2>"$T_TMP/err" | pick_lines "$T_TMP/sum.frames" >"$T_TMP/ours.sum"
n=$(grep -c 'STUN' "$T_TMP/ts.sum")
if ((n > 600)) && cmp -s "$T_TMP/ts.sum" "$T_TMP/ours.sum"; then
  pass "summary lines equal to tshark's ($(wc -l <"$T_TMP/ts.sum") lines, $n STUN)"
else
  mapfile -t d < <(diff "$T_TMP/ts.sum" "$T_TMP/ours.sum" | head -12)
  fail "summary lines equal to tshark's" "(< tshark, > dissect)" "${d[@]}"
fi

stun_part() { # the STUN layers (and any layer after one) of the frames listed in $1
  "$PY" -c '
import sys
want = set(l.split()[0] for l in open(sys.argv[1]))
on = False; frame = None
for line in sys.stdin.read().split("\n"):
    if line.startswith("Frame "):
        frame = line.split()[1].rstrip(":"); on = False
        if frame in want: print(line)
        continue
    if frame not in want:
        continue
    if line.startswith("Session Traversal Utilities for NAT"):
        on = True
    elif line and not line.startswith(" ") and not line.startswith("Data ") and not line.startswith("["):
        on = False
    if on:
        print(line)
' "$1"
}
tshark -n -r "$f" -V 2>/dev/null | stun_part "$T_TMP/v.frames" >"$T_TMP/ts.v"
"$D" -n -r "$f" -V 2>>"$T_TMP/err" | stun_part "$T_TMP/v.frames" >"$T_TMP/ours.v"
n=$(grep -c '^Session Traversal' "$T_TMP/ts.v")
if ((n > 450)) && cmp -s "$T_TMP/ts.v" "$T_TMP/ours.v"; then
  pass "-V of the STUN layers equal to tshark's ($(wc -l <"$T_TMP/ts.v") lines, $n layers)"
else
  mapfile -t d < <(diff "$T_TMP/ts.v" "$T_TMP/ours.v" | head -16)
  fail "-V of the STUN layers equal to tshark's" "(< tshark, > dissect)" "${d[@]}"
fi
check_eq "no message from dissect" "" "$(cat "$T_TMP/err")"
finish
