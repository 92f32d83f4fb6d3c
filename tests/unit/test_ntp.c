/* NTP (UDP 123) from hand-made Ethernet/IPv4/UDP frames (10.0.0.1:50123 ->
 * 10.0.0.2:123 and back): a client request, server responses of stratum 2
 * (reference ID an IPv4 address) and 1 (a reference clock's code), zero
 * (NULL) timestamps, extension fields with a key ID and MAC, a mode 7
 * MON_GETLIST_1 response with two items, and truncation. Every expected
 * value (fields, labels, Info, Protocol) is tshark 4.0's on the same bytes:
 * TU_ONLY=NAME TU_DUMP_PCAP=FILE writes a test's frames to a pcap, read with
 * tshark -r FILE -V and -T fields -e ntp.xxx. */
#include "tcpframe.h"
#include "testutil.h"

#include <string.h>

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))

static uint8_t fb[512];

/* The 48-byte header: flags, stratum, poll, precision, root delay, root
 * dispersion, reference ID, then the four timestamps (seconds, fraction). */
static size_t ntp_header(uint8_t *b, uint8_t flags, uint8_t stratum, uint8_t poll, uint8_t prec,
                         uint32_t rdelay, uint32_t rdisp, const uint8_t refid[4],
                         const uint32_t ts[8]) {
  b[0] = flags;
  b[1] = stratum;
  b[2] = poll;
  b[3] = prec;
  uint32_t w[2] = {rdelay, rdisp};
  for (int i = 0; i < 2; i++)
    for (int k = 0; k < 4; k++)
      b[4 + 4 * i + k] = (uint8_t)(w[i] >> (24 - 8 * k));
  memcpy(b + 12, refid, 4);
  for (int i = 0; i < 8; i++)
    for (int k = 0; k < 4; k++)
      b[16 + 4 * i + k] = (uint8_t)(ts[i] >> (24 - 8 * k));
  return 48;
}

/* A client request of NTPv4 (as chrony sends one): everything zero but the
 * poll, the precision and the transmit timestamp. */
static size_t client_request(uint8_t *pl) {
  static const uint8_t zero[4] = {0};
  static const uint32_t ts[8] = {0, 0, 0, 0, 0, 0, 0xe8fe4a10u, 0x80000000u};
  return ntp_header(pl, 0x23, 0, 6, 0xe9, 0, 0, zero, ts);
}

static void test_client(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  uint8_t pl[64];
  size_t n = tf_udp(fb, 1, 50123, 123, pl, client_request(pl), 0);
  dx_packet *p = tf_feed(s, fb, n, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:udp:ntp");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "NTP");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "NTP Version 4, client");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ntp"), "Network Time Protocol (NTP Version 4, client)");
  EXPECT(p, "ntp.flags", "0x23");
  EXPECT(p, "ntp.flags.li", "0");
  EXPECT(p, "ntp.flags.vn", "4");
  EXPECT(p, "ntp.flags.mode", "3");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ntp.flags"),
                         "Flags: 0x23, Leap Indicator: no warning, Version number: NTP Version 4, "
                         "Mode: client");
  EXPECT(p, "ntp.stratum", "0");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ntp.stratum"),
                         "Peer Clock Stratum: unspecified or invalid (0)");
  EXPECT(p, "ntp.ppoll", "6");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ntp.ppoll"), "Peer Polling Interval: 6 (64 seconds)");
  EXPECT(p, "ntp.precision", "233");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ntp.precision"), "Peer Clock Precision: 0.000000 seconds");
  EXPECT(p, "ntp.rootdelay", "0");
  EXPECT(p, "ntp.rootdispersion", "0");
  EXPECT(p, "ntp.refid", "00000000");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ntp.refid"), "Reference ID: NULL");
  /* zero timestamps: "NULL" */
  EXPECT(p, "ntp.reftime", "NULL");
  EXPECT(p, "ntp.org", "NULL");
  EXPECT(p, "ntp.rec", "NULL");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ntp.org"), "Origin Timestamp: NULL");
  EXPECT(p, "ntp.xmt", "Nov 14, 2023 19:33:36.500000000 UTC");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ntp.xmt"),
                         "Transmit Timestamp: Nov 14, 2023 19:33:36.500000000 UTC");
  CU_ASSERT_EQUAL(tu_count(p, "ntp.keyid"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "ntp.ext"), 0);
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  dx_session_free(s);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
}

/* Server responses: stratum 2 names its server by IPv4 address, stratum 1
 * its reference clock ("GPS"); a timestamp whose seconds have the top bit
 * clear is of era 1 (after 2036). */
static void test_server(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  static const uint8_t ref2[4] = {192, 0, 2, 1};
  static const uint32_t ts[8] = {0xe8fe49f0u, 0x12345678u, 0xe8fe4a10u, 0x80000000u,
                                 0xe8fe4a10u, 0x9abcdef0u, 0x00000010u, 0x40000000u};
  uint8_t pl[64];
  size_t n = tf_udp(fb, 0, 50123, 123, pl,
                    ntp_header(pl, 0x24, 2, 6, 0xe7, 0x00000a3d, 0x00012000, ref2, ts), 0);
  dx_packet *p = tf_feed(s, fb, n, 1000);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "NTP");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "NTP Version 4, server");
  EXPECT(p, "ntp.flags.mode", "4");
  EXPECT(p, "ntp.stratum", "2");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ntp.stratum"), "Peer Clock Stratum: secondary reference (2)");
  EXPECT(p, "ntp.precision", "231");
  EXPECT(p, "ntp.rootdelay", "2621");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ntp.rootdelay"), "Root Delay: 0.039993 seconds");
  EXPECT(p, "ntp.rootdispersion", "73728");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ntp.rootdispersion"), "Root Dispersion: 1.125000 seconds");
  EXPECT(p, "ntp.refid", "c0000201");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ntp.refid"), "Reference ID: 192.0.2.1");
  EXPECT(p, "ntp.reftime", "Nov 14, 2023 19:33:04.071111110 UTC");
  EXPECT(p, "ntp.org", "Nov 14, 2023 19:33:36.500000000 UTC");
  EXPECT(p, "ntp.rec", "Nov 14, 2023 19:33:36.604444440 UTC");
  EXPECT(p, "ntp.xmt", "Feb  7, 2036 06:28:32.250000000 UTC");
  dx_packet_free(p);

  /* stratum 1, leap indicator 3, version 3; the clock "GPS" */
  static const uint8_t gps[4] = {'G', 'P', 'S', 0};
  n = tf_udp(fb, 0, 50123, 123, pl, ntp_header(pl, 0xdc, 1, 10, 0xec, 0, 0x10, gps, ts), 0);
  p = tf_feed(s, fb, n, 2000);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "NTP Version 3, server");
  EXPECT(p, "ntp.flags", "0xdc");
  EXPECT(p, "ntp.flags.li", "3");
  EXPECT(p, "ntp.flags.vn", "3");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ntp.flags"),
                         "Flags: 0xdc, Leap Indicator: unknown (clock unsynchronized), Version "
                         "number: NTP Version 3, Mode: server");
  EXPECT(p, "ntp.stratum", "1");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ntp.stratum"), "Peer Clock Stratum: primary reference (1)");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ntp.ppoll"), "Peer Polling Interval: 10 (1024 seconds)");
  EXPECT(p, "ntp.refid", "47505300");
  EXPECT(p, "ntp.rootdispersion", "16");
  EXPECT(p, "ntp.precision", "236");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ntp.refid"), "Reference ID: Global Position System");
  dx_packet_free(p);
  /* an unknown code: shown as it is */
  static const uint8_t xyz[4] = {'X', 'Y', 'Z', 'W'};
  n = tf_udp(fb, 0, 50123, 123, pl, ntp_header(pl, 0x1c, 1, 3, 0xec, 0, 0, xyz, ts), 0);
  p = tf_feed(s, fb, n, 3000);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ntp.refid"),
                         "Reference ID: Unidentified reference source 'XYZW'");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ntp.ppoll"), "Peer Polling Interval: invalid (3)");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "NTP Version 3, server");
  dx_packet_free(p);
  dx_session_free(s);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
}

/* After the header: two extension fields (RFC 7822: type, length, value),
 * then a key ID and a 16-byte MAC; a field whose length is not a multiple
 * of 4 is flagged and ends the dissection. */
static void test_extensions(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  uint8_t pl[160];
  size_t k = client_request(pl);
  static const uint8_t ext[] = {0x01, 0x04, 0x00, 0x14, 0x11, 0x22, 0x33, 0x44, 0x55,
                                0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee,
                                0xff, 0x00, 0x02, 0x04, 0x00, 0x10, 0xc0, 0xc1, 0xc2,
                                0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb};
  memcpy(pl + k, ext, sizeof ext);
  k += sizeof ext;
  static const uint8_t mac[20] = {0x00, 0x00, 0x00, 0x2a, 1,  2,  3,  4,  5,  6,
                                  7,    8,    9,    10,   11, 12, 13, 14, 15, 16};
  memcpy(pl + k, mac, sizeof mac);
  k += sizeof mac;
  size_t n = tf_udp(fb, 1, 50123, 123, pl, k, 0);
  dx_packet *p = tf_feed(s, fb, n, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "NTP Version 4, client");
  CU_ASSERT_EQUAL(tu_count(p, "ntp.ext"), 2);
  EXPECT(p, "ntp.ext.type", "0x0104");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ntp.ext.type"), "Field Type: Unique Identifier (0x0104)");
  EXPECT(p, "ntp.ext.length", "20");
  EXPECT(p, "ntp.ext.value", "112233445566778899aabbccddeeff00");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "ntp.ext.type", 1), "0x0204");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "ntp.ext.length", 1), "16");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "ntp.ext.value", 1), "c0c1c2c3c4c5c6c7c8c9cacb");
  EXPECT(p, "ntp.keyid", "0000002a");
  EXPECT(p, "ntp.mac", "0102030405060708090a0b0c0d0e0f10");
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);

  /* fewer than 20 bytes after the last field: that field was the key ID
   * and the start of the MAC */
  k = client_request(pl);
  memcpy(pl + k, ext, 20);
  k += 20;
  memcpy(pl + k, mac, 8);
  k += 8;
  n = tf_udp(fb, 1, 50123, 123, pl, k, 0);
  p = tf_feed(s, fb, n, 1000);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(tu_count(p, "ntp.ext"), 0);
  EXPECT(p, "ntp.keyid", "01040014");
  EXPECT(p, "ntp.mac", "112233445566778899aabbccddeeff000000002a01020304");
  dx_packet_free(p);

  /* a length of 18: not a multiple of 4 */
  k = client_request(pl);
  memcpy(pl + k, ext, 20);
  pl[k + 3] = 18;
  k += 20;
  memcpy(pl + k, mac, 20);
  k += 20;
  n = tf_udp(fb, 1, 50123, 123, pl, k, 0);
  p = tf_feed(s, fb, n, 2000);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "ntp.ext.length", "18");
  CU_ASSERT_EQUAL(tu_count(p, "ntp.ext.invalid_length"), 1);
  EXPECT(p, "_ws.expert.message", "Extension length 18 isn't a multiple of 4");
  CU_ASSERT_EQUAL(tu_count(p, "ntp.ext.value"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "ntp.keyid"), 0);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "NTP Version 4, client");
  dx_packet_free(p);
  dx_session_free(s);
}

/* ntpdc's monlist: a mode 7 response of XNTPD (implementation 3) to
 * MON_GETLIST_1 (42) with two 40-byte items (IPv4). */
static size_t monlist_response(uint8_t *pl) {
  static const uint8_t h[8] = {0x97, 0x00, 0x03, 0x2a, 0x00, 0x02, 0x00, 0x28};
  static const uint8_t items[80] = {
      /* avgint 1, lsint 2, restr 0, count 5, 192.168.1.10 -> 192.168.1.1,
       * flags 0, port 1234, mode 3, version 4, ipv6 0, unused 0 */
      0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 5, 192, 168, 1, 10, 192, 168, 1, 1, 0, 0, 0, 0,
      0x04, 0xd2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0,
      /* avgint 300, lsint 7, restr 0x10, count 1000, 203.0.113.9 ->
       * 192.168.1.1, flags 1, port 123, mode 4, version 2 */
      0, 0, 0x01, 0x2c, 0, 0, 0, 7, 0, 0, 0, 0x10, 0, 0, 0x03, 0xe8, 203, 0, 113, 9, 192, 168, 1, 1,
      0, 0, 0, 1, 0x00, 0x7b, 4, 2, 0, 0, 0, 0, 0, 0, 0, 0};
  memcpy(pl, h, 8);
  memcpy(pl + 8, items, 80);
  return 88;
}

static void test_monlist(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  uint8_t pl[96];
  size_t n = tf_udp(fb, 0, 50123, 123, pl, monlist_response(pl), 0);
  dx_packet *p = tf_feed(s, fb, n, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "NTP");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "NTP Version 2, private, Response, MON_GETLIST_1");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ntp"), "Network Time Protocol (NTP Version 2, private)");
  EXPECT(p, "ntp.flags", "0x97");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ntp.flags"),
                         "Flags: 0x97, Response bit: Response, Version number: NTP Version 2, "
                         "Mode: reserved for private use");
  EXPECT(p, "ntp.priv.flags.r", "1");
  EXPECT(p, "ntp.priv.flags.more", "0");
  EXPECT(p, "ntp.flags.vn", "2");
  EXPECT(p, "ntp.flags.mode", "7");
  EXPECT(p, "ntp.priv.auth_seq", "0");
  EXPECT(p, "ntp.priv.impl", "3");
  EXPECT(p, "ntp.priv.reqcode", "42");
  EXPECT(p, "ntp.priv.err", "0x00");
  EXPECT(p, "ntp.priv.numitems", "2");
  EXPECT(p, "ntp.priv.itemsize", "40");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ntp.priv.numitems"),
                         ".... 0000  0000 0010 = Number of data items: 2");
  CU_ASSERT_EQUAL(tu_count(p, "ntp.priv.monlist.remote_address"), 2);
  EXPECT(p, "ntp.priv.monlist.avgint", "1");
  EXPECT(p, "ntp.priv.monlist.lsint", "2");
  EXPECT(p, "ntp.priv.monlist.count", "5");
  EXPECT(p, "ntp.priv.monlist.remote_address", "192.168.1.10");
  EXPECT(p, "ntp.priv.monlist.local_address", "192.168.1.1");
  EXPECT(p, "ntp.priv.monlist.port", "1234");
  EXPECT(p, "ntp.priv.monlist.mode", "3");
  EXPECT(p, "ntp.priv.monlist.version", "4");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "ntp.priv.monlist.avgint", 1), "300");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "ntp.priv.monlist.restr", 1), "0x00000010");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "ntp.priv.monlist.count", 1), "1000");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "ntp.priv.monlist.remote_address", 1), "203.0.113.9");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "ntp.priv.monlist.flags", 1), "0x00000001");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "ntp.priv.monlist.port", 1), "123");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "ntp.priv.monlist.version", 1), "2");
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  dx_session_free(s);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
}

/* Short NTP messages: a datagram that ends inside the header is malformed
 * (everything before the end kept); a frame the capture cut short is
 * truncated, the Info ending as tshark's. */
static void test_short(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  uint8_t pl[64];
  client_request(pl);
  size_t n = tf_udp(fb, 1, 50123, 123, pl, 20, 0);
  dx_packet *p = tf_feed(s, fb, n, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "NTP Version 4, client[Malformed Packet]");
  EXPECT(p, "ntp.ppoll", "6");
  EXPECT(p, "ntp.rootdispersion", "0");
  EXPECT(p, "ntp.refid", "00000000");
  CU_ASSERT_EQUAL(tu_count(p, "ntp.reftime"), 0);
  /* tshark's "[Malformed Packet: NTP]" item and its note */
  CU_ASSERT_EQUAL(tu_count(p, "_ws.malformed"), 2);
  EXPECT(p, "_ws.expert.message", "Malformed Packet (Exception occurred)");
  CU_ASSERT(tu_any_flag(p, DX_NODE_TRUNCATED));
  dx_packet_free(p);
  /* the whole request, but only 70 bytes of it captured */
  n = tf_udp(fb, 1, 50123, 123, pl, client_request(pl), 0);
  p = tf_feed_cut(s, fb, n, 70, 1000);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "NTP Version 4, client[Packet size limited during capture]");
  EXPECT(p, "ntp.refid", "00000000");
  CU_ASSERT_EQUAL(tu_count(p, "ntp.reftime"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "ntp.org"), 0);
  CU_ASSERT(tu_any_flag(p, DX_NODE_TRUNCATED));
  dx_packet_free(p);
  dx_session_free(s);
}

int main(void) {
  CU_TestInfo tests[] = {{"client", test_client},         {"server", test_server},
                         {"extensions", test_extensions}, {"monlist", test_monlist},
                         {"short", test_short},           CU_TEST_INFO_NULL};
  return tu_run("ntp", tests);
}
