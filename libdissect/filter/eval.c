/* Display filters: evaluation of a compiled filter against one packet.
 *
 * Every expression yields a list of values (one per occurrence of a field,
 * one per pair of values for arithmetic, one for count() and max()), capped
 * at DX_FILTER_MAX_VALUES. Recursion follows the compiled tree, whose height
 * the parser capped. Bytes made while evaluating (upper(), string(),
 * concatenated slices, bitwise and of byte strings) live in a scratch arena
 * made only when needed and freed at the end of the packet. */
#include "filter_int.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ectx {
  const dx_filter *f;
  const dx_packet *p, *ref;
  dx_arena scratch;
  bool scratch_used;
  /* the first bytes of scratch space, before an arena is made (a colouring
   * rule's "eth[0] & 1" made and freed an arena for every packet) */
  size_t small_used;
  _Alignas(8) uint8_t small[256];
  /* Pairs of values still to be combined or compared for this packet
   * (DX_FILTER_MAX_WORK): past it, evaluation stops and the packet does
   * not match, so a filter multiplying repeated fields cannot run for
   * minutes on one packet. */
  uint64_t work;
  bool exhausted;
  /* Evaluating the left side of "contains" or "matches": a protocol's
   * value runs to the end of what follows it (node_val). */
  bool to_end;
} ectx;

/* One unit of work; false once the budget is spent. */
static bool spend(ectx *c) {
  if (c->work == 0) {
    c->exhausted = true;
    return false;
  }
  c->work--;
  return true;
}

#define VL_INLINE 8
typedef struct vlist {
  fval *v;
  size_t n, cap;
  fval inl[VL_INLINE];
} vlist;

static void vl_init(vlist *l) {
  l->v = l->inl;
  l->n = 0;
  l->cap = VL_INLINE;
}

static void vl_free(vlist *l) {
  if (l->v != l->inl)
    free(l->v);
  l->v = l->inl;
  l->n = 0;
  l->cap = VL_INLINE;
}

/* Appends a value; beyond the cap (or without memory) values are dropped. */
static void vl_push(vlist *l, const fval *v) {
  if (l->n == l->cap) {
    if (l->cap >= DX_FILTER_MAX_VALUES)
      return;
    size_t cap = l->cap * 4;
    if (cap > DX_FILTER_MAX_VALUES)
      cap = DX_FILTER_MAX_VALUES;
    fval *nv = malloc(cap * sizeof *nv);
    if (!nv)
      return;
    memcpy(nv, l->v, l->n * sizeof *nv);
    for (size_t i = 0; i < l->n; i++)
      if (l->v[i].p == l->v[i].buf)
        nv[i].p = nv[i].buf;
    if (l->v != l->inl)
      free(l->v);
    l->v = nv;
    l->cap = cap;
  }
  l->v[l->n] = *v;
  /* a value whose bytes are its own buffer must point at its new home */
  if (v->p == v->buf)
    l->v[l->n].p = l->v[l->n].buf;
  l->n++;
}

static uint8_t *scratch(ectx *c, size_t n) {
  size_t need = (n + 7) & ~(size_t)7;
  if (n <= sizeof c->small && need <= sizeof c->small - c->small_used) {
    uint8_t *b = c->small + c->small_used;
    c->small_used += need ? need : 8;
    return b;
  }
  if (!c->scratch_used) {
    dx_arena_init(&c->scratch);
    c->scratch_used = true;
  }
  return dx_arena_alloc(&c->scratch, n ? n : 1);
}

/* ---- values of one node ------------------------------------------------------ */

/* The value of node n as an fval; IPv4 addresses as 4 bytes when as_bytes;
 * a protocol's bytes to the end of what follows it when to_end. */
static void node_val(const dx_packet *p, const dx_node *n, bool as_bytes, bool to_end, fval *v) {
  dx_ftype t = n->field->type;
  memset(v, 0, offsetof(fval, buf));
  v->cls = dx_flt_class(t);
  switch (t) {
  case DX_FT_INT32:
  case DX_FT_INT64: v->i = n->v.i; break;
  case DX_FT_DOUBLE: v->d = n->v.d; break;
  case DX_FT_ABSTIME:
  case DX_FT_RELTIME: v->d = (double)n->v.t.sec + n->v.t.nsec / 1e9; break;
  case DX_FT_STRING:
  case DX_FT_BYTES:
  case DX_FT_IPV6:
  case DX_FT_ETHER:
    v->p = n->v.b.p ? n->v.b.p : (const uint8_t *)"";
    v->len = n->v.b.p ? n->v.b.len : 0;
    break;
  case DX_FT_PROTOCOL: {
    size_t slen = 0;
    const uint8_t *d = dx_packet_source_data(p, n->src, &slen);
    /* As in tshark 4.0: a protocol's bytes are those of its own item for
     * slices, len() and comparisons (len(tcp) is the header's length,
     * tcp[-1] its last byte), but "contains" and "matches" search from
     * its start to the end of the data it was given, payload included
     * ("tcp contains \"GET\""): here, to the furthest end of the nodes
     * under it and of the layers that follow it (with what is under them)
     * in the same data source. */
    size_t off = n->offset < slen ? n->offset : slen;
    size_t end = (size_t)n->offset + n->length;
    const dx_node *stop = n->parent;
    for (const dx_node *s = to_end ? n : NULL; s;) {
      if (s->src == n->src && (size_t)s->offset + s->length > end)
        end = (size_t)s->offset + s->length;
      if (s->first_child) {
        s = s->first_child;
        continue;
      }
      while (s && s != stop && !s->next)
        s = s->parent;
      s = (s && s != stop) ? s->next : NULL;
    }
    if (end > slen)
      end = slen;
    size_t len = end > off ? end - off : 0;
    v->p = d ? d + off : (const uint8_t *)"";
    v->len = d ? len : 0;
    break;
  }
  case DX_FT_IPV4:
    v->u = n->v.u;
    if (as_bytes) {
      uint32_t a = (uint32_t)n->v.u;
      v->buf[0] = (uint8_t)(a >> 24);
      v->buf[1] = (uint8_t)(a >> 16);
      v->buf[2] = (uint8_t)(a >> 8);
      v->buf[3] = (uint8_t)a;
      v->p = v->buf;
      v->len = 4;
      v->cls = VC_BYTES;
    }
    break;
  default: v->u = n->v.u; break;
  }
}

static void eval_expr(ectx *c, const expr *e, vlist *out, bool as_bytes);

/* With a layer operator (ip.addr#2): is node n in one of the layers? The
 * layer is the rank, among the packet's nodes of the field's protocol, of
 * the protocol node n is under (an ICMP error's inner IP header is ip#2). */
static bool in_layers(const dx_packet *p, const expr *e, const dx_node *n) {
  if (!e->layer_proto)
    return true;
  const dx_node *anc = n;
  while (anc && anc->field != e->layer_proto)
    anc = anc->parent;
  if (!anc)
    return false;
  int64_t idx = 0;
  for (const dx_node *x = dx_packet_find(p, e->layer_proto); x; x = dx_packet_find_next(p, x)) {
    idx++;
    if (x == anc)
      return idx >= e->layer_lo && idx <= e->layer_hi;
  }
  return false;
}

static void field_vals(ectx *c, const dx_packet *p, const expr *e, vlist *out, bool as_bytes) {
  if (!p)
    return;
  fval v;
  for (const dx_node *n = dx_packet_find(p, e->field); n; n = dx_packet_find_next(p, n)) {
    if (!in_layers(p, e, n))
      continue;
    node_val(p, n, as_bytes, c->to_end, &v);
    vl_push(out, &v);
    if (out->n >= DX_FILTER_MAX_VALUES)
      break;
  }
}

/* ---- slices -------------------------------------------------------------------- */

static bool range_of(const srange *r, size_t n, size_t *start, size_t *len) {
  int64_t s = r->start, total = (int64_t)n;
  if (s < 0)
    s += total;
  int64_t l = r->len < 0 ? total - s : r->len;
  if (s < 0 || s > total || l < 0 || l > total - s)
    return false;
  *start = (size_t)s;
  *len = (size_t)l;
  return true;
}

static void eval_slice(ectx *c, const expr *e, vlist *out) {
  vlist in;
  vl_init(&in);
  eval_expr(c, e->a, &in, true);
  for (size_t i = 0; i < in.n; i++) {
    const fval *x = &in.v[i];
    if (x->cls != VC_BYTES)
      continue;
    fval v;
    memset(&v, 0, offsetof(fval, buf));
    v.cls = VC_BYTES;
    size_t s = 0, l = 0;
    if (e->nranges == 1) {
      if (!range_of(&e->ranges[0], x->len, &s, &l))
        continue;
      if (x->p == x->buf) { /* an IPv4 address's own bytes */
        memcpy(v.buf, x->buf + s, l);
        v.p = v.buf;
      } else {
        v.p = x->p + s;
      }
      v.len = l;
      vl_push(out, &v);
      continue;
    }
    /* several ranges: concatenated; any one missing gives no value */
    size_t total = 0;
    bool ok = true;
    for (size_t k = 0; k < e->nranges && ok; k++) {
      ok = range_of(&e->ranges[k], x->len, &s, &l);
      total += l;
    }
    if (!ok)
      continue;
    uint8_t *b = scratch(c, total);
    if (!b)
      continue;
    size_t at = 0;
    for (size_t k = 0; k < e->nranges; k++) {
      range_of(&e->ranges[k], x->len, &s, &l);
      memcpy(b + at, x->p + s, l);
      at += l;
    }
    v.p = b;
    v.len = total;
    vl_push(out, &v);
  }
  vl_free(&in);
}

/* ---- comparisons ------------------------------------------------------------- */

#define CMP_NONE 2 /* values that cannot be compared */

static int cmp_bytes(const uint8_t *a, size_t al, const uint8_t *b, size_t bl) {
  size_t m = al < bl ? al : bl;
  int c = m ? memcmp(a, b, m) : 0;
  if (c)
    return c < 0 ? -1 : 1;
  return al < bl ? -1 : al > bl ? 1 : 0;
}

/* -1, 0, 1, or CMP_NONE. A signed value (the result of a subtraction that
 * went below zero, or of a unary minus) compares with an unsigned one by
 * value; an unsigned left side does not compare with a signed right side
 * (tshark 4.0: "ip.ttl > -1" and "ip.ttl < -1" are both false). */
static int cmp_val(const fval *x, const fval *y) {
  if (x->cls == VC_INT && y->cls == VC_UINT) {
    if (x->i < 0 || y->u > (uint64_t)INT64_MAX)
      return -1;
    uint64_t xu = (uint64_t)x->i;
    return xu < y->u ? -1 : xu > y->u;
  }
  if (x->cls != y->cls)
    return CMP_NONE;
  switch (x->cls) {
  case VC_UINT: return x->u < y->u ? -1 : x->u > y->u;
  case VC_INT: return x->i < y->i ? -1 : x->i > y->i;
  case VC_DOUBLE:
    if (isnan(x->d) || isnan(y->d))
      return CMP_NONE;
    return x->d < y->d ? -1 : x->d > y->d;
  case VC_BYTES: return cmp_bytes(x->p, x->len, y->p, y->len);
  default: return CMP_NONE;
  }
}

/* Equality honouring a CIDR prefix of y (IPv4 in u, IPv6 in bytes). */
static int eq_val(const fval *x, const fval *y, int prefix) {
  if (prefix < 0 || x->cls != y->cls) {
    int c = cmp_val(x, y);
    return c == CMP_NONE ? -1 : c == 0;
  }
  if (x->cls == VC_UINT) {
    uint32_t mask = prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
    return ((uint32_t)x->u & mask) == ((uint32_t)y->u & mask);
  }
  if (x->cls == VC_BYTES) {
    if (x->len != y->len)
      return 0;
    size_t full = (size_t)prefix / 8;
    if (full > x->len)
      full = x->len;
    if (full && memcmp(x->p, y->p, full) != 0)
      return 0;
    int rest = prefix % 8;
    if (rest && full < x->len) {
      uint8_t m = (uint8_t)(0xff << (8 - rest));
      return (x->p[full] & m) == (y->p[full] & m);
    }
    return 1;
  }
  return cmp_val(x, y) == 0;
}

static bool contains(const fval *x, const fval *y) {
  if (x->cls != VC_BYTES || y->cls != VC_BYTES)
    return false;
  if (y->len == 0)
    return true;
  if (x->len < y->len)
    return false;
  const uint8_t *h = x->p, *end = x->p + x->len - y->len + 1;
  while (h < end) {
    const uint8_t *c = memchr(h, y->p[0], (size_t)(end - h));
    if (!c)
      return false;
    if (memcmp(c, y->p, y->len) == 0)
      return true;
    h = c + 1;
  }
  return false;
}

/* x op y for one pair of values. */
static bool rel(ectx *c, tok_kind op, const fval *x, const fval *y, const expr *b) {
  int prefix = b->kind == E_LIT ? b->l.prefix : -1;
  int r;
  switch (op) {
  case TK_EQ: return eq_val(x, y, prefix) == 1;
  case TK_NE: return eq_val(x, y, prefix) == 0;
  case TK_LT: r = cmp_val(x, y); return r != CMP_NONE && r < 0;
  case TK_GT: r = cmp_val(x, y); return r != CMP_NONE && r > 0;
  case TK_LE: r = cmp_val(x, y); return r != CMP_NONE && r <= 0;
  case TK_GE: r = cmp_val(x, y); return r != CMP_NONE && r >= 0;
  case TK_CONTAINS: return contains(x, y);
  case TK_MATCHES: {
    if (x->cls != VC_BYTES || !b->l.re)
      return false;
    int m = dx_flt_regex_match(b->l.re, x->p, x->len);
    if (m < 0)
      atomic_fetch_add(&((dx_filter *)c->f)->regex_limit_hits, 1);
    return m == 1;
  }
  default: return false;
  }
}

/* ---- functions and arithmetic ---------------------------------------------- */

static void fmt_push(ectx *c, vlist *out, const char *s, size_t n) {
  uint8_t *b = scratch(c, n);
  if (!b)
    return;
  memcpy(b, s, n);
  fval v;
  memset(&v, 0, offsetof(fval, buf));
  v.cls = VC_BYTES;
  v.p = b;
  v.len = n;
  vl_push(out, &v);
}

/* string(): integers in decimal, addresses as tshark writes them. */
static void to_string(ectx *c, dx_ftype t, const fval *x, vlist *out) {
  char s[64];
  int n = 0;
  switch (t) {
  case DX_FT_IPV4: {
    uint32_t a = (uint32_t)x->u;
    n = snprintf(s, sizeof s, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
    break;
  }
  case DX_FT_IPV6:
    if (x->len != 16 || !inet_ntop(AF_INET6, x->p, s, sizeof s))
      return;
    n = (int)strlen(s);
    break;
  case DX_FT_ETHER:
    if (x->len != 6)
      return;
    n = snprintf(s, sizeof s, "%02x:%02x:%02x:%02x:%02x:%02x", x->p[0], x->p[1], x->p[2], x->p[3],
                 x->p[4], x->p[5]);
    break;
  default:
    if (x->cls == VC_INT)
      n = snprintf(s, sizeof s, "%" PRId64, x->i);
    else if (x->cls == VC_UINT)
      n = snprintf(s, sizeof s, "%" PRIu64, x->u);
    else
      return;
  }
  if (n > 0 && (size_t)n < sizeof s)
    fmt_push(c, out, s, (size_t)n);
}

static void eval_func(ectx *c, const expr *e, vlist *out) {
  fval v;
  memset(&v, 0, offsetof(fval, buf));
  const expr *a0 = e->args[0];
  switch (e->func) {
  case FN_COUNT: {
    uint64_t n = 0;
    for (const dx_node *x = dx_packet_find(c->p, a0->field); x; x = dx_packet_find_next(c->p, x))
      n += in_layers(c->p, a0, x);
    if (!n) /* as tshark: count() of an absent field has no value */
      return;
    v.cls = VC_UINT;
    v.u = n;
    vl_push(out, &v);
    return;
  }
  case FN_LEN: {
    fval x;
    for (const dx_node *n = dx_packet_find(c->p, a0->field); n; n = dx_packet_find_next(c->p, n)) {
      if (!in_layers(c->p, a0, n))
        continue;
      node_val(c->p, n, false, false, &x); /* len(tcp): its header */
      v.cls = VC_UINT;
      v.u = x.cls == VC_BYTES ? x.len : n->length;
      vl_push(out, &v);
      if (out->n >= DX_FILTER_MAX_VALUES)
        break;
    }
    return;
  }
  default: break;
  }
  vlist in;
  vl_init(&in);
  if (e->func == FN_MAX || e->func == FN_MIN) {
    bool have = false;
    fval best;
    memset(&best, 0, sizeof best);
    for (size_t k = 0; k < e->nargs; k++) {
      in.n = 0;
      eval_expr(c, e->args[k], &in, false);
      for (size_t i = 0; i < in.n; i++) {
        int r = have ? cmp_val(&in.v[i], &best) : 0;
        if (r == CMP_NONE)
          continue;
        if (!have || (e->func == FN_MAX ? r > 0 : r < 0)) {
          best = in.v[i];
          if (best.p == in.v[i].buf) {
            uint8_t *b = scratch(c, best.len);
            if (!b)
              continue;
            memcpy(b, in.v[i].buf, best.len);
            best.p = b;
          }
          have = true;
        }
      }
    }
    if (have)
      vl_push(out, &best);
    vl_free(&in);
    return;
  }
  eval_expr(c, a0, &in, false);
  for (size_t i = 0; i < in.n; i++) {
    fval x = in.v[i];
    if (x.p == in.v[i].buf)
      x.p = x.buf;
    switch (e->func) {
    case FN_UPPER:
    case FN_LOWER: {
      if (x.cls != VC_BYTES)
        break;
      uint8_t *b = scratch(c, x.len);
      if (!b)
        break;
      for (size_t k = 0; k < x.len; k++) {
        uint8_t ch = x.p[k];
        if (e->func == FN_UPPER && ch >= 'a' && ch <= 'z')
          ch = (uint8_t)(ch - 32);
        else if (e->func == FN_LOWER && ch >= 'A' && ch <= 'Z')
          ch = (uint8_t)(ch + 32);
        b[k] = ch;
      }
      x.p = b;
      vl_push(out, &x);
      break;
    }
    case FN_STRING: to_string(c, a0->type, &x, out); break;
    case FN_ABS:
      if (x.cls == VC_INT) {
        if (x.i == INT64_MIN)
          break;
        if (x.i < 0)
          x.i = -x.i;
      } else if (x.cls == VC_DOUBLE) {
        if (a0->type == DX_FT_RELTIME || a0->type == DX_FT_ABSTIME)
          break; /* as tshark 4.0: abs() of a time has no value */
        x.d = fabs(x.d);
      }
      vl_push(out, &x);
      break;
    default: break;
    }
  }
  vl_free(&in);
}

static bool wide(dx_ftype t) {
  return t == DX_FT_UINT64 || t == DX_FT_INT64;
}

/* Unsigned arithmetic as Wireshark does it: 32 bits for fields of up to 32
 * bits, 64 for 64-bit fields; an overflow or a division by zero gives no
 * value; a subtraction below zero becomes signed. */
static bool arith_u(tok_kind op, uint64_t a, uint64_t b, bool w, fval *r) {
  uint64_t max = w ? UINT64_MAX : UINT32_MAX;
  int64_t smax = w ? INT64_MAX : INT32_MAX;
  r->cls = VC_UINT;
  switch (op) {
  case TK_PLUS:
    if (a > max - b)
      return false;
    r->u = a + b;
    return true;
  case TK_MINUS:
    if (b > a) {
      if (a > (uint64_t)smax || b > (uint64_t)smax)
        return false;
      r->cls = VC_INT;
      r->i = (int64_t)a - (int64_t)b;
      return true;
    }
    r->u = a - b;
    return true;
  case TK_STAR:
    if (a && b > max / a)
      return false;
    r->u = a * b;
    return true;
  case TK_SLASH:
    if (!b)
      return false;
    r->u = a / b;
    return true;
  case TK_PERCENT:
    if (!b)
      return false;
    r->u = a % b;
    return true;
  case TK_BITAND: r->u = a & b; return true;
  default: return false;
  }
}

static bool arith_i(tok_kind op, int64_t a, int64_t b, bool w, fval *r) {
  int64_t lo = w ? INT64_MIN : INT32_MIN, hi = w ? INT64_MAX : INT32_MAX;
  int64_t x;
  r->cls = VC_INT;
  switch (op) {
  case TK_PLUS:
    if (__builtin_add_overflow(a, b, &x))
      return false;
    break;
  case TK_MINUS:
    if (__builtin_sub_overflow(a, b, &x))
      return false;
    break;
  case TK_STAR:
    if (__builtin_mul_overflow(a, b, &x))
      return false;
    break;
  case TK_SLASH:
    if (!b || (a == INT64_MIN && b == -1))
      return false;
    x = a / b;
    break;
  case TK_PERCENT:
    if (!b || (a == INT64_MIN && b == -1))
      return false;
    x = a % b;
    break;
  case TK_BITAND: x = a & b; break;
  default: return false;
  }
  if (x < lo || x > hi)
    return false;
  r->i = x;
  return true;
}

static bool arith_pair(ectx *c, const expr *e, const fval *x, const fval *y, fval *r) {
  memset(r, 0, offsetof(fval, buf));
  bool w = wide(e->type);
  if (x->cls == VC_UINT && y->cls == VC_UINT)
    return arith_u(e->op, x->u, y->u, w, r);
  if ((x->cls == VC_INT || x->cls == VC_UINT) && (y->cls == VC_INT || y->cls == VC_UINT)) {
    if ((x->cls == VC_UINT && x->u > (uint64_t)INT64_MAX) ||
        (y->cls == VC_UINT && y->u > (uint64_t)INT64_MAX))
      return false;
    int64_t a = x->cls == VC_INT ? x->i : (int64_t)x->u;
    int64_t b = y->cls == VC_INT ? y->i : (int64_t)y->u;
    return arith_i(e->op, a, b, w, r);
  }
  if (x->cls == VC_DOUBLE && y->cls == VC_DOUBLE) {
    r->cls = VC_DOUBLE;
    switch (e->op) {
    case TK_PLUS: r->d = x->d + y->d; break;
    case TK_MINUS: r->d = x->d - y->d; break;
    case TK_STAR: r->d = x->d * y->d; break;
    case TK_SLASH:
      if (y->d == 0)
        return false;
      r->d = x->d / y->d;
      break;
    default: return false; /* % is for integers */
    }
    return isfinite(r->d);
  }
  if (x->cls == VC_BYTES && y->cls == VC_BYTES && e->op == TK_BITAND) {
    if (x->len != y->len)
      return false;
    uint8_t *b = scratch(c, x->len);
    if (!b)
      return false;
    for (size_t k = 0; k < x->len; k++)
      b[k] = x->p[k] & y->p[k];
    r->cls = VC_BYTES;
    r->p = b;
    r->len = x->len;
    return true;
  }
  return false;
}

static void eval_arith(ectx *c, const expr *e, vlist *out) {
  vlist a, b;
  vl_init(&a);
  vl_init(&b);
  eval_expr(c, e->a, &a, false);
  if (a.n)
    eval_expr(c, e->b, &b, false);
  fval r;
  for (size_t i = 0; i < a.n && out->n < DX_FILTER_MAX_VALUES && !c->exhausted; i++)
    for (size_t j = 0; j < b.n && out->n < DX_FILTER_MAX_VALUES && spend(c); j++)
      if (arith_pair(c, e, &a.v[i], &b.v[j], &r))
        vl_push(out, &r);
  vl_free(&a);
  vl_free(&b);
}

static void eval_neg(ectx *c, const expr *e, vlist *out) {
  vlist a;
  vl_init(&a);
  eval_expr(c, e->a, &a, false);
  bool w = wide(e->type);
  for (size_t i = 0; i < a.n; i++) {
    fval x = a.v[i];
    if (x.cls == VC_UINT) {
      if (x.u > (uint64_t)(w ? INT64_MAX : INT32_MAX))
        continue;
      x.cls = VC_INT;
      x.i = -(int64_t)x.u;
    } else if (x.cls == VC_INT) {
      if (x.i == INT64_MIN || (!w && x.i == INT32_MIN))
        continue;
      x.i = -x.i;
    } else if (x.cls == VC_DOUBLE) {
      x.d = -x.d;
    } else {
      continue;
    }
    vl_push(out, &x);
  }
  vl_free(&a);
}

static void eval_expr(ectx *c, const expr *e, vlist *out, bool as_bytes) {
  switch (e->kind) {
  case E_FIELD: field_vals(c, c->p, e, out, as_bytes); return;
  case E_REF: field_vals(c, c->ref, e, out, as_bytes); return;
  case E_LIT:
    if (e->conv)
      vl_push(out, &e->l.v);
    return;
  case E_SLICE: eval_slice(c, e, out); return;
  case E_FUNC: eval_func(c, e, out); return;
  case E_ARITH: eval_arith(c, e, out); return;
  case E_NEG: eval_neg(c, e, out); return;
  }
}

/* ---- tests ----------------------------------------------------------------------- */

/* "field op literal" (tcp.port == 80, ip.ttl < 5: most tests of the
 * colouring rules): the field's values compared as they are found, with no
 * value lists; the same result, budget and cap as the general path. */
/* True if operand e is a field absent from the packet: it yields no value,
 * and a comparison or membership test of it is false whatever the other
 * side (the colouring rules test many fields a packet does not have). */
static bool absent_field(const ectx *c, const expr *e) {
  return e->kind == E_FIELD && !e->layer_proto && c->p && !dx_packet_find(c->p, e->field);
}

static int eval_cmp_field_lit(ectx *c, const fnode *n) {
  bool all = n->q == Q_ALL, any_pair = false;
  const fval *y = &n->b->l.v;
  fval x;
  size_t count = 0;
  for (const dx_node *v = dx_packet_find(c->p, n->a->field);
       v && count < DX_FILTER_MAX_VALUES && !c->exhausted; v = dx_packet_find_next(c->p, v)) {
    count++;
    node_val(c->p, v, false, false, &x);
    if (!spend(c))
      break;
    any_pair = true;
    bool r = rel(c, n->op, &x, y, n->b);
    if (all && !r)
      return 0;
    if (!all && r)
      return 1;
  }
  return all && any_pair && !c->exhausted;
}

static int eval_cmp(ectx *c, const fnode *n) {
  if (n->a->kind == E_FIELD && !n->a->layer_proto && c->p && n->b->kind == E_LIT && n->b->conv &&
      n->op != TK_CONTAINS && n->op != TK_MATCHES)
    return eval_cmp_field_lit(c, n);
  if (absent_field(c, n->a))
    return 0;
  vlist a, b;
  vl_init(&a);
  vl_init(&b);
  /* "tcp contains 41": the protocol's bytes to the end (node_val) */
  c->to_end = (n->op == TK_CONTAINS || n->op == TK_MATCHES) && n->a->kind == E_FIELD;
  eval_expr(c, n->a, &a, false);
  c->to_end = false;
  int result = 0;
  if (a.n) {
    eval_expr(c, n->b, &b, false);
    bool all = n->q == Q_ALL, any_pair = false;
    result = -1;
    for (size_t i = 0; i < a.n && result < 0 && !c->exhausted; i++)
      for (size_t j = 0; j < b.n && spend(c); j++) {
        any_pair = true;
        bool r = rel(c, n->op, &a.v[i], &b.v[j], n->b);
        if (all && !r) {
          result = 0;
          break;
        }
        if (!all && r) {
          result = 1;
          break;
        }
      }
    if (result < 0)
      result = all && any_pair && !c->exhausted;
  }
  vl_free(&a);
  vl_free(&b);
  return result;
}

static bool in_set(ectx *c, const fnode *n, const fval *x) {
  vlist lo, hi;
  vl_init(&lo);
  vl_init(&hi);
  bool found = false;
  for (size_t i = 0; i < n->nset && !found; i++) {
    lo.n = 0;
    eval_expr(c, n->lo[i], &lo, false);
    if (!n->hi[i]) {
      int prefix = n->lo[i]->kind == E_LIT ? n->lo[i]->l.prefix : -1;
      for (size_t k = 0; k < lo.n && !found && spend(c); k++)
        found = eq_val(x, &lo.v[k], prefix) == 1;
      continue;
    }
    hi.n = 0;
    eval_expr(c, n->hi[i], &hi, false);
    for (size_t k = 0; k < lo.n && !found; k++) {
      int r1 = cmp_val(x, &lo.v[k]);
      if (r1 == CMP_NONE || r1 < 0)
        continue;
      for (size_t m = 0; m < hi.n && !found && spend(c); m++) {
        int r2 = cmp_val(x, &hi.v[m]);
        found = r2 != CMP_NONE && r2 <= 0;
      }
    }
  }
  vl_free(&lo);
  vl_free(&hi);
  return found;
}

static int eval_in(ectx *c, const fnode *n) {
  if (absent_field(c, n->a))
    return 0;
  vlist a;
  vl_init(&a);
  eval_expr(c, n->a, &a, false);
  int result = n->q == Q_ALL ? a.n > 0 : 0;
  for (size_t i = 0; i < a.n && !c->exhausted; i++) {
    bool f = in_set(c, n, &a.v[i]);
    if (c->exhausted)
      f = false;
    if (n->q == Q_ALL && !f) {
      result = 0;
      break;
    }
    if (n->q == Q_ANY && f) {
      result = 1;
      break;
    }
  }
  vl_free(&a);
  return result;
}

static bool nonzero(const fval *v) {
  switch (v->cls) {
  case VC_UINT: return v->u != 0;
  case VC_INT: return v->i != 0;
  case VC_DOUBLE: return v->d != 0;
  case VC_BYTES:
    for (size_t i = 0; i < v->len; i++)
      if (v->p[i])
        return true;
    return false;
  default: return false;
  }
}

/* "field & literal" of an unsigned field (tcp.flags & 0x02: the colouring
 * rules' TCP SYN/FIN): nonzero for some occurrence, read one by one as
 * eval_arith() would combine them, without value lists. */
static bool bitand_field_lit(const expr *e) {
  return e->kind == E_ARITH && e->op == TK_BITAND && e->a->kind == E_FIELD && !e->a->layer_proto &&
         e->b->kind == E_LIT && e->b->conv && e->b->l.v.cls == VC_UINT &&
         dx_flt_class(e->a->field->type) == VC_UINT;
}

static int eval_bitand_nonzero(ectx *c, const expr *e) {
  if (!c->p)
    return 0;
  uint64_t mask = e->b->l.v.u;
  fval x;
  size_t count = 0;
  for (const dx_node *v = dx_packet_find(c->p, e->a->field);
       v && count < DX_FILTER_MAX_VALUES && spend(c); v = dx_packet_find_next(c->p, v)) {
    count++;
    node_val(c->p, v, false, false, &x);
    if (x.cls == VC_UINT && (x.u & mask) != 0)
      return 1;
  }
  return 0;
}

/* "field[range] & literal" of bytes (eth[0] & 1: the colouring rules'
 * Broadcast): nonzero for some occurrence, each sliced and combined as
 * eval_slice() and arith_pair() would, without value lists. */
static bool slice_bitand_lit(const expr *e) {
  return e->kind == E_ARITH && e->op == TK_BITAND && e->a->kind == E_SLICE && e->a->nranges == 1 &&
         e->a->a->kind == E_FIELD && !e->a->a->layer_proto && e->b->kind == E_LIT && e->b->conv &&
         e->b->l.v.cls == VC_BYTES;
}

static int eval_slice_bitand_nonzero(ectx *c, const expr *e) {
  if (!c->p)
    return 0;
  const fval *m = &e->b->l.v;
  fval x;
  size_t count = 0;
  for (const dx_node *v = dx_packet_find(c->p, e->a->a->field);
       v && count < DX_FILTER_MAX_VALUES && spend(c); v = dx_packet_find_next(c->p, v)) {
    count++;
    node_val(c->p, v, true, c->to_end, &x);
    size_t s = 0, l = 0;
    if (x.cls != VC_BYTES || !range_of(&e->a->ranges[0], x.len, &s, &l) || l != m->len)
      continue;
    const uint8_t *b = (x.p == x.buf ? x.buf : x.p) + s;
    for (size_t k = 0; k < l; k++)
      if (b[k] & m->p[k])
        return 1;
  }
  return 0;
}

static int eval_node(ectx *c, const fnode *n) {
  switch (n->kind) {
  case K_TRUE: return 1;
  case K_FALSE: return 0;
  case K_AND:
    for (size_t i = 0; i < n->nkids; i++)
      if (!eval_node(c, n->kids[i]))
        return 0;
    return 1;
  case K_OR:
    for (size_t i = 0; i < n->nkids; i++)
      if (eval_node(c, n->kids[i]))
        return 1;
    return 0;
  case K_XOR: {
    int r = 0;
    for (size_t i = 0; i < n->nkids; i++)
      r ^= eval_node(c, n->kids[i]);
    return r;
  }
  case K_NOT: return !eval_node(c, n->kids[0]);
  case K_EXISTS:
  case K_NONZERO: {
    if (n->kind == K_EXISTS && n->a->kind == E_FIELD && !n->a->layer_proto)
      return dx_packet_find(c->p, n->a->field) != NULL;
    if (n->kind == K_NONZERO && bitand_field_lit(n->a))
      return eval_bitand_nonzero(c, n->a);
    if (n->kind == K_NONZERO && slice_bitand_lit(n->a))
      return eval_slice_bitand_nonzero(c, n->a);
    vlist l;
    vl_init(&l);
    eval_expr(c, n->a, &l, false);
    int r = 0;
    for (size_t i = 0; i < l.n && !r; i++)
      r = n->kind == K_EXISTS || nonzero(&l.v[i]);
    vl_free(&l);
    return r;
  }
  case K_CMP: return eval_cmp(c, n);
  case K_IN: return eval_in(c, n);
  }
  return 0;
}

/* ---- the value of a filter on a packet without its fields ------------------ */
/* True if e yields no value when its field is absent: the field itself, a
 * slice of it, it negated, or it combined with a literal. */
static bool field_derived(const expr *e) {
  switch (e->kind) {
  case E_FIELD: return !e->layer_proto;
  case E_SLICE:
  case E_NEG: return field_derived(e->a);
  case E_ARITH:
    return (field_derived(e->a) && e->b->kind == E_LIT) ||
           (e->a->kind == E_LIT && field_derived(e->b));
  default: return false;
  }
}

static int absent_value(const fnode *n, int depth) {
  if (depth > 64)
    return -1;
  switch (n->kind) {
  case K_TRUE: return 1;
  case K_FALSE: return 0;
  case K_EXISTS:
  case K_NONZERO:
  case K_IN: return field_derived(n->a) ? 0 : -1;
  /* no value on one side: no pair to compare, false for "any" and "all" */
  case K_CMP: return field_derived(n->a) || field_derived(n->b) ? 0 : -1;
  case K_NOT: {
    int v = absent_value(n->kids[0], depth + 1);
    return v < 0 ? -1 : !v;
  }
  case K_AND:
  case K_OR:
  case K_XOR: {
    int r = n->kind == K_AND, unknown = 0;
    for (size_t i = 0; i < n->nkids; i++) {
      int v = absent_value(n->kids[i], depth + 1);
      if (v < 0)
        unknown = 1;
      else if (n->kind == K_AND && !v)
        return 0;
      else if (n->kind == K_OR && v)
        return 1;
      else if (n->kind == K_XOR)
        r ^= v;
    }
    return unknown ? -1 : r;
  }
  }
  return -1;
}

int dx_flt_absent_value(const dx_filter *f) {
  return f && f->root ? absent_value(f->root, 0) : -1;
}

int dx_flt_eval(const dx_filter *f, const fnode *n, const dx_packet *p, const dx_packet *ref) {
  ectx c;
  c.f = f;
  c.p = p;
  c.ref = ref;
  c.scratch_used = false;
  c.small_used = 0;
  c.work = DX_FILTER_MAX_WORK;
  c.exhausted = false;
  c.to_end = false;
  int r = eval_node(&c, n);
  if (c.exhausted) { /* the budget ran out: no match, and say so */
    r = 0;
    atomic_fetch_add(&((dx_filter *)f)->regex_limit_hits, 1);
  }
  if (c.scratch_used)
    dx_arena_destroy(&c.scratch);
  return r;
}
