/* One IPv4/TCP connection over Ethernet for the stream harnesses
 * (fuzz_stream, fuzz_tls_decrypt, fuzz_http2, fuzz_http, fuzz_x509):
 * frames are built here, fed to a session, and every packet is written in
 * one output form (fuzzutil.h: c->form + the frame's index) into a memory
 * stream, so formatting of reassembled and decrypted data sources is
 * exercised too. One packet per connection is written (fuzzutil.h,
 * fz_packet): the segment number c->pick (from 0, after the handshake), or
 * the last segment if there are fewer; the FIN exchange is only read.
 *
 * Client 10.0.0.1 port 51000 (MAC 02:00:00:00:00:01), server 10.0.0.2
 * (02:00:00:00:00:02), port chosen by the harness. tcpconn_open() makes
 * the three-way handshake (the server's initial sequence number wraps past
 * 2^32 after 4 KiB), tcpconn_segments() plays the segment list of
 * fuzz_stream's input format, tcpconn_close() ends both directions with
 * FIN. */
#ifndef DX_FUZZ_TCPCONN_H
#define DX_FUZZ_TCPCONN_H

#include "fuzzutil.h"

#define TCPCONN_MAX_PAYLOAD 1460u

enum { F_FIN = 1, F_SYN = 2, F_RST = 4, F_PSH = 8, F_ACK = 16 };

typedef struct tcpconn {
  dx_session *s;
  uint16_t port[2]; /* [0] client port, [1] server port */
  uint32_t next_seq[2];
  uint32_t last_seq[2];
  uint32_t last_len[2];
  uint16_t ip_id;
  int frame_no;
  unsigned form; /* output form of the first packet (fuzzutil.h) */
  unsigned pick; /* the segment written (fz_begin) */
  /* nonzero: labels (dx_session_set_labels) only for the packet picked;
   * the others, only read (the FIN exchange too), are dissected as dissect
   * -T json/ek dissects, labels off, and an input with fewer packets than
   * the pick has its last one written without labels (their default
   * texts). Zero: labels for every packet but the handshake's. Label texts
   * were a fifth of fuzz_http's time; the harnesses set it from a bit of
   * the input's length, so both kinds of input are fuzzed. */
  unsigned lean;
  /* nonzero: the connection is opened with SYN and SYN-ACK only (the
   * client's first segment, which acknowledges the SYN-ACK, completes the
   * handshake: tcp.handshake.step 3 and the iRTT come from it) and closed
   * with the two FINs only (no last ACK). Two fixed packets fewer per
   * input; the harnesses set it from a bit of the input's length, so the
   * full handshake and FIN exchange are still fuzzed on the other half. */
  unsigned brief;
} tcpconn;

static inline void tcpconn_put16(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}
static inline void tcpconn_put32(uint8_t *p, uint32_t v) {
  tcpconn_put16(p, v >> 16);
  tcpconn_put16(p + 2, v);
}

/* Builds one frame, dissects it and writes the packet in one form. */
static inline void tcpconn_emit(tcpconn *c, int dir, uint32_t seq, unsigned flags,
                                const uint8_t *payload, size_t plen) {
  size_t len = 14 + 20 + 20 + plen;
  uint8_t *fr = malloc(len);
  if (!fr)
    abort();
  static const uint8_t mac[2][6] = {{0x02, 0, 0, 0, 0, 1}, {0x02, 0, 0, 0, 0, 2}};
  memcpy(fr, mac[!dir], 6);
  memcpy(fr + 6, mac[dir], 6);
  tcpconn_put16(fr + 12, 0x0800);
  uint8_t *ip = fr + 14;
  ip[0] = 0x45;
  ip[1] = 0;
  tcpconn_put16(ip + 2, (uint32_t)(20 + 20 + plen));
  tcpconn_put16(ip + 4, c->ip_id++);
  tcpconn_put16(ip + 6, 0x4000);
  ip[8] = 64;
  ip[9] = 6;
  tcpconn_put16(ip + 10, 0);
  static const uint8_t addr[2][4] = {{10, 0, 0, 1}, {10, 0, 0, 2}};
  memcpy(ip + 12, addr[dir], 4);
  memcpy(ip + 16, addr[!dir], 4);
  uint8_t *tcp = ip + 20;
  tcpconn_put16(tcp, c->port[dir]);
  tcpconn_put16(tcp + 2, c->port[!dir]);
  tcpconn_put32(tcp + 4, seq);
  tcpconn_put32(tcp + 8, (flags & F_ACK) ? c->next_seq[!dir] : 0);
  tcp[12] = 5 << 4;
  tcp[13] = (uint8_t)flags;
  tcpconn_put16(tcp + 14, 65535);
  tcpconn_put16(tcp + 16, 0);
  tcpconn_put16(tcp + 18, 0);
  if (plen)
    memcpy(tcp + 20, payload, plen);
  dx_frame f = {.ts_sec = 1700000000,
                .ts_nsec = (uint32_t)c->frame_no * 1000,
                .caplen = (uint32_t)len,
                .wirelen = (uint32_t)len,
                .linktype = 1,
                .data = fr};
  dx_packet *p = NULL;
  if (c->lean && c->frame_no >= 3)
    dx_session_set_labels(c->s, !fz_out.done && fz_out.n == fz_out.pick);
  if (dx_session_dissect(c->s, &f, &p) == DX_OK) {
    fz_packet(p, c->form + (unsigned)c->frame_no, NULL);
  }
  c->frame_no++;
  free(fr);
}

/* The three-way handshake; the session and ports must be set. Its three
 * packets are the same for every input (the first of a fresh session) and
 * never written (fz_begin picks a later one), so they are dissected with
 * labels off (dx_session_set_labels): their label texts, which nobody
 * reads, were a good part of a short input's time; and the labels-off
 * mode (dissect -T json/ek) is fuzzed on them. (The FIN exchange keeps
 * its labels: a stream's last PDU may be dissected there.) */
static inline void tcpconn_open(tcpconn *c) {
  fz_begin((c->brief ? 2 : 3) + c->pick);
  dx_session_set_labels(c->s, 0);
  uint32_t isn[2] = {0x10000000u, 0xfffff000u}; /* the server's wraps */
  c->next_seq[0] = isn[0];
  tcpconn_emit(c, 0, isn[0], F_SYN, NULL, 0);
  c->next_seq[0] = isn[0] + 1;
  c->next_seq[1] = isn[1];
  tcpconn_emit(c, 1, isn[1], F_SYN | F_ACK, NULL, 0);
  c->next_seq[1] = isn[1] + 1;
  if (!c->brief)
    tcpconn_emit(c, 0, c->next_seq[0], F_ACK, NULL, 0);
  else
    c->frame_no++; /* (the same frame numbers and times as the full form) */
  dx_session_set_labels(c->s, 1);
  for (int d = 0; d < 2; d++) {
    c->last_seq[d] = c->next_seq[d];
    c->last_len[d] = 0;
  }
}

/* An in-order segment with PSH and ACK (len may be 0). */
static inline void tcpconn_send(tcpconn *c, int dir, const uint8_t *payload, size_t len) {
  uint32_t seq = c->next_seq[dir];
  c->next_seq[dir] = seq + (uint32_t)len;
  c->last_seq[dir] = seq;
  c->last_len[dir] = (uint32_t)len;
  tcpconn_emit(c, dir, seq, F_PSH | F_ACK, payload, len);
}

/* Plays up to max_segments segments of fuzz_stream's format (see
 * fuzz_stream.c): a control byte, a 2-byte big-endian length, the payload
 * (a length past the end takes what is left; at most 1460 bytes are sent).
 * Returns the number of input bytes used. */
static inline size_t tcpconn_segments(tcpconn *c, const uint8_t *data, size_t size,
                                      int max_segments) {
  /* A segment held back for mode 4. */
  int held = 0, held_dir = 0;
  uint32_t held_seq = 0;
  unsigned held_flags = 0;
  const uint8_t *held_p = NULL;
  size_t held_len = 0;

  size_t pos = 0;
  for (int i = 0; i < max_segments && pos + 3 <= size; i++) {
    unsigned ctl = data[pos];
    size_t len = ((size_t)data[pos + 1] << 8) | data[pos + 2];
    pos += 3;
    if (len > size - pos)
      len = size - pos;
    const uint8_t *payload = data + pos;
    pos += len;
    if (len > TCPCONN_MAX_PAYLOAD)
      len = TCPCONN_MAX_PAYLOAD;
    int dir = ctl & 1;
    unsigned kind = (ctl >> 1) & 7;
    unsigned flags = ((ctl & 0x10) ? 0 : F_PSH) | ((ctl & 0x20) ? 0 : F_ACK);
    uint32_t seq = c->next_seq[dir];
    switch (kind) {
    case 1: seq = c->last_seq[dir]; break;
    case 2: seq = c->last_seq[dir] + c->last_len[dir] / 2; break;
    case 3: seq = c->next_seq[dir] + 100; break;
    case 5: flags |= F_FIN; break;
    case 6: flags |= F_RST; break;
    case 7: seq = c->next_seq[dir] - 1; break;
    default: break;
    }
    uint32_t end = seq + (uint32_t)len + ((flags & F_FIN) ? 1 : 0);
    if ((int32_t)(end - c->next_seq[dir]) > 0)
      c->next_seq[dir] = end;
    c->last_seq[dir] = seq;
    c->last_len[dir] = (uint32_t)len;
    if (kind == 4 && !held) {
      held = 1;
      held_dir = dir;
      held_seq = seq;
      held_flags = flags;
      held_p = payload;
      held_len = len;
      continue;
    }
    tcpconn_emit(c, dir, seq, flags, payload, len);
    if (held) {
      tcpconn_emit(c, held_dir, held_seq, held_flags, held_p, held_len);
      held = 0;
    }
  }
  if (held)
    tcpconn_emit(c, held_dir, held_seq, held_flags, held_p, held_len);
  return pos;
}

/* FIN from the client, FIN from the server, the last ACK. */
static inline void tcpconn_close(tcpconn *c) {
  fz_flush();
  tcpconn_emit(c, 0, c->next_seq[0], F_FIN | F_ACK, NULL, 0);
  c->next_seq[0]++;
  tcpconn_emit(c, 1, c->next_seq[1], F_FIN | F_ACK, NULL, 0);
  c->next_seq[1]++;
  if (!c->brief)
    tcpconn_emit(c, 0, c->next_seq[0], F_ACK, NULL, 0);
  dx_session_set_labels(c->s, 1);
}

#endif
