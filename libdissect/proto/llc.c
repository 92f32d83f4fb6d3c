/* IEEE 802.2 Logical Link Control and the SNAP extension (IEEE 802-2014
 * clause 10.5), as tshark 4.0 shows them: DSAP and SSAP (a 7-bit SAP and the
 * I/G or C/R bit), a control field of one byte (U format) or two (I and S
 * formats, extended operation: read little-endian, N(S) in the first byte,
 * N(R) in the second), and, when both SAPs are 0xAA, a 3-byte OUI and a
 * 2-byte protocol id. OUI 00-00-00 (RFC 1042) and 00-00-F8 (802.1H bridge
 * tunnel) carry an EtherType, dispatched through the EtherType table in
 * I and UI frames; the OUIs that tshark gives a PID field of their own
 * (Cisco's 00-00-0C: CDP, VTP, DTP, PVST+, UDLD...) show it under that
 * name. Payloads without a dissector here (CDP, STP BPDUs, NetBIOS, XID
 * information fields...) are data. Used under 802.11 data frames
 * (ieee80211.c) and IEEE 802.3 frames (eth.c). */
#include "../core/dx.h"

#include <stdio.h>

extern const dx_vals dx_ethertype_vals[];

enum {
  F_LLC,
  F_DSAP,
  F_DSAP_SAP,
  F_DSAP_IG,
  F_SSAP,
  F_SSAP_SAP,
  F_SSAP_CR,
  F_CONTROL,
  F_N_R,
  F_N_S,
  F_P,
  F_F,
  F_S_FTYPE,
  F_U_CMD,
  F_U_RESP,
  F_FTYPE,
  F_TYPE,
  F_OUI,
  F_PID,
  F_PID_EXTREME,
  F_PID_BLUETOOTH,
  F_PID_NORTEL,
  F_PID_FOUNDRY,
  F_PID_WLCCP,
  F_PID_FORCE10,
  F_PID_IANA,
  F_PID_CISCO,
  F_PID_ATALK,
  F_PID_CIMETRICS,
  F_PID_HPTEAM,
  F_PID_AWDL,
};

/* SAP names by the SAP's 7 bits (the I/G or C/R bit clear), as tshark 4.0
 * names them; the DSAP and SSAP fields look the whole byte up, so an odd
 * byte (a group DSAP, a response SSAP) has no name there. */
static const dx_vals sap_vals[] = {{0x00, "NULL LSAP"},
                                   {0x01, "NULL LSAP"},
                                   {0x02, "LLC Sub-Layer Management"},
                                   {0x04, "SNA Path Control"},
                                   {0x06, "TCP/IP"},
                                   {0x08, "SNA"},
                                   {0x0c, "SNA"},
                                   {0x0e, "PROWAY (IEC955) Network Management and Initialization"},
                                   {0x10, "NetWare (unofficial?)"},
                                   {0x14, "ISO Network Layer (OSLAN 1)"},
                                   {0x18, "Texas Instruments"},
                                   {0x20, "ISO Network Layer (unofficial?)"},
                                   {0x34, "ISO Network Layer (unofficial?)"},
                                   {0x42, "Spanning Tree BPDU"},
                                   {0x4e, "EIA RS-511 Manufacturing Message Service"},
                                   {0x54, "ISO Network Layer (OSLAN 2)"},
                                   {0x7e, "ISO 8208 (X.25 over 802.2)"},
                                   {0x7f, "ISO 802.2"},
                                   {0x80, "XNS"},
                                   {0x82, "BACnet"},
                                   {0x86, "Nestar"},
                                   {0x8e, "PROWAY (IEC955) Active Station List Maintenance"},
                                   {0x98, "ARP"},
                                   {0xaa, "SNAP"},
                                   {0xb4, "HP JetDirect Printer"},
                                   {0xba, "Banyan Vines"},
                                   {0xbc, "Banyan Vines"},
                                   {0xe0, "NetWare"},
                                   {0xf0, "NetBIOS"},
                                   {0xf4, "IBM Net Management"},
                                   {0xf8, "HP Extended LLC"},
                                   {0xfa, "Ungermann-Bass"},
                                   {0xfc, "Remote Program Load"},
                                   {0xfe, "ISO Network Layer"},
                                   {0xff, "Global LSAP"},
                                   {0, NULL}};
static const dx_vals ig_vals[] = {{0, "Individual"}, {1, "Group"}, {0, NULL}};
static const dx_vals cr_vals[] = {{0, "Command"}, {1, "Response"}, {0, NULL}};
static const dx_vals set_vals[] = {{0, "Not set"}, {1, "Set"}, {0, NULL}};
static const dx_vals ftype_vals[] = {
    {0, "Information frame"}, {1, "Supervisory frame"}, {3, "Unnumbered frame"}, {0, NULL}};
static const dx_vals stype_vals[] = {{0, "Receiver ready"},
                                     {1, "Receiver not ready"},
                                     {2, "Reject"},
                                     {3, "Selective reject"},
                                     {0, NULL}};

/* U-format modifiers: the control byte masked with 0xEC (P/F and the
 * format bits cleared). Short names for the summary, long ones (keyed by
 * the masked byte shifted right 2, the field's value) for the tree. */
static const dx_vals u_short_cmd[] = {
    {0x00, "UI"},    {0x20, "UP"},   {0x40, "DISC"},  {0x60, "UA"},    {0x80, "SNRM"},
    {0xcc, "SNRME"}, {0xe0, "TEST"}, {0x04, "SIM"},   {0x84, "FRMR"},  {0xc4, "CFGR"},
    {0x0c, "SARM"},  {0x2c, "SABM"}, {0x4c, "SARME"}, {0x6c, "SABME"}, {0x8c, "RESET"},
    {0xac, "XID"},   {0xec, "BCN"},  {0, NULL}};
static const dx_vals u_short_resp[] = {
    {0x00, "UI"},    {0x20, "UP"},    {0x40, "RD"},    {0x60, "UA"},    {0x80, "SNRM"},
    {0xe0, "TEST"},  {0x04, "RIM"},   {0x84, "FRMR"},  {0xc4, "CFGR"},  {0x0c, "DM"},
    {0x2c, "SABM"},  {0x4c, "SARME"}, {0x6c, "SABME"}, {0x8c, "RESET"}, {0xac, "XID"},
    {0xcc, "SNRME"}, {0xec, "BCN"},   {0, NULL}};
static const dx_vals u_cmd_vals[] = {{0x00, "Unnumbered Information"},
                                     {0x08, "Unnumbered Poll"},
                                     {0x10, "Disconnect"},
                                     {0x18, "Unnumbered Acknowledge"},
                                     {0x20, "Set Normal Response Mode"},
                                     {0x38, "Test"},
                                     {0x01, "Set Initialization Mode"},
                                     {0x21, "Frame reject"},
                                     {0x31, "Configure"},
                                     {0x03, "Set Asynchronous Response Mode"},
                                     {0x0b, "Set Asynchronous Balanced Mode"},
                                     {0x13, "Set Asynchronous Response Mode Extended"},
                                     {0x1b, "Set Asynchronous Balanced Mode Extended"},
                                     {0x23, "Reset"},
                                     {0x2b, "Exchange identification"},
                                     {0x33, "Set Normal Response Mode Extended"},
                                     {0x3b, "Beacon"},
                                     {0, NULL}};
static const dx_vals u_resp_vals[] = {{0x00, "Unnumbered Information"},
                                      {0x08, "Unnumbered Poll"},
                                      {0x10, "Request Disconnect"},
                                      {0x18, "Unnumbered Acknowledge"},
                                      {0x20, "Set Normal Response Mode"},
                                      {0x38, "Test"},
                                      {0x01, "Request Initialization Mode"},
                                      {0x21, "Frame reject"},
                                      {0x31, "Configure"},
                                      {0x03, "Disconnected mode"},
                                      {0x0b, "Set Asynchronous Balanced Mode"},
                                      {0x13, "Set Asynchronous Response Mode Extended"},
                                      {0x1b, "Set Asynchronous Balanced Mode Extended"},
                                      {0x23, "Reset"},
                                      {0x2b, "Exchange identification"},
                                      {0x33, "Set Normal Response Mode Extended"},
                                      {0x3b, "Beacon"},
                                      {0, NULL}};

/* PIDs of the OUIs that have a PID field of their own in tshark 4.0. */
static const dx_vals cisco_pid_vals[] = {{0x0102, "DRIP"},
                                         {0x0104, "PAgP"},
                                         {0x0105, "MLS Hello"},
                                         {0x0108, "RLQ BPDUs (request)"},
                                         {0x0109, "RLQ BPDUs (response)"},
                                         {0x010b, "PVSTP+"},
                                         {0x010c, "VLAN Bridge"},
                                         {0x0111, "UDLD"},
                                         {0x0139, "MCP"},
                                         {0x2000, "CDP"},
                                         {0x2001, "CGMP"},
                                         {0x2003, "VTP"},
                                         {0x2004, "DTP"},
                                         {0x200a, "STP Uplink Fast"},
                                         {0, NULL}};
static const dx_vals extreme_pid_vals[] = {{0x00bb, "EDP"}, {0, NULL}};
static const dx_vals bluetooth_pid_vals[] = {
    {0x0001, "AMP_U L2CAP ACL data"},         {0x0002, "AMP-C Activity Report"},
    {0x0003, "AMP-C Security frames"},        {0x0004, "AMP-C Link supervision request"},
    {0x0005, "AMP-C Link supervision reply"}, {0, NULL}};
static const dx_vals nortel_pid_vals[] = {{0x01a1, "NDP flatnet hello"},
                                          {0x01a2, "NDP segment hello"},
                                          {0x01a3, "NDP bridge hello"},
                                          {0, NULL}};
static const dx_vals foundry_pid_vals[] = {{0x2000, "FDP"}, {0, NULL}};
static const dx_vals force10_pid_vals[] = {{0x0111, "FEFD"}, {0, NULL}};
static const dx_vals atalk_pid_vals[] = {{0x809b, "AppleTalk"}, {0, NULL}};
static const dx_vals cimetrics_pid_vals[] = {{0x0001, "U+4 MS/TP"}, {0, NULL}};
static const dx_vals hpteam_pid_vals[] = {{0x0002, "HP Teaming heartbeat"}, {0, NULL}};
static const dx_vals awdl_pid_vals[] = {{0x0800, "AWDL"}, {0, NULL}};

static const dx_field llc_fields[] = {
    [F_LLC] = DX_F("llc", "Logical-Link Control", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_DSAP] = DX_FV("llc.dsap", "DSAP", DX_FT_UINT8, DX_BASE_HEX, sap_vals),
    /* tshark's BASE_CUSTOM: the value is the 7-bit SAP, the label names the
     * SAP it makes with a clear low bit (set by sap_label) */
    [F_DSAP_SAP] = DX_FM("llc.dsap.sap", "SAP", DX_FT_UINT8, DX_BASE_DEC, NULL, 0xfe, 8),
    [F_DSAP_IG] = DX_FM("llc.dsap.ig", "IG Bit", DX_FT_BOOL, DX_BASE_NONE, ig_vals, 0x01, 8),
    [F_SSAP] = DX_FV("llc.ssap", "SSAP", DX_FT_UINT8, DX_BASE_HEX, sap_vals),
    [F_SSAP_SAP] = DX_FM("llc.ssap.sap", "SAP", DX_FT_UINT8, DX_BASE_DEC, NULL, 0xfe, 8),
    [F_SSAP_CR] = DX_FM("llc.ssap.cr", "CR Bit", DX_FT_BOOL, DX_BASE_NONE, cr_vals, 0x01, 8),
    [F_CONTROL] = DX_F("llc.control", "Control", DX_FT_UINT16, DX_BASE_HEX),
    [F_N_R] = DX_FM("llc.control.n_r", "N(R)", DX_FT_UINT16, DX_BASE_DEC, NULL, 0xfe00, 16),
    [F_N_S] = DX_FM("llc.control.n_s", "N(S)", DX_FT_UINT16, DX_BASE_DEC, NULL, 0x00fe, 16),
    /* P/F: as in U frames (bit 4 of one byte); in the 2-byte I and S
     * control fields (bit 8) the label is written by bits_label */
    [F_P] = DX_FM("llc.control.p", "Poll", DX_FT_BOOL, DX_BASE_NONE, set_vals, 0x10, 8),
    [F_F] = DX_FM("llc.control.f", "Final", DX_FT_BOOL, DX_BASE_NONE, set_vals, 0x10, 8),
    [F_S_FTYPE] = DX_FM("llc.control.s_ftype", "Supervisory frame type", DX_FT_UINT16, DX_BASE_HEX,
                        stype_vals, 0x000c, 16),
    [F_U_CMD] = DX_FM("llc.control.u_modifier_cmd", "Command", DX_FT_UINT8, DX_BASE_HEX, u_cmd_vals,
                      0xec, 8),
    [F_U_RESP] = DX_FM("llc.control.u_modifier_resp", "Response", DX_FT_UINT8, DX_BASE_HEX,
                       u_resp_vals, 0xec, 8),
    /* tshark has three of it (8-bit mask 0x03 in U frames, 16-bit 0x0001
     * in I frames, 16-bit 0x0003 in S frames); one field here, the U one,
     * the I and S labels written by bits_label */
    [F_FTYPE] =
        DX_FM("llc.control.ftype", "Frame type", DX_FT_UINT8, DX_BASE_HEX, ftype_vals, 0x03, 8),
    [F_TYPE] = DX_FV("llc.type", "Type", DX_FT_UINT16, DX_BASE_HEX, dx_ethertype_vals),
    [F_OUI] = DX_F("llc.oui", "Organization Code", DX_FT_UINT24, DX_BASE_DEC),
    [F_PID] = DX_F("llc.pid", "Protocol ID", DX_FT_UINT16, DX_BASE_HEX),
    [F_PID_EXTREME] = DX_FV("llc.extreme_pid", "PID", DX_FT_UINT16, DX_BASE_HEX, extreme_pid_vals),
    [F_PID_BLUETOOTH] =
        DX_FV("llc.bluetooth_pid", "PID", DX_FT_UINT16, DX_BASE_HEX, bluetooth_pid_vals),
    [F_PID_NORTEL] = DX_FV("llc.nortel_pid", "PID", DX_FT_UINT16, DX_BASE_HEX, nortel_pid_vals),
    [F_PID_FOUNDRY] = DX_FV("llc.foundry_pid", "PID", DX_FT_UINT16, DX_BASE_HEX, foundry_pid_vals),
    [F_PID_WLCCP] = DX_FV("llc.wlccp_pid", "PID", DX_FT_UINT16, DX_BASE_HEX, cisco_pid_vals),
    [F_PID_FORCE10] = DX_FV("llc.force10_pid", "PID", DX_FT_UINT16, DX_BASE_HEX, force10_pid_vals),
    [F_PID_IANA] = DX_F("llc.iana_pid", "PID", DX_FT_UINT16, DX_BASE_HEX),
    [F_PID_CISCO] = DX_FV("llc.cisco_pid", "PID", DX_FT_UINT16, DX_BASE_HEX, cisco_pid_vals),
    [F_PID_ATALK] = DX_FV("llc.apple_atalk_pid", "PID", DX_FT_UINT16, DX_BASE_HEX, atalk_pid_vals),
    [F_PID_CIMETRICS] =
        DX_FV("llc.cimetrics_pid", "PID", DX_FT_UINT16, DX_BASE_HEX, cimetrics_pid_vals),
    [F_PID_HPTEAM] = DX_FV("llc.hpteam_pid", "PID", DX_FT_UINT16, DX_BASE_HEX, hpteam_pid_vals),
    [F_PID_AWDL] = DX_FV("llc.apple_awdl_pid", "PID", DX_FT_UINT16, DX_BASE_HEX, awdl_pid_vals),
};

#define FL(i) (&llc_fields[(i)])

/* The OUIs of the SNAP header: the manufacturer name tshark's label and
 * summary give them (its manuf file; a few, those met in SNAP headers),
 * and the PID field of the OUIs that have one. */
static const struct oui_info {
  uint32_t oui;
  const char *name;
  int pid_field; /* F_PID: the generic one */
} ouis[] = {
    {0x000000, "Officially Xerox, but 0:0:0:0:0:0 is more common", F_PID},
    {0x00000c, "Cisco Systems, Inc", F_PID_CISCO},
    {0x00005e, "ICANN, IANA Department", F_PID_IANA},
    {0x000081, "Bay Networks", F_PID_NORTEL},
    {0x0000f8, "Digital Equipment Corporation", F_PID},
    {0x0001e8, "Force10 Networks, Inc.", F_PID_FORCE10},
    {0x001090, "Cimetrics, Inc.", F_PID_CIMETRICS},
    {0x0017f2, "Apple, Inc.", F_PID_AWDL},
    {0x001958, "Bluetooth SIG, Inc.", F_PID_BLUETOOTH},
    {0x004096, "Cisco Systems, Inc", F_PID_WLCCP},
    {0x00805f, "Hewlett Packard", F_PID_HPTEAM},
    {0x0080c2, "IEEE", F_PID},
    {0x00e02b, "Extreme Networks Headquarters", F_PID_EXTREME},
    {0x00e052, "Brocade Communications Systems LLC", F_PID_FOUNDRY},
    {0x080007, "Apple, Inc.", F_PID_ATALK},
};

static const struct oui_info *oui_find(uint32_t oui) {
  for (size_t i = 0; i < DX_ARRAY_LEN(ouis); i++)
    if (ouis[i].oui == oui)
      return &ouis[i];
  return NULL;
}

void dx_oui_label(dx_packet *p, dx_node *n, uint32_t oui) {
  if (!dx_label_wanted(p, n))
    return;
  /* tshark 4.0's BASE_OUI text: the name in at most 31 characters
   * ("00:00:f8 (Digital Equipment Cor"), no name when it has none */
  const struct oui_info *oi = oui_find(oui);
  char ot[32];
  if (oi)
    snprintf(ot, sizeof ot, "%02x:%02x:%02x (%s)", oui >> 16, (oui >> 8) & 0xff, oui & 0xff,
             oi->name);
  else
    snprintf(ot, sizeof ot, "%02x:%02x:%02x", oui >> 16, (oui >> 8) & 0xff, oui & 0xff);
  dx_node_set_text(p, n, "Organization Code: %s", ot);
}

/* "0011 000. .... ...." for the bits `mask` of a `width`-bit value (cap:
 * at least width + width / 4 bytes). */
static void bits_label(char *out, size_t cap, uint32_t raw, uint32_t mask, unsigned width) {
  size_t k = 0;
  for (unsigned i = 0; i < width && k + 2 < cap; i++) {
    unsigned bit = width - 1 - i;
    if (i && i % 4 == 0)
      out[k++] = ' ';
    out[k++] = (mask >> bit) & 1 ? ((raw >> bit) & 1 ? '1' : '0') : '.';
  }
  out[k] = '\0';
}

/* The SAP subfield: the 7-bit value, labelled with its bits and the name of
 * the SAP with its low bit clear ("1010 101. = SAP: SNAP"). */
static void add_sap(dx_packet *p, dx_node *parent, int f, const dx_tvb *t, uint32_t off,
                    uint8_t sap) {
  dx_node *n = dx_add_uint(p, parent, FL(f), t, off, 1, sap >> 1);
  if (dx_label_wanted(p, n)) {
    char b[16];
    bits_label(b, sizeof b, sap, 0xfe, 8);
    dx_node_set_text(p, n, "%s = SAP: %s", b, dx_val_name_def(sap_vals, sap & 0xfe, "Unknown"));
  }
}

/* A subfield of the control field whose label is written here: a named
 * value in hex as wide as its mask ("Frame type: Unnumbered frame (0x3)",
 * as tshark writes it; the generic label pads it to the type's width), or
 * a flag ("Poll: Set"), over the `width` bits of the control field (the
 * 16-bit one of I and S frames where F_FTYPE and F_P are defined as the U
 * frames' 8). */
static void add_bits(dx_packet *p, dx_node *parent, int f, const dx_tvb *t, uint16_t ctrl,
                     uint32_t mask, unsigned width, uint64_t v, const char *name) {
  dx_node *n = dx_add_uint(p, parent, FL(f), t, 2, width / 8, v);
  if (dx_label_wanted(p, n)) {
    char b[24];
    bits_label(b, sizeof b, ctrl, mask, width);
    if (FL(f)->type == DX_FT_BOOL)
      dx_node_set_text(p, n, "%s = %s: %s", b, FL(f)->label, name);
    else
      dx_node_set_text(p, n, "%s = %s: %s (0x%x)", b, FL(f)->label, name, (unsigned)v);
  }
}

/* The control field at offset 2 (its bytes checked by the caller): the
 * node, the summary ("I, N(R)=24, N(S)=52", "S P, func=RR, N(R)=2",
 * "U, func=UI"). */
static void dissect_control(dx_packet *p, dx_node *l, const dx_tvb *t, uint16_t ctrl, uint32_t clen,
                            bool resp) {
  char info[80];
  const char *pf = "";
  if (clen == 2) {
    bool pfb = (ctrl & 0x0100) != 0;
    unsigned nr = (ctrl & 0xfe00) >> 9;
    if ((ctrl & 3) == 1) { /* S */
      static const char *const sfunc[] = {"RR", "RNR", "REJ", "SREJ"};
      pf = pfb ? (resp ? " F" : " P") : "";
      snprintf(info, sizeof info, "S%s, func=%s, N(R)=%u", pf, sfunc[(ctrl >> 2) & 3], nr);
    } else {
      snprintf(info, sizeof info, "I%s, N(R)=%u, N(S)=%u", pfb ? " P" : "", nr,
               (unsigned)(ctrl & 0x00fe) >> 1);
    }
    dx_col_info_set(p, "%s", info);
    dx_node *c = dx_add_uint(p, l, FL(F_CONTROL), t, 2, 2, ctrl);
    dx_node_set_text(p, c, "Control field: %s (0x%04X)", info, ctrl);
    dx_add_uint(p, c, FL(F_N_R), t, 2, 2, nr);
    if ((ctrl & 3) == 1) {
      if (pfb)
        add_bits(p, c, resp ? F_F : F_P, t, ctrl, 0x0100, 16, 1, "Set");
      add_bits(p, c, F_S_FTYPE, t, ctrl, 0x000c, 16, (ctrl >> 2) & 3,
               dx_val_name(stype_vals, (ctrl >> 2) & 3));
      add_bits(p, c, F_FTYPE, t, ctrl, 0x0003, 16, 1, "Supervisory frame");
    } else {
      dx_add_uint(p, c, FL(F_N_S), t, 2, 2, (ctrl & 0x00fe) >> 1);
      if (pfb)
        add_bits(p, c, F_P, t, ctrl, 0x0100, 16, 1, "Set");
      add_bits(p, c, F_FTYPE, t, ctrl, 0x0001, 16, 0, "Information frame");
    }
    return;
  }
  bool pfb = (ctrl & 0x10) != 0;
  pf = pfb ? (resp ? " F" : " P") : "";
  const char *func = dx_val_name_def(resp ? u_short_resp : u_short_cmd, ctrl & 0xec, "Unknown");
  snprintf(info, sizeof info, "U%s, func=%s", pf, func);
  dx_col_info_set(p, "%s", info);
  dx_node *c = dx_add_uint(p, l, FL(F_CONTROL), t, 2, 1, ctrl);
  dx_node_set_text(p, c, "Control field: %s (0x%02X)", info, ctrl);
  if (pfb)
    dx_add_uint(p, c, FL(resp ? F_F : F_P), t, 2, 1, 1);
  dx_add_uint(p, c, FL(resp ? F_U_RESP : F_U_CMD), t, 2, 1, (ctrl & 0xec) >> 2);
  add_bits(p, c, F_FTYPE, t, ctrl, 0x03, 8, 3, "Unnumbered frame");
}

/* I frames and UI frames carry information for the layer above (tshark's
 * XDLC_IS_INFORMATION); other U and S frames do not. */
static bool is_information(uint16_t ctrl) {
  return (ctrl & 1) == 0 || (ctrl & 0xef) == 0x03;
}

extern const dx_protocol dx_proto_stp;

static uint32_t dissect_llc(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  dx_node *l = dx_add_proto(p, parent, FL(F_LLC), t, 0, t->len);
  dx_col_set_proto(p, "LLC");
  dx_col_info_clear(p);
  uint8_t dsap, ssap, c0;
  if (!dx_get_u8(t, 0, &dsap) || !dx_get_u8(t, 1, &ssap) || !dx_get_u8(t, 2, &c0)) {
    if (dx_get_u8(t, 0, &dsap)) {
      dx_node *d = dx_add_item(p, l, FL(F_DSAP), t, 0, 1);
      add_sap(p, d, F_DSAP_SAP, t, 0, dsap);
      dx_add_item(p, d, FL(F_DSAP_IG), t, 0, 1);
    }
    if (dx_get_u8(t, 1, &ssap)) {
      dx_node *s = dx_add_item(p, l, FL(F_SSAP), t, 1, 1);
      add_sap(p, s, F_SSAP_SAP, t, 1, ssap);
      dx_add_item(p, s, FL(F_SSAP_CR), t, 1, 1);
    }
    dx_mark_truncated(p, l, "LLC header needs 3 bytes");
    return t->len;
  }
  dx_node *d = dx_add_item(p, l, FL(F_DSAP), t, 0, 1);
  add_sap(p, d, F_DSAP_SAP, t, 0, dsap);
  dx_add_item(p, d, FL(F_DSAP_IG), t, 0, 1);
  dx_node *s = dx_add_item(p, l, FL(F_SSAP), t, 1, 1);
  add_sap(p, s, F_SSAP_SAP, t, 1, ssap);
  dx_add_item(p, s, FL(F_SSAP_CR), t, 1, 1);
  bool resp = (ssap & 1) != 0;
  uint32_t clen = (c0 & 3) == 3 ? 1 : 2; /* U format: 1 byte; I and S: 2 */
  uint16_t ctrl = c0;
  if (clen == 2 && !dx_get_u16_le(t, 2, &ctrl)) {
    dx_mark_truncated(p, l, "LLC control field needs 2 bytes");
    return t->len;
  }
  dissect_control(p, l, t, ctrl, clen, resp);
  uint32_t off = 2 + clen;
  bool snap = dsap == 0xaa && ssap == 0xaa;
  dx_node_set_len(l, snap ? off + 5 : off);
  if (snap) {
    uint32_t oui;
    uint16_t pid;
    if (!dx_get_u24(t, off, &oui) || !dx_get_u16(t, off + 3, &pid)) {
      dx_node_set_len(l, t->len);
      dx_mark_truncated(p, l, "SNAP header needs 5 bytes");
      return t->len;
    }
    const struct oui_info *oi = oui_find(oui);
    dx_col_info_append(p, "; SNAP, OUI 0x%06X (%s), PID 0x%04X", oui, oi ? oi->name : "Unknown",
                       pid);
    dx_node *o = dx_add_uint(p, l, FL(F_OUI), t, off, 3, oui);
    dx_oui_label(p, o, oui);
    dx_tvb pl = dx_tvb_sub(t, off + 5, UINT32_MAX);
    if (oui == 0x000000 || oui == 0x0000f8) {
      if (is_information(ctrl)) {
        dx_add_uint(p, l, FL(F_TYPE), t, off + 3, 2, pid);
        if (dx_dissect_table(p, DX_TABLE_ETHERTYPE, pid, &pl, parent) != 0)
          return t->len;
      }
    } else {
      dx_add_uint(p, l, FL(oi ? oi->pid_field : F_PID), t, off + 3, 2, pid);
    }
    if (pl.len)
      dx_dissect_data(p, &pl, parent);
    return t->len;
  }
  dx_col_info_append(p, "; DSAP ");
  const char *dn = dx_val_name(sap_vals, dsap & 0xfe), *sn = dx_val_name(sap_vals, ssap & 0xfe);
  if (dn)
    dx_col_info_append(p, "%s", dn);
  else
    dx_col_info_append(p, "0x%02x", dsap & 0xfe);
  dx_col_info_append(p, " %s, SSAP ", dsap & 1 ? "Group" : "Individual");
  if (sn)
    dx_col_info_append(p, "%s", sn);
  else
    dx_col_info_append(p, "0x%02x", ssap & 0xfe);
  dx_col_info_append(p, " %s", resp ? "Response" : "Command");
  dx_tvb pl = dx_tvb_sub(t, off, UINT32_MAX);
  /* of the SAPs tshark hands on, the one that leads to a dissector here:
   * 0x06, IPv4 */
  if (pl.len && dsap == 0x06 && is_information(ctrl) &&
      dx_dissect_table(p, DX_TABLE_ETHERTYPE, 0x0800, &pl, parent) != 0)
    return t->len;
  /* 0x42: Spanning Tree BPDUs (stp.c) */
  if ((pl.len || pl.reported) && dsap == 0x42 && is_information(ctrl)) {
    uint32_t took = dx_proto_stp.dissect(p, &pl, parent);
    if (took < pl.len) {
      dx_tvb rest = dx_tvb_sub(&pl, took, UINT32_MAX);
      dx_dissect_data(p, &rest, parent);
    }
    return t->len;
  }
  if (pl.len)
    dx_dissect_data(p, &pl, parent);
  return t->len;
}

const dx_protocol dx_proto_llc = {
    .name = "llc",
    .label = "Logical-Link Control",
    .fields = llc_fields,
    .nfields = DX_ARRAY_LEN(llc_fields),
    .dissect = dissect_llc,
};
