/* JSON output. The document is described once (emit_packet) against a small
 * sink interface; one sink streams text straight to a FILE (bulk export),
 * the other builds json-c objects (the API). Tests check both agree. */
#include "../core/dx.h"

#include <dissect/output.h>
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
  void (*key)(sink *s, const char *k);
  void (*str)(sink *s, const char *v, size_t n);
  void (*i64)(sink *s, int64_t v);
  void (*u64)(sink *s, uint64_t v);
  void (*dbl)(sink *s, double v);
  void (*boolean)(sink *s, int v);
  /* optional: a string of the hex digits of n bytes (NULL: use str) */
  void (*hex)(sink *s, const uint8_t *v, size_t n);
};

/* ---- the document ---- */
static void kv_str(sink *s, const char *k, const char *v) {
  s->key(s, k);
  s->str(s, v, strlen(v));
}
static void kv_u64(sink *s, const char *k, uint64_t v) {
  s->key(s, k);
  s->u64(s, v);
}

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
    s->key(s, "value");
    s->boolean(s, n->v.u != 0);
    return;
  case DX_FT_UINT8:
  case DX_FT_UINT16:
  case DX_FT_UINT24:
  case DX_FT_UINT32:
  case DX_FT_UINT64:
  case DX_FT_FRAMENUM:
    s->key(s, "value");
    s->u64(s, n->v.u);
    return;
  case DX_FT_INT32:
  case DX_FT_INT64:
    s->key(s, "value");
    s->i64(s, n->v.i);
    return;
  case DX_FT_DOUBLE:
    s->key(s, "value");
    s->dbl(s, n->v.d);
    return;
  case DX_FT_ABSTIME:
  case DX_FT_RELTIME:
    s->key(s, "value");
    s->dbl(s, (double)n->v.t.sec + n->v.t.nsec / 1e9);
    return;
  case DX_FT_STRING:
    s->key(s, "value");
    s->str(s, (const char *)n->v.b.p, n->v.b.len);
    return;
  default: {
    /* bytes, addresses: as tshark -T fields formats them (long byte
     * strings: straight to the hex below, without measuring them first) */
    size_t need = f->type == DX_FT_BYTES && (size_t)n->v.b.len * 2 >= sizeof buf
                      ? sizeof buf
                      : dx_node_value(n, buf, sizeof buf);
    s->key(s, "value");
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
  char label[4096];
  s->obj_begin(s);
  kv_str(s, "name", n->field->abbrev);
  size_t ll = dx_node_label(n, label, sizeof label);
  if (ll >= sizeof label)
    ll = sizeof label - 1;
  s->key(s, "label");
  s->str(s, label, ll);
  kv_str(s, "type", dx_ftype_name(n->field->type));
  emit_value(s, n);
  kv_u64(s, "offset", n->offset);
  kv_u64(s, "length", n->length);
  kv_u64(s, "source", n->src);
  if (n->flags & ~DX_NODE_EXPERT) {
    s->key(s, "flags");
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
    s->key(s, "children");
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
  s->key(s, "time_epoch");
  s->dbl(s, (double)p->frame.ts_sec + p->frame.ts_nsec / 1e9);
  s->key(s, "time_relative");
  s->dbl(s, (double)p->rel_sec + p->rel_nsec / 1e9);
  kv_u64(s, "wire_length", p->frame.wirelen);
  kv_u64(s, "captured_length", p->frame.caplen);
  s->key(s, "linktype");
  s->i64(s, p->frame.linktype);
  s->key(s, "summary");
  s->obj_begin(s);
  kv_str(s, "source", dx_packet_src(p));
  kv_str(s, "destination", dx_packet_dst(p));
  kv_str(s, "protocol", dx_packet_protocol(p));
  kv_str(s, "info", dx_packet_info(p));
  s->obj_end(s);
  s->key(s, "sources");
  s->arr_begin(s);
  for (uint16_t i = 0; i < p->nsources; i++) {
    s->obj_begin(s);
    kv_u64(s, "index", i);
    kv_str(s, "name", p->sources[i].name);
    kv_u64(s, "length", p->sources[i].len);
    s->obj_end(s);
  }
  s->arr_end(s);
  s->key(s, "layers");
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
 * part of a JSON export otherwise. */
#define TS_BUF 65536
typedef struct {
  sink base;
  FILE *out;
  int pretty;
  int depth;
  bool need_comma[80];
  bool after_key;
  size_t len;
  char *buf; /* TS_BUF bytes */
} text_sink;

static void ts_flush(text_sink *t) {
  if (t->len)
    fwrite(t->buf, 1, t->len, t->out);
  t->len = 0;
}

static void ts_put(text_sink *t, const char *s, size_t n) {
  if (n > TS_BUF - t->len) {
    ts_flush(t);
    if (n > TS_BUF) {
      fwrite(s, 1, n, t->out);
      return;
    }
  }
  memcpy(t->buf + t->len, s, n);
  t->len += n;
}

static inline void ts_ch(text_sink *t, char c) {
  if (t->len == TS_BUF)
    ts_flush(t);
  t->buf[t->len++] = c;
}

static void ts_newline(text_sink *t) {
  if (!t->pretty)
    return;
  static const char spaces[] = "                                                                "
                               "                                                                "
                               "                                ";
  int d = t->depth < 80 ? t->depth : 80;
  ts_ch(t, '\n');
  ts_put(t, spaces, 2 * (size_t)(d > 0 ? d : 0));
}

static void ts_pre_value(text_sink *t) {
  if (t->after_key) {
    t->after_key = false;
    return;
  }
  if (t->depth < 80 && t->need_comma[t->depth])
    ts_ch(t, ',');
  if (t->depth < 80)
    t->need_comma[t->depth] = true;
  if (t->depth > 0)
    ts_newline(t);
}

static void ts_open(sink *s, char c) {
  text_sink *t = (text_sink *)s;
  ts_pre_value(t);
  ts_ch(t, c);
  t->depth++;
  if (t->depth < 80)
    t->need_comma[t->depth] = false;
}
static void ts_close(sink *s, char c) {
  text_sink *t = (text_sink *)s;
  bool had = t->depth < 80 && t->need_comma[t->depth];
  t->depth--;
  if (had)
    ts_newline(t);
  ts_ch(t, c);
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

static void ts_u_escape(text_sink *t, unsigned c) {
  static const char hx[] = "0123456789abcdef";
  char e[6] = {'\\', 'u', '0', '0', hx[(c >> 4) & 15], hx[c & 15]};
  ts_put(t, e, 6);
}

/* JSON string escaping: control characters and invalid UTF-8 never pass. */
static void ts_write_string(text_sink *t, const char *v, size_t n) {
  const unsigned char *u = (const unsigned char *)v;
  ts_ch(t, '"');
  size_t i = 0;
  while (i < n) {
    size_t j = i;
    while (j < n && u[j] >= 0x20 && u[j] < 0x7f && u[j] != '"' && u[j] != '\\')
      j++;
    if (j > i) {
      ts_put(t, v + i, j - i);
      i = j;
      continue;
    }
    unsigned c = u[i];
    if (c == '"' || c == '\\') {
      ts_ch(t, '\\');
      ts_ch(t, (char)c);
      i++;
    } else if (c < 0x20 || c == 0x7f) {
      ts_u_escape(t, c);
      i++;
    } else {
      size_t len = utf8_len(u, i, n);
      if (len) {
        ts_put(t, v + i, len);
        i += len;
      } else {
        ts_u_escape(t, c); /* the byte as a Latin-1 code point */
        i++;
      }
    }
  }
  ts_ch(t, '"');
}

/* Hex digits need no escaping: written straight into the buffer. */
static void ts_hex(sink *s, const uint8_t *v, size_t n) {
  static const char hx[] = "0123456789abcdef";
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
    for (size_t j = 0; j < k; j++) {
      o[2 * j] = hx[v[i + j] >> 4];
      o[2 * j + 1] = hx[v[i + j] & 15];
    }
    t->len += 2 * k;
    i += k;
  }
  ts_ch(t, '"');
}

static void ts_udec(text_sink *t, uint64_t v, bool neg) {
  char b[24], *e = b + sizeof b, *q = e;
  do {
    *--q = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  if (neg)
    *--q = '-';
  ts_put(t, q, (size_t)(e - q));
}

static void ts_key(sink *s, const char *k) {
  text_sink *t = (text_sink *)s;
  ts_pre_value(t);
  ts_write_string(t, k, strlen(k));
  ts_put(t, ": ", t->pretty ? 2 : 1);
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
static void ts_dbl(sink *s, double v) {
  text_sink *t = (text_sink *)s;
  ts_pre_value(t);
  if (!isfinite(v))
    v = 0;
  /* %.17g round-trips; json-c prints doubles the same way by default. */
  char buf[64];
  snprintf(buf, sizeof buf, "%.17g", v);
  if (!strpbrk(buf, ".eE"))
    strcat(buf, ".0");
  ts_put(t, buf, strlen(buf));
}
static void ts_bool(sink *s, int v) {
  text_sink *t = (text_sink *)s;
  ts_pre_value(t);
  ts_put(t, v ? "true" : "false", v ? 4 : 5);
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
static void jc_key(sink *s, const char *k) {
  jc_sink *j = (jc_sink *)s;
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
