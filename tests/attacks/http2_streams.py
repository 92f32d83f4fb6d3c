"""Attack capture: one HTTP/2 connection (cleartext, prior knowledge) whose
client sends N HEADERS frames (a one-byte header block, :method GET, END_HEADERS
and END_STREAM), each on a new stream: every frame looks up a stream that is
not tracked and makes it, evicting the least recently used one once the
connection's table is full. With --ordinary the same frames cycle over 8
streams (same bytes, same header decoding). A table searched linearly pays
its whole size on every frame of the attack. With --connections C, C such
connections one after the other, N frames each (memory: a table of 128
streams per connection).
Usage: http2_streams.py [--ordinary] [--connections C] N OUT.pcap"""
import struct
import sys

from floodlib import Pcap, ipv4, tcp

CLIENT = bytes([10, 2, 0, 1])
SERVER = bytes([10, 0, 0, 1])
PREFACE = b'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'
FRAMES_PER_SEGMENT = 140


def frame(ftype, flags, sid, payload):
    return struct.pack('!I', len(payload))[1:] + bytes([ftype, flags]) + struct.pack(
        '!I', sid) + payload


def connection(cap, client, cport, n, ordinary):
    cap.write(ipv4(client, SERVER, 6, tcp(cport, 80, 1000, 0, 0x02)))
    cap.write(ipv4(SERVER, client, 6, tcp(80, cport, 5000, 1001, 0x12)))
    cap.write(ipv4(client, SERVER, 6, tcp(cport, 80, 1001, 5001, 0x10)))
    seq = 1001
    first = PREFACE + frame(4, 0, 0, b'')
    cap.write(ipv4(client, SERVER, 6, tcp(cport, 80, seq, 5001, 0x18, first)))
    seq += len(first)
    i = 0
    while i < n:
        k = min(FRAMES_PER_SEGMENT, n - i)
        seg = b''.join(
            frame(1, 0x05, 2 * ((i + j) % 8 if ordinary else i + j) + 1, b'\x82')
            for j in range(k))
        cap.write(ipv4(client, SERVER, 6, tcp(cport, 80, seq, 5001, 0x18, seg)))
        seq += len(seg)
        i += k


def main():
    args = sys.argv[1:]
    ordinary = '--ordinary' in args
    args = [a for a in args if a != '--ordinary']
    conns = 1
    if '--connections' in args:
        k = args.index('--connections')
        conns = int(args[k + 1])
        del args[k:k + 2]
    n, out = int(args[0]), args[1]
    cap = Pcap(out)
    for c in range(conns):
        client = bytes([10, 2, (c >> 8) & 255, c & 255]) if conns > 1 else CLIENT
        connection(cap, client, 40000 + (c >> 16), n, ordinary)
    cap.close()


if __name__ == '__main__':
    main()
