#!/usr/bin/env python3
"""Makes the seeds of fuzz_http2 (input format: fuzz_http2.c) in
tests/fuzz/seeds/fuzz_http2/:

  python3 tests/fuzz/make_http2_seeds.py       (from anywhere)

- the TCP payloads of samples/http2-h2c.pcap (nghttp, prior knowledge), as
  captured, cut into 7-byte segments, with small caps and terse;
- hand-made exchanges: CONTINUATION chains (whole, interrupted by another
  frame, on another stream), padding (valid, longer than the frame),
  huge and truncated frame lengths, frames of every type with bad lengths,
  bad HPACK (an index past the table, a dynamic table size update larger
  than the setting or not at the start of a block, Huffman strings with
  bad padding or the EOS symbol, integers that overflow), the dynamic table
  (entries added, referenced, evicted by a size update), bodies with
  content-encoding gzip and deflate in several DATA frames, more streams
  than the connection keeps, and an Upgrade: h2c connection.
"""
import os
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_seeds  # noqa: E402  (read_pcap, tcp_payloads)

SRC = os.path.normpath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(HERE, "seeds", "fuzz_http2")
PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

# Frame types and flags (RFC 9113 6).
DATA, HEADERS, PRIORITY, RST, SETTINGS, PUSH, PING, GOAWAY, WINDOW, CONT = range(10)
END_STREAM, ACK, END_HEADERS, PADDED, PRIO = 1, 1, 4, 8, 0x20



def brotli_compress(data):
    """data compressed by libbrotlienc (the library libbrotli-dev installs,
    through ctypes: no Python module needed), or None without it."""
    import ctypes
    import ctypes.util
    name = ctypes.util.find_library("brotlienc")
    if not name:
        print("warning: no libbrotlienc: no brotli body seed", file=sys.stderr)
        return None
    lib = ctypes.CDLL(name)
    out = ctypes.create_string_buffer(len(data) + 1024)
    n = ctypes.c_size_t(len(out))
    # BrotliEncoderCompress(quality, lgwin, mode, input_size, input, *encoded_size, encoded)
    ok = lib.BrotliEncoderCompress(ctypes.c_int(11), ctypes.c_int(22), ctypes.c_int(0),
                                   ctypes.c_size_t(len(data)), data, ctypes.byref(n), out)
    return out.raw[:n.value] if ok else None

def frame(ftype, flags, stream, payload, length=None):
    n = len(payload) if length is None else length
    return struct.pack(">I", n)[1:] + bytes([ftype, flags]) + struct.pack(">I", stream) + payload


def settings(*pairs):
    return frame(SETTINGS, 0, 0, b"".join(struct.pack(">HI", k, v) for k, v in pairs))


def hint(value, prefix, first=0):
    """HPACK integer (RFC 7541 5.1) with an N-bit prefix."""
    limit = (1 << prefix) - 1
    if value < limit:
        return bytes([first | value])
    out = bytearray([first | limit])
    value -= limit
    while value >= 128:
        out.append((value & 127) | 128)
        value >>= 7
    out.append(value)
    return bytes(out)


def hstr(s):
    return hint(len(s), 7) + s


def indexed(i):
    return hint(i, 7, 0x80)


def literal(name, value, first=0x00, prefix=4):
    """Literal with a new name: without indexing (0x00), never indexed
    (0x10) or with incremental indexing (0x40, prefix 6)."""
    return bytes([first]) + hstr(name) + hstr(value)


def literal_idx(index, value, first=0x40, prefix=6):
    return hint(index, prefix, first) + hstr(value)


REQ = indexed(2) + indexed(6) + indexed(4) + literal_idx(1, b"www.example.test")  # GET http /
RESP = indexed(8)  # :status 200


def segs(*parts):
    """Segments in order, each (direction, bytes); longer ones are cut."""
    out = bytearray()
    for d, p in parts:
        for off in range(0, max(len(p), 1), 1460):
            chunk = p[off : off + 1460]
            out += bytes([d]) + struct.pack(">H", len(chunk)) + chunk
    return bytes(out)


def cut(d, p, size):
    return [(d, p[i : i + size]) for i in range(0, len(p), size)]


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.unlink(os.path.join(OUT, f))
    seeds = {}

    # The sample, as captured (mode 0: its first segment holds the preface).
    linktype, frames = make_seeds.read_pcap(os.path.join(SRC, "samples", "http2-h2c.pcap"))
    conns = make_seeds.tcp_payloads(linktype, frames)
    sample = next(v for k, v in conns.items() if k[0] == 8080)
    seeds["h2c-sample"] = bytes([0]) + segs(*sample)
    seeds["h2c-sample-small-caps-terse"] = bytes([4 | 8]) + segs(*sample)
    seeds["h2c-sample-7-byte-segments"] = bytes([0]) + segs(
        *[c for d, p in sample for c in cut(d, p, 7)])
    # Without its preface, which mode 2 then puts back.
    nopre = [(d, p[len(PREFACE):] if p.startswith(PREFACE) else p) for d, p in sample]
    seeds["h2c-sample-mode2"] = bytes([2]) + segs(*nopre)

    cs = settings((3, 100), (4, 65535))
    ss = settings((3, 128), (4, 1 << 20), (5, 1 << 14)) + frame(SETTINGS, ACK, 0, b"")

    def h2(*parts, mode=1):
        return bytes([mode]) + segs(*parts)

    block = REQ + literal(b"user-agent", b"fuzz/1.0") + literal(b"accept", b"*/*")
    seeds["continuation-chain"] = h2(
        (0, cs + frame(HEADERS, END_STREAM, 1, block[:3]) + frame(CONT, 0, 1, block[3:9])
         + frame(CONT, 0, 1, block[9:15]) + frame(CONT, END_HEADERS, 1, block[15:])),
        (1, ss + frame(HEADERS, END_HEADERS | END_STREAM, 1, RESP)))
    seeds["continuation-interrupted"] = h2(
        (0, cs + frame(HEADERS, END_STREAM, 1, block[:5]) + frame(DATA, 0, 1, b"x")
         + frame(CONT, END_HEADERS, 3, block[5:]) + frame(CONT, END_HEADERS, 1, block[5:])))
    seeds["continuation-alone"] = h2(
        (0, cs + frame(CONT, END_HEADERS, 1, block) + frame(CONT, 0, 0, b"")))
    seeds["continuation-split-segments"] = h2(
        *cut(0, cs + frame(HEADERS, 0, 1, block[:4]) + frame(CONT, 0, 1, block[4:8])
             + frame(CONT, END_HEADERS, 1, block[8:]), 5))

    body = b"<html>hello</html>\n"
    seeds["padding"] = h2(
        (0, cs + frame(HEADERS, END_HEADERS | END_STREAM | PADDED, 1, bytes([10]) + REQ + bytes(10))
         + frame(HEADERS, END_HEADERS | END_STREAM | PADDED | PRIO, 3,
                 bytes([3]) + struct.pack(">IB", 0x80000001, 200) + REQ + b"\0\0\0")),
        (1, ss + frame(HEADERS, END_HEADERS, 1, RESP)
         + frame(DATA, PADDED, 1, bytes([5]) + body + bytes(5))
         + frame(DATA, PADDED | END_STREAM, 1, bytes([200]) + b"abc")
         + frame(HEADERS, END_HEADERS | PADDED, 3, bytes([255]) + RESP)
         + frame(DATA, PADDED, 3, b"")))

    seeds["huge-length"] = h2((0, cs + frame(HEADERS, END_HEADERS, 1, REQ, length=0xFFFFFF)),
                              (1, ss + frame(DATA, 0, 1, b"abc", length=0x4001)))
    seeds["over-max-frame-size"] = h2(
        (0, cs + frame(DATA, 0, 1, bytes(16385)) + frame(HEADERS, END_HEADERS, 3, REQ)))
    seeds["bad-lengths"] = h2(
        (0, cs + frame(SETTINGS, 0, 0, b"\0\3\0\0\0") + frame(SETTINGS, ACK, 0, b"\0\0\0\0\0\0")
         + frame(PING, 0, 0, b"1234567") + frame(PING, ACK, 0, b"123456789")
         + frame(PRIORITY, 0, 1, b"\0\0\0") + frame(PRIORITY, 0, 5, struct.pack(">IB", 5, 0))
         + frame(RST, 0, 1, b"\0\0") + frame(RST, 0, 0, b"\0\0\0\8")
         + frame(WINDOW, 0, 0, b"\0\0\0") + frame(WINDOW, 0, 1, b"\0\0\0\0")
         + frame(WINDOW, 0, 0, b"\x7f\xff\xff\xff")
         + frame(GOAWAY, 0, 0, b"\0\0\0") + frame(GOAWAY, 0, 1, struct.pack(">II", 1, 2))
         + frame(0x20, 0xFF, 7, b"unknown type") + frame(SETTINGS, 0, 3, b"")
         + frame(HEADERS, END_HEADERS | PADDED, 7, b"") + frame(HEADERS, END_HEADERS | PRIO, 9, b"\0")
         + frame(DATA, 0, 0, b"no stream")),
        (1, ss + frame(PUSH, END_HEADERS, 1, struct.pack(">I", 2) + REQ)
         + frame(PUSH, END_HEADERS | PADDED, 1, bytes([40]) + struct.pack(">I", 4))
         + frame(PUSH, 0, 1, b"\0\0") + frame(HEADERS, END_HEADERS, 2, RESP)
         + frame(GOAWAY, 0, 0, struct.pack(">II", 1, 11) + b"debug data \x1b[31m red")))

    def hpack_seed(name, blk, resp=RESP):
        seeds[name] = h2((0, cs + frame(HEADERS, END_HEADERS | END_STREAM, 1, blk)),
                         (1, ss + frame(HEADERS, END_HEADERS | END_STREAM, 1, resp)),
                         (0, frame(HEADERS, END_HEADERS | END_STREAM, 3, REQ)))

    hpack_seed("hpack-index-past-table", REQ + indexed(62) + indexed(255) + indexed(1 << 20))
    hpack_seed("hpack-index-zero", REQ + indexed(0))
    hpack_seed("hpack-size-update-too-big", hint(16384, 5, 0x20) + REQ)
    hpack_seed("hpack-size-update-late", REQ + hint(0, 5, 0x20))
    hpack_seed("hpack-size-updates", hint(0, 5, 0x20) + hint(4096, 5, 0x20) + REQ)
    hpack_seed("hpack-integer-overflow", REQ + b"\xff" + b"\xff" * 10 + b"\x01")
    hpack_seed("hpack-huffman-eos", REQ + b"\x00\x84\xff\xff\xff\xff\x01a")
    hpack_seed("hpack-huffman-zero-padding", REQ + b"\x00\x81\x00\x01a")
    hpack_seed("hpack-huffman-long-padding", REQ + b"\x00\x82\x1f\xff\x01a")
    hpack_seed("hpack-huffman-good", REQ + b"\x00\x82\x94\xe7\x03\x86\x3d\x9c\x5c\x0b\x2a")
    hpack_seed("hpack-string-past-end", REQ + b"\x00\x7f\x20abc")
    hpack_seed("hpack-empty-name", REQ + literal(b"", b"v") + literal(b"Upper", b"\r\n\x00"))
    hpack_seed("hpack-dynamic-table",
               REQ + literal(b"x-a", b"1" * 40, 0x40) + literal(b"x-b", b"2" * 40, 0x40)
               + indexed(62) + indexed(63) + literal_idx(62, b"new", 0x40) + indexed(64)
               + hint(64, 5, 0x20) + indexed(62),
               resp=RESP + literal(b"x-c", b"3" * 4000, 0x40) + literal(b"x-d", b"4" * 100, 0x40)
               + indexed(62) + literal_idx(63, b"v", 0x00, 4) + literal_idx(64, b"v", 0x10, 4))
    seeds["hpack-table-size-setting-zero"] = h2(
        (1, settings((1, 0)) + frame(HEADERS, END_HEADERS, 1, RESP)),
        (0, cs + frame(SETTINGS, ACK, 0, b"")
         + frame(HEADERS, END_HEADERS, 1, literal(b"x-a", b"1", 0x40) + REQ + indexed(62))))

    text = b"The quick brown fox jumps over the lazy dog.\n" * 40
    brotli = brotli_compress(text)
    gz = zlib.compressobj(9, zlib.DEFLATED, 31)
    gzipped = gz.compress(text) + gz.flush()
    deflated = zlib.compress(text)
    bodies = [("gzip", b"gzip", gzipped), ("deflate", b"deflate", deflated),
              ("gzip-corrupt", b"gzip", gzipped[:20] + b"\xff" * 8 + gzipped[28:]),
              ("br-not-brotli", b"br", b"\x1b\x2b\x00\xf8" + text[:30])]
    if brotli:
        bodies += [("br", b"br", brotli),
                   ("br-corrupt", b"br", brotli[:6] + b"\xff" * 4 + brotli[10:])]
    for name, enc, data in bodies:
        third = len(data) // 3
        seeds["body-" + name] = h2(
            (0, cs + frame(HEADERS, END_HEADERS | END_STREAM, 1, REQ)),
            (1, ss + frame(HEADERS, END_HEADERS, 1, RESP + literal(b"content-encoding", enc)
                           + literal(b"content-type", b"text/plain"))
             + frame(DATA, 0, 1, data[:third])),
            (1, frame(DATA, 0, 1, data[third:2 * third])
             + frame(DATA, END_STREAM, 1, data[2 * third:])))

    many = bytearray(cs)
    for sid in range(1, 2 * 140, 2):
        many += frame(HEADERS, END_HEADERS, sid, REQ + literal_idx(4, b"/%d" % sid))
    seeds["many-streams"] = h2((0, bytes(many)),
                               (1, ss + frame(RST, 0, 1, b"\0\0\0\x07")
                                + frame(HEADERS, END_HEADERS | END_STREAM, 279, RESP)))

    seeds["upgrade-h2c"] = h2(
        (1, ss + frame(HEADERS, END_HEADERS, 1, RESP + literal(b"content-type", b"text/html"))
         + frame(DATA, END_STREAM, 1, body)),
        (0, cs + frame(SETTINGS, ACK, 0, b"") + frame(HEADERS, END_HEADERS | END_STREAM, 3, REQ)),
        mode=3)
    # Out-of-order and retransmitted segments (fuzz_stream's control bits).
    seeds["segments-out-of-order"] = bytes([1]) + (
        bytes([0 | (4 << 1)]) + struct.pack(">H", len(cs)) + cs
        + bytes([0]) + struct.pack(">H", len(frame(HEADERS, END_HEADERS, 1, REQ)))
        + frame(HEADERS, END_HEADERS, 1, REQ)
        + bytes([1 | (1 << 1)]) + struct.pack(">H", len(ss)) + ss)

    for name, blob in seeds.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(blob)
    print("%s: %d seeds, %d bytes" % (os.path.relpath(OUT, SRC), len(seeds),
                                      sum(len(b) for b in seeds.values())))


if __name__ == "__main__":
    main()
