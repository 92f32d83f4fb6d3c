/* Display filters, internal: tokens, the compiled tree and the pieces the
 * lexer (lex.c), the compiler (compile.c, literal.c) and the evaluator
 * (eval.c) share. */
#ifndef LIBDISSECT_FILTER_INT_H
#define LIBDISSECT_FILTER_INT_H

#include "../core/dx.h"

#include <dissect/filter.h>

/* ---- tokens -------------------------------------------------------------- */
typedef enum tok_kind {
  TK_EOF = 0,
  TK_WORD,   /* field names, numbers, addresses, byte strings, value names */
  TK_STRING, /* "quoted", decoded */
  TK_LPAREN,
  TK_RPAREN,
  TK_LBRACE,
  TK_RBRACE,
  TK_LBRACKET,
  TK_RBRACKET,
  TK_COMMA,
  TK_DOTDOT,
  TK_AND,
  TK_OR,
  TK_XOR,
  TK_NOT,
  TK_IN,
  TK_ANY,  /* the "any" quantifier */
  TK_ALL,  /* the "all" quantifier */
  TK_REF,  /* ${field}: str/slen hold the name */
  TK_CHAR, /* 'c': str holds the one decoded byte */
  TK_PLUS,
  TK_MINUS,
  TK_STAR,
  TK_SLASH,
  TK_PERCENT,
  TK_BITAND, /* & bitwise_and */
  TK_HASH,   /* # the layer operator */
  /* relations: keep these together, TK_EQ first */
  TK_EQ,
  TK_NE,     /* all_ne */
  TK_ALL_EQ, /* === */
  TK_ANY_NE, /* ~= !== */
  TK_LT,
  TK_GT,
  TK_LE,
  TK_GE,
  TK_CONTAINS,
  TK_MATCHES,
  TK_ERROR
} tok_kind;

typedef struct token {
  tok_kind kind;
  int pos, len;       /* in the filter text */
  const uint8_t *str; /* TK_STRING: decoded bytes (arena), NUL-terminated */
  size_t slen;
} token;

typedef struct lexer {
  const char *text;
  size_t len;
  size_t pos;
  dx_arena *arena;
  /* set on TK_ERROR */
  char msg[200];
  int epos, elen;
} lexer;

void dx_flt_lex_init(lexer *lx, const char *text, size_t len, dx_arena *arena);
token dx_flt_lex_next(lexer *lx);

/* ---- values -------------------------------------------------------------- */
/* What an operand yields per occurrence. */
typedef enum vclass { VC_NONE = 0, VC_UINT, VC_INT, VC_DOUBLE, VC_BYTES } vclass;

typedef struct fval {
  vclass cls;
  uint64_t u;
  int64_t i;
  double d;
  const uint8_t *p;
  size_t len;
  uint8_t buf[16]; /* IPv4 bytes for slices */
} fval;

typedef struct dx_regex dx_regex; /* a compiled PCRE2 pattern (literal.c) */

/* A literal converted to the type of what it is compared with. */
typedef struct lit {
  fval v;
  int prefix;   /* CIDR prefix bits for IPv4/IPv6, -1 if none */
  dx_regex *re; /* for matches */
} lit;

/* ---- compiled tree ---------------------------------------------------- */
enum { FN_NONE = 0, FN_LEN, FN_COUNT, FN_UPPER, FN_LOWER, FN_STRING, FN_MAX, FN_MIN, FN_ABS };

/* One range of a slice: start (negative: from the end) and length (-1: to
 * the end). */
typedef struct srange {
  int32_t start;
  int32_t len;
} srange;

typedef enum ekind { E_FIELD, E_REF, E_LIT, E_FUNC, E_ARITH, E_NEG, E_SLICE } ekind;

/* An expression: yields a list of values per packet. */
typedef struct expr expr;
struct expr {
  ekind kind;
  int pos, len;          /* in the text, for errors */
  dx_ftype type;         /* static type of its values; DX_FT_NONE for an unconverted literal */
  const dx_field *field; /* E_FIELD, E_REF */
  int func;              /* E_FUNC: FN_* */
  expr **args;           /* E_FUNC */
  size_t nargs;
  tok_kind op;    /* E_ARITH: TK_PLUS..TK_BITAND */
  expr *a, *b;    /* E_ARITH: a op b; E_NEG, E_SLICE: a */
  srange *ranges; /* E_SLICE */
  size_t nranges;
  token tk;  /* E_LIT: the token, until converted */
  bool conv; /* E_LIT: l holds the converted value */
  lit l;     /* E_LIT */
  int depth; /* height of this expression's tree */
  /* E_FIELD, E_REF with a layer operator (ip.addr#2, tcp.port#[1-2]):
   * the protocol layers (1 = outermost) its occurrences must be in */
  const dx_field *layer_proto;
  int32_t layer_lo, layer_hi; /* 0, 0: any layer */
};

typedef enum fkind {
  K_TRUE,
  K_FALSE,
  K_AND,
  K_OR,
  K_XOR,
  K_NOT,
  K_EXISTS,
  K_NONZERO,
  K_CMP,
  K_IN
} fkind;
typedef enum quant { Q_ANY = 0, Q_ALL } quant;

typedef struct fnode fnode;
struct fnode {
  fkind kind;
  tok_kind op;  /* K_CMP: TK_EQ..TK_MATCHES, reduced to TK_EQ/TK_NE and orderings */
  quant q;      /* K_CMP, K_IN */
  fnode **kids; /* K_AND/K_OR/K_XOR: n kids; K_NOT: 1 */
  size_t nkids;
  expr *a, *b;     /* K_EXISTS/K_NONZERO: a; K_CMP: a op b; K_IN: a */
  expr **lo, **hi; /* K_IN: nset items; hi[i] NULL for single values */
  size_t nset;
};

struct dx_filter {
  dx_arena arena;
  fnode *root;
  const dx_field **fields;
  size_t nfields, capfields;
  uint32_t *needs; /* what is read of fields[i] (dx_filter_field_needs), nfields */
  dx_regex **regexes;
  size_t nregex, capregex;
  _Atomic unsigned long regex_limit_hits;
  /* DX_FILTER_UNKNOWN_ABSENT: the names taken as absent fields (arena
   * strings, each once, the first 16) */
  const char *unknown[16];
  size_t nunknown;
};

/* Converts a literal token to a value of field type `t` (vals for value
 * names). On failure writes a message to msg and returns false. */
bool dx_flt_literal(dx_filter *f, dx_ftype t, const dx_vals *vals, const char *fname,
                    const token *tk, const char *text, bool for_slice, lit *out, char *msg,
                    size_t msglen);
/* Compiles a regex for "matches" (PCRE2, caseless by default as in
 * Wireshark, with compile and match limits); false with a message. */
bool dx_flt_regex(dx_filter *f, const token *tk, const char *text, lit *out, char *msg,
                  size_t msglen);
/* 1 match, 0 no match, -1 a limit was hit (counts as no match). */
int dx_flt_regex_match(const dx_regex *re, const uint8_t *s, size_t n);
void dx_flt_regex_free(dx_regex *re);
/* Value class of a field type (VC_NONE for FT_NONE). */
vclass dx_flt_class(dx_ftype t);

int dx_flt_eval(const dx_filter *f, const fnode *n, const dx_packet *p, const dx_packet *ref);

/* What filter f gives on a packet that has none of its fields (f->fields):
 * 1 or 0, or -1 when that cannot be told without evaluating it (functions,
 * layer operators, ${references}, a literal against a literal). */
int dx_flt_absent_value(const dx_filter *f);

/* True if filter f can never match: folding (DX_FILTER_UNKNOWN_ABSENT)
 * made its root false. */
bool dx_flt_never(const dx_filter *f);

#endif
