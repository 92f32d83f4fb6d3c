/* IP fragment reassembly (see reasm_ip.h). Datagrams live in a list ordered
 * by last activity, so expiry and eviction look at the head only, and in a
 * hash index (chains, SipHash-1-3 under the session's key, the bucket array
 * doubling when there are more datagrams than buckets), so finding the
 * datagram of a fragment is O(1) whatever max_frag_datagrams is. */
#include "reasm_ip.h"

#include <stdlib.h>
#include <string.h>

typedef struct dgram {
  dx_ipreasm_key key;
  bool have_total;
  uint32_t total;
  uint8_t *buf;
  uint32_t cap;
  dx_ipreasm_frag *frags;
  uint32_t nfrags, fcap;
  int64_t last_sec;
  uint32_t last_nsec;
  bool overlap, conflict, toolong, multitails;
  struct dgram *prev, *next;
  struct dgram *hnext; /* hash chain */
  uint32_t hash;
} dgram;

struct dx_ipreasm {
  uint32_t max_datagrams, max_bytes, timeout_ms;
  dgram *head, *tail; /* head: least recently active */
  uint32_t count;
  dx_hashkey key;
  dgram **buckets;
  size_t nbuckets; /* power of two */
  dgram *done;     /* the datagram handed out last, freed on the next call */
};

static void dgram_free(dgram *d) {
  if (!d)
    return;
  free(d->buf);
  free(d->frags);
  free(d);
}

#define REASM_MIN_BUCKETS 64u

static uint32_t key_hash(const dx_ipreasm *r, const dx_ipreasm_key *k) {
  uint8_t buf[2 * (1 + 16) + 4 + 1];
  buf[0] = (uint8_t)k->src.type;
  memcpy(buf + 1, k->src.a, 16);
  buf[17] = (uint8_t)k->dst.type;
  memcpy(buf + 18, k->dst.a, 16);
  buf[34] = (uint8_t)(k->id >> 24);
  buf[35] = (uint8_t)(k->id >> 16);
  buf[36] = (uint8_t)(k->id >> 8);
  buf[37] = (uint8_t)k->id;
  buf[38] = k->proto;
  return (uint32_t)dx_siphash13(&r->key, buf, sizeof buf);
}

/* Doubles the bucket array once there are more datagrams than buckets; if
 * memory runs out, chains get longer and everything still works. */
static void index_grow(dx_ipreasm *r) {
  if (r->count <= r->nbuckets || r->nbuckets >= (size_t)1 << 31)
    return;
  size_t nb = r->nbuckets * 2;
  dgram **b = calloc(nb, sizeof *b);
  if (!b)
    return;
  for (size_t i = 0; i < r->nbuckets; i++) {
    dgram *n;
    for (dgram *d = r->buckets[i]; d; d = n) {
      n = d->hnext;
      d->hnext = b[d->hash & (nb - 1)];
      b[d->hash & (nb - 1)] = d;
    }
  }
  free(r->buckets);
  r->buckets = b;
  r->nbuckets = nb;
}

/* Takes d out of the activity list and the index. */
static void unlink_dgram(dx_ipreasm *r, dgram *d) {
  if (d->prev)
    d->prev->next = d->next;
  else
    r->head = d->next;
  if (d->next)
    d->next->prev = d->prev;
  else
    r->tail = d->prev;
  d->prev = d->next = NULL;
  dgram **pp = &r->buckets[d->hash & (r->nbuckets - 1)];
  while (*pp && *pp != d)
    pp = &(*pp)->hnext;
  if (*pp)
    *pp = d->hnext;
  d->hnext = NULL;
  r->count--;
}

/* Puts d at the tail of the activity list (most recent) and in the index. */
static void append_dgram(dx_ipreasm *r, dgram *d) {
  d->prev = r->tail;
  d->next = NULL;
  if (r->tail)
    r->tail->next = d;
  else
    r->head = d;
  r->tail = d;
  size_t b = d->hash & (r->nbuckets - 1);
  d->hnext = r->buckets[b];
  r->buckets[b] = d;
  r->count++;
  index_grow(r);
}

/* Moves d to the tail of the activity list; it stays in the index. */
static void touch_dgram(dx_ipreasm *r, dgram *d) {
  if (d == r->tail)
    return;
  if (d->prev)
    d->prev->next = d->next;
  else
    r->head = d->next;
  d->next->prev = d->prev;
  d->prev = r->tail;
  d->next = NULL;
  r->tail->next = d;
  r->tail = d;
}

dx_ipreasm *dx_ipreasm_new(const dx_config *cfg, const dx_hashkey *key) {
  dx_ipreasm *r = calloc(1, sizeof *r);
  if (!r)
    return NULL;
  r->buckets = calloc(REASM_MIN_BUCKETS, sizeof *r->buckets);
  if (!r->buckets) {
    free(r);
    return NULL;
  }
  r->nbuckets = REASM_MIN_BUCKETS;
  if (key)
    r->key = *key;
  r->max_datagrams = cfg && cfg->max_frag_datagrams ? cfg->max_frag_datagrams : 1024;
  r->max_bytes = cfg && cfg->max_frag_bytes ? cfg->max_frag_bytes : 65535;
  r->timeout_ms = cfg && cfg->frag_timeout_ms ? cfg->frag_timeout_ms : 30000;
  return r;
}

void dx_ipreasm_free(dx_ipreasm *r) {
  if (!r)
    return;
  dgram *d = r->head;
  while (d) {
    dgram *n = d->next;
    dgram_free(d);
    d = n;
  }
  dgram_free(r->done);
  free(r->buckets);
  free(r);
}

uint32_t dx_ipreasm_count(const dx_ipreasm *r) {
  return r ? r->count : 0;
}

static bool key_eq(const dx_ipreasm_key *a, const dx_ipreasm_key *b) {
  return a->id == b->id && a->proto == b->proto && dx_addr_eq(&a->src, &b->src) &&
         dx_addr_eq(&a->dst, &b->dst);
}

/* True if (sec, nsec) is more than timeout_ms after the datagram's last
 * fragment. Time going backwards never expires anything. */
static bool expired(const dx_ipreasm *r, const dgram *d, int64_t sec, uint32_t nsec) {
  if (sec < d->last_sec)
    return false;
  /* (unsigned: the difference of two 64-bit second counts may not fit) */
  uint64_t uds = (uint64_t)sec - (uint64_t)d->last_sec;
  if (uds > (uint64_t)(r->timeout_ms / 1000) + 1)
    return true;
  int64_t ds = (int64_t)uds;
  int64_t ns = ds * 1000000000 + (int64_t)nsec - (int64_t)d->last_nsec;
  return ns > (int64_t)r->timeout_ms * 1000000;
}

static void drop(dx_ipreasm *r, dgram *d) {
  unlink_dgram(r, d);
  dgram_free(d);
}

void dx_ipreasm_add(dx_ipreasm *r, const dx_ipreasm_key *key, uint64_t frame, int64_t sec,
                    uint32_t nsec, uint32_t off, const uint8_t *data, uint32_t len, bool more,
                    dx_ipreasm_result *res) {
  memset(res, 0, sizeof *res);
  res->status = DX_REASM_NOMEM;
  if (!r)
    return;
  dgram_free(r->done);
  r->done = NULL;

  /* Free the datagrams nobody completed in time. */
  while (r->head && expired(r, r->head, sec, nsec))
    drop(r, r->head);

  uint32_t h = key_hash(r, key);
  dgram *d = r->buckets[h & (r->nbuckets - 1)];
  while (d && (d->hash != h || !key_eq(&d->key, key)))
    d = d->hnext;
  if (!d) {
    while (r->head && r->count >= r->max_datagrams) {
      drop(r, r->head);
      res->evicted = true;
    }
    d = calloc(1, sizeof *d);
    if (!d)
      return;
    d->key = *key;
    d->hash = h;
    append_dgram(r, d);
  } else {
    touch_dgram(r, d);
  }
  d->last_sec = sec;
  d->last_nsec = nsec;

  uint64_t end = (uint64_t)off + len;
  if (end > r->max_bytes) {
    res->status = DX_REASM_LIMIT;
    res->limit_what = "bytes per reassembled datagram (max_frag_bytes)";
    drop(r, d);
    return;
  }
  if (d->nfrags >= DX_REASM_MAX_FRAGS) {
    res->status = DX_REASM_LIMIT;
    res->limit_what = "fragments per datagram";
    drop(r, d);
    return;
  }

  /* The end of the datagram, from its last fragment. */
  if (!more) {
    if (d->have_total && d->total != end)
      d->multitails = true;
    if (!d->have_total) {
      d->have_total = true;
      d->total = (uint32_t)end;
      for (uint32_t i = 0; i < d->nfrags; i++)
        if ((uint64_t)d->frags[i].off + d->frags[i].len > end)
          d->toolong = true;
    }
  } else if (d->have_total && end > d->total) {
    d->toolong = true;
  }

  /* Overlaps with what is already there (RFC 5722 forbids them for IPv6;
   * for IPv4 they are legal but suspicious). */
  for (uint32_t i = 0; i < d->nfrags; i++) {
    uint32_t a = d->frags[i].off > off ? d->frags[i].off : off;
    uint64_t fe = (uint64_t)d->frags[i].off + d->frags[i].len;
    uint64_t b = fe < end ? fe : end;
    if (a < b) {
      d->overlap = true;
      if (a < d->cap && memcmp(d->buf + a, data + (a - off), (size_t)(b - a)) != 0)
        d->conflict = true;
    }
  }

  /* Store the bytes. */
  if (end > d->cap) {
    uint64_t ncap = (uint64_t)d->cap * 2;
    if (ncap < end)
      ncap = end;
    if (ncap > r->max_bytes)
      ncap = r->max_bytes;
    uint8_t *nb = realloc(d->buf, (size_t)ncap);
    if (!nb) {
      drop(r, d);
      return;
    }
    memset(nb + d->cap, 0, (size_t)(ncap - d->cap));
    d->buf = nb;
    d->cap = (uint32_t)ncap;
  }
  if (len)
    memcpy(d->buf + off, data, len);
  if (d->nfrags == d->fcap) {
    uint32_t nf = d->fcap ? d->fcap * 2 : 8;
    if (nf > DX_REASM_MAX_FRAGS)
      nf = DX_REASM_MAX_FRAGS;
    dx_ipreasm_frag *fr = realloc(d->frags, nf * sizeof *fr);
    if (!fr) {
      drop(r, d);
      return;
    }
    d->frags = fr;
    d->fcap = nf;
  }
  /* Keep the list sorted by offset (then by arrival). */
  uint32_t at = d->nfrags;
  while (at > 0 && d->frags[at - 1].off > off) {
    d->frags[at] = d->frags[at - 1];
    at--;
  }
  d->frags[at].frame = frame;
  d->frags[at].off = off;
  d->frags[at].len = len;
  d->nfrags++;

  res->overlap = d->overlap;
  res->conflict = d->conflict;
  res->toolong = d->toolong;
  res->multitails = d->multitails;
  res->status = DX_REASM_INCOMPLETE;
  if (!d->have_total)
    return;
  uint64_t covered = 0;
  for (uint32_t i = 0; i < d->nfrags && covered < d->total; i++) {
    if (d->frags[i].off > covered)
      return; /* a hole */
    uint64_t fe = (uint64_t)d->frags[i].off + d->frags[i].len;
    if (fe > covered)
      covered = fe;
  }
  if (covered < d->total)
    return;
  unlink_dgram(r, d);
  r->done = d;
  res->status = DX_REASM_DONE;
  res->data = d->buf ? d->buf : (const uint8_t *)"";
  res->len = d->total;
  res->frags = d->frags;
  res->nfrags = d->nfrags;
}
