/* UDP (RFC 768) from hand-made Ethernet/IPv4/UDP frames. Expected values
 * are computed by hand from the bytes (lengths, ports, checksums) and were
 * checked with tshark 4.0 on the same frames (TU_DUMP_PCAP). */
#include "tcpframe.h"
#include "testutil.h"

#include <string.h>

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))

static uint8_t fb[2048];
static const uint8_t ten[10] = "0123456789";

static void test_basic(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  size_t n = tf_udp(fb, 1, 51514, 9999, ten, 10, 0);
  dx_packet *p = tf_feed(s, fb, n, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "udp.srcport", "51514");
  EXPECT(p, "udp.dstport", "9999");
  CU_ASSERT_EQUAL(tu_count(p, "udp.port"), 2);
  EXPECT(p, "udp.length", "18");
  EXPECT(p, "udp.checksum.status", "2");
  EXPECT(p, "udp.stream", "0");
  EXPECT(p, "udp.payload", "30313233343536373839");
  EXPECT(p, "udp.time_relative", "0.000000000");
  EXPECT(p, "data.len", "10");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "51514 \xe2\x86\x92 9999 Len=10");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "UDP");
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  /* The checksum field holds the one's complement sum computed by hand in
   * tcpframe.h (RFC 768); print it back in tshark's format. */
  char want[8];
  snprintf(want, sizeof want, "0x%02x%02x", fb[34 + 6], fb[34 + 7]);
  EXPECT(p, "udp.checksum", want);
  dx_packet_free(p);

  /* another conversation, then the reply in the first one */
  n = tf_udp(fb, 1, 40000, 9999, ten, 3, 0);
  p = tf_feed(s, fb, n, 1000);
  EXPECT(p, "udp.stream", "1");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "40000 \xe2\x86\x92 9999 Len=3");
  dx_packet_free(p);
  n = tf_udp(fb, 0, 51514, 9999, ten, 2, 0);
  p = tf_feed(s, fb, n, 2500);
  EXPECT(p, "udp.stream", "0");
  EXPECT(p, "udp.length", "10");
  EXPECT(p, "udp.time_relative", "0.002500000");
  EXPECT(p, "udp.time_delta", "0.002500000");
  dx_packet_free(p);
  /* no payload: no payload node, no data, and (as tshark) no times */
  n = tf_udp(fb, 0, 51514, 9999, ten, 0, 0);
  p = tf_feed(s, fb, n, 3000);
  EXPECT(p, "udp.stream", "0");
  EXPECT(p, "udp.length", "8");
  CU_ASSERT_EQUAL(tu_count(p, "udp.time_delta"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "udp.payload"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "data"), 0);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "9999 \xe2\x86\x92 51514 Len=0");
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_checksums(void) {
  dx_config cfg = {0};
  cfg.check_checksums = 1;
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, &cfg), DX_OK);
  size_t n = tf_udp(fb, 1, 51514, 9999, ten, 10, 0);
  dx_packet *p = tf_feed(s, fb, n, 0);
  EXPECT(p, "udp.checksum.status", "1");
  dx_packet_free(p);
  /* one payload byte changed: the stored checksum is now wrong by 1 in the
   * high byte of that 16-bit word ('0' -> '1' at an even offset) */
  uint16_t good = (uint16_t)(fb[34 + 6] << 8 | fb[34 + 7]);
  fb[34 + 8] = '1';
  p = tf_feed(s, fb, n, 1);
  EXPECT(p, "udp.checksum.status", "0");
  char want[8];
  /* RFC 1624: the correct checksum decreases by 0x0100 (one's complement) */
  uint32_t c = (uint32_t)good + 0xffff - 0x0100;
  c = (c & 0xffff) + (c >> 16);
  snprintf(want, sizeof want, "0x%04x", c);
  EXPECT(p, "udp.checksum_calculated", want);
  CU_ASSERT_EQUAL(tu_count(p, "udp.checksum.bad"), 1);
  dx_packet_free(p);
  /* zero over IPv4: not computed by the sender */
  fb[34 + 6] = fb[34 + 7] = 0;
  p = tf_feed(s, fb, n, 2);
  EXPECT(p, "udp.checksum", "0x0000");
  EXPECT(p, "udp.checksum.status", "3");
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_bad_lengths(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  size_t n = tf_udp(fb, 1, 51514, 9999, ten, 10, 7);
  dx_packet *p = tf_feed(s, fb, n, 0);
  EXPECT(p, "udp.srcport", "51514");
  EXPECT(p, "udp.length", "7");
  CU_ASSERT(tu_any_flag(p, DX_NODE_MALFORMED));
  CU_ASSERT_EQUAL(tu_count(p, "udp.length.bad"), 1);
  dx_packet_free(p);
  n = tf_udp(fb, 1, 51514, 9999, ten, 10, 100);
  p = tf_feed(s, fb, n, 1);
  EXPECT(p, "udp.length", "100");
  CU_ASSERT(tu_any_flag(p, DX_NODE_MALFORMED));
  CU_ASSERT_EQUAL(tu_count(p, "udp.length.bad"), 1);
  dx_packet_free(p);
  /* shorter than the IP payload: the rest is not UDP's */
  n = tf_udp(fb, 1, 51514, 9999, ten, 10, 12);
  p = tf_feed(s, fb, n, 2);
  EXPECT(p, "udp.payload", "30313233");
  EXPECT(p, "data.len", "4");
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED));
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_truncation(void) {
  size_t n = tf_udp(fb, 1, 51514, 9999, ten, 10, 0);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
}

/* A datagram cut by the snapshot length: the payload item counts the bytes
 * captured, and nothing read past them, so the Info column does not say the
 * packet was cut (tshark 4.0 on the same frame: "UDP payload (16 bytes)",
 * "40000 -> 40001 Len=100"). */
static void test_cut_payload(void) {
  uint8_t pl[100];
  for (int i = 0; i < 100; i++)
    pl[i] = (uint8_t)i;
  size_t n = tf_udp(fb, 1, 40000, 40001, pl, sizeof pl, 0);
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  dx_packet *p = tf_feed_cut(s, fb, n, 42 + 16, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(tu_label(p, "udp.payload"), "UDP payload (16 bytes)");
  CU_ASSERT_PTR_NULL(strstr(dx_packet_info(p), "Packet size limited"));
  dx_packet_free(p);
  dx_session_free(s);
}

/* DNS by port: a query for example.com (RFC 1035 4.1). */
static void test_dns_dispatch(void) {
  static const uint8_t q[29] = {0x12, 0x34, 0x01, 0x00, 0,   1, 0,   0,   0,   0, 0, 0, 7, 'e', 'x',
                                'a',  'm',  'p',  'l',  'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1};
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  size_t n = tf_udp(fb, 1, 51514, 53, q, sizeof q, 0);
  dx_packet *p = tf_feed(s, fb, n, 0);
  EXPECT(p, "dns.qry.name", "example.com");
  EXPECT(p, "udp.length", "37");
  dx_packet_free(p);
  dx_session_free(s);
}

int main(void) {
  CU_TestInfo tests[] = {
      {"ports, length, stream, payload, times", test_basic},
      {"checksums", test_checksums},
      {"bad lengths", test_bad_lengths},
      {"truncated at every length", test_truncation},
      {"a datagram cut by the snapshot length", test_cut_payload},
      {"DNS by port", test_dns_dispatch},
      CU_TEST_INFO_NULL,
  };
  return tu_run("udp", tests);
}
