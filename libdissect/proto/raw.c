/* STUB: to be written. */
#include "../core/dx.h"

static const dx_field raw_fields[] = {
    DX_F("raw", "raw", DX_FT_PROTOCOL, DX_BASE_NONE),
};

const dx_protocol dx_proto_raw = {
    .name = "raw",
    .label = "raw",
    .fields = raw_fields,
    .nfields = DX_ARRAY_LEN(raw_fields),
};
