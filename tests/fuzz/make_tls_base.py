#!/usr/bin/env python3
"""Makes tests/fuzz/tls_decrypt_base.h, the keyed TLS connections that
fuzz_tls_decrypt.c starts from, and the harness's seeds.

  python3 tests/fuzz/make_tls_base.py          (from anywhere)

For each base: one TCP connection of a sample capture, cut into TLS
records (direction and bytes, in the order the records were completed on
the wire), and the key log lines of that connection (by its client
random). Application data past a per-base budget is left out so an
execution stays cheap.
Records are those of the TCP payloads as captured: the samples have no
retransmissions.
"""
import subprocess
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_seeds  # noqa: E402  (read_pcap, tcp_payloads)

SRC = os.path.normpath(os.path.join(HERE, "..", ".."))
SAMPLES = os.path.join(SRC, "samples")
OUT = os.path.join(HERE, "tls_decrypt_base.h")
SEEDS = os.path.join(HERE, "seeds", "fuzz_tls_decrypt")

# (name, sample, index of the connection in the capture, app data budget);
# a name ending in "-rsa" is decrypted with the sample's RSA key
# (samples/<sample>.key, in the header as tls_rsa_key_pem), not a key log.
BASES = [
    ("tls12-gcm", "https-tls12", 0, 4000),
    ("tls13-aes256gcm", "https-tls13", 0, 3000),
    ("tls12-cbc-etm", "tls12-cbc", 0, 3000),
    ("tls12-cbc-mte", "tls12-cbc", 2, 3000),
    ("tls12-chacha", "tls12-chacha", 0, 3000),
    ("tls13-ccm", "tls13-suites", 2, 3000),
    ("tls13-keyupdate", "tls13-suites", 3, 3000),
    ("tls13-h2", "http2", 0, 3000),
    ("tls12-resumed", "tls12-resume", 1, 3000),
    ("tls13-0rtt", "tls13-0rtt", 1, 3000),  # resumed with early data
    ("tls13-hrr", "tls13-suites", 4, 3000),  # HelloRetryRequest
    ("tls13-ocsp", "tls-ocsp", 0, 3000),  # a stapled OCSP response in the Certificate
    ("tls12-rsa", "tls12-rsa", 0, 3000),  # RSA key exchange
    # through an HTTP proxy: CONNECT and its 200 (one chunk each, not TLS
    # records) on port 8080, then the TLS of the tunnel
    ("tls13-connect", "https-proxy", 1, 3000),
]

# the server port of a base's connection (443 unless named here)
PORTS = {"tls13-connect": 8080}


def records(segs, http_first=False):
    """TLS records of one connection: [(direction, bytes)] in completion order.
    http_first: each direction starts with one HTTP message (a proxy's CONNECT
    and its answer), kept as one chunk before the records."""
    buf = [bytearray(), bytearray()]
    http_left = [http_first, http_first]
    out = []
    for direction, payload in segs:
        b = buf[direction]
        b += payload
        if http_left[direction]:
            end = b.find(b"\r\n\r\n")
            if end < 0:
                continue
            out.append((direction, bytes(b[: end + 4])))
            del b[: end + 4]
            http_left[direction] = False
        while len(b) >= 5:
            n = 5 + struct.unpack(">H", b[3:5])[0]
            if len(b) < n:
                break
            out.append((direction, bytes(b[:n])))
            del b[:n]
    for d in (0, 1):
        if buf[d]:
            raise SystemExit("a record is cut at the end of the capture")
    return out


def client_random(recs):
    # (after a proxy's CONNECT and its answer)
    d, r = next((d, r) for d, r in recs if not r.startswith((b"CONNECT ", b"HTTP/")))
    if d != 0 or r[0] != 22 or r[5] != 1:
        raise SystemExit("the connection does not start with a ClientHello")
    return r[11:43].hex()


def keylog_lines(path, crandom):
    with open(path) as f:
        return "".join(line for line in f if crandom in line.lower())


def c_bytes(b):
    lines = []
    for i in range(0, len(b), 16):
        lines.append("    " + ", ".join("0x%02x" % x for x in b[i : i + 16]) + ",")
    return "\n".join(lines)


def c_string(s):
    return "\n".join('    "%s\\n"' % line for line in s.splitlines()) or '    ""'


def main():
    rsa_pem = None
    blob = bytearray()
    bases = []
    for name, sample, index, budget in BASES:
        linktype, frames = make_seeds.read_pcap(os.path.join(SAMPLES, sample + ".pcap"))
        conns = make_seeds.tcp_payloads(linktype, frames)
        keys = sorted(conns, key=lambda k: k[1])  # by client port: capture order here
        recs = records(conns[keys[index]], name in PORTS)
        cr = client_random(recs)
        if name.endswith("-rsa"):
            log = ""
            with open(os.path.join(SAMPLES, sample + ".key")) as f:
                rsa_pem = f.read()
        else:
            log = keylog_lines(os.path.join(SAMPLES, sample + ".keylog"), cr)
        if not log and not name.endswith("-rsa"):
            raise SystemExit("%s: no key log line for client random %s" % (sample, cr))
        # Per direction, records in order until the budget of encrypted
        # records is spent: leaving one out would put every later record of
        # that direction out of sequence (TLS 1.3 handshake messages are
        # encrypted records too).
        kept, app, full = [], [0, 0], [False, False]
        for d, r in recs:
            if r[0] == 23:
                if full[d] or app[d] + len(r) > budget:
                    full[d] = True
                    continue
                app[d] += len(r)
            elif full[d]:
                continue
            kept.append((d, r))
        rec_table = []
        for d, r in kept:
            rec_table.append((d, len(blob), len(r)))
            blob += r
        bases.append((name, sample, index, cr, log, rec_table))
        if name in PORTS and keys[index][0] != PORTS[name]:
            raise SystemExit("%s: connection %d is to port %d" % (name, index, keys[index][0]))

    out = []
    out.append("/* Generated by tests/fuzz/make_tls_base.py from samples/: do not edit. */")
    out.append("#ifndef DX_FUZZ_TLS_DECRYPT_BASE_H")
    out.append("#define DX_FUZZ_TLS_DECRYPT_BASE_H")
    out.append("#include <stdint.h>")
    out.append("")
    out.append("typedef struct tls_base_rec {")
    out.append("  uint8_t dir; /* 0 client to server, 1 server to client */")
    out.append("  uint32_t off, len; /* in tls_base_blob */")
    out.append("} tls_base_rec;")
    out.append("")
    out.append("typedef struct tls_base {")
    out.append("  const char *name;")
    out.append("  const char *keylog;")
    out.append("  const tls_base_rec *recs;")
    out.append("  unsigned nrecs;")
    out.append("  uint16_t port; /* the server's */")
    out.append("} tls_base;")
    out.append("")
    out.append("static const uint8_t tls_base_blob[%d] = {" % len(blob))
    out.append(c_bytes(blob))
    out.append("};")
    for i, (name, sample, index, cr, log, table) in enumerate(bases):
        out.append("")
        out.append("/* %s: samples/%s.pcap, connection %d, client random %s... */"
                   % (name, sample, index, cr[:16]))
        out.append("static const tls_base_rec tls_base_recs_%d[] = {" % i)
        for d, off, n in table:
            out.append("    {%d, %d, %d}," % (d, off, n))
        out.append("};")
    out.append("")
    out.append("static const tls_base tls_bases[] = {")
    for i, (name, _, _, _, log, table) in enumerate(bases):
        out.append('    {"%s",' % name)
        out.append(c_string(log) + ",")
        out.append("     tls_base_recs_%d, %d, %d}," % (i, len(table), PORTS.get(name, 443)))
    out.append("};")
    out.append("#define TLS_NBASES %d" % len(bases))
    out.append("")
    out.append("/* The RSA private key of the bases named -rsa (a test key of samples/). */")
    out.append("static const char tls_rsa_key_pem[] =")
    out.append(c_string(rsa_pem or "") + ";")
    out.append("")
    out.append("#endif")
    text = "\n".join(out) + "\n"
    # the project's style, as CI's format check wants it
    try:
        text = subprocess.run(["clang-format", "--assume-filename=" + OUT], input=text,
                              capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        print("warning: clang-format not run on %s" % OUT, file=sys.stderr)
    with open(OUT, "w") as f:
        f.write(text)
    for name, sample, index, cr, log, table in bases:
        print("%-16s %-13s conn %d: %2d records, %5d bytes, %d key log lines"
              % (name, sample, index, len(table), sum(t[2] for t in table), log.count("\n")))
    print("%s: %d bytes of records" % (os.path.relpath(OUT, SRC), len(blob)))
    write_seeds(bases)


def op(kind, rec, arg, val, more=b""):
    return bytes([kind, rec & 0xFF]) + struct.pack(">H", arg & 0xFFFF) + bytes([val]) + more


def write_seeds(bases):
    """Seeds for fuzz_tls_decrypt (input format: fuzz_tls_decrypt.c), a few
    bytes each since the connections are in the harness."""
    os.makedirs(SEEDS, exist_ok=True)
    for f in os.listdir(SEEDS):
        os.unlink(os.path.join(SEEDS, f))
    seeds = {}
    for i, (name, _, _, cr, log, table) in enumerate(bases):
        n = len(table)
        last_app = max((k for k in range(n) if table[k][0] == 1), default=n - 1)
        seeds[name + "-plain"] = bytes([i, 0, 0, 0])
        seeds[name + "-per-record"] = bytes([i, 0x40, 0, 0])
        seeds[name + "-random-segments"] = bytes([i, 0xC0, (i * 37 + 1) & 0xFF, 0])
        seeds[name + "-wrong-key"] = bytes([i, 0x10, 0, 0])
        # Bodies flipped in the last two records (tags fail), a record
        # duplicated (sequence numbers out of step), one cut short.
        seeds[name + "-edits"] = bytes([i, 0, 0, 3]) + op(0, n - 1, 7, 0x80) + op(
            9, last_app, 0, 0) + op(5, n - 2, 3, 0)
        # An alert of fuzzer bytes in the middle, and an extra key log with
        # a bad line and a line for this client random with a short secret.
        seeds[name + "-insert-keylog"] = bytes([i, 0x04, 0, 1]) + op(
            7, n // 2, 2, 0x02 | (1 << 2) | 1, b"\x02\x28") + (
            "CLIENT_RANDOM zz\nCLIENT_HANDSHAKE_TRAFFIC_SECRET %s 00\n" % cr).encode()
    idx = {b[0]: i for i, b in enumerate(bases)}
    seeds["tls13-h2-decode-as"] = bytes([idx["tls13-h2"], 0x20, 0, 0])
    seeds["tls12-gcm-decode-as-http2"] = bytes([idx["tls12-gcm"], 0x20, 0, 0])
    seeds["tls12-gcm-small-caps-terse"] = bytes([idx["tls12-gcm"], 0x03, 0, 0])
    seeds["tls13-keyupdate-8-byte-segments"] = bytes([idx["tls13-keyupdate"], 0x80, 7, 0])
    # the early data's records cut and moved; the RSA ClientKeyExchange's
    # encrypted premaster flipped (the key exchange fails, as a wrong key)
    seeds["tls13-0rtt-early-edits"] = bytes([idx["tls13-0rtt"], 0, 0, 2]) + op(
        5, 1, 9, 0) + op(15, 2, 0, 0)
    seeds["tls12-rsa-bad-premaster"] = bytes([idx["tls12-rsa"], 0, 0, 1]) + op(
        0, 3, 40, 0x55)
    for name, blob in seeds.items():
        with open(os.path.join(SEEDS, name), "wb") as f:
            f.write(blob)
    print("%s: %d seeds" % (os.path.relpath(SEEDS, SRC), len(seeds)))


if __name__ == "__main__":
    main()
