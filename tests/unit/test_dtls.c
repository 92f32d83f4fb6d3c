/* DTLS (RFC 6347) found by tshark's UDP heuristic: a handshake with a
 * HelloVerifyRequest and its cookie, the ServerHello's version taken as
 * the session's, a Certificate cut into two fragments and reassembled,
 * ChangeCipherSpec and encrypted records of epoch 1, alerts, the CAPWAP
 * DTLS header, datagrams that are no DTLS, and truncation at every length.
 * Hand-made Ethernet/IPv4/UDP frames; the expected values are tshark
 * 4.0's on the same frames (TU_ONLY=... TU_DUMP_PCAP=file, then tshark -V
 * and -T fields on that file). */
#include "netframe.h"
#include "testutil.h"

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))

static uint8_t fb[1024];

/* A record at b: content type, version, epoch, sequence number, payload. */
static size_t rec(uint8_t *b, uint8_t ct, uint16_t ver, uint16_t epoch, uint64_t seq,
                  const uint8_t *pl, size_t n) {
  b[0] = ct;
  b[1] = (uint8_t)(ver >> 8), b[2] = (uint8_t)ver;
  b[3] = (uint8_t)(epoch >> 8), b[4] = (uint8_t)epoch;
  for (int i = 0; i < 6; i++)
    b[5 + i] = (uint8_t)(seq >> (8 * (5 - i)));
  b[11] = (uint8_t)(n >> 8), b[12] = (uint8_t)n;
  memcpy(b + 13, pl, n);
  return 13 + n;
}

static void u24(uint8_t *b, uint32_t v) {
  b[0] = (uint8_t)(v >> 16), b[1] = (uint8_t)(v >> 8), b[2] = (uint8_t)v;
}

/* A handshake message (or fragment) at b: [foff, foff + flen) of body,
 * whose whole length is len. */
static size_t hs(uint8_t *b, uint8_t type, uint32_t len, uint16_t mseq, uint32_t foff,
                 uint32_t flen, const uint8_t *body) {
  b[0] = type;
  u24(b + 1, len);
  b[4] = (uint8_t)(mseq >> 8), b[5] = (uint8_t)mseq;
  u24(b + 6, foff);
  u24(b + 9, flen);
  memcpy(b + 12, body + foff, flen);
  return 12 + flen;
}

/* A ClientHello body: DTLS 1.2, the random 0x10.., no session id, the
 * cookie (ck bytes of 0xc0..), one suite, the null compression, server_name
 * "dtls.example" and use_srtp (profile 1, no MKI). */
static size_t client_hello(uint8_t *b, size_t ck) {
  size_t o = 0;
  b[o++] = 0xfe, b[o++] = 0xfd;
  for (int i = 0; i < 32; i++)
    b[o++] = (uint8_t)(0x10 + i);
  b[o++] = 0; /* session id */
  b[o++] = (uint8_t)ck;
  for (size_t i = 0; i < ck; i++)
    b[o++] = (uint8_t)(0xc0 + i);
  static const uint8_t rest[] = {
      0x00, 0x02, 0xc0, 0x2b, /* TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 */
      0x01, 0x00,             /* compression */
      0x00, 0x1e,             /* extensions */
      0x00, 0x00, 0x00, 0x11, 0x00, 0x0f, 0x00, 0x00, 0x0c, 'd',  't',  'l',  's',  '.',  'e',
      'x',  'a',  'm',  'p',  'l',  'e',  0x00, 0x0e, 0x00, 0x05, 0x00, 0x02, 0x00, 0x01, 0x00};
  memcpy(b + o, rest, sizeof rest);
  return o + sizeof rest;
}

static void test_handshake(void) {
  dx_session *s = NULL;
  uint8_t m[600], body[300], h[400];
  /* frame 1: ClientHello without a cookie */
  size_t bl = client_hello(body, 0);
  size_t hl = hs(h, 1, (uint32_t)bl, 0, 0, (uint32_t)bl, body);
  size_t n = nf_udp4(fb, 0, 40000, 4433, m, rec(m, 22, 0xfeff, 0, 0, h, hl));
  dx_packet *p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "DTLS");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Client Hello");
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:udp:dtls");
  EXPECT(p, "dtls.record.version", "0xfeff");
  EXPECT(p, "dtls.record.epoch", "0");
  EXPECT(p, "dtls.handshake.message_seq", "0");
  EXPECT(p, "dtls.handshake.fragment_length", "74");
  EXPECT(p, "dtls.handshake.cookie_length", "0");
  CU_ASSERT_EQUAL(tu_count(p, "dtls.handshake.cookie"), 0);
  EXPECT(p, "dtls.handshake.extensions_server_name", "dtls.example");
  EXPECT(p, "dtls.use_srtp.protection_profile", "0x0001");
  EXPECT(p, "dtls.handshake.ja3_full", "65277,49195,0-14,,");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "dtls.record"),
                         "DTLS Record Layer: Handshake Protocol: Client Hello");
  dx_packet_free(p);
  /* frame 2: HelloVerifyRequest with a 4-byte cookie */
  static const uint8_t hvr[] = {0xfe, 0xff, 4, 0xc0, 0xc1, 0xc2, 0xc3};
  hl = hs(h, 3, sizeof hvr, 0, 0, sizeof hvr, hvr);
  n = nf_udp4(fb, 1, 4433, 40000, m, rec(m, 22, 0xfeff, 0, 0, h, hl));
  p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "DTLSv1.0");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Hello Verify Request");
  EXPECT(p, "dtls.handshake.version", "0xfeff");
  EXPECT(p, "dtls.handshake.cookie", "c0c1c2c3");
  dx_packet_free(p);
  /* frame 3: ClientHello with the cookie, sequence 1 */
  bl = client_hello(body, 4);
  hl = hs(h, 1, (uint32_t)bl, 1, 0, (uint32_t)bl, body);
  n = nf_udp4(fb, 0, 40000, 4433, m, rec(m, 22, 0xfeff, 0, 1, h, hl));
  p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "DTLSv1.0");
  EXPECT(p, "dtls.record.sequence_number", "1");
  EXPECT(p, "dtls.handshake.cookie", "c0c1c2c3");
  EXPECT(p, "dtls.handshake.ja3_full", "65277,49195,0-14,,");
  dx_packet_free(p);
  /* frame 4: ServerHello (DTLS 1.2) and the first fragment of a
   * Certificate (an empty list: 3 bytes, cut 2 + 1) */
  uint8_t sh[70];
  size_t so = 0;
  sh[so++] = 0xfe, sh[so++] = 0xfd;
  for (int i = 0; i < 32; i++)
    sh[so++] = (uint8_t)(0x60 + i);
  sh[so++] = 0;                       /* session id */
  sh[so++] = 0xc0, sh[so++] = 0x2b;   /* suite */
  sh[so++] = 0;                       /* compression */
  static const uint8_t cert[3] = {0}; /* certificates_length 0 */
  size_t ml = rec(m, 22, 0xfeff, 0, 1, h, hs(h, 2, (uint32_t)so, 1, 0, (uint32_t)so, sh));
  ml += rec(m + ml, 22, 0xfeff, 0, 2, h, hs(h, 11, 3, 2, 0, 2, cert));
  n = nf_udp4(fb, 1, 4433, 40000, m, ml);
  p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "DTLSv1.2");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Server Hello, Certificate (Fragment)");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "dtls.record"),
                         "DTLSv1.0 Record Layer: Handshake Protocol: Server Hello");
  EXPECT(p, "dtls.handshake.ja3s_full", "65277,49195,");
  CU_ASSERT_EQUAL(tu_count(p, "dtls.handshake.certificates_length"), 0);
  dx_packet_free(p);
  /* frame 5: the last fragment, and ServerHelloDone */
  ml = rec(m, 22, 0xfeff, 0, 3, h, hs(h, 11, 3, 2, 2, 1, cert));
  ml += rec(m + ml, 22, 0xfeff, 0, 4, h, hs(h, 14, 0, 3, 0, 0, cert));
  n = nf_udp4(fb, 1, 4433, 40000, m, ml);
  p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "DTLSv1.2");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Certificate (Reassembled), Server Hello Done");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "dtls.record"),
                         "DTLSv1.2 Record Layer: Handshake Protocol: Certificate (Reassembled)");
  EXPECT(p, "dtls.handshake.fragment_offset", "2");
  EXPECT(p, "dtls.handshake.certificates_length", "0");
  EXPECT(p, "dtls.fragment.count", "2");
  EXPECT(p, "dtls.reassembled.length", "3");
  EXPECT(p, "dtls.fragment", "4");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "dtls.fragment", 1), "5");
  dx_packet_free(p);
  /* frame 6: ChangeCipherSpec and Finished of epoch 1 */
  static const uint8_t one = 1;
  uint8_t enc[40];
  for (size_t i = 0; i < sizeof enc; i++)
    enc[i] = (uint8_t)(0x91 * i + 3);
  ml = rec(m, 20, 0xfefd, 0, 2, &one, 1);
  ml += rec(m + ml, 22, 0xfefd, 1, 0, enc, sizeof enc);
  n = nf_udp4(fb, 0, 40000, 4433, m, ml);
  p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Change Cipher Spec, Encrypted Handshake Message");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "dtls.record.epoch", 1), "1");
  dx_packet_free(p);
  /* frame 7: application data; frame 8: an encrypted alert */
  n = nf_udp4(fb, 0, 40000, 4433, m, rec(m, 23, 0xfefd, 1, 1, enc, sizeof enc));
  p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Application Data");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "DTLSv1.2");
  CU_ASSERT_EQUAL(tu_count(p, "dtls.app_data"), 1);
  dx_packet_free(p);
  n = nf_udp4(fb, 1, 4433, 40000, m, rec(m, 21, 0xfefd, 1, 5, enc, 26));
  p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Encrypted Alert");
  dx_packet_free(p);
  dx_session_free(s);
}

/* An alert in clear, on a registered port (5684) with OpenSSL's old
 * version; datagrams that are no DTLS; the CAPWAP DTLS header. */
static void test_alert_capwap_and_others(void) {
  dx_session *s = NULL;
  uint8_t m[100];
  static const uint8_t alert[] = {2, 40};
  size_t n = nf_udp4(fb, 0, 40002, 5684, m, rec(m, 21, 0x0100, 0, 7, alert, 2));
  dx_packet *p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "DTLS 1.0 (OpenSSL pre 0.9.8f)");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Alert (Level: Fatal, Description: Handshake Failure)");
  EXPECT(p, "dtls.alert_message.desc", "40");
  EXPECT(p, "dtls.record.sequence_number", "7");
  dx_packet_free(p);
  /* TLS's version, or a record that does not fill the datagram: no DTLS */
  n = nf_udp4(fb, 0, 40003, 4444, m, rec(m, 21, 0x0303, 0, 7, alert, 2));
  p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_EQUAL(tu_count(p, "dtls"), 0);
  dx_packet_free(p);
  size_t ml = rec(m, 21, 0xfeff, 0, 7, alert, 2);
  m[ml++] = 0;
  n = nf_udp4(fb, 0, 40003, 4444, m, ml);
  p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_EQUAL(tu_count(p, "dtls"), 0);
  dx_packet_free(p);
  /* CAPWAP control: the DTLS header, then the records */
  m[0] = 0x01, m[1] = m[2] = m[3] = 0;
  uint8_t enc[24];
  memset(enc, 0x5a, sizeof enc);
  ml = 4 + rec(m + 4, 21, 0xfeff, 1, 1, enc, sizeof enc);
  n = nf_udp4(fb, 1, 5246, 12379, m, ml);
  p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "DTLSv1.0");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Encrypted Alert");
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:udp:capwap:dtls");
  EXPECT(p, "capwap.preamble.type", "1");
  EXPECT(p, "capwap.preamble.reserved", "0");
  dx_packet_free(p);
  dx_session_free(s);
}

/* A frame cut at every length keeps what it has: no crash, no over-read
 * (run under AddressSanitizer too). */
static void test_truncation(void) {
  uint8_t m[600], body[300], h[400];
  size_t bl = client_hello(body, 4);
  size_t hl = hs(h, 1, (uint32_t)bl, 1, 0, (uint32_t)bl, body);
  size_t ml = rec(m, 22, 0xfeff, 0, 1, h, hl);
  ml += rec(m + ml, 22, 0xfeff, 0, 2, h, hs(h, 11, 300, 2, 100, 20, body));
  size_t n = nf_udp4(fb, 0, 40000, 853, m, ml);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
  /* a fragment whose offset and length run past the message */
  ml = rec(m, 22, 0xfeff, 0, 2, h, hs(h, 11, 10, 2, 8, 20, body));
  n = nf_udp4(fb, 0, 40000, 853, m, ml);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
}

int main(void) {
  CU_TestInfo tests[] = {
      {"handshake, cookie, fragments, epoch 1", test_handshake},
      {"alert, CAPWAP, not DTLS", test_alert_capwap_and_others},
      {"truncation", test_truncation},
      CU_TEST_INFO_NULL,
  };
  return tu_run("dtls", tests);
}
