/* Ethernet II and IEEE 802.3 framing: addresses and their LG/IG bits, the
 * either-direction eth.addr, EtherType dispatch, padding after a short
 * IPv4 packet, an unknown EtherType, a length field instead of a type, and
 * every truncation, trailers and FCS. Expected values are what tshark 4.0 prints for the
 * same hand-made frames (tshark -T fields). */
#include "netframe.h"
#include "testutil.h"

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))

static uint8_t fb[256];

/* Ethernet + IPv4 10.0.0.1 -> 10.0.0.2 + an 8-byte ICMP echo request,
 * padded with 18 zero bytes to the 60-byte minimum. */
static size_t ping60(uint8_t *b) {
  size_t n = nf_eth(b, 0x0800);
  n += nf_ip4(b + n, 1, 1, 0, NULL, 0, 8);
  n += nf_icmp_echo(b + n, 8, 1, 0, 0);
  memset(b + n, 0, 60 - n);
  return 60;
}

static void test_ethernet_ii(void) {
  size_t n = ping60(fb);
  CU_ASSERT_EQUAL(n, 60);
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 1, fb, n);
  EXPECT(p, "eth.dst", "00:11:22:33:44:55");
  EXPECT(p, "eth.src", "66:77:88:99:aa:bb");
  EXPECT(p, "eth.type", "0x0800");
  EXPECT(p, "eth.dst.ig", "0");
  EXPECT(p, "eth.dst.lg", "0");
  /* 0x66: the locally-administered bit (0x02) is set */
  EXPECT(p, "eth.src.lg", "1");
  CU_ASSERT_EQUAL(tu_count(p, "eth.addr"), 2);
  /* the 18 bytes after the 42-byte IPv4 packet */
  EXPECT(p, "eth.padding", "000000000000000000000000000000000000");
  EXPECT(p, "ip.dst", "10.0.0.2");
  EXPECT(p, "icmp.type", "8");
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:icmp");
  CU_ASSERT_EQUAL(tu_count(p, "eth.len"), 0);
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_group_and_local_bits(void) {
  size_t n = ping60(fb);
  static const uint8_t dst[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
  static const uint8_t src[6] = {0x02, 0x77, 0x88, 0x99, 0x00, 0xbb};
  memcpy(fb, dst, 6);
  memcpy(fb + 6, src, 6);
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 1, fb, n);
  EXPECT(p, "eth.dst", "01:00:5e:00:00:01");
  EXPECT(p, "eth.dst.ig", "1");
  EXPECT(p, "eth.dst.lg", "0");
  EXPECT(p, "eth.src", "02:77:88:99:00:bb");
  EXPECT(p, "eth.src.lg", "1");
  /* eth.ig: the destination's first, then the source's */
  EXPECT(p, "eth.ig", "1");
  CU_ASSERT_EQUAL(tu_count(p, "eth.ig"), 2);
  dx_packet_free(p);
  dx_session_free(s);
}

/* A value below 1536 in the type position is an IEEE 802.3 length. */
static void test_8023_length(void) {
  memset(fb, 0, 60);
  memset(fb, 0xff, 6);
  static const uint8_t src[6] = {0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb};
  memcpy(fb + 6, src, 6);
  fb[12] = 0;
  fb[13] = 38;
  fb[14] = 0x42;
  fb[15] = 0x42;
  fb[16] = 0x03;
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 1, fb, 60);
  EXPECT(p, "eth.dst", "ff:ff:ff:ff:ff:ff");
  EXPECT(p, "eth.len", "38");
  CU_ASSERT_EQUAL(tu_count(p, "eth.type"), 0);
  EXPECT(p, "eth.dst.ig", "1");
  EXPECT(p, "eth.dst.lg", "1");
  /* the payload is LLC (here a Spanning Tree BPDU's DSAP/SSAP 0x42), as
   * tshark dissects it; its layer named as tshark 4.0 names it (its -V on
   * Wireshark's logistics_multicast.pcapng) */
  CU_ASSERT_STRING_EQUAL(tu_label(p, "eth"), "IEEE 802.3 Ethernet ");
  EXPECT(p, "llc.dsap", "0x42");
  EXPECT(p, "llc.ssap", "0x42");
  /* the Spanning Tree BPDU's summary over LLC's, as tshark's (an all-zero
   * Configuration BPDU) */
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Conf. Root = 0/0/00:00:00:00:00:00  Cost = 0  Port = 0x0000");
  EXPECT(p, "frame.protocols", "eth:llc:stp");
  dx_packet_free(p);
  /* a length of 0: nothing after the header, no LLC */
  fb[13] = 0;
  p = tu_dissect(&s, 1, fb, 60);
  EXPECT(p, "eth.len", "0");
  CU_ASSERT_EQUAL(tu_count(p, "llc"), 0);
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_unknown_ethertype(void) {
  size_t n = nf_eth(fb, 0x88b5);
  memcpy(fb + n, "hello-experimental", 18);
  n += 18;
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 1, fb, n);
  EXPECT(p, "eth.type", "0x88b5");
  EXPECT(p, "frame.protocols", "eth:ethertype:data");
  /* "hello-experimental" in hex */
  EXPECT(p, "data.data", "68656c6c6f2d6578706572696d656e74616c");
  EXPECT(p, "data.len", "18");
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED));
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_truncated(void) {
  size_t n = ping60(fb);
  /* every prefix of a full frame is marked, none crashes */
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, 42), 0);
  dx_session *s = NULL;
  /* 13 bytes: both addresses, no type */
  dx_packet *p = tu_dissect(&s, 1, fb, 13);
  EXPECT(p, "eth.dst", "00:11:22:33:44:55");
  EXPECT(p, "eth.src", "66:77:88:99:aa:bb");
  CU_ASSERT_EQUAL(tu_count(p, "eth.type"), 0);
  CU_ASSERT(tu_any_flag(p, DX_NODE_TRUNCATED | DX_NODE_MALFORMED));
  dx_packet_free(p);
  /* an empty frame */
  p = tu_dissect(&s, 1, fb, 0);
  CU_ASSERT_PTR_NOT_NULL(p);
  CU_ASSERT_EQUAL(tu_count(p, "eth.dst"), 0);
  dx_packet_free(p);
  dx_session_free(s);
  (void)n;
}

/* The bytes after the upper layer as tshark 4.0's add_ethernet_trailer()
 * takes them (checked with tshark -T fields on the same frames): the ping
 * padded with non-zero bytes is a trailer with a note; the 28-byte packet
 * in a 64-byte frame is zero padding to 60 and a 4-byte FCS; a 100-byte
 * frame with 4 extra bytes ends with an FCS, no padding. */
static void test_trailer_fcs(void) {
  dx_session *s = NULL;
  size_t n = ping60(fb);
  memset(fb + 42, 0xab, 18);
  dx_packet *p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_EQUAL(tu_count(p, "eth.padding"), 0);
  EXPECT(p, "eth.trailer", "abababababababababababababababababab");
  CU_ASSERT_EQUAL(tu_count(p, "eth.padding_bad"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "eth.fcs"), 0);
  dx_packet_free(p);
  n = ping60(fb);
  fb[60] = 0x11, fb[61] = 0x22, fb[62] = 0x33, fb[63] = 0x44;
  p = tu_dissect(&s, 1, fb, 64);
  EXPECT(p, "eth.padding", "000000000000000000000000000000000000");
  EXPECT(p, "eth.fcs", "0x11223344");
  EXPECT(p, "eth.fcs.status", "2");
  CU_ASSERT_EQUAL(tu_count(p, "eth.trailer"), 0);
  dx_packet_free(p);
  n = nf_eth(fb, 0x0800);
  n += nf_ip4(fb + n, 1, 1, 0, NULL, 0, 62);
  n += nf_icmp_echo(fb + n, 8, 1, 0, 54);
  fb[96] = 0xde, fb[97] = 0xad, fb[98] = 0xbe, fb[99] = 0xef;
  p = tu_dissect(&s, 1, fb, 100);
  CU_ASSERT_EQUAL(tu_count(p, "eth.padding"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "eth.trailer"), 0);
  EXPECT(p, "eth.fcs", "0xdeadbeef");
  dx_packet_free(p);
  dx_session_free(s);
}

static CU_TestInfo tests[] = {
    {"Ethernet II, padding", test_ethernet_ii},
    {"group and locally administered bits", test_group_and_local_bits},
    {"IEEE 802.3 length field", test_8023_length},
    {"unknown EtherType as data", test_unknown_ethertype},
    {"truncated at every length", test_truncated},
    {"trailer and FCS", test_trailer_fcs},
    CU_TEST_INFO_NULL,
};

int main(void) {
  return tu_run("eth", tests);
}
