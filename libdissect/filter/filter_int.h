/* Display filters, internal: tokens, the compiled tree and the pieces the
 * lexer (lex.c), the compiler (compile.c, literal.c) and the evaluator
 * (eval.c) share. */
#ifndef LIBDISSECT_FILTER_INT_H
#define LIBDISSECT_FILTER_INT_H

#include "../core/dx.h"

#include <dissect/filter.h>
#include <regex.h>

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

/* A literal converted to the type of the field it is compared with. */
typedef struct lit {
  fval v;
  int prefix;  /* CIDR prefix bits for IPv4/IPv6, -1 if none */
  regex_t *re; /* for matches */
} lit;

/* ---- compiled tree ---------------------------------------------------- */
enum { FN_NONE = 0, FN_LEN, FN_COUNT };

typedef struct operand {
  bool is_field;
  int func; /* FN_* applied to the field */
  const dx_field *field;
  bool slice;       /* field[start:len] */
  int32_t sl_start; /* may be negative: from the end */
  int32_t sl_len;   /* -1: to the end */
  vclass cls;       /* class of the values it yields */
  lit l;            /* when !is_field */
  int pos, len;     /* in the text, for errors */
} operand;

typedef enum fkind { K_TRUE, K_AND, K_OR, K_XOR, K_NOT, K_EXISTS, K_CMP, K_IN } fkind;

typedef struct fnode fnode;
struct fnode {
  fkind kind;
  tok_kind op;  /* K_CMP: TK_EQ..TK_MATCHES */
  fnode **kids; /* K_AND/K_OR/K_XOR: n kids; K_NOT: 1 */
  size_t nkids;
  operand a, b; /* K_EXISTS: a; K_CMP: a op b; K_IN: a */
  lit *lo, *hi; /* K_IN: nset items; hi[i].v.cls == VC_NONE for single values */
  size_t nset;
};

struct dx_filter {
  dx_arena arena;
  fnode *root;
  const dx_field **fields;
  size_t nfields, capfields;
  regex_t **regexes;
  size_t nregex, capregex;
};

/* Converts a literal token to a value of field type `t` (vals for value
 * names). On failure writes a message to msg and returns false. */
bool dx_flt_literal(dx_filter *f, dx_ftype t, const dx_vals *vals, const char *fname,
                    const token *tk, const char *text, bool for_slice, lit *out, char *msg,
                    size_t msglen);
/* Compiles a regex for "matches"; false with a message on error. */
bool dx_flt_regex(dx_filter *f, const token *tk, const char *text, lit *out, char *msg,
                  size_t msglen);
/* Value class of a field type (VC_NONE for FT_NONE). */
vclass dx_flt_class(dx_ftype t);

int dx_flt_eval(const fnode *n, const dx_packet *p);

#endif
