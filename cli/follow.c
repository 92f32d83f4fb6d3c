/* -z follow,tcp|udp,ascii|hex|raw,STREAM[,N|N-M]: the payload of one TCP or
 * UDP stream (tcp.stream / udp.stream index, or the packets between two
 * endpoints given as ADDR:PORT,ADDR:PORT, IPv6 as [ADDR]:PORT), printed as
 * tshark 4.0's tap-follow prints it: one chunk per segment or datagram (or
 * chunks N to M only), the second node's chunks indented by a tab.
 * TCP data is put in sequence order the way tshark's follow tap does it
 * (Wireshark's epan/dissectors/packet-tcp.c, follow_tcp_tap_listener):
 *   - per direction, the next expected relative sequence number (set by
 *     the direction's first segment, one past a SYN);
 *   - bytes before it are left out (retransmissions, overlaps), the new
 *     tail of a segment that overlaps it is kept;
 *   - a segment after it is held, in arrival order; held segments are
 *     printed when the stream reaches them;
 *   - a segment of the other direction whose acknowledgment number passes
 *     the lowest held sequence number means the receiver got bytes the
 *     capture lacks: a chunk "[N bytes missing in capture file]" (with its
 *     terminating NUL, as tshark) stands for them and the held segments
 *     follow;
 *   - segments still held at the end of the capture are not printed.
 * Held segments are bounded (FOLLOW_MAX_HELD segments and
 * FOLLOW_MAX_HELD_BYTES bytes per direction): past either cap, the
 * direction is treated as if its held segments had been acknowledged, so
 * they are printed at once, each gap before them as a missing-bytes chunk.
 * follow,tls: the decrypted application data records of a TCP stream (one
 * chunk per record); follow,http: per HTTP/1.x message its headers, then
 * its body (after any chunked transfer coding), as tshark's taps give them. */
#include "stats_int.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum { M_ASCII, M_HEX, M_RAW };

typedef struct chunk {
  int server;
  uint8_t *data;
  uint32_t len;
} chunk;

/* A TCP segment held until the stream reaches it. */
typedef struct held {
  uint32_t seq;
  uint32_t len; /* the captured bytes only */
  uint8_t *data;
} held;

/* One direction of a TCP stream, as tshark's follow tap keeps it. */
typedef struct tcp_dir {
  uint32_t seq;     /* next expected relative sequence number */
  uint64_t written; /* bytes put in order by arriving segments */
  held *held;       /* in arrival order */
  size_t nheld, capheld;
  uint64_t held_bytes;
  int clean;       /* no held segment is at or before seq (scan needless) */
  uint32_t lowest; /* then: the lowest held sequence number */
} tcp_dir;

struct st_follow {
  int tcp;  /* else udp */
  int tls;  /* decrypted TLS application data of a TCP stream */
  int http; /* HTTP/1.x messages of a TCP stream: headers, then body */
  int mode;
  uint32_t stream;
  int by_addr; /* else by stream index */
  st_addr want[2];
  uint32_t want_port[2];
  uint32_t chunk_min, chunk_max; /* the chunks printed, from 1 */
  const dx_field *f_stream, *f_payload, *f_sport, *f_dport, *f_seq, *f_ack, *f_len, *f_flags,
      *f_ip4s, *f_ip4d, *f_ip6s, *f_ip6d, *f_ctype, *f_http, *f_file, *f_req, *f_resp, *f_notif,
      *f_other;
  int have_nodes;
  st_addr addr[2];
  uint32_t port[2];
  tcp_dir dir[2];
  chunk *chunks;
  size_t n, cap;
  uint64_t bytes; /* kept in memory, bounded */
};

#define FOLLOW_MAX_BYTES (256u << 20)
/* held out-of-order TCP segments, per direction */
#define FOLLOW_MAX_HELD 1024u
#define FOLLOW_MAX_HELD_BYTES (16u << 20)

/* ",ADDR:PORT" (IPv4) or ",[ADDR]:PORT" (IPv6) at *pp, as tshark reads it;
 * moves *pp past it. */
static int parse_endpoint(const char **pp, st_addr *a, uint32_t *port) {
  char addr[81];
  int port_i = 0, n = 0;
  int v6 = sscanf(*pp, ",[%80[^]]]:%d%n", addr, &port_i, &n) == 2;
  if (!v6 && sscanf(*pp, ",%80[^:]:%d%n", addr, &port_i, &n) != 2)
    return -1;
  if (port_i <= 0 || port_i > 65535)
    return -1;
  memset(a, 0, sizeof *a);
  a->len = v6 ? 16 : 4;
  if (inet_pton(v6 ? AF_INET6 : AF_INET, addr, a->b) != 1)
    return -1;
  *port = (uint32_t)port_i;
  *pp += n;
  return 0;
}

int st_follow_new(dx_session *s, const char *args, st_follow **out) {
  *out = NULL;
  char proto[16], mode[16];
  int n = 0;
  if (sscanf(args, "%15[^,],%15[^,]%n", proto, mode, &n) != 2 || args[n] != ',') {
    fprintf(stderr,
            "dissect: -z follow,%s: expected follow,tcp|udp|tls|http,ascii|hex|raw,"
            "STREAM|ADDR:PORT,ADDR:PORT[,RANGE]\n",
            args);
    return -1;
  }
  /* which stream: its index, or the two endpoints */
  const char *rest = args + n;
  unsigned long stream = 0;
  int by_addr = 0;
  st_addr want[2];
  uint32_t want_port[2];
  if (sscanf(rest, ",%lu%n", &stream, &n) == 1 && (rest[n] == 0 || rest[n] == ',') &&
      rest[1] != '-' && rest[1] != '+') {
    if (stream > UINT32_MAX) {
      fprintf(stderr, "dissect: -z follow,%s: stream index too large\n", args);
      return -1;
    }
    rest += n;
  } else if (parse_endpoint(&rest, &want[0], &want_port[0]) == 0 &&
             parse_endpoint(&rest, &want[1], &want_port[1]) == 0) {
    if (want[0].len != want[1].len) {
      fprintf(stderr, "dissect: -z follow,%s: mismatched IP address types\n", args);
      return -1;
    }
    by_addr = 1;
  } else {
    fprintf(stderr,
            "dissect: -z follow,%s: expected a stream index or ADDR:PORT,ADDR:PORT (IPv6 in "
            "brackets)\n",
            args);
    return -1;
  }
  /* which chunks: all, N or N-M (counted from 1) */
  unsigned chunk_min = 1, chunk_max = UINT32_MAX;
  if (*rest) {
    if (sscanf(rest, ",%u-%u%n", &chunk_min, &chunk_max, &n) == 2 && rest[1] != '-' &&
        rest[1] != '+')
      rest += n;
    else if (sscanf(rest, ",%u%n", &chunk_min, &n) == 1 && rest[1] != '-' && rest[1] != '+')
      chunk_max = chunk_min, rest += n;
    else
      rest = "bad";
    if (*rest || chunk_min < 1 || chunk_min > chunk_max) {
      fprintf(stderr, "dissect: -z follow,%s: invalid chunk range (use N or N-M, from 1)\n", args);
      return -1;
    }
  }
  st_follow *fw = calloc(1, sizeof *fw);
  if (!fw)
    return -1;
  if (strcmp(proto, "tcp") == 0) {
    fw->tcp = 1;
  } else if (strcmp(proto, "tls") == 0 || strcmp(proto, "ssl") == 0) {
    fw->tcp = fw->tls = 1;
  } else if (strcmp(proto, "http") == 0) {
    fw->tcp = fw->http = 1;
  } else if (strcmp(proto, "udp") != 0) {
    fprintf(stderr, "dissect: -z follow,%s: unknown protocol (use tcp, udp, tls or http)\n", args);
    free(fw);
    return -1;
  }
  if (strcmp(mode, "ascii") == 0)
    fw->mode = M_ASCII;
  else if (strcmp(mode, "hex") == 0)
    fw->mode = M_HEX;
  else if (strcmp(mode, "raw") == 0)
    fw->mode = M_RAW;
  else {
    fprintf(stderr, "dissect: -z follow,%s: mode %s is not built (use ascii, hex or raw)\n", args,
            mode);
    free(fw);
    return -1;
  }
  fw->stream = (uint32_t)stream;
  fw->by_addr = by_addr;
  if (by_addr) {
    memcpy(fw->want, want, sizeof want);
    memcpy(fw->want_port, want_port, sizeof want_port);
  }
  fw->chunk_min = chunk_min;
  fw->chunk_max = chunk_max;
  const char *p = fw->tcp ? "tcp" : "udp";
  char name[32];
  snprintf(name, sizeof name, "%s.stream", p);
  fw->f_stream = dx_field_lookup(s, name);
  snprintf(name, sizeof name, "%s.payload", p);
  fw->f_payload = dx_field_lookup(s, name);
  snprintf(name, sizeof name, "%s.srcport", p);
  fw->f_sport = dx_field_lookup(s, name);
  snprintf(name, sizeof name, "%s.dstport", p);
  fw->f_dport = dx_field_lookup(s, name);
  fw->f_seq = dx_field_lookup(s, "tcp.seq");
  fw->f_ack = dx_field_lookup(s, "tcp.ack");
  fw->f_len = dx_field_lookup(s, "tcp.len");
  fw->f_flags = dx_field_lookup(s, "tcp.flags");
  fw->f_ctype = dx_field_lookup(s, "tls.record.content_type");
  fw->f_http = dx_field_lookup(s, "http");
  fw->f_file = dx_field_lookup(s, "http.file_data");
  fw->f_req = dx_field_lookup(s, "http.request");
  fw->f_resp = dx_field_lookup(s, "http.response");
  fw->f_notif = dx_field_lookup(s, "http.notification"); /* NOTIFY: a message too */
  fw->f_other = dx_field_lookup(s, "http.other_data");
  fw->f_ip4s = dx_field_lookup(s, "ip.src");
  fw->f_ip4d = dx_field_lookup(s, "ip.dst");
  fw->f_ip6s = dx_field_lookup(s, "ipv6.src");
  fw->f_ip6d = dx_field_lookup(s, "ipv6.dst");
  *out = fw;
  return 0;
}

static int get_addr(const dx_node *n, st_addr *a) {
  memset(a, 0, sizeof *a);
  if (!n)
    return 0;
  if (dx_field_type(dx_node_field(n)) == DX_FT_IPV4) {
    uint32_t v = (uint32_t)dx_node_uint(n);
    a->b[0] = (uint8_t)(v >> 24), a->b[1] = (uint8_t)(v >> 16);
    a->b[2] = (uint8_t)(v >> 8), a->b[3] = (uint8_t)v;
    a->len = 4;
    return 1;
  }
  size_t len = 0;
  const uint8_t *b = dx_node_bytes(n, &len);
  if (!b || len != 16)
    return 0;
  memcpy(a->b, b, 16);
  a->len = 16;
  return 1;
}

/* An empty chunk is kept only where tshark's tap queues one (the headers
 * of an HTTP continuation, which has none). */
static void add_chunk_e(st_follow *fw, int server, const uint8_t *d, uint32_t len, bool empty) {
  if ((!len && !empty) || fw->bytes + len > FOLLOW_MAX_BYTES)
    return;
  if (fw->n == fw->cap) {
    size_t cap = fw->cap ? 2 * fw->cap : 64;
    chunk *c = realloc(fw->chunks, cap * sizeof *c);
    if (!c)
      return;
    fw->chunks = c;
    fw->cap = cap;
  }
  uint8_t *copy = malloc(len ? len : 1);
  if (!copy)
    return;
  if (len)
    memcpy(copy, d, len);
  fw->chunks[fw->n++] = (chunk){server, copy, len};
  fw->bytes += len;
}

static void add_chunk(st_follow *fw, int server, const uint8_t *d, uint32_t len) {
  add_chunk_e(fw, server, d, len, false);
}

/* The first node that points into data source src, depth first. */
static const dx_node *first_in(const dx_node *n, unsigned src, int depth) {
  for (const dx_node *c = dx_node_first_child(n); c && depth < 64; c = dx_node_next(c)) {
    if (dx_node_source(c) == src)
      return c;
    const dx_node *r = first_in(c, src, depth + 1);
    if (r)
      return r;
  }
  return NULL;
}

/* tshark's TLS follow tap: one chunk per decrypted application data
 * record. Its first node is the sender of the first packet with any
 * decrypted record (the server's encrypted handshake in TLS 1.3); it never
 * fills the second. */
static void tls_packet(st_follow *fw, const dx_packet *p, const st_addr *src, uint32_t sport) {
  size_t ns = dx_packet_source_count(p);
  int any = 0;
  for (size_t i = 1; i < ns; i++) {
    const char *nm = dx_packet_source_name(p, i);
    if (!nm || strncmp(nm, "Decrypted TLS", 13) != 0)
      continue;
    if (!any) {
      any = 1;
      if (!fw->have_nodes) {
        fw->have_nodes = 1;
        fw->addr[0] = *src, fw->port[0] = sport;
      }
    }
    /* what the plaintext holds: the record's inner content type (TLS 1.3)
     * or the first thing dissected from it */
    const dx_node *n = first_in(dx_packet_root(p), (unsigned)i, 0);
    if (n && dx_node_field(n) == fw->f_ctype) {
      if (dx_node_uint(n) != 23)
        continue;
    } else if (n) {
      const char *fn = dx_node_name(n);
      if (fn && (strncmp(fn, "tls.handshake", 13) == 0 || strncmp(fn, "tls.alert", 9) == 0 ||
                 strncmp(fn, "tls.change_cipher", 17) == 0))
        continue;
    }
    size_t len = 0;
    const uint8_t *d = dx_packet_source_data(p, i, &len);
    int server = !(sport == fw->port[0] && !memcmp(src, &fw->addr[0], sizeof *src));
    if (d && len)
      add_chunk(fw, server, d, (uint32_t)len);
  }
}

static const dx_node *first_of(const dx_node *n, const dx_field *f, int depth) {
  for (const dx_node *c = dx_node_first_child(n); c && f && depth < 64; c = dx_node_next(c)) {
    if (dx_node_field(c) == f)
      return c;
    const dx_node *r = first_of(c, f, depth + 1);
    if (r)
      return r;
  }
  return NULL;
}

/* tshark's HTTP follow tap: per message, its start line and headers up to
 * the empty line, then its body (without a chunked transfer coding). A
 * continuation (bytes that are neither a request nor a response) has no
 * headers: an empty chunk, then the bytes as its body, as tshark's tap
 * queues them. */
static void http_packet(st_follow *fw, const dx_packet *p, const st_addr *src, uint32_t sport,
                        const st_addr *dst, uint32_t dport) {
  for (const dx_node *l = dx_packet_find(p, fw->f_http); l; l = dx_packet_find_next(p, l)) {
    size_t sl = 0;
    const uint8_t *sd = dx_packet_source_data(p, dx_node_source(l), &sl);
    uint32_t off = dx_node_offset(l), len = dx_node_length(l);
    if (!sd || off > sl || len > sl - off)
      continue;
    const uint8_t *h = sd + off;
    uint32_t hl = 0;
    bool msg =
        first_of(l, fw->f_req, 0) || first_of(l, fw->f_resp, 0) || first_of(l, fw->f_notif, 0);
    for (uint32_t k = 0; msg && k + 1 < len && !hl; k++) {
      if (h[k] == '\n' && h[k + 1] == '\n')
        hl = k + 2;
      else if (k + 3 < len && !memcmp(h + k, "\r\n\r\n", 4))
        hl = k + 4;
    }
    if (!hl && msg)
      hl = len;
    if (!fw->have_nodes) {
      fw->have_nodes = 1;
      fw->addr[0] = *src, fw->port[0] = sport;
      fw->addr[1] = *dst, fw->port[1] = dport;
    }
    int server = !(sport == fw->port[0] && !memcmp(src, &fw->addr[0], sizeof *src));
    add_chunk_e(fw, server, h, hl, !msg);
    const dx_node *body = first_of(l, fw->f_file, 0);
    size_t bl = 0;
    const uint8_t *bd = body ? dx_node_bytes(body, &bl) : NULL;
    if (bd && bl)
      add_chunk(fw, server, bd, (uint32_t)bl);
  }
  /* text before any request: no HTTP layer, but tshark's tap has it as a
   * continuation (an empty chunk, then the bytes) */
  for (const dx_node *o = dx_packet_find(p, fw->f_other); o; o = dx_packet_find_next(p, o)) {
    size_t ol = 0;
    const uint8_t *od = dx_node_bytes(o, &ol);
    if (!od || !ol)
      continue;
    if (!fw->have_nodes) {
      fw->have_nodes = 1;
      fw->addr[0] = *src, fw->port[0] = sport;
      fw->addr[1] = *dst, fw->port[1] = dport;
    }
    int server = !(sport == fw->port[0] && !memcmp(src, &fw->addr[0], sizeof *src));
    add_chunk_e(fw, server, od, 0, true);
    add_chunk(fw, server, od, (uint32_t)ol);
  }
}

#define LT_SEQ(a, b) ((int32_t)((a) - (b)) < 0)
#define GT_SEQ(a, b) ((int32_t)((b) - (a)) < 0)

static void drop_held(tcp_dir *d, size_t i) {
  free(d->held[i].data);
  d->held_bytes -= d->held[i].len;
  memmove(d->held + i, d->held + i + 1, (d->nheld - i - 1) * sizeof *d->held);
  d->nheld--;
  d->clean = 0;
}

/* One step of putting direction `server`'s held segments in order, as
 * tshark's check_follow_fragments: the first held segment, in arrival
 * order, that starts at or before the next expected byte gives its new
 * bytes (if any) and is let go; else, when use_ack and ack passes the
 * lowest held sequence number (or when force), a missing-bytes chunk
 * stands for the gap up to it. Returns 1 when it did something. */
static int fill_step(st_follow *fw, int server, uint32_t ack, int use_ack, int force) {
  tcp_dir *d = &fw->dir[server];
  if (!d->nheld)
    return 0;
  uint32_t lowest = d->lowest;
  if (!d->clean) {
    lowest = d->held[0].seq;
    for (size_t i = 0; i < d->nheld; i++) {
      const held *h = &d->held[i];
      if (GT_SEQ(lowest, h->seq))
        lowest = h->seq;
      if (LT_SEQ(h->seq, d->seq)) {
        uint32_t skip = d->seq - h->seq;
        if (skip < h->len) { /* its tail is new */
          add_chunk(fw, server, h->data + skip, h->len - skip);
          d->seq += h->len - skip;
        }
        drop_held(d, i);
        return 1;
      }
      if (h->seq == d->seq) {
        add_chunk(fw, server, h->data, h->len);
        d->seq += h->len;
        drop_held(d, i);
        return 1;
      }
    }
    d->clean = 1; /* until seq or the held segments change */
    d->lowest = lowest;
  }
  if (force || (use_ack && GT_SEQ(ack, lowest))) {
    char msg[64];
    int n = snprintf(msg, sizeof msg, "[%" PRId32 " bytes missing in capture file]",
                     (int32_t)(lowest - d->seq));
    if (n > 0 && (size_t)n < sizeof msg)
      add_chunk(fw, server, (const uint8_t *)msg, (uint32_t)n + 1); /* with its NUL */
    d->seq = lowest;
    d->clean = 0;
    return 1;
  }
  return 0;
}

/* Holds a segment that starts after the next expected byte. Past the caps,
 * the direction's held segments are printed as if acknowledged. */
static void hold(st_follow *fw, int server, uint32_t seq, const uint8_t *data, size_t len) {
  tcp_dir *d = &fw->dir[server];
  if (d->nheld == d->capheld) {
    size_t cap = d->capheld ? 2 * d->capheld : 16;
    if (cap > FOLLOW_MAX_HELD)
      cap = FOLLOW_MAX_HELD;
    held *h = cap > d->capheld ? realloc(d->held, cap * sizeof *h) : NULL;
    if (!h)
      return;
    d->held = h;
    d->capheld = cap;
  }
  uint8_t *copy = malloc(len);
  if (!copy)
    return;
  memcpy(copy, data, len);
  d->held[d->nheld++] = (held){seq, (uint32_t)len, copy};
  d->held_bytes += len;
  d->clean = 0;
  if (d->nheld >= FOLLOW_MAX_HELD || d->held_bytes > FOLLOW_MAX_HELD_BYTES)
    while (fill_step(fw, server, 0, 0, 1))
      ;
}

/* tshark's follow_tcp_tap_listener for one segment of the stream: d, len:
 * its captured payload. */
static void tcp_segment(st_follow *fw, const dx_packet *p, int server, const uint8_t *d,
                        size_t len) {
  const dx_node *ln = st_last(p, fw->f_len), *sq = st_last(p, fw->f_seq);
  if (!ln || !sq)
    return; /* no segment length: tshark's tap does not see it */
  const dx_node *ak = st_last(p, fw->f_ack), *fl = st_last(p, fw->f_flags);
  uint32_t seq = (uint32_t)dx_node_uint(sq), seglen = (uint32_t)dx_node_uint(ln);
  uint32_t ack = ak ? (uint32_t)dx_node_uint(ak) : 0;
  if (fl && (dx_node_uint(fl) & 0x002)) /* SYN */
    seq++;
  /* does it acknowledge bytes the other direction holds after a gap? */
  while (fill_step(fw, !server, ack, 1, 0))
    ;
  tcp_dir *me = &fw->dir[server];
  if (me->written == 0 && me->seq == 0) {
    me->seq = seq;
    me->clean = 0;
  }
  size_t off = 0;
  if (LT_SEQ(seq, me->seq)) {
    uint32_t next = seq + seglen;
    if (GT_SEQ(next, me->seq)) { /* a retransmission with new bytes at its end */
      off = me->seq - seq;
      len = len <= off ? 0 : len - off;
      seq = me->seq;
      seglen = next - me->seq;
    }
  }
  if (!len || LT_SEQ(seq, me->seq))
    return;
  if (seq == me->seq) {
    me->seq += seglen;
    me->written += len;
    me->clean = 0;
    add_chunk(fw, server, d + off, (uint32_t)len);
    while (fill_step(fw, server, 0, 0, 0))
      ;
  } else {
    hold(fw, server, seq, d + off, len);
  }
}

static int same_addr(const st_addr *a, const st_addr *b) {
  return a->len == b->len && !memcmp(a->b, b->b, a->len);
}

void st_follow_packet(st_follow *fw, const dx_packet *p) {
  if (!fw->by_addr) {
    const dx_node *sn = st_last(p, fw->f_stream);
    if (!sn || (uint32_t)dx_node_uint(sn) != fw->stream)
      return;
  }
  const dx_node *sp = st_last(p, fw->f_sport), *dp = st_last(p, fw->f_dport);
  if (!sp || !dp)
    return;
  const dx_node *as = st_last(p, fw->f_ip4s), *ad = st_last(p, fw->f_ip4d);
  const dx_node *as6 = st_last(p, fw->f_ip6s), *ad6 = st_last(p, fw->f_ip6d);
  if (as6 && (!as || dx_node_offset(as6) > dx_node_offset(as)))
    as = as6, ad = ad6;
  st_addr src, dst;
  if (!get_addr(as, &src) || !get_addr(ad, &dst))
    return;
  uint32_t sport = (uint32_t)dx_node_uint(sp), dport = (uint32_t)dx_node_uint(dp);
  if (fw->by_addr) {
    /* either way between the two endpoints, as tshark's address filter */
    int fwd = same_addr(&src, &fw->want[0]) && sport == fw->want_port[0] &&
              same_addr(&dst, &fw->want[1]) && dport == fw->want_port[1];
    int rev = same_addr(&src, &fw->want[1]) && sport == fw->want_port[1] &&
              same_addr(&dst, &fw->want[0]) && dport == fw->want_port[0];
    if (!fwd && !rev)
      return;
  }
  if (fw->tls) {
    tls_packet(fw, p, &src, sport);
    return;
  }
  if (fw->http) {
    http_packet(fw, p, &src, sport, &dst, dport);
    return;
  }
  if (!fw->have_nodes) {
    fw->have_nodes = 1;
    fw->addr[0] = src, fw->port[0] = sport;
    fw->addr[1] = dst, fw->port[1] = dport;
  }
  int server = !(sport == fw->port[0] && !memcmp(&src, &fw->addr[0], sizeof src));
  const dx_node *pl = st_last(p, fw->f_payload);
  size_t len = 0;
  const uint8_t *d = pl ? dx_node_bytes(pl, &len) : NULL;
  if (!d)
    len = 0;
  if (fw->tcp)
    tcp_segment(fw, p, server, d, len);
  else
    add_chunk(fw, server, d, (uint32_t)len);
}

static void node_str(const st_addr *a, uint32_t port, char *buf, size_t n) {
  char t[64];
  st_addr_str(a, t, sizeof t);
  if (a->len == 16)
    snprintf(buf, n, "[%s]:%" PRIu32, t, port); /* IPv6 in brackets */
  else
    snprintf(buf, n, "%s:%" PRIu32, t, port);
}

static void print_hex(FILE *out, const char *prefix, uint32_t offset, const uint8_t *d,
                      uint32_t len) {
  static const char hx[] = "0123456789abcdef";
  char line[80];
  int jj = 0, kk = 0;
  for (uint32_t ii = 0; ii < len;) {
    if (ii % 16 == 0) {
      snprintf(line, sizeof line, "%08" PRIX32, offset);
      memset(line + 8, ' ', sizeof line - 8);
      jj = 10;
      kk = 60;
    }
    uint8_t v = d[ii];
    line[jj++] = hx[v >> 4];
    line[jj++] = hx[v & 15];
    jj++;
    line[kk++] = v >= ' ' && v < 0x7f ? (char)v : '.';
    if (ii % 16 == 7) /* the gap in the middle of the line */
      jj++, kk++;
    if (++ii % 16 == 0 || ii == len) {
      if (line[kk - 1] == ' ')
        kk--;
      line[kk] = 0;
      fprintf(out, "%s%s\n", prefix, line);
      offset += 16;
    }
  }
}

void st_follow_print(st_follow *fw, FILE *out) {
  static const char sep[] = "===================================================================\n";
  static const char *const modes[] = {"ascii", "hex", "raw"};
  const char *p = fw->tcp ? "tcp" : "udp";
  fprintf(out, "\n%sFollow: %s,%s\n", sep,
          fw->tls    ? "tls"
          : fw->http ? "http"
                     : p,
          modes[fw->mode]);
  if (fw->by_addr) {
    /* tshark's address filter, both ways */
    const char *v = fw->want[0].len == 16 ? "v6" : "";
    const char *pp = fw->tcp ? "tcp" : "udp";
    char a0[64], a1[64];
    st_addr_str(&fw->want[0], a0, sizeof a0);
    st_addr_str(&fw->want[1], a1, sizeof a1);
    fprintf(out,
            "Filter: ((ip%s.src eq %s and %s.srcport eq %" PRIu32 ") and (ip%s.dst eq %s and "
            "%s.dstport eq %" PRIu32 ")) or ((ip%s.src eq %s and %s.srcport eq %" PRIu32
            ") and (ip%s.dst eq %s and %s.dstport eq %" PRIu32 "))\n",
            v, a0, pp, fw->want_port[0], v, a1, pp, fw->want_port[1], v, a1, pp, fw->want_port[1],
            v, a0, pp, fw->want_port[0]);
  } else {
    fprintf(out, "Filter: %s.stream eq %" PRIu32 "\n", p, fw->stream);
  }
  char b[80];
  if (fw->have_nodes) {
    node_str(&fw->addr[0], fw->port[0], b, sizeof b);
    fprintf(out, "Node 0: %s\n", b);
    if (fw->tls) {
      fputs("Node 1: :0\n", out); /* as tshark 4.0 */
    } else {
      node_str(&fw->addr[1], fw->port[1], b, sizeof b);
      fprintf(out, "Node 1: %s\n", b);
    }
  } else {
    /* tshark prints an unset address this way when the stream is not found */
    fputs("Node 0: :0\nNode 1: :0\n", out);
  }
  uint32_t pos[2] = {0, 0};
  static const char hx[] = "0123456789abcdef";
  for (size_t i = 0; i < fw->n; i++) {
    const chunk *c = &fw->chunks[i];
    const char *pre = c->server ? "\t" : "";
    if (i + 1 < fw->chunk_min || i + 1 > fw->chunk_max) { /* not in the range asked */
      pos[c->server] += c->len;
      continue;
    }
    switch (fw->mode) {
    case M_HEX: print_hex(out, pre, pos[c->server], c->data, c->len); break;
    case M_ASCII:
      fprintf(out, "%s%" PRIu32 "\n", pre, c->len);
      for (uint32_t k = 0; k < c->len; k++) {
        uint8_t v = c->data[k];
        fputc(v == '\r' || v == '\n' || (v >= 0x20 && v < 0x7f) ? v : '.', out);
      }
      fputc('\n', out);
      break;
    default:
      fputs(pre, out);
      for (uint32_t k = 0; k < c->len; k++) {
        fputc(hx[c->data[k] >> 4], out);
        fputc(hx[c->data[k] & 15], out);
      }
      fputc('\n', out);
      break;
    }
    pos[c->server] += c->len;
  }
  fputs(sep, out);
}

void st_follow_free(st_follow *fw) {
  if (!fw)
    return;
  for (size_t i = 0; i < fw->n; i++)
    free(fw->chunks[i].data);
  free(fw->chunks);
  for (int k = 0; k < 2; k++) {
    for (size_t i = 0; i < fw->dir[k].nheld; i++)
      free(fw->dir[k].held[i].data);
    free(fw->dir[k].held);
  }
  free(fw);
}
