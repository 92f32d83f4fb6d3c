/* Raw IP link types: DLT_RAW (12 and 14 on some BSDs, LINKTYPE_RAW 101),
 * LINKTYPE_IPV4 (228) and LINKTYPE_IPV6 (229). There is no link header:
 * the version nibble of the first byte tells IPv4 from IPv6. As tshark,
 * a "Raw packet data" node of no length marks the link layer of DLT_RAW;
 * LINKTYPE_IPV4 and LINKTYPE_IPV6 go straight to IP (tshark registers its
 * IP dissectors for their encapsulations: no "raw" layer, frame.protocols
 * "ip:tcp:..."). */
#include "../core/dx.h"

static const dx_field raw_fields[] = {
    DX_F("raw", "Raw packet data", DX_FT_PROTOCOL, DX_BASE_NONE),
};

static uint32_t dissect_raw(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  bool ipn = p->frame.linktype == 228 || p->frame.linktype == 229;
  dx_node *r = ipn ? NULL : dx_add_proto(p, parent, &raw_fields[0], t, 0, 0);
  if (!ipn)
    dx_col_set_proto(p, "Raw");
  uint8_t b0;
  if (!dx_get_u8(t, 0, &b0)) {
    if (r)
      dx_mark_truncated(p, r, "empty raw IP packet");
    else
      dx_dissect_data(p, t, parent);
    return t->len;
  }
  /* As tshark, the version nibble decides even for LINKTYPE_IPV4/IPV6. */
  unsigned version = b0 >> 4;
  uint32_t took = 0;
  if (version == 4)
    took = dx_dissect_table(p, DX_TABLE_ETHERTYPE, 0x0800, t, parent);
  else if (version == 6)
    took = dx_dissect_table(p, DX_TABLE_ETHERTYPE, 0x86dd, t, parent);
  if (took == 0) {
    dx_col_info_set(p, "Raw packet data, IP version %u", version);
    dx_dissect_data(p, t, parent);
  }
  return t->len;
}

static const dx_reg raw_regs[] = {{DX_TABLE_LINKTYPE, 12},  {DX_TABLE_LINKTYPE, 14},
                                  {DX_TABLE_LINKTYPE, 101}, {DX_TABLE_LINKTYPE, 228},
                                  {DX_TABLE_LINKTYPE, 229}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_raw = {
    .name = "raw",
    .label = "Raw packet data",
    .fields = raw_fields,
    .nfields = DX_ARRAY_LEN(raw_fields),
    .dissect = dissect_raw,
    .regs = raw_regs,
};
