/* Spanning Tree BPDUs (IEEE 802.1D/802.1Q; LLC SAP 0x42) as tshark 4.0's
 * packet-bpdu.c shows them: Configuration, Topology Change Notification
 * and Rapid (RST) BPDUs with the root and bridge identifiers split into
 * priority, system ID extension and MAC (tshark's default), the path
 * cost, port and the four timers (in seconds, 1/256 units), and RST's
 * flags with the port role. Not made: MST's MSTI records, Cisco's PVST+
 * TLVs and the GARP applications (GMRP, GVRP), shown as data. */
#include "../core/dx.h"

#include <stdio.h>

enum {
  F_STP,
  F_PROTO,
  F_VERSION,
  F_TYPE,
  F_FLAGS,
  F_FLAG_TCACK,
  F_FLAG_AGREEMENT,
  F_FLAG_FORWARDING,
  F_FLAG_LEARNING,
  F_FLAG_ROLE,
  F_FLAG_PROPOSAL,
  F_FLAG_TC,
  F_ROOT_PRIO,
  F_ROOT_EXT,
  F_ROOT_HW,
  F_ROOT_COST,
  F_BRIDGE_PRIO,
  F_BRIDGE_EXT,
  F_BRIDGE_HW,
  F_PORT,
  F_MSG_AGE,
  F_MAX_AGE,
  F_HELLO,
  F_FORWARD,
  F_V1_LEN,
  F_TYPE_UNKNOWN,
  F_ROOT_ID,
  F_BRIDGE_ID,
};

static const dx_vals proto_vals[] = {{0, "Spanning Tree Protocol"}, {0, NULL}};
static const dx_vals version_vals[] = {{0, "Spanning Tree"},
                                       {2, "Rapid Spanning Tree"},
                                       {3, "Multiple Spanning Tree"},
                                       {4, "Shortest Path Tree"},
                                       {0, NULL}};
static const dx_vals type_vals[] = {{0x00, "Configuration"},
                                    {0x02, "Rapid/Multiple Spanning Tree"},
                                    {0x80, "Topology Change Notification"},
                                    {0, NULL}};
static const dx_vals role_vals[] = {
    {1, "Alternate or Backup"}, {2, "Root"}, {3, "Designated"}, {0, NULL}};
static const dx_vals yes_no[] = {{0, "No"}, {1, "Yes"}, {0, NULL}};

static const dx_field stp_fields[] = {
    [F_STP] = DX_F("stp", "Spanning Tree Protocol", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_PROTO] = DX_FV("stp.protocol", "Protocol Identifier", DX_FT_UINT16, DX_BASE_HEX, proto_vals),
    [F_VERSION] =
        DX_FV("stp.version", "Protocol Version Identifier", DX_FT_UINT8, DX_BASE_DEC, version_vals),
    [F_TYPE] = DX_FV("stp.type", "BPDU Type", DX_FT_UINT8, DX_BASE_HEX, type_vals),
    [F_FLAGS] = DX_F("stp.flags", "BPDU flags", DX_FT_UINT8, DX_BASE_HEX),
    [F_FLAG_TCACK] = DX_FM("stp.flags.tcack", "Topology Change Acknowledgment", DX_FT_BOOL,
                           DX_BASE_NONE, yes_no, 0x80, 8),
    [F_FLAG_AGREEMENT] =
        DX_FM("stp.flags.agreement", "Agreement", DX_FT_BOOL, DX_BASE_NONE, yes_no, 0x40, 8),
    [F_FLAG_FORWARDING] =
        DX_FM("stp.flags.forwarding", "Forwarding", DX_FT_BOOL, DX_BASE_NONE, yes_no, 0x20, 8),
    [F_FLAG_LEARNING] =
        DX_FM("stp.flags.learning", "Learning", DX_FT_BOOL, DX_BASE_NONE, yes_no, 0x10, 8),
    [F_FLAG_ROLE] =
        DX_FM("stp.flags.port_role", "Port Role", DX_FT_UINT8, DX_BASE_DEC, role_vals, 0x0c, 8),
    [F_FLAG_PROPOSAL] =
        DX_FM("stp.flags.proposal", "Proposal", DX_FT_BOOL, DX_BASE_NONE, yes_no, 0x02, 8),
    [F_FLAG_TC] =
        DX_FM("stp.flags.tc", "Topology Change", DX_FT_BOOL, DX_BASE_NONE, yes_no, 0x01, 8),
    [F_ROOT_PRIO] = DX_F("stp.root.prio", "Root Bridge Priority", DX_FT_UINT16, DX_BASE_DEC),
    [F_ROOT_EXT] =
        DX_F("stp.root.ext", "Root Bridge System ID Extension", DX_FT_UINT16, DX_BASE_DEC),
    [F_ROOT_HW] = DX_F("stp.root.hw", "Root Bridge System ID", DX_FT_ETHER, DX_BASE_NONE),
    [F_ROOT_COST] = DX_F("stp.root.cost", "Root Path Cost", DX_FT_UINT32, DX_BASE_DEC),
    [F_BRIDGE_PRIO] = DX_F("stp.bridge.prio", "Bridge Priority", DX_FT_UINT16, DX_BASE_DEC),
    [F_BRIDGE_EXT] =
        DX_F("stp.bridge.ext", "Bridge System ID Extension", DX_FT_UINT16, DX_BASE_DEC),
    [F_BRIDGE_HW] = DX_F("stp.bridge.hw", "Bridge System ID", DX_FT_ETHER, DX_BASE_NONE),
    [F_PORT] = DX_F("stp.port", "Port identifier", DX_FT_UINT16, DX_BASE_HEX),
    [F_MSG_AGE] = DX_F("stp.msg_age", "Message Age", DX_FT_DOUBLE, DX_BASE_NONE),
    [F_MAX_AGE] = DX_F("stp.max_age", "Max Age", DX_FT_DOUBLE, DX_BASE_NONE),
    [F_HELLO] = DX_F("stp.hello", "Hello Time", DX_FT_DOUBLE, DX_BASE_NONE),
    [F_FORWARD] = DX_F("stp.forward", "Forward Delay", DX_FT_DOUBLE, DX_BASE_NONE),
    [F_V1_LEN] = DX_F("stp.version_1_length", "Version 1 Length", DX_FT_UINT8, DX_BASE_DEC),
    [F_TYPE_UNKNOWN] = DX_F("stp.type.unknown", "BPDU type unknown", DX_FT_NONE, DX_BASE_NONE),
    /* text-only subtrees in tshark (no field of theirs): names of ours */
    [F_ROOT_ID] = DX_F("stp.root", "Root Identifier", DX_FT_NONE, DX_BASE_NONE),
    [F_BRIDGE_ID] = DX_F("stp.bridge", "Bridge Identifier", DX_FT_NONE, DX_BASE_NONE),
};

#define FL(i) (&stp_fields[(i)])

/* The identifier at off ("32768 / 0 / 52:54:00:c2:ac:1f"): its
 * priority, system ID extension and MAC; f_prio is the first of the three
 * fields, f_id the subtree's. */
static void add_identifier(dx_packet *p, dx_node *stp, const dx_tvb *t, uint32_t off,
                           const char *name, int f_id, int f_prio) {
  uint16_t v = 0;
  dx_get_u16(t, off, &v);
  const uint8_t *m = dx_get_ptr(t, off + 2, 6);
  dx_node *id = dx_add_none(p, stp, FL(f_id), t, off, 8);
  if (m)
    dx_node_set_text(p, id, "%s: %u / %u / %02x:%02x:%02x:%02x:%02x:%02x", name, v & 0xf000u,
                     v & 0x0fffu, m[0], m[1], m[2], m[3], m[4], m[5]);
  dx_add_uint(p, id, FL(f_prio), t, off, 1, v & 0xf000u);
  dx_add_uint(p, id, FL(f_prio + 1), t, off, 2, v & 0x0fffu);
  dx_add_item(p, id, FL(f_prio + 2), t, off + 2, 6);
}

static void timer(dx_packet *p, dx_node *stp, const dx_tvb *t, uint32_t off, int f) {
  uint16_t v = 0;
  dx_get_u16(t, off, &v);
  dx_add_double(p, stp, FL(f), t, off, 2, v / 256.0);
}

static uint32_t dissect_stp(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  dx_col_set_proto(p, "STP");
  dx_col_info_clear(p);
  uint8_t type = 0, version = 0, flags = 0;
  dx_node *stp = dx_add_proto(p, parent, FL(F_STP), t, 0, t->len);
  if (!dx_get_u8(t, 3, &type) || !dx_get_u8(t, 2, &version)) {
    dx_mark_truncated(p, stp, "BPDU header");
    return t->len;
  }
  char rmac[18] = "";
  unsigned rprio = 0, rext = 0;
  uint32_t cost = 0;
  uint16_t port = 0;
  bool full = type == 0x00 || type == 0x02;
  if (full) {
    dx_get_u8(t, 4, &flags);
    uint16_t v = 0;
    dx_get_u16(t, 5, &v);
    rprio = v & 0xf000;
    rext = v & 0x0fff;
    const uint8_t *m = dx_get_ptr(t, 7, 6);
    snprintf(rmac, sizeof rmac, "%02x:%02x:%02x:%02x:%02x:%02x", m ? m[0] : 0, m ? m[1] : 0,
             m ? m[2] : 0, m ? m[3] : 0, m ? m[4] : 0, m ? m[5] : 0);
    dx_get_u32(t, 13, &cost);
    dx_get_u16(t, 25, &port);
  }
  if (type == 0x00)
    dx_col_info_set(p, "Conf. %sRoot = %u/%u/%s  Cost = %u  Port = 0x%04x",
                    flags & 1 ? "TC + " : "", rprio, rext, rmac, cost, port);
  else if (type == 0x80)
    dx_col_info_set(p, "Topology Change Notification");
  else if (type == 0x02)
    dx_col_info_set(p, "%sT. %sRoot = %u/%u/%s  Cost = %u  Port = 0x%04x",
                    version == 3   ? "MS"
                    : version == 4 ? "SP"
                                   : "RS",
                    flags & 1 ? "TC + " : "", rprio, rext, rmac, cost, port);
  else
    dx_col_info_set(p, "Unknown BPDU type (%u)", type);
  dx_add_item(p, stp, FL(F_PROTO), t, 0, 2);
  dx_add_item(p, stp, FL(F_VERSION), t, 2, 1);
  dx_node *tn = dx_add_item(p, stp, FL(F_TYPE), t, 3, 1);
  if (type == 0x80) {
    dx_node_set_len(stp, 4);
    return 4;
  }
  if (!full) {
    dx_expert(p, tn, FL(F_TYPE_UNKNOWN), DX_SEV_WARN, "BPDU type unknown");
    return t->len;
  }
  dx_node *fn = dx_add_item(p, stp, FL(F_FLAGS), t, 4, 1);
  if (type == 0x02) {
    for (int f = F_FLAG_TCACK; f <= F_FLAG_TC; f++)
      dx_add_item(p, fn, FL(f), t, 4, 1);
  } else {
    dx_add_item(p, fn, FL(F_FLAG_TCACK), t, 4, 1);
    dx_add_item(p, fn, FL(F_FLAG_TC), t, 4, 1);
  }
  dx_node_append_bitmask(p, fn);
  add_identifier(p, stp, t, 5, "Root Identifier", F_ROOT_ID, F_ROOT_PRIO);
  dx_add_item(p, stp, FL(F_ROOT_COST), t, 13, 4);
  add_identifier(p, stp, t, 17, "Bridge Identifier", F_BRIDGE_ID, F_BRIDGE_PRIO);
  dx_add_item(p, stp, FL(F_PORT), t, 25, 2);
  timer(p, stp, t, 27, F_MSG_AGE);
  timer(p, stp, t, 29, F_MAX_AGE);
  timer(p, stp, t, 31, F_HELLO);
  timer(p, stp, t, 33, F_FORWARD);
  uint32_t end = 35;
  if (type == 0x02) {
    dx_add_item(p, stp, FL(F_V1_LEN), t, 35, 1);
    end = 36;
  }
  if (!dx_tvb_has(t, 0, end))
    dx_mark_truncated(p, stp, "BPDU");
  dx_node_set_len(stp, end);
  return end;
}

const dx_protocol dx_proto_stp = {
    .name = "stp",
    .label = "Spanning Tree Protocol",
    .fields = stp_fields,
    .nfields = DX_ARRAY_LEN(stp_fields),
    .dissect = dissect_stp,
};
