/* Datagram Transport Layer Security (RFC 4347 DTLS 1.0, RFC 6347 DTLS
 * 1.2) as tshark 4.0 shows it without keys: the records of a datagram
 * (content type, version, epoch, 48-bit sequence number, length), and in
 * them change cipher spec, alerts, application data and the handshake
 * messages with DTLS's header (message_seq, fragment offset and length).
 * The bodies of the handshake messages are tls.c's (hellos with the
 * cookie, HelloVerifyRequest, certificates, key exchanges, extensions),
 * under the dtls.* names. A message cut into fragments is reassembled per
 * direction and message_seq, as tshark does ("(Fragment)", then
 * "(Reassembled)" with the list of its pieces), bounded by DTLS_MAX_MSG and
 * DTLS_PIECES and charged to the session's stream byte budget.
 *
 * Found on UDP ports 853, 2221, 5684 and 5868 (tshark 4.0's), by tshark's
 * UDP heuristic (records with a content type 20 to 25 and a DTLS version
 * that fill the datagram), and in CAPWAP's DTLS header (capwap.c).
 *
 * Not made: decryption (everything of epoch 1 and later shows as
 * encrypted), DTLS 1.3's unified header and connection ids (RFC 9147;
 * content type 25 shows as a record without its payload decoded),
 * heartbeat messages' fields, and the "Reassembled in" of a fragment
 * (known to tshark only in a second pass). */
#include "../core/dx.h"
#include "tls.h"
#include "tls_fields.h"
#include "tls_tables.h"

#include <stdlib.h>
#include <string.h>

extern const dx_protocol dx_proto_dtls;

#define FL(i) (&dx_dtls_fields[(i)])

#define DTLS_MAX_MSG 65536u /* a handshake message reassembled at most */
#define DTLS_PIECES 16u     /* fragments listed under a reassembled message */

enum { CT_CCS = 20, CT_ALERT = 21, CT_HANDSHAKE = 22, CT_APPDATA = 23, CT_HEARTBEAT = 24 };

/* One handshake message being reassembled (one per direction). */
typedef struct dtls_reasm {
  bool active;
  uint16_t seq;
  uint32_t len;  /* the message body's length */
  uint8_t *buf;  /* len bytes */
  uint8_t *have; /* a bit per byte of buf received */
  uint32_t got;  /* bytes received */
  uint64_t frame[DTLS_PIECES];
  uint32_t poff[DTLS_PIECES], plen[DTLS_PIECES];
  uint32_t npieces;
} dtls_reasm;

typedef struct dtls_conv {
  uint16_t version; /* the session's, as tshark's ssl_try_set_version(); 0 unknown */
  dx_tls_dgram *hs;
  dtls_reasm r[2];
  uint64_t *budget;
} dtls_conv;

static uint64_t reasm_cost(uint32_t len) {
  return dx_heap_cost(len) + dx_heap_cost(len / 8 + 1);
}

static void reasm_clear(dtls_conv *c, dtls_reasm *r) {
  if (r->buf)
    dx_budget_give(c->budget, reasm_cost(r->len));
  free(r->buf);
  free(r->have);
  memset(r, 0, sizeof *r);
}

static void conv_free(void *v) {
  dtls_conv *c = v;
  if (!c)
    return;
  for (int i = 0; i < 2; i++)
    reasm_clear(c, &c->r[i]);
  dx_tls_dgram_free(c->hs);
  dx_budget_give(c->budget, dx_heap_cost(sizeof *c));
  free(c);
}

/* The state of the UDP conversation (in its flow's application data),
 * made on first use; NULL without a flow, over budget or on OOM. *dir
 * gets the direction of the packet. */
static dtls_conv *get_conv(dx_packet *p, int *dir) {
  dx_flow *fl = p->flow;
  *dir = p->flow_dir & 1;
  if (!fl && !p->in_icmp_error && p->net_src.type != DX_AT_NONE)
    fl = dx_flow_find(p, dir);
  if (!fl)
    return NULL;
  if (fl->app_data)
    return fl->app_free == conv_free ? fl->app_data : NULL;
  uint64_t *budget = dx_packet_stream_budget(p);
  if (!dx_budget_take(budget, dx_packet_config(p)->max_total_stream_bytes,
                      dx_heap_cost(sizeof(dtls_conv))))
    return NULL;
  dtls_conv *c = calloc(1, sizeof *c);
  if (!c) {
    dx_budget_give(budget, dx_heap_cost(sizeof(dtls_conv)));
    return NULL;
  }
  c->budget = budget;
  c->hs = dx_tls_dgram_new(p);
  fl->app_data = c;
  fl->app_free = conv_free;
  return c;
}

static bool valid_version(uint16_t v) {
  return v == 0xfeff || v == 0xfefd || v == 0x0100;
}

static bool valid_ct(uint8_t ct) {
  return ct >= CT_CCS && ct <= 25;
}

/* tshark's ssl_version_short_names for DTLS */
static const char *ver_name(uint16_t v) {
  switch (v) {
  case 0xfeff: return "DTLSv1.0";
  case 0xfefd: return "DTLSv1.2";
  case 0xfefc: return "DTLSv1.3";
  case 0x0100: return "DTLS 1.0 (OpenSSL pre 0.9.8f)";
  default: return "DTLS";
  }
}

/* tshark's looks_like_dtls(): a content type and a DTLS version */
static bool looks_like_dtls(const dx_tvb *t, uint32_t off) {
  uint8_t ct = 0;
  uint16_t v = 0;
  return dx_get_u8(t, off, &ct) && dx_get_u16(t, off + 1, &v) && valid_ct(ct) && valid_version(v);
}

/* Per-frame state of the dissection. */
typedef struct dctx {
  dx_packet *p;
  dtls_conv *c;
  uint16_t version; /* c->version, or this frame's own without state */
  int dir;
} dctx;

static void info(dctx *x, const char *s) {
  dx_col_info_append_sep(x->p, ", ", "%s", s);
}

/* A heartbeat record, by DTLS's rule (tls.c, dx_tls_heartbeat). */
static void heartbeat(dctx *x, dx_node *rec, const dx_tvb *rt, uint16_t len, const char *vs) {
  char buf[32];
  if (dx_tls_heartbeat(x->p, dx_dtls_fields, rec, rt, len, vs, true, false, buf, sizeof buf))
    info(x, buf);
}

/* The list of the pieces of the message just reassembled (tshark's
 * "[N Message fragments (L bytes): #a(n), ...]"). */
static void add_pieces(dctx *x, const dtls_reasm *r, dx_node *rec, const dx_tvb *mt) {
  dx_packet *p = x->p;
  dx_node *fl = dx_add_none(p, rec, FL(F_D_FRAGMENTS), mt, 0, mt->len);
  dx_node_set_flags(fl, DX_NODE_GENERATED);
  if (dx_packet_labels(p)) {
    dx_sb sb;
    char buf[256];
    dx_sb_init(&sb, buf, sizeof buf);
    dx_sb_u64(&sb, r->npieces);
    dx_sb_kv(&sb, " Message fragments (", mt->len);
    dx_sb_str(&sb, " bytes): ");
    for (uint32_t i = 0; i < r->npieces; i++) {
      dx_sb_kv(&sb, i ? ", #" : "#", r->frame[i]);
      dx_sb_kv(&sb, "(", r->plen[i]);
      dx_sb_str(&sb, ")");
    }
    dx_node_set_text(p, fl, "%s", buf);
  }
  for (uint32_t i = 0; i < r->npieces; i++) {
    uint32_t o = r->poff[i], n = r->plen[i];
    dx_node *f = dx_add_uint(p, fl, FL(F_D_FRAGMENT), mt, o, n, r->frame[i]);
    dx_node_set_text(p, f, "Frame: %llu, payload: %u-%u (%u byte%s)",
                     (unsigned long long)r->frame[i], o, n ? o + n - 1 : o, n, n == 1 ? "" : "s");
    dx_node_set_flags(f, DX_NODE_GENERATED);
  }
  dx_node_set_flags(dx_add_uint(p, fl, FL(F_D_FRAG_COUNT), mt, 0, 0, r->npieces),
                    DX_NODE_GENERATED);
  /* (dtls.reassembled.length: TLS's field of that name, DTLS's label) */
  dx_node *rl = dx_add_uint(p, fl, FL(F_REASM_PDU_LEN), mt, 0, 0, mt->len);
  dx_node_set_text(p, rl, "Reassembled DTLS length: %u", mt->len);
  dx_node_set_flags(rl, DX_NODE_GENERATED);
}

/* Adds the fragment [off, off + n) of message seq (body length len) to
 * the direction's reassembly; true with *out over the whole body when it
 * is complete and this fragment ends it (tshark reassembles on the
 * fragment that reaches the message's end). */
static bool reasm_add(dctx *x, uint16_t seq, uint32_t len, uint32_t off, const dx_tvb *frag,
                      dx_tvb *out) {
  dtls_conv *c = x->c;
  if (!c || len > DTLS_MAX_MSG)
    return false;
  dtls_reasm *r = &c->r[x->dir];
  if (r->active && (r->seq != seq || r->len != len))
    reasm_clear(c, r);
  if (!r->active) {
    if (!dx_budget_take(c->budget, dx_packet_config(x->p)->max_total_stream_bytes, reasm_cost(len)))
      return false;
    r->buf = malloc(len ? len : 1);
    r->have = calloc(len / 8 + 1, 1);
    if (!r->buf || !r->have) {
      free(r->buf);
      free(r->have);
      r->buf = r->have = NULL;
      dx_budget_give(c->budget, reasm_cost(len));
      return false;
    }
    r->active = true;
    r->seq = seq;
    r->len = len;
  }
  const uint8_t *d = dx_get_ptr(frag, 0, frag->len);
  if (!d)
    return false;
  for (uint32_t i = 0; i < frag->len; i++) {
    uint32_t at = off + i;
    if (!(r->have[at / 8] & (1u << (at % 8)))) {
      r->have[at / 8] |= (uint8_t)(1u << (at % 8));
      r->got++;
    }
    r->buf[at] = d[i];
  }
  if (r->npieces < DTLS_PIECES) {
    r->frame[r->npieces] = dx_packet_number(x->p);
    r->poff[r->npieces] = off;
    r->plen[r->npieces++] = frag->len;
  }
  if (off + frag->len != len || r->got != len)
    return false;
  *out = dx_packet_add_source_kind(x->p, DX_SRC_REASSEMBLED, "DTLS", r->buf, len);
  return true;
}

/* The handshake messages of a record's payload rt (epoch 0). */
/* vs: the session's version when the record started, which names it (a
 * ServerHello's record too, as tshark names it) */
static void handshake(dctx *x, const dx_tvb *rt, dx_node *rec, const char *vs) {
  dx_packet *p = x->p;
  uint32_t off = 0;
  unsigned n = 0;
  const char *first = NULL;
  while (off < rt->len) {
    uint8_t type = 0;
    uint16_t seq = 0;
    uint32_t len = 0, foff = 0, flen = 0;
    if (!dx_get_u8(rt, off, &type) || !dx_get_u24(rt, off + 1, &len) ||
        !dx_get_u16(rt, off + 4, &seq) || !dx_get_u24(rt, off + 6, &foff) ||
        !dx_get_u24(rt, off + 9, &flen)) {
      dx_node *h = dx_add_none(p, rec, FL(F_HS), rt, off, rt->len - off);
      dx_mark_truncated(p, h, "DTLS handshake header needs 12 bytes");
      return;
    }
    dx_tvb mt = dx_tvb_sub(rt, off, 12 + flen);
    dx_tvb ft = dx_tvb_sub(rt, off + 12, flen);
    dx_tvb whole;
    const dx_tvb *body = NULL;
    const char *suffix = "";
    if (foff == 0 && flen == len) {
      body = &ft;
    } else if (foff <= len && flen <= len - foff && ft.len == flen) {
      /* a fragment */
      if (reasm_add(x, seq, len, foff, &ft, &whole)) {
        body = &whole;
        suffix = " (Reassembled)";
      } else {
        suffix = " (Fragment)";
      }
    }
    const char *name =
        dx_tls_dgram_handshake(p, x->c ? x->c->hs : NULL, x->dir, &mt, body, suffix, rec);
    if (body == &whole) {
      /* after the message, as tshark lists them */
      add_pieces(x, &x->c->r[x->dir], rec, &whole);
      reasm_clear(x->c, &x->c->r[x->dir]);
    }
    if (type == 2 && body) {
      /* the ServerHello's version is the session's (ssl_try_set_version) */
      uint16_t v = 0;
      if (dx_get_u16(body, 0, &v) && valid_version(v)) {
        x->version = v;
        if (x->c)
          x->c->version = v;
      }
    }
    if (dx_packet_labels(p) || p->want_columns) {
      char buf[96];
      dx_snprintf(buf, sizeof buf, "%s%s", name, suffix);
      info(x, buf);
      if (n++ == 0)
        first = dx_arena_strndup(&p->arena, buf, strlen(buf));
    }
    if (mt.len < 12 + flen) {
      dx_mark_truncated(p, rec, "DTLS handshake fragment cut short");
      return;
    }
    off += 12 + flen;
  }
  if (n > 1)
    dx_node_set_text(p, rec, "%s Record Layer: Handshake Protocol: Multiple Handshake Messages",
                     vs);
  else if (first)
    dx_node_set_text(p, rec, "%s Record Layer: Handshake Protocol: %s", vs, first);
}

/* One record at off; returns the offset after it. */
static uint32_t record(dctx *x, const dx_tvb *t, uint32_t off, dx_node *dtls) {
  dx_packet *p = x->p;
  uint8_t ct = 0;
  uint16_t ver = 0, epoch = 0, rlen = 0;
  dx_get_u8(t, off, &ct);
  dx_get_u16(t, off + 1, &ver);
  if (!dx_get_u16(t, off + 3, &epoch) || !dx_get_u16(t, off + 11, &rlen)) {
    dx_node *rec = dx_add_none(p, dtls, FL(F_RECORD), t, off, t->len - off);
    dx_mark_truncated(p, rec, "DTLS record header needs 13 bytes");
    return t->len;
  }
  if (!valid_ct(ct)) {
    info(x, "Continuation Data");
    dx_col_set_proto(p, ver_name(x->version));
    return off + 13 + rlen;
  }
  dx_node *rec = dx_add_none(p, dtls, FL(F_RECORD), t, off, 13 + rlen);
  dx_add_item(p, rec, FL(F_CT), t, off, 1);
  dx_add_item(p, rec, FL(F_RVER), t, off + 1, 2);
  dx_add_item(p, rec, FL(F_D_EPOCH), t, off + 3, 2);
  uint64_t seq = 0;
  for (uint32_t i = 0; i < 6; i++) {
    uint8_t b = 0;
    dx_get_u8(t, off + 5 + i, &b);
    seq = seq << 8 | b;
  }
  dx_add_uint(p, rec, FL(F_D_SEQ), t, off + 5, 6, seq);
  dx_add_item(p, rec, FL(F_RLEN), t, off + 11, 2);
  dx_tvb rt = dx_tvb_sub(t, off + 13, rlen);
  /* ssl_try_set_version(): any valid record but a ClientHello tells the
   * session's version, if none is known yet */
  uint8_t first = 0;
  dx_get_u8(&rt, 0, &first);
  if (x->version == 0 && valid_version(ver) &&
      (ct != CT_HANDSHAKE ||
       (first != 1 && (first == 3 || dx_val_name(dx_tls_hs_vals, first) != NULL)))) {
    x->version = ver;
    if (x->c)
      x->c->version = ver;
  }
  dx_col_set_proto(p, ver_name(x->version));
  const char *vs = ver_name(x->version);
  switch (ct) {
  case CT_CCS:
    dx_add_none(p, rec, FL(F_CCS), &rt, 0, rt.len);
    dx_node_set_text(p, rec, "%s Record Layer: Change Cipher Spec Protocol: Change Cipher Spec",
                     vs);
    info(x, "Change Cipher Spec");
    break;
  case CT_ALERT: {
    dx_node *a = dx_add_none(p, rec, FL(F_ALERT), &rt, 0, rt.len);
    uint8_t lv = 0, ds = 0;
    if (epoch != 0 || rlen != 2 || !dx_get_u8(&rt, 0, &lv) || !dx_get_u8(&rt, 1, &ds)) {
      dx_node_set_text(p, a, "Alert Message: Encrypted Alert");
      dx_node_set_text(p, rec, "%s Record Layer: Encrypted Alert", vs);
      info(x, "Encrypted Alert");
      break;
    }
    dx_add_item(p, a, FL(F_ALEVEL), &rt, 0, 1);
    dx_add_item(p, a, FL(F_ADESC), &rt, 1, 1);
    const char *ln = dx_val_name_def(FL(F_ALEVEL)->vals, lv, "Unknown");
    const char *dn = dx_val_name_def(dx_tls_alert_vals, ds, "Unknown");
    dx_node_set_text(p, rec, "%s Record Layer: Alert (Level: %s, Description: %s)", vs, ln, dn);
    char buf[128];
    dx_snprintf(buf, sizeof buf, "Alert (Level: %s, Description: %s)", ln, dn);
    info(x, buf);
    break;
  }
  case CT_HANDSHAKE:
    if (epoch != 0) {
      /* without keys: tshark leaves both items' labels as they are */
      dx_add_none(p, rec, FL(F_HS), &rt, 0, rt.len);
      info(x, "Encrypted Handshake Message");
      break;
    }
    handshake(x, &rt, rec, vs);
    dx_col_set_proto(p, ver_name(x->version)); /* a ServerHello's version */
    break;
  case CT_APPDATA:
    dx_add_bytes(p, rec, FL(F_APPDATA), &rt, 0, rt.len);
    dx_node_set_text(p, rec, "%s Record Layer: Application Data Protocol: Application Data", vs);
    info(x, "Application Data");
    break;
  case CT_HEARTBEAT: heartbeat(x, rec, &rt, rlen, vs); break;
  default: break;
  }
  if (rt.len < rlen)
    dx_mark_truncated(p, rec, "DTLS record cut short");
  return off + 13 + rlen;
}

static uint32_t dissect_dtls(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  dctx x = {p, NULL, 0, 0};
  x.c = get_conv(p, &x.dir);
  if (x.c)
    x.version = x.c->version;
  dx_col_set_proto(p, "DTLS");
  dx_col_info_clear(p);
  dx_node *dtls = dx_add_proto(p, parent, FL(F_TLS), t, 0, t->len);
  uint32_t off = 0;
  bool first = true;
  while (off < t->len) {
    if (valid_version(x.version) || looks_like_dtls(t, off)) {
      off = record(&x, t, off, dtls);
    } else {
      if (!first)
        dx_col_info_append(p, ", ");
      dx_col_info_append(p, "Continuation Data");
      dx_col_set_proto(p, ver_name(x.version));
      off = t->len;
    }
    first = false;
  }
  return t->len;
}

/* tshark's dissect_dtls_heur(): records that fill the datagram exactly
 * (or, for one cut by the snapshot length, whose starts all look right). */
static uint32_t heur_dtls(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  uint32_t off = 0;
  if (t->reported <= t->len) {
    while (off + 13 <= t->len && looks_like_dtls(t, off)) {
      uint16_t rl = 0;
      dx_get_u16(t, off + 11, &rl);
      off += 13u + rl;
      if (off == t->len)
        return dissect_dtls(p, t, parent);
    }
    if (p->fragmented && off >= 13)
      return dissect_dtls(p, t, parent);
    return 0;
  }
  while (t->len - off >= 3) {
    if (!looks_like_dtls(t, off))
      return 0;
    uint16_t rl = 0;
    if (!dx_get_u16(t, off + 11, &rl))
      return dissect_dtls(p, t, parent);
    off += 13u + rl;
    if (off >= t->len)
      break;
  }
  if (t->len >= 3 && (off <= t->reported || p->fragmented))
    return dissect_dtls(p, t, parent);
  return 0;
}

static const dx_reg dtls_regs[] = {{DX_TABLE_UDP_PORT, 853},
                                   {DX_TABLE_UDP_PORT, 2221},
                                   {DX_TABLE_UDP_PORT, 5684},
                                   {DX_TABLE_UDP_PORT, 5868},
                                   {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_dtls = {
    .name = "dtls",
    .label = "Datagram Transport Layer Security",
    .fields = dx_dtls_fields,
    .nfields = F_DTLS_NFIELDS,
    .dissect = dissect_dtls,
    .regs = dtls_regs,
    .heuristic_udp = heur_dtls,
};
