#!/usr/bin/env bash
# JSON output of `dissect`: -T json and -T ek on every sample must parse,
# hold no duplicate keys, and validate against docs/packet.schema.json;
# memory must not grow with the number of packets.
# Usage: test_json.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_json.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_json.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
S=$SRC/samples
SCHEMA=$SRC/docs/packet.schema.json
[[ -x $D ]] || skip "$D not built"
[[ -f $S/dns.pcap ]] || skip "no sample captures in $S"
[[ -n $PY ]] || skip "python3 not installed"
t_tmpdir

# ---------------------------------------------------------------- the checker
# check.py MODE FILE EXPECTED_PACKETS
#   MODE json: FILE is a JSON array of packets; ek: pairs of lines.
# Prints one "ok NAME" / "FAIL NAME: why" line per check.
cat >"$T_TMP/check.py" <<'EOF'
import json, re, sys

mode, path, want, schema_path = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
schema = json.load(open(schema_path))
want_validator = __import__("os").environ.get("CHECK_VALIDATOR", "builtin")
try:
    if want_validator != "jsonschema":
        raise ImportError
    import jsonschema
    jsonschema.Draft202012Validator.check_schema(schema)
    _v = jsonschema.Draft202012Validator(schema)
    def validate(doc):
        errs = sorted(_v.iter_errors(doc), key=lambda e: list(e.absolute_path))
        return ["%s: %s" % ("/".join(map(str, e.absolute_path)), e.message) for e in errs[:3]]
    VALIDATOR = "jsonschema"
except ImportError:
    # A minimal validator for the keywords docs/packet.schema.json uses.
    def resolve(ref):
        node = schema
        for part in ref.lstrip("#/").split("/"):
            node = node[part]
        return node
    TYPES = {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "boolean": lambda v: isinstance(v, bool),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    }
    def check(s, v, path, errs):
        if "$ref" in s:
            check(resolve(s["$ref"]), v, path, errs)
        if "type" in s:
            ts = s["type"] if isinstance(s["type"], list) else [s["type"]]
            if not any(TYPES[t](v) for t in ts):
                errs.append("%s: %r is not of type %s" % (path, v, ts)); return
        if "const" in s and v != s["const"]:
            errs.append("%s: %r is not %r" % (path, v, s["const"]))
        if "enum" in s and v not in s["enum"]:
            errs.append("%s: %r not in %r" % (path, v, s["enum"]))
        if isinstance(v, str):
            if len(v) < s.get("minLength", 0):
                errs.append("%s: too short" % path)
            if "pattern" in s and not re.search(s["pattern"], v):
                errs.append("%s: %r does not match %s" % (path, v, s["pattern"]))
        if isinstance(v, (int, float)) and not isinstance(v, bool) and "minimum" in s and v < s["minimum"]:
            errs.append("%s: %r < %r" % (path, v, s["minimum"]))
        if isinstance(v, dict):
            for k in s.get("required", []):
                if k not in v:
                    errs.append("%s: %r is required" % (path, k))
            props = s.get("properties", {})
            for k, sub in v.items():
                if k in props:
                    check(props[k], sub, path + "/" + k, errs)
                elif s.get("additionalProperties", True) is False:
                    errs.append("%s: unexpected key %r" % (path, k))
        if isinstance(v, list):
            if len(v) < s.get("minItems", 0):
                errs.append("%s: fewer than %d items" % (path, s["minItems"]))
            if s.get("uniqueItems") and len(set(map(json.dumps, v))) != len(v):
                errs.append("%s: items not unique" % path)
            if "items" in s:
                for i, sub in enumerate(v):
                    check(s["items"], sub, "%s/%d" % (path, i), errs)
        for sub in s.get("allOf", []):
            check(sub, v, path, errs)
        if "if" in s:
            e2 = []
            check(s["if"], v, path, e2)
            if not e2 and "then" in s:
                check(s["then"], v, path, errs)
            elif e2 and "else" in s:
                check(s["else"], v, path, errs)
        if "not" in s:
            e2 = []
            check(s["not"], v, path, e2)
            if not e2:
                errs.append("%s: must not match %s" % (path, json.dumps(s["not"])))
    def validate(doc):
        errs = []
        check(schema, doc, "", errs)
        return errs[:3]
    VALIDATOR = "built-in"

results = []
def ok(name, cond, why=""):
    results.append((name, bool(cond), why))

class DupKey(Exception):
    pass
def no_dups(pairs):
    seen = {}
    for k, v in pairs:
        if k in seen:
            raise DupKey("duplicate key %r" % k)
        seen[k] = v
    return seen

def parse(text, what):
    try:
        return json.loads(text, object_pairs_hook=no_dups), None
    except (ValueError, DupKey) as e:
        return None, "%s: %s" % (what, e)

raw = open(path, "rb").read()
try:
    text = raw.decode("utf-8")
    ok("output is valid UTF-8", True)
except UnicodeDecodeError as e:
    ok("output is valid UTF-8", False, str(e))
    text = raw.decode("utf-8", "replace")

packets, actions = [], []
if mode == "json":
    doc, err = parse(text, "json")
    ok("parses as JSON, no duplicate keys", err is None, err or "")
    if isinstance(doc, list):
        packets = doc
    else:
        ok("top level is an array", False, type(doc).__name__)
else:
    lines = text.split("\n")
    ok("ends with a newline", text.endswith("\n") or text == "", repr(text[-20:]))
    if lines and lines[-1] == "":
        lines.pop()
    ok("two lines per packet", len(lines) == 2 * int(want or 0) or want == "",
       "%d lines for %s packets" % (len(lines), want))
    bad = None
    for i, line in enumerate(lines):
        d, err = parse(line, "line %d" % (i + 1))
        if err:
            bad = bad or err
            continue
        (actions if i % 2 == 0 else packets).append(d)
    ok("every line parses as JSON, no duplicate keys", bad is None, bad or "")
    badact = [a for a in actions if not (isinstance(a, dict) and list(a) == ["index"]
              and isinstance(a["index"], dict) and isinstance(a["index"].get("_index"), str))]
    ok("odd lines are bulk index actions", not badact, json.dumps(badact[:1]))

if want != "":
    ok("packet count %s" % want, len(packets) == int(want), "got %d" % len(packets))
ok("packets numbered 1..N", [p.get("number") for p in packets if isinstance(p, dict)]
   == list(range(1, len(packets) + 1)))

schema_errs = []
for p in (packets if mode == "json" else []):
    errs = validate(p)
    if errs:
        schema_errs.append("packet %s: %s" % (p.get("number") if isinstance(p, dict) else "?", "; ".join(errs)))
if mode == "json":
    ok("every packet validates against the schema (%s validator)" % VALIDATOR, not schema_errs,
       " | ".join(schema_errs[:3]))

# Invariants the schema cannot express.
inv, ints = [], {}
INT_FIELDS = {"tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport", "ip.ttl", "ip.len",
              "tcp.seq", "dns.id", "frame.len", "frame.number", "eth.type"}
def walk(p, nodes, depth):
    for n in nodes:
        if not isinstance(n, dict):
            continue
        src = n.get("source", 0)
        srcs = p.get("sources", [])
        if not (isinstance(src, int) and 0 <= src < len(srcs)):
            inv.append("packet %s %s: source %r out of range" % (p.get("number"), n.get("name"), src))
        elif n.get("offset", 0) + n.get("length", 0) > srcs[src].get("length", 0):
            inv.append("packet %s %s: offset %s + length %s > source %d length %s"
                       % (p.get("number"), n.get("name"), n.get("offset"), n.get("length"), src,
                          srcs[src].get("length")))
        if n.get("name") in INT_FIELDS and "value" in n:
            v = n["value"]
            ints.setdefault(n["name"], 0)
            if isinstance(v, int) and not isinstance(v, bool):
                ints[n["name"]] += 1
            else:
                inv.append("packet %s %s: value %r is not an integer" % (p.get("number"), n["name"], v))
        walk(p, n.get("children", []), depth + 1)
for p in packets:
    if isinstance(p, dict):
        walk(p, p.get("layers", []), 0)
        srcs = p.get("sources", [])
        if [s.get("index") for s in srcs] != list(range(len(srcs))):
            inv.append("packet %s: sources not indexed 0..n-1" % p.get("number"))
        if srcs and srcs[0].get("length") != p.get("captured_length"):
            inv.append("packet %s: source 0 length != captured_length" % p.get("number"))
        fl = [n for n in p.get("layers", []) if isinstance(n, dict) and n.get("name") == "frame"]
        if not fl:
            inv.append("packet %s: no frame layer first" % p.get("number"))
ok("nodes lie inside their data source, integer fields are integers (%s)"
   % ",".join("%s×%d" % kv for kv in sorted(ints.items())), not inv, " | ".join(inv[:3]))

out = open(sys.argv[5], "w") if len(sys.argv) > 5 else None
if out:
    json.dump(packets, out, sort_keys=True)
for name, good, why in results:
    print(("ok %s" % name) if good else ("FAIL %s: %s" % (name, why)))
EOF

# check_doc MODE LABEL FILE WANT [DUMP]
# -T ek documents are not schema-checked again: they must equal -T json's.
check_doc() {
  local mode=$1 label=$2 file=$3 want=$4 dump=${5:-}
  local line
  while IFS= read -r line; do
    case $line in
    ok\ *) pass "$label: ${line#ok }" ;;
    FAIL\ *) line=${line#FAIL }; fail "$label: ${line%%: *}" "${line#*: }" ;;
    *) fail "$label: checker" "$line" ;;
    esac
  done < <($PY "$T_TMP/check.py" "$mode" "$file" "$want" "$SCHEMA" $dump 2>&1)
}

if $PY -c 'import json,sys; json.load(open(sys.argv[1]))' "$SCHEMA" 2>/dev/null; then
  pass "docs/packet.schema.json is valid JSON"
else
  fail "docs/packet.schema.json is valid JSON"
fi

# ---------------------------------------------------------------- every sample
js=0
if $PY -c 'import json, sys, jsonschema; jsonschema.Draft202012Validator.check_schema(json.load(open(sys.argv[1])))' "$SCHEMA" 2>/dev/null; then
  js=1
  pass "docs/packet.schema.json is a valid draft 2020-12 schema (jsonschema)"
else
  echo "note: python3 jsonschema module not installed; using the built-in validator only"
fi
for f in "$S"/*.pcap "$S"/*.pcapng; do
  [[ -f $f ]] || continue
  name=$(basename "$f")
  want=$(capinfos_count "$f")
  run "$D" -r "$f" -T json
  check_rc_zero "$name -T json: exit status 0"
  cp "$T_TMP/out" "$T_TMP/json"
  check_doc json "$name -T json" "$T_TMP/json" "$want" "$T_TMP/json.norm"
  run "$D" -r "$f" -T ek
  check_rc_zero "$name -T ek: exit status 0"
  cp "$T_TMP/out" "$T_TMP/ek"
  check_doc ek "$name -T ek" "$T_TMP/ek" "$want" "$T_TMP/ek.norm"
  if cmp -s "$T_TMP/json.norm" "$T_TMP/ek.norm"; then
    pass "$name: -T json and -T ek hold the same packets"
  else
    fail "$name: -T json and -T ek hold the same packets"
  fi
  # The reference validator too, where installed, on the smaller samples
  # (the built-in one covers the rest quickly).
  if ((js)) && (($(wc -c <"$T_TMP/json") < 600000)); then
    CHECK_VALIDATOR=jsonschema check_doc json "$name -T json" "$T_TMP/json" "$want"
  fi
done

# frame.len in JSON equals tshark's frame.len, and wire_length
if command -v tshark >/dev/null 2>&1; then
  want=$(tshark -r "$S/dns.pcap" -T fields -e frame.len 2>/dev/null)
  got=$($PY -c '
import json, sys
for p in json.load(open(sys.argv[1])):
    fr = [n for n in p["layers"] if n["name"] == "frame"][0]
    v = [c["value"] for c in fr.get("children", []) if c["name"] == "frame.len"]
    print(v[0] if v else p["wire_length"])' <("$D" -r "$S/dns.pcap" -T json))
  check_eq "dns.pcap: frame.len values as tshark" "$want" "$got"
fi

# A capture with no packets gives an empty array / no lines.
pcap_write "$T_TMP/none.pcap" 1
run "$D" -r "$T_TMP/none.pcap" -T json
check_rc_zero "no packets -T json: exit status 0"
check_eq "no packets -T json: an empty array" "[]" "$($PY -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' "$T_TMP/out" 2>&1)"
run "$D" -r "$T_TMP/none.pcap" -T ek
check_eq "no packets -T ek: no output" 0 "$(wc -c <"$T_TMP/out")"

# Hostile strings: control bytes and invalid UTF-8 in a frame's data become
# valid JSON (the checker requires valid UTF-8 and parses every string).
pcap_write "$T_TMP/bytes.pcap" 1 \
  "020000000002 020000000001 88b5 1b5b33316d ff fe c0 80 ed a0 80 f4 90 80 80 00 22 5c 0a 0d 7f e2 82 ac"
run "$D" -r "$T_TMP/bytes.pcap" -T json
check_rc_zero "control bytes/invalid UTF-8 -T json: exit status 0"
cp "$T_TMP/out" "$T_TMP/bytes.json"
check_doc json "control bytes/invalid UTF-8 -T json" "$T_TMP/bytes.json" 1

# ---------------------------------------------------------------- memory
# Max RSS of -T json on 1x and 50x the packets of http.pcap: bounded and flat.
# (Not under AddressSanitizer, whose shadow memory and quarantine change RSS.)
if ldd "$D" 2>/dev/null | grep -Eq 'libasan|clang_rt\.asan' || nm "$D" 2>/dev/null | grep -q ' __asan_init'; then
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
rss50=$(maxrss "$D" -r "$T_TMP/big.pcap" -T json)
echo "max RSS, -T json: http.pcap ${rss1} KiB, 50x http.pcap ${rss50} KiB"
if ((rss50 < 30 * 1024)); then
  pass "memory: -T json on 50x http.pcap stays below 30 MiB (${rss50} KiB)"
else
  fail "memory: -T json on 50x http.pcap stays below 30 MiB" "${rss50} KiB"
fi
if ((rss50 <= rss1 * 3 / 2 + 2048)); then
  pass "memory: 50x the packets, about the same max RSS (${rss1} -> ${rss50} KiB)"
else
  fail "memory: 50x the packets, about the same max RSS" "${rss1} KiB -> ${rss50} KiB"
fi
rss50ek=$(maxrss "$D" -r "$T_TMP/big.pcap" -T ek)
if ((rss50ek <= rss1 * 3 / 2 + 2048)); then
  pass "memory: -T ek on 50x http.pcap, about the same max RSS (${rss50ek} KiB)"
else
  fail "memory: -T ek on 50x http.pcap, about the same max RSS" "${rss1} KiB -> ${rss50ek} KiB"
fi

finish
