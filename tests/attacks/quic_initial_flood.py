"""Attack capture: N QUIC v1 connections, each one client Initial from its
own UDP port with its own Destination Connection ID, carrying a real
ClientHello (SNI flood-N.example) protected with the Initial keys of that
DCID (RFC 9001 5.2), so every one is decrypted and keeps connection state.
N above the connection table (4096) makes dissect forget the oldest
connections instead of growing or refusing new ones.
Needs python3-cryptography. Usage: quic_initial_flood.py N OUT.pcap"""
import struct
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hmac import HMAC
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand

from floodlib import Pcap, ipv4, udp

SALT = bytes.fromhex("38762cf7f55934b34d179ae6a4c80cadccbb7f0a")  # RFC 9001 5.2
CLIENT = bytes([10, 1, 0, 1])
SERVER = bytes([10, 0, 0, 1])


def expand_label(secret, label, length):
    full = b"tls13 " + label
    info = struct.pack(">HB", length, len(full)) + full + b"\x00"
    return HKDFExpand(hashes.SHA256(), length, info).derive(secret)


def initial_keys(dcid):
    h = HMAC(SALT, hashes.SHA256())
    h.update(dcid)
    client = expand_label(h.finalize(), b"client in", 32)
    return (expand_label(client, b"quic key", 16), expand_label(client, b"quic iv", 12),
            expand_label(client, b"quic hp", 16))


def client_hello(i):
    sni = b"flood-%d.example" % i
    ext_sni = struct.pack(">HHHBH", 0, len(sni) + 5, len(sni) + 3, 0, len(sni)) + sni
    ext_alpn = struct.pack(">HHHB", 16, 5, 3, 2) + b"h3"
    ext_ver = struct.pack(">HHBH", 43, 3, 2, 0x0304)
    exts = ext_sni + ext_alpn + ext_ver
    body = (b"\x03\x03" + bytes([i & 0xff]) * 32 + b"\x00" + b"\x00\x02\x13\x01" + b"\x01\x00"
            + struct.pack(">H", len(exts)) + exts)
    return b"\x01" + struct.pack(">I", len(body))[1:] + body


def initial(i):
    dcid = struct.pack(">Q", 0x0123456700000000 + i)
    key, iv, hp = initial_keys(dcid)
    ch = client_hello(i)
    frames = b"\x06\x00" + struct.pack(">H", 0x4000 | len(ch)) + ch
    frames += bytes(1162 - len(frames))  # PADDING to a 1200-byte datagram
    pn = 0
    length = 2 + len(frames) + 16
    hdr = (bytes([0xc1]) + struct.pack(">I", 1) + bytes([8]) + dcid + b"\x00" + b"\x00"
           + struct.pack(">H", 0x4000 | length) + struct.pack(">H", pn))
    nonce = bytes(a ^ b for a, b in zip(iv, bytes(4) + struct.pack(">Q", pn)))
    ct = AESGCM(key).encrypt(nonce, frames, hdr)
    sample = ct[2:18]
    enc = Cipher(algorithms.AES(hp), modes.ECB()).encryptor()
    mask = enc.update(sample) + enc.finalize()
    hdr = bytearray(hdr)
    hdr[0] ^= mask[0] & 0x0f
    hdr[-2] ^= mask[1]
    hdr[-1] ^= mask[2]
    return bytes(hdr) + ct


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    cap = Pcap(out)
    for i in range(n):
        port = 1024 + i % 60000
        client = CLIENT[:2] + struct.pack(">H", 1 + i // 60000)
        cap.write(ipv4(client, SERVER, 17, udp(port, 443, initial(i))))
    cap.close()


if __name__ == "__main__":
    main()
