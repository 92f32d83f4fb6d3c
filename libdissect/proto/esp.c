/* IP Encapsulating Security Payload (RFC 4303; IP protocol 50) and its UDP
 * encapsulation for NAT traversal (RFC 3948; UDP port 4500).
 *
 * Without keys the payload after the SPI and the sequence number cannot be
 * read: as tshark 4.0 does by default, ESP shows those two fields and
 * nothing else. On UDP port 4500 a datagram of the single byte 0xff is a
 * NAT-keepalive, one starting with four zero bytes (the non-ESP marker)
 * carries IKE (shown as data: there is no IKE dissector; Info left empty as
 * tshark 4.0 leaves it), any other is ESP. tshark's ESP sequence number
 * analysis (an expert note when a SPI's number is not the previous one
 * plus one) is not done. */
#include "../core/dx.h"

enum { F_ESP, F_SPI, F_SEQ };
enum { F_UDPENCAP, F_KEEPALIVE, F_MARKER };

static const dx_field esp_fields[] = {
    [F_ESP] = DX_F("esp", "Encapsulating Security Payload", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_SPI] = DX_F("esp.spi", "ESP SPI", DX_FT_UINT32, DX_BASE_HEX_DEC),
    [F_SEQ] = DX_F("esp.sequence", "ESP Sequence", DX_FT_UINT32, DX_BASE_DEC),
};

static const dx_field udpencap_fields[] = {
    [F_UDPENCAP] =
        DX_F("udpencap", "UDP Encapsulation of IPsec Packets", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_KEEPALIVE] =
        DX_F("udpencap.nat_keepalive", "NAT-keepalive packet", DX_FT_NONE, DX_BASE_NONE),
    [F_MARKER] = DX_F("udpencap.non_esp_marker", "Non-ESP Marker", DX_FT_NONE, DX_BASE_NONE),
};

static uint32_t dissect_esp(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  if (t->len == 0 && t->reported == 0) /* nothing: IP shows no ESP, as tshark */
    return 0;
  dx_node *esp = dx_add_proto(p, parent, &esp_fields[F_ESP], t, 0, t->len);
  dx_col_set_proto(p, "ESP");
  dx_col_info_clear(p);
  uint32_t spi, seq;
  if (!dx_get_u32(t, 0, &spi)) {
    dx_mark_truncated(p, esp, "ESP needs a 4-byte SPI");
    return t->len;
  }
  dx_add_item(p, esp, &esp_fields[F_SPI], t, 0, 4);
  if (!dx_get_u32(t, 4, &seq)) {
    dx_mark_truncated(p, esp, "ESP truncated");
    return t->len;
  }
  dx_add_item(p, esp, &esp_fields[F_SEQ], t, 4, 4);
  dx_col_info_set(p, "ESP (SPI=0x%08x)", spi);
  return t->len;
}

static uint32_t dissect_udpencap(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  if (t->len == 0) /* nothing captured (as tshark: the datagram is not handed on) */
    return 0;
  dx_col_set_proto(p, "UDPENCAP");
  dx_col_info_clear(p);
  uint8_t b0;
  if (t->len == 1 && dx_get_u8(t, 0, &b0) && b0 == 0xff) {
    dx_node *u = dx_add_proto(p, parent, &udpencap_fields[F_UDPENCAP], t, 0, 1);
    dx_node_set_text(p, u, "UDP Encapsulation of IPsec Packets (NAT-keepalive)");
    dx_add_none(p, u, &udpencap_fields[F_KEEPALIVE], t, 0, 1);
    dx_col_info_set(p, "NAT-keepalive");
    return 1;
  }
  uint32_t spi;
  if (!dx_get_u32(t, 0, &spi)) {
    dx_node *u = dx_add_proto(p, parent, &udpencap_fields[F_UDPENCAP], t, 0, t->len);
    dx_mark_truncated(p, u, "UDP-encapsulated IPsec needs 4 bytes");
    return t->len;
  }
  if (spi == 0) {
    dx_node *u = dx_add_proto(p, parent, &udpencap_fields[F_UDPENCAP], t, 0, 4);
    dx_node_set_text(p, u, "UDP Encapsulation of IPsec Packets (Non-ESP Marker)");
    dx_add_none(p, u, &udpencap_fields[F_MARKER], t, 0, 4);
    dx_tvb ike = dx_tvb_sub(t, 4, UINT32_MAX);
    if (ike.len || ike.reported)
      dx_dissect_data(p, &ike, parent);
    return t->len;
  }
  dx_add_proto(p, parent, &udpencap_fields[F_UDPENCAP], t, 0, 0);
  return dissect_esp(p, t, parent);
}

static const dx_reg esp_regs[] = {{DX_TABLE_IPPROTO, 50}, {DX_TABLE_NONE, 0}};
static const dx_reg udpencap_regs[] = {{DX_TABLE_UDP_PORT, 4500}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_esp = {
    .name = "esp",
    .label = "Encapsulating Security Payload",
    .fields = esp_fields,
    .nfields = DX_ARRAY_LEN(esp_fields),
    .dissect = dissect_esp,
    .regs = esp_regs,
};

const dx_protocol dx_proto_udpencap = {
    .name = "udpencap",
    .label = "UDP Encapsulation of IPsec Packets",
    .fields = udpencap_fields,
    .nfields = DX_ARRAY_LEN(udpencap_fields),
    .dissect = dissect_udpencap,
    .regs = udpencap_regs,
};
