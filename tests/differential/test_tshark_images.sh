#!/usr/bin/env bash
# Differential test of the image dissectors (jpeg.c: image-jfif, png.c,
# gif.c) against tshark 4.0, on hand-made HTTP responses (images.py writes
# the images byte by byte; one TCP connection each, and the same bodies
# as HTTP/2 DATA on one h2c connection):
#   - JPEG: JFIF with every kind of segment tshark decodes (APP0 with and
#     without a thumbnail, JFXX, another APP0, APP1 and APP2 identifiers,
#     FlashPix, COM, DQT, DHT, DRI, DAC, SOF0 and SOF2, SOS), entropy-coded
#     bytes with stuffed FFs and restart markers, fill bytes, TEM, a
#     reserved marker; Exif in both byte orders with values of every type
#     in and out of their entries, the Exif, GPS and Interoperability IFDs
#     and a second IFD, bad offsets and byte order; image/jpg, image/jfif;
#   - PNG: every chunk tshark decodes (IHDR, sRGB, gAMA, cHRM, pHYs, bKGD
#     of each size, tEXt, tIME) and others, a wrong CRC, bytes after IEND,
#     tEXt without NUL or keyword, Latin-1 text;
#   - GIF: GIF89a with each extension, images with and without a local
#     colour map, GIF87a, an aspect ratio, an unknown extension, no trailer;
#   - cut short and corrupt: segments, chunks, colour maps, data blocks and
#     directories that run out, lengths of 0 and 1, lengths past the body
#     (tshark's ContainedBoundsError), counts too large, chunk lengths of
#     2^31 and more, bodies of 19 bytes, text as an image type;
#   - tshark's heuristic dissectors: an image under another image type,
#     under a type nobody registers, without Content-Type (and not under
#     application/octet-stream or text/plain); "subdissector failed".
# Compared: frame.protocols and the Protocol and Info columns of every
# response (with a filter: tshark's tree, and as plain summary lines,
# where tshark 4.0 reads fewer JPEG segments and so stops on fewer), -V
# of the layers after HTTP's and of HTTP's own, -T fields of every field
# of the three protocols but image-gif.data_block (tshark writes an empty
# block's value "<none>", dissect ""), and for HTTP/2 the columns and -V
# of the image layers. Expected values come from tshark at test time,
# never from dissect.
# Usage: test_tshark_images.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_tshark_images.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_tshark_images.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"

D=$BIN/dissect
tshark_capture_test

# mk OUT h1|h2: the cases of images.py as HTTP/1.1 responses, or (those
# with a type) as HTTP/2 responses on port 8080
mk() {
  PYTHONPATH="$SRC/tests/differential" $PY - "$@" <<'EOF'
import struct, sys
from tcppcap import Writer
import images
pkt = Writer(sys.argv[1]).pkt
C, S = bytes([127, 0, 0, 1]), bytes([127, 0, 0, 2])
def conn(i, segs, port=80):
    cp = 40000 + i
    pkt(C, S, cp, port, 1000, 0, 0x02)
    pkt(S, C, port, cp, 5000, 1001, 0x12)
    pkt(C, S, cp, port, 1001, 5001, 0x10)
    cs, ss = 1001, 5001
    for d, pl in segs:
        if d == 0:
            pkt(C, S, cp, port, cs, ss, 0x18, pl)
            cs += len(pl)
        else:
            pkt(S, C, port, cp, ss, cs, 0x18, pl)
            ss += len(pl)
cases = images.cases()
if sys.argv[2] == 'h1':
    for i, (label, mt, body) in enumerate(cases):
        h = b'HTTP/1.1 200 OK\r\n'
        if mt is not None:
            h += b'Content-Type: ' + mt.encode() + b'\r\n'
        h += b'Content-Length: ' + str(len(body)).encode() + b'\r\n\r\n'
        conn(i, [(0, b'GET /x HTTP/1.1\r\nHost: a\r\n\r\n'), (1, h + body)])
        print(label)
else:
    PREFACE = b'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'
    def frame(ftype, flags, sid, payload):
        return struct.pack('!I', len(payload))[1:] + bytes([ftype, flags]) + struct.pack('!I', sid) + payload
    def lit(name, value):
        return b'\x00' + bytes([len(name)]) + name + bytes([len(value)]) + value
    segs = [(0, PREFACE + frame(4, 0, 0, b'')), (1, frame(4, 0, 0, b'') + frame(4, 1, 0, b'')),
            (0, frame(4, 1, 0, b''))]
    for i, (label, mt, body) in enumerate(c for c in cases if c[1] is not None):
        sid = 2 * i + 1
        segs.append((0, frame(1, 5, sid, b'\x82\x86' + lit(b':path', b'/p') + lit(b':authority', b'a'))))
        segs.append((1, frame(1, 4, sid, b'\x88' + lit(b'content-type', mt.encode())) + frame(0, 1, sid, body)))
        print(label)
    conn(0, segs, 8080)
EOF
}
mk "$T_TMP/h1.pcap" h1 >"$T_TMP/labels" || fail "images.py"
mk "$T_TMP/h2.pcap" h2 >"$T_TMP/labels2" || fail "images.py (HTTP/2)"
n=$(wc -l <"$T_TMP/labels")
H2=(-d tcp.port==8080,http2)

# cmp_out NAME FILE_TS FILE_OURS: pass when equal (and not empty), else the
# first lines of the diff
cmp_out() {
  if [[ -s $2 ]] && cmp -s "$2" "$3"; then
    pass "$1 ($(wc -l <"$2") lines)"
  else
    mapfile -t d < <(diff "$2" "$3" | head -12)
    fail "$1" "(< tshark, > dissect)" "${d[@]}"
  fi
}

# the columns of each response, with its case's name
F=(-e frame.protocols -e _ws.col.Protocol -e _ws.col.Info)
tshark -n -r "$T_TMP/h1.pcap" -Y http.response -T fields "${F[@]}" 2>/dev/null |
  paste "$T_TMP/labels" - >"$T_TMP/cols.ts"
"$D" -n -r "$T_TMP/h1.pcap" -Y http.response -T fields "${F[@]}" 2>"$T_TMP/err" |
  paste "$T_TMP/labels" - >"$T_TMP/cols.ours"
check_eq "responses read" "$n" "$(grep -c $'\t' "$T_TMP/cols.ts")"
cmp_out "layers, Protocol and Info of $n image bodies" "$T_TMP/cols.ts" "$T_TMP/cols.ours"

# plain summary lines (no filter: tshark has no tree)
tshark -n -r "$T_TMP/h1.pcap" 2>/dev/null >"$T_TMP/sum.ts"
"$D" -n -r "$T_TMP/h1.pcap" >"$T_TMP/sum.ours" 2>&1
cmp_out "summary lines without a filter" "$T_TMP/sum.ts" "$T_TMP/sum.ours"

# -V of what follows HTTP, and of HTTP's tree (its "subdissector failed")
body_layers() { awk '/^Frame [0-9]+:/ { print; on = 0; next } /^[^ ]/ { on = !/^(Frame|Ethernet|Internet|Transmission)/ } on'; }
tshark -n -r "$T_TMP/h1.pcap" -Y http.response -V 2>/dev/null | body_layers >"$T_TMP/v.ts"
"$D" -n -r "$T_TMP/h1.pcap" -Y http.response -V | body_layers >"$T_TMP/v.ours"
cmp_out "-V of HTTP and the image layers ($n responses)" "$T_TMP/v.ts" "$T_TMP/v.ours"

# -T fields of every field of the three protocols tshark registers
mapfile -t fields < <(tshark -G fields 2>/dev/null |
  awk -F'\t' '$1 == "F" && $3 ~ /^(image-jfif|png|image-gif)\./ && $3 != "image-gif.data_block" { print $3 }')
if ((${#fields[@]} < 100)); then
  fail "tshark -G fields lists the image fields (${#fields[@]})"
else
  E=()
  for f in "${fields[@]}"; do E+=(-e "$f"); done
  tshark -n -r "$T_TMP/h1.pcap" -Y http.response -T fields "${E[@]}" 2>/dev/null >"$T_TMP/f.ts"
  "$D" -n -r "$T_TMP/h1.pcap" -Y http.response -T fields "${E[@]}" >"$T_TMP/f.ours" 2>"$T_TMP/err"
  cmp_out "-T fields of ${#fields[@]} image-jfif, png and image-gif fields" "$T_TMP/f.ts" "$T_TMP/f.ours"
fi

# HTTP/2: the image of its type only (no heuristics, no media layer)
tshark -n -r "$T_TMP/h2.pcap" "${H2[@]}" -T fields -e frame.number "${F[@]}" 2>/dev/null |
  grep ':\(image-jfif\|png\|image-gif\)' >"$T_TMP/h2.ts"
"$D" -n -r "$T_TMP/h2.pcap" "${H2[@]}" -T fields -e frame.number "${F[@]}" 2>"$T_TMP/err" |
  grep ':\(image-jfif\|png\|image-gif\)' >"$T_TMP/h2.ours"
cmp_out "HTTP/2: layers, Protocol and Info of the image bodies" "$T_TMP/h2.ts" "$T_TMP/h2.ours"
image_layers() { awk '/^Frame [0-9]+:/ { print; on = 0; next } /^[^ ]/ { on = /^(JPEG File|Portable Network|Compuserve GIF|\[Malformed)/ } on'; }
tshark -n -r "$T_TMP/h2.pcap" "${H2[@]}" -V 2>/dev/null | image_layers >"$T_TMP/h2v.ts"
"$D" -n -r "$T_TMP/h2.pcap" "${H2[@]}" -V | image_layers >"$T_TMP/h2v.ours"
cmp_out "HTTP/2: -V of the image layers" "$T_TMP/h2v.ts" "$T_TMP/h2v.ours"
finish
