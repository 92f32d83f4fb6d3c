/* -T json|ek with -e FIELD: the fields named, laid out as tshark 4.0 lays
 * them out (-T json: an array of {"_index", "_type", "_score", "_source":
 * {"layers": {"ip.src": ["127.0.0.1"], ...}}}; -T ek: an index line, then
 * {"timestamp": "<ms>", "layers": {"ip_src": ["127.0.0.1"]}}). Every
 * occurrence is an array element; values are written as -T fields writes
 * them, strings as they are (JSON-escaped). Byte for byte what tshark
 * writes (tests/differential/test_tshark_stats.sh).
 *
 * The text is gathered in a buffer written with one fwrite when it fills
 * (cli_json_fields_flush() at the end), not a stdio call per character. */
#include "cli.h"

#include <dissect/output.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define JF_BUF (1u << 18)

static struct {
  char buf[JF_BUF];
  size_t len;
  FILE *out;
} jf;

void cli_json_fields_flush(FILE *out) {
  if (jf.len)
    fwrite(jf.buf, 1, jf.len, jf.out ? jf.out : out);
  jf.len = 0;
}

/* Room for n more bytes (n <= JF_BUF). */
static inline char *room(size_t n) {
  if (n > JF_BUF - jf.len)
    cli_json_fields_flush(jf.out);
  return jf.buf + jf.len;
}

static void put(const char *s, size_t n) {
  while (n) {
    size_t k = n < JF_BUF ? n : JF_BUF;
    memcpy(room(k), s, k);
    jf.len += k;
    s += k;
    n -= k;
  }
}
#define PUTS(lit) put(lit, sizeof(lit) - 1)
static void puts_(const char *s) {
  put(s, strlen(s));
}

/* A JSON string as tshark writes it: \" \\ \n \r \t \b \f, \u00XX for the
 * other control bytes and DEL; every other byte as it is. */
static void json_str(const char *s, size_t n) {
  static const char hx[] = "0123456789abcdef";
  *room(1) = '"';
  jf.len++;
  for (size_t i = 0; i < n;) {
    /* a chunk at a time: at most 6 bytes out per byte in */
    size_t end = n - i > 4096 ? i + 4096 : n;
    char *o = room(6 * (end - i)), *o0 = o;
    for (; i < end; i++) {
      unsigned char c = (unsigned char)s[i];
      if (c >= 0x20 && c != 0x7f && c != '"' && c != '\\') {
        *o++ = (char)c;
        continue;
      }
      *o++ = '\\';
      switch (c) {
      case '"': *o++ = '"'; break;
      case '\\': *o++ = '\\'; break;
      case '\n': *o++ = 'n'; break;
      case '\r': *o++ = 'r'; break;
      case '\t': *o++ = 't'; break;
      case '\b': *o++ = 'b'; break;
      case '\f': *o++ = 'f'; break;
      default:
        memcpy(o, "u00", 3);
        o[3] = hx[c >> 4];
        o[4] = hx[c & 15];
        o += 5;
      }
    }
    jf.len += (size_t)(o - o0);
  }
  *room(1) = '"';
  jf.len++;
}

/* The value of one occurrence. */
static void value(const dx_packet *p, const dx_node *n) {
  dx_ftype t = dx_field_type(dx_node_field(n));
  if (t == DX_FT_NONE || t == DX_FT_PROTOCOL) {
    /* as -T fields: "1", a protocol's label or name, _ws.expert's note */
    char b[4096];
    size_t k = dx_node_field_text(p, n, b, sizeof b);
    json_str(b, k < sizeof b ? k : strlen(b));
    return;
  }
  if (t == DX_FT_STRING) {
    const char *s = dx_node_str(n);
    size_t len = 0;
    const uint8_t *b = dx_node_bytes(n, &len);
    if (b)
      json_str((const char *)b, len);
    else
      json_str(s ? s : "", s ? strlen(s) : 0);
    return;
  }
  char small[256];
  size_t need = dx_node_value(n, small, sizeof small);
  if (need < sizeof small) {
    json_str(small, need);
    return;
  }
  char *big = malloc(need + 1);
  if (!big) {
    json_str(small, strlen(small));
    return;
  }
  dx_node_value(n, big, need + 1);
  json_str(big, need);
  free(big);
}

static void index_name(const dx_packet *p, char *buf, size_t len) {
  time_t t = (time_t)dx_packet_frame(p)->ts_sec;
  struct tm tm;
  if (localtime_r(&t, &tm))
    snprintf(buf, len, "packets-%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  else
    snprintf(buf, len, "packets");
}

void cli_json_fields_write(FILE *out, const dx_packet *p, const char *const *names,
                           const dx_field *const *fields, size_t n, int ek, int first) {
  char idx[64], line[160];
  if (jf.out != out) {
    cli_json_fields_flush(jf.out ? jf.out : out);
    jf.out = out;
  }
  index_name(p, idx, sizeof idx);
  if (ek) {
    const dx_frame *f = dx_packet_frame(p);
    int k = snprintf(line, sizeof line,
                     "{\"index\":{\"_index\":\"%s\",\"_type\":\"doc\"}}\n"
                     "{\"timestamp\":\"%" PRId64 "\",\"layers\":{",
                     idx, f->ts_sec * 1000 + (int64_t)(f->ts_nsec / 1000000));
    put(line, k > 0 ? (size_t)k : 0);
  } else {
    if (first)
      PUTS("\n  {\n");
    else
      PUTS(",\n  {\n");
    int k = snprintf(line, sizeof line,
                     "    \"_index\": \"%s\",\n    \"_type\": \"doc\",\n    \"_score\": null,\n"
                     "    \"_source\": {\n      \"layers\": {",
                     idx);
    put(line, k > 0 ? (size_t)k : 0);
  }
  int any = 0;
  for (size_t i = 0; i < n; i++) {
    const dx_node *nd = fields[i] ? dx_packet_find(p, fields[i]) : NULL;
    if (!nd)
      continue;
    if (ek) {
      if (any)
        PUTS(",\"");
      else
        PUTS("\"");
      size_t nl = strlen(names[i]);
      char *o = room(nl);
      for (size_t c = 0; c < nl; c++)
        o[c] = names[i][c] == '.' ? '_' : names[i][c];
      jf.len += nl;
      PUTS("\":[");
      for (int k = 0; nd; nd = dx_packet_find_next(p, nd), k++) {
        if (k)
          PUTS(",");
        value(p, nd);
      }
      PUTS("]");
    } else {
      if (any)
        PUTS(",\n        ");
      else
        PUTS("\n        ");
      json_str(names[i], strlen(names[i]));
      PUTS(": [");
      for (int k = 0; nd; nd = dx_packet_find_next(p, nd), k++) {
        if (k)
          PUTS(",\n          ");
        else
          PUTS("\n          ");
        value(p, nd);
      }
      PUTS("\n        ]");
    }
    any = 1;
  }
  if (ek)
    PUTS("}}\n");
  else
    puts_("\n      }\n    }\n  }");
}
