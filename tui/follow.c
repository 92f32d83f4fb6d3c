/*
 * Follow stream (`f`): the payload of both directions of the selected
 * packet's TCP (or UDP) stream, in capture order, each direction in its own
 * colour. Retransmissions are skipped. Four views, `t` cycles through the
 * ones the stream has:
 *   HTTP/2  one line per HTTP/2 frame read from the http2 fields
 *           ("HEADERS[1] :method: GET  :path: /index.html", its headers
 *           indented under it, "DATA[1] 153 bytes (End Stream)"), for
 *           HTTP/2 over TLS and cleartext h2c;
 *   HTTP/3  the same for HTTP/3 over a decrypted QUIC connection (a UDP
 *           stream): one line per HTTP/3 frame with its QUIC stream,
 *           "HEADERS[0] :method GET :path /index.html", DATA with its text;
 *   TLS     the plaintext of the decrypted TLS application data records
 *           (the packets' "Decrypted TLS" data sources, handshake and alert
 *           records left out), as Wireshark's "Follow TLS Stream";
 *   TCP     the TCP (UDP) payload; TLS records are shown as labels
 *           ("[TLS Handshake: Client Hello, 517 bytes]") instead of
 *           ciphertext, and a TLS stream that was not decrypted says so.
 * The first of them the stream has is shown first. Text has unprintable
 * bytes escaped; `h` shows a hex dump instead. `/` searches, n/N repeat.
 * Only fields and data sources are read: no protocol is parsed here.
 */
#define _GNU_SOURCE 1
#include "ui.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FOLLOW_MAX_BYTES (16u << 20) /* payload kept for one view */

enum { FV_H2, FV_H3, FV_TLS, FV_TCP, FV_COUNT };
static const char *const fv_name[FV_COUNT] = {"HTTP/2 frames", "HTTP/3 frames", "TLS decrypted",
                                              "TCP"};

enum {
  CK_LABEL, /* TLS record label (TCP view) */
  CK_RAW,   /* TCP/UDP payload (TCP view) */
  CK_PLAIN, /* decrypted TLS application data (TLS view) */
  CK_H2,    /* one line of the HTTP/2 view (raw text, escaped when drawn) */
  CK_H3     /* one line of the HTTP/3 view */
};

typedef struct chunk {
  int dir; /* 0 client->server, 1 server->client */
  int kind;
  size_t frame;
  char *data;
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
  char caddr[48], saddr[48];
  unsigned cport, sport;
  int have_ends;
  int tls;    /* TLS records seen */
  int tls_hs; /* decrypted TLS handshake/alert records seen */
  int keylog; /* the session was given a key log file */
  chunk *ch;
  size_t nch, capch;
  size_t nkind[5];
  int quic;       /* QUIC packets seen */
  int quic_clear; /* QUIC packets decrypted past their Initial */
  size_t bytes[FV_COUNT][2];
  size_t total;
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

static int add_chunk(follow_view *fv, int dir, size_t frame, int kind, const void *d, size_t n) {
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
  fv->ch[fv->nch++] = (chunk){dir, kind, frame, copy, n};
  fv->nkind[kind]++;
  fv->total += n;
  if (kind == CK_RAW)
    fv->bytes[FV_TCP][dir] += n;
  else if (kind == CK_PLAIN)
    fv->bytes[FV_TLS][dir] += n;
  return 0;
}

/* "[TLS Handshake: Client Hello, 517 bytes]" for one record. */
static void record_label(const dx_node *rec, char *out, size_t len) {
  const dx_node *ct = tui_find_in(rec, "tls.record.content_type", 0);
  if (!ct)
    ct = tui_find_in(rec, "tls.record.opaque_type", 0);
  const dx_node *rl = tui_find_in(rec, "tls.record.length", 0);
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
                               tui_hs_name_or((unsigned)dx_node_uint(c), "Handshake message"));
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

/* ---- decrypted TLS: which data sources are application data ------------ */
#define MAX_SRC 64
enum { SRC_HANDSHAKE = 1 };

/* Marks the "Decrypted TLS" sources that hold a handshake, alert or other
 * non-application record: a node of that source is a tls.handshake* or
 * tls.alert* field, or the record's (inner) content type is not 23. */
static void classify_sources(const dx_packet *p, unsigned char *flags, size_t nsrc) {
  const dx_node *stack[64];
  int depth = 0;
  const dx_node *c = dx_node_first_child(dx_packet_root(p));
  while (c) {
    unsigned s = dx_node_source(c);
    if (s > 0 && s < nsrc) {
      const char *nm = dx_node_name(c);
      if (strncmp(nm, "tls.handshake", 13) == 0 || strncmp(nm, "tls.alert", 9) == 0 ||
          (strcmp(nm, "tls.record.content_type") == 0 && dx_node_uint(c) != 23))
        flags[s] |= SRC_HANDSHAKE;
    }
    if (dx_node_first_child(c) && depth < 64) {
      stack[depth++] = c;
      c = dx_node_first_child(c);
      continue;
    }
    c = dx_node_next(c);
    while (!c && depth > 0)
      c = dx_node_next(stack[--depth]);
  }
}

static void decrypted_sources(follow_view *fv, const dx_packet *p, size_t frame, int dir) {
  size_t nsrc = dx_packet_source_count(p);
  if (nsrc < 2)
    return;
  if (nsrc > MAX_SRC)
    nsrc = MAX_SRC;
  unsigned char flags[MAX_SRC] = {0};
  int any = 0;
  for (size_t i = 1; i < nsrc; i++)
    if (strncmp(dx_packet_source_name(p, i), "Decrypted TLS", 13) == 0)
      any = 1;
  if (!any)
    return;
  classify_sources(p, flags, nsrc);
  for (size_t i = 1; i < nsrc; i++) {
    if (strncmp(dx_packet_source_name(p, i), "Decrypted TLS", 13) != 0)
      continue;
    if (flags[i] & SRC_HANDSHAKE) {
      fv->tls_hs = 1;
      continue;
    }
    size_t n = 0;
    const uint8_t *d = dx_packet_source_data(p, i, &n);
    if (d && n)
      add_chunk(fv, dir, frame, CK_PLAIN, d, n);
  }
}

/* ---- HTTP/2 frames, from the http2 fields ---------------------------- */
/* The text after "Name: " of a node's label, without a trailing " (N)". */
static void label_value(const dx_node *n, char *out, size_t len) {
  char lab[512];
  out[0] = 0;
  if (!n)
    return;
  dx_node_label(n, lab, sizeof lab);
  const char *v = strstr(lab, ": ");
  v = v ? v + 2 : lab;
  size_t vl = strlen(v);
  if (vl >= len)
    vl = len - 1;
  memcpy(out, v, vl);
  out[vl] = 0;
  size_t l = strlen(out);
  if (l > 2 && out[l - 1] == ')') {
    char *open = strrchr(out, '(');
    if (open && open > out && open[-1] == ' ')
      open[-1] = 0;
  }
}

/* A node's label without the bit pattern of a bit field ("... = ") and
 * with "Settings - Name : value" as "Name: value". */
static void short_label(const dx_node *n, char *out, size_t len) {
  char lab[512];
  dx_node_label(n, lab, sizeof lab);
  const char *s = lab;
  const char *eq = strstr(s, " = ");
  if (eq)
    s = eq + 3;
  if (strncmp(s, "Settings - ", 11) == 0)
    s += 11;
  size_t o = 0;
  for (; *s && o + 1 < len; s++) {
    if (s[0] == ' ' && s[1] == ':' && s[2] == ' ')
      continue;
    out[o++] = *s;
  }
  out[o] = 0;
}

/* Up to max_lines lines of a DATA frame's payload when it is text (no
 * control byte but tab, CR, LF), indented under the frame's line. */
static void h2_body(follow_view *fv, int dir, size_t frame, const dx_node *data, int max_lines,
                    int kind) {
  size_t n = 0;
  const uint8_t *b = data ? dx_node_bytes(data, &n) : NULL;
  if (!b || !n)
    return;
  for (size_t i = 0; i < n; i++)
    if (b[i] < 0x20 && b[i] != '\t' && b[i] != '\r' && b[i] != '\n')
      return;
  char line[300];
  size_t start = 0;
  int shown = 0;
  for (size_t i = 0; i <= n && shown < max_lines; i++) {
    if (i < n && b[i] != '\n')
      continue;
    size_t end = i;
    if (end > start && b[end - 1] == '\r')
      end--;
    if (i == n && end == start)
      break;
    size_t l = end - start > 200 ? 200 : end - start;
    memcpy(line, "    ", 4);
    memcpy(line + 4, b + start, l);
    add_chunk(fv, dir, frame, kind, line, l + 4);
    shown++;
    start = i + 1;
  }
  if (start < n)
    add_chunk(fv, dir, frame, kind, "    ...", 7);
}

static void h2_line(follow_view *fv, int dir, size_t frame, const char *s) {
  add_chunk(fv, dir, frame, CK_H2, s, strlen(s));
}

static void h2_frame(follow_view *fv, const dx_node *st, size_t frame, int dir) {
  char line[1024], type[64], sid[32], v[512];
  const dx_node *magic = tui_find_in(st, "http2.magic", 0);
  if (magic) {
    h2_line(fv, dir, frame, "Magic (connection preface): PRI * HTTP/2.0");
    return;
  }
  const dx_node *tn = tui_find_in(st, "http2.type", 0);
  if (!tn)
    return;
  label_value(tn, type, sizeof type);
  tui_value(tui_find_in(st, "http2.streamid", 0), sid, sizeof sid);
  const dx_node *ln = tui_find_in(st, "http2.length", 0);
  unsigned long flen = ln ? (unsigned long)dx_node_uint(ln) : 0;
  /* flags as the label names them: "Flags: 0x05, End Headers, End Stream" */
  char flags[256] = "";
  const dx_node *fl = tui_find_in(st, "http2.flags", 0);
  if (fl) {
    char lab[256];
    dx_node_label(fl, lab, sizeof lab);
    const char *comma = strchr(lab, ',');
    if (comma)
      snprintf(flags, sizeof flags, " (%s)", comma + 2);
  }
  int hdrs = 0;
  size_t pl = (size_t)snprintf(line, sizeof line, "%s[%s]", type, sid);
  /* pseudo-headers on the frame's line, the others under it */
  for (const dx_node *h = dx_node_first_child(st); h; h = dx_node_next(h)) {
    if (strcmp(dx_node_name(h), "http2.header") != 0)
      continue;
    char name[256];
    tui_value(tui_find_in(h, "http2.header.name", 0), name, sizeof name);
    tui_value(tui_find_in(h, "http2.header.value", 0), v, sizeof v);
    if (name[0] == ':' && pl + 8 < sizeof line)
      pl += (size_t)snprintf(line + pl, sizeof line - pl, " %s %s", name, v);
    hdrs++;
  }
  if (!hdrs) {
    if (pl + 8 < sizeof line)
      pl += (size_t)snprintf(line + pl, sizeof line - pl, " %lu bytes", flen);
    /* what the frame says, as its fields label it (error code, window ...) */
    static const char *const detail[] = {
        "http2.rst_stream.error", "http2.goaway.error", "http2.goaway.last_stream_id",
        "http2.window_update.window_size_increment", "http2.settings"};
    int nd = 0;
    for (size_t k = 0; k < sizeof detail / sizeof detail[0]; k++) {
      for (const dx_node *d = dx_node_first_child(st); d; d = dx_node_next(d)) {
        if (strcmp(dx_node_name(d), detail[k]) != 0 || nd >= 6)
          continue;
        char lab[256];
        short_label(d, lab, sizeof lab);
        if (pl + 8 < sizeof line)
          pl += (size_t)snprintf(line + pl, sizeof line - pl, "%s%s", nd ? ", " : ": ", lab);
        nd++;
      }
    }
  }
  if (pl + 8 < sizeof line)
    snprintf(line + pl, sizeof line - pl, "%s", flags);
  h2_line(fv, dir, frame, line);
  for (const dx_node *h = dx_node_first_child(st); h; h = dx_node_next(h)) {
    if (strcmp(dx_node_name(h), "http2.header") != 0)
      continue;
    char name[256];
    tui_value(tui_find_in(h, "http2.header.name", 0), name, sizeof name);
    if (name[0] == ':')
      continue;
    tui_value(tui_find_in(h, "http2.header.value", 0), v, sizeof v);
    snprintf(line, sizeof line, "    %s: %s", name, v);
    h2_line(fv, dir, frame, line);
  }
  if (!hdrs)
    h2_body(fv, dir, frame, tui_find_in(st, "http2.data.data", 0), 8, CK_H2);
}

/* HTTP/3: the layers of a packet, one per QUIC STREAM frame; their
 * children are flat (frame type, length, payload, headers ... then the next
 * frame), so each frame's line is built as they come. */
static void h3_flush(follow_view *fv, int dir, size_t frame, char *line, size_t *pl,
                     const dx_node *ftype, const dx_node *data, int *pending) {
  if (!*pending)
    return;
  add_chunk(fv, dir, frame, CK_H3, line, *pl);
  /* the frame's other headers under its line, then a DATA body */
  for (const dx_node *c = ftype ? dx_node_next(ftype) : NULL;
       c && strcmp(dx_node_name(c), "http3.frame_type") != 0; c = dx_node_next(c)) {
    if (strcmp(dx_node_name(c), "http3.header") != 0)
      continue;
    char name[256], v[512], hl[800];
    tui_value(tui_find_in(c, "http3.header.name", 0), name, sizeof name);
    if (name[0] == ':')
      continue;
    tui_value(tui_find_in(c, "http3.header.value", 0), v, sizeof v);
    snprintf(hl, sizeof hl, "    %s: %s", name, v);
    add_chunk(fv, dir, frame, CK_H3, hl, strlen(hl));
  }
  if (data)
    h2_body(fv, dir, frame, data, 8, CK_H3);
  *pending = 0;
  *pl = 0;
}

static void h3_frames(follow_view *fv, const dx_packet *p, size_t frame, int dir) {
  for (const dx_node *h3 = dx_packet_find_name(p, "http3"); h3; h3 = dx_packet_find_next(p, h3)) {
    char line[1024], v[512], sid[32] = "?";
    size_t pl = 0;
    int pending = 0;
    uint64_t cur_type = 0;
    const dx_node *data = NULL, *ftype = NULL;
    tui_value(tui_find_in(h3, "http3.stream_id", 0), sid, sizeof sid);
    for (const dx_node *c = dx_node_first_child(h3); c; c = dx_node_next(c)) {
      const char *nm = dx_node_name(c);
      if (strcmp(nm, "http3.stream_type") == 0) {
        label_value(c, v, sizeof v);
        snprintf(line, sizeof line, "[QUIC stream %s: %s]", sid, v);
        add_chunk(fv, dir, frame, CK_H3, line, strlen(line));
      } else if (strcmp(nm, "http3.frame_type") == 0) {
        h3_flush(fv, dir, frame, line, &pl, ftype, data, &pending);
        data = NULL;
        ftype = c;
        label_value(c, v, sizeof v);
        pl = (size_t)snprintf(line, sizeof line, "%s[%s]", v, sid);
        pending = 1;
        cur_type = dx_node_uint(c);
        if (dx_node_uint(c) == 0)
          data = dx_node_next(dx_node_next(c)); /* length, then the payload */
        if (data && strcmp(dx_node_name(data), "http3.frame_payload") != 0)
          data = NULL;
      } else if (strcmp(nm, "http3.frame_length") == 0 && pending) {
        if (cur_type != 1 && pl + 32 < sizeof line)
          pl += (size_t)snprintf(line + pl, sizeof line - pl, " %lu bytes",
                                 (unsigned long)dx_node_uint(c));
      } else if (strcmp(nm, "http3.header") == 0 && pending) {
        char name[256];
        tui_value(tui_find_in(c, "http3.header.name", 0), name, sizeof name);
        tui_value(tui_find_in(c, "http3.header.value", 0), v, sizeof v);
        if (name[0] == ':' && pl + 8 < sizeof line)
          pl += (size_t)snprintf(line + pl, sizeof line - pl, " %s %s", name, v);
      } else if (strcmp(nm, "http3.data") == 0) {
        h3_flush(fv, dir, frame, line, &pl, ftype, data, &pending);
        snprintf(line, sizeof line, "DATA[%s] (continued) %u bytes", sid, dx_node_length(c));
        add_chunk(fv, dir, frame, CK_H3, line, strlen(line));
      }
      if (pl >= sizeof line)
        pl = sizeof line - 1;
    }
    h3_flush(fv, dir, frame, line, &pl, ftype, data, &pending);
  }
}

static void h2_frames(follow_view *fv, const dx_packet *p, size_t frame, int dir) {
  for (const dx_node *st = dx_packet_find_name(p, "http2.stream"); st;
       st = dx_packet_find_next(p, st))
    h2_frame(fv, st, frame, dir);
}

/* ---- the walk over the stream's packets -------------------------------- */
typedef struct walk_ctx {
  follow_view *fv;
} walk_ctx;

static void endpoint(const dx_packet *p, int kind, int src, char *addr, size_t alen,
                     unsigned *port) {
  const dx_node *a = dx_packet_find_name(p, src ? "ip.src" : "ip.dst");
  if (!a)
    a = dx_packet_find_name(p, src ? "ipv6.src" : "ipv6.dst");
  tui_value(a, addr, alen);
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
    add_chunk(fv, dir, frame, CK_LABEL, lab, strlen(lab));
    fv->tls = 1;
  }
  const dx_node *pl = dx_packet_find_name(p, fv->kind == SK_TCP ? "tcp.payload" : "udp.payload");
  if (!pl && fv->kind == SK_UDP)
    pl = dx_packet_find_name(p, "data.data");
  if (pl) {
    size_t n = 0;
    const uint8_t *b = dx_node_bytes(pl, &n);
    if (b && n)
      add_chunk(fv, dir, frame, CK_RAW, b, n);
  }
  decrypted_sources(fv, p, frame, dir);
  h2_frames(fv, p, frame, dir);
  if (dx_packet_find_name(p, "quic")) {
    fv->quic = 1;
    if (dx_packet_find_name(p, "quic.frame_type") && !dx_packet_find_name(p, "quic.token_length"))
      fv->quic_clear = 1;
  }
  h3_frames(fv, p, frame, dir);
  return fv->truncated;
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
  char *buf;
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
  fv->keylog = a->ix.keylog[0] != 0;
  walk_ctx w = {fv};
  index_walk_stream(&a->ix, kind, id, on_packet, &w);
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
