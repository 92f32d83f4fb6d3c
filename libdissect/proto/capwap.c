/* CAPWAP data channel (RFC 5415 4.3, 4.4; RFC 5416 for IEEE 802.11; UDP
 * port 5247): a preamble (version, type: 0 a CAPWAP header, 1 DTLS), the
 * header (HLEN in 4-byte words counting the preamble, radio ID, wireless
 * binding ID, the T F L W M K flags, fragment ID and offset, an optional
 * radio MAC address and wireless specific information, each padded to 4
 * bytes), then the payload at HLEN * 4: an IEEE 802.11 frame when T is set
 * and the binding is 802.11, given to ieee80211.c with its Frame Control
 * bytes swapped (tshark 4.0's default, "swap_frame_control"), an 802.3
 * frame when T is clear, data otherwise. As tshark's packet-capwap.c.
 * A preamble of type 1 is the CAPWAP DTLS header (RFC 5415 4.2: 24
 * reserved bits), followed by DTLS records (dtls.c); on the control
 * channel (5246) only that header is decoded.
 * Not decoded: fragments (tshark reassembles them), keep-alive messages'
 * elements, and the control channel's own messages. */
#include "../core/dx.h"

uint32_t dx_ieee80211_dissect_bsfc(dx_packet *p, const dx_tvb *t, dx_node *parent);
extern const dx_protocol dx_proto_dtls;

enum {
  F_CAPWAP,
  F_PREAMBLE,
  F_PRE_VERSION,
  F_PRE_TYPE,
  F_PRE_RSV,
  F_HEADER,
  F_HLEN,
  F_RID,
  F_WBID,
  F_FLAGS,
  F_FLAG_T,
  F_FLAG_F,
  F_FLAG_L,
  F_FLAG_W,
  F_FLAG_M,
  F_FLAG_K,
  F_FLAG_R,
  F_FRAG_ID,
  F_FRAG_OFF,
  F_FRAG_RSV,
  F_MAC_LEN,
  F_MAC_EUI48,
  F_MAC_DATA,
  F_WL_LEN,
  F_WL_DATA,
  F_PADDING,
  F_HLEN_BAD,
};

static const dx_vals pre_type_vals[] = {{0, "CAPWAP Header"}, {1, "CAPWAP DTLS Header"}, {0, NULL}};
static const dx_vals wbid_vals[] = {
    {0, "Reserved"}, {1, "IEEE 802.11"}, {2, "Reserved"}, {3, "EPCGlobal"}, {0, NULL}};
static const dx_vals t_vals[] = {
    {0, "IEEE 802.3 frame"}, {1, "Native frame format (see Wireless Binding ID field)"}, {0, NULL}};
static const dx_vals f_vals[] = {{0, "Don't Fragment"}, {1, "Fragment"}, {0, NULL}};
static const dx_vals l_vals[] = {
    {0, "More fragments follow"}, {1, "This is the last fragment"}, {0, NULL}};
static const dx_vals w_vals[] = {{0, "No Wireless Specific Information"},
                                 {1, "Wireless Specific Information is present"},
                                 {0, NULL}};
static const dx_vals m_vals[] = {
    {0, "No Radio MAC Address"}, {1, "Radio MAC Address is present"}, {0, NULL}};
static const dx_vals k_vals[] = {{0, "No Keep-Alive"}, {1, "Keep-Alive Packet"}, {0, NULL}};

static const dx_field capwap_fields[] = {
    [F_CAPWAP] = DX_F("capwap.data", "Control And Provisioning of Wireless Access Points - Data",
                      DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_PREAMBLE] = DX_F("capwap.preamble", "Preamble", DX_FT_NONE, DX_BASE_NONE),
    [F_PRE_VERSION] =
        DX_FM("capwap.preamble.version", "Version", DX_FT_UINT8, DX_BASE_DEC, NULL, 0xf0, 8),
    [F_PRE_TYPE] =
        DX_FM("capwap.preamble.type", "Type", DX_FT_UINT8, DX_BASE_DEC, pre_type_vals, 0x0f, 8),
    [F_PRE_RSV] = DX_F("capwap.preamble.reserved", "Reserved", DX_FT_UINT24, DX_BASE_DEC),
    [F_HEADER] = DX_F("capwap.header", "Header", DX_FT_NONE, DX_BASE_NONE),
    [F_HLEN] = DX_FM("capwap.header.length", "Header Length", DX_FT_UINT24, DX_BASE_DEC, NULL,
                     0xf80000, 24),
    [F_RID] = DX_FM("capwap.header.rid", "Radio ID", DX_FT_UINT24, DX_BASE_DEC, NULL, 0x07c000, 24),
    [F_WBID] = DX_FM("capwap.header.wbid", "Wireless Binding ID", DX_FT_UINT24, DX_BASE_DEC,
                     wbid_vals, 0x003e00, 24),
    [F_FLAGS] =
        DX_FM("capwap.header.flags", "Header Flags", DX_FT_UINT24, DX_BASE_HEX, NULL, 0x0001ff, 24),
    [F_FLAG_T] =
        DX_FM("capwap.header.flags.t", "Payload Type", DX_FT_BOOL, DX_BASE_NONE, t_vals, 0x100, 24),
    [F_FLAG_F] =
        DX_FM("capwap.header.flags.f", "Fragment", DX_FT_BOOL, DX_BASE_NONE, f_vals, 0x80, 24),
    [F_FLAG_L] =
        DX_FM("capwap.header.flags.l", "Last Fragment", DX_FT_BOOL, DX_BASE_NONE, l_vals, 0x40, 24),
    [F_FLAG_W] = DX_FM("capwap.header.flags.w", "Wireless header", DX_FT_BOOL, DX_BASE_NONE, w_vals,
                       0x20, 24),
    [F_FLAG_M] = DX_FM("capwap.header.flags.m", "Radio MAC header", DX_FT_BOOL, DX_BASE_NONE,
                       m_vals, 0x10, 24),
    [F_FLAG_K] =
        DX_FM("capwap.header.flags.k", "Keep-Alive", DX_FT_BOOL, DX_BASE_NONE, k_vals, 0x08, 24),
    [F_FLAG_R] =
        DX_FM("capwap.header.flags.r", "Reserved", DX_FT_UINT24, DX_BASE_HEX, NULL, 0x07, 24),
    [F_FRAG_ID] = DX_F("capwap.header.fragment.id", "Fragment ID", DX_FT_UINT16, DX_BASE_DEC),
    [F_FRAG_OFF] = DX_FM("capwap.header.fragment.offset", "Fragment Offset", DX_FT_UINT16,
                         DX_BASE_DEC, NULL, 0xfff8, 16),
    [F_FRAG_RSV] = DX_FM("capwap.header.fragment.reserved", "Reserved", DX_FT_UINT16, DX_BASE_DEC,
                         NULL, 0x0007, 16),
    [F_MAC_LEN] = DX_F("capwap.header.mac.length", "MAC length", DX_FT_UINT8, DX_BASE_DEC),
    [F_MAC_EUI48] = DX_F("capwap.header.mac.eui48", "MAC address", DX_FT_ETHER, DX_BASE_NONE),
    [F_MAC_DATA] = DX_F("capwap.header.mac.data", "MAC address", DX_FT_BYTES, DX_BASE_NONE),
    [F_WL_LEN] = DX_F("capwap.header.wireless.length", "Wireless length", DX_FT_UINT8, DX_BASE_DEC),
    [F_WL_DATA] = DX_F("capwap.header.wireless.data", "Wireless data", DX_FT_BYTES, DX_BASE_NONE),
    [F_PADDING] =
        DX_F("capwap.header.padding", "Padding for 4 Byte Alignment", DX_FT_BYTES, DX_BASE_NONE),
    [F_HLEN_BAD] = DX_F("capwap.header.length.bad", "Wrong calculate length =! header length",
                        DX_FT_NONE, DX_BASE_NONE),
};

#define FL(i) (&capwap_fields[(i)])

/* Padding to the next multiple of 4 from the message's start. */
static uint32_t pad4(dx_packet *p, dx_node *h, const dx_tvb *t, uint32_t off) {
  uint32_t a = (4 - off % 4) % 4;
  if (a)
    dx_add_bytes(p, h, FL(F_PADDING), t, off, a);
  return off + a;
}

/* The preamble; true if it is the DTLS header, whose records it hands to
 * DTLS (RFC 5415 4.2). */
static bool preamble(dx_packet *p, dx_node *c, const dx_tvb *t, dx_node *parent, uint8_t pre) {
  bool dtls = (pre & 0x0f) == 1;
  dx_node *pn = dx_add_none(p, c, FL(F_PREAMBLE), t, 0, dtls ? 4 : 1);
  dx_add_item(p, pn, FL(F_PRE_VERSION), t, 0, 1);
  dx_add_item(p, pn, FL(F_PRE_TYPE), t, 0, 1);
  if (!dtls)
    return false;
  dx_add_item(p, pn, FL(F_PRE_RSV), t, 1, 3);
  dx_tvb d = dx_tvb_sub(t, 4, UINT32_MAX);
  if (d.len || d.reported)
    dx_proto_dtls.dissect(p, &d, parent);
  return true;
}

static uint32_t dissect_capwap_data(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  dx_col_set_proto(p, "CAPWAP-Data");
  dx_col_info_set(p, "CAPWAP-Data");
  dx_node *c = dx_add_proto(p, parent, FL(F_CAPWAP), t, 0, t->len);
  uint8_t pre = 0;
  if (!dx_get_u8(t, 0, &pre)) {
    dx_mark_truncated(p, c, "CAPWAP preamble needs 1 byte");
    return t->len;
  }
  if (preamble(p, c, t, parent, pre))
    return t->len;
  uint32_t w = 0;
  uint16_t frag = 0, fragoff = 0;
  if (!dx_get_u24(t, 1, &w) || !dx_get_u16(t, 4, &frag) || !dx_get_u16(t, 6, &fragoff)) {
    dx_mark_truncated(p, c, "CAPWAP header needs 8 bytes");
    return t->len;
  }
  uint32_t hlen = (w >> 19) * 4; /* the whole header, preamble included */
  unsigned wbid = (w >> 9) & 0x1f, flags = w & 0x1ff;
  dx_node *h = dx_add_none(p, c, FL(F_HEADER), t, 1, hlen > 1 ? hlen - 1 : 1);
  dx_node *ln = dx_add_item(p, h, FL(F_HLEN), t, 1, 3);
  dx_node_append_text(p, ln, " (%u)", hlen);
  dx_add_item(p, h, FL(F_RID), t, 1, 3);
  dx_add_item(p, h, FL(F_WBID), t, 1, 3);
  dx_node *fn = dx_add_item(p, h, FL(F_FLAGS), t, 1, 3);
  for (int i = F_FLAG_T; i <= F_FLAG_R; i++)
    dx_add_item(p, fn, FL(i), t, 1, 3);
  if (flags & 0x08)
    dx_col_info_append(p, " Keep-Alive");
  dx_add_item(p, h, FL(F_FRAG_ID), t, 4, 2);
  dx_add_item(p, h, FL(F_FRAG_OFF), t, 6, 2);
  dx_add_item(p, h, FL(F_FRAG_RSV), t, 6, 2);
  uint32_t off = 8;
  if (flags & 0x10) { /* radio MAC address */
    uint8_t ml = 0;
    if (!dx_get_u8(t, off, &ml)) {
      dx_mark_truncated(p, h, "CAPWAP radio MAC address cut short");
      return t->len;
    }
    dx_add_item(p, h, FL(F_MAC_LEN), t, off, 1);
    off++;
    if (ml == 6)
      dx_add_item(p, h, FL(F_MAC_EUI48), t, off, 6);
    else if (ml)
      dx_add_bytes(p, h, FL(F_MAC_DATA), t, off, ml);
    off = pad4(p, h, t, off + ml);
  }
  if (flags & 0x20) { /* wireless specific information */
    uint8_t wl = 0;
    if (!dx_get_u8(t, off, &wl)) {
      dx_mark_truncated(p, h, "CAPWAP wireless information cut short");
      return t->len;
    }
    dx_add_item(p, h, FL(F_WL_LEN), t, off, 1);
    off++;
    if (wl)
      dx_add_bytes(p, h, FL(F_WL_DATA), t, off, wl);
    off = pad4(p, h, t, off + wl);
  }
  if (off != hlen) {
    /* tshark's words (its lengths count without the preamble) */
    dx_node *bad = dx_add_none(p, ln, FL(F_HLEN_BAD), t, 1, 3);
    dx_node_set_flags(bad, DX_NODE_HIDDEN);
    dx_expert(p, ln, dx_field_expert(), DX_SEV_WARN,
              "Wrong calculate length (%u) =! header length (%u) ! (May be try to use Cisco "
              "Wireless Controller Support Preference ?)",
              off - 1, hlen ? hlen - 1 : 0);
  }
  if (hlen < 8) {
    dx_mark_malformed(p, h, "CAPWAP header length %u is less than 8", hlen);
    return t->len;
  }
  dx_tvb pl = dx_tvb_sub(t, hlen, UINT32_MAX);
  if (pl.len == 0 && pl.reported == 0)
    return t->len;
  uint32_t took = 0;
  if (flags & 0x80) {
    /* a fragment: not reassembled here */
    dx_col_info_append(p, " (Fragment ID: %u, Fragment Offset: %u)", frag, (fragoff >> 3) * 8u);
  } else if (flags & 0x08) {
    took = 0; /* keep-alive message elements: shown as data */
  } else if (!(flags & 0x100)) {
    took = dx_dissect_table(p, DX_TABLE_LINKTYPE, 1, &pl, parent);
  } else if (wbid == 1) {
    took = dx_ieee80211_dissect_bsfc(p, &pl, parent);
  }
  if (took == 0 && (pl.len || pl.reported))
    dx_dissect_data(p, &pl, parent);
  return t->len;
}

static const dx_reg capwap_regs[] = {{DX_TABLE_UDP_PORT, 5247}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_capwap_data = {
    .name = "capwap.data",
    .label = "Control And Provisioning of Wireless Access Points - Data",
    .fields = capwap_fields,
    .nfields = DX_ARRAY_LEN(capwap_fields),
    .dissect = dissect_capwap_data,
    .regs = capwap_regs,
};

/* The control channel (RFC 5415 4.3, UDP port 5246): only a DTLS header
 * is taken (its messages in clear are left to the next dissector). */
static const dx_field capwap_control_fields[] = {
    DX_F("capwap", "Control And Provisioning of Wireless Access Points - Control", DX_FT_PROTOCOL,
         DX_BASE_NONE),
};

static uint32_t dissect_capwap_control(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  uint8_t pre = 0;
  if (!dx_get_u8(t, 0, &pre) || (pre & 0x0f) != 1)
    return 0;
  dx_col_set_proto(p, "CAPWAP-Control");
  dx_node *c = dx_add_proto(p, parent, &capwap_control_fields[0], t, 0, t->len < 4 ? t->len : 4);
  preamble(p, c, t, parent, pre);
  return t->len;
}

static const dx_reg capwap_control_regs[] = {{DX_TABLE_UDP_PORT, 5246}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_capwap_control = {
    .name = "capwap",
    .label = "Control And Provisioning of Wireless Access Points - Control",
    .fields = capwap_control_fields,
    .nfields = DX_ARRAY_LEN(capwap_control_fields),
    .dissect = dissect_capwap_control,
    .regs = capwap_control_regs,
};
