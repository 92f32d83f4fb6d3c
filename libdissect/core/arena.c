/* Arena: a bump allocator whose memory is released all at once. One arena
 * per packet, so no dissector mallocs per field. */
#include "dx.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DX_ARENA_CHUNK 16384u
/* dx_arena_reset keeps freed chunks up to this many bytes for reuse: a
 * packet that needs a large chunk (a reassembled PDU, ...) is often followed
 * by another, and giving the memory back to the C library and asking again
 * costs system calls and page faults each time. */
#define DX_ARENA_KEEP (1024u * 1024u)

struct dx_arena_chunk {
  dx_arena_chunk *next;
  size_t size;
  _Alignas(16) unsigned char mem[];
};

void dx_arena_init(dx_arena *a) {
  memset(a, 0, sizeof *a);
}

static dx_arena_chunk *chunk_new(size_t need) {
  size_t size = need > DX_ARENA_CHUNK ? need : DX_ARENA_CHUNK;
  dx_arena_chunk *c = malloc(sizeof *c + size);
  if (!c)
    return NULL;
  c->next = NULL;
  c->size = size;
  return c;
}

/* Makes a chunk with at least n (a multiple of 16) free bytes current. */
static bool chunk_switch(dx_arena *a, size_t n) {
  dx_arena_chunk *c = NULL;
  for (dx_arena_chunk **pp = &a->spare; *pp; pp = &(*pp)->next)
    if ((*pp)->size >= n) {
      c = *pp;
      *pp = c->next;
      break;
    }
  if (!c && !(c = chunk_new(n)))
    return false;
  c->next = a->head;
  a->head = c;
  a->cur = c->mem;
  a->avail = c->size;
  return true;
}

void *dx_arena_alloc_slow(dx_arena *a, size_t n) {
  if (n > SIZE_MAX / 2)
    return NULL; /* the rounding below and the chunk header would overflow */
  n = (n + 15u) & ~(size_t)15u;
  if (n == 0)
    n = 16;
  if (a->avail < n && !chunk_switch(a, n))
    return NULL;
  void *p = a->cur;
  a->cur += n;
  a->avail -= n;
  a->used_total += n;
  return p;
}

void *dx_arena_zalloc(dx_arena *a, size_t n) {
  void *p = dx_arena_alloc(a, n);
  if (p)
    memset(p, 0, n);
  return p;
}

char *dx_arena_strndup(dx_arena *a, const char *s, size_t n) {
  char *d = dx_arena_alloc(a, n + 1);
  if (!d)
    return NULL;
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

char *dx_arena_printf(dx_arena *a, const char *fmt, ...) {
  char small[256];
  va_list ap;
  va_start(ap, fmt);
  int n = dx_vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0)
    return NULL;
  if ((size_t)n < sizeof small)
    return dx_arena_strndup(a, small, (size_t)n);
  char *d = dx_arena_alloc(a, (size_t)n + 1);
  if (!d)
    return NULL;
  va_start(ap, fmt);
  dx_vsnprintf(d, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return d;
}

char *dx_arena_vformat(dx_arena *a, size_t limit, const char *fmt, va_list ap) {
  if (limit == 0 || limit > DX_ARENA_CHUNK)
    return NULL;
  /* chunk sizes are multiples of 16: room for limit is room for r */
  size_t r = (limit + 15u) & ~(size_t)15u;
  if (a->avail < r && !chunk_switch(a, r))
    return NULL;
  char *d = (char *)a->cur;
  int n = dx_vsnprintf(d, limit, fmt, ap);
  size_t len = n < 0 ? 0 : (size_t)n < limit ? (size_t)n : limit - 1;
  d[len] = '\0';
  size_t take = (len + 1 + 15u) & ~(size_t)15u;
  a->cur += take;
  a->avail -= take;
  a->used_total += take;
  return d;
}

struct dx_arena_owned {
  struct dx_arena_owned *next;
  void *buf;
};

bool dx_arena_adopt(dx_arena *a, void *buf) {
  struct dx_arena_owned *o = dx_arena_alloc(a, sizeof *o);
  if (!o)
    return false;
  o->buf = buf;
  o->next = a->owned;
  a->owned = o;
  return true;
}

void dx_arena_reset(dx_arena *a) {
  /* (the list lives in the chunks: walked before they go) */
  for (struct dx_arena_owned *o = a->owned; o; o = o->next)
    free(o->buf);
  a->owned = NULL;
  size_t kept = 0;
  for (dx_arena_chunk *c = a->spare; c; c = c->next)
    kept += c->size;
  dx_arena_chunk *c = a->head;
  while (c) {
    dx_arena_chunk *next = c->next;
    if (kept + c->size <= DX_ARENA_KEEP) {
      kept += c->size;
      c->next = a->spare;
      a->spare = c;
    } else {
      free(c);
    }
    c = next;
  }
  a->head = NULL;
  a->cur = NULL;
  a->avail = 0;
  a->used_total = 0;
}

void dx_arena_destroy(dx_arena *a) {
  dx_arena_reset(a);
  for (dx_arena_chunk *c = a->spare, *next; c; c = next) {
    next = c->next;
    free(c);
  }
  a->spare = NULL;
}

/* ---- a small, fast vsnprintf ------------------------------------------------
 * Labels and Info texts are formatted for almost every node, and glibc's
 * vsnprintf costs several hundred instructions of set-up per call. This one
 * handles the conversions the dissectors use (%s %d %i %u %x %X %c %% with
 * the '-' and '0' flags, a width, a precision for %s, and the hh h l ll z j
 * t length modifiers) and, on meeting anything else (floating point, '#',
 * '+', precision on integers, ...), starts again in vsnprintf, so the
 * result is always the C library's. */
typedef struct fmt_out {
  char *buf;
  size_t cap, len; /* cap: bytes that may be written before the NUL */
} fmt_out;

static inline void fo_put(fmt_out *o, const char *s, size_t n) {
  if (o->len < o->cap) {
    size_t room = o->cap - o->len;
    memcpy(o->buf + o->len, s, n < room ? n : room);
  }
  o->len += n;
}

static inline void fo_pad(fmt_out *o, char c, size_t n) {
  if (o->len < o->cap) {
    size_t room = o->cap - o->len;
    memset(o->buf + o->len, c, n < room ? n : room);
  }
  o->len += n;
}

static void fo_field(fmt_out *o, const char *s, size_t n, int width, bool left, bool zero) {
  size_t w = width > 0 ? (size_t)width : 0;
  if (w <= n) {
    fo_put(o, s, n);
  } else if (left) {
    fo_put(o, s, n);
    fo_pad(o, ' ', w - n);
  } else if (zero && n && s[0] == '-') {
    fo_put(o, s, 1);
    fo_pad(o, '0', w - n);
    fo_put(o, s + 1, n - 1);
  } else {
    fo_pad(o, zero ? '0' : ' ', w - n);
    fo_put(o, s, n);
  }
}

int dx_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap) {
  va_list ap0; /* for a fresh start in vsnprintf */
  va_copy(ap0, ap);
  fmt_out o = {buf, cap ? cap - 1 : 0, 0};
  const char *c = fmt;
  while (*c) {
    if (*c != '%') {
      const char *r = strchr(c + 1, '%'); /* (faster than strcspn for one byte) */
      if (!r)
        r = c + 1 + strlen(c + 1);
      fo_put(&o, c, (size_t)(r - c));
      c = r;
      continue;
    }
    c++;
    bool left = false, zero = false;
    for (;; c++) {
      if (*c == '-')
        left = true;
      else if (*c == '0')
        zero = true;
      else
        break;
    }
    int width = 0;
    if (*c == '*') {
      width = va_arg(ap, int);
      if (width < 0) {
        left = true;
        width = width == INT32_MIN ? 0 : -width;
      }
      c++;
    } else {
      while (*c >= '0' && *c <= '9')
        width = width * 10 + (*c++ - '0');
    }
    int prec = -1;
    if (*c == '.') {
      c++;
      if (*c == '*') {
        prec = va_arg(ap, int);
        c++;
      } else {
        prec = 0;
        while (*c >= '0' && *c <= '9')
          prec = prec * 10 + (*c++ - '0');
      }
    }
    int lm = 0; /* 0 int, 1 char, 2 short, 3 long, 4 long long, 5 size_t, 6 intmax, 7 ptrdiff */
    if (*c == 'h') {
      lm = c[1] == 'h' ? 1 : 2;
      c += c[1] == 'h' ? 2 : 1;
    } else if (*c == 'l') {
      lm = c[1] == 'l' ? 4 : 3;
      c += c[1] == 'l' ? 2 : 1;
    } else if (*c == 'z') {
      lm = 5;
      c++;
    } else if (*c == 'j') {
      lm = 6;
      c++;
    } else if (*c == 't') {
      lm = 7;
      c++;
    }
    char conv = *c++;
    char tmp[32];
    char *end = tmp + sizeof tmp, *q = end;
    switch (conv) {
    case '%':
      if (c[-2] != '%')
        goto slow;
      fo_put(&o, "%", 1);
      break;
    case 'c':
      if (zero || lm || prec >= 0)
        goto slow;
      tmp[0] = (char)va_arg(ap, int);
      fo_field(&o, tmp, 1, width, left, false);
      break;
    case 's': {
      if (zero || lm)
        goto slow;
      const char *s = va_arg(ap, const char *);
      if (!s)
        s = prec < 0 || prec >= 6 ? "(null)" : "";
      size_t n = prec < 0 ? strlen(s) : strnlen(s, (size_t)prec);
      fo_field(&o, s, n, width, left, false);
      break;
    }
    case 'd':
    case 'i': {
      if (prec >= 0)
        goto slow;
      intmax_t v;
      switch (lm) {
      case 1: v = (signed char)va_arg(ap, int); break;
      case 2: v = (short)va_arg(ap, int); break;
      case 3: v = va_arg(ap, long); break;
      case 4: v = va_arg(ap, long long); break;
      case 5: v = va_arg(ap, ptrdiff_t); break; /* the signed size_t */
      case 6: v = va_arg(ap, intmax_t); break;
      case 7: v = va_arg(ap, ptrdiff_t); break;
      default: v = va_arg(ap, int); break;
      }
      uintmax_t u = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
      q -= dx_dec_len(u);
      dx_dec_put(q, (unsigned)(end - q), u);
      if (v < 0)
        *--q = '-';
      fo_field(&o, q, (size_t)(end - q), width, left, zero && !left);
      break;
    }
    case 'u':
    case 'x':
    case 'X': {
      if (prec >= 0)
        goto slow;
      uintmax_t u;
      switch (lm) {
      case 1: u = (unsigned char)va_arg(ap, unsigned); break;
      case 2: u = (unsigned short)va_arg(ap, unsigned); break;
      case 3: u = va_arg(ap, unsigned long); break;
      case 4: u = va_arg(ap, unsigned long long); break;
      case 5: u = va_arg(ap, size_t); break;
      case 6: u = va_arg(ap, uintmax_t); break;
      case 7: u = (uintmax_t)va_arg(ap, ptrdiff_t); break;
      default: u = va_arg(ap, unsigned); break;
      }
      if (conv == 'u') {
        q -= dx_dec_len(u);
        dx_dec_put(q, (unsigned)(end - q), u);
      } else {
        const char *digits = conv == 'x' ? "0123456789abcdef" : "0123456789ABCDEF";
        do {
          *--q = digits[u & 15];
          u >>= 4;
        } while (u);
      }
      fo_field(&o, q, (size_t)(end - q), width, left, zero && !left);
      break;
    }
    default: goto slow; /* floating point, %p, %n, flags '+' ' ' '#', ... */
    }
  }
  va_end(ap0);
  if (cap)
    buf[o.len < cap ? o.len : cap - 1] = '\0';
  return o.len > INT32_MAX ? -1 : (int)o.len;
slow : {
  int r = vsnprintf(buf, cap, fmt, ap0);
  va_end(ap0);
  return r;
}
}

int dx_snprintf(char *buf, size_t cap, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = dx_vsnprintf(buf, cap, fmt, ap);
  va_end(ap);
  return n;
}

void dx_sb_vprintf(dx_sb *b, const char *fmt, va_list ap) {
  if (b->len + 1 >= b->cap)
    return;
  int n = dx_vsnprintf(b->buf + b->len, b->cap - b->len, fmt, ap);
  if (n > 0)
    b->len = (size_t)n < b->cap - b->len ? b->len + (size_t)n : b->cap - 1;
}

void dx_sb_printf(dx_sb *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  dx_sb_vprintf(b, fmt, ap);
  va_end(ap);
}
