"""The NAME_raw members of `dissect -T json|ek -x` against tshark 4.0's.

usage: jsonraw_cmp.py FORM TSHARK_FILE OURS_FILE KNOWN_FILE

For every packet and every name both write a NAME_raw for, the raw values
(-T json: [hex, offset, length, bitmask, type]; -T ek: the hex) are
compared as multisets (the trees nest some items differently: tshark keys
text lines by their label). KNOWN_FILE lists the field names whose raw
values differ for a reason given there ("NAME<TAB>reason"); in -T ek the
name is turned into its ek key (tcp.flags.syn: tcp_tcp_flags_syn). Prints
"equal N K NAMES" (N values of K names equal), "known NAME(packets) ..."
and a "FAIL NAME<TAB>why" line for every other difference.
"""
import collections
import json
import sys

form, tf, of, kf = sys.argv[1:5]
ek = form == "ek"
known = {}
for line in open(kf):
    if line.strip() and not line.startswith("#"):
        name, why = line.rstrip("\n").split("\t", 1)
        if ek:
            name = (name.split(".")[0] + "_" + name).replace(".", "_") if "." in name else name
        known[name] = why
def hook(items):
    d = {}
    for k, v in items:
        d.setdefault(k, []).append(v)  # tshark writes some keys twice: keep every value
    return d
def load(path):
    txt = open(path, encoding="utf-8").read()
    if ek:
        docs = [json.loads(l, object_pairs_hook=hook) for l in txt.splitlines() if l.strip()]
        return [d["layers"][0] for d in docs if "index" not in d]
    out = []
    for d in json.loads(txt, object_pairs_hook=hook):
        if "_source" in d:
            d = d["_source"][0]
        out.append(d["layers"][0])
    return out
def is_raw(v):
    """one raw value: -T json ["hex", offset, length, bitmask, type], -T ek "hex" """
    if ek:
        return isinstance(v, str)
    return isinstance(v, list) and len(v) == 5 and isinstance(v[0], str) and all(isinstance(x, int) for x in v[1:])
def raws(obj, out, names):
    if isinstance(obj, dict):
        for k, vs in obj.items():
            names.add(k)
            for v in vs:
                if k.endswith("_raw"):
                    items = v if isinstance(v, list) and not is_raw(v) else [v]
                    out[k[:-4]].extend(tuple(x) if isinstance(x, list) else x for x in items if is_raw(x))
                raws(v, out, names)
    elif isinstance(obj, list):
        for x in obj:
            raws(x, out, names)
T, O = load(tf), load(of)
if len(T) != len(O):
    print("FAIL packets\t%d from tshark, %d from dissect" % (len(T), len(O)))
    sys.exit(0)
equal = collections.Counter()
kdiff = collections.Counter()
bad = collections.defaultdict(list)
for i, (t, o) in enumerate(zip(T, O)):
    rt, ro, nt, no = collections.defaultdict(list), collections.defaultdict(list), set(), set()
    raws(t, rt, nt)
    raws(o, ro, no)
    for name in set(rt) & set(ro):
        # a field named NAME_raw too (tcp.seq_raw): that key holds the field's
        # value here, tshark writes the key twice
        if (name + "_raw") in ro and name in known:
            kdiff[name] += 1
            continue
        a, b = sorted(rt[name], key=repr), sorted(ro[name], key=repr)
        if a == b:
            equal[name] += len(a)
        elif name in known:
            kdiff[name] += 1
        else:
            bad[name].append("frame %d: tshark %s, dissect %s" % (i + 1, str(a[:2])[:160], str(b[:2])[:160]))
print("equal\t%d\t%d\t%s" % (sum(equal.values()), len(equal), " ".join(sorted(equal))))
print("known\t%s" % " ".join("%s(%d)" % kv for kv in sorted(kdiff.items())))
for name, lst in sorted(bad.items()):
    print("FAIL %s\t%d packets; %s" % (name, len(lst), lst[0]))
