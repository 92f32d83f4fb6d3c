/* Fields shared by every dissector for expert notes (Wireshark's _ws.*). */
#include "dx.h"

static const dx_field expert_fields[] = {
    DX_F("_ws.expert", "Expert Info", DX_FT_NONE, DX_BASE_NONE),
    DX_F("_ws.malformed", "Malformed Packet", DX_FT_NONE, DX_BASE_NONE),
    DX_F("_ws.limit", "Limit reached", DX_FT_NONE, DX_BASE_NONE),
};

const dx_protocol dx_proto_expert = {
    .name = "_ws",
    .label = "Expert",
    .fields = expert_fields,
    .nfields = DX_ARRAY_LEN(expert_fields),
};

const dx_field *dx_field_expert(void) {
  return &expert_fields[0];
}
const dx_field *dx_field_malformed(void) {
  return &expert_fields[1];
}
const dx_field *dx_field_limit(void) {
  return &expert_fields[2];
}
