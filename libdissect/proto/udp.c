/* STUB: to be written. */
#include "../core/dx.h"

static const dx_field udp_fields[] = {
    DX_F("udp", "udp", DX_FT_PROTOCOL, DX_BASE_NONE),
};

const dx_protocol dx_proto_udp = {
    .name = "udp",
    .label = "udp",
    .fields = udp_fields,
    .nfields = DX_ARRAY_LEN(udp_fields),
};
