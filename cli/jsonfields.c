/* -T json|ek with -e FIELD: the fields named, laid out as tshark 4.0 lays
 * them out (-T json: an array of {"_index", "_type", "_score", "_source":
 * {"layers": {"ip.src": ["127.0.0.1"], ...}}}; -T ek: an index line, then
 * {"timestamp": "<ms>", "layers": {"ip_src": ["127.0.0.1"]}}). Every
 * occurrence is an array element; values are written as -T fields writes
 * them, strings as they are (JSON-escaped). */
#include "cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void json_str(FILE *out, const char *s, size_t n) {
  fputc('"', out);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    switch (c) {
    case '"': fputs("\\\"", out); break;
    case '\\': fputs("\\\\", out); break;
    case '\n': fputs("\\n", out); break;
    case '\r': fputs("\\r", out); break;
    case '\t': fputs("\\t", out); break;
    case '\b': fputs("\\b", out); break;
    case '\f': fputs("\\f", out); break;
    default:
      if (c < 0x20 || c == 0x7f)
        fprintf(out, "\\u%04x", c);
      else
        fputc(c, out);
    }
  }
  fputc('"', out);
}

/* The value of one occurrence. */
static void value(FILE *out, const dx_node *n) {
  if (dx_field_type(dx_node_field(n)) == DX_FT_STRING) {
    const char *s = dx_node_str(n);
    size_t len = 0;
    const uint8_t *b = dx_node_bytes(n, &len);
    if (b)
      json_str(out, (const char *)b, len);
    else
      json_str(out, s ? s : "", s ? strlen(s) : 0);
    return;
  }
  char small[256];
  size_t need = dx_node_value(n, small, sizeof small);
  if (need < sizeof small) {
    json_str(out, small, need);
    return;
  }
  char *big = malloc(need + 1);
  if (!big) {
    json_str(out, small, strlen(small));
    return;
  }
  dx_node_value(n, big, need + 1);
  json_str(out, big, need);
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
  char idx[64];
  index_name(p, idx, sizeof idx);
  if (ek) {
    const dx_frame *f = dx_packet_frame(p);
    fprintf(out, "{\"index\":{\"_index\":\"%s\",\"_type\":\"doc\"}}\n", idx);
    fprintf(out, "{\"timestamp\":\"%" PRId64 "\",\"layers\":{",
            f->ts_sec * 1000 + (int64_t)(f->ts_nsec / 1000000));
  } else {
    fputs(first ? "\n  {\n" : ",\n  {\n", out);
    fprintf(out,
            "    \"_index\": \"%s\",\n    \"_type\": \"doc\",\n    \"_score\": null,\n"
            "    \"_source\": {\n      \"layers\": {",
            idx);
  }
  int any = 0;
  for (size_t i = 0; i < n; i++) {
    const dx_node *nd = fields[i] ? dx_packet_find(p, fields[i]) : NULL;
    if (!nd)
      continue;
    if (ek) {
      fputs(any ? ",\"" : "\"", out);
      for (const char *c = names[i]; *c; c++)
        fputc(*c == '.' ? '_' : *c, out);
      fputs("\":[", out);
      for (int k = 0; nd; nd = dx_packet_find_next(p, nd), k++) {
        if (k)
          fputc(',', out);
        value(out, nd);
      }
      fputc(']', out);
    } else {
      fputs(any ? ",\n        " : "\n        ", out);
      json_str(out, names[i], strlen(names[i]));
      fputs(": [", out);
      for (int k = 0; nd; nd = dx_packet_find_next(p, nd), k++) {
        fputs(k ? ",\n          " : "\n          ", out);
        value(out, nd);
      }
      fputs("\n        ]", out);
    }
    any = 1;
  }
  if (ek)
    fputs("}}\n", out);
  else
    fputs(any ? "\n      }\n    }\n  }" : "\n      }\n    }\n  }", out);
}
