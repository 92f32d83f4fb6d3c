/* pcapng (draft-ietf-opsawg-pcapng) read block by block, each section in
 * its own byte order: see pcapng.h. */
#include "pcapng.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 1u
#define BT_OPB 2u /* obsolete Packet Block */
#define BT_SPB 3u
#define BT_EPB 6u
#define BT_DSB 10u
#define DSB_TLS_KEYLOG 0x544c534bu /* "TLSK" */
#define BOM 0x1A2B3C4Du

typedef struct iface {
  int linktype;
  uint32_t snaplen;
  bool pow2;   /* if_tsresol: units of 2^-res s (else 10^-res s) */
  uint8_t res; /* 6 by default: microseconds */
  char *name;  /* if_name, or NULL */
  char *desc;  /* if_description, or NULL */
} iface;

typedef struct section {
  int64_t start;    /* offset of its Section Header Block */
  int64_t last_idb; /* offset of the last interface block read (-1: none) */
  bool swap;
  iface *ifs;
  uint32_t nifs, cap;
} section;

struct dx_pcapng {
  FILE *fp;
  section *secs;
  uint32_t nsecs, cap;
  uint32_t cur;       /* index of the current section in secs */
  uint32_t nifs_all;  /* interfaces of all sections */
  size_t name_bytes;  /* of all their names and descriptions */
  uint32_t last_ifid; /* of the last frame returned */
  uint8_t *buf;       /* the current block's body */
  size_t bufcap;
  /* the options of the last Enhanced or obsolete Packet Block returned
   * (in buf), and their byte order */
  const uint8_t *opts;
  uint32_t optlen;
  bool optswap;
  void (*on_secrets)(void *arg, const uint8_t *text, size_t n, int64_t at);
  void *secrets_arg;
};

static uint32_t get32(const uint8_t *b, bool swap) {
  return swap ? (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3]
              : (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}
static uint16_t get16(const uint8_t *b, bool swap) {
  return swap ? (uint16_t)(b[0] << 8 | b[1]) : (uint16_t)(b[1] << 8 | b[0]);
}

int dx_pcapng_open(dx_pcapng **out, FILE *fp) {
  *out = NULL;
  dx_pcapng *r = calloc(1, sizeof *r);
  if (!r) {
    fclose(fp);
    return DX_ENOMEM;
  }
  r->fp = fp;
  r->cur = UINT32_MAX; /* no section yet: the first block must be one */
  *out = r;
  return DX_OK;
}

void dx_pcapng_close(dx_pcapng *r) {
  if (!r)
    return;
  for (uint32_t i = 0; i < r->nsecs; i++) {
    for (uint32_t k = 0; k < r->secs[i].nifs; k++) {
      free(r->secs[i].ifs[k].name);
      free(r->secs[i].ifs[k].desc);
    }
    free(r->secs[i].ifs);
  }
  free(r->secs);
  free(r->buf);
  if (r->fp)
    fclose(r->fp);
  free(r);
}

size_t dx_pcapng_comments(dx_pcapng *r, void (*add)(void *arg, const uint8_t *s, size_t n),
                          void *arg) {
  size_t count = 0;
  const uint8_t *o = r->opts;
  uint32_t left = r->optlen;
  while (o && left >= 4) {
    uint16_t code = get16(o, r->optswap), ol = get16(o + 2, r->optswap);
    if (code == 0 || 4u + ol > left)
      break;
    if (code == 1) { /* opt_comment */
      add(arg, o + 4, ol);
      count++;
    }
    uint32_t step = 4u + (ol + 3u) / 4u * 4u;
    if (step > left)
      break;
    o += step;
    left -= step;
  }
  return count;
}

int dx_pcapng_packet_flags(dx_pcapng *r, uint32_t *flags) {
  const uint8_t *o = r->opts;
  uint32_t left = r->optlen;
  while (o && left >= 4) {
    uint16_t code = get16(o, r->optswap), ol = get16(o + 2, r->optswap);
    if (code == 0 || 4u + ol > left)
      break;
    if (code == 2 && ol == 4) { /* epb_flags */
      *flags = r->optswap
                   ? (uint32_t)o[4] << 24 | (uint32_t)o[5] << 16 | (uint32_t)o[6] << 8 | o[7]
                   : (uint32_t)o[7] << 24 | (uint32_t)o[6] << 16 | (uint32_t)o[5] << 8 | o[4];
      return 1;
    }
    uint32_t step = 4u + (ol + 3u) / 4u * 4u;
    if (step > left)
      break;
    o += step;
    left -= step;
  }
  return 0;
}

void dx_pcapng_on_secrets(dx_pcapng *r,
                          void (*fn)(void *arg, const uint8_t *text, size_t n, int64_t at),
                          void *arg) {
  r->on_secrets = fn;
  r->secrets_arg = arg;
}

dx_pcapng *dx_pcapng_book(void) {
  dx_pcapng *r = calloc(1, sizeof *r);
  if (r)
    r->cur = UINT32_MAX;
  return r;
}

int64_t dx_pcapng_tell(dx_pcapng *r) {
  off_t at = ftello(r->fp);
  return at < 0 ? DX_EIO : (int64_t)at;
}

/* The section that holds offset pos: the last one that starts before it
 * (UINT32_MAX if none: at a Section Header Block, which is read again). */
static uint32_t section_of(const dx_pcapng *r, int64_t pos) {
  uint32_t lo = 0, hi = r->nsecs;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (r->secs[mid].start <= pos)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo && r->secs[lo - 1].start < pos ? lo - 1 : UINT32_MAX;
}

int dx_pcapng_seek(dx_pcapng *r, int64_t pos) {
  if (fseeko(r->fp, (off_t)pos, SEEK_SET) != 0)
    return DX_EIO;
  r->cur = section_of(r, pos);
  return DX_OK;
}

int dx_pcapng_attach(dx_pcapng *r, FILE *fp) {
  r->fp = fp;
  r->cur = UINT32_MAX;
  if (!fp)
    return DX_OK;
  off_t at = ftello(fp);
  if (at < 0)
    return DX_EIO;
  r->cur = section_of(r, (int64_t)at);
  return DX_OK;
}

void dx_pcapng_book_at(dx_pcapng *r, int64_t pos) {
  r->cur = section_of(r, pos);
}

static int errf(char *err, size_t errlen, int rc, const char *what, int64_t at) {
  if (err && errlen)
    snprintf(err, errlen, "pcapng: %s (block at offset %lld)", what, (long long)at);
  return rc;
}

/* The section starting at offset at: found again after a seek, or new. */
static int section_at(dx_pcapng *r, int64_t at, bool swap) {
  for (uint32_t i = r->nsecs; i-- > 0;) {
    if (r->secs[i].start == at) {
      r->cur = i;
      return DX_OK;
    }
    if (r->secs[i].start < at)
      break;
  }
  if (r->nsecs && r->secs[r->nsecs - 1].start > at)
    return DX_EFORMAT; /* sections are only ever added in file order */
  if (r->nsecs == PCAPNG_MAX_SECTIONS)
    return DX_EFORMAT;
  if (r->nsecs == r->cap) {
    uint32_t nc = r->cap ? 2 * r->cap : 4;
    section *ns = realloc(r->secs, nc * sizeof *ns);
    if (!ns)
      return DX_ENOMEM;
    r->secs = ns;
    r->cap = nc;
  }
  r->secs[r->nsecs] = (section){at, -1, swap, NULL, 0, 0};
  r->cur = r->nsecs++;
  return DX_OK;
}

/* A name option's text, up to its first NUL and PCAPNG_MAX_NAME bytes, as
 * long as all names stay within PCAPNG_MAX_NAMES bytes (else NULL). */
static char *name_copy(dx_pcapng *r, const uint8_t *s, uint32_t n) {
  const uint8_t *z = memchr(s, 0, n);
  size_t len = z ? (size_t)(z - s) : n;
  if (len > PCAPNG_MAX_NAME)
    len = PCAPNG_MAX_NAME;
  if (len == 0 || len + 1 > PCAPNG_MAX_NAMES - r->name_bytes)
    return NULL;
  char *c = malloc(len + 1);
  if (!c)
    return NULL;
  memcpy(c, s, len);
  c[len] = 0;
  r->name_bytes += len + 1;
  return c;
}

/* if_name (2), if_description (3) and if_tsresol (9) of an Interface
 * Description Block body. */
static void idb_options(dx_pcapng *r, iface *f, const uint8_t *b, uint32_t n, bool swap) {
  uint32_t o = 8;
  while (o + 4 <= n) {
    uint16_t code = get16(b + o, swap), len = get16(b + o + 2, swap);
    if (code == 0 || (uint32_t)len > n - o - 4)
      return;
    if (code == 9 && len == 1) {
      f->pow2 = (b[o + 4] & 0x80) != 0;
      f->res = b[o + 4] & 0x7f;
    } else if (code == 2 && !f->name) {
      f->name = name_copy(r, b + o + 4, len);
    } else if (code == 3 && !f->desc) {
      f->desc = name_copy(r, b + o + 4, len);
    }
    o += 4 + (((uint32_t)len + 3) & ~3u);
  }
}

static int add_iface(dx_pcapng *r, const uint8_t *b, uint32_t n) {
  section *s = &r->secs[r->cur];
  if (n < 8)
    return DX_EFORMAT;
  if (s->nifs == PCAPNG_MAX_IFACES || r->nifs_all == PCAPNG_MAX_IFACES_ALL)
    return DX_EFORMAT;
  if (s->nifs == s->cap) {
    uint32_t nc = s->cap ? 2 * s->cap : 4;
    iface *ni = realloc(s->ifs, nc * sizeof *ni);
    if (!ni)
      return DX_ENOMEM;
    s->ifs = ni;
    s->cap = nc;
  }
  iface *f = &s->ifs[s->nifs++];
  r->nifs_all++;
  *f = (iface){get16(b, s->swap), get32(b + 4, s->swap), false, 6, NULL, NULL};
  idb_options(r, f, b, n, s->swap);
  return DX_OK;
}

/* An Interface Description Block at offset at of the current section: a
 * new interface, unless it was read before a seek back. */
static int idb_at(dx_pcapng *r, int64_t at, const uint8_t *b, uint32_t n) {
  section *s = &r->secs[r->cur];
  if (at <= s->last_idb)
    return DX_OK;
  s->last_idb = at;
  return add_iface(r, b, n);
}

int dx_pcapng_book_section(dx_pcapng *r, int64_t at, bool swap) {
  return section_at(r, at, swap);
}

int dx_pcapng_book_idb(dx_pcapng *r, int64_t at, const uint8_t *b, uint32_t n) {
  if (r->cur == UINT32_MAX)
    return DX_EFORMAT;
  return idb_at(r, at, b, n);
}

int dx_pcapng_iface_of(const dx_pcapng *r, uint32_t ifid, dx_iface_info *out) {
  if (r->cur == UINT32_MAX) /* no section known for the frame */
    return 0;
  const section *s = &r->secs[r->cur];
  out->section = r->cur + 1;
  out->id = ifid;
  out->name = ifid < s->nifs ? s->ifs[ifid].name : NULL;
  out->description = ifid < s->nifs ? s->ifs[ifid].desc : NULL;
  return 1;
}

int dx_pcapng_iface(const dx_pcapng *r, dx_iface_info *out) {
  return dx_pcapng_iface_of(r, r->last_ifid, out);
}

/* The digits Wireshark shows times of an interface with: its units per
 * second rounded down to 10^9, 10^6, 10^3, 100, 10 or 1 (2^-10 s: 3). */
static int8_t iface_prec(const iface *f) {
  if (!f->pow2 && (f->res == 6 || f->res == 9)) /* (nearly every file: asked per frame) */
    return (int8_t)f->res;
  if (f->pow2 ? f->res >= 64 : f->res >= 20)
    return 9; /* Wireshark: units per second "infinite" */
  uint64_t ups = 1;
  for (unsigned i = 0; i < f->res; i++)
    ups *= f->pow2 ? 2 : 10;
  return ups >= 1000000000u ? 9
         : ups >= 1000000u  ? 6
         : ups >= 1000u     ? 3
         : ups >= 100u      ? 2
         : ups >= 10u       ? 1
                            : DX_TSPREC_SECONDS;
}

int8_t dx_pcapng_last_prec(const dx_pcapng *r) {
  return r ? dx_pcapng_iface_prec(r, r->last_ifid) : 0;
}

int8_t dx_pcapng_iface_prec(const dx_pcapng *r, uint32_t ifid) {
  if (r->cur == UINT32_MAX || ifid >= r->secs[r->cur].nifs)
    return 0;
  return iface_prec(&r->secs[r->cur].ifs[ifid]);
}

/* A timestamp in units of the interface's resolution, as seconds and
 * nanoseconds, and the precision tshark shows it with. */
static void set_time(dx_frame *fr, const iface *f, uint64_t ts) {
  if (!f->pow2 && f->res <= 19) {
    uint64_t ups = 1;
    for (unsigned i = 0; i < f->res; i++)
      ups *= 10;
    uint64_t frac = ts % ups;
    fr->ts_sec = (int64_t)(ts / ups);
    if (f->res <= 9) {
      uint64_t m = 1;
      for (unsigned i = f->res; i < 9; i++)
        m *= 10;
      fr->ts_nsec = (uint32_t)(frac * m);
    } else {
      uint64_t d = 1;
      for (unsigned i = 9; i < f->res; i++)
        d *= 10;
      fr->ts_nsec = (uint32_t)(frac / d);
    }
  } else if (f->pow2 && f->res < 64) {
    uint64_t ups = (uint64_t)1 << f->res;
    fr->ts_sec = (int64_t)(ts >> f->res);
    fr->ts_nsec = (uint32_t)((long double)(ts & (ups - 1)) * 1e9L / (long double)ups);
  } else {
    fr->ts_sec = 0;
    fr->ts_nsec = 0;
  }
}

int dx_pcapng_next(dx_pcapng *r, dx_frame *fr, char *err, size_t errlen) {
  for (;;) {
    off_t at0 = ftello(r->fp);
    int64_t at = at0 < 0 ? -1 : (int64_t)at0;
    uint8_t h[12];
    size_t got = fread(h, 1, 8, r->fp);
    if (got == 0 && feof(r->fp))
      return 0;
    if (got != 8)
      return errf(err, errlen, ferror(r->fp) ? DX_EIO : DX_ETRUNC, "cut short in a block header",
                  at);
    bool swap;
    uint32_t type = get32(h, false);
    if (type == BT_SHB) {
      if (fread(h + 8, 1, 4, r->fp) != 4)
        return errf(err, errlen, DX_ETRUNC, "cut short in a section header", at);
      uint32_t bom = get32(h + 8, false);
      if (bom == BOM)
        swap = false;
      else if (bom == 0x4D3C2B1Au)
        swap = true;
      else
        return errf(err, errlen, DX_EFORMAT, "bad byte-order magic", at);
      int rc = section_at(r, at, swap);
      if (rc != DX_OK)
        return errf(err, errlen, rc, "too many sections", at);
    } else if (r->cur == UINT32_MAX) {
      return errf(err, errlen, DX_EFORMAT, "not a section header block", at);
    }
    section *s = &r->secs[r->cur];
    swap = s->swap;
    type = get32(h, swap);
    uint32_t len = get32(h + 4, swap);
    uint32_t head = type == BT_SHB ? 12 : 8;
    if (len < 12 + (type == BT_SHB ? 16u : 0u) || len % 4 != 0 || len > PCAPNG_MAX_BLOCK)
      return errf(err, errlen, DX_EFORMAT, "bad block length", at);
    uint32_t body = len - head; /* the rest, trailer included */
    if (body > r->bufcap) {
      uint8_t *nb = realloc(r->buf, body);
      if (!nb)
        return DX_ENOMEM;
      r->buf = nb;
      r->bufcap = body;
    }
    if (fread(r->buf, 1, body, r->fp) != body)
      return errf(err, errlen, ferror(r->fp) ? DX_EIO : DX_ETRUNC, "cut short in a block", at);
    if (get32(r->buf + body - 4, swap) != len)
      return errf(err, errlen, DX_EFORMAT, "block length and trailer differ", at);
    const uint8_t *b = r->buf;
    uint32_t n = body - 4; /* the body without the trailer */
    if (type == BT_SHB) {
      if (get16(b, swap) != 1)
        return errf(err, errlen, DX_EFORMAT, "unsupported section version", at);
      continue;
    }
    if (type == BT_IDB) {
      int rc = idb_at(r, at, b, n);
      if (rc != DX_OK)
        return errf(err, errlen, rc, "bad interface description", at);
      continue;
    }
    if (type == BT_DSB && r->on_secrets && n >= 8) {
      uint32_t slen = get32(b + 4, swap);
      if (get32(b, swap) == DSB_TLS_KEYLOG && slen <= n - 8)
        r->on_secrets(r->secrets_arg, b + 8, slen, at);
      continue;
    }
    if (type != BT_EPB && type != BT_SPB && type != BT_OPB)
      continue; /* statistics, name resolution, custom, other secrets...: skipped */
    uint32_t ifid, caplen, wirelen, off;
    uint64_t ts = 0;
    if (type == BT_SPB) {
      if (n < 4)
        return errf(err, errlen, DX_EFORMAT, "short simple packet block", at);
      ifid = 0;
      wirelen = get32(b, swap);
      off = 4;
      caplen = wirelen < n - 4 ? wirelen : n - 4;
    } else {
      if (n < 20)
        return errf(err, errlen, DX_EFORMAT, "short packet block", at);
      ifid = type == BT_OPB ? get16(b, swap) : get32(b, swap);
      ts = (uint64_t)get32(b + 4, swap) << 32 | get32(b + 8, swap);
      caplen = get32(b + 12, swap);
      wirelen = get32(b + 16, swap);
      off = 20;
      if (caplen > n - 20)
        return errf(err, errlen, DX_EFORMAT, "packet longer than its block", at);
    }
    if (ifid >= s->nifs)
      return errf(err, errlen, DX_EFORMAT, "packet of an undescribed interface", at);
    const iface *f = &s->ifs[ifid];
    if (type == BT_SPB && f->snaplen && caplen > f->snaplen)
      caplen = f->snaplen;
    set_time(fr, f, ts);
    r->last_ifid = ifid;
    r->opts = NULL;
    r->optlen = 0;
    if (type != BT_SPB) {
      uint32_t pad = off + (caplen + 3u) / 4u * 4u; /* the data, padded to 32 bits */
      if (pad <= n) {
        r->opts = b + pad;
        r->optlen = n - pad;
        r->optswap = swap;
      }
    }
    fr->caplen = caplen;
    fr->wirelen = wirelen < caplen ? caplen : wirelen;
    fr->linktype = f->linktype;
    fr->data = b + off;
    return 1;
  }
}
