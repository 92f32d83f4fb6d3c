/* STUB: to be written. */
#include "../core/dx.h"

static const dx_field dns_fields[] = {
    DX_F("dns", "dns", DX_FT_PROTOCOL, DX_BASE_NONE),
};

const dx_protocol dx_proto_dns = {
    .name = "dns",
    .label = "dns",
    .fields = dns_fields,
    .nfields = DX_ARRAY_LEN(dns_fields),
};
