/* SSDP (UPnP discovery, UDP 1900): HTTP messages in datagrams, which
 * tshark 4.0 shows under the protocol ssdp (frame.protocols "...:udp:ssdp",
 * Protocol column SSDP, the layer "Simple Service Discovery Protocol")
 * with the fields http.*. Hand-made Ethernet frames (IPv4, UDP checksum
 * zero); the expected values are tshark 4.0's on the same bytes (written
 * to a capture and read with tshark -V and -T fields). */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

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

/* 192.168.1.2:50000 -> 239.255.255.250:1900: M-SEARCH * HTTP/1.1 (HOST,
 * MAN, MX, ST, USER-AGENT) */
static const char *msearch =
    "01005e7ffffa00112233445508004500009000010000ff1109b7c0a80102effffffac350076c007c00004d2d534541"
    "524348202a20485454502f312e310d0a484f53543a203233392e3235352e3235352e3235303a313930300d0a4d414e"
    "3a2022737364703a646973636f766572220d0a4d583a20310d0a53543a20737364703a616c6c0d0a555345522d4147"
    "454e543a20746573742f312e300d0a0d0a";
/* 192.168.1.3:1900 -> 239.255.255.250:1900: NOTIFY * HTTP/1.1 (HOST,
 * CACHE-CONTROL, LOCATION, NT, NTS, SERVER, USN) */
static const char *notify =
    "01005e7ffffa00112233445508004500010000010000ff110946c0a80103effffffa076c076c00ec00004e4f544946"
    "59202a20485454502f312e310d0a484f53543a203233392e3235352e3235352e3235303a313930300d0a4341434845"
    "2d434f4e54524f4c3a206d61782d6167653d313830300d0a4c4f434154494f4e3a20687474703a2f2f3139322e3136"
    "382e312e333a38302f646573632e786d6c0d0a4e543a2075706e703a726f6f746465766963650d0a4e54533a207373"
    "64703a616c6976650d0a5345525645523a204c696e75782f352e302055506e502f312e3020746573742f312e300d0a"
    "55534e3a20757569643a313233343a3a75706e703a726f6f746465766963650d0a0d0a";
/* 192.168.1.3:1900 -> 192.168.1.2:50000: HTTP/1.1 200 OK (CACHE-CONTROL,
 * EXT, LOCATION, SERVER, ST, USN), no Content-Length */
static const char *ok200 =
    "66778899aabb0011223344550800450000d700010000ff1137bfc0a80103c0a80102076cc35000c30000485454502f"
    "312e3120323030204f4b0d0a43414348452d434f4e54524f4c3a206d61782d6167653d313830300d0a4558543a0d0a"
    "4c4f434154494f4e3a20687474703a2f2f3139322e3136382e312e333a38302f646573632e786d6c0d0a5345525645"
    "523a204c696e75782f352e302055506e502f312e3020746573742f312e300d0a53543a2075706e703a726f6f746465"
    "766963650d0a55534e3a20757569643a313233343a3a75706e703a726f6f746465766963650d0a0d0a";

static void test_msearch(void) {
  dx_session *s = NULL;
  uint8_t b[512];
  dx_packet *p = tu_dissect(&s, 1, b, unhex(b, msearch));
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:udp:ssdp");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "SSDP");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "M-SEARCH * HTTP/1.1 ");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ssdp"), "Simple Service Discovery Protocol");
  CU_ASSERT_EQUAL(tu_count(p, "http"), 0);
  EXPECT(p, "http.request.method", "M-SEARCH");
  EXPECT(p, "http.request.uri", "*");
  EXPECT(p, "http.request.version", "HTTP/1.1");
  EXPECT(p, "http.host", "239.255.255.250:1900");
  EXPECT(p, "http.user_agent", "test/1.0");
  EXPECT(p, "http.request.full_uri", "http://239.255.255.250:1900*");
  EXPECT(p, "http.request", "1");
  EXPECT(p, "http.request_number", "1");
  CU_ASSERT_EQUAL(tu_count(p, "http.notification"), 0);
  dx_packet_free(p);
  /* the same client again: request 2 of its conversation, after frame 1 */
  p = tu_dissect(&s, 1, b, unhex(b, msearch));
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "http.request_number", "2");
  EXPECT(p, "http.prev_request_in", "1");
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_notify(void) {
  dx_session *s = NULL;
  uint8_t b[512];
  dx_packet *p = tu_dissect(&s, 1, b, unhex(b, notify));
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:udp:ssdp");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "SSDP");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "NOTIFY * HTTP/1.1 ");
  EXPECT(p, "http.request.method", "NOTIFY");
  EXPECT(p, "http.location", "http://192.168.1.3:80/desc.xml");
  EXPECT(p, "http.server", "Linux/5.0 UPnP/1.0 test/1.0");
  EXPECT(p, "http.cache_control", "max-age=1800");
  EXPECT(p, "http.request.full_uri", "http://239.255.255.250:1900*");
  /* a notification: no request, no request number */
  EXPECT(p, "http.notification", "1");
  CU_ASSERT_EQUAL(tu_count(p, "http.request"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "http.request_number"), 0);
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_ok(void) {
  dx_session *s = NULL;
  uint8_t b[512];
  dx_packet *p = tu_dissect(&s, 1, b, unhex(b, msearch));
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  dx_packet_free(p);
  p = tu_dissect(&s, 1, b, unhex(b, ok200));
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:udp:ssdp");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "SSDP");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "HTTP/1.1 200 OK ");
  EXPECT(p, "http.response", "1");
  EXPECT(p, "http.response.code", "200");
  EXPECT(p, "http.response.phrase", "OK");
  EXPECT(p, "http.location", "http://192.168.1.3:80/desc.xml");
  /* from the device's address: another conversation than the M-SEARCH to
   * the group, so no request matched (no http.request_in, no time) */
  EXPECT(p, "http.response_number", "1");
  CU_ASSERT_EQUAL(tu_count(p, "http.request_in"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "http.time"), 0);
  dx_packet_free(p);
  /* nothing of the response waits for more: the next datagram of that
   * conversation is a message of its own */
  p = tu_dissect(&s, 1, b, unhex(b, ok200));
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "http.response_number", "2");
  EXPECT(p, "http.prev_response_in", "2");
  dx_packet_free(p);
  dx_session_free(s);
}

/* every prefix of each datagram is safe and marked */
static void test_truncated(void) {
  const char *all[] = {msearch, notify, ok200};
  uint8_t b[512];
  for (int i = 0; i < 3; i++) {
    size_t n = unhex(b, all[i]);
    CU_ASSERT_EQUAL(tu_truncate_all(1, b, n), 0);
  }
}

/* An M-SEARCH cut by the snapshot length inside its version, after a whole
 * one of the same conversation: what is there of the line, "Continuation"
 * and SSDP in the columns (tshark 4.0 on such frames: M-SEARCH, *, "HTTP/",
 * SSDP, Continuation). */
static void test_cut_line(void) {
  uint8_t b[512];
  size_t n = unhex(b, msearch);
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  for (int i = 0; i < 2; i++) {
    dx_frame fr = {.ts_sec = 1700000000 + i,
                   .caplen = (uint32_t)(i ? 42 + 16 : n),
                   .wirelen = (uint32_t)n,
                   .linktype = 1,
                   .data = b};
    dx_packet *p = NULL;
    CU_ASSERT_EQUAL_FATAL(dx_session_dissect(s, &fr, &p), DX_OK);
    if (i) {
      EXPECT(p, "http.request.method", "M-SEARCH");
      EXPECT(p, "http.request.version", "HTTP/");
      CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "SSDP");
      CU_ASSERT_EQUAL(strncmp(dx_packet_info(p), "Continuation", 12), 0);
    }
    dx_packet_free(p);
  }
  dx_session_free(s);
}

/* A datagram to port 1900 that is no HTTP message, in a conversation
 * without a request: tshark 4.0 shows nothing of it but UDP's payload item
 * (no ssdp layer, no data layer; frame.protocols "eth:ethertype:ip:udp"). */
static void test_not_http(void) {
  uint8_t b[512];
  size_t n = unhex(b, msearch);
  memset(b + 42, 0x01, n - 42); /* (the UDP checksum is zero: not checked) */
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 1, b, n);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:udp");
  CU_ASSERT_EQUAL(tu_count(p, "data"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "udp.payload"), 1);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "UDP");
  dx_packet_free(p);
  dx_session_free(s);
}

static CU_TestInfo tests[] = {
    {"M-SEARCH: SSDP with HTTP's fields, numbered per conversation", test_msearch},
    {"NOTIFY: a notification, not a request", test_notify},
    {"200 OK over UDP from the device", test_ok},
    {"cut at every length", test_truncated},
    {"a line cut by the snapshot length", test_cut_line},
    {"not an HTTP message", test_not_http},
    CU_TEST_INFO_NULL,
};

int main(void) {
  return tu_run("ssdp", tests);
}
