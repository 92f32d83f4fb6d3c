/* Dropbox's LAN sync discovery on UDP port 17500: JSON datagrams (the json
 * layer under db-lsp-disc) and other bytes as one ASCII text item that ends
 * at a NUL ("Trailing stray characters" after it). Hand-made frames; the
 * expected values are tshark 4.0's on the same frames (TU_ONLY=...
 * TU_DUMP_PCAP=file, then tshark -V and -T fields on that file). */
#include "netframe.h"
#include "testutil.h"

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))

static uint8_t fb[512];

static void test_json_and_text(void) {
  dx_session *s = NULL;
  static const char js[] = "{\"host_int\": 7, \"version\": [2, 0], \"port\": 17500}";
  size_t n = nf_udp4(fb, 0, 17500, 17500, js, sizeof js - 1);
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
  n = nf_udp4(fb, 0, 50000, 17500, tx, sizeof tx);
  p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "DB-LSP-DISC");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Dropbox LAN sync Discovery Protocol");
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:udp:db-lsp-disc");
  EXPECT(p, "db-lsp.text", "B\\0035\xef\xbf\xbd");
  CU_ASSERT_EQUAL(tu_count(p, "_ws.string.trailing_stray_characters"), 1);
  dx_packet_free(p);
  dx_session_free(s);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
  n = nf_udp4(fb, 0, 17500, 17500, js, sizeof js - 1);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
}

int main(void) {
  CU_TestInfo tests[] = {
      {"JSON and text", test_json_and_text},
      CU_TEST_INFO_NULL,
  };
  return tu_run("dblsp", tests);
}
