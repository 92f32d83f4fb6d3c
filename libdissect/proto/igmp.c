/* Internet Group Management Protocol: version 0 (RFC 988), 1 (RFC 1112),
 * 2 (RFC 2236), 3 (RFC 3376) and multicast traceroute
 * (draft-ietf-idmr-traceroute-ipm-07), shown as tshark 4.0's
 * packet-igmp.c shows them.
 *
 * The version is told as tshark tells it: by the type (0x00-0x0f v0, 0x12
 * v1, 0x16/0x17 v2, 0x22 v3) and, for a Membership Query (0x11), by the
 * length (12 bytes or more: v3) and the second byte (non-zero: v2's Max
 * Resp Time; zero: v1). tshark hands the message on to itself by type
 * ("igmp.type" table), so frame.protocols names the layer twice
 * ("ip:igmp:igmp"); a type no IGMP dissector knows is shown once, with
 * its bytes as igmp.data. (DVMRP, PIMv1, MRDISC, MSNIP, IGAP and RGMP,
 * other dissectors in tshark, are such types here.) */
#include "../core/checksum.h"
#include "../core/dx.h"

#include <stdio.h>
#include <string.h>

enum {
  F_IGMP,
  F_VERSION,
  F_TYPE,
  F_RESERVED,
  F_GROUP_TYPE,
  F_REPLY,
  F_REPLY_PENDING,
  F_MAX_RESP,
  F_MAX_RESP_EXP,
  F_MAX_RESP_MANT,
  F_CHECKSUM,
  F_CHECKSUM_STATUS,
  F_IDENTIFIER,
  F_MADDR,
  F_ACCESS_KEY,
  F_S,
  F_QRV,
  F_QQIC,
  F_NUM_SRC,
  F_SADDR,
  F_NUM_GRP_RECS,
  F_GROUP_RECORD,
  F_RECORD_TYPE,
  F_AUX_DATA_LEN,
  F_AUX_DATA,
  F_DATA,
  F_MT_MAX_HOPS,
  F_MT_SADDR,
  F_MT_RADDR,
  F_MT_RSPADDR,
  F_MT_RESP_TTL,
  F_MT_Q_ID,
  F_MT_BLOCK,
  F_MT_Q_ARRIVAL,
  F_MT_Q_INADDR,
  F_MT_Q_OUTADDR,
  F_MT_Q_PREVRTR,
  F_MT_Q_INPKT,
  F_MT_Q_OUTPKT,
  F_MT_Q_TOTAL,
  F_MT_Q_RTG_PROTO,
  F_MT_Q_FWD_TTL,
  F_MT_Q_MBZ,
  F_MT_Q_S,
  F_MT_Q_SRC_MASK,
  F_MT_Q_FWD_CODE,
  F_BAD_CHECKSUM,
};

/* message types (tshark's packet-igmp.h) */
enum {
  T_V0_CREATE_GROUP_REQUEST = 0x01,
  T_QUERY = 0x11,
  T_V1_REPORT = 0x12,
  T_V2_REPORT = 0x16,
  T_V2_LEAVE = 0x17,
  T_TRACEROUTE_RESPONSE = 0x1e,
  T_TRACEROUTE_QUERY_REQ = 0x1f,
  T_V3_REPORT = 0x22,
};

static const dx_vals type_vals[] = {
    {0x01, "Create Group Request"},  {0x02, "Create Group Reply"},
    {0x03, "Join Group Request"},    {0x04, "Join Group Reply"},
    {0x05, "Leave Group Request"},   {0x06, "Leave Group Reply"},
    {0x07, "Confirm Group Request"}, {0x08, "Confirm Group Reply"},
    {0x11, "Membership Query"},      {0x12, "Membership Report"},
    {0x13, "DVMRP Protocol"},        {0x14, "PIM Routing Message"},
    {0x16, "Membership Report"},     {0x17, "Leave Group"},
    {0x1e, "Traceroute Response"},   {0x1f, "Traceroute Query or Request"},
    {0x22, "Membership Report"},     {0, NULL}};

static const dx_vals group_type_vals[] = {{0, "Public Group"}, {1, "Private Group"}, {0, NULL}};

static const dx_vals reply_vals[] = {{0, "Request Granted"},
                                     {1, "Request Denied, No Resources"},
                                     {2, "Request Denied, Invalid Code"},
                                     {3, "Request Denied, Invalid Group"},
                                     {4, "Request Denied, Invalid Key"},
                                     {0, NULL}};

static const dx_vals s_vals[] = {{0, "Do not suppress router side processing"},
                                 {1, "SUPPRESS router side processing"},
                                 {0, NULL}};

/* RFC 3376 4.2.12 */
enum {
  R_MODE_IS_INCLUDE = 1,
  R_MODE_IS_EXCLUDE,
  R_CHANGE_TO_INCLUDE,
  R_CHANGE_TO_EXCLUDE,
  R_ALLOW_NEW_SOURCES,
  R_BLOCK_OLD_SOURCES,
};

static const dx_vals record_type_vals[] = {{1, "Mode Is Include"},
                                           {2, "Mode Is Exclude"},
                                           {3, "Change To Include Mode"},
                                           {4, "Change To Exclude Mode"},
                                           {5, "Allow New Sources"},
                                           {6, "Block Old Sources"},
                                           {0, NULL}};

static const dx_vals cksum_status_vals[] = {{0, "Bad"},         {1, "Good"},    {2, "Unverified"},
                                            {3, "Not present"}, {4, "Illegal"}, {0, NULL}};

static const dx_vals mtrace_rtg_vals[] = {{1, "DVMRP"},
                                          {2, "MOSPF"},
                                          {3, "PIM"},
                                          {4, "CBT"},
                                          {5, "PIM using special routing table"},
                                          {6, "PIM using a static route"},
                                          {7, "DVMRP using a static route"},
                                          {8, "PIM using MBGP (aka BGP4+) route"},
                                          {9, "CBT using special routing table"},
                                          {10, "CBT using a static route"},
                                          {11, "PIM using state created by Assert processing"},
                                          {0, NULL}};

static const dx_vals mtrace_fwd_code_vals[] = {
    {0x00, "NO_ERROR"},   {0x01, "WRONG_IF"},   {0x02, "PRUNE_SENT"},     {0x03, "PRUNE_RCVD"},
    {0x04, "SCOPED"},     {0x05, "NO_ROUTE"},   {0x06, "WRONG_LAST_HOP"}, {0x07, "NOT_FORWARDING"},
    {0x08, "REACHED_RP"}, {0x09, "RPF_IF"},     {0x0a, "NO_MULTICAST"},   {0x0b, "INFO_HIDDEN"},
    {0x81, "NO_SPACE"},   {0x82, "OLD_ROUTER"}, {0x83, "ADMIN_PROHIB"},   {0, NULL}};

static const dx_field igmp_fields[] = {
    [F_IGMP] = DX_F("igmp", "Internet Group Management Protocol", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_VERSION] = DX_F("igmp.version", "IGMP Version", DX_FT_UINT8, DX_BASE_DEC),
    [F_TYPE] = DX_FV("igmp.type", "Type", DX_FT_UINT8, DX_BASE_HEX, type_vals),
    [F_RESERVED] = DX_F("igmp.reserved", "Reserved", DX_FT_BYTES, DX_BASE_NONE),
    [F_GROUP_TYPE] =
        DX_FV("igmp.group_type", "Type Of Group", DX_FT_UINT8, DX_BASE_DEC, group_type_vals),
    [F_REPLY] = DX_FV("igmp.reply", "Reply", DX_FT_UINT8, DX_BASE_DEC, reply_vals),
    [F_REPLY_PENDING] = DX_F("igmp.reply.pending", "Reply Pending", DX_FT_UINT8, DX_BASE_DEC),
    /* the time in tenths of a second (v3: decoded from its code) */
    [F_MAX_RESP] = DX_F("igmp.max_resp", "Max Resp Time", DX_FT_UINT8, DX_BASE_DEC),
    [F_MAX_RESP_EXP] =
        DX_FM("igmp.max_resp.exp", "Exponent", DX_FT_UINT8, DX_BASE_HEX, NULL, 0x70, 8),
    [F_MAX_RESP_MANT] =
        DX_FM("igmp.max_resp.mant", "Mantissa", DX_FT_UINT8, DX_BASE_HEX, NULL, 0x0f, 8),
    [F_CHECKSUM] = DX_F("igmp.checksum", "Checksum", DX_FT_UINT16, DX_BASE_HEX),
    [F_CHECKSUM_STATUS] = DX_FV("igmp.checksum.status", "Checksum Status", DX_FT_UINT8,
                                DX_BASE_NONE, cksum_status_vals),
    [F_IDENTIFIER] = DX_F("igmp.identifier", "Identifier", DX_FT_UINT32, DX_BASE_DEC),
    [F_MADDR] = DX_F("igmp.maddr", "Multicast Address", DX_FT_IPV4, DX_BASE_NONE),
    [F_ACCESS_KEY] = DX_F("igmp.access_key", "Access Key", DX_FT_BYTES, DX_BASE_NONE),
    [F_S] = DX_FM("igmp.s", "S", DX_FT_BOOL, DX_BASE_NONE, s_vals, 0x08, 8),
    [F_QRV] = DX_FM("igmp.qrv", "QRV", DX_FT_UINT8, DX_BASE_DEC, NULL, 0x07, 8),
    [F_QQIC] = DX_F("igmp.qqic", "QQIC", DX_FT_UINT8, DX_BASE_DEC),
    [F_NUM_SRC] = DX_F("igmp.num_src", "Num Src", DX_FT_UINT16, DX_BASE_DEC),
    [F_SADDR] = DX_F("igmp.saddr", "Source Address", DX_FT_IPV4, DX_BASE_NONE),
    [F_NUM_GRP_RECS] = DX_F("igmp.num_grp_recs", "Num Group Records", DX_FT_UINT16, DX_BASE_DEC),
    /* a text-only subtree in tshark (no field of its): a name of ours */
    [F_GROUP_RECORD] = DX_F("igmp.group_record", "Group Record", DX_FT_NONE, DX_BASE_NONE),
    [F_RECORD_TYPE] =
        DX_FV("igmp.record_type", "Record Type", DX_FT_UINT8, DX_BASE_DEC, record_type_vals),
    [F_AUX_DATA_LEN] = DX_F("igmp.aux_data_len", "Aux Data Len", DX_FT_UINT8, DX_BASE_DEC),
    [F_AUX_DATA] = DX_F("igmp.aux_data", "Aux Data", DX_FT_BYTES, DX_BASE_NONE),
    [F_DATA] = DX_F("igmp.data", "Data", DX_FT_BYTES, DX_BASE_NONE),
    [F_MT_MAX_HOPS] = DX_F("igmp.mtrace.max_hops", "# hops", DX_FT_UINT8, DX_BASE_DEC),
    [F_MT_SADDR] = DX_F("igmp.mtrace.saddr", "Source Address", DX_FT_IPV4, DX_BASE_NONE),
    [F_MT_RADDR] = DX_F("igmp.mtrace.raddr", "Receiver Address", DX_FT_IPV4, DX_BASE_NONE),
    [F_MT_RSPADDR] = DX_F("igmp.mtrace.rspaddr", "Response Address", DX_FT_IPV4, DX_BASE_NONE),
    [F_MT_RESP_TTL] = DX_F("igmp.mtrace.resp_ttl", "Response TTL", DX_FT_UINT8, DX_BASE_DEC),
    [F_MT_Q_ID] = DX_F("igmp.mtrace.q_id", "Query ID", DX_FT_UINT24, DX_BASE_DEC),
    /* a text-only subtree in tshark: a name of ours */
    [F_MT_BLOCK] = DX_F("igmp.mtrace.block", "Response data block", DX_FT_NONE, DX_BASE_NONE),
    [F_MT_Q_ARRIVAL] = DX_F("igmp.mtrace.q_arrival", "Query Arrival", DX_FT_UINT32, DX_BASE_DEC),
    [F_MT_Q_INADDR] = DX_F("igmp.mtrace.q_inaddr", "In itf addr", DX_FT_IPV4, DX_BASE_NONE),
    [F_MT_Q_OUTADDR] = DX_F("igmp.mtrace.q_outaddr", "Out itf addr", DX_FT_IPV4, DX_BASE_NONE),
    [F_MT_Q_PREVRTR] = DX_F("igmp.mtrace.q_prevrtr", "Previous rtr addr", DX_FT_IPV4, DX_BASE_NONE),
    [F_MT_Q_INPKT] = DX_F("igmp.mtrace.q_inpkt", "In pkts", DX_FT_UINT32, DX_BASE_DEC),
    [F_MT_Q_OUTPKT] = DX_F("igmp.mtrace.q_outpkt", "Out pkts", DX_FT_UINT32, DX_BASE_DEC),
    [F_MT_Q_TOTAL] = DX_F("igmp.mtrace.q_total", "S,G pkt count", DX_FT_UINT32, DX_BASE_DEC),
    [F_MT_Q_RTG_PROTO] =
        DX_FV("igmp.mtrace.q_rtg_proto", "Rtg Protocol", DX_FT_UINT8, DX_BASE_DEC, mtrace_rtg_vals),
    [F_MT_Q_FWD_TTL] = DX_F("igmp.mtrace.q_fwd_ttl", "FwdTTL", DX_FT_UINT8, DX_BASE_DEC),
    [F_MT_Q_MBZ] = DX_FM("igmp.mtrace.q_mbz", "MBZ", DX_FT_UINT8, DX_BASE_HEX, NULL, 0x80, 8),
    [F_MT_Q_S] = DX_FM("igmp.mtrace.q_s", "S", DX_FT_UINT8, DX_BASE_HEX, NULL, 0x40, 8),
    [F_MT_Q_SRC_MASK] =
        DX_FM("igmp.mtrace.q_src_mask", "Src Mask", DX_FT_UINT8, DX_BASE_HEX, NULL, 0x3f, 8),
    [F_MT_Q_FWD_CODE] = DX_FV("igmp.mtrace.q_fwd_code", "Forwarding Code", DX_FT_UINT8, DX_BASE_HEX,
                              mtrace_fwd_code_vals),
    [F_BAD_CHECKSUM] = DX_F("igmp.bad_checksum", "Bad checksum", DX_FT_NONE, DX_BASE_NONE),
};

#define FL(i) (&igmp_fields[(i)])

/* One message being dissected. */
typedef struct igmp_msg {
  dx_packet *p;
  const dx_tvb *t;
  dx_node *tree; /* the igmp layer */
  uint8_t type;
} igmp_msg;

/* True if the n bytes at off are there; otherwise the layer is marked as
 * tshark's exception would leave it: malformed when the message itself
 * is shorter (its IP length), truncated when the capture cut it. */
static bool need(igmp_msg *m, uint32_t off, uint32_t n) {
  if (dx_tvb_has(m->t, off, n))
    return true;
  if ((uint64_t)off + n > m->t->reported)
    dx_mark_malformed(m->p, m->tree, "IGMP message shorter than its fields");
  else
    dx_mark_truncated(m->p, m->tree, "IGMP message");
  return false;
}

static void ip_str(const dx_tvb *t, uint32_t off, char buf[16]) {
  const uint8_t *a = dx_get_ptr(t, off, 4);
  if (a)
    snprintf(buf, 16, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
  else
    buf[0] = '\0';
}

static uint32_t get_u32(const dx_tvb *t, uint32_t off) {
  uint32_t v = 0;
  dx_get_u32(t, off, &v);
  return v;
}

/* The layer, the Protocol and Info columns, the version and the type, as
 * tshark's dissect_igmp_common. */
static void common(igmp_msg *m, int version) {
  dx_packet *p = m->p;
  static const char *const names[] = {"IGMPv0", "IGMPv1", "IGMPv2", "IGMPv3"};
  dx_col_set_proto(p, names[version]);
  const char *tn = dx_val_name(type_vals, m->type);
  if (tn)
    dx_col_info_set(p, "%s", tn);
  else
    dx_col_info_set(p, "Unknown Type:0x%02x", m->type);
  dx_node *n = dx_add_uint(p, m->tree, FL(F_VERSION), m->t, 0, 0, (uint64_t)version);
  dx_node_set_flags(n, DX_NODE_GENERATED);
  dx_add_item(p, m->tree, FL(F_TYPE), m->t, 0, 1);
}

/* common(), and whether the byte after the type is there (most versions
 * read it next). */
static bool common_head(igmp_msg *m, int version) {
  common(m, version);
  return need(m, 1, 1);
}

/* The checksum at offset 2 over `len` bytes (0: the whole message),
 * verified when none of them is missing and the datagram was not
 * fragmented, as tshark's igmp_checksum. False if its bytes are missing. */
static bool checksum(igmp_msg *m, uint32_t len) {
  dx_packet *p = m->p;
  const dx_tvb *t = m->t;
  if (!need(m, 2, 2))
    return false;
  if (len == 0)
    len = t->reported;
  uint16_t sum = 0;
  dx_get_u16(t, 2, &sum);
  dx_node *n = dx_add_item(p, m->tree, FL(F_CHECKSUM), t, 2, 2);
  unsigned status = 2;
  if (!p->fragmented && t->len >= len && len >= 4) {
    status = dx_inet_checksum(t->data, len, 0) == 0 ? 1 : 0;
  }
  if (status == 1) {
    dx_node_set_text(p, n, "Checksum: 0x%04x [correct]", sum);
  } else if (status == 0) {
    uint32_t acc = dx_cksum_add(0, t->data, 2);
    acc = dx_cksum_add(acc, t->data + 4, len - 4);
    uint16_t should = dx_cksum_fold(acc);
    dx_node_set_text(p, n, "Checksum: 0x%04x incorrect, should be 0x%04x", sum, should);
    dx_expert(p, n, FL(F_BAD_CHECKSUM), DX_SEV_ERROR, "Bad checksum [should be 0x%04x]", should);
  } else {
    dx_node_set_text(p, n, "Checksum: 0x%04x [unverified]", sum);
  }
  n = dx_add_uint(p, m->tree, FL(F_CHECKSUM_STATUS), t, 2, 0, status);
  dx_node_set_flags(n, DX_NODE_GENERATED);
  return true;
}

/* RFC 988 */
static void dissect_v0(igmp_msg *m) {
  dx_packet *p = m->p;
  const dx_tvb *t = m->t;
  if (!common_head(m, 0))
    return;
  uint8_t code = t->data[1];
  if (m->type == T_V0_CREATE_GROUP_REQUEST)
    dx_add_item(p, m->tree, FL(F_GROUP_TYPE), t, 1, 1);
  else if (!(m->type & 1))
    dx_add_item(p, m->tree, FL(code < 5 ? F_REPLY : F_REPLY_PENDING), t, 1, 1);
  if (!checksum(m, 20) || !need(m, 4, 4))
    return;
  dx_add_item(p, m->tree, FL(F_IDENTIFIER), t, 4, 4);
  if (!need(m, 8, 4))
    return;
  dx_add_item(p, m->tree, FL(F_MADDR), t, 8, 4);
  if (!need(m, 12, 8))
    return;
  dx_add_item(p, m->tree, FL(F_ACCESS_KEY), t, 12, 8);
}

/* RFC 1112 */
static void dissect_v1(igmp_msg *m) {
  if (!common_head(m, 1))
    return;
  dx_add_item(m->p, m->tree, FL(F_RESERVED), m->t, 1, 1);
  if (!checksum(m, 8) || !need(m, 4, 4))
    return;
  dx_add_item(m->p, m->tree, FL(F_MADDR), m->t, 4, 4);
}

/* RFC 2236 */
static void dissect_v2(igmp_msg *m) {
  dx_packet *p = m->p;
  const dx_tvb *t = m->t;
  if (!common_head(m, 2))
    return;
  uint8_t mrt = t->data[1];
  dx_node *n = dx_add_uint(p, m->tree, FL(F_MAX_RESP), t, 1, 1, mrt);
  dx_node_set_text(p, n, "Max Resp Time: %.1f sec (0x%02x)", mrt * 0.1, mrt);
  if (!checksum(m, 8) || !need(m, 4, 4))
    return;
  dx_add_item(p, m->tree, FL(F_MADDR), t, 4, 4);
  char a[16];
  ip_str(t, 4, a);
  if (get_u32(t, 4) == 0)
    dx_col_info_append(p, ", general");
  else if (m->type == T_V2_LEAVE)
    dx_col_info_append(p, " %s", a);
  else if (m->type == T_QUERY)
    dx_col_info_append(p, ", specific for group %s", a);
  else
    dx_col_info_append(p, " group %s", a);
}

/* RFC 3376 4.1.1: a code of 128 or more is a floating point value,
 * (mant | 0x10) << (exp + 3) tenths of a second. */
static void v3_max_resp(igmp_msg *m, uint32_t off) {
  dx_packet *p = m->p;
  uint8_t bits = m->t->data[off];
  uint32_t tsecs = bits;
  if (bits & 0x80)
    tsecs = ((uint32_t)(bits & 0x0f) | 0x10) << (((bits & 0x70) >> 4) + 3);
  dx_node *n = dx_add_uint(p, m->tree, FL(F_MAX_RESP), m->t, off, 1, tsecs);
  dx_node_set_text(p, n, "Max Resp Time: %.1f sec (0x%02x)", tsecs * 0.1, bits);
  if (bits & 0x80) {
    dx_add_item(p, n, FL(F_MAX_RESP_EXP), m->t, off, 1);
    dx_add_item(p, n, FL(F_MAX_RESP_MANT), m->t, off, 1);
  }
}

/* Appends "a, b, c}" for the num sources at off (each after its address
 * is known to be there) and adds them; returns the offset after them, or
 * 0 if the bytes ran out. */
static uint32_t sources(igmp_msg *m, dx_node *tree, uint32_t off, uint32_t num) {
  char a[16];
  while (num--) {
    if (!need(m, off, 4))
      return 0;
    ip_str(m->t, off, a);
    dx_col_info_append(m->p, "%s%s", a, num ? ", " : "}");
    dx_add_item(m->p, tree, FL(F_SADDR), m->t, off, 4);
    off += 4;
  }
  return off;
}

/* RFC 3376 4.1 */
static void dissect_v3_query(igmp_msg *m) {
  dx_packet *p = m->p;
  const dx_tvb *t = m->t;
  common(m, 3);
  if (!need(m, 10, 2)) /* tshark reads the number of sources first */
    return;
  uint16_t num = 0;
  dx_get_u16(t, 10, &num);
  v3_max_resp(m, 1);
  if (!checksum(m, 0) || !need(m, 4, 4))
    return;
  dx_add_item(p, m->tree, FL(F_MADDR), t, 4, 4);
  char a[16];
  ip_str(t, 4, a);
  if (get_u32(t, 4) == 0)
    dx_col_info_append(p, ", general");
  else
    dx_col_info_append(p, ", specific for group %s", a);
  dx_add_item(p, m->tree, FL(F_S), t, 8, 1);
  dx_add_item(p, m->tree, FL(F_QRV), t, 8, 1);
  dx_add_item(p, m->tree, FL(F_QQIC), t, 9, 1);
  dx_add_uint(p, m->tree, FL(F_NUM_SRC), t, 10, 2, num);
  if (num)
    dx_col_info_append(p, ", source%s {", num > 1 ? "s" : "");
  sources(m, m->tree, 12, num);
}

/* One group record of a v3 report (RFC 3376 4.2.4); returns the offset
 * after it, or 0 if the bytes ran out. */
static uint32_t group_record(igmp_msg *m, uint32_t off) {
  dx_packet *p = m->p;
  const dx_tvb *t = m->t;
  uint32_t start = off;
  if (!need(m, off, 8))
    return 0;
  uint8_t rtype = t->data[off], adl = t->data[off + 1];
  uint16_t num = 0;
  dx_get_u16(t, off + 2, &num);
  char a[16];
  ip_str(t, off + 4, a);
  dx_node *rec = dx_add_none(p, m->tree, FL(F_GROUP_RECORD), t, off, t->len - off);
  dx_node_set_text(p, rec, "Group Record : %s  %s", a,
                   dx_val_name_def(record_type_vals, rtype, ""));
  dx_add_item(p, rec, FL(F_RECORD_TYPE), t, off, 1);
  dx_add_item(p, rec, FL(F_AUX_DATA_LEN), t, off + 1, 1);
  dx_add_item(p, rec, FL(F_NUM_SRC), t, off + 2, 2);
  dx_add_item(p, rec, FL(F_MADDR), t, off + 4, 4);
  off += 8;
  if (num == 0) {
    switch (rtype) {
    case R_MODE_IS_INCLUDE:
    case R_CHANGE_TO_INCLUDE: dx_col_info_append(p, " / Leave group %s", a); break;
    case R_MODE_IS_EXCLUDE:
    case R_CHANGE_TO_EXCLUDE: dx_col_info_append(p, " / Join group %s for any sources", a); break;
    case R_ALLOW_NEW_SOURCES:
      dx_col_info_append(p, " / Group %s, ALLOW_NEW_SOURCES but no source specified (?)", a);
      break;
    case R_BLOCK_OLD_SOURCES:
      dx_col_info_append(p, " / Group %s, BLOCK_OLD_SOURCES but no source specified (?)", a);
      break;
    default: dx_col_info_append(p, " / Group %s, unknown record type (?)", a); break;
    }
  } else {
    switch (rtype) {
    case R_MODE_IS_INCLUDE:
    case R_CHANGE_TO_INCLUDE:
      dx_col_info_append(p, " / Join group %s for source%s {", a, num > 1 ? "s in" : "");
      break;
    case R_MODE_IS_EXCLUDE:
    case R_CHANGE_TO_EXCLUDE:
      dx_col_info_append(p, " / Join group %s, for source%s {", a, num > 1 ? "s not in" : " not");
      break;
    case R_ALLOW_NEW_SOURCES:
      dx_col_info_append(p, " / Group %s, new source%s {", a, num > 1 ? "s" : "");
      break;
    case R_BLOCK_OLD_SOURCES:
      dx_col_info_append(p, " / Group %s, block source%s {", a, num > 1 ? "s" : "");
      break;
    default: dx_col_info_append(p, " / Group %s, unknown record type (?), sources {", a); break;
    }
  }
  off = sources(m, rec, off, num);
  if (!off)
    return 0;
  if (adl) {
    if (!need(m, off, adl * 4u))
      return 0;
    dx_add_item(p, rec, FL(F_AUX_DATA), t, off, adl * 4u);
    off += adl * 4u;
  }
  dx_node_set_len(rec, off - start);
  return off;
}

/* RFC 3376 4.2 */
static void dissect_v3_report(igmp_msg *m) {
  dx_packet *p = m->p;
  const dx_tvb *t = m->t;
  if (!common_head(m, 3))
    return;
  dx_add_item(p, m->tree, FL(F_RESERVED), t, 1, 1);
  if (!checksum(m, 0) || !need(m, 4, 2))
    return;
  dx_add_item(p, m->tree, FL(F_RESERVED), t, 4, 2);
  if (!need(m, 6, 2))
    return;
  uint16_t num = 0;
  dx_get_u16(t, 6, &num);
  if (!num)
    dx_col_info_append(p, " - General query");
  dx_add_item(p, m->tree, FL(F_NUM_GRP_RECS), t, 6, 2);
  uint32_t off = 8;
  while (num-- && off)
    off = group_record(m, off);
}

/* Multicast traceroute (draft-ietf-idmr-traceroute-ipm-07): a 24-byte
 * header (a Query is nothing more) and 32-byte response blocks. */
static void dissect_mtrace(igmp_msg *m) {
  dx_packet *p = m->p;
  const dx_tvb *t = m->t;
  dx_col_set_proto(p, "IGMP");
  const char *ts;
  if (m->type == T_TRACEROUTE_RESPONSE)
    ts = "Traceroute Response";
  else if (t->reported == 24)
    ts = "Traceroute Query";
  else
    ts = "Traceroute Request";
  dx_col_info_set(p, "%s", ts);
  if (m->type == T_TRACEROUTE_RESPONSE) {
    /* tshark counts in an int: fewer than 24 bytes give 0 or less */
    long i = ((long)t->reported - 24) / 32;
    dx_col_info_append(p, ", %ld block%s", i, i == 1 ? "" : "s");
  }
  dx_node *n = dx_add_item(p, m->tree, FL(F_TYPE), t, 0, 1);
  dx_node_set_text(p, n, "Type: %s (0x%02x)", ts, m->type);
  static const struct {
    int f;
    uint32_t off, len;
  } hdr[] = {{F_MT_MAX_HOPS, 1, 1},  {-1, 2, 2},          {F_MADDR, 4, 4},
             {F_MT_SADDR, 8, 4},     {F_MT_RADDR, 12, 4}, {F_MT_RSPADDR, 16, 4},
             {F_MT_RESP_TTL, 20, 1}, {F_MT_Q_ID, 21, 3}};
  for (size_t i = 0; i < DX_ARRAY_LEN(hdr); i++) {
    if (hdr[i].f < 0) {
      if (!checksum(m, 0))
        return;
      continue;
    }
    if (!need(m, hdr[i].off, hdr[i].len))
      return;
    dx_add_item(p, m->tree, FL(hdr[i].f), t, hdr[i].off, hdr[i].len);
  }
  static const struct {
    int f;
    uint32_t off, len;
  } blk[] = {{F_MT_Q_ARRIVAL, 0, 4},  {F_MT_Q_INADDR, 4, 4},     {F_MT_Q_OUTADDR, 8, 4},
             {F_MT_Q_PREVRTR, 12, 4}, {F_MT_Q_INPKT, 16, 4},     {F_MT_Q_OUTPKT, 20, 4},
             {F_MT_Q_TOTAL, 24, 4},   {F_MT_Q_RTG_PROTO, 28, 1}, {F_MT_Q_FWD_TTL, 29, 1},
             {F_MT_Q_MBZ, 30, 1},     {F_MT_Q_S, 30, 1},         {F_MT_Q_SRC_MASK, 30, 1},
             {F_MT_Q_FWD_CODE, 31, 1}};
  for (uint32_t off = 24; t->reported >= off && t->reported - off >= 32; off += 32) {
    if (!need(m, off, 32))
      return;
    char in[16], out[16];
    ip_str(t, off + 4, in);
    ip_str(t, off + 8, out);
    dx_node *b = dx_add_none(p, m->tree, FL(F_MT_BLOCK), t, off, 32);
    dx_node_set_text(p, b, "Response data block: %s -> %s,  Proto: %s,  Forwarding Code: %s", in,
                     out, dx_val_name_def(mtrace_rtg_vals, t->data[off + 28], "Unknown"),
                     dx_val_name_def(mtrace_fwd_code_vals, t->data[off + 31], "Unknown"));
    for (size_t i = 0; i < DX_ARRAY_LEN(blk); i++)
      dx_add_item(p, b, FL(blk[i].f), t, off + blk[i].off, blk[i].len);
  }
}

/* A type no IGMP dissector of tshark's knows: its bytes as data. */
static void dissect_unknown(igmp_msg *m) {
  dx_packet *p = m->p;
  dx_col_set_proto(p, "IGMP");
  const char *tn = dx_val_name(type_vals, m->type);
  if (tn)
    dx_col_info_set(p, "%s", tn);
  else
    dx_col_info_set(p, "Unknown Type:0x%02x", m->type);
  dx_add_item(p, m->tree, FL(F_TYPE), m->t, 0, 1);
  /* the rest as data: none left is tshark's exception too */
  if (need(m, 1, 1))
    dx_add_item(p, m->tree, FL(F_DATA), m->t, 1, m->t->len - 1);
}

static uint32_t dissect_igmp(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  if (t->reported == 0)
    return 0; /* nothing to dissect: IP's own handling of an empty payload */
  igmp_msg m = {.p = p, .t = t, .tree = NULL, .type = 0};
  m.tree = dx_add_proto(p, parent, FL(F_IGMP), t, 0, t->len);
  if (!dx_get_u8(t, 0, &m.type)) {
    /* tshark's exception comes before its columns are set */
    need(&m, 0, 1);
    return t->reported;
  }
  bool known = true;
  uint8_t b1 = 0;
  switch (m.type) {
  case T_QUERY:
    if (t->reported >= 12)
      dissect_v3_query(&m);
    else if (!dx_get_u8(t, 1, &b1))
      need(&m, 1, 1); /* (before tshark's columns too) */
    else if (b1)
      dissect_v2(&m);
    else
      dissect_v1(&m);
    break;
  case T_V1_REPORT: dissect_v1(&m); break;
  case T_V2_REPORT:
  case T_V2_LEAVE: dissect_v2(&m); break;
  case T_V3_REPORT: dissect_v3_report(&m); break;
  case T_TRACEROUTE_RESPONSE:
  case T_TRACEROUTE_QUERY_REQ: dissect_mtrace(&m); break;
  default:
    if (m.type <= 0x0f) {
      dissect_v0(&m);
    } else {
      known = false;
      dissect_unknown(&m);
    }
    break;
  }
  /* handed on by type to tshark's own IGMP dissectors: "igmp:igmp" */
  if (known && m.tree && !(m.tree->flags & DX_NODE_GHOST))
    m.tree->v.u |= DX_PROTO_CALLED_TWICE;
  return t->len;
}

static const dx_reg igmp_regs[] = {{DX_TABLE_IPPROTO, 2}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_igmp = {
    .name = "igmp",
    .label = "Internet Group Management Protocol",
    .fields = igmp_fields,
    .nfields = DX_ARRAY_LEN(igmp_fields),
    .dissect = dissect_igmp,
    .regs = igmp_regs,
};
