/* Whole TLS sessions from hand-built records, decrypted through the TLS
 * dissector with a session's secrets:
 *   - plain PSK key exchange with dx_session_set_tls_psk() (RFC 4279 2);
 *   - TLS 1.2 renegotiation: a second handshake under the first keys,
 *     whose own keys take over at its ChangeCipherSpecs;
 *   - TLS 1.3 0-RTT without the client's early traffic secret: the early
 *     records are skipped by trial decryption with the handshake keys
 *     (RFC 8446 4.2.10), the client's Finished and application data open;
 *   - an SSLv2-format ClientHello (fields as tshark shows them, hostile
 *     lengths) whose challenge is the client random of an SSL 3.0 session
 *     (RFC 6101) decrypted with records made in Python.
 * The records are encrypted here with OpenSSL EVP directly, as RFC 5246
 * 6.2.3.3 and RFC 5288 3 describe them, under keys cut from a key block
 * that OpenSSL's TLS1-PRF makes of a master secret computed beforehand with
 * Python's hmac/hashlib (P_SHA256 of RFC 5246 5 written out there), so the
 * premaster construction is checked against a second implementation. */
#include "core/dx.h"
#include "osslprf.h"
#include "proto/tls_decrypt.h"
#include "testutil.h"
#include "tlsbuild.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const dx_protocol dx_proto_tls;

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))

/* the byte builder: tlsbuild.h */

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
static void hkdf_label_pre(const uint8_t secret[32], const char *prefix, const char *label,
                           uint8_t *out, size_t outlen) {
  uint8_t info[64];
  size_t n = 0, ll = strlen(label), pl = strlen(prefix);
  info[n++] = 0;
  info[n++] = (uint8_t)outlen;
  info[n++] = (uint8_t)(pl + ll);
  memcpy(info + n, prefix, pl);
  memcpy(info + n + pl, label, ll);
  n += pl + ll;
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

/* A TLS 1.3 record (RFC 8446 5.2) of TLS_AES_128_GCM_SHA256 under secret;
 * of a draft: HKDF labels after prefix, the header as additional data or
 * none (drafts before 25). */
static void record13x(bb *x, const uint8_t secret[32], uint64_t seq, unsigned type, const void *pt,
                      size_t ptlen, const char *prefix, bool aad) {
  uint8_t key[16], iv[12], inner[512], hdr[5];
  hkdf_label_pre(secret, prefix, "key", key, 16);
  hkdf_label_pre(secret, prefix, "iv", iv, 12);
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
  if (aad)
    CU_ASSERT_FATAL(EVP_EncryptUpdate(c, NULL, &l, hdr, 5) == 1);
  CU_ASSERT_FATAL(EVP_EncryptUpdate(c, x->b + x->n, &l, inner, (int)ptlen + 1) == 1);
  x->n += (size_t)l;
  CU_ASSERT_FATAL(EVP_EncryptFinal_ex(c, x->b + x->n, &l) == 1);
  x->n += (size_t)l;
  CU_ASSERT_FATAL(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, x->b + x->n) == 1);
  x->n += 16;
  EVP_CIPHER_CTX_free(c);
}

static void record13(bb *x, const uint8_t secret[32], uint64_t seq, unsigned type, const void *pt,
                     size_t ptlen) {
  record13x(x, secret, seq, type, pt, ptlen, "tls13 ", true);
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

/* A TLS 1.3 ClientHello (TLS_AES_128_GCM_SHA256, supported_versions, and
 * early_data if asked) in c and the ServerHello that takes it in s, each
 * a record of its own. */
static void hellos13(bb *c, bb *s, const uint8_t crandom[32], bool early) {
  rec_open(c, 22, 0x0301);
  hs_open(c, 1);
  p16(c, 0x0303);
  pn(c, crandom, 32);
  p8(c, 0);
  p16(c, 2);
  p16(c, 0x1301);
  p8(c, 1);
  p8(c, 0);
  open_(c, 2);
  p16(c, 43); /* supported_versions: TLS 1.3 */
  open_(c, 2);
  open_(c, 1);
  p16(c, 0x0304);
  close_(c);
  close_(c);
  if (early) {
    p16(c, 42); /* early_data */
    p16(c, 0);
  }
  close_(c);
  close_(c);
  close_(c);
  rec_open(s, 22, 0x0303);
  hs_open(s, 2);
  p16(s, 0x0303);
  pfill(s, 0x04, 32);
  p8(s, 0);
  p16(s, 0x1301);
  p8(s, 0);
  open_(s, 2);
  p16(s, 43);
  p16(s, 2);
  p16(s, 0x0304);
  close_(s);
  close_(s);
  close_(s);
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
  hellos13(&c1, &s1, crandom, true);
  rec_open(&c1, 20, 0x0303);
  p8(&c1, 1);
  close_(&c1);
  static const char req[] = "GET /early HTTP/1.1\r\nHost: a.test\r\n\r\n";
  record13(&c1, early, 0, 23, req, strlen(req));
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

/* With 0-RTT offered, the client's records before the ServerHello are TLS
 * 1.3's for tshark, a Change Cipher Spec alone in its frame too (nDPI's
 * no_sni.pcap frame 12: "TLSv1.3", "Change Cipher Spec"). */
static void test_early_ccs_alone(void) {
  uint8_t crandom[32];
  memset(crandom, 0x04, 32);
  h x;
  h_init(&x);
  bb c1 = {0}, s1 = {0}, c2 = {0};
  hellos13(&c1, &s1, crandom, true);
  rec_open(&c2, 20, 0x0303);
  p8(&c2, 1);
  close_(&c2);
  dx_packet *p = tls_call(&x, 0, c1.b, c1.n);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Client Hello");
  dx_packet_free(p);
  p = tls_call(&x, 0, c2.b, c2.n);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Change Cipher Spec");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "TLSv1.3");
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
  ossl_prf("SHA256", ms, 48, "key expansion", seed, 64, kb, 40);
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
  ossl_prf("SHA256", ms, 48, "key expansion", seed, 64, k->kb, 40);
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

/* ---- SSLv2-format ClientHello, SSL 3.0 (RFC 6101) ---- */

/* An SSLv2-format ClientHello (RFC 6101 E.1): 2-byte header with the high
 * bit set, msg type 1, version, the three lengths, 3-byte cipher specs, the
 * session id (sidlen bytes 0x10, 0x11, ...) and chlen bytes of chal. */
static void v2hello(bb *x, unsigned ver, const uint32_t *specs, size_t nspecs, size_t sidlen,
                    uint8_t chal, size_t chlen) {
  size_t len = 9 + 3 * nspecs + sidlen + chlen;
  p16(x, 0x8000 | (unsigned)len);
  p8(x, 1);
  p16(x, ver);
  p16(x, 3 * (unsigned)nspecs);
  p16(x, (unsigned)sidlen);
  p16(x, (unsigned)chlen);
  for (size_t i = 0; i < nspecs; i++) {
    p8(x, specs[i] >> 16);
    p16(x, specs[i] & 0xffff);
  }
  for (size_t i = 0; i < sidlen; i++)
    p8(x, 0x10 + (unsigned)i);
  pfill(x, chal, chlen);
}

/* Values as tshark 4.0 shows this hello (-T fields, -V). */
static void test_sslv2_hello(void) {
  static const uint32_t specs[] = {0x00002f, 0x010080, 0x00feff};
  h x;
  h_init(&x);
  bb m = {0};
  v2hello(&m, 0x0301, specs, 3, 16, 0xc1, 32);
  dx_packet *p = tls_call(&x, 0, m.b, m.n);
  CU_ASSERT_FATAL(p != NULL);
  CU_ASSERT_STRING_EQUAL(tu_label(p, "tls.record"), "SSLv2 Record Layer: Client Hello");
  EXPECT(p, "tls.record.version", "0x0002");
  EXPECT(p, "tls.record.length", "66");
  EXPECT(p, "tls.handshake.type", "1");
  EXPECT(p, "tls.handshake.version", "0x0301");
  EXPECT(p, "tls.handshake.cipher_spec_len", "9");
  /* one field for this 16-bit length and the 8-bit one of TLS hellos, as
   * tshark: a filter or -e finds either */
  EXPECT(p, "tls.handshake.session_id_length", "16");
  EXPECT(p, "tls.handshake.challenge_length", "32");
  CU_ASSERT_EQUAL(tu_count(p, "tls.handshake.cipherspec"), 3);
  EXPECT(p, "tls.handshake.cipherspec", "0x00002f");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "tls.handshake.cipherspec", 2), "0x00feff");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "tls.handshake.ciphersuites"), "Cipher Specs (3 specs)");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "tls.handshake.cipherspec"),
                         "Cipher Spec: TLS_RSA_WITH_AES_128_CBC_SHA (0x00002f)");
  EXPECT(p, "tls.handshake.session_id", "101112131415161718191a1b1c1d1e1f");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "tls.handshake.session_id"), "Session ID (16 bytes)");
  CU_ASSERT_EQUAL(tu_count(p, "tls.handshake.challenge"), 1);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Client Hello");
  CU_ASSERT_FALSE(tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  h_free(&x);
}

/* Hostile SSLv2 hellos: a cut record, lengths past the record, challenges
 * of 0 and 33 bytes (a 33-byte one would be copied before the start of the
 * 32-byte client random), a session id of 17: malformed or truncated,
 * never an access out of bounds (the sanitizer builds check). */
static void test_sslv2_hostile(void) {
  static const uint32_t spec = 0x00002f;
  bb good = {0};
  v2hello(&good, 0x0300, &spec, 1, 0, 0x01, 16);
  for (int v = 0; v < 8; v++) {
    bb m = {0};
    switch (v) {
    case 0: v2hello(&m, 0x0300, &spec, 1, 0, 0x01, 0); break;  /* no challenge */
    case 1: v2hello(&m, 0x0300, &spec, 1, 0, 0x01, 33); break; /* challenge too long */
    case 2: v2hello(&m, 0x0300, &spec, 1, 17, 0x01, 16); break;
    case 3: /* cipher spec length past the record */
      m = good;
      m.b[5] = 0x02;
      break;
    case 4: /* challenge length past the record */
      m = good;
      m.b[10] = 0x11;
      break;
    case 5: /* a cipher spec length not a multiple of 3 */
      m = good;
      m.b[6] = 2;
      m.b[10] = 17;
      break;
    case 6: /* the header's length past the bytes */
      m = good;
      m.b[1] = 0x7f;
      break;
    default: /* cut inside the 9-byte header */
      pn(&m, good.b, 8);
      m.b[1] = 6;
      break;
    }
    h x;
    h_init(&x);
    dx_packet *p = tls_call(&x, 0, m.b, m.n);
    CU_ASSERT_FATAL(p != NULL);
    if (v == 6) { /* in a byte stream: the rest is asked for */
      CU_ASSERT_EQUAL(p->desegment_len, 2u + 0x7f - m.n);
      CU_ASSERT_EQUAL(tu_count(p, "tls.record"), 0);
    } else {
      CU_ASSERT_EQUAL(tu_count(p, "tls.record"), 1);
      CU_ASSERT_TRUE(tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
    }
    dx_packet_free(p);
    h_free(&x);
  }
  /* every prefix of a good hello */
  for (size_t n = 0; n < good.n; n++) {
    h x;
    h_init(&x);
    dx_packet_free(tls_call(&x, 0, good.b, n));
    h_free(&x);
  }
}

/* SSL 3.0 records made by Python (hashlib, cryptography), a second
 * implementation of RFC 6101: master secret (6.1) and key block (6.2.2)
 * from MD5/SHA-1 rounds "A", "BB", "CCC"..., the MAC (5.2.3.1)
 * hash(secret + pad_2 + hash(secret + pad_1 + seq + type + length + data))
 * with pads of 40 bytes (SHA-1) or 48 (MD5), CBC padding shorter than a
 * block of arbitrary bytes (00 and a5 here, which TLS would refuse), IVs
 * chained from the last ciphertext block. Session 1: the client random is
 * the SSLv2 hello's 16-byte challenge (c1) left-padded with zeros, server
 * random 5e.., TLS_RSA_WITH_AES_128_CBC_SHA, premaster 0300 9a..; records:
 * the client's and the server's Finished (seq 0), a request (client seq 1)
 * and the same request as record 2 with an HMAC-SHA1 (TLS) MAC instead.
 * Session 2: 32-byte challenge 3c.., server random 7a..,
 * TLS_RSA_WITH_NULL_MD5, master secret 4d..; the server's response (seq 0).
 * tshark 4.0 decrypts these too. Made with (python3, prints the arrays):
 *   import hashlib
 *   from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
 *
 *   def ssl3(secret, r1, r2, n):  # RFC 6101 6.1 / 6.2.2
 *       out = b""
 *       i = 0
 *       while len(out) < n:
 *           label = bytes([0x41 + i]) * (i + 1)
 *           out += hashlib.md5(secret + hashlib.sha1(label + secret + r1 + r2).digest()).digest()
 *           i += 1
 *       return out[:n]
 *
 *   def mac(h, padn, key, seq, ct, data):  # RFC 6101 5.2.3.1
 *       inner = h(key + b"\x36" * padn + seq.to_bytes(8, "big") + bytes([ct]) +
 *                 len(data).to_bytes(2, "big") + data).digest()
 *       return h(key + b"\x5c" * padn + inner).digest()
 *
 *   def rec(ct, body):
 *       return bytes([ct, 3, 0]) + len(body).to_bytes(2, "big") + body
 *
 *   def cbc(key, iv, data, mk, seq, ct, padfill):
 *       m = data + mac(hashlib.sha1, 40, mk, seq, ct, data)
 *       padlen = 15 - len(m) % 16                 # shorter than a block
 *       m += bytes([padfill]) * padlen + bytes([padlen])
 *       e = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
 *       c = e.update(m) + e.finalize()
 *       return c, c[-16:]
 *
 *   def c(name, b):
 *       print("static const uint8_t %s[%d] = {%s};" % (name, len(b), ", ".join("0x%02x" % x for x
 * in b)))
 *
 *   # Session 1: SSLv2 hello, 16-byte challenge c1 c1 ...; SSL 3.0 with
 *   # TLS_RSA_WITH_AES_128_CBC_SHA; premaster 03 00 then 46 bytes 0x9a.
 *   cr = b"\x00" * 16 + b"\xc1" * 16
 *   sr = b"\x5e" * 32
 *   pms = b"\x03\x00" + b"\x9a" * 46
 *   ms = ssl3(pms, cr, sr, 48)
 *   kb = ssl3(ms, sr, cr, 104)
 *   cmk, smk, ck, sk, civ, siv = kb[0:20], kb[20:40], kb[40:56], kb[56:72], kb[72:88], kb[88:104]
 *   c("s3_ms", ms)
 *   fin = bytes([20, 0, 0, 36]) + b"\xf1" * 36
 *   c1, civ = cbc(ck, civ, fin, cmk, 0, 22, 0x00)
 *   s1, siv = cbc(sk, siv, fin, smk, 0, 22, 0x00)
 *   req = b"GET /ssl3 HTTP/1.0\r\nHost: ssl3.test\r\n\r\n"
 *   c2, civ = cbc(ck, civ, req, cmk, 1, 23, 0xa5)
 *   c("s3_cfin", rec(22, c1))
 *   c("s3_sfin", rec(22, s1))
 *   c("s3_app", rec(23, c2))
 *   # the same request as record 2, its MAC made with HMAC-SHA1 (TLS) instead
 *   import hmac
 *   m = req + hmac.new(cmk, (2).to_bytes(8, "big") + bytes([23, 3, 0]) + len(req).to_bytes(2,
 * "big") + req, hashlib.sha1).digest() padlen = 15 - len(m) % 16 m += bytes([padlen]) * (padlen +
 * 1) e = Cipher(algorithms.AES(ck), modes.CBC(civ)).encryptor() hm = rec(23, e.update(m) +
 * e.finalize()) c("s3_hmac", hm)
 *
 *   # Session 2: SSLv2 hello with a 32-byte challenge 3c..; SSL 3.0 with
 *   # TLS_RSA_WITH_NULL_MD5 (MD5 MAC, 48-byte pads); master secret 0x4d x 48.
 *   cr2 = b"\x3c" * 32
 *   sr2 = b"\x7a" * 32
 *   ms2 = b"\x4d" * 48
 *   kb2 = ssl3(ms2, sr2, cr2, 32)
 *   data = b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"
 *   n5 = rec(23, data + mac(hashlib.md5, 48, kb2[16:32], 0, 23, data))
 *   c("n5_app", n5)
 */
static const uint8_t s3_ms[48] = {
    0xf9, 0x16, 0x01, 0x30, 0xf5, 0x58, 0xb0, 0x44, 0x38, 0xfb, 0x50, 0x6a, 0xd3, 0xa7, 0xa6, 0x61,
    0x97, 0x70, 0x5d, 0xe1, 0x1e, 0x6b, 0xdf, 0x70, 0x00, 0x44, 0x60, 0xce, 0xa2, 0x08, 0xe6, 0xd0,
    0xae, 0xaa, 0xf0, 0xdf, 0x38, 0xd9, 0x6a, 0x3c, 0x45, 0xf0, 0xab, 0x61, 0xc3, 0x68, 0xdf, 0x29};
static const uint8_t s3_cfin[69] = {
    0x16, 0x03, 0x00, 0x00, 0x40, 0xdf, 0xaf, 0x3e, 0x5e, 0x45, 0xa7, 0x51, 0xe8, 0xeb,
    0x25, 0x94, 0x05, 0x18, 0x15, 0xb0, 0xb5, 0xdc, 0xbd, 0x3a, 0xcd, 0x61, 0xa0, 0x32,
    0x87, 0x53, 0xd9, 0x04, 0xff, 0x77, 0x90, 0x3f, 0x9a, 0xd0, 0x3f, 0x0c, 0x7b, 0xae,
    0x76, 0x66, 0xd6, 0xc3, 0x6b, 0x66, 0xcc, 0xb9, 0x38, 0x20, 0x5c, 0x52, 0x60, 0x4d,
    0x8f, 0x5e, 0xd8, 0x53, 0xda, 0xa5, 0x56, 0x37, 0x49, 0x62, 0x40, 0xce, 0xa8};
static const uint8_t s3_sfin[69] = {
    0x16, 0x03, 0x00, 0x00, 0x40, 0x76, 0x39, 0x3b, 0x4c, 0x82, 0xf0, 0xfc, 0x9c, 0x7d,
    0xcb, 0x81, 0xc8, 0x3d, 0xf0, 0x59, 0x13, 0xbc, 0x2c, 0x04, 0x85, 0x78, 0xdc, 0x97,
    0x73, 0x5f, 0xc8, 0xda, 0xd9, 0x70, 0x72, 0x02, 0xca, 0x75, 0xd5, 0xe7, 0x54, 0x76,
    0xca, 0xcc, 0x0e, 0x7f, 0x96, 0x54, 0x7a, 0xf6, 0x9a, 0xb6, 0x11, 0x23, 0x50, 0xac,
    0xc6, 0x2c, 0xcb, 0x6c, 0x4f, 0xc9, 0x34, 0x50, 0x9a, 0x25, 0xc1, 0x28, 0x4c};
static const uint8_t s3_app[69] = {
    0x17, 0x03, 0x00, 0x00, 0x40, 0x02, 0xf7, 0x2e, 0x6a, 0x4a, 0xcf, 0x20, 0xfe, 0xd0,
    0xad, 0xaf, 0x7c, 0x84, 0xde, 0x64, 0x82, 0x72, 0x03, 0xf4, 0x30, 0x1c, 0xd8, 0x12,
    0xbc, 0x40, 0x17, 0x22, 0x31, 0x00, 0xd6, 0x15, 0x3d, 0xe3, 0xf1, 0x35, 0x0e, 0x32,
    0xf3, 0xa9, 0x5d, 0x6d, 0x7a, 0x26, 0x4d, 0x1e, 0x46, 0x64, 0x6f, 0x71, 0x9e, 0xea,
    0x4c, 0x68, 0x20, 0xa1, 0x82, 0xcf, 0xff, 0xc4, 0xc0, 0x3c, 0xbd, 0xc1, 0xa2};
static const uint8_t s3_hmac[69] = {
    0x17, 0x03, 0x00, 0x00, 0x40, 0x5d, 0xac, 0xef, 0x0e, 0xf7, 0xbf, 0x7e, 0xe1, 0xf1,
    0x15, 0x82, 0x82, 0xc6, 0xe3, 0x57, 0x5d, 0xe8, 0x41, 0x50, 0x83, 0x24, 0x3f, 0xe3,
    0x39, 0xa1, 0x40, 0x3e, 0x27, 0xe5, 0x6b, 0x79, 0x12, 0x10, 0xa4, 0xc0, 0xe8, 0x5c,
    0x5f, 0xa1, 0xda, 0xd6, 0x47, 0x4f, 0x1f, 0xa8, 0x7c, 0xdf, 0x4f, 0x15, 0x80, 0x34,
    0xf4, 0x8b, 0x50, 0xae, 0xdb, 0x69, 0xf2, 0xbd, 0x8b, 0xa8, 0x78, 0xeb, 0xb7};
static const uint8_t n5_app[59] = {
    0x17, 0x03, 0x00, 0x00, 0x36, 0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e, 0x30, 0x20, 0x32,
    0x30, 0x30, 0x20, 0x4f, 0x4b, 0x0d, 0x0a, 0x43, 0x6f, 0x6e, 0x74, 0x65, 0x6e, 0x74, 0x2d,
    0x4c, 0x65, 0x6e, 0x67, 0x74, 0x68, 0x3a, 0x20, 0x30, 0x0d, 0x0a, 0x0d, 0x0a, 0x69, 0x88,
    0x86, 0x1a, 0x3a, 0x19, 0xdb, 0x35, 0x91, 0xcc, 0xdf, 0xf8, 0x62, 0xf1, 0x1a, 0x3e};

static const uint8_t s3_pms[48] = {
    0x03, 0x00, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a,
    0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a,
    0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a};
static const char s3_req[] = "GET /ssl3 HTTP/1.0\r\nHost: ssl3.test\r\n\r\n";

/* The library's SSL 3.0 functions against the Python values. */
static void test_ssl3_api(void) {
  uint8_t cr[32], sr[32], ms[48], out[128];
  memset(cr, 0, 16);
  memset(cr + 16, 0xc1, 16);
  memset(sr, 0x5e, 32);
  const dx_tls_suite *cs = dx_tls_suite_find(0x002f);
  CU_ASSERT_FATAL(cs != NULL);
  CU_ASSERT_EQUAL(dx_tls12_master_secret(0x0300, cs, s3_pms, 48, cr, sr, NULL, 0, ms),
                  DX_TLS_DEC_OK);
  CU_ASSERT_EQUAL(memcmp(ms, s3_ms, 48), 0);
  dx_tls_dec *cw = NULL, *sw = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_tls12_make(0x0300, cs, ms, cr, sr, false, &cw, &sw), DX_TLS_DEC_OK);
  static const uint8_t fin[40] = {20,   0,    0,    36,   0xf1, 0xf1, 0xf1, 0xf1, 0xf1, 0xf1,
                                  0xf1, 0xf1, 0xf1, 0xf1, 0xf1, 0xf1, 0xf1, 0xf1, 0xf1, 0xf1,
                                  0xf1, 0xf1, 0xf1, 0xf1, 0xf1, 0xf1, 0xf1, 0xf1, 0xf1, 0xf1,
                                  0xf1, 0xf1, 0xf1, 0xf1, 0xf1, 0xf1, 0xf1, 0xf1, 0xf1, 0xf1};
  size_t n = 0;
  uint8_t ct = 0;
  CU_ASSERT_EQUAL(dx_tls_decrypt(cw, 22, 0x0300, s3_cfin + 5, 64, out, &n, &ct), DX_TLS_DEC_OK);
  CU_ASSERT(n == 40 && memcmp(out, fin, 40) == 0);
  CU_ASSERT_EQUAL(dx_tls_decrypt(sw, 22, 0x0300, s3_sfin + 5, 64, out, &n, &ct), DX_TLS_DEC_OK);
  CU_ASSERT(n == 40 && memcmp(out, fin, 40) == 0);
  CU_ASSERT_EQUAL(dx_tls_decrypt(cw, 23, 0x0300, s3_app + 5, 64, out, &n, &ct), DX_TLS_DEC_OK);
  CU_ASSERT(n == strlen(s3_req) && memcmp(out, s3_req, n) == 0);
  CU_ASSERT_EQUAL(dx_tls_decrypt(cw, 23, 0x0300, s3_hmac + 5, 64, out, &n, &ct),
                  DX_TLS_DEC_BAD_TAG);
  dx_tls_dec_free(cw);
  dx_tls_dec_free(sw);
}

static void hs_empty(bb *x, unsigned type) {
  hs_open(x, type);
  close_(x);
}

/* A ServerHello of SSL 3.0 with suite, the random all r, then
 * ServerHelloDone, in one record. */
static void ssl3_server_hello(bb *x, uint8_t r, unsigned suite) {
  rec_open(x, 22, 0x0300);
  hs_open(x, 2);
  p16(x, 0x0300);
  pfill(x, r, 32);
  p8(x, 0);
  p16(x, suite);
  p8(x, 0);
  close_(x);
  hs_empty(x, 14);
  close_(x);
}

static void ccs(bb *x) {
  rec_open(x, 20, 0x0300);
  p8(x, 1);
  close_(x);
}

/* Session 1 through the dissector: the premaster from an "RSA" key log
 * line keyed by the first 8 bytes of the encrypted premaster, which in SSL
 * 3.0 has no length before it (RFC 6101 5.6.7.1). */
static void test_ssl3_session(void) {
  char log[256];
  int w = snprintf(log, sizeof log, "RSA e501020304050607 ");
  for (int i = 0; i < 48; i++)
    w += snprintf(log + w, sizeof log - (size_t)w, "%02x", s3_pms[i]);
  snprintf(log + w, sizeof log - (size_t)w, "\n");
  h x;
  h_init(&x);
  CU_ASSERT_EQUAL(dx_session_add_secrets(x.s, log, strlen(log)), DX_OK);
  static const uint32_t specs[] = {0x00002f, 0x010080};
  bb c1 = {0}, s1 = {0}, c2 = {0}, s2 = {0};
  v2hello(&c1, 0x0300, specs, 2, 0, 0xc1, 16);
  ssl3_server_hello(&s1, 0x5e, 0x002f);
  rec_open(&c2, 22, 0x0300);
  hs_open(&c2, 16);
  static const uint8_t enc[8] = {0xe5, 1, 2, 3, 4, 5, 6, 7};
  pn(&c2, enc, 8);
  pfill(&c2, 0xe5, 56);
  close_(&c2);
  close_(&c2);
  ccs(&c2);
  pn(&c2, s3_cfin, sizeof s3_cfin);
  ccs(&s2);
  pn(&s2, s3_sfin, sizeof s3_sfin);

  dx_packet *p = tls_call(&x, 0, c1.b, c1.n);
  EXPECT(p, "tls.handshake.challenge_length", "16");
  dx_packet_free(p);
  p = tls_call(&x, 1, s1.b, s1.n);
  EXPECT(p, "tls.handshake.version", "0x0300");
  dx_packet_free(p);
  p = tls_call(&x, 0, c2.b, c2.n);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Client Key Exchange, Change Cipher Spec, Finished");
  /* the SSL 3.0 Finished (RFC 6101 5.6.9) as tshark shows it */
  CU_ASSERT_EQUAL(tu_count(p, "tls.handshake.md5_hash"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "tls.handshake.sha_hash"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "tls.handshake.verify_data"), 0);
  dx_packet_free(p);
  p = tls_call(&x, 1, s2.b, s2.n);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Change Cipher Spec, Finished");
  dx_packet_free(p);
  p = tls_call(&x, 0, s3_app, sizeof s3_app);
  EXPECT(p, "http.request.uri", "/ssl3");
  EXPECT(p, "http.host", "ssl3.test");
  dx_packet_free(p);
  /* an HMAC where the SSL 3.0 MAC belongs: not decrypted */
  p = tls_call(&x, 0, s3_hmac, sizeof s3_hmac);
  CU_ASSERT_EQUAL(tu_count(p, "http.request.uri"), 0);
  CU_ASSERT(decryption_note(p, "MAC check of record 2 (client) failed"));
  dx_packet_free(p);
  h_free(&x);
}

/* Session 2: a 32-byte challenge is the client random itself; the MD5 MAC
 * of SSL 3.0 (48-byte pads) under TLS_RSA_WITH_NULL_MD5, from a
 * CLIENT_RANDOM line. With a wrong master secret, nothing opens. */
static void ssl3_md5_session(bool right) {
  char log[256];
  int w = snprintf(log, sizeof log, "CLIENT_RANDOM ");
  for (int i = 0; i < 32; i++)
    w += snprintf(log + w, sizeof log - (size_t)w, "3c");
  w += snprintf(log + w, sizeof log - (size_t)w, " ");
  for (int i = 0; i < 48; i++)
    w += snprintf(log + w, sizeof log - (size_t)w, right ? "4d" : "4e");
  snprintf(log + w, sizeof log - (size_t)w, "\n");
  h x;
  h_init(&x);
  CU_ASSERT_EQUAL(dx_session_add_secrets(x.s, log, strlen(log)), DX_OK);
  static const uint32_t spec = 0x000001;
  bb c1 = {0}, s1 = {0};
  v2hello(&c1, 0x0300, &spec, 1, 0, 0x3c, 32);
  ssl3_server_hello(&s1, 0x7a, 0x0001);
  ccs(&s1);
  dx_packet_free(tls_call(&x, 0, c1.b, c1.n));
  dx_packet_free(tls_call(&x, 1, s1.b, s1.n));
  dx_packet *p = tls_call(&x, 1, n5_app, sizeof n5_app);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "http.response.code"), right ? "200" : "");
  if (!right)
    CU_ASSERT(decryption_note(p, "MAC check of record 0 (server) failed"));
  dx_packet_free(p);
  h_free(&x);
}

static void test_ssl3_md5(void) {
  ssl3_md5_session(true);
  ssl3_md5_session(false);
}

/* ---- drafts of TLS 1.3 ---- */

/* A ServerHello of draft 18 or 20 (0x7f12, 0x7f14): the real version, no
 * session id echo, no compression method, key_share with its pre-23 id 40
 * (draft-ietf-tls-tls13-20 4.1.3, 4.2); then the EncryptedExtensions under
 * the server's handshake secret: HKDF labels "TLS 1.3, key" before draft
 * 20 and "tls13 key" from it, no additional data before draft 25. */
static void draft_session(unsigned draft, bool right_prefix) {
  uint8_t crandom[32], shs[32];
  memset(crandom, 0x0d, 32);
  memset(shs, 0x5d, 32);
  char log[256];
  hexline(log, "SERVER_HANDSHAKE_TRAFFIC_SECRET", crandom, shs);
  h x;
  h_init(&x);
  CU_ASSERT_EQUAL(dx_session_add_secrets(x.s, log, strlen(log)), DX_OK);
  bb c1 = {0}, s1 = {0};
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
  p16(&c1, 43);
  open_(&c1, 2);
  open_(&c1, 1);
  p16(&c1, 0x7f00 | draft);
  close_(&c1);
  close_(&c1);
  close_(&c1);
  close_(&c1);
  close_(&c1);
  rec_open(&s1, 22, 0x0301);
  hs_open(&s1, 2);
  p16(&s1, 0x7f00 | draft);
  pfill(&s1, 0x44, 32);
  p16(&s1, 0x1301);
  open_(&s1, 2);
  p16(&s1, 40); /* key_share */
  open_(&s1, 2);
  p16(&s1, 29); /* x25519 */
  open_(&s1, 2);
  pfill(&s1, 0x4b, 32);
  close_(&s1);
  close_(&s1);
  close_(&s1);
  close_(&s1);
  close_(&s1);
  static const uint8_t ee[6] = {8, 0, 0, 2, 0, 0};
  const char *prefix = (draft < 20) == right_prefix ? "TLS 1.3, " : "tls13 ";
  record13x(&s1, shs, 0, 22, ee, sizeof ee, prefix, false);
  dx_packet_free(tls_call(&x, 0, c1.b, c1.n));
  dx_packet *p = tls_call(&x, 1, s1.b, s1.n);
  CU_ASSERT_FATAL(p != NULL);
  char want[64];
  snprintf(want, sizeof want, "0x7f%02x", draft);
  EXPECT(p, "tls.handshake.version", want);
  snprintf(want, sizeof want, "Version: TLS 1.3 (draft %u) (0x7f%02x)", draft, draft);
  CU_ASSERT_STRING_EQUAL(tu_label(p, "tls.handshake.version"), want);
  EXPECT(p, "tls.handshake.random",
         "4444444444444444444444444444444444444444444444444444444444444444");
  EXPECT(p, "tls.handshake.ciphersuite", "0x1301");
  CU_ASSERT_EQUAL(tu_count(p, "tls.handshake.session_id_length"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "tls.handshake.comp_method"), 0);
  EXPECT(p, "tls.handshake.extensions_key_share_group", "29");
  snprintf(want, sizeof want, "%u,4865,40", 0x7f00 | draft);
  EXPECT(p, "tls.handshake.ja3s_full", want);
  CU_ASSERT_FALSE(tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  /* the EncryptedExtensions opens with the draft's labels only */
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "tls.handshake.type", 1), right_prefix ? "8" : "");
  if (!right_prefix)
    CU_ASSERT(decryption_note(p, "check of record 0 (server) failed"));
  dx_packet_free(p);
  h_free(&x);
}

static void test_tls13_drafts(void) {
  draft_session(20, true);
  draft_session(18, true);
  draft_session(20, false);
  draft_session(18, false);
}

/* ---- records lost before a record (a TCP gap given up) ---- */

/* The client's TLS 1.3 application records with seq as given; those not
 * sent are the records lost. The record sequence number is in the nonce
 * (RFC 8446 5.3), so a record after lost ones opens only under its own
 * number: try_decrypt searches the next ones, and after a search that
 * finds nothing (a record whose tag was changed) waits for one more failed
 * record before searching again. */
static dx_packet *app13(h *x, const uint8_t cap[32], uint64_t seq, const char *req, bool flip) {
  bb r = {0};
  record13(&r, cap, seq, 23, req, strlen(req));
  if (flip)
    r.b[r.n - 1] ^= 1;
  return tls_call(x, 0, r.b, r.n);
}

static void test_lost_records(void) {
  uint8_t crandom[32], chs[32], cap[32];
  memset(crandom, 0x07, 32);
  memset(chs, 0xc5, 32);
  memset(cap, 0xa8, 32);
  char log[512];
  hexline(log, "CLIENT_HANDSHAKE_TRAFFIC_SECRET", crandom, chs);
  hexline(log + strlen(log), "CLIENT_TRAFFIC_SECRET_0", crandom, cap);
  h x;
  h_init(&x);
  CU_ASSERT_EQUAL(dx_session_add_secrets(x.s, log, strlen(log)), DX_OK);
  bb c1 = {0}, s1 = {0}, c2 = {0};
  hellos13(&c1, &s1, crandom, false);
  uint8_t fin[36] = {20, 0, 0, 32};
  memset(fin + 4, 0x5f, 32);
  record13(&c2, chs, 0, 22, fin, sizeof fin);
  dx_packet_free(tls_call(&x, 0, c1.b, c1.n));
  dx_packet_free(tls_call(&x, 1, s1.b, s1.n));
  dx_packet *p = tls_call(&x, 0, c2.b, c2.n);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "tls.handshake.type"), "20");
  dx_packet_free(p);

  static const char *const req[] = {
      "GET /a HTTP/1.1\r\nHost: a.test\r\n\r\n", "GET /e HTTP/1.1\r\nHost: a.test\r\n\r\n",
      "GET /f HTTP/1.1\r\nHost: a.test\r\n\r\n", "GET /j HTTP/1.1\r\nHost: a.test\r\n\r\n",
      "GET /k HTTP/1.1\r\nHost: a.test\r\n\r\n"};
  p = app13(&x, cap, 0, req[0], false);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "http.request.uri"), "/a");
  CU_ASSERT_FALSE(decryption_note(p, "never reached TLS"));
  dx_packet_free(p);
  /* records 1-3 lost: record 4 opens, the note counts them */
  p = app13(&x, cap, 4, req[1], false);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "http.request.uri"), "/e");
  CU_ASSERT(decryption_note(p, "3 records before this one never reached TLS"));
  CU_ASSERT(decryption_note(p, "decryption resumed at record 4 (client)"));
  dx_packet_free(p);
  /* record 5 with a changed tag: no number opens it */
  p = app13(&x, cap, 5, req[2], true);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "http.request.uri"), "");
  CU_ASSERT(decryption_note(p, "the tag check of record 5 (client) failed"));
  dx_packet_free(p);
  /* records 6-8 lost: record 9 fails without a search (the one after a
   * search that found nothing), record 10 is searched for and opens */
  p = app13(&x, cap, 9, req[3], false);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "http.request.uri"), "");
  CU_ASSERT(decryption_note(p, "the tag check of record 6 (client) failed"));
  dx_packet_free(p);
  p = app13(&x, cap, 10, req[4], false);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "http.request.uri"), "/k");
  CU_ASSERT(decryption_note(p, "3 records before this one never reached TLS"));
  CU_ASSERT(decryption_note(p, "decryption resumed at record 10 (client)"));
  dx_packet_free(p);
  h_free(&x);
}

static CU_TestInfo tests[] = {
    {"psk", test_psk},
    {"psk_api", test_psk_api},
    {"early_without_secret", test_early_without_secret},
    {"early_ccs_alone", test_early_ccs_alone},
    {"renegotiation", test_renegotiation},
    {"sslv2_hello", test_sslv2_hello},
    {"sslv2_hostile", test_sslv2_hostile},
    {"ssl3_api", test_ssl3_api},
    {"ssl3_session", test_ssl3_session},
    {"ssl3_md5", test_ssl3_md5},
    {"tls13_drafts", test_tls13_drafts},
    {"lost_records", test_lost_records},
    CU_TEST_INFO_NULL,
};

int main(void) {
  return tu_run("tls_sessions", tests);
}
