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
  int n = dx_vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0)
    return;
  if ((size_t)n >= sizeof tmp)
    n = sizeof tmp - 1;
  sb_put(b, tmp, (size_t)n);
}

static const char hexdig[] = "0123456789abcdef";

#include "unprintable.h"

bool dx_unichar_printable(uint32_t cp) {
  if (cp < 0xa0)
    return cp >= 0x20 && cp < 0x7f;
  if (cp < 0x378)
    return cp != 0xad;
  size_t lo = 0, hi = DX_ARRAY_LEN(dx_unprintable);
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (cp < dx_unprintable[mid][0])
      hi = mid;
    else if (cp > dx_unprintable[mid][1])
      lo = mid + 1;
    else
      return false;
  }
  return true;
}

size_t dx_unichar_escape(uint32_t cp, char out[12]) {
  static const char up[] = "0123456789ABCDEF";
  int digits = cp > 0xffff ? 8 : 4;
  out[0] = '\\';
  out[1] = cp > 0xffff ? 'U' : 'u';
  for (int i = 0; i < digits; i++)
    out[2 + i] = up[(cp >> (4 * (digits - 1 - i))) & 15];
  out[2 + digits] = 0;
  return (size_t)(2 + digits);
}

/* Decimal and zero-padded hexadecimal numbers, as %llu, %lld and
 * %0*llx print them (the hot paths of labels and values). */
static void sb_dec(sbuf *b, uint64_t v) {
  if (dx_dec_put_fit(b->buf, &b->len, b->cap, v))
    return;
  unsigned n = dx_dec_len(v);
  char t[24];
  if (n > sizeof t) /* (never: 2^64 has 20 digits) */
    return;
  dx_dec_put(t, n, v);
  sb_put(b, t, n);
}

static void sb_sdec(sbuf *b, int64_t v) {
  if (v < 0) {
    sb_put(b, "-", 1);
    sb_dec(b, (uint64_t)0 - (uint64_t)v);
  } else {
    sb_dec(b, (uint64_t)v);
  }
}

static void sb_hex0(sbuf *b, uint64_t v, int width) {
  char t[24], *e = t + sizeof t, *q = e;
  do {
    *--q = hexdig[v & 15];
    v >>= 4;
  } while (v);
  while (e - q < width && q > t)
    *--q = '0';
  sb_put(b, q, (size_t)(e - q));
}

/* Code point cp as UTF-8 into o (1 to 4 bytes); returns the length. */
static size_t put_utf8(char *o, uint32_t cp) {
  if (cp < 0x80) {
    o[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (char)(0xc0 | (cp >> 6));
    o[1] = (char)(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (char)(0xe0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
  }
  o[0] = (char)(0xf0 | (cp >> 18));
  o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
  o[3] = (char)(0x80 | (cp & 0x3f));
  return 4;
}

/* The unit of text format_text reads at s[0..n) (n > 0): its length (1
 * for an ASCII byte; a lead byte and the continuation bytes after it, as
 * many as it announces) and in *cp its code point: the byte, the code
 * point of a whole sequence (overlong forms too, as glib reads them), or
 * U+FFFD for a cut or invalid one (g_unichar_validate(): no surrogate,
 * nothing past U+10FFFF). */
static size_t text_unit(const uint8_t *s, size_t n, uint32_t *cp) {
  uint8_t c = s[0];
  *cp = c;
  if (c < 0x80)
    return 1;
  size_t more = (c & 0xe0) == 0xc0   ? 1
                : (c & 0xf0) == 0xe0 ? 2
                : (c & 0xf8) == 0xf0 ? 3
                : (c & 0xfc) == 0xf8 ? 4
                : (c & 0xfe) == 0xfc ? 5
                                     : 0;
  uint32_t u = c & (0x3fu >> more);
  size_t k = 1;
  for (; k <= more && k < n && (s[k] & 0xc0) == 0x80; k++)
    u = (u << 6) | (s[k] & 0x3fu);
  *cp = more && k == more + 1 && u <= 0x10ffff && !(u >= 0xd800 && u <= 0xdfff) ? u : 0xfffd;
  return k;
}

/* tshark 4.0's format_text() (wsutil/str_util.c), which it applies to
 * labels (-V), columns and DNS names: printable ASCII as it is (the
 * backslash too: it is not doubled), \a \b \t \n \v \f \r for bytes 7 to
 * 13 and \ooo (octal) for the other ASCII bytes (\001, \033, \177); a
 * byte of 0x80 or more starts a UTF-8 sequence, read as far as its
 * continuation bytes go: its code point if whole and valid (an overlong
 * form too: \xc0\xaf is "/"), else U+FFFD (one for the lead byte and the
 * continuation bytes after it); a printable code point (U+00A0 and up,
 * dx_unichar_printable) as UTF-8, any other (C1 controls, bidi and
 * zero-width characters) as \u0085, \u202E, \U000E0001. */
static void sb_escape(sbuf *b, const uint8_t *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    /* runs of printable ASCII but the backslash go in one piece */
    size_t j = i + dx_plain_run(s + i, n - i);
    if (j > i) {
      sb_put(b, (const char *)s + i, j - i);
      i = j;
      if (i == n)
        break;
    }
    uint8_t c = s[i++];
    char e[12];
    if (c >= 0x20 && c < 0x7f) { /* the backslash */
      sb_put(b, (const char *)&c, 1);
    } else if (c < 0x80) {
      e[0] = '\\';
      if (c >= 7 && c <= 13) {
        e[1] = "abtnvfr"[c - 7];
        sb_put(b, e, 2);
      } else {
        e[1] = (char)('0' + ((c >> 6) & 3));
        e[2] = (char)('0' + ((c >> 3) & 7));
        e[3] = (char)('0' + (c & 7));
        sb_put(b, e, 4);
      }
    } else {
      uint32_t cp;
      i += text_unit(s + i - 1, n - i + 1, &cp) - 1;
      if (cp >= 0x20 && cp < 0x7f) {
        e[0] = (char)cp; /* an overlong form of printable ASCII */
        sb_put(b, e, 1);
      } else if (cp >= 0xa0 && dx_unichar_printable(cp)) {
        sb_put(b, e, put_utf8(e, cp));
      } else {
        sb_put(b, e, dx_unichar_escape(cp, e));
      }
    }
  }
}

size_t dx_escape_unit(const uint8_t *s, size_t n) {
  uint32_t cp;
  return n ? text_unit(s, n, &cp) : 0;
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

/* Hex digits of a field's value in a decimal-and-hex label: for a field
 * inside a wider integer, as many as its mask's bits need, as tshark
 * writes them (a 20-bit MPLS label: "21 (0x00015)"). */
static int mask_hex_width(const dx_field *f) {
  if (!f->bitmask)
    return hex_width(f->type);
  uint64_t m = f->bitmask;
  while (!(m & 1))
    m >>= 1;
  int bits = 0;
  for (; m; m >>= 1)
    bits++;
  return (bits + 3) / 4;
}

/* The value in a named value's parentheses: as the field's value, but a
 * 64-bit hex one in hex as wide as its type, as tshark's labels write it
 * ("Control Stream (0x0000000000000000)"). */
static void fmt_value(sbuf *b, const dx_node *n, bool for_label);
static void fmt_named_value(sbuf *b, const dx_node *n) {
  const dx_field *f = n->field;
  if (f->type == DX_FT_UINT64 && !f->bitmask &&
      (f->base == DX_BASE_HEX || f->base == DX_BASE_HEX_DEC)) {
    sb_put(b, "0x", 2);
    sb_hex0(b, n->v.u, 16);
    return;
  }
  if (f->bitmask && (f->base == DX_BASE_HEX || f->base == DX_BASE_HEX_DEC) &&
      f->type != DX_FT_UINT64) {
    /* as wide as the mask ("Frame type: Unnumbered frame (0x3)") */
    sb_put(b, "0x", 2);
    sb_hex0(b, n->v.u, mask_hex_width(f));
    return;
  }
  fmt_value(b, n, false);
}

static void fmt_time(sbuf *b, int64_t sec, int32_t nsec) {
  if (sec < 0 || nsec < 0) {
    /* negative durations: sign once, then magnitude; seconds and
     * nanoseconds kept apart (in nanoseconds, times centuries apart
     * overflow 64 bits) */
    int64_t s = sec + nsec / 1000000000;
    int32_t n = nsec % 1000000000;
    if (n < 0 && s > INT64_MIN) {
      n += 1000000000;
      s--;
    }
    if (s < 0 && n >= 0) {
      uint64_t ms = n ? (uint64_t) - (s + 1) : 0 - (uint64_t)s;
      sb_printf(b, "-%" PRIu64 ".%09d", ms, n ? 1000000000 - n : 0);
      return;
    }
    sec = s;
    nsec = n;
  }
  if (nsec >= 0 && nsec < 1000000000) {
    char t[10];
    /* nine digits, leading zeros kept: 1e9 + nsec has ten, the first a 1 */
    dx_dec_put(t, 10, 1000000000u + (uint32_t)nsec);
    t[0] = '.';
    sb_sdec(b, sec);
    sb_put(b, t, 10);
    return;
  }
  sb_printf(b, "%" PRId64 ".%09d", sec, nsec);
}

void dx_civil_utc(int64_t sec, dx_civil *c) {
  int64_t days = sec / 86400, rem = sec % 86400;
  if (rem < 0) {
    rem += 86400;
    days--;
  }
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  int64_t y = yoe + era * 400 + (m <= 2);
  c->year = y;
  c->month = (int)m;
  c->day = (int)d;
  c->hour = (int)(rem / 3600);
  c->min = (int)(rem / 60 % 60);
  c->sec = (int)(rem % 60);
}

/* "Dec 20, 2085 16:02:47.000000000 UTC", as tshark shows ABSOLUTE_TIME_UTC. */
static void fmt_utc(sbuf *b, int64_t sec, int32_t nsec) {
  static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  dx_civil c;
  dx_civil_utc(sec, &c);
  sb_printf(b, "%s %2d, %" PRId64 " %02d:%02d:%02d.%09d UTC", mon[c.month - 1], c.day, c.year,
            c.hour, c.min, c.sec, nsec < 0 ? 0 : nsec);
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
      nm = nm ? nm : (n->v.u ? "True" : "False");
      sb_put(b, nm, strlen(nm));
    } else {
      sb_put(b, n->v.u ? "1" : "0", 1);
    }
    return;
  case DX_FT_UINT8:
  case DX_FT_UINT16:
  case DX_FT_UINT24:
  case DX_FT_UINT32:
  case DX_FT_UINT64:
  case DX_FT_FRAMENUM:
    /* tshark 4.0 prints 64-bit integers with value names in decimal as
     * field values (quic.frame_type), in hex only in labels; one without
     * names in hex as wide as its type (stun.att.ms.multiplexed_turn_session_id) */
    if ((f->base == DX_BASE_HEX || f->base == DX_BASE_HEX_DEC) &&
        (for_label || f->type != DX_FT_UINT64 || !f->vals)) {
      sb_put(b, "0x", 2);
      /* a label's value as wide as its mask (the 20-bit flow label:
       * "0x9e954"), the field's value as wide as its type ("0x09e954") */
      sb_hex0(b, n->v.u, for_label ? mask_hex_width(f) : hex_width(f->type));
      if (for_label && f->base == DX_BASE_HEX_DEC) {
        sb_put(b, " (", 2);
        sb_dec(b, n->v.u);
        sb_put(b, ")", 1);
      }
    } else if (f->base == DX_BASE_OCT) {
      sb_printf(b, "0%" PRIo64, n->v.u);
    } else {
      sb_dec(b, n->v.u);
      if (for_label && f->base == DX_BASE_DEC_HEX) {
        sb_put(b, " (0x", 4);
        sb_hex0(b, n->v.u, mask_hex_width(f));
        sb_put(b, ")", 1);
      }
    }
    return;
  case DX_FT_INT32:
  case DX_FT_INT64: sb_sdec(b, n->v.i); return;
  case DX_FT_DOUBLE: sb_printf(b, "%.9g", n->v.d); return;
  case DX_FT_STRING: sb_escape(b, n->v.b.p, n->v.b.len); return;
  case DX_FT_BYTES: {
    if (for_label && n->v.b.len == 0) { /* tshark's label of no bytes */
      sb_put(b, "<MISSING>", 9);
      return;
    }
    size_t lim = for_label && n->v.b.len > 36 ? 36 : n->v.b.len;
    for (size_t i = 0; i < lim;) {
      char t[128];
      size_t k = 0;
      for (; i < lim && k < sizeof t; i++) {
        t[k++] = hexdig[n->v.b.p[i] >> 4];
        t[k++] = hexdig[n->v.b.p[i] & 15];
      }
      sb_put(b, t, k);
      if (b->len >= b->cap && !for_label) {
        b->len += 2 * (lim - i); /* only the length is still wanted */
        break;
      }
    }
    if (lim < n->v.b.len)
      sb_put(b, "\xe2\x80\xa6", 3); /* the ellipsis */
    return;
  }
  case DX_FT_IPV4: {
    uint32_t a = (uint32_t)n->v.u;
    size_t k = 0;
    for (int sh = 24; sh >= 0; sh -= 8) {
      unsigned v = (a >> sh) & 0xff;
      if (sh != 24)
        tmp[k++] = '.';
      if (v >= 100)
        tmp[k++] = (char)('0' + v / 100);
      if (v >= 10)
        tmp[k++] = (char)('0' + v / 10 % 10);
      tmp[k++] = (char)('0' + v % 10);
    }
    sb_put(b, tmp, k);
    return;
  }
  case DX_FT_IPV6:
    if (n->v.b.len == 16) { /* as inet_ntop() writes it (core/packet.c) */
      dx_addr a;
      dx_addr_set(&a, DX_AT_IPV6, n->v.b.p);
      size_t k = dx_addr_format(&a, tmp, sizeof tmp);
      sb_put(b, tmp, k < sizeof tmp ? k : sizeof tmp - 1);
    }
    return;
  case DX_FT_ETHER:
    if (n->v.b.len == 6) {
      for (int i = 0; i < 6; i++) {
        tmp[3 * i] = hexdig[n->v.b.p[i] >> 4];
        tmp[3 * i + 1] = hexdig[n->v.b.p[i] & 15];
        tmp[3 * i + 2] = ':';
      }
      sb_put(b, tmp, 17);
    }
    return;
  case DX_FT_ABSTIME:
    if (f->base == DX_BASE_UTC) {
      fmt_utc(b, n->v.t.sec, n->v.t.nsec);
      return;
    }
    if (f->base == DX_BASE_LOCAL) {
      dx_format_local_time(n->v.t.sec, n->v.t.nsec, tmp, sizeof tmp);
      sb_put(b, tmp, strlen(tmp));
      return;
    }
    fmt_time(b, n->v.t.sec, n->v.t.nsec);
    return;
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
  char t[64 + 16 + 3];
  size_t k = 0;
  /* four bits a group from the top, a space between groups; a group out
   * of the mask is "...." at once */
  for (unsigned i = 0; i < width; i += 4) {
    if (i)
      t[k++] = ' ';
    unsigned nb = width - i < 4 ? width - i : 4;
    unsigned low = width - i - nb; /* the group's lowest bit */
    if (!((f->bitmask >> low) & ((1u << nb) - 1))) {
      memcpy(t + k, "....", 4);
      k += nb;
      continue;
    }
    for (unsigned j = 0; j < nb; j++) {
      unsigned bit = width - 1 - i - j;
      if (f->bitmask & ((uint64_t)1 << bit))
        t[k++] = (shifted >> bit) & 1 ? '1' : '0';
      else
        t[k++] = '.';
    }
  }
  memcpy(t + k, " = ", 3);
  sb_put(b, t, k + 3);
}

/* tshark's labels hold at most 239 bytes (ITEM_LABEL_LENGTH 240): one that
 * would be longer is cut as proto.c's label_mark_truncated() cuts it,
 * " [truncated]" after the field's name ("Cookie [truncated]: a=1; ...")
 * and the first 238 bytes of that, back to a character's start. The
 * label starts at b->buf + start; name_end: where the name ends in b. A
 * buffer too small to hold the first 240 bytes is left as it is (the
 * caller asks again with the length returned). */
#define WS_ITEM_LABEL 240
static void label_mark_truncated(sbuf *b, size_t start, size_t name_end) {
  static const char trunc[] = " [truncated]";
  const size_t tl = sizeof trunc - 1;
  if (b->len - start < WS_ITEM_LABEL || b->cap < start + WS_ITEM_LABEL + 1)
    return;
  char *l = b->buf + start;
  size_t np = name_end - start;
  if (np >= WS_ITEM_LABEL - tl)
    return;
  memmove(l + np + tl, l + np, WS_ITEM_LABEL - np - tl);
  memcpy(l + np, trunc, tl);
  size_t k = WS_ITEM_LABEL - 2; /* the character before the last byte goes too */
  while (k > 0 && ((uint8_t)l[k] & 0xc0) == 0x80)
    k--;
  l[k] = 0;
  b->len = start + k;
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
    const char *c = n->text, *e = c + strlen(c);
    while (c < e) {
      /* printable runs (the backslash and UTF-8 included) pass as they are */
      const char *r = c + dx_plain_run((const uint8_t *)c, (size_t)(e - c));
      /* the backslash and printable UTF-8 pass too (labels are escaped
       * already); a stray byte of 0x80 or more does not */
      while (r < e) {
        size_t k = (unsigned char)*r == '\\'   ? 1
                   : (unsigned char)*r >= 0x80 ? dx_utf8_ok((const uint8_t *)r, (size_t)(e - r))
                                               : 0;
        if (!k)
          break;
        r += k;
        r += dx_plain_run((const uint8_t *)r, (size_t)(e - r));
      }
      if (r > c) {
        sb_put(&b, c, (size_t)(r - c));
        c = r;
        continue;
      }
      /* one byte, or the whole sequence format_text reads at once (a code
       * point not shown as it is, \u202E; a broken one, U+FFFD) */
      uint32_t cp;
      size_t k = text_unit((const uint8_t *)c, (size_t)(e - c), &cp);
      sb_escape(&b, (const uint8_t *)c, k);
      c += k;
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
  size_t name_end = b.len;
  if (f->type != DX_FT_NONE && f->type != DX_FT_PROTOCOL) {
    sb_put(&b, ": ", 2);
    const char *vn = NULL;
    if (f->vals && f->type != DX_FT_BOOL && f->type != DX_FT_STRING && f->type != DX_FT_BYTES)
      vn = dx_val_name(f->vals, f->type == DX_FT_INT32 || f->type == DX_FT_INT64 ? (uint64_t)n->v.i
                                                                                 : n->v.u);
    if (vn && f->base == DX_BASE_NONE) {
      sb_put(&b, vn, strlen(vn)); /* the name alone, as tshark's BASE_NONE */
    } else if (vn) {
      sb_put(&b, vn, strlen(vn));
      sb_put(&b, " (", 2);
      fmt_named_value(&b, n);
      sb_put(&b, ")", 1);
    } else if (f->vals && f->type != DX_FT_BOOL && f->type != DX_FT_STRING &&
               f->type != DX_FT_BYTES) {
      sb_put(&b, "Unknown (", 9);
      fmt_named_value(&b, n);
      sb_put(&b, ")", 1);
    } else {
      fmt_value(&b, n, true);
      if ((f->type == DX_FT_ABSTIME && f->base != DX_BASE_UTC && f->base != DX_BASE_LOCAL) ||
          f->type == DX_FT_RELTIME)
        sb_put(&b, " seconds", 8);
    }
  }
  label_mark_truncated(&b, gen ? 1 : 0, name_end);
  if (gen)
    sb_put(&b, "]", 1);
  if (n->flags & DX_NODE_TRUNCATED)
    sb_put(&b, " [truncated]", 12);
  return b.len;
}
