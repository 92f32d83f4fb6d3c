/* The frame pseudo-protocol: capture metadata of each packet, and dispatch
 * by link type. */
#include "../core/session.h"

#include <stdio.h>
#include <string.h>

enum {
  F_FRAME,
  F_NUMBER,
  F_TIME,
  F_OFFSET_SHIFT,
  F_TIME_EPOCH,
  F_TIME_DELTA,
  F_TIME_DELTA_DISPLAYED,
  F_TIME_RELATIVE,
  F_LEN,
  F_CAP_LEN,
  F_MARKED,
  F_IGNORED,
  F_ENCAP,
  F_PROTOCOLS,
  /* tshark 4.0's columns as fields, named by the column titles */
  F_COL_NUMBER,
  F_COL_TIME,
  F_COL_SRC,
  F_COL_DST,
  F_COL_PROTO,
  F_COL_LEN,
  F_COL_INFO,
  F_PKT_COMMENT,
  F_COMMENT,
  F_COMMENT_EXPERT,
  F_SECTION,
  F_IFACE_ID,
  F_IFACE_NAME,
  F_IFACE_DESC,
  F_PFLAGS,
  F_PF_DIR,
  F_PF_RECEPTION,
  F_PF_FCSLEN,
  F_PF_RESERVED,
  F_PF_CRC,
  F_PF_TOOLONG,
  F_PF_TOOSHORT,
  F_PF_GAP,
  F_PF_UNALIGNED,
  F_PF_SFD,
  F_PF_PREAMBLE,
  F_PF_SYMBOL,
  F_P2P_DIR,
};

/* frame.encap_type is tshark's encapsulation number (proto/linktype.c). */
extern const dx_vals dx_encap_vals[];
int dx_linktype_encap(int linktype);

static const dx_vals pf_dir_vals[] = {{0, "Unknown"}, {1, "Inbound"}, {2, "Outbound"}, {0, NULL}};
static const dx_vals pf_rx_vals[] = {{0, "Not specified"}, {1, "Unicast"},     {2, "Multicast"},
                                     {3, "Broadcast"},     {4, "Promiscuous"}, {0, NULL}};
static const dx_vals p2p_vals[] = {{0, "Sent"}, {1, "Received"}, {0, NULL}};
static const dx_vals pf_set_vals[] = {{0, "Not set"}, {1, "Set"}, {0, NULL}};
#define PFB(abbr, lbl, mask) DX_FM(abbr, lbl, DX_FT_BOOL, DX_BASE_NONE, pf_set_vals, mask, 32)

static const dx_field frame_fields[] = {
    [F_FRAME] = DX_F("frame", "Frame", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_NUMBER] = DX_F("frame.number", "Frame Number", DX_FT_UINT32, DX_BASE_DEC),
    [F_TIME] = DX_F("frame.time", "Arrival Time", DX_FT_ABSTIME, DX_BASE_LOCAL),
    [F_OFFSET_SHIFT] =
        DX_F("frame.offset_shift", "Time shift for this packet", DX_FT_RELTIME, DX_BASE_NONE),
    [F_TIME_EPOCH] = DX_F("frame.time_epoch", "Epoch Time", DX_FT_ABSTIME, DX_BASE_NONE),
    [F_TIME_DELTA] = DX_F("frame.time_delta", "Time delta from previous captured frame",
                          DX_FT_RELTIME, DX_BASE_NONE),
    [F_TIME_DELTA_DISPLAYED] =
        DX_F("frame.time_delta_displayed", "Time delta from previous displayed frame",
             DX_FT_RELTIME, DX_BASE_NONE),
    [F_TIME_RELATIVE] = DX_F("frame.time_relative", "Time since reference or first frame",
                             DX_FT_RELTIME, DX_BASE_NONE),
    [F_LEN] = DX_F("frame.len", "Frame Length", DX_FT_UINT32, DX_BASE_DEC),
    [F_CAP_LEN] = DX_F("frame.cap_len", "Capture Length", DX_FT_UINT32, DX_BASE_DEC),
    [F_MARKED] = DX_F("frame.marked", "Frame is marked", DX_FT_BOOL, DX_BASE_NONE),
    [F_IGNORED] = DX_F("frame.ignored", "Frame is ignored", DX_FT_BOOL, DX_BASE_NONE),
    [F_ENCAP] =
        DX_FV("frame.encap_type", "Encapsulation type", DX_FT_INT32, DX_BASE_DEC, dx_encap_vals),
    [F_PROTOCOLS] = DX_F("frame.protocols", "Protocols in frame", DX_FT_STRING, DX_BASE_NONE),
    [F_COL_NUMBER] = DX_F("_ws.col.No.", "No.", DX_FT_STRING, DX_BASE_NONE),
    [F_COL_TIME] = DX_F("_ws.col.Time", "Time", DX_FT_STRING, DX_BASE_NONE),
    [F_COL_SRC] = DX_F("_ws.col.Source", "Source", DX_FT_STRING, DX_BASE_NONE),
    [F_COL_DST] = DX_F("_ws.col.Destination", "Destination", DX_FT_STRING, DX_BASE_NONE),
    [F_COL_PROTO] = DX_F("_ws.col.Protocol", "Protocol", DX_FT_STRING, DX_BASE_NONE),
    [F_COL_LEN] = DX_F("_ws.col.Length", "Length", DX_FT_STRING, DX_BASE_NONE),
    [F_COL_INFO] = DX_F("_ws.col.Info", "Info", DX_FT_STRING, DX_BASE_NONE),
    /* pcapng packet comments, as tshark 4.0 shows them */
    [F_PKT_COMMENT] = DX_F("pkt_comment", "Packet comments", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_COMMENT] = DX_F("frame.comment", "Comment", DX_FT_STRING, DX_BASE_NONE),
    [F_COMMENT_EXPERT] =
        DX_F("frame.comment.expert", "Formatted comment", DX_FT_NONE, DX_BASE_NONE),
    /* where a pcapng or live frame was captured (dx_session_set_iface) */
    [F_SECTION] = DX_F("frame.section_number", "Section number", DX_FT_UINT32, DX_BASE_DEC),
    [F_IFACE_ID] = DX_F("frame.interface_id", "Interface id", DX_FT_UINT32, DX_BASE_DEC),
    [F_IFACE_NAME] = DX_F("frame.interface_name", "Interface name", DX_FT_STRING, DX_BASE_NONE),
    [F_IFACE_DESC] =
        DX_F("frame.interface_description", "Interface description", DX_FT_STRING, DX_BASE_NONE),
    /* a pcapng block's epb_flags (dx_session_set_packet_flags), as tshark
     * 4.0 names its parts (its spelling of "packet_too_error" too) */
    [F_PFLAGS] = DX_F("frame.packet_flags", "Packet flags", DX_FT_UINT32, DX_BASE_HEX),
    [F_PF_DIR] = DX_FM("frame.packet_flags_direction", "Direction", DX_FT_UINT32, DX_BASE_HEX,
                       pf_dir_vals, 0x3, 32),
    [F_PF_RECEPTION] = DX_FM("frame.packet_flags_reception_type", "Reception type", DX_FT_UINT32,
                             DX_BASE_DEC, pf_rx_vals, 0x1c, 32),
    [F_PF_FCSLEN] = DX_FM("frame.packet_flags_fcs_length", "FCS length", DX_FT_UINT32, DX_BASE_DEC,
                          NULL, 0x1e0, 32),
    [F_PF_RESERVED] = DX_FM("frame.packet_flags_reserved", "Reserved", DX_FT_UINT32, DX_BASE_DEC,
                            NULL, 0xfe00, 32),
    [F_PF_CRC] = PFB("frame.packet_flags_crc_error", "CRC error", 0x01000000),
    [F_PF_TOOLONG] =
        PFB("frame.packet_flags_packet_too_error", "Packet too long error", 0x02000000),
    [F_PF_TOOSHORT] =
        PFB("frame.packet_flags_packet_too_short_error", "Packet too short error", 0x04000000),
    [F_PF_GAP] = PFB("frame.packet_flags_wrong_inter_frame_gap_error", "Wrong interframe gap error",
                     0x08000000),
    [F_PF_UNALIGNED] =
        PFB("frame.packet_flags_unaligned_frame_error", "Unaligned frame error", 0x10000000),
    [F_PF_SFD] = PFB("frame.packet_flags_start_frame_delimiter_error",
                     "Start frame delimiter error", 0x20000000),
    [F_PF_PREAMBLE] = PFB("frame.packet_flags_preamble_error", "Preamble error", 0x40000000),
    [F_PF_SYMBOL] = PFB("frame.packet_flags_symbol_error", "Symbol error", 0x80000000),
    [F_P2P_DIR] =
        DX_FV("frame.p2p_dir", "Point-to-Point Direction", DX_FT_INT32, DX_BASE_DEC, p2p_vals),
};

const dx_protocol dx_proto_frame = {
    .name = "frame",
    .label = "Frame",
    .fields = frame_fields,
    .nfields = DX_ARRAY_LEN(frame_fields),
};

/* "eth:ethertype:ip:tcp" as tshark builds it: one name per dissector
 * call, in the order of the calls (a preorder walk of the tree), and
 * tshark's "ethertype" step after a link layer that hands its payload on
 * by EtherType. */
static bool is_ethertype_link(const dx_node *n) {
  const char *a = n->field->abbrev;
  if (!strcmp(a, "vlan") || !strcmp(a, "ieee8021ad") || !strcmp(a, "sll"))
    return true;
  if (!strcmp(a, "macsec")) /* a SecTAG of 6 or 14 bytes and the EtherType */
    return n->length == 8 || n->length == 16;
  if (strcmp(a, "eth"))
    return false;
  for (const dx_node *c = n->first_child; c; c = c->next)
    if (!strcmp(c->field->abbrev, "eth.type"))
      return true;
  return false;
}

/* The last node of a protocol met in the walk: the next node of the same
 * protocol that starts where it ended, in the same data source, is the
 * same call of its dissector (HTTP/2 frames of one TLS record, DNS
 * messages of one TCP segment, the coalesced packets of a QUIC datagram,
 * whatever came between them) and adds no name; one in another data
 * source (a reassembled PDU, then the rest of the segment; another TLS
 * record) or not adjacent (HTTP/3 data of two QUIC STREAM frames) is a
 * call of its own, as in tshark ("tls:tls", "http3:http3"). */
typedef struct {
  const dx_field *field;
  uint32_t end;
  uint16_t src;
} proto_last;

typedef struct {
  char buf[512];
  size_t used;
  const char *last;
  proto_last seen[24];
  unsigned nseen;
  bool http_port; /* TCP to one of HTTP's ports, not decoded as another protocol */
} proto_list;

static void proto_list_add(proto_list *l, const char *name, bool again) {
  if (!again && l->last && !strcmp(l->last, name))
    return;
  size_t sep = l->used ? 1 : 0, nl = strlen(name);
  if (sep + nl >= sizeof l->buf - l->used) /* it does not fit: left out */
    return;
  if (sep)
    l->buf[l->used] = ':';
  memcpy(l->buf + l->used + sep, name, nl + 1);
  l->used += sep + nl;
  l->last = name;
}

/* True if n continues the call of the previous node of its protocol. */
static bool proto_continues(proto_list *l, const dx_node *n) {
  proto_last *e = NULL;
  for (unsigned i = 0; i < l->nseen && !e; i++)
    if (l->seen[i].field == n->field)
      e = &l->seen[i];
  /* an IP header right after another is a tunnel (IP in IP, RFC 2003;
   * IPv6 in IPv6): a call of its own, "ip:ip" as in tshark */
  const char *a = n->field->abbrev;
  bool tunnel = !strcmp(a, "ip") || !strcmp(a, "ipv6");
  bool same = e && !tunnel && e->src == n->src && e->end == n->offset;
  if (!e && l->nseen < DX_ARRAY_LEN(l->seen))
    e = &l->seen[l->nseen++];
  if (e) {
    e->field = n->field;
    e->src = n->src;
    e->end = n->offset + n->length;
  }
  return same;
}

/* tshark's TCP ports of HTTP (its http.tcp.port range): cleartext HTTP/2
 * on them is reached through HTTP's dissector ("http:http2"). */
static bool http_tcp_port(uint16_t p) {
  static const uint16_t ports[] = {80, 3128, 3132, 5985, 8080, 8088, 11371, 1900, 2869, 2710};
  for (size_t i = 0; i < DX_ARRAY_LEN(ports); i++)
    if (ports[i] == p)
      return true;
  return false;
}

/* The sub-dissector tshark's BER code calls for an object identifier in a
 * certificate (its "ber.oid" table), one name per call: attribute values
 * (X.509 selected attribute types), extensions (certificate extensions,
 * PKIX), algorithm parameters (PKCS #1). NULL: none registered. */
static const char *x509_oid_layer(const dx_node *n) {
  const char *o = (const char *)n->v.b.p;
  if (!o)
    return NULL;
  const char *a = n->field->abbrev;
  if (!strcmp(a, "x509if.oid")) { /* an AttributeTypeAndValue's type */
    static const char *const sat[] = {"2.5.4.0",
                                      "2.5.4.2",
                                      "2.5.4.3",
                                      "2.5.4.4",
                                      "2.5.4.5",
                                      "2.5.4.6",
                                      "2.5.4.7",
                                      "2.5.4.7.1",
                                      "2.5.4.8",
                                      "2.5.4.8.1",
                                      "2.5.4.9",
                                      "2.5.4.9.1",
                                      "2.5.4.10",
                                      "2.5.4.10.1",
                                      "2.5.4.11",
                                      "2.5.4.11.1",
                                      "2.5.4.12",
                                      "2.5.4.13",
                                      "2.5.4.14",
                                      "2.5.4.15",
                                      "2.5.4.16",
                                      "2.5.4.17",
                                      "2.5.4.17.1",
                                      "2.5.4.18",
                                      "2.5.4.18.1",
                                      "2.5.4.19",
                                      "2.5.4.19.1",
                                      "2.5.4.20",
                                      "2.5.4.20.1",
                                      "2.5.4.21",
                                      "2.5.4.21.1",
                                      "2.5.4.23",
                                      "2.5.4.23.1",
                                      "2.5.4.24",
                                      "2.5.4.25",
                                      "2.5.4.25.1",
                                      "2.5.4.26",
                                      "2.5.4.27",
                                      "2.5.4.28",
                                      "2.5.4.29",
                                      "2.5.4.30",
                                      "2.5.4.35",
                                      "2.5.4.41",
                                      "2.5.4.42",
                                      "2.5.4.43",
                                      "2.5.4.44",
                                      "2.5.4.45",
                                      "2.5.4.46",
                                      "2.5.4.47",
                                      "2.5.4.48",
                                      "2.5.4.50",
                                      "2.5.4.51",
                                      "2.5.4.52",
                                      "2.5.4.54",
                                      "2.5.4.56",
                                      "2.5.4.65",
                                      "2.5.4.66",
                                      "2.5.4.67",
                                      "1.2.840.113549.1.9.1",
                                      "1.2.840.113549.1.9.7",
                                      "1.2.840.113549.1.9.8",
                                      "1.2.840.113549.1.9.13",
                                      "1.2.840.113549.1.9.20",
                                      "1.2.840.113549.1.9.21",
                                      "0.9.2342.19200300.100.1.25",
                                      "1.3.6.1.5.5.7.9.1",
                                      "1.3.6.1.5.5.7.9.2",
                                      "1.3.6.1.5.5.7.9.3",
                                      "1.3.6.1.5.5.7.9.4",
                                      "1.3.6.1.5.5.7.9.5"};
    for (size_t i = 0; i < DX_ARRAY_LEN(sat); i++)
      if (!strcmp(o, sat[i]))
        return "x509sat";
    return NULL;
  }
  if (!strcmp(a, "x509af.extension.id")) {
    static const char *const ce[] = {"2.5.29.3",
                                     "2.5.29.9",
                                     "2.5.29.14",
                                     "2.5.29.15",
                                     "2.5.29.16",
                                     "2.5.29.17",
                                     "2.5.29.18",
                                     "2.5.29.19",
                                     "2.5.29.20",
                                     "2.5.29.21",
                                     "2.5.29.23",
                                     "2.5.29.27",
                                     "2.5.29.28",
                                     "2.5.29.29",
                                     "2.5.29.30",
                                     "2.5.29.31",
                                     "2.5.29.32",
                                     "2.5.29.33",
                                     "2.5.29.35",
                                     "2.5.29.36",
                                     "2.5.29.37",
                                     "2.5.29.40",
                                     "2.5.29.44",
                                     "2.5.29.45",
                                     "2.5.29.46",
                                     "2.5.29.47",
                                     "2.5.29.53",
                                     "2.5.29.54",
                                     "1.3.6.1.5.5.7.1.34",
                                     "1.3.6.1.4.1.311.21.7",
                                     "1.3.6.1.4.1.311.21.10",
                                     "1.3.6.1.4.1.311.25.2",
                                     "1.2.840.113533.7.65.0"};
    for (size_t i = 0; i < DX_ARRAY_LEN(ce); i++)
      if (!strcmp(o, ce[i]))
        return "x509ce";
    if (!strcmp(o, "1.3.6.1.5.5.7.1.1") || !strcmp(o, "1.3.6.1.5.5.7.1.11"))
      return "pkix1implicit"; /* authority and subject information access */
    if (!strcmp(o, "1.3.6.1.4.1.11129.2.4.2"))
      return "tls"; /* the SCT list (RFC 6962), TLS's */
    return NULL;
  }
  if (!strcmp(a, "x509ce.id")) { /* a certificate policy's qualifier */
    if (!strcmp(o, "1.3.6.1.5.5.7.2.1"))
      return "pkix1explicit"; /* the CPS URI */
    if (!strcmp(o, "1.3.6.1.5.5.7.2.2"))
      return "pkix1implicit"; /* the user notice */
    return NULL;
  }
  return NULL;
}

/* An HTTP/3 layer that only carries on a DATA frame's payload (HTTP/3
 * here never buffers DATA): tshark reassembles the frame, so its HTTP/3
 * dissector is not called for these bytes. */
static bool http3_data_only(const dx_node *n) {
  bool data = false;
  for (const dx_node *c = n->first_child; c; c = c->next) {
    if (!strcmp(c->field->abbrev, "http3.data"))
      data = true;
    else if (strcmp(c->field->abbrev, "http3.stream_id") != 0)
      return false;
  }
  return data;
}

static void proto_walk(proto_list *l, const dx_node *n, int depth) {
  for (; n && depth < 64; n = n->next) {
    if (n->field == &frame_fields[F_PKT_COMMENT])
      continue; /* not a layer of the frame */
    bool proto = n->field->type == DX_FT_PROTOCOL && n->field != &frame_fields[F_FRAME];
    if (proto) {
      /* the layer of a multipart's part is a layer of its own, as tshark
       * hands each part on ("data-text-lines:data-text-lines"); in a
       * terse packet the part is a ghost and the layer's parent the
       * multipart's */
      const char *pa = n->parent && n->parent->field ? n->parent->field->abbrev : "";
      bool again = strncmp(pa, "mime_multipart", 14) == 0 && (!pa[14] || !strcmp(pa + 14, ".part"));
      /* ... unless it took no bytes (tshark drops the layer of a dissector
       * that returns 0; its items stay), but for XML's and DNS's, which
       * read past the end of an empty body and keep their layer; so does
       * an empty text body anywhere (an Internet Message's, "0 lines") */
      bool empty = (again || !strcmp(n->field->abbrev, "data-text-lines")) && n->length == 0 &&
                   strcmp(n->field->abbrev, "xml") != 0 && strcmp(n->field->abbrev, "dns") != 0;
      /* (a layer's item of its own protocol right inside it is not a call;
       * an ICMP error's quoted ICMP, after the quoted IP, is one) */
      bool cont = proto_continues(l, n) ||
                  (n->parent && n->parent->field == n->field && l->last &&
                   !strcmp(l->last, n->field->abbrev)) ||
                  (!strcmp(n->field->abbrev, "http3") && http3_data_only(n));
      if (!again && !cont && l->last && !strcmp(n->field->abbrev, "http2") &&
          !strcmp(l->last, "tcp") && l->http_port)
        proto_list_add(l, "http", true); /* cleartext HTTP/2 by way of HTTP */
      if (!empty && (again || !cont) && (n->v.u & DX_PROTO_VIA_TEXT_LINES))
        proto_list_add(l, "data-text-lines", true); /* (dx_text_lines_xml) */
      if (!empty && (again || !cont))
        proto_list_add(l, n->field->abbrev, true);
      if (!empty && (again || !cont) && (n->v.u & DX_PROTO_CALLED_TWICE))
        proto_list_add(l, n->field->abbrev, true);
      if (is_ethertype_link(n))
        proto_list_add(l, "ethertype", false);
    } else if (n->field->type == DX_FT_STRING && n->field->abbrev[0] == 'x') {
      const char *sub = x509_oid_layer(n);
      if (sub)
        proto_list_add(l, sub, true);
    } else if (n->field->abbrev[0] == 'p' && !strcmp(n->field->abbrev, "pkcs1.ECParameters")) {
      proto_list_add(l, "pkcs-1", true);
    } else if (depth == 0 &&
               (n->field == dx_field_malformed() || n->field == dx_field_unreassembled() ||
                n->field == dx_field_short()) &&
               n->v.b.p) {
      /* a layer whose dissector stopped before adding it
       * (dx_exception_malformed_nolayer): named as its node would be */
      dx_node layer = *n;
      layer.field = (const dx_field *)(const void *)n->v.b.p;
      layer.length = n->v.b.len;
      if (!proto_continues(l, &layer))
        proto_list_add(l, layer.field->abbrev, true);
    }
    proto_walk(l, n->first_child, depth + 1);
  }
}

bool dx_frame_protocols_wanted(const dx_packet *p) {
  return dx_packet_wants(p, &frame_fields[F_PROTOCOLS]);
}

static void set_protocols(dx_packet *p, dx_node *protos) {
  proto_list l = {.used = 0, .last = NULL, .nseen = 0};
  l.buf[0] = 0;
  l.http_port = false;
  if (p->ipproto == 6) {
    /* the port tshark tries first, then the other (a decode-as rule wins) */
    uint16_t lo = p->srcport < p->dstport ? p->srcport : p->dstport;
    uint16_t hi = p->srcport < p->dstport ? p->dstport : p->srcport;
    const dx_protocol *da = p->sess ? dx_decode_as_proto(p->sess, DX_TABLE_TCP_PORT, lo) : NULL;
    if (!da && p->sess)
      da = dx_decode_as_proto(p->sess, DX_TABLE_TCP_PORT, hi);
    l.http_port = da ? !strcmp(da->name, "http") : http_tcp_port(lo) || http_tcp_port(hi);
  }
  proto_walk(&l, p->root.first_child, 0);
  protos->v.b.p = (const uint8_t *)dx_arena_strndup(&p->arena, l.buf, l.used);
  protos->v.b.len = (uint32_t)l.used;
}

/* The comments given with dx_session_set_comments(): a "Packet comments"
 * layer before the frame, one frame.comment each with a Comment note. */
static void add_comments(dx_packet *p, dx_node *root, const char *c, size_t len) {
  dx_node *pc = dx_add_proto(p, root, &frame_fields[F_PKT_COMMENT], NULL, 0, 0);
  for (size_t i = 0; pc && i < len;) {
    size_t l = strnlen(c + i, len - i);
    dx_node *n = dx_add_string(p, pc, &frame_fields[F_COMMENT], NULL, 0, 0, c + i, l);
    dx_node_set_text(p, n, "%.*s", (int)l, c + i);
    dx_expert(p, n, &frame_fields[F_COMMENT_EXPERT], DX_SEV_NONE, "%.*s", (int)l, c + i);
    i += l + 1;
  }
}

/* "Frame Length: %u bytes (%u bits)" without a format (the bits as
 * tshark's, in 32 bits) */
static void length_label(dx_packet *p, dx_node *n, const char *name, uint32_t len) {
  if (!dx_label_wanted(p, n))
    return;
  char lb[64];
  dx_sb b;
  dx_sb_init(&b, lb, sizeof lb);
  dx_sb_kv(&b, name, len);
  dx_sb_kv(&b, " bytes (", (uint32_t)(len * 8u));
  dx_sb_str(&b, " bits)");
  dx_node_set_text_sb(p, n, &b);
}

void dx_dissect_frame(dx_packet *p) {
  dx_tvb t = dx_packet_frame_tvb(p);
  dx_node *root = dx_packet_root_mut(p);
  if (p->sess && p->sess->next_comments_len)
    add_comments(p, root, p->sess->next_comments, p->sess->next_comments_len);
  dx_node *fr = dx_add_proto(p, root, &frame_fields[F_FRAME], &t, 0, t.len);
  /* the interface's name as tshark's: if_name, else if_description */
  const dx_iface_info *ifi = p->sess && p->sess->next_iface_set ? &p->sess->next_iface : NULL;
  const char *ifname = !ifi               ? NULL
                       : ifi->name        ? ifi->name
                       : ifi->description ? ifi->description
                                          : "unknown";
  /* the direction a pcapng block's flags give (1 inbound, 2 outbound) */
  unsigned pdir = p->sess && p->sess->next_pflags_set ? (p->sess->next_pflags & 3u) : 0;
  const char *dirs = pdir == 1 ? " (inbound)" : pdir == 2 ? " (outbound)" : "";
  if (dx_label_wanted(p, fr)) {
    /* "Frame %llu: %u bytes on wire (%u bits), %u bytes captured (%u
     * bits)[ on interface %s, id %u][ (inbound)]" without a format (every
     * packet has one) */
    char lb[DX_LABEL_MAX];
    dx_sb b;
    dx_sb_init(&b, lb, sizeof lb);
    dx_sb_kv(&b, "Frame ", p->num);
    dx_sb_kv(&b, ": ", p->frame.wirelen);
    dx_sb_kv(&b, " bytes on wire (", (uint32_t)(p->frame.wirelen * 8u));
    dx_sb_kv(&b, " bits), ", p->frame.caplen);
    dx_sb_kv(&b, " bytes captured (", (uint32_t)(p->frame.caplen * 8u));
    dx_sb_str(&b, " bits)");
    if (ifi) {
      dx_sb_str(&b, " on interface ");
      dx_sb_str(&b, ifname);
      dx_sb_kv(&b, ", id ", ifi->id);
      dx_sb_str(&b, dirs);
    }
    dx_node_set_text_sb(p, fr, &b);
  }
  dx_node *n, *protos = NULL;
  if (!dx_layer_built(p, fr))
    goto layers; /* nodes only, every one a ghost */
  /* tshark's order and marks: what the capture file holds is plain, what
   * is computed is [generated]. */
  if (ifi) {
    dx_add_uint(p, fr, &frame_fields[F_SECTION], &t, 0, 0, ifi->section);
    n = dx_add_uint(p, fr, &frame_fields[F_IFACE_ID], &t, 0, 0, ifi->id);
    if (dx_label_wanted(p, n)) {
      char lb[DX_LABEL_MAX];
      dx_sb b;
      dx_sb_init(&b, lb, sizeof lb);
      dx_sb_kv(&b, "Interface id: ", ifi->id);
      dx_sb_str(&b, " (");
      dx_sb_str(&b, ifname);
      dx_sb_str(&b, ")");
      dx_node_set_text_sb(p, n, &b);
    }
    dx_add_string(p, n, &frame_fields[F_IFACE_NAME], &t, 0, 0, ifname, strlen(ifname));
    if (ifi->description)
      dx_add_string(p, n, &frame_fields[F_IFACE_DESC], &t, 0, 0, ifi->description,
                    strlen(ifi->description));
  }
  if (p->sess && p->sess->next_pflags_set) {
    uint32_t pf = p->sess->next_pflags;
    n = dx_add_uint(p, fr, &frame_fields[F_PFLAGS], &t, 0, 0, pf);
    dx_node_set_text(p, n, "Packet flags: 0x%08x", pf);
    for (int i = F_PF_DIR; i <= F_PF_SYMBOL; i++) {
      const dx_field *f = &frame_fields[i];
      uint32_t m = (uint32_t)f->bitmask, sh = 0;
      while (m && !(m & 1)) {
        m >>= 1;
        sh++;
      }
      dx_add_uint(p, n, f, &t, 0, 0, (pf & (uint32_t)f->bitmask) >> sh);
    }
  }
  /* a node that would be a ghost (terse, of no interest) is left out:
   * nothing reads these nodes back but set_protocols (below) */
#define WANT(i) (!dx_skip_node(p, fr, &frame_fields[(i)]))
  if (WANT(F_ENCAP))
    dx_add_int(p, fr, &frame_fields[F_ENCAP], &t, 0, 0, dx_linktype_encap(p->frame.linktype));
  if (WANT(F_TIME))
    dx_add_time(p, fr, &frame_fields[F_TIME], &t, 0, 0, p->frame.ts_sec, (int32_t)p->frame.ts_nsec);
  if (WANT(F_OFFSET_SHIFT)) {
    n = dx_add_time(p, fr, &frame_fields[F_OFFSET_SHIFT], &t, 0, 0, 0, 0);
    dx_node_set_flags(n, DX_NODE_GENERATED);
  }
  if (WANT(F_TIME_EPOCH))
    dx_add_time(p, fr, &frame_fields[F_TIME_EPOCH], &t, 0, 0, p->frame.ts_sec,
                (int32_t)p->frame.ts_nsec);
  if (WANT(F_TIME_DELTA)) {
    int64_t ds;
    int32_t dn;
    dx_session_prev_time(p, &ds, &dn);
    n = dx_add_time(p, fr, &frame_fields[F_TIME_DELTA], &t, 0, 0, ds, dn);
    dx_node_set_flags(n, DX_NODE_GENERATED);
  }
  if (WANT(F_TIME_DELTA_DISPLAYED)) {
    n = dx_add_time(p, fr, &frame_fields[F_TIME_DELTA_DISPLAYED], &t, 0, 0, p->disp_sec,
                    p->disp_nsec);
    dx_node_set_flags(n, DX_NODE_GENERATED);
  }
  if (WANT(F_TIME_RELATIVE)) {
    n = dx_add_time(p, fr, &frame_fields[F_TIME_RELATIVE], &t, 0, 0, p->rel_sec, p->rel_nsec);
    dx_node_set_flags(n, DX_NODE_GENERATED);
  }
  if (WANT(F_NUMBER))
    dx_add_uint(p, fr, &frame_fields[F_NUMBER], &t, 0, 0, p->num);
  if (WANT(F_LEN)) {
    n = dx_add_uint(p, fr, &frame_fields[F_LEN], &t, 0, 0, p->frame.wirelen);
    length_label(p, n, "Frame Length: ", p->frame.wirelen);
  }
  if (WANT(F_CAP_LEN)) {
    n = dx_add_uint(p, fr, &frame_fields[F_CAP_LEN], &t, 0, 0, p->frame.caplen);
    length_label(p, n, "Capture Length: ", p->frame.caplen);
  }
  if (WANT(F_MARKED)) {
    n = dx_add_uint(p, fr, &frame_fields[F_MARKED], &t, 0, 0, 0);
    dx_node_set_flags(n, DX_NODE_GENERATED);
  }
  if (WANT(F_IGNORED)) {
    n = dx_add_uint(p, fr, &frame_fields[F_IGNORED], &t, 0, 0, 0);
    dx_node_set_flags(n, DX_NODE_GENERATED);
  }
  if (pdir == 1 || pdir == 2) /* tshark's p2p_dir from the flags: sent 0, received 1 */
    dx_add_int(p, fr, &frame_fields[F_P2P_DIR], &t, 0, 0, pdir == 1 ? 1 : 0);
#undef WANT
  protos = dx_add_string(p, fr, &frame_fields[F_PROTOCOLS], &t, 0, 0, "", 0);
  dx_node_set_flags(protos, DX_NODE_GENERATED);
layers:;

  uint32_t took = dx_dissect_table(p, DX_TABLE_LINKTYPE, (uint32_t)p->frame.linktype, &t, root);
  if (took == 0 && t.len > 0) {
    dx_col_set_proto(p, "DATA");
    dx_dissect_data(p, &t, root);
    dx_expert(p, fr, dx_field_expert(), DX_SEV_WARN, "[No dissector for link type %d]",
              p->frame.linktype);
  }
  if (protos && dx_packet_wants(p, &frame_fields[F_PROTOCOLS]))
    set_protocols(p, protos);
}

/* The columns as hidden string fields (_ws.col.Info, ...), once they are
 * final: for -e, filters and anything else that reads fields. Only the
 * columns somebody asked for are formatted. */
void dx_frame_add_columns(dx_packet *p) {
  if (p->terse && (!p->sess || !p->sess->col_fields)) /* none is of interest */
    return;
  dx_node *fr = p->root.first_child;
  if (fr && fr->field == &frame_fields[F_PKT_COMMENT])
    fr = fr->next;
  if (!fr || fr->field != &frame_fields[F_FRAME])
    return;
  dx_tvb t = dx_packet_frame_tvb(p);
  char b[96];
  for (int i = F_COL_NUMBER; i <= F_COL_INFO; i++) {
    const dx_field *f = &frame_fields[i];
    if (p->terse ? !dx_session_interested(p->sess, f) : !p->want_columns)
      continue;
    const char *v = b;
    b[0] = 0;
    switch (i) {
    case F_COL_NUMBER: {
      dx_sb sb;
      dx_sb_init(&sb, b, sizeof b);
      dx_sb_u64(&sb, p->num);
      break;
    }
    case F_COL_TIME: dx_packet_time_column(p, b, sizeof b); break;
    case F_COL_SRC: v = dx_packet_src(p); break;
    case F_COL_DST: v = dx_packet_dst(p); break;
    case F_COL_PROTO: v = dx_packet_protocol(p); break;
    case F_COL_LEN: {
      dx_sb sb;
      dx_sb_init(&sb, b, sizeof b);
      dx_sb_u64(&sb, p->frame.wirelen);
      break;
    }
    default: v = dx_packet_info(p); break;
    }
    dx_node *n = dx_add_string(p, fr, f, &t, 0, 0, v, strlen(v));
    dx_node_set_flags(n, DX_NODE_HIDDEN | DX_NODE_GENERATED);
  }
}
