/* The Point-to-Point Protocol as captured: LINKTYPE_PPP (9) and
 * LINKTYPE_PPP_HDLC (50, PPP in HDLC-like framing, RFC 1662, as
 * DLT_PPP_SERIAL), which tshark both reads as its "PPP" encapsulation.
 * RFC 1661 section 2: an optional address (0xff) and control (0x03) byte,
 * absent when both sides agreed on Address-and-Control-Field-Compression,
 * then the protocol field, one byte when its first byte is odd (Protocol
 * Field Compression), else two. As tshark, a frame of DLT 50 whose first
 * byte is a Cisco HDLC address (0x0f, 0x8f) is Cisco HDLC (chdlc.c), and
 * a first byte of 0xff is taken as the address whatever the control byte
 * holds. IPv4 and IPv6 go on by the EtherType table; other protocols
 * (LCP, IPCP, PAP, MPLS, ...) are shown as data. */
#include "../core/dx.h"

enum { F_PPP, F_ADDRESS, F_CONTROL, F_PROTOCOL };

/* PPP DLL protocol numbers (IANA "PPP DLL Protocol Numbers"), named as
 * tshark 4.0 names them. */
static const dx_vals ppp_proto_vals[] = {{0x0021, "Internet Protocol version 4"},
                                         {0x0023, "OSI Network Layer"},
                                         {0x002b, "Novell IPX"},
                                         {0x002d, "Van Jacobson Compressed TCP/IP"},
                                         {0x002f, "Van Jacobson Uncompressed TCP/IP"},
                                         {0x003d, "PPP Multilink"},
                                         {0x0057, "Internet Protocol version 6"},
                                         {0x00fd, "Compressed datagram"},
                                         {0x0281, "MPLS Unicast"},
                                         {0x0283, "MPLS Multicast"},
                                         {0x8021, "Internet Protocol Control Protocol"},
                                         {0x8057, "IPv6 Control Protocol"},
                                         {0x80fd, "Compression Control Protocol"},
                                         {0x8281, "MPLS Control Protocol"},
                                         {0xc021, "Link Control Protocol"},
                                         {0xc023, "Password Authentication Protocol"},
                                         {0xc025, "Link Quality Report"},
                                         {0xc223, "Challenge Handshake Authentication Protocol"},
                                         {0xc227, "Extensible Authentication Protocol"},
                                         {0, NULL}};

static const dx_field ppp_fields[] = {
    [F_PPP] = DX_F("ppp", "Point-to-Point Protocol", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_ADDRESS] = DX_F("ppp.address", "Address", DX_FT_UINT8, DX_BASE_HEX),
    [F_CONTROL] = DX_F("ppp.control", "Control", DX_FT_UINT8, DX_BASE_HEX),
    [F_PROTOCOL] = DX_FV("ppp.protocol", "Protocol", DX_FT_UINT16, DX_BASE_HEX, ppp_proto_vals),
};

#define FL(i) (&ppp_fields[(i)])

extern const dx_protocol dx_proto_chdlc;

static uint32_t dissect_ppp(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  uint8_t b0;
  if (dx_get_u8(t, 0, &b0) && (b0 == 0x0f || b0 == 0x8f))
    return dx_proto_chdlc.dissect(p, t, parent);
  dx_node *s = dx_add_proto(p, parent, FL(F_PPP), t, 0, 0);
  dx_col_set_proto(p, "PPP");
  if (t->len == 0) {
    dx_mark_truncated(p, s, "PPP header needs at least 1 byte");
    return t->len;
  }
  uint32_t off = 0;
  if (b0 == 0xff) {
    dx_add_item(p, s, FL(F_ADDRESS), t, 0, 1);
    dx_node *c = dx_add_item(p, s, FL(F_CONTROL), t, 1, 1);
    off = 2;
    if (!dx_node_ok(c)) {
      dx_node_set_len(s, t->len);
      dx_mark_truncated(p, s, "PPP control byte missing");
      return t->len;
    }
  }
  uint8_t pb;
  if (!dx_get_u8(t, off, &pb)) {
    dx_add_item(p, s, FL(F_PROTOCOL), t, off, 2);
    dx_node_set_len(s, t->len);
    dx_mark_truncated(p, s, "PPP protocol field missing");
    return t->len;
  }
  uint32_t plen = (pb & 1) ? 1 : 2; /* Protocol Field Compression */
  uint16_t proto = pb;
  if (plen == 2 && !dx_get_u16(t, off, &proto)) {
    dx_add_item(p, s, FL(F_PROTOCOL), t, off, 2);
    dx_node_set_len(s, t->len);
    dx_mark_truncated(p, s, "PPP protocol field needs 2 bytes");
    return t->len;
  }
  dx_node *pn = dx_add_uint(p, s, FL(F_PROTOCOL), t, off, plen, proto);
  if (!dx_val_name(ppp_proto_vals, proto))
    dx_node_set_text(p, pn, "Protocol: Unknown (0x%04x)", proto);
  off += plen;
  dx_node_set_len(s, off);
  dx_tvb pl = dx_tvb_sub(t, off, UINT32_MAX);
  uint32_t took = 0;
  if (proto == 0x0021)
    took = dx_dissect_table(p, DX_TABLE_ETHERTYPE, 0x0800, &pl, parent);
  else if (proto == 0x0057)
    took = dx_dissect_table(p, DX_TABLE_ETHERTYPE, 0x86dd, &pl, parent);
  else if (proto == 0x0281 || proto == 0x0283) /* MPLS unicast, multicast */
    took = dx_dissect_table(p, DX_TABLE_ETHERTYPE, 0x8847, &pl, parent);
  if (took == 0) {
    const char *name = dx_val_name(ppp_proto_vals, proto);
    const char *col = dx_arena_printf(&p->arena, "0x%04x", proto);
    if (col) /* tshark shows an unknown protocol's number as the protocol */
      dx_col_set_proto(p, col);
    dx_col_info_set(p, "PPP %s (0x%04x)", name ? name : "Unknown", proto);
    dx_dissect_data(p, &pl, parent);
  }
  return t->len;
}

static const dx_reg ppp_regs[] = {
    {DX_TABLE_LINKTYPE, 9}, {DX_TABLE_LINKTYPE, 50}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_ppp = {
    .name = "ppp",
    .label = "Point-to-Point Protocol",
    .fields = ppp_fields,
    .nfields = DX_ARRAY_LEN(ppp_fields),
    .dissect = dissect_ppp,
    .regs = ppp_regs,
};
