/* -T fields: the values of chosen fields, one line per packet, formatted
 * exactly as tshark -T fields formats them. */
#include "../core/dx.h"

#include <dissect/output.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dx_fields {
  dx_fields_opts opts;
  size_t n;
  const dx_field **fields;
  char **names;
};

int dx_fields_new(const dx_session *s, const char *const *names, size_t n,
                  const dx_fields_opts *opts, dx_fields **out, char *errbuf, size_t errlen) {
  if (!s || !out || (!names && n))
    return DX_EINVAL;
  *out = NULL;
  for (size_t i = 0; i < n; i++) {
    if (dx_field_lookup(s, names[i]))
      continue;
    if (errbuf && errlen) {
      const char *sug[3];
      size_t k = dx_field_suggest(s, names[i], sug, 3);
      char esc[256];
      dx_escape((const uint8_t *)names[i], strlen(names[i]), esc, sizeof esc);
      if (k)
        snprintf(errbuf, errlen, "unknown field \"%s\"; did you mean \"%s\"?", esc, sug[0]);
      else
        snprintf(errbuf, errlen, "unknown field \"%s\"", esc);
    }
    return DX_ENOFIELD;
  }
  dx_fields *f = calloc(1, sizeof *f);
  if (!f)
    return DX_ENOMEM;
  f->opts = opts ? *opts : (dx_fields_opts){0, '\t', 'a', ',', 0};
  if (!f->opts.separator)
    f->opts.separator = '\t';
  if (!f->opts.occurrence)
    f->opts.occurrence = 'a';
  if (!f->opts.aggregator)
    f->opts.aggregator = ',';
  f->n = n;
  f->fields = calloc(n ? n : 1, sizeof *f->fields);
  f->names = calloc(n ? n : 1, sizeof *f->names);
  if (!f->fields || !f->names) {
    dx_fields_free(f);
    return DX_ENOMEM;
  }
  for (size_t i = 0; i < n; i++) {
    f->fields[i] = dx_field_lookup(s, names[i]);
    f->names[i] = strdup(names[i]);
    if (!f->names[i]) {
      dx_fields_free(f);
      return DX_ENOMEM;
    }
  }
  *out = f;
  return DX_OK;
}

void dx_fields_free(dx_fields *f) {
  if (!f)
    return;
  if (f->names)
    for (size_t i = 0; i < f->n; i++)
      free(f->names[i]);
  free(f->names);
  free(f->fields);
  free(f);
}

int dx_fields_write_header(FILE *out, const dx_fields *f) {
  for (size_t i = 0; i < f->n; i++) {
    if (i)
      fputc(f->opts.separator, out);
    fputs(f->names[i], out);
  }
  fputc('\n', out);
  return ferror(out) ? DX_EIO : DX_OK;
}

/* snprintf-like: s (n bytes) into buf. */
static size_t put_n(char *buf, size_t len, const char *s, size_t n) {
  if (len) {
    size_t k = n < len ? n : len - 1;
    memcpy(buf, s, k);
    buf[k] = '\0';
  }
  return n;
}

size_t dx_node_field_text(const dx_packet *p, const dx_node *n, char *buf, size_t len) {
  if (len)
    buf[0] = '\0';
  if (!n || !n->field)
    return 0;
  const dx_field *f = n->field;
  const char *sev, *grp, *msg;
  /* tshark's _ws.expert is a protocol item labelled with the note */
  if (f->abbrev[0] == '_' && strcmp(f->abbrev, "_ws.expert") == 0 &&
      dx_node_expert(n, &sev, &grp, &msg) == DX_OK) {
    size_t ml = strlen(msg);
    if (ml >= 2 && msg[0] == '[' && msg[ml - 1] == ']') { /* as -V: without the brackets */
      msg++;
      ml -= 2;
    }
    char m[1024];
    size_t k = dx_escape((const uint8_t *)msg, ml, m, sizeof m);
    int w = snprintf(buf, len, "Expert Info (%s/%s): %.*s", sev, grp,
                     (int)(k < sizeof m ? k : sizeof m - 1), m);
    return w < 0 ? 0 : (size_t)w;
  }
  /* "1" for a field without a value (FT_NONE), so that its presence
   * shows */
  if (f->type == DX_FT_NONE)
    return put_n(buf, len, "1", 1);
  if (f->type == DX_FT_PROTOCOL) {
    /* undissected data: its bytes in hex */
    if (strcmp(f->abbrev, "data") == 0 && p && n->src < p->nsources &&
        (uint64_t)n->offset + n->length <= p->sources[n->src].len) {
      static const char hx[] = "0123456789abcdef";
      const uint8_t *d = p->sources[n->src].data + n->offset;
      for (uint32_t i = 0; i < n->length && len && 2 * (size_t)i + 2 < len; i++) {
        buf[2 * i] = hx[d[i] >> 4];
        buf[2 * i + 1] = hx[d[i] & 15];
        buf[2 * i + 2] = '\0';
      }
      return 2 * (size_t)n->length;
    }
    /* a protocol's label ("Internet Protocol Version 4, Src: ..."), or,
     * where the label is only the protocol's name, its abbreviation (the
     * dissectors that tshark gives no text of their own when it builds no
     * tree: "tls", "http", "icmp") */
    char lab[4096];
    size_t k = dx_node_label(n, lab, sizeof lab);
    if (k >= sizeof lab)
      k = strlen(lab);
    if (strcmp(lab, f->label) == 0)
      return put_n(buf, len, f->abbrev, strlen(f->abbrev));
    return put_n(buf, len, lab, k);
  }
  /* "<MISSING>" for an empty byte string (a zero-length opaque) */
  if (f->type == DX_FT_BYTES && n->v.b.len == 0)
    return put_n(buf, len, "<MISSING>", 9);
  return dx_node_value(n, buf, len);
}

/* A line gathered in one buffer and handed to stdio once (a value that
 * does not fit goes out on its own, after what came before it). */
typedef struct {
  FILE *out;
  size_t len;
  char buf[4096];
} line_buf;

static void lb_flush(line_buf *b) {
  if (b->len)
    fwrite(b->buf, 1, b->len, b->out);
  b->len = 0;
}

static void lb_putc(line_buf *b, char c) {
  if (b->len == sizeof b->buf)
    lb_flush(b);
  b->buf[b->len++] = c;
}

static void put_value(line_buf *b, const dx_packet *p, const dx_node *n) {
  size_t room = sizeof b->buf - b->len;
  size_t need = dx_node_field_text(p, n, b->buf + b->len, room);
  if (need < room) { /* written in place, with its NUL */
    b->len += need;
    return;
  }
  lb_flush(b);
  if (need < sizeof b->buf) {
    dx_node_field_text(p, n, b->buf, sizeof b->buf);
    b->len = need;
    return;
  }
  char *big = malloc(need + 1);
  if (big) {
    dx_node_field_text(p, n, big, need + 1);
    fwrite(big, 1, need, b->out);
    free(big);
  }
}

int dx_fields_write(FILE *out, const dx_fields *f, const dx_packet *p) {
  line_buf b;
  b.out = out;
  b.len = 0;
  for (size_t i = 0; i < f->n; i++) {
    if (i)
      lb_putc(&b, f->opts.separator);
    const dx_node *first = dx_packet_find(p, f->fields[i]);
    if (!first)
      continue;
    /* like tshark, the quotes go around all the occurrences together */
    if (f->opts.quote)
      lb_putc(&b, f->opts.quote);
    if (f->opts.occurrence == 'f') {
      put_value(&b, p, first);
    } else if (f->opts.occurrence == 'l') {
      const dx_node *last = first;
      for (const dx_node *n = dx_packet_find_next(p, first); n; n = dx_packet_find_next(p, n))
        last = n;
      put_value(&b, p, last);
    } else {
      bool more = false;
      for (const dx_node *n = first; n; n = dx_packet_find_next(p, n)) {
        if (more)
          lb_putc(&b, f->opts.aggregator);
        put_value(&b, p, n);
        more = true;
      }
    }
    if (f->opts.quote)
      lb_putc(&b, f->opts.quote);
  }
  lb_putc(&b, '\n');
  lb_flush(&b);
  return ferror(out) ? DX_EIO : DX_OK;
}
