/* Display filters: the recursive-descent parser and compiler (Wireshark 4.0).
 *
 *   expr    := andx { ("or" | "||") andx }
 *   andx    := unary { ("and" | "&&") unary }
 *   unary   := { "not" | "!" } primary
 *   primary := "(" expr ")" | test
 *   test    := ["any" | "all"] arith [ relation arith | ["not"] "in" set ]
 *   arith   := sum { ("&" | "bitwise_and") sum }
 *   sum     := prod { ("+" | "-") prod }
 *   prod    := neg { ("*" | "/" | "%") neg }
 *   neg     := "-" postfix | postfix
 *   postfix := atom [ "#" layers ] { "[" range { "," range } "]" }
 *   atom    := field | "${" field "}" | literal | name "(" args ")" | "{" arith "}"
 *   set     := "{" item { "," item } "}"      item := neg [ ".." neg ]
 *
 * Literals are typed by what they meet (the other side of a relation or an
 * operator, a set's field, a function's other arguments), once, here. Nesting
 * of parentheses, not, { }, unary minus and function calls, and the height
 * of every expression tree are capped (DX_FILTER_MAX_DEPTH), so the parser's
 * recursion, and the evaluator's, are bounded; and/or chains become one
 * n-ary node built in a loop. The xor level is kept, but the lexer gives no
 * xor token: Wireshark 4.0 has none. */
#include "filter_int.h"

#include <stdarg.h>
#include <stdatomic.h>
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
  bool unknown_absent; /* DX_FILTER_UNKNOWN_ABSENT */
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

/* One more level of nesting at token t (a group, a function call, a unary
 * minus): false, with the error named at t, past DX_FILTER_MAX_DEPTH. */
static bool nest_in(parser *ps, token t) {
  if (++ps->depth <= DX_FILTER_MAX_DEPTH)
    return true;
  fail(ps, t.pos, t.len, "the filter nests too deeply (more than %d levels)", DX_FILTER_MAX_DEPTH);
  return false;
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

/* A word where a field was expected: tshark's "... is neither a field nor
 * a protocol name", with a suggestion when one is close. */
static void fail_not_field(parser *ps, const token *t, const char *what) {
  char buf[64];
  if (t->kind == TK_WORD && looks_like_name(ps->text + t->pos, (size_t)t->len)) {
    char name[128];
    size_t n = (size_t)t->len < sizeof name - 1 ? (size_t)t->len : sizeof name - 1;
    memcpy(name, ps->text + t->pos, n);
    name[n] = 0;
    const char *sug[1];
    if (dx_field_suggest(ps->s, name, sug, 1) == 1)
      fail(ps, t->pos, t->len, "%s is neither a field nor a protocol name; did you mean \"%s\"?",
           tok_show(ps, t, buf, sizeof buf), sug[0]);
    else
      fail(ps, t->pos, t->len, "%s is neither a field nor a protocol name",
           tok_show(ps, t, buf, sizeof buf));
    return;
  }
  fail(ps, t->pos, t->len, "%s must be a field, not %s", what, tok_show(ps, t, buf, sizeof buf));
}

/* ---- expressions ------------------------------------------------------------ */

static expr *new_expr(parser *ps, ekind k, int pos, int len) {
  if (!count_node(ps, pos, len))
    return NULL;
  expr *e = dx_arena_zalloc(&ps->f->arena, sizeof *e);
  if (!e) {
    fail_nomem(ps);
    return NULL;
  }
  e->kind = k;
  e->pos = pos;
  e->len = len;
  e->depth = 1;
  e->l.prefix = -1;
  return e;
}

/* Keeps the height of expression trees under the cap, so that evaluating
 * them recurses a bounded number of times. */
static bool set_depth(parser *ps, expr *e, const expr *a, const expr *b) {
  int d = a ? a->depth : 0;
  if (b && b->depth > d)
    d = b->depth;
  e->depth = d + 1;
  if (e->depth > DX_FILTER_MAX_DEPTH) {
    fail(ps, e->pos, e->len, "the filter nests too deeply (more than %d levels)",
         DX_FILTER_MAX_DEPTH);
    return false;
  }
  return true;
}

static void span(expr *e, const expr *last) {
  int end = last->pos + last->len;
  if (end > e->pos)
    e->len = end - e->pos;
}

/* Constant: made of literals only (no field, no reference). */
static bool is_const(const expr *e) {
  switch (e->kind) {
  case E_LIT: return true;
  case E_FIELD:
  case E_REF:
  case E_SLICE: return false;
  case E_NEG: return is_const(e->a);
  case E_ARITH: return is_const(e->a) && is_const(e->b);
  case E_FUNC:
    for (size_t i = 0; i < e->nargs; i++)
      if (!is_const(e->args[i]))
        return false;
    return true;
  }
  return false;
}

static const char *ftype_label(dx_ftype t) {
  return dx_ftype_name(t);
}

/* The name of what an expression is, for messages. */
static const char *expr_name(parser *ps, const expr *e, char *buf, size_t len) {
  if ((e->kind == E_FIELD || e->kind == E_REF) && e->field)
    return dx_field_name(e->field);
  size_t n = (size_t)e->len > 48 ? 48 : (size_t)e->len;
  dx_escape((const uint8_t *)ps->text + e->pos, n, buf, len);
  return buf;
}

static bool sliceable(dx_ftype t) {
  return t == DX_FT_BYTES || t == DX_FT_STRING || t == DX_FT_PROTOCOL || t == DX_FT_IPV4 ||
         t == DX_FT_IPV6 || t == DX_FT_ETHER;
}

static bool is_int_type(dx_ftype t) {
  vclass c = dx_flt_class(t);
  return (c == VC_UINT || c == VC_INT) && t != DX_FT_IPV4;
}

static bool arith_ok(tok_kind op, dx_ftype t, bool slice);
static const char *op_sym(tok_kind k);

/* Converts the literals of a constant expression to type t. */
static bool resolve(parser *ps, expr *e, dx_ftype t, const dx_field *ctx, bool bytes_ctx) {
  switch (e->kind) {
  case E_LIT: {
    if (e->conv)
      return true;
    char msg[256];
    const char *fname = ctx ? dx_field_name(ctx) : dx_ftype_name(t);
    if (!dx_flt_literal(ps->f, t, ctx ? ctx->vals : NULL, fname, &e->tk, ps->text, bytes_ctx, &e->l,
                        msg, sizeof msg)) {
      if (strcmp(msg, "out of memory") == 0)
        fail_nomem(ps);
      else
        fail(ps, e->tk.pos, e->tk.len, "%s", msg);
      return false;
    }
    e->conv = true;
    e->type = bytes_ctx ? DX_FT_BYTES : t;
    return true;
  }
  case E_NEG:
    if (!arith_ok(TK_MINUS, t, false) || t == DX_FT_ABSTIME) {
      fail(ps, e->pos, e->len, "%s cannot be used with \"-\"", dx_ftype_name(t));
      return false;
    }
    if (!resolve(ps, e->a, t, ctx, bytes_ctx))
      return false;
    if (e->a->l.prefix >= 0) {
      fail(ps, e->pos, e->len, "an address block cannot be negated");
      return false;
    }
    e->type = t;
    return true;
  case E_ARITH:
    if (!arith_ok(e->op, t, bytes_ctx)) {
      fail(ps, e->pos, e->len, "%s cannot be used with \"%s\"", dx_ftype_name(t), op_sym(e->op));
      return false;
    }
    if (!resolve(ps, e->a, t, ctx, bytes_ctx) || !resolve(ps, e->b, t, ctx, bytes_ctx))
      return false;
    e->type = t;
    return true;
  case E_FUNC:
    for (size_t i = 0; i < e->nargs; i++)
      if (!resolve(ps, e->args[i], t, ctx, bytes_ctx))
        return false;
    if (e->type == DX_FT_NONE)
      e->type = t;
    return true;
  default: return true;
  }
}

/* The field that gives a typed expression its literal context (value names,
 * field name in messages), if any. */
static const dx_field *ctx_field(const expr *e) {
  switch (e->kind) {
  case E_FIELD:
  case E_REF: return e->field;
  case E_NEG: return ctx_field(e->a);
  case E_ARITH: {
    const dx_field *f = ctx_field(e->a);
    return f ? f : ctx_field(e->b);
  }
  case E_FUNC:
    if (e->func == FN_ABS || e->func == FN_MAX || e->func == FN_MIN)
      for (size_t i = 0; i < e->nargs; i++)
        if (ctx_field(e->args[i]))
          return ctx_field(e->args[i]);
    return NULL;
  default: return NULL;
  }
}

/* Family of types that can be compared with each other. */
static int family(dx_ftype t) {
  switch (t) {
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
  default: return 1; /* integers, booleans, frame numbers */
  }
}

static const char *op_sym(tok_kind k) {
  switch (k) {
  case TK_PLUS: return "+";
  case TK_MINUS: return "-";
  case TK_STAR: return "*";
  case TK_SLASH: return "/";
  case TK_PERCENT: return "%";
  case TK_BITAND: return "&";
  default: return "?";
  }
}

/* Is arithmetic operator op defined on values of type t? */
static bool arith_ok(tok_kind op, dx_ftype t, bool slice) {
  if (op == TK_BITAND)
    return (is_int_type(t) && t != DX_FT_BOOL) || t == DX_FT_IPV4 || (slice && t == DX_FT_BYTES);
  if (is_int_type(t) && t != DX_FT_BOOL)
    return true;
  if (t == DX_FT_DOUBLE)
    return op != TK_PERCENT;
  if (t == DX_FT_RELTIME || t == DX_FT_ABSTIME)
    return op == TK_PLUS || op == TK_MINUS;
  return false;
}

static bool is_slice(const expr *e) {
  return e->kind == E_SLICE;
}

/* Types an arithmetic node once its operands are parsed. */
static bool check_arith(parser *ps, expr *e) {
  char b1[64];
  expr *a = e->a, *b = e->b;
  if (is_const(a) && is_const(b))
    return true; /* typed by the context */
  const expr *typed = is_const(a) ? b : a;
  dx_ftype t = typed->type;
  if (!arith_ok(e->op, t, t == DX_FT_BYTES)) {
    fail(ps, typed->pos, typed->len, "%s (%s) cannot be used with \"%s\"",
         expr_name(ps, typed, b1, sizeof b1), ftype_label(t), op_sym(e->op));
    return false;
  }
  if (is_const(a)) {
    if (!resolve(ps, a, b->type, ctx_field(b), is_slice(b) || b->type == DX_FT_BYTES))
      return false;
  } else if (is_const(b)) {
    if (!resolve(ps, b, a->type, ctx_field(a), is_slice(a) || a->type == DX_FT_BYTES))
      return false;
  }
  if (!is_const(a) && !is_const(b) && family(a->type) != family(b->type)) {
    fail(ps, b->pos, b->len, "%s (%s) and %s (%s) cannot be combined with \"%s\"",
         expr_name(ps, a, b1, sizeof b1), ftype_label(a->type), dx_field_name(ctx_field(b)),
         ftype_label(b->type), op_sym(e->op));
    return false;
  }
  e->type = t;
  return true;
}

static bool parse_int32(const char *s, size_t n, int32_t *out) {
  if (n == 0 || n > 10)
    return false;
  int64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    v = v * 10 + (s[i] - '0');
  }
  if (v > INT32_MAX)
    return false;
  *out = (int32_t)v;
  return true;
}

/* One range of a slice: i:j (start, length), i-j (first, last, inclusive),
 * i, :j, i: — i may be negative (from the end). The lexer gives a leading
 * "-" as its own token and the rest as one word. */
static bool parse_range(parser *ps, srange *r) {
  int pos = ps->tk.pos;
  bool neg = false;
  if (ps->tk.kind == TK_MINUS) {
    neg = true;
    next(ps);
  }
  const token t = ps->tk;
  if (t.kind != TK_WORD) {
    fail(ps, t.pos, t.len, "expected a range such as 0:2, 1-3, 4 or 2: inside [ ]");
    return false;
  }
  const char *s = ps->text + t.pos;
  size_t n = (size_t)t.len;
  int end = t.pos + t.len;
  const char *colon = memchr(s, ':', n);
  const char *dash = memchr(s, '-', n);
  int32_t a = 0, b = -1;
  bool ok;
  char why[128] = "";
  if (colon) {
    size_t la = (size_t)(colon - s), lb = n - la - 1;
    ok = (la == 0 ? !neg : parse_int32(s, la, &a));
    if (ok && lb > 0) {
      if (colon[1] == '-') {
        snprintf(why, sizeof why, "length %.*s isn't positive", (int)(lb > 20 ? 20 : lb),
                 colon + 1);
        ok = false;
      } else {
        ok = parse_int32(colon + 1, lb, &b);
        if (ok && b == 0) {
          snprintf(why, sizeof why, "length 0 isn't positive");
          ok = false;
        }
      }
    }
  } else if (dash) {
    size_t la = (size_t)(dash - s);
    int32_t last;
    ok = parse_int32(s, la, &a) && parse_int32(dash + 1, n - la - 1, &last);
    if (ok && neg) {
      snprintf(why, sizeof why, "a range first-last cannot start from the end");
      ok = false;
    } else if (ok && last <= a) {
      snprintf(why, sizeof why, "%d is greater or equal than %d", (int)a, (int)last);
      ok = false;
    } else if (ok) {
      b = last - a + 1;
    }
  } else {
    ok = parse_int32(s, n, &a);
    b = 1;
  }
  if (!ok) {
    if (why[0])
      fail(ps, pos, end - pos, "Range %.*s isn't valid because %s", end - pos > 40 ? 40 : end - pos,
           ps->text + pos, why);
    else
      fail(ps, pos, end - pos,
           "invalid range; use [start:length], [first-last], [offset], [:length] or [start:]");
    return false;
  }
  r->start = neg ? -a : a;
  r->len = b;
  next(ps);
  return true;
}

/* "[" range { "," range } "]" after expression e. */
static expr *parse_slice(parser *ps, expr *inner) {
  char b1[64];
  int lb = ps->tk.pos;
  if (is_const(inner)) {
    fail(ps, inner->pos, inner->len, "only a field, a protocol or a slice can be sliced, not %s",
         expr_name(ps, inner, b1, sizeof b1));
    return NULL;
  }
  if (inner->kind == E_FUNC || inner->kind == E_ARITH || inner->kind == E_NEG ||
      !sliceable(inner->type)) {
    fail(ps, inner->pos, inner->len, "\"%s\" is a %s and cannot be sliced into a sequence of bytes",
         expr_name(ps, inner, b1, sizeof b1), ftype_label(inner->type));
    return NULL;
  }
  expr *e = new_expr(ps, E_SLICE, inner->pos, inner->len);
  if (!e)
    return NULL;
  e->a = inner;
  e->type = DX_FT_BYTES;
  next(ps); /* [ */
  size_t cap = 0;
  srange *rs = NULL;
  for (;;) {
    if (e->nranges == cap) {
      cap = cap ? cap * 2 : 4;
      srange *nr = dx_arena_alloc(&ps->f->arena, cap * sizeof *nr);
      if (!nr) {
        fail_nomem(ps);
        return NULL;
      }
      if (e->nranges)
        memcpy(nr, rs, e->nranges * sizeof *nr);
      rs = nr;
    }
    if (!count_node(ps, ps->tk.pos, ps->tk.len) || !parse_range(ps, &rs[e->nranges]))
      return NULL;
    e->nranges++;
    if (ps->tk.kind != TK_COMMA)
      break;
    next(ps);
  }
  if (ps->tk.kind != TK_RBRACKET) {
    if (ps->tk.kind == TK_EOF)
      fail(ps, lb, 1, "this \"[\" is not closed by \"]\"");
    else
      fail(ps, ps->tk.pos, ps->tk.len, "\"%s\" was unexpected in this context",
           tok_show(ps, &ps->tk, b1, sizeof b1));
    return NULL;
  }
  e->ranges = rs;
  e->len = ps->tk.pos + ps->tk.len - e->pos;
  next(ps);
  if (!set_depth(ps, e, inner, NULL))
    return NULL;
  return e;
}

static expr *parse_arith(parser *ps);

static const struct {
  const char *name;
  int func;
  size_t min, max;
} funcs[] = {
    {"len", FN_LEN, 1, 1},     {"count", FN_COUNT, 1, 1},   {"upper", FN_UPPER, 1, 1},
    {"lower", FN_LOWER, 1, 1}, {"string", FN_STRING, 1, 1}, {"max", FN_MAX, 1, 64},
    {"min", FN_MIN, 1, 64},    {"abs", FN_ABS, 1, 1},
};

static bool string_convertible(dx_ftype t) {
  return (is_int_type(t) && t != DX_FT_BOOL) || t == DX_FT_IPV4 || t == DX_FT_IPV6 ||
         t == DX_FT_ETHER;
}

/* name "(" args ")": the name token is current and "(" follows. */
static expr *parse_func(parser *ps) {
  token nt = ps->tk;
  char b1[64];
  int fi = -1;
  for (size_t k = 0; k < DX_ARRAY_LEN(funcs); k++)
    if (strlen(funcs[k].name) == (size_t)nt.len &&
        memcmp(funcs[k].name, ps->text + nt.pos, (size_t)nt.len) == 0)
      fi = (int)k;
  if (fi < 0) {
    fail(ps, nt.pos, nt.len, "Function '%s' does not exist", tok_show(ps, &nt, b1, sizeof b1));
    return NULL;
  }
  expr *e = new_expr(ps, E_FUNC, nt.pos, nt.len);
  if (!e)
    return NULL;
  e->func = funcs[fi].func;
  if (!nest_in(ps, nt))
    return NULL;
  next(ps); /* name */
  next(ps); /* ( */
  expr *args[64];
  size_t n = 0;
  while (!ps->failed && ps->tk.kind != TK_RPAREN) {
    if (n > 0) {
      if (ps->tk.kind != TK_COMMA) {
        if (ps->tk.kind == TK_EOF)
          fail(ps, ps->tk.pos, 0, "Unexpected end of filter expression");
        else
          fail(ps, ps->tk.pos, ps->tk.len, "\"%s\" was unexpected in this context",
               tok_show(ps, &ps->tk, b1, sizeof b1));
        return NULL;
      }
      next(ps);
    }
    if (n == DX_ARRAY_LEN(args)) {
      fail(ps, ps->tk.pos, ps->tk.len, "Function %s can only accept %zu arguments", funcs[fi].name,
           funcs[fi].max);
      return NULL;
    }
    expr *a = parse_arith(ps);
    if (!a)
      return NULL;
    args[n++] = a;
  }
  if (ps->failed)
    return NULL;
  int close_end = ps->tk.pos + ps->tk.len;
  next(ps); /* ) */
  ps->depth--;
  e->len = close_end - e->pos;
  if (n < funcs[fi].min) {
    fail(ps, nt.pos, nt.len, "Function %s needs at least %zu arguments", funcs[fi].name,
         funcs[fi].min);
    return NULL;
  }
  if (n > funcs[fi].max) {
    fail(ps, nt.pos, nt.len, "Function %s can only accept %zu arguments", funcs[fi].name,
         funcs[fi].max);
    return NULL;
  }
  e->args = dx_arena_alloc(&ps->f->arena, n * sizeof *args);
  if (!e->args) {
    fail_nomem(ps);
    return NULL;
  }
  memcpy(e->args, args, n * sizeof *args);
  e->nargs = n;
  expr *a0 = args[0];
  int d = 0;
  for (size_t i = 0; i < n; i++)
    if (args[i]->depth > d)
      d = args[i]->depth;
  e->depth = d + 1;
  switch (e->func) {
  case FN_LEN:
  case FN_COUNT:
  case FN_UPPER:
  case FN_LOWER:
  case FN_STRING:
    if (a0->kind != E_FIELD) {
      if (a0->kind == E_LIT && a0->tk.kind == TK_WORD &&
          looks_like_name(ps->text + a0->tk.pos, (size_t)a0->tk.len))
        fail_not_field(ps, &a0->tk, "the argument");
      else
        fail(ps, a0->pos, a0->len, "Only fields can be used as parameter for %s()", funcs[fi].name);
      return NULL;
    }
    if (e->func == FN_LEN || e->func == FN_COUNT) {
      e->type = DX_FT_UINT32;
    } else if (e->func == FN_STRING) {
      if (!string_convertible(a0->type)) {
        fail(ps, a0->pos, a0->len, "String conversion for field \"%s\" is not supported",
             dx_field_name(a0->field));
        return NULL;
      }
      e->type = DX_FT_STRING;
    } else {
      if (a0->type != DX_FT_STRING) {
        fail(ps, a0->pos, a0->len, "Only string type fields can be used as parameter for %s()",
             funcs[fi].name);
        return NULL;
      }
      e->type = DX_FT_STRING;
    }
    return e;
  case FN_ABS:
    if (!is_const(a0)) {
      dx_ftype t = a0->type;
      if (!(is_int_type(t) && t != DX_FT_BOOL) && t != DX_FT_DOUBLE && t != DX_FT_RELTIME) {
        fail(ps, a0->pos, a0->len, "%s (%s) is not a number, so it has no absolute value",
             expr_name(ps, a0, b1, sizeof b1), ftype_label(t));
        return NULL;
      }
      e->type = t;
    }
    return e;
  default: { /* max, min */
    const expr *typed = NULL;
    for (size_t i = 0; i < n; i++) {
      if (is_const(args[i]))
        continue;
      if (!typed) {
        typed = args[i];
        if (dx_flt_class(typed->type) == VC_NONE) {
          fail(ps, typed->pos, typed->len, "Argument '%s' is not valid for %s()",
               expr_name(ps, typed, b1, sizeof b1), funcs[fi].name);
          return NULL;
        }
      } else if (args[i]->type != typed->type) {
        fail(ps, args[i]->pos, args[i]->len,
             "Arguments to '%s' must have the same type (expected %s, got %s)", funcs[fi].name,
             ftype_label(typed->type), ftype_label(args[i]->type));
        return NULL;
      }
    }
    if (!typed) {
      fail(ps, a0->pos, a0->len, "Argument '%s' is not valid for %s()",
           expr_name(ps, a0, b1, sizeof b1), funcs[fi].name);
      return NULL;
    }
    for (size_t i = 0; i < n; i++)
      if (is_const(args[i]) &&
          !resolve(ps, args[i], typed->type, ctx_field(typed), typed->type == DX_FT_BYTES))
        return NULL;
    e->type = typed->type;
    return e;
  }
  }
}

/* atom := field | ${field} | literal | func "(" args ")" | "{" arith "}" */
static const dx_field *proto_of(parser *ps, const dx_field *fld);

static expr *parse_atom(parser *ps) {
  token t = ps->tk;
  char b1[64];
  if (t.kind == TK_LBRACE) {
    if (!nest_in(ps, t))
      return NULL;
    next(ps);
    expr *e = parse_arith(ps);
    if (!e)
      return NULL;
    if (ps->tk.kind != TK_RBRACE) {
      if (ps->tk.kind == TK_EOF)
        fail(ps, t.pos, 1, "this \"{\" is not closed by \"}\"");
      else
        fail(ps, ps->tk.pos, ps->tk.len, "\"%s\" was unexpected in this context",
             tok_show(ps, &ps->tk, b1, sizeof b1));
      return NULL;
    }
    ps->depth--;
    next(ps);
    return e;
  }
  if (t.kind == TK_REF) {
    char name[128];
    if (t.slen >= sizeof name) {
      fail(ps, t.pos, t.len, "the field name is too long");
      return NULL;
    }
    memcpy(name, t.str, t.slen);
    name[t.slen] = 0;
    /* ${ip.src#2}: a layer inside the reference */
    int32_t layer = 0;
    char *hash = strchr(name, '#');
    if (hash) {
      *hash = 0;
      if (!parse_int32(hash + 1, strlen(hash + 1), &layer)) {
        fail(ps, t.pos, t.len, "Expected digit after \"#\" in ${%s#...}", name);
        return NULL;
      }
    }
    const dx_field *fld = dx_field_lookup(ps->s, name);
    if (!fld) {
      fail(ps, t.pos, t.len, "${%s}: %s is neither a field nor a protocol name", name, name);
      return NULL;
    }
    expr *e = new_expr(ps, E_REF, t.pos, t.len);
    if (!e)
      return NULL;
    e->field = fld;
    e->type = dx_field_type(fld);
    add_field(ps, fld);
    if (hash) {
      e->layer_proto = proto_of(ps, fld);
      if (!e->layer_proto) {
        fail(ps, t.pos, t.len, "%s belongs to no protocol, so it has no layers", name);
        return NULL;
      }
      add_field(ps, e->layer_proto);
      e->layer_lo = e->layer_hi = layer >= 1 ? layer : -1;
    }
    next(ps);
    return e;
  }
  if (t.kind == TK_STRING || t.kind == TK_CHAR) {
    expr *e = new_expr(ps, E_LIT, t.pos, t.len);
    if (!e)
      return NULL;
    e->tk = t;
    next(ps);
    return e;
  }
  if (t.kind != TK_WORD) {
    if (t.kind == TK_EOF)
      fail(ps, t.pos, 0, "Unexpected end of filter expression");
    else
      fail(ps, t.pos, t.len, "\"%s\" was unexpected in this context",
           tok_show(ps, &t, b1, sizeof b1));
    return NULL;
  }
  /* A word followed by "(" is a function call. */
  {
    lexer save = ps->lx;
    token nt = dx_flt_lex_next(&ps->lx);
    ps->lx = save;
    if (nt.kind == TK_LPAREN)
      return parse_func(ps);
  }
  const dx_field *fld = lookup(ps, &t);
  expr *e = new_expr(ps, fld ? E_FIELD : E_LIT, t.pos, t.len);
  if (!e)
    return NULL;
  if (fld) {
    e->field = fld;
    e->type = dx_field_type(fld);
    add_field(ps, fld);
  } else {
    e->tk = t;
  }
  next(ps);
  return e;
}

/* The protocol a field belongs to: the part of its name before the first
 * dot ("ip" for ip.addr), or the field itself for a protocol. */
static const dx_field *proto_of(parser *ps, const dx_field *fld) {
  const char *name = dx_field_name(fld);
  const char *dot = strchr(name, '.');
  if (!dot)
    return fld;
  char buf[128];
  size_t n = (size_t)(dot - name);
  if (n >= sizeof buf)
    return NULL;
  memcpy(buf, name, n);
  buf[n] = 0;
  return dx_field_lookup(ps->s, buf);
}

/* "#" N or "#[" range "]" after a field: which protocol layers. */
static bool parse_layer(parser *ps, expr *e) {
  char b1[64];
  int hpos = ps->tk.pos;
  next(ps); /* # */
  srange r;
  if (ps->tk.kind == TK_LBRACKET) {
    int lb = ps->tk.pos;
    next(ps);
    if (ps->tk.kind == TK_MINUS) {
      fail(ps, ps->tk.pos, ps->tk.len, "a layer range cannot count from the end");
      return false;
    }
    if (!parse_range(ps, &r))
      return false;
    if (ps->tk.kind != TK_RBRACKET) {
      fail(ps, ps->tk.kind == TK_EOF ? lb : ps->tk.pos, ps->tk.kind == TK_EOF ? 1 : ps->tk.len,
           "this \"[\" is not closed by \"]\"");
      return false;
    }
    e->len = ps->tk.pos + ps->tk.len - e->pos;
    next(ps);
  } else {
    token t = ps->tk;
    int32_t v;
    if (t.kind != TK_WORD || !parse_int32(ps->text + t.pos, (size_t)t.len, &v)) {
      if (t.kind == TK_EOF)
        fail(ps, hpos, 1, "Unexpected end of filter expression");
      else if (t.kind == TK_WORD && strspn(ps->text + t.pos, "0123456789") >= (size_t)t.len)
        fail(ps, t.pos, t.len, "\"%s\" causes an integer overflow",
             tok_show(ps, &t, b1, sizeof b1));
      else
        fail(ps, t.pos, t.len, "Expected digit or \"[\", not \"%s\"",
             tok_show(ps, &t, b1, sizeof b1));
      return false;
    }
    r.start = v;
    r.len = 1;
    e->len = t.pos + t.len - e->pos;
    next(ps);
  }
  if (r.start < 0) {
    fail(ps, hpos, e->pos + e->len - hpos, "a layer range cannot count from the end");
    return false;
  }
  e->layer_proto = proto_of(ps, e->field);
  if (!e->layer_proto) {
    fail(ps, e->pos, e->len, "%s belongs to no protocol, so it has no layers",
         dx_field_name(e->field));
    return false;
  }
  add_field(ps, e->layer_proto);
  /* layers count from 1; [i:j] is i to i+j-1, [i:] to the last */
  e->layer_lo = r.start;
  e->layer_hi =
      r.len < 0
          ? INT32_MAX
          : (int32_t)((int64_t)r.start + r.len - 1 > INT32_MAX ? INT32_MAX : r.start + r.len - 1);
  if (e->layer_hi < 1) { /* #0: no layer; tshark accepts it and matches nothing */
    e->layer_lo = e->layer_hi = -1;
  }
  return !ps->failed;
}

/* postfix := atom [ "#" layers ] { "[" ranges "]" } */
static expr *parse_postfix(parser *ps) {
  expr *e = parse_atom(ps);
  if (e && ps->tk.kind == TK_HASH) {
    if (e->kind != E_FIELD && e->kind != E_REF) {
      char b1[64];
      fail(ps, ps->tk.pos, ps->tk.len, "only a field can have a layer, not %s",
           expr_name(ps, e, b1, sizeof b1));
      return NULL;
    }
    if (!parse_layer(ps, e))
      return NULL;
  }
  while (e && ps->tk.kind == TK_LBRACKET) {
    if (e->kind == E_LIT && e->tk.kind == TK_WORD &&
        looks_like_name(ps->text + e->tk.pos, (size_t)e->tk.len)) {
      fail_not_field(ps, &e->tk, "a slice");
      return NULL;
    }
    e = parse_slice(ps, e);
  }
  return e;
}

/* neg := "-" neg | postfix */
static expr *parse_neg(parser *ps) {
  if (ps->tk.kind != TK_MINUS)
    return parse_postfix(ps);
  token m = ps->tk;
  if (!nest_in(ps, m))
    return NULL;
  next(ps);
  if (ps->tk.kind == TK_MINUS) { /* tshark 4.0 refuses "- -x" */
    fail(ps, ps->tk.pos, ps->tk.len, "\"-\" was unexpected in this context");
    return NULL;
  }
  expr *a = parse_postfix(ps);
  ps->depth--;
  if (!a)
    return NULL;
  expr *e = new_expr(ps, E_NEG, m.pos, m.len);
  if (!e)
    return NULL;
  e->a = a;
  span(e, a);
  if (!set_depth(ps, e, a, NULL))
    return NULL;
  if (!is_const(a)) {
    char b1[64];
    dx_ftype t = a->type;
    if (!(is_int_type(t) && t != DX_FT_BOOL) && t != DX_FT_DOUBLE && t != DX_FT_RELTIME) {
      fail(ps, a->pos, a->len, "%s (%s) cannot be used with \"-\"", expr_name(ps, a, b1, sizeof b1),
           ftype_label(t));
      return NULL;
    }
    e->type = t;
  }
  return e;
}

/* Binary levels: 0 "&", 1 "+ -", 2 "* / %". */
static expr *parse_binlevel(parser *ps, int level) {
  expr *a = level < 2 ? parse_binlevel(ps, level + 1) : parse_neg(ps);
  for (;;) {
    if (!a)
      return NULL;
    tok_kind k = ps->tk.kind;
    bool mine = level == 0   ? k == TK_BITAND
                : level == 1 ? (k == TK_PLUS || k == TK_MINUS)
                             : (k == TK_STAR || k == TK_SLASH || k == TK_PERCENT);
    if (!mine)
      return a;
    next(ps);
    expr *b = level < 2 ? parse_binlevel(ps, level + 1) : parse_neg(ps);
    if (!b)
      return NULL;
    expr *e = new_expr(ps, E_ARITH, a->pos, a->len);
    if (!e)
      return NULL;
    e->op = k;
    e->a = a;
    e->b = b;
    span(e, b);
    if (!set_depth(ps, e, a, b) || !check_arith(ps, e))
      return NULL;
    a = e;
  }
}

static expr *parse_arith(parser *ps) {
  return parse_binlevel(ps, 0);
}

/* ---- tests ------------------------------------------------------------------ */

static const char *op_name(tok_kind k) {
  switch (k) {
  case TK_EQ: return "==";
  case TK_NE: return "!=";
  case TK_ALL_EQ: return "===";
  case TK_ANY_NE: return "!==";
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

/* The left side of a relation must depend on the packet. */
static bool check_lhs(parser *ps, const expr *a, const char *opname) {
  char b1[64];
  if (!is_const(a))
    return true;
  if (a->kind == E_LIT && a->tk.kind == TK_WORD &&
      looks_like_name(ps->text + a->tk.pos, (size_t)a->tk.len)) {
    fail_not_field(ps, &a->tk, "the left side");
    return false;
  }
  if (a->kind == E_LIT)
    fail(ps, a->pos, a->len, "Left side of \"%s\" expression must be a field or function, not %s",
         opname, expr_name(ps, a, b1, sizeof b1));
  else
    fail(ps, a->pos, a->len, "Constant arithmetic expression on the LHS is invalid");
  return false;
}

/* A word that is not a field, where a value of the other side's type was
 * expected, which looks like a mistyped field name: say so. */
static bool unknown_name_rhs(parser *ps, const expr *b, dx_ftype t) {
  if (b->kind != E_LIT || b->tk.kind != TK_WORD || t == DX_FT_STRING)
    return false;
  const char *s = ps->text + b->tk.pos;
  size_t n = (size_t)b->tk.len;
  if (!looks_like_name(s, n) || !memchr(s, '.', n))
    return false;
  return true;
}

static fnode *parse_set(parser *ps, fnode *n) {
  char b1[64];
  int open = ps->tk.pos;
  if (ps->tk.kind != TK_LBRACE) {
    fail(ps, ps->tk.pos, ps->tk.len, "expected \"{\" after \"in\"");
    return NULL;
  }
  next(ps);
  size_t cap = 0;
  expr **lo = NULL, **hi = NULL;
  const expr *a = n->a;
  dx_ftype t = a->type;
  for (;;) {
    if (ps->failed)
      break;
    if (n->nset > 0) {
      if (ps->tk.kind == TK_RBRACE)
        break;
      if (ps->tk.kind != TK_COMMA) {
        if (ps->tk.kind == TK_EOF)
          fail(ps, ps->tk.pos, 0, "Unexpected end of filter expression");
        else
          fail(ps, ps->tk.pos, ps->tk.len,
               "\"%s\" was unexpected in this context (set members are separated by commas)",
               tok_show(ps, &ps->tk, b1, sizeof b1));
        break;
      }
      next(ps);
    }
    if (n->nset == cap) {
      cap = cap ? cap * 2 : 8;
      expr **nl = realloc(lo, cap * sizeof *nl);
      if (nl)
        lo = nl;
      expr **nh = nl ? realloc(hi, cap * sizeof *nh) : NULL;
      if (nh)
        hi = nh;
      if (!nl || !nh) {
        fail_nomem(ps);
        break;
      }
    }
    expr *x = parse_neg(ps);
    if (!x)
      break;
    hi[n->nset] = NULL;
    lo[n->nset] = x;
    expr *y = NULL;
    if (ps->tk.kind == TK_DOTDOT) {
      next(ps);
      y = parse_neg(ps);
      if (!y)
        break;
      hi[n->nset] = y;
    }
    for (int k = 0; k < 2 && !ps->failed; k++) {
      expr *v = k == 0 ? x : y;
      if (!v)
        continue;
      if (v->kind == E_SLICE || (v->kind == E_NEG && !is_const(v))) {
        fail(ps, v->pos, v->len, "a set holds values and fields, not %s",
             expr_name(ps, v, b1, sizeof b1));
        break;
      }
      if (is_const(v)) {
        if (!resolve(ps, v, t, a->field, false)) {
          if (ps->rc == DX_EFILTER && unknown_name_rhs(ps, v, t)) {
            ps->failed = false;
            fail_not_field(ps, &v->tk, "a set member");
          }
          break;
        }
      } else if (family(v->type) != family(t)) {
        fail(ps, v->pos, v->len, "%s (%s) and %s (%s) are not of compatible types",
             dx_field_name(a->field), ftype_label(t), expr_name(ps, v, b1, sizeof b1),
             ftype_label(v->type));
        break;
      }
    }
    if (ps->failed)
      break;
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

static bool matchable(const expr *a) {
  dx_ftype t = a->type;
  return t == DX_FT_STRING || t == DX_FT_BYTES || t == DX_FT_PROTOCOL;
}

/* DX_FILTER_UNKNOWN_ABSENT: a word that names no field of this session, as
 * a test or the left side of a comparison or "in", is a field that is never
 * present, so the test is false: the comparison's right side is parsed and
 * left unconverted (its value names belong to a field we do not know), a
 * set is skipped to its "}". */
static fnode *absent_test(parser *ps, const expr *a) {
  dx_filter *f = ps->f;
  const token *nt = &a->tk;
  if (f->nunknown < DX_ARRAY_LEN(f->unknown) && nt->len > 0) {
    bool seen = false;
    for (size_t i = 0; i < f->nunknown && !seen; i++)
      seen = strlen(f->unknown[i]) == (size_t)nt->len &&
             memcmp(f->unknown[i], ps->text + nt->pos, (size_t)nt->len) == 0;
    if (!seen) {
      const char *name = dx_arena_strndup(&f->arena, ps->text + nt->pos, (size_t)nt->len);
      if (name)
        f->unknown[f->nunknown++] = name;
    }
  }
  tok_kind op = ps->tk.kind;
  if (op == TK_NOT) {
    lexer save = ps->lx;
    token nt = dx_flt_lex_next(&ps->lx);
    ps->lx = save;
    if (nt.kind == TK_IN) {
      next(ps);
      op = TK_IN;
    }
  }
  if (op == TK_IN) {
    next(ps);
    if (ps->tk.kind != TK_LBRACE) {
      fail(ps, ps->tk.pos, ps->tk.len, "a set must start with \"{\"");
      return NULL;
    }
    token open = ps->tk;
    while (ps->tk.kind != TK_RBRACE && !ps->failed) {
      if (ps->tk.kind == TK_EOF) {
        fail(ps, open.pos, open.len, "this \"{\" is not closed by \"}\"");
        return NULL;
      }
      next(ps);
    }
    if (ps->failed)
      return NULL;
    next(ps);
  } else if (op >= TK_EQ && op <= TK_MATCHES) {
    next(ps);
    if (ps->tk.kind == TK_EOF) {
      fail(ps, ps->tk.pos, 0, "Unexpected end of filter expression");
      return NULL;
    }
    if (!parse_arith(ps))
      return NULL;
  }
  return new_node(ps, K_FALSE, a->pos, a->len);
}

/* test := ["any" | "all"] arith [ relation arith | ["not"] "in" set ] */
static fnode *parse_test(parser *ps) {
  char b1[64];
  int start = ps->tk.pos;
  int quant = -1;
  token qtok = ps->tk;
  if (ps->tk.kind == TK_ANY || ps->tk.kind == TK_ALL) {
    quant = ps->tk.kind == TK_ALL ? Q_ALL : Q_ANY;
    next(ps);
  }
  expr *a = parse_arith(ps);
  if (!a)
    return NULL;
  if (ps->unknown_absent && quant < 0 && a->kind == E_LIT && a->tk.kind == TK_WORD &&
      looks_like_name(ps->text + a->tk.pos, (size_t)a->tk.len))
    return absent_test(ps, a);
  tok_kind op = ps->tk.kind;
  bool negate_in = false;
  if (op == TK_NOT) {
    lexer save = ps->lx;
    token nt = dx_flt_lex_next(&ps->lx);
    ps->lx = save;
    if (nt.kind == TK_IN) {
      negate_in = true;
      next(ps);
      op = TK_IN;
    }
  }
  bool is_rel = op >= TK_EQ && op <= TK_MATCHES;
  if (!is_rel && op != TK_IN) {
    if (quant >= 0) {
      fail(ps, qtok.pos, qtok.len,
           "\"%s\" must be followed by a comparison, e.g. all tcp.port > 1024",
           quant == Q_ALL ? "all" : "any");
      return NULL;
    }
    if (a->kind == E_LIT && a->tk.kind == TK_WORD &&
        looks_like_name(ps->text + a->tk.pos, (size_t)a->tk.len)) {
      fail_not_field(ps, &a->tk, "a test");
      return NULL;
    }
    if (is_const(a)) {
      if (a->kind == E_LIT)
        fail(ps, a->pos, a->len, "%s is neither a field nor a protocol name",
             expr_name(ps, a, b1, sizeof b1));
      else
        fail(ps, a->pos, a->len, "Constant arithmetic expression on the LHS is invalid");
      return NULL;
    }
    if (a->kind == E_FUNC) {
      fail(ps, a->pos, a->len,
           "You cannot test whether a function is present; compare its value, e.g. len(x) > 0");
      return NULL;
    }
    if (a->kind == E_REF) {
      fail(ps, a->pos, a->len, "a field reference must be compared, e.g. ip.src == ${ip.src}");
      return NULL;
    }
    fnode *n = new_node(ps, (a->kind == E_FIELD || a->kind == E_SLICE) ? K_EXISTS : K_NONZERO,
                        a->pos, a->len);
    if (n)
      n->a = a;
    return n;
  }
  token optk = ps->tk;
  next(ps);
  if (op == TK_IN) {
    if (!check_lhs(ps, a, "in"))
      return NULL;
    if (a->kind != E_FIELD) {
      fail(ps, a->pos, a->len, "Only a field may be tested for membership in a set");
      return NULL;
    }
    if (dx_flt_class(a->type) == VC_NONE) {
      fail(ps, a->pos, a->len, "%s is a label without a value; it can only be tested for presence",
           dx_field_name(a->field));
      return NULL;
    }
    fnode *n = new_node(ps, K_IN, start, optk.pos + optk.len - start);
    if (!n)
      return NULL;
    n->a = a;
    n->q = quant == Q_ALL ? Q_ALL : Q_ANY;
    if (!parse_set(ps, n))
      return NULL;
    if (!negate_in)
      return n;
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
    return w;
  }
  if (!check_lhs(ps, a, op_name(op)))
    return NULL;
  dx_ftype at = a->type;
  if (dx_flt_class(at) == VC_NONE) {
    fail(ps, a->pos, a->len,
         "%s is a label without a value; it can only be tested for presence, not with \"%s\"",
         expr_name(ps, a, b1, sizeof b1), op_name(op));
    return NULL;
  }
  if (op == TK_MATCHES && !matchable(a)) {
    fail(ps, a->pos, a->len, "%s (type=%s) cannot participate in matches comparison",
         expr_name(ps, a, b1, sizeof b1), ftype_label(at));
    return NULL;
  }
  if (op == TK_CONTAINS && dx_flt_class(at) != VC_BYTES) {
    fail(ps, a->pos, a->len,
         "%s (%s) cannot be used with \"contains\": only strings, bytes and protocols can",
         expr_name(ps, a, b1, sizeof b1), ftype_label(at));
    return NULL;
  }
  if (ps->tk.kind == TK_EOF) {
    fail(ps, ps->tk.pos, 0, "Unexpected end of filter expression");
    return NULL;
  }
  token rb = ps->tk;
  expr *b = parse_arith(ps);
  if (!b)
    return NULL;
  fnode *n = new_node(ps, K_CMP, start, b->pos + b->len - start);
  if (!n)
    return NULL;
  n->a = a;
  n->b = b;
  switch (op) {
  case TK_NE:
    n->op = TK_NE;
    n->q = Q_ALL;
    break;
  case TK_ALL_EQ:
    n->op = TK_EQ;
    n->q = Q_ALL;
    break;
  case TK_ANY_NE:
    n->op = TK_NE;
    n->q = Q_ANY;
    break;
  default: n->op = op; n->q = Q_ANY;
  }
  if (quant >= 0)
    n->q = quant == Q_ALL ? Q_ALL : Q_ANY;
  if (op == TK_MATCHES) {
    if (b->kind != E_LIT || rb.kind != TK_STRING) {
      fail(ps, b->pos, b->len, "Matches requires a double quoted string on the right side");
      return NULL;
    }
    char msg[256];
    if (!dx_flt_regex(ps->f, &b->tk, ps->text, &b->l, msg, sizeof msg)) {
      if (strcmp(msg, "out of memory") == 0)
        fail_nomem(ps);
      else
        fail(ps, b->pos, b->len, "%s", msg);
      return NULL;
    }
    b->conv = true;
    b->type = DX_FT_STRING;
    return n;
  }
  if (is_const(b)) {
    bool bytes_ctx =
        (at == DX_FT_BYTES && a->kind != E_FIELD) || (op == TK_CONTAINS && at != DX_FT_STRING);
    if (!resolve(ps, b, at, ctx_field(a), bytes_ctx)) {
      if (ps->rc == DX_EFILTER && unknown_name_rhs(ps, b, at)) {
        ps->failed = false; /* say what it more likely is */
        fail_not_field(ps, &b->tk, "the right side");
      }
      return NULL;
    }
    if (b->kind == E_LIT && b->l.prefix >= 0 && n->op != TK_EQ && n->op != TK_NE) {
      fail(ps, b->pos, b->len,
           "an address block (with /%d) can only be tested with ==, !=, === and !==", b->l.prefix);
      return NULL;
    }
    return n;
  }
  if (op == TK_CONTAINS && dx_flt_class(b->type) != VC_BYTES) {
    fail(ps, b->pos, b->len, "%s (%s) cannot be searched for with \"contains\"",
         expr_name(ps, b, b1, sizeof b1), ftype_label(b->type));
    return NULL;
  }
  if (dx_flt_class(b->type) == VC_NONE || family(at) != family(b->type)) {
    char b2[64];
    fail(ps, b->pos, b->len, "%s and %s are not of compatible types (%s, %s)",
         expr_name(ps, a, b1, sizeof b1), expr_name(ps, b, b2, sizeof b2), ftype_label(at),
         ftype_label(b->type));
    return NULL;
  }
  return n;
}

static fnode *parse_expr(parser *ps);

static fnode *parse_primary(parser *ps) {
  if (ps->tk.kind == TK_LPAREN) {
    token open = ps->tk;
    if (!nest_in(ps, open))
      return NULL;
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

/* ---- what the filter reads of each field (dx_filter_field_needs) ---- */

#define NEED_UNSEEN (DX_NEED_VALUE - 1) /* no use seen yet */

static void need_field(dx_filter *f, const dx_field *fld, uint32_t need) {
  if (!fld)
    return;
  if (dx_field_type(fld) != DX_FT_PROTOCOL)
    need = DX_NEED_VALUE;
  for (size_t i = 0; i < f->nfields; i++)
    if (f->fields[i] == fld) {
      if (f->needs[i] == NEED_UNSEEN || need > f->needs[i])
        f->needs[i] = need;
      return;
    }
}

/* Every read of a protocol but "contains" and "matches" reads its own node
 * (filter/eval.c, node_val: presence, slices, len(), comparisons). The
 * depth of both trees is bounded by the parser (DX_FILTER_MAX_DEPTH). */
static void needs_expr(dx_filter *f, const expr *e) {
  if (!e)
    return;
  switch (e->kind) {
  case E_FIELD:
  case E_REF:
    need_field(f, e->field, DX_NEED_NODE);
    need_field(f, e->layer_proto, DX_NEED_NODE); /* its layers are counted */
    break;
  case E_SLICE: needs_expr(f, e->a); break;
  case E_FUNC:
    for (size_t i = 0; i < e->nargs; i++)
      needs_expr(f, e->args[i]);
    break;
  case E_ARITH:
    needs_expr(f, e->a);
    needs_expr(f, e->b);
    break;
  case E_NEG: needs_expr(f, e->a); break;
  case E_LIT: break;
  }
}

static void needs_node(dx_filter *f, const fnode *n) {
  if (!n)
    return;
  switch (n->kind) {
  case K_AND:
  case K_OR:
  case K_XOR:
  case K_NOT:
    for (size_t i = 0; i < n->nkids; i++)
      needs_node(f, n->kids[i]);
    break;
  case K_EXISTS:
  case K_NONZERO: needs_expr(f, n->a); break;
  case K_CMP:
    needs_expr(f, n->a);
    needs_expr(f, n->b);
    /* "tcp contains 41": the protocol's bytes to the end */
    if (n->op == TK_CONTAINS || n->op == TK_MATCHES) {
      if (n->a && n->a->kind == E_FIELD)
        need_field(f, n->a->field, DX_NEED_VALUE);
      if (n->b && n->b->kind == E_FIELD)
        need_field(f, n->b->field, DX_NEED_VALUE);
    }
    break;
  case K_IN:
    needs_expr(f, n->a);
    for (size_t i = 0; i < n->nset; i++) {
      needs_expr(f, n->lo[i]);
      needs_expr(f, n->hi ? n->hi[i] : NULL);
    }
    break;
  case K_TRUE:
  case K_FALSE: break;
  }
}

/* Fills f->needs: every use of a field raises its need from "unseen"; a
 * field no use was found for (a term the parser folded away) needs its
 * value, to be safe. */
static bool find_needs(dx_filter *f) {
  if (!f->nfields)
    return true;
  f->needs = malloc(f->nfields * sizeof *f->needs);
  if (!f->needs)
    return false;
  for (size_t i = 0; i < f->nfields; i++)
    f->needs[i] = NEED_UNSEEN;
  needs_node(f, f->root);
  for (size_t i = 0; i < f->nfields; i++)
    if (f->needs[i] == NEED_UNSEEN)
      f->needs[i] = DX_NEED_VALUE;
  return true;
}

/* Constant folding of the tests DX_FILTER_UNKNOWN_ABSENT made false (and
 * the operators above them): "hsrp.state != 8 && hsrp.state != 16" is
 * false, "!pim" true and "x || ospf" is x, so a colouring rule that names
 * only protocols this library does not dissect costs nothing per packet.
 * Runs after find_needs(), so that a folded-away term's fields keep the
 * needs their uses gave them. Recursion as deep as the parser's. */
static fnode *fold(fnode *n) {
  switch (n->kind) {
  case K_AND:
  case K_OR: {
    fkind unit = n->kind == K_AND ? K_TRUE : K_FALSE; /* dropped */
    fkind zero = n->kind == K_AND ? K_FALSE : K_TRUE; /* decides */
    size_t k = 0;
    for (size_t i = 0; i < n->nkids; i++) {
      fnode *c = fold(n->kids[i]);
      if (c->kind == zero)
        return c;
      if (c->kind != unit)
        n->kids[k++] = c;
    }
    n->nkids = k;
    if (k == 0)
      n->kind = unit;
    return k == 1 ? n->kids[0] : n;
  }
  case K_XOR: {
    bool all_const = true;
    int r = 0;
    for (size_t i = 0; i < n->nkids; i++) {
      n->kids[i] = fold(n->kids[i]);
      if (n->kids[i]->kind == K_TRUE)
        r ^= 1;
      else if (n->kids[i]->kind != K_FALSE)
        all_const = false;
    }
    if (all_const)
      n->kind = r ? K_TRUE : K_FALSE;
    return n;
  }
  case K_NOT: {
    fnode *c = fold(n->kids[0]);
    n->kids[0] = c;
    if (c->kind == K_TRUE || c->kind == K_FALSE)
      n->kind = c->kind == K_TRUE ? K_FALSE : K_TRUE;
    return n;
  }
  default: return n;
  }
}

void dx_filter_free(dx_filter *f) {
  if (!f)
    return;
  for (size_t i = 0; i < f->nregex; i++)
    dx_flt_regex_free(f->regexes[i]);
  free(f->regexes);
  free(f->fields);
  free(f->needs);
  dx_arena_destroy(&f->arena);
  free(f);
}

int dx_filter_compile(const dx_session *s, const char *text, dx_filter **out,
                      dx_filter_error *err) {
  return dx_filter_compile_flags(s, text, 0, out, err);
}

int dx_filter_compile_flags(const dx_session *s, const char *text, unsigned flags, dx_filter **out,
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
  ps.unknown_absent = (flags & DX_FILTER_UNKNOWN_ABSENT) != 0;
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
             "\"%s\" was unexpected in this context; expected \"and\", \"or\" or the end of "
             "the filter",
             tok_show(&ps, &ps.tk, buf, sizeof buf));
    }
  }
  if (!ps.failed && f->root && !find_needs(f))
    fail_nomem(&ps);
  if (!ps.failed && f->root)
    f->root = fold(f->root);
  if (ps.failed || !f->root) {
    int rc = ps.rc != DX_OK ? ps.rc : DX_ENOMEM;
    dx_filter_free(f);
    return rc;
  }
  *out = f;
  return DX_OK;
}

int dx_filter_match_ref(const dx_filter *f, const dx_packet *p, const dx_packet *ref) {
  if (!f || !f->root)
    return 1;
  if (!p)
    return 0;
  return dx_flt_eval(f, f->root, p, ref);
}

bool dx_flt_never(const dx_filter *f) {
  return f && f->root && f->root->kind == K_FALSE;
}

int dx_filter_match(const dx_filter *f, const dx_packet *p) {
  return dx_filter_match_ref(f, p, NULL);
}

unsigned long dx_filter_limit_hits(const dx_filter *f) {
  return f ? atomic_load(&((dx_filter *)f)->regex_limit_hits) : 0;
}

size_t dx_filter_unknown(const dx_filter *f, const char **out, size_t n) {
  if (!f)
    return 0;
  for (size_t i = 0; i < n && i < f->nunknown; i++)
    out[i] = f->unknown[i];
  return f->nunknown;
}

size_t dx_filter_fields(const dx_filter *f, const dx_field **out, size_t n) {
  if (!f)
    return 0;
  for (size_t i = 0; i < n && i < f->nfields; i++)
    out[i] = f->fields[i];
  return f->nfields;
}

size_t dx_filter_field_needs(const dx_filter *f, uint32_t *out, size_t n) {
  if (!f)
    return 0;
  for (size_t i = 0; i < n && i < f->nfields; i++)
    out[i] = f->needs ? f->needs[i] : DX_NEED_VALUE;
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
