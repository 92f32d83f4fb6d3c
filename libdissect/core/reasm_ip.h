/* IP fragment reassembly shared by IPv4 (RFC 791) and IPv6 (RFC 8200 4.5),
 * in the spirit of RFC 815: each datagram keeps a buffer and the list of
 * fragments received; it is complete when the last fragment (MF = 0) has
 * been seen and the fragments cover [0, total) without a hole.
 *
 * Finding a fragment's datagram, adding one, expiring and evicting are
 * O(1) at any cap: a hash index keyed with the session's random key (so
 * crafted fragments cannot make one chain long) over a list ordered by
 * last activity.
 *
 * Everything is bounded by the session's dx_config:
 *   - max_frag_datagrams datagrams in progress (the least recently active
 *     one is dropped to make room, and the caller is told);
 *   - max_frag_bytes bytes per datagram (a fragment ending past it drops
 *     the datagram);
 *   - DX_REASM_MAX_FRAGS fragments per datagram;
 *   - frag_timeout_ms: datagrams with no fragment for that long (in packet
 *     time, not wall-clock time) are freed.
 */
#ifndef LIBDISSECT_CORE_REASM_IP_H
#define LIBDISSECT_CORE_REASM_IP_H

#include "dx.h"

#include <stdbool.h>
#include <stdint.h>

#define DX_REASM_MAX_FRAGS 4096u

typedef struct dx_ipreasm dx_ipreasm;

/* What identifies a datagram: (src, dst, id, proto) for IPv4 (RFC 791),
 * (src, dst, id) for IPv6 (proto is still compared: the next header of the
 * fragmentable part, the same in every fragment). */
typedef struct dx_ipreasm_key {
  dx_addr src, dst;
  uint32_t id;
  uint8_t proto;
} dx_ipreasm_key;

/* One fragment received, for the tree ("Frame: 9, payload: 0-1479"). */
typedef struct dx_ipreasm_frag {
  uint64_t frame;
  uint32_t off, len;
} dx_ipreasm_frag;

enum {
  DX_REASM_INCOMPLETE = 0, /* stored; more fragments needed */
  DX_REASM_DONE = 1,       /* this fragment completed the datagram */
  DX_REASM_LIMIT = 2,      /* a cap was hit: the datagram was dropped */
  DX_REASM_NOMEM = 3       /* allocation failed: the datagram was dropped */
};

typedef struct dx_ipreasm_result {
  int status;
  /* Anomalies seen in the datagram so far (overlap: this fragment overlaps
   * one already received; conflict: with different bytes; toolong: data
   * past the end given by the last fragment; multitails: two last fragments
   * with different ends). */
  bool overlap, conflict, toolong, multitails;
  /* Another datagram was dropped to make room (max_frag_datagrams). */
  bool evicted;
  /* On DX_REASM_LIMIT: which cap (a static string). */
  const char *limit_what;
  /* On DX_REASM_DONE: the datagram payload and its fragments, sorted by
   * offset. Valid until the next dx_ipreasm_* call on this reassembler. */
  const uint8_t *data;
  uint32_t len;
  const dx_ipreasm_frag *frags;
  uint32_t nfrags;
} dx_ipreasm_result;

/* A reassembler with the caps of cfg (values copied) whose datagram index
 * hashes with `key` (the session's, dx_packet_hashkey; NULL: a zero key,
 * for tests only). NULL on OOM. */
dx_ipreasm *dx_ipreasm_new(const dx_config *cfg, const dx_hashkey *key);
void dx_ipreasm_free(dx_ipreasm *r);

/* Adds the fragment [off, off+len) of the datagram `key`, received in
 * frame `frame` at time (sec, nsec). `more` is the MF flag. Fills *res. */
void dx_ipreasm_add(dx_ipreasm *r, const dx_ipreasm_key *key, uint64_t frame, int64_t sec,
                    uint32_t nsec, uint32_t off, const uint8_t *data, uint32_t len, bool more,
                    dx_ipreasm_result *res);

/* Number of datagrams in progress (for tests). */
uint32_t dx_ipreasm_count(const dx_ipreasm *r);

#endif
