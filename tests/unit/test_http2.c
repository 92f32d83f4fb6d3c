/* HTTP/2 (RFC 9113) from hand-made Ethernet/IPv4/TCP frames. Header blocks
 * are the request examples of RFC 7541 Appendix C.3 (plain literals) and
 * C.4 (Huffman), whose decoded header lists are printed in the RFC; frame
 * layouts are counted by hand from RFC 9113 section 4.1 and 6; the
 * expectations on fields and Info were compared with tshark 4.0 on the same
 * frames (TU_DUMP_PCAP=FILE writes them to a pcap). */
#include "tcpframe.h"
#include "testutil.h"

#include <string.h>
#include <zlib.h>

/* Every value of `name` joined with ',' (tshark -T fields -E occurrence=a). */
static const char *all(const dx_packet *p, const char *name) {
  static char buf[16384];
  size_t k = 0;
  buf[0] = 0;
  for (int i = 0;; i++) {
    const char *v = tu_nth(p, name, i);
    if (!v[0] && tu_count(p, name) <= i)
      break;
    int w = snprintf(buf + k, sizeof buf - k, "%s%s", i ? "," : "", v);
    if (w < 0 || (size_t)w >= sizeof buf - k)
      break;
    k += (size_t)w;
  }
  return buf;
}
#define EXPECT(p, name, val)                                                                       \
  do {                                                                                             \
    const char *got_ = all((p), (name));                                                           \
    if (strcmp(got_, (val)) != 0)                                                                  \
      fprintf(stderr, "\n%s: got \"%s\", want \"%s\"\n", (name), got_, (val));                     \
    CU_ASSERT_STRING_EQUAL(got_, (val));                                                           \
  } while (0)
#define INFO(p, val)                                                                               \
  do {                                                                                             \
    if (strcmp(dx_packet_info(p), (val)) != 0)                                                     \
      fprintf(stderr, "\nInfo: got \"%s\", want \"%s\"\n", dx_packet_info(p), (val));              \
    CU_ASSERT_STRING_EQUAL(dx_packet_info(p), (val));                                              \
  } while (0)

/* ---- a connection -------------------------------------------------------- */

typedef struct conn {
  dx_session *s;
  uint16_t cport, sport;
  uint32_t cseq, sseq;
  uint64_t usec;
  uint8_t buf[70000];
} conn;

static void conn_open(conn *c, uint16_t cport, uint16_t sport) {
  if (!c->s)
    CU_ASSERT_EQUAL_FATAL(dx_session_new(&c->s, NULL), DX_OK);
  c->cport = cport;
  c->sport = sport;
  c->cseq = 1000;
  c->sseq = 5000;
  size_t n = tf_tcp(c->buf, 1, cport, sport, c->cseq, 0, TF_SYN, 64240, NULL, 0, NULL, 0);
  dx_packet_free(tf_feed(c->s, c->buf, n, c->usec += 100));
  c->cseq++;
  n = tf_tcp(c->buf, 0, cport, sport, c->sseq, c->cseq, TF_SYN | TF_ACK, 65160, NULL, 0, NULL, 0);
  dx_packet_free(tf_feed(c->s, c->buf, n, c->usec += 100));
  c->sseq++;
  n = tf_tcp(c->buf, 1, cport, sport, c->cseq, c->sseq, TF_ACK, 64240, NULL, 0, NULL, 0);
  dx_packet_free(tf_feed(c->s, c->buf, n, c->usec += 100));
}

static dx_packet *send_data(conn *c, int c2s, const void *data, size_t len) {
  size_t n;
  if (c2s) {
    n = tf_tcp(c->buf, 1, c->cport, c->sport, c->cseq, c->sseq, TF_PSH | TF_ACK, 64240, NULL, 0,
               data, len);
    c->cseq += (uint32_t)len;
  } else {
    n = tf_tcp(c->buf, 0, c->cport, c->sport, c->sseq, c->cseq, TF_PSH | TF_ACK, 65160, NULL, 0,
               data, len);
    c->sseq += (uint32_t)len;
  }
  return tf_feed(c->s, c->buf, n, c->usec += 100);
}

static void conn_close(conn *c) {
  dx_session_free(c->s);
  c->s = NULL;
}

static int find_source(const dx_packet *p, const char *prefix) {
  for (size_t i = 0; i < dx_packet_source_count(p); i++)
    if (strncmp(dx_packet_source_name(p, i), prefix, strlen(prefix)) == 0)
      return (int)i;
  return -1;
}

static conn C;

/* ---- frames ---------------------------------------------------------------- */

static const char magic[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/* A frame (RFC 9113 4.1) at b; returns its length. */
static size_t h2f(uint8_t *b, uint8_t type, uint8_t flags, uint32_t sid, const void *pl,
                  size_t len) {
  b[0] = (uint8_t)(len >> 16);
  b[1] = (uint8_t)(len >> 8);
  b[2] = (uint8_t)len;
  b[3] = type;
  b[4] = flags;
  b[5] = (uint8_t)(sid >> 24);
  b[6] = (uint8_t)(sid >> 16);
  b[7] = (uint8_t)(sid >> 8);
  b[8] = (uint8_t)sid;
  if (len)
    memcpy(b + 9, pl, len);
  return 9 + len;
}

/* RFC 7541 C.3.1-C.3.3: three requests on one connection, the later ones
 * using the dynamic table the earlier ones filled. */
static const uint8_t c31[] = {0x82, 0x86, 0x84, 0x41, 0x0f, 0x77, 0x77, 0x77, 0x2e, 0x65,
                              0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2e, 0x63, 0x6f, 0x6d};
static const uint8_t c32[] = {0x82, 0x86, 0x84, 0xbe, 0x58, 0x08, 0x6e,
                              0x6f, 0x2d, 0x63, 0x61, 0x63, 0x68, 0x65};
static const uint8_t c33[] = {0x82, 0x87, 0x85, 0xbf, 0x40, 0x0a, 0x63, 0x75, 0x73, 0x74,
                              0x6f, 0x6d, 0x2d, 0x6b, 0x65, 0x79, 0x0c, 0x63, 0x75, 0x73,
                              0x74, 0x6f, 0x6d, 0x2d, 0x76, 0x61, 0x6c, 0x75, 0x65};
/* RFC 7541 C.4.1: C.3.1 with Huffman-coded strings. */
static const uint8_t c41[] = {0x82, 0x86, 0x84, 0x41, 0x8c, 0xf1, 0xe3, 0xc2, 0xe5,
                              0xf2, 0x3a, 0x6b, 0xa0, 0xab, 0x90, 0xf4, 0xff};

/* Client preface + SETTINGS (max concurrent streams 100, initial window
 * 65535) + WINDOW_UPDATE 1048576. */
static size_t preface(uint8_t *b) {
  static const uint8_t settings[] = {0, 3, 0, 0, 0, 100, 0, 4, 0, 0, 0xff, 0xff};
  static const uint8_t wu[] = {0, 0x10, 0, 0};
  memcpy(b, magic, 24);
  size_t n = 24;
  n += h2f(b + n, 4, 0, 0, settings, sizeof settings);
  n += h2f(b + n, 8, 0, 0, wu, sizeof wu);
  return n;
}

/* Client ports differ between connections so that the frames written to
 * TU_DUMP_PCAP read as separate conversations. */
static uint16_t next_port = 40000;

static void open_h2(uint16_t port) {
  uint8_t b[128];
  conn_open(&C, next_port++, port);
  dx_packet_free(send_data(&C, 1, b, preface(b)));
}

/* ---- tests ------------------------------------------------------------------ */

static void test_preface_settings(void) {
  uint8_t b[128];
  conn_open(&C, next_port++, 8080); /* HTTP's port: HTTP/1 refuses the preface */
  dx_packet *p = send_data(&C, 1, b, preface(b));
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "HTTP2");
  INFO(p, "Magic, SETTINGS[0], WINDOW_UPDATE[0]");
  EXPECT(p, "http2.magic", "PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n");
  EXPECT(p, "http2.type", "4,8");
  EXPECT(p, "http2.length", "12,4");
  EXPECT(p, "http2.settings.id", "3,4");
  EXPECT(p, "http2.settings.max_concurrent_streams", "100");
  EXPECT(p, "http2.settings.initial_window_size", "65535");
  EXPECT(p, "http2.window_update.window_size_increment", "1048576");
  CU_ASSERT_EQUAL(tu_count(p, "http"), 0);
  CU_ASSERT_FALSE(tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  /* server SETTINGS, then SETTINGS ACK, PING and its ACK */
  size_t n = h2f(b, 4, 0, 0, "\x00\x05\x00\x00\x40\x00", 6);
  n += h2f(b + n, 4, 1, 0, NULL, 0);
  n += h2f(b + n, 6, 1, 0, "12345678", 8);
  p = send_data(&C, 0, b, n);
  INFO(p, "SETTINGS[0], SETTINGS[0], PING[0]");
  EXPECT(p, "http2.settings.max_frame_size", "16384");
  EXPECT(p, "http2.flags.ack.settings", "0,1");
  EXPECT(p, "http2.pong", "3132333435363738");
  CU_ASSERT_EQUAL(tu_count(p, "http2.ping"), 0);
  dx_packet_free(p);
  conn_close(&C);
}

static void test_rfc7541_requests(void) {
  uint8_t b[256];
  open_h2(50080); /* not a registered port: the heuristic */
  dx_packet *p = send_data(&C, 1, b, h2f(b, 1, 0x05, 1, c31, sizeof c31));
  INFO(p, "HEADERS[1]: GET /");
  EXPECT(p, "http2.header.name", ":method,:scheme,:path,:authority");
  EXPECT(p, "http2.header.value", "GET,http,/,www.example.com");
  EXPECT(p, "http2.headers.authority", "www.example.com");
  EXPECT(p, "http2.header.count", "4");
  /* 4 x 8 length bytes + 7+3 + 7+4 + 5+1 + 10+15 */
  EXPECT(p, "http2.header.length", "84");
  EXPECT(p, "http2.header.repr",
         "Indexed Header Field,Indexed Header Field,Indexed Header Field,"
         "Literal Header Field with Incremental Indexing - Indexed Name");
  EXPECT(p, "http2.header.index", "2,6,4,1");
  EXPECT(p, "http2.flags.end_stream", "1");
  EXPECT(p, "http2.flags.eh", "1");
  EXPECT(p, "http2.request.full_uri", "http://www.example.com/");
  dx_packet_free(p);
  /* C.3.2: :authority now comes from the dynamic table (index 62) */
  p = send_data(&C, 1, b, h2f(b, 1, 0x05, 3, c32, sizeof c32));
  EXPECT(p, "http2.header.name", ":method,:scheme,:path,:authority,cache-control");
  EXPECT(p, "http2.header.value", "GET,http,/,www.example.com,no-cache");
  EXPECT(p, "http2.header.index", "2,6,4,62,24");
  dx_packet_free(p);
  p = send_data(&C, 1, b, h2f(b, 1, 0x05, 5, c33, sizeof c33));
  INFO(p, "HEADERS[5]: GET /index.html");
  EXPECT(p, "http2.header.name", ":method,:scheme,:path,:authority,custom-key");
  EXPECT(p, "http2.header.value", "GET,https,/index.html,www.example.com,custom-value");
  EXPECT(p, "http2.headers.scheme", "https");
  EXPECT(p, "http2.header.repr",
         "Indexed Header Field,Indexed Header Field,Indexed Header Field,Indexed Header Field,"
         "Literal Header Field with Incremental Indexing - New Name");
  CU_ASSERT_FALSE(tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  /* the response to stream 1: ":status 200" from the static table (8) */
  uint64_t req_frame = 5; /* 3 handshake frames, the preface, then C.3.1 */
  p = send_data(&C, 0, b, h2f(b, 1, 0x05, 1, "\x88", 1));
  INFO(p, "HEADERS[1]: 200 OK");
  EXPECT(p, "http2.headers.status", "200");
  char want[16];
  snprintf(want, sizeof want, "%llu", (unsigned long long)req_frame);
  EXPECT(p, "http2.request_in", want);
  dx_packet_free(p);
  conn_close(&C);
}

static void test_huffman(void) {
  uint8_t b[256];
  open_h2(50080);
  dx_packet *p = send_data(&C, 1, b, h2f(b, 1, 0x05, 1, c41, sizeof c41));
  EXPECT(p, "http2.header.value", "GET,http,/,www.example.com");
  dx_packet_free(p);
  conn_close(&C);
}

static void test_continuation(void) {
  uint8_t b[256];
  open_h2(50080);
  /* HEADERS without END_HEADERS carrying 5 bytes of C.3.1, then the rest
   * in a CONTINUATION in the next segment. */
  dx_packet *p = send_data(&C, 1, b, h2f(b, 1, 0x01, 1, c31, 5));
  INFO(p, "HEADERS[1]");
  EXPECT(p, "http2.flags.eh", "0");
  CU_ASSERT_EQUAL(tu_count(p, "http2.header"), 0);
  dx_packet_free(p);
  p = send_data(&C, 1, b, h2f(b, 9, 0x04, 1, c31 + 5, sizeof c31 - 5));
  INFO(p, "CONTINUATION[1]: GET /");
  EXPECT(p, "http2.type", "9");
  EXPECT(p, "http2.header.value", "GET,http,/,www.example.com");
  CU_ASSERT_FALSE(tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  /* a CONTINUATION nobody asked for */
  p = send_data(&C, 1, b, h2f(b, 9, 0x04, 3, c32, sizeof c32));
  CU_ASSERT_TRUE(tu_any_flag(p, DX_NODE_MALFORMED));
  dx_packet_free(p);
  conn_close(&C);
}

static void test_split_over_segments(void) {
  uint8_t b[256];
  open_h2(50080);
  size_t n = h2f(b, 1, 0x05, 5, c31, sizeof c31);
  /* the frame header is cut after 5 bytes */
  dx_packet *p = send_data(&C, 1, b, 5);
  CU_ASSERT_EQUAL(tu_count(p, "http2.type"), 0);
  dx_packet_free(p);
  p = send_data(&C, 1, b + 5, n - 5);
  INFO(p, "HEADERS[5]: GET /");
  EXPECT(p, "http2.length", "20");
  EXPECT(p, "http2.headers.path", "/");
  CU_ASSERT_TRUE(find_source(p, "Reassembled TCP") >= 0);
  dx_packet_free(p);
  /* two frames, the second one cut inside its payload */
  size_t m = h2f(b, 6, 0, 0, "abcdefgh", 8);
  size_t k = h2f(b + m, 1, 0x05, 7, c32, sizeof c32);
  p = send_data(&C, 1, b, m + 10);
  INFO(p, "PING[0]");
  dx_packet_free(p);
  p = send_data(&C, 1, b + m + 10, k - 10);
  EXPECT(p, "http2.streamid", "7");
  /* C.3.2 takes :authority from the entry C.3.1 added to the table */
  EXPECT(p, "http2.headers.authority", "www.example.com");
  EXPECT(p, "http2.header.value", "GET,http,/,www.example.com,no-cache");
  dx_packet_free(p);
  conn_close(&C);
}

static void test_broken_hpack(void) {
  uint8_t b[256];
  open_h2(50080);
  /* index 127+ (an integer running past its 5 continuation bytes) */
  static const uint8_t bad[] = {0x82, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f};
  size_t n = h2f(b, 1, 0x05, 1, bad, sizeof bad);
  n += h2f(b + n, 8, 0, 0, "\x00\x00\x10\x00", 4);
  dx_packet *p = send_data(&C, 1, b, n);
  CU_ASSERT_TRUE(tu_any_flag(p, DX_NODE_MALFORMED));
  EXPECT(p, "http2.header.name", ":method");                      /* what came before stays */
  EXPECT(p, "http2.window_update.window_size_increment", "4096"); /* and what follows */
  dx_packet_free(p);
  /* later blocks of this direction: not decoded, noted */
  p = send_data(&C, 1, b, h2f(b, 1, 0x05, 3, c31, sizeof c31));
  CU_ASSERT_EQUAL(tu_count(p, "http2.hpack_context_lost"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "http2.header"), 0);
  dx_packet_free(p);
  /* the other direction has its own context */
  p = send_data(&C, 0, b, h2f(b, 1, 0x05, 3, "\x88", 1));
  EXPECT(p, "http2.headers.status", "200");
  CU_ASSERT_EQUAL(tu_count(p, "http2.hpack_context_lost"), 0);
  dx_packet_free(p);
  conn_close(&C);
}

static void test_padding(void) {
  uint8_t b[256];
  open_h2(50080);
  /* HEADERS, PADDED + PRIORITY: pad 3, exclusive dependency on 0, weight 15 */
  uint8_t pl[64];
  size_t k = 0;
  pl[k++] = 3;
  memcpy(pl + k, "\x80\x00\x00\x00\x0f", 5);
  k += 5;
  memcpy(pl + k, c31, sizeof c31);
  k += sizeof c31;
  memset(pl + k, 0, 3);
  k += 3;
  dx_packet *p = send_data(&C, 1, b, h2f(b, 1, 0x2d, 1, pl, k));
  EXPECT(p, "http2.padding", "0x03");
  EXPECT(p, "http2.pad_length", "3");
  EXPECT(p, "http2.exclusive", "1");
  EXPECT(p, "http2.headers.weight", "15");
  EXPECT(p, "http2.headers.weight_real", "16");
  EXPECT(p, "http2.headers.padding", "000000");
  EXPECT(p, "http2.header.value", "GET,http,/,www.example.com");
  CU_ASSERT_FALSE(tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  /* DATA whose Pad Length (10) is longer than the payload (3 bytes) */
  size_t n = h2f(b, 0, 0x09, 1, "\x0a\x41\x42", 3);
  n += h2f(b + n, 3, 0, 1, "\x00\x00\x00\x08", 4); /* RST_STREAM CANCEL after it */
  p = send_data(&C, 1, b, n);
  CU_ASSERT_TRUE(tu_any_flag(p, DX_NODE_MALFORMED));
  EXPECT(p, "http2.rst_stream.error", "8");
  CU_ASSERT_EQUAL(strncmp(dx_packet_info(p), "DATA[1], RST_STREAM[1]", 22), 0);
  dx_packet_free(p);
  conn_close(&C);
}

static void test_other_frames(void) {
  uint8_t b[256];
  open_h2(50080);
  size_t n = h2f(b, 2, 0, 3, "\x00\x00\x00\x01\xff", 5);              /* PRIORITY */
  n += h2f(b + n, 7, 0, 0, "\x00\x00\x00\x05\x00\x00\x00\x0bhi", 10); /* GOAWAY */
  n += h2f(b + n, 0x42, 0xff, 9, "xyz", 3);                           /* unknown type */
  n += h2f(b + n, 4, 0, 0, "\x00\x63\x00\x00\x00\x01", 6);            /* unknown setting */
  dx_packet *p = send_data(&C, 1, b, n);
  INFO(p, "PRIORITY[3], GOAWAY[0], Unknown type (66)[9], SETTINGS[0]");
  EXPECT(p, "http2.stream_dependency", "1");
  EXPECT(p, "http2.headers.weight_real", "256");
  EXPECT(p, "http2.goaway.last_stream_id", "5");
  EXPECT(p, "http2.goaway.error", "11");
  EXPECT(p, "http2.goaway.addata", "6869");
  EXPECT(p, "http2.unknown", "78797a");
  EXPECT(p, "http2.flags.unused", "0x00,0x00,0xff");
  EXPECT(p, "http2.settings.unknown", "1");
  dx_packet_free(p);
  /* PUSH_PROMISE from the server: promised stream 2, C.4.1's block */
  uint8_t pl[64] = {0, 0, 0, 2};
  memcpy(pl + 4, c41, sizeof c41);
  p = send_data(&C, 0, b, h2f(b, 5, 0x04, 1, pl, 4 + sizeof c41));
  EXPECT(p, "http2.push_promise.promised_stream_id", "2");
  EXPECT(p, "http2.header.value", "GET,http,/,www.example.com");
  dx_packet_free(p);
  conn_close(&C);
}

/* A response HEADERS block: :status 200, content-type text/plain,
 * content-encoding `enc` (literals without indexing, RFC 7541 6.2.2,
 * with indexed names 31 and 26). */
static size_t resp_block(uint8_t *o, const char *enc) {
  size_t k = 0;
  o[k++] = 0x88;
  o[k++] = 0x0f;
  o[k++] = 31 - 15;
  o[k++] = 10;
  memcpy(o + k, "text/plain", 10);
  k += 10;
  if (enc) {
    o[k++] = 0x0f;
    o[k++] = 26 - 15;
    o[k++] = (uint8_t)strlen(enc);
    memcpy(o + k, enc, strlen(enc));
    k += strlen(enc);
  }
  return k;
}

static void test_data_gzip(void) {
  static uint8_t b[8192], z[4096];
  static char text[3000];
  for (size_t i = 0; i < sizeof text; i++)
    text[i] = (i % 61 == 60) ? '\n' : (char)('a' + i % 26);
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  CU_ASSERT_EQUAL_FATAL(deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
  zs.next_in = (Bytef *)text;
  zs.avail_in = sizeof text;
  zs.next_out = z;
  zs.avail_out = sizeof z;
  CU_ASSERT_EQUAL(deflate(&zs, Z_FINISH), Z_STREAM_END);
  size_t zl = sizeof z - zs.avail_out;
  deflateEnd(&zs);

  open_h2(50080);
  dx_packet_free(send_data(&C, 1, b, h2f(b, 1, 0x05, 1, c31, sizeof c31)));
  uint8_t blk[64];
  dx_packet *p = send_data(&C, 0, b, h2f(b, 1, 0x04, 1, blk, resp_block(blk, "gzip")));
  EXPECT(p, "http2.headers.content_type", "text/plain");
  EXPECT(p, "http2.headers.content_encoding", "gzip");
  dx_packet_free(p);
  /* the body in two DATA frames, in two segments */
  size_t half = zl / 2;
  p = send_data(&C, 0, b, h2f(b, 0, 0, 1, z, half));
  INFO(p, "DATA[1]");
  CU_ASSERT_EQUAL(find_source(p, "Uncompressed"), -1);
  dx_packet_free(p);
  p = send_data(&C, 0, b, h2f(b, 0, 0x01, 1, z + half, zl - half));
  INFO(p, "DATA[1] (text/plain)");
  EXPECT(p, "http2.body.fragment.count", "2");
  char want[32];
  snprintf(want, sizeof want, "%zu", zl);
  EXPECT(p, "http2.body.reassembled.length", want);
  CU_ASSERT_TRUE(find_source(p, "Reassembled body") >= 0);
  CU_ASSERT_TRUE(find_source(p, "Uncompressed entity body (3000 bytes)") >= 0);
  CU_ASSERT_EQUAL(tu_count(p, "http2.data.data"), 1);
  CU_ASSERT_EQUAL(strncmp(tu_value(p, "http2.data.data"), "6162636465", 10), 0);
  CU_ASSERT_FALSE(tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  conn_close(&C);
}

static void test_data_brotli(void) {
  uint8_t b[256], blk[64];
  /* RFC 7932 9.2/9.3 by hand: WBITS 16, one uncompressed meta-block
   * (ISLAST 0, MNIBBLES 4, MLEN-1 = 4, ISUNCOMPRESSED 1) holding "hello",
   * then an empty last meta-block (ISLAST 1, ISLASTEMPTY 1). */
  static const uint8_t br[] = {0x40, 0x00, 0x10, 'h', 'e', 'l', 'l', 'o', 0x03};
  open_h2(50080);
  dx_packet_free(send_data(&C, 1, b, h2f(b, 1, 0x05, 1, c31, sizeof c31)));
  dx_packet_free(send_data(&C, 0, b, h2f(b, 1, 0x04, 1, blk, resp_block(blk, "br"))));
  dx_packet *p = send_data(&C, 0, b, h2f(b, 0, 0x01, 1, br, sizeof br));
  CU_ASSERT_TRUE(find_source(p, "Uncompressed entity body (5 bytes)") >= 0);
  EXPECT(p, "http2.data.data", "68656c6c6f");
  dx_packet_free(p);
  /* a broken body is noted, not fatal */
  dx_packet_free(send_data(&C, 1, b, h2f(b, 1, 0x05, 3, c32, sizeof c32)));
  dx_packet_free(send_data(&C, 0, b, h2f(b, 1, 0x04, 3, blk, resp_block(blk, "gzip"))));
  p = send_data(&C, 0, b, h2f(b, 0, 0x01, 3, "not gzip", 8));
  CU_ASSERT_EQUAL(tu_count(p, "http2.body_decompression_failed"), 1);
  dx_packet_free(p);
  conn_close(&C);
}

static void test_oversized(void) {
  uint8_t b[2048];
  open_h2(50080);
  /* a DATA frame claiming 16 MiB - 1 bytes: more than the reassembly cap */
  memset(b, 'x', sizeof b);
  h2f(b, 0, 0, 1, NULL, 0);
  b[0] = b[1] = b[2] = 0xff;
  dx_packet *p = send_data(&C, 1, b, 1000);
  CU_ASSERT_TRUE(tu_any_flag(p, DX_NODE_TRUNCATED));
  EXPECT(p, "http2.length", "16777215");
  CU_ASSERT_TRUE(tu_count(p, "_ws.limit") >= 1);
  dx_packet_free(p);
  /* the rest of it is skipped, never taken for frames */
  for (int i = 0; i < 3; i++) {
    p = send_data(&C, 1, b, sizeof b);
    CU_ASSERT_PTR_NOT_NULL(p);
    CU_ASSERT_EQUAL(tu_count(p, "http2.type"), 0);
    dx_packet_free(p);
  }
  conn_close(&C);
}

static void test_truncation(void) {
  /* every prefix of one frame holding the preface, SETTINGS, HEADERS */
  uint8_t pl[256], b[512];
  size_t n = preface(pl);
  n += h2f(pl + n, 1, 0x05, 1, c33, sizeof c33);
  size_t fl = tf_tcp(b, 1, 40000, 50080, 1000, 5000, TF_PSH | TF_ACK, 64240, NULL, 0, pl, n);
  CU_ASSERT_EQUAL(tu_truncate_all(1, b, fl), 0);
  /* and every cut of a HEADERS + padded DATA into two segments */
  size_t m = h2f(pl, 1, 0x05, 1, c31, sizeof c31);
  m += h2f(pl + m, 0, 0x09, 1, "\x02hi\0\0", 5);
  for (size_t cut = 1; cut < m; cut++) {
    open_h2(50080);
    dx_packet *p1 = send_data(&C, 1, pl, cut);
    dx_packet *p = send_data(&C, 1, pl + cut, m - cut);
    /* the HEADERS frame is whole in the first segment from 29 bytes on */
    EXPECT(cut >= 29 ? p1 : p, "http2.headers.path", "/");
    EXPECT(p, "http2.data.data", "6869");
    CU_ASSERT_FALSE(tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
    dx_packet_free(p1);
    dx_packet_free(p);
    conn_close(&C);
  }
}

static void test_garbage(void) {
  /* random-ish bytes after the preface never crash nor loop */
  uint8_t b[1024];
  uint32_t x = 12345;
  for (int round = 0; round < 50; round++) {
    open_h2(50080);
    for (size_t i = 0; i < sizeof b; i++) {
      x = x * 1103515245u + 12345u;
      b[i] = (uint8_t)(x >> 16);
    }
    /* small lengths so that several frames fit */
    for (size_t i = 0; i + 9 < sizeof b; i += 37)
      b[i] = 0, b[i + 1] = 0;
    dx_packet *p = send_data(&C, round & 1, b, sizeof b);
    CU_ASSERT_PTR_NOT_NULL(p);
    dx_packet_free(p);
    conn_close(&C);
  }
}

int main(void) {
  CU_TestInfo tests[] = {
      {"preface and SETTINGS", test_preface_settings},
      {"RFC 7541 C.3 requests", test_rfc7541_requests},
      {"RFC 7541 C.4 Huffman", test_huffman},
      {"CONTINUATION", test_continuation},
      {"frame split over segments", test_split_over_segments},
      {"broken HPACK block", test_broken_hpack},
      {"padding and priority", test_padding},
      {"PRIORITY, GOAWAY, PUSH_PROMISE, unknown", test_other_frames},
      {"DATA reassembled, gzip", test_data_gzip},
      {"DATA br, broken gzip", test_data_brotli},
      {"oversized frame length", test_oversized},
      {"truncation", test_truncation},
      {"garbage", test_garbage},
      CU_TEST_INFO_NULL,
  };
  return tu_run("http2", tests);
}
