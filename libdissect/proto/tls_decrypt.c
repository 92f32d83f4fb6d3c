/* TLS decryption core (see tls_decrypt.h): suite table, TLS PRF and key
 * block (RFC 2246 5/6.3, RFC 5246 5/6.3/8.1, RFC 7627 4), HKDF-Expand-Label
 * and traffic keys (RFC 8446 7.1-7.3), RSA premaster decryption
 * (RFC 5246 7.4.7.1), and record decryption: CBC MAC-then-encrypt
 * (RFC 5246 6.2.3.2; TLS 1.0 chained IV, RFC 2246 6.2.3.2), encrypt-then-MAC
 * (RFC 7366 3), AEAD nonces and additional data (RFC 5246 6.2.3.3,
 * RFC 5288 3, RFC 6655 3, RFC 7905 2, RFC 8446 5.2-5.4).
 * Every cryptographic primitive is OpenSSL 3 libcrypto; the OpenSSL objects
 * a record needs are fetched once per state and reused for every record. */
#include "tls_decrypt.h"

#include <errno.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define A(id, mode, cipher, key, iv, prf)                                                          \
  { id, DX_TLS_M_##mode, cipher, key, iv, 0, NULL, prf }
#define C(id, cipher, key, blk, mac, md, prf)                                                      \
  { id, DX_TLS_M_CBC, cipher, key, blk, mac, md, prf }

/* Sorted by id (binary search). */
/* OpenSSL's error queue emptied, as ERR_clear_error() does, but only when
 * it holds something: ERR_clear_error() frees each of its sixteen slots'
 * file and function names every time, and a record that fails its tag
 * check calls it (a damaged stream, where proto/tls.c's resynchronisation
 * tries each record under up to 128 sequence numbers). */
static void clear_errors(void) {
  if (ERR_peek_error() != 0)
    ERR_clear_error();
}

static const dx_tls_suite suites[] = {
    {0x0001, DX_TLS_M_NULL, NULL, 0, 0, 16, "MD5", "SHA256"},    /* RSA_WITH_NULL_MD5 */
    {0x0002, DX_TLS_M_NULL, NULL, 0, 0, 20, "SHA1", "SHA256"},   /* RSA_WITH_NULL_SHA */
    C(0x000a, "DES-EDE3-CBC", 24, 8, 20, "SHA1", "SHA256"),      /* RSA_WITH_3DES_EDE_CBC_SHA */
    C(0x0016, "DES-EDE3-CBC", 24, 8, 20, "SHA1", "SHA256"),      /* DHE_RSA_WITH_3DES_EDE_CBC_SHA */
    {0x002c, DX_TLS_M_NULL, NULL, 0, 0, 20, "SHA1", "SHA256"},   /* PSK_WITH_NULL_SHA */
    {0x002d, DX_TLS_M_NULL, NULL, 0, 0, 20, "SHA1", "SHA256"},   /* DHE_PSK_WITH_NULL_SHA */
    {0x002e, DX_TLS_M_NULL, NULL, 0, 0, 20, "SHA1", "SHA256"},   /* RSA_PSK_WITH_NULL_SHA */
    C(0x002f, "AES-128-CBC", 16, 16, 20, "SHA1", "SHA256"),      /* RSA_WITH_AES_128_CBC_SHA */
    C(0x0033, "AES-128-CBC", 16, 16, 20, "SHA1", "SHA256"),      /* DHE_RSA_WITH_AES_128_CBC_SHA */
    C(0x0035, "AES-256-CBC", 32, 16, 20, "SHA1", "SHA256"),      /* RSA_WITH_AES_256_CBC_SHA */
    C(0x0039, "AES-256-CBC", 32, 16, 20, "SHA1", "SHA256"),      /* DHE_RSA_WITH_AES_256_CBC_SHA */
    {0x003b, DX_TLS_M_NULL, NULL, 0, 0, 32, "SHA256", "SHA256"}, /* RSA_WITH_NULL_SHA256 */
    C(0x003c, "AES-128-CBC", 16, 16, 32, "SHA256", "SHA256"),    /* RSA_WITH_AES_128_CBC_SHA256 */
    C(0x003d, "AES-256-CBC", 32, 16, 32, "SHA256", "SHA256"),    /* RSA_WITH_AES_256_CBC_SHA256 */
    C(0x0067, "AES-128-CBC", 16, 16, 32, "SHA256", "SHA256"), /* DHE_RSA_WITH_AES_128_CBC_SHA256 */
    C(0x006b, "AES-256-CBC", 32, 16, 32, "SHA256", "SHA256"), /* DHE_RSA_WITH_AES_256_CBC_SHA256 */
    C(0x008b, "DES-EDE3-CBC", 24, 8, 20, "SHA1", "SHA256"),   /* PSK_WITH_3DES_EDE_CBC_SHA */
    C(0x008c, "AES-128-CBC", 16, 16, 20, "SHA1", "SHA256"),   /* PSK_WITH_AES_128_CBC_SHA */
    C(0x008d, "AES-256-CBC", 32, 16, 20, "SHA1", "SHA256"),   /* PSK_WITH_AES_256_CBC_SHA */
    C(0x008f, "DES-EDE3-CBC", 24, 8, 20, "SHA1", "SHA256"),   /* DHE_PSK_WITH_3DES_EDE_CBC_SHA */
    C(0x0090, "AES-128-CBC", 16, 16, 20, "SHA1", "SHA256"),   /* DHE_PSK_WITH_AES_128_CBC_SHA */
    C(0x0091, "AES-256-CBC", 32, 16, 20, "SHA1", "SHA256"),   /* DHE_PSK_WITH_AES_256_CBC_SHA */
    C(0x0093, "DES-EDE3-CBC", 24, 8, 20, "SHA1", "SHA256"),   /* RSA_PSK_WITH_3DES_EDE_CBC_SHA */
    C(0x0094, "AES-128-CBC", 16, 16, 20, "SHA1", "SHA256"),   /* RSA_PSK_WITH_AES_128_CBC_SHA */
    C(0x0095, "AES-256-CBC", 32, 16, 20, "SHA1", "SHA256"),   /* RSA_PSK_WITH_AES_256_CBC_SHA */
    A(0x009c, GCM, "AES-128-GCM", 16, 4, "SHA256"),           /* RSA_WITH_AES_128_GCM_SHA256 */
    A(0x009d, GCM, "AES-256-GCM", 32, 4, "SHA384"),           /* RSA_WITH_AES_256_GCM_SHA384 */
    A(0x009e, GCM, "AES-128-GCM", 16, 4, "SHA256"),           /* DHE_RSA_WITH_AES_128_GCM_SHA256 */
    A(0x009f, GCM, "AES-256-GCM", 32, 4, "SHA384"),           /* DHE_RSA_WITH_AES_256_GCM_SHA384 */
    A(0x00a8, GCM, "AES-128-GCM", 16, 4, "SHA256"),           /* PSK_WITH_AES_128_GCM_SHA256 */
    A(0x00a9, GCM, "AES-256-GCM", 32, 4, "SHA384"),           /* PSK_WITH_AES_256_GCM_SHA384 */
    A(0x00aa, GCM, "AES-128-GCM", 16, 4, "SHA256"),           /* DHE_PSK_WITH_AES_128_GCM_SHA256 */
    A(0x00ab, GCM, "AES-256-GCM", 32, 4, "SHA384"),           /* DHE_PSK_WITH_AES_256_GCM_SHA384 */
    A(0x00ac, GCM, "AES-128-GCM", 16, 4, "SHA256"),           /* RSA_PSK_WITH_AES_128_GCM_SHA256 */
    A(0x00ad, GCM, "AES-256-GCM", 32, 4, "SHA384"),           /* RSA_PSK_WITH_AES_256_GCM_SHA384 */
    C(0x00ae, "AES-128-CBC", 16, 16, 32, "SHA256", "SHA256"), /* PSK_WITH_AES_128_CBC_SHA256 */
    C(0x00af, "AES-256-CBC", 32, 16, 48, "SHA384", "SHA384"), /* PSK_WITH_AES_256_CBC_SHA384 */
    {0x00b0, DX_TLS_M_NULL, NULL, 0, 0, 32, "SHA256", "SHA256"}, /* PSK_WITH_NULL_SHA256 */
    {0x00b1, DX_TLS_M_NULL, NULL, 0, 0, 48, "SHA384", "SHA384"}, /* PSK_WITH_NULL_SHA384 */
    C(0x00b2, "AES-128-CBC", 16, 16, 32, "SHA256", "SHA256"), /* DHE_PSK_WITH_AES_128_CBC_SHA256 */
    C(0x00b3, "AES-256-CBC", 32, 16, 48, "SHA384", "SHA384"), /* DHE_PSK_WITH_AES_256_CBC_SHA384 */
    {0x00b4, DX_TLS_M_NULL, NULL, 0, 0, 32, "SHA256", "SHA256"}, /* DHE_PSK_WITH_NULL_SHA256 */
    {0x00b5, DX_TLS_M_NULL, NULL, 0, 0, 48, "SHA384", "SHA384"}, /* DHE_PSK_WITH_NULL_SHA384 */
    C(0x00b6, "AES-128-CBC", 16, 16, 32, "SHA256", "SHA256"), /* RSA_PSK_WITH_AES_128_CBC_SHA256 */
    C(0x00b7, "AES-256-CBC", 32, 16, 48, "SHA384", "SHA384"), /* RSA_PSK_WITH_AES_256_CBC_SHA384 */
    {0x00b8, DX_TLS_M_NULL, NULL, 0, 0, 32, "SHA256", "SHA256"}, /* RSA_PSK_WITH_NULL_SHA256 */
    {0x00b9, DX_TLS_M_NULL, NULL, 0, 0, 48, "SHA384", "SHA384"}, /* RSA_PSK_WITH_NULL_SHA384 */
    A(0x1301, GCM, "AES-128-GCM", 16, 12, "SHA256"),             /* TLS_AES_128_GCM_SHA256 */
    A(0x1302, GCM, "AES-256-GCM", 32, 12, "SHA384"),             /* TLS_AES_256_GCM_SHA384 */
    A(0x1303, CHACHA, "ChaCha20-Poly1305", 32, 12, "SHA256"),    /* TLS_CHACHA20_POLY1305_SHA256 */
    A(0x1304, CCM, "AES-128-CCM", 16, 12, "SHA256"),             /* TLS_AES_128_CCM_SHA256 */
    A(0x1305, CCM8, "AES-128-CCM", 16, 12, "SHA256"),            /* TLS_AES_128_CCM_8_SHA256 */
    C(0xc009, "AES-128-CBC", 16, 16, 20, "SHA1", "SHA256"),   /* ECDHE_ECDSA_WITH_AES_128_CBC_SHA */
    C(0xc00a, "AES-256-CBC", 32, 16, 20, "SHA1", "SHA256"),   /* ECDHE_ECDSA_WITH_AES_256_CBC_SHA */
    C(0xc012, "DES-EDE3-CBC", 24, 8, 20, "SHA1", "SHA256"),   /* ECDHE_RSA_WITH_3DES_EDE_CBC_SHA */
    C(0xc013, "AES-128-CBC", 16, 16, 20, "SHA1", "SHA256"),   /* ECDHE_RSA_WITH_AES_128_CBC_SHA */
    C(0xc014, "AES-256-CBC", 32, 16, 20, "SHA1", "SHA256"),   /* ECDHE_RSA_WITH_AES_256_CBC_SHA */
    C(0xc023, "AES-128-CBC", 16, 16, 32, "SHA256", "SHA256"), /* ECDHE_ECDSA_..._128_CBC_SHA256 */
    C(0xc024, "AES-256-CBC", 32, 16, 48, "SHA384", "SHA384"), /* ECDHE_ECDSA_..._256_CBC_SHA384 */
    C(0xc027, "AES-128-CBC", 16, 16, 32, "SHA256", "SHA256"), /* ECDHE_RSA_..._128_CBC_SHA256 */
    C(0xc028, "AES-256-CBC", 32, 16, 48, "SHA384", "SHA384"), /* ECDHE_RSA_..._256_CBC_SHA384 */
    A(0xc02b, GCM, "AES-128-GCM", 16, 4, "SHA256"), /* ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 */
    A(0xc02c, GCM, "AES-256-GCM", 32, 4, "SHA384"), /* ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 */
    A(0xc02f, GCM, "AES-128-GCM", 16, 4, "SHA256"), /* ECDHE_RSA_WITH_AES_128_GCM_SHA256 */
    A(0xc030, GCM, "AES-256-GCM", 32, 4, "SHA384"), /* ECDHE_RSA_WITH_AES_256_GCM_SHA384 */
    C(0xc034, "DES-EDE3-CBC", 24, 8, 20, "SHA1", "SHA256"), /* ECDHE_PSK_WITH_3DES_EDE_CBC_SHA */
    C(0xc035, "AES-128-CBC", 16, 16, 20, "SHA1", "SHA256"), /* ECDHE_PSK_WITH_AES_128_CBC_SHA */
    C(0xc036, "AES-256-CBC", 32, 16, 20, "SHA1", "SHA256"), /* ECDHE_PSK_WITH_AES_256_CBC_SHA */
    C(0xc037, "AES-128-CBC", 16, 16, 32, "SHA256",
      "SHA256"), /* ECDHE_PSK_WITH_AES_128_CBC_SHA256 */
    C(0xc038, "AES-256-CBC", 32, 16, 48, "SHA384",
      "SHA384"), /* ECDHE_PSK_WITH_AES_256_CBC_SHA384 */
    {0xc039, DX_TLS_M_NULL, NULL, 0, 0, 20, "SHA1", "SHA256"},   /* ECDHE_PSK_WITH_NULL_SHA */
    {0xc03a, DX_TLS_M_NULL, NULL, 0, 0, 32, "SHA256", "SHA256"}, /* ECDHE_PSK_WITH_NULL_SHA256 */
    {0xc03b, DX_TLS_M_NULL, NULL, 0, 0, 48, "SHA384", "SHA384"}, /* ECDHE_PSK_WITH_NULL_SHA384 */
    A(0xc09c, CCM, "AES-128-CCM", 16, 4, "SHA256"),              /* RSA_WITH_AES_128_CCM */
    A(0xc09d, CCM, "AES-256-CCM", 32, 4, "SHA256"),              /* RSA_WITH_AES_256_CCM */
    A(0xc09e, CCM, "AES-128-CCM", 16, 4, "SHA256"),              /* DHE_RSA_WITH_AES_128_CCM */
    A(0xc09f, CCM, "AES-256-CCM", 32, 4, "SHA256"),              /* DHE_RSA_WITH_AES_256_CCM */
    A(0xc0a0, CCM8, "AES-128-CCM", 16, 4, "SHA256"),             /* RSA_WITH_AES_128_CCM_8 */
    A(0xc0a1, CCM8, "AES-256-CCM", 32, 4, "SHA256"),             /* RSA_WITH_AES_256_CCM_8 */
    A(0xc0a2, CCM8, "AES-128-CCM", 16, 4, "SHA256"),             /* DHE_RSA_WITH_AES_128_CCM_8 */
    A(0xc0a3, CCM8, "AES-256-CCM", 32, 4, "SHA256"),             /* DHE_RSA_WITH_AES_256_CCM_8 */
    A(0xc0a4, CCM, "AES-128-CCM", 16, 4, "SHA256"),              /* PSK_WITH_AES_128_CCM */
    A(0xc0a5, CCM, "AES-256-CCM", 32, 4, "SHA256"),              /* PSK_WITH_AES_256_CCM */
    A(0xc0a6, CCM, "AES-128-CCM", 16, 4, "SHA256"),              /* DHE_PSK_WITH_AES_128_CCM */
    A(0xc0a7, CCM, "AES-256-CCM", 32, 4, "SHA256"),              /* DHE_PSK_WITH_AES_256_CCM */
    A(0xc0a8, CCM8, "AES-128-CCM", 16, 4, "SHA256"),             /* PSK_WITH_AES_128_CCM_8 */
    A(0xc0a9, CCM8, "AES-256-CCM", 32, 4, "SHA256"),             /* PSK_WITH_AES_256_CCM_8 */
    A(0xc0aa, CCM8, "AES-128-CCM", 16, 4, "SHA256"),             /* DHE_PSK_WITH_AES_128_CCM_8 */
    A(0xc0ab, CCM8, "AES-256-CCM", 32, 4, "SHA256"),             /* DHE_PSK_WITH_AES_256_CCM_8 */
    A(0xc0ac, CCM, "AES-128-CCM", 16, 4, "SHA256"),              /* ECDHE_ECDSA_WITH_AES_128_CCM */
    A(0xc0ad, CCM, "AES-256-CCM", 32, 4, "SHA256"),              /* ECDHE_ECDSA_WITH_AES_256_CCM */
    A(0xc0ae, CCM8, "AES-128-CCM", 16, 4, "SHA256"),          /* ECDHE_ECDSA_WITH_AES_128_CCM_8 */
    A(0xc0af, CCM8, "AES-256-CCM", 32, 4, "SHA256"),          /* ECDHE_ECDSA_WITH_AES_256_CCM_8 */
    A(0xcca8, CHACHA, "ChaCha20-Poly1305", 32, 12, "SHA256"), /* ECDHE_RSA_..._CHACHA20_POLY1305 */
    A(0xcca9, CHACHA, "ChaCha20-Poly1305", 32, 12,
      "SHA256"), /* ECDHE_ECDSA_..._CHACHA20_POLY1305 */
    A(0xccaa, CHACHA, "ChaCha20-Poly1305", 32, 12, "SHA256"), /* DHE_RSA_..._CHACHA20_POLY1305 */
    A(0xccab, CHACHA, "ChaCha20-Poly1305", 32, 12,
      "SHA256"), /* PSK_WITH_CHACHA20_POLY1305_SHA256 */
    A(0xccac, CHACHA, "ChaCha20-Poly1305", 32, 12,
      "SHA256"), /* ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256 */
    A(0xccad, CHACHA, "ChaCha20-Poly1305", 32, 12,
      "SHA256"), /* DHE_PSK_WITH_CHACHA20_POLY1305_SHA256 */
    A(0xccae, CHACHA, "ChaCha20-Poly1305", 32, 12,
      "SHA256"), /* RSA_PSK_WITH_CHACHA20_POLY1305_SHA256 */
};

const dx_tls_suite *dx_tls_suite_find(uint16_t id) {
  size_t lo = 0, hi = sizeof suites / sizeof suites[0];
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (suites[mid].id == id)
      return &suites[mid];
    if (suites[mid].id < id)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

static bool is_tls13_suite(const dx_tls_suite *cs) {
  return (cs->id >> 8) == 0x13;
}

static bool is_aead(const dx_tls_suite *cs) {
  return cs->mode == DX_TLS_M_GCM || cs->mode == DX_TLS_M_CCM || cs->mode == DX_TLS_M_CCM8 ||
         cs->mode == DX_TLS_M_CHACHA;
}

static size_t md_len(const char *md) {
  if (!md)
    return 0;
  if (strcmp(md, "SHA256") == 0)
    return 32;
  if (strcmp(md, "SHA384") == 0)
    return 48;
  return 0;
}

/* ---- state ----------------------------------------------------------------- */

struct dx_tls_dec {
  const dx_tls_suite *cs;
  uint16_t version; /* 0x0301..0x0303, or 0x0304 for TLS 1.3 */
  bool tls13, etm;
  unsigned block;  /* CBC block size */
  unsigned taglen; /* AEAD tag length */
  EVP_CIPHER *cipher;
  EVP_CIPHER_CTX *ctx;
  EVP_MAC_CTX *mac;    /* HMAC keyed with the MAC key (CBC/NULL suites) */
  uint8_t mac_key[48]; /* SSL 3.0: the MAC secret (its MAC is not an HMAC) */
  uint8_t draft;       /* TLS 1.3 draft number (0: RFC 8446) */
  uint64_t seq;
  uint8_t key[32];
  uint8_t iv[16]; /* fixed IV (AEAD), or the CBC IV for the next TLS 1.0 record */
  uint8_t secret[64];
  size_t secret_len;
};

uint64_t dx_tls_dec_seq(const dx_tls_dec *d) {
  return d ? d->seq : 0;
}

void dx_tls_dec_set_seq(dx_tls_dec *d, uint64_t seq) {
  if (d)
    d->seq = seq;
}

const dx_tls_suite *dx_tls_dec_suite(const dx_tls_dec *d) {
  return d ? d->cs : NULL;
}

void dx_tls_dec_free(dx_tls_dec *d) {
  if (!d)
    return;
  EVP_CIPHER_CTX_free(d->ctx);
  EVP_CIPHER_free(d->cipher);
  EVP_MAC_CTX_free(d->mac);
  OPENSSL_cleanse(d, sizeof *d);
  free(d);
}

/* (Re)keys the cipher context with d->key. */
static int set_key(dx_tls_dec *d) {
  const dx_tls_suite *cs = d->cs;
  if (cs->mode == DX_TLS_M_NULL)
    return DX_TLS_DEC_OK;
  if (cs->mode == DX_TLS_M_CCM || cs->mode == DX_TLS_M_CCM8) {
    if (EVP_DecryptInit_ex(d->ctx, d->cipher, NULL, NULL, NULL) != 1 ||
        EVP_CIPHER_CTX_ctrl(d->ctx, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) != 1 ||
        EVP_CIPHER_CTX_ctrl(d->ctx, EVP_CTRL_AEAD_SET_TAG, (int)d->taglen, NULL) != 1 ||
        EVP_DecryptInit_ex(d->ctx, NULL, NULL, d->key, NULL) != 1)
      return DX_TLS_DEC_NOMEM;
    return DX_TLS_DEC_OK;
  }
  if (EVP_DecryptInit_ex(d->ctx, d->cipher, NULL, d->key, NULL) != 1)
    return DX_TLS_DEC_NOMEM;
  if (cs->mode == DX_TLS_M_CBC && EVP_CIPHER_CTX_set_padding(d->ctx, 0) != 1)
    return DX_TLS_DEC_NOMEM;
  return DX_TLS_DEC_OK;
}

/* A state for suite cs with the given key material (lengths from cs). */
static int make_state(const dx_tls_suite *cs, uint16_t version, bool etm, const uint8_t *mac_key,
                      const uint8_t *key, const uint8_t *iv, dx_tls_dec **out) {
  *out = NULL;
  if (cs->key_len > sizeof((dx_tls_dec *)0)->key || cs->fixed_iv_len > 16)
    return DX_TLS_DEC_UNSUPPORTED;
  if (cs->mode != DX_TLS_M_NULL && cs->mode != DX_TLS_M_CBC && !is_aead(cs))
    return DX_TLS_DEC_UNSUPPORTED;
  dx_tls_dec *d = calloc(1, sizeof *d);
  if (!d)
    return DX_TLS_DEC_NOMEM;
  d->cs = cs;
  d->version = version;
  d->tls13 = version >= 0x0304;
  d->etm = etm && cs->mode == DX_TLS_M_CBC;
  d->taglen = cs->mode == DX_TLS_M_CCM8 ? 8 : 16;
  memcpy(d->key, key, cs->key_len);
  memcpy(d->iv, iv, cs->fixed_iv_len);
  int rc = DX_TLS_DEC_NOMEM;
  if (cs->mode != DX_TLS_M_NULL) {
    d->cipher = dx_cipher_fetch(cs->cipher);
    d->ctx = EVP_CIPHER_CTX_new();
    if (!d->cipher || !d->ctx) {
      rc = d->cipher ? DX_TLS_DEC_NOMEM : DX_TLS_DEC_UNSUPPORTED;
      goto fail;
    }
    if (EVP_CIPHER_get_key_length(d->cipher) != cs->key_len) {
      rc = DX_TLS_DEC_UNSUPPORTED;
      goto fail;
    }
    if (cs->mode == DX_TLS_M_CBC) {
      int bs = EVP_CIPHER_get_block_size(d->cipher);
      if (bs <= 1 || bs != cs->fixed_iv_len) {
        rc = DX_TLS_DEC_UNSUPPORTED;
        goto fail;
      }
      d->block = (unsigned)bs;
    }
    if ((rc = set_key(d)) != DX_TLS_DEC_OK)
      goto fail;
  }
  if (cs->mac_len && version == 0x0300) {
    if (cs->mac_len > sizeof d->mac_key || !cs->mac_md)
      goto fail;
    memcpy(d->mac_key, mac_key, cs->mac_len);
  } else if (cs->mac_len) {
    EVP_MAC *hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (!hmac)
      goto fail;
    d->mac = EVP_MAC_CTX_new(hmac);
    EVP_MAC_free(hmac);
    OSSL_PARAM p[2] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)cs->mac_md, 0),
        OSSL_PARAM_construct_end()};
    if (!d->mac || EVP_MAC_init(d->mac, mac_key, cs->mac_len, p) != 1 ||
        EVP_MAC_CTX_get_mac_size(d->mac) != cs->mac_len)
      goto fail;
  }
  *out = d;
  clear_errors();
  return DX_TLS_DEC_OK;
fail:
  clear_errors();
  dx_tls_dec_free(d);
  return rc;
}

/* ---- key derivation contexts, kept per thread ------------------------------
 * A key derivation made from nothing fetches the KDF and then, from the
 * digest's name, the digest: most of what deriving one TLS 1.3 traffic
 * secret's key and IV cost (callgrind: 49,000 of 57,000 instructions). A
 * context with its mode and digest set is kept for each thread (OpenSSL 3.0
 * cannot duplicate an HKDF context, and a context is not shared between
 * threads) and given only the key and the label for each derivation; the
 * thread's exit frees them. Digests other than these get a new context.
 * Only HKDF: OpenSSL 3.0's TLS1-PRF appends each derivation's seed to the
 * last one's, and its HKDF keeps the last salt when given an empty one (and
 * fails on an empty info after a non-empty one), so a kept context is only
 * given non-empty parameters. */

enum { KDF_HKDF_EXPAND, KDF_HKDF_EXTRACT, KDF_KINDS };
static const char *const kdf_mds[] = {"SHA256", "SHA384"};
#define KDF_MDS (sizeof kdf_mds / sizeof kdf_mds[0])

typedef struct {
  EVP_KDF_CTX *c[KDF_KINDS][KDF_MDS];
} kdf_cache;

static pthread_key_t kdf_key;
static pthread_once_t kdf_once = PTHREAD_ONCE_INIT;
static bool kdf_key_ok;

static void kdf_cache_free(void *v) {
  kdf_cache *k = v;
  for (size_t i = 0; i < KDF_KINDS; i++)
    for (size_t j = 0; j < KDF_MDS; j++)
      EVP_KDF_CTX_free(k->c[i][j]);
  free(k);
}

static void kdf_key_make(void) {
  kdf_key_ok = pthread_key_create(&kdf_key, kdf_cache_free) == 0;
}

static EVP_KDF_CTX *kdf_new(int kind, const char *md) {
  EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
  EVP_KDF_CTX *c = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
  EVP_KDF_free(kdf);
  int mode =
      kind == KDF_HKDF_EXTRACT ? EVP_KDF_HKDF_MODE_EXTRACT_ONLY : EVP_KDF_HKDF_MODE_EXPAND_ONLY;
  OSSL_PARAM p[] = {OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)md, 0),
                    OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
                    OSSL_PARAM_construct_end()};
  if (c && EVP_KDF_CTX_set_params(c, p) != 1) {
    EVP_KDF_CTX_free(c);
    c = NULL;
  }
  return c;
}

/* A context of `kind` with digest md set, or NULL. *owned: the caller frees
 * it (EVP_KDF_CTX_free); otherwise it is the thread's and stays. `keep`:
 * every parameter the caller will give is non-empty (an expansion's info is
 * never empty: HkdfLabel has at least 4 bytes). */
static EVP_KDF_CTX *kdf_get(int kind, const char *md, bool keep, bool *owned) {
  *owned = true;
  size_t m = 0;
  while (m < KDF_MDS && strcmp(md, kdf_mds[m]))
    m++;
  if (!keep || m == KDF_MDS || pthread_once(&kdf_once, kdf_key_make) != 0 || !kdf_key_ok)
    return kdf_new(kind, md);
  kdf_cache *k = pthread_getspecific(kdf_key);
  if (!k) {
    if (!(k = calloc(1, sizeof *k)))
      return kdf_new(kind, md);
    if (pthread_setspecific(kdf_key, k) != 0) {
      free(k);
      return kdf_new(kind, md);
    }
  }
  if (!k->c[kind][m] && !(k->c[kind][m] = kdf_new(kind, md)))
    return NULL;
  *owned = false;
  return k->c[kind][m];
}

static void kdf_put(EVP_KDF_CTX *c, bool owned) {
  if (owned)
    EVP_KDF_CTX_free(c);
}

/* One HKDF derivation of `kind` with digest md: the key (KEY) and the
 * salt (extract) or info (expand) v2. DX_TLS_DEC_OK, DX_TLS_DEC_NOMEM
 * without a context, else derive_fail. */
static int hkdf_run(int kind, const char *md, const uint8_t *key, size_t keylen, const uint8_t *v2,
                    size_t v2len, uint8_t *out, size_t outlen, int derive_fail) {
  bool owned;
  EVP_KDF_CTX *kc = kdf_get(kind, md, keylen && v2len, &owned);
  int rc = kc ? derive_fail : DX_TLS_DEC_NOMEM;
  if (kc) {
    const char *name = kind == KDF_HKDF_EXTRACT ? OSSL_KDF_PARAM_SALT : OSSL_KDF_PARAM_INFO;
    OSSL_PARAM p[] = {OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)key, keylen),
                      OSSL_PARAM_construct_octet_string(name, (void *)v2, v2len),
                      OSSL_PARAM_construct_end()};
    if (EVP_KDF_derive(kc, out, outlen, p) == 1)
      rc = DX_TLS_DEC_OK;
  }
  kdf_put(kc, owned);
  clear_errors();
  return rc;
}

int dx_hkdf_extract(const char *md, const uint8_t *salt, size_t saltlen, const uint8_t *ikm,
                    size_t ikmlen, uint8_t *out, size_t outlen) {
  if (!md || (!salt && saltlen) || (!ikm && ikmlen) || !out)
    return DX_TLS_DEC_UNSUPPORTED;
  return hkdf_run(KDF_HKDF_EXTRACT, md, ikm, ikmlen, salt, saltlen, out, outlen,
                  DX_TLS_DEC_UNSUPPORTED);
}

/* The cipher named `name` with a reference of the caller's (EVP_CIPHER_free),
 * or NULL. The names of the suites this file decrypts and QUIC's header
 * protection are kept; another name is fetched each time. */
EVP_CIPHER *dx_cipher_fetch(const char *name) {
  static const char *const names[] = {
      "AES-128-GCM", "AES-256-GCM",      "ChaCha20-Poly1305", "AES-128-CCM",  "AES-256-CCM",
      "AES-128-CBC", "AES-256-CBC",      "DES-EDE3-CBC",      "AES-128-ECB",  "AES-256-ECB",
      "ChaCha20",    "CAMELLIA-128-CBC", "CAMELLIA-256-CBC",  "ARIA-128-GCM", "ARIA-256-GCM"};
  static _Atomic(EVP_CIPHER *) kept[sizeof names / sizeof names[0]];
  size_t i = 0;
  while (i < sizeof names / sizeof names[0] && (!name || strcmp(name, names[i])))
    i++;
  if (!name || i == sizeof names / sizeof names[0])
    return name ? EVP_CIPHER_fetch(NULL, name, NULL) : NULL;
  EVP_CIPHER *c = atomic_load(&kept[i]);
  if (!c) {
    EVP_CIPHER *made = EVP_CIPHER_fetch(NULL, name, NULL), *seen = NULL;
    if (!made)
      return NULL;
    if (atomic_compare_exchange_strong(&kept[i], &seen, made))
      c = made;
    else {
      EVP_CIPHER_free(made);
      c = seen;
    }
  }
  return EVP_CIPHER_up_ref(c) == 1 ? c : NULL;
}

/* ---- key derivation ---------------------------------------------------------- */

int dx_tls_prf(uint16_t version, const char *prf_md, const uint8_t *secret, size_t secretlen,
               const char *label, const uint8_t *seed, size_t seedlen, uint8_t *out,
               size_t outlen) {
  if (!secret || !label || (!seed && seedlen) || !out || !outlen)
    return DX_TLS_DEC_UNSUPPORTED;
  const char *md = version >= 0x0303 ? prf_md : "MD5-SHA1";
  if (!md)
    return DX_TLS_DEC_UNSUPPORTED;
  size_t ll = strlen(label);
  if (ll > 256 || seedlen > 1024)
    return DX_TLS_DEC_UNSUPPORTED;
  uint8_t ls[256 + 1024];
  memcpy(ls, label, ll);
  if (seedlen)
    memcpy(ls + ll, seed, seedlen);
  EVP_KDF *kdf = EVP_KDF_fetch(NULL, "TLS1-PRF", NULL);
  EVP_KDF_CTX *kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
  EVP_KDF_free(kdf);
  int rc = DX_TLS_DEC_NOMEM;
  if (kctx) {
    OSSL_PARAM p[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)md, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, (void *)secret, secretlen),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, ls, ll + seedlen),
        OSSL_PARAM_construct_end()};
    if (EVP_KDF_derive(kctx, out, outlen, p) == 1)
      rc = DX_TLS_DEC_OK;
  }
  EVP_KDF_CTX_free(kctx);
  OPENSSL_cleanse(ls, sizeof ls);
  clear_errors();
  return rc;
}

static bool version_ok(uint16_t version, const dx_tls_suite *cs) {
  if (version < 0x0300 || version > 0x0303 || is_tls13_suite(cs))
    return false;
  return !is_aead(cs) || version == 0x0303; /* AEAD suites are TLS 1.2 only */
}

/* SSL 3.0 (RFC 6101 6.1, 6.2.2): out = MD5(secret + SHA1("A" + secret +
 * r1 + r2)) + MD5(secret + SHA1("BB" + secret + r1 + r2)) + ..., cut at
 * outlen (at most 26 rounds of 16 bytes). */
static int ssl3_expand(const uint8_t *secret, size_t slen, const uint8_t r1[32],
                       const uint8_t r2[32], uint8_t *out, size_t outlen) {
  if (outlen > 16 * 26)
    return DX_TLS_DEC_UNSUPPORTED;
  EVP_MD_CTX *h = EVP_MD_CTX_new();
  EVP_MD *md5 = EVP_MD_fetch(NULL, "MD5", NULL), *sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
  int rc = h && md5 && sha1 ? DX_TLS_DEC_OK : DX_TLS_DEC_NOMEM;
  for (size_t i = 0, done = 0; rc == DX_TLS_DEC_OK && done < outlen; i++) {
    uint8_t label[26], sha[20], m5[16];
    memset(label, 'A' + (int)i, i + 1);
    if (EVP_DigestInit_ex(h, sha1, NULL) != 1 || EVP_DigestUpdate(h, label, i + 1) != 1 ||
        EVP_DigestUpdate(h, secret, slen) != 1 || EVP_DigestUpdate(h, r1, 32) != 1 ||
        EVP_DigestUpdate(h, r2, 32) != 1 || EVP_DigestFinal_ex(h, sha, NULL) != 1 ||
        EVP_DigestInit_ex(h, md5, NULL) != 1 || EVP_DigestUpdate(h, secret, slen) != 1 ||
        EVP_DigestUpdate(h, sha, 20) != 1 || EVP_DigestFinal_ex(h, m5, NULL) != 1) {
      rc = DX_TLS_DEC_NOMEM;
      break;
    }
    size_t n = outlen - done < 16 ? outlen - done : 16;
    memcpy(out + done, m5, n);
    done += n;
  }
  EVP_MD_CTX_free(h);
  EVP_MD_free(md5);
  EVP_MD_free(sha1);
  clear_errors();
  return rc;
}

int dx_tls12_make(uint16_t version, const dx_tls_suite *cs, const uint8_t ms[48],
                  const uint8_t client_random[32], const uint8_t server_random[32], bool etm,
                  dx_tls_dec **client_write, dx_tls_dec **server_write) {
  if (client_write)
    *client_write = NULL;
  if (server_write)
    *server_write = NULL;
  if (!cs || !ms || !client_random || !server_random || !client_write || !server_write ||
      !version_ok(version, cs))
    return DX_TLS_DEC_UNSUPPORTED;
  /* RFC 5246 6.3: key_block = PRF(master_secret, "key expansion",
   * server_random + client_random), cut into client_write_MAC_key,
   * server_write_MAC_key, client_write_key, server_write_key,
   * client_write_IV, server_write_IV. (TLS 1.1+ CBC records carry their own
   * IV; the IVs at the end of the block are then unused.) */
  uint8_t seed[64], kb[2 * (48 + 32 + 16)];
  memcpy(seed, server_random, 32);
  memcpy(seed + 32, client_random, 32);
  size_t need = 2u * cs->mac_len + 2u * cs->key_len + 2u * cs->fixed_iv_len;
  if (need > sizeof kb)
    return DX_TLS_DEC_UNSUPPORTED;
  int rc = version == 0x0300
               ? ssl3_expand(ms, 48, server_random, client_random, kb, need)
               : dx_tls_prf(version, cs->prf_md, ms, 48, "key expansion", seed, 64, kb, need);
  if (rc == DX_TLS_DEC_OK) {
    const uint8_t *cmac = kb, *smac = cmac + cs->mac_len;
    const uint8_t *ckey = smac + cs->mac_len, *skey = ckey + cs->key_len;
    const uint8_t *civ = skey + cs->key_len, *siv = civ + cs->fixed_iv_len;
    rc = make_state(cs, version, etm, cmac, ckey, civ, client_write);
    if (rc == DX_TLS_DEC_OK)
      rc = make_state(cs, version, etm, smac, skey, siv, server_write);
    if (rc != DX_TLS_DEC_OK) {
      dx_tls_dec_free(*client_write);
      *client_write = NULL;
    }
  }
  OPENSSL_cleanse(kb, sizeof kb);
  return rc;
}

int dx_tls12_master_secret(uint16_t version, const dx_tls_suite *cs, const uint8_t *pms,
                           size_t pmslen, const uint8_t client_random[32],
                           const uint8_t server_random[32], const uint8_t *session_hash,
                           size_t shlen, uint8_t ms[48]) {
  if (!cs || !pms || !pmslen || !ms || !version_ok(version, cs))
    return DX_TLS_DEC_UNSUPPORTED;
  if (version == 0x0300) /* RFC 6101 6.1 (no extended master secret) */
    return client_random && server_random
               ? ssl3_expand(pms, pmslen, client_random, server_random, ms, 48)
               : DX_TLS_DEC_UNSUPPORTED;
  if (session_hash) /* RFC 7627 4 */
    return dx_tls_prf(version, cs->prf_md, pms, pmslen, "extended master secret", session_hash,
                      shlen, ms, 48);
  if (!client_random || !server_random)
    return DX_TLS_DEC_UNSUPPORTED;
  uint8_t seed[64];
  memcpy(seed, client_random, 32);
  memcpy(seed + 32, server_random, 32);
  return dx_tls_prf(version, cs->prf_md, pms, pmslen, "master secret", seed, 64, ms, 48);
}

/* The HkdfLabel's prefix: "tls13 " (RFC 8446, drafts 20 and later), "TLS
 * 1.3, " before draft 20 (draft-ietf-tls-tls13-19 7.1). */
static const char *label_prefix(uint8_t draft) {
  return draft && draft < 20 ? "TLS 1.3, " : "tls13 ";
}

static int expand_label(uint8_t draft, const char *md, const uint8_t *secret, size_t secret_len,
                        const char *label, const uint8_t *context, size_t ctxlen, uint8_t *out,
                        size_t outlen) {
  if (!md || !secret || !label || (!context && ctxlen) || !out || outlen > 0xffff)
    return DX_TLS_DEC_UNSUPPORTED;
  /* struct { uint16 length; opaque label<7..255> = "tls13 " + Label;
   *          opaque context<0..255>; } HkdfLabel; */
  const char *pre = label_prefix(draft);
  size_t ll = strlen(label), pl = strlen(pre);
  if (pl + ll > 255 || ctxlen > 255)
    return DX_TLS_DEC_UNSUPPORTED;
  uint8_t info[2 + 1 + 255 + 1 + 255];
  size_t n = 0;
  info[n++] = (uint8_t)(outlen >> 8);
  info[n++] = (uint8_t)outlen;
  info[n++] = (uint8_t)(pl + ll);
  memcpy(info + n, pre, pl);
  n += pl;
  memcpy(info + n, label, ll);
  n += ll;
  info[n++] = (uint8_t)ctxlen;
  if (ctxlen)
    memcpy(info + n, context, ctxlen);
  n += ctxlen;
  return hkdf_run(KDF_HKDF_EXPAND, md, secret, secret_len, info, n, out, outlen, DX_TLS_DEC_NOMEM);
}

int dx_tls13_expand_label(const char *md, const uint8_t *secret, size_t secret_len,
                          const char *label, const uint8_t *context, size_t ctxlen, uint8_t *out,
                          size_t outlen) {
  return expand_label(0, md, secret, secret_len, label, context, ctxlen, out, outlen);
}

/* RFC 8446 7.3: the traffic key and IV from d->secret. */
static int tls13_keys(const dx_tls_suite *cs, uint8_t draft, const uint8_t *secret,
                      size_t secret_len, uint8_t *key, uint8_t *iv) {
  int rc = expand_label(draft, cs->prf_md, secret, secret_len, "key", NULL, 0, key, cs->key_len);
  if (rc == DX_TLS_DEC_OK)
    rc = expand_label(draft, cs->prf_md, secret, secret_len, "iv", NULL, 0, iv, 12);
  return rc;
}

int dx_tls13_make(const dx_tls_suite *cs, const uint8_t *secret, size_t secret_len,
                  dx_tls_dec **out) {
  return dx_tls13_make_draft(cs, 0, secret, secret_len, out);
}

int dx_tls13_make_draft(const dx_tls_suite *cs, uint8_t draft, const uint8_t *secret,
                        size_t secret_len, dx_tls_dec **out) {
  if (out)
    *out = NULL;
  if (!cs || !secret || !out || !is_tls13_suite(cs) || !is_aead(cs) || cs->fixed_iv_len != 12 ||
      secret_len != md_len(cs->prf_md))
    return DX_TLS_DEC_UNSUPPORTED;
  uint8_t key[32], iv[12];
  int rc = tls13_keys(cs, draft, secret, secret_len, key, iv);
  if (rc == DX_TLS_DEC_OK)
    rc = make_state(cs, 0x0304, false, NULL, key, iv, out);
  if (rc == DX_TLS_DEC_OK) {
    memcpy((*out)->secret, secret, secret_len);
    (*out)->secret_len = secret_len;
    (*out)->draft = draft;
  }
  OPENSSL_cleanse(key, sizeof key);
  return rc;
}

int dx_tls13_key_update(dx_tls_dec *d) {
  if (!d || !d->tls13 || !d->secret_len)
    return DX_TLS_DEC_UNSUPPORTED;
  uint8_t next[64], key[32], iv[12];
  int rc = expand_label(d->draft, d->cs->prf_md, d->secret, d->secret_len, "traffic upd", NULL, 0,
                        next, d->secret_len);
  if (rc == DX_TLS_DEC_OK)
    rc = tls13_keys(d->cs, d->draft, next, d->secret_len, key, iv);
  if (rc == DX_TLS_DEC_OK) {
    memcpy(d->key, key, d->cs->key_len);
    memcpy(d->iv, iv, 12);
    memcpy(d->secret, next, d->secret_len);
    d->seq = 0;
    rc = set_key(d);
  }
  OPENSSL_cleanse(next, sizeof next);
  OPENSSL_cleanse(key, sizeof key);
  return rc;
}

/* ---- RSA ----------------------------------------------------------------------- */

static int no_passphrase(char *buf, int size, int rwflag, void *u) {
  (void)buf;
  (void)size;
  (void)rwflag;
  (void)u;
  return -1;
}

EVP_PKEY *dx_tls_rsa_load(const char *path, char *errbuf, size_t errlen) {
  if (errbuf && errlen)
    errbuf[0] = '\0';
  if (!path)
    return NULL;
  FILE *f = fopen(path, "r");
  if (!f) {
    if (errbuf && errlen)
      snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
    return NULL;
  }
  EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, no_passphrase, NULL);
  fclose(f);
  if (!k) {
    if (errbuf && errlen) {
      char e[200];
      unsigned long code = ERR_peek_last_error();
      if (code)
        ERR_error_string_n(code, e, sizeof e);
      else
        snprintf(e, sizeof e, "no private key found");
      snprintf(errbuf, errlen, "%s: not a readable PEM private key (%s)", path, e);
    }
    clear_errors();
    return NULL;
  }
  clear_errors();
  if (!EVP_PKEY_is_a(k, "RSA")) {
    if (errbuf && errlen)
      snprintf(errbuf, errlen, "%s: not an RSA private key", path);
    EVP_PKEY_free(k);
    return NULL;
  }
  return k;
}

int dx_tls_rsa_decrypt_pms(EVP_PKEY *key, const uint8_t *enc, size_t enclen, uint8_t pms[48]) {
  if (!key || !enc || !pms)
    return DX_TLS_DEC_UNSUPPORTED;
  int ksz = EVP_PKEY_get_size(key);
  if (ksz <= 0 || ksz > 2048 || enclen != (size_t)ksz)
    return DX_TLS_DEC_SHORT;
  EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
  if (!pc)
    return DX_TLS_DEC_NOMEM;
  uint8_t buf[2048];
  size_t outl = sizeof buf;
  int rc = DX_TLS_DEC_BAD_TAG;
  if (EVP_PKEY_decrypt_init(pc) == 1 && EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PADDING) == 1 &&
      EVP_PKEY_decrypt(pc, buf, &outl, enc, enclen) == 1 && outl == 48) {
    memcpy(pms, buf, 48);
    rc = DX_TLS_DEC_OK;
  }
  EVP_PKEY_CTX_free(pc);
  OPENSSL_cleanse(buf, sizeof buf);
  clear_errors();
  return rc;
}

/* ---- records --------------------------------------------------------------------- */

static void put_u64(uint8_t *p, uint64_t v) {
  for (int i = 7; i >= 0; i--, v >>= 8)
    p[i] = (uint8_t)v;
}

/* nonce = iv XOR (zero-padded 64-bit big-endian seq) (RFC 7905 2, RFC 8446 5.3) */
static void xor_nonce(const dx_tls_dec *d, uint8_t nonce[12]) {
  uint8_t s[8];
  put_u64(s, d->seq);
  memcpy(nonce, d->iv, 12);
  for (int i = 0; i < 8; i++)
    nonce[4 + i] ^= s[i];
}

/* AEAD open: plen bytes at in, then the tag; out gets plen bytes. */
static int aead_open(dx_tls_dec *d, const uint8_t nonce[12], const uint8_t *aad, size_t aadlen,
                     const uint8_t *in, size_t plen, uint8_t *out) {
  EVP_CIPHER_CTX *c = d->ctx;
  const uint8_t *tag = in + plen;
  int ol = 0, fl = 0;
  if (d->cs->mode == DX_TLS_M_CCM || d->cs->mode == DX_TLS_M_CCM8) {
    /* CCM: tag and nonce first, then the total plaintext length, then the
     * additional data, then the data in one call, which checks the tag. */
    if (EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) != 1 ||
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, (int)d->taglen, (void *)tag) != 1 ||
        EVP_DecryptInit_ex(c, NULL, NULL, NULL, nonce) != 1 ||
        EVP_DecryptUpdate(c, NULL, &ol, NULL, (int)plen) != 1 ||
        (aadlen && EVP_DecryptUpdate(c, NULL, &ol, aad, (int)aadlen) != 1))
      return DX_TLS_DEC_NOMEM;
    uint8_t dummy;
    if (EVP_DecryptUpdate(c, plen ? out : &dummy, &ol, plen ? in : &dummy, (int)plen) != 1)
      return DX_TLS_DEC_BAD_TAG;
    return DX_TLS_DEC_OK;
  }
  if (EVP_DecryptInit_ex(c, NULL, NULL, NULL, nonce) != 1 ||
      (aadlen && EVP_DecryptUpdate(c, NULL, &ol, aad, (int)aadlen) != 1))
    return DX_TLS_DEC_NOMEM;
  if (plen && (EVP_DecryptUpdate(c, out, &ol, in, (int)plen) != 1 || (size_t)ol > plen))
    return DX_TLS_DEC_NOMEM;
  if (EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, (int)d->taglen, (void *)tag) != 1)
    return DX_TLS_DEC_NOMEM;
  uint8_t fin[32];
  if (EVP_DecryptFinal_ex(c, fin, &fl) != 1)
    return DX_TLS_DEC_BAD_TAG;
  return DX_TLS_DEC_OK;
}

static int dec_aead(dx_tls_dec *d, uint8_t ct, uint16_t version, const uint8_t *in, size_t len,
                    uint8_t *out, size_t *outlen, uint8_t *inner_ct) {
  uint8_t nonce[12], aad[13];
  size_t aadlen, plen;
  const uint8_t *body = in;
  if (d->tls13) {
    /* RFC 8446 5.2: additional_data = the record header */
    if (len < d->taglen + 1)
      return DX_TLS_DEC_SHORT;
    plen = len - d->taglen;
    xor_nonce(d, nonce);
    aad[0] = ct;
    aad[1] = (uint8_t)(version >> 8);
    aad[2] = (uint8_t)version;
    aad[3] = (uint8_t)(len >> 8);
    aad[4] = (uint8_t)len;
    /* drafts before 25 authenticate no additional data
     * (draft-ietf-tls-tls13-24 5.2) */
    aadlen = d->draft && d->draft < 25 ? 0 : 5;
  } else {
    if (d->cs->mode == DX_TLS_M_CHACHA) { /* RFC 7905 2 */
      if (len < d->taglen)
        return DX_TLS_DEC_SHORT;
      plen = len - d->taglen;
      xor_nonce(d, nonce);
    } else { /* RFC 5288 3, RFC 6655 3: fixed IV(4) || explicit nonce(8) */
      if (len < 8 + d->taglen)
        return DX_TLS_DEC_SHORT;
      plen = len - 8 - d->taglen;
      memcpy(nonce, d->iv, 4);
      memcpy(nonce + 4, in, 8);
      body = in + 8;
    }
    /* RFC 5246 6.2.3.3: seq_num + type + version + length (of the plaintext) */
    put_u64(aad, d->seq);
    aad[8] = ct;
    aad[9] = (uint8_t)(version >> 8);
    aad[10] = (uint8_t)version;
    aad[11] = (uint8_t)(plen >> 8);
    aad[12] = (uint8_t)plen;
    aadlen = 13;
  }
  int rc = aead_open(d, nonce, aad, aadlen, body, plen, out);
  if (rc == DX_TLS_DEC_NOMEM) {
    clear_errors();
    return rc;
  }
  d->seq++;
  if (rc != DX_TLS_DEC_OK) {
    clear_errors();
    return rc;
  }
  if (d->tls13) {
    /* RFC 8446 5.4: TLSInnerPlaintext = content || type || zeros */
    while (plen > 0 && out[plen - 1] == 0)
      plen--;
    if (plen == 0)
      return DX_TLS_DEC_BAD_TAG;
    *inner_ct = out[--plen];
  } else {
    *inner_ct = ct;
  }
  *outlen = plen;
  return DX_TLS_DEC_OK;
}

/* SSL 3.0 (RFC 6101 5.2.3.1): hash(secret + pad_2 + hash(secret + pad_1 +
 * seq_num + type + length + content)), pads of 0x36 / 0x5c, 48 bytes for
 * MD5 and 40 for SHA-1. */
static bool ssl3_mac_ok(dx_tls_dec *d, uint8_t ct, const uint8_t *data, size_t n,
                        const uint8_t *expect) {
  size_t ml = d->cs->mac_len, padn = ml == 16 ? 48 : 40;
  uint8_t hdr[11], pad1[48], pad2[48], inner[64], mac[64];
  put_u64(hdr, d->seq);
  hdr[8] = ct;
  hdr[9] = (uint8_t)(n >> 8);
  hdr[10] = (uint8_t)n;
  memset(pad1, 0x36, sizeof pad1);
  memset(pad2, 0x5c, sizeof pad2);
  EVP_MD_CTX *h = EVP_MD_CTX_new();
  EVP_MD *md = EVP_MD_fetch(NULL, d->cs->mac_md, NULL);
  unsigned il = 0, ol = 0;
  bool ok = h && md && EVP_MD_get_size(md) == (int)ml && EVP_DigestInit_ex(h, md, NULL) == 1 &&
            EVP_DigestUpdate(h, d->mac_key, ml) == 1 && EVP_DigestUpdate(h, pad1, padn) == 1 &&
            EVP_DigestUpdate(h, hdr, 11) == 1 && (!n || EVP_DigestUpdate(h, data, n) == 1) &&
            EVP_DigestFinal_ex(h, inner, &il) == 1 && EVP_DigestInit_ex(h, md, NULL) == 1 &&
            EVP_DigestUpdate(h, d->mac_key, ml) == 1 && EVP_DigestUpdate(h, pad2, padn) == 1 &&
            EVP_DigestUpdate(h, inner, il) == 1 && EVP_DigestFinal_ex(h, mac, &ol) == 1 &&
            ol == ml && CRYPTO_memcmp(mac, expect, ml) == 0;
  EVP_MD_CTX_free(h);
  EVP_MD_free(md);
  clear_errors();
  return ok;
}

/* HMAC(mac_key, seq || type || version || length || data) (RFC 5246 6.2.3.1) */
static bool mac_ok(dx_tls_dec *d, uint8_t ct, uint16_t version, const uint8_t *data, size_t n,
                   const uint8_t *expect) {
  if (d->version == 0x0300)
    return ssl3_mac_ok(d, ct, data, n, expect);
  uint8_t hdr[13], mac[64];
  size_t ml = 0;
  put_u64(hdr, d->seq);
  hdr[8] = ct;
  hdr[9] = (uint8_t)(version >> 8);
  hdr[10] = (uint8_t)version;
  hdr[11] = (uint8_t)(n >> 8);
  hdr[12] = (uint8_t)n;
  if (EVP_MAC_init(d->mac, NULL, 0, NULL) != 1 || EVP_MAC_update(d->mac, hdr, 13) != 1 ||
      (n && EVP_MAC_update(d->mac, data, n) != 1) ||
      EVP_MAC_final(d->mac, mac, &ml, sizeof mac) != 1 || ml != d->cs->mac_len) {
    clear_errors();
    return false;
  }
  return CRYPTO_memcmp(mac, expect, ml) == 0;
}

/* CBC-decrypts n bytes (a multiple of the block size) with iv into out and
 * checks the padding (RFC 5246 6.2.3.2); *content = bytes before it. */
static int cbc_open(dx_tls_dec *d, const uint8_t *iv, const uint8_t *in, size_t n, uint8_t *out,
                    size_t *content) {
  int ol = 0;
  if (EVP_DecryptInit_ex(d->ctx, NULL, NULL, NULL, iv) != 1 ||
      EVP_CIPHER_CTX_set_padding(d->ctx, 0) != 1 ||
      EVP_DecryptUpdate(d->ctx, out, &ol, in, (int)n) != 1 || (size_t)ol != n) {
    clear_errors();
    return DX_TLS_DEC_NOMEM;
  }
  size_t pad = out[n - 1];
  if (pad + 1 > n || (d->version == 0x0300 && pad + 1 > d->block))
    return DX_TLS_DEC_BAD_TAG;
  /* SSL 3.0 (RFC 6101 5.2.3.2): the padding bytes are arbitrary, shorter
   * than a block */
  for (size_t i = n - 1 - pad; d->version != 0x0300 && i < n - 1; i++)
    if (out[i] != pad)
      return DX_TLS_DEC_BAD_TAG;
  *content = n - 1 - pad;
  return DX_TLS_DEC_OK;
}

static int dec_cbc(dx_tls_dec *d, uint8_t ct, uint16_t version, const uint8_t *in, size_t len,
                   uint8_t *out, size_t *outlen, uint8_t *inner_ct) {
  size_t bs = d->block, ml = d->cs->mac_len;
  size_t ivlen = d->version >= 0x0302 ? bs : 0; /* TLS 1.1+: explicit IV */
  size_t enc_len;                               /* bytes under the cipher */
  if (d->etm) {                                 /* RFC 7366 3: IV || ciphertext || MAC */
    if (len < ivlen + ml)
      return DX_TLS_DEC_SHORT;
    enc_len = len - ivlen - ml;
    if (enc_len < bs || enc_len % bs)
      return DX_TLS_DEC_SHORT;
  } else { /* IV || E(content || MAC || padding || padding_length) */
    if (len < ivlen)
      return DX_TLS_DEC_SHORT;
    enc_len = len - ivlen;
    if (enc_len < ml + 1 || enc_len < bs || enc_len % bs)
      return DX_TLS_DEC_SHORT;
  }
  const uint8_t *enc = in + ivlen;
  uint8_t iv[16];
  memcpy(iv, ivlen ? in : d->iv, bs);
  size_t content = 0;
  int rc;
  if (d->etm) {
    rc = mac_ok(d, ct, version, in, ivlen + enc_len, in + ivlen + enc_len) ? DX_TLS_DEC_OK
                                                                           : DX_TLS_DEC_BAD_TAG;
    if (rc == DX_TLS_DEC_OK)
      rc = cbc_open(d, iv, enc, enc_len, out, &content);
  } else {
    rc = cbc_open(d, iv, enc, enc_len, out, &content);
    if (rc == DX_TLS_DEC_OK && content < ml)
      rc = DX_TLS_DEC_BAD_TAG;
    if (rc == DX_TLS_DEC_OK) {
      content -= ml;
      if (!mac_ok(d, ct, version, out, content, out + content))
        rc = DX_TLS_DEC_BAD_TAG;
    }
  }
  if (rc == DX_TLS_DEC_NOMEM)
    return rc;
  if (!ivlen) /* TLS 1.0: the next record's IV is this one's last ciphertext block */
    memcpy(d->iv, enc + enc_len - bs, bs);
  d->seq++;
  if (rc != DX_TLS_DEC_OK)
    return rc;
  *outlen = content;
  *inner_ct = ct;
  return DX_TLS_DEC_OK;
}

static int dec_null(dx_tls_dec *d, uint8_t ct, uint16_t version, const uint8_t *in, size_t len,
                    uint8_t *out, size_t *outlen, uint8_t *inner_ct) {
  size_t ml = d->cs->mac_len;
  if (len < ml)
    return DX_TLS_DEC_SHORT;
  size_t n = len - ml;
  bool ok = mac_ok(d, ct, version, in, n, in + n);
  d->seq++;
  if (!ok)
    return DX_TLS_DEC_BAD_TAG;
  if (n)
    memcpy(out, in, n);
  *outlen = n;
  *inner_ct = ct;
  return DX_TLS_DEC_OK;
}

int dx_tls_decrypt(dx_tls_dec *d, uint8_t ct, uint16_t version, const uint8_t *in, size_t len,
                   uint8_t *out, size_t *outlen, uint8_t *inner_ct) {
  if (!d || (!in && len) || !out || !outlen || !inner_ct || len > 0xffff)
    return DX_TLS_DEC_UNSUPPORTED;
  *outlen = 0;
  if (!in) /* len == 0: too short for any suite */
    return DX_TLS_DEC_SHORT;
  switch (d->cs->mode) {
  case DX_TLS_M_GCM:
  case DX_TLS_M_CCM:
  case DX_TLS_M_CCM8:
  case DX_TLS_M_CHACHA: return dec_aead(d, ct, version, in, len, out, outlen, inner_ct);
  case DX_TLS_M_CBC: return dec_cbc(d, ct, version, in, len, out, outlen, inner_ct);
  case DX_TLS_M_NULL: return dec_null(d, ct, version, in, len, out, outlen, inner_ct);
  default: return DX_TLS_DEC_UNSUPPORTED;
  }
}
