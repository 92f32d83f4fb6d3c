/* SSH (ssh.c) on hand-made segments of one connection: the expected values
 * are tshark 4.0.17's on the same frames (each test's frames written with
 * TU_ONLY=NAME TU_DUMP_PCAP=FILE and read with tshark -V; the whole SSH
 * layer of every frame was equal). */
#include "appconn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))
#define INFO(p, s) CU_ASSERT_STRING_EQUAL(dx_packet_info(p), (s))

static conn C;

/* ---- building SSH binary packets -------------------------------------- */
typedef struct buf {
  uint8_t b[8192];
  size_t n;
} buf;

static void put(buf *b, const void *d, size_t n) {
  memcpy(b->b + b->n, d, n);
  b->n += n;
}
static void put8(buf *b, uint8_t v) {
  b->b[b->n++] = v;
}
static void put32(buf *b, uint32_t v) {
  uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
  put(b, x, 4);
}
static void putstr(buf *b, const char *s) {
  put32(b, (uint32_t)strlen(s));
  put(b, s, strlen(s));
}
static void putbytes(buf *b, uint8_t fill, size_t n) {
  put32(b, (uint32_t)n);
  memset(b->b + b->n, fill, n);
  b->n += n;
}

/* payload -> packet_length, padding_length, payload, padding (RFC 4253 6) */
static void packet(buf *out, const buf *pl) {
  size_t pad = 8 - (5 + pl->n) % 8;
  if (pad < 4)
    pad += 8;
  put32(out, (uint32_t)(1 + pl->n + pad));
  put8(out, (uint8_t)pad);
  put(out, pl->b, pl->n);
  memset(out->b + out->n, 0, pad);
  out->n += pad;
}

static const char *CLIENT_LISTS[10] = {
    "curve25519-sha256,ecdh-sha2-nistp256,diffie-hellman-group14-sha256",
    "ssh-ed25519,rsa-sha2-512",
    "aes128-ctr,aes256-ctr",
    "aes128-ctr,aes256-ctr",
    "hmac-sha2-256,hmac-sha1",
    "hmac-sha2-256,hmac-sha1",
    "none,zlib@openssh.com",
    "none,zlib@openssh.com",
    "",
    ""};
static const char *SERVER_LISTS[10] = {"ecdh-sha2-nistp256,curve25519-sha256",
                                       "ssh-ed25519",
                                       "aes256-ctr,aes128-ctr",
                                       "aes256-ctr,aes128-ctr",
                                       "hmac-sha1,hmac-sha2-256",
                                       "hmac-sha1,hmac-sha2-256",
                                       "none",
                                       "none",
                                       "",
                                       ""};

static void kexinit(buf *out, const char *const lists[10], uint8_t cookie) {
  buf pl = {.n = 0};
  put8(&pl, 20);
  for (int i = 0; i < 16; i++)
    put8(&pl, (uint8_t)(cookie + i));
  for (int i = 0; i < 10; i++)
    putstr(&pl, lists[i]);
  put8(&pl, 0);
  put32(&pl, 0);
  packet(out, &pl);
}

static void newkeys(buf *out) {
  buf pl = {.n = 0};
  put8(&pl, 21);
  packet(out, &pl);
}

static void ed25519_key(buf *pl) {
  buf k = {.n = 0};
  putstr(&k, "ssh-ed25519");
  putbytes(&k, 0x5a, 32);
  put32(pl, (uint32_t)k.n);
  put(pl, k.b, k.n);
}

static void ed25519_sig(buf *pl) {
  buf k = {.n = 0};
  putstr(&k, "ssh-ed25519");
  putbytes(&k, 0x77, 64);
  put32(pl, (uint32_t)k.n);
  put(pl, k.b, k.n);
}

static dx_packet *send_buf(int c2s, const buf *b) {
  return send_data(&C, c2s, b->b, b->n);
}

/* ---- tests ----------------------------------------------------------- */
static void test_ecdh_session(void) {
  conn_open(&C, 40022, 22);
  dx_packet *p = send_str(&C, 0, "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "SSH");
  INFO(p, "Server: Protocol (SSH-2.0-OpenSSH_9.2p1 Debian-2)");
  EXPECT(p, "ssh.protocol", "SSH-2.0-OpenSSH_9.2p1 Debian-2");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ssh.direction"), "[Direction: server-to-client]");
  dx_packet_free(p);
  p = send_str(&C, 1, "SSH-2.0-OpenSSH_8.9\r\n");
  INFO(p, "Client: Protocol (SSH-2.0-OpenSSH_8.9)");
  dx_packet_free(p);

  buf b = {.n = 0};
  kexinit(&b, CLIENT_LISTS, 0x10);
  p = send_buf(1, &b);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "SSHv2");
  INFO(p, "Client: Key Exchange Init");
  EXPECT(p, "ssh.packet_length", "292");
  EXPECT(p, "ssh.padding_length", "9");
  EXPECT(p, "ssh.message_code", "20");
  EXPECT(p, "ssh.cookie", "101112131415161718191a1b1c1d1e1f");
  EXPECT(p, "ssh.kex_algorithms_length", "66");
  EXPECT(p, "ssh.kex_algorithms",
         "curve25519-sha256,ecdh-sha2-nistp256,diffie-hellman-group14-sha256");
  EXPECT(p, "ssh.compression_algorithms_server_to_client", "none,zlib@openssh.com");
  EXPECT(p, "ssh.languages_client_to_server", "");
  EXPECT(p, "ssh.first_kex_packet_follows", "0");
  EXPECT(p, "ssh.kex.reserved", "00000000");
  EXPECT(p, "ssh.kex.hassh_algorithms",
         "curve25519-sha256,ecdh-sha2-nistp256,diffie-hellman-group14-sha256;aes128-ctr,aes256-"
         "ctr;hmac-sha2-256,hmac-sha1;none,zlib@openssh.com");
  EXPECT(p, "ssh.kex.hassh", "a3361703486608c163662871aa113486");
  EXPECT(p, "ssh.seq_num", "0");
  dx_packet_free(p);

  b.n = 0;
  kexinit(&b, SERVER_LISTS, 0xa0);
  p = send_buf(0, &b);
  INFO(p, "Server: Key Exchange Init");
  EXPECT(p, "ssh.kex.hasshserver", "fd51cf073bc228947786e80b75d43bbb");
  CU_ASSERT_EQUAL(tu_count(p, "ssh.kex.hassh"), 0);
  dx_packet_free(p);

  /* ECDH init */
  b.n = 0;
  buf pl = {.n = 0};
  put8(&pl, 30);
  putbytes(&pl, 0x42, 32);
  packet(&b, &pl);
  p = send_buf(1, &b);
  INFO(p, "Client: Elliptic Curve Diffie-Hellman Key Exchange Init");
  EXPECT(p, "ssh.ecdh.q_c_length", "32");
  EXPECT(p, "ssh.ecdh.q_c", "4242424242424242424242424242424242424242424242424242424242424242");
  EXPECT(p, "ssh.seq_num", "1");
  dx_packet_free(p);

  /* ECDH reply and NEWKEYS in one segment */
  b.n = 0;
  pl.n = 0;
  put8(&pl, 31);
  ed25519_key(&pl);
  putbytes(&pl, 0x43, 32);
  ed25519_sig(&pl);
  packet(&b, &pl);
  newkeys(&b);
  p = send_buf(0, &b);
  INFO(p, "Server: Elliptic Curve Diffie-Hellman Key Exchange Reply, New Keys");
  EXPECT(p, "ssh.host_key.type", "ssh-ed25519");
  EXPECT(p, "ssh.host_key.eddsa.key_length", "32");
  EXPECT(p, "ssh.ecdh.q_s_length", "32");
  EXPECT(p, "ssh.host_sig.type", "ssh-ed25519");
  CU_ASSERT_EQUAL(tu_count(p, "ssh.packet_decode.error"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "ssh.packet_length"), 2);
  dx_packet_free(p);

  b.n = 0;
  newkeys(&b);
  p = send_buf(1, &b);
  INFO(p, "Client: New Keys");
  dx_packet_free(p);

  uint8_t enc[52];
  for (size_t i = 0; i < sizeof enc; i++)
    enc[i] = (uint8_t)(0x80 + i);
  /* aes128-ctr: tshark 4.0 decrypts it with the keys it derived after the
   * ECDH reply, none without a key log, and shows nothing of the packet */
  p = send_data(&C, 1, enc, sizeof enc);
  INFO(p, "Client: ");
  CU_ASSERT_EQUAL(tu_count(p, "ssh.encrypted_packet"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "ssh.seq_num"), 0);
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ssh.version2"),
                         "SSH Version 2 (encryption:aes128-ctr mac:hmac-sha2-256 "
                         "compression:none)");
  dx_packet_free(p);
  p = send_data(&C, 0, enc, 36);
  INFO(p, "Server: ");
  dx_packet_free(p);
  conn_close(&C);
}

/* A client's version line and KEXINIT in one segment; a KEXINIT in three
 * segments; a DH key exchange (group14) with an RSA host key. */
static void test_segments(void) {
  conn_open(&C, 40023, 22);
  dx_packet *p = send_str(&C, 0, "SSH-2.0-srv\r\n");
  dx_packet_free(p);
  buf b = {.n = 0};
  put(&b, "SSH-2.0-cli\r\n", 13);
  kexinit(&b, CLIENT_LISTS, 0x20);
  p = send_buf(1, &b);
  INFO(p, "Client: Protocol (SSH-2.0-cli), Key Exchange Init");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "SSH");
  dx_packet_free(p);

  static const char *const dh_lists[10] = {"diffie-hellman-group14-sha256",
                                           "rsa-sha2-256",
                                           "aes128-ctr",
                                           "aes128-ctr",
                                           "hmac-sha1",
                                           "hmac-sha1",
                                           "none",
                                           "none",
                                           "",
                                           ""};
  b.n = 0;
  kexinit(&b, dh_lists, 0x30);
  /* three pieces: 3 bytes (not even the length), 100, the rest */
  p = send_data(&C, 0, b.b, 3);
  dx_packet_free(p);
  p = send_data(&C, 0, b.b + 3, 100);
  dx_packet_free(p);
  p = send_data(&C, 0, b.b + 103, b.n - 103);
  INFO(p, "Server: Key Exchange Init");
  EXPECT(p, "ssh.kex_algorithms", "diffie-hellman-group14-sha256");
  dx_packet_free(p);

  /* DH init (e) */
  b.n = 0;
  buf pl = {.n = 0};
  put8(&pl, 30);
  putbytes(&pl, 0x11, 257);
  packet(&b, &pl);
  p = send_buf(1, &b);
  INFO(p, "Client: Diffie-Hellman Key Exchange Init");
  EXPECT(p, "ssh.mpint_length", "257");
  EXPECT(p, "ssh.seq_num", "2");
  dx_packet_free(p);

  /* DH reply: an ssh-rsa host key, f, an rsa-sha2-256 signature */
  b.n = 0;
  pl.n = 0;
  put8(&pl, 31);
  buf k = {.n = 0};
  putstr(&k, "ssh-rsa");
  putbytes(&k, 0x01, 3);
  putbytes(&k, 0xc1, 257);
  put32(&pl, (uint32_t)k.n);
  put(&pl, k.b, k.n);
  putbytes(&pl, 0x22, 256);
  k.n = 0;
  putstr(&k, "rsa-sha2-256");
  putbytes(&k, 0x99, 256);
  put32(&pl, (uint32_t)k.n);
  put(&pl, k.b, k.n);
  packet(&b, &pl);
  /* the reply in two segments, NEWKEYS after it in the second */
  newkeys(&b);
  p = send_data(&C, 0, b.b, 500);
  dx_packet_free(p);
  p = send_data(&C, 0, b.b + 500, b.n - 500);
  /* (tshark joins the Info of the reassembled reply and of the bytes
   * after it so, its prefix twice) */
  INFO(p, "Server: Server: Diffie-Hellman Key Exchange Reply, New Keys");
  EXPECT(p, "ssh.seq_num", "2");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "ssh.seq_num", 1), "2");
  EXPECT(p, "ssh.host_key.rsa.e", "010101");
  EXPECT(p, "ssh.host_sig.type", "rsa-sha2-256");
  EXPECT(p, "ssh.host_sig.length", "276");
  dx_packet_free(p);
  conn_close(&C);
}

/* A cipher tshark 4.0 does not decrypt (3des-cbc) and a MAC it does not
 * check (hmac-sha1) after an ECDH exchange: encrypted packets with their
 * MAC; after a group exchange (no keys derived): without. */
static void test_encrypted(void) {
  static const char *const lists[10] = {
      "curve25519-sha256", "ssh-ed25519", "3des-cbc", "3des-cbc", "hmac-sha1",
      "hmac-sha1",         "none",        "none",     "",         ""};
  conn_open(&C, 40026, 22);
  dx_packet_free(send_str(&C, 0, "SSH-2.0-srv\r\n"));
  dx_packet_free(send_str(&C, 1, "SSH-2.0-cli\r\n"));
  buf b = {.n = 0};
  kexinit(&b, lists, 0x10);
  dx_packet_free(send_buf(1, &b));
  b.n = 0;
  kexinit(&b, lists, 0x30);
  dx_packet_free(send_buf(0, &b));
  b.n = 0;
  buf pl = {.n = 0};
  put8(&pl, 30);
  putbytes(&pl, 0x42, 32);
  packet(&b, &pl);
  dx_packet_free(send_buf(1, &b));
  b.n = 0;
  pl.n = 0;
  put8(&pl, 31);
  ed25519_key(&pl);
  putbytes(&pl, 0x43, 32);
  ed25519_sig(&pl);
  packet(&b, &pl);
  newkeys(&b);
  dx_packet_free(send_buf(0, &b));
  b.n = 0;
  newkeys(&b);
  dx_packet_free(send_buf(1, &b));
  uint8_t enc[52];
  for (size_t i = 0; i < sizeof enc; i++)
    enc[i] = (uint8_t)(0x80 + i);
  dx_packet *p = send_data(&C, 1, enc, sizeof enc);
  INFO(p, "Client: Encrypted packet (len=52)");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ssh.version2"),
                         "SSH Version 2 (encryption:3des-cbc compression:none)");
  EXPECT(p, "ssh.packet_length_encrypted", "80818283");
  EXPECT(p, "ssh.encrypted_packet", "8485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
  EXPECT(p, "ssh.mac", "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3");
  dx_packet_free(p);
  /* 3 bytes: no length, and (with a tree) an encrypted packet that would
   * start past them: tshark's exception */
  p = send_data(&C, 0, enc, 3);
  CU_ASSERT(tu_any_flag(p, DX_NODE_MALFORMED));
  CU_ASSERT_EQUAL(tu_count(p, "_ws.malformed"), 2);
  dx_packet_free(p);
  conn_close(&C);
}

/* SSH 1.5 (the client's version line chooses it), on Gerrit's port 29418. */
static void test_version1(void) {
  conn_open(&C, 40027, 29418);
  dx_packet *p = send_str(&C, 0, "SSH-1.5-srv\n");
  INFO(p, "Server: Protocol (SSH-1.5-srv)");
  dx_packet_free(p);
  p = send_str(&C, 1, "SSH-1.5-cli\n");
  INFO(p, "Client: Protocol (SSH-1.5-cli)");
  dx_packet_free(p);
  /* length 25 (code, 20 bytes, CRC), 7 bytes of padding */
  buf b = {.n = 0};
  put32(&b, 25);
  for (int i = 0; i < 7; i++)
    put8(&b, 0);
  put8(&b, 2);
  for (int i = 0; i < 20; i++)
    put8(&b, 'x');
  put(&b, "CRC!", 4);
  p = send_buf(0, &b);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "SSHv1");
  INFO(p, "Server: Public Key");
  EXPECT(p, "ssh.packet_length", "25");
  EXPECT(p, "ssh.padding_length", "7");
  EXPECT(p, "ssh.message_code", "2");
  EXPECT(p, "ssh.payload", "787878787878787878787878787878787878787843524321");
  dx_packet_free(p);
  conn_close(&C);
}

/* Lengths that do not fit, and every prefix of a frame: no crash, and
 * what tshark calls malformed is marked. */
static void test_hostile(void) {
  conn_open(&C, 40024, 22);
  dx_packet *p = send_str(&C, 0, "SSH-2.0-srv\r\n");
  dx_packet_free(p);
  p = send_str(&C, 1, "SSH-2.0-cli\r\n");
  dx_packet_free(p);
  /* a KEXINIT whose first name-list runs past the packet */
  buf b = {.n = 0};
  uint8_t bad[] = {0,  0,  0,  28, 4,  20, 1,    2,    3,    4,    5,   6,   7, 8, 9, 10,
                   11, 12, 13, 14, 15, 16, 0xff, 0xff, 0xff, 0xf0, 'a', 'b', 0, 0, 0, 0};
  put(&b, bad, sizeof bad);
  p = send_buf(1, &b);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT(tu_any_flag(p, DX_NODE_MALFORMED));
  dx_packet_free(p);
  /* an overly large packet length where nothing can wait: the rest */
  conn_close(&C);

  /* every prefix of a client KEXINIT frame, alone in a session */
  uint8_t frame[2048];
  b.n = 0;
  put(&b, "SSH-2.0-cli\r\n", 13);
  kexinit(&b, CLIENT_LISTS, 0x40);
  size_t n = tf_tcp(frame, 1, 40025, 22, 1, 1, TF_PSH | TF_ACK, 1000, NULL, 0, b.b, b.n);
  CU_ASSERT_EQUAL(tu_truncate_all(1, frame, n), 0);
}

int main(void) {
  static CU_TestInfo tests[] = {{"ecdh_session", test_ecdh_session}, {"segments", test_segments},
                                {"encrypted", test_encrypted},       {"version1", test_version1},
                                {"hostile", test_hostile},           CU_TEST_INFO_NULL};
  return tu_run("ssh", tests);
}
