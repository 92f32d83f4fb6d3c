/* STUB: to be written. */
#include "../core/dx.h"

static const dx_field http_fields[] = {
    DX_F("http", "http", DX_FT_PROTOCOL, DX_BASE_NONE),
};

const dx_protocol dx_proto_http = {
    .name = "http",
    .label = "http",
    .fields = http_fields,
    .nfields = DX_ARRAY_LEN(http_fields),
};
