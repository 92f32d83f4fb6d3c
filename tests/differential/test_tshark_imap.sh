#!/usr/bin/env bash
# Differential test of IMAP (imap.c) against tshark 4.0 on a hand-made
# session (python, tcppcap.py): the greeting, CAPABILITY, LOGIN (user name,
# quoted password), SELECT with untagged responses, UID FETCH, a FETCH
# response with a literal split over two segments, COPY, LIST, a line split
# over two segments, a continuation request ("+"), several lines in one
# segment, upper- and lower-case tags, then STARTTLS and a TLS ClientHello
# on the same connection; and a second connection that starts after its
# STARTTLS (TLS found by tshark's heuristic on the first bytes).
# Compared: the summary lines, every imap.* field of every frame (tshark's
# request/response matching included), the imf.* fields of the messages in
# FETCH literals (imf.c: headers, mailbox and address lists, a group, an
# unknown header, a folded one, Content-Type with parameters handing the
# body to its media type, a base64 body) and tls.handshake.type, and -V of
# the IMAP and IMF layers. One
# known difference, not compared: the TLS that the heuristic finds is
# called from IMAP, so "imap" is in frame.protocols in both; tshark's
# filter "imap" is false there (no IMAP item in the tree), dissect's true
# (its IMAP layer is there, hidden).
# Expected values come from tshark at test time, never from dissect.
# Usage: test_tshark_imap.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_tshark_imap.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_tshark_imap.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
tshark_capture_test

PYTHONPATH="$SRC/tests/differential" $PY - "$T_TMP/imap.pcap" <<'EOF'
import sys
from tcppcap import Writer
w = Writer(sys.argv[1])
c, s = bytes([127, 0, 0, 1]), bytes([127, 0, 0, 2])


class Conn:
    def __init__(self, port):
        self.port, self.cs, self.ss = port, 1000, 5000
        w.pkt(c, s, port, 143, self.cs, 0, 0x02)
        w.pkt(s, c, 143, port, self.ss, self.cs + 1, 0x12)
        self.cs += 1
        self.ss += 1
        w.pkt(c, s, port, 143, self.cs, self.ss, 0x10)

    def c2s(self, data):
        w.pkt(c, s, self.port, 143, self.cs, self.ss, 0x18, data)
        self.cs += len(data)

    def s2c(self, data):
        w.pkt(s, c, 143, self.port, self.ss, self.cs, 0x18, data)
        self.ss += len(data)


a = Conn(40100)
a.s2c(b'* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready\r\n')
a.c2s(b'a001 CAPABILITY\r\n')
a.s2c(b'* CAPABILITY IMAP4rev1 STARTTLS\r\na001 OK CAPABILITY completed\r\n')
a.c2s(b'a002 LOGIN alice "secret pw"\r\n')
a.s2c(b'a002 OK LOGIN completed\r\n')
a.c2s(b'A003 select INBOX\r\n')
a.s2c(b'* 18 EXISTS\r\n* FLAGS (\\Answered \\Seen)\r\n* 2 RECENT\r\n')
a.s2c(b'a003 OK [READ-WRITE] SELECT completed\r\n')
a.c2s(b'a004 UID fetch 1:4 (FLAGS)\r\n')
a.s2c(b'* 1 FETCH (UID 1 FLAGS (\\Seen))\r\na004 OK UID FETCH completed\r\n')
a.c2s(b'a005 FETCH 12 BODY[HEADER]\r\n')
a.s2c(b'* 12 FETCH (BODY[HEADER] {44}\r\nSubject: hello\r\nFrom: bob@example.')
a.s2c(b'test\r\n\r\n)\r\na005 OK FETCH completed\r\n')
msg = (b'Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\n'
       b'From: Fred Foobar <foobar@Blurdybloop.example>\r\n'
       b'To: mooch@owatagu.example, "Bob" <bob@b.example>\r\n'
       b'Cc: Friends: ann@a.example, joe@j.example;\r\n'
       b'Subject: afternoon meeting\r\n'
       b' folded on\r\n'
       b'X-Weird: something\r\n'
       b'Message-Id: <B27397-0100000@Blurdybloop.example>\r\n'
       b'MIME-Version: 1.0\r\n'
       b'Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n'
       b'\r\n'
       b'Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n'
       b'\tsecond\x01 line\r\n')
a.c2s(b'a010 FETCH 12 RFC822\r\n')
a.s2c(b'* 12 FETCH (RFC822 {%d}\r\n' % len(msg) + msg + b')\r\na010 OK FETCH completed\r\n')
b64 = (b'Subject: b64\r\nContent-Type: text/plain; charset=utf-8\r\n'
       b'Content-Transfer-Encoding: base64\r\n\r\naGVsbG8gd29ybGQK\r\n')
a.c2s(b'a011 FETCH 13 RFC822\r\n')
a.s2c(b'* 13 FETCH (RFC822 {%d}\r\n' % len(b64) + b64 + b')\r\na011 OK FETCH completed\r\n')
a.c2s(b'a006 COPY 2:4 MEETING\r\n')
a.s2c(b'a006 OK COPY completed\r\n')
a.c2s(b'a007 LIST "" "*"\r\n')
a.s2c(b'* LIST (\\HasNoChildren) "/" INBOX\r\na007 OK LI')
a.s2c(b'ST completed\r\n')
a.c2s(b'a008 APPEND saved {5}\r\n')
a.s2c(b'+ Ready for literal data\r\n')
a.c2s(b'hello\r\n')
a.s2c(b'a008 OK APPEND completed\r\n')
a.c2s(b'a009 STARTTLS\r\n')
a.s2c(b'a009 OK Begin TLS negotiation now\r\n')
hello = bytes.fromhex('1603010031010000' '2d0303') + bytes(32) + bytes.fromhex(
    '000004' '1301' '00ff' '0100' '0000')
hello = hello[:3] + len(hello[5:]).to_bytes(2, 'big') + hello[5:]
a.c2s(hello)
b = Conn(40101)
b.c2s(hello)
b.s2c(b'* OK after the fact\r\n')
EOF

tshark -n -r "$T_TMP/imap.pcap" >"$T_TMP/ts.sum" 2>/dev/null
"$D" -n -r "$T_TMP/imap.pcap" >"$T_TMP/ours.sum" 2>"$T_TMP/err"
check_eq "frames read" 37 "$(wc -l <"$T_TMP/ts.sum")"
if cmp -s "$T_TMP/ts.sum" "$T_TMP/ours.sum"; then
  pass "summary lines of $(wc -l <"$T_TMP/ts.sum") frames as tshark's"
else
  mapfile -t d < <(diff "$T_TMP/ts.sum" "$T_TMP/ours.sum" | head -12)
  fail "summary lines as tshark's" "(< tshark, > dissect)" "${d[@]}"
fi

F=(-e frame.number -e frame.protocols -e imap.isrequest -e imap.line -e imap.request
  -e imap.request_tag -e imap.response -e imap.response_tag -e imap.request.command
  -e imap.response.command -e imap.response.status -e imap.tag -e imap.command
  -e imap.request.folder -e imap.request.command.uid -e imap.request.username
  -e imap.request.password -e imap.response_to -e imap.time -e tls.handshake.type
  -e imf.date -e imf.from -e imf.to -e imf.cc -e imf.subject -e imf.message_id -e imf.mime_version
  -e imf.content.type -e imf.content.type.type -e imf.content.type.parameters
  -e imf.content.transfer_encoding -e imf.extension -e imf.extension.type -e imf.extension.value
  -e imf.display_name -e imf.address -e imf.address_list.item -e imf.mailbox_list.item
  -e data-text-lines)
tshark -n -r "$T_TMP/imap.pcap" -T fields -E occurrence=a "${F[@]}" >"$T_TMP/ts.f" 2>/dev/null
"$D" -n -r "$T_TMP/imap.pcap" -T fields -E occurrence=a "${F[@]}" >"$T_TMP/ours.f" 2>"$T_TMP/err"
if cmp -s "$T_TMP/ts.f" "$T_TMP/ours.f"; then
  pass "imap.*, imf.* and tls.handshake.type of every frame as tshark's"
else
  mapfile -t d < <(diff "$T_TMP/ts.f" "$T_TMP/ours.f" | head -12)
  fail "imap.*, imf.* and tls.handshake.type as tshark's" "(< tshark, > dissect)" "${d[@]}"
fi

imap_layers() { awk '/^Frame [0-9]+:/ { print; on = 0; next } /^[^ ]/ { on = /^(Internet Message|Line-based)/ } on'; }
tshark -n -r "$T_TMP/imap.pcap" -Y "imap.line" -V 2>/dev/null | imap_layers >"$T_TMP/ts.v"
"$D" -n -r "$T_TMP/imap.pcap" -Y "imap.line" -V 2>"$T_TMP/err" | imap_layers >"$T_TMP/ours.v"
if cmp -s "$T_TMP/ts.v" "$T_TMP/ours.v"; then
  pass "-V of the IMAP layers ($(grep -c '^Frame' "$T_TMP/ts.v") frames, $(wc -l <"$T_TMP/ts.v") lines)"
else
  mapfile -t d < <(diff "$T_TMP/ts.v" "$T_TMP/ours.v" | head -12)
  fail "-V of the IMAP layers" "(< tshark, > dissect)" "${d[@]}"
fi
finish
