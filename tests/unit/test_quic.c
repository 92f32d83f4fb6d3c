/* QUIC (RFC 9000, RFC 9001) and TLS inside it, from the sample packets of
 * RFC 9001 Appendix A: the Initial keys of A.1 (a known-answer test of the
 * key derivation), the client Initial of A.2 (1200 bytes, ClientHello with
 * SNI example.com) and the server Initial of A.3 (ServerHello). Expected
 * values are the RFC's (and RFC 9369 A.1's for the v2 keys); the same two frames give the same
 * fields in tshark 4.0 (quic.packet_number 2 and 1, SNI example.com, suites 0x1301,0x1302, then
 * 0x1301, SCID f067a5502a4262b5). */
#include "../../libdissect/proto/quic.h"
#include "tcpframe.h"
#include "testutil.h"

#include <openssl/evp.h>
#include <string.h>

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))

/* RFC 9001 A.2 and A.3 (the protected packets, as printed in the RFC) */
static const uint8_t rfc9001_a2[1200] = {
    0xc0, 0x00, 0x00, 0x00, 0x01, 0x08, 0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08, 0x00, 0x00,
    0x44, 0x9e, 0x7b, 0x9a, 0xec, 0x34, 0xd1, 0xb1, 0xc9, 0x8d, 0xd7, 0x68, 0x9f, 0xb8, 0xec, 0x11,
    0xd2, 0x42, 0xb1, 0x23, 0xdc, 0x9b, 0xd8, 0xba, 0xb9, 0x36, 0xb4, 0x7d, 0x92, 0xec, 0x35, 0x6c,
    0x0b, 0xab, 0x7d, 0xf5, 0x97, 0x6d, 0x27, 0xcd, 0x44, 0x9f, 0x63, 0x30, 0x00, 0x99, 0xf3, 0x99,
    0x1c, 0x26, 0x0e, 0xc4, 0xc6, 0x0d, 0x17, 0xb3, 0x1f, 0x84, 0x29, 0x15, 0x7b, 0xb3, 0x5a, 0x12,
    0x82, 0xa6, 0x43, 0xa8, 0xd2, 0x26, 0x2c, 0xad, 0x67, 0x50, 0x0c, 0xad, 0xb8, 0xe7, 0x37, 0x8c,
    0x8e, 0xb7, 0x53, 0x9e, 0xc4, 0xd4, 0x90, 0x5f, 0xed, 0x1b, 0xee, 0x1f, 0xc8, 0xaa, 0xfb, 0xa1,
    0x7c, 0x75, 0x0e, 0x2c, 0x7a, 0xce, 0x01, 0xe6, 0x00, 0x5f, 0x80, 0xfc, 0xb7, 0xdf, 0x62, 0x12,
    0x30, 0xc8, 0x37, 0x11, 0xb3, 0x93, 0x43, 0xfa, 0x02, 0x8c, 0xea, 0x7f, 0x7f, 0xb5, 0xff, 0x89,
    0xea, 0xc2, 0x30, 0x82, 0x49, 0xa0, 0x22, 0x52, 0x15, 0x5e, 0x23, 0x47, 0xb6, 0x3d, 0x58, 0xc5,
    0x45, 0x7a, 0xfd, 0x84, 0xd0, 0x5d, 0xff, 0xfd, 0xb2, 0x03, 0x92, 0x84, 0x4a, 0xe8, 0x12, 0x15,
    0x46, 0x82, 0xe9, 0xcf, 0x01, 0x2f, 0x90, 0x21, 0xa6, 0xf0, 0xbe, 0x17, 0xdd, 0xd0, 0xc2, 0x08,
    0x4d, 0xce, 0x25, 0xff, 0x9b, 0x06, 0xcd, 0xe5, 0x35, 0xd0, 0xf9, 0x20, 0xa2, 0xdb, 0x1b, 0xf3,
    0x62, 0xc2, 0x3e, 0x59, 0x6d, 0x11, 0xa4, 0xf5, 0xa6, 0xcf, 0x39, 0x48, 0x83, 0x8a, 0x3a, 0xec,
    0x4e, 0x15, 0xda, 0xf8, 0x50, 0x0a, 0x6e, 0xf6, 0x9e, 0xc4, 0xe3, 0xfe, 0xb6, 0xb1, 0xd9, 0x8e,
    0x61, 0x0a, 0xc8, 0xb7, 0xec, 0x3f, 0xaf, 0x6a, 0xd7, 0x60, 0xb7, 0xba, 0xd1, 0xdb, 0x4b, 0xa3,
    0x48, 0x5e, 0x8a, 0x94, 0xdc, 0x25, 0x0a, 0xe3, 0xfd, 0xb4, 0x1e, 0xd1, 0x5f, 0xb6, 0xa8, 0xe5,
    0xeb, 0xa0, 0xfc, 0x3d, 0xd6, 0x0b, 0xc8, 0xe3, 0x0c, 0x5c, 0x42, 0x87, 0xe5, 0x38, 0x05, 0xdb,
    0x05, 0x9a, 0xe0, 0x64, 0x8d, 0xb2, 0xf6, 0x42, 0x64, 0xed, 0x5e, 0x39, 0xbe, 0x2e, 0x20, 0xd8,
    0x2d, 0xf5, 0x66, 0xda, 0x8d, 0xd5, 0x99, 0x8c, 0xca, 0xbd, 0xae, 0x05, 0x30, 0x60, 0xae, 0x6c,
    0x7b, 0x43, 0x78, 0xe8, 0x46, 0xd2, 0x9f, 0x37, 0xed, 0x7b, 0x4e, 0xa9, 0xec, 0x5d, 0x82, 0xe7,
    0x96, 0x1b, 0x7f, 0x25, 0xa9, 0x32, 0x38, 0x51, 0xf6, 0x81, 0xd5, 0x82, 0x36, 0x3a, 0xa5, 0xf8,
    0x99, 0x37, 0xf5, 0xa6, 0x72, 0x58, 0xbf, 0x63, 0xad, 0x6f, 0x1a, 0x0b, 0x1d, 0x96, 0xdb, 0xd4,
    0xfa, 0xdd, 0xfc, 0xef, 0xc5, 0x26, 0x6b, 0xa6, 0x61, 0x17, 0x22, 0x39, 0x5c, 0x90, 0x65, 0x56,
    0xbe, 0x52, 0xaf, 0xe3, 0xf5, 0x65, 0x63, 0x6a, 0xd1, 0xb1, 0x7d, 0x50, 0x8b, 0x73, 0xd8, 0x74,
    0x3e, 0xeb, 0x52, 0x4b, 0xe2, 0x2b, 0x3d, 0xcb, 0xc2, 0xc7, 0x46, 0x8d, 0x54, 0x11, 0x9c, 0x74,
    0x68, 0x44, 0x9a, 0x13, 0xd8, 0xe3, 0xb9, 0x58, 0x11, 0xa1, 0x98, 0xf3, 0x49, 0x1d, 0xe3, 0xe7,
    0xfe, 0x94, 0x2b, 0x33, 0x04, 0x07, 0xab, 0xf8, 0x2a, 0x4e, 0xd7, 0xc1, 0xb3, 0x11, 0x66, 0x3a,
    0xc6, 0x98, 0x90, 0xf4, 0x15, 0x70, 0x15, 0x85, 0x3d, 0x91, 0xe9, 0x23, 0x03, 0x7c, 0x22, 0x7a,
    0x33, 0xcd, 0xd5, 0xec, 0x28, 0x1c, 0xa3, 0xf7, 0x9c, 0x44, 0x54, 0x6b, 0x9d, 0x90, 0xca, 0x00,
    0xf0, 0x64, 0xc9, 0x9e, 0x3d, 0xd9, 0x79, 0x11, 0xd3, 0x9f, 0xe9, 0xc5, 0xd0, 0xb2, 0x3a, 0x22,
    0x9a, 0x23, 0x4c, 0xb3, 0x61, 0x86, 0xc4, 0x81, 0x9e, 0x8b, 0x9c, 0x59, 0x27, 0x72, 0x66, 0x32,
    0x29, 0x1d, 0x6a, 0x41, 0x82, 0x11, 0xcc, 0x29, 0x62, 0xe2, 0x0f, 0xe4, 0x7f, 0xeb, 0x3e, 0xdf,
    0x33, 0x0f, 0x2c, 0x60, 0x3a, 0x9d, 0x48, 0xc0, 0xfc, 0xb5, 0x69, 0x9d, 0xbf, 0xe5, 0x89, 0x64,
    0x25, 0xc5, 0xba, 0xc4, 0xae, 0xe8, 0x2e, 0x57, 0xa8, 0x5a, 0xaf, 0x4e, 0x25, 0x13, 0xe4, 0xf0,
    0x57, 0x96, 0xb0, 0x7b, 0xa2, 0xee, 0x47, 0xd8, 0x05, 0x06, 0xf8, 0xd2, 0xc2, 0x5e, 0x50, 0xfd,
    0x14, 0xde, 0x71, 0xe6, 0xc4, 0x18, 0x55, 0x93, 0x02, 0xf9, 0x39, 0xb0, 0xe1, 0xab, 0xd5, 0x76,
    0xf2, 0x79, 0xc4, 0xb2, 0xe0, 0xfe, 0xb8, 0x5c, 0x1f, 0x28, 0xff, 0x18, 0xf5, 0x88, 0x91, 0xff,
    0xef, 0x13, 0x2e, 0xef, 0x2f, 0xa0, 0x93, 0x46, 0xae, 0xe3, 0x3c, 0x28, 0xeb, 0x13, 0x0f, 0xf2,
    0x8f, 0x5b, 0x76, 0x69, 0x53, 0x33, 0x41, 0x13, 0x21, 0x19, 0x96, 0xd2, 0x00, 0x11, 0xa1, 0x98,
    0xe3, 0xfc, 0x43, 0x3f, 0x9f, 0x25, 0x41, 0x01, 0x0a, 0xe1, 0x7c, 0x1b, 0xf2, 0x02, 0x58, 0x0f,
    0x60, 0x47, 0x47, 0x2f, 0xb3, 0x68, 0x57, 0xfe, 0x84, 0x3b, 0x19, 0xf5, 0x98, 0x40, 0x09, 0xdd,
    0xc3, 0x24, 0x04, 0x4e, 0x84, 0x7a, 0x4f, 0x4a, 0x0a, 0xb3, 0x4f, 0x71, 0x95, 0x95, 0xde, 0x37,
    0x25, 0x2d, 0x62, 0x35, 0x36, 0x5e, 0x9b, 0x84, 0x39, 0x2b, 0x06, 0x10, 0x85, 0x34, 0x9d, 0x73,
    0x20, 0x3a, 0x4a, 0x13, 0xe9, 0x6f, 0x54, 0x32, 0xec, 0x0f, 0xd4, 0xa1, 0xee, 0x65, 0xac, 0xcd,
    0xd5, 0xe3, 0x90, 0x4d, 0xf5, 0x4c, 0x1d, 0xa5, 0x10, 0xb0, 0xff, 0x20, 0xdc, 0xc0, 0xc7, 0x7f,
    0xcb, 0x2c, 0x0e, 0x0e, 0xb6, 0x05, 0xcb, 0x05, 0x04, 0xdb, 0x87, 0x63, 0x2c, 0xf3, 0xd8, 0xb4,
    0xda, 0xe6, 0xe7, 0x05, 0x76, 0x9d, 0x1d, 0xe3, 0x54, 0x27, 0x01, 0x23, 0xcb, 0x11, 0x45, 0x0e,
    0xfc, 0x60, 0xac, 0x47, 0x68, 0x3d, 0x7b, 0x8d, 0x0f, 0x81, 0x13, 0x65, 0x56, 0x5f, 0xd9, 0x8c,
    0x4c, 0x8e, 0xb9, 0x36, 0xbc, 0xab, 0x8d, 0x06, 0x9f, 0xc3, 0x3b, 0xd8, 0x01, 0xb0, 0x3a, 0xde,
    0xa2, 0xe1, 0xfb, 0xc5, 0xaa, 0x46, 0x3d, 0x08, 0xca, 0x19, 0x89, 0x6d, 0x2b, 0xf5, 0x9a, 0x07,
    0x1b, 0x85, 0x1e, 0x6c, 0x23, 0x90, 0x52, 0x17, 0x2f, 0x29, 0x6b, 0xfb, 0x5e, 0x72, 0x40, 0x47,
    0x90, 0xa2, 0x18, 0x10, 0x14, 0xf3, 0xb9, 0x4a, 0x4e, 0x97, 0xd1, 0x17, 0xb4, 0x38, 0x13, 0x03,
    0x68, 0xcc, 0x39, 0xdb, 0xb2, 0xd1, 0x98, 0x06, 0x5a, 0xe3, 0x98, 0x65, 0x47, 0x92, 0x6c, 0xd2,
    0x16, 0x2f, 0x40, 0xa2, 0x9f, 0x0c, 0x3c, 0x87, 0x45, 0xc0, 0xf5, 0x0f, 0xba, 0x38, 0x52, 0xe5,
    0x66, 0xd4, 0x45, 0x75, 0xc2, 0x9d, 0x39, 0xa0, 0x3f, 0x0c, 0xda, 0x72, 0x19, 0x84, 0xb6, 0xf4,
    0x40, 0x59, 0x1f, 0x35, 0x5e, 0x12, 0xd4, 0x39, 0xff, 0x15, 0x0a, 0xab, 0x76, 0x13, 0x49, 0x9d,
    0xbd, 0x49, 0xad, 0xab, 0xc8, 0x67, 0x6e, 0xef, 0x02, 0x3b, 0x15, 0xb6, 0x5b, 0xfc, 0x5c, 0xa0,
    0x69, 0x48, 0x10, 0x9f, 0x23, 0xf3, 0x50, 0xdb, 0x82, 0x12, 0x35, 0x35, 0xeb, 0x8a, 0x74, 0x33,
    0xbd, 0xab, 0xcb, 0x90, 0x92, 0x71, 0xa6, 0xec, 0xbc, 0xb5, 0x8b, 0x93, 0x6a, 0x88, 0xcd, 0x4e,
    0x8f, 0x2e, 0x6f, 0xf5, 0x80, 0x01, 0x75, 0xf1, 0x13, 0x25, 0x3d, 0x8f, 0xa9, 0xca, 0x88, 0x85,
    0xc2, 0xf5, 0x52, 0xe6, 0x57, 0xdc, 0x60, 0x3f, 0x25, 0x2e, 0x1a, 0x8e, 0x30, 0x8f, 0x76, 0xf0,
    0xbe, 0x79, 0xe2, 0xfb, 0x8f, 0x5d, 0x5f, 0xbb, 0xe2, 0xe3, 0x0e, 0xca, 0xdd, 0x22, 0x07, 0x23,
    0xc8, 0xc0, 0xae, 0xa8, 0x07, 0x8c, 0xdf, 0xcb, 0x38, 0x68, 0x26, 0x3f, 0xf8, 0xf0, 0x94, 0x00,
    0x54, 0xda, 0x48, 0x78, 0x18, 0x93, 0xa7, 0xe4, 0x9a, 0xd5, 0xaf, 0xf4, 0xaf, 0x30, 0x0c, 0xd8,
    0x04, 0xa6, 0xb6, 0x27, 0x9a, 0xb3, 0xff, 0x3a, 0xfb, 0x64, 0x49, 0x1c, 0x85, 0x19, 0x4a, 0xab,
    0x76, 0x0d, 0x58, 0xa6, 0x06, 0x65, 0x4f, 0x9f, 0x44, 0x00, 0xe8, 0xb3, 0x85, 0x91, 0x35, 0x6f,
    0xbf, 0x64, 0x25, 0xac, 0xa2, 0x6d, 0xc8, 0x52, 0x44, 0x25, 0x9f, 0xf2, 0xb1, 0x9c, 0x41, 0xb9,
    0xf9, 0x6f, 0x3c, 0xa9, 0xec, 0x1d, 0xde, 0x43, 0x4d, 0xa7, 0xd2, 0xd3, 0x92, 0xb9, 0x05, 0xdd,
    0xf3, 0xd1, 0xf9, 0xaf, 0x93, 0xd1, 0xaf, 0x59, 0x50, 0xbd, 0x49, 0x3f, 0x5a, 0xa7, 0x31, 0xb4,
    0x05, 0x6d, 0xf3, 0x1b, 0xd2, 0x67, 0xb6, 0xb9, 0x0a, 0x07, 0x98, 0x31, 0xaa, 0xf5, 0x79, 0xbe,
    0x0a, 0x39, 0x01, 0x31, 0x37, 0xaa, 0xc6, 0xd4, 0x04, 0xf5, 0x18, 0xcf, 0xd4, 0x68, 0x40, 0x64,
    0x7e, 0x78, 0xbf, 0xe7, 0x06, 0xca, 0x4c, 0xf5, 0xe9, 0xc5, 0x45, 0x3e, 0x9f, 0x7c, 0xfd, 0x2b,
    0x8b, 0x4c, 0x8d, 0x16, 0x9a, 0x44, 0xe5, 0x5c, 0x88, 0xd4, 0xa9, 0xa7, 0xf9, 0x47, 0x42, 0x41,
    0xe2, 0x21, 0xaf, 0x44, 0x86, 0x00, 0x18, 0xab, 0x08, 0x56, 0x97, 0x2e, 0x19, 0x4c, 0xd9, 0x34,
};
static const uint8_t rfc9001_a3[135] = {
    0xcf, 0x00, 0x00, 0x00, 0x01, 0x00, 0x08, 0xf0, 0x67, 0xa5, 0x50, 0x2a, 0x42, 0x62, 0xb5,
    0x00, 0x40, 0x75, 0xc0, 0xd9, 0x5a, 0x48, 0x2c, 0xd0, 0x99, 0x1c, 0xd2, 0x5b, 0x0a, 0xac,
    0x40, 0x6a, 0x58, 0x16, 0xb6, 0x39, 0x41, 0x00, 0xf3, 0x7a, 0x1c, 0x69, 0x79, 0x75, 0x54,
    0x78, 0x0b, 0xb3, 0x8c, 0xc5, 0xa9, 0x9f, 0x5e, 0xde, 0x4c, 0xf7, 0x3c, 0x3e, 0xc2, 0x49,
    0x3a, 0x18, 0x39, 0xb3, 0xdb, 0xcb, 0xa3, 0xf6, 0xea, 0x46, 0xc5, 0xb7, 0x68, 0x4d, 0xf3,
    0x54, 0x8e, 0x7d, 0xde, 0xb9, 0xc3, 0xbf, 0x9c, 0x73, 0xcc, 0x3f, 0x3b, 0xde, 0xd7, 0x4b,
    0x56, 0x2b, 0xfb, 0x19, 0xfb, 0x84, 0x02, 0x2f, 0x8e, 0xf4, 0xcd, 0xd9, 0x37, 0x95, 0xd7,
    0x7d, 0x06, 0xed, 0xbb, 0x7a, 0xaf, 0x2f, 0x58, 0x89, 0x18, 0x50, 0xab, 0xbd, 0xca, 0x3d,
    0x20, 0x39, 0x8c, 0x27, 0x64, 0x56, 0xcb, 0xc4, 0x21, 0x58, 0x40, 0x7d, 0xd0, 0x74, 0xee,
};

static uint8_t fb[2048];

static void unhex(const char *h, uint8_t *out, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned v = 0;
    sscanf(h + 2 * i, "%2x", &v);
    out[i] = (uint8_t)v;
  }
}

static void test_initial_keys(void) {
  static const uint8_t dcid[8] = {0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08};
  uint8_t key[16], iv[12], hp[16], want[16];
  CU_ASSERT_FATAL(dx_quic_initial_keys(1, dcid, 8, 0, key, iv, hp));
  unhex("1f369613dd76d5467730efcbe3b1a22d", want, 16);
  CU_ASSERT_EQUAL(memcmp(key, want, 16), 0);
  unhex("fa044b2f42a3fd3b46fb255c", want, 12);
  CU_ASSERT_EQUAL(memcmp(iv, want, 12), 0);
  unhex("9f50449e04a0e810283a1e9933adedd2", want, 16);
  CU_ASSERT_EQUAL(memcmp(hp, want, 16), 0);
  CU_ASSERT_FATAL(dx_quic_initial_keys(1, dcid, 8, 1, key, iv, hp));
  unhex("cf3a5331653c364c88f0f379b6067e37", want, 16);
  CU_ASSERT_EQUAL(memcmp(key, want, 16), 0);
  unhex("0ac1493ca1905853b0bba03e", want, 12);
  CU_ASSERT_EQUAL(memcmp(iv, want, 12), 0);
  unhex("c206b8d9b9f0f37644430b490eeaa314", want, 16);
  CU_ASSERT_EQUAL(memcmp(hp, want, 16), 0);
  /* RFC 9369 A.1: the same DCID in QUIC v2 */
  CU_ASSERT_FATAL(dx_quic_initial_keys(0x6b3343cf, dcid, 8, 0, key, iv, hp));
  unhex("8b1a0bc121284290a29e0971b5cd045d", want, 16);
  CU_ASSERT_EQUAL(memcmp(key, want, 16), 0);
  unhex("91f73e2351d8fa91660e909f", want, 12);
  CU_ASSERT_EQUAL(memcmp(iv, want, 12), 0);
  unhex("45b95e15235d6f45a6b19cbcb0294ba9", want, 16);
  CU_ASSERT_EQUAL(memcmp(hp, want, 16), 0);
  CU_ASSERT_FATAL(dx_quic_initial_keys(0x6b3343cf, dcid, 8, 1, key, iv, hp));
  unhex("82db637861d55e1d011f19ea71d5d2a7", want, 16);
  CU_ASSERT_EQUAL(memcmp(key, want, 16), 0);
  unhex("dd13c276499c0249d3310652", want, 12);
  CU_ASSERT_EQUAL(memcmp(iv, want, 12), 0);
  unhex("edf6d05c83121201b436e16877593c3a", want, 16);
  CU_ASSERT_EQUAL(memcmp(hp, want, 16), 0);
  /* draft-ietf-quic-tls-23 A.1 (drafts 23 to 28 share its salt): the same
   * DCID in draft-27, and in mvfst's draft-27-based version as tshark 4.0
   * reads it */
  static const uint32_t d23[] = {0xff00001b, 0xfaceb002};
  for (size_t i = 0; i < 2; i++) {
    CU_ASSERT_FATAL(dx_quic_initial_keys(d23[i], dcid, 8, 0, key, iv, hp));
    unhex("af7fd7efebd21878ff66811248983694", want, 16);
    CU_ASSERT_EQUAL(memcmp(key, want, 16), 0);
    unhex("8681359410a70bb9c92f0420", want, 12);
    CU_ASSERT_EQUAL(memcmp(iv, want, 12), 0);
    unhex("a980b8b4fb7d9fbc13e814c23164253d", want, 16);
    CU_ASSERT_EQUAL(memcmp(hp, want, 16), 0);
    CU_ASSERT_FATAL(dx_quic_initial_keys(d23[i], dcid, 8, 1, key, iv, hp));
    unhex("5d51da9ee897a21b2659ccc7e5bfa577", want, 16);
    CU_ASSERT_EQUAL(memcmp(key, want, 16), 0);
    unhex("5e5ae651fd1e8495af13508b", want, 12);
    CU_ASSERT_EQUAL(memcmp(iv, want, 12), 0);
    unhex("a8ed82e6664f865aedf6106943f95fb8", want, 16);
    CU_ASSERT_EQUAL(memcmp(hp, want, 16), 0);
  }
  /* draft-ietf-quic-tls-29 A.1: draft-29, and a version of the 0x?a?a?a?a
   * form (forcing a version negotiation), which tshark 4.0 reads as
   * draft-29 */
  static const uint32_t d29[] = {0xff00001d, 0x1a2a3a4a};
  for (size_t i = 0; i < 2; i++) {
    CU_ASSERT_FATAL(dx_quic_initial_keys(d29[i], dcid, 8, 0, key, iv, hp));
    unhex("175257a31eb09dea9366d8bb79ad80ba", want, 16);
    CU_ASSERT_EQUAL(memcmp(key, want, 16), 0);
    unhex("6b26114b9cba2b63a9e8dd4f", want, 12);
    CU_ASSERT_EQUAL(memcmp(iv, want, 12), 0);
    unhex("9ddd12c994c0698b89374a9c077a3077", want, 16);
    CU_ASSERT_EQUAL(memcmp(hp, want, 16), 0);
    CU_ASSERT_FATAL(dx_quic_initial_keys(d29[i], dcid, 8, 1, key, iv, hp));
    unhex("149d0b1662ab871fbe63c49b5e655a5d", want, 16);
    CU_ASSERT_EQUAL(memcmp(key, want, 16), 0);
    unhex("bab2b12a4c76016ace47856d", want, 12);
    CU_ASSERT_EQUAL(memcmp(iv, want, 12), 0);
    unhex("c0c499a65a60024a18a250974ea01dfa", want, 16);
    CU_ASSERT_EQUAL(memcmp(hp, want, 16), 0);
  }
  /* drafts 33 and 34 use v1's salt */
  uint8_t key1[16];
  CU_ASSERT_FATAL(dx_quic_initial_keys(1, dcid, 8, 0, key1, iv, hp));
  CU_ASSERT_FATAL(dx_quic_initial_keys(0xff000022, dcid, 8, 0, key, iv, hp));
  CU_ASSERT_EQUAL(memcmp(key, key1, 16), 0);
  /* a version of no known draft has no Initial keys */
  CU_ASSERT(!dx_quic_initial_keys(0x12345678, dcid, 8, 0, key, iv, hp));
}

static void test_rfc_initials(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  size_t n = tf_udp(fb, 1, 51000, 443, rfc9001_a2, sizeof rfc9001_a2, 0);
  dx_packet *p = tf_feed(s, fb, n, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "quic.version", "0x00000001");
  EXPECT(p, "quic.dcid", "8394c8f03e515708");
  EXPECT(p, "quic.packet_number", "2");
  EXPECT(p, "quic.packet_number_length", "3");
  EXPECT(p, "quic.connection.number", "0");
  EXPECT(p, "quic.crypto.offset", "0");
  EXPECT(p, "quic.crypto.length", "241");
  EXPECT(p, "tls.handshake.type", "1");
  EXPECT(p, "tls.handshake.extensions_server_name", "example.com");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "tls.handshake.ciphersuite", 0), "0x1301");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "tls.handshake.ciphersuite", 1), "0x1302");
  EXPECT(p, "tls.quic.parameter.initial_source_connection_id", "8394c8f03e515708");
  EXPECT(p, "tls.quic.parameter.initial_max_streams_uni", "16");
  /* 1162 bytes of PADDING after the 245-byte CRYPTO frame (A.2: 917 + ...) */
  CU_ASSERT_EQUAL(tu_count(p, "quic.padding_length"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "quic.decryption_failed"), 0);
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "QUIC");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Initial, DCID=8394c8f03e515708, PKN: 2, CRYPTO, PADDING");
  dx_packet_free(p);

  n = tf_udp(fb, 0, 51000, 443, rfc9001_a3, sizeof rfc9001_a3, 0);
  p = tf_feed(s, fb, n, 1000);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "quic.scid", "f067a5502a4262b5");
  EXPECT(p, "quic.packet_number", "1");
  EXPECT(p, "quic.connection.number", "0");
  EXPECT(p, "quic.ack.largest_acknowledged", "0");
  EXPECT(p, "tls.handshake.type", "2");
  EXPECT(p, "tls.handshake.ciphersuite", "0x1301");
  EXPECT(p, "tls.handshake.extensions.supported_version", "0x0304");
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  dx_session_free(s);
}

/* A byte changed in the ciphertext: the tag check fails, the tree says so,
 * nothing else is read from the payload. */
static void test_tampered(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  uint8_t bad[sizeof rfc9001_a2];
  memcpy(bad, rfc9001_a2, sizeof bad);
  bad[600] ^= 0x01;
  size_t n = tf_udp(fb, 1, 51000, 443, bad, sizeof bad, 0);
  dx_packet *p = tf_feed(s, fb, n, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(tu_count(p, "quic.decryption_failed"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "quic.remaining_payload"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "tls.handshake.type"), 0);
  EXPECT(p, "quic.packet_number", "2"); /* header protection was removed all the same */
  dx_packet_free(p);
  dx_session_free(s);
}

/* Every prefix of the client Initial: no crash, each one marked. */
static void test_truncated(void) {
  size_t n = tf_udp(fb, 1, 51000, 443, rfc9001_a2, sizeof rfc9001_a2, 0);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
  n = tf_udp(fb, 1, 51000, 443, rfc9001_a3, sizeof rfc9001_a3, 0);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
}

/* Long headers with impossible lengths, unknown versions, short headers
 * of no known connection, Version Negotiation: never a crash. */
static void test_hostile(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  /* connection id length 255 */
  uint8_t h1[] = {0xc0, 0, 0, 0, 1, 0xff, 1, 2, 3};
  dx_packet *p = tf_feed(s, fb, tf_udp(fb, 1, 5000, 443, h1, sizeof h1, 0), 0);
  CU_ASSERT(tu_any_flag(p, DX_NODE_TRUNCATED | DX_NODE_MALFORMED));
  dx_packet_free(p);
  /* Initial whose Length runs past the datagram */
  uint8_t h2[64] = {0xc0, 0, 0, 0, 1, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0x7f, 0xff};
  p = tf_feed(s, fb, tf_udp(fb, 1, 5001, 443, h2, sizeof h2, 0), 10);
  CU_ASSERT(tu_any_flag(p, DX_NODE_MALFORMED));
  dx_packet_free(p);
  /* Version Negotiation with an odd tail */
  uint8_t h3[] = {0x80, 0, 0, 0, 0, 4, 1, 2, 3, 4, 0, 0, 0, 0, 1, 0xff};
  p = tf_feed(s, fb, tf_udp(fb, 0, 5001, 443, h3, sizeof h3, 0), 20);
  CU_ASSERT_PTR_NOT_NULL(p);
  dx_packet_free(p);
  /* a short header nobody knows: left to UDP, as tshark does */
  uint8_t h4[40] = {0x40, 9, 9, 9, 9};
  p = tf_feed(s, fb, tf_udp(fb, 1, 5002, 443, h4, sizeof h4, 0), 30);
  CU_ASSERT_EQUAL(tu_count(p, "quic"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "data.len"), 1);
  dx_packet_free(p);
  dx_session_free(s);
}

/* A client Initial of version 1 to the DCID dcid (8 bytes), packet number
 * pn (2 bytes), protected with the Initial keys around the plaintext
 * frames pt. */
static size_t client_initial_v(uint32_t version, const uint8_t dcid[8], uint16_t pn,
                               const uint8_t *pt, size_t ptlen, uint8_t *out) {
  uint8_t key[16], iv[12], hp[16];
  CU_ASSERT_FATAL(dx_quic_initial_keys(version, dcid, 8, 0, key, iv, hp));
  size_t h = 0, plen = 2 + ptlen + 16;
  out[h++] = 0xc1; /* long header, Initial, 2-byte packet number */
  out[h++] = (uint8_t)(version >> 24), out[h++] = (uint8_t)(version >> 16);
  out[h++] = (uint8_t)(version >> 8), out[h++] = (uint8_t)version;
  out[h++] = 8;
  memcpy(out + h, dcid, 8);
  h += 8;
  out[h++] = 0; /* SCID */
  out[h++] = 0; /* token */
  out[h++] = (uint8_t)(0x40 | plen >> 8);
  out[h++] = (uint8_t)plen;
  out[h++] = (uint8_t)(pn >> 8), out[h++] = (uint8_t)pn;
  iv[10] ^= (uint8_t)(pn >> 8); /* the nonce: the IV xor the packet number */
  iv[11] ^= (uint8_t)pn;
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
  int l = 0;
  CU_ASSERT_FATAL(c && EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), NULL, key, iv) &&
                  EVP_EncryptUpdate(c, NULL, &l, out, (int)h) &&
                  EVP_EncryptUpdate(c, out + h, &l, pt, (int)ptlen) &&
                  EVP_EncryptFinal_ex(c, out + h + ptlen, &l) &&
                  EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, 16, out + h + ptlen));
  EVP_CIPHER_CTX_free(c);
  /* header protection: the sample starts 4 bytes after the packet number */
  uint8_t mask[16];
  c = EVP_CIPHER_CTX_new();
  CU_ASSERT_FATAL(c && EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), NULL, hp, NULL) &&
                  EVP_CIPHER_CTX_set_padding(c, 0) &&
                  EVP_EncryptUpdate(c, mask, &l, out + h + 2, 16));
  EVP_CIPHER_CTX_free(c);
  out[0] ^= mask[0] & 0x0f;
  out[h - 2] ^= mask[1];
  out[h - 1] ^= mask[2];
  return h + ptlen + 16;
}

static size_t client_initial_to(const uint8_t dcid[8], uint16_t pn, const uint8_t *pt, size_t ptlen,
                                uint8_t *out) {
  return client_initial_v(1, dcid, pn, pt, ptlen, out);
}

/* The same to the DCID of RFC 9001 A.2, packet number 0 */
static size_t client_initial(const uint8_t *pt, size_t ptlen, uint8_t *out) {
  static const uint8_t dcid[8] = {0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08};
  return client_initial_to(dcid, 0, pt, ptlen, out);
}

/* PADDING whose type is a varint 0 of two bytes (40 00) is one frame: it
 * made no progress once, and each further turn of the loop an empty
 * PADDING frame, 65,536 of them. */
static void test_padding_long_type(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  uint8_t pt[40] = {0x40, 0x00, 0x01}; /* PADDING (2-byte type), PING, then 37 zeros */
  uint8_t pkt[128];
  size_t n = client_initial(pt, sizeof pt, pkt);
  dx_packet *p = tf_feed(s, fb, tf_udp(fb, 1, 51000, 443, pkt, n, 0), 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(tu_count(p, "quic.decryption_failed"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "quic.frame"), 3);
  CU_ASSERT_EQUAL(tu_count(p, "quic.padding_length"), 2);
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "quic.padding_length", 0), "2");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "quic.padding_length", 1), "37");
  dx_packet_free(p);
  dx_session_free(s);
}

/* Frame types of drafts tshark 4.0 knows: ACK_FREQUENCY (0xaf, a two-byte
 * type), IMMEDIATE_ACK (0xac), TIME_STAMP (0x2f5), MP_ACK (0x42); then an
 * unknown type (0x21), which as in tshark is its type byte alone, the
 * next bytes read as frames (a PING here), then PADDING. The expectations
 * are tshark 4.0.17's on the same packet (TU_DUMP_PCAP). */
static void test_draft_frames(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  uint8_t pt[48] = {
      0x40, 0xaf, 0x00, 0x04, 0x43, 0xe8, 0x03, /* AF seq 0, threshold 4, delay 1000, flags 3 */
      0x40, 0xac,                               /* IMMEDIATE_ACK */
      0x42, 0xf5, 0x45, 0x12,                   /* TIME_STAMP 0x512 */
      0x40, 0x42, 0x07, 0x09, 0x00, 0x00, 0x02, /* MP_ACK uniflow 7, largest 9, range 2 */
      0x21, 0x01};                              /* unknown 0x21, PING, then zeros */
  uint8_t pkt[128];
  size_t n = client_initial(pt, sizeof pt, pkt);
  dx_packet *p = tf_feed(s, fb, tf_udp(fb, 1, 51000, 443, pkt, n, 0), 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(tu_count(p, "quic.decryption_failed"), 0);
  static const char *const types[] = {"175", "172", "757", "66", "33", "1", "0"};
  CU_ASSERT_EQUAL(tu_count(p, "quic.frame_type"), 7);
  for (int i = 0; i < 7; i++)
    CU_ASSERT_STRING_EQUAL(tu_nth(p, "quic.frame_type", i), types[i]);
  EXPECT(p, "quic.af.sequence_number", "0");
  EXPECT(p, "quic.af.ack_eliciting_threshold", "4");
  EXPECT(p, "quic.af.request_max_ack_delay", "1000");
  EXPECT(p, "quic.af.last_byte", "0x03");
  EXPECT(p, "quic.af.ignore_ce", "1");
  EXPECT(p, "quic.af.ignore_order", "1");
  EXPECT(p, "quic.ts", "1298");
  EXPECT(p, "quic.mp_uniflow_id", "7");
  EXPECT(p, "quic.ack.largest_acknowledged", "9");
  EXPECT(p, "quic.ack.first_ack_range", "2");
  CU_ASSERT_EQUAL(tu_count(p, "quic.ft.unknown"), 1);
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "quic.padding_length", 0), "26");
  dx_packet_free(p);
  dx_session_free(s);
}

/* ---- CRYPTO frames cut and shuffled (Chrome's "chaos protection") ----
 * A hand-made ClientHello of 83 bytes (SNI example.com, ALPN h3) cut into
 * CRYPTO frames, as tshark 4.0 hands them to TLS (packet-quic.c,
 * desegment_quic_crypto), in two steps: a frame in order goes to TLS at
 * once, a frame beyond a gap is kept with every later one until the gap is
 * filled, then all of them go to TLS in one call (with their list,
 * quic.crypto.fragments). TLS puts the message together from its calls
 * (tls.handshake.fragments): one tls layer per call. The expectations are
 * tshark 4.0.17's on the same frames (TU_DUMP_PCAP). */
/* type 1 (ClientHello), 79 bytes: legacy version 0x0303, 32 bytes of
 * random (0x11), no session id, one suite (0x1301), null compression, 36
 * bytes of extensions: server_name example.com, supported_versions TLS
 * 1.3, ALPN h3 */
static const uint8_t chello[83] = {
    0x01, 0x00, 0x00, 0x4f, 0x03, 0x03, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
    0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
    0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x00, 0x00, 0x02, 0x13,
    0x01, 0x01, 0x00, 0x00, 0x24, 0x00, 0x00, 0x00, 0x10, 0x00, 0x0e, 0x00, 0x00, 0x0b,
    'e',  'x',  'a',  'm',  'p',  'l',  'e',  '.',  'c',  'o',  'm',  0x00, 0x2b, 0x00,
    0x03, 0x02, 0x03, 0x04, 0x00, 0x10, 0x00, 0x05, 0x00, 0x03, 0x02, 'h',  '3'};

/* Appends a CRYPTO frame of chello[off, off+len) (offsets < 64) to pt. */
static size_t crypto_frame(uint8_t *pt, size_t at, unsigned off, unsigned len) {
  pt[at++] = 0x06;
  pt[at++] = (uint8_t)off;
  pt[at++] = (uint8_t)len;
  memcpy(pt + at, chello + off, len);
  return at + len;
}

/* One packet: [0,4) in order, [2,8) overlapping it, [30,83) beyond a gap,
 * [8,30) filling the gap, [0,4) again. */
static void test_crypto_chaos(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  static const uint8_t dcid[8] = {0xc1, 0xa0, 0x50, 0x00, 0x00, 0x00, 0x00, 0x01};
  uint8_t pt[256] = {0}, pkt[512];
  size_t at = 0;
  at = crypto_frame(pt, at, 0, 4);
  at = crypto_frame(pt, at, 2, 6);
  at = crypto_frame(pt, at, 30, 53);
  at = crypto_frame(pt, at, 8, 22);
  at = crypto_frame(pt, at, 0, 4);
  size_t n = client_initial_to(dcid, 0, pt, at + 20, pkt); /* and 20 bytes of PADDING */
  dx_packet *p = tf_feed(s, fb, tf_udp(fb, 1, 52000, 443, pkt, n, 0), 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Initial, DCID=c1a0500000000001, PKN: 0, CRYPTO, CRYPTO, CRYPTO, CRYPTO, "
                         "CRYPTO, PADDING");
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:udp:quic:tls:tls:tls");
  /* TLS: [0,4) at once, the rest of [2,8) at once, then [8,83) in one call */
  CU_ASSERT_EQUAL(tu_count(p, "tls"), 3);
  CU_ASSERT_STRING_EQUAL(tu_label(p, "tls"),
                         "TLSv1.3 Record Layer: Handshake Protocol: Client Hello (fragment)");
  CU_ASSERT_EQUAL(tu_count(p, "tls.handshake"), 4); /* 3 pieces and the whole message */
  EXPECT(p, "tls.handshake.type", "1");
  EXPECT(p, "tls.handshake.length", "79");
  EXPECT(p, "tls.handshake.extensions_server_name", "example.com");
  EXPECT(p, "tls.handshake.extensions_alpn_str", "h3");
  EXPECT(p, "tls.handshake.fragment.count", "3");
  CU_ASSERT_EQUAL(tu_count(p, "tls.handshake.fragment"), 3);
  /* QUIC: the kept frames [30,83) and [8,30), listed by offset */
  EXPECT(p, "quic.crypto.fragment.count", "2");
  CU_ASSERT_EQUAL(tu_count(p, "quic.crypto.fragment"), 2);
  CU_ASSERT_STRING_EQUAL(tu_label(p, "quic.crypto.fragments"),
                         "[2 Reassembled QUIC CRYPTO Data Fragments (75 bytes): #1(22), #1(53)]");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "quic.crypto.fragment"),
                         "[Frame: 1, payload: 0-21 (22 bytes)]");
  CU_ASSERT_EQUAL(tu_count(p, "quic.overlap"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "quic.retransmission"), 1);
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  dx_session_free(s);
}

/* Two packets, the second first: its bytes wait (no TLS at all) until the
 * first packet fills the gap; TLS then gets the whole message in one call,
 * under the frame that completed it, whose list names both frames. */
static void test_crypto_two_packets(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  static const uint8_t dcid[8] = {0xc1, 0xa0, 0x50, 0x00, 0x00, 0x00, 0x00, 0x02};
  uint8_t pt[256] = {0}, pkt[512];
  size_t at = crypto_frame(pt, 0, 20, 63);
  size_t n = client_initial_to(dcid, 1, pt, at, pkt);
  dx_packet *p = tf_feed(s, fb, tf_udp(fb, 1, 52001, 443, pkt, n, 0), 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:udp:quic");
  CU_ASSERT_EQUAL(tu_count(p, "tls"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "quic.crypto.fragments"), 0);
  dx_packet_free(p);
  memset(pt, 0, sizeof pt);
  at = crypto_frame(pt, 0, 0, 20);
  n = client_initial_to(dcid, 0, pt, at, pkt);
  p = tf_feed(s, fb, tf_udp(fb, 1, 52001, 443, pkt, n, 0), 1000);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:udp:quic:tls");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "tls"),
                         "TLSv1.3 Record Layer: Handshake Protocol: Client Hello");
  EXPECT(p, "tls.handshake.type", "1");
  EXPECT(p, "tls.handshake.extensions_server_name", "example.com");
  CU_ASSERT_EQUAL(tu_count(p, "tls.handshake.fragments"), 0);
  CU_ASSERT_STRING_EQUAL(tu_label(p, "quic.crypto.fragments"),
                         "[2 Reassembled QUIC CRYPTO Data Fragments (83 bytes): #2(20), #1(63)]");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "quic.crypto.fragment", 0), "2");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "quic.crypto.fragment", 1), "1");
  CU_ASSERT_EQUAL(tu_count(p, "quic.retransmission"), 0);
  dx_packet_free(p);
  dx_session_free(s);
}

/* More frames beyond a gap than are kept (32): the others are noted and
 * dropped, nothing is handed to TLS, and everything kept is given back
 * with the session. */
/* The transport parameters of a draft before 27 (draft-23 here): a 2-byte
 * length of them all, then 2-byte ids and lengths (tls.quic.len,
 * tls.quic.parameter.lengt.old, as tshark spells it); values still
 * variable-length integers; ack_delay_exponent's label without its value.
 * The expectations are tshark 4.0.17's on the same packet (TU_DUMP_PCAP). */
static void test_old_transport_parameters(void) {
  static const uint8_t ch[] = {
      0x01, 0x00, 0x00, 0x4d, 0x03, 0x03, /* ClientHello, 77 bytes, legacy version */
      0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
      0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
      0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, /* random */
      0x00, 0x00, 0x02, 0x13, 0x01,                               /* no session id, one suite */
      0x01, 0x00, 0x00, 0x22,                         /* null compression, 34 bytes of extensions */
      0x00, 0x2b, 0x00, 0x03, 0x02, 0x03, 0x04,       /* supported_versions TLS 1.3 */
      0xff, 0xa5, 0x00, 0x17, 0x00, 0x15,             /* the drafts' extension, 21 bytes of them */
      0x00, 0x01, 0x00, 0x04, 0x80, 0x00, 0xea, 0x60, /* max_idle_timeout 60000 */
      0x00, 0x0a, 0x00, 0x01, 0x03,                   /* ack_delay_exponent 3 */
      0x00, 0x04, 0x00, 0x04, 0x80, 0x10, 0x00, 0x00}; /* initial_max_data 1048576 */
  uint8_t pt[160] = {0x06, 0x00, 0x40, sizeof ch};     /* CRYPTO, offset 0, a 2-byte length */
  memcpy(pt + 4, ch, sizeof ch);
  static const uint8_t dcid[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  uint8_t pkt[256];
  size_t n = client_initial_v(0xff000017, dcid, 0, pt, sizeof pt, pkt);
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  dx_packet *p = tf_feed(s, fb, tf_udp(fb, 1, 51000, 443, pkt, n, 0), 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(tu_count(p, "quic.decryption_failed"), 0);
  CU_ASSERT_EQUAL(tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED), 0);
  EXPECT(p, "tls.quic.len", "21");
  CU_ASSERT_EQUAL(tu_count(p, "tls.quic.parameter.lengt.old"), 3);
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "tls.quic.parameter.lengt.old", 0), "4");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "tls.quic.parameter.type", 1), "10");
  EXPECT(p, "tls.quic.parameter.max_idle_timeout", "60000");
  EXPECT(p, "tls.quic.parameter.ack_delay_exponent", "3");
  EXPECT(p, "tls.quic.parameter.initial_max_data", "1048576");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "tls.quic.parameter"),
                         "Parameter: max_idle_timeout (len=4) 60000 ms");
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_crypto_limit(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  static const uint8_t dcid[8] = {0xc1, 0xa0, 0x50, 0x00, 0x00, 0x00, 0x00, 0x03};
  uint8_t pt[256] = {0}, pkt[512];
  size_t at = 0;
  for (unsigned i = 0; i < 40; i++)
    at = crypto_frame(pt, at, 20 + i, 1);
  at = crypto_frame(pt, at, 0, 19); /* one byte short of the gap */
  size_t n = client_initial_to(dcid, 0, pt, at, pkt);
  dx_packet *p = tf_feed(s, fb, tf_udp(fb, 1, 52002, 443, pkt, n, 0), 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(tu_count(p, "quic.frame"), 41);
  CU_ASSERT_EQUAL(tu_count(p, "tls"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "quic.crypto.fragments"), 0);
  CU_ASSERT(tu_count(p, "_ws.expert") >= 9); /* 8 frames and the last one not kept */
  dx_packet_free(p);
  dx_session_free(s);
}

int main(void) {
  CU_TestInfo tests[] = {
      {"RFC 9001 A.1 Initial keys", test_initial_keys},
      {"transport parameters of drafts before 27", test_old_transport_parameters},
      {"RFC 9001 A.2/A.3 Initial packets", test_rfc_initials},
      {"tampered payload", test_tampered},
      {"truncated at every length", test_truncated},
      {"hostile headers", test_hostile},
      {"PADDING with a 2-byte type", test_padding_long_type},
      {"frame types of drafts (ACK_FREQUENCY, TIME_STAMP, ...)", test_draft_frames},
      {"CRYPTO frames out of order in one packet", test_crypto_chaos},
      {"CRYPTO data across two packets", test_crypto_two_packets},
      {"CRYPTO frames beyond a gap: the limit", test_crypto_limit},
      CU_TEST_INFO_NULL};
  return tu_run("quic", tests);
}
