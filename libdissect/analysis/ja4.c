/* JA4 TLS client fingerprint (see ja4.h). */
#include "ja4.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char hexdig[] = "0123456789abcdef";

static int cmp_u16(const void *a, const void *b) {
  uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
  return x < y ? -1 : x > y;
}

static const char *version_code(uint16_t v) {
  switch (v) {
  case 0x0304: return "13";
  case 0x0303: return "12";
  case 0x0302: return "11";
  case 0x0301: return "10";
  case 0x0300: return "s3";
  case 0x0002: return "s2";
  case 0xfeff: return "d1";
  case 0xfefd: return "d2";
  case 0xfefc: return "d3";
  default: return "00";
  }
}

static bool alnum(uint8_t c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* The two ALPN characters of part a. */
static void alpn_code(const dx_ja4_hello *h, char out[3]) {
  out[0] = out[1] = '0';
  out[2] = 0;
  if (!h->alpn || h->alpn_len == 0)
    return;
  uint8_t f = h->alpn[0], l = h->alpn[h->alpn_len - 1];
  if (alnum(f) && alnum(l)) {
    out[0] = (char)f;
    out[1] = (char)l;
  } else { /* first and last hex digit of the value written in hex */
    out[0] = hexdig[f >> 4];
    out[1] = hexdig[l & 15];
  }
}

/* Appends "xxxx" values of v[0..n) separated by commas; skips SNI and ALPN
 * if skip. Returns the new length. */
static size_t put_list(char *b, size_t len, const uint16_t *v, size_t n, bool skip) {
  bool first = true;
  for (size_t i = 0; i < n; i++) {
    if (skip && (v[i] == 0x0000 || v[i] == 0x0010))
      continue;
    if (!first)
      b[len++] = ',';
    for (int s = 12; s >= 0; s -= 4)
      b[len++] = hexdig[(v[i] >> s) & 15];
    first = false;
  }
  return len;
}

size_t dx_ja4_raw_size(const dx_ja4_hello *h) {
  return 16 + 5 * (h->nciphers + h->nexts + h->nsigalgs);
}

/* First 12 hex digits of SHA-256(s[0..n)), or twelve zeros if empty. */
static bool hash12(const char *s, size_t n, char out[13]) {
  if (n == 0) {
    memcpy(out, "000000000000", 13);
    return true;
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned mdlen = 0;
  if (EVP_Digest(s, n, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen < 6)
    return false;
  for (int i = 0; i < 6; i++) {
    out[2 * i] = hexdig[md[i] >> 4];
    out[2 * i + 1] = hexdig[md[i] & 15];
  }
  out[12] = 0;
  return true;
}

bool dx_ja4(dx_ja4_hello *h, char ja4[48], char *raw, size_t rawcap) {
  size_t need = dx_ja4_raw_size(h);
  if (raw && rawcap < need)
    return false;
  /* the lists are built in one buffer: ciphers, then extensions + sigalgs */
  char *lb = malloc(need);
  if (!lb)
    return false;
  if (h->nciphers)
    qsort(h->ciphers, h->nciphers, sizeof *h->ciphers, cmp_u16);
  if (h->nexts)
    qsort(h->exts, h->nexts, sizeof *h->exts, cmp_u16);
  size_t cl = put_list(lb, 0, h->ciphers, h->nciphers, false);
  lb[cl++] = 0;
  char *eb = lb + cl;
  size_t el = put_list(eb, 0, h->exts, h->nexts, true);
  size_t el_exts = el;
  if (h->nsigalgs) {
    eb[el++] = '_';
    el = put_list(eb, el, h->sigalgs, h->nsigalgs, false);
  }
  eb[el] = 0;
  char alpn[3];
  alpn_code(h, alpn);
  char a[16];
  size_t nc = h->nciphers > 99 ? 99 : h->nciphers, ne = h->nexts > 99 ? 99 : h->nexts;
  snprintf(a, sizeof a, "%c%s%c%02u%02u%s", h->transport ? h->transport : 't',
           version_code(h->supported_max ? h->supported_max : h->version), h->sni ? 'd' : 'i',
           (unsigned)nc, (unsigned)ne, alpn);
  char hb[13], hc[13];
  /* no extension left once SNI and ALPN are out: c is twelve zeros */
  bool ok = hash12(lb, cl - 1, hb) && hash12(eb, el_exts ? el : 0, hc);
  if (ok) {
    snprintf(ja4, 48, "%s_%s_%s", a, hb, hc);
    if (raw)
      snprintf(raw, rawcap, "%s_%s_%s", a, lb, eb);
  }
  free(lb);
  return ok;
}
