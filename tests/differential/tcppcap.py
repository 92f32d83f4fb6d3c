"""Hand-made pcap files for the differential tests: IPv4/TCP packets over
Ethernet, one second apart (or step_us microseconds apart), written as
libpcap's classic format (link type 1, microseconds). Used by test_tshark_media.sh and test_tshark_multipart.sh
(PYTHONPATH=tests/differential)."""
import struct


class Writer:
    def __init__(self, path, step_us=1000000):
        self.out = open(path, 'wb')
        self.out.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        self.t = 1000000
        self.step = step_us

    def pkt(self, src, dst, sport, dport, seq, ack, flags, payload=b''):
        """One segment from src to dst (4-byte addresses), flags as TCP's byte."""
        tcp = struct.pack('!HHIIBBHHH', sport, dport, seq, ack, 0x50, flags, 65535, 0, 0)
        ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 40 + len(payload), 1, 0, 64, 6, 0, src, dst)
        frame = b'\0' * 12 + b'\x08\x00' + ip + tcp + payload
        sec, usec = divmod(self.t, 1000000)
        self.out.write(struct.pack('<IIII', sec, usec, len(frame), len(frame)))
        self.out.write(frame)
        self.t += self.step
