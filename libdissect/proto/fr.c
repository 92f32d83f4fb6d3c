/* Frame Relay (LINKTYPE_FRELAY, 107): a Q.922 address of 2 to 4 octets
 * (DLCI, C/R, FECN, BECN, DE, EA; a last octet of 3- and 4-octet addresses
 * with the lower DLCI bits or DL-CORE control), then the payload in one of
 * the encapsulations tshark 4.0 recognises, in its order:
 *   - RFC 2427 (FRF.3.2): a UI control octet 0x03, an optional padding
 *     octet 0, an NLPID (0xcc IPv4, 0x8e IPv6, 0x80 SNAP, ...);
 *   - on DLCI 0, LAPF signalling (shown as data);
 *   - Cisco's: a 2-octet Cisco HDLC protocol (an EtherType) that some
 *     dissector takes;
 *   - RFC 2427 with another control field (I or S frames take 2 octets, U
 *     frames 1) before an NLPID that is known;
 *   - a raw Ethernet frame (its type/length field a length or a known
 *     EtherType), or else data.
 * Layouts: ITU-T Q.922, RFC 2427; the order of the guesses and the field
 * names as tshark 4.0 has them (packet-fr.c). OSI NLPIDs (CLNP, ES-IS,
 * IS-IS, Q.933) have no dissector here: their bytes go on as data. */
#include "../core/dx.h"

#include <stdio.h>

extern const dx_vals dx_ethertype_vals[];
extern const dx_protocol dx_proto_eth;

enum {
  F_FR,
  F_FIRST,
  F_UPPER_DLCI,
  F_CR,
  F_EA,
  F_SECOND,
  F_SECOND_DLCI,
  F_FECN,
  F_BECN,
  F_DE,
  F_THIRD,
  F_THIRD_DLCI,
  F_DLCORE,
  F_LOWER_DLCI,
  F_DC,
  F_DLCI,
  F_CONTROL,
  F_NLPID,
  F_OUI,
  F_SNAPTYPE,
  F_PID,
  F_CHDLCTYPE,
  F_BOGUS,
  F_U_CMD,
  F_U_RESP,
  F_FTYPE,
};

static const dx_vals cr_vals[] = {{0, "Response"}, {1, "Command"}, {0, NULL}};
static const dx_vals ea_vals[] = {{0, "More Follows"}, {1, "Last Octet"}, {0, NULL}};
static const dx_vals tf_vals[] = {{0, "False"}, {1, "True"}, {0, NULL}};
static const dx_vals dc_vals[] = {{0, "DLCI Address"}, {1, "Control"}, {0, NULL}};
/* xdlc's names of a U frame's modifier and of the frame types */
static const dx_vals u_cmd_vals[] = {{0x00, "Unnumbered Information"}, {0, NULL}};
static const dx_vals ftype_vals[] = {{0x3, "Unnumbered frame"}, {0, NULL}};
static const dx_vals nlpid_vals[] = {
    {0x00, "Padding"}, {0x08, "Q.933"}, {0x80, "SNAP"}, {0x81, "OSI"}, {0x82, "ES-IS"},
    {0x83, "IS-IS"},   {0x8e, "IPv6"},  {0xcc, "IP"},   {0xcf, "PPP"}, {0, NULL}};

#define BIT8(abbr, lbl, v, m) DX_FM(abbr, lbl, DX_FT_BOOL, DX_BASE_NONE, v, m, 8)

static const dx_field fr_fields[] = {
    [F_FR] = DX_F("fr", "Frame Relay", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_FIRST] = DX_F("fr.first_addr_octet", "First address octet", DX_FT_UINT8, DX_BASE_HEX),
    [F_UPPER_DLCI] = DX_FM("fr.upper_dlci", "Upper DLCI", DX_FT_UINT8, DX_BASE_HEX, NULL, 0xfc, 8),
    [F_CR] = BIT8("fr.cr", "CR", cr_vals, 0x02),
    [F_EA] = BIT8("fr.ea", "EA", ea_vals, 0x01),
    [F_SECOND] = DX_F("fr.second_addr_octet", "Second address octet", DX_FT_UINT8, DX_BASE_HEX),
    [F_SECOND_DLCI] =
        DX_FM("fr.second_dlci", "Second DLCI", DX_FT_UINT8, DX_BASE_HEX, NULL, 0xf0, 8),
    [F_FECN] = BIT8("fr.fecn", "FECN", tf_vals, 0x08),
    [F_BECN] = BIT8("fr.becn", "BECN", tf_vals, 0x04),
    [F_DE] = BIT8("fr.de", "DE", tf_vals, 0x02),
    [F_THIRD] = DX_F("fr.third_addr_octet", "Third address octet", DX_FT_UINT8, DX_BASE_HEX),
    [F_THIRD_DLCI] = DX_FM("fr.third_dlci", "Third DLCI", DX_FT_UINT8, DX_BASE_HEX, NULL, 0xfe, 8),
    [F_DLCORE] =
        DX_FM("fr.dlcore_control", "DL-CORE Control", DX_FT_UINT8, DX_BASE_HEX, NULL, 0xfc, 8),
    [F_LOWER_DLCI] = DX_FM("fr.lower_dlci", "Lower DLCI", DX_FT_UINT8, DX_BASE_HEX, NULL, 0xfc, 8),
    [F_DC] = BIT8("fr.dc", "DC", dc_vals, 0x02),
    [F_DLCI] = DX_F("fr.dlci", "DLCI", DX_FT_UINT32, DX_BASE_DEC),
    [F_CONTROL] = DX_F("fr.control", "Control Field", DX_FT_UINT8, DX_BASE_HEX),
    [F_NLPID] = DX_FV("fr.nlpid", "NLPID", DX_FT_UINT8, DX_BASE_HEX, nlpid_vals),
    [F_OUI] = DX_F("fr.snap.oui", "Organization Code", DX_FT_UINT24, DX_BASE_DEC),
    [F_PID] = DX_F("fr.snap.pid", "Protocol ID", DX_FT_UINT16, DX_BASE_HEX),
    [F_SNAPTYPE] = DX_FV("fr.snaptype", "Type", DX_FT_UINT16, DX_BASE_HEX, dx_ethertype_vals),
    [F_CHDLCTYPE] = DX_FV("fr.chdlctype", "Type", DX_FT_UINT16, DX_BASE_HEX, dx_ethertype_vals),
    [F_BOGUS] = DX_F("fr.bogus_address", "Bogus address", DX_FT_NONE, DX_BASE_NONE),
    [F_U_CMD] = DX_FM("fr.control.u_modifier_cmd", "Command", DX_FT_UINT8, DX_BASE_HEX, u_cmd_vals,
                      0xec, 8),
    [F_U_RESP] = DX_FM("fr.control.u_modifier_resp", "Response", DX_FT_UINT8, DX_BASE_HEX,
                       u_cmd_vals, 0xec, 8),
    [F_FTYPE] =
        DX_FM("fr.control.ftype", "Frame type", DX_FT_UINT8, DX_BASE_HEX, ftype_vals, 0x03, 8),
};
#define FL(i) (&fr_fields[(i)])

/* NLPIDs whose payload goes on here (the others are OSI's, shown as data). */
static uint32_t nlpid_ethertype(uint8_t nlpid) {
  return nlpid == 0xcc ? 0x0800 : nlpid == 0x8e ? 0x86dd : 0;
}

/* NLPIDs tshark has a dissector for after a Frame Relay control field (the
 * test of its second guess at RFC 2427). */
static bool nlpid_known(uint8_t nlpid) {
  switch (nlpid) {
  case 0x00: /* the null network layer */
  case 0x08: /* Q.933 */
  case 0x09: /* LMI */
  case 0x80: /* SNAP */
  case 0x81: /* CLNP */
  case 0x82: /* ES-IS */
  case 0x83: /* IS-IS */
  case 0x8e: /* IPv6 */
  case 0xcc: /* IPv4 */
  case 0xcf: /* PPP */
  case 0xb0: /* FRF.9 data compression */ return true;
  default: return false;
  }
}

/* Cisco HDLC protocols tshark 4.0 dissects after a Frame Relay address. */
static bool chdlc_known(uint16_t type) {
  switch (type) {
  case 0x0800: /* IPv4 */
  case 0x86dd: /* IPv6 */
  case 0x8035: /* SLARP */
  case 0x2000: /* CDP */
  case 0xfefe: /* OSI */
  case 0x8847: /* MPLS */
  case 0x8848: return true;
  default: return false;
  }
}

/* The control field (extended mode: I and S frames take 2 octets, U
 * frames 1) into the Info column as tshark writes it; returns its length. */
static uint32_t control_info(dx_packet *p, const dx_tvb *t, uint32_t off, bool response) {
  uint8_t c, c2 = 0;
  if (!dx_get_u8(t, off, &c))
    return 0;
  if ((c & 0x03) != 0x03 && !dx_tvb_has(t, off, 2))
    return 0; /* an I or S frame's control field cut short */
  if ((c & 0x03) == 0x03) {
    static const char *const cmd[32] = {
        [0x00] = "UI",    [0x03] = "SARM/DM", [0x07] = "SABM", [0x08] = "DISC", [0x0c] = "UA",
        [0x0f] = "SABME", [0x10] = "SNRM",    [0x11] = "FRMR", [0x17] = "XID",  [0x1c] = "TEST"};
    unsigned m = ((c >> 2) & 0x03) | ((c >> 3) & 0x1c);
    const char *name = cmd[m] ? cmd[m] : "Unknown";
    dx_col_info_append(p, ", U%s, func=%s", (c & 0x10) ? (response ? " F" : " P") : "", name);
    return 1;
  }
  dx_get_u8(t, off + 1, &c2);
  const char *pf = (c2 & 0x01) ? (response ? " F" : " P") : "";
  if ((c & 0x03) == 0x01) {
    static const char *const st[4] = {"RR", "RNR", "REJ", "SREJ"};
    dx_col_info_append(p, ", S%s, func=%s, N(R)=%u", pf, st[(c >> 2) & 0x03], (unsigned)(c2 >> 1));
  } else {
    dx_col_info_append(p, ", I%s, N(R)=%u, N(S)=%u", pf, (unsigned)(c2 >> 1), (unsigned)(c >> 1));
  }
  return 2;
}

/* The control field's node and Info text; false (the frame marked) when
 * it is cut short. *len: its length. */
static bool control(dx_packet *p, const dx_tvb *t, uint32_t off, bool response, dx_node *fr,
                    uint32_t *len) {
  *len = control_info(p, t, off, response);
  if (!*len) {
    dx_mark_truncated(p, fr, "Frame Relay control field cut short");
    return false;
  }
  dx_node *cf = dx_add_item(p, fr, FL(F_CONTROL), t, off, 1);
  uint8_t c = 0;
  if (dx_get_u8(t, off, &c) && c == 0x03) {
    /* a UI frame as tshark's dissect_xdlc_control() shows it */
    dx_node_set_text(p, cf, "Control field: U, func=UI (0x03)");
    dx_add_item(p, cf, FL(response ? F_U_RESP : F_U_CMD), t, off, 1);
    dx_add_item(p, cf, FL(F_FTYPE), t, off, 1);
  }
  return true;
}

/* The payload after the control field: [padding] NLPID [SNAP] data. */
static void dissect_nlpid(dx_packet *p, const dx_tvb *t, uint32_t off, dx_node *fr,
                          dx_node *parent) {
  uint8_t nlpid;
  if (!dx_get_u8(t, off, &nlpid)) {
    dx_mark_truncated(p, fr, "Frame Relay NLPID missing");
    return;
  }
  if (nlpid == 0) {
    dx_node *n = dx_add_item(p, fr, FL(F_NLPID), t, off, 1);
    dx_node_set_text(p, n, "Padding");
    off++;
    if (!dx_get_u8(t, off, &nlpid)) {
      dx_mark_truncated(p, fr, "Frame Relay NLPID missing");
      return;
    }
  }
  /* tshark passes an OSI NLPID on with the OSI PDU and names it in the
   * Frame Relay layer only once that PDU was dissected whole (here those
   * PDUs go on as data): not named */
  bool osi = nlpid == 0x08 || (nlpid >= 0x81 && nlpid <= 0x83);
  if (osi) {
    dx_tvb pl = dx_tvb_sub(t, off, UINT32_MAX);
    dx_dissect_data(p, &pl, parent);
    return;
  }
  dx_add_item(p, fr, FL(F_NLPID), t, off, 1);
  uint32_t et = nlpid_ethertype(nlpid);
  if (nlpid == 0x80) {
    /* SNAP: OUI and a protocol, an EtherType for OUI 0 (RFC 1042) and
     * Cisco's 0x0000f8 */
    uint16_t type;
    uint8_t oui[3] = {0};
    bool have_oui = dx_get_u8(t, off + 1, &oui[0]) && dx_get_u8(t, off + 2, &oui[1]) &&
                    dx_get_u8(t, off + 3, &oui[2]);
    bool ether = have_oui && oui[0] == 0 && oui[1] == 0 && (oui[2] == 0 || oui[2] == 0xf8);
    if (!dx_get_u16(t, off + 4, &type)) {
      dx_mark_truncated(p, fr, "SNAP header cut short");
      return;
    }
    dx_node *o = dx_add_item(p, fr, FL(F_OUI), t, off + 1, 3);
    if (have_oui)
      dx_oui_label(p, o, (uint32_t)oui[0] << 16 | (uint32_t)oui[1] << 8 | oui[2]);
    dx_add_item(p, fr, FL(ether ? F_SNAPTYPE : F_PID), t, off + 4, 2);
    et = ether ? type : 0;
    off += 5;
  }
  off++;
  dx_tvb pl = dx_tvb_sub(t, off, UINT32_MAX);
  if (!et || !dx_dissect_table(p, DX_TABLE_ETHERTYPE, et, &pl, parent))
    dx_dissect_data(p, &pl, parent);
}

static uint32_t dissect_fr(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  dx_col_set_proto(p, "FR");
  dx_node *fr = dx_add_proto(p, parent, FL(F_FR), t, 0, t->len);
  uint8_t o;
  uint32_t off = 0, dlci = 0;
  bool response = false;
  if (!dx_get_u8(t, 0, &o)) {
    dx_mark_truncated(p, fr, "Frame Relay address missing");
    return t->len;
  }
  if (o & 0x01) {
    dx_expert(p, fr, FL(F_BOGUS), DX_SEV_ERROR, "Bogus 1-octet address field");
    off = 1;
  } else {
    dlci = (o & 0xfc) >> 2;
    response = o & 0x02;
    dx_node *a = dx_add_item(p, fr, FL(F_FIRST), t, 0, 1);
    dx_add_item(p, a, FL(F_UPPER_DLCI), t, 0, 1);
    dx_add_item(p, a, FL(F_CR), t, 0, 1);
    dx_add_item(p, a, FL(F_EA), t, 0, 1);
    dx_node_append_bitmask(p, a);
    if (!dx_get_u8(t, 1, &o)) {
      dx_mark_truncated(p, fr, "Frame Relay address cut short");
      return t->len;
    }
    dlci = (dlci << 4) | ((o & 0xf0u) >> 4);
    a = dx_add_item(p, fr, FL(F_SECOND), t, 1, 1);
    dx_add_item(p, a, FL(F_SECOND_DLCI), t, 1, 1);
    dx_add_item(p, a, FL(F_FECN), t, 1, 1);
    dx_add_item(p, a, FL(F_BECN), t, 1, 1);
    dx_add_item(p, a, FL(F_DE), t, 1, 1);
    dx_add_item(p, a, FL(F_EA), t, 1, 1);
    dx_node_append_bitmask(p, a); /* (tshark's ", EA" of the bits set) */
    off = 2;
    if (!(o & 0x01)) {
      if (!dx_get_u8(t, off, &o)) {
        dx_mark_truncated(p, fr, "Frame Relay address cut short");
        return t->len;
      }
      if (!(o & 0x01)) {
        dlci = (dlci << 7) | ((o & 0xfeu) >> 1);
        a = dx_add_item(p, fr, FL(F_THIRD), t, off, 1);
        dx_add_item(p, a, FL(F_THIRD_DLCI), t, off, 1);
        dx_add_item(p, a, FL(F_EA), t, off, 1);
        off++;
        for (;;) {
          if (!dx_get_u8(t, off, &o)) {
            dx_mark_truncated(p, fr, "Frame Relay address cut short");
            return t->len;
          }
          if (o & 0x01)
            break;
          dx_expert(p, fr, FL(F_BOGUS), DX_SEV_ERROR, "Bogus extra address octet");
          off++;
        }
      }
      dx_node *last = dx_add_none(p, fr, FL(F_FR), t, off, 1);
      dx_node_set_text(p, last, "Final address octet: 0x%02x", o);
      if (o & 0x02) {
        dx_add_item(p, last, FL(F_DLCORE), t, off, 1);
      } else {
        dlci = (dlci << 6) | ((o & 0xfcu) >> 2);
        dx_add_item(p, last, FL(F_LOWER_DLCI), t, off, 1);
      }
      dx_add_item(p, last, FL(F_DC), t, off, 1);
      dx_add_item(p, last, FL(F_EA), t, off, 1);
      off++;
    }
  }
  dx_add_uint(p, fr, FL(F_DLCI), t, 0, off, dlci);
  dx_col_info_set(p, "DLCI %u", dlci);

  uint8_t ctrl;
  if (!dx_get_u8(t, off, &ctrl)) {
    /* a frame is at least an address and a control field (Q.922, RFC
     * 2427 3.1): one that ends after its address is malformed, as tshark
     * marks it */
    if (t->reported > off)
      dx_mark_truncated(p, fr, "Frame Relay payload not captured");
    else
      dx_mark_malformed(p, fr, "Frame Relay frame without a control field");
    return t->len;
  }
  uint32_t clen;
  if (ctrl == 0x03) { /* UI: RFC 2427 */
    control(p, t, off, response, fr, &clen);
    dissect_nlpid(p, t, off + 1, fr, parent);
    return t->len;
  }
  dx_tvb rest = dx_tvb_sub(t, off, UINT32_MAX);
  if (dlci == 0 || ctrl == 0xaf) { /* LAPF signalling, XID */
    if (control(p, t, off, response, fr, &clen))
      dx_dissect_data(p, &rest, parent);
    return t->len;
  }
  uint16_t type;
  if (dx_get_u16(t, off, &type)) {
    if (chdlc_known(type)) { /* Cisco */
      dx_add_item(p, fr, FL(F_CHDLCTYPE), t, off, 2);
      dx_tvb pl = dx_tvb_sub(t, off + 2, UINT32_MAX);
      if (!dx_dissect_table(p, DX_TABLE_ETHERTYPE, type, &pl, parent))
        dx_dissect_data(p, &pl, parent);
      return t->len;
    }
    /* RFC 2427 behind another control field, if a known NLPID follows */
    uint32_t at = off;
    uint8_t c = ctrl, nlpid;
    if (c == 0 && dx_get_u8(t, at + 1, &c))
      at++; /* a padding octet: the control field is the next */
    at += (c & 0x03) == 0x03 ? 1 : 2;
    if (dx_get_u8(t, at, &nlpid) && nlpid_known(nlpid)) {
      if (control(p, t, off, response, fr, &clen))
        dissect_nlpid(p, t, off + clen, fr, parent);
      return t->len;
    }
    /* a raw Ethernet frame? */
    uint16_t tl;
    if (dx_get_u16(t, off + 12, &tl) &&
        (tl <= 1500 || dx_val_name(dx_ethertype_vals, tl) != NULL) && dx_proto_eth.dissect) {
      /* it ends in its FCS (tshark hands it to eth_withfcs): the last 4
       * bytes are not the payload's, an 802.3 length past them is cut */
      dx_tvb et = rest.reported > 4 ? dx_tvb_sub(&rest, 0, rest.reported - 4) : rest;
      dx_proto_eth.dissect(p, &et, parent);
      return t->len;
    }
  }
  dx_dissect_data(p, &rest, parent);
  return t->len;
}

static const dx_reg fr_regs[] = {{DX_TABLE_LINKTYPE, 107}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_fr = {
    .name = "fr",
    .label = "Frame Relay",
    .fields = fr_fields,
    .nfields = DX_ARRAY_LEN(fr_fields),
    .dissect = dissect_fr,
    .regs = fr_regs,
};
