#!/usr/bin/env bash
# `dissect -T ek` against what Elasticsearch/OpenSearch take, with no
# Elasticsearch at hand: every sample's output (with its key log when it has
# one), line by line, has the shape the bulk API documents
# (action_and_meta_data\n optional_source\n ..., the last line ending with
# \n; actions index/create/delete/update with their metadata; index names as
# Elasticsearch allows them; no _type, which Elasticsearch 8 refuses); no
# document key holds a dot (Elasticsearch reads a dot as an object path) or
# starts with '_' at the top; a key is the same kind of value (object,
# string, number, boolean) in every document of every sample, as one index
# mapping needs; docs/ek-mapping.json is an index template whose dynamic
# templates give every key the samples hold a type that takes its values;
# and docs/ek-mapping.py, run on this build's field list, writes a template
# that does too; also with -x (tshark's NAME_raw members).
# Usage: test_json_ek.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_json_ek.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_json_ek.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
S=$SRC/samples
[[ -x $D ]] || skip "$D not built"
[[ -f $S/dns.pcap ]] || skip "no sample captures in $S"
[[ -n $PY ]] || skip "python3 not installed"
t_tmpdir
unset SSLKEYLOGFILE

mkdir -p "$T_TMP/ek"
for f in "$S"/*.pcap "$S"/*.pcapng; do
  [[ -f $f ]] || continue
  kl=${f%.*}.keylog
  args=(-r "$f")
  [[ -f $kl ]] && args+=(--keylog "$kl")
  run "$D" "${args[@]}" -T ek
  check_rc_zero "$(basename "$f") -T ek: exit status 0"
  mv "$T_TMP/out" "$T_TMP/ek/$(basename "$f").ek"
done
# -x adds NAME_raw members (hex strings): the same checks hold with them
for f in "$S/dns.pcap" "$S/http.pcap"; do
  run "$D" -r "$f" -T ek -x
  check_rc_zero "$(basename "$f") -T ek -x: exit status 0"
  mv "$T_TMP/out" "$T_TMP/ek/$(basename "$f")-x.ek"
done

# bulk.py MAPPING FILE...: one "ok NAME" / "FAIL NAME: why" per check.
cat >"$T_TMP/bulk.py" <<'EOF'
import json, re, sys

mapping_file, files = sys.argv[1], sys.argv[2:]

def say(name, good, why=""):
    print(("ok %s" % name) if good else ("FAIL %s\t%s" % (name, why)), flush=True)

# The bulk API (docs-bulk): the actions, the metadata each takes, and which
# of them are followed by a source line.
ACTIONS = {"index": True, "create": True, "update": True, "delete": False}
META = {"_index", "_id", "routing", "pipeline", "require_alias", "dynamic_templates",
        "if_seq_no", "if_primary_term", "version", "version_type", "retry_on_conflict",
        "require_data_stream", "list_executed_pipelines"}
# Index names (the create index API): lower case, none of \ / * ? " < > | ,
# # : or space, not starting with - _ +, not . or .., at most 255 bytes.
def index_name_ok(n):
    return (isinstance(n, str) and n == n.lower() and not re.search(r'[\\/*?"<>|, #:]', n)
            and not re.match(r"[-_+]", n) and n not in (".", "..") and 0 < len(n.encode()) <= 255)
# Fields Elasticsearch keeps for itself at the top of a document.
RESERVED = {"_id", "_index", "_source", "_routing", "_ignored", "_type", "_doc_count",
            "_field_names", "_seq_no", "_version", "_tier", "_data_stream_timestamp"}

class DupKey(Exception):
    pass

def no_dups(pairs):
    seen = {}
    for k, v in pairs:
        if k in seen:
            raise DupKey("duplicate key %r" % k)
        seen[k] = v
    return seen

kinds = {}   # path -> set of kinds
leaves = {}  # leaf key -> set of kinds

def kind(v):
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, dict):
        return "object"
    return None

def walk(obj, path, bad):
    for k, v in obj.items():
        if "." in k or k == "" or k.strip() != k:
            bad.append("%s: key %r" % (path, k))
        for x in (v if isinstance(v, list) else [v]):
            if isinstance(x, list):
                bad.append("%s/%s: an array in an array" % (path, k))
                continue
            kd = kind(x)
            if kd is None:
                continue  # null: not indexed
            kinds.setdefault(path + "." + k, set()).add(kd)
            if kd == "object":
                walk(x, path + "." + k, bad)
            else:
                leaves.setdefault(k, set()).add(kd)

total_docs = 0
for f in files:
    name = f.rsplit("/", 1)[-1][:-3]
    raw = open(f, "rb").read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        say(name + ": UTF-8", False, str(e))
        continue
    say(name + ": every line ends with \\n, the last one too", text == "" or text.endswith("\n"),
        repr(text[-40:]))
    lines = text.split("\n")[:-1]
    bad, expect_source, docs = [], False, 0
    for i, line in enumerate(lines, 1):
        if not line.strip():
            bad.append("line %d: empty" % i)
            continue
        try:
            d = json.loads(line, object_pairs_hook=no_dups)
        except (ValueError, DupKey) as e:
            bad.append("line %d: %s" % (i, e))
            continue
        if expect_source:
            expect_source = False
            docs += 1
            if not isinstance(d, dict):
                bad.append("line %d: the source is not an object" % i)
                continue
            top = [k for k in d if k in RESERVED]
            if top:
                bad.append("line %d: metadata fields in the source: %s" % (i, top))
            walk(d, "", bad)
            continue
        if not (isinstance(d, dict) and len(d) == 1 and next(iter(d)) in ACTIONS):
            bad.append("line %d: not an action (index, create, update, delete): %.80s" % (i, line))
            continue
        act, meta = next(iter(d.items()))
        if not isinstance(meta, dict):
            bad.append("line %d: the %s metadata is not an object" % (i, act))
            continue
        extra = set(meta) - META
        if extra:
            bad.append("line %d: metadata the bulk API does not take: %s" % (i, sorted(extra)))
        if "_index" in meta and not index_name_ok(meta["_index"]):
            bad.append("line %d: index name %r" % (i, meta["_index"]))
        expect_source = ACTIONS[act]
    if expect_source:
        bad.append("the last action has no source line")
    say("%s: the bulk API's shape, line by line (%d lines, %d documents)" % (name, len(lines), docs),
        not bad, " | ".join(bad[:3]))
    total_docs += docs

mixed = {p: sorted(k) for p, k in kinds.items() if len(k) > 1}
say("every key one kind of value in all %d documents of all samples (%d paths)" % (total_docs, len(kinds)),
    not mixed, "; ".join("%s: %s" % kv for kv in list(mixed.items())[:5]))

# The index template: what Elasticsearch does with each leaf key.
try:
    m = json.load(open(mapping_file))
    mappings = m["template"]["mappings"]
    dyn = mappings["dynamic_templates"]
    props = mappings["properties"]
    say("%s: an index template for packets-* (index_patterns, template.mappings)" % mapping_file.rsplit("/", 1)[-1],
        m.get("index_patterns") == ["packets-*"] and props["timestamp"]["type"] in ("date", "date_nanos"), "")
except (ValueError, KeyError, TypeError) as e:
    say("the mapping file is an index template", False, repr(e))
    sys.exit(0)
templates = []
for t in dyn:
    (tname, spec), = t.items()
    if "match" in spec:
        pat = spec["match"] if spec.get("match_pattern") == "regex" else \
            "^" + re.escape(spec["match"]).replace(r"\*", ".*") + "$"
        templates.append((tname, re.compile(pat), spec.get("match_mapping_type"), spec["mapping"]))
# The kinds of JSON value each Elasticsearch type takes (keyword takes
# numbers and booleans as their text; numbers and dates take strings).
TAKES = {"boolean": {"boolean"}, "integer": {"number"}, "long": {"number"}, "double": {"number", "string"},
         "keyword": {"string", "number", "boolean"}, "ip": {"string"}, "date": {"string"},
         "date_nanos": {"string"}}
SECONDS = re.compile(r"^-?[0-9]+\.[0-9]{9}$")
unmapped, wrong, by = [], [], {}
for k, ks in sorted(leaves.items()):
    if k in props:  # mapped by name at the top (timestamp)
        continue
    t = next(((n, mmt, mp) for n, rx, mmt, mp in templates
              if rx.match(k) and (mmt is None or (mmt == "string" and ks == {"string"}))), None)
    if t is None:
        unmapped.append(k)
        continue
    n, _mmt, mp = t
    by[n] = by.get(n, 0) + 1
    if not ks <= TAKES.get(mp["type"], set()):
        wrong.append("%s (%s) -> %s" % (k, "/".join(sorted(ks)), mp["type"]))
say("the template maps every one of the %d leaf keys of the samples by its own rules, none by "
    "the catch-all (%s)" % (len(leaves), ", ".join("%s×%d" % kv for kv in sorted(by.items()))),
    not unmapped and "other_strings" not in by, ", ".join(unmapped[:8]))
say("each leaf key mapped to a type that takes its values", not wrong, "; ".join(wrong[:5]))
say("the template does not guess dates or numbers from strings",
    mappings.get("date_detection") is False and mappings.get("numeric_detection") is False, "")
EOF

# the template as committed, then as docs/ek-mapping.py writes it for this build
check_out() {
  while IFS= read -r line; do
    case $line in
    ok\ *) pass "$1${line#ok }" ;;
    FAIL\ *) line=${line#FAIL }; fail "$1${line%%$'\t'*}" "${line#*$'\t'}" ;;
    *) fail "$1checker" "$line" ;;
    esac
  done
}
check_out "" < <($PY "$T_TMP/bulk.py" "$SRC/docs/ek-mapping.json" "$T_TMP"/ek/*.ek 2>&1)
if $PY "$SRC/docs/ek-mapping.py" "$D" >"$T_TMP/mapping.json" 2>"$T_TMP/err"; then
  pass "docs/ek-mapping.py writes a template from dissect -G fields"
  if ! cmp -s "$T_TMP/mapping.json" "$SRC/docs/ek-mapping.json"; then
    echo "note: docs/ek-mapping.json differs from what docs/ek-mapping.py writes for this build" \
      "(fields added or changed): run docs/ek-mapping.py BUILD/bin/dissect > docs/ek-mapping.json"
  fi
  check_out "regenerated: " < <($PY "$T_TMP/bulk.py" "$T_TMP/mapping.json" "$T_TMP"/ek/dns.pcap.ek 2>&1 |
    grep -E 'template|leaf key')
else
  fail "docs/ek-mapping.py writes a template from dissect -G fields" "$(tail -3 "$T_TMP/err")"
fi

# the checker refuses what the bulk API refuses
printf '{"index":{"_index":"packets-2026-11-22","_type":"doc"}}\n{"a":1}\n' >"$T_TMP/bad1.ek"
printf '{"index":{"_index":"Packets"}}\n{"a.b":1}\n' >"$T_TMP/bad2.ek"
printf '{"index":{"_index":"packets"}}\n{"a":1}' >"$T_TMP/bad3.ek"
printf '{"index":{"_index":"packets"}}\n' >"$T_TMP/bad4.ek"
n=$($PY "$T_TMP/bulk.py" "$SRC/docs/ek-mapping.json" "$T_TMP"/bad*.ek 2>&1 | grep -c '^FAIL .*\(shape\|newline\)')
check_eq "the shape check refuses _type, a capital in the index name, a dotted key, no final newline, an action without its source" 4 "$n"

finish
