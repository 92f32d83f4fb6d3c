/* Display filters: literals converted to the type of the field they are
 * compared with, once, at compile time. */
#include "filter_int.h"

#include <arpa/inet.h>
#include <errno.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <limits.h>
#include <math.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

vclass dx_flt_class(dx_ftype t) {
  switch (t) {
  case DX_FT_BOOL:
  case DX_FT_UINT8:
  case DX_FT_UINT16:
  case DX_FT_UINT24:
  case DX_FT_UINT32:
  case DX_FT_UINT64:
  case DX_FT_FRAMENUM:
  case DX_FT_IPV4: return VC_UINT;
  case DX_FT_INT32:
  case DX_FT_INT64: return VC_INT;
  case DX_FT_DOUBLE:
  case DX_FT_ABSTIME:
  case DX_FT_RELTIME: return VC_DOUBLE;
  case DX_FT_STRING:
  case DX_FT_BYTES:
  case DX_FT_IPV6:
  case DX_FT_ETHER:
  case DX_FT_PROTOCOL: return VC_BYTES;
  default: return VC_NONE;
  }
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

/* The token's text as a NUL-terminated copy in buf (false if too long). */
static bool tok_text(const token *tk, const char *text, char *buf, size_t len) {
  if (tk->kind == TK_STRING) {
    if (tk->slen >= len || memchr(tk->str, 0, tk->slen))
      return false;
    memcpy(buf, tk->str, tk->slen);
    buf[tk->slen] = 0;
    return true;
  }
  if ((size_t)tk->len >= len)
    return false;
  memcpy(buf, text + tk->pos, (size_t)tk->len);
  buf[tk->len] = 0;
  return true;
}

/* Byte strings: "aa:bb:cc", "aa-bb-cc", "aabb.ccdd", "aabbcc" or one byte
 * "a"/"aa". Writes at most cap bytes; returns the count or -1. */
static long parse_bytes(const char *s, uint8_t *out, size_t cap) {
  size_t n = strlen(s);
  if (n == 0)
    return -1;
  if (n <= 2) { /* a single byte */
    int v = 0;
    for (size_t i = 0; i < n; i++) {
      int h = hexval((unsigned char)s[i]);
      if (h < 0)
        return -1;
      v = v * 16 + h;
    }
    if (cap < 1)
      return -1;
    out[0] = (uint8_t)v;
    return 1;
  }
  char sep = 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] == ':' || s[i] == '-' || s[i] == '.') {
      sep = s[i];
      break;
    }
  size_t k = 0, i = 0;
  if (sep == ':' || sep == '-') {
    /* groups of 1-2 hex digits */
    while (i < n) {
      int h1 = hexval((unsigned char)s[i]);
      if (h1 < 0)
        return -1;
      int v = h1;
      i++;
      if (i < n && s[i] != sep) {
        int h2 = hexval((unsigned char)s[i]);
        if (h2 < 0)
          return -1;
        v = v * 16 + h2;
        i++;
      }
      if (k >= cap)
        return -1;
      out[k++] = (uint8_t)v;
      if (i < n) {
        if (s[i] != sep || i + 1 >= n)
          return -1;
        i++;
      }
    }
    return (long)k;
  }
  /* contiguous hex, optionally in dot-separated groups of an even count */
  while (i < n) {
    if (s[i] == '.') {
      if (sep != '.' || i == 0 || i + 1 >= n || s[i + 1] == '.')
        return -1;
      i++;
      continue;
    }
    if (i + 1 >= n)
      return -1;
    int h1 = hexval((unsigned char)s[i]), h2 = hexval((unsigned char)s[i + 1]);
    if (h1 < 0 || h2 < 0 || k >= cap)
      return -1;
    out[k++] = (uint8_t)(h1 * 16 + h2);
    i += 2;
  }
  return (long)k;
}

static const dx_vals *find_val(const dx_vals *vals, const char *name) {
  for (const dx_vals *v = vals; v && v->name; v++)
    if (strcasecmp(v->name, name) == 0)
      return v;
  return NULL;
}

static uint64_t type_max(dx_ftype t) {
  switch (t) {
  case DX_FT_BOOL: return 1;
  case DX_FT_UINT8: return UINT8_MAX;
  case DX_FT_UINT16: return UINT16_MAX;
  case DX_FT_UINT24: return 0xffffff;
  case DX_FT_UINT32:
  case DX_FT_FRAMENUM: return UINT32_MAX;
  default: return UINT64_MAX;
  }
}

static bool parse_prefix(char *s, int max, int *prefix) {
  char *slash = strchr(s, '/');
  *prefix = -1;
  if (!slash)
    return true;
  *slash = 0;
  const char *d = slash + 1;
  if (!*d || strlen(d) > 3)
    return false;
  int v = 0;
  for (; *d; d++) {
    if (*d < '0' || *d > '9')
      return false;
    v = v * 10 + (*d - '0');
  }
  if (v > max)
    return false;
  *prefix = v;
  return true;
}

/* "YYYY-MM-DD[ T]HH:MM:SS[.frac]" in local time, as Wireshark reads it. */
static bool parse_abstime(const char *s, double *out) {
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  int y, mo, d, h = 0, mi = 0, consumed = 0;
  double sec = 0;
  int k = sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &consumed);
  if (k != 3)
    return false;
  const char *r = s + consumed;
  if (*r == ' ' || *r == 'T') {
    int c2 = 0;
    if (sscanf(r + 1, "%2d:%2d:%lf%n", &h, &mi, &sec, &c2) != 3)
      return false;
    r += 1 + c2;
  }
  if (*r || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || !(sec >= 0) || sec >= 61)
    return false;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = (int)sec;
  tm.tm_isdst = -1;
  time_t t = mktime(&tm);
  if (t == (time_t)-1)
    return false;
  *out = (double)t + (sec - (int)sec);
  return true;
}

bool dx_flt_literal(dx_filter *f, dx_ftype t, const dx_vals *vals, const char *fname,
                    const token *tk, const char *text, bool for_slice, lit *out, char *msg,
                    size_t msglen) {
  memset(out, 0, sizeof *out);
  out->prefix = -1;
  char buf[256];
  bool quoted = tk->kind == TK_STRING;
  bool have_text = tok_text(tk, text, buf, sizeof buf);
  /* What the user wrote, for messages (escaped, shortened). */
  char shown[80];
  if (quoted)
    dx_escape(tk->str, tk->slen > 60 ? 60 : tk->slen, shown, sizeof shown);
  else
    dx_escape((const uint8_t *)text + tk->pos, tk->len > 60 ? 60 : (size_t)tk->len, shown,
              sizeof shown);

  if (tk->kind == TK_CHAR) {
    /* 'c': one byte for byte strings, its code for numbers */
    if (for_slice || t == DX_FT_BYTES || t == DX_FT_PROTOCOL || t == DX_FT_STRING) {
      out->v.cls = VC_BYTES;
      out->v.p = tk->str;
      out->v.len = 1;
      return true;
    }
    vclass c = dx_flt_class(t);
    if (c == VC_UINT && t != DX_FT_IPV4) {
      out->v.cls = VC_UINT;
      out->v.u = tk->str[0];
      if (out->v.u <= type_max(t))
        return true;
    } else if (c == VC_INT) {
      out->v.cls = VC_INT;
      out->v.i = tk->str[0];
      return true;
    }
    snprintf(msg, msglen, "the character constant %s is not a valid value for %s (%s)", shown,
             fname, dx_ftype_name(t));
    return false;
  }

  if (for_slice || t == DX_FT_BYTES || t == DX_FT_PROTOCOL || t == DX_FT_STRING) {
    out->v.cls = VC_BYTES;
    if (quoted) {
      out->v.p = tk->str;
      out->v.len = tk->slen;
      return true;
    }
    if (t == DX_FT_STRING && !for_slice) {
      /* Unquoted strings are accepted as they are (GET, www.example.com). */
      uint8_t *copy = dx_arena_alloc(&f->arena, (size_t)tk->len + 1);
      if (!copy) {
        snprintf(msg, msglen, "out of memory");
        return false;
      }
      memcpy(copy, text + tk->pos, (size_t)tk->len);
      copy[tk->len] = 0;
      out->v.p = copy;
      out->v.len = (size_t)tk->len;
      return true;
    }
    uint8_t *b = dx_arena_alloc(&f->arena, (size_t)tk->len / 2 + 2);
    long n = -1;
    if (b && have_text && buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X') && buf[2] &&
        strlen(buf) <= 4) {
      /* a hex integer of one byte (0xff or less) is that byte */
      int h1 = hexval((unsigned char)buf[2]), h2 = buf[3] ? hexval((unsigned char)buf[3]) : 0;
      if (h1 >= 0 && h2 >= 0) {
        b[0] = (uint8_t)(buf[3] ? h1 * 16 + h2 : h1);
        n = 1;
      }
    } else if (b && have_text) {
      n = parse_bytes(buf, b, (size_t)tk->len / 2 + 2);
    }
    if (n < 0) {
      snprintf(msg, msglen,
               "\"%s\" is not a valid byte string (like aa:bb:cc) for %s; put text in quotes",
               shown, fname);
      return false;
    }
    out->v.p = b;
    out->v.len = (size_t)n;
    return true;
  }

  if (!have_text) {
    snprintf(msg, msglen, "\"%s\" is not a valid value for %s (%s)", shown, fname,
             dx_ftype_name(t));
    return false;
  }

  switch (t) {
  case DX_FT_BOOL:
  case DX_FT_UINT8:
  case DX_FT_UINT16:
  case DX_FT_UINT24:
  case DX_FT_UINT32:
  case DX_FT_UINT64:
  case DX_FT_FRAMENUM:
  case DX_FT_INT32:
  case DX_FT_INT64: {
    bool is_signed = t == DX_FT_INT32 || t == DX_FT_INT64;
    out->v.cls = is_signed ? VC_INT : VC_UINT;
    if (quoted && !(have_text && find_val(vals, buf))) {
      /* "IPv4" names a value; "80" is a string, not a number */
      snprintf(msg, msglen, "%s (%s) cannot be converted from a string (\"%s\")", fname,
               dx_ftype_name(t), shown);
      return false;
    }
    if (t == DX_FT_BOOL) { /* as tshark: True or TRUE, False or FALSE */
      if (strcmp(buf, "True") == 0 || strcmp(buf, "TRUE") == 0) {
        out->v.u = 1;
        return true;
      }
      if (strcmp(buf, "False") == 0 || strcmp(buf, "FALSE") == 0) {
        out->v.u = 0;
        return true;
      }
    }
    const dx_vals *v = find_val(vals, buf);
    if (v && !(buf[0] >= '0' && buf[0] <= '9')) {
      out->v.u = v->value;
      out->v.i = (int64_t)v->value;
      return true;
    }
    char *end = NULL;
    errno = 0;
    if (buf[0] == '-' && !is_signed) {
      snprintf(msg, msglen, "%s is unsigned: \"%s\" is negative", fname, shown);
      return false;
    }
    int base = 0;
    const char *digits = buf;
    char bin[80];
    if ((buf[0] == '0' && (buf[1] == 'b' || buf[1] == 'B')) ||
        (buf[0] == '-' && buf[1] == '0' && (buf[2] == 'b' || buf[2] == 'B'))) {
      /* 0b1010: binary */
      size_t o = buf[0] == '-' ? 3 : 2;
      if (strlen(buf + o) >= sizeof bin - 2 || !buf[o] || strspn(buf + o, "01") != strlen(buf + o))
        goto bad_int;
      snprintf(bin, sizeof bin, "%s%s", buf[0] == '-' ? "-" : "", buf + o);
      digits = bin;
      base = 2;
    }
    if (is_signed) {
      long long x = strtoll(digits, &end, base);
      if (buf[0] && !*end && errno == 0 &&
          (t == DX_FT_INT64 || (x >= INT32_MIN && x <= INT32_MAX))) {
        out->v.i = x;
        return true;
      }
    } else {
      unsigned long long x =
          (digits[0] >= '0' && digits[0] <= '9') ? strtoull(digits, &end, base) : 0;
      if (end && !*end && errno == 0) {
        if (t == DX_FT_BOOL) { /* any number other than 0 is true */
          out->v.u = x != 0;
          return true;
        }
        if (x > type_max(t)) {
          snprintf(msg, msglen, "\"%s\" too big for this field (%s), maximum %llu", shown, fname,
                   (unsigned long long)type_max(t));
          return false;
        }
        out->v.u = x;
        return true;
      }
    }
  bad_int:
    if (end && !*end && errno == ERANGE)
      snprintf(msg, msglen, "\"%s\" causes an integer overflow (%s is %s)", shown, fname,
               dx_ftype_name(t));

    else if (t == DX_FT_BOOL)
      snprintf(msg, msglen, "\"%s\" is not a valid boolean for %s (use 1, 0, True or False)", shown,
               fname);
    else if (vals)
      snprintf(msg, msglen, "\"%s\" is neither a number nor a value name of %s (%s)", shown, fname,
               dx_ftype_name(t));
    else
      snprintf(msg, msglen, "\"%s\" is not a valid number (%s is %s)", shown, fname,
               dx_ftype_name(t));
    return false;
  }
  case DX_FT_DOUBLE:
  case DX_FT_RELTIME:
  case DX_FT_ABSTIME: {
    out->v.cls = VC_DOUBLE;
    char *end = NULL;
    errno = 0;
    double d = strtod(buf, &end);
    /* seconds as tshark reads them: digits, with a fraction after a dot
     * (not "1e3", "0x10" or ".5") */
    bool ok = buf[0] && !*end && errno == 0 && isfinite(d) &&
              !(buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X'));
    if (ok && t != DX_FT_DOUBLE && (buf[0] == '.' || (!strchr(buf, '.') && strpbrk(buf, "eE"))))
      ok = false;
    if (ok) {
      out->v.d = d;
      return true;
    }
    if (t == DX_FT_ABSTIME && parse_abstime(buf, &d)) {
      out->v.d = d;
      return true;
    }
    snprintf(msg, msglen,
             t == DX_FT_ABSTIME ? "\"%s\" is not a valid time for %s (seconds since the epoch, or "
                                  "\"YYYY-MM-DD HH:MM:SS\")"
                                : "\"%s\" is not a valid number for %s (%s)",
             shown, fname, t == DX_FT_DOUBLE ? "double" : "seconds");
    return false;
  }
  case DX_FT_IPV4: {
    out->v.cls = VC_UINT;
    if (quoted) {
      snprintf(msg, msglen, "%s is an IPv4 address; write it without quotes, not \"%s\"", fname,
               shown);
      return false;
    }
    struct in_addr a;
    if (!parse_prefix(buf, 32, &out->prefix) || inet_pton(AF_INET, buf, &a) != 1) {
      snprintf(msg, msglen, "\"%s\" is not a valid IPv4 address or CIDR block for %s", shown,
               fname);
      return false;
    }
    out->v.u = ntohl(a.s_addr);
    return true;
  }
  case DX_FT_IPV6: {
    out->v.cls = VC_BYTES;
    if (quoted) {
      snprintf(msg, msglen, "%s is an IPv6 address; write it without quotes, not \"%s\"", fname,
               shown);
      return false;
    }
    uint8_t *b = dx_arena_alloc(&f->arena, 16);
    if (!b || !parse_prefix(buf, 128, &out->prefix) || inet_pton(AF_INET6, buf, b) != 1) {
      snprintf(msg, msglen, "\"%s\" is not a valid IPv6 address or prefix for %s", shown, fname);
      return false;
    }
    out->v.p = b;
    out->v.len = 16;
    return true;
  }
  case DX_FT_ETHER: {
    out->v.cls = VC_BYTES;
    uint8_t *b = dx_arena_alloc(&f->arena, 8);
    long n = b && !quoted ? parse_bytes(buf, b, 8) : -1;
    if (n != 6) {
      snprintf(msg, msglen,
               "\"%s\" is not a valid MAC address for %s (like 00:11:22:33:44:55, "
               "00-11-22-33-44-55 or 0011.2233.4455)",
               shown, fname);
      return false;
    }
    out->v.p = b;
    out->v.len = 6;
    return true;
  }
  default:
    snprintf(msg, msglen, "%s (%s) has no value to compare", fname, dx_ftype_name(t));
    return false;
  }
}

/* ---- regular expressions (PCRE2, as Wireshark) ---------------------------- */

struct dx_regex {
  pcre2_code *code;
  pcre2_match_context *mctx;
  pcre2_general_context *gctx;  /* for matching: plain malloc */
  pcre2_general_context *cgctx; /* for the compiled code: counts against budget */
  size_t budget;                /* bytes the compiler may still take */
};

/* Allocation for PCRE2 with a budget, so that compiling one pattern cannot
 * take more than DX_FILTER_REGEX_COMPILE_BYTES. The size is kept in front
 * of each block. */
static void *re_malloc(PCRE2_SIZE n, void *data) {
  size_t *budget = data;
  if (budget && (n > *budget || n > SIZE_MAX - 16))
    return NULL;
  unsigned char *b = malloc(n + 16);
  if (!b)
    return NULL;
  memcpy(b, &n, sizeof n);
  if (budget)
    *budget -= n;
  return b + 16;
}

static void re_free(void *p, void *data) {
  if (!p)
    return;
  unsigned char *b = (unsigned char *)p - 16;
  size_t *budget = data;
  if (budget) {
    size_t n;
    memcpy(&n, b, sizeof n);
    *budget += n;
  }
  free(b);
}

void dx_flt_regex_free(dx_regex *re) {
  if (!re)
    return;
  pcre2_code_free(re->code);
  pcre2_match_context_free(re->mctx);
  pcre2_general_context_free(re->gctx);
  pcre2_general_context_free(re->cgctx);
  free(re);
}

int dx_flt_regex_match(const dx_regex *re, const uint8_t *s, size_t n) {
  pcre2_match_data *md = pcre2_match_data_create(1, NULL);
  if (!md)
    return 0;
  int rc = pcre2_match(re->code, n ? (PCRE2_SPTR)s : (PCRE2_SPTR) "", n, 0, 0, md, re->mctx);
  pcre2_match_data_free(md);
  if (rc >= 0)
    return 1;
  if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT ||
      rc == PCRE2_ERROR_NOMEMORY)
    return -1;
  return 0;
}

bool dx_flt_regex(dx_filter *f, const token *tk, const char *text, lit *out, char *msg,
                  size_t msglen) {
  (void)text;
  memset(out, 0, sizeof *out);
  out->prefix = -1;
  if (tk->kind != TK_STRING) {
    snprintf(msg, msglen, "Matches requires a double quoted string on the right side");
    return false;
  }
  const char *pat = (const char *)tk->str;
  size_t plen = tk->slen;
  if (plen > DX_FILTER_REGEX_MAX_LEN) {
    snprintf(msg, msglen, "the regular expression is too long (%zu bytes; at most %d)", plen,
             DX_FILTER_REGEX_MAX_LEN);
    return false;
  }
  if (f->nregex == f->capregex) {
    size_t cap = f->capregex ? f->capregex * 2 : 4;
    dx_regex **r = realloc(f->regexes, cap * sizeof *r);
    if (!r) {
      snprintf(msg, msglen, "out of memory");
      return false;
    }
    f->regexes = r;
    f->capregex = cap;
  }
  dx_regex *re = calloc(1, sizeof *re);
  if (re) {
    re->budget = DX_FILTER_REGEX_COMPILE_BYTES;
    re->cgctx = pcre2_general_context_create(re_malloc, re_free, &re->budget);
  }
  pcre2_compile_context *cctx = re && re->cgctx ? pcre2_compile_context_create(re->cgctx) : NULL;
  if (re)
    re->gctx = pcre2_general_context_create(re_malloc, re_free, NULL);
  if (re && re->gctx)
    re->mctx = pcre2_match_context_create(re->gctx);
  if (!re || !cctx || !re->gctx || !re->mctx) {
    pcre2_compile_context_free(cctx);
    dx_flt_regex_free(re);
    snprintf(msg, msglen, "out of memory");
    return false;
  }
  /* Bounds for the pattern and for each match: a pattern that would take
   * too much memory to compile is refused; a match that would take too
   * long or too much memory stops and counts as not matching. */
  pcre2_set_max_pattern_length(cctx, DX_FILTER_REGEX_MAX_LEN);
  pcre2_set_parens_nest_limit(cctx, 64);
  pcre2_set_match_limit(re->mctx, DX_FILTER_REGEX_MATCH_LIMIT);
  pcre2_set_depth_limit(re->mctx, DX_FILTER_REGEX_DEPTH_LIMIT);
  pcre2_set_heap_limit(re->mctx, DX_FILTER_REGEX_HEAP_KIB);
  int err = 0;
  PCRE2_SIZE off = 0;
  /* As Wireshark 4.0: caseless unless the pattern says (?-i); the subject
   * is bytes (a pattern may hold any byte, "\xde\xad"). */
  re->code = pcre2_compile((PCRE2_SPTR)pat, plen, PCRE2_CASELESS | PCRE2_NEVER_BACKSLASH_C, &err,
                           &off, cctx);
  pcre2_compile_context_free(cctx);
  if (!re->code) {
    char e[160];
    pcre2_get_error_message(err, (PCRE2_UCHAR *)e, sizeof e);
    if (err == PCRE2_ERROR_HEAPLIMIT || err == PCRE2_ERROR_NOMEMORY || re->budget == 0 ||
        strstr(e, "memory"))
      snprintf(msg, msglen,
               "the regular expression needs too much memory to compile (limit %u bytes): %s",
               (unsigned)DX_FILTER_REGEX_COMPILE_BYTES, e);
    else
      snprintf(msg, msglen, "Regex compilation error: %s (at offset %zu of the pattern)", e,
               (size_t)off);
    dx_flt_regex_free(re);
    return false;
  }
  f->regexes[f->nregex++] = re;
  out->re = re;
  out->v.cls = VC_BYTES;
  return true;
}
