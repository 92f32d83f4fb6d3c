/* Echo request/reply matching for ICMP and ICMPv6: a ring of the last
 * DX_ECHO_CAP requests with a keyed hash index over it. Memory is fixed
 * (made at the first request: a session, or a reset one, that sees no echo
 * request pays nothing), the oldest request is forgotten first, and the
 * session's hash key keeps crafted requests from filling one bucket. */
#ifndef LIBDISSECT_CORE_ECHO_H
#define LIBDISSECT_CORE_ECHO_H

#include <stdbool.h>
#include <stdint.h>

#include "dx.h"
#include "siphash.h"

#define DX_ECHO_CAP 4096u
#define DX_ECHO_BUCKETS 4096u /* one request per bucket on average */

typedef struct dx_echo_req {
  dx_addr src, dst;
  uint16_t ident, seq;
  uint64_t frame;
  int64_t sec;
  uint32_t nsec;
  int32_t next; /* next entry in the bucket, -1 ends */
  bool used;
} dx_echo_req;

typedef struct dx_echo_table {
  dx_echo_req *ring; /* DX_ECHO_CAP entries, NULL before the first request */
  int32_t *bucket;   /* DX_ECHO_BUCKETS chains of ring indexes, -1 ends */
  dx_hashkey key;
  uint32_t pos;
  uint64_t evicted; /* requests forgotten to make room */
} dx_echo_table;

/* An empty table hashing with key. */
void dx_echo_init(dx_echo_table *t, const dx_hashkey *key);
void dx_echo_free(dx_echo_table *t);
/* Remembers the request in p (its network addresses and time). Returns
 * true the first time an older request had to be forgotten for it (the
 * caller says so once); false otherwise, and when out of memory (the
 * request is then not remembered). */
bool dx_echo_remember(dx_echo_table *t, const dx_packet *p, uint16_t ident, uint16_t seq);
/* The latest request the reply in p answers (a reply goes dst -> src). */
const dx_echo_req *dx_echo_find(const dx_echo_table *t, const dx_packet *p, uint16_t ident,
                                uint16_t seq);

#endif
