#!/usr/bin/env python3
"""Writes DNS responses over UDP with DNSSEC records (DNSKEY, CDNSKEY,
RRSIG, DS, CDS, NSEC3PARAM, TLSA, SSHFP, CAA) and cut or malformed
variants to a pcap file, one message a frame, for test_tshark_dnssec.sh.
Usage: dnssec_gen.py OUT.pcap"""
import struct
import sys


def name(n):
    if n == b'':
        return b'\0'
    return b''.join(bytes([len(p)]) + p for p in n.split(b'.')) + b'\0'


QNAME = b'zone.example'
Q = name(QNAME) + b'\x00\xff\x00\x01'  # ANY IN; the name at offset 12
PTR = b'\xc0\x0c'


def rr(rtype, rdata, owner=PTR, ttl=3600, rdlen=None):
    if rdlen is None:
        rdlen = len(rdata)
    return owner + struct.pack('!HHIH', rtype, 1, ttl, rdlen) + rdata


def msg(i, answers, extra=b''):
    return struct.pack('!HHHHHH', i, 0x8180, 1, len(answers), 0, 0) + Q + b''.join(answers) + extra


def blob(n, seed):
    return bytes((seed * 31 + k * 7 + (k * k) % 13) & 0xff for k in range(n))


DNSKEY, RRSIG, DS, NSEC3PARAM, CDS, CDNSKEY = 48, 46, 43, 51, 59, 60
TLSA, SSHFP, CAA = 52, 44, 257


def dnskey(flags, proto, alg, key):
    return struct.pack('!HBB', flags, proto, alg) + key


def rrsig(covered, alg, labels, ottl, exp, inc, tag, signer, sig):
    return struct.pack('!HBBIIIH', covered, alg, labels, ottl, exp, inc, tag) + signer + sig


def ds(tag, alg, dt, dig):
    return struct.pack('!HBB', tag, alg, dt) + dig


msgs = []
# DNSKEY / CDNSKEY: algorithms, flags, key lengths
algs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 13, 14, 15, 16, 17, 23, 252, 253, 254, 255, 9, 157]
flags = [0x0101, 0x0100, 0x0181, 0x0000, 0xffff, 0x0001, 0x8000]
ans = []
for n, a in enumerate(algs):
    ans.append(rr(DNSKEY, dnskey(flags[n % len(flags)], 3, a, blob(4 + n * 9, n))))
msgs.append(msg(0x1000, ans[:8]))
msgs.append(msg(0x1001, ans[8:15]))
msgs.append(msg(0x1002, ans[15:]))
msgs.append(msg(0x1003, [rr(CDNSKEY, dnskey(f, p, 8, blob(132, f & 0xff)))
                         for f, p in [(0x0101, 3), (0x0100, 2), (0x0080, 0)]]))
msgs.append(msg(0x1004, [rr(DNSKEY, dnskey(0x0101, 3, 13, blob(64, 5))),
                         rr(DNSKEY, dnskey(0x0100, 3, 1, blob(65, 6))),
                         rr(DNSKEY, dnskey(0x0100, 3, 1, blob(3, 7))),
                         rr(DNSKEY, dnskey(0x0100, 3, 8, b''))]))
# RRSIG
sigs = [
    (1, 8, 2, 60, 0x5d0a1511, 0x5ce27e33, 13179, PTR, blob(256, 1)),
    (48, 10, 2, 3600, 0xffffffff, 0, 36935, name(b'example'), blob(3, 2)),
    (50, 13, 3, 86400, 0x80000000, 0x7fffffff, 0, b'\0', b''),
    (999, 253, 0, 90061, 1, 2, 65535, b'\x03sub' + PTR, blob(64, 3)),
    (0, 0, 255, 0, 0x65000000, 0x64000000, 1, name(b'a.b.c.d'), blob(32, 4)),
    (65, 15, 1, 0xffffffff, 1700000000, 1699990000, 4242, PTR, blob(17, 5)),
    (43, 14, 1, 1, 1700000000, 1699990000, 4243, PTR, blob(96, 6)),
    (257, 5, 2, 7200, 1700000000, 1699990000, 4244, PTR, blob(128, 7)),
]
msgs.append(msg(0x1010, [rr(RRSIG, rrsig(*s)) for s in sigs[:4]]))
msgs.append(msg(0x1011, [rr(RRSIG, rrsig(*s)) for s in sigs[4:]]))
# DS / CDS
dss = [(13179, 8, 1, blob(20, 1)), (36935, 10, 2, blob(32, 2)), (1, 13, 4, blob(48, 3)),
       (2, 14, 3, blob(32, 4)), (3, 15, 99, blob(7, 5)), (4, 8, 0, b''), (5, 5, 2, blob(3, 6))]
msgs.append(msg(0x1020, [rr(DS, ds(*d)) for d in dss]))
msgs.append(msg(0x1021, [rr(CDS, ds(*d)) for d in dss[:4]]))
# NSEC3PARAM
msgs.append(msg(0x1030, [
    rr(NSEC3PARAM, struct.pack('!BBHB', 1, 0, 10, 8) + blob(8, 1)),
    rr(NSEC3PARAM, struct.pack('!BBHB', 1, 1, 0, 0)),
    rr(NSEC3PARAM, struct.pack('!BBHB', 0, 0xff, 65535, 4) + b'\xab\xcd\xef\x01'),
    rr(NSEC3PARAM, struct.pack('!BBHB', 7, 0xfe, 1, 255) + blob(255, 2)),
]))
# TLSA, SSHFP, CAA
msgs.append(msg(0x1040, [
    rr(TLSA, bytes([3, 1, 1]) + blob(32, 1)),
    rr(TLSA, bytes([0, 0, 0]) + blob(40, 2)),
    rr(TLSA, bytes([2, 1, 2]) + blob(64, 3)),
    rr(TLSA, bytes([9, 9, 9]) + blob(1, 4)),
    rr(SSHFP, bytes([1, 1]) + blob(20, 5)),
    rr(SSHFP, bytes([4, 2]) + blob(32, 6)),
    rr(SSHFP, bytes([9, 9]) + blob(5, 7)),
    rr(CAA, b'\x00\x05issueca.example.net'),
    rr(CAA, b'\x80\x09issuewildca.example.net'),
    rr(CAA, b'\x00\x05iodefmailto:security@example.com'),
    rr(CAA, b'\x00\x03tagvalue'),
]))
msgs.append(msg(0x1041, [
    rr(TLSA, bytes([1, 0, 2])),
    rr(SSHFP, bytes([0, 0]) + blob(4, 1)),
    rr(SSHFP, bytes([2, 1]) + blob(20, 2)),
    rr(SSHFP, bytes([3, 2]) + blob(32, 3)),
    rr(SSHFP, bytes([5, 3])),
    rr(SSHFP, bytes([6, 2]) + blob(32, 4)),
    rr(CAA, b'\x00\x05issueca.example.net; account=230123'),
    rr(CAA, b'\x00\x05issue;'),
    rr(CAA, b'\x00\x05issue'),
    rr(CAA, b'\x00\x03issca.example'),
    rr(CAA, b'\x00\x00ca.example'),
    rr(CAA, b'\x01\x05ISSUEx'),
    rr(CAA, b'\x7f\x05iodefhttps://example.com/report'),
    rr(CAA, b'\x00\x08contactemail@example.com'),
    rr(CAA, b'\x00\x05issuea\nb\\c\x01\x7f\xc3\xa9d\x80'),
    rr(CAA, b'\x00\x04t\xc3\xa9gvalue'),
    rr(CAA, b'\x00\x05is\x00uea\x00b'),
    rr(CAA, b'\x00\x05\x00ssueab'),
    rr(CAA, b'\x00\x09issuewildwild.example'),
    rr(CAA, b'\x00\x06issuewx'),
]))
# cut and malformed records, one a message (then an A record after it)
arec = rr(1, b'\x0a\x00\x00\x01')
cuts = [
    rr(DNSKEY, b''), rr(DNSKEY, b'\x01'), rr(DNSKEY, b'\x01\x01'), rr(DNSKEY, b'\x01\x01\x03'),
    rr(DNSKEY, b'\x01\x01\x03\x08'), rr(DNSKEY, b'\x01\x01\x03\x08\x01'),
    rr(RRSIG, b''), rr(RRSIG, rrsig(*sigs[0])[:10]), rr(RRSIG, rrsig(*sigs[0])[:17]),
    rr(RRSIG, rrsig(*sigs[0])[:18]), rr(RRSIG, rrsig(*sigs[1])[:21]),
    rr(RRSIG, rrsig(*sigs[3])[:21]), rr(RRSIG, rrsig(*sigs[3])[:19]),
    rr(DS, b''), rr(DS, b'\x00\x01\x08'), rr(DS, b'\x00\x01\x08\x02'),
    rr(CDS, b'\x00\x01'),
    rr(NSEC3PARAM, b''), rr(NSEC3PARAM, b'\x01\x00\x00\x0a'),
    rr(NSEC3PARAM, b'\x01\x00\x00\x0a\x08\x01\x02'),
    rr(NSEC3PARAM, b'\x01\x00\x00\x0a\x00\x01\x02'),
    rr(TLSA, b'\x03\x01'), rr(SSHFP, b'\x01'), rr(CAA, b'\x00'), rr(CAA, b'\x00\x09iss'),
]
for n, c in enumerate(cuts):
    msgs.append(msg(0x1100 + n, [c, arec]))
# the last record cut by the end of the message
for n, c in enumerate([rr(DNSKEY, dnskey(0x101, 3, 8, blob(40, 1)))[:-10],
                       rr(RRSIG, rrsig(*sigs[0]))[:-100],
                       rr(RRSIG, rrsig(*sigs[1]))[:12 + 20],
                       rr(DS, ds(*dss[1]))[:-5],
                       rr(NSEC3PARAM, struct.pack('!BBHB', 1, 0, 10, 8) + blob(8, 1))[:-3]]):
    msgs.append(msg(0x1200 + n, [c]))

out = open(sys.argv[1], 'wb')
out.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
for n, m in enumerate(msgs):
    udp = struct.pack('!HHHH', 53, 40000 + n, 8 + len(m), 0) + m
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), n, 0, 64, 17, 0,
                     bytes([192, 0, 2, 53]), bytes([192, 0, 2, 1]))
    fr = b'\0' * 6 + b'\x02' * 6 + b'\x08\x00' + ip + udp
    out.write(struct.pack('<IIII', 1600000000 + n, 0, len(fr), len(fr)) + fr)
out.close()
