/* Generic Routing Encapsulation (RFC 2784, key and sequence number of
 * RFC 2890, the enhanced GRE of PPTP, RFC 2637; IP protocol 47) and the
 * ERSPAN headers Cisco's port mirroring puts behind it (GRE protocol type
 * 0x88be: type I without a header when the GRE sequence number is absent,
 * type II with an 8-byte header; draft-foschiano-erspan).
 *
 * The payload goes to the EtherType table by the protocol type (IPv4,
 * IPv6, ARP, MPLS; Transparent Ethernet Bridging 0x6558 to Ethernet), else
 * it is data. As in
 * tshark 4.0 the header checksum is shown, not verified. */
#include "../core/dx.h"

enum {
  F_GRE,
  F_FLAGS,
  F_F_CSUM,
  F_F_ROUTING,
  F_F_KEY,
  F_F_SEQ,
  F_F_SSR,
  F_F_RECUR,
  F_F_ACK,
  F_F_RESERVED,
  F_F_VERSION,
  F_PROTO,
  F_CHECKSUM,
  F_CHECKSUM_STATUS,
  F_OFFSET,
  F_KEY,
  F_KEY_PLEN,
  F_KEY_CALLID,
  F_SEQUENCE,
  F_ACKNUM,
  F_ROUTING,
  F_R_AF,
  F_R_OFFSET,
  F_R_LEN,
  F_R_INFO,
};

enum {
  E_ERSPAN,
  E_VERSION,
  E_VLAN,
  E_COS,
  E_ENCAP,
  E_TRUNC,
  E_SPANID,
  E_RESERVED,
  E_INDEX,
};

/* Protocol type names as tshark 4.0's GRE shows them. */
static const dx_vals gre_type_vals[] = {{0x0000, "Possible GRE keepalive packet"},
                                        {0x880b, "PPP"},
                                        {0x0800, "IP"},
                                        {0x0806, "ARP"},
                                        {0x00fe, "OSI"},
                                        {0x883e, "WCCP"},
                                        {0x2000, "CDP (Cisco)"},
                                        {0x2001, "NHRP"},
                                        {0x88be, "ERSPAN"},
                                        {0x22eb, "ERSPAN III"},
                                        {0x8137, "IPX"},
                                        {0x6558, "Transparent Ethernet bridging"},
                                        {0x6559, "Frame Relay"},
                                        {0x86dd, "IPv6"},
                                        {0x8847, "MPLS label switched packet"},
                                        {0x894f, "Network Service Header"},
                                        {0x8909, "CiscoMetaData"},
                                        {0, NULL}};
static const dx_vals cksum_status_vals[] = {{0, "Bad"}, {1, "Good"}, {2, "Unverified"}, {0, NULL}};
static const dx_vals yes_no[] = {{0, "No"}, {1, "Yes"}, {0, NULL}};
static const dx_vals version_vals[] = {{0, "GRE"}, {1, "Enhanced GRE"}, {0, NULL}};

#define B16(abbr, lbl, m) DX_FM(abbr, lbl, DX_FT_BOOL, DX_BASE_NONE, yes_no, m, 16)

static const dx_field gre_fields[] = {
    [F_GRE] = DX_F("gre", "Generic Routing Encapsulation", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_FLAGS] = DX_F("gre.flags_and_version", "Flags and Version", DX_FT_UINT16, DX_BASE_HEX),
    [F_F_CSUM] = B16("gre.flags.checksum", "Checksum Bit", 0x8000),
    [F_F_ROUTING] = B16("gre.flags.routing", "Routing Bit", 0x4000),
    [F_F_KEY] = B16("gre.flags.key", "Key Bit", 0x2000),
    [F_F_SEQ] = B16("gre.flags.sequence_number", "Sequence Number Bit", 0x1000),
    [F_F_SSR] = B16("gre.flags.strict_source_route", "Strict Source Route Bit", 0x0800),
    [F_F_RECUR] = DX_FM("gre.flags.recursion_control", "Recursion control", DX_FT_UINT16,
                        DX_BASE_DEC, NULL, 0x0700, 16),
    [F_F_ACK] = B16("gre.flags.ack", "Acknowledgment", 0x0080),
    [F_F_RESERVED] = DX_FM("gre.flags.reserved", "Flags (Reserved)", DX_FT_UINT16, DX_BASE_DEC,
                           NULL, 0x00f8, 16),
    [F_F_VERSION] =
        DX_FM("gre.flags.version", "Version", DX_FT_UINT16, DX_BASE_DEC, version_vals, 0x0007, 16),
    [F_PROTO] = DX_FV("gre.proto", "Protocol Type", DX_FT_UINT16, DX_BASE_HEX, gre_type_vals),
    [F_CHECKSUM] = DX_F("gre.checksum", "Checksum", DX_FT_UINT16, DX_BASE_HEX),
    [F_CHECKSUM_STATUS] = DX_FV("gre.checksum.status", "Checksum Status", DX_FT_UINT8, DX_BASE_NONE,
                                cksum_status_vals),
    [F_OFFSET] = DX_F("gre.offset", "Offset", DX_FT_UINT16, DX_BASE_DEC),
    [F_KEY] = DX_F("gre.key", "Key", DX_FT_UINT32, DX_BASE_HEX),
    [F_KEY_PLEN] = DX_F("gre.key.payload_length", "Payload Length", DX_FT_UINT16, DX_BASE_DEC),
    [F_KEY_CALLID] = DX_F("gre.key.call_id", "Call ID", DX_FT_UINT16, DX_BASE_DEC),
    [F_SEQUENCE] = DX_F("gre.sequence_number", "Sequence Number", DX_FT_UINT32, DX_BASE_DEC),
    [F_ACKNUM] = DX_F("gre.ack_number", "Acknowledgment Number", DX_FT_UINT32, DX_BASE_DEC),
    [F_ROUTING] = DX_F("gre.routing", "Routing", DX_FT_NONE, DX_BASE_NONE),
    [F_R_AF] = DX_F("gre.routing.address_family", "Address Family", DX_FT_UINT16, DX_BASE_DEC),
    [F_R_OFFSET] = DX_F("gre.routing.sre_offset", "SRE Offset", DX_FT_UINT8, DX_BASE_DEC),
    [F_R_LEN] = DX_F("gre.routing.src_length", "SRE Length", DX_FT_UINT8, DX_BASE_DEC),
    [F_R_INFO] = DX_F("gre.routing.information", "Routing Information", DX_FT_BYTES, DX_BASE_NONE),
};

static const dx_vals erspan_version_vals[] = {{1, "Type II"}, {2, "Type III"}, {0, NULL}};
static const dx_vals erspan_encap_vals[] = {{0, "Originally without VLAN tag"},
                                            {1, "ISL encapsulated"},
                                            {2, "802.1Q encapsulated"},
                                            {3, "VLAN tag preserved in frame"},
                                            {0, NULL}};
static const dx_vals erspan_trunc_vals[] = {{0, "Not truncated"}, {1, "Truncated"}, {0, NULL}};

static const dx_field erspan_fields[] = {
    [E_ERSPAN] =
        DX_F("erspan", "Encapsulated Remote Switch Packet ANalysis", DX_FT_PROTOCOL, DX_BASE_NONE),
    [E_VERSION] = DX_FM("erspan.version", "Version", DX_FT_UINT16, DX_BASE_DEC, erspan_version_vals,
                        0xf000, 16),
    [E_VLAN] = DX_FM("erspan.vlan", "Vlan", DX_FT_UINT16, DX_BASE_DEC, NULL, 0x0fff, 16),
    [E_COS] = DX_FM("erspan.cos", "COS", DX_FT_UINT16, DX_BASE_DEC, NULL, 0xe000, 16),
    [E_ENCAP] =
        DX_FM("erspan.encap", "Encap", DX_FT_UINT16, DX_BASE_DEC, erspan_encap_vals, 0x1800, 16),
    [E_TRUNC] = DX_FM("erspan.truncated", "Truncated", DX_FT_UINT16, DX_BASE_DEC, erspan_trunc_vals,
                      0x0400, 16),
    [E_SPANID] = DX_FM("erspan.spanid", "SpanID", DX_FT_UINT16, DX_BASE_DEC, NULL, 0x03ff, 16),
    [E_RESERVED] =
        DX_FM("erspan.reserved", "Reserved", DX_FT_UINT32, DX_BASE_DEC, NULL, 0xfff00000, 32),
    [E_INDEX] = DX_FM("erspan.index", "Index", DX_FT_UINT32, DX_BASE_DEC, NULL, 0x000fffff, 32),
};

/* ERSPAN type I (no header) or II (8 bytes), then Ethernet. */
static void dissect_erspan(dx_packet *p, const dx_tvb *t, dx_node *parent, bool has_seq) {
  dx_col_set_proto(p, "ERSPAN");
  uint32_t hl = 0;
  if (!has_seq) {
    dx_node *e = dx_add_proto(p, parent, &erspan_fields[E_ERSPAN], t, 0, 0);
    dx_node_set_text(p, e, "Encapsulated Remote Switch Packet ANalysis Type I");
  } else {
    dx_node *e = dx_add_proto(p, parent, &erspan_fields[E_ERSPAN], t, 0, 8);
    uint16_t w0 = 0;
    if (dx_get_u16(t, 0, &w0) && (w0 >> 12) == 1) {
      dx_node_set_text(p, e, "Encapsulated Remote Switch Packet ANalysis Type II");
    } else if (dx_tvb_has(t, 0, 2)) {
      /* a version this dissector does not know: tshark stops there too */
      dx_add_item(p, e, &erspan_fields[E_VERSION], t, 0, 2);
      dx_node_set_len(e, 2);
      return;
    }
    dx_add_item(p, e, &erspan_fields[E_VERSION], t, 0, 2);
    dx_add_item(p, e, &erspan_fields[E_VLAN], t, 0, 2);
    dx_add_item(p, e, &erspan_fields[E_COS], t, 2, 2);
    dx_add_item(p, e, &erspan_fields[E_ENCAP], t, 2, 2);
    dx_add_item(p, e, &erspan_fields[E_TRUNC], t, 2, 2);
    dx_add_item(p, e, &erspan_fields[E_SPANID], t, 2, 2);
    dx_add_item(p, e, &erspan_fields[E_RESERVED], t, 4, 4);
    dx_add_item(p, e, &erspan_fields[E_INDEX], t, 4, 4);
    if (!dx_tvb_has(t, 0, 8)) {
      dx_mark_truncated(p, e, "ERSPAN type II header needs 8 bytes");
      return;
    }
    hl = 8;
  }
  dx_tvb eth = dx_tvb_sub(t, hl, UINT32_MAX);
  if (eth.len == 0 && eth.reported == 0)
    return;
  if (dx_dissect_table(p, DX_TABLE_LINKTYPE, 1, &eth, parent) == 0)
    dx_dissect_data(p, &eth, parent);
}

static uint32_t dissect_gre(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  if (t->len == 0 && t->reported == 0) /* nothing: IP shows no GRE, as tshark */
    return 0;
  dx_node *g = dx_add_proto(p, parent, &gre_fields[F_GRE], t, 0, 4);
  dx_col_set_proto(p, "GRE");
  uint16_t fv, type;
  if (!dx_get_u16(t, 0, &fv) || !dx_get_u16(t, 2, &type)) {
    /* (as tshark: no field unless both words are there) */
    dx_mark_truncated(p, g, "GRE header needs 4 bytes");
    return t->len;
  }
  const char *tn = dx_val_name(gre_type_vals, type);
  if (tn) {
    dx_node_set_text(p, g, "Generic Routing Encapsulation (%s)", tn);
    dx_col_info_set(p, "Encapsulated %s", tn);
  } else { /* as tshark 4.0 words an unknown type */
    dx_node_set_text(p, g, "Generic Routing Encapsulation (0x%04X - unknown)", type);
    dx_col_info_set(p, "Encapsulated 0x%04X (unknown)", type);
  }
  /* PPTP's enhanced GRE (protocol type PPP): the key holds payload length
   * and call ID, and an acknowledgment number may follow, as tshark 4.0
   * decides by the protocol type */
  bool ppp = type == 0x880b;
  dx_node *fl = dx_add_item(p, g, &gre_fields[F_FLAGS], t, 0, 2);
  for (int f = F_F_CSUM; f <= F_F_VERSION; f++) {
    if (f == F_F_ACK && !ppp)
      continue;
    dx_add_item(p, fl, &gre_fields[f], t, 0, 2);
  }
  dx_add_item(p, g, &gre_fields[F_PROTO], t, 2, 2);
  uint32_t off = 4;
  /* each optional field only if all of it is there: tshark stops at the
   * first one that is cut */
#define NEED(n)                                                                                    \
  do {                                                                                             \
    if (!dx_tvb_has(t, off, n)) {                                                                  \
      dx_node_set_len(g, t->len);                                                                  \
      dx_mark_truncated(p, g, "GRE header");                                                       \
      return t->len;                                                                               \
    }                                                                                              \
  } while (0)
  if (fv & 0xc000) { /* checksum or routing present: checksum and offset */
    NEED(2);
    uint16_t cs = 0;
    dx_get_u16(t, off, &cs);
    dx_node *cn = dx_add_item(p, g, &gre_fields[F_CHECKSUM], t, off, 2);
    dx_node_set_text(p, cn, "Checksum: 0x%04x [unverified]", cs);
    /* (as tshark 4.0 by default: not verified) */
    dx_node *st = dx_add_uint(p, g, &gre_fields[F_CHECKSUM_STATUS], t, off, 0, 2);
    dx_node_set_text(p, st, "Checksum Status: Unverified");
    dx_node_set_flags(st, DX_NODE_GENERATED);
    off += 2;
    NEED(2);
    dx_add_item(p, g, &gre_fields[F_OFFSET], t, off, 2);
    off += 2;
  }
  if (fv & 0x2000) {
    if (ppp) {
      NEED(2);
      dx_add_item(p, g, &gre_fields[F_KEY_PLEN], t, off, 2);
      NEED(4);
      dx_add_item(p, g, &gre_fields[F_KEY_CALLID], t, off + 2, 2);
    } else {
      NEED(4);
      dx_add_item(p, g, &gre_fields[F_KEY], t, off, 4);
    }
    off += 4;
  }
  if (fv & 0x1000) {
    NEED(4);
    dx_add_item(p, g, &gre_fields[F_SEQUENCE], t, off, 4);
    off += 4;
  }
  if (ppp && (fv & 0x0080)) {
    NEED(4);
    dx_add_item(p, g, &gre_fields[F_ACKNUM], t, off, 4);
    off += 4;
  }
#undef NEED
  if (fv & 0x4000) { /* RFC 1701 source route entries, until a null one */
    uint32_t start = off;
    dx_node *r = dx_add_none(p, g, &gre_fields[F_ROUTING], t, off, 0);
    for (;;) { /* ends: each entry takes at least 4 bytes of a finite tvb */
      uint16_t af = 0;
      uint8_t slen = 0;
      bool whole = dx_get_u16(t, off, &af);
      if (whole)
        dx_add_item(p, g, &gre_fields[F_R_AF], t, off, 2);
      whole = whole && dx_tvb_has(t, off + 2, 1);
      if (whole)
        dx_add_item(p, g, &gre_fields[F_R_OFFSET], t, off + 2, 1);
      whole = whole && dx_get_u8(t, off + 3, &slen);
      if (whole)
        dx_add_item(p, g, &gre_fields[F_R_LEN], t, off + 3, 1);
      if (!whole) { /* as tshark: the entries end where the bytes do */
        dx_node_set_len(g, t->len);
        dx_mark_truncated(p, g, "GRE source route entry");
        return t->len;
      }
      off += 4;
      if (af == 0 && slen == 0)
        break;
      if (!dx_tvb_has(t, off, slen)) {
        dx_node_set_len(g, t->len);
        dx_mark_truncated(p, g, "GRE routing information");
        return t->len;
      }
      dx_add_item(p, g, &gre_fields[F_R_INFO], t, off, slen);
      off += slen;
    }
    if (r)
      r->length = off - start;
  }
  if (g)
    g->length = off;
  if (!dx_tvb_has(t, 0, off)) {
    dx_mark_truncated(p, g, "GRE header");
    return t->len;
  }
  dx_tvb pl = dx_tvb_sub(t, off, UINT32_MAX);
  if (pl.len == 0 && pl.reported == 0)
    return off;
  if (type == 0x88be) {
    dissect_erspan(p, &pl, parent, (fv & 0x1000) != 0);
    return t->len;
  }
  /* GRE's own table in tshark 4.0 holds these of the EtherTypes dissect
   * knows (not 802.1Q, 802.1ad or MACsec: those stay data, as in tshark) */
  uint32_t took = 0;
  if (type == 0x6558) /* Transparent Ethernet Bridging */
    took = dx_dissect_table(p, DX_TABLE_LINKTYPE, 1, &pl, parent);
  else if (type == 0x0800 || type == 0x86dd || type == 0x0806 || type == 0x8847 || type == 0x8848)
    took = dx_dissect_table(p, DX_TABLE_ETHERTYPE, type, &pl, parent);
  if (took == 0)
    dx_dissect_data(p, &pl, parent);
  return t->len;
}

static const dx_reg gre_regs[] = {{DX_TABLE_IPPROTO, 47}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_gre = {
    .name = "gre",
    .label = "Generic Routing Encapsulation",
    .fields = gre_fields,
    .nfields = DX_ARRAY_LEN(gre_fields),
    .dissect = dissect_gre,
    .regs = gre_regs,
};

const dx_protocol dx_proto_erspan = {
    .name = "erspan",
    .label = "Encapsulated Remote Switch Packet ANalysis",
    .fields = erspan_fields,
    .nfields = DX_ARRAY_LEN(erspan_fields),
};
