/* Display filters: the recursive-descent parser and compiler.
 *
 *   expr    := xorx { ("or" | "||") xorx }
 *   xorx    := andx { ("xor" | "^^") andx }
 *   andx    := unary { ("and" | "&&") unary }
 *   unary   := { "not" | "!" } primary
 *   primary := "(" expr ")" | test
 *   test    := operand [ relation operand | "in" "{" item { [","] item } "}" ]
 *   operand := field [ "[" range "]" ] | ("len" | "count") "(" field ")" | literal
 *   item    := literal [ ".." literal ]
 *
 * Nesting of parentheses and "not" is capped (DX_FILTER_MAX_DEPTH), so the
 * parser's recursion, and the evaluator's, are bounded; and/or/xor chains
 * become one n-ary node built in a loop. */
#include "filter_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
  dx_filter *f;
  const dx_session *s;
  const char *text;
  lexer lx;
  token tk; /* current token */
  int depth;
  size_t nodes;
  bool failed;
  int rc;
  dx_filter_error *err;
} parser;

static void fail(parser *ps, int pos, int len, const char *fmt, ...) DX_PRINTF(4, 5);
static void fail(parser *ps, int pos, int len, const char *fmt, ...) {
  if (ps->failed)
    return;
  ps->failed = true;
  if (ps->rc == DX_OK)
    ps->rc = DX_EFILTER;
  if (ps->err) {
    ps->err->pos = pos;
    ps->err->len = len;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ps->err->message, sizeof ps->err->message, fmt, ap);
    va_end(ap);
  }
}

static void fail_nomem(parser *ps) {
  ps->rc = DX_ENOMEM;
  fail(ps, 0, 0, "out of memory");
}

static void next(parser *ps) {
  if (ps->failed) {
    ps->tk.kind = TK_EOF;
    return;
  }
  ps->tk = dx_flt_lex_next(&ps->lx);
  if (ps->tk.kind == TK_ERROR) {
    if (strcmp(ps->lx.msg, "out of memory") == 0)
      fail_nomem(ps);
    else
      fail(ps, ps->lx.epos, ps->lx.elen, "%s", ps->lx.msg);
    ps->tk.kind = TK_EOF;
  }
}

/* The token's text, escaped and shortened, for messages. */
static const char *tok_show(parser *ps, const token *t, char *buf, size_t len) {
  if (t->kind == TK_EOF)
    return "the end of the filter";
  size_t n = (size_t)t->len > 48 ? 48 : (size_t)t->len;
  dx_escape((const uint8_t *)ps->text + t->pos, n, buf, len);
  return buf;
}

static bool count_node(parser *ps, int pos, int len) {
  if (++ps->nodes > DX_FILTER_MAX_NODES) {
    fail(ps, pos, len, "the filter is too complex (more than %d terms)", DX_FILTER_MAX_NODES);
    return false;
  }
  return true;
}

static fnode *new_node(parser *ps, fkind k, int pos, int len) {
  if (!count_node(ps, pos, len))
    return NULL;
  fnode *n = dx_arena_zalloc(&ps->f->arena, sizeof *n);
  if (!n) {
    fail_nomem(ps);
    return NULL;
  }
  n->kind = k;
  return n;
}

static void add_field(parser *ps, const dx_field *fld) {
  dx_filter *f = ps->f;
  for (size_t i = 0; i < f->nfields; i++)
    if (f->fields[i] == fld)
      return;
  if (f->nfields == f->capfields) {
    size_t cap = f->capfields ? f->capfields * 2 : 8;
    const dx_field **nf = realloc(f->fields, cap * sizeof *nf);
    if (!nf) {
      fail_nomem(ps);
      return;
    }
    f->fields = nf;
    f->capfields = cap;
  }
  f->fields[f->nfields++] = fld;
}

/* Looks a word up as a field name. */
static const dx_field *lookup(parser *ps, const token *t) {
  char name[128];
  if (t->kind != TK_WORD || (size_t)t->len >= sizeof name)
    return NULL;
  memcpy(name, ps->text + t->pos, (size_t)t->len);
  name[t->len] = 0;
  return dx_field_lookup(ps->s, name);
}

static bool looks_like_name(const char *s, size_t n) {
  if (n == 0 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
    return false;
  for (size_t i = 0; i < n; i++)
    if (s[i] == ':' || s[i] == '/')
      return false;
  return true;
}

/* "unknown field" with a suggestion, or "not a field" for values. */
static void fail_not_field(parser *ps, const token *t, const char *what) {
  char buf[64];
  if (t->kind == TK_WORD && looks_like_name(ps->text + t->pos, (size_t)t->len)) {
    char name[128];
    size_t n = (size_t)t->len < sizeof name - 1 ? (size_t)t->len : sizeof name - 1;
    memcpy(name, ps->text + t->pos, n);
    name[n] = 0;
    const char *sug[1];
    if (dx_field_suggest(ps->s, name, sug, 1) == 1)
      fail(ps, t->pos, t->len, "unknown field \"%s\"; did you mean \"%s\"?",
           tok_show(ps, t, buf, sizeof buf), sug[0]);
    else
      fail(ps, t->pos, t->len, "unknown field \"%s\"", tok_show(ps, t, buf, sizeof buf));
    return;
  }
  fail(ps, t->pos, t->len, "%s must be a field, not %s", what, tok_show(ps, t, buf, sizeof buf));
}

static bool parse_int32(const char *s, size_t n, int32_t *out) {
  if (n == 0 || n > 10)
    return false;
  bool neg = false;
  size_t i = 0;
  if (s[0] == '-') {
    neg = true;
    i = 1;
    if (n == 1)
      return false;
  }
  int64_t v = 0;
  for (; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    v = v * 10 + (s[i] - '0');
  }
  if (v > INT32_MAX)
    return false;
  *out = (int32_t)(neg ? -v : v);
  return true;
}

/* A slice range inside [ ]: i:j (start, length), i-j (first, last), i,
 * :j, i:. The lexer gives it as one word. */
static void parse_slice(parser *ps, operand *op) {
  const token t = ps->tk;
  if (t.kind != TK_WORD) {
    fail(ps, t.pos, t.len, "expected a range such as 0:2, 1-3, 4 or 2: inside [ ]");
    return;
  }
  const char *s = ps->text + t.pos;
  size_t n = (size_t)t.len;
  const char *colon = memchr(s, ':', n);
  int32_t a = 0, b = -1;
  bool ok;
  if (colon) {
    size_t la = (size_t)(colon - s), lb = n - la - 1;
    ok = (la == 0 || parse_int32(s, la, &a)) && (lb == 0 || parse_int32(colon + 1, lb, &b));
    if (ok && lb > 0 && b < 0)
      ok = false;
  } else {
    /* "i-j" (the dash after the first character) or "i"/"-i" */
    const char *dash = n > 1 ? memchr(s + 1, '-', n - 1) : NULL;
    if (dash) {
      size_t la = (size_t)(dash - s);
      int32_t last;
      ok = parse_int32(s, la, &a) && parse_int32(dash + 1, n - la - 1, &last) && last >= 0;
      if (ok && a >= 0 && last < a)
        ok = false;
      if (ok && a >= 0)
        b = last - a + 1;
      else if (ok) /* negative start with an end: only allow same-sign */
        ok = false;
    } else {
      ok = parse_int32(s, n, &a);
      b = 1;
    }
  }
  if (!ok) {
    fail(ps, t.pos, t.len,
         "invalid range; use [start:length], [first-last], [offset], [:length] or [start:]");
    return;
  }
  op->slice = true;
  op->sl_start = a;
  op->sl_len = b;
  next(ps);
}

/* Reads an operand. A field (with an optional slice) or a function of a
 * field becomes a field operand; anything else is kept as its token in
 * *raw for conversion once the other side's type is known. */
static bool parse_operand(parser *ps, operand *op, token *raw) {
  memset(op, 0, sizeof *op);
  *raw = ps->tk;
  token t = ps->tk;
  char buf[64];
  if (t.kind == TK_STRING) {
    op->pos = t.pos;
    op->len = t.len;
    next(ps);
    return !ps->failed;
  }
  if (t.kind != TK_WORD) {
    if (t.kind == TK_EOF)
      fail(ps, t.pos, 0, "unexpected end of the filter; expected a field or a value");
    else
      fail(ps, t.pos, t.len, "unexpected \"%s\"; expected a field or a value",
           tok_show(ps, &t, buf, sizeof buf));
    return false;
  }
  op->pos = t.pos;
  op->len = t.len;
  int func = FN_NONE;
  if ((t.len == 3 && memcmp(ps->text + t.pos, "len", 3) == 0) ||
      (t.len == 5 && memcmp(ps->text + t.pos, "count", 5) == 0)) {
    lexer save = ps->lx;
    token nt = dx_flt_lex_next(&ps->lx);
    ps->lx = save;
    if (nt.kind == TK_LPAREN)
      func = t.len == 3 ? FN_LEN : FN_COUNT;
  }
  if (func != FN_NONE) {
    next(ps); /* the ( */
    next(ps);
    token ft = ps->tk;
    const dx_field *fld = lookup(ps, &ft);
    if (!fld) {
      if (!ps->failed)
        fail_not_field(ps, &ft,
                       func == FN_LEN ? "the argument of len()" : "the argument of count()");
      return false;
    }
    next(ps);
    if (ps->tk.kind != TK_RPAREN) {
      fail(ps, ps->tk.pos, ps->tk.len, "expected \")\" after the function argument");
      return false;
    }
    op->len = ps->tk.pos + ps->tk.len - op->pos;
    next(ps);
    if (func == FN_LEN && dx_flt_class(dx_field_type(fld)) == VC_NONE) {
      fail(ps, ft.pos, ft.len, "%s has no value, so it has no length", dx_field_name(fld));
      return false;
    }
    op->is_field = true;
    op->field = fld;
    op->func = func;
    op->cls = VC_UINT;
    add_field(ps, fld);
    return !ps->failed;
  }
  const dx_field *fld = lookup(ps, &t);
  next(ps);
  if (!fld)
    return !ps->failed;
  op->is_field = true;
  op->field = fld;
  op->cls = dx_flt_class(dx_field_type(fld));
  add_field(ps, fld);
  if (ps->tk.kind == TK_LBRACKET) {
    int lb = ps->tk.pos;
    dx_ftype ft = dx_field_type(fld);
    if (op->cls != VC_BYTES && ft != DX_FT_IPV4) {
      fail(ps, t.pos, t.len,
           "%s (%s) cannot be sliced; only byte, string, address and "
           "protocol fields can",
           dx_field_name(fld), dx_ftype_name(ft));
      return false;
    }
    next(ps);
    parse_slice(ps, op);
    if (ps->failed)
      return false;
    if (ps->tk.kind != TK_RBRACKET) {
      fail(ps, lb, 1, "this \"[\" is not closed by \"]\"");
      return false;
    }
    op->len = ps->tk.pos + ps->tk.len - op->pos;
    op->cls = VC_BYTES;
    next(ps);
  }
  return !ps->failed;
}

/* Type family for field-to-field comparisons. */
static int family(const operand *op) {
  if (op->func != FN_NONE)
    return 1;
  if (op->slice)
    return 5;
  switch (dx_field_type(op->field)) {
  case DX_FT_INT32:
  case DX_FT_INT64: return 2;
  case DX_FT_IPV4: return 3;
  case DX_FT_DOUBLE:
  case DX_FT_RELTIME:
  case DX_FT_ABSTIME: return 4;
  case DX_FT_STRING:
  case DX_FT_BYTES:
  case DX_FT_PROTOCOL: return 5;
  case DX_FT_IPV6: return 6;
  case DX_FT_ETHER: return 7;
  case DX_FT_NONE: return 0;
  default: return 1;
  }
}

static const char *op_name(tok_kind k) {
  switch (k) {
  case TK_EQ: return "==";
  case TK_NE: return "!=";
  case TK_ALL_EQ: return "===";
  case TK_ANY_NE: return "~=";
  case TK_LT: return "<";
  case TK_GT: return ">";
  case TK_LE: return "<=";
  case TK_GE: return ">=";
  case TK_CONTAINS: return "contains";
  case TK_MATCHES: return "matches";
  case TK_IN: return "in";
  default: return "?";
  }
}

static tok_kind mirror(tok_kind k) {
  switch (k) {
  case TK_LT: return TK_GT;
  case TK_GT: return TK_LT;
  case TK_LE: return TK_GE;
  case TK_GE: return TK_LE;
  default: return k;
  }
}

/* Converts a literal token for comparison with field operand a. */
static bool convert(parser *ps, const operand *a, const token *t, tok_kind op, lit *out) {
  char msg[256];
  dx_ftype ft = a->func != FN_NONE ? DX_FT_UINT32 : dx_field_type(a->field);
  bool bytes_ctx = a->slice || op == TK_CONTAINS;
  bool ok = dx_flt_literal(ps->f, ft, a->func != FN_NONE ? NULL : a->field->vals,
                           dx_field_name(a->field), t, ps->text, bytes_ctx, out, msg, sizeof msg);
  if (!ok) {
    if (strcmp(msg, "out of memory") == 0)
      fail_nomem(ps);
    else
      fail(ps, t->pos, t->len, "%s", msg);
    return false;
  }
  if (out->prefix >= 0 && op != TK_EQ && op != TK_NE && op != TK_ALL_EQ && op != TK_ANY_NE &&
      op != TK_IN) {
    fail(ps, t->pos, t->len,
         "an address block (with /%d) can only be tested with == or !=", out->prefix);
    return false;
  }
  return true;
}

static fnode *parse_set(parser *ps, fnode *n) {
  int open = ps->tk.pos;
  if (ps->tk.kind != TK_LBRACE) {
    fail(ps, ps->tk.pos, ps->tk.len, "expected \"{\" after \"in\"");
    return NULL;
  }
  next(ps);
  size_t cap = 0;
  lit *lo = NULL, *hi = NULL;
  while (!ps->failed && ps->tk.kind != TK_RBRACE) {
    if (ps->tk.kind == TK_COMMA && n->nset > 0) {
      next(ps);
      continue;
    }
    if (ps->tk.kind != TK_WORD && ps->tk.kind != TK_STRING) {
      if (ps->tk.kind == TK_EOF)
        fail(ps, open, 1, "this \"{\" is not closed by \"}\"");
      else
        fail(ps, ps->tk.pos, ps->tk.len, "expected a value in the set");
      break;
    }
    if (!count_node(ps, ps->tk.pos, ps->tk.len))
      break;
    if (n->nset == cap) {
      cap = cap ? cap * 2 : 8;
      lit *nl = realloc(lo, cap * sizeof *nl), *nh = nl ? realloc(hi, cap * sizeof *nh) : NULL;
      if (nl)
        lo = nl;
      if (nh)
        hi = nh;
      if (!nl || !nh) {
        fail_nomem(ps);
        break;
      }
    }
    token t = ps->tk;
    if (!convert(ps, &n->a, &t, TK_IN, &lo[n->nset]))
      break;
    memset(&hi[n->nset], 0, sizeof hi[n->nset]);
    next(ps);
    if (ps->tk.kind == TK_DOTDOT) {
      next(ps);
      token t2 = ps->tk;
      if (t2.kind != TK_WORD && t2.kind != TK_STRING) {
        fail(ps, t2.pos, t2.len, "expected the upper end of the range after \"..\"");
        break;
      }
      if (!convert(ps, &n->a, &t2, TK_LT, &hi[n->nset]))
        break;
      if (lo[n->nset].prefix >= 0) {
        fail(ps, t.pos, t.len, "an address block cannot start a range");
        break;
      }
      next(ps);
    }
    n->nset++;
  }
  if (!ps->failed && n->nset == 0)
    fail(ps, open, ps->tk.pos + ps->tk.len - open, "the set is empty");
  if (!ps->failed) {
    n->lo = dx_arena_alloc(&ps->f->arena, n->nset * sizeof *lo);
    n->hi = dx_arena_alloc(&ps->f->arena, n->nset * sizeof *hi);
    if (!n->lo || !n->hi)
      fail_nomem(ps);
    else {
      memcpy(n->lo, lo, n->nset * sizeof *lo);
      memcpy(n->hi, hi, n->nset * sizeof *hi);
    }
  }
  free(lo);
  free(hi);
  if (ps->failed)
    return NULL;
  next(ps); /* the } */
  return n;
}

static fnode *parse_test(parser *ps) {
  operand a, b;
  token ra, rb;
  char buf[64];
  int start = ps->tk.pos;
  if (!parse_operand(ps, &a, &ra))
    return NULL;
  tok_kind op = ps->tk.kind;
  bool is_rel = op >= TK_EQ && op <= TK_MATCHES;
  if (!is_rel && op != TK_IN) {
    if (!a.is_field) {
      fail_not_field(ps, &ra, "a test");
      return NULL;
    }
    if (a.func != FN_NONE) {
      fail(ps, a.pos, a.len, "a function's value must be compared, e.g. len(x) > 0");
      return NULL;
    }
    fnode *n = new_node(ps, K_EXISTS, a.pos, a.len);
    if (n)
      n->a = a;
    return n;
  }
  token optk = ps->tk;
  next(ps);
  if (op == TK_IN) {
    if (!a.is_field) {
      fail_not_field(ps, &ra, "the left side of \"in\"");
      return NULL;
    }
    if (a.cls == VC_NONE) {
      fail(ps, a.pos, a.len, "%s is a label without a value; it can only be tested for presence",
           dx_field_name(a.field));
      return NULL;
    }
    fnode *n = new_node(ps, K_IN, start, optk.pos + optk.len - start);
    if (!n)
      return NULL;
    n->a = a;
    return parse_set(ps, n);
  }
  if (!parse_operand(ps, &b, &rb))
    return NULL;
  if (!a.is_field && b.is_field && op != TK_CONTAINS && op != TK_MATCHES) {
    operand to = a;
    token tt = ra;
    a = b;
    ra = rb;
    b = to;
    rb = tt;
    op = mirror(op);
  }
  if (!a.is_field) {
    fail_not_field(ps, &ra, "the left side of a comparison");
    return NULL;
  }
  const char *an = dx_field_name(a.field);
  dx_ftype aft = dx_field_type(a.field);
  if (a.cls == VC_NONE) {
    fail(ps, a.pos, a.len,
         "%s is a label without a value; it can only be tested for presence, not with \"%s\"", an,
         op_name(op));
    return NULL;
  }
  if ((op == TK_CONTAINS || op == TK_MATCHES) && a.cls != VC_BYTES) {
    fail(ps, a.pos, a.len,
         "%s (%s) cannot be used with \"%s\": only strings, bytes and "
         "protocols can",
         an, a.func == FN_LEN ? "uint32" : dx_ftype_name(aft), op_name(op));
    return NULL;
  }
  fnode *n = new_node(ps, K_CMP, start, rb.pos + rb.len - start);
  if (!n)
    return NULL;
  n->op = op;
  if (b.is_field) {
    if (op == TK_MATCHES) {
      fail(ps, b.pos, b.len, "\"matches\" needs a quoted regular expression, not a field");
      return NULL;
    }
    if (b.cls == VC_NONE || family(&a) != family(&b)) {
      fail(ps, b.pos, b.len, "%s and %s are not of compatible types (%s, %s)", an,
           dx_field_name(b.field),
           a.slice  ? "slice"
           : a.func ? "uint32"
                    : dx_ftype_name(aft),
           b.slice  ? "slice"
           : b.func ? "uint32"
                    : dx_ftype_name(dx_field_type(b.field)));
      return NULL;
    }
    n->a = a;
    n->b = b;
    return n;
  }
  n->a = a;
  n->b = b;
  if (op == TK_MATCHES) {
    char msg[256];
    if (!dx_flt_regex(ps->f, &rb, ps->text, &n->b.l, msg, sizeof msg)) {
      if (strcmp(msg, "out of memory") == 0)
        fail_nomem(ps);
      else
        fail(ps, rb.pos, rb.len, "%s", msg);
      return NULL;
    }
    return n;
  }
  if (!convert(ps, &a, &rb, op, &n->b.l))
    return NULL;
  (void)buf;
  return n;
}

static fnode *parse_expr(parser *ps);

static fnode *parse_primary(parser *ps) {
  if (ps->tk.kind == TK_LPAREN) {
    token open = ps->tk;
    if (++ps->depth > DX_FILTER_MAX_DEPTH) {
      fail(ps, open.pos, open.len, "the filter nests too deeply (more than %d levels)",
           DX_FILTER_MAX_DEPTH);
      return NULL;
    }
    next(ps);
    fnode *n = parse_expr(ps);
    if (!n)
      return NULL;
    if (ps->tk.kind != TK_RPAREN) {
      char buf[64];
      if (ps->tk.kind == TK_EOF)
        fail(ps, open.pos, open.len, "unbalanced parenthesis: this \"(\" is never closed");
      else
        fail(ps, ps->tk.pos, ps->tk.len, "unexpected \"%s\"; expected \")\" or a logical operator",
             tok_show(ps, &ps->tk, buf, sizeof buf));
      return NULL;
    }
    ps->depth--;
    next(ps);
    return n;
  }
  return parse_test(ps);
}

static fnode *parse_unary(parser *ps) {
  int nots = 0;
  while (ps->tk.kind == TK_NOT) {
    if (++ps->depth > DX_FILTER_MAX_DEPTH) {
      fail(ps, ps->tk.pos, ps->tk.len, "the filter nests too deeply (more than %d levels)",
           DX_FILTER_MAX_DEPTH);
      return NULL;
    }
    nots++;
    next(ps);
  }
  fnode *n = parse_primary(ps);
  for (int i = 0; i < nots && n; i++) {
    fnode *w = new_node(ps, K_NOT, 0, 0);
    if (!w)
      return NULL;
    w->kids = dx_arena_alloc(&ps->f->arena, sizeof *w->kids);
    if (!w->kids) {
      fail_nomem(ps);
      return NULL;
    }
    w->kids[0] = n;
    w->nkids = 1;
    n = w;
  }
  ps->depth -= nots;
  return n;
}

/* level 0: or, 1: xor, 2: and */
static fnode *parse_level(parser *ps, int level) {
  static const tok_kind ops[] = {TK_OR, TK_XOR, TK_AND};
  static const fkind kinds[] = {K_OR, K_XOR, K_AND};
  fnode *first = level < 2 ? parse_level(ps, level + 1) : parse_unary(ps);
  if (!first || ps->tk.kind != ops[level])
    return first;
  fnode **kids = NULL;
  size_t n = 0, cap = 0;
  fnode *cur = first;
  for (;;) {
    if (n == cap) {
      cap = cap ? cap * 2 : 4;
      fnode **nk = realloc(kids, cap * sizeof *nk);
      if (!nk) {
        fail_nomem(ps);
        break;
      }
      kids = nk;
    }
    kids[n++] = cur;
    if (ps->tk.kind != ops[level])
      break;
    next(ps);
    cur = level < 2 ? parse_level(ps, level + 1) : parse_unary(ps);
    if (!cur)
      break;
  }
  fnode *node = NULL;
  if (!ps->failed && (node = new_node(ps, kinds[level], 0, 0)) != NULL) {
    node->kids = dx_arena_alloc(&ps->f->arena, n * sizeof *kids);
    if (!node->kids) {
      fail_nomem(ps);
      node = NULL;
    } else {
      memcpy(node->kids, kids, n * sizeof *kids);
      node->nkids = n;
    }
  }
  free(kids);
  return ps->failed ? NULL : node;
}

static fnode *parse_expr(parser *ps) {
  return parse_level(ps, 0);
}

void dx_filter_free(dx_filter *f) {
  if (!f)
    return;
  for (size_t i = 0; i < f->nregex; i++) {
    regfree(f->regexes[i]);
    free(f->regexes[i]);
  }
  free(f->regexes);
  free(f->fields);
  dx_arena_destroy(&f->arena);
  free(f);
}

int dx_filter_compile(const dx_session *s, const char *text, dx_filter **out,
                      dx_filter_error *err) {
  if (err)
    memset(err, 0, sizeof *err);
  if (out)
    *out = NULL;
  if (!s || !text || !out) {
    if (err)
      snprintf(err->message, sizeof err->message, "invalid argument");
    return DX_EINVAL;
  }
  size_t len = strnlen(text, (size_t)DX_FILTER_MAX_LEN + 1);
  if (len > DX_FILTER_MAX_LEN) {
    if (err) {
      err->pos = DX_FILTER_MAX_LEN;
      err->len = 0;
      snprintf(err->message, sizeof err->message, "the filter is too long (more than %d bytes)",
               DX_FILTER_MAX_LEN);
    }
    return DX_EFILTER;
  }
  dx_filter *f = calloc(1, sizeof *f);
  if (!f)
    return DX_ENOMEM;
  dx_arena_init(&f->arena);
  parser ps;
  memset(&ps, 0, sizeof ps);
  ps.f = f;
  ps.s = s;
  ps.text = text;
  ps.err = err;
  ps.rc = DX_OK;
  dx_flt_lex_init(&ps.lx, text, len, &f->arena);
  next(&ps);
  if (!ps.failed && ps.tk.kind == TK_EOF) {
    f->root = new_node(&ps, K_TRUE, 0, 0);
  } else if (!ps.failed) {
    f->root = parse_expr(&ps);
    if (!ps.failed && ps.tk.kind != TK_EOF) {
      char buf[64];
      if (ps.tk.kind == TK_RPAREN)
        fail(&ps, ps.tk.pos, ps.tk.len, "unbalanced parenthesis: this \")\" has no matching \"(\"");
      else
        fail(&ps, ps.tk.pos, ps.tk.len,
             "unexpected \"%s\"; expected \"and\", \"or\" or the end of the filter",
             tok_show(&ps, &ps.tk, buf, sizeof buf));
    }
  }
  if (ps.failed || !f->root) {
    int rc = ps.rc != DX_OK ? ps.rc : DX_ENOMEM;
    dx_filter_free(f);
    return rc;
  }
  *out = f;
  return DX_OK;
}

int dx_filter_match(const dx_filter *f, const dx_packet *p) {
  if (!f || !f->root)
    return 1;
  if (!p)
    return 0;
  return dx_flt_eval(f->root, p);
}

size_t dx_filter_fields(const dx_filter *f, const dx_field **out, size_t n) {
  if (!f)
    return 0;
  for (size_t i = 0; i < n && i < f->nfields; i++)
    out[i] = f->fields[i];
  return f->nfields;
}

/* Escaped width of one byte of the filter text. */
static size_t esc1(unsigned char c, char *buf, size_t len) {
  return dx_escape(&c, 1, buf, len);
}

static size_t append(char *buf, size_t len, size_t used, const char *s, size_t n) {
  if (used < len) {
    size_t room = len - used - 1;
    memcpy(buf + used, s, n < room ? n : room);
    buf[used + (n < room ? n : room)] = 0;
  }
  return used + n;
}

size_t dx_filter_error_format(const char *text, const dx_filter_error *err, char *buf, size_t len) {
  if (buf && len)
    buf[0] = 0;
  if (!buf)
    len = 0;
  if (!text)
    text = "";
  if (!err)
    return 0;
  size_t tlen = strnlen(text, (size_t)DX_FILTER_MAX_LEN + 1024);
  size_t pos = err->pos < 0 ? 0 : (size_t)err->pos;
  size_t elen = err->len < 0 ? 0 : (size_t)err->len;
  if (pos > tlen)
    pos = tlen;
  if (elen > tlen - pos)
    elen = tlen - pos;
  /* Show a window of the text around the error. */
  size_t from = pos > 60 ? pos - 40 : 0;
  size_t to = pos + (elen > 60 ? 60 : elen) + 40;
  if (to > tlen)
    to = tlen;
  if (elen > to - pos)
    elen = to - pos;
  size_t used = 0, col = 0, ccol = 0, cwidth = 0;
  char e[8];
  if (from > 0) {
    used = append(buf, len, used, "...", 3);
    col = 3;
  }
  for (size_t i = from; i < to; i++) {
    size_t w = esc1((unsigned char)text[i], e, sizeof e);
    if (i == pos)
      ccol = col;
    if (i >= pos && i < pos + elen)
      cwidth += w;
    used = append(buf, len, used, e, w);
    col += w;
  }
  if (pos >= to)
    ccol = col;
  if (to < tlen)
    used = append(buf, len, used, "...", 3);
  used = append(buf, len, used, "\n", 1);
  for (size_t i = 0; i < ccol; i++)
    used = append(buf, len, used, " ", 1);
  used = append(buf, len, used, "^", 1);
  for (size_t i = 1; i < cwidth; i++)
    used = append(buf, len, used, "~", 1);
  used = append(buf, len, used, "\n", 1);
  size_t mlen = strnlen(err->message, sizeof err->message);
  used = append(buf, len, used, err->message, mlen);
  return used;
}
