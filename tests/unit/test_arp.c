/* ARP (RFC 826): request, reply and gratuitous ARP with the Info texts
 * tshark prints; truncation. */
#include "netframe.h"
#include "testutil.h"

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))

static uint8_t fb[128];

static size_t arp_frame(uint8_t *b, uint16_t op, const uint8_t *tpa) {
  size_t n = nf_eth(b, 0x0806);
  const uint8_t h[28] = {0,    1,    0x08, 0,  6, 4, 0, (uint8_t)op, 0x66, 0x77, 0x88,
                         0x99, 0xaa, 0xbb, 10, 0, 0, 1, 0x00,        0x11, 0x22, 0x33,
                         0x44, 0x55, 0,    0,  0, 0};
  memcpy(b + n, h, 28);
  memcpy(b + n + 24, tpa, 4);
  return n + 28;
}

static void test_request_reply(void) {
  const uint8_t t2[4] = {10, 0, 0, 2};
  size_t n = arp_frame(fb, 1, t2);
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 1, fb, n);
  EXPECT(p, "arp.hw.type", "1");
  EXPECT(p, "arp.proto.type", "0x0800");
  EXPECT(p, "arp.hw.size", "6");
  EXPECT(p, "arp.proto.size", "4");
  EXPECT(p, "arp.opcode", "1");
  EXPECT(p, "arp.src.hw_mac", "66:77:88:99:aa:bb");
  EXPECT(p, "arp.src.proto_ipv4", "10.0.0.1");
  EXPECT(p, "arp.dst.hw_mac", "00:11:22:33:44:55");
  EXPECT(p, "arp.dst.proto_ipv4", "10.0.0.2");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Who has 10.0.0.2? Tell 10.0.0.1");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "ARP");
  dx_packet_free(p);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
  n = arp_frame(fb, 2, t2);
  p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "10.0.0.1 is at 66:77:88:99:aa:bb");
  dx_packet_free(p);
  /* gratuitous: sender and target protocol addresses are the same (Info
   * checked with tshark 4.0 on the same bytes) */
  const uint8_t t1[4] = {10, 0, 0, 1};
  n = arp_frame(fb, 1, t1);
  p = tu_dissect(&s, 1, fb, n);
  EXPECT(p, "arp.isgratuitous", "1");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Gratuitous ARP for 10.0.0.1 (Request)");
  dx_packet_free(p);
  /* with a zero target hardware address it is an announcement (RFC 5227) */
  n = arp_frame(fb, 1, t1);
  memset(fb + 14 + 18, 0, 6);
  p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "ARP Announcement for 10.0.0.1");
  dx_packet_free(p);
  dx_session_free(s);
}

/* The other opcodes tshark 4.0 names (RFC 903 RARP, RFC 2390 Inverse ARP;
 * Info, Protocol and layer label read from tshark on the same bytes):
 * "Who is" with hardware addresses, "is at" with the target's (RARP) or
 * the sender's (Inverse ARP) addresses. */
static void test_reverse_and_inverse(void) {
  static const struct {
    uint16_t op;
    const char *proto, *info, *label;
  } want[] = {
      {3, "RARP", "Who is 00:11:22:33:44:55? Tell 66:77:88:99:aa:bb",
       "Address Resolution Protocol (reverse request)"},
      {4, "RARP", "00:11:22:33:44:55 is at 10.0.0.2",
       "Address Resolution Protocol (reverse reply)"},
      {8, "Inverse ARP", "Who is 00:11:22:33:44:55? Tell 66:77:88:99:aa:bb",
       "Address Resolution Protocol (inverse request)"},
      {9, "Inverse ARP", "66:77:88:99:aa:bb is at 10.0.0.1",
       "Address Resolution Protocol (inverse reply)"},
  };
  const uint8_t t2[4] = {10, 0, 0, 2};
  dx_session *s = NULL;
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    size_t n = arp_frame(fb, want[i].op, t2);
    dx_packet *p = tu_dissect(&s, 1, fb, n);
    CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), want[i].proto);
    CU_ASSERT_STRING_EQUAL(dx_packet_info(p), want[i].info);
    char label[128];
    dx_node_label(dx_packet_find_name(p, "arp"), label, sizeof label);
    CU_ASSERT_STRING_EQUAL(label, want[i].label);
    dx_packet_free(p);
  }
  dx_session_free(s);
}

static CU_TestInfo tests[] = {{"request_reply", test_request_reply},
                              {"reverse_and_inverse", test_reverse_and_inverse},
                              CU_TEST_INFO_NULL};

int main(void) {
  return tu_run("arp", tests);
}
