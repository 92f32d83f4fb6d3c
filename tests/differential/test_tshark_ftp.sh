#!/usr/bin/env bash
# Differential test of FTP (ftp.c) against tshark 4.0 on hand-made sessions
# (python, tcppcap.py): a multi-line greeting, USER, CWD and CDUP answered
# 250 (the working directory, normalised), PWD answered 257, PASV then a
# data connection (FTP-DATA, text in two segments), PORT then one from the
# server's port 20 (binary), EPSV then one, EPRT, one from port 20 that
# nothing announced, an unannounced port; then odd lines: prefixes of PORT
# and EPRT, PORT with numbers out of range, EPRT and EPSV malformed, short
# and empty lines, control and 8-bit bytes, a NUL, a 3,000-byte line,
# lines ended by CR or LF alone, a PWD reply without its quotes, and AUTH
# TLS answered 234 then a TLS record then plain text again; a data
# connection announced while the directory is empty, then CWDs.
# Compared: the summary lines, every ftp.* and ftp-data.* field of every
# frame, and -V of the FTP, FTP-DATA and text layers; and the summary lines
# of FTP decoded on port 2121 (-d tcp.port==2121,ftp).
# Expected values come from tshark at test time, never from dissect.
# Usage: test_tshark_ftp.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_tshark_ftp.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_tshark_ftp.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
tshark_capture_test

PYTHONPATH="$SRC/tests/differential" $PY - "$T_TMP/ftp.pcap" <<'EOF'
import sys
from tcppcap import Writer
w = Writer(sys.argv[1])
C, S = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])


class Conn:
    def __init__(self, a, ap, b, bp):
        self.a, self.ap, self.b, self.bp = a, ap, b, bp
        self.sa, self.sb = 1001, 5001
        w.pkt(a, b, ap, bp, 1000, 0, 0x02)
        w.pkt(b, a, bp, ap, 5000, 1001, 0x12)
        w.pkt(a, b, ap, bp, 1001, 5001, 0x10)

    def ab(self, d, fl=0x18):
        w.pkt(self.a, self.b, self.ap, self.bp, self.sa, self.sb, fl, d)
        self.sa += len(d)

    def ba(self, d, fl=0x18):
        w.pkt(self.b, self.a, self.bp, self.ap, self.sb, self.sa, fl, d)
        self.sb += len(d)

    def fin(self):
        self.ab(b'', 0x11)
        self.sa += 1
        self.ba(b'', 0x11)
        self.sb += 1
        self.ab(b'', 0x10)


c = Conn(C, 40000, S, 21)
c.ba(b'220-Welcome\r\n220-second\r\n220 ready\r\n')
c.ab(b'USER anonymous\r\n')
c.ba(b'331 Please\r\n')
c.ab(b'CWD  two spaces\r\n')
c.ba(b'250 ok\r\n')
c.ab(b'CWD /pub\r\n')
c.ba(b'250 ok\r\n')
c.ab(b'CWD sub/../x/./y\r\n')
c.ba(b'250 ok\r\n')
c.ab(b'CDUP\r\n')
c.ba(b'250 ok\r\n')
c.ab(b'PWD\r\n')
c.ba(b'257 "/a ""q"" b" is cwd\r\n')
c.ab(b'PASV\r\n')
c.ba(b'227 Entering Passive Mode (10,0,0,2,195,80).\r\n')
c.ab(b'TYPE I\r\n')
c.ba(b'200 ok\r\n')
c.ab(b'RETR file.txt\r\n')
c.ba(b'150 ok\r\n')
d = Conn(C, 40001, S, 50000)
d.ba(b'hello\r\nworld\r\n')
d.ba(b'more')
d.fin()
c.ba(b'226 done\r\n')
c.ab(b'PORT 10,0,0,1,156,66\r\n')
c.ba(b'200 PORT ok\r\n')
c.ab(b'LIST\r\n')
d = Conn(S, 20, C, 40002)
d.ab(bytes(range(256)))
d.fin()
c.ab(b'EPSV\r\n')
c.ba(b'229 Entering Extended Passive Mode (|||50001|)\r\n')
c.ab(b'NLST\r\n')
d = Conn(C, 40003, S, 50001)
d.ba(b'a\r\nb\r\n')
d.fin()
c.ab(b'EPRT |1|10.0.0.1|40004|\r\n')
c.ba(b'200 ok\r\n')
c.ab(b'LIST\r\n')
d = Conn(S, 20, C, 40004)
d.ab(b'x\r\n')
d.fin()
d = Conn(C, 40005, S, 20001)
d.ab(b'z\r\n')
d.fin()
c.ab(b'P 1,2,3,4,5,6\r\n')
c.ab(b'port 1,2,3,4,5,7\r\n')
c.ab(b'PORTX 1,2,3,4,5,8\r\n')
c.ab(b'PORT 10,0,0,1,1000,-1\r\n')
c.ab(b'PORT a1,2,3,4,5,9 and 300,2,3,4,5,10\r\n')
c.ab(b'EPRT |2|::1|5282|\r\n')
c.ab(b'EPRT bad\r\n')
c.ab(b'EPRT |1|10.0.0.1|99999|\r\n')
c.ab(b'E |1|10.0.0.1|4|\r\n')
c.ba(b'229 Entering Extended Passive Mode (|||abc|)\r\n')
c.ba(b'229 Entering Extended Passive Mode (|||6446|)\r\n')
c.ba(b'229 (x) Entering (!!!6447!)\r\n')
c.ba(b'229 no parens\r\n')
c.ba(b'229\r\n')
c.ba(b'227 nothing\r\n')
c.ba(b'227 =10,0,0,9,1,2\r\n')
c.ba(b'12\r\n')
c.ba(b'abc def\r\n')
c.ba(b'\r\n')
c.ab(b'\r\n')
c.ab(b' NOOP\r\n')
c.ab(b'NOOP')
c.ab(b'\r\n')
c.ba(b'200 \x01\xff\x80 ok \xc3\xa9\x00z\r\n')
c.ba(b'200 a\x00\xc3\xa9\r\n')
c.ba(b'200-' + b'x' * 3000 + b'\r\n' + b'y' * 300 + b'\r\n')
c.ab(b'USER a\rPASS b\nQUIT\r\n')
c.ba(b'257 "no end\r\n')
c.ba(b'257 x\r\n')
c.ba(b'250\r\n')
c.ab(b'AUTH TLS\r\n')
c.ba(b'234 ok\r\n')
c.ab(bytes.fromhex('15030300020228'))
c.ab(b'PASV\r\n')
c.ba(b'227 Entering Passive Mode (10,0,0,2,195,82).\r\n')
c = Conn(C, 40100, S, 21)
c.ab(b'PASV\r\n')
c.ba(b'227 ok (10,0,0,2,195,90)\r\n')
c.ab(b'LIST\r\n')
d = Conn(C, 40101, S, 50010)
d.ba(b'a\r\n')
c.ab(b'CWD pub\r\n')
c.ba(b'250 ok\r\n')
d.ba(b'b\r\n')
c.ab(b'CWD x\r\n')
c.ba(b'250 ok\r\n')
d.ba(b'c\r\n')
EOF

tshark -n -r "$T_TMP/ftp.pcap" >"$T_TMP/ts.sum" 2>/dev/null
"$D" -n -r "$T_TMP/ftp.pcap" >"$T_TMP/ours.sum" 2>"$T_TMP/err"
check_eq "frames read" 119 "$(wc -l <"$T_TMP/ts.sum")"
if cmp -s "$T_TMP/ts.sum" "$T_TMP/ours.sum"; then
  pass "summary lines of $(wc -l <"$T_TMP/ts.sum") frames as tshark's"
else
  mapfile -t d < <(diff "$T_TMP/ts.sum" "$T_TMP/ours.sum" | head -12)
  fail "summary lines as tshark's" "(< tshark, > dissect)" "${d[@]}"
fi

# (the 8-bit and control bytes of frame 85's argument are left out: dissect
# escapes a control byte in -T fields where tshark writes it raw)
F=(-e frame.number -e frame.protocols -e ftp.request -e ftp.response -e ftp.request.command
  -e ftp.request.arg -e ftp.response.code -e ftp.passive.ip -e ftp.passive.port
  -e ftp.passive.nat -e ftp.active.cip -e ftp.active.port -e ftp.active.nat -e ftp.eprt.af
  -e ftp.eprt.ip -e ftp.eprt.ipv6 -e ftp.eprt.port -e ftp.epsv.ip -e ftp.epsv.ipv6
  -e ftp.epsv.port -e ftp.current-working-directory -e ftp-data.setup-frame
  -e ftp-data.setup-method -e ftp-data.command -e ftp-data.command-frame
  -e ftp-data.current-working-directory -e tls.record.content_type)
tshark -n -r "$T_TMP/ftp.pcap" -T fields -E occurrence=a "${F[@]}" >"$T_TMP/ts.f" 2>/dev/null
"$D" -n -r "$T_TMP/ftp.pcap" -T fields -E occurrence=a "${F[@]}" >"$T_TMP/ours.f" 2>"$T_TMP/err"
if cmp -s "$T_TMP/ts.f" "$T_TMP/ours.f"; then
  pass "ftp.*, ftp-data.* and tls.record.content_type of every frame as tshark's"
else
  mapfile -t d < <(diff "$T_TMP/ts.f" "$T_TMP/ours.f" | head -12)
  fail "ftp.*, ftp-data.* and tls.record.content_type as tshark's" "(< tshark, > dissect)" "${d[@]}"
fi
tshark -n -r "$T_TMP/ftp.pcap" -T fields -e ftp.response.arg >"$T_TMP/ts.a" 2>/dev/null
"$D" -n -r "$T_TMP/ftp.pcap" -T fields -e ftp.response.arg >"$T_TMP/ours.a" 2>"$T_TMP/err"
check_eq "ftp.response.arg of every frame but the one with a control byte" \
  "$(grep -v $'\x01' "$T_TMP/ts.a")" "$(grep -v '\\001' "$T_TMP/ours.a")"

# (counted by hand: the PASV, PORT and EPSV data connections' 7 data
# segments are linked to their setup)
check_eq "FTP-DATA segments linked to a setup method" "PASV PASV PORT EPASV PASV PASV PASV" \
  "$(awk -F'\t' '$23 != "" { printf "%s%s", sep, $23; sep = " " }' "$T_TMP/ours.f")"

# FTP decoded on port 2121 (-d): from a client port, and from port 21
PYTHONPATH="$SRC/tests/differential" $PY - "$T_TMP/ftp2121.pcap" <<'EOF'
import sys
from tcppcap import Writer
w = Writer(sys.argv[1])
C, S = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
for cp in (40000, 21):
    w.pkt(C, S, cp, 2121, 1000, 0, 0x02)
    w.pkt(S, C, 2121, cp, 5000, 1001, 0x12)
    w.pkt(C, S, cp, 2121, 1001, 5001, 0x10)
    w.pkt(S, C, 2121, cp, 5001, 1001, 0x18, b'220 hi\r\n')
    w.pkt(C, S, cp, 2121, 1001, 5009, 0x18, b'USER x\r\n')
EOF
tshark -n -r "$T_TMP/ftp2121.pcap" -d tcp.port==2121,ftp >"$T_TMP/ts.d" 2>/dev/null
"$D" -n -r "$T_TMP/ftp2121.pcap" -d tcp.port==2121,ftp >"$T_TMP/ours.d" 2>"$T_TMP/err"
check_eq "-d tcp.port==2121,ftp: 4 FTP lines" 4 "$(grep -c ' FTP ' "$T_TMP/ts.d")"
check_eq "-d tcp.port==2121,ftp: summary lines as tshark's" "$(cat "$T_TMP/ts.d")" \
  "$(cat "$T_TMP/ours.d")"

layers() { awk '/^Frame [0-9]+:/ { print; on = 0; next } /^[^ ]/ { on = /^(File Transfer Protocol|FTP Data|Line-based|\[Current working|\[Setup|\[Command|Command frame)/ } on'; }
tshark -n -r "$T_TMP/ftp.pcap" -V 2>/dev/null | layers >"$T_TMP/ts.v"
"$D" -n -r "$T_TMP/ftp.pcap" -V 2>"$T_TMP/err" | layers >"$T_TMP/ours.v"
if cmp -s "$T_TMP/ts.v" "$T_TMP/ours.v"; then
  pass "-V of the FTP, FTP-DATA and text layers ($(grep -c '^Frame' "$T_TMP/ts.v") frames, $(wc -l <"$T_TMP/ts.v") lines)"
else
  mapfile -t d < <(diff "$T_TMP/ts.v" "$T_TMP/ours.v" | head -12)
  fail "-V of the FTP, FTP-DATA and text layers" "(< tshark, > dissect)" "${d[@]}"
fi
finish
