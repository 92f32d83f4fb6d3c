/* -w FILE [-F pcap|pcapng]: the displayed frames written to a capture file.
 * pcap goes through libpcap's dumper; pcapng (which libpcap 1.10 cannot
 * write) is written here: a Section Header Block, an Interface Description
 * Block per link type met (nanosecond time stamps) and an Enhanced Packet
 * Block per frame, with its packet comments (opt_comment), as tshark keeps
 * them. */
#include "cli.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_IFACES 64

struct cli_writer {
  const char *path;
  int pcapng;
  /* pcap */
  pcap_t *dead;
  pcap_dumper_t *dumper;
  int linktype;
  /* pcapng */
  FILE *fp;
  int ifaces[MAX_IFACES]; /* link type of each interface written */
  int nifaces;
  int failed;
};

int cli_writer_format_ok(const char *name) {
  return strcmp(name, "pcap") == 0 || strcmp(name, "pcapng") == 0 || strcmp(name, "libpcap") == 0;
}

static void wfail(cli_writer *w, const char *what) {
  if (!w->failed)
    fprintf(stderr, "dissect: writing %s: %s\n", strcmp(w->path, "-") ? w->path : "standard output",
            what);
  w->failed = 1;
}

/* Little-endian (the SHB's byte order magic says so) block pieces. */
static void put32(uint8_t *b, uint32_t v) {
  b[0] = (uint8_t)v;
  b[1] = (uint8_t)(v >> 8);
  b[2] = (uint8_t)(v >> 16);
  b[3] = (uint8_t)(v >> 24);
}

static void ng_write(cli_writer *w, const void *b, size_t n) {
  if (!w->failed && fwrite(b, 1, n, w->fp) != n)
    wfail(w, strerror(errno));
}

static void ng_shb(cli_writer *w) {
  uint8_t b[28];
  put32(b, 0x0A0D0D0A);
  put32(b + 4, 28);
  put32(b + 8, 0x1A2B3C4D);
  b[12] = 1, b[13] = 0, b[14] = 0, b[15] = 0; /* version 1.0 */
  put32(b + 16, 0xffffffff);                  /* section length: unknown */
  put32(b + 20, 0xffffffff);
  put32(b + 24, 28);
  ng_write(w, b, sizeof b);
}

/* The interface for a link type, written when first met; -1 if too many. */
static int ng_iface(cli_writer *w, int linktype) {
  for (int i = 0; i < w->nifaces; i++)
    if (w->ifaces[i] == linktype)
      return i;
  if (w->nifaces == MAX_IFACES)
    return -1;
  uint8_t b[32];
  put32(b, 1);
  put32(b + 4, 32);
  b[8] = (uint8_t)linktype;
  b[9] = (uint8_t)(linktype >> 8);
  b[10] = b[11] = 0;
  put32(b + 12, 262144);                /* snap length */
  b[16] = 9, b[17] = 0;                 /* if_tsresol */
  b[18] = 1, b[19] = 0;                 /* length 1 */
  b[20] = 9, b[21] = b[22] = b[23] = 0; /* 10^-9, padded */
  put32(b + 24, 0);                     /* opt_endofopt */
  put32(b + 28, 32);
  ng_write(w, b, sizeof b);
  w->ifaces[w->nifaces] = linktype;
  return w->nifaces++;
}

cli_writer *cli_writer_open(const char *path, const char *format, int linktype) {
  cli_writer *w = calloc(1, sizeof *w);
  if (!w) {
    fprintf(stderr, "dissect: out of memory\n");
    return NULL;
  }
  w->path = path;
  w->linktype = linktype;
  w->pcapng = format && strcmp(format, "pcapng") == 0;
  int to_stdout = strcmp(path, "-") == 0;
  if (w->pcapng) {
    w->fp = to_stdout ? stdout : fopen(path, "wb");
    if (!w->fp) {
      fprintf(stderr, "dissect: cannot write %s: %s\n", path, strerror(errno));
      free(w);
      return NULL;
    }
    ng_shb(w);
    return w;
  }
  w->dead = pcap_open_dead_with_tstamp_precision(linktype, 262144, PCAP_TSTAMP_PRECISION_MICRO);
  if (!w->dead) {
    fprintf(stderr, "dissect: cannot write %s: libpcap refused link type %d\n", path, linktype);
    free(w);
    return NULL;
  }
  w->dumper = to_stdout ? pcap_dump_fopen(w->dead, stdout) : pcap_dump_open(w->dead, path);
  if (!w->dumper) {
    fprintf(stderr, "dissect: cannot write %s: %s\n", path, pcap_geterr(w->dead));
    pcap_close(w->dead);
    free(w);
    return NULL;
  }
  return w;
}

int cli_writer_write(cli_writer *w, const dx_frame *f, const char *comments, size_t clen) {
  if (w->failed)
    return -1;
  if (!w->pcapng) {
    if (f->linktype != w->linktype) {
      char msg[160];
      snprintf(msg, sizeof msg,
               "frames of link type %d and %d cannot share a pcap file (use -F pcapng)",
               w->linktype, f->linktype);
      wfail(w, msg);
      return -1;
    }
    struct pcap_pkthdr h;
    h.ts.tv_sec = (time_t)f->ts_sec;
    h.ts.tv_usec = (suseconds_t)(f->ts_nsec / 1000);
    h.caplen = f->caplen;
    h.len = f->wirelen;
    pcap_dump((u_char *)w->dumper, &h, f->data);
    return 0;
  }
  int ifc = ng_iface(w, f->linktype);
  if (ifc < 0) {
    wfail(w, "more than 64 link types");
    return -1;
  }
  uint32_t pad = (4 - (f->caplen & 3)) & 3;
  /* the options: each comment (NUL-ended in comments) padded to 4 bytes,
   * then opt_endofopt; none without comments */
  uint64_t olen = 0;
  for (size_t i = 0; i < clen;) {
    size_t l = strnlen(comments + i, clen - i);
    if (l > 65535)
      l = 65535;
    olen += 4 + ((l + 3) & ~(size_t)3);
    i += strnlen(comments + i, clen - i) + 1;
  }
  if (olen)
    olen += 4;
  if (olen + 32 + f->caplen + pad > UINT32_MAX / 2) {
    wfail(w, "packet comments too long for a block");
    return -1;
  }
  uint32_t total = 32 + f->caplen + pad + (uint32_t)olen;
  uint64_t ts = (uint64_t)f->ts_sec * 1000000000u + f->ts_nsec;
  uint8_t b[28];
  put32(b, 6);
  put32(b + 4, total);
  put32(b + 8, (uint32_t)ifc);
  put32(b + 12, (uint32_t)(ts >> 32));
  put32(b + 16, (uint32_t)ts);
  put32(b + 20, f->caplen);
  put32(b + 24, f->wirelen);
  ng_write(w, b, sizeof b);
  ng_write(w, f->data, f->caplen);
  static const uint8_t zero[4];
  ng_write(w, zero, pad);
  for (size_t i = 0; i < clen;) {
    size_t full = strnlen(comments + i, clen - i), l = full > 65535 ? 65535 : full;
    b[0] = 1, b[1] = 0; /* opt_comment */
    b[2] = (uint8_t)l, b[3] = (uint8_t)(l >> 8);
    ng_write(w, b, 4);
    ng_write(w, comments + i, l);
    ng_write(w, zero, (4 - (l & 3)) & 3);
    i += full + 1;
  }
  if (olen)
    ng_write(w, zero, 4); /* opt_endofopt */
  put32(b, total);
  ng_write(w, b, 4);
  return w->failed ? -1 : 0;
}

int cli_writer_close(cli_writer *w) {
  if (!w)
    return 0;
  int bad = w->failed;
  if (w->pcapng) {
    if (fflush(w->fp) != 0 || ferror(w->fp))
      wfail(w, strerror(errno)), bad = 1;
    if (w->fp != stdout && fclose(w->fp) != 0 && !bad)
      wfail(w, strerror(errno)), bad = 1;
  } else {
    if (pcap_dump_flush(w->dumper) != 0)
      wfail(w, "write failed"), bad = 1;
    if (strcmp(w->path, "-") == 0)
      pcap_dump_flush(w->dumper); /* pcap_dump_close would close stdout */
    else
      pcap_dump_close(w->dumper);
    pcap_close(w->dead);
  }
  free(w);
  return bad ? -1 : 0;
}
