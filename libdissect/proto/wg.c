/* WireGuard (https://www.wireguard.com/protocol/) as tshark 4.0 shows it
 * without keys: found by its UDP heuristic (no port is registered), which
 * takes a datagram whose first byte is a message type and whose length is
 * that type's (148 bytes for a Handshake Initiation, 92 for a Response, 64
 * for a Cookie Reply, at least 32 for Transport Data), with the three
 * reserved bytes zero for the last two types; after a Handshake Initiation
 * the UDP conversation is WireGuard's whatever its reserved bytes say.
 *
 * Each message shows its fixed fields (identifiers little-endian as the
 * protocol has them, the ephemeral public key in base64) and the session
 * it belongs to as tshark's first pass finds it: an Initiation starts a
 * session (wg.stream, numbered in order); a Response or Cookie Reply sent
 * to the initiator's address and port with the initiation's sender as its
 * receiver joins it ("Response to Frame"); Transport Data joins the most
 * recent answered session of its receiver index sent to one of the two
 * peers. A data message of 32 bytes is a Keepalive.
 *
 * Not made: decryption (tshark's static and ephemeral key preferences and
 * key log) and so what it shows with keys (decrypted static key and
 * timestamp, mac1's receiver key, handshake_ok, the inner IP packet); the
 * "Response in Frame" of an initiation (tshark knows it only in a second
 * pass). Sessions are bounded (WG_MAX_SESSIONS, the oldest forgotten) and a
 * lookup looks at most WG_MAX_WALK sessions of one index. */
#include "../core/dx.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

extern const dx_protocol dx_proto_wg;

enum {
  F_WG,
  F_TYPE,
  F_RESERVED,
  F_SENDER,
  F_EPHEMERAL,
  F_EPH_PRIV,
  F_ENC_STATIC,
  F_ENC_TIMESTAMP,
  F_MAC1,
  F_MAC2,
  F_RECEIVER,
  F_ENC_EMPTY,
  F_NONCE,
  F_ENC_COOKIE,
  F_COUNTER,
  F_ENC_PACKET,
  F_STREAM,
  F_RESPONSE_TO,
  F_KEEPALIVE,
  F_BAD_LENGTH,
};

static const dx_vals type_vals[] = {{1, "Handshake Initiation"},
                                    {2, "Handshake Response"},
                                    {3, "Cookie Reply"},
                                    {4, "Transport Data"},
                                    {0, NULL}};
static const dx_vals tf_vals[] = {{0, "False"}, {1, "True"}, {0, NULL}};

static const dx_field wg_fields[] = {
    [F_WG] = DX_F("wg", "WireGuard Protocol", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_TYPE] = DX_FV("wg.type", "Type", DX_FT_UINT8, DX_BASE_DEC, type_vals),
    [F_RESERVED] = DX_F("wg.reserved", "Reserved", DX_FT_BYTES, DX_BASE_NONE),
    [F_SENDER] = DX_F("wg.sender", "Sender", DX_FT_UINT32, DX_BASE_HEX),
    [F_EPHEMERAL] = DX_F("wg.ephemeral", "Ephemeral", DX_FT_STRING, DX_BASE_NONE),
    [F_EPH_PRIV] =
        DX_FV("wg.ephemeral.known_privkey", "Has Private Key", DX_FT_BOOL, DX_BASE_NONE, tf_vals),
    [F_ENC_STATIC] = DX_F("wg.encrypted_static", "Encrypted Static", DX_FT_NONE, DX_BASE_NONE),
    [F_ENC_TIMESTAMP] =
        DX_F("wg.encrypted_timestamp", "Encrypted Timestamp", DX_FT_NONE, DX_BASE_NONE),
    [F_MAC1] = DX_F("wg.mac1", "mac1", DX_FT_BYTES, DX_BASE_NONE),
    [F_MAC2] = DX_F("wg.mac2", "mac2", DX_FT_BYTES, DX_BASE_NONE),
    [F_RECEIVER] = DX_F("wg.receiver", "Receiver", DX_FT_UINT32, DX_BASE_HEX),
    [F_ENC_EMPTY] = DX_F("wg.encrypted_empty", "Encrypted Empty", DX_FT_NONE, DX_BASE_NONE),
    [F_NONCE] = DX_F("wg.nonce", "Nonce", DX_FT_BYTES, DX_BASE_NONE),
    [F_ENC_COOKIE] = DX_F("wg.encrypted_cookie", "Encrypted Cookie", DX_FT_BYTES, DX_BASE_NONE),
    [F_COUNTER] = DX_F("wg.counter", "Counter", DX_FT_UINT64, DX_BASE_DEC),
    [F_ENC_PACKET] = DX_F("wg.encrypted_packet", "Encrypted Packet", DX_FT_NONE, DX_BASE_NONE),
    [F_STREAM] = DX_F("wg.stream", "Stream index", DX_FT_UINT32, DX_BASE_DEC),
    [F_RESPONSE_TO] = DX_F("wg.response_to", "Response to Frame", DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_KEEPALIVE] = DX_F("wg.keepalive", "This is a Keepalive message", DX_FT_NONE, DX_BASE_NONE),
    [F_BAD_LENGTH] =
        DX_F("wg.bad_packet_length", "Packet length is too small", DX_FT_NONE, DX_BASE_NONE),
};

#define FL(i) (&wg_fields[(i)])

/* ---- sessions --------------------------------------------------------------------- */

#define WG_MAX_SESSIONS 4096u /* a ring: the oldest is forgotten */
#define WG_BUCKETS 8192u      /* of the index by sender id (a power of two) */
#define WG_MAX_WALK 64u       /* sessions of one index a lookup looks at */
#define WG_NONE UINT32_MAX

typedef struct wg_link { /* a session under one of its two indexes */
  uint32_t id;
  uint32_t prev, next; /* link numbers in the bucket's list, WG_NONE at the ends */
  bool used;
} wg_link;

typedef struct wg_session {
  uint32_t stream;
  uint64_t initiator_frame, response_frame;
  dx_addr iaddr, raddr;
  uint16_t iport, rport;
  bool have_r;
} wg_session;

typedef struct wg_state {
  const dx_hashkey *key;
  wg_session *ses; /* WG_MAX_SESSIONS, made on first use */
  wg_link *links;  /* two per session: 2 * slot + k */
  uint32_t *bucket;
  uint32_t next_slot, nses;
  uint32_t count; /* sessions made: the next wg.stream */
} wg_state;

static void *wg_state_new(struct dx_session *s) {
  wg_state *st = calloc(1, sizeof *st);
  if (st)
    st->key = dx_session_hashkey(s);
  return st;
}

static void wg_state_free(void *v) {
  wg_state *st = v;
  if (!st)
    return;
  free(st->ses);
  free(st->links);
  free(st->bucket);
  free(st);
}

static void wg_state_reset(void *v, struct dx_session *s) {
  wg_state *st = v;
  st->key = dx_session_hashkey(s);
  if (st->bucket) {
    for (uint32_t i = 0; i < WG_BUCKETS; i++)
      st->bucket[i] = WG_NONE;
    memset(st->links, 0, 2 * WG_MAX_SESSIONS * sizeof *st->links);
  }
  st->next_slot = st->nses = st->count = 0;
}

static bool wg_tables(wg_state *st) {
  if (st->bucket)
    return true;
  st->ses = calloc(WG_MAX_SESSIONS, sizeof *st->ses);
  st->links = calloc(2 * WG_MAX_SESSIONS, sizeof *st->links);
  st->bucket = malloc(WG_BUCKETS * sizeof *st->bucket);
  if (!st->ses || !st->links || !st->bucket) {
    free(st->ses);
    free(st->links);
    free(st->bucket);
    st->ses = NULL;
    st->links = NULL;
    st->bucket = NULL;
    return false;
  }
  for (uint32_t i = 0; i < WG_BUCKETS; i++)
    st->bucket[i] = WG_NONE;
  return true;
}

static uint32_t bucket_of(const wg_state *st, uint32_t id) {
  return (uint32_t)dx_siphash13(st->key, &id, sizeof id) & (WG_BUCKETS - 1);
}

static void link_drop(wg_state *st, uint32_t ln) {
  wg_link *l = &st->links[ln];
  if (!l->used)
    return;
  if (l->prev != WG_NONE)
    st->links[l->prev].next = l->next;
  else
    st->bucket[bucket_of(st, l->id)] = l->next;
  if (l->next != WG_NONE)
    st->links[l->next].prev = l->prev;
  memset(l, 0, sizeof *l);
}

/* Puts session slot under id (its link k), most recent first. */
static void link_add(wg_state *st, uint32_t slot, int k, uint32_t id) {
  uint32_t ln = 2 * slot + (uint32_t)k;
  link_drop(st, ln);
  uint32_t b = bucket_of(st, id);
  wg_link *l = &st->links[ln];
  l->id = id;
  l->used = true;
  l->prev = WG_NONE;
  l->next = st->bucket[b];
  if (l->next != WG_NONE)
    st->links[l->next].prev = ln;
  st->bucket[b] = ln;
}

static uint32_t session_new(wg_state *st) {
  uint32_t slot = st->next_slot;
  st->next_slot = (slot + 1) % WG_MAX_SESSIONS;
  if (st->nses < WG_MAX_SESSIONS)
    st->nses++;
  link_drop(st, 2 * slot);
  link_drop(st, 2 * slot + 1);
  memset(&st->ses[slot], 0, sizeof st->ses[slot]);
  st->ses[slot].stream = st->count++;
  return slot;
}

static bool peer_is(const dx_addr *a, uint16_t port, const dx_addr *b, uint16_t bport) {
  return port == bport && dx_addr_eq(a, b);
}

/* The sessions of receiver index id, most recent first (at most
 * WG_MAX_WALK of them): tshark's two lookups.
 *   answering (wg_sessions_lookup_initiation(), for a Response or Cookie
 *   Reply): the first whose initiator is this packet's destination and
 *   that no other message answered yet;
 *   otherwise (wg_sessions_lookup(), for Transport Data): the first
 *   answered one sent to one of its peers. */
static wg_session *lookup(wg_state *st, const dx_packet *p, uint32_t id, bool answering) {
  uint32_t walked = 0;
  for (uint32_t ln = st->bucket[bucket_of(st, id)]; ln != WG_NONE && walked < WG_MAX_WALK;
       ln = st->links[ln].next) {
    if (st->links[ln].id != id)
      continue;
    walked++;
    wg_session *s = &st->ses[ln / 2];
    bool to_i = peer_is(&s->iaddr, s->iport, &p->net_dst, p->dstport);
    if (answering) {
      if (to_i && (!s->response_frame || s->response_frame == p->num))
        return s;
    } else if (s->response_frame &&
               (to_i || (s->have_r && peer_is(&s->raddr, s->rport, &p->net_dst, p->dstport)))) {
      return s;
    }
  }
  return NULL;
}

/* ---- messages ---------------------------------------------------------------------- */

static bool valid_length(uint8_t type, uint32_t len) {
  switch (type) {
  case 1: return len == 148;
  case 2: return len == 92;
  case 3: return len == 64;
  case 4: return len >= 32;
  default: return false;
  }
}

static void add_stream(dx_packet *p, dx_node *wg, const dx_tvb *t, const wg_session *s) {
  if (!s)
    return;
  dx_node_set_flags(dx_add_uint(p, wg, FL(F_STREAM), t, 0, 0, s->stream), DX_NODE_GENERATED);
}

static void add_response_to(dx_packet *p, dx_node *wg, const dx_tvb *t, const wg_session *s) {
  if (!s)
    return;
  dx_node_set_flags(dx_add_uint(p, wg, FL(F_RESPONSE_TO), t, 0, 0, s->initiator_frame),
                    DX_NODE_GENERATED);
}

/* A little-endian 32-bit index at off, shown in hex as tshark's. */
static bool add_index(dx_packet *p, dx_node *wg, int f, const dx_tvb *t, uint32_t off,
                      uint32_t *v) {
  if (!dx_get_u32_le(t, off, v))
    return false;
  dx_add_uint(p, wg, FL(f), t, off, 4, *v);
  return true;
}

static void add_ephemeral(dx_packet *p, dx_node *wg, const dx_tvb *t, uint32_t off) {
  const uint8_t *k = dx_get_ptr(t, off, 32);
  if (!k)
    return;
  unsigned char b64[48];
  int n = EVP_EncodeBlock(b64, k, 32);
  dx_node *e =
      dx_add_string(p, wg, FL(F_EPHEMERAL), t, off, 32, (const char *)b64, n > 0 ? (size_t)n : 0);
  dx_node_set_flags(dx_add_uint(p, e, FL(F_EPH_PRIV), t, 0, 0, 0), DX_NODE_GENERATED);
}

static uint32_t dissect_wg(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  uint8_t type;
  if (!dx_get_u8(t, 0, &type) || !valid_length(type, t->reported))
    return 0;
  const char *name = dx_val_name(type_vals, type);
  if (type == 4 && t->reported == 32)
    name = "Keepalive";
  dx_col_set_proto(p, "WireGuard");
  dx_col_info_set(p, "%s", name);
  dx_node *wg = dx_add_proto(p, parent, FL(F_WG), t, 0, t->len);
  dx_add_item(p, wg, FL(F_TYPE), t, 0, 1);
  dx_add_bytes(p, wg, FL(F_RESERVED), t, 1, 3);
  wg_state *st = dx_proto_state(p, &dx_proto_wg);
  if (st && !wg_tables(st))
    st = NULL;
  uint32_t sender = 0, receiver = 0;
  wg_session *s = NULL;
  switch (type) {
  case 1:
    if (!add_index(p, wg, F_SENDER, t, 4, &sender))
      break;
    dx_col_info_append(p, ", sender=0x%08X", sender);
    add_ephemeral(p, wg, t, 8);
    dx_add_none(p, wg, FL(F_ENC_STATIC), t, 40, 48);
    dx_add_none(p, wg, FL(F_ENC_TIMESTAMP), t, 88, 28);
    dx_add_bytes(p, wg, FL(F_MAC1), t, 116, 16);
    dx_add_bytes(p, wg, FL(F_MAC2), t, 132, 16);
    if (st && t->len >= 148) {
      uint32_t slot = session_new(st);
      s = &st->ses[slot];
      s->initiator_frame = p->num;
      s->iaddr = p->net_src;
      s->iport = p->srcport;
      link_add(st, slot, 0, sender);
    }
    add_stream(p, wg, t, s);
    break;
  case 2:
    if (!add_index(p, wg, F_SENDER, t, 4, &sender))
      break;
    dx_col_info_append(p, ", sender=0x%08X", sender);
    if (!add_index(p, wg, F_RECEIVER, t, 8, &receiver))
      break;
    dx_col_info_append(p, ", receiver=0x%08X", receiver);
    if (st)
      s = lookup(st, p, receiver, true);
    add_ephemeral(p, wg, t, 12);
    dx_add_none(p, wg, FL(F_ENC_EMPTY), t, 44, 16);
    dx_add_bytes(p, wg, FL(F_MAC1), t, 60, 16);
    dx_add_bytes(p, wg, FL(F_MAC2), t, 76, 16);
    if (s && t->len >= 92) {
      s->response_frame = p->num;
      s->raddr = p->net_src;
      s->rport = p->srcport;
      s->have_r = true;
      link_add(st, (uint32_t)(s - st->ses), 1, sender);
    }
    add_stream(p, wg, t, s);
    add_response_to(p, wg, t, s);
    break;
  case 3:
    if (!add_index(p, wg, F_RECEIVER, t, 4, &receiver))
      break;
    dx_col_info_append(p, ", receiver=0x%08X", receiver);
    dx_add_bytes(p, wg, FL(F_NONCE), t, 8, 24);
    dx_add_bytes(p, wg, FL(F_ENC_COOKIE), t, 32, 32);
    if (st)
      s = lookup(st, p, receiver, true);
    if (s && t->len >= 64) {
      s->response_frame = p->num;
      s->raddr = p->net_src;
      s->rport = p->srcport;
      s->have_r = true;
    }
    add_stream(p, wg, t, s);
    add_response_to(p, wg, t, s);
    break;
  case 4: {
    if (!add_index(p, wg, F_RECEIVER, t, 4, &receiver))
      break;
    dx_col_info_append(p, ", receiver=0x%08X", receiver);
    uint32_t lo, hi;
    if (!dx_get_u32_le(t, 8, &lo) || !dx_get_u32_le(t, 12, &hi)) {
      dx_add_item_le(p, wg, FL(F_COUNTER), t, 8, 8);
      break;
    }
    uint64_t counter = (uint64_t)hi << 32 | lo;
    dx_add_uint(p, wg, FL(F_COUNTER), t, 8, 8, counter);
    dx_col_info_append(p, ", counter=%llu", (unsigned long long)counter);
    /* the captured bytes after the header, as tshark counts them */
    uint32_t plen = t->len > 16 ? t->len - 16 : 0;
    if (plen < 16) {
      dx_expert(p, wg, FL(F_BAD_LENGTH), DX_SEV_ERROR, "Packet length is too small");
      return t->len;
    }
    if (plen != 16)
      dx_col_info_append(p, ", datalen=%u", plen - 16);
    dx_node *ep = dx_add_none(p, wg, FL(F_ENC_PACKET), t, 16, plen);
    if (plen == 16)
      dx_expert(p, ep, FL(F_KEEPALIVE), DX_SEV_CHAT, "This is a Keepalive message");
    if (st)
      s = lookup(st, p, receiver, false);
    add_stream(p, wg, t, s);
    break;
  }
  default: break;
  }
  if (t->len < t->reported)
    dx_mark_truncated(p, wg, "the capture cut the WireGuard message");
  return t->len;
}

/* tshark's dissect_wg_heur(): the type's length, and for a Cookie Reply
 * or Transport Data zero reserved bytes (other implementations use them
 * in handshakes); an Initiation makes the UDP conversation WireGuard's. */
static uint32_t heur_wg(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  uint8_t type, r[3];
  if (t->reported < 4 || !dx_get_u8(t, 0, &type) || !valid_length(type, t->reported))
    return 0;
  if (!dx_get_u8(t, 1, &r[0]) || !dx_get_u8(t, 2, &r[1]) || !dx_get_u8(t, 3, &r[2]))
    return 0;
  if ((type == 3 || type == 4) && (r[0] | r[1] | r[2]))
    return 0;
  int dir;
  dx_flow *fl = type == 1 && !p->in_icmp_error ? dx_flow_find(p, &dir) : NULL;
  if (fl && !fl->app)
    fl->app = &dx_proto_wg;
  return dissect_wg(p, t, parent);
}

const dx_protocol dx_proto_wg = {
    .name = "wg",
    .label = "WireGuard Protocol",
    .fields = wg_fields,
    .nfields = DX_ARRAY_LEN(wg_fields),
    .dissect = dissect_wg,
    .heuristic_udp = heur_wg,
    .state_new = wg_state_new,
    .state_free = wg_state_free,
    .state_reset = wg_state_reset,
};
