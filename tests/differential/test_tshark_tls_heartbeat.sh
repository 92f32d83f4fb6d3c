#!/usr/bin/env bash
# Differential test of TLS heartbeat records (RFC 6520) and of an empty
# record at the end of a segment, against tshark 4.0, on hand-made TCP
# connections (python, one connection each, the records in the clear):
#   - requests and responses with 16 bytes of padding or more, a zero-length
#     payload, a one-byte payload, TLS 1.0's version, a heartbeat after a
#     ChangeCipherSpec (tshark reads the message by its type, not by the
#     state of the connection);
#   - payload lengths the record cannot hold with 16 bytes of padding (the
#     Heartbleed request's form, 16384 in a 24-byte record; 5 with 15 bytes
#     of padding): the length noted invalid and the rest of the record
#     taken as payload;
#   - a type tshark does not know (3): an encrypted heartbeat;
#   - records of 2 bytes and of none: tshark's exception ("[Malformed
#     Packet: TLS]"), and the Protocol column it leaves ("SSL" when no
#     record came before in the frame);
#   - several records in one segment, the heartbeat between others;
#   - DTLS heartbeats over UDP (epochs 0 and 1), by DTLS's stricter rule.
# Compared: the summary lines, and -V from the TLS layer to the end of each
# packet, but for dissect's learner notes on what it could not decrypt
# ("[Decryption]" with its note, which tshark does not have).
# Expected values come from tshark at test time, never from dissect.
# Usage: test_tshark_tls_heartbeat.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_tshark_tls_heartbeat.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_tshark_tls_heartbeat.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
tshark_capture_test

f=$T_TMP/heartbeat.pcap
PYTHONPATH="$SRC/tests/differential" "$PY" - "$f" <<'EOF' || fail "making the capture"
import struct, sys
from tcppcap import Writer
w = Writer(sys.argv[1], step_us=1000)
C, S = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
def rec(ct, body, ver=0x0303):
    return struct.pack('!BHH', ct, ver, len(body)) + body
def hb(t, plen, payload, pad):
    return struct.pack('!BH', t, plen) + payload + pad
cases = [
    [rec(24, hb(1, 5, b'hello', b'\x00' * 16))],
    [rec(24, hb(2, 5, b'hello', b'\x5a' * 16))],
    [rec(24, hb(1, 1, b'h', b'\x00' * 40))],
    [rec(24, hb(1, 0, b'', b'\x00' * 16))],
    [rec(24, hb(1, 5, b'hello', b'\x00' * 15))],
    [rec(24, hb(1, 0x4000, b'hello', b'\x00' * 16))],
    [rec(24, hb(3, 5, b'hello', b'\x00' * 16))],
    [rec(24, b'\x01\x00')],
    [rec(24, b'')],
    [rec(20, b'\x01'), rec(24, hb(1, 5, b'hello', b'\x00' * 16))],
    [rec(24, hb(2, 5, b'hello', b'\x00' * 16), 0x0301)],
    [rec(21, b'\x01\x00'), rec(24, hb(1, 3, b'abc', b'\x00' * 16)), rec(21, b'\x02\x28')],
    [rec(21, b'\x01\x00'), rec(24, b'')],
]
port = 40000
for recs in cases:
    port += 1
    w.pkt(C, S, port, 443, 0, 0, 0x02)
    w.pkt(S, C, 443, port, 100, 1, 0x12)
    w.pkt(C, S, port, 443, 1, 101, 0x10)
    w.pkt(C, S, port, 443, 1, 101, 0x18, b''.join(recs))
EOF

tshark -n -r "$f" 2>/dev/null >"$T_TMP/ts.sum"
"$D" -n -r "$f" 2>"$T_TMP/err" >"$T_TMP/ours.sum"
if [[ -s $T_TMP/ts.sum ]] && cmp -s "$T_TMP/ts.sum" "$T_TMP/ours.sum"; then
  pass "summary lines equal to tshark's ($(wc -l <"$T_TMP/ts.sum") lines)"
else
  mapfile -t d < <(diff "$T_TMP/ts.sum" "$T_TMP/ours.sum" | head -12)
  fail "summary lines equal to tshark's" "(< tshark, > dissect)" "${d[@]}"
fi

# -V of each packet from its TLS layer on
tls_part() {
  "$PY" -c '
import sys
on = False; skip = None
for line in sys.stdin.read().split("\n"):
    if line.startswith("Frame "):
        on = False; print(line); continue
    if line.startswith("Transport Layer Security"):
        on = True
    if not on:
        continue
    ind = len(line) - len(line.lstrip(" "))
    if skip is not None and ind > skip:
        continue
    skip = None
    if line.strip() == "[Decryption]":
        skip = ind; continue
    print(line)
'
}
tshark -n -r "$f" -V 2>/dev/null | tls_part >"$T_TMP/ts.v"
"$D" -n -r "$f" -V 2>>"$T_TMP/err" | tls_part >"$T_TMP/ours.v"
n=$(grep -c "Heartbeat" "$T_TMP/ts.v")
if ((n > 20)) && cmp -s "$T_TMP/ts.v" "$T_TMP/ours.v"; then
  pass "-V of the TLS layers equal to tshark's ($(wc -l <"$T_TMP/ts.v") lines, $n with Heartbeat)"
else
  mapfile -t d < <(diff "$T_TMP/ts.v" "$T_TMP/ours.v" | head -16)
  fail "-V of the TLS layers equal to tshark's" "(< tshark, > dissect)" "${d[@]}"
fi

# DTLS (epochs 0 and 1, over UDP port 4433 decoded as DTLS by both): tshark's
# DTLS reads a heartbeat in the clear only when its payload length leaves 16
# bytes of padding, whatever the epoch; else an encrypted one
d=$T_TMP/dtls-heartbeat.pcap
"$PY" - "$d" <<'EOF' || fail "making the DTLS capture"
import struct, sys
def udp(payload):
    u = struct.pack('>HHHH', 40000, 4433, 8 + len(payload), 0) + payload
    ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(u), 1, 0, 64, 17, 0, bytes([10, 0, 0, 1]),
                     bytes([10, 0, 0, 2]))
    return b'\0' * 12 + b'\x08\x00' + ip + u
def rec(body, epoch=0, seq=0):
    return (struct.pack('>BHH', 24, 0xfefd, epoch) + seq.to_bytes(6, 'big') +
            struct.pack('>H', len(body)) + body)
def hb(t, plen, payload, pad):
    return struct.pack('>BH', t, plen) + payload + pad
pk = [rec(hb(1, 5, b'hello', b'\0' * 16)), rec(hb(2, 1, b'h', b'\5' * 20), seq=1),
      rec(hb(1, 5, b'hello', b'\0' * 15), seq=2), rec(hb(3, 5, b'hello', b'\0' * 16), seq=3),
      rec(hb(1, 5, b'hello', b'\0' * 16), epoch=1, seq=4),
      rec(hb(1, 0x4000, b'x', b'\0' * 16), seq=5), rec(b'\x01\x00', seq=6)]
out = struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
for i, p in enumerate(pk):
    f = udp(p)
    out += struct.pack('<IIII', 1000, i * 1000, len(f), len(f)) + f
open(sys.argv[1], 'wb').write(out)
EOF
tshark -n -r "$d" -d udp.port==4433,dtls 2>/dev/null >"$T_TMP/ts.dsum"
tshark -n -r "$d" -d udp.port==4433,dtls -V 2>/dev/null >"$T_TMP/ts.dv"
"$D" -n -r "$d" -d udp.port==4433,dtls 2>>"$T_TMP/err" >"$T_TMP/ours.dsum"
"$D" -n -r "$d" -d udp.port==4433,dtls -V 2>>"$T_TMP/err" >"$T_TMP/ours.dv"
n=$(grep -c "Heartbeat" "$T_TMP/ts.dv")
if ((n > 10)) && cmp -s "$T_TMP/ts.dsum" "$T_TMP/ours.dsum" && cmp -s "$T_TMP/ts.dv" "$T_TMP/ours.dv"; then
  pass "DTLS: summary lines and -V equal to tshark's ($(wc -l <"$T_TMP/ts.dv") lines, $n with Heartbeat)"
else
  mapfile -t dd < <(
    diff "$T_TMP/ts.dsum" "$T_TMP/ours.dsum" | head -8
    diff "$T_TMP/ts.dv" "$T_TMP/ours.dv" | head -12
  )
  fail "DTLS: summary lines and -V equal to tshark's" "(< tshark, > dissect)" "${dd[@]}"
fi
check_eq "no message from dissect" "" "$(cat "$T_TMP/err")"
finish
