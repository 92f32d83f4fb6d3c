/* -z http,tree, -z http_req,tree, -z dns,tree, -z ptype,tree,
 * -z ip_hosts,tree, -z ip_srcdst,tree, -z dests,tree (and their ipv6_
 * forms), -z plen,tree and -z http_seq,tree: Wireshark's stats_tree
 * counters (epan/stats_tree.c) fed as tshark 4.0's HTTP and DNS taps feed
 * them, printed in its plain text format: per node the count, average, min
 * and max of the values added to it, the rate per millisecond over the
 * time between the first and the last tapped packet, the share of the
 * parent's count, and the burst rate (most ticks within a 100 ms window of
 * 5 ms buckets, per ms) with the time it started. Children sorted by count,
 * then by name, both descending (Wireshark's default preferences); the
 * nodes at the top stay in the order they were made. */
#include "core/dx.h"
#include "core/siphash.h"
#include "proto/http_body.h"
#include "stats_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TREE_MAX_NODES 100000 /* distinct hosts, URIs, ... per tree */
#define BURST_RES 5.0         /* ms per bucket (st_burst_resolution) */
#define BURST_WIN 100.0       /* ms per window (st_burst_windowlen) */
#define NBUCKETS 64           /* the window spans at most 21 buckets */

typedef struct bucket {
  double no, start;
  uint32_t count;
} bucket;

typedef struct stn {
  char *name;
  struct stn *parent, *child, *last, *next;
  int hashed;   /* children looked up by name under this node */
  int is_float; /* STAT_DT_FLOAT */
  int avg;      /* ST_FLG_AVERAGE */
  int ranges;   /* a range node's children keep their order (not sorted) */
  uint32_t counter;
  int32_t itotal, imin, imax; /* gint, as Wireshark keeps them */
  float ftotal, fmin, fmax;
  bucket b[NBUCKETS]; /* b[0] the head, b[nb - 1] the tail */
  int nb;
  uint32_t bcount, max_burst;
  double burst_time;
} stn;

enum { TR_HTTP = ST_TREE_HTTP, TR_HTTP_REQ = ST_TREE_HTTP_REQ, TR_DNS = ST_TREE_DNS };

struct st_tree {
  int kind;
  const char *title;
  stn root;
  size_t nnodes;
  stn **slots; /* (parent, name) -> node */
  size_t nslots;
  dx_hashkey key;
  double start, now, elapsed; /* ms */
  int started;
  /* fields */
  const dx_field *f_http, *f_code, *f_method, *f_host, *f_uri;
  /* SSDP's messages, which tshark's http tap sees too */
  const dx_field *f_ssdp;
  const dx_field *f_dns, *f_resp, *f_opcode, *f_rcode, *f_qname, *f_qtype, *f_qclass, *f_nq, *f_nan,
      *f_nau, *f_nad, *f_time, *f_unsol, *f_retrans;
  /* named nodes */
  stn *n_packets, *n_requests, *n_responses, *n_groups[6], *n_other;
  stn *n_reqs_by_host;
  stn *d_packets, *d_qr, *d_qtypes, *d_qclasses, *d_rcodes, *d_opcodes, *d_size, *d_qname_len,
      *d_l[4], *d_nq, *d_nan, *d_nau, *d_nad, *d_unsol, *d_retrans, *d_rrt;
  /* the IPv4/IPv6 trees and plen: the top nodes, plen's ranges */
  stn *top, *top2, *ranges[10], *srv_addr, *srv_host;
  const dx_field *f_ip, *f_src, *f_dst, *f_tcp, *f_udp, *f_tport, *f_uport, *f_frag, *f_more;
  const dx_field *f_ip4, *f_ip6, *f_src4, *f_dst4, *f_src6, *f_dst6;
  /* http_seq,tree: a URI -> the node last ticked for it */
  const dx_field *f_referer, *f_full_uri, *f_location, *f_resp_for;
  const dx_field *f_protocols, *f_magic, *f_tstream;
  /* http,tree: the TCP streams whose HTTP switched protocols (a 101), one
   * bit each, up to UPGRADED_MAX streams */
  uint8_t *upgraded;
  size_t nupgraded;
  char **ukeys;
  stn **unodes;
  size_t nuris, nuslots;
};

/* plen,tree's ranges (pinfo_stats_tree.c), the last open-ended */
static const uint32_t plen_lo[10] = {0, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120};
static const char *const plen_names[10] = {"0-19",      "20-39",           "40-79",    "80-159",
                                           "160-319",   "320-639",         "640-1279", "1280-2559",
                                           "2560-5119", "5120 and greater"};

/* ---- nodes ------------------------------------------------------------- */

static uint64_t slot_hash(const st_tree *t, const stn *parent, const char *name) {
  uint8_t buf[sizeof parent + 256];
  size_t nl = strlen(name);
  if (nl > 256)
    nl = 256;
  memcpy(buf, &parent, sizeof parent);
  memcpy(buf + sizeof parent, name, nl);
  return dx_siphash13(&t->key, buf, sizeof parent + nl);
}

static int slots_grow(st_tree *t) {
  size_t ns = t->nslots ? 2 * t->nslots : 256;
  stn **slots = calloc(ns, sizeof *slots);
  if (!slots)
    return -1;
  for (size_t i = 0; i < t->nslots; i++) {
    stn *n = t->slots[i];
    if (!n)
      continue;
    size_t h = slot_hash(t, n->parent, n->name) & (ns - 1);
    while (slots[h])
      h = (h + 1) & (ns - 1);
    slots[h] = n;
  }
  free(t->slots);
  t->slots = slots;
  t->nslots = ns;
  return 0;
}

static stn *node_new(st_tree *t, stn *parent, const char *name, int hashed, int is_float) {
  if (t->nnodes >= TREE_MAX_NODES)
    return NULL;
  if (2 * (t->nnodes + 1) > t->nslots && slots_grow(t) != 0)
    return NULL;
  stn *n = calloc(1, sizeof *n);
  if (!n || !(n->name = strdup(name))) {
    free(n);
    return NULL;
  }
  n->parent = parent;
  n->hashed = hashed;
  n->is_float = is_float;
  n->imin = INT32_MAX, n->imax = INT32_MIN;
  n->fmin = 3.402823466e38f, n->fmax = 1.175494351e-38f; /* G_MAXFLOAT, G_MINFLOAT */
  n->nb = 1; /* the empty bucket 0 Wireshark starts with */
  n->burst_time = -1.0;
  if (parent->last)
    parent->last->next = n;
  else
    parent->child = n;
  parent->last = n;
  size_t h = slot_hash(t, parent, name) & (t->nslots - 1);
  while (t->slots[h])
    h = (h + 1) & (t->nslots - 1);
  t->slots[h] = n;
  t->nnodes++;
  return n;
}

static stn *node_get(st_tree *t, stn *parent, const char *name, int hashed) {
  if (t->nslots) {
    size_t h = slot_hash(t, parent, name) & (t->nslots - 1);
    for (; t->slots[h]; h = (h + 1) & (t->nslots - 1))
      if (t->slots[h]->parent == parent && strcmp(t->slots[h]->name, name) == 0)
        return t->slots[h];
  }
  return node_new(t, parent, name, hashed, 0);
}

static void node_free(stn *n) {
  while (n) {
    stn *next = n->next;
    node_free(n->child);
    free(n->name);
    free(n);
    n = next;
  }
}

/* update_burst_calc() */
static void burst(const st_tree *t, stn *n, uint32_t value) {
  double cur = floor(t->now / BURST_RES), win = BURST_WIN / BURST_RES;
  bucket *bt = &n->b[n->nb - 1];
  if (cur > bt->no) {
    if (n->nb == NBUCKETS) { /* cannot happen in order; keep the window */
      n->bcount -= n->b[0].count;
      memmove(n->b, n->b + 1, (NBUCKETS - 1) * sizeof *n->b);
      n->nb--;
    }
    n->b[n->nb++] = (bucket){cur, t->now, value};
    n->bcount += value;
    while (n->nb > 1 && cur >= n->b[0].no + win) {
      n->bcount -= n->b[0].count;
      memmove(n->b, n->b + 1, (size_t)(n->nb - 1) * sizeof *n->b);
      n->nb--;
    }
  } else if (cur < n->b[0].no) {
    if (cur + win > bt->no && n->nb < NBUCKETS) {
      memmove(n->b + 1, n->b, (size_t)n->nb * sizeof *n->b);
      n->b[0] = (bucket){cur, t->now, value};
      n->nb++;
      n->bcount += value;
    }
  } else {
    int i = n->nb - 1;
    while (i > 0 && cur < n->b[i].no)
      i--;
    if (cur == n->b[i].no) {
      n->b[i].count += value;
      if (n->b[i].start > t->now)
        n->b[i].start = t->now;
    } else if (n->nb < NBUCKETS) {
      memmove(n->b + i + 2, n->b + i + 1, (size_t)(n->nb - i - 1) * sizeof *n->b);
      n->b[i + 1] = (bucket){cur, t->now, value};
      n->nb++;
    }
    n->bcount += value;
  }
  if (n->bcount > n->max_burst) {
    n->max_burst = n->bcount;
    n->burst_time = n->b[0].start;
  }
}

static void tick(st_tree *t, stn *n) {
  if (!n)
    return;
  n->counter++;
  burst(t, n, 1);
}

static void avg_int(st_tree *t, stn *n, int32_t v) {
  if (!n)
    return;
  tick(t, n);
  n->itotal += v;
  if (n->imin > v)
    n->imin = v;
  if (n->imax < v)
    n->imax = v;
  n->avg = 1;
}

static void avg_float(st_tree *t, stn *n, float v) {
  if (!n)
    return;
  tick(t, n);
  n->ftotal += v;
  if (n->fmin > v)
    n->fmin = v;
  if (n->fmax < v)
    n->fmax = v;
  n->avg = 1;
}

/* stats_tree_tick_pivot() */
static void pivot(st_tree *t, stn *p, const char *value) {
  if (!p)
    return;
  tick(t, p);
  tick(t, node_get(t, p, value, 0));
}

/* ---- the trees ---------------------------------------------------------- */

int st_tree_new(dx_session *s, int kind, st_tree **out) {
  *out = NULL;
  st_tree *t = calloc(1, sizeof *t);
  if (!t)
    return -1;
  t->kind = kind;
  t->root.nb = 1;
  dx_hashkey_random(&t->key);
  stn *r = &t->root;
  int ok = 1;
#define MK(var, parent, name, hashed, fl)                                                          \
  ok &= ((var) = node_new(t, parent, name, hashed, fl)) != NULL
  switch (kind) {
  case TR_HTTP:
    t->title = "HTTP/Packet Counter";
    MK(t->n_packets, r, "Total HTTP Packets", 1, 0);
    if (!ok)
      break;
    MK(t->n_requests, t->n_packets, "HTTP Request Packets", 1, 0);
    MK(t->n_responses, t->n_packets, "HTTP Response Packets", 1, 0);
    if (!ok)
      break;
    MK(t->n_groups[0], t->n_responses, "???: broken", 1, 0);
    MK(t->n_groups[1], t->n_responses, "1xx: Informational", 1, 0);
    MK(t->n_groups[2], t->n_responses, "2xx: Success", 1, 0);
    MK(t->n_groups[3], t->n_responses, "3xx: Redirection", 1, 0);
    MK(t->n_groups[4], t->n_responses, "4xx: Client Error", 1, 0);
    MK(t->n_groups[5], t->n_responses, "5xx: Server Error", 1, 0);
    MK(t->n_other, t->n_packets, "Other HTTP Packets", 0, 0);
    break;
  case ST_TREE_HTTP_SRV:
    t->title = "HTTP/Load Distribution";
    MK(t->top, r, "HTTP Requests by Server", 1, 0);
    if (!ok)
      break;
    MK(t->srv_addr, t->top, "HTTP Requests by Server Address", 1, 0);
    MK(t->srv_host, t->top, "HTTP Requests by HTTP Host", 1, 0);
    MK(t->top2, r, "HTTP Responses by Server Address", 1, 0);
    break;
  case ST_TREE_HTTP_SEQ:
    t->title = "HTTP/Request Sequences";
    MK(t->top, r, "HTTP Request Sequences", 1, 0);
    break;
  case TR_HTTP_REQ:
    t->title = "HTTP/Requests";
    MK(t->n_reqs_by_host, r, "HTTP Requests by HTTP Host", 1, 0);
    break;
  case ST_TREE_PTYPE:
  case ST_TREE_PTYPE6:
    t->title = kind == ST_TREE_PTYPE ? "IPv4 Statistics/IP Protocol Types"
                                     : "IPv6 Statistics/IP Protocol Types";
    MK(t->top, r, "IP Protocol Types", 1, 0);
    break;
  case ST_TREE_HOSTS:
  case ST_TREE_HOSTS6:
    t->title =
        kind == ST_TREE_HOSTS ? "IPv4 Statistics/All Addresses" : "IPv6 Statistics/All Addresses";
    MK(t->top, r, "All Addresses", 1, 0);
    break;
  case ST_TREE_SRCDST:
  case ST_TREE_SRCDST6:
    t->title = kind == ST_TREE_SRCDST ? "IPv4 Statistics/Source and Destination Addresses"
                                      : "IPv6 Statistics/Source and Destination Addresses";
    MK(t->top, r, kind == ST_TREE_SRCDST ? "Source IPv4 Addresses" : "Source IPv6 Addresses", 1, 0);
    MK(t->top2, r,
       kind == ST_TREE_SRCDST ? "Destination IPv4 Addresses" : "Destination IPv6 Addresses", 1, 0);
    break;
  case ST_TREE_DESTS:
  case ST_TREE_DESTS6:
    t->title = kind == ST_TREE_DESTS ? "IPv4 Statistics/Destinations and Ports"
                                     : "IPv6 Statistics/Destinations and Ports";
    MK(t->top, r, "Destinations and Ports", 1, 0);
    break;
  case ST_TREE_PLEN:
    t->title = "Packet Lengths";
    MK(t->top, r, "Packet Lengths", 1, 0);
    for (int i = 0; ok && i < 10; i++) {
      MK(t->ranges[i], t->top, plen_names[i], 0, 0);
      if (ok)
        t->ranges[i]->avg = 1; /* a range node shows "-" until it has a value */
    }
    if (ok)
      t->top->ranges = 1;
    break;
  default: {
    t->title = "DNS";
    MK(t->d_packets, r, "Total Packets", 1, 0);
    if (!ok)
      break;
    MK(t->d_qr, t->d_packets, "Query/Response", 1, 0);
    MK(t->d_qtypes, t->d_packets, "Query Type", 1, 0);
    MK(t->d_qclasses, t->d_packets, "Class", 1, 0);
    MK(t->d_rcodes, t->d_packets, "rcode", 1, 0);
    MK(t->d_opcodes, t->d_packets, "opcodes", 1, 0);
    MK(t->d_size, r, "Payload size", 0, 0);
    stn *qs = NULL, *dom = NULL, *rs = NULL, *ss = NULL;
    MK(qs, r, "Query Stats", 1, 0);
    if (!ok)
      break;
    MK(t->d_qname_len, qs, "Qname Len", 0, 0);
    MK(dom, qs, "Label Stats", 1, 0);
    if (!ok)
      break;
    MK(t->d_l[0], dom, "1st Level", 0, 0);
    MK(t->d_l[1], dom, "2nd Level", 0, 0);
    MK(t->d_l[2], dom, "3rd Level", 0, 0);
    MK(t->d_l[3], dom, "4th Level or more", 0, 0);
    MK(rs, r, "Response Stats", 1, 0);
    if (!ok)
      break;
    MK(t->d_nq, rs, "no. of questions", 0, 0);
    MK(t->d_nan, rs, "no. of answers", 0, 0);
    MK(t->d_nau, rs, "no. of authorities", 0, 0);
    MK(t->d_nad, rs, "no. of additionals", 0, 0);
    MK(ss, r, "Service Stats", 1, 0);
    if (!ok)
      break;
    MK(t->d_unsol, ss, "no. of unsolicited responses", 0, 0);
    MK(t->d_retrans, ss, "no. of retransmissions", 0, 0);
    MK(t->d_rrt, ss, "request-response time (msec)", 0, 1);
    break;
  }
  }
#undef MK
  if (!ok) {
    st_tree_free(t);
    return -1;
  }
  t->f_http = dx_field_lookup(s, "http");
  t->f_ssdp = dx_field_lookup(s, "ssdp");
  t->f_code = dx_field_lookup(s, "http.response.code");
  t->f_method = dx_field_lookup(s, "http.request.method");
  t->f_host = dx_field_lookup(s, "http.host");
  t->f_uri = dx_field_lookup(s, "http.request.uri");
  t->f_referer = dx_field_lookup(s, "http.referer");
  t->f_full_uri = dx_field_lookup(s, "http.request.full_uri");
  t->f_location = dx_field_lookup(s, "http.location");
  t->f_resp_for = dx_field_lookup(s, "http.response_for.uri");
  t->f_protocols = dx_field_lookup(s, "frame.protocols");
  t->f_magic = dx_field_lookup(s, "http2.magic");
  t->f_tstream = dx_field_lookup(s, "tcp.stream");
  t->f_dns = dx_field_lookup(s, "dns");
  t->f_resp = dx_field_lookup(s, "dns.flags.response");
  t->f_opcode = dx_field_lookup(s, "dns.flags.opcode");
  t->f_rcode = dx_field_lookup(s, "dns.flags.rcode");
  t->f_qname = dx_field_lookup(s, "dns.qry.name");
  t->f_qtype = dx_field_lookup(s, "dns.qry.type");
  t->f_qclass = dx_field_lookup(s, "dns.qry.class");
  t->f_nq = dx_field_lookup(s, "dns.count.queries");
  t->f_nan = dx_field_lookup(s, "dns.count.answers");
  t->f_nau = dx_field_lookup(s, "dns.count.auth_rr");
  t->f_nad = dx_field_lookup(s, "dns.count.add_rr");
  t->f_time = dx_field_lookup(s, "dns.time");
  t->f_unsol = dx_field_lookup(s, "dns.unsolicited");
  t->f_retrans = dx_field_lookup(s, "dns.retransmission");
  int v6 = kind == ST_TREE_PTYPE6 || kind == ST_TREE_HOSTS6 || kind == ST_TREE_SRCDST6 ||
           kind == ST_TREE_DESTS6;
  t->f_ip = dx_field_lookup(s, v6 ? "ipv6" : "ip");
  t->f_ip4 = dx_field_lookup(s, "ip");
  t->f_ip6 = dx_field_lookup(s, "ipv6");
  t->f_src4 = dx_field_lookup(s, "ip.src");
  t->f_dst4 = dx_field_lookup(s, "ip.dst");
  t->f_src6 = dx_field_lookup(s, "ipv6.src");
  t->f_dst6 = dx_field_lookup(s, "ipv6.dst");
  t->f_src = dx_field_lookup(s, v6 ? "ipv6.src" : "ip.src");
  t->f_dst = dx_field_lookup(s, v6 ? "ipv6.dst" : "ip.dst");
  t->f_tcp = dx_field_lookup(s, "tcp");
  t->f_udp = dx_field_lookup(s, "udp");
  t->f_tport = dx_field_lookup(s, "tcp.dstport");
  t->f_uport = dx_field_lookup(s, "udp.dstport");
  t->f_frag = dx_field_lookup(s, "ipv6.fraghdr");
  t->f_more = dx_field_lookup(s, "ipv6.fraghdr.more");
  *out = t;
  return 0;
}

/* The first node of field f under layer l (depth-first), or NULL. */
static const dx_node *under(const dx_node *l, const dx_field *f, int depth) {
  if (!f || depth > 64)
    return NULL;
  for (const dx_node *c = dx_node_first_child(l); c; c = dx_node_next(c)) {
    if (dx_node_field(c) == f)
      return c;
    const dx_node *r = under(c, f, depth + 1);
    if (r)
      return r;
  }
  return NULL;
}

/* A string value as text (escaped; at most len - 1 bytes). */
static void str_of(const dx_node *n, char *buf, size_t len) {
  size_t vl = 0;
  const uint8_t *v = n ? dx_node_bytes(n, &vl) : NULL;
  buf[0] = 0;
  if (v)
    dx_escape(v, vl, buf, len);
}

/* stats_tree_packet(): the clock of the tree is the packet's */
static void tap(st_tree *t, int64_t rel_ns) {
  t->now = (double)(rel_ns / 1000000000) * 1000.0 + (double)(rel_ns % 1000000000) / 1000000.0;
  if (!t->started)
    t->started = 1, t->start = t->now;
  t->elapsed = t->now - t->start;
}

static const dx_node *last_ip(const st_tree *t, const dx_node *n, const dx_node *found, int depth);

/* ---- http_seq,tree: requests under their referer, redirects under the
 * URI redirected from (packet-http.c's refstats maps) ---- */

static stn **uri_slot(st_tree *t, const char *uri) {
  if (!t->nuslots)
    return NULL;
  size_t h = dx_siphash13(&t->key, uri, strlen(uri)) & (t->nuslots - 1);
  for (; t->ukeys[h]; h = (h + 1) & (t->nuslots - 1))
    if (strcmp(t->ukeys[h], uri) == 0)
      return &t->unodes[h];
  return NULL;
}

static void uri_set(st_tree *t, const char *uri, stn *n) {
  stn **sl = uri_slot(t, uri);
  if (sl) {
    *sl = n;
    return;
  }
  if (t->nuris >= TREE_MAX_NODES)
    return;
  if (2 * (t->nuris + 1) > t->nuslots) {
    size_t ns = t->nuslots ? 2 * t->nuslots : 64;
    char **k = calloc(ns, sizeof *k);
    stn **v = calloc(ns, sizeof *v);
    if (!k || !v) {
      free(k);
      free(v);
      return;
    }
    for (size_t i = 0; i < t->nuslots; i++) {
      if (!t->ukeys[i])
        continue;
      size_t h = dx_siphash13(&t->key, t->ukeys[i], strlen(t->ukeys[i])) & (ns - 1);
      while (k[h])
        h = (h + 1) & (ns - 1);
      k[h] = t->ukeys[i], v[h] = t->unodes[i];
    }
    free(t->ukeys);
    free(t->unodes);
    t->ukeys = k, t->unodes = v, t->nuslots = ns;
  }
  char *key = strdup(uri);
  if (!key)
    return;
  size_t h = dx_siphash13(&t->key, uri, strlen(uri)) & (t->nuslots - 1);
  while (t->ukeys[h])
    h = (h + 1) & (t->nuslots - 1);
  t->ukeys[h] = key, t->unodes[h] = n;
  t->nuris++;
}

/* http_seq_stats_tick_referer(), http_seq_stats_tick_request(), then a
 * tick for every node from the referer up to the top */
static void seq_tick(st_tree *t, const char *referer, const char *uri) {
  stn **sl = uri_slot(t, referer), *ref;
  if (sl) {
    ref = *sl;
    tick(t, ref);
  } else {
    ref = node_get(t, t->top, referer, 1);
    tick(t, ref);
    if (ref)
      uri_set(t, referer, ref);
  }
  if (!ref)
    return;
  stn *n = node_get(t, ref, uri, 1);
  tick(t, n);
  if (n)
    uri_set(t, uri, n);
  for (stn *a = ref; a && a != &t->root; a = a->parent)
    tick(t, a);
}

/* determine_http_location_target(): Location resolved against the URI of
 * the request, the shortcuts tshark takes; 0 if it cannot be resolved */
static int location_target(const char *base, const char *loc, char *out, size_t len) {
  const char *sch = strstr(base, "://");
  if (!sch)
    return 0;
  if (!loc[0]) {
    snprintf(out, len, "%s", base);
  } else if (strncmp(loc, "//", 2) == 0) {
    /* g_uri_parse_scheme(): ALPHA *(ALPHA / DIGIT / "+" / "-" / ".") ":" */
    size_t k = 0;
    while (base[k] && base[k] != ':' &&
           (((base[k] | 0x20) >= 'a' && (base[k] | 0x20) <= 'z') ||
            (k && ((base[k] >= '0' && base[k] <= '9') || strchr("+-.", base[k])))))
      k++;
    if (!k || base[k] != ':')
      return 0;
    snprintf(out, len, "%.*s:%s", (int)k, base, loc);
  } else if (strstr(loc, "://")) {
    snprintf(out, len, "%s", loc);
  } else {
    size_t nq = strcspn(base, "#");
    nq = strcspn(base, "?") < nq ? strcspn(base, "?") : nq; /* no fragment, no query */
    if (loc[0] == '?') {
      snprintf(out, len, "%.*s%s", (int)nq, base, loc);
    } else if (loc[0] == '/') {
      const char *net = sch + 3;
      if (net >= base + nq)
        return 0;
      const char *end = memchr(net, '/', (size_t)(base + nq - net));
      if (!end)
        return 0;
      snprintf(out, len, "%.*s%s", (int)(end - base), base, loc);
    } else {
      const char *net = sch + 3, *slash = NULL;
      for (const char *c = net; c < base + nq; c++)
        if (*c == '/')
          slash = c;
      if (slash)
        snprintf(out, len, "%.*s/%s", (int)(slash - base), base, loc);
      else
        snprintf(out, len, "%.*s/%s", (int)nq, base, loc);
    }
  }
  return 1;
}

#define UPGRADED_MAX (1u << 22)

static int tcp_stream_of(const st_tree *t, const dx_packet *p, uint32_t *out) {
  const dx_node *n = t->f_tstream ? dx_packet_find(p, t->f_tstream) : NULL;
  if (!n)
    return 0;
  *out = (uint32_t)dx_node_uint(n);
  return 1;
}

static int upgraded(const st_tree *t, uint32_t stream) {
  return stream / 8 < t->nupgraded && (t->upgraded[stream / 8] >> (stream % 8) & 1);
}

static void mark_upgraded(st_tree *t, const dx_packet *p) {
  uint32_t st;
  if (!tcp_stream_of(t, p, &st) || st >= UPGRADED_MAX)
    return;
  if (st / 8 >= t->nupgraded) {
    size_t n = t->nupgraded ? t->nupgraded : 64;
    while (n <= st / 8)
      n *= 2;
    uint8_t *b = realloc(t->upgraded, n);
    if (!b)
      return;
    memset(b + t->nupgraded, 0, n - t->nupgraded);
    t->upgraded = b;
    t->nupgraded = n;
  }
  t->upgraded[st / 8] |= (uint8_t)(1u << (st % 8));
}

/* Whether the packet carries the HTTP/2 connection preface of a cleartext
 * connection that HTTP handed to HTTP/2 (frame.protocols "...:tcp:http:http2")
 * with prior knowledge, not after an Upgrade (whose preface tshark's HTTP
 * hands on without a message of its own). */
static int h2c_preface_by_http(const st_tree *t, const dx_packet *p) {
  if (!t->f_protocols || !t->f_magic || !dx_packet_find(p, t->f_magic))
    return 0;
  const dx_node *pr = dx_packet_find(p, t->f_protocols);
  char s[512];
  uint32_t st;
  if (!pr)
    return 0;
  dx_node_value(pr, s, sizeof s);
  return strstr(s, ":tcp:http:http2") != NULL && !(tcp_stream_of(t, p, &st) && upgraded(t, st));
}

static void http_seq_message(st_tree *t, const dx_node *l, int64_t rel_ns) {
  char a[2048], b[2048], c[4096];
  tap(t, rel_ns);
  const dx_node *loc = under(l, t->f_location, 0), *base = under(l, t->f_resp_for, 0);
  if (loc && base && under(l, t->f_code, 0)) {
    str_of(base, a, sizeof a);
    str_of(loc, b, sizeof b);
    if (location_target(a, b, c, sizeof c))
      seq_tick(t, a, c);
  }
  const dx_node *ref = under(l, t->f_referer, 0), *full = under(l, t->f_full_uri, 0);
  if (under(l, t->f_method, 0) && ref && full) {
    str_of(ref, a, sizeof a);
    str_of(full, b, sizeof b);
    seq_tick(t, a, b);
  }
}

static void http_message(st_tree *t, const dx_packet *p, const dx_node *l, int64_t rel_ns) {
  const dx_node *code = under(l, t->f_code, 0), *method = under(l, t->f_method, 0);
  uint32_t i = code ? (uint32_t)dx_node_uint(code) : 0;
  char host[512], uri[2048], m[64];
  tap(t, rel_ns);
  if (t->kind == ST_TREE_HTTP_SRV) {
    /* the server: the destination of a request, the source of a response
     * (of the packet's last IP header, as tshark's pinfo has them) */
    const dx_node *ipl = last_ip(t, dx_packet_root(p), NULL, 0);
    int v6 = ipl && dx_node_field(ipl) == t->f_ip6;
    char addr[64] = "";
    if (method) {
      if (ipl)
        dx_node_value(under(ipl, v6 ? t->f_dst6 : t->f_dst4, 0), addr, sizeof addr);
      const dx_node *h = under(l, t->f_host, 0);
      tick(t, t->top);
      tick(t, t->srv_addr);
      tick(t, t->srv_host);
      stn *an = node_get(t, t->srv_addr, addr, 1);
      tick(t, an);
      if (h) { /* the host nodes only for a request that names one */
        str_of(h, host, sizeof host);
        stn *hn = node_get(t, t->srv_host, host, 1);
        tick(t, hn);
        if (hn)
          tick(t, node_get(t, hn, addr, 0));
        if (an)
          tick(t, node_get(t, an, host, 0));
      }
    } else if (i) {
      if (ipl)
        dx_node_value(under(ipl, v6 ? t->f_src6 : t->f_src4, 0), addr, sizeof addr);
      tick(t, t->top2);
      stn *an = node_get(t, t->top2, addr, 1);
      tick(t, an);
      if (an) /* tshark's rule: OK from 101 to 399 */
        tick(t, node_get(t, an, i > 100 && i < 400 ? "OK" : "KO", 0));
    }
    return;
  }
  if (t->kind == TR_HTTP_REQ) {
    if (i || !method)
      return;
    tick(t, t->n_reqs_by_host);
    const dx_node *h = under(l, t->f_host, 0), *u = under(l, t->f_uri, 0);
    if (h) {
      str_of(h, host, sizeof host);
      stn *hn = node_get(t, t->n_reqs_by_host, host, 1);
      tick(t, hn);
      if (u && hn) {
        str_of(u, uri, sizeof uri);
        tick(t, node_get(t, hn, uri, 1));
      }
    }
    return;
  }
  tick(t, t->n_packets);
  if (i == 101)
    mark_upgraded(t, p);
  if (i) {
    tick(t, t->n_responses);
    int g = i < 100 || i >= 600 ? 0 : (int)(i / 100);
    tick(t, t->n_groups[g]);
    const char *phrase = dx_val_name(dx_http_status_vals, i);
    char s[64];
    if (phrase)
      snprintf(s, sizeof s, "%u %s", i, phrase);
    else
      snprintf(s, sizeof s, "%u Unknown (%u)", i, i);
    tick(t, node_get(t, t->n_groups[g], s, 0));
  } else if (method) {
    str_of(method, m, sizeof m);
    /* tshark's tap: "M-SEARCH" (RFC 2774's prefix) is a SEARCH */
    pivot(t, t->n_requests, m[0] == 'M' && m[1] == '-' && m[2] ? m + 2 : m);
  } else {
    tick(t, t->n_other);
  }
}

/* The value's name from the field's own table (dns.qry.type's names are
 * what tshark's DNS statistics print too). */
static void name_of(const dx_field *f, uint64_t x, const char *unknown, char *buf, size_t len) {
  const char *n = f && f->vals ? dx_val_name(f->vals, x) : NULL;
  if (n)
    snprintf(buf, len, "%s", n);
  else
    snprintf(buf, len, "%s (%d)", unknown, (int)x);
}

static uint32_t u_under(const dx_node *l, const dx_field *f) {
  const dx_node *n = under(l, f, 0);
  return n ? (uint32_t)dx_node_uint(n) : 0;
}

static void dns_message(st_tree *t, const dx_node *l, int64_t rel_ns) {
  char s[128];
  tap(t, rel_ns);
  uint32_t qr = u_under(l, t->f_resp), nq = u_under(l, t->f_nq);
  tick(t, t->d_packets);
  pivot(t, t->d_qr, qr ? "Response" : "Query");
  uint32_t qtype = 0, qclass = 0;
  const dx_node *qn = nq ? under(l, t->f_qname, 0) : NULL;
  if (nq)
    qtype = u_under(l, t->f_qtype), qclass = u_under(l, t->f_qclass);
  name_of(t->f_qtype, qtype, "Unknown packet type", s, sizeof s);
  pivot(t, t->d_qtypes, s);
  name_of(t->f_qclass, qclass, "Unknown class", s, sizeof s);
  pivot(t, t->d_qclasses, s);
  name_of(t->f_rcode, u_under(l, t->f_rcode), "Unknown rcode", s, sizeof s);
  pivot(t, t->d_rcodes, s);
  name_of(t->f_opcode, u_under(l, t->f_opcode), "Unknown opcode", s, sizeof s);
  pivot(t, t->d_opcodes, s);
  avg_int(t, t->d_size, (int32_t)dx_node_length(l));
  if (!qr) {
    /* qname_labels_count(): dots + 1 in a name longer than one byte */
    const char *name = qn ? dx_node_str(qn) : NULL;
    int32_t len = name ? (int32_t)strlen(name) : 0;
    uint32_t labels = 0;
    if (len > 1) {
      for (int32_t k = 0; k < len; k++)
        labels += name[k] == '.';
      labels++;
    }
    avg_int(t, t->d_qname_len, len);
    tick(t, t->d_l[labels >= 1 && labels <= 3 ? labels - 1 : 3]);
    return;
  }
  /* tshark 4.0 adds the counts of a solicited response twice */
  int unsolicited = under(l, t->f_unsol, 0) != NULL;
  for (int round = 0; round < (unsolicited ? 1 : 2); round++) {
    avg_int(t, t->d_nq, (int32_t)nq);
    avg_int(t, t->d_nan, (int32_t)u_under(l, t->f_nan));
    avg_int(t, t->d_nau, (int32_t)u_under(l, t->f_nau));
    avg_int(t, t->d_nad, (int32_t)u_under(l, t->f_nad));
  }
  if (unsolicited) {
    tick(t, t->d_unsol);
  } else if (under(l, t->f_retrans, 0)) {
    tick(t, t->d_retrans);
  } else {
    const dx_node *tm = under(l, t->f_time, 0);
    avg_float(t, t->d_rrt, tm ? (float)(dx_node_double(tm) * 1000.0) : 0.0f);
  }
}

/* The packet's port type and destination port as tshark's pinfo has them
 * when its taps run: those of the last TCP or UDP header dissected (one
 * inside an ICMP error too). */
static const dx_node *last_transport(const st_tree *t, const dx_node *n, const dx_node *found,
                                     int depth) {
  for (const dx_node *c = dx_node_first_child(n); c && depth < 64; c = dx_node_next(c)) {
    const dx_field *f = dx_node_field(c);
    if (f && (f == t->f_tcp || f == t->f_udp))
      found = c;
    found = last_transport(t, c, found, depth + 1);
  }
  return found;
}

/* The packet's last IPv4 or IPv6 header outside ICMP errors (tshark's
 * pinfo->src and dst when its taps run). */
static const dx_node *last_ip(const st_tree *t, const dx_node *n, const dx_node *found, int depth) {
  for (const dx_node *c = dx_node_first_child(n); c && depth < 64; c = dx_node_next(c)) {
    const dx_field *f = dx_node_field(c);
    const char *nm = dx_node_name(c);
    if (nm && (strcmp(nm, "icmp") == 0 || strcmp(nm, "icmpv6") == 0))
      continue;
    if (f && (f == t->f_ip4 || f == t->f_ip6))
      found = c;
    found = last_ip(t, c, found, depth + 1);
  }
  return found;
}

/* A value as tshark writes an address or port ("127.0.0.1", "::1"). */
static void value_of(const dx_node *n, char *buf, size_t len) {
  buf[0] = 0;
  if (n)
    dx_node_value(n, buf, len);
}

/* One IPv4 or IPv6 header (the ip/ipv6 tap). */
static void ip_message(st_tree *t, const dx_packet *p, const dx_node *l, int64_t rel_ns) {
  if (t->f_frag) { /* tshark's IPv6 taps only what it does not keep for reassembly */
    const dx_node *fh = under(l, t->f_frag, 0), *more = fh ? under(fh, t->f_more, 0) : NULL;
    if (more && dx_node_uint(more))
      return;
  }
  char src[64], dst[64], port[16];
  value_of(under(l, t->f_src, 0), src, sizeof src);
  value_of(under(l, t->f_dst, 0), dst, sizeof dst);
  const dx_node *tr = last_transport(t, dx_packet_root(p), NULL, 0);
  const char *ptype = !tr ? "NONE" : dx_node_field(tr) == t->f_tcp ? "TCP" : "UDP";
  const dx_node *dp =
      tr ? under(tr, dx_node_field(tr) == t->f_tcp ? t->f_tport : t->f_uport, 0) : NULL;
  snprintf(port, sizeof port, "%u", dp ? (unsigned)dx_node_uint(dp) : 0u);
  tap(t, rel_ns);
  switch (t->kind) {
  case ST_TREE_PTYPE:
  case ST_TREE_PTYPE6: pivot(t, t->top, ptype); break;
  case ST_TREE_HOSTS:
  case ST_TREE_HOSTS6:
    tick(t, t->top);
    tick(t, node_get(t, t->top, src, 1));
    tick(t, node_get(t, t->top, dst, 1));
    break;
  case ST_TREE_SRCDST:
  case ST_TREE_SRCDST6:
    pivot(t, t->top, src);
    pivot(t, t->top2, dst);
    break;
  default: { /* dests */
    tick(t, t->top);
    stn *dn = node_get(t, t->top, dst, 1);
    tick(t, dn);
    stn *pn = dn ? node_get(t, dn, ptype, 1) : NULL;
    tick(t, pn);
    if (pn)
      tick(t, node_get(t, pn, port, 1));
    break;
  }
  }
}

void st_tree_packet(st_tree *t, const dx_packet *p, int64_t rel_ns) {
  if (t->kind == ST_TREE_PLEN) { /* the frame tap: every frame, by its length */
    uint32_t len = dx_packet_frame(p)->wirelen;
    int i = 9;
    while (i > 0 && len < plen_lo[i])
      i--;
    tap(t, rel_ns);
    avg_int(t, t->top, (int32_t)len);
    avg_int(t, t->ranges[i], (int32_t)len);
    return;
  }
  if (t->kind >= ST_TREE_PTYPE && t->kind != ST_TREE_HTTP_SEQ) {
    if (!t->f_ip)
      return;
    /* one tap per header, outside ICMP errors */
    for (const dx_node *l = dx_packet_find(p, t->f_ip); l; l = dx_packet_find_next(p, l)) {
      int quoted = 0;
      for (const dx_node *a = dx_node_parent(l); a; a = dx_node_parent(a)) {
        const char *nm = dx_node_name(a);
        if (nm && (strcmp(nm, "icmp") == 0 || strcmp(nm, "icmpv6") == 0))
          quoted = 1;
      }
      if (!quoted)
        ip_message(t, p, l, rel_ns);
    }
    return;
  }
  /* (tshark's DNS dissector taps no mDNS or LLMNR message: "TODO" there) */
  const dx_field *fs[2] = {t->f_dns, NULL};
  if (t->kind != TR_DNS)
    fs[0] = t->f_http, fs[1] = t->f_ssdp;
  if (t->kind == TR_HTTP && h2c_preface_by_http(t, p)) {
    /* tshark's HTTP dissector reads the preface of cleartext HTTP/2 on an
     * HTTP port as a message of its own before the HTTP/2 heuristic
     * takes the connection: one "Other HTTP Packet" */
    tap(t, rel_ns);
    tick(t, t->n_packets);
    tick(t, t->n_other);
  }
  /* one tap per message: every layer of the protocols, outside ICMP errors
   * (a quoted datagram's application layer sits at the top of the tree,
   * after the ICMP layer that holds its IP and UDP headers) */
  for (int k = 0; k < 2; k++)
    for (const dx_node *l = fs[k] ? dx_packet_find(p, fs[k]) : NULL; l;
         l = dx_packet_find_next(p, l)) {
      int quoted = 0;
      for (const dx_node *a = dx_node_parent(l); a; a = dx_node_parent(a)) {
        const char *nm = dx_node_name(a);
        if (nm && (strcmp(nm, "icmp") == 0 || strcmp(nm, "icmpv6") == 0))
          quoted = 1;
      }
      if (dx_node_parent(l) == dx_packet_root(p))
        for (const dx_node *b = dx_node_first_child(dx_packet_root(p)); b && b != l && !quoted;
             b = dx_node_next(b)) {
          const char *nm = dx_node_name(b);
          if (nm && (strcmp(nm, "icmp") == 0 || strcmp(nm, "icmpv6") == 0))
            for (const dx_node *c = dx_node_first_child(b); c; c = dx_node_next(c))
              if (dx_field_type(dx_node_field(c)) == DX_FT_PROTOCOL)
                quoted = 1; /* the ICMP layer quotes a packet */
        }
      /* a CONNECT tunnel's layer is no HTTP message (tshark taps none) */
      const dx_node *c1 = dx_node_first_child(l);
      const char *c1n = c1 ? dx_node_name(c1) : NULL;
      if (quoted || (c1n && strcmp(c1n, "http.proxy_connect_host") == 0))
        continue;
      if (t->kind == TR_DNS)
        dns_message(t, l, rel_ns);
      else if (t->kind == ST_TREE_HTTP_SEQ)
        http_seq_message(t, l, rel_ns);
      else
        http_message(t, p, l, rel_ns);
    }
}

/* ---- printing ------------------------------------------------------------ */

static const char *display_name(const char *name) {
  const char *s = strrchr(name, '/');
  return s ? s + 1 : name;
}

static size_t max_namelen(const stn *n, size_t indent, int root) {
  size_t m = 0;
  for (const stn *c = n->child; c; c = c->next) {
    size_t l = max_namelen(c, indent + 1, 0);
    if (l > m)
      m = l;
  }
  size_t l = strlen(root || n->parent == NULL ? n->name : n->name) + indent;
  return l > m ? l : m;
}

static int cmp_nodes(const void *x, const void *y) {
  const stn *a = *(const stn *const *)x, *b = *(const stn *const *)y;
  int r = (int)(a->counter - b->counter);
  if (!r)
    r = strcmp(a->name, b->name);
  return -r; /* descending */
}

static void print_node(const st_tree *t, const stn *n, size_t indent, size_t width, FILE *out) {
  char v[9][64];
  int rootchild = n->parent == &t->root;
  snprintf(v[1], sizeof v[1], "%u", n->counter);
  v[2][0] = v[3][0] = v[4][0] = 0;
  if (n->avg) {
    if (!n->counter) {
      strcpy(v[2], "-"), strcpy(v[3], "-"), strcpy(v[4], "-");
    } else if (n->is_float) {
      snprintf(v[2], sizeof v[2], "%.2f", (double)(n->ftotal / (float)n->counter));
      snprintf(v[3], sizeof v[3], "%f", (double)n->fmin);
      snprintf(v[4], sizeof v[4], "%f", (double)n->fmax);
    } else {
      snprintf(v[2], sizeof v[2], "%.2f", (double)((float)n->itotal / (float)n->counter));
      snprintf(v[3], sizeof v[3], "%d", n->imin);
      snprintf(v[4], sizeof v[4], "%d", n->imax);
    }
  }
  if (t->elapsed != 0.0)
    snprintf(v[5], sizeof v[5], "%.4f", (double)(float)n->counter / t->elapsed);
  else
    v[5][0] = 0;
  if (n->parent && n->parent->counter)
    snprintf(v[6], sizeof v[6], "%.2f%%", n->counter * 100.0 / n->parent->counter);
  else
    snprintf(v[6], sizeof v[6], "%s", rootchild ? "100%" : "");
  if (n->max_burst) {
    snprintf(v[7], sizeof v[7], "%.4f", (double)n->max_burst / BURST_WIN);
    snprintf(v[8], sizeof v[8], "%.3f", n->burst_time / 1000.0);
  } else {
    strcpy(v[7], "-"), strcpy(v[8], "-");
  }
  char name[2100];
  dx_escape((const uint8_t *)(rootchild ? display_name(n->name) : n->name),
            strlen(rootchild ? display_name(n->name) : n->name), name, sizeof name);
  fprintf(out, "%*s%-*s", (int)indent, "", (int)(width - indent), name);
  for (int k = 1; k < 9; k++)
    fprintf(out, " %-13s", v[k]);
  fputc('\n', out);
  size_t nc = 0;
  for (const stn *c = n->child; c; c = c->next)
    nc++;
  if (!nc)
    return;
  const stn **kids = malloc(nc * sizeof *kids);
  if (!kids)
    return;
  nc = 0;
  for (const stn *c = n->child; c; c = c->next)
    kids[nc++] = c;
  if (!n->ranges)
    qsort(kids, nc, sizeof *kids, cmp_nodes);
  for (size_t k = 0; k < nc; k++)
    print_node(t, kids[k], indent + 1 > 32 ? 32 : indent + 1, width, out);
  free(kids);
}

void st_tree_print(const st_tree *t, FILE *out) {
  /* the root's name is its title after the last '/' */
  size_t width = strlen(display_name(t->title));
  for (const stn *c = t->root.child; c; c = c->next) {
    size_t l = max_namelen(c, 1, 1);
    if (l > width)
      width = l;
  }
  size_t sep = width + 8 * 14;
  char *line = malloc(sep + 1);
  if (!line)
    return;
  memset(line, '=', sep);
  line[sep] = 0;
  fprintf(out, "\n%s\n%s:\n", line, t->title);
  fprintf(out, "%-*s", (int)width, "Topic / Item");
  static const char *const cols[] = {"Count",     "Average", "Min Val",    "Max Val",
                                     "Rate (ms)", "Percent", "Burst Rate", "Burst Start"};
  for (int k = 0; k < 8; k++)
    fprintf(out, " %-13s", cols[k]);
  memset(line, '-', sep);
  fprintf(out, "\n%s\n", line);
  for (const stn *c = t->root.child; c; c = c->next)
    print_node(t, c, 0, width, out);
  fprintf(out, "\n%s\n", line);
  free(line);
}

void st_tree_free(st_tree *t) {
  if (!t)
    return;
  node_free(t->root.child);
  free(t->slots);
  for (size_t i = 0; i < t->nuslots; i++)
    free(t->ukeys[i]);
  free(t->ukeys);
  free(t->unodes);
  free(t->upgraded);
  free(t);
}
