/*
 * Follow stream (`f`): the payload of both directions of the selected
 * packet's TCP (or UDP) stream, in capture order, each direction in its own
 * colour. What the stream holds is read by libdissect's story layer
 * (dx_follow_*, include/dissect/story.h): transport payload without
 * retransmissions, a label per TLS record, decrypted TLS plaintext, one line
 * per HTTP/2 or HTTP/3 frame. This file only lays them out and draws. Four
 * views, `t` cycles through the ones the stream has:
 *   HTTP/2  one line per HTTP/2 frame ("HEADERS[1] :method GET :path
 *           /index.html", its headers indented under it, "DATA[1] 153 bytes
 *           (End Stream)"), for HTTP/2 over TLS and cleartext h2c;
 *   HTTP/3  the same for HTTP/3 over a decrypted QUIC connection;
 *   TLS     the plaintext of the decrypted TLS application data records,
 *           as Wireshark's "Follow TLS Stream";
 *   TCP     the TCP (UDP) payload; TLS records are shown as labels
 *           ("[TLS Handshake: Client Hello, 517 bytes]") instead of
 *           ciphertext, and a stream that was not decrypted says so.
 * The first of them the stream has is shown first. Text has unprintable
 * bytes escaped; `h` shows a hex dump instead. `/` searches, n/N repeat.
 */
#define _GNU_SOURCE 1
#include "ui.h"

#include <curses.h>
#include <dissect/story.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { FV_H2, FV_H3, FV_TLS, FV_TCP, FV_COUNT };
static const char *const fv_name[FV_COUNT] = {"HTTP/2 frames", "HTTP/3 frames", "TLS decrypted",
                                              "TCP"};

/* the story layer's kinds of piece */
enum {
  CK_LABEL = DX_FOLLOW_RECORD,
  CK_RAW = DX_FOLLOW_PAYLOAD,
  CK_PLAIN = DX_FOLLOW_DECRYPTED,
  CK_H2 = DX_FOLLOW_HTTP2,
  CK_H3 = DX_FOLLOW_HTTP3
};

typedef struct chunk {
  int dir; /* 0 client->server, 1 server->client */
  int kind;
  size_t frame; /* index in the capture */
  const char *data;
  size_t len;
} chunk;

typedef struct fline {
  int dir; /* 0, 1; 2 a note of the view */
  size_t frame;
  char *text; /* escaped, printable */
} fline;

typedef struct follow_view {
  int kind;
  uint32_t id;
  dx_session *fs; /* holds the follow's byte budget */
  dx_follow *f;
  char caddr[48], saddr[48];
  unsigned cport, sport;
  int tls;    /* TLS records seen */
  int tls_hs; /* decrypted TLS handshake/alert records seen */
  int keylog; /* the session was given a key log file */
  chunk *ch;  /* the follow's pieces (their bytes belong to f) */
  size_t nch;
  size_t nkind[DX_FOLLOW_NKINDS];
  int quic;       /* QUIC packets seen */
  int quic_clear; /* QUIC packets decrypted past their Initial */
  size_t bytes[FV_COUNT][2];
  int truncated;
  int view;
  int hex;
  fline *ln;
  size_t nln, capln;
  int built_cols, built_hex, built_view;
  size_t top;
  char search[256];
  long hit; /* line of the last search hit, -1 none */
} follow_view;

static int on_packet(void *ctx, size_t frame, const dx_packet *p) {
  (void)frame;
  dx_follow *f = ctx;
  dx_follow_add_packet(f, p);
  return dx_follow_get_info(f)->truncated;
}

/* Copies what the story layer read into the view. */
static void take(follow_view *fv) {
  const dx_follow_info *in = dx_follow_get_info(fv->f);
  snprintf(fv->caddr, sizeof fv->caddr, "%s", in->client_addr);
  snprintf(fv->saddr, sizeof fv->saddr, "%s", in->server_addr);
  fv->cport = in->client_port;
  fv->sport = in->server_port;
  fv->tls = in->tls;
  fv->tls_hs = in->tls_handshake_decrypted;
  fv->quic = in->quic;
  fv->quic_clear = in->quic_decrypted;
  fv->truncated = in->truncated;
  for (int k = 0; k < DX_FOLLOW_NKINDS; k++)
    fv->nkind[k] = in->chunks[k];
  for (int d = 0; d < 2; d++) {
    fv->bytes[FV_TCP][d] = (size_t)in->bytes[DX_FOLLOW_PAYLOAD][d];
    fv->bytes[FV_TLS][d] = (size_t)in->bytes[DX_FOLLOW_DECRYPTED][d];
  }
  size_t n = dx_follow_count(fv->f);
  fv->ch = n ? malloc(n * sizeof *fv->ch) : NULL;
  if (!fv->ch)
    return;
  for (size_t i = 0; i < n; i++) {
    const dx_follow_chunk *c = dx_follow_chunk_at(fv->f, i);
    fv->ch[i] = (chunk){c->dir, c->kind, c->frame ? (size_t)c->frame - 1 : 0, (const char *)c->data,
                        c->len};
  }
  fv->nch = n;
}

/* ---- lines of the view --------------------------------------------------- */
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

/* A run of consecutive chunks of one direction, wrapped as one text (a
 * line split across two TLS records or TCP segments stays one line). */
typedef struct run {
  const chunk *ch;
  size_t n;
  const char *buf;
  size_t len;
} run;

static size_t run_frame(const run *r, size_t off) {
  size_t pos = 0;
  for (size_t k = 0; k < r->n; k++) {
    pos += r->ch[k].len;
    if (off < pos)
      return r->ch[k].frame;
  }
  return r->ch[r->n - 1].frame;
}

/* Splits text into lines of at most w escaped columns (escapes are ASCII,
 * so columns = bytes except for UTF-8, which draw_escape keeps). */
static void wrap_text(follow_view *fv, int dir, const run *r, int w) {
  const char *s = r->buf;
  size_t n = r->len;
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
      size_t frame = run_frame(r, start);
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

static int has_view(const follow_view *fv, int v) {
  switch (v) {
  case FV_H2: return fv->nkind[CK_H2] > 0;
  case FV_H3: return fv->nkind[CK_H3] > 0;
  case FV_TLS: return fv->nkind[CK_PLAIN] > 0;
  default: return 1;
  }
}

static int next_view(const follow_view *fv, int v) {
  for (int k = 1; k <= FV_COUNT; k++) {
    int n = (v + k) % FV_COUNT;
    if (has_view(fv, n))
      return n;
  }
  return v;
}

static void note(follow_view *fv, const char *s) {
  add_line(fv, 2, 0, s, strlen(s));
}

static void build_lines(follow_view *fv, int cols) {
  free_lines(fv);
  int w = cols > 10 ? cols - 1 : 10;
  size_t offs[2] = {0, 0};
  int v = fv->view;
  if (v == FV_TCP && fv->quic && !fv->nkind[CK_H3]) {
    if (fv->quic_clear)
      note(fv, "QUIC: decrypted, but no HTTP/3 on this connection");
    else if (fv->keylog)
      note(fv, "QUIC: encrypted past its Initial packets: the key log has no keys for this "
               "connection");
    else
      note(fv, "QUIC: encrypted past its Initial packets: no key log (dissect-tui --keylog FILE)");
  }
  if (v == FV_TCP && fv->tls && !fv->nkind[CK_PLAIN]) {
    if (fv->tls_hs)
      note(fv, "decrypted: the handshake only, no application data on this connection");
    else if (fv->keylog)
      note(fv, "encrypted: the key log has no keys for this connection");
    else
      note(fv, "encrypted: no key log for this connection (dissect-tui --keylog FILE)");
  }
  int kind = v == FV_TLS ? CK_PLAIN : v == FV_H2 ? CK_H2 : v == FV_H3 ? CK_H3 : CK_RAW;
  for (size_t i = 0; i < fv->nch; i++) {
    const chunk *c = &fv->ch[i];
    if (v == FV_TCP && c->kind == CK_LABEL) {
      add_line(fv, c->dir, c->frame, c->data, c->len);
      continue;
    }
    if (c->kind != kind)
      continue;
    if (v == FV_H2 || v == FV_H3) {
      run r = {c, 1, c->data, c->len};
      wrap_text(fv, c->dir, &r, w);
      continue;
    }
    if (fv->hex) {
      hex_lines(fv, c->dir, c->frame, (const uint8_t *)c->data, c->len, offs);
      continue;
    }
    if (v == FV_TCP && fv->tls)
      continue; /* ciphertext: the labels stand for it */
    /* the run of chunks of this kind and direction from here on */
    size_t j = i + 1, len = c->len;
    while (j < fv->nch && (fv->ch[j].kind != kind || fv->ch[j].dir == c->dir) &&
           !(v == FV_TCP && fv->ch[j].kind == CK_LABEL)) {
      if (fv->ch[j].kind == kind)
        len += fv->ch[j].len;
      j++;
    }
    /* chunks of other kinds in between are skipped: copy those of ours */
    size_t nr = 0;
    for (size_t k = i; k < j; k++)
      nr += fv->ch[k].kind == kind;
    chunk *rc = malloc(nr * sizeof *rc);
    char *buf = malloc(len ? len : 1);
    if (rc && buf) {
      size_t pos = 0, m = 0;
      for (size_t k = i; k < j; k++) {
        if (fv->ch[k].kind != kind)
          continue;
        rc[m++] = fv->ch[k];
        memcpy(buf + pos, fv->ch[k].data, fv->ch[k].len);
        pos += fv->ch[k].len;
      }
      run r = {rc, nr, buf, len};
      wrap_text(fv, c->dir, &r, w);
    }
    free(rc);
    free(buf);
    i = j - 1;
  }
  fv->built_cols = cols;
  fv->built_hex = fv->hex;
  fv->built_view = v;
}

void follow_close(app *a) {
  follow_view *fv = a->follow;
  if (!fv)
    return;
  free_lines(fv);
  free(fv->ch);
  dx_follow_free(fv->f);
  dx_session_free(fv->fs);
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
  fv->keylog = a->ix.keylog[0] != 0;
  if (index_new_session(&a->ix, &fv->fs) != DX_OK || dx_follow_new(&fv->f, fv->fs, 0) != DX_OK) {
    dx_session_free(fv->fs);
    free(fv);
    app_message(a, 1, "follow: out of memory");
    return;
  }
  /* the connection's frames: a QUIC connection's on every UDP stream of it */
  size_t nfr = 0;
  uint32_t first_stream = id;
  uint32_t *fr = tui_conn_frames(&a->ix, kind, id, &nfr, &first_stream);
  if (fr)
    index_walk_frames(&a->ix, fr, nfr, kind, first_stream, on_packet, fv->f);
  free(fr);
  take(fv);
  /* the most readable view the stream has */
  fv->view = has_view(fv, FV_H2)    ? FV_H2
             : has_view(fv, FV_H3)  ? FV_H3
             : has_view(fv, FV_TLS) ? FV_TLS
                                    : FV_TCP;
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
    if (fv->ln[i].dir != 2 && strcasestr(fv->ln[i].text, fv->search)) {
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
    if (fv->view == FV_H2 || fv->view == FV_H3) {
      app_message(a, 0, "the HTTP/%c view is text: t shows the bytes (then h for hex)",
                  fv->view == FV_H2 ? '2' : '3');
      return;
    }
    fv->hex = !fv->hex;
    fv->top = 0;
    fv->hit = -1;
    return;
  case 't': {
    int n = next_view(fv, fv->view);
    if (n == fv->view) {
      app_message(a, 0, "this stream has only the %s view", fv_name[n]);
      return;
    }
    fv->view = n;
    fv->top = 0;
    fv->hit = -1;
    app_message(a, 0, "follow: %s view", fv_name[n]);
    return;
  }
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
  if (fv->built_cols != a->cols || fv->built_hex != fv->hex || fv->built_view != fv->view)
    build_lines(fv, a->cols);
  char ca[64], sa[64], title[512];
  draw_escape(fv->caddr, strlen(fv->caddr), ca, sizeof ca);
  draw_escape(fv->saddr, strlen(fv->saddr), sa, sizeof sa);
  int nviews = has_view(fv, FV_H2) + has_view(fv, FV_H3) + has_view(fv, FV_TLS) + 1;
  snprintf(title, sizeof title,
           "Follow %s stream %u: %s:%u -> %s:%u  [%s%s]  (%sh hex/ASCII, / find, Esc back)",
           fv->kind == SK_TCP ? "TCP" : "UDP", fv->id, ca, fv->cport, sa, fv->sport,
           fv_name[fv->view],
           fv->view == FV_H2 || fv->view == FV_H3 ? ""
           : fv->hex                              ? ", hex"
                                                  : ", ASCII",
           nviews > 1 ? "t view, " : "");
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
    int attr = fv->ln[i].dir == 2   ? (int)A_BOLD
               : fv->ln[i].dir == 0 ? draw_pair(PAIR_CLIENT)
                                    : draw_pair(PAIR_SERVER);
    if ((long)i == fv->hit)
      attr |= A_REVERSE;
    attrset(attr);
    draw_text(1 + r, 0, a->cols, fv->ln[i].text, (size_t)-1);
    attrset(A_NORMAL);
  }
  if (fv->nln == 0)
    mvaddstr(1, 0, "This stream carries no payload.");
  /* the status line: the view, the key to the next one, the byte counts */
  char foot[512], keyhint[64] = "";
  if (nviews > 1)
    snprintf(keyhint, sizeof keyhint, " t: %s", fv_name[next_view(fv, fv->view)]);
  int bv =
      fv->view == FV_H2 || fv->view == FV_H3 ? (has_view(fv, FV_TLS) ? FV_TLS : FV_TCP) : fv->view;
  snprintf(foot, sizeof foot, "[%s]%s | client sent %zu, server %zu bytes%s%s%s", fv_name[fv->view],
           keyhint, fv->bytes[bv][0], fv->bytes[bv][1], bv == FV_TLS ? ", decrypted" : "",
           fv->view == FV_TCP && fv->tls ? ", TLS as labels" : "",
           fv->truncated ? " (truncated at 16 MiB)" : "");
  attrset(A_BOLD);
  draw_fill(a->rows - 2, 0, a->cols);
  draw_text(a->rows - 2, 0, a->cols, foot, (size_t)-1);
  attrset(A_NORMAL);
}
