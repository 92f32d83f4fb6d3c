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

static void put_value(FILE *out, const dx_node *n) {
  /* tshark prints "1" for a field without a value (FT_NONE), so that its
   * presence shows in -T fields */
  if (n->field && n->field->type == DX_FT_NONE) {
    fputc('1', out);
    return;
  }
  /* and "<MISSING>" for an empty byte string (a zero-length opaque) */
  if (n->field && n->field->type == DX_FT_BYTES && n->v.b.len == 0) {
    fputs("<MISSING>", out);
    return;
  }
  char small[512];
  size_t need = dx_node_value(n, small, sizeof small);
  if (need < sizeof small) {
    fwrite(small, 1, need, out);
  } else {
    char *big = malloc(need + 1);
    if (big) {
      dx_node_value(n, big, need + 1);
      fwrite(big, 1, need, out);
      free(big);
    }
  }
}

int dx_fields_write(FILE *out, const dx_fields *f, const dx_packet *p) {
  for (size_t i = 0; i < f->n; i++) {
    if (i)
      fputc(f->opts.separator, out);
    const dx_node *first = dx_packet_find(p, f->fields[i]);
    if (!first)
      continue;
    /* like tshark, the quotes go around all the occurrences together */
    if (f->opts.quote)
      fputc(f->opts.quote, out);
    if (f->opts.occurrence == 'f') {
      put_value(out, first);
    } else if (f->opts.occurrence == 'l') {
      const dx_node *last = first;
      for (const dx_node *n = dx_packet_find_next(p, first); n; n = dx_packet_find_next(p, n))
        last = n;
      put_value(out, last);
    } else {
      bool more = false;
      for (const dx_node *n = first; n; n = dx_packet_find_next(p, n)) {
        if (more)
          fputc(f->opts.aggregator, out);
        put_value(out, n);
        more = true;
      }
    }
    if (f->opts.quote)
      fputc(f->opts.quote, out);
  }
  fputc('\n', out);
  return ferror(out) ? DX_EIO : DX_OK;
}
