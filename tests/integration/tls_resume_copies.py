"""The packets of a capture again and again, for the split's tests
(test_threads.sh, test_tui_split.sh): COUNT copies, each copy's times moved
on 10 s and the client port of its IPv4 TCP packets (the one that is not
443) moved, so that every copy opens connections of its own and they spread
over the parts.

Usage: python3 tls_resume_copies.py IN.pcap OUT.pcap COUNT"""
import struct
import sys


def main():
    src, out_path, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    b = open(src, 'rb').read()
    e = '<' if b[:4] == b'\xd4\xc3\xb2\xa1' else '>'
    link = struct.unpack(e + 'I', b[20:24])[0]
    l2 = {1: 14, 113: 16, 276: 20}.get(link, 0)
    recs, off = [], 24
    while off + 16 <= len(b):
        incl = struct.unpack(e + 'I', b[off + 8:off + 12])[0]
        recs.append(bytes(b[off:off + 16 + incl]))
        off += 16 + incl
    out = [b[:24]]
    for k in range(count):
        for rec in recs:
            r = bytearray(rec)
            sec = struct.unpack(e + 'I', r[0:4])[0]
            r[0:4] = struct.pack(e + 'I', sec + k * 10)
            ip = 16 + l2
            if len(r) >= ip + 24 and r[ip] >> 4 == 4 and r[ip + 9] == 6:
                t = ip + (r[ip] & 15) * 4
                for at in (t, t + 2):
                    port = struct.unpack('>H', r[at:at + 2])[0]
                    if port != 443:
                        r[at:at + 2] = struct.pack('>H', 1024 + (port + k * 97) % 60000)
            out.append(bytes(r))
    open(out_path, 'wb').write(b''.join(out))


main()
