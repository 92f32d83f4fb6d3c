/* Bodies in two media types, shown as tshark 4.0 shows them:
 *   - "json" (RFC 8259) for application/json: Object, Member (its key),
 *     Array, the values, and for each scalar its generated path and
 *     member strings ("/items/[]:1", "[]:1");
 *   - "urlencoded-form" for application/x-www-form-urlencoded: one "Form
 *     item" per key=value pair, both percent-decoded.
 * As tshark's grammar, the json layer takes objects and arrays one after
 * the other with the white space around them (valid_prefix); what follows
 * (a body that is not JSON, a top-level scalar, a fault, trailing bytes) is
 * shown as "data-text-lines" after it, as tshark does. Nesting deeper than
 * JSON_MAX_DEPTH is marked and not walked (bounded recursion on hostile
 * bodies). */
#include "../core/dx.h"
#include "http_body.h"

#include <stdio.h>
#include <string.h>

enum {
  F_JSON,
  F_OBJECT,
  F_MEMBER,
  F_KEY,
  F_PATH,
  F_PATH_WITH_VALUE,
  F_MEMBER_WITH_VALUE,
  F_ARRAY,
  F_STRING,
  F_NUMBER,
  F_FALSE,
  F_NULL,
  F_TRUE,
  F_FORM,
  F_FORM_ITEM,
  F_FORM_KEY,
  F_FORM_VALUE,
  F_COUNT
};

static const dx_field json_fields[F_COUNT] = {
    [F_JSON] = DX_F("json", "JavaScript Object Notation", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_OBJECT] = DX_F("json.object", "Object", DX_FT_NONE, DX_BASE_NONE),
    [F_MEMBER] = DX_F("json.member", "Member", DX_FT_STRING, DX_BASE_NONE),
    [F_KEY] = DX_F("json.key", "Key", DX_FT_STRING, DX_BASE_NONE),
    [F_PATH] = DX_F("json.path", "Path", DX_FT_STRING, DX_BASE_NONE),
    [F_PATH_WITH_VALUE] =
        DX_F("json.path_with_value", "Path with value", DX_FT_STRING, DX_BASE_NONE),
    [F_MEMBER_WITH_VALUE] =
        DX_F("json.member_with_value", "Member with value", DX_FT_STRING, DX_BASE_NONE),
    [F_ARRAY] = DX_F("json.array", "Array", DX_FT_NONE, DX_BASE_NONE),
    [F_STRING] = DX_F("json.value.string", "String value", DX_FT_STRING, DX_BASE_NONE),
    [F_NUMBER] = DX_F("json.value.number", "Number value", DX_FT_STRING, DX_BASE_NONE),
    [F_FALSE] = DX_F("json.value.false", "False value", DX_FT_NONE, DX_BASE_NONE),
    [F_NULL] = DX_F("json.value.null", "Null value", DX_FT_NONE, DX_BASE_NONE),
    [F_TRUE] = DX_F("json.value.true", "True value", DX_FT_NONE, DX_BASE_NONE),
    [F_FORM] = DX_F("urlencoded-form", "HTML Form URL Encoded", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_FORM_ITEM] = DX_F("urlencoded-form.item", "Form item", DX_FT_NONE, DX_BASE_NONE),
    [F_FORM_KEY] = DX_F("urlencoded-form.key", "Key", DX_FT_STRING, DX_BASE_NONE),
    [F_FORM_VALUE] = DX_F("urlencoded-form.value", "Value", DX_FT_STRING, DX_BASE_NONE),
};

#define FL(i) (&json_fields[i])

const dx_protocol dx_proto_json = {
    .name = "json",
    .label = "JavaScript Object Notation",
    .fields = json_fields,
    .nfields = DX_ARRAY_LEN(json_fields),
};

#define JSON_MAX_DEPTH 64
#define JSON_MAX_VALUES 5000 /* values shown of one body (the rest noted) */
#define JSON_MAX_TEXT 1024   /* bytes of a key, value or path kept in a field */

typedef struct jctx {
  dx_packet *p;
  const dx_tvb *t;
  const uint8_t *s;
  uint32_t n, pos;
  bool bad; /* stop: a fault (marked) or the cap on values (noted) */
  uint32_t values;
  char path[JSON_MAX_TEXT]; /* "/a/b/[]" of the value being read */
  size_t plen;
  /* a string or number being read: here, not on the stack, so that the
   * recursion costs little stack per level */
  char tmp[JSON_MAX_TEXT];
  char out[3 * JSON_MAX_TEXT]; /* a generated "path:value" string */
} jctx;

static void skip_ws(jctx *j) {
  while (j->pos < j->n && (j->s[j->pos] == ' ' || j->s[j->pos] == '\t' || j->s[j->pos] == '\n' ||
                           j->s[j->pos] == '\r'))
    j->pos++;
}

static void fail(jctx *j, dx_node *at, const char *what) {
  if (!j->bad)
    dx_mark_malformed(j->p, at, "JSON: %s at byte %u of the body", what, j->pos);
  j->bad = true;
}

static void put_utf8(char *out, size_t cap, size_t *k, uint32_t cp) {
  uint8_t b[4];
  size_t m;
  if (cp < 0x80) {
    b[0] = (uint8_t)cp;
    m = 1;
  } else if (cp < 0x800) {
    b[0] = (uint8_t)(0xc0 | (cp >> 6));
    b[1] = (uint8_t)(0x80 | (cp & 0x3f));
    m = 2;
  } else if (cp < 0x10000) {
    b[0] = (uint8_t)(0xe0 | (cp >> 12));
    b[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
    b[2] = (uint8_t)(0x80 | (cp & 0x3f));
    m = 3;
  } else {
    b[0] = (uint8_t)(0xf0 | (cp >> 18));
    b[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
    b[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
    b[3] = (uint8_t)(0x80 | (cp & 0x3f));
    m = 4;
  }
  for (size_t i = 0; i < m && *k + 1 < cap; i++)
    out[(*k)++] = (char)b[i];
}

static int hexval(uint8_t c) {
  return c >= '0' && c <= '9'   ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                : -1;
}

static int hex4(const uint8_t *s, uint32_t n, uint32_t at) {
  if (at + 4 > n)
    return -1;
  int v = 0;
  for (uint32_t i = 0; i < 4; i++) {
    int d = hexval(s[at + i]);
    if (d < 0)
      return -1;
    v = v * 16 + d;
  }
  return v;
}

/* A string at j->pos (its opening quote): unescaped into out (cut at cap),
 * j->pos after its closing quote. False if it does not end or an escape is
 * wrong. */
static bool read_string(jctx *j, char *out, size_t cap, size_t *outlen) {
  size_t k = 0;
  j->pos++; /* the quote */
  while (j->pos < j->n) {
    uint8_t c = j->s[j->pos];
    if (c == '"') {
      j->pos++;
      out[k] = 0;
      *outlen = k;
      return true;
    }
    if (c != '\\') { /* (raw control bytes too, as tshark's grammar takes them) */
      if (k + 1 < cap)
        out[k++] = (char)c;
      j->pos++;
      continue;
    }
    if (j->pos + 1 >= j->n)
      return false;
    uint8_t e = j->s[j->pos + 1];
    j->pos += 2;
    char simple = e == '"'    ? '"'
                  : e == '\\' ? '\\'
                  : e == '/'  ? '/'
                  : e == 'b'  ? '\b'
                  : e == 'f'  ? '\f'
                  : e == 'n'  ? '\n'
                  : e == 'r'  ? '\r'
                  : e == 't'  ? '\t'
                              : 0;
    if (simple) {
      if (k + 1 < cap)
        out[k++] = simple;
      continue;
    }
    if (e != 'u')
      return false;
    int u = hex4(j->s, j->n, j->pos);
    if (u < 0)
      return false;
    j->pos += 4;
    uint32_t cp = (uint32_t)u;
    if (cp >= 0xd800 && cp < 0xdc00 && j->pos + 6 <= j->n && j->s[j->pos] == '\\' &&
        j->s[j->pos + 1] == 'u') {
      int lo = hex4(j->s, j->n, j->pos + 2);
      if (lo >= 0xdc00 && lo < 0xe000) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + ((uint32_t)lo - 0xdc00);
        j->pos += 6;
      }
    }
    if (cp >= 0xd800 && cp < 0xe000)
      cp = 0xfffd; /* a lone surrogate */
    put_utf8(out, cap, &k, cp);
  }
  return false;
}

static bool is_num_char(uint8_t c) {
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

static void value(jctx *j, dx_node *parent, const char *member, size_t mlen, int depth);

/* The path and member strings of a scalar value, then its node. */
static void scalar(jctx *j, dx_node *parent, const char *member, size_t mlen, int fi,
                   uint32_t start, const char *text, size_t tlen) {
  char *buf = j->out;
  size_t cap = sizeof j->out;
  int l = snprintf(buf, cap, "%.*s:%.*s", (int)j->plen, j->path, (int)tlen, text);
  dx_node *n = dx_add_string(j->p, parent, FL(F_PATH_WITH_VALUE), j->t, start, j->pos - start, buf,
                             l < 0             ? 0
                             : (size_t)l < cap ? (size_t)l
                                               : cap - 1);
  dx_node_set_flags(n, DX_NODE_GENERATED);
  l = snprintf(buf, cap, "%.*s:%.*s", (int)mlen, member, (int)tlen, text);
  n = dx_add_string(j->p, parent, FL(F_MEMBER_WITH_VALUE), j->t, start, j->pos - start, buf,
                    l < 0             ? 0
                    : (size_t)l < cap ? (size_t)l
                                      : cap - 1);
  dx_node_set_flags(n, DX_NODE_GENERATED);
  if (fi == F_STRING || fi == F_NUMBER)
    dx_add_string(j->p, parent, FL(fi), j->t, start, j->pos - start, text, tlen);
  else
    dx_add_none(j->p, parent, FL(fi), j->t, start, j->pos - start);
}

/* Appends "/" and n bytes of s to the path; returns the length to go back
 * to (path_pop). Cut at the buffer's end. */
static size_t path_push(jctx *j, const char *s, size_t n) {
  size_t saved = j->plen;
  int l = snprintf(j->path + j->plen, sizeof j->path - j->plen, "/%.*s", (int)n, s);
  if (l > 0)
    j->plen = j->plen + (size_t)l < sizeof j->path ? j->plen + (size_t)l : sizeof j->path - 1;
  return saved;
}

static void path_pop(jctx *j, size_t saved) {
  j->plen = saved;
  j->path[saved] = 0;
}

/* After a member or an element: 1 at a "," (another follows), 0 at the
 * closing byte (the container ends, its node's length set), -1 otherwise
 * (marked malformed). */
static int after_item(jctx *j, dx_node *n, uint32_t start, char close, const char *what) {
  skip_ws(j);
  if (j->pos < j->n && j->s[j->pos] == ',') {
    j->pos++;
    return 1;
  }
  if (j->pos < j->n && j->s[j->pos] == close) {
    j->pos++;
    dx_node_set_len(n, j->pos - start);
    return 0;
  }
  fail(j, n, j->pos >= j->n ? "the object or array does not end" : what);
  return -1;
}

static void object(jctx *j, dx_node *parent, int depth) {
  uint32_t start = j->pos;
  dx_node *o = dx_add_none(j->p, parent, FL(F_OBJECT), j->t, start, j->n - start);
  j->pos++; /* { */
  skip_ws(j);
  if (j->pos < j->n && j->s[j->pos] == '}') {
    j->pos++;
    dx_node_set_len(o, j->pos - start);
    return;
  }
  while (!j->bad) {
    skip_ws(j);
    if (j->pos >= j->n || j->s[j->pos] != '"') {
      fail(j, o, j->pos >= j->n ? "the object does not end" : "a member's key is not a string");
      return;
    }
    uint32_t kstart = j->pos;
    size_t klen = 0;
    if (!read_string(j, j->tmp, sizeof j->tmp, &klen)) {
      fail(j, o, "a key string does not end or has a wrong escape");
      return;
    }
    /* the key outlives the value's walk (the Key item comes after it) */
    const char *key = dx_arena_strndup(&j->p->arena, j->tmp, klen);
    if (!key)
      return;
    uint32_t kend = j->pos;
    dx_node *m = dx_add_string(j->p, o, FL(F_MEMBER), j->t, kstart, j->n - kstart, key, klen);
    skip_ws(j);
    if (j->pos >= j->n || j->s[j->pos] != ':') {
      fail(j, m, "no \":\" after a member's key");
      return;
    }
    j->pos++;
    size_t saved = path_push(j, key, klen);
    value(j, m, key, klen, depth + 1);
    dx_node_set_len(m, j->pos - kstart);
    dx_add_string(j->p, m, FL(F_KEY), j->t, kstart, kend - kstart, key, klen);
    dx_node *pn =
        dx_add_string(j->p, m, FL(F_PATH), j->t, kstart, j->pos - kstart, j->path, j->plen);
    dx_node_set_flags(pn, DX_NODE_GENERATED);
    path_pop(j, saved);
    if (j->bad || after_item(j, o, start, '}', "no \",\" or \"}\" after a member") <= 0)
      return;
  }
}

static void array(jctx *j, dx_node *parent, int depth) {
  uint32_t start = j->pos;
  dx_node *a = dx_add_none(j->p, parent, FL(F_ARRAY), j->t, start, j->n - start);
  j->pos++; /* [ */
  skip_ws(j);
  if (j->pos < j->n && j->s[j->pos] == ']') {
    j->pos++;
    dx_node_set_len(a, j->pos - start);
    return;
  }
  size_t saved = path_push(j, "[]", 2);
  while (!j->bad) {
    value(j, a, "[]", 2, depth + 1);
    if (j->bad || after_item(j, a, start, ']', "no \",\" or \"]\" after a value") <= 0)
      break;
  }
  path_pop(j, saved);
}

static void value(jctx *j, dx_node *parent, const char *member, size_t mlen, int depth) {
  if (++j->values > JSON_MAX_VALUES) {
    if (!j->bad)
      dx_expert(j->p, parent, dx_field_limit(), DX_SEV_NOTE,
                "[More than %u values: the rest of the body is not shown]", JSON_MAX_VALUES);
    j->bad = true;
    return;
  }
  skip_ws(j);
  if (j->pos >= j->n) {
    fail(j, parent, "a value is missing");
    return;
  }
  if (depth > JSON_MAX_DEPTH) {
    fail(j, parent, "nested deeper than 64 levels (not walked further)");
    return;
  }
  uint8_t c = j->s[j->pos];
  uint32_t start = j->pos;
  if (c == '{') {
    object(j, parent, depth);
  } else if (c == '[') {
    array(j, parent, depth);
  } else if (c == '"') {
    size_t tlen = 0;
    if (!read_string(j, j->tmp, sizeof j->tmp, &tlen)) {
      fail(j, parent, "a string does not end or has a wrong escape");
      return;
    }
    scalar(j, parent, member, mlen, F_STRING, start, j->tmp, tlen);
  } else if (c == '-' || (c >= '0' && c <= '9')) {
    while (j->pos < j->n && is_num_char(j->s[j->pos]))
      j->pos++;
    uint32_t l = j->pos - start;
    if (l >= sizeof j->tmp)
      l = sizeof j->tmp - 1;
    memcpy(j->tmp, j->s + start, l);
    j->tmp[l] = 0;
    scalar(j, parent, member, mlen, F_NUMBER, start, j->tmp, l);
  } else {
    static const struct {
      const char *word;
      int field;
    } words[] = {{"true", F_TRUE}, {"false", F_FALSE}, {"null", F_NULL}};
    for (size_t i = 0; i < DX_ARRAY_LEN(words); i++) {
      size_t wl = strlen(words[i].word);
      if (j->n - j->pos >= wl && memcmp(j->s + j->pos, words[i].word, wl) == 0) {
        j->pos += (uint32_t)wl;
        scalar(j, parent, member, mlen, words[i].field, start, words[i].word, wl);
        return;
      }
    }
    fail(j, parent, "not a JSON value");
  }
}

/* The media types tshark 4.0 registers its json dissector for (checked
 * against tshark type by type: tests/differential/test_tshark_media.sh). */
bool dx_json_media(const char *mt) {
  static const char *const types[] = {"application/json",
                                      "application/senml+json",
                                      "application/sensml+json",
                                      "application/json-rpc",
                                      "application/jsonrequest",
                                      "application/dds-web+json",
                                      "application/vnd.oma.lwm2m+json",
                                      "application/problem+json",
                                      "application/merge-patch+json",
                                      "application/json-patch+json",
                                      "application/x-ndjson"};
  if (!mt)
    return false;
  for (size_t i = 0; i < DX_ARRAY_LEN(types); i++)
    if (strcmp(mt, types[i]) == 0)
      return true;
  return false;
}

static uint32_t ws(const uint8_t *s, uint32_t n, uint32_t pos) {
  while (pos < n && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n' || s[pos] == '\r'))
    pos++;
  return pos;
}

/* One JSON value (object or array) at s[pos], checked without recursion:
 * true and its end in *end. Containers nest at most JSON_CHECK_DEPTH deep
 * (a bit per level: object or array). */
#define JSON_CHECK_DEPTH 4096
static bool one_value(const uint8_t *s, uint32_t n, uint32_t pos, uint32_t *end) {
  uint64_t kinds[JSON_CHECK_DEPTH / 64] = {0}; /* bit set: an object */
  uint32_t depth = 0;
  enum { VALUE, KEY, AFTER } st = VALUE;
  for (;;) {
    pos = ws(s, n, pos);
    if (st == AFTER && depth == 0) {
      *end = pos;
      return true;
    }
    if (pos >= n)
      return false;
    uint8_t c = s[pos];
    if (st == AFTER) {
      bool obj = kinds[(depth - 1) / 64] >> ((depth - 1) % 64) & 1;
      if (c == ',') {
        pos++;
        st = obj ? KEY : VALUE;
      } else if (c == (obj ? '}' : ']')) {
        pos++;
        depth--;
      } else {
        return false;
      }
      continue;
    }
    if (st == KEY || c == '"') { /* a string (a key: then its ":") */
      if (c != '"')
        return false;
      for (pos++;; pos++) {
        if (pos >= n)
          return false;
        if (s[pos] == '"')
          break;
        if (s[pos] != '\\')
          continue;
        if (++pos >= n)
          return false;
        if (s[pos] == 'u') {
          if (hex4(s, n, pos + 1) < 0)
            return false;
          pos += 4;
        } else if (!strchr("\"\\/bfnrt", s[pos]) || !s[pos]) {
          return false;
        }
      }
      pos++;
      if (st == KEY) {
        pos = ws(s, n, pos);
        if (pos >= n || s[pos] != ':')
          return false;
        pos++;
        st = VALUE;
      } else {
        st = AFTER;
      }
      continue;
    }
    if (c == '{' || c == '[') {
      if (depth == JSON_CHECK_DEPTH)
        return false;
      uint64_t bit = (uint64_t)1 << (depth % 64);
      if (c == '{')
        kinds[depth / 64] |= bit;
      else
        kinds[depth / 64] &= ~bit;
      depth++;
      pos = ws(s, n, pos + 1);
      if (pos < n && s[pos] == (c == '{' ? '}' : ']')) {
        pos++;
        depth--;
        st = AFTER;
      } else {
        st = c == '{' ? KEY : VALUE;
      }
      continue;
    }
    if (depth == 0)
      return false; /* a scalar at the top: not taken */
    if (c == '-' || (c >= '0' && c <= '9')) {
      if (c == '-' && ++pos >= n)
        return false;
      if (s[pos] == '0') {
        pos++;
      } else if (s[pos] >= '1' && s[pos] <= '9') {
        while (pos < n && s[pos] >= '0' && s[pos] <= '9')
          pos++;
      } else {
        return false;
      }
      if (pos < n && s[pos] == '.') {
        uint32_t d = ++pos;
        while (pos < n && s[pos] >= '0' && s[pos] <= '9')
          pos++;
        if (pos == d)
          return false;
      }
      if (pos < n && (s[pos] == 'e' || s[pos] == 'E')) {
        pos++;
        if (pos < n && (s[pos] == '+' || s[pos] == '-'))
          pos++;
        uint32_t d = pos;
        while (pos < n && s[pos] >= '0' && s[pos] <= '9')
          pos++;
        if (pos == d)
          return false;
      }
      st = AFTER;
      continue;
    }
    static const char *const words[] = {"true", "false", "null"};
    bool word = false;
    for (size_t i = 0; i < DX_ARRAY_LEN(words) && !word; i++) {
      size_t wl = strlen(words[i]);
      if (n - pos >= wl && memcmp(s + pos, words[i], wl) == 0) {
        pos += (uint32_t)wl;
        word = true;
      }
    }
    if (!word)
      return false;
    st = AFTER;
  }
}

/* The bytes tshark's JSON grammar takes from the start of a body: objects
 * and arrays one after the other, and the white space around them. */
static uint32_t valid_prefix(const uint8_t *s, uint32_t n) {
  uint32_t good = 0;
  for (;;) {
    uint32_t pos = ws(s, n, good), end;
    if (pos >= n || (s[pos] != '{' && s[pos] != '[') || !one_value(s, n, pos, &end))
      return good;
    good = ws(s, n, end);
  }
}

void dx_dissect_json(dx_packet *p, dx_node *parent, const dx_tvb *b, const char *mt) {
  uint32_t good = valid_prefix(b->data, b->len);
  dx_node *js = dx_add_proto(p, parent, FL(F_JSON), b, 0, good);
  if (mt) /* (without a media type: the layer's own label, as Dropbox's) */
    dx_node_set_text(p, js, "JavaScript Object Notation: %s", mt);
  if (dx_layer_built(p, js) && good) {
    jctx j = {.p = p, .t = b, .s = b->data, .n = good};
    for (skip_ws(&j); j.pos < j.n && !j.bad; skip_ws(&j))
      value(&j, js, "", 0, 0);
  }
  if (good < b->len) { /* the rest as text lines, as tshark shows it */
    dx_tvb rest = dx_tvb_sub(b, good, b->len - good);
    dx_http_text_lines(p, parent, &rest, mt);
  }
}

/* ---- application/x-www-form-urlencoded ------------------------------------------ */

/* Percent-decoding with '+' as a space, into out (cut at cap). */
static size_t form_decode(const uint8_t *s, uint32_t n, char *out, size_t cap) {
  size_t k = 0;
  for (uint32_t i = 0; i < n && k + 1 < cap; i++) {
    uint8_t c = s[i];
    if (c == '+') {
      c = ' ';
    } else if (c == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
      c = (uint8_t)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
      i += 2;
    }
    out[k++] = (char)c;
  }
  out[k] = 0;
  return k;
}

bool dx_form_media(const char *mt) {
  return mt && strcmp(mt, "application/x-www-form-urlencoded") == 0;
}

void dx_dissect_form(dx_packet *p, dx_node *parent, const dx_tvb *b, const char *mt) {
  dx_node *f = dx_add_proto(p, parent, FL(F_FORM), b, 0, b->len);
  dx_node_set_text(p, f, "HTML Form URL Encoded: %s", mt);
  if (!dx_layer_built(p, f))
    return;
  uint32_t pos = 0;
  while (pos < b->len) {
    const uint8_t *s = b->data + pos;
    const uint8_t *amp = memchr(s, '&', b->len - pos);
    uint32_t len = amp ? (uint32_t)(amp - s) : b->len - pos;
    const uint8_t *eq = memchr(s, '=', len);
    uint32_t kl = eq ? (uint32_t)(eq - s) : len;
    char key[JSON_MAX_TEXT], val[JSON_MAX_TEXT];
    size_t klen = form_decode(s, kl, key, sizeof key);
    size_t vlen = eq ? form_decode(eq + 1, len - kl - 1, val, sizeof val) : 0;
    val[vlen] = 0;
    dx_node *it = dx_add_none(p, f, FL(F_FORM_ITEM), b, pos, len);
    dx_node_set_text(p, it, "Form item: \"%s\" = \"%s\"", key, val);
    dx_add_string(p, it, FL(F_FORM_KEY), b, pos, kl, key, klen);
    /* (an empty Value too for a key without "=", as tshark shows it) */
    dx_add_string(p, it, FL(F_FORM_VALUE), b, eq ? pos + kl + 1 : pos + kl, eq ? len - kl - 1 : 0,
                  val, vlen);
    pos += len + (amp ? 1 : 0);
  }
}
