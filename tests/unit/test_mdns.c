/* mDNS (UDP 5353) and LLMNR (UDP 5355) are DNS messages that tshark 4.0
 * shows under their own protocol names (frame.protocols "mdns"/"llmnr",
 * Protocol column MDNS/LLMNR, the layer "Multicast Domain Name System
 * (query)" / "Link-local Multicast Name Resolution (response)") with the
 * dns.* fields; mDNS splits the top bit of a class (dns.qry.qu,
 * dns.resp.cache_flush), LLMNR has Conflict and Tentative flags where DNS
 * has AA and RD, and mDNS's OPT record shows its UDP payload size in hex
 * (tshark's second dns.rr.udp_payload_size). NetBIOS Name Service (UDP
 * 137) is not DNS. Hand-made
 * Ethernet frames; expected values are tshark 4.0's on the same bytes. */
#include "testutil.h"

#include <stdio.h>

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))

static size_t unhex(uint8_t *b, const char *h) {
  size_t n = 0;
  for (; h[0] && h[1]; h += 2) {
    unsigned v;
    sscanf(h, "%2x", &v);
    b[n++] = (uint8_t)v;
  }
  return n;
}

/* an mDNS query: A printer.local (QM), PTR _ipp._tcp.local (QU) */
static const char *mdns_query = "01005e0000fb00112233445508004500005000010000ff1118f6c0a80102e00000"
                                "fb14e914e9003c0000000000000002000000000000077072696e746572056c6f63"
                                "616c0000010001045f697070045f746370056c6f63616c00000c8001";
/* its response to the group: A printer.local with cache flush, a PTR */
static const char *mdns_resp =
    "01005e0000fb00112233445508004500006200010000ff1118e4c0a80102e00000fb14e914e9004e00000000840000"
    "00000200000000077072696e746572056c6f63616c0000018001000000780004c0a80102045f697070045f74637005"
    "6c6f63616c00000c0001000011940002c00c";
/* an LLMNR response: A wpad 10.0.0.9 */
static const char *llmnr_resp =
    "01005e0000fb00112233445508004500004600010000ff113850c0a80102c0a8010314ebc350003200001234800000"
    "0100010000000004777061640000010001047770616400000100010000001e00040a000009";
/* an NBNS name query for WORKGROUP<1d> */
static const char *nbns_query =
    "01005e0000fb00112233445508004500004e00010000ff1118f8c0a80102e00000fb00890089003a000081a2011000"
    "0100000000000020464845504643454c45484643455046464641434143414341434143414341424e0000200001";

static void test_mdns(void) {
  dx_session *s = NULL;
  uint8_t b[256];
  dx_packet *p = tu_dissect(&s, 1, b, unhex(b, mdns_query));
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:udp:mdns");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "MDNS");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Standard query 0x0000 A printer.local, \"QM\" question "
                         "PTR _ipp._tcp.local, \"QU\" question");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "mdns"), "Multicast Domain Name System (query)");
  CU_ASSERT_EQUAL(tu_count(p, "dns"), 0);
  EXPECT(p, "dns.qry.class", "0x0001");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "dns.qry.qu", 1), "1");
  EXPECT(p, "dns.qry.qu", "0");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "dns.qry.class"), ".000 0000 0000 0001 = Class: IN (0x0001)");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "dns.qry.qu"), "0... .... .... .... = \"QU\" question: False");
  dx_packet_free(p);
  p = tu_dissect(&s, 1, b, unhex(b, mdns_resp));
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:udp:mdns");
  CU_ASSERT_STRING_EQUAL(
      dx_packet_info(p),
      "Standard query response 0x0000 A, cache flush 192.168.1.2 PTR printer.local");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "mdns"), "Multicast Domain Name System (response)");
  EXPECT(p, "dns.resp.class", "0x0001");
  EXPECT(p, "dns.resp.cache_flush", "1");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "dns.resp.cache_flush", 1), "0");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "dns.resp.cache_flush"),
                         "1... .... .... .... = Cache flush: True");
  /* answered from the querier's address to the group: the query's pair */
  EXPECT(p, "dns.response_to", "1");
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_llmnr(void) {
  dx_session *s = NULL;
  uint8_t b[256];
  dx_packet *p = tu_dissect(&s, 1, b, unhex(b, llmnr_resp));
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:udp:llmnr");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "LLMNR");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Standard query response 0x1234 A wpad A 10.0.0.9");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "llmnr"), "Link-local Multicast Name Resolution (response)");
  EXPECT(p, "dns.flags.conflict", "0");
  EXPECT(p, "dns.flags.tentative", "0");
  CU_ASSERT_EQUAL(tu_count(p, "dns.flags.authoritative"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "dns.flags.recdesired"), 0);
  CU_ASSERT_STRING_EQUAL(tu_label(p, "dns.flags.conflict"),
                         ".... .0.. .... .... = Conflict: The name is considered unique");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "dns.flags.tentative"),
                         ".... ...0 .... .... = Tentative: Not tentative");
  EXPECT(p, "dns.a", "10.0.0.9");
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_nbns_not_dns(void) {
  dx_session *s = NULL;
  uint8_t b[256];
  dx_packet *p = tu_dissect(&s, 1, b, unhex(b, nbns_query));
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(tu_count(p, "dns"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "dns.qry.name"), 0);
  dx_packet_free(p);
  dx_session_free(s);
}

/* an ICMP port unreachable quoting a UDP header from port 5353 and none
 * of its payload: tshark stops at UDP, and the outer columns stay */
static const char *icmp_quote =
    "00112233445566778899aabb08004500003800010000400166c20a0000010a0000020303e7f6000000004500002800"
    "010000401166c20a0000020a00000114e9000900140000";

static void test_icmp_quote(void) {
  dx_session *s = NULL;
  uint8_t b[256];
  dx_packet *p = tu_dissect(&s, 1, b, unhex(b, icmp_quote));
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:icmp:ip:udp");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Destination unreachable (Port unreachable)");
  dx_packet_free(p);
  dx_session_free(s);
}

/* an mDNS response: A printer.local with cache flush, then in the
 * additional records an NSEC (next domain name printer.local, types A and
 * AAAA in its bit map) and an OPT whose class is mDNS's 15-bit UDP payload
 * size (1440) and a cache flush bit */
static const char *mdns_nsec_opt =
    "01005e0000fb00112233445508004500006400010000ff1118e2c0a80102e00000fb14e914e9005000000000840000"
    "00000100000002077072696e746572056c6f63616c0000018001000000780004c0a80102c00c002f80010000007800"
    "08c00c00044000000800002905a0000000000000";

static void test_nsec_opt(void) {
  dx_session *s = NULL;
  uint8_t b[256];
  dx_packet *p = tu_dissect(&s, 1, b, unhex(b, mdns_nsec_opt));
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Standard query response 0x0000 A, cache flush "
                                            "192.168.1.2 NSEC, cache flush printer.local OPT");
  /* tshark -T fields: the bit map's types are dns.resp.type too; mDNS's
   * payload size in hex */
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "dns.resp.type", 0), "1");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "dns.resp.type", 1), "47");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "dns.resp.type", 2), "1");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "dns.resp.type", 3), "28");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "dns.resp.type", 4), "41");
  CU_ASSERT_EQUAL(tu_count(p, "dns.resp.type"), 5);
  EXPECT(p, "dns.nsec.next_domain_name", "printer.local");
  EXPECT(p, "dns.rr.udp_payload_size", "0x05a0");
  CU_ASSERT_EQUAL(tu_count(p, "dns.resp.cache_flush"), 3);
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "dns.resp.cache_flush", 2), "0");
  /* the labels of tshark -V */
  CU_ASSERT_STRING_EQUAL(tu_label(p, "dns.rr.udp_payload_size"),
                         ".000 0101 1010 0000 = UDP payload size: 0x05a0");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "dns.nsec.next_domain_name"),
                         "Next Domain Name: printer.local");
  dx_packet_free(p);
  /* the bit map cut: the record's data ends inside its window */
  size_t n = unhex(b, mdns_nsec_opt);
  CU_ASSERT_EQUAL(tu_truncate_all(1, b, n), 0);
  dx_session_free(s);
}

/* -e dns.* without the protocol mdns (terse packets): the mDNS layer that
 * holds DNS's fields is built, and the alias of dns.rr.udp_payload_size is
 * one field with the DNS one */
static void test_terse_dns_fields(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  const dx_field *want[2] = {dx_field_lookup(s, "dns.qry.name"),
                             dx_field_lookup(s, "dns.rr.udp_payload_size")};
  CU_ASSERT_PTR_NOT_NULL_FATAL(want[0]);
  CU_ASSERT_PTR_NOT_NULL_FATAL(want[1]);
  CU_ASSERT_EQUAL(dx_session_set_interest(s, want, 2, 0), DX_OK);
  uint8_t b[256];
  dx_packet *p = tu_dissect(&s, 1, b, unhex(b, mdns_query));
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "dns.qry.name", "printer.local");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "dns.qry.name", 1), "_ipp._tcp.local");
  dx_packet_free(p);
  p = tu_dissect(&s, 1, b, unhex(b, mdns_nsec_opt));
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "dns.rr.udp_payload_size", "0x05a0");
  dx_packet_free(p);
  dx_session_free(s);
}

/* every prefix of each message is safe and marked */
static void test_truncated(void) {
  const char *all[] = {mdns_query, mdns_resp, llmnr_resp};
  uint8_t b[256];
  for (int i = 0; i < 3; i++) {
    size_t n = unhex(b, all[i]);
    CU_ASSERT_EQUAL(tu_truncate_all(1, b, n), 0);
  }
}

static CU_TestInfo tests[] = {
    {"mDNS: own protocol name, QU and cache-flush bits", test_mdns},
    {"LLMNR: own protocol name, Conflict and Tentative flags", test_llmnr},
    {"NBNS is not DNS", test_nbns_not_dns},
    {"cut at every length", test_truncated},
    {"nothing of it quoted in an ICMP error", test_icmp_quote},
    {"mDNS: NSEC bit map, OPT's payload size and cache flush", test_nsec_opt},
    {"terse packets: -e dns.* builds the mDNS layer", test_terse_dns_fields},
    CU_TEST_INFO_NULL,
};

int main(void) {
  return tu_run("mdns", tests);
}
