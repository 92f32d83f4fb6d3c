/* TCP stream reassembly: in-order delivery and PDU buffering, bounded. */
#include "tcp_reasm.h"

#include <stdlib.h>
#include <string.h>

/* Most segments kept ahead of a gap in one direction. */
#define OOO_MAX_SEGMENTS 1024u
/* Most frames remembered for one pending PDU. */
#define PIECES_MAX 65536u

struct dx_reasm_ooo {
  uint32_t seq, len;
  uint32_t arrival;
  uint64_t frame;
  uint8_t data[];
};

_Static_assert(DX_REASM_OOO_OVERHEAD >= sizeof(dx_reasm_ooo) + sizeof(dx_reasm_ooo *) + 16,
               "a kept segment's header, heap slot and allocator overhead");

/* Sequence-space comparisons (RFC 9293 section 3.4: modulo 2^32). */
static inline int32_t seq_diff(uint32_t a, uint32_t b) {
  return (int32_t)(a - b);
}

/* ---- the heap of segments ahead of a gap ---- */

/* a comes out before b: lower sequence number, or the same and earlier. */
static inline bool ooo_before(const dx_reasm_ooo *a, const dx_reasm_ooo *b) {
  int32_t d = seq_diff(a->seq, b->seq);
  return d < 0 || (d == 0 && (int32_t)(a->arrival - b->arrival) < 0);
}

/* The first segment (lowest sequence number), or NULL. */
static inline dx_reasm_ooo *ooo_first(const dx_tcp_stream *s) {
  return s->ooo_count ? s->ooo[0] : NULL;
}

static void heap_up(dx_reasm_ooo **h, uint32_t i) {
  dx_reasm_ooo *o = h[i];
  while (i > 0) {
    uint32_t parent = (i - 1) / 2;
    if (!ooo_before(o, h[parent]))
      break;
    h[i] = h[parent];
    i = parent;
  }
  h[i] = o;
}

static void heap_down(dx_reasm_ooo **h, uint32_t n, uint32_t i) {
  dx_reasm_ooo *o = h[i];
  for (;;) {
    uint32_t c = 2 * i + 1;
    if (c >= n)
      break;
    if (c + 1 < n && ooo_before(h[c + 1], h[c]))
      c++;
    if (!ooo_before(h[c], o))
      break;
    h[i] = h[c];
    i = c;
  }
  h[i] = o;
}

bool dx_tcp_pdu_fits(const dx_tcp_stream *s, uint64_t n) {
  return dx_tcp_stream_buffered(s) + n <= s->lim.max_stream &&
         (!s->lim.total || *s->lim.total + n <= s->lim.max_total);
}

static void uncharge(dx_tcp_stream *s, uint64_t n) {
  if (s->lim.total)
    *s->lim.total = *s->lim.total >= n ? *s->lim.total - n : 0;
}

static void held_free(dx_reasm_held *h, uint32_t n) {
  for (uint32_t i = 0; i < n; i++)
    free(h[i].data);
  free(h);
}

static void old_stale_free(dx_tcp_stream *s, uint32_t i) {
  dx_reasm_stale *o = &s->old_st[i];
  uncharge(s, (uint64_t)o->len + o->held_bytes + (uint64_t)o->nheld * DX_REASM_OOO_OVERHEAD);
  s->old_st_bytes -= o->len + o->held_bytes;
  free(o->data);
  free(o->pieces);
  held_free(o->held, o->nheld);
  memmove(o, o + 1, (s->nold_st - i - 1) * sizeof *o);
  s->nold_st--;
}

static bool charge(dx_tcp_stream *s, uint64_t n) {
  for (;;) {
    uint64_t mine = dx_tcp_stream_buffered(s);
    bool fits =
        mine + n <= s->lim.max_stream && (!s->lim.total || *s->lim.total + n <= s->lim.max_total);
    if (fits)
      break;
    if (!s->nold_st)
      return false;
    /* the older stale PDUs give way (the oldest first) */
    old_stale_free(s, 0);
  }
  if (s->lim.total)
    *s->lim.total += n;
  return true;
}

/* Takes the first segment out of the heap and gives its bytes back (the
 * caller frees it). */
static dx_reasm_ooo *ooo_pop(dx_tcp_stream *s) {
  dx_reasm_ooo *o = s->ooo[0];
  s->ooo_count--;
  if (s->ooo_count) {
    s->ooo[0] = s->ooo[s->ooo_count];
    heap_down(s->ooo, s->ooo_count, 0);
  }
  s->ooo_bytes -= o->len;
  uncharge(s, (uint64_t)o->len + DX_REASM_OOO_OVERHEAD);
  return o;
}

void dx_tcp_stream_init(dx_tcp_stream *s, const dx_reasm_limits *lim) {
  memset(s, 0, sizeof *s);
  if (lim)
    s->lim = *lim;
  if (!s->lim.max_stream)
    s->lim.max_stream = 1u << 20;
  if (!s->lim.max_total)
    s->lim.max_total = 64ull << 20;
}

static void ooo_clear(dx_tcp_stream *s) {
  for (uint32_t i = 0; i < s->ooo_count; i++)
    free(s->ooo[i]);
  uncharge(s, s->ooo_bytes + (uint64_t)s->ooo_count * DX_REASM_OOO_OVERHEAD);
  free(s->ooo);
  s->ooo = NULL;
  s->ooo_count = s->ooo_bytes = s->ooo_cap = 0;
}

void dx_tcp_pdu_reset(dx_tcp_stream *s) {
  uncharge(s, s->pdu_len);
  free(s->pdu);
  free(s->pieces);
  s->pdu = NULL;
  s->pieces = NULL;
  s->pdu_len = s->pdu_cap = s->pdu_need = 0;
  s->npieces = s->pieces_cap = 0;
  s->pdu_one_more = false;
  s->pdu_until_fin = false;
}

uint8_t *dx_tcp_pdu_take(dx_tcp_stream *s) {
  uint8_t *b = s->pdu;
  s->pdu = NULL;
  s->pdu_cap = 0;
  return b;
}

void dx_tcp_stale_drop(dx_tcp_stream *s, bool completed) {
  if (completed && s->st_need)
    dx_tcp_msp_done(s, s->st_seq, s->st_seq + s->st_len);
  uncharge(s,
           (uint64_t)s->st_len + s->st_held_bytes + (uint64_t)s->st_nheld * DX_REASM_OOO_OVERHEAD);
  free(s->st);
  free(s->st_pieces);
  held_free(s->st_held, s->st_nheld);
  s->st = NULL;
  s->st_pieces = NULL;
  s->st_held = NULL;
  s->st_seq = s->st_len = s->st_cap = s->st_need = 0;
  s->st_npieces = s->st_pieces_cap = 0;
  s->st_nheld = s->st_held_bytes = 0;
  s->st_one_more = false;
}

bool dx_tcp_stale_more(dx_tcp_stream *s, uint32_t doff, uint32_t more) {
  if (!s->st_need || doff > s->st_len)
    return false;
  uint64_t need = (uint64_t)s->st_len - doff + (more ? more : 1);
  if (need > s->lim.max_stream)
    return false;
  if (doff) {
    memmove(s->st, s->st + doff, s->st_len - doff);
    uncharge(s, doff);
    uint32_t k = doff, i = 0;
    while (i < s->st_npieces && k >= s->st_pieces[i].len) {
      k -= s->st_pieces[i].len;
      i++;
    }
    if (i < s->st_npieces && k) {
      s->st_pieces[i].len -= k;
      s->st_pieces[i].back = 0;
      s->st_pieces[i].flags = 0;
    }
    memmove(s->st_pieces, s->st_pieces + i, (s->st_npieces - i) * sizeof *s->st_pieces);
    s->st_npieces -= i;
    s->st_seq += doff;
    s->st_len -= doff;
    for (uint32_t h = 0; h < s->st_nheld; h++)
      s->st_held[h].off -= doff; /* (held bytes lie past st_len >= doff) */
  }
  s->st_need = (uint32_t)need;
  s->st_one_more = more == 0;
  return true;
}

static void old_stale_clear(dx_tcp_stream *s) {
  while (s->nold_st)
    old_stale_free(s, s->nold_st - 1);
  if (s->old_st) {
    free(s->old_st);
    s->old_st = NULL;
    uncharge(s, DX_REASM_STALE_KEPT * sizeof(dx_reasm_stale));
  }
}

/* The current stale PDU is set aside among the older ones (the oldest
 * dropped if they are as many as kept); none is current then. */
static void stale_set_aside(dx_tcp_stream *s) {
  if (!s->st_need)
    return;
  if (!s->old_st) {
    uint64_t cost = DX_REASM_STALE_KEPT * sizeof(dx_reasm_stale);
    if (!s->lim.total || *s->lim.total + cost <= s->lim.max_total)
      s->old_st = calloc(DX_REASM_STALE_KEPT, sizeof *s->old_st);
    if (!s->old_st) {
      dx_tcp_stale_drop(s, false);
      return;
    }
    if (s->lim.total)
      *s->lim.total += cost;
  }
  if (s->nold_st == DX_REASM_STALE_KEPT)
    old_stale_free(s, 0);
  /* the bytes stay charged: they move from the current stale PDU */
  s->old_st[s->nold_st++] = (dx_reasm_stale){
      s->st,         s->st_pieces,     s->st_seq,      s->st_len,  s->st_cap,   s->st_need,
      s->st_npieces, s->st_pieces_cap, s->st_one_more, s->st_held, s->st_nheld, s->st_held_bytes};
  s->old_st_bytes += s->st_len + s->st_held_bytes;
  s->st = NULL;
  s->st_pieces = NULL;
  s->st_held = NULL;
  s->st_seq = s->st_len = s->st_cap = s->st_need = 0;
  s->st_npieces = s->st_pieces_cap = 0;
  s->st_nheld = s->st_held_bytes = 0;
  s->st_one_more = false;
}

void dx_tcp_stream_free(dx_tcp_stream *s) {
  ooo_clear(s);
  dx_tcp_pdu_reset(s);
  dx_tcp_stale_drop(s, false);
  old_stale_clear(s);
  s->ndone = s->done_next = 0;
  free(s->scratch);
  free(s->opieces);
  s->scratch = NULL;
  s->opieces = NULL;
  s->scratch_cap = s->opieces_cap = s->nopieces = 0;
  s->started = false;
}

void dx_tcp_stream_start(dx_tcp_stream *s, uint32_t seq) {
  ooo_clear(s);
  dx_tcp_pdu_reset(s);
  dx_tcp_stale_drop(s, false);
  old_stale_clear(s);
  s->ndone = s->done_next = 0;
  s->started = true;
  s->next_seq = seq;
}

uint32_t dx_tcp_stream_buffered(const dx_tcp_stream *s) {
  uint64_t n = (uint64_t)s->ooo_bytes + s->pdu_len + s->st_len + s->st_held_bytes + s->old_st_bytes;
  return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

static bool grow(void **buf, uint32_t *cap, uint64_t need, size_t elem) {
  if (need <= *cap)
    return true;
  if (need > UINT32_MAX / 2)
    return false;
  /* lists of pieces start small (a connection has thousands of siblings
   * under a flood; most hold a piece or two), byte buffers at 64 */
  uint64_t c = *cap ? *cap : elem == 1 ? 64 : 4;
  while (c < need)
    c *= 2;
  void *nb = realloc(*buf, (size_t)c * elem);
  if (!nb)
    return false;
  *buf = nb;
  *cap = (uint32_t)c;
  return true;
}

/* Gives the pending PDU's buffer room for exactly `room` bytes. */
static bool grow_exact(dx_tcp_stream *s, uint64_t room) {
  if (room <= s->pdu_cap)
    return true;
  if (room > UINT32_MAX / 2)
    return false;
  void *nb = realloc(s->pdu, (size_t)room);
  if (!nb)
    return false;
  s->pdu = nb;
  s->pdu_cap = (uint32_t)room;
  return true;
}

static bool out_piece(dx_tcp_stream *s, uint64_t frame, uint32_t len) {
  if (s->nopieces && s->opieces[s->nopieces - 1].frame == frame) {
    s->opieces[s->nopieces - 1].len += len;
    return true;
  }
  if (!grow((void **)&s->opieces, &s->opieces_cap, (uint64_t)s->nopieces + 1, sizeof *s->opieces))
    return false;
  s->opieces[s->nopieces] = (dx_reasm_piece){frame, len, 0, 0};
  s->nopieces++;
  return true;
}

/* Stores a segment that starts after next_seq. */
static bool ooo_insert(dx_tcp_stream *s, uint32_t seq, const uint8_t *data, uint32_t len,
                       uint64_t frame) {
  if (s->ooo_count >= OOO_MAX_SEGMENTS || !charge(s, len))
    return false;
  /* the overhead counts against the session's total only (the
   * per-direction cap is one of payload bytes) */
  if (s->lim.total && *s->lim.total + DX_REASM_OOO_OVERHEAD > s->lim.max_total) {
    uncharge(s, len);
    return false;
  }
  if (s->lim.total)
    *s->lim.total += DX_REASM_OOO_OVERHEAD;
  dx_reasm_ooo *o = NULL;
  if (s->ooo_count < s->ooo_cap ||
      grow((void **)&s->ooo, &s->ooo_cap, (uint64_t)s->ooo_count + 1, sizeof *s->ooo))
    o = malloc(sizeof *o + len);
  if (!o) {
    uncharge(s, (uint64_t)len + DX_REASM_OOO_OVERHEAD);
    return false;
  }
  o->seq = seq;
  o->len = len;
  o->frame = frame;
  o->arrival = s->ooo_arrival++;
  memcpy(o->data, data, len);
  s->ooo[s->ooo_count] = o;
  heap_up(s->ooo, s->ooo_count);
  s->ooo_count++;
  s->ooo_bytes += len;
  return true;
}

/* Appends to the output buffer the buffered segments that are now in order,
 * advancing next_seq. */
static bool drain(dx_tcp_stream *s, uint32_t *olen) {
  while (ooo_first(s) && seq_diff(ooo_first(s)->seq, s->next_seq) <= 0) {
    dx_reasm_ooo *o = ooo_pop(s);
    uint32_t skip = (uint32_t)seq_diff(s->next_seq, o->seq);
    if (skip < o->len) {
      uint32_t n = o->len - skip;
      if (!grow((void **)&s->scratch, &s->scratch_cap, (uint64_t)*olen + n, 1) ||
          !out_piece(s, o->frame, n)) {
        free(o);
        return false;
      }
      memcpy(s->scratch + *olen, o->data + skip, n);
      *olen += n;
      s->next_seq += n;
    }
    free(o);
  }
  return true;
}

/* Appends to the output buffer the part of a segment beyond next_seq, if
 * the segment starts at or before it, then whatever buffered segments
 * follow. Returns false on memory failure. */
static bool append_tail(dx_tcp_stream *s, uint32_t seq, const uint8_t *data, uint32_t len,
                        uint64_t frame, uint32_t *olen) {
  int32_t d = seq_diff(seq, s->next_seq);
  if (d <= 0 && (uint32_t)(-(int64_t)d) < len) {
    uint32_t o = (uint32_t)(-(int64_t)d);
    uint32_t n = len - o;
    if (!grow((void **)&s->scratch, &s->scratch_cap, (uint64_t)*olen + n, 1) ||
        !out_piece(s, frame, n))
      return false;
    memcpy(s->scratch + *olen, data + o, n);
    *olen += n;
    s->next_seq += n;
  }
  return drain(s, olen);
}

static int scratch_out(dx_tcp_stream *s, uint32_t olen, bool gap, dx_reasm_out *out) {
  out->data = s->scratch;
  out->len = olen;
  out->seg_off = 0;
  out->seg_len = 0;
  out->gap = gap;
  out->pieces = s->opieces;
  out->npieces = s->nopieces;
  return olen ? DX_REASM_DELIVER : DX_REASM_BUFFERED;
}

/* True if seq falls inside the bytes the pending PDU still needs. */
static bool in_pending_pdu(const dx_tcp_stream *s, uint32_t seq) {
  if (!s->pdu_need || s->pdu_one_more || s->pdu_len >= s->pdu_need)
    return false;
  return seq_diff(seq, s->next_seq + (s->pdu_need - s->pdu_len)) < 0;
}

static void ooo_to_stale(dx_tcp_stream *s, uint32_t seq, const uint8_t *data, uint32_t len,
                         uint64_t frame);

int dx_tcp_stream_push(dx_tcp_stream *s, uint32_t seq, const uint8_t *data, uint32_t len,
                       uint64_t frame, dx_reasm_out *out) {
  memset(out, 0, sizeof *out);
  s->nopieces = 0;
  if (len == 0)
    return DX_REASM_OLD;
  if (!s->started) {
    s->started = true;
    s->next_seq = seq;
  }
  if (ooo_first(s) && seq_diff(ooo_first(s)->seq, s->next_seq) <= 0) {
    /* Buffered bytes became deliverable (after a skip): they go first. */
    uint32_t olen = 0;
    if (!drain(s, &olen))
      return DX_REASM_DROPPED;
    if (seq_diff(seq, s->next_seq) > 0) {
      if (!ooo_insert(s, seq, data, len, frame) && !olen)
        return DX_REASM_DROPPED;
    } else if (!append_tail(s, seq, data, len, frame, &olen)) {
      return DX_REASM_DROPPED;
    }
    return scratch_out(s, olen, false, out);
  }
  int32_t d = seq_diff(seq, s->next_seq);
  uint32_t off = 0;
  if (d < 0) {
    /* Starts before what we have delivered: keep only the new tail. */
    uint32_t behind = (uint32_t)(-(int64_t)d);
    if (behind >= len)
      return DX_REASM_OLD;
    off = behind;
  } else if (d > 0) {
    /* A gap before this segment: keep it for later (without reordering,
     * only when it is a piece of the pending PDU). */
    bool keep = !s->no_reorder || in_pending_pdu(s, seq);
    uint32_t pdu_end = s->next_seq + (s->pdu_need - s->pdu_len);
    if (keep && s->no_reorder && seq_diff(seq + len, pdu_end) > 0) {
      /* It reaches beyond the pending PDU's known end: as tshark (its
       * multi-segment PDU knows where it ends), its bytes up to that end
       * go to the PDU, left incomplete (the gap is in it), and the bytes
       * after it start the next PDU: the gap is given up at the PDU's
       * end. */
      dx_tcp_pdu_park(s, s->next_seq - s->pdu_len);
      ooo_to_stale(s, seq, data, pdu_end - seq, frame);
      off = pdu_end - seq;
      s->next_seq = pdu_end;
      out->gap = true;
      out->pdu_cut = off;
    } else if (keep && ooo_insert(s, seq, data, len, frame)) {
      return DX_REASM_BUFFERED;
    } else {
      /* No room (or not kept): give the gap up and deliver from the first
       * buffered segment (or from this one). */
      bool parked = s->no_reorder && s->pdu_need && !s->pdu_until_fin;
      if (s->no_reorder && s->pdu_need)
        dx_tcp_pdu_park(s, s->next_seq - s->pdu_len);
      if (!keep || !ooo_first(s) || seq_diff(ooo_first(s)->seq, seq) > 0) {
        /* (segments kept ahead of the gap for the PDU now left incomplete
         * stay its pieces past the hole, as in tshark's fragment table) */
        if (parked)
          ooo_to_stale(s, seq, data, 0, frame);
        else
          ooo_clear(s);
        s->next_seq = seq;
        out->gap = true;
      } else {
        s->next_seq = ooo_first(s)->seq;
        uint32_t olen = 0;
        if (!drain(s, &olen) || !append_tail(s, seq, data, len, frame, &olen))
          return DX_REASM_DROPPED;
        /* (if this segment is still ahead, there was no room to keep it) */
        int rc = scratch_out(s, olen, true, out);
        return rc == DX_REASM_DELIVER ? rc : DX_REASM_DROPPED;
      }
    }
  }
  /* In order from data + off. */
  uint32_t n = len - off;
  s->next_seq += n;
  out->seg_off = off;
  out->seg_len = n;
  if (!out_piece(s, frame, n))
    return DX_REASM_DROPPED;
  if (ooo_first(s) && seq_diff(ooo_first(s)->seq, s->next_seq) <= 0) {
    /* Buffered segments follow: build one contiguous output. */
    if (!grow((void **)&s->scratch, &s->scratch_cap, n, 1))
      return DX_REASM_DROPPED;
    memcpy(s->scratch, data + off, n);
    uint32_t olen = n;
    if (!drain(s, &olen))
      return DX_REASM_DROPPED;
    out->data = s->scratch;
    out->len = olen;
  } else {
    out->data = data + off;
    out->len = n;
  }
  out->pieces = s->opieces;
  out->npieces = s->nopieces;
  return DX_REASM_DELIVER;
}

void dx_tcp_stream_skip(dx_tcp_stream *s, uint32_t seq, uint32_t len) {
  dx_tcp_pdu_reset(s);
  if (!s->started) {
    s->started = true;
    s->next_seq = seq + len;
    return;
  }
  uint32_t end = seq + len;
  if (seq_diff(end, s->next_seq) > 0)
    s->next_seq = end;
  /* Buffered segments now wholly behind are useless. */
  while (ooo_first(s) && seq_diff(ooo_first(s)->seq + ooo_first(s)->len, s->next_seq) <= 0)
    free(ooo_pop(s));
}

/* Appends pieces to a list, a piece of the same frame as the last one
 * (and no overlap of its own) merged into it. */
static bool add_pieces_to(dx_reasm_piece **list, uint32_t *n, uint32_t *cap,
                          const dx_reasm_piece *pieces, uint32_t npieces) {
  for (uint32_t i = 0; i < npieces; i++) {
    if (*n && (*list)[*n - 1].frame == pieces[i].frame && !pieces[i].back && !pieces[i].flags) {
      (*list)[*n - 1].len += pieces[i].len;
      continue;
    }
    if (*n >= PIECES_MAX || !grow((void **)list, cap, (uint64_t)*n + 1, sizeof **list))
      return false;
    (*list)[(*n)++] = pieces[i];
  }
  return true;
}

static bool add_pieces(dx_tcp_stream *s, const dx_reasm_piece *pieces, uint32_t npieces) {
  return add_pieces_to(&s->pieces, &s->npieces, &s->pieces_cap, pieces, npieces);
}

bool dx_tcp_pdu_append(dx_tcp_stream *s, const uint8_t *data, uint32_t len,
                       const dx_reasm_piece *pieces, uint32_t npieces) {
  if (!s->pdu_need)
    return false;
  if (len == 0)
    return true;
  if (!charge(s, len)) {
    dx_tcp_pdu_reset(s);
    return false;
  }
  /* A PDU of known length that doubling would reach anyway is given its
   * exact room at once (no copy later); what is charged is what it holds. */
  uint64_t room = (uint64_t)s->pdu_len + len;
  bool exact =
      room > s->pdu_cap && !s->pdu_one_more && s->pdu_need >= room && s->pdu_need <= 2 * room;
  if (!(exact ? grow_exact(s, s->pdu_need) : grow((void **)&s->pdu, &s->pdu_cap, room, 1))) {
    uncharge(s, len);
    dx_tcp_pdu_reset(s);
    return false;
  }
  memcpy(s->pdu + s->pdu_len, data, len);
  s->pdu_len += len;
  if (!add_pieces(s, pieces, npieces)) {
    dx_tcp_pdu_reset(s);
    return false;
  }
  return true;
}

/* True if the n bytes at p lie in the block of cap bytes at b. */
static bool within(const void *p, size_t n, const void *b, size_t cap) {
  uintptr_t x = (uintptr_t)p, lo = (uintptr_t)b;
  return b && n && x + n > lo && x < lo + cap;
}

bool dx_tcp_pdu_start(dx_tcp_stream *s, const uint8_t *data, uint32_t len, uint32_t more,
                      const dx_reasm_piece *pieces, uint32_t npieces) {
  /* Copied first where they lie in the current PDU's buffers, which the
   * reset frees. */
  uint8_t *copy = NULL;
  dx_reasm_piece *pc = NULL;
  if (within(data, len, s->pdu, s->pdu_cap)) {
    if (!(copy = malloc(len)))
      return false;
    memcpy(copy, data, len);
    data = copy;
  }
  size_t psize = (size_t)npieces * sizeof *pc;
  if (within(pieces, psize, s->pieces, (size_t)s->pieces_cap * sizeof *s->pieces)) {
    if (!(pc = malloc(psize))) {
      free(copy);
      return false;
    }
    memcpy(pc, pieces, psize);
    pieces = pc;
  }
  dx_tcp_pdu_reset(s);
  uint64_t need = (uint64_t)len + (more ? more : 1);
  bool ok = need <= s->lim.max_stream;
  if (ok) {
    s->pdu_need = (uint32_t)need;
    s->pdu_one_more = more == 0;
    ok = dx_tcp_pdu_append(s, data, len, pieces, npieces);
  }
  if (!ok)
    dx_tcp_pdu_reset(s);
  free(copy);
  free(pc);
  return ok;
}

/* ---- tshark's table of PDUs ---- */

void dx_tcp_pdu_park(dx_tcp_stream *s, uint32_t seq) {
  if (!s->pdu_need)
    return;
  if (s->pdu_until_fin) {
    /* (bytes missing before its end: the FIN cannot complete it) */
    dx_tcp_pdu_reset(s);
    return;
  }
  stale_set_aside(s);
  /* the bytes stay charged: they move from the pending PDU to the stale one */
  s->st = s->pdu;
  s->st_pieces = s->pieces;
  s->st_seq = seq;
  s->st_len = s->pdu_len;
  s->st_cap = s->pdu_cap;
  s->st_need = s->pdu_need;
  s->st_one_more = s->pdu_one_more;
  s->st_npieces = s->npieces;
  s->st_pieces_cap = s->pieces_cap;
  s->pdu = NULL;
  s->pieces = NULL;
  s->pdu_len = s->pdu_cap = s->pdu_need = 0;
  s->npieces = s->pieces_cap = 0;
  s->pdu_one_more = false;
  s->pdu_until_fin = false;
}

void dx_tcp_msp_done(dx_tcp_stream *s, uint32_t seq, uint32_t end) {
  s->done[s->done_next % DX_REASM_DONE_MAX].seq = seq;
  s->done[s->done_next % DX_REASM_DONE_MAX].end = end;
  s->done_next = (s->done_next + 1) % DX_REASM_DONE_MAX;
  if (s->ndone < DX_REASM_DONE_MAX)
    s->ndone++;
}

/* Keeps c in *m if it starts at seq (exact) or closer before it than *m;
 * candidates come newest first, so an equal start keeps the newer. */
static void msp_consider(uint32_t seq, bool exact, uint32_t cseq, uint32_t cend, int kind,
                         dx_reasm_msp *m, uint32_t *best) {
  uint32_t d = seq - cseq;
  if ((exact && d != 0) || d > INT32_MAX || d >= *best)
    return;
  *best = d;
  m->seq = cseq;
  m->end = cend;
  m->kind = kind;
}

bool dx_tcp_msp_find(const dx_tcp_stream *s, uint32_t seq, bool exact, dx_reasm_msp *m) {
  uint32_t best = UINT32_MAX;
  if (s->pdu_need) {
    uint32_t start = s->next_seq - s->pdu_len;
    msp_consider(seq, exact, start, start + s->pdu_need, DX_MSP_PENDING, m, &best);
  }
  if (s->st_need)
    msp_consider(seq, exact, s->st_seq, s->st_seq + s->st_need, DX_MSP_STALE, m, &best);
  for (uint32_t i = s->nold_st; i-- > 0;)
    msp_consider(seq, exact, s->old_st[i].seq, s->old_st[i].seq + s->old_st[i].need, DX_MSP_STALE,
                 m, &best);
  for (uint32_t i = 0; i < s->ndone; i++) {
    uint32_t k = (s->done_next + DX_REASM_DONE_MAX - 1 - i) % DX_REASM_DONE_MAX;
    msp_consider(seq, exact, s->done[k].seq, s->done[k].end, DX_MSP_DONE, m, &best);
  }
  return best != UINT32_MAX;
}

_Static_assert(DX_REASM_OOO_OVERHEAD >= sizeof(dx_reasm_held) + 16,
               "a held piece's slot and allocator overhead");

/* Holds len bytes at offset off of the current stale PDU, past a hole in
 * it (sorted by offset; nothing if as many are held, or past the caps). */
static void stale_hold(dx_tcp_stream *s, uint32_t off, const uint8_t *data, uint32_t len,
                       uint64_t frame) {
  if (!len || s->st_nheld >= DX_REASM_HELD_MAX || !charge(s, len))
    return;
  /* its header and allocation count against the session's total too, as
   * a segment kept ahead of a gap does (DX_REASM_OOO_OVERHEAD) */
  if (s->lim.total && *s->lim.total + DX_REASM_OOO_OVERHEAD > s->lim.max_total) {
    uncharge(s, len);
    return;
  }
  if (s->lim.total)
    *s->lim.total += DX_REASM_OOO_OVERHEAD;
  dx_reasm_held *nh = realloc(s->st_held, ((size_t)s->st_nheld + 1) * sizeof *nh);
  uint8_t *copy = nh ? malloc(len) : NULL;
  if (nh)
    s->st_held = nh;
  if (!copy) {
    uncharge(s, (uint64_t)len + DX_REASM_OOO_OVERHEAD);
    return;
  }
  memcpy(copy, data, len);
  uint32_t at = s->st_nheld;
  while (at > 0 && s->st_held[at - 1].off > off)
    at--;
  memmove(&s->st_held[at + 1], &s->st_held[at], (s->st_nheld - at) * sizeof *s->st_held);
  s->st_held[at] = (dx_reasm_held){off, len, frame, copy};
  s->st_nheld++;
  s->st_held_bytes += len;
}

/* Appends n bytes to the current stale PDU: those of a piece whose first
 * `back` bytes repeat the PDU's last ones (data[back..back+n); flagged an
 * overlap, and a conflict where the repeated bytes differ, as tshark lists
 * it). The n bytes are charged already; false (uncharged) if memory ran
 * out. */
static bool stale_append(dx_tcp_stream *s, const uint8_t *data, uint32_t back, uint32_t n,
                         uint64_t frame) {
  if (!grow((void **)&s->st, &s->st_cap, (uint64_t)s->st_len + n, 1)) {
    uncharge(s, n);
    return false;
  }
  dx_reasm_piece pc = {frame, n, back, back ? DX_PIECE_OVERLAP : 0};
  if (back && memcmp(s->st + s->st_len - back, data, back) != 0)
    pc.flags |= DX_PIECE_CONFLICT;
  memcpy(s->st + s->st_len, data + back, n);
  s->st_len += n;
  return add_pieces_to(&s->st_pieces, &s->st_npieces, &s->st_pieces_cap, &pc, 1);
}

/* The held pieces that the bytes now contiguous reach join them, as pieces
 * of their own (one that overlaps what is there flagged, as tshark lists
 * it). False if memory ran out. */
static bool stale_merge(dx_tcp_stream *s) {
  while (s->st_nheld && s->st_held[0].off <= s->st_len &&
         (s->st_one_more || s->st_len < s->st_need)) {
    dx_reasm_held h = s->st_held[0];
    memmove(&s->st_held[0], &s->st_held[1], (s->st_nheld - 1) * sizeof h);
    s->st_nheld--;
    s->st_held_bytes -= h.len;
    uncharge(s, DX_REASM_OOO_OVERHEAD);
    uint32_t back = s->st_len - h.off;
    if (h.len > back) {
      uint32_t n = h.len - back;
      if (n > s->st_need - s->st_len && !s->st_one_more)
        n = s->st_need - s->st_len;
      uncharge(s, h.len - n); /* (the n bytes stay charged, now in st_len) */
      bool ok = stale_append(s, h.data, back, n, h.frame);
      free(h.data);
      if (!ok)
        return false;
    } else {
      uncharge(s, h.len); /* (all of it there already) */
      free(h.data);
    }
  }
  return true;
}

/* The PDU just parked (the current stale one) keeps what was kept ahead of
 * its gap and the cut segment's bytes up to its end ([seq, seq+len)), held
 * past the gap as tshark's fragment table has them; the rest kept ahead is
 * dropped. */
static void ooo_to_stale(dx_tcp_stream *s, uint32_t seq, const uint8_t *data, uint32_t len,
                         uint64_t frame) {
  uint32_t n = s->ooo_count;
  dx_reasm_ooo **keep = s->ooo;
  uncharge(s, s->ooo_bytes + (uint64_t)n * DX_REASM_OOO_OVERHEAD);
  s->ooo = NULL;
  s->ooo_count = s->ooo_bytes = s->ooo_cap = 0;
  if (s->st_need) {
    for (uint32_t i = 0; i < n; i++) {
      uint32_t off = keep[i]->seq - s->st_seq;
      if (off <= s->st_len || off >= s->st_need || off > INT32_MAX)
        continue;
      uint32_t l = keep[i]->len;
      if (!s->st_one_more && l > s->st_need - off)
        l = s->st_need - off;
      stale_hold(s, off, keep[i]->data, l, keep[i]->frame);
    }
    uint32_t off = seq - s->st_seq;
    if (len && off > s->st_len && off < s->st_need && off <= INT32_MAX)
      stale_hold(s, off, data, len, frame);
  }
  for (uint32_t i = 0; i < n; i++)
    free(keep[i]);
  free(keep);
}

/* Makes the stale PDU that starts last before or at seq (current or set
 * aside) the current one. */
static void stale_select(dx_tcp_stream *s, uint32_t seq) {
  uint32_t best = s->st_need ? seq - s->st_seq : UINT32_MAX;
  if (best > INT32_MAX)
    best = UINT32_MAX;
  uint32_t pick = UINT32_MAX;
  for (uint32_t i = s->nold_st; i-- > 0;) {
    uint32_t d = seq - s->old_st[i].seq;
    if (d <= INT32_MAX && d < best) {
      best = d;
      pick = i;
    }
  }
  if (pick == UINT32_MAX)
    return;
  dx_reasm_stale o = s->old_st[pick];
  memmove(&s->old_st[pick], &s->old_st[pick + 1], (s->nold_st - pick - 1) * sizeof o);
  s->nold_st--;
  s->old_st_bytes -= o.len + o.held_bytes;
  stale_set_aside(s); /* (room for it: one was just taken out) */
  s->st_held = o.held;
  s->st_nheld = o.nheld;
  s->st_held_bytes = o.held_bytes;
  s->st = o.data;
  s->st_pieces = o.pieces;
  s->st_seq = o.seq;
  s->st_len = o.len;
  s->st_cap = o.cap;
  s->st_need = o.need;
  s->st_npieces = o.npieces;
  s->st_pieces_cap = o.pieces_cap;
  s->st_one_more = o.one_more;
}

int dx_tcp_stale_add(dx_tcp_stream *s, uint32_t seq, const uint8_t *data, uint32_t len,
                     uint64_t frame, uint32_t *took) {
  *took = 0;
  if (len == 0)
    return DX_STALE_HELD;
  stale_select(s, seq);
  if (!s->st_need)
    return DX_STALE_HELD;
  uint32_t off = seq - s->st_seq, end = s->st_need;
  if (off > INT32_MAX || off >= end)
    return DX_STALE_HELD; /* not in its range */
  if (off > s->st_len) {
    /* past a hole: held for when the hole is filled */
    stale_hold(s, off, data, s->st_one_more || len < end - off ? len : end - off, frame);
    return DX_STALE_HELD;
  }
  /* the segment's bytes up to the end of the PDU (all of them if it asked
   * for one more segment, as tshark takes the whole segment then) */
  uint32_t upto = s->st_one_more || len < end - off ? len : end - off;
  if (off + upto <= s->st_len)
    return DX_STALE_HELD; /* nothing new */
  uint32_t back = s->st_len - off, n = upto - back;
  if (!charge(s, n)) {
    dx_tcp_stale_drop(s, false);
    return DX_STALE_HELD;
  }
  if (!stale_append(s, data, back, n, frame) || !stale_merge(s)) {
    dx_tcp_stale_drop(s, false);
    return DX_STALE_HELD;
  }
  *took = upto;
  return s->st_len >= s->st_need ? DX_STALE_COMPLETE : DX_STALE_ADDED;
}

bool dx_tcp_stale_start(dx_tcp_stream *s, uint32_t seq, const uint8_t *data, uint32_t len,
                        uint32_t more, uint64_t frame) {
  stale_set_aside(s);
  uint64_t need = (uint64_t)len + (more ? more : 1);
  if (len == 0 || need > s->lim.max_stream || !charge(s, len))
    return false;
  s->st = malloc(len);
  dx_reasm_piece pc = {frame, len, 0, 0};
  if (!s->st || !add_pieces_to(&s->st_pieces, &s->st_npieces, &s->st_pieces_cap, &pc, 1)) {
    uncharge(s, len);
    free(s->st);
    s->st = NULL;
    free(s->st_pieces);
    s->st_pieces = NULL;
    s->st_npieces = s->st_pieces_cap = 0;
    return false;
  }
  memcpy(s->st, data, len);
  s->st_seq = seq;
  s->st_len = s->st_cap = len;
  s->st_need = (uint32_t)need;
  s->st_one_more = more == 0;
  return true;
}
