/* Cisco HDLC (LINKTYPE_C_HDLC, 104): an address byte (0x0f unicast, 0x8f
 * broadcast), a control byte (0) and a 16-bit protocol that is an
 * EtherType, or Cisco's own: 0x8035 is SLARP (Serial Line Address
 * Resolution Protocol, the keepalive and address exchange of Cisco serial
 * lines), shown here too; 0x2000 CDP and 0xfefe OSI are shown as data.
 * Layouts as tcpdump's print-chdlc.c and Wireshark's packet-chdlc.c
 * describe them. */
#include "../core/dx.h"

#include <stdio.h>

extern const dx_vals dx_ethertype_vals[];

enum { F_CHDLC, F_ADDRESS, F_CONTROL, F_PROTOCOL };

static const dx_vals address_vals[] = {{0x0f, "Unicast"}, {0x8f, "Multicast"}, {0, NULL}};
static const dx_vals chdlc_proto_vals[] = {
    {0x0800, "IPv4"}, {0x86dd, "IPv6"},  {0x0806, "ARP"},
    {0x2000, "CDP"},  {0x8035, "SLARP"}, {0x8847, "MPLS label switched packet"},
    {0xfefe, "OSI"},  {0, NULL}};

static const dx_field chdlc_fields[] = {
    [F_CHDLC] = DX_F("chdlc", "Cisco HDLC", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_ADDRESS] = DX_FV("chdlc.address", "Address", DX_FT_UINT8, DX_BASE_HEX, address_vals),
    [F_CONTROL] = DX_F("chdlc.control", "Control", DX_FT_UINT8, DX_BASE_HEX),
    [F_PROTOCOL] = DX_FV("chdlc.protocol", "Protocol", DX_FT_UINT16, DX_BASE_HEX, chdlc_proto_vals),
};

enum { S_SLARP, S_PTYPE, S_ADDRESS, S_NETMASK, S_MYSEQ, S_YOURSEQ, S_RELIABILITY };

static const dx_vals slarp_ptype_vals[] = {
    {0, "Request"}, {1, "Reply"}, {2, "Line keepalive"}, {0, NULL}};

static const dx_field slarp_fields[] = {
    [S_SLARP] = DX_F("slarp", "Cisco SLARP", DX_FT_PROTOCOL, DX_BASE_NONE),
    [S_PTYPE] = DX_FV("slarp.ptype", "Packet type", DX_FT_UINT32, DX_BASE_DEC, slarp_ptype_vals),
    [S_ADDRESS] = DX_F("slarp.address", "Address", DX_FT_IPV4, DX_BASE_NONE),
    [S_NETMASK] = DX_F("slarp.netmask", "Netmask", DX_FT_IPV4, DX_BASE_NONE),
    [S_MYSEQ] = DX_F("slarp.mysequence", "Outgoing sequence number", DX_FT_UINT32, DX_BASE_DEC),
    [S_YOURSEQ] = DX_F("slarp.yoursequence", "Returned sequence number", DX_FT_UINT32, DX_BASE_DEC),
    [S_RELIABILITY] = DX_F("slarp.reliability", "Reliability", DX_FT_UINT16, DX_BASE_HEX),
};

#define FL(i) (&chdlc_fields[(i)])
#define SL(i) (&slarp_fields[(i)])

static uint32_t dissect_slarp(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  dx_node *s = dx_add_proto(p, parent, SL(S_SLARP), t, 0, t->len < 14 ? t->len : 14);
  dx_col_set_proto(p, "SLARP");
  uint32_t code;
  if (!dx_get_u32(t, 0, &code)) {
    dx_add_item(p, s, SL(S_PTYPE), t, 0, 4);
    dx_mark_truncated(p, s, "SLARP packet type needs 4 bytes");
    return t->len;
  }
  dx_add_item(p, s, SL(S_PTYPE), t, 0, 4);
  /* (the bytes are checked in the tvb, not through the nodes: a terse
   * packet may not build them) */
  if (code == 0 || code == 1) {
    dx_add_item(p, s, SL(S_ADDRESS), t, 4, 4);
    dx_add_item(p, s, SL(S_NETMASK), t, 8, 4);
    if (dx_tvb_has(t, 4, 8)) {
      const uint8_t *x = t->data + 4, *m = t->data + 8;
      dx_col_info_set(p, "%s, from %u.%u.%u.%u, mask %u.%u.%u.%u", code ? "Reply" : "Request", x[0],
                      x[1], x[2], x[3], m[0], m[1], m[2], m[3]);
    }
  } else if (code == 2) {
    dx_add_item(p, s, SL(S_MYSEQ), t, 4, 4);
    dx_add_item(p, s, SL(S_YOURSEQ), t, 8, 4);
    dx_add_item(p, s, SL(S_RELIABILITY), t, 12, 2);
    if (dx_tvb_has(t, 4, 10)) {
      uint32_t my, yours;
      dx_get_u32(t, 4, &my);
      dx_get_u32(t, 8, &yours);
      dx_col_info_set(p, "Line keepalive, outgoing sequence %u, returned sequence %u", my, yours);
    }
  } else {
    dx_col_info_set(p, "Unknown packet type 0x%08X", code);
    return t->len;
  }
  if (!dx_tvb_has(t, 4, 8) || (code == 2 && !dx_tvb_has(t, 12, 2)))
    dx_mark_truncated(p, s, "SLARP packet cut short");
  return t->len;
}

static uint32_t dissect_chdlc(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  dx_node *s = dx_add_proto(p, parent, FL(F_CHDLC), t, 0, 4);
  dx_col_set_proto(p, "CHDLC");
  if (!dx_tvb_has(t, 0, 4)) {
    if (t->len >= 1)
      dx_add_item(p, s, FL(F_ADDRESS), t, 0, 1);
    if (t->len >= 2)
      dx_add_item(p, s, FL(F_CONTROL), t, 1, 1);
    dx_mark_truncated(p, s, "Cisco HDLC header needs 4 bytes");
    return t->len;
  }
  uint16_t proto;
  dx_get_u16(t, 2, &proto);
  dx_add_item(p, s, FL(F_ADDRESS), t, 0, 1);
  dx_add_item(p, s, FL(F_CONTROL), t, 1, 1);
  dx_node *pn = dx_add_item(p, s, FL(F_PROTOCOL), t, 2, 2);
  const char *name = dx_val_name(chdlc_proto_vals, proto);
  if (!name)
    name = dx_val_name(dx_ethertype_vals, proto);
  if (!name)
    dx_node_set_text(p, pn, "Protocol: Unknown (0x%04x)", proto);
  else
    dx_node_set_text(p, pn, "Protocol: %s (0x%04x)", name, proto);
  dx_tvb pl = dx_tvb_sub(t, 4, UINT32_MAX);
  if (pl.len == 0 && pl.reported > 0) { /* cut right after the header */
    dx_mark_truncated(p, s, "Cisco HDLC payload not captured");
    return t->len;
  }
  uint32_t took = 0;
  if (proto == 0x8035)
    took = dissect_slarp(p, &pl, parent);
  else
    took = dx_dissect_table(p, DX_TABLE_ETHERTYPE, proto, &pl, parent);
  if (took == 0) {
    const char *col = dx_arena_printf(&p->arena, "0x%04x", proto);
    if (col && !name) /* tshark shows an unknown protocol's number */
      dx_col_set_proto(p, col);
    dx_dissect_data(p, &pl, parent);
  }
  return t->len;
}

static const dx_reg chdlc_regs[] = {{DX_TABLE_LINKTYPE, 104}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_chdlc = {
    .name = "chdlc",
    .label = "Cisco HDLC",
    .fields = chdlc_fields,
    .nfields = DX_ARRAY_LEN(chdlc_fields),
    .dissect = dissect_chdlc,
    .regs = chdlc_regs,
};

/* SLARP rides only on Cisco HDLC (dispatched above): no keys of its own. */
const dx_protocol dx_proto_slarp = {
    .name = "slarp",
    .label = "Cisco SLARP",
    .fields = slarp_fields,
    .nfields = DX_ARRAY_LEN(slarp_fields),
};
