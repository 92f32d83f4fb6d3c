#!/usr/bin/env bash
# dissect --story (libdissect/analysis/story.c) on the samples:
#   - the JSON validates against docs/story.schema.json (python3-jsonschema);
#   - the story's frames and times equal tshark's for the same packets
#     (tshark is the second tool): SYN, SYN/ACK and ACK frames and times,
#     the handshake RTT = tcp.analysis.initial_rtt, retransmissions, the
#     first FIN/RST and who sent it, the Client Hello frame, the negotiated
#     TLS version and cipher suite, each HTTP/1.x request (frame, method,
#     URI) and response (frame, status, http.time), each HTTP/2 request
#     (frame, stream, method, path) and response status, the time to first
#     byte (the first server segment with response bytes, as tshark's
#     fields show it), the DNS lookup of samples/story.pcap;
#   - the TLS round trips: 2 for full TLS 1.2, 1 for TLS 1.2 resumed and
#     TLS 1.3, 2 with a HelloRetryRequest, 0 for 0-RTT (the articles' count;
#     the handshakes checked by tshark's fields);
#   - Mermaid: a sequenceDiagram whose participants are declared, one
#     message per story event; SVG: well-formed XML (python3), 16:9 panels,
#     no external resource, every event label in a text element;
#   - hostile strings (a request URI with <, &, ;, #, quotes and an ESC
#     byte) come out escaped in every format;
#   - -Y picks the connections with a matching packet (or DNS lookup);
#   - the text and JSON stories equal the golden files in tests/golden/story
#     (DX_UPDATE_GOLDEN=1 rewrites them after an intended change; read the
#     diff before committing it).
# Optional second tools, each SKIPPED when missing:
#   - rsvg-convert (Debian librsvg2-bin) renders every SVG to a 1600x900 PNG;
#   - Mermaid's own parser: with MERMAID_NODE_MODULES=DIR/node_modules after
#     `npm install --prefix DIR mermaid@10 jsdom@22`, node parses every
#     diagram with mermaid.parse() (the grammar Mermaid renders with).
# Usage: test_story.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_story.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_story.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
S=$SRC/samples
[[ -x $D ]] || skip "$D not built"
[[ -f $S/story.pcap ]] || skip "no sample captures in $S"
[[ -n $PY ]] || skip "python3 not installed"
t_tmpdir

HAVE_TSHARK=0
command -v tshark >/dev/null 2>&1 && HAVE_TSHARK=1
HAVE_JSONSCHEMA=0
"$PY" -c 'import jsonschema' 2>/dev/null && HAVE_JSONSCHEMA=1

# ------------------------------------------------------------ the checker
# (shared with test_story_wireshark_suite.sh)
cp "$SRC/tests/integration/story_check.py" "$T_TMP/check.py"

cat >"$T_TMP/schema.py" <<'EOF'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
for path in sys.argv[2:]:
    errs = list(v.iter_errors(json.load(open(path))))
    if errs:
        e = errs[0]
        print("FAIL %s: %s at %s" % (path.rsplit("/", 1)[-1], e.message[:200], list(e.absolute_path)))
    else:
        print("ok %s" % path.rsplit("/", 1)[-1])
EOF

cat >"$T_TMP/shapes.py" <<'EOF'
import json, re, sys
import xml.etree.ElementTree as ET
jpath, mpath, spath, name = sys.argv[1:5]
doc = json.load(open(jpath))
events = [e for c in doc["connections"] for e in c["events"]]
out = []
def ok(what, cond, detail=""):
    out.append(("ok %s: %s" if cond else "FAIL %s: %s " + detail) % (name, what))
# Mermaid
lines = open(mpath, encoding="utf-8").read().split("\n")
ok("mermaid starts with sequenceDiagram", lines[0] == "sequenceDiagram")
declared, used, msgs, bad = set(), set(), 0, []
for l in lines[1:]:
    if not l.strip() or l.strip().startswith("%%"):
        continue
    if l == "sequenceDiagram":
        continue
    m = re.match(r"^    participant (\w+) as [^;\n]+$", l)
    if m:
        declared.add(m.group(1)); continue
    # text: no ';' or '#' but in Mermaid's entity codes (#59; #lt; ...)
    m = re.match(r"^    (\w+)(->>|-->>)(\w+): (.*)$", l)
    if m:
        used.update([m.group(1), m.group(3)]); msgs += 1
        if re.search(r"[;#]", re.sub(r"#(\d+|lt|gt|quot);", "", m.group(4))):
            bad.append(l)
        continue
    m = re.match(r"^    Note (left of \w+|over \w+,\w+): (.*)$", l)
    if m:
        if re.search(r"[;#]", re.sub(r"#(\d+|lt|gt|quot);", "", m.group(2))):
            bad.append(l)
        continue
    bad.append(l)
ok("mermaid lines all parse", not bad, repr(bad[:3]))
ok("mermaid participants declared before use", used <= declared, repr(used - declared))
ok("mermaid one message per event", msgs == len(events), "%d != %d" % (msgs, len(events)))
ok("mermaid has no control byte", not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", "\n".join(lines)))
# SVG
raw = open(spath, "rb").read()
try:
    root = ET.fromstring(raw)
    ok("svg is well-formed XML", True)
except ET.ParseError as e:
    ok("svg is well-formed XML", False, str(e)); print("\n".join(out)); sys.exit()
ns = "{http://www.w3.org/2000/svg}"
ok("svg root", root.tag == ns + "svg")
vb = [int(x) for x in root.get("viewBox").split()]
# one 16:9 panel per 20 steps of each connection
n = max(1, sum(max(1, (len(c["events"]) + 19) // 20) for c in doc["connections"]))
ok("svg 16:9 panels", vb[2] == 1600 and vb[3] == 900 * n, repr(vb))
hrefs = [v for el in root.iter() for k, v in el.attrib.items() if k.endswith("href") or "url(" in v]
ok("svg has no external resource", all(h.startswith("#") or h.startswith("url(#") for h in hrefs), repr(hrefs))
ok("svg has no <script>/<image>/<foreignObject>", not any(el.tag in (ns + "script", ns + "image", ns + "foreignObject") for el in root.iter()))
texts = ["".join(t.itertext()) for t in root.iter(ns + "text")]
shown = [e for c in doc["connections"] for e in c["events"]]
missing = [e["label"] for e in shown if not any(e["label"][:60] in t for t in texts)]
ok("svg shows every event label", not missing, repr(missing[:3]))
ok("svg has no control byte", not re.search(rb"[\x00-\x08\x0b-\x1f\x7f]", raw))
print("\n".join(out))
EOF

report() { # lines "ok ..." / "FAIL ..." on stdin
  local line
  while IFS= read -r line; do
    case $line in
      ok\ *) pass "${line#ok }" ;;
      FAIL\ *) fail "${line#FAIL }" ;;
      "") ;;
      *) fail "checker: $line" ;;
    esac
  done
}

read -r -a FIELDS <<<"$("$PY" "$T_TMP/check.py" --columns)"
EFIELDS=()
for f in "${FIELDS[@]}"; do EFIELDS+=(-e "$f"); done

SAMPLES=(story https-tls12 https-tls13 tls12-resume tls13-0rtt tls13-suites tls12-cbc http2 http
         tcp-anomalies https-proxy http2-upgrade http2-h2c misc)
JSONS=()
for s in "${SAMPLES[@]}"; do
  f=$S/$s.pcap
  [[ -f $f ]] || { fail "$s.pcap missing"; continue; }
  k=()
  [[ -f $S/$s.keylog ]] && k=(--keylog "$S/$s.keylog")
  for fmt in json text mermaid svg; do
    run "$D" -r "$f" "${k[@]}" --story "$fmt"
    if ((RC == 0)) && [[ -s $T_TMP/out ]]; then
      cp "$T_TMP/out" "$T_TMP/$s.$fmt"
    else
      fail "$s: --story $fmt exits 0 with output" "exit $RC" "$(head -3 "$T_TMP/err")"
      continue 2
    fi
  done
  pass "$s: --story json|text|mermaid|svg"
  JSONS+=("$T_TMP/$s.json")
  # golden files: the text and JSON as a person read them when they were
  # written (tests/golden/story/README.md); this run checks the same output
  # against tshark and the schema below, so a golden file stays checked
  for fmt in json text; do
    g=$SRC/tests/golden/story/$s.$fmt
    if [[ ${DX_UPDATE_GOLDEN:-0} == 1 ]]; then
      mkdir -p "$(dirname "$g")" && cp "$T_TMP/$s.$fmt" "$g"
    fi
    if [[ ! -f $g ]]; then
      fail "$s: golden $fmt story" "missing $g (DX_UPDATE_GOLDEN=1 writes it)"
    elif cmp -s "$g" "$T_TMP/$s.$fmt"; then
      pass "$s: --story $fmt equals tests/golden/story/$s.$fmt"
    else
      fail "$s: --story $fmt equals tests/golden/story/$s.$fmt" \
        "$(diff -u "$g" "$T_TMP/$s.$fmt" | head -20)"
    fi
  done
  report < <("$PY" "$T_TMP/shapes.py" "$T_TMP/$s.json" "$T_TMP/$s.mermaid" "$T_TMP/$s.svg" "$s")
  if ((HAVE_TSHARK)); then
    o=()
    [[ -f $S/$s.keylog ]] && o=(-o "tls.keylog_file:$S/$s.keylog")
    tshark -r "$f" "${o[@]}" -T fields "${EFIELDS[@]}" >"$T_TMP/$s.fields" 2>/dev/null \
      || fail "$s: tshark -T fields"
    report < <("$PY" "$T_TMP/check.py" "$T_TMP/$s.json" "$T_TMP/$s.fields" "$s")
  fi
done
if ((HAVE_TSHARK == 0)); then
  echo "SKIPPED: the comparisons with tshark (tshark not installed)"
fi

# ------------------------------------------- SVG and Mermaid, second tools
if command -v rsvg-convert >/dev/null 2>&1; then
  for s in "${SAMPLES[@]}"; do
    [[ -s $T_TMP/$s.svg ]] || continue
    if rsvg-convert -w 1600 "$T_TMP/$s.svg" -o "$T_TMP/$s.png" 2>"$T_TMP/rsvg.err" &&
      [[ $("$PY" -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); print(*struct.unpack(">II", d[16:24]))' "$T_TMP/$s.png") == "1600 "* ]]; then
      pass "$s: rsvg-convert renders the SVG (1600 px wide)"
    else
      fail "$s: rsvg-convert renders the SVG" "$(head -3 "$T_TMP/rsvg.err")"
    fi
  done
else
  echo "SKIPPED: rendering the SVG (rsvg-convert, Debian librsvg2-bin, not installed)"
fi
MM=${MERMAID_NODE_MODULES:-}
MM_PARSE=0
if [[ -n $MM && -f $MM/mermaid/dist/mermaid.core.mjs && -d $MM/jsdom ]] && command -v node >/dev/null 2>&1; then
  cat >"$T_TMP/mermaid_parse.mjs" <<'JSEOF'
import { createRequire } from 'module';
import { pathToFileURL } from 'url';
import fs from 'fs';
const dir = process.env.MERMAID_NODE_MODULES;
const { JSDOM } = createRequire(dir + '/')('jsdom');
const dom = new JSDOM('<!DOCTYPE html><body></body>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const mermaid = (await import(pathToFileURL(dir + '/mermaid/dist/mermaid.core.mjs').href)).default;
mermaid.initialize({ startOnLoad: false });
for (const f of process.argv.slice(2)) {
  const name = f.replace(/.*\//, '');
  // one diagram per connection
  for (const d of fs.readFileSync(f, 'utf8').split(/\n(?=sequenceDiagram\n)/)) {
    try { await mermaid.parse(d); console.log('ok mermaid.parse: ' + name); }
    catch (e) { console.log('FAIL mermaid.parse: ' + name + ': ' + String(e.message || e).replace(/\n/g, ' ').slice(0, 300)); }
  }
}
JSEOF
  MMFILES=()
  for s in "${SAMPLES[@]}"; do [[ -s $T_TMP/$s.mermaid ]] && MMFILES+=("$T_TMP/$s.mermaid"); done
  report < <(MERMAID_NODE_MODULES=$MM node "$T_TMP/mermaid_parse.mjs" "${MMFILES[@]}" 2>&1 | sort -u)
  MM_PARSE=1
else
  echo "SKIPPED: Mermaid's own parser (set MERMAID_NODE_MODULES, see the header)"
fi
if ((HAVE_JSONSCHEMA)); then
  report < <("$PY" "$T_TMP/schema.py" "$SRC/docs/story.schema.json" "${JSONS[@]}" \
    | sed 's/^ok /ok schema: /; s/^FAIL /FAIL schema: /')
else
  echo "SKIPPED: JSON schema validation (python3-jsonschema not installed)"
fi

# ------------------------------------------------------- stories in words
rt() { # SAMPLE STREAM: round trips and resumption of one connection
  "$PY" -c 'import json,sys
d=json.load(open(sys.argv[1]))
c=[c for c in d["connections"] if c["stream"]==int(sys.argv[2])][0]["tls"]
print(c["version"], "resumed" if c["resumed"] else "full", "hrr" if c["hello_retry_request"] else "-", c["early_data"], c["round_trips"])' "$T_TMP/$1.json" "$2"
}
check_eq "TLS 1.2 full handshake: 2 round trips" "TLS 1.2 full - none 2" "$(rt https-tls12 0)"
check_eq "TLS 1.3 full handshake: 1 round trip" "TLS 1.3 full - none 1" "$(rt https-tls13 0)"
check_eq "TLS 1.2 resumed by session id: 1 round trip" "TLS 1.2 resumed - none 1" "$(rt tls12-resume 1)"
check_eq "TLS 1.2 resumed by ticket: 1 round trip" "TLS 1.2 resumed - none 1" "$(rt tls12-resume 3)"
check_eq "TLS 1.3 HelloRetryRequest: 2 round trips" "TLS 1.3 full hrr none 2" "$(rt tls13-suites 4)"
check_eq "TLS 1.3 0-RTT: 0 round trips" "TLS 1.3 resumed - accepted 0" "$(rt tls13-0rtt 1)"
# the handshakes as tshark sees them
if ((HAVE_TSHARK)); then
  check_eq "tshark: tls12-resume stream 1 has no Certificate (abbreviated)" "" \
    "$(tshark -r "$S/tls12-resume.pcap" -Y 'tcp.stream == 1 && tls.handshake.type == 11' -T fields -e frame.number 2>/dev/null)"
  check_eq "tshark: tls13-suites stream 4 has a HelloRetryRequest" "1" \
    "$(tshark -r "$S/tls13-suites.pcap" -Y 'tcp.stream == 4 && tls.handshake.random == cf:21:ad:74:e5:9a:61:11:be:1d:8c:02:1e:65:b8:91:c2:a2:11:16:7a:bb:8c:5e:07:9e:09:e2:c8:a8:33:9c' -T fields -e tcp.stream 2>/dev/null | wc -l)"
fi
check_eq "story.pcap: DNS lookup then the connection" \
  "True www.example.test A ['127.0.0.1'] dns,tcp,tls,wait,transfer" \
  "$("$PY" -c 'import json,sys
c=json.load(open(sys.argv[1]))["connections"][0]
print(c["dns"]["found"], c["dns"]["name"], c["dns"]["type"], c["dns"]["answers"], ",".join(p["name"] for p in c["phases"]))' "$T_TMP/story.json")"
grep -q '^  DNS: no lookup in this capture$' "$T_TMP/https-tls12.text" \
  && pass "https-tls12: no lookup in this capture" || fail "https-tls12: no lookup in this capture"
grep -q 'two round trips before the first application byte' "$T_TMP/https-tls12.text" \
  && pass "text says the round trips in words" || fail "text says the round trips in words"

# A proxy's tunnel (https-proxy.pcap: curl through mitmproxy): the far end
# of the connection whose first request tshark reads as a CONNECT is named
# the proxy in every format; the proxy's own leg to the server stays a server.
if ((HAVE_TSHARK)); then
  ps=$(tshark -r "$S/https-proxy.pcap" -Y 'http.request.method == "CONNECT"' -T fields -e tcp.stream 2>/dev/null | head -1)
  check_eq "tshark: the CONNECT of https-proxy.pcap is on stream 0" "0" "$ps"
  grep -q "^Connection $ps (tcp.stream == $ps): client [0-9.:]* -> proxy 127.0.0.1:8080 (www.example.test)$" "$T_TMP/https-proxy.text" \
    && pass "https-proxy: text names the proxy" || fail "https-proxy: text names the proxy" "$(head -1 "$T_TMP/https-proxy.text")"
  grep -q "^  Ladder (client [0-9.:]*, proxy 127.0.0.1:8080):$" "$T_TMP/https-proxy.text" \
    && pass "https-proxy: ladder names the proxy" || fail "https-proxy: ladder names the proxy"
  grep -q "client -- CONNECT www.example.test:443 -*>  proxy$" "$T_TMP/https-proxy.text" \
    && pass "https-proxy: ladder steps go to the proxy" || fail "https-proxy: ladder steps go to the proxy"
  check_eq "https-proxy: one connection to a proxy, one to a server (text)" "1 1" \
    "$(grep -c '^Connection .* -> proxy ' "$T_TMP/https-proxy.text") $(grep -c '^Connection .* -> server ' "$T_TMP/https-proxy.text")"
  grep -q "participant S$ps as Proxy www.example.test 127.0.0.1 port 8080" "$T_TMP/https-proxy.mermaid" \
    && pass "https-proxy: mermaid names the proxy" || fail "https-proxy: mermaid names the proxy"
  grep -q "Note over C$ps,S$ps: certificate incomplete-chain, forged by the proxy (its own leg: tcp.stream $((1 - ps)))" "$T_TMP/https-proxy.mermaid" \
    && pass "https-proxy: mermaid notes the forged certificate and the other leg" \
    || fail "https-proxy: mermaid notes the forged certificate and the other leg" "$(grep 'Note over' "$T_TMP/https-proxy.mermaid")"
  grep -q '>Proxy 127.0.0.1:8080' "$T_TMP/https-proxy.svg" \
    && pass "https-proxy: svg names the proxy" || fail "https-proxy: svg names the proxy"
  check_eq "https-tls12: no proxy named" "0" "$(grep -c -i 'proxy' "$T_TMP/https-tls12.text")"
fi
# Chromium through a proxy (browser-proxy.pcap): a connection is to a proxy
# when tshark's first request on it is a CONNECT (answered or refused) or
# names an absolute URI (GET http://...); the direct one is to a server.
if ((HAVE_TSHARK)) && [[ -f $S/browser-proxy.pcap ]]; then
  run "$D" -r "$S/browser-proxy.pcap" --keylog "$S/browser-proxy.keylog" --story text
  want="" got=""
  for st in $(tshark -r "$S/browser-proxy.pcap" -T fields -e tcp.stream 2>/dev/null | sort -nu); do
    first=$(tshark -r "$S/browser-proxy.pcap" -o "tls.keylog_file:$S/browser-proxy.keylog" \
      -Y "tcp.stream == $st && http.request" -T fields -e http.request.method -e http.request.uri 2>/dev/null | head -1)
    role=server
    [[ $first == CONNECT$'\t'* || $first == *$'\t'http://* ]] && role=proxy
    want+="$st:$role "
    got+="$st:$(sed -n "s/^Connection $st (tcp.stream == $st): client [^ ]* -> \([a-z]*\) .*/\1/p" "$T_TMP/out") "
  done
  check_eq "browser-proxy: proxy or server as tshark's first request says" "$want" "$got"
  [[ $want == *proxy* && $want == *server* ]] && pass "browser-proxy: both kinds present" \
    || fail "browser-proxy: both kinds present" "$want"
fi

# Trust in the story: each connection's verdict, interception flag and
# other leg are those of its Certificate's tls.trust.* fields (which
# test_trust.sh checks against `openssl verify`), the other leg named on
# both legs; on https-proxy.pcap (mitmproxy) the text shows the two legs
# side by side, the client's leg (tshark: the CONNECT's stream) on the left,
# each with its certificate's issuer as openssl reads the DER tshark takes
# out of the Certificate message.
for s in https-proxy https-tls12 tls13-suites; do
  k=()
  [[ -f $S/$s.keylog ]] && k=(--keylog "$S/$s.keylog")
  "$D" -r "$S/$s.pcap" "${k[@]}" -Y tls.trust -T fields -e tcp.stream -e tls.trust.verdict \
    -e tls.trust.intercepted -e tls.trust.other_leg >"$T_TMP/$s.trust" 2>/dev/null
  check_eq "$s: the story's trust is each Certificate's tls.trust fields, legs named both ways" "ok" \
    "$("$PY" - "$T_TMP/$s.json" "$T_TMP/$s.trust" <<'PYEOF'
import json, sys
doc = json.load(open(sys.argv[1]))
rows = {}
for line in open(sys.argv[2]):
    st, verdict, icpt, other = (line.rstrip("\n").split("\t") + [""] * 4)[:4]
    rows.setdefault(int(st), (verdict, icpt == "1", int(other) if other else None))
legs = {}
for c in doc["connections"]:
    r = rows.get(c["stream"])
    t = c["trust"]
    if (r is None) != (t is None):
        print("stream %d: fields %r, story %r" % (c["stream"], r, t)); sys.exit()
    if t is None:
        continue
    if (t["verdict"], t["intercepted"]) != r[:2]:
        print("stream %d: fields %r, story %r" % (c["stream"], r, t)); sys.exit()
    if r[2] is not None:
        legs[c["stream"]] = r[2]
    if t["other_leg"] is not None:
        legs.setdefault(c["stream"], t["other_leg"])
for a, b in legs.items():
    ta = [c["trust"] for c in doc["connections"] if c["stream"] == a][0]
    tb = [c["trust"] for c in doc["connections"] if c["stream"] == b][0]
    if ta["other_leg"] != b or tb["other_leg"] != a:
        print("legs %d/%d: %r %r" % (a, b, ta, tb)); sys.exit()
print("ok")
PYEOF
)"
done
check_eq "https-proxy: a pair of legs in the trust fields" "1" "$(awk -F'\t' '$4 != ""' "$T_TMP/https-proxy.trust" | wc -l)"
if ((HAVE_TSHARK)) && command -v openssl >/dev/null 2>&1; then
  ps=$(tshark -r "$S/https-proxy.pcap" -Y 'http.request.method == "CONNECT"' -T fields -e tcp.stream 2>/dev/null | head -1)
  grep -q "^  The two legs side by side:$" "$T_TMP/https-proxy.text" \
    && pass "https-proxy: the two legs side by side" || fail "https-proxy: the two legs side by side"
  grep -q "^ *client -> proxy (connection $ps) *proxy -> server (connection [0-9]*)$" "$T_TMP/https-proxy.text" \
    && pass "https-proxy: the client's leg (stream $ps) on the left" || fail "https-proxy: the client's leg (stream $ps) on the left"
  row=$(grep -m1 "^    issued by " "$T_TMP/https-proxy.text")
  for st in $ps $((1 - ps)); do
    der=$(tshark -r "$S/https-proxy.pcap" -o "tls.keylog_file:$S/https-proxy.keylog" \
      -Y "tcp.stream == $st && tls.handshake.type == 11" -T fields -e tls.handshake.certificate 2>/dev/null | head -1)
    cn=$("$PY" -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.argv[1].replace(":", "")))' "${der%%,*}" | openssl x509 -inform DER -noout -issuer -nameopt RFC2253 2>/dev/null |
      sed -n 's/.*CN=\([^,]*\).*/\1/p')
    [[ -n $cn && $row == *"CN=$cn"* ]] && pass "https-proxy: side by side, stream $st issued by CN=$cn (openssl)" \
      || fail "https-proxy: side by side, stream $st issued by CN=$cn (openssl)" "$row"
  done
fi

# ---------------------------------------------------------------- -Y
run "$D" -r "$S/tls12-resume.pcap" --story json -Y 'tcp.stream == 1'
check_eq "-Y tcp.stream == 1 tells stream 1 only" "[1]" \
  "$("$PY" -c 'import json,sys; print([c["stream"] for c in json.load(open(sys.argv[1]))["connections"]])' "$T_TMP/out")"
run "$D" -r "$S/story.pcap" --story json -Y 'dns.flags.response == 0'
check_eq "-Y on the DNS query tells the connection it resolved" "[0]" \
  "$("$PY" -c 'import json,sys; print([c["stream"] for c in json.load(open(sys.argv[1]))["connections"]])' "$T_TMP/out")"
run "$D" -r "$S/story.pcap" --story text -Y 'udp.port == 9'
check_eq "-Y matching nothing: nothing told" "No TCP or QUIC connection to tell (none has a packet matching the filter)." "$(cat "$T_TMP/out")"
run "$D" -r "$S/story.pcap" --story pdf
check_eq "--story pdf is refused" "1" "$RC"
grep -q 'invalid story format "pdf"' "$T_TMP/err" && pass "--story pdf: message" || fail "--story pdf: message" "$(cat "$T_TMP/err")"
run "$D" -r "$S/story.pcap" --story text -V
check_eq "--story with -V is refused" "1" "$RC"

# ------------------------------------------------------ hostile strings
# A plain HTTP/1.1 exchange whose request URI holds <, &, ;, #, quotes, a
# percent sign and an ESC byte: every format must escape them.
"$PY" - "$T_TMP/hostile.pcap" <<'EOF'
import struct, sys
def csum(b):
    return 0
def pkt(src, dst, sp, dp, seq, ack, flags, payload=b""):
    tcp = struct.pack("!HHIIBBHHH", sp, dp, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0x4000, 64, 6, 0,
                     bytes(src), bytes(dst))
    return b"\0" * 12 + b"\x08\x00" + ip + tcp
C, Sv = [10, 0, 0, 1], [10, 0, 0, 2]
req = b"GET /a<b>&c;d#e\"f'g%h\x1b[31m HTTP/1.1\r\nHost: x\r\n\r\n"
resp = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
frames = [pkt(C, Sv, 40000, 80, 100, 0, 0x02), pkt(Sv, C, 80, 40000, 500, 101, 0x12),
          pkt(C, Sv, 40000, 80, 101, 501, 0x10), pkt(C, Sv, 40000, 80, 101, 501, 0x18, req),
          pkt(Sv, C, 80, 40000, 501, 101 + len(req), 0x18, resp),
          pkt(C, Sv, 40000, 80, 101 + len(req), 501 + len(resp), 0x11)]
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i, fr in enumerate(frames):
        f.write(struct.pack("<IIII", 1700000000, i * 1000, len(fr), len(fr)) + fr)
EOF
for fmt in json text mermaid svg; do
  run "$D" -r "$T_TMP/hostile.pcap" --story "$fmt"
  cp "$T_TMP/out" "$T_TMP/hostile.$fmt"
  if ((RC == 0)) && ! grep -q $'\x1b' "$T_TMP/out"; then
    pass "hostile URI: --story $fmt has no raw ESC"
  else
    fail "hostile URI: --story $fmt has no raw ESC" "exit $RC"
  fi
done
grep -q 'GET /a<b>&c;d#e"f'"'"'g%h\\033\[31m' "$T_TMP/hostile.text" \
  && pass "hostile URI: text shows it escaped" || fail "hostile URI: text shows it escaped" "$(grep GET "$T_TMP/hostile.text")"
report < <("$PY" "$T_TMP/shapes.py" "$T_TMP/hostile.json" "$T_TMP/hostile.mermaid" "$T_TMP/hostile.svg" hostile)
if ((MM_PARSE)); then
  report < <(MERMAID_NODE_MODULES=$MM node "$T_TMP/mermaid_parse.mjs" "$T_TMP/hostile.mermaid" 2>&1)
fi
check_eq "hostile URI: the JSON holds it (escaped ESC)" '/a<b>&c;d#e"f'"'"'g%h\033[31m' \
  "$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["connections"][0]["http"][0]["uri"])' "$T_TMP/hostile.json")"

finish
