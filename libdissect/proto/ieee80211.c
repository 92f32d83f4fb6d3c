/* IEEE 802.11 MAC frames (IEEE 802.11-2020 clause 9): LINKTYPE_IEEE802_11
 * (105) on its own, and after a radiotap header (radiotap.c).
 *
 * The frame control (2 bytes: version/type/subtype, then flags), duration,
 * one to four addresses whose meaning depends on the type and the To/From
 * DS bits (table 9-30), sequence control, QoS control and HT control where
 * the subtype and the Order bit say so. Management frames: the fixed
 * parameters of their subtype and the tagged parameters (elements: SSID,
 * rates, DS parameter set, others by number and length). Data frames go
 * through LLC/SNAP (llc.c) to IP, IPv6, ARP; protected frames are marked
 * (wlan.fc.protected) and their body shown as data, after the WEP or
 * CCMP/TKIP IV. Summary: protocol "802.11", Info as tshark's ("Beacon
 * frame, SN=.., FN=.., Flags=........, BI=.., SSID=...").
 *
 * Multi-byte fields of 802.11 are little-endian; wlan.fc is shown as
 * tshark shows it, the two bytes read big-endian. */
#include "../core/dx.h"

#include <stdio.h>

enum {
  F_WLAN,
  F_TYPE_SUBTYPE,
  F_FC,
  F_FC_VERSION,
  F_FC_TYPE,
  F_FC_SUBTYPE,
  F_FLAGS,
  F_FC_DS,
  F_FC_TODS,
  F_FC_FROMDS,
  F_FC_FRAG,
  F_FC_RETRY,
  F_FC_PWRMGT,
  F_FC_MOREDATA,
  F_FC_PROTECTED,
  F_FC_ORDER,
  F_DURATION,
  F_RA,
  F_DA,
  F_TA,
  F_SA,
  F_BSSID,
  F_ADDR,
  F_FRAG,
  F_SEQ,
  F_QOS,
  F_QOS_TID,
  F_QOS_PRIORITY,
  F_HTC,
  F_FCS,
  F_WEP_IV,
  F_WEP_KEY,
  F_CCMP_EXTIV,
  F_MGT,
  F_FIXED_ALL,
  F_FIXED_TIMESTAMP,
  F_FIXED_BEACON,
  F_FIXED_CAPABILITIES,
  F_FIXED_LISTEN,
  F_FIXED_CURRENT_AP,
  F_FIXED_STATUS,
  F_FIXED_AID,
  F_FIXED_REASON,
  F_FIXED_AUTH_ALG,
  F_FIXED_AUTH_SEQ,
  F_FIXED_CATEGORY,
  F_TAGGED_ALL,
  F_TAG,
  F_TAG_NUMBER,
  F_TAG_LENGTH,
  F_SSID,
  F_RATES,
  F_EXT_RATES,
  F_DS_CHANNEL,
  F_TAG_DATA,
};

static const dx_vals type_vals[] = {
    {0, "Management frame"}, {1, "Control frame"}, {2, "Data frame"}, {3, "Extension"}, {0, NULL}};

static const dx_vals type_subtype_vals[] = {{0x00, "Association Request"},
                                            {0x01, "Association Response"},
                                            {0x02, "Reassociation Request"},
                                            {0x03, "Reassociation Response"},
                                            {0x04, "Probe Request"},
                                            {0x05, "Probe Response"},
                                            {0x06, "Measurement Pilot"},
                                            {0x08, "Beacon frame"},
                                            {0x09, "ATIM"},
                                            {0x0a, "Disassociate"},
                                            {0x0b, "Authentication"},
                                            {0x0c, "Deauthentication"},
                                            {0x0d, "Action"},
                                            {0x0e, "Action No Ack"},
                                            {0x0f, "Aruba Management"},
                                            {0x12, "Trigger"},
                                            {0x14, "Beamforming Report Poll"},
                                            {0x15, "VHT/HE NDP Announcement"},
                                            {0x16, "Control Frame Extension"},
                                            {0x17, "Control Wrapper"},
                                            {0x18, "802.11 Block Ack Req"},
                                            {0x19, "802.11 Block Ack"},
                                            {0x1a, "Power-Save poll"},
                                            {0x1b, "Request-to-send"},
                                            {0x1c, "Clear-to-send"},
                                            {0x1d, "Acknowledgement"},
                                            {0x1e, "CF-End (Control-frame)"},
                                            {0x1f, "CF-End + CF-Ack (Control-frame)"},
                                            {0x20, "Data"},
                                            {0x21, "Data + CF-Ack"},
                                            {0x22, "Data + CF-Poll"},
                                            {0x23, "Data + CF-Ack + CF-Poll"},
                                            {0x24, "Null function (No data)"},
                                            {0x25, "Acknowledgement (No data)"},
                                            {0x26, "CF-poll (No data)"},
                                            {0x27, "CF-ack/poll (No data)"},
                                            {0x28, "QoS Data"},
                                            {0x29, "QoS Data + CF-Acknowledgment"},
                                            {0x2a, "QoS Data + CF-Poll"},
                                            {0x2b, "QoS Data + CF-Ack + CF-Poll"},
                                            {0x2c, "QoS Null function (No data)"},
                                            {0x2e, "QoS CF-Poll (No Data)"},
                                            {0x2f, "QoS CF-Ack + CF-Poll (No data)"},
                                            {0x30, "DMG Beacon"},
                                            {0, NULL}};

static const dx_vals ds_vals[] = {
    {0, "Not leaving DS or network is operating in AD-HOC mode (To DS: 0 From DS: 0)"},
    {1, "Frame from STA to DS via an AP (To DS: 1 From DS: 0)"},
    {2, "Frame from DS to a STA via AP(To DS: 0 From DS: 1)"},
    {3, "WDS (AP to AP) or Mesh (MP to MP) Frame (To DS: 1 From DS: 1)"},
    {0, NULL}};

static const dx_vals tag_vals[] = {{0, "SSID parameter set"},
                                   {1, "Supported Rates"},
                                   {3, "DS Parameter set"},
                                   {4, "CF Parameter set"},
                                   {5, "Traffic Indication Map (TIM)"},
                                   {6, "IBSS Parameter set"},
                                   {7, "Country Information"},
                                   {11, "QBSS Load Element"},
                                   {16, "Challenge text"},
                                   {32, "Power Constraint"},
                                   {33, "Power Capability"},
                                   {35, "TPC Report Transmit Power"},
                                   {36, "Supported Channels"},
                                   {37, "Channel Switch Announcement"},
                                   {42, "ERP Information"},
                                   {45, "HT Capabilities (802.11n D1.10)"},
                                   {46, "QoS Capability"},
                                   {48, "RSN Information"},
                                   {50, "Extended Supported Rates"},
                                   {54, "Mobility Domain"},
                                   {59, "Supported Operating Classes"},
                                   {61, "HT Information (802.11n D1.10)"},
                                   {70, "RM Enabled Capabilities"},
                                   {74, "Overlapping BSS Scan Parameters"},
                                   {107, "Interworking"},
                                   {113, "Mesh Configuration"},
                                   {114, "Mesh ID"},
                                   {127, "Extended Capabilities"},
                                   {191, "VHT Capabilities"},
                                   {192, "VHT Operation"},
                                   {221, "Vendor Specific"},
                                   {255, "Element ID Extension"},
                                   {0, NULL}};

static const dx_vals fc_frag_vals[] = {
    {0, "This is the last fragment"}, {1, "More fragments follow"}, {0, NULL}};
static const dx_vals fc_retry_vals[] = {
    {0, "Frame is not being retransmitted"}, {1, "Frame is being retransmitted"}, {0, NULL}};
static const dx_vals fc_pwr_vals[] = {
    {0, "STA will stay up"}, {1, "STA will go to sleep"}, {0, NULL}};
static const dx_vals fc_more_vals[] = {
    {0, "No data buffered"}, {1, "Data is buffered for STA at AP"}, {0, NULL}};
static const dx_vals fc_prot_vals[] = {
    {0, "Data is not protected"}, {1, "Data is protected"}, {0, NULL}};
static const dx_vals fc_order_vals[] = {
    {0, "Not strictly ordered"}, {1, "Strictly ordered"}, {0, NULL}};
static const dx_vals tf_vals[] = {{0, "False"}, {1, "True"}, {0, NULL}};

#define FLAGBIT(abbr, lbl, v, m) DX_FM(abbr, lbl, DX_FT_BOOL, DX_BASE_NONE, v, m, 8)

static const dx_field wlan_fields[] = {
    [F_WLAN] = DX_F("wlan", "IEEE 802.11 wireless LAN", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_TYPE_SUBTYPE] =
        DX_FV("wlan.fc.type_subtype", "Type/Subtype", DX_FT_UINT16, DX_BASE_HEX, type_subtype_vals),
    [F_FC] = DX_F("wlan.fc", "Frame Control Field", DX_FT_UINT16, DX_BASE_HEX),
    [F_FC_VERSION] = DX_FM("wlan.fc.version", "Version", DX_FT_UINT8, DX_BASE_DEC, NULL, 0x03, 8),
    [F_FC_TYPE] = DX_FM("wlan.fc.type", "Type", DX_FT_UINT8, DX_BASE_DEC, type_vals, 0x0c, 8),
    [F_FC_SUBTYPE] = DX_FM("wlan.fc.subtype", "Subtype", DX_FT_UINT8, DX_BASE_DEC, NULL, 0xf0, 8),
    [F_FLAGS] = DX_F("wlan.flags", "Flags", DX_FT_UINT8, DX_BASE_HEX),
    [F_FC_DS] = DX_FM("wlan.fc.ds", "DS status", DX_FT_UINT8, DX_BASE_HEX, ds_vals, 0x03, 8),
    [F_FC_TODS] = FLAGBIT("wlan.fc.tods", "To DS", tf_vals, 0x01),
    [F_FC_FROMDS] = FLAGBIT("wlan.fc.fromds", "From DS", tf_vals, 0x02),
    [F_FC_FRAG] = FLAGBIT("wlan.fc.frag", "More Fragments", fc_frag_vals, 0x04),
    [F_FC_RETRY] = FLAGBIT("wlan.fc.retry", "Retry", fc_retry_vals, 0x08),
    [F_FC_PWRMGT] = FLAGBIT("wlan.fc.pwrmgt", "PWR MGT", fc_pwr_vals, 0x10),
    [F_FC_MOREDATA] = FLAGBIT("wlan.fc.moredata", "More Data", fc_more_vals, 0x20),
    [F_FC_PROTECTED] = FLAGBIT("wlan.fc.protected", "Protected flag", fc_prot_vals, 0x40),
    [F_FC_ORDER] = FLAGBIT("wlan.fc.order", "+HTC/Order flag", fc_order_vals, 0x80),
    [F_DURATION] = DX_FM("wlan.duration", "Duration", DX_FT_UINT16, DX_BASE_DEC, NULL, 0x7fff, 16),
    [F_RA] = DX_F("wlan.ra", "Receiver address", DX_FT_ETHER, DX_BASE_NONE),
    [F_DA] = DX_F("wlan.da", "Destination address", DX_FT_ETHER, DX_BASE_NONE),
    [F_TA] = DX_F("wlan.ta", "Transmitter address", DX_FT_ETHER, DX_BASE_NONE),
    [F_SA] = DX_F("wlan.sa", "Source address", DX_FT_ETHER, DX_BASE_NONE),
    [F_BSSID] = DX_F("wlan.bssid", "BSS Id", DX_FT_ETHER, DX_BASE_NONE),
    [F_ADDR] = DX_F("wlan.addr", "Hardware address", DX_FT_ETHER, DX_BASE_NONE),
    [F_FRAG] = DX_FM("wlan.frag", "Fragment number", DX_FT_UINT16, DX_BASE_DEC, NULL, 0x000f, 16),
    [F_SEQ] = DX_FM("wlan.seq", "Sequence number", DX_FT_UINT16, DX_BASE_DEC, NULL, 0xfff0, 16),
    [F_QOS] = DX_F("wlan.qos", "Qos Control", DX_FT_UINT16, DX_BASE_HEX),
    [F_QOS_TID] = DX_FM("wlan.qos.tid", "TID", DX_FT_UINT16, DX_BASE_DEC, NULL, 0x000f, 16),
    [F_QOS_PRIORITY] =
        DX_FM("wlan.qos.priority", "Priority", DX_FT_UINT16, DX_BASE_DEC, NULL, 0x0007, 16),
    [F_HTC] = DX_F("wlan.htc", "HT Control (+HTC)", DX_FT_UINT32, DX_BASE_HEX),
    [F_FCS] = DX_F("wlan.fcs", "Frame check sequence", DX_FT_UINT32, DX_BASE_HEX),
    [F_WEP_IV] = DX_F("wlan.wep.iv", "Initialization Vector", DX_FT_UINT24, DX_BASE_HEX),
    [F_WEP_KEY] = DX_F("wlan.wep.key", "Key Index", DX_FT_UINT8, DX_BASE_DEC),
    [F_CCMP_EXTIV] =
        DX_F("wlan.ccmp.extiv", "CCMP Ext. Initialization Vector", DX_FT_STRING, DX_BASE_NONE),
    [F_MGT] = DX_F("wlan.mgt", "IEEE 802.11 Wireless Management", DX_FT_NONE, DX_BASE_NONE),
    [F_FIXED_ALL] = DX_F("wlan.fixed.all", "Fixed parameters", DX_FT_NONE, DX_BASE_NONE),
    [F_FIXED_TIMESTAMP] = DX_F("wlan.fixed.timestamp", "Timestamp", DX_FT_UINT64, DX_BASE_DEC),
    [F_FIXED_BEACON] = DX_F("wlan.fixed.beacon", "Beacon Interval", DX_FT_UINT32, DX_BASE_DEC),
    [F_FIXED_CAPABILITIES] =
        DX_F("wlan.fixed.capabilities", "Capabilities Information", DX_FT_UINT16, DX_BASE_HEX),
    [F_FIXED_LISTEN] = DX_F("wlan.fixed.listen_ival", "Listen Interval", DX_FT_UINT16, DX_BASE_HEX),
    [F_FIXED_CURRENT_AP] = DX_F("wlan.fixed.current_ap", "Current AP", DX_FT_ETHER, DX_BASE_NONE),
    [F_FIXED_STATUS] = DX_F("wlan.fixed.status_code", "Status code", DX_FT_UINT16, DX_BASE_HEX),
    [F_FIXED_AID] =
        DX_FM("wlan.fixed.aid", "Association ID", DX_FT_UINT16, DX_BASE_HEX, NULL, 0x3fff, 16),
    [F_FIXED_REASON] = DX_F("wlan.fixed.reason_code", "Reason code", DX_FT_UINT16, DX_BASE_HEX),
    [F_FIXED_AUTH_ALG] =
        DX_F("wlan.fixed.auth.alg", "Authentication Algorithm", DX_FT_UINT16, DX_BASE_DEC),
    [F_FIXED_AUTH_SEQ] =
        DX_F("wlan.fixed.auth_seq", "Authentication SEQ", DX_FT_UINT16, DX_BASE_HEX),
    [F_FIXED_CATEGORY] =
        DX_F("wlan.fixed.category_code", "Category code", DX_FT_UINT16, DX_BASE_DEC),
    [F_TAGGED_ALL] = DX_F("wlan.tagged.all", "Tagged parameters", DX_FT_NONE, DX_BASE_NONE),
    [F_TAG] = DX_F("wlan.tag", "Tag", DX_FT_NONE, DX_BASE_NONE),
    [F_TAG_NUMBER] = DX_FV("wlan.tag.number", "Tag Number", DX_FT_UINT8, DX_BASE_DEC, tag_vals),
    [F_TAG_LENGTH] = DX_F("wlan.tag.length", "Tag length", DX_FT_UINT32, DX_BASE_DEC),
    [F_SSID] = DX_F("wlan.ssid", "SSID", DX_FT_BYTES, DX_BASE_NONE),
    [F_RATES] = DX_F("wlan.supported_rates", "Supported Rates", DX_FT_UINT8, DX_BASE_HEX),
    [F_EXT_RATES] =
        DX_F("wlan.extended_supported_rates", "Extended Supported Rates", DX_FT_UINT8, DX_BASE_HEX),
    [F_DS_CHANNEL] = DX_F("wlan.ds.current_channel", "Current Channel", DX_FT_UINT8, DX_BASE_DEC),
    [F_TAG_DATA] = DX_F("wlan.tag.data", "Tag interpretation", DX_FT_BYTES, DX_BASE_NONE),
};

#define FL(i) (&wlan_fields[(i)])

extern const dx_protocol dx_proto_llc;

/* An address field: the named node, and a hidden wlan.addr. */
static void add_addr(dx_packet *p, dx_node *w, const dx_tvb *t, uint32_t off, int f, bool addr) {
  if (!dx_tvb_has(t, off, 6))
    return;
  dx_add_item(p, w, FL(f), t, off, 6);
  if (addr) {
    dx_node *h = dx_add_item(p, w, FL(F_ADDR), t, off, 6);
    dx_node_set_flags(h, DX_NODE_HIDDEN);
  }
}

/* True if n or a node below it is marked truncated or malformed. */
static bool marked_below(const dx_node *n) {
  if (!n || (n->flags & (DX_NODE_TRUNCATED | DX_NODE_MALFORMED)))
    return true;
  for (const dx_node *c = n->first_child; c; c = c->next)
    if (marked_below(c))
      return true;
  return false;
}

/* Link-layer source and destination (the columns), if both are there. */
static void set_dl(dx_packet *p, const dx_tvb *t, uint32_t src, uint32_t dst) {
  if (!dx_tvb_has(t, src, 6) || !dx_tvb_has(t, dst, 6))
    return;
  dx_addr_set(&p->dl_src, DX_AT_ETHER, t->data + src);
  dx_addr_set(&p->dl_dst, DX_AT_ETHER, t->data + dst);
  dx_col_set_addr(p, &p->dl_src, &p->dl_dst);
}

/* SSID for the Info column: printable ASCII as it is, other bytes escaped. */
static void info_ssid(dx_packet *p, const uint8_t *s, uint32_t n) {
  if (n == 0) {
    dx_col_info_append(p, ", SSID=Wildcard (Broadcast)");
    return;
  }
  char buf[33 * 4 + 1];
  dx_escape(s, n > 32 ? 32 : n, buf, sizeof buf);
  dx_col_info_append(p, ", SSID=\"%s\"", buf);
}

/* The tagged parameters from off to the end of t. */
static void tagged(dx_packet *p, dx_node *mgt, const dx_tvb *t, uint32_t off) {
  if (off >= t->len)
    return;
  dx_node *all = dx_add_none(p, mgt, FL(F_TAGGED_ALL), t, off, t->len - off);
  dx_node_set_text(p, all, "Tagged parameters (%u bytes)", t->len - off);
  /* Each step consumes at least 2 bytes. */
  while (off < t->len) {
    uint8_t num, len;
    if (!dx_get_u8(t, off, &num) || !dx_get_u8(t, off + 1, &len)) {
      dx_node *tg = dx_add_none(p, all, FL(F_TAG), t, off, t->len - off);
      dx_add_item(p, tg, FL(F_TAG_NUMBER), t, off, 1);
      dx_mark_truncated(p, tg, "tag length missing");
      return;
    }
    const char *name = dx_val_name_def(tag_vals, num, "Reserved");
    dx_node *tg = dx_add_none(p, all, FL(F_TAG), t, off, 2u + len);
    dx_node_set_text(p, tg, "Tag: %s", name);
    dx_add_item(p, tg, FL(F_TAG_NUMBER), t, off, 1);
    dx_add_uint(p, tg, FL(F_TAG_LENGTH), t, off + 1, 1, len);
    uint32_t v = off + 2;
    if (!dx_tvb_has(t, v, len)) {
      if (v + len <= t->reported) /* there on the wire, not in the capture */
        dx_mark_truncated(p, tg, "tag cut short");
      else
        dx_mark_malformed(p, tg, "Tag length %u too large", len);
      return;
    }
    switch (num) {
    case 0: {
      dx_add_item(p, tg, FL(F_SSID), t, v, len);
      char buf[33 * 4 + 1];
      dx_escape(t->data + v, len > 32 ? 32 : len, buf, sizeof buf);
      dx_node_set_text(p, tg, "Tag: SSID parameter set: %s", len ? buf : "Wildcard SSID");
      break;
    }
    case 1:
    case 50:
      for (uint32_t i = 0; i < len; i++)
        dx_add_item(p, tg, FL(num == 1 ? F_RATES : F_EXT_RATES), t, v + i, 1);
      break;
    case 3:
      if (len >= 1) {
        dx_add_item(p, tg, FL(F_DS_CHANNEL), t, v, 1);
        dx_node_set_text(p, tg, "Tag: DS Parameter set: Current Channel: %u", t->data[v]);
      }
      break;
    default:
      if (len)
        dx_add_item(p, tg, FL(F_TAG_DATA), t, v, len);
      break;
    }
    off = v + len;
  }
}

/* The fixed parameters of management subtype st; returns where the tagged
 * parameters start, or UINT32_MAX if the fixed part is cut short. */
static uint32_t fixed(dx_packet *p, dx_node *mgt, const dx_tvb *t, unsigned st) {
  static const struct {
    uint8_t len;
    int f[3];
  } fx[16] = {
      [0] = {4, {F_FIXED_CAPABILITIES, F_FIXED_LISTEN, 0}},
      [1] = {6, {F_FIXED_CAPABILITIES, F_FIXED_STATUS, F_FIXED_AID}},
      [2] = {10, {F_FIXED_CAPABILITIES, F_FIXED_LISTEN, F_FIXED_CURRENT_AP}},
      [3] = {6, {F_FIXED_CAPABILITIES, F_FIXED_STATUS, F_FIXED_AID}},
      [5] = {12, {F_FIXED_TIMESTAMP, F_FIXED_BEACON, F_FIXED_CAPABILITIES}},
      [8] = {12, {F_FIXED_TIMESTAMP, F_FIXED_BEACON, F_FIXED_CAPABILITIES}},
      [10] = {2, {F_FIXED_REASON, 0, 0}},
      [11] = {6, {F_FIXED_AUTH_ALG, F_FIXED_AUTH_SEQ, F_FIXED_STATUS}},
      [12] = {2, {F_FIXED_REASON, 0, 0}},
      [13] = {1, {F_FIXED_CATEGORY, 0, 0}},
      [14] = {1, {F_FIXED_CATEGORY, 0, 0}},
  };
  unsigned n = fx[st & 15].len;
  if (n == 0)
    return 0; /* no fixed parameters: tags start at once */
  dx_node *all = dx_add_none(p, mgt, FL(F_FIXED_ALL), t, 0, n);
  dx_node_set_text(p, all, "Fixed parameters (%u bytes)", n);
  if (!dx_tvb_has(t, 0, n)) {
    dx_node_set_len(all, t->len);
    if (t->len < t->reported)
      dx_mark_truncated(p, all, "fixed parameters cut short");
    else
      dx_mark_malformed(p, all, "fixed parameters need %u bytes", n);
    return UINT32_MAX;
  }
  uint32_t off = 0;
  for (int i = 0; i < 3 && fx[st & 15].f[i]; i++) {
    int f = fx[st & 15].f[i];
    uint32_t len = f == F_FIXED_TIMESTAMP    ? 8
                   : f == F_FIXED_CURRENT_AP ? 6
                   : f == F_FIXED_CATEGORY   ? 1
                                             : 2;
    if (f == F_FIXED_TIMESTAMP) {
      uint32_t lo, hi;
      dx_get_u32_le(t, off, &lo);
      dx_get_u32_le(t, off + 4, &hi);
      dx_add_uint(p, all, FL(f), t, off, 8, (uint64_t)hi << 32 | lo);
    } else if (f == F_FIXED_CURRENT_AP || f == F_FIXED_CATEGORY) {
      dx_add_item(p, all, FL(f), t, off, len);
    } else {
      dx_node *x = dx_add_item_le(p, all, FL(f), t, off, len);
      if (f == F_FIXED_BEACON) {
        uint16_t bi;
        dx_get_u16_le(t, off, &bi);
        dx_node_set_text(p, x, "Beacon Interval: %f [Seconds]", bi * 1024.0 / 1000000.0);
        dx_col_info_append(p, ", BI=%u", bi);
      }
    }
    off += len;
  }
  return n;
}

static void flags_string(uint8_t flags, bool fcs, char out[10]) {
  static const char letters[] = "opmPRMFT";
  for (int i = 0; i < 8; i++)
    out[i] = (flags & (0x80 >> i)) ? letters[i] : '.';
  out[8] = fcs ? 'C' : 0;
  out[9] = 0;
}

/* Protected body: the WEP or CCMP/TKIP header, then the rest as data. */
static void protected_body(dx_packet *p, dx_node *w, const dx_tvb *b, dx_node *parent) {
  uint8_t kb;
  if (!dx_get_u8(b, 3, &kb)) {
    dx_dissect_data(p, b, parent);
    return;
  }
  uint32_t ivlen = (kb & 0x20) ? 8 : 4;
  if (ivlen == 8 && dx_tvb_has(b, 0, 8)) {
    /* CCMP PN: PN0 PN1 rsvd keyid PN2 PN3 PN4 PN5, shown as 0x + PN5..PN0 */
    const uint8_t *x = b->data;
    char s[32];
    snprintf(s, sizeof s, "0x%02X%02X%02X%02X%02X%02X", x[7], x[6], x[5], x[4], x[1], x[0]);
    dx_add_string(p, w, FL(F_CCMP_EXTIV), b, 0, 8, s, 14);
  } else if (ivlen == 4) {
    uint32_t iv;
    dx_get_u24(b, 0, &iv);
    dx_add_uint(p, w, FL(F_WEP_IV), b, 0, 3, iv);
  }
  dx_add_uint(p, w, FL(F_WEP_KEY), b, 3, 1, kb >> 6);
  dx_tvb d = dx_tvb_sub(b, ivlen, UINT32_MAX);
  dx_dissect_data(p, &d, parent);
}

uint32_t dx_ieee80211_dissect(dx_packet *p, const dx_tvb *t0, dx_node *parent, bool fcs,
                              bool datapad);
uint32_t dx_ieee80211_dissect_bsfc(dx_packet *p, const dx_tvb *t, dx_node *parent);

/* bsfc: the two bytes of the Frame Control field are swapped (tshark's
 * "wlan_bsfc", which CAPWAP uses by default). */
static uint32_t wlan_dissect(dx_packet *p, const dx_tvb *t0, dx_node *parent, bool fcs,
                             bool datapad, bool bsfc) {
  dx_tvb t = *t0;
  uint32_t fcs_off = 0;
  bool show_fcs = false;
  if (fcs && t0->reported >= 4) {
    fcs_off = t0->reported - 4;
    show_fcs = dx_tvb_has(t0, fcs_off, 4);
    t = dx_tvb_sub(t0, 0, fcs_off);
    t.reported = fcs_off;
  }
  dx_node *w = dx_add_proto(p, parent, FL(F_WLAN), &t, 0, 2);
  dx_col_set_proto(p, "802.11");
  uint8_t b0, flags;
  uint32_t b0_off = bsfc ? 1 : 0, flags_off = bsfc ? 0 : 1;
  if (!dx_get_u8(&t, b0_off, &b0) || !dx_get_u8(&t, flags_off, &flags)) {
    dx_node_set_len(w, t.len);
    dx_mark_truncated(p, w, "802.11 frame control needs 2 bytes");
    return t0->len;
  }
  if (b0 & 3) {
    /* Protocol version 1 (802.11ah short frames) and the reserved ones are
     * not dissected: the frame control and a note. */
    dx_node_set_text(p, w, "IEEE 802.11 Unknown Protocol Version:%u", b0 & 3u);
    dx_expert(p, w, dx_field_expert(), DX_SEV_NOTE, "[802.11 protocol version %u not dissected]",
              b0 & 3u);
    dx_col_info_set(p, "Unknown protocol version: %u", b0 & 3u);
    return t0->len;
  }
  unsigned type = (b0 >> 2) & 3, subtype = b0 >> 4;
  unsigned ts = type << 4 | subtype;
  const char *tsname = dx_val_name_def(type_subtype_vals, ts, "Unrecognized (Reserved frame)");
  char fstr[10];
  flags_string(flags, show_fcs, fstr);
  dx_node_set_text(p, w, "IEEE 802.11 %s, Flags: %s", tsname, fstr);
  dx_node *tn = dx_add_uint(p, w, FL(F_TYPE_SUBTYPE), &t, b0_off, 1, ts);
  DX_UNUSED(tn);
  dx_node *fc = dx_add_item(p, w, FL(F_FC), &t, 0, 2);
  if (bsfc && fc && dx_label_wanted(p, fc))
    dx_node_set_text(p, fc, "Frame Control Field: 0x%02x%02x(Swapped)", flags, b0);
  dx_add_item(p, fc, FL(F_FC_VERSION), &t, b0_off, 1);
  dx_add_item(p, fc, FL(F_FC_TYPE), &t, b0_off, 1);
  dx_add_item(p, fc, FL(F_FC_SUBTYPE), &t, b0_off, 1);
  dx_node *fl = dx_add_item(p, fc, FL(F_FLAGS), &t, flags_off, 1);
  for (int i = F_FC_DS; i <= F_FC_ORDER; i++) {
    dx_node *n = dx_add_item(p, fl, FL(i), &t, flags_off, 1);
    if (i == F_FC_TODS || i == F_FC_FROMDS)
      dx_node_set_flags(n, DX_NODE_HIDDEN);
  }
  bool protected_frame = flags & 0x40, order = flags & 0x80;
  unsigned ds = flags & 3;
  dx_col_info_set(p, "%s", tsname);

  /* The header layout of this frame. */
  uint32_t hlen;
  int a[4] = {-1, -1, -1, -1}; /* field of address 1..4 */
  bool seq = false, qos = false;
  if (type == 0) {
    hlen = 24;
    a[0] = F_DA;
    a[1] = F_SA;
    a[2] = F_BSSID;
    seq = true;
  } else if (type == 1) {
    /* CTS, ACK and Control Wrapper carry only the RA; the others a second
     * address (TA, or the BSSID of CF-End) */
    hlen = subtype == 0xc || subtype == 0xd || subtype == 0x7 ? 10 : 16;
  } else if (type == 2) {
    hlen = ds == 3 ? 30 : 24;
    qos = subtype & 8;
    if (qos)
      hlen += 2;
    if (qos && order)
      hlen += 4;
    seq = true;
  } else {
    hlen = 10;
  }
  if (type == 0 && order)
    hlen += 4;
  dx_node_set_len(w, hlen);
  /* A header cut short shows the fields that are there (as tshark), then
   * the layer is marked. */
  bool cut = !dx_tvb_has(&t, 0, hlen);
  uint16_t dur;
  if (dx_get_u16_le(&t, 2, &dur)) {
    dx_node *du = dx_add_item_le(p, w, FL(F_DURATION), &t, 2, 2);
    dx_node_set_text(p, du, "Duration: %u microseconds", dur & 0x7fffu);
  }

  if (type == 0 && !dx_tvb_has(&t, 4, 18)) {
    add_addr(p, w, &t, 4, F_RA, true); /* tshark shows the rest only if all three are there */
  } else if (type == 0) {
    add_addr(p, w, &t, 4, F_RA, false);
    add_addr(p, w, &t, 4, F_DA, true);
    add_addr(p, w, &t, 10, F_TA, false);
    add_addr(p, w, &t, 10, F_SA, true);
    add_addr(p, w, &t, 16, F_BSSID, true);
    set_dl(p, &t, 10, 4);
  } else if (type == 1) {
    add_addr(p, w, &t, 4, F_RA, true);
    if (dx_tvb_has(&t, 4, 6))
      dx_addr_set(&p->dl_dst, DX_AT_ETHER, t.data + 4);
    if (hlen >= 16) {
      if (subtype == 0xe || subtype == 0xf)
        add_addr(p, w, &t, 10, F_BSSID, true);
      else
        add_addr(p, w, &t, 10, F_TA, true);
      set_dl(p, &t, 10, 4);
    }
  } else if (type == 2) {
    /* IEEE 802.11-2020 table 9-30 */
    static const int map[4][4] = {{F_DA, F_SA, F_BSSID, -1},
                                  {F_BSSID, F_SA, F_DA, -1},
                                  {F_DA, F_BSSID, F_SA, -1},
                                  {F_RA, F_TA, F_DA, F_SA}};
    for (int i = 0; i < 4; i++)
      a[i] = map[ds][i];
    add_addr(p, w, &t, 4, F_RA, a[0] == F_RA);
    if (a[0] != F_RA)
      add_addr(p, w, &t, 4, a[0], true);
    add_addr(p, w, &t, 10, F_TA, a[1] == F_TA);
    if (a[1] != F_TA)
      add_addr(p, w, &t, 10, a[1], true);
    add_addr(p, w, &t, 16, a[2], true);
    if (ds == 3)
      add_addr(p, w, &t, 24, F_SA, true);
    /* Source and destination columns: SA and DA. */
    uint32_t da = ds == 0 || ds == 2 ? 4 : 16, sa = ds == 0 || ds == 1 ? 10 : ds == 2 ? 16 : 24;
    set_dl(p, &t, sa, da);
  }
  if (seq && dx_tvb_has(&t, 22, 2)) {
    dx_add_item_le(p, w, FL(F_FRAG), &t, 22, 2);
    dx_add_item_le(p, w, FL(F_SEQ), &t, 22, 2);
    uint16_t sc;
    dx_get_u16_le(&t, 22, &sc);
    if (!cut) /* tshark writes these once the header is whole */
      dx_col_info_append(p, ", SN=%u, FN=%u", sc >> 4, sc & 15u);
  }
  if (!cut)
    dx_col_info_append(p, ", Flags=%s", fstr);
  if (qos && !cut) {
    uint32_t qo = ds == 3 ? 30 : 24;
    dx_node *q = dx_add_item_le(p, w, FL(F_QOS), &t, qo, 2);
    dx_add_item_le(p, q, FL(F_QOS_PRIORITY), &t, qo, 2);
    dx_add_item_le(p, q, FL(F_QOS_TID), &t, qo, 2);
    if (order)
      dx_add_item_le(p, w, FL(F_HTC), &t, qo + 2, 4);
  } else if (type == 0 && order && !cut) {
    dx_add_item_le(p, w, FL(F_HTC), &t, 24, 4);
  }
  if (fcs && !show_fcs && t0->len < t0->reported && !cut) {
    dx_node_set_len(w, t.len);
    dx_mark_truncated(p, w, "802.11 frame check sequence cut short");
  }
  if (show_fcs) {
    dx_node *f = dx_add_item_le(p, w, FL(F_FCS), t0, fcs_off, 4);
    uint32_t v;
    dx_get_u32_le(t0, fcs_off, &v);
    dx_node_set_text(p, f, "Frame check sequence: 0x%08x [unverified]", v);
  }
  if (cut) {
    dx_node_set_len(w, t.len);
    if (t.len < t.reported)
      dx_mark_truncated(p, w, "802.11 header cut short");
    else
      dx_mark_malformed(p, w, "802.11 header needs %u bytes", hlen);
    return t0->len;
  }

  dx_tvb body = dx_tvb_sub(&t, hlen, UINT32_MAX);
  if (type == 0) {
    if (protected_frame) {
      protected_body(p, w, &body, parent);
      return t0->len;
    }
    dx_node *mgt = dx_add_none(p, parent, FL(F_MGT), &body, 0, body.len);
    uint32_t toff = fixed(p, mgt, &body, subtype);
    if (toff != UINT32_MAX && subtype != 13 && subtype != 14)
      tagged(p, mgt, &body, toff);
    if (toff != UINT32_MAX && body.len < body.reported && !marked_below(mgt))
      dx_mark_truncated(p, mgt, "management frame cut short");
    /* SSID for the Info column: the first SSID element. */
    if (toff != UINT32_MAX && (subtype <= 5 || subtype == 8)) {
      uint32_t o = toff;
      uint8_t num, len;
      bool ssid_done = false;
      while (dx_get_u8(&body, o, &num) && dx_get_u8(&body, o + 1, &len) &&
             dx_tvb_has(&body, o + 2, len)) {
        if (num == 0 && !ssid_done) {
          info_ssid(p, body.data + o + 2, len);
          ssid_done = true;
        } else if (num == 114 && ssid_done) { /* Mesh ID, after the SSID */
          if (len == 0)
            break;
          char buf[33 * 4 + 1];
          dx_escape(body.data + o + 2, len > 32 ? 32 : len, buf, sizeof buf);
          dx_col_info_append(p, ", MESHID=%s", buf);
          break;
        }
        o += 2u + len;
      }
    }
    return t0->len;
  }
  if (type != 2 || (subtype & 4)) /* control frames, null data */
    return t0->len;
  if (protected_frame) {
    protected_body(p, w, &body, parent);
    return t0->len;
  }
  if (datapad) {
    uint32_t padded = (hlen + 3) & ~3u;
    body = dx_tvb_sub(&t, padded, UINT32_MAX);
  }
  if (body.len == 0) {
    if (body.reported > 0)
      dx_mark_truncated(p, w, "802.11 data cut short");
    return t0->len;
  }
  dx_proto_llc.dissect(p, &body, parent);
  return t0->len;
}

uint32_t dx_ieee80211_dissect(dx_packet *p, const dx_tvb *t0, dx_node *parent, bool fcs,
                              bool datapad) {
  return wlan_dissect(p, t0, parent, fcs, datapad, false);
}

uint32_t dx_ieee80211_dissect_bsfc(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  return wlan_dissect(p, t, parent, false, false, true);
}

static uint32_t dissect_wlan(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  return dx_ieee80211_dissect(p, t, parent, false, false);
}

static const dx_reg wlan_regs[] = {{DX_TABLE_LINKTYPE, 105}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_wlan = {
    .name = "wlan",
    .label = "IEEE 802.11 wireless LAN",
    .fields = wlan_fields,
    .nfields = DX_ARRAY_LEN(wlan_fields),
    .dissect = dissect_wlan,
    .regs = wlan_regs,
};
