/* Fields shared by every dissector for expert notes (Wireshark's _ws.*). */
#include "dx.h"

#include <string.h>

/* Wireshark's severity and group numbers (epan/proto.h PI_*), so that
 * _ws.expert.severity and _ws.expert.group read as tshark's do. */
enum {
  SEV_COMMENT = 0x00100000,
  SEV_CHAT = 0x00200000,
  SEV_NOTE = 0x00400000,
  SEV_WARN = 0x00600000,
  SEV_ERROR = 0x00800000,
  G_CHECKSUM = 0x01000000,
  G_SEQUENCE = 0x02000000,
  G_UNDECODED = 0x05000000,
  G_REASSEMBLE = 0x06000000,
  G_MALFORMED = 0x07000000,
  G_PROTOCOL = 0x09000000,
  G_SECURITY = 0x0a000000,
  G_COMMENT = 0x0b000000,
  G_DECRYPTION = 0x0c000000,
};

static const dx_vals severity_vals[] = {
    {SEV_COMMENT, "Comment"}, {SEV_CHAT, "Chat"},   {SEV_NOTE, "Note"},
    {SEV_WARN, "Warning"},    {SEV_ERROR, "Error"}, {0, NULL},
};

static const dx_vals group_vals[] = {
    {G_CHECKSUM, "Checksum"},   {G_SEQUENCE, "Sequence"},   {0x03000000, "Response"},
    {0x04000000, "Request"},    {G_UNDECODED, "Undecoded"}, {G_REASSEMBLE, "Reassemble"},
    {G_MALFORMED, "Malformed"}, {0x08000000, "Debug"},      {G_PROTOCOL, "Protocol"},
    {G_SECURITY, "Security"},   {G_COMMENT, "Comment"},     {G_DECRYPTION, "Decryption"},
    {0x0d000000, "Assumption"}, {0x0e000000, "Deprecated"}, {0, NULL},
};

static const dx_field expert_fields[] = {
    DX_F("_ws.expert", "Expert Info", DX_FT_NONE, DX_BASE_NONE),
    DX_F("_ws.malformed", "Malformed Packet", DX_FT_NONE, DX_BASE_NONE),
    DX_F("_ws.limit", "Limit reached", DX_FT_NONE, DX_BASE_NONE),
    DX_F("_ws.expert.message", "Message", DX_FT_STRING, DX_BASE_NONE),
    DX_FV("_ws.expert.severity", "Severity level", DX_FT_UINT32, DX_BASE_DEC, severity_vals),
    DX_FV("_ws.expert.group", "Group", DX_FT_UINT32, DX_BASE_DEC, group_vals),
    DX_F("_ws.string.trailing_stray_characters", "Trailing stray characters", DX_FT_NONE,
         DX_BASE_NONE),
    DX_F("_ws.unreassembled", "Unreassembled Packet", DX_FT_NONE, DX_BASE_NONE),
    DX_F("_ws.short", "Packet size limited during capture", DX_FT_NONE, DX_BASE_NONE),
};

const dx_protocol dx_proto_expert = {
    .name = "_ws",
    .label = "Expert",
    .fields = expert_fields,
    .nfields = DX_ARRAY_LEN(expert_fields),
};

const dx_field *dx_field_expert(void) {
  return &expert_fields[0];
}
const dx_field *dx_field_malformed(void) {
  return &expert_fields[1];
}
const dx_field *dx_field_limit(void) {
  return &expert_fields[2];
}
const dx_field *dx_field_stray(void) {
  return &expert_fields[6];
}
const dx_field *dx_field_unreassembled(void) {
  return &expert_fields[7];
}
const dx_field *dx_field_short(void) {
  return &expert_fields[8];
}

/* The group Wireshark files an expert note of this field under (its
 * expert registrations), by the field's name; our own notes (limits,
 * risks) in the group closest to them. */
static uint32_t group_of(const dx_field *f) {
  static const struct {
    const char *prefix;
    uint32_t group;
  } rules[] = {
      {"_ws.malformed", G_MALFORMED},
      {"_ws.unreassembled", G_REASSEMBLE},
      {"tcp.analysis.", G_SEQUENCE},
      {"tcp.connection.", G_SEQUENCE},
      {"tcp.option.len.invalid", G_SEQUENCE},
      {"http.chat", G_SEQUENCE},
      {"http.leading_crlf", G_MALFORMED},
      {"http.subdissector_failed", G_MALFORMED},
      {"quic.retransmission", G_SEQUENCE},
      {"quic.overlap", G_SEQUENCE},
      {"tls.risk.", G_SECURITY},
      {"tls.trust", G_SECURITY},
      {"frame.comment", G_COMMENT},
      {"tcp.options.sack.dsack", G_SEQUENCE},
      {"tls.resumed", G_SEQUENCE},
      {"xml.closing_unopened", G_MALFORMED},
      {"_ws.string.", G_UNDECODED},
      {"quic.ft.unknown", G_UNDECODED},
      {"ber.error.oid_not_implemented", G_UNDECODED},
      {"ocsp.ber_error", G_MALFORMED},
      {"wg.keepalive", G_SEQUENCE},
      {"tls.malformed.vector_length", G_MALFORMED},
      {"tls.heartbeat_message.payload_length.invalid", G_MALFORMED},
      {"tls.malformed.buffer_too_small", G_MALFORMED},
      {"wg.bad_packet_length", G_MALFORMED},
      {"ip.ttl.", G_SEQUENCE},
      {"ftp.", G_MALFORMED},
      {"stun.wrong_msglen", G_MALFORMED},
      {"stun.short_packet", G_MALFORMED},
      {"stun.unknown_attribute", G_UNDECODED},
      {"stun.att.crc32.bad", G_CHECKSUM},
  };
  const char *a = f->abbrev;
  for (size_t i = 0; i < DX_ARRAY_LEN(rules); i++)
    if (strncmp(a, rules[i].prefix, strlen(rules[i].prefix)) == 0)
      return rules[i].group;
  if (strstr(a, "checksum"))
    return G_CHECKSUM;
  if (strstr(a, "decrypt"))
    return G_DECRYPTION;
  if (strstr(a, "decomp"))
    return G_UNDECODED;
  if (strstr(a, "reassembl"))
    return G_REASSEMBLE;
  return G_PROTOCOL;
}

/* The group of expert note n: its own field's, or for a generic note
 * (_ws.expert) under an item that carries the note's name (tshark's
 * proto_tree_add_expert: "D-SACK Sequence"), that item's field's. */
static uint32_t expert_group(const dx_node *n) {
  if (n->field == &expert_fields[0] && n->parent && n->parent->field &&
      !(n->parent->flags & DX_NODE_EXPERT))
    return group_of(n->parent->field);
  return group_of(n->field);
}

bool dx_expert_wants_fields(const dx_packet *p) {
  return dx_packet_wants(p, &expert_fields[0]) || dx_packet_wants(p, &expert_fields[3]) ||
         dx_packet_wants(p, &expert_fields[4]) || dx_packet_wants(p, &expert_fields[5]);
}

/* Under expert note n, as tshark has them: _ws.expert (when n is not one
 * itself), _ws.expert.message, _ws.expert.severity and _ws.expert.group,
 * hidden (for -e and filters; the outputs show n itself). */
void dx_expert_add_fields(dx_packet *p, dx_node *n, int severity) {
  static const uint32_t sev[] = {SEV_COMMENT, SEV_CHAT, SEV_NOTE, SEV_WARN, SEV_ERROR};
  if (!n || (n->flags & DX_NODE_GHOST) || !dx_expert_wants_fields(p))
    return; /* (a note of a skipped layer is not in the tree) */
  const char *msg = n->text ? n->text : "";
  dx_node *c[4] = {NULL, NULL, NULL, NULL};
  uint32_t sv = severity >= 0 && severity <= DX_SEV_ERROR ? sev[severity] : SEV_COMMENT;
  uint32_t group = expert_group(n);
  if (n->field != &expert_fields[0])
    c[0] = dx_add_none(p, n, &expert_fields[0], NULL, 0, 0);
  c[1] = dx_add_string(p, n, &expert_fields[3], NULL, 0, 0, msg, strlen(msg));
  c[2] = dx_add_uint(p, n, &expert_fields[4], NULL, 0, 0, sv);
  c[3] = dx_add_uint(p, n, &expert_fields[5], NULL, 0, 0, group);
  for (int i = 0; i < 4; i++) {
    if (!c[i])
      continue;
    c[i]->src = n->src;
    c[i]->offset = n->offset;
    c[i]->flags |= DX_NODE_HIDDEN | DX_NODE_GENERATED;
  }
}

static const char *vals_name(const dx_vals *v, uint32_t x) {
  for (; v->name; v++)
    if (v->value == x)
      return v->name;
  return "Unknown";
}

int dx_node_expert(const dx_node *n, const char **severity, const char **group,
                   const char **message) {
  static const uint32_t sev[] = {SEV_COMMENT, SEV_CHAT, SEV_NOTE, SEV_WARN, SEV_ERROR};
  if (n && !(n->flags & DX_NODE_EXPERT) && n->field == &expert_fields[0] && n->parent &&
      (n->parent->flags & DX_NODE_EXPERT))
    n = n->parent; /* the hidden _ws.expert under a note */
  if (!n || !(n->flags & DX_NODE_EXPERT))
    return DX_EINVAL;
  uint32_t sv = n->severity <= DX_SEV_ERROR ? sev[n->severity] : SEV_COMMENT;
  if (severity)
    *severity = vals_name(severity_vals, sv);
  if (group)
    *group = vals_name(group_vals, expert_group(n));
  if (message)
    *message = n->text ? n->text : "";
  return DX_OK;
}

int dx_node_expert_own(const dx_node *n) {
  if (n && !(n->flags & DX_NODE_EXPERT) && n->field == &expert_fields[0] && n->parent &&
      (n->parent->flags & DX_NODE_EXPERT))
    n = n->parent; /* the hidden _ws.expert under a note */
  if (!n || !(n->flags & DX_NODE_EXPERT) || !n->field)
    return 0;
  const char *a = n->field->abbrev;
  if (n->field == &expert_fields[2] || strncmp(a, "tls.risk.", 9) == 0 ||
      strncmp(a, "tls.trust", 9) == 0)
    return 1;
  /* why a TLS record was not decrypted (a note under tls.decryption) */
  if (n->field == &expert_fields[0] && n->parent && n->parent->field &&
      strcmp(n->parent->field->abbrev, "tls.decryption") == 0)
    return 1;
  /* quic.retransmission: tshark's summary for a CRYPTO frame; dissect's
   * STREAM notes add why after it */
  static const char quic_retrans[] = "This QUIC frame has a reused stream offset (retransmission?)";
  return strcmp(a, "quic.retransmission") == 0 && n->text && strcmp(n->text, quic_retrans) != 0;
}
