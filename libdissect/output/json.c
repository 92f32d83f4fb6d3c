/* JSON output. The document is described once (emit_packet) against a small
 * sink interface; one sink streams text straight to a FILE (bulk export),
 * the other builds json-c objects (the API). Tests check both agree. */
#include "../core/dx.h"

#include <dissect/json.h>
#include <dissect/output.h>
#include <dissect/story.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct sink sink;
struct sink {
  void (*obj_begin)(sink *s);
  void (*obj_end)(sink *s);
  void (*arr_begin)(sink *s);
  void (*arr_end)(sink *s);
  /* k: a literal of this file, n its length; no byte of it needs escaping */
  void (*key)(sink *s, const char *k, size_t n);
  void (*str)(sink *s, const char *v, size_t n);
  void (*i64)(sink *s, int64_t v);
  void (*u64)(sink *s, uint64_t v);
  void (*dbl)(sink *s, double v);
  void (*boolean)(sink *s, int v);
  /* optional: a string of the hex digits of n bytes (NULL: use str) */
  void (*hex)(sink *s, const uint8_t *v, size_t n);
};

#define JSON_LABEL 4096 /* longest label line */

/* ---- the document ---- */
#define KEY(s, k) (s)->key((s), k, sizeof(k) - 1)
static void kv_str_n(sink *s, const char *k, size_t kn, const char *v) {
  s->key(s, k, kn);
  s->str(s, v, strlen(v));
}
static void kv_u64_n(sink *s, const char *k, size_t kn, uint64_t v) {
  s->key(s, k, kn);
  s->u64(s, v);
}
#define kv_str(s, k, v) kv_str_n(s, k, sizeof(k) - 1, v)
#define kv_u64(s, k, v) kv_u64_n(s, k, sizeof(k) - 1, v)

static const char *sev_name(int sev) {
  switch (sev) {
  case DX_SEV_CHAT: return "chat";
  case DX_SEV_NOTE: return "note";
  case DX_SEV_WARN: return "warn";
  case DX_SEV_ERROR: return "error";
  default: return NULL;
  }
}

static void emit_value(sink *s, const dx_node *n) {
  char buf[256];
  const dx_field *f = n->field;
  switch (f->type) {
  case DX_FT_NONE:
  case DX_FT_PROTOCOL: return;
  case DX_FT_BOOL:
    KEY(s, "value");
    s->boolean(s, n->v.u != 0);
    return;
  case DX_FT_UINT8:
  case DX_FT_UINT16:
  case DX_FT_UINT24:
  case DX_FT_UINT32:
  case DX_FT_UINT64:
  case DX_FT_FRAMENUM:
    KEY(s, "value");
    s->u64(s, n->v.u);
    return;
  case DX_FT_INT32:
  case DX_FT_INT64:
    KEY(s, "value");
    s->i64(s, n->v.i);
    return;
  case DX_FT_DOUBLE:
    KEY(s, "value");
    s->dbl(s, n->v.d);
    return;
  case DX_FT_ABSTIME:
  case DX_FT_RELTIME:
    KEY(s, "value");
    s->dbl(s, (double)n->v.t.sec + n->v.t.nsec / 1e9);
    return;
  case DX_FT_STRING:
    KEY(s, "value");
    s->str(s, (const char *)n->v.b.p, n->v.b.len);
    return;
  default: {
    /* bytes, addresses: as tshark -T fields formats them (long byte
     * strings: straight to the hex below, without measuring them first) */
    size_t need = f->type == DX_FT_BYTES && (size_t)n->v.b.len * 2 >= sizeof buf
                      ? sizeof buf
                      : dx_node_value(n, buf, sizeof buf);
    KEY(s, "value");
    if (need < sizeof buf) {
      s->str(s, buf, need);
    } else {
      /* long byte strings: hex of the whole value */
      static const char hx[] = "0123456789abcdef";
      size_t len = n->v.b.len;
      size_t lim = len > 65536 ? 65536 : len; /* JSON values are capped at 64 KiB */
      if (s->hex) {
        s->hex(s, n->v.b.p, lim);
        return;
      }
      char *big = malloc(lim * 2 + 1);
      if (!big) {
        s->str(s, "", 0);
        return;
      }
      for (size_t i = 0; i < lim; i++) {
        big[2 * i] = hx[n->v.b.p[i] >> 4];
        big[2 * i + 1] = hx[n->v.b.p[i] & 15];
      }
      s->str(s, big, lim * 2);
      free(big);
    }
    return;
  }
  }
}

static void emit_node(sink *s, const dx_node *n, int depth) {
  s->obj_begin(s);
  kv_str(s, "name", n->field->abbrev);
  KEY(s, "label");
  {
    char label[JSON_LABEL];
    size_t ll = dx_node_label(n, label, sizeof label);
    if (ll >= sizeof label)
      ll = sizeof label - 1;
    s->str(s, label, ll);
  }
  kv_str(s, "type", dx_ftype_name(n->field->type));
  if (n->field->type == DX_FT_PROTOCOL) {
    /* the five layers of the articles on HTTPS (dx_layer_role) */
    const char *unit, *role = dx_layer_role(n->field->abbrev, &unit);
    if (role) {
      kv_str(s, "role", role);
      kv_str(s, "unit", unit);
    }
  }
  emit_value(s, n);
  kv_u64(s, "offset", n->offset);
  kv_u64(s, "length", n->length);
  kv_u64(s, "source", n->src);
  if (n->flags & ~DX_NODE_EXPERT) {
    KEY(s, "flags");
    s->arr_begin(s);
    static const struct {
      unsigned bit;
      const char *name;
    } fl[] = {{DX_NODE_TRUNCATED, "truncated"},
              {DX_NODE_MALFORMED, "malformed"},
              {DX_NODE_HIDDEN, "hidden"},
              {DX_NODE_GENERATED, "generated"}};
    for (size_t i = 0; i < DX_ARRAY_LEN(fl); i++)
      if (n->flags & fl[i].bit)
        s->str(s, fl[i].name, strlen(fl[i].name));
    s->arr_end(s);
  }
  const char *sev = sev_name(n->severity);
  if (sev)
    kv_str(s, "severity", sev);
  bool any = false;
  for (const dx_node *c = n->first_child; c; c = c->next)
    if (!(c->flags & DX_NODE_HIDDEN))
      any = true;
  if (any && depth < 64) {
    KEY(s, "children");
    s->arr_begin(s);
    for (const dx_node *c = n->first_child; c; c = c->next)
      if (!(c->flags & DX_NODE_HIDDEN))
        emit_node(s, c, depth + 1);
    s->arr_end(s);
  }
  s->obj_end(s);
}

static void emit_packet(sink *s, const dx_packet *p) {
  s->obj_begin(s);
  kv_str(s, "schema", "libdissect.packet");
  kv_u64(s, "version", DX_JSON_SCHEMA_VERSION);
  kv_u64(s, "number", p->num);
  KEY(s, "time_epoch");
  s->dbl(s, (double)p->frame.ts_sec + p->frame.ts_nsec / 1e9);
  KEY(s, "time_relative");
  s->dbl(s, (double)p->rel_sec + p->rel_nsec / 1e9);
  kv_u64(s, "wire_length", p->frame.wirelen);
  kv_u64(s, "captured_length", p->frame.caplen);
  KEY(s, "linktype");
  s->i64(s, p->frame.linktype);
  KEY(s, "summary");
  s->obj_begin(s);
  kv_str(s, "source", dx_packet_src(p));
  kv_str(s, "destination", dx_packet_dst(p));
  kv_str(s, "protocol", dx_packet_protocol(p));
  kv_str(s, "info", dx_packet_info(p));
  s->obj_end(s);
  KEY(s, "sources");
  s->arr_begin(s);
  for (uint16_t i = 0; i < p->nsources; i++) {
    s->obj_begin(s);
    kv_u64(s, "index", i);
    kv_str(s, "name", p->sources[i].name);
    kv_u64(s, "length", p->sources[i].len);
    s->obj_end(s);
  }
  s->arr_end(s);
  KEY(s, "layers");
  s->arr_begin(s);
  for (const dx_node *n = p->root.first_child; n; n = n->next)
    if (!(n->flags & DX_NODE_HIDDEN))
      emit_node(s, n, 0);
  s->arr_end(s);
  s->obj_end(s);
}

/* ---- streaming text sink ---- */
/* The text is gathered in a buffer and written with one fwrite when it
 * fills and at the end of the packet: stdio per character is the slowest
 * part of a JSON export otherwise. Every write first makes sure the room it
 * needs is free (ts_room), then stores straight into the buffer. */
#define TS_BUF 65536
#define TS_INDENT_MAX 80
#define TS_CHUNK 4096 /* string bytes escaped per room check (6 out each) */
typedef struct {
  sink base;
  FILE *out;
  int pretty;
  int depth;
  bool need_comma[TS_INDENT_MAX];
  bool after_key;
  size_t len;
  char *buf; /* TS_BUF bytes */
} text_sink;

static void ts_flush(text_sink *t) {
  if (t->len)
    fwrite(t->buf, 1, t->len, t->out);
  t->len = 0;
}

/* Where the next n bytes go (n <= TS_BUF). */
static inline char *ts_room(text_sink *t, size_t n) {
  if (n > TS_BUF - t->len)
    ts_flush(t);
  return t->buf + t->len;
}

static inline void ts_ch(text_sink *t, char c) {
  *ts_room(t, 1) = c;
  t->len++;
}

/* Newline and indent (pretty): writes into o, returns the end. The spaces
 * go in 16-byte blocks; the last may write past the indent (into room
 * ts_room made, overwritten next). */
static inline char *ts_newline_at(const text_sink *t, char *o) {
  static const char spaces[2 * TS_INDENT_MAX + 16] =
      "                                                                "
      "                                                                "
      "                                                ";
  int d = t->depth < TS_INDENT_MAX ? t->depth : TS_INDENT_MAX;
  *o++ = '\n';
  size_t w = d > 0 ? 2 * (size_t)d : 0;
  for (size_t k = 0; k < w; k += 16)
    memcpy(o + k, spaces + k, 16);
  return o + w;
}

#define TS_PRE_ROOM (2 + 2 * TS_INDENT_MAX + 16)

/* The comma and newline before a value (nothing right after a key). */
static inline void ts_pre_value(text_sink *t) {
  if (t->after_key) {
    t->after_key = false;
    return;
  }
  char *o = ts_room(t, TS_PRE_ROOM), *o0 = o;
  if (t->depth < TS_INDENT_MAX) {
    if (t->need_comma[t->depth])
      *o++ = ',';
    t->need_comma[t->depth] = true;
  }
  if (t->depth > 0 && t->pretty)
    o = ts_newline_at(t, o);
  t->len += (size_t)(o - o0);
}

static void ts_open(sink *s, char c) {
  text_sink *t = (text_sink *)s;
  ts_pre_value(t);
  ts_ch(t, c);
  t->depth++;
  if (t->depth < TS_INDENT_MAX)
    t->need_comma[t->depth] = false;
}
static void ts_close(sink *s, char c) {
  text_sink *t = (text_sink *)s;
  bool had = t->depth < TS_INDENT_MAX && t->need_comma[t->depth];
  t->depth--;
  char *o = ts_room(t, TS_PRE_ROOM), *o0 = o;
  if (had && t->pretty)
    o = ts_newline_at(t, o);
  *o++ = c;
  t->len += (size_t)(o - o0);
}
static void ts_obj_begin(sink *s) {
  ts_open(s, '{');
}
static void ts_obj_end(sink *s) {
  ts_close(s, '}');
}
static void ts_arr_begin(sink *s) {
  ts_open(s, '[');
}
static void ts_arr_end(sink *s) {
  ts_close(s, ']');
}

/* Length of the valid UTF-8 sequence at u[i] (of n bytes), or 0 if the byte
 * there does not start one. Both JSON paths write an invalid byte as the
 * code point of the same value (as if it were Latin-1). */
static size_t utf8_len(const unsigned char *u, size_t i, size_t n) {
  unsigned c = u[i];
  size_t len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
  bool ok = len && i + len <= n;
  for (size_t k = 1; ok && k < len; k++)
    ok = (u[i + k] & 0xc0) == 0x80;
  if (ok && len == 3 && c == 0xe0 && u[i + 1] < 0xa0)
    ok = false;
  if (ok && len == 3 && c == 0xed && u[i + 1] >= 0xa0)
    ok = false;
  if (ok && len == 4 && c == 0xf0 && u[i + 1] < 0x90)
    ok = false;
  if (ok && len == 4 && c == 0xf4 && u[i + 1] >= 0x90)
    ok = false;
  return ok ? len : 0;
}

/* Nonzero if one of the 8 bytes of x needs escaping or is not ASCII: below
 * 0x20, 0x7f and above, '"' or '\\'. Each term is exactly "some byte is
 * so" (the borrows and carries of the byte-wise arithmetic only ever start
 * at a byte that already makes its term true). */
static inline uint64_t json_unsafe8(uint64_t x) {
  const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
  uint64_t lt20 = (x - 0x20 * ones) & ~x & high;
  uint64_t ge7f = ((x + ones) | x) & high;
  uint64_t q = x ^ ('"' * ones), b = x ^ ('\\' * ones);
  uint64_t eq = ((q - ones) & ~q & high) | ((b - ones) & ~b & high);
  return lt20 | ge7f | eq;
}

static inline char *ts_u_escape_at(char *o, unsigned c) {
  static const char hx[] = "0123456789abcdef";
  o[0] = '\\';
  o[1] = 'u';
  o[2] = '0';
  o[3] = '0';
  o[4] = hx[(c >> 4) & 15];
  o[5] = hx[c & 15];
  return o + 6;
}

static inline char *ts_u4_escape_at(char *o, uint32_t c) {
  static const char hx[] = "0123456789abcdef";
  o[0] = '\\';
  o[1] = 'u';
  o[2] = hx[(c >> 12) & 15];
  o[3] = hx[(c >> 8) & 15];
  o[4] = hx[(c >> 4) & 15];
  o[5] = hx[c & 15];
  return o + 6;
}

/* JSON string escaping: control characters (C0, DEL, C1, whatever their
 * encoding), format characters and invalid UTF-8 never pass raw. */
static void ts_write_string(text_sink *t, const char *v, size_t n) {
  const unsigned char *u = (const unsigned char *)v;
  ts_ch(t, '"');
  size_t i = 0;
  while (i < n) {
    size_t end = n - i > TS_CHUNK ? i + TS_CHUNK : n;
    /* 6 bytes out per byte in at most, and a UTF-8 sequence may run 3
     * bytes past end */
    char *o = ts_room(t, 6 * (end - i) + 8);
    while (i < end) {
      while (i + 8 <= end) {
        uint64_t x;
        memcpy(&x, u + i, 8);
        if (json_unsafe8(x))
          break;
        memcpy(o, &x, 8);
        o += 8;
        i += 8;
      }
      if (i >= end)
        break;
      if (end - i < 8 && end >= 8) {
        /* the tail: the 8 bytes that end it, if all plain (those before i
         * then were too, and went out unchanged: written again the same) */
        uint64_t x;
        memcpy(&x, u + end - 8, 8);
        if (!json_unsafe8(x)) {
          memcpy(o - (8 - (end - i)), &x, 8);
          o += end - i;
          i = end;
          break;
        }
      }
      unsigned c = u[i];
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        *o++ = (char)c;
        i++;
      } else if (c == '"' || c == '\\') {
        *o++ = '\\';
        *o++ = (char)c;
        i++;
      } else if (c < 0x20 || c == 0x7f) {
        o = ts_u_escape_at(o, c);
        i++;
      } else {
        size_t len = utf8_len(u, i, n);
        uint32_t cp = 0;
        if (len && dx_utf8_seq(u + i, n - i, &cp) && (cp < 0xa0 || !dx_unichar_printable(cp))) {
          /* C1 controls and what a terminal would not show (bidi controls,
           * zero-width characters): as \u escapes, the same string */
          if (cp > 0xffff) {
            cp -= 0x10000;
            o = ts_u4_escape_at(o, 0xd800 | (cp >> 10));
            o = ts_u4_escape_at(o, 0xdc00 | (cp & 0x3ff));
          } else {
            o = ts_u4_escape_at(o, cp);
          }
          i += len;
        } else if (len) {
          memcpy(o, v + i, len);
          o += len;
          i += len;
        } else {
          o = ts_u_escape_at(o, c); /* the byte as a Latin-1 code point */
          i++;
        }
      }
    }
    t->len = (size_t)(o - t->buf);
  }
  ts_ch(t, '"');
}

/* "00" to "ff": the two hex digits of each byte value. */
static const char hex_pairs[513] =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
    "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
    "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
    "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
    "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
    "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
    "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
/* "00" to "99": the two decimal digits of 0..99. */
static const char dec_pairs[201] =
    "0001020304050607080910111213141516171819202122232425262728293031"
    "3233343536373839404142434445464748495051525354555657585960616263"
    "6465666768697071727374757677787980818283848586878889909192939495"
    "96979899";

/* Hex digits need no escaping: written straight into the buffer. */
static void ts_hex(sink *s, const uint8_t *v, size_t n) {
  text_sink *t = (text_sink *)s;
  ts_pre_value(t);
  ts_ch(t, '"');
  for (size_t i = 0; i < n;) {
    if (TS_BUF - t->len < 2)
      ts_flush(t);
    size_t k = (TS_BUF - t->len) / 2;
    if (k > n - i)
      k = n - i;
    char *o = t->buf + t->len;
    for (size_t j = 0; j < k; j++)
      memcpy(o + 2 * j, hex_pairs + 2 * v[i + j], 2);
    t->len += 2 * k;
    i += k;
  }
  ts_ch(t, '"');
}

static void ts_udec(text_sink *t, uint64_t v, bool neg) {
  char b[24], *e = b + sizeof b, *q = e;
  while (v >= 100) {
    q -= 2;
    memcpy(q, dec_pairs + 2 * (v % 100), 2);
    v /= 100;
  }
  if (v >= 10) {
    q -= 2;
    memcpy(q, dec_pairs + 2 * v, 2);
  } else {
    *--q = (char)('0' + v);
  }
  if (neg)
    *--q = '-';
  size_t k = (size_t)(e - q);
  memcpy(ts_room(t, k), q, k);
  t->len += k;
}

static void ts_key(sink *s, const char *k, size_t n) {
  text_sink *t = (text_sink *)s;
  ts_pre_value(t);
  char *o = ts_room(t, n + 4);
  o[0] = '"';
  memcpy(o + 1, k, n);
  o[n + 1] = '"';
  o[n + 2] = ':';
  o[n + 3] = ' ';
  t->len += n + (t->pretty ? 4 : 3);
  t->after_key = true;
}
static void ts_str(sink *s, const char *v, size_t n) {
  text_sink *t = (text_sink *)s;
  ts_pre_value(t);
  ts_write_string(t, v, n);
}
static void ts_i64(sink *s, int64_t v) {
  text_sink *t = (text_sink *)s;
  ts_pre_value(t);
  ts_udec(t, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, v < 0);
}
static void ts_u64(sink *s, uint64_t v) {
  text_sink *t = (text_sink *)s;
  ts_pre_value(t);
  ts_udec(t, v, false);
}
#if defined(__SIZEOF_INT128__)
/* What snprintf "%.17g" writes for v, with ".0" added when that has no
 * point, computed exactly in integers, for 1e-3 <= v < 2^52. Returns the
 * length, or 0 when v is outside that range or the rounding is a tie or
 * carries into a new digit: the caller then asks snprintf. */
static size_t g17_fast(double v, char *buf) {
  static const uint64_t p10[21] = {1u,
                                   10u,
                                   100u,
                                   1000u,
                                   10000u,
                                   100000u,
                                   1000000u,
                                   10000000u,
                                   100000000u,
                                   1000000000u,
                                   10000000000u,
                                   100000000000u,
                                   1000000000000u,
                                   10000000000000u,
                                   100000000000000u,
                                   1000000000000000u,
                                   10000000000000000u,
                                   100000000000000000u,
                                   1000000000000000000u,
                                   10000000000000000000u,
                                   0};
  if (!(v >= 1e-3 && v < 9007199254740992.0))
    return 0;
  int e;
  double fr = frexp(v, &e);             /* v = fr * 2^e, 0.5 <= fr < 1 */
  uint64_t m = (uint64_t)ldexp(fr, 53); /* exact: 53 bits */
  int k = 53 - e;                       /* v = m * 2^-k, k >= 1 */
  if (k < 1 || k > 70)
    return 0;
  unsigned __int128 M = m;
  uint64_t ip = k < 64 ? m >> k : 0;
  unsigned q;     /* digits after the point */
  unsigned t = 0; /* v < 1: zeros after the point before the first digit + 1 */
  if (ip) {
    unsigned d = 1;
    while (d < 17 && ip >= p10[d])
      d++;
    q = 17 - d;
    M &= (((unsigned __int128)1) << k) - 1; /* the fraction */
  } else {
    /* smallest t with v * 10^t >= 1 */
    for (t = 1; t <= 3; t++)
      if (((unsigned __int128)m * p10[t]) >> k)
        break;
    if (t > 3)
      return 0;
    q = 16 + t;
  }
  unsigned __int128 scaled = M * p10[q];
  unsigned __int128 mask = (((unsigned __int128)1) << k) - 1;
  unsigned __int128 D = scaled >> k, rem = scaled & mask, half = ((unsigned __int128)1) << (k - 1);
  if (rem == half)
    return 0; /* a tie: leave it to the C library's rule */
  if (rem > half)
    D++;
  char *o = buf;
  if (ip) {
    if (D >= p10[q]) /* carried into the integer part */
      return 0;
    char tmp[24];
    int n = 0;
    for (uint64_t x = ip; x; x /= 10)
      tmp[n++] = (char)('0' + x % 10);
    while (n)
      *o++ = tmp[--n];
  } else {
    if (D >= p10[17]) /* one digit more: the exponent changed */
      return 0;
    *o++ = '0';
  }
  uint64_t f = (uint64_t)D;
  if (f == 0) {
    memcpy(o, ".0", 2);
    return (size_t)(o + 2 - buf);
  }
  /* q digits, zero-padded on the left, trailing zeros dropped */
  while (f % 10 == 0) {
    f /= 10;
    q--;
  }
  *o++ = '.';
  char *end = o + q;
  for (char *w = end; w > o;) {
    *--w = (char)('0' + f % 10);
    f /= 10;
  }
  return (size_t)(end - buf);
}
#endif

static void ts_dbl(sink *s, double v) {
  text_sink *t = (text_sink *)s;
  ts_pre_value(t);
  if (!isfinite(v))
    v = 0;
  /* %.17g round-trips; json-c prints doubles the same way by default. */
  char buf[64];
#if defined(__SIZEOF_INT128__)
  size_t fast = g17_fast(v, buf);
  if (fast) {
    memcpy(ts_room(t, fast), buf, fast);
    t->len += fast;
    return;
  }
#endif
  int k = snprintf(buf, sizeof buf, "%.17g", v);
  if (k < 0 || (size_t)k >= sizeof buf - 2)
    k = 0;
  if (!memchr(buf, '.', (size_t)k) && !memchr(buf, 'e', (size_t)k) &&
      !memchr(buf, 'E', (size_t)k)) {
    memcpy(buf + k, ".0", 2);
    k += 2;
  }
  memcpy(ts_room(t, (size_t)k), buf, (size_t)k);
  t->len += (size_t)k;
}
static void ts_bool(sink *s, int v) {
  text_sink *t = (text_sink *)s;
  ts_pre_value(t);
  memcpy(ts_room(t, 5), v ? "true" : "false", v ? 4 : 5);
  t->len += v ? 4 : 5;
}

int dx_write_json(FILE *out, const dx_packet *p, int pretty) {
  char buf[TS_BUF];
  text_sink t = {{ts_obj_begin, ts_obj_end, ts_arr_begin, ts_arr_end, ts_key, ts_str, ts_i64,
                  ts_u64, ts_dbl, ts_bool, ts_hex},
                 out,
                 pretty,
                 0,
                 {false},
                 false,
                 0,
                 buf};
  emit_packet(&t.base, p);
  ts_flush(&t);
  return ferror(out) ? DX_EIO : DX_OK;
}

int dx_write_ek(FILE *out, const dx_packet *p) {
  struct tm tm;
  time_t sec = (time_t)p->frame.ts_sec;
  gmtime_r(&sec, &tm);
  fprintf(out, "{\"index\":{\"_index\":\"packets-%04d-%02d-%02d\"}}\n", tm.tm_year + 1900,
          tm.tm_mon + 1, tm.tm_mday);
  int rc = dx_write_json(out, p, 0);
  fputc('\n', out);
  return rc;
}

/* ---- json-c sink ---- */
typedef struct {
  sink base;
  json_object *stack[80];
  int depth;
  json_object *root;
  const char *pending_key;
  char keybuf[128];
  bool oom;
} jc_sink;

static void jc_add(jc_sink *j, json_object *v) {
  if (!v) {
    j->oom = true;
    return;
  }
  if (j->depth == 0) {
    j->root = v;
    return;
  }
  json_object *top = j->stack[j->depth - 1];
  if (json_object_is_type(top, json_type_array))
    json_object_array_add(top, v);
  else
    json_object_object_add(top, j->keybuf, v);
}

static void jc_open(sink *s, json_object *o) {
  jc_sink *j = (jc_sink *)s;
  jc_add(j, o);
  if (j->depth < 80 && o)
    j->stack[j->depth++] = o;
}
static void jc_obj_begin(sink *s) {
  jc_open(s, json_object_new_object());
}
static void jc_arr_begin(sink *s) {
  jc_open(s, json_object_new_array());
}
static void jc_close(sink *s) {
  jc_sink *j = (jc_sink *)s;
  if (j->depth > 0)
    j->depth--;
}
static void jc_key(sink *s, const char *k, size_t n) {
  jc_sink *j = (jc_sink *)s;
  (void)n;
  snprintf(j->keybuf, sizeof j->keybuf, "%s", k);
}
static void jc_str(sink *s, const char *v, size_t n) {
  const unsigned char *u = (const unsigned char *)v;
  size_t i = 0;
  while (i < n && (u[i] < 0x80 || utf8_len(u, i, n)))
    i += u[i] < 0x80 ? 1 : utf8_len(u, i, n);
  if (i == n) {
    jc_add((jc_sink *)s, json_object_new_string_len(v, (int)n));
    return;
  }
  /* invalid UTF-8: each bad byte becomes its Latin-1 code point, as the
   * streamed path writes it (\u00XX) */
  char *fixed = malloc(2 * n + 1);
  if (!fixed) {
    ((jc_sink *)s)->oom = true;
    return;
  }
  size_t o = 0;
  for (i = 0; i < n;) {
    size_t len = u[i] < 0x80 ? 1 : utf8_len(u, i, n);
    if (len) {
      memcpy(fixed + o, u + i, len);
      o += len;
      i += len;
    } else {
      fixed[o++] = (char)(0xc0 | (u[i] >> 6));
      fixed[o++] = (char)(0x80 | (u[i] & 0x3f));
      i++;
    }
  }
  jc_add((jc_sink *)s, json_object_new_string_len(fixed, (int)o));
  free(fixed);
}
static void jc_i64(sink *s, int64_t v) {
  jc_add((jc_sink *)s, json_object_new_int64(v));
}
static void jc_u64(sink *s, uint64_t v) {
  jc_add((jc_sink *)s, json_object_new_uint64(v));
}
static void jc_dbl(sink *s, double v) {
  jc_add((jc_sink *)s, json_object_new_double(isfinite(v) ? v : 0));
}
static void jc_bool(sink *s, int v) {
  jc_add((jc_sink *)s, json_object_new_boolean(v));
}

json_object *dx_packet_to_json(const dx_packet *p) {
  jc_sink j;
  memset(&j, 0, sizeof j);
  j.base = (sink){jc_obj_begin, jc_close, jc_arr_begin, jc_close, jc_key, jc_str,
                  jc_i64,       jc_u64,   jc_dbl,       jc_bool,  NULL};
  emit_packet(&j.base, p);
  if (j.oom) {
    json_object_put(j.root);
    return NULL;
  }
  return j.root;
}
