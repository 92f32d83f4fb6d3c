/* Following decrypted connections (include/dissect/story.h dx_follow_*) on
 * the project's samples with their key logs: the TLS record labels, the
 * decrypted application data of each side, the HTTP/2 frame lines (over
 * TLS) and the HTTP/3 frame lines (over QUIC).
 *
 * Expected values come from tshark 4.0 on the same files:
 *   - decrypted bytes per side: tshark -r samples/http2.pcap
 *     -o tls.keylog_file:samples/http2.keylog -q -z follow,tls,raw,0
 *     (the client's lines add up to 408 bytes, the server's to 259079);
 *   - TLS records: -T fields -e tls.record.content_type (54 records);
 *   - HTTP/2 frames: -e http2.type (64 frames) and -e http2.magic (one
 *     preface); the texts of the lines are built from the labels tshark -V
 *     shows for those frames ("Type: HEADERS (1)", "Flags: 0x05, End
 *     Headers, End Stream", "Settings - Max concurrent streams : 100",
 *     "Error: STREAM_CLOSED (5)", the header names and values of -e
 *     http2.header.name -e http2.header.value), as story.h describes them;
 *   - HTTP/3: tshark -r samples/quic-h3.pcap -o
 *     tls.keylog_file:samples/quic-h3.keylog -T fields -e http3.stream_type
 *     -e http3.frame_type -e http3.frame_length -e quic.stream.stream_id:
 *     frame 2 opens the server's control stream 3 (SETTINGS, 15 bytes), QPACK
 *     decoder stream 11 and encoder stream 7; tshark -V names them "Control
 *     Stream", "QPACK Decoder Stream", "QPACK Encoder Stream".
 * TU_FOLLOW_DUMP=1 prints the pieces. */
#include "testutil.h"

#include <dissect/story.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Follows every packet of samples/NAME.pcap (one connection) with its key
 * log; returns the follow (freed with its session by done()). */
static dx_follow *follow_sample(const char *name, dx_session **sp, uint64_t max) {
  dx_capture *c = NULL;
  dx_session *s = tu_open_sample(name, &c);
  dx_follow *fw = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_follow_new(&fw, s, max), DX_OK);
  dx_frame f;
  while (dx_capture_next(c, &f) == 1) {
    dx_packet *p = NULL;
    CU_ASSERT_EQUAL_FATAL(dx_session_dissect(s, &f, &p), DX_OK);
    CU_ASSERT_EQUAL(dx_follow_add_packet(fw, p), DX_OK);
    dx_packet_free(p);
  }
  dx_capture_close(c);
  if (getenv("TU_FOLLOW_DUMP"))
    for (size_t i = 0; i < dx_follow_count(fw); i++) {
      const dx_follow_chunk *k = dx_follow_chunk_at(fw, i);
      if (k->kind != DX_FOLLOW_PAYLOAD && k->kind != DX_FOLLOW_DECRYPTED)
        fprintf(stderr, "%zu dir %d kind %d frame %llu |%s|\n", i, k->dir, k->kind,
                (unsigned long long)k->frame, (const char *)k->data);
    }
  *sp = s;
  return fw;
}

static void done(dx_follow *fw, dx_session *s) {
  dx_follow_free(fw);
  dx_session_free(s);
}

/* The index of the first piece of kind `kind` whose text is `text`, from
 * `from` on; -1 if none. */
static long find_piece(const dx_follow *fw, size_t from, int kind, const char *text) {
  for (size_t i = from; i < dx_follow_count(fw); i++) {
    const dx_follow_chunk *k = dx_follow_chunk_at(fw, i);
    if (k->kind == kind && k->len == strlen(text) && memcmp(k->data, text, k->len) == 0)
      return (long)i;
  }
  return -1;
}

static void expect_piece(const dx_follow *fw, long i, int dir, uint64_t frame, int kind,
                         const char *text) {
  const dx_follow_chunk *k = i >= 0 ? dx_follow_chunk_at(fw, (size_t)i) : NULL;
  CU_ASSERT_PTR_NOT_NULL_FATAL(k);
  if (k->len != strlen(text) || memcmp(k->data, text, k->len) != 0)
    fprintf(stderr, "\npiece %ld: got \"%s\", want \"%s\"\n", i, (const char *)k->data, text);
  CU_ASSERT_EQUAL(k->dir, dir);
  CU_ASSERT_EQUAL(k->frame, frame);
  CU_ASSERT_EQUAL(k->kind, kind);
  CU_ASSERT_EQUAL(k->len, strlen(text));
  CU_ASSERT_EQUAL(memcmp(k->data, text, k->len), 0);
}

static void test_follow_http2_tls(void) {
  dx_session *s;
  dx_follow *fw = follow_sample("http2", &s, 0);
  const dx_follow_info *in = dx_follow_get_info(fw);
  /* tshark -z conv,tcp: 127.0.0.1:60148 <-> 127.0.0.1:443 */
  CU_ASSERT_STRING_EQUAL(in->client_addr, "127.0.0.1");
  CU_ASSERT_EQUAL(in->client_port, 60148);
  CU_ASSERT_EQUAL(in->server_port, 443);
  CU_ASSERT_TRUE(in->tls);
  CU_ASSERT_TRUE(in->tls_handshake_decrypted); /* TLS 1.3: the handshake is encrypted */
  CU_ASSERT_FALSE(in->quic);
  CU_ASSERT_FALSE(in->truncated);
  CU_ASSERT_EQUAL(in->chunks[DX_FOLLOW_RECORD], 54);
  CU_ASSERT_EQUAL(in->bytes[DX_FOLLOW_DECRYPTED][0], 408);
  CU_ASSERT_EQUAL(in->bytes[DX_FOLLOW_DECRYPTED][1], 259079);

  /* the frame lines: one per HTTP/2 frame and the preface (64 + 1), the
   * headers and body lines indented under them */
  size_t frames = 0, lines = 0;
  for (size_t i = 0; i < dx_follow_count(fw); i++) {
    const dx_follow_chunk *k = dx_follow_chunk_at(fw, i);
    if (k->kind != DX_FOLLOW_HTTP2)
      continue;
    lines++;
    if (k->len < 4 || memcmp(k->data, "    ", 4) != 0)
      frames++;
  }
  CU_ASSERT_EQUAL(frames, 65);
  CU_ASSERT_EQUAL(in->chunks[DX_FOLLOW_HTTP2], lines);

  /* frame 13, the client: preface, SETTINGS, WINDOW_UPDATE */
  long i = find_piece(fw, 0, DX_FOLLOW_HTTP2, "Magic (connection preface): PRI * HTTP/2.0");
  expect_piece(fw, i, 0, 13, DX_FOLLOW_HTTP2, "Magic (connection preface): PRI * HTTP/2.0");
  expect_piece(fw, i + 1, 0, 13, DX_FOLLOW_HTTP2,
               "SETTINGS[0] 18 bytes: Max concurrent streams: 100, Initial Windows size: "
               "33554432, Enable PUSH: 0");
  expect_piece(fw, i + 2, 0, 13, DX_FOLLOW_HTTP2,
               "WINDOW_UPDATE[0] 4 bytes: Window Size Increment: 33488897");
  /* frame 15: the first request, its pseudo-headers on the line */
  i = find_piece(fw, 0, DX_FOLLOW_HTTP2,
                 "HEADERS[1] :method GET :path /index.html :scheme https :authority "
                 "www.example.test (End Headers, End Stream)");
  expect_piece(fw, i, 0, 15, DX_FOLLOW_HTTP2,
               "HEADERS[1] :method GET :path /index.html :scheme https :authority "
               "www.example.test (End Headers, End Stream)");
  expect_piece(fw, i + 1, 0, 15, DX_FOLLOW_HTTP2, "    user-agent: curl/7.88.1");
  expect_piece(fw, i + 2, 0, 15, DX_FOLLOW_HTTP2, "    accept: */*");
  expect_piece(fw, i + 3, 0, 15, DX_FOLLOW_HTTP2, "    accept-encoding: deflate, gzip, br, zstd");
  /* frame 27: the client resets stream 1 */
  i = find_piece(fw, 0, DX_FOLLOW_HTTP2, "RST_STREAM[1] 4 bytes: Error: STREAM_CLOSED (5)");
  expect_piece(fw, i, 0, 27, DX_FOLLOW_HTTP2, "RST_STREAM[1] 4 bytes: Error: STREAM_CLOSED (5)");
  /* the first record the client sent: its Client Hello, in clear */
  const dx_follow_chunk *k = dx_follow_chunk_at(fw, 0);
  CU_ASSERT_EQUAL(k->kind, DX_FOLLOW_RECORD);
  CU_ASSERT_EQUAL(strncmp((const char *)k->data, "[TLS Handshake: Client Hello, ", 30), 0);
  done(fw, s);

  /* a cap: the pieces past it are dropped and the follow says so */
  fw = follow_sample("http2", &s, 4096);
  in = dx_follow_get_info(fw);
  CU_ASSERT_TRUE(in->truncated);
  uint64_t kept = 0;
  for (size_t j = 0; j < dx_follow_count(fw); j++)
    kept += dx_follow_chunk_at(fw, j)->len;
  CU_ASSERT(kept <= 4096);
  done(fw, s);
}

static void test_follow_http3(void) {
  dx_session *s;
  dx_follow *fw = follow_sample("quic-h3", &s, 0);
  const dx_follow_info *in = dx_follow_get_info(fw);
  CU_ASSERT_TRUE(in->quic);
  CU_ASSERT_TRUE(in->quic_decrypted);
  CU_ASSERT_FALSE(in->tls);
  CU_ASSERT_EQUAL(in->server_port, 443);
  long i = find_piece(fw, 0, DX_FOLLOW_HTTP3, "[QUIC stream 3: Control Stream]");
  expect_piece(fw, i, 1, 2, DX_FOLLOW_HTTP3, "[QUIC stream 3: Control Stream]");
  expect_piece(fw, i + 1, 1, 2, DX_FOLLOW_HTTP3, "SETTINGS[3] 15 bytes");
  expect_piece(fw, i + 2, 1, 2, DX_FOLLOW_HTTP3, "[QUIC stream 11: QPACK Decoder Stream]");
  expect_piece(fw, i + 3, 1, 2, DX_FOLLOW_HTTP3, "[QUIC stream 7: QPACK Encoder Stream]");
  /* frame 15 (tshark: http3.frame_type 1,0,1,0,1, lengths 9,44,9,32,11 on
   * streams 0, 4, 8): the bodies make-quic-samples.sh serves, index.html
   * (44 bytes) and data.json (32), as text under their DATA lines */
  i = find_piece(fw, 0, DX_FOLLOW_HTTP3, "DATA[0] 44 bytes");
  expect_piece(fw, i, 1, 15, DX_FOLLOW_HTTP3, "DATA[0] 44 bytes");
  expect_piece(fw, i + 1, 1, 15, DX_FOLLOW_HTTP3,
               "    <html><body>hello over HTTP/3</body></html>");
  i = find_piece(fw, 0, DX_FOLLOW_HTTP3, "DATA[4] 32 bytes");
  expect_piece(fw, i, 1, 15, DX_FOLLOW_HTTP3, "DATA[4] 32 bytes");
  expect_piece(fw, i + 1, 1, 15, DX_FOLLOW_HTTP3, "    {\"protocol\":\"h3\",\"sample\":true}");
  /* large.txt: 4000 lines of 53 bytes; 8 lines shown, then "..." */
  i = find_piece(fw, 0, DX_FOLLOW_HTTP3, "DATA[8] 212000 bytes");
  expect_piece(fw, i, 1, 15, DX_FOLLOW_HTTP3, "DATA[8] 212000 bytes");
  for (int l = 0; l < 8; l++) {
    char want[80];
    snprintf(want, sizeof want, "    line %05d of the large HTTP/3 response body .......", l);
    expect_piece(fw, i + 1 + l, 1, 15, DX_FOLLOW_HTTP3, want);
  }
  expect_piece(fw, i + 9, 1, 15, DX_FOLLOW_HTTP3, "    ...");
  /* the requests of the script, in its order, each on its stream */
  static const char *const paths[] = {"/index.html", "/data.json", "/large.txt", "/robots.txt"};
  int found = 0;
  for (size_t j = 0; j < dx_follow_count(fw); j++) {
    const dx_follow_chunk *k = dx_follow_chunk_at(fw, j);
    if (k->kind != DX_FOLLOW_HTTP3 || k->dir != 0 || strncmp((const char *)k->data, "HEADERS[", 8))
      continue;
    char want[64];
    snprintf(want, sizeof want, ":path %s", found < 4 ? paths[found] : "?");
    CU_ASSERT_PTR_NOT_NULL(strstr((const char *)k->data, ":method GET"));
    CU_ASSERT_PTR_NOT_NULL(strstr((const char *)k->data, want));
    CU_ASSERT_EQUAL(k->frame, 14);
    found++;
  }
  CU_ASSERT_EQUAL(found, 4);
  done(fw, s);
}

int main(void) {
  CU_TestInfo tests[] = {{"follow: TLS records, decrypted data, HTTP/2", test_follow_http2_tls},
                         {"follow: HTTP/3 over QUIC", test_follow_http3},
                         CU_TEST_INFO_NULL};
  return tu_run("follow", tests);
}
