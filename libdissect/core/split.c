/* Splitting one capture over several sessions (dx_split_*, dissect.h).
 *
 * A frame goes to the part of the state it reads and changes: a TCP, UDP,
 * SCTP or DCCP datagram to its connection's (both directions alike), an IP
 * fragment to its datagram's (the first fragment's connection when it is
 * seen first), an ICMP error to the connection of the packet it quotes, an
 * echo request and its reply to their identifier's, anything else of IP to
 * its address pair's and protocol's, a datagram to or from UDP port 443
 * (QUIC) to that of its hosts and the server's port; every tunnel (IP in
 * IP, GRE, UDP tunnel ports) and a frame that is not IP (ARP, 802.11
 * management, a link type read no further) to part 0. An FTP control
 * connection announces data connections between the same hosts on ports
 * nobody can guess, so the connections opened between two hosts after FTP
 * was seen between them go with the hosts' pair, as the control connection
 * does (FTP on ports 20 and 21; decode-as rules that make FTP of other
 * ports are the program's to refuse).
 *
 * Each session that shares the work runs its own splitter over every
 * frame: the splitters hold the same key and see the same frames, so they
 * agree without talking. What they remember is bounded, O(1) a frame and
 * hashed with the shared random key, and never changes the part of a
 * frame whose state a session holds:
 *   - the FTP hosts: a fixed table; a pair forgotten only means the data
 *     connections opened after go on their own (each wholly);
 *   - the connections routed with their FTP hosts: a table that is never
 *     emptied; when it is full (49,152, made at the first FTP frame), new
 *     data connections go on their own, wholly too;
 *   - the datagrams being fragmented: the last 16,384, oldest forgotten
 *     first; a fragment of a datagram forgotten then is one no session
 *     would still reassemble (at most 1,024 wait in one: dx_config), and a
 *     fragment left alone is dissected without its connection's state.
 */
#include <dissect/dissect.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "siphash.h"

#define FRAG_RING 16384u  /* datagrams remembered, a power of two */
#define HOST_SLOTS 1024u  /* FTP host pairs, direct-mapped */
#define CONN_SLOTS 65536u /* connections routed with their FTP hosts */
#define CONN_MAX (CONN_SLOTS / 4 * 3)

/* What a frame's route is computed from: both ends of a conversation in a
 * canonical order, so that both directions hash alike. */
typedef struct route_key {
  uint8_t kind; /* K_* */
  uint8_t family;
  uint8_t proto;
  uint8_t pad;
  uint32_t extra; /* an echo's identifier, a fragment's datagram id */
  uint16_t port[2];
  uint8_t addr[2][16];
} route_key;

enum { K_PAIR = 1, K_CONN, K_ECHO, K_FRAG };

typedef struct memo_slot {
  bool used;
  route_key key;
} memo_slot;

/* A datagram's part, in the ring of the last FRAG_RING (chained by hash). */
typedef struct frag_slot {
  bool used;
  uint32_t part;
  uint32_t next; /* the next slot of its bucket, or NONE */
  uint32_t bucket;
  route_key key;
} frag_slot;
#define NONE UINT32_MAX

struct dx_split {
  unsigned nparts;
  unsigned flags; /* DX_SPLIT_* */
  dx_hashkey key;
  frag_slot *frags;     /* the ring */
  uint32_t *frag_heads; /* bucket -> first slot, or NONE */
  uint32_t frag_at;     /* the ring's next slot */
  memo_slot *hosts;     /* pairs (K_PAIR, proto 6) where FTP was seen */
  size_t nhosts;        /* hosts ever remembered (none: no FTP seen) */
  memo_slot *conns;     /* connections (K_CONN) routed with their hosts */
  size_t nconns;
};

/* A parsed IP packet: where its transport header starts and what the
 * route needs. */
typedef struct ip_view {
  uint8_t family; /* 4 or 6 */
  uint8_t proto;
  const uint8_t *src, *dst;
  size_t alen;
  const uint8_t *l4; /* the transport header, l4len bytes */
  size_t l4len;
  bool fragment; /* one fragment of a datagram */
  bool first_fragment;
  uint32_t frag_id;
} ip_view;

static uint16_t be16(const uint8_t *b) {
  return (uint16_t)(b[0] << 8 | b[1]);
}
static uint32_t be32(const uint8_t *b) {
  return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static bool parse_ip(const uint8_t *b, size_t n, ip_view *v) {
  memset(v, 0, sizeof *v);
  if (n < 1)
    return false;
  if (b[0] >> 4 == 4) {
    size_t ihl = (size_t)(b[0] & 15) * 4;
    if (n < 20 || ihl < 20 || ihl > n)
      return false;
    size_t tot = be16(b + 2);
    if (tot >= ihl && tot < n)
      n = tot; /* Ethernet padding is not the transport's */
    v->family = 4;
    v->proto = b[9];
    v->src = b + 12;
    v->dst = b + 16;
    v->alen = 4;
    uint16_t fo = be16(b + 6);
    v->fragment = (fo & 0x3fff) != 0;
    v->first_fragment = (fo & 0x1fff) == 0;
    v->frag_id = be16(b + 4);
    v->l4 = b + ihl;
    v->l4len = n - ihl;
    return true;
  }
  if (b[0] >> 4 != 6 || n < 40)
    return false;
  v->family = 6;
  v->src = b + 8;
  v->dst = b + 24;
  v->alen = 16;
  size_t plen = be16(b + 4);
  if (plen && plen + 40 < n)
    n = plen + 40;
  uint8_t nh = b[6];
  size_t off = 40;
  /* the extension headers, a bounded few */
  for (int i = 0; i < 8; i++) {
    if (nh == 0 || nh == 43 || nh == 60) {
      if (off + 2 > n)
        break;
      size_t len = ((size_t)b[off + 1] + 1) * 8;
      nh = b[off];
      off += len;
    } else if (nh == 51) { /* AH */
      if (off + 2 > n)
        break;
      size_t len = ((size_t)b[off + 1] + 2) * 4;
      nh = b[off];
      off += len;
    } else if (nh == 44) { /* fragment */
      if (off + 8 > n)
        break;
      uint16_t fo = be16(b + off + 2);
      v->fragment = (fo & 0xfff9) != 0;
      v->first_fragment = (fo & 0xfff8) == 0;
      v->frag_id = be32(b + off + 4);
      nh = b[off];
      off += 8;
    } else {
      break;
    }
    if (off > n)
      break;
  }
  v->proto = nh;
  if (off <= n) {
    v->l4 = b + off;
    v->l4len = n - off;
  }
  return true;
}

/* Where the network layer starts in a frame of the link types sessions
 * take apart to IP; NULL for the others. */
static const uint8_t *network(const dx_frame *f, size_t *len) {
  const uint8_t *b = f->data;
  size_t n = f->caplen, off = 0;
  uint16_t type = 0;
  if (!b)
    return NULL;
  switch (f->linktype) {
  case 1: /* Ethernet, VLAN tags, PPPoE session, MPLS */
    if (n < 14)
      return NULL;
    off = 12;
    type = be16(b + off);
    for (int i = 0; i < 6; i++) {
      if (type == 0x8100 || type == 0x88a8 || type == 0x9100)
        off += 4; /* a VLAN tag */
      else if (type == 0x8903)
        off += 16; /* Cisco FabricPath: its tag, then the inner Ethernet header */
      else
        break;
      if (off + 2 > n)
        return NULL;
      type = be16(b + off);
    }
    off += 2;
    if (type == 0x8864) { /* PPPoE session: 6 bytes, then PPP's protocol */
      if (off + 8 > n)
        return NULL;
      uint16_t pp = be16(b + off + 6);
      off += 8;
      type = pp == 0x0021 ? 0x0800 : pp == 0x0057 ? 0x86dd : 0;
    } else if (type == 0x8847) { /* MPLS: labels to the bottom one */
      for (int i = 0; i < 8; i++) {
        if (off + 4 > n)
          return NULL;
        bool bottom = b[off + 2] & 1;
        off += 4;
        if (bottom)
          break;
      }
      type = 0x0800; /* the version nibble decides below */
    }
    if (type != 0x0800 && type != 0x86dd)
      return NULL;
    break;
  case 113: /* Linux cooked v1 */
    if (n < 16)
      return NULL;
    type = be16(b + 14);
    off = 16;
    if (type != 0x0800 && type != 0x86dd)
      return NULL;
    break;
  case 276: /* Linux cooked v2 */
    if (n < 20)
      return NULL;
    type = be16(b);
    off = 20;
    if (type != 0x0800 && type != 0x86dd)
      return NULL;
    break;
  case 0: /* BSD loopback, family in host order */
  case 108: /* OpenBSD loopback, in network order */ off = 4; break;
  case 12:
  case 14:
  case 101:
  case 228:
  case 229: off = 0; break;
  default: return NULL;
  }
  if (off >= n)
    return NULL;
  *len = n - off;
  return b + off;
}

/* Both ends in canonical order (the smaller address, then port, first). */
static void set_ends(route_key *k, const ip_view *v, uint16_t sport, uint16_t dport) {
  int c = memcmp(v->src, v->dst, v->alen);
  bool swap = c > 0 || (c == 0 && sport > dport);
  memcpy(k->addr[swap], v->src, v->alen);
  memcpy(k->addr[!swap], v->dst, v->alen);
  k->port[swap] = sport;
  k->port[!swap] = dport;
  k->family = v->family;
}

static uint64_t key_hash(const dx_split *sp, const route_key *k) {
  return dx_siphash13(&sp->key, k, sizeof *k);
}

static unsigned part_of(const dx_split *sp, const route_key *k) {
  return (unsigned)(key_hash(sp, k) % sp->nparts);
}

/* The direct-mapped host pairs. */
static bool host_known(const dx_split *sp, const route_key *k) {
  const memo_slot *m = &sp->hosts[key_hash(sp, k) & (HOST_SLOTS - 1)];
  return m->used && memcmp(&m->key, k, sizeof *k) == 0;
}

static void host_put(dx_split *sp, const route_key *k) {
  memo_slot *m = &sp->hosts[key_hash(sp, k) & (HOST_SLOTS - 1)];
  m->used = true;
  m->key = *k;
  sp->nhosts++;
}

/* The connections routed with their hosts: open addressing, never emptied,
 * so a connection is in it for its whole life or never. */
static bool conn_known(const dx_split *sp, const route_key *k) {
  if (!sp->conns)
    return false;
  for (size_t i = key_hash(sp, k) & (CONN_SLOTS - 1); sp->conns[i].used;
       i = (i + 1) & (CONN_SLOTS - 1))
    if (memcmp(&sp->conns[i].key, k, sizeof *k) == 0)
      return true;
  return false;
}

static bool conn_put(dx_split *sp, const route_key *k) {
  if (!sp->conns && !(sp->conns = calloc(CONN_SLOTS, sizeof *sp->conns)))
    return false;
  if (sp->nconns >= CONN_MAX)
    return false;
  size_t i = key_hash(sp, k) & (CONN_SLOTS - 1);
  while (sp->conns[i].used)
    i = (i + 1) & (CONN_SLOTS - 1);
  sp->conns[i].used = true;
  sp->conns[i].key = *k;
  sp->nconns++;
  return true;
}

/* The datagrams' ring. */
static frag_slot *frag_find(const dx_split *sp, const route_key *k) {
  uint32_t b = (uint32_t)(key_hash(sp, k) & (FRAG_RING - 1));
  for (uint32_t i = sp->frag_heads[b]; i != NONE; i = sp->frags[i].next)
    if (memcmp(&sp->frags[i].key, k, sizeof *k) == 0)
      return &sp->frags[i];
  return NULL;
}

static void frag_put(dx_split *sp, const route_key *k, uint32_t part) {
  uint32_t at = sp->frag_at;
  sp->frag_at = (at + 1) & (FRAG_RING - 1);
  frag_slot *f = &sp->frags[at];
  if (f->used) { /* the oldest goes: out of its bucket's chain */
    uint32_t *pp = &sp->frag_heads[f->bucket];
    while (*pp != at)
      pp = &sp->frags[*pp].next;
    *pp = f->next;
  }
  uint32_t b = (uint32_t)(key_hash(sp, k) & (FRAG_RING - 1));
  f->used = true;
  f->part = part;
  f->key = *k;
  f->bucket = b;
  f->next = sp->frag_heads[b];
  sp->frag_heads[b] = at;
}

static void pair_key(route_key *k, const ip_view *v, uint8_t proto) {
  memset(k, 0, sizeof *k);
  k->kind = K_PAIR;
  k->proto = proto;
  set_ends(k, v, 0, 0);
}

static bool has_ports(uint8_t proto) {
  return proto == 6 || proto == 17 || proto == 132 || proto == 136 || proto == 33;
}

/* UDP ports of tunnels that carry IP or Ethernet: Geneve, GTP-U,
 * MPLS over UDP, Teredo, CAPWAP, L2TP, VXLAN (and its GPE), LISP. */
static bool tunnel_port(uint16_t port) {
  switch (port) {
  case 6081:
  case 2152:
  case 6635:
  case 3544:
  case 5246:
  case 5247:
  case 1701:
  case 4789:
  case 4790:
  case 8472:
  case 4341: return true;
  default: return false;
  }
}

/* Tunnels (IP in IP, GRE, and UDP on the ports above) go to one part,
 * whatever their outer and inner addresses: a tunnel's own state (its
 * outer UDP flow) spans its inner connections, and an inner connection may
 * come through several tunnels (both directions of a UDP tunnel leave
 * from different ports; 6in6 traffic between other endpoints), so no
 * route by either would keep every state whole. A capture made of tunnels
 * is then dissected in one part. */
#define TUNNEL_PART 0u

static bool tunnel_proto(uint8_t proto) {
  return proto == 4 || proto == 41 || proto == 47;
}

/* The route of an IP packet's transport (not a fragment): quoted is set
 * for the packet inside an ICMP error (read, never remembered). */
static unsigned route_l4(dx_split *sp, const ip_view *v, bool quoted, int depth) {
  route_key k;
  memset(&k, 0, sizeof k);
  if (has_ports(v->proto) && v->l4 && v->l4len >= 4) {
    uint16_t sport = be16(v->l4), dport = be16(v->l4 + 2);
    k.kind = K_CONN;
    k.proto = v->proto;
    set_ends(&k, v, sport, dport);
    if (v->proto == 17 && (tunnel_port(sport) || tunnel_port(dport)))
      return TUNNEL_PART;
    if (v->proto == 17 && (sport == 443) != (dport == 443)) {
      /* QUIC: a connection moves to another client port (NAT rebinding,
       * RFC 9000 9) and is still the same one: with its hosts and the
       * server's port */
      k.port[0] = k.port[0] == 443 ? 443 : 0;
      k.port[1] = k.port[1] == 443 ? 443 : 0;
    }
    if (v->proto != 6)
      return part_of(sp, &k);
    /* FTP: the control connection and the data connections it announces
     * (those opened between its hosts after it) go with the hosts */
    if (sp->flags & DX_SPLIT_TLS_RESUMPTION) {
      /* the connections from one host to a port of another together: the
       * server's port is taken to be the lower one */
      if (k.port[0] > k.port[1])
        k.port[0] = 0;
      else if (k.port[1] > k.port[0])
        k.port[1] = 0;
    }
    bool ftp = sport == 20 || sport == 21 || dport == 20 || dport == 21;
    if (!ftp && !sp->nhosts)
      return part_of(sp, &k);
    route_key hk;
    pair_key(&hk, v, 6);
    if (ftp) {
      if (!quoted && !host_known(sp, &hk))
        host_put(sp, &hk);
      return part_of(sp, &hk);
    }
    if (conn_known(sp, &k))
      return part_of(sp, &hk);
    /* a connection's first SYN between FTP hosts: one of its data
     * connections, maybe (a SYN again, or one left out of a full table,
     * goes on its own as its connection's other frames) */
    bool syn = v->l4len >= 14 && (v->l4[13] & 0x12) == 0x02;
    if (syn && !quoted && host_known(sp, &hk) && conn_put(sp, &k))
      return part_of(sp, &hk);
    return part_of(sp, &k);
  }
  bool icmp = (v->family == 4 && v->proto == 1) || (v->family == 6 && v->proto == 58);
  if (icmp && v->l4 && v->l4len >= 8) {
    uint8_t type = v->l4[0];
    bool error = v->family == 4 ? (type == 3 || type == 4 || type == 5 || type == 11 || type == 12)
                                : (type >= 1 && type <= 4);
    bool echo = v->family == 4 ? (type == 0 || type == 8) : (type == 128 || type == 129);
    ip_view in;
    if (error && depth == 0 && parse_ip(v->l4 + 8, v->l4len - 8, &in) && in.family == v->family) {
      if (!in.fragment || in.first_fragment)
        return route_l4(sp, &in, true, depth + 1);
      route_key fk;
      pair_key(&fk, &in, in.proto);
      return part_of(sp, &fk);
    }
    if (echo) {
      k.kind = K_ECHO;
      k.proto = v->proto;
      k.extra = be16(v->l4 + 4);
      set_ends(&k, v, 0, 0);
      return part_of(sp, &k);
    }
  }
  if (tunnel_proto(v->proto))
    return TUNNEL_PART;
  pair_key(&k, v, v->proto);
  return part_of(sp, &k);
}

int dx_split_new(dx_split **out, unsigned nparts, unsigned flags, const dx_split *like) {
  if (!out || nparts == 0 || (flags & ~DX_SPLIT_TLS_RESUMPTION))
    return DX_EINVAL;
  *out = NULL;
  dx_split *sp = calloc(1, sizeof *sp);
  if (!sp)
    return DX_ENOMEM;
  sp->nparts = nparts;
  sp->flags = flags;
  if (like)
    sp->key = like->key;
  else
    dx_hashkey_random(&sp->key);
  sp->frags = calloc(FRAG_RING, sizeof *sp->frags);
  sp->frag_heads = malloc(FRAG_RING * sizeof *sp->frag_heads);
  sp->hosts = calloc(HOST_SLOTS, sizeof *sp->hosts);
  if (!sp->frags || !sp->frag_heads || !sp->hosts) {
    dx_split_free(sp);
    return DX_ENOMEM;
  }
  for (uint32_t i = 0; i < FRAG_RING; i++)
    sp->frag_heads[i] = NONE;
  *out = sp;
  return DX_OK;
}

void dx_split_free(dx_split *sp) {
  if (!sp)
    return;
  free(sp->frags);
  free(sp->frag_heads);
  free(sp->hosts);
  free(sp->conns);
  free(sp);
}

unsigned dx_split_part(dx_split *sp, const dx_frame *f) {
  if (!sp || !f || sp->nparts < 2)
    return 0;
  size_t n = 0;
  const uint8_t *b = network(f, &n);
  ip_view v;
  if (!b || !parse_ip(b, n, &v))
    return 0;
  if (!v.fragment)
    return route_l4(sp, &v, false, 0);
  if (tunnel_proto(v.proto))
    return TUNNEL_PART;
  /* a fragment: with its datagram, which goes where its first fragment's
   * connection goes when that comes first */
  route_key k;
  memset(&k, 0, sizeof k);
  k.kind = K_FRAG;
  k.proto = v.proto;
  k.extra = v.frag_id;
  memcpy(k.addr[0], v.src, v.alen); /* a datagram has one direction */
  memcpy(k.addr[1], v.dst, v.alen);
  k.family = v.family;
  frag_slot *m = frag_find(sp, &k);
  if (m)
    return m->part;
  unsigned part;
  if (v.first_fragment && v.l4) {
    part = route_l4(sp, &v, false, 0);
  } else {
    route_key pk;
    pair_key(&pk, &v, v.proto);
    part = part_of(sp, &pk);
  }
  frag_put(sp, &k, part);
  return part;
}
