/* Teredo, IPv6 over UDP (RFC 4380; UDP port 3544): an IPv6 packet after
 * up to two optional headers, each told by its first two bytes:
 *   - 0x0001, the authentication header: the lengths of a client
 *     identifier and of an authentication value, both, an 8-byte nonce and
 *     a confirmation byte;
 *   - 0x0000, the origin indication: the client's mapped port and IPv4
 *     address, both stored inverted (every bit flipped).
 * As tshark 4.0's packet-teredo.c shows them: the Info column names the
 * headers until the IPv6 packet's protocols write their own; the IPv6
 * addresses' Teredo, 6to4, ISATAP parts are ipv6.c's. tshark's heuristic
 * for Teredo on other ports is off by default, so it is not made here. */
#include "../core/dx.h"

enum {
  F_TEREDO,
  F_AUTH,
  F_AUTH_IDLEN,
  F_AUTH_AULEN,
  F_AUTH_ID,
  F_AUTH_VALUE,
  F_AUTH_NONCE,
  F_AUTH_CONF,
  F_ORIG,
  F_ORIG_PORT,
  F_ORIG_ADDR,
};

static const dx_field teredo_fields[] = {
    [F_TEREDO] = DX_F("teredo", "Teredo IPv6 over UDP tunneling", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_AUTH] = DX_F("teredo.auth", "Teredo Authentication header", DX_FT_NONE, DX_BASE_NONE),
    [F_AUTH_IDLEN] =
        DX_F("teredo.auth.idlen", "Client identifier length", DX_FT_UINT8, DX_BASE_DEC),
    [F_AUTH_AULEN] =
        DX_F("teredo.auth.aulen", "Authentication value length", DX_FT_UINT8, DX_BASE_DEC),
    [F_AUTH_ID] = DX_F("teredo.auth.id", "Client identifier", DX_FT_BYTES, DX_BASE_NONE),
    [F_AUTH_VALUE] = DX_F("teredo.auth.value", "Authentication value", DX_FT_BYTES, DX_BASE_NONE),
    [F_AUTH_NONCE] = DX_F("teredo.auth.nonce", "Nonce value", DX_FT_BYTES, DX_BASE_NONE),
    [F_AUTH_CONF] = DX_F("teredo.auth.conf", "Confirmation byte", DX_FT_BYTES, DX_BASE_NONE),
    [F_ORIG] = DX_F("teredo.orig", "Teredo Origin Indication header", DX_FT_NONE, DX_BASE_NONE),
    [F_ORIG_PORT] = DX_F("teredo.orig.port", "Origin UDP port", DX_FT_UINT16, DX_BASE_DEC),
    [F_ORIG_ADDR] = DX_F("teredo.orig.addr", "Origin IPv4 address", DX_FT_IPV4, DX_BASE_NONE),
};

#define FL(i) (&teredo_fields[(i)])

/* The authentication header at 0; returns the offset after it, or 0 if it
 * is cut short (marked). */
static uint32_t auth_header(dx_packet *p, const dx_tvb *t, dx_node *te) {
  uint8_t idlen = 0, aulen = 0;
  dx_col_info_append_sep(p, ", ", "Authentication header");
  dx_get_u8(t, 2, &idlen);
  dx_get_u8(t, 3, &aulen);
  uint32_t len = 13u + idlen + aulen;
  dx_node *a = dx_add_none(p, te, FL(F_AUTH), t, 0, len);
  dx_add_item(p, a, FL(F_AUTH_IDLEN), t, 2, 1);
  dx_add_item(p, a, FL(F_AUTH_AULEN), t, 3, 1);
  uint32_t off = 4;
  if (idlen) {
    dx_add_item(p, a, FL(F_AUTH_ID), t, off, idlen);
    off += idlen;
  }
  if (aulen) {
    dx_add_item(p, a, FL(F_AUTH_VALUE), t, off, aulen);
    off += aulen;
  }
  dx_add_item(p, a, FL(F_AUTH_NONCE), t, off, 8);
  dx_add_item(p, a, FL(F_AUTH_CONF), t, off + 8, 1);
  if (!dx_tvb_has(t, 0, len)) {
    dx_mark_truncated(p, a, "Teredo authentication header");
    return 0;
  }
  return len;
}

/* The origin indication at off; returns the offset after it, or 0. */
static uint32_t origin(dx_packet *p, const dx_tvb *t, dx_node *te, uint32_t off) {
  dx_col_info_append_sep(p, ", ", "Origin indication");
  dx_node *o = dx_add_none(p, te, FL(F_ORIG), t, off, 8);
  uint16_t port = 0;
  uint32_t addr = 0;
  if (!dx_get_u16(t, off + 2, &port) || !dx_get_u32(t, off + 4, &addr)) {
    dx_mark_truncated(p, o, "Teredo origin indication");
    return 0;
  }
  dx_add_uint(p, o, FL(F_ORIG_PORT), t, off + 2, 2, (uint16_t)~port);
  dx_add_uint(p, o, FL(F_ORIG_ADDR), t, off + 4, 4, ~addr);
  return off + 8;
}

static uint32_t dissect_teredo(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  dx_col_set_proto(p, "Teredo");
  dx_col_info_clear(p);
  dx_node *te = dx_add_proto(p, parent, FL(F_TEREDO), t, 0, t->len);
  uint16_t h = 0;
  if (!dx_get_u16(t, 0, &h)) {
    dx_mark_truncated(p, te, "Teredo header");
    return t->len;
  }
  uint32_t off = 0;
  if (h == 1) {
    off = auth_header(p, t, te);
    if (!off || !dx_get_u16(t, off, &h)) {
      if (off)
        dx_mark_truncated(p, te, "Teredo: nothing after the authentication header");
      return t->len;
    }
  }
  if (h == 0) {
    off = origin(p, t, te, off);
    if (!off)
      return t->len;
  }
  dx_tvb in = dx_tvb_sub(t, off, UINT32_MAX);
  if (in.len == 0 && in.reported == 0)
    return t->len;
  if (!dx_dissect_table(p, DX_TABLE_ETHERTYPE, 0x86dd, &in, parent))
    dx_dissect_data(p, &in, parent);
  return t->len;
}

static const dx_reg teredo_regs[] = {{DX_TABLE_UDP_PORT, 3544}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_teredo = {
    .name = "teredo",
    .label = "Teredo IPv6 over UDP tunneling",
    .fields = teredo_fields,
    .nfields = DX_ARRAY_LEN(teredo_fields),
    .dissect = dissect_teredo,
    .regs = teredo_regs,
};
