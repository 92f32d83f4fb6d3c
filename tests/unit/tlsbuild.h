/* A byte builder with nested length prefixes, for unit tests that write TLS
 * records and handshake messages by hand (test_tls.c, test_tls_sessions.c):
 * open_() leaves room for a big-endian length of w bytes, close_() fills in
 * the length of what was written since; every open_() needs its close_(). */
#ifndef DX_TLSBUILD_H
#define DX_TLSBUILD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct bb {
  uint8_t b[8192];
  size_t n;
  size_t at[16];
  unsigned w[16];
  int sp;
} bb;

static inline void p8(bb *x, unsigned v) {
  x->b[x->n++] = (uint8_t)v;
}
static inline void p16(bb *x, unsigned v) {
  p8(x, v >> 8);
  p8(x, v);
}
static inline void p24(bb *x, unsigned v) {
  p8(x, v >> 16);
  p16(x, v & 0xffff);
}
static inline void p32(bb *x, uint32_t v) {
  p16(x, v >> 16);
  p16(x, v & 0xffff);
}
static inline void pn(bb *x, const void *d, size_t n) {
  memcpy(x->b + x->n, d, n);
  x->n += n;
}
static inline void pfill(bb *x, uint8_t v, size_t n) {
  memset(x->b + x->n, v, n);
  x->n += n;
}
static inline void pstr(bb *x, const char *s) {
  pn(x, s, strlen(s));
}
/* open a length prefix of w bytes; close fills it in */
static inline void open_(bb *x, unsigned w) {
  x->at[x->sp] = x->n;
  x->w[x->sp++] = w;
  x->n += w;
}
static inline void close_(bb *x) {
  x->sp--;
  size_t at = x->at[x->sp], len = x->n - at - x->w[x->sp];
  for (unsigned i = 0; i < x->w[x->sp]; i++)
    x->b[at + i] = (uint8_t)(len >> (8 * (x->w[x->sp] - 1 - i)));
}
/* record header + handshake header */
static inline void rec_open(bb *x, unsigned ct, unsigned ver) {
  p8(x, ct);
  p16(x, ver);
  open_(x, 2);
}
static inline void hs_open(bb *x, unsigned type) {
  p8(x, type);
  open_(x, 3);
}
static inline void ext_open(bb *x, unsigned type) {
  p16(x, type);
  open_(x, 2);
}

#endif
