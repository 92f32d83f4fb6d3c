/* Tunnel and security encapsulations on hand-made frames: ESP (RFC 4303)
 * over IPv4, IPv6 and UDP port 4500 (RFC 3948 NAT-keepalive, non-ESP
 * marker); GRE (RFC 2784/2890) with key and sequence number, with a
 * checksum, and carrying ERSPAN type I and II (draft-foschiano-erspan);
 * MPLS label stacks (RFC 3032) over Ethernet and UDP port 6635 (RFC 7510);
 * MACsec SecTAGs (IEEE 802.1AE) in the clear, encrypted and cut short;
 * Geneve (RFC 8926) with options; GTPv1-U (3GPP TS 29.281); Cisco
 * FabricPath; CAPWAP data. Expected values are
 * worked out by hand from the RFCs' layouts; DX_TEST_PCAP=FILE writes every frame of the test to a
 * pcap so the same bytes can be read with tshark (they were: tshark 4.0 shows the values expected
 * here). */
#include "netframe.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))

static uint8_t fb[512];

/* Appends the frame to $DX_TEST_PCAP (Ethernet link type) when it is set. */
static void save(const uint8_t *b, size_t n) {
  const char *path = getenv("DX_TEST_PCAP");
  if (!path)
    return;
  FILE *f = fopen(path, "ab");
  if (!f)
    return;
  if (ftell(f) == 0) {
    const uint32_t gh[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1};
    fwrite(gh, 4, 6, f);
  }
  const uint32_t rh[4] = {1, 0, (uint32_t)n, (uint32_t)n};
  fwrite(rh, 4, 4, f);
  fwrite(b, 1, n, f);
  fclose(f);
}

static dx_packet *run(dx_session **s, const uint8_t *b, size_t n) {
  save(b, n);
  return tu_dissect(s, 1, b, n);
}

/* Ethernet + IPv4 (protocol proto) + the payload given. */
static size_t ip4_frame(uint8_t *b, uint8_t proto, const uint8_t *pl, size_t n) {
  size_t h = nf_eth(b, 0x0800);
  h += nf_ip4(b + h, proto, 1, 0, NULL, 0, n);
  memcpy(b + h, pl, n);
  return h + n;
}

/* Ethernet + IPv4 + UDP (checksum 0: not computed) + the payload given. */
static size_t udp_frame(uint8_t *b, uint16_t sport, uint16_t dport, const uint8_t *pl, size_t n) {
  uint8_t u[300];
  u[0] = (uint8_t)(sport >> 8);
  u[1] = (uint8_t)sport;
  u[2] = (uint8_t)(dport >> 8);
  u[3] = (uint8_t)dport;
  u[4] = (uint8_t)((8 + n) >> 8);
  u[5] = (uint8_t)(8 + n);
  u[6] = u[7] = 0;
  memcpy(u + 8, pl, n);
  return ip4_frame(b, 17, u, 8 + n);
}

/* SPI 0x01020304, sequence number 0x00000010 = 16, then 8 bytes the
 * receiver would decrypt. */
static const uint8_t esp_pkt[16] = {0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x00, 0x10,
                                    0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x11, 0x22};

static void test_esp_ip4(void) {
  size_t n = ip4_frame(fb, 50, esp_pkt, sizeof esp_pkt);
  dx_session *s = NULL;
  dx_packet *p = run(&s, fb, n);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:esp");
  EXPECT(p, "esp.spi", "0x01020304");
  EXPECT(p, "esp.sequence", "16");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "esp.spi"), "ESP SPI: 0x01020304 (16909060)");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "esp.sequence"), "ESP Sequence: 16");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "ESP (SPI=0x01020304)");
  /* without keys nothing after the sequence number, as tshark 4.0 */
  CU_ASSERT_EQUAL(tu_count(p, "data"), 0);
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  dx_session_free(s);
  /* every cut inside the 8-byte header is marked */
  n = ip4_frame(fb, 50, esp_pkt, 8);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
}

static void test_esp_ip6(void) {
  size_t h = nf_eth(fb, 0x86dd);
  h += nf_ip6(fb + h, 50, sizeof esp_pkt);
  memcpy(fb + h, esp_pkt, sizeof esp_pkt);
  dx_session *s = NULL;
  dx_packet *p = run(&s, fb, h + sizeof esp_pkt);
  EXPECT(p, "frame.protocols", "eth:ethertype:ipv6:esp");
  EXPECT(p, "esp.spi", "0x01020304");
  EXPECT(p, "esp.sequence", "16");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "ESP (SPI=0x01020304)");
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_udpencap(void) {
  dx_session *s = NULL;
  /* RFC 3948 2.2: ESP behind UDP port 4500 starts with its non-zero SPI */
  static const uint8_t e[8] = {0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 1};
  size_t n = udp_frame(fb, 4500, 4500, e, sizeof e);
  dx_packet *p = run(&s, fb, n);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:udp:udpencap:esp");
  EXPECT(p, "esp.spi", "0xdeadbeef");
  EXPECT(p, "esp.sequence", "1");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "ESP (SPI=0xdeadbeef)");
  dx_packet_free(p);
  dx_session_free(s);
  s = NULL;

  /* RFC 3948 2.3: the single byte 0xff is a NAT-keepalive */
  static const uint8_t ka[1] = {0xff};
  n = udp_frame(fb, 4500, 4500, ka, 1);
  p = run(&s, fb, n);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:udp:udpencap");
  CU_ASSERT_EQUAL(tu_count(p, "udpencap.nat_keepalive"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "esp"), 0);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "NAT-keepalive");
  dx_packet_free(p);
  dx_session_free(s);
  s = NULL;

  /* RFC 3948 2.2: four zero bytes (non-ESP marker), then IKE (data here) */
  static const uint8_t ike[12] = {0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
  n = udp_frame(fb, 4500, 4500, ike, sizeof ike);
  p = run(&s, fb, n);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:udp:udpencap:data");
  CU_ASSERT_EQUAL(tu_count(p, "udpencap.non_esp_marker"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "esp"), 0);
  EXPECT(p, "data.len", "8");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "");
  dx_packet_free(p);
  dx_session_free(s);
  s = NULL;

  /* three bytes, neither a keepalive nor room for a SPI: malformed */
  static const uint8_t bad[3] = {1, 2, 3};
  n = udp_frame(fb, 4500, 4500, bad, sizeof bad);
  p = run(&s, fb, n);
  CU_ASSERT(tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  CU_ASSERT_EQUAL(tu_count(p, "esp"), 0);
  dx_packet_free(p);
  dx_session_free(s);
  s = NULL;
}

/* GRE header of 4 + ext bytes, then Ethernet + IPv4 + ICMP echo when
 * inner_eth, else IPv4 + ICMP echo; all behind Ethernet + IPv4 (protocol 47). */
static size_t gre_frame(uint8_t *b, const uint8_t *gre, size_t glen, bool inner_eth) {
  uint8_t in[200];
  size_t n = 0;
  memcpy(in, gre, glen);
  n = glen;
  if (inner_eth)
    n += nf_eth(in + n, 0x0800);
  n += nf_ip4(in + n, 1, 7, 0, NULL, 0, 12);
  n += nf_icmp_echo(in + n, 8, 1, 1, 4);
  return ip4_frame(b, 47, in, n);
}

static void test_gre(void) {
  dx_session *s = NULL;
  /* flags 0x3000: K and S (RFC 2890), version 0; IPv4; key 0x0000abcd,
   * sequence number 7 */
  static const uint8_t ks[12] = {0x30, 0x00, 0x08, 0x00, 0x00, 0x00,
                                 0xab, 0xcd, 0x00, 0x00, 0x00, 0x07};
  size_t n = gre_frame(fb, ks, sizeof ks, false);
  dx_packet *p = run(&s, fb, n);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:gre:ip:icmp:data");
  EXPECT(p, "gre.flags_and_version", "0x3000");
  EXPECT(p, "gre.flags.checksum", "0");
  EXPECT(p, "gre.flags.key", "1");
  EXPECT(p, "gre.flags.sequence_number", "1");
  EXPECT(p, "gre.flags.version", "0");
  EXPECT(p, "gre.proto", "0x0800");
  EXPECT(p, "gre.key", "0x0000abcd");
  EXPECT(p, "gre.sequence_number", "7");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "gre"), "Generic Routing Encapsulation (IP)");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "gre.proto"), "Protocol Type: IP (0x0800)");
  EXPECT(p, "icmp.type", "8");
  CU_ASSERT_EQUAL(tu_count(p, "ip"), 2);
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  dx_session_free(s);
  s = NULL;
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);

  /* flags 0x8000: C, so checksum (here 0x1234, not verified) and offset 0 */
  static const uint8_t cs[8] = {0x80, 0x00, 0x86, 0xdd, 0x12, 0x34, 0x00, 0x00};
  n = ip4_frame(fb, 47, cs, sizeof cs);
  p = run(&s, fb, n);
  EXPECT(p, "gre.flags.checksum", "1");
  EXPECT(p, "gre.checksum", "0x1234");
  EXPECT(p, "gre.offset", "0");
  EXPECT(p, "gre.proto", "0x86dd");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Encapsulated IPv6");
  dx_packet_free(p);
  dx_session_free(s);
  s = NULL;

  /* version 1 but not PPP: the key stays whole (tshark splits it only for
   * PPP); S set but the sequence number cut to two bytes: no
   * gre.sequence_number, the header is truncated */
  static const uint8_t v1[10] = {0x30, 0x01, 0x08, 0x00, 0x11, 0x22, 0x33, 0x44, 0x00, 0x00};
  n = ip4_frame(fb, 47, v1, sizeof v1);
  p = run(&s, fb, n);
  EXPECT(p, "gre.key", "0x11223344");
  CU_ASSERT_EQUAL(tu_count(p, "gre.key.call_id"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "gre.sequence_number"), 0);
  CU_ASSERT(tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  dx_session_free(s);
  s = NULL;

  /* PPP (0x880b) with K and A: payload length 4, call ID 9, then the
   * acknowledgment number 3 (RFC 2637 4.1) */
  static const uint8_t pptp[12] = {0x20, 0x81, 0x88, 0x0b, 0x00, 0x04,
                                   0x00, 0x09, 0x00, 0x00, 0x00, 0x03};
  n = ip4_frame(fb, 47, pptp, sizeof pptp);
  p = run(&s, fb, n);
  EXPECT(p, "gre.key.payload_length", "4");
  EXPECT(p, "gre.key.call_id", "9");
  EXPECT(p, "gre.flags.ack", "1");
  EXPECT(p, "gre.ack_number", "3");
  CU_ASSERT_EQUAL(tu_count(p, "gre.key"), 0);
  dx_packet_free(p);
  dx_session_free(s);
  s = NULL;

  /* only three bytes of GRE header */
  n = ip4_frame(fb, 47, cs, 3);
  p = run(&s, fb, n);
  CU_ASSERT(tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_erspan(void) {
  dx_session *s = NULL;
  /* type II: GRE with S (0x1000), protocol 0x88be, sequence 171; ERSPAN
   * word 0x1156 = version 1, VLAN 342; 0xc29a = COS 6 (110), encap 0,
   * T 0, span ID 666 (0x29a); 0x00007ff8 = reserved 0, index 32760 */
  static const uint8_t t2[16] = {0x10, 0x00, 0x88, 0xbe, 0x00, 0x00, 0x00, 0xab,
                                 0x11, 0x56, 0xc2, 0x9a, 0x00, 0x00, 0x7f, 0xf8};
  size_t n = gre_frame(fb, t2, sizeof t2, true);
  dx_packet *p = run(&s, fb, n);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:gre:erspan:eth:ethertype:ip:icmp:data");
  EXPECT(p, "gre.sequence_number", "171");
  EXPECT(p, "erspan.version", "1");
  EXPECT(p, "erspan.vlan", "342");
  EXPECT(p, "erspan.cos", "6");
  EXPECT(p, "erspan.encap", "0");
  EXPECT(p, "erspan.truncated", "0");
  EXPECT(p, "erspan.spanid", "666");
  EXPECT(p, "erspan.index", "32760");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "erspan"),
                         "Encapsulated Remote Switch Packet ANalysis Type II");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "gre"), "Generic Routing Encapsulation (ERSPAN)");
  EXPECT(p, "icmp.type", "8");
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  dx_session_free(s);
  s = NULL;
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);

  /* type I: no sequence number in GRE, no ERSPAN header */
  static const uint8_t t1[4] = {0x00, 0x00, 0x88, 0xbe};
  n = gre_frame(fb, t1, sizeof t1, true);
  p = run(&s, fb, n);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:gre:erspan:eth:ethertype:ip:icmp:data");
  CU_ASSERT_EQUAL(tu_count(p, "erspan.version"), 0);
  CU_ASSERT_STRING_EQUAL(tu_label(p, "erspan"),
                         "Encapsulated Remote Switch Packet ANalysis Type I");
  EXPECT(p, "icmp.type", "8");
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_mpls(void) {
  dx_session *s = NULL;
  /* two entries: label 16, exp 5, S 0, TTL 64 = 16<<12 | 5<<9 | 64 =
   * 0x00010a40; label 1000, exp 0, S 1, TTL 255 = 1000<<12 | 1<<8 | 255 =
   * 0x003e81ff; then IPv4 (first nibble 4) + ICMP echo */
  static const uint8_t st[8] = {0x00, 0x01, 0x0a, 0x40, 0x00, 0x3e, 0x81, 0xff};
  size_t n = nf_eth(fb, 0x8847);
  memcpy(fb + n, st, sizeof st);
  n += sizeof st;
  n += nf_ip4(fb + n, 1, 7, 0, NULL, 0, 12);
  n += nf_icmp_echo(fb + n, 8, 1, 1, 4);
  dx_packet *p = run(&s, fb, n);
  EXPECT(p, "frame.protocols", "eth:ethertype:mpls:ip:icmp:data");
  CU_ASSERT_EQUAL(tu_count(p, "mpls"), 2);
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "mpls.label", 0), "16");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "mpls.exp", 0), "5");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "mpls.bottom", 0), "0");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "mpls.ttl", 0), "64");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "mpls.label", 1), "1000");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "mpls.bottom", 1), "1");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "mpls.ttl", 1), "255");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "mpls"),
                         "MultiProtocol Label Switching Header, Label: 16, Exp: 5, S: 0, TTL: 64");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "mpls.label"),
                         "0000 0000 0000 0001 0000 .... .... .... = MPLS Label: 16 (0x00010)");
  EXPECT(p, "icmp.type", "8");
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  dx_session_free(s);
  s = NULL;
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);

  /* MPLS in UDP (port 6635): label 21, S 1, TTL 63 = 21<<12 | 1<<8 | 63 =
   * 0x0001513f, then IPv6 (first nibble 6) with No Next Header (tshark's
   * Info "IPv6 no next header" is IPv6's, which dissect does not write) */
  uint8_t mu[4 + 40] = {0x00, 0x01, 0x51, 0x3f};
  nf_ip6(mu + 4, 59, 0);
  n = udp_frame(fb, 50000, 6635, mu, sizeof mu);
  p = run(&s, fb, n);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:udp:mpls:ipv6");
  EXPECT(p, "mpls.label", "21");
  EXPECT(p, "mpls.bottom", "1");
  EXPECT(p, "mpls.ttl", "63");
  EXPECT(p, "ipv6.nxt", "59");
  dx_packet_free(p);
  dx_session_free(s);
  s = NULL;

  /* the stack ends the packet: no payload to guess from */
  n = udp_frame(fb, 50000, 6635, mu, 4);
  p = run(&s, fb, n);
  EXPECT(p, "mpls.label", "21");
  CU_ASSERT(tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  /* tshark: "MPLS Label Switched Packet[Malformed Packet]" */
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "MPLS Label Switched Packet[Malformed Packet]");
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_macsec(void) {
  dx_session *s = NULL;
  /* TCI/AN 0x21: SC set (0x20), E and C clear, AN 1; TCI field = 0x21 >> 2
   * = 0x08. SL 0, PN 5, SCI 02:00:00:00:00:01 port 1, then the EtherType
   * 0x0800, IPv4 + ICMP echo, and a 16-byte ICV of 0xee */
  static const uint8_t tag[16] = {0x21, 0x00, 0x00, 0x00, 0x00, 0x05, 0x02, 0x00,
                                  0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x08, 0x00};
  size_t n = nf_eth(fb, 0x88e5);
  memcpy(fb + n, tag, sizeof tag);
  n += sizeof tag;
  n += nf_ip4(fb + n, 1, 7, 0, NULL, 0, 12);
  n += nf_icmp_echo(fb + n, 8, 1, 1, 4);
  memset(fb + n, 0xee, 16);
  n += 16;
  dx_packet *p = run(&s, fb, n);
  EXPECT(p, "frame.protocols", "eth:ethertype:macsec:ethertype:ip:icmp:data");
  EXPECT(p, "macsec.TCI", "0x08");
  EXPECT(p, "macsec.TCI.SC", "1");
  EXPECT(p, "macsec.TCI.E", "0");
  EXPECT(p, "macsec.AN", "0x01");
  EXPECT(p, "macsec.SL", "0");
  EXPECT(p, "macsec.PN", "5");
  EXPECT(p, "macsec.SCI.system_identifier", "02:00:00:00:00:01");
  EXPECT(p, "macsec.SCI.port_identifier", "1");
  EXPECT(p, "macsec.etype", "0x0800");
  EXPECT(p, "macsec.ICV", "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "macsec.TCI"), "0010 00.. = TCI: 0x08, VER: 0x0, SC");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "macsec.AN"), ".... ..01 = AN: 0x1");
  EXPECT(p, "icmp.type", "8");
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  dx_session_free(s);
  s = NULL;

  /* TCI/AN 0x0c: E and C set, no SCI (SecTAG of 6 bytes), SL 10: ten bytes
   * of user data shown as data, then the ICV */
  static const uint8_t enc[6] = {0x0c, 10, 0x00, 0x00, 0x01, 0x00};
  n = nf_eth(fb, 0x88e5);
  memcpy(fb + n, enc, sizeof enc);
  n += sizeof enc;
  memset(fb + n, 0x5a, 10 + 16);
  n += 10 + 16;
  p = run(&s, fb, n);
  EXPECT(p, "frame.protocols", "eth:ethertype:macsec:data");
  EXPECT(p, "macsec.TCI", "0x03");
  EXPECT(p, "macsec.SL", "10");
  EXPECT(p, "macsec.PN", "256");
  EXPECT(p, "data.len", "10");
  CU_ASSERT_EQUAL(tu_count(p, "macsec.etype"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "macsec.SCI.system_identifier"), 0);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "MACsec frame");
  dx_packet_free(p);
  dx_session_free(s);
  s = NULL;

  /* SecTAG version bit set (TCI/AN 0xa0): not a SecTAG tshark takes */
  n = nf_eth(fb, 0x88e5);
  memcpy(fb + n, tag, sizeof tag);
  fb[n] = 0xa0;
  n += sizeof tag;
  memset(fb + n, 0, 20);
  n += 20;
  p = run(&s, fb, n);
  EXPECT(p, "frame.protocols", "eth:ethertype:data");
  dx_packet_free(p);
  dx_session_free(s);
  s = NULL;

  /* SC set but only 6 of the 14 SecTAG bytes: not MACsec, Ethernet + data */
  n = nf_eth(fb, 0x88e5);
  memcpy(fb + n, tag, 6);
  n += 6;
  p = run(&s, fb, n);
  EXPECT(p, "frame.protocols", "eth:ethertype:data");
  CU_ASSERT_EQUAL(tu_count(p, "macsec"), 0);
  dx_packet_free(p);
  dx_session_free(s);
}

/* Geneve (RFC 8926, UDP port 6081): a header with 12 bytes of options (one
 * of class 0x0105 "Amazon.com, Inc.", type 0x81 critical, 4 bytes of data;
 * one of class 0xfff1 "Experimental", no data), VNI 0x123456, carrying IPv4
 * (protocol type 0x0800) + ICMP; then an option that claims more bytes than
 * the options hold (malformed), and a header cut short (truncated). */
static void test_geneve(void) {
  dx_session *s = NULL;
  uint8_t g[8 + 12 + 20 + 12] = {
      0x03,                   /* version 0, options 3 words = 12 bytes */
      0x40,                   /* C: critical options present */
      0x08, 0x00,             /* IPv4 */
      0x12, 0x34, 0x56, 0x00, /* VNI, reserved */
      0x01, 0x05, 0x81, 0x01, /* class 0x0105, type 0x81, length 1 word of data */
      0xde, 0xad, 0xbe, 0xef, /* its data */
      0xff, 0xf1, 0x02, 0x00, /* class 0xfff1, type 2, no data */
  };
  nf_ip4(g + 20, 1, 9, 0, NULL, 0, 12);
  nf_icmp_echo(g + 40, 8, 1, 1, 4);
  size_t n = udp_frame(fb, 40000, 6081, g, sizeof g);
  dx_packet *p = run(&s, fb, n);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:udp:geneve:ip:icmp:data");
  EXPECT(p, "geneve.version", "0");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "geneve.option.length", 0), "12");
  EXPECT(p, "geneve.flags.critical", "1");
  EXPECT(p, "geneve.flags.oam", "0");
  EXPECT(p, "geneve.proto_type", "0x0800");
  EXPECT(p, "geneve.vni", "0x123456");
  CU_ASSERT_EQUAL(tu_count(p, "geneve.option"), 2);
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "geneve.option.class", 0), "0x0105");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "geneve.option.type.critical", 0), "1");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "geneve.option.length", 1), "8");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "geneve.option.length", 2), "4");
  EXPECT(p, "geneve.option.unknown.data", "deadbeef");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "geneve"),
                         "Generic Network Virtualization Encapsulation, VNI: 0x123456");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "geneve.flags"), "Flags: 0x40, Critical Options Present");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "geneve.option"),
                         "Unknown, Class: Amazon.com, Inc. (0x0105) Type: 0x81 (Critical)");
  const dx_node *o2 = dx_packet_find_next(p, dx_packet_find_name(p, "geneve.option"));
  char lb[256] = "";
  if (o2)
    dx_node_label(o2, lb, sizeof lb);
  CU_ASSERT_STRING_EQUAL(lb, "Unknown, Class: Experimental (0xfff1) Type: 0x02 (Non-critical)");
  EXPECT(p, "icmp.type", "8");
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  dx_session_free(s);
  s = NULL;
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);

  /* the second option says 2 words of data: 12 bytes, 8 left */
  g[19] = 0x02;
  n = udp_frame(fb, 40000, 6081, g, sizeof g);
  p = run(&s, fb, n);
  /* tshark 4.0: a warning "... (length of 12 is past end of options)" */
  CU_ASSERT_EQUAL(tu_count(p, "geneve.option.length.invalid"), 1);
  CU_ASSERT_STRING_EQUAL(
      tu_label(p, "geneve.option.length.invalid"),
      "Unknown, Class: Experimental (0xfff1) Type: 0x02 (length of 12 is past end of options)");
  CU_ASSERT_EQUAL(tu_count(p, "geneve.option"), 1);
  EXPECT(p, "geneve.vni", "0x123456");
  EXPECT(p, "icmp.type", "8"); /* the payload is still where the header says */
  dx_packet_free(p);
  dx_session_free(s);
  s = NULL;

  /* version 2 (a warning), an unknown protocol type: its Info, the
   * payload as data */
  uint8_t v2[8 + 3] = {0x80, 0x00, 0x12, 0x34, 0x00, 0x00, 0x01, 0x00, 'a', 'b', 'c'};
  n = udp_frame(fb, 40000, 6081, v2, sizeof v2);
  p = run(&s, fb, n);
  EXPECT(p, "geneve.version", "2");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "geneve.version.unknown"), "Unknown version 2");
  EXPECT(p, "data.len", "3");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Encapsulated 0x1234 (unknown)");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "Geneve");
  dx_packet_free(p);
  dx_session_free(s);
  s = NULL;

  /* five bytes of header */
  n = udp_frame(fb, 40000, 6081, g, 5);
  p = run(&s, fb, n);
  CU_ASSERT_EQUAL(tu_count(p, "geneve"), 1);
  CU_ASSERT(tu_any_flag(p, DX_NODE_TRUNCATED));
  dx_packet_free(p);
  dx_session_free(s);
}

/* IP in IP (RFC 2003, protocol 4), three times: each IP header is a call
 * of its own in frame.protocols, as tshark 4.0 lists Wireshark's
 * ipoipoip.pcap ("ip:ip:ip:ip:ip:tcp"), though each starts where the one
 * before ended. */
/* GTPv1-U (3GPP TS 29.281) on UDP port 2152: a T-PDU with no optional
 * fields carrying IPv4/ICMP; one with a sequence number (S), an extension
 * header (PDU Session Container, 1 word) and trailing bytes past its
 * length; an echo request; a header cut short. */
static void test_gtp(void) {
  dx_session *s = NULL;
  uint8_t g[12 + 8 + 20 + 12 + 4] = {
      0x30, 0xff, 0x00, 32,   /* v1, GTP, T-PDU, length 32 */
      0x07, 0xec, 0xe4, 0x96, /* TEID */
  };
  nf_ip4(g + 8, 1, 9, 0, NULL, 0, 12);
  nf_icmp_echo(g + 28, 8, 1, 1, 4);
  size_t n = udp_frame(fb, 2152, 2152, g, 40);
  dx_packet *p = run(&s, fb, n);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:udp:gtp:ip:icmp:data");
  EXPECT(p, "gtp.flags", "0x30");
  EXPECT(p, "gtp.flags.version", "1");
  EXPECT(p, "gtp.flags.payload", "1");
  EXPECT(p, "gtp.flags.s", "0");
  EXPECT(p, "gtp.message", "0xff");
  EXPECT(p, "gtp.length", "32");
  EXPECT(p, "gtp.teid", "0x07ece496");
  CU_ASSERT_EQUAL(tu_count(p, "gtp.seq_number"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "ip.src"), 2);
  EXPECT(p, "icmp.type", "8");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "GTP <ICMP>");
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);

  /* S and E: sequence 0x1234, N-PDU (not interpreted), next 0x85, one
   * extension header of 4 bytes (next 0), then the IPv4 packet; 4 bytes
   * after the message (its length is 48) are not the tunnelled packet's */
  static const uint8_t hdr[16] = {0x36, 0xff, 0x00, 48,   0, 0,    0,    1,
                                  0x12, 0x34, 0x77, 0x85, 1, 0x10, 0x05, 0x00};
  memcpy(g, hdr, 16);
  nf_ip4(g + 16, 1, 9, 0, NULL, 0, 12);
  nf_icmp_echo(g + 36, 8, 1, 1, 4);
  memset(g + 48, 0xee, 4);
  n = udp_frame(fb, 2152, 2152, g, 52);
  p = run(&s, fb, n);
  EXPECT(p, "gtp.flags.e", "1");
  EXPECT(p, "gtp.flags.s", "1");
  EXPECT(p, "gtp.flags.pn", "0");
  EXPECT(p, "gtp.seq_number", "0x1234");
  CU_ASSERT_EQUAL(tu_count(p, "gtp.npdu_number"), 0);
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "gtp.ext_hdr.next", 0), "0x85");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "gtp.ext_hdr.next", 1), "0x00");
  EXPECT(p, "gtp.ext_hdr.length", "1");
  EXPECT(p, "icmp.type", "8");
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:udp:gtp:ip:icmp:data");
  EXPECT(p, "data.len", "4");
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);

  /* an echo request with a Recovery information element (type 14) */
  static const uint8_t echo[14] = {0x32, 0x01, 0x00, 6, 0, 0, 0, 0, 0, 1, 0, 0, 14, 0};
  n = udp_frame(fb, 2152, 2152, echo, sizeof echo);
  p = run(&s, fb, n);
  EXPECT(p, "gtp.message", "0x01");
  EXPECT(p, "gtp.seq_number", "0x0001");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Echo request");
  dx_packet_free(p);

  /* cut inside the TEID */
  n = udp_frame(fb, 2152, 2152, echo, 6);
  p = run(&s, fb, n);
  EXPECT(p, "gtp.length", "6");
  CU_ASSERT_EQUAL(tu_count(p, "gtp.teid"), 0);
  CU_ASSERT(tu_any_flag(p, DX_NODE_TRUNCATED));
  dx_packet_free(p);
  /* every prefix of a G-PDU with sequence number and extension headers */
  n = udp_frame(fb, 2152, 2152, g, 52);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
  dx_session_free(s);
}

/* Teredo (RFC 4380) on UDP port 3544: an authentication header (no client
 * identifier or value, nonce b11b3fea46a9afe9, confirmation 0) and an
 * origin indication (port 52513 and 185.6.192.185, stored inverted:
 * 0x32de and 46:f9:3f:46), then an IPv6 packet with No Next Header; an
 * echo request to the port (a Direct IPv6 Connectivity Test: nonce, no
 * data after it) from a Teredo address to a 6to4 one; ISATAP and NAT64
 * (64:ff9b::/96) addresses. Values worked out by hand from the RFCs (the
 * layout of nDPI's teredo.pcap; DX_TEST_PCAP: tshark 4.0 shows these values). */
static void test_teredo(void) {
  dx_session *s = NULL;
  uint8_t g[13 + 8 + 40 + 16];
  static const uint8_t hdr[21] = {0x00, 0x01, 0,    0,    0xb1, 0x1b, 0x3f, 0xea, 0x46, 0xa9, 0xaf,
                                  0xe9, 0x00, 0x00, 0x00, 0x32, 0xde, 0x46, 0xf9, 0x3f, 0x46};
  memcpy(g, hdr, sizeof hdr);
  nf_ip6(g + 21, 59, 0);
  size_t n = udp_frame(fb, 3544, 52513, g, 21 + 40);
  dx_packet *p = run(&s, fb, n);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:udp:teredo:ipv6");
  EXPECT(p, "teredo.auth.idlen", "0");
  EXPECT(p, "teredo.auth.aulen", "0");
  EXPECT(p, "teredo.auth.nonce", "b11b3fea46a9afe9");
  EXPECT(p, "teredo.auth.conf", "00");
  EXPECT(p, "teredo.orig.port", "52513");
  EXPECT(p, "teredo.orig.addr", "185.6.192.185");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "IPv6 no next header");
  CU_ASSERT_EQUAL(tu_count(p, "ipv6.plen_zero"), 0);
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);

  /* the connectivity test: 2001:0:c288:1c4c:20f3:359b:46f9:3f46 (server
   * 194.136.28.76, client port 0x359b^0xffff = 51812, client
   * 0x46f93f46^0xffffffff = 185.6.192.185) to 2002:c288:1c4c::c288:1c4d
   * (6to4 gateway 194.136.28.76, SLA ID 0) */
  uint8_t *ip6 = g;
  nf_ip6(ip6, 58, 16);
  static const uint8_t src[16] = {0x20, 0x01, 0,    0,    0xc2, 0x88, 0x1c, 0x4c,
                                  0x20, 0xf3, 0x35, 0x9b, 0x46, 0xf9, 0x3f, 0x46};
  static const uint8_t dst[16] = {0x20, 0x02, 0xc2, 0x88, 0x1c, 0x4c, 0,    0,
                                  0,    0,    0,    0,    0xc2, 0x88, 0x1c, 0x4d};
  memcpy(ip6 + 8, src, 16);
  memcpy(ip6 + 24, dst, 16);
  ip6[7] = 21;
  static const uint8_t echo[16] = {128, 0, 0, 0, 0x28, 0xf0, 0xb2, 0x6f, 0, 0, 0, 0, 0xca, 1, 2, 3};
  memcpy(ip6 + 40, echo, 16);
  n = udp_frame(fb, 52513, 3544, g, 56);
  p = run(&s, fb, n);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:udp:teredo:ipv6:icmpv6");
  EXPECT(p, "ipv6.src_ts_ipv4", "194.136.28.76");
  EXPECT(p, "ipv6.src_tc_port", "51812");
  EXPECT(p, "ipv6.src_tc_ipv4", "185.6.192.185");
  EXPECT(p, "ipv6.tc_ipv4", "185.6.192.185");
  EXPECT(p, "ipv6.dst_6to4_gw_ipv4", "194.136.28.76");
  EXPECT(p, "ipv6.dst_6to4_sla_id", "0");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ipv6.src_tc_port"), "[Source Teredo Port: 51812]");
  EXPECT(p, "icmpv6.nonce", "00000000");
  CU_ASSERT_EQUAL(tu_count(p, "data"), 0);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "Teredo");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Direct IPv6 Connectivity Test id=0x28f0, seq=45679, hop limit=21");
  dx_packet_free(p);

  /* ISATAP (fe80::5efe:192.168.1.1) to the NAT64 prefix (64:ff9b::192.0.2.1),
   * straight over IPv6 */
  size_t h = nf_eth(fb, 0x86dd);
  nf_ip6(fb + h, 59, 0);
  static const uint8_t isa[8] = {0, 0, 0x5e, 0xfe, 192, 168, 1, 1};
  static const uint8_t nat[16] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, 192, 0, 2, 1};
  memcpy(fb + h + 16, isa, 8);
  memcpy(fb + h + 24, nat, 16);
  p = run(&s, fb, h + 40);
  EXPECT(p, "ipv6.src_isatap_ipv4", "192.168.1.1");
  EXPECT(p, "ipv6.isatap_ipv4", "192.168.1.1");
  EXPECT(p, "ipv6.embed_ipv4_prefix", "0064ff9b0000000000000000");
  EXPECT(p, "ipv6.dst_embed_ipv4", "192.0.2.1");
  EXPECT(p, "ipv6.embed_ipv4", "192.0.2.1");
  CU_ASSERT_EQUAL(tu_count(p, "ipv6.src_ts_ipv4"), 0);
  dx_packet_free(p);
  dx_session_free(s);
}

/* Cisco FabricPath (MAC-in-MAC, EtherType 0x8903) as tshark 4.0's
 * packet-cisco-fp-mim.c shows it: the outer header instead of Ethernet's
 * (no eth items of its own), the customer's frame inside, and the last 4
 * bytes taken for the FCS. */
static void test_cfp(void) {
  dx_session *s = NULL;
  uint8_t f[16 + 14 + 20 + 12 + 4] = {
      0x02, 0x0a, 0xbd, 0x00, 0x00, 0x01, /* destination: switch 0xabd, sub-switch 0, LID 1 */
      0x02, 0x0a, 0xbc, 0x00, 0x00, 0x02, /* source: switch 0xabc, LID 2 */
      0x89, 0x03, 0x40, 0x20,             /* FTAG 256, TTL 32 */
  };
  nf_eth(f + 16, 0x0800);
  nf_ip4(f + 30, 1, 9, 0, NULL, 0, 12);
  nf_icmp_echo(f + 50, 8, 1, 1, 4);
  memcpy(f + 62, "\xde\xad\xbe\xef", 4); /* the FCS (not checked) */
  dx_packet *p = run(&s, f, sizeof f);
  EXPECT(p, "frame.protocols", "eth:cfp:eth:ethertype:ip:icmp:data");
  CU_ASSERT_EQUAL(tu_count(p, "eth.src"), 1);
  EXPECT(p, "eth.src", "66:77:88:99:aa:bb");
  EXPECT(p, "eth.type", "0x0800");
  EXPECT(p, "cfp.etype", "0x8903");
  EXPECT(p, "cfp.ftag", "256");
  EXPECT(p, "cfp.ttl", "32");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "cfp.swid", 0), "2749");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "cfp.lid", 1), "2");
  EXPECT(p, "cfp.fcs", "0xdeadbeef");
  EXPECT(p, "icmp.type", "8");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "cfp"),
                         "Cisco FabricPath, Src: abc.00.0002, Dst: abd.00.0001");
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  /* without the FCS the frame is 4 bytes short: ICMP loses its data */
  p = run(&s, f, sizeof f - 4);
  EXPECT(p, "icmp.type", "8");
  EXPECT(p, "frame.protocols", "eth:cfp:eth:ethertype:ip:icmp");
  EXPECT(p, "cfp.fcs", "0x00010203");
  dx_packet_free(p);
  CU_ASSERT_EQUAL(tu_truncate_all(1, f, sizeof f), 0);
  dx_session_free(s);
}

/* CAPWAP data (RFC 5415, UDP port 5247) carrying an IEEE 802.11 data
 * frame whose Frame Control bytes are swapped (tshark 4.0's default for
 * CAPWAP), as a Cisco access point sends them (nDPI's capwap.pcap): the
 * header of HLEN 4 words, the 802.11 header, LLC/SNAP, IPv4/ICMP. */
static void test_capwap(void) {
  dx_session *s = NULL;
  uint8_t c[16 + 24 + 8 + 20 + 12] = {
      0x00,                               /* version 0, type 0 (CAPWAP header) */
      0x20, 0x43, 0x20,                   /* HLEN 4, RID 1, WBID 1, flags T W */
      0x00, 0x00, 0x00, 0x00,             /* fragment ID, offset */
      0x01, 0x04, 0xed, 0x4d,             /* wireless length 1, data, padding */
      0x04, 0xed, 0x4d, 0x00,             /* (inside HLEN, past what the flags account for) */
      0x01, 0x08, 0x2c, 0x00,             /* Frame Control swapped (data, To DS), duration 44 */
      0x58, 0x0a, 0x20, 0x69, 0x0e, 0x20, /* BSSID */
      0x1c, 0xab, 0xa7, 0xf2, 0x13, 0x9d, /* SA */
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* DA */
      0x00, 0x00,                         /* sequence */
      0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00, /* LLC SNAP, IPv4 */
  };
  nf_ip4(c + 48, 1, 9, 0, NULL, 0, 12);
  nf_icmp_echo(c + 68, 8, 1, 1, 4);
  size_t n = udp_frame(fb, 12380, 5247, c, sizeof c);
  dx_packet *p = run(&s, fb, n);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:udp:capwap.data:wlan:llc:ip:icmp:data");
  EXPECT(p, "capwap.header.length", "4");
  EXPECT(p, "capwap.header.wbid", "1");
  EXPECT(p, "capwap.header.flags", "0x000120");
  EXPECT(p, "capwap.header.flags.t", "1");
  EXPECT(p, "capwap.header.wireless.length", "1");
  EXPECT(p, "wlan.fc", "0x0108");
  EXPECT(p, "wlan.fc.type_subtype", "0x0020");
  EXPECT(p, "wlan.sa", "1c:ab:a7:f2:13:9d");
  EXPECT(p, "wlan.da", "ff:ff:ff:ff:ff:ff");
  EXPECT(p, "llc.type", "0x0800");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "ip.src", 1), "10.0.0.1");
  EXPECT(p, "icmp.type", "8");
  dx_packet_free(p);
  /* T clear: an 802.3 frame */
  static const uint8_t h8023[8] = {0x00, 0x10, 0x42, 0x00, 0, 0, 0, 0};
  uint8_t e[8 + 14 + 20 + 12];
  memcpy(e, h8023, 8);
  nf_eth(e + 8, 0x0800);
  nf_ip4(e + 22, 1, 9, 0, NULL, 0, 12);
  nf_icmp_echo(e + 42, 8, 1, 1, 4);
  n = udp_frame(fb, 12380, 5247, e, sizeof e);
  p = run(&s, fb, n);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:udp:capwap.data:eth:ethertype:ip:icmp:data");
  dx_packet_free(p);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
  dx_session_free(s);
}

static void test_ip_in_ip(void) {
  uint8_t in[200];
  size_t n = nf_ip4(in, 4, 1, 0, NULL, 0, 20 + 20 + 12);
  n += nf_ip4(in + n, 4, 1, 0, NULL, 0, 20 + 12);
  n += nf_ip4(in + n, 1, 7, 0, NULL, 0, 12);
  n += nf_icmp_echo(in + n, 8, 1, 1, 4);
  size_t fl = ip4_frame(fb, 4, in, n);
  dx_session *s = NULL;
  dx_packet *p = run(&s, fb, fl);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:ip:ip:ip:icmp:data");
  CU_ASSERT_EQUAL(tu_count(p, "ip"), 4);
  dx_packet_free(p);
  dx_session_free(s);
}

static CU_TestInfo tests[] = {
    {"ip_in_ip", test_ip_in_ip}, {"esp_ip4", test_esp_ip4}, {"esp_ip6", test_esp_ip6},
    {"udpencap", test_udpencap}, {"gre", test_gre},         {"erspan", test_erspan},
    {"mpls", test_mpls},         {"macsec", test_macsec},   {"geneve", test_geneve},
    {"gtp", test_gtp},           {"teredo", test_teredo},   {"cfp", test_cfp},
    {"capwap", test_capwap},     CU_TEST_INFO_NULL};

int main(void) {
  return tu_run("tunnels", tests);
}
