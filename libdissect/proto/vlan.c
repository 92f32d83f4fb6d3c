/* IEEE 802.1Q VLAN tags (TPID 0x8100) and 802.1ad service tags (0x88a8),
 * stacked as needed (Q-in-Q): each tag dispatches its inner EtherType
 * through the EtherType table again; nesting is bounded by the dispatch
 * depth limit. */
#include "../core/dx.h"

#include <string.h>

extern const dx_vals dx_ethertype_vals[];

enum {
  F_VLAN,
  F_PRIORITY,
  F_DEI,
  F_ID,
  F_ETYPE,
  F_LEN,
  F_TRAILER,
  F_AD,
  F_AD_PRIORITY,
  F_AD_DEI,
  F_AD_ID
};

static const dx_vals priority_vals[] = {{0, "Best Effort (default)"},
                                        {1, "Background"},
                                        {2, "Spare"},
                                        {3, "Excellent Effort"},
                                        {4, "Controlled Load"},
                                        {5, "Video, < 100ms latency and jitter"},
                                        {6, "Voice, < 10ms latency and jitter"},
                                        {7, "Network Control"},
                                        {0, NULL}};
static const dx_vals dei_vals[] = {{0, "Ineligible"}, {1, "Eligible"}, {0, NULL}};

static const dx_field vlan_fields[] = {
    [F_VLAN] = DX_F("vlan", "802.1Q Virtual LAN", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_PRIORITY] =
        DX_FM("vlan.priority", "Priority", DX_FT_UINT16, DX_BASE_DEC, priority_vals, 0xe000, 16),
    [F_DEI] = DX_FM("vlan.dei", "DEI", DX_FT_BOOL, DX_BASE_NONE, dei_vals, 0x1000, 16),
    [F_ID] = DX_FM("vlan.id", "ID", DX_FT_UINT16, DX_BASE_DEC, NULL, 0x0fff, 16),
    [F_ETYPE] = DX_FV("vlan.etype", "Type", DX_FT_UINT16, DX_BASE_HEX, dx_ethertype_vals),
    [F_LEN] = DX_F("vlan.len", "Length", DX_FT_UINT16, DX_BASE_DEC),
    [F_TRAILER] = DX_F("vlan.trailer", "Trailer", DX_FT_BYTES, DX_BASE_NONE),
    /* 802.1ad service tags (TPID 0x88a8): Wireshark's ieee8021ad fields. */
    [F_AD] = DX_F("ieee8021ad", "IEEE 802.1ad", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_AD_PRIORITY] =
        DX_FM("ieee8021ad.priority", "Priority", DX_FT_UINT16, DX_BASE_DEC, NULL, 0xe000, 16),
    [F_AD_DEI] = DX_FM("ieee8021ad.dei", "DEI", DX_FT_UINT16, DX_BASE_DEC, NULL, 0x1000, 16),
    [F_AD_ID] = DX_FM("ieee8021ad.id", "ID", DX_FT_UINT16, DX_BASE_DEC, NULL, 0x0fff, 16),
};

static uint32_t dissect_vlan(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  bool ad = p->dispatch_key == 0x88a8;
  dx_node *v = dx_add_proto(p, parent, &vlan_fields[ad ? F_AD : F_VLAN], t, 0, 4);
  dx_col_set_proto(p, "VLAN");
  dx_add_item(p, v, &vlan_fields[ad ? F_AD_PRIORITY : F_PRIORITY], t, 0, 2);
  dx_add_item(p, v, &vlan_fields[ad ? F_AD_DEI : F_DEI], t, 0, 2);
  dx_add_item(p, v, &vlan_fields[ad ? F_AD_ID : F_ID], t, 0, 2);
  uint16_t tci, type;
  if (!dx_get_u16(t, 0, &tci) || !dx_get_u16(t, 2, &type)) {
    dx_add_item(p, v, &vlan_fields[F_ETYPE], t, 2, 2);
    dx_mark_truncated(p, v, "802.1Q tag needs 4 bytes");
    return t->len;
  }
  unsigned pri = tci >> 13, dei = (tci >> 12) & 1, id = tci & 0x0fff;
  if (ad)
    dx_node_set_text(p, v, "IEEE 802.1ad, ID: %u", id);
  else
    dx_node_set_text(p, v, "802.1Q Virtual LAN, PRI: %u, DEI: %u, ID: %u", pri, dei, id);
  dx_col_info_set(p, "PRI: %u  DEI: %u  ID: %u", pri, dei, id);
  dx_tvb pl = dx_tvb_sub(t, 4, UINT32_MAX);
  if (type <= 1500) {
    /* 802.3 length: the payload is LLC, shown as data. */
    dx_add_item(p, v, &vlan_fields[F_LEN], t, 2, 2);
    dx_tvb d = dx_tvb_sub(t, 4, type);
    dx_dissect_data(p, &d, parent);
    return 4 + d.len;
  }
  dx_add_item(p, v, &vlan_fields[F_ETYPE], t, 2, 2);
  p->ip_ethertype_at = pl.data;
  uint32_t took = dx_dissect_table(p, DX_TABLE_ETHERTYPE, type, &pl, parent);
  p->ip_ethertype_at = NULL;
  if (took == 0) {
    dx_dissect_data(p, &pl, parent);
    took = pl.len;
  }
  return 4 + took;
}

static const dx_reg vlan_regs[] = {{DX_TABLE_ETHERTYPE, 0x8100},
                                   {DX_TABLE_ETHERTYPE, 0x88a8},
                                   {DX_TABLE_ETHERTYPE, 0x9100},
                                   {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_vlan = {
    .name = "vlan",
    .label = "802.1Q Virtual LAN",
    .fields = vlan_fields,
    .nfields = DX_ARRAY_LEN(vlan_fields),
    .dissect = dissect_vlan,
    .regs = vlan_regs,
};
