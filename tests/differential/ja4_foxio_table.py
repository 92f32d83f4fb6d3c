#!/usr/bin/env python3
"""Makes tests/differential/ja4-foxio.tsv: the JA4 of every ClientHello of
nDPI's and Wireshark's test captures as FoxIO's reference implementation
(python/ja4.py of github.com/FoxIO-LLC/ja4, BSD-3-Clause) computes it, next
to dissect's, for test_ja4_foxio.sh. Not run by the tests: FoxIO's code is
not part of this project. Get it yourself (python/ja4.py, common.py, ja4h.py,
ja4x.py, ja4ssh.py of the commits below, each set in a folder of its own)
and run, with tshark (4.0.17 made the committed table) on the PATH:

  ja4_foxio_table.py --foxio DIR_22709e16 --foxio-quic DIR_6b8eb40e \\
      --dissect build/bin/dissect --ndpi $DX_NDPI_TESTS \\
      --wireshark $DX_WIRESHARK_TESTS/captures > tests/differential/ja4-foxio.tsv

FoxIO's script is run unchanged: this program imports it, wraps its to_ja4()
to note the value each call computes with the frame number tshark gave the
packet (the script's own output is one record per stream, without frames),
and keeps its loop going past an exception of its JA4X or JA4H code (not
compared here). Commit 22709e16 reaches to_ja4() only for TLS over TCP (for
QUIC its packet's layer is "quic", not "tls"), so the QUIC hellos come from
the older 6b8eb40e, whose to_ja4() is reached for both.

Every ClientHello where dissect's value is not FoxIO's must be in KEPT below
with its reason, or the program stops.
"""
import argparse, hashlib, io, contextlib, os, subprocess, sys, textwrap

COMMITS = {'22709e16': '22709e16401e0e10cb77ece75c0d554c629bdc7e',
           '6b8eb40e': '6b8eb40e044c78638128b1b63d386a6030865faa'}

# Captures left out whole, each for its reason.
SKIPPED = {
    'tls-fragmented-handshakes.pcap.gz':
        'most frames hold several ClientHellos, which tshark\'s fields (and so '
        'the script) merge into one; the others have one extension, a GREASE '
        'one, for which JA4.md\'s c is twelve zeros (no extension is left once '
        'GREASE is out; dissect\'s value, tests/unit/test_ja4.c) and the '
        'script\'s e3b0c44298fc, the hash of nothing (its list before GREASE is '
        'taken out is not empty)',
}

# ClientHellos (capture, frame) where dissect and FoxIO's script differ.
KEPT = {
    'sslv2': ('SSLv2-format ClientHellos: JA4.md defines no JA4 for them (3-byte '
              'cipher specs, no extensions) and dissect gives none; the script '
              'finds no tls.handshake.ciphersuite there and writes '
              't10i000000_000000000000_000000000000 (ts3i... for SSL 3.0) for '
              'every one', []),
    'sigalgs-cert': ('signature_algorithms (13) followed by signature_algorithms_cert '
                     '(50): JA4.md hashes the signature algorithms of the hello, '
                     'dissect those of extension 13; the script drops the first '
                     'list of tshark\'s tls.handshake.sig_hash_alg and keeps the '
                     'certificate\'s (its test compares with 35, session_ticket, '
                     'not 50)', []),
    'malformed': ('crafted hellos whose cipher suite or extension list runs past '
                  'the message: tshark reads on into the next fields, or shows '
                  'an extension shorter than its length; dissect marks the hello '
                  'malformed and gives no JA4 (tls_cipher_lens 2, 3, 5) or counts '
                  'the type it read (tls_invalid_reads 12); JA4.md does not say '
                  'what such a hello gives', []),
    'no-reference': ('tshark finds no TLS there (RDP\'s TLS after X.224), so the '
                     'script has no value; dissect finds the ClientHello', []),
}
KEPT_FRAMES = {
    ('tls_esni_sni_both.pcap', '4'): 'sigalgs-cert',
    ('tls_esni_sni_both.pcap', '24'): 'sigalgs-cert',
    ('tls_cipher_lens.pcap', '2'): 'malformed',
    ('tls_cipher_lens.pcap', '3'): 'malformed',
    ('tls_cipher_lens.pcap', '5'): 'malformed',
    ('tls_invalid_reads.pcap', '12'): 'malformed',
    ('rdp.pcap', '7'): 'no-reference',
}


def run_one(folder, cap):
    """FoxIO's ja4.py from folder on cap: [(frame, 't'|'q', stream, ja4, ja4_r)]."""
    sys.path.insert(0, os.path.abspath(folder))
    import ja4 as fox
    rows, orig = [], fox.to_ja4

    def to_ja4(x, debug_stream):
        frno, stream, quic = x.get('frno'), x.get('stream'), x.get('quic')
        orig(x, debug_stream)  # an exception goes to ja4.py's own handler
        k = [k for k in x if k.startswith('JA4.')]  # 22709e16: JA4.<n>
        s = '.' + k[0].split('.')[1] if k else ''
        rows.append((frno, 'q' if quic else 't', str(stream), x[f'JA4{s}'], x[f'JA4_r{s}']))

    def guarded(f):
        def g(*a, **kw):
            try:
                return f(*a, **kw)
            except Exception:
                return None
        return g

    fox.to_ja4 = to_ja4
    fox.to_ja4x = guarded(fox.to_ja4x)
    fox.to_ja4h = guarded(fox.to_ja4h)
    sys.argv = ['ja4.py', cap, '--ja4', '-r', '-J']
    with contextlib.redirect_stdout(io.StringIO()):
        fox.main()
    return rows


def foxio(folder, cap):
    out = subprocess.run([sys.executable, os.path.abspath(__file__), '--one', folder, cap],
                         capture_output=True, text=True, check=True).stdout
    return [tuple(l.split('\t')) for l in out.splitlines()]


def dissect(binary, cap):
    out = subprocess.run([binary, '-n', '-r', cap, '-Y', 'tls.handshake.type == 1', '-T',
                          'fields', '-e', 'frame.number', '-e', 'tcp.stream', '-e',
                          'udp.stream', '-e', 'tls.handshake.ja4', '-e', 'tls.handshake.ja4_r'],
                         capture_output=True, text=True).stdout
    return {f[0]: f for f in (l.split('\t') for l in out.splitlines())}


def main():
    if sys.argv[1:2] == ['--one']:
        for r in run_one(sys.argv[2], sys.argv[3]):
            print('\t'.join(r))
        return
    ap = argparse.ArgumentParser()
    for a in ('--foxio', '--foxio-quic', '--dissect', '--ndpi', '--wireshark'):
        ap.add_argument(a, required=True)
    a = ap.parse_args()
    tshark = subprocess.run(['tshark', '-v'], capture_output=True, text=True).stdout.split('\n')[0]
    caps, hellos, equal = [], [], 0
    for cset, folder in (('ndpi', a.ndpi), ('wireshark', a.wireshark)):
        for name in sorted(os.listdir(folder)):
            cap = os.path.join(folder, name)
            if not os.path.isfile(cap) or name in SKIPPED:
                continue
            dx = dissect(a.dissect, cap)
            if not dx:
                continue
            data = open(cap, 'rb').read()
            caps.append(('capture', cset, name, str(len(data)), hashlib.sha256(data).hexdigest()))
            ref = {}
            for commit, fdir in (('6b8eb40e', a.foxio_quic), ('22709e16', a.foxio)):
                for r in foxio(fdir, cap):
                    if commit == '22709e16' or r[1] == 'q':
                        ref[r[0]] = r + (commit,)
            for fr in sorted(set(ref) | set(dx), key=int):
                r, d = ref.get(fr), dx.get(fr)
                if r is None:
                    r = (fr, 'q' if d[2] else 't', d[1] or d[2], '-', '-', '-')
                same = d is not None and r[3] == d[3] and r[4] == d[4] and r[2] == (d[1] or d[2])
                if same:
                    check = 'equal'
                    equal += 1
                elif (name, fr) in KEPT_FRAMES:
                    check = 'kept:' + KEPT_FRAMES[(name, fr)]
                elif d is not None and not d[3] and r[3].endswith('i000000_000000000000_000000000000'):
                    check = 'kept:sslv2'  # (checked: each one an SSLv2 record)
                else:
                    sys.exit(f'{name} frame {fr}: dissect {d}, FoxIO {r}: not in KEPT')
                if check.startswith('kept:'):
                    KEPT[check[5:]][1].append(f'{name} {fr}')
                hellos.append(('hello', name) + r + (check,))
    w = sys.stdout.write
    w('# JA4 of real ClientHellos as FoxIO\'s reference implementation computes them,\n'
      '# for tests/differential/test_ja4_foxio.sh (made by ja4_foxio_table.py there).\n'
      '# Values produced by FoxIO\'s python/ja4.py (github.com/FoxIO-LLC/ja4, BSD-3-Clause)\n'
      f'# at commit {COMMITS["22709e16"]} (TLS over TCP) and,\n'
      f'# for QUIC, at commit {COMMITS["6b8eb40e"]} (the newer one\n'
      '# never reaches its to_ja4() for QUIC), run unchanged\n'
      f'# with {tshark.split(" (Git")[0]} on third-party captures: nDPI\'s test captures (tests/pcap of\n'
      '# Debian\'s ndpi 4.2 source package: tests/thirdparty/fetch-ndpi-captures.sh) and\n'
      '# Wireshark\'s (test/captures of Debian\'s wireshark 4.0.17 source package:\n'
      '# tests/thirdparty/fetch-wireshark-captures.sh), every one in which dissect finds a\n'
      '# ClientHello, but for\n')
    def para(text):
        w(textwrap.fill(text, 92, initial_indent='#   ', subsequent_indent='#     ') + '\n')

    for n, why in SKIPPED.items():
        para(f'{n}: {why}.')
    w(f'# {len(hellos)} ClientHellos in {len(caps)} captures, {equal} "equal": dissect\'s JA4 and\n'
      '# JA4_r are FoxIO\'s; the others "kept:REASON", not compared:\n')
    for k, (why, frames) in KEPT.items():
        if frames:
            para(f'{k} ({len(frames)}): {why}.')
    w('# Rows: "capture SET NAME SIZE SHA256", then for each ClientHello "hello NAME FRAME\n'
      '# TRANSPORT(t/q) STREAM(tcp.stream / udp.stream) JA4 JA4_R FOXIO_COMMIT CHECK"\n'
      '# (JA4 and JA4_R FoxIO\'s, "-" where it has none), tab-separated.\n')
    for c in caps:
        w('\t'.join(c) + '\n')
    for h in hellos:
        w('\t'.join(h) + '\n')


if __name__ == '__main__':
    main()
