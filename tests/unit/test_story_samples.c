/* Connection stories (include/dissect/story.h) of decrypted HTTP/2 over TLS
 * and of HTTP/3 over QUIC, from the project's samples with their key logs.
 *
 * Expected values come from tshark 4.0 on the same files (with
 * -o tls.keylog_file:samples/NAME.keylog):
 *   - samples/http2.pcap: -Y "http2.headers.status || http2.headers.method"
 *     -T fields -e frame.number -e http2.streamid -e http2.headers.method
 *     -e http2.headers.path -e http2.headers.status: requests in frames
 *     15, 17, 18, 19, 21, 23 on streams 1, 3, 5, 7, 9, 11 (GET /index.html,
 *     /style.css, /data.json, /random.txt, /no-such-page.html; POST /post),
 *     responses in frames 20, 24, 25, 37, 254, 258 (200, 200, 200, 200, 404,
 *     200); -e tls.handshake.extensions_alpn_str: the server chose h2;
 *     -e tls.handshake.ciphersuite: 0x1302;
 *   - the QUIC samples: -e quic.header_form -e quic.long.packet_type counted
 *     per packet (quic-h3: 2 Initial, 3 Handshake, 203 1-RTT; quic-retry: 3
 *     Initial, 1 Retry in frame 2, 3 Handshake, 8 1-RTT), -Y
 *     "quic.frame_type==0x1d || quic.frame_type==0x1e": HANDSHAKE_DONE from
 *     the server (quic-h3 frame 10), an application CONNECTION_CLOSE with
 *     error 256 from the client (quic-h3 frame 205, quic-retry frame 12,
 *     quic-migration frame 24); -e udp.srcport: the quic-migration client
 *     moves from port 55847 to 59929 in frame 15;
 *   - the HTTP/3 requests are those samples/make-quic-samples.sh makes
 *     (index.html, data.json, large.txt, robots.txt, each served: 200) on
 *     QUIC streams 0, 4, 8, 12 (tshark -e quic.stream.stream_id of the
 *     HEADERS frames, frame 14). */
#include "testutil.h"

#include <dissect/story.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The finished story of samples/NAME.pcap with its key log. */
static dx_story *story_of(const char *name, dx_session **sp) {
  dx_capture *c = NULL;
  dx_session *s = tu_open_sample(name, &c);
  dx_story *st = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_story_new(&st, s, NULL), DX_OK);
  dx_frame f;
  while (dx_capture_next(c, &f) == 1) {
    dx_packet *p = NULL;
    CU_ASSERT_EQUAL_FATAL(dx_session_dissect(s, &f, &p), DX_OK);
    CU_ASSERT_EQUAL(dx_story_add_packet(st, p), DX_OK);
    dx_packet_free(p);
  }
  dx_capture_close(c);
  CU_ASSERT_EQUAL(dx_story_finish(st), DX_OK);
  *sp = s;
  return st;
}

/* Every export writes without error and says something. */
static void check_exports(const dx_story *st) {
  for (int fmt = DX_STORY_TEXT; fmt <= DX_STORY_SVG; fmt++) {
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    CU_ASSERT_EQUAL(dx_story_write(out, st, (dx_story_format)fmt, 0), DX_OK);
    fclose(out);
    CU_ASSERT(len > 100);
    free(buf);
  }
}

static void test_story_http2(void) {
  dx_session *s;
  dx_story *st = story_of("http2", &s);
  CU_ASSERT_EQUAL_FATAL(dx_story_count(st), 1);
  const dx_story_conn *c = dx_story_conn_at(st, 0);
  CU_ASSERT_EQUAL(c->transport, DX_STORY_TRANSPORT_TCP);
  CU_ASSERT_EQUAL(c->server.port, 443);
  CU_ASSERT_TRUE(c->tls.present);
  CU_ASSERT_TRUE(c->tls.decrypted);
  CU_ASSERT_EQUAL(c->tls.version, 0x0304);
  CU_ASSERT_EQUAL(c->tls.cipher_suite, 0x1302);
  CU_ASSERT_STRING_EQUAL(c->tls.alpn, "h2");
  CU_ASSERT_STRING_EQUAL(c->server_name, "www.example.test");
  static const struct {
    uint32_t sid;
    const char *method, *uri;
    unsigned status;
    uint64_t req, resp;
  } want[] = {
      {1, "GET", "/index.html", 200, 15, 20},         {3, "GET", "/style.css", 200, 17, 24},
      {5, "GET", "/data.json", 200, 18, 25},          {7, "GET", "/random.txt", 200, 19, 37},
      {9, "GET", "/no-such-page.html", 404, 21, 254}, {11, "POST", "/post", 200, 26, 258}};
  CU_ASSERT_EQUAL_FATAL(c->nexchanges, 6);
  for (size_t i = 0; i < 6; i++) {
    const dx_story_exchange *x = &c->exchanges[i];
    CU_ASSERT_EQUAL(x->http_version, 2);
    CU_ASSERT_EQUAL(x->stream_id, want[i].sid);
    CU_ASSERT_STRING_EQUAL(x->method, want[i].method);
    CU_ASSERT_STRING_EQUAL(x->uri, want[i].uri);
    CU_ASSERT_EQUAL(x->status, want[i].status);
    CU_ASSERT_EQUAL(x->request.frame, want[i].req);
    CU_ASSERT_EQUAL(x->response.frame, want[i].resp);
    CU_ASSERT(x->response.time_ns >= x->request.time_ns);
  }
  /* the POST's body: its DATA frame on stream 11 in frame 26 (tshark -e
   * http2.type -e http2.streamid -e http2.length: 0, 11, 45; content-length:
   * 45 in its HEADERS), the frame that ends the stream (-e
   * http2.flags.end_stream: 1; its HEADERS in frame 23: 0), so the request
   * is complete in frame 26 */
  CU_ASSERT_EQUAL(c->exchanges[5].request_body_bytes, 45);
  /* the ladder names the preface and the requests */
  int preface = 0, get = 0;
  for (size_t i = 0; i < c->nevents; i++) {
    if (strcmp(c->events[i].label, "HTTP/2 connection preface") == 0)
      preface++;
    if (strncmp(c->events[i].label, "GET /index.html", 15) == 0)
      get++;
  }
  CU_ASSERT_EQUAL(preface, 1);
  CU_ASSERT_EQUAL(get, 1);
  check_exports(st);
  dx_story_free(st);
  dx_session_free(s);
}

static void test_story_http3(void) {
  dx_session *s;
  dx_story *st = story_of("quic-h3", &s);
  CU_ASSERT_EQUAL_FATAL(dx_story_count(st), 1);
  const dx_story_conn *c = dx_story_conn_at(st, 0);
  CU_ASSERT_EQUAL(c->transport, DX_STORY_TRANSPORT_QUIC);
  CU_ASSERT_EQUAL(c->quic.version, 1);
  CU_ASSERT_STRING_EQUAL(c->quic.version_name, "QUIC v1");
  CU_ASSERT_TRUE(c->quic.decrypted);
  CU_ASSERT_EQUAL(c->quic.initial_packets, 2);
  CU_ASSERT_EQUAL(c->quic.handshake_packets, 3);
  CU_ASSERT_EQUAL(c->quic.one_rtt_packets, 203);
  CU_ASSERT_EQUAL(c->quic.retry_packets, 0);
  CU_ASSERT_EQUAL(c->quic.client_initial.frame, 1);
  CU_ASSERT_EQUAL(c->quic.server_initial.frame, 2);
  CU_ASSERT_EQUAL(c->quic.handshake_done.frame, 10);
  CU_ASSERT_EQUAL(c->quic.closed_by, DX_STORY_CLIENT);
  CU_ASSERT_TRUE(c->quic.application_close);
  CU_ASSERT_EQUAL(c->quic.close_error, 256);
  CU_ASSERT_EQUAL(c->quic.close.frame, 205);
  CU_ASSERT_EQUAL(c->client.port, 38112);
  static const char *const uris[] = {"/index.html", "/data.json", "/large.txt", "/robots.txt"};
  CU_ASSERT_EQUAL_FATAL(c->nexchanges, 4);
  for (size_t i = 0; i < 4; i++) {
    const dx_story_exchange *x = &c->exchanges[i];
    CU_ASSERT_EQUAL(x->http_version, 3);
    CU_ASSERT_EQUAL(x->stream_id, 4 * i);
    CU_ASSERT_STRING_EQUAL(x->method, "GET");
    CU_ASSERT_STRING_EQUAL(x->uri, uris[i]);
    CU_ASSERT_EQUAL(x->status, 200);
    CU_ASSERT_EQUAL(x->request.frame, 14);
  }
  /* large.txt: 4000 lines of 53 bytes (make-quic-samples.sh; tshark
   * http3.frame_length of its DATA frame: 212000) */
  CU_ASSERT_EQUAL(c->exchanges[2].response_body_bytes, 212000);
  check_exports(st);
  dx_story_free(st);
  dx_session_free(s);
}

static void test_story_quic_retry_migration(void) {
  dx_session *s;
  dx_story *st = story_of("quic-retry", &s);
  CU_ASSERT_EQUAL_FATAL(dx_story_count(st), 1);
  const dx_story_conn *c = dx_story_conn_at(st, 0);
  CU_ASSERT_EQUAL(c->quic.retry_packets, 1);
  CU_ASSERT_EQUAL(c->quic.retry.frame, 2);
  CU_ASSERT_FALSE(c->quic.retry_tag_bad);
  CU_ASSERT_EQUAL(c->quic.initial_packets, 3);
  CU_ASSERT_EQUAL(c->quic.handshake_packets, 3);
  CU_ASSERT_EQUAL(c->quic.one_rtt_packets, 8);
  CU_ASSERT_EQUAL(c->quic.close.frame, 12);
  check_exports(st);
  dx_story_free(st);
  dx_session_free(s);

  st = story_of("quic-migration", &s);
  CU_ASSERT_EQUAL_FATAL(dx_story_count(st), 1);
  c = dx_story_conn_at(st, 0);
  CU_ASSERT_EQUAL(c->client.port, 55847);
  CU_ASSERT_EQUAL(c->quic.migrations, 1);
  CU_ASSERT_EQUAL(c->quic.path.port, 59929);
  CU_ASSERT_EQUAL(c->quic.path.at.frame, 15);
  CU_ASSERT_EQUAL(c->quic.close.frame, 24);
  CU_ASSERT_EQUAL(c->quic.closed_by, DX_STORY_CLIENT);
  check_exports(st);
  dx_story_free(st);
  dx_session_free(s);
}

int main(void) {
  CU_TestInfo tests[] = {{"story: HTTP/2 over decrypted TLS", test_story_http2},
                         {"story: HTTP/3 over QUIC", test_story_http3},
                         {"story: QUIC Retry and migration", test_story_quic_retry_migration},
                         CU_TEST_INFO_NULL};
  return tu_run("story_samples", tests);
}
