/* Generic Network Virtualization Encapsulation (Geneve, RFC 8926; UDP port
 * 6081): an 8-byte header (version, options length, the OAM and critical
 * flags, the protocol type, the 24-bit VNI), then options of class, type
 * and length, then the payload by its protocol type (an EtherType;
 * Transparent Ethernet Bridging 0x6558 to Ethernet), as tshark 4.0 shows
 * them: the option classes by its ranges, Google Cloud's options (class
 * 0x0132) decoded, any other option's data as bytes. */
#include "../core/dx.h"

extern const dx_vals dx_ethertype_vals[];

enum {
  F_GENEVE,
  F_VERSION,
  F_OPT_LEN, /* the header's options length and each option's length */
  F_FLAGS,
  F_FLAG_OAM,
  F_FLAG_CRIT,
  F_FLAG_RSV,
  F_PROTO,
  F_VNI,
  F_RESERVED,
  F_OPTIONS,
  F_OPTION,
  F_O_CLASS,
  F_O_TYPE,
  F_O_TYPE_CRIT,
  F_O_FLAGS,
  F_O_FLAGS_RSV,
  F_O_UNKNOWN,
  F_GCP_VNID,
  F_GCP_RESERVED,
  F_GCP_DIRECTION,
  F_GCP_ENDPOINT,
  F_GCP_PROFILE,
  F_VERSION_UNKNOWN,
  F_OPT_LEN_INVALID,
};

static const dx_vals false_true[] = {{0, "False"}, {1, "True"}, {0, NULL}};
static const dx_vals direction_vals[] = {{0, "Ingress"}, {1, "Egress"}, {0, NULL}};

static const dx_field geneve_fields[] = {
    [F_GENEVE] = DX_F("geneve", "Generic Network Virtualization Encapsulation", DX_FT_PROTOCOL,
                      DX_BASE_NONE),
    [F_VERSION] = DX_F("geneve.version", "Version", DX_FT_UINT8, DX_BASE_DEC),
    [F_OPT_LEN] = DX_F("geneve.option.length", "Length", DX_FT_UINT8, DX_BASE_DEC),
    [F_FLAGS] = DX_F("geneve.flags", "Flags", DX_FT_UINT8, DX_BASE_HEX),
    [F_FLAG_OAM] = DX_FM("geneve.flags.oam", "Operations, Administration and Management Frame",
                         DX_FT_BOOL, DX_BASE_NONE, false_true, 0x80, 8),
    [F_FLAG_CRIT] = DX_FM("geneve.flags.critical", "Critical Options Present", DX_FT_BOOL,
                          DX_BASE_NONE, false_true, 0x40, 8),
    [F_FLAG_RSV] =
        DX_FM("geneve.flags.reserved", "Reserved", DX_FT_BOOL, DX_BASE_NONE, false_true, 0x3f, 8),
    [F_PROTO] =
        DX_FV("geneve.proto_type", "Protocol Type", DX_FT_UINT16, DX_BASE_HEX, dx_ethertype_vals),
    [F_VNI] = DX_F("geneve.vni", "Virtual Network Identifier (VNI)", DX_FT_UINT24, DX_BASE_HEX_DEC),
    [F_RESERVED] = DX_F("geneve.reserved", "Reserved", DX_FT_UINT8, DX_BASE_HEX),
    [F_OPTIONS] = DX_F("geneve.options", "Geneve Options", DX_FT_BYTES, DX_BASE_NONE),
    [F_OPTION] = DX_F("geneve.option", "Option", DX_FT_BYTES, DX_BASE_NONE),
    [F_O_CLASS] = DX_F("geneve.option.class", "Class", DX_FT_UINT16, DX_BASE_HEX),
    [F_O_TYPE] = DX_F("geneve.option.type", "Type", DX_FT_UINT8, DX_BASE_HEX),
    [F_O_TYPE_CRIT] = DX_FM("geneve.option.type.critical", "Critical Option", DX_FT_BOOL,
                            DX_BASE_NONE, false_true, 0x80, 8),
    [F_O_FLAGS] = DX_F("geneve.option.flags", "Flags", DX_FT_UINT8, DX_BASE_HEX),
    [F_O_FLAGS_RSV] = DX_FM("geneve.option.flags.reserved", "Reserved", DX_FT_BOOL, DX_BASE_NONE,
                            false_true, 0xe0, 8),
    [F_O_UNKNOWN] =
        DX_F("geneve.option.unknown.data", "Unknown Option Data", DX_FT_BYTES, DX_BASE_NONE),
    [F_GCP_VNID] = DX_FM("geneve.option.gcp.vnid", "GCP Virtual Network ID", DX_FT_UINT32,
                         DX_BASE_DEC, NULL, 0xfffffff0, 32),
    [F_GCP_RESERVED] = DX_FM("geneve.option.gcp.reserved", "GCP Reserved bits", DX_FT_BOOL,
                             DX_BASE_NONE, false_true, 0xe, 32),
    [F_GCP_DIRECTION] = DX_FM("geneve.option.gcp.direction", "GCP Traffic Direction", DX_FT_BOOL,
                              DX_BASE_NONE, direction_vals, 0x1, 32),
    [F_GCP_ENDPOINT] =
        DX_F("geneve.option.gcp.endpoint", "GCP Endpoint ID", DX_FT_BYTES, DX_BASE_NONE),
    [F_GCP_PROFILE] =
        DX_F("geneve.option.gcp.profile", "GCP Profile ID", DX_FT_UINT64, DX_BASE_DEC),
    [F_VERSION_UNKNOWN] =
        DX_F("geneve.version.unknown", "Unknown version", DX_FT_NONE, DX_BASE_NONE),
    [F_OPT_LEN_INVALID] =
        DX_F("geneve.option.length.invalid", "Invalid length for option", DX_FT_NONE, DX_BASE_NONE),
};

#define FL(i) (&geneve_fields[(i)])

/* The option classes as tshark 4.0 names them (its ranges). */
static const char *class_name(uint16_t c) {
  static const struct {
    uint16_t lo, hi;
    const char *name;
  } r[] = {{0x0000, 0x00ff, "Standard"},
           {0x0100, 0x0100, "Linux"},
           {0x0101, 0x0101, "Open vSwitch"},
           {0x0102, 0x0102, "Open Virtual Networking (OVN)"},
           {0x0103, 0x0103, "In-band Network Telemetry (INT)"},
           {0x0104, 0x0104, "VMware"},
           {0x0105, 0x0105, "Amazon.com, Inc."},
           {0x0106, 0x0106, "Cisco Systems, Inc."},
           {0x0107, 0x0107, "Oracle Corporation"},
           {0x0108, 0x0110, "Amazon.com, Inc."},
           {0x0111, 0x0118, "IBM"},
           {0x0119, 0x0128, "Ericsson"},
           {0x0129, 0x0129, "Oxide Computer Company"},
           {0x0130, 0x0131, "Cisco Systems, Inc."},
           {0x0132, 0x0135, "Google LLC"},
           {0x0136, 0x0136, "InfoQuick Global Connection Tech Ltd."},
           {0x0137, 0xfeff, "Unassigned"},
           {0xfff0, 0xffff, "Experimental"}};
  for (size_t i = 0; i < DX_ARRAY_LEN(r); i++)
    if (c >= r[i].lo && c <= r[i].hi)
      return r[i].name;
  return "Unknown";
}

#define GCP_CLASS 0x0132

static const char *option_name(uint16_t cls, uint8_t type) {
  if (cls == GCP_CLASS) {
    switch (type) {
    case 1: return "GCP Virtual Network ID";
    case 2: return "GCP Endpoint ID";
    case 3: return "GCP Profile ID";
    }
  }
  return "Unknown";
}

/* One option at off (whole: its length checked by the caller). */
static void dissect_option(dx_packet *p, const dx_tvb *t, dx_node *opts, uint32_t off,
                           uint32_t olen, uint16_t cls, uint8_t type, uint8_t b3) {
  dx_node *o = dx_add_bytes(p, opts, FL(F_OPTION), t, off, olen);
  dx_node_set_text(p, o, "%s, Class: %s (0x%04x) Type: 0x%02x (%s)", option_name(cls, type),
                   class_name(cls), cls, type, (type & 0x80) ? "Critical" : "Non-critical");
  dx_node *n = dx_add_item(p, o, FL(F_O_CLASS), t, off, 2);
  dx_node_set_text(p, n, "Class: %s (0x%04x)", class_name(cls), cls);
  n = dx_add_item(p, o, FL(F_O_TYPE), t, off + 2, 1);
  dx_node_set_text(p, n, "Type: 0x%02x (%s)", type, (type & 0x80) ? "Critical" : "Non-critical");
  n = dx_add_item(p, o, FL(F_O_TYPE_CRIT), t, off + 2, 1);
  dx_node_set_flags(n, DX_NODE_HIDDEN);
  n = dx_add_uint(p, o, FL(F_O_FLAGS), t, off + 3, 1, b3 & 0xe0);
  dx_node_set_flags(n, DX_NODE_HIDDEN);
  dx_add_item(p, n, FL(F_O_FLAGS_RSV), t, off + 3, 1);
  n = dx_add_uint(p, o, FL(F_OPT_LEN), t, off + 3, 1, olen);
  dx_node_set_text(p, n, "Length: %u bytes", olen);
  uint32_t doff = off + 4, dlen = olen - 4;
  if (cls == GCP_CLASS && type == 1 && dlen >= 4) {
    n = dx_add_item(p, o, FL(F_GCP_VNID), t, doff, 4);
    uint32_t w = 0;
    if (n && dx_label_wanted(p, n) && dx_get_u32(t, doff, &w)) {
      /* the bits as tshark 4.0 draws this one (a bits item: two spaces
       * between bytes) */
      char bits[48], *q = bits;
      for (int i = 31; i >= 0; i--) {
        *q++ = i >= 4 ? (char)('0' + ((w >> i) & 1)) : '.';
        if (i && i % 8 == 0)
          *q++ = ' ';
        if (i && i % 4 == 0)
          *q++ = ' ';
      }
      *q = 0;
      dx_node_set_text(p, n, "%s = GCP Virtual Network ID: %u", bits, w >> 4);
    }
    dx_add_item(p, o, FL(F_GCP_DIRECTION), t, doff, 4);
    dx_add_item(p, o, FL(F_GCP_RESERVED), t, doff, 4);
  } else if (cls == GCP_CLASS && type == 2) {
    dx_add_bytes(p, o, FL(F_GCP_ENDPOINT), t, doff, dlen);
  } else if (cls == GCP_CLASS && type == 3 && dlen >= 8) {
    dx_add_item(p, o, FL(F_GCP_PROFILE), t, doff, 8);
  } else if (cls != GCP_CLASS || dlen > 0) {
    n = dx_add_bytes(p, o, FL(F_O_UNKNOWN), t, doff, dlen);
    if (dlen == 0) /* as tshark shows an option without data */
      dx_node_set_text(p, n, "Unknown Option Data: <MISSING>");
  }
}

/* The Info column as tshark 4.0 words it (the layers inside replace it). */
static void set_info(dx_packet *p, uint16_t proto) {
  const char *name = dx_val_name(dx_ethertype_vals, proto);
  if (name)
    dx_col_info_set(p, "Encapsulated %s", name);
  else
    dx_col_info_set(p, "Encapsulated 0x%04x (unknown)", proto);
}

static uint32_t dissect_geneve(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  uint8_t b0 = 0, flags = 0;
  uint16_t proto = 0;
  uint32_t vni = 0;
  bool have_proto = dx_get_u16(t, 2, &proto);
  bool whole = dx_get_u8(t, 0, &b0) && dx_get_u8(t, 1, &flags) && have_proto &&
               dx_get_u24(t, 4, &vni) && dx_tvb_has(t, 7, 1);
  dx_get_u8(t, 0, &b0);
  dx_get_u8(t, 1, &flags);
  uint32_t optlen = (uint32_t)(b0 & 0x3f) * 4;
  dx_col_set_proto(p, "Geneve");
  if (have_proto)
    set_info(p, proto);
  dx_node *g = dx_add_proto(p, parent, FL(F_GENEVE), t, 0, whole ? 8 + optlen : t->len);
  if (whole)
    dx_node_set_text(p, g, "Generic Network Virtualization Encapsulation, VNI: 0x%06x%s", vni,
                     (flags & 0x80) ? ", OAM" : "");
  /* each item while its bytes are there (tshark stops at the first one cut) */
  if (!dx_tvb_has(t, 0, 1))
    goto cut;
  dx_add_uint(p, g, FL(F_VERSION), t, 0, 1, b0 >> 6);
  if (b0 >> 6) {
    /* as tshark's expert item: its text, then the note under it */
    dx_node *u = dx_add_none(p, g, FL(F_VERSION_UNKNOWN), t, 0, 1);
    dx_node_set_text(p, u, "Unknown version %u", b0 >> 6);
    dx_expert(p, u, dx_field_expert(), DX_SEV_WARN, "Unknown version %u", b0 >> 6);
  }
  dx_node *n = dx_add_uint(p, g, FL(F_OPT_LEN), t, 0, 1, optlen);
  dx_node_set_text(p, n, "Length: %u bytes", optlen);
  if (!dx_tvb_has(t, 1, 1))
    goto cut;
  dx_node *fl = dx_add_item(p, g, FL(F_FLAGS), t, 1, 1);
  if (fl && dx_label_wanted(p, fl)) {
    char text[128];
    dx_sb b;
    dx_sb_init(&b, text, sizeof text);
    dx_sb_str(&b, "Flags: 0x");
    static const char hex[] = "0123456789abcdef";
    char h[3] = {hex[flags >> 4], hex[flags & 15], 0};
    dx_sb_str(&b, h);
    if (flags & 0x80)
      dx_sb_str(&b, ", Operations, Administration and Management Frame");
    if (flags & 0x40)
      dx_sb_str(&b, ", Critical Options Present");
    dx_node_set_text(p, fl, "%s", text);
  }
  dx_add_item(p, fl, FL(F_FLAG_OAM), t, 1, 1);
  dx_add_item(p, fl, FL(F_FLAG_CRIT), t, 1, 1);
  dx_add_item(p, fl, FL(F_FLAG_RSV), t, 1, 1);
  if (!have_proto)
    goto cut;
  dx_add_item(p, g, FL(F_PROTO), t, 2, 2);
  if (!whole)
    goto cut;
  dx_add_item(p, g, FL(F_VNI), t, 4, 3);
  n = dx_add_item(p, g, FL(F_RESERVED), t, 7, 1);
  dx_node_set_flags(n, DX_NODE_HIDDEN);
  if (optlen) {
    dx_node *opts = dx_add_bytes(p, g, FL(F_OPTIONS), t, 8, optlen);
    dx_node_set_text(p, opts, "Options: (%u bytes)", optlen);
    uint32_t off = 8, end = 8 + optlen;
    while (off < end) {
      uint16_t cls = 0;
      uint8_t type = 0, b3 = 0;
      if (!dx_get_u16(t, off, &cls) || !dx_get_u8(t, off + 2, &type) ||
          !dx_get_u8(t, off + 3, &b3)) {
        dx_mark_truncated(p, opts, "Geneve option header");
        return t->len;
      }
      uint32_t olen = 4 + (uint32_t)(b3 & 0x1f) * 4;
      if (olen > end - off) { /* as tshark: a warning, and the options end */
        dx_node *bad = dx_add_none(p, opts, FL(F_OPT_LEN_INVALID), t, off, 4);
        dx_node_set_text(
            p, bad, "%s, Class: %s (0x%04x) Type: 0x%02x (length of %u is past end of options)",
            option_name(cls, type), class_name(cls), cls, type, olen);
        dx_expert(p, bad, dx_field_expert(), DX_SEV_WARN,
                  "%s, Class: %s (0x%04x) Type: 0x%02x (length of %u is past end of options)",
                  option_name(cls, type), class_name(cls), cls, type, olen);
        break;
      }
      if (!dx_tvb_has(t, off, olen)) {
        dx_node *cut = dx_add_bytes(p, opts, FL(F_OPTION), t, off, olen);
        dx_mark_truncated(p, cut, "Geneve option cut short");
        return t->len;
      }
      dissect_option(p, t, opts, off, olen, cls, type, b3);
      off += olen;
    }
  }
  if (!dx_tvb_has(t, 0, 8 + optlen)) {
    dx_mark_truncated(p, g, "Geneve options cut short");
    return t->len;
  }
  dx_tvb pl = dx_tvb_sub(t, 8 + optlen, UINT32_MAX);
  /* (an empty payload still goes to its dissector, as in tshark: an
   * Ethernet frame of no bytes is malformed there, unknown types show none) */
  uint32_t took = proto == 0x6558 ? dx_dissect_table(p, DX_TABLE_LINKTYPE, 1, &pl, parent)
                                  : dx_dissect_table(p, DX_TABLE_ETHERTYPE, proto, &pl, parent);
  if (took == 0 && (pl.len || pl.reported))
    dx_dissect_data(p, &pl, parent);
  return t->len;
cut:
  dx_mark_truncated(p, g, "Geneve header needs 8 bytes");
  return t->len;
}

static const dx_reg geneve_regs[] = {{DX_TABLE_UDP_PORT, 6081}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_geneve = {
    .name = "geneve",
    .label = "Generic Network Virtualization Encapsulation",
    .fields = geneve_fields,
    .nfields = DX_ARRAY_LEN(geneve_fields),
    .dissect = dissect_geneve,
    .regs = geneve_regs,
};
