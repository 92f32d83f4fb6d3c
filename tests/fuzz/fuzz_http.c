/* libFuzzer harness for HTTP/1.x (proto/http.c, http_body.c): the text of
 * both directions of one connection, cut into TCP segments in several
 * ways, so requests and responses, pipelining, headers across segments,
 * chunked and coded bodies (gzip, deflate, brotli) and request/response
 * matching see hostile text without the segment headers of fuzz_stream
 * between the bytes (the dictionary's tokens land whole).
 *
 * Input format (seeds: make_entry_seeds.py):
 *   byte 0   mode: bits 0-1 segmentation: 0 segments of at most 1460
 *            bytes, 1 segments of (byte 1 % 64) + 1 bytes (the first 48;
 *            then as 0), 2 a segment per line (cut after every '\n'), 3
 *            sizes of 1..1460 from a generator seeded with byte 1; bit 2
 *            small stream caps; bit 3 terse mode; bit 4 server port 8080
 *            (else 80); bits 5-7 the output form of the first packet
 *            (fuzzutil.h)
 *   byte 1   segmentation parameter
 *   then     chunks separated by the two bytes ff fe: the 1st, 3rd, ...
 *            from the client, the 2nd, 4th, ... from the server
 * One connection (tcpconn.h), at most 160 segments; one session per caps
 * setting, reset after every input and reused. */
#include "tcpconn.h"

#define MAX_SEGMENTS 160
/* Mode 1 (fixed small sizes) cuts the first FINE_SEGMENTS segments at its
 * size, then goes on in segments of at most 1460 bytes, as mode 0: up to
 * 160 segments of a few bytes were most of the packets over the corpus;
 * headers and chunks split across segments are reached in the first ones. */
#define FINE_SEGMENTS 48

static dx_session *sessions[2]; /* [small caps] */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2)
    return 0;
  unsigned mode = data[0], param = data[1];
  data += 2;
  size -= 2;
  tcpconn c;
  memset(&c, 0, sizeof c);
  c.port[0] = 51000;
  c.port[1] = (mode & 16) ? 8080 : 80;
  c.form = mode >> 5;
  c.pick = (unsigned)(size % 8);
  c.lean = (unsigned)(size >> 3) & 1;  /* labels of the packet picked only */
  c.brief = (unsigned)(size >> 4) & 1; /* no handshake ACK, no last ACK */
  dx_config cfg;
  memset(&cfg, 0, sizeof cfg);
  if (mode & 4) {
    cfg.max_stream_bytes = 3000;
    cfg.max_total_stream_bytes = 5000;
  }
  unsigned variant = (mode >> 2) & 1;
  c.s = fz_session(&sessions[variant], &cfg);
  static const char *const names[] = {"http.request.uri", "http.response.code", "http.file_data"};
  fz_interest(c.s, names, (mode & 8) ? 3 : 0, DX_INTEREST_COLUMNS);

  tcpconn_open(&c);
  uint32_t rng = 0x9e3779b9u ^ param;
  int segs = 0, dir = 0;
  size_t pos = 0;
  while (pos <= size && segs < MAX_SEGMENTS) {
    /* the chunk [pos, end) */
    size_t end = pos;
    while (end + 1 < size && !(data[end] == 0xff && data[end + 1] == 0xfe))
      end++;
    if (end + 1 >= size)
      end = size;
    size_t off = pos;
    while (off < end && segs < MAX_SEGMENTS) {
      size_t n = end - off;
      switch (mode & 3) {
      case 1: n = segs < FINE_SEGMENTS ? param % 64 + 1 : n; break;
      case 2: {
        const uint8_t *nl = memchr(data + off, '\n', end - off);
        n = nl ? (size_t)(nl - (data + off)) + 1 : end - off;
        break;
      }
      case 3:
        rng ^= rng << 13;
        rng ^= rng >> 17;
        rng ^= rng << 5;
        n = 1 + rng % TCPCONN_MAX_PAYLOAD;
        break;
      default: break;
      }
      if (n > TCPCONN_MAX_PAYLOAD)
        n = TCPCONN_MAX_PAYLOAD;
      if (n > end - off)
        n = end - off;
      tcpconn_send(&c, dir, data + off, n);
      segs++;
      off += n;
    }
    pos = end + 2;
    dir ^= 1;
  }
  tcpconn_close(&c);
  fz_done(&sessions[variant]);
  return 0;
}
