#!/usr/bin/env python3
"""Seeds for tests/fuzz/fuzz_quic.c (the record format is described there)
and, given a second directory, for fuzz_quic_caps.c: the same seeds behind
a budget byte each, under a few budgets.

Usage: python3 tests/fuzz/make_quic_seeds.py tests/fuzz/seeds/fuzz_quic \
           [tests/fuzz/seeds/fuzz_quic_caps]
"""
import os
import struct
import sys


def rec(kind, data):
    return bytes([kind]) + struct.pack(">H", len(data)) + data


def stream(sid, data, fin=False, off=0):
    t = 0x0a | (1 if fin else 0) | (4 if off else 0)
    out = bytes([t, sid])
    if off:
        out += struct.pack(">H", 0x4000 | off)
    return out + struct.pack(">H", 0x4000 | len(data)) + data


def h3(t, payload):
    return bytes([t, len(payload)]) + payload


CONTROL = b"\x00" + h3(4, b"\x01\x00\x07\x00")          # SETTINGS
ENCODER = (b"\x02" + b"\x3f\xe1\x1f"                      # set capacity 4096
           + b"\xc0\x0b" + b"example.org")               # insert :authority (static 0)
REQ_STATIC = h3(1, b"\x00\x00\xd1\xd7\xc1\x50\x0b" + b"example.com")
REQ_DYNAMIC = h3(1, b"\x02\x00\xd1\xd7\xc1\x80")         # :authority from the dynamic table
RESP = h3(1, b"\x00\x00\xd9") + h3(0, b"hello")

seeds = {
    "h3_static": rec(4, stream(2, CONTROL) + stream(0, REQ_STATIC, fin=True))
    + rec(5, stream(3, CONTROL) + stream(0, RESP, fin=True)),
    "h3_dynamic": rec(4, stream(2, CONTROL) + stream(6, ENCODER) + stream(4, REQ_DYNAMIC, fin=True))
    + rec(5, stream(4, RESP, fin=True)),
    "h3_blocked": rec(4, stream(4, REQ_DYNAMIC, fin=True)) + rec(4, stream(6, ENCODER)),
    "h3_split": rec(4, stream(0, REQ_STATIC[:5]))
    + rec(4, stream(0, REQ_STATIC[5:], fin=True, off=5))
    + rec(0x84, stream(8, REQ_STATIC, fin=True)),               # after a key update
    "frames": rec(4, bytes.fromhex(
        "01"                                   # PING
        "0300010002030405060708"               # ACK_ECN with one range
        "04014001"  "0500"                     # RESET_STREAM, STOP_SENDING (one short)
        "070401020304"                         # NEW_TOKEN
        "104000" "110040ff" "1208" "1403" "150002" "1604"
        "18010008aabbccddeeff0011" + "00" * 16 +  # NEW_CONNECTION_ID
        "1901" "1a0102030405060708" "1b0102030405060708"
        "1e" "31036869"                        # HANDSHAKE_DONE, DATAGRAM
        "1c0a0003626164"                       # CONNECTION_CLOSE
    )),
    "crypto_ooo": rec(3, bytes.fromhex("06400f40040b00000b") + b"\x00" * 4)
    + rec(3, bytes.fromhex("0640004004") + bytes.fromhex("08000009")),
    "raw": rec(0, bytes.fromhex("8000000000045e5e5e5e04c1c1c1c10000000100000002"))
    + rec(1, bytes.fromhex("f00000000104c1c1c1c1045e5e5e5e") + b"tok" + b"\x00" * 16)
    + rec(0, bytes.fromhex("40") + b"\x5e" * 4 + b"\x00" * 30),
}

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)

# fuzz_quic_caps: byte 0 b, a total budget of ((b & 127) + 1) KiB; bit 7 a
# per-stream budget of a quarter of it
CAPS = {"1k": 0, "4k": 3, "16k": 15, "64k": 63, "32k-streams": 128 | 31}
if len(sys.argv) > 2:
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for name, data in seeds.items():
        for cap, b in CAPS.items():
            with open(os.path.join(out, name + "-" + cap), "wb") as f:
                f.write(bytes([b]) + data)
