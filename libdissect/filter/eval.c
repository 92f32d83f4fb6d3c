/* Display filters: evaluation of a compiled filter against one packet.
 * Recursion follows the compiled tree, whose depth the parser capped. */
#include "filter_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- values of the occurrences of an operand ------------------------------ */

/* The value of node n (field type t) as an fval. */
static void node_val(const dx_packet *p, const dx_node *n, bool want_bytes, fval *v) {
  dx_ftype t = n->field->type;
  v->cls = dx_flt_class(t);
  v->p = NULL;
  v->len = 0;
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
    /* As in Wireshark, a protocol's bytes run from its start to the end of
     * the data it was given, payload included: here, to the furthest end of
     * the nodes under it and of the layers that follow it (with what is
     * under them) in the same data source. */
    size_t off = n->offset < slen ? n->offset : slen;
    size_t end = (size_t)n->offset + n->length;
    const dx_node *stop = n->parent;
    for (const dx_node *s = n; s;) {
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
    if (want_bytes) {
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

typedef struct iter {
  const dx_packet *p;
  const operand *op;
  const dx_node *n;
  bool started, done;
} iter;

static void it_init(iter *it, const dx_packet *p, const operand *op) {
  memset(it, 0, sizeof *it);
  it->p = p;
  it->op = op;
}

/* Next value of the operand; false when there are no more. */
static bool it_next(iter *it, fval *v) {
  const operand *op = it->op;
  if (it->done)
    return false;
  if (!op->is_field) {
    *v = op->l.v;
    it->done = true;
    return true;
  }
  if (op->func == FN_COUNT) {
    uint64_t c = 0;
    for (const dx_node *n = dx_packet_find(it->p, op->field); n; n = dx_packet_find_next(it->p, n))
      c++;
    memset(v, 0, sizeof *v);
    v->cls = VC_UINT;
    v->u = c;
    it->done = true;
    return true;
  }
  for (;;) {
    it->n = it->started ? dx_packet_find_next(it->p, it->n) : dx_packet_find(it->p, op->field);
    it->started = true;
    if (!it->n) {
      it->done = true;
      return false;
    }
    node_val(it->p, it->n, op->slice, v);
    if (op->func == FN_LEN) {
      uint64_t l = v->cls == VC_BYTES ? v->len : it->n->length;
      memset(v, 0, sizeof *v);
      v->cls = VC_UINT;
      v->u = l;
      return true;
    }
    if (!op->slice)
      return true;
    /* [start:len]; a range that is not all there gives no value. */
    int64_t start = op->sl_start, n = (int64_t)v->len;
    if (start < 0)
      start += n;
    int64_t l = op->sl_len < 0 ? n - start : op->sl_len;
    if (start < 0 || start > n || l < 0 || l > n - start)
      continue;
    v->p += start;
    v->len = (size_t)l;
    return true;
  }
}

/* ---- comparisons ------------------------------------------------------------- */

static int cmp_bytes(const uint8_t *a, size_t al, const uint8_t *b, size_t bl) {
  size_t m = al < bl ? al : bl;
  int c = m ? memcmp(a, b, m) : 0;
  if (c)
    return c < 0 ? -1 : 1;
  return al < bl ? -1 : al > bl ? 1 : 0;
}

static int cmp_val(const fval *x, const fval *y) {
  switch (x->cls) {
  case VC_UINT: return x->u < y->u ? -1 : x->u > y->u;
  case VC_INT: return x->i < y->i ? -1 : x->i > y->i;
  case VC_DOUBLE: return x->d < y->d ? -1 : x->d > y->d;
  case VC_BYTES: return cmp_bytes(x->p, x->len, y->p, y->len);
  default: return 0;
  }
}

/* Equality honouring a CIDR prefix of y (IPv4 in u, IPv6 in bytes). */
static bool eq_val(const fval *x, const fval *y, int prefix) {
  if (prefix < 0)
    return cmp_val(x, y) == 0;
  if (x->cls == VC_UINT) {
    uint32_t mask = prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
    return ((uint32_t)x->u & mask) == ((uint32_t)y->u & mask);
  }
  if (x->cls == VC_BYTES) {
    if (x->len != y->len)
      return false;
    size_t full = (size_t)prefix / 8;
    if (full > x->len)
      full = x->len;
    if (full && memcmp(x->p, y->p, full) != 0)
      return false;
    int rest = prefix % 8;
    if (rest && full < x->len) {
      uint8_t m = (uint8_t)(0xff << (8 - rest));
      return (x->p[full] & m) == (y->p[full] & m);
    }
    return true;
  }
  return cmp_val(x, y) == 0;
}

static bool contains(const fval *x, const fval *y) {
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

static bool matches(const fval *x, const regex_t *re) {
#ifdef REG_STARTEND
  regmatch_t m[1];
  m[0].rm_so = 0;
  m[0].rm_eo = (regoff_t)x->len;
  return regexec(re, x->len ? (const char *)x->p : "", 1, m, REG_STARTEND) == 0;
#else
  char *copy = malloc(x->len + 1);
  if (!copy)
    return false;
  memcpy(copy, x->p, x->len);
  copy[x->len] = 0;
  bool r = regexec(re, copy, 0, NULL, 0) == 0;
  free(copy);
  return r;
#endif
}

/* x op y for one pair of values. */
static bool rel(tok_kind op, const fval *x, const fval *y, const lit *l) {
  int prefix = l ? l->prefix : -1;
  switch (op) {
  case TK_EQ:
  case TK_ALL_EQ: return eq_val(x, y, prefix);
  case TK_NE:
  case TK_ANY_NE: return !eq_val(x, y, prefix);
  case TK_LT: return cmp_val(x, y) < 0;
  case TK_GT: return cmp_val(x, y) > 0;
  case TK_LE: return cmp_val(x, y) <= 0;
  case TK_GE: return cmp_val(x, y) >= 0;
  case TK_CONTAINS: return contains(x, y);
  case TK_MATCHES: return l && l->re && matches(x, l->re);
  default: return false;
  }
}

/* Does a relation hold for the pair (x, any/all values of b)? Returns the
 * "any" result for EQ-like operators, or the "all" result for NE/ALL_EQ,
 * through the quantifier logic in eval_cmp. */
static int eval_cmp(const fnode *n, const dx_packet *p) {
  /* all_ne (!=) and all_eq (===): every pair must satisfy, and at least
   * one pair must exist. Everything else: some pair satisfies. */
  bool all = n->op == TK_NE || n->op == TK_ALL_EQ;
  tok_kind op = n->op;
  bool any_pair = false;
  iter ia;
  fval x, y;
  it_init(&ia, p, &n->a);
  while (it_next(&ia, &x)) {
    iter ib;
    it_init(&ib, p, &n->b);
    while (it_next(&ib, &y)) {
      if (x.cls != y.cls) /* e.g. a bytes slice vs a number: never */
        continue;
      any_pair = true;
      bool r = rel(op, &x, &y, n->b.is_field ? NULL : &n->b.l);
      if (all && !r)
        return 0;
      if (!all && r)
        return 1;
    }
  }
  return all && any_pair;
}

static int eval_in(const fnode *n, const dx_packet *p) {
  iter ia;
  fval x;
  it_init(&ia, p, &n->a);
  while (it_next(&ia, &x)) {
    for (size_t i = 0; i < n->nset; i++) {
      const lit *lo = &n->lo[i], *hi = &n->hi[i];
      if (lo->v.cls != x.cls)
        continue;
      if (hi->v.cls == VC_NONE) {
        if (eq_val(&x, &lo->v, lo->prefix))
          return 1;
      } else if (cmp_val(&x, &lo->v) >= 0 && cmp_val(&x, &hi->v) <= 0) {
        return 1;
      }
    }
  }
  return 0;
}

int dx_flt_eval(const fnode *n, const dx_packet *p) {
  switch (n->kind) {
  case K_TRUE: return 1;
  case K_AND:
    for (size_t i = 0; i < n->nkids; i++)
      if (!dx_flt_eval(n->kids[i], p))
        return 0;
    return 1;
  case K_OR:
    for (size_t i = 0; i < n->nkids; i++)
      if (dx_flt_eval(n->kids[i], p))
        return 1;
    return 0;
  case K_XOR: {
    int r = 0;
    for (size_t i = 0; i < n->nkids; i++)
      r ^= dx_flt_eval(n->kids[i], p);
    return r;
  }
  case K_NOT: return !dx_flt_eval(n->kids[0], p);
  case K_EXISTS: {
    iter it;
    fval v;
    it_init(&it, p, &n->a);
    return it_next(&it, &v);
  }
  case K_CMP: return eval_cmp(n, p);
  case K_IN: return eval_in(n, p);
  }
  return 0;
}
