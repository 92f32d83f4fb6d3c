#!/usr/bin/env bash
# dissect --story svg rendered by a browser: headless Chromium (the second
# tool) lays out and draws the SVG of several samples, and the checks read
# Chromium's own geometry and pixels, not our numbers:
#   - layout (Chromium's getBBox() of every text, read back with --dump-dom):
#     every text lies inside its 16:9 panel; no two texts overlap; every
#     arrow has its label centred just above it; no font smaller than 14
#     units (17 px on a 1920x1080 slide); two or three lanes per panel with
#     their "Client"/"Server" (or "Proxy")/"Resolver" heads; a connection with more than
#     20 steps continues on numbered panels (1/N, 2/N);
#   - pixels (Chromium draws each SVG, as an image, on a white canvas of its
#     own size, and the probe reads the canvas's pixels): the picture is 1600
#     wide and 900 tall per panel; each lane is drawn as a dashed grey line
#     down its panel; each arrow is drawn in its layer's colour at its
#     height; the title is drawn.
# One Chromium run lays out and draws every sample (CI time: a run and a
# screenshot per sample, decoded by Python, took ~40 s).
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
// Reads Chromium's layout of every story SVG of the page, then draws each
// one as an image on a white canvas of its own size and reads the pixels the
// checks need; the result goes, as JSON, into <pre id="result">.
(async function () {
  const all = {};
  for (const div of document.querySelectorAll("div.sample")) {
    const res = { panels: [] };
    const svg = div.querySelector("svg");
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
    // the pixels: the SVG drawn at its own size (1 unit = 1 pixel)
    try {
      const W = Math.round(res.width), H = Math.round(res.height);
      const img = new Image();
      const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(svg)],
                                               { type: "image/svg+xml" }));
      await new Promise((ok, bad) => {
        img.onload = ok;
        img.onerror = () => bad(new Error("the SVG did not load as an image"));
        img.src = url;
      });
      const cv = document.createElement("canvas");
      cv.width = W;
      cv.height = H;
      const cx = cv.getContext("2d");
      cx.fillStyle = "#ffffff";
      cx.fillRect(0, 0, W, H);
      cx.drawImage(img, 0, 0, W, H);
      const d = cx.getImageData(0, 0, W, H).data;
      const px = (x, y) => { const i = (y * W + x) * 4; return [d[i], d[i + 1], d[i + 2]]; };
      const pix = { w: W, h: H, panels: [] };
      res.panels.forEach((p, i) => {
        const base = 900 * i, q = { lanes: [], arrows: [], dark: 0 };
        for (const ln of p.lanes) {
          const x = Math.round(ln.x1), ya = Math.trunc(ln.y1) + 5, yb = Math.trunc(ln.y2) - 5;
          let hit = 0;
          for (let y = ya; y < yb; y++) {
            if (base + y >= H) continue;
            for (const xx of [x - 1, x, x + 1]) {
              if (xx < 0 || xx >= W) continue;
              const c = px(xx, base + y);
              if (Math.abs(c[0] - 153) < 70 && Math.max(...c) - Math.min(...c) < 30) {
                hit++;
                break;
              }
            }
          }
          q.lanes.push({ x: x, hit: hit, rows: yb - ya });
        }
        for (const ar of p.arrows) {
          const x = Math.trunc((ar.x1 + ar.x2) / 2);
          const ys = [-1, 0].map(k => base + Math.trunc(ar.y1) + k).filter(y => y >= 0 && y < H);
          q.arrows.push({ stroke: ar.stroke, y: ar.y1, px: ys.map(y => px(x, y)) });
        }
        for (let y = 20; y < 60; y++)
          for (let x = 40; x < 600; x++) {
            const c = px(x, base + y);
            if (c[0] + c[1] + c[2] < 200) q.dark++;
          }
        pix.panels.push(q);
      });
      res.pixels = pix;
    } catch (e) {
      res.pixels_error = String(e);
    }
    all[div.dataset.name] = res;
  }
  document.getElementById("result").textContent = JSON.stringify(all);
})();
EOF

cat >"$T_TMP/check.py" <<'EOF'
import json, re, sys
results = json.loads(open(sys.argv[1], encoding="utf-8").read() or "{}")
out = []
for arg in sys.argv[2:]:
    name, per = arg.split("=")
    per_conn = [int(k) for k in per.split(",")]  # panels of each connection
    want_panels = sum(per_conn)
    titles = [("(%d/%d)" % (j + 1, k)) if k > 1 else None for k in per_conn for j in range(k)]
    def ok(what, cond, detail=""):
        out.append(("ok   " if cond else "FAIL ") + name + ": " + what + ("" if cond or not detail else " -- " + detail))
    L = results.get(name)
    ok("Chromium ran the layout probe", L is not None)
    if L is None:
        continue
    P = L["panels"]
    ok("%d panels of 1600x900" % want_panels, len(P) == want_panels and L["width"] == 1600
       and L["height"] == 900 * want_panels, "%d panels, %sx%s" % (len(P), L["width"], L["height"]))

    def inter(a, b):
        w = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
        h = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
        return w > 1 and h > 1

    outside, overlaps, unlabelled, small, lanebad = [], [], [], [], []
    for i, p in enumerate(P):
        if p["y0"] != 900 * i:
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
        if not (2 <= len(p["lanes"]) <= 3 and "Client" in heads
                and ("Server" in heads or "Proxy" in heads)
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

    X = L.get("pixels")
    ok("Chromium drew the SVG", X is not None, L.get("pixels_error", ""))
    if X is None:
        continue
    ok("the picture is 1600 x %d" % (900 * want_panels), X["w"] == 1600 and X["h"] == 900 * want_panels,
       "%dx%d" % (X["w"], X["h"]))
    def hexrgb(s):
        return tuple(int(s[i:i + 2], 16) for i in (1, 3, 5))
    nolane, noarrow, notitle = [], [], []
    for i, q in enumerate(X["panels"]):
        for ln in q["lanes"]:
            if ln["hit"] < 0.4 * ln["rows"]:
                nolane.append("lane x=%d panel %d: %d of %d rows grey" % (ln["x"], i, ln["hit"], ln["rows"]))
        for ar in q["arrows"]:
            want = hexrgb(ar["stroke"])
            if not any(all(abs(c[k] - want[k]) < 60 for k in range(3)) for c in ar["px"]):
                noarrow.append("arrow %s at y %d panel %d: pixel %r" % (ar["stroke"], ar["y"], i, ar["px"][:1]))
        if q["dark"] <= 200:
            notitle.append("panel %d: %d dark pixels" % (i, q["dark"]))
    ok("each lane drawn as a dashed grey line", not nolane, "; ".join(nolane[:3]))
    ok("each arrow drawn in its layer's colour", not noarrow, "; ".join(noarrow[:3]))
    ok("the title is drawn", not notitle, "; ".join(notitle[:3]))
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
# steps (three panels). One page holds them all.
samples=()
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
  samples+=("$s=$per")
done
check_eq "six samples with a story" 6 "${#samples[@]}"
{
  printf '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">\n'
  for sp in "${samples[@]}"; do
    printf '<div class="sample" data-name="%s">\n' "${sp%%=*}"
    sed '1{/^<?xml/d}' "$T_TMP/${sp%%=*}.svg"
    printf '</div>\n'
  done
  printf '<pre id="result"></pre><script>\n'
  cat "$T_TMP/probe.js"
  printf '</script></body></html>\n'
} >"$T_TMP/all.html"
chrome --virtual-time-budget=10000 --dump-dom "file://$T_TMP/all.html" >"$T_TMP/all.dom.html"
"$PY" - "$T_TMP/all.dom.html" "$T_TMP/result.json" <<'EOF'
import html, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<pre id="result">(.*?)</pre>', page, re.S)
open(sys.argv[2], "w", encoding="utf-8").write(html.unescape(m.group(1)).strip() if m else "")
EOF
[[ -s $T_TMP/result.json ]] || fail "Chromium wrote the probe's result" "$(tail -3 "$T_TMP/chrome.err")"
report < <("$PY" "$T_TMP/check.py" "$T_TMP/result.json" "${samples[@]}")
finish
