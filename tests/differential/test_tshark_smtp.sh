#!/usr/bin/env bash
# Differential test of SMTP (smtp.c) against tshark 4.0 on hand-made
# sessions (python, tcppcap.py): a greeting, EHLO and its multi-line reply,
# AUTH LOGIN (user name and password lines) and AUTH PLAIN with its
# credentials, MAIL and RCPT, DATA with the message in three segments (the
# EOM in the last, reassembled and handed to the Internet Message Format),
# a second message through BDAT chunks, an unexpected code inside a
# multi-line reply, then STARTTLS and a TLS record.
# Compared: the summary lines, every smtp.* field and the messages' imf.*
# fields of every frame, and -V of the SMTP and IMF layers.
# Expected values come from tshark at test time, never from dissect.
# Usage: test_tshark_smtp.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_tshark_smtp.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_tshark_smtp.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
tshark_capture_test

PYTHONPATH="$SRC/tests/differential" $PY - "$T_TMP/smtp.pcap" <<'EOF'
import sys
from tcppcap import Writer
w = Writer(sys.argv[1])
c, s = bytes([127, 0, 0, 1]), bytes([127, 0, 0, 2])


class Conn:
    def __init__(self, port):
        self.port, self.cs, self.ss = port, 1001, 5001
        w.pkt(c, s, port, 25, 1000, 0, 0x02)
        w.pkt(s, c, 25, port, 5000, 1001, 0x12)
        w.pkt(c, s, port, 25, 1001, 5001, 0x10)

    def c2s(self, d):
        w.pkt(c, s, self.port, 25, self.cs, self.ss, 0x18, d)
        self.cs += len(d)

    def s2c(self, d):
        w.pkt(s, c, 25, self.port, self.ss, self.cs, 0x18, d)
        self.ss += len(d)


msg = (b'From: Ann <ann@a.example>\r\nTo: bob@b.example, carl@c.example\r\n'
       b'Subject: report\r\n\r\nFirst line of the text\r\nSecond line\r\n')
a = Conn(40300)
a.s2c(b'220 mail.example ESMTP ready\r\n')
a.c2s(b'EHLO client.example\r\n')
a.s2c(b'250-mail.example greets you\r\n250-SIZE 1000000\r\n250-STARTTLS\r\n250 AUTH LOGIN PLAIN\r\n')
a.c2s(b'AUTH LOGIN\r\n')
a.s2c(b'334 VXNlcm5hbWU6\r\n')
a.c2s(b'YWxpY2U=\r\n')
a.s2c(b'334 UGFzc3dvcmQ6\r\n')
a.c2s(b'c2VjcmV0\r\n')
a.s2c(b'235 2.7.0 Authentication successful\r\n')
a.c2s(b'MAIL FROM:<ann@a.example>\r\n')
a.s2c(b'250 OK\r\n')
a.c2s(b'RCPT TO:<bob@b.example>\r\n')
a.s2c(b'250 OK\r\n')
a.c2s(b'DATA\r\n')
a.s2c(b'354 End data with <CR><LF>.<CR><LF>\r\n')
a.c2s(msg[:50])
a.c2s(msg[50:100])
a.c2s(msg[100:] + b'.\r\n')
a.s2c(b'250 OK queued\r\n')
a.c2s(b'RSET\r\n')
a.s2c(b'250-first\r\n251 odd\r\n')
a.c2s(b'QUIT\r\n')
a.s2c(b'221 bye\r\n')
b = Conn(40301)
b.s2c(b'220 ready\r\n')
b.c2s(b'EHLO x\r\n')
b.s2c(b'250 CHUNKING\r\n')
b.c2s(b'AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n')
b.s2c(b'235 ok\r\n')
m2 = b'Subject: chunks\r\n\r\nbody\r\n'
b.c2s(b'BDAT %d LAST\r\n' % len(m2))
b.c2s(m2)
b.s2c(b'250 OK\r\n')
b.c2s(b'STARTTLS\r\n')
b.s2c(b'220 go ahead\r\n')
b.c2s(bytes.fromhex('15030300020228'))
EOF

tshark -n -r "$T_TMP/smtp.pcap" >"$T_TMP/ts.sum" 2>/dev/null
"$D" -n -r "$T_TMP/smtp.pcap" >"$T_TMP/ours.sum" 2>"$T_TMP/err"
check_eq "frames read" 40 "$(wc -l <"$T_TMP/ts.sum")"
if cmp -s "$T_TMP/ts.sum" "$T_TMP/ours.sum"; then
  pass "summary lines of $(wc -l <"$T_TMP/ts.sum") frames as tshark's"
else
  mapfile -t d < <(diff "$T_TMP/ts.sum" "$T_TMP/ours.sum" | head -12)
  fail "summary lines as tshark's" "(< tshark, > dissect)" "${d[@]}"
fi

F=(-e frame.number -e frame.protocols -e smtp.req -e smtp.rsp -e smtp.command_line -e smtp.req.command
  -e smtp.req.parameter -e smtp.response -e smtp.response.code -e smtp.rsp.parameter
  -e smtp.auth.username -e smtp.auth.password -e smtp.auth.username_password -e smtp.eom
  -e smtp.data.fragment -e smtp.data.fragment.count -e smtp.data.reassembled.length
  -e smtp.data.reassembled.in
  -e imf.from -e imf.to -e imf.subject -e imf.address -e tls.record.content_type)
tshark -n -r "$T_TMP/smtp.pcap" -T fields -E occurrence=a "${F[@]}" >"$T_TMP/ts.f" 2>/dev/null
"$D" -n -r "$T_TMP/smtp.pcap" -T fields -E occurrence=a "${F[@]}" >"$T_TMP/ours.f" 2>"$T_TMP/err"
if cmp -s "$T_TMP/ts.f" "$T_TMP/ours.f"; then
  pass "smtp.*, imf.* and tls.record.content_type of every frame as tshark's"
else
  mapfile -t d < <(diff "$T_TMP/ts.f" "$T_TMP/ours.f" | head -12)
  fail "smtp.*, imf.* and tls.record.content_type as tshark's" "(< tshark, > dissect)" "${d[@]}"
fi
# (the first message, reassembled from its three segments and the EOM's
# frame: counted by hand)
check_eq "the message reassembled from 3 segments" "3 report" \
  "$(awk -F'\t' '$16 != "" { print $16, $21; exit }' "$T_TMP/ours.f")"

layers() { awk '/^Frame [0-9]+:/ { print; on = 0; next } /^[^ ]/ { on = /^(Simple Mail|Internet Message|Line-based|\[[0-9]+ DATA)/ } on'; }
tshark -n -r "$T_TMP/smtp.pcap" -Y smtp -V 2>/dev/null | layers >"$T_TMP/ts.v"
"$D" -n -r "$T_TMP/smtp.pcap" -Y smtp -V 2>"$T_TMP/err" | layers >"$T_TMP/ours.v"
if cmp -s "$T_TMP/ts.v" "$T_TMP/ours.v"; then
  pass "-V of the SMTP and IMF layers ($(grep -c '^Frame' "$T_TMP/ts.v") frames, $(wc -l <"$T_TMP/ts.v") lines)"
else
  mapfile -t d < <(diff "$T_TMP/ts.v" "$T_TMP/ours.v" | head -12)
  fail "-V of the SMTP and IMF layers" "(< tshark, > dissect)" "${d[@]}"
fi
finish
