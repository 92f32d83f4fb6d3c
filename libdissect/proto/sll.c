/* Linux "cooked" capture headers: SLL v1 (DLT_LINUX_SLL, 113: 16 bytes)
 * and SLL v2 (DLT_LINUX_SLL2, 276: 20 bytes), as documented on
 * tcpdump.org's linktypes pages. The protocol field is an EtherType
 * (dispatched through the EtherType table) or, below 1536, a Linux
 * ETH_P_* value shown as sll.ltype. */
#include "../core/dx.h"

extern const dx_vals dx_ethertype_vals[];
extern const dx_vals dx_arp_hrd_vals[]; /* arp.c */

static const dx_vals pkttype_vals[] = {{0, "Unicast to us"}, {1, "Broadcast"},
                                       {2, "Multicast"},     {3, "Unicast to another host"},
                                       {4, "Sent by us"},    {0, NULL}};
static const dx_vals ltype_vals[] = {
    {1, "Novell 802.3"}, {2, "AX.25"},   {3, "ETH_P_ALL"}, {4, "802.2 LLC"},        {0x0c, "CAN"},
    {0x0d, "CAN FD"},    {0x10, "IrDA"}, {0x18, "ISI"},    {0x19, "IEEE 802.15.4"}, {0, NULL}};

enum {
  F_SLL,
  F_PKTTYPE,
  F_HATYPE,
  F_HALEN,
  F_SRC_ETH,
  F_SRC_IPV4,
  F_SRC_OTHER,
  F_UNUSED,
  F_LTYPE,
  F_ETYPE,
  F_IFINDEX,
};

static const dx_field sll_fields[] = {
    [F_SLL] = DX_F("sll", "Linux cooked-mode capture", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_PKTTYPE] = DX_FV("sll.pkttype", "Packet type", DX_FT_UINT16, DX_BASE_DEC, pkttype_vals),
    [F_HATYPE] =
        DX_FV("sll.hatype", "Link-layer address type", DX_FT_UINT16, DX_BASE_DEC, dx_arp_hrd_vals),
    [F_HALEN] = DX_F("sll.halen", "Link-layer address length", DX_FT_UINT16, DX_BASE_DEC),
    [F_SRC_ETH] = DX_F("sll.src.eth", "Source", DX_FT_ETHER, DX_BASE_NONE),
    [F_SRC_IPV4] = DX_F("sll.src.ipv4", "Source", DX_FT_IPV4, DX_BASE_NONE),
    [F_SRC_OTHER] = DX_F("sll.src.other", "Source", DX_FT_BYTES, DX_BASE_NONE),
    [F_UNUSED] = DX_F("sll.unused", "Unused", DX_FT_BYTES, DX_BASE_NONE),
    [F_LTYPE] = DX_FV("sll.ltype", "Protocol", DX_FT_UINT16, DX_BASE_HEX, ltype_vals),
    [F_ETYPE] = DX_FV("sll.etype", "Protocol", DX_FT_UINT16, DX_BASE_HEX, dx_ethertype_vals),
    [F_IFINDEX] = DX_F("sll.ifindex", "Interface index", DX_FT_UINT32, DX_BASE_DEC),
};

#define FL(i) (&sll_fields[(i)])

/* The 8-byte address field at off: the first halen bytes are the address. */
static void add_address(dx_packet *p, dx_node *s, const dx_tvb *t, uint32_t off, unsigned halen) {
  unsigned n = halen > 8 ? 8 : halen;
  if (n == 6) {
    dx_add_item(p, s, FL(F_SRC_ETH), t, off, 6);
    dx_addr_set(&p->dl_src, DX_AT_ETHER, t->data + off);
  } else if (n == 4) {
    dx_add_item(p, s, FL(F_SRC_IPV4), t, off, 4);
  } else if (n > 0) {
    dx_add_item(p, s, FL(F_SRC_OTHER), t, off, n);
  }
  if (n < 8)
    dx_add_item(p, s, FL(F_UNUSED), t, off + n, 8 - n);
}

static uint32_t dispatch(dx_packet *p, dx_node *s, const dx_tvb *t, uint32_t hdr,
                         uint32_t proto_off, uint16_t proto, dx_node *parent) {
  dx_tvb pl = dx_tvb_sub(t, hdr, UINT32_MAX);
  if (proto < 1536) {
    dx_add_item(p, s, FL(F_LTYPE), t, proto_off, 2);
    dx_dissect_data(p, &pl, parent);
    return t->len;
  }
  if (proto_off + 2 <= hdr)
    dx_add_item(p, s, FL(F_ETYPE), t, proto_off, 2);
  p->ip_ethertype_at = pl.data;
  uint32_t took = dx_dissect_table(p, DX_TABLE_ETHERTYPE, proto, &pl, parent);
  p->ip_ethertype_at = NULL;
  if (took == 0) {
    dx_col_info_set(p, "Linux cooked capture, protocol 0x%04x", proto);
    dx_dissect_data(p, &pl, parent);
  }
  return t->len;
}

static uint32_t dissect_sll2(dx_packet *p, const dx_tvb *t, dx_node *parent);

/* One protocol, two link types: the frame's link type tells the version. */
static uint32_t dissect_sll(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  if (p->frame.linktype == 276)
    return dissect_sll2(p, t, parent);
  dx_node *s = dx_add_proto(p, parent, FL(F_SLL), t, 0, 16);
  dx_node_set_text(p, s, "Linux cooked capture v1");
  dx_col_set_proto(p, "SLL");
  if (!dx_tvb_has(t, 0, 16)) {
    dx_add_item(p, s, FL(F_PKTTYPE), t, 0, 2);
    dx_mark_truncated(p, s, "Linux cooked header needs 16 bytes");
    return t->len;
  }
  uint16_t halen, proto;
  dx_get_u16(t, 4, &halen);
  dx_get_u16(t, 14, &proto);
  dx_add_item(p, s, FL(F_PKTTYPE), t, 0, 2);
  dx_add_item(p, s, FL(F_HATYPE), t, 2, 2);
  dx_add_item(p, s, FL(F_HALEN), t, 4, 2);
  add_address(p, s, t, 6, halen);
  return dispatch(p, s, t, 16, 14, proto, parent);
}

static uint32_t dissect_sll2(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  dx_node *s = dx_add_proto(p, parent, FL(F_SLL), t, 0, 20);
  dx_node_set_text(p, s, "Linux cooked capture v2");
  dx_col_set_proto(p, "SLL");
  if (!dx_tvb_has(t, 0, 20)) {
    dx_add_item(p, s, FL(F_ETYPE), t, 0, 2);
    dx_mark_truncated(p, s, "Linux cooked v2 header needs 20 bytes");
    return t->len;
  }
  uint16_t proto;
  uint8_t halen;
  dx_get_u16(t, 0, &proto);
  dx_get_u8(t, 11, &halen);
  if (proto < 1536)
    dx_add_item(p, s, FL(F_LTYPE), t, 0, 2);
  else
    dx_add_item(p, s, FL(F_ETYPE), t, 0, 2);
  dx_add_item(p, s, FL(F_IFINDEX), t, 4, 4);
  dx_add_item(p, s, FL(F_HATYPE), t, 8, 2);
  dx_add_item(p, s, FL(F_PKTTYPE), t, 10, 1);
  dx_add_item(p, s, FL(F_HALEN), t, 11, 1);
  add_address(p, s, t, 12, halen);
  dx_tvb pl = dx_tvb_sub(t, 20, UINT32_MAX);
  if (proto < 1536) {
    dx_dissect_data(p, &pl, parent);
    return t->len;
  }
  p->ip_ethertype_at = pl.data;
  uint32_t took = dx_dissect_table(p, DX_TABLE_ETHERTYPE, proto, &pl, parent);
  p->ip_ethertype_at = NULL;
  if (took == 0) {
    dx_col_info_set(p, "Linux cooked capture v2, protocol 0x%04x", proto);
    dx_dissect_data(p, &pl, parent);
  }
  return t->len;
}

static const dx_reg sll_regs[] = {
    {DX_TABLE_LINKTYPE, 113}, {DX_TABLE_LINKTYPE, 276}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_sll = {
    .name = "sll",
    .label = "Linux cooked-mode capture",
    .fields = sll_fields,
    .nfields = DX_ARRAY_LEN(sll_fields),
    .dissect = dissect_sll,
    .regs = sll_regs,
};
