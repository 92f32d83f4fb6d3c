/* libFuzzer harness for TCP payloads: one IPv4/TCP connection over
 * Ethernet, a valid three-way handshake, then segments whose payloads and
 * sequence-number games come from the input, so the reassembler and the
 * dissectors above it (TLS, X.509, HTTP with chunked/gzip bodies and bodies
 * kept until the FIN, DNS over TCP, IMAP and its STARTTLS) see hostile
 * streams.
 *
 * Input format (also produced by tests/fuzz/make_seeds.py):
 *   byte 0   server port selector: 0 443 (TLS), 1 80 (HTTP), 2 53 (DNS),
 *            3 8080, 4 143 (IMAP, then TLS after STARTTLS), 5 21 (FTP, its
 *            data connections announced), 6 22 (SSH), 7 5900 (VNC),
 *            8 25 (SMTP, its messages as IMF and MIME), 9 110 (POP3),
 *            anything else 443
 *   byte 1   flags: 1 = the session uses small stream caps, 2 = terse mode;
 *            bits 2-7: the output form of the first packet (fuzzutil.h)
 *   then segments: a control byte, a 2-byte big-endian length, the payload
 *   (a length past the end takes what is left). Control byte:
 *     bit 0     direction: 0 client to server, 1 server to client
 *     bits 1-3  sequence: 0 next in order, 1 retransmission of the
 *               previous segment's start, 2 overlapping the previous
 *               segment by half its length, 3 a gap of 100 bytes, 4 held
 *               back and sent after the next segment (out of order),
 *               5 in order then FIN, 6 in order then RST, 7 seq - 1
 *     bit 4     no PSH
 *     bit 5     no ACK flag
 * The frames are built and written out by tcpconn.h. One session per caps
 * setting, reset after every input and reused. */
#include "tcpconn.h"

#define MAX_SEGMENTS 96

static dx_session *sessions[2]; /* [small caps] */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2)
    return 0;
  static const uint16_t ports[] = {443, 80, 53, 8080, 143, 21, 22, 5900, 25, 110};
  tcpconn c;
  memset(&c, 0, sizeof c);
  c.port[0] = 51000;
  c.port[1] = data[0] < sizeof ports / sizeof ports[0] ? ports[data[0]] : 443;
  unsigned mode = data[1];
  c.form = mode >> 2;
  c.pick = (unsigned)(size % 8);
  data += 2;
  size -= 2;

  dx_config cfg;
  memset(&cfg, 0, sizeof cfg);
  if (mode & 1) {
    cfg.max_stream_bytes = 3000;
    cfg.max_total_stream_bytes = 5000;
  }
  c.s = fz_session(&sessions[mode & 1], &cfg);
  static const char *const names[] = {"tls.handshake.type", "http.request.uri", "dns.qry.name"};
  fz_interest(c.s, names, (mode & 2) ? 3 : 0, DX_INTEREST_COLUMNS);

  tcpconn_open(&c);
  tcpconn_segments(&c, data, size, MAX_SEGMENTS);
  tcpconn_close(&c);
  fz_done(&sessions[mode & 1]);
  return 0;
}
