# The story checker of test_story.sh and test_story_wireshark_suite.sh:
#   python3 story_check.py STORY.json FIELDS.tsv NAME
#   python3 story_check.py --columns      (the fields FIELDS.tsv must have)
# STORY.json is `dissect --story json` of a capture, FIELDS.tsv tshark's
# `-T fields` of the same capture with the columns of COLS below (the second
# tool's view of the same packets). Prints "ok NAME: WHAT" or "FAIL NAME:
# WHAT: tshark X, story Y" per check: connections, the TCP handshake's
# frames and times, the handshake RTT, retransmissions, the first FIN/RST,
# the Client Hello, TLS version and cipher suite, HTTP/1.x and HTTP/2
# requests and responses, the time to first byte, the DNS lookup, and that
# every time string is its time_ns exactly.
import json, re, sys

COLS = ["frame.number", "frame.time_relative", "tcp.stream", "tcp.srcport", "tcp.len",
        "tcp.flags.syn", "tcp.flags.ack", "tcp.flags.fin", "tcp.flags.reset",
        "tcp.analysis.initial_rtt", "tcp.analysis.retransmission", "tls.handshake.type",
        "tls.handshake.extensions.supported_version", "tls.handshake.version",
        "tls.handshake.ciphersuite", "tls.record.content_type", "tcp.segment",
        "http.request.method", "http.request.uri", "http.response.code", "http.time",
        "http.request_in", "http2.streamid", "http2.headers.method", "http2.headers.path",
        "http2.headers.status", "dns.flags.response", "dns.qry.name", "dns.a", "dns.time",
        "http2.type", "http2.flags"]
if sys.argv[1] == "--columns":  # the tshark fields to give it, in order
    print(" ".join(COLS))
    sys.exit(0)
story_path, fields_path, name = sys.argv[1], sys.argv[2], sys.argv[3]
doc = json.load(open(story_path))
rows = []
for line in open(fields_path, encoding="utf-8", errors="replace"):
    v = line.rstrip("\n").split("\t")
    v += [""] * (len(COLS) - len(v))
    rows.append(dict(zip(COLS, v)))
out = []
def check(what, want, got):
    if want == got:
        out.append("ok %s: %s" % (name, what))
    else:
        out.append("FAIL %s: %s: tshark %r, story %r" % (name, what, want, got))
def multi(s):
    return [x for x in s.split(",") if x != ""]
def pt(p):
    return None if p is None else (p["frame"], p["time"])
def row_pt(r):
    return None if r is None else (int(r["frame.number"]), r["frame.time_relative"])

streams = {}
for r in rows:
    if r["tcp.stream"] != "":
        streams.setdefault(int(r["tcp.stream"]), []).append(r)
check("connections", sorted(streams), sorted(c["stream"] for c in doc["connections"]))

for c in doc["connections"]:
    rs = streams.get(c["stream"], [])
    tag = "stream %d" % c["stream"]
    cport = str(c["client"]["port"])
    syn = next((r for r in rs if r["tcp.flags.syn"] == "1" and r["tcp.flags.ack"] == "0"), None)
    synack = next((r for r in rs if r["tcp.flags.syn"] == "1" and r["tcp.flags.ack"] == "1"), None)
    ack = None
    if synack:
        ack = next((r for r in rs if int(r["frame.number"]) > int(synack["frame.number"])
                    and r["tcp.srcport"] == cport and r["tcp.flags.syn"] == "0"), None)
    check(tag + " SYN frame/time", row_pt(syn), pt(c["tcp"]["syn"]))
    check(tag + " SYN/ACK frame/time", row_pt(synack), pt(c["tcp"]["synack"]))
    check(tag + " ACK frame/time", row_pt(ack), pt(c["tcp"]["ack"]))
    irtt = next((r["tcp.analysis.initial_rtt"] for r in rs if r["tcp.analysis.initial_rtt"]), None)
    check(tag + " handshake RTT = tcp.analysis.initial_rtt", irtt, c["tcp"]["handshake_rtt"])
    check(tag + " retransmissions", sum(1 for r in rs if r["tcp.analysis.retransmission"]),
          c["tcp"]["analysis"]["retransmissions"])
    close = next((r for r in rs if r["tcp.flags.fin"] == "1" or r["tcp.flags.reset"] == "1"), None)
    check(tag + " first FIN/RST", row_pt(close), pt(c["tcp"]["close_at"]))
    if close:
        check(tag + " closed by", "client" if close["tcp.srcport"] == cport else "server",
              c["tcp"]["closed_by"])
        check(tag + " closed with", "rst" if close["tcp.flags.reset"] == "1" else "fin",
              c["tcp"]["close"])
    # TLS
    ch = next((r for r in rs if "1" in multi(r["tls.handshake.type"]) and r["tcp.srcport"] == cport), None)
    if ch:
        check(tag + " Client Hello frame/time", row_pt(ch), pt(c["tls"]["client_hello"]))
        sh = [r for r in rs if "2" in multi(r["tls.handshake.type"]) and r["tcp.srcport"] != cport]
        if sh:
            r = sh[-1]  # after a HelloRetryRequest, the second Server Hello
            sv = multi(r["tls.handshake.extensions.supported_version"])
            ver = int(sv[0], 16) if sv else int(multi(r["tls.handshake.version"])[0], 16)
            check(tag + " TLS version", ver, c["tls"]["version_number"])
            check(tag + " cipher suite", int(multi(r["tls.handshake.ciphersuite"])[0], 16),
                  c["tls"]["cipher_suite"]["id"])
    # HTTP/1.x: requests and responses
    reqs = [(int(r["frame.number"]), r["http.request.method"], r["http.request.uri"])
            for r in rs if r["http.request.method"] and "," not in r["http.request.method"]]
    h1 = [x for x in c["http"] if x["version"] == "HTTP/1.x"]
    check(tag + " HTTP/1.x requests", reqs, [(x["request"]["frame"], x["method"], x["uri"]) for x in h1])
    resps = sorted((int(r["http.request_in"]), int(r["frame.number"]), int(r["http.response.code"]),
                    r["http.time"]) for r in rs if r["http.response.code"] and r["http.request_in"]
                   and "," not in r["http.response.code"])
    got = sorted((x["request"]["frame"], x["response"]["frame"], x["status"], x["response_time"])
                 for x in h1 if x["response"])
    check(tag + " HTTP/1.x responses (request frame, frame, status, http.time)", resps, got)
    # time to first byte: the first server segment after the request with
    # response bytes (TLS: an application data record; the first segment of
    # a reassembled one)
    tls = c["tls"] is not None
    fb_of = {}  # request frame -> tshark's row of its first response byte
    for x in h1:
        fb = None
        for r in rs:
            if int(r["frame.number"]) <= x["request"]["frame"] or r["tcp.srcport"] == cport:
                continue
            if r["tcp.analysis.retransmission"]:
                continue
            if (tls and "23" in multi(r["tls.record.content_type"])) or r["http.response.code"] or \
               (not tls and r["tcp.len"] not in ("", "0")):
                fb = r
                segs = [int(s) for s in multi(r["tcp.segment"])]
                if segs and min(segs) < int(r["frame.number"]):
                    fb = next(q for q in rs if int(q["frame.number"]) == min(segs))
                break
        fb_of[x["request"]["frame"]] = fb
        check(tag + " first byte of %s %s" % (x["method"], x["uri"]), row_pt(fb), pt(x["first_byte"]))
        if fb is not None and x["first_byte"] and x["response"] and \
           x["first_byte"]["frame"] == x["response"]["frame"]:
            check(tag + " ttfb = http.time when one frame", x["response_time"], x["ttfb"])
    # phases: in the story's order; an HTTP proxy's tunnel (the first
    # request a CONNECT that tshark saw answered 2xx) has a "connect" phase
    # from the CONNECT to its answer's first byte, and the wait phase and
    # the time before the first byte are the first exchange's inside it
    order = ["dns", "tcp", "connect", "tls", "wait", "transfer"]
    names = [p["name"] for p in c["phases"]]
    check(tag + " phases in order", sorted(names, key=order.index), names)
    ph = {p["name"]: (pt(p["start"]), pt(p["end"])) for p in c["phases"]}
    if reqs and not [x for x in c["http"] if x["version"] != "HTTP/1.x"]:
        rowf = {int(r["frame.number"]): r for r in rs}
        codes = {int(r["http.request_in"]): int(r["http.response.code"]) for r in rs
                 if r["http.response.code"] and r["http.request_in"] and "," not in r["http.response.code"]}
        tunnel = reqs[0][1] == "CONNECT" and 200 <= codes.get(reqs[0][0], 0) < 300
        inner = reqs[1] if tunnel and len(reqs) > 1 else None if tunnel else reqs[0]
        want = (row_pt(rowf[reqs[0][0]]), row_pt(fb_of.get(reqs[0][0]))) if tunnel else None
        check(tag + " connect phase (a proxy's tunnel)", want, ph.get("connect"))
        want = None
        if inner and fb_of.get(inner[0]) is not None:
            want = (row_pt(rowf[inner[0]]), row_pt(fb_of[inner[0]]))
        check(tag + " wait phase: %s to its first byte" % (inner[1] if inner else "no request"),
              want, ph.get("wait"))
        got = c["before_first_byte"]["end"]["frame"] if c["before_first_byte"] else None
        check(tag + " before the first byte: up to", want[1][0] if want else None, got)

    # HTTP/2: a request is complete with the client's frame that ends its
    # stream (END_STREAM, flag 0x1 of HEADERS or DATA: a POST's body
    # after its HEADERS). tshark lists http2.type, http2.flags and
    # http2.streamid once per HTTP/2 frame (aligned); the :method and
    # :path of the client's HEADERS frames in order.
    h2req, opened = [], {}
    for r in rs:
        if r["tcp.srcport"] != cport:
            continue
        ms, ps = multi(r["http2.headers.method"]), multi(r["http2.headers.path"])
        frs = list(zip(multi(r["http2.type"]), multi(r["http2.flags"]), multi(r["http2.streamid"])))
        k = 0
        for t, fl, sid in frs:
            if t == "1" and k < len(ms):  # HEADERS with a :method
                opened[sid] = (ms[k], ps[k])
                k += 1
            if t in ("0", "1") and int(fl, 0) & 1 and sid in opened:
                m, p = opened.pop(sid)
                h2req.append((int(r["frame.number"]), m, p))
    h2req.sort()
    # (after "Upgrade: h2c" the HTTP/1.1 request is stream 1: not a HEADERS frame)
    h1frames = set(f for f, _, _ in reqs)
    h2 = [x for x in c["http"] if x["version"] == "HTTP/2"]
    h2 = [x for x in h2 if not (x["stream_id"] == 1 and x["request"]["frame"] in h1frames)]
    check(tag + " HTTP/2 requests", h2req,
          sorted((x["request"]["frame"], x["method"], x["uri"]) for x in h2))
    st = sorted(int(s) for r in rs for s in multi(r["http2.headers.status"]))
    check(tag + " HTTP/2 statuses", st,
          sorted(x["status"] for x in c["http"] if x["version"] == "HTTP/2" and x["status"]))

    # DNS
    if c["dns"]["found"]:
        d = c["dns"]
        q = next((r for r in rows if r["dns.flags.response"] == "0" and r["dns.qry.name"] == d["name"]
                  and int(r["frame.number"]) == (d["query"] or {}).get("frame")), None)
        a = next((r for r in rows if int(r["frame.number"]) == d["response"]["frame"]), None)
        check(tag + " DNS query frame/time", row_pt(q), pt(d["query"]))
        check(tag + " DNS response frame/time", row_pt(a), pt(d["response"]))
        check(tag + " DNS answers", multi(a["dns.a"]) if a else None, d["answers"])
        if a and d["query"]:
            ns = d["response"]["time_ns"] - d["query"]["time_ns"]
            check(tag + " DNS time = dns.time", a["dns.time"], "%d.%09d" % (ns // 10**9, ns % 10**9))
    # every time string is the exact value of its time_ns
    def walk(v):
        if isinstance(v, dict):
            if "time_ns" in v and "time" in v:
                ns = v["time_ns"]
                if "%d.%09d" % (ns // 10**9, ns % 10**9) != v["time"]:
                    out.append("FAIL %s: time %r != time_ns %r" % (name, v["time"], ns))
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
    walk(c)
print("\n".join(out))
