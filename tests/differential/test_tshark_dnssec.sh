#!/usr/bin/env bash
# Differential test of the DNSSEC and DANE records against tshark 4.0:
# DNSKEY and CDNSKEY (flags and their bits, protocol, every algorithm name,
# the generated key id of RFC 4034 Appendix B, RSA/MD5's own rule), RRSIG
# (types covered, durations, expiration and inception as local times,
# compressed and uncompressed signer's names, long, short and no
# signatures), DS and CDS (digest types 0-4 and unknown ones), NSEC3PARAM,
# TLSA, SSHFP and CAA (tags matched as tshark does, values escaped), in
# DNS responses over UDP written by dnssec_gen.py.
#   - well-formed messages (ID below 0x1100) and records cut by the end of
#     the message (0x12xx): -V of every frame and the summary lines equal
#     to tshark's; for the well-formed ones a set of fields with every
#     occurrence too (in any zone: the signature times are local times);
#   - record data too short for its fixed part or its signer's name
#     (0x11xx): tshark reads on past the record data into the next record
#     (or throws at the message's end); dissect never reads past it. For
#     these, the lines dissect shows for the cut record must be lines
#     tshark shows for it, in the same order (the last item may hold fewer
#     bytes; a signer's name that does not end inside the data is shown as
#     dns.data bytes instead), and dissect must not fail;
#   - if the third-party capture /tmp/ndpi/dns_fragmented.pcap (nDPI's
#     tests, DNSKEY, RRSIG and NSEC3 records in IP fragments) is there,
#     its -V equal to tshark's but for dissect's "Three-way handshake step"
#     lines (read in place, never copied here).
# Expected values come from tshark at test time, never from dissect.
# Usage: test_tshark_dnssec.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_tshark_dnssec.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_tshark_dnssec.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
tshark_capture_test
export TZ=UTC

f=$T_TMP/dnssec.pcap
$PY "$SRC/tests/differential/dnssec_gen.py" "$f" || fail "dnssec_gen.py"

tshark -n -r "$f" -V 2>/dev/null >"$T_TMP/ts.v"
"$D" -n -r "$f" -V 2>"$T_TMP/err" >"$T_TMP/ours.v"
check_eq "dissect -V exits 0 without messages" "0:" "$?:$(head -c 300 "$T_TMP/err")"
$PY - "$T_TMP/ts.v" "$T_TMP/ours.v" "$T_TMP/cmp" <<'PYEOF'
import re
import sys


def frames(path):
    out, cur = [], None
    for line in open(path, encoding='utf-8', errors='replace').read().split('\n'):
        if line.startswith('Frame '):
            cur = [line]
            out.append(cur)
        elif cur is not None:
            cur.append(line)
    return out


def txid(fr):
    for line in fr:
        m = re.match(r'\s+Transaction ID: 0x([0-9a-f]{4})$', line)
        if m:
            return int(m.group(1), 16)
    return -1


def first_record(fr):
    """The lines of the first record under Answers (its header excluded)."""
    try:
        i = fr.index('    Answers') + 2
    except ValueError:
        return []
    out = []
    while i < len(fr) and fr[i].startswith('            '):
        out.append(fr[i].strip())
        i += 1
    return out


ts, ours = frames(sys.argv[1]), frames(sys.argv[2])
res = open(sys.argv[3], 'w')
res.write('frames %d %d\n' % (len(ts), len(ours)))
exact = same = cut = cut_ok = 0
bad = []
for t, o in zip(ts, ours):
    i = txid(t)
    if i < 0x1100 or i >= 0x1200:
        exact += 1
        if t == o:
            same += 1
        else:
            bad.append('0x%04x differs' % i)
    else:
        cut += 1
        mine = [l for l in first_record(o)
                if 'Malformed' not in l and not l.startswith('[Severity') and not l.startswith('[Group')]
        # a cut signer's name: dissect shows the bytes left as dns.data
        if mine and mine[-1].startswith('Data: '):
            mine.pop()
        theirs = first_record(t)
        # (the last item may be cut where tshark's runs on: its label only)
        k = 0
        for l in theirs:
            if k < len(mine) and (l == mine[k] or (k == len(mine) - 1 and
                                                   l.split(':')[0] == mine[k].split(':')[0])):
                k += 1
        if k == len(mine) and len(mine) >= 2:
            cut_ok += 1
        else:
            bad.append('0x%04x cut record: lines not as tshark\'s' % i)
res.write('exact %d %d\ncut %d %d\n' % (exact, same, cut, cut_ok))
for b in bad:
    res.write('bad %s\n' % b)
PYEOF
read -r _ nts nours < <(grep '^frames' "$T_TMP/cmp")
read -r _ nexact nsame < <(grep '^exact' "$T_TMP/cmp")
read -r _ ncut ncutok < <(grep '^cut' "$T_TMP/cmp")
check_eq "frames (tshark, dissect)" "42 42" "$nts $nours"
check_eq "well-formed and end-cut frames with -V equal to tshark's (of $nexact)" "$nexact" "$nsame"
check_eq "cut records shown as tshark shows them as far as the data goes (of $ncut)" "$ncut" "$ncutok"
grep '^bad' "$T_TMP/cmp" | head -5

# (without -Y: with a filter tshark builds a tree and its exception for a
# record cut by the message's end comes before the owner goes to Info)
tshark -n -r "$f" 2>/dev/null | grep -v ' 0x11[0-9a-f][0-9a-f] ' >"$T_TMP/ts.sum"
"$D" -n -r "$f" 2>"$T_TMP/err" | grep -v ' 0x11[0-9a-f][0-9a-f] ' >"$T_TMP/ours.sum"
check_same "summary lines of the well-formed and end-cut frames ($(wc -l <"$T_TMP/ts.sum"))" \
  "$T_TMP/ts.sum" "$T_TMP/ours.sum"
# (fields of the well-formed ones: of a record cut by the message's end
# tshark keeps none, dissect its name, type and length, hidden in -V)
good='dns.id < 0x1100'

fields=(dns.id dns.resp.type dns.dnskey.flags dns.dnskey.flags.zone_key dns.dnskey.flags.key_revoked
  dns.dnskey.flags.secure_entry_point dns.dnskey.flags.reserved dns.dnskey.protocol
  dns.dnskey.algorithm dns.dnskey.key_id dns.dnskey.public_key dns.rrsig.type_covered
  dns.rrsig.algorithm dns.rrsig.labels dns.rrsig.original_ttl dns.rrsig.signature_expiration
  dns.rrsig.signature_inception dns.rrsig.key_tag dns.rrsig.signers_name dns.rrsig.signature
  dns.ds.key_id dns.ds.algorithm dns.ds.digest_type dns.ds.digest dns.nsec3.algo dns.nsec3.flags
  dns.nsec3.iterations dns.nsec3.salt_length dns.nsec3.salt_value dns.tlsa.certificate_usage
  dns.tlsa.selector dns.tlsa.matching_type dns.tlsa.certificate_association_data
  dns.sshfp.algorithm dns.sshfp.fingerprint.type dns.sshfp.fingerprint dns.caa.flags
  dns.caa.flags.issuer_critical dns.caa.issue dns.caa.issuewild dns.caa.iodef dns.caa.unknown
  dns.caa.tag_length dns.caa.tag dns.caa.value)
args=()
for x in "${fields[@]}"; do args+=(-e "$x"); done
tshark -n -r "$f" -Y "$good" -T fields -E occurrence=a "${args[@]}" 2>/dev/null >"$T_TMP/ts.f"
"$D" -n -r "$f" -Y "$good" -T fields -E occurrence=a "${args[@]}" 2>"$T_TMP/err" >"$T_TMP/ours.f"
check_same "${#fields[@]} fields, every occurrence, as tshark's" "$T_TMP/ts.f" "$T_TMP/ours.f"
# the same in another zone: the signature times are local times
# a few fields only: the other nodes of each record are not built (field
# ghosts), and the fields asked for must still come in tree order
few=(-e dns.id -e dns.resp.name -e dns.resp.type -e dns.dnskey.flags -e dns.dnskey.key_id
  -e dns.rrsig.signers_name -e dns.ds.digest)
tshark -n -r "$f" -Y "$good" -T fields -E occurrence=a "${few[@]}" 2>/dev/null >"$T_TMP/ts.few"
"$D" -n -r "$f" -Y "$good" -T fields -E occurrence=a "${few[@]}" 2>"$T_TMP/err" >"$T_TMP/ours.few"
check_same "7 fields, every occurrence, in tree order as tshark's" "$T_TMP/ts.few" "$T_TMP/ours.few"
TZ=America/New_York tshark -n -r "$f" -Y "$good" -T fields -e dns.rrsig.signature_expiration \
  -e dns.rrsig.signature_inception 2>/dev/null >"$T_TMP/ts.tz"
TZ=America/New_York "$D" -n -r "$f" -Y "$good" -T fields -e dns.rrsig.signature_expiration \
  -e dns.rrsig.signature_inception 2>"$T_TMP/err" >"$T_TMP/ours.tz"
check_same "signature times in TZ=America/New_York as tshark's" "$T_TMP/ts.tz" "$T_TMP/ours.tz"
check_eq "filter on decoded fields (dns.dnskey.key_id == 1032 || dns.rrsig.key_tag == 13179)" \
  "$(tshark -n -r "$f" -Y 'dns.dnskey.key_id == 1032 || dns.rrsig.key_tag == 13179' -T fields -e frame.number 2>/dev/null | tr '\n' ' ')" \
  "$("$D" -n -r "$f" -Y 'dns.dnskey.key_id == 1032 || dns.rrsig.key_tag == 13179' -T fields -e frame.number 2>/dev/null | tr '\n' ' ')"

nd=/tmp/ndpi/dns_fragmented.pcap
if [[ -r $nd ]]; then
  tshark -n -r "$nd" -V 2>/dev/null >"$T_TMP/nd.ts"
  "$D" -n -r "$nd" -V 2>/dev/null | grep -v 'Three-way handshake step' >"$T_TMP/nd.ours"
  check_same "dns_fragmented.pcap: -V as tshark's ($(wc -l <"$T_TMP/nd.ts") lines)" "$T_TMP/nd.ts" "$T_TMP/nd.ours"
fi
finish
