/* WireGuard (found by its UDP heuristic): the four message types, the
 * sessions tshark's first pass finds (wg.stream, wg.response_to), a
 * Keepalive, the conversation kept after an Initiation, and truncation.
 * Hand-made Ethernet/IPv4/UDP frames; the expected values are tshark
 * 4.0's on the same frames (TU_ONLY=... TU_DUMP_PCAP=file, then tshark -V
 * and -T fields on that file). */
#include "netframe.h"
#include "testutil.h"

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))

static uint8_t fb[256];

static void le32(uint8_t *b, uint32_t v) {
  for (int i = 0; i < 4; i++)
    b[i] = (uint8_t)(v >> (8 * i));
}

static size_t initiation(uint8_t *m, uint32_t sender) {
  memset(m, 0, 148);
  m[0] = 1;
  le32(m + 4, sender);
  for (int i = 0; i < 32; i++)
    m[8 + i] = (uint8_t)i; /* the ephemeral key */
  for (int i = 40; i < 132; i++)
    m[i] = (uint8_t)(0xa0 + i % 16); /* encrypted static, timestamp, mac1 */
  return 148;
}

static size_t response(uint8_t *m, uint32_t sender, uint32_t receiver) {
  memset(m, 0, 92);
  m[0] = 2;
  le32(m + 4, sender);
  le32(m + 8, receiver);
  for (int i = 12; i < 76; i++)
    m[i] = (uint8_t)(0x40 + i % 32);
  return 92;
}

static size_t data(uint8_t *m, uint32_t receiver, uint32_t counter, size_t payload) {
  memset(m, 0, 16 + payload);
  m[0] = 4;
  le32(m + 4, receiver);
  le32(m + 8, counter);
  for (size_t i = 16; i < 16 + payload; i++)
    m[i] = (uint8_t)(i * 7);
  return 16 + payload;
}

static void test_handshake_and_data(void) {
  dx_session *s = NULL;
  uint8_t m[160];
  /* frame 1: the initiation */
  size_t n = nf_udp4(fb, 0, 40000, 51820, m, initiation(m, 0x11223344));
  dx_packet *p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "WireGuard");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Handshake Initiation, sender=0x11223344");
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:udp:wg");
  EXPECT(p, "wg.type", "1");
  EXPECT(p, "wg.reserved", "000000");
  EXPECT(p, "wg.sender", "0x11223344");
  EXPECT(p, "wg.ephemeral", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
  EXPECT(p, "wg.ephemeral.known_privkey", "0");
  EXPECT(p, "wg.mac2", "00000000000000000000000000000000");
  EXPECT(p, "wg.stream", "0");
  CU_ASSERT_EQUAL(tu_count(p, "wg.response_to"), 0);
  dx_packet_free(p);
  /* frame 2: the response, to the initiator */
  n = nf_udp4(fb, 1, 51820, 40000, m, response(m, 0x55667788, 0x11223344));
  p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Handshake Response, sender=0x55667788, receiver=0x11223344");
  EXPECT(p, "wg.receiver", "0x11223344");
  EXPECT(p, "wg.stream", "0");
  EXPECT(p, "wg.response_to", "1");
  dx_packet_free(p);
  /* frame 3: data to the responder */
  n = nf_udp4(fb, 0, 40000, 51820, m, data(m, 0x55667788, 5, 48));
  p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Transport Data, receiver=0x55667788, counter=5, datalen=32");
  EXPECT(p, "wg.counter", "5");
  EXPECT(p, "wg.stream", "0");
  dx_packet_free(p);
  /* frame 4: a keepalive back */
  n = nf_udp4(fb, 1, 51820, 40000, m, data(m, 0x11223344, 6, 16));
  p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Keepalive, receiver=0x11223344, counter=6");
  EXPECT(p, "wg.stream", "0");
  CU_ASSERT_EQUAL(tu_count(p, "wg.keepalive"), 1);
  dx_packet_free(p);
  /* frame 5: data with reserved bytes set, in the conversation an
   * initiation made WireGuard's: still WireGuard */
  n = nf_udp4(fb, 0, 40000, 51820, m, data(m, 0x55667788, 7, 48));
  fb[n - 64 + 1] = 0x12;
  p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "WireGuard");
  EXPECT(p, "wg.reserved", "120000");
  dx_packet_free(p);
  /* frame 6: the same on another conversation: not WireGuard */
  n = nf_udp4(fb, 0, 40001, 51820, m, data(m, 0x55667788, 7, 48));
  fb[n - 64 + 1] = 0x12;
  p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "UDP");
  CU_ASSERT_EQUAL(tu_count(p, "wg"), 0);
  dx_packet_free(p);
  /* frame 7: a second initiation, answered by a cookie reply */
  n = nf_udp4(fb, 0, 40000, 51820, m, initiation(m, 0x99aabbcc));
  p = tu_dissect(&s, 1, fb, n);
  EXPECT(p, "wg.stream", "1");
  dx_packet_free(p);
  memset(m, 0, 64);
  m[0] = 3;
  le32(m + 4, 0x99aabbcc);
  n = nf_udp4(fb, 1, 51820, 40000, m, 64);
  p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Cookie Reply, receiver=0x99AABBCC");
  EXPECT(p, "wg.stream", "1");
  EXPECT(p, "wg.response_to", "7");
  dx_packet_free(p);
  /* frame 9: data of a receiver index no session has */
  n = nf_udp4(fb, 0, 40000, 51820, m, data(m, 0x01020304, 1, 32));
  p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_EQUAL(tu_count(p, "wg.stream"), 0);
  dx_packet_free(p);
  dx_session_free(s);
}

/* Lengths that are no message's are not WireGuard; a cut frame keeps what
 * it has. */
static void test_lengths_and_truncation(void) {
  dx_session *s = NULL;
  uint8_t m[160];
  size_t len = initiation(m, 1);
  size_t n = nf_udp4(fb, 0, 40000, 51820, m, len - 1);
  dx_packet *p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_EQUAL(tu_count(p, "wg"), 0);
  dx_packet_free(p);
  n = nf_udp4(fb, 0, 40000, 51820, m, data(m, 1, 1, 15));
  p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_EQUAL(tu_count(p, "wg"), 0);
  dx_packet_free(p);
  dx_session_free(s);
  n = nf_udp4(fb, 0, 40000, 51820, m, initiation(m, 1));
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
  n = nf_udp4(fb, 0, 40000, 51820, m, data(m, 1, 1, 40));
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
}

int main(void) {
  CU_TestInfo tests[] = {
      {"handshake, data, keepalive, cookie", test_handshake_and_data},
      {"lengths and truncation", test_lengths_and_truncation},
      CU_TEST_INFO_NULL,
  };
  return tu_run("wg", tests);
}
