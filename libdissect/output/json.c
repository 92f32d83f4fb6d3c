/* JSON output in three forms (dissect/output.h):
 *
 *   DX_JSON_PACKETS  compact and typed, layers keyed by protocol and fields
 *                    by name, as tshark -T json nests them (-T json;
 *                    docs/json.schema.json);
 *   DX_JSON_TREE     the whole layer tree with labels, offsets, lengths and
 *                    data sources (-T jsontree, dx_packet_to_json();
 *                    docs/jsontree.schema.json);
 *   DX_JSON_EK       Elasticsearch/OpenSearch bulk lines (-T ek;
 *                    docs/ek.schema.json, docs/ek-mapping.json).
 *
 * Everything is written into one large buffer that goes out with one
 * fwrite when it fills (jw below): no stdio call per token, no json-c
 * object and no allocation per node. The tree form is described once
 * (emit_packet) against a small sink interface, so that the same document
 * is also built as json-c objects for the API; tests check both agree. */
#include "../core/dx.h"

#include <arpa/inet.h>
#include <dissect/json.h>
#include <dissect/output.h>
#include <dissect/story.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define JSON_LABEL 4096 /* labels up to this long need no allocation */
/* JSON nesting whose commas are tracked: more than any form reaches (two
 * levels a node at most, NODE_DEPTH_MAX nodes deep, and the few around) */
#define JW_DEPTH_MAX 512
#define JW_INDENT_MAX 80 /* deeper levels are indented as this one */
#define JW_CHUNK 4096    /* string bytes escaped per room check (6 out each) */
#define NODE_DEPTH_MAX 64
#define WRITER_BUF (1u << 18) /* dx_json_writer: 256 KiB per write */
/* dx_write_json_form (one packet per call): a smaller buffer, and the key
 * maps, key table and node scratch start small and grow with the packet
 * (a writer's start at sizes for a whole capture). The buffer must hold
 * the largest room asked at once: an escaped string chunk. */
#define ONESHOT_BUF (1u << 15)
#define ONESHOT_MAP 256u  /* key map slots (a writer's: 2048) */
#define ONESHOT_KEYS 64u  /* key ids (256) */
#define ONESHOT_NODES 64u /* node scratch (1024) */
_Static_assert(6 * JW_CHUNK + 16 <= ONESHOT_BUF, "an escaped string chunk fits the buffer");

/* ======================================================================
 * The output buffer and the JSON tokens
 * ====================================================================== */
typedef struct jw {
  char *buf;
  size_t cap, len;
  FILE *out;
  bool err;
  bool pretty;
  bool after_key;
  int depth;
  bool need_comma[JW_DEPTH_MAX];
} jw;

static void jw_flush(jw *w) {
  if (w->len && w->out && fwrite(w->buf, 1, w->len, w->out) != w->len)
    w->err = true;
  w->len = 0;
}

/* Where the next n bytes go (n <= cap). */
static inline char *jw_room(jw *w, size_t n) {
  if (n > w->cap - w->len)
    jw_flush(w);
  return w->buf + w->len;
}

static inline void jw_ch(jw *w, char c) {
  *jw_room(w, 1) = c;
  w->len++;
}

static inline void jw_raw(jw *w, const char *s, size_t n) {
  while (n) {
    size_t k = n < w->cap ? n : w->cap;
    memcpy(jw_room(w, k), s, k);
    w->len += k;
    s += k;
    n -= k;
  }
}

/* Newline and indent (pretty): writes into o, returns the end. The spaces
 * go in 16-byte blocks; the last may write past the indent (into room
 * jw_room made, overwritten next). */
static inline char *jw_newline_at(const jw *w, char *o) {
  static const char spaces[2 * JW_INDENT_MAX + 16] =
      "                                                                "
      "                                                                "
      "                                                ";
  int d = w->depth < JW_INDENT_MAX ? w->depth : JW_INDENT_MAX;
  *o++ = '\n';
  size_t n = d > 0 ? 2 * (size_t)d : 0;
  for (size_t k = 0; k < n; k += 16)
    memcpy(o + k, spaces + k, 16);
  return o + n;
}

#define JW_PRE_ROOM (2 + 2 * JW_INDENT_MAX + 16)

/* The comma and newline before a value (nothing right after a key). */
static inline void jw_pre_value(jw *w) {
  if (w->after_key) {
    w->after_key = false;
    return;
  }
  char *o = jw_room(w, JW_PRE_ROOM), *o0 = o;
  if (w->depth < JW_DEPTH_MAX) {
    if (w->need_comma[w->depth])
      *o++ = ',';
    w->need_comma[w->depth] = true;
  }
  if (w->depth > 0 && w->pretty)
    o = jw_newline_at(w, o);
  w->len += (size_t)(o - o0);
}

static inline void jw_open(jw *w, char c) {
  jw_pre_value(w);
  jw_ch(w, c);
  w->depth++;
  if (w->depth < JW_DEPTH_MAX)
    w->need_comma[w->depth] = false;
}

static inline void jw_close(jw *w, char c) {
  bool had = w->depth < JW_DEPTH_MAX && w->need_comma[w->depth];
  w->depth--;
  char *o = jw_room(w, JW_PRE_ROOM), *o0 = o;
  if (had && w->pretty)
    o = jw_newline_at(w, o);
  *o++ = c;
  w->len += (size_t)(o - o0);
}

/* A key whose bytes need no escaping (a literal of this file, or a field
 * name checked by key_safe()), with an optional suffix ("#name", "_tree"). */
static inline void jw_key2(jw *w, const char *k, size_t n, const char *sfx, size_t sn) {
  jw_pre_value(w);
  char *o = jw_room(w, n + sn + 4);
  o[0] = '"';
  memcpy(o + 1, k, n);
  memcpy(o + 1 + n, sfx, sn);
  o[n + sn + 1] = '"';
  o[n + sn + 2] = ':';
  o[n + sn + 3] = ' ';
  w->len += n + sn + (w->pretty ? 4 : 3);
  w->after_key = true;
}
static inline void jw_key(jw *w, const char *k, size_t n) {
  jw_key2(w, k, n, "", 0);
}
#define JW_KEY(w, lit) jw_key((w), lit, sizeof(lit) - 1)

/* Length of the valid UTF-8 sequence at u[i] (of n bytes), or 0 if the byte
 * there does not start one. Both JSON paths write an invalid byte as the
 * code point of the same value (as if it were Latin-1). */
static size_t utf8_len(const unsigned char *u, size_t i, size_t n) {
  unsigned c = u[i];
  size_t len = c >= 0xf0 && c <= 0xf4  ? 4
               : c >= 0xe0 && c < 0xf0 ? 3
               : c >= 0xc2 && c < 0xe0 ? 2
                                       : 0;
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

static inline char *u_escape_at(char *o, uint32_t c) {
  static const char hx[] = "0123456789abcdef";
  o[0] = '\\';
  o[1] = 'u';
  o[2] = hx[(c >> 12) & 15];
  o[3] = hx[(c >> 8) & 15];
  o[4] = hx[(c >> 4) & 15];
  o[5] = hx[c & 15];
  return o + 6;
}

/* A JSON string: control characters (C0, DEL, C1, whatever their
 * encoding), format characters and invalid UTF-8 never pass raw. */
static void jw_string_body(jw *w, const char *v, size_t n) {
  const unsigned char *u = (const unsigned char *)v;
  jw_ch(w, '"');
  size_t i = 0;
  while (i < n) {
    size_t end = n - i > JW_CHUNK ? i + JW_CHUNK : n;
    /* 6 bytes out per byte in at most (12 for a surrogate pair of 4 in),
     * and a UTF-8 sequence may run 3 bytes past end */
    char *o = jw_room(w, 6 * (end - i) + 16);
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
        o = u_escape_at(o, c);
        i++;
      } else {
        size_t len = utf8_len(u, i, n);
        uint32_t cp = 0;
        if (len && dx_utf8_seq(u + i, n - i, &cp) && (cp < 0xa0 || !dx_unichar_printable(cp))) {
          /* C1 controls and what a terminal would not show (bidi controls,
           * zero-width characters): as \u escapes, the same string */
          if (cp > 0xffff) {
            cp -= 0x10000;
            o = u_escape_at(o, 0xd800 | (cp >> 10));
            o = u_escape_at(o, 0xdc00 | (cp & 0x3ff));
          } else {
            o = u_escape_at(o, cp);
          }
          i += len;
        } else if (len) {
          memcpy(o, v + i, len);
          o += len;
          i += len;
        } else {
          o = u_escape_at(o, c); /* the byte as a Latin-1 code point */
          i++;
        }
      }
    }
    w->len = (size_t)(o - w->buf);
  }
  jw_ch(w, '"');
}

static inline void jw_str(jw *w, const char *v, size_t n) {
  jw_pre_value(w);
  jw_string_body(w, v, n);
}

/* A string whose bytes need no escaping (formatted here: numbers, times,
 * addresses, hex). n <= 256. */
static inline void jw_safe_str(jw *w, const char *v, size_t n) {
  jw_pre_value(w);
  char *o = jw_room(w, n + 2);
  o[0] = '"';
  memcpy(o + 1, v, n);
  o[n + 1] = '"';
  w->len += n + 2;
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

/* The hex digits of n bytes into o (2n bytes). */
static inline void hex_at(char *o, const uint8_t *v, size_t n) {
  size_t j = 0;
#if defined(__SSE2__)
  /* 16 bytes at a time: the two nibbles of each byte, as digits ('0' +
   * n, plus 'a' - '0' - 10 above 9), interleaved high first */
  const __m128i mask = _mm_set1_epi8(0x0f), nine = _mm_set1_epi8(9);
  const __m128i zero = _mm_set1_epi8('0'), gap = _mm_set1_epi8('a' - '0' - 10);
  for (; j + 16 <= n; j += 16) {
    __m128i x = _mm_loadu_si128((const __m128i *)(v + j));
    __m128i hi = _mm_and_si128(_mm_srli_epi16(x, 4), mask), lo = _mm_and_si128(x, mask);
    hi = _mm_add_epi8(_mm_add_epi8(hi, zero), _mm_and_si128(_mm_cmpgt_epi8(hi, nine), gap));
    lo = _mm_add_epi8(_mm_add_epi8(lo, zero), _mm_and_si128(_mm_cmpgt_epi8(lo, nine), gap));
    _mm_storeu_si128((__m128i *)(o + 2 * j), _mm_unpacklo_epi8(hi, lo));
    _mm_storeu_si128((__m128i *)(o + 2 * j + 16), _mm_unpackhi_epi8(hi, lo));
  }
#endif
  for (; j < n; j++)
    memcpy(o + 2 * j, hex_pairs + 2 * v[j], 2);
}

/* Hex digits need no escaping: written straight into the buffer. */
static void jw_hex(jw *w, const uint8_t *v, size_t n) {
  jw_pre_value(w);
  jw_ch(w, '"');
  for (size_t i = 0; i < n;) {
    if (w->cap - w->len < 2)
      jw_flush(w);
    size_t k = (w->cap - w->len) / 2;
    if (k > n - i)
      k = n - i;
    hex_at(w->buf + w->len, v + i, k);
    w->len += 2 * k;
    i += k;
  }
  jw_ch(w, '"');
}

/* Decimal digits of v ending at e; returns where they start. */
static inline char *udec_back(char *e, uint64_t v) {
  char *q = e;
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
  return q;
}

static void jw_udec(jw *w, uint64_t v, bool neg) {
  char b[24], *e = b + sizeof b, *q = udec_back(e, v);
  if (neg)
    *--q = '-';
  size_t k = (size_t)(e - q);
  memcpy(jw_room(w, k), q, k);
  w->len += k;
}
static inline void jw_u64(jw *w, uint64_t v) {
  jw_pre_value(w);
  jw_udec(w, v, false);
}
static inline void jw_i64(jw *w, int64_t v) {
  jw_pre_value(w);
  jw_udec(w, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, v < 0);
}
static inline void jw_bool(jw *w, int v) {
  jw_pre_value(w);
  memcpy(jw_room(w, 5), v ? "true" : "false", v ? 4 : 5);
  w->len += v ? 4 : 5;
}
static inline void jw_null(jw *w) {
  jw_pre_value(w);
  memcpy(jw_room(w, 4), "null", 4);
  w->len += 4;
}

/* The shortest decimal that reads back as the same double (%.15g, %.16g
 * or %.17g), as a JSON number; null for infinities and NaN, which JSON
 * has no number for. Doubles are rare (a few fields), so snprintf does. */
static size_t fmt_double(double v, char *buf, size_t len) {
  int k = 0;
  for (int prec = 15; prec <= 17; prec++) {
    k = snprintf(buf, len, "%.*g", prec, v);
    if (k > 0 && (size_t)k < len && strtod(buf, NULL) == v)
      break;
  }
  if (k <= 0 || (size_t)k + 2 >= len)
    return 0;
  /* "3.0", not "3": a double reads back as one, not as an integer */
  if (!strpbrk(buf, ".eE")) {
    memcpy(buf + k, ".0", 3);
    k += 2;
  }
  return (size_t)k;
}
static void jw_dbl(jw *w, double v) {
  char buf[40];
  size_t k = isfinite(v) ? fmt_double(v, buf, sizeof buf) : 0;
  if (!k) {
    jw_null(w);
    return;
  }
  jw_pre_value(w);
  memcpy(jw_room(w, k), buf, k);
  w->len += k;
}

/* ---- exact times ---- */
/* "1795335939.294211000", "-0.000219000": seconds with exactly nine
 * decimals, as tshark prints frame.time_epoch and relative times. */
static size_t fmt_seconds(int64_t sec, int32_t nsec, char *buf) {
  /* the value is sec + nsec/1e9: 0 <= nsec < 1e9 first, then its sign and
   * magnitude (no 128-bit arithmetic: 32-bit targets have none) */
  if (nsec < 0 || nsec >= 1000000000) {
    int64_t carry = nsec / 1000000000;
    nsec %= 1000000000;
    if (nsec < 0) {
      nsec += 1000000000;
      carry--;
    }
    sec = carry > 0 && sec > INT64_MAX - carry   ? INT64_MAX
          : carry < 0 && sec < INT64_MIN - carry ? INT64_MIN
                                                 : sec + carry;
  }
  bool neg = sec < 0;
  uint64_t s, ns;
  if (!neg) {
    s = (uint64_t)sec;
    ns = (uint64_t)nsec;
  } else if (nsec == 0) {
    s = (uint64_t)0 - (uint64_t)sec;
    ns = 0;
  } else { /* -(|sec| - nsec/1e9) = -((|sec| - 1) + (1e9 - nsec)/1e9) */
    s = (uint64_t)0 - (uint64_t)sec - 1;
    ns = 1000000000u - (uint64_t)nsec;
  }
  char t[32], *e = t + sizeof t, *q = e;
  for (int i = 0; i < 9; i++, ns /= 10)
    *--q = (char)('0' + ns % 10);
  *--q = '.';
  q = udec_back(q, s);
  if (neg)
    *--q = '-';
  size_t k = (size_t)(e - q);
  memcpy(buf, q, k);
  return k;
}

/* "2026-11-22T08:25:39.294211000Z": ISO 8601 in UTC with nine decimals, as
 * tshark -T ek prints absolute times (civil date from days since the epoch,
 * proleptic Gregorian calendar). */
/* v as exactly w decimal digits (v < 10^w), after o; the end. */
static char *put_digits(char *o, uint32_t v, int w) {
  for (int i = w - 1; i >= 0; i--) {
    o[i] = (char)('0' + v % 10);
    v /= 10;
  }
  return o + w;
}

static size_t fmt_iso(int64_t sec, int32_t nsec, char *buf) {
  if (nsec < 0 || nsec >= 1000000000) {
    sec += nsec / 1000000000;
    nsec %= 1000000000;
    if (nsec < 0) {
      nsec += 1000000000;
      sec--;
    }
  }
  dx_civil c;
  dx_civil_utc(sec, &c);
  if (c.year >= 0 && c.year <= 9999) {
    /* the common case by hand: snprintf cost more than the rest of a
     * small packet's -T ek document */
    char *o = buf;
    o = put_digits(o, (uint32_t)c.year, 4);
    *o++ = '-';
    o = put_digits(o, (uint32_t)c.month, 2);
    *o++ = '-';
    o = put_digits(o, (uint32_t)c.day, 2);
    *o++ = 'T';
    o = put_digits(o, (uint32_t)c.hour, 2);
    *o++ = ':';
    o = put_digits(o, (uint32_t)c.min, 2);
    *o++ = ':';
    o = put_digits(o, (uint32_t)c.sec, 2);
    *o++ = '.';
    o = put_digits(o, (uint32_t)nsec, 9);
    *o++ = 'Z';
    *o = 0;
    return (size_t)(o - buf);
  }
  int k = snprintf(buf, 64, "%04" PRId64 "-%02d-%02dT%02d:%02d:%02d.%09dZ", c.year, c.month, c.day,
                   c.hour, c.min, c.sec, (int)nsec);
  return k > 0 && k < 64 ? (size_t)k : 0;
}

/* ======================================================================
 * Values (shared by the three forms)
 * ====================================================================== */
/* The typed value of a node that has one (not NONE or PROTOCOL).
 * iso_times: every absolute time as an ISO 8601 date (ek); otherwise only
 * those the field shows as a date, the others as epoch seconds. cap: the
 * most bytes of a byte string written (0: no limit). */
static void emit_typed_value(jw *w, const dx_node *n, bool iso_times, size_t cap) {
  const dx_field *f = n->field;
  char buf[96];
  switch (f->type) {
  case DX_FT_NONE:
  case DX_FT_PROTOCOL: jw_null(w); return;
  case DX_FT_BOOL: jw_bool(w, n->v.u != 0); return;
  case DX_FT_UINT8:
  case DX_FT_UINT16:
  case DX_FT_UINT24:
  case DX_FT_UINT32:
  case DX_FT_UINT64:
  case DX_FT_FRAMENUM: jw_u64(w, n->v.u); return;
  case DX_FT_INT32:
  case DX_FT_INT64: jw_i64(w, n->v.i); return;
  case DX_FT_DOUBLE: jw_dbl(w, n->v.d); return;
  case DX_FT_ABSTIME:
    if (iso_times || f->base == DX_BASE_UTC || f->base == DX_BASE_LOCAL) {
      size_t k = fmt_iso(n->v.t.sec, n->v.t.nsec, buf);
      jw_safe_str(w, buf, k);
      return;
    }
    jw_safe_str(w, buf, fmt_seconds(n->v.t.sec, n->v.t.nsec, buf));
    return;
  case DX_FT_RELTIME: jw_safe_str(w, buf, fmt_seconds(n->v.t.sec, n->v.t.nsec, buf)); return;
  case DX_FT_STRING: jw_str(w, n->v.b.p ? (const char *)n->v.b.p : "", n->v.b.len); return;
  case DX_FT_BYTES: {
    size_t len = n->v.b.p ? n->v.b.len : 0;
    jw_hex(w, n->v.b.p, cap && len > cap ? cap : len);
    return;
  }
  case DX_FT_IPV4: {
    uint32_t a = (uint32_t)n->v.u;
    char *o = buf;
    for (int sh = 24; sh >= 0; sh -= 8) {
      unsigned v = (a >> sh) & 0xff;
      if (sh != 24)
        *o++ = '.';
      if (v >= 100)
        *o++ = (char)('0' + v / 100);
      if (v >= 10)
        *o++ = (char)('0' + v / 10 % 10);
      *o++ = (char)('0' + v % 10);
    }
    jw_safe_str(w, buf, (size_t)(o - buf));
    return;
  }
  case DX_FT_IPV6:
    if (n->v.b.p && n->v.b.len == 16) { /* as inet_ntop() writes it (core/packet.c) */
      dx_addr a;
      dx_addr_set(&a, DX_AT_IPV6, n->v.b.p);
      size_t k = dx_addr_format(&a, buf, sizeof buf);
      jw_safe_str(w, buf, k < sizeof buf ? k : sizeof buf - 1);
    } else {
      jw_safe_str(w, "", 0);
    }
    return;
  case DX_FT_ETHER:
    if (n->v.b.p && n->v.b.len == 6) {
      for (int i = 0; i < 6; i++) {
        memcpy(buf + 3 * i, hex_pairs + 2 * n->v.b.p[i], 2);
        buf[3 * i + 2] = ':';
      }
      jw_safe_str(w, buf, 17);
    } else {
      jw_safe_str(w, "", 0);
    }
    return;
  }
  jw_null(w);
}

/* The label line of a node as a JSON string (labels are escaped for a
 * terminal already; JSON escaping comes on top). Only labels longer than
 * JSON_LABEL need an allocation. */
static void emit_label(jw *w, const dx_node *n) {
  char label[JSON_LABEL];
  size_t ll = dx_node_label(n, label, sizeof label);
  if (ll < sizeof label) {
    jw_str(w, label, ll);
    return;
  }
  char *big = malloc(ll + 1);
  if (!big) {
    jw_str(w, label, sizeof label - 1);
    return;
  }
  dx_node_label(n, big, ll + 1);
  jw_str(w, big, strlen(big));
  free(big);
}

/* The name of an enumerated value written beside it (keyinfo names): the
 * value names of integers ("UDP" for an ip.proto of 17). Booleans are
 * true or false, without the names of their states (the labels of -T
 * jsontree show those). */
#define enum_name(k, n) ((k)->names ? dx_node_value_name(n) : NULL)

static inline bool has_visible_child(const dx_node *n) {
  for (const dx_node *c = n->first_child; c; c = c->next)
    if (!(c->flags & DX_NODE_HIDDEN))
      return true;
  return false;
}

/* Wireshark's expert severity numbers (epan/proto.h PI_*) and names. */
static uint32_t ws_severity(int sev) {
  switch (sev) {
  case DX_SEV_CHAT: return 0x00200000;
  case DX_SEV_NOTE: return 0x00400000;
  case DX_SEV_WARN: return 0x00600000;
  case DX_SEV_ERROR: return 0x00800000;
  default: return 0x00100000;
  }
}
static const char *ws_severity_name(int sev) {
  switch (sev) {
  case DX_SEV_CHAT: return "Chat";
  case DX_SEV_NOTE: return "Note";
  case DX_SEV_WARN: return "Warning";
  case DX_SEV_ERROR: return "Error";
  default: return "Comment";
  }
}

/* ======================================================================
 * The writer: buffer, key ids and grouping scratch
 * ====================================================================== */
#define KEY_EXPERT 0u /* the id of "_ws.expert" (expert notes) */
#define NO_NEXT UINT32_MAX

typedef struct keyinfo {
  const char *name;
  uint32_t len;
  uint32_t ek_prefix; /* length of the ek prefix (before the first '.'), 0 for protocols */
  bool safe;          /* no byte of name needs escaping */
  bool names;         /* enum_name() may give a name (of the first field of this name) */
  uint32_t raw_mark;  /* -x: the object in which a field named NAME_raw keeps that key */
  char *ek;           /* -T ek: the key as written (ek_key_text), or NULL to make it each time */
  uint32_t ek_len;
} keyinfo;

struct dx_json_writer {
  jw w;
  dx_json_form form;
  unsigned flags;
  bool oneshot; /* dx_write_json_form: tables start small */
  uint64_t count;
  bool oom;
  bool raw;             /* DX_JSON_RAW (-x): NAME_raw members */
  uint32_t robj;        /* -x: the number of the last object written (keyinfo raw_mark) */
  const dx_packet *pkt; /* the packet being written (its data sources) */
  /* field pointer -> key id, and key name -> key id (two fields of the
   * same name share a key) */
  struct pslot {
    const dx_field *f;
    uint32_t id;
  } * pmap;
  struct nslot {
    const char *name;
    uint32_t id;
  } * nmap;
  uint32_t pmask, pn, nmask, nn;
  keyinfo *keys;
  uint32_t nkeys, keycap;
  uint32_t *stamp, *tail; /* per key id, while grouping one object */
  uint32_t gen;
  /* the nodes of the objects being written, a stack (indices stay valid
   * when it grows) */
  const dx_node **sn;
  uint32_t *snext;
  uint8_t *shead;
  uint32_t scap, stop;
  /* -j/-J (dx_json_writer_set_filter): the names whose children are
   * written; jf_on while a level is filtered (a -J name turns it off below
   * itself) */
  const char *const *jf_names;
  size_t jf_n;
  bool jf_children, jf_on;
  char own[]; /* the buffer */
};

static uint32_t hash_ptr(const void *p) {
  uint64_t x = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ull;
  return (uint32_t)(x >> 32);
}
static uint32_t hash_strn(const char *s, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n && s[i]; i++)
    h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}
static uint32_t hash_str(const char *s) {
  return hash_strn(s, SIZE_MAX);
}

static bool name_safe(const char *s) {
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f || *s == '"' || *s == '\\')
      return false;
  return true;
}

/* -T ek: the key of k as ek writes it (at most ek_key_len(k) bytes, no
 * quotes): the protocol prefix, '_' and the name, the characters outside
 * [A-Za-z0-9_-] as '_'. Its length. */
static size_t ek_key_len(const keyinfo *k) {
  return 2 * (size_t)(k->len > 1024 ? 1024 : k->len) + 1;
}
static size_t ek_key_text(const keyinfo *k, char *out) {
  size_t pl = k->ek_prefix, nl = k->len > 1024 ? 1024 : k->len;
  if (pl > nl)
    pl = nl;
  char *o = out;
  const char *parts[2] = {k->name, k->name};
  size_t lens[2] = {pl, nl};
  for (int p = pl ? 0 : 1; p < 2; p++) {
    for (size_t i = 0; i < lens[p]; i++) {
      char c = parts[p][i];
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_';
      *o++ = ok ? c : '_';
    }
    if (p == 0)
      *o++ = '_';
  }
  return (size_t)(o - out);
}

static bool keys_grow(dx_json_writer *x) {
  uint32_t nc = x->keycap ? 2 * x->keycap : x->oneshot ? ONESHOT_KEYS : 256;
  keyinfo *k = realloc(x->keys, nc * sizeof *k);
  if (!k)
    return false;
  x->keys = k;
  uint32_t *s = realloc(x->stamp, nc * sizeof *s);
  if (!s)
    return false;
  x->stamp = s;
  memset(s + x->keycap, 0, (nc - x->keycap) * sizeof *s);
  uint32_t *t = realloc(x->tail, nc * sizeof *t);
  if (!t)
    return false;
  x->tail = t;
  x->keycap = nc;
  return true;
}

static uint32_t new_key(dx_json_writer *x, const char *name, const dx_field *f) {
  if (x->nkeys == x->keycap && !keys_grow(x))
    return UINT32_MAX;
  keyinfo *k = &x->keys[x->nkeys];
  k->name = name;
  k->len = (uint32_t)strlen(name);
  const char *dot = strchr(name, '.');
  k->ek_prefix = f && f->type == DX_FT_PROTOCOL ? 0 : dot ? (uint32_t)(dot - name) : k->len;
  k->safe = name_safe(name);
  k->names =
      f && f->vals && f->type != DX_FT_NONE && f->type != DX_FT_PROTOCOL && f->type != DX_FT_BOOL;
  k->raw_mark = 0;
  k->ek = NULL;
  k->ek_len = 0;
  if (x->form == DX_JSON_EK && !x->oneshot) { /* written for every packet: made once */
    size_t n = ek_key_len(k);
    if ((k->ek = malloc(n)) != NULL)
      k->ek_len = (uint32_t)ek_key_text(k, k->ek);
  }
  return x->nkeys++;
}

static bool map_init(dx_json_writer *x) {
  x->pmask = x->nmask = x->oneshot ? ONESHOT_MAP - 1 : 2047;
  x->pmap = calloc(x->pmask + 1, sizeof *x->pmap);
  x->nmap = calloc(x->nmask + 1, sizeof *x->nmap);
  if (!x->pmap || !x->nmap)
    return false;
  /* id 0: the expert notes' "_ws.expert" */
  if (new_key(x, "_ws.expert", NULL) != KEY_EXPERT)
    return false;
  x->nmap[hash_str("_ws.expert") & x->nmask] = (struct nslot){"_ws.expert", KEY_EXPERT};
  x->nn = 1;
  return true;
}

static bool pmap_grow(dx_json_writer *x) {
  uint32_t nm = 2 * x->pmask + 1;
  struct pslot *np = calloc(nm + 1, sizeof *np);
  if (!np)
    return false;
  for (uint32_t i = 0; i <= x->pmask; i++) {
    if (!x->pmap[i].f)
      continue;
    uint32_t h = hash_ptr(x->pmap[i].f) & nm;
    while (np[h].f)
      h = (h + 1) & nm;
    np[h] = x->pmap[i];
  }
  free(x->pmap);
  x->pmap = np;
  x->pmask = nm;
  return true;
}

static bool nmap_grow(dx_json_writer *x) {
  uint32_t nm = 2 * x->nmask + 1;
  struct nslot *np = calloc(nm + 1, sizeof *np);
  if (!np)
    return false;
  for (uint32_t i = 0; i <= x->nmask; i++) {
    if (!x->nmap[i].name)
      continue;
    uint32_t h = hash_str(x->nmap[i].name) & nm;
    while (np[h].name)
      h = (h + 1) & nm;
    np[h] = x->nmap[i];
  }
  free(x->nmap);
  x->nmap = np;
  x->nmask = nm;
  return true;
}

/* The key id of field f: one per distinct name. UINT32_MAX if memory ran
 * out. */
static uint32_t field_key_slow(dx_json_writer *x, const dx_field *f) {
  if (!x->pmap && !map_init(x))
    return UINT32_MAX;
  uint32_t h = hash_ptr(f) & x->pmask;
  while (x->pmap[h].f) {
    if (x->pmap[h].f == f)
      return x->pmap[h].id;
    h = (h + 1) & x->pmask;
  }
  /* first time this field is seen: by its name */
  const char *name = f->abbrev ? f->abbrev : "";
  uint32_t id = UINT32_MAX, g = hash_str(name) & x->nmask;
  while (x->nmap[g].name) {
    if (strcmp(x->nmap[g].name, name) == 0) {
      id = x->nmap[g].id;
      break;
    }
    g = (g + 1) & x->nmask;
  }
  if (id == UINT32_MAX) {
    id = new_key(x, name, f);
    if (id == UINT32_MAX)
      return UINT32_MAX;
    x->nmap[g] = (struct nslot){name, id};
    if (++x->nn * 2 > x->nmask && !nmap_grow(x))
      return UINT32_MAX;
  }
  h = hash_ptr(f) & x->pmask;
  while (x->pmap[h].f)
    h = (h + 1) & x->pmask;
  x->pmap[h] = (struct pslot){f, id};
  if (++x->pn * 2 > x->pmask && !pmap_grow(x))
    return UINT32_MAX;
  return id;
}

static inline uint32_t field_key(dx_json_writer *x, const dx_field *f) {
  if (x->pmap) {
    uint32_t h = hash_ptr(f) & x->pmask;
    if (x->pmap[h].f == f)
      return x->pmap[h].id;
  }
  return field_key_slow(x, f);
}

static inline uint32_t node_key(dx_json_writer *x, const dx_node *n) {
  return n->flags & DX_NODE_EXPERT ? KEY_EXPERT : field_key(x, n->field);
}

static bool scratch_grow(dx_json_writer *x) {
  uint32_t nc = x->scap ? 2 * x->scap : x->oneshot ? ONESHOT_NODES : 1024;
  const dx_node **sn = realloc((void *)x->sn, nc * sizeof *sn);
  if (!sn)
    return false;
  x->sn = sn;
  uint32_t *nx = realloc(x->snext, nc * sizeof *nx);
  if (!nx)
    return false;
  x->snext = nx;
  uint8_t *hd = realloc(x->shead, nc);
  if (!hd)
    return false;
  x->shead = hd;
  x->scap = nc;
  return true;
}

static inline bool scratch_push(dx_json_writer *x, const dx_node *n) {
  if (x->stop == x->scap && !scratch_grow(x)) {
    x->oom = true;
    return false;
  }
  x->sn[x->stop++] = n;
  return true;
}

/* Groups the nodes pushed since base by key: snext links the nodes of a
 * key in order, shead marks the first of each. False if memory ran out. */
static bool group(dx_json_writer *x, uint32_t base) {
  if (++x->gen == 0) { /* the stamps wrapped: start them again */
    memset(x->stamp, 0, x->keycap * sizeof *x->stamp);
    x->gen = 1;
  }
  uint32_t g = x->gen;
  for (uint32_t i = base; i < x->stop; i++) {
    uint32_t id = node_key(x, x->sn[i]);
    if (id == UINT32_MAX) {
      x->oom = true;
      return false;
    }
    x->snext[i] = NO_NEXT;
    if (x->stamp[id] != g) {
      x->stamp[id] = g;
      x->shead[i] = 1;
    } else {
      x->snext[x->tail[id]] = i;
      x->shead[i] = 0;
    }
    x->tail[id] = i;
  }
  return true;
}

/* ======================================================================
 * -x: the bytes behind the nodes (DX_JSON_RAW), as tshark -x adds them
 * ====================================================================== */
/* Wireshark 4.0's ftenum number (epan/ftypes/ftypes.h) of a field's type:
 * what tshark -T json -x writes last in a NAME_raw array. Our types are
 * fewer than Wireshark's: a field Wireshark types FT_UINT48, FT_STRINGZ or
 * FT_UINT_BYTES is one of ours typed uint64, string or bytes, which give
 * FT_UINT64 11, FT_STRING 26 and FT_BYTES 30. */
static unsigned ws_ftenum(dx_ftype t) {
  switch (t) {
  case DX_FT_NONE: return 0;      /* FT_NONE */
  case DX_FT_PROTOCOL: return 1;  /* FT_PROTOCOL */
  case DX_FT_BOOL: return 2;      /* FT_BOOLEAN */
  case DX_FT_UINT8: return 4;     /* FT_UINT8 (3 is FT_CHAR) */
  case DX_FT_UINT16: return 5;    /* FT_UINT16 */
  case DX_FT_UINT24: return 6;    /* FT_UINT24 */
  case DX_FT_UINT32: return 7;    /* FT_UINT32 */
  case DX_FT_UINT64: return 11;   /* FT_UINT64 (8-10: FT_UINT40/48/56) */
  case DX_FT_INT32: return 15;    /* FT_INT32 (12-14: FT_INT8/16/24) */
  case DX_FT_INT64: return 19;    /* FT_INT64 */
  case DX_FT_DOUBLE: return 23;   /* FT_DOUBLE (20-22: the IEEE 11073 floats, FT_FLOAT) */
  case DX_FT_ABSTIME: return 24;  /* FT_ABSOLUTE_TIME */
  case DX_FT_RELTIME: return 25;  /* FT_RELATIVE_TIME */
  case DX_FT_STRING: return 26;   /* FT_STRING (27 FT_STRINGZ, 28 FT_UINT_STRING) */
  case DX_FT_ETHER: return 29;    /* FT_ETHER */
  case DX_FT_BYTES: return 30;    /* FT_BYTES (31 FT_UINT_BYTES) */
  case DX_FT_IPV4: return 32;     /* FT_IPv4 */
  case DX_FT_IPV6: return 33;     /* FT_IPv6 */
  case DX_FT_FRAMENUM: return 35; /* FT_FRAMENUM */
  }
  return 0;
}

/* Whether a node gets a NAME_raw: tshark writes one for every node of a
 * length above zero but its text-only items (which are ours with a field
 * name) and expert notes (whose items have no bytes in Wireshark). */
static inline bool raw_node(const dx_node *n) {
  return n->length > 0 && !(n->flags & DX_NODE_EXPERT);
}

/* The hex of a node's bytes, as tshark -x writes it: for a field with a
 * bitmask its value in upper-case hex without leading zeros ("%X": the
 * value masked and shifted, 1 for a set flag), otherwise the lower-case
 * hex digits of its bytes in its data source (those present: a node cut
 * short by the capture has fewer). */
static void raw_hex(dx_json_writer *x, const dx_node *n) {
  const dx_field *f = n->field;
  if (f->bitmask) {
    uint64_t v = n->v.u;
    bool num = true;
    switch (f->type) {
    case DX_FT_BOOL:
    case DX_FT_UINT8:
    case DX_FT_UINT16:
    case DX_FT_UINT24:
    case DX_FT_UINT32:
    case DX_FT_UINT64:
    case DX_FT_FRAMENUM:
    case DX_FT_INT64: break;
    case DX_FT_INT32: v = (uint32_t)n->v.i; break;
    default: num = false; break;
    }
    if (num) {
      char b[24];
      int k = snprintf(b, sizeof b, "%" PRIX64, v);
      jw_safe_str(&x->w, b, k > 0 ? (size_t)k : 0);
      return;
    }
  }
  const dx_packet *p = x->pkt;
  const uint8_t *d = NULL;
  size_t len = 0;
  if (p && n->src < p->nsources && p->sources[n->src].data) {
    const dx_source *s = &p->sources[n->src];
    if (n->offset < s->len) {
      d = s->data + n->offset;
      len = s->len - n->offset < n->length ? s->len - n->offset : n->length;
    }
  }
  jw_hex(&x->w, d, len);
}

/* -T json: ["hex", offset, length, bitmask, type] */
static void raw_array(dx_json_writer *x, const dx_node *n) {
  jw *w = &x->w;
  jw_open(w, '[');
  raw_hex(x, n);
  jw_u64(w, n->offset);
  jw_u64(w, n->length);
  jw_u64(w, n->field->bitmask);
  jw_u64(w, ws_ftenum(n->field->type));
  jw_close(w, ']');
}

/* The key id of the field named by the first n bytes of s, if the writer
 * has one; UINT32_MAX if not. */
static uint32_t key_by_name(const dx_json_writer *x, const char *s, size_t n) {
  if (!x->nmap)
    return UINT32_MAX;
  for (uint32_t g = hash_strn(s, n) & x->nmask; x->nmap[g].name; g = (g + 1) & x->nmask)
    if (strncmp(x->nmap[g].name, s, n) == 0 && x->nmap[g].name[n] == 0)
      return x->nmap[g].id;
  return UINT32_MAX;
}

/* -x, before the keys of one object (grouped from scratch index base) are
 * written: a number for the object, and on the key of each field NAME
 * whose NAME_raw is the name of another field of the object (tcp.seq and
 * tcp.seq_raw) that number, so that NAME_raw stays that field's (keys
 * are never written twice). */
static uint32_t raw_object(dx_json_writer *x, uint32_t base) {
  if (!x->raw)
    return 0;
  if (++x->robj == 0) { /* wrapped: no key may keep an old mark */
    for (uint32_t i = 0; i < x->nkeys; i++)
      x->keys[i].raw_mark = 0;
    x->robj = 1;
  }
  for (uint32_t i = base; i < x->stop; i++) {
    if (!x->shead[i] || (x->sn[i]->flags & DX_NODE_EXPERT))
      continue;
    uint32_t id = field_key(x, x->sn[i]->field);
    if (id == UINT32_MAX)
      continue;
    const keyinfo *k = &x->keys[id];
    if (k->len > 4 && memcmp(k->name + k->len - 4, "_raw", 4) == 0) {
      uint32_t b = key_by_name(x, k->name, k->len - 4);
      if (b != UINT32_MAX)
        x->keys[b].raw_mark = x->robj;
    }
  }
  return x->robj;
}

/* Whether the key of the nodes linked from scratch index i gets a
 * NAME_raw in object obj: tshark decides by the first node. */
static inline bool raw_group(const dx_json_writer *x, uint32_t i, uint32_t id, uint32_t obj) {
  return x->raw && id != KEY_EXPERT && raw_node(x->sn[i]) && x->keys[id].raw_mark != obj;
}

/* ======================================================================
 * DX_JSON_PACKETS: compact and typed
 *
 * {"layers": {"frame": {...}, "eth": {...}, ...}} per packet. In an
 * object, each field is keyed by its name; a field with a value and
 * children has "NAME": value and "NAME_tree": {children}; a field without
 * a value (a subtree, a protocol) has "NAME": {children}, or its label if
 * it has none; an enumerated value's name is "NAME#name" ('#' is never in
 * a field name); expert notes are "_ws.expert": {"FIELD": ...,
 * "_ws.expert.message", "_ws.expert.severity", "_ws.expert.group"}. A key
 * that occurs more than once holds an array of its values in order (the
 * "#name" and "_tree" arrays line up with it, null where an occurrence has
 * no name or no children).
 * ====================================================================== */
static void cj_object(dx_json_writer *x, const dx_node *n, int depth);

/* -j/-J: whether the children of a node named `name` are written (always
 * when no filter is on). */
static bool jf_open(const dx_json_writer *x, const char *name) {
  if (!x->jf_on)
    return true;
  for (size_t i = 0; i < x->jf_n; i++)
    if (strcmp(x->jf_names[i], name) == 0)
      return true;
  return false;
}

/* What tshark writes for children it filters: {"filtered": "NAME"}. */
static void jf_filtered(dx_json_writer *x, const char *name) {
  jw_open(&x->w, '{');
  JW_KEY(&x->w, "filtered");
  jw_str(&x->w, name, strlen(name));
  jw_close(&x->w, '}');
}

/* Enters a named node's children: with -J the filter is off below it.
 * Returns the state to give back to jf_leave(). */
static bool jf_enter(dx_json_writer *x) {
  bool was = x->jf_on;
  if (x->jf_children)
    x->jf_on = false;
  return was;
}
static void jf_leave(dx_json_writer *x, bool was) {
  x->jf_on = was;
}

/* n's children as an object, or {"filtered": NAME} when -j/-J filters
 * them. */
static void cj_children(dx_json_writer *x, const dx_node *n, int depth) {
  if (!jf_open(x, n->field->abbrev)) {
    jf_filtered(x, n->field->abbrev);
    return;
  }
  bool was = jf_enter(x);
  cj_object(x, n, depth);
  jf_leave(x, was);
}

static void cj_key(dx_json_writer *x, const keyinfo *k, const char *sfx, size_t sn) {
  if (k->safe) {
    jw_key2(&x->w, k->name, k->len, sfx, sn);
    return;
  }
  /* a name that needs escaping (not one of ours): written as a string */
  char tmp[512];
  size_t n = (size_t)snprintf(tmp, sizeof tmp, "%s%s", k->name, sfx);
  if (n >= sizeof tmp)
    n = sizeof tmp - 1;
  jw_str(&x->w, tmp, n);
  x->w.after_key = false;
  jw_ch(&x->w, ':');
  if (x->w.pretty)
    jw_ch(&x->w, ' ');
  x->w.after_key = true;
}

/* An expert note's _ws.expert.message/severity/group members (with their
 * names): the hidden children the session made, or the note's label and
 * severity. ek keys them as tshark's -T ek does. */
static void expert_fields(jw *w, const dx_node *n, bool ek) {
  const char *pfx = ek ? "_ws_expert__ws_expert_" : "_ws.expert.";
  size_t pl = strlen(pfx);
  const dx_node *msg = NULL, *grp = NULL;
  for (const dx_node *c = n->first_child; c; c = c->next) {
    const char *a = c->field->abbrev;
    if (!(c->flags & DX_NODE_HIDDEN) || strncmp(a, "_ws.expert.", 11) != 0)
      continue;
    if (strcmp(a + 11, "message") == 0)
      msg = c;
    else if (strcmp(a + 11, "group") == 0)
      grp = c;
  }
#define EXPERT_KEY(name) jw_key2(w, pfx, pl, name, sizeof(name) - 1)
  EXPERT_KEY("message");
  if (msg)
    emit_typed_value(w, msg, ek, 0);
  else
    emit_label(w, n);
  EXPERT_KEY("severity");
  jw_u64(w, ws_severity(n->severity));
  EXPERT_KEY("severity#name");
  const char *sv = ws_severity_name(n->severity);
  jw_safe_str(w, sv, strlen(sv));
  if (grp) {
    EXPERT_KEY("group");
    jw_u64(w, grp->v.u);
    const char *g = dx_node_value_name(grp);
    if (g) {
      EXPERT_KEY("group#name");
      jw_str(w, g, strlen(g));
    }
  }
#undef EXPERT_KEY
}

/* An expert note: its own field (its value; its label, the message, for
 * a note without one, as any field without a value), its visible
 * children, and what tshark writes under _ws.expert. */
static void cj_expert(dx_json_writer *x, const dx_node *n, int depth) {
  jw *w = &x->w;
  jw_open(w, '{');
  uint32_t id = field_key(x, n->field);
  if (id != UINT32_MAX && id != KEY_EXPERT) {
    cj_key(x, &x->keys[id], "", 0);
    if (n->field->type == DX_FT_NONE || n->field->type == DX_FT_PROTOCOL)
      emit_label(w, n);
    else
      emit_typed_value(w, n, false, 0);
  }
  if (has_visible_child(n) && depth < NODE_DEPTH_MAX) {
    /* members of this object, after the note's own field */
    cj_object(x, n, -(depth + 1));
  }
  /* the hidden _ws.expert.* children, when the session made them */
  expert_fields(w, n, false);
  jw_close(w, '}');
}

/* The value of one occurrence: typed, or for a node without a value its
 * children as an object (or its label, or {} for an empty protocol). */
static void cj_value(dx_json_writer *x, const dx_node *n, int depth) {
  const dx_field *f = n->field;
  if (f->type != DX_FT_NONE && f->type != DX_FT_PROTOCOL) {
    emit_typed_value(&x->w, n, false, 0);
    return;
  }
  if (has_visible_child(n) && depth < NODE_DEPTH_MAX) {
    cj_children(x, n, depth + 1);
    return;
  }
  if (f->type == DX_FT_NONE) {
    emit_label(&x->w, n);
    return;
  }
  jw_open(&x->w, '{');
  jw_close(&x->w, '}');
}

/* -x: the "_raw" member of key k for the nodes linked from scratch index i:
 * `one` writes a node's value (an array of them for more than one node). */
static void raw_member(dx_json_writer *x, const keyinfo *k, uint32_t i, uint32_t cnt,
                       void (*key)(dx_json_writer *, const keyinfo *, const char *, size_t),
                       void (*one)(dx_json_writer *, const dx_node *)) {
  key(x, k, "_raw", 4);
  if (cnt > 1)
    jw_open(&x->w, '[');
  for (uint32_t j = i; j != NO_NEXT; j = x->snext[j])
    one(x, x->sn[j]);
  if (cnt > 1)
    jw_close(&x->w, ']');
}

/* -x: "NAME_raw" (tshark -T json -x: [hex, offset, length, bitmask, type]). */
static void cj_raw(dx_json_writer *x, const keyinfo *k, uint32_t i, uint32_t cnt) {
  raw_member(x, k, i, cnt, cj_key, raw_array);
}

/* One key of an object: the nodes linked from scratch index i (obj: the
 * object's number for -x, raw_object()). */
static void cj_group(dx_json_writer *x, uint32_t i, int depth, uint32_t obj) {
  jw *w = &x->w;
  const dx_node *n = x->sn[i];
  uint32_t cnt = 0;
  for (uint32_t j = i; j != NO_NEXT; j = x->snext[j])
    cnt++;
  if (n->flags & DX_NODE_EXPERT) {
    JW_KEY(w, "_ws.expert");
    if (cnt > 1)
      jw_open(w, '[');
    for (uint32_t j = i; j != NO_NEXT; j = x->snext[j]) {
      const dx_node *c = x->sn[j];
      if (!jf_open(x, "_ws.expert")) { /* tshark's Expert Info item */
        jf_filtered(x, "_ws.expert");
      } else if (c->flags & DX_NODE_EXPERT) {
        bool was = jf_enter(x);
        cj_expert(x, c, depth);
        jf_leave(x, was);
      } else {
        cj_value(x, c, depth);
      }
    }
    if (cnt > 1)
      jw_close(w, ']');
    return;
  }
  uint32_t id = field_key(x, n->field);
  const keyinfo *k = &x->keys[id];
  if (raw_group(x, i, id, obj))
    cj_raw(x, k, i, cnt);
  cj_key(x, k, "", 0);
  if (cnt == 1) { /* the usual case */
    cj_value(x, n, depth);
    if (n->field->type == DX_FT_NONE || n->field->type == DX_FT_PROTOCOL)
      return;
    const char *s = enum_name(k, n);
    if (s) {
      cj_key(x, k, "#name", 5);
      jw_str(w, s, strlen(s));
    }
    if (depth < NODE_DEPTH_MAX && has_visible_child(n)) {
      cj_key(x, k, "_tree", 5);
      cj_children(x, n, depth + 1);
    }
    return;
  }
  jw_open(w, '[');
  bool named = false, trees = false;
  for (uint32_t j = i; j != NO_NEXT; j = x->snext[j]) {
    const dx_node *c = x->sn[j];
    cj_value(x, c, depth);
    if (c->field->type != DX_FT_NONE && c->field->type != DX_FT_PROTOCOL) {
      named = named || enum_name(k, c);
      trees = trees || has_visible_child(c);
    }
  }
  jw_close(w, ']');
  if (named) {
    cj_key(x, k, "#name", 5);
    jw_open(w, '[');
    for (uint32_t j = i; j != NO_NEXT; j = x->snext[j]) {
      const dx_node *c = x->sn[j];
      const char *s =
          c->field->type != DX_FT_NONE && c->field->type != DX_FT_PROTOCOL ? enum_name(k, c) : NULL;
      if (s)
        jw_str(w, s, strlen(s));
      else
        jw_null(w);
    }
    jw_close(w, ']');
  }
  if (trees && depth < NODE_DEPTH_MAX) {
    cj_key(x, k, "_tree", 5);
    jw_open(w, '[');
    for (uint32_t j = i; j != NO_NEXT; j = x->snext[j]) {
      const dx_node *c = x->sn[j];
      if (c->field->type != DX_FT_NONE && c->field->type != DX_FT_PROTOCOL && has_visible_child(c))
        cj_children(x, c, depth + 1);
      else
        jw_null(w);
    }
    jw_close(w, ']');
  }
}

/* The visible children of n as an object, one key per name. A negative
 * depth writes the members only, into an object already open (an expert
 * note's). */
static void cj_object(dx_json_writer *x, const dx_node *n, int depth) {
  bool open = depth >= 0;
  if (!open)
    depth = -depth;
  if (open)
    jw_open(&x->w, '{');
  uint32_t base = x->stop;
  for (const dx_node *c = n->first_child; c; c = c->next)
    if (!(c->flags & DX_NODE_HIDDEN) && !scratch_push(x, c))
      break;
  if (!x->oom && group(x, base)) {
    uint32_t obj = raw_object(x, base);
    for (uint32_t i = base; i < x->stop; i++)
      if (x->shead[i])
        cj_group(x, i, depth, obj);
  }
  x->stop = base;
  if (open)
    jw_close(&x->w, '}');
}

static void cj_packet(dx_json_writer *x, const dx_packet *p) {
  jw *w = &x->w;
  x->pkt = p;
  jw_open(w, '{');
  JW_KEY(w, "layers");
  cj_object(x, &p->root, 0);
  jw_close(w, '}');
}

/* ======================================================================
 * DX_JSON_EK: Elasticsearch/OpenSearch bulk
 *
 * {"index":{"_index":"packets-YYYY-MM-DD"}}
 * {"timestamp":"2026-11-22T08:25:39.294211000Z","layers":{"ip":{"ip_ip_src":"127.0.0.1",...}}}
 * As tshark -T ek: each layer is flat, its fields keyed by the name of the
 * protocol that defines them (the name up to its first '.'), '_' and the
 * field name with its dots as '_' (ip_ip_src); a key that occurs more
 * than once holds an array. Protocols inside a layer are objects of their
 * own; expert notes are "_ws_expert" objects. Absolute times are ISO 8601
 * dates with nine decimals (date_nanos); the rest as in DX_JSON_PACKETS.
 * ====================================================================== */
static void ek_layer(dx_json_writer *x, const dx_node *layer, int depth);

/* The ek key of key k (plus a suffix), straight into the buffer: the
 * characters outside [A-Za-z0-9_#-] become '_'. */
static void ek_key(dx_json_writer *x, const keyinfo *k, const char *sfx, size_t sn) {
  jw *w = &x->w;
  jw_pre_value(w);
  size_t kl = k->ek ? k->ek_len : ek_key_len(k);
  char *o = jw_room(w, kl + sn + 6), *o0 = o;
  *o++ = '"';
  if (k->ek) {
    memcpy(o, k->ek, kl);
    o += kl;
  } else {
    o += ek_key_text(k, o);
  }
  memcpy(o, sfx, sn);
  o += sn;
  *o++ = '"';
  *o++ = ':';
  w->len += (size_t)(o - o0);
  w->after_key = true;
}

static void ek_collect(dx_json_writer *x, const dx_node *n, int depth);

/* -x: "KEY_raw" for the nodes linked from scratch index i: the hex of
 * each (an array for more than one node), as tshark -T ek -x. */
static void ek_raw(dx_json_writer *x, const keyinfo *k, uint32_t i, uint32_t cnt) {
  raw_member(x, k, i, cnt, ek_key, raw_hex);
}

/* Pushes node c of a flat layer: c itself unless it is a subtree without
 * a value, then its descendants (a protocol or an expert note is pushed
 * whole, the note's children after it). */
static void ek_collect_one(dx_json_writer *x, const dx_node *c, int depth) {
  const dx_ftype t = c->field->type;
  bool kids = depth < NODE_DEPTH_MAX && has_visible_child(c);
  if (t == DX_FT_PROTOCOL && !(c->flags & DX_NODE_EXPERT)) {
    scratch_push(x, c);
    return;
  }
  /* -j/-J: the descendants of a node only when it is named (a subtree
   * without a value then stands as {"filtered": NAME}), as tshark */
  bool open = (c->flags & DX_NODE_EXPERT) || !kids || jf_open(x, c->field->abbrev);
  if (!(t == DX_FT_NONE && kids && !(c->flags & DX_NODE_EXPERT) && open) && !scratch_push(x, c))
    return;
  if (kids && open) {
    bool was = (c->flags & DX_NODE_EXPERT) ? x->jf_on : jf_enter(x);
    ek_collect(x, c, depth + 1);
    jf_leave(x, was);
  }
}

/* Pushes the nodes of a flat layer: every visible descendant of n. */
static void ek_collect(dx_json_writer *x, const dx_node *n, int depth) {
  for (const dx_node *c = n->first_child; c && !x->oom; c = c->next)
    if (!(c->flags & DX_NODE_HIDDEN))
      ek_collect_one(x, c, depth);
}

/* An expert note under -j/-J with _ws.expert named: tshark then filters
 * each member not named itself. */
static void ek_expert_filtered(dx_json_writer *x, const dx_node *n) {
  static const char *const members[] = {"_ws.expert.message", "_ws.expert.severity",
                                        "_ws.expert.group"};
  jw *w = &x->w;
  jw_open(w, '{');
  uint32_t id = field_key(x, n->field);
  if (id != UINT32_MAX && id != KEY_EXPERT) {
    ek_key(x, &x->keys[id], "", 0);
    if (!jf_open(x, n->field->abbrev))
      jf_filtered(x, n->field->abbrev);
    else if (n->field->type == DX_FT_NONE || n->field->type == DX_FT_PROTOCOL)
      emit_label(w, n);
    else
      emit_typed_value(w, n, true, 0);
  }
  bool any = false;
  for (size_t i = 0; i < DX_ARRAY_LEN(members); i++)
    any = any || jf_open(x, members[i]);
  if (any) { /* a member named: the members as they are */
    expert_fields(w, n, true);
  } else {
    for (size_t i = 0; i < DX_ARRAY_LEN(members); i++) {
      jw_key2(w, "_ws_expert__ws_expert_", 22, members[i] + 11, strlen(members[i] + 11));
      jf_filtered(x, members[i]);
    }
  }
  jw_close(w, '}');
}

static void ek_expert(dx_json_writer *x, const dx_node *n) {
  if (x->jf_on) {
    ek_expert_filtered(x, n);
    return;
  }
  jw *w = &x->w;
  jw_open(w, '{');
  uint32_t id = field_key(x, n->field);
  if (id != UINT32_MAX && id != KEY_EXPERT) {
    ek_key(x, &x->keys[id], "", 0);
    if (n->field->type == DX_FT_NONE || n->field->type == DX_FT_PROTOCOL)
      emit_label(w, n);
    else
      emit_typed_value(w, n, true, 0);
  }
  expert_fields(w, n, true);
  jw_close(w, '}');
}

/* One value of a flat layer; false if -j/-J filtered it (it then has no
 * "#name"). */
static bool ek_value(dx_json_writer *x, const dx_node *n, int depth) {
  const char *name = (n->flags & DX_NODE_EXPERT) ? "_ws.expert" : n->field->abbrev;
  if (!jf_open(x, name)) {
    jf_filtered(x, name);
    return false;
  }
  if (n->flags & DX_NODE_EXPERT) {
    ek_expert(x, n);
    return true;
  }
  switch (n->field->type) {
  case DX_FT_PROTOCOL: {
    bool was = jf_enter(x);
    ek_layer(x, n, depth + 1);
    jf_leave(x, was);
    return true;
  }
  case DX_FT_NONE: emit_label(&x->w, n); return true;
  default: emit_typed_value(&x->w, n, true, 0); return true;
  }
}

/* One flat object: a layer, or a protocol inside one (its descendants);
 * with self, a node at the top of the tree that is not a protocol (the
 * node as a layer of its own: tcp.segments). */
static void ek_layer_self(dx_json_writer *x, const dx_node *layer, int depth, bool self) {
  jw *w = &x->w;
  jw_open(w, '{');
  uint32_t base = x->stop;
  if (self)
    ek_collect_one(x, layer, depth);
  else if (depth < NODE_DEPTH_MAX)
    ek_collect(x, layer, depth);
  if (!x->oom && group(x, base)) {
    uint32_t obj = raw_object(x, base);
    for (uint32_t i = base; i < x->stop; i++) {
      if (!x->shead[i])
        continue;
      const dx_node *n = x->sn[i];
      uint32_t cnt = 0;
      for (uint32_t j = i; j != NO_NEXT; j = x->snext[j])
        cnt++;
      uint32_t id = node_key(x, n);
      const keyinfo *k = &x->keys[id];
      if (raw_group(x, i, id, obj))
        ek_raw(x, k, i, cnt);
      if (id == KEY_EXPERT)
        JW_KEY(w, "_ws_expert");
      else
        ek_key(x, k, "", 0);
      if (cnt > 1)
        jw_open(w, '[');
      bool named = false;
      for (uint32_t j = i; j != NO_NEXT; j = x->snext[j]) {
        const dx_node *c = x->sn[j];
        if (ek_value(x, c, depth) && !(c->flags & DX_NODE_EXPERT) && c->field->type != DX_FT_NONE &&
            c->field->type != DX_FT_PROTOCOL)
          named = named || enum_name(k, c);
      }
      if (cnt > 1)
        jw_close(w, ']');
      if (named) {
        ek_key(x, k, "#name", 5);
        if (cnt > 1)
          jw_open(w, '[');
        for (uint32_t j = i; j != NO_NEXT; j = x->snext[j]) {
          const dx_node *c = x->sn[j];
          const char *s = !(c->flags & DX_NODE_EXPERT) && c->field->type != DX_FT_NONE &&
                                  c->field->type != DX_FT_PROTOCOL && jf_open(x, c->field->abbrev)
                              ? enum_name(k, c)
                              : NULL;
          if (s)
            jw_str(w, s, strlen(s));
          else
            jw_null(w);
        }
        if (cnt > 1)
          jw_close(w, ']');
      }
    }
  }
  x->stop = base;
  jw_close(w, '}');
}

static void ek_layer(dx_json_writer *x, const dx_node *layer, int depth) {
  ek_layer_self(x, layer, depth, false);
}

/* The bulk action line: the index of the packet's day (UTC). */
static void ek_action(jw *w, const dx_packet *p) {
  char day[64];
  size_t k = fmt_iso(p->frame.ts_sec, 0, day);
  if (k < 10)
    k = 10;
  static const char a[] = "{\"index\":{\"_index\":\"packets-";
  char *o = jw_room(w, sizeof a + 16);
  memcpy(o, a, sizeof a - 1);
  memcpy(o + sizeof a - 1, day, 10);
  memcpy(o + sizeof a - 1 + 10, "\"}}\n", 4);
  w->len += sizeof a - 1 + 14;
}

static void ek_packet(dx_json_writer *x, const dx_packet *p) {
  jw *w = &x->w;
  x->pkt = p;
  ek_action(w, p);
  jw_open(w, '{');
  JW_KEY(w, "timestamp");
  {
    char t[64];
    jw_safe_str(w, t, fmt_iso(p->frame.ts_sec, (int32_t)p->frame.ts_nsec, t));
  }
  JW_KEY(w, "layers");
  jw_open(w, '{');
  uint32_t base = x->stop;
  for (const dx_node *c = p->root.first_child; c; c = c->next)
    if (!(c->flags & DX_NODE_HIDDEN) && !scratch_push(x, c))
      break;
  if (!x->oom && group(x, base)) {
    uint32_t obj = raw_object(x, base);
    for (uint32_t i = base; i < x->stop; i++) {
      if (!x->shead[i])
        continue;
      const dx_node *n = x->sn[i];
      uint32_t cnt = 0;
      for (uint32_t j = i; j != NO_NEXT; j = x->snext[j])
        cnt++;
      uint32_t id = node_key(x, n);
      if (id == KEY_EXPERT) {
        JW_KEY(w, "_ws_expert");
      } else {
        /* a layer: its protocol name, dots as '_' */
        keyinfo k = x->keys[id];
        k.ek_prefix = 0;
        k.ek = NULL;
        if (raw_group(x, i, id, obj))
          ek_raw(x, &k, i, cnt);
        ek_key(x, &k, "", 0);
      }
      if (cnt > 1)
        jw_open(w, '[');
      for (uint32_t j = i; j != NO_NEXT; j = x->snext[j]) {
        const dx_node *c = x->sn[j];
        /* every layer an object: a protocol's descendants, or the node;
         * with -j/-J, {"filtered": NAME} for a protocol not named */
        bool self = (c->flags & DX_NODE_EXPERT) || c->field->type != DX_FT_PROTOCOL;
        if (!self && !jf_open(x, c->field->abbrev)) {
          jf_filtered(x, c->field->abbrev);
          continue;
        }
        bool was = self ? x->jf_on : jf_enter(x);
        ek_layer_self(x, c, 0, self);
        jf_leave(x, was);
      }
      if (cnt > 1)
        jw_close(w, ']');
    }
  }
  x->stop = base;
  jw_close(w, '}');
  jw_close(w, '}');
  jw_ch(w, '\n');
}

/* ======================================================================
 * DX_JSON_TREE: the whole tree, through a sink (text or json-c)
 * ====================================================================== */
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
  /* a string of the hex digits of n bytes */
  void (*hex)(sink *s, const uint8_t *v, size_t n);
};

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

static void emit_time(sink *s, int64_t sec, int32_t nsec, bool iso) {
  char buf[64];
  size_t k = iso ? fmt_iso(sec, nsec, buf) : fmt_seconds(sec, nsec, buf);
  s->str(s, buf, k);
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
    KEY(s, "value");
    emit_time(s, n->v.t.sec, n->v.t.nsec, f->base == DX_BASE_UTC || f->base == DX_BASE_LOCAL);
    return;
  case DX_FT_RELTIME:
    KEY(s, "value");
    emit_time(s, n->v.t.sec, n->v.t.nsec, false);
    return;
  case DX_FT_STRING:
    KEY(s, "value");
    s->str(s, n->v.b.p ? (const char *)n->v.b.p : "", n->v.b.len);
    return;
  case DX_FT_BYTES: {
    /* JSON tree values are capped at 64 KiB */
    size_t len = n->v.b.p ? n->v.b.len : 0;
    KEY(s, "value");
    s->hex(s, n->v.b.p, len > 65536 ? 65536 : len);
    return;
  }
  default: {
    /* addresses: as tshark -T fields formats them */
    size_t need = dx_node_value(n, buf, sizeof buf);
    KEY(s, "value");
    s->str(s, buf, need < sizeof buf ? need : strlen(buf));
    return;
  }
  }
}

static void emit_node(sink *s, const dx_node *n, int depth, bool raw) {
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
  if (raw && n->field->bitmask)
    kv_u64(s, "bitmask", n->field->bitmask);
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
  if (depth < NODE_DEPTH_MAX && has_visible_child(n)) {
    KEY(s, "children");
    s->arr_begin(s);
    for (const dx_node *c = n->first_child; c; c = c->next)
      if (!(c->flags & DX_NODE_HIDDEN))
        emit_node(s, c, depth + 1, raw);
    s->arr_end(s);
  }
  s->obj_end(s);
}

/* raw (-x): each data source with its bytes ("data") and each node with a
 * bitmask with it ("bitmask"). */
static void emit_packet(sink *s, const dx_packet *p, bool raw) {
  s->obj_begin(s);
  kv_str(s, "schema", "libdissect.packet");
  kv_u64(s, "version", DX_JSON_SCHEMA_VERSION);
  kv_u64(s, "number", p->num);
  KEY(s, "time_epoch");
  emit_time(s, p->frame.ts_sec, (int32_t)p->frame.ts_nsec, false);
  KEY(s, "time_relative");
  emit_time(s, p->rel_sec, p->rel_nsec, false);
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
    if (raw) {
      KEY(s, "data");
      s->hex(s, p->sources[i].data, p->sources[i].data ? p->sources[i].len : 0);
    }
    s->obj_end(s);
  }
  s->arr_end(s);
  KEY(s, "layers");
  s->arr_begin(s);
  for (const dx_node *n = p->root.first_child; n; n = n->next)
    if (!(n->flags & DX_NODE_HIDDEN))
      emit_node(s, n, 0, raw);
  s->arr_end(s);
  s->obj_end(s);
}

/* ---- the text sink: the jw tokens ---- */
typedef struct {
  sink base;
  jw *w;
} text_sink;
#define TW(s) (((text_sink *)(s))->w)
static void ts_obj_begin(sink *s) {
  jw_open(TW(s), '{');
}
static void ts_obj_end(sink *s) {
  jw_close(TW(s), '}');
}
static void ts_arr_begin(sink *s) {
  jw_open(TW(s), '[');
}
static void ts_arr_end(sink *s) {
  jw_close(TW(s), ']');
}
static void ts_key(sink *s, const char *k, size_t n) {
  jw_key(TW(s), k, n);
}
static void ts_str(sink *s, const char *v, size_t n) {
  jw_str(TW(s), v, n);
}
static void ts_i64(sink *s, int64_t v) {
  jw_i64(TW(s), v);
}
static void ts_u64(sink *s, uint64_t v) {
  jw_u64(TW(s), v);
}
static void ts_dbl(sink *s, double v) {
  jw_dbl(TW(s), v);
}
static void ts_bool(sink *s, int v) {
  jw_bool(TW(s), v);
}
static void ts_hex(sink *s, const uint8_t *v, size_t n) {
  jw_hex(TW(s), v, n);
}

static void tree_packet(jw *w, const dx_packet *p, bool raw) {
  text_sink t = {{ts_obj_begin, ts_obj_end, ts_arr_begin, ts_arr_end, ts_key, ts_str, ts_i64,
                  ts_u64, ts_dbl, ts_bool, ts_hex},
                 w};
  emit_packet(&t.base, p, raw);
}

/* ======================================================================
 * The public writers
 * ====================================================================== */
static dx_json_writer *writer_alloc(FILE *out, dx_json_form form, unsigned flags, size_t bufsize) {
  /* The buffer is written before it is read: only the writer's own
   * members are zeroed (a calloc of the whole 64 KiB cost a memset and
   * page faults for every dx_write_json_form call). */
  dx_json_writer *x = malloc(sizeof *x + bufsize);
  if (!x)
    return NULL;
  memset(x, 0, sizeof *x);
  x->form = form;
  x->flags = flags;
  x->oneshot = bufsize == ONESHOT_BUF;
  x->w.buf = x->own;
  x->w.cap = bufsize;
  x->w.out = out;
  x->w.pretty = (flags & DX_JSON_PRETTY) && form != DX_JSON_EK;
  x->raw = (flags & DX_JSON_RAW) != 0;
  return x;
}

static void writer_free(dx_json_writer *x) {
  if (!x)
    return;
  free(x->pmap);
  free(x->nmap);
  for (uint32_t i = 0; x->keys && i < x->nkeys; i++)
    free(x->keys[i].ek);
  free(x->keys);
  free(x->stamp);
  free(x->tail);
  free((void *)x->sn);
  free(x->snext);
  free(x->shead);
  free(x);
}

/* One packet's document, no separator. */
static void writer_emit(dx_json_writer *x, const dx_packet *p) {
  x->w.depth = 0;
  x->w.after_key = false;
  x->w.need_comma[0] = false;
  switch (x->form) {
  case DX_JSON_TREE: tree_packet(&x->w, p, x->raw); break;
  case DX_JSON_EK: ek_packet(x, p); break;
  default: cj_packet(x, p); break;
  }
}

static bool form_ok(dx_json_form form) {
  return form == DX_JSON_PACKETS || form == DX_JSON_TREE || form == DX_JSON_EK;
}

int dx_write_json_form(FILE *out, const dx_packet *p, dx_json_form form, unsigned flags) {
  if (!out || !p || !form_ok(form))
    return DX_EINVAL;
  dx_json_writer *x = writer_alloc(out, form, flags, ONESHOT_BUF);
  if (!x)
    return DX_ENOMEM;
  writer_emit(x, p);
  jw_flush(&x->w);
  int rc = x->oom ? DX_ENOMEM : x->w.err || ferror(out) ? DX_EIO : DX_OK;
  writer_free(x);
  return rc;
}

int dx_write_json(FILE *out, const dx_packet *p, int pretty) {
  return dx_write_json_form(out, p, DX_JSON_TREE, pretty ? DX_JSON_PRETTY : 0);
}

int dx_write_ek(FILE *out, const dx_packet *p) {
  return dx_write_json_form(out, p, DX_JSON_EK, 0);
}

int dx_json_writer_new(dx_json_writer **w, FILE *out, dx_json_form form, unsigned flags) {
  if (!w)
    return DX_EINVAL;
  *w = NULL;
  if (!out || !form_ok(form))
    return DX_EINVAL;
  dx_json_writer *x = writer_alloc(out, form, flags, WRITER_BUF);
  if (!x)
    return DX_ENOMEM;
  if (form != DX_JSON_EK)
    jw_ch(&x->w, '[');
  *w = x;
  return DX_OK;
}

int dx_json_writer_set_filter(dx_json_writer *x, const char *const *names, size_t n,
                              unsigned flags) {
  if (!x || (n && !names) || x->form == DX_JSON_TREE)
    return DX_EINVAL;
  for (size_t i = 0; i < n; i++)
    if (!names[i])
      return DX_EINVAL;
  x->jf_names = names;
  x->jf_n = n;
  x->jf_children = (flags & DX_JSON_FILTER_CHILDREN) != 0;
  x->jf_on = names != NULL;
  return DX_OK;
}

int dx_json_writer_write(dx_json_writer *x, const dx_packet *p) {
  if (!x || !p)
    return DX_EINVAL;
  x->jf_on = x->jf_names != NULL;
  if (x->form != DX_JSON_EK)
    jw_raw(&x->w, x->count ? ",\n" : "\n", x->count ? 2 : 1);
  if (x->w.pretty) {
    /* the packets of the array indented by one level */
    x->w.need_comma[1] = false;
    x->w.depth = 1;
    x->w.after_key = false;
    memcpy(jw_room(&x->w, 2), "  ", 2);
    x->w.len += 2;
    x->w.after_key = true; /* no newline before the packet's "{" */
    switch (x->form) {
    case DX_JSON_TREE: tree_packet(&x->w, p, x->raw); break;
    default: cj_packet(x, p); break;
    }
  } else {
    writer_emit(x, p);
  }
  x->count++;
  if (x->oom)
    return DX_ENOMEM;
  return x->w.err ? DX_EIO : DX_OK;
}

int dx_json_writer_flush(dx_json_writer *x) {
  if (!x)
    return DX_EINVAL;
  jw_flush(&x->w);
  if (fflush(x->w.out) != 0)
    x->w.err = true;
  return x->w.err ? DX_EIO : DX_OK;
}

int dx_json_writer_close(dx_json_writer *x) {
  if (!x)
    return DX_OK;
  if (x->form != DX_JSON_EK)
    jw_raw(&x->w, x->count ? "\n]\n" : "]\n", x->count ? 3 : 2);
  jw_flush(&x->w);
  int rc = x->oom ? DX_ENOMEM : x->w.err ? DX_EIO : DX_OK;
  writer_free(x);
  return rc;
}

/* ======================================================================
 * json-c objects
 * ====================================================================== */
typedef struct {
  sink base;
  json_object *stack[JW_DEPTH_MAX];
  int depth;
  json_object *root;
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
  if (j->depth < JW_DEPTH_MAX && o)
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
  jc_add((jc_sink *)s, isfinite(v) ? json_object_new_double(v) : json_object_new_null());
}
static void jc_bool(sink *s, int v) {
  jc_add((jc_sink *)s, json_object_new_boolean(v));
}
static void jc_hex(sink *s, const uint8_t *v, size_t n) {
  char *big = malloc(n * 2 + 1);
  if (!big) {
    ((jc_sink *)s)->oom = true;
    return;
  }
  for (size_t i = 0; i < n; i++)
    memcpy(big + 2 * i, hex_pairs + 2 * v[i], 2);
  jc_add((jc_sink *)s, json_object_new_string_len(big, (int)(2 * n)));
  free(big);
}

json_object *dx_packet_to_json(const dx_packet *p) {
  jc_sink j;
  memset(&j, 0, sizeof j);
  j.base = (sink){jc_obj_begin, jc_close, jc_arr_begin, jc_close, jc_key, jc_str,
                  jc_i64,       jc_u64,   jc_dbl,       jc_bool,  jc_hex};
  emit_packet(&j.base, p, false);
  if (j.oom) {
    json_object_put(j.root);
    return NULL;
  }
  return j.root;
}

json_object *dx_packet_to_json_form(const dx_packet *p, dx_json_form form) {
  if (!p || !form_ok(form) || form == DX_JSON_EK)
    return NULL;
  if (form == DX_JSON_TREE)
    return dx_packet_to_json(p);
  /* the compact form: its text, parsed (it has no depth limit of its own) */
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f)
    return NULL;
  int rc = dx_write_json_form(f, p, form, 0);
  if (fclose(f) != 0 || rc != DX_OK) {
    free(text);
    return NULL;
  }
  json_tokener *tok = json_tokener_new_ex(4 * NODE_DEPTH_MAX + 8);
  json_object *o = tok ? json_tokener_parse_ex(tok, text, (int)len) : NULL;
  if (tok && json_tokener_get_error(tok) != json_tokener_success) {
    json_object_put(o);
    o = NULL;
  }
  json_tokener_free(tok);
  free(text);
  return o;
}
