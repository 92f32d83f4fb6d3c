/*
 * Following a connection (include/dissect/story.h, dx_follow_*): what each
 * side of one TCP or UDP connection sent, read from dissected packets
 * through the public field API only, as the pieces a "follow stream" view
 * shows:
 *   - the transport payload (retransmissions left out);
 *   - one label per TLS record standing for its ciphertext
 *     ("[TLS Handshake: Client Hello, 517 bytes]");
 *   - the plaintext of decrypted TLS application data records (the packets'
 *     "Decrypted TLS" data sources that hold no handshake or alert);
 *   - one line of text per HTTP/2 frame and per HTTP/3 frame (pseudo-headers
 *     on the frame's line, the other headers and up to 8 lines of a text
 *     body under it).
 * Moved here from dissect-tui's follow view, which now only draws them.
 *
 * Memory: every piece kept counts against the session's byte budget for
 * buffers kept across packets, and against the follow's own cap
 * (max_bytes); past either, pieces are dropped and `truncated` says so.
 */
#include <dissect/story.h>

#include "core/session.h"

#include <stdlib.h>
#include <string.h>

#define FOLLOW_DEFAULT_MAX (16u << 20)
#define MAX_SRC 64

struct dx_follow {
  dx_session *s;
  uint64_t max_bytes, kept; /* payload bytes kept (the cap) */
  uint64_t charged;         /* bytes counted in the session's budget */
  dx_follow_chunk *ch;
  size_t n, cap;
  dx_follow_info info;
};

/* ---- budget ------------------------------------------------------------- */
static int charge(dx_follow *f, size_t n) {
  uint64_t max = f->s->cfg.max_total_stream_bytes;
  if (max && f->s->stream_bytes + n > max)
    return 0;
  f->s->stream_bytes += n;
  f->charged += n;
  return 1;
}

int dx_follow_new(dx_follow **out, dx_session *s, uint64_t max_bytes) {
  if (!out || !s)
    return DX_EINVAL;
  *out = NULL;
  dx_follow *f = calloc(1, sizeof *f);
  if (!f)
    return DX_ENOMEM;
  f->s = s;
  f->max_bytes = max_bytes ? max_bytes : FOLLOW_DEFAULT_MAX;
  if (!charge(f, sizeof *f)) {
    free(f);
    return DX_ENOMEM;
  }
  *out = f;
  return DX_OK;
}

void dx_follow_free(dx_follow *f) {
  if (!f)
    return;
  for (size_t i = 0; i < f->n; i++)
    free((void *)f->ch[i].data);
  free(f->ch);
  uint64_t c = f->charged;
  f->s->stream_bytes = f->s->stream_bytes >= c ? f->s->stream_bytes - c : 0;
  free(f);
}

size_t dx_follow_count(const dx_follow *f) {
  return f ? f->n : 0;
}
const dx_follow_chunk *dx_follow_chunk_at(const dx_follow *f, size_t i) {
  return f && i < f->n ? &f->ch[i] : NULL;
}
const dx_follow_info *dx_follow_get_info(const dx_follow *f) {
  return f ? &f->info : NULL;
}

/* Keeps one piece. Returns 0, or -1 when a cap said no (truncated). */
static int add_chunk(dx_follow *f, int dir, uint64_t frame, int kind, const void *d, size_t n) {
  if (f->kept + n > f->max_bytes) {
    f->info.truncated = 1;
    return -1;
  }
  if (f->n == f->cap) {
    size_t nc = f->cap ? f->cap * 2 : 64;
    if (!charge(f, (nc - f->cap) * sizeof *f->ch)) {
      f->info.truncated = 1;
      return -1;
    }
    dx_follow_chunk *c = realloc(f->ch, nc * sizeof *c);
    if (!c) {
      f->info.truncated = 1;
      return -1;
    }
    f->ch = c;
    f->cap = nc;
  }
  if (!charge(f, n + 1)) {
    f->info.truncated = 1;
    return -1;
  }
  uint8_t *copy = malloc(n + 1);
  if (!copy) {
    f->info.truncated = 1;
    return -1;
  }
  if (n)
    memcpy(copy, d, n);
  copy[n] = 0;
  f->ch[f->n++] = (dx_follow_chunk){dir, kind, frame, copy, n};
  f->info.chunks[kind]++;
  f->info.bytes[kind][dir] += n;
  f->kept += n;
  return 0;
}

/* ---- small readers of the tree ------------------------------------------- */
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
static void value_of(const dx_node *n, char *buf, size_t len) {
  buf[0] = 0;
  if (n)
    dx_node_value(n, buf, len);
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
      if (strcmp(dx_node_name(c), "tls.handshake.type") == 0 && nl + 40 < sizeof names) {
        const char *hn = dx_node_value_name(c);
        nl += (size_t)snprintf(names + nl, sizeof names - nl, "%s%s", nl ? ", " : "",
                               hn ? hn : "Handshake message");
      }
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

static void decrypted_sources(dx_follow *f, const dx_packet *p, uint64_t frame, int dir) {
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
      f->info.tls_handshake_decrypted = 1;
      continue;
    }
    size_t n = 0;
    const uint8_t *d = dx_packet_source_data(p, i, &n);
    if (d && n)
      add_chunk(f, dir, frame, DX_FOLLOW_DECRYPTED, d, n);
  }
}

/* ---- HTTP/2 and HTTP/3 frames, from their fields ------------------------ */
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

static void line(dx_follow *f, int dir, uint64_t frame, int kind, const char *s) {
  add_chunk(f, dir, frame, kind, s, strlen(s));
}

/* Up to max_lines lines of a DATA frame's payload when it is text (no
 * control byte but tab, CR, LF), indented under the frame's line. */
static void body_lines(dx_follow *f, int dir, uint64_t frame, const dx_node *data, int max_lines,
                       int kind) {
  size_t n = 0;
  const uint8_t *b = data ? dx_node_bytes(data, &n) : NULL;
  if (!b || !n)
    return;
  for (size_t i = 0; i < n; i++)
    if (b[i] < 0x20 && b[i] != '\t' && b[i] != '\r' && b[i] != '\n')
      return;
  char ln[300];
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
    memcpy(ln, "    ", 4);
    memcpy(ln + 4, b + start, l);
    add_chunk(f, dir, frame, kind, ln, l + 4);
    shown++;
    start = i + 1;
  }
  if (start < n)
    add_chunk(f, dir, frame, kind, "    ...", 7);
}

static void h2_frame(dx_follow *f, const dx_node *st, uint64_t frame, int dir) {
  char ln[1024], type[64], sid[32], v[512];
  if (find_in(st, "http2.magic", 0)) {
    line(f, dir, frame, DX_FOLLOW_HTTP2, "Magic (connection preface): PRI * HTTP/2.0");
    return;
  }
  const dx_node *tn = find_in(st, "http2.type", 0);
  if (!tn)
    return;
  label_value(tn, type, sizeof type);
  value_of(find_in(st, "http2.streamid", 0), sid, sizeof sid);
  const dx_node *lnode = find_in(st, "http2.length", 0);
  unsigned long flen = lnode ? (unsigned long)dx_node_uint(lnode) : 0;
  /* flags as the label names them: "Flags: 0x05, End Headers, End Stream" */
  char flags[256] = "";
  const dx_node *fl = find_in(st, "http2.flags", 0);
  if (fl) {
    char lab[256];
    dx_node_label(fl, lab, sizeof lab);
    const char *comma = strchr(lab, ',');
    if (comma)
      snprintf(flags, sizeof flags, " (%s)", comma + 2);
  }
  int hdrs = 0;
  size_t pl = (size_t)snprintf(ln, sizeof ln, "%s[%s]", type, sid);
  /* pseudo-headers on the frame's line, the others under it */
  for (const dx_node *h = dx_node_first_child(st); h; h = dx_node_next(h)) {
    if (strcmp(dx_node_name(h), "http2.header") != 0)
      continue;
    char name[256];
    value_of(find_in(h, "http2.header.name", 0), name, sizeof name);
    value_of(find_in(h, "http2.header.value", 0), v, sizeof v);
    if (name[0] == ':' && pl + 8 < sizeof ln)
      pl += (size_t)snprintf(ln + pl, sizeof ln - pl, " %s %s", name, v);
    hdrs++;
  }
  if (!hdrs) {
    if (pl + 8 < sizeof ln)
      pl += (size_t)snprintf(ln + pl, sizeof ln - pl, " %lu bytes", flen);
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
        if (pl + 8 < sizeof ln)
          pl += (size_t)snprintf(ln + pl, sizeof ln - pl, "%s%s", nd ? ", " : ": ", lab);
        nd++;
      }
    }
  }
  if (pl + 8 < sizeof ln)
    snprintf(ln + pl, sizeof ln - pl, "%s", flags);
  line(f, dir, frame, DX_FOLLOW_HTTP2, ln);
  for (const dx_node *h = dx_node_first_child(st); h; h = dx_node_next(h)) {
    if (strcmp(dx_node_name(h), "http2.header") != 0)
      continue;
    char name[256];
    value_of(find_in(h, "http2.header.name", 0), name, sizeof name);
    if (name[0] == ':')
      continue;
    value_of(find_in(h, "http2.header.value", 0), v, sizeof v);
    snprintf(ln, sizeof ln, "    %s: %s", name, v);
    line(f, dir, frame, DX_FOLLOW_HTTP2, ln);
  }
  if (!hdrs)
    body_lines(f, dir, frame, find_in(st, "http2.data.data", 0), 8, DX_FOLLOW_HTTP2);
}

/* HTTP/3: the layers of a packet, one per QUIC STREAM frame; their
 * children are flat (frame type, length, payload, headers ... then the next
 * frame), so each frame's line is built as they come. */
static void h3_flush(dx_follow *f, int dir, uint64_t frame, char *ln, size_t *pl,
                     const dx_node *ftype, const dx_node *data, int *pending) {
  if (!*pending)
    return;
  add_chunk(f, dir, frame, DX_FOLLOW_HTTP3, ln, *pl);
  /* the frame's other headers under its line, then a DATA body */
  for (const dx_node *c = ftype ? dx_node_next(ftype) : NULL;
       c && strcmp(dx_node_name(c), "http3.frame_type") != 0; c = dx_node_next(c)) {
    if (strcmp(dx_node_name(c), "http3.header") != 0)
      continue;
    char name[256], v[512], hl[800];
    value_of(find_in(c, "http3.header.name", 0), name, sizeof name);
    if (name[0] == ':')
      continue;
    value_of(find_in(c, "http3.header.value", 0), v, sizeof v);
    snprintf(hl, sizeof hl, "    %s: %s", name, v);
    line(f, dir, frame, DX_FOLLOW_HTTP3, hl);
  }
  if (data)
    body_lines(f, dir, frame, data, 8, DX_FOLLOW_HTTP3);
  *pending = 0;
  *pl = 0;
}

static void h3_frames(dx_follow *f, const dx_packet *p, uint64_t frame, int dir) {
  for (const dx_node *h3 = dx_packet_find_name(p, "http3"); h3; h3 = dx_packet_find_next(p, h3)) {
    char ln[1024], v[512], sid[32] = "?";
    size_t pl = 0;
    int pending = 0;
    uint64_t cur_type = 0;
    const dx_node *data = NULL, *ftype = NULL;
    value_of(find_in(h3, "http3.stream_id", 0), sid, sizeof sid);
    if (!sid[0])
      snprintf(sid, sizeof sid, "?");
    for (const dx_node *c = dx_node_first_child(h3); c; c = dx_node_next(c)) {
      const char *nm = dx_node_name(c);
      if (strcmp(nm, "http3.stream_type") == 0) {
        label_value(c, v, sizeof v);
        snprintf(ln, sizeof ln, "[QUIC stream %s: %s]", sid, v);
        line(f, dir, frame, DX_FOLLOW_HTTP3, ln);
      } else if (strcmp(nm, "http3.frame_type") == 0) {
        h3_flush(f, dir, frame, ln, &pl, ftype, data, &pending);
        data = NULL;
        ftype = c;
        label_value(c, v, sizeof v);
        pl = (size_t)snprintf(ln, sizeof ln, "%s[%s]", v, sid);
        pending = 1;
        cur_type = dx_node_uint(c);
        if (cur_type == 0)
          data = dx_node_next(dx_node_next(c)); /* length, then the payload */
        if (data && strcmp(dx_node_name(data), "http3.frame_payload") != 0)
          data = NULL;
      } else if (strcmp(nm, "http3.frame_length") == 0 && pending) {
        if (cur_type != 1 && pl + 32 < sizeof ln)
          pl += (size_t)snprintf(ln + pl, sizeof ln - pl, " %lu bytes",
                                 (unsigned long)dx_node_uint(c));
      } else if (strcmp(nm, "http3.header") == 0 && pending) {
        char name[256];
        value_of(find_in(c, "http3.header.name", 0), name, sizeof name);
        value_of(find_in(c, "http3.header.value", 0), v, sizeof v);
        if (name[0] == ':' && pl + 8 < sizeof ln)
          pl += (size_t)snprintf(ln + pl, sizeof ln - pl, " %s %s", name, v);
      } else if (strcmp(nm, "http3.data") == 0) {
        h3_flush(f, dir, frame, ln, &pl, ftype, data, &pending);
        snprintf(ln, sizeof ln, "DATA[%s] (continued) %u bytes", sid, dx_node_length(c));
        line(f, dir, frame, DX_FOLLOW_HTTP3, ln);
      }
      if (pl >= sizeof ln)
        pl = sizeof ln - 1;
    }
    h3_flush(f, dir, frame, ln, &pl, ftype, data, &pending);
  }
}

/* ---- per packet --------------------------------------------------------- */
static void endpoint(const dx_packet *p, int tcp, int src, char *addr, size_t alen,
                     uint16_t *port) {
  const dx_node *a = dx_packet_find_name(p, src ? "ip.src" : "ip.dst");
  if (!a)
    a = dx_packet_find_name(p, src ? "ipv6.src" : "ipv6.dst");
  value_of(a, addr, alen);
  const char *pn =
      tcp ? (src ? "tcp.srcport" : "tcp.dstport") : (src ? "udp.srcport" : "udp.dstport");
  const dx_node *pt = dx_packet_find_name(p, pn);
  *port = pt ? (uint16_t)dx_node_uint(pt) : 0;
}

int dx_follow_add_packet(dx_follow *f, const dx_packet *p) {
  if (!f || !p)
    return DX_EINVAL;
  dx_follow_info *in = &f->info;
  uint64_t frame = dx_packet_number(p);
  int tcp = dx_packet_find_name(p, "tcp.stream") != NULL;
  char sa[48];
  uint16_t sp;
  endpoint(p, tcp, 1, sa, sizeof sa, &sp);
  if (!in->have_ends) {
    /* the client sent the SYN, or else the first packet */
    const dx_node *syn = dx_packet_find_name(p, "tcp.flags.syn");
    const dx_node *ack = dx_packet_find_name(p, "tcp.flags.ack");
    int swap = syn && dx_node_uint(syn) && ack && dx_node_uint(ack);
    endpoint(p, tcp, !swap, in->client_addr, sizeof in->client_addr, &in->client_port);
    endpoint(p, tcp, swap, in->server_addr, sizeof in->server_addr, &in->server_port);
    in->have_ends = 1;
  }
  int dir = strcmp(sa, in->client_addr) == 0 && sp == in->client_port ? 0 : 1;
  if (dx_packet_find_name(p, "tcp.analysis.retransmission"))
    return DX_OK;
  /* TLS records of this packet, as labels */
  for (const dx_node *r = dx_packet_find_name(p, "tls.record"); r; r = dx_packet_find_next(p, r)) {
    char lab[400];
    record_label(r, lab, sizeof lab);
    line(f, dir, frame, DX_FOLLOW_RECORD, lab);
    in->tls = 1;
  }
  const dx_node *pl = dx_packet_find_name(p, tcp ? "tcp.payload" : "udp.payload");
  if (!pl && !tcp)
    pl = dx_packet_find_name(p, "data.data");
  if (pl) {
    size_t n = 0;
    const uint8_t *b = dx_node_bytes(pl, &n);
    if (b && n)
      add_chunk(f, dir, frame, DX_FOLLOW_PAYLOAD, b, n);
  }
  decrypted_sources(f, p, frame, dir);
  for (const dx_node *st = dx_packet_find_name(p, "http2.stream"); st;
       st = dx_packet_find_next(p, st))
    h2_frame(f, st, frame, dir);
  if (dx_packet_find_name(p, "quic")) {
    in->quic = 1;
    /* frames read in a packet past the Initials (no token length: not a
     * long Initial header) */
    if (dx_packet_find_name(p, "quic.frame_type") && !dx_packet_find_name(p, "quic.token_length"))
      in->quic_decrypted = 1;
  }
  h3_frames(f, p, frame, dir);
  return DX_OK;
}
