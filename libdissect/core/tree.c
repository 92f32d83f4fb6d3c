/* The layer tree: adding nodes, reading typed values, expert notes. */
#include "dx.h"
#include "session.h"

#include <stdio.h>
#include <string.h>

static inline bool interested(const dx_packet *p, const dx_field *f) {
  return p->sess && p->sess->interest && dx_session_interested_inline(p->sess, f);
}

bool dx_packet_unwanted(const dx_packet *p, const dx_field *f) {
  return !interested(p, f);
}

static bool group_skipped(const dx_packet *p, dx_field_group *g);

bool dx_packet_skips_group_full(const dx_packet *p, dx_field_group *g) {
  if (!p || !p->skip || !g)
    return false;
  dx_session *s = p->sess;
  if (!s)
    return group_skipped(p, g);
  _Static_assert((DX_GROUP_CACHE & (DX_GROUP_CACHE - 1)) == 0, "a power of two");
  size_t h = (size_t)(((uint64_t)(uintptr_t)g * 0x9e3779b97f4a7c15ull) >> 40);
  /* at most 32 probes: a full run (more groups than the table holds) is
   * answered without being kept */
  for (unsigned i = 0; i < 32; i++, h++) {
    struct dx_group_answer *a = &s->group_cache[h & (DX_GROUP_CACHE - 1)];
    if (a->g == g)
      return a->skips;
    if (!a->g) {
      a->skips = group_skipped(p, g);
      a->g = g;
      return a->skips;
    }
  }
  return group_skipped(p, g);
}

/* The answer of dx_packet_skips_group_full, worked out. */
static bool group_skipped(const dx_packet *p, dx_field_group *g) {
  if (!atomic_load_explicit(&g->ready, memory_order_acquire)) {
    /* threads that meet here first write the same values */
    uint64_t b[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < g->n; i++) {
      size_t h = dx_interest_hash(&g->first[i]);
      b[(h >> 6) & 3] |= 1ull << (h & 63);
    }
    for (int i = 0; i < 4; i++)
      atomic_store_explicit(&g->bloom[i], b[i], memory_order_relaxed);
    atomic_store_explicit(&g->ready, 1, memory_order_release);
  }
  uint64_t meet = 0;
  for (int i = 0; i < 4; i++)
    meet |= p->interest_bloom[i] & atomic_load_explicit(&g->bloom[i], memory_order_relaxed);
  if (!meet)
    return true;
  for (size_t i = 0; i < g->n; i++)
    if (interested(p, &g->first[i]))
      return false;
  return true;
}

/* A field ghost stands for a node of a built layer that nobody asked for:
 * what matters of it is its owner (its parent pointer, the nearest built
 * node), on which the fields of interest added under it hang. A dissector
 * may hold one (a record it goes on filling) while it makes many more, so
 * a ghost is never handed out again for another owner. (Ghosts taken in
 * turn from a small ring were: a DNS answer after the sixteenth ghost hung
 * its key id under another record, and -T fields listed the occurrences
 * out of tree order.) For the same owner the last one is handed out again,
 * as dx_ghost() does for a skipped layer: the ghosts of one owner are
 * alike, and a dissector reads back only the node it just added. New ones
 * come from the packet's arena; the ring is left for when memory runs
 * out. */
dx_node *dx_field_ghost(dx_packet *p, dx_node *parent) {
  dx_node *owner = (parent->flags & DX_NODE_GHOST) ? parent->parent : parent;
  dx_node *g = p->field_ghost;
  if (!g || g->parent != owner) {
    g = dx_arena_alloc(&p->arena, sizeof *g);
    if (g) {
      g->field = dx_field_expert(); /* (as the ring's, set when the packet is made) */
      g->src = 0;
      g->severity = 0;
      g->same = NULL;
      p->field_ghost = g;
    } else {
      g = &p->ghosts[p->ghost_next++ & (DX_GHOSTS - 1)];
    }
    g->parent = owner;
  }
  /* its place (src, offset, length) means nothing */
  g->offset = g->length = 0;
  g->first_child = g->last_child = g->next = NULL;
  g->flags = DX_NODE_SKIPPED_LAYER | DX_NODE_GHOST | DX_NODE_FIELD_GHOST;
  g->text = NULL;
  g->v.t.sec = 0;
  g->v.t.nsec = 0;
  return g;
}

static dx_node *node_new(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                         uint32_t off, uint32_t len) {
  if (!p || !parent || !f)
    return NULL;
  if (p->skip && (parent->flags & DX_NODE_SKIPPED_LAYER)) {
    /* under a field ghost, a field of interest hangs on the ghost's owner */
    if (f->type != DX_FT_PROTOCOL && !((parent->flags & DX_NODE_FIELD_GHOST) && interested(p, f)))
      return dx_ghost(p, parent);
    if (parent->flags & DX_NODE_GHOST)
      parent = parent->parent; /* its owner (a layer inside a skipped subtree) */
    if (!parent)
      return NULL;
  }
  dx_node *n = dx_arena_alloc(&p->arena, sizeof *n);
  if (!n)
    return NULL;
  /* every member set once (no memset then stores) */
  n->field = f;
  n->parent = parent;
  n->first_child = n->last_child = n->next = NULL;
  n->flags = 0;
  n->severity = 0;
  n->text = NULL;
  n->same = NULL;
  memset(&n->v, 0, sizeof n->v);
  p->findex = NULL; /* the tree changes: the find index is stale */
  if (t) {
    n->src = t->src;
    /* Clip the node to what its view may hold: offsets never point past the
     * reported end of the view (they may past the captured end: truncated). */
    uint32_t lim = t->reported > t->len ? t->reported : t->len;
    if (off > lim)
      off = lim;
    if (len > lim - off)
      len = lim - off;
    n->offset = t->base + off;
    n->length = len;
  } else {
    n->src = 0;
    n->offset = n->length = 0;
  }
  if (parent->last_child)
    parent->last_child->next = n;
  else
    parent->first_child = n;
  parent->last_child = n;
  if (p->skip && f->type == DX_FT_PROTOCOL) {
    if (dx_session_interested(p->sess, f)) {
      /* needed for its node only (presence, its own bytes): the layer
       * stays as it is (the nodes of interest); else this layer and the
       * ones after it are built in full (prune) */
      if (p->sess->npneeds && dx_session_proto_need(p->sess, f) == DX_NEED_NODE)
        n->v.u = DX_PROTO_NODE_ONLY;
      else
        p->skip = false;
    } else if (!dx_session_layer_wanted(p->sess, f))
      n->flags |= DX_NODE_SKIPPED_LAYER;
  }
  return n;
}

dx_node *dx_add_proto(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                      uint32_t off, uint32_t len) {
  return node_new(p, parent, f, t, off, len);
}

dx_node *dx_add_none_full(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                          uint32_t off, uint32_t len) {
  return node_new(p, parent, f, t, off, len);
}

dx_node *dx_add_uint_full(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                          uint32_t off, uint32_t len, uint64_t v) {
  dx_node *n = node_new(p, parent, f, t, off, len);
  if (n)
    n->v.u = v;
  return n;
}

dx_node *dx_add_int_full(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                         uint32_t off, uint32_t len, int64_t v) {
  dx_node *n = node_new(p, parent, f, t, off, len);
  if (n)
    n->v.i = v;
  return n;
}

dx_node *dx_add_double_full(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                            uint32_t off, uint32_t len, double v) {
  dx_node *n = node_new(p, parent, f, t, off, len);
  if (n)
    n->v.d = v;
  return n;
}

size_t dx_ascii_copy(char *dst, size_t cap, const uint8_t *s, size_t n) {
  size_t u = 0;
  for (size_t i = 0; i < n && cap && u < cap - 1; i++) {
    if (s[i] < 0x80) {
      dst[u++] = (char)s[i];
    } else if (u + 3 < cap) {
      memcpy(dst + u, "\xef\xbf\xbd", 3);
      u += 3;
    } else {
      break;
    }
  }
  if (cap)
    dst[u] = 0;
  return u;
}

dx_node *dx_add_bytes_val_full(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                               uint32_t off, uint32_t len, const uint8_t *val, uint32_t vlen) {
  dx_node *n = node_new(p, parent, f, t, off, len);
  if (!n)
    return NULL;
  if (f->base == DX_BASE_ASCII && f->type == DX_FT_STRING) {
    uint32_t high = 0;
    for (uint32_t i = 0; i < vlen; i++)
      high += val[i] >= 0x80;
    if (high) { /* (a value of ASCII bytes is copied as it is, below) */
      size_t cap = (size_t)vlen + 2 * (size_t)high + 1;
      char *conv = dx_arena_alloc(&p->arena, cap);
      if (!conv)
        return n;
      n->v.b.len = (uint32_t)dx_ascii_copy(conv, cap, val, vlen);
      n->v.b.p = (const uint8_t *)conv;
      return n;
    }
  }
  uint8_t *copy = dx_arena_alloc(&p->arena, (size_t)vlen + 1);
  if (!copy)
    return n;
  if (vlen)
    memcpy(copy, val, vlen);
  copy[vlen] = 0;
  n->v.b.p = copy;
  n->v.b.len = vlen;
  return n;
}

dx_node *dx_add_bytes_full(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                           uint32_t off, uint32_t len) {
  uint32_t avail = dx_tvb_avail(t, off);
  uint32_t have = len < avail ? len : avail;
  /* Bytes already live in the packet's data sources: point at them. */
  dx_node *n = node_new(p, parent, f, t, off, len);
  if (!n)
    return NULL;
  n->v.b.p = have ? t->data + off : (const uint8_t *)"";
  n->v.b.len = have;
  if (have < len) {
    n->flags |= DX_NODE_TRUNCATED;
    /* (a datagram quoted in an ICMP error is cut short by design) */
    if (p && !p->in_icmp_error)
      p->bad |= DX_BAD_TRUNCATED;
  }
  return n;
}

dx_node *dx_add_string_full(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                            uint32_t off, uint32_t len, const char *s, size_t slen) {
  return dx_add_bytes_val(p, parent, f, t, off, len, (const uint8_t *)s, (uint32_t)slen);
}

dx_node *dx_add_time_full(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                          uint32_t off, uint32_t len, int64_t sec, int32_t nsec) {
  dx_node *n = node_new(p, parent, f, t, off, len);
  if (n) {
    n->v.t.sec = sec;
    n->v.t.nsec = nsec;
  }
  return n;
}

static unsigned ctz64(uint64_t m) {
  return m ? (unsigned)__builtin_ctzll(m) : 0;
}

static dx_node *add_item(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                         uint32_t off, uint32_t len, bool le) {
  if (!f)
    return NULL;
  bool have = dx_tvb_has(t, off, len);
  switch (f->type) {
  case DX_FT_BOOL:
  case DX_FT_UINT8:
  case DX_FT_UINT16:
  case DX_FT_UINT24:
  case DX_FT_UINT32:
  case DX_FT_UINT64:
  case DX_FT_INT32:
  case DX_FT_INT64:
  case DX_FT_FRAMENUM: {
    uint64_t v = 0;
    if (have && len <= 8) {
      for (uint32_t i = 0; i < len; i++) {
        uint32_t k = le ? len - 1 - i : i;
        v = (v << 8) | t->data[off + k];
      }
    }
    if (f->bitmask)
      v = (v & f->bitmask) >> ctz64(f->bitmask);
    dx_node *n;
    if (f->type == DX_FT_INT32 || f->type == DX_FT_INT64) {
      int64_t sv = (int64_t)v;
      if (len > 0 && len < 8 && !f->bitmask && (v >> (len * 8 - 1)) & 1)
        sv = (int64_t)(v | (~(uint64_t)0 << (len * 8)));
      n = dx_add_int(p, parent, f, t, off, len, sv);
    } else {
      n = dx_add_uint(p, parent, f, t, off, len, f->type == DX_FT_BOOL ? (v != 0) : v);
    }
    if (n && !have)
      n->flags |= DX_NODE_TRUNCATED;
    return n;
  }
  case DX_FT_IPV4: {
    uint32_t v = 0;
    if (have && len == 4)
      dx_get_u32(t, off, &v);
    dx_node *n = dx_add_uint(p, parent, f, t, off, len, v);
    if (n && !have)
      n->flags |= DX_NODE_TRUNCATED;
    return n;
  }
  case DX_FT_IPV6:
  case DX_FT_ETHER: {
    uint32_t want = f->type == DX_FT_IPV6 ? 16 : 6;
    uint8_t zero[16] = {0};
    const uint8_t *src = (have && len == want) ? t->data + off : zero;
    dx_node *n = dx_add_bytes_val(p, parent, f, t, off, len, src, want);
    if (n && !(have && len == want))
      n->flags |= DX_NODE_TRUNCATED;
    return n;
  }
  case DX_FT_STRING: {
    uint32_t avail = dx_tvb_avail(t, off);
    uint32_t n_have = len < avail ? len : avail;
    /* Strings stop at the first NUL, as C strings do. */
    const uint8_t *s = n_have ? t->data + off : (const uint8_t *)"";
    const uint8_t *z = n_have ? memchr(s, 0, n_have) : NULL;
    uint32_t slen = z ? (uint32_t)(z - s) : n_have;
    dx_node *n = dx_add_bytes_val(p, parent, f, t, off, len, s, slen);
    if (n && n_have < len)
      n->flags |= DX_NODE_TRUNCATED;
    return n;
  }
  case DX_FT_BYTES: return dx_add_bytes(p, parent, f, t, off, len);
  default: {
    dx_node *n = node_new(p, parent, f, t, off, len);
    if (n && !have)
      n->flags |= DX_NODE_TRUNCATED;
    return n;
  }
  }
}

dx_node *dx_add_item_full(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                          uint32_t off, uint32_t len) {
  return add_item(p, parent, f, t, off, len, false);
}

dx_node *dx_add_item_le_full(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                             uint32_t off, uint32_t len) {
  return add_item(p, parent, f, t, off, len, true);
}

void dx_node_set_len(dx_node *n, uint32_t len) {
  if (n)
    n->length = len;
}

/* Finds n in its parent's list: false if it is not there (a ghost), else
 * *prev is the child before it (NULL: n is the first). */
static bool child_find(const dx_node *n, dx_node **prev) {
  dx_node *c = n->parent->first_child;
  *prev = NULL;
  while (c && c != n) {
    *prev = c;
    c = c->next;
  }
  return c != NULL;
}

/* Takes n, found after prev, out of its parent's list. */
static void child_take(dx_node *n, dx_node *prev) {
  dx_node *par = n->parent;
  if (prev)
    prev->next = n->next;
  else
    par->first_child = n->next;
  if (par->last_child == n)
    par->last_child = prev;
}

void dx_node_unlink(dx_node *n) {
  dx_node *prev;
  if (!n || !n->parent || !child_find(n, &prev))
    return;
  child_take(n, prev);
  n->next = NULL;
}

void dx_node_move_after(dx_packet *p, dx_node *n, dx_node *after) {
  if (!n || n == after || !n->parent || (after && after->parent != n->parent))
    return;
  dx_node *par = n->parent, *prev;
  if (!child_find(n, &prev))
    return; /* not in the list: a ghost */
  if (after) {
    dx_node *a = par->first_child;
    while (a && a != after)
      a = a->next;
    if (!a)
      return;
  }
  child_take(n, prev);
  /* insert */
  if (after) {
    n->next = after->next;
    after->next = n;
    if (par->last_child == after)
      par->last_child = n;
  } else {
    n->next = par->first_child;
    par->first_child = n;
    if (!par->last_child)
      par->last_child = n;
  }
  if (p)
    p->findex = NULL; /* the tree changed: the find index is stale */
}

void dx_node_set_flags(dx_node *n, unsigned flags) {
  if (n)
    n->flags |= (uint8_t)flags;
}

void(dx_node_set_text)(dx_packet *p, dx_node *n, const char *fmt, ...) {
  if (!n || !dx_label_wanted(p, n))
    return;
  va_list ap;
  va_start(ap, fmt);
  n->text = dx_arena_vformat(&p->arena, DX_LABEL_MAX, fmt, ap);
  va_end(ap);
}

void dx_node_set_text_sb(dx_packet *p, dx_node *n, const dx_sb *b) {
  if (!n || !b || !dx_label_wanted(p, n))
    return;
  size_t len = b->len < DX_LABEL_MAX ? b->len : DX_LABEL_MAX - 1;
  n->text = dx_arena_strndup(&p->arena, b->buf, len);
}

void dx_node_set_text_cat(dx_packet *p, dx_node *n, ...) {
  if (!n || !dx_label_wanted(p, n))
    return;
  char lb[DX_LABEL_MAX];
  dx_sb b;
  dx_sb_init(&b, lb, sizeof lb);
  va_list ap;
  va_start(ap, n);
  for (const char *s; (s = va_arg(ap, const char *));)
    dx_sb_str(&b, s);
  va_end(ap);
  n->text = dx_arena_strndup(&p->arena, lb, b.len);
}

void dx_node_set_text_static(dx_packet *p, dx_node *n, const char *s) {
  if (n && dx_label_wanted(p, n))
    n->text = s;
}

void dx_node_cut_label(dx_packet *p, dx_node *n) {
  if (!n || !n->text || strlen(n->text) < 240 / 4)
    return;
  /* (measured as it is shown, escapes and all, as tshark's label holds
   * format_text()'s output) */
  char shown[DX_LABEL_MAX];
  size_t len = dx_node_label(n, shown, sizeof shown);
  if (len < 240 || len >= sizeof shown)
    return;
  static const char trunc[] = " [truncated]";
  size_t tl = sizeof trunc - 1, k = 240 - 2 - tl; /* 226 */
  while (k > 0 && ((uint8_t)shown[k] & 0xc0) == 0x80)
    k--;
  char buf[240];
  memcpy(buf, trunc, tl);
  memcpy(buf + tl, shown, k);
  n->text = dx_arena_strndup(&p->arena, buf, tl + k);
}

void(dx_node_append_text)(dx_packet *p, dx_node *n, const char *fmt, ...) {
  if (!n || !dx_label_wanted(p, n))
    return;
  char buf[DX_LABEL_MAX];
  size_t used = dx_node_label(n, buf, sizeof buf);
  if (used >= sizeof buf)
    used = sizeof buf - 1;
  va_list ap;
  va_start(ap, fmt);
  int k = dx_vsnprintf(buf + used, sizeof buf - used, fmt, ap);
  va_end(ap);
  /* tshark's proto_item_append_text() adds what fits in a label's 239
   * bytes (ITEM_LABEL_LENGTH), back to a character's start here */
  size_t start = used;
  if (k > 0)
    used += (size_t)k < sizeof buf - used ? (size_t)k : sizeof buf - used - 1;
  if (used > 239 && start < used) {
    size_t lim = start > 239 ? start : 239;
    while (lim > start && ((uint8_t)buf[lim] & 0xc0) == 0x80)
      lim--;
    used = lim;
  }
  n->text = dx_arena_strndup(&p->arena, buf, used);
}

void dx_node_append_bitmask(dx_packet *p, dx_node *n) {
  if (!n || !dx_label_wanted(p, n))
    return;
  for (const dx_node *c = n->first_child; c; c = c->next) {
    const dx_field *f = c->field;
    if (!f || !f->bitmask || (c->flags & DX_NODE_HIDDEN))
      continue;
    if (f->type == DX_FT_BOOL) {
      if (c->v.u)
        dx_node_append_text(p, n, ", %s", f->label);
    } else if (f->vals) {
      const char *vn = dx_val_name(f->vals, c->v.u);
      dx_node_append_text(p, n, ", %s: %s", f->label, vn ? vn : "Unknown");
    }
  }
}

static void raise_severity(dx_packet *p, int severity) {
  if (severity > p->severity)
    p->severity = (uint8_t)severity;
}

dx_node *dx_expert(dx_packet *p, dx_node *parent, const dx_field *f, int severity, const char *fmt,
                   ...) {
  if (!p || !parent)
    return NULL;
  dx_node *n = node_new(p, parent, f ? f : dx_field_expert(), NULL, 0, 0);
  if (!n)
    return NULL;
  n->src = parent->src;
  n->offset = parent->offset;
  n->length = 0;
  n->v.u = 1;
  n->flags |= DX_NODE_EXPERT | DX_NODE_GENERATED;
  n->severity = (uint8_t)severity;
  if (!p->terse || dx_expert_wants_fields(p)) {
    va_list ap;
    va_start(ap, fmt);
    n->text = dx_arena_vformat(&p->arena, 512, fmt, ap);
    va_end(ap);
  }
  raise_severity(p, severity);
  dx_expert_add_fields(p, n, severity);
  return n;
}

void dx_mark_truncated(dx_packet *p, dx_node *n, const char *what) {
  if (!n)
    return;
  n->flags |= DX_NODE_TRUNCATED;
  if (p) {
    p->bad |= DX_BAD_TRUNCATED;
    p->info_bad_done = false;
  }
  dx_expert(p, n, dx_field_malformed(), DX_SEV_ERROR, "[Packet truncated: %s]",
            what ? what : "the bytes ran out");
}

void dx_mark_malformed(dx_packet *p, dx_node *n, const char *fmt, ...) {
  if (!n)
    return;
  n->flags |= DX_NODE_MALFORMED;
  if (p) {
    p->bad |= DX_BAD_MALFORMED;
    p->info_bad_done = false;
  }
  char buf[400];
  buf[0] = '\0';
  if (p && (!p->terse || dx_expert_wants_fields(p))) { /* _ws.expert.message */
    va_list ap;
    va_start(ap, fmt);
    dx_vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
  }
  dx_expert(p, n, dx_field_malformed(), DX_SEV_ERROR, "[Malformed: %s]", buf);
}

static dx_node *exception_node(dx_packet *p, const char *proto, const dx_tvb *t, bool full,
                               bool contained) {
  enum {
    MALFORMED,
    UNREASSEMBLED,
    SHORT
  } kind = t && t->len < t->reported ? SHORT
           : p->fragmented > 0       ? UNREASSEMBLED
                                     : MALFORMED;
  static const char *const info[] = {"[Malformed Packet]", "[BoundErrorUnreassembled Packet]",
                                     "[Packet size limited during capture]"};
  p->bad |= kind == MALFORMED ? DX_BAD_MALFORMED : DX_BAD_TRUNCATED;
  dx_node *root = dx_packet_root_mut(p);
  const dx_field *f = kind == SHORT           ? dx_field_short()
                      : kind == UNREASSEMBLED ? dx_field_unreassembled()
                                              : dx_field_malformed();
  dx_node *m = full ? dx_add_none_full(p, root, f, t, 0, 0) : dx_add_none(p, root, f, t, 0, 0);
  if (kind == MALFORMED && contained) {
    dx_node_set_text(p, m,
                     "[Malformed Packet: %s: length of contained item exceeds length of "
                     "containing item]",
                     proto);
    p->bad_contained = true;
  } else if (kind == MALFORMED) {
    dx_node_set_text(p, m, "[Malformed Packet: %s]", proto);
  } else if (kind == UNREASSEMBLED) {
    dx_node_set_text(p, m, "[BoundError Unreassembled Packet: %s]", proto);
  } else {
    dx_node_set_text(p, m, "[Packet size limited during capture: %s truncated]", proto);
  }
  if (kind == UNREASSEMBLED)
    dx_expert(p, m, f, DX_SEV_NOTE,
              "Unreassembled fragment (change preferences to enable reassembly)");
  else if (kind == MALFORMED)
    dx_expert(p, m, f, DX_SEV_ERROR, "Malformed Packet (Exception occurred)");
  if (p->want_columns) {
    dx_col_info_append(p, "%s", info[kind]);
    p->info_bad_done = true;
  }
  return m;
}

dx_node *dx_exception_malformed(dx_packet *p, const char *proto, const dx_tvb *t) {
  return exception_node(p, proto, t, false, false);
}

dx_node *dx_exception_later(dx_packet *p, const char *proto, const dx_tvb *t, bool contained) {
  bool cols = p->want_columns;
  p->want_columns = false; /* (the end of the packet writes Info's note) */
  dx_node *m = exception_node(p, proto, t, false, contained);
  p->want_columns = cols;
  return m;
}

dx_node *dx_exception_malformed_nolayer(dx_packet *p, const char *proto, const dx_field *layer,
                                        const dx_tvb *t, uint32_t len) {
  /* (built whoever asked: frame.protocols reads it back) */
  dx_node *m = exception_node(p, proto, t, true, false);
  if (m) {
    m->v.b.p = (const uint8_t *)layer;
    m->v.b.len = len;
  }
  return m;
}
