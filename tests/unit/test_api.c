/* The API that lets programs grow with the library: dx_config_init(), the
 * numeric version, dx_node_value_name(). The frame is the first of
 * samples/dns.pcap (a DNS query for www.example.test, type A); the value
 * names are those its labels show (tshark -V shows the same). */
#include "testutil.h"

#include <string.h>

static const uint8_t dns_query[] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x3e, 0xf1, 0x1f, 0x00, 0x00, 0x40, 0x11, 0x8b, 0x8d, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00,
    0x00, 0x01, 0xaf, 0x08, 0x00, 0x35, 0x00, 0x2a, 0xfe, 0x3d, 0x6e, 0x19, 0x01, 0x20, 0x00, 0x01,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x77, 0x77, 0x77, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70,
    0x6c, 0x65, 0x04, 0x74, 0x65, 0x73, 0x74, 0x00, 0x00, 0x01, 0x00, 0x01};

static void test_config_init(void) {
  dx_config cfg;
  memset(&cfg, 0xa5, sizeof cfg); /* stack garbage */
  dx_config_init(&cfg);
  CU_ASSERT_EQUAL(cfg.max_flows, 65536);
  CU_ASSERT_EQUAL(cfg.max_frag_datagrams, 1024);
  CU_ASSERT_EQUAL(cfg.max_frag_bytes, 65535);
  CU_ASSERT_EQUAL(cfg.frag_timeout_ms, 30000);
  CU_ASSERT_EQUAL(cfg.max_stream_bytes, 16u << 20); /* (dissect.h: 16 MiB) */
  CU_ASSERT_EQUAL(cfg.max_total_stream_bytes, 64ull << 20);
  CU_ASSERT_EQUAL(cfg.max_dns_pending, 65536);
  CU_ASSERT_EQUAL(cfg.check_checksums, 0);
  CU_ASSERT_PTR_NULL(cfg.keylog_file);
  CU_ASSERT_PTR_NULL(cfg.rsa_key_file);
  dx_config_init(NULL); /* harmless */
  /* a session made from it works */
  cfg.max_flows = 16;
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, &cfg), DX_OK);
  dx_session_free(s);
}

static void test_version(void) {
  CU_ASSERT_EQUAL(DX_VERSION_NUMBER,
                  (DX_VERSION_MAJOR << 16) | (DX_VERSION_MINOR << 8) | DX_VERSION_PATCH);
  CU_ASSERT_EQUAL(dx_version_number(), DX_VERSION_NUMBER);
  char want[32];
  snprintf(want, sizeof want, "%d.%d.%d", DX_VERSION_MAJOR, DX_VERSION_MINOR, DX_VERSION_PATCH);
  CU_ASSERT_STRING_EQUAL(dx_version(), want);
  CU_ASSERT_STRING_EQUAL(DX_VERSION_STRING, want);
}

static const char *vname(const dx_packet *p, const char *field) {
  return dx_node_value_name(dx_packet_find_name(p, field));
}

static void test_value_name(void) {
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 1, dns_query, sizeof dns_query);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  /* enumerated integers: the name the label shows before "(N)" */
  CU_ASSERT_STRING_EQUAL(tu_label(p, "eth.type"), "Type: IPv4 (0x0800)");
  CU_ASSERT_STRING_EQUAL(vname(p, "eth.type"), "IPv4");
  CU_ASSERT_STRING_EQUAL(vname(p, "ip.proto"), "UDP");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "dns.qry.type"), "Type: A (Host Address) (1)");
  CU_ASSERT_STRING_EQUAL(vname(p, "dns.qry.type"), "A (Host Address)");
  CU_ASSERT_STRING_EQUAL(vname(p, "dns.flags.opcode"), "Standard query");
  /* booleans whose field names both states */
  CU_ASSERT_STRING_EQUAL(vname(p, "dns.flags.response"), "Message is a query");
  CU_ASSERT_STRING_EQUAL(vname(p, "dns.flags.recdesired"), "Do query recursively");
  /* no value names: numbers, strings, addresses, protocols */
  CU_ASSERT_PTR_NULL(vname(p, "udp.srcport"));
  CU_ASSERT_PTR_NULL(vname(p, "ip.ttl"));
  CU_ASSERT_PTR_NULL(vname(p, "dns.qry.name"));
  CU_ASSERT_PTR_NULL(vname(p, "ip.src"));
  CU_ASSERT_PTR_NULL(vname(p, "dns"));
  CU_ASSERT_PTR_NULL(dx_node_value_name(NULL));
  /* the name outlives the packet */
  const char *keep = vname(p, "eth.type");
  dx_packet_free(p);
  CU_ASSERT_STRING_EQUAL(keep, "IPv4");
  dx_session_free(s);
}

int main(void) {
  CU_TestInfo tests[] = {
      {"dx_config_init fills the defaults", test_config_init},
      {"version macros and dx_version_number", test_version},
      {"dx_node_value_name", test_value_name},
      CU_TEST_INFO_NULL,
  };
  return tu_run("api", tests);
}
