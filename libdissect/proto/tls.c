/* STUB: to be written. */
#include "../core/dx.h"

static const dx_field tls_fields[] = {
    DX_F("tls", "tls", DX_FT_PROTOCOL, DX_BASE_NONE),
};

const dx_protocol dx_proto_tls = {
    .name = "tls",
    .label = "tls",
    .fields = tls_fields,
    .nfields = DX_ARRAY_LEN(tls_fields),
};
