/* Connection stories (include/dissect/story.h) from hand-made frames: a DNS
 * lookup over UDP, then an HTTP/1.1 exchange over TCP, at times chosen
 * here, so every expected frame number and time below is counted by hand
 * from the frames this file sends; caps, the byte budget, hostile strings
 * in the exports, truncated frames and the API's errors.
 * (TU_DUMP_PCAP=FILE writes the frames to a pcap for tshark.) */
#include "tcpframe.h"
#include "testutil.h"

#include <dissect/story.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

typedef struct conn {
  dx_session *s;
  dx_story *st;
  dx_follow *fw;   /* when set, TCP packets are followed too */
  dx_packet *last; /* when keep_last: the last packet fed */
  int keep_last;
  uint16_t cport, sport;
  uint32_t cseq, sseq;
  uint8_t buf[4096];
} conn;

static void feed(conn *c, size_t n, uint64_t usec) {
  dx_packet *p = tf_feed(c->s, c->buf, n, usec);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(dx_story_add_packet(c->st, p), DX_OK);
  if (c->fw && dx_packet_find_name(p, "tcp.stream"))
    CU_ASSERT_EQUAL(dx_follow_add_packet(c->fw, p), DX_OK);
  if (c->keep_last) {
    dx_packet_free(c->last);
    c->last = p;
    return;
  }
  dx_packet_free(p);
}
static void tcp(conn *c, int c2s, unsigned flags, const char *data, uint64_t usec) {
  size_t len = data ? strlen(data) : 0;
  size_t n = c2s ? tf_tcp(c->buf, 1, c->cport, c->sport, c->cseq, c->sseq, flags, 64240, NULL, 0,
                          (const uint8_t *)data, len)
                 : tf_tcp(c->buf, 0, c->cport, c->sport, c->sseq, c->cseq, flags, 65160, NULL, 0,
                          (const uint8_t *)data, len);
  uint32_t adv = (uint32_t)len + ((flags & (TF_SYN | TF_FIN)) ? 1 : 0);
  if (c2s)
    c->cseq += adv;
  else
    c->sseq += adv;
  feed(c, n, usec);
}
static void handshake(conn *c, uint16_t cport, uint16_t sport, uint64_t usec) {
  c->cport = cport;
  c->sport = sport;
  c->cseq = 1000;
  c->sseq = 5000;
  tcp(c, 1, TF_SYN, NULL, usec);
  c->cseq = 1001; /* the SYN/ACK acknowledges the SYN */
  tcp(c, 0, TF_SYN | TF_ACK, NULL, usec + 50);
  tcp(c, 1, TF_ACK, NULL, usec + 100);
}

/* DNS: www.example.test A, answered with 10.0.0.2 (RFC 1035 4.1). */
static const uint8_t dns_query[] = {0x12, 0x34, 0x01, 0x00, 0,   1,   0,   0,   0,   0,   0,   0,
                                    3,    'w',  'w',  'w',  7,   'e', 'x', 'a', 'm', 'p', 'l', 'e',
                                    4,    't',  'e',  's',  't', 0,   0,   1,   0,   1};
static const uint8_t dns_answer[] = {
    0x12, 0x34, 0x81, 0x80, 0,   1,   0,   1, 0,   0,   0,   0,   3,  'w', 'w', 'w', 7,
    'e',  'x',  'a',  'm',  'p', 'l', 'e', 4, 't', 'e', 's', 't', 0,  0,   1,   0,   1,
    0xc0, 0x0c, 0,    1,    0,   1,   0,   0, 1,   44,  0,   4,   10, 0,   0,   2};

static void setup(conn *c, const dx_story_config *cfg, const dx_config *scfg) {
  memset(c, 0, sizeof *c);
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&c->s, scfg), DX_OK);
  CU_ASSERT_EQUAL_FATAL(dx_story_new(&c->st, c->s, cfg), DX_OK);
}
static void teardown(conn *c) {
  dx_story_free(c->st);
  dx_session_free(c->s);
}

/* Frames (time in µs after the first frame):
 *   1 (0)       DNS query      10.0.0.1:40000 -> 10.0.0.2:53
 *   2 (300)     DNS response   A 10.0.0.2
 *   3 (1000)    SYN            10.0.0.1:41000 -> 10.0.0.2:80
 *   4 (1050)    SYN, ACK
 *   5 (1100)    ACK
 *   6 (2000)    GET /x HTTP/1.1
 *   7 (2400)    HTTP/1.1 200 OK, Content-Length: 5, "hello"
 *   8 (3000)    FIN from the server
 *   9 (3100)    FIN from the client */
static void full_story(conn *c) {
  size_t n = tf_udp(c->buf, 1, 40000, 53, dns_query, sizeof dns_query, 0);
  feed(c, n, 0);
  n = tf_udp(c->buf, 0, 40000, 53, dns_answer, sizeof dns_answer, 0);
  feed(c, n, 300);
  handshake(c, 41000, 80, 1000);
  tcp(c, 1, TF_PSH | TF_ACK, "GET /x HTTP/1.1\r\nHost: www.example.test\r\n\r\n", 2000);
  tcp(c, 0, TF_PSH | TF_ACK, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 2400);
  tcp(c, 0, TF_FIN | TF_ACK, NULL, 3000);
  tcp(c, 1, TF_FIN | TF_ACK, NULL, 3100);
  CU_ASSERT_EQUAL(dx_story_finish(c->st), DX_OK);
}

static void test_full_story(void) {
  conn c;
  setup(&c, NULL, NULL);
  full_story(&c);
  CU_ASSERT_EQUAL_FATAL(dx_story_count(c.st), 1);
  const dx_story_conn *k = dx_story_conn_at(c.st, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(k);
  CU_ASSERT_PTR_NULL(dx_story_conn_at(c.st, 1));
  CU_ASSERT_EQUAL(k->stream, 0);
  CU_ASSERT_STRING_EQUAL(k->client.addr, "10.0.0.1");
  CU_ASSERT_EQUAL(k->client.port, 41000);
  CU_ASSERT_STRING_EQUAL(k->server.addr, "10.0.0.2");
  CU_ASSERT_EQUAL(k->server.port, 80);
  CU_ASSERT_STRING_EQUAL(k->server_name, "www.example.test"); /* the Host header */
  CU_ASSERT_EQUAL(k->packets[0], 4);
  CU_ASSERT_EQUAL(k->packets[1], 3);
  /* DNS */
  CU_ASSERT_TRUE(k->dns.found);
  CU_ASSERT_STRING_EQUAL(k->dns.name, "www.example.test");
  CU_ASSERT_STRING_EQUAL(k->dns.qtype, "A");
  CU_ASSERT_STRING_EQUAL(k->dns.answers, "10.0.0.2");
  CU_ASSERT_EQUAL(k->dns.query.frame, 1);
  CU_ASSERT_EQUAL(k->dns.query.time_ns, 0);
  CU_ASSERT_EQUAL(k->dns.response.frame, 2);
  CU_ASSERT_EQUAL(k->dns.response.time_ns, 300000);
  /* TCP */
  CU_ASSERT_EQUAL(k->tcp.syn.frame, 3);
  CU_ASSERT_EQUAL(k->tcp.syn.time_ns, 1000000);
  CU_ASSERT_EQUAL(k->tcp.synack.frame, 4);
  CU_ASSERT_EQUAL(k->tcp.ack.frame, 5);
  CU_ASSERT_EQUAL(k->tcp.ack.time_ns, 1100000);
  CU_ASSERT_EQUAL(k->tcp.handshake_rtt_ns, 100000); /* SYN to ACK */
  CU_ASSERT_EQUAL(k->tcp.closed_by, DX_STORY_SERVER);
  CU_ASSERT_FALSE(k->tcp.reset);
  CU_ASSERT_EQUAL(k->tcp.close.frame, 8);
  CU_ASSERT_EQUAL(k->tcp.retransmissions, 0);
  CU_ASSERT_FALSE(k->tls.present);
  /* HTTP */
  CU_ASSERT_EQUAL_FATAL(k->nexchanges, 1);
  const dx_story_exchange *x = &k->exchanges[0];
  CU_ASSERT_EQUAL(x->http_version, 1);
  CU_ASSERT_STRING_EQUAL(x->method, "GET");
  CU_ASSERT_STRING_EQUAL(x->uri, "/x");
  CU_ASSERT_EQUAL(x->status, 200);
  CU_ASSERT_STRING_EQUAL(x->reason, "OK");
  CU_ASSERT_EQUAL(x->request.frame, 6);
  CU_ASSERT_EQUAL(x->first_byte.frame, 7);
  CU_ASSERT_EQUAL(x->response.frame, 7);
  CU_ASSERT_EQUAL(x->ttfb_ns, 400000);
  CU_ASSERT_EQUAL(x->response_time_ns, 400000);
  CU_ASSERT_EQUAL(x->request_body_bytes, 0);
  CU_ASSERT_EQUAL(x->response_body_bytes, 5);
  /* phases */
  CU_ASSERT_TRUE(k->phases[DX_STORY_PHASE_DNS].present);
  CU_ASSERT_EQUAL(k->phases[DX_STORY_PHASE_DNS].duration_ns, 300000);
  CU_ASSERT_TRUE(k->phases[DX_STORY_PHASE_TCP].present);
  CU_ASSERT_EQUAL(k->phases[DX_STORY_PHASE_TCP].duration_ns, 100000);
  CU_ASSERT_FALSE(k->phases[DX_STORY_PHASE_TLS].present);
  CU_ASSERT_TRUE(k->phases[DX_STORY_PHASE_WAIT].present);
  CU_ASSERT_EQUAL(k->phases[DX_STORY_PHASE_WAIT].duration_ns, 400000);
  CU_ASSERT_EQUAL(k->before_first_byte_ns, 2400000); /* DNS query to the first byte */
  CU_ASSERT_EQUAL(k->before_first_byte_start.frame, 1);
  CU_ASSERT_EQUAL(k->before_first_byte_end.frame, 7);
  /* the ladder */
  static const struct {
    uint64_t frame;
    int from, to;
    const char *label;
    unsigned rtt;
  } want[] = {
      {1, DX_STORY_CLIENT, DX_STORY_RESOLVER, "DNS query A www.example.test", 0},
      {2, DX_STORY_RESOLVER, DX_STORY_CLIENT, "DNS response 10.0.0.2", 0},
      {3, DX_STORY_CLIENT, DX_STORY_SERVER, "SYN", 1},
      {4, DX_STORY_SERVER, DX_STORY_CLIENT, "SYN, ACK", 0},
      {5, DX_STORY_CLIENT, DX_STORY_SERVER, "ACK", 2},
      {6, DX_STORY_CLIENT, DX_STORY_SERVER, "GET /x", 0},
      {7, DX_STORY_SERVER, DX_STORY_CLIENT, "200 OK", 0},
      {8, DX_STORY_SERVER, DX_STORY_CLIENT, "FIN", 0},
      {9, DX_STORY_CLIENT, DX_STORY_SERVER, "FIN", 3},
  };
  CU_ASSERT_EQUAL_FATAL(k->nevents, ARRAY_LEN(want));
  for (size_t i = 0; i < ARRAY_LEN(want); i++) {
    CU_ASSERT_EQUAL(k->events[i].at.frame, want[i].frame);
    CU_ASSERT_EQUAL(k->events[i].from, want[i].from);
    CU_ASSERT_EQUAL(k->events[i].to, want[i].to);
    CU_ASSERT_STRING_EQUAL(k->events[i].label, want[i].label);
    CU_ASSERT_EQUAL(k->events[i].rtt, want[i].rtt);
  }
  CU_ASSERT_TRUE(dx_story_bytes(c.st) > 0);
  teardown(&c);
}

/* The exports hold what the story holds, times exact. */
static void test_exports(void) {
  conn c;
  setup(&c, NULL, NULL);
  full_story(&c);
  static const char *const want[][3] = {
      {"json", "\"ttfb_ns\": 400000, \"ttfb\": \"0.000400000\"",
       "\"handshake_rtt_ns\": 100000, \"handshake_rtt\": \"0.000100000\""},
      {"text", "  DNS: www.example.test A -> 10.0.0.2", "closed by the server with FIN"},
      {"mermaid", "sequenceDiagram\n", "C0->>S0: frame 6 at 0.002000000 s: GET /x"},
      {"svg", "viewBox=\"0 0 1600 900\"", ">GET /x</text>"},
  };
  for (size_t i = 0; i < ARRAY_LEN(want); i++) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    int fmt = dx_story_format_parse(want[i][0]);
    CU_ASSERT_TRUE(fmt >= 0);
    CU_ASSERT_EQUAL(dx_story_write(f, c.st, (dx_story_format)fmt, 0), DX_OK);
    fclose(f);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, want[i][1]));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, want[i][2]));
    if (!strstr(buf, want[i][1]) || !strstr(buf, want[i][2]))
      fprintf(stderr, "\n--- %s:\n%s\n", want[i][0], buf);
    free(buf);
  }
  /* only the marked connections: none here */
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  CU_ASSERT_EQUAL(dx_story_write(f, c.st, DX_STORY_JSON, DX_STORY_MARKED_ONLY), DX_OK);
  fclose(f);
  CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"connections\": []"));
  free(buf);
  teardown(&c);
}

/* A request target with markup, entity and control bytes comes out escaped
 * in every format. */
static void test_hostile_strings(void) {
  conn c;
  setup(&c, NULL, NULL);
  handshake(&c, 42000, 80, 0);
  tcp(&c, 1, TF_PSH | TF_ACK, "GET /<svg>&a;#\"'\x1b[2J HTTP/1.1\r\nHost: h\r\n\r\n", 500);
  tcp(&c, 0, TF_PSH | TF_ACK, "HTTP/1.1 404 Not <Found>\r\nContent-Length: 0\r\n\r\n", 900);
  CU_ASSERT_EQUAL(dx_story_finish(c.st), DX_OK);
  for (int fmt = DX_STORY_TEXT; fmt <= DX_STORY_SVG; fmt++) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CU_ASSERT_EQUAL(dx_story_write(f, c.st, (dx_story_format)fmt, 0), DX_OK);
    fclose(f);
    CU_ASSERT_PTR_NULL(memchr(buf, 0x1b, len)); /* never a raw ESC */
    if (fmt == DX_STORY_SVG) {
      CU_ASSERT_PTR_NULL(strstr(buf, "<svg>&a"));
      CU_ASSERT_PTR_NOT_NULL(strstr(buf, "GET /&lt;svg&gt;&amp;a;#&quot;&#39;\\033[2J"));
      CU_ASSERT_PTR_NOT_NULL(strstr(buf, "404 Not &lt;Found&gt;"));
    }
    if (fmt == DX_STORY_MERMAID)
      CU_ASSERT_PTR_NOT_NULL(strstr(buf, "GET /#lt;svg#gt;&a#59;#35;#quot;'\\033[2J"));
    if (fmt == DX_STORY_JSON)
      CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"uri\": \"/<svg>&a;#\\\"'\\\\033[2J\""));
    free(buf);
  }
  teardown(&c);
}

/* max_connections: the fourth connection is counted, not told; max_events:
 * a connection keeps at most that many steps and counts the rest. */
static void test_caps(void) {
  dx_story_config cfg;
  dx_story_config_init(&cfg);
  CU_ASSERT_EQUAL(cfg.max_connections, 4096);
  cfg.max_connections = 3;
  cfg.max_events = 10;
  conn c;
  setup(&c, &cfg, NULL);
  for (int i = 0; i < 4; i++)
    handshake(&c, (uint16_t)(43000 + i), 9999, (uint64_t)i * 1000);
  /* 20 data segments in turn on the last connection told */
  c.cport = 43002;
  c.cseq = 1001;
  c.sseq = 5001;
  for (int i = 0; i < 20; i++)
    tcp(&c, i % 2 == 0, TF_PSH | TF_ACK, "data", 10000 + (uint64_t)i * 10);
  CU_ASSERT_EQUAL(dx_story_finish(c.st), DX_OK);
  CU_ASSERT_EQUAL(dx_story_count(c.st), 3);
  CU_ASSERT_EQUAL(dx_story_dropped(c.st), 1);
  const dx_story_conn *k = dx_story_conn_at(c.st, 2);
  CU_ASSERT_TRUE(k->nevents <= 10);
  CU_ASSERT_EQUAL(k->nevents + k->events_dropped, 3 + 20);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  CU_ASSERT_EQUAL(dx_story_write(f, c.st, DX_STORY_TEXT, 0), DX_OK);
  fclose(f);
  CU_ASSERT_PTR_NOT_NULL(strstr(buf, "more steps not kept (cap reached)"));
  CU_ASSERT_PTR_NOT_NULL(strstr(buf, "1 connections not told"));
  free(buf);
  teardown(&c);
}

/* The story's memory counts in the session's byte budget: with a budget
 * smaller than one connection's story, the connection is counted, not
 * kept, and dissection goes on. */
static void test_budget(void) {
  dx_config scfg;
  dx_config_init(&scfg);
  scfg.max_total_stream_bytes = 2048;
  conn c;
  setup(&c, NULL, &scfg);
  handshake(&c, 44000, 80, 0);
  CU_ASSERT_EQUAL(dx_story_finish(c.st), DX_OK);
  CU_ASSERT_EQUAL(dx_story_count(c.st), 0);
  CU_ASSERT_EQUAL(dx_story_dropped(c.st), 1);
  CU_ASSERT_TRUE(dx_story_bytes(c.st) <= 2048);
  teardown(&c);
}

/* Every prefix of a data frame, and of a DNS response: no crash, and the
 * story still finishes. */
static void test_truncated(void) {
  conn c;
  setup(&c, NULL, NULL);
  handshake(&c, 45000, 80, 0);
  uint8_t frame[600];
  const char *req = "GET /truncated HTTP/1.1\r\nHost: t\r\n\r\n";
  size_t n = tf_tcp(frame, 1, 45000, 80, 1001, 5001, TF_PSH | TF_ACK, 64240, NULL, 0,
                    (const uint8_t *)req, strlen(req));
  for (size_t len = 0; len < n; len++) {
    memcpy(c.buf, frame, len);
    feed(&c, len, 1000 + len);
  }
  n = tf_udp(frame, 0, 40000, 53, dns_answer, sizeof dns_answer, 0);
  for (size_t len = 0; len < n; len++) {
    memcpy(c.buf, frame, len);
    feed(&c, len, 5000 + len);
  }
  CU_ASSERT_EQUAL(dx_story_finish(c.st), DX_OK);
  CU_ASSERT_EQUAL(dx_story_count(c.st), 1);
  teardown(&c);
}

static void test_api(void) {
  conn c;
  setup(&c, NULL, NULL);
  FILE *f = fopen("/dev/null", "w");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  CU_ASSERT_EQUAL(dx_story_write(f, c.st, DX_STORY_TEXT, 0), DX_EINVAL); /* not finished */
  CU_ASSERT_EQUAL(dx_story_finish(c.st), DX_OK);
  CU_ASSERT_EQUAL(dx_story_write(f, c.st, (dx_story_format)7, 0), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_story_write(f, c.st, DX_STORY_SVG, 0), DX_OK);
  fclose(f);
  uint8_t b[100];
  size_t n = tf_tcp(b, 1, 1, 2, 0, 0, TF_SYN, 100, NULL, 0, NULL, 0);
  dx_packet *p = tf_feed(c.s, b, n, 0);
  CU_ASSERT_EQUAL(dx_story_add_packet(c.st, p), DX_EINVAL); /* after finish */
  dx_packet_free(p);
  CU_ASSERT_EQUAL(dx_story_new(NULL, c.s, NULL), DX_EINVAL);
  dx_story *st = NULL;
  CU_ASSERT_EQUAL(dx_story_new(&st, NULL, NULL), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_story_format_parse("svg"), DX_STORY_SVG);
  CU_ASSERT_EQUAL(dx_story_format_parse("mermaid"), DX_STORY_MERMAID);
  CU_ASSERT_EQUAL(dx_story_format_parse("png"), -1);
  CU_ASSERT_EQUAL(dx_story_format_parse(NULL), -1);
  dx_story_free(NULL);
  teardown(&c);
}

/* The ladder's one-line lesson, finding a connection, the connection of a
 * packet. */
static void test_summary(void) {
  conn c;
  setup(&c, NULL, NULL);
  full_story(&c);
  const dx_story_conn *k = dx_story_find(c.st, DX_STORY_TRANSPORT_TCP, 0);
  CU_ASSERT_PTR_EQUAL(k, dx_story_conn_at(c.st, 0));
  CU_ASSERT_PTR_NULL(dx_story_find(c.st, DX_STORY_TRANSPORT_QUIC, 0));
  CU_ASSERT_PTR_NULL(dx_story_find(c.st, DX_STORY_TRANSPORT_TCP, 1));
  CU_ASSERT_EQUAL(k->transport, DX_STORY_TRANSPORT_TCP);
  char buf[200];
  /* SYN in RTT 1, ACK starts RTT 2, the GET leaves in it (no reply between) */
  size_t l = dx_story_summary(k, buf, sizeof buf);
  CU_ASSERT_STRING_EQUAL(buf, "First request in RTT 2 (RTT 1: TCP handshake)");
  CU_ASSERT_EQUAL(l, strlen(buf));
  l = dx_story_summary(k, buf, 6);
  CU_ASSERT_STRING_EQUAL(buf, "First");
  CU_ASSERT_EQUAL(l, 5);
  CU_ASSERT_EQUAL(dx_story_summary(NULL, buf, sizeof buf), 0);
  CU_ASSERT_STRING_EQUAL(buf, "");
  teardown(&c);
  /* the connection of a packet: a TCP segment, not a DNS datagram */
  setup(&c, NULL, NULL);
  c.keep_last = 1;
  size_t n = tf_udp(c.buf, 1, 40000, 53, dns_query, sizeof dns_query, 0);
  feed(&c, n, 0);
  int t = -1;
  uint32_t id = 99;
  CU_ASSERT_EQUAL(dx_story_packet_connection(c.last, &t, &id), 0);
  handshake(&c, 41000, 80, 1000);
  CU_ASSERT_EQUAL(dx_story_packet_connection(c.last, &t, &id), 1);
  CU_ASSERT_EQUAL(t, DX_STORY_TRANSPORT_TCP);
  CU_ASSERT_EQUAL(id, 0);
  CU_ASSERT_EQUAL(dx_story_packet_connection(NULL, &t, &id), 0);
  dx_packet_free(c.last);
  teardown(&c);
}

/* Following the HTTP connection of full_story(): the two payloads, their
 * sides and frames (6 and 7, counted above), the ends; a cap. */
static void test_follow(void) {
  conn c;
  setup(&c, NULL, NULL);
  CU_ASSERT_EQUAL_FATAL(dx_follow_new(&c.fw, c.s, 0), DX_OK);
  full_story(&c);
  const dx_follow_info *in = dx_follow_get_info(c.fw);
  CU_ASSERT_STRING_EQUAL(in->client_addr, "10.0.0.1");
  CU_ASSERT_EQUAL(in->client_port, 41000);
  CU_ASSERT_STRING_EQUAL(in->server_addr, "10.0.0.2");
  CU_ASSERT_EQUAL(in->server_port, 80);
  CU_ASSERT_FALSE(in->tls);
  CU_ASSERT_FALSE(in->quic);
  CU_ASSERT_FALSE(in->truncated);
  const char *req = "GET /x HTTP/1.1\r\nHost: www.example.test\r\n\r\n";
  const char *resp = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
  CU_ASSERT_EQUAL_FATAL(dx_follow_count(c.fw), 2);
  CU_ASSERT_EQUAL(in->chunks[DX_FOLLOW_PAYLOAD], 2);
  CU_ASSERT_EQUAL(in->bytes[DX_FOLLOW_PAYLOAD][0], strlen(req));
  CU_ASSERT_EQUAL(in->bytes[DX_FOLLOW_PAYLOAD][1], strlen(resp));
  const dx_follow_chunk *k = dx_follow_chunk_at(c.fw, 0);
  CU_ASSERT_EQUAL(k->dir, 0);
  CU_ASSERT_EQUAL(k->kind, DX_FOLLOW_PAYLOAD);
  CU_ASSERT_EQUAL(k->frame, 6);
  CU_ASSERT_EQUAL(k->len, strlen(req));
  CU_ASSERT_EQUAL(memcmp(k->data, req, k->len), 0);
  k = dx_follow_chunk_at(c.fw, 1);
  CU_ASSERT_EQUAL(k->dir, 1);
  CU_ASSERT_EQUAL(k->frame, 7);
  CU_ASSERT_EQUAL(memcmp(k->data, resp, k->len), 0);
  CU_ASSERT_PTR_NULL(dx_follow_chunk_at(c.fw, 2));
  dx_follow_free(c.fw);
  teardown(&c);
  /* a cap of 50 bytes keeps the request (43 bytes) and drops the response (43) */
  setup(&c, NULL, NULL);
  CU_ASSERT_EQUAL_FATAL(dx_follow_new(&c.fw, c.s, 50), DX_OK);
  full_story(&c);
  CU_ASSERT_EQUAL(dx_follow_count(c.fw), 1);
  CU_ASSERT_TRUE(dx_follow_get_info(c.fw)->truncated);
  dx_follow_free(c.fw);
  teardown(&c);
  /* API errors */
  dx_follow *f = NULL;
  CU_ASSERT_EQUAL(dx_follow_new(&f, NULL, 0), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_follow_new(NULL, NULL, 0), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_follow_add_packet(NULL, NULL), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_follow_count(NULL), 0);
  CU_ASSERT_PTR_NULL(dx_follow_get_info(NULL));
  dx_follow_free(NULL);
}

static void test_layer_roles(void) {
  const char *unit = NULL;
  CU_ASSERT_STRING_EQUAL(dx_layer_role("eth", &unit), "Link");
  CU_ASSERT_STRING_EQUAL(unit, "frame");
  CU_ASSERT_STRING_EQUAL(dx_layer_role("ip", &unit), "Network");
  CU_ASSERT_STRING_EQUAL(unit, "packet");
  CU_ASSERT_STRING_EQUAL(dx_layer_role("tcp", &unit), "Transport");
  CU_ASSERT_STRING_EQUAL(unit, "segment");
  CU_ASSERT_STRING_EQUAL(dx_layer_role("udp", &unit), "Transport");
  CU_ASSERT_STRING_EQUAL(unit, "datagram");
  CU_ASSERT_STRING_EQUAL(dx_layer_role("tls", &unit), "Security");
  CU_ASSERT_STRING_EQUAL(unit, "record");
  CU_ASSERT_STRING_EQUAL(dx_layer_role("http", &unit), "Application");
  CU_ASSERT_STRING_EQUAL(unit, "message");
  CU_ASSERT_PTR_NULL(dx_layer_role("frame", &unit));
  CU_ASSERT_PTR_NULL(unit);
  CU_ASSERT_PTR_NULL(dx_layer_role(NULL, NULL));
}

int main(void) {
  CU_TestInfo tests[] = {{"a DNS lookup then HTTP/1.1: every frame and time", test_full_story},
                         {"text, JSON, Mermaid, SVG exports", test_exports},
                         {"hostile strings are escaped in every export", test_hostile_strings},
                         {"caps on connections and events, reported", test_caps},
                         {"the session's byte budget", test_budget},
                         {"truncated frames", test_truncated},
                         {"API errors", test_api},
                         {"layer roles", test_layer_roles},
                         {"the ladder's lesson, connections of packets", test_summary},
                         {"following a connection", test_follow},
                         CU_TEST_INFO_NULL};
  return tu_run("story", tests);
}
