/* -z statistics, printed as tshark 4.0 prints them (so scripts written for
 * one read the other): conv,TYPE and endpoints,TYPE (eth, ip, ipv6, tcp,
 * udp), io,phs, io,stat,INTERVAL[,FILTER...] and follow,PROTO,MODE,STREAM
 * (follow.c). Like tshark's taps, they see every packet read, whatever -Y
 * displays; a filter after the statistic's arguments narrows it.
 * Addresses are never resolved to names (tshark -n). */
#include "cli.h"
#include "core/siphash.h"
#include "stats_int.h"

#include <dissect/filter.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* ---- addresses and ports of a packet --------------------------------- */

/* True if n lies inside an ICMP or ICMPv6 layer (the quoted packet of an
 * error message): tshark's taps do not count those headers. */
static int in_icmp(const dx_node *n) {
  for (const dx_node *a = dx_node_parent(n); a; a = dx_node_parent(a)) {
    const char *nm = dx_node_name(a);
    if (nm && (strcmp(nm, "icmp") == 0 || strcmp(nm, "icmpv6") == 0))
      return 1;
  }
  return 0;
}

/* The last occurrence of f outside ICMP errors (the innermost header, as
 * tshark's pinfo addresses are), or NULL. */
const dx_node *st_last(const dx_packet *p, const dx_field *f) {
  const dx_node *best = NULL;
  if (!f)
    return NULL;
  for (const dx_node *n = dx_packet_find(p, f); n; n = dx_packet_find_next(p, n))
    if (!in_icmp(n))
      best = n;
  return best;
}

/* An address as bytes in network order (what Wireshark compares). */
static int addr_of(const dx_node *n, st_addr *a) {
  memset(a, 0, sizeof *a);
  if (!n)
    return 0;
  switch (dx_field_type(dx_node_field(n))) {
  case DX_FT_IPV4: {
    uint32_t v = (uint32_t)dx_node_uint(n);
    a->b[0] = (uint8_t)(v >> 24), a->b[1] = (uint8_t)(v >> 16);
    a->b[2] = (uint8_t)(v >> 8), a->b[3] = (uint8_t)v;
    a->len = 4;
    return 1;
  }
  case DX_FT_IPV6:
  case DX_FT_ETHER: {
    size_t len = 0;
    const uint8_t *b = dx_node_bytes(n, &len);
    if (!b || (len != 16 && len != 6))
      return 0;
    memcpy(a->b, b, len);
    a->len = (uint8_t)len;
    return 1;
  }
  default: return 0;
  }
}

void st_addr_str(const st_addr *a, char *buf, size_t len) {
  if (a->len == 4) {
    snprintf(buf, len, "%u.%u.%u.%u", a->b[0], a->b[1], a->b[2], a->b[3]);
  } else if (a->len == 6) {
    snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", a->b[0], a->b[1], a->b[2], a->b[3], a->b[4],
             a->b[5]);
  } else {
    /* inet_ntop's form, as Wireshark prints IPv6 */
    char t[64];
    size_t k = 0;
    int best = -1, bestlen = 0;
    for (int i = 0; i < 8;) {
      int j = i;
      while (j < 8 && a->b[2 * j] == 0 && a->b[2 * j + 1] == 0)
        j++;
      if (j - i > bestlen && j - i >= 2)
        best = i, bestlen = j - i;
      i = j > i ? j : i + 1;
    }
    for (int i = 0; i < 8; i++) {
      if (i == best) {
        t[k++] = ':';
        if (i == 0)
          t[k++] = ':';
        i += bestlen - 1;
        continue;
      }
      k += (size_t)snprintf(t + k, sizeof t - k, "%x%s", (a->b[2 * i] << 8) | a->b[2 * i + 1],
                            i < 7 ? ":" : "");
    }
    t[k] = 0;
    snprintf(buf, len, "%s", t);
  }
}

/* Wireshark's format_size(..., FORMAT_SIZE_UNIT_BYTES): SI prefixes from
 * 10 k on, integer division. */
static void fmt_size(uint64_t v, char *buf, size_t len) {
  if (v / 1000 / 1000 / 1000 / 1000 >= 10)
    snprintf(buf, len, "%" PRIu64 " TB", v / 1000 / 1000 / 1000 / 1000);
  else if (v / 1000 / 1000 / 1000 >= 10)
    snprintf(buf, len, "%" PRIu64 " GB", v / 1000 / 1000 / 1000);
  else if (v / 1000 / 1000 >= 10)
    snprintf(buf, len, "%" PRIu64 " MB", v / 1000 / 1000);
  else if (v / 1000 >= 10)
    snprintf(buf, len, "%" PRIu64 " kB", v / 1000);
  else
    snprintf(buf, len, "%" PRIu64 " bytes", v);
}

/* ---- conversations and endpoints ------------------------------------------ */

enum { T_ETH, T_IP, T_IPV6, T_TCP, T_UDP };
static const struct {
  const char *arg, *title;
  const char *src, *dst, *sport, *dport;
} types[] = {
    {"eth", "Ethernet", "eth.src", "eth.dst", NULL, NULL},
    {"ip", "IPv4", "ip.src", "ip.dst", NULL, NULL},
    {"ipv6", "IPv6", "ipv6.src", "ipv6.dst", NULL, NULL},
    {"tcp", "TCP", NULL, NULL, "tcp.srcport", "tcp.dstport"},
    {"udp", "UDP", NULL, NULL, "udp.srcport", "udp.dstport"},
};

typedef struct conv {
  st_addr a, b;       /* a: the source of the first packet */
  uint32_t pa, pb;    /* ports */
  uint32_t stream;    /* tcp.stream (a reused 4-tuple is a new conversation) */
  uint64_t tx_frames; /* a -> b */
  uint64_t tx_bytes;
  uint64_t rx_frames; /* b -> a */
  uint64_t rx_bytes;
  int64_t start_ns, stop_ns;
} conv;

typedef struct table {
  int type;
  int endpoints;
  conv *items;
  size_t n, cap;
  size_t *slots; /* open addressing: index + 1, 0 = empty */
  size_t nslots;
  dx_hashkey key;
  const dx_field *src, *dst, *sport, *dport, *src6, *dst6, *stream, *frag;
} table;

static uint64_t conv_hash(const table *t, const st_addr *a, uint32_t pa, const st_addr *b,
                          uint32_t pb, uint32_t stream) {
  /* the same for both directions: the two ends in a fixed order */
  uint8_t buf[2 * (sizeof(st_addr) + 4) + 4];
  int swap =
      t->endpoints ? 0 : (memcmp(a, b, sizeof *a) > 0 || (!memcmp(a, b, sizeof *a) && pa > pb));
  const st_addr *x = swap ? b : a, *y = swap ? a : b;
  uint32_t px = swap ? pb : pa, py = swap ? pa : pb;
  size_t k = 0;
  memcpy(buf + k, x, sizeof *x), k += sizeof *x;
  memcpy(buf + k, &px, 4), k += 4;
  if (!t->endpoints) {
    memcpy(buf + k, y, sizeof *y), k += sizeof *y;
    memcpy(buf + k, &py, 4), k += 4;
    memcpy(buf + k, &stream, 4), k += 4;
  }
  return dx_siphash13(&t->key, buf, k);
}

static int same_end(const st_addr *a, uint32_t pa, const st_addr *b, uint32_t pb) {
  return pa == pb && !memcmp(a, b, sizeof *a);
}

static int grow(table *t) {
  if (t->n < t->cap)
    return 0;
  size_t cap = t->cap ? 2 * t->cap : 64;
  conv *ni = realloc(t->items, cap * sizeof *ni);
  size_t *ns = calloc(2 * cap, sizeof *ns);
  if (!ni || !ns) {
    free(ns);
    if (ni)
      t->items = ni;
    return -1;
  }
  t->items = ni;
  t->cap = cap;
  free(t->slots);
  t->slots = ns;
  t->nslots = 2 * cap;
  for (size_t i = 0; i < t->n; i++) {
    conv *c = &t->items[i];
    size_t h = conv_hash(t, &c->a, c->pa, &c->b, c->pb, c->stream) & (t->nslots - 1);
    while (t->slots[h])
      h = (h + 1) & (t->nslots - 1);
    t->slots[h] = i + 1;
  }
  return 0;
}

/* The conversation (or endpoint: b unused) of these ends, made if new. */
static conv *lookup(table *t, const st_addr *a, uint32_t pa, const st_addr *b, uint32_t pb,
                    uint32_t stream) {
  if (t->nslots) {
    size_t h = conv_hash(t, a, pa, b, pb, stream) & (t->nslots - 1);
    for (; t->slots[h]; h = (h + 1) & (t->nslots - 1)) {
      conv *c = &t->items[t->slots[h] - 1];
      if (t->endpoints) {
        if (same_end(&c->a, c->pa, a, pa))
          return c;
      } else if (c->stream == stream &&
                 ((same_end(&c->a, c->pa, a, pa) && same_end(&c->b, c->pb, b, pb)) ||
                  (same_end(&c->a, c->pa, b, pb) && same_end(&c->b, c->pb, a, pa)))) {
        return c;
      }
    }
  }
  if (grow(t) != 0)
    return NULL;
  conv *c = &t->items[t->n];
  memset(c, 0, sizeof *c);
  c->a = *a, c->pa = pa, c->stream = stream;
  if (!t->endpoints)
    c->b = *b, c->pb = pb;
  size_t h = conv_hash(t, a, pa, b, pb, stream) & (t->nslots - 1);
  while (t->slots[h])
    h = (h + 1) & (t->nslots - 1);
  t->slots[h] = ++t->n;
  return c;
}

static void table_packet(table *t, const dx_packet *p, int64_t rel_ns) {
  st_addr a, b;
  uint32_t pa = 0, pb = 0, stream = 0;
  const dx_frame *f = dx_packet_frame(p);
  if (t->type == T_TCP || t->type == T_UDP) {
    const dx_node *s = st_last(p, t->sport), *d = st_last(p, t->dport);
    if (!s || !d)
      return;
    pa = (uint32_t)dx_node_uint(s), pb = (uint32_t)dx_node_uint(d);
    /* the addresses of the IP header that carries it */
    const dx_node *as = st_last(p, t->src), *ad = st_last(p, t->dst);
    const dx_node *as6 = st_last(p, t->src6), *ad6 = st_last(p, t->dst6);
    if (as6 && (!as || dx_node_offset(as6) > dx_node_offset(as)))
      as = as6, ad = ad6;
    if (!addr_of(as, &a) || !addr_of(ad, &b))
      return;
    if (t->type == T_TCP && t->stream) {
      const dx_node *sn = st_last(p, t->stream);
      stream = sn ? (uint32_t)dx_node_uint(sn) : 0;
    }
  } else {
    if (!addr_of(st_last(p, t->src), &a) || !addr_of(st_last(p, t->dst), &b))
      return;
    /* tshark's IPv6 tap does not see a fragment that completes nothing */
    if (t->type == T_IPV6 && t->frag && dx_packet_find(p, t->frag)) {
      const dx_node *l = dx_node_first_child(dx_packet_root(p));
      for (; l && strcmp(dx_node_name(l), "ipv6") != 0; l = dx_node_next(l))
        ;
      l = l ? dx_node_next(l) : NULL;
      if (l && strcmp(dx_node_name(l), "data") == 0)
        return;
    }
  }
  if (t->endpoints) {
    conv *c = lookup(t, &a, pa, NULL, 0, 0);
    if (c)
      c->tx_frames++, c->tx_bytes += f->wirelen;
    c = lookup(t, &b, pb, NULL, 0, 0);
    if (c)
      c->rx_frames++, c->rx_bytes += f->wirelen;
    return;
  }
  conv *c = lookup(t, &a, pa, &b, pb, stream);
  if (!c)
    return;
  if (c->tx_frames + c->rx_frames == 0)
    c->start_ns = rel_ns;
  c->stop_ns = rel_ns;
  if (same_end(&c->a, c->pa, &a, pa) && same_end(&c->b, c->pb, &b, pb))
    c->tx_frames++, c->tx_bytes += f->wirelen;
  else
    c->rx_frames++, c->rx_bytes += f->wirelen;
}

/* tshark's order: most frames first, ties in the order met. */
static size_t *sorted(const table *t) {
  size_t *ix = malloc((t->n ? t->n : 1) * sizeof *ix);
  if (!ix)
    return NULL;
  for (size_t i = 0; i < t->n; i++)
    ix[i] = i;
  /* insertion sort is stable; merge by hand for large tables */
  for (size_t w = 1; w < t->n; w *= 2) {
    size_t *tmp = malloc(t->n * sizeof *tmp);
    if (!tmp)
      break;
    for (size_t lo = 0; lo < t->n; lo += 2 * w) {
      size_t mid = lo + w < t->n ? lo + w : t->n, hi = lo + 2 * w < t->n ? lo + 2 * w : t->n;
      size_t i = lo, j = mid, k = lo;
      while (i < mid || j < hi) {
        int take_left = j >= hi;
        if (i < mid && j < hi) {
          const conv *x = &t->items[ix[i]], *y = &t->items[ix[j]];
          take_left = x->tx_frames + x->rx_frames >= y->tx_frames + y->rx_frames;
        }
        tmp[k++] = take_left && i < mid ? ix[i++] : ix[j++];
      }
    }
    memcpy(ix, tmp, t->n * sizeof *tmp);
    free(tmp);
  }
  return ix;
}

static const char *bar =
    "================================================================================\n";

static void table_print(const table *t, const char *filter, FILE *out) {
  int ports = t->type == T_TCP || t->type == T_UDP;
  fputs(bar, out);
  fprintf(out, "%s %s\n", types[t->type].title, t->endpoints ? "Endpoints" : "Conversations");
  fprintf(out, "Filter:%s\n", filter ? filter : "<No Filter>");
  size_t *ix = sorted(t);
  if (t->endpoints) {
    fputs(ports ? "                       |  Port  ||" : "                       |", out);
    fputs("  Packets  | |  Bytes  | | Tx Packets | | Tx Bytes | | Rx Packets | | Rx Bytes |\n",
          out);
  } else {
    const char *pad = ports ? "            " : "";
    fprintf(out,
            "%s                                               |       <-      | |       ->      | "
            "|     Total     |    Relative    |   Duration   |\n",
            pad);
    fprintf(out,
            "%s                                               | Frames  Bytes | | Frames  Bytes | "
            "| Frames  Bytes |      Start     |              |\n",
            pad);
  }
  for (size_t k = 0; ix && k < t->n; k++) {
    const conv *c = &t->items[ix[k]];
    char as[80], bs[80];
    st_addr_str(&c->a, as, sizeof as);
    st_addr_str(&c->b, bs, sizeof bs);
    if (t->endpoints) {
      if (ports)
        fprintf(out, "%-20s      %5" PRIu32 "     ", as, c->pa);
      else
        fprintf(out, "%-20s      ", as);
      fprintf(out,
              "%6" PRIu64 "     %9" PRIu64 "     %6" PRIu64 "       %9" PRIu64 "      %6" PRIu64
              "       %9" PRIu64 "   \n",
              c->tx_frames + c->rx_frames, c->tx_bytes + c->rx_bytes, c->tx_frames, c->tx_bytes,
              c->rx_frames, c->rx_bytes);
      continue;
    }
    char rx[32], tx[32], tot[32];
    fmt_size(c->rx_bytes, rx, sizeof rx);
    fmt_size(c->tx_bytes, tx, sizeof tx);
    fmt_size(c->rx_bytes + c->tx_bytes, tot, sizeof tot);
    if (ports) {
      char a[100], b[100];
      snprintf(a, sizeof a, "%s:%" PRIu32, as, c->pa);
      snprintf(b, sizeof b, "%s:%" PRIu32, bs, c->pb);
      fprintf(out, "%-26s <-> %-26s", a, b);
    } else {
      fprintf(out, "%-20s <-> %-20s", as, bs);
    }
    fprintf(out, "  %6" PRIu64 " %-9s  %6" PRIu64 " %-9s  %6" PRIu64 " %-9s  ", c->rx_frames, rx,
            c->tx_frames, tx, c->rx_frames + c->tx_frames, tot);
    fprintf(out, "%14.9f   %12.4f\n", c->start_ns / 1e9, (c->stop_ns - c->start_ns) / 1e9);
  }
  free(ix);
  fputs(bar, out);
}

/* ---- io,phs ---------------------------------------------------------- */

typedef struct phs_node {
  const char *name;
  uint64_t frames, bytes;
  struct phs_node *child, *sibling;
} phs_node;

static phs_node *phs_child(phs_node *parent, const char *name) {
  phs_node **pp = &parent->child;
  for (; *pp; pp = &(*pp)->sibling)
    if (strcmp((*pp)->name, name) == 0)
      return *pp;
  phs_node *n = calloc(1, sizeof *n);
  if (!n)
    return NULL;
  n->name = name; /* field names are static strings of the registry */
  *pp = n;
  return n;
}

/* The protocols of a packet as tshark's hierarchy sees them: the layers at
 * the top of the tree, in order (frame left out). tshark shows the
 * application layer of a packet quoted in an ICMP error at the top of its
 * tree too, so a protocol above the transport inside an ICMP layer counts
 * as the next layer. */
static int is_lower(const char *nm) {
  static const char *const lower[] = {"ip", "ipv6", "tcp", "udp", "icmp", "icmpv6", "data"};
  for (size_t i = 0; i < sizeof lower / sizeof lower[0]; i++)
    if (strcmp(nm, lower[i]) == 0)
      return 1;
  return 0;
}

static phs_node *phs_add(phs_node *at, const char *name, uint32_t bytes) {
  phs_node *c = phs_child(at, name);
  if (c)
    c->frames++, c->bytes += bytes;
  return c;
}

static void phs_nested(phs_node **at, const dx_node *n, uint32_t bytes, int depth) {
  for (const dx_node *c = dx_node_first_child(n); c && *at && depth < 16; c = dx_node_next(c)) {
    if (dx_field_type(dx_node_field(c)) == DX_FT_PROTOCOL && !is_lower(dx_node_name(c)))
      *at = phs_add(*at, dx_node_name(c), bytes);
    phs_nested(at, c, bytes, depth + 1);
  }
}

/* An HTTP/3 layer that only carries on a DATA frame's payload: tshark
 * reassembles the frame and has no HTTP/3 layer in these packets (as
 * frame.protocols). */
static bool phs_http3_data_only(const dx_node *n) {
  bool data = false;
  for (const dx_node *c = dx_node_first_child(n); c; c = dx_node_next(c)) {
    const char *cn = dx_node_name(c);
    if (cn && strcmp(cn, "http3.data") == 0)
      data = true;
    else if (!cn || strcmp(cn, "http3.stream_id") != 0)
      return false;
  }
  return data;
}

/* frame_root: the frame's layer is counted, at the root, as tshark counts
 * it when a field of the frame is referenced (a display filter, -e) or the
 * whole tree is built (-V): its item is real then, not faked. tree_order:
 * the tree is built, and tshark's hierarchy follows its order (the lists
 * of reassembled segments where -V shows them); otherwise the order in
 * which its dissectors added the layers (the lists after what they
 * carried). */
typedef struct phs_walk {
  phs_node *at;
  uint32_t bytes;
  int tree_order;
  /* tshark adds the list of reassembled TCP (or TLS) segments to the tree
   * after the protocols dissected from the reassembled bytes: it goes after
   * the run of layers that follow it in the data source they start in or a
   * later one (made while they were dissected), before the first layer of
   * an earlier source (the rest of the segment or record), the innermost
   * list first. */
  const dx_node *segments[4];
  unsigned from[4]; /* the data source of the first layer after it (UINT_MAX: none yet) */
  int nseg;
} phs_walk;

/* One layer at the top of the tree, in tshark's order. */
static void phs_layer(phs_walk *w, const dx_node *n, const char *nm) {
  if (!w->tree_order && (strcmp(nm, "tcp.segments") == 0 || strcmp(nm, "tls.segments") == 0) &&
      w->nseg < 4) {
    w->segments[w->nseg] = n;
    w->from[w->nseg++] = UINT_MAX;
    return;
  }
  unsigned src = dx_node_source(n);
  while (w->nseg && w->at && w->from[w->nseg - 1] != UINT_MAX && src < w->from[w->nseg - 1]) {
    w->nseg--;
    w->at = phs_add(w->at, dx_node_name(w->segments[w->nseg]), w->bytes);
  }
  if (!w->at)
    return;
  for (int k = 0; k < w->nseg; k++)
    if (w->from[k] == UINT_MAX)
      w->from[k] = src;
  w->at = phs_add(w->at, nm, w->bytes);
  if (w->at && (strcmp(nm, "icmp") == 0 || strcmp(nm, "icmpv6") == 0))
    phs_nested(&w->at, n, w->bytes, 0);
}

/* The layer of an HTTP/2 body sits in HTTP/2's tree (in its Stream item
 * when the body was content-encoded), where tshark's dissect_body_data
 * puts it: one level above the body's Data item. When tshark's tree is
 * faked, that Data item's parent (the Stream or the content-encoded item,
 * neither a protocol) is faked too and stands for its own parent, so the
 * body's layer lands at the top of the tree and io,phs counts it after
 * HTTP/2; not when the tree is built or http2.stream is referenced. */
static void phs_http2_bodies(phs_walk *w, const dx_node *h2) {
  for (const dx_node *c = dx_node_first_child(h2); c && w->at; c = dx_node_next(c)) {
    const char *cn = dx_node_name(c);
    if (!cn)
      continue;
    if (dx_field_type(dx_node_field(c)) == DX_FT_PROTOCOL)
      phs_layer(w, c, cn);
    else if (strcmp(cn, "http2.stream") == 0)
      for (const dx_node *g = dx_node_first_child(c); g && w->at; g = dx_node_next(g))
        if (dx_field_type(dx_node_field(g)) == DX_FT_PROTOCOL && dx_node_name(g))
          phs_layer(w, g, dx_node_name(g));
  }
}

static void phs_packet(phs_node *root, const dx_packet *p, int frame_root, int tree_order,
                       int h2_stream_ref) {
  phs_walk w = {.bytes = dx_packet_frame(p)->wirelen, .tree_order = tree_order};
  w.at = frame_root ? phs_add(root, "frame", w.bytes) : root;
  for (const dx_node *n = dx_node_first_child(dx_packet_root(p)); n && w.at; n = dx_node_next(n)) {
    const char *nm = dx_node_name(n);
    if (!nm || strcmp(nm, "frame") == 0 || (dx_node_flags(n) & DX_NODE_HIDDEN) ||
        (strcmp(nm, "http3") == 0 && phs_http3_data_only(n)))
      continue;
    phs_layer(&w, n, nm);
    if (!tree_order && !h2_stream_ref && strcmp(nm, "http2") == 0)
      phs_http2_bodies(&w, n);
  }
  while (w.nseg && w.at)
    w.at = phs_add(w.at, dx_node_name(w.segments[--w.nseg]), w.bytes);
}

static void phs_print_rec(const phs_node *n, int depth, FILE *out) {
  for (; n; n = n->sibling) {
    char name[128];
    snprintf(name, sizeof name, "%*s%s", 2 * depth, "", n->name);
    fprintf(out, "%-40s frames:%" PRIu64 " bytes:%" PRIu64 "\n", name, n->frames, n->bytes);
    phs_print_rec(n->child, depth + 1, out);
  }
}

static void phs_free(phs_node *n) {
  while (n) {
    phs_node *next = n->sibling;
    phs_free(n->child);
    free(n);
    n = next;
  }
}

/* ---- expert ---------------------------------------------------------- */

/* tshark's tap-expert: per severity, one row per protocol and message with
 * its count, in the order first met. Levels: 0 comment .. 4 error. The
 * notes of dissect's own (dx_node_expert_own: trust verdicts, limits, ...)
 * are rows apart, printed after tshark's table under a heading of their
 * own, so that tshark's part counts what tshark counts. */
enum { X_COMMENT, X_CHAT, X_NOTE, X_WARN, X_ERROR, X_LEVELS };
#define EXPERT_MAX_ROWS (1u << 20)

typedef struct xrow {
  bool own; /* dissect's own note */
  uint32_t group;
  const char *proto; /* static */
  char *summary;
  uint64_t freq;
} xrow;

typedef struct xtab {
  int lowest;
  xrow *rows[X_LEVELS];
  size_t n[X_LEVELS], cap[X_LEVELS], total;
  size_t *slots; /* index + 1 into the level's rows (level in the top bits) */
  size_t nslots;
  dx_hashkey key;
  const dx_field *f_group;
} xtab;

/* Wireshark's short name of the protocol a note belongs to. */
static const char *short_name(const char *name) {
  static const struct {
    const char *name, *shortname;
  } names[] = {
      {"frame", "Frame"},       {"eth", "Ethernet"},     {"ip", "IPv4"},     {"ipv6", "IPv6"},
      {"icmp", "ICMP"},         {"icmpv6", "ICMPv6"},    {"tcp", "TCP"},     {"udp", "UDP"},
      {"dns", "DNS"},           {"http", "HTTP"},        {"http2", "HTTP2"}, {"http3", "HTTP3"},
      {"tls", "TLS"},           {"x509af", "X509AF"},    {"quic", "QUIC"},   {"arp", "ARP"},
      {"sll", "SLL"},           {"vlan", "VLAN"},        {"data", "Data"},   {"ppp", "PPP"},
      {"llc", "LLC"},           {"wlan", "IEEE 802.11"}, {"null", "NULL"},   {"chdlc", "CHDLC"},
      {"pkt_comment", "Frame"}, {"mdns", "mDNS"},        {"llmnr", "LLMNR"}, {"ssdp", "SSDP"},
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(name, names[i].name) == 0)
      return names[i].shortname;
  return name;
}

static int x_level(int sev) {
  switch (sev) {
  case DX_SEV_CHAT: return X_CHAT;
  case DX_SEV_NOTE: return X_NOTE;
  case DX_SEV_WARN: return X_WARN;
  case DX_SEV_ERROR: return X_ERROR;
  default: return X_COMMENT;
  }
}

static void x_add(xtab *x, int level, bool own, uint32_t group, const char *proto,
                  const char *summary) {
  if (level < x->lowest)
    return;
  uint8_t buf[1024];
  size_t pl = strlen(proto), sl = strlen(summary);
  size_t k = 0;
  buf[k++] = (uint8_t)(level | (own ? 0x80 : 0));
  memcpy(buf + k, proto, pl < 64 ? pl : 64), k += pl < 64 ? pl : 64;
  buf[k++] = 0;
  memcpy(buf + k, summary, sl < 900 ? sl : 900), k += sl < 900 ? sl : 900;
  uint64_t h = dx_siphash13(&x->key, buf, k);
  if (x->nslots) {
    for (size_t i = h & (x->nslots - 1); x->slots[i]; i = (i + 1) & (x->nslots - 1)) {
      size_t v = x->slots[i] - 1;
      int lv = (int)(v % X_LEVELS);
      xrow *r = &x->rows[lv][v / X_LEVELS];
      if (lv == level && r->own == own && strcmp(r->proto, proto) == 0 &&
          strcmp(r->summary, summary) == 0) {
        r->freq++;
        return;
      }
    }
  }
  if (x->total >= EXPERT_MAX_ROWS)
    return;
  if (2 * (x->total + 1) > x->nslots) { /* grow the index */
    size_t ns = x->nslots ? 2 * x->nslots : 256;
    size_t *slots = calloc(ns, sizeof *slots);
    if (!slots)
      return;
    for (size_t i = 0; i < x->nslots; i++) {
      if (!x->slots[i])
        continue;
      size_t v = x->slots[i] - 1;
      const xrow *r = &x->rows[v % X_LEVELS][v / X_LEVELS];
      size_t rl = strlen(r->proto), rs = strlen(r->summary), j = 0;
      buf[j++] = (uint8_t)(v % X_LEVELS | (r->own ? 0x80 : 0));
      memcpy(buf + j, r->proto, rl < 64 ? rl : 64), j += rl < 64 ? rl : 64;
      buf[j++] = 0;
      memcpy(buf + j, r->summary, rs < 900 ? rs : 900), j += rs < 900 ? rs : 900;
      size_t t = dx_siphash13(&x->key, buf, j) & (ns - 1);
      while (slots[t])
        t = (t + 1) & (ns - 1);
      slots[t] = x->slots[i];
    }
    free(x->slots);
    x->slots = slots;
    x->nslots = ns;
  }
  if (x->n[level] == x->cap[level]) {
    size_t cap = x->cap[level] ? 2 * x->cap[level] : 16;
    xrow *r = realloc(x->rows[level], cap * sizeof *r);
    if (!r)
      return;
    x->rows[level] = r;
    x->cap[level] = cap;
  }
  char *copy = strdup(summary);
  if (!copy)
    return;
  x->rows[level][x->n[level]] = (xrow){own, group, proto, copy, 1};
  size_t v = x->n[level]++ * X_LEVELS + (size_t)level;
  size_t i = h & (x->nslots - 1);
  while (x->slots[i])
    i = (i + 1) & (x->nslots - 1);
  x->slots[i] = v + 1;
  x->total++;
}

static void x_walk(xtab *x, const dx_node *n, const char *proto, int depth) {
  for (const dx_node *c = dx_node_first_child(n); c && depth < 64; c = dx_node_next(c)) {
    const dx_field *f = dx_node_field(c);
    if (dx_field_type(f) == DX_FT_PROTOCOL) {
      x_walk(x, c, short_name(dx_node_name(c)), depth + 1);
      continue;
    }
    if (dx_node_flags(c) & DX_NODE_EXPERT) {
      char msg[1024] = "";
      uint32_t group = 0x09000000;
      dx_node_label(c, msg, sizeof msg); /* the message, escaped */
      for (const dx_node *k = dx_node_first_child(c); k; k = dx_node_next(k))
        if (dx_node_field(k) == x->f_group)
          group = (uint32_t)dx_node_uint(k);
      x_add(x, x_level(dx_node_severity(c)), dx_node_expert_own(c) != 0, group, proto, msg);
    }
    x_walk(x, c, proto, depth + 1);
  }
}

/* The rows of tshark's kind (own false) or dissect's own, by level; the
 * own levels' titles begin with "dissect " (a script that reads tshark's
 * "Warns (N)" never takes them for tshark's). */
static void x_print_part(const xtab *x, FILE *out, bool own) {
  static const char *const titles[] = {"Comments", "Chats", "Notes", "Warns", "Errors"};
  static const char *const groups[] = {
      "Checksum", "Sequence", "Response", "Request", "Undecoded",  "Reassemble", "Malformed",
      "Debug",    "Protocol", "Security", "Comment", "Decryption", "Assumption", "Deprecated"};
  for (int lv = X_ERROR; lv >= X_COMMENT; lv--) {
    uint64_t total = 0;
    for (size_t i = 0; i < x->n[lv]; i++)
      if (x->rows[lv][i].own == own)
        total += x->rows[lv][i].freq;
    if (!total)
      continue;
    fprintf(out, "\n%s%s (%" PRIu64 ")\n=============\n", own ? "dissect " : "", titles[lv], total);
    fputs("   Frequency      Group           Protocol  Summary\n", out);
    for (size_t i = 0; i < x->n[lv]; i++) {
      const xrow *r = &x->rows[lv][i];
      if (r->own != own)
        continue;
      uint32_t g = r->group >> 24;
      char unk[32];
      const char *gn = g >= 1 && g <= 14 ? groups[g - 1] : unk;
      if (gn == unk)
        snprintf(unk, sizeof unk, "Unknown (%" PRIu32 ")", r->group);
      fprintf(out, "%12" PRIu64 " %10s %18s  %s\n", r->freq, gn, r->proto, r->summary);
    }
  }
}

static void x_print(const xtab *x, FILE *out) {
  x_print_part(x, out, false);
  bool any = false;
  for (int lv = 0; lv < X_LEVELS && !any; lv++)
    for (size_t i = 0; i < x->n[lv] && !any; i++)
      any = x->rows[lv][i].own;
  if (!any)
    return;
  fputs("\n==================================================================\n"
        "dissect's own expert notes: not in tshark 4.0, not counted above\n"
        "==================================================================\n",
        out);
  x_print_part(x, out, true);
}

static void x_free(xtab *x) {
  for (int lv = 0; lv < X_LEVELS; lv++) {
    for (size_t i = 0; i < x->n[lv]; i++)
      free(x->rows[lv][i].summary);
    free(x->rows[lv]);
  }
  free(x->slots);
}

/* ---- the list of statistics ---------------------------------------------- */

enum kind { K_TABLE, K_PHS, K_IOSTAT, K_FOLLOW, K_EXPERT, K_TREE, K_TAP };

typedef struct stat {
  enum kind kind;
  char *filter_text;
  dx_filter *filter;
  table tab;
  phs_node phs;
  st_iostat *io;
  st_follow *follow;
  xtab expert;
  st_tree *tree;
  st_tap *tap;
} stat;

struct cli_stats {
  dx_session *s;
  int frame_ref;     /* a frame field is referenced (or the tree is whole): io,phs counts "frame" */
  int tree_order;    /* the tree is built (-V, -T, -O): io,phs follows its order */
  int h2_stream_ref; /* http2.stream is referenced: its items are real (phs_http2_bodies) */
  stat *items;
  size_t n;
  int have_first;
  int64_t first_sec;
  uint32_t first_nsec;
};

static int compile(cli_stats *st, stat *it, const char *text) {
  dx_filter_error err;
  memset(&err, 0, sizeof err);
  if (dx_filter_compile(st->s, text, &it->filter, &err) != DX_OK) {
    char msg[2048];
    dx_filter_error_format(text, &err, msg, sizeof msg);
    fprintf(stderr, "dissect: -z: invalid filter:\n%s\n", msg);
    return -1;
  }
  it->filter_text = strdup(text);
  return it->filter_text ? 0 : -1;
}

static const char *not_yet = "the other tshark statistics";

static void list_known(void) {
  fprintf(stderr,
          "Statistics dissect knows (-z):\n"
          "  conv,eth|ip|ipv6|tcp|udp[,FILTER]\n"
          "  endpoints,eth|ip|ipv6|tcp|udp[,FILTER]\n"
          "  io,phs[,FILTER]\n"
          "  io,stat,INTERVAL[,FILTER[,FILTER...]]\n"
          "  follow,tcp|udp|tls|http,ascii|hex|raw,STREAM|ADDR:PORT,ADDR:PORT[,N|N-M]\n"
          "  expert[,error|warn|note|chat|comment][,FILTER]\n"
          "  http,tree[,FILTER]  http_req,tree[,FILTER]  http_srv,tree[,FILTER]\n"
          "  dns,tree[,FILTER]\n"
          "  ptype,tree  ip_hosts,tree  ip_srcdst,tree  dests,tree[,FILTER]\n"
          "  ipv6_ptype,tree  ipv6_hosts,tree  ipv6_srcdst,tree  ipv6_dests,tree[,FILTER]\n"
          "  plen,tree[,FILTER]  http_seq,tree[,FILTER]\n"
          "  http,stat[,FILTER]  hosts[,ip|ipv4|ipv6]  icmp,srt[,FILTER]  icmpv6,srt[,FILTER]\n"
          "Not yet: %s.\n",
          not_yet);
}

/* The stats_tree statistics: NAME,tree[,FILTER] -> ST_TREE_*, or -1. */
static int tree_kind(const char *arg) {
  static const struct {
    const char *name;
    int kind;
  } trees[] = {
      {"http", ST_TREE_HTTP},         {"http_req", ST_TREE_HTTP_REQ},
      {"dns", ST_TREE_DNS},           {"ptype", ST_TREE_PTYPE},
      {"ip_hosts", ST_TREE_HOSTS},    {"ip_srcdst", ST_TREE_SRCDST},
      {"dests", ST_TREE_DESTS},       {"ipv6_ptype", ST_TREE_PTYPE6},
      {"ipv6_hosts", ST_TREE_HOSTS6}, {"ipv6_srcdst", ST_TREE_SRCDST6},
      {"ipv6_dests", ST_TREE_DESTS6}, {"plen", ST_TREE_PLEN},
      {"http_srv", ST_TREE_HTTP_SRV}, {"http_seq", ST_TREE_HTTP_SEQ},
  };
  const char *tr = strstr(arg, ",tree");
  if (!tr || (tr[5] && tr[5] != ','))
    return -1;
  for (size_t i = 0; i < sizeof trees / sizeof trees[0]; i++)
    if (strlen(trees[i].name) == (size_t)(tr - arg) &&
        strncmp(arg, trees[i].name, (size_t)(tr - arg)) == 0)
      return trees[i].kind;
  return -1;
}

static int parse_one(cli_stats *st, stat *it, const char *arg) {
  memset(it, 0, sizeof *it);
  const char *rest = NULL;
  int rc;
  if (strncmp(arg, "conv,", 5) == 0 || strncmp(arg, "endpoints,", 10) == 0) {
    it->kind = K_TABLE;
    it->tab.endpoints = arg[0] == 'e';
    const char *ty = strchr(arg, ',') + 1;
    size_t tl = strcspn(ty, ",");
    it->tab.type = -1;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
      if (strlen(types[i].arg) == tl && strncmp(ty, types[i].arg, tl) == 0)
        it->tab.type = (int)i;
    if (it->tab.type < 0) {
      fprintf(stderr, "dissect: -z %s: unknown table type (use eth, ip, ipv6, tcp or udp)\n", arg);
      return -1;
    }
    table *t = &it->tab;
    int ty_i = t->type;
    if (ty_i == T_TCP || ty_i == T_UDP) {
      t->sport = dx_field_lookup(st->s, types[ty_i].sport);
      t->dport = dx_field_lookup(st->s, types[ty_i].dport);
      t->src = dx_field_lookup(st->s, "ip.src");
      t->dst = dx_field_lookup(st->s, "ip.dst");
      t->src6 = dx_field_lookup(st->s, "ipv6.src");
      t->dst6 = dx_field_lookup(st->s, "ipv6.dst");
      t->stream = dx_field_lookup(st->s, "tcp.stream");
    } else {
      t->src = dx_field_lookup(st->s, types[ty_i].src);
      t->dst = dx_field_lookup(st->s, types[ty_i].dst);
      t->frag = dx_field_lookup(st->s, "ipv6.fraghdr");
    }
    dx_hashkey_random(&t->key);
    if (ty[tl] == ',')
      rest = ty + tl + 1;
  } else if (strcmp(arg, "io,phs") == 0 || strncmp(arg, "io,phs,", 7) == 0) {
    it->kind = K_PHS;
    if (arg[6] == ',')
      rest = arg + 7;
  } else if (strncmp(arg, "io,stat,", 8) == 0) {
    it->kind = K_IOSTAT;
    return st_iostat_new(st->s, arg + 8, &it->io);
  } else if (strcmp(arg, "expert") == 0 || strncmp(arg, "expert,", 7) == 0) {
    /* expert[,error|warn|note|chat|comment][,FILTER], matched as tshark
     * matches them: by prefix */
    static const char *const levels[] = {"comment", "chat", "note", "warn", "error"};
    it->kind = K_EXPERT;
    it->expert.lowest = X_COMMENT;
    rest = arg + 6;
    for (int lv = 0; lv < X_LEVELS; lv++) {
      size_t ll = strlen(levels[lv]);
      if (strncmp(arg + 6, ",", 1) == 0 && strncmp(arg + 7, levels[lv], ll) == 0) {
        it->expert.lowest = lv;
        rest = arg + 7 + ll;
        break;
      }
    }
    if (*rest == ',')
      rest++;
    it->expert.f_group = dx_field_lookup(st->s, "_ws.expert.group");
    dx_hashkey_random(&it->expert.key);
  } else if (tree_kind(arg) >= 0) {
    int kind = tree_kind(arg);
    rest = strstr(arg, ",tree") + 5;
    if (*rest && *rest != ',') {
      fprintf(stderr, "dissect: -z %s: unknown or not yet built statistic\n", arg);
      list_known();
      return -1;
    }
    if (*rest == ',')
      rest++;
    it->kind = K_TREE;
    if (st_tree_new(st->s, kind, &it->tree) != 0) {
      fprintf(stderr, "dissect: -z %s: out of memory\n", arg);
      return -1;
    }
  } else if (strncmp(arg, "follow,", 7) == 0) {
    it->kind = K_FOLLOW;
    return st_follow_new(st->s, arg + 7, &it->follow);
  } else if ((rc = st_tap_new(st->s, arg, &it->tap, &rest)) <= 0) {
    if (rc < 0)
      return -1;
    it->kind = K_TAP;
    if (rest && !*rest && !(it->filter_text = strdup("")))
      return -1;
  } else {
    /* tshark 4.0's statistics on protocols dissect has, not built here */
    static const char *const tshark_has[] = {
        "http2,tree", "flow,",  "dhcp,stat",     "credentials", "conv,",    "endpoints,",
        "follow,",    "dns_qr", "proto,colinfo", "rtp,streams", "sip,stat", "smb,srt"};
    const char *known = NULL;
    for (size_t i = 0; i < sizeof tshark_has / sizeof tshark_has[0] && !known; i++)
      if (strncmp(arg, tshark_has[i], strlen(tshark_has[i])) == 0)
        known = tshark_has[i];
    if (known)
      fprintf(stderr, "dissect: -z %s: tshark's statistic %s is not built in dissect yet\n", arg,
              known);
    else
      fprintf(stderr, "dissect: -z %s: unknown or not yet built statistic\n", arg);
    list_known();
    return -1;
  }
  if (rest && *rest && compile(st, it, rest) != 0)
    return -1;
  return 0;
}

cli_stats *cli_stats_new(dx_session *s, const char *const *args, size_t n) {
  cli_stats *st = calloc(1, sizeof *st);
  if (!st)
    return NULL;
  st->s = s;
  st->items = calloc(n ? n : 1, sizeof *st->items);
  if (!st->items) {
    free(st);
    return NULL;
  }
  for (size_t i = 0; i < n; i++) {
    if (parse_one(st, &st->items[i], args[i]) != 0) {
      st->n = i + 1;
      cli_stats_free(st);
      return NULL;
    }
    st->n = i + 1;
  }
  /* the fields the -z filters name, for io,stat's calculations */
  const dx_field *named[1024];
  size_t nn = 0;
  for (size_t i = 0; i < n; i++) {
    stat *it = &st->items[i];
    if (it->filter && nn < 1024) {
      size_t m = dx_filter_fields(it->filter, named + nn, 1024 - nn);
      nn += m < 1024 - nn ? m : 1024 - nn;
    }
    if (it->kind == K_IOSTAT && nn < 1024)
      nn += st_iostat_filter_fields(it->io, named + nn, 1024 - nn);
  }
  for (size_t i = 0; i < n; i++)
    if (st->items[i].kind == K_IOSTAT)
      st_iostat_prime(st->items[i].io, named, nn);
  cli_stats_frame_fields(st, named, nn);
  return st;
}

void cli_stats_frame_fields(cli_stats *st, const dx_field *const *fields, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const char *nm = fields[i] ? dx_field_name(fields[i]) : NULL;
    if (nm && (strcmp(nm, "frame") == 0 || strncmp(nm, "frame.", 6) == 0))
      st->frame_ref = 1;
    if (nm && strcmp(nm, "http2.stream") == 0)
      st->h2_stream_ref = 1;
  }
}

void cli_stats_frame_tree(cli_stats *st) {
  st->frame_ref = 1;
  st->tree_order = 1;
}

void cli_stats_set_source(cli_stats *st, const char *name, int no_names) {
  for (size_t i = 0; i < st->n; i++)
    if (st->items[i].kind == K_TAP)
      st_tap_set_source(st->items[i].tap, name, no_names);
}

int cli_stats_set_time_format(cli_stats *st, dx_time_format fmt) {
  for (size_t i = 0; i < st->n; i++)
    if (st->items[i].kind == K_IOSTAT && st_iostat_set_time_format(st->items[i].io, fmt) != 0)
      return -1;
  return 0;
}

void cli_stats_packet(cli_stats *st, const dx_packet *p) {
  const dx_frame *f = dx_packet_frame(p);
  if (!st->have_first) {
    st->have_first = 1;
    st->first_sec = f->ts_sec;
    st->first_nsec = f->ts_nsec;
  }
  int64_t rel_ns =
      (f->ts_sec - st->first_sec) * 1000000000 + ((int64_t)f->ts_nsec - st->first_nsec);
  for (size_t i = 0; i < st->n; i++) {
    stat *it = &st->items[i];
    if (it->filter && !dx_filter_match(it->filter, p))
      continue;
    switch (it->kind) {
    case K_TABLE: table_packet(&it->tab, p, rel_ns); break;
    case K_PHS: phs_packet(&it->phs, p, st->frame_ref, st->tree_order, st->h2_stream_ref); break;
    case K_IOSTAT: st_iostat_packet(it->io, p, rel_ns); break;
    case K_FOLLOW: st_follow_packet(it->follow, p); break;
    case K_EXPERT: x_walk(&it->expert, dx_packet_root(p), "Frame", 0); break;
    case K_TREE: st_tree_packet(it->tree, p, rel_ns); break;
    case K_TAP: st_tap_packet(it->tap, p); break;
    }
  }
}

int cli_stats_print(cli_stats *st, FILE *out) {
  int rc = 0;
  /* tshark prints the statistics in the reverse order of its -z options */
  for (size_t i = st->n; i-- > 0;) {
    stat *it = &st->items[i];
    switch (it->kind) {
    case K_TABLE: table_print(&it->tab, it->filter_text, out); break;
    case K_PHS:
      fputs("\n===================================================================\n", out);
      fputs("Protocol Hierarchy Statistics\n", out);
      fprintf(out, "Filter: %s\n\n", it->filter_text ? it->filter_text : "");
      phs_print_rec(it->phs.child, 0, out);
      fputs("===================================================================\n", out);
      break;
    case K_IOSTAT:
      if (st_iostat_print(it->io, out) != 0)
        rc = -1;
      break;
    case K_FOLLOW: st_follow_print(it->follow, out); break;
    case K_EXPERT: x_print(&it->expert, out); break;
    case K_TREE: st_tree_print(it->tree, out); break;
    case K_TAP: st_tap_print(it->tap, it->filter_text, out); break;
    }
  }
  return rc;
}

void cli_stats_free(cli_stats *st) {
  if (!st)
    return;
  for (size_t i = 0; i < st->n; i++) {
    stat *it = &st->items[i];
    free(it->tab.items);
    free(it->tab.slots);
    phs_free(it->phs.child);
    dx_filter_free(it->filter);
    free(it->filter_text);
    st_iostat_free(it->io);
    st_follow_free(it->follow);
    x_free(&it->expert);
    st_tree_free(it->tree);
    st_tap_free(it->tap);
  }
  free(st->items);
  free(st);
}
