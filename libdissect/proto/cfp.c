/* Cisco FabricPath (MAC-in-MAC): in place of an Ethernet header, a
 * 16-byte one (20 with an 802.1ad tag before the FabricPath EtherType
 * 0x8903): the outer destination and source as hierarchical MACs (end
 * node ID, U/L and I/G bits, OOO/DL bit, switch ID, sub-switch ID, local
 * ID; a group destination as a plain MAC), the EtherType, the FTAG and
 * TTL; then the customer's Ethernet frame and a frame check sequence of
 * the whole. tshark 4.0's packet-cisco-fp-mim.c is a heuristic that
 * Ethernet asks first (eth.c calls dx_cfp_match()), and it takes the last
 * 4 bytes for the FCS whether there is one or not; this does the same, so
 * the inner frame ends 4 bytes before the captured one. */
#include "../core/dx.h"

extern const dx_vals dx_ethertype_vals[];

enum {
  F_CFP,
  F_D_HMAC,
  F_D_HMAC_MC,
  F_S_HMAC,
  F_UL,
  F_IG,
  F_OOODL,
  F_SWID,
  F_SSWID,
  F_LID,
  F_ETYPE,
  F_1AD_ETYPE,
  F_1AD_PRIO,
  F_1AD_DEI,
  F_1AD_ID,
  F_FTAG,
  F_TTL,
  F_FCS,
};

static const dx_vals ul_vals[] = {{0, "Globally unique address (factory default)"},
                                  {1, "Locally administered address (this is NOT the factory "
                                      "default)"},
                                  {0, NULL}};
static const dx_vals ig_vals[] = {
    {0, "Individual address (unicast)"}, {1, "Group address (multicast/broadcast)"}, {0, NULL}};
static const dx_vals ooodl_vals[] = {{0, "Deliver in order (If DA) or Learn (If SA)"},
                                     {1, "Out of order delivery (If DA) or Do not learn (If SA)"},
                                     {0, NULL}};

static const dx_field cfp_fields[] = {
    [F_CFP] = DX_F("cfp", "Cisco FabricPath", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_D_HMAC] = DX_F("cfp.d_hmac", "Destination HMAC", DX_FT_NONE, DX_BASE_NONE),
    [F_D_HMAC_MC] = DX_F("cfp.d_hmac_mc", "MC Destination", DX_FT_ETHER, DX_BASE_NONE),
    [F_S_HMAC] = DX_F("cfp.s_hmac", "Source HMAC", DX_FT_NONE, DX_BASE_NONE),
    [F_UL] = DX_FM("cfp.ul", "U/L bit", DX_FT_BOOL, DX_BASE_NONE, ul_vals, 0x020000, 24),
    [F_IG] = DX_FM("cfp.ig", "I/G bit", DX_FT_BOOL, DX_BASE_NONE, ig_vals, 0x010000, 24),
    [F_OOODL] =
        DX_FM("cfp.ooodl", "OOO/DL Bit", DX_FT_BOOL, DX_BASE_NONE, ooodl_vals, 0x001000, 24),
    [F_SWID] = DX_FM("cfp.swid", "switch-id", DX_FT_UINT24, DX_BASE_DEC_HEX, NULL, 0x000fff, 24),
    [F_SSWID] = DX_F("cfp.sswid", "sub-switch-id", DX_FT_UINT8, DX_BASE_DEC_HEX),
    [F_LID] = DX_F("cfp.lid", "Source LID", DX_FT_UINT16, DX_BASE_DEC_HEX),
    [F_ETYPE] = DX_FV("cfp.etype", "FP Ethertype", DX_FT_UINT16, DX_BASE_HEX, dx_ethertype_vals),
    [F_1AD_ETYPE] = DX_FV("cfp.1ad.etype", "IEEE 802.1ad Ethertype", DX_FT_UINT16, DX_BASE_HEX,
                          dx_ethertype_vals),
    [F_1AD_PRIO] =
        DX_FM("cfp.1ad.priority", "Priority", DX_FT_UINT16, DX_BASE_DEC, NULL, 0xe000, 16),
    [F_1AD_DEI] = DX_FM("cfp.1ad.dei", "DEI", DX_FT_UINT16, DX_BASE_DEC, NULL, 0x1000, 16),
    [F_1AD_ID] = DX_FM("cfp.1ad.id", "ID", DX_FT_UINT16, DX_BASE_DEC, NULL, 0x0fff, 16),
    [F_FTAG] = DX_FM("cfp.ftag", "FTAG", DX_FT_UINT16, DX_BASE_DEC, NULL, 0xffc0, 16),
    [F_TTL] = DX_FM("cfp.ttl", "TTL", DX_FT_UINT16, DX_BASE_DEC, NULL, 0x003f, 16),
    [F_FCS] = DX_F("cfp.fcs", "Frame check sequence", DX_FT_UINT32, DX_BASE_HEX),
};

#define FL(i) (&cfp_fields[(i)])

#define CFP_ETYPE 0x8903

/* The header's length if the Ethernet frame t is a FabricPath one (as
 * tshark's dissect_fp_heur decides), else 0. */
uint32_t dx_cfp_match(const dx_tvb *t) {
  uint16_t et = 0, et2 = 0;
  if (!dx_get_u16(t, 12, &et))
    return 0;
  if (et == CFP_ETYPE)
    return 16;
  if ((et == 0x8100 || et == 0x88a8) && dx_get_u16(t, 16, &et2) && et2 == CFP_ETYPE)
    return 20;
  return 0;
}

/* A hierarchical MAC at off: switch ID, sub-switch ID, local ID. */
static void hmac_parts(const dx_tvb *t, uint32_t off, unsigned *sw, unsigned *ssw, unsigned *lid) {
  uint8_t b[6] = {0};
  for (unsigned i = 0; i < 6; i++)
    dx_get_u8(t, off + i, &b[i]);
  *sw = ((unsigned)b[1] & 0x0f) << 8 | b[2];
  *ssw = b[3];
  *lid = (unsigned)b[4] << 8 | b[5];
}

static void add_hmac(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                     uint32_t off, const char *what) {
  unsigned sw, ssw, lid;
  hmac_parts(t, off, &sw, &ssw, &lid);
  dx_node *n = dx_add_none(p, parent, f, t, off, 6);
  dx_node_set_text(p, n, "%s: %03x.%02x.%04x", what, sw, ssw, lid);
  dx_add_item(p, n, FL(F_UL), t, off, 3);
  dx_add_item(p, n, FL(F_IG), t, off, 3);
  dx_add_item(p, n, FL(F_OOODL), t, off, 3);
  dx_add_item(p, n, FL(F_SWID), t, off, 3);
  dx_add_item(p, n, FL(F_SSWID), t, off + 3, 1);
  dx_add_item(p, n, FL(F_LID), t, off + 4, 2);
}

static uint32_t dissect_cfp(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  uint32_t hs = dx_cfp_match(t);
  if (!hs)
    return 0;
  dx_col_set_proto(p, "FabricPath");
  dx_col_info_set(p, "Cisco FabricPath MiM Encapsulated Frame");
  dx_node *c = dx_add_proto(p, parent, FL(F_CFP), t, 0, hs);
  if (!dx_tvb_has(t, 0, hs)) {
    dx_mark_truncated(
        p, c, hs == 16 ? "FabricPath header needs 16 bytes" : "FabricPath header needs 20 bytes");
    return t->len;
  }
  uint8_t d0 = 0;
  dx_get_u8(t, 0, &d0);
  unsigned ssw, sssw, slid;
  hmac_parts(t, 6, &ssw, &sssw, &slid);
  if (d0 & 0x01) { /* group destination: a MAC address */
    dx_node *d = dx_add_item(p, c, FL(F_D_HMAC_MC), t, 0, 6);
    char ds[18] = "";
    dx_addr a;
    const uint8_t *db = dx_get_ptr(t, 0, 6);
    if (db && d && dx_label_wanted(p, c)) {
      dx_addr_set(&a, DX_AT_ETHER, db);
      dx_addr_format(&a, ds, sizeof ds);
    }
    dx_node_set_text(p, c, "Cisco FabricPath, Src: %03x.%02x.%04x, Dst: %s", ssw, sssw, slid, ds);
  } else {
    unsigned dsw, dssw, dlid;
    hmac_parts(t, 0, &dsw, &dssw, &dlid);
    add_hmac(p, c, FL(F_D_HMAC), t, 0, "Destination");
    dx_node_set_text(p, c, "Cisco FabricPath, Src: %03x.%02x.%04x, Dst: %03x.%02x.%04x", ssw, sssw,
                     slid, dsw, dssw, dlid);
  }
  add_hmac(p, c, FL(F_S_HMAC), t, 6, "Source");
  uint32_t off = 12;
  if (hs == 20) {
    dx_add_item(p, c, FL(F_1AD_ETYPE), t, 12, 2);
    dx_add_item(p, c, FL(F_1AD_PRIO), t, 14, 2);
    dx_add_item(p, c, FL(F_1AD_DEI), t, 14, 2);
    dx_add_item(p, c, FL(F_1AD_ID), t, 14, 2);
    off = 16;
  }
  dx_add_item(p, c, FL(F_ETYPE), t, off, 2);
  dx_add_item(p, c, FL(F_FTAG), t, off + 2, 2);
  dx_add_item(p, c, FL(F_TTL), t, off + 2, 2);
  /* the last 4 bytes reported are the FCS (not verified) */
  uint32_t rep = t->reported > t->len ? t->reported : t->len;
  if (rep >= hs + 4 && dx_tvb_has(t, rep - 4, 4))
    dx_add_item(p, c, FL(F_FCS), t, rep - 4, 4);
  uint32_t inner = rep >= hs + 4 ? rep - hs - 4 : 0;
  dx_tvb in = dx_tvb_sub(t, hs, inner);
  if (dx_dissect_table(p, DX_TABLE_LINKTYPE, 1, &in, parent) == 0 && in.len)
    dx_dissect_data(p, &in, parent);
  return t->len;
}

const dx_protocol dx_proto_cfp = {
    .name = "cfp",
    .label = "Cisco FabricPath",
    .fields = cfp_fields,
    .nfields = DX_ARRAY_LEN(cfp_fields),
    .dissect = dissect_cfp,
};
