#!/usr/bin/env python3
"""JA4 of every TLS ClientHello in a capture, computed from tshark's fields
(a second implementation, written from FoxIO's technical_details/JA4.md, to
check libdissect's tls.handshake.ja4 against).

usage: ja4_tshark.py CAPTURE  ->  lines "FRAME<TAB>JA4<TAB>JA4_r"
"""
import hashlib
import subprocess
import sys

FIELDS = ["frame.number", "tls.handshake.type", "tls.handshake.version",
          "tls.handshake.ciphersuite", "tls.handshake.extension.type",
          "tls.handshake.extensions.supported_version", "tls.handshake.extensions_alpn_str",
          "tls.handshake.sig_hash_alg", "tls.handshake.extensions_server_name", "udp.srcport",
          "tls.handshake.sig_hash_alg_len", "tls.record.version", "tcp.srcport"]

# Extensions whose body is a signature algorithm list that tshark shows with
# the same fields as signature_algorithms (13): delegated_credentials (34),
# signature_algorithms_cert (50). JA4 takes 13's alone (FoxIO's JA4.md; the
# reference implementation was fixed to do so, FoxIO-LLC/ja4 issue 41).
SIG_LIST_EXTS = (13, 34, 50)


def sig_algs_of_13(exts, lens, algs):
    """The algorithms of extension 13 out of tshark's flat lists: one length
    (bytes) per list, the lists in the order of their extensions."""
    i, k = 0, 0
    for e in exts:
        if e not in SIG_LIST_EXTS or k >= len(lens):
            continue
        n = lens[k] // 2
        k += 1
        if e == 13:
            return algs[i:i + n]
        i += n
    return []


def grease(v):
    return (v & 0x0F0F) == 0x0A0A and (v >> 8) == (v & 0xFF)


def ints(s):
    return [int(x, 0) for x in s.split(",") if x != ""]


VERSIONS = {0x0304: "13", 0x0303: "12", 0x0302: "11", 0x0301: "10", 0x0300: "s3",
            0x0002: "s2", 0xFEFF: "d1", 0xFEFD: "d2", 0xFEFC: "d3"}


def sha12(s):
    return hashlib.sha256(s.encode()).hexdigest()[:12] if s else "000000000000"


def ja4(version, ciphers, exts, supported, alpn, sigs, transport="t"):
    ciphers = [c for c in ciphers if not grease(c)]
    exts = [e for e in exts if not grease(e)]
    supported = [v for v in supported if not grease(v)]
    sigs = [s for s in sigs if not grease(s)]
    v = VERSIONS.get(max(supported) if supported else version, "00")
    sni = "d" if 0 in exts else "i"
    if alpn:
        a = alpn if alpn[0].isalnum() and alpn[-1].isalnum() and alpn.isascii() else None
        if a is None:
            h = alpn.encode("latin-1").hex()
            a = h[0] + h[-1]
        else:
            a = a[0] + a[-1]
    else:
        a = "00"
    part_a = "%s%s%s%02d%02d%s" % (transport, v, sni, min(len(ciphers), 99), min(len(exts), 99), a)
    cl = ",".join("%04x" % c for c in sorted(ciphers))
    el = ",".join("%04x" % e for e in sorted(exts) if e not in (0, 0x10))
    full = el + ("_" + ",".join("%04x" % s for s in sigs) if sigs else "")
    return ("%s_%s_%s" % (part_a, sha12(cl), sha12(full) if el else "000000000000"),
            "%s_%s_%s" % (part_a, cl, full))


def main():
    out = subprocess.run(
        ["tshark", "-n", "-r", sys.argv[1], "-Y", "tls.handshake.type == 1", "-T", "fields",
         "-E", "occurrence=a", "-E", "aggregator=,"] + sum([["-e", f] for f in FIELDS], []),
        check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        f = line.split("\t")
        types = ints(f[1])
        if types.count(1) != 1 or len(types) != 1:
            continue  # one ClientHello alone in the frame: its fields are unambiguous
        alpn = f[6].split(",")[0] if f[6] else ""
        # a ClientHello over UDP is QUIC's (CRYPTO frames): "q"; over TCP
        # "t", even when the TCP runs in a UDP tunnel (GTP-U: udp.srcport
        # is the tunnel's then)
        f += [""] * (len(FIELDS) - len(f))
        if "0x0002" in f[11].split(","):
            continue  # an SSLv2-format ClientHello: Wireshark 4.2 gives it no JA4 either
                      # (its JA4 is made by the TLS ClientHello's dissector only)
        sigs = sig_algs_of_13(ints(f[4]), ints(f[10]), ints(f[7]))
        j, r = ja4(int(f[2], 0), ints(f[3]), ints(f[4]), ints(f[5]), alpn, sigs,
                   "q" if f[9] and not f[12] else "t")
        print("%s\t%s\t%s" % (f[0], j, r))


if __name__ == "__main__":
    main()
