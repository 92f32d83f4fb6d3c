/* Building Ethernet/IPv4/TCP and Ethernet/IPv4/UDP frames for the TCP and
 * UDP unit tests, with correct IPv4, TCP and UDP checksums (RFC 791,
 * RFC 9293 3.1, RFC 768). Set TU_DUMP_PCAP=FILE to also write every frame
 * fed through tf_feed() to a pcap file, so the expectations can be checked
 * against tshark. */
#ifndef DX_TCPFRAME_H
#define DX_TCPFRAME_H

#include <dissect/dissect.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { TF_FIN = 1, TF_SYN = 2, TF_RST = 4, TF_PSH = 8, TF_ACK = 16, TF_URG = 32 };

/* Client 10.0.0.1, server 10.0.0.2. */
static const uint8_t tf_client[4] = {10, 0, 0, 1}, tf_server[4] = {10, 0, 0, 2};

static inline uint16_t tf_fold(uint32_t s) {
  while (s >> 16)
    s = (s & 0xffff) + (s >> 16);
  return (uint16_t)~s;
}

static inline uint32_t tf_sum(const uint8_t *d, size_t n, uint32_t s) {
  for (size_t i = 0; i + 1 < n; i += 2)
    s += (uint32_t)(d[i] << 8 | d[i + 1]);
  if (n & 1)
    s += (uint32_t)d[n - 1] << 8;
  return s;
}

/* Ethernet + IPv4 header for an L4 segment of l4len bytes; returns 34. */
static inline size_t tf_ip(uint8_t *b, int from_client, uint8_t proto, size_t l4len) {
  static const uint8_t eth[14] = {0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0x08, 0x00};
  memcpy(b, eth, 14);
  if (!from_client) {
    b[5] = 1;
    b[11] = 2;
  }
  uint8_t *ip = b + 14;
  size_t tl = 20 + l4len;
  uint8_t h[20] = {0x45, 0, (uint8_t)(tl >> 8), (uint8_t)tl, 0, 1, 0x40, 0, 64, proto, 0, 0};
  memcpy(h + 12, from_client ? tf_client : tf_server, 4);
  memcpy(h + 16, from_client ? tf_server : tf_client, 4);
  uint16_t c = tf_fold(tf_sum(h, 20, 0));
  h[10] = (uint8_t)(c >> 8);
  h[11] = (uint8_t)c;
  memcpy(ip, h, 20);
  return 34;
}

static inline uint32_t tf_pseudo(int from_client, uint8_t proto, size_t len) {
  uint32_t s = 0;
  s = tf_sum(from_client ? tf_client : tf_server, 4, s);
  s = tf_sum(from_client ? tf_server : tf_client, 4, s);
  return s + proto + (uint32_t)len;
}

/* A whole TCP frame into b; returns its length. */
static inline size_t tf_tcp(uint8_t *b, int from_client, uint16_t cport, uint16_t sport,
                            uint32_t seq, uint32_t ack, unsigned flags, uint16_t win,
                            const uint8_t *opt, size_t optlen, const uint8_t *pl, size_t plen) {
  size_t hl = 20 + optlen;
  size_t o = tf_ip(b, from_client, 6, hl + plen);
  uint8_t *t = b + o;
  uint16_t a = from_client ? cport : sport, d = from_client ? sport : cport;
  uint8_t h[20] = {(uint8_t)(a >> 8),
                   (uint8_t)a,
                   (uint8_t)(d >> 8),
                   (uint8_t)d,
                   (uint8_t)(seq >> 24),
                   (uint8_t)(seq >> 16),
                   (uint8_t)(seq >> 8),
                   (uint8_t)seq,
                   (uint8_t)(ack >> 24),
                   (uint8_t)(ack >> 16),
                   (uint8_t)(ack >> 8),
                   (uint8_t)ack,
                   (uint8_t)((hl / 4) << 4),
                   (uint8_t)flags,
                   (uint8_t)(win >> 8),
                   (uint8_t)win,
                   0,
                   0,
                   0,
                   0};
  memcpy(t, h, 20);
  if (optlen)
    memcpy(t + 20, opt, optlen);
  if (plen)
    memcpy(t + hl, pl, plen);
  uint16_t c = tf_fold(tf_sum(t, hl + plen, tf_pseudo(from_client, 6, hl + plen)));
  t[16] = (uint8_t)(c >> 8);
  t[17] = (uint8_t)c;
  return o + hl + plen;
}

/* A whole UDP frame; ulen_override != 0 replaces the UDP length field. */
static inline size_t tf_udp(uint8_t *b, int from_client, uint16_t cport, uint16_t sport,
                            const uint8_t *pl, size_t plen, uint16_t ulen_override) {
  size_t o = tf_ip(b, from_client, 17, 8 + plen);
  uint8_t *u = b + o;
  uint16_t a = from_client ? cport : sport, d = from_client ? sport : cport;
  uint16_t ul = ulen_override ? ulen_override : (uint16_t)(8 + plen);
  uint8_t h[8] = {(uint8_t)(a >> 8),
                  (uint8_t)a,
                  (uint8_t)(d >> 8),
                  (uint8_t)d,
                  (uint8_t)(ul >> 8),
                  (uint8_t)ul,
                  0,
                  0};
  memcpy(u, h, 8);
  if (plen)
    memcpy(u + 8, pl, plen);
  uint16_t c = tf_fold(tf_sum(u, 8 + plen, tf_pseudo(from_client, 17, 8 + plen)));
  if (c == 0)
    c = 0xffff;
  u[6] = (uint8_t)(c >> 8);
  u[7] = (uint8_t)c;
  return o + 8 + plen;
}

/* Dissects the first caplen bytes of an n-byte frame (a capture whose
 * snapshot length cut it) at time 1700000000 s + usec µs. */
static inline dx_packet *tf_feed_cut(dx_session *s, const uint8_t *b, size_t n, size_t caplen,
                                     uint64_t usec) {
  dx_frame fr = {.ts_sec = 1700000000 + (int64_t)(usec / 1000000),
                 .ts_nsec = (uint32_t)(usec % 1000000) * 1000,
                 .caplen = (uint32_t)caplen,
                 .wirelen = (uint32_t)n,
                 .linktype = 1,
                 .data = b};
  dx_packet *p = NULL;
  if (dx_session_dissect(s, &fr, &p) != DX_OK)
    return NULL;
  return p;
}

/* Dissects a frame at time 1700000000 s + usec µs (appending it to the
 * TU_DUMP_PCAP file if that is set). */
static inline dx_packet *tf_feed(dx_session *s, const uint8_t *b, size_t n, uint64_t usec) {
  const char *dump = getenv("TU_DUMP_PCAP");
  if (dump) {
    FILE *f = fopen(dump, "ab");
    if (f) {
      if (fseek(f, 0, SEEK_END) == 0 && ftell(f) == 0) {
        uint32_t gh[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1};
        fwrite(gh, 4, 6, f);
      }
      uint32_t rh[4] = {1700000000 + (uint32_t)(usec / 1000000), (uint32_t)(usec % 1000000),
                        (uint32_t)n, (uint32_t)n};
      fwrite(rh, 4, 4, f);
      fwrite(b, 1, n, f);
      fclose(f);
    }
  }
  return tf_feed_cut(s, b, n, n, usec);
}

#endif
