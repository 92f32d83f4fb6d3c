#!/usr/bin/env bash
# Differential test of -z http,stat, -z http_seq,tree, -z hosts, -z icmp,srt
# and -z icmpv6,srt: `dissect` and tshark (4.0) print the same bytes
#   - on every sample capture (with its key log), the five in one run;
#   - on captures made here with python (hand-made TCP, one connection per
#     exchange): every status code tshark names and codes it does not
#     (its "Others" rows, codes below 100 and from 600 left out), many
#     request methods (the rows in tshark's hash table order), Referer
#     chains and Location redirects of every form tshark resolves
#     (absolute, protocol-relative, "/", "?", relative, empty);
#   - with filters, with hosts' ip|ipv4|ipv6 words and -n;
#   - on corpus captures with ICMP echoes and DNS answers, when the corpus
#     is there.
# tshark prints -z hosts in the order of a hash table salted at random on
# each run: its lines are compared as a set (sorted on both sides).
# Expected values come from tshark at test time, never from dissect.
# Usage: test_tshark_stats3.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_tshark_stats3.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_tshark_stats3.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
S=$SRC/samples
CORPUS=${DX_CORPUS:-$SRC/../shared/corpus}/tcpdump
if ! command -v tshark >/dev/null 2>&1; then
  echo "SKIPPED: tshark is not installed"
  exit 77
fi
[[ -x $D ]] || skip "$D not built"
[[ -f $S/dns.pcap ]] || skip "no sample captures in $S"
[[ -n $PY ]] || skip "python3 is needed to make the HTTP captures"
t_tmpdir
export WIRESHARK_CONFIG_DIR=$T_TMP/wireshark-config
mkdir -p "$WIRESHARK_CONFIG_DIR"
unset SSLKEYLOGFILE
export TZ=UTC

tsh() { tshark "$@" 2>/dev/null; }

cmp_out() {
  if [[ "$2" == "$3" ]]; then
    pass "$1"
  else
    fail "$1" "$(diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | head -8)"
  fi
}

same() {
  local name=$1
  shift
  cmp_out "$name" "$(tsh "$@")" "$("$D" "$@" 2>&1)"
}

# ---- captures made here -------------------------------------------------------
cat >"$T_TMP/mkhttp.py" <<'PY'
import struct, sys
# One TCP connection per line of the list: handshake, request, response,
# FIN both ways. A line: METHOD TAB URI TAB STATUS [TAB REQUEST HEADERS
# [TAB RESPONSE HEADERS]], headers separated by "|".
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def ip4(src, dst, payload):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0x4000, 64, 6, 0,
                    bytes(src), bytes(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload
def tcp(src, dst, sp, dp, seq, ack, flags, data=b""):
    h = struct.pack("!HHIIBBHHH", sp, dp, seq, ack, 5 << 4, flags, 65535, 0, 0)
    c = csum(bytes(src) + bytes(dst) + struct.pack("!BBH", 0, 6, len(h) + len(data)) + h + data)
    return ip4(src, dst, h[:16] + struct.pack("!H", c) + h[18:] + data)
out = [struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101)]  # raw IPv4
usec = [0]
def emit(pkt):
    usec[0] += 1500
    out.append(struct.pack("<IIII", 1700000000, usec[0], len(pkt), len(pkt)) + pkt)
C, S = [10, 0, 0, 1], [10, 0, 0, 2]
port = 20000
for line in open(sys.argv[2]):
    line = line.rstrip("\n")
    if not line or line.startswith("#"):
        continue
    p = line.split("\t") + ["", ""]
    rq = "".join(h + "\r\n" for h in p[3].split("|") if h)
    rs = "".join(h + "\r\n" for h in p[4].split("|") if h)
    req = ("%s %s HTTP/1.1\r\nHost: www.example.test\r\n%s\r\n" % (p[0], p[1], rq)).encode()
    resp = ("HTTP/1.1 %s X\r\nContent-Length: 0\r\n%s\r\n" % (p[2], rs)).encode()
    port += 1
    cs, ss = 1000, 5000
    emit(tcp(C, S, port, 80, cs, 0, 0x02))
    emit(tcp(S, C, 80, port, ss, cs + 1, 0x12))
    emit(tcp(C, S, port, 80, cs + 1, ss + 1, 0x10))
    emit(tcp(C, S, port, 80, cs + 1, ss + 1, 0x18, req))
    emit(tcp(S, C, 80, port, ss + 1, cs + 1 + len(req), 0x18, resp))
    emit(tcp(C, S, port, 80, cs + 1 + len(req), ss + 1 + len(resp), 0x11))
    emit(tcp(S, C, 80, port, ss + 1 + len(resp), cs + 2 + len(req), 0x11))
    emit(tcp(C, S, port, 80, cs + 2 + len(req), ss + 2 + len(resp), 0x10))
open(sys.argv[1], "wb").write(b"".join(out))
PY
# every status code tshark 4.0 names, some it does not (150, 250, 306, 350,
# 460, 550: its Others rows; 99, 600, 999: not counted), methods
"$PY" - >"$T_TMP/codes.txt" <<'PY'
import random
random.seed(3)
codes = [100, 101, 102, 103, 150, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 250, 300, 301,
         302, 303, 304, 305, 306, 307, 308, 350, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409,
         410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431,
         451, 460, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511, 550, 99, 600, 999]
methods = ["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH", "PROPFIND",
           "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "SEARCH", "NOTIFY", "SUBSCRIBE",
           "M-SEARCH", "REPORT"]
for i, c in enumerate(codes):
    m = methods[i % len(methods)] if i < 40 else random.choice(methods)
    print("%s\t/p%d\t%d" % (m, i, c))
PY
"$PY" "$T_TMP/mkhttp.py" "$T_TMP/codes.pcap" "$T_TMP/codes.txt"
# Referer chains and Location redirects
printf '%s\n' \
  $'GET\t/\t301\t\tLocation: https://www.example.test/' \
  $'GET\t/index.html\t200\tReferer: http://www.example.test/' \
  $'GET\t/style.css\t200\tReferer: http://www.example.test/index.html' \
  $'GET\t/img/a.png\t200\tReferer: http://www.example.test/index.html' \
  $'GET\t/img/b.png\t200\tReferer: http://www.example.test/style.css' \
  $'GET\t/old?x=1\t302\t\tLocation: /new' \
  $'GET\t/dir/old\t302\t\tLocation: other' \
  $'GET\t/dir/q?a=b#f\t302\t\tLocation: ?c=d' \
  $'GET\t/proto\t302\t\tLocation: //cdn.example.test/x' \
  $'GET\t/empty\t302\t\tLocation: ' \
  $'GET\t/abs\t303\t\tLocation: http://elsewhere.test/y' \
  $'GET\t/new\t200\tReferer: http://www.example.test/old?x=1' \
  $'GET\t/index.html\t200\tReferer: http://www.example.test/' \
  $'GET\t/img/a.png\t304\tReferer: http://www.example.test/index.html' \
  $'POST\t/form\t200\tReferer: http://www.example.test/new' \
  $'GET\t/x\t200\tReferer: not-a-uri' >"$T_TMP/seq.txt"
"$PY" "$T_TMP/mkhttp.py" "$T_TMP/seq.pcap" "$T_TMP/seq.txt"

same "http,stat: every status code, their Others rows, 20 methods (hash table order)" \
  -q -r "$T_TMP/codes.pcap" -z http,stat
same "http_seq,tree: Referer chains and Location redirects of every form" \
  -q -r "$T_TMP/seq.pcap" -z http_seq,tree
same "http,stat,FILTER and http_seq,tree,FILTER" -q -r "$T_TMP/seq.pcap" \
  -z "http,stat,tcp.srcport != 20003" -z "http_seq,tree,tcp.port >= 20006"
same "http,stat, with an empty filter" -q -r "$S/http.pcap" -z "http,stat,"

# ---- every sample ---------------------------------------------------------------
hosts_sorted() {
  local all
  all=$(cat)
  sed -n '1,/^# Host data gathered/p' <<<"$all"
  sed '1,/^# Host data gathered/d' <<<"$all" | sort
}
for f in "$S"/*.pcap "$S"/*.pcapng; do
  b=$(basename "$f")
  [[ $b == quic-v2draft.pcap ]] && continue # tshark 4.0 does not know the draft
  k=${f%.*}.keylog
  ta=() da=()
  [[ -f $k ]] && ta=(-o "tls.keylog_file:$k") da=(--keylog "$k")
  # hosts first: printed last (tshark prints in the reverse order), its
  # lines (names from DNS answers) sorted on both sides
  z=(-z hosts -z http,stat -z http_seq,tree -z icmp,srt -z icmpv6,srt)
  cmp_out "http,stat, http_seq,tree, icmp,srt, icmpv6,srt, hosts: $b" \
    "$(tsh -q -r "$f" "${ta[@]}" "${z[@]}" | hosts_sorted)" \
    "$("$D" -q -r "$f" "${da[@]}" "${z[@]}" 2>&1 | hosts_sorted)"
done
cmp_out "icmp,srt,FILTER: one reply (no deviation)" \
  "$(tsh -q -r "$S/misc.pcap" -z "icmp,srt,frame.number<=2")" \
  "$("$D" -q -r "$S/misc.pcap" -z "icmp,srt,frame.number<=2" 2>&1)"
cmp_out "icmp,srt,FILTER: a request without its reply" \
  "$(tsh -q -r "$S/misc.pcap" -z "icmp,srt,frame.number==1")" \
  "$("$D" -q -r "$S/misc.pcap" -z "icmp,srt,frame.number==1" 2>&1)"
cmp_out "icmpv6,srt,FILTER" "$(tsh -q -r "$S/misc.pcap" -z "icmpv6,srt,frame.number>=7")" \
  "$("$D" -q -r "$S/misc.pcap" -z "icmpv6,srt,frame.number>=7" 2>&1)"
cmp_out "hosts with -n: no names" "$(tsh -n -q -r "$S/dns-tcp.pcap" -z hosts)" \
  "$("$D" -n -q -r "$S/dns-tcp.pcap" -z hosts 2>&1)"
for w in ipv6 ip ipv4,ipv6; do
  cmp_out "hosts,$w" "$(tsh -q -r "$S/dns-tcp.pcap" -z "hosts,$w" | sort)" \
    "$("$D" -q -r "$S/dns-tcp.pcap" -z "hosts,$w" 2>&1 | sort)"
done
cmp_out "hosts from standard input" "$(tsh -q -r - -z hosts <"$S/dns.pcap" | sort)" \
  "$("$D" -q -r - -z hosts <"$S/dns.pcap" 2>&1 | sort)"
run "$D" -q -r "$S/dns.pcap" -z hosts,foo
check_rc_error "hosts,foo is refused, as tshark refuses it"

# ---- corpus captures (ICMP echoes, DNS answers) ----------------------------------
# Only captures dissect reads as tshark does; those with ICMP inside link
# types or tunnels dissect does not decode (ipnet: e1000g.pcap, ARCNET,
# VXLAN, Geneve) are left out.
if [[ -d $CORPUS ]]; then
  for b in edns-opts.pcap dnssec.pcap HDLC.pcap nflog.pcap icmp-length-zero.pcapng; do
    f=$CORPUS/$b
    [[ -f $f ]] || continue
    z=(-z icmp,srt -z icmpv6,srt -z hosts)
    cmp_out "corpus $b: icmp,srt, icmpv6,srt, hosts" "$(tsh -q -r "$f" "${z[@]}" | sort)" \
      "$("$D" -q -r "$f" "${z[@]}" 2>&1 | sort)"
  done
else
  echo "note: no corpus at $CORPUS, its captures not compared"
fi

finish
