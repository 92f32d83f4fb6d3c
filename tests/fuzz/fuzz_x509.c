/* libFuzzer harness for X.509 DER certificates as TLS carries them
 * (proto/x509.c: OpenSSL's decoder and the bounded DER walker that places
 * every node; analysis/trust.c: the chain's verdict against the trust
 * store, the SNI, validity at the capture's time, weak keys). The input's
 * certificates are put in a TLS 1.2 Certificate handshake message sent by
 * the server of one TCP connection to port 443 (tcpconn.h), in records of
 * at most 16 KiB.
 *
 * Input format (seeds: make_entry_seeds.py, from the certificates of the
 * samples):
 *   byte 0   mode: bit 0 a ClientHello with SNI www.example.test is sent
 *            first (the verdict then checks the name); bit 1 terse mode
 *            (interest in tls.handshake.type only: the certificate is
 *            decoded for its length, core of x509.c's memo); bit 2 the rest
 *            is a chain: certificates each with a 2-byte big-endian length
 *            (at most 16), else the rest is one certificate; bits 3-7 the
 *            output form of the first packet (fuzzutil.h)
 *   then     the DER bytes
 * The last certificate's bytes are also sent as a stapled OCSP response
 * (proto/ocsp.c: a CertificateStatus message of type OCSP after the
 * Certificate), so that a chain seed ending in an OCSP response
 * (make_entry_seeds.py: those of tests/differential/ocsp_gen.py) reaches
 * the OCSP parser, certificates in its certs list included.
 * One session, reset after every input and reused (the trust store is
 * loaded once). */
#include "tcpconn.h"

#define MAX_CERTS 16
#define MAX_DER 60000

static dx_session *session;

static void put24(uint8_t *p, size_t v) {
  p[0] = (uint8_t)(v >> 16);
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)v;
}

/* Sends a handshake message as records of type 22 of at most 16 KiB. */
static void send_handshake(tcpconn *c, int dir, const uint8_t *hs, size_t n) {
  size_t out_len = n + 5 * (n / 16384 + 1);
  uint8_t *out = malloc(out_len);
  if (!out)
    abort();
  size_t o = 0;
  for (size_t off = 0; off < n || off == 0;) {
    size_t k = n - off > 16384 ? 16384 : n - off;
    out[o] = 22;
    out[o + 1] = 3;
    out[o + 2] = 3;
    tcpconn_put16(out + o + 3, (uint32_t)k);
    memcpy(out + o + 5, hs + off, k);
    o += 5 + k;
    off += k;
    if (n == 0)
      break;
  }
  for (size_t off = 0; off < o; off += TCPCONN_MAX_PAYLOAD)
    tcpconn_send(c, dir, out + off, o - off > TCPCONN_MAX_PAYLOAD ? TCPCONN_MAX_PAYLOAD : o - off);
  free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  unsigned mode = data[0];
  data++;
  size--;
  if (size > MAX_DER)
    size = MAX_DER;
  /* the certificates: (offset, length) in data */
  size_t off[MAX_CERTS], len[MAX_CERTS], n = 0;
  if (mode & 4) {
    size_t pos = 0;
    while (n < MAX_CERTS && pos + 2 <= size) {
      size_t l = ((size_t)data[pos] << 8) | data[pos + 1];
      pos += 2;
      if (l > size - pos)
        l = size - pos;
      off[n] = pos;
      len[n++] = l;
      pos += l;
    }
  } else {
    off[0] = 0;
    len[0] = size;
    n = 1;
  }
  /* Certificate: type 11, length, certificate_list length, each with its
   * 3-byte length */
  size_t body = 0;
  for (size_t i = 0; i < n; i++)
    body += 3 + len[i];
  uint8_t *hs = malloc(4 + 3 + body);
  if (!hs)
    abort();
  hs[0] = 11;
  put24(hs + 1, 3 + body);
  put24(hs + 4, body);
  size_t o = 7;
  for (size_t i = 0; i < n; i++) {
    put24(hs + o, len[i]);
    memcpy(hs + o + 3, data + off[i], len[i]);
    o += 3 + len[i];
  }

  tcpconn c;
  memset(&c, 0, sizeof c);
  c.port[0] = 51000;
  c.port[1] = 443;
  c.form = mode >> 3;
  c.pick = (unsigned)(size % 8);
  c.lean = (unsigned)(size >> 3) & 1; /* labels of the packet picked only */
  c.s = fz_session(&session, NULL);
  static const char *const names[] = {"tls.handshake.type"};
  fz_interest(c.s, names, (mode & 2) ? 1 : 0, DX_INTEREST_COLUMNS);
  tcpconn_open(&c);
  if (mode & 1) {
    /* ClientHello: TLS 1.2, random, no session id, one suite, null
     * compression, server_name www.example.test */
    static const uint8_t ch[] = {1,   0,   0,    0x44, 3,    3,    1,    2,    3,   4,   5,    6,
                                 7,   8,   9,    10,   11,   12,   13,   14,   15,  16,  17,   18,
                                 19,  20,  21,   22,   23,   24,   25,   26,   27,  28,  29,   30,
                                 31,  32,  0,    0,    2,    0xc0, 0x2f, 1,    0,   0,   0x19, 0,
                                 0,   0,   0x15, 0,    0x13, 0,    0,    0x10, 'w', 'w', 'w',  '.',
                                 'e', 'x', 'a',  'm',  'p',  'l',  'e',  '.',  't', 'e', 's',  't'};
    send_handshake(&c, 0, ch, sizeof ch);
  }
  send_handshake(&c, 1, hs, o);
  /* CertificateStatus: type 22, length, status_type 1 (OCSP), the
   * response with its 3-byte length */
  size_t last = n ? len[n - 1] : 0;
  uint8_t *cs = malloc(4 + 1 + 3 + last + 1);
  if (!cs)
    abort();
  cs[0] = 22;
  put24(cs + 1, 1 + 3 + last);
  cs[4] = 1;
  put24(cs + 5, last);
  if (last)
    memcpy(cs + 8, data + off[n - 1], last);
  send_handshake(&c, 1, cs, 8 + last);
  free(cs);
  tcpconn_close(&c);
  fz_done(&session);
  free(hs);
  return 0;
}
