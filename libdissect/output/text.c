/* Text outputs: the summary line, the indented tree and the hex dump. */
#include "../core/session.h"

#include <dissect/output.h>
#include <dissect/story.h>
#include <stdio.h>
#include <string.h>

/* Output gathered in a buffer and handed to stdio in large writes. */
typedef struct {
  FILE *out;
  size_t len, cap;
  char *buf;
  unsigned flags; /* DX_TREE_* of the tree being written */
} tbuf;

/* Where the next n bytes (n <= cap) go. */
static char *tb_room(tbuf *t, size_t n) {
  if (n > t->cap - t->len) {
    fwrite(t->buf, 1, t->len, t->out);
    t->len = 0;
  }
  return t->buf + t->len;
}

static void tb_put(tbuf *t, const void *s, size_t n) {
  if (n <= 16 && n <= t->cap - t->len) { /* a short piece that fits */
    dx_copy_short(t->buf + t->len, s, n);
    t->len += n;
    return;
  }
  const char *c = s;
  while (n) {
    size_t k = n < t->cap / 2 ? n : t->cap / 2;
    memcpy(tb_room(t, k), c, k);
    t->len += k;
    c += k;
    n -= k;
  }
}

static void tb_flush(tbuf *t) {
  if (t->len)
    fwrite(t->buf, 1, t->len, t->out);
  t->len = 0;
}

/* A label or column into the buffer, for a terminal. Labels and columns
 * are escaped when they are made (a backslash in them is already an
 * escape), so this is the last guard: printable ASCII, the backslash and
 * printable UTF-8 pass, anything else is escaped as dx_escape() does. */
static void tb_escaped_n(tbuf *t, const char *s, size_t n) {
  const uint8_t *u = (const uint8_t *)s;
  while (n) {
    size_t plain = dx_plain_run(u, n);
    if (plain) {
      tb_put(t, u, plain);
      u += plain;
      n -= plain;
      continue;
    }
    size_t k = *u == '\\' ? 1 : *u >= 0x80 ? dx_utf8_ok(u, n) : 0;
    if (k) {
      tb_put(t, u, k);
    } else {
      char e[12];
      k = dx_escape_unit(u, n); /* a whole sequence: \u202E, one U+FFFD */
      size_t w = dx_escape(u, k, e, sizeof e);
      tb_put(t, e, w);
    }
    u += k;
    n -= k;
  }
}

static void tb_escaped(tbuf *t, const char *s) {
  tb_escaped_n(t, s, strlen(s));
}

/* "%5llu %10s " of the number and the time column. The default column of
 * a microsecond capture (what pcap files hold), relative time with six
 * digits, is written here from the integers, once a frame; anything else
 * through dx_packet_time_column() (digits cut, as tshark cuts them). */
static void summary_head(tbuf *t, const dx_packet *p) {
  char b[64];
  char *e = b + sizeof b, *q = e;
  bool plain = (!p->sess || (p->sess->time_format == DX_TIME_RELATIVE && !p->sess->time_hms &&
                             !p->sess->time_fixed)) &&
               (p->ts_prec == 0 || p->ts_prec == 6);
  if (plain && p->rel_sec >= 0 && p->rel_sec < 1000000 && p->rel_nsec >= 0 &&
      p->rel_nsec < 1000000000) {
    *--q = ' ';
    uint32_t us = (uint32_t)p->rel_nsec / 1000;
    for (int i = 0; i < 6; i++, us /= 10)
      *--q = (char)('0' + us % 10);
    *--q = '.';
    uint64_t sec = (uint64_t)p->rel_sec;
    do {
      *--q = (char)('0' + sec % 10);
      sec /= 10;
    } while (sec);
    while (e - q < 11) /* width 10 and the space */
      *--q = ' ';
    *--q = ' ';
    uint64_t num = p->num;
    char *start = q;
    do {
      *--q = (char)('0' + num % 10);
      num /= 10;
    } while (num);
    while (start - q < 5)
      *--q = ' ';
    tb_put(t, q, (size_t)(e - q));
    return;
  }
  char tc[64];
  dx_packet_time_column(p, tc, sizeof tc);
  int w = snprintf(b, sizeof b, "%5llu %10s ", (unsigned long long)p->num, tc);
  if (w > 0)
    tb_put(t, b, (size_t)w < sizeof b ? (size_t)w : sizeof b - 1);
}

/* Characters (not bytes) of a column: UTF-8 continuation bytes do not
 * count. */
static size_t dx_text_width(const char *s) {
  size_t w = 0;
  for (; *s; s++)
    w += ((unsigned char)*s & 0xc0) != 0x80;
  return w;
}

int dx_write_summary(FILE *out, const dx_packet *p) {
  char buf[4096];
  tbuf t = {out, 0, sizeof buf, buf, 0};
  summary_head(&t, p);
  /* tshark pads the Source column to 12 characters on the left and the
   * Destination column to 12 on the right. */
  static const char pad[] = "            ";
  const char *src = dx_packet_src(p), *dst = dx_packet_dst(p);
  /* addresses are plain ASCII as a rule: their width is their length and
   * they go out as they are */
  size_t sl = strlen(src), dl = strlen(dst);
  bool splain = dx_plain_run((const uint8_t *)src, sl) == sl,
       dplain = dx_plain_run((const uint8_t *)dst, dl) == dl;
  size_t sw = splain ? sl : dx_text_width(src), dw = dplain ? dl : dx_text_width(dst);
  if (sw < 12)
    tb_put(&t, pad, 12 - sw);
  if (splain)
    tb_put(&t, src, sl);
  else
    tb_escaped_n(&t, src, sl);
  if (*src || *dst)
    tb_put(&t, " \xe2\x86\x92 ", 5);
  else
    tb_put(&t, " ", 1);
  if (dplain)
    tb_put(&t, dst, dl);
  else
    tb_escaped_n(&t, dst, dl);
  if (dw < 12)
    tb_put(&t, pad, 12 - dw);
  tb_put(&t, " ", 1);
  tb_escaped(&t, dx_packet_protocol(p));
  {
    char b[16], *e = b + sizeof b, *q = e;
    *--q = ' ';
    uint32_t v = p->frame.wirelen;
    do {
      *--q = (char)('0' + v % 10);
      v /= 10;
    } while (v);
    *--q = ' ';
    tb_put(&t, q, (size_t)(e - q));
  }
  tb_escaped(&t, dx_packet_info(p));
  tb_put(&t, "\n", 1);
  tb_flush(&t);
  return ferror(out) ? DX_EIO : DX_OK;
}

/* The tree: each label is formatted straight into the buffer (escaped
 * there only if it holds a byte that needs it). */
#define TB_SIZE 65536
#define TB_LABEL 4096                       /* longest label line (as dx_node_label cuts it) */
#define TB_LINE (4 * 64 + 4 * TB_LABEL + 2) /* indent, label escaped, '\n' */

/* tb_escaped into o: returns the end. */
static char *escape_into(char *o, const char *s, size_t n) {
  const uint8_t *u = (const uint8_t *)s;
  while (n) {
    size_t plain = dx_plain_run(u, n);
    if (plain) {
      memcpy(o, u, plain);
      o += plain;
      u += plain;
      n -= plain;
      continue;
    }
    size_t k = *u == '\\' ? 1 : *u >= 0x80 ? dx_utf8_ok(u, n) : 0;
    if (k) {
      memcpy(o, u, k);
      o += k;
    } else {
      char e[12];
      k = dx_escape_unit(u, n); /* a whole sequence: \u202E, one U+FFFD */
      size_t w = dx_escape(u, k, e, sizeof e);
      memcpy(o, e, w);
      o += w;
    }
    u += k;
    n -= k;
  }
  return o;
}

/* -O: the protocols whose layers are shown whole; NULL = all. */
typedef struct {
  const char *const *names;
  size_t n;
} proto_set;

static bool expanded(const proto_set *ps, const dx_node *n) {
  if (!ps)
    return true;
  for (size_t i = 0; i < ps->n; i++)
    if (ps->names[i] && strcmp(ps->names[i], n->field->abbrev) == 0)
      return true;
  return false;
}

/* Four spaces a level, at most 160 (tshark's print.c MAX_INDENT). */
static size_t indent(int depth) {
  return depth < 40 ? 4 * (size_t)depth : 160;
}

/* One line of text s (at most TB_LABEL bytes), indented, escaped. */
static void tree_line(tbuf *t, int depth, const char *s, char *tmp) {
  char *o = tb_room(t, TB_LINE);
  size_t ind = indent(depth), ll = strnlen(s, TB_LABEL - 1);
  memset(o, ' ', ind);
  memcpy(tmp, s, ll);
  char *end = escape_into(o + ind, tmp, ll);
  *end++ = '\n';
  t->len += (size_t)(end - o);
}

/* ---- packet comments -------------------------------------------------
 * tshark -V prints a pcapng comment as its raw text (packet-frame.c makes
 * it the whole label), line breaks and all, cut as proto.c cuts every
 * label: one of 240 bytes or more becomes " [truncated]" and the first 226
 * bytes (back to the start of a UTF-8 character). Its Comment note holds
 * the first 239 bytes (expert.c's buffer), and the note's "Expert Info"
 * line is cut like a label. Here the line breaks a comment holds (CR LF
 * and LF) are written as they are, as tshark writes them; every other
 * control byte is escaped (a lone CR, an escape sequence: nothing from the
 * file may move the cursor). */
#define WS_LABEL_LEN 240

/* Into out (at least WS_LABEL_LEN bytes): prefix and the first n bytes of
 * s, as tshark's label of them. Returns its length. */
static size_t ws_label(char *out, const char *prefix, const char *s, size_t n) {
  size_t pl = strlen(prefix);
  if (pl + n < WS_LABEL_LEN) {
    memcpy(out, prefix, pl);
    memcpy(out + pl, s, n);
    return pl + n;
  }
  static const char trunc[] = " [truncated]";
  size_t tl = sizeof trunc - 1, k = WS_LABEL_LEN - 2 - tl; /* 226 */
  char full[WS_LABEL_LEN];
  memcpy(full, prefix, pl < k + 1 ? pl : k + 1);
  if (pl < k + 1)
    memcpy(full + pl, s, k + 1 - pl);
  while (k > 0 && ((uint8_t)full[k] & 0xc0) == 0x80)
    k--;
  memcpy(out, trunc, tl);
  memcpy(out + tl, full, k);
  return tl + k;
}

/* One line of a comment's label s (n bytes), indented, its line breaks
 * kept, anything else escaped. */
static void comment_line(tbuf *t, int depth, const char *s, size_t n) {
  char *o = tb_room(t, TB_LINE);
  char *w = o + indent(depth);
  memset(o, ' ', (size_t)(w - o));
  while (n) {
    size_t k = 0;
    while (k < n && s[k] != '\n' && !(s[k] == '\r' && k + 1 < n && s[k + 1] == '\n'))
      k++;
    w = escape_into(w, s, k);
    s += k;
    n -= k;
    size_t br = n >= 2 && s[0] == '\r' ? 2 : n >= 1 ? 1 : 0;
    memcpy(w, s, br);
    w += br;
    s += br;
    n -= br;
  }
  *w++ = '\n';
  t->len += (size_t)(w - o);
}

static bool is_comment(const dx_node *n) {
  return n && n->field && n->field->type == DX_FT_STRING &&
         strcmp(n->field->abbrev, "frame.comment") == 0;
}

/* The comment node n with its note (its child), as tshark -V writes them. */
static void comment_lines(tbuf *t, const dx_node *n, int depth) {
  const char *c = n->v.b.p ? (const char *)n->v.b.p : "";
  size_t cl = n->v.b.p ? n->v.b.len : 0;
  char lab[WS_LABEL_LEN + 2];
  comment_line(t, depth, lab, ws_label(lab, "", c, cl));
  const char *sev, *grp;
  for (const dx_node *e = n->first_child; e; e = e->next) {
    if (e->flags & DX_NODE_HIDDEN)
      continue;
    if (!(e->flags & DX_NODE_EXPERT) || dx_node_expert(e, &sev, &grp, NULL) != DX_OK)
      continue;
    size_t ml = cl < WS_LABEL_LEN - 1 ? cl : WS_LABEL_LEN - 1; /* the note's message */
    char pre[96];
    snprintf(pre, sizeof pre, "Expert Info (%s/%s): ", sev, grp);
    lab[0] = '[';
    size_t l = 1 + ws_label(lab + 1, pre, c, ml);
    lab[l++] = ']';
    comment_line(t, depth + 1, lab, l);
    lab[0] = '[';
    memcpy(lab + 1, c, ml);
    lab[ml + 1] = ']';
    comment_line(t, depth + 2, lab, ml + 2);
    snprintf(lab, sizeof lab, "[Severity level: %s]", sev);
    comment_line(t, depth + 2, lab, strlen(lab));
    snprintf(lab, sizeof lab, "[Group: %s]", grp);
    comment_line(t, depth + 2, lab, strlen(lab));
  }
}

/* An expert note as tshark writes it: a generated "Expert Info" item
 * whose children are the note, its severity and its group:
 *   [Expert Info (Note/Sequence): Duplicate ACK (#1)]
 *       [Duplicate ACK (#1)]
 *       [Severity level: Note]
 *       [Group: Sequence] */
/* Into line (cap bytes): the pieces one after the other (n of them, each
 * cut to what fits), NUL-terminated; snprintf("%s%.*s%s...") without
 * parsing a format per line. */
static void line_cat(char *line, size_t cap, const char *const *piece, const size_t *len,
                     size_t n) {
  size_t at = 0;
  for (size_t i = 0; i < n && at + 1 < cap; i++) {
    size_t k = len[i] < cap - 1 - at ? len[i] : cap - 1 - at;
    memcpy(line + at, piece[i], k);
    at += k;
  }
  line[at] = 0;
}

static bool expert_lines(tbuf *t, const dx_node *n, int depth, char *tmp) {
  const char *sev, *grp, *msg;
  if (dx_node_expert(n, &sev, &grp, &msg) != DX_OK)
    return false;
  char lab[TB_LABEL], line[TB_LABEL + 64];
  size_t ll = dx_node_label(n, lab, sizeof lab);
  if (ll >= sizeof lab)
    ll = strlen(lab);
  size_t ml = strlen(msg);
  if (ml >= 2 && msg[0] == '[' && msg[ml - 1] == ']') { /* a message that wears brackets */
    msg++;
    ml -= 2;
  }
  if (ml > TB_LABEL - 64)
    ml = TB_LABEL - 64;
  size_t sl = strlen(sev), gl = strlen(grp);
  line_cat(line, sizeof line,
           (const char *const[]){"[Expert Info (", sev, "/", grp, "): ", msg, "]"},
           (const size_t[]){14, sl, 1, gl, 3, ml, 1}, 7);
  tree_line(t, depth, line, tmp);
  if (ll && lab[0] == '[')
    tree_line(t, depth + 1, lab, tmp);
  else {
    line_cat(line, sizeof line, (const char *const[]){"[", lab, "]"},
             (const size_t[]){1, ll < TB_LABEL - 3 ? ll : TB_LABEL - 3, 1}, 3);
    tree_line(t, depth + 1, line, tmp);
  }
  line_cat(line, sizeof line, (const char *const[]){"[Severity level: ", sev, "]"},
           (const size_t[]){17, sl, 1}, 3);
  tree_line(t, depth + 1, line, tmp);
  line_cat(line, sizeof line, (const char *const[]){"[Group: ", grp, "]"},
           (const size_t[]){8, gl, 1}, 3);
  tree_line(t, depth + 1, line, tmp);
  return true;
}

static void hex_block(tbuf *t, const uint8_t *d, uint32_t len);

/* The bytes a "data" layer covers, as a hex dump after a blank line
 * (tshark -V's print.c does this for its uninterpreted data). */
static void data_hex(tbuf *t, const dx_packet *p, const dx_node *n) {
  if (n->src >= p->nsources)
    return;
  const dx_source *src = &p->sources[n->src];
  if (n->offset >= src->len)
    return;
  uint32_t len = n->length < src->len - n->offset ? n->length : src->len - n->offset;
  tb_put(t, "\n", 1);
  hex_block(t, src->data + n->offset, len);
}

/* "    [Transport layer: segment]" under a protocol layer that has a role
 * (DX_TREE_ROLES). */
static void role_line(tbuf *t, const dx_node *n) {
  const char *unit, *role = dx_layer_role(n->field->abbrev, &unit);
  if (!role || !unit)
    return;
  tb_put(t, "    [", 5);
  tb_put(t, role, strlen(role));
  tb_put(t, " layer: ", 8);
  tb_put(t, unit, strlen(unit));
  tb_put(t, "]\n", 2);
}

static void tree_rec(tbuf *t, const dx_packet *p, const dx_node *n, int depth, char *tmp,
                     const proto_set *ps) {
  for (; n; n = n->next) {
    if (n->flags & DX_NODE_HIDDEN)
      continue;
    if (depth > 64)
      return;
    if (is_comment(n)) {
      comment_lines(t, n, depth);
      continue;
    }
    if ((n->flags & DX_NODE_EXPERT) && depth < 64 && expert_lines(t, n, depth, tmp)) {
      if (n->first_child)
        tree_rec(t, p, n->first_child, depth + 2, tmp, NULL);
      continue;
    }
    char *o = tb_room(t, TB_LINE);
    size_t ind = indent(depth);
    memset(o, ' ', ind);
    char *lab = o + ind;
    size_t ll = dx_node_label(n, lab, TB_LABEL);
    if (ll >= TB_LABEL)
      ll = strlen(lab); /* cut: what was written */
    char *end = lab + ll;
    if (dx_plain_run((const uint8_t *)lab, ll) != ll) {
      memcpy(tmp, lab, ll);
      end = escape_into(lab, tmp, ll);
    }
    *end++ = '\n';
    t->len += (size_t)(end - o);
    bool open = depth > 0 || expanded(ps, n);
    if ((t->flags & DX_TREE_DATA_HEX) && open && n->field->type == DX_FT_PROTOCOL &&
        strcmp(n->field->abbrev, "data") == 0)
      data_hex(t, p, n);
    if ((t->flags & DX_TREE_ROLES) && open && depth == 0)
      role_line(t, n);
    if (n->first_child && open)
      tree_rec(t, p, n->first_child, depth + 1, tmp, NULL);
  }
}

int dx_write_tree(FILE *out, const dx_packet *p) {
  return dx_write_tree_protos(out, p, NULL, 0);
}

int dx_write_tree_protos(FILE *out, const dx_packet *p, const char *const *protos, size_t n) {
  return dx_write_tree_opts(out, p, protos, n, 0);
}

int dx_write_tree_opts(FILE *out, const dx_packet *p, const char *const *protos, size_t n,
                       unsigned flags) {
  char buf[TB_SIZE], tmp[TB_LABEL];
  tbuf t = {out, 0, sizeof buf, buf, flags};
  proto_set ps = {protos, n};
  tree_rec(&t, p, p->root.first_child, 0, tmp, protos ? &ps : NULL);
  tb_put(&t, "\n", 1);
  tb_flush(&t);
  return ferror(out) ? DX_EIO : DX_OK;
}

/* "%04x  " of the offset (more digits past 0xffff), 16 "%02x " or "   ",
 * two spaces, the printable ASCII of the bytes ('.' for others), '\n'. */
static void hex_block(tbuf *t, const uint8_t *d, uint32_t len) {
  static const char hx[] = "0123456789abcdef";
  /* every offset as wide as the last one needs (tshark's: 4 digits up to
   * 0xffff, 5 for the whole dump of a larger source) */
  int width = 4;
  for (uint64_t last = len ? len - 1 : 0; width < 8 && last >> (4 * width); width++)
    ;
  for (uint32_t off = 0; off < len; off += 16) {
    char *line = tb_room(t, 128), *o = line;
    char num[8], *q = num + sizeof num;
    uint32_t v = off;
    do {
      *--q = hx[v & 15];
      v >>= 4;
    } while (v);
    while (num + sizeof num - q < width)
      *--q = '0';
    size_t nl = (size_t)(num + sizeof num - q);
    memcpy(o, q, nl);
    o += nl;
    *o++ = ' ';
    *o++ = ' ';
    for (uint32_t i = 0; i < 16; i++) {
      if (off + i < len) {
        o[0] = hx[d[off + i] >> 4];
        o[1] = hx[d[off + i] & 15];
      } else {
        o[0] = o[1] = ' ';
      }
      o[2] = ' ';
      o += 3;
    }
    *o++ = ' '; /* three spaces before the ASCII column, as tshark's */
    *o++ = ' ';
    for (uint32_t i = 0; i < 16 && off + i < len; i++) {
      uint8_t c = d[off + i];
      *o++ = (c >= 0x20 && c < 0x7f) ? (char)c : '.';
    }
    *o++ = '\n';
    t->len += (size_t)(o - line);
  }
}

int dx_write_hex(FILE *out, const dx_packet *p) {
  char buf[16384];
  tbuf t = {out, 0, sizeof buf, buf, 0};
  for (uint16_t i = 0; i < p->nsources; i++) {
    if (p->nsources > 1) {
      tb_escaped(&t, p->sources[i].name);
      tb_put(&t, ":\n", 2);
    }
    hex_block(&t, p->sources[i].data, p->sources[i].len);
  }
  tb_put(&t, "\n", 1); /* one blank line after the last source, as tshark's */
  tb_flush(&t);
  return ferror(out) ? DX_EIO : DX_OK;
}
