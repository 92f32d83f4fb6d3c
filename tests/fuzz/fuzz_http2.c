/* libFuzzer harness for HTTP/2 (proto/http2.c with HPACK through
 * libnghttp2, and the body decoders behind it): a cleartext h2c connection
 * whose frames come from the input, played as one TCP connection
 * (tcpconn.h) to port 8080, or to port 80 after an HTTP/1.1 Upgrade: h2c.
 * HTTP/2 is found on a cleartext connection by its client connection
 * preface, so byte 0 can put the preface in front of the client's bytes.
 *
 * Input format (seeds: make_http2_seeds.py):
 *   byte 0   mode: bits 0-1 preface: 0 none (the input has to bring it),
 *            1 sent as the client's first segment, 2 put in front of the
 *            client's first segment of the input, 3 an HTTP/1.1 request
 *            with Upgrade: h2c and HTTP2-Settings to port 80, the server's
 *            101 Switching Protocols, then the preface as in 1;
 *            bit 2 small stream caps; bit 3 terse mode; bits 4-7 the
 *            output form of the first packet (fuzzutil.h)
 *   then     segments as in fuzz_stream (a control byte with the direction
 *            and sequence games, a 2-byte big-endian length, the payload),
 *            at most 96.
 * Every packet is written in one output form into a memory stream. One
 * session per caps setting, reset after every input and reused. */
#include "tcpconn.h"

#define MAX_SEGMENTS 96

static const char preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
static const char upgrade_req[] = "GET / HTTP/1.1\r\n"
                                  "Host: www.example.test\r\n"
                                  "Connection: Upgrade, HTTP2-Settings\r\n"
                                  "Upgrade: h2c\r\n"
                                  "HTTP2-Settings: AAMAAABkAAQAAP__\r\n"
                                  "\r\n";
static const char upgrade_resp[] = "HTTP/1.1 101 Switching Protocols\r\n"
                                   "Connection: Upgrade\r\n"
                                   "Upgrade: h2c\r\n"
                                   "\r\n";

static dx_session *sessions[2]; /* [small caps] */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  unsigned mode = data[0];
  unsigned pre = mode & 3;
  data++;
  size--;

  tcpconn c;
  memset(&c, 0, sizeof c);
  c.port[0] = 51000;
  c.port[1] = pre == 3 ? 80 : 8080;
  c.form = mode >> 4;
  c.pick = (unsigned)(size % 8);
  dx_config cfg;
  memset(&cfg, 0, sizeof cfg);
  if (mode & 4) {
    cfg.max_stream_bytes = 3000;
    cfg.max_total_stream_bytes = 5000;
  }
  unsigned variant = (mode >> 2) & 1;
  c.s = fz_session(&sessions[variant], &cfg);
  static const char *const names[] = {"http2.type", "http2.header.name", "http2.streamid",
                                      "http.request.uri"};
  fz_interest(c.s, names, (mode & 8) ? 4 : 0, DX_INTEREST_COLUMNS);

  tcpconn_open(&c);
  if (pre == 3) {
    tcpconn_send(&c, 0, (const uint8_t *)upgrade_req, sizeof upgrade_req - 1);
    tcpconn_send(&c, 1, (const uint8_t *)upgrade_resp, sizeof upgrade_resp - 1);
  }
  if (pre == 1 || pre == 3) {
    tcpconn_send(&c, 0, (const uint8_t *)preface, sizeof preface - 1);
  }
  uint8_t *copy = NULL;
  if (pre == 2) {
    /* A copy of the input with the preface put in front of the payload of
     * the first client segment (or, if there is none, a client segment
     * with the preface at the end). */
    const size_t pl = sizeof preface - 1;
    size_t pos = 0;
    while (pos + 3 <= size && (data[pos] & 1)) {
      size_t len = ((size_t)data[pos + 1] << 8) | data[pos + 2];
      pos += 3 + (len < size - pos - 3 ? len : size - pos - 3);
    }
    copy = malloc(size + 3 + pl);
    if (!copy)
      abort();
    memcpy(copy, data, pos);
    if (pos + 3 <= size) {
      size_t len = ((size_t)data[pos + 1] << 8) | data[pos + 2];
      if (len > size - pos - 3)
        len = size - pos - 3;
      if (len > 0xffff - pl) /* the rest is read as the next segments */
        len = 0xffff - pl;
      copy[pos] = data[pos];
      tcpconn_put16(copy + pos + 1, (uint32_t)(len + pl));
      memcpy(copy + pos + 3, preface, pl);
      memcpy(copy + pos + 3 + pl, data + pos + 3, size - pos - 3);
      size += pl;
    } else {
      copy[pos] = 0;
      tcpconn_put16(copy + pos + 1, (uint32_t)pl);
      memcpy(copy + pos + 3, preface, pl);
      size = pos + 3 + pl;
    }
    data = copy;
  }
  tcpconn_segments(&c, data, size, MAX_SEGMENTS);
  tcpconn_close(&c);
  fz_done(&sessions[variant]);
  free(copy);
  return 0;
}
