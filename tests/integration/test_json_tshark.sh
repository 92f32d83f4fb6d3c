#!/usr/bin/env bash
# `dissect -T json` (compact, typed) against tshark 4.0 on the samples:
#   - no more bytes than `tshark -T json` for the same packets, sample by
#     sample and in total (issue 12: "no more bytes than tshark's");
#   - the values of fields both have equal tshark's -T fields values, typed
#     (integers as numbers, booleans as true/false, times as the same exact
#     strings: frame.time_epoch "1795335939.294211000");
#   - the names beside enumerated values (NAME#name) are the names tshark
#     shows in its tree (tshark -T pdml showname "Protocol: UDP (17)").
#   - -j and -J NAMES with -T json and -T ek filter as tshark's do.
# Expected values come from tshark, never from dissect. Skipped (exit 77,
# with a message) when tshark is not installed.
# Usage: test_json_tshark.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_json_tshark.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_json_tshark.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
S=$SRC/samples
if ! command -v tshark >/dev/null 2>&1; then
  echo "SKIPPED: tshark is not installed (apt-get install tshark): -T json is not compared with it"
  exit 77
fi
[[ -x $D ]] || skip "$D not built"
[[ -f $S/dns.pcap ]] || skip "no sample captures in $S"
[[ -n $PY ]] || skip "python3 not installed"
t_tmpdir
export WIRESHARK_CONFIG_DIR=$T_TMP/wireshark-config
mkdir -p "$WIRESHARK_CONFIG_DIR"
unset SSLKEYLOGFILE
export TZ=UTC

# ---------------------------------------------------------------- byte counts
# tshark 4.0 does not know the QUIC v2 draft: it writes that sample's
# payloads as one data field each, so the two do not write the same fields.
declare -A NOT_SAME=([quic-v2draft.pcap]="tshark 4.0 does not dissect the QUIC v2 draft")
# tshark's byte counts are kept in json-bytes.txt (its first line tshark's
# version, then per sample the sha256 of the capture and its key log, the
# name and tshark's count), as filters.stamp keeps the filter check: a
# sample whose hash or a tshark whose version differs is run again (and
# DX_FULL_TSHARK=1 runs every one), and a passing run that ran any prints
# the new file to copy there. The counts are tshark's, never dissect's.
BYTES_FILE=$SRC/tests/integration/json-bytes.txt
tver=$(tshark -v 2>/dev/null | head -1)
declare -A KEPT=()
if [[ -z ${DX_FULL_TSHARK:-} && -f $BYTES_FILE && $(head -1 "$BYTES_FILE") == "$tver" ]]; then
  while read -r h n b; do
    KEPT[$n]="$h $b"
  done < <(tail -n +2 "$BYTES_FILE")
fi
bytes_lines=("$tver")
ran_tshark=0
ours_total=0
theirs_total=0
for f in "$S"/*.pcap "$S"/*.pcapng; do
  [[ -f $f ]] || continue
  name=$(basename "$f")
  kl=${f%.*}.keylog
  dargs=(-r "$f")
  targs=(-n -r "$f")
  if [[ -f $kl ]]; then
    dargs+=(--keylog "$kl")
    targs+=(-o "tls.keylog_file:$kl")
  fi
  ours=$("$D" "${dargs[@]}" -T json | wc -c)
  key=$(cat "$f" $([[ -f $kl ]] && echo "$kl") | sha256sum | cut -d' ' -f1)
  if [[ ${KEPT[$name]:-} == "$key "* ]]; then
    theirs=${KEPT[$name]#* }
  else
    theirs=$(tshark "${targs[@]}" -T json 2>/dev/null | wc -c)
    ran_tshark=$((ran_tshark + 1))
  fi
  bytes_lines+=("$key $name $theirs")
  if [[ -n ${NOT_SAME[$name]:-} ]]; then
    echo "note $name: -T json ${ours} bytes, tshark ${theirs}: not compared (${NOT_SAME[$name]})"
    continue
  fi
  ours_total=$((ours_total + ours))
  theirs_total=$((theirs_total + theirs))
  pct=$((theirs ? 100 * ours / theirs : 0))
  if ((ours <= theirs)); then
    pass "$name: -T json ${ours} bytes, no more than tshark's ${theirs} (${pct}%)"
  else
    fail "$name: -T json ${ours} bytes, no more than tshark's ${theirs} (${pct}%)"
  fi
done
if ((ours_total <= theirs_total)); then
  pass "all samples: -T json ${ours_total} bytes, tshark ${theirs_total} ($((100 * ours_total / theirs_total))%)"
else
  fail "all samples: -T json ${ours_total} bytes, no more than tshark's ${theirs_total}"
fi
if ((ran_tshark)); then
  printf '%s\n' "${bytes_lines[@]}" >"/tmp/json-bytes.txt.$$"
  echo "note: tshark -T json ran on $ran_tshark samples (json-bytes.txt did not hold them); to keep its counts:"
  echo "  cp /tmp/json-bytes.txt.$$ tests/integration/json-bytes.txt"
else
  echo "note: tshark's -T json byte counts from json-bytes.txt (same tshark, same samples)"
fi

# ---------------------------------------------------------------- values
FIELDS=(frame.number frame.time_epoch frame.time_relative frame.time_delta frame.len frame.cap_len
  eth.src eth.dst eth.type ip.hdr_len ip.len ip.id ip.ttl ip.proto
  ip.src ip.dst ip.flags.df ip.checksum tcp.srcport tcp.dstport tcp.stream tcp.seq tcp.ack tcp.len
  tcp.hdr_len tcp.flags tcp.flags.syn tcp.flags.ack tcp.flags.fin tcp.window_size_value
  tcp.time_relative tcp.time_delta udp.srcport udp.dstport udp.length udp.stream dns.id
  dns.flags.response dns.flags.rcode dns.count.queries dns.count.answers dns.qry.name dns.qry.type
  dns.qry.class dns.resp.name dns.resp.type dns.resp.ttl dns.a dns.time tls.record.content_type
  tls.record.version tls.record.length tls.handshake.type tls.handshake.extensions_server_name
  tls.handshake.ciphersuite http.request.method http.request.uri http.request.version http.host
  http.response.code http.content_length)
# enumerated values whose names tshark shows as "Label: NAME (N)"
NAMED=(frame.encap_type eth.type ip.proto ip.dsfield.dscp dns.qry.type dns.qry.class dns.resp.type
  dns.flags.opcode dns.flags.rcode tls.record.content_type tls.record.version tls.handshake.type
  tls.handshake.ciphersuite tls.handshake.extension.type http.response.code)
CAPS=(dns.pcap dns-tcp.pcap http.pcap https-tls12.pcap https-tls13.pcap tcp-anomalies.pcap
  tls12-rsa.pcap misc.pcap)
printf '%s\n' "${FIELDS[@]}" >"$T_TMP/fields"
printf '%s\n' "${NAMED[@]}" >"$T_TMP/named"
"$D" -G fields >"$T_TMP/types"

cat >"$T_TMP/cmp.py" <<'EOF'
import json, re, sys
import xml.etree.ElementTree as ET

name, ours_file, tf_file, pdml_file, fields_file, named_file, types_file = sys.argv[1:8]
fields = open(fields_file).read().split()
named = open(named_file).read().split()
ftype = dict(l.rstrip("\n").split("\t")[0::2] for l in open(types_file))
AGG = "\x1e"

def say(label, good, why=""):
    print(("ok %s" % label) if good else ("FAIL %s\t%s" % (label, why)))

def typed(field, s):
    """tshark's -T fields text as the compact form types it."""
    t = ftype.get(field)
    if t == "bool":
        return s in ("1", "True")
    if t in ("uint8", "uint16", "uint24", "uint32", "uint64", "int32", "int64", "framenum"):
        return int(s, 0)
    return s

def collect(obj, key, out):
    """Occurrences of key in the compact form, in tree order."""
    if isinstance(obj, list):
        for o in obj:
            collect(o, key, out)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            if k == key:
                out.extend(v if isinstance(v, list) else [v])
            if isinstance(v, (dict, list)):
                collect(v, key, out)

ours = json.load(open(ours_file))
rows = [l.rstrip("\n").split("\t") for l in open(tf_file) if l.strip()]
if len(rows) != len(ours):
    say("%s: as many packets as tshark" % name, False, "%d vs %d" % (len(ours), len(rows)))
    sys.exit(0)
counts, bad = {}, []
for p, row in zip(ours, rows):
    num = p["layers"]["frame"]["frame.number"]
    for i, f in enumerate(fields):
        want = [typed(f, s) for s in row[i].split(AGG)] if i < len(row) and row[i] != "" else []
        got = []
        collect(p["layers"], f, got)
        if got != want:
            bad.append("frame %d %s: %r, tshark %r" % (num, f, got[:4], want[:4]))
        counts[f] = counts.get(f, 0) + len(want)
seen = sorted(f for f in fields if counts.get(f))
say("%s: %d fields equal tshark -T fields, typed (%d values: %s)" % (
    name, len(seen), sum(counts.values()), " ".join(seen)), not bad, " | ".join(bad[:3]))

# NAME#name against tshark's tree (pdml showname "Label: NAME (N)")
SHOWN = re.compile(r"^.*?: (.*) \((0x[0-9a-fA-F]+|-?[0-9]+)\)$")
want_names = {f: [] for f in named}
for pk in ET.parse(pdml_file).getroot().iter("packet"):
    per = {f: [] for f in named}
    for fe in pk.iter("field"):
        f = fe.get("name")
        if f in per and fe.get("hide") != "yes":
            m = SHOWN.match(fe.get("showname") or "")
            per[f].append(m.group(1) if m and not m.group(1).startswith("Unknown") else None)
    for f in named:
        want_names[f].append(per[f])
bad, n = [], 0
for i, p in enumerate(ours):
    for f in named:
        vals, names = [], []
        collect(p["layers"], f, vals)
        collect(p["layers"], f + "#name", names)
        # lined up: a single value's name is a string, else an array
        if len(names) != len(vals) and names:
            bad.append("frame %d %s: %d names for %d values" % (i + 1, f, len(names), len(vals)))
            continue
        names = names or [None] * len(vals)
        want = want_names[f][i]
        if names != want:
            bad.append("frame %d %s#name: %r, tshark shows %r" % (i + 1, f, names[:3], want[:3]))
        n += sum(1 for x in want if x)
say("%s: NAME#name as tshark names the value in its tree (%d names of %s)" % (name, n, " ".join(named)),
    not bad, " | ".join(bad[:3]))
EOF

for cap in "${CAPS[@]}"; do
  f=$S/$cap
  [[ -f $f ]] || continue
  kl=${f%.*}.keylog
  dargs=(-r "$f")
  targs=(-n -r "$f")
  if [[ -f $kl ]]; then
    dargs+=(--keylog "$kl")
    targs+=(-o "tls.keylog_file:$kl")
  fi
  "$D" "${dargs[@]}" -T json >"$T_TMP/ours.json"
  eargs=()
  for x in "${FIELDS[@]}"; do eargs+=(-e "$x"); done
  tshark "${targs[@]}" -T fields -E occurrence=a -E aggregator=$'\x1e' "${eargs[@]}" \
    >"$T_TMP/tf.tsv" 2>/dev/null
  tshark "${targs[@]}" -T pdml >"$T_TMP/t.pdml" 2>/dev/null
  while IFS= read -r line; do
    case $line in
    ok\ *) pass "${line#ok }" ;;
    FAIL\ *) line=${line#FAIL }; fail "${line%%$'\t'*}" "${line#*$'\t'}" ;;
    *) fail "$cap: checker" "$line" ;;
    esac
  done < <($PY "$T_TMP/cmp.py" "$cap" "$T_TMP/ours.json" "$T_TMP/tf.tsv" "$T_TMP/t.pdml" \
    "$T_TMP/fields" "$T_TMP/named" "$T_TMP/types" 2>&1)
done

# ---------------------------------------------------------------- -j / -J
# tshark's -j NAMES writes the children of a node only when its name is
# listed ({"filtered": "NAME"} otherwise), -J also everything under a listed
# node; in -T ek every value not listed is filtered too. Compared packet by
# packet with tshark's: the {"filtered": NAME} markers and the keys shown,
# over the fields both write for that packet (tshark's values are strings
# and it writes hidden fields, so the values and the other keys are not
# compared; a subtree is compared where both trees have it as one).
cat >"$T_TMP/jcmp.py" <<'EOF'
import json, sys
# usage: jcmp.py FORM TSHARK_FULL OURS_FULL TSHARK_J OURS_J
form, tf, of, tj, oj = sys.argv[1:6]
def pairs(x): return ("P", x)
def load(path, ek):
    txt = open(path, encoding="utf-8").read()
    if ek:
        docs = [json.loads(l, object_pairs_hook=lambda x: ("P", x)) for l in txt.splitlines() if l.strip()]
        return [d for d in docs if not any(k == "index" for k, _ in d[1])]
    return json.loads(txt, object_pairs_hook=lambda x: ("P", x))
def walk(v, keys, filt, ek, subs=None):
    if isinstance(v, tuple) and v[0] == "P":
        items = v[1]
        if len(items) == 1 and items[0][0] == "filtered" and isinstance(items[0][1], str):
            filt.add(items[0][1]); return
        for k, x in items:
            if not ek:
                base = k[:-5] if k.endswith("_tree") else k
                if "#" not in k: keys.add(base)
                if subs is not None and (k.endswith("_tree") or isinstance(x, tuple) or
                                         (isinstance(x, list) and any(isinstance(y, tuple) for y in x))):
                    subs.add(base)
            walk(x, keys, filt, ek, subs)
    elif isinstance(v, list):
        for x in v: walk(x, keys, filt, ek, subs)
def layers(doc, ek):
    if ek:
        return dict(doc[1])["layers"]
    d = dict(doc[1])
    if "_source" in d: d = dict(d["_source"][1])
    return d["layers"]
ek = form == "ek"
T, O, TJ, OJ = load(tf, False), load(of, False), load(tj, ek), load(oj, ek)
bad, n = [], 0
for i, (t, o, a, b) in enumerate(zip(T, O, TJ, OJ)):
    kt, ko, st, so = set(), set(), set(), set()
    walk(layers(t, False), kt, set(), False, st); walk(layers(o, False), ko, set(), False, so)
    K = kt & ko
    # a filtered subtree is compared where both trees have it as one (the
    # shapes differ in places: tshark's HTTP request line is a text item)
    KS = (st & so) | {"_ws.expert"}
    ka, kb, fa, fb = set(), set(), set(), set()
    walk(layers(a, ek), ka, fa, ek); walk(layers(b, ek), kb, fb, ek)
    fa &= KS if not ek else K; fb &= KS if not ek else K
    if fa != fb:
        bad.append("frame %d filtered: tshark only %s, dissect only %s" % (i + 1, sorted(fa - fb)[:4], sorted(fb - fa)[:4]))
    if not ek and (ka & K) != (kb & K):
        bad.append("frame %d keys: tshark only %s, dissect only %s" % (i + 1, sorted((ka - kb) & K)[:4], sorted((kb - ka) & K)[:4]))
    n += len(fa) + (len(ka & K) if not ek else 0)
if len(TJ) != len(OJ) or len(T) != len(TJ):
    bad.append("packets: %d %d %d %d" % (len(T), len(O), len(TJ), len(OJ)))
print("ok %d" % n if not bad else "FAIL " + " | ".join(bad[:3]))
EOF
for cap in http.pcap https-tls12.pcap tcp-anomalies.pcap; do
  f=$S/$cap
  [[ -f $f ]] || continue
  tshark -n -r "$f" -c 80 -T json >"$T_TMP/tfull.json" 2>/dev/null
  "$D" -r "$f" -c 80 -T json >"$T_TMP/ofull.json"
  for form in json ek; do
    for j in "-j ip" "-j tcp tcp.flags tcp.options _ws.expert tcp.analysis" "-J tcp" \
      "-j tls tls.record tls.handshake" "-J tls"; do
      opt=${j%% *} names=${j#* }
      tshark -n -r "$f" -c 80 -T $form $opt "$names" >"$T_TMP/tj" 2>/dev/null
      "$D" -r "$f" -c 80 -T $form $opt "$names" >"$T_TMP/oj" 2>&1
      res=$($PY "$T_TMP/jcmp.py" $form "$T_TMP/tfull.json" "$T_TMP/ofull.json" "$T_TMP/tj" "$T_TMP/oj" 2>&1)
      # and the whole output still validates against its schema
      if $PY -c "import jsonschema" 2>/dev/null; then
        sch=$SRC/docs/$form.schema.json
        if $PY - "$sch" "$T_TMP/oj" "$form" <<'EOF'; then :; else res="schema: not valid"; fi
import json, sys, jsonschema
sch, path, form = sys.argv[1:4]
txt = open(path).read()
doc = [json.loads(l) for l in txt.splitlines()] if form == "ek" else json.loads(txt)
jsonschema.validate(doc, json.load(open(sch)))
EOF
      fi
      case $res in
      ok\ *) pass "$cap -T $form $j: filtered markers and keys as tshark's (${res#ok } compared), schema valid" ;;
      *) fail "$cap -T $form $j: filtered markers and keys as tshark's" "$res" ;;
      esac
    done
  done
done
# with -e tshark writes the fields only: -j changes nothing
a=$("$D" -r "$S/http.pcap" -c 5 -T json -e ip.src -e tcp.flags)
b=$("$D" -r "$S/http.pcap" -c 5 -T json -e ip.src -e tcp.flags -j ip)
if [[ -n $a && $a == "$b" ]]; then pass "-T json -e: -j changes nothing (as tshark)"; else
  fail "-T json -e: -j changes nothing (as tshark)"; fi
if "$D" -r "$S/http.pcap" -c 1 -T jsontree -j ip >/dev/null 2>&1; then
  fail "-T jsontree -j is refused (tshark has no tree form)"
else
  pass "-T jsontree -j is refused (tshark has no tree form)"
fi

finish
