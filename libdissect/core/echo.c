/* Echo request/reply matching (echo.h), shared by ICMP and ICMPv6. */
#include "echo.h"

#include <stdlib.h>
#include <string.h>

void dx_echo_init(dx_echo_table *t, const dx_hashkey *key) {
  memset(t, 0, sizeof *t);
  t->key = *key;
}

void dx_echo_free(dx_echo_table *t) {
  free(t->ring);
  free(t->bucket);
  t->ring = NULL;
  t->bucket = NULL;
}

/* The ring and its index, on first use; false if out of memory. */
static bool tables(dx_echo_table *t) {
  if (t->ring)
    return true;
  t->bucket = malloc(DX_ECHO_BUCKETS * sizeof *t->bucket);
  t->ring = calloc(DX_ECHO_CAP, sizeof *t->ring);
  if (!t->ring || !t->bucket) {
    dx_echo_free(t);
    return false;
  }
  for (uint32_t i = 0; i < DX_ECHO_BUCKETS; i++)
    t->bucket[i] = -1;
  return true;
}

static uint32_t hash(const dx_hashkey *key, const dx_addr *a, const dx_addr *b, uint16_t ident,
                     uint16_t seq) {
  uint8_t buf[2 * 16 + 4];
  memcpy(buf, a->a, 16);
  memcpy(buf + 16, b->a, 16);
  buf[32] = (uint8_t)(ident >> 8);
  buf[33] = (uint8_t)ident;
  buf[34] = (uint8_t)(seq >> 8);
  buf[35] = (uint8_t)seq;
  return (uint32_t)(dx_siphash13(key, buf, sizeof buf) % DX_ECHO_BUCKETS);
}

static void unlink_entry(dx_echo_table *t, int32_t idx) {
  dx_echo_req *e = &t->ring[idx];
  int32_t *pp = &t->bucket[hash(&t->key, &e->src, &e->dst, e->ident, e->seq)];
  while (*pp != -1) {
    if (*pp == idx) {
      *pp = e->next;
      break;
    }
    pp = &t->ring[*pp].next;
  }
  e->used = false;
}

bool dx_echo_remember(dx_echo_table *t, const dx_packet *p, uint16_t ident, uint16_t seq) {
  if (!tables(t))
    return false;
  int32_t idx = (int32_t)(t->pos++ % DX_ECHO_CAP);
  bool evict = t->ring[idx].used;
  if (evict)
    unlink_entry(t, idx);
  dx_echo_req *e = &t->ring[idx];
  memset(e, 0, sizeof *e);
  e->src = p->net_src;
  e->dst = p->net_dst;
  e->ident = ident;
  e->seq = seq;
  e->frame = p->num;
  e->sec = p->frame.ts_sec;
  e->nsec = p->frame.ts_nsec;
  e->used = true;
  uint32_t b = hash(&t->key, &e->src, &e->dst, ident, seq);
  e->next = t->bucket[b];
  t->bucket[b] = idx;
  return evict && t->evicted++ == 0;
}

const dx_echo_req *dx_echo_find(const dx_echo_table *t, const dx_packet *p, uint16_t ident,
                                uint16_t seq) {
  if (!t->ring)
    return NULL;
  uint32_t b = hash(&t->key, &p->net_dst, &p->net_src, ident, seq);
  for (int32_t i = t->bucket[b]; i != -1; i = t->ring[i].next) {
    const dx_echo_req *e = &t->ring[i];
    if (e->ident == ident && e->seq == seq && dx_addr_eq(&e->src, &p->net_dst) &&
        dx_addr_eq(&e->dst, &p->net_src))
      return e;
  }
  return NULL;
}
