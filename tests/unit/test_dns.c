/* DNS (RFC 1035 and friends) from hand-made messages in Ethernet/IPv4/UDP
 * and Ethernet/IPv4/TCP frames. Expected values come from the RFCs, from
 * hand calculation, and from tshark 4.0 run on the same messages. */
#include "testutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- building messages ---------------------------------------------------- */

typedef struct msg {
  uint8_t b[2048];
  size_t n;
} msg;

static void put(msg *m, const void *p, size_t n) {
  memcpy(m->b + m->n, p, n);
  m->n += n;
}
static void put8(msg *m, unsigned v) {
  m->b[m->n++] = (uint8_t)v;
}
static void put16(msg *m, unsigned v) {
  put8(m, v >> 8);
  put8(m, v & 0xff);
}
static void put32(msg *m, uint32_t v) {
  put16(m, v >> 16);
  put16(m, v & 0xffff);
}
/* Labels of a dotted name, without the terminating root label. */
static void put_labels(msg *m, const char *name) {
  while (*name) {
    size_t l = strcspn(name, ".");
    put8(m, (unsigned)l);
    put(m, name, l);
    name += l;
    if (*name == '.')
      name++;
  }
}
static void put_name(msg *m, const char *name) {
  put_labels(m, name);
  put8(m, 0);
}
static void put_ptr(msg *m, unsigned off) {
  put16(m, 0xc000 | off);
}
static void put_header(msg *m, unsigned id, unsigned flags, unsigned qd, unsigned an, unsigned ns,
                       unsigned ar) {
  m->n = 0;
  put16(m, id);
  put16(m, flags);
  put16(m, qd);
  put16(m, an);
  put16(m, ns);
  put16(m, ar);
}
/* Owner name (already written), then type, class, TTL; returns where
 * RDLENGTH goes so that rr_end() can fill it. */
static size_t rr_begin(msg *m, unsigned type, unsigned cls, uint32_t ttl) {
  put16(m, type);
  put16(m, cls);
  put32(m, ttl);
  size_t at = m->n;
  put16(m, 0);
  return at;
}
static void rr_end(msg *m, size_t at) {
  size_t len = m->n - at - 2;
  m->b[at] = (uint8_t)(len >> 8);
  m->b[at + 1] = (uint8_t)len;
}

/* ---- frames ------------------------------------------------------------------ */

static const uint8_t client_ip[4] = {10, 0, 0, 1}, server_ip[4] = {10, 0, 0, 2};

static uint16_t ip_checksum(const uint8_t *h, size_t n) {
  uint32_t s = 0;
  for (size_t i = 0; i + 1 < n; i += 2)
    s += (uint32_t)(h[i] << 8 | h[i + 1]);
  while (s >> 16)
    s = (s & 0xffff) + (s >> 16);
  return (uint16_t)~s;
}

/* Ethernet + IPv4 (20 bytes) header for a payload of `l4len` bytes. */
static size_t put_eth_ip(uint8_t *f, int to_server, uint8_t proto, size_t l4len) {
  static const uint8_t macs[12] = {0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1};
  memcpy(f, macs, 12);
  f[12] = 0x08;
  f[13] = 0x00;
  uint8_t *ip = f + 14;
  size_t tot = 20 + l4len;
  uint8_t h[20] = {0x45, 0, (uint8_t)(tot >> 8), (uint8_t)tot, 0, 1, 0x40, 0, 64, proto};
  memcpy(h + 12, to_server ? client_ip : server_ip, 4);
  memcpy(h + 16, to_server ? server_ip : client_ip, 4);
  uint16_t c = ip_checksum(h, 20);
  h[10] = (uint8_t)(c >> 8);
  h[11] = (uint8_t)c;
  memcpy(ip, h, 20);
  return 34;
}

/* A UDP frame between 10.0.0.1:cport and 10.0.0.2:53. */
static size_t udp_frame(uint8_t *f, int to_server, unsigned cport, const msg *m) {
  size_t o = put_eth_ip(f, to_server, 17, 8 + m->n);
  unsigned sp = to_server ? cport : 53, dp = to_server ? 53 : cport;
  uint8_t u[8] = {(uint8_t)(sp >> 8),
                  (uint8_t)sp,
                  (uint8_t)(dp >> 8),
                  (uint8_t)dp,
                  (uint8_t)((8 + m->n) >> 8),
                  (uint8_t)(8 + m->n),
                  0,
                  0};
  memcpy(f + o, u, 8);
  memcpy(f + o + 8, m->b, m->n);
  return o + 8 + m->n;
}

enum { SYN = 0x02, ACK = 0x10, PSH = 0x08 };

/* A TCP frame (20-byte header) between 10.0.0.1:cport and 10.0.0.2:53. */
static size_t tcp_frame(uint8_t *f, int to_server, unsigned cport, uint32_t seq, uint32_t ack,
                        unsigned flags, const uint8_t *pl, size_t n) {
  size_t o = put_eth_ip(f, to_server, 6, 20 + n);
  unsigned sp = to_server ? cport : 53, dp = to_server ? 53 : cport;
  uint8_t t[20] = {(uint8_t)(sp >> 8),
                   (uint8_t)sp,
                   (uint8_t)(dp >> 8),
                   (uint8_t)dp,
                   (uint8_t)(seq >> 24),
                   (uint8_t)(seq >> 16),
                   (uint8_t)(seq >> 8),
                   (uint8_t)seq,
                   (uint8_t)(ack >> 24),
                   (uint8_t)(ack >> 16),
                   (uint8_t)(ack >> 8),
                   (uint8_t)ack,
                   0x50,
                   (uint8_t)flags,
                   0xff,
                   0xff,
                   0,
                   0,
                   0,
                   0};
  memcpy(f + o, t, 20);
  if (n)
    memcpy(f + o + 20, pl, n);
  return o + 20 + n;
}

static dx_packet *send_udp(dx_session **s, int to_server, const msg *m) {
  static uint8_t f[2200];
  size_t n = udp_frame(f, to_server, 40000, m);
  return tu_dissect(s, 1, f, n);
}

static int node_flag_under(const dx_packet *p, const char *name, unsigned flag) {
  for (const dx_node *n = dx_packet_find_name(p, name); n; n = dx_packet_find_next(p, n))
    if (dx_node_flags(n) & flag)
      return 1;
  return 0;
}

/* ---- messages used by several tests ---------------------------------------- */

/* Standard query 0x1a2b, RD, for www.example.test A IN. The name is at
 * offset 12; "example.test" starts at 16. */
static void query_a(msg *m, unsigned id) {
  put_header(m, id, 0x0100, 1, 0, 0, 0);
  put_name(m, "www.example.test");
  put16(m, 1);
  put16(m, 1);
}

/* Its answer: RD RA, one A record with a compressed owner name. */
static void response_a(msg *m, unsigned id) {
  put_header(m, id, 0x8180, 1, 1, 0, 0);
  put_name(m, "www.example.test");
  put16(m, 1);
  put16(m, 1);
  put_ptr(m, 12);
  size_t at = rr_begin(m, 1, 1, 300);
  put(m, "\x7f\x00\x00\x01", 4);
  rr_end(m, at);
}

/* ---- tests ---------------------------------------------------------------------- */

static void test_query(void) {
  dx_session *s = NULL;
  msg m;
  query_a(&m, 0x1a2b);
  dx_packet *p = send_udp(&s, 1, &m);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "DNS");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Standard query 0x1a2b A www.example.test");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.id"), "0x1a2b");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.flags"), "0x0100");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.flags.response"), "0");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.flags.opcode"), "0");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.flags.recdesired"), "1");
  /* Queries carry no AA, RA or RCODE bits in tshark's tree. */
  CU_ASSERT_EQUAL(tu_count(p, "dns.flags.rcode"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "dns.flags.authoritative"), 0);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.count.queries"), "1");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.count.answers"), "0");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.qry.name"), "www.example.test");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.qry.name.len"), "16");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.count.labels"), "3");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.qry.type"), "1");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.qry.class"), "0x0001");
  CU_ASSERT_FALSE(tu_any_flag(p, DX_NODE_TRUNCATED | DX_NODE_MALFORMED));
  /* The name node covers the 18 bytes of the name, after 42 bytes of
   * Ethernet, IP, UDP and DNS header. */
  const dx_node *n = dx_packet_find_name(p, "dns.qry.name");
  CU_ASSERT_EQUAL(dx_node_offset(n), 42 + 12);
  CU_ASSERT_EQUAL(dx_node_length(n), 18);
  char label[128];
  dx_node_label(dx_node_parent(n), label, sizeof label);
  CU_ASSERT_STRING_EQUAL(label, "www.example.test: type A, class IN");
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_response_matching(void) {
  dx_session *s = NULL;
  msg q, r;
  query_a(&q, 0x1a2b);
  response_a(&r, 0x1a2b);
  dx_packet *p = send_udp(&s, 1, &q);
  dx_packet_free(p);
  p = send_udp(&s, 0, &r);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Standard query response 0x1a2b A www.example.test A 127.0.0.1");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.flags"), "0x8180");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.flags.rcode"), "0");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.flags.recavail"), "1");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.resp.name"), "www.example.test");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.resp.type"), "1");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.resp.class"), "0x0001");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.resp.ttl"), "300");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.resp.len"), "4");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.a"), "127.0.0.1");
  /* The compressed owner name takes 2 bytes (at 42 + 34). */
  const dx_node *n = dx_packet_find_name(p, "dns.resp.name");
  CU_ASSERT_EQUAL(dx_node_offset(n), 42 + 34);
  CU_ASSERT_EQUAL(dx_node_length(n), 2);
  char label[128];
  dx_node_label(dx_node_parent(n), label, sizeof label);
  CU_ASSERT_STRING_EQUAL(label, "www.example.test: type A, class IN, addr 127.0.0.1");
  dx_node_label(dx_packet_find_name(p, "dns.resp.ttl"), label, sizeof label);
  CU_ASSERT_STRING_EQUAL(label, "Time to live: 300 (5 minutes)");
  /* Frame 2 answers frame 1; tu_dissect steps the clock by 1000 ns. */
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.response_to"), "1");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.time"), "0.000001000");
  CU_ASSERT_EQUAL(tu_count(p, "dns.unsolicited"), 0);
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_unsolicited_and_other_port(void) {
  dx_session *s = NULL;
  msg q, r;
  query_a(&q, 0x1111);
  response_a(&r, 0x1111);
  dx_packet *p = send_udp(&s, 1, &q);
  dx_packet_free(p);
  /* Same ID, other client port: not the same transaction. */
  static uint8_t f[600];
  size_t n = udp_frame(f, 0, 40001, &r);
  p = tu_dissect(&s, 1, f, n);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.unsolicited"), "1");
  CU_ASSERT_EQUAL(tu_count(p, "dns.response_to"), 0);
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_retransmissions(void) {
  dx_session *s = NULL;
  msg q, r;
  query_a(&q, 0x2222);
  response_a(&r, 0x2222);
  dx_packet *p = send_udp(&s, 1, &q); /* frame 1 */
  CU_ASSERT_EQUAL(tu_count(p, "dns.retransmission"), 0);
  dx_packet_free(p);
  p = send_udp(&s, 1, &q); /* frame 2: the query again */
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.retransmission"), "1");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.retransmit_request_in"), "1");
  CU_ASSERT_EQUAL(tu_count(p, "dns.retransmit_request"), 1);
  dx_packet_free(p);
  p = send_udp(&s, 0, &r); /* frame 3: answers frame 1, 2000 ns later */
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.response_to"), "1");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.time"), "0.000002000");
  dx_packet_free(p);
  p = send_udp(&s, 0, &r); /* frame 4: the response again */
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.retransmission"), "1");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.retransmit_response_in"), "3");
  CU_ASSERT_EQUAL(tu_count(p, "dns.response_to"), 0);
  dx_packet_free(p);
  dx_session_free(s);
}

/* The same query again 5 s or more after the first is a new transaction,
 * not a retransmission (tshark 4.0's dns.retransmission_timer, 5 s: its -V
 * on Wireshark's dns+icmp.pcapng, a query repeated after 5.0009 s, the
 * response matched to the second); within 5 s it is one. */
static dx_packet *send_udp_at(dx_session *s, int to_server, const msg *m, int64_t sec,
                              uint32_t nsec) {
  static uint8_t f[2200];
  size_t n = udp_frame(f, to_server, 40000, m);
  dx_frame fr = {.ts_sec = sec,
                 .ts_nsec = nsec,
                 .caplen = (uint32_t)n,
                 .wirelen = (uint32_t)n,
                 .linktype = 1,
                 .data = f};
  dx_packet *p = NULL;
  CU_ASSERT_EQUAL(dx_session_dissect(s, &fr, &p), DX_OK);
  return p;
}

static void test_retransmission_timer(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  msg q, r;
  query_a(&q, 0x3333);
  response_a(&r, 0x3333);
  dx_packet_free(send_udp_at(s, 1, &q, 1000, 0));        /* frame 1 */
  dx_packet *p = send_udp_at(s, 1, &q, 1004, 999999999); /* frame 2: 4.999999999 s */
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.retransmit_request_in"), "1");
  dx_packet_free(p);
  p = send_udp_at(s, 1, &q, 1005, 0); /* frame 3: 5 s after frame 1: a new query */
  CU_ASSERT_EQUAL(tu_count(p, "dns.retransmission"), 0);
  dx_packet_free(p);
  p = send_udp_at(s, 0, &r, 1005, 5783000); /* frame 4 answers frame 3 */
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.response_to"), "3");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.time"), "0.005783000");
  dx_packet_free(p);
  /* times far apart either way: no overflow, a clock gone back counts as
   * within the timer (as tshark's negative delta) */
  query_a(&q, 0x4444);
  dx_packet_free(send_udp_at(s, 1, &q, INT64_MAX / 2, 0));
  p = send_udp_at(s, 1, &q, -(INT64_MAX / 2), 0);
  CU_ASSERT_EQUAL(tu_count(p, "dns.retransmission"), 1);
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_pending_cap(void) {
  dx_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.max_dns_pending = 2;
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, &cfg), DX_OK);
  msg m;
  dx_packet *p;
  for (unsigned id = 1; id <= 3; id++) { /* frames 1, 2, 3 */
    query_a(&m, id);
    p = send_udp(&s, 1, &m);
    /* The third query pushes out the first, and says so. */
    CU_ASSERT_EQUAL(tu_count(p, "_ws.limit"), id == 3 ? 1 : 0);
    dx_packet_free(p);
  }
  response_a(&m, 1);
  p = send_udp(&s, 0, &m);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.unsolicited"), "1");
  dx_packet_free(p);
  response_a(&m, 3);
  p = send_udp(&s, 0, &m);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.response_to"), "3");
  dx_packet_free(p);
  dx_session_free(s);
}

/* A response to "www.example.test ANY" with one record of each decoded
 * type. Offsets: "www" 12, "example" 16, "test" 24. */
static void response_all(msg *m) {
  size_t at;
  put_header(m, 0x3333, 0x8580, 1, 11, 0, 1);
  put_name(m, "www.example.test");
  put16(m, 255);
  put16(m, 1);
  /* AAAA ::1 */
  put_ptr(m, 12);
  at = rr_begin(m, 28, 1, 300);
  put(m, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
  rr_end(m, at);
  /* alias.example.test CNAME www.example.test */
  put_labels(m, "alias");
  put_ptr(m, 16);
  at = rr_begin(m, 5, 1, 61);
  put_ptr(m, 12);
  rr_end(m, at);
  /* NS ns1.example.test; "ns1" is written here, at `ns1` */
  put_ptr(m, 16);
  at = rr_begin(m, 2, 1, 90061);
  size_t ns1 = m->n;
  put_labels(m, "ns1");
  put_ptr(m, 16);
  rr_end(m, at);
  /* PTR www.example.test */
  put_ptr(m, 12);
  at = rr_begin(m, 12, 1, 0);
  put_ptr(m, 12);
  rr_end(m, at);
  /* MX 10 mail.example.test */
  put_ptr(m, 16);
  at = rr_begin(m, 15, 1, 172800);
  put16(m, 10);
  put_labels(m, "mail");
  put_ptr(m, 16);
  rr_end(m, at);
  /* TXT "v=spf1 -all" "" */
  put_ptr(m, 16);
  at = rr_begin(m, 16, 1, 300);
  put8(m, 11);
  put(m, "v=spf1 -all", 11);
  put8(m, 0);
  rr_end(m, at);
  /* SOA ns1.example.test hostmaster.example.test */
  put_ptr(m, 16);
  at = rr_begin(m, 6, 1, 300);
  put_ptr(m, (unsigned)ns1);
  put_labels(m, "hostmaster");
  put_ptr(m, 16);
  put32(m, 2024010101);
  put32(m, 3600);
  put32(m, 600);
  put32(m, 86400);
  put32(m, 300);
  rr_end(m, at);
  /* _http._tcp.example.test SRV 0 10 80 www.example.test */
  put_labels(m, "_http._tcp");
  put_ptr(m, 16);
  at = rr_begin(m, 33, 1, 300);
  put16(m, 0);
  put16(m, 10);
  put16(m, 80);
  put_ptr(m, 12);
  rr_end(m, at);
  /* HINFO "a" "bc", class CH, TTL with the high bit set */
  put_ptr(m, 12);
  at = rr_begin(m, 13, 3, 0x80000001u);
  put(m,
      "\x01"
      "a\x02"
      "bc",
      5);
  rr_end(m, at);
  /* DNAME example.test */
  put_ptr(m, 12);
  at = rr_begin(m, 39, 1, 300);
  put_ptr(m, 16);
  rr_end(m, at);
  /* type 65280, not decoded */
  put_ptr(m, 12);
  at = rr_begin(m, 65280, 1, 60);
  put(m, "abc", 3);
  rr_end(m, at);
  /* OPT: payload 4096, extended RCODE 1, version 0, DO; client subnet
   * 192.168.1/24, padding, NSID "ns01", an unknown option, a cookie. */
  put8(m, 0);
  put16(m, 41);
  put16(m, 4096);
  put32(m, 0x01008000u);
  at = m->n;
  put16(m, 0);
  put16(m, 8);
  put16(m, 7);
  put16(m, 1);
  put8(m, 24);
  put8(m, 0);
  put(m, "\xc0\xa8\x01", 3);
  put16(m, 12);
  put16(m, 4);
  put32(m, 0);
  put16(m, 3);
  put16(m, 4);
  put(m, "ns01", 4);
  put16(m, 65001);
  put16(m, 2);
  put16(m, 0xabcd);
  put16(m, 10);
  put16(m, 24);
  put(m, "\x01\x01\x01\x01\x01\x01\x01\x01", 8);
  put(m, "\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02", 16);
  rr_end(m, at);
}

static void test_record_types(void) {
  dx_session *s = NULL;
  msg m;
  response_all(&m);
  dx_packet *p = send_udp(&s, 0, &m);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(
      dx_packet_info(p),
      "Standard query response 0x3333 ANY www.example.test AAAA ::1 CNAME www.example.test NS "
      "ns1.example.test PTR www.example.test MX 10 mail.example.test TXT SOA ns1.example.test "
      "SRV 0 10 80 www.example.test HINFO a bc DNAME example.test Unknown (65280) OPT");
  CU_ASSERT_FALSE(tu_any_flag(p, DX_NODE_TRUNCATED | DX_NODE_MALFORMED));
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.flags.authoritative"), "1");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.aaaa"), "::1");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.cname"), "www.example.test");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.ns"), "ns1.example.test");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.ptr.domain_name"), "www.example.test");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.mx.preference"), "10");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.mx.mail_exchange"), "mail.example.test");
  CU_ASSERT_EQUAL(tu_count(p, "dns.txt"), 2);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.txt"), "v=spf1 -all");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.txt.length"), "11");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.soa.mname"), "ns1.example.test");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.soa.rname"), "hostmaster.example.test");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.soa.serial_number"), "2024010101");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.soa.refresh_interval"), "3600");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.soa.retry_interval"), "600");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.soa.expire_limit"), "86400");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.soa.minimum_ttl"), "300");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.srv.service"), "_http");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.srv.proto"), "_tcp");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.srv.name"), "example.test");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.srv.priority"), "0");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.srv.weight"), "10");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.srv.port"), "80");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.srv.target"), "www.example.test");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.hinfo.cpu"), "a");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.hinfo.os"), "bc");
  CU_ASSERT_EQUAL(tu_count(p, "dns.ttl.high_bit_set"), 1);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.dname"), "example.test");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.data"), "616263");
  /* SRV records show their owner as service/protocol/name, not resp.name:
   * 11 answers + OPT, less the SRV. */
  CU_ASSERT_EQUAL(tu_count(p, "dns.resp.name"), 11);
  CU_ASSERT_EQUAL(tu_count(p, "dns.resp.ttl"), 11);
  /* TTL labels, as tshark. */
  char label[160];
  const dx_node *n = dx_packet_find_name(p, "dns.resp.ttl");
  const char *want[] = {"Time to live: 300 (5 minutes)", "Time to live: 61 (1 minute, 1 second)",
                        "Time to live: 90061 (1 day, 1 hour, 1 minute, 1 second)",
                        "Time to live: 0 (0 seconds)", "Time to live: 172800 (2 days)"};
  for (size_t i = 0; i < 5 && n; i++, n = dx_packet_find_next(p, n)) {
    dx_node_label(n, label, sizeof label);
    CU_ASSERT_STRING_EQUAL(label, want[i]);
  }
  n = dx_packet_find_name(p, "dns.srv.service");
  dx_node_label(dx_node_parent(n), label, sizeof label);
  CU_ASSERT_STRING_EQUAL(label, "_http._tcp.example.test: type SRV, class IN, priority 0, "
                                "weight 10, port 80, target www.example.test");
  n = dx_packet_find_name(p, "dns.mx.preference");
  dx_node_label(dx_node_parent(n), label, sizeof label);
  CU_ASSERT_STRING_EQUAL(label, "example.test: type MX, class IN, preference 10, mx "
                                "mail.example.test");
  n = dx_packet_find_name(p, "dns.hinfo.cpu");
  dx_node_label(dx_node_parent(n), label, sizeof label);
  CU_ASSERT_STRING_EQUAL(label, "www.example.test: type HINFO, class CH, CPU a, OS bc");

  /* EDNS(0) */
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.rr.udp_payload_size"), "4096");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.resp.ext_rcode"), "0x01");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.resp.edns0_version"), "0");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.resp.z"), "0x8000");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.resp.z.do"), "1");
  CU_ASSERT_EQUAL(tu_count(p, "dns.opt"), 5);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.opt.code"), "8");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.opt.len"), "7");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.opt.data"), "00011800c0a801");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.opt.client.family"), "1");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.opt.client.netmask"), "24");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.opt.client.scope"), "0");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.opt.client.addr4"), "192.168.1.0");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.opt.padding"), "00000000");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.opt.cookie.client"), "0101010101010101");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.opt.cookie.server"), "02020202020202020202020202020202");
  n = dx_packet_find_name(p, "dns.rr.udp_payload_size");
  dx_node_label(dx_node_parent(n), label, sizeof label);
  CU_ASSERT_STRING_EQUAL(label, "<Root>: type OPT");
  n = dx_packet_find_name(p, "dns.opt");
  dx_node_label(n, label, sizeof label);
  CU_ASSERT_STRING_EQUAL(label, "Option: CSUBNET - Client subnet");
  dx_packet_free(p);
  dx_session_free(s);
}

/* HTTPS records (RFC 9460), as browsers ask for them. */
static void test_https_record(void) {
  dx_session *s = NULL;
  msg m;
  put_header(&m, 1, 0x8180, 1, 1, 0, 0);
  put_name(&m, "example.test");
  put16(&m, 65);
  put16(&m, 1);
  put_ptr(&m, 12);
  size_t at = rr_begin(&m, 65, 1, 300);
  put16(&m, 1); /* SvcPriority */
  put8(&m, 0);  /* TargetName "." */
  put16(&m, 1); /* alpn=h2,h3 */
  put16(&m, 6);
  put(&m, "\x02h2\x02h3", 6);
  put16(&m, 4); /* ipv4hint=1.2.3.4 */
  put16(&m, 4);
  put(&m, "\x01\x02\x03\x04", 4);
  put16(&m, 5); /* echconfig */
  put16(&m, 2);
  put(&m, "\xab\xcd", 2);
  rr_end(&m, at);
  dx_packet *p = send_udp(&s, 0, &m);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Standard query response 0x0001 HTTPS example.test HTTPS");
  CU_ASSERT_FALSE(tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.svcb.svcpriority"), "1");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.svcb.targetname"), "<Root>");
  CU_ASSERT_EQUAL(tu_count(p, "dns.svcb.svcparam"), 3);
  CU_ASSERT_EQUAL(tu_count(p, "dns.svcb.svcparam.alpn"), 2);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.svcb.svcparam.alpn"), "h2");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.svcb.svcparam.ipv4hint.ip"), "1.2.3.4");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.svcb.svcparam.echconfig"), "abcd");
  char label[128];
  dx_node_label(dx_packet_find_name(p, "dns.svcb.svcparam"), label, sizeof label);
  CU_ASSERT_STRING_EQUAL(label, "SvcParam: alpn=h2,h3");
  dx_node_label(dx_packet_find_name(p, "dns.svcb.svcparam.echconfig"), label, sizeof label);
  CU_ASSERT_STRING_EQUAL(label, "ECHConfig: q80="); /* base64 of ab cd */
  dx_packet_free(p);
  dx_session_free(s);
}

/* The values of every node named name, comma-separated (as tshark's
 * -E occurrence=a), into a static buffer. */
static const char *all_values(const dx_packet *p, const char *name) {
  static char out[512];
  size_t w = 0;
  out[0] = 0;
  for (int i = 0; i < tu_count(p, name); i++)
    w += (size_t)snprintf(out + w, sizeof out - w, "%s%s", i ? "," : "", tu_nth(p, name, i));
  return out;
}

/* NSEC (RFC 4034 4) and NSEC3 (RFC 5155 3): their type bit maps give one
 * dns.resp.type item a type (tshark's "RR type in bit map"), and NSEC3's
 * next hashed owner is shown in base32hex (RFC 4648 7); a last group of
 * fewer than 5 bits takes its other bits from the byte after the hash, as
 * tshark 4.0 reads it. Values checked with tshark on the same message. */
static void test_nsec_records(void) {
  dx_session *s = NULL;
  msg m;
  put_header(&m, 2, 0x8400, 1, 0, 2, 0);
  put_name(&m, "a.example.test");
  put16(&m, 1);
  put16(&m, 1);
  put_ptr(&m, 12);
  size_t at = rr_begin(&m, 47, 1, 60); /* NSEC */
  put_name(&m, "b.example.test");
  put(&m, "\x00\x06\x40\x01\x00\x00\x00\x03", 8); /* window 0: A, MX, RRSIG, NSEC */
  put(&m, "\x01\x01\x40", 3);                     /* window 1: CAA (257) */
  rr_end(&m, at);
  put_ptr(&m, 12);
  at = rr_begin(&m, 50, 1, 60);               /* NSEC3 */
  put(&m, "\x01\x01\x00\x0a\x02\xab\xcd", 7); /* SHA-1, opt-out, 10, salt */
  put(&m, "\x03\x00\x01\x02", 4);             /* a hash of 3 bytes */
  put(&m, "\x00\x01\x40", 3);                 /* window 0: A */
  rr_end(&m, at);
  dx_packet *p = send_udp(&s, 0, &m);
  CU_ASSERT_FALSE(tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  CU_ASSERT_STRING_EQUAL(all_values(p, "dns.resp.type"), "47,1,15,46,47,257,50,1");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.nsec.next_domain_name"), "b.example.test");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.nsec3.algo"), "1");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.nsec3.flags"), "1");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.nsec3.flags.opt_out"), "1");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.nsec3.iterations"), "10");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.nsec3.salt_length"), "2");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.nsec3.salt_value"), "abcd");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.nsec3.hash_length"), "3");
  /* 00000 00000 00000 10000 0010|0 (the last bit from the byte after) */
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.nsec3.hash_value"), "000g4");
  CU_ASSERT_STRING_EQUAL(
      dx_packet_info(p),
      "Standard query response 0x0002 A a.example.test NSEC b.example.test NSEC3");
  char label[128];
  const dx_node *n = dx_packet_find_name(p, "dns.resp.type");
  n = dx_packet_find_next(p, n);
  dx_node_label(n, label, sizeof label);
  CU_ASSERT_STRING_EQUAL(label, "RR type in bit map: A (Host Address)");
  dx_packet_free(p);
  /* a window longer than the record data: its types there, then malformed
   * (tshark shows type 1, then [Malformed Packet]) */
  put_header(&m, 3, 0x8400, 0, 0, 1, 0);
  put_name(&m, "example.test");
  at = rr_begin(&m, 47, 1, 60);
  put8(&m, 0);
  put(&m, "\x00\x09\x40", 3);
  rr_end(&m, at);
  p = send_udp(&s, 0, &m);
  CU_ASSERT_TRUE(tu_any_flag(p, DX_NODE_MALFORMED));
  CU_ASSERT_STRING_EQUAL(all_values(p, "dns.resp.type"), "47,1");
  dx_packet_free(p);
  dx_session_free(s);
}

/* DNSSEC and DANE records (RFC 4034 2-5, RFC 5155 4, RFC 6698 2, RFC 4255
 * 3, RFC 8659 4): one message with DNSKEY, RRSIG, DS, CDNSKEY, NSEC3PARAM,
 * TLSA, SSHFP and CAA. Key tags by hand (RFC 4034 Appendix B): 0x0101 +
 * 0x0308 + 0x0301 + 0x0001 = 0x070b = 1803; for RSA/MD5 the two bytes
 * before the last, 0xbbcc = 48076. The rest, with the labels and Info,
 * from TZ=EST5 tshark 4.0 on the same message. */
static void test_dnssec_records(void) {
  dx_session *s = NULL;
  msg m;
  put_header(&m, 0x0a01, 0x8180, 1, 8, 0, 0);
  put_name(&m, "example.test");
  put16(&m, 1);
  put16(&m, 1);
  put_ptr(&m, 12);
  size_t at = rr_begin(&m, 48, 1, 3600); /* DNSKEY: ZONE, SEP; 3; RSA/SHA-256 */
  put(&m, "\x01\x01\x03\x08\x03\x01\x00\x01", 8);
  rr_end(&m, at);
  put_ptr(&m, 12);
  at = rr_begin(&m, 46, 1, 3600); /* RRSIG covering DNSKEY */
  put(&m, "\x00\x30\x08\x02\x00\x00\x0e\x10", 8);
  put32(&m, 0x5d0a1511); /* 2019-06-19 10:57:21 UTC */
  put32(&m, 0x5ce27e33); /* 2019-05-20 10:15:15 UTC */
  put16(&m, 1803);
  put_ptr(&m, 12);
  put(&m, "\xde\xad\xbe\xef", 4);
  rr_end(&m, at);
  put_ptr(&m, 12);
  at = rr_begin(&m, 43, 1, 3600); /* DS: SHA-256 */
  put(&m, "\x07\x0b\x08\x02\x01\x02\x03\x04", 8);
  rr_end(&m, at);
  put_ptr(&m, 12);
  at = rr_begin(&m, 60, 1, 3600); /* CDNSKEY, RSA/MD5 */
  put(&m, "\x01\x00\x03\x01\xaa\xbb\xcc\xdd", 8);
  rr_end(&m, at);
  put_ptr(&m, 12);
  at = rr_begin(&m, 51, 1, 3600); /* NSEC3PARAM */
  put(&m, "\x01\x00\x00\x0a\x02\xab\xcd", 7);
  rr_end(&m, at);
  put_ptr(&m, 12);
  at = rr_begin(&m, 52, 1, 3600); /* TLSA 3 1 1 */
  put(&m, "\x03\x01\x01\x11\x22", 5);
  rr_end(&m, at);
  put_ptr(&m, 12);
  at = rr_begin(&m, 44, 1, 3600); /* SSHFP Ed25519 SHA256 */
  put(&m, "\x04\x02\x33\x44", 4);
  rr_end(&m, at);
  put_ptr(&m, 12);
  at = rr_begin(&m, 257, 1, 3600); /* CAA, critical, issue */
  put(&m, "\x80\x05issueca.test", 14);
  rr_end(&m, at);

  const char *old = getenv("TZ");
  char saved[128] = "";
  if (old)
    snprintf(saved, sizeof saved, "%s", old);
  setenv("TZ", "EST5", 1);
  tzset();
  dx_packet *p = send_udp(&s, 0, &m);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_FALSE(tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  CU_ASSERT_EQUAL(tu_count(p, "dns.data"), 0);
  CU_ASSERT_STRING_EQUAL(all_values(p, "dns.dnskey.flags"), "0x0101,0x0100");
  CU_ASSERT_STRING_EQUAL(all_values(p, "dns.dnskey.flags.zone_key"), "1,1");
  CU_ASSERT_STRING_EQUAL(all_values(p, "dns.dnskey.flags.secure_entry_point"), "1,0");
  CU_ASSERT_STRING_EQUAL(all_values(p, "dns.dnskey.flags.reserved"), "0x0000,0x0000");
  CU_ASSERT_STRING_EQUAL(all_values(p, "dns.dnskey.protocol"), "3,3");
  CU_ASSERT_STRING_EQUAL(all_values(p, "dns.dnskey.algorithm"), "8,1");
  CU_ASSERT_STRING_EQUAL(all_values(p, "dns.dnskey.key_id"), "1803,48076");
  CU_ASSERT_STRING_EQUAL(all_values(p, "dns.dnskey.public_key"), "03010001,aabbccdd");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "dns.dnskey.key_id"), "[Key id: 1803]");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "dns.dnskey.algorithm"), "Algorithm: RSA/SHA-256 (8)");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "dns.rrsig.type_covered"),
                         "Type Covered: DNSKEY (DNS Public Key) (48)");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "dns.rrsig.original_ttl"), "Original TTL: 3600 (1 hour)");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.rrsig.signature_expiration"),
                         "Jun 19, 2019 05:57:21.000000000 EST");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.rrsig.signature_inception"),
                         "May 20, 2019 05:15:15.000000000 EST");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.rrsig.labels"), "2");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.rrsig.key_tag"), "1803");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.rrsig.signers_name"), "example.test");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.rrsig.signature"), "deadbeef");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.ds.key_id"), "0x070b");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.ds.algorithm"), "8");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.ds.digest_type"), "2");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "dns.ds.digest_type"), "Digest Type: SHA-256 (2)");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.ds.digest"), "01020304");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.nsec3.iterations"), "10");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.nsec3.salt_value"), "abcd");
  CU_ASSERT_EQUAL(tu_count(p, "dns.nsec3.flags.opt_out"), 0);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.tlsa.certificate_usage"), "3");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.tlsa.selector"), "1");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.tlsa.matching_type"), "1");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.tlsa.certificate_association_data"), "1122");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.sshfp.algorithm"), "4");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.sshfp.fingerprint.type"), "2");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.sshfp.fingerprint"), "3344");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.caa.flags"), "0x80");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.caa.flags.issuer_critical"), "1");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.caa.issue"), "ca.test");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.caa.tag_length"), "5");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.caa.tag"), "issue");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.caa.value"), "ca.test");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Standard query response 0x0a01 A example.test DNSKEY RRSIG DS CDNSKEY "
                         "NSEC3PARAM example.test TLSA example.test SSHFP CAA");
  dx_packet_free(p);
  if (old)
    setenv("TZ", saved, 1);
  else
    unsetenv("TZ");
  tzset();

  /* Cut record data, each followed by an A record: a DNSKEY of 2 bytes
   * (its flags, then the note tshark gives, "Buffer too short to compute a
   * key id"), an RRSIG whose signer's name runs past its 21 bytes (shown
   * as the 3 bytes left), a DS of 3 bytes: each marked malformed, nothing
   * read past its data, the A record read (10.0.0.1). tshark reads on into
   * the next record here and stops there; by hand. */
  put_header(&m, 0x0a02, 0x8180, 0, 4, 0, 0);
  put_name(&m, "example.test");
  at = rr_begin(&m, 48, 1, 60);
  put(&m, "\x01\x01", 2);
  rr_end(&m, at);
  put_ptr(&m, 12);
  at = rr_begin(&m, 46, 1, 60);
  put(&m,
      "\x00\x01\x08\x02\x00\x00\x0e\x10\x5d\x0a\x15\x11\x5c\xe2\x7e\x33\x07\x0b\x03"
      "ab",
      21);
  rr_end(&m, at);
  put_ptr(&m, 12);
  at = rr_begin(&m, 43, 1, 60);
  put(&m, "\x07\x0b\x08", 3);
  rr_end(&m, at);
  put_ptr(&m, 12);
  at = rr_begin(&m, 1, 1, 60);
  put(&m, "\x0a\x00\x00\x01", 4);
  rr_end(&m, at);
  p = send_udp(&s, 0, &m);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_TRUE(tu_any_flag(p, DX_NODE_MALFORMED));
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.dnskey.flags"), "0x0101");
  CU_ASSERT_EQUAL(tu_count(p, "dns.dnskey.protocol"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "dns.dnskey.key_id"), 0);
  /* the generated item and its expert note (one field, as tshark) */
  CU_ASSERT_EQUAL(tu_count(p, "dns.key_id_buffer_too_short"), 2);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.rrsig.key_tag"), "1803");
  CU_ASSERT_EQUAL(tu_count(p, "dns.rrsig.signers_name"), 0);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.data"), "036162");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.ds.key_id"), "0x070b");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.ds.algorithm"), "8");
  CU_ASSERT_EQUAL(tu_count(p, "dns.ds.digest_type"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "dns.ds.digest"), 0);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.a"), "10.0.0.1");
  dx_packet_free(p);

  /* Empty record data: nothing shown for it (as tshark), not malformed. */
  put_header(&m, 0x0a03, 0x8180, 0, 3, 0, 0);
  put_name(&m, "example.test");
  rr_end(&m, rr_begin(&m, 48, 1, 60));
  put_ptr(&m, 12);
  rr_end(&m, rr_begin(&m, 46, 1, 60));
  put_ptr(&m, 12);
  rr_end(&m, rr_begin(&m, 51, 1, 60));
  p = send_udp(&s, 0, &m);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_FALSE(tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  CU_ASSERT_EQUAL(tu_count(p, "dns.dnskey.flags"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "dns.rrsig.type_covered"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "dns.nsec3.algo"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "dns.data"), 0);
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_nxdomain_and_opcodes(void) {
  dx_session *s = NULL;
  msg m;
  size_t at;
  put_header(&m, 0x0065, 0x8503, 1, 0, 1, 0);
  put_name(&m, "nosuchhost.example.test");
  put16(&m, 1);
  put16(&m, 1);
  put_ptr(&m, 23); /* "example.test" */
  at = rr_begin(&m, 6, 1, 300);
  put_labels(&m, "ns1");
  put_ptr(&m, 23);
  put_labels(&m, "hostmaster");
  put_ptr(&m, 23);
  for (int i = 0; i < 5; i++)
    put32(&m, 1);
  rr_end(&m, at);
  dx_packet *p = send_udp(&s, 0, &m);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Standard query response 0x0065 No such name A "
                                            "nosuchhost.example.test SOA ns1.example.test");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.flags.rcode"), "3");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.count.auth_rr"), "1");
  char label[128];
  dx_node_label(dx_packet_find_name(p, "dns.flags"), label, sizeof label);
  CU_ASSERT_STRING_EQUAL(label, "Flags: 0x8503 Standard query response, No such name");
  dx_packet_free(p);

  /* Unknown opcode 3 and reply code 10, no records. */
  put_header(&m, 3, 0x8000 | 0x1800 | 10, 0, 0, 0, 0);
  p = send_udp(&s, 0, &m);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Unknown operation (3) response 0x0003 Name out of zone");
  dx_packet_free(p);

  /* UPDATE (RFC 2136): the counts and sections have other names. */
  put_header(&m, 2, 0x2800, 1, 0, 1, 0);
  put_name(&m, "example.test");
  put16(&m, 6);
  put16(&m, 1);
  put_labels(&m, "h");
  put_ptr(&m, 12);
  at = rr_begin(&m, 1, 1, 0);
  put(&m, "\x0a\x00\x00\x02", 4);
  rr_end(&m, at);
  p = send_udp(&s, 1, &m);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Dynamic update 0x0002 SOA example.test A 10.0.0.2");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.count.zones"), "1");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.count.prerequisites"), "0");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.count.updates"), "1");
  CU_ASSERT_EQUAL(tu_count(p, "dns.count.queries"), 0);
  dx_packet_free(p);
  dx_session_free(s);
}

/* A query whose name bytes are `name` (n bytes) at offset 12. */
static dx_packet *query_raw(dx_session **s, unsigned id, const char *name, size_t n) {
  msg m;
  put_header(&m, id, 0x0100, 1, 0, 0, 0);
  put(&m, name, n);
  put16(&m, 1);
  put16(&m, 1);
  return send_udp(s, 1, &m);
}

static void test_compression_loops(void) {
  dx_session *s = NULL;
  /* A pointer to itself. */
  dx_packet *p = query_raw(&s, 1, "\xc0\x0c", 2);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.qry.name"), "<Name contains a pointer that loops>");
  CU_ASSERT_TRUE(node_flag_under(p, "dns.qry.name", DX_NODE_MALFORMED));
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Standard query 0x0001 A <Name contains a pointer that loops>");
  dx_packet_free(p);
  /* Two pointers pointing at each other: 12 -> 14 -> 12. The name takes
   * two bytes, so the type is read from the second pointer (0xc00c). */
  p = query_raw(&s, 2, "\xc0\x0e\xc0\x0c", 4);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.qry.name"), "<Name contains a pointer that loops>");
  CU_ASSERT_TRUE(node_flag_under(p, "dns.qry.name", DX_NODE_MALFORMED));
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.qry.type"), "49164");
  dx_packet_free(p);
  /* A label, then a pointer back to it: more bytes read than the message
   * holds (tshark calls this a loop too). */
  p = query_raw(&s, 3,
                "\x03"
                "abc\xc0\x0c",
                6);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.qry.name"), "<Name contains a pointer that loops>");
  CU_ASSERT_TRUE(node_flag_under(p, "dns.qry.name", DX_NODE_MALFORMED));
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_bad_pointers_and_labels(void) {
  dx_session *s = NULL;
  /* A pointer past the end of the message: dissection stops there, as
   * tshark 4.0's exception does: the question is not shown, a top-level
   * "[Malformed Packet: DNS]" is (checked against tshark -V) */
  dx_packet *p = query_raw(&s, 3,
                           "\x03"
                           "www\xc0\xff",
                           6);
  CU_ASSERT_EQUAL(tu_count(p, "dns.qry.name"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "dns.qry.type"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "_ws.malformed"), 2); /* the item and its expert */
  CU_ASSERT_TRUE(tu_any_flag(p, DX_NODE_MALFORMED));
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Standard query 0x0003[Malformed Packet]");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.id"), "0x0003");
  dx_packet_free(p);
  /* Label types 01 and 10 (RFC 1035 4.1.4, RFC 6891 5), as tshark 4.0
   * reads them (each case checked against its -V): an unknown extended
   * label as a name's first byte, and the reserved type 10 anywhere, end
   * the dissection there (its exception); an unknown extended label after
   * a label names the whole name "<Unknown extended label>" and the
   * question goes on after it; a bit-string label (0x41) is skipped. */
  p = query_raw(&s, 4,
                "\x43"
                "www\x00",
                5);
  CU_ASSERT_EQUAL(tu_count(p, "dns.qry.name"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "_ws.malformed"), 2);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Standard query 0x0004[Malformed Packet]");
  dx_packet_free(p);
  p = query_raw(&s, 5,
                "\x03"
                "www\x83",
                5);
  CU_ASSERT_EQUAL(tu_count(p, "dns.qry.name"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "_ws.malformed"), 2);
  dx_packet_free(p);
  p = query_raw(&s, 7,
                "\x03"
                "abc\x42",
                5);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.qry.name"), "<Unknown extended label>");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.qry.name.len"), "24");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.qry.type"), "1");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Standard query 0x0007 A <Unknown extended label>");
  CU_ASSERT_EQUAL(tu_count(p, "_ws.malformed"), 0);
  dx_packet_free(p);
  p = query_raw(&s, 8,
                "\x03"
                "abc\x41\x08\xff\x00",
                8);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.qry.name"), "abc");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Standard query 0x0008 A abc");
  dx_packet_free(p);
  /* A forward pointer is unusual but fine (tshark accepts it). */
  msg m;
  put_header(&m, 6, 0x8180, 1, 1, 0, 0);
  put_ptr(&m, 18);
  put16(&m, 1);
  put16(&m, 1);
  put_name(&m, "fw.test"); /* at 18 */
  size_t at = rr_begin(&m, 1, 1, 60);
  put(&m, "\x0a\x00\x00\x01", 4);
  rr_end(&m, at);
  p = send_udp(&s, 0, &m);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Standard query response 0x0006 A fw.test A 10.0.0.1");
  CU_ASSERT_FALSE(tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_special_names(void) {
  dx_session *s = NULL;
  /* The root. tshark counts one label for it. */
  dx_packet *p = query_raw(&s, 7, "\x00", 1);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.qry.name"), "<Root>");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.qry.name.len"), "6");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.count.labels"), "1");
  dx_packet_free(p);
  /* Raw bytes are kept in the value (a NUL too); output escapes them. */
  p = query_raw(&s, 8,
                "\x03"
                "a\x00"
                "b\x04"
                "test\x00",
                10);
  const dx_node *n = dx_packet_find_name(p, "dns.qry.name");
  size_t len = 0;
  const uint8_t *b = dx_node_bytes(n, &len);
  CU_ASSERT_EQUAL(len, 8);
  CU_ASSERT(b && memcmp(b, "a\0b.test", 8) == 0);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.qry.name.len"), "8");
  dx_packet_free(p);
  /* 253 characters is the longest name; 254 is too long. */
  for (int total = 253; total <= 254; total++) {
    msg m;
    put_header(&m, 9, 0x0100, 1, 0, 0, 0);
    int left = total;
    while (left > 0) { /* labels of up to 63 bytes joined by dots */
      int l = left > 63 ? 63 : left;
      if (left - l == 1)
        l--;
      put8(&m, (unsigned)l);
      for (int i = 0; i < l; i++)
        put8(&m, 'x');
      left -= l + 1;
    }
    put8(&m, 0);
    put16(&m, 1);
    put16(&m, 1);
    p = send_udp(&s, 1, &m);
    if (total == 253) {
      CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.qry.name.len"), "253");
      CU_ASSERT_FALSE(tu_any_flag(p, DX_NODE_MALFORMED));
    } else {
      CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.qry.name"), "<Name too long>");
      CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.qry.name.len"), "15");
      CU_ASSERT_TRUE(tu_any_flag(p, DX_NODE_MALFORMED));
      /* The name's length on the wire is known: the type follows. */
      CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.qry.type"), "1");
    }
    dx_packet_free(p);
  }
  dx_session_free(s);
}

static void test_counts_too_large(void) {
  dx_session *s = NULL;
  msg m;
  response_a(&m, 8);
  m.b[7] = 2; /* ANCOUNT 2, one answer present */
  dx_packet *p = send_udp(&s, 0, &m);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.a"), "127.0.0.1");
  CU_ASSERT_EQUAL(tu_count(p, "dns.a"), 1);
  CU_ASSERT_TRUE(tu_any_flag(p, DX_NODE_MALFORMED));
  CU_ASSERT_STRING_EQUAL(
      dx_packet_info(p),
      "Standard query response 0x0008 A www.example.test A 127.0.0.1[Malformed Packet]");
  dx_packet_free(p);
  /* QDCOUNT 65535 on an empty body ends at once. */
  put_header(&m, 9, 0x0100, 0xffff, 0xffff, 0xffff, 0xffff);
  p = send_udp(&s, 1, &m);
  CU_ASSERT_TRUE(tu_any_flag(p, DX_NODE_MALFORMED));
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_bad_rdata(void) {
  dx_session *s = NULL;
  msg m;
  size_t at;
  /* A TXT string longer than its record, then an A record of 3 bytes, then
   * a good A record: each bad record is marked, the next still read. */
  put_header(&m, 5, 0x8180, 1, 3, 0, 0);
  put_name(&m, "a.test");
  put16(&m, 1);
  put16(&m, 1);
  put_ptr(&m, 12);
  at = rr_begin(&m, 16, 1, 60);
  put(&m,
      "\x09"
      "hel",
      4);
  rr_end(&m, at);
  put_ptr(&m, 12);
  at = rr_begin(&m, 1, 1, 60);
  put(&m, "\x01\x02\x03", 3);
  rr_end(&m, at);
  put_ptr(&m, 12);
  at = rr_begin(&m, 1, 1, 60);
  put(&m, "\x05\x06\x07\x08", 4);
  rr_end(&m, at);
  dx_packet *p = send_udp(&s, 0, &m);
  CU_ASSERT_TRUE(tu_any_flag(p, DX_NODE_MALFORMED));
  CU_ASSERT_EQUAL(tu_count(p, "dns.txt"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "dns.a"), 1);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.a"), "5.6.7.8");
  dx_packet_free(p);
  /* RDLENGTH past the end of the message stops the dissection. */
  put_header(&m, 4, 0x8180, 1, 1, 0, 0);
  put_name(&m, "a.test");
  put16(&m, 1);
  put16(&m, 1);
  put_ptr(&m, 12);
  rr_begin(&m, 16, 1, 60);
  m.b[m.n - 1] = 20;
  put(&m, "\x05hello", 6);
  p = send_udp(&s, 0, &m);
  CU_ASSERT_TRUE(tu_any_flag(p, DX_NODE_MALFORMED));
  /* (the record is not shown: tshark's exception comes before its tree) */
  CU_ASSERT_EQUAL(tu_count(p, "dns.resp.len"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "dns.resp.name"), 0);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.qry.name"), "a.test");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Standard query response 0x0004 A a.test TXT[Malformed Packet]");
  dx_packet_free(p);
  /* Records with no data at all (RFC 2136's deletions; nDPI's
   * dns_invert_query.pcapng): A, AAAA, MX, CNAME, SRV and HTTPS with
   * RDLENGTH 0 show nothing after the data length, and are not malformed
   * (tshark 4.0 on the same records) */
  static const unsigned types[] = {1, 28, 15, 5, 33, 65};
  put_header(&m, 6, 0x8180, 1, 6, 0, 0);
  put_name(&m, "a.test");
  put16(&m, 1);
  put16(&m, 1);
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
    put_ptr(&m, 12);
    rr_end(&m, rr_begin(&m, types[i], 1, 60));
  }
  p = send_udp(&s, 0, &m);
  CU_ASSERT_FALSE(tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  CU_ASSERT_EQUAL(tu_count(p, "dns.resp.len"), 6);
  CU_ASSERT_EQUAL(tu_count(p, "dns.a") + tu_count(p, "dns.aaaa") + tu_count(p, "dns.cname") +
                      tu_count(p, "dns.mx.preference") + tu_count(p, "dns.srv.port") +
                      tu_count(p, "dns.data"),
                  0);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Standard query response 0x0006 A a.test A AAAA MX CNAME SRV HTTPS");
  dx_packet_free(p);
  dx_session_free(s);
}

/* A NULL record (RFC 1035 3.3.10; DNS tunnels such as iodine answer with
 * them): tshark 4.0 shows its bytes as dns.null, "Null (data)", and
 * repeats the owner's name in Info (read from tshark on nDPI's
 * dns-tunnel-iodine.pcap: "... NULL vaaaakardli.pirate.sea NULL
 * vaaaakardli.pirate.sea"). */
static void test_null_record(void) {
  dx_session *s = NULL;
  msg m;
  put_header(&m, 9, 0x8180, 1, 1, 0, 0);
  put_name(&m, "t.tunnel.test");
  put16(&m, 10);
  put16(&m, 1);
  put_ptr(&m, 12);
  size_t at = rr_begin(&m, 10, 1, 0);
  put(&m, "\x56\x41\x43", 3);
  rr_end(&m, at);
  dx_packet *p = send_udp(&s, 0, &m);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.null"), "564143");
  CU_ASSERT_EQUAL(tu_count(p, "dns.data"), 0);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Standard query response 0x0009 NULL t.tunnel.test NULL t.tunnel.test");
  CU_ASSERT_FALSE(tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  dx_session_free(s);
}

/* A question whose label line is 240 bytes or more: cut as tshark's
 * proto_item_set_text() cuts it, " [truncated]" and its first 226 bytes
 * (as tshark -V shows nDPI's dns-tunnel-iodine.pcap); the name itself is
 * whole. */
static void test_long_label(void) {
  dx_session *s = NULL;
  char name[256];
  size_t k = 0;
  for (int i = 0; i < 4; i++) { /* four labels of 59 letters */
    for (int j = 0; j < 59; j++)
      name[k++] = (char)('a' + (i * 59 + j) % 26);
    name[k++] = '.';
  }
  memcpy(name + k, "test", 5);
  msg m;
  put_header(&m, 10, 0x0100, 1, 0, 0, 0);
  put_name(&m, name);
  put16(&m, 1);
  put16(&m, 1);
  dx_packet *p = send_udp(&s, 1, &m);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.qry.name"), name);
  const char *l = tu_label(p, "dns.query");
  char want[300];
  snprintf(want, sizeof want, " [truncated]%.226s", name);
  CU_ASSERT_PTR_NOT_NULL_FATAL(l);
  CU_ASSERT_STRING_EQUAL(l, want);
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_extraneous(void) {
  dx_session *s = NULL;
  msg m;
  query_a(&m, 0x10);
  put(&m, "XYZ", 3);
  dx_packet *p = send_udp(&s, 1, &m);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.extraneous.data"), "58595a");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.extraneous.length"), "3");
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_truncation(void) {
  static uint8_t f[2200];
  msg m;
  query_a(&m, 0x1a2b);
  size_t n = udp_frame(f, 1, 40000, &m);
  CU_ASSERT_EQUAL(tu_truncate_all(1, f, n), 0);
  response_all(&m);
  n = udp_frame(f, 0, 40000, &m);
  CU_ASSERT_EQUAL(tu_truncate_all(1, f, n), 0);
  /* A cut capture (caplen < wirelen) keeps what is there. */
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  dx_frame fr = {
      .ts_sec = 1, .caplen = (uint32_t)n - 40, .wirelen = (uint32_t)n, .linktype = 1, .data = f};
  dx_packet *p = NULL;
  CU_ASSERT_EQUAL(dx_session_dissect(s, &fr, &p), DX_OK);
  CU_ASSERT_TRUE(tu_any_flag(p, DX_NODE_TRUNCATED));
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.aaaa"), "::1");
  dx_packet_free(p);
  dx_session_free(s);
}

/* DNS over TCP: two messages in one segment, then a response split over
 * two segments, then one whose length prefix itself is split. */
static void test_tcp(void) {
  dx_session *s = NULL;
  static uint8_t f[2200], seg[1024];
  msg q1, q2, r;
  query_a(&q1, 0x1111);
  put_header(&q2, 0x2222, 0x0100, 1, 0, 0, 0);
  put_name(&q2, "b.test");
  put16(&q2, 28);
  put16(&q2, 1);
  response_a(&r, 0x1111);
  const uint32_t cs = 1000, ss = 5000;
  dx_packet *p;
  size_t n;
  n = tcp_frame(f, 1, 40000, cs, 0, SYN, NULL, 0);
  dx_packet_free(tu_dissect(&s, 1, f, n));
  n = tcp_frame(f, 0, 40000, ss, cs + 1, SYN | ACK, NULL, 0);
  dx_packet_free(tu_dissect(&s, 1, f, n));
  n = tcp_frame(f, 1, 40000, cs + 1, ss + 1, ACK, NULL, 0);
  dx_packet_free(tu_dissect(&s, 1, f, n));

  size_t k = 0;
  seg[k++] = (uint8_t)(q1.n >> 8);
  seg[k++] = (uint8_t)q1.n;
  memcpy(seg + k, q1.b, q1.n);
  k += q1.n;
  seg[k++] = (uint8_t)(q2.n >> 8);
  seg[k++] = (uint8_t)q2.n;
  memcpy(seg + k, q2.b, q2.n);
  k += q2.n;
  uint32_t cseq = cs + 1 + (uint32_t)k;
  n = tcp_frame(f, 1, 40000, cs + 1, ss + 1, PSH | ACK, seg, k); /* frame 4 */
  p = tu_dissect(&s, 1, f, n);
  CU_ASSERT_EQUAL(tu_count(p, "dns"), 2);
  CU_ASSERT_EQUAL(tu_count(p, "dns.id"), 2);
  CU_ASSERT_EQUAL(tu_count(p, "dns.length"), 2);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.length"), "34");
  /* As tshark: each message rewrites Info, the last one stays. */
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Standard query 0x2222 AAAA b.test");
  dx_packet_free(p);
  CU_ASSERT_EQUAL(tu_truncate_all(1, f, n), 0);

  /* The response (2 + 50 bytes) in two segments: 10 bytes, then 42. */
  k = 0;
  seg[k++] = (uint8_t)(r.n >> 8);
  seg[k++] = (uint8_t)r.n;
  memcpy(seg + k, r.b, r.n);
  k += r.n;
  n = tcp_frame(f, 0, 40000, ss + 1, cseq, PSH | ACK, seg, 10); /* frame 5 */
  p = tu_dissect(&s, 1, f, n);
  CU_ASSERT_EQUAL(tu_count(p, "dns.id"), 0);
  dx_packet_free(p);
  n = tcp_frame(f, 0, 40000, ss + 11, cseq, PSH | ACK, seg + 10, k - 10); /* frame 6 */
  p = tu_dissect(&s, 1, f, n);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.length"), "50");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.a"), "127.0.0.1");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.response_to"), "4");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Standard query response 0x1111 A www.example.test A 127.0.0.1");
  dx_packet_free(p);

  /* The same response again, split after the first length byte. */
  uint32_t sseq = ss + 1 + (uint32_t)k;
  n = tcp_frame(f, 0, 40000, sseq, cseq, PSH | ACK, seg, 1); /* frame 7 */
  p = tu_dissect(&s, 1, f, n);
  CU_ASSERT_EQUAL(tu_count(p, "dns.id"), 0);
  dx_packet_free(p);
  n = tcp_frame(f, 0, 40000, sseq + 1, cseq, PSH | ACK, seg + 1, k - 1); /* frame 8 */
  p = tu_dissect(&s, 1, f, n);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.a"), "127.0.0.1");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.retransmit_response_in"), "6");
  dx_packet_free(p);

  /* The response once more, split after 10 bytes, and a second message
   * (q2) after it in the second segment: as tshark, the Info of the
   * reassembled message stays before a fence and the next one's follows
   * it with no separator (checked against tshark -n on the same bytes). */
  sseq += (uint32_t)k;
  size_t k2 = k;
  seg[k2++] = (uint8_t)(q2.n >> 8);
  seg[k2++] = (uint8_t)q2.n;
  memcpy(seg + k2, q2.b, q2.n);
  k2 += q2.n;
  n = tcp_frame(f, 0, 40000, sseq, cseq, PSH | ACK, seg, 10); /* frame 9 */
  dx_packet_free(tu_dissect(&s, 1, f, n));
  n = tcp_frame(f, 0, 40000, sseq + 10, cseq, PSH | ACK, seg + 10, k2 - 10); /* frame 10 */
  p = tu_dissect(&s, 1, f, n);
  CU_ASSERT_EQUAL(tu_count(p, "dns"), 2);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Standard query response 0x1111 A www.example.test A "
                                            "127.0.0.1Standard query 0x2222 AAAA b.test");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "frame.protocols"), "eth:ethertype:ip:tcp:dns:dns");
  dx_packet_free(p);
  sseq += (uint32_t)k2;

  /* A message of 3 bytes (too short for its ID and flags), then q2, in
   * one segment: tshark's DNS clears Info and meets its exception before
   * it adds its layer ("[Malformed Packet: DNS]" alone); q2's message
   * then rewrites Info; frame.protocols names dns once. */
  static const uint8_t shortmsg[] = {0x00, 0x03, 0x12, 0x34, 0x81};
  k = 0;
  memcpy(seg, shortmsg, sizeof shortmsg);
  k = sizeof shortmsg;
  seg[k++] = (uint8_t)(q2.n >> 8);
  seg[k++] = (uint8_t)q2.n;
  memcpy(seg + k, q2.b, q2.n);
  k += q2.n;
  n = tcp_frame(f, 0, 40000, sseq, cseq, PSH | ACK, seg, k); /* frame 11 */
  p = tu_dissect(&s, 1, f, n);
  CU_ASSERT_EQUAL(tu_count(p, "dns"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "dns.length"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "_ws.malformed"), 2);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Standard query 0x2222 AAAA b.test");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "frame.protocols"), "eth:ethertype:ip:tcp:dns");
  dx_packet_free(p);
  sseq += (uint32_t)k;
  /* Alone, a message of 6 bytes: its ID and flags, then the exception
   * (Info "Standard query response 0x1234[Malformed Packet]"). */
  static const uint8_t six[] = {0x00, 0x06, 0x12, 0x34, 0x81, 0x80, 0x00, 0x01};
  n = tcp_frame(f, 0, 40000, sseq, cseq, PSH | ACK, six, sizeof six); /* frame 12 */
  p = tu_dissect(&s, 1, f, n);
  CU_ASSERT_EQUAL(tu_count(p, "dns"), 1);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "dns.count.queries"), "1");
  CU_ASSERT_EQUAL(tu_count(p, "dns.count.answers"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "dns.flags.rcode"), 1);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Standard query response 0x1234[Malformed Packet]");
  dx_packet_free(p);
  dx_session_free(s);
}

int main(void) {
  CU_TestInfo tests[] = {
      {"query", test_query},
      {"response and matching", test_response_matching},
      {"unsolicited, other port", test_unsolicited_and_other_port},
      {"retransmissions", test_retransmissions},
      {"retransmission timer", test_retransmission_timer},
      {"pending table cap", test_pending_cap},
      {"record types and EDNS", test_record_types},
      {"HTTPS record", test_https_record},
      {"NSEC and NSEC3 records", test_nsec_records},
      {"DNSSEC and DANE records", test_dnssec_records},
      {"nxdomain, opcodes, update", test_nxdomain_and_opcodes},
      {"compression loops", test_compression_loops},
      {"bad pointers and labels", test_bad_pointers_and_labels},
      {"special names", test_special_names},
      {"counts larger than the records", test_counts_too_large},
      {"NULL record", test_null_record},
      {"a label line of 240 bytes or more", test_long_label},
      {"bad record data", test_bad_rdata},
      {"extraneous data", test_extraneous},
      {"truncation at every length", test_truncation},
      {"over TCP", test_tcp},
      CU_TEST_INFO_NULL,
  };
  return tu_run("dns", tests);
}
