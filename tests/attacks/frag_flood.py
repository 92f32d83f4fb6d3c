"""Attack capture: N first fragments (offset 0, MF set, 8 bytes of a UDP
header) of N different IPv4 datagrams that never complete, all within one
second of packet time (so none expires: frag_timeout_ms is 30 s). With a
high cap (-o ip.max_frag_datagrams:300000) every one stays in the
reassembly table; a table searched linearly costs O(N) per fragment.
With --ordinary: N unfragmented UDP datagrams of the same size, the
ordinary capture to compare with.
Usage: frag_flood.py [--ordinary] N OUT.pcap"""
import sys

from floodlib import Pcap, ipv4, udp

SERVER = bytes([10, 0, 0, 1])


def main():
    args = sys.argv[1:]
    plain = '--ordinary' in args
    args = [a for a in args if a != '--ordinary']
    n, out = int(args[0]), args[1]
    cap = Pcap(out)
    for i in range(n):
        client = [10, 1 + (i >> 16), (i >> 8) & 255, i & 255]
        dgram = udp(30000, 9999, b'')
        cap.write(ipv4(client, SERVER, 17, dgram, ident=i & 0xFFFF,
                       flags_frag=0x0000 if plain else 0x2000))
    cap.close()


if __name__ == '__main__':
    main()
