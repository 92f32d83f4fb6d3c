#!/usr/bin/env python3
"""Builds the seeds of the entry-point harnesses fuzz_dns, fuzz_http,
fuzz_x509 and fuzz_capture from samples/ (run it from anywhere; it writes
tests/fuzz/seeds/<harness>/, files named by a hash of their content).

  fuzz_dns      the DNS messages over UDP of each sample (both directions,
                up to 32 a seed), in IPv4 and IPv6 and tiny-caps modes
  fuzz_http     both directions of the HTTP/1 connections of the samples,
                and the coded-body exchanges of make_seeds.py, in the four
                segmentation modes
  fuzz_x509     the certificates of the TLS 1.2 samples' Certificate
                messages (one a seed, and whole chains), and the PEM roots;
                the first chain again followed by each hand-made OCSP
                response of tests/differential/ocsp_gen.py (the harness
                sends the last slice as a stapled response)
  fuzz_capture  the first frames of samples written as pcap (both byte
                orders, micro- and nanosecond magic), pcapng (both byte
                orders, two sections of different byte order, a packet
                comment, a Decryption Secrets Block), gzip-compressed
"""
import base64
import gzip
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_seeds  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "differential"))
import ocsp_gen  # noqa: E402

SRC = make_seeds.SRC
SAMPLES = make_seeds.SAMPLES
OUT = make_seeds.OUT


def ip_payload(linktype, fr):
    """(ip version, ip packet bytes) of an Ethernet/SLL/SLL2 frame."""
    if linktype == 1 and len(fr) >= 14:
        et, ip = fr[12:14], fr[14:]
    elif linktype == 113 and len(fr) >= 16:
        et, ip = fr[14:16], fr[16:]
    elif linktype == 276 and len(fr) >= 20:
        et, ip = fr[0:2], fr[20:]
    else:
        return None, None
    if et == b"\x08\x00":
        return 4, ip
    if et == b"\x86\xdd":
        return 6, ip
    return None, None


def udp_dns(linktype, frames):
    """(direction, message) of every UDP datagram to or from port 53."""
    out = []
    for fr in frames:
        v, ip = ip_payload(linktype, fr)
        if v == 4 and len(ip) >= 20 and ip[9] == 17:
            ihl = (ip[0] & 15) * 4
            udp = ip[ihl:struct.unpack(">H", ip[2:4])[0]]
        elif v == 6 and len(ip) >= 48 and ip[6] == 17:
            udp = ip[40:40 + struct.unpack(">H", ip[4:6])[0]]
        else:
            continue
        if len(udp) < 8:
            continue
        sport, dport = struct.unpack(">HH", udp[0:4])
        if dport == 53:
            out.append((0, udp[8:]))
        elif sport == 53:
            out.append((1, udp[8:]))
    return out


def dns_seeds(written):
    d = os.path.join(OUT, "fuzz_dns")
    for name in sorted(os.listdir(SAMPLES)):
        if not name.endswith(".pcap"):
            continue
        lt, frames = make_seeds.read_pcap(os.path.join(SAMPLES, name))
        msgs = udp_dns(lt, frames)
        for start in range(0, min(len(msgs), 96), 32):
            win = msgs[start:start + 32]
            for mode in (0, 1, 2 | 4):
                blob = bytearray([mode | (start // 32) << 3])
                for direction, m in win:
                    blob += bytes([direction]) + struct.pack(">H", len(m)) + m
                make_seeds.write(d, bytes(blob), written)


def chunks_of(segs):
    """Consecutive same-direction payloads merged, starting from the
    client (an empty client chunk first if the server speaks first)."""
    out = []
    cur_dir = 0
    cur = b""
    for direction, p in segs:
        if direction != cur_dir:
            out.append(cur)
            cur, cur_dir = b"", direction
        cur += p
    out.append(cur)
    return out


def http_blob(mode, param, segs):
    return bytes([mode, param]) + b"\xff\xfe".join(chunks_of(segs))


def unstream(blob):
    """The (direction, payload) list of a fuzz_stream input."""
    segs, pos = [], 2
    while pos + 3 <= len(blob):
        n = struct.unpack(">H", blob[pos + 1:pos + 3])[0]
        segs.append((blob[pos] & 1, blob[pos + 3:pos + 3 + n]))
        pos += 3 + n
    return segs


def http_seeds(written):
    d = os.path.join(OUT, "fuzz_http")
    conns = []
    for name in sorted(os.listdir(SAMPLES)):
        if not name.endswith(".pcap"):
            continue
        lt, frames = make_seeds.read_pcap(os.path.join(SAMPLES, name))
        for (server, _), segs in make_seeds.tcp_payloads(lt, frames).items():
            if server in (80, 8080) and segs:
                conns.append(segs[:48])
    for blob in make_seeds.http_coded_seeds():
        conns.append(unstream(blob))
    for i, segs in enumerate(conns[:24]):
        size = sum(len(p) for _, p in segs)
        if size > 64000:
            continue
        make_seeds.write(d, http_blob(0, 0, segs), written)
        make_seeds.write(d, http_blob([1, 2, 3, 4 | 8][i % 4], 7 * i + 3, segs), written)
    # bodies the HTTP layer hands on: the hand-made images of the images
    # differential test (JPEG/JFIF/Exif, PNG, GIF; well-formed, cut and
    # corrupt) and the OCSP requests and responses of the OCSP one
    import images  # noqa: E402  (tests/differential)
    bodies = [(mt, b) for _, mt, b in images.cases()]
    reqs, resps = ocsp_gen.requests(b""), ocsp_gen.responses(b"")
    bodies += [("application/ocsp-request", b) for b in reqs]
    bodies += [("application/ocsp-response", b) for b in resps]
    bodies += [("application/" + kind, b)
               for kind, b, _ in ocsp_gen.malformed(resps[1], reqs[1], len(resps[1]))]
    for i, (mt, body) in enumerate(bodies):
        req = b"GET /b%d HTTP/1.1\r\nHost: example.test\r\n\r\n" % i
        ct = b"Content-Type: " + mt.encode() + b"\r\n" if mt else b""  # None: by its bytes
        rsp = (b"HTTP/1.1 200 OK\r\n" + ct + b"Content-Length: %d\r\n\r\n" % len(body) + body)
        make_seeds.write(d, http_blob([0, 3][i % 2], i, [(0, req), (1, rsp)]), written)


def tls_certificates(segs):
    """The certificate lists of the Certificate messages the server sends
    (TLS 1.2: in clear)."""
    stream = b"".join(p for direction, p in segs if direction == 1)
    hs, pos = b"", 0
    while pos + 5 <= len(stream):
        typ, n = stream[pos], struct.unpack(">H", stream[pos + 3:pos + 5])[0]
        if typ == 22:
            hs += stream[pos + 5:pos + 5 + n]
        elif typ == 20:
            break  # encrypted from here on
        pos += 5 + n
    chains, pos = [], 0
    while pos + 4 <= len(hs):
        typ = hs[pos]
        n = int.from_bytes(hs[pos + 1:pos + 4], "big")
        body = hs[pos + 4:pos + 4 + n]
        if typ == 11 and len(body) >= 3:
            certs, q = [], 3
            while q + 3 <= len(body):
                cl = int.from_bytes(body[q:q + 3], "big")
                certs.append(body[q + 3:q + 3 + cl])
                q += 3 + cl
            chains.append(certs)
        pos += 4 + n
    return chains


def x509_seeds(written):
    d = os.path.join(OUT, "fuzz_x509")
    seen = set()
    ocsp_done = []
    for name in sorted(os.listdir(SAMPLES)):
        if name.endswith(".pem"):
            text = open(os.path.join(SAMPLES, name)).read()
            for part in text.split("-----BEGIN CERTIFICATE-----")[1:]:
                der = base64.b64decode(part.split("-----END CERTIFICATE-----")[0])
                make_seeds.write(d, bytes([0]) + der, written)
        if not name.endswith(".pcap"):
            continue
        lt, frames = make_seeds.read_pcap(os.path.join(SAMPLES, name))
        for (server, _), segs in make_seeds.tcp_payloads(lt, frames).items():
            if server not in (443, 8443):
                continue
            for chain in tls_certificates(segs):
                key = b"".join(chain)
                if key in seen:
                    continue
                seen.add(key)
                for i, der in enumerate(chain):
                    make_seeds.write(d, bytes([[0, 1, 2][i % 3]]) + der, written)
                blob = bytearray([4 | 1])
                for der in chain:
                    blob += struct.pack(">H", len(der)) + der
                make_seeds.write(d, bytes(blob), written)
                # the chain then a stapled OCSP response (the harness
                # sends the last slice as one): the hand-made responses
                # of the OCSP differential test, the first with the leaf
                # as its responder's certificate
                if not ocsp_done:
                    ocsp_done.append(True)
                    for resp in ocsp_gen.responses(chain[0]):
                        blob = bytearray([4 | 1])
                        for der in chain + [resp]:
                            blob += struct.pack(">H", len(der)) + der
                        make_seeds.write(d, bytes(blob), written)


# ---- capture files --------------------------------------------------------
def pcap_file(lt, frames, end="<", nano=False):
    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    out = struct.pack(end + "IHHiIII", magic, 2, 4, 0, 0, 262144, lt)
    for i, fr in enumerate(frames):
        out += struct.pack(end + "IIII", 1700000000 + i, 1000 * i, len(fr), len(fr)) + fr
    return out


def block(end, typ, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack(end + "II", typ, n) + body + struct.pack(end + "I", n)


def option(end, code, value):
    return struct.pack(end + "HH", code, len(value)) + value + b"\0" * (-len(value) % 4)


def pcapng_section(lt, frames, end="<", comment=None, secrets=None):
    shb = block(end, 0x0A0D0D0A, struct.pack(end + "IHHq", 0x1A2B3C4D, 1, 0, -1))
    idb = block(end, 1, struct.pack(end + "HHI", lt, 0, 262144) +
                option(end, 9, b"\x09") + option(end, 0, b""))
    out = shb + idb
    if secrets:
        out += block(end, 10, struct.pack(end + "II", 0x544C534B, len(secrets)) + secrets)
    for i, fr in enumerate(frames):
        ts = (1700000000 + i) * 10 ** 9 + i * 1000
        opts = b""
        if comment and i == 0:
            opts = option(end, 1, comment) + option(end, 0, b"")
        body = struct.pack(end + "IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, len(fr), len(fr))
        body += fr + b"\0" * (-len(fr) % 4) + opts
        out += block(end, 6, body)
    return out


def capture_seeds(written):
    d = os.path.join(OUT, "fuzz_capture")
    keylog = b""
    kl = os.path.join(SAMPLES, "https-tls12.keylog")
    if os.path.exists(kl):
        keylog = open(kl, "rb").read()[:2000]
    for name in sorted(os.listdir(SAMPLES)):
        path = os.path.join(SAMPLES, name)
        if name.endswith(".pcapng"):
            data = open(path, "rb").read()
            if len(data) <= 16000:
                make_seeds.write(d, data, written)
            continue
        if not name.endswith(".pcap"):
            continue
        lt, frames = make_seeds.read_pcap(path)
        frames = [f for f in frames[:8] if len(f) <= 1600]
        if not frames:
            continue
        make_seeds.write(d, pcap_file(lt, frames), written)
        if name in ("dns.pcap", "http.pcap", "sll-any.pcap", "https-tls12.pcap", "misc.pcap"):
            make_seeds.write(d, pcap_file(lt, frames, ">"), written)
            make_seeds.write(d, pcap_file(lt, frames, "<", True), written)
            make_seeds.write(d, pcapng_section(lt, frames, "<", b"a comment"), written)
            make_seeds.write(d, pcapng_section(lt, frames, ">"), written)
            make_seeds.write(d, pcapng_section(lt, frames[:3], "<") +
                             pcapng_section(lt, frames[3:], ">", b"second section"), written)
            make_seeds.write(d, gzip.compress(pcap_file(lt, frames), mtime=0), written)
            make_seeds.write(d, gzip.compress(pcapng_section(lt, frames), mtime=0), written)
        if name == "https-tls12.pcap":
            make_seeds.write(d, pcapng_section(lt, frames, "<", None, keylog), written)


def main():
    written = []
    dns_seeds(written)
    http_seeds(written)
    x509_seeds(written)
    capture_seeds(written)
    print("%d seeds, %d bytes" % (len(written), sum(written)), file=sys.stderr)


if __name__ == "__main__":
    main()
