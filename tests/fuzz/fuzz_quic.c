/* libFuzzer harness for QUIC, TLS in QUIC, HTTP/3 and QPACK.
 *
 * Random bytes almost never survive QUIC's packet protection, so the
 * harness protects them itself: each input record's bytes become the
 * plaintext payload (frames) of a QUIC packet that it encrypts with the
 * real keys, so the fuzzer reaches the frame parsers, CRYPTO reassembly,
 * the TLS handshake parser, STREAM reassembly, HTTP/3 and libnghttp3's
 * QPACK decoder.
 *
 * Every input starts the same connection: a client Initial with a
 * ClientHello (random R), a server Initial with a ServerHello
 * (TLS_AES_128_GCM_SHA256), a server Handshake packet with
 * EncryptedExtensions (ALPN "h3"); the session holds a key log with fixed
 * handshake and traffic secrets for R. Then the records:
 *   byte 0  kind (modulo 6): 0 raw datagram from the client, 1 raw datagram
 *           from the server, 2 client Initial, 3 server Handshake, 4 client
 *           1-RTT, 5 server 1-RTT (kinds 2-5: the bytes are the plaintext)
 *   byte 1-2 length (big-endian; a length past the end takes what is left)
 * Packet numbers count up per space and side; byte 0's bit 7 on a 1-RTT
 * record flips the key phase (a key update, RFC 9001 6).
 * One session (with the key log) is reset after every input and reused;
 * each packet is written in one output form (fuzzutil.h), the next packet
 * in the next. */
#include "fuzzutil.h"
#include "proto/quic.h"
#include "proto/tls_decrypt.h"
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RECORDS 48

static const uint8_t DCID[8] = {0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08};
static const uint8_t CCID[4] = {0xc1, 0xc1, 0xc1, 0xc1}; /* client's id */
static const uint8_t SCID[4] = {0x5e, 0x5e, 0x5e, 0x5e}; /* server's id */
static const uint8_t R[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                              1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

typedef struct keys {
  uint8_t key[16], iv[12], hp[16];
} keys;

static void from_secret(uint8_t fill, keys *k, int generation) {
  uint8_t s[32], n[32];
  memset(s, fill, 32);
  for (int g = 0; g < generation; g++) {
    dx_tls13_expand_label("SHA256", s, 32, "quic ku", NULL, 0, n, 32);
    memcpy(s, n, 32);
  }
  dx_tls13_expand_label("SHA256", s, 32, "quic key", NULL, 0, k->key, 16);
  dx_tls13_expand_label("SHA256", s, 32, "quic iv", NULL, 0, k->iv, 12);
  dx_tls13_expand_label("SHA256", s, 32, "quic hp", NULL, 0, k->hp, 16);
}

static const char *hexs(const uint8_t *b, size_t n, char *out) {
  for (size_t i = 0; i < n; i++)
    sprintf(out + 2 * i, "%02x", b[i]);
  return out;
}

/* Protects one packet: hdr (pn last, 2 bytes) + plaintext -> out. */
static size_t protect(const keys *k, int is_long, const uint8_t *hdr, size_t hlen, uint64_t pn,
                      const uint8_t *pt, size_t ptlen, uint8_t *out) {
  memcpy(out, hdr, hlen);
  uint8_t nonce[12];
  memcpy(nonce, k->iv, 12);
  for (int i = 0; i < 8; i++)
    nonce[11 - i] ^= (uint8_t)(pn >> (8 * i));
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
  int l = 0;
  if (!c || !EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), NULL, k->key, nonce) ||
      !EVP_EncryptUpdate(c, NULL, &l, hdr, (int)hlen) ||
      !EVP_EncryptUpdate(c, out + hlen, &l, pt, (int)ptlen) ||
      !EVP_EncryptFinal_ex(c, out + hlen + ptlen, &l) ||
      !EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, 16, out + hlen + ptlen))
    abort();
  EVP_CIPHER_CTX_free(c);
  /* header protection (RFC 9001 5.4): the sample starts 4 bytes after the
   * packet number's first byte, i.e. 2 bytes into the ciphertext */
  uint8_t mask[16];
  c = EVP_CIPHER_CTX_new();
  if (!c || !EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), NULL, k->hp, NULL) ||
      !EVP_CIPHER_CTX_set_padding(c, 0) || !EVP_EncryptUpdate(c, mask, &l, out + hlen + 2, 16))
    abort();
  EVP_CIPHER_CTX_free(c);
  out[0] ^= mask[0] & (is_long ? 0x0f : 0x1f);
  out[hlen - 2] ^= mask[1];
  out[hlen - 1] ^= mask[2];
  return hlen + ptlen + 16;
}

/* Ethernet + IPv4 + UDP around a datagram (client 10.0.0.1:50000). */
static size_t frame_of(int from_client, const uint8_t *d, size_t n, uint8_t *out) {
  static const uint8_t eth[14] = {0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0x08, 0x00};
  memcpy(out, eth, 14);
  uint8_t *ip = out + 14;
  size_t tl = 28 + n;
  memset(ip, 0, 20);
  ip[0] = 0x45;
  ip[2] = (uint8_t)(tl >> 8);
  ip[3] = (uint8_t)tl;
  ip[8] = 64;
  ip[9] = 17;
  uint8_t a[4] = {10, 0, 0, 1}, b[4] = {10, 0, 0, 2};
  memcpy(ip + 12, from_client ? a : b, 4);
  memcpy(ip + 16, from_client ? b : a, 4);
  uint8_t *u = ip + 20;
  uint16_t sp = from_client ? 50000 : 443, dp = from_client ? 443 : 50000;
  u[0] = (uint8_t)(sp >> 8);
  u[1] = (uint8_t)sp;
  u[2] = (uint8_t)(dp >> 8);
  u[3] = (uint8_t)dp;
  u[4] = (uint8_t)((8 + n) >> 8);
  u[5] = (uint8_t)(8 + n);
  u[6] = u[7] = 0;
  memcpy(u + 8, d, n);
  return 42 + n;
}

static void exercise(dx_packet *p, uint64_t num) {
  static int dump = -1;
  if (dump < 0)
    dump = getenv("FUZZ_QUIC_DUMP") != NULL;
  if (dump) /* to see what an input reaches */
    dx_write_tree(stderr, p);
  fz_packet(p, (unsigned)num, NULL);
}

static void feed(dx_session *s, int from_client, const uint8_t *d, size_t n, uint64_t num) {
  static uint8_t fb[70000];
  if (n > 65000)
    n = 65000;
  size_t len = frame_of(from_client, d, n, fb);
  dx_frame fr = {.ts_sec = 1700000000,
                 .ts_nsec = (uint32_t)(num * 1000),
                 .caplen = (uint32_t)len,
                 .wirelen = (uint32_t)len,
                 .linktype = 1,
                 .data = fb};
  dx_packet *p = NULL;
  if (dx_session_dissect(s, &fr, &p) == DX_OK && p) {
    exercise(p, num);
  }
}

/* A long header packet of type t (v1 wire value), 2-byte packet number. */
static size_t long_packet(int t, const uint8_t *dcid, size_t dl, const uint8_t *scid, size_t sl,
                          const keys *k, uint64_t pn, const uint8_t *pt, size_t ptlen,
                          uint8_t *out) {
  uint8_t pad[64] = {0};
  uint8_t buf[66000];
  if (ptlen < 20) { /* enough ciphertext for the header protection sample */
    memcpy(pad, pt, ptlen);
    pt = pad;
    ptlen = 20;
  }
  size_t h = 0;
  uint8_t hdr[64];
  hdr[h++] = (uint8_t)(0xc0 | t << 4 | 0x01);
  hdr[h++] = 0;
  hdr[h++] = 0;
  hdr[h++] = 0;
  hdr[h++] = 1;
  hdr[h++] = (uint8_t)dl;
  memcpy(hdr + h, dcid, dl);
  h += dl;
  hdr[h++] = (uint8_t)sl;
  memcpy(hdr + h, scid, sl);
  h += sl;
  if (t == 0)
    hdr[h++] = 0; /* no token */
  size_t plen = 2 + ptlen + 16;
  hdr[h++] = (uint8_t)(0x40 | plen >> 8);
  hdr[h++] = (uint8_t)plen;
  hdr[h++] = (uint8_t)(pn >> 8);
  hdr[h++] = (uint8_t)pn;
  if (ptlen > sizeof buf - 100)
    ptlen = sizeof buf - 100;
  return protect(k, 1, hdr, h, pn, pt, ptlen, out);
}

static size_t short_packet(const uint8_t *dcid, size_t dl, int kp, const keys *k, uint64_t pn,
                           const uint8_t *pt, size_t ptlen, uint8_t *out) {
  uint8_t pad[64] = {0};
  if (ptlen < 20) {
    memcpy(pad, pt, ptlen);
    pt = pad;
    ptlen = 20;
  }
  uint8_t hdr[32];
  size_t h = 0;
  hdr[h++] = (uint8_t)(0x40 | (kp ? 0x04 : 0) | 0x01);
  memcpy(hdr + h, dcid, dl);
  h += dl;
  hdr[h++] = (uint8_t)(pn >> 8);
  hdr[h++] = (uint8_t)pn;
  return protect(k, 0, hdr, h, pn, pt, ptlen, out);
}

/* CRYPTO frame (offset off) around a handshake message. */
static size_t crypto(uint64_t off, const uint8_t *m, size_t n, uint8_t *out) {
  out[0] = 0x06;
  out[1] = (uint8_t)(0x40 | off >> 8);
  out[2] = (uint8_t)off;
  out[3] = (uint8_t)(0x40 | n >> 8);
  out[4] = (uint8_t)n;
  memcpy(out + 5, m, n);
  return 5 + n;
}

#ifdef FUZZ_QUIC_CAPS
/* fuzz_quic_caps.c: the input's first byte b picks the session's total
 * byte budget (dx_config.max_total_stream_bytes), ((b & 127) + 1) KiB, so
 * the CRYPTO and STREAM reassembly, HTTP/3 and nghttp3's QPACK decoder
 * (through http3.c's budgeted allocator) run out of memory at every point;
 * with bit 7 the budget of each stream (max_stream_bytes) is a quarter of
 * it too. One reused session per budget. */
static dx_session *sessions[256];
#define SESSION sessions[b0]
#else
static dx_session *session; /* reused: reset after every input */
#define SESSION session
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  dx_config cfg, *cfgp = NULL;
#ifdef FUZZ_QUIC_CAPS
  if (size < 1)
    return 0;
  unsigned b0 = data[0];
  data++;
  size--;
  memset(&cfg, 0, sizeof cfg);
  cfg.max_total_stream_bytes = ((uint64_t)(b0 & 127) + 1) * 1024;
  if (b0 & 128)
    cfg.max_stream_bytes = (uint32_t)(cfg.max_total_stream_bytes / 4);
  cfgp = &cfg;
#else
  (void)cfg;
#endif
  int made = SESSION == NULL;
  dx_session *s = fz_session(&SESSION, cfgp);
  char line[512], h1[80], h2[80];
  static const char *const labels[4] = {"CLIENT_HANDSHAKE_TRAFFIC_SECRET",
                                        "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                                        "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0"};
  for (int i = 0; made && i < 4; i++) {
    uint8_t sec[32];
    memset(sec, 0x11 * (i + 1), 32);
    int n =
        snprintf(line, sizeof line, "%s %s %s\n", labels[i], hexs(R, 32, h1), hexs(sec, 32, h2));
    dx_session_add_secrets(s, line, (size_t)n);
  }
  /* The keys and the three packets every input starts with are the same
   * every time: made once. */
  static keys ini_c, ini_s, hs_c, hs_s, app_c[2], app_s[2];
  static uint8_t pre[3][1400];
  static size_t pre_len[3];
  static uint8_t pkt[70000], pl[70000];
  if (!pre_len[0]) {
    dx_quic_initial_keys(1, DCID, 8, 0, ini_c.key, ini_c.iv, ini_c.hp);
    dx_quic_initial_keys(1, DCID, 8, 1, ini_s.key, ini_s.iv, ini_s.hp);
    from_secret(0x11, &hs_c, 0);
    from_secret(0x22, &hs_s, 0);
    from_secret(0x33, &app_c[0], 0);
    from_secret(0x44, &app_s[0], 0);
    from_secret(0x33, &app_c[1], 1);
    from_secret(0x44, &app_s[1], 1);
    /* ClientHello: legacy version, R, no session id, one suite, null
     * compression, no extensions */
    uint8_t ch[4 + 43] = {1, 0, 0, 43, 3, 3};
    memcpy(ch + 6, R, 32);
    uint8_t ch_tail[] = {0, 0, 2, 0x13, 0x01, 1, 0, 0, 0};
    memcpy(ch + 38, ch_tail, sizeof ch_tail);
    size_t n = crypto(0, ch, sizeof ch, pl);
    memset(pl + n, 0, 1000); /* PADDING */
    pre_len[0] = long_packet(0, DCID, 8, CCID, 4, &ini_c, 0, pl, n + 1000, pre[0]);
    /* ServerHello with supported_versions TLS 1.3 */
    uint8_t sh[4 + 46] = {2, 0, 0, 46, 3, 3};
    memset(sh + 6, 0x77, 32);
    uint8_t sh_tail[] = {0, 0x13, 0x01, 0, 0, 6, 0, 0x2b, 0, 2, 3, 4};
    memcpy(sh + 38, sh_tail, sizeof sh_tail);
    n = crypto(0, sh, sizeof sh, pl);
    pre_len[1] = long_packet(0, CCID, 4, SCID, 4, &ini_s, 0, pl, n, pre[1]);
    /* EncryptedExtensions with ALPN h3 */
    uint8_t ee[] = {8, 0, 0, 11, 0, 9, 0, 0x10, 0, 5, 0, 3, 2, 'h', '3'};
    n = crypto(0, ee, sizeof ee, pl);
    pre_len[2] = long_packet(2, CCID, 4, SCID, 4, &hs_s, 0, pl, n, pre[2]);
  }
  uint64_t num = 0, pn_ci = 1, pn_sh = 1, pn_c1 = 0, pn_s1 = 0;
  int kp_c = 0, kp_s = 0;
  fz_begin(3 + (unsigned)(size % 8)); /* a packet after the three fixed ones */
  /* the fixed packets are the same for every input and never written:
   * dissected with labels off (their label texts, which nobody reads,
   * cost; the labels-off mode of dissect -T json/ek is fuzzed on them) */
  dx_session_set_labels(s, 0);
  feed(s, 1, pre[0], pre_len[0], num++);
  feed(s, 0, pre[1], pre_len[1], num++);
  feed(s, 0, pre[2], pre_len[2], num++);
  dx_session_set_labels(s, 1);

  for (unsigned r = 0; size >= 3 && r < MAX_RECORDS; r++) {
    unsigned kind = data[0] % 6, flip = data[0] & 0x80;
    size_t len = (size_t)data[1] << 8 | data[2];
    data += 3;
    size -= 3;
    if (len > size)
      len = size;
    const uint8_t *d = data;
    data += len;
    size -= len;
    switch (kind) {
    case 0: feed(s, 1, d, len, num++); break;
    case 1: feed(s, 0, d, len, num++); break;
    case 2:
      feed(s, 1, pkt, long_packet(0, SCID, 4, CCID, 4, &ini_c, pn_ci++, d, len, pkt), num++);
      break;
    case 3:
      feed(s, 0, pkt, long_packet(2, CCID, 4, SCID, 4, &hs_s, pn_sh++, d, len, pkt), num++);
      break;
    case 4:
      if (flip)
        kp_c = 1;
      feed(s, 1, pkt, short_packet(SCID, 4, kp_c, &app_c[kp_c], pn_c1++, d, len, pkt), num++);
      break;
    default:
      if (flip)
        kp_s = 1;
      feed(s, 0, pkt, short_packet(CCID, 4, kp_s, &app_s[kp_s], pn_s1++, d, len, pkt), num++);
      break;
    }
  }
  (void)hs_c;
  fz_done(&SESSION);
  return 0;
}
