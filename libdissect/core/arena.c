/* Arena: a bump allocator whose memory is released all at once. One arena
 * per packet, so no dissector mallocs per field. */
#include "dx.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DX_ARENA_CHUNK 16384u

struct dx_arena_chunk {
  dx_arena_chunk *next;
  size_t size, used;
  _Alignas(16) unsigned char mem[];
};

void dx_arena_init(dx_arena *a) { memset(a, 0, sizeof *a); }

static dx_arena_chunk *chunk_new(size_t need) {
  size_t size = need > DX_ARENA_CHUNK ? need : DX_ARENA_CHUNK;
  dx_arena_chunk *c = malloc(sizeof *c + size);
  if (!c)
    return NULL;
  c->next = NULL;
  c->size = size;
  c->used = 0;
  return c;
}

void *dx_arena_alloc(dx_arena *a, size_t n) {
  if (n > SIZE_MAX / 2)
    return NULL; /* the rounding below and the chunk header would overflow */
  n = (n + 15u) & ~(size_t)15u;
  if (n == 0)
    n = 16;
  dx_arena_chunk *c = a->head;
  if (!c || c->size - c->used < n) {
    if (a->spare && a->spare->size >= n) {
      c = a->spare;
      a->spare = NULL;
      c->used = 0;
    } else {
      c = chunk_new(n);
      if (!c)
        return NULL;
    }
    c->next = a->head;
    a->head = c;
  }
  void *p = c->mem + c->used;
  c->used += n;
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
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0)
    return NULL;
  if ((size_t)n < sizeof small)
    return dx_arena_strndup(a, small, (size_t)n);
  char *d = dx_arena_alloc(a, (size_t)n + 1);
  if (!d)
    return NULL;
  va_start(ap, fmt);
  vsnprintf(d, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return d;
}

void dx_arena_reset(dx_arena *a) {
  dx_arena_chunk *keep = NULL;
  dx_arena_chunk *c = a->head;
  while (c) {
    dx_arena_chunk *next = c->next;
    if (!keep && c->size == DX_ARENA_CHUNK)
      keep = c;
    else
      free(c);
    c = next;
  }
  if (keep && !a->spare) {
    a->spare = keep;
  } else if (keep) {
    free(keep);
  }
  a->head = NULL;
  a->used_total = 0;
}

void dx_arena_destroy(dx_arena *a) {
  dx_arena_reset(a);
  free(a->spare);
  a->spare = NULL;
}
