/* IGMP (RFC 1112, RFC 2236, RFC 3376) from hand-made bytes: the version
 * told by type and length, Protocol and Info columns, Max Resp Time (v3's
 * exponent and mantissa), S/QRV/QQIC, v3 group records and sources, the
 * checksum status, an unknown type, truncation.
 *
 * Every expected value was read from tshark 4.0 on the same bytes, not
 * from our output: run this program with TU_ONLY="<test name>"
 * TU_DUMP_PCAP=FILE, then tshark -r FILE -V (and -T fields -e ...). */
#include "netframe.h"
#include "testutil.h"

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))

static uint8_t fb[256];

static const uint8_t v1_report[8] = {0x12, 0, 0, 0, 224, 0, 0, 251};
static const uint8_t v1_query[8] = {0x11, 0, 0, 0, 0, 0, 0, 0};
static const uint8_t v2_general[8] = {0x11, 0x64, 0, 0, 0, 0, 0, 0};
static const uint8_t v2_specific[8] = {0x11, 0x0a, 0, 0, 224, 0, 0, 251};
static const uint8_t v2_report[8] = {0x16, 0, 0, 0, 224, 0, 0, 251};
static const uint8_t v2_leave[8] = {0x17, 0, 0, 0, 224, 0, 0, 251};
static const uint8_t v3_query_q[20] = {0x11, 0xc5, 0,  0, 224, 0, 0,  251, 0x0a, 125,
                                       0,    2,    10, 1, 1,   1, 10, 1,   1,    2};
static const uint8_t v3_query_g[12] = {0x11, 100, 0, 0, 0, 0, 0, 0, 0x02, 125, 0, 0};
static const uint8_t v3_report_r[] = {0x22, 0, 0, 0, 0, 0, 0, 5,
                                      /* Change To Exclude Mode, no sources: join for any source */
                                      4, 0, 0, 0, 224, 0, 0, 251,
                                      /* Mode Is Include, two sources and one word of aux data */
                                      1, 1, 0, 2, 239, 1, 1, 1, 10, 0, 0, 5, 10, 0, 0, 6, 0xde,
                                      0xad, 0xbe, 0xef,
                                      /* Block Old Sources, one source */
                                      6, 0, 0, 1, 239, 2, 2, 2, 10, 0, 0, 7,
                                      /* Change To Include Mode, no sources: leave */
                                      3, 0, 0, 0, 239, 3, 3, 3,
                                      /* Mode Is Exclude, one source */
                                      2, 0, 0, 1, 239, 4, 4, 4, 10, 0, 0, 8};
static const uint8_t v3_report_none[8] = {0x22, 0, 0, 0, 0, 0, 0, 0};
static const uint8_t bad_sum_report[8] = {0x16, 0, 0x12, 0x34, 224, 0, 0, 251};
static const uint8_t unknown_type[8] = {0x99, 1, 2, 3, 4, 5, 6, 7};

/* Ethernet + IPv4 (protocol 2, Router Alert option, as hosts send IGMP)
 * + the n IGMP bytes of msg; the IGMP checksum is computed over all of
 * them unless keep_sum. Returns the frame length. */
static size_t igmp_frame(const uint8_t *msg, size_t n, bool keep_sum) {
  static const uint8_t ra[4] = {0x94, 0x04, 0x00, 0x00};
  size_t off = nf_eth(fb, 0x0800);
  off += nf_ip4(fb + off, 2, 0x1234, 0, ra, sizeof ra, n);
  uint8_t *g = fb + off;
  memcpy(g, msg, n);
  if (!keep_sum) {
    g[2] = g[3] = 0;
    uint16_t c = nf_cksum(g, n, 0);
    g[2] = (uint8_t)(c >> 8);
    g[3] = (uint8_t)c;
  }
  return off + n;
}

static dx_packet *feed(dx_session **s, const uint8_t *msg, size_t n, bool keep_sum) {
  return tu_dissect(s, 1, fb, igmp_frame(msg, n, keep_sum));
}

static void test_v1(void) {
  dx_session *s = NULL;
  dx_packet *p = feed(&s, v1_report, sizeof v1_report, false);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "IGMPv1");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Membership Report");
  EXPECT(p, "igmp.version", "1");
  EXPECT(p, "igmp.type", "0x12");
  EXPECT(p, "igmp.reserved", "00");
  EXPECT(p, "igmp.checksum", "0x0d04");
  EXPECT(p, "igmp.checksum.status", "1");
  EXPECT(p, "igmp.maddr", "224.0.0.251");
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:igmp:igmp");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "igmp.checksum"), "Checksum: 0x0d04 [correct]");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "igmp.type"), "Type: Membership Report (0x12)");
  dx_packet_free(p);
  /* a v1_query with a zero second byte is v1's, with no ", general" */
  p = feed(&s, v1_query, sizeof v1_query, false);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "IGMPv1");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Membership Query");
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_v2(void) {
  dx_session *s = NULL;
  dx_packet *p = feed(&s, v2_general, sizeof v2_general, false);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "IGMPv2");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Membership Query, general");
  EXPECT(p, "igmp.version", "2");
  EXPECT(p, "igmp.max_resp", "100");
  EXPECT(p, "igmp.checksum", "0xee9b");
  EXPECT(p, "igmp.maddr", "0.0.0.0");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "igmp.max_resp"), "Max Resp Time: 10.0 sec (0x64)");
  dx_packet_free(p);
  p = feed(&s, v2_specific, sizeof v2_specific, false);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "IGMPv2");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Membership Query, specific for group 224.0.0.251");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "igmp.max_resp"), "Max Resp Time: 1.0 sec (0x0a)");
  dx_packet_free(p);
  p = feed(&s, v2_report, sizeof v2_report, false);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "IGMPv2");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Membership Report group 224.0.0.251");
  EXPECT(p, "igmp.type", "0x16");
  EXPECT(p, "igmp.max_resp", "0");
  EXPECT(p, "igmp.checksum", "0x0904");
  EXPECT(p, "igmp.checksum.status", "1");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "igmp.max_resp"), "Max Resp Time: 0.0 sec (0x00)");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "igmp.version"), "[IGMP Version: 2]");
  dx_packet_free(p);
  p = feed(&s, v2_leave, sizeof v2_leave, false);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "IGMPv2");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Leave Group 224.0.0.251");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "igmp.type"), "Type: Leave Group (0x17)");
  dx_packet_free(p);
  dx_session_free(s);
}

/* A v3 query (12 bytes or more) for a group and two sources, with a Max
 * Resp Code of 128 or more: (mant | 0x10) << (exp + 3) tenths. */
static void test_v3_query(void) {
  dx_session *s = NULL;
  dx_packet *p = feed(&s, v3_query_q, sizeof v3_query_q, false);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "IGMPv3");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Membership Query, specific for group 224.0.0.251, sources {10.1.1.1, "
                         "10.1.1.2}");
  EXPECT(p, "igmp.version", "3");
  EXPECT(p, "igmp.max_resp", "2688");
  EXPECT(p, "igmp.max_resp.exp", "0x04");
  EXPECT(p, "igmp.max_resp.mant", "0x05");
  EXPECT(p, "igmp.s", "1");
  EXPECT(p, "igmp.qrv", "2");
  EXPECT(p, "igmp.qqic", "125");
  EXPECT(p, "igmp.num_src", "2");
  CU_ASSERT_EQUAL(tu_count(p, "igmp.saddr"), 2);
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "igmp.saddr", 1), "10.1.1.2");
  EXPECT(p, "igmp.checksum.status", "1");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "igmp.max_resp"), "Max Resp Time: 268.8 sec (0xc5)");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "igmp.max_resp.exp"), ".100 .... = Exponent: 0x4");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "igmp.max_resp.mant"), ".... 0101 = Mantissa: 0x5");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "igmp.s"), ".... 1... = S: SUPPRESS router side processing");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "igmp.qrv"), ".... .010 = QRV: 2");
  dx_packet_free(p);
  /* a general v3 query, no sources, a code under 128 (no exponent) */
  p = feed(&s, v3_query_g, sizeof v3_query_g, false);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Membership Query, general");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "igmp.max_resp"), "Max Resp Time: 10.0 sec (0x64)");
  CU_ASSERT_EQUAL(tu_count(p, "igmp.max_resp.exp"), 0);
  CU_ASSERT_STRING_EQUAL(tu_label(p, "igmp.s"),
                         ".... 0... = S: Do not suppress router side processing");
  dx_packet_free(p);
  dx_session_free(s);
}

/* A v3 report with five group records of different types, sources and
 * auxiliary data. */
static void test_v3_report(void) {
  dx_session *s = NULL;
  dx_packet *p = feed(&s, v3_report_r, sizeof v3_report_r, false);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "IGMPv3");
  CU_ASSERT_STRING_EQUAL(
      dx_packet_info(p),
      "Membership Report / Join group 224.0.0.251 for any sources / Join group 239.1.1.1 for "
      "sources in {10.0.0.5, 10.0.0.6} / Group 239.2.2.2, block source {10.0.0.7} / Leave group "
      "239.3.3.3 / Join group 239.4.4.4, for source not {10.0.0.8}");
  EXPECT(p, "igmp.num_grp_recs", "5");
  EXPECT(p, "igmp.reserved", "00");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "igmp.reserved", 1), "0000");
  CU_ASSERT_EQUAL(tu_count(p, "igmp.record_type"), 5);
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "igmp.record_type", 1), "1");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "igmp.aux_data_len", 1), "1");
  EXPECT(p, "igmp.aux_data", "deadbeef");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "igmp.num_src", 1), "2");
  CU_ASSERT_EQUAL(tu_count(p, "igmp.saddr"), 4);
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "igmp.saddr", 3), "10.0.0.8");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "igmp.maddr", 4), "239.4.4.4");
  EXPECT(p, "igmp.checksum.status", "1");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "igmp.record_type"),
                         "Record Type: Change To Exclude Mode (4)");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "igmp.group_record"),
                         "Group Record : 224.0.0.251  Change To Exclude Mode");
  dx_packet_free(p);
  /* no records: tshark calls it a general query */
  p = feed(&s, v3_report_none, sizeof v3_report_none, false);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Membership Report - General query");
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_bad_checksum_and_unknown(void) {
  dx_session *s = NULL;
  dx_packet *p = feed(&s, bad_sum_report, sizeof bad_sum_report, true);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Membership Report group 224.0.0.251");
  EXPECT(p, "igmp.checksum", "0x1234");
  EXPECT(p, "igmp.checksum.status", "0");
  CU_ASSERT_EQUAL(tu_count(p, "igmp.bad_checksum"), 1);
  CU_ASSERT_STRING_EQUAL(tu_label(p, "igmp.checksum"),
                         "Checksum: 0x1234 incorrect, should be 0x0904");
  dx_packet_free(p);
  /* a type no IGMP dissector knows: IGMP, its bytes as data, one layer */
  p = feed(&s, unknown_type, sizeof unknown_type, true);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "IGMP");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Unknown Type:0x99");
  EXPECT(p, "igmp.type", "0x99");
  EXPECT(p, "igmp.data", "01020304050607");
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:igmp");
  dx_packet_free(p);
  dx_session_free(s);
}

/* An IP length shorter than the message: the bytes after it are the
 * frame's padding, not IGMP's. A v2 report of 6 bytes has no whole group
 * address (tshark: malformed, the checksum unverified); an unknown type of
 * 1 byte has no data (tshark: malformed too). */
static void test_short_ip_length(void) {
  dx_session *s = NULL;
  size_t len = igmp_frame(v2_report, sizeof v2_report, false);
  fb[14 + 3] = (uint8_t)(fb[14 + 3] - 2); /* IP total length 30: 6 IGMP bytes */
  fb[14 + 10] = fb[14 + 11] = 0;
  uint16_t c = nf_cksum(fb + 14, 24, 0);
  fb[14 + 10] = (uint8_t)(c >> 8);
  fb[14 + 11] = (uint8_t)c;
  dx_packet *p = tu_dissect(&s, 1, fb, len);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "IGMPv2");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Membership Report[Malformed Packet]");
  EXPECT(p, "igmp.checksum.status", "2");
  CU_ASSERT_EQUAL(tu_count(p, "igmp.maddr"), 0);
  CU_ASSERT(tu_any_flag(p, DX_NODE_MALFORMED));
  dx_packet_free(p);
  len = igmp_frame(unknown_type, sizeof unknown_type, true);
  fb[14 + 3] = (uint8_t)(fb[14 + 3] - 7); /* 1 IGMP byte */
  fb[14 + 10] = fb[14 + 11] = 0;
  c = nf_cksum(fb + 14, 24, 0);
  fb[14 + 10] = (uint8_t)(c >> 8);
  fb[14 + 11] = (uint8_t)c;
  p = tu_dissect(&s, 1, fb, len);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "IGMP");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Unknown Type:0x99[Malformed Packet]");
  CU_ASSERT_EQUAL(tu_count(p, "igmp.data"), 0);
  dx_packet_free(p);
  dx_session_free(s);
}

/* Every prefix of every frame above: nothing read past the bytes, each
 * short one marked truncated or malformed. */
static void test_truncation(void) {
  static const struct {
    const uint8_t *msg;
    size_t n;
  } all[] = {{v1_report, sizeof v1_report},           {v1_query, sizeof v1_query},
             {v2_general, sizeof v2_general},         {v2_specific, sizeof v2_specific},
             {v2_report, sizeof v2_report},           {v2_leave, sizeof v2_leave},
             {v3_query_q, sizeof v3_query_q},         {v3_query_g, sizeof v3_query_g},
             {v3_report_r, sizeof v3_report_r},       {v3_report_none, sizeof v3_report_none},
             {bad_sum_report, sizeof bad_sum_report}, {unknown_type, sizeof unknown_type}};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    size_t len = igmp_frame(all[i].msg, all[i].n, true);
    CU_ASSERT_EQUAL(tu_truncate_all(1, fb, len), 0);
  }
}

static CU_TestInfo tests[] = {{"v1", test_v1},
                              {"v2", test_v2},
                              {"v3_query", test_v3_query},
                              {"v3_report", test_v3_report},
                              {"bad_checksum_and_unknown", test_bad_checksum_and_unknown},
                              {"short_ip_length", test_short_ip_length},
                              {"truncation", test_truncation},
                              CU_TEST_INFO_NULL};

int main(void) {
  return tu_run("igmp", tests);
}
