/* The TLS 1.0-1.2 PRF (RFC 5246 5; MD5-SHA1 for TLS 1.0/1.1) straight from
 * OpenSSL's TLS1-PRF KDF, independently of the library: the second
 * implementation the TLS unit tests compute expected secrets and keys with
 * (test_tls_decrypt.c, test_tls_sessions.c). Needs CUnit (testutil.h). */
#ifndef DX_OSSLPRF_H
#define DX_OSSLPRF_H

#include <CUnit/CUnit.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <stdint.h>
#include <string.h>

static inline void ossl_prf(const char *md, const uint8_t *secret, size_t slen, const char *label,
                            const uint8_t *seed, size_t seedlen, uint8_t *out, size_t outlen) {
  uint8_t ls[256];
  size_t ll = strlen(label);
  memcpy(ls, label, ll);
  memcpy(ls + ll, seed, seedlen);
  EVP_KDF *kdf = EVP_KDF_fetch(NULL, "TLS1-PRF", NULL);
  EVP_KDF_CTX *k = EVP_KDF_CTX_new(kdf);
  OSSL_PARAM p[] = {OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)md, 0),
                    OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, (void *)secret, slen),
                    OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, ls, ll + seedlen),
                    OSSL_PARAM_construct_end()};
  CU_ASSERT_FATAL(EVP_KDF_derive(k, out, outlen, p) == 1);
  EVP_KDF_CTX_free(k);
  EVP_KDF_free(kdf);
}

#endif
