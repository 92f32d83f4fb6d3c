/* ICMP (RFC 792) and ICMPv6 (RFC 4443, RFC 4861): echo request/reply
 * matching, Info texts as tshark prints them, error messages quoting a
 * datagram, checksums, Neighbor Discovery options, truncation. */
#include "netframe.h"
#include "testutil.h"

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))

static uint8_t fb[2048];

static size_t echo_frame(uint8_t *b, uint8_t type, bool swap) {
  size_t n = nf_eth(b, 0x0800);
  uint8_t *ip = b + n;
  n += nf_ip4(ip, 1, 0x1111, 0, NULL, 0, 8 + 8);
  if (swap) { /* reply: 10.0.0.2 -> 10.0.0.1 (checksum unchanged: same words) */
    ip[15] = 2;
    ip[19] = 1;
  }
  return n + nf_icmp_echo(b + n, type, 0x0001, 0x0001, 8);
}

static void test_echo(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  size_t n = echo_frame(fb, 8, false);
  dx_packet *p = nf_feed(s, 1, fb, n, 100, 0);
  EXPECT(p, "icmp.type", "8");
  EXPECT(p, "icmp.code", "0");
  EXPECT(p, "icmp.checksum.status", "1");
  EXPECT(p, "icmp.ident", "1");
  EXPECT(p, "icmp.ident_le", "256");
  EXPECT(p, "icmp.seq", "1");
  EXPECT(p, "icmp.seq_le", "256");
  EXPECT(p, "data.len", "8");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Echo (ping) request  id=0x0001, seq=1/256, ttl=64");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "ICMP");
  dx_packet_free(p);
  n = echo_frame(fb, 0, true);
  p = nf_feed(s, 1, fb, n, 100, 2500000); /* 2.5 ms later */
  EXPECT(p, "icmp.resp_to", "1");
  EXPECT(p, "icmp.resptime", "2.5");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Echo (ping) reply    id=0x0001, seq=1/256, ttl=64 (request in 1)");
  dx_packet_free(p);
  /* a reply in the same direction as the request matches nothing */
  n = echo_frame(fb, 0, false);
  p = nf_feed(s, 1, fb, n, 100, 3000000);
  CU_ASSERT_EQUAL(tu_count(p, "icmp.resp_to"), 0);
  dx_packet_free(p);
  /* a bad checksum */
  n = echo_frame(fb, 8, false);
  fb[n - 1] ^= 1;
  p = nf_feed(s, 1, fb, n, 100, 4000000);
  EXPECT(p, "icmp.checksum.status", "0");
  CU_ASSERT_EQUAL(tu_count(p, "icmp.checksum_bad"), 1);
  dx_packet_free(p);
  dx_session_free(s);
  n = echo_frame(fb, 8, false);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
}

/* Port unreachable quoting IPv4 + UDP 5353 -> 9 (8 bytes of UDP). */
static size_t unreach_frame(uint8_t *b) {
  uint8_t q[28];
  nf_ip4(q, 17, 0x2222, 0, NULL, 0, 20); /* original length 40 */
  const uint8_t udp[8] = {0x14, 0xe9, 0x00, 0x09, 0x00, 0x14, 0x00, 0x00};
  memcpy(q + 20, udp, 8);
  size_t n = nf_eth(b, 0x0800);
  n += nf_ip4(b + n, 1, 0x3333, 0, NULL, 0, 8 + 28);
  uint8_t *m = b + n;
  memset(m, 0, 8);
  m[0] = 3;
  m[1] = 3;
  memcpy(m + 8, q, 28);
  uint16_t c = nf_cksum(m, 36, 0);
  m[2] = (uint8_t)(c >> 8);
  m[3] = (uint8_t)c;
  return n + 36;
}

/* The echo table remembers the last 4096 requests: the 4097th forgets the
 * first (said once, as a limit note), the 4098th the second (not said
 * again), whose reply then matches nothing; the third's still matches. */
static void test_echo_ring(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  for (uint16_t seq = 1; seq <= 4098; seq++) {
    size_t n = nf_eth(fb, 0x0800);
    n += nf_ip4(fb + n, 1, 0x1111, 0, NULL, 0, 8 + 8);
    n += nf_icmp_echo(fb + n, 8, 0x0001, seq, 8);
    dx_packet *p = nf_feed(s, 1, fb, n, 100, seq);
    CU_ASSERT_EQUAL(tu_count(p, "_ws.limit"), seq == 4097 ? 1 : 0);
    dx_packet_free(p);
  }
  for (uint16_t seq = 2; seq <= 3; seq++) {
    size_t n = nf_eth(fb, 0x0800);
    uint8_t *ip = fb + n;
    n += nf_ip4(ip, 1, 0x1111, 0, NULL, 0, 8 + 8);
    ip[15] = 2; /* reply: 10.0.0.2 -> 10.0.0.1 */
    ip[19] = 1;
    n += nf_icmp_echo(fb + n, 0, 0x0001, seq, 8);
    dx_packet *p = nf_feed(s, 1, fb, n, 101, seq);
    if (seq == 2)
      CU_ASSERT_EQUAL(tu_count(p, "icmp.resp_to"), 0);
    if (seq == 3)
      EXPECT(p, "icmp.resp_to", "3");
    dx_packet_free(p);
  }
  dx_session_free(s);
}

static void test_unreachable(void) {
  size_t n = unreach_frame(fb);
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 1, fb, n);
  EXPECT(p, "icmp.type", "3");
  EXPECT(p, "icmp.code", "3");
  EXPECT(p, "icmp.checksum.status", "1");
  EXPECT(p, "icmp.unused", "00000000");
  CU_ASSERT_EQUAL(tu_count(p, "ip.src"), 2);
  CU_ASSERT_EQUAL(tu_count(p, "ip.id"), 2);
  EXPECT(p, "udp.srcport", "5353");
  EXPECT(p, "udp.dstport", "9");
  /* the outer packet keeps its columns */
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Destination unreachable (Port unreachable)");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "ICMP");
  CU_ASSERT_STRING_EQUAL(dx_packet_src(p), "10.0.0.1");
  dx_packet_free(p);
  dx_session_free(s);
  /* every prefix: no crash; the ICMP part is marked */
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
}

/* Neighbor Solicitation for fe80::2 with a source link-layer option. */
static size_t ns_frame(uint8_t *b, uint8_t optlen8) {
  size_t n = nf_eth(b, 0x86dd);
  uint8_t *ip6 = b + n;
  nf_ip6(ip6, 58, 32);
  ip6[7] = 255;
  uint8_t *m = ip6 + 40;
  memset(m, 0, 32);
  m[0] = 135;
  m[8] = 0xfe;
  m[9] = 0x80;
  m[23] = 2;
  const uint8_t opt[8] = {1, optlen8, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
  memcpy(m + 24, opt, 8);
  uint16_t c = nf_icmp6_cksum(ip6, m, 32);
  m[2] = (uint8_t)(c >> 8);
  m[3] = (uint8_t)c;
  return n + 72;
}

static void test_nd(void) {
  size_t n = ns_frame(fb, 1);
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 1, fb, n);
  EXPECT(p, "icmpv6.type", "135");
  EXPECT(p, "icmpv6.checksum.status", "1");
  EXPECT(p, "icmpv6.nd.ns.target_address", "fe80::2");
  EXPECT(p, "icmpv6.opt.type", "1");
  EXPECT(p, "icmpv6.opt.length", "1");
  EXPECT(p, "icmpv6.opt.linkaddr", "00:11:22:33:44:55");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Neighbor Solicitation for fe80::2 from 00:11:22:33:44:55");
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  dx_session_free(s);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
  /* option length 0: malformed, and the walk stops */
  n = ns_frame(fb, 0);
  s = NULL;
  p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT(tu_any_flag(p, DX_NODE_MALFORMED));
  dx_packet_free(p);
  dx_session_free(s);
}

/* ICMPv6 echo request and reply between fe80::1 and fe80::2. */
static void test_echo6(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  for (int i = 0; i < 2; i++) {
    size_t n = nf_eth(fb, 0x86dd);
    uint8_t *ip6 = fb + n;
    nf_ip6(ip6, 58, 8);
    if (i == 1) { /* swap the addresses */
      ip6[23] = 2;
      ip6[39] = 1;
    }
    uint8_t *m = ip6 + 40;
    const uint8_t e[8] = {(uint8_t)(i ? 129 : 128), 0, 0, 0, 0x12, 0x34, 0, 7};
    memcpy(m, e, 8);
    uint16_t c = nf_icmp6_cksum(ip6, m, 8);
    m[2] = (uint8_t)(c >> 8);
    m[3] = (uint8_t)c;
    dx_packet *p = nf_feed(s, 1, fb, n + 48, 7, (uint32_t)i * 10000);
    EXPECT(p, "icmpv6.checksum.status", "1");
    if (i == 1) {
      EXPECT(p, "icmpv6.resp_to", "1");
      EXPECT(p, "icmpv6.resptime", "0.01");
      CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                             "Echo (ping) reply id=0x1234, seq=7, hop limit=64 (request in 1)");
    }
    dx_packet_free(p);
  }
  dx_session_free(s);
}

static CU_TestInfo tests[] = {
    {"echo", test_echo}, {"echo ring", test_echo_ring}, {"unreachable", test_unreachable},
    {"nd", test_nd},     {"echo6", test_echo6},         CU_TEST_INFO_NULL,
};

int main(void) {
  return tu_run("icmp", tests);
}
