/* PNG images (ISO/IEC 15948, the W3C PNG specification) in HTTP bodies,
 * as tshark 4.0's "png" dissector shows them.
 *
 * Taken: a body of 20 bytes or more that starts with the PNG signature.
 * Then each chunk: its length, type (and the type's ancillary, private
 * and safe-to-copy bits), its data (IHDR, bKGD, cHRM, gAMA, pHYs, sRGB,
 * tEXt and tIME decoded; any other as "Data"), and its CRC (not checked,
 * as tshark does not). A chunk the body does not hold whole (or fewer than
 * the 8 bytes of a length and a type), and a decoded chunk's data shorter
 * than its fields, end the dissection as tshark's exception does
 * (dx_exception_later): the chunks before stay. */
#include "../core/dx.h"
#include "http_body.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  F_PNG,
  F_SIG,
  F_CHUNK,
  F_DATA,
  F_TYPE,
  F_LEN,
  F_CRC,
  F_ANC,
  F_PRIV,
  F_STC,
  F_WIDTH,
  F_HEIGHT,
  F_DEPTH,
  F_COLOUR,
  F_COMPRESSION,
  F_FILTER,
  F_INTERLACE,
  F_INTENT,
  F_KEYWORD,
  F_STRING,
  F_YEAR,
  F_MONTH,
  F_DAY,
  F_HOUR,
  F_MINUTE,
  F_SECOND,
  F_HORIZ,
  F_VERT,
  F_UNIT,
  F_PALETTE,
  F_GREY,
  F_RED,
  F_GREEN,
  F_BLUE,
  F_WX,
  F_WY,
  F_RX,
  F_RY,
  F_GX,
  F_GY,
  F_BX,
  F_BY,
  F_GAMMA,
  F_TOO_LARGE,
};

static const dx_vals colour_vals[] = {{0, "Greyscale"},
                                      {2, "Truecolour"},
                                      {3, "Indexed-colour"},
                                      {4, "Greyscale with alpha"},
                                      {6, "Truecolour with alpha"},
                                      {0, NULL}};
static const dx_vals compression_vals[] = {{0, "Deflate"}, {0, NULL}};
static const dx_vals filter_vals[] = {{0, "Adaptive"}, {0, NULL}};
static const dx_vals interlace_vals[] = {{0, "No interlace"}, {1, "Adam7"}, {0, NULL}};
static const dx_vals intent_vals[] = {{0, "Perceptual"},
                                      {1, "Relative colorimetric"},
                                      {2, "Saturation"},
                                      {3, "Absolute colorimetric"},
                                      {0, NULL}};
static const dx_vals unit_vals[] = {{0, "Unit is unknown"}, {1, "Unit is METRE"}, {0, NULL}};
static const dx_vals anc_vals[] = {
    {0, "This is a CRITICAL chunk"}, {1, "This is an ANCILLARY chunk"}, {0, NULL}};
static const dx_vals priv_vals[] = {
    {0, "This is a PUBLIC chunk"}, {1, "This is a PRIVATE chunk"}, {0, NULL}};
static const dx_vals stc_vals[] = {
    {0, "This chunk is NOT safe to copy"}, {1, "This chunk is SAFE TO COPY"}, {0, NULL}};

#define MK(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
enum {
  C_IHDR = MK('I', 'H', 'D', 'R'),
  C_BKGD = MK('b', 'K', 'G', 'D'),
  C_GAMA = MK('g', 'A', 'M', 'A'),
  C_ICCP = MK('i', 'C', 'C', 'P'),
  C_CHRM = MK('c', 'H', 'R', 'M'),
  C_PHYS = MK('p', 'H', 'Y', 's'),
  C_TEXT = MK('t', 'E', 'X', 't'),
  C_SBIT = MK('s', 'B', 'I', 'T'),
  C_SRGB = MK('s', 'R', 'G', 'B'),
  C_TIME = MK('t', 'I', 'M', 'E'),
  C_IDAT = MK('I', 'D', 'A', 'T'),
  C_IEND = MK('I', 'E', 'N', 'D'),
};
static const dx_vals chunk_vals[] = {{C_IHDR, "Image Header"},
                                     {C_BKGD, "Background colour"},
                                     {C_GAMA, "Image gamma"},
                                     {C_ICCP, "Embedded ICC profile"},
                                     {C_CHRM, "Primary chromaticities and white point"},
                                     {C_PHYS, "Physical pixel dimensions"},
                                     {C_TEXT, "Textual data"},
                                     {C_SBIT, "Significant bits"},
                                     {C_SRGB, "Standard RGB colour space"},
                                     {C_TIME, "Image last-modification time"},
                                     {C_IDAT, "Image data chunk"},
                                     {C_IEND, "Image Trailer"},
                                     {0, NULL}};

#define U8(a, l) DX_F(a, l, DX_FT_UINT8, DX_BASE_DEC)
#define U8V(a, l, v) DX_FV(a, l, DX_FT_UINT8, DX_BASE_DEC, v)
#define U16H(a, l) DX_F(a, l, DX_FT_UINT16, DX_BASE_HEX)
#define FLOAT(a, l) DX_F(a, l, DX_FT_DOUBLE, DX_BASE_NONE)

static const dx_field png_fields[] = {
    [F_PNG] = DX_F("png", "Portable Network Graphics", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_SIG] = DX_F("png.signature", "PNG Signature", DX_FT_BYTES, DX_BASE_NONE),
    /* a text-only subtree in tshark (no field of theirs): a name of ours */
    [F_CHUNK] = DX_F("png.chunk", "Chunk", DX_FT_NONE, DX_BASE_NONE),
    [F_DATA] = DX_F("png.chunk.data", "Data", DX_FT_NONE, DX_BASE_NONE),
    [F_TYPE] = DX_F("png.chunk.type", "Chunk", DX_FT_STRING, DX_BASE_ASCII),
    [F_LEN] = DX_F("png.chunk.len", "Len", DX_FT_UINT32, DX_BASE_DEC),
    [F_CRC] = DX_F("png.chunk.crc", "CRC", DX_FT_UINT32, DX_BASE_HEX),
    [F_ANC] = DX_FM("png.chunk.flag.ancillary", "Ancillary", DX_FT_BOOL, DX_BASE_NONE, anc_vals,
                    0x20000000, 32),
    [F_PRIV] = DX_FM("png.chunk.flag.private", "Private", DX_FT_BOOL, DX_BASE_NONE, priv_vals,
                     0x00200000, 32),
    [F_STC] = DX_FM("png.chunk.flag.stc", "Safe To Copy", DX_FT_BOOL, DX_BASE_NONE, stc_vals,
                    0x00000020, 32),
    [F_WIDTH] = DX_F("png.ihdr.width", "Width", DX_FT_UINT32, DX_BASE_DEC),
    [F_HEIGHT] = DX_F("png.ihdr.height", "Height", DX_FT_UINT32, DX_BASE_DEC),
    [F_DEPTH] = U8("png.ihdr.bitdepth", "Bit Depth"),
    [F_COLOUR] = U8V("png.ihdr.colour_type", "Colour Type", colour_vals),
    [F_COMPRESSION] = U8V("png.ihdr.compression_method", "Compression Method", compression_vals),
    [F_FILTER] = U8V("png.ihdr.filter_method", "Filter Method", filter_vals),
    [F_INTERLACE] = U8V("png.ihdr.interlace_method", "Interlace Method", interlace_vals),
    [F_INTENT] = U8V("png.srgb.intent", "Intent", intent_vals),
    [F_KEYWORD] = DX_F("png.text.keyword", "Keyword", DX_FT_STRING, DX_BASE_NONE),
    [F_STRING] = DX_F("png.text.string", "String", DX_FT_STRING, DX_BASE_NONE),
    [F_YEAR] = DX_F("png.time.year", "Year", DX_FT_UINT16, DX_BASE_DEC),
    [F_MONTH] = U8("png.time.month", "Month"),
    [F_DAY] = U8("png.time.day", "Day"),
    [F_HOUR] = U8("png.time.hour", "Hour"),
    [F_MINUTE] = U8("png.time.minute", "Minute"),
    [F_SECOND] = U8("png.time.second", "Second"),
    [F_HORIZ] = DX_F("png.phys.horiz", "Horizontal pixels per unit", DX_FT_UINT32, DX_BASE_DEC),
    [F_VERT] = DX_F("png.phys.vert", "Vertical pixels per unit", DX_FT_UINT32, DX_BASE_DEC),
    [F_UNIT] = U8V("png.phys.unit", "Unit", unit_vals),
    [F_PALETTE] = U8("png.bkgd.palette_index", "Palette Index"),
    [F_GREY] = U16H("png.bkgd.greyscale", "Greyscale"),
    [F_RED] = U16H("png.bkgd.red", "Red"),
    [F_GREEN] = U16H("png.bkgd.green", "Green"),
    [F_BLUE] = U16H("png.bkgd.blue", "Blue"),
    [F_WX] = FLOAT("png.chrm.white.x", "White X"),
    [F_WY] = FLOAT("png.chrm.white.y", "White Y"),
    [F_RX] = FLOAT("png.chrm.red.x", "Red X"),
    [F_RY] = FLOAT("png.chrm.red.y", "Red Y"),
    [F_GX] = FLOAT("png.chrm.green.x", "Green X"),
    [F_GY] = FLOAT("png.chrm.green.y", "Green Y"),
    [F_BX] = FLOAT("png.chrm.blue.x", "Blue X"),
    [F_BY] = FLOAT("png.chrm.blue.y", "Blue Y"),
    [F_GAMMA] = FLOAT("png.gama.gamma", "Gamma"),
    [F_TOO_LARGE] = DX_F("png.chunk_too_large",
                         "chunk size too large, dissection of this chunk is not supported",
                         DX_FT_NONE, DX_BASE_NONE),
};

#define FL(i) (&png_fields[i])

const dx_protocol dx_proto_png = {
    .name = "png",
    .label = "Portable Network Graphics",
    .fields = png_fields,
    .nfields = DX_ARRAY_LEN(png_fields),
};

typedef struct pctx {
  dx_packet *p;
  const dx_tvb *t;
  bool stop;
} pctx;

/* A chunk's data: n bytes at off of the body. Reading past them is tshark's
 * exception (the chunk is in the body whole, so it is ReportedBoundsError). */
static bool need(pctx *c, uint32_t n, uint32_t want) {
  if (c->stop)
    return false;
  if (want <= n)
    return true;
  c->stop = true;
  dx_exception_later(c->p, "PNG", c->t, false);
  return false;
}

static uint32_t rd32(const uint8_t *s) {
  return (uint32_t)s[0] << 24 | (uint32_t)s[1] << 16 | (uint32_t)s[2] << 8 | s[3];
}

/* Items at fixed places of a chunk's data (off, n): {field, offset, size},
 * each added while the data holds it. */
typedef struct fixed {
  int f;
  uint8_t at, size;
} fixed;

static void fixed_items(pctx *c, dx_node *ch, uint32_t off, uint32_t n, const fixed *it, size_t k) {
  for (size_t i = 0; i < k; i++) {
    if (!need(c, n, (uint32_t)it[i].at + it[i].size))
      return;
    dx_add_item(c->p, ch, FL(it[i].f), c->t, off + it[i].at, it[i].size);
  }
}

/* FT_FLOAT as tshark shows it (FLT_DIG significant digits): the value
 * kept as the double those digits write. */
static void add_float(pctx *c, dx_node *ch, int f, uint32_t at, float v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.6g", (double)v);
  dx_add_double(c->p, ch, FL(f), c->t, at, 4, strtod(buf, NULL));
}

/* tEXt: a keyword, a NUL, a string (both Latin-1); nothing without a NUL
 * after a keyword of one byte or more */
static void text_chunk(pctx *c, dx_node *ch, uint32_t off, uint32_t n) {
  const uint8_t *s = c->t->data + off;
  const uint8_t *z = n ? memchr(s, 0, n) : NULL;
  if (!z || z == s)
    return;
  for (int part = 0; part < 2; part++) {
    uint32_t a = part ? (uint32_t)(z - s) + 1 : 0;
    uint32_t e = part ? n : (uint32_t)(z - s);
    /* Latin-1 to UTF-8 (a NUL in the string ends its value, as a C
     * string's; the item keeps its bytes) */
    char *u = dx_arena_alloc(&c->p->arena, 2 * (size_t)(e - a) + 1);
    if (!u)
      return;
    size_t k = 0;
    for (uint32_t i = a; i < e && s[i]; i++) {
      if (s[i] < 0x80) {
        u[k++] = (char)s[i];
      } else {
        u[k++] = (char)(0xc0 | s[i] >> 6);
        u[k++] = (char)(0x80 | (s[i] & 0x3f));
      }
    }
    /* (Latin-1: tshark looks for no trailing stray characters) */
    dx_add_string(c->p, ch, FL(part ? F_STRING : F_KEYWORD), c->t, off + a, e - a, u, k);
  }
}

static void chunk_data(pctx *c, dx_node *ch, uint32_t type, uint32_t off, uint32_t n) {
  static const fixed ihdr[] = {{F_WIDTH, 0, 4},     {F_HEIGHT, 4, 4},       {F_DEPTH, 8, 1},
                               {F_COLOUR, 9, 1},    {F_COMPRESSION, 10, 1}, {F_FILTER, 11, 1},
                               {F_INTERLACE, 12, 1}};
  static const fixed phys[] = {{F_HORIZ, 0, 4}, {F_VERT, 4, 4}, {F_UNIT, 8, 1}};
  static const fixed time[] = {{F_YEAR, 0, 2}, {F_MONTH, 2, 1},  {F_DAY, 3, 1},
                               {F_HOUR, 4, 1}, {F_MINUTE, 5, 1}, {F_SECOND, 6, 1}};
  static const fixed srgb[] = {{F_INTENT, 0, 1}};
  static const fixed bkgd1[] = {{F_PALETTE, 0, 1}};
  static const fixed bkgd2[] = {{F_GREY, 0, 2}};
  static const fixed bkgd6[] = {{F_RED, 0, 2}, {F_GREEN, 2, 2}, {F_BLUE, 4, 2}};
  const uint8_t *s = c->t->data + off;
  switch (type) {
  case C_IHDR: fixed_items(c, ch, off, n, ihdr, DX_ARRAY_LEN(ihdr)); break;
  case C_PHYS: fixed_items(c, ch, off, n, phys, DX_ARRAY_LEN(phys)); break;
  case C_TIME: fixed_items(c, ch, off, n, time, DX_ARRAY_LEN(time)); break;
  case C_SRGB: fixed_items(c, ch, off, n, srgb, DX_ARRAY_LEN(srgb)); break;
  case C_BKGD: /* by its length: palette index, grey, or red, green and blue */
    if (n == 1)
      fixed_items(c, ch, off, n, bkgd1, 1);
    else if (n == 2)
      fixed_items(c, ch, off, n, bkgd2, 1);
    else if (n == 6)
      fixed_items(c, ch, off, n, bkgd6, 3);
    break;
  case C_CHRM:
    for (uint32_t i = 0; i < 8; i++) {
      if (!need(c, n, 4 * i + 4))
        return;
      add_float(c, ch, F_WX + (int)i, off + 4 * i, (float)rd32(s + 4 * i) / 100000.0f);
    }
    break;
  case C_GAMA:
    if (need(c, n, 4))
      add_float(c, ch, F_GAMMA, off, (float)rd32(s) / 100000.0f);
    break;
  case C_TEXT: text_chunk(c, ch, off, n); break;
  default:
    if (n > 0)
      dx_add_none(c->p, ch, FL(F_DATA), c->t, off, n);
    break;
  }
}

bool dx_dissect_png(dx_packet *p, dx_node *parent, const dx_tvb *b, dx_body_cols *cols) {
  static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (b->len < 20 || memcmp(b->data, sig, sizeof sig) != 0)
    return false;
  dx_body_cols_info(cols, " (PNG)");
  pctx c = {.p = p, .t = b};
  dx_node *png = dx_add_proto(p, parent, FL(F_PNG), b, 0, b->len);
  dx_add_item(p, png, FL(F_SIG), b, 0, 8);
  uint32_t off = 8;
  for (uint32_t k = 0; off < b->len; k++) {
    if (k >= DX_IMAGE_MAX_ITEMS) {
      dx_expert(p, png, dx_field_limit(), DX_SEV_NOTE,
                "[More than %u chunks in the image: the rest is not dissected]",
                DX_IMAGE_MAX_ITEMS);
      break;
    }
    const uint8_t *s = b->data + off;
    uint32_t left = b->len - off;
    /* a length, a type, the data and a CRC: all in the body, or tshark's
     * exception before the chunk's item */
    uint32_t n = left >= 4 ? rd32(s) : 0;
    if (left < 12 || n > left - 12) {
      dx_exception_later(p, "PNG", b, false);
      break;
    }
    uint32_t type = rd32(s + 4);
    char ts[16];
    dx_ascii_copy(ts, sizeof ts, s + 4, 4);
    dx_node *ch = dx_add_none(p, png, FL(F_CHUNK), b, off, 12 + n);
    dx_node_set_text(p, ch, "%s (%s)", dx_val_name_def(chunk_vals, type, "unknown"), ts);
    dx_add_item(p, ch, FL(F_LEN), b, off, 4);
    dx_node *ty = dx_add_item(p, ch, FL(F_TYPE), b, off + 4, 4);
    if (dx_ascii_stray(s + 4, 4))
      dx_expert(p, ty, dx_field_stray(), DX_SEV_WARN, "Trailing stray characters");
    dx_add_item(p, ch, FL(F_ANC), b, off + 4, 4);
    dx_add_item(p, ch, FL(F_PRIV), b, off + 4, 4);
    dx_add_item(p, ch, FL(F_STC), b, off + 4, 4);
    chunk_data(&c, ch, type, off + 8, n);
    if (c.stop)
      break;
    dx_add_item(p, ch, FL(F_CRC), b, off + 8 + n, 4);
    off += 12 + n;
  }
  return true;
}
