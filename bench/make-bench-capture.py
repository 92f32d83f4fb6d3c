#!/usr/bin/env python3
"""Builds a large synthetic capture from the project's own samples.

Used by tests (tests/integration/test_tui.sh) that need many packets without
root. The benchmark (bench/run.sh) uses bench/make-capture.sh instead, which
records real, interleaved IPv4 and IPv6 traffic in a network namespace.

Each copy of the sample conversations gets its own client ports, so the
result holds many distinct TCP/UDP flows (as a real busy capture does), and
timestamps keep increasing. Usage:

    make-bench-capture.py OUT.pcap [PACKETS]   (default 1,000,000 packets)
"""
import struct
import sys
from pathlib import Path

SAMPLES = ["http.pcap", "https-tls12.pcap", "https-tls13.pcap", "dns.pcap", "dns-tcp.pcap"]


def read_pcap(path):
    data = path.read_bytes()
    magic = struct.unpack("<I", data[:4])[0]
    if magic not in (0xA1B2C3D4, 0xA1B23C4D):
        raise SystemExit(f"{path}: not a little-endian pcap file")
    linktype = struct.unpack("<I", data[20:24])[0]
    nano = magic == 0xA1B23C4D
    off, recs = 24, []
    while off + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        recs.append((sec + frac / (1e9 if nano else 1e6), data[off + 16:off + 16 + incl], orig))
        off += 16 + incl
    return linktype, recs


def remap_port(frame, copy):
    """Moves the ephemeral (client) port of an Ethernet/IPv4 TCP/UDP frame."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00" or frame[14] >> 4 != 4:
        return frame
    ihl = (frame[14] & 15) * 4
    proto = frame[23]
    t = 14 + ihl
    if proto not in (6, 17) or len(frame) < t + 4:
        return frame
    sport, dport = struct.unpack("!HH", frame[t:t + 4])
    shift = lambda p: 1024 + (p - 1024 + copy * 7) % 60000 if p >= 1024 else p
    b = bytearray(frame)
    b[t:t + 4] = struct.pack("!HH", shift(sport), shift(dport))
    return bytes(b)


def main():
    out = Path(sys.argv[1])
    want = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    root = Path(__file__).resolve().parent.parent / "samples"
    recs = []
    for name in SAMPLES:
        lt, r = read_pcap(root / name)
        if lt != 1:
            continue
        base = r[0][0]
        recs.extend((ts - base, fr, orig) for ts, fr, orig in r)
    with out.open("wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        n, copy, t0 = 0, 0, 1_800_000_000.0
        while n < want:
            for rel, frame, orig in recs:
                if n >= want:
                    break
                ts = t0 + copy * 0.05 + rel
                sec = int(ts)
                usec = int((ts - sec) * 1e6)
                fr = remap_port(frame, copy)
                f.write(struct.pack("<IIII", sec, usec, len(fr), orig) + fr)
                n += 1
            copy += 1
    print(f"{out}: {n} packets")


if __name__ == "__main__":
    main()
