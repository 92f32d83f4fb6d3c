/* The TCP reassembly engine (core/tcp_reasm.c) through its own API:
 * in-order delivery across out-of-order segments, retransmissions,
 * overlaps, sequence wrap, the PDU buffer and the caps. Expected bytes are
 * worked out by hand from the segments fed in. */
#include "core/tcp_reasm.h"
#include "testutil.h"

#include <string.h>

static const uint8_t alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static dx_tcp_stream *mk(uint64_t *total, uint32_t max_stream, uint64_t max_total) {
  static dx_tcp_stream s;
  dx_reasm_limits lim = {max_stream, max_total, total};
  dx_tcp_stream_init(&s, &lim);
  return &s;
}

/* Pushes alpha[off, off+len) as sequence base+off. */
static int push(dx_tcp_stream *s, uint32_t base, uint32_t off, uint32_t len, uint64_t frame,
                dx_reasm_out *o) {
  return dx_tcp_stream_push(s, base + off, alpha + off, len, frame, o);
}

static int out_is(const dx_reasm_out *o, uint32_t off, uint32_t len) {
  return o->len == len && memcmp(o->data, alpha + off, len) == 0;
}

static void test_in_order(void) {
  uint64_t total = 0;
  dx_tcp_stream *s = mk(&total, 1000, 10000);
  dx_reasm_out o;
  dx_tcp_stream_start(s, 100);
  CU_ASSERT_EQUAL(push(s, 100, 0, 5, 1, &o), DX_REASM_DELIVER);
  CU_ASSERT(out_is(&o, 0, 5));
  CU_ASSERT_EQUAL(o.seg_off, 0);
  CU_ASSERT_EQUAL(o.seg_len, 5);
  CU_ASSERT_EQUAL(o.npieces, 1);
  CU_ASSERT_EQUAL(o.pieces[0].frame, 1);
  CU_ASSERT_EQUAL(o.pieces[0].len, 5);
  CU_ASSERT_FALSE(o.gap);
  /* the delivered bytes point into the segment: nothing is buffered */
  CU_ASSERT_PTR_EQUAL(o.data, alpha);
  CU_ASSERT_EQUAL(push(s, 100, 5, 5, 2, &o), DX_REASM_DELIVER);
  CU_ASSERT(out_is(&o, 5, 5));
  CU_ASSERT_EQUAL(s->next_seq, 110);
  CU_ASSERT_EQUAL(total, 0);
  /* empty segment */
  CU_ASSERT_EQUAL(dx_tcp_stream_push(s, 110, alpha, 0, 3, &o), DX_REASM_OLD);
  dx_tcp_stream_free(s);
}

static void test_retransmission(void) {
  uint64_t total = 0;
  dx_tcp_stream *s = mk(&total, 1000, 10000);
  dx_reasm_out o;
  dx_tcp_stream_start(s, 0);
  push(s, 0, 0, 10, 1, &o);
  /* the same bytes again: nothing new */
  CU_ASSERT_EQUAL(push(s, 0, 0, 10, 2, &o), DX_REASM_OLD);
  CU_ASSERT_EQUAL(push(s, 0, 3, 7, 3, &o), DX_REASM_OLD);
  /* overlapping old (5..9) and new (10..14): only the new part */
  CU_ASSERT_EQUAL(push(s, 0, 5, 10, 4, &o), DX_REASM_DELIVER);
  CU_ASSERT(out_is(&o, 10, 5));
  CU_ASSERT_EQUAL(o.seg_off, 5);
  CU_ASSERT_EQUAL(o.seg_len, 5);
  CU_ASSERT_EQUAL(o.pieces[0].frame, 4);
  CU_ASSERT_EQUAL(o.pieces[0].len, 5);
  dx_tcp_stream_free(s);
}

static void test_out_of_order(void) {
  uint64_t total = 0;
  dx_tcp_stream *s = mk(&total, 1000, 10000);
  dx_reasm_out o;
  dx_tcp_stream_start(s, 1000);
  CU_ASSERT_EQUAL(push(s, 1000, 0, 4, 1, &o), DX_REASM_DELIVER);
  /* 12..15 and 8..11 arrive before 4..7 */
  CU_ASSERT_EQUAL(push(s, 1000, 12, 4, 2, &o), DX_REASM_BUFFERED);
  CU_ASSERT_EQUAL(push(s, 1000, 8, 4, 3, &o), DX_REASM_BUFFERED);
  CU_ASSERT_EQUAL(total, 8 + 2 * DX_REASM_OOO_OVERHEAD); /* the bytes and two segments */
  CU_ASSERT_EQUAL(dx_tcp_stream_buffered(s), 8);
  /* 4..7 fills the gap: 4..15 come out in one run */
  CU_ASSERT_EQUAL(push(s, 1000, 4, 4, 4, &o), DX_REASM_DELIVER);
  CU_ASSERT(out_is(&o, 4, 12));
  CU_ASSERT_EQUAL(o.seg_off, 0);
  CU_ASSERT_EQUAL(o.seg_len, 4);
  CU_ASSERT_EQUAL(o.npieces, 3);
  CU_ASSERT_EQUAL(o.pieces[0].frame, 4);
  CU_ASSERT_EQUAL(o.pieces[1].frame, 3);
  CU_ASSERT_EQUAL(o.pieces[2].frame, 2);
  CU_ASSERT_EQUAL(o.pieces[2].len, 4);
  CU_ASSERT_EQUAL(total, 0);
  CU_ASSERT_EQUAL(s->next_seq, 1016);
  /* buffered segments that overlap each other and the gap filler */
  CU_ASSERT_EQUAL(push(s, 1000, 20, 6, 5, &o), DX_REASM_BUFFERED); /* 20..25 */
  CU_ASSERT_EQUAL(push(s, 1000, 18, 4, 6, &o), DX_REASM_BUFFERED); /* 18..21 */
  CU_ASSERT_EQUAL(push(s, 1000, 16, 3, 7, &o), DX_REASM_DELIVER);  /* 16..18 */
  CU_ASSERT(out_is(&o, 16, 10));                                   /* 16..25 */
  CU_ASSERT_EQUAL(o.npieces, 3);
  CU_ASSERT_EQUAL(o.pieces[0].len, 3);
  CU_ASSERT_EQUAL(o.pieces[1].frame, 6);
  CU_ASSERT_EQUAL(o.pieces[1].len, 3); /* 19..21 */
  CU_ASSERT_EQUAL(o.pieces[2].frame, 5);
  CU_ASSERT_EQUAL(o.pieces[2].len, 4); /* 22..25 */
  CU_ASSERT_EQUAL(total, 0);
  dx_tcp_stream_free(s);
}

static void test_wrap(void) {
  uint64_t total = 0;
  dx_tcp_stream *s = mk(&total, 1000, 10000);
  dx_reasm_out o;
  uint32_t base = 0xfffffffa; /* bytes 6.. cross 2^32 */
  dx_tcp_stream_start(s, base);
  CU_ASSERT_EQUAL(push(s, base, 10, 5, 2, &o), DX_REASM_BUFFERED);
  CU_ASSERT_EQUAL(push(s, base, 0, 10, 1, &o), DX_REASM_DELIVER);
  CU_ASSERT(out_is(&o, 0, 15));
  CU_ASSERT_EQUAL(s->next_seq, 9u);
  CU_ASSERT_EQUAL(push(s, base, 0, 12, 3, &o), DX_REASM_OLD);
  dx_tcp_stream_free(s);
}

static void test_gap_given_up(void) {
  uint64_t total = 0;
  dx_tcp_stream *s = mk(&total, 8, 10000); /* 8 bytes per direction */
  dx_reasm_out o;
  dx_tcp_stream_start(s, 0);
  push(s, 0, 0, 2, 1, &o);
  /* 2..3 never comes; 4..9 (6 bytes) fits, 10..13 does not */
  CU_ASSERT_EQUAL(push(s, 0, 4, 6, 2, &o), DX_REASM_BUFFERED);
  CU_ASSERT_EQUAL(push(s, 0, 10, 4, 3, &o), DX_REASM_DELIVER);
  CU_ASSERT(o.gap);
  CU_ASSERT(out_is(&o, 4, 10)); /* 4..13 */
  CU_ASSERT_EQUAL(o.npieces, 2);
  CU_ASSERT_EQUAL(s->next_seq, 14);
  CU_ASSERT_EQUAL(total, 0);
  CU_ASSERT_EQUAL(dx_tcp_stream_buffered(s), 0);
  dx_tcp_stream_free(s);
}

static void test_global_cap(void) {
  uint64_t total = 0;
  /* 10 bytes for all streams (and one kept segment's overhead) */
  dx_reasm_limits lim = {100, 10 + DX_REASM_OOO_OVERHEAD, &total};
  dx_tcp_stream a, b;
  dx_tcp_stream_init(&a, &lim);
  dx_tcp_stream_init(&b, &lim);
  dx_reasm_out o;
  dx_tcp_stream_start(&a, 0);
  dx_tcp_stream_start(&b, 0);
  CU_ASSERT_EQUAL(dx_tcp_stream_push(&a, 5, alpha, 8, 1, &o), DX_REASM_BUFFERED);
  CU_ASSERT_EQUAL(total, 8 + DX_REASM_OOO_OVERHEAD);
  /* b cannot keep 4 more bytes ahead of its gap: it gives the gap up */
  CU_ASSERT_EQUAL(dx_tcp_stream_push(&b, 5, alpha, 4, 2, &o), DX_REASM_DELIVER);
  CU_ASSERT(o.gap);
  CU_ASSERT_EQUAL(o.len, 4);
  CU_ASSERT_EQUAL(total, 8 + DX_REASM_OOO_OVERHEAD);
  /* a PDU in b that would pass the global cap is refused */
  dx_reasm_piece pc = {2, 4, 0, 0};
  CU_ASSERT_FALSE(dx_tcp_pdu_start(&b, alpha, 4, 10, &pc, 1));
  CU_ASSERT_FALSE(dx_tcp_pdu_pending(&b));
  CU_ASSERT_EQUAL(total, 8 + DX_REASM_OOO_OVERHEAD);
  dx_tcp_stream_free(&a);
  CU_ASSERT_EQUAL(total, 0);
  dx_tcp_stream_free(&b);
  CU_ASSERT_EQUAL(total, 0);
}

static void test_pdu(void) {
  uint64_t total = 0;
  dx_tcp_stream *s = mk(&total, 100, 10000);
  dx_reasm_piece p1 = {7, 3, 0, 0}, p2 = {8, 4, 0, 0}, p3 = {9, 10, 0, 0};
  /* 3 bytes kept, 5 more needed */
  CU_ASSERT(dx_tcp_pdu_start(s, alpha, 3, 5, &p1, 1));
  CU_ASSERT(dx_tcp_pdu_pending(s));
  CU_ASSERT_EQUAL(s->pdu_need, 8);
  CU_ASSERT_FALSE(dx_tcp_pdu_complete(s));
  CU_ASSERT(dx_tcp_pdu_append(s, alpha + 3, 4, &p2, 1));
  CU_ASSERT_FALSE(dx_tcp_pdu_complete(s));
  CU_ASSERT_EQUAL(total, 7);
  CU_ASSERT(dx_tcp_pdu_append(s, alpha + 7, 1, &p3, 1));
  CU_ASSERT(dx_tcp_pdu_complete(s));
  CU_ASSERT_EQUAL(s->pdu_len, 8);
  CU_ASSERT_EQUAL(memcmp(s->pdu, alpha, 8), 0);
  CU_ASSERT_EQUAL(s->npieces, 3);
  CU_ASSERT_EQUAL(s->pieces[2].frame, 9);
  /* restarting from the buffer's own bytes (a dissector that desegments
   * again inside the reassembled PDU) is safe */
  dx_reasm_piece pk = {8, 5, 0, 0};
  CU_ASSERT(dx_tcp_pdu_start(s, s->pdu + 3, 5, 0, &pk, 1));
  CU_ASSERT_EQUAL(memcmp(s->pdu, alpha + 3, 5), 0);
  CU_ASSERT(s->pdu_one_more);
  CU_ASSERT_EQUAL(s->pdu_need, 6);
  CU_ASSERT(dx_tcp_pdu_append(s, alpha, 1, &p3, 1));
  CU_ASSERT(dx_tcp_pdu_complete(s));
  /* too big for the per-direction cap */
  CU_ASSERT_FALSE(dx_tcp_pdu_start(s, alpha, 10, 200, &p3, 1));
  CU_ASSERT_FALSE(dx_tcp_pdu_pending(s));
  CU_ASSERT_EQUAL(total, 0);
  /* growing past the cap by appending drops the PDU */
  CU_ASSERT(dx_tcp_pdu_start(s, alpha, 10, 90, &p3, 1));
  for (int i = 0; i < 9; i++)
    CU_ASSERT(dx_tcp_pdu_append(s, alpha, 10, &p3, 1));
  CU_ASSERT_FALSE(dx_tcp_pdu_append(s, alpha, 10, &p3, 1));
  CU_ASSERT_FALSE(dx_tcp_pdu_pending(s));
  CU_ASSERT_EQUAL(total, 0);
  dx_tcp_stream_free(s);
}

/* Without reordering, the PDU pending when a gap is given up is kept as the
 * stale one: its bytes stay counted against the budget, bytes that follow
 * them complete it (an overlap flagged, differing bytes a conflict), and
 * tshark's table of PDUs finds it, then the completed one. */
static void test_stale(void) {
  uint64_t total = 0;
  dx_tcp_stream *s = mk(&total, 64, 10000);
  s->no_reorder = true;
  dx_reasm_out o;
  dx_tcp_stream_start(s, 0);
  CU_ASSERT_EQUAL(push(s, 0, 0, 4, 1, &o), DX_REASM_DELIVER);
  dx_reasm_piece pc = {1, 4, 0, 0};
  CU_ASSERT(dx_tcp_pdu_start(s, alpha, 4, 6, &pc, 1)); /* [0, 10) */
  CU_ASSERT_EQUAL(total, 4);
  /* 20..23 after a gap past the PDU: it becomes the stale one */
  CU_ASSERT_EQUAL(push(s, 0, 20, 4, 2, &o), DX_REASM_DELIVER);
  CU_ASSERT(o.gap);
  CU_ASSERT_FALSE(dx_tcp_pdu_pending(s));
  CU_ASSERT_EQUAL(s->st_need, 10);
  CU_ASSERT_EQUAL(total, 4);
  CU_ASSERT_EQUAL(dx_tcp_stream_buffered(s), 4);
  dx_reasm_msp m;
  CU_ASSERT(dx_tcp_msp_find(s, 5, false, &m));
  CU_ASSERT(m.kind == DX_MSP_STALE && m.seq == 0 && m.end == 10);
  CU_ASSERT_FALSE(dx_tcp_msp_find(s, 5, true, &m));
  uint32_t took;
  /* past a hole (6..): not taken yet, held (as tshark's fragment table
   * keeps it), and charged */
  CU_ASSERT_EQUAL(dx_tcp_stale_add(s, 6, alpha + 6, 2, 3, &took), DX_STALE_HELD);
  CU_ASSERT_EQUAL(took, 0);
  CU_ASSERT_EQUAL(s->st_nheld, 1);
  CU_ASSERT_EQUAL(total, 6 + DX_REASM_OOO_OVERHEAD); /* (its slot counts too) */
  /* 2..6, its first two bytes differing from those held: 2..6 taken, and
   * the held 6..7 then joins (7 new, its 6 an overlap) */
  uint8_t x[5];
  memcpy(x, alpha + 2, 5);
  x[0] = '!';
  CU_ASSERT_EQUAL(dx_tcp_stale_add(s, 2, x, 5, 4, &took), DX_STALE_ADDED);
  CU_ASSERT_EQUAL(took, 5);
  CU_ASSERT_EQUAL(s->st_len, 8);
  CU_ASSERT_EQUAL(s->st_nheld, 0);
  CU_ASSERT_EQUAL(total, 8);
  CU_ASSERT_EQUAL(s->st_npieces, 3);
  CU_ASSERT_EQUAL(s->st_pieces[1].back, 2);
  CU_ASSERT_EQUAL(s->st_pieces[1].flags, DX_PIECE_OVERLAP | DX_PIECE_CONFLICT);
  CU_ASSERT_EQUAL(s->st_pieces[2].frame, 3);
  CU_ASSERT_EQUAL(s->st_pieces[2].len, 1);
  CU_ASSERT_EQUAL(s->st_pieces[2].back, 1);
  CU_ASSERT_EQUAL(s->st_pieces[2].flags, DX_PIECE_OVERLAP);
  /* 7..12 completes it with 7..9 */
  CU_ASSERT_EQUAL(dx_tcp_stale_add(s, 7, alpha + 7, 6, 5, &took), DX_STALE_COMPLETE);
  CU_ASSERT_EQUAL(took, 3);
  CU_ASSERT_EQUAL(s->st_len, 10);
  CU_ASSERT_EQUAL(memcmp(s->st, alpha, 10), 0);
  CU_ASSERT_EQUAL(total, 10);
  dx_tcp_stale_drop(s, true);
  CU_ASSERT_EQUAL(total, 0);
  CU_ASSERT(dx_tcp_msp_find(s, 5, false, &m));
  CU_ASSERT(m.kind == DX_MSP_DONE && m.seq == 0 && m.end == 10);
  /* the per-direction cap holds for the stale PDU's growth too */
  CU_ASSERT_EQUAL(push(s, 0, 24, 2, 6, &o), DX_REASM_DELIVER);
  dx_reasm_piece big = {6, 60, 0, 0};
  static uint8_t zeros[100];
  CU_ASSERT(dx_tcp_pdu_start(s, zeros, 60, 4, &big, 1));       /* [-34, 30) */
  CU_ASSERT_EQUAL(push(s, 0, 40, 2, 7, &o), DX_REASM_DELIVER); /* gap: it becomes stale */
  CU_ASSERT_EQUAL(s->st_len, 60);
  dx_reasm_piece small = {7, 2, 0, 0};
  CU_ASSERT(dx_tcp_pdu_start(s, alpha + 40, 2, 1, &small, 1));
  CU_ASSERT_EQUAL(total, 62);
  /* 4 more bytes for the stale PDU would make 66 in this direction */
  CU_ASSERT_EQUAL(dx_tcp_stale_add(s, 26, zeros, 4, 8, &took), DX_STALE_HELD);
  CU_ASSERT_EQUAL(s->st_need, 0); /* dropped */
  CU_ASSERT_EQUAL(total, 2);
  dx_tcp_stream_free(s);
  CU_ASSERT_EQUAL(total, 0);
}

/* Without reordering, a segment past a gap in the pending PDU that reaches
 * beyond the PDU's known end (tshark 4.0's desegment_tcp(): its bytes up to
 * msp->nxtpdu go to that PDU, the rest starts the next one; frame-level
 * checks against tshark in test_tls.c, frames_resume_at_pdu_end). */
/* A stream without reordering whose bytes 0..3 (frame 1) begin a PDU of
 * 4 + more bytes, and 6..7 (frame 2) came past the gap 4..5, kept for it. */
static dx_tcp_stream *pdu_with_gap(uint64_t *total, uint32_t more, dx_reasm_out *o) {
  dx_tcp_stream *s = mk(total, 1000, 10000);
  s->no_reorder = true;
  dx_tcp_stream_start(s, 0);
  CU_ASSERT_EQUAL(push(s, 0, 0, 4, 1, o), DX_REASM_DELIVER);
  dx_reasm_piece pc = {1, 4, 0, 0};
  CU_ASSERT(dx_tcp_pdu_start(s, alpha, 4, more, &pc, 1));
  CU_ASSERT_EQUAL(push(s, 0, 6, 2, 2, o), DX_REASM_BUFFERED);
  return s;
}

static void test_resume_at_pdu_end(void) {
  uint64_t total = 0;
  dx_reasm_out o;
  dx_tcp_stream *s = pdu_with_gap(&total, 6, &o); /* [0, 10), 6..7 kept */
  dx_reasm_piece pc;
  CU_ASSERT_EQUAL(o.pdu_cut, 0);
  /* 8..13 reaches beyond the PDU's end (10): 8..9 go to the PDU, which is
   * left stale (its 4 bytes before the gap kept), and 10..13 are delivered
   * as new bytes, the gap given up at 10 */
  CU_ASSERT_EQUAL(push(s, 0, 8, 6, 3, &o), DX_REASM_DELIVER);
  CU_ASSERT(o.gap);
  CU_ASSERT_EQUAL(o.pdu_cut, 2);
  CU_ASSERT_EQUAL(o.seg_off, 2);
  CU_ASSERT_EQUAL(o.seg_len, 4);
  CU_ASSERT(out_is(&o, 10, 4));
  CU_ASSERT_EQUAL(o.npieces, 1);
  CU_ASSERT_EQUAL(o.pieces[0].frame, 3);
  CU_ASSERT_EQUAL(s->next_seq, 14);
  CU_ASSERT_FALSE(dx_tcp_pdu_pending(s));
  CU_ASSERT_EQUAL(s->st_seq, 0);
  CU_ASSERT_EQUAL(s->st_need, 10);
  CU_ASSERT_EQUAL(s->st_len, 4);
  CU_ASSERT_EQUAL(s->ooo_count, 0);
  /* the PDU's bytes past the gap, 6..7 kept ahead and 8..9 of the cut
   * segment, are held in it */
  CU_ASSERT_EQUAL(s->st_nheld, 2);
  CU_ASSERT_EQUAL(s->st_held_bytes, 4);
  CU_ASSERT_EQUAL(total, 8 + 2 * DX_REASM_OOO_OVERHEAD);
  dx_reasm_msp m;
  CU_ASSERT(dx_tcp_msp_find(s, 9, false, &m));
  CU_ASSERT(m.kind == DX_MSP_STALE && m.seq == 0 && m.end == 10);
  /* 4..5 fills the gap: the PDU is whole, its pieces in offset order (as
   * tshark lists them: #1(4), #6(2), #2(2), #3(2)) */
  uint32_t took = 0;
  CU_ASSERT_EQUAL(dx_tcp_stale_add(s, 4, alpha + 4, 2, 6, &took), DX_STALE_COMPLETE);
  CU_ASSERT_EQUAL(took, 2);
  CU_ASSERT_EQUAL(s->st_len, 10);
  CU_ASSERT_EQUAL(memcmp(s->st, alpha, 10), 0);
  CU_ASSERT_EQUAL(s->st_npieces, 4);
  if (s->st_npieces == 4) {
    CU_ASSERT_EQUAL(s->st_pieces[1].frame, 6);
    CU_ASSERT_EQUAL(s->st_pieces[2].frame, 2);
    CU_ASSERT_EQUAL(s->st_pieces[3].frame, 3);
    CU_ASSERT_EQUAL(s->st_pieces[3].len, 2);
  }
  CU_ASSERT_EQUAL(total, 10);
  dx_tcp_stale_drop(s, true);
  CU_ASSERT_EQUAL(total, 0);
  /* a segment that ends at the PDU's end exactly is only kept */
  CU_ASSERT_EQUAL(push(s, 0, 14, 2, 4, &o), DX_REASM_DELIVER);
  pc = (dx_reasm_piece){4, 2, 0, 0};
  CU_ASSERT(dx_tcp_pdu_start(s, alpha + 14, 2, 6, &pc, 1)); /* [14, 22) */
  CU_ASSERT_EQUAL(push(s, 0, 18, 4, 5, &o), DX_REASM_BUFFERED);
  /* nor is a PDU asking for "one more segment" cut: its end is not known */
  dx_tcp_stream_free(s);
  CU_ASSERT_EQUAL(total, 0);
  s = mk(&total, 1000, 10000);
  s->no_reorder = true;
  dx_tcp_stream_start(s, 0);
  CU_ASSERT_EQUAL(push(s, 0, 0, 4, 1, &o), DX_REASM_DELIVER);
  pc = (dx_reasm_piece){1, 4, 0, 0};
  CU_ASSERT(dx_tcp_pdu_start(s, alpha, 4, 0, &pc, 1));
  CU_ASSERT_EQUAL(push(s, 0, 6, 6, 2, &o), DX_REASM_DELIVER);
  CU_ASSERT(o.gap);
  CU_ASSERT_EQUAL(o.pdu_cut, 0);
  CU_ASSERT(out_is(&o, 6, 6));
  dx_tcp_stream_free(s);
  CU_ASSERT_EQUAL(total, 0);
}

/* A segment that starts past the pending PDU's end, after a gap: the PDU
 * is left stale, and what was kept ahead of the gap for it stays its
 * pieces past the hole (tshark's fragment table keeps them), so that the
 * segment filling the hole later completes it. (The DNS seed 36 of
 * test_tshark_tcp_random.sh: its frames 32, 35 and 36.) */
static void test_park_past_end(void) {
  uint64_t total = 0;
  dx_reasm_out o;
  dx_tcp_stream *s = pdu_with_gap(&total, 8, &o); /* [0, 12), 6..7 kept */
  /* 8..9 past the gap too, within the PDU: kept */
  CU_ASSERT_EQUAL(push(s, 0, 8, 2, 3, &o), DX_REASM_BUFFERED);
  /* 14..17, past the PDU's end (12) and another gap: delivered as new
   * bytes; the PDU is stale with 0..3, and 6..9 held past its hole */
  CU_ASSERT_EQUAL(push(s, 0, 14, 4, 4, &o), DX_REASM_DELIVER);
  CU_ASSERT(o.gap);
  CU_ASSERT(out_is(&o, 14, 4));
  CU_ASSERT_EQUAL(s->next_seq, 18);
  CU_ASSERT_EQUAL(s->ooo_count, 0);
  CU_ASSERT_EQUAL(s->st_seq, 0);
  CU_ASSERT_EQUAL(s->st_need, 12);
  CU_ASSERT_EQUAL(s->st_len, 4);
  CU_ASSERT_EQUAL(s->st_nheld, 2);
  CU_ASSERT_EQUAL(s->st_held_bytes, 4);
  CU_ASSERT_EQUAL(total, 8 + 2 * DX_REASM_OOO_OVERHEAD);
  /* 4..5 fills the hole (6..9 join), 10..11 completes the PDU */
  uint32_t took = 0;
  CU_ASSERT_EQUAL(dx_tcp_stale_add(s, 4, alpha + 4, 2, 5, &took), DX_STALE_ADDED);
  CU_ASSERT_EQUAL(s->st_len, 10);
  CU_ASSERT_EQUAL(s->st_nheld, 0);
  CU_ASSERT_EQUAL(dx_tcp_stale_add(s, 10, alpha + 10, 4, 6, &took), DX_STALE_COMPLETE);
  CU_ASSERT_EQUAL(took, 2);
  CU_ASSERT_EQUAL(memcmp(s->st, alpha, 12), 0);
  CU_ASSERT_EQUAL(s->st_npieces, 5);
  if (s->st_npieces == 5) {
    CU_ASSERT_EQUAL(s->st_pieces[1].frame, 5);
    CU_ASSERT_EQUAL(s->st_pieces[2].frame, 2);
    CU_ASSERT_EQUAL(s->st_pieces[3].frame, 3);
    CU_ASSERT_EQUAL(s->st_pieces[4].frame, 6);
  }
  dx_tcp_stale_drop(s, true);
  CU_ASSERT_EQUAL(total, 0);
  dx_tcp_stream_free(s);
  CU_ASSERT_EQUAL(total, 0);
}

/* Stale PDUs before the current one are kept (tshark keeps every PDU of its
 * table), at most DX_REASM_STALE_KEPT, and give way to a pending PDU. */
static void test_stale_kept(void) {
  uint64_t total = 0;
  dx_tcp_stream *s = mk(&total, 30, 10000);
  s->no_reorder = true;
  dx_reasm_out o;
  dx_reasm_msp m;
  uint32_t took;
  dx_tcp_stream_start(s, 0);
  /* A = [0, 10), 4 bytes, left at the gap before 20 */
  CU_ASSERT_EQUAL(push(s, 0, 0, 4, 1, &o), DX_REASM_DELIVER);
  dx_reasm_piece pc = {1, 4, 0, 0};
  CU_ASSERT(dx_tcp_pdu_start(s, alpha, 4, 6, &pc, 1));
  CU_ASSERT_EQUAL(push(s, 0, 20, 4, 2, &o), DX_REASM_DELIVER);
  /* B = [20, 30), 4 bytes, left at the gap before 40: A is set aside */
  pc = (dx_reasm_piece){2, 4, 0, 0};
  CU_ASSERT(dx_tcp_pdu_start(s, alpha + 20, 4, 6, &pc, 1));
  CU_ASSERT_EQUAL(push(s, 0, 40, 2, 3, &o), DX_REASM_DELIVER);
  CU_ASSERT_EQUAL(s->st_seq, 20);
  CU_ASSERT_EQUAL(s->nold_st, 1);
  CU_ASSERT_EQUAL(dx_tcp_stream_buffered(s), 8);
  CU_ASSERT(dx_tcp_msp_find(s, 5, false, &m));
  CU_ASSERT(m.kind == DX_MSP_STALE && m.seq == 0 && m.end == 10);
  CU_ASSERT(dx_tcp_msp_find(s, 25, false, &m));
  CU_ASSERT(m.kind == DX_MSP_STALE && m.seq == 20 && m.end == 30);
  /* 4..9 completes A, which becomes the current one (B set aside) */
  CU_ASSERT_EQUAL(dx_tcp_stale_add(s, 4, alpha + 4, 6, 4, &took), DX_STALE_COMPLETE);
  CU_ASSERT_EQUAL(took, 6);
  CU_ASSERT_EQUAL(s->st_seq, 0);
  CU_ASSERT_EQUAL(memcmp(s->st, alpha, 10), 0);
  dx_tcp_stale_drop(s, true);
  CU_ASSERT(dx_tcp_msp_find(s, 25, false, &m));
  CU_ASSERT(m.kind == DX_MSP_STALE && m.seq == 20);
  CU_ASSERT(dx_tcp_msp_find(s, 5, false, &m));
  CU_ASSERT(m.kind == DX_MSP_DONE && m.seq == 0 && m.end == 10);
  /* B's bytes, and the list of those set aside (charged to the session) */
  const uint64_t list = DX_REASM_STALE_KEPT * sizeof(dx_reasm_stale);
  CU_ASSERT_EQUAL(total, 4 + list);
  /* a pending PDU that needs the room: B gives way (30 bytes at most in
   * this direction: 4 + 27 would pass it) */
  static uint8_t zeros[40];
  pc = (dx_reasm_piece){5, 27, 0, 0};
  CU_ASSERT(dx_tcp_pdu_start(s, zeros, 27, 3, &pc, 1));
  CU_ASSERT_EQUAL(s->nold_st + (s->st_need ? 1u : 0u), 0);
  CU_ASSERT_EQUAL(total, 27 + list);
  dx_tcp_stream_free(s);
  CU_ASSERT_EQUAL(total, 0);
  /* at most DX_REASM_STALE_KEPT set aside, the one set aside first dropped */
  s = mk(&total, 100000, 1000000);
  s->no_reorder = true;
  dx_tcp_stream_start(s, 0);
  for (uint32_t i = 0; i < DX_REASM_STALE_KEPT + 3; i++) {
    uint32_t at = i * 100;
    static const uint8_t two[2] = {1, 2};
    dx_tcp_stream_push(s, at, two, 2, i + 1, &o);
    pc = (dx_reasm_piece){i + 1, 2, 0, 0};
    CU_ASSERT(dx_tcp_pdu_start(s, two, 2, 8, &pc, 1)); /* [at, at + 10) */
  }
  dx_tcp_stream_push(s, 100000, zeros, 1, 99, &o); /* the last one left too */
  CU_ASSERT_EQUAL(s->nold_st, DX_REASM_STALE_KEPT);
  CU_ASSERT_EQUAL(dx_tcp_stream_buffered(s), 2 * (DX_REASM_STALE_KEPT + 1));
  /* 19 left: the current one, 16 set aside, the first two dropped */
  CU_ASSERT_FALSE(dx_tcp_msp_find(s, 105, false, &m));
  CU_ASSERT(dx_tcp_msp_find(s, 205, false, &m) && m.seq == 200 && m.kind == DX_MSP_STALE);
  CU_ASSERT(dx_tcp_msp_find(s, 1805, false, &m) && m.seq == 1800 && m.kind == DX_MSP_STALE);
  dx_tcp_stream_free(s);
  CU_ASSERT_EQUAL(total, 0);
}

static void test_skip(void) {
  uint64_t total = 0;
  dx_tcp_stream *s = mk(&total, 100, 10000);
  dx_reasm_out o;
  dx_tcp_stream_start(s, 0);
  push(s, 0, 0, 2, 1, &o);
  CU_ASSERT_EQUAL(push(s, 0, 6, 2, 2, &o), DX_REASM_BUFFERED);
  dx_reasm_piece pc = {1, 2, 0, 0};
  CU_ASSERT(dx_tcp_pdu_start(s, alpha, 2, 10, &pc, 1));
  /* 2..5 could not be read: skipped; the pending PDU is dropped */
  dx_tcp_stream_skip(s, 2, 4);
  CU_ASSERT_FALSE(dx_tcp_pdu_pending(s));
  CU_ASSERT_EQUAL(s->next_seq, 6);
  CU_ASSERT_EQUAL(push(s, 0, 8, 2, 3, &o), DX_REASM_DELIVER);
  CU_ASSERT(out_is(&o, 6, 4)); /* 6..7 kept from before, then 8..9 */
  CU_ASSERT_EQUAL(o.npieces, 2);
  dx_tcp_stream_free(s);
  CU_ASSERT_EQUAL(total, 0);
}

/* Many tiny segments ahead of a gap: bounded by the segment count. */
static void test_many_segments(void) {
  uint64_t total = 0;
  dx_tcp_stream *s = mk(&total, 1u << 20, 1u << 30);
  dx_reasm_out o;
  dx_tcp_stream_start(s, 0);
  int delivered = 0;
  for (uint32_t i = 0; i < 5000; i++) {
    int rc = dx_tcp_stream_push(s, 10 + i, alpha, 1, i + 1, &o);
    CU_ASSERT(rc == DX_REASM_BUFFERED || rc == DX_REASM_DELIVER);
    if (rc == DX_REASM_DELIVER)
      delivered++;
  }
  CU_ASSERT(delivered > 0);
  CU_ASSERT(s->ooo_count <= 1024);
  dx_tcp_stream_free(s);
  CU_ASSERT_EQUAL(total, 0);
}

/* Random segments (deterministic generator) over a known byte pattern:
 * whatever comes out is the pattern, in order, without repeats. */
static void test_random(void) {
  static uint8_t pat[8192];
  for (size_t i = 0; i < sizeof pat; i++)
    pat[i] = (uint8_t)(i * 7 + i / 251);
  uint64_t total = 0;
  dx_tcp_stream *s = mk(&total, 2048, 1u << 20);
  dx_tcp_stream_start(s, 0x7ffffff0u); /* crosses 2^31 on the way */
  uint32_t expect = 0, seed = 12345;
  int bad = 0;
  for (int i = 0; i < 20000 && expect < 8000; i++) {
    seed = seed * 1103515245u + 12345u;
    uint32_t off = expect + (seed >> 8) % 600;
    if ((seed >> 4) % 3 == 0 && expect > 50)
      off = expect - (seed >> 12) % 50; /* retransmission */
    uint32_t len = 1 + (seed >> 20) % 120;
    if (off + len > sizeof pat)
      continue;
    dx_reasm_out o;
    int rc = dx_tcp_stream_push(s, 0x7ffffff0u + off, pat + off, len, (uint64_t)i, &o);
    if (rc != DX_REASM_DELIVER)
      continue;
    if (o.gap) {
      /* skipped ahead: resynchronise on the stream position */
      expect = s->next_seq - 0x7ffffff0u - o.len;
    }
    if (memcmp(o.data, pat + expect, o.len) != 0)
      bad++;
    uint32_t sum = 0;
    for (uint32_t k = 0; k < o.npieces; k++)
      sum += o.pieces[k].len;
    if (sum != o.len)
      bad++;
    expect += o.len;
    if (expect != s->next_seq - 0x7ffffff0u)
      bad++;
  }
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT(expect > 1000);
  CU_ASSERT(dx_tcp_stream_buffered(s) <= 2048);
  dx_tcp_stream_free(s);
  CU_ASSERT_EQUAL(total, 0);
}

/* Random segments without reordering, with PDUs begun, cut at gaps, left
 * stale and completed by old segments: the bytes delivered are the
 * stream's, the caps hold, and every byte charged is given back. */
static uint8_t rb(uint32_t x) {
  return (uint8_t)(x * 13u + x / 241u);
}
static bool rb_is(const uint8_t *d, uint32_t from, uint32_t n) {
  for (uint32_t k = 0; k < n; k++)
    if (d[k] != rb(from + k))
      return false;
  return true;
}

static void test_random_no_reorder(void) {
  uint64_t total = 0;
  const uint32_t base = 0xfff00000u; /* wraps on the way */
  dx_tcp_stream *s = mk(&total, 4096, 1u << 20);
  s->no_reorder = true;
  dx_tcp_stream_start(s, base);
  uint32_t seed = 777;
  int bad = 0, cuts = 0, completed = 0;
  static uint8_t buf[256];
  for (int i = 0; i < 30000; i++) {
    seed = seed * 1103515245u + 12345u;
    uint32_t at = s->next_seq - base;
    uint32_t off = at;
    if ((seed >> 8) % 6 == 0)
      off = at + (seed >> 10) % 300; /* a gap */
    else if ((seed >> 4) % 6 == 0 && at > 600)
      off = at - (seed >> 12) % 600; /* old bytes */
    uint32_t len = 1 + (seed >> 20) % 200;
    for (uint32_t k = 0; k < len; k++)
      buf[k] = rb(off + k);
    uint32_t seq = base + off;
    if ((seed >> 3) % 5 == 0) {
      uint32_t took;
      if (dx_tcp_stale_add(s, seq, buf, len, (uint64_t)i, &took) == DX_STALE_COMPLETE) {
        completed++;
        if (!rb_is(s->st, s->st_seq - base, s->st_len))
          bad++;
        dx_tcp_stale_drop(s, true);
      }
      continue;
    }
    dx_reasm_out o;
    if (dx_tcp_stream_push(s, seq, buf, len, (uint64_t)i, &o) != DX_REASM_DELIVER)
      continue;
    uint32_t start = s->next_seq - base - o.len;
    if (!rb_is(o.data, start, o.len))
      bad++;
    if (o.pdu_cut && o.seg_off != o.pdu_cut)
      bad++;
    cuts += o.pdu_cut != 0;
    if (dx_tcp_pdu_pending(s)) {
      dx_reasm_piece pc = {(uint64_t)i, o.len, 0, 0};
      dx_tcp_pdu_append(s, o.data, o.len, &pc, 1);
      if (dx_tcp_pdu_complete(s)) {
        if (!rb_is(s->pdu, s->next_seq - base - s->pdu_len, s->pdu_len))
          bad++;
        dx_tcp_pdu_reset(s);
      }
    } else if ((seed >> 5) % 2) {
      uint32_t keep = o.len > 10 ? o.len - (seed >> 9) % 10 : o.len;
      dx_reasm_piece pc = {(uint64_t)i, keep, 0, 0};
      dx_tcp_pdu_start(s, o.data + (o.len - keep), keep, (seed >> 11) % 3 ? (seed >> 13) % 900 : 0,
                       &pc, 1);
    } else if ((seed >> 6) % 7 == 0 && o.len > 2) {
      dx_tcp_stale_start(s, seq, buf, 2, 1 + (seed >> 14) % 50, (uint64_t)i);
    }
    if (dx_tcp_stream_buffered(s) > 4096)
      bad++;
  }
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT(cuts > 0 && completed > 0);
  CU_ASSERT(s->next_seq - base > 0x100000u); /* past the wrap */
  dx_tcp_stream_free(s);
  CU_ASSERT_EQUAL(total, 0);
}

int main(void) {
  CU_TestInfo tests[] = {
      {"in order", test_in_order},
      {"retransmissions and overlaps", test_retransmission},
      {"out of order", test_out_of_order},
      {"sequence wrap", test_wrap},
      {"gap given up at the cap", test_gap_given_up},
      {"session-wide cap", test_global_cap},
      {"PDU buffer", test_pdu},
      {"skipped bytes", test_skip},
      {"a PDU left at a gap", test_stale},
      {"resume at a PDU's known end", test_resume_at_pdu_end},
      {"stale PDUs kept", test_stale_kept},
      {"a PDU left when a segment starts past its end", test_park_past_end},
      {"many segments", test_many_segments},
      {"random segments", test_random},
      {"random segments without reordering", test_random_no_reorder},
      CU_TEST_INFO_NULL,
  };
  return tu_run("tcp_reasm", tests);
}
