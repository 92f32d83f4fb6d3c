/* STUB: to be written. */
#include "../core/dx.h"

static const dx_field sll_fields[] = {
    DX_F("sll", "sll", DX_FT_PROTOCOL, DX_BASE_NONE),
};

const dx_protocol dx_proto_sll = {
    .name = "sll",
    .label = "sll",
    .fields = sll_fields,
    .nfields = DX_ARRAY_LEN(sll_fields),
};
