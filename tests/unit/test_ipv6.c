/* IPv6 (RFC 8200): fixed header, extension headers (Hop-by-Hop options,
 * Routing type 0, Fragment with reassembly, Destination Options), bounded
 * header chains, malformed option lengths, truncation. Values are worked
 * out by hand from the bytes below. */
#include "netframe.h"
#include "testutil.h"

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))

static uint8_t fb[4096];

/* ICMPv6 echo request id 0x0102 seq 3 with 4 data bytes, checksum set. */
static size_t echo6(uint8_t *ip6, uint8_t *m) {
  m[0] = 128;
  m[1] = 0;
  m[2] = m[3] = 0;
  m[4] = 1;
  m[5] = 2;
  m[6] = 0;
  m[7] = 3;
  memcpy(m + 8, "abcd", 4);
  uint16_t c = nf_icmp6_cksum(ip6, m, 12);
  m[2] = (uint8_t)(c >> 8);
  m[3] = (uint8_t)c;
  return 12;
}

static size_t basic_frame(uint8_t *b) {
  size_t n = nf_eth(b, 0x86dd);
  nf_ip6(b + n, 58, 12);
  echo6(b + n, b + n + 40);
  return n + 52;
}

static void test_basic(void) {
  size_t n = basic_frame(fb);
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "ipv6.version", "6");
  EXPECT(p, "ipv6.tclass", "0x00000000");
  EXPECT(p, "ipv6.flow", "0x012345");
  EXPECT(p, "ipv6.plen", "12");
  EXPECT(p, "ipv6.nxt", "58");
  EXPECT(p, "ipv6.hlim", "64");
  EXPECT(p, "ipv6.src", "fe80::1");
  EXPECT(p, "ipv6.dst", "fe80::2");
  CU_ASSERT_EQUAL(tu_count(p, "ipv6.addr"), 2);
  EXPECT(p, "icmpv6.type", "128");
  EXPECT(p, "icmpv6.checksum.status", "1");
  EXPECT(p, "icmpv6.echo.identifier", "0x0102");
  EXPECT(p, "icmpv6.echo.sequence_number", "3");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Echo (ping) request id=0x0102, seq=3, hop limit=64");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "ICMPv6");
  CU_ASSERT_STRING_EQUAL(dx_packet_src(p), "fe80::1");
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  dx_session_free(s);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
}

/* Hop-by-Hop (Router Alert 0 + PadN 2) then Routing type 0 with one
 * address (segments left 1) then ICMPv6. */
static size_t ext_frame(uint8_t *b) {
  size_t n = nf_eth(b, 0x86dd);
  uint8_t *ip6 = b + n;
  nf_ip6(ip6, 0, 8 + 24 + 12);
  uint8_t *h = ip6 + 40;
  const uint8_t hbh[8] = {43, 0, 5, 2, 0, 0, 1, 0};
  memcpy(h, hbh, 8);
  uint8_t *r = h + 8;
  memset(r, 0, 24);
  r[0] = 58;
  r[1] = 2; /* (2+1)*8 = 24 bytes */
  r[2] = 0;
  r[3] = 1;
  r[8] = 0x20;
  r[9] = 0x01;
  r[23] = 9; /* 2001::9 */
  echo6(ip6, r + 24);
  return n + 40 + 8 + 24 + 12;
}

static void test_ext_headers(void) {
  size_t n = ext_frame(fb);
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 1, fb, n);
  EXPECT(p, "ipv6.nxt", "0");
  EXPECT(p, "ipv6.hopopts.nxt", "43");
  EXPECT(p, "ipv6.hopopts.len", "0");
  EXPECT(p, "ipv6.hopopts.len_oct", "8");
  EXPECT(p, "ipv6.opt.router_alert", "0");
  EXPECT(p, "ipv6.opt.type", "0x05");
  CU_ASSERT_EQUAL(tu_count(p, "ipv6.opt.type"), 2);
  EXPECT(p, "ipv6.opt.padn", "");
  EXPECT(p, "ipv6.routing.type", "0");
  EXPECT(p, "ipv6.routing.segleft", "1");
  EXPECT(p, "ipv6.routing.src.addr", "2001::9");
  EXPECT(p, "icmpv6.type", "128");
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  dx_session_free(s);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
}

/* 40 Destination Options headers in a row: the chain is cut after 32. */
static void test_long_chain(void) {
  size_t n = nf_eth(fb, 0x86dd);
  nf_ip6(fb + n, 60, 40 * 8);
  uint8_t *h = fb + n + 40;
  for (int i = 0; i < 40; i++) {
    const uint8_t d[8] = {60, 0, 1, 4, 0, 0, 0, 0}; /* PadN 4 */
    memcpy(h + i * 8, d, 8);
  }
  n += 40 + 40 * 8;
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_EQUAL(tu_count(p, "ipv6.dstopts"), 32);
  CU_ASSERT_EQUAL(tu_count(p, "ipv6.too_many_ext_hdrs"), 1);
  CU_ASSERT(tu_any_flag(p, DX_NODE_MALFORMED));
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_bad_option(void) {
  /* PadN whose length runs past the header */
  size_t n = nf_eth(fb, 0x86dd);
  nf_ip6(fb + n, 0, 8 + 12);
  const uint8_t hbh[8] = {58, 0, 1, 9, 0, 0, 0, 0};
  memcpy(fb + n + 40, hbh, 8);
  echo6(fb + n, fb + n + 48);
  n += 60;
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_EQUAL(tu_count(p, "ipv6.opt.invalid_len"), 1);
  CU_ASSERT(tu_any_flag(p, DX_NODE_MALFORMED));
  EXPECT(p, "icmpv6.type", "128"); /* the header length still holds */
  dx_packet_free(p);
  dx_session_free(s);
  /* extension header length past the payload */
  n = nf_eth(fb, 0x86dd);
  nf_ip6(fb + n, 60, 8);
  const uint8_t d[8] = {58, 5, 1, 4, 0, 0, 0, 0};
  memcpy(fb + n + 40, d, 8);
  n += 48;
  s = NULL;
  p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT(tu_any_flag(p, DX_NODE_MALFORMED));
  dx_packet_free(p);
  dx_session_free(s);
  /* bad version */
  n = basic_frame(fb);
  fb[14] = 0x40;
  s = NULL;
  p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT(tu_any_flag(p, DX_NODE_MALFORMED));
  dx_packet_free(p);
  dx_session_free(s);
}

/* An ICMPv6 echo of 8 + 24 bytes in two fragments (16 + 16). */
static size_t frag6(uint8_t *b, const uint8_t *data, size_t len, uint16_t off, bool more) {
  size_t n = nf_eth(b, 0x86dd);
  nf_ip6(b + n, 44, (uint16_t)(8 + len));
  uint8_t *f = b + n + 40;
  f[0] = 58;
  f[1] = 0;
  uint16_t w = (uint16_t)(off | (more ? 1 : 0));
  f[2] = (uint8_t)(w >> 8);
  f[3] = (uint8_t)w;
  f[4] = 0xde;
  f[5] = 0xad;
  f[6] = 0xbe;
  f[7] = 0xef;
  memcpy(f + 8, data, len);
  return n + 48 + len;
}

static void test_fragments(void) {
  uint8_t ip6[40], m[32];
  nf_ip6(ip6, 58, 32);
  m[0] = 128;
  m[1] = 0;
  m[2] = m[3] = 0;
  m[4] = 0;
  m[5] = 5;
  m[6] = 0;
  m[7] = 6;
  for (int i = 8; i < 32; i++)
    m[i] = (uint8_t)i;
  uint16_t c = nf_icmp6_cksum(ip6, m, 32);
  m[2] = (uint8_t)(c >> 8);
  m[3] = (uint8_t)c;
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  size_t n = frag6(fb, m, 16, 0, true);
  dx_packet *p = nf_feed(s, 1, fb, n, 5, 0);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "IPv6 fragment (off=0 more=y ident=0xdeadbeef nxt=58)");
  EXPECT(p, "ipv6.fraghdr.ident", "0xdeadbeef");
  EXPECT(p, "ipv6.fraghdr.more", "1");
  CU_ASSERT_EQUAL(tu_count(p, "icmpv6.type"), 0);
  dx_packet_free(p);
  n = frag6(fb, m + 16, 16, 16, false);
  p = nf_feed(s, 1, fb, n, 5, 1);
  EXPECT(p, "ipv6.fraghdr.offset", "2");
  EXPECT(p, "icmpv6.type", "128");
  EXPECT(p, "icmpv6.checksum.status", "1");
  EXPECT(p, "icmpv6.echo.sequence_number", "6");
  EXPECT(p, "ipv6.fragment.count", "2");
  EXPECT(p, "ipv6.reassembled.length", "32");
  CU_ASSERT_EQUAL(dx_packet_source_count(p), 2);
  dx_packet_free(p);
  dx_session_free(s);
  n = frag6(fb, m, 16, 0, true);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
}

static CU_TestInfo tests[] = {
    {"basic", test_basic},           {"ext_headers", test_ext_headers},
    {"long_chain", test_long_chain}, {"bad_option", test_bad_option},
    {"fragments", test_fragments},   CU_TEST_INFO_NULL,
};

int main(void) {
  return tu_run("ipv6", tests);
}
