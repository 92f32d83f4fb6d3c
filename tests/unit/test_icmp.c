/* ICMP (RFC 792) and ICMPv6 (RFC 4443, RFC 4861): echo request/reply
 * matching, Info texts as tshark prints them, error messages quoting a
 * datagram, checksums, Neighbor Discovery options, truncation. */
#include "netframe.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))

static uint8_t fb[2048];

static size_t echo_frame(uint8_t *b, uint8_t type, bool swap) {
  size_t n = nf_eth(b, 0x0800);
  uint8_t *ip = b + n;
  n += nf_ip4(ip, 1, 0x1111, 0, NULL, 0, 8 + 8);
  if (swap) { /* reply: 10.0.0.2 -> 10.0.0.1 (checksum unchanged: same words) */
    ip[15] = 2;
    ip[19] = 1;
  }
  return n + nf_icmp_echo(b + n, type, 0x0001, 0x0001, 8);
}

static void test_echo(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  size_t n = echo_frame(fb, 8, false);
  dx_packet *p = nf_feed(s, 1, fb, n, 100, 0);
  EXPECT(p, "icmp.type", "8");
  EXPECT(p, "icmp.code", "0");
  EXPECT(p, "icmp.checksum.status", "1");
  EXPECT(p, "icmp.ident", "1");
  EXPECT(p, "icmp.ident_le", "256");
  EXPECT(p, "icmp.seq", "1");
  EXPECT(p, "icmp.seq_le", "256");
  EXPECT(p, "data.len", "8");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Echo (ping) request  id=0x0001, seq=1/256, ttl=64");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "ICMP");
  dx_packet_free(p);
  n = echo_frame(fb, 0, true);
  p = nf_feed(s, 1, fb, n, 100, 2500000); /* 2.5 ms later */
  EXPECT(p, "icmp.resp_to", "1");
  EXPECT(p, "icmp.resptime", "2.5");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Echo (ping) reply    id=0x0001, seq=1/256, ttl=64 (request in 1)");
  dx_packet_free(p);
  /* a reply in the same direction as the request matches nothing */
  n = echo_frame(fb, 0, false);
  p = nf_feed(s, 1, fb, n, 100, 3000000);
  CU_ASSERT_EQUAL(tu_count(p, "icmp.resp_to"), 0);
  dx_packet_free(p);
  /* a bad checksum */
  n = echo_frame(fb, 8, false);
  fb[n - 1] ^= 1;
  p = nf_feed(s, 1, fb, n, 100, 4000000);
  EXPECT(p, "icmp.checksum.status", "0");
  CU_ASSERT_EQUAL(tu_count(p, "icmp.checksum_bad"), 1);
  dx_packet_free(p);
  dx_session_free(s);
  n = echo_frame(fb, 8, false);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
}

/* Port unreachable quoting IPv4 + UDP 5353 -> 9 (8 bytes of UDP). */
static size_t unreach_frame(uint8_t *b) {
  uint8_t q[28];
  nf_ip4(q, 17, 0x2222, 0, NULL, 0, 20); /* original length 40 */
  const uint8_t udp[8] = {0x14, 0xe9, 0x00, 0x09, 0x00, 0x14, 0x00, 0x00};
  memcpy(q + 20, udp, 8);
  size_t n = nf_eth(b, 0x0800);
  n += nf_ip4(b + n, 1, 0x3333, 0, NULL, 0, 8 + 28);
  uint8_t *m = b + n;
  memset(m, 0, 8);
  m[0] = 3;
  m[1] = 3;
  memcpy(m + 8, q, 28);
  uint16_t c = nf_cksum(m, 36, 0);
  m[2] = (uint8_t)(c >> 8);
  m[3] = (uint8_t)c;
  return n + 36;
}

/* The echo table remembers the last 4096 requests: the 4097th forgets the
 * first (said once, as a limit note), the 4098th the second (not said
 * again), whose reply then matches nothing; the third's still matches. */
static void test_echo_ring(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  for (uint16_t seq = 1; seq <= 4098; seq++) {
    size_t n = nf_eth(fb, 0x0800);
    n += nf_ip4(fb + n, 1, 0x1111, 0, NULL, 0, 8 + 8);
    n += nf_icmp_echo(fb + n, 8, 0x0001, seq, 8);
    dx_packet *p = nf_feed(s, 1, fb, n, 100, seq);
    CU_ASSERT_EQUAL(tu_count(p, "_ws.limit"), seq == 4097 ? 1 : 0);
    dx_packet_free(p);
  }
  for (uint16_t seq = 2; seq <= 3; seq++) {
    size_t n = nf_eth(fb, 0x0800);
    uint8_t *ip = fb + n;
    n += nf_ip4(ip, 1, 0x1111, 0, NULL, 0, 8 + 8);
    ip[15] = 2; /* reply: 10.0.0.2 -> 10.0.0.1 */
    ip[19] = 1;
    n += nf_icmp_echo(fb + n, 0, 0x0001, seq, 8);
    dx_packet *p = nf_feed(s, 1, fb, n, 101, seq);
    if (seq == 2)
      CU_ASSERT_EQUAL(tu_count(p, "icmp.resp_to"), 0);
    if (seq == 3)
      EXPECT(p, "icmp.resp_to", "3");
    dx_packet_free(p);
  }
  dx_session_free(s);
}

static void test_unreachable(void) {
  size_t n = unreach_frame(fb);
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 1, fb, n);
  EXPECT(p, "icmp.type", "3");
  EXPECT(p, "icmp.code", "3");
  EXPECT(p, "icmp.checksum.status", "1");
  EXPECT(p, "icmp.unused", "00000000");
  CU_ASSERT_EQUAL(tu_count(p, "ip.src"), 2);
  CU_ASSERT_EQUAL(tu_count(p, "ip.id"), 2);
  EXPECT(p, "udp.srcport", "5353");
  EXPECT(p, "udp.dstport", "9");
  /* the outer packet keeps its columns */
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Destination unreachable (Port unreachable)");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "ICMP");
  CU_ASSERT_STRING_EQUAL(dx_packet_src(p), "10.0.0.1");
  dx_packet_free(p);
  dx_session_free(s);
  /* every prefix: no crash; the ICMP part is marked */
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
}

/* Neighbor Solicitation for fe80::2 with a source link-layer option. */
static size_t ns_frame(uint8_t *b, uint8_t optlen8) {
  size_t n = nf_eth(b, 0x86dd);
  uint8_t *ip6 = b + n;
  nf_ip6(ip6, 58, 32);
  ip6[7] = 255;
  uint8_t *m = ip6 + 40;
  memset(m, 0, 32);
  m[0] = 135;
  m[8] = 0xfe;
  m[9] = 0x80;
  m[23] = 2;
  const uint8_t opt[8] = {1, optlen8, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
  memcpy(m + 24, opt, 8);
  uint16_t c = nf_icmp6_cksum(ip6, m, 32);
  m[2] = (uint8_t)(c >> 8);
  m[3] = (uint8_t)c;
  return n + 72;
}

static void test_nd(void) {
  size_t n = ns_frame(fb, 1);
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 1, fb, n);
  EXPECT(p, "icmpv6.type", "135");
  EXPECT(p, "icmpv6.checksum.status", "1");
  EXPECT(p, "icmpv6.nd.ns.target_address", "fe80::2");
  EXPECT(p, "icmpv6.opt.type", "1");
  EXPECT(p, "icmpv6.opt.length", "1");
  EXPECT(p, "icmpv6.opt.linkaddr", "00:11:22:33:44:55");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Neighbor Solicitation for fe80::2 from 00:11:22:33:44:55");
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  dx_session_free(s);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
  /* option length 0: malformed, and the walk stops */
  n = ns_frame(fb, 0);
  s = NULL;
  p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT(tu_any_flag(p, DX_NODE_MALFORMED));
  dx_packet_free(p);
  dx_session_free(s);
}

/* A Neighbor Advertisement (R, S set) between SLAAC addresses, and a Port
 * Unreachable: labels as tshark 4.0 prints them on Wireshark's
 * communityid.pcap.gz ("Flags: 0xc0000000, Router, Solicited", "Code: 4
 * (Port unreachable)", "[Source SLAAC MAC: 00:00:86:05:80:da]"; the MAC is
 * the interface id with ff:fe taken out and the U/L bit cleared, RFC 4291
 * appendix A). */
static void test_na_slaac(void) {
  size_t n = nf_eth(fb, 0x86dd);
  uint8_t *ip6 = fb + n;
  nf_ip6(ip6, 58, 24);
  ip6[7] = 255;
  /* fe80::200:86ff:fe05:80da -> fe80::260:97ff:fe07:69ea */
  static const uint8_t src[16] = {0xfe, 0x80, 0,    0,    0,    0,    0,    0,
                                  0x02, 0x00, 0x86, 0xff, 0xfe, 0x05, 0x80, 0xda};
  static const uint8_t dst[16] = {0xfe, 0x80, 0,    0,    0,    0,    0,    0,
                                  0x02, 0x60, 0x97, 0xff, 0xfe, 0x07, 0x69, 0xea};
  memcpy(ip6 + 8, src, 16);
  memcpy(ip6 + 24, dst, 16);
  uint8_t *m = ip6 + 40;
  memset(m, 0, 24);
  m[0] = 136;
  m[4] = 0xc0; /* R, S */
  memcpy(m + 8, src, 16);
  uint16_t c = nf_icmp6_cksum(ip6, m, 24);
  m[2] = (uint8_t)(c >> 8);
  m[3] = (uint8_t)c;
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 1, fb, n + 64);
  CU_ASSERT_STRING_EQUAL(tu_label(p, "icmpv6.nd.na.flag"), "Flags: 0xc0000000, Router, Solicited");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ipv6.src_slaac_mac"),
                         "[Source SLAAC MAC: 00:00:86:05:80:da]");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ipv6.dst_slaac_mac"),
                         "[Destination SLAAC MAC: 00:60:97:07:69:ea]");
  CU_ASSERT_EQUAL(tu_count(p, "ipv6.slaac_mac"), 2);
  dx_packet_free(p);
  /* no U/L bit: no SLAAC MAC (as tshark) */
  ip6[8 + 8] = 0x00;
  p = tu_dissect(&s, 1, fb, n + 64);
  CU_ASSERT_EQUAL(tu_count(p, "ipv6.src_slaac_mac"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "ipv6.dst_slaac_mac"), 1);
  dx_packet_free(p);
  /* Destination Unreachable, code 4 */
  memset(m, 0, 8);
  m[0] = 1;
  m[1] = 4;
  c = nf_icmp6_cksum(ip6, m, 24);
  m[2] = (uint8_t)(c >> 8);
  m[3] = (uint8_t)c;
  p = tu_dissect(&s, 1, fb, n + 64);
  CU_ASSERT_STRING_EQUAL(tu_label(p, "icmpv6.code"), "Code: 4 (Port unreachable)");
  dx_packet_free(p);
  dx_session_free(s);
}

/* ICMPv6 echo request and reply between fe80::1 and fe80::2. */
static void test_echo6(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  for (int i = 0; i < 2; i++) {
    size_t n = nf_eth(fb, 0x86dd);
    uint8_t *ip6 = fb + n;
    nf_ip6(ip6, 58, 8);
    if (i == 1) { /* swap the addresses */
      ip6[23] = 2;
      ip6[39] = 1;
    }
    uint8_t *m = ip6 + 40;
    const uint8_t e[8] = {(uint8_t)(i ? 129 : 128), 0, 0, 0, 0x12, 0x34, 0, 7};
    memcpy(m, e, 8);
    uint16_t c = nf_icmp6_cksum(ip6, m, 8);
    m[2] = (uint8_t)(c >> 8);
    m[3] = (uint8_t)c;
    dx_packet *p = nf_feed(s, 1, fb, n + 48, 7, (uint32_t)i * 10000);
    EXPECT(p, "icmpv6.checksum.status", "1");
    if (i == 1) {
      EXPECT(p, "icmpv6.resp_to", "1");
      EXPECT(p, "icmpv6.resptime", "0.01");
      CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                             "Echo (ping) reply id=0x1234, seq=7, hop limit=64 (request in 1)");
    }
    dx_packet_free(p);
  }
  dx_session_free(s);
}

/* ---- the other ICMPv4 messages (RFC 792, RFC 950, RFC 1191, RFC 1256) ----
 * Each frame: Ethernet / IPv4 10.0.0.1 -> 10.0.0.2 (ttl 64) / ICMP `type`
 * `code`, the 4 bytes after the checksum `rest`, then `data`; checksum
 * set. The expected values are tshark 4.0's on the same frames
 * (TU_DUMP_PCAP=FILE writes them all; tshark -r FILE -T fields
 * -E occurrence=a -e icmp.type -e icmp.code -e icmp.address_mask
 * -e icmp.redir_gw -e icmp.pointer -e icmp.mtu -e icmp.num_addrs
 * -e icmp.addr_entry_size -e icmp.lifetime -e icmp.router_address
 * -e icmp.pref_level -e _ws.col.Info). */
static size_t icmp_frame(uint8_t *b, uint8_t type, uint8_t code, const uint8_t rest[4],
                         const uint8_t *data, size_t dlen) {
  size_t n = nf_eth(b, 0x0800);
  n += nf_ip4(b + n, 1, 0x1234, 0, NULL, 0, 8 + dlen);
  uint8_t *m = b + n;
  m[0] = type;
  m[1] = code;
  m[2] = m[3] = 0;
  memcpy(m + 4, rest, 4);
  if (dlen)
    memcpy(m + 8, data, dlen);
  uint16_t c = nf_cksum(m, 8 + dlen, 0);
  m[2] = (uint8_t)(c >> 8);
  m[3] = (uint8_t)c;
  return n + 8 + dlen;
}

/* The datagram an error quotes: IPv4 10.0.0.1 -> 10.0.0.2 / UDP 5353 -> 53,
 * no payload (28 bytes). */
static size_t quoted_udp(uint8_t *b) {
  size_t n = nf_ip4(b, 17, 0x4321, 0, NULL, 0, 8);
  static const uint8_t udp[8] = {0x14, 0xe9, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00};
  memcpy(b + n, udp, 8);
  return n + 8;
}

static FILE *dump;

static dx_packet *feed_dump(dx_session *s, const uint8_t *b, size_t n) {
  if (dump) {
    uint32_t rh[4] = {1795335943u, 0, (uint32_t)n, (uint32_t)n};
    fwrite(rh, 4, 4, dump);
    fwrite(b, 1, n, dump);
  }
  return nf_feed(s, 1, b, n, 1795335943, 0);
}

static void test_other_messages(void) {
  const char *path = getenv("TU_DUMP_PCAP");
  if (path && (dump = fopen(path, "wb")) != NULL) {
    uint32_t gh[6] = {0xa1b2c3d4u, 2 | 4u << 16, 0, 0, 65535, 1};
    fwrite(gh, 4, 6, dump);
  }
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  uint8_t q[64];
  size_t qn = quoted_udp(q);

  /* address mask reply, id 1, seq 1, mask 255.255.255.0 (RFC 950) */
  static const uint8_t mask[4] = {255, 255, 255, 0};
  size_t n = icmp_frame(fb, 18, 0, (const uint8_t[4]){0, 1, 0, 1}, mask, 4);
  dx_packet *p = feed_dump(s, fb, n);
  EXPECT(p, "icmp.address_mask", "255.255.255.0");
  EXPECT(p, "icmp.ident", "1");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Address mask reply   id=0x0001, seq=1/256, ttl=64");
  dx_packet_free(p);
  /* timestamp request, id 0x0102, seq 7; information request, id 3, seq
   * 4; address mask request, id 5, seq 6: id and seq in Info as for echo */
  static const uint8_t tstamps[12] = {0, 0, 0x03, 0xe8, 0, 0, 0x07, 0xd0, 0, 0, 0x0b, 0xb8};
  n = icmp_frame(fb, 13, 0, (const uint8_t[4]){1, 2, 0, 7}, tstamps, 12);
  p = feed_dump(s, fb, n);
  EXPECT(p, "icmp.originate_timestamp", "1000");
  EXPECT(p, "icmp.transmit_timestamp", "3000");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Timestamp request    id=0x0102, seq=7/1792, ttl=64");
  dx_packet_free(p);
  n = icmp_frame(fb, 15, 0, (const uint8_t[4]){0, 3, 0, 4}, NULL, 0);
  p = feed_dump(s, fb, n);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Information request  id=0x0003, seq=4/1024, ttl=64");
  dx_packet_free(p);
  static const uint8_t zero4[4] = {0};
  n = icmp_frame(fb, 17, 0, (const uint8_t[4]){0, 5, 0, 6}, zero4, 4);
  p = feed_dump(s, fb, n);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Address mask request id=0x0005, seq=6/1536, ttl=64");
  dx_packet_free(p);

  /* redirect for host to 10.0.0.254 */
  n = icmp_frame(fb, 5, 1, (const uint8_t[4]){10, 0, 0, 254}, q, qn);
  p = feed_dump(s, fb, n);
  EXPECT(p, "icmp.redir_gw", "10.0.0.254");
  EXPECT(p, "udp.dstport", "53");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Redirect             (Redirect for host)");
  dx_packet_free(p);
  /* parameter problem, pointer 20, codes 0, 1, 2 */
  static const char *const par[] = {"Parameter problem    (Pointer indicates the error)",
                                    "Parameter problem    (Required option missing)",
                                    "Parameter problem    (Bad length)"};
  for (uint8_t code = 0; code < 3; code++) {
    n = icmp_frame(fb, 12, code, (const uint8_t[4]){20, 0, 0, 0}, q, qn);
    p = feed_dump(s, fb, n);
    EXPECT(p, "icmp.pointer", "20");
    CU_ASSERT_STRING_EQUAL(dx_packet_info(p), par[code]);
    dx_packet_free(p);
  }
  /* fragmentation needed, next-hop MTU 1400 (RFC 1191) */
  n = icmp_frame(fb, 3, 4, (const uint8_t[4]){0, 0, 0x05, 0x78}, q, qn);
  p = feed_dump(s, fb, n);
  EXPECT(p, "icmp.mtu", "1400");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Destination unreachable (Fragmentation needed)");
  dx_packet_free(p);
  /* router advertisement (RFC 1256): 2 entries of 2 words, lifetime 1800 */
  static const uint8_t ra[16] = {10, 0, 0, 1, 0, 0, 0, 0, 10, 0, 0, 9, 0xff, 0xff, 0xff, 0xfb};
  n = icmp_frame(fb, 9, 0, (const uint8_t[4]){2, 2, 0x07, 0x08}, ra, 16);
  p = feed_dump(s, fb, n);
  EXPECT(p, "icmp.num_addrs", "2");
  EXPECT(p, "icmp.addr_entry_size", "2");
  EXPECT(p, "icmp.lifetime", "1800");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "icmp.router_address", 0), "10.0.0.1");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "icmp.router_address", 1), "10.0.0.9");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "icmp.pref_level", 1), "-5");
  CU_ASSERT_FALSE(tu_any_flag(p, DX_NODE_TRUNCATED | DX_NODE_MALFORMED));
  dx_packet_free(p);
  /* three entries announced, one there: tshark marks it malformed */
  n = icmp_frame(fb, 9, 0, (const uint8_t[4]){3, 2, 0x07, 0x08}, ra, 8);
  p = feed_dump(s, fb, n);
  CU_ASSERT_EQUAL(tu_count(p, "icmp.router_address"), 1);
  CU_ASSERT_TRUE(tu_any_flag(p, DX_NODE_TRUNCATED | DX_NODE_MALFORMED));
  dx_packet_free(p);
  /* an error quoting an error: tshark dissects the quoted ICMP header
   * (icmp.type 3,3; icmp.code 3,1) and the datagram it quotes */
  uint8_t inner[128];
  size_t in = icmp_frame(inner, 3, 1, zero4, q, qn) - 14;
  n = icmp_frame(fb, 3, 3, zero4, inner + 14, in);
  p = feed_dump(s, fb, n);
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "icmp.type", 1), "3");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "icmp.code", 1), "1");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Destination unreachable (Port unreachable)");
  dx_packet_free(p);
  dx_session_free(s);
  if (dump)
    fclose(dump);
  dump = NULL;
}

/* A TCP header quoted in an ICMP error, as tshark 4.0's packet-tcp.c
 * shows it (pinfo->flags.in_error_pkt): the absolute sequence number right
 * after the ports, the acknowledgment number as it is on the wire, no
 * tcp.len, no tcp.nxtseq, the connection's stream; a Redirect quotes only
 * the IP header and 8 bytes (packet-icmp.c), so its TCP header ends after
 * the sequence number. Values checked with tshark on these frames
 * (TU_DUMP_QUOTES=FILE writes them). */
static void test_quoted_tcp(void) {
  const char *path = getenv("TU_DUMP_QUOTES");
  if (path && (dump = fopen(path, "wb")) != NULL) {
    uint32_t gh[6] = {0xa1b2c3d4u, 2 | 4u << 16, 0, 0, 65535, 1};
    fwrite(gh, 4, 6, dump);
  }
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  /* 10.0.0.1:40000 -> 10.0.0.2:443: a SYN (ISN 0x11223300), then the ACK
   * segment an error quotes (seq 0x11223344, ack 0x55667788, window 1000) */
  uint8_t tcp[20] = {0x9c, 0x40, 0x01, 0xbb, 0x11, 0x22, 0x33, 0x00, 0, 0,
                     0,    0,    0x50, 0x02, 0xfa, 0xf0, 0,    0,    0, 0};
  size_t n = nf_eth(fb, 0x0800);
  n += nf_ip4(fb + n, 6, 0x0101, 0, NULL, 0, 20);
  memcpy(fb + n, tcp, 20);
  dx_packet *p = feed_dump(s, fb, n + 20);
  EXPECT(p, "tcp.stream", "0");
  dx_packet_free(p);
  static const uint8_t seg[20] = {0x9c, 0x40, 0x01, 0xbb, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
                                  0x77, 0x88, 0x50, 0x10, 0x03, 0xe8, 0,    0,    0,    0};
  uint8_t q[64];
  size_t qn = nf_ip4(q, 6, 0x0202, 0, NULL, 0, 20);
  memcpy(q + qn, seg, 20);
  qn += 20;
  static const uint8_t zero4[4] = {0, 0, 0, 0};
  n = icmp_frame(fb, 3, 3, zero4, q, qn); /* port unreachable, all 20 bytes */
  p = feed_dump(s, fb, n);
  EXPECT(p, "tcp.srcport", "40000");
  EXPECT(p, "tcp.stream", "0");
  EXPECT(p, "tcp.seq", "287454020"); /* 0x11223344, not 0x44 */
  CU_ASSERT_EQUAL(tu_count(p, "tcp.seq"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.seq_raw"), 0);
  EXPECT(p, "tcp.ack", "1432778632"); /* 0x55667788 */
  CU_ASSERT_EQUAL(tu_count(p, "tcp.len"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.nxtseq"), 0);
  EXPECT(p, "tcp.hdr_len", "20");
  EXPECT(p, "tcp.flags", "0x0010");
  EXPECT(p, "tcp.window_size", "1000");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Destination unreachable (Port unreachable)");
  dx_packet_free(p);
  /* a Redirect for host, gateway 10.0.0.254, quoting the same datagram:
   * only its first 28 bytes are dissected */
  n = icmp_frame(fb, 5, 1, (const uint8_t[4]){10, 0, 0, 254}, q, qn);
  p = feed_dump(s, fb, n);
  EXPECT(p, "tcp.srcport", "40000");
  EXPECT(p, "tcp.dstport", "443");
  EXPECT(p, "tcp.seq", "287454020");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.ack"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.stream"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.len"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.hdr_len"), 0);
  CU_ASSERT_STRING_EQUAL(tu_label(p, "tcp"),
                         "Transmission Control Protocol, Src Port: 40000, Dst Port: 443");
  dx_packet_free(p);
  /* the connection itself is untouched: its next segment is numbered
   * relative to the ISN */
  memcpy(tcp, seg, 20);
  n = nf_eth(fb, 0x0800);
  n += nf_ip4(fb + n, 6, 0x0303, 0, NULL, 0, 20);
  memcpy(fb + n, tcp, 20);
  p = feed_dump(s, fb, n + 20);
  EXPECT(p, "tcp.seq", "68");
  EXPECT(p, "tcp.len", "0");
  dx_packet_free(p);
  dx_session_free(s);
  if (dump)
    fclose(dump);
  dump = NULL;
}

static CU_TestInfo tests[] = {
    {"echo", test_echo},
    {"echo ring", test_echo_ring},
    {"unreachable", test_unreachable},
    {"nd", test_nd},
    {"na_slaac", test_na_slaac},
    {"echo6", test_echo6},
    {"other ICMPv4 messages", test_other_messages},
    {"TCP headers quoted in errors", test_quoted_tcp},
    CU_TEST_INFO_NULL,
};

int main(void) {
  return tu_run("icmp", tests);
}
