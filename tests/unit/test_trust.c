/* Trust verdicts, interception and TLS risks (analysis/trust.c).
 *
 * The chains are made here, at test time, with OpenSSL's C API: roots,
 * intermediates and leaves with chosen names, validity windows, keys and
 * digests. Each is sent by a TLS 1.2 server in a ServerHello + Certificate
 * segment after a ClientHello (with or without SNI), through
 * Ethernet/IPv4/TCP, at 1700000000 s (2023-11-14). The "system" store is a
 * PEM file of this test (dx_session_trust_system), so the results do not
 * depend on the machine's /etc/ssl/certs. The expected verdict follows from
 * how each chain was made (an expired leaf is "expired", ...). */
#include "tcpframe.h"
#include "testutil.h"

#include <dissect/trust.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0 1700000000L
#define YEAR (365L * 86400)

/* Making a certificate cannot fail unless OpenSSL is broken: stop then
 * (these run before CUnit's suite too). */
#define REQUIRE(x)                                                                                 \
  do {                                                                                             \
    if (!(x)) {                                                                                    \
      fprintf(stderr, "test_trust: %s failed\n", #x);                                              \
      abort();                                                                                     \
    }                                                                                              \
  } while (0)

/* ---- certificates ---- */
typedef struct cert {
  X509 *x;
  EVP_PKEY *k;
} cert;

static long serial = 1;

static void ext(X509 *x, X509 *issuer, int nid, const char *value) {
  X509V3_CTX c;
  X509V3_set_ctx_nodb(&c);
  X509V3_set_ctx(&c, issuer ? issuer : x, x, NULL, NULL, 0);
  X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &c, nid, value);
  REQUIRE(e != NULL);
  X509_add_ext(x, e, -1);
  X509_EXTENSION_free(e);
}

/* A certificate for cn signed by `by` (NULL: self-signed). san: a DNS name
 * for a leaf, NULL for a CA. */
static cert mk(const char *cn, const cert *by, const char *san, long nb, long na, EVP_PKEY *key,
               const EVP_MD *md) {
  cert c = {X509_new(), key ? key : EVP_EC_gen("P-256")};
  REQUIRE(c.x && c.k);
  X509_set_version(c.x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(c.x), serial++);
  ASN1_TIME_set(X509_getm_notBefore(c.x), (time_t)nb);
  ASN1_TIME_set(X509_getm_notAfter(c.x), (time_t)na);
  X509_set_pubkey(c.x, c.k);
  X509_NAME *n = X509_get_subject_name(c.x);
  X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"libdissect tests", -1,
                             -1, 0);
  X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
  X509_set_issuer_name(c.x, by ? X509_get_subject_name(by->x) : n);
  X509 *ix = by ? by->x : NULL;
  if (san) {
    char buf[300];
    snprintf(buf, sizeof buf, "DNS:%s", san);
    ext(c.x, ix, NID_basic_constraints, "critical,CA:FALSE");
    ext(c.x, ix, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    ext(c.x, ix, NID_ext_key_usage, "serverAuth");
    ext(c.x, ix, NID_subject_alt_name, buf);
  } else {
    ext(c.x, ix, NID_basic_constraints, "critical,CA:TRUE");
    ext(c.x, ix, NID_key_usage, "critical,keyCertSign,cRLSign");
  }
  ext(c.x, ix, NID_subject_key_identifier, "hash");
  REQUIRE(X509_sign(c.x, by ? by->k : c.k, md ? md : EVP_sha256()) > 0);
  return c;
}

static void cert_free(cert *c) {
  X509_free(c->x);
  EVP_PKEY_free(c->k);
}

/* PEM file of the roots given, in a temporary directory. */
static char tmpdir[] = "/tmp/dissect-trust-XXXXXX";
static void write_pem(const char *name, const cert *c, size_t n, char *path, size_t cap) {
  snprintf(path, cap, "%s/%s", tmpdir, name);
  FILE *f = fopen(path, "w");
  REQUIRE(f != NULL);
  for (size_t i = 0; i < n; i++)
    PEM_write_X509(f, c[i].x);
  fclose(f);
}

/* ---- TLS bytes ---- */
typedef struct bb {
  uint8_t b[8192];
  size_t n;
} bb;
static void put8(bb *x, unsigned v) {
  x->b[x->n++] = (uint8_t)v;
}
static void put16(bb *x, unsigned v) {
  put8(x, v >> 8);
  put8(x, v & 0xff);
}
static void put24(bb *x, unsigned v) {
  put8(x, v >> 16);
  put16(x, v & 0xffff);
}
static void putn(bb *x, const void *p, size_t n) {
  memcpy(x->b + x->n, p, n);
  x->n += n;
}
/* A length field of w bytes at `at`, filled once what follows is written. */
static void fix(bb *x, size_t at, unsigned w) {
  size_t l = x->n - at - w;
  for (unsigned i = 0; i < w; i++)
    x->b[at + i] = (uint8_t)(l >> (8 * (w - 1 - i)));
}

static void client_hello(bb *x, const char *sni, uint16_t suite) {
  x->n = 0;
  put8(x, 22);
  put16(x, 0x0301);
  size_t rl = x->n;
  put16(x, 0);
  put8(x, 1);
  size_t hl = x->n;
  put24(x, 0);
  put16(x, 0x0303);
  for (int i = 0; i < 32; i++)
    put8(x, i);
  put8(x, 0);
  put16(x, 2);
  put16(x, suite);
  put8(x, 1);
  put8(x, 0);
  if (sni) {
    size_t el = x->n;
    put16(x, 0);
    put16(x, 0); /* server_name */
    size_t l = x->n;
    put16(x, 0);
    put16(x, (unsigned)strlen(sni) + 3);
    put8(x, 0);
    put16(x, (unsigned)strlen(sni));
    putn(x, sni, strlen(sni));
    fix(x, l, 2);
    fix(x, el, 2);
  }
  fix(x, hl, 3);
  fix(x, rl, 2);
}

/* A DER OCSPResponse that server_flight() staples after the Certificate
 * (a CertificateStatus message of type ocsp), when set. */
static unsigned char *staple;
static int staple_len;

/* ServerHello (version, suite) + Certificate (the chain) in one record. */
static void server_flight(bb *x, uint16_t version, uint16_t suite, const cert *const *chain,
                          size_t n) {
  x->n = 0;
  put8(x, 22);
  put16(x, version);
  size_t rl = x->n;
  put16(x, 0);
  put8(x, 2);
  size_t hl = x->n;
  put24(x, 0);
  put16(x, version);
  for (int i = 0; i < 32; i++)
    put8(x, 0x40 + i);
  put8(x, 0);
  put16(x, suite);
  put8(x, 0);
  fix(x, hl, 3);
  put8(x, 11);
  hl = x->n;
  put24(x, 0);
  size_t cl = x->n;
  put24(x, 0);
  for (size_t i = 0; i < n; i++) {
    unsigned char *der = NULL;
    int dl = i2d_X509(chain[i]->x, &der);
    CU_ASSERT_FATAL(dl > 0);
    put24(x, (unsigned)dl);
    putn(x, der, (size_t)dl);
    OPENSSL_free(der);
  }
  fix(x, cl, 3);
  fix(x, hl, 3);
  if (staple) {
    put8(x, 22);
    put24(x, 1 + 3 + (unsigned)staple_len);
    put8(x, 1);
    put24(x, (unsigned)staple_len);
    putn(x, staple, (size_t)staple_len);
  }
  fix(x, rl, 2);
}

static uint8_t fb[16384];

/* One connection from client port cport: the ClientHello at t_us, the
 * server's flight 1 ms later; returns the server's packet. */
static dx_packet *connection(dx_session *s, uint16_t cport, const char *sni, uint16_t version,
                             uint16_t suite, const cert *const *chain, size_t n, uint64_t t_us) {
  bb x;
  client_hello(&x, sni, suite);
  size_t fl = tf_tcp(fb, 1, cport, 443, 1, 1, TF_ACK | TF_PSH, 65535, NULL, 0, x.b, x.n);
  dx_packet_free(tf_feed(s, fb, fl, t_us));
  server_flight(&x, version, suite, chain, n);
  fl = tf_tcp(fb, 0, cport, 443, 1, 1 + (uint32_t)x.n, TF_ACK | TF_PSH, 65535, NULL, 0, x.b, x.n);
  return tf_feed(s, fb, fl, t_us + 1000);
}

/* ---- the test chains ---- */
static cert sys_root, sys_inter, user_root, other_root, other_inter;
static char sys_pem[256], user_pem[256];

static dx_session *session(bool user, bool only) {
  dx_session *s = NULL;
  CU_ASSERT_FATAL(dx_session_new(&s, NULL) == DX_OK);
  CU_ASSERT_FATAL(dx_session_trust_system(s, sys_pem, NULL) == DX_OK);
  char err[256];
  if (user)
    CU_ASSERT_FATAL(dx_session_trust_add_ca_file(s, user_pem, err, sizeof err) == DX_OK);
  dx_session_trust_ca_only(s, only);
  return s;
}

/* The verdict of one connection with a fresh session (cur_s). */
static dx_session *cur_s;
static char got_verdict[64], got_error[160], got_root[200], got_inter[8];
static dx_packet *judge(const char *sni, const cert *const *chain, size_t n, bool user, bool only) {
  dx_session *s = session(user, only);
  dx_packet *p = connection(s, 40000, sni, 0x0303, 0xc02b, chain, n, 0);
  snprintf(got_verdict, sizeof got_verdict, "%s", tu_value(p, "tls.trust.verdict"));
  snprintf(got_error, sizeof got_error, "%s", tu_value(p, "tls.trust.error"));
  snprintf(got_root, sizeof got_root, "%s", tu_value(p, "tls.trust.root"));
  snprintf(got_inter, sizeof got_inter, "%s", tu_value(p, "tls.trust.intercepted"));
  cur_s = s;
  return p;
}

/* Frees the packet judge() returned, then its session. */
static void done(dx_packet *p) {
  dx_packet_free(p);
  dx_session_free(cur_s);
  cur_s = NULL;
}

static int setup(void) {
  if (!mkdtemp(tmpdir))
    return 1;
  long nb = T0 - YEAR, na = T0 + YEAR;
  sys_root = mk("System Root", NULL, NULL, nb, na, NULL, NULL);
  sys_inter = mk("System Intermediate", &sys_root, NULL, nb, na, NULL, NULL);
  user_root = mk("User Root", NULL, NULL, nb, na, NULL, NULL);
  other_root = mk("Unknown Root", NULL, NULL, nb, na, NULL, NULL);
  other_inter = mk("Unknown Intermediate", &other_root, NULL, nb, na, NULL, NULL);
  write_pem("system.pem", &sys_root, 1, sys_pem, sizeof sys_pem);
  write_pem("user.pem", &user_root, 1, user_pem, sizeof user_pem);
  return 0;
}

static int teardown(void) {
  unlink(sys_pem);
  unlink(user_pem);
  rmdir(tmpdir);
  cert_free(&sys_root);
  cert_free(&sys_inter);
  cert_free(&user_root);
  cert_free(&other_root);
  cert_free(&other_inter);
  return 0;
}

#define ROOT_DN "CN=System Root,O=libdissect tests"

static void test_trusted(void) {
  long nb = T0 - YEAR, na = T0 + YEAR;
  cert leaf = mk("www.example.test", &sys_inter, "www.example.test", nb, na, NULL, NULL);
  const cert *ch[] = {&leaf, &sys_inter};
  dx_packet *p = judge("www.example.test", ch, 2, false, false);
  CU_ASSERT_STRING_EQUAL(got_verdict, "trusted");
  CU_ASSERT_STRING_EQUAL(got_root, ROOT_DN);
  CU_ASSERT_STRING_EQUAL(got_error, "");
  CU_ASSERT_STRING_EQUAL(got_inter, "0");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "tls.trust.store"), "system");
  CU_ASSERT_EQUAL(tu_count(p, "tls.risk.untrusted"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "tls.risk.name_mismatch"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "tls.risk.weak_cipher"), 0);
  done(p);
  /* the name is that of the SNI: another name is a mismatch, and a risk */
  p = judge("mail.example.test", ch, 2, false, false);
  CU_ASSERT_STRING_EQUAL(got_verdict, "name-mismatch");
  CU_ASSERT_STRING_EQUAL(got_error, "hostname mismatch");
  CU_ASSERT_STRING_EQUAL(got_root, ROOT_DN);
  CU_ASSERT_EQUAL(tu_count(p, "tls.risk.name_mismatch"), 1);
  done(p);
  /* no SNI: the name is not checked, and that is a risk */
  p = judge(NULL, ch, 2, false, false);
  CU_ASSERT_STRING_EQUAL(got_verdict, "trusted");
  done(p);
  cert_free(&leaf);
}

static void test_time(void) {
  cert old =
      mk("www.example.test", &sys_inter, "www.example.test", T0 - 2 * YEAR, T0 - 86400, NULL, NULL);
  const cert *ch[] = {&old, &sys_inter};
  done(judge("www.example.test", ch, 2, false, false));
  CU_ASSERT_STRING_EQUAL(got_verdict, "expired");
  CU_ASSERT_STRING_EQUAL(got_error, "certificate has expired");
  CU_ASSERT_STRING_EQUAL(got_root, ROOT_DN);
  cert young =
      mk("www.example.test", &sys_inter, "www.example.test", T0 + 86400, T0 + YEAR, NULL, NULL);
  ch[0] = &young;
  done(judge("www.example.test", ch, 2, false, false));
  CU_ASSERT_STRING_EQUAL(got_verdict, "not-yet-valid");
  CU_ASSERT_STRING_EQUAL(got_error, "certificate is not yet valid");
  cert_free(&old);
  cert_free(&young);
}

static void test_untrusted(void) {
  long nb = T0 - YEAR, na = T0 + YEAR;
  /* a leaf that signs itself */
  cert self = mk("www.example.test", NULL, "www.example.test", nb, na, NULL, NULL);
  const cert *ch[] = {&self, NULL};
  done(judge("www.example.test", ch, 1, false, false));
  CU_ASSERT_STRING_EQUAL(got_verdict, "self-signed");
  CU_ASSERT_STRING_EQUAL(got_error, "self-signed certificate");
  CU_ASSERT_STRING_EQUAL(got_root, "");
  /* leaf + intermediate under a root the store does not have */
  cert leaf = mk("www.example.test", &other_inter, "www.example.test", nb, na, NULL, NULL);
  ch[0] = &leaf;
  ch[1] = &other_inter;
  dx_packet *p = judge("www.example.test", ch, 2, false, false);
  CU_ASSERT_STRING_EQUAL(got_verdict, "untrusted-root");
  CU_ASSERT_STRING_EQUAL(got_error, "unable to get local issuer certificate");
  CU_ASSERT_EQUAL(tu_count(p, "tls.risk.untrusted"), 1);
  done(p);
  /* the same with the unknown root sent too */
  const cert *ch3[] = {&leaf, &other_inter, &other_root};
  done(judge("www.example.test", ch3, 3, false, false));
  CU_ASSERT_STRING_EQUAL(got_verdict, "untrusted-root");
  CU_ASSERT_STRING_EQUAL(got_error, "self-signed certificate in certificate chain");
  /* a leaf under the trusted intermediate, sent without it */
  cert lone = mk("www.example.test", &sys_inter, "www.example.test", nb, na, NULL, NULL);
  ch[0] = &lone;
  done(judge("www.example.test", ch, 1, false, false));
  CU_ASSERT_STRING_EQUAL(got_verdict, "incomplete-chain");
  /* a broken signature: the last byte of the leaf's signature changed */
  unsigned char *der = NULL;
  int dl = i2d_X509(lone.x, &der);
  CU_ASSERT_FATAL(dl > 0);
  der[dl - 1] ^= 0x55;
  const unsigned char *in = der;
  cert bad = {d2i_X509(NULL, &in, dl), NULL};
  OPENSSL_free(der);
  CU_ASSERT_FATAL(bad.x != NULL);
  ch[0] = &bad;
  ch[1] = &sys_inter;
  done(judge("www.example.test", ch, 2, false, false));
  CU_ASSERT_STRING_EQUAL(got_verdict, "bad-signature");
  CU_ASSERT_STRING_EQUAL(got_error, "certificate signature failure");
  /* a CA certificate as the server's: not for a TLS server */
  ch[0] = &sys_inter;
  done(judge("System Intermediate", ch, 1, false, false));
  CU_ASSERT_STRING_EQUAL(got_verdict, "invalid-purpose");
  X509_free(bad.x);
  cert_free(&self);
  cert_free(&leaf);
  cert_free(&lone);
}

static void test_user_roots(void) {
  long nb = T0 - YEAR, na = T0 + YEAR;
  cert forged = mk("www.example.test", &user_root, "www.example.test", nb, na, NULL, NULL);
  const cert *ch[] = {&forged};
  /* without the user's root: not trusted */
  done(judge("www.example.test", ch, 1, false, false));
  CU_ASSERT_STRING_EQUAL(got_verdict, "incomplete-chain");
  CU_ASSERT_STRING_EQUAL(got_inter, "0");
  /* with it (--ca-file): trusted, but only under it: intercepted */
  dx_packet *p = judge("www.example.test", ch, 1, true, false);
  CU_ASSERT_STRING_EQUAL(got_verdict, "trusted");
  CU_ASSERT_STRING_EQUAL(got_root, "CN=User Root,O=libdissect tests");
  CU_ASSERT_STRING_EQUAL(got_inter, "1");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "tls.trust.store"), "system+user");
  CU_ASSERT_EQUAL(tu_count(p, "tls.risk.intercepted"), 1);
  done(p);
  /* a chain of the system's root is trusted and not intercepted with
   * --ca-file, and not trusted with --ca-only */
  cert leaf = mk("www.example.test", &sys_inter, "www.example.test", nb, na, NULL, NULL);
  const cert *ch2[] = {&leaf, &sys_inter};
  done(judge("www.example.test", ch2, 2, true, false));
  CU_ASSERT_STRING_EQUAL(got_verdict, "trusted");
  CU_ASSERT_STRING_EQUAL(got_inter, "0");
  p = judge("www.example.test", ch2, 2, true, true);
  CU_ASSERT_STRING_EQUAL(got_verdict, "untrusted-root");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "tls.trust.store"), "user");
  done(p);
  /* --ca-only: the user's root is trusted, and nothing is compared with
   * the system's */
  done(judge("www.example.test", ch, 1, true, true));
  CU_ASSERT_STRING_EQUAL(got_verdict, "trusted");
  CU_ASSERT_STRING_EQUAL(got_inter, "0");
  cert_free(&forged);
  cert_free(&leaf);
}

static void test_config_errors(void) {
  dx_session *s = NULL;
  CU_ASSERT_FATAL(dx_session_new(&s, NULL) == DX_OK);
  char err[256];
  CU_ASSERT_EQUAL(dx_session_trust_add_ca_file(s, "/nonexistent/ca.pem", err, sizeof err),
                  DX_ENOFILE);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/ca.pem"));
  CU_ASSERT_EQUAL(dx_session_trust_add_ca_path(s, "/nonexistent", err, sizeof err), DX_ENOFILE);
  CU_ASSERT_EQUAL(dx_session_trust_add_ca_file(s, tmpdir, err, sizeof err), DX_ENOFILE);
  CU_ASSERT_EQUAL(dx_session_trust_add_ca_path(s, tmpdir, err, sizeof err), DX_OK);
  CU_ASSERT_EQUAL(dx_session_trust_system(s, NULL, NULL), DX_OK);
  dx_session_free(s);
  /* roots changed between packets: the next verdict is under the new ones,
   * not a memoised one */
  long nb = T0 - YEAR, na = T0 + YEAR;
  cert forged = mk("www.example.test", &user_root, "www.example.test", nb, na, NULL, NULL);
  const cert *ch[] = {&forged};
  s = session(false, false);
  dx_packet *p = connection(s, 40010, "www.example.test", 0x0303, 0xc02b, ch, 1, 0);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "tls.trust.verdict"), "incomplete-chain");
  dx_packet_free(p);
  CU_ASSERT_EQUAL(dx_session_trust_add_ca_file(s, user_pem, err, sizeof err), DX_OK);
  p = connection(s, 40011, "www.example.test", 0x0303, 0xc02b, ch, 1, 5000);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "tls.trust.verdict"), "trusted");
  dx_packet_free(p);
  dx_session_trust_ca_only(s, 1);
  CU_ASSERT_EQUAL(dx_session_trust_system(s, NULL, NULL), DX_OK);
  p = connection(s, 40012, "www.example.test", 0x0303, 0xc02b, ch, 1, 9000);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "tls.trust.store"), "user");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "tls.trust.intercepted"), "0");
  dx_packet_free(p);
  dx_session_free(s);
  cert_free(&forged);
}

static void test_risks(void) {
  long nb = T0 - YEAR, na = T0 + YEAR;
  /* a 1024-bit RSA leaf signed with SHA-1 */
  cert weak =
      mk("www.example.test", &sys_inter, "www.example.test", nb, na, EVP_RSA_gen(1024), EVP_sha1());
  const cert *ch[] = {&weak, &sys_inter};
  dx_session *s = session(false, false);
  /* TLS 1.0, TLS_RSA_WITH_AES_128_CBC_SHA (0x002f), no SNI */
  dx_packet *p = connection(s, 40001, NULL, 0x0301, 0x002f, ch, 2, 0);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "tls.trust.verdict"), "trusted");
  CU_ASSERT_EQUAL(tu_count(p, "tls.risk.version"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "tls.risk.no_forward_secrecy"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "tls.risk.weak_cipher"), 1);
  CU_ASSERT_STRING_EQUAL(tu_label(p, "tls.risk.weak_cipher"),
                         "Risk: TLS_RSA_WITH_AES_128_CBC_SHA: weak cipher suite (CBC mode, SHA-1 "
                         "MAC)");
  CU_ASSERT_EQUAL(tu_count(p, "tls.risk.weak_key"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "tls.risk.sha1_signature"), 1);
  CU_ASSERT_EQUAL(dx_packet_severity(p), DX_SEV_WARN);
  dx_packet_free(p);
  /* the ClientHello without SNI carries the no-SNI risk */
  bb x;
  client_hello(&x, NULL, 0xc02b);
  size_t fl = tf_tcp(fb, 1, 40002, 443, 1, 1, TF_ACK | TF_PSH, 65535, NULL, 0, x.b, x.n);
  p = tf_feed(s, fb, fl, 5);
  CU_ASSERT_EQUAL(tu_count(p, "tls.risk.no_sni"), 1);
  dx_packet_free(p);
  client_hello(&x, "www.example.test", 0xc02b);
  fl = tf_tcp(fb, 1, 40003, 443, 1, 1, TF_ACK | TF_PSH, 65535, NULL, 0, x.b, x.n);
  p = tf_feed(s, fb, fl, 6);
  CU_ASSERT_EQUAL(tu_count(p, "tls.risk.no_sni"), 0);
  dx_packet_free(p);
  dx_session_free(s);
  cert_free(&weak);
}

/* Two connections for one name at the same time, with leaves of two
 * issuers: the client's leg to a proxy (a forged leaf under the user's
 * root, as mitmproxy makes) begins first; the proxy's own connection to the
 * server (the genuine chain) begins inside it. */
static void test_two_legs(void) {
  long nb = T0 - YEAR, na = T0 + YEAR;
  cert genuine = mk("www.example.test", &sys_inter, "www.example.test", nb, na, NULL, NULL);
  cert forged = mk("www.example.test", &user_root, "www.example.test", nb, na, NULL, NULL);
  const cert *g[] = {&genuine, &sys_inter}, *f[] = {&forged};
  dx_session *s = session(false, false);
  bb x;
  /* leg 1 (client -> proxy): ClientHello at 0 */
  client_hello(&x, "www.example.test", 0xc02b);
  size_t fl = tf_tcp(fb, 1, 41000, 443, 1, 1, TF_ACK | TF_PSH, 65535, NULL, 0, x.b, x.n);
  dx_packet_free(tf_feed(s, fb, fl, 0));
  /* leg 2 (proxy -> server): whole handshake at 10 ms: trusted, first seen */
  dx_packet *p2 = connection(s, 41001, "www.example.test", 0x0303, 0xc02b, g, 2, 10000);
  CU_ASSERT_STRING_EQUAL(tu_value(p2, "tls.trust.verdict"), "trusted");
  CU_ASSERT_STRING_EQUAL(tu_value(p2, "tls.trust.intercepted"), "0");
  CU_ASSERT_EQUAL(tu_count(p2, "tls.trust.other_leg"), 0);
  /* leg 1's server flight at 20 ms: the forged leaf */
  server_flight(&x, 0x0303, 0xc02b, f, 1);
  fl = tf_tcp(fb, 0, 41000, 443, 1, 1 + (uint32_t)x.n, TF_ACK | TF_PSH, 65535, NULL, 0, x.b, x.n);
  dx_packet *p1 = tf_feed(s, fb, fl, 20000);
  CU_ASSERT_STRING_EQUAL(tu_value(p1, "tls.trust.intercepted"), "1");
  CU_ASSERT_STRING_EQUAL(tu_value(p1, "tcp.stream"), "0");
  CU_ASSERT_STRING_EQUAL(tu_value(p1, "tls.trust.other_leg"), tu_value(p2, "tcp.stream"));
  CU_ASSERT_EQUAL(tu_count(p1, "tls.risk.intercepted"), 1);
  dx_packet_free(p1);
  dx_packet_free(p2);
  /* a later connection (after both handshakes) with the genuine chain
   * overlaps neither: not paired */
  dx_packet *p3 = connection(s, 41002, "www.example.test", 0x0303, 0xc02b, g, 2, 5000000);
  CU_ASSERT_STRING_EQUAL(tu_value(p3, "tls.trust.intercepted"), "0");
  CU_ASSERT_EQUAL(tu_count(p3, "tls.trust.other_leg"), 0);
  dx_packet_free(p3);
  dx_session_free(s);
  cert_free(&genuine);
  cert_free(&forged);
}

/* Thousands of identical handshakes are verified once (memo), and the
 * memo never gives a verdict of another time: the same chain is trusted,
 * then expired once the capture's time passes its notAfter. */
static void test_memo(void) {
  cert leaf =
      mk("www.example.test", &sys_inter, "www.example.test", T0 - YEAR, T0 + 3600, NULL, NULL);
  const cert *ch[] = {&leaf, &sys_inter};
  dx_session *s = session(false, false);
  for (unsigned i = 0; i < 2000; i++) {
    dx_packet *p =
        connection(s, (uint16_t)(20000 + i), "www.example.test", 0x0303, 0xc02b, ch, 2, i * 1000);
    CU_ASSERT_STRING_EQUAL(tu_value(p, "tls.trust.verdict"), "trusted");
    dx_packet_free(p);
  }
  dx_packet *p = connection(s, 30000, "www.example.test", 0x0303, 0xc02b, ch, 2, 7200000000ull);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "tls.trust.verdict"), "expired");
  dx_packet_free(p);
  dx_session_free(s);
  cert_free(&leaf);
}

/* Hostile Certificate messages: bytes that are no certificate, a chain cut
 * at every length: no crash, and no verdict without a decodable leaf. */
static void test_hostile(void) {
  long nb = T0 - YEAR, na = T0 + YEAR;
  cert leaf = mk("www.example.test", &sys_inter, "www.example.test", nb, na, NULL, NULL);
  const cert *ch[] = {&leaf, &sys_inter};
  bb x, ch_b;
  server_flight(&x, 0x0303, 0xc02b, ch, 2);
  client_hello(&ch_b, "www.example.test", 0xc02b);
  for (size_t cut = 60; cut < x.n; cut += 37) {
    dx_session *s = session(false, false);
    size_t fl = tf_tcp(fb, 1, 40000, 443, 1, 1, TF_ACK | TF_PSH, 65535, NULL, 0, ch_b.b, ch_b.n);
    dx_packet_free(tf_feed(s, fb, fl, 0));
    bb y = x;
    for (size_t i = 60; i < y.n; i += 97) /* scribble on the certificates */
      y.b[i] ^= (uint8_t)(cut * 7 + i);
    fl = tf_tcp(fb, 0, 40000, 443, 1, 1 + (uint32_t)y.n, TF_ACK | TF_PSH, 65535, NULL, 0, y.b, cut);
    dx_packet *p = tf_feed(s, fb, fl, 1000);
    CU_ASSERT_PTR_NOT_NULL(p);
    dx_packet_free(p);
    dx_session_free(s);
  }
  cert_free(&leaf);
}

/* ---- stapled OCSP responses ---- */
/* An OCSP response of status rstatus (successful: one SingleResponse for
 * `of`, issued by `by`, of cert status cs, signed by by's key), made by
 * OpenSSL and stapled to the next server flight. */
static void make_staple(int rstatus, const cert *of, const cert *by, const EVP_MD *idmd, int cs,
                        int reason, long this_upd, long next_upd) {
  OPENSSL_free(staple);
  staple = NULL;
  OCSP_BASICRESP *bs = NULL;
  if (rstatus == OCSP_RESPONSE_STATUS_SUCCESSFUL) {
    bs = OCSP_BASICRESP_new();
    REQUIRE(bs != NULL);
    OCSP_CERTID *id = OCSP_cert_to_id(idmd, of->x, by->x);
    REQUIRE(id != NULL);
    ASN1_TIME *rev = ASN1_TIME_set(NULL, (time_t)(T0 - 86400));
    ASN1_TIME *tu = ASN1_TIME_set(NULL, (time_t)this_upd);
    ASN1_TIME *nu = ASN1_TIME_set(NULL, (time_t)next_upd);
    REQUIRE(OCSP_basic_add1_status(bs, id, cs, reason, cs == V_OCSP_CERTSTATUS_REVOKED ? rev : NULL,
                                   tu, nu) != NULL);
    REQUIRE(OCSP_basic_sign(bs, by->x, by->k, EVP_sha256(), NULL, 0) == 1);
    ASN1_TIME_free(rev);
    ASN1_TIME_free(tu);
    ASN1_TIME_free(nu);
    OCSP_CERTID_free(id);
  }
  OCSP_RESPONSE *r = OCSP_response_create(rstatus, bs);
  REQUIRE(r != NULL);
  staple_len = i2d_OCSP_RESPONSE(r, &staple);
  REQUIRE(staple_len > 0);
  OCSP_RESPONSE_free(r);
  OCSP_BASICRESP_free(bs);
}

static void test_stapled(void) {
  long nb = T0 - YEAR, na = T0 + YEAR;
  cert leaf = mk("www.example.test", &sys_inter, "www.example.test", nb, na, NULL, NULL);
  cert other = mk("other.example.test", &sys_inter, "other.example.test", nb, na, NULL, NULL);
  const cert *ch[] = {&leaf, &sys_inter};
  const int OK = OCSP_RESPONSE_STATUS_SUCCESSFUL;
  /* good, in its window */
  make_staple(OK, &leaf, &sys_inter, EVP_sha1(), V_OCSP_CERTSTATUS_GOOD, -1, T0 - 3600, T0 + 3600);
  dx_packet *p = judge("www.example.test", ch, 2, false, false);
  CU_ASSERT_STRING_EQUAL(got_verdict, "trusted");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "tls.trust.stapled.status"), "good");
  CU_ASSERT_EQUAL(tu_count(p, "tls.trust.stapled.reason"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "tls.risk.revoked"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "tls.risk.stapled_stale"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "ocsp.certStatus"), 1); /* the response itself, decoded */
  done(p);
  /* revoked, key compromise; the CertID made with SHA-256 */
  make_staple(OK, &leaf, &sys_inter, EVP_sha256(), V_OCSP_CERTSTATUS_REVOKED,
              OCSP_REVOKED_STATUS_KEYCOMPROMISE, T0 - 3600, T0 + 3600);
  p = judge("www.example.test", ch, 2, false, false);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "tls.trust.stapled.status"), "revoked");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "tls.trust.stapled.reason"), "keyCompromise");
  CU_ASSERT_EQUAL(tu_count(p, "tls.risk.revoked"), 1);
  done(p);
  /* unknown */
  make_staple(OK, &leaf, &sys_inter, EVP_sha1(), V_OCSP_CERTSTATUS_UNKNOWN, -1, T0 - 3600,
              T0 + 3600);
  p = judge("www.example.test", ch, 2, false, false);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "tls.trust.stapled.status"), "unknown");
  done(p);
  /* a response about another certificate of the same CA */
  make_staple(OK, &other, &sys_inter, EVP_sha1(), V_OCSP_CERTSTATUS_REVOKED,
              OCSP_REVOKED_STATUS_SUPERSEDED, T0 - 3600, T0 + 3600);
  p = judge("www.example.test", ch, 2, false, false);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "tls.trust.stapled.status"), "not-for-this-certificate");
  CU_ASSERT_EQUAL(tu_count(p, "tls.risk.revoked"), 0);
  done(p);
  /* expired before the capture's time (T0), and not yet valid */
  make_staple(OK, &leaf, &sys_inter, EVP_sha1(), V_OCSP_CERTSTATUS_GOOD, -1, T0 - 7 * 86400,
              T0 - 86400);
  p = judge("www.example.test", ch, 2, false, false);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "tls.trust.stapled.status"), "good");
  CU_ASSERT_EQUAL(tu_count(p, "tls.risk.stapled_stale"), 1);
  done(p);
  make_staple(OK, &leaf, &sys_inter, EVP_sha1(), V_OCSP_CERTSTATUS_GOOD, -1, T0 + 86400,
              T0 + 7 * 86400);
  p = judge("www.example.test", ch, 2, false, false);
  CU_ASSERT_EQUAL(tu_count(p, "tls.risk.stapled_stale"), 1);
  done(p);
  /* the responder's error (tryLater): no status */
  make_staple(OCSP_RESPONSE_STATUS_TRYLATER, &leaf, &sys_inter, NULL, 0, -1, 0, 0);
  p = judge("www.example.test", ch, 2, false, false);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "tls.trust.stapled.status"), "responder-error");
  done(p);
  /* the leaf alone: the issuer needed for the CertID is not there */
  make_staple(OK, &leaf, &sys_inter, EVP_sha1(), V_OCSP_CERTSTATUS_REVOKED,
              OCSP_REVOKED_STATUS_KEYCOMPROMISE, T0 - 3600, T0 + 3600);
  p = judge("www.example.test", ch, 1, false, false);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "tls.trust.stapled.status"), "unmatched");
  CU_ASSERT_EQUAL(tu_count(p, "tls.risk.revoked"), 0);
  done(p);
  OPENSSL_free(staple);
  staple = NULL;
  cert_free(&leaf);
  cert_free(&other);
}

int main(void) {
  if (setup() != 0)
    return 1;
  CU_TestInfo tests[] = {{"trusted_and_names", test_trusted},
                         {"expired_not_yet_valid", test_time},
                         {"untrusted_self_signed_incomplete_bad", test_untrusted},
                         {"user_roots_intercepted_ca_only", test_user_roots},
                         {"config_errors", test_config_errors},
                         {"risks", test_risks},
                         {"two_legs", test_two_legs},
                         {"memo", test_memo},
                         {"hostile", test_hostile},
                         {"stapled_ocsp", test_stapled},
                         CU_TEST_INFO_NULL};
  int rc = tu_run("trust", tests);
  teardown();
  return rc;
}
