#!/usr/bin/env bash
# Odd but valid inputs, read and shown as tshark reads and shows them
# (issue 13): names holding bidi controls and invisible characters, a
# control byte in an HTTP request target, gzip-compressed captures,
# pcapng files whose sections differ in byte order; and -o values that
# must be exact.
# Usage: test_oddfiles.sh BIN_DIR SRC_DIR
# Captures are made here by a python script; expected values come from
# tshark run on the same files (when installed) or are tshark 4.0.17's
# output written down, never from our own output.
set -uo pipefail
BIN=${1:?usage: test_oddfiles.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_oddfiles.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
S=$SRC/samples
[[ -x $D ]] || skip "$D not built"
[[ -n $PY ]] || skip "no python3"
t_tmpdir
export LC_ALL=C.UTF-8
have_tshark=0
command -v tshark >/dev/null 2>&1 && have_tshark=1
tsh() { tshark "$@" 2>/dev/null; }

# ---------------------------------------------------------------- captures
# chars.pcap: one DNS query per code point for the name "a" CHAR "b.com";
# ctl.pcap: "GET /a" BYTE "b HTTP/1.1" to port 80 for BYTE 01, 7f, 1b;
# mixed.pcapng: three sections, little-, big-, little-endian, three DNS
# queries each (host1.example ... host9.example).
$PY - "$T_TMP" <<'EOF'
import struct, sys
out = sys.argv[1]
def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b)); s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
def ip(proto, pl):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(pl), 1, 0, 64, proto, 0, b'\x0a\0\0\1', b'\x0a\0\0\2')
    return h[:10] + struct.pack('!H', csum(h)) + h[12:] + pl
def eth(p): return b'\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\x08\x00' + p
def udp(sp, dp, pl): return struct.pack('!HHHH', sp, dp, 8 + len(pl), 0) + pl
def tcp(sp, dp, pl): return struct.pack('!HHIIBBHHH', sp, dp, 1, 1, 0x50, 0x18, 65535, 0, 0) + pl
def dnsq(name, i):
    q = b''.join(bytes([len(l)]) + l for l in name.split(b'.'))
    return struct.pack('!HHHHHH', i, 0x0100, 1, 0, 0, 0) + q + b'\0' + struct.pack('!HH', 1, 1)
def pcap(frames, fn):
    with open(fn, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack('<IIII', 1000 + i, 0, len(fr), len(fr)) + fr)
cps = [0x80, 0x85, 0x9b, 0x9f, 0xa0, 0xad, 0x61c, 0x600, 0x6dd, 0x70f, 0x180e, 0x200b, 0x200c,
       0x200d, 0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2060,
       0x2061, 0x2062, 0x2063, 0x2064, 0x2065, 0x2066, 0x2067, 0x2068, 0x2069, 0x206a, 0x206f,
       0x3000, 0xe000, 0xfeff, 0xfff9, 0xfffb, 0xfffc, 0xfffd, 0xfffe, 0xffff, 0x378, 0x34f,
       0x110bd, 0x1d173, 0xe0001, 0xe0020, 0xe007f, 0xf0000, 0x10ffff, 0xe9, 0x1f600]
pcap([eth(ip(17, udp(1000 + i, 53, dnsq(b'a' + chr(c).encode() + b'b.com', i))))
      for i, c in enumerate(cps)], out + '/chars.pcap')
pcap([eth(ip(6, tcp(4000 + i, 80, b'GET /a' + c + b'b HTTP/1.1\r\nHost: x\r\n\r\n')))
      for i, c in enumerate([b'\x01', b'\x7f', b'\x1b'])], out + '/ctl.pcap')
def blk(e, t, body):
    body += b'\0' * ((4 - len(body) % 4) % 4); n = 12 + len(body)
    return struct.pack(e + 'II', t, n) + body + struct.pack(e + 'I', n)
# The big-endian section also has a second interface (raw IPv4, if_tsresol
# 9: nanoseconds) and a Simple Packet Block; the third a statistics block.
ng, n = b'', 0
for k, e in enumerate(['<', '>', '<']):
    ng += blk(e, 0x0A0D0D0A, struct.pack(e + 'IHHq', 0x1A2B3C4D, 1, 0, -1))
    ng += blk(e, 1, struct.pack(e + 'HHI', 1, 0, 65535))
    if k == 1:
        ng += blk(e, 1, struct.pack(e + 'HHI', 101, 0, 65535) + struct.pack(e + 'HH', 9, 1) + b'\x09\0\0\0' + struct.pack(e + 'HH', 0, 0))
    if k == 2:
        ng += blk(e, 5, struct.pack(e + 'III', 0, 0, 0))  # interface statistics
    for i in range(3):
        n += 1
        pkt = ip(17, udp(1000 + n, 53, dnsq(b'host%d.example' % n, n)))
        raw = k == 1 and i == 1
        fr = pkt if raw else eth(pkt)
        ts = (1700000000 + n) * (10**9 if raw else 10**6) + n
        ng += blk(e, 6, struct.pack(e + 'IIIII', 1 if raw else 0, ts >> 32, ts & 0xffffffff, len(fr), len(fr)) + fr)
    if k == 1:
        n += 1
        fr = eth(ip(17, udp(1000 + n, 53, dnsq(b'host%d.example' % n, n))))
        ng += blk(e, 3, struct.pack(e + 'I', len(fr)) + fr)
open(out + '/mixed.pcapng', 'wb').write(ng)
open(out + '/cutmixed.pcapng', 'wb').write(ng[:len(ng) - 40])
EOF
[[ -f $T_TMP/chars.pcap ]] || skip "could not write the test captures"

# ---------------------------------------------------------------- invisible characters
# What tshark 4.0.17 printed for some of them (-T fields -e dns.qry.name).
run "$D" -r "$T_TMP/chars.pcap" -T fields -e dns.qry.name
check_rc_zero "invisible characters: exit status 0"
for want in 'a\u0085b.com' 'a\u00ADb.com' 'a\u061Cb.com' 'a\u200Bb.com' 'a\u200Eb.com' \
  'a\u202Eb.com' 'a\u2066b.com' 'a\u2069b.com' 'a\uFEFFb.com' 'a\U000E0001b.com'; do
  check_grepf "invisible characters: -T fields shows $want" "$want" "$T_TMP/out"
done
for hex in 'e2 80 ae' 'e2 81 a6' 'e2 80 8b' 'ef bb bf' 'c2 85' 'c2 ad'; do
  if LC_ALL=C grep -q "$(printf '\\x%s' $hex)" "$T_TMP/out" "$T_TMP/err"; then
    fail "invisible characters: no raw $hex in -T fields"
  else
    pass "invisible characters: no raw $hex in -T fields"
  fi
done
for mode in "" "-V"; do
  run "$D" -r "$T_TMP/chars.pcap" $mode
  bad=0
  for hex in 'e2 80 ae' 'e2 81 a6' 'e2 80 8b' 'ef bb bf' 'c2 85' 'c2 ad' 'd8 9c'; do
    LC_ALL=C grep -q "$(printf '\\x%s' $hex)" "$T_TMP/out" && bad=1
  done
  check_eq "invisible characters: none raw in dissect ${mode:-(summary)}" 0 "$bad"
done
run "$D" -r "$T_TMP/chars.pcap" -V
check_grepf "invisible characters: -V shows Name: a\\u202Eb.com" 'Name: a\u202Eb.com' "$T_TMP/out"
run "$D" -r "$T_TMP/chars.pcap"
check_grepf "invisible characters: the summary shows A a\\u202Eb.com" 'A a\u202Eb.com' "$T_TMP/out"
run "$D" -r "$T_TMP/chars.pcap" -T json
check_grepf "invisible characters: -T json escapes C1 in the value (\\u0085)" 'a\u0085b.com' "$T_TMP/out"
run "$D" -r "$T_TMP/chars.pcap" -T jsontree
check_grepf "invisible characters: -T jsontree escapes C1 in the label (\\\\u0085)" 'a\\u0085b.com' "$T_TMP/out"
if ((have_tshark)); then
  "$D" -r "$T_TMP/chars.pcap" -T fields -e frame.number -e dns.qry.name >"$T_TMP/ours" 2>&1
  tsh -r "$T_TMP/chars.pcap" -T fields -e frame.number -e dns.qry.name >"$T_TMP/theirs"
  if cmp -s "$T_TMP/ours" "$T_TMP/theirs"; then
    pass "invisible characters: dns.qry.name as tshark -T fields, every code point"
  else
    fail "invisible characters: dns.qry.name as tshark -T fields, every code point" \
      "$(diff "$T_TMP/ours" "$T_TMP/theirs" | head -10)"
  fi
fi

# ---------------------------------------------------------------- HTTP control byte
# tshark 4.0.17: a request (GET, HTTP/1.1), Info "GET /a\001b HTTP/1.1 "
# (its -T fields writes the byte raw; dissect escapes it as -V does).
run "$D" -r "$T_TMP/ctl.pcap" -T fields -e http.request.method -e http.request.uri \
  -e http.request.version
check_eq "control byte in the request target: a request" \
  "$(printf 'GET\t/a\\001b\tHTTP/1.1\nGET\t/a\\177b\tHTTP/1.1\nGET\t/a\\033b\tHTTP/1.1')" \
  "$(cat "$T_TMP/out")"
run "$D" -r "$T_TMP/ctl.pcap"
check_grepf "control byte in the request target: Info as tshark's" 'HTTP 84 GET /a\001b HTTP/1.1' \
  "$T_TMP/out"
if ((have_tshark)); then
  check_eq "control byte in the request target: method and version as tshark's" \
    "$(tsh -r "$T_TMP/ctl.pcap" -T fields -e http.request.method -e http.request.version)" \
    "$("$D" -r "$T_TMP/ctl.pcap" -T fields -e http.request.method -e http.request.version)"
fi

# ---------------------------------------------------------------- gzip
if command -v gzip >/dev/null 2>&1; then
  for f in http.pcap http.pcapng dns.pcap; do
    [[ -f $S/$f ]] || continue
    gzip -c "$S/$f" >"$T_TMP/$f.gz"
    run "$D" -r "$T_TMP/$f.gz" -T fields -e frame.number -e frame.time_epoch -e ip.src \
      -e tcp.stream -e http.request.uri -e dns.qry.name
    check_rc_zero "$f.gz: exit status 0"
    cp "$T_TMP/out" "$T_TMP/gz.out"
    run "$D" -r "$S/$f" -T fields -e frame.number -e frame.time_epoch -e ip.src \
      -e tcp.stream -e http.request.uri -e dns.qry.name
    check_eq "$f.gz: the same frames as $f" "$(cat "$T_TMP/out")" "$(cat "$T_TMP/gz.out")"
    if ((have_tshark)); then
      check_eq "$f.gz: as many frames as tshark reads" \
        "$(tsh -r "$T_TMP/$f.gz" | wc -l)" "$(wc -l <"$T_TMP/gz.out")"
    fi
  done
  printf 'hello\n' | gzip >"$T_TMP/hello.gz"
  run "$D" -r "$T_TMP/hello.gz"
  check_rc_error "gzip of a text file: error"
  check_grepf "gzip of a text file: not a capture" "not a pcap or pcapng capture" "$T_TMP/err"
  head -c 3000 "$T_TMP/http.pcap.gz" >"$T_TMP/cut.pcap.gz"
  run "$D" -r "$T_TMP/cut.pcap.gz"
  check_rc_error "gzip cut short: error"
  check_grepf "gzip cut short: says so" "cut short" "$T_TMP/err"
  [[ -s $T_TMP/out ]] && pass "gzip cut short: frames before the cut are shown" ||
    fail "gzip cut short: frames before the cut are shown"
fi

# ---------------------------------------------------------------- pcapng byte orders
# libpcap 1.10 stops at the second section (big-endian); tshark reads all
# ten frames: fields compared with tshark's, or with the values written.
ng_fields=(-e frame.number -e frame.time_epoch -e frame.len -e frame.cap_len -e ip.src -e dns.qry.name)
run "$D" -r "$T_TMP/mixed.pcapng" -T fields "${ng_fields[@]}"
check_rc_zero "pcapng with mixed byte orders: exit status 0"
check_eq "pcapng with mixed byte orders: every frame" 10 "$(wc -l <"$T_TMP/out")"
check_eq "pcapng with mixed byte orders: names in order" \
  "$(printf 'host%d.example\n' 1 2 3 4 5 6 7 8 9 10)" "$(cut -f6 "$T_TMP/out")"
check_grepf "pcapng with mixed byte orders: nanosecond interface" \
  "$(printf '5\t1700000005.000000005\t')" "$T_TMP/out"
if ((have_tshark)); then
  # a Simple Packet Block has no time: tshark leaves frame.time_epoch empty
  # where we say 0
  check_eq "pcapng with mixed byte orders: fields as tshark's" \
    "$(tsh -r "$T_TMP/mixed.pcapng" -T fields "${ng_fields[@]}" | awk -F'\t' -v OFS='\t' '$2 == "" { $2 = "0.000000000" } 1')" \
    "$(cat "$T_TMP/out")"
fi
if command -v gzip >/dev/null 2>&1; then
  gzip -c "$T_TMP/mixed.pcapng" >"$T_TMP/mixed.pcapng.gz"
  cp "$T_TMP/out" "$T_TMP/ng.out"
  run "$D" -r "$T_TMP/mixed.pcapng.gz" -T fields "${ng_fields[@]}"
  check_eq "pcapng with mixed byte orders, gzip: the same frames" "$(cat "$T_TMP/ng.out")" \
    "$(cat "$T_TMP/out")"
fi
run "$D" -r "$T_TMP/cutmixed.pcapng"
check_rc_error "pcapng with mixed byte orders, cut short: error"
check_grepf "pcapng with mixed byte orders, cut short: says so" "cut short" "$T_TMP/err"
check_eq "pcapng with mixed byte orders, cut short: the frames before the cut" 9 \
  "$(wc -l <"$T_TMP/out")"

# ---------------------------------------------------------------- -o values
for v in 'flows.max: 5' 'flows.max:5 ' 'flows.max:+5' 'flows.max:5x' 'flows.max:' \
  'flows.max:0' 'flows.max:-5' 'tcp.max_stream_bytes:	1000'; do
  run "$D" -r "$S/dns.pcap" -c 1 -o "$v"
  check_rc_error "-o '$v': refused"
  check_grepf "-o '$v': the error names the preference" "\"${v%%:*}:" "$T_TMP/err"
done
run "$D" -r "$S/dns.pcap" -c 1 -o flows.max:5
check_rc_zero "-o flows.max:5: accepted"

finish
