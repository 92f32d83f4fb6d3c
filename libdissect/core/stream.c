/* The byte-stream layer (see stream.h): application dispatch and PDU
 * reassembly for every producer of ordered bytes (TCP, decrypted TLS). It
 * follows Wireshark's desegmentation model: an application dissector that
 * finds its PDU incomplete says where it starts and how many more bytes it
 * needs; the bytes are kept (against the session's byte budget) and the
 * dissector is called again, on the frame that completes the PDU, over a
 * data source named "Reassembled <kind> (N bytes)". */
#include "stream.h"
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a stream's own pair of PDU buffers charges to the byte budget. */
#define OWN_COST dx_heap_cost(2 * sizeof(dx_tcp_stream))

void dx_stream_init(dx_stream *s, const dx_stream_kind *kind, dx_flow *flow, dx_stream *lower,
                    const dx_reasm_limits *lim, dx_tcp_stream *buf0, dx_tcp_stream *buf1) {
  memset(s, 0, sizeof *s);
  s->kind = kind;
  s->flow = flow;
  s->lower = lower;
  if ((!buf0 || !buf1) && dx_budget_take(lim->total, lim->max_total, OWN_COST)) {
    s->own = calloc(2, sizeof *s->own);
    if (!s->own)
      dx_budget_give(lim->total, OWN_COST);
  }
  for (int i = 0; i < 2; i++) {
    dx_tcp_stream *b = i ? buf1 : buf0;
    if (b) {
      s->pdu[i] = b;
    } else if (s->own) {
      dx_tcp_stream_init(&s->own[i], lim);
      s->pdu[i] = &s->own[i];
    }
    if (flow)
      s->port[i] = flow->port[i];
  }
}

void dx_stream_free(dx_stream *s) {
  if (!s)
    return;
  if (s->app_free && s->app_data)
    s->app_free(s->app_data);
  s->app_data = NULL;
  s->app_free = NULL;
  if (s->saved_free && s->saved_data)
    s->saved_free(s->saved_data);
  s->saved_data = NULL;
  s->saved_free = NULL;
  for (int i = 0; i < 2; i++) {
    if (s->own && s->pdu[i] == &s->own[i])
      dx_tcp_stream_free(&s->own[i]);
    s->pdu[i] = NULL;
  }
  if (s->own) {
    dx_budget_give(s->own[0].lim.total, OWN_COST);
    free(s->own);
    s->own = NULL;
  }
  if (s->tunnel) {
    dx_budget_give(s->tunnel->budget, s->tunnel->cost);
    free(s->tunnel);
    s->tunnel = NULL;
  }
}

bool dx_stream_tunnel(dx_packet *p, const char *host, size_t hlen, uint16_t port,
                      dx_tunnel_layer_fn layer) {
  dx_stream *s = p->bstream;
  if (!s || s->tunnel || !layer)
    return false;
  s->tunnel_port = port;
  if (hlen > 255)
    hlen = 255;
  uint64_t *budget = dx_packet_stream_budget(p);
  uint64_t cost = dx_heap_cost(sizeof(dx_tunnel) + hlen + 1);
  if (!budget || !dx_budget_take(budget, dx_packet_config(p)->max_total_stream_bytes, cost))
    return false;
  dx_tunnel *t = malloc(sizeof *t + hlen + 1);
  if (!t) {
    dx_budget_give(budget, cost);
    return false;
  }
  t->layer = layer;
  t->budget = budget;
  t->cost = cost;
  memcpy(t->host, host, hlen);
  t->host[hlen] = 0;
  s->tunnel = t;
  return true;
}

void dx_stream_switch(dx_packet *p, const dx_protocol *to) {
  if (p->bstream && to)
    p->bstream->next_app = to;
}

void dx_stream_starttls(dx_packet *p, const dx_protocol *to) {
  if (p->bstream && to) {
    p->bstream->next_app = to;
    p->bstream->next_ports = true;
  }
}

void dx_stream_renew(dx_packet *p) {
  if (p->bstream && !p->bstream->lower && p->bstream->flow) {
    p->bstream->renew = true;
    p->bstream->renew_dir = p->flow_dir;
  }
}

void dx_stream_gap(dx_stream *s, int dir) {
  if (s && s->pdu[dir & 1])
    dx_tcp_pdu_reset(s->pdu[dir & 1]);
}

/* ---- choosing the application ---- */
static int cmp_dispatch(const void *a, const void *b) {
  const dx_dispatch *x = a, *y = b;
  return x->key < y->key ? -1 : x->key > y->key;
}

const dx_protocol *dx_port_proto(const dx_packet *p, dx_table table, uint16_t port) {
  const dx_session *s = p->sess;
  if ((unsigned)table >= DX_TABLE_COUNT || port == 0)
    return NULL;
  const dx_protocol *da = dx_decode_as_proto(s, table, port);
  if (da)
    return da;
  dx_dispatch k = {port, NULL};
  const dx_dispatch *d =
      bsearch(&k, s->tables[table], s->ntables[table], sizeof(dx_dispatch), cmp_dispatch);
  return d && d->proto->dissect ? d->proto : NULL;
}

static const dx_protocol *decode_as_proto(const dx_packet *p, dx_table table, uint16_t port) {
  return dx_decode_as_proto(p->sess, table, port);
}

uint16_t dx_match_port(const dx_packet *p, dx_table table, const dx_protocol *pr) {
  uint16_t lo = p->srcport < p->dstport ? p->srcport : p->dstport;
  uint16_t hi = p->srcport < p->dstport ? p->dstport : p->srcport;
  if (lo && decode_as_proto(p, table, lo) == pr)
    return lo;
  if (hi && decode_as_proto(p, table, hi) == pr)
    return hi;
  if (lo && dx_port_proto(p, table, lo) == pr)
    return lo;
  if (hi && dx_port_proto(p, table, hi) == pr)
    return hi;
  return 0;
}

static const dx_protocol *proto_named(const char *name) {
  for (size_t i = 0; i < dx_nprotocols; i++)
    if (strcmp(dx_protocols[i]->name, name) == 0)
      return dx_protocols[i];
  return NULL;
}

/* The protocol an ALPN identifier names (RFC 7301 registry), or NULL. */
static const dx_protocol *alpn_proto(const char *alpn) {
  if (!alpn || !alpn[0])
    return NULL;
  if (strcmp(alpn, "h2") == 0)
    return proto_named("http2");
  if (strcmp(alpn, "http/1.1") == 0 || strcmp(alpn, "http/1.0") == 0 ||
      strcmp(alpn, "http/0.9") == 0)
    return proto_named("http");
  if (strcmp(alpn, "h3") == 0 || strncmp(alpn, "h3-", 3) == 0) /* RFC 9114, drafts */
    return proto_named("http3");
  if (strcmp(alpn, "dot") == 0)
    return proto_named("dns");
  return NULL;
}

static uint32_t call_proto(dx_packet *p, dx_dissect_fn fn, const dx_tvb *t, dx_node *parent) {
  if (!fn || p->depth > 24)
    return 0;
  p->depth++;
  uint32_t r = fn(p, t, parent);
  p->depth--;
  return r;
}

static void adopt(dx_stream *s, const dx_protocol *pr) {
  if (!s)
    return;
  s->app = pr;
  if (s->flow && !s->lower)
    s->flow->app = pr;
}

bool dx_stream_expected(dx_packet *p, dx_stream *s) {
  if (!s || s->app)
    return false;
  for (size_t i = 0; i < dx_nprotocols; i++) {
    const dx_protocol *pr = dx_protocols[i];
    void *data = NULL;
    void (*data_free)(void *) = NULL;
    if (pr->expect_tcp && pr->dissect && pr->expect_tcp(p, &data, &data_free)) {
      adopt(s, pr);
      s->app_data = data;
      s->app_free = data ? data_free : NULL;
      return true;
    }
  }
  return false;
}

uint32_t dx_stream_handoff(dx_packet *p, const dx_protocol *to, const dx_tvb *t, dx_node *parent) {
  dx_stream *s = p->bstream;
  if (!s || !to || !to->dissect)
    return 0;
  if (s->app_free && s->app_data)
    s->app_free(s->app_data);
  s->app_data = NULL;
  s->app_free = NULL;
  s->next_app = NULL;
  s->ports = s->next_ports = false;
  adopt(s, to);
  return call_proto(p, to->dissect, t, parent);
}

/* Calls the application of the stream on t, choosing it on first use:
 * decode-as rules (lower port first), the ALPN, the port table of the
 * stream's kind, then the heuristics. Returns the bytes it took. */
static uint32_t call_app(dx_packet *p, dx_stream *s, const dx_stream_kind *kind, const dx_tvb *t,
                         dx_node *parent, uint16_t sport, uint16_t dport) {
  p->desegment_offset = 0;
  p->desegment_len = 0;
  if (s && s->next_app) {
    /* a protocol switch (dx_stream_switch): the old state goes now, or
     * (dx_stream_starttls) is kept for the port table's protocol */
    if (s->next_ports && !s->saved_data) {
      s->saved_data = s->app_data;
      s->saved_free = s->app_free;
    } else if (s->app_free && s->app_data) {
      s->app_free(s->app_data);
    }
    s->app_data = NULL;
    s->app_free = NULL;
    adopt(s, s->next_app);
    s->next_app = NULL;
    s->ports = s->next_ports;
    s->next_ports = false;
  }
  if (s && s->tunnel && parent)
    s->tunnel->layer(p, s->tunnel->host, s->tunnel_port, t, parent);
  uint16_t lo = sport < dport ? sport : dport, hi = sport < dport ? dport : sport;
  if (s && s->app) {
    uint32_t r =
        call_proto(p, s->app->dissect ? s->app->dissect : s->app->heuristic_tcp, t, parent);
    if (r || p->desegment_len || !s->ports)
      return r;
    /* (dx_stream_starttls: tshark's conversation dissector took nothing,
     * the port table is tried next, the lower port first) */
    dx_table tb = kind ? kind->port_table : DX_TABLE_TCP_PORT;
    const dx_protocol *pp[2] = {lo ? dx_port_proto(p, tb, lo) : NULL,
                                hi != lo && hi ? dx_port_proto(p, tb, hi) : NULL};
    for (int i = 0; i < 2; i++) {
      if (!pp[i] || pp[i] == s->app)
        continue;
      p->desegment_offset = 0;
      p->desegment_len = 0;
      /* (the state kept from before the switch is the stream's for it) */
      void *d = s->app_data;
      void (*f)(void *) = s->app_free;
      s->app_data = s->saved_data;
      s->app_free = s->saved_free;
      r = call_proto(p, pp[i]->dissect, t, parent);
      s->saved_data = s->app_data;
      s->saved_free = s->app_free;
      s->app_data = d;
      s->app_free = f;
      if (r) {
        p->desegment_offset = p->desegment_len = 0; /* (nothing kept for it) */
        return r;
      }
    }
    p->desegment_offset = p->desegment_len = 0;
    return 0;
  }
  const dx_protocol *cand[5] = {NULL};
  unsigned nc = 0;
  dx_table table = kind ? kind->port_table : DX_TABLE_TCP_PORT;
  cand[nc++] = lo ? decode_as_proto(p, table, lo) : NULL;
  cand[nc++] = hi != lo && hi ? decode_as_proto(p, table, hi) : NULL;
  cand[nc++] = s ? alpn_proto(s->alpn) : NULL;
  cand[nc++] = lo ? dx_port_proto(p, table, lo) : NULL;
  cand[nc++] = hi != lo && hi ? dx_port_proto(p, table, hi) : NULL;
  for (unsigned i = 0; i < nc; i++) {
    if (!cand[i] || !cand[i]->dissect)
      continue;
    p->desegment_offset = 0;
    p->desegment_len = 0;
    uint32_t r = call_proto(p, cand[i]->dissect, t, parent);
    if (r || p->desegment_len) {
      adopt(s, cand[i]);
      return r;
    }
  }
  if (kind && !kind->heuristics)
    return 0;
  const dx_session *ss = p->sess;
  for (size_t i = 0; i < ss->nheur_tcp; i++) {
    const dx_protocol *pr = ss->heur_tcp[i];
    p->desegment_offset = 0;
    p->desegment_len = 0;
    uint32_t r = call_proto(p, pr->heuristic_tcp, t, parent);
    if (r || p->desegment_len) {
      adopt(s, pr);
      return r;
    }
  }
  return 0;
}

/* Sets the packet's stream context for an application call; returns the
 * previous one so nested streams (HTTP in TLS in TCP) restore it. */
typedef struct stream_ctx_save {
  dx_flow *flow;
  int dir;
  dx_stream *bs;
} stream_ctx_save;

static stream_ctx_save ctx_enter(dx_packet *p, dx_stream *s, int dir) {
  stream_ctx_save sv = {p->flow, p->flow_dir, p->bstream};
  p->flow = s ? s->flow : NULL;
  p->flow_dir = dir;
  p->bstream = s;
  return sv;
}

static void ctx_leave(dx_packet *p, stream_ctx_save sv) {
  p->flow = sv.flow;
  p->flow_dir = sv.dir;
  p->bstream = sv.bs;
}

uint32_t dx_stream_call_once(dx_packet *p, dx_stream *s, const dx_stream_kind *kind, int dir,
                             uint16_t sport, uint16_t dport, const dx_tvb *t, dx_node *parent) {
  stream_ctx_save sv = ctx_enter(p, s, dir);
  if (!s && p->flow == NULL)
    p->flow = sv.flow;
  uint32_t took = call_app(p, s, kind, t, parent, sport, dport);
  ctx_leave(p, sv);
  p->desegment_offset = p->desegment_len = 0;
  return took;
}

/* ---- delivering bytes ---- */
typedef struct deliver_ctx {
  dx_packet *p;
  dx_stream *s;
  const dx_stream_kind *kind;
  dx_tcp_stream *rs;
  int dir;
  dx_node *owner, *parent;
  const dx_tvb *pl; /* the tvb holding this delivery's bytes, or NULL */
  uint16_t sport, dport;
  dx_stream_result res;
  /* The last application call only asked for more bytes (desegmentation at
   * offset 0): what it wrote in the columns is provisional and is undone
   * if the application is called again in this frame. */
  bool provisional;
  const char *snap_info, *snap_proto;
  uint32_t sd_start, sd_end; /* bytes of this delivery kept for a PDU */
  /* A delivery that is not a slice of the frame but starts with some of
   * its bytes: data[0..head_len) are d->pl's from head_off on; head_pos
   * counts the delivery's bytes consumed so far. */
  uint32_t head_off, head_len, head_pos;
} deliver_ctx;

/* Adds the "<kind> segment data" node for the bytes noted so far (one node
 * per PDU the bytes contribute to, as tshark shows them). */
static void flush_segment_data(deliver_ctx *d) {
  if (d->sd_end > d->sd_start && d->pl && d->kind->seg_data) {
    uint32_t k = d->sd_end - d->sd_start;
    dx_node *n = dx_add_bytes(d->p, d->owner, d->kind->seg_data, d->pl, d->sd_start, k);
    dx_node_set_text(d->p, n, "%s segment data (%u byte%s)", d->kind->name, k, k == 1 ? "" : "s");
  }
  d->sd_start = d->sd_end = 0;
}

static void note_segment_data(deliver_ctx *d, uint32_t off, uint32_t len) {
  if (d->sd_end == d->sd_start) {
    d->sd_start = off;
    d->sd_end = off + len;
    return;
  }
  if (off < d->sd_start)
    d->sd_start = off;
  if (off + len > d->sd_end)
    d->sd_end = off + len;
}

/* Pieces covering [off, off+len) of a buffer described by pieces. */
static uint32_t pieces_slice(const dx_reasm_piece *in, uint32_t nin, uint32_t off, uint32_t len,
                             dx_reasm_piece *out) {
  uint32_t n = 0, pos = 0;
  for (uint32_t i = 0; i < nin && len; i++) {
    uint32_t end = pos + in[i].len;
    if (end > off) {
      uint32_t start = off > pos ? off - pos : 0;
      uint32_t take = in[i].len - start;
      if (take > len)
        take = len;
      out[n] = in[i];
      out[n].len = take;
      if (start) { /* the piece's overlap stays with its first bytes */
        out[n].back = 0;
        out[n].flags = 0;
      }
      n++;
      off += take;
      len -= take;
    }
    pos = end;
  }
  return n;
}

static void add_segments_tree(deliver_ctx *d, const dx_tvb *rt, const dx_reasm_piece *pc,
                              uint32_t npc) {
  dx_packet *p = d->p;
  const dx_stream_kind *k = d->kind;
  if (!k->segments)
    return;
  dx_node *segs = dx_add_none(p, d->parent, k->segments, rt, 0, rt->len);
  /* a skipped layer's ghost holds nothing (no items, no label to build);
   * under a field ghost a segment item of interest is still added */
  bool items = segs && !(p->skip && (segs->flags & (DX_NODE_SKIPPED_LAYER | DX_NODE_FIELD_GHOST)) ==
                                        DX_NODE_SKIPPED_LAYER);
  bool label = items && dx_label_wanted(p, segs);
  char buf[256];
  size_t u = 0;
  if (label) {
    u = (size_t)dx_snprintf(buf, sizeof buf, "%u Reassembled %s %s (%u bytes): ", npc, k->name,
                            k->piece_word ? k->piece_word : "Segments", rt->len);
    if (u >= sizeof buf)
      u = sizeof buf - 1;
  }
  uint32_t pos = 0;
  bool full = !label;
  for (uint32_t i = 0; i < npc && items; i++) {
    /* a piece that overlapped what was held is listed from where its
     * segment started, as tshark lists it */
    uint32_t back = pc[i].back <= pos ? pc[i].back : pos;
    uint32_t plen = back + pc[i].len;
    if (!full) {
      /* within tshark's 240-character label, cut where it ends (its
       * proto_item_append_text() writes what fits of an item: "#1]") */
      char item[48];
      int w = dx_snprintf(item, sizeof item, "%s#%llu(%u)", i ? ", " : "",
                          (unsigned long long)pc[i].frame, plen);
      size_t n = w > 0 ? (size_t)w : 0;
      if (u + n > 239) {
        n = u < 239 ? 239 - u : 0;
        full = true;
      }
      memcpy(buf + u, item, n);
      u += n;
      buf[u] = 0;
    }
    if (i < 512) {
      bool conflict = (pc[i].flags & DX_PIECE_CONFLICT) && k->seg_error;
      dx_node *sn = dx_add_uint(p, segs, conflict ? k->seg_error : k->segment, rt, pos - back, plen,
                                pc[i].frame);
      if (plen == 0)
        dx_node_set_text(p, sn, "[Frame: %llu (no data)]", (unsigned long long)pc[i].frame);
      else
        dx_node_set_text(p, sn, "[Frame: %llu, payload: %u-%u (%u byte%s)]",
                         (unsigned long long)pc[i].frame, pos - back, pos + pc[i].len - 1, plen,
                         plen == 1 ? "" : "s");
      if ((pc[i].flags & DX_PIECE_OVERLAP) && k->seg_overlap) {
        dx_node *f = dx_add_uint(p, sn, k->seg_overlap, rt, 0, 0, 1);
        dx_node_set_flags(f, DX_NODE_GENERATED);
      }
      if ((pc[i].flags & DX_PIECE_CONFLICT) && k->seg_conflict) {
        dx_node *f = dx_add_uint(p, sn, k->seg_conflict, rt, 0, 0, 1);
        dx_node_set_flags(f, DX_NODE_GENERATED);
      }
    } else if (i == 512) {
      dx_expert(p, segs, dx_field_limit(), DX_SEV_NOTE, "[%u more segments not listed]", npc - 512);
    }
    pos += pc[i].len;
  }
  if (label) {
    buf[u] = 0;
    dx_node_set_text(p, segs, "[%s]", buf);
  }
  dx_node *n = dx_add_uint(p, segs, k->seg_count, rt, 0, 0, npc);
  dx_node_set_flags(n, DX_NODE_GENERATED);
  n = dx_add_uint(p, segs, k->reasm_len, rt, 0, 0, rt->len);
  dx_node_set_flags(n, DX_NODE_GENERATED);
  n = dx_add_bytes(p, segs, k->reasm_data, rt, 0, rt->len);
  dx_node_set_flags(n, DX_NODE_GENERATED);
}

static void limit_hit(deliver_ctx *d) {
  const dx_config *cfg = dx_packet_config(d->p);
  dx_expert(d->p, d->owner, dx_field_limit(), DX_SEV_WARN,
            "[%s reassembly limit reached (%u bytes per direction, %llu in all): the PDU was "
            "dropped and later bytes of this direction are shown as data]",
            d->kind->name, cfg->max_stream_bytes, (unsigned long long)cfg->max_total_stream_bytes);
  d->s->reasm_off[d->dir] = true;
  dx_tcp_pdu_reset(d->rs);
}

/* Runs the application on t (whose bytes came from pieces) and keeps what
 * it asks to keep. */
static void run_app(deliver_ctx *d, const dx_tvb *t, const dx_reasm_piece *pc, uint32_t npc) {
  dx_packet *p = d->p;
  if (d->provisional && p->want_columns) {
    const char *si = d->snap_info ? d->snap_info : "";
    dx_col_info_restore(p, si, strlen(si));
    dx_col_set_proto(p, d->snap_proto);
  }
  if (p->want_columns) {
    d->snap_info = dx_arena_strndup(&p->arena, p->col_info ? p->col_info : "", p->col_info_len);
    d->snap_proto = p->col_proto;
  }
  stream_ctx_save sv = ctx_enter(p, d->s, d->dir);
  uint32_t r = call_app(p, d->s, d->kind, t, d->parent, d->sport, d->dport);
  uint32_t doff = p->desegment_offset, dlen = p->desegment_len;
  p->desegment_offset = p->desegment_len = 0;
  ctx_leave(p, sv);
  d->res.called_any = true;
  d->provisional = dlen && doff == 0;
  if (dlen && !d->s->reasm_off[d->dir]) {
    if (doff > t->len)
      doff = t->len;
    if (doff > 0) {
      d->res.pdu_done = true;
      d->res.app_took = true; /* it took the bytes before doff */
    }
    dx_reasm_piece *sl = dx_arena_alloc(&p->arena, (npc ? npc : 1) * sizeof *sl);
    uint32_t nsl = sl ? pieces_slice(pc, npc, doff, t->len - doff, sl) : 0;
    bool until_fin = dlen == DX_DESEGMENT_UNTIL_FIN && d->kind->until_fin;
    if (dlen == DX_DESEGMENT_UNTIL_FIN && sl && p->stream_end == DX_STREAM_MORE &&
        (!until_fin || !dx_tcp_pdu_fits(d->rs, (uint64_t)(t->len - doff) + 1))) {
      /* No room to keep it until the FIN (the byte budget is spent): the
       * application sees it as it is now, the rest as it comes. */
      dx_tvb rest = dx_tvb_sub(t, doff, UINT32_MAX);
      dx_expert(p, d->owner, dx_field_limit(), DX_SEV_WARN,
                "[%s reassembly limit reached: the PDU that runs until the end of the "
                "connection is shown as it comes]",
                d->kind->name);
      p->stream_end = DX_STREAM_NO_WAIT;
      run_app(d, &rest, sl, nsl);
      p->stream_end = DX_STREAM_MORE;
      return;
    }
    uint32_t more = dlen == DX_DESEGMENT_ONE_MORE || dlen == DX_DESEGMENT_UNTIL_FIN ? 0 : dlen;
    if (!sl || !dx_tcp_pdu_start(d->rs, t->data + doff, t->len - doff, more, sl, nsl)) {
      limit_hit(d);
    } else {
      d->res.buffered = true;
      if (until_fin) {
        /* every byte until the FIN (dx_stream_fin), or the cap */
        d->rs->pdu_until_fin = true;
        d->rs->pdu_need = UINT32_MAX;
      }
    }
    return;
  }
  d->res.pdu_done = true;
  if (r > 0)
    d->res.app_took = true;
  if (r == 0) {
    dx_dissect_data(p, t, d->parent);
  } else if (r < t->len) {
    dx_tvb rest = dx_tvb_sub(t, r, UINT32_MAX);
    dx_dissect_data(p, &rest, d->parent);
  }
}

/* Runs the application on a reassembled buffer; if it took something (the
 * PDU is finished), the pieces it came from are listed just before the
 * application's layers, as tshark does. */
static void segments_before(deliver_ctx *d, const dx_tvb *t, const dx_reasm_piece *pc, uint32_t npc,
                            dx_node *before);

static void run_reassembled(deliver_ctx *d, const dx_tvb *t, const dx_reasm_piece *pc,
                            uint32_t npc) {
  dx_node *parent = d->parent;
  dx_node *before = parent ? parent->last_child : NULL;
  run_app(d, t, pc, npc);
  if (d->provisional || !parent)
    return;
  flush_segment_data(d);
  segments_before(d, t, pc, npc, before);
}

/* Lists the pieces of t and puts the list after `before` (first if NULL),
 * so that it comes before the application's layers, as tshark shows it. */
static void segments_before(deliver_ctx *d, const dx_tvb *t, const dx_reasm_piece *pc, uint32_t npc,
                            dx_node *before) {
  dx_node *parent = d->parent;
  add_segments_tree(d, t, pc, npc);
  dx_node *segs = parent->last_child;
  if (!segs || segs == before || !d->kind->segments || segs->field != d->kind->segments)
    return;
  /* unlink it from the end */
  dx_node *prev = NULL;
  for (dx_node *n = parent->first_child; n && n != segs; n = n->next)
    prev = n;
  if (!prev)
    return;
  prev->next = NULL;
  parent->last_child = prev;
  /* and put it after `before` (first if there was nothing) */
  if (before) {
    segs->next = before->next;
    before->next = segs;
  } else {
    segs->next = parent->first_child;
    parent->first_child = segs;
  }
  if (!segs->next)
    parent->last_child = segs;
}

static dx_tvb reassembled_source(deliver_ctx *d, const uint8_t *data, uint32_t len) {
  return dx_packet_add_source_kind(d->p, DX_SRC_REASSEMBLED, d->kind->name, data, len);
}

/* The pending PDU's bytes as a data source of the packet, handed over
 * rather than copied (the PDU is reset after). */
static dx_tvb pdu_source(deliver_ctx *d) {
  uint32_t len = d->rs->pdu_len;
  return dx_packet_adopt_source_kind(d->p, DX_SRC_REASSEMBLED, d->kind->name,
                                     dx_tcp_pdu_take(d->rs), len);
}

/* Dissects the pending PDU as it is, as the last bytes of its direction
 * (p->stream_end): a PDU kept until the FIN, at the FIN or when the cap
 * stops it. `after`: bytes of the current delivery past it. */
static void finish_pending(deliver_ctx *d, uint32_t after, bool at_fin) {
  dx_packet *p = d->p;
  dx_tcp_stream *rs = d->rs;
  dx_tvb rt = pdu_source(d);
  uint32_t npieces = rs->npieces;
  dx_reasm_piece *pcs = dx_arena_alloc(&p->arena, (npieces + 1) * sizeof *pcs);
  if (pcs) {
    memcpy(pcs, rs->pieces, npieces * sizeof *pcs);
    /* tshark lists a FIN without data as a piece of its own: "#7(0)" */
    if (at_fin && (!npieces || pcs[npieces - 1].frame != p->num))
      pcs[npieces++] = (dx_reasm_piece){.frame = p->num};
  } else {
    npieces = 0;
  }
  uint32_t pdu_end = rs->next_seq - after, pdu_seq = pdu_end - rs->pdu_len;
  dx_tcp_pdu_reset(rs);
  if (rt.len == 0 && rt.reported == 0) {
    dx_expert(p, d->owner, dx_field_limit(), DX_SEV_WARN,
              "[Too many data sources in one packet: reassembled PDU not shown]");
    return;
  }
  uint8_t end = p->stream_end;
  p->stream_end = at_fin ? DX_STREAM_END : DX_STREAM_NO_WAIT;
  run_reassembled(d, &rt, pcs, npieces);
  p->stream_end = end;
  if (rs->started && !d->provisional)
    dx_tcp_msp_done(rs, pdu_seq, pdu_end);
}

/* Hands in-order bytes to the application, completing pending PDUs.
 * frame_off: offset of data[0] in d->pl, or UINT32_MAX if the bytes are not
 * in it. */
static void deliver_bytes(deliver_ctx *d, const uint8_t *data, uint32_t len,
                          const dx_reasm_piece *pc, uint32_t npc, uint32_t frame_off) {
  dx_packet *p = d->p;
  dx_tcp_stream *rs = d->rs;
  /* Local copy of the pieces we consume from the front. */
  dx_reasm_piece *cur = dx_arena_alloc(&p->arena, (npc ? npc : 1) * sizeof *cur);
  if (!cur)
    return;
  memcpy(cur, pc, npc * sizeof *cur);
  uint32_t ncur = npc;
  unsigned iter = 0;
  /* Greedy: once the application asked again for more of a PDU it was
   * just given (or after many rounds), give it all the bytes there are
   * rather than exactly what it asked for, so that one frame never needs
   * more than a few calls and data sources. */
  bool greedy = false;
  while (len > 0) {
    if (++iter > 64) {
      /* cannot happen with greedy rounds; keep the bytes safe anyway */
      dx_tvb t = frame_off != UINT32_MAX ? dx_tvb_sub(d->pl, frame_off, len)
                                         : reassembled_source(d, data, len);
      dx_dissect_data(p, &t, d->parent);
      return;
    }
    if (iter > 8)
      greedy = true;
    if (d->s->reasm_off[d->dir]) {
      dx_tvb t = frame_off != UINT32_MAX ? dx_tvb_sub(d->pl, frame_off, len)
                                         : reassembled_source(d, data, len);
      dx_dissect_data(p, &t, d->parent);
      return;
    }
    if (dx_tcp_pdu_pending(rs)) {
      uint32_t want = rs->pdu_need - rs->pdu_len;
      uint32_t take = rs->pdu_one_more || greedy ? len : (want < len ? want : len);
      if (rs->pdu_until_fin && !dx_tcp_pdu_fits(rs, take)) {
        /* The cap ends a PDU kept until the FIN: what is held is dissected
         * now, the rest comes as it arrives. */
        dx_expert(p, d->owner, dx_field_limit(), DX_SEV_WARN,
                  "[%s reassembly limit reached (%u bytes per direction): the PDU that runs "
                  "until the end of the connection is shown as far as it was kept]",
                  d->kind->name, dx_packet_config(p)->max_stream_bytes);
        finish_pending(d, len, false);
        greedy = true;
        continue;
      }
      dx_reasm_piece *sl = dx_arena_alloc(&p->arena, (ncur ? ncur : 1) * sizeof *sl);
      uint32_t nsl = sl ? pieces_slice(cur, ncur, 0, take, sl) : 0;
      if (!sl || !dx_tcp_pdu_append(rs, data, take, sl, nsl)) {
        limit_hit(d);
        continue;
      }
      if (frame_off != UINT32_MAX) {
        /* a segment that overlapped the PDU's bytes is shown from its start */
        uint32_t back = ncur && cur[0].back <= frame_off ? cur[0].back : 0;
        note_segment_data(d, frame_off - back, take + back);
      } else if (d->head_pos < d->head_len) {
        /* this frame's bytes at the delivery's head go into the PDU */
        uint32_t n = d->head_len - d->head_pos;
        note_segment_data(d, d->head_off + d->head_pos, take < n ? take : n);
      }
      d->head_pos += take;
      d->res.buffered = true;
      data += take;
      len -= take;
      if (frame_off != UINT32_MAX)
        frame_off += take;
      /* drop consumed pieces */
      uint32_t k = take, i = 0;
      while (i < ncur && k >= cur[i].len) {
        k -= cur[i].len;
        i++;
      }
      if (i < ncur && k) {
        cur[i].len -= k;
        cur[i].back = 0; /* (its overlap went with its first bytes) */
        cur[i].flags = 0;
      }
      memmove(cur, cur + i, (ncur - i) * sizeof *cur);
      ncur -= i;
      if (!dx_tcp_pdu_complete(rs))
        break;
      /* The PDU is whole: dissect it from a reassembled data source. */
      dx_tvb rt = pdu_source(d);
      uint32_t npieces = rs->npieces;
      dx_reasm_piece *pcs = dx_arena_alloc(&p->arena, (npieces ? npieces : 1) * sizeof *pcs);
      if (pcs)
        memcpy(pcs, rs->pieces, npieces * sizeof *pcs);
      else
        npieces = 0;
      /* (a TCP stream's: where it lies, the bytes after it not taken yet) */
      uint32_t pdu_end = rs->next_seq - len, pdu_seq = pdu_end - rs->pdu_len;
      dx_tcp_pdu_reset(rs);
      if (rt.len == 0 && rt.reported == 0) {
        /* No room for another data source: show the bytes as data. */
        dx_expert(p, d->owner, dx_field_limit(), DX_SEV_WARN,
                  "[Too many data sources in one packet: reassembled PDU not shown]");
        continue;
      }
      run_reassembled(d, &rt, pcs, npieces);
      if (rs->started && !d->provisional)
        dx_tcp_msp_done(rs, pdu_seq, pdu_end);
      if (d->provisional)
        greedy = true;
      else if (len && p->want_columns)
        /* tshark's desegment_tcp(): another PDU follows the reassembled
         * one; what it writes into Info comes after a fence */
        p->col_info_fence = p->col_info_len;
      continue;
    }
    /* Nothing pending: the application gets the bytes as they are. */
    dx_tvb t;
    if (frame_off != UINT32_MAX) {
      t = dx_tvb_sub(d->pl, frame_off, len);
      run_app(d, &t, cur, ncur);
    } else {
      t = reassembled_source(d, data, len);
      if (t.len == 0)
        return;
      run_reassembled(d, &t, cur, ncur);
    }
    if (d->res.buffered && frame_off != UINT32_MAX && !dx_tcp_pdu_pending(rs))
      d->res.buffered = false;
    if (dx_tcp_pdu_pending(rs) && frame_off != UINT32_MAX) {
      uint32_t kept = rs->pdu_len;
      if (kept <= len)
        note_segment_data(d, frame_off + len - kept, kept);
    }
    return;
  }
}

static void deliver(deliver_ctx *d, const uint8_t *data, uint32_t len, const dx_reasm_piece *pc,
                    uint32_t npc, uint32_t frame_off) {
  size_t fence = d->p->col_info_fence; /* (a fence lasts for this delivery) */
  deliver_bytes(d, data, len, pc, npc, frame_off);
  d->p->col_info_fence = fence;
}

/* Lists a PDU's pieces without calling the application. */
static bool show_unseen(deliver_ctx *d, const uint8_t *data, uint32_t len, const dx_reasm_piece *pc,
                        uint32_t npc) {
  bool conflict = false;
  for (uint32_t i = 0; i < npc; i++)
    if (pc[i].flags & DX_PIECE_CONFLICT)
      conflict = true;
  dx_tvb rt = reassembled_source(d, data, len);
  if (rt.len == 0 && rt.reported == 0) {
    dx_expert(d->p, d->owner, dx_field_limit(), DX_SEV_WARN,
              "[Too many data sources in one packet: reassembled PDU not shown]");
    return conflict;
  }
  if (d->parent)
    add_segments_tree(d, &rt, pc, npc);
  return conflict;
}

static void ctx_setup(deliver_ctx *d, dx_packet *p, dx_stream *s, int dir, dx_node *owner,
                      dx_node *parent) {
  memset(d, 0, sizeof *d);
  d->p = p;
  d->s = s;
  d->kind = s->kind;
  d->dir = dir & 1;
  d->rs = s->pdu[d->dir];
  d->owner = owner;
  d->parent = parent;
  d->sport = s->port[d->dir];
  d->dport = s->port[d->dir ^ 1];
}

uint32_t dx_stream_fill(dx_packet *p, dx_stream *s, const dx_stream_input *in, bool *completed,
                        bool *conflict) {
  *completed = *conflict = false;
  deliver_ctx d;
  ctx_setup(&d, p, s, in->dir, in->owner, in->parent);
  dx_tcp_stream *rs = d.rs;
  if (!rs || !dx_tcp_pdu_pending(rs) || s->reasm_off[d.dir] || in->len == 0)
    return 0;
  uint32_t want = rs->pdu_need - rs->pdu_len;
  uint32_t take = rs->pdu_one_more || want > in->len ? in->len : want;
  dx_reasm_piece *sl = dx_arena_alloc(&p->arena, (in->npieces ? in->npieces : 1) * sizeof *sl);
  uint32_t nsl = sl ? pieces_slice(in->pieces, in->npieces, 0, take, sl) : 0;
  if (!sl || !dx_tcp_pdu_append(rs, in->data, take, sl, nsl)) {
    limit_hit(&d);
    return 0;
  }
  if (!dx_tcp_pdu_complete(rs))
    return take;
  *completed = true;
  uint32_t pdu_end = rs->next_seq - (in->len - take), pdu_seq = pdu_end - rs->pdu_len;
  *conflict = show_unseen(&d, rs->pdu, rs->pdu_len, rs->pieces, rs->npieces);
  dx_tcp_pdu_reset(rs);
  if (rs->started)
    dx_tcp_msp_done(rs, pdu_seq, pdu_end);
  return take;
}

bool dx_stream_fin(dx_packet *p, dx_stream *s, int dir, dx_node *owner, dx_node *parent) {
  deliver_ctx d;
  ctx_setup(&d, p, s, dir, owner, parent);
  dx_tcp_stream *rs = d.rs;
  if (!rs || !rs->pdu_until_fin || !dx_tcp_pdu_pending(rs) || s->reasm_off[d.dir])
    return false;
  finish_pending(&d, 0, true);
  return true;
}

bool dx_stream_may_wait_for_fin(const dx_packet *p) {
  return p->bstream && p->bstream->kind->until_fin && !p->stream_end;
}

bool dx_stream_run_once(dx_packet *p, dx_stream *s, const dx_stream_input *in, uint32_t *doff,
                        uint32_t *dlen) {
  *doff = *dlen = 0;
  if (in->len == 0)
    return false;
  deliver_ctx d;
  ctx_setup(&d, p, s, in->dir, in->owner, in->parent);
  d.pl = in->frame_tvb;
  dx_tvb t;
  if (in->frame_tvb) {
    t = dx_tvb_sub(in->frame_tvb, in->frame_off, in->len);
  } else {
    t = reassembled_source(&d, in->data, in->len);
    if (t.len == 0 && t.reported == 0) {
      dx_expert(p, d.owner, dx_field_limit(), DX_SEV_WARN,
                "[Too many data sources in one packet: reassembled PDU not shown]");
      return false;
    }
  }
  dx_node *before = d.parent ? d.parent->last_child : NULL;
  stream_ctx_save sv = ctx_enter(p, s, d.dir);
  uint32_t r = call_app(p, s, d.kind, &t, d.parent, d.sport, d.dport);
  uint32_t o = p->desegment_offset, l = p->desegment_len;
  p->desegment_offset = p->desegment_len = 0;
  ctx_leave(p, sv);
  if (l) {
    *doff = o < t.len ? o : t.len;
    *dlen = l;
  } else if (r < t.len) {
    dx_tvb rest = dx_tvb_sub(&t, r, UINT32_MAX);
    dx_dissect_data(p, &rest, d.parent);
  }
  if (!in->frame_tvb && d.parent && !l) /* (not listed while the application waits for more) */
    segments_before(&d, &t, in->pieces, in->npieces, before);
  return true;
}

bool dx_stream_show_pdu(dx_packet *p, dx_stream *s, const uint8_t *data, uint32_t len,
                        const dx_reasm_piece *pc, uint32_t npc, dx_node *owner, dx_node *parent) {
  deliver_ctx d;
  ctx_setup(&d, p, s, 0, owner, parent);
  return show_unseen(&d, data, len, pc, npc);
}

void dx_stream_deliver(dx_packet *p, dx_stream *s, const dx_stream_input *in,
                       dx_stream_result *res) {
  deliver_ctx d;
  memset(&d, 0, sizeof d);
  d.p = p;
  d.s = s;
  d.kind = s->kind;
  d.dir = in->dir & 1;
  d.rs = s->pdu[d.dir];
  d.owner = in->owner;
  d.parent = in->parent;
  d.pl = in->frame_tvb;
  d.sport = s->port[d.dir];
  d.dport = s->port[d.dir ^ 1];
  bool whole = in->frame_tvb && (in->head_len == 0 || in->head_len >= in->len);
  if (in->frame_tvb && !whole) {
    d.head_off = in->frame_off;
    d.head_len = in->head_len;
  }
  if (in->len > 0 && d.rs)
    deliver(&d, in->data, in->len, in->pieces, in->npieces, whole ? in->frame_off : UINT32_MAX);
  flush_segment_data(&d);
  if (res)
    *res = d.res;
}
