/* NTP (UDP port 123) as tshark 4.0 shows it.
 *
 * Modes 1-5 (RFC 5905): the flags byte (leap indicator, version, mode),
 * stratum, poll, precision, root delay and dispersion (16.16 seconds), the
 * reference ID (an IPv4 address from stratum 2 on, a reference clock's
 * code for stratum 0 and 1, named when known), the four timestamps (era 0
 * for a seconds field with its top bit set, era 1 otherwise; "NULL" for a
 * zero one), extension fields (RFC 7822, told from a MAC as tshark 4.0
 * does), then the key ID and MAC.
 *
 * Mode 7 (xntpd's private mode, as ntpdc sends it): the header (response
 * and more bits, auth bit and sequence, implementation, request code, and
 * for the implementation XNTPD (3): error, number of items, item size) and
 * the items of MON_GETLIST and MON_GETLIST_1. Not made: the items of the other request codes and
 * the authentication trailer of requests (not shown).
 *
 * Mode 6 (control, ntpq): only the flags byte; the control header and its
 * data are not decoded (not shown).
 *
 * Not made either: tshark 4.0 does not match requests and responses
 * (ntp.response_in and the like are not in its output), so neither do we. */
#include "../core/dx.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum {
  F_NTP,
  F_FLAGS,
  F_LI,
  F_VN,
  F_MODE,
  F_STRATUM,
  F_PPOLL,
  F_PRECISION,
  F_ROOTDELAY,
  F_ROOTDISP,
  F_REFID,
  F_REFTIME,
  F_ORG,
  F_REC,
  F_XMT,
  F_REFTIME_NULL,
  F_ORG_NULL,
  F_REC_NULL,
  F_XMT_NULL,
  F_KEYID,
  F_MAC,
  F_EXT,
  F_EXT_TYPE,
  F_EXT_LEN,
  F_EXT_VALUE,
  F_EXT_BADLEN,
  F_PRIV_R,
  F_PRIV_MORE,
  F_PRIV_AUTHSEQ,
  F_PRIV_AUTH,
  F_PRIV_SEQ,
  F_PRIV_IMPL,
  F_PRIV_REQ,
  F_PRIV_ERR,
  F_PRIV_NUM,
  F_PRIV_RES,
  F_PRIV_SIZE,
  F_MON_ITEM,
  F_MON_AVGINT,
  F_MON_LSINT,
  F_MON_RESTR,
  F_MON_COUNT,
  F_MON_REMOTE,
  F_MON_LOCAL,
  F_MON_FLAGS,
  F_MON_PORT,
  F_MON_MODE,
  F_MON_VERSION,
  F_MON_IPV6,
  F_MON_UNUSED,
  F_MON_ADDR6,
  F_MON_DADDR6,
};

static const dx_vals li_vals[] = {{0, "no warning"},
                                  {1, "last minute of the day has 61 seconds"},
                                  {2, "last minute of the day has 59 seconds"},
                                  {3, "unknown (clock unsynchronized)"},
                                  {0, NULL}};
static const dx_vals vn_vals[] = {{0, "reserved"},      {1, "NTP Version 1"}, {2, "NTP Version 2"},
                                  {3, "NTP Version 3"}, {4, "NTP Version 4"}, {5, "reserved"},
                                  {6, "reserved"},      {7, "reserved"},      {0, NULL}};
static const dx_vals mode_vals[] = {{0, "reserved"},
                                    {1, "symmetric active"},
                                    {2, "symmetric passive"},
                                    {3, "client"},
                                    {4, "server"},
                                    {5, "broadcast"},
                                    {6, "reserved for NTP control message"},
                                    {7, "reserved for private use"},
                                    {0, NULL}};
/* The mode as the layer's label and Info name it. */
static const char *const mode_short[8] = {"reserved", "symmetric active", "symmetric passive",
                                          "client",   "server",           "broadcast",
                                          "control",  "private"};
/* RFC 5906 (Autokey), RFC 7821, RFC 8915 (NTS) */
static const dx_vals ext_type_vals[] = {
    {0x0002, "No-Operation Request"},
    {0x0102, "Association Message Request"},
    {0x0104, "Unique Identifier"},
    {0x0202, "Certificate Message Request"},
    {0x0204, "NTS Cookie"},
    {0x0302, "Cookie Message Request"},
    {0x0304, "NTS Cookie Placeholder"},
    {0x0402, "Autokey Message Request"},
    {0x0404, "NTS Authenticator and Encrypted Extension Fields"},
    {0x0502, "Leapseconds Message Request"},
    {0x0602, "Sign Message Request"},
    {0x0702, "IFF Identity Message Request"},
    {0x0802, "GQ Identity Message Request"},
    {0x0902, "MV Identity Message Request"},
    {0x2005, "Checksum Complement"},
    {0x8002, "No-Operation Response"},
    {0x8102, "Association Message Response"},
    {0x8202, "Certificate Message Response"},
    {0x8302, "Cookie Message Response"},
    {0x8402, "Autokey Message Response"},
    {0x8502, "Leapseconds Message Response"},
    {0x8602, "Sign Message Response"},
    {0x8702, "IFF Identity Message Response"},
    {0x8802, "GQ Identity Message Response"},
    {0x8902, "MV Identity Message Response"},
    {0xc002, "No-Operation Error Response"},
    {0xc102, "Association Message Error Response"},
    {0xc202, "Certificate Message Error Response"},
    {0xc302, "Cookie Message Error Response"},
    {0xc402, "Autokey Message Error Response"},
    {0xc502, "Leapseconds Message Error Response"},
    {0xc602, "Sign Message Error Response"},
    {0xc702, "IFF Identity Message Error Response"},
    {0xc802, "GQ Identity Message Error Response"},
    {0xc902, "MV Identity Message Error Response"},
    {0, NULL}};
static const dx_vals priv_r_vals[] = {{0, "Request"}, {1, "Response"}, {0, NULL}};
static const dx_vals impl_vals[] = {
    {0, "UNIV"}, {2, "XNTPD_OLD (pre-IPv6)"}, {3, "XNTPD"}, {0, NULL}};
static const dx_vals req_vals[] = {{0, "PEER_LIST"},         {1, "PEER_LIST_SUM"},
                                   {2, "PEER_INFO"},         {3, "PEER_STATS"},
                                   {4, "SYS_INFO"},          {5, "SYS_STATS"},
                                   {6, "IO_STATS"},          {7, "MEM_STATS"},
                                   {8, "LOOP_INFO"},         {9, "TIMER_STATS"},
                                   {10, "CONFIG"},           {11, "UNCONFIG"},
                                   {12, "SET_SYS_FLAG"},     {13, "CLR_SYS_FLAG"},
                                   {14, "MONITOR"},          {15, "NOMONITOR"},
                                   {16, "GET_RESTRICT"},     {17, "RESADDFLAGS"},
                                   {18, "RESSUBFLAGS"},      {19, "UNRESTRICT"},
                                   {20, "MON_GETLIST"},      {21, "RESET_STATS"},
                                   {22, "RESET_PEER"},       {23, "REREAD_KEYS"},
                                   {24, "DO_DIRTY_HACK"},    {25, "DONT_DIRTY_HACK"},
                                   {26, "TRUSTKEY"},         {27, "UNTRUSTKEY"},
                                   {28, "AUTHINFO"},         {29, "TRAPS"},
                                   {30, "ADD_TRAP"},         {31, "CLR_TRAP"},
                                   {32, "REQUEST_KEY"},      {33, "CONTROL_KEY"},
                                   {34, "GET_CTLSTATS"},     {35, "GET_LEAPINFO"},
                                   {36, "GET_CLOCKINFO"},    {37, "SET_CLKFUDGE"},
                                   {38, "GET_KERNEL"},       {39, "GET_CLKBUGINFO"},
                                   {41, "SET_PRECISION"},    {42, "MON_GETLIST_1"},
                                   {43, "HOSTNAME_ASSOCID"}, {44, "IF_STATS"},
                                   {45, "IF_RELOAD"},        {0, NULL}};
static const dx_vals err_vals[] = {{0, "No error"},
                                   {1, "incompatible implementation number"},
                                   {2, "unimplemented request code"},
                                   {3, "format error"},
                                   {4, "no data available"},
                                   {5, "unknown"},
                                   {6, "unknown"},
                                   {7, "authentication failure"},
                                   {0, NULL}};

static const dx_field ntp_fields[] = {
    [F_NTP] = DX_F("ntp", "Network Time Protocol", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_FLAGS] = DX_F("ntp.flags", "Flags", DX_FT_UINT8, DX_BASE_HEX),
    [F_LI] = DX_FM("ntp.flags.li", "Leap Indicator", DX_FT_UINT8, DX_BASE_DEC, li_vals, 0xc0, 8),
    [F_VN] = DX_FM("ntp.flags.vn", "Version number", DX_FT_UINT8, DX_BASE_DEC, vn_vals, 0x38, 8),
    [F_MODE] = DX_FM("ntp.flags.mode", "Mode", DX_FT_UINT8, DX_BASE_DEC, mode_vals, 0x07, 8),
    [F_STRATUM] = DX_F("ntp.stratum", "Peer Clock Stratum", DX_FT_UINT8, DX_BASE_DEC),
    [F_PPOLL] = DX_F("ntp.ppoll", "Peer Polling Interval", DX_FT_UINT8, DX_BASE_DEC),
    [F_PRECISION] = DX_F("ntp.precision", "Peer Clock Precision", DX_FT_UINT8, DX_BASE_DEC),
    [F_ROOTDELAY] = DX_F("ntp.rootdelay", "Root Delay", DX_FT_UINT32, DX_BASE_DEC),
    [F_ROOTDISP] = DX_F("ntp.rootdispersion", "Root Dispersion", DX_FT_UINT32, DX_BASE_DEC),
    [F_REFID] = DX_F("ntp.refid", "Reference ID", DX_FT_BYTES, DX_BASE_NONE),
    [F_REFTIME] = DX_F("ntp.reftime", "Reference Timestamp", DX_FT_ABSTIME, DX_BASE_UTC),
    [F_ORG] = DX_F("ntp.org", "Origin Timestamp", DX_FT_ABSTIME, DX_BASE_UTC),
    [F_REC] = DX_F("ntp.rec", "Receive Timestamp", DX_FT_ABSTIME, DX_BASE_UTC),
    [F_XMT] = DX_F("ntp.xmt", "Transmit Timestamp", DX_FT_ABSTIME, DX_BASE_UTC),
    /* A zero timestamp: tshark shows (and -T fields prints) "NULL". */
    [F_REFTIME_NULL] = {"ntp.reftime", "Reference Timestamp", DX_FT_STRING, DX_BASE_NONE, NULL, 0,
                        0, NULL, &ntp_fields[F_REFTIME]},
    [F_ORG_NULL] = {"ntp.org", "Origin Timestamp", DX_FT_STRING, DX_BASE_NONE, NULL, 0, 0, NULL,
                    &ntp_fields[F_ORG]},
    [F_REC_NULL] = {"ntp.rec", "Receive Timestamp", DX_FT_STRING, DX_BASE_NONE, NULL, 0, 0, NULL,
                    &ntp_fields[F_REC]},
    [F_XMT_NULL] = {"ntp.xmt", "Transmit Timestamp", DX_FT_STRING, DX_BASE_NONE, NULL, 0, 0, NULL,
                    &ntp_fields[F_XMT]},
    [F_KEYID] = DX_F("ntp.keyid", "Key ID", DX_FT_BYTES, DX_BASE_NONE),
    [F_MAC] = DX_F("ntp.mac", "Message Authentication Code", DX_FT_BYTES, DX_BASE_NONE),
    [F_EXT] = DX_F("ntp.ext", "Extension", DX_FT_NONE, DX_BASE_NONE),
    [F_EXT_TYPE] = DX_FV("ntp.ext.type", "Field Type", DX_FT_UINT16, DX_BASE_HEX, ext_type_vals),
    [F_EXT_LEN] = DX_F("ntp.ext.length", "Length", DX_FT_UINT16, DX_BASE_DEC),
    [F_EXT_VALUE] = DX_F("ntp.ext.value", "Value", DX_FT_BYTES, DX_BASE_NONE),
    [F_EXT_BADLEN] =
        DX_F("ntp.ext.invalid_length", "Extension invalid length", DX_FT_NONE, DX_BASE_NONE),
    [F_PRIV_R] =
        DX_FM("ntp.priv.flags.r", "Response bit", DX_FT_UINT8, DX_BASE_DEC, priv_r_vals, 0x80, 8),
    [F_PRIV_MORE] =
        DX_FM("ntp.priv.flags.more", "More bit", DX_FT_UINT8, DX_BASE_DEC, NULL, 0x40, 8),
    [F_PRIV_AUTHSEQ] = DX_F("ntp.priv.auth_seq", "Auth, sequence", DX_FT_UINT8, DX_BASE_DEC),
    [F_PRIV_AUTH] = DX_FM("ntp.priv.auth", "Auth bit", DX_FT_UINT8, DX_BASE_DEC, NULL, 0x80, 8),
    [F_PRIV_SEQ] =
        DX_FM("ntp.priv.seq", "Sequence number", DX_FT_UINT8, DX_BASE_DEC, NULL, 0x7f, 8),
    [F_PRIV_IMPL] = DX_FV("ntp.priv.impl", "Implementation", DX_FT_UINT8, DX_BASE_DEC, impl_vals),
    [F_PRIV_REQ] = DX_FV("ntp.priv.reqcode", "Request code", DX_FT_UINT8, DX_BASE_DEC, req_vals),
    [F_PRIV_ERR] = DX_FM("ntp.priv.err", "Err", DX_FT_UINT8, DX_BASE_HEX, err_vals, 0xf0, 8),
    [F_PRIV_NUM] = DX_FM("ntp.priv.numitems", "Number of data items", DX_FT_UINT16, DX_BASE_DEC,
                         NULL, 0x0fff, 16),
    [F_PRIV_RES] = DX_FM("ntp.priv.reserved", "Reserved", DX_FT_UINT8, DX_BASE_HEX, NULL, 0xf0, 8),
    [F_PRIV_SIZE] = DX_FM("ntp.priv.itemsize", "Size of data item", DX_FT_UINT16, DX_BASE_DEC, NULL,
                          0x0fff, 16),
    /* a text-only subtree in tshark (no field of theirs): a name of ours */
    [F_MON_ITEM] = DX_F("ntp.priv.monlist.item", "Monlist item", DX_FT_NONE, DX_BASE_NONE),
    [F_MON_AVGINT] = DX_F("ntp.priv.monlist.avgint", "avgint", DX_FT_UINT32, DX_BASE_DEC),
    [F_MON_LSINT] = DX_F("ntp.priv.monlist.lsint", "lsint", DX_FT_UINT32, DX_BASE_DEC),
    [F_MON_RESTR] = DX_F("ntp.priv.monlist.restr", "restr", DX_FT_UINT32, DX_BASE_HEX),
    [F_MON_COUNT] = DX_F("ntp.priv.monlist.count", "count", DX_FT_UINT32, DX_BASE_DEC),
    [F_MON_REMOTE] =
        DX_F("ntp.priv.monlist.remote_address", "remote address", DX_FT_IPV4, DX_BASE_NONE),
    [F_MON_LOCAL] =
        DX_F("ntp.priv.monlist.local_address", "local address", DX_FT_IPV4, DX_BASE_NONE),
    [F_MON_FLAGS] = DX_F("ntp.priv.monlist.flags", "flags", DX_FT_UINT32, DX_BASE_HEX),
    [F_MON_PORT] = DX_F("ntp.priv.monlist.port", "port", DX_FT_UINT16, DX_BASE_DEC),
    [F_MON_MODE] = DX_F("ntp.priv.monlist.mode", "mode", DX_FT_UINT8, DX_BASE_DEC),
    [F_MON_VERSION] = DX_F("ntp.priv.monlist.version", "version", DX_FT_UINT8, DX_BASE_DEC),
    [F_MON_IPV6] = DX_F("ntp.priv.monlist.ipv6", "ipv6", DX_FT_UINT32, DX_BASE_HEX),
    [F_MON_UNUSED] = DX_F("ntp.priv.monlist.unused", "unused", DX_FT_UINT32, DX_BASE_HEX),
    [F_MON_ADDR6] = DX_F("ntp.priv.monlist.addr6", "ipv6 remote addr", DX_FT_IPV6, DX_BASE_NONE),
    [F_MON_DADDR6] = DX_F("ntp.priv.monlist.daddr6", "ipv6 local addr", DX_FT_IPV6, DX_BASE_NONE),
};

#define FL(i) (&ntp_fields[(i)])

/* Reference clock codes of stratum 0 and 1 that tshark names. */
static const struct {
  char code[5];
  const char *name;
} refclocks[] = {
    {"LOCL", "uncalibrated local clock"},
    {"CESM", "calibrated Cesium clock"},
    {"RBDM", "calibrated Rubidium clock"},
    {"PPS", "Generic pulse-per-second"},
    {"IRIG", "Inter-Range Instrumentation Group"},
    {"ACTS", "NIST telephone modem"},
    {"USNO", "USNO telephone modem"},
    {"PTB", "European telephone modem"},
    {"TDF", "MF Radio Allouis, FR 162 kHz"},
    {"DCF", "LF Radio DCF77 Mainflingen, DE 77.5 kHz"},
    {"MSF", "LF Radio MSF Anthorn, UK 60 kHz"},
    {"WWV", "HF Radio WWV Ft. Collins, CO"},
    {"WWVB", "LF Radio WWVB Ft. Collins, CO 60 kHz"},
    {"WWVH", "HF Radio WWVH Kauai, HI"},
    {"CHU", "HF Radio CHU Ottawa, Ontario"},
    {"LORC", "MF Radio LORAN C station, 100 kHz"},
    {"OMEG", "OMEGA radionavigation system"},
    {"GPS", "Global Position System"},
    {"GOES", "Geostationary Orbit Environment Satellite"},
    {"GAL", "Galileo Positioning System"},
    {"JJY", "LF Radio JJY Fukushima, JP 40 kHz, Saga, JP 60 kHz"},
    {"NIST", "NIST telephone modem"},
    {"ATOM", "Atomic clock (calibrated)"},
    {"INIT", "(Initialization)"},
    {"HBG", "LF Radio HBG Prangins, HB 75 kHz"},
    {"DTS", "Digital Time Service"},
};

/* The reference ID of stratum 0 or 1 as tshark labels it. */
static void refid_label(dx_packet *p, dx_node *n, const uint8_t *r) {
  if (!r[0] && !r[1] && !r[2] && !r[3]) {
    dx_node_set_text(p, n, "Reference ID: NULL");
    return;
  }
  for (size_t i = 0; i < DX_ARRAY_LEN(refclocks); i++) {
    size_t k = strlen(refclocks[i].code);
    if (memcmp(r, refclocks[i].code, k) == 0 && (k == 4 || r[k] == 0)) {
      dx_node_set_text(p, n, "Reference ID: %s", refclocks[i].name);
      return;
    }
  }
  /* the code up to its first NUL, a byte past ASCII shown as U+FFFD */
  char s[16];
  size_t o = 0;
  for (int i = 0; i < 4 && r[i]; i++) {
    if (r[i] >= 0x80) {
      memcpy(s + o, "\xef\xbf\xbd", 3);
      o += 3;
    } else {
      s[o++] = (char)r[i];
    }
  }
  s[o] = 0;
  dx_node_set_text(p, n, "Reference ID: Unidentified reference source '%s'", s);
}

/* The bytes ran out before the end of what NTP reads: as tshark, which
 * stops there with "[Malformed Packet: NTP]" after the layer when the
 * packet itself is short. A capture cut short by its snapshot length is
 * not the packet's fault: the layer is marked truncated (the Info column
 * then ends "[Packet size limited during capture]", as tshark's). */
static void ran_out(dx_packet *p, dx_node *ntp, const dx_tvb *t) {
  if (t->reported > t->len) {
    dx_mark_truncated(p, ntp, "NTP");
    return;
  }
  dx_node_set_flags(ntp, DX_NODE_TRUNCATED);
  p->bad |= DX_BAD_TRUNCATED;
  dx_node *m = dx_add_none(p, dx_packet_root_mut(p), dx_field_malformed(), t, 0, 0);
  if (dx_label_wanted(p, m))
    dx_node_set_text(p, m, "[Malformed Packet: NTP]");
  dx_expert(p, m, dx_field_malformed(), DX_SEV_ERROR, "Malformed Packet (Exception occurred)");
}

/* Bits of the 16-bit value v under mask as tshark draws them ("....
 * 0000  0000 0101"). */
static void bits16(char *out, uint16_t v, uint16_t mask) {
  size_t o = 0;
  for (int b = 15; b >= 0; b--) {
    out[o++] = (mask >> b) & 1 ? ((v >> b) & 1 ? '1' : '0') : '.';
    if (b == 8) {
      out[o++] = ' ';
      out[o++] = ' ';
    } else if (b % 4 == 0 && b) {
      out[o++] = ' ';
    }
  }
  out[o] = 0;
}

/* An NTP timestamp at off (64 bits: seconds since 1900 and a fraction). */
static void add_timestamp(dx_packet *p, dx_node *tree, const dx_tvb *t, uint32_t off, int f,
                          int f_null) {
  uint64_t v = 0;
  dx_get_u64(t, off, &v);
  uint32_t sec = (uint32_t)(v >> 32);
  int32_t nsec = (int32_t)(((v & 0xffffffffu) * 1000000000u) >> 32);
  if (sec == 0 && nsec == 0) {
    dx_add_string(p, tree, FL(f_null), t, off, 8, "NULL", 4);
    return;
  }
  /* era 0 for a value with the top bit set (1968-2036), era 1 otherwise */
  int64_t unix_sec = (int64_t)sec - 2208988800ll;
  if (!(sec & 0x80000000u))
    unix_sec += 4294967296ll;
  dx_add_time(p, tree, FL(f), t, off, 8, unix_sec, nsec);
}

/* Extension fields, then the key ID and the MAC, as tshark 4.0 tells them
 * apart: fields (a Length of at least 16 that fits in what is left) while
 * 16 bytes or more are left; what follows is the MAC, unless it is shorter
 * than 20 bytes and not a crypto-NAK (4 zero bytes): then the last field
 * was the start of a MAC, not an extension. A field whose Length is not a
 * multiple of 4 ends the dissection. Lengths are the packet's (reported);
 * bytes a capture cut off end it as truncated. */
static void dissect_trailer(dx_packet *p, dx_node *ntp, const dx_tvb *t, uint32_t off) {
  uint32_t rep = t->reported > t->len ? t->reported : t->len;
  uint32_t end = off, last = 0;
  while (rep - end >= 16) {
    uint16_t len = 0;
    if (!dx_get_u16(t, end + 2, &len)) {
      ran_out(p, ntp, t);
      return;
    }
    if (len < 16 || len > rep - end)
      break;
    end += len;
    last = len;
  }
  uint32_t maclen = rep - end;
  if (maclen == 4) {
    uint32_t z = 0;
    if (!dx_get_u32(t, end, &z)) {
      ran_out(p, ntp, t);
      return;
    }
    if (z != 0)
      end -= last;
  } else if (maclen > 0 && maclen < 20) {
    end -= last;
  }
  while (off < end) {
    uint16_t len = 0;
    dx_get_u16(t, off + 2, &len); /* read above */
    dx_node *e = dx_add_none(p, ntp, FL(F_EXT), t, off, len);
    dx_add_item(p, e, FL(F_EXT_TYPE), t, off, 2);
    dx_node *ln = dx_add_item(p, e, FL(F_EXT_LEN), t, off + 2, 2);
    if (len & 3) {
      dx_expert(p, ln, FL(F_EXT_BADLEN), DX_SEV_WARN, "Extension length %u isn't a multiple of 4",
                len);
      return; /* tshark goes on at the end of the packet: nothing more */
    }
    if (!dx_tvb_has(t, off + 4, len - 4u)) {
      ran_out(p, ntp, t);
      return;
    }
    dx_add_item(p, e, FL(F_EXT_VALUE), t, off + 4, len - 4u);
    off += len;
  }
  if (rep - off < 4)
    return; /* (no key ID, and no MAC either) */
  if (!dx_tvb_has(t, off, 4)) {
    ran_out(p, ntp, t);
    return;
  }
  dx_add_item(p, ntp, FL(F_KEYID), t, off, 4);
  if (rep - off > 4) {
    if (!dx_tvb_has(t, off + 4, rep - off - 4)) {
      ran_out(p, ntp, t);
      return;
    }
    dx_add_item(p, ntp, FL(F_MAC), t, off + 4, rep - off - 4);
  }
}

static void flags_tree(dx_packet *p, dx_node *fn, const dx_tvb *t, bool priv) {
  if (priv) {
    dx_add_item(p, fn, FL(F_PRIV_R), t, 0, 1);
    dx_add_item(p, fn, FL(F_PRIV_MORE), t, 0, 1);
  } else {
    dx_add_item(p, fn, FL(F_LI), t, 0, 1);
  }
  dx_add_item(p, fn, FL(F_VN), t, 0, 1);
  dx_add_item(p, fn, FL(F_MODE), t, 0, 1);
  dx_node_append_bitmask(p, fn);
}

/* Modes 1-5: the 48-byte header and what follows it. */
static void dissect_std(dx_packet *p, dx_node *ntp, const dx_tvb *t) {
  uint8_t stratum = 0, ppoll = 0, prec = 0;
  uint32_t rd = 0, rdisp = 0;
  if (!dx_get_u8(t, 1, &stratum))
    goto short_;
  dx_node *n = dx_add_item(p, ntp, FL(F_STRATUM), t, 1, 1);
  const char *sn = stratum == 0    ? "unspecified or invalid"
                   : stratum == 1  ? "primary reference"
                   : stratum <= 15 ? "secondary reference"
                   : stratum == 16 ? "unsynchronized"
                                   : "reserved";
  if (dx_label_wanted(p, n))
    dx_node_set_text(p, n, "Peer Clock Stratum: %s (%u)", sn, stratum);
  if (!dx_get_u8(t, 2, &ppoll))
    goto short_;
  n = dx_add_item(p, ntp, FL(F_PPOLL), t, 2, 1);
  if (dx_label_wanted(p, n)) {
    if (ppoll >= 4 && ppoll <= 17)
      dx_node_set_text(p, n, "Peer Polling Interval: %u (%lu seconds)", ppoll, 1ul << ppoll);
    else
      dx_node_set_text(p, n, "Peer Polling Interval: invalid (%u)", ppoll);
  }
  if (!dx_get_u8(t, 3, &prec))
    goto short_;
  n = dx_add_item(p, ntp, FL(F_PRECISION), t, 3, 1);
  if (dx_label_wanted(p, n))
    dx_node_set_text(p, n, "Peer Clock Precision: %f seconds", ldexp(1.0, (int8_t)prec));
  if (!dx_get_u32(t, 4, &rd))
    goto short_;
  n = dx_add_item(p, ntp, FL(F_ROOTDELAY), t, 4, 4);
  if (dx_label_wanted(p, n))
    dx_node_set_text(p, n, "Root Delay: %f seconds", rd / 65536.0);
  if (!dx_get_u32(t, 8, &rdisp))
    goto short_;
  n = dx_add_item(p, ntp, FL(F_ROOTDISP), t, 8, 4);
  if (dx_label_wanted(p, n))
    dx_node_set_text(p, n, "Root Dispersion: %f seconds", rdisp / 65536.0);
  const uint8_t *r = dx_get_ptr(t, 12, 4);
  if (!r)
    goto short_;
  n = dx_add_item(p, ntp, FL(F_REFID), t, 12, 4);
  if (dx_label_wanted(p, n)) {
    if (stratum <= 1)
      refid_label(p, n, r);
    else
      dx_node_set_text(p, n, "Reference ID: %u.%u.%u.%u", r[0], r[1], r[2], r[3]);
  }
  static const int tf[4] = {F_REFTIME, F_ORG, F_REC, F_XMT};
  for (int i = 0; i < 4; i++) {
    if (!dx_tvb_has(t, 16 + 8u * i, 8))
      goto short_;
    add_timestamp(p, ntp, t, 16 + 8u * i, tf[i], F_REFTIME_NULL + i);
  }
  dissect_trailer(p, ntp, t, 48);
  return;
short_:
  ran_out(p, ntp, t);
}

/* One MON_GETLIST (old: no local address, no flags) or MON_GETLIST_1 item. */
static bool monlist_item(dx_packet *p, dx_node *ntp, const dx_tvb *t, uint32_t off, bool v1) {
  uint32_t need = v1 ? 40 : 32;
  uint8_t a[4] = {0};
  uint16_t port = 0;
  uint32_t ipv6 = 0;
  const uint8_t *ra = dx_get_ptr(t, off + 16, 4);
  if (ra)
    memcpy(a, ra, 4);
  dx_get_u16(t, off + (v1 ? 28 : 20), &port);
  dx_get_u32(t, off + (v1 ? 32 : 24), &ipv6);
  uint32_t len = need + (ipv6 ? (v1 ? 32 : 16) : 0);
  dx_node *it = dx_add_none(p, ntp, FL(F_MON_ITEM), t, off, len);
  if (dx_label_wanted(p, it))
    dx_node_set_text(p, it, "Monlist item: address: %u.%u.%u.%u:%u", a[0], a[1], a[2], a[3], port);
  static const int f1[] = {F_MON_AVGINT, F_MON_LSINT,   F_MON_RESTR, F_MON_COUNT,
                           F_MON_REMOTE, F_MON_LOCAL,   F_MON_FLAGS, F_MON_PORT,
                           F_MON_MODE,   F_MON_VERSION, F_MON_IPV6,  F_MON_UNUSED};
  static const uint8_t w1[] = {4, 4, 4, 4, 4, 4, 4, 2, 1, 1, 4, 4};
  uint32_t o = off;
  for (size_t i = 0; i < DX_ARRAY_LEN(f1); i++) {
    if (!v1 && (f1[i] == F_MON_LOCAL || f1[i] == F_MON_FLAGS))
      continue;
    if (!dx_tvb_has(t, o, w1[i])) {
      ran_out(p, ntp, t);
      return false;
    }
    dx_add_item(p, it, FL(f1[i]), t, o, w1[i]);
    o += w1[i];
  }
  if (ipv6) {
    if (!dx_tvb_has(t, o, 16)) {
      ran_out(p, ntp, t);
      return false;
    }
    dx_add_item(p, it, FL(F_MON_ADDR6), t, o, 16);
    o += 16;
    if (v1) {
      if (!dx_tvb_has(t, o, 16)) {
        ran_out(p, ntp, t);
        return false;
      }
      dx_add_item(p, it, FL(F_MON_DADDR6), t, o, 16);
    }
  }
  return true;
}

/* Mode 7. */
static void dissect_priv(dx_packet *p, dx_node *ntp, const dx_tvb *t, uint8_t flags) {
  uint8_t impl = 0, req = 0;
  bool resp = flags & 0x80;
  dx_col_info_append(p, ", %s", resp ? "Response" : "Request");
  if (!dx_tvb_has(t, 1, 1))
    goto short_;
  dx_node *as = dx_add_item(p, ntp, FL(F_PRIV_AUTHSEQ), t, 1, 1);
  dx_add_item(p, as, FL(F_PRIV_AUTH), t, 1, 1);
  dx_add_item(p, as, FL(F_PRIV_SEQ), t, 1, 1);
  if (!dx_get_u8(t, 2, &impl))
    goto short_;
  dx_add_item(p, ntp, FL(F_PRIV_IMPL), t, 2, 1);
  if (!dx_get_u8(t, 3, &req))
    goto short_;
  dx_add_item(p, ntp, FL(F_PRIV_REQ), t, 3, 1);
  dx_col_info_append(p, ", %s", dx_val_name_def(req_vals, req, "Unknown"));
  if (impl != 3)
    return; /* as tshark 4.0: the rest only for XNTPD's implementation */
  uint16_t ni = 0, sz = 0;
  if (!dx_get_u16(t, 4, &ni))
    goto short_;
  char b[24];
  dx_node *n = dx_add_item(p, ntp, FL(F_PRIV_ERR), t, 4, 1);
  if (dx_label_wanted(p, n)) {
    bits16(b, ni, 0xf000);
    dx_node_set_text(p, n, "%.4s .... = Err: %s (0x%02x)", b,
                     dx_val_name_def(err_vals, ni >> 12u, "Unknown"), ni >> 12);
  }
  n = dx_add_item(p, ntp, FL(F_PRIV_NUM), t, 4, 2);
  if (dx_label_wanted(p, n)) {
    bits16(b, ni, 0x0fff);
    dx_node_set_text(p, n, "%s = Number of data items: %u", b, ni & 0x0fffu);
  }
  if (!dx_get_u16(t, 6, &sz))
    goto short_;
  n = dx_add_item(p, ntp, FL(F_PRIV_RES), t, 6, 1);
  if (dx_label_wanted(p, n)) {
    bits16(b, sz, 0xf000);
    dx_node_set_text(p, n, "%.4s .... = Reserved: 0x%02x", b, sz >> 12);
  }
  n = dx_add_item(p, ntp, FL(F_PRIV_SIZE), t, 6, 2);
  if (dx_label_wanted(p, n)) {
    bits16(b, sz, 0x0fff);
    dx_node_set_text(p, n, "%s = Size of data item: %u", b, sz & 0x0fffu);
  }
  ni &= 0x0fff;
  sz &= 0x0fff;
  if (req != 42 && req != 20)
    return; /* other items: not decoded */
  uint32_t off = 8;
  for (unsigned i = 0; i < ni; i++) {
    if (off >= t->len)
      goto short_;
    if (!monlist_item(p, ntp, t, off, req == 42))
      return;
    off += sz;
    if (sz == 0)
      break;
  }
  return;
short_:
  ran_out(p, ntp, t);
}

static uint32_t dissect_ntp(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  dx_col_set_proto(p, "NTP");
  dx_col_info_clear(p);
  uint8_t flags = 0;
  dx_get_u8(t, 0, &flags);
  unsigned vn = (flags >> 3) & 7, mode = flags & 7;
  const char *vs = vn >= 1 && vn <= 4 ? dx_val_name(vn_vals, vn) : "reserved";
  dx_node *ntp = dx_add_proto(p, parent, FL(F_NTP), t, 0, t->len);
  if (dx_label_wanted(p, ntp))
    dx_node_set_text(p, ntp, "Network Time Protocol (%s, %s)", vs, mode_short[mode]);
  dx_col_info_set(p, "%s, %s", vs, mode_short[mode]);
  if (!dx_tvb_has(t, 0, 1)) {
    ran_out(p, ntp, t);
    return t->len;
  }
  dx_node *fn = dx_add_item(p, ntp, FL(F_FLAGS), t, 0, 1);
  flags_tree(p, fn, t, mode == 7);
  if (mode == 7)
    dissect_priv(p, ntp, t, flags);
  else if (mode != 6)
    dissect_std(p, ntp, t);
  return t->len;
}

static const dx_reg ntp_regs[] = {{DX_TABLE_UDP_PORT, 123}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_ntp = {
    .name = "ntp",
    .label = "Network Time Protocol",
    .fields = ntp_fields,
    .nfields = DX_ARRAY_LEN(ntp_fields),
    .dissect = dissect_ntp,
    .regs = ntp_regs,
};
