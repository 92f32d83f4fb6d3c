/*
 * Follow stream (`f`): the payload of both directions of the selected
 * packet's TCP (or UDP) stream, in capture order, each direction in its own
 * colour. Retransmissions are skipped. TLS records are shown as labels
 * ("[TLS Handshake: Client Hello, 517 bytes]") instead of ciphertext; other
 * payload (HTTP, ...) as text with unprintable bytes escaped, or as a hex
 * dump (`h`). `/` searches, n/N repeat.
 */
#define _GNU_SOURCE 1
#include "ui.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FOLLOW_MAX_BYTES (16u << 20) /* payload kept for one view */

typedef struct chunk {
  int dir; /* 0 client->server, 1 server->client */
  size_t frame;
  int label; /* data is a label, not payload */
  char *data;
  size_t len;
} chunk;

typedef struct fline {
  int dir;
  size_t frame;
  char *text; /* escaped, printable */
} fline;

typedef struct follow_view {
  int kind;
  uint32_t id;
  char caddr[48], saddr[48];
  unsigned cport, sport;
  int have_ends;
  int tls;
  chunk *ch;
  size_t nch, capch;
  size_t bytes[2];
  size_t total;
  int truncated;
  int hex;
  fline *ln;
  size_t nln, capln;
  int built_cols, built_hex;
  size_t top;
  char search[256];
  long hit; /* line of the last search hit, -1 none */
} follow_view;

static int add_chunk(follow_view *fv, int dir, size_t frame, int label, const void *d, size_t n) {
  if (fv->total + n > FOLLOW_MAX_BYTES) {
    fv->truncated = 1;
    return -1;
  }
  if (fv->nch == fv->capch) {
    size_t nc = fv->capch ? fv->capch * 2 : 64;
    chunk *c = realloc(fv->ch, nc * sizeof *c);
    if (!c)
      return -1;
    fv->ch = c;
    fv->capch = nc;
  }
  char *copy = malloc(n ? n : 1);
  if (!copy)
    return -1;
  if (n)
    memcpy(copy, d, n);
  fv->ch[fv->nch++] = (chunk){dir, frame, label, copy, n};
  fv->total += n;
  if (!label)
    fv->bytes[dir] += n;
  return 0;
}

static void value(const dx_node *n, char *buf, size_t len) {
  buf[0] = 0;
  if (n)
    dx_node_value(n, buf, len);
}

static const dx_node *find_in(const dx_node *n, const char *name, int depth) {
  for (const dx_node *c = dx_node_first_child(n); c; c = dx_node_next(c)) {
    if (strcmp(dx_node_name(c), name) == 0)
      return c;
    if (depth < 32) {
      const dx_node *r = find_in(c, name, depth + 1);
      if (r)
        return r;
    }
  }
  return NULL;
}

static const char *hs_name(unsigned t) {
  switch (t) {
  case 1: return "Client Hello";
  case 2: return "Server Hello";
  case 4: return "New Session Ticket";
  case 8: return "Encrypted Extensions";
  case 11: return "Certificate";
  case 12: return "Server Key Exchange";
  case 13: return "Certificate Request";
  case 14: return "Server Hello Done";
  case 15: return "Certificate Verify";
  case 16: return "Client Key Exchange";
  case 20: return "Finished";
  default: return "Handshake message";
  }
}

/* "[TLS Handshake: Client Hello, 517 bytes]" for one record. */
static void record_label(const dx_node *rec, char *out, size_t len) {
  const dx_node *ct = find_in(rec, "tls.record.content_type", 0);
  if (!ct)
    ct = find_in(rec, "tls.record.opaque_type", 0);
  const dx_node *rl = find_in(rec, "tls.record.length", 0);
  unsigned long bytes = rl ? (unsigned long)dx_node_uint(rl) + 5 : dx_node_length(rec);
  unsigned type = ct ? (unsigned)dx_node_uint(ct) : 0;
  char names[256] = "";
  size_t nl = 0;
  if (type == 22) {
    const dx_node *stack[40];
    int depth = 0;
    const dx_node *c = dx_node_first_child(rec);
    while (c) {
      if (strcmp(dx_node_name(c), "tls.handshake.type") == 0 && nl + 40 < sizeof names)
        nl += (size_t)snprintf(names + nl, sizeof names - nl, "%s%s", nl ? ", " : "",
                               hs_name((unsigned)dx_node_uint(c)));
      if (dx_node_first_child(c) && depth < 40) {
        stack[depth++] = c;
        c = dx_node_first_child(c);
        continue;
      }
      c = dx_node_next(c);
      while (!c && depth > 0)
        c = dx_node_next(stack[--depth]);
    }
    snprintf(out, len, "[TLS Handshake: %s, %lu bytes]", nl ? names : "encrypted", bytes);
  } else if (type == 20) {
    snprintf(out, len, "[TLS Change Cipher Spec, %lu bytes]", bytes);
  } else if (type == 21) {
    snprintf(out, len, "[TLS Alert, %lu bytes]", bytes);
  } else if (type == 23) {
    snprintf(out, len, "[TLS Application Data, %lu bytes]", bytes);
  } else {
    snprintf(out, len, "[TLS record type %u, %lu bytes]", type, bytes);
  }
}

typedef struct walk_ctx {
  follow_view *fv;
} walk_ctx;

static void endpoint(const dx_packet *p, int kind, int src, char *addr, size_t alen,
                     unsigned *port) {
  const dx_node *a = dx_packet_find_name(p, src ? "ip.src" : "ip.dst");
  if (!a)
    a = dx_packet_find_name(p, src ? "ipv6.src" : "ipv6.dst");
  value(a, addr, alen);
  const char *pn = kind == SK_TCP ? (src ? "tcp.srcport" : "tcp.dstport")
                                  : (src ? "udp.srcport" : "udp.dstport");
  const dx_node *pt = dx_packet_find_name(p, pn);
  *port = pt ? (unsigned)dx_node_uint(pt) : 0;
}

static int on_packet(void *vctx, size_t frame, const dx_packet *p) {
  follow_view *fv = ((walk_ctx *)vctx)->fv;
  char sa[48];
  unsigned sp;
  endpoint(p, fv->kind, 1, sa, sizeof sa, &sp);
  if (!fv->have_ends) {
    const dx_node *syn = dx_packet_find_name(p, "tcp.flags.syn");
    const dx_node *ack = dx_packet_find_name(p, "tcp.flags.ack");
    int swap = syn && dx_node_uint(syn) && ack && dx_node_uint(ack);
    endpoint(p, fv->kind, !swap, fv->caddr, sizeof fv->caddr, &fv->cport);
    endpoint(p, fv->kind, swap, fv->saddr, sizeof fv->saddr, &fv->sport);
    fv->have_ends = 1;
  }
  int dir = strcmp(sa, fv->caddr) == 0 && sp == fv->cport ? 0 : 1;
  if (dx_packet_find_name(p, "tcp.analysis.retransmission"))
    return 0;
  /* TLS records of this packet, as labels */
  const dx_node *tls = dx_packet_find_name(p, "tls.record");
  for (const dx_node *r = tls; r; r = dx_packet_find_next(p, r)) {
    char lab[400];
    record_label(r, lab, sizeof lab);
    add_chunk(fv, dir, frame, 1, lab, strlen(lab));
    fv->tls = 1;
  }
  const dx_node *pl = dx_packet_find_name(p, fv->kind == SK_TCP ? "tcp.payload" : "udp.payload");
  if (!pl && fv->kind == SK_UDP)
    pl = dx_packet_find_name(p, "data.data");
  if (pl) {
    size_t n = 0;
    const uint8_t *b = dx_node_bytes(pl, &n);
    if (b && n)
      add_chunk(fv, dir, frame, 0, b, n);
  }
  return fv->truncated;
}

static void free_lines(follow_view *fv) {
  for (size_t i = 0; i < fv->nln; i++)
    free(fv->ln[i].text);
  free(fv->ln);
  fv->ln = NULL;
  fv->nln = fv->capln = 0;
}

static void add_line(follow_view *fv, int dir, size_t frame, const char *t, size_t n) {
  if (fv->nln == fv->capln) {
    size_t nc = fv->capln ? fv->capln * 2 : 256;
    fline *l = realloc(fv->ln, nc * sizeof *l);
    if (!l)
      return;
    fv->ln = l;
    fv->capln = nc;
  }
  char *c = malloc(n + 1);
  if (!c)
    return;
  memcpy(c, t, n);
  c[n] = 0;
  fv->ln[fv->nln++] = (fline){dir, frame, c};
}

/* Splits text into lines of at most w escaped columns (escapes are ASCII,
 * so columns = bytes except for UTF-8, which draw_escape keeps). */
static void wrap_text(follow_view *fv, int dir, size_t frame, const char *s, size_t n, int w) {
  char *esc = malloc(n * 4 + 1);
  if (!esc)
    return;
  size_t start = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i == n || s[i] == '\n') {
      size_t end = i;
      if (end > start && s[end - 1] == '\r')
        end--;
      if (i == n && end == start)
        break;
      size_t el = draw_escape(s + start, end - start, esc, n * 4 + 1);
      size_t off = 0;
      do {
        size_t take = el - off > (size_t)w ? (size_t)w : el - off;
        /* do not split a \xHH escape or a UTF-8 sequence */
        while (take < el - off && take > 0 && (((unsigned char)esc[off + take] & 0xc0) == 0x80))
          take--;
        add_line(fv, dir, frame, esc + off, take);
        off += take;
        if (take == 0)
          break;
      } while (off < el);
      start = i + 1;
    }
  }
  free(esc);
}

static void hex_lines(follow_view *fv, int dir, size_t frame, const uint8_t *d, size_t n,
                      size_t *offs) {
  char line[128];
  for (size_t i = 0; i < n; i += 16) {
    int p = snprintf(line, sizeof line, "%08zx  ", offs[dir] + i);
    for (size_t k = 0; k < 16; k++) {
      if (i + k < n)
        p += snprintf(line + p, sizeof line - (size_t)p, "%02x ", d[i + k]);
      else
        p += snprintf(line + p, sizeof line - (size_t)p, "   ");
      if (k == 7)
        line[p++] = ' ';
    }
    line[p++] = ' ';
    for (size_t k = 0; k < 16 && i + k < n; k++)
      line[p++] = d[i + k] >= 0x20 && d[i + k] < 0x7f ? (char)d[i + k] : '.';
    line[p] = 0;
    add_line(fv, dir, frame, line, (size_t)p);
  }
  offs[dir] += n;
}

static void build_lines(follow_view *fv, int cols) {
  free_lines(fv);
  int w = cols > 10 ? cols - 1 : 10;
  size_t offs[2] = {0, 0};
  for (size_t i = 0; i < fv->nch; i++) {
    const chunk *c = &fv->ch[i];
    if (fv->tls && !c->label)
      continue; /* ciphertext: the labels stand for it */
    if (c->label)
      add_line(fv, c->dir, c->frame, c->data, c->len);
    else if (fv->hex)
      hex_lines(fv, c->dir, c->frame, (const uint8_t *)c->data, c->len, offs);
    else
      wrap_text(fv, c->dir, c->frame, c->data, c->len, w);
  }
  fv->built_cols = cols;
  fv->built_hex = fv->hex;
}

void follow_close(app *a) {
  follow_view *fv = a->follow;
  if (!fv)
    return;
  free_lines(fv);
  for (size_t i = 0; i < fv->nch; i++)
    free(fv->ch[i].data);
  free(fv->ch);
  free(fv);
  a->follow = NULL;
  if (a->view == VIEW_FOLLOW)
    a->view = VIEW_MAIN;
}

void follow_open(app *a) {
  int kind;
  uint32_t id;
  if (!app_selected_stream(a, &kind, &id)) {
    app_message(a, 1, "follow needs a TCP or UDP packet: select one first");
    return;
  }
  follow_close(a);
  follow_view *fv = calloc(1, sizeof *fv);
  if (!fv)
    return;
  fv->kind = kind;
  fv->id = id;
  fv->hit = -1;
  walk_ctx w = {fv};
  index_walk_stream(&a->ix, kind, id, on_packet, &w);
  fv->built_cols = -1;
  a->follow = fv;
  a->view = VIEW_FOLLOW;
}

void follow_search(app *a, const char *s, int dir) {
  follow_view *fv = a->follow;
  if (!fv)
    return;
  if (s)
    snprintf(fv->search, sizeof fv->search, "%s", s);
  if (!fv->search[0] || !fv->nln)
    return;
  size_t start = fv->hit >= 0 ? (size_t)fv->hit : fv->top;
  for (size_t k = 1; k <= fv->nln; k++) {
    size_t i = dir > 0 ? (start + k) % fv->nln : (start + fv->nln - k % fv->nln) % fv->nln;
    if (strcasestr(fv->ln[i].text, fv->search)) {
      fv->hit = (long)i;
      fv->top = i > 2 ? i - 2 : 0;
      app_message(a, 0, "\"%s\" found (frame %zu)", fv->search, fv->ln[i].frame + 1);
      return;
    }
  }
  app_message(a, 1, "\"%s\" not found in the stream", fv->search);
}

void follow_key(app *a, int ch) {
  follow_view *fv = a->follow;
  if (!fv) {
    a->view = VIEW_MAIN;
    return;
  }
  size_t page = a->rows > 4 ? (size_t)a->rows - 4 : 1;
  switch (ch) {
  case 'q':
  case 27:
  case 'f': follow_close(a); return;
  case 'h':
    fv->hex = !fv->hex;
    fv->top = 0;
    fv->hit = -1;
    return;
  case '/': prompt_open(a, 3); return;
  case 'n': follow_search(a, NULL, 1); return;
  case 'N': follow_search(a, NULL, -1); return;
  case 'j':
  case KEY_DOWN: fv->top++; break;
  case 'k':
  case KEY_UP:
    if (fv->top > 0)
      fv->top--;
    break;
  case KEY_NPAGE:
  case ' ': fv->top += page; break;
  case KEY_PPAGE:
  case 'b': fv->top = fv->top > page ? fv->top - page : 0; break;
  case 'g':
  case KEY_HOME: fv->top = 0; break;
  case 'G':
  case KEY_END: fv->top = fv->nln; break;
  default: break;
  }
}

void follow_draw(app *a) {
  follow_view *fv = a->follow;
  if (!fv)
    return;
  if (fv->built_cols != a->cols || fv->built_hex != fv->hex)
    build_lines(fv, a->cols);
  char ca[64], sa[64], title[512];
  draw_escape(fv->caddr, strlen(fv->caddr), ca, sizeof ca);
  draw_escape(fv->saddr, strlen(fv->saddr), sa, sizeof sa);
  snprintf(title, sizeof title,
           "Follow %s stream %u: %s:%u -> %s:%u  [%s]  (h hex/ASCII, / find, Esc back)",
           fv->kind == SK_TCP ? "TCP" : "UDP", fv->id, ca, fv->cport, sa, fv->sport,
           fv->hex ? "hex" : "ASCII");
  draw_hline_title(0, title, 1);
  int body = a->rows - 3;
  if (body < 1)
    body = 1;
  if (fv->nln > (size_t)body && fv->top > fv->nln - (size_t)body)
    fv->top = fv->nln - (size_t)body;
  if (fv->nln <= (size_t)body)
    fv->top = 0;
  for (int r = 0; r < body; r++) {
    size_t i = fv->top + (size_t)r;
    if (i >= fv->nln)
      break;
    int attr = draw_pair(fv->ln[i].dir == 0 ? PAIR_CLIENT : PAIR_SERVER);
    if ((long)i == fv->hit)
      attr |= A_REVERSE;
    attrset(attr);
    draw_text(1 + r, 0, a->cols, fv->ln[i].text, (size_t)-1);
    attrset(A_NORMAL);
  }
  if (fv->nln == 0)
    mvaddstr(1, 0, "This stream carries no payload.");
  char foot[256];
  snprintf(foot, sizeof foot, "client %s:%u sent %zu bytes, server sent %zu bytes%s%s", ca,
           fv->cport, fv->bytes[0], fv->bytes[1], fv->tls ? " (TLS records shown as labels)" : "",
           fv->truncated ? " (truncated at 16 MiB)" : "");
  attrset(A_BOLD);
  draw_fill(a->rows - 2, 0, a->cols);
  draw_text(a->rows - 2, 0, a->cols, foot, (size_t)-1);
  attrset(A_NORMAL);
}
