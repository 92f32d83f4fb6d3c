/* MACsec (IEEE 802.1AE; EtherType 0x88e5): the SecTAG after the EtherType
 * (TCI and association number, short length, packet number, the secure
 * channel identifier when the SC bit is set), the user data, and the
 * integrity check value (16 bytes, or what is left of them).
 *
 * As tshark 4.0 does without keys: when the E (encrypted) or C (changed)
 * bit is set the user data up to the last 16 bytes (the ICV) is shown as
 * data; else it starts with an EtherType that is dissected as usual and the
 * bytes its protocol leaves are the ICV. The short length (SL) is shown,
 * not used (tshark 4.0 does not use it either). A frame too short for the
 * SecTAG and an ICV, or of SecTAG version 1, is refused (the frame stays
 * Ethernet + data, as in tshark). */
#include "../core/dx.h"

#include <stdio.h>

enum {
  F_MACSEC,
  F_TCI,
  F_TCI_V,
  F_TCI_ES,
  F_TCI_SC,
  F_TCI_SCB,
  F_TCI_E,
  F_TCI_C,
  F_AN,
  F_SL,
  F_PN,
  F_SCI_SYS,
  F_SCI_PORT,
  F_ETYPE,
  F_ICV,
};

static const dx_vals set_vals[] = {{0, "Not set"}, {1, "Set"}, {0, NULL}};

#define B8(abbr, lbl, m) DX_FM(abbr, lbl, DX_FT_BOOL, DX_BASE_NONE, set_vals, m, 8)

static const dx_field macsec_fields[] = {
    [F_MACSEC] = DX_F("macsec", "802.1AE Security tag", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_TCI] = DX_FM("macsec.TCI", "TCI", DX_FT_UINT8, DX_BASE_HEX, NULL, 0xfc, 8),
    [F_TCI_V] = DX_FM("macsec.TCI.V", "VER", DX_FT_UINT8, DX_BASE_HEX, NULL, 0x80, 8),
    [F_TCI_ES] = B8("macsec.TCI.ES", "ES", 0x40),
    [F_TCI_SC] = B8("macsec.TCI.SC", "SC", 0x20),
    [F_TCI_SCB] = B8("macsec.TCI.SCB", "SCB", 0x10),
    [F_TCI_E] = B8("macsec.TCI.E", "E", 0x08),
    [F_TCI_C] = B8("macsec.TCI.C", "C", 0x04),
    [F_AN] = DX_FM("macsec.AN", "AN", DX_FT_UINT8, DX_BASE_HEX, NULL, 0x03, 8),
    [F_SL] = DX_F("macsec.SL", "Short length", DX_FT_UINT8, DX_BASE_DEC),
    [F_PN] = DX_F("macsec.PN", "Packet number", DX_FT_UINT32, DX_BASE_DEC),
    [F_SCI_SYS] =
        DX_F("macsec.SCI.system_identifier", "System Identifier", DX_FT_ETHER, DX_BASE_NONE),
    [F_SCI_PORT] = DX_F("macsec.SCI.port_identifier", "Port Identifier", DX_FT_UINT16, DX_BASE_DEC),
    [F_ETYPE] = DX_F("macsec.etype", "Ethertype", DX_FT_UINT16, DX_BASE_HEX),
    [F_ICV] = DX_F("macsec.ICV", "ICV", DX_FT_BYTES, DX_BASE_NONE),
};

/* "0010 11.." for the bits of mask in v, as tshark draws an 8-bit field. */
static void bits8(char *out, uint8_t v, uint8_t mask) {
  size_t k = 0;
  for (int i = 7; i >= 0; i--) {
    out[k++] = (mask >> i) & 1 ? ((v >> i) & 1 ? '1' : '0') : '.';
    if (i == 4)
      out[k++] = ' ';
  }
  out[k] = '\0';
}

static uint32_t dissect_macsec(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  uint8_t tci, sl;
  uint32_t pn;
  if (!dx_get_u8(t, 0, &tci) || !dx_get_u8(t, 1, &sl) || !dx_get_u32(t, 2, &pn))
    return 0;
  if (tci & 0x80) /* version 1: not a SecTAG */
    return 0;
  uint32_t sectag = (tci & 0x20) ? 14 : 6;
  if (t->len <= sectag + 16) /* room for the SecTAG and an ICV, as tshark asks */
    return 0;
  dx_col_set_proto(p, "MACSEC");
  dx_node *m = dx_add_proto(p, parent, &macsec_fields[F_MACSEC], t, 0, sectag);
  char b[16];
  bits8(b, tci, 0xfc);
  dx_node *tn = dx_add_item(p, m, &macsec_fields[F_TCI], t, 0, 1);
  dx_node_set_text(p, tn, "%s = TCI: 0x%02x, VER: 0x%x", b, tci >> 2, tci >> 7);
  static const char *const names[] = {"ES", "SC", "SCB", "E", "C"};
  for (int i = 0; i < 5; i++)
    if (tci & (0x40 >> i))
      dx_node_append_text(p, tn, ", %s", names[i]);
  bits8(b, tci, 0x80);
  dx_node *vn = dx_add_item(p, tn, &macsec_fields[F_TCI_V], t, 0, 1);
  dx_node_set_text(p, vn, "%s = VER: 0x%x", b, tci >> 7);
  for (int f = F_TCI_ES; f <= F_TCI_C; f++)
    dx_add_item(p, tn, &macsec_fields[f], t, 0, 1);
  bits8(b, tci, 0x03);
  dx_node *an = dx_add_item(p, m, &macsec_fields[F_AN], t, 0, 1);
  dx_node_set_text(p, an, "%s = AN: 0x%x", b, tci & 3);
  dx_add_item(p, m, &macsec_fields[F_SL], t, 1, 1);
  dx_add_item(p, m, &macsec_fields[F_PN], t, 2, 4);
  if (tci & 0x20) {
    dx_node *sn = dx_add_item(p, m, &macsec_fields[F_SCI_SYS], t, 6, 6);
    const uint8_t *a = dx_get_ptr(t, 6, 6);
    if (a) {
      char s[18];
      snprintf(s, sizeof s, "%02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1], a[2], a[3], a[4], a[5]);
      dx_node_set_text(p, sn, "System Identifier: %s (%s)", s, s);
    }
    dx_add_item(p, m, &macsec_fields[F_SCI_PORT], t, 12, 2);
  }
  bool clear = !(tci & 0x0c);
  if (!clear) {
    /* encrypted or changed: data up to the 16-byte ICV at the end */
    dx_col_info_set(p, "MACsec frame");
    dx_tvb user = dx_tvb_sub(t, sectag, t->len - sectag - 16);
    dx_add_item(p, m, &macsec_fields[F_ICV], t, t->len - 16, 16);
    dx_dissect_data(p, &user, parent);
    return t->len;
  }
  /* in the clear: the EtherType, its protocol, and what that protocol
   * leaves is the ICV (none when the payload goes to data) */
  uint16_t etype = 0;
  dx_get_u16(t, sectag, &etype);
  /* the layer takes the EtherType too, as tshark's (frame.protocols says
   * "macsec:ethertype" by this length) */
  if (m)
    dx_node_set_len(m, sectag + 2);
  dx_add_item(p, m, &macsec_fields[F_ETYPE], t, sectag, 2);
  dx_tvb in = dx_tvb_sub(t, sectag + 2, UINT32_MAX);
  uint32_t took = dx_dissect_table(p, DX_TABLE_ETHERTYPE, etype, &in, parent);
  if (took == 0) {
    dx_dissect_data(p, &in, parent);
  } else if (took < in.len) {
    dx_add_item(p, m, &macsec_fields[F_ICV], &in, took, in.len - took);
  }
  return t->len;
}

static const dx_reg macsec_regs[] = {{DX_TABLE_ETHERTYPE, 0x88e5}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_macsec = {
    .name = "macsec",
    .label = "802.1AE Security tag",
    .fields = macsec_fields,
    .nfields = DX_ARRAY_LEN(macsec_fields),
    .dissect = dissect_macsec,
    .regs = macsec_regs,
};
