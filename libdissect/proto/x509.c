/* STUB: to be written. */
#include "../core/dx.h"

static const dx_field x509af_fields[] = {
    DX_F("x509af", "x509", DX_FT_PROTOCOL, DX_BASE_NONE),
};

const dx_protocol dx_proto_x509 = {
    .name = "x509af",
    .label = "x509af",
    .fields = x509af_fields,
    .nfields = DX_ARRAY_LEN(x509af_fields),
};
