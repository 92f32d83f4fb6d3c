/* Frame builders for the link/network layer unit tests: Ethernet, IPv4 and
 * IPv6 headers written byte by byte, and an independent RFC 1071 checksum
 * (written here again on purpose, so the tests do not trust the library's). */
#ifndef DX_NETFRAME_H
#define DX_NETFRAME_H

#include <dissect/dissect.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint16_t nf_cksum(const uint8_t *d, size_t n, uint32_t sum) {
  for (size_t i = 0; i + 1 < n; i += 2)
    sum += (uint32_t)(d[i] << 8 | d[i + 1]);
  if (n & 1)
    sum += (uint32_t)d[n - 1] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

/* Ethernet header: dst 00:11:22:33:44:55, src 66:77:88:99:aa:bb. */
static inline size_t nf_eth(uint8_t *b, uint16_t type) {
  static const uint8_t h[12] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
                                0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb};
  memcpy(b, h, 12);
  b[12] = (uint8_t)(type >> 8);
  b[13] = (uint8_t)type;
  return 14;
}

/* IPv4 header 10.0.0.1 -> 10.0.0.2 with a correct checksum; opts may be
 * NULL. frag = flags<<13 | offset/8. Returns the header length. */
static inline size_t nf_ip4(uint8_t *b, uint8_t proto, uint16_t id, uint16_t frag,
                            const uint8_t *opts, size_t olen, size_t payload) {
  size_t hl = 20 + olen;
  size_t tl = hl + payload;
  b[0] = (uint8_t)(0x40 | (hl / 4));
  b[1] = 0;
  b[2] = (uint8_t)(tl >> 8);
  b[3] = (uint8_t)tl;
  b[4] = (uint8_t)(id >> 8);
  b[5] = (uint8_t)id;
  b[6] = (uint8_t)(frag >> 8);
  b[7] = (uint8_t)frag;
  b[8] = 64;
  b[9] = proto;
  b[10] = b[11] = 0;
  static const uint8_t a[8] = {10, 0, 0, 1, 10, 0, 0, 2};
  memcpy(b + 12, a, 8);
  if (olen)
    memcpy(b + 20, opts, olen);
  uint16_t c = nf_cksum(b, hl, 0);
  b[10] = (uint8_t)(c >> 8);
  b[11] = (uint8_t)c;
  return hl;
}

/* ICMP echo (type 8 or 0) with `n` data bytes 0x00, 0x01, ...; checksum set. */
static inline size_t nf_icmp_echo(uint8_t *b, uint8_t type, uint16_t id, uint16_t seq, size_t n) {
  b[0] = type;
  b[1] = 0;
  b[2] = b[3] = 0;
  b[4] = (uint8_t)(id >> 8);
  b[5] = (uint8_t)id;
  b[6] = (uint8_t)(seq >> 8);
  b[7] = (uint8_t)seq;
  for (size_t i = 0; i < n; i++)
    b[8 + i] = (uint8_t)i;
  uint16_t c = nf_cksum(b, 8 + n, 0);
  b[2] = (uint8_t)(c >> 8);
  b[3] = (uint8_t)c;
  return 8 + n;
}

/* IPv6 addresses used: fe80::1 -> fe80::2. */
static inline size_t nf_ip6(uint8_t *b, uint8_t nxt, uint16_t plen) {
  memset(b, 0, 40);
  b[0] = 0x60;
  b[1] = 0x01; /* flow label 0x12345 */
  b[2] = 0x23;
  b[3] = 0x45;
  b[4] = (uint8_t)(plen >> 8);
  b[5] = (uint8_t)plen;
  b[6] = nxt;
  b[7] = 64;
  b[8] = 0xfe;
  b[9] = 0x80;
  b[23] = 1;
  b[24] = 0xfe;
  b[25] = 0x80;
  b[39] = 2;
  return 40;
}

/* Checksum of an ICMPv6 message msg (n bytes) between the addresses of
 * the IPv6 header ip6 (RFC 8200 8.1 pseudo-header). */
static inline uint16_t nf_icmp6_cksum(const uint8_t *ip6, const uint8_t *msg, size_t n) {
  uint32_t sum = 0;
  for (int i = 8; i < 40; i += 2)
    sum += (uint32_t)(ip6[i] << 8 | ip6[i + 1]);
  sum += (uint32_t)(n >> 16) + (uint32_t)(n & 0xffff) + 58;
  return nf_cksum(msg, n, sum);
}

/* Ethernet, IPv4 10.0.0.1 <-> 10.0.0.2 (rev: from .2 to .1), UDP with a
 * zero checksum, and msg (n bytes). The frame's length. */
static inline size_t nf_udp4(uint8_t *b, int rev, uint16_t sport, uint16_t dport, const void *msg,
                             size_t n) {
  size_t o = nf_eth(b, 0x0800);
  size_t ih = nf_ip4(b + o, 17, 1, 0, NULL, 0, 8 + n);
  if (rev) { /* swap the addresses: the header checksum stays right */
    uint8_t tmp[4];
    memcpy(tmp, b + o + 12, 4);
    memcpy(b + o + 12, b + o + 16, 4);
    memcpy(b + o + 16, tmp, 4);
  }
  o += ih;
  b[o] = (uint8_t)(sport >> 8), b[o + 1] = (uint8_t)sport;
  b[o + 2] = (uint8_t)(dport >> 8), b[o + 3] = (uint8_t)dport;
  b[o + 4] = (uint8_t)((8 + n) >> 8), b[o + 5] = (uint8_t)(8 + n);
  b[o + 6] = b[o + 7] = 0;
  memmove(b + o + 8, msg, n);
  return o + 8 + n;
}

/* Feeds one frame at time (sec, nsec). */
static inline dx_packet *nf_feed(dx_session *s, int linktype, const uint8_t *b, size_t n,
                                 int64_t sec, uint32_t nsec) {
  dx_frame f = {.ts_sec = sec,
                .ts_nsec = nsec,
                .caplen = (uint32_t)n,
                .wirelen = (uint32_t)n,
                .linktype = linktype,
                .data = b};
  dx_packet *p = NULL;
  if (dx_session_dissect(s, &f, &p) != DX_OK)
    return NULL;
  return p;
}

#endif
