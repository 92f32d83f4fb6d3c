/*
 * Connection stories (include/dissect/story.h): one story per TCP
 * connection, built from dissected packets through the public field API
 * only (fields looked up by name, nodes walked with dx_node_*). Nothing here
 * knows a protocol's bytes: it reads what the dissectors put in the tree,
 * as a user of the library would.
 *
 * Per packet: DNS responses are remembered (a ring of max_dns) for the
 * lookup matching done at the end; a TCP packet finds its connection by
 * tcp.stream (a keyed hash table) and adds its steps: TCP flags, TLS
 * records and handshake messages in tree order, HTTP/1.x messages, HTTP/2
 * frames. dx_story_finish() then picks each connection's DNS lookup,
 * counts the TLS round trips and computes the phases.
 *
 * Memory: every allocation is counted in the session's byte budget (the one
 * of the stream buffers, dx_config.max_total_stream_bytes) and given back
 * by dx_story_free().
 */
#include <dissect/story.h>

#include "analysis/story_int.h"
#include "core/session.h"
#include "core/siphash.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { C2S = 0, S2C = 1 };
#define S2C_RING 64 /* recent server->client payload frames per connection */

typedef struct dns_rec {
  dx_story_point query, response;
  char name[256];
  char qtype[16];
  char answers[256];
  char resolver[48];
  char client[48];
  int marked;
} dns_rec;

typedef struct conn {
  dx_story_conn pub;
  dx_story_event *ev;
  size_t evcap;
  dx_story_exchange *ex;
  size_t excap;
  /* ladder state */
  unsigned rtt;
  int awaiting; /* a server step the client waits for was seen */
  /* TCP */
  int syn_seen, synack_seen, ack_seen;
  /* TLS */
  int tls13, ccs[2], srv_cert, hs_done[2];
  int srv_needed;  /* the server sent handshake records the client waits for */
  int rt_switches; /* client turns after such server records, before the first app data */
  int client_app, enc_client_records;
  uint8_t ch_session_id[32], sh_session_id[32];
  size_t ch_sid_len, sh_sid_len;
  int psk_selected;
  int tls_or_http; /* the connection carries TLS or HTTP (no raw Data steps) */
  char host[256];
  /* HTTP */
  size_t h1_next_first; /* first HTTP/1 exchange still waiting for its first byte */
  /* QUIC: the client's current path (address and port) */
  char qaddr[48];
  uint16_t qport;
  int qver_server; /* the version was read from a server packet */
  /* the most recent server->client payload frames (for first bytes) */
  dx_story_point s2c[S2C_RING];
  unsigned s2c_n;
} conn;

struct dx_story {
  dx_session *s;
  dx_story_config cfg;
  int finished;
  int have_t0;
  int64_t t0_sec;
  int64_t t0_nsec;
  conn **conns;
  size_t n, cap;
  uint32_t *slots; /* hash: conn index + 1, 0 = empty */
  size_t nslots;
  dns_rec *dns;
  size_t ndns, dns_head, dnscap; /* a ring once full */
  size_t last_dns;               /* the record of the last DNS response added */
  uint64_t *marked_q;            /* DNS query frames marked */
  size_t nmarked_q, marked_qcap;
  uint64_t bytes, dropped;
  uint32_t last_dropped; /* tcp.stream of the last connection not told */
  int have_dropped;
  /* fields */
  const dx_field *f_stream, *f_syn, *f_ack, *f_fin, *f_rst, *f_len, *f_irtt;
  const dx_field *f_ipsrc, *f_ipdst, *f_ip6src, *f_ip6dst, *f_sport, *f_dport;
  const dx_field *f_retr, *f_fretr, *f_sretr, *f_lost, *f_dup, *f_ooo, *f_zw, *f_ka;
  const dx_field *f_tls_record, *f_http, *f_h2stream, *f_tcpseg, *f_tlsseg, *f_proxy_host;
  const dx_field *f_dns_resp, *f_dns_qname, *f_dns_qtype, *f_dns_a, *f_dns_aaaa, *f_dns_time,
      *f_dns_resp_to, *f_protocols;
  const dx_field *f_quic, *f_quic_conn, *f_udp_stream, *f_usport, *f_udport, *f_ulen, *f_http3;
  uint32_t last_dropped_q; /* quic.connection.number of the last QUIC connection not told */
  uint32_t quic_base;      /* added to the session's QUIC connection numbers */
  int have_dropped_q;
};

/* ---- budget --------------------------------------------------------------- */
static int charge(dx_story *st, size_t n) {
  uint64_t max = st->s->cfg.max_total_stream_bytes;
  if (max && st->s->stream_bytes + n > max)
    return 0;
  st->s->stream_bytes += n;
  st->bytes += n;
  return 1;
}
static void refund(dx_story *st, size_t n) {
  if (n > st->bytes)
    n = (size_t)st->bytes;
  st->bytes -= n;
  st->s->stream_bytes = st->s->stream_bytes >= n ? st->s->stream_bytes - n : 0;
}
/* Grows *arr (elements of size sz) to hold at least need, counting the new
 * bytes in the budget. Returns 0 when the budget or memory says no. */
static int grow(dx_story *st, void **arr, size_t *cap, size_t need, size_t sz) {
  if (need <= *cap)
    return 1;
  size_t nc = *cap ? *cap * 2 : 8;
  while (nc < need)
    nc *= 2;
  if (!charge(st, (nc - *cap) * sz))
    return 0;
  void *na = realloc(*arr, nc * sz);
  if (!na) {
    refund(st, (nc - *cap) * sz);
    return 0;
  }
  *arr = na;
  *cap = nc;
  return 1;
}

/* ---- small readers of the tree (public API only) -------------------------- */
static const dx_node *find_in(const dx_node *n, const dx_field *f, int depth) {
  for (const dx_node *c = dx_node_first_child(n); c; c = dx_node_next(c)) {
    if (dx_node_field(c) == f)
      return c;
    if (depth < 24 && dx_node_first_child(c)) {
      const dx_node *r = find_in(c, f, depth + 1);
      if (r)
        return r;
    }
  }
  return NULL;
}
static const dx_node *find_name_in(const dx_story *st, const dx_node *n, const char *name) {
  const dx_field *f = dx_field_lookup(st->s, name);
  return f ? find_in(n, f, 0) : NULL;
}
static void value_str(const dx_node *n, char *buf, size_t len) {
  buf[0] = 0;
  if (n)
    dx_node_value(n, buf, len);
}
static void copy(char *dst, size_t len, const char *src) {
  snprintf(dst, len, "%s", src ? src : "");
}
/* frame.protocols as the story's layers read it: one name per layer, in
 * order (a repeated call, "tls:tls", once), without the sub-dissectors
 * tshark lists for a certificate's parts (x509sat, x509ce, pkcs-1, ...)
 * and without the "http" that cleartext HTTP/2 on HTTP's ports passes
 * through ("http:http2": the connection speaks HTTP/2). */
static void protocols_str(const dx_node *n, char *buf, size_t len) {
  char all[512];
  value_str(n, all, sizeof all);
  size_t u = 0;
  buf[0] = 0;
  const char *last = "";
  size_t last_len = 0;
  for (char *s = all, *e; *s; s = e) {
    e = s + strcspn(s, ":");
    size_t k = (size_t)(e - s);
    if (*e)
      *e++ = 0;
    if (!strncmp(s, "x509", 4) || !strncmp(s, "pkcs-1", 6) || !strncmp(s, "pkix1", 5) ||
        (k == last_len && !strncmp(s, last, k)))
      continue;
    if (u + k + 2 > len)
      break;
    if (u)
      buf[u++] = ':';
    memcpy(buf + u, s, k);
    u += k;
    buf[u] = 0;
    last = s;
    last_len = k;
  }
  char *h = strstr(buf, "http:http2");
  if (h && (h == buf || h[-1] == ':') && (h[10] == 0 || h[10] == ':'))
    memmove(h, h + 5, strlen(h + 5) + 1);
}
static int pflag(const dx_packet *p, const dx_field *f) {
  const dx_node *n = f ? dx_packet_find(p, f) : NULL;
  return n && dx_node_uint(n);
}
static int present(const dx_packet *p, const dx_field *f) {
  return f && dx_packet_find(p, f) != NULL;
}
/* A relative time node ("0.000128000") as exact nanoseconds; -1 if none. */
static int64_t reltime_ns(const dx_node *n) {
  if (!n)
    return -1;
  char v[64];
  dx_node_value(n, v, sizeof v);
  const char *c = v;
  int neg = 0;
  if (*c == '-') {
    neg = 1;
    c++;
  }
  int64_t sec = 0, ns = 0;
  int digits = 0;
  while (*c >= '0' && *c <= '9' && sec < 1000000000000LL) {
    sec = sec * 10 + (*c++ - '0');
    digits++;
  }
  if (!digits)
    return -1;
  if (*c == '.') {
    c++;
    int k = 0;
    for (; *c >= '0' && *c <= '9'; c++, k++)
      if (k < 9)
        ns = ns * 10 + (*c - '0');
    for (; k < 9; k++)
      ns *= 10;
  }
  int64_t r = sec * 1000000000LL + ns;
  return neg ? -r : r;
}

static int64_t packet_time(dx_story *st, const dx_packet *p) {
  const dx_frame *f = dx_packet_frame(p);
  if (!st->have_t0) {
    st->have_t0 = 1;
    st->t0_sec = f->ts_sec;
    st->t0_nsec = f->ts_nsec;
  }
  return (f->ts_sec - st->t0_sec) * 1000000000LL + ((int64_t)f->ts_nsec - st->t0_nsec);
}

void dx_story_set_quic_number_base(dx_story *st, uint32_t base) {
  if (st)
    st->quic_base = base;
}

void dx_story_set_time_reference(dx_story *st, int64_t sec, uint32_t nsec) {
  if (!st)
    return;
  st->have_t0 = 1;
  st->t0_sec = sec;
  st->t0_nsec = nsec;
}

/* ---- public: config, new, free --------------------------------------------- */
void dx_story_config_init(dx_story_config *cfg) {
  if (!cfg)
    return;
  memset(cfg, 0, sizeof *cfg);
  cfg->max_connections = 4096;
  cfg->max_events = 400;
  cfg->max_exchanges = 256;
  cfg->max_dns = 4096;
}

int dx_story_new(dx_story **out, dx_session *s, const dx_story_config *cfg) {
  if (!out || !s)
    return DX_EINVAL;
  *out = NULL;
  dx_story *st = calloc(1, sizeof *st);
  if (!st)
    return DX_ENOMEM;
  st->s = s;
  dx_story_config def;
  dx_story_config_init(&def);
  st->cfg = def;
  if (cfg) {
    if (cfg->max_connections)
      st->cfg.max_connections = cfg->max_connections;
    if (cfg->max_events)
      st->cfg.max_events = cfg->max_events;
    if (cfg->max_exchanges)
      st->cfg.max_exchanges = cfg->max_exchanges;
    if (cfg->max_dns)
      st->cfg.max_dns = cfg->max_dns;
  }
  if (st->cfg.max_events < 8)
    st->cfg.max_events = 8; /* room for the DNS steps added at the end */
  struct {
    const dx_field **f;
    const char *name;
  } want[] = {
      {&st->f_stream, "tcp.stream"},
      {&st->f_syn, "tcp.flags.syn"},
      {&st->f_ack, "tcp.flags.ack"},
      {&st->f_fin, "tcp.flags.fin"},
      {&st->f_rst, "tcp.flags.reset"},
      {&st->f_len, "tcp.len"},
      {&st->f_irtt, "tcp.analysis.initial_rtt"},
      {&st->f_ipsrc, "ip.src"},
      {&st->f_ipdst, "ip.dst"},
      {&st->f_ip6src, "ipv6.src"},
      {&st->f_ip6dst, "ipv6.dst"},
      {&st->f_sport, "tcp.srcport"},
      {&st->f_dport, "tcp.dstport"},
      {&st->f_retr, "tcp.analysis.retransmission"},
      {&st->f_fretr, "tcp.analysis.fast_retransmission"},
      {&st->f_sretr, "tcp.analysis.spurious_retransmission"},
      {&st->f_lost, "tcp.analysis.lost_segment"},
      {&st->f_dup, "tcp.analysis.duplicate_ack"},
      {&st->f_ooo, "tcp.analysis.out_of_order"},
      {&st->f_zw, "tcp.analysis.zero_window"},
      {&st->f_ka, "tcp.analysis.keep_alive"},
      {&st->f_tls_record, "tls.record"},
      {&st->f_http, "http"},
      {&st->f_proxy_host, "http.proxy_connect_host"},
      {&st->f_h2stream, "http2.stream"},
      {&st->f_tcpseg, "tcp.segment"},
      {&st->f_tlsseg, "tls.segment"},
      {&st->f_dns_resp, "dns.flags.response"},
      {&st->f_dns_qname, "dns.qry.name"},
      {&st->f_dns_qtype, "dns.qry.type"},
      {&st->f_dns_a, "dns.a"},
      {&st->f_dns_aaaa, "dns.aaaa"},
      {&st->f_dns_time, "dns.time"},
      {&st->f_dns_resp_to, "dns.response_to"},
      {&st->f_protocols, "frame.protocols"},
      {&st->f_quic, "quic"},
      {&st->f_quic_conn, "quic.connection.number"},
      {&st->f_udp_stream, "udp.stream"},
      {&st->f_usport, "udp.srcport"},
      {&st->f_udport, "udp.dstport"},
      {&st->f_ulen, "udp.length"},
      {&st->f_http3, "http3"},
  };
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    *want[i].f = dx_field_lookup(s, want[i].name); /* NULL: that part is not told */
  if (!charge(st, sizeof *st)) {
    free(st);
    return DX_ENOMEM;
  }
  *out = st;
  return DX_OK;
}

void dx_story_free(dx_story *st) {
  if (!st)
    return;
  for (size_t i = 0; i < st->n; i++) {
    free(st->conns[i]->ev);
    free(st->conns[i]->ex);
    free(st->conns[i]);
  }
  free(st->conns);
  free(st->slots);
  free(st->dns);
  free(st->marked_q);
  refund(st, (size_t)st->bytes);
  free(st);
}

/* ---- connections by tcp.stream / quic.connection.number ----------------------- */
static size_t slot_of(const dx_story *st, int transport, uint32_t stream) {
  uint64_t key = (uint64_t)stream | (uint64_t)(unsigned)transport << 32;
  uint64_t h = dx_siphash13(&st->s->hashkey, &key, sizeof key);
  return (size_t)h & (st->nslots - 1);
}
static conn *conn_find(const dx_story *st, int transport, uint32_t stream) {
  if (!st->nslots)
    return NULL;
  for (size_t i = slot_of(st, transport, stream);; i = (i + 1) & (st->nslots - 1)) {
    uint32_t v = st->slots[i];
    if (!v)
      return NULL;
    if (st->conns[v - 1]->pub.stream == stream && st->conns[v - 1]->pub.transport == transport)
      return st->conns[v - 1];
  }
}
static int rehash(dx_story *st, size_t nslots) {
  if (!charge(st, nslots * sizeof(uint32_t)))
    return 0;
  uint32_t *ns = calloc(nslots, sizeof *ns);
  if (!ns) {
    refund(st, nslots * sizeof(uint32_t));
    return 0;
  }
  refund(st, st->nslots * sizeof(uint32_t));
  free(st->slots);
  st->slots = ns;
  st->nslots = nslots;
  for (size_t k = 0; k < st->n; k++) {
    size_t i = slot_of(st, st->conns[k]->pub.transport, st->conns[k]->pub.stream);
    while (st->slots[i])
      i = (i + 1) & (nslots - 1);
    st->slots[i] = (uint32_t)k + 1;
  }
  return 1;
}
static conn *conn_new(dx_story *st, int transport, uint32_t stream) {
  if (st->n >= st->cfg.max_connections)
    return NULL;
  if ((st->n + 1) * 2 > st->nslots && !rehash(st, st->nslots ? st->nslots * 2 : 64))
    return NULL;
  if (!grow(st, (void **)&st->conns, &st->cap, st->n + 1, sizeof *st->conns))
    return NULL;
  if (!charge(st, sizeof(conn)))
    return NULL;
  conn *c = calloc(1, sizeof *c);
  if (!c) {
    refund(st, sizeof(conn));
    return NULL;
  }
  c->pub.stream = stream;
  c->pub.transport = transport;
  c->pub.tcp.handshake_rtt_ns = -1;
  c->pub.tls.round_trips = -1;
  c->pub.before_first_byte_ns = -1;
  c->pub.trust.other_leg = -1;
  st->conns[st->n++] = c;
  size_t i = slot_of(st, transport, stream);
  while (st->slots[i])
    i = (i + 1) & (st->nslots - 1);
  st->slots[i] = (uint32_t)st->n;
  return c;
}

/* ---- ladder events ---------------------------------------------------------- */
/* Flags of a step: EV_MERGE merges it into the step before when that one is
 * alike (Application Data x 5); EV_NOWAIT marks a server step the client
 * does not wait for (a ticket, SETTINGS, a window update): the client's
 * next step does not start a round trip because of it. Every other server
 * step is a reply the client waited for. */
enum { EV_MERGE = 1, EV_NOWAIT = 2 };

static dx_story_event *add_event(dx_story *st, conn *c, dx_story_point at, int dir, int layer,
                                 const char *label, int flags) {
  if (dir == S2C && !(flags & EV_NOWAIT))
    c->awaiting = 1;
  /* once steps were dropped, a step is never merged into one before them */
  if ((flags & EV_MERGE) && c->pub.nevents > 0 && !c->pub.events_dropped) {
    dx_story_event *last = &c->ev[c->pub.nevents - 1];
    if (last->layer == layer && last->from == (dir == C2S ? DX_STORY_CLIENT : DX_STORY_SERVER) &&
        strcmp(last->label, label) == 0) {
      last->count++;
      return last;
    }
  }
  /* keep room for the two DNS steps added by dx_story_finish() */
  if (c->pub.nevents + 2 >= st->cfg.max_events ||
      !grow(st, (void **)&c->ev, &c->evcap, c->pub.nevents + 1, sizeof *c->ev)) {
    c->pub.events_dropped++;
    return NULL;
  }
  dx_story_event *e = &c->ev[c->pub.nevents++];
  memset(e, 0, sizeof *e);
  e->at = at;
  e->from = dir == C2S ? DX_STORY_CLIENT : DX_STORY_SERVER;
  e->to = dir == C2S ? DX_STORY_SERVER : DX_STORY_CLIENT;
  e->layer = layer;
  e->count = 1;
  copy(e->label, sizeof e->label, label);
  /* round trips: a client step after a server step the client waited for
   * starts the next one (the SYN starts the first) */
  if (dir == C2S && (c->rtt == 0 || c->awaiting)) {
    e->rtt = ++c->rtt;
    c->awaiting = 0;
  }
  c->pub.events = c->ev;
  return e;
}
/* A server step the client waits for (not a ticket, not a window update). */
static void server_reply(conn *c, int dir) {
  if (dir == S2C)
    c->awaiting = 1;
}

/* ---- HTTP exchanges -------------------------------------------------------- */
static dx_story_exchange *add_exchange(dx_story *st, conn *c) {
  if (c->pub.nexchanges >= st->cfg.max_exchanges ||
      !grow(st, (void **)&c->ex, &c->excap, c->pub.nexchanges + 1, sizeof *c->ex)) {
    c->pub.exchanges_dropped++;
    return NULL;
  }
  dx_story_exchange *x = &c->ex[c->pub.nexchanges++];
  memset(x, 0, sizeof *x);
  x->ttfb_ns = x->response_time_ns = -1;
  x->request_body_bytes = x->response_body_bytes = -1;
  c->pub.exchanges = c->ex;
  return x;
}

/* The first frame of the PDU that completed in packet p: the earliest of
 * the TCP / TLS segments it was reassembled from, or p itself. Its time
 * comes from the ring of recent server payload frames. */
static dx_story_point pdu_start(dx_story *st, conn *c, const dx_packet *p, dx_story_point here) {
  dx_story_point best = here;
  const dx_field *fs[2] = {st->f_tcpseg, st->f_tlsseg};
  for (int k = 0; k < 2; k++)
    for (const dx_node *n = fs[k] ? dx_packet_find(p, fs[k]) : NULL; n;
         n = dx_packet_find_next(p, n)) {
      uint64_t fr = dx_node_uint(n);
      if (fr && fr < best.frame) {
        unsigned m = c->s2c_n < S2C_RING ? c->s2c_n : S2C_RING;
        for (unsigned i = 0; i < m; i++)
          if (c->s2c[i].frame == fr) {
            best = c->s2c[i];
            break;
          }
      }
    }
  return best;
}

static void set_first_byte(dx_story_exchange *x, dx_story_point at) {
  if (x->first_byte.frame)
    return;
  if (at.frame < x->request.frame)
    at = x->request; /* pipelined: bytes of an earlier response */
  x->first_byte = at;
  x->ttfb_ns = at.time_ns - x->request.time_ns;
}

static int64_t body_len(const dx_story *st, const dx_node *http) {
  const dx_node *fd = find_name_in(st, http, "http.file_data");
  if (fd)
    return dx_node_length(fd);
  const dx_node *cl = find_name_in(st, http, "http.content_length");
  return cl ? (int64_t)dx_node_uint(cl) : -1;
}

static void http1(dx_story *st, conn *c, const dx_packet *p, const dx_node *h, int dir,
                  dx_story_point at) {
  char a[256], b[256], lab[600];
  const dx_node *m = find_name_in(st, h, "http.request.method");
  const dx_node *code = find_name_in(st, h, "http.response.code");
  const dx_node *host = find_name_in(st, h, "http.host");
  c->tls_or_http = 1;
  if (host && !c->host[0])
    value_str(host, c->host, sizeof c->host);
  if (m && dir == C2S) {
    value_str(m, a, sizeof a);
    value_str(find_name_in(st, h, "http.request.uri"), b, sizeof b);
    snprintf(lab, sizeof lab, "%s %s", a, b);
    add_event(st, c, at, dir, DX_STORY_HTTP, lab, 0);
    dx_story_exchange *x = add_exchange(st, c);
    if (x) {
      x->http_version = 1;
      copy(x->method, sizeof x->method, a);
      copy(x->uri, sizeof x->uri, b);
      x->request = at;
      int64_t bl = body_len(st, h);
      x->request_body_bytes = bl >= 0 ? bl : 0;
    }
  } else if (code && dir == S2C) {
    unsigned status = (unsigned)dx_node_uint(code);
    value_str(find_name_in(st, h, "http.response.phrase"), b, sizeof b);
    snprintf(lab, sizeof lab, "%u %s", status, b);
    add_event(st, c, at, dir, DX_STORY_HTTP, lab, 0);
    server_reply(c, dir);
    /* the exchange: by http.request_in, else the oldest without a response */
    const dx_node *rin = find_name_in(st, h, "http.request_in");
    uint64_t rf = rin ? dx_node_uint(rin) : 0;
    dx_story_exchange *x = NULL;
    for (size_t i = 0; i < c->pub.nexchanges && !x; i++) {
      dx_story_exchange *e = &c->ex[i];
      if (e->http_version == 1 && !e->status && (rf ? e->request.frame == rf : 1))
        x = e;
    }
    if (!x)
      return;
    x->status = status;
    copy(x->reason, sizeof x->reason, b);
    x->response = at;
    x->last_byte = at;
    set_first_byte(x, pdu_start(st, c, p, at));
    int64_t ht = reltime_ns(find_name_in(st, h, "http.time"));
    x->response_time_ns = ht >= 0 ? ht : at.time_ns - x->request.time_ns;
    int64_t bl = body_len(st, h);
    if (bl < 0 &&
        (strcmp(x->method, "HEAD") == 0 || status / 100 == 1 || status == 204 || status == 304))
      bl = 0;
    x->response_body_bytes = bl;
  } else if (dir == S2C) {
    /* a continuation (body bytes of a response) */
    for (size_t i = c->pub.nexchanges; i-- > 0;)
      if (c->ex[i].http_version == 1 && c->ex[i].status) {
        if (at.frame > c->ex[i].last_byte.frame)
          c->ex[i].last_byte = at;
        break;
      }
  }
}

static dx_story_exchange *h2_exchange(conn *c, uint32_t sid) {
  for (size_t i = c->pub.nexchanges; i-- > 0;)
    if (c->ex[i].http_version == 2 && c->ex[i].stream_id == sid)
      return &c->ex[i];
  return NULL;
}

static void http2(dx_story *st, conn *c, const dx_packet *p, const dx_node *fr, int dir,
                  dx_story_point at) {
  char a[256], b[256], lab[600];
  c->tls_or_http = 1;
  if (find_name_in(st, fr, "http2.magic")) {
    add_event(st, c, at, dir, DX_STORY_HTTP, "HTTP/2 connection preface", 0);
    return;
  }
  const dx_node *tn = find_name_in(st, fr, "http2.type");
  if (!tn)
    return;
  unsigned type = (unsigned)dx_node_uint(tn);
  const dx_node *sn = find_name_in(st, fr, "http2.streamid");
  uint32_t sid = sn ? (uint32_t)dx_node_uint(sn) : 0;
  const dx_node *m = find_name_in(st, fr, "http2.headers.method");
  const dx_node *code = find_name_in(st, fr, "http2.headers.status");
  const dx_node *auth = find_name_in(st, fr, "http2.headers.authority");
  if (auth && !c->host[0])
    value_str(auth, c->host, sizeof c->host);
  const dx_node *ln = find_name_in(st, fr, "http2.length");
  uint64_t flen = ln ? dx_node_uint(ln) : 0;
  if (m && dir == C2S) {
    value_str(m, a, sizeof a);
    value_str(find_name_in(st, fr, "http2.headers.path"), b, sizeof b);
    snprintf(lab, sizeof lab, "%s %s [stream %u]", a, b, sid);
    add_event(st, c, at, dir, DX_STORY_HTTP, lab, 0);
    dx_story_exchange *x = add_exchange(st, c);
    if (x) {
      x->http_version = 2;
      x->stream_id = sid;
      copy(x->method, sizeof x->method, a);
      copy(x->uri, sizeof x->uri, b);
      x->request = at;
      x->request_body_bytes = 0;
    }
    return;
  }
  if (code && dir == S2C) {
    unsigned status = (unsigned)dx_node_uint(code);
    snprintf(lab, sizeof lab, "%u [stream %u]", status, sid);
    add_event(st, c, at, dir, DX_STORY_HTTP, lab, 0);
    server_reply(c, dir);
    dx_story_exchange *x = h2_exchange(c, sid);
    if (!x && sid == 1) {
      /* after "Upgrade: h2c" the HTTP/1.1 request is stream 1 (RFC 9113
       * 3.2): its answer comes here, after the 101 */
      for (size_t i = 0; i < c->pub.nexchanges && !x; i++)
        if (c->ex[i].http_version == 1 && c->ex[i].status == 101) {
          dx_story_exchange *up = &c->ex[i];
          if ((x = add_exchange(st, c)) != NULL) {
            up = &c->ex[i]; /* add_exchange may move the array */
            x->http_version = 2;
            x->stream_id = 1;
            copy(x->method, sizeof x->method, up->method);
            copy(x->uri, sizeof x->uri, up->uri);
            x->request = up->request;
            x->request_body_bytes = up->request_body_bytes;
          }
        }
    }
    if (x && !x->status) {
      x->status = status;
      x->response = at;
      x->last_byte = at;
      set_first_byte(x, pdu_start(st, c, p, at));
      x->response_time_ns = at.time_ns - x->request.time_ns;
      x->response_body_bytes = 0;
    }
    return;
  }
  if (type == 0) { /* DATA */
    snprintf(lab, sizeof lab, "DATA [stream %u]", sid);
    add_event(st, c, at, dir, DX_STORY_HTTP, lab, EV_MERGE);
    dx_story_exchange *x = h2_exchange(c, sid);
    if (x) {
      if (dir == C2S) {
        x->request_body_bytes += (int64_t)flen;
        /* the request is complete with the frame that ends its stream (a
         * POST's body after its HEADERS), as an HTTP/1 request is with
         * the segment that ends its body */
        const dx_node *es = find_name_in(st, fr, "http2.flags.end_stream");
        if (es && dx_node_uint(es) && !x->status)
          x->request = at;
      } else {
        x->response_body_bytes =
            (x->response_body_bytes < 0 ? 0 : x->response_body_bytes) + (int64_t)flen;
        if (at.frame > x->last_byte.frame)
          x->last_byte = at;
      }
    }
    return;
  }
  /* SETTINGS, WINDOW_UPDATE, ...: shown, nobody waits for them */
  const char *tname = dx_node_value_name(tn);
  snprintf(lab, sizeof lab, "%s", tname ? tname : "HTTP/2 frame");
  add_event(st, c, at, dir, DX_STORY_HTTP, lab, EV_MERGE | EV_NOWAIT);
}

/* ---- TLS ------------------------------------------------------------------- */
static const char *tls_version_name(unsigned v) {
  switch (v) {
  case 0x0300: return "SSL 3.0";
  case 0x0301: return "TLS 1.0";
  case 0x0302: return "TLS 1.1";
  case 0x0303: return "TLS 1.2";
  case 0x0304: return "TLS 1.3";
  default: return "TLS";
  }
}

/* "rdnSequence: 2 items (id-at-commonName=x,id-at-organizationName=y)"
 * -> "CN=x, O=y" */
static void dn_text(const dx_story *st, const dx_node *name, char *out, size_t len) {
  out[0] = 0;
  /* Wireshark names it x509if.rdnSequence under an issuer and
   * x509af.rdnSequence under a subject */
  const dx_node *rdn = NULL;
  for (const dx_node *c = name ? dx_node_first_child(name) : NULL; c && !rdn; c = dx_node_next(c)) {
    const char *nm = dx_node_name(c);
    size_t l = strlen(nm);
    if (l >= 12 && strcmp(nm + l - 12, ".rdnSequence") == 0)
      rdn = c;
  }
  (void)st;
  if (!rdn)
    return;
  char lab[512];
  dx_node_label(rdn, lab, sizeof lab);
  const char *open = strchr(lab, '(');
  size_t l = strlen(lab);
  if (!open || l < 2 || lab[l - 1] != ')')
    return;
  lab[l - 1] = 0;
  static const struct {
    const char *from, *to;
  } names[] = {{"id-at-commonName=", "CN="},
               {"id-at-organizationName=", "O="},
               {"id-at-organizationalUnitName=", "OU="},
               {"id-at-countryName=", "C="},
               {"id-at-localityName=", "L="},
               {"id-at-stateOrProvinceName=", "ST="}};
  size_t o = 0;
  for (const char *c = open + 1; *c && o + 1 < len;) {
    int done = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !done; i++) {
      size_t fl = strlen(names[i].from);
      if (strncmp(c, names[i].from, fl) == 0 && (c == open + 1 || c[-1] == ',')) {
        for (const char *t = names[i].to; *t && o + 1 < len; t++)
          out[o++] = *t;
        c += fl;
        done = 1;
      }
    }
    if (done)
      continue;
    if (*c == ',' && o + 2 < len) {
      out[o++] = ',';
      out[o++] = ' ';
      c++;
      continue;
    }
    out[o++] = *c++;
  }
  out[o] = 0;
}

static const uint8_t hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

/* Appends ", text" (or "text" first) to a label being built. */
static void append(char *buf, size_t len, const char *text) {
  size_t l = strlen(buf);
  if (l + 3 < len)
    snprintf(buf + l, len - l, "%s%s", l ? ", " : "", text);
}

/* One handshake message (a tls.handshake node) of a record, or of a QUIC
 * packet's CRYPTO frames: its step, or (names != NULL, QUIC) its name
 * appended to the packet's label. */
static void tls_handshake(dx_story *st, conn *c, const dx_node *hs, int dir, dx_story_point at,
                          int *any, char *names, size_t nlen) {
  const dx_node *tn = find_name_in(st, hs, "tls.handshake.type");
  if (!tn)
    return;
  unsigned ht = (unsigned)dx_node_uint(tn);
  dx_story_conn *pc = &c->pub;
  const char *nm = dx_node_value_name(tn);
  char lab[120];
  if (!nm) {
    snprintf(lab, sizeof lab, "Handshake type %u", ht);
    nm = lab;
  }
  *any = 1;
  if (ht == 1 && dir == C2S) {
    if (!pc->tls.client_hello.frame)
      pc->tls.client_hello = at;
    const dx_node *sni = find_name_in(st, hs, "tls.handshake.extensions_server_name");
    if (sni && !pc->tls.sni[0])
      value_str(sni, pc->tls.sni, sizeof pc->tls.sni);
    const dx_node *sid = find_name_in(st, hs, "tls.handshake.session_id");
    size_t l = 0;
    const uint8_t *b = sid ? dx_node_bytes(sid, &l) : NULL;
    if (b && l <= sizeof c->ch_session_id) {
      memcpy(c->ch_session_id, b, l);
      c->ch_sid_len = l;
    }
  }
  if (ht == 2 && dir == S2C) {
    const dx_node *rnd = find_name_in(st, hs, "tls.handshake.random");
    size_t l = 0;
    const uint8_t *b = rnd ? dx_node_bytes(rnd, &l) : NULL;
    int hrr = b && l == 32 && memcmp(b, hrr_random, 32) == 0;
    if (hrr) {
      pc->tls.hello_retry = 1;
      c->tls13 = 1; /* a HelloRetryRequest exists only in TLS 1.3 */
      nm = "Hello Retry Request";
    } else {
      pc->tls.server_hello = at;
      const dx_node *ver = find_name_in(st, hs, "tls.handshake.version");
      const dx_node *sv = find_name_in(st, hs, "tls.handshake.extensions.supported_version");
      unsigned v = sv ? (unsigned)dx_node_uint(sv) : ver ? (unsigned)dx_node_uint(ver) : 0;
      pc->tls.version = v;
      copy(pc->tls.version_name, sizeof pc->tls.version_name, tls_version_name(v));
      c->tls13 = v == 0x0304;
      const dx_node *cs = find_name_in(st, hs, "tls.handshake.ciphersuite");
      if (cs) {
        pc->tls.cipher_suite = (unsigned)dx_node_uint(cs);
        copy(pc->tls.cipher_suite_name, sizeof pc->tls.cipher_suite_name, dx_node_value_name(cs));
      }
      const char *parts[4] = {"tls.cipher.kx", "tls.cipher.auth", "tls.cipher.enc",
                              "tls.cipher.mac"};
      char *dst[4] = {pc->tls.kx, pc->tls.auth, pc->tls.enc, pc->tls.mac};
      size_t dl[4] = {sizeof pc->tls.kx, sizeof pc->tls.auth, sizeof pc->tls.enc,
                      sizeof pc->tls.mac};
      for (int i = 0; i < 4; i++)
        value_str(find_name_in(st, hs, parts[i]), dst[i], dl[i]);
      if (c->tls13) {
        /* TLS 1.3 suites name only the cipher and hash: the key exchange is
         * the key share group, the authentication the certificate's key */
        const dx_node *g = find_name_in(st, hs, "tls.handshake.extensions_key_share_group");
        const char *gn = g ? dx_node_value_name(g) : NULL;
        snprintf(pc->tls.kx, sizeof pc->tls.kx, "ECDHE%s%s%s", gn ? " (" : "", gn ? gn : "",
                 gn ? ")" : "");
        if (!pc->tls.auth[0] || strcmp(pc->tls.auth, "any") == 0)
          copy(pc->tls.auth, sizeof pc->tls.auth, "certificate signature");
      }
      const dx_node *sid = find_name_in(st, hs, "tls.handshake.session_id");
      size_t sl = 0;
      const uint8_t *sb = sid ? dx_node_bytes(sid, &sl) : NULL;
      if (sb && sl <= sizeof c->sh_session_id) {
        memcpy(c->sh_session_id, sb, sl);
        c->sh_sid_len = sl;
      }
      const dx_node *alpn = find_name_in(st, hs, "tls.handshake.extensions_alpn_str");
      if (alpn)
        value_str(alpn, pc->tls.alpn, sizeof pc->tls.alpn);
    }
  }
  if (ht == 8 && dir == S2C) {
    const dx_node *alpn = find_name_in(st, hs, "tls.handshake.extensions_alpn_str");
    if (alpn && !pc->tls.alpn[0])
      value_str(alpn, pc->tls.alpn, sizeof pc->tls.alpn);
  }
  /* extensions of Client Hello, Server Hello, Encrypted Extensions */
  const dx_field *fext = dx_field_lookup(st->s, "tls.handshake.extension.type");
  if (fext && (ht == 1 || ht == 2 || ht == 8)) {
    const dx_node *stack[32];
    int depth = 0;
    const dx_node *n = dx_node_first_child(hs);
    while (n) {
      if (dx_node_field(n) == fext) {
        unsigned et = (unsigned)dx_node_uint(n);
        if (et == 42 && ht == 1 && dir == C2S && !pc->tls.early_data)
          pc->tls.early_data = 1;
        if (et == 42 && ht == 8 && dir == S2C)
          pc->tls.early_data = 2;
        if (et == 41 && ht == 2 && dir == S2C)
          c->psk_selected = 1;
      }
      if (dx_node_first_child(n) && depth < 32) {
        stack[depth++] = n;
        n = dx_node_first_child(n);
        continue;
      }
      n = dx_node_next(n);
      while (!n && depth > 0)
        n = dx_node_next(stack[--depth]);
    }
  }
  if (ht == 11 && dir == S2C) {
    c->srv_cert = 1;
    const dx_node *tv = find_name_in(st, hs, "tls.trust.verdict");
    if (tv && !pc->trust.present) {
      pc->trust.present = 1;
      value_str(tv, pc->trust.verdict, sizeof pc->trust.verdict);
      value_str(find_name_in(st, hs, "tls.trust.root"), pc->trust.root, sizeof pc->trust.root);
      value_str(find_name_in(st, hs, "tls.trust.error"), pc->trust.error, sizeof pc->trust.error);
      const dx_node *ti = find_name_in(st, hs, "tls.trust.intercepted");
      pc->trust.intercepted = ti && dx_node_uint(ti);
      const dx_node *tl = find_name_in(st, hs, "tls.trust.other_leg");
      if (tl)
        pc->trust.other_leg = (int64_t)dx_node_uint(tl);
    }
    const dx_field *fc = dx_field_lookup(st->s, "tls.handshake.certificate");
    const dx_field *fsubj = dx_field_lookup(st->s, "x509af.subject");
    const dx_field *fiss = dx_field_lookup(st->s, "x509af.issuer");
    const dx_node *certs = find_name_in(st, hs, "tls.handshake.certificates");
    if (fc && certs && !pc->tls.ncerts)
      for (const dx_node *n = dx_node_first_child(certs); n; n = dx_node_next(n)) {
        if (dx_node_field(n) != fc)
          continue;
        unsigned k = pc->tls.ncerts++;
        if (k >= DX_STORY_MAX_CERTS)
          continue;
        dn_text(st, fsubj ? find_in(n, fsubj, 0) : NULL, pc->tls.certs[k].subject,
                sizeof pc->tls.certs[k].subject);
        dn_text(st, fiss ? find_in(n, fiss, 0) : NULL, pc->tls.certs[k].issuer,
                sizeof pc->tls.certs[k].issuer);
      }
  }
  if (ht == 20) {
    if (dir == C2S && !pc->tls.client_finished.frame)
      pc->tls.client_finished = at;
    if (dir == S2C && !pc->tls.server_finished.frame)
      pc->tls.server_finished = at;
    c->hs_done[dir] = 1;
  }
  if (names)
    append(names, nlen, nm);
  else
    add_event(st, c, at, dir, DX_STORY_TLS, nm, ht == 4 ? EV_NOWAIT : 0);
  /* the client waits for the server's flights, not for its tickets */
  if (dir == S2C && ht != 4) {
    server_reply(c, dir);
    c->srv_needed = 1;
  }
}

/* Notes a TLS record's direction for the round-trip count: a client record
 * after server handshake records the client waited for ends a round trip
 * (tickets, sent after the handshake, are waited for by nobody). */
static void tls_turn(conn *c, int dir) {
  if (c->client_app)
    return;
  if (dir == C2S && c->srv_needed) {
    c->rt_switches++;
    c->srv_needed = 0;
  }
}

/* The client sends application data: the round trips before it are
 * counted. */
static void client_app_data(conn *c, dx_story_point at) {
  if (c->client_app)
    return;
  c->client_app = 1;
  c->pub.tls.first_app_data = at;
  c->pub.tls.round_trips = c->rt_switches;
}

static void tls_record(dx_story *st, conn *c, const dx_node *rec, int dir, dx_story_point at,
                       int *app_records) {
  dx_story_conn *pc = &c->pub;
  const dx_node *ct = find_name_in(st, rec, "tls.record.content_type");
  const dx_node *opaque = find_name_in(st, rec, "tls.record.opaque_type");
  int inner = ct && opaque; /* TLS 1.3, decrypted */
  if (inner)
    pc->tls.decrypted = 1;
  if (!ct)
    ct = opaque;
  unsigned type = ct ? (unsigned)dx_node_uint(ct) : 0;
  /* an SSLv2-format record (no content type): its message fields sit right
   * under it (a client's SSLv2-compatible Client Hello, RFC 6101 E.2) */
  if (!ct && find_name_in(st, rec, "tls.handshake.type")) {
    pc->tls.present = 1;
    c->tls_or_http = 1;
    tls_turn(c, dir);
    int any = 0;
    tls_handshake(st, c, rec, dir, at, &any, NULL, 0);
    return;
  }
  pc->tls.present = 1;
  c->tls_or_http = 1;
  tls_turn(c, dir);
  char lab[120];
  switch (type) {
  case 20:
    add_event(st, c, at, dir, DX_STORY_TLS, "Change Cipher Spec", 0);
    if (dir == S2C && !c->tls13)
      c->srv_needed = 1;
    if (!c->ccs[dir] && dir == S2C && !c->ccs[C2S] && !c->srv_cert && !c->tls13)
      pc->tls.resumed = 1; /* TLS 1.2: the server's CCS before any certificate */
    c->ccs[dir] = 1;
    return;
  case 21: {
    const dx_node *d = find_name_in(st, rec, "tls.alert_message.desc");
    const char *dn = d ? dx_node_value_name(d) : NULL;
    snprintf(lab, sizeof lab, "Alert (%s)", dn ? dn : "encrypted");
    add_event(st, c, at, dir, DX_STORY_TLS, lab, 0);
    return;
  }
  case 22: {
    int any = 0;
    const dx_field *fhs = dx_field_lookup(st->s, "tls.handshake");
    for (const dx_node *n = dx_node_first_child(rec); n; n = dx_node_next(n))
      if (dx_node_field(n) == fhs)
        tls_handshake(st, c, n, dir, at, &any, NULL, 0);
    if (!any)
      add_event(st, c, at, dir, DX_STORY_TLS,
                c->ccs[dir] ? "Finished (encrypted)" : "Encrypted Handshake Message", 0);
    if (!any && c->ccs[dir])
      c->hs_done[dir] = 1;
    if (!any && dir == S2C)
      c->srv_needed = 1;
    return;
  }
  case 23:
    if (inner || pc->tls.decrypted || !c->tls13) {
      if (dir == C2S)
        client_app_data(c, at);
      (*app_records)++;
      return;
    }
    /* TLS 1.3 without keys: the server's encrypted records until the
     * client answers are the rest of its flight (Encrypted Extensions,
     * Certificate, Certificate Verify, Finished: one arrow); the client's
     * first encrypted record is its Finished */
    if (dir == S2C && !c->hs_done[C2S]) {
      const dx_story_event *last = c->pub.nevents ? &c->ev[c->pub.nevents - 1] : NULL;
      static const char flight[] = "Encrypted flight (Certificate, ..., Finished)";
      if (!(last && last->from == DX_STORY_SERVER && strcmp(last->label, flight) == 0))
        add_event(st, c, at, dir, DX_STORY_TLS, flight, 0);
      server_reply(c, dir);
      c->srv_needed = 1;
      c->hs_done[S2C] = 1;
      return;
    }
    if (dir == C2S && !c->hs_done[C2S]) {
      add_event(st, c, at, dir, DX_STORY_TLS, "Finished (encrypted)", 0);
      c->hs_done[C2S] = 1;
      return;
    }
    if (dir == S2C && !c->client_app) {
      /* after the handshake, before the client's first application data:
       * most likely New Session Tickets, which nobody waits for */
      add_event(st, c, at, dir, DX_STORY_TLS, "Encrypted (New Session Ticket?)",
                EV_MERGE | EV_NOWAIT);
      return;
    }
    if (dir == C2S)
      client_app_data(c, at);
    (*app_records)++;
    return;
  case 24: add_event(st, c, at, dir, DX_STORY_TLS, "Heartbeat", 0); return;
  default:
    snprintf(lab, sizeof lab, "TLS record type %u", type);
    add_event(st, c, at, dir, DX_STORY_TLS, lab, 0);
  }
}

/* ---- per packet ------------------------------------------------------------ */
static void addr_of(dx_story *st, const dx_packet *p, int src, char *buf, size_t len) {
  const dx_node *n = dx_packet_find(p, src ? st->f_ipsrc : st->f_ipdst);
  if (!n)
    n = dx_packet_find(p, src ? st->f_ip6src : st->f_ip6dst);
  value_str(n, buf, len);
}

static void dns_packet(dx_story *st, const dx_packet *p, dx_story_point at) {
  if (!pflag(p, st->f_dns_resp))
    return;
  if (!st->cfg.max_dns)
    return;
  dns_rec *r;
  if (st->ndns < st->cfg.max_dns) {
    if (!grow(st, (void **)&st->dns, &st->dnscap, st->ndns + 1, sizeof *st->dns))
      return;
    st->last_dns = st->ndns;
    r = &st->dns[st->ndns++];
  } else { /* a ring: the oldest goes */
    st->last_dns = st->dns_head;
    r = &st->dns[st->dns_head];
    st->dns_head = (st->dns_head + 1) % st->ndns;
  }
  memset(r, 0, sizeof *r);
  r->response = at;
  int64_t dt = st->f_dns_time ? reltime_ns(dx_packet_find(p, st->f_dns_time)) : -1;
  const dx_node *rt = st->f_dns_resp_to ? dx_packet_find(p, st->f_dns_resp_to) : NULL;
  if (rt && dt >= 0) {
    r->query.frame = dx_node_uint(rt);
    r->query.time_ns = at.time_ns - dt;
  }
  value_str(st->f_dns_qname ? dx_packet_find(p, st->f_dns_qname) : NULL, r->name, sizeof r->name);
  const dx_node *qt = st->f_dns_qtype ? dx_packet_find(p, st->f_dns_qtype) : NULL;
  const char *qn = qt ? dx_node_value_name(qt) : NULL; /* "A (Host Address)" */
  copy(r->qtype, sizeof r->qtype, qn);
  r->qtype[strcspn(r->qtype, " ")] = 0;
  addr_of(st, p, 1, r->resolver, sizeof r->resolver);
  addr_of(st, p, 0, r->client, sizeof r->client);
  size_t o = 0;
  const dx_field *fs[2] = {st->f_dns_a, st->f_dns_aaaa};
  for (int k = 0; k < 2; k++)
    for (const dx_node *n = fs[k] ? dx_packet_find(p, fs[k]) : NULL; n;
         n = dx_packet_find_next(p, n)) {
      char v[64];
      value_str(n, v, sizeof v);
      size_t l = strlen(v);
      if (o + l + 2 >= sizeof r->answers)
        break;
      if (o)
        r->answers[o++] = ',';
      memcpy(r->answers + o, v, l);
      o += l;
      r->answers[o] = 0;
    }
}

/* ---- QUIC ------------------------------------------------------------------ */
/* The first node of field name among the siblings after `from`, up to `end`
 * (excluded), searched in each and under each. */
static const dx_node *find_between(const dx_story *st, const dx_node *from, const dx_node *end,
                                   const char *name) {
  const dx_field *f = dx_field_lookup(st->s, name);
  if (!f)
    return NULL;
  for (const dx_node *n = dx_node_next(from); n && n != end; n = dx_node_next(n)) {
    if (dx_node_field(n) == f)
      return n;
    const dx_node *r = find_in(n, f, 0);
    if (r)
      return r;
  }
  return NULL;
}

static dx_story_exchange *exchange_on(conn *c, unsigned version, uint32_t sid) {
  for (size_t i = c->pub.nexchanges; i-- > 0;)
    if (c->ex[i].http_version == version && c->ex[i].stream_id == sid)
      return &c->ex[i];
  return NULL;
}

/* One http3 layer: the HTTP/3 frames one QUIC STREAM frame carried, flat
 * (frame type, length, payload, headers, ..., then the next frame type);
 * http3.data continues a DATA frame begun in an earlier packet. */
static void http3_layer(dx_story *st, conn *c, const dx_node *h3, int dir, dx_story_point at) {
  char a[256], b[256], lab[600];
  const dx_field *fft = dx_field_lookup(st->s, "http3.frame_type");
  const dx_field *fdata = dx_field_lookup(st->s, "http3.data");
  const dx_node *sn = find_name_in(st, h3, "http3.stream_id");
  uint32_t sid = sn ? (uint32_t)dx_node_uint(sn) : 0;
  c->tls_or_http = 1;
  for (const dx_node *n = dx_node_first_child(h3); n; n = dx_node_next(n)) {
    const dx_field *f = dx_node_field(n);
    if (!f || (f != fft && f != fdata))
      continue;
    if (f == fdata) {
      snprintf(lab, sizeof lab, "DATA [stream %u]", sid);
      add_event(st, c, at, dir, DX_STORY_HTTP, lab, EV_MERGE);
      dx_story_exchange *x = exchange_on(c, 3, sid);
      if (x && dir == S2C && at.frame > x->last_byte.frame)
        x->last_byte = at;
      continue;
    }
    const dx_node *end = dx_node_next(n);
    while (end && dx_node_field(end) != fft)
      end = dx_node_next(end);
    uint64_t type = dx_node_uint(n);
    const dx_node *m = find_between(st, n, end, "http3.headers.method");
    const dx_node *code = find_between(st, n, end, "http3.headers.status");
    const dx_node *auth = find_between(st, n, end, "http3.headers.authority");
    if (auth && !c->host[0])
      value_str(auth, c->host, sizeof c->host);
    if (type == 1 && m && dir == C2S) { /* HEADERS of a request */
      value_str(m, a, sizeof a);
      value_str(find_between(st, n, end, "http3.headers.path"), b, sizeof b);
      snprintf(lab, sizeof lab, "%s %s [stream %u]", a, b, sid);
      add_event(st, c, at, dir, DX_STORY_HTTP, lab, 0);
      client_app_data(c, at);
      dx_story_exchange *x = add_exchange(st, c);
      if (x) {
        x->http_version = 3;
        x->stream_id = sid;
        copy(x->method, sizeof x->method, a);
        copy(x->uri, sizeof x->uri, b);
        x->request = at;
        x->request_body_bytes = 0;
      }
    } else if (type == 1 && code && dir == S2C) { /* HEADERS of a response */
      unsigned status = (unsigned)dx_node_uint(code);
      snprintf(lab, sizeof lab, "%u [stream %u]", status, sid);
      add_event(st, c, at, dir, DX_STORY_HTTP, lab, 0);
      server_reply(c, dir);
      dx_story_exchange *x = exchange_on(c, 3, sid);
      if (x && !x->status) {
        x->status = status;
        x->response = at;
        x->last_byte = at;
        set_first_byte(x, at);
        int64_t ht = reltime_ns(find_between(st, n, end, "http3.time"));
        x->response_time_ns = ht >= 0 ? ht : at.time_ns - x->request.time_ns;
        x->response_body_bytes = 0;
      }
    } else if (type == 0) { /* DATA */
      const dx_node *ln = find_between(st, n, end, "http3.frame_length");
      int64_t flen = ln ? (int64_t)dx_node_uint(ln) : 0;
      snprintf(lab, sizeof lab, "DATA [stream %u]", sid);
      add_event(st, c, at, dir, DX_STORY_HTTP, lab, EV_MERGE);
      dx_story_exchange *x = exchange_on(c, 3, sid);
      if (x && dir == C2S)
        x->request_body_bytes += flen;
      else if (x) {
        x->response_body_bytes = (x->response_body_bytes < 0 ? 0 : x->response_body_bytes) + flen;
        if (at.frame > x->last_byte.frame)
          x->last_byte = at;
      }
    } else { /* SETTINGS, GOAWAY, trailers, ...: shown, nobody waits for them */
      const char *tn = dx_node_value_name(n);
      if (tn)
        snprintf(lab, sizeof lab, "%s [stream %u]", tn, sid);
      else
        snprintf(lab, sizeof lab, "HTTP/3 frame 0x%llx [stream %u]", (unsigned long long)type, sid);
      add_event(st, c, at, dir, DX_STORY_HTTP, lab, EV_MERGE | EV_NOWAIT);
    }
  }
}

/* The name of an HTTP/3 error code (RFC 9114 section 8.1), carried by an
 * application CONNECTION_CLOSE of an h3 connection; NULL if unknown. */
const char *dx_story_h3_error_name(uint64_t e) {
  static const char *const names[] = {"H3_NO_ERROR",
                                      "H3_GENERAL_PROTOCOL_ERROR",
                                      "H3_INTERNAL_ERROR",
                                      "H3_STREAM_CREATION_ERROR",
                                      "H3_CLOSED_CRITICAL_STREAM",
                                      "H3_FRAME_UNEXPECTED",
                                      "H3_FRAME_ERROR",
                                      "H3_EXCESSIVE_LOAD",
                                      "H3_ID_ERROR",
                                      "H3_SETTINGS_ERROR",
                                      "H3_MISSING_SETTINGS",
                                      "H3_REQUEST_REJECTED",
                                      "H3_REQUEST_CANCELLED",
                                      "H3_REQUEST_INCOMPLETE",
                                      "H3_MESSAGE_ERROR",
                                      "H3_CONNECT_ERROR",
                                      "H3_VERSION_FALLBACK"};
  return e >= 0x100 && e - 0x100 < sizeof names / sizeof names[0] ? names[e - 0x100] : NULL;
}

/* "QUIC v1" from quic.version's value name, else the number. */
static void quic_version(dx_story_conn *pc, const dx_node *ver) {
  unsigned v = (unsigned)dx_node_uint(ver);
  pc->quic.version = v;
  if (v == 1)
    copy(pc->quic.version_name, sizeof pc->quic.version_name, "QUIC v1");
  else if (v == 0x6b3343cfu)
    copy(pc->quic.version_name, sizeof pc->quic.version_name, "QUIC v2");
  else if (v == 0xff00001du)
    copy(pc->quic.version_name, sizeof pc->quic.version_name, "draft-29");
  else
    snprintf(pc->quic.version_name, sizeof pc->quic.version_name, "0x%08x", v);
}

/* One QUIC packet (a quic layer; a datagram may coalesce several): its
 * step, labelled by its type and what it carries ("Initial: Client Hello",
 * "Handshake: Encrypted Extensions, Certificate, ...", "1-RTT:
 * HANDSHAKE_DONE"); packets of acknowledgements and padding only are
 * counted, not drawn. Adds the STREAM frames it read to *streams. */
static void quic_packet(dx_story *st, conn *c, const dx_node *q, int dir, dx_story_point at,
                        int *streams) {
  dx_story_conn *pc = &c->pub;
  const dx_node *lt = find_name_in(st, q, "quic.long.packet_type");
  if (!lt)
    lt = find_name_in(st, q, "quic.long.packet_type_v2");
  const dx_node *hf = find_name_in(st, q, "quic.header_form");
  int is_long = hf ? dx_node_uint(hf) != 0 : lt != NULL;
  const dx_node *ver = is_long ? find_name_in(st, q, "quic.version") : NULL;
  int vn = ver && dx_node_uint(ver) == 0;
  const char *type = vn         ? "Version Negotiation"
                     : !is_long ? "1-RTT"
                     : lt       ? dx_node_value_name(lt)
                                : NULL;
  char tbuf[40];
  if (!type) {
    snprintf(tbuf, sizeof tbuf, "long header type %u", lt ? (unsigned)dx_node_uint(lt) : 0);
    type = tbuf;
  }
  int initial = strcmp(type, "Initial") == 0, handshake = strcmp(type, "Handshake") == 0,
      zrtt = strcmp(type, "0-RTT") == 0, retry = strcmp(type, "Retry") == 0, onertt = !is_long;
  /* the version the connection speaks: the server's (after a Version
   * Negotiation the client's first Initial had another one) */
  if (ver && !vn && (!pc->quic.version || (dir == S2C && !c->qver_server))) {
    quic_version(pc, ver);
    c->qver_server = dir == S2C;
  }
  pc->quic.initial_packets += initial;
  pc->quic.handshake_packets += handshake;
  pc->quic.zero_rtt_packets += zrtt;
  pc->quic.one_rtt_packets += onertt;
  pc->quic.retry_packets += retry;
  pc->quic.version_negotiation_packets += vn;
  if (initial && dir == C2S && !pc->quic.client_initial.frame)
    pc->quic.client_initial = at;
  if (initial && dir == S2C && !pc->quic.server_initial.frame)
    pc->quic.server_initial = at;
  if (zrtt && dir == C2S && !pc->quic.zero_rtt.frame)
    pc->quic.zero_rtt = at;
  c->tls_or_http = 1;
  const dx_field *fframe = dx_field_lookup(st->s, "quic.frame");
  const dx_field *fft = dx_field_lookup(st->s, "quic.frame_type");
  /* a client packet with something to say (CRYPTO or STREAM data, or
   * encrypted: unknown) after the server's handshake flight, Retry or
   * Version Negotiation ends a round trip; an acknowledgement alone does not */
  if (dir == C2S) {
    int says = 0, frames = 0;
    for (const dx_node *fr = dx_node_first_child(q); fr && !says; fr = dx_node_next(fr)) {
      if (!fframe || dx_node_field(fr) != fframe)
        continue;
      frames = 1;
      const dx_node *tn = fft ? find_in(fr, fft, 0) : NULL;
      uint64_t ft = tn ? dx_node_uint(tn) : 0;
      says = ft == 0x06 || (ft >= 0x08 && ft <= 0x0f);
    }
    if (says || !frames)
      tls_turn(c, dir);
    if (handshake && (says || !frames))
      c->hs_done[C2S] = 1; /* the client's Handshake flight (its Finished) */
  }
  if (retry || vn) {
    if (retry && !pc->quic.retry.frame) {
      pc->quic.retry = at;
      pc->quic.retry_tag_bad = find_name_in(st, q, "quic.bad_retry") != NULL;
    }
    add_event(st, c, at, dir, DX_STORY_QUIC,
              vn ? "Version Negotiation"
              : find_name_in(st, q, "quic.bad_retry") != NULL
                  ? "Retry (integrity tag does not check)"
                  : "Retry (token: prove your address)",
              0);
    server_reply(c, dir);
    c->srv_needed = 1;
    return;
  }
  const dx_field *fhs = dx_field_lookup(st->s, "tls.handshake");
  char names[200] = "";
  int readable = 0, any = 0, crypto = 0;
  for (const dx_node *fr = dx_node_first_child(q); fr; fr = dx_node_next(fr)) {
    if (!fframe || dx_node_field(fr) != fframe)
      continue;
    readable = 1;
    const dx_node *tn = fft ? find_in(fr, fft, 0) : NULL;
    uint64_t ft = tn ? dx_node_uint(tn) : 0;
    const char *fname = tn ? dx_node_value_name(tn) : NULL;
    if (ft == 0x06)
      crypto = 1;
    if (ft == 0x06 && fhs) { /* CRYPTO: the TLS handshake messages it completed */
      const dx_node *stack[32];
      int depth = 0;
      const dx_node *n = dx_node_first_child(fr);
      while (n) {
        int descend = 1;
        if (dx_node_field(n) == fhs) {
          tls_handshake(st, c, n, dir, at, &any, names, sizeof names);
          descend = 0;
        }
        if (descend && dx_node_first_child(n) && depth < 32) {
          stack[depth++] = n;
          n = dx_node_first_child(n);
          continue;
        }
        n = dx_node_next(n);
        while (!n && depth > 0)
          n = dx_node_next(stack[--depth]);
      }
    } else if (ft >= 0x08 && ft <= 0x0f) { /* STREAM */
      (*streams)++;
      if (dir == C2S && (zrtt || onertt))
        client_app_data(c, at);
    } else if (ft == 0x1c || ft == 0x1d) { /* CONNECTION_CLOSE */
      const dx_node *ec =
          find_name_in(st, fr, ft == 0x1d ? "quic.cc.error_code.app" : "quic.cc.error_code");
      uint64_t err = ec ? dx_node_uint(ec) : 0;
      const char *en = ec && ft == 0x1c ? dx_node_value_name(ec) : NULL;
      if (ft == 0x1d && strncmp(pc->tls.alpn, "h3", 2) == 0)
        en = dx_story_h3_error_name(err);
      char lab[120];
      if (en)
        snprintf(lab, sizeof lab, "CONNECTION_CLOSE (%s)", en);
      else
        snprintf(lab, sizeof lab, "CONNECTION_CLOSE (%s error %llu)",
                 ft == 0x1d ? "application" : "transport", (unsigned long long)err);
      append(names, sizeof names, lab);
      if (!pc->quic.closed_by) {
        pc->quic.closed_by = dir == C2S ? DX_STORY_CLIENT : DX_STORY_SERVER;
        pc->quic.application_close = ft == 0x1d;
        pc->quic.close_error = err;
        value_str(find_name_in(st, fr, "quic.cc.reason_phrase"), pc->quic.close_reason,
                  sizeof pc->quic.close_reason);
        pc->quic.close = at;
      }
    } else if (ft == 0x1e || ft == 0x1a || ft == 0x1b || ft == 0x07 || ft == 0x04 || ft == 0x05 ||
               ft == 0x30 || ft == 0x31) {
      /* HANDSHAKE_DONE, PATH_CHALLENGE/RESPONSE, NEW_TOKEN, RESET_STREAM,
       * STOP_SENDING, DATAGRAM: named on the step */
      if (ft == 0x1e && !pc->quic.handshake_done.frame)
        pc->quic.handshake_done = at;
      append(names, sizeof names, fname ? fname : "frame");
    }
  }
  if (any)
    pc->tls.present = 1;
  if (readable && (handshake || zrtt || onertt)) {
    pc->quic.decrypted = 1;
    pc->tls.decrypted = 1;
  }
  char lab[300];
  if (!readable) {
    /* encrypted: no keys for it (quic.decryption says why) */
    snprintf(lab, sizeof lab, "%s (encrypted)", type);
    /* the server's Handshake packets after the client's are
     * acknowledgements, its 1-RTT packets before the client's first most
     * likely HANDSHAKE_DONE and tickets: nobody waits for them */
    int nowait = dir == S2C && ((handshake && c->hs_done[C2S]) || (onertt && !c->client_app));
    add_event(st, c, at, dir, DX_STORY_QUIC, lab, EV_MERGE | (nowait ? EV_NOWAIT : 0));
    if (dir == S2C && handshake && !c->hs_done[C2S])
      c->srv_needed = 1; /* the rest of the server's TLS flight */
    if (dir == C2S && (onertt || zrtt) && !pc->quic.decrypted)
      client_app_data(c, at); /* the client's first 0-RTT or 1-RTT packet */
    return;
  }
  if (!names[0] && crypto && !any) {
    /* CRYPTO data that completed no handshake message: sent again (the
     * client's Initial after a Retry, or a lost packet's) or a part of a
     * message that goes on in the next packet */
    if (initial && dir == C2S && pc->quic.retry.frame)
      append(names, sizeof names, "Client Hello again, with the Retry's token");
    else
      append(names, sizeof names, "CRYPTO (handshake data sent again or continued)");
  }
  if (names[0]) {
    snprintf(lab, sizeof lab, "%s: %s", type, names);
    /* after the handshake (1-RTT: HANDSHAKE_DONE, NEW_TOKEN, tickets, path
     * probes) the server's frames are not replies the client waits for */
    add_event(st, c, at, dir, any ? DX_STORY_TLS : DX_STORY_QUIC, lab, onertt ? EV_NOWAIT : 0);
  }
}

/* One UDP datagram of a QUIC connection: its QUIC packets, then the HTTP/3
 * layers of the STREAM frames they carried. */
static int quic_add_packet(dx_story *st, const dx_packet *p, dx_story_point at) {
  const dx_node *cn = st->f_quic_conn ? dx_packet_find(p, st->f_quic_conn) : NULL;
  if (!cn)
    return DX_OK; /* a packet of no known connection */
  uint32_t id = (uint32_t)dx_node_uint(cn) + st->quic_base;
  char sa[48];
  addr_of(st, p, 1, sa, sizeof sa);
  const dx_node *spn = st->f_usport ? dx_packet_find(p, st->f_usport) : NULL;
  const dx_node *dpn = st->f_udport ? dx_packet_find(p, st->f_udport) : NULL;
  const dx_node *usn = st->f_udp_stream ? dx_packet_find(p, st->f_udp_stream) : NULL;
  uint16_t sport = spn ? (uint16_t)dx_node_uint(spn) : 0;
  uint32_t ustream = usn ? (uint32_t)dx_node_uint(usn) : 0;
  conn *c = conn_find(st, DX_STORY_TRANSPORT_QUIC, id);
  if (!c) {
    c = conn_new(st, DX_STORY_TRANSPORT_QUIC, id);
    if (!c) {
      if (!st->have_dropped_q || id > st->last_dropped_q) {
        st->dropped++;
        st->last_dropped_q = id;
        st->have_dropped_q = 1;
      }
      return DX_OK;
    }
    /* the client sent the first packet (its Initial) */
    copy(c->pub.client.addr, sizeof c->pub.client.addr, sa);
    addr_of(st, p, 0, c->pub.server.addr, sizeof c->pub.server.addr);
    c->pub.client.port = sport;
    c->pub.server.port = dpn ? (uint16_t)dx_node_uint(dpn) : 0;
    copy(c->qaddr, sizeof c->qaddr, sa);
    c->qport = sport;
    c->pub.first = at;
    c->pub.quic.udp_stream = ustream;
  }
  dx_story_conn *pc = &c->pub;
  pc->last = at;
  int dir = strcmp(sa, pc->server.addr) == 0 && sport == pc->server.port ? S2C : C2S;
  const dx_node *prn = st->f_protocols ? dx_packet_find(p, st->f_protocols) : NULL;
  if (prn) {
    char pr[sizeof pc->protocols];
    protocols_str(prn, pr, sizeof pr);
    if (strlen(pr) > strlen(pc->protocols))
      copy(pc->protocols, sizeof pc->protocols, pr);
  }
  const dx_node *ln = st->f_ulen ? dx_packet_find(p, st->f_ulen) : NULL;
  uint64_t ulen = ln ? dx_node_uint(ln) : 0;
  pc->packets[dir]++;
  pc->bytes[dir] += ulen > 8 ? ulen - 8 : 0;
  if (dir == C2S && (strcmp(sa, c->qaddr) != 0 || sport != c->qport)) {
    /* the client speaks from a new address or port: a migration (RFC 9000
     * section 9), the connection the same by its connection ids */
    char lab[160];
    pc->quic.migrations++;
    copy(pc->quic.path.addr, sizeof pc->quic.path.addr, sa);
    pc->quic.path.port = sport;
    pc->quic.path.udp_stream = ustream;
    pc->quic.path.at = at;
    copy(c->qaddr, sizeof c->qaddr, sa);
    c->qport = sport;
    snprintf(lab, sizeof lab,
             strchr(sa, ':') ? "migration: the client now at [%.46s]:%u"
                             : "migration: the client now at %.46s:%u",
             sa, sport);
    add_event(st, c, at, dir, DX_STORY_QUIC, lab, 0);
  }
  int streams = 0, h3 = 0;
  for (const dx_node *n = dx_node_first_child(dx_packet_root(p)); n; n = dx_node_next(n)) {
    const dx_field *f = dx_node_field(n);
    if (f && f == st->f_quic)
      quic_packet(st, c, n, dir, at, &streams);
    else if (f && f == st->f_http3) {
      http3_layer(st, c, n, dir, at);
      h3++;
    }
  }
  /* stream data of another application than HTTP/3 (on an h3 connection,
   * STREAM frames without an http3 layer are retransmissions, QPACK
   * instructions or a bare FIN) */
  if (streams && !h3 && strncmp(pc->tls.alpn, "h3", 2) != 0)
    add_event(st, c, at, dir, DX_STORY_QUIC, "STREAM data", EV_MERGE);
  return DX_OK;
}

int dx_story_add_packet(dx_story *st, const dx_packet *p) {
  if (!st || !p)
    return DX_EINVAL;
  if (st->finished)
    return DX_EINVAL;
  dx_story_point at = {dx_packet_number(p), packet_time(st, p)};
  if (st->f_dns_resp && present(p, st->f_dns_resp))
    dns_packet(st, p, at);
  const dx_node *sn = st->f_stream ? dx_packet_find(p, st->f_stream) : NULL;
  if (!sn)
    return st->f_quic && dx_packet_find(p, st->f_quic) ? quic_add_packet(st, p, at) : DX_OK;
  uint32_t stream = (uint32_t)dx_node_uint(sn);
  int syn = pflag(p, st->f_syn), ack = pflag(p, st->f_ack);
  conn *c = conn_find(st, DX_STORY_TRANSPORT_TCP, stream);
  if (!c) {
    c = conn_new(st, DX_STORY_TRANSPORT_TCP, stream);
    if (!c) {
      /* tcp.stream numbers are given in the order connections appear, so
       * a connection not seen before has a number above every earlier one */
      if (!st->have_dropped || stream > st->last_dropped) {
        st->dropped++;
        st->last_dropped = stream;
        st->have_dropped = 1;
      }
      return DX_OK;
    }
    /* the client sent the SYN, or else the first packet */
    int swap = syn && ack;
    addr_of(st, p, !swap, c->pub.client.addr, sizeof c->pub.client.addr);
    addr_of(st, p, swap, c->pub.server.addr, sizeof c->pub.server.addr);
    const dx_node *sp = dx_packet_find(p, st->f_sport), *dp = dx_packet_find(p, st->f_dport);
    c->pub.client.port = (uint16_t)dx_node_uint(swap ? dp : sp);
    c->pub.server.port = (uint16_t)dx_node_uint(swap ? sp : dp);
    c->pub.first = at;
  }
  dx_story_conn *pc = &c->pub;
  pc->last = at;
  char sa[48];
  addr_of(st, p, 1, sa, sizeof sa);
  const dx_node *spn = dx_packet_find(p, st->f_sport);
  unsigned sport = spn ? (unsigned)dx_node_uint(spn) : 0;
  int dir = strcmp(sa, pc->client.addr) == 0 && sport == pc->client.port ? C2S : S2C;
  const dx_node *prn = st->f_protocols ? dx_packet_find(p, st->f_protocols) : NULL;
  if (prn) {
    char pr[sizeof pc->protocols];
    protocols_str(prn, pr, sizeof pr);
    if (strlen(pr) > strlen(pc->protocols))
      copy(pc->protocols, sizeof pc->protocols, pr);
  }
  const dx_node *ln = st->f_len ? dx_packet_find(p, st->f_len) : NULL;
  uint64_t payload = ln ? dx_node_uint(ln) : 0;
  pc->packets[dir]++;
  pc->bytes[dir] += payload;
  int retr = present(p, st->f_retr);
  pc->tcp.retransmissions += retr;
  pc->tcp.fast_retransmissions += present(p, st->f_fretr);
  pc->tcp.spurious_retransmissions += present(p, st->f_sretr);
  pc->tcp.lost_segments += present(p, st->f_lost);
  pc->tcp.duplicate_acks += present(p, st->f_dup);
  pc->tcp.out_of_order += present(p, st->f_ooo);
  pc->tcp.zero_windows += present(p, st->f_zw);
  pc->tcp.keep_alives += present(p, st->f_ka);
  if (pc->tcp.handshake_rtt_ns < 0 && st->f_irtt)
    pc->tcp.handshake_rtt_ns = reltime_ns(dx_packet_find(p, st->f_irtt));
  if (dir == S2C && payload > 0 && !retr) {
    c->s2c[c->s2c_n % S2C_RING] = at;
    c->s2c_n++;
  }

  /* TCP handshake */
  if (syn && !ack && dir == C2S) {
    if (!c->syn_seen)
      pc->tcp.syn = at;
    c->syn_seen = 1;
    add_event(st, c, at, dir, DX_STORY_TCP, "SYN", 0);
  } else if (syn && ack && dir == S2C) {
    if (!c->synack_seen)
      pc->tcp.synack = at;
    c->synack_seen = 1;
    add_event(st, c, at, dir, DX_STORY_TCP, "SYN, ACK", 0);
    server_reply(c, dir);
  } else if (c->synack_seen && !c->ack_seen && dir == C2S && ack) {
    c->ack_seen = 1;
    pc->tcp.ack = at;
    add_event(st, c, at, dir, DX_STORY_TCP, payload ? "ACK (with data)" : "ACK", 0);
  }

  /* TLS records, HTTP messages and HTTP/2 frames, in tree order */
  size_t before = pc->nevents;
  int app_records = 0, msgs = 0;
  size_t nx_before = pc->nexchanges;
  const dx_node *stack[64];
  int depth = 0;
  const dx_node *n = dx_node_first_child(dx_packet_root(p));
  while (n) {
    const dx_field *f = dx_node_field(n);
    int descend = 1;
    if (f && f == st->f_tls_record) {
      tls_record(st, c, n, dir, at, &app_records);
      descend = 0;
    } else if (f && f == st->f_http) {
      /* (not a CONNECT tunnel's layer: no message, only the proxy's target) */
      const dx_node *c1 = dx_node_first_child(n);
      if (!(c1 && st->f_proxy_host && dx_node_field(c1) == st->f_proxy_host)) {
        http1(st, c, p, n, dir, at);
        msgs++;
      }
      descend = 0;
    } else if (f && f == st->f_h2stream) {
      http2(st, c, p, n, dir, at);
      msgs++;
      descend = 0;
    }
    if (descend && dx_node_first_child(n) && depth < 64) {
      stack[depth++] = n;
      n = dx_node_first_child(n);
      continue;
    }
    n = dx_node_next(n);
    while (!n && depth > 0)
      n = dx_node_next(stack[--depth]);
  }
  /* decrypted or plain records that completed no HTTP message here */
  if (!msgs)
    for (int k = 0; k < app_records; k++)
      add_event(st, c, at, dir, DX_STORY_TLS, "Application Data", EV_MERGE);
  if (app_records && dir == S2C) {
    /* the first response bytes of a request still waiting for them (the
     * HTTP/2 exchanges get theirs from their HEADERS frame) */
    for (size_t i = 0; i < pc->nexchanges; i++) {
      dx_story_exchange *x = &c->ex[i];
      if (x->http_version == 1 && !x->first_byte.frame && x->request.frame < at.frame) {
        set_first_byte(x, pdu_start(st, c, p, at));
        break;
      }
    }
  }
  if (!c->tls_or_http && payload > 0 && !retr && pc->nevents == before) {
    char lab[64];
    snprintf(lab, sizeof lab, "Data");
    add_event(st, c, at, dir, DX_STORY_DATA, lab, EV_MERGE);
    if (dir == S2C)
      server_reply(c, dir);
  }
  /* plain HTTP: the first server segment after a request */
  if (!pc->tls.present && dir == S2C && payload > 0 && !retr)
    for (size_t i = 0; i < pc->nexchanges; i++) {
      dx_story_exchange *x = &c->ex[i];
      if (!x->first_byte.frame && x->http_version == 1 && x->request.frame < at.frame) {
        set_first_byte(x, at);
        break;
      }
    }
  (void)nx_before;
  int fin = pflag(p, st->f_fin), rst = pflag(p, st->f_rst);
  if (fin || rst) {
    add_event(st, c, at, dir, DX_STORY_TCP, rst ? (fin ? "FIN, RST" : "RST") : "FIN", 0);
    if (!pc->tcp.closed_by) {
      pc->tcp.closed_by = dir == C2S ? DX_STORY_CLIENT : DX_STORY_SERVER;
      pc->tcp.reset = rst;
      pc->tcp.close = at;
    }
  }
  return DX_OK;
}

int dx_story_mark_packet(dx_story *st, const dx_packet *p) {
  if (!st || !p)
    return DX_EINVAL;
  const dx_node *sn = st->f_stream ? dx_packet_find(p, st->f_stream) : NULL;
  if (sn) {
    conn *c = conn_find(st, DX_STORY_TRANSPORT_TCP, (uint32_t)dx_node_uint(sn));
    if (c)
      c->pub.marked = 1;
  }
  const dx_node *qn = st->f_quic_conn ? dx_packet_find(p, st->f_quic_conn) : NULL;
  if (qn) {
    conn *c = conn_find(st, DX_STORY_TRANSPORT_QUIC, (uint32_t)dx_node_uint(qn) + st->quic_base);
    if (c)
      c->pub.marked = 1;
  }
  if (st->f_dns_resp && present(p, st->f_dns_resp)) {
    uint64_t fr = dx_packet_number(p);
    if (pflag(p, st->f_dns_resp)) {
      /* the packet just added is the last record (dx_story_add_packet and
       * then this, as dissect does): no scan of the ring */
      if (st->last_dns < st->ndns && st->dns[st->last_dns].response.frame == fr)
        st->dns[st->last_dns].marked = 1;
      else
        for (size_t i = 0; i < st->ndns; i++)
          if (st->dns[i].response.frame == fr)
            st->dns[i].marked = 1;
    } else if (st->nmarked_q < st->cfg.max_dns && grow(st, (void **)&st->marked_q, &st->marked_qcap,
                                                       st->nmarked_q + 1, sizeof *st->marked_q)) {
      st->marked_q[st->nmarked_q++] = fr;
    }
  }
  return DX_OK;
}

/* ---- finish ------------------------------------------------------------- */
static int name_matches(const char *qname, const char *name) {
  if (!qname[0] || !name[0])
    return 0;
  size_t l = strlen(qname);
  /* a Host header may carry a port */
  return strncasecmp(qname, name, l) == 0 && (name[l] == 0 || name[l] == ':');
}
static int answer_has(const char *answers, const char *addr) {
  size_t l = strlen(addr);
  if (!l)
    return 0;
  for (const char *a = answers; *a;) {
    const char *e = strchr(a, ',');
    size_t al = e ? (size_t)(e - a) : strlen(a);
    if (al == l && strncmp(a, addr, l) == 0)
      return 1;
    if (!e)
      break;
    a = e + 1;
  }
  return 0;
}

static void find_dns(dx_story *st, conn *c) {
  dx_story_conn *pc = &c->pub;
  const dns_rec *best = NULL;
  int best_score = 0;
  int have_name = pc->server_name[0] != 0;
  for (size_t i = 0; i < st->ndns; i++) {
    const dns_rec *r = &st->dns[(st->dns_head + i) % st->ndns];
    if (r->response.frame >= pc->first.frame || r->response.time_ns > pc->first.time_ns)
      continue;
    int by_name = name_matches(r->name, pc->server_name);
    int by_addr = answer_has(r->answers, pc->server.addr);
    int score = by_name && by_addr ? 3 : by_name ? 2 : (!have_name && by_addr) ? 1 : 0;
    if (score && score >= best_score &&
        (!best || r->response.frame > best->response.frame || score > best_score)) {
      best = r;
      best_score = score;
    }
  }
  if (!best)
    return;
  pc->dns.found = 1;
  copy(pc->dns.name, sizeof pc->dns.name, best->name);
  copy(pc->dns.qtype, sizeof pc->dns.qtype, best->qtype);
  copy(pc->dns.answers, sizeof pc->dns.answers, best->answers);
  copy(pc->dns.resolver, sizeof pc->dns.resolver, best->resolver);
  pc->dns.query = best->query;
  pc->dns.response = best->response;
  if (best->marked)
    pc->marked = 1;
  for (size_t i = 0; i < st->nmarked_q; i++)
    if (best->query.frame && st->marked_q[i] == best->query.frame)
      pc->marked = 1;
  /* the two DNS steps go first in the ladder (room was kept for them) */
  size_t add = best->query.frame ? 2 : 1;
  if (!grow(st, (void **)&c->ev, &c->evcap, pc->nevents + add, sizeof *c->ev)) {
    pc->events_dropped += (uint32_t)add;
    return;
  }
  memmove(c->ev + add, c->ev, pc->nevents * sizeof *c->ev);
  memset(c->ev, 0, add * sizeof *c->ev);
  size_t k = 0;
  if (best->query.frame) {
    dx_story_event *q = &c->ev[k++];
    q->at = best->query;
    q->from = DX_STORY_CLIENT;
    q->to = DX_STORY_RESOLVER;
    q->layer = DX_STORY_DNS;
    q->count = 1;
    snprintf(q->label, sizeof q->label, "DNS query %s %.90s", best->qtype, best->name);
  }
  dx_story_event *r = &c->ev[k];
  r->at = best->response;
  r->from = DX_STORY_RESOLVER;
  r->to = DX_STORY_CLIENT;
  r->layer = DX_STORY_DNS;
  r->count = 1;
  snprintf(r->label, sizeof r->label, "DNS response %.100s",
           best->answers[0] ? best->answers : "(no address)");
  pc->nevents += add;
  pc->events = c->ev;
}

/* True for a request target in absolute form, "scheme://..." (RFC 9112
 * 3.2.2: what a client sends to a proxy). */
static bool absolute_uri(const char *u) {
  size_t i = 0;
  while (isalnum((unsigned char)u[i]) || u[i] == '+' || u[i] == '-' || u[i] == '.')
    i++;
  return i > 0 && isalpha((unsigned char)u[0]) && strncmp(u + i, "://", 3) == 0;
}

static void set_phase_to(dx_story_phase *ph, const char *name, dx_story_point a, dx_story_point b) {
  ph->name = name;
  if (!a.frame || !b.frame || b.time_ns < a.time_ns)
    return;
  ph->present = 1;
  ph->start = a;
  ph->end = b;
  ph->duration_ns = b.time_ns - a.time_ns;
}

static void set_phase(dx_story_conn *pc, int i, const char *name, dx_story_point a,
                      dx_story_point b) {
  set_phase_to(&pc->phases[i], name, a, b);
}

static void round_trips_text(conn *c) {
  dx_story_conn *pc = &c->pub;
  int n = pc->tls.round_trips;
  const char *mode;
  int expect;
  if (pc->transport == DX_STORY_TRANSPORT_QUIC) {
    /* short: with the words around it and the note on encryption, the text
     * must fit round_trips_text (160) */
    int vn = pc->quic.version_negotiation_packets > 0, rt = pc->quic.retry.frame != 0;
    if (pc->tls.early_data && n == 0) {
      mode = "QUIC 0-RTT: the request goes with the Initial";
      expect = 0;
    } else if (vn && rt) {
      mode = "QUIC + Version Negotiation + Retry: two more";
      expect = 3;
    } else if (vn) {
      mode = "QUIC + Version Negotiation: one round trip more";
      expect = 2;
    } else if (rt) {
      mode = "QUIC + Retry: one round trip more";
      expect = 2;
    } else if (pc->tls.hello_retry) {
      mode = "QUIC + HelloRetryRequest: one round trip more";
      expect = 2;
    } else {
      mode = pc->tls.resumed ? "QUIC, TLS 1.3 resumed: one round trip"
                             : "QUIC: transport and TLS 1.3 in one round trip";
      expect = 1;
    }
  } else if (pc->tls.early_data && n == 0) {
    mode = "TLS 1.3 0-RTT: the request travels with the Client Hello (early data)";
    expect = 0;
  } else if (c->tls13 && pc->tls.hello_retry) {
    mode = "TLS 1.3 with a HelloRetryRequest: the Client Hello is sent twice";
    expect = 2;
  } else if (c->tls13) {
    mode = pc->tls.resumed ? "TLS 1.3 resumed (PSK): the client sends after the server's one flight"
                           : "TLS 1.3 full handshake: the client sends after the server's one "
                             "flight";
    expect = 1;
  } else if (pc->tls.resumed) {
    mode = "TLS 1.2 resumed (abbreviated) handshake";
    expect = 1;
  } else {
    mode = "TLS 1.2 full handshake: Hello, then key exchange and Finished";
    expect = 2;
  }
  if (n < 0) {
    snprintf(pc->tls.round_trips_text, sizeof pc->tls.round_trips_text,
             "no application data from the client seen (%s takes %d round trip%s)", mode, expect,
             expect == 1 ? "" : "s");
    return;
  }
  static const char *const words[] = {"no round trip", "one round trip", "two round trips",
                                      "three round trips"};
  char w[32];
  if (n < 4)
    copy(w, sizeof w, words[n]);
  else
    snprintf(w, sizeof w, "%d round trips", n);
  if (n == expect)
    snprintf(pc->tls.round_trips_text, sizeof pc->tls.round_trips_text,
             "%s before the first application byte (%s)", w, mode);
  else
    snprintf(pc->tls.round_trips_text, sizeof pc->tls.round_trips_text,
             "%s before the first application byte (%s would take %d)", w, mode, expect);
  if (pc->transport == DX_STORY_TRANSPORT_QUIC && !pc->quic.decrypted) {
    size_t l = strlen(pc->tls.round_trips_text);
    snprintf(pc->tls.round_trips_text + l, sizeof pc->tls.round_trips_text - l,
             "; encrypted: to the first 0-RTT/1-RTT packet");
  }
}

int dx_story_finish(dx_story *st) {
  if (!st)
    return DX_EINVAL;
  if (st->finished)
    return DX_OK;
  st->finished = 1;
  /* an intercepting proxy's two TCP legs name each other (the capture names
   * the first leg's partner only on the second) */
  for (size_t i = 0; i < st->n; i++) {
    dx_story_conn *a = &st->conns[i]->pub;
    if (a->transport != DX_STORY_TRANSPORT_TCP || a->trust.other_leg < 0 ||
        a->trust.other_leg > UINT32_MAX)
      continue;
    conn *b = conn_find(st, DX_STORY_TRANSPORT_TCP, (uint32_t)a->trust.other_leg);
    if (b && b != st->conns[i] && b->pub.trust.present && b->pub.trust.other_leg < 0)
      b->pub.trust.other_leg = a->stream;
  }
  for (size_t i = 0; i < st->n; i++) {
    conn *c = st->conns[i];
    dx_story_conn *pc = &c->pub;
    /* TLS 1.2 by session id: the server echoes the client's id */
    if (pc->tls.present && !c->tls13 && c->sh_sid_len && c->sh_sid_len == c->ch_sid_len &&
        memcmp(c->sh_session_id, c->ch_session_id, c->ch_sid_len) == 0 && !c->srv_cert)
      pc->tls.resumed = 1;
    if (c->tls13 && c->psk_selected)
      pc->tls.resumed = 1;
    if (pc->tls.present)
      round_trips_text(c);
    copy(pc->server_name, sizeof pc->server_name, pc->tls.sni[0] ? pc->tls.sni : c->host);
    /* a raw "Data" step of a TLS or HTTP connection is a segment of a
     * record shown where it completes */
    if (c->tls_or_http) {
      size_t k = 0;
      for (size_t j = 0; j < pc->nevents; j++)
        if (c->ev[j].layer != DX_STORY_DATA)
          c->ev[k++] = c->ev[j];
      pc->nevents = k;
    }
    find_dns(st, c);
    set_phase(pc, DX_STORY_PHASE_DNS, "dns", pc->dns.query.frame ? pc->dns.query : pc->dns.response,
              pc->dns.response);
    set_phase(pc, DX_STORY_PHASE_TCP, "tcp", pc->tcp.syn, pc->tcp.ack);
    set_phase(pc, DX_STORY_PHASE_TLS, "tls", pc->tls.client_hello,
              pc->tls.first_app_data.frame ? pc->tls.first_app_data : pc->tls.client_finished);
    const dx_story_exchange *x0 = pc->nexchanges ? &pc->exchanges[0] : NULL;
    dx_story_point none = {0, 0};
    /* a proxy's tunnel: its CONNECT is a phase of its own, and the times to
     * the first byte are those of the first exchange inside */
    pc->proxy = x0 && x0->http_version == 1 &&
                (strcmp(x0->method, "CONNECT") == 0 || absolute_uri(x0->uri));
    pc->tunnel.name = "connect";
    if (x0 && x0->http_version == 1 && strcmp(x0->method, "CONNECT") == 0 && x0->status >= 200 &&
        x0->status < 300) {
      set_phase_to(&pc->tunnel, "connect", x0->request, x0->first_byte);
      x0 = pc->nexchanges > 1 ? &pc->exchanges[1] : NULL;
    }
    set_phase(pc, DX_STORY_PHASE_WAIT, "wait", x0 ? x0->request : none, x0 ? x0->first_byte : none);
    dx_story_point last = none;
    for (size_t j = 0; j < pc->nexchanges; j++)
      if (pc->exchanges[j].last_byte.frame > last.frame)
        last = pc->exchanges[j].last_byte;
    set_phase(pc, DX_STORY_PHASE_TRANSFER, "transfer", x0 ? x0->first_byte : none, last);
    dx_story_point start = pc->dns.found ? (pc->dns.query.frame ? pc->dns.query : pc->dns.response)
                           : pc->tcp.syn.frame ? pc->tcp.syn
                                               : pc->first;
    if (x0 && x0->first_byte.frame) {
      pc->before_first_byte_start = start;
      pc->before_first_byte_end = x0->first_byte;
      pc->before_first_byte_ns = x0->first_byte.time_ns - start.time_ns;
    }
  }
  return DX_OK;
}

/* ---- reading -------------------------------------------------------------- */
size_t dx_story_count(const dx_story *st) {
  return st ? st->n : 0;
}
const dx_story_conn *dx_story_conn_at(const dx_story *st, size_t i) {
  return st && i < st->n ? &st->conns[i]->pub : NULL;
}
uint64_t dx_story_dropped(const dx_story *st) {
  return st ? st->dropped : 0;
}
uint64_t dx_story_bytes(const dx_story *st) {
  return st ? st->bytes : 0;
}
int dx_story_finished(const dx_story *st) {
  return st && st->finished;
}

const char *dx_layer_role(const char *protocol, const char **unit) {
  static const struct {
    const char *proto, *role, *unit;
  } roles[] = {
      {"eth", "Link", "frame"},           {"sll", "Link", "frame"},
      {"vlan", "Link", "frame"},          {"null", "Link", "frame"},
      {"raw", "Link", "frame"},           {"ppp", "Link", "frame"},
      {"chdlc", "Link", "frame"},         {"llc", "Link", "frame"},
      {"wlan", "Link", "frame"},          {"nflog", "Link", "frame"},
      {"ip", "Network", "packet"},        {"ipv6", "Network", "packet"},
      {"arp", "Network", "packet"},       {"icmp", "Network", "packet"},
      {"icmpv6", "Network", "packet"},    {"tcp", "Transport", "segment"},
      {"udp", "Transport", "datagram"},   {"quic", "Transport", "packet"},
      {"tls", "Security", "record"},      {"http3", "Application", "message"},
      {"http", "Application", "message"}, {"http2", "Application", "message"},
      {"dns", "Application", "message"},
  };
  if (unit)
    *unit = NULL;
  if (!protocol)
    return NULL;
  for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
    if (strcmp(roles[i].proto, protocol) == 0) {
      if (unit)
        *unit = roles[i].unit;
      return roles[i].role;
    }
  return NULL;
}

const dx_story_conn *dx_story_find(const dx_story *st, int transport, uint32_t stream) {
  if (!st)
    return NULL;
  const conn *c = conn_find(st, transport, stream);
  return c ? &c->pub : NULL;
}

int dx_story_packet_connection(const dx_packet *p, int *transport, uint32_t *stream) {
  if (!p)
    return 0;
  const dx_node *n = dx_packet_find_name(p, "tcp.stream");
  int t = DX_STORY_TRANSPORT_TCP;
  if (!n) {
    n = dx_packet_find_name(p, "quic.connection.number");
    t = DX_STORY_TRANSPORT_QUIC;
  }
  if (!n)
    return 0;
  if (transport)
    *transport = t;
  if (stream)
    *stream = (uint32_t)dx_node_uint(n);
  return 1;
}

/* The lesson of the ladder in one line, from its round-trip marks: in
 * which round trip the Client Hello left and in which the first request
 * (or the first application data) did. */
size_t dx_story_summary(const dx_story_conn *c, char *buf, size_t len) {
  if (!buf || !len)
    return 0;
  buf[0] = 0;
  if (!c)
    return 0;
  int quic = c->transport == DX_STORY_TRANSPORT_QUIC;
  /* (through a proxy's tunnel: the first request inside it, after the
   * CONNECT) */
  size_t x0 = c->tunnel.present ? 1 : 0;
  uint64_t reqf = c->nexchanges > x0 ? c->exchanges[x0].request.frame : 0;
  uint64_t connf = c->tunnel.present ? c->exchanges[0].request.frame : 0;
  unsigned rtt = 0, syn = 0, hello = 0, req = 0, conn_rtt = 0;
  for (size_t i = 0; i < c->nevents; i++) {
    const dx_story_event *e = &c->events[i];
    if (e->rtt)
      rtt = e->rtt;
    if (e->from != DX_STORY_CLIENT || e->to != DX_STORY_SERVER)
      continue;
    if (!syn && e->layer == DX_STORY_TCP && strcmp(e->label, "SYN") == 0)
      syn = rtt;
    else if (connf && !conn_rtt && e->layer == DX_STORY_HTTP && e->at.frame == connf)
      conn_rtt = rtt;
    else if (!hello && e->layer == DX_STORY_TLS && c->tls.client_hello.frame &&
             e->at.frame == c->tls.client_hello.frame)
      hello = rtt;
    else if (!req &&
             (reqf ? e->layer == DX_STORY_HTTP && e->at.frame == reqf
                   : e->layer == DX_STORY_DATA || e->layer == DX_STORY_HTTP ||
                         (e->layer == DX_STORY_QUIC && strcmp(e->label, "STREAM data") == 0) ||
                         strcmp(e->label, "Application Data") == 0))
      req = rtt;
  }
  const char *ver = c->tls.version_name[0] ? c->tls.version_name : "TLS";
  int n = 0;
  if (hello && req > hello)
    n = snprintf(buf, len, "%s%s handshake: %u round trip%s, first request in RTT %u",
                 quic ? "QUIC + " : "", ver, req - hello, req - hello == 1 ? "" : "s", req);
  else if (hello && req == hello && quic)
    n = snprintf(buf, len, "QUIC 0-RTT: the first request in RTT %u, with the Client Hello", req);
  else if (req)
    n = snprintf(buf, len, "First request in RTT %u", req);
  if (n < 0)
    n = 0;
  if ((size_t)n >= len)
    n = (int)len - 1;
  if (syn && n > 0)
    n += snprintf(buf + n, len - (size_t)n,
                  conn_rtt ? " (RTT %u: TCP handshake" : " (RTT %u: TCP handshake)", syn);
  if ((size_t)n >= len)
    n = (int)len - 1;
  if (syn && conn_rtt && n > 0)
    n += snprintf(buf + n, len - (size_t)n, ", RTT %u: CONNECT)", conn_rtt);
  if ((size_t)n >= len)
    n = (int)len - 1;
  if (c->trust.intercepted && n > 0)
    n += snprintf(buf + n, len - (size_t)n, "; intercepted");
  if ((size_t)n >= len)
    n = (int)len - 1;
  return (size_t)n;
}
