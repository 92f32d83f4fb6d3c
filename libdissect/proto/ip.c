/* STUB: to be written. */
#include "../core/dx.h"

static const dx_field ip_fields[] = {
    DX_F("ip", "ip", DX_FT_PROTOCOL, DX_BASE_NONE),
};

const dx_protocol dx_proto_ip = {
    .name = "ip",
    .label = "ip",
    .fields = ip_fields,
    .nfields = DX_ARRAY_LEN(ip_fields),
};
