/* GIF images (GIF87a and GIF89a, CompuServe's specifications) in HTTP
 * bodies, as tshark 4.0's "image-gif" dissector shows them.
 *
 * Taken: a body of 20 bytes or more that starts "GIF87a" or "GIF89a".
 * Then the logical screen descriptor (sizes, the global settings byte,
 * the background colour, GIF89a's pixel aspect ratio when not 0), the
 * global colour map, and the blocks: extensions ('!', their label and
 * data sub-blocks), images (',', their descriptor, local settings and
 * colour map, LZW code size and data sub-blocks), the trailer (';'), which
 * ends the image, and any other byte as an unknown block type (a warning,
 * then the next byte). The colour resolution in the
 * settings' labels is worked out as tshark 4.0 does (from bits 0x60, so
 * "(7 bits per color)" for a field value of 7), to read the same.
 * Bytes that run out are tshark's exception (dx_exception_later): what
 * came before stays. */
#include "../core/dx.h"
#include "http_body.h"

#include <string.h>

enum {
  F_GIF,
  F_VERSION,
  F_SWIDTH,
  F_SHEIGHT,
  F_GSETTINGS,
  F_GMAP_PRESENT,
  F_GCOLOR_BPP,
  F_GMAP_ORDERED,
  F_GBPP,
  F_BACKGROUND,
  F_ASPECT,
  F_GMAP,
  F_LEFT,
  F_TOP,
  F_IWIDTH,
  F_IHEIGHT,
  F_LSETTINGS,
  F_LMAP_PRESENT,
  F_LCOLOR_BPP,
  F_LMAP_ORDERED,
  F_LBPP,
  F_LMAP,
  F_EXTENSION,
  F_EXT_LABEL,
  F_IMAGE,
  F_CODE_SIZE,
  F_END,
  F_DATA_BLOCK,
  F_UNKNOWN,
};

static const dx_vals tf_vals[] = {{0, "False"}, {1, "True"}, {0, NULL}};
static const dx_vals ext_vals[] = {{0xf9, "Graphics Control"},
                                   {0xfe, "Comment"},
                                   {0xff, "Application"},
                                   {0x01, "Plain Text"},
                                   {0, NULL}};

#define NONE(a, l) DX_F(a, l, DX_FT_NONE, DX_BASE_NONE)
#define U16(a, l) DX_F(a, l, DX_FT_UINT16, DX_BASE_DEC)
#define BITS(a, l, v, m) DX_FM(a, l, DX_FT_UINT8, DX_BASE_DEC, v, m, 8)

static const dx_field gif_fields[] = {
    [F_GIF] = DX_F("image-gif", "Compuserve GIF", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_VERSION] = DX_F("image-gif.version", "Version", DX_FT_STRING, DX_BASE_ASCII),
    [F_SWIDTH] = U16("image-gif.screen.width", "Screen width"),
    [F_SHEIGHT] = U16("image-gif.screen.height", "Screen height"),
    /* text-only subtrees in tshark (no field of theirs): names of ours */
    [F_GSETTINGS] = NONE("image-gif.global.settings", "Global settings"),
    [F_GMAP_PRESENT] =
        BITS("image-gif.global.color_map.present", "Global color map is present", tf_vals, 0x80),
    [F_GCOLOR_BPP] = BITS("image-gif.global.color_bpp", "Bits per color minus 1", NULL, 0x70),
    [F_GMAP_ORDERED] =
        BITS("image-gif.global.color_map.ordered", "Global color map is ordered", tf_vals, 0x08),
    [F_GBPP] = BITS("image-gif.global.bpp", "Image bits per pixel minus 1", NULL, 0x07),
    [F_BACKGROUND] = DX_F("image-gif.image_background_index", "Background color index", DX_FT_UINT8,
                          DX_BASE_DEC),
    [F_ASPECT] = DX_F("image-gif.global.pixel_aspect_ratio", "Global pixel aspect ratio",
                      DX_FT_UINT8, DX_BASE_DEC),
    [F_GMAP] = DX_F("image-gif.global.color_map", "Global color map", DX_FT_BYTES, DX_BASE_NONE),
    [F_LEFT] = U16("image-gif.image.left", "Image left position"),
    [F_TOP] = U16("image-gif.image.top", "Image top position"),
    [F_IWIDTH] = U16("image-gif.image.width", "Image width"),
    [F_IHEIGHT] = U16("image-gif.image.height", "Image height"),
    [F_LSETTINGS] = NONE("image-gif.local.settings", "Local settings"),
    [F_LMAP_PRESENT] =
        BITS("image-gif.local.color_map.present", "Local color map is present", tf_vals, 0x80),
    [F_LCOLOR_BPP] = BITS("image-gif.local.color_bpp", "Bits per color minus 1", NULL, 0x70),
    [F_LMAP_ORDERED] =
        BITS("image-gif.local.color_map.ordered", "Local color map is ordered", tf_vals, 0x08),
    /* (tshark 4.0 shows an image's bits per pixel with the global field) */
    [F_LBPP] = BITS("image-gif.local.bpp", "Image bits per pixel minus 1", NULL, 0x07),
    [F_LMAP] = DX_F("image-gif.local.color_map", "Local color map", DX_FT_BYTES, DX_BASE_NONE),
    [F_EXTENSION] = NONE("image-gif.extension", "Extension"),
    [F_EXT_LABEL] =
        DX_FV("image-gif.extension.label", "Extension label", DX_FT_UINT8, DX_BASE_HEX, ext_vals),
    [F_IMAGE] = NONE("image-gif.image", "Image"),
    [F_CODE_SIZE] =
        DX_F("image-gif.image.code_size", "LZW minimum code size", DX_FT_UINT8, DX_BASE_DEC),
    [F_END] = NONE("image-gif.end", "Trailer (End of the GIF stream)"),
    [F_DATA_BLOCK] = DX_F("image-gif.data_block", "Data block", DX_FT_BYTES, DX_BASE_NONE),
    /* (tshark 4.0 names its expert note so, without "image-") */
    [F_UNKNOWN] = NONE("gif.data_block_type.unknown", "Unknown GIF data block type"),
};

#define FL(i) (&gif_fields[i])

const dx_protocol dx_proto_gif = {
    .name = "image-gif",
    .label = "Compuserve GIF",
    .fields = gif_fields,
    .nfields = DX_ARRAY_LEN(gif_fields),
};

typedef struct gctx {
  dx_packet *p;
  const dx_tvb *t;
  bool stop;
  uint32_t items;
} gctx;

/* n bytes at off of the body, or tshark's exception */
static bool need(gctx *c, uint64_t off, uint64_t n) {
  if (c->stop)
    return false;
  if (off + n <= c->t->len)
    return true;
  c->stop = true;
  dx_exception_later(c->p, "GIF image", c->t, false);
  return false;
}

static dx_node *item(gctx *c, dx_node *parent, int f, uint32_t off, uint32_t n, bool le) {
  if (!need(c, off, n))
    return NULL;
  return le ? dx_add_item_le(c->p, parent, FL(f), c->t, off, n)
            : dx_add_item(c->p, parent, FL(f), c->t, off, n);
}

/* The settings byte at off: its subtree and bits (ordered only in GIF89a),
 * "(N bit(s) per color) (M bit(s) per pixel)". Returns the byte. */
static uint8_t settings(gctx *c, dx_node *parent, bool global, bool v89, uint32_t off) {
  uint8_t v = c->t->data[off];
  unsigned res = 1 + ((v & 0x60u) >> 4), bpp = 1 + (v & 0x07u);
  dx_node *s = dx_add_none(c->p, parent, FL(global ? F_GSETTINGS : F_LSETTINGS), c->t, off, 1);
  dx_node_set_text(
      c->p, s, "%s settings:%s (%u bit%s per color) (%u bit%s per pixel)",
      global ? "Global" : "Local",
      v & 0x80 ? (global ? " (Global color table present)" : " (Local color table present)") : "",
      res, res == 1 ? "" : "s", bpp, bpp == 1 ? "" : "s");
  item(c, s, global ? F_GMAP_PRESENT : F_LMAP_PRESENT, off, 1, true);
  item(c, s, global ? F_GCOLOR_BPP : F_LCOLOR_BPP, off, 1, true);
  if (v89)
    item(c, s, global ? F_GMAP_ORDERED : F_LMAP_ORDERED, off, 1, true);
  item(c, s, F_GBPP, off, 1, true);
  return v;
}

/* Data sub-blocks from *off (a length byte and as many bytes) up to and
 * with the empty one. */
static void data_blocks(gctx *c, dx_node *parent, uint32_t *off) {
  for (;;) {
    if (!need(c, *off, 1))
      return;
    if (++c->items > DX_IMAGE_MAX_ITEMS) {
      dx_expert(c->p, parent, dx_field_limit(), DX_SEV_NOTE,
                "[More than %u items in the image: the rest is not dissected]", DX_IMAGE_MAX_ITEMS);
      c->stop = true;
      return;
    }
    uint8_t n = c->t->data[*off];
    if (!need(c, *off, 1u + n))
      return;
    /* (the item spans the length byte, its value is the bytes after it) */
    dx_node *b = dx_add_bytes_val(c->p, parent, FL(F_DATA_BLOCK), c->t, *off, 1u + n,
                                  c->t->data + *off + 1, n);
    if (n)
      dx_node_append_text(c->p, b, " (length = %u)", n);
    else
      dx_node_set_text(c->p, b, "Data block: <none> (length = 0)");
    *off += 1u + n;
    if (n == 0)
      return;
  }
}

bool dx_dissect_gif(dx_packet *p, dx_node *parent, const dx_tvb *b, dx_body_cols *cols) {
  const uint8_t *d = b->data;
  if (b->len < 20)
    return false;
  bool v89;
  if (memcmp(d, "GIF87a", 6) == 0)
    v89 = false;
  else if (memcmp(d, "GIF89a", 6) == 0)
    v89 = true;
  else
    return false;
  gctx c = {.p = p, .t = b};
  dx_node *g = dx_add_proto(p, parent, FL(F_GIF), b, 0, b->len);
  dx_add_item(p, g, FL(F_VERSION), b, 0, 6);
  dx_node_set_text(p, g, "Compuserve GIF, Version: %.6s", (const char *)d);
  dx_body_cols_info(cols, " (%.6s)", (const char *)d);
  /* the logical screen descriptor (in the first 13 bytes: there) */
  dx_add_item_le(p, g, FL(F_SWIDTH), b, 6, 2);
  dx_add_item_le(p, g, FL(F_SHEIGHT), b, 8, 2);
  uint8_t gs = settings(&c, g, true, v89, 10);
  dx_add_item(p, g, FL(F_BACKGROUND), b, 11, 1);
  if (v89 && d[12]) {
    dx_node *a = dx_add_item(p, g, FL(F_ASPECT), b, 12, 1);
    dx_node_set_text(p, a, "%u, yields an aspect ratio of (15 + %u) / 64 = %.2f", d[12], d[12],
                     (double)(float)(15 + d[12]) / 64.0);
  }
  uint32_t off = 13;
  if (gs & 0x80) {
    uint32_t n = 3u << (1 + (gs & 7));
    if (!item(&c, g, F_GMAP, off, n, false))
      return true;
    off += n;
  }
  while (off < b->len && !c.stop) {
    uint32_t start = off;
    uint8_t peek = d[off];
    dx_node *blk;
    if (peek == 0x21) { /* an extension */
      blk = dx_add_none(p, g, FL(F_EXTENSION), b, off, 1);
      off++;
      if (!item(&c, blk, F_EXT_LABEL, off, 1, true))
        break;
      uint8_t label = d[off];
      const char *nm = dx_val_name(ext_vals, label);
      if (nm)
        dx_node_set_text(p, blk, "Extension: %s", nm);
      else
        dx_node_set_text(p, blk, "Extension: <Warning: Unknown extension 0x%02X>", label);
      off++;
      data_blocks(&c, blk, &off);
    } else if (peek == 0x2c) { /* an image */
      blk = dx_add_none(p, g, FL(F_IMAGE), b, off, 1);
      off++;
      item(&c, blk, F_LEFT, off, 2, true);
      item(&c, blk, F_TOP, off + 2, 2, true);
      item(&c, blk, F_IWIDTH, off + 4, 2, true);
      item(&c, blk, F_IHEIGHT, off + 6, 2, true);
      off += 8;
      if (!need(&c, off, 1))
        break;
      uint8_t ls = settings(&c, blk, false, v89, off);
      off++;
      if (ls & 0x80) {
        uint32_t n = 3u << (1 + (ls & 7));
        if (!item(&c, blk, F_LMAP, off, n, false))
          break;
        off += n;
      }
      if (!item(&c, blk, F_CODE_SIZE, off, 1, true))
        break;
      off++;
      data_blocks(&c, blk, &off);
    } else if (peek == 0x3b) { /* the trailer ends the image */
      dx_add_none(p, g, FL(F_END), b, off, 1);
      break;
    } else { /* any other byte: noted, and the next one read */
      if (++c.items > DX_IMAGE_MAX_ITEMS) {
        dx_expert(p, g, dx_field_limit(), DX_SEV_NOTE,
                  "[More than %u items in the image: the rest is not dissected]",
                  DX_IMAGE_MAX_ITEMS);
        break;
      }
      dx_node *u = dx_add_none(p, g, FL(F_UNKNOWN), b, off, 1);
      dx_expert(p, u, dx_field_expert(), DX_SEV_WARN, "Unknown GIF data block type");
      off++;
      continue;
    }
    if (c.stop)
      break;
    dx_node_set_len(blk, off - start);
  }
  return true;
}
