/* Frame Relay (LINKTYPE_FRAME_RELAY 107; Q.922 addresses, RFC 2427
 * encapsulation): two- and three-octet addresses, UI frames with an NLPID
 * (IPv4, SNAP with an EtherType or another OUI, OSI), LAPF control fields
 * of U, S and I frames on DLCI 0, frames cut short.
 *
 * The frames are written here byte by byte; the expected values are tshark
 * 4.0's on the same bytes (written as a pcap of link type 107: tshark -r
 * FILE -T fields -e fr.dlci -e fr.control -e fr.nlpid -e fr.snap.oui
 * -e fr.snaptype -e fr.snap.pid -e ip.dst -e data.len -e _ws.col.Info).
 * Where tshark goes further than we do (it dissects an 802.1 bridged SNAP
 * payload, hands an OSI NLPID to its OSI dissectors, and notes that it
 * does not decode LAPF), only what both show is checked. */
#include "testutil.h"

#include <string.h>

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))

/* UI, NLPID 0x80 SNAP, OUI 0, EtherType IPv4: IPv4 10.0.0.1 -> 10.0.0.2
 * UDP 5353 -> 9 (DLCI 100: address 0x18 0x41) */
static const uint8_t ui_snap_ip[] = {0x18, 0x41, 0x03, 0x80, 0x00, 0x00, 0x00, 0x08, 0x00, 0x45,
                                     0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x66,
                                     0xce, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x14,
                                     0xe9, 0x00, 0x09, 0x00, 0x08, 0x00, 0x00};
/* a three-octet address (DLCI 6416), UI, NLPID 0xcc IPv4 */
static const uint8_t three_octets[] = {0x18, 0x40, 0x41, 0x03, 0xcc, 0x45, 0x00, 0x00, 0x1c,
                                       0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x66, 0xce, 0x0a,
                                       0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x14, 0xe9,
                                       0x00, 0x09, 0x00, 0x08, 0x00, 0x00};

static dx_packet *fr(dx_session **s, const uint8_t *b, size_t n) {
  return tu_dissect(s, 107, b, n);
}

static void test_ui(void) {
  dx_session *s = NULL;
  dx_packet *p = fr(&s, ui_snap_ip, sizeof ui_snap_ip);
  EXPECT(p, "fr.dlci", "100");
  EXPECT(p, "fr.control", "0x03");
  EXPECT(p, "fr.nlpid", "0x80");
  EXPECT(p, "fr.snap.oui", "0");
  EXPECT(p, "fr.snaptype", "0x0800");
  EXPECT(p, "ip.dst", "10.0.0.2");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "5353 → 9 Len=0");
  /* the labels of tshark 4.0's -V on these bytes (Wireshark's arp.pcap has
   * the same header): the set bits after an address octet, xdlc's UI
   * control field, the OUI cut at 31 characters */
  CU_ASSERT_STRING_EQUAL(tu_label(p, "fr.first_addr_octet"), "First address octet: 0x18");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "fr.second_addr_octet"), "Second address octet: 0x41, EA");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "fr.control"), "Control field: U, func=UI (0x03)");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "fr.control.u_modifier_cmd"),
                         "000. 00.. = Command: Unnumbered Information (0x00)");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "fr.control.ftype"),
                         ".... ..11 = Frame type: Unnumbered frame (0x3)");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "fr.snap.oui"),
                         "Organization Code: 00:00:00 (Officially Xerox, but");
  dx_packet_free(p);
  p = fr(&s, three_octets, sizeof three_octets);
  EXPECT(p, "fr.dlci", "6416");
  EXPECT(p, "fr.nlpid", "0xcc");
  EXPECT(p, "ip.dst", "10.0.0.2");
  dx_packet_free(p);
  /* SNAP of another OUI (0x0080c2): its PID, not an EtherType */
  static const uint8_t other_oui[] = {0x18, 0x41, 0x03, 0x80, 0x00, 0x80, 0xc2,
                                      0x00, 0x07, 0xaa, 0xaa, 0xaa, 0xaa};
  p = fr(&s, other_oui, sizeof other_oui);
  EXPECT(p, "fr.snap.oui", "32962");
  EXPECT(p, "fr.snap.pid", "0x0007");
  CU_ASSERT_EQUAL(tu_count(p, "fr.snaptype"), 0);
  dx_packet_free(p);
  /* an OSI NLPID: the rest as data (3 bytes with the NLPID), no NLPID item */
  static const uint8_t osi[] = {0x18, 0x41, 0x03, 0x81, 0x01, 0x02};
  p = fr(&s, osi, sizeof osi);
  EXPECT(p, "data.len", "3");
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_lapf(void) {
  static const struct {
    uint8_t b[6];
    const char *control, *info;
  } f[] = {
      /* U frame 0x7f: SABME with P */
      {{0x00, 0x01, 0x7f, 0x08, 0x00, 0x00}, "0x7f", "DLCI 0, U P, func=SABME"},
      /* S frame 0x01 0x05: RR, P, N(R) 2 */
      {{0x00, 0x01, 0x01, 0x05, 0x08, 0x00}, "0x01", "DLCI 0, S P, func=RR, N(R)=2"},
      /* I frame 0x02 0x03: N(S) 1, P, N(R) 1 */
      {{0x00, 0x01, 0x02, 0x03, 0x08, 0x00}, "0x02", "DLCI 0, I P, N(R)=1, N(S)=1"},
  };
  dx_session *s = NULL;
  for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
    dx_packet *p = fr(&s, f[i].b, sizeof f[i].b);
    EXPECT(p, "fr.dlci", "0");
    EXPECT(p, "fr.control", f[i].control);
    EXPECT(p, "data.len", "4");
    CU_ASSERT_STRING_EQUAL(dx_packet_info(p), f[i].info);
    dx_packet_free(p);
  }
  dx_session_free(s);
}

/* Cut short: tshark marks each [Malformed Packet]; the fields before the
 * cut stay. */
static void test_cut(void) {
  dx_session *s = NULL;
  static const uint8_t addr1[] = {0x18};
  dx_packet *p = fr(&s, addr1, sizeof addr1);
  CU_ASSERT_TRUE(tu_any_flag(p, DX_NODE_TRUNCATED | DX_NODE_MALFORMED));
  CU_ASSERT_EQUAL(tu_count(p, "fr.dlci"), 0);
  dx_packet_free(p);
  static const uint8_t snap_cut[] = {0x18, 0x41, 0x03, 0x80, 0x00, 0x00};
  p = fr(&s, snap_cut, sizeof snap_cut);
  CU_ASSERT_TRUE(tu_any_flag(p, DX_NODE_TRUNCATED | DX_NODE_MALFORMED));
  EXPECT(p, "fr.nlpid", "0x80");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "DLCI 100, U, func=UI[Malformed Packet]");
  dx_packet_free(p);
  static const uint8_t no_nlpid[] = {0x18, 0x41, 0x03};
  p = fr(&s, no_nlpid, sizeof no_nlpid);
  CU_ASSERT_TRUE(tu_any_flag(p, DX_NODE_TRUNCATED | DX_NODE_MALFORMED));
  EXPECT(p, "fr.control", "0x03");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "DLCI 100, U, func=UI[Malformed Packet]");
  dx_packet_free(p);
  /* a frame that ends after its address (two or three octets) or inside
   * it: tshark 4.0 marks each [Malformed Packet] ("DLCI 100[Malformed
   * Packet]", "DLCI 6416[Malformed Packet]"); a fourth address octet
   * without its EA bit is a bogus extra octet, and the DLCI (821264) is
   * still shown */
  static const struct {
    uint8_t b[4];
    size_t n;
    const char *info;
  } cut[] = {{{0x18, 0x41}, 2, "DLCI 100[Malformed Packet]"},
             {{0x18, 0x40}, 2, "[Malformed Packet]"},
             {{0x18, 0x40, 0x41}, 3, "DLCI 6416[Malformed Packet]"},
             {{0x18, 0x40, 0x40, 0x41}, 4, "DLCI 821264[Malformed Packet]"}};
  for (size_t i = 0; i < sizeof cut / sizeof cut[0]; i++) {
    p = fr(&s, cut[i].b, cut[i].n);
    CU_ASSERT_TRUE(tu_any_flag(p, DX_NODE_TRUNCATED | DX_NODE_MALFORMED));
    CU_ASSERT_STRING_EQUAL(dx_packet_info(p), cut[i].info);
    dx_packet_free(p);
  }
  dx_session_free(s);
  /* every prefix of each frame: no crash, each short one marked */
  CU_ASSERT_EQUAL(tu_truncate_all(107, ui_snap_ip, 9), 0);
  CU_ASSERT_EQUAL(tu_truncate_all(107, three_octets, 5), 0);
}

int main(void) {
  CU_TestInfo tests[] = {{"UI frames: SNAP, NLPID, three-octet address", test_ui},
                         {"LAPF control fields on DLCI 0", test_lapf},
                         {"cut short", test_cut},
                         CU_TEST_INFO_NULL};
  return tu_run("fr", tests);
}
