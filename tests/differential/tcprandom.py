"""Random HTTP/1.1 and TLS connections over TCP with lost, late and
reordered segments, for test_tshark_tcp_random.sh: a pcap per seed and kind
(Python's random.Random(seed), so the same seed always gives the same file).

Each file holds three connections: a GET, then the response (Content-Length
or chunked, 1 to 200 lines of body) cut into segments of 300, 536, 1000 or
1448 bytes, up to three of which are moved one to four places later (a
segment arriving late: out of order, or a fast retransmission when
duplicate ACKs came just before it), with duplicate ACKs sprinkled in; then
FIN/FIN. Half of the files space the packets 1 ms apart (so a late
segment after two duplicate ACKs is a Fast Retransmission), half 1 s.

The tls kind does the same on port 443 with a client record, then 1 to 8
TLS 1.2 Application Data records of 20 to 16,000 random bytes from the
server (no handshake: the records' own version names them).

The dns kind: DNS over TCP on port 53, 1 to 4 queries in one segment, then
their responses (1 to 30 A records each, each with its two-byte length)
cut into segments of 50, 100, 300 or 536 bytes, moved as above. A response
whose start was lost is read from wherever the stream picks up again, so
random bytes become DNS messages that run out early.

Usage: python3 tcprandom.py OUT.pcap SEED [http|tls|dns]"""
import random
import struct
import sys

from tcppcap import Writer


def response(rnd, i):
    kind = rnd.choice(['cl', 'cl', 'chunked'])
    body = b''.join(b'line %04d of body %d.....\n' % (j, i) for j in range(rnd.randint(1, 200)))
    if kind == 'chunked':
        chunks, pos = b'', 0
        while pos < len(body):
            part = body[pos:pos + rnd.randint(1, 900)]
            chunks += b'%x\r\n' % len(part) + part + b'\r\n'
            pos += len(part)
        return (b'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n'
                + chunks + b'0\r\n\r\n')
    return (b'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n'
            % len(body) + body)


def dns_name(n):
    return b''.join(bytes([len(p)]) + p for p in n.split(b'.')) + b'\0'


def dns_message(rnd, qid, resp, i):
    """A query for host<i>.example.com, or its response (random A records),
    with the two-byte length of DNS over TCP in front."""
    q = dns_name(b'host%d.example.com' % i) + struct.pack('!HH', 1, 1)
    if not resp:
        m = struct.pack('!HHHHHH', qid, 0x0100, 1, 0, 0, 0) + q
    else:
        na = rnd.randint(1, 30)
        ans = b''.join(b'\xc0\x0c' + struct.pack('!HHIH', 1, 1, 300, 4) +
                       bytes([10, 0, j // 256, j % 256]) for j in range(na))
        m = struct.pack('!HHHHHH', qid, 0x8180, 1, na, 0, 0) + q + ans
    return struct.pack('!H', len(m)) + m


def tls_records(rnd):
    data = b''
    for _ in range(rnd.randint(1, 8)):
        n = rnd.choice([20, 100, 1000, 3000, 16000])
        data += (b'\x17\x03\x03' + n.to_bytes(2, 'big') +
                 bytes(rnd.randrange(256) for _ in range(n)))
    return data


def main(path, seed, kind='http'):
    rnd = random.Random(seed)
    fast = rnd.random() < 0.5
    w = Writer(path, 1000 if fast else 1000000)
    c, s = bytes([127, 0, 0, 1]), bytes([127, 0, 0, 2])
    sp = {'tls': 443, 'dns': 53}.get(kind, 80)
    for ci in range(3):
        port = 40000 + ci
        w.pkt(c, s, port, sp, 1000, 0, 0x02)
        w.pkt(s, c, sp, port, 5000, 1001, 0x12)
        w.pkt(c, s, port, sp, 1001, 5001, 0x10)
        if kind == 'dns':
            nq = rnd.randint(1, 4)
            req = b''.join(dns_message(rnd, 100 + i, False, i) for i in range(nq))
        elif kind == 'tls':
            req = b'\x17\x03\x03\x00\x20' + bytes(rnd.randrange(256) for _ in range(32))
        else:
            req = b'GET /a HTTP/1.1\r\nHost: x\r\n\r\n'
        w.pkt(c, s, port, sp, 1001, 5001, 0x18, req)
        cseq = 1001 + len(req)
        if kind == 'dns':
            data = b''.join(dns_message(rnd, 100 + i, True, i) for i in range(nq))
            mss = rnd.choice([50, 100, 300, 536])
        else:
            data = tls_records(rnd) if kind == 'tls' else response(rnd, 0)
            mss = rnd.choice([300, 536, 1000, 1448])
        segs = [(5001 + pos, data[pos:pos + mss]) for pos in range(0, len(data), mss)]
        order = list(range(len(segs)))
        for _ in range(rnd.randint(0, 3)):
            if len(order) < 2:
                break
            i = rnd.randrange(len(order))
            j = min(len(order) - 1, i + rnd.randint(1, 4))
            order.insert(j, order.pop(i))
        acked = 0
        for idx, k in enumerate(order):
            if rnd.random() < 0.3:
                for _ in range(rnd.randint(1, 3)):
                    w.pkt(c, s, port, sp, cseq, segs[min(acked, len(segs) - 1)][0], 0x10)
            w.pkt(s, c, sp, port, segs[k][0], cseq, 0x18, segs[k][1])
            while acked < len(segs) and acked in order[:idx + 1]:
                acked += 1
        end = 5001 + len(data)
        w.pkt(c, s, port, sp, cseq, end, 0x10)
        w.pkt(s, c, sp, port, end, cseq, 0x11)
        w.pkt(c, s, port, sp, cseq, end + 1, 0x11)


if __name__ == '__main__':
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else 'http')
