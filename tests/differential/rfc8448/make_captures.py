#!/usr/bin/env python3
"""Turns the RFC 8448 traces (traces.txt beside this script) into captures.

For each trace: OUTDIR/NAME.pcap, a classic pcap (Ethernet/IPv4/TCP over
loopback, client 127.0.0.1:PORT -> server 127.0.0.1:443: three-way
handshake, each TLS record as the payload of its own segments (1448 bytes
at most) from the side the RFC says sent it, seq/ack consistent, one
millisecond between packets, FIN exchange at the end), and OUTDIR/NAME.keylog,
an NSS key log of the trace's secrets against its first ClientHello's random.
For the test: OUTDIR/NAME.records, one line per record (tab-separated: index,
frame number of its last segment, direction, outer content type, inner
content type from --verify's own decryption or "-", length, label), and
OUTDIR/NAME.plain (frame number, hex), the application payloads the RFC
prints ("plain" lines).

With --verify (needs python3-cryptography), the transcription is checked
against the RFC's own values before anything is written: every protected
record must decrypt (AES-128-GCM with keys from HKDF-Expand-Label of the
secrets; a wrong byte fails the tag), the derived keys and IVs must equal
the RFC's, both Finished messages must equal HMAC(finished_key,
Transcript-Hash) over the plaintext handshake (so a wrong byte in a
ClientHello or ServerHello fails too), and "plain" payloads must match.
--verify-only checks without writing. Exit status 1 on any failure, 2 when
--verify cannot check (no python3-cryptography; nothing is written).

Usage: make_captures.py [--verify|--verify-only] [--traces FILE] OUTDIR
"""
import argparse
import hashlib
import hmac
import os
import struct
import sys

HRR_RANDOM = bytes.fromhex(
    "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")


# ---------------------------------------------------------------- parsing

class Trace:
    def __init__(self, name, section, title):
        self.name, self.section, self.title = name, section, title
        self.secrets = []      # (label, bytes) in file order
        self.keys = {}         # ("key"|"iv", who) -> bytes
        self.plain = {}        # record index (1-based) -> bytes
        self.records = []      # (direction, label, bytes)

    def secret(self, label):
        for k, v in self.secrets:
            if k == label:
                return v
        return None

    def client_random(self):
        rec = self.records[0][2]
        assert rec[0] == 22 and rec[5] == 1, "first record is not a ClientHello"
        return rec[11:43]


def parse(path):
    traces, cur, hexbuf = [], None, None

    def flush():
        nonlocal hexbuf
        if hexbuf is not None:
            d, label, parts = hexbuf
            cur.records.append((d, label, bytes.fromhex("".join(parts))))
            hexbuf = None

    with open(path, encoding="ascii") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line[0] in " \t":
                if hexbuf is None:
                    sys.exit("%s:%d: hex outside a record" % (path, lineno))
                hexbuf[2].append("".join(line.split()))
                continue
            flush()
            words = line.split()
            kw = words[0]
            if kw == "trace":
                cur = Trace(words[1], words[2], " ".join(words[3:]))
                traces.append(cur)
            elif cur is None:
                sys.exit("%s:%d: %s before any trace" % (path, lineno, kw))
            elif kw == "secret":
                cur.secrets.append((words[1], bytes.fromhex(words[2])))
            elif kw in ("key", "iv"):
                cur.keys[(kw, words[1])] = bytes.fromhex(words[2])
            elif kw == "plain":
                cur.plain[int(words[1])] = bytes.fromhex(words[2])
            elif kw == "record":
                if words[1] not in ("client", "server"):
                    sys.exit("%s:%d: direction %r" % (path, lineno, words[1]))
                hexbuf = (words[1], " ".join(words[2:]), [])
            else:
                sys.exit("%s:%d: unknown keyword %r" % (path, lineno, kw))
    flush()
    for t in traces:
        for i, (d, label, rec) in enumerate(t.records, 1):
            n = struct.unpack(">H", rec[3:5])[0]
            if len(rec) != 5 + n:
                sys.exit("%s record %d (%s %s): header says %d bytes, %d given"
                         % (t.name, i, d, label, n, len(rec) - 5))
    return traces


# ----------------------------------------------------------- verification

def hkdf_expand_label(secret, label, context, length, h=hashlib.sha256):
    info = struct.pack(">H", length) + bytes([len(b"tls13 " + label)]) + \
        b"tls13 " + label + bytes([len(context)]) + context
    out, t, i = b"", b"", 1
    while len(out) < length:
        t = hmac.new(secret, t + info + bytes([i]), h).digest()
        out += t
        i += 1
    return out[:length]


def verify(t, log, inner_types):
    """Checks the trace against itself and the RFC's values; returns the
    number of failures, or None when python3-cryptography is missing.
    Fills inner_types: record index -> inner content type."""
    try:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    except ImportError:
        log("  verification skipped: python3-cryptography is not installed")
        return None
    bad = 0

    def check(ok, what):
        nonlocal bad
        if not ok:
            bad += 1
        log("  %s %s" % ("ok  " if ok else "FAIL", what))

    labels = {"c_e": "CLIENT_EARLY_TRAFFIC_SECRET",
              "c_hs": "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
              "s_hs": "SERVER_HANDSHAKE_TRAFFIC_SECRET",
              "c_ap": "CLIENT_TRAFFIC_SECRET_0",
              "s_ap": "SERVER_TRAFFIC_SECRET_0"}
    keys = {}
    for who, lab in labels.items():
        s = t.secret(lab)
        if s is None:
            continue
        k = hkdf_expand_label(s, b"key", b"", 16)
        iv = hkdf_expand_label(s, b"iv", b"", 12)
        keys[who] = (AESGCM(k), iv, s)
        for kind, val in (("key", k), ("iv", iv)):
            if (kind, who) in t.keys:
                check(t.keys[(kind, who)] == val,
                      "%s %s derived from %s equals the RFC's" % (who, kind, lab))

    state = {"client": "c_e" if "c_e" in keys else "c_hs", "server": "s_hs"}
    seq = {"client": 0, "server": 0}
    hsbuf = {"client": b"", "server": b""}
    transcript = []   # handshake messages, bytes
    suite_ok = True

    def handshake_msgs(direction, data):
        hsbuf[direction] += data
        buf, out = hsbuf[direction], []
        while len(buf) >= 4:
            n = int.from_bytes(buf[1:4], "big")
            if len(buf) < 4 + n:
                break
            out.append(buf[:4 + n])
            buf = buf[4 + n:]
        hsbuf[direction] = buf
        return out

    def th():
        return hashlib.sha256(b"".join(transcript)).digest()

    for i, (d, label, rec) in enumerate(t.records, 1):
        ctype, frag = rec[0], rec[5:]
        inner_types[i] = ctype
        if ctype == 20:
            check(frag == b"\x01", "record %d %s ChangeCipherSpec is 01" % (i, d))
            continue
        if ctype == 22:
            for m in handshake_msgs(d, frag):
                if m[0] == 2:
                    suite = m[4 + 2 + 32 + 1 + m[4 + 2 + 32]:][:2]
                    suite_ok = suite == b"\x13\x01"
                    if m[6:38] == HRR_RANDOM:
                        # RFC 8446 4.4.1: ClientHello1 becomes message_hash
                        transcript[:] = [b"\xfe\x00\x00\x20" + th()]
                transcript.append(m)
            continue
        check(ctype == 23, "record %d %s outer type is application_data" % (i, d))
        who = state[d]
        if who not in keys:
            check(False, "record %d %s: no %s secret" % (i, d, who))
            continue
        aead, iv, secret = keys[who]
        nonce = bytes(a ^ b for a, b in zip(iv, seq[d].to_bytes(12, "big")))
        try:
            inner = aead.decrypt(nonce, frag, rec[:5])
        except Exception:
            check(False, "record %d %s %s decrypts with %s seq %d" % (i, d, label, who, seq[d]))
            return bad + 1
        seq[d] += 1
        inner = inner.rstrip(b"\x00")
        content, itype = inner[:-1], inner[-1]
        inner_types[i] = itype
        check(True, "record %d %s %s decrypts with %s (inner type %d, %d bytes)"
              % (i, d, label, who, itype, len(content)))
        if i in t.plain:
            check(content == t.plain[i], "record %d payload equals the RFC's" % i)
        if itype != 22:
            continue
        for m in handshake_msgs(d, content):
            if m[0] == 20:
                fk = hkdf_expand_label(secret, b"finished", b"", 32)
                want = hmac.new(fk, th(), hashlib.sha256).digest()
                check(m[4:] == want, "record %d %s Finished = HMAC(finished_key, transcript hash)"
                      % (i, d))
            if m[0] != 4:   # NewSessionTicket is not in the transcript
                transcript.append(m)
            if m[0] == 20:
                state[d] = "c_ap" if d == "client" else "s_ap"
                seq[d] = 0
            elif m[0] == 5:  # EndOfEarlyData: client goes on with handshake keys
                state[d] = "c_hs"
                seq[d] = 0
    check(suite_ok, "cipher suite is TLS_AES_128_GCM_SHA256 (the one verified)")
    return bad


# ------------------------------------------------------------------ pcap

def csum(data):
    if len(data) % 2:
        data += b"\x00"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


CLIENT_MAC = bytes.fromhex("020000000001")
SERVER_MAC = bytes.fromhex("020000000002")
CLIENT_IP = bytes([127, 0, 0, 1])
SERVER_IP = bytes([127, 0, 0, 1])
SERVER_PORT = 443
MSS = 1448

SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01


def frame(from_client, cport, seq, ack, flags, payload, ip_id):
    sport, dport = (cport, SERVER_PORT) if from_client else (SERVER_PORT, cport)
    src, dst = (CLIENT_IP, SERVER_IP) if from_client else (SERVER_IP, CLIENT_IP)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack if flags & ACK else 0,
                      5 << 4, flags, 65535, 0, 0)
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp) + len(payload))
    c = csum(pseudo + tcp + payload)
    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload), ip_id,
                     0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    eth = (SERVER_MAC + CLIENT_MAC if from_client else CLIENT_MAC + SERVER_MAC) + b"\x08\x00"
    return eth + ip + tcp + payload


def write_pcap(path, t, cport, t0):
    frames = []
    cseq, sseq = 0x10000000, 0x20000000   # initial sequence numbers
    ip_id = {"client": 1, "server": 1}

    def add(from_client, flags, payload=b""):
        nonlocal cseq, sseq
        d = "client" if from_client else "server"
        if from_client:
            f = frame(True, cport, cseq, sseq, flags, payload, ip_id[d])
            cseq += len(payload) + (1 if flags & (SYN | FIN) else 0)
        else:
            f = frame(False, cport, sseq, cseq, flags, payload, ip_id[d])
            sseq += len(payload) + (1 if flags & (SYN | FIN) else 0)
        ip_id[d] += 1
        frames.append(f)

    add(True, SYN)
    add(False, SYN | ACK)
    add(True, ACK)
    record_frames = []   # frame number (1-based) of each record's last segment
    for d, _label, rec in t.records:
        for off in range(0, len(rec), MSS):
            add(d == "client", PSH | ACK, rec[off:off + MSS])
        record_frames.append(len(frames))
    add(True, FIN | ACK)
    add(False, FIN | ACK)
    add(True, ACK)
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for n, fr in enumerate(frames):
            us = t0 + n * 1000
            f.write(struct.pack("<IIII", us // 1000000, us % 1000000, len(fr), len(fr)))
            f.write(fr)
    return len(frames), record_frames


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--traces", default=os.path.join(here, "traces.txt"))
    ap.add_argument("--verify", action="store_true")
    ap.add_argument("--verify-only", action="store_true")
    ap.add_argument("outdir", nargs="?")
    a = ap.parse_args()
    if not a.verify_only and not a.outdir:
        ap.error("OUTDIR is required unless --verify-only")
    traces = parse(a.traces)
    failures, inner = 0, {}
    if a.verify or a.verify_only:
        for t in traces:
            print("verify %s (RFC 8448 section %s, %s):" % (t.name, t.section, t.title))
            inner[t.name] = {}
            n = verify(t, print, inner[t.name])
            if n is None:
                print("verification: skipped")
                return 0 if a.verify_only else 2
            failures += n
        print("verification: %d failure(s)" % failures)
        if failures or a.verify_only:
            return 1 if failures else 0
    os.makedirs(a.outdir, exist_ok=True)
    for n, t in enumerate(traces):
        base = os.path.join(a.outdir, t.name)
        nframes, rframes = write_pcap(base + ".pcap", t, 40000 + n, (1700000000 + 60 * n) * 1000000)
        cr = t.client_random().hex()
        with open(base + ".keylog", "w") as f:
            for label, val in t.secrets:
                f.write("%s %s %s\n" % (label, cr, val.hex()))
        its = inner.get(t.name, {})
        with open(base + ".records", "w") as f:
            for i, (d, label, rec) in enumerate(t.records, 1):
                f.write("%d\t%d\t%s\t%d\t%s\t%d\t%s\n" % (
                    i, rframes[i - 1], d, rec[0], its.get(i, "-"), len(rec), label))
        with open(base + ".plain", "w") as f:
            for i, p in sorted(t.plain.items()):
                f.write("%d\t%s\n" % (rframes[i - 1], p.hex()))
        print("%s.pcap: %d records, %d frames" % (base, len(t.records), nframes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
