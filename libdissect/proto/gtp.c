/* GPRS Tunnelling Protocol for the user plane (GTPv1-U, 3GPP TS 29.281;
 * UDP port 2152): an 8-byte header (flags: version, protocol type, the
 * E, S and PN flags; message type; length of what follows the first 8
 * bytes; TEID), then, when any of E, S, PN is set, a sequence number, an
 * N-PDU number and the type of the next extension header, then the chain
 * of extension headers (a length in units of 4 bytes, the content, the
 * next type). A T-PDU (message type 255) carries a user's packet, given
 * to IPv4 or IPv6 by its first byte (or to Ethernet when bytes 12-13 are
 * the EtherType of IPv4, IPv6 or ARP), as tshark 4.0's packet-gtp.c
 * guesses it. The information elements of the other messages (echo, error
 * indication, ...) and the content of extension headers are shown as
 * bytes; GTPv0, GTP' and GTPv1-C (other
 * ports) are not decoded. */
#include "../core/dx.h"

enum {
  F_GTP,
  F_FLAGS,
  F_FLAG_VER,
  F_FLAG_PT,
  F_FLAG_RSV,
  F_FLAG_E,
  F_FLAG_S,
  F_FLAG_PN,
  F_MESSAGE,
  F_LENGTH,
  F_TEID,
  F_SEQ,
  F_NPDU,
  F_EXT_NEXT,
  F_EXT,
  F_EXT_LEN,
  F_TPDU_DATA,
};

static const dx_vals ver_vals[] = {{0, "GTP release 97/98 version"},
                                   {1, "GTP release 99 version"},
                                   {2, "GTPv2-C"},
                                   {3, "None"},
                                   {4, "None"},
                                   {5, "None"},
                                   {6, "None"},
                                   {7, "None"},
                                   {0, NULL}};
static const dx_vals pt_vals[] = {{0, "GTP'"}, {1, "GTP"}, {0, NULL}};
static const dx_vals yes_no[] = {{0, "No"}, {1, "Yes"}, {0, NULL}};
static const dx_vals msg_vals[] = {{1, "Echo request"},
                                   {2, "Echo response"},
                                   {26, "Error indication"},
                                   {31, "Supported extension header notification"},
                                   {254, "End Marker"},
                                   {255, "T-PDU"},
                                   {0, NULL}};
static const dx_vals ext_vals[] = {{0x00, "No more extension headers"},
                                   {0x01, "MBMS support indication"},
                                   {0x02, "MS Info Change Reporting support indication"},
                                   {0x03, "Long PDCP PDU Number"},
                                   {0x20, "Service Class Indicator"},
                                   {0x40, "UDP Port"},
                                   {0x81, "RAN Container"},
                                   {0x82, "Long PDCP PDU Number"},
                                   {0x83, "Xw RAN Container"},
                                   {0x84, "NR RAN Container"},
                                   {0x85, "PDU Session Container"},
                                   {0xc0, "PDCP PDU Number"},
                                   {0xc1, "Suspend Request"},
                                   {0xc2, "Suspend Response"},
                                   {0, NULL}};

static const dx_field gtp_fields[] = {
    [F_GTP] = DX_F("gtp", "GPRS Tunneling Protocol", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_FLAGS] = DX_F("gtp.flags", "Flags", DX_FT_UINT8, DX_BASE_HEX),
    [F_FLAG_VER] =
        DX_FM("gtp.flags.version", "Version", DX_FT_UINT8, DX_BASE_DEC, ver_vals, 0xe0, 8),
    [F_FLAG_PT] =
        DX_FM("gtp.flags.payload", "Protocol type", DX_FT_UINT8, DX_BASE_DEC, pt_vals, 0x10, 8),
    [F_FLAG_RSV] = DX_FM("gtp.flags.reserved", "Reserved", DX_FT_UINT8, DX_BASE_DEC, NULL, 0x08, 8),
    [F_FLAG_E] = DX_FM("gtp.flags.e", "Is Next Extension Header present?", DX_FT_BOOL, DX_BASE_NONE,
                       yes_no, 0x04, 8),
    [F_FLAG_S] = DX_FM("gtp.flags.s", "Is Sequence Number present?", DX_FT_BOOL, DX_BASE_NONE,
                       yes_no, 0x02, 8),
    [F_FLAG_PN] = DX_FM("gtp.flags.pn", "Is N-PDU number present?", DX_FT_BOOL, DX_BASE_NONE,
                        yes_no, 0x01, 8),
    [F_MESSAGE] = DX_FV("gtp.message", "Message Type", DX_FT_UINT8, DX_BASE_HEX, msg_vals),
    [F_LENGTH] = DX_F("gtp.length", "Length", DX_FT_UINT16, DX_BASE_DEC),
    [F_TEID] = DX_F("gtp.teid", "TEID", DX_FT_UINT32, DX_BASE_HEX_DEC),
    [F_SEQ] = DX_F("gtp.seq_number", "Sequence number", DX_FT_UINT16, DX_BASE_HEX_DEC),
    [F_NPDU] = DX_F("gtp.npdu_number", "N-PDU Number", DX_FT_UINT8, DX_BASE_HEX),
    [F_EXT_NEXT] =
        DX_FV("gtp.ext_hdr.next", "Next extension header type", DX_FT_UINT8, DX_BASE_HEX, ext_vals),
    [F_EXT] = DX_F("gtp.ext_hdr", "Extension header", DX_FT_NONE, DX_BASE_NONE),
    [F_EXT_LEN] = DX_F("gtp.ext_hdr.length", "Extension Header Length", DX_FT_UINT8, DX_BASE_DEC),
    [F_TPDU_DATA] = DX_F("gtp.tpdu_data", "T-PDU Data", DX_FT_BYTES, DX_BASE_NONE),
};

#define FL(i) (&gtp_fields[(i)])

/* Bounds the number of extension headers walked (each takes at least 4
 * bytes, so a message of 65535 bytes has fewer). */
#define GTP_MAX_EXT 64

static uint32_t dissect_gtp(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  uint8_t flags = 0, msg = 0;
  uint16_t len = 0;
  dx_col_set_proto(p, "GTP");
  dx_node *g = dx_add_proto(p, parent, FL(F_GTP), t, 0, t->len);
  if (!dx_get_u8(t, 0, &flags)) {
    dx_mark_truncated(p, g, "GTP header needs 8 bytes");
    return t->len;
  }
  dx_node *fn = dx_add_item(p, g, FL(F_FLAGS), t, 0, 1);
  dx_add_item(p, fn, FL(F_FLAG_VER), t, 0, 1);
  dx_add_item(p, fn, FL(F_FLAG_PT), t, 0, 1);
  if (flags >> 5 != 1 || !(flags & 0x10)) {
    /* GTPv0, GTP' or GTPv2 on this port: not decoded */
    dx_tvb rest = dx_tvb_sub(t, 1, UINT32_MAX);
    dx_dissect_data(p, &rest, parent);
    return t->len;
  }
  dx_add_item(p, fn, FL(F_FLAG_RSV), t, 0, 1);
  dx_add_item(p, fn, FL(F_FLAG_E), t, 0, 1);
  dx_add_item(p, fn, FL(F_FLAG_S), t, 0, 1);
  dx_add_item(p, fn, FL(F_FLAG_PN), t, 0, 1);
  if (!dx_get_u8(t, 1, &msg)) {
    dx_mark_truncated(p, g, "GTP header needs 8 bytes");
    return t->len;
  }
  const char *mname = dx_val_name(msg_vals, msg);
  dx_col_info_set(p, "%s", mname ? mname : "Unknown");
  dx_add_item(p, g, FL(F_MESSAGE), t, 1, 1);
  if (!dx_get_u16(t, 2, &len)) {
    dx_mark_truncated(p, g, "GTP header needs 8 bytes");
    return t->len;
  }
  dx_add_item(p, g, FL(F_LENGTH), t, 2, 2);
  if (!dx_tvb_has(t, 4, 4)) {
    dx_mark_truncated(p, g, "GTP header needs 8 bytes");
    return t->len;
  }
  dx_add_item(p, g, FL(F_TEID), t, 4, 4);
  /* the message is the 8 bytes and `len` more (trailing bytes are not its) */
  dx_tvb m = dx_tvb_sub(t, 0, 8u + len);
  uint32_t off = 8;
  if (flags & 0x07) {
    if (!dx_tvb_has(&m, 8, 4)) {
      dx_mark_truncated(p, g, "GTP optional fields need 4 bytes");
      return t->len;
    }
    if (flags & 0x02)
      dx_add_item(p, g, FL(F_SEQ), &m, 8, 2);
    if (flags & 0x01)
      dx_add_item(p, g, FL(F_NPDU), &m, 10, 1);
    off = 11;
    if (flags & 0x04) {
      uint8_t next = 0;
      dx_get_u8(&m, 11, &next);
      dx_add_item(p, g, FL(F_EXT_NEXT), &m, 11, 1);
      off = 12;
      for (int i = 0; next != 0; i++) {
        uint8_t el = 0;
        if (i == GTP_MAX_EXT) {
          dx_mark_malformed(p, g, "more than %d extension headers", GTP_MAX_EXT);
          return t->len;
        }
        if (!dx_get_u8(&m, off, &el) || el == 0 || !dx_tvb_has(&m, off, (uint32_t)el * 4)) {
          dx_node *bad = dx_add_none(p, g, FL(F_EXT), &m, off, dx_tvb_avail(&m, off));
          if (el == 0 && dx_tvb_has(&m, off, 1))
            dx_mark_malformed(p, bad, "extension header of length 0");
          else
            dx_mark_truncated(p, bad, "extension header cut short");
          return t->len;
        }
        uint32_t elen = (uint32_t)el * 4;
        dx_node *e = dx_add_none(p, g, FL(F_EXT), &m, off, elen);
        const char *en = dx_val_name(ext_vals, next);
        dx_node_set_text(p, e, "Extension header (%s)", en ? en : "Unknown");
        dx_node *ln = dx_add_item(p, e, FL(F_EXT_LEN), &m, off, 1);
        dx_node_set_text(p, ln, "Extension Header Length: %u", el);
        dx_get_u8(&m, off + elen - 1, &next);
        dx_add_item(p, e, FL(F_EXT_NEXT), &m, off + elen - 1, 1);
        off += elen;
      }
    } else {
      off = 12;
    }
  }
  dx_node_set_len(g, off);
  if (!dx_tvb_has(&m, 0, off) && off > m.reported) {
    dx_mark_malformed(p, g, "GTP length %u is less than its header's", len);
    return t->len;
  }
  dx_tvb pl = dx_tvb_sub(&m, off, UINT32_MAX);
  if (pl.len == 0 && pl.reported == 0)
    return t->len;
  if (msg != 255) { /* information elements: not decoded */
    dx_dissect_data(p, &pl, parent);
    return t->len;
  }
  uint8_t b0 = 0;
  uint16_t et = 0;
  uint32_t took = 0;
  dx_get_u8(&pl, 0, &b0);
  if (b0 >= 0x45 && b0 <= 0x4e)
    took = dx_dissect_table(p, DX_TABLE_ETHERTYPE, 0x0800, &pl, parent);
  else if ((b0 & 0xf0) == 0x60)
    took = dx_dissect_table(p, DX_TABLE_ETHERTYPE, 0x86dd, &pl, parent);
  else if (pl.len > 14 && dx_get_u16(&pl, 12, &et) &&
           (et == 0x0806 || et == 0x86dd || et == 0x0800))
    took = dx_dissect_table(p, DX_TABLE_LINKTYPE, 1, &pl, parent);
  else {
    dx_add_bytes(p, parent, FL(F_TPDU_DATA), &pl, 0, pl.len);
    took = pl.len ? pl.len : 1;
  }
  if (took == 0 && pl.len)
    dx_dissect_data(p, &pl, parent);
  if (p->col_proto && p->want_columns) {
    char *c = dx_arena_printf(&p->arena, "GTP <%s>", p->col_proto);
    if (c)
      dx_col_set_proto(p, c);
  }
  return t->len;
}

static const dx_reg gtp_regs[] = {{DX_TABLE_UDP_PORT, 2152}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_gtp = {
    .name = "gtp",
    .label = "GPRS Tunneling Protocol",
    .fields = gtp_fields,
    .nfields = DX_ARRAY_LEN(gtp_fields),
    .dissect = dissect_gtp,
    .regs = gtp_regs,
};
