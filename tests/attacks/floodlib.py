"""Shared pieces of the hash-flooding attack generators (syn_flood.py,
dns_flood.py, frag_flood.py): a pcap writer, Ethernet/IPv4/TCP/UDP
builders, and the hash the flow and DNS tables of libdissect used before
they were keyed (32-bit FNV-1a, core/flow.c and proto/dns.c up to commit
ee65774), which the generators make collide."""
import struct

FNV_OFFSET = 2166136261
FNV_PRIME = 16777619
M32 = 0xFFFFFFFF
FNV_PRIME_INV = pow(FNV_PRIME, -1, 1 << 32)


def fnv(h, data):
    for b in data:
        h = ((h ^ b) * FNV_PRIME) & M32
    return h


class Pcap:
    """A classic pcap file (Ethernet), one microsecond between packets."""

    def __init__(self, path):
        self.f = open(path, 'wb')
        self.f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        self.t = 0

    def write(self, pkt):
        self.t += 1
        self.f.write(struct.pack('<IIII', 1000 + self.t // 1000000, self.t % 1000000,
                                 len(pkt), len(pkt)) + pkt)

    def close(self):
        self.f.close()


def ipv4(src, dst, proto, payload, ident=0, flags_frag=0x4000):
    hdr = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), ident, flags_frag, 64, proto,
                      0, bytes(src), bytes(dst))
    return b'\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00\x01\x08\x00' + hdr + payload


def tcp(sport, dport, seq, ack, flags, payload=b''):
    return struct.pack('!HHIIBBHHH', sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload


def udp(sport, dport, payload):
    return struct.pack('!HHHH', sport, dport, 8 + len(payload), 0) + payload
