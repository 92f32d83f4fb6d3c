/* STUN over UDP (port 3478 and the heuristic): a Binding Request with
 * ICE's attributes and its XOR-MAPPED-ADDRESS responses (IPv4, IPv6), a
 * TURN Allocate error response, padding, request/response matching, and
 * hostile messages (an attribute past the end, a cut capture, messages
 * that are not STUN). Hand-made Ethernet/IPv4/UDP frames; the expected
 * values are tshark 4.0.17's on the same frames (TU_ONLY=... TU_DUMP_PCAP=file,
 * then tshark -V and -T fields on that file). */
#include "netframe.h"
#include "testutil.h"

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))

static uint8_t fb[512];

static const uint8_t tid1[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

typedef struct msg {
  uint8_t b[400];
  size_t n;
} msg;

static void be16(uint8_t *b, uint16_t v) {
  b[0] = (uint8_t)(v >> 8);
  b[1] = (uint8_t)v;
}

static void start(msg *m, uint16_t type, const uint8_t *tid) {
  memset(m, 0, sizeof *m);
  be16(m->b, type);
  m->b[4] = 0x21, m->b[5] = 0x12, m->b[6] = 0xa4, m->b[7] = 0x42;
  memcpy(m->b + 8, tid, 12);
  m->n = 20;
}

static void attr(msg *m, uint16_t type, const void *v, uint16_t len) {
  be16(m->b + m->n, type);
  be16(m->b + m->n + 2, len);
  memcpy(m->b + m->n + 4, v, len);
  m->n += 4 + ((len + 3u) & ~3u);
  be16(m->b + 2, (uint16_t)(m->n - 20));
}

static uint32_t crc32_of(const uint8_t *d, size_t n) {
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; i++) {
    c ^= d[i];
    for (int k = 0; k < 8; k++)
      c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
  }
  return ~c;
}

static void fingerprint(msg *m) {
  be16(m->b + 2, (uint16_t)(m->n + 8 - 20));
  uint32_t c = crc32_of(m->b, m->n) ^ 0x5354554eu;
  uint8_t v[4] = {(uint8_t)(c >> 24), (uint8_t)(c >> 16), (uint8_t)(c >> 8), (uint8_t)c};
  attr(m, 0x8028, v, 4);
}

static size_t binding_request(msg *m) {
  start(m, 0x0001, tid1);
  attr(m, 0x0006, "alice:bob", 9);
  static const uint8_t prio[4] = {0x6e, 0x00, 0x1e, 0xff};
  attr(m, 0x0024, prio, 4);
  static const uint8_t tie[8] = {0, 0, 0, 0, 0, 0xbf, 0x43, 0x17};
  attr(m, 0x802a, tie, 8);
  attr(m, 0x0025, "", 0);
  uint8_t hmac[20];
  for (int i = 0; i < 20; i++)
    hmac[i] = (uint8_t)(0xa0 + i);
  attr(m, 0x0008, hmac, 20);
  fingerprint(m);
  return m->n;
}

/* XOR-MAPPED-ADDRESS 1.2.3.4:5678 */
static size_t binding_response4(msg *m) {
  start(m, 0x0101, tid1);
  uint8_t v[8] = {0, 1};
  be16(v + 2, 5678 ^ 0x2112);
  v[4] = 1 ^ 0x21, v[5] = 2 ^ 0x12, v[6] = 3 ^ 0xa4, v[7] = 4 ^ 0x42;
  attr(m, 0x0020, v, 8);
  attr(m, 0x8022, "test", 4);
  fingerprint(m);
  return m->n;
}

/* XOR-MAPPED-ADDRESS [2001:db8::1]:443, with another transaction */
static size_t binding_response6(msg *m, const uint8_t *tid) {
  start(m, 0x0101, tid);
  uint8_t v[20] = {0, 2};
  be16(v + 2, 443 ^ 0x2112);
  static const uint8_t ip[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  static const uint8_t ck[4] = {0x21, 0x12, 0xa4, 0x42};
  for (int i = 0; i < 16; i++)
    v[4 + i] = ip[i] ^ (i < 4 ? ck[i] : tid[i - 4]);
  attr(m, 0x0020, v, 20);
  return m->n;
}

static size_t allocate_error(msg *m, const uint8_t *tid) {
  start(m, 0x0113, tid);
  uint8_t e[16] = {0, 0, 4, 1};
  memcpy(e + 4, "Unauthorized", 12);
  attr(m, 0x0009, e, 16);
  attr(m, 0x0015, "abcdef0123", 10);
  attr(m, 0x0014, "example.org", 11);
  return m->n;
}

static dx_packet *feed(dx_session **s, int rev, uint16_t sp, uint16_t dp, const msg *m) {
  size_t n = nf_udp4(fb, rev, sp, dp, m->b, m->n);
  return tu_dissect(s, 1, fb, n);
}

/* tshark 4.0.17 -T fields on the frames of this test */
static void test_binding(void) {
  dx_session *s = NULL;
  msg m;
  binding_request(&m);
  dx_packet *p = feed(&s, 0, 50000, 3478, &m);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "STUN");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Binding Request user: alice:bob");
  EXPECT(p, "stun.type", "0x0001");
  EXPECT(p, "stun.type.class", "0x0000");
  EXPECT(p, "stun.type.method", "0x0001");
  EXPECT(p, "stun.length", "72");
  EXPECT(p, "stun.cookie", "2112a442");
  EXPECT(p, "stun.id", "0102030405060708090a0b0c");
  EXPECT(p, "stun.network_version", "3");
  EXPECT(p, "stun.att.username", "alice:bob");
  EXPECT(p, "stun.att.padding", "3");
  EXPECT(p, "stun.att.priority", "1845501695");
  EXPECT(p, "stun.att.tie-breaker", "0000000000bf4317");
  EXPECT(p, "stun.att.hmac", "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3");
  EXPECT(p, "stun.att.crc32", "0xe1815d1b");
  EXPECT(p, "stun.att.crc32.status", "1");
  CU_ASSERT_EQUAL(tu_count(p, "stun.att.type"), 6);
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "stun.att.type", 2), "0x802a");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "stun.att.type", 5), "0x8028");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "stun.attribute"), "USERNAME: alice:bob");
  dx_packet_free(p);
  binding_response4(&m);
  p = feed(&s, 1, 3478, 50000, &m);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Binding Success Response XOR-MAPPED-ADDRESS: 1.2.3.4:5678");
  EXPECT(p, "stun.att.port", "5678");
  EXPECT(p, "stun.att.ipv4", "1.2.3.4");
  EXPECT(p, "stun.att.port-xord", "373c");
  EXPECT(p, "stun.att.ipv4-xord", "2010a746");
  EXPECT(p, "stun.att.family", "0x01");
  EXPECT(p, "stun.att.software", "test");
  EXPECT(p, "stun.att.crc32", "0x5bc754be");
  EXPECT(p, "stun.att.crc32.status", "1");
  EXPECT(p, "stun.response-to", "1");
  EXPECT(p, "stun.time", "0.000001000");
  dx_packet_free(p);
  static const uint8_t tid2[12] = {0xc0, 0xff, 0xee, 0, 1, 2, 3, 4, 5, 6, 7, 8};
  binding_response6(&m, tid2);
  p = feed(&s, 1, 3478, 50000, &m);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Binding Success Response XOR-MAPPED-ADDRESS: 2001:db8::1:443");
  EXPECT(p, "stun.att.port", "443");
  EXPECT(p, "stun.att.ipv6", "2001:db8::1");
  EXPECT(p, "stun.att.family", "0x02");
  CU_ASSERT_EQUAL(tu_count(p, "stun.response-to"), 0);
  dx_packet_free(p);
  allocate_error(&m, tid2);
  p = feed(&s, 1, 3478, 50000, &m);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Allocate Error Response error-code: 401 "
                                            "(Unauthenticated) Unauthorized with nonce realm: "
                                            "example.org");
  EXPECT(p, "stun.att.error.class", "4");
  EXPECT(p, "stun.att.error", "1");
  EXPECT(p, "stun.att.error.reason", "Unauthorized");
  EXPECT(p, "stun.att.realm", "example.org");
  EXPECT(p, "stun.att.nonce", "abcdef0123");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "stun.att.padding", 0), "2");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "stun.att.padding", 1), "1");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "stun.attribute"),
                         "ERROR-CODE 401 (Unauthenticated): Unauthorized");
  dx_packet_free(p);
  dx_session_free(s);
}

/* tshark 4.0.17 on the frames of this test, but for the second: tshark
 * shows a message with a wrong cookie on port 3478 as CLASSIC-STUN (RFC
 * 3489's dissector), which we do not make (UDP's data here). */
static void test_hostile(void) {
  dx_session *s = NULL;
  msg m;
  /* an attribute whose length goes past the end of the message */
  start(&m, 0x0001, tid1);
  attr(&m, 0x0006, "alice:bob", 9);
  be16(m.b + 22, 200);
  dx_packet *p = feed(&s, 0, 50001, 3478, &m);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Binding Request");
  EXPECT(p, "stun.att.length", "200");
  CU_ASSERT_EQUAL(tu_count(p, "stun.att.username"), 0);
  dx_packet_free(p);
  /* a bad cookie, then an unknown method (SharedSecret for tshark 4.0,
   * its fingerprint then wrong), then a length that is not the datagram's */
  binding_request(&m);
  m.b[7] = 0x43;
  p = feed(&s, 0, 50002, 3478, &m);
  CU_ASSERT_EQUAL(tu_count(p, "stun"), 0);
  dx_packet_free(p);
  binding_request(&m);
  m.b[1] = 0x02;
  p = feed(&s, 0, 50003, 3478, &m);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "SharedSecret Request user: alice:bob");
  EXPECT(p, "stun.att.crc32.status", "0");
  CU_ASSERT_EQUAL(tu_count(p, "stun.att.crc32.bad"), 1);
  dx_packet_free(p);
  binding_request(&m);
  m.b[3] += 4;
  p = feed(&s, 0, 50004, 3478, &m);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "UDP");
  dx_packet_free(p);
  /* a message length that is not a multiple of 4, by the heuristic */
  start(&m, 0x0001, tid1);
  attr(&m, 0x0006, "alice:bob", 9);
  m.n -= 3;
  be16(m.b + 2, (uint16_t)(m.n - 20));
  p = feed(&s, 0, 50005, 40000, &m);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Binding Request");
  EXPECT(p, "stun.att.length", "12");
  CU_ASSERT_EQUAL(tu_count(p, "stun.wrong_msglen"), 2);
  dx_packet_free(p);
  dx_session_free(s);
  /* every cut of a request and a response */
  size_t n = nf_udp4(fb, 0, 50000, 3478, m.b, binding_request(&m));
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
  n = nf_udp4(fb, 1, 3478, 50000, m.b, allocate_error(&m, tid1));
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
}

/* A datagram of raw bytes (ChannelData is not a STUN message). */
static dx_packet *feed_raw(dx_session **s, uint16_t sp, uint16_t dp, const void *b, size_t len) {
  msg m;
  memset(&m, 0, sizeof m);
  memcpy(m.b, b, len);
  m.n = len;
  return feed(s, 0, sp, dp, &m);
}

/* TURN ChannelData: on port 3478 whatever came before, on another port
 * only after a STUN message found by the heuristic (a Binding Request does
 * it, not only TURN's methods), never by the heuristic; channel numbers
 * 0x4000-0x7fff and MS-TURN's 0xff10; the padding is not the data's. And
 * an IPv6 MAPPED-ADDRESS named in the label and Info, and an ERROR-CODE's
 * class byte taken whole in Info. tshark 4.0.17 on these frames
 * (TU_DUMP_PCAP) gives every value checked here. */
static void test_channel_data(void) {
  dx_session *s = NULL;
  static const uint8_t chan[] = {0x40, 0x00, 0x00, 0x05, 'h', 'e', 'l', 'l', 'o', 0, 0, 0};
  static const uint8_t ms[] = {0xff, 0x10, 0x00, 0x04, 'a', 'b', 'c', 'd'};
  static const uint8_t c8000[] = {0x80, 0x00, 0x00, 0x04, 'a', 'b', 'c', 'd'};
  dx_packet *p = feed_raw(&s, 50000, 3478, chan, sizeof chan);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "STUN");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "ChannelData TURN Message");
  EXPECT(p, "stun.channel", "0x4000");
  EXPECT(p, "stun.length", "5");
  EXPECT(p, "data.len", "5");
  dx_packet_free(p);
  p = feed_raw(&s, 50001, 3478, ms, sizeof ms);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "ChannelData TURN Message");
  EXPECT(p, "stun.channel", "0xff10");
  dx_packet_free(p);
  p = feed_raw(&s, 50001, 3478, c8000, sizeof c8000);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "UDP");
  dx_packet_free(p);
  /* port 3479: not before a STUN message on that conversation */
  p = feed_raw(&s, 50002, 3479, chan, sizeof chan);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "UDP");
  dx_packet_free(p);
  msg m;
  start(&m, 0x0001, tid1);
  p = feed(&s, 0, 50002, 3479, &m);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Binding Request");
  dx_packet_free(p);
  p = feed_raw(&s, 50002, 3479, chan, sizeof chan);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "ChannelData TURN Message");
  dx_packet_free(p);
  p = feed_raw(&s, 50002, 3479, c8000, sizeof c8000);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "UDP");
  dx_packet_free(p);
  /* MAPPED-ADDRESS 2001:db8::7 port 5678; ERROR-CODE class byte 0x16 */
  static const uint8_t v6[] = {0, 0x02, 0x16, 0x2e, 0x20, 0x01, 0x0d, 0xb8, 0, 0,
                               0, 0,    0,    0,    0,    0,    0,    0,    0, 7};
  start(&m, 0x0101, tid1);
  attr(&m, 0x0001, v6, sizeof v6);
  p = feed(&s, 1, 3478, 50000, &m);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Binding Success Response MAPPED-ADDRESS: 2001:db8::7:5678");
  EXPECT(p, "stun.att.ipv6", "2001:db8::7");
  dx_packet_free(p);
  static const uint8_t err[] = {0, 0, 0x16, 0x2e, 'x'};
  start(&m, 0x0111, tid1);
  attr(&m, 0x0009, err, sizeof err);
  p = feed(&s, 1, 3478, 50000, &m);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Binding Error Response error-code: 2246 (*Unknown error code*) x");
  EXPECT(p, "stun.att.error.class", "6");
  dx_packet_free(p);
  dx_session_free(s);
}

/* A REALM of bytes that are not UTF-8: one U+FFFD for each maximal
 * subpart of an ill-formed sequence (cb then f8; f8 alone; 82 alone; e3 ba
 * as one; f8 b0 as two), U+07BF (de bf) kept and shown escaped; MS-TURN's
 * multiplex channel 0xff10 with its session id. nDPI teams.pcap showed
 * both; tshark 4.0.17 -T fields on this test's frames gives these values
 * (the same characters: it writes \002 and U+07BF raw, dissect escapes). */
static void test_odd_strings(void) {
  dx_session *s = NULL;
  static const uint8_t realm[] = {0x02, 0x4e, 0xcb, 0xf8, 0x82, 0x7a, 0xde, 0xbf,
                                  0xa7, 0x90, 0xe3, 0xba, 0xcd, 0xaa, 0xf8, 0xb0};
  msg m;
  start(&m, 0x0003, tid1);
  attr(&m, 0x0014, realm, sizeof realm);
  dx_packet *p = feed(&s, 0, 50000, 3478, &m);
  EXPECT(p, "stun.att.realm",
         "\\002N\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdz\\u07BF\xef\xbf\xbd\xef\xbf\xbd"
         "\xef\xbf\xbd\xcd\xaa\xef\xbf\xbd\xef\xbf\xbd");
  dx_packet_free(p);
  static const uint8_t mux[] = {0xff, 0x10, 0x00, 0x0c, 0xde, 0xaa, 0x29, 0x67,
                                0x08, 0xf7, 0x08, 0xfc, 'a',  'b',  'c',  'd'};
  msg d;
  memset(&d, 0, sizeof d);
  memcpy(d.b, mux, sizeof mux);
  d.n = sizeof mux;
  p = feed(&s, 0, 50001, 3478, &d);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "ChannelData TURN Message");
  EXPECT(p, "stun.att.ms.turn_session_id", "0xdeaa296708f708fc");
  EXPECT(p, "data.len", "4");
  dx_packet_free(p);
  dx_session_free(s);
}

int main(void) {
  CU_TestInfo tests[] = {
      {"binding, responses, error", test_binding},
      {"hostile", test_hostile},
      {"ChannelData, IPv6 MAPPED-ADDRESS, error class", test_channel_data},
      {"strings that are not UTF-8, MS-TURN multiplex", test_odd_strings},
      CU_TEST_INFO_NULL,
  };
  return tu_run("stun", tests);
}
