/* The frame pseudo-protocol: capture metadata of each packet, and dispatch
 * by link type. */
#include "../core/session.h"

#include <stdio.h>
#include <string.h>

enum {
  F_FRAME,
  F_NUMBER,
  F_TIME_EPOCH,
  F_TIME_DELTA,
  F_TIME_RELATIVE,
  F_LEN,
  F_CAP_LEN,
  F_ENCAP,
  F_PROTOCOLS,
};

static const dx_vals encap_vals[] = {{0, "Null/Loopback"},
                                     {1, "Ethernet"},
                                     {12, "Raw IP"},
                                     {101, "Raw IP"},
                                     {108, "OpenBSD loopback"},
                                     {113, "Linux cooked-mode capture v1"},
                                     {228, "Raw IPv4"},
                                     {229, "Raw IPv6"},
                                     {276, "Linux cooked-mode capture v2"},
                                     {0, NULL}};

static const dx_field frame_fields[] = {
    [F_FRAME] = DX_F("frame", "Frame", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_NUMBER] = DX_F("frame.number", "Frame Number", DX_FT_UINT32, DX_BASE_DEC),
    [F_TIME_EPOCH] = DX_F("frame.time_epoch", "Epoch Time", DX_FT_ABSTIME, DX_BASE_NONE),
    [F_TIME_DELTA] = DX_F("frame.time_delta", "Time delta from previous captured frame",
                          DX_FT_RELTIME, DX_BASE_NONE),
    [F_TIME_RELATIVE] = DX_F("frame.time_relative", "Time since reference or first frame",
                             DX_FT_RELTIME, DX_BASE_NONE),
    [F_LEN] = DX_F("frame.len", "Frame Length", DX_FT_UINT32, DX_BASE_DEC),
    [F_CAP_LEN] = DX_F("frame.cap_len", "Capture Length", DX_FT_UINT32, DX_BASE_DEC),
    [F_ENCAP] =
        DX_FV("frame.encap_type", "Encapsulation type", DX_FT_INT32, DX_BASE_DEC, encap_vals),
    [F_PROTOCOLS] = DX_F("frame.protocols", "Protocols in frame", DX_FT_STRING, DX_BASE_NONE),
};

const dx_protocol dx_proto_frame = {
    .name = "frame",
    .label = "Frame",
    .fields = frame_fields,
    .nfields = DX_ARRAY_LEN(frame_fields),
};

/* "eth:ethertype:ip:tcp" as tshark builds it: every protocol layer in the
 * order it was dissected (a preorder walk of the tree), a repeat of the
 * same protocol once, and tshark's "ethertype" step after a link layer that
 * hands its payload on by EtherType. */
static bool is_ethertype_link(const dx_node *n) {
  const char *a = n->field->abbrev;
  if (!strcmp(a, "vlan") || !strcmp(a, "ieee8021ad") || !strcmp(a, "sll"))
    return true;
  if (strcmp(a, "eth"))
    return false;
  for (const dx_node *c = n->first_child; c; c = c->next)
    if (!strcmp(c->field->abbrev, "eth.type"))
      return true;
  return false;
}

typedef struct {
  char buf[512];
  size_t used;
  const char *last;
} proto_list;

static void proto_list_add(proto_list *l, const char *name) {
  if (l->last && !strcmp(l->last, name))
    return;
  int w = snprintf(l->buf + l->used, sizeof l->buf - l->used, "%s%s", l->used ? ":" : "", name);
  if (w < 0 || (size_t)w >= sizeof l->buf - l->used)
    return;
  l->used += (size_t)w;
  l->last = name;
}

static void proto_walk(proto_list *l, const dx_node *n, int depth) {
  for (; n && depth < 64; n = n->next) {
    bool proto = n->field->type == DX_FT_PROTOCOL && n->field != &frame_fields[F_FRAME];
    if (proto) {
      proto_list_add(l, n->field->abbrev);
      if (is_ethertype_link(n))
        proto_list_add(l, "ethertype");
    }
    proto_walk(l, n->first_child, depth + 1);
  }
}

static void set_protocols(dx_packet *p, dx_node *protos) {
  proto_list l = {.used = 0, .last = NULL};
  l.buf[0] = 0;
  proto_walk(&l, p->root.first_child, 0);
  protos->v.b.p = (const uint8_t *)dx_arena_strndup(&p->arena, l.buf, l.used);
  protos->v.b.len = (uint32_t)l.used;
}

void dx_dissect_frame(dx_packet *p) {
  dx_tvb t = dx_packet_frame_tvb(p);
  dx_node *root = dx_packet_root_mut(p);
  dx_node *fr = dx_add_proto(p, root, &frame_fields[F_FRAME], &t, 0, t.len);
  dx_node_set_text(p, fr, "Frame %llu: %u bytes on wire (%u bits), %u bytes captured (%u bits)",
                   (unsigned long long)p->num, p->frame.wirelen, p->frame.wirelen * 8,
                   p->frame.caplen, p->frame.caplen * 8);
  dx_node *n;
  n = dx_add_int(p, fr, &frame_fields[F_ENCAP], &t, 0, 0, p->frame.linktype);
  dx_node_set_flags(n, DX_NODE_GENERATED);
  n = dx_add_time(p, fr, &frame_fields[F_TIME_EPOCH], &t, 0, 0, p->frame.ts_sec,
                  (int32_t)p->frame.ts_nsec);
  dx_node_set_flags(n, DX_NODE_GENERATED);
  int64_t ds;
  int32_t dn;
  dx_session_prev_time(p, &ds, &dn);
  n = dx_add_time(p, fr, &frame_fields[F_TIME_DELTA], &t, 0, 0, ds, dn);
  dx_node_set_flags(n, DX_NODE_GENERATED);
  n = dx_add_time(p, fr, &frame_fields[F_TIME_RELATIVE], &t, 0, 0, p->rel_sec, p->rel_nsec);
  dx_node_set_flags(n, DX_NODE_GENERATED);
  n = dx_add_uint(p, fr, &frame_fields[F_NUMBER], &t, 0, 0, p->num);
  dx_node_set_flags(n, DX_NODE_GENERATED);
  n = dx_add_uint(p, fr, &frame_fields[F_LEN], &t, 0, 0, p->frame.wirelen);
  dx_node_set_flags(n, DX_NODE_GENERATED);
  n = dx_add_uint(p, fr, &frame_fields[F_CAP_LEN], &t, 0, 0, p->frame.caplen);
  dx_node_set_flags(n, DX_NODE_GENERATED);
  dx_node *protos = dx_add_string(p, fr, &frame_fields[F_PROTOCOLS], &t, 0, 0, "", 0);
  dx_node_set_flags(protos, DX_NODE_GENERATED);

  uint32_t took = dx_dissect_table(p, DX_TABLE_LINKTYPE, (uint32_t)p->frame.linktype, &t, root);
  if (took == 0 && t.len > 0) {
    dx_col_set_proto(p, "DATA");
    dx_dissect_data(p, &t, root);
    dx_expert(p, fr, dx_field_expert(), DX_SEV_WARN, "[Unsupported link type %d]",
              p->frame.linktype);
  }
  if (protos && dx_packet_wants(p, &frame_fields[F_PROTOCOLS]))
    set_protocols(p, protos);
}
