/* IEEE 802.2 Logical Link Control and the SNAP extension (IEEE 802-2014
 * clause 10.5): DSAP, SSAP, a control field of one byte (U format) or two
 * (I and S formats), and, when both SAPs are 0xAA and the frame is a UI,
 * a 3-byte OUI and a 2-byte protocol id. OUI 00-00-00 (RFC 1042) and
 * 00-00-F8 (802.1H bridge tunnel) carry an EtherType, dispatched through
 * the EtherType table. Used under 802.11 data frames (ieee80211.c). */
#include "../core/dx.h"

extern const dx_vals dx_ethertype_vals[];

enum {
  F_LLC,
  F_DSAP,
  F_DSAP_SAP,
  F_DSAP_IG,
  F_SSAP,
  F_SSAP_SAP,
  F_SSAP_CR,
  F_CONTROL,
  F_FTYPE,
  F_OUI,
  F_PID,
  F_TYPE,
};

static const dx_vals sap_vals[] = {
    {0x00, "NULL LSAP"},   {0x02, "LLC Sub-Layer Management Individual"},
    {0x06, "TCP/IP"},      {0x42, "Spanning Tree BPDU"},
    {0xaa, "SNAP"},        {0xe0, "NetWare"},
    {0xf0, "NetBIOS"},     {0xfe, "ISO Network Layer"},
    {0xff, "Global LSAP"}, {0, NULL}};
static const dx_vals ig_vals[] = {{0, "Individual"}, {1, "Group"}, {0, NULL}};
static const dx_vals cr_vals[] = {{0, "Command"}, {1, "Response"}, {0, NULL}};
static const dx_vals ftype_vals[] = {{0, "Information frame"},
                                     {1, "Supervisory frame"},
                                     {2, "Information frame"},
                                     {3, "Unnumbered frame"},
                                     {0, NULL}};
static const dx_vals oui_vals[] = {
    {0x000000, "Encapsulated Ethernet"}, {0x0000f8, "Cisco (90)"}, {0x00000c, "Cisco"}, {0, NULL}};

static const dx_field llc_fields[] = {
    [F_LLC] = DX_F("llc", "Logical-Link Control", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_DSAP] = DX_FV("llc.dsap", "DSAP", DX_FT_UINT8, DX_BASE_HEX, sap_vals),
    [F_DSAP_SAP] = DX_FM("llc.dsap.sap", "SAP", DX_FT_UINT8, DX_BASE_HEX, sap_vals, 0xfe, 8),
    [F_DSAP_IG] = DX_FM("llc.dsap.ig", "IG Bit", DX_FT_BOOL, DX_BASE_NONE, ig_vals, 0x01, 8),
    [F_SSAP] = DX_FV("llc.ssap", "SSAP", DX_FT_UINT8, DX_BASE_HEX, sap_vals),
    [F_SSAP_SAP] = DX_FM("llc.ssap.sap", "SAP", DX_FT_UINT8, DX_BASE_HEX, sap_vals, 0xfe, 8),
    [F_SSAP_CR] = DX_FM("llc.ssap.cr", "CR Bit", DX_FT_BOOL, DX_BASE_NONE, cr_vals, 0x01, 8),
    [F_CONTROL] = DX_F("llc.control", "Control field", DX_FT_UINT16, DX_BASE_HEX),
    [F_FTYPE] =
        DX_FM("llc.control.ftype", "Frame type", DX_FT_UINT16, DX_BASE_HEX, ftype_vals, 0x03, 8),
    [F_OUI] = DX_FV("llc.oui", "Organization Code", DX_FT_UINT24, DX_BASE_HEX, oui_vals),
    [F_PID] = DX_F("llc.pid", "Protocol ID", DX_FT_UINT16, DX_BASE_HEX),
    [F_TYPE] = DX_FV("llc.type", "Type", DX_FT_UINT16, DX_BASE_HEX, dx_ethertype_vals),
};

#define FL(i) (&llc_fields[(i)])

static uint32_t dissect_llc(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  dx_node *l = dx_add_proto(p, parent, FL(F_LLC), t, 0, 3);
  dx_col_set_proto(p, "LLC");
  uint8_t dsap, ssap, c0;
  if (!dx_get_u8(t, 0, &dsap) || !dx_get_u8(t, 1, &ssap) || !dx_get_u8(t, 2, &c0)) {
    if (t->len >= 1)
      dx_add_item(p, l, FL(F_DSAP), t, 0, 1);
    if (t->len >= 2)
      dx_add_item(p, l, FL(F_SSAP), t, 1, 1);
    dx_node_set_len(l, t->len);
    dx_mark_truncated(p, l, "LLC header needs 3 bytes");
    return t->len;
  }
  dx_node *d = dx_add_item(p, l, FL(F_DSAP), t, 0, 1);
  dx_add_item(p, d, FL(F_DSAP_SAP), t, 0, 1);
  dx_add_item(p, d, FL(F_DSAP_IG), t, 0, 1);
  dx_node *s = dx_add_item(p, l, FL(F_SSAP), t, 1, 1);
  dx_add_item(p, s, FL(F_SSAP_SAP), t, 1, 1);
  dx_add_item(p, s, FL(F_SSAP_CR), t, 1, 1);
  uint32_t clen = (c0 & 3) == 3 ? 1 : 2; /* U format: 1 byte; I and S: 2 */
  dx_node *c = dx_add_item(p, l, FL(F_CONTROL), t, 2, clen);
  if (!dx_node_ok(c)) {
    dx_node_set_len(l, t->len);
    dx_mark_truncated(p, l, "LLC control field needs 2 bytes");
    return t->len;
  }
  if (clen == 1)
    dx_node_set_text(p, c, "Control field: U, func=%s (0x%02X)", c0 == 0x03 ? "UI" : "other", c0);
  dx_add_item(p, c, FL(F_FTYPE), t, 2, 1);
  uint32_t off = 2 + clen;
  dx_node_set_len(l, off);
  dx_tvb pl;
  if (dsap == 0xaa && ssap == 0xaa && c0 == 0x03) {
    uint32_t oui;
    uint16_t pid;
    dx_node_set_len(l, 8);
    if (!dx_get_u24(t, 3, &oui) || !dx_get_u16(t, 6, &pid)) {
      if (t->len >= 6)
        dx_add_item(p, l, FL(F_OUI), t, 3, 3);
      dx_node_set_len(l, t->len);
      dx_mark_truncated(p, l, "SNAP header needs 5 bytes");
      return t->len;
    }
    dx_add_item(p, l, FL(F_OUI), t, 3, 3);
    pl = dx_tvb_sub(t, 8, UINT32_MAX);
    if (oui == 0x000000 || oui == 0x0000f8) {
      dx_add_item(p, l, FL(F_TYPE), t, 6, 2);
      const char *n = dx_val_name(dx_ethertype_vals, pid);
      dx_node_set_text(p, l, "Logical-Link Control");
      if (dx_dissect_table(p, DX_TABLE_ETHERTYPE, pid, &pl, parent) == 0) {
        if (!n)
          dx_col_info_set(p, "SNAP, type 0x%04x", pid);
        dx_dissect_data(p, &pl, parent);
      }
      return t->len;
    }
    dx_add_item(p, l, FL(F_PID), t, 6, 2);
    dx_dissect_data(p, &pl, parent);
    return t->len;
  }
  dx_col_info_set(p, "DSAP 0x%02x, SSAP 0x%02x", dsap, ssap);
  pl = dx_tvb_sub(t, off, UINT32_MAX);
  dx_dissect_data(p, &pl, parent);
  return t->len;
}

const dx_protocol dx_proto_llc = {
    .name = "llc",
    .label = "Logical-Link Control",
    .fields = llc_fields,
    .nfields = DX_ARRAY_LEN(llc_fields),
    .dissect = dissect_llc,
};
