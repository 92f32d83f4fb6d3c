#!/usr/bin/env bash
# dissect --story on QUIC (libdissect/analysis/story.c): the stories of the
# samples/quic-*.pcap connections (with their key logs, and without) checked
# against tshark, the second tool, for the same packets:
#   - one story per quic.connection.number; the client is the sender of the
#     first packet, the server port what it sent to;
#   - the QUIC packets of each type (quic.header_form, quic.long.packet_type
#     counted over the capture), the client's and server's first Initial, the
#     Retry, the first 0-RTT packet, HANDSHAKE_DONE (quic.frame_type 0x1e),
#     the first CONNECTION_CLOSE (0x1c/0x1d), who sent it and its error code
#     (quic.cc.error_code.app), the migration (a client packet from a new
#     port: the port, its udp.stream, the frame);
#   - the TLS handshake: Client Hello and Server Hello frames, the cipher suite;
#   - every step's frame and time equal tshark's frame.time_relative (ns);
#   - HTTP/3 (tshark 4.0 cannot decode QPACK, so the method, path and body
#     sizes are the ones make-quic-samples.sh asked for and served): each
#     request frame is a client frame where tshark shows an HTTP/3 HEADERS
#     frame on the request's QUIC stream, each response frame a server frame
#     with an HTTP/3 HEADERS frame on it; as many requests as tshark's client
#     HEADERS frames on request streams; time to first byte = the difference
#     of tshark's times;
#   - round trips in words: 1 (QUIC), 2 (with a Retry), 0 (0-RTT);
#   - the JSON validates against docs/story.schema.json; text, Mermaid and
#     SVG name the QUIC steps; -Y quic.connection.number picks the connection.
# Usage: test_story_quic.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_story_quic.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_story_quic.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
S=$SRC/samples
[[ -x $D ]] || skip "$D not built"
[[ -f $S/quic-h3.pcap ]] || skip "no QUIC sample captures in $S"
[[ -n $PY ]] || skip "python3 not installed"
command -v tshark >/dev/null 2>&1 || skip "tshark (the second tool) not installed"
t_tmpdir

FIELDS=(frame.number frame.time_relative udp.stream ip.src udp.srcport udp.dstport
        quic.connection.number quic.header_form quic.long.packet_type quic.frame_type
        quic.cc.error_code.app tls.handshake.type tls.handshake.ciphersuite http3.frame_type
        quic.stream.stream_id quic.version)
EF=()
for f in "${FIELDS[@]}"; do EF+=(-e "$f"); done

cat >"$T_TMP/check.py" <<'EOF'
import json, sys

story, fields, name, keyed = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
doc = json.load(open(story))
COLS = ["frame", "time", "udp_stream", "src", "sport", "dport", "conn", "hform", "ltype",
        "ftype", "ccapp", "hstype", "suite", "h3type", "sid", "version"]
rows = []
for line in open(fields):
    v = line.rstrip("\n").split("\t")
    v += [""] * (len(COLS) - len(v))
    r = dict(zip(COLS, v))
    for k in ("hform", "ltype", "ftype", "ccapp", "hstype", "suite", "h3type", "sid", "version"):
        r[k] = [x for x in r[k].split(",") if x != ""]
    rows.append(r)
out = []
# packets of no known connection (after a migration without the key log,
# the new connection ids are unknown to tshark and to us) belong to no story
times = {int(r["frame"]): r["time"] for r in rows}
rows = [r for r in rows if r["conn"]]
def check(what, want, got):
    if want == got:
        out.append("ok %s: %s" % (name, what))
    else:
        out.append("FAIL %s: %s: expected %r, got %r" % (name, what, want, got))
def ns(t):
    s, _, f = t.partition(".")
    return int(s) * 10**9 + int((f + "000000000")[:9])
def pt(r):
    return {"frame": int(r["frame"]), "time_ns": ns(r["time"])} if r else None
def ppt(p):
    return {"frame": p["frame"], "time_ns": p["time_ns"]} if p else None
def first(pred):
    for r in rows:
        if pred(r):
            return r
    return None
def ftypes(r):
    return [int(x, 0) for x in r["ftype"]]

conns = [c for c in doc["connections"] if c["transport"] == "quic"]
check("one story per quic.connection.number", sorted({int(r["conn"].split(",")[0]) for r in rows if r["conn"]}),
      sorted(c["stream"] for c in conns))
c = conns[0]
q = c["quic"]
r0 = rows[0]
cport, sport = int(r0["sport"]), int(r0["dport"])
check("client and server ports", (cport, sport), (c["client"]["port"], c["server"]["port"]))
check("udp.stream", int(r0["udp_stream"]), q["udp_stream"])
fromc = lambda r: int(r["sport"]) != sport
froms = lambda r: int(r["sport"]) == sport
cnt = lambda v: sum(r["ltype"].count(v) for r in rows)
vn = sum(r["version"].count("0x00000000") for r in rows)
check("packets of each type", {"initial": cnt("0"), "zero_rtt": cnt("1"), "handshake": cnt("2"),
      "retry": cnt("3"), "one_rtt": sum(r["hform"].count("0") for r in rows), "version_negotiation": vn},
      q["packets"])
check("client's first Initial", pt(first(lambda r: fromc(r) and "0" in r["ltype"])), ppt(q["client_initial"]))
check("server's first Initial", pt(first(lambda r: froms(r) and "0" in r["ltype"])), ppt(q["server_initial"]))
check("Retry", pt(first(lambda r: "3" in r["ltype"])), ppt(q["retry"]))
check("first 0-RTT packet", pt(first(lambda r: fromc(r) and "1" in r["ltype"])), ppt(q["zero_rtt"]))
check("HANDSHAKE_DONE", pt(first(lambda r: 0x1e in ftypes(r))), ppt(q["handshake_done"]))
if keyed:
    cc = first(lambda r: 0x1c in ftypes(r) or 0x1d in ftypes(r))
    check("first CONNECTION_CLOSE", pt(cc), ppt(q["close_at"]))
    check("CONNECTION_CLOSE sender, kind, error",
          ("client" if fromc(cc) else "server", "application" if 0x1d in ftypes(cc) else "transport",
           int(cc["ccapp"][0]) if cc["ccapp"] else None) if cc else (None, None, None),
          (q["closed_by"], q["close"], q["error_code"]))
    check("decrypted", True, q["decrypted"])
else:
    check("not decrypted without the key log", False, q["decrypted"])
    check("no CONNECTION_CLOSE seen without keys", None, q["closed_by"])
# migration: a client packet from another port
ports = []
for r in rows:
    if fromc(r) and (not ports or ports[-1][0] != int(r["sport"])):
        ports.append((int(r["sport"]), r))
check("migrations", len(ports) - 1, q["migrations"])
if len(ports) > 1:
    p, r = ports[-1]
    check("the client's new path", {"port": p, "udp_stream": int(r["udp_stream"]), "at": pt(r)},
          {"port": q["path"]["port"], "udp_stream": q["path"]["udp_stream"], "at": ppt(q["path"]["at"])})
# TLS
t = c["tls"]
if vn and not any("1" in r["hstype"] for r in rows):
    # tshark 4.0 does not decrypt the client's Initial after a Version
    # Negotiation (a kept difference of test_tshark_quic.sh): the Client Hello
    # is in the client's first Initial after it
    vnf = int(first(lambda r: "0x00000000" in r["version"])["frame"])
    check("Client Hello frame (the client's first Initial after the Version Negotiation)",
          pt(first(lambda r: fromc(r) and int(r["frame"]) > vnf and "0" in r["ltype"])),
          ppt(t["client_hello"]))
else:
    check("Client Hello frame", pt(first(lambda r: "1" in r["hstype"])), ppt(t["client_hello"]))
check("Server Hello frame", pt(first(lambda r: "2" in r["hstype"])), ppt(t["server_hello"]))
suite = first(lambda r: "2" in r["hstype"])
check("cipher suite", int(suite["suite"][-1], 0) if suite else None, t["cipher_suite"]["id"])
check("TLS version", "TLS 1.3", t["version"])
# every step at a frame and time tshark has
times = {f: ns(t) for f, t in times.items()}
bad = [e for e in c["events"] if times.get(e["frame"]) != e["time_ns"]]
check("every step's frame and time are tshark's", [], bad[:3])
# HTTP/3 (keyed only)
if keyed:
    byframe = {int(r["frame"]): r for r in rows}
    reqf = {}  # frame -> QUIC streams of the client's HEADERS there (request streams: id % 4 == 0)
    # tshark 4.0 shows no HTTP/3 inside 0-RTT packets: there the oracle is
    # the client's STREAM frame on the request's stream in a 0-RTT packet
    zrtt = name.startswith("quic-0rtt")
    for r in rows:
        if fromc(r) and ("1" in r["ltype"] if zrtt else "1" in r["h3type"]):
            reqf[int(r["frame"])] = [int(s) for s in r["sid"] if int(s) % 4 == 0]
    ok = all(x["request"]["frame"] in reqf and x["stream_id"] in reqf[x["request"]["frame"]]
             for x in c["http"])
    check("each request frame has %s on its stream (tshark)" %
          ("a 0-RTT STREAM frame" if zrtt else "an HTTP/3 HEADERS frame"), True, ok)
    ok = all(x["response"] and x["response"]["frame"] == x["first_byte"]["frame"] and
             "1" in byframe[x["response"]["frame"]]["h3type"] and
             str(x["stream_id"]) in byframe[x["response"]["frame"]]["sid"] and
             froms(byframe[x["response"]["frame"]]) for x in c["http"])
    check("each response frame has an HTTP/3 HEADERS frame on its stream (tshark)", True, ok)
    ok = all(x["ttfb_ns"] == times[x["first_byte"]["frame"]] - times[x["request"]["frame"]]
             for x in c["http"])
    check("time to first byte = tshark's times", True, ok)
print("\n".join(out))
EOF

report() {
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

HAVE_JSONSCHEMA=0
"$PY" -c 'import jsonschema' 2>/dev/null && HAVE_JSONSCHEMA=1

for s in quic-h3 quic-retry quic-migration quic-0rtt; do
  f=$S/$s.pcap
  [[ -f $f ]] || { fail "$s.pcap missing"; continue; }
  for keyed in 1 0; do
    k=() o=()
    if ((keyed)); then k=(--keylog "$S/$s.keylog"); o=(-o "tls.keylog_file:$S/$s.keylog"); fi
    tag=$s$([[ $keyed == 1 ]] && echo " (key log)" || echo " (no key log)")
    run "$D" -r "$f" "${k[@]}" --story json
    ((RC == 0)) || { fail "$tag: --story json" "$(head -3 "$T_TMP/err")"; continue; }
    cp "$T_TMP/out" "$T_TMP/$s.$keyed.json"
    tshark -r "$f" "${o[@]}" -T fields -E occurrence=a -E aggregator=, "${EF[@]}" \
      >"$T_TMP/$s.$keyed.fields" 2>/dev/null || fail "$tag: tshark -T fields"
    report < <("$PY" "$T_TMP/check.py" "$T_TMP/$s.$keyed.json" "$T_TMP/$s.$keyed.fields" "$tag" "$keyed" 2>&1 \
      || echo "FAIL $tag: the checker ended with an error")
    if ((HAVE_JSONSCHEMA)); then
      if "$PY" -c 'import json,sys,jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' \
        "$T_TMP/$s.$keyed.json" "$SRC/docs/story.schema.json" 2>"$T_TMP/schema.err"; then
        pass "$tag: the JSON validates against docs/story.schema.json"
      else
        fail "$tag: the JSON validates against docs/story.schema.json" "$(tail -3 "$T_TMP/schema.err")"
      fi
    fi
  done
done
((HAVE_JSONSCHEMA)) || echo "SKIPPED: JSON schema validation (python3-jsonschema not installed)"

# ------------------------------------------- third-party captures (no key log)
# tcpdump's test captures of QUIC (../shared/corpus, when present), made by
# others: the same checks against tshark, and the round trips as read by hand
# from tshark's packet list: quic_handshake.pcap one (Initial, then the
# client's Handshake and 1-RTT after the server's flight), quic_retry.pcap two
# (the Retry in frame 2, the client's Initial again in frame 3),
# quic_vn.pcap two (Version Negotiation in frame 2 answers an Initial of
# version 0x1a2a3a4a; the client starts again in v1 in frame 3).
CORPUS=$SRC/../shared/corpus/tcpdump
if [[ -f $CORPUS/quic_vn.pcap ]]; then
  for s in quic_handshake:1 quic_retry:2 quic_vn:2; do
    n=${s%%:*} want=${s##*:}
    run "$D" -r "$CORPUS/$n.pcap" --story json
    ((RC == 0)) || { fail "$n: --story json" "$(head -3 "$T_TMP/err")"; continue; }
    cp "$T_TMP/out" "$T_TMP/$n.json"
    tshark -r "$CORPUS/$n.pcap" -T fields -E occurrence=a -E aggregator=, "${EF[@]}" \
      >"$T_TMP/$n.fields" 2>/dev/null || fail "$n: tshark -T fields"
    report < <("$PY" "$T_TMP/check.py" "$T_TMP/$n.json" "$T_TMP/$n.fields" "$n" 0 2>&1 \
      || echo "FAIL $n: the checker ended with an error")
    check_eq "$n: $want round trip(s) before the first application byte" "$want" \
      "$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["connections"][0]["tls"]["round_trips"])' "$T_TMP/$n.json")"
  done
  check_eq "quic_vn: the version spoken is the server's (v1), not the first Initial's" "QUIC v1 1" \
    "$("$PY" -c 'import json,sys; q=json.load(open(sys.argv[1]))["connections"][0]["quic"]; print(q["version"], q["packets"]["version_negotiation"])' "$T_TMP/quic_vn.json")"
else
  echo "SKIPPED: the third-party QUIC captures ($CORPUS not present)"
fi

# ------------------------------------------------------- in words
words() { # SAMPLE: the round trips and their text
  "$PY" -c 'import json,sys
c=json.load(open(sys.argv[1]))["connections"][0]["tls"]
print(c["round_trips"], c["round_trips_text"])' "$T_TMP/$1.1.json"
}
check_eq "quic-h3: one round trip" \
  "1 one round trip before the first application byte (QUIC: transport and TLS 1.3 in one round trip)" \
  "$(words quic-h3)"
check_eq "quic-retry: two round trips, the Retry said in words" \
  "2 two round trips before the first application byte (QUIC + Retry: one round trip more)" \
  "$(words quic-retry)"
check_eq "quic-0rtt: no round trip (0-RTT)" \
  "0 no round trip before the first application byte (QUIC 0-RTT: the request goes with the Initial)" \
  "$(words quic-0rtt)"
# the requests as make-quic-samples.sh made them, with the sizes of the
# files it served (printf'd there)
body() { printf "$1" | wc -c; }
# (the large body made whole, then counted once: one wc, not one per line)
L=$(for ((i = 0; i < 4000; i++)); do printf 'line %05d of the large HTTP/3 response body .......\n' "$i"; done | wc -c)
want_h3="GET /index.html 200 $(body '<html><body>hello over HTTP/3</body></html>\n')
GET /data.json 200 $(body '{"protocol":"h3","sample":true}\n')
GET /large.txt 200 $L
GET /robots.txt 200 $(body 'user-agent: *\nallow: /\n')"
reqs() {
  "$PY" -c 'import json,sys
for x in json.load(open(sys.argv[1]))["connections"][0]["http"]:
    print(x["method"], x["uri"], x["status"], x["response_body_bytes"])' "$T_TMP/$1.1.json"
}
check_eq "quic-h3: the four requests, statuses and body sizes" "$want_h3" "$(reqs quic-h3)"
check_eq "quic-migration: the two requests after the migration" \
  "$(sed -n 1,2p <<<"$want_h3")" "$(reqs quic-migration)"
check_eq "quic-0rtt: the two requests in 0-RTT" "$(sed -n 1,2p <<<"$want_h3")" "$(reqs quic-0rtt)"
check_eq "quic-0rtt: the requests travel in frame 1 (0-RTT, tshark: packet types Initial, 0-RTT)" \
  "1 1
0,1" "$("$PY" -c 'import json,sys
for x in json.load(open(sys.argv[1]))["connections"][0]["http"]: print(x["request"]["frame"], end=" ")' "$T_TMP/quic-0rtt.1.json" | xargs)
$(tshark -r "$S/quic-0rtt.pcap" -Y 'frame.number == 1' -T fields -E occurrence=a -E aggregator=, -e quic.long.packet_type 2>/dev/null)"

# an application CONNECTION_CLOSE of an h3 connection names its HTTP/3 error
# code (RFC 9114 8.1: 0x100 is H3_NO_ERROR); the code is tshark's
code=$(tshark -r "$S/quic-h3.pcap" -o "tls.keylog_file:$S/quic-h3.keylog" -Y 'quic.frame_type == 0x1d' \
  -T fields -e quic.cc.error_code.app 2>/dev/null | head -1)
check_eq "quic-h3: tshark's application error code is 256 (0x100)" "256" "$code"
check_eq "quic-h3: the close step names it H3_NO_ERROR" "1-RTT: CONNECTION_CLOSE (H3_NO_ERROR)" \
  "$("$PY" -c 'import json,sys
print([e["label"] for e in json.load(open(sys.argv[1]))["connections"][0]["events"] if "CONNECTION_CLOSE" in e["label"]][0])' "$T_TMP/quic-h3.1.json")"

# ------------------------------------------------------- the other formats
run "$D" -r "$S/quic-retry.pcap" --keylog "$S/quic-retry.keylog" --story text
grep -q '^Connection 0 (quic.connection.number == 0): client 127.0.0.1:' "$T_TMP/out" \
  && pass "text: the connection is named by quic.connection.number" \
  || fail "text: the connection is named by quic.connection.number" "$(head -2 "$T_TMP/out")"
grep -q 'Retry in frame 2 at 0.002324000 s: the server made the client prove its address' "$T_TMP/out" \
  && pass "text: the Retry in words, at tshark's frame and time" \
  || fail "text: the Retry in words" "$(grep Retry "$T_TMP/out")"
# the client's second Initial carries the Retry's token (tshark: quic.token_length > 0)
f2=$(tshark -r "$S/quic-retry.pcap" -Y 'quic.long.packet_type == 0 && quic.token_length > 0 && udp.dstport == 443' \
  -T fields -e frame.number 2>/dev/null | head -1)
grep -Eq "^  RTT 2 +$f2  .*Initial: Client Hello again, with the Retry's token" "$T_TMP/out" \
  && pass "text: RTT 2 starts at the client's second Initial (frame $f2), the Client Hello again with the token" \
  || fail "text: RTT 2 starts at the client's second Initial (frame $f2)" "$(grep 'RTT 2' "$T_TMP/out")"
run "$D" -r "$S/quic-migration.pcap" --keylog "$S/quic-migration.keylog" --story mermaid
grep -q '%% libdissect story of quic.connection.number 0' "$T_TMP/out" \
  && grep -q 'migration: the client now at 127.0.0.1:59929' "$T_TMP/out" \
  && pass "mermaid: the QUIC connection and its migration step" \
  || fail "mermaid: the QUIC connection and its migration step" "$(head -5 "$T_TMP/out")"
run "$D" -r "$S/quic-h3.pcap" --keylog "$S/quic-h3.keylog" --story svg
if "$PY" -c 'import sys, xml.dom.minidom as m
d = m.parse(sys.argv[1]); t = " ".join(n.firstChild.data for n in d.getElementsByTagName("text") if n.firstChild)
need = ["Initial: Client Hello", "GET /large.txt [stream 8]", "QUIC v1", "QUIC connection 0"]
sys.exit(0 if all(x in t for x in need) else 1)' "$T_TMP/out" 2>/dev/null; then
  pass "svg: well-formed, with the QUIC steps and HTTP/3 requests"
else
  fail "svg: well-formed, with the QUIC steps and HTTP/3 requests"
fi
# optional second tools, as in test_story.sh: rsvg-convert renders the SVGs,
# Mermaid's own parser (MERMAID_NODE_MODULES) parses the diagrams
for s in quic-h3 quic-retry quic-migration quic-0rtt; do
  "$D" -r "$S/$s.pcap" --keylog "$S/$s.keylog" --story svg >"$T_TMP/$s.svg" 2>/dev/null
  "$D" -r "$S/$s.pcap" --keylog "$S/$s.keylog" --story mermaid >"$T_TMP/$s.mmd" 2>/dev/null
done
if command -v rsvg-convert >/dev/null 2>&1; then
  for s in quic-h3 quic-retry quic-migration quic-0rtt; do
    if rsvg-convert -w 1600 "$T_TMP/$s.svg" -o "$T_TMP/$s.png" 2>"$T_TMP/rsvg.err" && [[ -s $T_TMP/$s.png ]]; then
      pass "$s: rsvg-convert renders the SVG"
    else
      fail "$s: rsvg-convert renders the SVG" "$(head -3 "$T_TMP/rsvg.err")"
    fi
  done
else
  echo "SKIPPED: rendering the SVG (rsvg-convert not installed)"
fi
MM=${MERMAID_NODE_MODULES:-}
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
  try { await mermaid.parse(fs.readFileSync(f, 'utf8')); console.log('ok mermaid.parse: ' + name); }
  catch (e) { console.log('FAIL mermaid.parse: ' + name + ': ' + String(e.message || e).replace(/\n/g, ' ').slice(0, 300)); }
}
JSEOF
  report < <(MERMAID_NODE_MODULES=$MM node "$T_TMP/mermaid_parse.mjs" "$T_TMP"/quic-*.mmd 2>&1)
else
  echo "SKIPPED: Mermaid's own parser (set MERMAID_NODE_MODULES, see test_story.sh)"
fi
run "$D" -r "$S/quic-h3.pcap" --story json -Y 'quic.connection.number == 0'
check_eq "-Y quic.connection.number == 0 tells the QUIC connection" "[('quic', 0)]" \
  "$("$PY" -c 'import json,sys; print([(c["transport"], c["stream"]) for c in json.load(open(sys.argv[1]))["connections"]])' "$T_TMP/out")"
finish
