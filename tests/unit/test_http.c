/* HTTP/1.x (RFC 9110, RFC 9112) from hand-made Ethernet/IPv4/TCP frames:
 * a handshake, then data segments with correct sequence numbers so that
 * tcp.c's reassembly delivers them. Expected values come from the RFCs,
 * from counting bytes by hand, and from tshark 4.0 run on the same frames
 * (TU_DUMP_PCAP=FILE writes them to a pcap). */
#include "appconn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__has_include)
#if __has_include(<zlib.h>)
#include <zlib.h>
#endif
#endif

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))

static conn C; /* big buffer: static */

static const char req_index[] = "GET /index.html HTTP/1.1\r\n"
                                "Host: www.example.test\r\n"
                                "User-Agent: curl/7.88.1\r\n"
                                "Accept: */*\r\n"
                                "\r\n";

/* ---- tests ------------------------------------------------------------------ */

/* A response of content type ct and body (n bytes) on a new connection:
 * the packet of the response (free it, then conn_close). */
static dx_packet *respond_on(uint16_t port, const char *ct, const char *body, size_t n) {
  conn_open(&C, port, 80);
  dx_packet_free(send_str(&C, 1, "GET /x HTTP/1.1\r\nHost: a\r\n\r\n"));
  char head[300];
  int k = snprintf(head, sizeof head,
                   "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %zu\r\n\r\n", ct, n);
  static uint8_t msg[4096];
  memcpy(msg, head, (size_t)k);
  memcpy(msg + k, body, n);
  return send_data(&C, 0, msg, (size_t)k + n);
}

#define RESPOND(port, ct, lit) respond_on((port), (ct), (lit), sizeof(lit) - 1)

/* multipart bodies (RFC 2046 5.1) as tshark 4.0's mime_multipart: the values
 * below were counted by hand and checked against tshark on the same
 * bytes (test_tshark_multipart compares many more bodies). */
static void test_multipart_body(void) {
  /* two parts, a preamble and an epilogue, a quoted boundary */
  dx_packet *p = RESPOND(40300, "multipart/form-data; boundary=\"a b\"",
                         "pre\r\n--a b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nv\r\n"
                         "--a b\r\nContent-Type: Text/Plain ; charset=utf-8\r\n\r\nhi\nthere\r\n"
                         "--a b--\r\nepi");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "mime_multipart.type", "multipart/form-data");
  CU_ASSERT_EQUAL(tu_count(p, "mime_multipart.part"), 2);
  EXPECT(p, "mime_multipart.header.content-disposition", "form-data;name=\"f\"");
  EXPECT(p, "mime_multipart.header.content-type", "Text/Plain;charset=utf-8");
  EXPECT(p, "mime_multipart.preamble", "7072650d0a"); /* "pre\r\n" */
  EXPECT(p, "mime_multipart.first_boundary", "--a b\\r\\n");
  EXPECT(p, "mime_multipart.boundary", "\\r\\n--a b\\r\\n");
  EXPECT(p, "mime_multipart.last_boundary", "\\r\\n--a b--\\r\\n");
  EXPECT(p, "mime_multipart.trailer", "657069"); /* "epi" */
  /* the first part has no type: data; the second its type's text lines */
  EXPECT(p, "data.len", "1");
  CU_ASSERT_EQUAL(tu_count(p, "data-text-lines"), 1);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:tcp:http:mime_multipart:data:data-text-lines");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "HTTP/1.1 200 OK  (text/plain)");
  CU_ASSERT_EQUAL(tu_any_flag(p, DX_NODE_MALFORMED), 0);
  dx_packet_free(p);
  conn_close(&C);

  /* LF line ends around boundaries; a boundary followed by more bytes on
   * its line ("--bbx") still ends a part; the close delimiter at the end
   * of a line; two parts of the same layer are two layers */
  p = RESPOND(
      40301, "multipart/mixed; boundary=bb",
      "--bb\r\nContent-Type: text/plain\r\n\r\none\n--bbx\r\nContent-Type: text/plain\r\n\r\n"
      "two--bb--\r\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(tu_count(p, "mime_multipart.part"), 2);
  EXPECT(p, "mime_multipart.boundary", "\\n--bbx\\r\\n");
  EXPECT(p, "mime_multipart.last_boundary", "--bb--\\r\\n");
  EXPECT(p, "frame.protocols",
         "eth:ethertype:ip:tcp:http:mime_multipart:data-text-lines:data-text-lines");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "HTTP/1.1 200 OK  (text/plain) (text/plain)");
  dx_packet_free(p);
  conn_close(&C);

  /* no boundary parameter: tshark's note, the body as data */
  p = RESPOND(40302, "multipart/mixed", "--bb\r\n\r\nx\r\n--bb--\r\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(tu_count(p, "mime_multipart.no_required_parameter"), 1);
  EXPECT(p, "data.len", "19");
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:tcp:http:mime_multipart:data");
  dx_packet_free(p);
  conn_close(&C);

  /* no close delimiter: the part after the first boundary stays empty */
  p = RESPOND(40303, "multipart/mixed; boundary=bb", "--bb\r\nContent-Type: text/plain\r\n\r\nx");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(tu_count(p, "mime_multipart.part"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "mime_multipart.header.content-type"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "mime_multipart.last_boundary"), 0);
  CU_ASSERT_EQUAL(tu_any_flag(p, DX_NODE_MALFORMED), 0);
  dx_packet_free(p);
  conn_close(&C);

  /* part headers that end in bare LFs: malformed, as tshark's exception */
  p = RESPOND(40304, "multipart/mixed; boundary=bb",
              "--bb\nContent-Type: text/plain\n\nx\n--bb--\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_NOT_EQUAL(tu_any_flag(p, DX_NODE_MALFORMED), 0);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "HTTP/1.1 200 OK [Malformed Packet]");
  dx_packet_free(p);
  conn_close(&C);

  /* a nested multipart, a JSON part (HTTP/JSON) and an empty text part
   * (its Info twice, no layer) */
  p = RESPOND(40305, "multipart/mixed; boundary=o",
              "--o\r\nContent-Type: multipart/alternative; boundary=i\r\n\r\n--i\r\n"
              "Content-Type: application/json\r\n\r\n{\"k\":1}\r\n--i--\r\n--o\r\n"
              "Content-Type: text/plain\r\n\r\n\r\n--o--\r\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(tu_count(p, "mime_multipart"), 2);
  EXPECT(p, "json.key", "k");
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:tcp:http:mime_multipart:mime_multipart:json");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "HTTP/JSON");
  CU_ASSERT_STRING_EQUAL(
      dx_packet_info(p),
      "HTTP/1.1 200 OK , JavaScript Object Notation (application/json) (text/plain) (text/plain)");
  dx_packet_free(p);
  conn_close(&C);

  /* deeper than the cap: the innermost multiparts are not walked */
  char deep[2048];
  size_t k = 0;
  for (int i = 0; i < 12; i++)
    k += (size_t)snprintf(deep + k, sizeof deep - k,
                          "--L%dZ\r\nContent-Type: multipart/mixed; boundary=L%dZ\r\n\r\n", i,
                          i + 1);
  k += (size_t)snprintf(deep + k, sizeof deep - k, "--L12Z\r\n\r\nx\r\n--L12Z--");
  for (int i = 11; i >= 0; i--)
    k += (size_t)snprintf(deep + k, sizeof deep - k, "\r\n--L%dZ--", i);
  p = respond_on(40306, "multipart/mixed; boundary=L0Z", deep, k);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(tu_count(p, "mime_multipart"), 8 + 1);
  CU_ASSERT_EQUAL(tu_count(p, "_ws.limit"), 1);
  dx_packet_free(p);
  conn_close(&C);

  /* every prefix of a body: never a crash (ASan), never a hang */
  static const char body[] =
      "pre\r\n--bb\r\nContent-Type: text/plain;\r\n charset=x\r\nc: text/html"
      "\r\nX-A: 1\r\n\r\n<b>x</b>\r\n--bb\r\nContent-Type: application/dns-"
      "message\r\n\r\n\xab\xcd\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
      "\x01"
      "a\x00\x00\x01\x00\x01\r\n--bb--\r\nepilogue";
  for (size_t n = 0; n < sizeof body - 1; n++) {
    p = respond_on((uint16_t)(40400 + n), "multipart/mixed; boundary=bb", body, n);
    CU_ASSERT_PTR_NOT_NULL(p);
    dx_packet_free(p);
    conn_close(&C);
  }
}

/* application/dns-message (RFC 8484) as a DNS message: DoH in the Protocol
 * column, DNS's Info, the answer matched with its query on the same
 * connection (values as tshark 4.0's on the same bytes) */
static void test_doh_body(void) {
  static const uint8_t q[] = {0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
                              0x00, 0x00, 0x01, 'a',  0x00, 0x00, 0x01, 0x00, 0x01};
  static const uint8_t a[] = {0x00, 0x00, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00,
                              0x00, 0x00, 0x00, 0x01, 'a',  0x00, 0x00, 0x01, 0x00,
                              0x01, 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
                              0x00, 0x3c, 0x00, 0x04, 0x0a, 0x00, 0x00, 0x01};
  uint8_t msg[512];
  conn_open(&C, 40500, 443);
  int k = snprintf((char *)msg, sizeof msg,
                   "POST /dns-query HTTP/1.1\r\nHost: a\r\nContent-Type: application/dns-message"
                   "\r\nContent-Length: %zu\r\n\r\n",
                   sizeof q);
  memcpy(msg + k, q, sizeof q);
  dx_packet *p = send_data(&C, 1, msg, (size_t)k + sizeof q);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  uint64_t qframe = dx_packet_number(p);
  EXPECT(p, "dns.qry.name", "a");
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:tcp:http:dns");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "DoH");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Standard query 0x0000 A a");
  dx_packet_free(p);
  k = snprintf((char *)msg, sizeof msg,
               "HTTP/1.1 200 OK\r\nContent-Type: application/dns-message\r\nContent-Length: %zu"
               "\r\n\r\n",
               sizeof a);
  memcpy(msg + k, a, sizeof a);
  p = send_data(&C, 0, msg, (size_t)k + sizeof a);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "dns.a", "10.0.0.1");
  char want[32];
  snprintf(want, sizeof want, "%llu", (unsigned long long)qframe);
  EXPECT(p, "dns.response_to", want);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Standard query response 0x0000 A a A 10.0.0.1");
  dx_packet_free(p);
  conn_close(&C);
}

static void test_request(void) {
  conn_open(&C, 40000, 80);
  dx_packet *p = send_str(&C, 1, req_index);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(dx_packet_number(p), 4);
  EXPECT(p, "http.request", "1");
  EXPECT(p, "http.request.method", "GET");
  EXPECT(p, "http.request.uri", "/index.html");
  EXPECT(p, "http.request.version", "HTTP/1.1");
  EXPECT(p, "http.host", "www.example.test");
  EXPECT(p, "http.user_agent", "curl/7.88.1");
  EXPECT(p, "http.accept", "*/*");
  EXPECT(p, "http.request.full_uri", "http://www.example.test/index.html");
  EXPECT(p, "http.request_number", "1");
  /* One http.request.line per header line, CR LF included (as tshark). */
  CU_ASSERT_EQUAL(tu_count(p, "http.request.line"), 3);
  EXPECT(p, "http.request.line", "Host: www.example.test\\r\\n");
  CU_ASSERT_EQUAL(tu_count(p, "http.response"), 0);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "HTTP");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "GET /index.html HTTP/1.1 ");
  CU_ASSERT_FALSE(tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  conn_close(&C);
}

static void test_response_content_length(void) {
  conn_open(&C, 40001, 80);
  dx_packet *p = send_str(&C, 1, req_index);
  uint64_t req_frame = dx_packet_number(p);
  dx_packet_free(p);
  p = send_str(&C, 0,
               "HTTP/1.1 200 OK\r\n"
               "Server: nginx\r\n"
               "Content-Type: text/html\r\n"
               "Content-Length: 13\r\n"
               "Connection: keep-alive\r\n"
               "\r\n"
               "<html></html>");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "http.response", "1");
  EXPECT(p, "http.response.version", "HTTP/1.1");
  EXPECT(p, "http.response.code", "200");
  EXPECT(p, "http.response.code.desc", "OK");
  EXPECT(p, "http.response.phrase", "OK");
  EXPECT(p, "http.server", "nginx");
  EXPECT(p, "http.content_type", "text/html");
  EXPECT(p, "http.content_length_header", "13");
  EXPECT(p, "http.content_length", "13");
  EXPECT(p, "http.connection", "keep-alive");
  EXPECT(p, "http.file_data", "<html></html>");
  EXPECT(p, "http.response_number", "1");
  char want[16];
  snprintf(want, sizeof want, "%llu", (unsigned long long)req_frame);
  EXPECT(p, "http.request_in", want);
  /* frames are 100 us apart */
  EXPECT(p, "http.time", "0.000100000");
  EXPECT(p, "http.response_for.uri", "http://www.example.test/index.html");
  CU_ASSERT_EQUAL(tu_count(p, "http.response.line"), 4);
  CU_ASSERT_EQUAL(tu_count(p, "data-text-lines"), 1);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "HTTP/1.1 200 OK  (text/html)");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "HTTP");
  dx_packet_free(p);
  conn_close(&C);
}

static void test_split_header(void) {
  conn_open(&C, 40002, 80);
  dx_packet *p = send_str(&C, 1, "GET /a HTTP/1.1\r\nHo");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(tu_count(p, "http.request.method"), 0);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "TCP");
  /* as tshark: the request line, then tcp's note */
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "GET /a HTTP/1.1  [TCP segment of a reassembled PDU]");
  dx_packet_free(p);
  p = send_str(&C, 1, "st: example.test\r\n\r\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "http.request.method", "GET");
  EXPECT(p, "http.host", "example.test");
  EXPECT(p, "http.request.full_uri", "http://example.test/a");
  /* 19 + 20 bytes */
  CU_ASSERT(find_source(p, "Reassembled TCP (39 bytes)") > 0);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "GET /a HTTP/1.1 ");
  dx_packet_free(p);
  conn_close(&C);
}

static void test_body_three_segments(void) {
  conn_open(&C, 40003, 80);
  dx_packet_free(send_str(&C, 1, "GET /big HTTP/1.1\r\nHost: h\r\n\r\n"));
  static const char hdr[] = "HTTP/1.1 200 OK\r\n"
                            "Content-Type: application/octet-stream\r\n"
                            "Content-Length: 3000\r\n"
                            "\r\n";
  uint8_t body[3000];
  for (size_t i = 0; i < sizeof body; i++)
    body[i] = (uint8_t)(i * 7);
  uint8_t all[sizeof hdr - 1 + sizeof body];
  memcpy(all, hdr, sizeof hdr - 1);
  memcpy(all + sizeof hdr - 1, body, sizeof body);
  size_t total = sizeof all, s1 = 1000, s2 = 1200;
  dx_packet *p = send_data(&C, 0, all, s1);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(tu_count(p, "http.response.code"), 0);
  /* tshark shows the status line while it waits for the body */
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "HTTP/1.1 200 OK  [TCP segment of a reassembled PDU]");
  dx_packet_free(p);
  p = send_data(&C, 0, all + s1, s2);
  CU_ASSERT_EQUAL(tu_count(p, "http.response.code"), 0);
  dx_packet_free(p);
  p = send_data(&C, 0, all + s1 + s2, total - s1 - s2);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "http.response.code", "200");
  EXPECT(p, "http.content_length", "3000");
  char name[64];
  snprintf(name, sizeof name, "Reassembled TCP (%zu bytes)", total);
  int src = find_source(p, name);
  CU_ASSERT(src > 0);
  if (src > 0) {
    size_t len = 0;
    const uint8_t *d = dx_packet_source_data(p, (size_t)src, &len);
    CU_ASSERT_EQUAL(len, total);
    CU_ASSERT(d && memcmp(d, all, total) == 0);
  }
  /* application/octet-stream: a data layer, as tshark's media-type table
   * gives it, and (as tshark) no media type in Info */
  CU_ASSERT_EQUAL(tu_count(p, "data"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "media"), 0);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "HTTP/1.1 200 OK ");
  /* http.file_data is a string: it stops at the body's first byte, a NUL
   * (tshark prints it empty too) */
  CU_ASSERT_EQUAL(tu_count(p, "http.file_data"), 1);
  EXPECT(p, "http.file_data", "");
  dx_packet_free(p);
  conn_close(&C);
}

static void test_chunked(void) {
  conn_open(&C, 40004, 80);
  dx_packet_free(send_str(&C, 1, "GET /c HTTP/1.1\r\nHost: h\r\n\r\n"));
  dx_packet *p = send_str(&C, 0,
                          "HTTP/1.1 200 OK\r\n"
                          "Content-Type: text/plain\r\n"
                          "Transfer-Encoding: chunked\r\n"
                          "\r\n"
                          "5\r\nhello\r\n"
                          "7;ext=1\r\n, world\r\n"
                          "0\r\n\r\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "http.transfer_encoding", "chunked");
  /* two data chunks and the last chunk, each with a size */
  CU_ASSERT_EQUAL(tu_count(p, "http.chunk_size"), 3);
  EXPECT(p, "http.chunk_size", "5");
  CU_ASSERT_EQUAL(tu_count(p, "http.chunk_data"), 2);
  EXPECT(p, "http.chunk_data", "68656c6c6f");
  EXPECT(p, "http.chunk_boundary", "0d0a");
  int src = find_source(p, "De-chunked entity body (12 bytes)");
  CU_ASSERT(src > 0);
  if (src > 0) {
    size_t len = 0;
    const uint8_t *d = dx_packet_source_data(p, (size_t)src, &len);
    CU_ASSERT_EQUAL(len, 12);
    CU_ASSERT(d && memcmp(d, "hello, world", 12) == 0);
  }
  EXPECT(p, "http.file_data", "hello, world");
  CU_ASSERT_FALSE(tu_any_flag(p, DX_NODE_MALFORMED));
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "HTTP/1.1 200 OK  (text/plain)");
  dx_packet_free(p);

  /* The same body split inside the chunk data and inside the last chunk. */
  dx_packet_free(send_str(&C, 1, "GET /c HTTP/1.1\r\nHost: h\r\n\r\n"));
  p = send_str(&C, 0, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel");
  CU_ASSERT_EQUAL(tu_count(p, "http.response.code"), 0);
  dx_packet_free(p);
  p = send_str(&C, 0, "lo\r\n7\r\n, world\r\n0\r");
  CU_ASSERT_EQUAL(tu_count(p, "http.response.code"), 0);
  dx_packet_free(p);
  p = send_str(&C, 0, "\n\r\n");
  EXPECT(p, "http.response.code", "200");
  CU_ASSERT(find_source(p, "De-chunked entity body (12 bytes)") > 0);
  EXPECT(p, "http.response_number", "2");
  dx_packet_free(p);
  conn_close(&C);
}

static void test_bad_chunk(void) {
  static const char *const bad[] = {"zz\r\nhello\r\n0\r\n\r\n", "-5\r\nhello\r\n0\r\n\r\n",
                                    "FFFFFFFFFF\r\nhello\r\n0\r\n\r\n", "5\r\nhelloXX0\r\n\r\n"};
  for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
    conn_open(&C, (uint16_t)(40010 + i), 80);
    dx_packet_free(send_str(&C, 1, "GET /c HTTP/1.1\r\nHost: h\r\n\r\n"));
    char msg[256];
    snprintf(msg, sizeof msg, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n%s", bad[i]);
    dx_packet *p = send_str(&C, 0, msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    EXPECT(p, "http.response.code", "200");
    CU_ASSERT_TRUE(tu_any_flag(p, DX_NODE_MALFORMED));
    CU_ASSERT_EQUAL(find_source(p, "De-chunked"), -1);
    dx_packet_free(p);
    /* The connection goes on. */
    p = send_str(&C, 1, "GET /d HTTP/1.1\r\nHost: h\r\n\r\n");
    EXPECT(p, "http.request.uri", "/d");
    dx_packet_free(p);
    conn_close(&C);
  }
}

static void test_pipelined(void) {
  conn_open(&C, 40020, 80);
  dx_packet *p = send_str(&C, 1,
                          "GET /one HTTP/1.1\r\nHost: h\r\n\r\n"
                          "GET /two HTTP/1.1\r\nHost: h\r\n\r\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  uint64_t reqf = dx_packet_number(p);
  CU_ASSERT_EQUAL(tu_count(p, "http.request.method"), 2);
  CU_ASSERT_EQUAL(tu_count(p, "http"), 2);
  CU_ASSERT_EQUAL(tu_count(p, "http.request_number"), 2);
  /* tshark: "GET /one HTTP/1.1 GET /two HTTP/1.1 " */
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "GET /one HTTP/1.1 GET /two HTTP/1.1 ");
  const dx_node *n = dx_packet_find_name(p, "http.request.uri");
  CU_ASSERT_STRING_EQUAL(dx_node_str(n), "/one");
  n = dx_packet_find_next(p, n);
  CU_ASSERT_STRING_EQUAL(dx_node_str(n), "/two");
  EXPECT(p, "http.prev_request_in", "4");
  dx_packet_free(p);
  /* Both responses in one segment: each matched to its request. */
  p = send_str(&C, 0,
               "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none"
               "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(tu_count(p, "http.response.code"), 2);
  CU_ASSERT_EQUAL(tu_count(p, "http.request_in"), 2);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "HTTP/1.1 200 OK HTTP/1.1 404 Not Found ");
  char want[16];
  snprintf(want, sizeof want, "%llu", (unsigned long long)reqf);
  EXPECT(p, "http.request_in", want);
  n = dx_packet_find_name(p, "http.response_for.uri");
  CU_ASSERT_STRING_EQUAL(dx_node_str(n), "http://h/one");
  n = dx_packet_find_next(p, n);
  CU_ASSERT_STRING_EQUAL(dx_node_str(n), "http://h/two");
  n = dx_packet_find_name(p, "http.response.code.desc");
  n = dx_packet_find_next(p, n);
  CU_ASSERT_STRING_EQUAL(dx_node_str(n), "Not Found");
  dx_packet_free(p);
  conn_close(&C);
}

static void test_matching(void) {
  conn_open(&C, 40021, 8080);
  dx_packet *p = send_str(&C, 1, "GET /x HTTP/1.1\r\nHost: h\r\n\r\n");
  uint64_t f1 = dx_packet_number(p);
  dx_packet_free(p);
  p = send_str(&C, 0, "HTTP/1.1 204 No Content\r\n\r\n");
  uint64_t f2 = dx_packet_number(p);
  char want[16];
  snprintf(want, sizeof want, "%llu", (unsigned long long)f1);
  EXPECT(p, "http.request_in", want);
  EXPECT(p, "http.response.code.desc", "No Content");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "HTTP/1.1 204 No Content ");
  dx_packet_free(p);
  p = send_str(&C, 1, "HEAD /y HTTP/1.1\r\nHost: h\r\n\r\n");
  uint64_t f3 = dx_packet_number(p);
  EXPECT(p, "http.request_number", "2");
  EXPECT(p, "http.prev_request_in", want);
  dx_packet_free(p);
  /* A HEAD response has no body even with a Content-Length. */
  p = send_str(&C, 0,
               "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\nContent-Type: text/plain\r\n\r\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  snprintf(want, sizeof want, "%llu", (unsigned long long)f3);
  EXPECT(p, "http.request_in", want);
  snprintf(want, sizeof want, "%llu", (unsigned long long)f2);
  EXPECT(p, "http.prev_response_in", want);
  EXPECT(p, "http.response_number", "2");
  CU_ASSERT_EQUAL(tu_count(p, "http.file_data"), 0);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "HTTP/1.1 200 OK ");
  dx_packet_free(p);
  /* The next request is parsed as a request, not as a body. */
  p = send_str(&C, 1, "GET /z HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT(p, "http.request.uri", "/z");
  dx_packet_free(p);
  conn_close(&C);
}

/* The server's 200 response of type ctype with Content-Encoding enc and
 * body[0, n) (Content-Length n), in one segment. */
static dx_packet *send_coded(conn *c, const char *ctype, const char *enc, const void *body,
                             size_t n) {
  static char msg[65536];
  int h = snprintf(msg, sizeof msg,
                   "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Encoding: %s\r\n"
                   "Content-Length: %zu\r\n\r\n",
                   ctype, enc, n);
  CU_ASSERT_FATAL(h > 0 && (size_t)h + n <= sizeof msg);
  memcpy(msg + h, body, n);
  return send_data(c, 0, msg, (size_t)h + n);
}

/* "hello, brotli body\n" compressed by libbrotlienc (BrotliEncoderCompress,
 * quality 11, window 22), a second implementation beside the decoder */
static const uint8_t br_body[] = {0x0b, 0x09, 0x80, 0x68, 0x65, 0x6c, 0x6c, 0x6f,
                                  0x2c, 0x20, 0x62, 0x72, 0x6f, 0x74, 0x6c, 0x69,
                                  0x20, 0x62, 0x6f, 0x64, 0x79, 0x0a, 0x03};

/* Content-Encoding: br in HTTP/1.1, decoded as tshark decodes it
 * (Wireshark's http-brotli.pcapng: "Content-encoded entity body (br): 52
 * bytes -> 66 bytes"), and a broken stream noted with the body kept. */
static void test_brotli(void) {
  conn_open(&C, 40031, 80);
  dx_packet_free(send_str(&C, 1, "GET /b HTTP/1.1\r\nHost: h\r\nAccept-Encoding: br\r\n\r\n"));
  dx_packet *p = send_coded(&C, "text/plain", "br", br_body, sizeof br_body);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "http.content_encoding", "br");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "http.content_encoded_body"),
                         "Content-encoded entity body (br): 23 bytes -> 19 bytes");
  int src = find_source(p, "Uncompressed entity body (19 bytes)");
  CU_ASSERT(src > 0);
  EXPECT(p, "http.file_data", "hello, brotli body\\n"); /* -T fields escapes the newline */
  dx_packet_free(p);
  /* cut short: the stream ends early */
  dx_packet_free(send_str(&C, 1, "GET /b HTTP/1.1\r\nHost: h\r\n\r\n"));
  p = send_coded(&C, "text/plain", "br", br_body, sizeof br_body - 1);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(find_source(p, "Uncompressed"), -1);
  CU_ASSERT_EQUAL(tu_count(p, "http.decompression_failed"), 1);
  dx_packet_free(p);
  conn_close(&C);
}

/* 20 MiB of zero bytes compressed by libbrotlienc (BrotliEncoderCompress,
 * quality 11, window 22): 40 bytes that would decompress to 20,971,520. */
static const uint8_t br_bomb[] = {0xcb, 0xff, 0xff, 0x3f, 0xf8, 0x27, 0x00, 0xe2, 0xb1, 0x40,
                                  0x20, 0xf7, 0xfe, 0x8f, 0xff, 0xff, 0x7f, 0xf0, 0x4f, 0x00,
                                  0xc4, 0x61, 0x11, 0x80, 0xee, 0xfd, 0x5f, 0xfe, 0xff, 0xff,
                                  0xe0, 0x9f, 0x00, 0x88, 0xc3, 0x02, 0x00, 0xdd, 0xfb, 0x1f};

/* Decompression bombs: a body that decompresses past the cap on
 * decompressed bodies (the per-direction stream cap, 16 MiB by default) is
 * cut there with a note; nothing grows past the cap. Brotli (40 bytes ->
 * 20 MiB) and, where zlib is there, deflate (compressed here with zlib:
 * about 20 KiB -> 20 MiB). */
static void test_bombs(void) {
  conn_open(&C, 40032, 80);
  dx_packet_free(send_str(&C, 1, "GET /b HTTP/1.1\r\nHost: h\r\n\r\n"));
  dx_packet *p = send_coded(&C, "application/octet-stream", "br", br_bomb, sizeof br_bomb);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(tu_label(p, "http.content_encoded_body"),
                         "Content-encoded entity body (br): 40 bytes -> 16777216 bytes");
  CU_ASSERT(find_source(p, "Uncompressed entity body (16777216 bytes)") > 0);
  int cut = 0;
  for (int i = 0; i < tu_count(p, "_ws.expert.message"); i++)
    cut +=
        strcmp(tu_nth(p, "_ws.expert.message", i),
               "[Decompressed body cut at 16777216 bytes (the cap on decompressed bodies)]") == 0;
  CU_ASSERT_EQUAL(cut, 1);
  dx_packet_free(p);
#if defined(__has_include)
#if __has_include(<zlib.h>)
  size_t raw = 20u << 20;
  uint8_t *zeros = calloc(1, raw);
  uLongf zn = 60000;
  uint8_t *z = malloc(zn);
  CU_ASSERT_FATAL(zeros && z && compress2(z, &zn, zeros, raw, 9) == Z_OK);
  dx_packet_free(send_str(&C, 1, "GET /d HTTP/1.1\r\nHost: h\r\n\r\n"));
  p = send_coded(&C, "application/octet-stream", "deflate", z, zn);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  char want[128];
  snprintf(want, sizeof want, "Content-encoded entity body (deflate): %lu bytes -> 16777216 bytes",
           (unsigned long)zn);
  CU_ASSERT_STRING_EQUAL(tu_label(p, "http.content_encoded_body"), want);
  CU_ASSERT(find_source(p, "Uncompressed entity body (16777216 bytes)") > 0);
  dx_packet_free(p);
  free(zeros);
  free(z);
#endif
#endif
  conn_close(&C);
}

/* printf 'hello' | gzip -n | xxd -i */
static const uint8_t gz_hello[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                   0x03, 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x86,
                                   0xa6, 0x10, 0x36, 0x05, 0x00, 0x00, 0x00};

static void test_gzip(void) {
  conn_open(&C, 40030, 80);
  dx_packet_free(send_str(&C, 1, "GET /g HTTP/1.1\r\nHost: h\r\nAccept-Encoding: gzip\r\n\r\n"));
  dx_packet *p = send_coded(&C, "text/plain", "gzip", gz_hello, sizeof gz_hello);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "http.content_encoding", "gzip");
  EXPECT(p, "http.content_length", "25");
#if defined(__has_include)
#if __has_include(<zlib.h>)
  int src = find_source(p, "Uncompressed entity body (5 bytes)");
  CU_ASSERT(src > 0);
  if (src > 0) {
    size_t len = 0;
    const uint8_t *d = dx_packet_source_data(p, (size_t)src, &len);
    CU_ASSERT(len == 5 && d && memcmp(d, "hello", 5) == 0);
  }
  EXPECT(p, "http.file_data", "hello");
#endif
#endif
  dx_packet_free(p);

  /* Corrupt gzip: an expert note, the raw body kept. */
  dx_packet_free(send_str(&C, 1, "GET /g HTTP/1.1\r\nHost: h\r\n\r\n"));
  uint8_t bad[sizeof gz_hello];
  memcpy(bad, gz_hello, sizeof bad);
  bad[10] = 0xff;
  bad[11] = 0xff;
  p = send_coded(&C, "text/plain", "gzip", bad, sizeof bad);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "http.response.code", "200");
  CU_ASSERT_EQUAL(find_source(p, "Uncompressed"), -1);
  CU_ASSERT_EQUAL(tu_count(p, "http.decompression_failed"), 1);
  /* the raw body as bytes, no file data (as tshark); Info "HTTP/1.1 200 OK " */
  CU_ASSERT_EQUAL(tu_count(p, "http.file_data"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "media.type"), 1);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "HTTP/1.1 200 OK ");
  dx_packet_free(p);
  conn_close(&C);
}

static void test_chunked_gzip(void) {
  conn_open(&C, 40031, 80);
  dx_packet_free(send_str(&C, 1, "GET /g HTTP/1.1\r\nHost: h\r\n\r\n"));
  char msg[512];
  int h = snprintf(msg, sizeof msg,
                   "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n%zx\r\n",
                   sizeof gz_hello);
  memcpy(msg + h, gz_hello, sizeof gz_hello);
  memcpy(msg + h + sizeof gz_hello, "\r\n0\r\n\r\n", 7);
  dx_packet *p = send_data(&C, 0, msg, (size_t)h + sizeof gz_hello + 7);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT(find_source(p, "De-chunked entity body (25 bytes)") > 0);
#if defined(__has_include)
#if __has_include(<zlib.h>)
  CU_ASSERT(find_source(p, "Uncompressed entity body (5 bytes)") > 0);
  EXPECT(p, "http.file_data", "hello");
#endif
#endif
  dx_packet_free(p);
  conn_close(&C);
}

static void test_truncation(void) {
  uint8_t b[400];
  size_t n = tf_tcp(b, 1, 40040, 80, 1000, 5000, TF_PSH | TF_ACK, 64240, NULL, 0,
                    (const uint8_t *)req_index, strlen(req_index));
  CU_ASSERT_EQUAL(tu_truncate_all(1, b, n), 0);
  /* The whole frame on its own (no handshake) is still dissected. */
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 1, b, n);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "http.request.method", "GET");
  EXPECT(p, "http.host", "www.example.test");
  dx_packet_free(p);
  dx_session_free(s);
}

static dx_packet *send_cut(conn *c, int c2s, const char *data, size_t keep) {
  return send_seg(c, c2s, data, strlen(data), keep);
}

/* A first line cut by the snapshot length: tshark 4.0 reads what is there
 * as the line (the version as far as it goes), says Continuation in a
 * connection that has had a request, and leaves TCP's columns otherwise
 * (checked with tshark on the same frames, and on Wireshark's
 * communityid.pcap frame 93: "GET /images/sf.net_box.gif HTT"). */
static void test_cut_first_line(void) {
  conn_open(&C, 40045, 80);
  dx_packet *p = send_cut(&C, 1, "GET /images/sf.net_box.gif HTTP/1.1\r\nHost: x\r\n\r\n", 30);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "http.request.method", "GET");
  EXPECT(p, "http.request.uri", "/images/sf.net_box.gif");
  EXPECT(p, "http.request.version", "HTT");
  EXPECT(p, "http.request_number", "1");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "TCP");
  CU_ASSERT_PTR_NOT_NULL(strstr(dx_packet_info(p), "[Packet size limited during capture]"));
  CU_ASSERT_PTR_NOT_NULL(strstr(dx_packet_info(p), "Len=48"));
  dx_packet_free(p);
  /* the response's status line cut in its phrase: matched to the request */
  p = send_cut(&C, 0, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 14);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "http.response.code", "200");
  EXPECT(p, "http.response.phrase", "O");
  EXPECT(p, "http.response_number", "1");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "HTTP");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Continuation[Packet size limited during capture]");
  dx_packet_free(p);
  /* cut in the version: what is there of "HTTP/"; cut in the URI: the URI
   * as far as it goes, no version */
  p = send_cut(&C, 1, "GET /d HTTP/1.1\r\nHost: x\r\n\r\n", 9);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "http.request.version", "HT");
  EXPECT(p, "http.request_number", "2");
  dx_packet_free(p);
  p = send_cut(&C, 1, "GET /abcdef HTTP/1.1\r\n\r\n", 8);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "http.request.uri", "/abc");
  EXPECT(p, "http.request_number", "3");
  CU_ASSERT_EQUAL(tu_count(p, "http.request.version"), 0);
  dx_packet_free(p);
  conn_close(&C);
}

static void test_heuristic_other_port(void) {
  conn_open(&C, 40050, 12345);
  dx_packet *p = send_str(&C, 1,
                          "POST /api HTTP/1.0\r\nContent-Type: application/json\r\n"
                          "Content-Length: 2\r\n\r\n{}");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "http.request.method", "POST");
  EXPECT(p, "http.file_data", "{}");
  /* (tshark's json dissector appends its name in Info) */
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "POST /api HTTP/1.0 , JavaScript Object Notation (application/json)");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "HTTP/JSON");
  dx_packet_free(p);
  conn_close(&C);

  /* Not HTTP on an unregistered port: left alone. */
  conn_open(&C, 40051, 12346);
  p = send_str(&C, 1, "HELLO there\r\n");
  CU_ASSERT_EQUAL(tu_count(p, "http"), 0);
  dx_packet_free(p);
  conn_close(&C);
}

/* The server's FIN (with data or not) on the server's side. */
static dx_packet *send_fin(conn *c, const char *data) {
  size_t len = strlen(data);
  size_t n = tf_tcp(c->buf, 0, c->cport, c->sport, c->sseq, c->cseq, TF_FIN | TF_PSH | TF_ACK,
                    65160, NULL, 0, (const uint8_t *)data, len);
  c->sseq += (uint32_t)len + 1;
  return tf_feed(c->s, c->buf, n, c->usec += 100);
}

/* A response without Content-Length or chunked coding: its body runs to the
 * end of the connection (RFC 9112 6.3 item 8), and tshark 4.0 keeps it until
 * the server's FIN and shows it there, whole. Checked with tshark on the
 * same segments written as a pcap (a FIN without data, with data, and a
 * response in the FIN segment itself: the same Info, tcp.segment list
 * "#5(364), #6(240), #7(0)" with "[Frame: 7 (no data)]", and file_data). */
static void test_body_until_close(void) {
  conn_open(&C, 40060, 80);
  dx_packet_free(send_str(&C, 1, "GET / HTTP/1.0\r\n\r\n"));
  dx_packet *p = send_str(&C, 0, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nfirst part\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(tu_count(p, "http.response.code"), 0);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "HTTP/1.0 200 OK  [TCP segment of a reassembled PDU]");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "TCP");
  dx_packet_free(p);
  p = send_str(&C, 0, "HTTP/1.0 200 OK\r\nsecond part\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(tu_count(p, "http.response.code"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.segment_data"), 1);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "TCP");
  dx_packet_free(p);
  /* the FIN, without data: the response, whole, over "Reassembled TCP" */
  p = send_fin(&C, "");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "http.response.code", "200");
  EXPECT(p, "http.file_data", "first part\\nHTTP/1.0 200 OK\\r\\nsecond part\\n");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.segment"), 3);
  CU_ASSERT_EQUAL(tu_count(p, "http.response.line"), 1);
  CU_ASSERT(find_source(p, "Reassembled TCP") >= 0);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "HTTP/1.0 200 OK  (text/plain)");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "HTTP");
  dx_packet_free(p);
  conn_close(&C);

  /* the FIN brings the last bytes: no payload items of its own, as tshark */
  conn_open(&C, 40061, 80);
  dx_packet_free(send_str(&C, 1, "GET / HTTP/1.0\r\n\r\n"));
  dx_packet_free(send_str(&C, 0, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nab"));
  p = send_fin(&C, "cd");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "http.file_data", "abcd");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.segment"), 2);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.payload"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.segment_data"), 0);
  dx_packet_free(p);
  conn_close(&C);

  /* a response in the FIN segment: shown there (nothing more will come) */
  conn_open(&C, 40062, 80);
  dx_packet_free(send_str(&C, 1, "GET / HTTP/1.0\r\n\r\n"));
  p = send_fin(&C, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "http.file_data", "all");
  CU_ASSERT_EQUAL(tu_count(p, "_ws.limit"), 0);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "HTTP/1.0 200 OK  (text/plain)");
  dx_packet_free(p);
  conn_close(&C);

  /* no FIN in the capture (the client resets): never shown, as tshark
   * (nDPI's EAQ.pcap, frame 15) */
  conn_open(&C, 40063, 80);
  dx_packet_free(send_str(&C, 1, "GET / HTTP/1.0\r\n\r\n"));
  p = send_str(&C, 0, "HTTP/1.0 200 OK\r\n\r\nbody");
  CU_ASSERT_EQUAL(tu_count(p, "http"), 0);
  dx_packet_free(p);
  conn_close(&C);
}

/* The per-direction cap ends a body kept until the FIN: what was kept is
 * shown when the next bytes do not fit (with a note), the rest follows as
 * continuation; nothing is lost and memory stays bounded. (tshark has no
 * such cap: this is dissect's own rule, documented in stream.c.) */
static void test_body_until_close_cap(void) {
  dx_config cfg;
  dx_config_init(&cfg);
  cfg.max_stream_bytes = 4096;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&C.s, &cfg), DX_OK);
  conn_open(&C, 40064, 80);
  dx_packet_free(send_str(&C, 1, "GET / HTTP/1.0\r\n\r\n"));
  static char big[3000];
  memset(big, 'x', sizeof big - 1);
  dx_packet *p = send_str(&C, 0, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n");
  CU_ASSERT_EQUAL(tu_count(p, "http.response.code"), 0);
  dx_packet_free(p);
  p = send_str(&C, 0, big); /* 2,999 + 44 held */
  CU_ASSERT_EQUAL(tu_count(p, "http.response.code"), 0);
  dx_packet_free(p);
  p = send_str(&C, 0, big); /* does not fit: the response as kept, then this as continuation */
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "http.response.code", "200");
  CU_ASSERT_EQUAL(tu_count(p, "http.file_data"), 2);
  CU_ASSERT(tu_count(p, "_ws.limit") >= 1);
  dx_packet_free(p);
  p = send_fin(&C, "end");
  CU_ASSERT_EQUAL(tu_count(p, "http.response.code"), 0);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Continuation");
  dx_packet_free(p);
  conn_close(&C);
}

/* The request line's words as tshark 4.0 cuts them (packet-http.c's
 * basic_request_dissector, checked with tshark on these frames and on
 * nDPI's WebattackRCE.pcap and http-manipulated.pcap): the URI ends at
 * its first space and the version is the rest of the line; after two or
 * more spaces behind the method the URI is empty. */
static void test_request_line_words(void) {
  conn_open(&C, 40071, 80);
  dx_packet *p = send_str(&C, 1, "GET /a;cat /etc/passwd|?x=1 HTTP/1.1\r\nHost: h.test\r\n\r\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "http.request.method", "GET");
  EXPECT(p, "http.request.uri", "/a;cat");
  EXPECT(p, "http.request.version", "/etc/passwd|?x=1 HTTP/1.1");
  EXPECT(p, "http.request.full_uri", "http://h.test/a;cat");
  dx_packet_free(p);
  p = send_str(&C, 1, "GET   /b HTTP/1.1\r\nHost: h.test:8080\r\n\r\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "http.request.method", "GET");
  CU_ASSERT_EQUAL(tu_count(p, "http.request.uri"), 1);
  EXPECT(p, "http.request.uri", "");
  EXPECT(p, "http.request.version", "/b HTTP/1.1");
  EXPECT(p, "http.host", "h.test:8080");
  EXPECT(p, "http.request.full_uri", "http://h.test:8080");
  dx_packet_free(p);
  /* one space: the usual words */
  p = send_str(&C, 1, "GET /c HTTP/1.1\r\nHost: h.test\r\n\r\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "http.request.uri", "/c");
  EXPECT(p, "http.request.version", "HTTP/1.1");
  dx_packet_free(p);
  conn_close(&C);
}

static void test_uri_and_headers(void) {
  conn_open(&C, 40070, 80);
  dx_packet *p = send_str(&C, 1,
                          "GET /search?q=cats&lang=en HTTP/1.1\r\n"
                          "Host: example.test\r\n"
                          "Cookie: a=1; b=2\r\n"
                          "Authorization: Basic dXNlcjpwYXNz\r\n"
                          "Referer: http://example.test/\r\n"
                          "X-Custom: 42\r\n"
                          "\r\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "http.request.uri", "/search?q=cats&lang=en");
  EXPECT(p, "http.request.uri.path", "/search");
  EXPECT(p, "http.request.uri.query", "q=cats&lang=en");
  CU_ASSERT_EQUAL(tu_count(p, "http.request.uri.query.parameter"), 2);
  EXPECT(p, "http.request.uri.query.parameter", "q=cats");
  EXPECT(p, "http.cookie", "a=1; b=2");
  CU_ASSERT_EQUAL(tu_count(p, "http.cookie_pair"), 2);
  EXPECT(p, "http.authorization", "Basic dXNlcjpwYXNz");
  /* RFC 7617: "dXNlcjpwYXNz" is base64 of "user:pass" */
  EXPECT(p, "http.authbasic", "user:pass");
  EXPECT(p, "http.referer", "http://example.test/");
  /* an unknown header is only a line */
  CU_ASSERT_EQUAL(tu_count(p, "http.request.line"), 5);
  dx_packet_free(p);
  conn_close(&C);
}

static void test_limits(void) {
  /* A header line longer than 8 KiB, in one segment (no handshake, so no
   * reassembly to wait for). */
  static char big[12000];
  int k = snprintf(big, sizeof big, "GET / HTTP/1.1\r\nX-Long: ");
  memset(big + k, 'a', 9000);
  memcpy(big + k + 9000, "\r\n\r\n", 5);
  conn_open(&C, 40080, 80);
  dx_packet *p = send_str(&C, 1, big);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "http.request.method", "GET");
  CU_ASSERT(tu_count(p, "_ws.limit") >= 1);
  dx_packet_free(p);
  conn_close(&C);

  /* 300 header lines: the first 200 shown, and a note. */
  static char many[20000];
  size_t o = (size_t)snprintf(many, sizeof many, "GET / HTTP/1.1\r\n");
  for (int i = 0; i < 300; i++)
    o += (size_t)snprintf(many + o, sizeof many - o, "X-%d: v\r\n", i);
  o += (size_t)snprintf(many + o, sizeof many - o, "\r\n");
  conn_open(&C, 40081, 80);
  p = send_data(&C, 1, many, o);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(tu_count(p, "http.request.line"), 200);
  CU_ASSERT(tu_count(p, "_ws.limit") >= 1);
  dx_packet_free(p);
  conn_close(&C);
}

static void test_continue_100(void) {
  /* Expect: 100-continue; the interim response arrives while the request
   * body is still being reassembled (as in samples/http.pcap, where tshark
   * numbers the 100 response 1 and the request 2). */
  conn_open(&C, 40090, 80);
  dx_packet *p = send_str(&C, 1,
                          "POST /post HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
                          "Content-Length: 4\r\n\r\n");
  CU_ASSERT_EQUAL(tu_count(p, "http.request.method"), 0);
  dx_packet_free(p);
  p = send_str(&C, 0, "HTTP/1.1 100 Continue\r\n\r\n");
  EXPECT(p, "http.response.code", "100");
  EXPECT(p, "http.response_number", "1");
  CU_ASSERT_EQUAL(tu_count(p, "http.request_in"), 0);
  uint64_t f100 = dx_packet_number(p);
  dx_packet_free(p);
  p = send_str(&C, 1, "data");
  EXPECT(p, "http.request.method", "POST");
  EXPECT(p, "http.request_number", "2");
  uint64_t freq = dx_packet_number(p);
  dx_packet_free(p);
  p = send_str(&C, 0, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  char want[16];
  snprintf(want, sizeof want, "%llu", (unsigned long long)freq);
  EXPECT(p, "http.request_in", want);
  snprintf(want, sizeof want, "%llu", (unsigned long long)f100);
  EXPECT(p, "http.prev_response_in", want);
  EXPECT(p, "http.response_number", "2");
  dx_packet_free(p);
  conn_close(&C);
}

static void test_garbage(void) {
  /* Assorted hostile inputs on port 80: nothing crashes. */
  static const char *const inputs[] = {
      "GET",
      "GET / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
      "GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
      "\r\n\r\n\r\nGET / HTTP/1.1\r\n\r\n",
      "HTTP/1.1 200\r\n\r\n",
      "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
      "HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nContent-Length: 4\r\n\r\n\x00\x01\x02\x03",
      "HTTP/1.1 200 OK\r\nNo colon here\r\n: empty name\r\n\r\n",
  };
  for (size_t i = 0; i < ARRAY_LEN(inputs); i++) {
    conn_open(&C, (uint16_t)(40100 + i), 80);
    dx_packet_free(send_str(&C, 1, "GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
    dx_packet *p = send_str(&C, 0, inputs[i]);
    CU_ASSERT_PTR_NOT_NULL(p);
    dx_packet_free(p);
    p = send_str(&C, 0, "more bytes\r\n");
    CU_ASSERT_PTR_NOT_NULL(p);
    dx_packet_free(p);
    conn_close(&C);
  }
}

/* Bytes on port 80 that are not HTTP, as tshark 4.0's dissect_http_message
 * takes them (its values on this test's frames, TU_ONLY and TU_DUMP_PCAP):
 * before any request in the connection, binary bytes (frame 4) and a text
 * line that is no request (frame 5) show no HTTP layer and keep TCP's
 * columns; text with no line end waits for one ("[TCP segment of a
 * reassembled PDU]", frame 9) and the line, once whole (frame 10), shows
 * nothing either; after a request (frame 14), such bytes are HTTP's
 * "Continuation" (frame 15). */
static void test_not_http_before_request(void) {
  conn_open(&C, 40200, 80);
  dx_packet *p = send_data(&C, 1, "\x01\x02\x03\x04hello", 9);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "TCP");
  CU_ASSERT_EQUAL(tu_count(p, "http"), 0);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "40200 \xe2\x86\x92 80 [PSH, ACK] Seq=1 Ack=1 Win=64240 Len=9");
  dx_packet_free(p);
  p = send_str(&C, 0, "HI\n");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "TCP");
  CU_ASSERT_EQUAL(tu_count(p, "http"), 0);
  dx_packet_free(p);
  conn_close(&C);
  conn_open(&C, 40201, 80);
  p = send_str(&C, 1, "abc def");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "TCP");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "40201 \xe2\x86\x92 80 [PSH, ACK] Seq=1 Ack=1 "
                                            "Win=64240 Len=7 [TCP segment of a reassembled PDU]");
  dx_packet_free(p);
  p = send_str(&C, 1, "ghi\n");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "TCP");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "40201 \xe2\x86\x92 80 [PSH, ACK] Seq=8 Ack=1 Win=64240 Len=4");
  CU_ASSERT_EQUAL(tu_count(p, "http"), 0);
  dx_packet_free(p);
  conn_close(&C);
  conn_open(&C, 40202, 80);
  dx_packet_free(send_str(&C, 1, "GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
  p = send_data(&C, 0, "\x01\x02\x03\x04hello", 9);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "HTTP");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Continuation");
  dx_packet_free(p);
  conn_close(&C);
}

/* A control byte in the request target: still a request (not a
 * continuation). tshark 4.0.17 on "GET /a\x01b HTTP/1.1\r\nHost: x\r\n\r\n"
 * (and \x7f, \x1b) to port 80: http.request.method GET, http.request.uri
 * the bytes "/a" 01 "b" (shown "/a\001b" by -V), http.request.version
 * HTTP/1.1, http.request.line "Host: x\r\n", Info "GET /a\001b HTTP/1.1 ",
 * http.request.full_uri "http://x/a\001b". We show the byte as tshark's -V
 * does, \001 (\177, \033), the escape used for every control byte (Info
 * holds the byte; writers escape it). */
static void test_control_in_target(void) {
  static const struct {
    const char *req, *uri, *info;
  } cases[] = {
      {"GET /a\x01"
       "b HTTP/1.1\r\nHost: x\r\n\r\n",
       "/a\\001b",
       "GET /a\x01"
       "b HTTP/1.1 "},
      {"GET /a\x7f"
       "b HTTP/1.1\r\nHost: x\r\n\r\n",
       "/a\\177b",
       "GET /a\x7f"
       "b HTTP/1.1 "},
      {"GET /a\x1b"
       "b HTTP/1.1\r\nHost: x\r\n\r\n",
       "/a\\033b",
       "GET /a\x1b"
       "b HTTP/1.1 "},
  };
  for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
    conn_open(&C, (uint16_t)(40200 + i), 80);
    dx_packet *p = send_str(&C, 1, cases[i].req);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    EXPECT(p, "http.request", "1");
    EXPECT(p, "http.request.method", "GET");
    EXPECT(p, "http.request.uri", cases[i].uri);
    EXPECT(p, "http.request.version", "HTTP/1.1");
    EXPECT(p, "http.request.line", "Host: x\\r\\n");
    CU_ASSERT_EQUAL(tu_count(p, "http.request.line"), 1);
    char full[64];
    snprintf(full, sizeof full, "http://x%s", cases[i].uri);
    EXPECT(p, "http.request.full_uri", full);
    CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "HTTP");
    CU_ASSERT_STRING_EQUAL(dx_packet_info(p), cases[i].info);
    dx_packet_free(p);
    conn_close(&C);
  }
}

/* A response whose body has media type mt: the packet of the response. */
static dx_packet *respond(const char *mt, const char *body) {
  conn_open(&C, 40099, 80);
  dx_packet_free(send_str(&C, 1, req_index));
  char msg[4096];
  snprintf(msg, sizeof msg, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %zu\r\n\r\n%s",
           mt, strlen(body), body);
  return send_str(&C, 0, msg);
}

/* application/json: tshark's json layer (Object, Member, Array, values,
 * generated paths); expected values written by hand from RFC 8259 and the
 * layout tshark 4.0 gives samples/http.pcap's JSON body. */
static void test_json_body(void) {
  dx_packet *p = respond("application/json; charset=utf-8",
                         "{\"a\": \"x\\\"y\\n\", \"o\": {\"k\": -1.5e3, \"e\": {}, \"z\": []},"
                         " \"l\": [true, false, null, \"\\u00e9\\ud83d\\ude00\"]}");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(tu_count(p, "json"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "data-text-lines"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "json.object"), 3);
  CU_ASSERT_EQUAL(tu_count(p, "json.array"), 2);
  CU_ASSERT_EQUAL(tu_count(p, "json.member"), 6);
  EXPECT(p, "json.key", "a");
  /* (as -T fields writes it: the newline escaped) */
  EXPECT(p, "json.value.string", "x\"y\\n");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "json.value.string", 1), "\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT(p, "json.value.number", "-1.5e3");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "json.path_with_value", 1), "/o/k:-1.5e3");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "json.member_with_value", 1), "k:-1.5e3");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "json.path_with_value", 2), "/l/[]:true");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "json.member_with_value", 3), "[]:false");
  CU_ASSERT_EQUAL(tu_count(p, "json.value.true"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "json.value.false"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "json.value.null"), 1);
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "json.path", 1), "/o/k");
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED));
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "HTTP/1.1 200 OK , JavaScript Object Notation (application/json)");
  dx_packet_free(p);
  conn_close(&C);
  /* What tshark 4.0's grammar does not take (checked with tshark on the
   * same bodies, tests/differential/test_tshark_media.sh): a trailing
   * comma, not JSON at all, a string that does not end, a bad escape, a
   * missing ":" or ",", a scalar at the top: the json layer is empty and
   * the whole body follows as text lines, nothing marked malformed. */
  static const char *const bad[] = {"{\"a\":1,}", "hello", "{\"a\":\"abc", "[\"\\q\"]",
                                    "{\"a\" 1}",  "[1 2]", "123",          "{\"a\":01}"};
  for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
    p = respond("application/json", bad[i]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(tu_count(p, "json"), 1);
    CU_ASSERT_EQUAL(tu_count(p, "json.key"), 0);
    CU_ASSERT_EQUAL(tu_count(p, "data-text-lines"), 1);
    CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED));
    dx_packet_free(p);
    conn_close(&C);
  }
  /* an object and bytes after it: the object taken, the rest as text */
  p = respond("application/json", "{\"a\":1} x");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "json.key", "a");
  CU_ASSERT_EQUAL(tu_count(p, "data-text-lines"), 1);
  CU_ASSERT_STRING_EQUAL(tu_label(p, "data-text-lines.line"), "x");
  dx_packet_free(p);
  conn_close(&C);
  /* a body of more values than the walk shows: the first 5,000 (the array
   * and 4,999 numbers), a note, nothing marked malformed */
  {
    static char many[2 + 6000 * 2];
    size_t k = 0;
    many[k++] = '[';
    for (int i = 0; i < 6000; i++) {
      many[k++] = '1';
      many[k++] = i < 5999 ? ',' : ']';
    }
    many[k] = 0;
    conn_open(&C, 40099, 80);
    dx_packet_free(send_str(&C, 1, req_index));
    char *msg = malloc(k + 200);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    snprintf(msg, k + 200,
             "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
             k, many);
    p = send_str(&C, 0, msg);
    free(msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(tu_count(p, "json.value.number"), 4999);
    CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED));
    CU_ASSERT_EQUAL(tu_count(p, "data-text-lines"), 0);
    dx_packet_free(p);
    conn_close(&C);
  }
  /* two objects in a row: both taken */
  p = respond("application/json", "{\"a\":1}\n{\"b\":2}\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(tu_count(p, "json.object"), 2);
  CU_ASSERT_EQUAL(tu_count(p, "data-text-lines"), 0);
  dx_packet_free(p);
  conn_close(&C);
  /* nested deeper than the walk goes: marked, not recursed into */
  char deep[401];
  memset(deep, '[', 200);
  memset(deep + 200, ']', 200);
  deep[400] = 0;
  p = respond("application/json", deep);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT(tu_count(p, "json.array") <= 66);
  CU_ASSERT(tu_any_flag(p, DX_NODE_MALFORMED));
  dx_packet_free(p);
  conn_close(&C);
}

/* A response whose body may be longer than respond()'s buffer. */
static dx_packet *respond_n(const char *mt, const char *body, size_t n) {
  conn_open(&C, 40099, 80);
  dx_packet_free(send_str(&C, 1, req_index));
  char head[256];
  int hl = snprintf(head, sizeof head,
                    "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %zu\r\n\r\n", mt, n);
  char *msg = malloc((size_t)hl + n);
  CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
  memcpy(msg, head, (size_t)hl);
  memcpy(msg + hl, body, n);
  dx_packet *p = send_data(&C, 0, msg, (size_t)hl + n);
  free(msg);
  return p;
}

/* XML media types: tshark's xml layer. Expected values written by hand
 * from Wireshark's XML grammar (packet-xml.c) and checked against tshark
 * 4.0 -V and -T fields on the same bodies (tests/differential/
 * test_tshark_xml.sh compares such bodies with tshark at test time). */
static void test_xml_body(void) {
  dx_packet *p = respond("text/xml; charset=utf-8", "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                                                    "<!DOCTYPE note SYSTEM \"note.dtd\">\n"
                                                    "<s:Env xmlns:s=\"urn:x\" a='1' n=12>\n"
                                                    "  <!-- c -->\n"
                                                    "  <b>Hello World</b><e/>\n"
                                                    "  <![CDATA[<raw>]]>\n"
                                                    "</s:Env>\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(tu_count(p, "xml"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "data-text-lines"), 0);
  CU_ASSERT_STRING_EQUAL(tu_label(p, "xml"), "eXtensible Markup Language");
  /* the declaration: its known attributes as their own fields, unquoted */
  EXPECT(p, "xml.xmlpi.xml", "<?xml version=\"1.0\" encoding=\"utf-8\"?>");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "xml.xmlpi.xml"), "<?xml");
  EXPECT(p, "xml.xmlpi.xml.version", "1.0");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "xml.xmlpi.xml.version"), "version=\"1.0\"");
  EXPECT(p, "xml.xmlpi.xml.encoding", "utf-8");
  CU_ASSERT_EQUAL(tu_count(p, "xml.attribute"), 3);
  /* the doctype's value is its name, its label the whole declaration */
  EXPECT(p, "xml.doctype", "note");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "xml.doctype"), "<!DOCTYPE note SYSTEM \"note.dtd\">");
  /* tags: the start tag as value, "<name" and the ">" after the last
   * attribute in the labels */
  CU_ASSERT_EQUAL(tu_count(p, "xml.tag"), 3);
  EXPECT(p, "xml.tag", "<s:Env xmlns:s=\"urn:x\" a='1' n=12>");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "xml.tag"), "<s:Env");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "xml.attribute", 0), "xmlns:s=\"urn:x\"");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "xml.attribute", 1), "a='1'");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "xml.attribute", 2), "n=12");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "xml.tag", 1), "<b>");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "xml.tag", 2), "<e/>");
  EXPECT(p, "xml.cdata", "Hello World");
  CU_ASSERT_EQUAL(tu_count(p, "xml.cdata"), 1);
  EXPECT(p, "xml.comment", "<!-- c -->");
  EXPECT(p, "xml.cdatasection", "<![CDATA[<raw>]]>");
  CU_ASSERT_EQUAL(tu_count(p, "xml.closing_unopened_tag"), 0);
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED));
  /* no media type in Info (tshark's xml writes none), "/XML" in Protocol */
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "HTTP/1.1 200 OK ");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "HTTP/XML");
  dx_packet_free(p);
  conn_close(&C);

  /* an end tag with nothing open, text outside every tag, bytes that start
   * no construct: kept, with tshark's notes; what came before is kept */
  p = respond("application/xml", "junk <a x=\"1\" y>ok</a></b>");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "xml.unknown", "junk ");
  CU_ASSERT_EQUAL(tu_count(p, "xml.unrecognized_text"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "xml.tag"), 0);
  EXPECT(p, "xml.unknown", "junk ");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "xml.unknown", 1), "x=\"1\" y>ok");
  CU_ASSERT_EQUAL(tu_count(p, "xml.closing_unopened_tag"), 2);
  CU_ASSERT(tu_any_flag(p, DX_NODE_MALFORMED));
  dx_packet_free(p);
  conn_close(&C);

  /* truncated: an element that does not end, a comment that does not end */
  p = respond("image/svg+xml", "<svg><g>text<!-- no end");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(tu_count(p, "xml.tag"), 2);
  EXPECT(p, "xml.cdata", "text");
  CU_ASSERT_EQUAL(tu_count(p, "xml.comment"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "xml.unrecognized_text"), 1);
  dx_packet_free(p);
  conn_close(&C);

  /* a DOCTYPE with an internal subset: its declarations under it */
  p = respond("application/xml", "<!DOCTYPE h [\n<!ELEMENT h (#PCDATA)>\n]>\n<h>x</h>");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "xml.doctype", "h");
  EXPECT(p, "xml.dtdtag", "<!ELEMENT h (#PCDATA)>");
  EXPECT(p, "xml.tag", "<h>");
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED));
  dx_packet_free(p);
  conn_close(&C);

  /* a long text: its label cut as tshark cuts labels (240 bytes) */
  char longtext[400];
  memcpy(longtext, "<a>", 3);
  memset(longtext + 3, 'x', 300);
  memcpy(longtext + 303, "</a>", 5);
  p = respond("application/xml", longtext);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(strlen(tu_value(p, "xml.cdata")), 300);
  const char *l = tu_label(p, "xml.cdata");
  CU_ASSERT_EQUAL(strlen(l), 238);
  CU_ASSERT_EQUAL(strncmp(l, " [truncated]xxx", 15), 0);
  dx_packet_free(p);
  conn_close(&C);

  /* nested deeper than 60 elements: walked to the cap, a note, no more */
  char deep[4000] = "";
  for (int i = 0; i < 200; i++)
    strcat(deep, "<a>");
  p = respond("application/xml", deep);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(tu_count(p, "xml.tag"), 60);
  CU_ASSERT_EQUAL(tu_count(p, "_ws.limit"), 1);
  CU_ASSERT(tu_any_flag(p, DX_NODE_MALFORMED));
  dx_packet_free(p);
  conn_close(&C);

  /* more items than the cap: 5000 shown, a note */
  size_t n = 6000 * 4;
  char *many = malloc(n);
  CU_ASSERT_PTR_NOT_NULL_FATAL(many);
  for (size_t i = 0; i < n; i += 4)
    memcpy(many + i, "<a/>", 4);
  p = respond_n("application/xml", many, n);
  free(many);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(tu_count(p, "xml.tag"), 5000);
  CU_ASSERT_EQUAL(tu_count(p, "_ws.limit"), 1);
  dx_packet_free(p);
  conn_close(&C);

  /* every prefix of a body: no crash, no read past it */
  static const char doc[] = "<?xml version='1'?><!DOCTYPE d [<!E x>]><d a=\"1\"><![CDATA[c]]>"
                            "<!--k--><e/>t</d>";
  for (size_t k = 0; k <= sizeof doc - 1; k++) {
    p = respond_n("application/xml", doc, k);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    dx_packet_free(p);
    conn_close(&C);
  }
}

/* application/x-www-form-urlencoded: one Form item per pair, '+' and %XX
 * decoded (as tshark 4.0 shows samples/http.pcap's form). */
static void test_form_body(void) {
  dx_packet *p = respond("application/x-www-form-urlencoded", "a=1&b=x+y%21&c&%zz=%4");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(tu_count(p, "urlencoded-form"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "urlencoded-form.key"), 4);
  /* (an empty Value for "c", as tshark shows it) */
  CU_ASSERT_EQUAL(tu_count(p, "urlencoded-form.value"), 4);
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "urlencoded-form.key", 1), "b");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "urlencoded-form.value", 1), "x y!");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "urlencoded-form.key", 2), "c");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "urlencoded-form.key", 3), "%zz");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "urlencoded-form.value", 2), "");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "urlencoded-form.value", 3), "%4");
  dx_packet_free(p);
  conn_close(&C);
}

int main(void) {
  CU_TestInfo tests[] = {
      {"request", test_request},
      {"response with Content-Length", test_response_content_length},
      {"request split mid-header", test_split_header},
      {"body over three segments", test_body_three_segments},
      {"chunked body", test_chunked},
      {"bad chunk sizes", test_bad_chunk},
      {"pipelined requests", test_pipelined},
      {"request/response matching, HEAD", test_matching},
      {"gzip body", test_gzip},
      {"brotli body", test_brotli},
      {"decompression bombs", test_bombs},
      {"chunked gzip body", test_chunked_gzip},
      {"truncation", test_truncation},
      {"a first line cut by the snapshot length", test_cut_first_line},
      {"heuristic on another port", test_heuristic_other_port},
      {"body until close", test_body_until_close},
      {"body until close, cap", test_body_until_close_cap},
      {"URI query, cookies, basic auth", test_uri_and_headers},
      {"request line words as tshark cuts them", test_request_line_words},
      {"header limits", test_limits},
      {"100 Continue", test_continue_100},
      {"garbage", test_garbage},
      {"not HTTP before a request", test_not_http_before_request},
      {"control byte in the request target", test_control_in_target},
      {"JSON body", test_json_body},
      {"form body", test_form_body},
      {"XML body", test_xml_body},
      {"multipart body", test_multipart_body},
      {"DNS over HTTPS body", test_doh_body},
      CU_TEST_INFO_NULL,
  };
  return tu_run("http", tests);
}
