/* One capture, several sessions (dissect.h: dx_split_*, dx_session_skip_frame):
 * frames that share state go to the same part, and two sessions that split
 * a capture print what one session prints. */
#include <CUnit/Basic.h>
#include <dissect/dissect.h>
#include <dissect/output.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"

#define LT_IPV4 228 /* LINKTYPE_IPV4: raw IPv4 */
#define LT_IPV6 229

static dx_split *sp;

static int setup(void) {
  return dx_split_new(&sp, 2, 0, NULL) == DX_OK ? 0 : 1;
}
static int teardown(void) {
  dx_split_free(sp);
  return 0;
}

/* A raw IPv4 packet src -> dst of protocol proto with payload l4 (n
 * bytes); frag = flags<<13 | offset/8. */
static size_t ip4(uint8_t *b, uint32_t src, uint32_t dst, uint8_t proto, uint16_t id, uint16_t frag,
                  const uint8_t *l4, size_t n) {
  memset(b, 0, 20);
  b[0] = 0x45;
  b[2] = (uint8_t)((20 + n) >> 8);
  b[3] = (uint8_t)(20 + n);
  b[4] = (uint8_t)(id >> 8);
  b[5] = (uint8_t)id;
  b[6] = (uint8_t)(frag >> 8);
  b[7] = (uint8_t)frag;
  b[8] = 64;
  b[9] = proto;
  for (int i = 0; i < 4; i++) {
    b[12 + i] = (uint8_t)(src >> (24 - 8 * i));
    b[16 + i] = (uint8_t)(dst >> (24 - 8 * i));
  }
  memcpy(b + 20, l4, n);
  return 20 + n;
}

/* A TCP header sport -> dport with flags (0x02 SYN, 0x10 ACK). */
static size_t tcph(uint8_t *b, uint16_t sport, uint16_t dport, uint8_t flags) {
  memset(b, 0, 20);
  b[0] = (uint8_t)(sport >> 8);
  b[1] = (uint8_t)sport;
  b[2] = (uint8_t)(dport >> 8);
  b[3] = (uint8_t)dport;
  b[12] = 0x50;
  b[13] = flags;
  return 20;
}

static size_t udph(uint8_t *b, uint16_t sport, uint16_t dport, size_t payload) {
  memset(b, 0, 8 + payload);
  b[0] = (uint8_t)(sport >> 8);
  b[1] = (uint8_t)sport;
  b[2] = (uint8_t)(dport >> 8);
  b[3] = (uint8_t)dport;
  b[4] = (uint8_t)((8 + payload) >> 8);
  b[5] = (uint8_t)(8 + payload);
  return 8 + payload;
}

static unsigned part_of(const uint8_t *b, size_t n, int linktype) {
  dx_frame f = {0, 0, (uint32_t)n, (uint32_t)n, linktype, b};
  return dx_split_part(sp, &f);
}

static unsigned tcp_part(uint32_t a, uint16_t ap, uint32_t b, uint16_t bp, uint8_t flags) {
  uint8_t l4[20], pkt[64];
  size_t n = tcph(l4, ap, bp, flags);
  return part_of(pkt, ip4(pkt, a, b, 6, 1, 0, l4, n), LT_IPV4);
}

static unsigned udp_part(uint32_t a, uint16_t ap, uint32_t b, uint16_t bp) {
  uint8_t l4[16], pkt[64];
  size_t n = udph(l4, ap, bp, 4);
  return part_of(pkt, ip4(pkt, a, b, 17, 1, 0, l4, n), LT_IPV4);
}

static void test_both_directions(void) {
  unsigned count[2] = {0, 0};
  for (uint32_t i = 0; i < 1000; i++) {
    uint32_t a = 0x0a000001 + i % 7, b = 0x0a000100 + i % 3;
    uint16_t ap = (uint16_t)(30000 + i), bp = (uint16_t)(80 + i % 5);
    unsigned p = tcp_part(a, ap, b, bp, 0x10);
    CU_ASSERT_FATAL(p < 2);
    CU_ASSERT_EQUAL(tcp_part(b, bp, a, ap, 0x10), p);
    CU_ASSERT_EQUAL(tcp_part(a, ap, b, bp, 0x02), p);
    CU_ASSERT_EQUAL(udp_part(b, bp, a, ap), udp_part(a, ap, b, bp));
    count[p]++;
  }
  /* connections between the same two hosts spread over both parts (a
   * capture of one client and one server splits too) */
  CU_ASSERT(count[0] > 300 && count[1] > 300);
}

static void test_splitters_agree(void) {
  dx_split *other = NULL, *stranger = NULL;
  CU_ASSERT_FATAL(dx_split_new(&other, 2, 0, sp) == DX_OK);
  CU_ASSERT_FATAL(dx_split_new(&stranger, 2, 0, NULL) == DX_OK);
  int differ = 0;
  for (uint32_t i = 0; i < 200; i++) {
    uint8_t l4[20], pkt[64];
    size_t n =
        ip4(pkt, 0x0a000001, 0x0a000002, 6, 1, 0, l4, tcph(l4, (uint16_t)(40000 + i), 443, 0x10));
    dx_frame f = {0, 0, (uint32_t)n, (uint32_t)n, LT_IPV4, pkt};
    unsigned p = dx_split_part(sp, &f);
    CU_ASSERT_EQUAL(dx_split_part(other, &f), p);
    differ += dx_split_part(stranger, &f) != p;
  }
  /* another key splits otherwise (a key nobody knows: no crafted capture
   * puts all its connections in one part) */
  CU_ASSERT(differ > 20);
  dx_split_free(other);
  dx_split_free(stranger);
  CU_ASSERT_EQUAL(dx_split_new(NULL, 2, 0, NULL), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_split_new(&other, 0, 0, NULL), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_split_new(&other, 2, 0x80, NULL), DX_EINVAL);
}

/* Every fragment goes with its datagram: the first fragment (with the UDP
 * header) where the flow's unfragmented datagrams go, the others after it. */
static void test_fragments(void) {
  for (uint16_t i = 0; i < 64; i++) {
    uint32_t a = 0xc0000201, b = 0xc0000202;
    uint16_t ap = (uint16_t)(5000 + i);
    unsigned flow = udp_part(a, ap, b, 53);
    uint8_t l4[64], pkt[128];
    size_t n = udph(l4, ap, 53, 16);
    /* first fragment: MF, offset 0 */
    CU_ASSERT_EQUAL(part_of(pkt, ip4(pkt, a, b, 17, (uint16_t)(100 + i), 0x2000, l4, n), LT_IPV4),
                    flow);
    /* the last one: offset 24 bytes, no UDP header */
    CU_ASSERT_EQUAL(part_of(pkt, ip4(pkt, a, b, 17, (uint16_t)(100 + i), 3, l4, 8), LT_IPV4), flow);
  }
  /* a later fragment first: its datagram goes with the hosts, and the first
   * fragment after it too */
  unsigned got[2] = {0, 0};
  for (uint16_t i = 0; i < 64; i++) {
    uint32_t a = 0xc0000201, b = 0xc0000202;
    uint8_t l4[64], pkt[128];
    size_t n = udph(l4, (uint16_t)(6000 + i), 53, 16);
    unsigned last = part_of(pkt, ip4(pkt, a, b, 17, (uint16_t)(900 + i), 3, l4, 8), LT_IPV4);
    CU_ASSERT_EQUAL(part_of(pkt, ip4(pkt, a, b, 17, (uint16_t)(900 + i), 0x2000, l4, n), LT_IPV4),
                    last);
    got[last]++;
  }
  CU_ASSERT(got[0] == 64 || got[1] == 64); /* one pair of hosts: one part */
}

/* An ICMP error goes with the connection of the datagram it quotes. */
static void test_icmp_error(void) {
  for (uint16_t i = 0; i < 64; i++) {
    uint32_t a = 0xc6336401, b = 0xc6336402, router = 0xc6336463;
    uint16_t ap = (uint16_t)(7000 + i);
    unsigned flow = udp_part(a, ap, b, 33434);
    uint8_t quoted[64], icmp[128], pkt[160], l4[16];
    size_t qn = ip4(quoted, a, b, 17, 7, 0, l4, udph(l4, ap, 33434, 4));
    memset(icmp, 0, 8);
    icmp[0] = 11; /* time exceeded */
    memcpy(icmp + 8, quoted, qn);
    CU_ASSERT_EQUAL(part_of(pkt, ip4(pkt, router, a, 1, 9, 0, icmp, 8 + qn), LT_IPV4), flow);
    icmp[0] = 3; /* destination unreachable */
    icmp[1] = 3;
    CU_ASSERT_EQUAL(part_of(pkt, ip4(pkt, b, a, 1, 9, 0, icmp, 8 + qn), LT_IPV4), flow);
  }
}

/* FTP: the data connections opened between the hosts after the control
 * connection go with it; a connection opened before keeps its part. */
static void test_ftp(void) {
  uint32_t c = 0xcb007101, s = 0xcb007102;
  unsigned before[40];
  for (uint16_t i = 0; i < 40; i++)
    before[i] = tcp_part(c, (uint16_t)(50000 + i), s, 8080, 0x02);
  unsigned ctl = tcp_part(c, 40000, s, 21, 0x02);
  CU_ASSERT_EQUAL(tcp_part(s, 21, c, 40000, 0x12), ctl);
  for (uint16_t i = 0; i < 40; i++) {
    /* a passive data connection: SYN from the client to a port the server
     * named, then both ways */
    uint16_t cp = (uint16_t)(41000 + i), sp_ = (uint16_t)(30000 + 7 * i);
    CU_ASSERT_EQUAL(tcp_part(c, cp, s, sp_, 0x02), ctl);
    CU_ASSERT_EQUAL(tcp_part(s, sp_, c, cp, 0x12), ctl);
    CU_ASSERT_EQUAL(tcp_part(c, cp, s, sp_, 0x10), ctl);
    /* active mode: from the server's port 20 */
    CU_ASSERT_EQUAL(tcp_part(s, 20, c, cp, 0x02), ctl);
    CU_ASSERT_EQUAL(tcp_part(c, (uint16_t)(50000 + i), s, 8080, 0x10), before[i]);
  }
}

/* A scan between FTP hosts (tens of thousands of connections, more than
 * any table holds): each connection's frames stay in one part, first SYN,
 * answer and the late answers after (ndpi's synscan.pcap split two ways
 * before the connections' table kept them for good). */
static void test_ftp_scan(void) {
  uint32_t c = 0xcb007111, s = 0xcb007112;
  CU_ASSERT_EQUAL(tcp_part(c, 40000, s, 21, 0x02), tcp_part(s, 21, c, 40000, 0x14));
  unsigned *first = calloc(60000, sizeof *first);
  CU_ASSERT_FATAL(first != NULL);
  for (uint32_t i = 0; i < 60000; i++) {
    uint16_t cp = (uint16_t)(1024 + i % 60000), spt = (uint16_t)(1 + i / 60000 + (i % 7) * 1000);
    first[i] = tcp_part(c, cp, s, spt, 0x02);
    CU_ASSERT_EQUAL(tcp_part(s, spt, c, cp, 0x12), first[i]);
  }
  for (uint32_t i = 0; i < 60000; i++) {
    uint16_t cp = (uint16_t)(1024 + i % 60000), spt = (uint16_t)(1 + i / 60000 + (i % 7) * 1000);
    CU_ASSERT_EQUAL(tcp_part(s, spt, c, cp, 0x12), first[i]);
    CU_ASSERT_EQUAL(tcp_part(c, cp, s, spt, 0x14), first[i]);
  }
  free(first);
}

/* Thousands of datagrams fragmented at once: each one's fragments together. */
static void test_many_fragments(void) {
  uint32_t a = 0xc0000301, b = 0xc0000302;
  unsigned flow[10000];
  for (uint16_t i = 0; i < 10000; i++) {
    uint8_t l4[64], pkt[128];
    size_t n = udph(l4, (uint16_t)(20000 + i), 53, 16);
    flow[i] = udp_part(a, (uint16_t)(20000 + i), b, 53);
    CU_ASSERT_EQUAL(part_of(pkt, ip4(pkt, a, b, 17, i, 0x2000, l4, n), LT_IPV4), flow[i]);
  }
  for (uint16_t i = 0; i < 10000; i++) {
    uint8_t l4[64] = {0}, pkt[128];
    CU_ASSERT_EQUAL(part_of(pkt, ip4(pkt, a, b, 17, i, 3, l4, 8), LT_IPV4), flow[i]);
  }
}

/* Tunnels: one inner connection through two tunnels (IP in IP between
 * other endpoints, ndpi's 6in6tunnel.pcap split it apart), GRE, UDP
 * tunnels: all in the tunnels' part, whatever the addresses. */
static void test_tunnels(void) {
  uint8_t l4[16], inner[64], pkt[128];
  size_t in = ip4(inner, 0x0a000001, 0x0a000002, 17, 1, 0, l4, udph(l4, 30000, 13000, 4));
  unsigned first = part_of(pkt, ip4(pkt, 0xc0000101, 0xc0000102, 4, 1, 0, inner, in), LT_IPV4);
  for (uint32_t e = 0; e < 64; e++) {
    CU_ASSERT_EQUAL(
        part_of(pkt, ip4(pkt, 0xc6000001 + e, 0xc6000101 + 3 * e, 4, 1, 0, inner, in), LT_IPV4),
        first);
    uint8_t gre[96] = {0x00, 0x00, 0x08, 0x00};
    memcpy(gre + 4, inner, in);
    CU_ASSERT_EQUAL(
        part_of(pkt, ip4(pkt, 0xc6000001 + e, 0xc6000201 + e, 47, 1, 0, gre, 4 + in), LT_IPV4),
        first);
    uint8_t u[128];
    size_t un = udph(u, (uint16_t)(40000 + e), 4789, 0);
    memcpy(u + un, inner, in);
    u[5] = (uint8_t)(un + in);
    CU_ASSERT_EQUAL(
        part_of(pkt, ip4(pkt, 0xc6000001 + e, 0xc6000301 + e, 17, 1, 0, u, un + in), LT_IPV4),
        first);
    /* and an ICMP error that quotes a tunnel's packet */
    uint8_t icmp[128] = {3, 3};
    size_t qn = ip4(icmp + 8, 0xc6000001 + e, 0xc6000101 + 3 * e, 4, 1, 0, inner, in);
    CU_ASSERT_EQUAL(
        part_of(pkt, ip4(pkt, 0xc6000401, 0xc6000001 + e, 1, 1, 0, icmp, 8 + qn), LT_IPV4), first);
  }
  CU_ASSERT_EQUAL(first, 0);
}

/* QUIC: a client that moves to another port stays in its part. */
static void test_quic_rebinding(void) {
  uint32_t c = 0x7f000001, s = 0x7f000002;
  unsigned p = udp_part(c, 50000, s, 443);
  for (uint16_t i = 1; i < 64; i++) {
    CU_ASSERT_EQUAL(udp_part(c, (uint16_t)(50000 + i), s, 443), p);
    CU_ASSERT_EQUAL(udp_part(s, 443, c, (uint16_t)(50000 + i)), p);
  }
}

/* Frames sessions do not take to IP, and IPv6 with extension headers. */
static void test_other_frames(void) {
  uint8_t arp[42] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 1, 2, 3, 4, 5, 0x08, 0x06};
  CU_ASSERT_EQUAL(part_of(arp, sizeof arp, 1), 0);
  CU_ASSERT_EQUAL(part_of(arp, 3, 1), 0);
  CU_ASSERT_EQUAL(part_of(NULL, 0, 1), 0);
  CU_ASSERT_EQUAL(dx_split_part(NULL, NULL), 0);
  /* IPv6 TCP with a hop-by-hop header: as without it, both ways */
  uint8_t a[80], b[80];
  memset(a, 0, sizeof a);
  a[0] = 0x60;
  a[5] = 28;
  a[6] = 0; /* hop-by-hop */
  a[23] = 1;
  a[39] = 2;
  a[40] = 6; /* then TCP */
  a[41] = 0;
  tcph(a + 48, 1234, 443, 0x10);
  memcpy(b, a, sizeof b);
  memcpy(b + 8, a + 24, 16);
  memcpy(b + 24, a + 8, 16);
  tcph(b + 48, 443, 1234, 0x10);
  unsigned pa = part_of(a, 68, LT_IPV6);
  CU_ASSERT_EQUAL(part_of(b, 68, LT_IPV6), pa);
  /* the same on Ethernet and in Linux cooked captures */
  uint8_t e[96] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x86, 0xdd};
  memcpy(e + 14, a, 68);
  CU_ASSERT_EQUAL(part_of(e, 82, 1), pa);
  uint8_t v[100] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x81, 0x00, 0x00, 0x05, 0x86, 0xdd};
  memcpy(v + 18, a, 68);
  CU_ASSERT_EQUAL(part_of(v, 86, 1), pa);
}

/* A skipped frame counts as dissected elsewhere: numbers and times go on. */
static void test_skip_frame(void) {
  dx_session *one = NULL, *two = NULL;
  CU_ASSERT_FATAL(dx_session_new(&one, NULL) == DX_OK);
  CU_ASSERT_FATAL(dx_session_new(&two, NULL) == DX_OK);
  uint8_t l4[16], pkt[64];
  size_t n = ip4(pkt, 0x0a000001, 0x0a000002, 17, 1, 0, l4, udph(l4, 1000, 2000, 4));
  dx_frame f1 = {100, 500000000u, (uint32_t)n, (uint32_t)n, LT_IPV4, pkt};
  dx_frame f2 = {101, 250000000u, (uint32_t)n, (uint32_t)n, LT_IPV4, pkt};
  dx_frame f3 = {103, 0, (uint32_t)n, (uint32_t)n, LT_IPV4, pkt};
  dx_packet *p = NULL;
  CU_ASSERT_FATAL(dx_session_dissect(one, &f1, &p) == DX_OK);
  dx_packet_free(p);
  CU_ASSERT_FATAL(dx_session_dissect(one, &f2, &p) == DX_OK);
  dx_packet_free(p);
  dx_session_skip_frame(two, &f1);
  dx_session_skip_frame(two, &f2);
  dx_packet *a = NULL, *b = NULL;
  CU_ASSERT_FATAL(dx_session_dissect(one, &f3, &a) == DX_OK);
  CU_ASSERT_FATAL(dx_session_dissect(two, &f3, &b) == DX_OK);
  CU_ASSERT_STRING_EQUAL(tu_value(b, "frame.number"), "3");
  CU_ASSERT_STRING_EQUAL(tu_value(b, "frame.time_relative"), "2.500000000");
  CU_ASSERT_STRING_EQUAL(tu_value(b, "frame.time_delta"), "1.750000000");
  CU_ASSERT_STRING_EQUAL(tu_value(b, "frame.time_delta_displayed"), "1.750000000");
  CU_ASSERT_STRING_EQUAL(tu_value(a, "frame.time_delta"), "1.750000000");
  dx_packet_free(a);
  dx_packet_free(b);
  dx_session_skip_frame(NULL, &f1);
  dx_session_skip_frame(one, NULL);
  dx_session_free(one);
  dx_session_free(two);
}

/* ---- whole captures: two sessions print what one prints ---- */

static char *summary_of(const dx_packet *p, size_t *len) {
  char *buf = NULL;
  FILE *m = open_memstream(&buf, len);
  dx_write_summary(m, p);
  fclose(m);
  return buf;
}

static int ncaptures, nsplit_frames[2];

/* One session against two (splitters with flags) over the capture at
 * path, with the key log file keylog and the key log lines secrets (each
 * may be NULL); the HTTP requests the two sessions saw are counted in
 * *requests (if not NULL). */
static void compare_split_with(const char *path, const char *keylog, const char *secrets,
                               unsigned flags, dx_split *s1, bool share, int *requests,
                               int *differ_out) {
  dx_capture *c1 = NULL;
  char err[256];
  if (dx_capture_open_file(&c1, path, err, sizeof err) != DX_OK)
    return; /* not a capture (README, a key) */
  dx_session *whole = NULL, *part[2] = {NULL, NULL};
  CU_ASSERT_FATAL(dx_session_new(&whole, NULL) == DX_OK);
  CU_ASSERT_FATAL(dx_session_new(&part[0], NULL) == DX_OK);
  CU_ASSERT_FATAL(dx_session_new(&part[1], NULL) == DX_OK);
  for (int i = 0; i < 3; i++) {
    if (keylog)
      CU_ASSERT(dx_session_load_keylog(i ? part[i - 1] : whole, keylog, err, sizeof err) == DX_OK);
    if (secrets)
      CU_ASSERT(dx_session_add_secrets(i ? part[i - 1] : whole, secrets, strlen(secrets)) == DX_OK);
  }
  bool own = !s1;
  if (own)
    CU_ASSERT_FATAL(dx_split_new(&s1, 2, flags, NULL) == DX_OK);
  dx_split_share *sh = NULL;
  if (share) {
    CU_ASSERT_FATAL(dx_split_share_new(&sh, 2) == DX_OK);
    CU_ASSERT_FATAL(dx_session_set_split_share(part[0], sh, 0, NULL, NULL) == DX_OK);
    CU_ASSERT_FATAL(dx_session_set_split_share(part[1], sh, 1, NULL, NULL) == DX_OK);
  }
  dx_frame f;
  int differ = 0;
  while (dx_capture_next(c1, &f) == 1) {
    dx_packet *a = NULL, *b = NULL;
    const char *sec = NULL;
    size_t nsec = 0;
    if (dx_capture_frame_secrets(c1, &sec, &nsec) == DX_OK && nsec)
      for (int i = 0; i < 3; i++)
        dx_session_add_secrets(i ? part[i - 1] : whole, sec, nsec);
    unsigned k = dx_split_part(s1, &f);
    CU_ASSERT_FATAL(k < 2);
    nsplit_frames[k]++;
    dx_session_skip_frame(part[!k], &f);
    CU_ASSERT_FATAL(dx_session_dissect(whole, &f, &a) == DX_OK);
    CU_ASSERT_FATAL(dx_session_dissect(part[k], &f, &b) == DX_OK);
    if (requests && tu_count(b, "http.request.method"))
      (*requests)++;
    size_t la = 0, lb = 0;
    char *ta = summary_of(a, &la), *tb = summary_of(b, &lb);
    if (la != lb || memcmp(ta, tb, la) != 0) {
      if (!differ++ && !differ_out)
        fprintf(stderr, "\n%s:\n  one session: %s  two:         %s", path, ta, tb);
    }
    free(ta);
    free(tb);
    dx_packet_free(a);
    dx_packet_free(b);
  }
  if (differ_out)
    *differ_out = differ;
  else
    CU_ASSERT_EQUAL(differ, 0);
  dx_capture_close(c1);
  if (own)
    dx_split_free(s1);
  if (sh) {
    /* the parts read on in order: nobody had to wait */
    CU_ASSERT_EQUAL(dx_split_share_waits(sh), 0);
    dx_split_share_finish(sh, 0);
    dx_split_share_finish(sh, 1);
  }
  dx_session_free(whole);
  dx_session_free(part[0]);
  dx_session_free(part[1]);
  dx_split_share_free(sh);
  ncaptures++;
}

static void compare_split(const char *path, const char *keylog, const char *secrets, unsigned flags,
                          int *requests) {
  compare_split_with(path, keylog, secrets, flags, NULL, false, requests, NULL);
}

static void compare_capture(const char *path, const char *keylog) {
  /* as dissect splits: connections spread, the TLS session cache shared */
  compare_split_with(path, keylog, NULL, 0, NULL, true, NULL, NULL);
}

static void test_samples(void) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/samples", tu_src_dir());
  tu_walk_captures(dir, compare_capture);
  CU_ASSERT(ncaptures >= 30);
  /* both parts had work */
  fprintf(stderr, " (%d captures, frames in the parts: %d and %d) ", ncaptures, nsplit_frames[0],
          nsplit_frames[1]);
  /* (a few connections hold most frames: measured over 30 runs, the
   * smaller part had 15 % of them at the least) */
  int all = nsplit_frames[0] + nsplit_frames[1];
  CU_ASSERT(all > 2000 && nsplit_frames[0] > all / 30 && nsplit_frames[1] > all / 30);
}

/* A splitter whose key parts a resumed TLS session of tls12-resume.pcap
 * from its full handshake (found by test_tls_resumption). */
static dx_split *g_parting_key;

/* The full handshakes' key log lines of tls12-resume.pcap. */
static void full_handshakes(char *full, size_t size) {
  char kl[4096], line[512];
  snprintf(kl, sizeof kl, "%s/samples/tls12-resume.keylog", tu_src_dir());
  FILE *f = fopen(kl, "r");
  CU_ASSERT_FATAL(f != NULL);
  int k = 0;
  full[0] = 0;
  while (fgets(line, sizeof line, f))
    if (line[0] != '#' && (++k == 1 || k == 3))
      strncat(full, line, size - strlen(full) - 1);
  fclose(f);
  CU_ASSERT_FATAL(k == 4);
}

/* TLS 1.2 sessions resumed by id and by ticket, with a key log of the full
 * handshakes only (tshark with these two lines decrypts the 4 GETs of
 * frames 12, 26, 44 and 58, tests/integration/test_decrypt.sh): the
 * connections to the server's port go together, and the resumed ones are
 * decrypted as in one session. */
static void test_tls_resumption(void) {
  dx_split *r = NULL;
  CU_ASSERT_FATAL(dx_split_new(&r, 2, DX_SPLIT_TLS_RESUMPTION, NULL) == DX_OK);
  unsigned seen[2] = {0, 0}, spread[2] = {0, 0};
  for (uint16_t i = 0; i < 64; i++) {
    uint8_t l4[20], pkt[64];
    size_t n =
        ip4(pkt, 0x0a000001, 0x0a000002, 6, 1, 0, l4, tcph(l4, (uint16_t)(40000 + i), 443, 0x10));
    dx_frame f = {0, 0, (uint32_t)n, (uint32_t)n, LT_IPV4, pkt};
    unsigned a = dx_split_part(r, &f);
    spread[dx_split_part(sp, &f)]++; /* (without the flag they spread) */
    n = ip4(pkt, 0x0a000002, 0x0a000001, 6, 1, 0, l4, tcph(l4, 443, (uint16_t)(40000 + i), 0x10));
    CU_ASSERT_EQUAL(dx_split_part(r, &f), a);
    seen[a]++;
  }
  CU_ASSERT(seen[0] == 64 || seen[1] == 64);
  CU_ASSERT(spread[0] > 10 && spread[1] > 10);
  dx_split_free(r);
  char path[4096], full[1024];
  snprintf(path, sizeof path, "%s/samples/tls12-resume.pcap", tu_src_dir());
  full_handshakes(full, sizeof full);
  int requests = 0;
  compare_split(path, NULL, full, DX_SPLIT_TLS_RESUMPTION, &requests);
  CU_ASSERT_EQUAL(requests, 4);

  /* Spread on their own, with a splitter that puts a resumed connection
   * in the other part than its full handshake (the key is random: tried
   * until one does), the parts find the secret in their shared cache;
   * without it they decrypt fewer requests and print otherwise. */
  int tries = 0, lost = 0;
  for (; tries < 200 && !lost; tries++) {
    dx_split *key = NULL, *run = NULL;
    dx_split_free(g_parting_key);
    g_parting_key = NULL;
    CU_ASSERT_FATAL(dx_split_new(&key, 2, 0, NULL) == DX_OK);
    CU_ASSERT_FATAL(dx_split_new(&run, 2, 0, key) == DX_OK);
    int without = 0, differ = 0;
    compare_split_with(path, NULL, full, 0, run, false, &without, &differ);
    dx_split_free(run);
    lost = without < 4;
    if (lost) {
      CU_ASSERT(differ > 0);
      /* the same key again, the cache shared: as one session */
      int with = 0;
      CU_ASSERT_FATAL(dx_split_new(&run, 2, 0, key) == DX_OK);
      compare_split_with(path, NULL, full, 0, run, true, &with, NULL);
      CU_ASSERT_EQUAL(with, 4);
      dx_split_free(run);
      g_parting_key = key; /* for the threads below */
      key = NULL;
    }
    dx_split_free(key);
  }
  CU_ASSERT_FATAL(lost);
  fprintf(stderr, " (a key that parts a resumed session from its handshake: try %d) ", tries);
}

/* ---- two parts in two threads, the cache shared ---- */

#define MAX_FRAMES 256
typedef struct tpart {
  dx_split_share *sh;
  dx_split *sp;
  dx_session *s;
  unsigned index;
  unsigned delay_ms;      /* before the first frame */
  char *text[MAX_FRAMES]; /* the summary of each frame of this part */
  int on_waits;
} tpart;

static void tpart_on_wait(void *arg) {
  ((tpart *)arg)->on_waits++;
}

static void *tpart_main(void *arg) {
  tpart *t = arg;
  if (t->delay_ms) {
    struct timespec ts = {0, (long)t->delay_ms * 1000000L};
    nanosleep(&ts, NULL);
  }
  char path[4096], err[256];
  snprintf(path, sizeof path, "%s/samples/tls12-resume.pcap", tu_src_dir());
  dx_capture *c = NULL;
  if (dx_capture_open_file(&c, path, err, sizeof err) == DX_OK) {
    dx_frame f;
    for (unsigned n = 0; n < MAX_FRAMES && dx_capture_next(c, &f) == 1; n++) {
      if (dx_split_part(t->sp, &f) != t->index) {
        dx_session_skip_frame(t->s, &f);
        continue;
      }
      dx_packet *p = NULL;
      if (dx_session_dissect(t->s, &f, &p) == DX_OK) {
        size_t len = 0;
        t->text[n] = summary_of(p, &len);
        dx_packet_free(p);
      }
    }
    dx_capture_close(c);
  }
  dx_split_share_finish(t->sh, t->index);
  return NULL;
}

/* Two threads, one a part, the cache shared; the part `late` starts 300 ms
 * after the other. Checks that they print what one session prints (want,
 * nframes) and returns how many look-ups waited; *on_waits: on_wait's calls. */
static uint64_t run_threads(const char *full, char **want, unsigned nframes, unsigned late,
                            int *on_waits) {
  dx_split_share *sh = NULL;
  CU_ASSERT_FATAL(dx_split_share_new(&sh, 2) == DX_OK);
  tpart t[2];
  memset(t, 0, sizeof t);
  pthread_t th[2];
  for (unsigned i = 0; i < 2; i++) {
    t[i].sh = sh;
    t[i].index = i;
    t[i].delay_ms = i == late ? 300 : 0;
    CU_ASSERT_FATAL(dx_split_new(&t[i].sp, 2, 0, g_parting_key) == DX_OK);
    CU_ASSERT_FATAL(dx_session_new(&t[i].s, NULL) == DX_OK);
    CU_ASSERT(dx_session_add_secrets(t[i].s, full, strlen(full)) == DX_OK);
    CU_ASSERT_FATAL(dx_session_set_split_share(t[i].s, sh, i, tpart_on_wait, &t[i]) == DX_OK);
  }
  for (unsigned i = 0; i < 2; i++)
    CU_ASSERT_FATAL(pthread_create(&th[i], NULL, tpart_main, &t[i]) == 0);
  for (unsigned i = 0; i < 2; i++)
    pthread_join(th[i], NULL);
  uint64_t waits = dx_split_share_waits(sh);
  *on_waits = t[0].on_waits + t[1].on_waits;
  int differ = 0, requests = 0;
  for (unsigned n = 0; n < nframes; n++) {
    const char *got = t[0].text[n] ? t[0].text[n] : t[1].text[n];
    CU_ASSERT_FATAL(got != NULL);
    CU_ASSERT(!(t[0].text[n] && t[1].text[n]));
    if (strcmp(got, want[n]) != 0 && !differ++)
      fprintf(stderr, "\n  frame %u: one session: %s  two threads: %s", n + 1, want[n], got);
    if (strstr(got, "GET /"))
      requests++;
  }
  CU_ASSERT_EQUAL(differ, 0);
  CU_ASSERT_EQUAL(requests, 4);
  for (unsigned i = 0; i < 2; i++) {
    for (unsigned n = 0; n < MAX_FRAMES; n++)
      free(t[i].text[n]);
    dx_session_free(t[i].s);
    dx_split_free(t[i].sp);
  }
  dx_split_share_free(sh);
  return waits;
}

/* Each part in turn starts late: when it is the one with the full
 * handshake of a session the other resumes, the other waits for it
 * (on_wait called before), and either way the two print what one session
 * prints. */
static void test_tls_resumption_threads(void) {
  CU_ASSERT_FATAL(g_parting_key != NULL);
  char path[4096], full[1024], err[256];
  snprintf(path, sizeof path, "%s/samples/tls12-resume.pcap", tu_src_dir());
  full_handshakes(full, sizeof full);
  char *want[MAX_FRAMES] = {0}; /* one session's text */
  unsigned nframes = 0;
  dx_session *whole = NULL;
  dx_capture *c = NULL;
  CU_ASSERT_FATAL(dx_session_new(&whole, NULL) == DX_OK);
  CU_ASSERT(dx_session_add_secrets(whole, full, strlen(full)) == DX_OK);
  CU_ASSERT_FATAL(dx_capture_open_file(&c, path, err, sizeof err) == DX_OK);
  dx_frame f;
  while (nframes < MAX_FRAMES && dx_capture_next(c, &f) == 1) {
    dx_packet *p = NULL;
    CU_ASSERT_FATAL(dx_session_dissect(whole, &f, &p) == DX_OK);
    size_t len = 0;
    want[nframes++] = summary_of(p, &len);
    dx_packet_free(p);
  }
  dx_capture_close(c);
  dx_session_free(whole);
  uint64_t waits = 0;
  int on_waits = 0;
  for (unsigned late = 0; late < 2; late++) {
    int ow = 0;
    waits += run_threads(full, want, nframes, late, &ow);
    on_waits += ow;
  }
  CU_ASSERT(waits >= 1);
  CU_ASSERT_EQUAL((uint64_t)on_waits, waits);
  for (unsigned n = 0; n < nframes; n++)
    free(want[n]);
  dx_split_free(g_parting_key);
  g_parting_key = NULL;
}

/* Bad arguments, and a part that ends early: nobody waits for it. */
static void test_share_api(void) {
  dx_split_share *sh = NULL;
  CU_ASSERT_EQUAL(dx_split_share_new(NULL, 2), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_split_share_new(&sh, 0), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_split_share_new(&sh, DX_SPLIT_SHARE_MAX + 1), DX_EINVAL);
  CU_ASSERT_FATAL(dx_split_share_new(&sh, 2) == DX_OK);
  dx_session *s = NULL;
  CU_ASSERT_FATAL(dx_session_new(&s, NULL) == DX_OK);
  CU_ASSERT_EQUAL(dx_session_set_split_share(s, sh, 2, NULL, NULL), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_session_set_split_share(NULL, sh, 0, NULL, NULL), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_session_set_split_share(s, sh, 1, NULL, NULL), DX_OK);
  dx_split_share_finish(sh, 5); /* (ignored) */
  dx_split_share_finish(NULL, 0);
  CU_ASSERT_EQUAL(dx_split_share_waits(NULL), 0);
  CU_ASSERT_EQUAL(dx_session_set_split_share(s, NULL, 0, NULL, NULL), DX_OK);
  dx_session_free(s);
  dx_split_share_free(sh);
  dx_split_share_free(NULL);
}

int main(void) {
  if (CU_initialize_registry() != CUE_SUCCESS)
    return CU_get_error();
  CU_pSuite s = CU_add_suite("split", setup, teardown);
  CU_add_test(s, "a connection's two directions, one part; connections spread",
              test_both_directions);
  CU_add_test(s, "splitters made alike agree, others do not", test_splitters_agree);
  CU_add_test(s, "IP fragments go with their datagram", test_fragments);
  CU_add_test(s, "an ICMP error goes with what it quotes", test_icmp_error);
  CU_add_test(s, "FTP data connections go with the control connection", test_ftp);
  CU_add_test(s, "a scan between FTP hosts: every connection whole", test_ftp_scan);
  CU_add_test(s, "thousands of datagrams in fragments", test_many_fragments);
  CU_add_test(s, "tunnels: one part whatever their addresses", test_tunnels);
  CU_add_test(s, "QUIC: a client that rebinds its port", test_quic_rebinding);
  CU_add_test(s, "not IP; IPv6 extension headers; link types", test_other_frames);
  CU_add_test(s, "dx_session_skip_frame: numbers and times", test_skip_frame);
  CU_add_test(s, "the samples: two sessions print what one prints", test_samples);
  CU_add_test(s, "TLS sessions resumed on other connections", test_tls_resumption);
  CU_add_test(s, "two threads wait for each other's TLS sessions", test_tls_resumption_threads);
  CU_add_test(s, "dx_split_share: arguments", test_share_api);
  CU_basic_set_mode(CU_BRM_VERBOSE);
  CU_basic_run_tests();
  unsigned failed = CU_get_number_of_failures();
  CU_cleanup_registry();
  return failed ? 1 : 0;
}
