/* Ethernet II and IEEE 802.3 (IEEE 802.3-2018 clause 3). */
#include "../core/dx.h"

extern const dx_protocol dx_proto_llc;

#include <string.h>

enum {
  F_ETH,
  F_DST,
  F_DST_LG,
  F_DST_IG,
  F_SRC,
  F_SRC_LG,
  F_SRC_IG,
  F_ADDR,
  F_LG,
  F_IG,
  F_TYPE,
  F_LEN,
  F_PADDING,
  F_TRAILER,
  F_PADDING_BAD,
  F_FCS,
  F_FCS_STATUS,
  F_LEN_PAST_END,
};

/* Shared with vlan.c and sll.c through dx_ethertype_vals. */
const dx_vals dx_ethertype_vals[] = {{0x0800, "IPv4"},
                                     {0x0806, "ARP"},
                                     {0x8100, "802.1Q Virtual LAN"},
                                     {0x86dd, "IPv6"},
                                     {0x88a8, "802.1ad Provider Bridge (Q-in-Q)"},
                                     {0x8035, "RARP"},
                                     {0x88cc, "802.1 Link Layer Discovery Protocol (LLDP)"},
                                     {0x8863, "PPPoE Discovery"},
                                     {0x8864, "PPPoE Session"},
                                     {0x8847, "MPLS label switched packet"},
                                     {0x888e, "802.1X Authentication"},
                                     {0x9000, "Configuration Test Protocol (loopback)"},
                                     {0x6558, "Transparent Ethernet bridging"},
                                     {0, NULL}};

static const dx_vals lg_vals[] = {
    {0, "Globally unique address (factory default)"},
    {1, "Locally administered address (this is NOT the factory default)"},
    {0, NULL}};
static const dx_vals ig_vals[] = {
    {0, "Individual address (unicast)"}, {1, "Group address (multicast/broadcast)"}, {0, NULL}};

static const dx_vals fcs_status[] = {{0, "Bad"},         {1, "Good"},    {2, "Unverified"},
                                     {3, "Not present"}, {4, "Illegal"}, {0, NULL}};

static const dx_field eth_fields[] = {
    [F_ETH] = DX_F("eth", "Ethernet II", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_DST] = DX_F("eth.dst", "Destination", DX_FT_ETHER, DX_BASE_NONE),
    [F_DST_LG] = DX_FM("eth.dst.lg", "LG bit", DX_FT_BOOL, DX_BASE_NONE, lg_vals, 0x020000, 24),
    [F_DST_IG] = DX_FM("eth.dst.ig", "IG bit", DX_FT_BOOL, DX_BASE_NONE, ig_vals, 0x010000, 24),
    [F_SRC] = DX_F("eth.src", "Source", DX_FT_ETHER, DX_BASE_NONE),
    [F_SRC_LG] = DX_FM("eth.src.lg", "LG bit", DX_FT_BOOL, DX_BASE_NONE, lg_vals, 0x020000, 24),
    [F_SRC_IG] = DX_FM("eth.src.ig", "IG bit", DX_FT_BOOL, DX_BASE_NONE, ig_vals, 0x010000, 24),
    [F_ADDR] = DX_F("eth.addr", "Address", DX_FT_ETHER, DX_BASE_NONE),
    [F_LG] = DX_FM("eth.lg", "LG bit", DX_FT_BOOL, DX_BASE_NONE, lg_vals, 0x020000, 24),
    [F_IG] = DX_FM("eth.ig", "IG bit", DX_FT_BOOL, DX_BASE_NONE, ig_vals, 0x010000, 24),
    [F_TYPE] = DX_FV("eth.type", "Type", DX_FT_UINT16, DX_BASE_HEX, dx_ethertype_vals),
    [F_LEN] = DX_F("eth.len", "Length", DX_FT_UINT16, DX_BASE_DEC),
    [F_PADDING] = DX_F("eth.padding", "Padding", DX_FT_BYTES, DX_BASE_NONE),
    [F_TRAILER] = DX_F("eth.trailer", "Trailer", DX_FT_BYTES, DX_BASE_NONE),
    [F_PADDING_BAD] = DX_F("eth.padding_bad",
                           "Padding identification may be inaccurate and impact trailer dissector",
                           DX_FT_NONE, DX_BASE_NONE),
    [F_FCS] = DX_F("eth.fcs", "Frame check sequence", DX_FT_UINT32, DX_BASE_HEX),
    [F_LEN_PAST_END] =
        DX_F("eth.len.past_end", "Length field value goes past the end of the payload", DX_FT_NONE,
             DX_BASE_NONE),
    [F_FCS_STATUS] = DX_FV("eth.fcs.status", "FCS Status", DX_FT_UINT8, DX_BASE_NONE, fcs_status),
};

/* The LG and IG bits live in the first octet of the address; show them as
 * tshark does, over the first 24 bits. */
static void add_addr_bits(dx_packet *p, dx_node *parent, const dx_tvb *t, uint32_t off,
                          const dx_field *lg, const dx_field *ig, bool hidden) {
  uint8_t b0;
  if (!dx_get_u8(t, off, &b0))
    return;
  dx_node *n = dx_add_uint(p, parent, lg, t, off, 3, (b0 >> 1) & 1);
  if (hidden)
    dx_node_set_flags(n, DX_NODE_HIDDEN);
  n = dx_add_uint(p, parent, ig, t, off, 3, b0 & 1);
  if (hidden)
    dx_node_set_flags(n, DX_NODE_HIDDEN);
}

extern const dx_protocol dx_proto_cfp;
uint32_t dx_cfp_match(const dx_tvb *t); /* cfp.c */

/* The bytes after the upper layer, as tshark 4.0's add_ethernet_trailer()
 * reads them (no FCS known, zero padding): padding up to the 60-byte
 * minimum when all its bytes are zeros; an FCS when the frame has 64
 * bytes or more and 4 are left; the rest a trailer, with a note when
 * padding was possible but the bytes were not zeros. (tshark's trailer
 * heuristics of monitoring equipment, Gigamon, Ixia, VSS, ... are not
 * tried.) */
static void trailer(dx_packet *p, dx_node *eth, const dx_tvb *t, const dx_tvb *pl, uint32_t took) {
  uint32_t cap = pl->len - took;
  uint32_t rep = pl->reported > took ? pl->reported - took : cap;
  uint32_t pkt_len = p->frame.wirelen;
  bool maybe_padded = pkt_len >= 60 && pkt_len - rep < 60;
  uint32_t pad = 0, off = took;
  if (maybe_padded) {
    pad = 60 - (pkt_len - rep);
    for (uint32_t i = 0; i < pad; i++) {
      uint8_t b = 0;
      if (!dx_get_u8(pl, off + i, &b) || b != 0) {
        pad = 0;
        break;
      }
    }
    if (pad > 0) {
      dx_add_item(p, eth, &eth_fields[F_PADDING], pl, off, pad);
      cap = cap > pad ? cap - pad : 0;
      rep -= pad;
      off += pad;
    }
  }
  bool fcs = false;
  if (t->reported >= 64 && rep >= 4) {
    if (cap < rep) {
      rep -= 4;
      if (cap > rep)
        cap = rep;
    } else {
      cap -= 4;
      rep -= 4;
    }
    fcs = true;
  }
  if (rep != 0 && cap != 0) {
    dx_node *tr = dx_add_item(p, eth, &eth_fields[F_TRAILER], pl, off, cap);
    if (maybe_padded && pad == 0)
      dx_expert(p, tr, &eth_fields[F_PADDING_BAD], DX_SEV_NOTE,
                "Didn't find padding of zeros, and an undecoded trailer exists. There may be "
                "padding of non-zeros.");
  }
  if (fcs) {
    uint32_t v = 0;
    if (dx_get_u32(pl, off + cap, &v)) {
      dx_node *f = dx_add_uint(p, eth, &eth_fields[F_FCS], pl, off + cap, 4, v);
      dx_node_set_text(p, f, "Frame check sequence: 0x%08x [unverified]", v);
      dx_node_set_flags(dx_add_uint(p, eth, &eth_fields[F_FCS_STATUS], pl, off + cap, 4, 2),
                        DX_NODE_GENERATED);
    }
  }
}

static uint32_t dissect_eth(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  dx_node *eth = dx_add_proto(p, parent, &eth_fields[F_ETH], t, 0, 14);
  dx_col_set_proto(p, "ETH");
  if (!dx_tvb_has(t, 0, 14)) {
    if (t->len >= 6)
      dx_add_item(p, eth, &eth_fields[F_DST], t, 0, 6);
    if (t->len >= 12)
      dx_add_item(p, eth, &eth_fields[F_SRC], t, 6, 6);
    dx_mark_truncated(p, eth, "Ethernet header needs 14 bytes");
    return t->len;
  }
  const uint8_t *dst = t->data, *src = t->data + 6;
  dx_addr_set(&p->dl_src, DX_AT_ETHER, src);
  dx_addr_set(&p->dl_dst, DX_AT_ETHER, dst);
  dx_col_set_addr(p, &p->dl_src, &p->dl_dst);
  if (dx_cfp_match(t)) {
    /* Cisco FabricPath: a heuristic tshark's Ethernet asks before reading
     * the header as its own; the layer is there ("eth:cfp:eth"), its
     * items are not */
    dx_node_set_flags(eth, DX_NODE_HIDDEN);
    return dx_proto_cfp.dissect(p, t, parent);
  }
  uint16_t type;
  dx_get_u16(t, 12, &type);
  char ds[18] = "", ss[18] = "";
  if (dx_label_wanted(p, eth)) { /* for the label only */
    dx_addr_format(&p->dl_dst, ds, sizeof ds);
    dx_addr_format(&p->dl_src, ss, sizeof ss);
  }

  /* (the addresses' fields of no interest: every node would be a ghost) */
  static dx_field_group addrs = {&eth_fields[F_DST], F_IG + 1 - F_DST, {0}, 0};
  if (dx_layer_built(p, eth) && !dx_packet_skips_group(p, &addrs)) {
    /* as tshark -V shows each address: "Address:" (eth.addr), then the
     * LG and IG bits of this side; the generic eth.lg/eth.ig hidden */
    dx_node *d = dx_add_item(p, eth, &eth_fields[F_DST], t, 0, 6);
    dx_add_item(p, d, &eth_fields[F_ADDR], t, 0, 6);
    add_addr_bits(p, d, t, 0, &eth_fields[F_DST_LG], &eth_fields[F_DST_IG], false);
    add_addr_bits(p, d, t, 0, &eth_fields[F_LG], &eth_fields[F_IG], true);
    dx_node *s = dx_add_item(p, eth, &eth_fields[F_SRC], t, 6, 6);
    dx_add_item(p, s, &eth_fields[F_ADDR], t, 6, 6);
    add_addr_bits(p, s, t, 6, &eth_fields[F_SRC_LG], &eth_fields[F_SRC_IG], false);
    add_addr_bits(p, s, t, 6, &eth_fields[F_LG], &eth_fields[F_IG], true);
  }

  if (type <= 1500) {
    /* IEEE 802.3 length field: the payload is LLC (802.2, with SNAP), as
     * tshark dissects it; tshark 4.0 names the layer without addresses */
    dx_node_set_text(p, eth, "IEEE 802.3 Ethernet ");
    dx_node *ln = dx_add_item(p, eth, &eth_fields[F_LEN], t, 12, 2);
    if (type > t->reported - 14) {
      /* (tshark's dissect_802_3: an error, the payload what is there) */
      dx_expert(p, ln, &eth_fields[F_LEN_PAST_END], DX_SEV_ERROR,
                "Length field value goes past the end of the payload");
      dx_node_set_flags(ln, DX_NODE_MALFORMED);
    }
    dx_tvb pl = dx_tvb_sub(t, 14, type);
    dx_col_info_set(p, "IEEE 802.3, length %u", type);
    if (pl.len)
      dx_proto_llc.dissect(p, &pl, parent);
    else if (pl.reported)
      dx_mark_truncated(p, eth, "IEEE 802.3 payload");
    /* what follows the length's bytes: padding, FCS or trailer */
    dx_tvb all = dx_tvb_sub(t, 14, UINT32_MAX);
    if (pl.len == type && all.len > type)
      trailer(p, eth, t, &all, type);
    return 14 + (all.len > type ? all.len : pl.len);
  }
  dx_node_set_text_cat(p, eth, "Ethernet II, Src: ", ss, ", Dst: ", ds, NULL);
  /* built even when nobody asks for it (no field ghost): frame.protocols
   * reads it to name the "ethertype" layer (frame.c) */
  dx_add_uint_full(p, eth, &eth_fields[F_TYPE], t, 12, 2, type);
  dx_tvb pl = dx_tvb_sub(t, 14, UINT32_MAX);
  p->ip_ethertype_at = pl.data;
  uint32_t took = dx_dissect_table(p, DX_TABLE_ETHERTYPE, type, &pl, parent);
  p->ip_ethertype_at = NULL;
  if (took == 0) {
    dx_col_info_set(p, "Ethernet II, type 0x%04x", type);
    dx_dissect_data(p, &pl, parent);
    took = pl.len;
  } else if (took < pl.len) {
    trailer(p, eth, t, &pl, took);
  }
  return 14 + (took < pl.len ? pl.len : took);
}

static const dx_reg eth_regs[] = {{DX_TABLE_LINKTYPE, 1}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_eth = {
    .name = "eth",
    .label = "Ethernet II",
    .fields = eth_fields,
    .nfields = DX_ARRAY_LEN(eth_fields),
    .dissect = dissect_eth,
    .regs = eth_regs,
};
