/* Linux netfilter NFLOG (LINKTYPE_NFLOG, 239), as tcpdump.org's
 * LINKTYPE_NFLOG page describes it: a 4-byte header (address family,
 * version, resource id in network order) and then TLVs, each a 16-bit
 * length (of the TLV, header included) and a 16-bit type in the byte order
 * of the capturing host (taken as little-endian, as on every host that
 * ships Linux with NFLOG), the value padded to a multiple of 4. The values
 * themselves are in network order. NFULA_PAYLOAD (9) holds the packet
 * from its network header on: IPv4 or IPv6 by the family. */
#include "../core/dx.h"

extern const dx_vals dx_ethertype_vals[];

enum {
  F_NFLOG,
  F_FAMILY,
  F_VERSION,
  F_RES_ID,
  F_TLV,
  F_TLV_LENGTH,
  F_TLV_TYPE,
  F_PROTOCOL,
  F_HOOK,
  F_INDEV,
  F_OUTDEV,
  F_PHYSINDEV,
  F_PHYSOUTDEV,
  F_PREFIX,
  F_UID,
  F_GID,
  F_TIMESTAMP,
  F_TLV_VALUE,
};

static const dx_vals family_vals[] = {
    {0, "Unspecified"}, {2, "IPv4"}, {7, "Bridge"}, {10, "IPv6"}, {0, NULL}};
static const dx_vals tlv_type_vals[] = {{1, "NFULA_PACKET_HDR"},
                                        {2, "NFULA_MARK"},
                                        {3, "NFULA_TIMESTAMP"},
                                        {4, "NFULA_IFINDEX_INDEV"},
                                        {5, "NFULA_IFINDEX_OUTDEV"},
                                        {6, "NFULA_IFINDEX_PHYSINDEV"},
                                        {7, "NFULA_IFINDEX_PHYSOUTDEV"},
                                        {8, "NFULA_HWADDR"},
                                        {9, "NFULA_PAYLOAD"},
                                        {10, "NFULA_PREFIX"},
                                        {11, "NFULA_UID"},
                                        {12, "NFULA_SEQ"},
                                        {13, "NFULA_SEQ_GLOBAL"},
                                        {14, "NFULA_GID"},
                                        {15, "NFULA_HWTYPE"},
                                        {16, "NFULA_HWHEADER"},
                                        {17, "NFULA_HWLEN"},
                                        {18, "NFULA_CT"},
                                        {19, "NFULA_CT_INFO"},
                                        {0, NULL}};
static const dx_vals hook_vals[] = {{0, "Pre-routing"}, {1, "Local in"},     {2, "Forward"},
                                    {3, "Local out"},   {4, "Post-routing"}, {0, NULL}};

static const dx_field nflog_fields[] = {
    [F_NFLOG] = DX_F("nflog", "Linux Netfilter NFLOG", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_FAMILY] = DX_FV("nflog.family", "Family", DX_FT_UINT8, DX_BASE_DEC, family_vals),
    [F_VERSION] = DX_F("nflog.version", "Version", DX_FT_UINT8, DX_BASE_DEC),
    [F_RES_ID] = DX_F("nflog.res_id", "Resource id", DX_FT_UINT16, DX_BASE_DEC),
    [F_TLV] = DX_F("nflog.tlv", "TLV", DX_FT_BYTES, DX_BASE_NONE),
    [F_TLV_LENGTH] = DX_F("nflog.tlv_length", "Length", DX_FT_UINT16, DX_BASE_DEC),
    [F_TLV_TYPE] =
        DX_FM("nflog.tlv_type", "Type", DX_FT_UINT16, DX_BASE_DEC, tlv_type_vals, 0x7fff, 16),
    [F_PROTOCOL] =
        DX_FV("nflog.protocol", "HW protocol", DX_FT_UINT16, DX_BASE_HEX, dx_ethertype_vals),
    [F_HOOK] = DX_FV("nflog.hook", "Netfilter hook", DX_FT_UINT8, DX_BASE_DEC, hook_vals),
    [F_INDEV] = DX_F("nflog.ifindex_indev", "IFINDEX_INDEV", DX_FT_UINT32, DX_BASE_DEC),
    [F_OUTDEV] = DX_F("nflog.ifindex_outdev", "IFINDEX_OUTDEV", DX_FT_UINT32, DX_BASE_DEC),
    [F_PHYSINDEV] = DX_F("nflog.ifindex_physindev", "IFINDEX_PHYSINDEV", DX_FT_UINT32, DX_BASE_DEC),
    [F_PHYSOUTDEV] =
        DX_F("nflog.ifindex_physoutdev", "IFINDEX_PHYSOUTDEV", DX_FT_UINT32, DX_BASE_DEC),
    [F_PREFIX] = DX_F("nflog.prefix", "Prefix", DX_FT_STRING, DX_BASE_NONE),
    [F_UID] = DX_F("nflog.uid", "UID", DX_FT_INT32, DX_BASE_DEC),
    [F_GID] = DX_F("nflog.gid", "GID", DX_FT_INT32, DX_BASE_DEC),
    [F_TIMESTAMP] = DX_F("nflog.timestamp", "Timestamp", DX_FT_ABSTIME, DX_BASE_UTC),
    [F_TLV_VALUE] = DX_F("nflog.tlv_value", "Value", DX_FT_BYTES, DX_BASE_NONE),
};

#define FL(i) (&nflog_fields[(i)])

/* The value of one TLV (v: its value bytes). Returns false if the value is
 * shorter than its type needs. */
static bool tlv_value(dx_packet *p, dx_node *tn, const dx_tvb *v, uint16_t type) {
  switch (type) {
  case 1: /* struct nfulnl_msg_packet_hdr: hw_protocol, hook, pad */
    if (v->len < 3)
      return false;
    dx_add_item(p, tn, FL(F_PROTOCOL), v, 0, 2);
    dx_add_item(p, tn, FL(F_HOOK), v, 2, 1);
    return true;
  case 3: { /* struct nfulnl_msg_packet_timestamp: sec, usec (64-bit each) */
    uint64_t sec, usec;
    if (!dx_get_u64(v, 0, &sec) || !dx_get_u64(v, 8, &usec))
      return false;
    dx_add_time(p, tn, FL(F_TIMESTAMP), v, 0, 16, (int64_t)sec,
                (int32_t)((usec % 1000000u) * 1000u));
    return true;
  }
  case 4:
  case 5:
  case 6:
  case 7:
    if (v->len < 4)
      return false;
    dx_add_item(p, tn, FL(F_INDEV + (type - 4)), v, 0, 4);
    return true;
  case 10: { /* NUL-terminated prefix */
    uint32_t n = 0;
    while (n < v->len && v->data[n])
      n++;
    dx_node *s =
        dx_add_string(p, tn, FL(F_PREFIX), v, 0, n < v->len ? n + 1 : n, (const char *)v->data, n);
    DX_UNUSED(s);
    return true;
  }
  case 11:
  case 14:
    if (v->len < 4)
      return false;
    dx_add_item(p, tn, FL(type == 11 ? F_UID : F_GID), v, 0, 4);
    return true;
  case 9: return true; /* the payload: dissected after the TLVs */
  default: dx_add_item(p, tn, FL(F_TLV_VALUE), v, 0, v->len); return true;
  }
}

static uint32_t dissect_nflog(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  dx_node *s = dx_add_proto(p, parent, FL(F_NFLOG), t, 0, t->len);
  dx_col_set_proto(p, "NFLOG");
  if (!dx_tvb_has(t, 0, 4)) {
    if (t->len >= 1)
      dx_add_item(p, s, FL(F_FAMILY), t, 0, 1);
    dx_mark_truncated(p, s, "NFLOG header needs 4 bytes");
    return t->len;
  }
  uint8_t family;
  dx_get_u8(t, 0, &family);
  dx_add_item(p, s, FL(F_FAMILY), t, 0, 1);
  dx_add_item(p, s, FL(F_VERSION), t, 1, 1);
  dx_add_item(p, s, FL(F_RES_ID), t, 2, 2);
  uint32_t off = 4;
  dx_tvb payload = {0};
  bool have_payload = false;
  /* Each TLV is at least 4 bytes long and off only grows: at most len/4 steps. */
  while (off < t->len) {
    uint16_t len, type;
    if (!dx_get_u16_le(t, off, &len) || !dx_get_u16_le(t, off + 2, &type)) {
      dx_node *tn = dx_add_item(p, s, FL(F_TLV), t, off, t->len - off);
      dx_mark_truncated(p, tn, "NFLOG TLV header needs 4 bytes");
      break;
    }
    dx_node *tn = dx_add_item(p, s, FL(F_TLV), t, off, len >= 4 ? len : 4);
    uint16_t ty = type & 0x7fff;
    dx_node_set_text(p, tn, "TLV Type: %s (%u), Length: %u",
                     dx_val_name_def(tlv_type_vals, ty, "Unknown"), ty, len);
    dx_add_item_le(p, tn, FL(F_TLV_LENGTH), t, off, 2);
    dx_add_item_le(p, tn, FL(F_TLV_TYPE), t, off + 2, 2);
    if (len < 4) {
      dx_mark_malformed(p, tn, "NFLOG TLV length %u is shorter than its header", len);
      break;
    }
    if (!dx_tvb_has(t, off, len)) {
      dx_mark_truncated(p, tn, "NFLOG TLV runs past the end of the frame");
      if (ty == 9) {
        payload = dx_tvb_sub(t, off + 4, UINT32_MAX);
        have_payload = true;
      }
      break;
    }
    dx_tvb v = dx_tvb_sub(t, off + 4, (uint32_t)len - 4);
    if (ty == 9) {
      payload = v;
      have_payload = true;
    }
    if (!tlv_value(p, tn, &v, ty))
      dx_mark_malformed(p, tn, "NFLOG TLV value too short for its type");
    uint32_t next = off + (((uint32_t)len + 3u) & ~3u);
    off = next;
  }
  if (!have_payload) {
    if (t->len < t->reported) /* the capture stopped at a TLV boundary */
      dx_mark_truncated(p, s, "NFLOG TLVs cut short");
    return t->len;
  }
  uint32_t took = 0;
  if (family == 2)
    took = dx_dissect_table(p, DX_TABLE_ETHERTYPE, 0x0800, &payload, parent);
  else if (family == 10)
    took = dx_dissect_table(p, DX_TABLE_ETHERTYPE, 0x86dd, &payload, parent);
  if (took == 0)
    dx_dissect_data(p, &payload, parent);
  return t->len;
}

static const dx_reg nflog_regs[] = {{DX_TABLE_LINKTYPE, 239}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_nflog = {
    .name = "nflog",
    .label = "Linux Netfilter NFLOG",
    .fields = nflog_fields,
    .nfields = DX_ARRAY_LEN(nflog_fields),
    .dissect = dissect_nflog,
    .regs = nflog_regs,
};
