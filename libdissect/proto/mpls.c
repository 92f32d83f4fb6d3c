/* MPLS label stack (RFC 3032; EtherTypes 0x8847 and 0x8848, MPLS in UDP on
 * port 6635, RFC 7510): one header per stack entry with its label, traffic
 * class (mpls.exp), bottom-of-stack bit and TTL, then, as tshark 4.0 guesses
 * it, IPv4 or IPv6 by the first nibble after the bottom of the stack; any
 * other payload is data. Not done: tshark's guess of an Ethernet pseudowire
 * (with or without control word) for the other nibbles, the PW associated
 * channel, names of the reserved labels 0-15 (shown by number only). */
#include "../core/dx.h"

enum { F_MPLS, F_LABEL, F_EXP, F_BOTTOM, F_TTL };

static const dx_field mpls_fields[] = {
    [F_MPLS] = DX_F("mpls", "MultiProtocol Label Switching Header", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_LABEL] =
        DX_FM("mpls.label", "MPLS Label", DX_FT_UINT32, DX_BASE_DEC_HEX, NULL, 0xfffff000, 32),
    [F_EXP] = DX_FM("mpls.exp", "MPLS Experimental Bits", DX_FT_UINT32, DX_BASE_DEC, NULL,
                    0x00000e00, 32),
    [F_BOTTOM] = DX_FM("mpls.bottom", "MPLS Bottom Of Label Stack", DX_FT_UINT32, DX_BASE_DEC, NULL,
                       0x00000100, 32),
    [F_TTL] = DX_FM("mpls.ttl", "MPLS TTL", DX_FT_UINT32, DX_BASE_DEC, NULL, 0x000000ff, 32),
};

static uint32_t dissect_mpls(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  dx_col_set_proto(p, "MPLS");
  dx_col_info_set(p, "MPLS Label Switched Packet");
  uint32_t off = 0;
  /* a stack entry per 4 bytes until the bottom-of-stack bit: bounded by
   * the bytes there are */
  for (;;) {
    uint32_t e;
    dx_node *m = dx_add_proto(p, parent, &mpls_fields[F_MPLS], t, off, 4);
    if (!dx_get_u32(t, off, &e)) {
      dx_mark_truncated(p, m, "MPLS label stack entry needs 4 bytes");
      return t->len;
    }
    unsigned label = e >> 12, exp = (e >> 9) & 7, bos = (e >> 8) & 1, ttl = e & 0xff;
    dx_node_set_text(p, m,
                     "MultiProtocol Label Switching Header, Label: %u, Exp: %u, S: %u, TTL: %u",
                     label, exp, bos, ttl);
    dx_add_item(p, m, &mpls_fields[F_LABEL], t, off, 4);
    dx_add_item(p, m, &mpls_fields[F_EXP], t, off, 4);
    dx_add_item(p, m, &mpls_fields[F_BOTTOM], t, off, 4);
    dx_add_item(p, m, &mpls_fields[F_TTL], t, off, 4);
    off += 4;
    if (bos)
      break;
  }
  dx_tvb pl = dx_tvb_sub(t, off, UINT32_MAX);
  uint8_t first;
  if (!dx_get_u8(&pl, 0, &first)) {
    /* no byte after the bottom of the stack: tshark's guess of the payload
     * runs out of bytes too */
    dx_mark_truncated(p, parent->last_child, "MPLS payload");
    return t->len;
  }
  uint32_t took = 0;
  if ((first >> 4) == 4)
    took = dx_dissect_table(p, DX_TABLE_ETHERTYPE, 0x0800, &pl, parent);
  else if ((first >> 4) == 6)
    took = dx_dissect_table(p, DX_TABLE_ETHERTYPE, 0x86dd, &pl, parent);
  if (took == 0)
    dx_dissect_data(p, &pl, parent);
  return t->len;
}

static const dx_reg mpls_regs[] = {{DX_TABLE_ETHERTYPE, 0x8847},
                                   {DX_TABLE_ETHERTYPE, 0x8848},
                                   {DX_TABLE_UDP_PORT, 6635},
                                   {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_mpls = {
    .name = "mpls",
    .label = "MultiProtocol Label Switching Header",
    .fields = mpls_fields,
    .nfields = DX_ARRAY_LEN(mpls_fields),
    .dissect = dissect_mpls,
    .regs = mpls_regs,
};
