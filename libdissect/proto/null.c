/* STUB: to be written. */
#include "../core/dx.h"

static const dx_field null_fields[] = {
    DX_F("null", "null", DX_FT_PROTOCOL, DX_BASE_NONE),
};

const dx_protocol dx_proto_null = {
    .name = "null",
    .label = "null",
    .fields = null_fields,
    .nfields = DX_ARRAY_LEN(null_fields),
};
