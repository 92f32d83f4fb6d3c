/* Unit tests of the TLS decryption core (proto/tls_decrypt.c) and the key
 * log store (core/keylog.c). Expected values come from a second source:
 *   - RFC 8448 section 3 (Simple 1-RTT Handshake): server handshake traffic
 *     key/iv, the server's encrypted flight, the client's application data;
 *   - the TLS 1.2 PRF (P_SHA256) vector published on the IETF TLS list
 *     (secret 9bbe436b..., "test label", 100 bytes e3f229ba...);
 *   - samples/https-tls12.pcap and https-tls13.pcap with their key logs:
 *     randoms and record bytes read with tshark, and tshark -o
 *     tls.keylog_file shows the decrypted "GET /index.html HTTP/1.1";
 *   - records built here with OpenSSL EVP directly, as RFC 5246 6.2.3.2,
 *     RFC 7366 and RFC 8446 5.2 describe them (CBC, CCM, ChaCha, KeyUpdate). */
#include "core/keylog.h"
#include "osslprf.h"
#include "proto/tls_decrypt.h"
#include "proto/tls_tables.h"
#include "testutil.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- helpers ---------------------------------------------------------------- */

/* Hex (spaces allowed) into out; returns the byte count. */
static size_t unhex(const char *s, uint8_t *out, size_t cap) {
  size_t n = 0;
  int hi = -1;
  for (; *s; s++) {
    int v;
    if (*s >= '0' && *s <= '9')
      v = *s - '0';
    else if (*s >= 'a' && *s <= 'f')
      v = *s - 'a' + 10;
    else if (*s >= 'A' && *s <= 'F')
      v = *s - 'A' + 10;
    else
      continue;
    if (hi < 0) {
      hi = v;
    } else {
      if (n < cap)
        out[n] = (uint8_t)(hi << 4 | v);
      n++;
      hi = -1;
    }
  }
  CU_ASSERT_FATAL(n <= cap);
  return n;
}

/* Decrypts a copy of exactly len bytes (so ASan sees any over-read). */
static int dec(dx_tls_dec *d, uint8_t ct, uint16_t ver, const uint8_t *in, size_t len, uint8_t *out,
               size_t *outlen, uint8_t *inner) {
  uint8_t *copy = malloc(len ? len : 1);
  CU_ASSERT_FATAL(copy != NULL);
  if (len)
    memcpy(copy, in, len);
  int rc = dx_tls_decrypt(d, ct, ver, copy, len, out, outlen, inner);
  free(copy);
  return rc;
}

/* samples/NAME, found from this source file's path. */
static bool sample_path(const char *name, char *out, size_t cap) {
  const char *me = __FILE__, *cut = strstr(me, "tests/unit/");
  if (!cut)
    return false;
  int n = snprintf(out, cap, "%.*ssamples/%s", (int)(cut - me), me, name);
  return n > 0 && (size_t)n < cap;
}

static void put_u64(uint8_t *p, uint64_t v) {
  for (int i = 7; i >= 0; i--, v >>= 8)
    p[i] = (uint8_t)v;
}

static void hmac(const char *md, const uint8_t *key, size_t klen, const uint8_t *a, size_t alen,
                 const uint8_t *b, size_t blen, uint8_t *out) {
  EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
  EVP_MAC_CTX *c = EVP_MAC_CTX_new(m);
  OSSL_PARAM p[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)md, 0),
                    OSSL_PARAM_construct_end()};
  size_t ol = 0;
  CU_ASSERT_FATAL(EVP_MAC_init(c, key, klen, p) == 1);
  EVP_MAC_update(c, a, alen);
  if (blen)
    EVP_MAC_update(c, b, blen);
  CU_ASSERT_FATAL(EVP_MAC_final(c, out, &ol, 64) == 1);
  EVP_MAC_CTX_free(c);
  EVP_MAC_free(m);
}

/* One-shot AEAD seal with EVP: out = ciphertext || tag. */
static size_t aead_seal(const char *cipher, bool ccm, size_t taglen, const uint8_t *key,
                        const uint8_t nonce[12], const uint8_t *aad, size_t aadlen,
                        const uint8_t *pt, size_t ptlen, uint8_t *out) {
  EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, cipher, NULL);
  EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
  int ol = 0;
  CU_ASSERT_FATAL(c && x);
  CU_ASSERT_FATAL(EVP_EncryptInit_ex(x, c, NULL, NULL, NULL) == 1);
  CU_ASSERT_FATAL(EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) == 1);
  if (ccm)
    CU_ASSERT_FATAL(EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_TAG, (int)taglen, NULL) == 1);
  CU_ASSERT_FATAL(EVP_EncryptInit_ex(x, NULL, NULL, key, nonce) == 1);
  if (ccm)
    CU_ASSERT_FATAL(EVP_EncryptUpdate(x, NULL, &ol, NULL, (int)ptlen) == 1);
  CU_ASSERT_FATAL(EVP_EncryptUpdate(x, NULL, &ol, aad, (int)aadlen) == 1);
  CU_ASSERT_FATAL(EVP_EncryptUpdate(x, out, &ol, pt, (int)ptlen) == 1);
  int fl = 0;
  CU_ASSERT_FATAL(EVP_EncryptFinal_ex(x, out + ol, &fl) == 1);
  CU_ASSERT_FATAL(EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_GET_TAG, (int)taglen, out + ptlen) == 1);
  EVP_CIPHER_CTX_free(x);
  EVP_CIPHER_free(c);
  return ptlen + taglen;
}

/* Every body length 0..len-1 must fail cleanly (never OK, never a crash). */
static void truncations(dx_tls_dec *d, uint8_t ct, uint16_t ver, const uint8_t *rec, size_t len) {
  uint8_t out[2048], inner = 0;
  size_t ol = 0;
  for (size_t n = 0; n < len; n++) {
    int rc = dec(d, ct, ver, rec, n, out, &ol, &inner);
    CU_ASSERT(rc == DX_TLS_DEC_SHORT || rc == DX_TLS_DEC_BAD_TAG);
  }
}

/* ---- TLS 1.3: RFC 8448 section 3 --------------------------------------------- */

static const char rfc8448_s_hs_secret[] = "b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d 37 b4"
                                          "e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 ad 38";
static const char rfc8448_s_hs_key[] = "3f ce 51 60 09 c2 17 27 d0 f2 e4 e8 6e e4 03 bc";
static const char rfc8448_s_hs_iv[] = "5d 31 3e b2 67 12 76 ee 13 00 0b 30";
/* {server} send handshake record: complete record (679 octets) */
static const char rfc8448_s_flight[] =
    "17 03 03 02 a2 d1 ff 33 4a 56 f5 bf f6 59 4a 07 cc 87 b5 80 23 3f 50 0f 45 e4 89 e7 f3 3a f3 "
    "5e df 78 69 fc f4 0a a4 0a a2 b8 ea 73 f8 48 a7 ca 07 61 2e f9 f9 45 cb 96 0b 40 68 90 51 23 "
    "ea 78 b1 11 b4 29 ba 91 91 cd 05 d2 a3 89 28 0f 52 61 34 aa dc 7f c7 8c 4b 72 9d f8 28 b5 ec "
    "f7 b1 3b d9 ae fb 0e 57 f2 71 58 5b 8e a9 bb 35 5c 7c 79 02 07 16 cf b9 b1 18 3e f3 ab 20 e3 "
    "7d 57 a6 b9 d7 47 76 09 ae e6 e1 22 a4 cf 51 42 73 25 25 0c 7d 0e 50 92 89 44 4c 9b 3a 64 8f "
    "1d 71 03 5d 2e d6 5b 0e 3c dd 0c ba e8 bf 2d 0b 22 78 12 cb b3 60 98 72 55 cc 74 41 10 c4 53 "
    "ba a4 fc d6 10 92 8d 80 98 10 e4 b7 ed 1a 8f d9 91 f0 6a a6 24 82 04 79 7e 36 a6 a7 3b 70 a2 "
    "55 9c 09 ea d6 86 94 5b a2 46 ab 66 e5 ed d8 04 4b 4c 6d e3 fc f2 a8 94 41 ac 66 27 2f d8 fb "
    "33 0e f8 19 05 79 b3 68 45 96 c9 60 bd 59 6e ea 52 0a 56 a8 d6 50 f5 63 aa d2 74 09 96 0d ca "
    "63 d3 e6 88 61 1e a5 e2 2f 44 15 cf 95 38 d5 1a 20 0c 27 03 42 72 96 8a 26 4e d6 54 0c 84 83 "
    "8d 89 f7 2c 24 46 1a ad 6d 26 f5 9e ca ba 9a cb bb 31 7b 66 d9 02 f4 f2 92 a3 6a c1 b6 39 c6 "
    "37 ce 34 31 17 b6 59 62 22 45 31 7b 49 ee da 0c 62 58 f1 00 d7 d9 61 ff b1 38 64 7e 92 ea 33 "
    "0f ae ea 6d fa 31 c7 a8 4d c3 bd 7e 1b 7a 6c 71 78 af 36 87 90 18 e3 f2 52 10 7f 24 3d 24 3d "
    "c7 33 9d 56 84 c8 b0 37 8b f3 02 44 da 8c 87 c8 43 f5 e5 6e b4 c5 e8 28 0a 2b 48 05 2c f9 3b "
    "16 49 9a 66 db 7c ca 71 e4 59 94 26 f7 d4 61 e6 6f 99 88 2b d8 9f c5 08 00 be cc a6 2d 6c 74 "
    "11 6d bd 29 72 fd a1 fa 80 f8 5d f8 81 ed be 5a 37 66 89 36 b3 35 58 3b 59 91 86 dc 5c 69 18 "
    "a3 96 fa 48 a1 81 d6 b6 fa 4f 9d 62 d5 13 af bb 99 2f 2b 99 2f 67 f8 af e6 7f 76 91 3f a3 88 "
    "cb 56 30 c8 ca 01 e0 c6 5d 11 c6 6a 1e 2a c4 c8 59 77 b7 c7 a6 99 9b bf 10 dc 35 ae 69 f5 51 "
    "56 14 63 6c 0b 9b 68 c1 9e d2 e3 1c 0b 3b 66 76 30 38 eb ba 42 f3 b3 8e dc 03 99 f3 a9 f2 3f "
    "aa 63 97 8c 31 7f c9 fa 66 a7 3f 60 f0 50 4d e9 3b 5b 84 5e 27 55 92 c1 23 35 ee 34 0b bc 4f "
    "dd d5 02 78 40 16 e4 b3 be 7e f0 4d da 49 f4 b4 40 a3 0c b5 d2 af 93 98 28 fd 4a e3 79 4e 44 "
    "f9 4d f5 a6 31 ed e4 2c 17 19 bf da bf 02 53 fe 51 75 be 89 8e 75 0e dc 53 37 0d 2b";
/* EncryptedExtensions (40 octets), the flight's first message */
static const char rfc8448_ee[] = "08 00 00 24 00 22 00 0a 00 14 00 12 00 1d 00 17 00 18 00 19 01 00"
                                 "01 01 01 02 01 03 01 04 00 1c 00 02 40 01 00 00 00 00";
/* {client} derive write traffic keys for application data / send application_data record */
static const char rfc8448_c_ap_secret[] = "9e 40 64 6c e7 9a 7f 9d c0 5a f8 88 9b ce 65 52"
                                          "87 5a fa 0b 06 df 00 87 f7 92 eb b7 c1 75 04 a5";
static const char rfc8448_c_app_rec[] =
    "17 03 03 00 43 a2 3f 70 54 b6 2c 94 d0 af fa fe 82 28 ba 55 cb ef ac ea 42 f9 14 aa 66 bc ab "
    "3f 2b 98 19 a8 a5 b4 6b 39 5b d5 4a 9a 20 44 1e 2b 62 97 4e 1f 5a 62 92 a2 97 70 14 bd 1e 3d "
    "ea e6 3a ee bb 21 69 49 15 e4";

static void test_rfc8448_keys(void) {
  uint8_t secret[32], want_key[16], want_iv[12], key[16], iv[12];
  unhex(rfc8448_s_hs_secret, secret, sizeof secret);
  unhex(rfc8448_s_hs_key, want_key, sizeof want_key);
  unhex(rfc8448_s_hs_iv, want_iv, sizeof want_iv);
  CU_ASSERT(dx_tls13_expand_label("SHA256", secret, 32, "key", NULL, 0, key, 16) == 0);
  CU_ASSERT(dx_tls13_expand_label("SHA256", secret, 32, "iv", NULL, 0, iv, 12) == 0);
  CU_ASSERT(memcmp(key, want_key, 16) == 0);
  CU_ASSERT(memcmp(iv, want_iv, 12) == 0);
}

static void test_rfc8448_records(void) {
  const dx_tls_suite *cs = dx_tls_suite_find(0x1301);
  CU_ASSERT_FATAL(cs != NULL);
  uint8_t secret[32], rec[700], out[700], want[64], inner = 0;
  size_t ol = 0;
  unhex(rfc8448_s_hs_secret, secret, sizeof secret);
  dx_tls_dec *d = NULL;
  CU_ASSERT_FATAL(dx_tls13_make(cs, secret, 32, &d) == DX_TLS_DEC_OK);
  size_t n = unhex(rfc8448_s_flight, rec, sizeof rec);
  CU_ASSERT_FATAL(n == 679);
  CU_ASSERT(dec(d, rec[0], 0x0303, rec + 5, n - 5, out, &ol, &inner) == DX_TLS_DEC_OK);
  size_t wl = unhex(rfc8448_ee, want, sizeof want);
  CU_ASSERT(inner == 22);
  /* EE (40) + Certificate (445) + CertificateVerify (136) + Finished (36) */
  CU_ASSERT(ol == 40 + 445 + 136 + 36);
  CU_ASSERT(ol >= wl && memcmp(out, want, wl) == 0);
  CU_ASSERT(dx_tls_dec_seq(d) == 1);
  /* The same record again: wrong sequence number now, so the tag fails. */
  CU_ASSERT(dec(d, rec[0], 0x0303, rec + 5, n - 5, out, &ol, &inner) == DX_TLS_DEC_BAD_TAG);
  CU_ASSERT(dx_tls_dec_seq(d) == 2);
  truncations(d, rec[0], 0x0303, rec + 5, 40);
  dx_tls_dec_free(d);

  /* The client's first application data record: 00 01 .. 31, type 23. */
  unhex(rfc8448_c_ap_secret, secret, sizeof secret);
  CU_ASSERT_FATAL(dx_tls13_make(cs, secret, 32, &d) == DX_TLS_DEC_OK);
  n = unhex(rfc8448_c_app_rec, rec, sizeof rec);
  CU_ASSERT_FATAL(n == 72);
  CU_ASSERT(dec(d, rec[0], 0x0303, rec + 5, n - 5, out, &ol, &inner) == DX_TLS_DEC_OK);
  CU_ASSERT(inner == 23);
  CU_ASSERT_FATAL(ol == 50);
  for (size_t i = 0; i < 50; i++)
    CU_ASSERT(out[i] == i);
  dx_tls_dec_free(d);

  /* Wrong suite hash length is refused; a TLS 1.2 suite too. */
  CU_ASSERT(dx_tls13_make(cs, secret, 48, &d) == DX_TLS_DEC_UNSUPPORTED && d == NULL);
  CU_ASSERT(dx_tls13_make(dx_tls_suite_find(0xc02f), secret, 32, &d) == DX_TLS_DEC_UNSUPPORTED);
}

/* ---- TLS 1.2 PRF -------------------------------------------------------------------- */

static void test_prf_vector(void) {
  uint8_t secret[16], seed[16], want[100], out[100];
  unhex("9b be 43 6b a9 40 f0 17 b1 76 52 84 9a 71 db 35", secret, sizeof secret);
  unhex("a0 ba 9f 93 6c da 31 18 27 a6 f7 96 ff d5 19 8c", seed, sizeof seed);
  unhex("e3 f2 29 ba 72 7b e1 7b 8d 12 26 20 55 7c d4 53 c2 aa b2 1d 07 c3 d4 95 32 9b 52 d4 "
        "e6 1e db 5a 6b 30 17 91 e9 0d 35 c9 c9 a4 6b 4e 14 ba f9 af 0f a0 22 f7 07 7d ef 17 "
        "ab fd 37 97 c0 56 4b ab 4f bc 91 66 6e 9d ef 9b 97 fc e3 4f 79 67 89 ba a4 80 82 d1 "
        "22 ee 42 c5 a7 2e 5a 51 10 ff f7 01 87 34 7b 66",
        want, sizeof want);
  CU_ASSERT(dx_tls_prf(0x0303, "SHA256", secret, 16, "test label", seed, 16, out, 100) == 0);
  CU_ASSERT(memcmp(out, want, 100) == 0);

  /* Master secret: RFC 5246 8.1 and RFC 7627 4, checked against the KDF used directly. */
  const dx_tls_suite *cs = dx_tls_suite_find(0xc030); /* SHA-384 PRF */
  uint8_t pms[48], cr[32], sr[32], ms[48], ref[48], seed2[64], sh[48];
  memset(pms, 0x03, 48);
  memset(cr, 0xc1, 32);
  memset(sr, 0x5e, 32);
  memset(sh, 0x44, 48);
  memcpy(seed2, cr, 32);
  memcpy(seed2 + 32, sr, 32);
  CU_ASSERT(dx_tls12_master_secret(0x0303, cs, pms, 48, cr, sr, NULL, 0, ms) == 0);
  ossl_prf("SHA384", pms, 48, "master secret", seed2, 64, ref, 48);
  CU_ASSERT(memcmp(ms, ref, 48) == 0);
  CU_ASSERT(dx_tls12_master_secret(0x0303, cs, pms, 48, cr, sr, sh, 48, ms) == 0);
  ossl_prf("SHA384", pms, 48, "extended master secret", sh, 48, ref, 48);
  CU_ASSERT(memcmp(ms, ref, 48) == 0);
  cs = dx_tls_suite_find(0x002f);
  CU_ASSERT(dx_tls12_master_secret(0x0301, cs, pms, 48, cr, sr, NULL, 0, ms) == 0);
  ossl_prf("MD5-SHA1", pms, 48, "master secret", seed2, 64, ref, 48);
  CU_ASSERT(memcmp(ms, ref, 48) == 0);
}

/* ---- real records from the samples (tshark as the second tool) -------------------- */

/* samples/https-tls12.pcap, ECDHE-RSA-AES128-GCM-SHA256 (0xc02f) */
static const char s12_ms[] = "e054e456f15e68c12e28ec8a4ef1168c83ded0ac60ce5c8d3623dc5c44b9d8da"
                             "ac2f9a6e76e0adb869c14af57ff9c6a8";
static const char s12_cr[] = "da22a1273dcc36b38ae18569c13be890c70cc93622ead24be84fcf202360e90c";
static const char s12_sr[] = "31a0d86440c118da5162eeda46037a947411b4feb6e9ed3b444f574e47524401";
/* frame 10: the client's Finished record body (40 bytes) */
static const char s12_fin[] = "f50d9e54f752e8ff7555a0ee7bd59984551770936c2feab8f5c4b783b4051c4f"
                              "e85832b40077e9c8";
/* frame 12: the client's first application data record body (114 bytes) */
static const char s12_app[] =
    "f50d9e54f752e900e2c1c0036231038553cd7bc210a2eea654035a2e5ab08610f1f19c0388c3e5a9539a1df22b4a98"
    "78ab494c2b446a1c4192b38adf69527638b7da0fd07799dd150f64685c8b43bab59cc9f68a6e7e882801fdee75e2bb"
    "91f2350f2e974b2ba22d9ba3cbce1389251a1a44";

/* samples/https-tls13.pcap, TLS_AES_256_GCM_SHA384 (0x1302) */
static const char s13_c_ap[] = "71ab85825da24e2ca626c1ef9d144be87a2d17b8521ae8b1e839adec6daafda2"
                               "759c0258514ed66073a6c281ffbef97c";
static const char s13_s_ap[] = "ac999139ddca178bc03773d639d2abeec5906ab9d201585f59df890cbde3d6c2"
                               "a0e802ada172e4060692f6910335ec4c";
/* frame 13: the client's first application data record body (107 bytes) */
static const char s13_app[] =
    "37acf7e57bdd57794031bdfd380a458704ee865e1d254d48872d54f4e9e397cc42e50425419c08f327a04374806f73"
    "28a798395d949817bdb18226c3a6e19f11393f054e436fc9c186f9292bca44a68044d178b61498212bf025a891159d"
    "5d01d6734b6785e6c151281d0c";
/* frame 11: the server's first record under its application secret (a NewSessionTicket) */
static const char s13_nst[] =
    "fbee325586ae0f002ca3472fbcc5d5e9909c4534c709c7f43f8dc7bb19b03de6b45788199b43f93bcf5ef85b444a27"
    "136de5026af5420e31102944a6df949fbd3b3bee6be29439a7f45631a5fbec26ac98604b97d639ac84ced126d01b90"
    "50a677479fe7d5ca4a93550fecb49a6ea3b3b054e2a649552636e37cc560e6a9cae6c8ae7abe743910f00c2b896299"
    "b4b75fc5c4239e0ec0f2b7a49a547778d659d90a8193f9e835956421e7ae22c40a394b92d2076b3f2f8a247ca146ba"
    "f917daf9bb73fa877b9b107c4cab8e7f18e22cb05764b4d2e1cd1f2279d092aa1ada1cc86ccbed67c4a27e3d655dfe"
    "04524aa507c087237b1156dffbffed4c513a9788803c5890214c02b49a8ee582a8540a28df3082878f9673f148d898"
    "b3043e2ee3a0195c71c9ae684a656e88";

static const char get_line[] = "GET /index.html HTTP/1.1";

static void test_sample_tls12(void) {
  const dx_tls_suite *cs = dx_tls_suite_find(0xc02f);
  CU_ASSERT_FATAL(cs != NULL && cs->mode == DX_TLS_M_GCM);
  uint8_t ms[48], cr[32], sr[32], rec[200], out[200], inner = 0;
  size_t ol = 0;
  unhex(s12_ms, ms, 48);
  unhex(s12_cr, cr, 32);
  unhex(s12_sr, sr, 32);
  dx_tls_dec *c = NULL, *s = NULL;
  CU_ASSERT_FATAL(dx_tls12_make(0x0303, cs, ms, cr, sr, false, &c, &s) == DX_TLS_DEC_OK);
  size_t n = unhex(s12_fin, rec, sizeof rec);
  CU_ASSERT(dec(c, 22, 0x0303, rec, n, out, &ol, &inner) == DX_TLS_DEC_OK);
  /* tshark: Handshake Type: Finished (20), Length: 12 */
  CU_ASSERT(ol == 16 && inner == 22 && out[0] == 20 && out[1] == 0 && out[2] == 0 && out[3] == 12);
  n = unhex(s12_app, rec, sizeof rec);
  CU_ASSERT_FATAL(n == 114);
  CU_ASSERT(dec(c, 23, 0x0303, rec, n, out, &ol, &inner) == DX_TLS_DEC_OK);
  CU_ASSERT(ol == 90 && inner == 23);
  CU_ASSERT(memcmp(out, get_line, strlen(get_line)) == 0);
  CU_ASSERT(dx_tls_dec_seq(c) == 2);
  truncations(c, 23, 0x0303, rec, n);
  /* A flipped byte in the ciphertext: bad tag, sequence still advances. */
  uint64_t seq = dx_tls_dec_seq(c);
  rec[20] ^= 1;
  CU_ASSERT(dec(c, 23, 0x0303, rec, n, out, &ol, &inner) == DX_TLS_DEC_BAD_TAG);
  CU_ASSERT(dx_tls_dec_seq(c) == seq + 1);
  rec[20] ^= 1;
  dx_tls_dec_free(c);
  dx_tls_dec_free(s);

  /* A wrong master secret (hence key): the tag does not verify. */
  ms[0] ^= 0x80;
  CU_ASSERT_FATAL(dx_tls12_make(0x0303, cs, ms, cr, sr, false, &c, &s) == DX_TLS_DEC_OK);
  dx_tls_decrypt(c, 22, 0x0303, rec, 40, out, &ol, &inner); /* seq 0 -> 1 */
  CU_ASSERT(dec(c, 23, 0x0303, rec, n, out, &ol, &inner) == DX_TLS_DEC_BAD_TAG);
  dx_tls_dec_free(c);
  dx_tls_dec_free(s);

  /* AEAD suites need TLS 1.2. */
  CU_ASSERT(dx_tls12_make(0x0302, cs, ms, cr, sr, false, &c, &s) == DX_TLS_DEC_UNSUPPORTED);
  CU_ASSERT(c == NULL && s == NULL);
}

static void test_sample_tls13(void) {
  const dx_tls_suite *cs = dx_tls_suite_find(0x1302);
  CU_ASSERT_FATAL(cs != NULL && cs->key_len == 32 && strcmp(cs->prf_md, "SHA384") == 0);
  uint8_t secret[48], rec[400], out[400], inner = 0;
  size_t ol = 0;
  dx_tls_dec *d = NULL;
  unhex(s13_c_ap, secret, 48);
  CU_ASSERT_FATAL(dx_tls13_make(cs, secret, 48, &d) == DX_TLS_DEC_OK);
  size_t n = unhex(s13_app, rec, sizeof rec);
  CU_ASSERT_FATAL(n == 107);
  CU_ASSERT(dec(d, 23, 0x0303, rec, n, out, &ol, &inner) == DX_TLS_DEC_OK);
  CU_ASSERT(ol == 90 && inner == 23);
  CU_ASSERT(memcmp(out, get_line, strlen(get_line)) == 0);
  dx_tls_dec_free(d);

  unhex(s13_s_ap, secret, 48);
  CU_ASSERT_FATAL(dx_tls13_make(cs, secret, 48, &d) == DX_TLS_DEC_OK);
  n = unhex(s13_nst, rec, sizeof rec);
  CU_ASSERT_FATAL(n == 298);
  CU_ASSERT(dec(d, 23, 0x0303, rec, n, out, &ol, &inner) == DX_TLS_DEC_OK);
  /* tshark: Handshake Type: New Session Ticket (4) */
  CU_ASSERT(inner == 22 && ol == 298 - 17 && out[0] == 4);
  truncations(d, 23, 0x0303, rec, n);
  dx_tls_dec_free(d);
}

/* ---- CBC, built here with EVP ------------------------------------------------------- */

typedef struct cbc_keys {
  uint8_t mac[48], key[32], iv[16];
} cbc_keys;

/* The client's write keys, from the key block computed with the KDF directly. */
static void client_keys(uint16_t ver, const dx_tls_suite *cs, const uint8_t *ms, const uint8_t *cr,
                        const uint8_t *sr, cbc_keys *k) {
  uint8_t seed[64], kb[256];
  memcpy(seed, sr, 32);
  memcpy(seed + 32, cr, 32);
  size_t need = 2u * cs->mac_len + 2u * cs->key_len + 2u * cs->fixed_iv_len;
  ossl_prf(ver < 0x0303 ? "MD5-SHA1" : cs->prf_md, ms, 48, "key expansion", seed, 64, kb, need);
  memcpy(k->mac, kb, cs->mac_len);
  memcpy(k->key, kb + 2 * cs->mac_len, cs->key_len);
  memcpy(k->iv, kb + 2 * cs->mac_len + 2 * cs->key_len, cs->fixed_iv_len);
}

static size_t cbc_encrypt(const dx_tls_suite *cs, const uint8_t *key, const uint8_t *iv,
                          const uint8_t *in, size_t n, uint8_t *out) {
  EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, cs->cipher, NULL);
  EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
  int ol = 0;
  CU_ASSERT_FATAL(EVP_EncryptInit_ex(x, c, NULL, key, iv) == 1);
  EVP_CIPHER_CTX_set_padding(x, 0);
  CU_ASSERT_FATAL(EVP_EncryptUpdate(x, out, &ol, in, (int)n) == 1 && (size_t)ol == n);
  EVP_CIPHER_CTX_free(x);
  EVP_CIPHER_free(c);
  return n;
}

/* A record body as RFC 5246 6.2.3.2 (MAC-then-encrypt) or RFC 7366 (EtM)
 * builds it. For TLS 1.0 the IV is *chain, updated to the last block. */
static size_t build_cbc(uint16_t ver, const dx_tls_suite *cs, const cbc_keys *k, bool etm,
                        uint64_t seq, uint8_t ct, const uint8_t *pt, size_t ptlen, size_t padlen,
                        uint8_t *chain, uint8_t *out) {
  size_t bs = cs->fixed_iv_len, ml = cs->mac_len;
  size_t ivlen = ver >= 0x0302 ? bs : 0;
  uint8_t iv[16], buf[1024], hdr[13];
  for (size_t i = 0; i < bs; i++)
    iv[i] = (uint8_t)(0xa0 + i + seq);
  const uint8_t *use_iv = ivlen ? iv : chain;
  memcpy(out, iv, ivlen);
  put_u64(hdr, seq);
  hdr[8] = ct;
  hdr[9] = (uint8_t)(ver >> 8);
  hdr[10] = (uint8_t)ver;
  size_t n = ptlen;
  memcpy(buf, pt, ptlen);
  if (!etm) {
    hdr[11] = (uint8_t)(ptlen >> 8);
    hdr[12] = (uint8_t)ptlen;
    hmac(cs->mac_md, k->mac, ml, hdr, 13, pt, ptlen, buf + n);
    n += ml;
  }
  /* padding so that n + padlen + 1 is a multiple of bs (plus extra blocks) */
  size_t pad = (bs - (n + 1) % bs) % bs + padlen * bs;
  memset(buf + n, (int)pad, pad + 1);
  n += pad + 1;
  cbc_encrypt(cs, k->key, use_iv, buf, n, out + ivlen);
  if (!ivlen)
    memcpy(chain, out + n - bs, bs);
  size_t len = ivlen + n;
  if (etm) {
    hdr[11] = (uint8_t)(len >> 8);
    hdr[12] = (uint8_t)len;
    hmac(cs->mac_md, k->mac, ml, hdr, 13, out, len, out + len);
    len += ml;
  }
  return len;
}

static void cbc_case(uint16_t ver, uint16_t suite, bool etm) {
  const dx_tls_suite *cs = dx_tls_suite_find(suite);
  CU_ASSERT_FATAL(cs != NULL && cs->mode == DX_TLS_M_CBC);
  uint8_t ms[48], cr[32], sr[32];
  for (int i = 0; i < 48; i++)
    ms[i] = (uint8_t)(i * 7 + 1);
  memset(cr, 0x11, 32);
  memset(sr, 0x22, 32);
  cbc_keys k;
  client_keys(ver, cs, ms, cr, sr, &k);
  uint8_t chain[16];
  memcpy(chain, k.iv, 16);
  dx_tls_dec *c = NULL, *s = NULL;
  CU_ASSERT_FATAL(dx_tls12_make(ver, cs, ms, cr, sr, etm, &c, &s) == DX_TLS_DEC_OK);
  uint8_t pt[300], rec[1024], out[1024], inner = 0;
  for (size_t i = 0; i < sizeof pt; i++)
    pt[i] = (uint8_t)(i ^ 0x5a);
  static const size_t lens[] = {0, 1, 15, 16, 17, 100, 300};
  uint64_t seq = 0;
  size_t ol = 0;
  for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++, seq++) {
    size_t n = build_cbc(ver, cs, &k, etm, seq, 23, pt, lens[i], i % 3, chain, rec);
    CU_ASSERT(dec(c, 23, ver, rec, n, out, &ol, &inner) == DX_TLS_DEC_OK);
    CU_ASSERT(ol == lens[i] && inner == 23 && memcmp(out, pt, ol) == 0);
    CU_ASSERT(dx_tls_dec_seq(c) == seq + 1);
  }
  /* A flipped byte in the first ciphertext block: BAD_TAG, the next record still decrypts. */
  size_t n = build_cbc(ver, cs, &k, etm, seq, 23, pt, 40, 0, chain, rec);
  size_t ivlen = ver >= 0x0302 ? cs->fixed_iv_len : 0;
  rec[ivlen] ^= 0x01;
  CU_ASSERT(dec(c, 23, ver, rec, n, out, &ol, &inner) == DX_TLS_DEC_BAD_TAG);
  seq++;
  CU_ASSERT(dx_tls_dec_seq(c) == seq);
  n = build_cbc(ver, cs, &k, etm, seq, 22, pt, 33, 1, chain, rec);
  CU_ASSERT(dec(c, 22, ver, rec, n, out, &ol, &inner) == DX_TLS_DEC_OK);
  CU_ASSERT(ol == 33 && inner == 22 && memcmp(out, pt, 33) == 0);
  seq++;
  /* A MAC computed over another content type fails too. */
  n = build_cbc(ver, cs, &k, etm, seq, 22, pt, 10, 0, chain, rec);
  CU_ASSERT(dec(c, 23, ver, rec, n, out, &ol, &inner) == DX_TLS_DEC_BAD_TAG);
  seq++;
  /* Short records: too short, or not a whole number of blocks (no advance). */
  n = build_cbc(ver, cs, &k, etm, seq, 23, pt, 50, 0, chain, rec);
  CU_ASSERT(dec(c, 23, ver, rec, 3, out, &ol, &inner) == DX_TLS_DEC_SHORT);
  CU_ASSERT(dx_tls_dec_seq(c) == seq);
  if (!etm)
    CU_ASSERT(dec(c, 23, ver, rec, n - 1, out, &ol, &inner) == DX_TLS_DEC_SHORT);
  CU_ASSERT(dx_tls_dec_seq(c) == seq);
  CU_ASSERT(dec(c, 23, ver, rec, n, out, &ol, &inner) == DX_TLS_DEC_OK);
  CU_ASSERT(ol == 50 && memcmp(out, pt, 50) == 0);
  /* Every truncation of a record: no crash, never OK (on a copy of the state
   * for TLS 1.0 would be nicer; the chained IV changes, which is fine here). */
  truncations(c, 23, ver, rec, n);
  dx_tls_dec_free(c);
  dx_tls_dec_free(s);
}

static void test_cbc_tls10(void) {
  cbc_case(0x0301, 0x002f, false); /* AES-128-CBC-SHA, chained IV */
  cbc_case(0x0301, 0x000a, false); /* 3DES-EDE-CBC-SHA */
  cbc_case(0x0301, 0xc014, true);  /* EtM with a chained IV */
}

static void test_cbc_tls12_mte(void) {
  cbc_case(0x0302, 0x0035, false); /* TLS 1.1 explicit IV */
  cbc_case(0x0303, 0x003c, false); /* SHA-256 MAC */
  cbc_case(0x0303, 0xc028, false); /* SHA-384 MAC and PRF */
}

static void test_cbc_tls12_etm(void) {
  cbc_case(0x0303, 0xc013, true);
  cbc_case(0x0303, 0xc024, true);
}

/* ---- other AEADs in TLS 1.2 and 1.3, built with EVP ------------------------------------ */

static void aead12_case(uint16_t suite) {
  const dx_tls_suite *cs = dx_tls_suite_find(suite);
  CU_ASSERT_FATAL(cs != NULL);
  bool ccm = cs->mode == DX_TLS_M_CCM || cs->mode == DX_TLS_M_CCM8;
  size_t taglen = cs->mode == DX_TLS_M_CCM8 ? 8 : 16;
  uint8_t ms[48], cr[32], sr[32], seed[64], kb[200];
  for (int i = 0; i < 48; i++)
    ms[i] = (uint8_t)(0x30 + i);
  memset(cr, 0x33, 32);
  memset(sr, 0x44, 32);
  memcpy(seed, sr, 32);
  memcpy(seed + 32, cr, 32);
  ossl_prf(cs->prf_md, ms, 48, "key expansion", seed, 64, kb,
           2u * cs->key_len + 2u * cs->fixed_iv_len);
  /* the server's direction this time: server_write_key, server_write_IV */
  const uint8_t *key = kb + cs->key_len, *fiv = kb + 2 * cs->key_len + cs->fixed_iv_len;
  dx_tls_dec *c = NULL, *s = NULL;
  CU_ASSERT_FATAL(dx_tls12_make(0x0303, cs, ms, cr, sr, false, &c, &s) == DX_TLS_DEC_OK);
  uint8_t pt[200], rec[300], out[300], aad[13], nonce[12], inner = 0;
  for (size_t i = 0; i < sizeof pt; i++)
    pt[i] = (uint8_t)(i * 3);
  size_t ol = 0;
  for (uint64_t seq = 0; seq < 4; seq++) {
    size_t ptlen = (size_t)(seq * 60 + 1), n = 0;
    put_u64(aad, seq);
    aad[8] = 23;
    aad[9] = 3;
    aad[10] = 3;
    aad[11] = (uint8_t)(ptlen >> 8);
    aad[12] = (uint8_t)ptlen;
    if (cs->mode == DX_TLS_M_CHACHA) { /* RFC 7905: iv XOR seq */
      memcpy(nonce, fiv, 12);
      for (int i = 0; i < 8; i++)
        nonce[4 + i] ^= aad[i];
    } else { /* fixed 4 || explicit 8 (here: 8 arbitrary bytes) */
      memcpy(nonce, fiv, 4);
      for (int i = 0; i < 8; i++)
        nonce[4 + i] = (uint8_t)(0x70 + i + seq);
      memcpy(rec, nonce + 4, 8);
      n = 8;
    }
    n += aead_seal(cs->cipher, ccm, taglen, key, nonce, aad, 13, pt, ptlen, rec + n);
    CU_ASSERT(dec(s, 23, 0x0303, rec, n, out, &ol, &inner) == DX_TLS_DEC_OK);
    CU_ASSERT(ol == ptlen && inner == 23 && memcmp(out, pt, ptlen) == 0);
    if (seq == 3) {
      truncations(s, 23, 0x0303, rec, n);
      rec[n - 1] ^= 0x40;
      CU_ASSERT(dec(s, 23, 0x0303, rec, n, out, &ol, &inner) == DX_TLS_DEC_BAD_TAG);
    }
  }
  dx_tls_dec_free(c);
  dx_tls_dec_free(s);
}

static void test_aead12(void) {
  aead12_case(0x009d); /* AES-256-GCM, SHA-384 PRF */
  aead12_case(0xc09c); /* AES-128-CCM */
  aead12_case(0xc0af); /* AES-256-CCM-8 */
  aead12_case(0xcca8); /* ChaCha20-Poly1305 */
}

/* ---- PSK suites (RFC 4279, 4785, 5487, 5489, 6655, 7905) ----------------------------- */

/* Each PSK, DHE_PSK, RSA_PSK and ECDHE_PSK suite with AES-CBC, 3DES-CBC,
 * AES-GCM, AES-CCM(_8), ChaCha20-Poly1305 or NULL has decryption parameters
 * that agree with its IANA name; records then decrypt like any other suite's. */
static void test_psk_suites(void) {
  static const uint16_t ids[] = {
      0x002c, 0x002d, 0x002e, 0x008b, 0x008c, 0x008d, 0x008f, 0x0090, 0x0091, 0x0093,
      0x0094, 0x0095, 0x00a8, 0x00a9, 0x00aa, 0x00ab, 0x00ac, 0x00ad, 0x00ae, 0x00af,
      0x00b0, 0x00b1, 0x00b2, 0x00b3, 0x00b4, 0x00b5, 0x00b6, 0x00b7, 0x00b8, 0x00b9,
      0xc034, 0xc035, 0xc036, 0xc037, 0xc038, 0xc039, 0xc03a, 0xc03b, 0xc0a4, 0xc0a5,
      0xc0a6, 0xc0a7, 0xc0a8, 0xc0a9, 0xc0aa, 0xc0ab, 0xccab, 0xccac, 0xccad, 0xccae};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
    const char *name = dx_val_name(dx_tls_cipher_vals, ids[i]);
    const dx_tls_suite *cs = dx_tls_suite_find(ids[i]);
    CU_ASSERT_FATAL(name != NULL && strstr(name, "PSK") != NULL);
    CU_ASSERT_FATAL(cs != NULL);
    size_t nl = strlen(name);
    bool sha384 = nl > 6 && strcmp(name + nl - 6, "SHA384") == 0;
    bool sha256 = nl > 6 && strcmp(name + nl - 6, "SHA256") == 0;
    CU_ASSERT_STRING_EQUAL(cs->prf_md, sha384 ? "SHA384" : "SHA256");
    if (strstr(name, "_NULL_")) {
      CU_ASSERT(cs->mode == DX_TLS_M_NULL && cs->key_len == 0);
      CU_ASSERT(cs->mac_len == (sha384 ? 48 : sha256 ? 32 : 20));
    } else if (strstr(name, "_CBC_")) {
      CU_ASSERT(cs->mode == DX_TLS_M_CBC);
      CU_ASSERT(cs->mac_len == (sha384 ? 48 : sha256 ? 32 : 20));
      CU_ASSERT(cs->key_len == (strstr(name, "3DES") ? 24 : strstr(name, "AES_256") ? 32 : 16));
    } else if (strstr(name, "CHACHA20")) {
      CU_ASSERT(cs->mode == DX_TLS_M_CHACHA && cs->key_len == 32 && cs->fixed_iv_len == 12);
    } else {
      bool gcm = strstr(name, "GCM") != NULL, ccm8 = strstr(name, "CCM_8") != NULL;
      CU_ASSERT(cs->mode == (gcm ? DX_TLS_M_GCM : ccm8 ? DX_TLS_M_CCM8 : DX_TLS_M_CCM));
      CU_ASSERT(cs->key_len == (strstr(name, "AES_256") ? 32 : 16) && cs->fixed_iv_len == 4);
      CU_ASSERT(cs->mac_len == 0);
    }
  }
  aead12_case(0xccae);             /* RSA_PSK ChaCha20-Poly1305 */
  aead12_case(0xccab);             /* PSK ChaCha20-Poly1305 */
  aead12_case(0x00ad);             /* RSA_PSK AES-256-GCM, SHA-384 PRF */
  aead12_case(0xc0a6);             /* DHE_PSK AES-128-CCM */
  aead12_case(0xc0a9);             /* PSK AES-256-CCM-8 */
  cbc_case(0x0303, 0x00b7, false); /* RSA_PSK AES-256-CBC, HMAC-SHA384 and SHA-384 PRF */
  cbc_case(0x0303, 0xc035, true);  /* ECDHE_PSK AES-128-CBC-SHA, encrypt-then-MAC */
  cbc_case(0x0301, 0x008b, false); /* PSK 3DES-EDE-CBC-SHA, TLS 1.0 */
}

/* HKDF-Expand-Label built by hand here, with OpenSSL's HKDF in EXPAND_ONLY mode. */
static void hkdf_label(const char *md, const uint8_t *secret, size_t slen, const char *label,
                       uint8_t *out, size_t outlen) {
  uint8_t info[300];
  size_t n = 0, ll = strlen(label);
  info[n++] = (uint8_t)(outlen >> 8);
  info[n++] = (uint8_t)outlen;
  info[n++] = (uint8_t)(6 + ll);
  memcpy(info + n, "tls13 ", 6);
  memcpy(info + n + 6, label, ll);
  n += 6 + ll;
  info[n++] = 0;
  EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
  EVP_KDF_CTX *k = EVP_KDF_CTX_new(kdf);
  OSSL_PARAM p[] = {OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MODE, "EXPAND_ONLY", 0),
                    OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)md, 0),
                    OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)secret, slen),
                    OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, n),
                    OSSL_PARAM_construct_end()};
  CU_ASSERT_FATAL(EVP_KDF_derive(k, out, outlen, p) == 1);
  EVP_KDF_CTX_free(k);
  EVP_KDF_free(kdf);
}

/* A TLS 1.3 record (header + body) for suite cs with secret, sequence seq. */
static size_t build13(const dx_tls_suite *cs, const uint8_t *secret, size_t slen, uint64_t seq,
                      const uint8_t *pt, size_t ptlen, uint8_t type, size_t zeros, uint8_t *rec) {
  uint8_t key[32], iv[12], inner[600];
  hkdf_label(cs->prf_md, secret, slen, "key", key, cs->key_len);
  hkdf_label(cs->prf_md, secret, slen, "iv", iv, 12);
  size_t taglen = cs->mode == DX_TLS_M_CCM8 ? 8 : 16;
  memcpy(inner, pt, ptlen);
  inner[ptlen] = type;
  memset(inner + ptlen + 1, 0, zeros);
  size_t il = ptlen + 1 + zeros, len = il + taglen;
  for (int i = 0; i < 8; i++)
    iv[4 + i] ^= (uint8_t)(seq >> (56 - 8 * i));
  rec[0] = 23;
  rec[1] = 3;
  rec[2] = 3;
  rec[3] = (uint8_t)(len >> 8);
  rec[4] = (uint8_t)len;
  bool ccm = cs->mode == DX_TLS_M_CCM || cs->mode == DX_TLS_M_CCM8;
  return 5 + aead_seal(cs->cipher, ccm, taglen, key, iv, rec, 5, inner, il, rec + 5);
}

static void tls13_case(uint16_t suite) {
  const dx_tls_suite *cs = dx_tls_suite_find(suite);
  CU_ASSERT_FATAL(cs != NULL);
  size_t hl = strcmp(cs->prf_md, "SHA384") == 0 ? 48 : 32;
  uint8_t secret[48], next[48], rec[700], out[700], pt[300], inner = 0;
  for (size_t i = 0; i < hl; i++)
    secret[i] = (uint8_t)(0x90 + i);
  for (size_t i = 0; i < sizeof pt; i++)
    pt[i] = (uint8_t)(i + 7);
  dx_tls_dec *d = NULL;
  CU_ASSERT_FATAL(dx_tls13_make(cs, secret, hl, &d) == DX_TLS_DEC_OK);
  size_t ol = 0, n;
  /* content, type 22, padding zeros */
  n = build13(cs, secret, hl, 0, pt, 100, 22, 30, rec);
  CU_ASSERT(dec(d, rec[0], 0x0303, rec + 5, n - 5, out, &ol, &inner) == DX_TLS_DEC_OK);
  CU_ASSERT(ol == 100 && inner == 22 && memcmp(out, pt, 100) == 0);
  /* empty content of type 23 with padding */
  n = build13(cs, secret, hl, 1, pt, 0, 23, 5, rec);
  CU_ASSERT(dec(d, rec[0], 0x0303, rec + 5, n - 5, out, &ol, &inner) == DX_TLS_DEC_OK);
  CU_ASSERT(ol == 0 && inner == 23);
  /* all zeros: no content type, an error (RFC 8446 5.4) */
  uint8_t zero = 0;
  n = build13(cs, secret, hl, 2, &zero, 0, 0, 9, rec);
  CU_ASSERT(dec(d, rec[0], 0x0303, rec + 5, n - 5, out, &ol, &inner) == DX_TLS_DEC_BAD_TAG);
  CU_ASSERT(dx_tls_dec_seq(d) == 3);
  /* KeyUpdate: secret_1 = HKDF-Expand-Label(secret_0, "traffic upd", "", Hash.length) */
  CU_ASSERT(dx_tls13_key_update(d) == DX_TLS_DEC_OK);
  CU_ASSERT(dx_tls_dec_seq(d) == 0);
  hkdf_label(cs->prf_md, secret, hl, "traffic upd", next, hl);
  n = build13(cs, next, hl, 0, pt, 250, 23, 0, rec);
  CU_ASSERT(dec(d, rec[0], 0x0303, rec + 5, n - 5, out, &ol, &inner) == DX_TLS_DEC_OK);
  CU_ASSERT(ol == 250 && inner == 23 && memcmp(out, pt, 250) == 0);
  /* twice */
  CU_ASSERT(dx_tls13_key_update(d) == DX_TLS_DEC_OK);
  hkdf_label(cs->prf_md, next, hl, "traffic upd", secret, hl);
  n = build13(cs, secret, hl, 0, pt, 3, 21, 2, rec);
  CU_ASSERT(dec(d, rec[0], 0x0303, rec + 5, n - 5, out, &ol, &inner) == DX_TLS_DEC_OK);
  CU_ASSERT(ol == 3 && inner == 21);
  truncations(d, rec[0], 0x0303, rec + 5, n - 5);
  dx_tls_dec_free(d);
}

static void test_tls13_suites(void) {
  tls13_case(0x1301);
  tls13_case(0x1302);
  tls13_case(0x1303);
  tls13_case(0x1304);
  tls13_case(0x1305);
}

static void test_suite_table(void) {
  static const uint16_t ids[] = {
      0x1301, 0x1302, 0x1303, 0x1304, 0x1305, 0x009c, 0x009d, 0x009e, 0x009f, 0xc02b, 0xc02c,
      0xc02f, 0xc030, 0xcca8, 0xcca9, 0xccaa, 0xc09c, 0xc09d, 0xc0ac, 0xc0ad, 0xc0a0, 0xc0a1,
      0xc0ae, 0xc0af, 0x002f, 0x0035, 0xc009, 0xc00a, 0xc013, 0xc014, 0x0033, 0x0039, 0x003c,
      0x003d, 0xc023, 0xc027, 0x0067, 0x006b, 0xc024, 0xc028, 0x000a};
  uint8_t ms[48] = {1}, r[32] = {2};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
    const dx_tls_suite *cs = dx_tls_suite_find(ids[i]);
    CU_ASSERT_FATAL(cs != NULL);
    CU_ASSERT(cs->id == ids[i]);
    dx_tls_dec *c = NULL, *s = NULL;
    if ((ids[i] >> 8) == 0x13) {
      size_t hl = strcmp(cs->prf_md, "SHA384") == 0 ? 48 : 32;
      CU_ASSERT(dx_tls13_make(cs, ms, hl, &c) == DX_TLS_DEC_OK);
    } else {
      CU_ASSERT(dx_tls12_make(0x0303, cs, ms, r, r, false, &c, &s) == DX_TLS_DEC_OK);
      CU_ASSERT(s != NULL);
    }
    CU_ASSERT(c != NULL);
    dx_tls_dec_free(c);
    dx_tls_dec_free(s);
  }
  CU_ASSERT(dx_tls_suite_find(0x0000) == NULL);
  CU_ASSERT(dx_tls_suite_find(0x0005) == NULL); /* RC4 */
  CU_ASSERT(dx_tls_suite_find(0x0003) == NULL); /* export */
  CU_ASSERT(dx_tls_suite_find(0xffff) == NULL);
  /* NULL-cipher suite: MAC only. */
  const dx_tls_suite *cs = dx_tls_suite_find(0x0002);
  CU_ASSERT_FATAL(cs != NULL && cs->mode == DX_TLS_M_NULL);
  dx_tls_dec *c = NULL, *s = NULL;
  CU_ASSERT_FATAL(dx_tls12_make(0x0303, cs, ms, r, r, false, &c, &s) == DX_TLS_DEC_OK);
  cbc_keys k;
  uint8_t seed[64], kb[40], rec[64], hdr[13] = {0}, out[64], inner = 0;
  memcpy(seed, r, 32);
  memcpy(seed + 32, r, 32);
  ossl_prf("SHA256", ms, 48, "key expansion", seed, 64, kb, 40);
  memcpy(k.mac, kb, 20);
  memcpy(rec, "hello", 5);
  hdr[8] = 23;
  hdr[9] = 3;
  hdr[10] = 3;
  hdr[12] = 5;
  hmac("SHA1", k.mac, 20, hdr, 13, rec, 5, rec + 5);
  size_t ol = 0;
  CU_ASSERT(dec(c, 23, 0x0303, rec, 25, out, &ol, &inner) == DX_TLS_DEC_OK);
  CU_ASSERT(ol == 5 && memcmp(out, "hello", 5) == 0);
  truncations(c, 23, 0x0303, rec, 25);
  dx_tls_dec_free(c);
  dx_tls_dec_free(s);
  /* Bad arguments. */
  CU_ASSERT(dx_tls_decrypt(NULL, 23, 0x0303, rec, 5, out, &ol, &inner) == DX_TLS_DEC_UNSUPPORTED);
  CU_ASSERT(dx_tls13_key_update(NULL) == DX_TLS_DEC_UNSUPPORTED);
  dx_tls_dec_free(NULL);
}

/* ---- RSA premaster ---------------------------------------------------------------------- */

static void test_rsa(void) {
  EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
  CU_ASSERT_FATAL(k != NULL);
  char p8[] = "/tmp/dx_rsa_p8_XXXXXX", trad[] = "/tmp/dx_rsa_tr_XXXXXX";
  int fd1 = mkstemp(p8), fd2 = mkstemp(trad);
  CU_ASSERT_FATAL(fd1 >= 0 && fd2 >= 0);
  FILE *f = fdopen(fd1, "w");
  CU_ASSERT_FATAL(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL) == 1);
  fclose(f);
  close(fd2);
  BIO *b = BIO_new_file(trad, "w");
  CU_ASSERT_FATAL(b != NULL);
  CU_ASSERT_FATAL(PEM_write_bio_PrivateKey_traditional(b, k, NULL, NULL, 0, NULL, NULL) == 1);
  BIO_free(b);

  uint8_t pms[48], enc[256], got[48];
  for (int i = 0; i < 48; i++)
    pms[i] = (uint8_t)(i == 0 ? 3 : i == 1 ? 3 : i * 5);
  EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL);
  size_t el = sizeof enc;
  CU_ASSERT_FATAL(EVP_PKEY_encrypt_init(pc) == 1);
  CU_ASSERT_FATAL(EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PADDING) == 1);
  CU_ASSERT_FATAL(EVP_PKEY_encrypt(pc, enc, &el, pms, 48) == 1 && el == 256);
  EVP_PKEY_CTX_free(pc);

  char err[256];
  const char *paths[] = {p8, trad};
  for (int i = 0; i < 2; i++) {
    EVP_PKEY *l = dx_tls_rsa_load(paths[i], err, sizeof err);
    CU_ASSERT_FATAL(l != NULL);
    CU_ASSERT(dx_tls_rsa_decrypt_pms(l, enc, el, got) == DX_TLS_DEC_OK);
    CU_ASSERT(memcmp(got, pms, 48) == 0);
    enc[100] ^= 1;
    CU_ASSERT(dx_tls_rsa_decrypt_pms(l, enc, el, got) != DX_TLS_DEC_OK);
    enc[100] ^= 1;
    CU_ASSERT(dx_tls_rsa_decrypt_pms(l, enc, el - 1, got) == DX_TLS_DEC_SHORT);
    EVP_PKEY_free(l);
  }
  EVP_PKEY_free(k);
  unlink(p8);
  unlink(trad);
  CU_ASSERT(dx_tls_rsa_load("/nonexistent/key.pem", err, sizeof err) == NULL);
  CU_ASSERT(strstr(err, "/nonexistent/key.pem") != NULL);
  /* Not a key at all. */
  char junk[] = "/tmp/dx_rsa_junk_XXXXXX";
  int fd = mkstemp(junk);
  CU_ASSERT_FATAL(fd >= 0);
  CU_ASSERT(write(fd, "hello\n", 6) == 6);
  close(fd);
  CU_ASSERT(dx_tls_rsa_load(junk, err, sizeof err) == NULL);
  CU_ASSERT(strstr(err, junk) != NULL);
  unlink(junk);
}

/* ---- key log --------------------------------------------------------------------------- */

#define CR1 "0101010101010101010101010101010101010101010101010101010101010101"
#define CR2 "0202020202020202020202020202020202020202020202020202020202020202"
#define S48                                                                                        \
  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
  "aa"
#define S48B                                                                                       \
  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" \
  "bb"
#define S32 "1111111111111111111111111111111111111111111111111111111111111111"

static const char keylog_text[] =
    "# SSL/TLS secrets log file, generated by NSS\n"         /* 1 */
    "CLIENT_RANDOM " CR1 " " S48 "\r\n"                      /* 2 */
    "\n"                                                     /* 3 */
    "CLIENT_EARLY_TRAFFIC_SECRET " CR1 " " S32 "\n"          /* 4 */
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET " CR1 " " S32 "\r\n"    /* 5 */
    "SERVER_HANDSHAKE_TRAFFIC_SECRET " CR1 " " S48 "\n"      /* 6 */
    "CLIENT_RANDOM 0101 " S48 "\n"                           /* 7: bad (short random) */
    "CLIENT_TRAFFIC_SECRET_0 " CR1 " " S32 "\n"              /* 8 */
    "SERVER_TRAFFIC_SECRET_0 " CR1 " " S32 "\n"              /* 9 */
    "EXPORTER_SECRET " CR1 " " S32 "\n"                      /* 10 */
    "RSA 0011223344556677 " S48 "\n"                         /* 11 */
    "garbage line\n"                                         /* 12: bad */
    "NEW_FANCY_LABEL " CR1 " " S32 "\n"                      /* 13: unknown */
    "CLIENT_RANDOM " CR2 " 0123456789abcdef0123456789abcd\n" /* 14: bad (15 bytes) */
    /* 15, 16: what follows the secret's hex digit pairs is ignored, as
     * Wireshark's key log pattern ignores it (checked: tshark 4.0 decrypts
     * with a key log whose lines end in " extra" or "a\\") */
    "CLIENT_RANDOM " CR2 " " S48 "a\n"      /* 15: the 48 bytes, the odd digit ignored */
    "CLIENT_RANDOM " CR2 " " S48 " extra\n" /* 16 */
    "CLIENT_RANDOM " CR2 "\n"               /* 17: bad (no secret) */
    "CLIENT_RANDOM " CR2 " zz" S48 "\n"     /* 18: bad hex */
    "CLIENT_RANDOM " CR1 " " S48B "\n"      /* 19: duplicate, wins */
    "  \t \r\n"                             /* 20 */
    "CLIENT_RANDOM 03030303030303030303030303030303030303030303030303030303030303AB "
    "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"
    "CC"
    "\r\n"                            /* 21: uppercase hex */
    "CLIENT_RANDOM " CR2 " " S32 "\n" /* 22: bad (master secret must be 48) */
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET "
    "03030303030303030303030303030303030303030303030303030303030303AB " S32
    "\\\n"                        /* 23: a backslash after the secret */
    "CLIENT_RANDOM " CR2 " " S48; /* 24: no final newline */

static void test_keylog_text(void) {
  dx_keylog *kl = dx_keylog_new(0);
  CU_ASSERT_FATAL(kl != NULL);
  size_t added = dx_keylog_add_text(kl, keylog_text, strlen(keylog_text));
  CU_ASSERT(added == 14);
  CU_ASSERT(dx_keylog_count(kl) == 11); /* line 19 replaced line 2, 16 and 24 line 15 */
  unsigned long first = 0;
  CU_ASSERT(dx_keylog_bad_lines(kl, &first) == 6);
  CU_ASSERT(first == 7);
  CU_ASSERT(dx_keylog_unknown_lines(kl) == 1);

  uint8_t cr1[32], cr2[32], cr3[32], out[64], want[64];
  memset(cr1, 1, 32);
  memset(cr2, 2, 32);
  memset(cr3, 3, 32);
  cr3[31] = 0xab;
  CU_ASSERT(dx_keylog_find(kl, DX_KL_CLIENT_RANDOM, cr1, 32, out, sizeof out) == 48);
  memset(want, 0xbb, 48);
  CU_ASSERT(memcmp(out, want, 48) == 0); /* the last one wins */
  CU_ASSERT(dx_keylog_find(kl, DX_KL_CLIENT_RANDOM, cr2, 32, out, sizeof out) == 48);
  memset(want, 0xaa, 48);
  CU_ASSERT(memcmp(out, want, 48) == 0);
  CU_ASSERT(dx_keylog_find(kl, DX_KL_CLIENT_RANDOM, cr3, 32, out, sizeof out) == 48);
  memset(want, 0xcc, 48);
  CU_ASSERT(memcmp(out, want, 48) == 0);
  CU_ASSERT(dx_keylog_find(kl, DX_KL_SERVER_HANDSHAKE_TRAFFIC_SECRET, cr1, 32, out, 64) == 48);
  CU_ASSERT(dx_keylog_find(kl, DX_KL_CLIENT_HANDSHAKE_TRAFFIC_SECRET, cr3, 32, out, 64) == 32);
  CU_ASSERT(out[0] == 0x11 && out[31] == 0x11);
  for (int l = DX_KL_CLIENT_EARLY_TRAFFIC_SECRET; l <= DX_KL_EXPORTER_SECRET; l++) {
    if (l == DX_KL_SERVER_HANDSHAKE_TRAFFIC_SECRET)
      continue;
    CU_ASSERT(dx_keylog_find(kl, l, cr1, 32, out, sizeof out) == 32);
    CU_ASSERT(out[0] == 0x11 && out[31] == 0x11);
    CU_ASSERT(dx_keylog_find(kl, l, cr2, 32, out, sizeof out) == 0);
  }
  uint8_t rsa[8] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77};
  CU_ASSERT(dx_keylog_find(kl, DX_KL_RSA, rsa, 8, out, sizeof out) == 48);
  CU_ASSERT(dx_keylog_find(kl, DX_KL_RSA, rsa, 32, out, sizeof out) == 0);   /* wrong key length */
  CU_ASSERT(dx_keylog_find(kl, DX_KL_RSA, cr1, 8, out, sizeof out) == 0);    /* not there */
  CU_ASSERT(dx_keylog_find(kl, DX_KL_CLIENT_RANDOM, cr1, 32, out, 47) == 0); /* no room */
  CU_ASSERT(dx_keylog_find(kl, DX_KL_COUNT, cr1, 32, out, sizeof out) == 0);
  CU_ASSERT(dx_keylog_find(kl, -1, cr1, 32, out, sizeof out) == 0);
  CU_ASSERT(strcmp(dx_keylog_label_name(DX_KL_RSA), "RSA") == 0);

  /* A second text: line numbers count within it; the first bad line stays. */
  const char more[] = "CLIENT_RANDOM " CR1 " " S48 "\nbad\n";
  CU_ASSERT(dx_keylog_add_text(kl, more, strlen(more)) == 1);
  CU_ASSERT(dx_keylog_count(kl) == 11);
  CU_ASSERT(dx_keylog_bad_lines(kl, &first) == 7 && first == 7);
  CU_ASSERT(dx_keylog_find(kl, DX_KL_CLIENT_RANDOM, cr1, 32, out, sizeof out) == 48);
  CU_ASSERT(out[0] == 0xaa);
  /* Nothing, NUL bytes, no newline at all. */
  CU_ASSERT(dx_keylog_add_text(kl, "", 0) == 0);
  CU_ASSERT(dx_keylog_add_text(kl, "\0\0\0", 3) == 0);
  /* NUL padding after a last line without its newline (a padded pcapng block). */
  const char padded[] = "CLIENT_RANDOM " CR2 " " S48B "\0\0";
  CU_ASSERT(dx_keylog_add_text(kl, padded, sizeof padded) == 1);
  CU_ASSERT(dx_keylog_find(kl, DX_KL_CLIENT_RANDOM, cr2, 32, out, sizeof out) == 48);
  CU_ASSERT(out[0] == 0xbb);
  dx_keylog_free(kl);

  kl = dx_keylog_new(5);
  dx_keylog_add_text(kl, "bad\n\nRSA 00\n", 12);
  CU_ASSERT(dx_keylog_bad_lines(kl, &first) == 2 && first == 1);
  dx_keylog_free(kl);
  dx_keylog_free(NULL);
}

static void test_keylog_many(void) {
  /* max_entries respected; interleaved adds stay sorted; replacements in a full store. */
  dx_keylog *kl = dx_keylog_new(100);
  CU_ASSERT_FATAL(kl != NULL);
  char line[512];
  size_t cap = 256 * 200;
  char *text = malloc(cap);
  CU_ASSERT_FATAL(text != NULL);
  size_t len = 0;
  for (int i = 149; i >= 0; i--) { /* 150 distinct randoms, descending */
    int n = snprintf(line, sizeof line, "CLIENT_RANDOM %064x %096x\n", i * 7919, i + 1);
    memcpy(text + len, line, (size_t)n);
    len += (size_t)n;
  }
  CU_ASSERT(dx_keylog_add_text(kl, text, len) == 100);
  CU_ASSERT(dx_keylog_count(kl) == 100);
  CU_ASSERT(dx_keylog_dropped(kl) == 50);
  /* the first 100 lines were i = 149..50 */
  uint8_t key[32] = {0}, out[64];
  for (int i = 0; i < 150; i++) {
    unsigned v = (unsigned)(i * 7919);
    key[28] = (uint8_t)(v >> 24);
    key[29] = (uint8_t)(v >> 16);
    key[30] = (uint8_t)(v >> 8);
    key[31] = (uint8_t)v;
    size_t r = dx_keylog_find(kl, DX_KL_CLIENT_RANDOM, key, 32, out, sizeof out);
    CU_ASSERT(r == (i >= 50 ? 48u : 0u));
    if (r)
      CU_ASSERT(out[47] == (uint8_t)(i + 1));
  }
  /* Full: a known key can still be replaced, a new one is dropped. */
  int n = snprintf(line, sizeof line, "CLIENT_RANDOM %064x %096x\nCLIENT_RANDOM %064x %096x\n",
                   60 * 7919, 0xee, 7, 1);
  CU_ASSERT(dx_keylog_add_text(kl, line, (size_t)n) == 1);
  CU_ASSERT(dx_keylog_count(kl) == 100);
  unsigned v = 60 * 7919;
  key[28] = (uint8_t)(v >> 24);
  key[29] = (uint8_t)(v >> 16);
  key[30] = (uint8_t)(v >> 8);
  key[31] = (uint8_t)v;
  CU_ASSERT(dx_keylog_find(kl, DX_KL_CLIENT_RANDOM, key, 32, out, sizeof out) == 48);
  CU_ASSERT(out[47] == 0xee);
  dx_keylog_free(kl);

  /* Many separate adds merge into one sorted store (interleaved keys). */
  kl = dx_keylog_new(0);
  for (int round = 0; round < 3; round++) {
    len = 0;
    for (int i = round; i < 300; i += 3) {
      n = snprintf(line, sizeof line, "SERVER_TRAFFIC_SECRET_0 %064x %064x\n", i, i + round);
      memcpy(text + len, line, (size_t)n);
      len += (size_t)n;
    }
    CU_ASSERT(dx_keylog_add_text(kl, text, len) == 100);
  }
  CU_ASSERT(dx_keylog_count(kl) == 300);
  memset(key, 0, 32);
  for (int i = 0; i < 300; i++) {
    key[30] = (uint8_t)(i >> 8);
    key[31] = (uint8_t)i;
    CU_ASSERT(dx_keylog_find(kl, DX_KL_SERVER_TRAFFIC_SECRET_0, key, 32, out, sizeof out) == 32);
    CU_ASSERT(out[31] == (uint8_t)(i + i % 3));
    CU_ASSERT(dx_keylog_find(kl, DX_KL_CLIENT_TRAFFIC_SECRET_0, key, 32, out, sizeof out) == 0);
  }
  dx_keylog_free(kl);
  free(text);
}

static void test_keylog_file(void) {
  char path[] = "/tmp/dx_keylog_XXXXXX";
  int fd = mkstemp(path);
  CU_ASSERT_FATAL(fd >= 0);
  FILE *f = fdopen(fd, "w");
  fputs(keylog_text, f);
  /* an overlong line (longer than the reader's buffer), then a good one */
  fputs("\nCLIENT_RANDOM ", f);
  for (int i = 0; i < 70000; i++)
    fputc('a', f);
  fputs("\nCLIENT_RANDOM 0404040404040404040404040404040404040404040404040404040404040404 " S48
        "\n",
        f);
  fclose(f);
  dx_keylog *kl = dx_keylog_new(0);
  char err[256];
  CU_ASSERT(dx_keylog_load_file(kl, path, err, sizeof err) == DX_OK);
  CU_ASSERT(dx_keylog_count(kl) == 12);
  unsigned long first = 0;
  CU_ASSERT(dx_keylog_bad_lines(kl, &first) == 7 && first == 7);
  uint8_t cr4[32], out[64];
  memset(cr4, 4, 32);
  CU_ASSERT(dx_keylog_find(kl, DX_KL_CLIENT_RANDOM, cr4, 32, out, sizeof out) == 48);
  unlink(path);
  /* The real sample key logs. */
  char sample[1024];
  CU_ASSERT_FATAL(sample_path("https-tls13.keylog", sample, sizeof sample));
  CU_ASSERT(dx_keylog_load_file(kl, sample, err, sizeof err) == DX_OK);
  uint8_t cr[32];
  unhex("252170d19a132c0af16cba3bcb2fbdec0a36d71f2137bc9ce5fde15eccde65e0", cr, 32);
  CU_ASSERT(dx_keylog_find(kl, DX_KL_CLIENT_TRAFFIC_SECRET_0, cr, 32, out, sizeof out) == 48);
  CU_ASSERT(out[0] == 0x71 && out[47] == 0x7c);
  /* A missing file: an error naming it. */
  CU_ASSERT(dx_keylog_load_file(kl, "/nonexistent/dir/keys.log", err, sizeof err) == DX_ENOFILE);
  CU_ASSERT(strstr(err, "/nonexistent/dir/keys.log") != NULL);
  CU_ASSERT(strstr(err, "No such file") != NULL);
  dx_keylog_free(kl);
}

static CU_TestInfo tests[] = {
    {"rfc8448_keys", test_rfc8448_keys},
    {"rfc8448_records", test_rfc8448_records},
    {"prf_vector", test_prf_vector},
    {"sample_tls12", test_sample_tls12},
    {"sample_tls13", test_sample_tls13},
    {"cbc_tls10", test_cbc_tls10},
    {"cbc_tls12_mte", test_cbc_tls12_mte},
    {"cbc_tls12_etm", test_cbc_tls12_etm},
    {"aead12", test_aead12},
    {"psk_suites", test_psk_suites},
    {"tls13_suites_key_update", test_tls13_suites},
    {"suite_table", test_suite_table},
    {"rsa", test_rsa},
    {"keylog_text", test_keylog_text},
    {"keylog_many", test_keylog_many},
    {"keylog_file", test_keylog_file},
    CU_TEST_INFO_NULL,
};

int main(void) {
  return tu_run("tls_decrypt", tests);
}
