#!/usr/bin/env python3
"""Frame by frame comparison of `-T fields -E occurrence=a` outputs of
tshark and dissect, shared by the differential tests on third-party
captures (test_tshark_wireshark_suite.sh, test_tshark_ndpi.sh).

usage: compare_frames.py FIELDS OURFIELDS KEPT CASES

  FIELDS     tshark's field names, one a line: the columns of its outputs
  OURFIELDS  the fields dissect knows, one a line: the columns of its
             outputs (a field tshark has and dissect does not is "")
  KEPT       the kept differences, "CASE FRAME FIELD-PREFIX" a line: that
             frame of that case is not compared on fields with that prefix
  CASES      one case a line, tab-separated: NAME, tshark's output,
             dissect's output, and optionally the exit status of each (a
             capture both refuse still compares the frames before the
             error; one tool alone failing is a failure)

Prints, per case, "ok NAME: ..." or "FAIL NAME: ..." with at most six
indented lines of detail; then a FAIL line for each kept difference of a
compared case that no longer differs (stale: remove it from KEPT)."""
import sys


def lines(path):
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return f.read().split("\n")[:-1]


def rows(path, n):
    return [c + [""] * (n - len(c)) for c in (l.split("\t") for l in lines(path))]


def main():
    fields_f, ours_f, kept_f, cases_f = sys.argv[1:5]
    fields, ourfields = lines(fields_f), lines(ours_f)
    col = {f: i for i, f in enumerate(ourfields)}
    kept = set()
    for l in lines(kept_f):
        w = l.split()
        if len(w) == 3:
            kept.add((w[0], int(w[1]), w[2]))
    used, compared = set(), set()
    for case in lines(cases_f):
        c = case.split("\t")
        name, ts_f, our_f = c[0], c[1], c[2]
        rt, ro = (c[3], c[4]) if len(c) >= 5 else ("0", "0")
        if (rt == "0") != (ro == "0"):
            print("FAIL %s: tshark exit %s, dissect exit %s" % (name, rt, ro))
            continue
        compared.add(name)
        mine = [e for e in kept if e[0] == name]
        ts, ours = rows(ts_f, len(fields)), rows(our_f, len(ourfields))
        bad, nkept = [], set()
        if len(ts) != len(ours):
            bad.append("frames: tshark %d, dissect %d" % (len(ts), len(ours)))
        for k in range(min(len(ts), len(ours))):
            for i, f in enumerate(fields):
                a = ours[k][col[f]] if f in col else ""
                if a == ts[k][i]:
                    continue
                kk = [e for e in mine if e[1] == k + 1 and f.startswith(e[2])]
                if kk:
                    nkept.update(kk)
                    continue
                bad.append("frame %d %s: dissect %r, tshark %r" % (k + 1, f, a[:100], ts[k][i][:100]))
        used |= nkept
        if bad:
            print("FAIL %s: %d differences (%d frames, %d kept differences)"
                  % (name, len(bad), len(ts), len(nkept)))
            for b in bad[:6]:
                print("  " + b)
            if len(bad) > 6:
                print("  ... and %d more" % (len(bad) - 6))
        else:
            print("ok %s: %d frames equal (%d kept differences)%s"
                  % (name, len(ts), len(nkept), "" if rt == "0" else
                     " (both stop with an error: tshark exit %s, dissect exit %s)" % (rt, ro)))
    for e in sorted(e for e in kept - used if e[0] in compared):
        print("FAIL kept difference %s %d %s no longer differs: remove it from KEPT" % e)


if __name__ == "__main__":
    main()
