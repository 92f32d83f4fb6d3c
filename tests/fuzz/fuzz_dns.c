/* libFuzzer harness for DNS messages over UDP (proto/dns.c): names with
 * compression pointers, every record type's data, EDNS, and the matching
 * of queries with responses (dns.response_in, dns.time, the table of
 * pending queries and its cap) across the messages of one input.
 *
 * Input format (seeds: make_dns_seeds.py):
 *   byte 0   mode: bit 0 IPv6 (else IPv4); bit 1 tiny caps (4 flows, 4
 *            pending queries); bit 2 terse mode (interest in
 *            dns.qry.name, dns.a, dns.time); bits 3-7 the output form of
 *            the first packet (fuzzutil.h)
 *   then     up to 32 messages: a control byte, a 2-byte big-endian length
 *            and the DNS message (a length past the end takes what is
 *            left). Control byte: bit 0 direction (0 client to server port
 *            53, 1 the server's answer), bits 1-2 which of four client
 *            ports, bits 3-7 seconds added to the clock before the message
 * Each message is one Ethernet/IP/UDP frame; one session per caps setting,
 * reset after every input and reused. */
#include "fuzzutil.h"

#define MAX_MSGS 32

static void put16(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

static void feed(dx_session *s, int v6, int from_server, uint16_t cport, const uint8_t *msg,
                 size_t n, int64_t sec, uint32_t nsec, unsigned form) {
  size_t iph = v6 ? 40 : 20;
  size_t len = 14 + iph + 8 + n;
  uint8_t *fr = malloc(len);
  if (!fr)
    abort();
  static const uint8_t mac[2][6] = {{0x02, 0, 0, 0, 0, 1}, {0x02, 0, 0, 0, 0, 2}};
  memcpy(fr, mac[!from_server], 6);
  memcpy(fr + 6, mac[from_server], 6);
  put16(fr + 12, v6 ? 0x86dd : 0x0800);
  uint8_t *ip = fr + 14;
  memset(ip, 0, iph);
  uint8_t a[16] = {0}, b[16] = {0};
  if (v6) {
    a[0] = b[0] = 0xfd;
    a[15] = 1;
    b[15] = 2;
    ip[0] = 0x60;
    put16(ip + 4, (uint32_t)(8 + n));
    ip[6] = 17;
    ip[7] = 64;
    memcpy(ip + 8, from_server ? b : a, 16);
    memcpy(ip + 24, from_server ? a : b, 16);
  } else {
    a[0] = b[0] = 10;
    a[3] = 1;
    b[3] = 2;
    ip[0] = 0x45;
    put16(ip + 2, (uint32_t)(20 + 8 + n));
    ip[8] = 64;
    ip[9] = 17;
    memcpy(ip + 12, from_server ? b : a, 4);
    memcpy(ip + 16, from_server ? a : b, 4);
  }
  uint8_t *u = ip + iph;
  put16(u, from_server ? 53 : cport);
  put16(u + 2, from_server ? cport : 53);
  put16(u + 4, (uint32_t)(8 + n));
  put16(u + 6, 0);
  if (n)
    memcpy(u + 8, msg, n);
  dx_frame f = {.ts_sec = sec,
                .ts_nsec = nsec,
                .caplen = (uint32_t)len,
                .wirelen = (uint32_t)len,
                .linktype = 1,
                .data = fr};
  dx_packet *p = NULL;
  if (dx_session_dissect(s, &f, &p) == DX_OK) {
    fz_packet(p, form, NULL);
  }
  free(fr);
}

static dx_session *sessions[2]; /* [tiny caps] */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  unsigned mode = data[0];
  data++;
  size--;
  fz_begin((unsigned)(size % 8));
  dx_config cfg;
  memset(&cfg, 0, sizeof cfg);
  if (mode & 2) {
    cfg.max_flows = 4;
    cfg.max_dns_pending = 4;
  }
  unsigned variant = (mode >> 1) & 1;
  dx_session *s = fz_session(&sessions[variant], &cfg);
  static const char *const names[] = {"dns.qry.name", "dns.a", "dns.time"};
  fz_interest(s, names, (mode & 4) ? 3 : 0, DX_INTEREST_COLUMNS);

  int64_t sec = 1700000000;
  size_t pos = 0;
  for (unsigned i = 0; i < MAX_MSGS && pos + 3 <= size; i++) {
    unsigned ctl = data[pos];
    size_t len = ((size_t)data[pos + 1] << 8) | data[pos + 2];
    pos += 3;
    if (len > size - pos)
      len = size - pos;
    if (len > 65000)
      len = 65000;
    /* a copy of exactly the message, so ASan sees reads past its end */
    uint8_t *msg = malloc(len ? len : 1);
    if (!msg)
      abort();
    memcpy(msg, data + pos, len);
    pos += len;
    sec += ctl >> 3;
    feed(s, mode & 1, ctl & 1, (uint16_t)(50000 + ((ctl >> 1) & 3)), msg, len, sec, i * 1000,
         (mode >> 3) + i);
    free(msg);
  }
  fz_done(&sessions[variant]);
  return 0;
}
