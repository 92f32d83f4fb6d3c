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



def stun_seeds(written):
    """fuzz_packet seeds of STUN and TURN over UDP port 3478 (raw IPv4, link
    type selector 4: LINKTYPE_RAW): every attribute stun.c names, both
    address families, the classic RFC 3489 form, Microsoft's and Google's
    attributes, ChannelData, an unknown attribute, odd lengths padded."""
    import zlib

    cookie = b"\x21\x12\xa4\x42"

    def attr(t, v):
        return struct.pack(">HH", t, len(v)) + v + b"\0" * (-len(v) % 4)

    def addr(fam, port, ip, xor=False, tid=b""):
        if xor:
            port ^= 0x2112
            key = cookie + tid
            ip = bytes(a ^ b for a, b in zip(ip, key))
        return bytes([0, fam]) + struct.pack(">H", port) + ip

    def msg(mtype, tid, attrs, classic=False, fp=False):
        body = b"".join(attrs)
        head = cookie + tid if not classic else tid + b"\x00" * 4
        m = struct.pack(">HH", mtype, len(body) + (8 if fp else 0)) + head + body
        if fp:
            m += attr(0x8028, struct.pack(">I", (zlib.crc32(m) ^ 0x5354554e) & 0xffffffff))
        return m

    def frame(payload, sport=50000, dport=3478):
        udp = struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload
        ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                         bytes([192, 0, 2, 1]), bytes([198, 51, 100, 7]))
        return struct.pack(">H", len(ip) + len(udp)) + ip + udp

    t1, t2, t3 = bytes(range(12)), bytes(range(12, 24)), bytes(range(24, 36))
    v4, v6 = bytes([203, 0, 113, 9]), bytes([0x20, 1, 0x0d, 0xb8] + [0] * 11 + [7])
    req = msg(0x0001, t1, [attr(0x0006, b"alice:bob"), attr(0x0024, b"\x6e\x00\x1e\xff"),
                           attr(0x802a, bytes(8)), attr(0x0008, bytes(20))], fp=True)
    ok = msg(0x0101, t1, [attr(0x0020, addr(1, 5678, v4, True, t1)),
                          attr(0x0020, addr(2, 443, v6, True, t1)),
                          attr(0x0001, addr(1, 5678, v4)), attr(0x0001, addr(2, 5678, v6)),
                          attr(0x802b, addr(1, 3478, v4)), attr(0x802c, addr(1, 3479, v4)),
                          attr(0x8022, b"libdissect seed"), attr(0x8029, bytes(8))], fp=True)
    alloc = msg(0x0003, t2, [attr(0x0019, b"\x11\0\0\0"), attr(0x000d, b"\0\0\x02\x58"),
                             attr(0x0014, b"example.test"), attr(0x0015, b"n0nce"),
                             attr(0x0006, b"user")])
    err = msg(0x0113, t2, [attr(0x0009, b"\0\0\x04\x01Unauthorized"),
                           attr(0x000a, b"\x00\x22\x80\x55\x12\x34"),
                           attr(0x0014, b"example.test"), attr(0x0015, b"n0nce2")])
    allocated = msg(0x0103, t2, [attr(0x0016, addr(1, 49152, v4, True, t2)),
                                 attr(0x0016, addr(2, 49153, v6, True, t2)),
                                 attr(0x0020, addr(1, 5678, v4, True, t2)),
                                 attr(0x000d, b"\0\0\x02\x58")])
    bind = msg(0x0009, t3, [attr(0x000c, b"\x40\x00\0\0"),
                            attr(0x0012, addr(1, 6000, v4, True, t3)),
                            attr(0x0012, addr(2, 6000, v6, True, t3))])
    send = msg(0x0016, t3, [attr(0x0012, addr(1, 6000, v4, True, t3)),
                            attr(0x0013, b"hello, peer")])
    chan = b"\x40\x00\x00\x05hello\0\0\0"
    classic_req = msg(0x0001, t1[:12] + t1[:4], [attr(0x0003, b"\0\0\0\x06"),
                                                 attr(0x0002, addr(1, 3478, v4))], classic=True)
    classic_ok = msg(0x0101, t1[:12] + t1[:4], [attr(0x0004, addr(1, 3478, v4)),
                                                attr(0x0005, addr(1, 3479, v4)),
                                                attr(0x000b, addr(1, 5000, v4)),
                                                attr(0x0007, b"secret"),
                                                attr(0x0011, addr(1, 80, v4)),
                                                attr(0x0010, b"\0\0\x01\0")], classic=True)
    ms = msg(0x0101, t2, [attr(0x8008, b"\0\0\0\x02"), attr(0x8020, addr(1, 7000, v4, True, t2)),
                          attr(0x8090, addr(1, 7001, v4)), attr(0x8070, b"\0\0\0\x03"),
                          attr(0x8054, b"\x01\x02\x03\x04"), attr(0xc057, b"\0\x01\0\x02"),
                          attr(0x0027, addr(1, 80, v4, True, t2)),
                          attr(0x0028, addr(2, 80, v6, True, t2)),
                          attr(0x8023, addr(1, 3478, v4)), attr(0x000f, cookie),
                          attr(0x7777, b"odd"), attr(0x0006, b"\xff\xfe bad utf-8")])
    short = msg(0x0101, t1, [attr(0x0020, b"\0\x01\x12"), attr(0x0009, b"\0"),
                             attr(0x0001, b"\0\x09\0\x50" + v4)])
    msgs = [req, ok, alloc, err, allocated, bind, send, chan, classic_req, classic_ok, ms, short]
    d = os.path.join(OUT, "fuzz_packet")
    whole = bytes([4, 0])
    for i, m in enumerate(msgs):
        back = i % 2 == 1 and m is not chan
        f = frame(m, 3478, 50000) if back else frame(m)
        whole += f
        make_seeds.write(d, bytes([4, (i % 8) << 5]) + f, written)
    make_seeds.write(d, whole, written)
    # on another port: found by the heuristic
    make_seeds.write(d, bytes([4, 0]) + frame(req, 50000, 19302) + frame(ok, 19302, 50000), written)


def mail_seeds(written):
    """fuzz_stream seeds of SMTP (port selector 8: 25) and POP3 (9: 110):
    a session with EHLO, AUTH LOGIN and PLAIN, MAIL, RCPT, DATA whose
    message has headers folded and encoded, a multipart/mixed MIME body
    (text, base64 attachment, a nested message/rfc822), BDAT chunks,
    STARTTLS; a POP3 session with USER/PASS, LIST, RETR of the same message
    and a multi-line reply cut in the middle."""
    body = (b"From: Alice <alice@example.test>\r\nTo: bob@example.test\r\n"
            b"Subject: =?utf-8?B?aMOpbGxv?=\r\n  folded\r\nDate: Mon, 7 Dec 2026 10:00:00 +0000\r\n"
            b"Message-ID: <1@example.test>\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\npreamble\r\n"
            b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: "
            b"quoted-printable\r\n\r\nh=C3=A9llo =\r\nworld\r\n"
            b"--b1\r\nContent-Type: application/octet-stream; name=a.bin\r\n"
            b"Content-Disposition: attachment; filename=a.bin\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.b64encode(bytes(range(96))) +
            b"\r\n--b1\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\nhi\r\n"
            b"--b1--\r\nepilogue\r\n")
    smtp = [(1, b"220 mail.example.test ESMTP\r\n"), (0, b"EHLO client.example.test\r\n"),
            (1, b"250-mail.example.test\r\n250-AUTH LOGIN PLAIN\r\n250-CHUNKING\r\n250 STARTTLS\r\n"),
            (0, b"AUTH LOGIN\r\n"), (1, b"334 VXNlcm5hbWU6\r\n"), (0, b"YWxpY2U=\r\n"),
            (1, b"334 UGFzc3dvcmQ6\r\n"), (0, b"c2VjcmV0\r\n"), (1, b"235 2.7.0 ok\r\n"),
            (0, b"AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n"), (1, b"503 already\r\n"),
            (0, b"MAIL FROM:<alice@example.test>\r\n"), (1, b"250 ok\r\n"),
            (0, b"RCPT TO:<bob@example.test>\r\n"), (1, b"250 ok\r\n"), (0, b"DATA\r\n"),
            (1, b"354 go\r\n"), (0, body[:200]), (0, body[200:] + b"\r\n.\r\n"),
            (1, b"250 queued\r\n"), (0, b"BDAT 20\r\nSubject: chunk\r\n\r\nhi"),
            (0, b"BDAT 0 LAST\r\n"), (1, b"250 ok\r\n"), (0, b"STARTTLS\r\n"),
            (1, b"220 go ahead\r\n"), (0, b"\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00")]
    pop = [(1, b"+OK POP3 ready\r\n"), (0, b"USER alice\r\n"), (1, b"+OK\r\n"),
           (0, b"PASS secret\r\n"), (1, b"+OK 1 message\r\n"), (0, b"LIST\r\n"),
           (1, b"+OK\r\n1 %d\r\n.\r\n" % len(body)), (0, b"RETR 1\r\n"),
           (1, b"+OK message follows\r\n" + body[:300]), (1, body[300:] + b".\r\n"),
           (0, b"TOP 1 0\r\n"), (1, b"+OK\r\nSubject: x\r\n"), (0, b"QUIT\r\n"),
           (1, b"+OK bye\r\n")]
    d = os.path.join(OUT, "fuzz_stream")
    make_seeds.write(d, make_seeds.stream_blob(8, smtp), written)
    make_seeds.write(d, make_seeds.stream_blob(9, pop), written)
    # single-part messages: a base64 text body with a sender and a group,
    # an XML body, many header fields
    plain = (b"Sender: Carol <carol@example.test>\r\nReply-To: team: a@example.test, "
             b"b@example.test;\r\nCc: undisclosed-recipients:;\r\nContent-Type: text/plain\r\n"
             b"Content-Transfer-Encoding: base64\r\n\r\n" +
             base64.b64encode(b"line one\r\nline two\r\n") + b"\r\n")
    xml = b"Content-Type: application/xml\r\n\r\n<?xml version=\"1.0\"?><a><b>x</b></a>\r\n"
    many = b"".join(b"X-H%d: v\r\n" % i for i in range(300)) + b"\r\nbody\r\n"
    msgs = []
    for m in (plain, xml, many):
        msgs += [(0, b"MAIL FROM:<c@example.test>\r\n"), (1, b"250 ok\r\n"),
                 (0, b"RCPT TO:<d@example.test>\r\n"), (1, b"250 ok\r\n"), (0, b"DATA\r\n"),
                 (1, b"354 go\r\n"), (0, m + b".\r\n"), (1, b"250 ok\r\n")]
    make_seeds.write(d, make_seeds.stream_blob(8, smtp[:3] + msgs), written)
    # one byte a segment for the first lines (line reassembly)
    fine = [(dr, p[i:i + 1]) for dr, p in smtp[:4] for i in range(len(p))]
    make_seeds.write(d, make_seeds.stream_blob(8, fine + smtp[4:]), written)

def main():
    written = []
    dns_seeds(written)
    http_seeds(written)
    x509_seeds(written)
    capture_seeds(written)
    stun_seeds(written)
    mail_seeds(written)
    print("%d seeds, %d bytes" % (len(written), sum(written)), file=sys.stderr)


if __name__ == "__main__":
    main()
