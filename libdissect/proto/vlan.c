/* STUB: to be written. */
#include "../core/dx.h"

static const dx_field vlan_fields[] = {
    DX_F("vlan", "vlan", DX_FT_PROTOCOL, DX_BASE_NONE),
};

const dx_protocol dx_proto_vlan = {
    .name = "vlan",
    .label = "vlan",
    .fields = vlan_fields,
    .nfields = DX_ARRAY_LEN(vlan_fields),
};
