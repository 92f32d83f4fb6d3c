/* STUB: to be written. */
#include "../core/dx.h"

static const dx_field arp_fields[] = {
    DX_F("arp", "arp", DX_FT_PROTOCOL, DX_BASE_NONE),
};

const dx_protocol dx_proto_arp = {
    .name = "arp",
    .label = "arp",
    .fields = arp_fields,
    .nfields = DX_ARRAY_LEN(arp_fields),
};
