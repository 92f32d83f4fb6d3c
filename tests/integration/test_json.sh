#!/usr/bin/env bash
# JSON output of `dissect` in its three forms, on every sample (with its key
# log when it has one):
#   -T json      compact and typed (docs/json.schema.json)
#   -T jsontree  the whole tree (docs/jsontree.schema.json)
#   -T ek        Elasticsearch bulk lines (docs/ek.schema.json)
# Each whole output parses without a duplicate key, is valid UTF-8, holds
# every packet, and validates against its schema with python3-jsonschema (a
# second implementation, not ours): -T json and -T ek of every sample, -T
# jsontree of the samples whose tree is at most 2 MB (24 of 29; the
# validator takes a second per MB of tree, and the larger trees hold
# nothing the smaller ones do not); the three forms hold the same packets;
# every field of the compact form has the JSON type of its field type
# (dissect -G fields); times are exact strings, never binary floats;
# --json-pretty changes only the spacing; memory stays flat with the number
# of packets. The Elasticsearch side of -T ek is test_json_ek.sh; the
# comparison with tshark (values, names, byte counts) test_json_tshark.sh.
# Usage: test_json.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_json.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_json.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
S=$SRC/samples
[[ -x $D ]] || skip "$D not built"
[[ -f $S/dns.pcap ]] || skip "no sample captures in $S"
[[ -n $PY ]] || skip "python3 not installed"
t_tmpdir
unset SSLKEYLOGFILE

JS=1
if [[ -n ${DX_SANITIZED:-} ]]; then
  # under the sanitizers (the ASan build's ctest) the outputs are those the
  # normal build's run validated against the schemas already: the dissect
  # runs are what is checked here, and the slow jsonschema pass is left out
  JS=0
  echo "note: DX_SANITIZED: the schema checks ran in the normal build; the others run"
elif ! $PY -c 'import jsonschema' 2>/dev/null; then
  JS=0
  echo "note: python3-jsonschema is not installed (apt-get install python3-jsonschema):" \
    "the schema checks are skipped, the others run"
fi

# ---------------------------------------------------------------- the schemas
for form in json jsontree ek; do
  sch=$SRC/docs/$form.schema.json
  if ((JS)); then
    if out=$($PY -c 'import json, sys, jsonschema
jsonschema.Draft202012Validator.check_schema(json.load(open(sys.argv[1])))' "$sch" 2>&1); then
      pass "docs/$form.schema.json is a valid draft 2020-12 schema"
    else
      fail "docs/$form.schema.json is a valid draft 2020-12 schema" "$(tail -3 <<<"$out")"
    fi
  elif $PY -c 'import json, sys; json.load(open(sys.argv[1]))' "$sch" 2>/dev/null; then
    pass "docs/$form.schema.json is valid JSON"
  else
    fail "docs/$form.schema.json is valid JSON"
  fi
done

# ---------------------------------------------------------------- every sample
$D -G fields >"$T_TMP/fields.tsv"
mkdir -p "$T_TMP/o"
: >"$T_TMP/list"
for f in "$S"/*.pcap "$S"/*.pcapng; do
  [[ -f $f ]] || continue
  name=$(basename "$f")
  kl=${f%.*}.keylog
  args=(-r "$f")
  [[ -f $kl ]] && args+=(--keylog "$kl")
  for form in json jsontree ek; do
    run "$D" "${args[@]}" -T "$form"
    check_rc_zero "$name -T $form: exit status 0"
    mv "$T_TMP/out" "$T_TMP/o/$name.$form"
  done
  printf '%s\t%s\n' "$name" "$(capinfos_count "$f")" >>"$T_TMP/list"
done

# check.py JS LIST OUTDIR SCHEMADIR FIELDS: one "ok NAME" / "FAIL NAME: why"
# line per check, for the samples of LIST (name, packet count or empty).
cat >"$T_TMP/check.py" <<'EOF'
import json, re, sys

use_js, listfile, outdir, schemadir, fieldsfile = sys.argv[1:6]
use_js = use_js == "1"
ftype = {}
for line in open(fieldsfile):
    n, _l, t = line.rstrip("\n").split("\t")
    ftype[n] = t

validators = {}
if use_js:
    import jsonschema
    for form in ("json", "jsontree", "ek"):
        validators[form] = jsonschema.Draft202012Validator(
            json.load(open("%s/%s.schema.json" % (schemadir, form))))

def say(name, good, why=""):
    print(("ok %s" % name) if good else ("FAIL %s\t%s" % (name, why)), flush=True)

class DupKey(Exception):
    pass

def no_dups(pairs):
    seen = {}
    for k, v in pairs:
        if k in seen:
            raise DupKey("duplicate key %r" % k)
        seen[k] = v
    return seen

def parse(text):
    return json.loads(text, object_pairs_hook=no_dups)

SECONDS = re.compile(r"^-?[0-9]+\.[0-9]{9}$")
ISO = re.compile(r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z$")
IPV4 = re.compile(r"^[0-9]{1,3}(\.[0-9]{1,3}){3}$")
ETHER = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")
HEX = re.compile(r"^([0-9a-f]{2})*$")
INTS = {"uint8", "uint16", "uint24", "uint32", "uint64", "int32", "int64", "framenum"}

def type_ok(t, v):
    """Is v a right value in the compact form for a field of type t?"""
    if t == "bool":
        return isinstance(v, bool)
    if t in INTS:
        if isinstance(v, bool) or not isinstance(v, int):
            return False
        return v >= 0 if t.startswith("uint") or t == "framenum" else True
    if t == "double":
        return v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))
    if t == "reltime":
        return isinstance(v, str) and SECONDS.match(v)
    if t == "abstime":
        return isinstance(v, str) and (SECONDS.match(v) or ISO.match(v))
    if t == "ipv4":
        return isinstance(v, str) and IPV4.match(v)
    if t == "ipv6":
        return isinstance(v, str) and re.match(r"^[0-9a-f:.]*$", v)
    if t == "ether":
        return isinstance(v, str) and ETHER.match(v)
    if t == "bytes":
        return isinstance(v, str) and HEX.match(v)
    if t == "string":
        return isinstance(v, str)
    if t == "none":  # its label, or its children
        return isinstance(v, (str, dict))
    if t == "protocol":
        return isinstance(v, dict)
    return False

def occurrences(v):
    return v if isinstance(v, list) else [v]

def check_types(obj, bad, counts, path):
    """Every key of the compact form: a field of the right type, NAME#name
    beside an integer NAME (names lined up), NAME_tree beside NAME."""
    if not isinstance(obj, dict):
        return
    for k, v in obj.items():
        if k.endswith("#name"):
            base = k[:-5]
            if base not in obj:
                bad.append("%s/%s: no %s beside it" % (path, k, base))
            elif isinstance(obj[base], list) != isinstance(v, list) or (
                    isinstance(v, list) and len(v) != len(obj[base])):
                bad.append("%s/%s: not lined up with %s" % (path, k, base))
            elif ftype.get(base) not in INTS:
                bad.append("%s/%s: a name beside a %s" % (path, k, ftype.get(base)))
            counts["#name"] = counts.get("#name", 0) + 1
            continue
        if k == "_ws.expert":
            for e in occurrences(v):
                if isinstance(e, dict):
                    for kk in ("_ws.expert.message", "_ws.expert.severity"):
                        if kk not in e:
                            bad.append("%s/_ws.expert: no %s" % (path, kk))
                    check_types(e, bad, counts, path + "/_ws.expert")
            continue
        if k.endswith("_tree") and k not in ftype:
            base = k[:-5]
            if base not in obj:
                bad.append("%s/%s: no %s beside it" % (path, k, base))
            for t in occurrences(v):
                check_types(t, bad, counts, path + "/" + k)
            continue
        t = ftype.get(k)
        if t is None:
            bad.append("%s/%s: not a field name (dissect -G fields)" % (path, k))
            continue
        for o in occurrences(v):
            if not type_ok(t, o):
                bad.append("%s/%s: %r is not a %s" % (path, k, o, t))
            if isinstance(o, dict):
                check_types(o, bad, counts, path + "/" + k)
        counts[t] = counts.get(t, 0) + len(occurrences(v))

for line in open(listfile):
    name, want = line.rstrip("\n").split("\t")
    want = int(want) if want else None
    docs = {}
    for form in ("json", "jsontree", "ek"):
        label = "%s -T %s" % (name, form)
        raw = open("%s/%s.%s" % (outdir, name, form), "rb").read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            say(label + ": valid UTF-8", False, str(e))
            continue
        if re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text):
            say(label + ": no control byte", False, "")
        try:
            if form == "ek":
                ok = text.endswith("\n") or text == ""
                say(label + ": newline-delimited, the last line too", ok, repr(text[-30:]))
                doc = [parse(l) for l in text.split("\n")[:-1]]
                packets = doc[1::2]
            else:
                doc = parse(text)
                packets = doc
                lines = text.count("\n")
                say(label + ": a packet a line", lines == len(doc) + 2 or (not doc and text == "[]\n"),
                    "%d lines for %d packets" % (lines, len(doc)))
        except (ValueError, DupKey) as e:
            say(label + ": parses as JSON, no duplicate key", False, str(e)[:200])
            continue
        say(label + ": parses as JSON, no duplicate key", True)
        if want is not None:
            say(label + ": %d packets" % want, len(packets) == want, "got %d" % len(packets))
        if use_js and (form != "jsontree" or len(raw) <= 2000000):
            errs = sorted(validators[form].iter_errors(doc), key=lambda e: list(e.absolute_path))
            say(label + ": the whole output validates against docs/%s.schema.json (jsonschema)" % form,
                not errs, " | ".join("%s: %s" % ("/".join(map(str, e.absolute_path))[:120], e.message[:200])
                                     for e in errs[:2]))
        docs[form] = packets
    if len(docs) != 3:
        continue
    # the same packets in the three forms: numbers and capture times
    nums = {
        "json": [p["layers"]["frame"]["frame.number"] for p in docs["json"]],
        "jsontree": [p["number"] for p in docs["jsontree"]],
        "ek": [p["layers"]["frame"]["frame_frame_number"] for p in docs["ek"]],
    }
    say("%s: the three forms hold the same packets, numbered 1..N" % name,
        nums["json"] == nums["jsontree"] == nums["ek"] == list(range(1, len(nums["json"]) + 1)),
        "%s" % {k: v[:5] for k, v in nums.items()})
    te = [p["layers"]["frame"]["frame.time_epoch"] for p in docs["json"]]
    say("%s: frame.time_epoch exact (nine decimals) and as -T jsontree's time_epoch" % name,
        all(SECONDS.match(t) for t in te) and te == [p["time_epoch"] for p in docs["jsontree"]],
        str(te[:2]))
    # every field typed as its type says
    bad, counts = [], {}
    for p in docs["json"]:
        check_types(p["layers"], bad, counts, "packet %s" % p["layers"]["frame"]["frame.number"])
    say("%s -T json: every key a field of its type (%s)" % (
        name, ", ".join("%s×%d" % kv for kv in sorted(counts.items()))), not bad, " | ".join(bad[:3]))
EOF

# two checkers at once, half the samples each (jsonschema is slow)
split -n l/2 "$T_TMP/list" "$T_TMP/part."
for part in "$T_TMP"/part.*; do
  $PY "$T_TMP/check.py" "$JS" "$part" "$T_TMP/o" "$SRC/docs" "$T_TMP/fields.tsv" >"$part.res" 2>&1 &
done
wait
while IFS= read -r line; do
  case $line in
  ok\ *) pass "${line#ok }" ;;
  FAIL\ *) line=${line#FAIL }; fail "${line%%$'\t'*}" "${line#*$'\t'}" ;;
  *) fail "checker" "$line" ;;
  esac
done < <(cat "$T_TMP"/part.*.res)

# ---------------------------------------------------------------- times exact
# No JSON number with more than nine decimals or an exponent anywhere: times
# are strings, and no double of the samples needs one.
if grep -Eq '[:,\[][-]?[0-9]+\.[0-9]{10,}|[:,\[][-]?[0-9.]+[eE][-+]?[0-9]' "$T_TMP"/o/*.json; then
  fail "no binary-float artefact (0.00097099999999999997) in any -T json output" \
    "$(grep -Eoh '[:,\[][-]?[0-9]+\.[0-9]{10,}' "$T_TMP"/o/*.json | head -3)"
else
  pass "no binary-float artefact (0.00097099999999999997) in any -T json output"
fi

# ---------------------------------------------------------------- --json-pretty
for name in dns.pcap https-tls13.pcap; do
  kl=$S/${name%.*}.keylog
  args=(-r "$S/$name")
  [[ -f $kl ]] && args+=(--keylog "$kl")
  for form in json jsontree; do
    run "$D" "${args[@]}" -T $form --json-pretty
    if $PY -c 'import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
t = open(sys.argv[1]).read()
sys.exit(0 if a == b and "\n    \"" in t and t.startswith("[\n  {\n") else 1)' "$T_TMP/out" "$T_TMP/o/$name.$form"; then
      pass "$name -T $form --json-pretty: the same document, indented two spaces a level"
    else
      fail "$name -T $form --json-pretty: the same document, indented two spaces a level" "$(head -c 200 "$T_TMP/out")"
    fi
  done
done
run "$D" -r "$S/dns.pcap" -T ek --json-pretty
check_rc_error "--json-pretty with -T ek: refused (bulk lines are one document a line)"
run "$D" -r "$S/dns.pcap" -T jsontree -e frame.number
check_rc_error "-e with -T jsontree: refused"
run "$D" -r "$S/dns.pcap" -T jsonx
check_rc_error "-T jsonx: refused"
check_grep "-T jsonx: the message names jsontree" 'jsontree' "$T_TMP/err"

# ---------------------------------------------------------------- with -Y, -c, -l
run "$D" -r "$S/dns.pcap" -T json -Y "dns.flags.response == 1" -c 10
check_eq "-T json -Y ... -c 10: the responses among the first 10 packets" "2 4 6 8 10" \
  "$($PY -c 'import json, sys; print(*[p["layers"]["frame"]["frame.number"] for p in json.load(open(sys.argv[1]))])' "$T_TMP/out")"
for form in json jsontree ek; do
  run "$D" -r "$S/http.pcap" -T $form -l
  if cmp -s "$T_TMP/out" "$T_TMP/o/http.pcap.$form"; then
    pass "-T $form -l: the same bytes, flushed a packet at a time"
  else
    fail "-T $form -l: the same bytes, flushed a packet at a time"
  fi
done

# ---------------------------------------------------------------- edge cases
# A capture with no packets: an empty array, no bulk line.
pcap_write "$T_TMP/none.pcap" 1
for form in json jsontree; do
  run "$D" -r "$T_TMP/none.pcap" -T $form
  check_rc_zero "no packets -T $form: exit status 0"
  check_eq "no packets -T $form: []" "[]" "$(cat "$T_TMP/out")"
done
run "$D" -r "$T_TMP/none.pcap" -T ek
check_eq "no packets -T ek: no output" 0 "$(wc -c <"$T_TMP/out")"

# Hostile strings: control bytes and invalid UTF-8 in a frame's data become
# valid JSON in every form (the checker requires valid UTF-8, no control
# byte, and parses every string).
pcap_write "$T_TMP/bytes.pcap" 1 \
  "020000000002 020000000001 88b5 1b5b33316d ff fe c0 80 ed a0 80 f4 90 80 80 00 22 5c 0a 0d 7f e2 82 ac"
for form in json jsontree ek; do
  run "$D" -r "$T_TMP/bytes.pcap" -T $form
  check_rc_zero "control bytes/invalid UTF-8 -T $form: exit status 0"
  mv "$T_TMP/out" "$T_TMP/o/bytes.pcap.$form"
done
printf 'bytes.pcap\t1\n' >"$T_TMP/list1"
while IFS= read -r line; do
  case $line in
  ok\ *) pass "${line#ok }" ;;
  FAIL\ *) line=${line#FAIL }; fail "${line%%$'\t'*}" "${line#*$'\t'}" ;;
  *) fail "checker" "$line" ;;
  esac
done < <($PY "$T_TMP/check.py" "$JS" "$T_TMP/list1" "$T_TMP/o" "$SRC/docs" "$T_TMP/fields.tsv" 2>&1)

# ---------------------------------------------------------------- memory
# Max RSS of -T json on 1x and 50x the packets of http.pcap: bounded and flat.
# (Not under AddressSanitizer, whose shadow memory and quarantine change RSS.)
# (the tools' output is read whole first: "| grep -q" ends the pipe early,
# and under pipefail the writer's SIGPIPE made the test think otherwise)
libs=$(ldd "$D" 2>/dev/null)
syms=$(nm "$D" 2>/dev/null)
if [[ $libs =~ libasan|clang_rt\.asan || $syms == *" __asan_init"* ]]; then
  echo "note: $D is built with AddressSanitizer; memory checks skipped"
  finish
fi
$PY - "$S/http.pcap" "$T_TMP/big.pcap" 50 <<'EOF'
import struct, sys
src, dst, times = sys.argv[1], sys.argv[2], int(sys.argv[3])
d = open(src, "rb").read()
e = "<" if d[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
recs, off = [], 24
while off + 16 <= len(d):
    sec, frac, incl, orig = struct.unpack(e + "IIII", d[off:off + 16])
    recs.append((sec, frac, incl, orig, d[off + 16:off + 16 + incl]))
    off += 16 + incl
span = recs[-1][0] - recs[0][0] + 1
with open(dst, "wb") as f:
    f.write(d[:24])
    for k in range(times):
        for sec, frac, incl, orig, b in recs:
            f.write(struct.pack(e + "IIII", sec + k * span, frac, incl, orig) + b)
EOF
maxrss() { # prints the max RSS in KiB of: dissect ARGS > /dev/null
  $PY -c '
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
}
rss1=$(maxrss "$D" -r "$S/http.pcap" -T json)
for form in json jsontree ek; do
  rss50=$(maxrss "$D" -r "$T_TMP/big.pcap" -T $form)
  echo "max RSS, -T $form: http.pcap ${rss1} KiB (-T json), 50x http.pcap ${rss50} KiB"
  if ((rss50 < 30 * 1024)); then
    pass "memory: -T $form on 50x http.pcap stays below 30 MiB (${rss50} KiB)"
  else
    fail "memory: -T $form on 50x http.pcap stays below 30 MiB" "${rss50} KiB"
  fi
  if ((rss50 <= rss1 * 3 / 2 + 2048)); then
    pass "memory: -T $form on 50x the packets, about the same max RSS (${rss1} -> ${rss50} KiB)"
  else
    fail "memory: -T $form on 50x the packets, about the same max RSS" "${rss1} KiB -> ${rss50} KiB"
  fi
done

finish
