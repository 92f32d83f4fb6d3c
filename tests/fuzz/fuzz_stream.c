/* libFuzzer harness for TCP payloads: one IPv4/TCP connection over
 * Ethernet, a valid three-way handshake, then segments whose payloads and
 * sequence-number games come from the input, so the reassembler and the
 * dissectors above it (TLS, X.509, HTTP with chunked/gzip bodies, DNS over
 * TCP) see hostile streams.
 *
 * Input format (also produced by tests/fuzz/make_seeds.py):
 *   byte 0   server port selector: 0 443 (TLS), 1 80 (HTTP), 2 53 (DNS),
 *            3 8080, anything else 443
 *   byte 1   flags: 1 = the session uses small stream caps, 2 = terse mode
 *   then segments: a control byte, a 2-byte big-endian length, the payload
 *   (a length past the end takes what is left). Control byte:
 *     bit 0     direction: 0 client to server, 1 server to client
 *     bits 1-3  sequence: 0 next in order, 1 retransmission of the
 *               previous segment's start, 2 overlapping the previous
 *               segment by half its length, 3 a gap of 100 bytes, 4 held
 *               back and sent after the next segment (out of order),
 *               5 in order then FIN, 6 in order then RST, 7 seq - 1
 *     bit 4     no PSH
 *     bit 5     no ACK flag */
#include <dissect/dissect.h>
#include <dissect/output.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SEGMENTS 96
#define MAX_PAYLOAD 1460u

enum { F_FIN = 1, F_SYN = 2, F_RST = 4, F_PSH = 8, F_ACK = 16 };

static FILE *sink;
static char *sink_buf;
static size_t sink_len;

typedef struct conn {
  dx_session *s;
  uint16_t port[2]; /* [0] client port, [1] server port */
  uint32_t next_seq[2];
  uint32_t last_seq[2];
  uint32_t last_len[2];
  uint16_t ip_id;
  int frame_no;
} conn;

static void put16(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}
static void put32(uint8_t *p, uint32_t v) {
  put16(p, v >> 16);
  put16(p + 2, v);
}

static void emit(conn *c, int dir, uint32_t seq, unsigned flags, const uint8_t *payload,
                 size_t plen) {
  size_t len = 14 + 20 + 20 + plen;
  uint8_t *fr = malloc(len);
  if (!fr)
    abort();
  static const uint8_t mac[2][6] = {{0x02, 0, 0, 0, 0, 1}, {0x02, 0, 0, 0, 0, 2}};
  memcpy(fr, mac[!dir], 6);
  memcpy(fr + 6, mac[dir], 6);
  put16(fr + 12, 0x0800);
  uint8_t *ip = fr + 14;
  ip[0] = 0x45;
  ip[1] = 0;
  put16(ip + 2, (uint32_t)(20 + 20 + plen));
  put16(ip + 4, c->ip_id++);
  put16(ip + 6, 0x4000);
  ip[8] = 64;
  ip[9] = 6;
  put16(ip + 10, 0);
  static const uint8_t addr[2][4] = {{10, 0, 0, 1}, {10, 0, 0, 2}};
  memcpy(ip + 12, addr[dir], 4);
  memcpy(ip + 16, addr[!dir], 4);
  uint8_t *tcp = ip + 20;
  put16(tcp, c->port[dir]);
  put16(tcp + 2, c->port[!dir]);
  put32(tcp + 4, seq);
  put32(tcp + 8, (flags & F_ACK) ? c->next_seq[!dir] : 0);
  tcp[12] = 5 << 4;
  tcp[13] = (uint8_t)flags;
  put16(tcp + 14, 65535);
  put16(tcp + 16, 0);
  put16(tcp + 18, 0);
  if (plen)
    memcpy(tcp + 20, payload, plen);
  dx_frame f = {.ts_sec = 1700000000,
                .ts_nsec = (uint32_t)c->frame_no * 1000,
                .caplen = (uint32_t)len,
                .wirelen = (uint32_t)len,
                .linktype = 1,
                .data = fr};
  c->frame_no++;
  dx_packet *p = NULL;
  if (dx_session_dissect(c->s, &f, &p) == DX_OK) {
    dx_write_summary(sink, p);
    dx_write_tree(sink, p);
    dx_write_hex(sink, p);
    dx_write_json(sink, p, 0);
    json_object *j = dx_packet_to_json(p);
    if (j)
      json_object_put(j);
    fflush(sink);
    rewind(sink);
    dx_packet_free(p);
  }
  free(fr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2)
    return 0;
  if (!sink) {
    sink = open_memstream(&sink_buf, &sink_len);
    if (!sink)
      abort();
  }
  static const uint16_t ports[] = {443, 80, 53, 8080};
  conn c;
  memset(&c, 0, sizeof c);
  c.port[0] = 51000;
  c.port[1] = data[0] < 4 ? ports[data[0]] : 443;
  unsigned mode = data[1];
  data += 2;
  size -= 2;

  dx_config cfg;
  memset(&cfg, 0, sizeof cfg);
  if (mode & 1) {
    cfg.max_stream_bytes = 3000;
    cfg.max_total_stream_bytes = 5000;
  }
  if (dx_session_new(&c.s, &cfg) != DX_OK)
    abort();
  if (mode & 2) {
    const dx_field *fs[3];
    size_t n = 0;
    static const char *const names[] = {"tls.handshake.type", "http.request.uri", "dns.qry.name"};
    for (int i = 0; i < 3; i++)
      if ((fs[n] = dx_field_lookup(c.s, names[i])) != NULL)
        n++;
    dx_session_set_interest(c.s, fs, n, DX_INTEREST_COLUMNS);
  }

  /* Handshake. */
  uint32_t isn[2] = {0x10000000u, 0xfffff000u}; /* the server's wraps */
  c.next_seq[0] = isn[0];
  emit(&c, 0, isn[0], F_SYN, NULL, 0);
  c.next_seq[0] = isn[0] + 1;
  c.next_seq[1] = isn[1];
  emit(&c, 1, isn[1], F_SYN | F_ACK, NULL, 0);
  c.next_seq[1] = isn[1] + 1;
  emit(&c, 0, c.next_seq[0], F_ACK, NULL, 0);
  for (int d = 0; d < 2; d++) {
    c.last_seq[d] = c.next_seq[d];
    c.last_len[d] = 0;
  }

  /* A segment held back for mode 4. */
  int held = 0, held_dir = 0;
  uint32_t held_seq = 0;
  unsigned held_flags = 0;
  const uint8_t *held_p = NULL;
  size_t held_len = 0;

  size_t pos = 0;
  for (int i = 0; i < MAX_SEGMENTS && pos + 3 <= size; i++) {
    unsigned ctl = data[pos];
    size_t len = ((size_t)data[pos + 1] << 8) | data[pos + 2];
    pos += 3;
    if (len > size - pos)
      len = size - pos;
    const uint8_t *payload = data + pos;
    pos += len;
    if (len > MAX_PAYLOAD)
      len = MAX_PAYLOAD;
    int dir = ctl & 1;
    unsigned kind = (ctl >> 1) & 7;
    unsigned flags = ((ctl & 0x10) ? 0 : F_PSH) | ((ctl & 0x20) ? 0 : F_ACK);
    uint32_t seq = c.next_seq[dir];
    switch (kind) {
    case 1: seq = c.last_seq[dir]; break;
    case 2: seq = c.last_seq[dir] + c.last_len[dir] / 2; break;
    case 3: seq = c.next_seq[dir] + 100; break;
    case 5: flags |= F_FIN; break;
    case 6: flags |= F_RST; break;
    case 7: seq = c.next_seq[dir] - 1; break;
    default: break;
    }
    uint32_t end = seq + (uint32_t)len + ((flags & F_FIN) ? 1 : 0);
    if ((int32_t)(end - c.next_seq[dir]) > 0)
      c.next_seq[dir] = end;
    c.last_seq[dir] = seq;
    c.last_len[dir] = (uint32_t)len;
    if (kind == 4 && !held) {
      held = 1;
      held_dir = dir;
      held_seq = seq;
      held_flags = flags;
      held_p = payload;
      held_len = len;
      continue;
    }
    emit(&c, dir, seq, flags, payload, len);
    if (held) {
      emit(&c, held_dir, held_seq, held_flags, held_p, held_len);
      held = 0;
    }
  }
  if (held)
    emit(&c, held_dir, held_seq, held_flags, held_p, held_len);
  /* Close both directions. */
  emit(&c, 0, c.next_seq[0], F_FIN | F_ACK, NULL, 0);
  c.next_seq[0]++;
  emit(&c, 1, c.next_seq[1], F_FIN | F_ACK, NULL, 0);
  c.next_seq[1]++;
  emit(&c, 0, c.next_seq[0], F_ACK, NULL, 0);
  dx_session_free(c.s);
  return 0;
}
