/* Display filters: lexer, parser, evaluator and error reporting, on
 * hand-made frames. Expected results are worked out by hand from the bytes
 * below. */
#include "testutil.h"

#include <dissect/colorfilter.h>
#include <dissect/filter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Ethernet II 00:11:22:33:44:55 <- 02:00:00:00:00:01, IPv4 192.168.1.10 ->
 * 10.0.0.1 (TTL 64, id 0x1234, DF), TCP 51514 -> 80, PSH+ACK, seq 1, ack 1,
 * window 502, payload "GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n" (37). */
static const char http_payload[] = "GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n";
/* Ethernet II ff:ff:ff:ff:ff:ff <- 02:00:00:00:00:02, type 0x88b5 (local
 * experimental), 6 bytes of data de:ad:be:ef:00:2a. */
static const uint8_t raw_frame[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00,
                                    0x00, 0x02, 0x88, 0xb5, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x2a};

static size_t put_eth(uint8_t *b, const uint8_t dst[6], const uint8_t src[6], uint16_t type) {
  memcpy(b, dst, 6);
  memcpy(b + 6, src, 6);
  b[12] = (uint8_t)(type >> 8);
  b[13] = (uint8_t)type;
  return 14;
}

static void ip_checksum(uint8_t *h) {
  uint32_t sum = 0;
  h[10] = h[11] = 0;
  for (int i = 0; i < 20; i += 2)
    sum += (uint32_t)(h[i] << 8 | h[i + 1]);
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  h[10] = (uint8_t)(~sum >> 8);
  h[11] = (uint8_t)~sum;
}

static size_t put_ipv4(uint8_t *b, uint8_t proto, const uint8_t src[4], const uint8_t dst[4],
                       size_t payload) {
  size_t tot = 20 + payload;
  uint8_t h[20] = {0x45, 0, (uint8_t)(tot >> 8), (uint8_t)tot, 0x12, 0x34, 0x40, 0, 64, proto};
  memcpy(h + 12, src, 4);
  memcpy(h + 16, dst, 4);
  ip_checksum(h);
  memcpy(b, h, 20);
  return 20;
}

static const uint8_t mac_a[6] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
static const uint8_t mac_b[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t ip_a[4] = {192, 168, 1, 10};
static const uint8_t ip_b[4] = {10, 0, 0, 1};

/* Frame 1: the TCP frame above. */
static size_t make_tcp(uint8_t *b) {
  size_t plen = sizeof http_payload - 1;
  size_t n = put_eth(b, mac_a, mac_b, 0x0800);
  n += put_ipv4(b + n, 6, ip_a, ip_b, 20 + plen);
  const uint8_t tcp[20] = {0xc9, 0x3a, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 1, 0x50, 0x18, 0x01, 0xf6};
  memcpy(b + n, tcp, 20);
  n += 20;
  memcpy(b + n, http_payload, plen);
  return n + plen;
}

/* Frame 2: UDP 10.0.0.1:5555 -> 192.168.1.10:6666, payload "hello". */
static size_t make_udp(uint8_t *b) {
  size_t n = put_eth(b, mac_b, mac_a, 0x0800);
  n += put_ipv4(b + n, 17, ip_b, ip_a, 8 + 5);
  const uint8_t udp[8] = {0x15, 0xb3, 0x1a, 0x0a, 0x00, 0x0d, 0, 0};
  memcpy(b + n, udp, 8);
  n += 8;
  memcpy(b + n, "hello", 5);
  return n + 5;
}

static dx_session *sess;

static dx_packet *pkt_raw(void) {
  return tu_dissect(&sess, 1, raw_frame, sizeof raw_frame);
}
static dx_packet *pkt_tcp(void) {
  static uint8_t b[256];
  size_t n = make_tcp(b);
  return tu_dissect(&sess, 1, b, n);
}
static dx_packet *pkt_udp(void) {
  static uint8_t b[256];
  size_t n = make_udp(b);
  return tu_dissect(&sess, 1, b, n);
}

/* 1/0 for a match, -1 (and a test failure) if the filter did not compile. */
static int m(dx_packet *p, const char *text) {
  dx_filter *f = NULL;
  dx_filter_error e;
  if (!sess && dx_session_new(&sess, NULL) != DX_OK)
    return -1;
  int rc = dx_filter_compile(sess, text, &f, &e);
  if (rc != DX_OK) {
    fprintf(stderr, "\nfilter \"%s\" failed: %s at %d\n", text, e.message, e.pos);
    CU_FAIL("filter did not compile");
    return -1;
  }
  int r = dx_filter_match(f, p);
  dx_filter_free(f);
  return r;
}

/* Compiles a filter that must fail; returns the error. */
static dx_filter_error bad(const char *text) {
  dx_filter *f = (dx_filter *)1;
  dx_filter_error e;
  memset(&e, 0, sizeof e);
  if (!sess)
    dx_session_new(&sess, NULL);
  int rc = dx_filter_compile(sess, text, &f, &e);
  CU_ASSERT_EQUAL(rc, DX_EFILTER);
  CU_ASSERT_PTR_NULL(f);
  if (rc == DX_OK)
    dx_filter_free(f);
  CU_ASSERT(e.message[0] != 0);
  return e;
}

#define MATCH(p, t) CU_ASSERT_EQUAL(m(p, t), 1)
#define NOMATCH(p, t) CU_ASSERT_EQUAL(m(p, t), 0)
#define BAD(t) (void)bad(t)

static void test_empty_and_presence(void) {
  dx_packet *p = pkt_raw();
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  MATCH(p, "");
  MATCH(p, "   \t ");
  MATCH(p, "eth");
  MATCH(p, "frame");
  MATCH(p, "eth.src");
  NOMATCH(p, "eth.len");
  NOMATCH(p, "!eth");
  MATCH(p, "not not eth");
  CU_ASSERT_EQUAL(dx_filter_match(NULL, p), 1);
  dx_packet_free(p);
}

static void test_integers(void) {
  dx_packet *p = pkt_raw(); /* 20 bytes, type 0x88b5 */
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  MATCH(p, "frame.len == 20");
  MATCH(p, "frame.len eq 20");
  MATCH(p, "frame.len == 0x14");
  MATCH(p, "frame.len == 024");
  MATCH(p, "frame.len != 21");
  MATCH(p, "frame.len ne 21");
  NOMATCH(p, "frame.len != 20");
  MATCH(p, "frame.len < 21");
  MATCH(p, "frame.len lt 21");
  NOMATCH(p, "frame.len < 20");
  MATCH(p, "frame.len <= 20");
  MATCH(p, "frame.len le 20");
  MATCH(p, "frame.len > 19");
  MATCH(p, "frame.len gt 19");
  NOMATCH(p, "frame.len > 20");
  MATCH(p, "frame.len >= 20");
  MATCH(p, "frame.len ge 20");
  NOMATCH(p, "frame.len >= 21");
  MATCH(p, "eth.type == 0x88b5");
  MATCH(p, "eth.type == 34997");
  MATCH(p, "frame.len===20");
  MATCH(p, "frame.len ~= 21");
  MATCH(p, "frame.len any_ne 21");
  MATCH(p, "frame.len all_eq 20");
  /* a literal on the left is refused, as tshark 4.0 refuses it ("Left side
   * of "==" expression must be a field or function, not 20") */
  BAD("20 == frame.len");
  BAD("19 < frame.len");
  /* value names (eth.type has them), case-insensitively, quoted or not */
  dx_packet_free(p);
  p = pkt_tcp();
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  MATCH(p, "eth.type == IPv4");
  MATCH(p, "eth.type == ipv4");
  MATCH(p, "eth.type == \"IPv4\"");
  NOMATCH(p, "eth.type == IPv6");
  dx_packet_free(p);
}

static void test_booleans_and_logic(void) {
  dx_packet *p = pkt_raw(); /* dst ff:..: group bit set; src 02:..: LG bit set */
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  MATCH(p, "eth.dst.ig == 1");
  MATCH(p, "eth.dst.ig == True");
  MATCH(p, "eth.dst.ig == 2"); /* tshark 4.0: any number but 0 is true */
  BAD("eth.dst.ig == true");   /* only True, TRUE, False, FALSE */
  MATCH(p, "eth.src.ig == False");
  MATCH(p, "eth.src.lg == 1");
  MATCH(p, "eth.src.ig == 0 and eth.dst.ig == 1");
  MATCH(p, "eth.src.ig == 0 && eth.dst.ig == 1");
  NOMATCH(p, "eth.src.ig == 1 && eth.dst.ig == 1");
  MATCH(p, "eth.src.ig == 1 || eth.dst.ig == 1");
  MATCH(p, "eth.src.ig == 1 or eth.dst.ig == 1");
  NOMATCH(p, "eth.src.ig == 1 or eth.dst.ig == 0");
  /* not > and > or: "a or b and c" is "a or (b and c)" */
  MATCH(p, "frame.len == 20 or frame.len == 1 and frame.len == 2");
  NOMATCH(p, "(frame.len == 20 or frame.len == 1) and frame.len == 2");
  MATCH(p, "frame.len == 1 and frame.len == 2 or frame.len == 20");
  MATCH(p, "not frame.len == 1 and frame.len == 20");
  NOMATCH(p, "!(frame.len == 20)");
  MATCH(p, "!(frame.len == 21)");
  /* Wireshark 4.0 has no xor: tshark refuses both spellings */
  BAD("frame.len == 20 xor frame.len == 21");
  BAD("frame.len == 20 ^^ frame.len == 20");
  MATCH(p, "((((eth))))");
  dx_packet_free(p);
}

static void test_ether_and_bytes(void) {
  dx_packet *p = pkt_raw();
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  MATCH(p, "eth.src == 02:00:00:00:00:02");
  MATCH(p, "eth.src == 02-00-00-00-00-02");
  MATCH(p, "eth.src == 0200.0000.0002");
  NOMATCH(p, "eth.src == 02:00:00:00:00:01");
  MATCH(p, "eth.dst == ff:ff:ff:ff:ff:ff");
  /* eth.addr: either direction, hidden nodes; != means no occurrence equal */
  MATCH(p, "eth.addr == ff:ff:ff:ff:ff:ff");
  MATCH(p, "eth.addr == 02:00:00:00:00:02");
  NOMATCH(p, "eth.addr != 02:00:00:00:00:02");
  MATCH(p, "eth.addr ~= 02:00:00:00:00:02");
  NOMATCH(p, "eth.addr === 02:00:00:00:00:02");
  MATCH(p, "eth.addr != 02:00:00:00:00:03");
  MATCH(p, "eth.src > 01:ff:ff:ff:ff:ff");
  /* frame bytes, contains and slices */
  MATCH(p, "frame contains de:ad:be:ef");
  MATCH(p, "frame contains 2a");
  NOMATCH(p, "frame contains de:ad:ef");
  MATCH(p, "eth contains 88:b5");
  MATCH(p, "eth.src contains 00:02");
  MATCH(p, "frame[14:4] == de:ad:be:ef");
  MATCH(p, "frame[14-17] == de.ad.be.ef");
  MATCH(p, "frame[14] == de");
  MATCH(p, "frame[-1] == 2a");
  MATCH(p, "frame[-2:] == 00:2a");
  MATCH(p, "frame[:2] == ff:ff");
  MATCH(p, "frame[18:] == 00:2a");
  NOMATCH(p, "frame[19:2] == 2a"); /* past the end: no value */
  NOMATCH(p, "frame[100]");
  MATCH(p, "frame[19]");
  MATCH(p, "eth.src[0:3] == 02:00:00");
  MATCH(p, "eth.src[5] == 02");
  /* a slice & bytes (the Broadcast colouring rule; eval.c reads it without
   * value lists): nonzero when some byte of the and is */
  MATCH(p, "eth[0] & 1");
  NOMATCH(p, "eth[6] & 1");
  MATCH(p, "eth[6] & 2");
  MATCH(p, "eth[6:2] & 02:00");
  NOMATCH(p, "eth[6:2] & fd:ff");
  MATCH(p, "eth.src[5] & 02");
  NOMATCH(p, "eth.src[5] & 01");
  NOMATCH(p, "frame[100] & 1"); /* past the end: no value */
  MATCH(p, "!(eth[6] & 1)");
  MATCH(p, "eth.dst[0:3] == eth.dst[3:3]");
  NOMATCH(p, "eth.src[0:3] == eth.dst[0:3]");
  MATCH(p, "data.data == de:ad:be:ef:00:2a");
  MATCH(p, "data.data contains be:ef");
  MATCH(p, "len(data.data) == 6");
  MATCH(p, "len(eth.src) == 6");
  MATCH(p, "count(eth.addr) == 2");
  /* as tshark 4.0: count() of an absent field has no value, so no match */
  NOMATCH(p, "count(eth.len) == 0");
  MATCH(p, "eth.src == eth.src");
  NOMATCH(p, "eth.src == eth.dst");
  MATCH(p, "eth.src != eth.dst");
  dx_packet_free(p);
}

static void test_strings_and_regex(void) {
  dx_packet *p = pkt_raw();
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  MATCH(p, "frame contains \"\\xde\\xad\"");
  MATCH(p, "frame contains \"\\336\\255\"");
  MATCH(p, "frame matches \"\\xde\\xad\\xbe\\xef\"");
  MATCH(p, "frame ~ \"\\xbe\\xef\"");
  NOMATCH(p, "frame contains \"GET\"");
  dx_packet_free(p);
  p = pkt_tcp();
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  NOMATCH(p, "eth[0] & 1"); /* to 00:11:22:33:44:55 */
  MATCH(p, "eth[0:6] & 00:00:00:00:00:01");
  MATCH(p, "frame contains \"GET\"");
  MATCH(p, "frame contains \"Host: x\\r\\n\"");
  NOMATCH(p, "frame contains \"get\"");
  MATCH(p, "frame matches \"(?i)get /index\\\\.html\"");
  MATCH(p, "frame matches \"GET /[a-z]+\\\\.html HTTP/1\\\\.[01]\"");
  NOMATCH(p, "frame matches \"^POST\"");
  MATCH(p, "frame matches r\"index\\.html\"");
  MATCH(p, "frame.protocols contains \"eth\"");
  MATCH(p, "frame.protocols matches \"^eth:\"");
  MATCH(p, "frame.protocols[0:3] == \"eth\"");
  MATCH(p, "frame.protocols[0:3] == 65:74:68");
  MATCH(p, "frame.protocols > \"eta\"");
  MATCH(p, "frame.protocols in {\"x\", \"y\", \"eth:ethertype:ip:tcp:http\", \"z\"} or frame");
  /* tshark 4.0 wants commas between set members */
  BAD("frame.protocols in {\"x\" \"y\"}");
  dx_packet_free(p);
}

static void test_times(void) {
  dx_packet *p = pkt_raw();
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  /* tu_dissect stamps frames at 1700000000 s (2023-11-14 22:13:20 UTC) */
  MATCH(p, "frame.time_relative >= 0");
  MATCH(p, "frame.time_relative < 1.5");
  MATCH(p, "frame.time_epoch > 1699999999.5");
  MATCH(p, "frame.time_epoch < 1700000001");
  MATCH(p, "frame.time_epoch > \"2020-01-01 00:00:00\"");
  NOMATCH(p, "frame.time_epoch > \"2030-01-01\"");
  dx_packet_free(p);
}

static void test_sets(void) {
  dx_packet *p = pkt_raw();
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  MATCH(p, "frame.len in {20}");
  MATCH(p, "frame.len in {1, 2, 20}");
  BAD("frame.len in {1 2 20}");
  MATCH(p, "frame.len in {1,2,10..30}");
  MATCH(p, "frame.len in {10 .. 20}");
  MATCH(p, "frame.len in {20..20}");
  NOMATCH(p, "frame.len in {1, 2, 21..30}");
  MATCH(p, "eth.type in {0x0800, 0x86dd, 0x88b5}");
  MATCH(p, "eth.addr in {ff:ff:ff:ff:ff:ff}");
  MATCH(p, "not frame.len in {1, 2}");
  dx_packet_free(p);
}

/* Needs the IPv4, TCP and UDP dissectors. */
static void test_ip_tcp_udp(void) {
  dx_packet *t = pkt_tcp(), *u = pkt_udp();
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  CU_ASSERT_PTR_NOT_NULL_FATAL(u);
  MATCH(t, "ip");
  MATCH(t, "tcp");
  NOMATCH(t, "udp");
  MATCH(u, "udp");
  MATCH(t, "ip.src == 192.168.1.10");
  MATCH(t, "ip.dst == 10.0.0.1");
  MATCH(t, "ip.addr == 10.0.0.1");
  MATCH(t, "ip.addr == 192.168.1.10");
  MATCH(t, "ip.addr == 10.0.0.0/8");
  MATCH(t, "ip.src == 192.168.0.0/16");
  NOMATCH(t, "ip.src == 192.168.2.0/24");
  MATCH(t, "ip.src == 0.0.0.0/0");
  NOMATCH(t, "ip.addr != 10.0.0.1");
  MATCH(t, "ip.addr != 172.16.0.0/12");
  MATCH(t, "ip.src > 10.0.0.1");
  MATCH(t, "ip.src[0] == c0");
  MATCH(t, "ip.src[2:2] == 01:0a");
  MATCH(t, "ip.src != ip.dst");
  MATCH(t, "ip.ttl == 64");
  MATCH(t, "ip.proto == 6");
  MATCH(t, "ip.id == 0x1234");
  MATCH(t, "ip.flags.df == 1");
  MATCH(t, "tcp.srcport == 51514");
  MATCH(t, "tcp.dstport == 80");
  MATCH(t, "tcp.port == 80");
  MATCH(t, "tcp.port == 51514");
  MATCH(t, "tcp.port in {80, 443, 8000..8080}");
  NOMATCH(t, "tcp.port in {443, 8000..8080}");
  NOMATCH(t, "tcp.port != 80");
  MATCH(t, "tcp.port ~= 80");
  MATCH(t, "tcp.flags.syn == 0 and tcp.flags.ack == 1 and tcp.flags.push == 1");
  MATCH(t, "tcp.window_size_value == 502");
  MATCH(t, "tcp contains \"GET /index.html\"");
  MATCH(t, "ip.src == 192.168.1.10 and tcp.port == 80 and frame contains \"Host\"");
  NOMATCH(u, "tcp.port == 80");
  NOMATCH(u, "tcp.port != 80"); /* absent: != is false too (Wireshark 4.0) */
  MATCH(u, "!(tcp.port == 80)");
  MATCH(u, "udp.srcport == 5555 && udp.dstport == 6666");
  MATCH(u, "udp.port == 6666");
  MATCH(u, "udp.length == 13");
  MATCH(u, "udp contains \"hello\"");
  MATCH(u, "ip.src == 10.0.0.1 && ip.dst == 192.168.1.10");
  dx_packet_free(t);
  dx_packet_free(u);
}

/* Needs the IPv6 dissector. */
static void test_ipv6(void) {
  uint8_t b[128];
  size_t n = put_eth(b, mac_a, mac_b, 0x86dd);
  const uint8_t ip6[40] = {0x60, 0, 0, 0, 0, 8, 17, 64, 0x20, 0x01, 0x0d, 0xb8, 0, 0,
                           0,    0, 0, 0, 0, 0, 0,  0,  0,    1,    0,    0,    0, 0,
                           0,    0, 0, 0, 0, 0, 0,  0,  0,    0,    0,    1};
  memcpy(b + n, ip6, 40);
  n += 40;
  const uint8_t udp[8] = {0x04, 0x00, 0x04, 0x01, 0x00, 0x08, 0, 0};
  memcpy(b + n, udp, 8);
  n += 8;
  dx_packet *p = tu_dissect(&sess, 1, b, n);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  MATCH(p, "ipv6.src == 2001:db8::1");
  MATCH(p, "ipv6.dst == ::1");
  MATCH(p, "ipv6.addr == ::1/128");
  MATCH(p, "ipv6.addr == 2001:db8::/32");
  NOMATCH(p, "ipv6.src == 2001:db9::/32");
  MATCH(p, "ipv6.src == 2001:db8::/33");
  MATCH(p, "ipv6.addr in {::1}");
  dx_packet_free(p);
}

static void test_error_positions(void) {
  dx_filter_error e;
  /* unknown field with a suggestion */
  e = bad("eth.sr == 00:11:22:33:44:55");
  CU_ASSERT_EQUAL(e.pos, 0);
  CU_ASSERT_EQUAL(e.len, 6);
  CU_ASSERT_STRING_EQUAL(
      e.message, "eth.sr is neither a field nor a protocol name; did you mean \"eth.src\"?");
  e = bad("eth and zzzzzzzzzzzz");
  CU_ASSERT_EQUAL(e.pos, 8);
  CU_ASSERT_EQUAL(e.len, 12);
  CU_ASSERT_STRING_EQUAL(e.message, "zzzzzzzzzzzz is neither a field nor a protocol name");
  /* unbalanced parentheses */
  e = bad("(eth and frame");
  CU_ASSERT_EQUAL(e.pos, 0);
  CU_ASSERT_EQUAL(e.len, 1);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "never closed"));
  e = bad("eth)");
  CU_ASSERT_EQUAL(e.pos, 3);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "no matching"));
  e = bad("((eth)");
  CU_ASSERT_EQUAL(e.pos, 0);
  e = bad("()");
  CU_ASSERT_EQUAL(e.pos, 1);
  /* unterminated string: points at the opening quote */
  e = bad("frame contains \"abc");
  CU_ASSERT_EQUAL(e.pos, 15);
  CU_ASSERT_EQUAL(e.len, 1);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "quote"));
  e = bad("frame contains \"a\\qb\"");
  CU_ASSERT_EQUAL(e.pos, 17);
  /* type mismatches */
  e = bad("frame.len == 1.2.3.4");
  CU_ASSERT_EQUAL(e.pos, 13);
  CU_ASSERT_EQUAL(e.len, 7);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "not a valid number"));
  e = bad("eth.src == \"abc\"");
  CU_ASSERT_EQUAL(e.pos, 11);
  CU_ASSERT_EQUAL(e.len, 5);
  e = bad("eth.src == 00:11:22");
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "MAC address"));
  e = bad("frame.len contains 5");
  CU_ASSERT_EQUAL(e.pos, 0);
  CU_ASSERT_EQUAL(e.len, 9);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "contains"));
  e = bad("frame.len matches \"x\"");
  CU_ASSERT_EQUAL(e.pos, 0);
  e = bad("eth.type == 0x10000");
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "too big"));
  /* "eth.type == -1" compiles, as in tshark 4.0 (unary minus; never equal) */
  e = bad("eth.type == NoSuchName");
  CU_ASSERT_EQUAL(e.pos, 12);
  /* "eth.dst.ig == 2" compiles: tshark takes any number but 0 as true */
  e = bad("frame.len == eth.src");
  CU_ASSERT_EQUAL(e.pos, 13);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "compatible"));
  e = bad("frame.time_relative > abc");
  e = bad("frame matches \"(unclosed\"");
  CU_ASSERT_EQUAL(e.pos, 14);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "Regex compilation error"));
  e = bad("frame.len[0] == 1");
  CU_ASSERT_EQUAL(e.pos, 0);
  e = bad("frame[1:x] == 00");
  CU_ASSERT_EQUAL(e.pos, 6);
  e = bad("frame[1:2 == 00");
  e = bad("eth.src == 00:11:22:33:44:55/8");
  /* syntax */
  e = bad("eth ==");
  CU_ASSERT_EQUAL(e.pos, 6);
  CU_ASSERT_EQUAL(e.len, 0);
  e = bad("eth or");
  CU_ASSERT_EQUAL(e.pos, 6);
  e = bad("== 5");
  CU_ASSERT_EQUAL(e.pos, 0);
  e = bad("eth frame");
  CU_ASSERT_EQUAL(e.pos, 4);
  e = bad("frame.len = 5");
  CU_ASSERT_EQUAL(e.pos, 10);
  e = bad("frame.len in {}");
  e = bad("frame.len in {1, 2");
  e = bad("frame.len in 1");
  e = bad("20 == 21");
  CU_ASSERT_EQUAL(e.pos, 0);
  e = bad("\"abc\"");
  e = bad("eth & 1");
  e = bad("frame.len == 5 $");
  CU_ASSERT_EQUAL(e.pos, 15);
  e = bad("len(frame.len");
  e = bad("len(nosuchfield) > 1");
  CU_ASSERT_EQUAL(e.pos, 4);
  e = bad("len(frame)");
}

static void test_error_format(void) {
  dx_filter_error e = bad("frame.lem == 80");
  char buf[512];
  size_t n = dx_filter_error_format("frame.lem == 80", &e, buf, sizeof buf);
  CU_ASSERT_EQUAL(n, strlen(buf));
  CU_ASSERT_STRING_EQUAL(buf, "frame.lem == 80\n^~~~~~~~~\nframe.lem is neither a field nor a "
                              "protocol name; did you mean \"frame.len\"?");
  e = bad("eth and (frame");
  dx_filter_error_format("eth and (frame", &e, buf, sizeof buf);
  CU_ASSERT_STRING_EQUAL(buf, "eth and (frame\n        ^\nunbalanced parenthesis: this \"(\" is "
                              "never closed");
  /* truncation: returns the length it needed */
  char small[8];
  size_t need = dx_filter_error_format("eth and (frame", &e, small, sizeof small);
  CU_ASSERT_EQUAL(need, strlen(buf));
  CU_ASSERT_EQUAL(strlen(small), 7);
  /* control bytes are escaped and the caret follows the escaped text */
  const char *t = "\x01 == 1";
  e = bad(t);
  CU_ASSERT_EQUAL(e.pos, 0);
  dx_filter_error_format(t, &e, buf, sizeof buf);
  CU_ASSERT_PTR_NULL(strchr(buf, '\x01'));
  CU_ASSERT_EQUAL(strncmp(buf, "\\001 == 1\n^~~~\n", 15), 0);
}

static void test_fields_list(void) {
  dx_filter *f;
  dx_filter_error e;
  if (!sess)
    dx_session_new(&sess, NULL);
  CU_ASSERT_EQUAL_FATAL(
      dx_filter_compile(sess, "eth.src == eth.dst or eth or len(data.data) > 1 or eth", &f, &e),
      DX_OK);
  const dx_field *out[8];
  size_t n = dx_filter_fields(f, out, 8);
  CU_ASSERT_EQUAL(n, 4);
  CU_ASSERT_STRING_EQUAL(dx_field_name(out[0]), "eth.src");
  CU_ASSERT_STRING_EQUAL(dx_field_name(out[1]), "eth.dst");
  CU_ASSERT_STRING_EQUAL(dx_field_name(out[2]), "eth");
  CU_ASSERT_STRING_EQUAL(dx_field_name(out[3]), "data.data");
  CU_ASSERT_EQUAL(dx_filter_fields(f, out, 1), 4);
  dx_filter_free(f);
  CU_ASSERT_EQUAL(dx_filter_compile(sess, "", &f, &e), DX_OK);
  CU_ASSERT_EQUAL(dx_filter_fields(f, out, 8), 0);
  dx_filter_free(f);
  CU_ASSERT_EQUAL(dx_filter_compile(NULL, "eth", &f, &e), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_filter_compile(sess, NULL, &f, &e), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_filter_compile(sess, "eth", NULL, &e), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_filter_compile(sess, "eth == ", &f, NULL), DX_EFILTER);
  dx_filter_free(NULL);
}

/* The need of field `name` in filter `text` (dx_filter_field_needs), or
 * 12345 if the filter does not list the field. */
static uint32_t need_of(const char *text, const char *name) {
  dx_filter *f;
  dx_filter_error e;
  if (!sess)
    dx_session_new(&sess, NULL);
  if (dx_filter_compile(sess, text, &f, &e) != DX_OK) {
    CU_FAIL("a filter of test_field_needs did not compile");
    return 12345;
  }
  const dx_field *fields[16];
  uint32_t needs[16];
  size_t n = dx_filter_fields(f, fields, 16);
  CU_ASSERT_EQUAL(dx_filter_field_needs(f, needs, 16), n);
  uint32_t need = 12345;
  for (size_t i = 0; i < n && i < 16; i++)
    if (strcmp(dx_field_name(fields[i]), name) == 0)
      need = needs[i];
  dx_filter_free(f);
  return need;
}

/* What a filter reads of each protocol: its node (presence, and its own
 * bytes for slices, len() and comparisons, as tshark 4.0 reads them), or
 * its bytes to the end for "contains" and "matches"; fields that are not
 * protocols, their value. */
static void test_field_needs(void) {
  CU_ASSERT_EQUAL(need_of("tcp", "tcp"), DX_NEED_NODE);
  CU_ASSERT_EQUAL(need_of("!arp", "arp"), DX_NEED_NODE);
  CU_ASSERT_EQUAL(need_of("ip and not (udp or icmp)", "udp"), DX_NEED_NODE);
  CU_ASSERT_EQUAL(need_of("ip.addr#2 == 127.0.0.1", "ip"), DX_NEED_NODE);
  CU_ASSERT_EQUAL(need_of("ip.addr#2 == 127.0.0.1", "ip.addr"), DX_NEED_VALUE);
  CU_ASSERT_EQUAL(need_of("eth[0] & 1", "eth"), DX_NEED_NODE);
  CU_ASSERT_EQUAL(need_of("tcp[13]", "tcp"), DX_NEED_NODE);
  CU_ASSERT_EQUAL(need_of("eth[-1] == 00", "eth"), DX_NEED_NODE);
  CU_ASSERT_EQUAL(need_of("eth[2:] contains 00", "eth"), DX_NEED_NODE); /* a slice's bytes */
  CU_ASSERT_EQUAL(need_of("len(tcp) > 20", "tcp"), DX_NEED_NODE);
  CU_ASSERT_EQUAL(need_of("tcp == 00:50", "tcp"), DX_NEED_NODE);
  CU_ASSERT_EQUAL(need_of("tcp[0:2] == 00:50 or udp", "udp"), DX_NEED_NODE);
  /* to the end */
  CU_ASSERT_EQUAL(need_of("tcp contains 41", "tcp"), DX_NEED_VALUE);
  CU_ASSERT_EQUAL(need_of("tcp and tcp contains 41", "tcp"), DX_NEED_VALUE);
  CU_ASSERT_EQUAL(need_of("tcp matches \"GET\"", "tcp"), DX_NEED_VALUE);
  CU_ASSERT_EQUAL(need_of("eth[0] == 00 and eth contains 01", "eth"), DX_NEED_VALUE);
  CU_ASSERT_EQUAL(need_of("frame contains eth", "eth"), DX_NEED_VALUE);
  /* not protocols */
  CU_ASSERT_EQUAL(need_of("tcp.flags.syn", "tcp.flags.syn"), DX_NEED_VALUE);
  CU_ASSERT_EQUAL(need_of("ip.src[0] == 7f", "ip.src"), DX_NEED_VALUE);
  CU_ASSERT_EQUAL(need_of("eth.src[0:3] == 00:00:00", "eth.src"), DX_NEED_VALUE);
  /* colouring rules: the largest need of any rule */
  dx_colorfilters *cf = NULL;
  const char rules[] = "@a@tcp@[0,0,0][0,0,0]\n@b@tcp[13] & 2@[0,0,0][0,0,0]\n"
                       "@c@udp@[0,0,0][0,0,0]\n@d@udp contains 00@[0,0,0][0,0,0]\n";
  CU_ASSERT_EQUAL_FATAL(dx_colorfilters_parse(sess, rules, sizeof rules - 1, &cf, NULL, 0), DX_OK);
  const dx_field *fl[8];
  uint32_t nd[8];
  size_t n = dx_colorfilters_fields(cf, fl, 8);
  CU_ASSERT_EQUAL(n, 2);
  CU_ASSERT_EQUAL(dx_colorfilters_field_needs(cf, nd, 8), 2);
  for (size_t i = 0; i < n && i < 8; i++) {
    if (strcmp(dx_field_name(fl[i]), "tcp") == 0)
      CU_ASSERT_EQUAL(nd[i], DX_NEED_NODE);
    if (strcmp(dx_field_name(fl[i]), "udp") == 0)
      CU_ASSERT_EQUAL(nd[i], DX_NEED_VALUE);
  }
  dx_colorfilters_free(cf);
}

static char *repeat(const char *unit, size_t times, const char *tail) {
  size_t ul = strlen(unit), tl = strlen(tail);
  char *s = malloc(ul * times + tl + 1);
  for (size_t i = 0; i < times; i++)
    memcpy(s + i * ul, unit, ul);
  memcpy(s + ul * times, tail, tl + 1);
  return s;
}

static void test_hostile(void) {
  dx_filter_error e;
  /* 1 MB of "a or " */
  char *s = repeat("a or ", 200000, "a");
  e = bad(s);
  CU_ASSERT_EQUAL(e.pos, DX_FILTER_MAX_LEN);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "too long"));
  char buf[512];
  size_t n = dx_filter_error_format(s, &e, buf, sizeof buf);
  CU_ASSERT(n < 400); /* a window of the text, not all of it */
  free(s);
  /* 100,000 nested parentheses and 100,000 "!" (over the length cap) */
  s = repeat("(", 100000, "eth");
  bad(s);
  free(s);
  s = repeat("!", 100000, "eth");
  bad(s);
  free(s);
  /* deep nesting within the length cap hits the depth limit */
  s = repeat("(", 60000, "eth");
  e = bad(s);
  CU_ASSERT_EQUAL(e.pos, DX_FILTER_MAX_DEPTH);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "deeply"));
  free(s);
  s = repeat("not ", 16000, "eth");
  e = bad(s);
  CU_ASSERT_EQUAL(e.pos, DX_FILTER_MAX_DEPTH * 4);
  free(s);
  s = repeat("!(", 30000, "eth");
  bad(s);
  free(s);
  s = repeat("frame.len in {", 4000, "1}");
  bad(s);
  free(s);
  /* many terms at one level are fine, and evaluate without deep recursion */
  s = repeat("eth.len or ", 5900, "eth");
  dx_filter *f = NULL;
  CU_ASSERT_EQUAL(dx_filter_compile(sess, s, &f, &e), DX_OK);
  dx_packet *p = pkt_raw();
  CU_ASSERT_EQUAL(dx_filter_match(f, p), 1);
  dx_filter_free(f);
  free(s);
  /* too many terms */
  s = repeat("1,", 30000, "1}");
  memcpy(s, "frame.len in {", 14);
  e = bad(s);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "complex"));
  free(s);
  /* 255 levels are still fine */
  s = repeat("(", 255, "eth");
  char *t = malloc(600);
  snprintf(t, 600, "%s%s", s, "");
  free(s);
  s = malloc(1000);
  strcpy(s, t);
  for (int i = 0; i < 255; i++)
    strcat(s, ")");
  free(t);
  f = NULL;
  CU_ASSERT_EQUAL(dx_filter_compile(sess, s, &f, &e), DX_OK);
  CU_ASSERT_EQUAL(dx_filter_match(f, p), 1);
  dx_filter_free(f);
  free(s);
  /* NUL bytes, binary junk */
  const char junk[] = "\xff\xfe\x80 == \x7f";
  bad(junk);
  bad("\"\\");
  bad("r\"");
  bad("frame contains \"\\x\"");
  bad("frame contains \"\\777\"");
  dx_packet_free(p);
}

static void test_teardown(void) {
  dx_session_free(sess);
  sess = NULL;
}

static CU_TestInfo tests[] = {
    {"empty and presence", test_empty_and_presence},
    {"integers", test_integers},
    {"booleans and logic", test_booleans_and_logic},
    {"ether and bytes", test_ether_and_bytes},
    {"strings and regex", test_strings_and_regex},
    {"times", test_times},
    {"sets", test_sets},
    {"ip tcp udp", test_ip_tcp_udp},
    {"ipv6", test_ipv6},
    {"error positions", test_error_positions},
    {"error format", test_error_format},
    {"fields list", test_fields_list},
    {"field needs", test_field_needs},
    {"hostile filters", test_hostile},
    {"teardown", test_teardown},
    CU_TEST_INFO_NULL,
};

int main(void) {
  return tu_run("filter", tests);
}
