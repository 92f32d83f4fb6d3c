#!/usr/bin/env bash
# dissect --story svg rendered by a browser: headless Chromium (the second
# tool) lays out and draws the SVG of several samples, and the checks read
# Chromium's own geometry and pixels, not our numbers:
#   - layout (Chromium's getBBox() of every text, read back with --dump-dom):
#     every text lies inside its 16:9 panel; no two texts overlap; every
#     arrow has its label centred just above it; no font smaller than 14
#     units (17 px on a 1920x1080 slide); two or three lanes per panel with
#     their "Client"/"Server"/"Resolver" heads; a connection with more than
#     20 steps continues on numbered panels (1/N, 2/N);
#   - pixels (Chromium's --screenshot of the SVG file itself, decoded with
#     Python's zlib): the PNG is 1600 wide and 900 tall per panel; each lane
#     is drawn as a dashed grey line down its panel; each arrow is drawn in
#     its layer's colour at its height; the title is drawn.
# SKIPPED when Chromium is not installed (Debian package chromium).
# Usage: test_story_render.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_story_render.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_story_render.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
S=$SRC/samples
[[ -x $D ]] || skip "$D not built"
[[ -f $S/story.pcap ]] || skip "no sample captures in $S"
[[ -n $PY ]] || skip "python3 not installed"
CHROME=
for c in chromium chromium-browser google-chrome; do
  if command -v "$c" >/dev/null 2>&1; then
    CHROME=$(command -v "$c")
    break
  fi
done
[[ -n $CHROME ]] || skip "Chromium not installed (Debian package chromium)"
t_tmpdir
export HOME=$T_TMP # Chromium writes its profile under HOME

chrome() { # ARGS... : headless Chromium, bounded in time
  timeout 60 "$CHROME" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --no-first-run --disable-extensions --disable-dev-shm-usage --user-data-dir="$T_TMP/profile" "$@" 2>>"$T_TMP/chrome.err"
}

cat >"$T_TMP/probe.js" <<'EOF'
// Reads Chromium's layout of the story SVG into <pre id="result">.
(function () {
  const res = { panels: [] };
  const svg = document.querySelector("svg");
  res.width = svg.viewBox.baseVal.width;
  res.height = svg.viewBox.baseVal.height;
  for (const g of svg.querySelectorAll(":scope > g")) {
    const m = /translate\(0,(\d+)\)/.exec(g.getAttribute("transform") || "");
    const p = { y0: m ? +m[1] : -1, texts: [], lanes: [], arrows: [] };
    for (const t of g.querySelectorAll("text")) {
      const b = t.getBBox();
      p.texts.push({ s: t.textContent, x: b.x, y: b.y, w: b.width, h: b.height,
                     fs: parseFloat(getComputedStyle(t).fontSize) });
    }
    for (const l of g.querySelectorAll("line")) {
      const e = { x1: l.x1.baseVal.value, y1: l.y1.baseVal.value, x2: l.x2.baseVal.value,
                  y2: l.y2.baseVal.value, stroke: l.getAttribute("stroke") };
      if (l.getAttribute("stroke-dasharray")) p.lanes.push(e);
      else if (l.getAttribute("marker-end")) p.arrows.push(e);
    }
    res.panels.push(p);
  }
  document.getElementById("result").textContent = JSON.stringify(res);
})();
EOF

cat >"$T_TMP/check.py" <<'EOF'
import json, re, struct, sys, zlib
layout_html, png_path, name = sys.argv[1], sys.argv[2], sys.argv[3]
per_conn = [int(k) for k in sys.argv[4].split(",")]  # panels of each connection
want_panels = sum(per_conn)
titles = [("(%d/%d)" % (j + 1, k)) if k > 1 else None for k in per_conn for j in range(k)]
out = []
def ok(what, cond, detail=""):
    out.append(("ok   " if cond else "FAIL ") + name + ": " + what + ("" if cond or not detail else " -- " + detail))

html = open(layout_html, encoding="utf-8").read()
m = re.search(r'<pre id="result">(.*?)</pre>', html, re.S)
ok("Chromium ran the layout probe", bool(m and m.group(1).strip()))
if not (m and m.group(1).strip()):
    print("\n".join(out)); sys.exit()
txt = m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
L = json.loads(txt)
P = L["panels"]
ok("%d panels of 1600x900" % want_panels, len(P) == want_panels and L["width"] == 1600
   and L["height"] == 900 * want_panels, "%d panels, %sx%s" % (len(P), L["width"], L["height"]))

def inter(a, b):
    w = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
    h = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
    return w > 1 and h > 1

outside, overlaps, unlabelled, small, lanebad = [], [], [], [], []
for i, p in enumerate(P):
    ok_y0 = p["y0"] == 900 * i
    if not ok_y0:
        lanebad.append("panel %d at y %d" % (i, p["y0"]))
    T = [t for t in p["texts"] if t["w"] > 0]
    for t in T:
        if t["x"] < -1 or t["y"] < -1 or t["x"] + t["w"] > 1601 or t["y"] + t["h"] > 901:
            outside.append("%r at %.0f,%.0f %.0fx%.0f" % (t["s"][:40], t["x"], t["y"], t["w"], t["h"]))
        if t["fs"] < 14:
            small.append("%r %.1f" % (t["s"][:40], t["fs"]))
    for a in range(len(T)):
        for b in range(a + 1, len(T)):
            if inter(T[a], T[b]):
                overlaps.append("%r / %r" % (T[a]["s"][:40], T[b]["s"][:40]))
    for ar in p["arrows"]:
        mid, y = (ar["x1"] + ar["x2"]) / 2, ar["y1"]
        if not any(abs(t["x"] + t["w"] / 2 - mid) < 3 and y - 25 <= t["y"] + t["h"] <= y + 3 for t in T):
            unlabelled.append("arrow at y %.0f (panel %d)" % (y, i))
    heads = " ".join(t["s"] for t in T)
    if not (2 <= len(p["lanes"]) <= 3 and "Client" in heads and "Server" in heads
            and (len(p["lanes"]) == 2 or "Resolver" in heads)):
        lanebad.append("panel %d: %d lanes" % (i, len(p["lanes"])))
    title = max(T, key=lambda t: t["fs"])["s"] if T else ""
    want = titles[i] if i < len(titles) else None
    if (want and want not in title) or (not want and re.search(r"\(\d+/\d+\)", title)):
        lanebad.append("panel %d title %r (wanted %s)" % (i, title[:60], want or "no panel number"))
ok("every text inside its panel", not outside, "; ".join(outside[:3]))
ok("no two texts overlap", not overlaps, "; ".join(overlaps[:3]))
ok("every arrow labelled just above its middle", not unlabelled, "; ".join(unlabelled[:3]))
ok("no font under 14 units", not small, "; ".join(small[:3]))
ok("panels, lanes and lane heads", not lanebad, "; ".join(lanebad[:3]))
ok("some arrows drawn", sum(len(p["arrows"]) for p in P) > 0)

# The screenshot: decode the PNG (8-bit RGB/RGBA, non-interlaced, as Chromium writes)
def png(path):
    d = open(path, "rb").read()
    assert d[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, hdr = 8, b"", None
    while pos < len(d):
        n, typ = struct.unpack(">I4s", d[pos:pos + 8])
        body = d[pos + 8:pos + 8 + n]
        pos += 12 + n
        if typ == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif typ == b"IDAT":
            idat += body
    w, h, depth, ctype, _, _, interlace = hdr
    assert depth == 8 and ctype in (2, 6) and interlace == 0, "PNG form %r" % (hdr,)
    bpp = 3 if ctype == 2 else 4
    raw, stride = zlib.decompress(idat), w * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows

try:
    W, H, bpp, rows = png(png_path)
except Exception as e:
    ok("screenshot decodes", False, str(e)); print("\n".join(out)); sys.exit()
ok("screenshot is 1600 x %d" % (900 * want_panels), W == 1600 and H == 900 * want_panels, "%dx%d" % (W, H))
def px(x, y):
    r = rows[y]
    return tuple(r[x * bpp:x * bpp + 3])
def hexrgb(s):
    return tuple(int(s[i:i + 2], 16) for i in (1, 3, 5))
nolane, noarrow = [], []
for i, p in enumerate(P):
    base = 900 * i
    for ln in p["lanes"]:
        x, ya, yb = int(round(ln["x1"])), int(ln["y1"]) + 5, int(ln["y2"]) - 5
        hit = sum(1 for y in range(ya, yb) if base + y < H and
                  any(abs(px(xx, base + y)[0] - 153) < 70 and max(px(xx, base + y)) - min(px(xx, base + y)) < 30
                      for xx in (x - 1, x, x + 1) if 0 <= xx < W))
        if hit < 0.4 * (yb - ya):
            nolane.append("lane x=%d panel %d: %d of %d rows grey" % (x, i, hit, yb - ya))
    for ar in p["arrows"]:
        want = hexrgb(ar["stroke"])
        x = int((ar["x1"] + ar["x2"]) / 2)
        ys = [base + int(ar["y1"]) + d for d in (-1, 0)]
        if not any(0 <= y < H and all(abs(px(x, y)[k] - want[k]) < 60 for k in range(3)) for y in ys):
            noarrow.append("arrow %s at y %d panel %d: pixel %r" % (ar["stroke"], ar["y1"], i, px(x, ys[0]) if ys[0] < H else None))
ok("each lane drawn as a dashed grey line", not nolane, "; ".join(nolane[:3]))
ok("each arrow drawn in its layer's colour", not noarrow, "; ".join(noarrow[:3]))
dark = sum(1 for y in range(20, 60) for x in range(40, 600) if sum(px(x, y)) < 200)
ok("the title is drawn", dark > 200, "%d dark pixels" % dark)
print("\n".join(out))
EOF

report() {
  local line
  while IFS= read -r line; do
    case $line in
    ok*) pass "${line#ok   }" ;;
    FAIL*) fail "${line#FAIL }" ;;
    esac
  done
}

# connection-rich samples, with their key logs; http2's connection has 48
# steps (three panels)
for s in story https-tls13 http2 quic-h3 https-intercept tcp-anomalies; do
  [[ -f $S/$s.pcap ]] || continue
  k=()
  [[ -f $S/$s.keylog ]] && k=(--keylog "$S/$s.keylog")
  if ! "$D" -r "$S/$s.pcap" "${k[@]}" --story svg >"$T_TMP/$s.svg" 2>"$T_TMP/err" ||
    ! "$D" -r "$S/$s.pcap" "${k[@]}" --story json >"$T_TMP/$s.json" 2>>"$T_TMP/err"; then
    fail "$s: --story svg/json" "$(head -3 "$T_TMP/err")"
    continue
  fi
  # panels per connection: one per 20 steps (the JSON's events are the steps)
  per=$("$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(",".join(str(max(1, (len(c["events"]) + 19) // 20)) for c in d["connections"]) or "1")' "$T_TMP/$s.json")
  panels=$(("${per//,/+}"))
  {
    printf '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">\n'
    sed '1{/^<?xml/d}' "$T_TMP/$s.svg"
    printf '<pre id="result"></pre><script>\n'
    cat "$T_TMP/probe.js"
    printf '</script></body></html>\n'
  } >"$T_TMP/$s.html"
  chrome --virtual-time-budget=5000 --dump-dom "file://$T_TMP/$s.html" >"$T_TMP/$s.dom.html"
  chrome --window-size=1600,$((900 * panels)) --screenshot="$T_TMP/$s.png" "file://$T_TMP/$s.svg" >/dev/null
  if [[ ! -s $T_TMP/$s.png ]]; then
    fail "$s: Chromium took a screenshot" "$(tail -3 "$T_TMP/chrome.err")"
    continue
  fi
  report < <("$PY" "$T_TMP/check.py" "$T_TMP/$s.dom.html" "$T_TMP/$s.png" "$s" "$per")
done
finish
