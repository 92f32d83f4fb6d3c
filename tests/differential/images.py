"""Hand-made JPEG (JFIF and Exif), PNG and GIF images for
test_tshark_images.sh: well-formed ones with many markers, chunks and
blocks, and ones cut short or corrupt. Each case is (label, media type,
body bytes). Written byte by byte (no imaging library)."""
import struct
import zlib


# ---- JPEG ------------------------------------------------------------------
def seg(marker, payload):
    """A marker segment: FF xx, a length that counts itself, the payload."""
    return struct.pack('>HH', 0xff00 | marker, len(payload) + 2) + payload


def app0_jfif(thumb=(0, 0), units=1, version=(1, 2)):
    x, y = thumb
    return seg(0xe0, b'JFIF\0' + bytes(version) + bytes([units]) + struct.pack('>HH', 72, 72) +
               bytes([x, y]) + bytes(range(3 * x * y)))


DQT = seg(0xdb, b'\x00' + bytes(range(1, 65)))
SOF0 = seg(0xc0, b'\x08\x00\x10\x00\x20\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01')
DHT = seg(0xc4, b'\x00' + bytes([0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]) + bytes(range(12)))
SOS = seg(0xda, b'\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00')
ECS = b'\x12\x34\xff\x00\x56\x78\x9a\xff\xd0\xbc\xde\xff\x00\xf0'  # FF00 stuffing, RST0
SOI, EOI = b'\xff\xd8', b'\xff\xd9'


def tiff_ifd(be, entries, next_off, extra=b''):
    """An IFD: entries (tag, type, count, 4 value bytes or an offset)."""
    e = '>' if be else '<'
    out = struct.pack(e + 'H', len(entries))
    for tag, typ, count, val in entries:
        out += struct.pack(e + 'HHI', tag, typ, count)
        out += val if isinstance(val, bytes) else struct.pack(e + 'I', val)
    return out + struct.pack(e + 'I', next_off) + extra


def exif(be, gps=True, bogus=None):
    """An APP1 Exif segment with IFD0 (values of every type, in the entry
    and out of it), an Exif IFD, a GPS IFD, an Interoperability IFD and
    IFD1."""
    e = '>' if be else '<'
    p16 = lambda v: struct.pack(e + 'H', v) + b'\0\0'
    p32 = lambda v: struct.pack(e + 'I', v)
    # layout (offsets from the TIFF header): header 8, IFD0 at 8
    n0 = 12 if gps else 11
    ifd0_len = 2 + 12 * n0 + 4
    data0 = 8 + ifd0_len  # out-of-entry values of IFD0
    soft = b'dissect test\0'
    rat = struct.pack(e + 'II', 72, 1) + struct.pack(e + 'II', 300, 4)
    srat = struct.pack(e + 'ii', -3, 7)
    undef = b'\x01\x02\x03\x04\x05\x06'
    vals = soft + rat + srat + undef
    o_soft, o_rat, o_srat, o_undef = data0, data0 + len(soft), data0 + len(soft) + 16, data0 + len(
        soft) + 24
    exif_ifd = data0 + len(vals)
    exif_entries = [(0x9000, 7, 4, b'0230'), (0xa001, 3, 1, p16(1)), (0xa002, 4, 1, p32(640)),
                    (0x9999, 3, 2, struct.pack(e + 'HH', 5, 6)), (0xa005, 4, 1, 0)]
    exif_len = 2 + 12 * len(exif_entries) + 4
    interop = exif_ifd + exif_len
    exif_entries[-1] = (0xa005, 4, 1, p32(interop))
    interop_entries = [(0x0001, 2, 4, b'R98\0')]
    interop_len = 2 + 12 + 4
    gps_ifd = interop + interop_len
    gps_entries = [(0x0000, 1, 4, b'\x02\x02\x00\x00'), (0x0001, 2, 2, b'N\0\0\0'),
                   (0x0020, 3, 1, p16(9))]
    gps_len = 2 + 12 * len(gps_entries) + 4
    ifd1 = gps_ifd + gps_len
    entries = [
        (0x0100, 3, 1, p16(640)),  # SHORT in the entry
        (0x0101, 4, 1, p32(480)),  # LONG
        (0x0102, 3, 2, struct.pack(e + 'HH', 8, 8)),  # two SHORTs
        (0x010e, 2, 3, b'ab\0\0'),  # ASCII in the entry
        (0x0131, 2, len(soft), o_soft),  # ASCII out of it
        (0x011a, 5, 2, o_rat),  # RATIONALs
        (0x0115, 1, 3, b'\x01\x02\x03\x00'),  # BYTEs
        (0x9204, 10, 1, o_srat),  # SRATIONAL
        (0x0200, 7, len(undef), o_undef),  # UNDEFINED out
        (0x0300, 9, 1, struct.pack(e + 'i', -5)),  # SLONG
        (0x8769, 4, 1, p32(exif_ifd)),  # Exif IFD pointer
    ]
    if gps:
        entries.append((0x8825, 4, 1, p32(gps_ifd)))
    assert len(entries) == n0
    tiff = (b'MM\x00\x2a' if be else b'II\x2a\x00') + p32(8)
    tiff += tiff_ifd(be, entries, ifd1 if gps else 0) + vals
    tiff += tiff_ifd(be, exif_entries, 0)
    tiff += tiff_ifd(be, interop_entries, 0)
    if gps:
        tiff += tiff_ifd(be, gps_entries, 0)
        tiff += tiff_ifd(be, [(0x0103, 3, 1, p16(6)), (0x1234, 8, 1, p32(0))], 0)
    if bogus == 'start':
        tiff = tiff[:4] + p32(4) + tiff[8:]
    elif bogus == 'next':
        tiff = tiff[:8 + 2 + 12 * n0] + p32(6) + tiff[8 + 2 + 12 * n0 + 4:]
    elif bogus == 'value':
        i = 8 + 2 + 12 * 4 + 8
        tiff = tiff[:i] + p32(60000) + tiff[i + 4:]
    elif bogus == 'order':
        tiff = b'XY' + tiff[2:]
    return seg(0xe1, b'Exif\0\0' + tiff)


def jpegs():
    base = SOI + app0_jfif() + DQT + SOF0 + DHT + SOS + ECS + EOI
    out = [
        ('jfif', 'image/jpeg', base),
        ('jfif as image/jpg', 'image/jpg', base),
        ('jfif as image/jfif', 'image/jfif', base),
        ('jfif, thumbnail and comment', 'image/jpeg',
         SOI + app0_jfif(thumb=(2, 1), units=0) + seg(0xfe, b'a comment') + DQT + SOF0 +
         seg(0xdd, b'\x00\x04') + DHT + SOS + ECS + b'\xff\xd7\x01\x02' + EOI),
        ('jfif, JFXX, APP2 and APPn', 'image/jpeg',
         SOI + app0_jfif() + seg(0xe0, b'JFXX\0\x10' + b'\xff\xd8\xff\xd9') +
         seg(0xe0, b'Other\0xyz') + seg(0xe2, b'FPXR\0\0\x01') + seg(0xe2, b'ICC_PROFILE\0\x01\x01') +
         seg(0xee, b'Adobe\0\x64') + seg(0xe1, b'http://ns.adobe.com/xap/1.0/\0<x/>') +
         seg(0xe1, b'Exif\0\0MM\x00\x2a\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00') + DQT +
         seg(0xc2, b'\x08\x00\x01\x00\x01\x01\x01\x11\x00') + seg(0xcc, b'\x00\x10') + SOS + EOI),
        ('jfif, fill bytes, TEM, no EOI', 'image/jpeg',
         SOI + app0_jfif() + b'\xff\xff\xff' + DQT + b'\xff\x01' + SOS + ECS),
        ('jfif, reserved marker', 'image/jpeg', SOI + app0_jfif() + DQT + b'\xff\x02\x00\x04xx' + EOI),
        ('exif big-endian', 'image/jpeg', SOI + exif(True) + DQT + SOF0 + SOS + ECS + EOI),
        ('exif little-endian', 'image/jpeg', SOI + exif(False) + DQT + EOI),
        ('exif, JFIF after', 'image/jpeg', SOI + exif(False, gps=False) + app0_jfif() + EOI),
        ('exif, bad start offset', 'image/jpeg', SOI + exif(True, bogus='start') + DQT + EOI),
        ('exif, bad next offset', 'image/jpeg', SOI + exif(True, bogus='next') + DQT + EOI),
        ('exif, bad value offset', 'image/jpeg', SOI + exif(False, bogus='value') + DQT + EOI),
        ('exif, bad byte order', 'image/jpeg', SOI + exif(True, bogus='order') + DQT + EOI),
        # cut short and corrupt
        ('jfif cut in SOF', 'image/jpeg', (SOI + app0_jfif() + DQT + SOF0)[:-5]),
        ('jfif cut in a length', 'image/jpeg', SOI + app0_jfif() + b'\xff\xdb\x00'),
        ('jfif, ends in FF', 'image/jpeg', SOI + app0_jfif() + DQT + b'\xff'),
        ('jfif, segment length 0', 'image/jpeg', SOI + app0_jfif() + b'\xff\xdb\x00\x00' + DQT + EOI),
        ('jfif, segment length 1', 'image/jpeg', SOI + app0_jfif() + b'\xff\xfe\x00\x01' + EOI),
        ('jfif, SOF count too large', 'image/jpeg', SOI + app0_jfif() + seg(0xc0, b'\x08\x00\x01\x00\x01\x09\x01\x11\x00') + EOI),
        ('jfif, SOS count too large', 'image/jpeg', SOI + app0_jfif() + seg(0xda, b'\x09\x01\x00') + EOI),
        ('jfif, APP0 cut', 'image/jpeg', SOI + seg(0xe0, b'JFIF\0\x01\x02\x00') + DQT + EOI),
        ('jfif, thumbnail too large', 'image/jpeg', SOI + seg(0xe0, b'JFIF\0\x01\x02\x00\x00\x01\x00\x01\x40\x40') + EOI),
        ('jfif, identifier without NUL', 'image/jpeg', SOI + seg(0xe0, b'JFIF\0\x01\x01\x00\x00\x01\x00\x01\x00\x00') + seg(0xe2, b'NONUL') + EOI),
        ('exif cut in IFD', 'image/jpeg', (SOI + exif(True))[:80]),
        ('exif cut in a rational', 'image/jpeg', (SOI + exif(True))[:190]),
        ('jfif, DQT of no bytes', 'image/jpeg', SOI + app0_jfif() + b'\xff\xdb\x00\x02' + EOI),
        ('jfif, DQT header at the end', 'image/jpeg', SOI + app0_jfif() + b'\xff\xdb\x00\x43'),
        ('jfif, comments with a NUL and bytes after it', 'image/jpeg',
         SOI + app0_jfif() + seg(0xfe, b'abc\0def') + seg(0xfe, b'\xe9\xe9\0x') + seg(0xfe, b'ab\0\0') + EOI),
        ('short jfif (19 bytes)', 'image/jpeg', (SOI + app0_jfif())[:19]),
        ('not a jfif', 'image/jpeg', SOI + seg(0xe0, b'XXXX\0' + bytes(12)) + EOI),
        ('text as image/jpeg', 'image/jpeg', b'this is not an image at all\n'),
    ]
    return out


# ---- PNG -------------------------------------------------------------------
PNG_SIG = b'\x89PNG\r\n\x1a\n'


def chunk(typ, data, crc=None):
    c = zlib.crc32(typ + data) if crc is None else crc
    return struct.pack('>I', len(data)) + typ + data + struct.pack('>I', c & 0xffffffff)


IHDR = chunk(b'IHDR', struct.pack('>IIBBBBB', 16, 8, 8, 6, 0, 0, 0))
IDAT = chunk(b'IDAT', zlib.compress(bytes(16 * 8 * 4 + 8)))
IEND = chunk(b'IEND', b'')


def pngs():
    full = (PNG_SIG + IHDR + chunk(b'sRGB', b'\x00') + chunk(b'gAMA', struct.pack('>I', 45455)) +
            chunk(b'cHRM', struct.pack('>8I', 31270, 32900, 64000, 33000, 30000, 60000, 15000, 6000)) +
            chunk(b'pHYs', struct.pack('>IIB', 2835, 2835, 1)) + chunk(b'bKGD', b'\x00\x10\x00\x20\x00\x30') +
            chunk(b'tEXt', b'Software\0dissect test') + chunk(b'tIME', struct.pack('>HBBBBB', 2024, 2, 29, 13, 5, 59)) +
            chunk(b'iCCP', b'icc\0\0' + b'xyz') + chunk(b'sBIT', b'\x08\x08\x08\x08') + IDAT +
            chunk(b'prVt', b'private') + chunk(b'zTXt', b'') + IEND)
    return [
        ('png', 'image/png', full),
        ('png, bKGD palette and grey, sRGB intents', 'image/png',
         PNG_SIG + IHDR + chunk(b'bKGD', b'\x05') + chunk(b'bKGD', b'\x00\x07') + chunk(b'bKGD', b'\x01\x02\x03') +
         chunk(b'sRGB', b'\x01') + chunk(b'sRGB', b'\x02') + chunk(b'sRGB', b'\x03') + chunk(b'sRGB', b'\x09') +
         chunk(b'pHYs', struct.pack('>IIB', 1, 2, 0)) + chunk(b'pHYs', struct.pack('>IIB', 1, 2, 7)) +
         chunk(b'IHDR', struct.pack('>IIBBBBB', 1, 1, 1, 3, 1, 1, 2)) + IEND),
        ('png, bad CRC, data after IEND', 'image/png', PNG_SIG + chunk(b'IHDR', IHDR[8:21], crc=0x12345678) + IEND + b'junk'),
        ('png, tEXt without NUL, empty keyword, Latin-1', 'image/png',
         PNG_SIG + IHDR + chunk(b'tEXt', b'NoNulHere') + chunk(b'tEXt', b'\0value') +
         chunk(b'tEXt', b'Author\0J\xfcrgen') + chunk(b'tEXt', b'K\0') + IEND),
        ('png, chunk types with a NUL and bytes after it', 'image/png',
         PNG_SIG + IHDR + chunk(b'g\0\0\0', b'\x01') + chunk(b'a\0b\0', b'') + IEND),
        ('png cut in IDAT', 'image/png', (PNG_SIG + IHDR + IDAT + IEND)[:60]),
        ('png cut in a length', 'image/png', PNG_SIG + IHDR + b'\x00\x00'),
        ('png cut in a CRC', 'image/png', (PNG_SIG + IHDR + IEND)[:-2]),
        ('png, chunk length over 2^31', 'image/png', PNG_SIG + IHDR + b'\x80\x00\x00\x00IDAT' + bytes(8)),
        ('png, chunk length 2^31-1', 'image/png', PNG_SIG + IHDR + b'\x7f\xff\xff\xffIDAT' + bytes(8)),
        ('png, short IHDR and cHRM', 'image/png', PNG_SIG + chunk(b'IHDR', b'\x00\x00\x00\x10') + chunk(b'cHRM', b'\x00\x00\x7a\x26') + IEND),
        ('png, short gAMA and tIME', 'image/png', PNG_SIG + IHDR + chunk(b'gAMA', b'\x00\x01') + chunk(b'tIME', b'\x07') + IEND),
        ('short png (19 bytes)', 'image/png', (PNG_SIG + IHDR)[:19]),
        ('text as image/png', 'image/png', b'this is not an image at all\n'),
    ]


# ---- GIF -------------------------------------------------------------------
def blocks(data, size=255):
    out = b''
    for i in range(0, len(data), size):
        part = data[i:i + size]
        out += bytes([len(part)]) + part
    return out + b'\x00'


def gifs():
    gce = b'\x21\xf9' + blocks(b'\x04\x00\x0a\x00'[:0] + b'\x00\x0a\x00\x00', 4)
    com = b'\x21\xfe' + blocks(b'made by hand')
    app = b'\x21\xff' + b'\x0bNETSCAPE2.0' + b'\x03\x01\x00\x00\x00'
    ptxt = b'\x21\x01' + b'\x0c' + bytes(12) + blocks(b'hi')
    unk = b'\x21\x42' + blocks(b'??')
    img = b'\x2c' + struct.pack('<HHHH', 0, 0, 4, 4) + b'\x00' + b'\x02' + blocks(b'\x84\x8f\xa9\xcb\xed\x0f', 3)
    limg = b'\x2c' + struct.pack('<HHHH', 1, 2, 2, 2) + b'\xc1' + bytes(range(12)) + b'\x02' + blocks(b'\x44\x01')
    head89 = b'GIF89a' + struct.pack('<HH', 4, 4) + b'\xf1\x00\x00' + bytes(range(12))
    head87 = b'GIF87a' + struct.pack('<HH', 4, 4) + b'\xb3\x05\x00' + bytes(range(48))
    return [
        ('gif89a', 'image/gif', head89 + gce + com + app + ptxt + img + limg + b'\x3b'),
        ('gif87a', 'image/gif', head87 + img + b'\x3b'),
        ('gif89a, aspect ratio, no global map, unknown extension', 'image/gif',
         b'GIF89a' + struct.pack('<HH', 300, 200) + b'\x67\x07\x31' + unk + img + b'\x3b' + b'after'),
        ('gif, no trailer', 'image/gif', head89 + img),
        ('gif, bytes of no block type', 'image/gif', head89 + b'\x00\x01' + img + b'\x99\x3b'),
        ('gif, a long comment', 'image/gif', head89 + b'\x21\xfe' + blocks(bytes(range(256)) * 2) + b'\x3b'),
        ('gif cut in a data block', 'image/gif', (head89 + gce + img)[:-4]),
        ('gif cut in the color map', 'image/gif', head87[:40]),
        ('gif cut in an image descriptor', 'image/gif', head89 + b'\x2c\x00\x00\x01'),
        ('gif, local map cut', 'image/gif', head89 + b'\x2c' + struct.pack('<HHHH', 0, 0, 1, 1) + b'\x87' + bytes(30)),
        ('gif, extension cut after its label', 'image/gif', head89 + b'\x21\xf9'),
        ('short gif (19 bytes)', 'image/gif', head89[:19]),
        ('text as image/gif', 'image/gif', b'this is not an image at all\n'),
    ]


# ---- images under other media types (tshark's HTTP heuristics) ----------------
def others():
    jpg = SOI + app0_jfif() + DQT + EOI
    png = PNG_SIG + IHDR + IEND
    gif = b'GIF89a' + struct.pack('<HH', 1, 1) + b'\x80\x00\x00' + bytes(6) + b'\x3b'
    return [
        ('png as image/jpeg', 'image/jpeg', png),
        ('gif as image/png', 'image/png', gif),
        ('jfif as image/gif', 'image/gif', jpg),
        ('png as application/foo', 'application/foo', png),
        ('jfif as image/webp', 'image/webp', jpg),
        ('gif as image/x-icon', 'image/x-icon', gif),
        ('png as application/octet-stream', 'application/octet-stream', png),
        ('gif as text/plain', 'text/plain', gif),
        ('png without a type', None, png),
        ('jfif without a type', None, jpg),
        ('exif as image/jpeg, parameters', 'image/jpeg; q=1', SOI + exif(True, gps=False) + EOI),
        ('upper-case IMAGE/PNG', 'IMAGE/PNG', png),
    ]


def cases():
    return jpegs() + pngs() + gifs() + others()
