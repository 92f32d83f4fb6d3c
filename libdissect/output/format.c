/* Formatting node values and labels. Values follow tshark -T fields; labels
 * follow tshark -V. Every byte that comes from a packet is escaped. */
#include "../core/dx.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Appends to a bounded buffer, tracking the length that would be needed. */
typedef struct sbuf {
  char *buf;
  size_t cap, len;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n) {
  if (b->len < b->cap) {
    size_t room = b->cap - b->len - 1;
    size_t k = n < room ? n : room;
    memcpy(b->buf + b->len, s, k);
    b->buf[b->len + k] = 0;
  }
  b->len += n;
}

static void sb_printf(sbuf *b, const char *fmt, ...) DX_PRINTF(2, 3);
static void sb_printf(sbuf *b, const char *fmt, ...) {
  char tmp[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0)
    return;
  if ((size_t)n >= sizeof tmp)
    n = sizeof tmp - 1;
  sb_put(b, tmp, (size_t)n);
}

static void sb_escape(sbuf *b, const uint8_t *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    uint8_t c = s[i];
    char e[5];
    if (c == '\\') {
      sb_put(b, "\\\\", 2);
    } else if (c >= 0x20 && c < 0x7f) {
      sb_put(b, (const char *)&c, 1);
    } else if (c == '\n') {
      sb_put(b, "\\n", 2);
    } else if (c == '\r') {
      sb_put(b, "\\r", 2);
    } else if (c == '\t') {
      sb_put(b, "\\t", 2);
    } else {
      snprintf(e, sizeof e, "\\x%02x", c);
      sb_put(b, e, 4);
    }
  }
}

size_t dx_escape(const uint8_t *s, size_t n, char *buf, size_t len) {
  sbuf b = {buf, len, 0};
  if (len)
    buf[0] = 0;
  sb_escape(&b, s, n);
  return b.len;
}

static int hex_width(dx_ftype t) {
  switch (t) {
  case DX_FT_UINT8: return 2;
  case DX_FT_UINT16: return 4;
  case DX_FT_UINT24: return 6;
  case DX_FT_UINT32: return 8;
  default: return 16;
  }
}

static void fmt_time(sbuf *b, int64_t sec, int32_t nsec) {
  if (sec < 0 || nsec < 0) {
    /* negative durations: sign once, then magnitude */
    int64_t total_s = sec;
    int64_t total_n = nsec;
    if (total_n < 0 || total_s < 0) {
      int64_t ns = total_s * 1000000000 + total_n;
      if (ns < 0) {
        ns = -ns;
        sb_printf(b, "-%" PRId64 ".%09" PRId64, ns / 1000000000, ns % 1000000000);
        return;
      }
    }
  }
  sb_printf(b, "%" PRId64 ".%09d", sec, nsec);
}

static void fmt_value(sbuf *b, const dx_node *n, bool for_label) {
  const dx_field *f = n->field;
  char tmp[64];
  switch (f->type) {
  case DX_FT_NONE:
  case DX_FT_PROTOCOL: return;
  case DX_FT_BOOL:
    if (for_label) {
      const char *nm = dx_val_name(f->vals, n->v.u ? 1 : 0);
      sb_printf(b, "%s", nm ? nm : (n->v.u ? "True" : "False"));
    } else {
      sb_printf(b, "%d", n->v.u ? 1 : 0);
    }
    return;
  case DX_FT_UINT8:
  case DX_FT_UINT16:
  case DX_FT_UINT24:
  case DX_FT_UINT32:
  case DX_FT_UINT64:
  case DX_FT_FRAMENUM:
    if (f->base == DX_BASE_HEX || f->base == DX_BASE_HEX_DEC) {
      sb_printf(b, "0x%0*" PRIx64, hex_width(f->type), n->v.u);
      if (for_label && f->base == DX_BASE_HEX_DEC)
        sb_printf(b, " (%" PRIu64 ")", n->v.u);
    } else if (f->base == DX_BASE_OCT) {
      sb_printf(b, "0%" PRIo64, n->v.u);
    } else {
      sb_printf(b, "%" PRIu64, n->v.u);
      if (for_label && f->base == DX_BASE_DEC_HEX)
        sb_printf(b, " (0x%0*" PRIx64 ")", hex_width(f->type), n->v.u);
    }
    return;
  case DX_FT_INT32:
  case DX_FT_INT64: sb_printf(b, "%" PRId64, n->v.i); return;
  case DX_FT_DOUBLE: sb_printf(b, "%.9g", n->v.d); return;
  case DX_FT_STRING: sb_escape(b, n->v.b.p, n->v.b.len); return;
  case DX_FT_BYTES: {
    size_t lim = for_label && n->v.b.len > 24 ? 24 : n->v.b.len;
    for (size_t i = 0; i < lim; i++)
      sb_printf(b, "%02x", n->v.b.p[i]);
    if (lim < n->v.b.len)
      sb_put(b, "\xe2\x80\xa6", 3); /* the ellipsis */
    return;
  }
  case DX_FT_IPV4: {
    uint32_t be = htonl((uint32_t)n->v.u);
    inet_ntop(AF_INET, &be, tmp, sizeof tmp);
    sb_put(b, tmp, strlen(tmp));
    return;
  }
  case DX_FT_IPV6:
    if (n->v.b.len == 16) {
      inet_ntop(AF_INET6, n->v.b.p, tmp, sizeof tmp);
      sb_put(b, tmp, strlen(tmp));
    }
    return;
  case DX_FT_ETHER:
    if (n->v.b.len == 6)
      sb_printf(b, "%02x:%02x:%02x:%02x:%02x:%02x", n->v.b.p[0], n->v.b.p[1], n->v.b.p[2],
                n->v.b.p[3], n->v.b.p[4], n->v.b.p[5]);
    return;
  case DX_FT_ABSTIME:
  case DX_FT_RELTIME: fmt_time(b, n->v.t.sec, n->v.t.nsec); return;
  }
}

size_t dx_node_value(const dx_node *n, char *buf, size_t len) {
  sbuf b = {buf, len, 0};
  if (len)
    buf[0] = 0;
  if (!n || !n->field)
    return 0;
  fmt_value(&b, n, false);
  return b.len;
}

/* ".... ..1. " for bitmask fields: the bits of the containing integer. */
static void fmt_bits(sbuf *b, const dx_field *f, uint64_t v) {
  unsigned width = f->bits ? f->bits : (unsigned)hex_width(f->type) * 4;
  if (width > 64)
    width = 64;
  unsigned shift = 0;
  uint64_t m = f->bitmask;
  while (m && !(m & 1)) {
    m >>= 1;
    shift++;
  }
  uint64_t shifted = v << shift;
  for (unsigned i = 0; i < width; i++) {
    unsigned bit = width - 1 - i;
    if (i && i % 4 == 0)
      sb_put(b, " ", 1);
    if (f->bitmask & ((uint64_t)1 << bit))
      sb_put(b, (shifted >> bit) & 1 ? "1" : "0", 1);
    else
      sb_put(b, ".", 1);
  }
  sb_put(b, " = ", 3);
}

size_t dx_node_label(const dx_node *n, char *buf, size_t len) {
  sbuf b = {buf, len, 0};
  if (len)
    buf[0] = 0;
  if (!n || !n->field)
    return 0;
  const dx_field *f = n->field;
  bool gen = (n->flags & DX_NODE_GENERATED) && !(n->flags & DX_NODE_EXPERT);
  if (n->text) {
    if (gen && n->text[0] != '[')
      sb_put(&b, "[", 1);
    /* Dissectors escape packet bytes they put in a label; control bytes
     * that still slip through are escaped here (terminal safety). */
    for (const char *c = n->text; *c; c++) {
      unsigned char u = (unsigned char)*c;
      if (u < 0x20 || u == 0x7f)
        sb_escape(&b, &u, 1);
      else
        sb_put(&b, c, 1);
    }
    if (gen && n->text[0] != '[')
      sb_put(&b, "]", 1);
    return b.len;
  }
  if (gen)
    sb_put(&b, "[", 1);
  if (f->bitmask && f->type != DX_FT_NONE)
    fmt_bits(&b, f, f->type == DX_FT_BOOL ? (n->v.u ? 1 : 0) : n->v.u);
  sb_put(&b, f->label, strlen(f->label));
  if (f->type != DX_FT_NONE && f->type != DX_FT_PROTOCOL) {
    sb_put(&b, ": ", 2);
    const char *vn = NULL;
    if (f->vals && f->type != DX_FT_BOOL && f->type != DX_FT_STRING && f->type != DX_FT_BYTES)
      vn = dx_val_name(f->vals, f->type == DX_FT_INT32 || f->type == DX_FT_INT64
                                    ? (uint64_t)n->v.i
                                    : n->v.u);
    if (vn) {
      sb_put(&b, vn, strlen(vn));
      sb_put(&b, " (", 2);
      fmt_value(&b, n, false);
      sb_put(&b, ")", 1);
    } else if (f->vals && f->type != DX_FT_BOOL && f->type != DX_FT_STRING &&
               f->type != DX_FT_BYTES) {
      sb_put(&b, "Unknown (", 9);
      fmt_value(&b, n, false);
      sb_put(&b, ")", 1);
    } else {
      fmt_value(&b, n, true);
      if (f->type == DX_FT_ABSTIME || f->type == DX_FT_RELTIME)
        sb_put(&b, " seconds", 8);
    }
  }
  if (gen)
    sb_put(&b, "]", 1);
  if (n->flags & DX_NODE_TRUNCATED)
    sb_put(&b, " [truncated]", 12);
  return b.len;
}
