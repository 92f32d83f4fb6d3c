/* STUB: to be written. */
#include "../core/dx.h"

static const dx_field icmp_fields[] = {
    DX_F("icmp", "icmp", DX_FT_PROTOCOL, DX_BASE_NONE),
};

const dx_protocol dx_proto_icmp = {
    .name = "icmp",
    .label = "icmp",
    .fields = icmp_fields,
    .nfields = DX_ARRAY_LEN(icmp_fields),
};
