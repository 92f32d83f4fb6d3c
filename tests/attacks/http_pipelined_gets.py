"""Attack capture: N TCP connections to port 80, each a handshake and then
K pipelined GET requests with URIs of about 1,000 bytes, never answered.
HTTP remembers each request (to match its response) with its full URI: a
dissector that keeps these outside the session's byte budget grows by
N x K x 1 KB. Usage: http_pipelined_gets.py N K OUT.pcap"""
import sys

from floodlib import Pcap, ipv4, tcp

SERVER = bytes([10, 0, 0, 1])


def main():
    n, k, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    cap = Pcap(out)
    for i in range(n):
        client = bytes([10, 1 + (i >> 16) % 250, (i >> 8) & 255, i & 255])
        cport = 10000 + i % 50000
        cap.write(ipv4(client, SERVER, 6, tcp(cport, 80, 1000, 0, 0x02)))
        cap.write(ipv4(SERVER, client, 6, tcp(80, cport, 5000, 1001, 0x12)))
        cap.write(ipv4(client, SERVER, 6, tcp(cport, 80, 1001, 5001, 0x10)))
        seq = 1001
        for j in range(k):
            req = (b'GET /' + (b'%06d-%04d-' % (i, j)) + b'a' * 1000 +
                   b' HTTP/1.1\r\nHost: example.test\r\n\r\n')
            cap.write(ipv4(client, SERVER, 6, tcp(cport, 80, seq, 5001, 0x18, req)))
            seq += len(req)
    cap.close()


if __name__ == '__main__':
    main()
