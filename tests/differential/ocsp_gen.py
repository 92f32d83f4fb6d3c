#!/usr/bin/env python3
"""OCSP (RFC 6960) requests and responses, DER written by hand, for
test_tshark_ocsp.sh: carried as HTTP/1.1 bodies (application/ocsp-request
and application/ocsp-response, one TCP connection each) and stapled in
TLS: a TLS 1.2 handshake whose CertificateStatus messages hold an OCSP
response (status type ocsp) and a list of them (ocsp_multi, RFC 6961),
and a TLS 1.3 Certificate message (sent in the clear) whose entry carries
the status_request extension. Cut and malformed variants are included.
Usage: ocsp_gen.py OUT.pcap [CERT.pem]"""
import base64
import struct
import sys

sys.path.insert(0, __import__('os').path.dirname(__file__))
from tcppcap import Writer  # noqa: E402


# ---- DER ----------------------------------------------------------------
def tlv(tag, content):
    n = len(content)
    if n < 0x80:
        ln = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, 'big')
        ln = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + ln + content


def seq(*items):
    return tlv(0x30, b''.join(items))


def set_(*items):
    return tlv(0x31, b''.join(items))


def oid(dotted):
    arcs = [int(a) for a in dotted.split('.')]
    out = bytes([arcs[0] * 40 + arcs[1]])
    for a in arcs[2:]:
        enc = [a & 0x7f]
        a >>= 7
        while a:
            enc.append(0x80 | (a & 0x7f))
            a >>= 7
        out += bytes(reversed(enc))
    return tlv(0x06, out)


def integer(n):
    return tlv(0x02, n.to_bytes(max(1, (n.bit_length() + 8) // 8), 'big', signed=True))


def enum(n):
    return tlv(0x0a, bytes([n]))


def octets(b):
    return tlv(0x04, b)


def bits(b, unused=0):
    return tlv(0x03, bytes([unused]) + b)


def gentime(s):
    return tlv(0x18, s.encode())


def ctx(n, content, constructed=True):
    return tlv((0xa0 if constructed else 0x80) | n, content)


NULL = b'\x05\x00'


def utf8(s):
    return tlv(0x0c, s.encode())


def printable(s):
    return tlv(0x13, s.encode())


def ia5(s):
    return tlv(0x16, s.encode())


def blob(n, seed):
    return bytes((seed * 37 + k * 11 + (k * k) % 17) & 0xff for k in range(n))


def name(*rdns):
    """rdns: (oid, DER value) pairs, one RDN each"""
    return seq(*[set_(seq(oid(o), v)) for o, v in rdns])


CN, O, C = '2.5.4.3', '2.5.4.10', '2.5.4.6'
SHA1, SHA256 = '1.3.14.3.2.26', '2.16.840.1.101.3.4.2.1'
SHA256RSA, ECDSA256 = '1.2.840.113549.1.1.11', '1.2.840.10045.4.3.2'
BASIC = '1.3.6.1.5.5.7.48.1.1'
NONCE, CRLID, ACCEPT = '1.3.6.1.5.5.7.48.1.2', '1.3.6.1.5.5.7.48.1.3', '1.3.6.1.5.5.7.48.1.4'
NOCHECK, CUTOFF, LOCATOR = '1.3.6.1.5.5.7.48.1.5', '1.3.6.1.5.5.7.48.1.6', '1.3.6.1.5.5.7.48.1.7'

RESPONDER = name((C, printable('US')), (O, utf8('Example Trust')), (CN, utf8('Example OCSP Responder')))


def alg(o, params=None):
    return seq(oid(o)) if params is None else seq(oid(o), params)


def certid(i, hash_alg=SHA1, serial=None):
    hl = 20 if hash_alg == SHA1 else 32
    return seq(alg(hash_alg, NULL if i % 2 else None), octets(blob(hl, i)), octets(blob(hl, i + 50)),
               integer(serial if serial is not None else 0x1000 + i * 0x3579bd))


def ext(o, value, critical=False):
    return seq(oid(o), tlv(0x01, b'\xff') if critical else b'', octets(value))


def single(i, status, this='20240301120000Z', nxt='20240308120000Z', exts=None, **kw):
    s = certid(i, **kw) + status + gentime(this)
    if nxt:
        s += ctx(0, gentime(nxt))
    if exts is not None:
        s += ctx(1, seq(*exts))
    return seq(s)


GOOD = tlv(0x80, b'')
UNKNOWN = tlv(0x82, b'')


def revoked(when, reason=None):
    return ctx(1, gentime(when) + (ctx(0, enum(reason)) if reason is not None else b''))


def basic(responder, produced, singles, rexts=None, version=False, certs=(), sigalg=SHA256RSA,
          siglen=64):
    tbs = b''
    if version:
        tbs += ctx(0, integer(0))
    tbs += responder + gentime(produced) + seq(*singles)
    if rexts is not None:
        tbs += ctx(1, seq(*rexts))
    out = seq(tbs) + alg(sigalg, NULL if sigalg == SHA256RSA else None) + bits(blob(siglen, 9))
    if certs:
        out += ctx(0, seq(*certs))
    return seq(out)


def response(status, rtype=BASIC, body=None):
    if body is None:
        return seq(enum(status))
    return seq(enum(status), ctx(0, seq(oid(rtype), octets(body))))


BY_KEY = ctx(2, octets(blob(20, 3)))
BY_NAME = ctx(1, RESPONDER)


def responses(cert):
    r = []
    # 1: good, by key, one SingleResponse
    r.append(response(0, body=basic(BY_KEY, '20240301120501Z', [single(1, GOOD)])))
    # 2: by name, three SingleResponses (good, revoked with a reason,
    # unknown), the version, a nonce and a responder certificate
    r.append(response(0, body=basic(
        BY_NAME, '20240302000000Z',
        [single(2, GOOD, exts=[]), single(3, revoked('20231224235959Z', 1)),
         single(4, UNKNOWN, nxt=None, hash_alg=SHA256),
         single(5, revoked('20220101000000Z'), exts=[ext(CRLID, seq(ctx(0, ia5('http://crl.example/a.crl')), ctx(1, integer(42)), ctx(2, gentime('20240101000000Z'))))])],
        rexts=[ext(NONCE, octets(blob(16, 7)))], version=True, certs=[cert] if cert else [])))
    # 3-5: no responseBytes: tryLater, unauthorized, malformedRequest
    r += [response(3), response(6), response(1)]
    # 6: every revocation reason, fractional seconds, an ECDSA signature
    reasons = [0, 2, 3, 4, 5, 6, 8, 9, 10]
    r.append(response(0, body=basic(
        BY_KEY, '20240301120000.25Z',
        [single(10 + k, revoked('20230601000000.5Z', reason)) for k, reason in enumerate(reasons)],
        sigalg=ECDSA256, siglen=70)))
    # 7: an unknown response type (its bytes shown as they are)
    r.append(response(0, rtype='1.3.6.1.5.5.7.48.1.99', body=b'\x30\x03\x02\x01\x05'))
    # 8: response extensions: archive cutoff, a critical nonce, the
    # extended revoke and nocheck definitions
    r.append(response(0, body=basic(
        BY_NAME, '20240303030303Z', [single(20, GOOD, nxt=None)],
        rexts=[ext(CUTOFF, gentime('20200101000000Z')), ext(NONCE, octets(b'\x01\x02\x03'), True),
               ext(NOCHECK, NULL)])))
    return r


def requests(cert):
    q = []
    # 1: one request, as browsers send it
    q.append(seq(seq(seq(seq(certid(1))))))
    # 2: version, requestorName, two requests (one with an extension),
    # request extensions (nonce, acceptable responses, service locator)
    # and a signature with a certificate
    tbs = (ctx(0, integer(0)) + ctx(1, ctx(4, RESPONDER)) +
           seq(seq(certid(2)), seq(certid(3, hash_alg=SHA256), ctx(0, seq(ext(NONCE, octets(blob(8, 1))))))) +
           ctx(2, seq(ext(NONCE, octets(blob(16, 2))), ext(ACCEPT, seq(oid(BASIC))),
                      ext(LOCATOR, seq(RESPONDER, seq(seq(oid('1.3.6.1.5.5.7.48.1'), ctx(6, b'http://ocsp.example/', False))))))))
    sig = alg(SHA256RSA, NULL) + bits(blob(32, 5))
    if cert:
        sig += ctx(0, seq(cert))
    q.append(seq(seq(tbs), ctx(0, seq(sig))))
    # 3: a requestorName that is a dNSName
    q.append(seq(seq(ctx(1, tlv(0x82, b'client.example')), seq(seq(certid(5))))))
    return q


def malformed(good_resp, good_req, cert_at):
    """(kind, body, class) triples: class 'cut' when the DER runs out
    before the responder's certificate (the tree compared with tshark's),
    'bad' otherwise (tshark's BER shows a certificate cut short and its
    BER errors its own way: only the columns compared)"""
    out = []
    for cut in (1, 2, 5, 9, 20, 60, 130, cert_at - 1, len(good_resp) // 2, len(good_resp) - 1):
        out.append(('ocsp-response', good_resp[:cut], 'cut' if cut < cert_at else 'bad'))
    for cut in (3, 9, 100, 120, 200):
        out.append(('ocsp-request', good_req[:cut], 'cut'))
    out.append(('ocsp-request', good_req[:len(good_req) - 1], 'bad'))
    bad = [b'\x31\x03\x0a\x01\x00',  # a SET, not a SEQUENCE
           b'\x30\x84\xff\xff\xff\xff\x0a\x01\x00',  # an absurd length
           b'\x30\x03\x0a\x01\x00trailing',  # bytes after it
           seq(enum(0), ctx(0, seq(oid(BASIC), octets(b'\x30\x05\x02\x01')))),
           seq(integer(0)),  # an INTEGER for the ENUMERATED
           # a CertStatus tag none of the three, a GeneralizedTime too short
           seq(enum(0), ctx(0, seq(oid(BASIC), octets(seq(seq(BY_KEY, gentime('2024'),
                                                              seq(single(1, tlv(0x83, b''))))))))),
           seq(enum(0), ctx(0, seq(oid(BASIC), octets(seq(seq(BY_KEY, gentime('20240101000000Z'),
                                                              seq(single(1, tlv(0x83, b''))))))))),
           ]
    out += [('ocsp-response', b, 'bad') for b in bad]
    deep = b'\x30\x00'
    for _ in range(200):
        deep = seq(deep)
    out.append(('ocsp-response', deep, 'bad'))
    out.append(('ocsp-request', seq(seq(seq(seq(seq(alg(SHA1), octets(b'')))))), 'bad'))
    return out


# ---- TLS ------------------------------------------------------------------
def hs(t, body):
    return bytes([t]) + len(body).to_bytes(3, 'big') + body


def record(body, ct=22, ver=0x0303):
    return struct.pack('!BHH', ct, ver, len(body)) + body


def v24(b):
    return len(b).to_bytes(3, 'big') + b


def tls_conn(pkt, cp, cert, resps, tls13=False):
    c, s = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
    seqc, seqs = 1000, 5000
    pkt(c, s, cp, 443, seqc, 0, 0x02)
    pkt(s, c, 443, cp, seqs, seqc + 1, 0x12)
    seqc, seqs = seqc + 1, seqs + 1
    pkt(c, s, cp, 443, seqc, seqs, 0x10)
    exts = struct.pack('!HH', 5, 5) + b'\x01\x00\x00\x00\x00'  # status_request
    if tls13:
        exts += struct.pack('!HHB', 43, 3, 2) + b'\x03\x04'
    ch = (b'\x03\x03' + bytes(32) + b'\x00' + b'\x00\x02\xc0\x2f' + b'\x01\x00' +
          struct.pack('!H', len(exts)) + exts)
    data = record(hs(1, ch), ver=0x0301)
    pkt(c, s, cp, 443, seqc, seqs, 0x18, data)
    seqc += len(data)
    if tls13:
        sexts = struct.pack('!HH', 43, 2) + b'\x03\x04'
        sh = b'\x03\x03' + bytes(32) + b'\x00' + b'\x13\x01' + b'\x00' + struct.pack('!H', len(sexts)) + sexts
    else:
        sexts = struct.pack('!HH', 5, 0)
        sh = b'\x03\x03' + bytes(32) + b'\x00' + b'\xc0\x2f' + b'\x00' + struct.pack('!H', len(sexts)) + sexts
    msgs = [record(hs(2, sh))]
    if tls13:
        # CertificateEntry: the certificate, then its extensions: status_request
        # (type ocsp, the response)
        st = b'\x01' + v24(resps[0])
        eext = struct.pack('!HH', 5, len(st)) + st
        entry = v24(cert) + struct.pack('!H', len(eext)) + eext
        msgs.append(record(hs(11, b'\x00' + v24(entry))))
    else:
        msgs.append(record(hs(11, v24(v24(cert)))))
        msgs.append(record(hs(22, b'\x01' + v24(resps[0]))))
        lst = b''.join(v24(r) for r in resps[1:])
        msgs.append(record(hs(22, b'\x02' + v24(lst))))
        msgs.append(record(hs(22, b'\x01' + v24(resps[0][:40]))))  # cut short inside
        msgs.append(record(hs(14, b'')))
    for m in msgs:
        pkt(s, c, 443, cp, seqs, seqc, 0x18, m)
        seqs += len(m)


def main():
    out = sys.argv[1]
    cert = b''
    if len(sys.argv) > 2:
        pem = open(sys.argv[2]).read().split('-----')[2]
        cert = base64.b64decode(pem)
    w = Writer(out)
    pkt = w.pkt
    c, s = bytes([127, 0, 0, 1]), bytes([127, 0, 0, 2])
    resp = responses(cert)
    reqs = requests(cert)
    bodies = [('ocsp-request', b, 'ok') for b in reqs] + [('ocsp-response', b, 'ok') for b in resp]
    cert_at = resp[1].find(cert) if cert else len(resp[1])
    bodies += malformed(resp[1], reqs[1], cert_at)
    for i, (kind, body, cls) in enumerate(bodies):
        # frame number, class (ok: well-formed; cut; bad), what it is
        print(5 * i + (4 if kind == 'ocsp-request' else 5), cls, kind)
        cp = 40000 + i
        ct = b'Content-Type: application/' + kind.encode() + b'\r\n'
        if kind == 'ocsp-request':
            req = (b'POST /ocsp HTTP/1.1\r\nHost: ocsp.example\r\n' + ct +
                   b'Content-Length: %d\r\n\r\n' % len(body) + body)
            rsp = b'HTTP/1.1 204 No Content\r\n\r\n'
        else:
            req = b'GET /ocsp/MFQw HTTP/1.1\r\nHost: ocsp.example\r\n\r\n'
            rsp = (b'HTTP/1.1 200 OK\r\n' + ct + b'Content-Length: %d\r\n\r\n' % len(body) + body)
        pkt(c, s, cp, 80, 1000, 0, 0x02)
        pkt(s, c, 80, cp, 5000, 1001, 0x12)
        pkt(c, s, cp, 80, 1001, 5001, 0x10)
        pkt(c, s, cp, 80, 1001, 5001, 0x18, req)
        pkt(s, c, 80, cp, 5001, 1001 + len(req), 0x18, rsp)
    if cert:
        first = 5 * len(bodies) + 1
        tls_conn(pkt, 50000, cert, [resp[0], resp[1], resp[5]])
        # the CertificateStatus messages (the last one cut short inside)
        for k in (6, 7, 8):
            print(first + k, 'tls', 'certificate-status')
        tls_conn(pkt, 50001, cert, [resp[1]], tls13=True)


if __name__ == '__main__':
    main()
