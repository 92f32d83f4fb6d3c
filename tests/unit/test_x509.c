/* X.509 certificates (RFC 5280) decoded by x509.c, on the two public test
 * certificates of tls_testcerts.h. Expected values come from `openssl x509
 * -inform DER -noout -text -fingerprint -sha256` on the same DER (see the
 * header) and from hand reading of the DER bytes (offsets). */
#include "core/dx.h"
#include "proto/x509.h"
#include "testutil.h"
#include "tls_testcerts.h"

#include <string.h>

extern const dx_protocol dx_proto_x509;

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))

static dx_session *sess;

/* The label of the i-th node named `name`. */
static const char *nth_label(const dx_packet *p, const char *name, int i) {
  static char buf[1024];
  buf[0] = 0;
  const dx_node *n = dx_packet_find_name(p, name);
  while (n && i-- > 0)
    n = dx_packet_find_next(p, n);
  if (n)
    dx_node_label(n, buf, sizeof buf);
  return buf;
}

/* Dissects `n` bytes as one certificate, under a certificate node. */
static dx_packet *cert_call(const uint8_t *b, size_t n) {
  static const uint8_t eth[14] = {0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0x90, 0x00};
  dx_frame fr = {.ts_sec = 1700000000, .caplen = 14, .wirelen = 14, .linktype = 1, .data = eth};
  dx_packet *p = NULL;
  if (!sess && dx_session_new(&sess, NULL) != DX_OK)
    return NULL;
  if (dx_session_dissect(sess, &fr, &p) != DX_OK || !p)
    return NULL;
  dx_tvb t = dx_packet_add_source(p, "certificate", b, (uint32_t)n);
  dx_node *cn = dx_add_none(p, dx_packet_root_mut(p), &dx_proto_x509.fields[0], &t, 0, t.len);
  dx_proto_x509.dissect(p, &t, cn);
  return p;
}

static void test_rsa_leaf(void) {
  dx_packet *p = cert_call(test_cert_rsa, sizeof test_cert_rsa);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_FALSE(tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  CU_ASSERT_STRING_EQUAL(tu_label(p, "x509af"),
                         "Certificate: subject CN=www.example.test, issuer CN=www.example.test");
  EXPECT(p, "x509.subject", "CN=www.example.test,O=libdissect tests");
  EXPECT(p, "x509.issuer", "CN=www.example.test,O=libdissect tests");
  EXPECT(p, "x509.not_before", "2026-11-22 08:55:22 UTC");
  EXPECT(p, "x509.not_after", "2036-11-19 08:55:22 UTC");
  EXPECT(p, "x509.public_key.algorithm", "rsaEncryption");
  EXPECT(p, "x509.public_key.bits", "2048");
  CU_ASSERT_EQUAL(tu_count(p, "x509.public_key.curve"), 0);
  EXPECT(p, "x509.fingerprint.sha256",
         "d2e358c02067c842316fd0b780c9d63674d1bab1d22c86dd7cbbf8dc7f95c50c");
  EXPECT(p, "x509.self_signed", "1");
  EXPECT(p, "x509.is_ca", "0");
  EXPECT(p, "x509af.version", "2");
  EXPECT(p, "x509af.serialNumber", "1234abcd");
  /* 30 82 03 92 | 30 82 02 7a | a0 03 02 01 02 | 02 04 <serial> */
  const dx_node *sn = dx_packet_find_name(p, "x509af.serialNumber");
  CU_ASSERT_EQUAL(dx_node_offset(sn), 15);
  CU_ASSERT_EQUAL(dx_node_length(sn), 4);
  CU_ASSERT_EQUAL(tu_count(p, "x509af.algorithm.id"), 3);
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "x509af.algorithm.id", 0), "1.2.840.113549.1.1.11");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "x509af.algorithm.id", 1), "1.2.840.113549.1.1.1");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "x509af.algorithm.id", 2), "1.2.840.113549.1.1.11");
  /* issuer then subject, each O then CN as encoded */
  CU_ASSERT_EQUAL(tu_count(p, "x509sat.uTF8String"), 4);
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "x509sat.uTF8String", 0), "libdissect tests");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "x509sat.uTF8String", 3), "www.example.test");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "x509if.oid", 1), "2.5.4.3");
  EXPECT(p, "x509af.utcTime", "2026-11-22 08:55:22 (UTC)");
  CU_ASSERT_EQUAL(tu_count(p, "x509ce.dNSName"), 2);
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "x509ce.dNSName", 0), "www.example.test");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "x509ce.dNSName", 1), "example.test");
  EXPECT(p, "x509ce.IPAddress.ipv4", "127.0.0.1");
  EXPECT(p, "x509ce.KeyPurposeId", "1.3.6.1.5.5.7.3.1");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "x509ce.KeyPurposeId"),
                         "KeyPurposeId: 1.3.6.1.5.5.7.3.1 (id-kp-serverAuth)");
  EXPECT(p, "x509.key_usage", "digitalSignature, keyEncipherment");
  EXPECT(p, "x509ce.KeyUsage", "a0");
  EXPECT(p, "x509ce.KeyUsage.digitalSignature", "1");
  EXPECT(p, "x509ce.KeyUsage.keyCertSign", "0");
  CU_ASSERT_EQUAL(tu_count(p, "x509ce.cA"), 0); /* CA:FALSE is the DEFAULT, not encoded */
  CU_ASSERT_STRING_EQUAL(tu_label(p, "x509ce.BasicConstraintsSyntax_element"),
                         "BasicConstraintsSyntax [0 length]");
  CU_ASSERT_EQUAL(tu_count(p, "x509af.critical"), 2);
  CU_ASSERT_EQUAL(tu_count(p, "x509af.Extension_element"), 6);
  CU_ASSERT_EQUAL(tu_count(p, "x509ce.SubjectKeyIdentifier"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "x509af.encrypted"), 1);
  /* the tree as tshark builds it: AlgorithmIdentifier elements, Name and
   * Time CHOICEs, RDNSequence counts, DirectoryString CHOICEs (uTF8String
   * is alternative 4 in X.520), GeneralName CHOICEs (dNSName 2, iPAddress
   * 7 in RFC 5280) */
  CU_ASSERT_STRING_EQUAL(tu_label(p, "x509af.signature_element"),
                         "signature (sha256WithRSAEncryption)");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "x509af.algorithm_element"), "algorithm (rsaEncryption)");
  EXPECT(p, "x509if.rdnSequence", "2"); /* the issuer's */
  EXPECT(p, "x509af.rdnSequence", "2"); /* the subject's */
  CU_ASSERT_STRING_EQUAL(
      tu_label(p, "x509af.rdnSequence"),
      "rdnSequence: 2 items (id-at-commonName=www.example.test,id-at-organizationName=libdissect "
      "tests)");
  CU_ASSERT_EQUAL(tu_count(p, "x509if.RDNSequence_item"), 4);
  EXPECT(p, "x509if.RDNSequence_item", "1");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "x509if.RDNSequence_item"),
                         "RDNSequence item: 1 item (id-at-organizationName=libdissect tests)");
  CU_ASSERT_EQUAL(tu_count(p, "x509sat.DirectoryString"), 4);
  CU_ASSERT_STRING_EQUAL(tu_label(p, "x509sat.DirectoryString"), "DirectoryString: uTF8String (4)");
  EXPECT(p, "x509af.notBefore", "0");
  EXPECT(p, "x509af.notAfter", "0");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "x509af.notAfter"), "notAfter: utcTime (0)");
  CU_ASSERT_EQUAL(tu_count(p, "x509ce.GeneralName"), 3);
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "x509ce.GeneralName", 0), "2");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "x509ce.GeneralName", 2), "7");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "x509ce.GeneralName"), "GeneralName: dNSName (2)");
  /* RSAPublicKey (PKCS #1): the modulus as `openssl x509 -modulus` prints
   * it, with the 00 that DER puts before a high first bit */
  EXPECT(p, "pkcs1.modulus",
         "009dcb68ab540fc79be07d8179dc8861924510744ae53b89b344d11754672cbd2fb1cd26a7c77ed2"
         "f2e246b1478da7d8a490fa8371775f1b6f1c39c4381bbb3243af4bd4df0c7baeb119ae39a7221132"
         "30a1266f53b3f338b35debafc9cfa353c3e01cbac8ad92aa719af00fc98bb58f0da2707d11548e99"
         "2ddaa46c5bbcc51cce37153777725c8f3e1a78a9c69eb97fda70ef0e74740260b2110838092139e5"
         "c57e94c9f30633102ac44ff1b5464e3ef20e22f0c0807b1349b9b19e4be37e478900fed0721a3496"
         "0349e30b8dd52e6f078be69a67a8ec1ac3b501902986f1e451520590f34ba5a478c1ec6c3979b196"
         "c9ad54be42e190282eaf230ad7de145937");
  EXPECT(p, "pkcs1.publicExponent", "65537");
  CU_ASSERT_STRING_EQUAL(
      tu_label(p, "pkcs1.modulus"),
      "modulus: "
      "0x009dcb68ab540fc79be07d8179dc8861924510744ae53b89b344d11754672cbd2fb1cd26\xe2\x80\xa6");
  dx_packet_free(p);
}

static void test_ec_ca(void) {
  dx_packet *p = cert_call(test_cert_ec, sizeof test_cert_ec);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_FALSE(tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  EXPECT(p, "x509.subject", "CN=ec.example.test");
  EXPECT(p, "x509.public_key.algorithm", "id-ecPublicKey");
  EXPECT(p, "x509.public_key.bits", "256");
  EXPECT(p, "x509.public_key.curve", "prime256v1");
  EXPECT(p, "x509.fingerprint.sha256",
         "87fc8a7b2e959f3233c767550cb053ef5aedf18ccdbb8f99c91ec7b60e0b2b90");
  EXPECT(p, "x509af.serialNumber", "07");
  EXPECT(p, "x509ce.cA", "1");
  EXPECT(p, "x509ce.pathLenConstraint", "1");
  EXPECT(p, "x509.is_ca", "1");
  EXPECT(p, "x509.self_signed", "1");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "x509af.algorithm.id", 0), "1.2.840.10045.4.3.2");
  EXPECT(p, "x509.not_after", "2027-11-22 08:55:25 UTC");
  CU_ASSERT_EQUAL(tu_count(p, "pkcs1.modulus"), 0); /* not an RSA key */
  EXPECT(p, "x509af.rdnSequence", "1");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "x509af.rdnSequence"),
                         "rdnSequence: 1 item (id-at-commonName=ec.example.test)");
  dx_packet_free(p);
}

/* Every prefix is marked malformed; damaged bytes never crash. */
static void test_truncated_and_damaged(void) {
  for (size_t n = 0; n < sizeof test_cert_rsa; n += (n < 64 ? 1 : 7)) {
    dx_packet *p = cert_call(test_cert_rsa, n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_TRUE(tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
    CU_ASSERT_EQUAL(tu_count(p, "x509.subject"), 0);
    dx_packet_free(p);
  }
  uint8_t bad[sizeof test_cert_rsa];
  uint32_t seed = 99;
  for (int i = 0; i < 2000; i++) {
    memcpy(bad, test_cert_rsa, sizeof bad);
    for (int k = 0; k < 2; k++) {
      seed = seed * 1103515245u + 12345u;
      bad[(seed >> 8) % sizeof bad] = (uint8_t)(seed >> 24);
    }
    dx_packet *p = cert_call(bad, sizeof bad);
    dx_packet_free(p);
  }
  /* trailing garbage after a good certificate */
  uint8_t more[sizeof test_cert_ec + 3];
  memcpy(more, test_cert_ec, sizeof test_cert_ec);
  memset(more + sizeof test_cert_ec, 0, 3);
  dx_packet *p = cert_call(more, sizeof more);
  CU_ASSERT_TRUE(tu_any_flag(p, DX_NODE_MALFORMED));
  EXPECT(p, "x509.subject", "CN=ec.example.test");
  dx_packet_free(p);
}

/* Two certificates made by OpenSSL 3 (`openssl req -x509 -newkey ec
 * -pkeyopt ec_paramgen_curve:P-256 -config ... -extensions v3`), the first
 * with:
 *   authorityInfoAccess = OCSP;URI:http://ocsp.example,
 *                         caIssuers;URI:http://ca.example/ca.crt
 *   certificatePolicies = 2.23.140.1.2.1,@pol1,1.3.6.1.4.1.44947.1.1.1
 *     (pol1: policyIdentifier = 2.5.29.32.0, CPS.1 = https://cps.example/cps,
 *      userNotice.1: explicitText "Explicit notice text", organization
 *      "Example Org", noticeNumbers 1, 2)
 *   crlDistributionPoints = URI:http://crl.example/ca.crl,
 *                           URI:http://crl2.example/b.crl
 *   1.3.6.1.4.1.11129.2.4.2 = DER:<two SCTs written by hand per RFC 6962
 *     3.2/3.3: v1, the Google 'Pilot' log's ID, timestamp 1478733904782 ms,
 *     no extensions, ecdsa_secp256r1_sha256, signature 3006020101020102;
 *     then v1, log ID 00..1f, 1700000000123 ms, extensions 010203,
 *     signature 300602010302010a>
 * the second with:
 *   authorityInfoAccess = 1.3.6.1.5.5.7.48.5;URI:http://repo.example/,
 *     1.3.6.1.5.5.7.48.99;DNS:odd.example,caIssuers;email:ca@example.org
 *   certificatePolicies = 1.2.3.4,2.16.840.1.113733.1.7.54,1.3.6.1.5.5.7.99.1
 *   crlDistributionPoints: fullname URI:http://crl.example/x.crl, reasons
 *     keyCompromise, CACompromise, superseded, CRLissuer dirName CN=CRL Issuer
 * Expected values: `openssl x509 -inform DER -noout -text` (which also
 * decodes the SCTs: "Timestamp : Nov  9 23:25:04.782 2016 GMT") and
 * tshark 4.0's -V of the same certificates served as application/pkix-cert
 * (the OID names, the labels and the positions of the items). */
static const uint8_t cert_exts[809] = {
    0x30, 0x82, 0x03, 0x25, 0x30, 0x82, 0x02, 0xcc, 0xa0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x02, 0x12,
    0x34, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x30, 0x29, 0x31,
    0x15, 0x30, 0x13, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x0c, 0x74, 0x65, 0x73, 0x74, 0x2e, 0x65,
    0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x31, 0x10, 0x30, 0x0e, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c,
    0x07, 0x45, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x30, 0x1e, 0x17, 0x0d, 0x32, 0x36, 0x31, 0x32,
    0x30, 0x36, 0x30, 0x36, 0x32, 0x36, 0x31, 0x33, 0x5a, 0x17, 0x0d, 0x33, 0x36, 0x31, 0x32, 0x30,
    0x33, 0x30, 0x36, 0x32, 0x36, 0x31, 0x33, 0x5a, 0x30, 0x29, 0x31, 0x15, 0x30, 0x13, 0x06, 0x03,
    0x55, 0x04, 0x03, 0x0c, 0x0c, 0x74, 0x65, 0x73, 0x74, 0x2e, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c,
    0x65, 0x31, 0x10, 0x30, 0x0e, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c, 0x07, 0x45, 0x78, 0x61, 0x6d,
    0x70, 0x6c, 0x65, 0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
    0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04, 0xda, 0x2a,
    0x95, 0xb1, 0xdb, 0x27, 0x88, 0x2c, 0x4c, 0x34, 0x96, 0x09, 0xb0, 0x5d, 0x3b, 0x4b, 0xf7, 0x32,
    0xc2, 0x61, 0xbf, 0x84, 0xa3, 0x5a, 0xd6, 0xcc, 0x15, 0x98, 0x66, 0x71, 0xe3, 0xd4, 0x83, 0x7d,
    0x17, 0x76, 0x68, 0xbf, 0xb9, 0x83, 0x53, 0xcf, 0xfc, 0x42, 0x36, 0x27, 0x1a, 0xad, 0xc8, 0x1a,
    0x25, 0xcf, 0xa8, 0xac, 0x18, 0x60, 0xe7, 0x51, 0x66, 0x37, 0xd8, 0x46, 0x45, 0x7d, 0xa3, 0x82,
    0x01, 0xe2, 0x30, 0x82, 0x01, 0xde, 0x30, 0x55, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07,
    0x01, 0x01, 0x04, 0x49, 0x30, 0x47, 0x30, 0x1f, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07,
    0x30, 0x01, 0x86, 0x13, 0x68, 0x74, 0x74, 0x70, 0x3a, 0x2f, 0x2f, 0x6f, 0x63, 0x73, 0x70, 0x2e,
    0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x30, 0x24, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05,
    0x07, 0x30, 0x02, 0x86, 0x18, 0x68, 0x74, 0x74, 0x70, 0x3a, 0x2f, 0x2f, 0x63, 0x61, 0x2e, 0x65,
    0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2f, 0x63, 0x61, 0x2e, 0x63, 0x72, 0x74, 0x30, 0x81, 0x8e,
    0x06, 0x03, 0x55, 0x1d, 0x20, 0x04, 0x81, 0x86, 0x30, 0x81, 0x83, 0x30, 0x08, 0x06, 0x06, 0x67,
    0x81, 0x0c, 0x01, 0x02, 0x01, 0x30, 0x68, 0x06, 0x04, 0x55, 0x1d, 0x20, 0x00, 0x30, 0x60, 0x30,
    0x23, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x02, 0x01, 0x16, 0x17, 0x68, 0x74, 0x74,
    0x70, 0x73, 0x3a, 0x2f, 0x2f, 0x63, 0x70, 0x73, 0x2e, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,
    0x2f, 0x63, 0x70, 0x73, 0x30, 0x39, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x02, 0x02,
    0x30, 0x2d, 0x30, 0x15, 0x1a, 0x0b, 0x45, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x20, 0x4f, 0x72,
    0x67, 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02, 0x1a, 0x14, 0x45, 0x78, 0x70, 0x6c, 0x69,
    0x63, 0x69, 0x74, 0x20, 0x6e, 0x6f, 0x74, 0x69, 0x63, 0x65, 0x20, 0x74, 0x65, 0x78, 0x74, 0x30,
    0x0d, 0x06, 0x0b, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0xdf, 0x13, 0x01, 0x01, 0x01, 0x30, 0x4b,
    0x06, 0x03, 0x55, 0x1d, 0x1f, 0x04, 0x44, 0x30, 0x42, 0x30, 0x1f, 0xa0, 0x1d, 0xa0, 0x1b, 0x86,
    0x19, 0x68, 0x74, 0x74, 0x70, 0x3a, 0x2f, 0x2f, 0x63, 0x72, 0x6c, 0x2e, 0x65, 0x78, 0x61, 0x6d,
    0x70, 0x6c, 0x65, 0x2f, 0x63, 0x61, 0x2e, 0x63, 0x72, 0x6c, 0x30, 0x1f, 0xa0, 0x1d, 0xa0, 0x1b,
    0x86, 0x19, 0x68, 0x74, 0x74, 0x70, 0x3a, 0x2f, 0x2f, 0x63, 0x72, 0x6c, 0x32, 0x2e, 0x65, 0x78,
    0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2f, 0x62, 0x2e, 0x63, 0x72, 0x6c, 0x30, 0x81, 0x87, 0x06, 0x0a,
    0x2b, 0x06, 0x01, 0x04, 0x01, 0xd6, 0x79, 0x02, 0x04, 0x02, 0x04, 0x79, 0x04, 0x77, 0x00, 0x75,
    0x00, 0x37, 0x00, 0xa4, 0xb9, 0x09, 0x90, 0xb4, 0x18, 0x58, 0x14, 0x87, 0xbb, 0x13, 0xa2, 0xcc,
    0x67, 0x70, 0x0a, 0x3c, 0x35, 0x98, 0x04, 0xf9, 0x1b, 0xdf, 0xb8, 0xe3, 0x77, 0xcd, 0x0e, 0xc8,
    0x0d, 0xdc, 0x10, 0x00, 0x00, 0x01, 0x58, 0x4b, 0x68, 0xbb, 0x8e, 0x00, 0x00, 0x04, 0x03, 0x00,
    0x08, 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02, 0x00, 0x3a, 0x00, 0x00, 0x01, 0x02, 0x03,
    0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13,
    0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x00, 0x00, 0x01, 0x8b,
    0xcf, 0xe5, 0x68, 0x7b, 0x00, 0x03, 0x01, 0x02, 0x03, 0x04, 0x03, 0x00, 0x08, 0x30, 0x06, 0x02,
    0x01, 0x03, 0x02, 0x01, 0x0a, 0x30, 0x1d, 0x06, 0x03, 0x55, 0x1d, 0x0e, 0x04, 0x16, 0x04, 0x14,
    0x4c, 0xfc, 0x48, 0xc5, 0x48, 0x1a, 0x2d, 0x40, 0x4c, 0x9a, 0x6c, 0x1b, 0xf6, 0xeb, 0x5e, 0x72,
    0xaf, 0x6e, 0xe0, 0xb8, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02,
    0x03, 0x47, 0x00, 0x30, 0x44, 0x02, 0x20, 0x50, 0xc6, 0x63, 0x5b, 0xf7, 0x53, 0x5f, 0x01, 0xed,
    0x17, 0xbc, 0x01, 0xf6, 0x88, 0xc6, 0xf7, 0xfd, 0x31, 0xaf, 0xbf, 0x10, 0x44, 0xfe, 0xda, 0x98,
    0xd3, 0xdc, 0x38, 0x14, 0x04, 0x92, 0xdb, 0x02, 0x20, 0x30, 0xf8, 0xc0, 0x10, 0xef, 0xbf, 0x4d,
    0xaf, 0xa9, 0x83, 0xdb, 0x69, 0x10, 0x63, 0xcd, 0x3c, 0x6e, 0x12, 0x2c, 0xca, 0xfe, 0x60, 0x8c,
    0x78, 0xb1, 0x3d, 0x86, 0x26, 0xd3, 0x83, 0xe0, 0xa6,
};
static const uint8_t cert_exts2[544] = {
    0x30, 0x82, 0x02, 0x1c, 0x30, 0x82, 0x01, 0xc2, 0xa0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x02, 0x00,
    0x99, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x30, 0x16, 0x31,
    0x14, 0x30, 0x12, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x0b, 0x74, 0x77, 0x6f, 0x2e, 0x65, 0x78,
    0x61, 0x6d, 0x70, 0x6c, 0x65, 0x30, 0x1e, 0x17, 0x0d, 0x32, 0x36, 0x31, 0x32, 0x30, 0x36, 0x30,
    0x36, 0x32, 0x36, 0x32, 0x33, 0x5a, 0x17, 0x0d, 0x33, 0x36, 0x31, 0x32, 0x30, 0x33, 0x30, 0x36,
    0x32, 0x36, 0x32, 0x33, 0x5a, 0x30, 0x16, 0x31, 0x14, 0x30, 0x12, 0x06, 0x03, 0x55, 0x04, 0x03,
    0x0c, 0x0b, 0x74, 0x77, 0x6f, 0x2e, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x30, 0x59, 0x30,
    0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
    0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04, 0xd3, 0x6f, 0x06, 0xe4, 0x21, 0xfa, 0x43, 0xf5,
    0xda, 0xd1, 0x53, 0xfa, 0xd6, 0x85, 0x4b, 0x6f, 0x7f, 0x9e, 0xe6, 0xe8, 0x55, 0x7d, 0x86, 0xe9,
    0x4b, 0x27, 0xe3, 0x0c, 0x96, 0xec, 0x30, 0x04, 0x21, 0x35, 0x83, 0xa8, 0xe2, 0x38, 0x0d, 0x1d,
    0x2b, 0xf4, 0x3b, 0x6d, 0xcf, 0x31, 0x84, 0x23, 0x6c, 0xdf, 0x25, 0x11, 0x98, 0xfc, 0x26, 0xbc,
    0x18, 0x04, 0xdf, 0x8a, 0x35, 0x84, 0x39, 0x8c, 0xa3, 0x81, 0xff, 0x30, 0x81, 0xfc, 0x30, 0x65,
    0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01, 0x04, 0x59, 0x30, 0x57, 0x30, 0x20,
    0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x05, 0x86, 0x14, 0x68, 0x74, 0x74, 0x70,
    0x3a, 0x2f, 0x2f, 0x72, 0x65, 0x70, 0x6f, 0x2e, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2f,
    0x30, 0x17, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x63, 0x82, 0x0b, 0x6f, 0x64,
    0x64, 0x2e, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x30, 0x1a, 0x06, 0x08, 0x2b, 0x06, 0x01,
    0x05, 0x05, 0x07, 0x30, 0x02, 0x81, 0x0e, 0x63, 0x61, 0x40, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c,
    0x65, 0x2e, 0x6f, 0x72, 0x67, 0x30, 0x2a, 0x06, 0x03, 0x55, 0x1d, 0x20, 0x04, 0x23, 0x30, 0x21,
    0x30, 0x05, 0x06, 0x03, 0x2a, 0x03, 0x04, 0x30, 0x0c, 0x06, 0x0a, 0x60, 0x86, 0x48, 0x01, 0x86,
    0xf8, 0x45, 0x01, 0x07, 0x36, 0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x63,
    0x01, 0x30, 0x48, 0x06, 0x03, 0x55, 0x1d, 0x1f, 0x04, 0x41, 0x30, 0x3f, 0x30, 0x3d, 0xa0, 0x1c,
    0xa0, 0x1a, 0x86, 0x18, 0x68, 0x74, 0x74, 0x70, 0x3a, 0x2f, 0x2f, 0x63, 0x72, 0x6c, 0x2e, 0x65,
    0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2f, 0x78, 0x2e, 0x63, 0x72, 0x6c, 0x81, 0x02, 0x03, 0x68,
    0xa2, 0x19, 0xa4, 0x17, 0x30, 0x15, 0x31, 0x13, 0x30, 0x11, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c,
    0x0a, 0x43, 0x52, 0x4c, 0x20, 0x49, 0x73, 0x73, 0x75, 0x65, 0x72, 0x30, 0x1d, 0x06, 0x03, 0x55,
    0x1d, 0x0e, 0x04, 0x16, 0x04, 0x14, 0x2f, 0xff, 0x06, 0x93, 0x31, 0x02, 0x56, 0x58, 0x40, 0xaa,
    0x17, 0x22, 0xef, 0xcd, 0x18, 0xb7, 0x48, 0xac, 0x25, 0xb1, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
    0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x03, 0x48, 0x00, 0x30, 0x45, 0x02, 0x21, 0x00, 0xb7, 0x87,
    0x9e, 0x77, 0x27, 0x10, 0x9e, 0x19, 0x28, 0xf7, 0x4d, 0x5d, 0xee, 0xaa, 0xa3, 0xea, 0x6a, 0xec,
    0xbc, 0x16, 0xc9, 0x21, 0x82, 0x88, 0xfe, 0xe6, 0xf7, 0x1f, 0x63, 0xb1, 0xc9, 0x70, 0x02, 0x20,
    0x32, 0xe0, 0x60, 0x49, 0xde, 0x6f, 0xfb, 0xc3, 0x89, 0x6b, 0x3d, 0x78, 0x46, 0x5f, 0xda, 0x9b,
    0x27, 0xe0, 0xd8, 0x54, 0x2a, 0xf9, 0x84, 0xf7, 0x68, 0x1d, 0x5f, 0x77, 0x64, 0xcb, 0x7c, 0x28,
};

static void test_info_policies_crldp(void) {
  dx_packet *p = cert_call(cert_exts, sizeof cert_exts);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_FALSE(tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  /* authorityInfoAccess */
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "x509af.extension.id", 0), "1.3.6.1.5.5.7.1.1");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "x509af.Extension_element"),
                         "Extension (id-pe-authorityInfoAccess)");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "pkix1implicit.AuthorityInfoAccessSyntax"),
                         "AuthorityInfoAccessSyntax: 2 items");
  CU_ASSERT_EQUAL(tu_count(p, "pkix1implicit.AccessDescription_element"), 2);
  CU_ASSERT_STRING_EQUAL(tu_label(p, "pkix1implicit.accessMethod"),
                         "accessMethod: 1.3.6.1.5.5.7.48.1 (id-ad-ocsp)");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "pkix1implicit.accessMethod", 1), "1.3.6.1.5.5.7.48.2");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "pkix1implicit.accessLocation"), "accessLocation: 6");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "x509ce.uniformResourceIdentifier", 0), "http://ocsp.example");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "x509ce.uniformResourceIdentifier", 1),
                         "http://ca.example/ca.crt");
  /* the OID's contents (tshark: offset 397 of its frame, where the DER starts at 131) */
  const dx_node *am = dx_packet_find_name(p, "pkix1implicit.accessMethod");
  CU_ASSERT_EQUAL(dx_node_offset(am), 397 - 131);
  CU_ASSERT_EQUAL(dx_node_length(am), 8);
  /* certificatePolicies */
  CU_ASSERT_STRING_EQUAL(tu_label(p, "x509ce.CertificatePoliciesSyntax"),
                         "CertificatePoliciesSyntax: 3 items");
  CU_ASSERT_EQUAL(tu_count(p, "x509ce.policyIdentifier"), 3);
  CU_ASSERT_STRING_EQUAL(tu_label(p, "x509ce.policyIdentifier"),
                         "policyIdentifier: 2.23.140.1.2.1 (joint-iso-itu-t.23.140.1.2.1)");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "x509ce.policyIdentifier", 1), "2.5.29.32.0");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "x509ce.policyIdentifier", 2), "1.3.6.1.4.1.44947.1.1.1");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "x509ce.policyQualifiers"), "policyQualifiers: 2 items");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "x509ce.id"), "Id: 1.3.6.1.5.5.7.2.1 (id-qt-cps)");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "x509ce.id", 1), "1.3.6.1.5.5.7.2.2");
  EXPECT(p, "pkix1explicit.DirectoryString", "https://cps.example/cps");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "pkix1implicit.organization"),
                         "organization: visibleString (1)");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "pkix1implicit.visibleString", 0), "Example Org");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "pkix1implicit.visibleString", 1), "Explicit notice text");
  CU_ASSERT_EQUAL(tu_count(p, "pkix1implicit.noticeNumbers_item"), 2);
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "pkix1implicit.noticeNumbers_item", 1), "2");
  /* cRLDistributionPoints */
  CU_ASSERT_STRING_EQUAL(tu_label(p, "x509ce.CRLDistPointsSyntax"), "CRLDistPointsSyntax: 2 items");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "x509ce.distributionPoint"),
                         "distributionPoint: fullName (0)");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "x509ce.fullName"), "fullName: 1 item");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "x509ce.GeneralName"),
                         "GeneralName: uniformResourceIdentifier (6)");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "x509ce.uniformResourceIdentifier", 2),
                         "http://crl.example/ca.crl");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "x509ce.uniformResourceIdentifier", 3),
                         "http://crl2.example/b.crl");
  dx_packet_free(p);

  p = cert_call(cert_exts2, sizeof cert_exts2);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_FALSE(tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  CU_ASSERT_STRING_EQUAL(tu_label(p, "pkix1implicit.accessMethod"),
                         "accessMethod: 1.3.6.1.5.5.7.48.5 (id-pkix.48.5)");
  EXPECT(p, "x509ce.dNSName", "odd.example");
  EXPECT(p, "x509ce.rfc822Name", "ca@example.org");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "x509ce.policyIdentifier"),
                         "policyIdentifier: 1.2.3.4 (iso.2.3.4)");
  /* Key Compromise, CA Compromise, Superseded: 0x68, 3 unused bits */
  EXPECT(p, "x509ce.reasons", "68");
  EXPECT(p, "x509ce.ReasonFlags.keyCompromise", "1");
  EXPECT(p, "x509ce.ReasonFlags.affiliationChanged", "0");
  EXPECT(p, "x509ce.ReasonFlags.superseded", "1");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "x509ce.cRLIssuer"), "cRLIssuer: 1 item");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "x509ce.directoryName"), "directoryName: rdnSequence (0)");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "x509sat.uTF8String", 2), "CRL Issuer");
  dx_packet_free(p);
}

static void test_scts(void) {
  dx_packet *p = cert_call(cert_exts, sizeof cert_exts);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "x509af.extension.id", 3), "1.3.6.1.4.1.11129.2.4.2");
  CU_ASSERT_STRING_EQUAL(nth_label(p, "x509af.Extension_element", 3),
                         "Extension (SignedCertificateTimestampList)");
  EXPECT(p, "tls.sct.scts_length", "117");
  CU_ASSERT_EQUAL(tu_count(p, "tls.sct.sct_version"), 2);
  CU_ASSERT_STRING_EQUAL(tu_label(p, "tls.sct.sct_tree"),
                         "Signed Certificate Timestamp (Google 'Pilot' log)");
  CU_ASSERT_STRING_EQUAL(nth_label(p, "tls.sct.sct_tree", 1),
                         "Signed Certificate Timestamp (Unknown Log)");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "tls.sct.sct_length", 0), "55");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "tls.sct.sct_logid", 0),
                         "a4b90990b418581487bb13a2cc67700a3c359804f91bdfb8e377cd0ec80ddc10");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "tls.sct.sct_timestamp"),
                         "Timestamp: Nov  9, 2016 23:25:04.782000000 UTC");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "tls.sct.sct_extensions_length", 1), "3");
  CU_ASSERT_EQUAL(tu_count(p, "tls.sct.sct_extensions"), 1);
  CU_ASSERT_STRING_EQUAL(tu_label(p, "tls.handshake.sig_hash_alg"),
                         "Signature Algorithm: ecdsa_secp256r1_sha256 (0x0403)");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "tls.handshake.sig_hash_hash"),
                         "Signature Hash Algorithm Hash: SHA256 (4)");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "tls.sct.sct_signature", 1), "300602010302010a");
  /* the list's length: after 30 82 01 1a | 06 0a <OID> | 04 79 | 04 77 */
  const dx_node *ll = dx_packet_find_name(p, "tls.sct.scts_length");
  CU_ASSERT_EQUAL(dx_node_offset(ll), 560 + 10 + 4);
  dx_packet_free(p);

  /* the list one byte shorter than it says: malformed, the rest kept */
  uint8_t bad[sizeof cert_exts];
  memcpy(bad, cert_exts, sizeof bad);
  bad[560 + 10 + 4 + 1]++; /* scts_length 117 -> 118 */
  p = cert_call(bad, sizeof bad);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_TRUE(tu_any_flag(p, DX_NODE_MALFORMED));
  EXPECT(p, "x509.subject", "O=Example,CN=test.example");
  dx_packet_free(p);
}

/* Damaged extension values (the certificate still decodes: OpenSSL reads
 * the values only when asked) never crash nor read past the end. */
static void test_damaged_extensions(void) {
  uint8_t bad[sizeof cert_exts];
  uint32_t seed = 7;
  for (int i = 0; i < 4000; i++) {
    memcpy(bad, cert_exts, sizeof bad);
    for (int k = 0; k < 1 + i % 3; k++) {
      seed = seed * 1103515245u + 12345u;
      bad[380 + (seed >> 8) % (700 - 380)] = (uint8_t)(seed >> 24);
    }
    dx_packet *p = cert_call(bad, sizeof bad);
    dx_packet_free(p);
  }
}

/* The session's memo of decoded certificates: the same bytes decoded again
 * give the same OpenSSL object, also after dx_session_reset() (the memo
 * holds nothing a packet taught, so a reused session keeps it); other
 * bytes give another, and bytes that do not decode give none. */
static void test_decode_memo_kept_by_reset(void) {
  dx_packet *p = cert_call(test_cert_rsa, sizeof test_cert_rsa);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  uint32_t used = 0;
  X509 *a = dx_x509_decode(p, test_cert_rsa, sizeof test_cert_rsa, &used);
  CU_ASSERT_PTR_NOT_NULL_FATAL(a);
  CU_ASSERT_EQUAL(used, sizeof test_cert_rsa);
  X509 *b = dx_x509_decode(p, test_cert_rsa, sizeof test_cert_rsa, &used);
  CU_ASSERT_PTR_EQUAL(a, b);
  X509 *e = dx_x509_decode(p, test_cert_ec, sizeof test_cert_ec, &used);
  CU_ASSERT_PTR_NOT_NULL(e);
  CU_ASSERT_PTR_NOT_EQUAL(a, e);
  CU_ASSERT_EQUAL(used, sizeof test_cert_ec);
  CU_ASSERT_PTR_NULL(dx_x509_decode(p, test_cert_rsa, 10, &used));
  dx_packet_free(p);
  CU_ASSERT_EQUAL_FATAL(dx_session_reset(sess), DX_OK);
  p = cert_call(test_cert_ec, sizeof test_cert_ec);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  X509 *c = dx_x509_decode(p, test_cert_rsa, sizeof test_cert_rsa, &used);
  CU_ASSERT_PTR_EQUAL(a, c);
  CU_ASSERT_EQUAL(used, sizeof test_cert_rsa);
  X509_free(a);
  X509_free(b);
  X509_free(c);
  X509_free(e);
  dx_packet_free(p);
}

static CU_TestInfo tests[] = {
    {"rsa_leaf", test_rsa_leaf},
    {"ec_ca", test_ec_ca},
    {"truncated_and_damaged", test_truncated_and_damaged},
    {"info_policies_crldp", test_info_policies_crldp},
    {"scts", test_scts},
    {"damaged_extensions", test_damaged_extensions},
    {"decode_memo_kept_by_reset", test_decode_memo_kept_by_reset},
    CU_TEST_INFO_NULL,
};

int main(void) {
  int rc = tu_run("x509", tests);
  dx_session_free(sess);
  return rc;
}
