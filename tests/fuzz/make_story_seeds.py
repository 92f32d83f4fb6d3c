#!/usr/bin/env python3
"""Seeds for fuzz_story (and fuzz_packet's format): the first 64 frames of
samples with stories (DNS then HTTPS, TLS 1.2/1.3, HTTP/2, QUIC with a
Retry, a migration, 0-RTT), one input per sample.
Usage: make_story_seeds.py SAMPLES_DIR OUT_DIR"""
import os, struct, sys

LINKTYPES = [1, 0, 108, 12, 101, 228, 229, 113, 276]
NAMES = ["story", "https-tls12", "https-tls13", "http2", "sll-any", "quic-h3", "quic-retry",
         "quic-migration", "quic-0rtt", "tls12-resume", "http"]

def frames(path):
    d = open(path, "rb").read()
    magic = d[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        raise SystemExit("%s: not a pcap file" % path)
    linktype = struct.unpack(e + "I", d[20:24])[0] & 0xffff
    pos, out = 24, []
    while pos + 16 <= len(d) and len(out) < 64:
        _, _, incl, _ = struct.unpack(e + "IIII", d[pos:pos + 16])
        pos += 16
        out.append(d[pos:pos + incl][:65535])
        pos += incl
    return linktype, out

src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst, exist_ok=True)
for n in NAMES:
    p = os.path.join(src, n + ".pcap")
    if not os.path.exists(p):
        continue
    lt, fr = frames(p)
    if lt not in LINKTYPES:
        continue
    b = bytes([LINKTYPES.index(lt), 0]) + b"".join(struct.pack(">H", len(f)) + f for f in fr)
    open(os.path.join(dst, n), "wb").write(b)
