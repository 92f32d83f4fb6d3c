/* Multipart bodies (RFC 2046 5.1: multipart/form-data, mixed, alternative,
 * related, byteranges, ...) as tshark 4.0's "mime_multipart" layer: the
 * boundary from the Content-Type's parameters, the preamble, each part (its
 * headers and its body, handed on by its own Content-Type to the media
 * table: text lines, json, xml, dns, a nested multipart, media, data), the
 * boundaries and the epilogue ("Trailer").
 *
 * The grammar followed is Wireshark's, quirks included, so that the tree
 * and the columns are tshark's on the same bytes: a boundary is "--" and
 * the boundary at the start of a line, whatever follows it on the line
 * ("--bbnot" ends a part of boundary "bb"), after CR LF, a lone LF or a
 * lone CR; a line ending in "--" boundary "--" closes the body even without
 * a line end before it; part headers end at CR LF only (a part whose
 * headers end in bare LFs is malformed, as tshark's exception); header
 * values are unfolded and their white space around ':', ';', ',' and '='
 * dropped; a header line without ':' (or an unknown header with bytes
 * that are not printable) starts the part's body. Without the boundary
 * parameter the body is data with tshark's expert note.
 *
 * Bounded: every scan is linear in the body and moves forward; at most
 * DX_MULTIPART_MAX_PARTS parts a body and DX_MULTIPART_MAX_DEPTH nested
 * multiparts (a note says what was left out); no state across packets.
 */
#include "../core/dx.h"
#include "http_body.h"

#include <stdio.h>
#include <string.h>

enum {
  F_MP,
  F_TYPE,
  F_PART,
  F_H_DESCRIPTION,
  F_H_DISPOSITION,
  F_H_ENCODING,
  F_H_ID,
  F_H_LANGUAGE,
  F_H_LENGTH,
  F_H_TRANSFER_ENCODING,
  F_H_TYPE,
  F_H_ORIGINALCONTENT,
  F_FIRST_BOUNDARY,
  F_PREAMBLE,
  F_LAST_BOUNDARY,
  F_BOUNDARY,
  F_TRAILER,
  F_NO_PARAM,
  F_HEADER_TEXT,
  F_COUNT
};

#define FS(a, l) DX_F(a, l, DX_FT_STRING, DX_BASE_NONE)
static const dx_field mp_fields[F_COUNT] = {
    [F_MP] =
        DX_F("mime_multipart", "MIME Multipart Media Encapsulation", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_TYPE] = FS("mime_multipart.type", "Type"),
    [F_PART] = FS("mime_multipart.part", "Encapsulated multipart part"),
    [F_H_DESCRIPTION] = FS("mime_multipart.header.content-description", "Content-Description"),
    [F_H_DISPOSITION] = FS("mime_multipart.header.content-disposition", "Content-Disposition"),
    [F_H_ENCODING] = FS("mime_multipart.header.content-encoding", "Content-Encoding"),
    [F_H_ID] = FS("mime_multipart.header.content-id", "Content-Id"),
    [F_H_LANGUAGE] = FS("mime_multipart.header.content-language", "Content-Language"),
    [F_H_LENGTH] = FS("mime_multipart.header.content-length", "Content-Length"),
    [F_H_TRANSFER_ENCODING] =
        FS("mime_multipart.header.content-transfer-encoding", "Content-Transfer-Encoding"),
    [F_H_TYPE] = FS("mime_multipart.header.content-type", "Content-Type"),
    [F_H_ORIGINALCONTENT] = FS("mime_multipart.header.originalcontent", "OriginalContent"),
    [F_FIRST_BOUNDARY] = FS("mime_multipart.first_boundary", "First boundary"),
    [F_PREAMBLE] = DX_F("mime_multipart.preamble", "Preamble", DX_FT_BYTES, DX_BASE_NONE),
    [F_LAST_BOUNDARY] = FS("mime_multipart.last_boundary", "Last boundary"),
    [F_BOUNDARY] = FS("mime_multipart.boundary", "Boundary"),
    [F_TRAILER] = DX_F("mime_multipart.trailer", "Trailer", DX_FT_BYTES, DX_BASE_NONE),
    [F_NO_PARAM] = DX_F("mime_multipart.no_required_parameter",
                        "The multipart dissector could not find a required parameter.", DX_FT_NONE,
                        DX_BASE_NONE),
    /* tshark's text-only item for a header it does not know ("X-Custom:
     * 1\r\n"), which has no field there: ours, to hang the label on */
    [F_HEADER_TEXT] = DX_F("mime_multipart.header.other", "Header", DX_FT_NONE, DX_BASE_NONE),
};
#undef FS

#define FL(i) (&mp_fields[i])

const dx_protocol dx_proto_multipart = {
    .name = "mime_multipart",
    .label = "MIME Multipart Media Encapsulation",
    .fields = mp_fields,
    .nfields = DX_ARRAY_LEN(mp_fields),
};

/* The part headers tshark knows, in its order (the field of each). */
static const struct {
  const char *name, *compact;
  int field;
} known_headers[] = {
    {"content-description", NULL, F_H_DESCRIPTION},
    {"content-disposition", NULL, F_H_DISPOSITION},
    {"content-encoding", "e", F_H_ENCODING},
    {"content-id", NULL, F_H_ID},
    {"content-language", NULL, F_H_LANGUAGE},
    {"content-length", "l", F_H_LENGTH},
    {"content-transfer-encoding", NULL, F_H_TRANSFER_ENCODING},
    {"content-type", "c", F_H_TYPE},
    {"originalcontent", NULL, F_H_ORIGINALCONTENT},
};

static int lower(int c) {
  return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static bool ieq(const char *a, size_t n, const char *b) {
  if (strlen(b) != n)
    return false;
  for (size_t i = 0; i < n; i++)
    if (lower((unsigned char)a[i]) != b[i])
      return false;
  return true;
}

/* Whether s starts with prefix, in any case. */
static bool iprefix(const char *s, const char *prefix) {
  for (; *prefix; s++, prefix++)
    if (!*s || lower((unsigned char)*s) != lower((unsigned char)*prefix))
      return false;
  return true;
}

/* ---- header values: unfolded, white space around separators dropped -------------- */

/* Copies the n-byte string s (which stops at a NUL) to out (room for n + 1
 * bytes) as a MIME header line is read: white space in quoted strings
 * kept, around ':', ';', ',' and '=' dropped, at the end dropped, a run of
 * it elsewhere one space; a line end followed by white space unfolds, any
 * other line end ends the value. *colon: where the first ':' went in out,
 * or -1. Returns the length of out. */
static size_t unfold(const char *s, size_t n, char *out, int *colon) {
  size_t i = 0, q = 0;
  bool sep = false, lws = false;
  *colon = -1;
  while (i < n && s[i]) {
    char c = s[i];
    if (c == ':' || c == ';' || c == ',' || c == '=') {
      lws = false;
      if (c == ':' && *colon < 0)
        *colon = (int)q;
      out[q++] = c;
      sep = true;
      i++;
    } else if (c == ' ' || c == '\t') {
      lws = true;
      i++;
    } else if (c == '\n' || c == '\r') {
      lws = false;
      size_t k = i + 1;
      if (c == '\r' && k < n && s[k] == '\n')
        k++;
      else if (c == '\r' && k < n && (s[k] == ' ' || s[k] == '\t')) {
        lws = true; /* CR then white space: folded */
        i = k + 1;
        continue;
      }
      if (k >= n || !s[k])
        break; /* the end */
      if (s[k] == ' ' || s[k] == '\t') {
        lws = true;
        i = k + 1;
        continue;
      }
      break; /* another line: the value ends */
    } else if (c == '"') {
      /* a quoted string, copied as it is up to its closing quote (a
       * backslash takes the next byte with it) */
      lws = false;
      out[q++] = c;
      i++;
      while (i < n && s[i]) {
        char d = s[i++];
        out[q++] = d;
        if (d == '\\') {
          if (i >= n || !s[i])
            break;
          out[q++] = s[i++];
        } else if (d == '"') {
          break;
        }
      }
    } else {
      if (sep)
        sep = false;
      else if (lws)
        out[q++] = ' ';
      lws = false;
      out[q++] = c;
      i++;
    }
  }
  out[q] = 0;
  return q;
}

/* The value of parameter key in params (name=value pairs between ';',
 * the name in any case, the value a token or a quoted string whose
 * backslashes escape the next byte) into the arena; NULL if absent. */
static char *find_param(dx_packet *p, const char *params, const char *key) {
  size_t kl = strlen(key);
  const char *s = params;
  while (s && *s) {
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' || *s == '\f' || *s == '\v')
      s++;
    if (!*s)
      return NULL;
    const char *name = s;
    while (*s && *s != '=' && *s != ';')
      s++;
    size_t nl = (size_t)(s - name);
    if (*s != '=') { /* a parameter without a value */
      if (*s)
        s++;
      continue;
    }
    s++;
    const char *val = s;
    if (*s == '"') { /* skip the quoted string */
      s++;
      while (*s && *s != '"') {
        if (*s == '\\' && !*++s)
          break;
        s++;
      }
      if (*s == '"')
        s++;
    }
    while (*s && *s != ';')
      s++;
    if (*s)
      s++;
    if (nl != kl || !ieq(name, nl, key))
      continue;
    /* the value */
    size_t cap = strlen(val) + 1;
    char *out = dx_arena_alloc(&p->arena, cap);
    if (!out)
      return NULL;
    size_t o = 0;
    if (*val == '"') {
      for (const char *v = val + 1; *v && *v != '"'; v++) {
        if (*v == '\\' && !*++v)
          break;
        out[o++] = *v;
      }
    } else {
      for (const char *v = val; *v && (unsigned char)*v > 0x20 && (unsigned char)*v < 0x7f &&
                                !strchr("()<>@,;:\\\"/[]?={}", *v);
           v++)
        out[o++] = *v;
    }
    out[o] = 0;
    return out;
  }
  return NULL;
}

/* ---- finding boundaries ------------------------------------------------------------ */

typedef struct mp_ctx {
  dx_packet *p;
  const dx_tvb *t;
  const uint8_t *s;
  uint32_t n;
  const char *bnd; /* the boundary */
  uint32_t blen;
  int depth;
  dx_body_cols *cols;
  const char *params;
  bool encrypted; /* multipart/encrypted: its protocol parameter */
  const char *protocol;
} mp_ctx;

/* Whether the len bytes at off are str's (never for len 0: an empty
 * boundary matches nothing, as tshark's tvb_strneql). */
static bool eq_at(const mp_ctx *m, int64_t off, const char *str, uint32_t len) {
  return len > 0 && off >= 0 && (uint64_t)off + len <= m->n && memcmp(m->s + off, str, len) == 0;
}

/* The line at off: its length without the line end (CR LF, LF or CR) and
 * where the next line starts (the end of the body if none). */
static uint32_t line_at(const mp_ctx *m, uint32_t off, uint32_t *next) {
  uint32_t i = off;
  while (i < m->n && m->s[i] != '\r' && m->s[i] != '\n')
    i++;
  if (i >= m->n) {
    *next = m->n;
    return m->n - off;
  }
  *next = i + 1 + (m->s[i] == '\r' && i + 1 < m->n && m->s[i + 1] == '\n');
  return i - off;
}

/* Whether "--" boundary "--" starts at off (the close delimiter). */
static bool is_last(const mp_ctx *m, uint32_t off) {
  return eq_at(m, (int64_t)off + 2 + m->blen, "--", 2);
}

/* The first boundary line, from the start: its offset (-1 if none), its
 * length with its line end in *bll. Only lines with bytes after the
 * boundary count (as tshark's scan, which stops short of the end). */
static int64_t first_boundary(const mp_ctx *m, uint32_t *bll, bool *last) {
  uint32_t off = 0;
  while ((uint64_t)off + 2 + m->blen < m->n) {
    uint32_t next;
    if (eq_at(m, off, "--", 2) && eq_at(m, (int64_t)off + 2, m->bnd, m->blen)) {
      *last = is_last(m, off);
      line_at(m, off, &next);
      *bll = next - off;
      return off;
    }
    line_at(m, off, &next);
    off = next;
  }
  return -1;
}

/* The next delimiter from a part's start: the line end before a line that
 * starts with "--" boundary (returned: its offset, *bll the length up to
 * the end of the boundary line), or a line that ends in "--" boundary
 * "--" (the close delimiter without a line end before it). -1 if none. */
static int64_t next_boundary(const mp_ctx *m, uint32_t start, uint32_t *bll, bool *last) {
  uint32_t off = start;
  while ((uint64_t)off + 2 + m->blen < m->n) {
    uint32_t next;
    uint32_t ll = line_at(m, off, &next);
    uint32_t bs = off + ll;
    if (eq_at(m, next, "--", 2) && eq_at(m, (int64_t)next + 2, m->bnd, m->blen)) {
      *last = is_last(m, next);
      uint32_t after;
      line_at(m, next, &after);
      *bll = after - bs;
      return bs;
    }
    int64_t b0 = (int64_t)bs - (2 + m->blen + 2);
    if (eq_at(m, (int64_t)bs - 2, "--", 2) &&
        eq_at(m, (int64_t)bs - (2 + m->blen), m->bnd, m->blen) && eq_at(m, b0, "--", 2)) {
      *last = true;
      *bll = next - (uint32_t)b0;
      return b0;
    }
    off = next;
  }
  return -1;
}

/* The end of the header field at off (after its CR LF, continuation lines
 * included), as tshark's IMF reader finds it: CR LF CR LF sets *last_field
 * (the returned offset is then before the second CR LF); CR LF at the end
 * of the body too (returned: before it). -1 when no CR LF ends it. */
static int64_t field_end(const mp_ctx *m, uint32_t off, bool *last_field) {
  while (off < m->n) {
    const uint8_t *cr = memchr(m->s + off, '\r', m->n - off);
    if (!cr)
      return -1;
    off = (uint32_t)(cr - m->s) + 1;
    if (off < m->n && m->s[off] == '\n') {
      if (++off >= m->n) {
        *last_field = true;
        return (int64_t)off - 2;
      }
      uint8_t c = m->s[off];
      if (c == '\r') {
        if (off + 1 < m->n && m->s[off + 1] == '\n')
          *last_field = true;
        return off;
      }
      if (c != ' ' && c != '\t')
        return off;
    }
  }
  return -1;
}

/* ---- parts ------------------------------------------------------------------------- */

/* The header bytes [off, end) as tshark reads them into a string: up to a
 * NUL, a byte past ASCII as U+FFFD. */
static char *header_string(mp_ctx *m, uint32_t off, uint32_t end, size_t *len) {
  uint32_t n = end - off;
  char *out = dx_arena_alloc(&m->p->arena, (size_t)n * 3 + 1);
  if (!out)
    return NULL;
  size_t k = 0;
  for (uint32_t i = 0; i < n && m->s[off + i]; i++) {
    uint8_t c = m->s[off + i];
    if (c < 0x80) {
      out[k++] = (char)c;
    } else {
      memcpy(out + k, "\xef\xbf\xbd", 3);
      k += 3;
    }
  }
  out[k] = 0;
  *len = k;
  return out;
}

static bool printable(const char *s) {
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
      return false;
  return true;
}

static int known_header(const char *h, size_t n) {
  for (size_t i = 0; i < DX_ARRAY_LEN(known_headers); i++)
    if (ieq(h, n, known_headers[i].name) ||
        (known_headers[i].compact && ieq(h, n, known_headers[i].compact)))
      return known_headers[i].field;
  return -1;
}

static void add_boundary(mp_ctx *m, dx_node *mp, int f, uint32_t off, uint32_t len) {
  dx_add_string(m->p, mp, FL(f), m->t, off, len, (const char *)m->s + off, len);
}

enum { PART_NEXT, PART_STOP, PART_FATAL };

/* An empty part body of type ctype as tshark hands it on: the dissector
 * of its type writes its columns but, having taken no bytes, leaves no
 * layer, and the media dissector it falls back on writes " (type)" too;
 * XML's and DNS's read past the end (malformed: the packet's dissection
 * stops there). */
static int empty_body(mp_ctx *m, dx_node *part, const dx_tvb *body, const char *ctype,
                      const char *cparams) {
  dx_body_cols *cols = m->cols;
  int kind = dx_media_kind(ctype);
  if (kind == DX_MK_XML || kind == DX_MK_DNS) {
    size_t plen = cols->plen;
    dx_media_body(m->p, part, body, ctype, cparams, m->depth + 1, cols);
    if (kind == DX_MK_XML) { /* it stopped before the Protocol column */
      cols->plen = plen;
      cols->proto[plen] = 0;
    }
    dx_node *layer = part->last_child;
    if (!layer || layer->field->type != DX_FT_PROTOCOL)
      layer = part;
    if (!(layer->flags & DX_NODE_MALFORMED))
      dx_mark_malformed(m->p, layer, "empty %s body", ctype);
    cols->abort = true;
    return PART_FATAL;
  }
  /* the layer stays in the tree, over no bytes (frame.c leaves it out of
   * frame.protocols); the media dissector adds nothing to the tree, nor
   * does an image's, which does not take no bytes */
  if (kind != DX_MK_MEDIA && kind != DX_MK_DATA && kind != DX_MK_JFIF && kind != DX_MK_PNG &&
      kind != DX_MK_GIF)
    dx_media_body(m->p, part, body, ctype, cparams, m->depth + 1, cols);
  dx_body_cols_info(cols, " (%s)", ctype);
  return PART_NEXT;
}

/* One part from start: its headers, its body handed on, the delimiter
 * after it. *next: where the next part starts. */
static int body_part(mp_ctx *m, dx_node *mp, uint32_t start, unsigned idx, bool *last,
                     uint32_t *next_start) {
  dx_packet *p = m->p;
  dx_node *part = dx_add_string(p, mp, FL(F_PART), m->t, start, 0, "", 0);
  uint32_t bll = 0;
  int64_t bs64 = next_boundary(m, start, &bll, last);
  if (bs64 <= 0)
    return PART_STOP; /* no delimiter after it: the part stays empty, as tshark's */
  uint32_t bs = (uint32_t)bs64;
  char *ctype = NULL;
  const char *cparams = NULL;
  bool raw = false, last_field = false;
  uint32_t off = start, next = start;
  while (!last_field) {
    int64_t e = field_end(m, off, &last_field);
    if (e < 0) {
      /* no CR LF after a header: tshark reads a string of negative length */
      dx_mark_malformed(p, part, "part header without CR LF");
      m->cols->abort = true;
      return PART_FATAL;
    }
    if (last_field && e + 2 <= bs)
      e += 2; /* the empty line after the last header */
    else if (e - 2 == (int64_t)bs) {
      last_field = true; /* the CR LF before the delimiter is the delimiter's */
      e -= 2;
    } else if (e > (int64_t)bs) {
      e = bs;
    }
    next = (uint32_t)e;
    size_t hl;
    char *h = header_string(m, off, next, &hl);
    if (!h)
      return PART_STOP;
    char *u = dx_arena_alloc(&p->arena, hl + 1);
    int colon = -1;
    if (u)
      unfold(h, hl, u, &colon);
    if (colon <= 0) {
      next = off; /* not a header: the body starts here */
      break;
    }
    int f = known_header(u, (size_t)colon);
    if (f < 0) {
      if (!printable(u)) {
        next = off;
        break;
      }
      dx_node *hn = dx_add_none(p, part, FL(F_HEADER_TEXT), m->t, off, next - off);
      dx_node_set_text(p, hn, "%.*s", (int)(next - off), (const char *)m->s + off);
    } else {
      const char *val = u + colon + 1;
      dx_node *hn = dx_add_string(p, part, FL(f), m->t, off, next - off, val, strlen(val));
      dx_node_set_text(p, hn, "%.*s", (int)(next - off), (const char *)m->s + off);
      if (f == F_H_TYPE) {
        size_t vl = strlen(val);
        const char *semi = memchr(val, ';', vl);
        size_t tl = semi ? (size_t)(semi - val) : vl;
        ctype = dx_arena_strndup(&p->arena, val, tl);
        if (ctype)
          for (char *c = ctype; *c; c++)
            *c = (char)lower((unsigned char)*c);
        cparams = semi ? semi + 1 : NULL;
        if (ctype) /* each Content-Type's, the last one counts */
          dx_node_append_text(p, part, " (%s)", ctype);
        raw = ctype && strncmp(ctype, "application/octet-stream", 24) == 0;
        /* multipart/encrypted: the first part must be of its protocol
         * (tshark 4.0 stops at any type there when the parameter is
         * missing) */
        if (m->encrypted && idx == 0 && ctype &&
            (raw || !m->protocol || !iprefix(ctype, m->protocol)))
          return PART_STOP;
      }
    }
    off = next;
  }
  uint32_t body_start = next;
  dx_tvb body = dx_tvb_sub(m->t, body_start, bs - body_start);
  if (!raw && ctype && body.len == 0) {
    if (empty_body(m, part, &body, ctype, cparams) == PART_FATAL)
      return PART_FATAL;
  } else if (!raw && ctype) {
    dx_media_body(p, part, &body, ctype, cparams, m->depth + 1, m->cols);
    if (m->cols->abort)
      return PART_FATAL;
  } else
    dx_dissect_data(p, &body, part);
  dx_node_set_len(part, bs - start);
  add_boundary(m, mp, *last ? F_LAST_BOUNDARY : F_BOUNDARY, bs, bll);
  *next_start = bs + bll;
  return PART_NEXT;
}

void dx_dissect_multipart(dx_packet *p, dx_node *parent, const dx_tvb *b, const char *mt,
                          const char *params, int depth, dx_body_cols *cols) {
  mp_ctx m = {.p = p, .t = b, .s = b->data, .n = b->len, .depth = depth, .cols = cols};
  /* the boundary (and multipart/encrypted's protocol) from the parameters */
  char *bnd = NULL;
  if (params && params[0]) {
    size_t pl = strlen(params);
    char *u = dx_arena_alloc(&p->arena, pl + 1);
    int colon;
    if (u) {
      unfold(params, pl, u, &colon);
      bnd = find_param(p, u, "boundary");
      if (bnd && strncmp(mt, "multipart/encrypted", 19) == 0) {
        m.encrypted = true;
        m.protocol = find_param(p, u, "protocol");
      }
    }
  }
  if (!bnd) {
    /* tshark's expert item where the layer would be, then the body as
     * data; the layer itself is in frame.protocols only */
    dx_node *mp = dx_add_proto(p, parent, FL(F_MP), b, 0, 0);
    dx_node_set_flags(mp, DX_NODE_HIDDEN);
    dx_node *it = dx_add_none(p, parent, FL(F_NO_PARAM), b, 0, b->len);
    dx_node_set_text(p, it, "%s", FL(F_NO_PARAM)->label);
    dx_expert(p, it, dx_field_expert(), DX_SEV_ERROR, "%s", FL(F_NO_PARAM)->label);
    dx_dissect_data(p, b, parent);
    return;
  }
  m.bnd = bnd;
  m.blen = (uint32_t)strlen(bnd);
  dx_node *mp = dx_add_proto(p, parent, FL(F_MP), b, 0, b->len);
  dx_node_set_text(p, mp, "MIME Multipart Media Encapsulation, Type: %s, Boundary: \"%s\"", mt,
                   bnd);
  dx_node *tn = dx_add_string(p, mp, FL(F_TYPE), b, 0, 0, mt, strlen(mt));
  dx_node_set_flags(tn, DX_NODE_GENERATED);
  if (depth >= DX_MULTIPART_MAX_DEPTH) {
    dx_expert(p, mp, dx_field_limit(), DX_SEV_NOTE,
              "[Multipart nested more than %d deep: its parts are not dissected]",
              DX_MULTIPART_MAX_DEPTH);
    return;
  }
  /* tshark's column fence: parts write the columns after what is there */
  size_t fence_saved = cols->fence;
  cols->fence = cols->len;
  bool last = false;
  uint32_t bll = 0;
  int64_t first = first_boundary(&m, &bll, &last);
  if (first < 0) {
    dx_dissect_data(p, b, mp);
    cols->fence = fence_saved;
    return;
  }
  if (first > 0)
    dx_add_bytes(p, mp, FL(F_PREAMBLE), b, 0, (uint32_t)first);
  add_boundary(&m, mp, F_FIRST_BOUNDARY, (uint32_t)first, bll);
  uint32_t pos = (uint32_t)first + bll;
  unsigned idx = 0;
  int st = PART_NEXT;
  while (!last) {
    if (idx >= DX_MULTIPART_MAX_PARTS) {
      dx_expert(p, mp, dx_field_limit(), DX_SEV_NOTE, "[More than %u parts: the rest not shown]",
                DX_MULTIPART_MAX_PARTS);
      st = PART_STOP;
      break;
    }
    uint32_t next = pos;
    st = body_part(&m, mp, pos, idx++, &last, &next);
    if (st != PART_NEXT)
      break;
    pos = next;
  }
  if (st == PART_NEXT && pos < b->len)
    dx_add_bytes(p, mp, FL(F_TRAILER), b, pos, b->len - pos);
  cols->fence = fence_saved;
}
