"""Attack capture: one TCP connection whose first data byte never comes,
then N segments of 8 bytes each one byte apart (a one-byte hole between
any two), in increasing order: all wait ahead of the gap, the reassembly
keeps up to its per-direction cap (1,024) of them, and each new one must
be placed among them. A sorted list searched from its start walks all of
them for every segment. With --ordinary the same N segments without the
first gap and the holes (same packets, same bytes; all in order).
Usage: tcp_ooo.py [--ordinary] N OUT.pcap"""
import sys

from floodlib import Pcap, ipv4, tcp

CLIENT = bytes([10, 3, 0, 1])
SERVER = bytes([10, 0, 0, 1])


def option(args, name, default):
    if name in args:
        k = args.index(name)
        v = int(args[k + 1])
        del args[k:k + 2]
        return v
    return default


def main():
    args = sys.argv[1:]
    ordinary = '--ordinary' in args
    args = [a for a in args if a != '--ordinary']
    conns = option(args, '--connections', 1)
    size = option(args, '--size', 8)
    n, out = int(args[0]), args[1]
    cap = Pcap(out)
    data = b'ooo-data' * (size // 8) + b'ooo-data'[:size % 8]
    for c in range(conns):
        client = bytes([10, 3, (c >> 8) & 255, c & 255]) if conns > 1 else CLIENT
        cap.write(ipv4(client, SERVER, 6, tcp(40001, 9999, 1000, 0, 0x02)))
        cap.write(ipv4(SERVER, client, 6, tcp(9999, 40001, 5000, 1001, 0x12)))
        cap.write(ipv4(client, SERVER, 6, tcp(40001, 9999, 1001, 5001, 0x10)))
        for i in range(n):
            seq = 1001 + i * size if ordinary else 1002 + i * (size + 1)
            cap.write(ipv4(client, SERVER, 6, tcp(40001, 9999, seq, 5001, 0x18, data)))
    cap.close()


if __name__ == '__main__':
    main()
