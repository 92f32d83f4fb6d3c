/* BSD loopback encapsulation: DLT_NULL (0), a 4-byte address family in the
 * byte order of the capturing host, and DLT_LOOP (108), the same in network
 * byte order. Families: 2 = AF_INET; 24, 28, 30 = AF_INET6 on the BSDs,
 * macOS and others. As Wireshark does for DLT_NULL, a value with bits in
 * its upper half is taken as little-endian. */
#include "../core/dx.h"

static const dx_vals family_vals[] = {
    {2, "IP"},    {7, "OSI"},   {16, "Appletalk"}, {23, "Netware IPX/SPX"},
    {24, "IPv6"}, {28, "IPv6"}, {30, "IPv6"},      {0, NULL}};

enum { F_NULL, F_FAMILY };

static const dx_field null_fields[] = {
    [F_NULL] = DX_F("null", "Null/Loopback", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_FAMILY] = DX_FV("null.family", "Family", DX_FT_UINT32, DX_BASE_DEC, family_vals),
};

static uint32_t dissect_null(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  dx_node *n = dx_add_proto(p, parent, &null_fields[F_NULL], t, 0, 4);
  dx_col_set_proto(p, "NULL");
  uint32_t fam;
  if (!dx_get_u32(t, 0, &fam)) {
    dx_add_item(p, n, &null_fields[F_FAMILY], t, 0, 4);
    dx_mark_truncated(p, n, "loopback header needs 4 bytes");
    return t->len;
  }
  bool le = false;
  if (p->frame.linktype != 108 && (fam & 0xffff0000u)) {
    dx_get_u32_le(t, 0, &fam);
    le = true;
  }
  if (le)
    dx_add_item_le(p, n, &null_fields[F_FAMILY], t, 0, 4);
  else
    dx_add_item(p, n, &null_fields[F_FAMILY], t, 0, 4);
  dx_tvb pl = dx_tvb_sub(t, 4, UINT32_MAX);
  uint32_t took = 0;
  if (fam == 2)
    took = dx_dissect_table(p, DX_TABLE_ETHERTYPE, 0x0800, &pl, parent);
  else if (fam == 24 || fam == 28 || fam == 30)
    took = dx_dissect_table(p, DX_TABLE_ETHERTYPE, 0x86dd, &pl, parent);
  if (took == 0) {
    dx_col_info_set(p, "Null/Loopback, family %u", fam);
    dx_dissect_data(p, &pl, parent);
  }
  return t->len;
}

static const dx_reg null_regs[] = {
    {DX_TABLE_LINKTYPE, 0}, {DX_TABLE_LINKTYPE, 108}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_null = {
    .name = "null",
    .label = "Null/Loopback",
    .fields = null_fields,
    .nfields = DX_ARRAY_LEN(null_fields),
    .dissect = dissect_null,
    .regs = null_regs,
};
