/* Capture sources through libpcap: pcap/pcapng files (gzip-compressed
 * too, as tshark reads them), standard input and live interfaces, with BPF
 * capture filters. */
#define _GNU_SOURCE 1 /* fopencookie */
#include "dx.h"
#include "pcapng.h"

#include <errno.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef DX_HAVE_ZLIB
#include <zlib.h>
#endif

/* libpcap reads a plain file through a FILE with this buffer: one read(2)
 * per 256 KiB instead of per 4 KiB */
#define DX_CAPTURE_IOBUF (256u << 10)

struct dx_capture {
  pcap_t *pc;
  char *iobuf;   /* pc's FILE buffer (DX_CAPTURE_IOBUF), or NULL */
  dx_pcapng *ng; /* own pcapng reader, when libpcap could not read on */
  char *path;    /* the file (NULL for stdin and live) */
  bool brk;
  char *name;
  int linktype;
  bool live;
  uint64_t count;
  FILE *cfp;            /* a second handle on a pcapng file (gzip'd too): packet comments */
  struct tee *tee;      /* standard input: the bytes libpcap read, kept from the
                           current frame's block on (its comments are read there) */
  bool cswap;           /* byte order of its current section */
  long cpos;            /* where the next cread reads in the file (-1: unknown) */
  uint8_t *cbuf;        /* cfp's bytes from cbuf_off on, cbuf_len of them: the
                           block headers and options are read from here, so the
                           walk from frame to frame makes no system call */
  long cbuf_off, cfile; /* cfile: cfp's own position */
  size_t cbuf_len;
  long cnext;    /* where libpcap reads on: the end of the block of the last
                    frame (-1: unknown, ask libpcap's handle) */
  bool filtered; /* a capture filter is set (libpcap passes over frames) */
  /* dx_capture_tell() without a system call: where libpcap reads on, kept
   * here for a plain file (-1: ask its FILE). A pcap record is 16 bytes of
   * header and the frame (rec_hdr 16; 0: not a pcap file); a pcapng frame's
   * block ends at cnext. */
  long tpos;
  int rec_hdr;
  char *comments; /* of the last frame, each followed by a NUL */
  size_t comments_len, comments_cap;
  char *secrets; /* TLS key log lines from pcapng Decryption Secrets Blocks */
  size_t secrets_len;
  /* those met between the last frame and the one before it (secrets blocks
   * further on in the file), and all the secrets kept so far (DSB_MAX) */
  char *fsecrets;
  size_t fsecrets_len, fsecrets_cap, dsb_total;
  long sec_end; /* the blocks before this offset were walk_secrets()'s */
  /* pcapng read by libpcap: the sections and interfaces met by the walks
   * over its blocks (at open, and from frame to frame), and the interface
   * of the last frame (has_iface: known) */
  dx_pcapng *book;
  dx_iface_info iface;
  bool has_iface;
  bool has_pflags; /* the frame's epb_flags option */
  uint32_t pflags;
  /* dx_capture_time_precision(): of the whole capture (a pcap file's magic, a live
   * capture's precision; 0 unknown), and of the last frame (its pcapng
   * interface's, found by the walk) */
  int8_t ts_prec, frame_prec;
  bool live_usec; /* a live capture whose device gives only microseconds */
  char err[PCAP_ERRBUF_SIZE + 512];
};

/* ---- pcapng Decryption Secrets Blocks ---------------------------------
 * libpcap skips them, so the blocks are walked here once at open, from the
 * start of the file up to the first packet block (editcap --inject-secrets
 * and Wireshark write them there), and those further on are met by the
 * walk from frame to frame that reads packet comments (or by the own
 * reader), as a file that was written while connections opened carries
 * them (dx_capture_frame_secrets). Only TLS key logs (secrets type "TLSK",
 * 0x544c534b) are kept, at most DSB_MAX bytes in all. */
#define DSB_MAX (16u << 20)
#define DSB_MAX_BLOCKS 4096

static uint32_t rd32(const uint8_t *b, bool swap) {
  uint32_t v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
  if (swap)
    v = (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
  return v;
}

/* The file is read through zlib where there is one, so a gzip-compressed
 * pcapng (zlib reads plain files too) gives its secrets as well. */
#ifdef DX_HAVE_ZLIB
typedef gzFile sec_file;
#define SEC_OPEN(p) gzopen((p), "rb")
#define SEC_READ(f, b, n) (gzread((f), (b), (unsigned)(n)) == (int)(n))
#define SEC_TELL(f) ((long)gztell(f))
#define SEC_SEEK(f, o) (gzseek((f), (z_off_t)(o), SEEK_SET) == (z_off_t)(o))
#define SEC_CLOSE(f) gzclose(f)
#else
typedef FILE *sec_file;
#define SEC_OPEN(p) fopen((p), "rb")
#define SEC_READ(f, b, n) (fread((b), 1, (n), (f)) == (size_t)(n))
#define SEC_TELL(f) ftell(f)
#define SEC_SEEK(f, o) (fseek((f), (long)(o), SEEK_SET) == 0)
#define SEC_CLOSE(f) fclose(f)
#endif

/* Reads n bytes at stream offset off; false if they are not there. */
typedef bool (*sec_read_fn)(void *ctx, long off, void *buf, size_t n);

/* An Interface Description Block of len bytes at offset at, into the book:
 * its first IDB_READ bytes (an interface's name and description come
 * first among its options in practice; options past them are not read). */
#define IDB_READ 4096u
static void book_idb(dx_capture *c, sec_read_fn rd, void *ctx, long at, uint32_t len) {
  uint8_t b[IDB_READ];
  uint32_t n = len - 12 < IDB_READ ? len - 12 : IDB_READ;
  if (c->book && len >= 20 && rd(ctx, at + 8, b, n))
    dx_pcapng_book_idb(c->book, at, b, n);
}

static void walk_secrets(dx_capture *c, sec_read_fn rd, void *ctx) {
  uint8_t h[12];
  bool swap = false;
  long at = 0;
  for (unsigned n = 0; n < DSB_MAX_BLOCKS; n++) {
    if (!rd(ctx, at, h, 8))
      break;
    uint32_t type = rd32(h, false);
    if (type == 0x0A0D0D0Au) {
      /* Section Header Block: its byte-order magic says how to read on */
      if (!rd(ctx, at + 8, h + 8, 4))
        break;
      uint32_t bom = rd32(h + 8, false);
      if (bom == 0x1A2B3C4Du)
        swap = false;
      else if (bom == 0x4D3C2B1Au)
        swap = true;
      else
        break;
      if (!c->book)
        c->book = dx_pcapng_book();
      if (c->book)
        dx_pcapng_book_section(c->book, at, swap);
    } else if (n == 0) {
      break; /* not pcapng */
    }
    type = rd32(h, swap);
    uint32_t len = rd32(h + 4, swap);
    if (len < 12 || len % 4 != 0 || (long)len > LONG_MAX - at)
      break;
    if (type == 2 || type == 3 || type == 6)
      break; /* the first packet */
    if (type == 1)
      book_idb(c, rd, ctx, at, len);
    if (type == 0x0000000Au && len >= 20) {
      uint8_t dh[8];
      if (!rd(ctx, at + 8, dh, 8))
        break;
      uint32_t stype = rd32(dh, swap), slen = rd32(dh + 4, swap);
      if (stype == 0x544c534bu && slen <= len - 20 && slen <= DSB_MAX - c->dsb_total) {
        char *nb = realloc(c->secrets, c->secrets_len + slen + 1);
        if (!nb)
          break;
        c->secrets = nb;
        if (!rd(ctx, at + 16, c->secrets + c->secrets_len, slen))
          break;
        c->secrets_len += slen;
        c->secrets[c->secrets_len++] = '\n';
        c->dsb_total += slen + 1;
      }
    }
    at += (long)len;
  }
  c->sec_end = at; /* later walks take the secrets blocks from here on */
}

/* Room for n more bytes of secrets met after the first packet (and their
 * newline), within DSB_MAX for the whole file; NULL if there is none. */
static char *fsecrets_room(dx_capture *c, size_t n) {
  if (n >= DSB_MAX - c->dsb_total)
    return NULL;
  if (c->fsecrets_len + n + 1 > c->fsecrets_cap) {
    size_t cap = c->fsecrets_len + n + 1;
    char *nb = realloc(c->fsecrets, cap);
    if (!nb)
      return NULL;
    c->fsecrets = nb;
    c->fsecrets_cap = cap;
  }
  return c->fsecrets + c->fsecrets_len;
}

static void fsecrets_kept(dx_capture *c, size_t n) {
  c->fsecrets_len += n;
  c->fsecrets[c->fsecrets_len++] = '\n';
  c->dsb_total += n + 1;
}

/* A TLS key log from a secrets block the own reader met at offset at. */
static void own_reader_secrets(void *arg, const uint8_t *text, size_t n, int64_t at) {
  dx_capture *c = arg;
  char *room = at >= c->sec_end ? fsecrets_room(c, n) : NULL;
  if (room) {
    memcpy(room, text, n);
    fsecrets_kept(c, n);
  }
}

static bool file_rd(void *ctx, long off, void *buf, size_t n) {
  sec_file *fp = ctx;
  return SEC_SEEK(*fp, off) && SEC_READ(*fp, buf, n);
}

static void read_secrets(dx_capture *c, const char *path) {
  sec_file fp = SEC_OPEN(path);
  if (!fp)
    return;
  walk_secrets(c, file_rd, &fp);
  SEC_CLOSE(fp);
}

/* ---- pcapng packet comments -------------------------------------------
 * libpcap does not give the options of a packet block, so the block of the
 * frame just read is read again through a second handle: the first packet
 * block at or after the position libpcap read from whose captured length is
 * the frame's (a capture filter may have passed over others), at most
 * COMMENT_WALK blocks on; its opt_comment options are kept, COMMENT_MAX
 * bytes at most. */
#define COMMENT_WALK 64
#define COMMENT_MAX (1u << 20)

/* ---- standard input ------------------------------------------------------
 * A pipe cannot be read twice: libpcap reads it through a stdio stream of
 * ours (fopencookie) that keeps what it hands over, from the block of the
 * frame being read on (the blocks before are dropped as frames go by), so
 * that the frame's options are read there. At most TEE_MAX bytes are kept:
 * a block longer than that loses its comments, nothing else. */
#define TEE_MAX (64u << 20)

typedef struct tee {
  FILE *in;
  uint8_t *buf;
  size_t len, cap;
  long base;    /* stream offset of buf[0] */
  long total;   /* bytes handed over */
  size_t ahead; /* the last bytes of buf, read ahead and not handed over yet
                   (the blocks before the first packet, for their secrets) */
  bool pass;    /* keep nothing more (the own pcapng reader reads on) */
} tee;

static ssize_t tee_read(void *ck, char *b, size_t n) {
  tee *t = ck;
  if (t->ahead) { /* what was read ahead first */
    size_t r = n < t->ahead ? n : t->ahead;
    memcpy(b, t->buf + t->len - t->ahead, r);
    t->ahead -= r;
    t->total += (long)r;
    return (ssize_t)r;
  }
  /* read(2), not fread(3): what the pipe holds now, so that frames are
   * handed on as they arrive (fread would wait for the whole buffer; nothing
   * reads standard input through stdio before this stream) */
  ssize_t got;
  do
    got = read(fileno(t->in), b, n);
  while (got < 0 && errno == EINTR);
  if (got < 0)
    return -1;
  size_t r = (size_t)got;
  if (t->pass) {
    t->total += (long)r;
    return (ssize_t)r;
  }
  if (t->len + r > TEE_MAX) { /* keep nothing: no comments for this block */
    t->len = 0;
    t->base = t->total + (long)r;
  } else {
    if (t->len + r > t->cap) {
      size_t cap = t->cap ? t->cap : 65536;
      while (cap < t->len + r)
        cap *= 2;
      uint8_t *nb = realloc(t->buf, cap);
      if (!nb) {
        t->len = 0;
        t->base = t->total + (long)r;
        t->total += (long)r;
        return (ssize_t)r;
      }
      t->buf = nb;
      t->cap = cap;
    }
    memcpy(t->buf + t->len, b, r);
    t->len += r;
  }
  t->total += (long)r;
  return (ssize_t)r;
}

/* Reads standard input ahead (kept, handed over later) until the bytes at
 * stream offset [off, off + n) are kept; false at the end of the input, on
 * an error, or past TEE_MAX. */
static bool tee_have(tee *t, long off, size_t n) {
  if (off < t->base || n > TEE_MAX)
    return false;
  while ((uint64_t)(off - t->base) + n > t->len) {
    size_t want = (size_t)((uint64_t)(off - t->base) + n - t->len);
    if (t->len + want > TEE_MAX)
      return false;
    if (t->len + want > t->cap) {
      size_t cap = t->cap ? t->cap : 65536;
      while (cap < t->len + want)
        cap *= 2;
      uint8_t *nb = realloc(t->buf, cap);
      if (!nb)
        return false;
      t->buf = nb;
      t->cap = cap;
    }
    ssize_t got;
    do
      got = read(fileno(t->in), t->buf + t->len, want);
    while (got < 0 && errno == EINTR);
    if (got <= 0)
      return false;
    t->len += (size_t)got;
    t->ahead += (size_t)got;
  }
  return true;
}

static bool tee_rd(void *ctx, long off, void *buf, size_t n) {
  tee *t = ctx;
  if (!tee_have(t, off, n))
    return false;
  memcpy(buf, t->buf + (off - t->base), n);
  return true;
}

/* Only telling where it is (ftell): a pipe does not seek. */
static int tee_seek(void *ck, off64_t *pos, int whence) {
  tee *t = ck;
  if (whence != SEEK_CUR || *pos != 0)
    return -1;
  *pos = t->total;
  return 0;
}

static int tee_close(void *ck) {
  tee *t = ck; /* standard input itself stays open */
  free(t->buf);
  free(t);
  return 0;
}

/* Drops the kept bytes before offset off. */
static void tee_trim(tee *t, long off) {
  if (off <= t->base)
    return;
  size_t k = (size_t)(off - t->base) < t->len ? (size_t)(off - t->base) : t->len;
  memmove(t->buf, t->buf + k, t->len - k);
  t->len -= k;
  t->base += (long)k;
}

/* The second handle is moved and read through these, which keep its
 * position: frames come one after the other, so most seeks go nowhere.
 * From standard input they read the kept bytes. */
static bool cseek(dx_capture *c, long off) {
  if (c->tee) {
    if (off < c->tee->base || off > c->tee->base + (long)c->tee->len) {
      c->cpos = -1;
      return false;
    }
    c->cpos = off;
    return true;
  }
  if (off < 0) {
    c->cpos = -1;
    return false;
  }
  c->cpos = off; /* moved when cread needs bytes outside the buffer */
  return true;
}

#define CBUF_SIZE (256u << 10)

/* Fills the buffer from offset off on, moving cfp only when it is not
 * there already (frames come one after the other: it seldom is not). */
static bool cfill(dx_capture *c, long off) {
  if (!c->cbuf && !(c->cbuf = malloc(CBUF_SIZE)))
    return false;
  if (off != c->cfile) {
    if (fseek(c->cfp, off, SEEK_SET) != 0) {
      c->cfile = -1;
      return false;
    }
    c->cfile = off;
  }
  size_t got = fread(c->cbuf, 1, CBUF_SIZE, c->cfp);
  c->cbuf_off = off;
  c->cbuf_len = got;
  c->cfile = off + (long)got;
  return got > 0;
}

static bool cread(dx_capture *c, void *buf, size_t n) {
  if (c->tee) {
    tee *t = c->tee;
    if (c->cpos < t->base || (uint64_t)(c->cpos - t->base) + n > t->len) {
      c->cpos = -1;
      return false;
    }
    memcpy(buf, t->buf + (c->cpos - t->base), n);
    c->cpos += (long)n;
    return true;
  }
  uint8_t *out = buf;
  while (n > 0) {
    if (c->cpos < 0)
      return false;
    if (c->cpos < c->cbuf_off || c->cpos >= c->cbuf_off + (long)c->cbuf_len) {
      if (!cfill(c, c->cpos)) {
        c->cpos = -1;
        return false;
      }
    }
    size_t k = c->cbuf_len - (size_t)(c->cpos - c->cbuf_off);
    if (k > n)
      k = n;
    memcpy(out, c->cbuf + (c->cpos - c->cbuf_off), k);
    out += k;
    n -= k;
    c->cpos += (long)k;
  }
  return true;
}

/* The n bytes at the read position where they are in memory already (the
 * buffer of the file or of standard input), else NULL. */
static const uint8_t *cpeek(const dx_capture *c, size_t n) {
  if (c->cpos < 0)
    return NULL;
  if (c->tee) {
    const tee *t = c->tee;
    return c->cpos >= t->base && (uint64_t)(c->cpos - t->base) + n <= t->len
               ? t->buf + (c->cpos - t->base)
               : NULL;
  }
  return c->cbuf && c->cpos >= c->cbuf_off && (uint64_t)(c->cpos - c->cbuf_off) + n <= c->cbuf_len
             ? c->cbuf + (c->cpos - c->cbuf_off)
             : NULL;
}

/* The frame's packet comments are kept in c->comments, each up to its
 * first NUL (as tshark shows it) and followed by a NUL, COMMENT_MAX bytes in
 * all: comment_room() gives the place for the next n bytes (NULL when it
 * would pass the cap or memory runs out), comment_kept() keeps what was
 * written there. */
static char *comment_room(dx_capture *c, size_t n) {
  if (c->comments_len + n + 1 > COMMENT_MAX)
    return NULL;
  if (c->comments_len + n + 1 > c->comments_cap) {
    size_t cap = c->comments_len + n + 1 + 256;
    char *nb = realloc(c->comments, cap);
    if (!nb)
      return NULL;
    c->comments = nb;
    c->comments_cap = cap;
  }
  return c->comments + c->comments_len;
}

static void comment_kept(dx_capture *c, size_t n) {
  size_t k = strnlen(c->comments + c->comments_len, n);
  c->comments_len += k;
  c->comments[c->comments_len++] = 0;
}

static bool walk_rd(void *ctx, long off, void *buf, size_t n) {
  dx_capture *c = ctx;
  return cseek(c, off) && cread(c, buf, n);
}

/* The interface of the frame whose block the walk found: interface ifid of
 * the section the book holds it in. */
static void found_iface(dx_capture *c, uint32_t ifid) {
  c->has_iface = c->book && dx_pcapng_iface_of(c->book, ifid, &c->iface) == 1;
  int8_t prec = c->book ? dx_pcapng_iface_prec(c->book, ifid) : 0;
  if (prec)
    c->frame_prec = prec;
}

/* The precision of a pcap file's times, by its magic number: nanoseconds
 * (0xa1b23c4d) or microseconds. */
static int8_t pcap_prec(uint32_t magic) {
  return magic == 0xa1b23c4du || magic == 0x4d3cb2a1u ? 9 : 6;
}

static void read_comments(dx_capture *c, long pos, uint32_t caplen) {
  c->comments_len = 0;
  c->cnext = -1;
  c->has_iface = false;
  c->has_pflags = false;
  if (c->tee && pos >= 0)
    tee_trim(c->tee, pos);
  if ((!c->cfp && !c->tee) || pos < 0 || !cseek(c, pos))
    return;
  if (c->book)
    dx_pcapng_book_at(c->book, pos);
  uint8_t h[28];
  for (int n = 0; n < COMMENT_WALK; n++) {
    long at = c->cpos;
    /* (a block's first 28 bytes in the buffer, as they mostly are: an
     * Enhanced Packet Block's fixed part read at once) */
    const uint8_t *hp = cpeek(c, sizeof h);
    bool whole = hp != NULL;
    if (whole) {
      memcpy(h, hp, sizeof h);
      c->cpos += 8;
    } else if (at < 0 || !cread(c, h, 8))
      return;
    uint32_t type = rd32(h, c->cswap);
    if (rd32(h, false) == 0x0A0D0D0Au) { /* a new section: its byte order */
      uint8_t bom[4];
      if (!cread(c, bom, 4))
        return;
      c->cswap = rd32(bom, false) == 0x4D3C2B1Au;
      type = 0x0A0D0D0Au;
      if (c->book)
        dx_pcapng_book_section(c->book, at, c->cswap);
    }
    uint32_t len = rd32(h + 4, c->cswap);
    if (len < 12 || len % 4 != 0)
      return;
    if (type == 1) {
      book_idb(c, walk_rd, c, at, len);
    } else if (type == 0x0000000Au && len >= 20 && at >= c->sec_end) {
      uint8_t dh[8];
      if (!cseek(c, at + 8) || !cread(c, dh, 8))
        return;
      uint32_t stype = rd32(dh, c->cswap), slen = rd32(dh + 4, c->cswap);
      char *room = stype == 0x544c534bu && slen <= len - 20 ? fsecrets_room(c, slen) : NULL;
      if (room) {
        if (!cread(c, room, slen))
          return;
        fsecrets_kept(c, slen);
      }
    } else if (type == 6 && len >= 32) {
      if (whole)
        c->cpos = at + 28;
      else if (!cseek(c, at + 8) || !cread(c, h + 8, 20))
        return;
      uint32_t cl = rd32(h + 20, c->cswap);
      if (cl == caplen) {
        c->cnext = at + (long)len;
        found_iface(c, rd32(h + 8, c->cswap));
        uint64_t opts = 28 + ((uint64_t)cl + 3) / 4 * 4;
        while (opts + 4 <= (uint64_t)len - 4) {
          uint8_t oh[4];
          if (!cseek(c, at + (long)opts) || !cread(c, oh, 4))
            return;
          uint16_t code =
              c->cswap ? (uint16_t)(oh[0] << 8 | oh[1]) : (uint16_t)(oh[1] << 8 | oh[0]);
          uint16_t ol = c->cswap ? (uint16_t)(oh[2] << 8 | oh[3]) : (uint16_t)(oh[3] << 8 | oh[2]);
          if (code == 0 || opts + 4 + ol > (uint64_t)len - 4)
            return;
          if (code == 1) {
            char *room = comment_room(c, ol);
            if (room) {
              if (!cread(c, room, ol))
                return;
              comment_kept(c, ol);
            }
          } else if (code == 2 && ol == 4) { /* epb_flags */
            uint8_t fb4[4];
            if (!cread(c, fb4, 4))
              return;
            c->pflags = rd32(fb4, c->cswap);
            c->has_pflags = true;
          }
          opts += 4 + ((uint64_t)ol + 3) / 4 * 4;
        }
        return;
      }
    } else if (type == 3) {
      found_iface(c, 0); /* simple packet blocks: interface 0, no comments */
      return;
    } else if (type == 2) {
      /* obsolete packet blocks: a 16-bit interface id, no comments read */
      if (cseek(c, at + 8) && cread(c, h + 8, 2))
        found_iface(c, c->cswap ? (uint32_t)(h[8] << 8 | h[9]) : (uint32_t)(h[9] << 8 | h[8]));
      return;
    }
    if (!cseek(c, at + (long)len))
      return;
  }
}

int dx_capture_comments(const dx_capture *c, const char **texts, size_t *len) {
  if (!c || !texts || !len)
    return DX_EINVAL;
  *texts = c->comments;
  *len = c->comments ? c->comments_len : 0;
  return DX_OK;
}

int dx_capture_packet_flags(const dx_capture *c, uint32_t *flags) {
  if (!c || !flags)
    return DX_EINVAL;
  *flags = c->has_pflags ? c->pflags : 0;
  return c->has_pflags ? 1 : 0;
}

int dx_capture_time_precision(const dx_capture *c) {
  return c ? c->frame_prec : 0;
}

int dx_capture_iface(const dx_capture *c, dx_iface_info *info) {
  if (!c || !info)
    return DX_EINVAL;
  if (c->live) { /* as tshark's capture file says it: one section, one interface */
    *info = (dx_iface_info){1, 0, c->name, NULL};
    return 1;
  }
  if (c->ng)
    return dx_pcapng_iface(c->ng, info);
  if (!c->has_iface)
    return 0;
  *info = c->iface;
  return 1;
}

int dx_capture_frame_secrets(const dx_capture *c, const char **text, size_t *len) {
  if (!c || !text || !len)
    return DX_EINVAL;
  *text = c->fsecrets;
  *len = c->fsecrets ? c->fsecrets_len : 0;
  return DX_OK;
}

int dx_capture_secrets(const dx_capture *c, const char **text, size_t *len) {
  if (!c || !text || !len)
    return DX_EINVAL;
  *text = c->secrets;
  *len = c->secrets ? c->secrets_len : 0;
  return DX_OK;
}

/* Non-zero if a dissector is registered for the link type. Every link type
 * opens: frames of one without a dissector are shown as frame + data with
 * an expert note (proto/frame.c), as tshark shows an encapsulation it has
 * no dissector for. */
int dx_linktype_supported(int lt) {
  if (lt < 0)
    return 0;
  for (size_t i = 0; i < dx_nprotocols; i++) {
    const dx_reg *r = dx_protocols[i]->regs;
    for (; r && r->table != DX_TABLE_NONE; r++)
      if (r->table == DX_TABLE_LINKTYPE && r->key == (uint32_t)lt)
        return 1;
  }
  return 0;
}

/* ---- gzip-compressed files ----------------------------------------------
 * A file that starts with the gzip magic (1f 8b) is read through zlib: a
 * stdio stream whose reads inflate the next bytes (fopencookie), handed to
 * libpcap. Streamed: zlib's window and buffers, never the whole file. Seeks
 * (the TUI's random access) go through gzseek, which inflates again from
 * the start when going back. */
#ifdef DX_HAVE_ZLIB
static ssize_t gz_read(void *ck, char *buf, size_t n) {
  int r = gzread((gzFile)ck, buf, n > INT_MAX ? INT_MAX : (unsigned)n);
  return r < 0 ? -1 : r;
}
static int gz_seek(void *ck, off64_t *pos, int whence) {
  if (whence == SEEK_END)
    return -1;
  z_off_t r = gzseek((gzFile)ck, (z_off_t)*pos, whence);
  if (r < 0)
    return -1;
  *pos = r;
  return 0;
}
static int gz_close(void *ck) {
  return gzclose((gzFile)ck) == Z_OK ? 0 : -1;
}

/* 1 if the file at path starts with the gzip magic. */
static int is_gzip(const char *path) {
  FILE *fp = fopen(path, "rb");
  if (!fp)
    return 0;
  uint8_t m[2];
  int r = fread(m, 1, 2, fp) == 2 && m[0] == 0x1f && m[1] == 0x8b;
  fclose(fp);
  return r;
}

/* The decompressed bytes of a gzip file as a stdio stream, or NULL. */
static FILE *gz_stream(const char *path) {
  gzFile gz = gzopen(path, "rb");
  if (!gz)
    return NULL;
  gzbuffer(gz, 64 * 1024);
  cookie_io_functions_t io = {gz_read, NULL, gz_seek, gz_close};
  FILE *fp = fopencookie(gz, "rb", io);
  if (!fp)
    gzclose(gz);
  return fp;
}
#endif

static int fail(char *errbuf, size_t errlen, int rc, const char *fmt, ...) DX_PRINTF(4, 5);
static int fail(char *errbuf, size_t errlen, int rc, const char *fmt, ...) {
  if (errbuf && errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errbuf, errlen, fmt, ap);
    va_end(ap);
  }
  return rc;
}

int dx_capture_open_file(dx_capture **out, const char *path, char *errbuf, size_t errlen) {
  if (!out || !path)
    return DX_EINVAL;
  *out = NULL;
  if (strcmp(path, "-") != 0) {
    struct stat st;
    if (stat(path, &st) != 0)
      return fail(errbuf, errlen, DX_ENOFILE, "%s: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
      return fail(errbuf, errlen, DX_ENOFILE, "%s: %s", path, "is a directory");
    FILE *fp = fopen(path, "rb");
    if (!fp)
      return fail(errbuf, errlen, DX_ENOFILE, "%s: %s", path, strerror(errno));
    fclose(fp);
    if (st.st_size == 0)
      return fail(errbuf, errlen, DX_EFORMAT, "%s: %s", path,
                  "empty file, not a pcap or pcapng capture");
  }
  char pe[PCAP_ERRBUF_SIZE] = "";
  pcap_t *pc = NULL;
  tee *tin = NULL;
  char *iobuf = NULL;           /* the FILE's buffer, freed after pcap_close() closes it */
  if (strcmp(path, "-") == 0) { /* through the tee (comments) */
    tin = calloc(1, sizeof *tin);
    FILE *tfp = NULL;
    if (tin) {
      tin->in = stdin;
      cookie_io_functions_t io = {tee_read, NULL, tee_seek, tee_close};
      tfp = fopencookie(tin, "rb", io);
    }
    if (!tfp) {
      free(tin);
      return fail(errbuf, errlen, DX_ENOMEM, "%s: %s", "standard input", "out of memory");
    }
    pc = pcap_fopen_offline_with_tstamp_precision(tfp, PCAP_TSTAMP_PRECISION_NANO, pe);
    if (!pc) {
      fclose(tfp); /* frees tin */
      tin = NULL;
    }
  } else
#ifdef DX_HAVE_ZLIB
      if (is_gzip(path)) {
    FILE *gfp = gz_stream(path);
    if (!gfp)
      return fail(errbuf, errlen, DX_ENOMEM, "%s: %s", path, "cannot open the gzip stream");
    pc = pcap_fopen_offline_with_tstamp_precision(gfp, PCAP_TSTAMP_PRECISION_NANO, pe);
    if (!pc)
      fclose(gfp);
  } else
#endif
  {
    /* opened here to give libpcap's reads a large buffer (one read(2) per
     * 256 KiB instead of per 4 KiB); where it does not open, libpcap opens
     * it again to say why in its own words */
    FILE *ofp = fopen(path, "rb");
    if (ofp) {
      /* (glibc ignores the size of a setvbuf() without a buffer: given) */
      iobuf = malloc(DX_CAPTURE_IOBUF);
      if (iobuf)
        setvbuf(ofp, iobuf, _IOFBF, DX_CAPTURE_IOBUF);
      pc = pcap_fopen_offline_with_tstamp_precision(ofp, PCAP_TSTAMP_PRECISION_NANO, pe);
      if (!pc) {
        fclose(ofp);
        free(iobuf);
        iobuf = NULL;
      }
    } else
      pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, pe);
  }
  if (!pc) {
    const char *name = strcmp(path, "-") == 0 ? "standard input" : path;
    int rc = DX_EFORMAT;
    if (strstr(pe, "truncated"))
      rc = DX_ETRUNC;
    if (strstr(pe, "unknown file format") || strstr(pe, "bad dump file format"))
      return fail(errbuf, errlen, rc, "%s: not a pcap or pcapng capture (%s)", name, pe);
    return fail(errbuf, errlen, rc, "%s: %s", name, pe);
  }
  dx_capture *c = calloc(1, sizeof *c);
  if (!c) {
    pcap_close(pc);
    free(iobuf);
    return DX_ENOMEM;
  }
  c->pc = pc;
  c->iobuf = iobuf;
  c->tpos = -1;
  if (tin && tin->len >= 4 && rd32(tin->buf, false) != 0x0A0D0D0Au)
    c->ts_prec = pcap_prec(rd32(tin->buf, false));
  if (tin && tin->len >= 4 && rd32(tin->buf, false) == 0x0A0D0D0Au) {
    c->tee = tin; /* pcapng on standard input: comments from the kept bytes */
    c->cswap = tin->len >= 12 && rd32(tin->buf + 8, false) == 0x4D3C2B1Au;
    c->cnext = -1;
    /* its secrets: the blocks before the first packet, from the bytes
     * libpcap read (it reads on to the first interface), read ahead past
     * them when they end before the first packet */
    if (tin->base == 0)
      walk_secrets(c, tee_rd, tin);
  }
  c->name = strdup(strcmp(path, "-") == 0 ? "standard input" : path);
  c->path = strcmp(path, "-") == 0 ? NULL : strdup(path);
  c->linktype = pcap_datalink(pc);
  if (!c->name || (strcmp(path, "-") != 0 && !c->path)) {
    dx_capture_close(c);
    return DX_ENOMEM;
  }
  if (strcmp(path, "-") != 0) {
    read_secrets(c, path);
    uint8_t m[4];
    FILE *cf = NULL;
#ifdef DX_HAVE_ZLIB
    if (is_gzip(path))
      cf = gz_stream(path); /* read again through zlib, forward */
    else
#endif
    {
      cf = fopen(path, "rb");
      /* cfill() reads CBUF_SIZE at a time: no second buffer below it */
      if (cf)
        setvbuf(cf, NULL, _IONBF, 0);
    }
    bool gz = false;
#ifdef DX_HAVE_ZLIB
    gz = is_gzip(path);
#endif
    bool got = cf && fread(m, 1, 4, cf) == 4;
    uint32_t magic = got ? rd32(m, false) : 0;
    if (got && magic == 0x0A0D0D0Au) {
      c->cfp = cf; /* pcapng: its packet comments are read too */
      c->cpos = 4;
      c->cfile = 4;
      c->cnext = -1;
    } else if (cf)
      fclose(cf);
    if (got && magic != 0x0A0D0D0Au)
      c->ts_prec = pcap_prec(magic);
    /* a pcap file of the standard kinds (microsecond or nanosecond, either
     * byte order: 16-byte record headers): its next record's offset is
     * counted from here on */
    if (!gz &&
        (magic == 0xa1b2c3d4u || magic == 0xd4c3b2a1u || magic == 0xa1b23c4du ||
         magic == 0x4d3cb2a1u) &&
        pcap_file(c->pc)) {
      c->rec_hdr = 16;
      c->tpos = ftell(pcap_file(c->pc));
    }
  }
  *out = c;
  return DX_OK;
}

int dx_capture_open_live(dx_capture **out, const char *iface, const char *bpf, int snaplen,
                         char *errbuf, size_t errlen) {
  if (!out || !iface)
    return DX_EINVAL;
  *out = NULL;
  char pe[PCAP_ERRBUF_SIZE] = "";
  pcap_t *pc = pcap_create(iface, pe);
  if (!pc)
    return fail(errbuf, errlen, DX_ECAPTURE, "%s: %s", iface, pe);
  pcap_set_snaplen(pc, snaplen > 0 ? snaplen : 262144);
  pcap_set_promisc(pc, 1);
  pcap_set_timeout(pc, 100);
  pcap_set_immediate_mode(pc, 1);
  pcap_set_tstamp_precision(pc, PCAP_TSTAMP_PRECISION_NANO);
  int rc = pcap_activate(pc);
  if (rc < 0) {
    const char *why = rc == PCAP_ERROR ? pcap_geterr(pc) : pcap_statustostr(rc);
    char msg[PCAP_ERRBUF_SIZE + 64];
    snprintf(msg, sizeof msg, "%s", why);
    pcap_close(pc);
    return fail(errbuf, errlen, DX_ECAPTURE, "%s: %s", iface, msg);
  }
  dx_capture *c = calloc(1, sizeof *c);
  if (!c) {
    pcap_close(pc);
    return DX_ENOMEM;
  }
  c->pc = pc;
  c->tpos = -1;
  c->live = true;
  /* tshark's dumpcap asks for nanoseconds too, and shows what it got */
  c->live_usec = pcap_get_tstamp_precision(pc) != PCAP_TSTAMP_PRECISION_NANO;
  c->ts_prec = c->live_usec ? 6 : 9;
  c->name = strdup(iface);
  c->linktype = pcap_datalink(pc);
  if (!c->name) {
    dx_capture_close(c);
    return DX_ENOMEM;
  }
  if (bpf && *bpf) {
    rc = dx_capture_set_filter(c, bpf);
    if (rc != DX_OK) {
      if (errbuf && errlen)
        snprintf(errbuf, errlen, "%s", c->err);
      dx_capture_close(c);
      return rc;
    }
  }
  *out = c;
  return DX_OK;
}

int dx_capture_set_filter(dx_capture *c, const char *bpf) {
  if (!c || !bpf)
    return DX_EINVAL;
  struct bpf_program prog;
  if (pcap_compile(c->pc, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) != 0) {
    snprintf(c->err, sizeof c->err, "capture filter \"%s\": %s", bpf, pcap_geterr(c->pc));
    return DX_EINVAL;
  }
  int rc = pcap_setfilter(c->pc, &prog);
  pcap_freecode(&prog);
  c->filtered = true;
  if (rc != 0) {
    snprintf(c->err, sizeof c->err, "capture filter \"%s\": %s", bpf, pcap_geterr(c->pc));
    return DX_ECAPTURE;
  }
  return DX_OK;
}

/* Standard input cannot be read again: the own reader goes on from the end
 * of the last frame's block, through a second stream over the tee (the
 * bytes it kept from there, then standard input, no longer kept), with the
 * sections and interfaces the walks met (the book: byte order, link types,
 * time resolutions). 1 if it took over; then *f is its first frame. */
static int takeover_stdin(dx_capture *c, dx_frame *f) {
  tee *t = c->tee;
  if (!c->book || c->cnext < t->base || c->cnext > t->base + (long)t->len)
    return 0;
  size_t ahead = t->ahead;
  long total = t->total;
  t->ahead = (size_t)(t->base + (long)t->len - c->cnext);
  t->total = c->cnext;
  /* no close function: the tee belongs to libpcap's stream */
  cookie_io_functions_t io = {tee_read, NULL, tee_seek, NULL};
  FILE *fp = fopencookie(t, "rb", io);
  char e[8];
  dx_pcapng_on_secrets(c->book, own_reader_secrets, c);
  if (!fp || dx_pcapng_attach(c->book, fp) != DX_OK ||
      dx_pcapng_next(c->book, f, e, sizeof e) != 1) {
    if (fp) {
      dx_pcapng_attach(c->book, NULL);
      fclose(fp);
    }
    t->ahead = ahead;
    t->total = total;
    return 0;
  }
  t->pass = true;
  c->ng = c->book;
  c->book = NULL;
  c->frame_prec = dx_pcapng_last_prec(c->ng);
  return 2;
}

/* libpcap 1.10 stops at a Section Header Block whose byte order differs
 * from the first one's, and at an interface whose snapshot length differs
 * from the first one's; tshark reads on. The file is then read again by
 * core/pcapng.c, past the frames already given, and on from there. 1 if it
 * took over, 2 if it did and *f is the next frame (standard input). */
static int pcapng_takeover(dx_capture *c, dx_frame *f) {
  if (c->tee)
    return takeover_stdin(c, f);
  if (!c->path || c->live)
    return 0;
  FILE *fp = NULL;
#ifdef DX_HAVE_ZLIB
  if (is_gzip(c->path))
    fp = gz_stream(c->path);
  else
#endif
    fp = fopen(c->path, "rb");
  if (!fp)
    return 0;
  uint8_t m[4];
  if (fread(m, 1, 4, fp) != 4 || rd32(m, false) != 0x0A0D0D0Au || fseek(fp, 0, SEEK_SET) != 0) {
    fclose(fp);
    return 0; /* not pcapng */
  }
  dx_pcapng *ng;
  if (dx_pcapng_open(&ng, fp) != DX_OK)
    return 0;
  for (uint64_t i = 0; i < c->count; i++) {
    if (dx_pcapng_next(ng, f, NULL, 0) != 1) {
      dx_pcapng_close(ng);
      return 0;
    }
  }
  /* does it read further than libpcap did? */
  int64_t at = dx_pcapng_tell(ng);
  char e[8];
  int rc = dx_pcapng_next(ng, f, e, sizeof e);
  if (rc < 0 || at < 0 || dx_pcapng_seek(ng, at) != DX_OK) {
    dx_pcapng_close(ng);
    return 0;
  }
  c->ng = ng;
  dx_pcapng_on_secrets(ng, own_reader_secrets, c);
  return 1;
}

/* One packet comment into c->comments, from the frame's block in memory
 * (the own pcapng reader). */
static void add_comment(void *arg, const uint8_t *s, size_t n) {
  dx_capture *c = arg;
  char *room = comment_room(c, n);
  if (room) {
    memcpy(room, s, n);
    comment_kept(c, n);
  }
}

static int next_pcapng(dx_capture *c, dx_frame *f) {
  if (c->brk)
    return 0;
  char e[256];
  int rc = dx_pcapng_next(c->ng, f, e, sizeof e);
  c->comments_len = 0;
  if (rc == 1) {
    dx_pcapng_comments(c->ng, add_comment, c);
    c->has_pflags = dx_pcapng_packet_flags(c->ng, &c->pflags) == 1;
    c->frame_prec = dx_pcapng_last_prec(c->ng);
    c->count++;
    return 1;
  }
  if (rc < 0)
    snprintf(c->err, sizeof c->err, "%s: %s after frame %llu: %s", c->name,
             rc == DX_ETRUNC    ? "capture file cut short"
             : rc == DX_EFORMAT ? "corrupt record"
                                : "read error",
             (unsigned long long)c->count, e);
  return rc;
}

int dx_capture_next(dx_capture *c, dx_frame *f) {
  if (!c || !f)
    return DX_EINVAL;
  c->fsecrets_len = 0;
  if (c->ng)
    return next_pcapng(c, f);
  for (;;) {
    struct pcap_pkthdr *h;
    const u_char *data;
    /* where libpcap reads from: the end of the last frame's block, unless
     * a capture filter may have passed over frames since */
    long pos = !c->cfp && !c->tee              ? -1
               : c->cnext >= 0 && !c->filtered ? c->cnext
               : pcap_file(c->pc)              ? ftell(pcap_file(c->pc))
                                               : -1;
    int rc = pcap_next_ex(c->pc, &h, &data);
    if (rc == 1) {
      c->count++;
      c->frame_prec = c->ts_prec;
      if (c->cfp || c->tee)
        read_comments(c, pos, h->caplen);
      if (c->rec_hdr && c->tpos >= 0 && !c->filtered && h->caplen < (uint32_t)pcap_snapshot(c->pc))
        c->tpos += c->rec_hdr + (long)h->caplen;
      else if (c->rec_hdr && !c->filtered && pcap_file(c->pc))
        /* a frame cut to the snapshot length: libpcap passed over the rest
         * of its record, so ask where it is */
        c->tpos = ftell(pcap_file(c->pc));
      else
        c->tpos = -1;
      f->ts_sec = h->ts.tv_sec;
      /* nanoseconds: opened with NANO precision */
      f->ts_nsec = (uint32_t)h->ts.tv_usec * (c->live_usec ? 1000u : 1u);
      f->caplen = h->caplen;
      f->wirelen = h->len;
      f->linktype = c->linktype;
      f->data = data;
      return 1;
    }
    if (rc == 0) /* live timeout: no packet yet */
      continue;
    if (rc == PCAP_ERROR_BREAK)
      return 0;
    int took = pcapng_takeover(c, f);
    if (took == 2) {
      c->count++;
      c->comments_len = 0;
      dx_pcapng_comments(c->ng, add_comment, c);
      c->has_pflags = dx_pcapng_packet_flags(c->ng, &c->pflags) == 1;
      return 1;
    }
    if (took)
      return next_pcapng(c, f);
    const char *pe = pcap_geterr(c->pc);
    int code = DX_EIO;
    if (strstr(pe, "truncated"))
      code = DX_ETRUNC;
    else if (strstr(pe, "bogus") || strstr(pe, "invalid") || strstr(pe, "bad"))
      code = DX_EFORMAT;
    snprintf(c->err, sizeof c->err, "%s: %s after frame %llu: %s", c->name,
             code == DX_ETRUNC    ? "capture file cut short"
             : code == DX_EFORMAT ? "corrupt record"
                                  : "read error",
             (unsigned long long)c->count, pe);
    return code;
  }
}

/* Random access for offline files: libpcap reads records sequentially from
 * the FILE* it opened, so the position of the next record is that FILE*'s
 * position once the file header has been read (pcap and pcapng alike). */
int64_t dx_capture_tell(const dx_capture *c) {
  if (!c || c->live)
    return DX_EINVAL;
  if (c->ng)
    return dx_pcapng_tell(c->ng);
  if (c->tpos >= 0 && !c->filtered)
    return c->tpos;
  if (c->cfp && c->cnext >= 0 && !c->filtered)
    return c->cnext; /* pcapng: the end of the last frame's block */
  FILE *fp = pcap_file(c->pc);
  if (!fp)
    return DX_EINVAL;
  long pos = ftell(fp);
  return pos < 0 ? DX_EIO : (int64_t)pos;
}

int dx_capture_seek(dx_capture *c, int64_t pos) {
  if (!c || c->live || pos < 0)
    return DX_EINVAL;
  if (c->ng)
    return dx_pcapng_seek(c->ng, pos);
  FILE *fp = pcap_file(c->pc);
  c->cnext = -1;
  c->tpos = -1;
  if (!fp || fseek(fp, (long)pos, SEEK_SET) != 0)
    return DX_EIO;
  if (c->rec_hdr)
    c->tpos = (long)pos;
  return DX_OK;
}

const char *dx_capture_error(const dx_capture *c) {
  return c ? c->err : "";
}
int dx_capture_linktype(const dx_capture *c) {
  return c ? c->linktype : -1;
}
void dx_capture_break(dx_capture *c) {
  if (c) {
    c->brk = true;
    pcap_breakloop(c->pc);
  }
}

void dx_capture_close(dx_capture *c) {
  if (!c)
    return;
  dx_pcapng_close(c->ng); /* before the tee its stream may read (stdin) */
  if (c->pc)
    pcap_close(c->pc); /* (closes the tee's stream, which frees the tee) */
  free(c->iobuf);      /* after the stream that used it */
  dx_pcapng_close(c->book);
  if (c->cfp)
    fclose(c->cfp);
  free(c->cbuf);
  free(c->comments);
  free(c->path);
  free(c->name);
  free(c->secrets);
  free(c->fsecrets);
  free(c);
}
