/* STUB: to be written. */
#include "../core/dx.h"

static const dx_field icmpv6_fields[] = {
    DX_F("icmpv6", "icmpv6", DX_FT_PROTOCOL, DX_BASE_NONE),
};

const dx_protocol dx_proto_icmpv6 = {
    .name = "icmpv6",
    .label = "icmpv6",
    .fields = icmpv6_fields,
    .nfields = DX_ARRAY_LEN(icmpv6_fields),
};
