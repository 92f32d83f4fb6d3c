/* Dropbox's LAN sync discovery on UDP port 17500: JSON datagrams (the json
 * layer under db-lsp-disc) and other bytes as one ASCII text item that ends
 * at a NUL ("Trailing stray characters" after it). Hand-made frames; the
 * expected values are tshark 4.0's on the same frames (TU_ONLY=...
 * TU_DUMP_PCAP=file, then tshark -V and -T fields on that file). */
#include "netframe.h"
#include "testutil.h"

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))

static uint8_t fb[512];

static size_t udp_frame(uint8_t *b, uint16_t sport, uint16_t dport, const void *msg, size_t n) {
  size_t o = nf_eth(b, 0x0800);
  o += nf_ip4(b + o, 17, 1, 0, NULL, 0, 8 + n);
  b[o] = (uint8_t)(sport >> 8), b[o + 1] = (uint8_t)sport;
  b[o + 2] = (uint8_t)(dport >> 8), b[o + 3] = (uint8_t)dport;
  b[o + 4] = (uint8_t)((8 + n) >> 8), b[o + 5] = (uint8_t)(8 + n);
  b[o + 6] = b[o + 7] = 0;
  memcpy(b + o + 8, msg, n);
  return o + 8 + n;
}

static void test_json_and_text(void) {
  dx_session *s = NULL;
  static const char js[] = "{\"host_int\": 7, \"version\": [2, 0], \"port\": 17500}";
  size_t n = udp_frame(fb, 17500, 17500, js, sizeof js - 1);
  dx_packet *p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "DB-LSP-DISC/JSON");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Dropbox LAN sync Discovery Protocol, JavaScript Object Notation");
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:udp:db-lsp-disc:json");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "json"), "JavaScript Object Notation");
  EXPECT(p, "json.member_with_value", "host_int:7");
  CU_ASSERT_EQUAL(tu_count(p, "db-lsp.text"), 0);
  dx_packet_free(p);
  static const uint8_t tx[] = {'B', 3, 0x35, 0x81, 0, 0xfe, 'r', 'D', 7, 'x'};
  n = udp_frame(fb, 50000, 17500, tx, sizeof tx);
  p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "DB-LSP-DISC");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Dropbox LAN sync Discovery Protocol");
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:udp:db-lsp-disc");
  EXPECT(p, "db-lsp.text", "B\\0035\xef\xbf\xbd");
  CU_ASSERT_EQUAL(tu_count(p, "_ws.string.trailing_stray_characters"), 1);
  dx_packet_free(p);
  dx_session_free(s);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
  n = udp_frame(fb, 17500, 17500, js, sizeof js - 1);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
}

int main(void) {
  CU_TestInfo tests[] = {
      {"JSON and text", test_json_and_text},
      CU_TEST_INFO_NULL,
  };
  return tu_run("dblsp", tests);
}
