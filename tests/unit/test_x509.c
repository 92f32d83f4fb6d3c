/* X.509 certificates (RFC 5280) decoded by x509.c, on the two public test
 * certificates of tls_testcerts.h. Expected values come from `openssl x509
 * -inform DER -noout -text -fingerprint -sha256` on the same DER (see the
 * header) and from hand reading of the DER bytes (offsets). */
#include "core/dx.h"
#include "testutil.h"
#include "tls_testcerts.h"

#include <string.h>

extern const dx_protocol dx_proto_x509;

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))

static dx_session *sess;

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

static CU_TestInfo tests[] = {
    {"rsa_leaf", test_rsa_leaf},
    {"ec_ca", test_ec_ca},
    {"truncated_and_damaged", test_truncated_and_damaged},
    CU_TEST_INFO_NULL,
};

int main(void) {
  int rc = tu_run("x509", tests);
  dx_session_free(sess);
  return rc;
}
