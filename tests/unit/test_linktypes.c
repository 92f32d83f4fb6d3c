/* Link types beyond Ethernet: PPP (9, 50), Cisco HDLC + SLARP (104),
 * NFLOG (239), radiotap (127) + IEEE 802.11 + LLC/SNAP, IEEE 802.11 without
 * radiotap (105), and a link type without a dissector. Every frame is made
 * by hand from the layouts in RFC 1661/1662, tcpdump.org's LINKTYPE_
 * pages, radiotap.org and IEEE 802.11-2020; the expected values are read
 * off those bytes, not from our output. */
#include "netframe.h"
#include "testutil.h"

#include <stdlib.h>

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))

static uint8_t fb[512];

static size_t ip_icmp(uint8_t *b) {
  size_t n = nf_ip4(b, 1, 1, 0, NULL, 0, 12);
  return n + nf_icmp_echo(b + n, 8, 1, 1, 4);
}

/* Every prefix of the frame as a capture cut by a snapshot length would
 * give it (captured n bytes of len on the wire): nothing crashes and each
 * one is marked truncated or malformed. Returns the unmarked prefixes. */
static int cut_all(int linktype, const uint8_t *bytes, size_t len) {
  int unmarked = 0;
  for (size_t n = 0; n < len; n++) {
    dx_session *s = NULL;
    if (dx_session_new(&s, NULL) != DX_OK)
      return -1;
    uint8_t *copy = malloc(n ? n : 1);
    memcpy(copy, bytes, n);
    dx_frame f = {.ts_sec = 1700000000,
                  .caplen = (uint32_t)n,
                  .wirelen = (uint32_t)len,
                  .linktype = linktype,
                  .data = copy};
    dx_packet *p = NULL;
    if (dx_session_dissect(s, &f, &p) != DX_OK || !p) {
      unmarked++;
    } else {
      if (!tu_any_flag(p, DX_NODE_TRUNCATED | DX_NODE_MALFORMED))
        unmarked++;
      dx_packet_free(p);
    }
    dx_session_free(s);
    free(copy);
  }
  return unmarked;
}

static void test_ppp(void) {
  /* RFC 1662 framing: address 0xff, control 0x03, protocol 0x0021 (IPv4) */
  const uint8_t h[4] = {0xff, 0x03, 0x00, 0x21};
  memcpy(fb, h, 4);
  size_t n = 4 + ip_icmp(fb + 4);
  dx_session *s = NULL;
  int types[] = {9, 50};
  for (int i = 0; i < 2; i++) {
    dx_packet *p = tu_dissect(&s, types[i], fb, n);
    EXPECT(p, "frame.encap_type", "4"); /* tshark's WTAP_ENCAP_PPP for both */
    EXPECT(p, "ppp.address", "0xff");
    EXPECT(p, "ppp.control", "0x03");
    EXPECT(p, "ppp.protocol", "0x0021");
    EXPECT(p, "icmp.type", "8");
    CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
    dx_packet_free(p);
    CU_ASSERT_EQUAL(tu_truncate_all(types[i], fb, n), 0);
  }
  /* Address and control compressed, protocol field compressed to 0x21 */
  fb[3] = 0x21;
  dx_packet *p = tu_dissect(&s, 9, fb + 3, n - 3);
  EXPECT(p, "ppp.address", "");
  EXPECT(p, "ppp.protocol", "0x0021");
  EXPECT(p, "ip.dst", "10.0.0.2");
  dx_packet_free(p);
  /* IPv6 (0x0057) */
  const uint8_t h6[4] = {0xff, 0x03, 0x00, 0x57};
  memcpy(fb, h6, 4);
  nf_ip6(fb + 4, 59, 0);
  p = tu_dissect(&s, 9, fb, 44);
  EXPECT(p, "ipv6.dst", "fe80::2");
  dx_packet_free(p);
  /* An unknown protocol: data, its number as the protocol column */
  const uint8_t hx[8] = {0xff, 0x03, 0x7e, 0x08, 1, 2, 3, 4};
  p = tu_dissect(&s, 9, hx, 8);
  EXPECT(p, "ppp.protocol", "0x7e08");
  EXPECT(p, "data.len", "4");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "0x7e08");
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_chdlc(void) {
  /* Cisco HDLC unicast, control 0, IPv4 */
  const uint8_t h[4] = {0x0f, 0x00, 0x08, 0x00};
  memcpy(fb, h, 4);
  size_t n = 4 + ip_icmp(fb + 4);
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 104, fb, n);
  EXPECT(p, "frame.encap_type", "28");
  EXPECT(p, "chdlc.address", "0x0f");
  EXPECT(p, "chdlc.control", "0x00");
  EXPECT(p, "chdlc.protocol", "0x0800");
  EXPECT(p, "icmp.type", "8");
  dx_packet_free(p);
  CU_ASSERT_EQUAL(tu_truncate_all(104, fb, n), 0);
  /* The same frame as LINKTYPE_PPP_HDLC: 0x0f means Cisco HDLC there */
  p = tu_dissect(&s, 50, fb, n);
  EXPECT(p, "chdlc.protocol", "0x0800");
  EXPECT(p, "ppp.protocol", "");
  dx_packet_free(p);
  /* SLARP keepalive: broadcast, type 0x8035; code 2, mysequence 5,
   * yoursequence 2, reliability 0xffff */
  const uint8_t k[18] = {0x8f, 0x00, 0x80, 0x35, 0, 0, 0, 2, 0, 0, 0, 5, 0, 0, 0, 2, 0xff, 0xff};
  p = tu_dissect(&s, 104, k, sizeof k);
  EXPECT(p, "slarp.ptype", "2");
  EXPECT(p, "slarp.mysequence", "5");
  EXPECT(p, "slarp.yoursequence", "2");
  EXPECT(p, "slarp.reliability", "0xffff");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Line keepalive, outgoing sequence 5, returned sequence 2");
  dx_packet_free(p);
  CU_ASSERT_EQUAL(tu_truncate_all(104, k, sizeof k), 0);
  /* SLARP request: address 10.1.2.3, mask 255.255.255.0 */
  const uint8_t r[18] = {0x8f, 0, 0x80, 0x35, 0, 0, 0, 0, 10, 1, 2, 3, 255, 255, 255, 0, 0, 0};
  p = tu_dissect(&s, 104, r, sizeof r);
  EXPECT(p, "slarp.address", "10.1.2.3");
  EXPECT(p, "slarp.netmask", "255.255.255.0");
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_nflog(void) {
  size_t n = 0;
  /* header: AF_INET, version 0, resource id 20 (big-endian) */
  const uint8_t hdr[4] = {2, 0, 0, 20};
  memcpy(fb, hdr, 4);
  n = 4;
  /* NFULA_PACKET_HDR: len 8, type 1 (little-endian), hw_protocol 0x0800,
   * hook 1 (local in), pad */
  const uint8_t ph[8] = {8, 0, 1, 0, 0x08, 0x00, 1, 0};
  memcpy(fb + n, ph, 8);
  n += 8;
  /* NFULA_PREFIX "abcd\0": len 9, type 10, padded to 12 */
  const uint8_t pr[12] = {9, 0, 10, 0, 'a', 'b', 'c', 'd', 0, 0, 0, 0};
  memcpy(fb + n, pr, 12);
  n += 12;
  /* NFULA_UID 1000 (network order value) */
  const uint8_t uid[8] = {8, 0, 11, 0, 0, 0, 0x03, 0xe8};
  memcpy(fb + n, uid, 8);
  n += 8;
  /* NFULA_PAYLOAD: the IPv4 packet (32 bytes, so no padding) */
  size_t ipn = ip_icmp(fb + n + 4);
  fb[n] = (uint8_t)(4 + ipn);
  fb[n + 1] = 0;
  fb[n + 2] = 9;
  fb[n + 3] = 0;
  n += 4 + ipn;
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 239, fb, n);
  EXPECT(p, "frame.encap_type", "141");
  EXPECT(p, "nflog.family", "2");
  EXPECT(p, "nflog.version", "0");
  EXPECT(p, "nflog.res_id", "20");
  EXPECT(p, "nflog.protocol", "0x0800");
  EXPECT(p, "nflog.hook", "1");
  EXPECT(p, "nflog.prefix", "abcd");
  EXPECT(p, "nflog.uid", "1000");
  CU_ASSERT_EQUAL(tu_count(p, "nflog.tlv"), 4);
  EXPECT(p, "icmp.type", "8");
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  CU_ASSERT_EQUAL(cut_all(239, fb, n), 0);
  /* A TLV length below its own header is malformed, and the walk ends */
  fb[4] = 2;
  p = tu_dissect(&s, 239, fb, n);
  CU_ASSERT(tu_any_flag(p, DX_NODE_MALFORMED));
  CU_ASSERT_EQUAL(tu_count(p, "nflog.tlv"), 1);
  dx_packet_free(p);
  dx_session_free(s);
}

/* radiotap v0: present = flags, rate, channel, dBm antenna signal (bits
 * 1, 2, 3, 5 = 0x2e); flags at 8, rate at 9, channel aligned to 2 at 10
 * (2412 MHz, CCK + 2 GHz = 0x00a0), signal at 14: length 15. Then a
 * beacon: BSSID 00:11:22:33:44:55, sequence 1, timestamp, interval 100,
 * capabilities 0x0401, SSID "test", rates 0x82 0x84, DS channel 6. */
static size_t beacon(uint8_t *b) {
  const uint8_t rt[15] = {0, 0, 15, 0, 0x2e, 0, 0, 0, 0x00, 0x0c, 0x6c, 0x09, 0xa0, 0x00, 0xd6};
  const uint8_t wl[24] = {0x80, 0x00, 0,    0,    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0,    0x11,
                          0x22, 0x33, 0x44, 0x55, 0,    0x11, 0x22, 0x33, 0x44, 0x55, 0x10, 0x00};
  const uint8_t body[] = {1, 2,   3,   4,   5,   6, 7, 8,    100,  0, 0x01, 0x04, 0,
                          4, 't', 'e', 's', 't', 1, 2, 0x82, 0x84, 3, 1,    6};
  memcpy(b, rt, 15);
  memcpy(b + 15, wl, 24);
  memcpy(b + 39, body, sizeof body);
  return 39 + sizeof body;
}

static void test_radiotap_beacon(void) {
  size_t n = beacon(fb);
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 127, fb, n);
  EXPECT(p, "frame.encap_type", "23");
  EXPECT(p, "radiotap.version", "0");
  EXPECT(p, "radiotap.length", "15");
  EXPECT(p, "radiotap.present.word", "0x0000002e");
  EXPECT(p, "radiotap.present.rate", "1");
  EXPECT(p, "radiotap.present.tsft", "0");
  EXPECT(p, "radiotap.flags", "0x00");
  EXPECT(p, "radiotap.datarate", "6");
  EXPECT(p, "radiotap.channel.freq", "2412");
  EXPECT(p, "radiotap.channel.flags", "0x00a0");
  EXPECT(p, "radiotap.dbm_antsignal", "-42");
  EXPECT(p, "wlan_radio.channel", "1");
  EXPECT(p, "wlan.fc", "0x8000");
  EXPECT(p, "wlan.fc.type_subtype", "0x0008");
  EXPECT(p, "wlan.fc.type", "0");
  EXPECT(p, "wlan.fc.subtype", "8");
  EXPECT(p, "wlan.da", "ff:ff:ff:ff:ff:ff");
  EXPECT(p, "wlan.sa", "00:11:22:33:44:55");
  EXPECT(p, "wlan.bssid", "00:11:22:33:44:55");
  CU_ASSERT_EQUAL(tu_count(p, "wlan.addr"), 3);
  EXPECT(p, "wlan.seq", "1");
  EXPECT(p, "wlan.frag", "0");
  EXPECT(p, "wlan.fixed.timestamp", "578437695752307201"); /* 0x0807060504030201 */
  EXPECT(p, "wlan.fixed.beacon", "100");
  EXPECT(p, "wlan.fixed.capabilities", "0x0401");
  EXPECT(p, "wlan.ssid", "74657374");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "wlan.supported_rates", 1), "0x84");
  EXPECT(p, "wlan.ds.current_channel", "6");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "802.11");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Beacon frame, SN=1, FN=0, Flags=........, BI=100, SSID=\"test\"");
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  CU_ASSERT_EQUAL(cut_all(127, fb, n), 0);
  /* A tag longer than what is left is malformed */
  fb[n - 2] = 9;
  p = tu_dissect(&s, 127, fb, n);
  CU_ASSERT(tu_any_flag(p, DX_NODE_MALFORMED));
  dx_packet_free(p);
  /* Header length below 8, and a version that is not 0 */
  const uint8_t bad[8] = {0, 0, 4, 0, 0, 0, 0, 0};
  p = tu_dissect(&s, 127, bad, 8);
  CU_ASSERT(tu_any_flag(p, DX_NODE_MALFORMED));
  dx_packet_free(p);
  n = beacon(fb);
  fb[0] = 1;
  p = tu_dissect(&s, 127, fb, n);
  CU_ASSERT(tu_any_flag(p, DX_NODE_MALFORMED));
  EXPECT(p, "radiotap.datarate", "");
  EXPECT(p, "wlan.bssid", "00:11:22:33:44:55"); /* the length still finds the frame */
  dx_packet_free(p);
  dx_session_free(s);
}

/* Present words 0xc0000002 (flags; vendor namespace next; another word),
 * 0xa0000000 (vendor namespace word: radiotap namespace next; another),
 * 0x00000020 (dBm antenna signal). Fields start after the 3 words, at 16:
 * flags at 16 (0x10: FCS at end); the vendor namespace header at 18 (OUI
 * 00:11:22, sub namespace 0, skip length 2) and its 2 bytes to 26; the
 * signal at 26 (-50). Length 27. Then an ACK with its FCS. */
static void test_radiotap_namespaces(void) {
  const uint8_t rt[27] = {0, 0, 27,   0, 0x02, 0,    0,    0xc0, 0, 0, 0,    0xa0, 0x20, 0,
                          0, 0, 0x10, 0, 0x00, 0x11, 0x22, 0,    2, 0, 0xaa, 0xbb, 0xce};
  const uint8_t ack[14] = {0xd4, 0, 0, 0, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 1, 2, 3, 4};
  memcpy(fb, rt, 27);
  memcpy(fb + 27, ack, 14);
  size_t n = 41;
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 127, fb, n);
  EXPECT(p, "radiotap.flags.fcs", "1");
  EXPECT(p, "radiotap.vendor_data_len", "2");
  EXPECT(p, "radiotap.dbm_antsignal", "-50");
  CU_ASSERT_EQUAL(tu_count(p, "radiotap.present.word"), 3);
  EXPECT(p, "wlan.fc.type_subtype", "0x001d");
  EXPECT(p, "wlan.ra", "02:11:22:33:44:55");
  EXPECT(p, "wlan.fcs", "0x04030201");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Acknowledgement, Flags=........C");
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  dx_session_free(s);
  CU_ASSERT_EQUAL(cut_all(127, fb, n), 0);
}

/* LINKTYPE_IEEE802_11: QoS data to the DS (To DS = 1): address 1 is the
 * BSSID, 2 the source, 3 the destination; QoS control TID 5; LLC/SNAP
 * (AA AA 03, OUI 0, type 0x0800) and IPv4. */
static void test_wlan_data(void) {
  const uint8_t h[26] = {0x88, 0x01, 0x2c, 0x00, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4,
                         0xa5, 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0xd0, 0xd1,
                         0xd2, 0xd3, 0xd4, 0xd5, 0x20, 0x00, 0x05, 0x00};
  const uint8_t snap[8] = {0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00};
  memcpy(fb, h, 26);
  memcpy(fb + 26, snap, 8);
  size_t n = 34 + ip_icmp(fb + 34);
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 105, fb, n);
  EXPECT(p, "frame.encap_type", "20");
  EXPECT(p, "frame.protocols", "wlan:llc:ip:icmp:data");
  EXPECT(p, "wlan.fc.type_subtype", "0x0028");
  EXPECT(p, "wlan.fc.ds", "0x01");
  EXPECT(p, "wlan.duration", "44");
  EXPECT(p, "wlan.ra", "a0:a1:a2:a3:a4:a5");
  EXPECT(p, "wlan.bssid", "a0:a1:a2:a3:a4:a5");
  EXPECT(p, "wlan.sa", "50:51:52:53:54:55");
  EXPECT(p, "wlan.ta", "50:51:52:53:54:55");
  EXPECT(p, "wlan.da", "d0:d1:d2:d3:d4:d5");
  EXPECT(p, "wlan.seq", "2");
  EXPECT(p, "wlan.qos.tid", "5");
  EXPECT(p, "llc.dsap", "0xaa");
  EXPECT(p, "llc.control", "0x0003");
  EXPECT(p, "llc.type", "0x0800");
  EXPECT(p, "icmp.type", "8");
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  CU_ASSERT_EQUAL(cut_all(105, fb, n), 0);
  /* The same frame protected (flags 0x41), a CCMP header (Ext IV bit in
   * byte 3, PN 0x000000000102) and 16 bytes: marked, shown as data. */
  const uint8_t ccmp[8] = {0x02, 0x01, 0, 0x20, 0, 0, 0, 0};
  fb[1] = 0x41;
  memcpy(fb + 26, ccmp, 8);
  memset(fb + 34, 0x5a, 16);
  p = tu_dissect(&s, 105, fb, 50);
  EXPECT(p, "wlan.fc.protected", "1");
  EXPECT(p, "wlan.ccmp.extiv", "0x000000000102");
  EXPECT(p, "data.len", "16");
  EXPECT(p, "llc.dsap", "");
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_unknown_linktype(void) {
  const uint8_t b[4] = {1, 2, 3, 4};
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 147, b, 4); /* LINKTYPE_USER0 */
  EXPECT(p, "frame.encap_type", "45");      /* tshark's WTAP_ENCAP_USER0 */
  EXPECT(p, "frame.protocols", "data");
  EXPECT(p, "data.data", "01020304");
  CU_ASSERT(tu_count(p, "_ws.expert") >= 1);
  dx_packet_free(p);
  p = tu_dissect(&s, 4242, b, 4); /* a number nobody assigned */
  EXPECT(p, "frame.encap_type", "0");
  EXPECT(p, "data.len", "4");
  dx_packet_free(p);
  dx_session_free(s);
  CU_ASSERT(dx_linktype_supported(127));
  CU_ASSERT(dx_linktype_supported(104));
  CU_ASSERT(!dx_linktype_supported(147));
}

static CU_TestInfo tests[] = {{"ppp", test_ppp},
                              {"chdlc", test_chdlc},
                              {"nflog", test_nflog},
                              {"radiotap_beacon", test_radiotap_beacon},
                              {"radiotap_namespaces", test_radiotap_namespaces},
                              {"wlan_data", test_wlan_data},
                              {"unknown_linktype", test_unknown_linktype},
                              CU_TEST_INFO_NULL};

int main(void) {
  return tu_run("linktypes", tests);
}
