/* STUB: to be written. */
#include "../core/dx.h"

static const dx_field ipv6_fields[] = {
    DX_F("ipv6", "ipv6", DX_FT_PROTOCOL, DX_BASE_NONE),
};

const dx_protocol dx_proto_ipv6 = {
    .name = "ipv6",
    .label = "ipv6",
    .fields = ipv6_fields,
    .nfields = DX_ARRAY_LEN(ipv6_fields),
};
