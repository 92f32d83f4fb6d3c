/* Whole TLS sessions from hand-built records, decrypted through the TLS
 * dissector with a session's secrets:
 *   - plain PSK key exchange with dx_session_set_tls_psk() (RFC 4279 2);
 *   - TLS 1.2 renegotiation: a second handshake under the first keys,
 *     whose own keys take over at its ChangeCipherSpecs;
 *   - TLS 1.3 0-RTT without the client's early traffic secret: the early
 *     records are skipped by trial decryption with the handshake keys
 *     (RFC 8446 4.2.10), the client's Finished and application data open.
 * The records are encrypted here with OpenSSL EVP directly, as RFC 5246
 * 6.2.3.3 and RFC 5288 3 describe them, under keys cut from a key block
 * that OpenSSL's TLS1-PRF makes of a master secret computed beforehand with
 * Python's hmac/hashlib (P_SHA256 of RFC 5246 5 written out there), so the
 * premaster construction is checked against a second implementation. */
#include "core/dx.h"
#include "testutil.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const dx_protocol dx_proto_tls;

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))

/* ---- a byte builder with nested length prefixes ---- */
typedef struct bb {
  uint8_t b[8192];
  size_t n;
  size_t at[16];
  unsigned w[16];
  int sp;
} bb;

static void p8(bb *x, unsigned v) {
  x->b[x->n++] = (uint8_t)v;
}
static void p16(bb *x, unsigned v) {
  p8(x, v >> 8);
  p8(x, v);
}
static void pn(bb *x, const void *d, size_t n) {
  memcpy(x->b + x->n, d, n);
  x->n += n;
}
static void pfill(bb *x, uint8_t v, size_t n) {
  memset(x->b + x->n, v, n);
  x->n += n;
}
static void open_(bb *x, unsigned w) {
  x->at[x->sp] = x->n;
  x->w[x->sp++] = w;
  x->n += w;
}
static void close_(bb *x) {
  x->sp--;
  size_t len = x->n - x->at[x->sp] - x->w[x->sp];
  for (unsigned i = 0; i < x->w[x->sp]; i++)
    x->b[x->at[x->sp] + i] = (uint8_t)(len >> (8 * (x->w[x->sp] - 1 - i)));
}
static void rec_open(bb *x, unsigned ct, unsigned ver) {
  p8(x, ct);
  p16(x, ver);
  open_(x, 2);
}
static void hs_open(bb *x, unsigned type) {
  p8(x, type);
  open_(x, 3);
}

/* ---- calling the dissector directly, with a connection ---- */
typedef struct h {
  dx_session *s;
  dx_flow flow;
} h;

static void h_init(h *x) {
  memset(x, 0, sizeof *x);
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&x->s, NULL), DX_OK);
}
static void h_free(h *x) {
  if (x->flow.app_free && x->flow.app_data)
    x->flow.app_free(x->flow.app_data);
  dx_session_free(x->s);
}

/* Dissects n bytes of TLS stream data in direction dir (0: client to
 * server, port 50000 to 443). */
static dx_packet *tls_call(h *x, int dir, const uint8_t *b, size_t n) {
  static const uint8_t eth[14] = {0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0x90, 0x00};
  dx_frame fr = {.ts_sec = 1700000000, .caplen = 14, .wirelen = 14, .linktype = 1, .data = eth};
  dx_packet *p = NULL;
  if (dx_session_dissect(x->s, &fr, &p) != DX_OK || !p)
    return NULL;
  dx_tvb t = dx_packet_add_source(p, "TLS test bytes", b, (uint32_t)n);
  p->flow = &x->flow;
  p->flow_dir = dir;
  p->srcport = dir ? 443 : 50000;
  p->dstport = dir ? 50000 : 443;
  p->desegment_offset = p->desegment_len = 0;
  dx_proto_tls.dissect(p, &t, dx_packet_root_mut(p));
  p->flow = NULL;
  return p;
}

/* ---- OpenSSL, independently of the library ---- */
static void prf(const char *md, const uint8_t *secret, size_t slen, const char *label,
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

/* A TLS 1.2 AES-128-GCM record (RFC 5288 3): explicit nonce = seq. */
static void gcm_record(bb *x, unsigned ct, const uint8_t key[16], const uint8_t fiv[4],
                       uint64_t seq, const uint8_t *pt, size_t ptlen) {
  uint8_t nonce[12], aad[13];
  memcpy(nonce, fiv, 4);
  for (int i = 0; i < 8; i++)
    nonce[4 + i] = aad[i] = (uint8_t)(seq >> (56 - 8 * i));
  aad[8] = (uint8_t)ct;
  aad[9] = 3;
  aad[10] = 3;
  aad[11] = (uint8_t)(ptlen >> 8);
  aad[12] = (uint8_t)ptlen;
  rec_open(x, ct, 0x0303);
  pn(x, nonce + 4, 8);
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
  int l = 0;
  CU_ASSERT_FATAL(EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), NULL, key, nonce) == 1);
  CU_ASSERT_FATAL(EVP_EncryptUpdate(c, NULL, &l, aad, 13) == 1);
  CU_ASSERT_FATAL(EVP_EncryptUpdate(c, x->b + x->n, &l, pt, (int)ptlen) == 1);
  x->n += (size_t)l;
  CU_ASSERT_FATAL(EVP_EncryptFinal_ex(c, x->b + x->n, &l) == 1);
  x->n += (size_t)l;
  CU_ASSERT_FATAL(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, x->b + x->n) == 1);
  x->n += 16;
  EVP_CIPHER_CTX_free(c);
  close_(x);
}

/* HKDF-Expand-Label (RFC 8446 7.1) written out here, with OpenSSL's HKDF
 * in EXPAND_ONLY mode. */
static void hkdf_label(const uint8_t secret[32], const char *label, uint8_t *out, size_t outlen) {
  uint8_t info[64];
  size_t n = 0, ll = strlen(label);
  info[n++] = 0;
  info[n++] = (uint8_t)outlen;
  info[n++] = (uint8_t)(6 + ll);
  memcpy(info + n, "tls13 ", 6);
  memcpy(info + n + 6, label, ll);
  n += 6 + ll;
  info[n++] = 0;
  EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
  EVP_KDF_CTX *k = EVP_KDF_CTX_new(kdf);
  OSSL_PARAM p[] = {OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MODE, "EXPAND_ONLY", 0),
                    OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, "SHA256", 0),
                    OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)secret, 32),
                    OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, n),
                    OSSL_PARAM_construct_end()};
  CU_ASSERT_FATAL(EVP_KDF_derive(k, out, outlen, p) == 1);
  EVP_KDF_CTX_free(k);
  EVP_KDF_free(kdf);
}

/* A TLS 1.3 record (RFC 8446 5.2) of TLS_AES_128_GCM_SHA256 under secret. */
static void record13(bb *x, const uint8_t secret[32], uint64_t seq, unsigned type, const void *pt,
                     size_t ptlen) {
  uint8_t key[16], iv[12], inner[512], hdr[5];
  hkdf_label(secret, "key", key, 16);
  hkdf_label(secret, "iv", iv, 12);
  for (int i = 0; i < 8; i++)
    iv[4 + i] ^= (uint8_t)(seq >> (56 - 8 * i));
  memcpy(inner, pt, ptlen);
  inner[ptlen] = (uint8_t)type;
  size_t len = ptlen + 1 + 16;
  hdr[0] = 23;
  hdr[1] = 3;
  hdr[2] = 3;
  hdr[3] = (uint8_t)(len >> 8);
  hdr[4] = (uint8_t)len;
  pn(x, hdr, 5);
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
  int l = 0;
  CU_ASSERT_FATAL(EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), NULL, key, iv) == 1);
  CU_ASSERT_FATAL(EVP_EncryptUpdate(c, NULL, &l, hdr, 5) == 1);
  CU_ASSERT_FATAL(EVP_EncryptUpdate(c, x->b + x->n, &l, inner, (int)ptlen + 1) == 1);
  x->n += (size_t)l;
  CU_ASSERT_FATAL(EVP_EncryptFinal_ex(c, x->b + x->n, &l) == 1);
  x->n += (size_t)l;
  CU_ASSERT_FATAL(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, x->b + x->n) == 1);
  x->n += 16;
  EVP_CIPHER_CTX_free(c);
}

/* Whether the label of a tls.decryption node's expert child holds s. */
static bool decryption_note(const dx_packet *p, const char *s) {
  for (const dx_node *n = dx_packet_find_name(p, "tls.decryption"); n;
       n = dx_packet_find_next(p, n))
    for (const dx_node *e = dx_node_first_child(n); e; e = dx_node_next(e)) {
      char buf[512];
      dx_node_label(e, buf, sizeof buf);
      if (strstr(buf, s))
        return true;
    }
  return false;
}

static void hexline(char *out, const char *label, const uint8_t *a, const uint8_t *b) {
  out += sprintf(out, "%s ", label);
  for (int i = 0; i < 32; i++)
    out += sprintf(out, "%02x", a[i]);
  *out++ = ' ';
  for (int i = 0; i < 32; i++)
    out += sprintf(out, "%02x", b[i]);
  strcpy(out, "\n");
}

/* The client offers early data (ClientHello with early_data, a
 * ChangeCipherSpec and a 0-RTT record), the server answers TLS 1.3; the
 * key log has the client's handshake and application secrets but not the
 * early one (with_log; without it, nothing opens). The EndOfEarlyData
 * (under the early keys) precedes the client's Finished in one segment. */
static void early_session(bool with_log) {
  uint8_t crandom[32], early[32], chs[32], cap[32];
  memset(crandom, 0x03, 32);
  memset(early, 0xe0, 32);
  memset(chs, 0xc4, 32);
  memset(cap, 0xa7, 32);
  char log[512];
  hexline(log, "CLIENT_HANDSHAKE_TRAFFIC_SECRET", crandom, chs);
  hexline(log + strlen(log), "CLIENT_TRAFFIC_SECRET_0", crandom, cap);
  h x;
  h_init(&x);
  if (with_log)
    CU_ASSERT_EQUAL(dx_session_add_secrets(x.s, log, strlen(log)), DX_OK);
  bb c1 = {0}, s1 = {0}, c2 = {0}, c3 = {0};
  rec_open(&c1, 22, 0x0301);
  hs_open(&c1, 1);
  p16(&c1, 0x0303);
  pn(&c1, crandom, 32);
  p8(&c1, 0);
  p16(&c1, 2);
  p16(&c1, 0x1301);
  p8(&c1, 1);
  p8(&c1, 0);
  open_(&c1, 2);
  p16(&c1, 43); /* supported_versions: TLS 1.3 */
  open_(&c1, 2);
  open_(&c1, 1);
  p16(&c1, 0x0304);
  close_(&c1);
  close_(&c1);
  p16(&c1, 42); /* early_data */
  p16(&c1, 0);
  close_(&c1);
  close_(&c1);
  close_(&c1);
  rec_open(&c1, 20, 0x0303);
  p8(&c1, 1);
  close_(&c1);
  static const char req[] = "GET /early HTTP/1.1\r\nHost: a.test\r\n\r\n";
  record13(&c1, early, 0, 23, req, strlen(req));
  rec_open(&s1, 22, 0x0303);
  hs_open(&s1, 2);
  p16(&s1, 0x0303);
  pfill(&s1, 0x04, 32);
  p8(&s1, 0);
  p16(&s1, 0x1301);
  p8(&s1, 0);
  open_(&s1, 2);
  p16(&s1, 43);
  p16(&s1, 2);
  p16(&s1, 0x0304);
  close_(&s1);
  close_(&s1);
  close_(&s1);
  static const uint8_t eoed[4] = {5, 0, 0, 0};
  record13(&c2, early, 1, 22, eoed, 4);
  uint8_t fin[36] = {20, 0, 0, 32};
  memset(fin + 4, 0x5f, 32);
  record13(&c2, chs, 0, 22, fin, sizeof fin);
  static const char get[] = "GET /second HTTP/1.1\r\nHost: a.test\r\n\r\n";
  record13(&c3, cap, 0, 23, get, strlen(get));

  dx_packet *p = tls_call(&x, 0, c1.b, c1.n);
  CU_ASSERT_EQUAL(tu_count(p, "tls.record"), 3);
  CU_ASSERT_EQUAL(tu_count(p, "http.request.uri"), 0);
  CU_ASSERT(decryption_note(p, with_log ? "no CLIENT_EARLY_TRAFFIC_SECRET" : "no key log given"));
  dx_packet_free(p);
  dx_packet_free(tls_call(&x, 1, s1.b, s1.n));
  p = tls_call(&x, 0, c2.b, c2.n);
  CU_ASSERT_EQUAL(tu_count(p, "tls.record"), 2);
  /* the EndOfEarlyData is skipped, the Finished opens */
  CU_ASSERT_STRING_EQUAL(tu_value(p, "tls.handshake.type"), with_log ? "20" : "");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), with_log ? "Application Data, Finished"
                                                     : "Application Data, Application Data");
  if (with_log)
    CU_ASSERT(decryption_note(p, "skipped as a server skips it"));
  dx_packet_free(p);
  p = tls_call(&x, 0, c3.b, c3.n);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "http.request.uri"), with_log ? "/second" : "");
  dx_packet_free(p);
  h_free(&x);
}

static void test_early_without_secret(void) {
  early_session(true);
  early_session(false);
}

/* ---- plain PSK (RFC 4279) ---- */

static const uint8_t psk[16] = {0xca, 0x19, 0xe0, 0x28, 0xa8, 0xa3, 0x72, 0xad,
                                0x2d, 0x32, 0x5f, 0x95, 0x0f, 0xca, 0xce, 0xed};

/* ClientHello and ServerHello of TLS 1.2 with suite 0x00a8
 * (TLS_PSK_WITH_AES_128_GCM_SHA256), randoms 01.. and 02.., no extension;
 * ServerHelloDone; ClientKeyExchange with identity "Client_identity". */
static void psk_hellos(bb *c1, bb *s1, bb *c2) {
  rec_open(c1, 22, 0x0301);
  hs_open(c1, 1);
  p16(c1, 0x0303);
  pfill(c1, 0x01, 32);
  p8(c1, 0);
  p16(c1, 2);
  p16(c1, 0x00a8);
  p8(c1, 1);
  p8(c1, 0);
  close_(c1);
  close_(c1);
  rec_open(s1, 22, 0x0303);
  hs_open(s1, 2);
  p16(s1, 0x0303);
  pfill(s1, 0x02, 32);
  p8(s1, 0);
  p16(s1, 0x00a8);
  p8(s1, 0);
  close_(s1);
  hs_open(s1, 14);
  close_(s1);
  close_(s1);
  rec_open(c2, 22, 0x0303);
  hs_open(c2, 16);
  open_(c2, 2);
  pn(c2, "Client_identity", 15);
  close_(c2);
  close_(c2);
  close_(c2);
  rec_open(c2, 20, 0x0303);
  p8(c2, 1);
  close_(c2);
}

static void psk_session(bool give_psk) {
  /* master secret = PRF(premaster, "master secret", 01.. + 02..), premaster =
   * 0010 || 16 zero bytes || 0010 || psk; computed with Python's hmac. */
  static const uint8_t ms[48] = {0xd6, 0x2d, 0xef, 0x15, 0x35, 0xf9, 0xdd, 0x06, 0xe9, 0x83,
                                 0x30, 0x6d, 0x2b, 0x26, 0x3e, 0xec, 0xb1, 0x3c, 0x17, 0x58,
                                 0xcd, 0x5d, 0x47, 0x45, 0x33, 0xed, 0xcd, 0x66, 0xd6, 0x70,
                                 0xdf, 0x25, 0x83, 0x1f, 0x1d, 0x4c, 0x77, 0x75, 0x16, 0xf8,
                                 0x5c, 0xc8, 0xb4, 0x09, 0xfa, 0xf1, 0x35, 0x00};
  uint8_t seed[64], kb[40];
  memset(seed, 0x02, 32);
  memset(seed + 32, 0x01, 32);
  /* client_write_key, server_write_key, client IV, server IV (RFC 5246 6.3) */
  prf("SHA256", ms, 48, "key expansion", seed, 64, kb, 40);
  h x;
  h_init(&x);
  if (give_psk)
    CU_ASSERT_EQUAL(dx_session_set_tls_psk(x.s, psk, sizeof psk), DX_OK);
  bb c1 = {0}, s1 = {0}, c2 = {0}, c3 = {0};
  psk_hellos(&c1, &s1, &c2);
  static const uint8_t fin[16] = {20, 0, 0, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  gcm_record(&c2, 22, kb, kb + 32, 0, fin, sizeof fin);
  static const char get[] = "GET /psk HTTP/1.1\r\nHost: psk.test\r\n\r\n";
  gcm_record(&c3, 23, kb, kb + 32, 1, (const uint8_t *)get, strlen(get));
  dx_packet *p = tls_call(&x, 0, c1.b, c1.n);
  dx_packet_free(p);
  dx_packet_free(tls_call(&x, 1, s1.b, s1.n));
  p = tls_call(&x, 0, c2.b, c2.n);
  CU_ASSERT_EQUAL(tu_count(p, "tls.handshake.type"), give_psk ? 2 : 1);
  EXPECT(p, "tls.handshake.identity", "436c69656e745f6964656e74697479");
  dx_packet_free(p);
  p = tls_call(&x, 0, c3.b, c3.n);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "http.request.uri"), give_psk ? "/psk" : "");
  dx_packet_free(p);
  h_free(&x);
}

static void test_psk(void) {
  psk_session(true);
  psk_session(false);
}

static void test_psk_api(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  CU_ASSERT_EQUAL(dx_session_set_tls_psk(NULL, psk, 1), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_session_set_tls_psk(s, NULL, 1), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_session_set_tls_psk(s, psk, 65536), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_session_set_tls_psk(s, psk, sizeof psk), DX_OK);
  CU_ASSERT_EQUAL(dx_session_reset(s), DX_OK);
  CU_ASSERT_EQUAL(dx_session_set_tls_psk(s, NULL, 0), DX_OK);
  dx_session_free(s);
}

/* ---- renegotiation (RFC 5246 7.4.1.2, RFC 5746) ---- */

/* A ClientHello (type 1) or ServerHello (2) of TLS 1.2 with suite
 * 0xc02f (ECDHE_RSA_WITH_AES_128_GCM_SHA256), the random all r, as a bare
 * handshake message (no record header), into m. */
static void hello12(bb *m, unsigned type, uint8_t r) {
  hs_open(m, type);
  p16(m, 0x0303);
  pfill(m, r, 32);
  p8(m, 0);
  if (type == 1)
    p16(m, 2);
  p16(m, 0xc02f);
  if (type == 1)
    p8(m, 1);
  p8(m, 0);
  close_(m);
}

typedef struct keys12 {
  uint8_t kb[40]; /* client key, server key, client IV, server IV */
} keys12;

static void keys12_make(keys12 *k, const uint8_t ms[48], uint8_t cr, uint8_t sr) {
  uint8_t seed[64];
  memset(seed, sr, 32);
  memset(seed + 32, cr, 32);
  prf("SHA256", ms, 48, "key expansion", seed, 64, k->kb, 40);
}

static void hexms(char *out, uint8_t cr, const uint8_t ms[48]) {
  out += sprintf(out, "CLIENT_RANDOM ");
  for (int i = 0; i < 32; i++)
    out += sprintf(out, "%02x", cr);
  *out++ = ' ';
  for (int i = 0; i < 48; i++)
    out += sprintf(out, "%02x", ms[i]);
  strcpy(out, "\n");
}

static void test_renegotiation(void) {
  uint8_t ms1[48], ms2[48];
  memset(ms1, 0x11, 48);
  memset(ms2, 0x22, 48);
  char log[512];
  hexms(log, 0xa1, ms1);
  hexms(log + strlen(log), 0xc3, ms2);
  keys12 k1, k2;
  keys12_make(&k1, ms1, 0xa1, 0xb2);
  keys12_make(&k2, ms2, 0xc3, 0xd4);
  h x;
  h_init(&x);
  CU_ASSERT_EQUAL(dx_session_add_secrets(x.s, log, strlen(log)), DX_OK);
  static const uint8_t fin[16] = {20, 0, 0, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  static const uint8_t one = 1, shd[4] = {14, 0, 0, 0};
  static bb f[8], m;
  memset(f, 0, sizeof f);
  memset(&m, 0, sizeof m);
  /* 0: ClientHello; 1: ServerHello, ServerHelloDone */
  rec_open(&f[0], 22, 0x0301);
  hello12(&f[0], 1, 0xa1);
  close_(&f[0]);
  rec_open(&f[1], 22, 0x0303);
  hello12(&f[1], 2, 0xb2);
  pn(&f[1], shd, 4);
  close_(&f[1]);
  /* 2: client CCS, Finished; 3: server CCS, Finished (first keys) */
  rec_open(&f[2], 20, 0x0303);
  p8(&f[2], 1);
  close_(&f[2]);
  gcm_record(&f[2], 22, k1.kb, k1.kb + 32, 0, fin, sizeof fin);
  rec_open(&f[3], 20, 0x0303);
  p8(&f[3], 1);
  close_(&f[3]);
  gcm_record(&f[3], 22, k1.kb + 16, k1.kb + 36, 0, fin, sizeof fin);
  /* 4: a request, then the new ClientHello, under the first keys */
  static const char get1[] = "GET /one HTTP/1.1\r\nHost: r.test\r\n\r\n";
  gcm_record(&f[4], 23, k1.kb, k1.kb + 32, 1, (const uint8_t *)get1, strlen(get1));
  hello12(&m, 1, 0xc3);
  gcm_record(&f[4], 22, k1.kb, k1.kb + 32, 2, m.b, m.n);
  /* 5: ServerHello, ServerHelloDone under the first keys */
  m.n = 0;
  hello12(&m, 2, 0xd4);
  pn(&m, shd, 4);
  gcm_record(&f[5], 22, k1.kb + 16, k1.kb + 36, 1, m.b, m.n);
  /* 6: client CCS under the first keys, Finished under the second;
   * 7: the server's, then a request under the second keys */
  gcm_record(&f[6], 20, k1.kb, k1.kb + 32, 3, &one, 1);
  gcm_record(&f[6], 22, k2.kb, k2.kb + 32, 0, fin, sizeof fin);
  gcm_record(&f[7], 20, k1.kb + 16, k1.kb + 36, 2, &one, 1);
  gcm_record(&f[7], 22, k2.kb + 16, k2.kb + 36, 0, fin, sizeof fin);
  static const char get2[] = "GET /two HTTP/1.1\r\nHost: r.test\r\n\r\n";
  gcm_record(&f[7], 23, k2.kb, k2.kb + 32, 1, (const uint8_t *)get2, strlen(get2));
  static const int dir[8] = {0, 1, 0, 1, 0, 1, 0, 0};
  static const char *const types[8] = {"1", "2,14", "20", "20", "1", "2,14", "20", "20"};
  /* the last "frame" is the server's CCS and Finished then the client's
   * request: split it in two calls */
  for (int i = 0; i < 8; i++) {
    size_t n = f[i].n;
    if (i == 7)
      n = f[7].n - (5 + 8 + strlen(get2) + 16);
    dx_packet *p = tls_call(&x, i == 7 ? 1 : dir[i], f[i].b, n);
    char got[64] = "";
    for (int j = 0; j < tu_count(p, "tls.handshake.type"); j++)
      snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", j ? "," : "",
               tu_nth(p, "tls.handshake.type", j));
    CU_ASSERT_STRING_EQUAL(got, types[i]);
    if (i == 4)
      CU_ASSERT_STRING_EQUAL(tu_value(p, "http.request.uri"), "/one");
    dx_packet_free(p);
    if (i == 7) {
      p = tls_call(&x, 0, f[7].b + n, f[7].n - n);
      CU_ASSERT_STRING_EQUAL(tu_value(p, "http.request.uri"), "/two");
      dx_packet_free(p);
    }
  }
  h_free(&x);
}

static CU_TestInfo tests[] = {
    {"psk", test_psk},
    {"psk_api", test_psk_api},
    {"early_without_secret", test_early_without_secret},
    {"renegotiation", test_renegotiation},
    CU_TEST_INFO_NULL,
};

int main(void) {
  return tu_run("tls_sessions", tests);
}
