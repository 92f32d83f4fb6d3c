/* NSS key log (SSLKEYLOGFILE) store; see keylog.h for the format.
 *
 * Entries live in one array: a sorted, duplicate-free prefix [0, n) and an
 * unsorted tail of lines added by the current add_text call. At the end of
 * each call (or when the array reaches max_entries) the tail is sorted,
 * its duplicates dropped (the last one wins) and it is merged into the
 * prefix, so dx_keylog_find is a binary search and never modifies anything.
 * Sorting ties are broken by insertion order, so "last one wins" holds
 * whatever the input. */
#include "keylog.h"

#include <dissect/dissect.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KL_DEFAULT_MAX 1000000u
#define KL_KEY_MAX 32
#define KL_LINE_MAX 512 /* longer lines are malformed (the longest good one is ~230) */

typedef struct kl_entry {
  uint8_t label;
  uint8_t keylen;
  uint8_t seclen;
  uint32_t order; /* insertion order within the pending tail */
  uint8_t key[KL_KEY_MAX];
  uint8_t secret[DX_KL_MAX_SECRET];
} kl_entry;

struct dx_keylog {
  kl_entry *e;
  size_t n;       /* sorted, distinct entries */
  size_t pending; /* unsorted entries after them */
  size_t cap;     /* allocated */
  size_t max;     /* cap on n + pending */
  size_t bad, unknown, dropped;
  unsigned long first_bad;
  bool oom;
};

static const struct {
  const char *name;
  uint8_t keylen;
} labels[DX_KL_COUNT] = {
    [DX_KL_CLIENT_RANDOM] = {"CLIENT_RANDOM", 32},
    [DX_KL_CLIENT_EARLY_TRAFFIC_SECRET] = {"CLIENT_EARLY_TRAFFIC_SECRET", 32},
    [DX_KL_CLIENT_HANDSHAKE_TRAFFIC_SECRET] = {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", 32},
    [DX_KL_SERVER_HANDSHAKE_TRAFFIC_SECRET] = {"SERVER_HANDSHAKE_TRAFFIC_SECRET", 32},
    [DX_KL_CLIENT_TRAFFIC_SECRET_0] = {"CLIENT_TRAFFIC_SECRET_0", 32},
    [DX_KL_SERVER_TRAFFIC_SECRET_0] = {"SERVER_TRAFFIC_SECRET_0", 32},
    [DX_KL_EXPORTER_SECRET] = {"EXPORTER_SECRET", 32},
    [DX_KL_RSA] = {"RSA", 8},
};

const char *dx_keylog_label_name(int label) {
  return label >= 0 && label < DX_KL_COUNT ? labels[label].name : NULL;
}

/* Secret lengths a label accepts: the master secret and the RSA premaster
 * are 48 bytes; TLS 1.3 secrets are Hash.length (SHA-256/384/512). */
static bool secret_len_ok(int label, size_t n) {
  if (label == DX_KL_CLIENT_RANDOM || label == DX_KL_RSA)
    return n == 48;
  return n == 32 || n == 48 || n == 64;
}

dx_keylog *dx_keylog_new(size_t max_entries) {
  dx_keylog *kl = calloc(1, sizeof *kl);
  if (!kl)
    return NULL;
  kl->max = max_entries ? max_entries : KL_DEFAULT_MAX;
  if (kl->max > UINT32_MAX) /* kl_entry.order is 32 bits */
    kl->max = UINT32_MAX;
  return kl;
}

void dx_keylog_free(dx_keylog *kl) {
  if (!kl)
    return;
  free(kl->e);
  free(kl);
}

dx_keylog *dx_keylog_clone(const dx_keylog *kl) {
  if (!kl)
    return NULL;
  dx_keylog *c = malloc(sizeof *c);
  if (!c)
    return NULL;
  *c = *kl;
  size_t used = kl->n + kl->pending;
  c->cap = used;
  c->e = used ? malloc(used * sizeof *c->e) : NULL;
  if (used && !c->e) {
    free(c);
    return NULL;
  }
  if (used)
    memcpy(c->e, kl->e, used * sizeof *c->e);
  return c;
}

size_t dx_keylog_count(const dx_keylog *kl) {
  return kl ? kl->n : 0;
}

size_t dx_keylog_bad_lines(const dx_keylog *kl, unsigned long *first_line) {
  if (first_line)
    *first_line = kl ? kl->first_bad : 0;
  return kl ? kl->bad : 0;
}

size_t dx_keylog_unknown_lines(const dx_keylog *kl) {
  return kl ? kl->unknown : 0;
}

size_t dx_keylog_dropped(const dx_keylog *kl) {
  return kl ? kl->dropped : 0;
}

/* ---- ordering and merging ------------------------------------------------ */

static int cmp_key(const kl_entry *a, int label, const uint8_t *key, size_t keylen) {
  if (a->label != label)
    return a->label < label ? -1 : 1;
  if (a->keylen != keylen)
    return a->keylen < keylen ? -1 : 1;
  return memcmp(a->key, key, keylen);
}

static int cmp_entry(const void *pa, const void *pb) {
  const kl_entry *a = pa, *b = pb;
  int c = cmp_key(a, b->label, b->key, b->keylen);
  if (c)
    return c;
  return a->order < b->order ? -1 : a->order > b->order;
}

/* Binary search in the sorted prefix; index or -1. */
static long find_sorted(const dx_keylog *kl, int label, const uint8_t *key, size_t keylen) {
  size_t lo = 0, hi = kl->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = cmp_key(&kl->e[mid], label, key, keylen);
    if (c == 0)
      return (long)mid;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -1;
}

/* Sorts the pending tail, keeps the last of each run of equal keys, and
 * merges it into the sorted prefix (equal keys: the tail's entry wins). */
static void flush_pending(dx_keylog *kl) {
  if (!kl->pending)
    return;
  kl_entry *t = kl->e + kl->n;
  size_t m = kl->pending;
  qsort(t, m, sizeof *t, cmp_entry);
  size_t w = 0;
  for (size_t r = 0; r < m; r++) {
    if (r + 1 < m && cmp_key(&t[r], t[r + 1].label, t[r + 1].key, t[r + 1].keylen) == 0)
      continue; /* a later one with the same key follows */
    if (w != r)
      t[w] = t[r];
    w++;
  }
  m = w;
  kl->pending = 0;
  if (kl->n == 0) {
    kl->n = m;
    return;
  }
  /* Fast path: the tail sorts after everything already stored. */
  if (cmp_key(&kl->e[kl->n - 1], t[0].label, t[0].key, t[0].keylen) < 0) {
    kl->n += m;
    return;
  }
  kl_entry *tmp = malloc(m * sizeof *tmp);
  if (!tmp) {
    /* Keep the store consistent: resolve the tail one entry at a time
     * (replace in place or insert with a memmove). Slow, but only on OOM. */
    size_t base =
        kl->n; /* tail entry j stays at base + j: inserts only reach index n <= base + j */
    for (size_t j = 0; j < m; j++) {
      kl_entry x = kl->e[base + j];
      long at = find_sorted(kl, x.label, x.key, x.keylen);
      if (at >= 0) {
        kl->e[at] = x;
        continue;
      }
      size_t lo = 0, hi = kl->n;
      while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_key(&kl->e[mid], x.label, x.key, x.keylen) < 0)
          lo = mid + 1;
        else
          hi = mid;
      }
      /* Slot kl->n is free or holds tail entry j itself (copied to x). */
      memmove(&kl->e[lo + 1], &kl->e[lo], (kl->n - lo) * sizeof x);
      kl->e[lo] = x;
      kl->n++;
    }
    return;
  }
  memcpy(tmp, t, m * sizeof *tmp);
  /* Merge from the back: the write position k never falls below the next
   * prefix entry to read, so nothing is overwritten before it is read. */
  size_t i = kl->n, j = m, k = kl->n + m;
  while (j > 0) {
    if (i > 0) {
      int c = cmp_key(&kl->e[i - 1], tmp[j - 1].label, tmp[j - 1].key, tmp[j - 1].keylen);
      if (c > 0) {
        kl->e[--k] = kl->e[--i];
        continue;
      }
      if (c == 0)
        i--; /* replaced by the newer entry */
    }
    kl->e[--k] = tmp[--j];
  }
  while (i > 0)
    kl->e[--k] = kl->e[--i];
  size_t total = kl->n + m - k;
  if (k)
    memmove(kl->e, kl->e + k, total * sizeof *kl->e);
  kl->n = total;
  free(tmp);
}

/* Stores one parsed entry; false if it had to be dropped. */
static bool store(dx_keylog *kl, int label, const uint8_t *key, size_t keylen,
                  const uint8_t *secret, size_t seclen) {
  if (kl->n + kl->pending >= kl->max) {
    flush_pending(kl);
    if (kl->n >= kl->max) {
      long at = find_sorted(kl, label, key, keylen);
      if (at < 0) {
        kl->dropped++;
        return false;
      }
      memcpy(kl->e[at].secret, secret, seclen);
      kl->e[at].seclen = (uint8_t)seclen;
      return true;
    }
  }
  if (kl->n + kl->pending == kl->cap) {
    size_t nc = kl->cap ? kl->cap * 2 : 64;
    if (nc > kl->max)
      nc = kl->max;
    kl_entry *ne = realloc(kl->e, nc * sizeof *ne);
    if (!ne) {
      kl->oom = true;
      kl->dropped++;
      return false;
    }
    kl->e = ne;
    kl->cap = nc;
  }
  kl_entry *x = &kl->e[kl->n + kl->pending];
  memset(x, 0, sizeof *x);
  x->label = (uint8_t)label;
  x->keylen = (uint8_t)keylen;
  x->seclen = (uint8_t)seclen;
  x->order = (uint32_t)kl->pending;
  memcpy(x->key, key, keylen);
  memcpy(x->secret, secret, seclen);
  kl->pending++;
  return true;
}

/* ---- parsing --------------------------------------------------------------- */

/* Each byte's hex digit value plus one, 0 for a byte that is not one: a key
 * log holds tens of megabytes of digits (a table: a third of the branches). */
static const uint8_t hex1[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
    ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16};

static int hexval(unsigned char c) {
  return hex1[c] - 1;
}

/* Decodes n hex digits (n even, n/2 <= cap) into out; false on a bad digit. */
static bool unhex(const char *s, size_t n, uint8_t *out, size_t cap) {
  if (n % 2 || n / 2 > cap)
    return false;
  for (size_t i = 0; i < n; i += 2) {
    int hi = hexval((unsigned char)s[i]), lo = hexval((unsigned char)s[i + 1]);
    if (hi < 0 || lo < 0)
      return false;
    out[i / 2] = (uint8_t)(hi << 4 | lo);
  }
  return true;
}

static bool is_space(char c) {
  return c == ' ' || c == '\t';
}

/* Splits off the next whitespace-separated field of [*p, end). */
static bool next_field(const char **p, const char *end, const char **f, size_t *flen) {
  const char *s = *p;
  while (s < end && is_space(*s))
    s++;
  if (s == end)
    return false;
  const char *e = s;
  while (e < end && !is_space(*e))
    e++;
  *f = s;
  *flen = (size_t)(e - s);
  *p = e;
  return true;
}

enum { LINE_SKIP, LINE_ADDED, LINE_BAD, LINE_UNKNOWN, LINE_DROPPED };

static int parse_line(dx_keylog *kl, const char *s, size_t len) {
  const char *end = s + len;
  if (len && end[-1] == '\r')
    end--;
  const char *p = s, *f;
  size_t fl;
  if (!next_field(&p, end, &f, &fl) || f[0] == '#')
    return LINE_SKIP;
  if ((size_t)(end - s) > KL_LINE_MAX)
    return LINE_BAD;
  int label = -1;
  for (int i = 0; i < DX_KL_COUNT; i++)
    if (strlen(labels[i].name) == fl && memcmp(labels[i].name, f, fl) == 0)
      label = i;
  const char *kf, *sf;
  size_t kfl, sfl;
  bool ok = next_field(&p, end, &kf, &kfl) && next_field(&p, end, &sf, &sfl);
  if (label < 0)
    return ok ? LINE_UNKNOWN : LINE_BAD;
  if (!ok)
    return LINE_BAD;
  uint8_t key[KL_KEY_MAX], secret[DX_KL_MAX_SECRET];
  size_t keylen = labels[label].keylen;
  if (kfl != 2 * keylen || !unhex(kf, kfl, key, sizeof key))
    return LINE_BAD;
  /* The secret is the run of hex digit pairs the third field starts with;
   * what follows it on the line is ignored, as Wireshark's key log pattern
   * (anchored at the line's start only) ignores it: some tools end each line
   * with a stray character (a backslash before the newline, seen in pcapng
   * secrets blocks). A master secret or RSA premaster is its first 48 bytes. */
  size_t run = 0;
  while (run < sfl && hexval((unsigned char)sf[run]) >= 0)
    run++;
  run &= ~(size_t)1;
  if (label == DX_KL_CLIENT_RANDOM || label == DX_KL_RSA)
    run = run >= 96 ? 96 : 0;
  sfl = run;
  if (!sfl || !unhex(sf, sfl, secret, sizeof secret) || !secret_len_ok(label, sfl / 2))
    return LINE_BAD;
  return store(kl, label, key, keylen, secret, sfl / 2) ? LINE_ADDED : LINE_DROPPED;
}

static size_t handle_line(dx_keylog *kl, const char *s, size_t len, unsigned long lineno) {
  switch (parse_line(kl, s, len)) {
  case LINE_ADDED: return 1;
  case LINE_BAD:
    if (kl->bad++ == 0)
      kl->first_bad = lineno;
    return 0;
  case LINE_UNKNOWN: kl->unknown++; return 0;
  default: return 0;
  }
}

/* Handles the complete lines of [text, text+len) starting at line *lineno;
 * with `final` the last unterminated line too. Returns the bytes consumed. */
static size_t add_lines(dx_keylog *kl, const char *text, size_t len, bool final,
                        unsigned long *lineno, size_t *added) {
  size_t pos = 0;
  while (pos < len) {
    const char *nl = memchr(text + pos, '\n', len - pos);
    if (!nl && !final)
      break;
    size_t l = nl ? (size_t)(nl - (text + pos)) : len - pos;
    *added += handle_line(kl, text + pos, l, ++*lineno);
    pos += l + (nl != NULL);
  }
  return pos;
}

size_t dx_keylog_add_text(dx_keylog *kl, const char *text, size_t len) {
  if (!kl || !text)
    return 0;
  /* Blocks padded with NULs (a pcapng block read with its padding): the
   * padding must not spoil the last line. */
  while (len && text[len - 1] == '\0')
    len--;
  unsigned long lineno = 0;
  size_t added = 0;
  add_lines(kl, text, len, true, &lineno, &added);
  flush_pending(kl);
  return added;
}

static void seterr(char *errbuf, size_t errlen, const char *path, const char *why) {
  if (errbuf && errlen)
    snprintf(errbuf, errlen, "key log %s: %s", path, why);
}

int dx_keylog_load_file(dx_keylog *kl, const char *path, char *errbuf, size_t errlen) {
  if (errbuf && errlen)
    errbuf[0] = '\0';
  if (!kl || !path) {
    seterr(errbuf, errlen, path ? path : "(null)", "invalid argument");
    return DX_EINVAL;
  }
  FILE *f = fopen(path, "rb");
  if (!f) {
    seterr(errbuf, errlen, path, strerror(errno));
    return DX_ENOFILE;
  }
  enum { BUFSZ = 1 << 16 };
  char *buf = malloc(BUFSZ);
  if (!buf) {
    fclose(f);
    seterr(errbuf, errlen, path, strerror(ENOMEM));
    return DX_ENOMEM;
  }
  unsigned long lineno = 0;
  size_t fill = 0, added = 0;
  bool skipping = false; /* inside an overlong line, dropping bytes up to its '\n' */
  int rc = DX_OK;
  kl->oom = false;
  for (;;) {
    size_t got = fread(buf + fill, 1, BUFSZ - fill, f);
    if (got == 0) {
      if (ferror(f)) {
        rc = DX_EIO;
        seterr(errbuf, errlen, path, strerror(errno ? errno : EIO));
      } else if (fill && !skipping) {
        add_lines(kl, buf, fill, true, &lineno, &added);
      }
      break;
    }
    fill += got;
    size_t start = 0;
    if (skipping) {
      char *nl = memchr(buf, '\n', fill);
      if (!nl) {
        fill = 0;
        continue;
      }
      start = (size_t)(nl - buf) + 1;
      skipping = false;
    }
    size_t used = start + add_lines(kl, buf + start, fill - start, false, &lineno, &added);
    if (used == 0 && fill == BUFSZ) {
      /* One line fills the whole buffer: malformed; skip to its end. */
      if (kl->bad++ == 0)
        kl->first_bad = lineno + 1;
      lineno++;
      skipping = true;
      fill = 0;
      continue;
    }
    memmove(buf, buf + used, fill - used);
    fill -= used;
  }
  free(buf);
  fclose(f);
  flush_pending(kl);
  if (rc == DX_OK && kl->oom) {
    rc = DX_ENOMEM;
    seterr(errbuf, errlen, path, strerror(ENOMEM));
  }
  return rc;
}

size_t dx_keylog_find(const dx_keylog *kl, int label, const uint8_t *key, size_t keylen,
                      uint8_t *out, size_t outcap) {
  if (!kl || !key || label < 0 || label >= DX_KL_COUNT || keylen != labels[label].keylen)
    return 0;
  long at = find_sorted(kl, label, key, keylen);
  if (at < 0)
    return 0;
  const kl_entry *x = &kl->e[at];
  if (!out || outcap < x->seclen)
    return 0;
  memcpy(out, x->secret, x->seclen);
  return x->seclen;
}
