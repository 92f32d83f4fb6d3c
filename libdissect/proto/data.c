/* "data": bytes no dissector claimed. */
#include "../core/dx.h"

static const dx_field data_fields[] = {
    DX_F("data", "Data", DX_FT_PROTOCOL, DX_BASE_NONE),
    DX_F("data.data", "Data", DX_FT_BYTES, DX_BASE_NONE),
    DX_F("data.len", "Length", DX_FT_UINT32, DX_BASE_DEC),
};

const dx_protocol dx_proto_data = {
    .name = "data",
    .label = "Data",
    .fields = data_fields,
    .nfields = DX_ARRAY_LEN(data_fields),
};

void dx_dissect_data(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  if (t->len == 0)
    return;
  dx_node *d = dx_add_proto(p, parent, &data_fields[0], t, 0, t->len);
  dx_node_set_text(p, d, "Data (%u byte%s)", t->len, t->len == 1 ? "" : "s");
  dx_add_bytes(p, d, &data_fields[1], t, 0, t->len);
  dx_node *l = dx_add_uint(p, d, &data_fields[2], t, 0, 0, t->len);
  dx_node_set_flags(l, DX_NODE_GENERATED);
}
