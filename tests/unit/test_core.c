/* Unit tests of the core: arena, bounds-checked views (tvb), the flow table
 * cap, field lookup and suggestions. */
#include "core/dx.h"
#include "testutil.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* An Ethernet frame with an EtherType nobody dissects (IEEE local
 * experimental 0x88b5): the core needs a packet, not a protocol. */
static const uint8_t local_frame[] = {0x02, 0, 0,    0,    0,   2,   0x02, 0,   0,  0,
                                      0,    1, 0x88, 0xb5, 'h', 'e', 'l',  'l', 'o'};

/* ---- arena ---------------------------------------------------------------- */
static void test_arena_many(void) {
  dx_arena a;
  dx_arena_init(&a);
  /* 20000 allocations of assorted sizes: aligned, distinct, writable. */
  uint8_t *prev = NULL;
  for (int i = 0; i < 20000; i++) {
    size_t n = (size_t)(i % 97) + 1;
    uint8_t *q = dx_arena_alloc(&a, n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    CU_ASSERT_EQUAL((uintptr_t)q % 16, 0);
    memset(q, 0xab, n);
    CU_ASSERT(q != prev);
    prev = q;
  }
  /* a block larger than a chunk */
  uint8_t *big = dx_arena_alloc(&a, 1u << 20);
  CU_ASSERT_PTR_NOT_NULL_FATAL(big);
  memset(big, 1, 1u << 20);
  uint8_t *z = dx_arena_zalloc(&a, 100);
  CU_ASSERT_PTR_NOT_NULL_FATAL(z);
  for (int i = 0; i < 100; i++)
    CU_ASSERT_EQUAL(z[i], 0);
  char *s = dx_arena_strndup(&a, "hello world", 5);
  CU_ASSERT_STRING_EQUAL(s, "hello");
  char *f = dx_arena_printf(&a, "%d-%s", 42, "x");
  CU_ASSERT_STRING_EQUAL(f, "42-x");
  /* longer than printf's small stack buffer */
  char *l = dx_arena_printf(&a, "%0600d", 7);
  CU_ASSERT_PTR_NOT_NULL_FATAL(l);
  CU_ASSERT_EQUAL(strlen(l), 600);
  CU_ASSERT_EQUAL(l[599], '7');
  dx_arena_destroy(&a);
}

/* Chunks kept by reset serve later rounds of small and large blocks (past
 * the 16 KiB chunk size): no two live blocks overlap, formatted strings
 * land whole, and the count of bytes handed out restarts at 0. */
static void test_arena_reuse(void) {
  dx_arena a;
  dx_arena_init(&a);
  static const size_t sizes[] = {1, 15, 16, 17, 100, 4095, 4096, 4097, 20000, 70000, 300000, 33};
  for (int round = 0; round < 20; round++) {
    unsigned char *blk[DX_ARRAY_LEN(sizes)];
    for (size_t i = 0; i < DX_ARRAY_LEN(sizes); i++) {
      size_t n = sizes[(i + (size_t)round) % DX_ARRAY_LEN(sizes)];
      blk[i] = dx_arena_alloc(&a, n);
      CU_ASSERT_PTR_NOT_NULL_FATAL(blk[i]);
      CU_ASSERT_EQUAL((uintptr_t)blk[i] % 16, 0);
      memset(blk[i], (int)i + 1, n);
    }
    char *f = dx_arena_printf(&a, "round %d %s", round, "text");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    for (size_t i = 0; i < DX_ARRAY_LEN(sizes); i++) {
      size_t n = sizes[(i + (size_t)round) % DX_ARRAY_LEN(sizes)];
      CU_ASSERT_EQUAL(blk[i][0], (unsigned char)(i + 1));
      CU_ASSERT_EQUAL(blk[i][n - 1], (unsigned char)(i + 1));
    }
    char want[32];
    snprintf(want, sizeof want, "round %d text", round);
    CU_ASSERT_STRING_EQUAL(f, want);
    CU_ASSERT(a.used_total >= 400000);
    dx_arena_reset(&a);
    CU_ASSERT_EQUAL(a.used_total, 0);
  }
  dx_arena_destroy(&a);
  dx_arena_destroy(&a);
}

static void test_arena_reset(void) {
  dx_arena a;
  dx_arena_init(&a);
  for (int round = 0; round < 50; round++) {
    for (int i = 0; i < 1000; i++) {
      char *q = dx_arena_alloc(&a, 64);
      CU_ASSERT_PTR_NOT_NULL_FATAL(q);
      q[0] = (char)i;
      q[63] = (char)i;
    }
    CU_ASSERT(a.used_total >= 64000);
    dx_arena_reset(&a);
    CU_ASSERT_EQUAL(a.used_total, 0);
  }
  /* usable after reset, and zero-size allocations give distinct pointers */
  void *x = dx_arena_alloc(&a, 0), *y = dx_arena_alloc(&a, 0);
  CU_ASSERT_PTR_NOT_NULL(x);
  CU_ASSERT_PTR_NOT_NULL(y);
  CU_ASSERT(x != y);
  dx_arena_destroy(&a);
  /* destroy twice / on an empty arena is harmless */
  dx_arena_init(&a);
  dx_arena_destroy(&a);
}

static void test_arena_huge(void) {
  dx_arena a;
  dx_arena_init(&a);
  /* Sizes whose rounding or header would overflow size_t must fail, not
   * return a small block. */
  CU_ASSERT_PTR_NULL(dx_arena_alloc(&a, SIZE_MAX));
  CU_ASSERT_PTR_NULL(dx_arena_alloc(&a, SIZE_MAX - 8));
  CU_ASSERT_PTR_NULL(dx_arena_alloc(&a, SIZE_MAX - 64));
  CU_ASSERT_PTR_NOT_NULL(dx_arena_alloc(&a, 10));
  dx_arena_destroy(&a);
}

/* ---- tvb ------------------------------------------------------------------- */
static const uint8_t bytes8[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};

static dx_tvb tvb8(void) {
  dx_tvb t = {bytes8, sizeof bytes8, sizeof bytes8, 100, 0};
  return t;
}

static void test_tvb_get_edges(void) {
  dx_tvb t = tvb8();
  uint8_t u8 = 0xee;
  uint16_t u16 = 0xeeee;
  uint32_t u32 = 0xeeeeeeee;
  uint64_t u64 = 0xeeeeeeeeeeeeeeeeull;
  CU_ASSERT_TRUE(dx_get_u8(&t, 7, &u8));
  CU_ASSERT_EQUAL(u8, 0x08);
  CU_ASSERT_FALSE(dx_get_u8(&t, 8, &u8));
  CU_ASSERT_EQUAL(u8, 0x08); /* untouched on failure */
  CU_ASSERT_TRUE(dx_get_u16(&t, 6, &u16));
  CU_ASSERT_EQUAL(u16, 0x0708);
  CU_ASSERT_FALSE(dx_get_u16(&t, 7, &u16));
  CU_ASSERT_TRUE(dx_get_u16_le(&t, 6, &u16));
  CU_ASSERT_EQUAL(u16, 0x0807);
  CU_ASSERT_TRUE(dx_get_u24(&t, 5, &u32));
  CU_ASSERT_EQUAL(u32, 0x060708);
  CU_ASSERT_FALSE(dx_get_u24(&t, 6, &u32));
  CU_ASSERT_TRUE(dx_get_u32(&t, 4, &u32));
  CU_ASSERT_EQUAL(u32, 0x05060708);
  CU_ASSERT_FALSE(dx_get_u32(&t, 5, &u32));
  CU_ASSERT_TRUE(dx_get_u32_le(&t, 0, &u32));
  CU_ASSERT_EQUAL(u32, 0x04030201);
  CU_ASSERT_TRUE(dx_get_u64(&t, 0, &u64));
  CU_ASSERT_EQUAL(u64, 0x0102030405060708ull);
  CU_ASSERT_FALSE(dx_get_u64(&t, 1, &u64));
  CU_ASSERT_EQUAL(u64, 0x0102030405060708ull);
  CU_ASSERT_PTR_EQUAL(dx_get_ptr(&t, 0, 8), bytes8);
  CU_ASSERT_PTR_EQUAL(dx_get_ptr(&t, 8, 0), bytes8 + 8);
  CU_ASSERT_PTR_NULL(dx_get_ptr(&t, 1, 8));
  CU_ASSERT_PTR_NULL(dx_get_ptr(&t, 9, 0));
  CU_ASSERT_TRUE(dx_tvb_has(&t, 8, 0));
  CU_ASSERT_FALSE(dx_tvb_has(&t, 9, 0));
  CU_ASSERT_EQUAL(dx_tvb_avail(&t, 3), 5);
  CU_ASSERT_EQUAL(dx_tvb_avail(&t, 8), 0);
  CU_ASSERT_EQUAL(dx_tvb_avail(&t, 1000), 0);
}

static void test_tvb_get_overflow(void) {
  /* Offsets near UINT32_MAX: off + n wraps around in 32 bits. */
  dx_tvb t = tvb8();
  uint8_t u8;
  uint16_t u16;
  uint32_t u32;
  uint64_t u64;
  const uint32_t big[] = {UINT32_MAX,     UINT32_MAX - 1, UINT32_MAX - 2, UINT32_MAX - 3,
                          UINT32_MAX - 6, UINT32_MAX - 7, 0x80000000u};
  for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
    CU_ASSERT_FALSE(dx_get_u8(&t, big[i], &u8));
    CU_ASSERT_FALSE(dx_get_u16(&t, big[i], &u16));
    CU_ASSERT_FALSE(dx_get_u16_le(&t, big[i], &u16));
    CU_ASSERT_FALSE(dx_get_u24(&t, big[i], &u32));
    CU_ASSERT_FALSE(dx_get_u32(&t, big[i], &u32));
    CU_ASSERT_FALSE(dx_get_u32_le(&t, big[i], &u32));
    CU_ASSERT_FALSE(dx_get_u64(&t, big[i], &u64));
    CU_ASSERT_PTR_NULL(dx_get_ptr(&t, big[i], 1));
    CU_ASSERT_PTR_NULL(dx_get_ptr(&t, 1, big[i]));
    CU_ASSERT_FALSE(dx_tvb_has(&t, big[i], 2));
    CU_ASSERT_FALSE(dx_tvb_has(&t, 2, big[i]));
  }
  CU_ASSERT_PTR_NULL(dx_get_ptr(&t, 4, UINT32_MAX - 2));
}

static void test_tvb_sub(void) {
  dx_tvb t = tvb8();
  /* inside */
  dx_tvb s = dx_tvb_sub(&t, 2, 3);
  CU_ASSERT_EQUAL(s.len, 3);
  CU_ASSERT_EQUAL(s.reported, 3);
  CU_ASSERT_EQUAL(s.base, 102);
  CU_ASSERT_PTR_EQUAL(s.data, bytes8 + 2);
  uint8_t v;
  CU_ASSERT_TRUE(dx_get_u8(&s, 2, &v));
  CU_ASSERT_EQUAL(v, 0x05);
  CU_ASSERT_FALSE(dx_get_u8(&s, 3, &v)); /* 0x06 is outside the sub-view */
  /* to the end */
  s = dx_tvb_sub(&t, 5, UINT32_MAX);
  CU_ASSERT_EQUAL(s.len, 3);
  CU_ASSERT_EQUAL(s.base, 105);
  /* clipped: asks for more than there is; reported keeps the request */
  s = dx_tvb_sub(&t, 6, 10);
  CU_ASSERT_EQUAL(s.len, 2);
  CU_ASSERT_EQUAL(s.reported, 10);
  CU_ASSERT_FALSE(dx_get_u16(&s, 1, (uint16_t *)&(uint16_t){0}));
  /* exactly at the end: empty */
  s = dx_tvb_sub(&t, 8, 4);
  CU_ASSERT_EQUAL(s.len, 0);
  CU_ASSERT_FALSE(dx_get_u8(&s, 0, &v));
  /* past the end, and near UINT32_MAX: empty, never a wild pointer */
  const uint32_t offs[] = {9, 1000, UINT32_MAX - 1, UINT32_MAX};
  for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++) {
    s = dx_tvb_sub(&t, offs[i], 4);
    CU_ASSERT_EQUAL(s.len, 0);
    CU_ASSERT_FALSE(dx_get_u8(&s, 0, &v));
    CU_ASSERT_PTR_NULL(dx_get_ptr(&s, 0, 1));
    s = dx_tvb_sub(&t, offs[i], UINT32_MAX);
    CU_ASSERT_EQUAL(s.len, 0);
    CU_ASSERT_FALSE(dx_get_u8(&s, 0, &v));
  }
  s = dx_tvb_sub(&t, 3, UINT32_MAX - 1);
  CU_ASSERT_EQUAL(s.len, 5);
  /* sub of a sub */
  dx_tvb s1 = dx_tvb_sub(&t, 1, 6);  /* 02..07 */
  dx_tvb s2 = dx_tvb_sub(&s1, 4, 5); /* 06 07, clipped */
  CU_ASSERT_EQUAL(s2.len, 2);
  CU_ASSERT_EQUAL(s2.base, 105);
  CU_ASSERT_TRUE(dx_get_u8(&s2, 1, &v));
  CU_ASSERT_EQUAL(v, 0x07);
  CU_ASSERT_FALSE(dx_get_u8(&s2, 2, &v)); /* 0x08 is outside s1 */
  /* a view of a capture cut short: reported > len */
  dx_tvb cut = {bytes8, 4, 8, 0, 0};
  s = dx_tvb_sub(&cut, 2, UINT32_MAX);
  CU_ASSERT_EQUAL(s.len, 2);
  CU_ASSERT_EQUAL(s.reported, 6);
  s = dx_tvb_sub(&cut, 6, UINT32_MAX);
  CU_ASSERT_EQUAL(s.len, 0);
  CU_ASSERT_EQUAL(s.reported, 2);
}

/* Nodes added at offsets outside the view are clipped to the view. */
static void test_node_clipping(void) {
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 1, local_frame, sizeof local_frame);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  static const dx_field fb = DX_F("test.bytes", "Bytes", DX_FT_BYTES, DX_BASE_NONE);
  static const dx_field fu = DX_F("test.u32", "U32", DX_FT_UINT32, DX_BASE_DEC);
  dx_tvb t = dx_packet_frame_tvb(p);
  CU_ASSERT_EQUAL(t.len, sizeof local_frame);
  dx_node *n = dx_add_bytes(p, dx_packet_root_mut(p), &fb, &t, 15, 100);
  CU_ASSERT_PTR_NOT_NULL_FATAL(n);
  CU_ASSERT(n->flags & DX_NODE_TRUNCATED);
  CU_ASSERT(n->offset + n->length <= t.len);
  size_t len = 0;
  dx_node_bytes(n, &len);
  CU_ASSERT_EQUAL(len, sizeof local_frame - 15);
  n = dx_add_item(p, dx_packet_root_mut(p), &fu, &t, UINT32_MAX - 1, 4);
  CU_ASSERT_PTR_NOT_NULL_FATAL(n);
  CU_ASSERT(n->flags & DX_NODE_TRUNCATED);
  CU_ASSERT(n->offset <= t.len && n->length <= t.len - n->offset);
  n = dx_add_item(p, dx_packet_root_mut(p), &fu, &t, 16, 4);
  CU_ASSERT_PTR_NOT_NULL_FATAL(n);
  CU_ASSERT(n->flags & DX_NODE_TRUNCATED);
  CU_ASSERT(n->offset + n->length <= t.len);
  /* NULL parents and nodes are accepted and ignored */
  CU_ASSERT_PTR_NULL(dx_add_item(p, NULL, &fu, &t, 0, 4));
  dx_node_set_flags(NULL, DX_NODE_HIDDEN);
  dx_node_set_len(NULL, 3);
  dx_packet_free(p);
  dx_session_free(s);
}

/* ---- flow table cap --------------------------------------------------------- */
static void count_flow(const dx_flow *f, void *ctx) {
  (void)f;
  (*(int *)ctx)++;
}

static int count_flows(const dx_session *s) {
  int n = 0;
  dx_session_flows(s, count_flow, &n);
  return n;
}

/* Sets the "pinfo" of packet p as a UDP packet 10.0.0.1:sport -> 10.0.0.2:53. */
static void set_udp(dx_packet *p, uint16_t sport) {
  const uint8_t a[4] = {10, 0, 0, 1}, b[4] = {10, 0, 0, 2};
  dx_addr_set(&p->net_src, DX_AT_IPV4, a);
  dx_addr_set(&p->net_dst, DX_AT_IPV4, b);
  p->ipproto = 17;
  p->srcport = sport;
  p->dstport = 53;
}

static int count_limit_notes(const dx_packet *p) {
  int n = 0;
  for (const dx_node *c = dx_node_first_child(dx_packet_root(p)); c; c = dx_node_next(c))
    if (dx_node_field(c) == dx_field_limit())
      n++;
  return n;
}

static void test_flow_cap(void) {
  dx_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.max_flows = 4;
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, &cfg), DX_OK);
  uint32_t first_index[6];
  for (uint16_t i = 0; i < 6; i++) {
    dx_packet *p = tu_dissect(&s, 1, local_frame, sizeof local_frame);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    set_udp(p, (uint16_t)(1000 + i));
    int dir = -1;
    dx_flow *f = dx_flow_get(p, dx_packet_root_mut(p), &dir);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(dir, 0);
    CU_ASSERT_EQUAL(f->port[0], 1000 + i);
    first_index[i] = f->index;
    /* the 5th and 6th flows each push the least recently used one out,
     * with an expert note saying so */
    CU_ASSERT_EQUAL(count_limit_notes(p), i >= 4 ? 1 : 0);
    if (i >= 4)
      CU_ASSERT(dx_packet_severity(p) >= DX_SEV_WARN);
    dx_packet_free(p);
    CU_ASSERT_EQUAL(count_flows(s), i < 4 ? i + 1 : 4);
  }
  /* stream indexes are handed out in order of first appearance */
  for (int i = 0; i < 6; i++)
    CU_ASSERT_EQUAL(first_index[i], (uint32_t)i);
  /* the two oldest (1000, 1001) are gone; the newest are found, in the
   * reverse direction too */
  dx_packet *p = tu_dissect(&s, 1, local_frame, sizeof local_frame);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  set_udp(p, 1000);
  CU_ASSERT_PTR_NULL(dx_flow_find(p, NULL));
  set_udp(p, 1001);
  CU_ASSERT_PTR_NULL(dx_flow_find(p, NULL));
  set_udp(p, 1005);
  int dir = -1;
  dx_flow *f = dx_flow_find(p, &dir);
  CU_ASSERT_PTR_NOT_NULL(f);
  CU_ASSERT_EQUAL(dir, 0);
  dx_addr tmp = p->net_src;
  p->net_src = p->net_dst;
  p->net_dst = tmp;
  p->srcport = 53;
  p->dstport = 1005;
  f = dx_flow_find(p, &dir);
  CU_ASSERT_PTR_NOT_NULL(f);
  CU_ASSERT_EQUAL(dir, 1);
  /* touching 1002 makes 1003 the least recently used: a new flow drops it */
  set_udp(p, 1002);
  CU_ASSERT_PTR_NOT_NULL(dx_flow_get(p, dx_packet_root_mut(p), NULL));
  set_udp(p, 2000);
  CU_ASSERT_PTR_NOT_NULL(dx_flow_get(p, dx_packet_root_mut(p), NULL));
  set_udp(p, 1003);
  CU_ASSERT_PTR_NULL(dx_flow_find(p, NULL));
  set_udp(p, 1002);
  CU_ASSERT_PTR_NOT_NULL(dx_flow_find(p, NULL));
  CU_ASSERT_EQUAL(count_flows(s), 4);
  /* dropping a flow by hand */
  f = dx_flow_find(p, NULL);
  dx_flow_drop(p, f);
  CU_ASSERT_PTR_NULL(dx_flow_find(p, NULL));
  CU_ASSERT_EQUAL(count_flows(s), 3);
  dx_packet_free(p);
  dx_session_free(s);
}

/* Many flows through a small cap: memory stays at the cap. */
static void test_flow_cap_churn(void) {
  dx_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.max_flows = 16;
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, &cfg), DX_OK);
  for (int i = 0; i < 5000; i++) {
    dx_packet *p = tu_dissect(&s, 1, local_frame, sizeof local_frame);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    set_udp(p, (uint16_t)(i * 7 % 3001));
    CU_ASSERT_PTR_NOT_NULL(dx_flow_get(p, dx_packet_root_mut(p), NULL));
    dx_packet_free(p);
  }
  CU_ASSERT_EQUAL(count_flows(s), 16);
  dx_session_free(s);
}

/* ---- fields -------------------------------------------------------------- */
static void test_field_lookup(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  const dx_field *f = dx_field_lookup(s, "eth.type");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  CU_ASSERT_STRING_EQUAL(dx_field_name(f), "eth.type");
  CU_ASSERT_STRING_EQUAL(dx_field_label(f), "Type");
  CU_ASSERT_EQUAL(dx_field_type(f), DX_FT_UINT16);
  CU_ASSERT_STRING_EQUAL(dx_ftype_name(DX_FT_UINT16), "uint16");
  CU_ASSERT_PTR_NOT_NULL(dx_field_lookup(s, "frame.number"));
  CU_ASSERT_PTR_NOT_NULL(dx_field_lookup(s, "eth.src"));
  CU_ASSERT_PTR_NULL(dx_field_lookup(s, "eth.typ"));
  CU_ASSERT_PTR_NULL(dx_field_lookup(s, ""));
  CU_ASSERT_PTR_NULL(dx_field_lookup(s, "ETH.TYPE"));
  CU_ASSERT_PTR_NULL(dx_field_lookup(s, "eth.type "));
  /* every registered field can be found by its name, and names are unique */
  const dx_field *g;
  size_t i;
  for (i = 0; (g = dx_field_at(s, i)); i++) {
    CU_ASSERT_PTR_EQUAL(dx_field_lookup(s, dx_field_name(g)), g);
    const dx_field *h = dx_field_at(s, i + 1);
    if (h)
      CU_ASSERT(strcmp(dx_field_name(g), dx_field_name(h)) != 0);
  }
  CU_ASSERT(i > 10);
  dx_session_free(s);
}

static void test_field_suggest(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  const char *out[4] = {NULL};
  size_t n = dx_field_suggest(s, "eth.typ", out, 4);
  CU_ASSERT(n >= 1 && n <= 4);
  CU_ASSERT_PTR_NOT_NULL_FATAL(out[0]);
  CU_ASSERT_STRING_EQUAL(out[0], "eth.type");
  n = dx_field_suggest(s, "frame.numbr", out, 1);
  CU_ASSERT_EQUAL(n, 1);
  CU_ASSERT_STRING_EQUAL(out[0], "frame.number");
  /* nothing close: no suggestion */
  CU_ASSERT_EQUAL(dx_field_suggest(s, "zzzzzzzzzzzzzzzzzzzz.qqqq", out, 4), 0);
  /* bad arguments */
  CU_ASSERT_EQUAL(dx_field_suggest(s, NULL, out, 4), 0);
  CU_ASSERT_EQUAL(dx_field_suggest(s, "eth.typ", out, 0), 0);
  /* very long names do not overflow anything */
  char longname[300];
  memset(longname, 'a', sizeof longname - 1);
  longname[sizeof longname - 1] = 0;
  CU_ASSERT(dx_field_suggest(s, longname, out, 4) <= 4);
  CU_ASSERT_PTR_NULL(dx_field_lookup(s, longname));
  dx_session_free(s);
}

static void test_strerror(void) {
  for (int c = 0; c >= -11; c--) {
    const char *m = dx_strerror(c);
    CU_ASSERT_PTR_NOT_NULL(m);
    CU_ASSERT(m && m[0]);
  }
  CU_ASSERT_PTR_NOT_NULL(dx_strerror(-1000));
  CU_ASSERT_PTR_NOT_NULL(dx_strerror(12345));
  CU_ASSERT_STRING_EQUAL(dx_version(), DX_VERSION_STRING);
}

/* Frames are numbered in order and relative times count from the first. */
static void test_session_numbering(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  for (uint64_t i = 1; i <= 3; i++) {
    dx_frame f = {.ts_sec = 1700000000 + (int64_t)i,
                  .ts_nsec = 500000000,
                  .caplen = sizeof local_frame,
                  .wirelen = sizeof local_frame,
                  .linktype = 1,
                  .data = local_frame};
    dx_packet *p = NULL;
    CU_ASSERT_EQUAL_FATAL(dx_session_dissect(s, &f, &p), DX_OK);
    CU_ASSERT_EQUAL(dx_packet_number(p), i);
    CU_ASSERT_DOUBLE_EQUAL(dx_packet_time_relative(p), (double)(i - 1), 1e-9);
    CU_ASSERT_EQUAL(dx_packet_frame(p)->caplen, sizeof local_frame);
    CU_ASSERT_EQUAL(memcmp(dx_packet_frame(p)->data, local_frame, sizeof local_frame), 0);
    CU_ASSERT_EQUAL(dx_packet_source_count(p), 1);
    dx_packet_free(p);
  }
  /* invalid arguments fail cleanly */
  dx_packet *p = NULL;
  CU_ASSERT_NOT_EQUAL(dx_session_dissect(s, NULL, &p), DX_OK);
  dx_frame bad = {.caplen = 10, .wirelen = 10, .linktype = 1, .data = NULL};
  CU_ASSERT_NOT_EQUAL(dx_session_dissect(s, &bad, &p), DX_OK);
  dx_session_free(s);
  /* a frame with wirelen < caplen, and an empty frame, do not crash */
  s = NULL;
  dx_frame odd = {
      .ts_sec = 1, .caplen = sizeof local_frame, .wirelen = 3, .linktype = 1, .data = local_frame};
  CU_ASSERT_EQUAL(dx_session_dissect((dx_session_new(&s, NULL), s), &odd, &p), DX_OK);
  dx_packet_free(p);
  dx_frame empty = {.ts_sec = 1, .caplen = 0, .wirelen = 0, .linktype = 1, .data = local_frame};
  CU_ASSERT_EQUAL(dx_session_dissect(s, &empty, &p), DX_OK);
  dx_packet_free(p);
  dx_session_free(s);
  dx_session_free(NULL);
  dx_packet_free(NULL);
}

static CU_TestInfo tests[] = {
    {"arena: many allocations", test_arena_many},
    {"arena: reset", test_arena_reset},
    {"arena: chunks reused after reset", test_arena_reuse},
    {"arena: sizes that overflow fail", test_arena_huge},
    {"tvb: readers at the edges", test_tvb_get_edges},
    {"tvb: offsets near UINT32_MAX", test_tvb_get_overflow},
    {"tvb: sub-views clip", test_tvb_sub},
    {"tree: nodes clip to their view", test_node_clipping},
    {"flows: cap evicts the least recently used", test_flow_cap},
    {"flows: churn stays at the cap", test_flow_cap_churn},
    {"fields: lookup", test_field_lookup},
    {"fields: suggestions", test_field_suggest},
    {"strerror and version", test_strerror},
    {"session: numbering and odd frames", test_session_numbering},
    CU_TEST_INFO_NULL,
};

int main(void) {
  return tu_run("core", tests);
}
