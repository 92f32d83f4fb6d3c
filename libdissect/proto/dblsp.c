/* Dropbox's LAN sync discovery (UDP port 17500) as tshark 4.0 shows it: a
 * "Dropbox LAN sync Discovery Protocol" layer (db-lsp-disc) whose datagram
 * is JSON when it starts with '{' (the "json" layer under it, Protocol
 * "DB-LSP-DISC/JSON", Info "Dropbox LAN sync Discovery Protocol,
 * JavaScript Object Notation") and otherwise one text item, db-lsp.text,
 * the whole datagram read as ASCII (a byte of 0x80 or above is U+FFFD; the
 * value ends at a NUL, and other bytes after it are "Trailing stray
 * characters", as tshark reads such a string).
 * Whatever the bytes on that port are, they are shown so, as tshark does.
 * Not made: Dropbox's LAN sync protocol over TCP (db-lsp: type, magic,
 * length, op and value of each PDU). */
#include "../core/dx.h"
#include "http_body.h"

#include <string.h>

enum { F_DISC, F_TEXT };

static const dx_field dblsp_fields[] = {
    [F_DISC] =
        DX_F("db-lsp-disc", "Dropbox LAN sync Discovery Protocol", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_TEXT] = DX_F("db-lsp.text", "Text", DX_FT_STRING, DX_BASE_ASCII),
};

static uint32_t dissect_dblsp_disc(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  if (t->len == 0)
    return 0;
  dx_node *d = dx_add_proto(p, parent, &dblsp_fields[F_DISC], t, 0, t->len);
  uint8_t c0 = 0;
  if (dx_get_u8(t, 0, &c0) && c0 == '{') {
    dx_col_set_proto(p, "DB-LSP-DISC/JSON");
    dx_col_info_set(p, "Dropbox LAN sync Discovery Protocol, JavaScript Object Notation");
    dx_dissect_json(p, d, t, NULL);
  } else {
    dx_col_set_proto(p, "DB-LSP-DISC");
    dx_col_info_set(p, "Dropbox LAN sync Discovery Protocol");
    /* as tshark reads an ENC_ASCII string: it ends at a NUL, and bytes
     * other than NUL after it are "Trailing stray characters" */
    const uint8_t *z = memchr(t->data, 0, t->len);
    uint32_t k = z ? (uint32_t)(z - t->data) : t->len;
    dx_node *it =
        dx_add_string(p, d, &dblsp_fields[F_TEXT], t, 0, t->len, (const char *)t->data, k);
    for (uint32_t i = k; i < t->len; i++)
      if (t->data[i]) {
        dx_expert(p, it, dx_field_stray(), DX_SEV_WARN, "Trailing stray characters");
        break;
      }
  }
  if (t->len < t->reported)
    dx_mark_truncated(p, d, "the capture cut the datagram");
  return t->len;
}

static const dx_reg dblsp_regs[] = {{DX_TABLE_UDP_PORT, 17500}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_dblsp_disc = {
    .name = "db-lsp-disc",
    .label = "Dropbox LAN sync Discovery Protocol",
    .fields = dblsp_fields,
    .nfields = DX_ARRAY_LEN(dblsp_fields),
    .dissect = dissect_dblsp_disc,
    .regs = dblsp_regs,
};
