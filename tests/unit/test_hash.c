/* Keyed hashing (core/siphash.c) and the tables built on it: SipHash
 * against the reference vectors, one random key per session, and the IP
 * fragment index (core/reasm_ip.c) finding, refreshing, expiring and
 * evicting datagrams as the old linear list did. */
#include "core/reasm_ip.h"
#include "core/siphash.h"
#include "testutil.h"

#include <string.h>

/* SipHash-2-4, key 00 01 .. 0f, input 00 01 .. (n-1): the first vectors of
 * the reference implementation (Aumasson and Bernstein, siphash24.c). */
static void test_siphash24_vectors(void) {
  static const uint64_t want[8] = {
      0x726fdb47dd0e0e31ull, 0x74f839c593dc67fdull, 0x0d6c8009d9a94f5aull, 0x85676696d7fb7e2dull,
      0xcf2794e0277187b7ull, 0x18765564cd99a68dull, 0xcbc9466e58fee3ceull, 0xab0200f58b01d137ull};
  static const uint64_t want15 = 0xa129ca6149be45e5ull, want63 = 0x958a324ceb064572ull;
  dx_hashkey k = {0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull};
  uint8_t in[64];
  for (int i = 0; i < 64; i++)
    in[i] = (uint8_t)i;
  for (size_t n = 0; n < 8; n++)
    CU_ASSERT_EQUAL(dx_siphash24(&k, in, n), want[n]);
  CU_ASSERT_EQUAL(dx_siphash24(&k, in, 15), want15);
  CU_ASSERT_EQUAL(dx_siphash24(&k, in, 63), want63);
}

/* SipHash-1-3 with the all-zero key: the same rounds with c = 1, d = 3;
 * the values of the Rust crate digest-sip-hash's tests (siphash13 of ""
 * and "siphash", printed there as the 64-bit value in hex). */
static void test_siphash13(void) {
  dx_hashkey zero = {0, 0};
  CU_ASSERT_EQUAL(dx_siphash13(&zero, "", 0), 0xd1fba762150c532cull);
  CU_ASSERT_EQUAL(dx_siphash13(&zero, "siphash", 7), 0x8264ceeccb16bcbeull);
  dx_hashkey k = {1, 2};
  CU_ASSERT_NOT_EQUAL(dx_siphash13(&k, "abc", 3), dx_siphash13(&zero, "abc", 3));
  CU_ASSERT_NOT_EQUAL(dx_siphash13(&k, "abc", 3), dx_siphash13(&k, "abd", 3));
}

/* Two sessions get two different keys. */
static void test_session_keys(void) {
  dx_session *a = NULL, *b = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&a, NULL), DX_OK);
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&b, NULL), DX_OK);
  const dx_hashkey *ka = dx_session_hashkey(a), *kb = dx_session_hashkey(b);
  CU_ASSERT(ka->k0 != kb->k0 || ka->k1 != kb->k1);
  CU_ASSERT(ka->k0 != 0 || ka->k1 != 0);
  dx_session_free(a);
  dx_session_free(b);
}

static dx_ipreasm_key frag_key(uint32_t i) {
  dx_ipreasm_key k;
  memset(&k, 0, sizeof k);
  k.src.type = DX_AT_IPV4;
  k.dst.type = DX_AT_IPV4;
  k.src.a[0] = 10;
  k.src.a[2] = (uint8_t)(i >> 8);
  k.src.a[3] = (uint8_t)i;
  k.dst.a[0] = 10;
  k.dst.a[3] = 1;
  k.id = i * 7u;
  k.proto = 17;
  return k;
}

/* 100,000 datagrams in progress (far past the first bucket array): each
 * second half finds its first half; LRU eviction at the cap drops the least
 * recently active one, a datagram refreshed by a fragment survives. */
static void test_reasm_index(void) {
  dx_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.max_frag_datagrams = 100000;
  dx_hashkey key = {42, 43};
  dx_ipreasm *r = dx_ipreasm_new(&cfg, &key);
  CU_ASSERT_PTR_NOT_NULL_FATAL(r);
  uint8_t data[16] = {0};
  dx_ipreasm_result res;
  for (uint32_t i = 0; i < 100000; i++) {
    dx_ipreasm_key k = frag_key(i);
    dx_ipreasm_add(r, &k, i, 1000, 0, 0, data, 8, true, &res);
    CU_ASSERT_EQUAL(res.status, DX_REASM_INCOMPLETE);
    CU_ASSERT(!res.evicted);
  }
  CU_ASSERT_EQUAL(dx_ipreasm_count(r), 100000);
  /* datagram 0 gets a middle fragment: now the most recently active */
  dx_ipreasm_key k0 = frag_key(0);
  dx_ipreasm_add(r, &k0, 1, 1000, 0, 8, data, 8, true, &res);
  CU_ASSERT_EQUAL(res.status, DX_REASM_INCOMPLETE);
  /* a new datagram evicts the least recently active: 1, not 0 */
  dx_ipreasm_key kn = frag_key(200000);
  dx_ipreasm_add(r, &kn, 2, 1000, 0, 0, data, 8, true, &res);
  CU_ASSERT(res.evicted);
  CU_ASSERT_EQUAL(dx_ipreasm_count(r), 100000);
  dx_ipreasm_key k1 = frag_key(1);
  dx_ipreasm_add(r, &k1, 3, 1000, 0, 8, data, 8, false, &res);
  CU_ASSERT_EQUAL(res.status, DX_REASM_INCOMPLETE); /* a new datagram: the head was lost */
  CU_ASSERT(res.evicted);                           /* (and it evicted 2) */
  dx_ipreasm_add(r, &k0, 4, 1000, 0, 16, data, 8, false, &res);
  CU_ASSERT_EQUAL(res.status, DX_REASM_DONE);
  CU_ASSERT_EQUAL(res.len, 24);
  CU_ASSERT_EQUAL(res.nfrags, 3);
  for (uint32_t i = 3; i < 100000; i += 997) {
    dx_ipreasm_key k = frag_key(i);
    dx_ipreasm_add(r, &k, 5, 1000, 0, 8, data, 8, false, &res);
    CU_ASSERT_EQUAL(res.status, DX_REASM_DONE);
  }
  /* 40 s later everything has expired (timeout 30 s) */
  dx_ipreasm_key kl = frag_key(300000);
  dx_ipreasm_add(r, &kl, 6, 1040, 0, 0, data, 8, true, &res);
  CU_ASSERT(!res.evicted);
  CU_ASSERT_EQUAL(dx_ipreasm_count(r), 1);
  dx_ipreasm_free(r);
}

int main(void) {
  CU_TestInfo tests[] = {{"siphash24_vectors", test_siphash24_vectors},
                         {"siphash13", test_siphash13},
                         {"session_keys", test_session_keys},
                         {"reasm_index", test_reasm_index},
                         CU_TEST_INFO_NULL};
  return tu_run("hash", tests);
}
