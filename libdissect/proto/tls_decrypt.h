/* TLS decryption core: key derivation and record decryption, one direction
 * of one connection per dx_tls_dec state. All cryptography is OpenSSL 3
 * libcrypto (EVP_CIPHER, EVP_MAC HMAC, EVP_KDF TLS1-PRF and HKDF, EVP_PKEY).
 *   TLS 1.0-1.2: PRF and key block (RFC 2246 5/6.3, RFC 4346 6.3,
 *     RFC 5246 5/6.3/8.1), extended master secret (RFC 7627 4),
 *     CBC MAC-then-encrypt (RFC 5246 6.2.3.2, TLS 1.0 chained IV: RFC 2246
 *     6.2.3.2), encrypt-then-MAC (RFC 7366), AES-GCM (RFC 5288), AES-CCM
 *     (RFC 6655), ChaCha20-Poly1305 (RFC 7905).
 *   TLS 1.3: HKDF-Expand-Label, traffic keys, KeyUpdate, record protection
 *     and inner content type (RFC 8446 5.2-5.4, 7.1-7.3).
 * Used by tls.c with secrets from core/keylog.h. */
#ifndef LIBDISSECT_PROTO_TLS_DECRYPT_H
#define LIBDISSECT_PROTO_TLS_DECRYPT_H

#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct dx_tls_suite {
  uint16_t id;
  enum {
    DX_TLS_M_NULL,
    DX_TLS_M_CBC,
    DX_TLS_M_GCM,
    DX_TLS_M_CCM,
    DX_TLS_M_CCM8,
    DX_TLS_M_CHACHA,
    DX_TLS_M_STREAM
  } mode;
  const char *cipher; /* OpenSSL cipher name, e.g. "AES-128-GCM"; NULL for DX_TLS_M_NULL */
  uint8_t key_len;
  uint8_t fixed_iv_len; /* 4 for 1.2 GCM/CCM, 12 for ChaCha and 1.3, block size for CBC */
  uint8_t mac_len;      /* HMAC output for CBC (and NULL) suites, 0 for AEAD */
  const char *mac_md;   /* "SHA1", "SHA256", "SHA384", NULL for AEAD */
  const char *prf_md;   /* TLS1.2 PRF / TLS1.3 HKDF hash: "SHA256" or "SHA384" */
} dx_tls_suite;

/* The suite's decryption parameters, NULL if we cannot decrypt it (unknown,
 * export, RC4, ...). TLS 1.3 suites are 0x13xx. */
const dx_tls_suite *dx_tls_suite_find(uint16_t id);

/* One direction's cipher state (key, iv, MAC key, sequence number, CBC
 * residue, TLS 1.3 traffic secret for KeyUpdate, cached OpenSSL contexts). */
typedef struct dx_tls_dec dx_tls_dec;

enum {
  DX_TLS_DEC_OK = 0,
  DX_TLS_DEC_BAD_TAG = -1,     /* AEAD tag or MAC check failed, bad CBC padding, or a TLS 1.3
                                  plaintext of only zeros */
  DX_TLS_DEC_SHORT = -2,       /* record too short (or of a bad length) for its cipher */
  DX_TLS_DEC_UNSUPPORTED = -3, /* suite/version combination we cannot handle, or bad arguments */
  DX_TLS_DEC_NOMEM = -4        /* allocation or an OpenSSL call failed */
};

/* The TLS PRF (RFC 5246 5; for version < 0x0303 the TLS 1.0/1.1 PRF,
 * P_MD5 XOR P_SHA1, RFC 2246 5): out = PRF(secret, label, seed)[0..outlen).
 * prf_md ("SHA256"/"SHA384") is used for TLS 1.2 only. */
int dx_tls_prf(uint16_t version, const char *prf_md, const uint8_t *secret, size_t secretlen,
               const char *label, const uint8_t *seed, size_t seedlen, uint8_t *out, size_t outlen);

/* TLS 1.0-1.2: derives the key block (RFC 5246 6.3; TLS 1.0/1.1 use the
 * MD5/SHA-1 PRF, 1.2 the suite's prf_md) from the 48-byte master secret and
 * both randoms, and makes the two directions' states (freed with
 * dx_tls_dec_free). etm: encrypt-then-MAC (RFC 7366) was negotiated (only
 * meaningful for CBC suites). Returns DX_TLS_DEC_OK or a negative status
 * (both outputs NULL then). */
int dx_tls12_make(uint16_t version, const dx_tls_suite *cs, const uint8_t ms[48],
                  const uint8_t client_random[32], const uint8_t server_random[32], bool etm,
                  dx_tls_dec **client_write, dx_tls_dec **server_write);

/* Master secret from a premaster (RSA key exchange): RFC 5246 8.1, or
 * RFC 7627 4 extended master secret when session_hash != NULL. */
int dx_tls12_master_secret(uint16_t version, const dx_tls_suite *cs, const uint8_t *pms,
                           size_t pmslen, const uint8_t client_random[32],
                           const uint8_t server_random[32], const uint8_t *session_hash,
                           size_t shlen, uint8_t ms[48]);

/* RSA: loads a PEM (PKCS#8 or traditional) private key file (never prompts
 * for a passphrase: encrypted keys fail); NULL with errbuf "FILE: reason" on
 * failure or if the key is not RSA. Free with EVP_PKEY_free. */
EVP_PKEY *dx_tls_rsa_load(const char *path, char *errbuf, size_t errlen);
/* Decrypts an encrypted premaster (PKCS#1 v1.5, the ClientKeyExchange body
 * without its 2-byte length) to the 48-byte premaster secret.
 * DX_TLS_DEC_BAD_TAG if decryption fails or the result is not 48 bytes. */
int dx_tls_rsa_decrypt_pms(EVP_PKEY *key, const uint8_t *enc, size_t enclen, uint8_t pms[48]);

/* HKDF-Extract (RFC 5869 2.2) with hash md ("SHA256", ...) into out
 * (outlen bytes, the hash's length): DX_TLS_DEC_OK or an error. */
int dx_hkdf_extract(const char *md, const uint8_t *salt, size_t saltlen, const uint8_t *ikm,
                    size_t ikmlen, uint8_t *out, size_t outlen);

/* The OpenSSL cipher named `name` (EVP_CIPHER_fetch's names), with a
 * reference the caller frees with EVP_CIPHER_free; NULL if unknown. The
 * ciphers of TLS and QUIC are fetched once for the process. */
EVP_CIPHER *dx_cipher_fetch(const char *name);

/* TLS 1.3 HKDF-Expand-Label (RFC 8446 7.1) with hash md ("SHA256"...):
 * out = HKDF-Expand(secret, HkdfLabel(outlen, "tls13 " label, context), outlen). */
int dx_tls13_expand_label(const char *md, const uint8_t *secret, size_t secret_len,
                          const char *label, const uint8_t *context, size_t ctxlen, uint8_t *out,
                          size_t outlen);

/* TLS 1.3 (RFC 8446 7.3): key = HKDF-Expand-Label(secret,"key","",key_len),
 * iv likewise "iv" 12. cs must be a TLS 1.3 suite; secret_len is the
 * suite hash's length. */
int dx_tls13_make(const dx_tls_suite *cs, const uint8_t *secret, size_t secret_len,
                  dx_tls_dec **out);
/* The same for a draft of TLS 1.3 (draft: its number, 0 for RFC 8446):
 * before draft 20 the HKDF labels begin "TLS 1.3, " instead of "tls13 ",
 * before draft 25 the records authenticate no additional data. */
int dx_tls13_make_draft(const dx_tls_suite *cs, uint8_t draft, const uint8_t *secret,
                        size_t secret_len, dx_tls_dec **out);

/* KeyUpdate (RFC 8446 7.2): secret_{n+1} = HKDF-Expand-Label(secret_n,
 * "traffic upd", "", Hash.length); new key/iv, sequence number back to 0.
 * DX_TLS_DEC_UNSUPPORTED for a TLS <= 1.2 state. */
int dx_tls13_key_update(dx_tls_dec *d);

/* Decrypts one record body (bytes after the 5-byte header; ct and version
 * are the header's). out must hold len bytes (it may not overlap in).
 * On OK, *outlen = plaintext length; for TLS 1.3 *inner_ct = the real
 * content type with padding removed (RFC 8446 5.4); for <=1.2 *inner_ct =
 * ct. The sequence number advances on every call that reached the cipher
 * (success or BAD_TAG), so one bad record does not desynchronise the next;
 * SHORT and UNSUPPORTED leave it (and the TLS 1.0 CBC IV) alone.
 * Bodies longer than 65535 bytes (impossible in a record) are UNSUPPORTED. */
int dx_tls_decrypt(dx_tls_dec *d, uint8_t ct, uint16_t version, const uint8_t *in, size_t len,
                   uint8_t *out, size_t *outlen, uint8_t *inner_ct);

uint64_t dx_tls_dec_seq(const dx_tls_dec *d);
/* Sets the sequence number of the next record: after a failed trial
 * decryption (RFC 8446 4.2.10: a server skips early data it cannot open),
 * the record did not count. NULL is fine. */
void dx_tls_dec_set_seq(dx_tls_dec *d, uint64_t seq);
const dx_tls_suite *dx_tls_dec_suite(const dx_tls_dec *d);
void dx_tls_dec_free(dx_tls_dec *d); /* NULL is fine */

#endif
