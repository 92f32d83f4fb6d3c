/* STUB: to be written. */
#include "../core/dx.h"

static const dx_field tcp_fields[] = {
    DX_F("tcp", "tcp", DX_FT_PROTOCOL, DX_BASE_NONE),
};

const dx_protocol dx_proto_tcp = {
    .name = "tcp",
    .label = "tcp",
    .fields = tcp_fields,
    .nfields = DX_ARRAY_LEN(tcp_fields),
};
