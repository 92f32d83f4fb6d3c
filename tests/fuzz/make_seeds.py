#!/usr/bin/env python3
"""Builds the seed corpora of the packet harnesses from samples/*.pcap.

  python3 tests/fuzz/make_seeds.py            (from the source directory)

fuzz_packet input: a link type selector byte (index into the harness's
table: 0 Ethernet, 1 null, 2 OpenBSD loop, 3 raw (12), 4 raw (101),
5 IPv4 (228), 6 IPv6 (229), 7 SLL, 8 SLL2), a mode byte, then frames each
prefixed by a 2-byte big-endian length. Seeds are windows of consecutive
frames of each sample; some Ethernet frames are re-framed for the other
link types so every link layer has a seed.

fuzz_stream input: see fuzz_stream.c; seeds are the TCP payloads of one
direction of a sample's connections.
"""
import gzip
import hashlib
import os
import struct
import sys
import zlib

SRC = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SAMPLES = os.path.join(SRC, "samples")
OUT = os.path.join(SRC, "tests", "fuzz", "seeds")

SEL = {1: 0, 0: 1, 108: 2, 12: 3, 101: 4, 228: 5, 229: 6, 113: 7, 276: 8}


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        return None, []
    linktype = struct.unpack(end + "I", data[20:24])[0] & 0xFFFF
    frames = []
    pos = 24
    while pos + 16 <= len(data):
        _, _, incl, _ = struct.unpack(end + "IIII", data[pos : pos + 16])
        pos += 16
        frames.append(data[pos : pos + incl])
        pos += incl
    return linktype, frames


def pack(sel, mode, frames):
    out = bytearray([sel, mode])
    for fr in frames:
        fr = fr[:0xFFFF]
        out += struct.pack(">H", len(fr)) + fr
    return bytes(out)


def reframe(eth, target):
    """An Ethernet frame carrying IPv4/IPv6 re-framed for another link type."""
    if len(eth) < 14:
        return None
    etype = struct.unpack(">H", eth[12:14])[0]
    ip = eth[14:]
    if etype not in (0x0800, 0x86DD):
        return None
    v6 = etype == 0x86DD
    if target == 0:
        return struct.pack("<I", 30 if v6 else 2) + ip
    if target == 108:
        return struct.pack(">I", 24 if v6 else 2) + ip
    if target in (12, 101):
        return ip
    if target == 228:
        return None if v6 else ip
    if target == 229:
        return ip if v6 else None
    if target == 113:
        return struct.pack(">HHH", 0, 1, 6) + eth[6:12] + b"\0\0" + eth[12:14] + ip
    if target == 276:
        return eth[12:14] + b"\0\0" + struct.pack(">IHBB", 1, 1, 0, 6) + eth[6:12] + b"\0\0" + ip
    return None


def write(dirname, blob, written):
    os.makedirs(dirname, exist_ok=True)
    name = hashlib.sha1(blob).hexdigest()[:16]
    with open(os.path.join(dirname, name), "wb") as f:
        f.write(blob)
    written.append(len(blob))


SERVER_PORTS = {443: 0, 80: 1, 53: 2, 8080: 3, 8443: 0, 143: 4}


def tcp_payloads(linktype, frames):
    """Per connection (keyed by its server port and client port): the
    (direction, payload) of every segment with data, in capture order."""
    conns = {}
    for fr in frames:
        if linktype == 1 and len(fr) >= 14 and fr[12:14] == b"\x08\x00":
            ip = fr[14:]
        elif linktype == 113 and len(fr) >= 16 and fr[14:16] == b"\x08\x00":
            ip = fr[16:]
        elif linktype == 276 and len(fr) >= 20 and fr[0:2] == b"\x08\x00":
            ip = fr[20:]
        else:
            continue
        if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 6:
            continue
        ihl = (ip[0] & 15) * 4
        tot = struct.unpack(">H", ip[2:4])[0]
        tcp = ip[ihl:tot]
        if len(tcp) < 20:
            continue
        sport, dport = struct.unpack(">HH", tcp[0:4])
        payload = tcp[(tcp[12] >> 4) * 4 :]
        if not payload:
            continue
        if dport in SERVER_PORTS:
            key, direction = (dport, sport), 0
        elif sport in SERVER_PORTS:
            key, direction = (sport, dport), 1
        else:
            continue
        conns.setdefault(key, []).append((direction, payload))
    return conns


def stream_blob(port_sel, segs):
    blob = bytearray([port_sel, 0])
    for direction, p in segs:
        for off in range(0, len(p), 1460):
            chunk = p[off : off + 1460]
            blob += bytes([direction]) + struct.pack(">H", len(chunk)) + chunk
    return bytes(blob)


def http_coded_seeds():
    """HTTP exchanges with coded bodies (the samples have none): gzip in
    chunks, deflate (zlib) with a length, raw deflate, a gzip bomb-like
    body of zeros, and a response split across segments mid-chunk."""
    body = b"<html><body>" + b"hello fuzz " * 40 + b"</body></html>\n"
    req = b"GET /a HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: gzip, deflate\r\n\r\n"
    gz = gzip.compress(body, mtime=0)
    chunked = b"".join(b"%x\r\n" % len(gz[i : i + 100]) + gz[i : i + 100] + b"\r\n"
                       for i in range(0, len(gz), 100)) + b"0\r\n\r\n"
    r1 = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
          b"Transfer-Encoding: chunked\r\n\r\n" + chunked)
    zl = zlib.compress(body)
    r2 = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: deflate\r\n"
          b"Content-Length: %d\r\n\r\n" % len(zl)) + zl
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = co.compress(body) + co.flush()
    r3 = (b"HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nContent-Length: %d\r\n\r\n"
          % len(raw)) + raw
    zeros = gzip.compress(b"\0" * 3000000, mtime=0)
    r4 = (b"HTTP/1.1 200 OK\r\nContent-Encoding: x-gzip\r\nContent-Length: %d\r\n\r\n"
          % len(zeros)) + zeros
    post = (b"POST /up HTTP/1.1\r\nHost: a\r\nContent-Encoding: gzip\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n" + chunked)
    yield stream_blob(1, [(0, req), (1, r1)])
    yield stream_blob(1, [(0, req), (1, r2), (0, req), (1, r3)])
    yield stream_blob(1, [(0, req), (1, r4)])
    yield stream_blob(1, [(0, post), (1, b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n")])
    # A body delimited by the end of the connection (kept until the FIN):
    # control byte 5 << 1 sends the segment, then a FIN.
    close = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n" + body[:2000]
    yield stream_blob(1, [(0, req), (1, close[:900]), (1 | (5 << 1), close[900:])])
    # IMAP: tagged and untagged lines, a FETCH literal, STARTTLS, then TLS.
    imap = [(1, b"* OK IMAP4rev1 ready\r\n"), (0, b"a1 LOGIN user \"pw\"\r\n"),
            (1, b"* 2 EXISTS\r\na1 OK done\r\n"), (0, b"a2 UID FETCH 1 BODY[]\r\n"),
            (1, b"* 1 FETCH (BODY[] {12}\r\nSubject: x\r\n)\r\na2 OK\r\n"),
            (0, b"a3 STARTTLS\r\n"), (1, b"a3 OK go\r\n"),
            (0, bytes.fromhex("16030100050100000100"))]
    yield stream_blob(4, imap)
    # The same response cut into small segments, so PDUs span frames.
    segs = [(0, req)] + [(1, r1[i : i + 37]) for i in range(0, len(r1), 37)][:90]
    yield stream_blob(3, segs)


def main():
    written = []
    pk = os.path.join(OUT, "fuzz_packet")
    st = os.path.join(OUT, "fuzz_stream")
    for name in sorted(os.listdir(SAMPLES)):
        if not name.endswith(".pcap"):
            continue
        linktype, frames = read_pcap(os.path.join(SAMPLES, name))
        if linktype not in SEL or not frames:
            continue
        sel = SEL[linktype]
        # Windows of consecutive frames, at most 16 frames / 12 KB each, and
        # at most 12 windows per sample.
        n = 0
        i = 0
        while i < len(frames) and n < 12:
            win, size = [], 0
            while i < len(frames) and len(win) < 16 and size + len(frames[i]) <= 12000:
                win.append(frames[i])
                size += len(frames[i])
                i += 1
            if not win:
                i += 1
                continue
            write(pk, pack(sel, 0, win), written)
            if n == 0:
                write(pk, pack(sel, 1 | 2, win), written)
                write(pk, pack(sel, 8 | 4, win), written)
            n += 1
        if linktype == 1:
            for target in (0, 108, 12, 101, 228, 229, 113, 276):
                win = [reframe(fr, target) for fr in frames[:12]]
                win = [w for w in win if w is not None]
                if win:
                    write(pk, pack(SEL[target], 0, win), written)
        # Stream seeds: the first connections of each sample, payloads cut
        # into segments of at most 1460 bytes (the harness's limit).
        for (server, _), segs in list(tcp_payloads(linktype, frames).items())[:4]:
            blob = bytearray([SERVER_PORTS[server], 0])
            for direction, p in segs[:32]:
                for off in range(0, len(p), 1460):
                    chunk = p[off : off + 1460]
                    blob += bytes([direction]) + struct.pack(">H", len(chunk)) + chunk
                if len(blob) > 24000:
                    break
            write(st, bytes(blob), written)
    for blob in http_coded_seeds():
        write(st, blob, written)
    print("%d seeds, %d bytes" % (len(written), sum(written)), file=sys.stderr)


if __name__ == "__main__":
    main()
