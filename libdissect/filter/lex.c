/* Display filters: the lexer. Turns the text into tokens with their byte
 * positions; decodes quoted strings. Every loop advances by at least one
 * byte of the (length-capped) text. */
#include "filter_int.h"

#include <stdio.h>
#include <string.h>

void dx_flt_lex_init(lexer *lx, const char *text, size_t len, dx_arena *arena) {
  memset(lx, 0, sizeof *lx);
  lx->text = text;
  lx->len = len;
  lx->arena = arena;
}

static bool is_word_char(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == ':' || c == '-' || c == '/';
}

static token lex_error(lexer *lx, size_t pos, size_t len, const char *msg) {
  token t = {.kind = TK_ERROR, .pos = (int)pos, .len = (int)len};
  snprintf(lx->msg, sizeof lx->msg, "%s", msg);
  lx->epos = (int)pos;
  lx->elen = (int)len;
  return t;
}

static int hexval(int c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* A quoted string starting at the quote at `start` (after an optional r
 * prefix when raw); a character constant 'c' when the quote is '\''. */
static token lex_string(lexer *lx, size_t start, size_t quote, bool raw) {
  const char *s = lx->text;
  char q = s[quote];
  size_t i = quote + 1;
  /* First find the end, so the decoded buffer can be sized. */
  size_t end = i;
  while (end < lx->len && s[end] != q) {
    if (s[end] == '\\' && end + 1 < lx->len)
      end++;
    end++;
  }
  if (end >= lx->len)
    return lex_error(lx, quote, 1,
                     q == '"' ? "the closing quote is missing from a quoted string"
                              : "the closing quote is missing from a character constant");
  uint8_t *out = dx_arena_alloc(lx->arena, end - i + 1);
  if (!out)
    return lex_error(lx, start, 1, "out of memory");
  size_t n = 0;
  while (i < end) {
    unsigned char c = (unsigned char)s[i];
    if (c != '\\') {
      out[n++] = c;
      i++;
      continue;
    }
    if (raw) { /* \" does not end a raw string but both bytes stay */
      out[n++] = c;
      out[n++] = (unsigned char)s[i + 1];
      i += 2;
      continue;
    }
    size_t esc = i;
    unsigned char e = (unsigned char)s[i + 1];
    i += 2;
    switch (e) {
    case '\\': out[n++] = '\\'; break;
    case '"': out[n++] = '"'; break;
    case '\'': out[n++] = '\''; break;
    case 'n': out[n++] = '\n'; break;
    case 't': out[n++] = '\t'; break;
    case 'r': out[n++] = '\r'; break;
    case 'a': out[n++] = '\a'; break;
    case 'b': out[n++] = '\b'; break;
    case 'f': out[n++] = '\f'; break;
    case 'v': out[n++] = '\v'; break;
    case 'x': {
      int h1 = i < end ? hexval(s[i]) : -1;
      if (h1 < 0)
        return lex_error(lx, esc, 2, "\\x must be followed by one or two hex digits");
      int v = h1;
      i++;
      int h2 = i < end ? hexval(s[i]) : -1;
      if (h2 >= 0) {
        v = v * 16 + h2;
        i++;
      }
      out[n++] = (uint8_t)v;
      break;
    }
    case 'u':
    case 'U': {
      /* \uNNNN, \UNNNNNNNN: a code point as UTF-8, under C's rules for
       * universal character names (as tshark) */
      int want = e == 'u' ? 4 : 8, got = 0;
      uint32_t cp = 0;
      while (got < want && i < end && hexval(s[i]) >= 0) {
        cp = cp * 16 + (uint32_t)hexval(s[i]);
        i++;
        got++;
      }
      if (got < want || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
          (cp < 0xa0 && cp != 0x24 && cp != 0x40 && cp != 0x60)) {
        char m[96];
        snprintf(m, sizeof m, "%.*s is not a valid universal character name", (int)(i - esc),
                 s + esc);
        return lex_error(lx, esc, i - esc, m);
      }
      if (cp < 0x80) {
        out[n++] = (uint8_t)cp;
      } else if (cp < 0x800) {
        out[n++] = (uint8_t)(0xc0 | cp >> 6);
        out[n++] = (uint8_t)(0x80 | (cp & 0x3f));
      } else if (cp < 0x10000) {
        out[n++] = (uint8_t)(0xe0 | cp >> 12);
        out[n++] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
        out[n++] = (uint8_t)(0x80 | (cp & 0x3f));
      } else {
        out[n++] = (uint8_t)(0xf0 | cp >> 18);
        out[n++] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
        out[n++] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
        out[n++] = (uint8_t)(0x80 | (cp & 0x3f));
      }
      break;
    }
    default:
      if (e >= '0' && e <= '7') {
        int v = e - '0';
        for (int k = 0; k < 2 && i < end && s[i] >= '0' && s[i] <= '7'; k++, i++)
          v = v * 8 + (s[i] - '0');
        if (v > 255)
          return lex_error(lx, esc, i - esc, "octal escape is larger than \\377");
        out[n++] = (uint8_t)v;
        break;
      }
      return lex_error(lx, esc, 2, "invalid escape sequence in a quoted string");
    }
  }
  out[n] = 0;
  if (q == '\'' && n != 1)
    return lex_error(lx, start, end + 1 - start,
                     "a character constant holds exactly one character, like 'a' or '\\x0a'");
  lx->pos = end + 1;
  token t = {.kind = q == '"' ? TK_STRING : TK_CHAR,
             .pos = (int)start,
             .len = (int)(end + 1 - start),
             .str = out,
             .slen = n};
  return t;
}

static const struct {
  const char *word;
  tok_kind kind;
} keywords[] = {
    {"and", TK_AND},
    {"or", TK_OR},
    {"not", TK_NOT},
    {"in", TK_IN},
    {"eq", TK_EQ},
    {"any_eq", TK_EQ},
    {"ne", TK_NE},
    {"all_ne", TK_NE},
    {"all_eq", TK_ALL_EQ},
    {"any_ne", TK_ANY_NE},
    {"lt", TK_LT},
    {"gt", TK_GT},
    {"le", TK_LE},
    {"ge", TK_GE},
    {"contains", TK_CONTAINS},
    {"matches", TK_MATCHES},
    {"any", TK_ANY},
    {"all", TK_ALL},
    {"bitwise_and", TK_BITAND},
};

token dx_flt_lex_next(lexer *lx) {
  const char *s = lx->text;
  while (lx->pos < lx->len && (s[lx->pos] == ' ' || s[lx->pos] == '\t' || s[lx->pos] == '\n' ||
                               s[lx->pos] == '\r' || s[lx->pos] == '\f' || s[lx->pos] == '\v'))
    lx->pos++;
  size_t p = lx->pos;
  token t = {.kind = TK_EOF, .pos = (int)p, .len = 0};
  if (p >= lx->len)
    return t;
  char c = s[p], c1 = p + 1 < lx->len ? s[p + 1] : 0, c2 = p + 2 < lx->len ? s[p + 2] : 0;
  int n = 1;
  switch (c) {
  case '(': t.kind = TK_LPAREN; break;
  case ')': t.kind = TK_RPAREN; break;
  case '{': t.kind = TK_LBRACE; break;
  case '}': t.kind = TK_RBRACE; break;
  case '[': t.kind = TK_LBRACKET; break;
  case ']': t.kind = TK_RBRACKET; break;
  case ',': t.kind = TK_COMMA; break;
  case '"':
  case '\'': return lex_string(lx, p, p, false);
  case '+': t.kind = TK_PLUS; break;
  case '#': t.kind = TK_HASH; break;
  case '*': t.kind = TK_STAR; break;
  case '%': t.kind = TK_PERCENT; break;
  case '/': t.kind = TK_SLASH; break;
  case '-': t.kind = TK_MINUS; break;
  case '$': {
    /* ${field}: a field reference */
    if (c1 != '{')
      return lex_error(lx, p, 1, "\"$\" must start a field reference such as ${ip.src}");
    size_t e = p + 2;
    while (e < lx->len && s[e] != '}' && (is_word_char((unsigned char)s[e]) || s[e] == '#'))
      e++;
    if (e >= lx->len || s[e] != '}' || e == p + 2)
      return lex_error(lx, p, e - p, "a field reference is written ${field.name}");
    t.kind = TK_REF;
    t.str = (const uint8_t *)s + p + 2;
    t.slen = e - p - 2;
    n = (int)(e + 1 - p);
    break;
  }
  case '=':
    if (c1 != '=')
      return lex_error(lx, p, 1, "\"=\" is not an operator; use \"==\" to compare");
    t.kind = c2 == '=' ? TK_ALL_EQ : TK_EQ;
    n = c2 == '=' ? 3 : 2;
    break;
  case '!':
    if (c1 == '=') {
      t.kind = c2 == '=' ? TK_ANY_NE : TK_NE;
      n = c2 == '=' ? 3 : 2;
    } else {
      t.kind = TK_NOT;
    }
    break;
  case '~':
    if (c1 == '=') {
      t.kind = TK_ANY_NE;
      n = 2;
    } else {
      t.kind = TK_MATCHES;
    }
    break;
  case '<':
    t.kind = c1 == '=' ? TK_LE : TK_LT;
    n = c1 == '=' ? 2 : 1;
    break;
  case '>':
    t.kind = c1 == '=' ? TK_GE : TK_GT;
    n = c1 == '=' ? 2 : 1;
    break;
  case '&':
    t.kind = c1 == '&' ? TK_AND : TK_BITAND;
    n = c1 == '&' ? 2 : 1;
    break;
  case '|':
    if (c1 != '|')
      return lex_error(lx, p, 1, "\"|\" is not an operator; use \"||\" for a logical or");
    t.kind = TK_OR;
    n = 2;
    break;
  case '^':
    /* Wireshark 4.0 has no xor ("^^", "xor"): refused as tshark refuses it */
    return lex_error(lx, p, 1,
                     "\"^\" was unexpected in this context (Wireshark 4.0 has no xor; write "
                     "(a && !b) || (!a && b))");
  default:
    if ((c == 'r' || c == 'R') && c1 == '"')
      return lex_string(lx, p, p + 1, true);
    if (c == '.' && c1 == '.') {
      t.kind = TK_DOTDOT;
      n = 2;
      break;
    }
    if (!is_word_char((unsigned char)c)) {
      char msg[64];
      if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7f)
        snprintf(msg, sizeof msg, "unexpected character '%c'", c);
      else
        snprintf(msg, sizeof msg, "unexpected byte 0x%02x", (unsigned char)c);
      return lex_error(lx, p, 1, msg);
    }
    {
      size_t e = p;
      /* A word ends before ".." so that ranges like 1..5 split. */
      while (e < lx->len && is_word_char((unsigned char)s[e]) &&
             !(s[e] == '.' && e + 1 < lx->len && s[e + 1] == '.'))
        e++;
      n = (int)(e - p);
      t.kind = TK_WORD;
      for (size_t k = 0; k < DX_ARRAY_LEN(keywords); k++)
        if (strlen(keywords[k].word) == (size_t)n && memcmp(keywords[k].word, s + p, n) == 0)
          t.kind = keywords[k].kind;
    }
  }
  t.len = n;
  lx->pos = p + (size_t)n;
  return t;
}
