/* One TCP connection of hand-made Ethernet/IPv4 frames for the unit tests
 * of application protocols (HTTP, IMAP, POP, ...): a handshake, then data
 * segments with correct sequence numbers so that tcp.c's reassembly
 * delivers them. */
#ifndef DX_TESTS_APPCONN_H
#define DX_TESTS_APPCONN_H

#include "tcpframe.h"
#include "testutil.h"

#include <string.h>

typedef struct conn {
  dx_session *s;
  uint16_t cport, sport;
  uint32_t cseq, sseq; /* next sequence number of each side */
  uint64_t usec;       /* time of the next frame */
  uint8_t buf[70000];
} conn;

/* Opens a session (if needed) and a connection with the three-way
 * handshake: frames 1-3 of a fresh session. */
static inline void conn_open(conn *c, uint16_t cport, uint16_t sport) {
  if (!c->s)
    CU_ASSERT_EQUAL_FATAL(dx_session_new(&c->s, NULL), DX_OK);
  c->cport = cport;
  c->sport = sport;
  c->cseq = 1000;
  c->sseq = 5000;
  size_t n = tf_tcp(c->buf, 1, cport, sport, c->cseq, 0, TF_SYN, 64240, NULL, 0, NULL, 0);
  dx_packet_free(tf_feed(c->s, c->buf, n, c->usec += 100));
  c->cseq++;
  n = tf_tcp(c->buf, 0, cport, sport, c->sseq, c->cseq, TF_SYN | TF_ACK, 65160, NULL, 0, NULL, 0);
  dx_packet_free(tf_feed(c->s, c->buf, n, c->usec += 100));
  c->sseq++;
  n = tf_tcp(c->buf, 1, cport, sport, c->cseq, c->sseq, TF_ACK, 64240, NULL, 0, NULL, 0);
  dx_packet_free(tf_feed(c->s, c->buf, n, c->usec += 100));
}

/* One data segment from the client (c2s) or the server, of which the
 * capture keeps `keep` bytes of payload (cut by its snapshot length when
 * fewer than len; frame.len stays the whole frame). */
static inline dx_packet *send_seg(conn *c, int c2s, const void *data, size_t len, size_t keep) {
  size_t n;
  if (c2s) {
    n = tf_tcp(c->buf, 1, c->cport, c->sport, c->cseq, c->sseq, TF_PSH | TF_ACK, 64240, NULL, 0,
               data, len);
    c->cseq += (uint32_t)len;
  } else {
    n = tf_tcp(c->buf, 0, c->cport, c->sport, c->sseq, c->cseq, TF_PSH | TF_ACK, 65160, NULL, 0,
               data, len);
    c->sseq += (uint32_t)len;
  }
  c->usec += 100;
  return keep < len ? tf_feed_cut(c->s, c->buf, n, n - len + keep, c->usec)
                    : tf_feed(c->s, c->buf, n, c->usec);
}

static inline dx_packet *send_data(conn *c, int c2s, const void *data, size_t len) {
  return send_seg(c, c2s, data, len, len);
}

static inline dx_packet *send_str(conn *c, int c2s, const char *s) {
  return send_data(c, c2s, s, strlen(s));
}

static inline void conn_close(conn *c) {
  dx_session_free(c->s);
  c->s = NULL;
}

/* Index of the data source whose name starts with prefix, or -1. */
static inline int find_source(const dx_packet *p, const char *prefix) {
  for (size_t i = 0; i < dx_packet_source_count(p); i++)
    if (strncmp(dx_packet_source_name(p, i), prefix, strlen(prefix)) == 0)
      return (int)i;
  return -1;
}

#endif
