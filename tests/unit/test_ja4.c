/* JA4 (analysis/ja4.c and its use by tls.c). The expected values are the
 * ones FoxIO's specification (technical_details/JA4.md in
 * github.com/FoxIO-LLC/ja4) publishes for its example ClientHello, whose
 * cipher, extension and signature algorithm lists the tests rebuild, and the
 * ALPN examples it gives. */
#include "analysis/ja4.h"
#include "tcpframe.h"
#include "testutil.h"

#include <string.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The specification's example, in the order of the hello. */
static const uint16_t spec_ciphers[] = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f,
                                        0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013,
                                        0xc014, 0x009c, 0x009d, 0x002f, 0x0035};
static const uint16_t spec_exts[] = {0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017,
                                     0x002d, 0x000d, 0x0005, 0x0023, 0x0012, 0x002b,
                                     0xff01, 0x000b, 0x000a, 0x0015};
static const uint16_t spec_sigs[] = {0x0403, 0x0804, 0x0401, 0x0503,
                                     0x0805, 0x0501, 0x0806, 0x0601};
#define SPEC_JA4 "t13d1516h2_8daaf6152771_e5627efa2ab1"
#define SPEC_JA4_R                                                                                 \
  "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,"    \
  "000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,"     \
  "0501,"                                                                                          \
  "0806,0601"

static void test_spec_example(void) {
  uint16_t c[32], e[32];
  memcpy(c, spec_ciphers, sizeof spec_ciphers);
  memcpy(e, spec_exts, sizeof spec_exts);
  dx_ja4_hello h = {.transport = 't',
                    .version = 0x0303,
                    .supported_max = 0x0304,
                    .sni = true,
                    .alpn = (const uint8_t *)"h2",
                    .alpn_len = 2,
                    .ciphers = c,
                    .nciphers = NELEM(spec_ciphers),
                    .exts = e,
                    .nexts = NELEM(spec_exts),
                    .sigalgs = spec_sigs,
                    .nsigalgs = NELEM(spec_sigs)};
  char ja4[48], raw[512];
  CU_ASSERT_FATAL(dx_ja4(&h, ja4, raw, sizeof raw));
  CU_ASSERT_STRING_EQUAL(ja4, SPEC_JA4);
  CU_ASSERT_STRING_EQUAL(raw, SPEC_JA4_R);
  /* "If there are no signature algorithms ... = 6d807ffa2a79" */
  memcpy(c, spec_ciphers, sizeof spec_ciphers);
  memcpy(e, spec_exts, sizeof spec_exts);
  h.nsigalgs = 0;
  CU_ASSERT_FATAL(dx_ja4(&h, ja4, NULL, 0));
  CU_ASSERT_STRING_EQUAL(ja4 + 24, "6d807ffa2a79");
  /* QUIC */
  h.transport = 'q';
  CU_ASSERT_FATAL(dx_ja4(&h, ja4, NULL, 0));
  CU_ASSERT_EQUAL(ja4[0], 'q');
  /* no cipher, no extension: twelve zeros; no SNI, no ALPN, TLS 1.2 */
  dx_ja4_hello z = {.transport = 't', .version = 0x0303};
  CU_ASSERT_FATAL(dx_ja4(&z, ja4, raw, sizeof raw));
  CU_ASSERT_STRING_EQUAL(ja4, "t12i000000_000000000000_000000000000");
  /* a raw buffer too small is refused */
  CU_ASSERT_FALSE(dx_ja4(&h, ja4, raw, 8));
}

static const char *alpn_of(const uint8_t *a, size_t n) {
  static char ja4[48];
  dx_ja4_hello h = {.transport = 't', .version = 0x0301, .alpn = a, .alpn_len = n};
  if (!dx_ja4(&h, ja4, NULL, 0))
    return "";
  ja4[10] = 0;
  return ja4 + 8;
}

static void test_alpn(void) {
  /* the specification's examples */
  CU_ASSERT_STRING_EQUAL(alpn_of((const uint8_t *)"h2", 2), "h2");
  CU_ASSERT_STRING_EQUAL(alpn_of((const uint8_t *)"http/1.1", 8), "h1");
  CU_ASSERT_STRING_EQUAL(alpn_of((const uint8_t *)"\xab", 1), "ab");
  CU_ASSERT_STRING_EQUAL(alpn_of((const uint8_t *)"\xab\xcd", 2), "ad");
  CU_ASSERT_STRING_EQUAL(alpn_of((const uint8_t *)"\x30\xab", 2), "3b");
  CU_ASSERT_STRING_EQUAL(alpn_of((const uint8_t *)"\x30\x31\xab\xcd", 4), "3d");
  CU_ASSERT_STRING_EQUAL(alpn_of((const uint8_t *)"\x30\xab\xcd\x31", 4), "01");
  /* one character is both first and last; empty is "00" */
  CU_ASSERT_STRING_EQUAL(alpn_of((const uint8_t *)"x", 1), "xx");
  CU_ASSERT_STRING_EQUAL(alpn_of((const uint8_t *)"", 0), "00");
}

/* ---- the example ClientHello through Ethernet/IPv4/TCP/TLS ---- */
typedef struct bb {
  uint8_t b[2048];
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
static void fix16(bb *x, size_t at) {
  x->b[at] = (uint8_t)((x->n - at - 2) >> 8);
  x->b[at + 1] = (uint8_t)(x->n - at - 2);
}

/* The specification's ClientHello with GREASE values added to each list
 * (JA4 must leave them out). */
/* The start of a ClientHello record: record and handshake headers (their
 * lengths at *rl and *hl, fixed later), TLS 1.2, a random of fill bytes
 * (0, 1, 2, ... when fill < 0) and an empty session id. */
static void hello_start(bb *x, int fill, size_t *rl, size_t *hl) {
  x->n = 0;
  put8(x, 22);
  put16(x, 0x0301);
  *rl = x->n;
  put16(x, 0);
  put8(x, 1);
  *hl = x->n;
  put24(x, 0);
  put16(x, 0x0303);
  for (int i = 0; i < 32; i++)
    put8(x, (unsigned)(fill < 0 ? i : fill));
  put8(x, 0); /* session id */
}

static size_t spec_hello(bb *x) {
  size_t rl, hl;
  hello_start(x, -1, &rl, &hl);
  put16(x, 2 * (NELEM(spec_ciphers) + 1));
  put16(x, 0x2a2a);
  for (size_t i = 0; i < NELEM(spec_ciphers); i++)
    put16(x, spec_ciphers[i]);
  put8(x, 1);
  put8(x, 0);
  size_t el = x->n;
  put16(x, 0);
  put16(x, 0xdada); /* GREASE extension */
  put16(x, 0);
  for (size_t i = 0; i < NELEM(spec_exts); i++) {
    put16(x, spec_exts[i]);
    size_t l = x->n;
    put16(x, 0);
    switch (spec_exts[i]) {
    case 0x0000: /* server_name www.example.test */
      put16(x, 19);
      put8(x, 0);
      put16(x, 16);
      memcpy(x->b + x->n, "www.example.test", 16);
      x->n += 16;
      break;
    case 0x0010: /* ALPN h2, http/1.1 */
      put16(x, 12);
      put8(x, 2);
      put8(x, 'h');
      put8(x, '2');
      put8(x, 8);
      memcpy(x->b + x->n, "http/1.1", 8);
      x->n += 8;
      break;
    case 0x000d:
      put16(x, 2 * (NELEM(spec_sigs) + 1));
      put16(x, 0x3a3a);
      for (size_t k = 0; k < NELEM(spec_sigs); k++)
        put16(x, spec_sigs[k]);
      break;
    case 0x002b: /* supported_versions: GREASE, 1.3, 1.2 */
      put8(x, 6);
      put16(x, 0x4a4a);
      put16(x, 0x0304);
      put16(x, 0x0303);
      break;
    default: break; /* empty: JA4 reads only the types */
    }
    fix16(x, l);
  }
  fix16(x, el);
  size_t hlen = x->n - hl - 3;
  x->b[hl] = (uint8_t)(hlen >> 16);
  x->b[hl + 1] = (uint8_t)(hlen >> 8);
  x->b[hl + 2] = (uint8_t)hlen;
  fix16(x, rl);
  return x->n;
}

static void test_through_tls(void) {
  static uint8_t fb[4096];
  bb x;
  spec_hello(&x);
  dx_session *s = NULL;
  CU_ASSERT_FATAL(dx_session_new(&s, NULL) == DX_OK);
  size_t n = tf_tcp(fb, 1, 40000, 443, 1, 1, TF_ACK | TF_PSH, 65535, NULL, 0, x.b, x.n);
  dx_packet *p = tf_feed(s, fb, n, 1);
  CU_ASSERT_FATAL(p != NULL);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "tls.handshake.ja4"), SPEC_JA4);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "tls.handshake.ja4_r"), SPEC_JA4_R);
  dx_packet_free(p);
  /* every prefix of the hello: no crash, and a JA4 only from a whole one */
  for (size_t cut = 1; cut < x.n; cut += 7) {
    dx_session *s2 = NULL;
    CU_ASSERT_FATAL(dx_session_new(&s2, NULL) == DX_OK);
    n = tf_tcp(fb, 1, 40000, 443, 1, 1, TF_ACK | TF_PSH, 65535, NULL, 0, x.b, cut);
    p = tf_feed(s2, fb, n, 1);
    CU_ASSERT_EQUAL(tu_count(p, "tls.handshake.ja4"), 0);
    dx_packet_free(p);
    dx_session_free(s2);
  }
  dx_session_free(s);
}

/* A ClientHello (TLS 1.2, no session id) with the given cipher suites and
 * the extensions exts() writes (none at all if exts is NULL). */
static size_t small_hello(bb *x, const uint16_t *ciphers, size_t nc, void (*exts)(bb *)) {
  size_t rl, hl;
  hello_start(x, 0x33, &rl, &hl);
  put16(x, (unsigned)(2 * nc));
  for (size_t i = 0; i < nc; i++)
    put16(x, ciphers[i]);
  put8(x, 1);
  put8(x, 0);
  if (exts) {
    size_t el = x->n;
    put16(x, 0);
    exts(x);
    fix16(x, el);
  }
  size_t hlen = x->n - hl - 3;
  x->b[hl] = (uint8_t)(hlen >> 16);
  x->b[hl + 1] = (uint8_t)(hlen >> 8);
  x->b[hl + 2] = (uint8_t)hlen;
  fix16(x, rl);
  return x->n;
}

/* signature_algorithms (0403, 0804), then signature_algorithms_cert (0401,
 * 0201) */
static void sigalgs_then_cert(bb *x) {
  put16(x, 0x000d);
  put16(x, 6);
  put16(x, 4);
  put16(x, 0x0403);
  put16(x, 0x0804);
  put16(x, 0x0032);
  put16(x, 6);
  put16(x, 4);
  put16(x, 0x0401);
  put16(x, 0x0201);
}

/* one GREASE extension and nothing else */
static void grease_only(bb *x) {
  put16(x, 0xaaaa);
  put16(x, 2);
  put16(x, 0x000a);
}

/* signature_algorithms (0601, 0501) alone */
static void sigalgs_only(bb *x) {
  put16(x, 0x000d);
  put16(x, 6);
  put16(x, 4);
  put16(x, 0x0601);
  put16(x, 0x0501);
}

/* JA4 and JA4_r of one hello through Ethernet/IPv4/TCP */
static void check_hello(const bb *x, const char *ja4, const char *ja4_r) {
  static uint8_t fb[4096];
  dx_session *s = NULL;
  CU_ASSERT_FATAL(dx_session_new(&s, NULL) == DX_OK);
  size_t n = tf_tcp(fb, 1, 40000, 443, 1, 1, TF_ACK | TF_PSH, 65535, NULL, 0, x->b, x->n);
  dx_packet *p = tf_feed(s, fb, n, 1);
  CU_ASSERT_FATAL(p != NULL);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "tls.handshake.ja4"), ja4);
  if (ja4_r)
    CU_ASSERT_STRING_EQUAL(tu_value(p, "tls.handshake.ja4_r"), ja4_r);
  dx_packet_free(p);
  dx_session_free(s);
}

/* Where FoxIO's python/ja4.py gives other values than its specification on
 * real captures (tests/differential/ja4-foxio.tsv keeps them), the
 * specification's rule, on hand-made hellos; the hashes are SHA-256 of the
 * strings in JA4_r, checked with Python's hashlib. */
static void test_spec_rules(void) {
  bb x;
  static const uint16_t c1301[] = {0x1301}, c002f[] = {0x002f};
  /* "the list of signature algorithms" is signature_algorithms' (13), not
   * signature_algorithms_cert's (50) that follows it: the script takes the
   * second list when both are there */
  small_hello(&x, c1301, 1, sigalgs_then_cert);
  check_hello(&x, "t12i010200_0f2cb44170f4_65016ef15874", "t12i010200_1301_000d,0032_0403,0804");
  /* GREASE is ignored everywhere, so a hello whose only extension is
   * GREASE has no extension in the sorted list: c is twelve zeros (the
   * script hashes the empty string, e3b0c44298fc, as its list before
   * GREASE is taken out is not empty) */
  small_hello(&x, c002f, 1, grease_only);
  check_hello(&x, "t12i010000_ba72b8082249_000000000000", "t12i010000_002f_");
  /* more than 99 suites: "99" (150 here) */
  uint16_t many[150];
  for (unsigned i = 0; i < 150; i++)
    many[i] = (uint16_t)(i + 1);
  small_hello(&x, many, 150, NULL);
  check_hello(&x, "t12i990000_2ddb91151f68_000000000000", NULL);
  /* a single extension */
  small_hello(&x, c002f, 1, sigalgs_only);
  check_hello(&x, "t12i010100_ba72b8082249_218c200c9c82", "t12i010100_002f_000d_0601,0501");
}

int main(void) {
  CU_TestInfo tests[] = {{"spec_example", test_spec_example},
                         {"alpn", test_alpn},
                         {"through_tls", test_through_tls},
                         {"spec_rules", test_spec_rules},
                         CU_TEST_INFO_NULL};
  return tu_run("ja4", tests);
}
