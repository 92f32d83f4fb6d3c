/*
 * TCP stream reassembly, one direction of a connection at a time.
 *
 * Two stages:
 *   1. Ordering: segments go in with their sequence numbers, in any order,
 *      possibly overlapping or retransmitted; what comes out is the next run
 *      of in-order bytes never delivered before. Segments that arrive ahead
 *      of a gap are buffered (bounded); when the buffer would exceed its
 *      caps the gap is given up and delivery resumes after it.
 *   2. PDU buffer: bytes an application dissector asked to keep
 *      (desegmentation), with the frames they came from, until enough bytes
 *      have arrived.
 * Memory is bounded per direction (max_stream) and across a session
 * (max_total, counted in *total, shared by every stream of a session).
 * No packet bytes are read here: callers pass plain buffers.
 */
#ifndef LIBDISSECT_CORE_TCP_REASM_H
#define LIBDISSECT_CORE_TCP_REASM_H

#include <stdbool.h>
#include <stdint.h>

typedef struct dx_reasm_piece {
  uint64_t frame; /* frame number the bytes came from */
  uint32_t len;   /* bytes of this piece */
  /* The segment's bytes just before these that repeated bytes already held
   * (an overlap): tshark lists the segment whole, from where it starts. */
  uint32_t back;
  unsigned flags; /* DX_PIECE_* */
} dx_reasm_piece;

enum {
  DX_PIECE_OVERLAP = 1u,  /* back > 0: the segment overlapped bytes held before */
  DX_PIECE_CONFLICT = 2u, /* and its bytes there differed from them */
};

/* A PDU tshark would have in its table of multi-segment PDUs for a
 * direction, as dx_tcp_msp_find() reports it: [seq, end). */
enum { DX_MSP_PENDING = 1, DX_MSP_STALE = 2, DX_MSP_DONE = 3 };
typedef struct dx_reasm_msp {
  uint32_t seq, end;
  int kind; /* DX_MSP_* */
} dx_reasm_msp;

/* PDUs completed lately that a stream remembers (their ranges only). */
#define DX_REASM_DONE_MAX 8u
/* Stale PDUs kept besides the current one (the older ones, newest last). */
#define DX_REASM_STALE_KEPT 16u

/* Bytes of a stale PDU past a hole in it (as tshark's fragment table keeps
 * them), sorted by offset; they join its bytes once the hole is filled. */
typedef struct dx_reasm_held {
  uint32_t off, len; /* from the PDU's first byte */
  uint64_t frame;
  uint8_t *data;
} dx_reasm_held;
/* Pieces held past holes per stale PDU (more are not kept). */
#define DX_REASM_HELD_MAX 64u

/* A stale PDU set aside when a newer one took its place: its bytes from
 * its start up to the first hole, and those held past it. */
typedef struct dx_reasm_stale {
  uint8_t *data;
  dx_reasm_piece *pieces;
  uint32_t seq, len, cap, need, npieces, pieces_cap;
  bool one_more;
  dx_reasm_held *held;
  uint32_t nheld, held_bytes;
} dx_reasm_stale;

typedef struct dx_reasm_ooo dx_reasm_ooo;

typedef struct dx_reasm_limits {
  uint32_t max_stream; /* bytes buffered in one direction (ordering + PDU) */
  uint64_t max_total;  /* bytes buffered in all streams sharing *total */
  uint64_t *total;     /* session-wide counter; may be NULL (no global cap) */
} dx_reasm_limits;

typedef struct dx_tcp_stream {
  dx_reasm_limits lim;
  bool started; /* next_seq is known */
  /* As tshark with tcp.reassemble_out_of_order off (its default): a segment
   * ahead of a gap is not kept for later unless it belongs to the pending
   * PDU; the gap is given up at once and the segment delivered after it. */
  bool no_reorder;
  uint32_t next_seq; /* first byte not delivered yet */
  /* segments ahead of a gap: a binary min-heap by sequence number (equal
   * ones in arrival order), so that storing one and taking the first cost
   * O(log n) comparisons, not a walk of the up to 1,024 kept */
  dx_reasm_ooo **ooo;
  uint32_t ooo_count, ooo_bytes, ooo_cap;
  uint32_t ooo_arrival; /* arrival counter, for the order of equal ones */
  /* output of the last push (owned, valid until the next push) */
  uint8_t *scratch;
  uint32_t scratch_cap;
  dx_reasm_piece *opieces;
  uint32_t nopieces, opieces_cap;
  /* pending PDU */
  uint8_t *pdu;
  uint32_t pdu_len, pdu_cap;
  uint32_t pdu_need; /* total bytes the pending PDU needs; 0 = nothing pending */
  bool pdu_one_more; /* the dissector did not know how many: any byte helps */
  /* DX_DESEGMENT_UNTIL_FIN: every byte until the FIN (pdu_one_more too;
   * pdu_need is then out of reach, the cap ends it first) */
  bool pdu_until_fin;
  dx_reasm_piece *pieces;
  uint32_t npieces, pieces_cap;
  /* Without reordering: the PDU that was pending when a gap before a
   * segment was given up (dx_tcp_pdu_park). tshark keeps such a PDU, and a
   * segment that brings its missing bytes later (one flagged out of order
   * or retransmitted) completes it there. Only bytes that follow the ones
   * held are taken (a segment further on is not kept). Counted as buffered
   * bytes like the pending PDU. */
  uint8_t *st;
  uint32_t st_seq, st_len, st_cap, st_need; /* st_need 0: none */
  bool st_one_more;
  dx_reasm_piece *st_pieces;
  uint32_t st_npieces, st_pieces_cap;
  dx_reasm_held *st_held; /* its bytes past a hole (DX_REASM_HELD_MAX at most) */
  uint32_t st_nheld, st_held_bytes;
  /* The stale PDUs before the current one (tshark keeps every PDU it has
   * begun: a segment that fills an old gap may still complete one): at
   * most DX_REASM_STALE_KEPT, the one set aside longest ago dropped first,
   * and dropped as well when their bytes are wanted for a pending PDU
   * (charge()). The array is allocated on first use, charged to the
   * session's total. */
  dx_reasm_stale *old_st;
  uint32_t nold_st, old_st_bytes;
  /* the last PDUs completed: [seq, end), newest at done[(done_next - 1) % max] */
  struct {
    uint32_t seq, end;
  } done[DX_REASM_DONE_MAX];
  uint32_t ndone, done_next;
} dx_tcp_stream;

enum {
  DX_REASM_DELIVER = 0,  /* out holds new in-order bytes */
  DX_REASM_OLD = 1,      /* every byte was delivered before (retransmission) */
  DX_REASM_BUFFERED = 2, /* stored ahead of a gap, nothing to deliver yet */
  DX_REASM_DROPPED = 3   /* could not be buffered (cap or memory): lost */
};

typedef struct dx_reasm_out {
  const uint8_t *data; /* in-order bytes (into the pushed segment or an owned buffer) */
  uint32_t len;
  /* The bytes of the pushed segment that start the output: data[0..seg_len)
   * are the segment's bytes from seg_off on. seg_len == len means the
   * output is only (part of) the pushed segment. */
  uint32_t seg_off, seg_len;
  bool gap; /* bytes were skipped before this output (a gap was given up) */
  /* Without reordering: the bytes of the pushed segment, from its start,
   * that lay in the pending PDU past a gap in it while the segment reached
   * beyond the PDU's known end. They went to that PDU, which was then
   * parked (incomplete: the gap is in it), and delivery resumed at the
   * PDU's end: seg_off == pdu_cut. 0 otherwise. */
  uint32_t pdu_cut;
  const dx_reasm_piece *pieces; /* where the output bytes came from, in order */
  uint32_t npieces;
} dx_reasm_out;

/* What a segment kept ahead of a gap costs the session's total beyond its
 * bytes (its header, its heap slot, the allocator's own): 1,024 one-byte
 * segments hold about 50 KB, not 1 KB. The per-direction cap (max_stream)
 * counts payload bytes only. */
#define DX_REASM_OOO_OVERHEAD 48u

/* Sets up an empty stream with its limits. */
void dx_tcp_stream_init(dx_tcp_stream *s, const dx_reasm_limits *lim);
/* Frees every buffer (and gives their bytes back to *total). */
void dx_tcp_stream_free(dx_tcp_stream *s);
/* Sets the sequence number of the first byte to deliver (after a SYN). Any
 * buffered state is dropped. */
void dx_tcp_stream_start(dx_tcp_stream *s, uint32_t seq);
/* Feeds one segment. Returns DX_REASM_*; on DX_REASM_DELIVER, *out is
 * filled. A segment of length 0 returns DX_REASM_OLD. */
int dx_tcp_stream_push(dx_tcp_stream *s, uint32_t seq, const uint8_t *data, uint32_t len,
                       uint64_t frame, dx_reasm_out *out);
/* Marks [seq, seq+len) as consumed without delivering it (a segment that
 * could not be read in full). A pending PDU is dropped. */
void dx_tcp_stream_skip(dx_tcp_stream *s, uint32_t seq, uint32_t len);

/* ---- pending PDU ---- */
static inline bool dx_tcp_pdu_pending(const dx_tcp_stream *s) {
  return s->pdu_need != 0;
}
/* Starts a pending PDU with `len` bytes that need `more` bytes after them
 * (more == 0: "one more, length unknown"). Replaces any pending PDU. Returns
 * false if a cap was reached (nothing is kept then). */
bool dx_tcp_pdu_start(dx_tcp_stream *s, const uint8_t *data, uint32_t len, uint32_t more,
                      const dx_reasm_piece *pieces, uint32_t npieces);
/* Appends bytes to the pending PDU. Returns false on a cap (the PDU is then
 * dropped). */
bool dx_tcp_pdu_append(dx_tcp_stream *s, const uint8_t *data, uint32_t len,
                       const dx_reasm_piece *pieces, uint32_t npieces);
/* True if n more bytes fit in the pending PDU (its direction's cap and the
 * session's total). */
bool dx_tcp_pdu_fits(const dx_tcp_stream *s, uint64_t n);
/* True if the pending PDU has the bytes it asked for. */
static inline bool dx_tcp_pdu_complete(const dx_tcp_stream *s) {
  return s->pdu_need && s->pdu_len >= s->pdu_need;
}
/* Forgets the pending PDU. */
void dx_tcp_pdu_reset(dx_tcp_stream *s);
/* The pending PDU's bytes (pdu_len of them, a block from malloc()) become
 * the caller's, to hand to dx_packet_adopt_source_kind(); the PDU is still
 * pending, without bytes, until dx_tcp_pdu_reset(). NULL if it has none. */
uint8_t *dx_tcp_pdu_take(dx_tcp_stream *s);
/* The pending PDU, whose first byte has sequence number seq, becomes the
 * stale one (the current stale one is set aside among the older ones), no
 * longer pending. */
void dx_tcp_pdu_park(dx_tcp_stream *s, uint32_t seq);

/* ---- tshark's table of PDUs (without reordering) ---- */
/* The PDU starting at seq (exact) or the last one starting before or at
 * seq: the pending one, the stale one or one completed lately (the newest
 * of equal starts). False if none. */
bool dx_tcp_msp_find(const dx_tcp_stream *s, uint32_t seq, bool exact, dx_reasm_msp *m);
/* Remembers that the PDU [seq, end) was completed. */
void dx_tcp_msp_done(dx_tcp_stream *s, uint32_t seq, uint32_t end);

enum {
  DX_STALE_HELD = 0,    /* in its range, but no byte taken (held before, or past a hole) */
  DX_STALE_ADDED = 1,   /* bytes taken, still incomplete */
  DX_STALE_COMPLETE = 2 /* complete: st/st_len/st_pieces hold it until dx_tcp_stale_drop() */
};
/* A segment [seq, seq+len) that starts in a stale PDU's range (the one
 * starting last before or at seq, which becomes the current stale PDU): takes the
 * bytes that follow the ones it holds (up to its end; the whole segment if
 * it asked for "one more"), then those held past the hole it filled; bytes
 * past a hole are held for later. *took: bytes of the segment from its
 * start up to the last taken (0 if none, or only held). Returns DX_STALE_*;
 * on a cap, the stale PDU is dropped and DX_STALE_HELD returned. */
int dx_tcp_stale_add(dx_tcp_stream *s, uint32_t seq, const uint8_t *data, uint32_t len,
                     uint64_t frame, uint32_t *took);
/* The stale PDU just completed was not enough for the application: it
 * drops its first doff bytes (taken) and waits for `more` bytes after the
 * ones it holds (0: any). False (nothing changed) past the cap or without
 * a stale PDU. */
bool dx_tcp_stale_more(dx_tcp_stream *s, uint32_t doff, uint32_t more);
/* Makes [seq, seq+len) the stale PDU (the current one set aside), needing `more`
 * bytes after them (0: one more segment, length unknown): a PDU begun
 * outside the stream's order, whose missing bytes can only come from
 * segments that fill old gaps. False on a cap (nothing kept then). */
bool dx_tcp_stale_start(dx_tcp_stream *s, uint32_t seq, const uint8_t *data, uint32_t len,
                        uint32_t more, uint64_t frame);
/* Forgets the stale PDU (after a completion: remembered as completed). */
void dx_tcp_stale_drop(dx_tcp_stream *s, bool completed);
/* Bytes buffered by this stream (ordering + pending and stale PDUs). */
uint32_t dx_tcp_stream_buffered(const dx_tcp_stream *s);

#endif
