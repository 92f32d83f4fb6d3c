#!/usr/bin/env bash
# Integration tests of the `dissect` command line on the sample captures.
# Usage: test_cli.sh BIN_DIR SRC_DIR
# Expected values come from capinfos/tshark (run here, on the same files) or
# from the capture format itself, never from our own output.
set -uo pipefail
BIN=${1:?usage: test_cli.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_cli.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
S=$SRC/samples
[[ -x $D ]] || skip "$D not built"
[[ -f $S/dns.pcap ]] || skip "no sample captures in $S"
t_tmpdir
export LC_ALL=C.UTF-8
have_tshark=0
command -v tshark >/dev/null 2>&1 && have_tshark=1
# tshark, quiet about running as root
tsh() { tshark "$@" 2>/dev/null; }

# ---------------------------------------------------------------- counts
for f in "$S"/*.pcap "$S"/*.pcapng; do
  [[ -f $f ]] || continue
  name=$(basename "$f")
  want=$(capinfos_count "$f")
  [[ -n $want ]] || want=$( ((have_tshark)) && tsh -r "$f" | wc -l)
  [[ -n $want ]] || continue
  run "$D" -r "$f"
  check_rc_zero "$name: exit status 0"
  check_eq "$name: one summary line per packet (capinfos: $want)" "$want" "$(wc -l <"$T_TMP/out")"
  run "$D" -r "$f" -T fields -e frame.number
  check_eq "$name: -T fields -e frame.number counts 1..$want" "$(seq 1 "$want")" "$(cat "$T_TMP/out")"
done

run "$D" -r "$S/dns.pcap" -c 3
check_rc_zero "-c 3: exit status 0"
check_eq "-c 3 prints 3 lines" 3 "$(wc -l <"$T_TMP/out")"

run_in "$S/dns.pcap" "$D" -r -
check_rc_zero "-r - (stdin): exit status 0"
want=$(capinfos_count "$S/dns.pcap")
[[ -n $want ]] && check_eq "-r - (stdin) reads every packet of dns.pcap" "$want" "$(wc -l <"$T_TMP/out")"

if [[ -f $S/http.pcapng ]]; then
  run "$D" -r "$S/http.pcapng" -V
  check_rc_zero "pcapng: exit status 0"
  check_grep "pcapng: -V shows frame 1" '^Frame 1: [0-9]+ bytes on wire' "$T_TMP/out"
fi

# ---------------------------------------------------------------- errors
run "$D" -r "$T_TMP/no-such-file.pcap"
check_rc_error "missing file: non-zero exit"
check_grepf "missing file: stderr names the file" "no-such-file.pcap" "$T_TMP/err"

mkdir "$T_TMP/adir"
run "$D" -r "$T_TMP/adir"
check_rc_error "directory: non-zero exit"
check_grepf "directory: stderr names it" "adir" "$T_TMP/err"

: >"$T_TMP/empty.pcap"
run "$D" -r "$T_TMP/empty.pcap"
check_rc_error "empty file: non-zero exit"
check_grepf "empty file: stderr names it" "empty.pcap" "$T_TMP/err"

run "$D" -r "$S/README.md"
check_rc_error "text file: non-zero exit"
check_grepf "text file: says not a capture" "not a pcap or pcapng capture" "$T_TMP/err"
check_grepf "text file: stderr names it" "README.md" "$T_TMP/err"

# A capture cut short in the middle of a record: the complete records
# before the cut are printed, the exit status is non-zero, stderr says so.
head -c 1000 "$S/dns.pcap" >"$T_TMP/cut.pcap"
complete=$($PY - "$T_TMP/cut.pcap" <<'EOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
e = "<" if d[:4] == b"\xd4\xc3\xb2\xa1" else ">"
off, n = 24, 0
while off + 16 <= len(d):
    incl = struct.unpack(e + "IIII", d[off:off + 16])[2]
    if off + 16 + incl > len(d):
        break
    off += 16 + incl
    n += 1
print(n)
EOF
)
run "$D" -r "$T_TMP/cut.pcap"
check_rc_error "cut short: non-zero exit"
check_eq "cut short: the $complete complete packets are printed" "$complete" "$(wc -l <"$T_TMP/out")"
check_grep "cut short: stderr says cut short" '[Cc]ut short|truncated' "$T_TMP/err"
run "$D" -r "$T_TMP/cut.pcap" -T json
check_rc_error "cut short, -T json: non-zero exit"
if $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if len(d)==int(sys.argv[2]) else 1)' \
  "$T_TMP/out" "$complete" 2>/dev/null; then
  pass "cut short, -T json: valid JSON array of the $complete complete packets"
else
  fail "cut short, -T json: valid JSON array of the $complete complete packets" "$(tail -c 200 "$T_TMP/out")"
fi

# A link type without a dissector, USER0 (147), opens as tshark opens it:
# each frame is frame + data, with an expert note, in every output.
pcap_write "$T_TMP/user0.pcap" 147 "00 01 02 03 04 05 06 07"
run "$D" -r "$T_TMP/user0.pcap"
check_rc_zero "link type 147: opens"
run "$D" -r "$T_TMP/user0.pcap" -T fields -e frame.protocols -e data.data -e frame.encap_type
check_eq "link type 147: frame + data, encapsulation as tshark's (USER 0 is 45)" \
  "$(printf 'data\t0001020304050607\t45')" "$(cat "$T_TMP/out")"
for mode in "-V" "-T json" "-T ek"; do
  # shellcheck disable=SC2086
  run "$D" -r "$T_TMP/user0.pcap" $mode
  check_rc_zero "link type 147, $mode: exit 0"
  check_grep "link type 147, $mode: names the link type in a note" '[Ll]ink type 147' "$T_TMP/out"
done

run "$D" --no-such-option
check_rc_error "bad long option: non-zero exit"
check_grepf "bad long option: named" "no-such-option" "$T_TMP/err"
run "$D" -r "$S/dns.pcap" -Q
check_rc_error "bad short option: non-zero exit"
check_grepf "bad short option: named" "-Q" "$T_TMP/err"
run "$D" -r "$S/dns.pcap" -c abc
check_rc_error "-c abc: non-zero exit"
run "$D" -r "$S/dns.pcap" -T xml
check_rc_error "-T xml: non-zero exit"
check_grepf "-T xml: named" "xml" "$T_TMP/err"
run "$D" -r
check_rc_error "-r without a value: non-zero exit"
run "$D"
check_rc_error "no capture source: non-zero exit"

run "$D" -r "$S/dns.pcap" -T fields -e eth.typ
check_rc_error "-e eth.typ: non-zero exit"
check_grepf "-e eth.typ: names the field" "eth.typ" "$T_TMP/err"
check_grepf "-e eth.typ: suggests eth.type" "eth.type\"" "$T_TMP/err"
run "$D" -r "$S/dns.pcap" -T fields
check_rc_error "-T fields without -e: non-zero exit"
check_grepf "-T fields without -e: says -e is needed" "-e" "$T_TMP/err"

# ---------------------------------------------------------------- -T fields options vs tshark
if ((have_tshark)); then
  for opts in "-E header=y" "-E separator=," "-E occurrence=f" "-E occurrence=l" \
    "-E aggregator=; -E header=y" "-E quote=d -E separator=,"; do
    # shellcheck disable=SC2086
    want=$(tsh -r "$S/dns.pcap" -c 5 -T fields $opts -e frame.number -e frame.len -e eth.addr -e eth.type)
    # shellcheck disable=SC2086
    run "$D" -r "$S/dns.pcap" -c 5 -T fields $opts -e frame.number -e frame.len -e eth.addr -e eth.type
    check_eq "-T fields $opts equals tshark" "$want" "$(cat "$T_TMP/out")"
  done
fi
run "$D" -r "$S/dns.pcap" -c 1 -T fields -E header=y -e frame.number -e frame.len
check_eq "-E header=y: header line" "$(printf 'frame.number\tframe.len')" "$(head -1 "$T_TMP/out")"

# ---------------------------------------------------------------- -x and -V
run "$D" -r "$S/dns.pcap" -c 1 -x
check_grep "-x: a hex dump line starting with '0000  '" '^0000  [0-9a-f]{2} ' "$T_TMP/out"
# The bytes of frame 1, from the capture file itself (after the 24-byte
# file header and the 16-byte record header).
len1=$($PY -c 'import struct,sys; d=open(sys.argv[1],"rb").read(); print(struct.unpack("<I", d[32:36])[0])' "$S/dns.pcap")
want=$($PY -c 'import sys; d=open(sys.argv[1],"rb").read()[40:40+int(sys.argv[2])]; print(" ".join("%02x" % b for b in d))' "$S/dns.pcap" "$len1")
got=$(grep -E '^[0-9a-f]{4}  ' "$T_TMP/out" | cut -c7-53 | tr -s ' \n' '  ' | sed 's/ *$//')
check_eq "-x: the dumped bytes are frame 1's bytes" "$want" "$got"
if ((have_tshark)); then
  want=$(tsh -r "$S/dns.pcap" -c 1 -x | grep -E '^[0-9a-f]{4}  ' | cut -c1-53)
  got=$(grep -E '^[0-9a-f]{4}  ' "$T_TMP/out" | cut -c1-53)
  check_eq "-x: offsets and hex columns as tshark -x" "$want" "$got"
fi

run "$D" -r "$S/dns.pcap" -c 1 -V
check_rc_zero "-V: exit status 0"
check_grepf "-V: frame line" "Frame 1: $len1 bytes on wire ($((len1 * 8)) bits), $len1 bytes captured ($((len1 * 8)) bits)" "$T_TMP/out"
if ((have_tshark)); then
  check_eq "-V: first line as tshark -V" "$(tsh -r "$S/dns.pcap" -c 1 -V | head -1)" "$(head -1 "$T_TMP/out")"
  # Printable UTF-8 that we write ourselves (the flags string's middle dots)
  # reaches the output as tshark writes it, neither escaped nor doubled.
  run "$D" -r "$S/http.pcap" -c 1 -V
  check_eq "-V: the TCP flags string as tshark -V" \
    "$(tsh -r "$S/http.pcap" -c 1 -V | grep -F '[TCP Flags:')" "$(grep -F '[TCP Flags:' "$T_TMP/out")"
  run "$D" -r "$S/http.pcap" -c 3 -T fields -e tcp.flags.str
  check_eq "-T fields -e tcp.flags.str as tshark" \
    "$(tsh -r "$S/http.pcap" -c 3 -T fields -e tcp.flags.str)" "$(cat "$T_TMP/out")"
fi

# ---------------------------------------------------------------- terminal safety
# Frames with ESC and other control bytes in a DNS name, HTTP request
# line/headers and UDP/raw data. No raw ESC may reach the output.
$PY - "$T_TMP/evil.pcap" <<'EOF'
import struct, sys

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF

def ip4(proto, payload, src=b"\x0a\0\0\x01", dst=b"\x0a\0\0\x02"):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0, src, dst)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload

def eth(payload, etype=0x0800):
    return b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + struct.pack("!H", etype) + payload

def udp(sport, dport, data):
    return struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data

def tcp(sport, dport, data, seq=1000, flags=0x18):
    return struct.pack("!HHIIBBHHH", sport, dport, seq, 1, 5 << 4, flags, 65535, 0, 0) + data

esc = b"\x1b[31mRED\x1b]0;title\x07\x1b[2J\x9b\x01\x7f"
name = b"".join(bytes([len(l)]) + l for l in [b"w\x1bw", esc[:20], b"test"]) + b"\0"
dnsq = struct.pack("!HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + name + b"\0\x01\0\x01"
dnsr = (struct.pack("!HHHHHH", 0x1234, 0x8180, 1, 1, 0, 0) + name + b"\0\x01\0\x01"
        + b"\xc0\x0c\0\x10\0\x01\0\0\0\x3c" + struct.pack("!H", len(esc) + 1) + bytes([len(esc)]) + esc)
http = (b"GET /\x1b[2J HTTP/1.1\r\nHost: a\x1bb\r\nUser-Agent: " + esc
        + b"\r\nX-\x1b: y\r\n\r\n")
resp = (b"HTTP/1.1 200 O\x1bK\r\nContent-Type: text/plain\r\nContent-Length: "
        + str(len(esc)).encode() + b"\r\n\r\n" + esc)
frames = [
    eth(ip4(17, udp(40000, 53, dnsq))),
    eth(ip4(17, udp(53, 40000, dnsr), src=b"\x0a\0\0\x02", dst=b"\x0a\0\0\x01")),
    eth(ip4(6, tcp(40001, 80, http))),
    eth(ip4(6, tcp(80, 40001, resp, seq=5000), src=b"\x0a\0\0\x02", dst=b"\x0a\0\0\x01")),
    eth(ip4(17, udp(40002, 9999, esc * 3))),
    eth(esc * 2, etype=0x88b5),
]
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
    for i, b in enumerate(frames):
        f.write(struct.pack("<IIII", 1700000000, i, len(b), len(b)) + b)
EOF
for mode in "" "-V" "-x" "-V -x" "-T json" "-T ek" \
  "-T fields -e dns.qry.name -e dns.txt -e http.request.uri -e http.host -e http.user_agent -e data.data -e frame.protocols"; do
  # shellcheck disable=SC2086
  run "$D" -r "$T_TMP/evil.pcap" $mode
  if [[ $mode == "-T fields"* ]]; then
    # unknown fields (dissector not there yet) are an error, not a leak
    ((RC == 0)) || { run "$D" -r "$T_TMP/evil.pcap" -T fields -e frame.protocols -e eth.type; }
  fi
  check_rc_zero "control bytes: dissect ${mode:-(summary)} exits 0"
  check_no_byte "control bytes: no raw ESC in ${mode:-summary} output" 1b "$T_TMP/out"
  check_no_byte "control bytes: no raw ESC in ${mode:-summary} stderr" 1b "$T_TMP/err"
  check_no_byte "control bytes: no raw BEL in ${mode:-summary} output" 07 "$T_TMP/out"
done
# Error messages are escaped too: a file name with an ESC in it.
evil_name="$T_TMP/$(printf 'x\033[2Jy').pcap"
run "$D" -r "$evil_name"
check_rc_error "ESC in a file name: non-zero exit"
check_no_byte "ESC in a file name: not echoed raw to stderr" 1b "$T_TMP/err"

# ---------------------------------------------------------------- memory caps (-o)
# tshark: frame 7 of https-tls12.pcap completes a 1803-byte reassembled
# handshake record; with 1000 bytes allowed per direction it cannot be held.
run "$D" -r "$S/https-tls12.pcap" -V -o tcp.max_stream_bytes:1000
check_rc_zero "-o tcp.max_stream_bytes:1000: exit status 0"
check_grepf "-o tcp.max_stream_bytes:1000: the cap is shown in the tree" \
  "TCP reassembly limit reached (1000 bytes per direction" "$T_TMP/out"
run "$D" -r "$S/https-tls12.pcap" -T fields -e frame.number -Y 'tls.handshake.type == 11' \
  -o tcp.max_stream_bytes:1000
check_eq "-o tcp.max_stream_bytes:1000: no Certificate message is reassembled" "" "$(cat "$T_TMP/out")"
run "$D" -r "$S/https-tls12.pcap" -T fields -e frame.number -Y 'tls.handshake.type == 11'
check_eq "default caps: the Certificate message is in frame 7 (tshark)" "7" "$(cat "$T_TMP/out")"
run "$D" -r "$S/dns.pcap" -o tcp.max_stream_bytes:lots
check_rc_error "-o tcp.max_stream_bytes:lots: non-zero exit"
check_grepf "-o tcp.max_stream_bytes:lots: names the preference" "tcp.max_stream_bytes:lots" "$T_TMP/err"
run "$D" -r "$S/dns.pcap" -o no.such_pref:1
check_rc_error "-o no.such_pref:1: non-zero exit"
check_grepf "-o no.such_pref:1: names it" "no.such_pref" "$T_TMP/err"

# ---------------------------------------------------------------- malformed packets
# Hand-made DNS queries: a question count of 2 with one question, the same
# cut by the snapshot length, a pointer that loops, a pointer past the end.
# tshark ends the Info column with "[Malformed Packet]" or "[Packet size
# limited during capture]" where its dissection stopped, not for a loop.
$PY - "$T_TMP/malformed.pcap" <<'EOF'
import struct, sys
def ip4(payload):
    h = bytearray(struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), 1, 0, 64, 17, 0,
                              bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])))
    s = sum(struct.unpack('!10H', h)); s = (s & 0xffff) + (s >> 16); s = (s & 0xffff) + (s >> 16)
    h[10:12] = struct.pack('!H', ~s & 0xffff)
    return bytes(h) + payload
def frame(dns):
    return bytes(12) + b'\x08\x00' + ip4(struct.pack('!HHHH', 5000, 53, 8 + len(dns), 0) + dns)
def query(i, qd, name):
    return struct.pack('!HHHHHH', i, 0x0100, qd, 0, 0, 0) + name + b'\x00\x01\x00\x01'
www = b'\x03www\x07example\x04test\x00'
frames = [(frame(query(0x1234, 2, www)), None), (frame(query(0x1234, 2, www)), 50),
          (frame(query(1, 1, b'\xc0\x0c')), None), (frame(query(3, 1, b'\x03www\xc0\xff')), None)]
with open(sys.argv[1], 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i, (fr, cut) in enumerate(frames):
        data = fr[:cut] if cut else fr
        f.write(struct.pack('<IIII', i, 0, len(data), len(fr)) + data)
EOF
if ((have_tshark)); then
  run "$D" -r "$T_TMP/malformed.pcap"
  want=$(tsh -r "$T_TMP/malformed.pcap" -T fields -e _ws.col.Info)
  check_eq "malformed: tshark marks frame 1 (sanity)" 1 "$(sed -n 1p <<<"$want" | grep -c 'Malformed Packet')"
  for i in 1 3 4; do
    check_eq "malformed: frame $i Info as tshark" "$(sed -n "${i}p" <<<"$want")" \
      "$(sed -n "${i}p" "$T_TMP/out" | sed -E 's/^ *[0-9]+ +[0-9.]+ +[^ ]+ → [^ ]+ +[^ ]+ [0-9]+ //')"
  done
  check_eq "malformed: a capture cut short is not the packet's fault" 1 \
    "$(sed -n 2p "$T_TMP/out" | grep -cF '[Packet size limited during capture]')"
fi

# ---------------------------------------------------------------- live capture
# -i lo with a BPF filter and -c: only as root (capture rights) and with
# ping; the traffic stays on loopback and is bounded (3 echo requests).
# A probe first: where the sandbox forbids capturing (no CAP_NET_RAW) or
# pinging, the checks are skipped, not failed.
live_ok=0
if [[ $(id -u) == 0 ]] && command -v ping >/dev/null 2>&1; then
  timeout 2 "$D" -i lo -f 'udp port 9' -c 1 >/dev/null 2>&1
  [[ $? == 124 ]] && ping -c 1 -W 2 127.0.0.1 >/dev/null 2>&1 && live_ok=1
fi
if ((live_ok)); then
  timeout 20 "$D" -i lo -f 'icmp and host 127.0.0.1' -c 4 >"$T_TMP/live.out" 2>"$T_TMP/live.err" &
  live_pid=$!
  sleep 1
  ping -c 3 -i 0.3 127.0.0.1 >/dev/null 2>&1
  wait "$live_pid"
  live_rc=$?
  check_eq "-i lo -f icmp -c 4: exit status 0" 0 "$live_rc"
  check_eq "-i lo -f icmp -c 4: four lines" 4 "$(wc -l <"$T_TMP/live.out")"
  check_eq "-i lo -f icmp: only ICMP passes the capture filter" 4 \
    "$(grep -c ' ICMP .* Echo (ping) re' "$T_TMP/live.out")"
  check_eq "-i lo: the reply names its request (request in 1)" 1 \
    "$(grep -c 'reply .*(request in 1)' "$T_TMP/live.out")"
  run "$D" -i lo -f 'tcp port port'
  check_rc_error "-i lo with a bad BPF filter: non-zero exit"
  check_grep "-i lo with a bad BPF filter: names the filter" 'tcp port port' "$T_TMP/err"
  run "$D" -i no-such-iface0 -c 1
  check_rc_error "-i no-such-iface0: non-zero exit"
  check_grep "-i no-such-iface0: names the interface" 'no-such-iface0' "$T_TMP/err"
else
  printf 'SKIP live capture checks (needs root, capture rights on lo and ping)\n'
fi

# ---------------------------------------------------------------- TCP analysis in the Info column
# tcp-anomalies.pcap holds loss, a closed window and keep-alives. For every
# frame whose Protocol column is TCP in tshark (no HTTP or TLS in the row,
# so only the TCP dissector wrote the Info), our Protocol is TCP too and
# the Info, with its [TCP ...] tags in tshark's order, is tshark's.
# (tshark 4.0 names the columns _ws.col.Protocol and _ws.col.Info.)
F=$S/tcp-anomalies.pcap
if ((have_tshark)) && [[ -f $F ]]; then
  tsh -r "$F" -o tcp.analyze_sequence_numbers:TRUE -o tcp.relative_sequence_numbers:TRUE \
    -T fields -e frame.number -e _ws.col.Protocol -e _ws.col.Info \
    | awk -F'\t' '$2 == "TCP"' >"$T_TMP/ts-info"
  run "$D" -r "$F"
  check_rc_zero "tcp-anomalies.pcap: exit status 0"
  sed -E -n 's/^ *([0-9]+) +[0-9.]+ +[^ ]+ → [^ ]+ +([^ ]+) +[0-9]+ (.*)$/\1\t\2\t\3/p' "$T_TMP/out" \
    | awk -F'\t' 'NR == FNR { want[$1] = 1; next } ($1 in want)' "$T_TMP/ts-info" - >"$T_TMP/our-info"
  check_eq "tcp-anomalies.pcap: Protocol and Info of tshark's TCP rows" \
    "$(cat "$T_TMP/ts-info")" "$(cat "$T_TMP/our-info")"
  # the comparison covers every kind of tag the capture is made for
  for tag in '[TCP Retransmission]' '[TCP Fast Retransmission]' '[TCP Out-Of-Order]' \
    '[TCP Dup ACK ' '[TCP Previous segment not captured]' '[TCP ACKed unseen segment]' \
    '[TCP ZeroWindow]' '[TCP Window Full]' '[TCP Window Update]' '[TCP Keep-Alive]' \
    '[TCP Keep-Alive ACK]'; do
    n=$(grep -cF -- "$tag" "$T_TMP/ts-info")
    if ((n > 0)); then
      pass "tcp-anomalies.pcap: tshark shows $tag in $n TCP rows"
    else
      fail "tcp-anomalies.pcap: tshark shows $tag in $n TCP rows" "the sample lacks it"
    fi
  done
fi

# ---------------------------------------------------------------- misc
run "$D" --version
check_rc_zero "--version: exit status 0"
check_grep "--version: prints a version" '[0-9]+\.[0-9]+\.[0-9]+' "$T_TMP/out"
run "$D" -h
check_rc_zero "-h: exit status 0"
check_grepf "-h: usage" "Usage:" "$T_TMP/out"
run "$D" -G fields
check_rc_zero "-G fields: exit status 0"
check_grep "-G fields lists tcp.srcport" '^tcp\.srcport[[:space:]]' "$T_TMP/out"
check_grep "-G fields lists eth.type" '^eth\.type[[:space:]]' "$T_TMP/out"
dups=$(cut -f1 "$T_TMP/out" | sort | uniq -d | head -5 | tr '\n' ' ')
check_eq "-G fields: no field name twice" "" "$dups"

# -q prints no packets; -l changes nothing in the output
run "$D" -r "$S/dns.pcap" -q
check_eq "-q: nothing on stdout" 0 "$(wc -c <"$T_TMP/out")"
run "$D" -r "$S/dns.pcap" -l -c 4
check_eq "-l -c 4: 4 lines" 4 "$(wc -l <"$T_TMP/out")"

# A closed pipe (dissect ... | head -1) ends quietly and quickly.
if timeout 20 bash -c "'$D' -r '$S/http.pcap' -V 2>'$T_TMP/err' | head -1 >/dev/null"; then
  pass "output to a closed pipe: ends"
else
  fail "output to a closed pipe: ends" "timed out or failed"
fi
check_no_byte "output to a closed pipe: no ESC in stderr" 1b "$T_TMP/err"

# -x with -T json|ek: tshark's NAME_raw members, without a warning
# (their values against tshark's: tests/differential/test_tshark_jsonraw.sh)
run "$D" -r "$S/http.pcap" -c 1 -T json -x
check_rc_zero "-T json -x: exit status 0"
check_grepf "-T json -x: the JSON is written" '"frame.number":1' "$T_TMP/out"
check_grepf "-T json -x: eth.dst_raw as tshark's [hex, offset, length, bitmask, FT_ETHER]" \
  '"eth.dst_raw":["000000000000",0,6,0,29]' "$T_TMP/out"
check_eq "-T json -x: no warning" "" "$(cat "$T_TMP/err")"
run "$D" -r "$S/http.pcap" -c 1 -T ek -x
check_grepf "-T ek -x: eth_eth_dst_raw, the hex alone" '"eth_eth_dst_raw":"000000000000"' "$T_TMP/out"
check_eq "-T ek -x: no warning" "" "$(cat "$T_TMP/err")"
run "$D" -r "$S/http.pcap" -c 1 -T ek -e ip.src -x
check_eq "-T ek -e -x: no warning (tshark writes no _raw with -e)" "" "$(cat "$T_TMP/err")"

# --roles: under each layer of -V and -O, its role as issue 10 and the
# articles on HTTPS name them (Link/frame, Network/packet,
# Transport/segment, Security/record, Application/message); without those
# lines, the tree is -V's own (which the differential tests hold to tshark's)
run "$D" -r "$S/https-tls13.pcap" -V --roles
check_rc_zero "--roles -V: exit status 0"
roles_after() { # LAYER-LINE-PREFIX: the role lines right under such layer lines
  awk -v p="$1" 'prev { print; prev = 0 } index($0, p) == 1 { prev = 1 }' "$T_TMP/out" | sort -u
}
check_eq "--roles: under Ethernet II" "    [Link layer: frame]" "$(roles_after 'Ethernet II,')"
check_eq "--roles: under IPv4" "    [Network layer: packet]" "$(roles_after 'Internet Protocol Version 4,')"
check_eq "--roles: under TCP" "    [Transport layer: segment]" "$(roles_after 'Transmission Control Protocol,')"
check_eq "--roles: under TLS" "    [Security layer: record]" "$(roles_after 'Transport Layer Security')"
check_eq "--roles: none under Frame" "" "$(roles_after 'Frame ' | grep 'layer:')"
grep -v '^    \[[A-Za-z]* layer: [a-z]*\]$' "$T_TMP/out" >"$T_TMP/roles_less"
"$D" -r "$S/https-tls13.pcap" -V >"$T_TMP/plain" 2>&1
check_same "--roles: the tree without the role lines is -V's" "$T_TMP/plain" "$T_TMP/roles_less"
run "$D" -r "$S/dns.pcap" -c 1 -O dns --roles
check_eq "--roles with -O: the layer shown whole only" "    [Application layer: message]" \
  "$(grep 'layer:' "$T_TMP/out")"
run "$D" -r "$S/dns.pcap" -c 1 -V -j "udp" --roles
check_eq "--roles with -j: the layer opened only" "    [Transport layer: datagram]" \
  "$(grep 'layer:' "$T_TMP/out")"
run "$D" -r "$S/dns.pcap" --roles
check_rc_error "--roles without -V: refused" 1
check_grepf "--roles without -V: the message" "--roles applies to the tree of -V and -O" "$T_TMP/err"

finish
