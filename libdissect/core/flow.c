/* The flow table: TCP and UDP conversations keyed by their 5-tuple in
 * either direction, with a cap and least-recently-used eviction so memory
 * stays bounded on captures of any size.
 *
 * Lookup, insertion and eviction are O(1) at any cap: the buckets are
 * chains indexed by SipHash-1-3 of the tuple under the session's random key
 * (so no crafted traffic can make one chain long), the bucket array doubles
 * when there are more flows than buckets, and eviction takes the tail of
 * the LRU list. */
#include "session.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define FLOW_MIN_BUCKETS 1024u

int dx_flow_table_init(dx_flow_table *ft, size_t cap) {
  (void)cap; /* the buckets grow with the flows, up to the cap */
  memset(ft, 0, sizeof *ft);
  ft->buckets = calloc(FLOW_MIN_BUCKETS, sizeof *ft->buckets);
  if (!ft->buckets)
    return DX_ENOMEM;
  ft->nbuckets = FLOW_MIN_BUCKETS;
  return DX_OK;
}

/* What a flow's own struct charges to the session's byte budget. */
#define FLOW_COST dx_heap_cost(sizeof(dx_flow))
/* Room a new flow wants left in the budget besides its own struct: about
 * what a connection's fixed state takes (TCP's, 700 bytes, and an
 * application's, up to 1 KB for TLS). */
#define FLOW_ROOM 2048u

static void flow_release(dx_flow_table *ft, dx_flow *f) {
  if (f->app_free && f->app_data)
    f->app_free(f->app_data);
  if (f->proto_free && f->proto_data)
    f->proto_free(f->proto_data);
  free(f);
  dx_budget_give(ft->budget, FLOW_COST);
}

void dx_flow_table_free(dx_flow_table *ft) {
  dx_flow *f = ft->lru_head;
  while (f) {
    dx_flow *n = f->lru_next;
    flow_release(ft, f);
    f = n;
  }
  free(ft->buckets);
  memset(ft, 0, sizeof *ft);
}

void dx_flow_table_clear(dx_flow_table *ft) {
  dx_flow *f = ft->lru_head;
  while (f) {
    dx_flow *n = f->lru_next;
    flow_release(ft, f);
    f = n;
  }
  dx_flow **b = ft->buckets;
  size_t nb = ft->nbuckets;
  uint64_t *budget = ft->budget;
  if (b)
    memset(b, 0, nb * sizeof *b);
  memset(ft, 0, sizeof *ft);
  ft->buckets = b;
  ft->nbuckets = nb;
  ft->budget = budget;
}

/* A direction-independent hash: the two endpoints are hashed in a canonical
 * order, under the session's key. */
static uint32_t flow_hash(const dx_hashkey *key, uint8_t proto, const dx_addr *a, uint16_t pa,
                          const dx_addr *b, uint16_t pb) {
  int c = dx_addr_cmp(a, b);
  if (c > 0 || (c == 0 && pa > pb)) {
    const dx_addr *t = a;
    a = b;
    b = t;
    uint16_t tp = pa;
    pa = pb;
    pb = tp;
  }
  uint8_t buf[1 + 2 * (1 + 16 + 2)];
  buf[0] = proto;
  buf[1] = (uint8_t)a->type;
  memcpy(buf + 2, a->a, 16);
  buf[18] = (uint8_t)(pa >> 8);
  buf[19] = (uint8_t)pa;
  buf[20] = (uint8_t)b->type;
  memcpy(buf + 21, b->a, 16);
  buf[37] = (uint8_t)(pb >> 8);
  buf[38] = (uint8_t)pb;
  return (uint32_t)dx_siphash13(key, buf, sizeof buf);
}

/* Doubles the bucket array once there are more flows than buckets (so
 * chains stay one flow long on average); if memory runs out the table keeps
 * working with longer chains. */
static void table_grow(dx_flow_table *ft) {
  if (ft->count <= ft->nbuckets || ft->nbuckets > (SIZE_MAX / 2) / sizeof *ft->buckets ||
      ft->nbuckets >= (size_t)1 << 31)
    return;
  size_t nb = ft->nbuckets * 2;
  dx_flow **b = calloc(nb, sizeof *b);
  if (!b)
    return;
  for (size_t i = 0; i < ft->nbuckets; i++) {
    dx_flow *n;
    for (dx_flow *f = ft->buckets[i]; f; f = n) {
      n = f->hnext;
      f->hnext = b[f->hash & (nb - 1)];
      b[f->hash & (nb - 1)] = f;
    }
  }
  free(ft->buckets);
  ft->buckets = b;
  ft->nbuckets = nb;
}

static void lru_unlink(dx_flow_table *ft, dx_flow *f) {
  if (f->lru_prev)
    f->lru_prev->lru_next = f->lru_next;
  else
    ft->lru_head = f->lru_next;
  if (f->lru_next)
    f->lru_next->lru_prev = f->lru_prev;
  else
    ft->lru_tail = f->lru_prev;
  f->lru_prev = f->lru_next = NULL;
}

static void lru_push(dx_flow_table *ft, dx_flow *f) {
  f->lru_prev = NULL;
  f->lru_next = ft->lru_head;
  if (ft->lru_head)
    ft->lru_head->lru_prev = f;
  ft->lru_head = f;
  if (!ft->lru_tail)
    ft->lru_tail = f;
}

static void closed_unlink(dx_flow_table *ft, dx_flow *f) {
  if (!f->closed)
    return;
  if (f->cprev)
    f->cprev->cnext = f->cnext;
  else
    ft->closed_head = f->cnext;
  if (f->cnext)
    f->cnext->cprev = f->cprev;
  else
    ft->closed_tail = f->cprev;
  f->cprev = f->cnext = NULL;
  f->closed = false;
}

static void table_remove(dx_flow_table *ft, dx_flow *f) {
  dx_flow **pp = &ft->buckets[f->hash & (ft->nbuckets - 1)];
  while (*pp && *pp != f)
    pp = &(*pp)->hnext;
  if (*pp)
    *pp = f->hnext;
  lru_unlink(ft, f);
  closed_unlink(ft, f);
  ft->count--;
}

/* True if `secs` seconds of capture time have passed since the flow's last
 * packet (or the clock jumped back by as much: a bad timestamp, merged
 * captures). */
static bool quiet_for(const dx_packet *p, const dx_flow *f, int64_t secs) {
  int64_t d = dx_sec_diff(p->frame.ts_sec, f->last_sec);
  return d >= secs || d <= -secs;
}

/* An open flow idles out after `secs` seconds of capture time in which at
 * least DX_FLOW_CLOSE_FRAMES other frames came: memory stays flat (at most
 * that many flows are kept past their idle time), and a flow goes on
 * across a jump of the clock in a small capture (a bad timestamp), as
 * tshark's never ends. */
static bool idle_for(const dx_packet *p, const dx_flow *f, int64_t secs) {
  return quiet_for(p, f, secs) && p->num - f->last_frame >= DX_FLOW_CLOSE_FRAMES;
}

/* Releases a few flows that ended or idled out (O(1) per packet): the
 * oldest closed one and the least recently used one, never a flow of the
 * current packet. */
static void expire(dx_packet *p) {
  dx_flow_table *ft = &p->sess->flows;
  for (int i = 0; i < 2; i++) {
    dx_flow *f = ft->closed_head;
    if (!f || f->last_frame == p->num || p->num - f->last_frame < DX_FLOW_CLOSE_FRAMES)
      break;
    table_remove(ft, f);
    flow_release(ft, f);
    ft->expired++;
  }
  for (int i = 0; i < 2; i++) {
    dx_flow *f = ft->lru_tail;
    if (!f || f->last_frame == p->num ||
        !idle_for(p, f, f->ipproto == 17 ? DX_FLOW_IDLE_UDP : DX_FLOW_IDLE_TCP))
      break;
    table_remove(ft, f);
    flow_release(ft, f);
    ft->expired++;
  }
}

void dx_flow_closed(dx_packet *p, dx_flow *f) {
  if (!p || !f || f->closed)
    return;
  dx_flow_table *ft = &p->sess->flows;
  f->closed = true;
  f->cnext = NULL;
  f->cprev = ft->closed_tail;
  if (ft->closed_tail)
    ft->closed_tail->cnext = f;
  else
    ft->closed_head = f;
  ft->closed_tail = f;
}

/* True if flow f is the packet's, *dir its direction. */
static bool same_flow(const dx_packet *p, const dx_flow *f, int *dir) {
  if (f->ipproto != p->ipproto)
    return false;
  if (f->port[0] == p->srcport && f->port[1] == p->dstport &&
      dx_addr_eq(&f->addr[0], &p->net_src) && dx_addr_eq(&f->addr[1], &p->net_dst)) {
    *dir = 0;
    return true;
  }
  if (f->port[1] == p->srcport && f->port[0] == p->dstport &&
      dx_addr_eq(&f->addr[1], &p->net_src) && dx_addr_eq(&f->addr[0], &p->net_dst)) {
    *dir = 1;
    return true;
  }
  return false;
}

static dx_flow *lookup(dx_packet *p, int *dir, uint32_t *hash_out) {
  dx_flow_table *ft = &p->sess->flows;
  /* the flow of the packet before (a segment and its ACK, a burst): found
   * without hashing the addresses */
  if (ft->lru_head && same_flow(p, ft->lru_head, dir))
    return ft->lru_head;
  uint32_t h =
      flow_hash(&p->sess->hashkey, p->ipproto, &p->net_src, p->srcport, &p->net_dst, p->dstport);
  if (hash_out)
    *hash_out = h;
  for (dx_flow *f = ft->buckets[h & (ft->nbuckets - 1)]; f; f = f->hnext)
    if (f->hash == h && same_flow(p, f, dir))
      return f;
  return NULL;
}

static void touch(dx_packet *p, dx_flow *f, int dir) {
  dx_flow_table *ft = &p->sess->flows;
  if (ft->lru_head != f) {
    lru_unlink(ft, f);
    lru_push(ft, f);
  }
  f->last_frame = p->num;
  f->last_sec = p->frame.ts_sec;
  f->last_nsec = (int32_t)p->frame.ts_nsec;
  f->packets[dir]++;
  f->bytes[dir] += p->frame.wirelen;
}

/* Makes room for n bytes in the session's byte budget by releasing up to
 * DX_BUDGET_EVICT least recently used flows, never one the current packet
 * uses (those were all touched by it, so the LRU tail is one of them only
 * when every flow is). True when n bytes fit. O(1). */
static bool budget_room(dx_packet *p, dx_node *parent, uint64_t n) {
  dx_flow_table *ft = &p->sess->flows;
  uint64_t max = p->sess->cfg.max_total_stream_bytes;
  unsigned dropped = 0;
  if (!ft->budget)
    return true;
  while (*ft->budget > max || n > max - *ft->budget) {
    dx_flow *f = ft->lru_tail;
    if (dropped == DX_BUDGET_EVICT || !f || f->last_frame == p->num)
      break;
    table_remove(ft, f);
    flow_release(ft, f);
    ft->budget_dropped++;
    dropped++;
  }
  if (dropped)
    dx_expert(p, parent, dx_field_limit(), DX_SEV_WARN,
              "[Session byte budget full (%" PRIu64
              " bytes): %u least recently used flow%s dropped]",
              max, dropped, dropped == 1 ? " was" : "s were");
  return *ft->budget <= max && n <= max - *ft->budget;
}

bool dx_budget_take_conn(dx_packet *p, dx_node *parent, uint64_t n) {
  if (!budget_room(p, parent, n))
    return false;
  return dx_budget_take(p->sess->flows.budget, p->sess->cfg.max_total_stream_bytes, n);
}

dx_flow *dx_flow_find(dx_packet *p, int *dir) {
  int d = 0;
  dx_flow *f = lookup(p, &d, NULL);
  if (dir)
    *dir = d;
  return f;
}

dx_flow *dx_flow_get(dx_packet *p, dx_node *parent, int *dir) {
  dx_flow_table *ft = &p->sess->flows;
  uint32_t h;
  int d = 0;
  expire(p);
  dx_flow *f = lookup(p, &d, &h);
  if (f) {
    touch(p, f, d);
    if (dir)
      *dir = d;
    return f;
  }
  if (ft->count >= p->sess->cfg.max_flows && ft->lru_tail) {
    dx_flow *old = ft->lru_tail;
    table_remove(ft, old);
    flow_release(ft, old);
    ft->dropped++;
    dx_expert(p, parent, dx_field_limit(), DX_SEV_WARN,
              "[Flow table full (%u flows): the least recently used flow was dropped]",
              p->sess->cfg.max_flows);
  }
  /* The flow's struct and, beside it, room for the connection's state in
   * the session's byte budget (so that the fixed state of as many
   * connections as flows.max allows cannot hold more than the budget) */
  budget_room(p, parent, FLOW_COST + FLOW_ROOM);
  if (!dx_budget_take(ft->budget, p->sess->cfg.max_total_stream_bytes, FLOW_COST)) {
    dx_expert(p, parent, dx_field_limit(), DX_SEV_WARN,
              "[Session byte budget full (%" PRIu64 " bytes): connection not tracked]",
              p->sess->cfg.max_total_stream_bytes);
    return NULL;
  }
  f = calloc(1, sizeof *f);
  if (!f) {
    dx_budget_give(ft->budget, FLOW_COST);
    return NULL;
  }
  f->ipproto = p->ipproto;
  f->addr[0] = p->net_src;
  f->addr[1] = p->net_dst;
  f->port[0] = p->srcport;
  f->port[1] = p->dstport;
  f->index = ft->next_index[p->ipproto]++;
  f->first_frame = p->num;
  f->first_sec = p->frame.ts_sec;
  f->first_nsec = (int32_t)p->frame.ts_nsec;
  f->hash = h;
  size_t b = h & (ft->nbuckets - 1);
  f->hnext = ft->buckets[b];
  ft->buckets[b] = f;
  ft->count++;
  table_grow(ft);
  lru_push(ft, f);
  touch(p, f, 0);
  if (dir)
    *dir = 0;
  return f;
}

void dx_flow_drop(dx_packet *p, dx_flow *f) {
  if (!f)
    return;
  table_remove(&p->sess->flows, f);
  flow_release(&p->sess->flows, f);
}

void dx_session_flows(const dx_session *s, dx_flow_visit_fn fn, void *ctx) {
  for (const dx_flow *f = s->flows.lru_head; f; f = f->lru_next)
    fn(f, ctx);
}
