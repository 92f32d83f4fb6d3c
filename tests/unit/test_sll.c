/* Link types without Ethernet: Linux cooked v1 (113) and v2 (276), BSD
 * loopback (0 host order, 108 network order), raw IP (101, 228, 229).
 * Header layouts from tcpdump.org's link-type pages; values by hand. */
#include "netframe.h"
#include "testutil.h"

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))

static uint8_t fb[256];

static size_t ip_icmp(uint8_t *b) {
  size_t n = nf_ip4(b, 1, 1, 0, NULL, 0, 12);
  return n + nf_icmp_echo(b + n, 8, 1, 1, 4);
}

static void test_sll1(void) {
  /* outgoing (4), hatype 1, halen 6, MAC 00:11:22:33:44:55 + 2 unused, IPv4 */
  const uint8_t h[16] = {0, 4, 0, 1, 0, 6, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0, 0x08, 0};
  memcpy(fb, h, 16);
  size_t n = 16 + ip_icmp(fb + 16);
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 113, fb, n);
  EXPECT(p, "sll.pkttype", "4");
  EXPECT(p, "sll.hatype", "1");
  EXPECT(p, "sll.halen", "6");
  EXPECT(p, "sll.src.eth", "00:11:22:33:44:55");
  EXPECT(p, "sll.unused", "0000");
  EXPECT(p, "sll.etype", "0x0800");
  EXPECT(p, "icmp.type", "8");
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  dx_session_free(s);
  CU_ASSERT_EQUAL(tu_truncate_all(113, fb, n), 0);
}

static void test_sll2(void) {
  /* IPv4, reserved, ifindex 1, hatype 772 (loopback), pkttype 0, halen 6 */
  const uint8_t h[20] = {0x08, 0, 0, 0, 0, 0, 0, 1, 0x03, 0x04, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0};
  memcpy(fb, h, 20);
  size_t n = 20 + ip_icmp(fb + 20);
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 276, fb, n);
  EXPECT(p, "sll.etype", "0x0800");
  EXPECT(p, "sll.ifindex", "1");
  EXPECT(p, "sll.hatype", "772");
  EXPECT(p, "sll.pkttype", "0");
  EXPECT(p, "sll.halen", "6");
  EXPECT(p, "sll.src.eth", "01:02:03:04:05:06");
  EXPECT(p, "icmp.type", "8");
  dx_packet_free(p);
  dx_session_free(s);
  CU_ASSERT_EQUAL(tu_truncate_all(276, fb, n), 0);
}

static void test_null(void) {
  /* DLT_NULL written by a little-endian host: 02 00 00 00 = AF_INET */
  const uint8_t le[4] = {2, 0, 0, 0};
  memcpy(fb, le, 4);
  size_t n = 4 + ip_icmp(fb + 4);
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 0, fb, n);
  EXPECT(p, "null.family", "2");
  EXPECT(p, "icmp.type", "8");
  dx_packet_free(p);
  CU_ASSERT_EQUAL(tu_truncate_all(0, fb, n), 0);
  /* DLT_LOOP, network order, family 30 (AF_INET6 on macOS) */
  const uint8_t be[4] = {0, 0, 0, 30};
  memcpy(fb, be, 4);
  nf_ip6(fb + 4, 59, 0);
  p = tu_dissect(&s, 108, fb, 44);
  EXPECT(p, "null.family", "30");
  EXPECT(p, "ipv6.nxt", "59");
  dx_packet_free(p);
  /* DLT_NULL big-endian host: 00 00 00 18 = 24 */
  const uint8_t be24[4] = {0, 0, 0, 24};
  memcpy(fb, be24, 4);
  p = tu_dissect(&s, 0, fb, 44);
  EXPECT(p, "null.family", "24");
  EXPECT(p, "ipv6.src", "fe80::1");
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_raw(void) {
  size_t n = ip_icmp(fb);
  dx_session *s = NULL;
  int types[] = {101, 12, 228};
  for (int i = 0; i < 3; i++) {
    dx_packet *p = tu_dissect(&s, types[i], fb, n);
    EXPECT(p, "ip.dst", "10.0.0.2");
    EXPECT(p, "icmp.type", "8");
    /* LINKTYPE_IPV4 has no "Raw packet data" layer in tshark 4.0 (its IP
     * dissector is registered for the encapsulation: frame.protocols
     * "ip:tcp:tls" on Wireshark's retrans-tls.pcap) */
    CU_ASSERT_EQUAL(tu_count(p, "raw"), types[i] == 228 ? 0 : 1);
    dx_packet_free(p);
  }
  CU_ASSERT_EQUAL(tu_truncate_all(101, fb, n), 0);
  nf_ip6(fb, 59, 0);
  dx_packet *p = tu_dissect(&s, 101, fb, 40);
  EXPECT(p, "ipv6.dst", "fe80::2");
  dx_packet_free(p);
  p = tu_dissect(&s, 229, fb, 40);
  EXPECT(p, "ipv6.dst", "fe80::2");
  CU_ASSERT_EQUAL(tu_count(p, "raw"), 0);
  dx_packet_free(p);
  CU_ASSERT_EQUAL(tu_truncate_all(228, fb, 40), 0);
  p = tu_dissect(&s, 228, fb, 0); /* no bytes: data, no crash */
  CU_ASSERT_PTR_NOT_NULL(p);
  dx_packet_free(p);
  dx_session_free(s);
}

static CU_TestInfo tests[] = {{"sll1", test_sll1},
                              {"sll2", test_sll2},
                              {"null", test_null},
                              {"raw", test_raw},
                              CU_TEST_INFO_NULL};

int main(void) {
  return tu_run("sll", tests);
}
