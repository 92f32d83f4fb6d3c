/* libFuzzer harness for the decrypting TLS path (proto/tls.c,
 * proto/tls_decrypt.c, core/keylog.c and what runs on decrypted bytes:
 * HTTP/1.x, HTTP/2). A random stream never gets past the key derivation,
 * so the harness starts from real keyed connections (tls_decrypt_base.h,
 * made by make_tls_base.py from samples/: the TLS records of one
 * connection per base and its key log lines, or for RSA key exchange the
 * sample's RSA key, loaded into every session) and the input edits them:
 * flipped bytes in record bodies (tags fail), changed lengths and content
 * types, cut, inserted, deleted, duplicated and reordered records, records
 * moved to the other direction, a wrong or extra key log, and how the
 * stream is cut into TCP segments. The result is played as one TCP
 * connection to the base's port (443; a proxy's 8080 for the base whose
 * TLS follows an HTTP CONNECT, its request and answer two chunks before
 * the records) (tcpconn.h) and every packet is written in one
 * output form (fuzzutil.h; the first packet's is byte 2 ^ byte 3) into a
 * memory stream. Sessions are reused (reset after every input), one per
 * configuration, holding the key logs of every base.
 *
 * Input format (seeds: make_tls_base.py):
 *   byte 0   base (modulo the number of bases; see tls_decrypt_base.h)
 *   byte 1   flags: 1 small stream caps; 2 terse mode; 4 the tail of the
 *            input is key log text, added too; 8 the base's key log is left
 *            out; 16 the base's key log is corrupted (last hex digit of
 *            every line changed: the right client random, a wrong secret);
 *            32 decode-as "tls.port==443,http2"; bits 6-7 segmentation:
 *            0 each run of records in one direction in segments of at most
 *            16 KiB, 1 one segment per record, 2 segments of (byte 2) + 1
 *            bytes (the first 40; then as 0), 3 segments of 1..1460 bytes
 *            drawn from a generator seeded with byte 2
 *   byte 2   segmentation parameter
 *   byte 3   number of edits (at most 32)
 *   edits    5 bytes each: kind (low 4 bits), record index (modulo the
 *            records left), a 2-byte big-endian argument A, a value V;
 *            INSERT, SPLICE and GROW are followed by their bytes
 *     0 XOR   body byte 5 + A % body length ^= V (or 1)
 *     1 SET   body byte 5 + A % body length = V
 *     2 HXOR  header byte A % 5 ^= V (type, version, length)
 *     3 LEN   length field = A (the bytes stay: the stream goes out of step)
 *     4 CUT   the record's bytes cut to A % (length + 1), header unchanged
 *     5 SHORT the body cut to A % (body length + 1), length field fixed
 *     6 TYPE  content type = V
 *     7 INS   a new record before this one, direction V & 1, A % 4096 bytes
 *             from the input; with V & 2 a header is put in front (type 20
 *             + (V >> 2) % 5, version 0x0303, the right length)
 *     8 DEL   the record is deleted
 *     9 DUP   the record is sent twice
 *    10 SWAP  with the record (index + 1 + A) % count
 *    11 DIR   the record goes in the other direction
 *    12 END   the records after this one are dropped
 *    13 SPLICE V bytes from the input written into the body at 5 + A % body
 *             length (as many as fit)
 *    14 GROW  V + 1 bytes from the input appended to the body, length fixed
 *    15 MOVE  the record moves to position A % count
 *   tail     key log text (flag 4)
 */
#include "tcpconn.h"
#include "tls_decrypt_base.h"

#include <unistd.h>

#define MAX_RECS 64
#define MAX_OPS 32
#define MAX_SEGS 96
/* Segmentation mode 2 (fixed sizes) cuts the first FINE_SEGS segments at
 * its size, then sends the rest of each run whole, as mode 0: a small
 * fixed size made up to 96 one- to few-byte segments, half the packets of
 * a run over the corpus, and the reassembly across them is reached within
 * the first ones (records deleted or moved by the edits bring any record
 * there). */
#define FINE_SEGS 40
#define FLIGHT_SEG 16384u

typedef struct rec {
  int dir;
  uint8_t *b;
  size_t len;
} rec;

typedef struct recs {
  rec r[MAX_RECS];
  size_t n;
} recs;

static uint8_t *dup_bytes(const uint8_t *p, size_t n) {
  uint8_t *b = malloc(n ? n : 1);
  if (!b)
    abort();
  if (n)
    memcpy(b, p, n);
  return b;
}

static void rec_insert(recs *rs, size_t at, int dir, uint8_t *b, size_t len) {
  if (rs->n == MAX_RECS) {
    free(b);
    return;
  }
  memmove(&rs->r[at + 1], &rs->r[at], (rs->n - at) * sizeof(rec));
  rs->r[at] = (rec){dir, b, len};
  rs->n++;
}

static void rec_delete(recs *rs, size_t at) {
  free(rs->r[at].b);
  memmove(&rs->r[at], &rs->r[at + 1], (rs->n - at - 1) * sizeof(rec));
  rs->n--;
}

static void set_len(rec *r) {
  if (r->len >= 5)
    tcpconn_put16(r->b + 3, (uint32_t)(r->len - 5));
}

/* Applies one edit; returns the input bytes it took after its 5 bytes. */
static size_t edit(recs *rs, const uint8_t *op, const uint8_t *more, size_t avail) {
  unsigned kind = op[0] & 15;
  unsigned a = ((unsigned)op[2] << 8) | op[3];
  uint8_t v = op[4];
  size_t used = 0;
  if (kind == 7) { /* INS works on an empty list too */
    size_t n = a % 4096;
    if (n > avail)
      n = avail;
    used = n;
    size_t at = rs->n ? op[1] % (rs->n + 1) : 0;
    if (v & 2) {
      uint8_t *b = malloc(n + 5);
      if (!b)
        abort();
      b[0] = (uint8_t)(20 + (v >> 2) % 5);
      b[1] = 3;
      b[2] = 3;
      tcpconn_put16(b + 3, (uint32_t)n);
      if (n)
        memcpy(b + 5, more, n);
      rec_insert(rs, at, v & 1, b, n + 5);
    } else {
      rec_insert(rs, at, v & 1, dup_bytes(more, n), n);
    }
    return used;
  }
  if (kind == 13 || kind == 14) {
    used = kind == 13 ? v : (size_t)v + 1;
    if (used > avail)
      used = avail;
  }
  if (rs->n == 0)
    return used;
  size_t i = op[1] % rs->n;
  rec *r = &rs->r[i];
  size_t body = r->len > 5 ? r->len - 5 : 0;
  switch (kind) {
  case 0:
    if (body)
      r->b[5 + a % body] ^= v ? v : 1;
    else if (r->len)
      r->b[a % r->len] ^= v ? v : 1;
    break;
  case 1:
    if (body)
      r->b[5 + a % body] = v;
    break;
  case 2:
    if (r->len)
      r->b[(a % 5) % r->len] ^= v;
    break;
  case 3:
    if (r->len >= 5)
      tcpconn_put16(r->b + 3, a);
    break;
  case 4: r->len = a % (r->len + 1); break;
  case 5:
    if (r->len >= 5) {
      r->len = 5 + a % (body + 1);
      set_len(r);
    }
    break;
  case 6:
    if (r->len)
      r->b[0] = v;
    break;
  case 8: rec_delete(rs, i); break;
  case 9:
    if (rs->n < MAX_RECS)
      rec_insert(rs, i + 1, r->dir, dup_bytes(r->b, r->len), r->len);
    break;
  case 10: {
    size_t j = (i + 1 + a) % rs->n;
    rec t = rs->r[i];
    rs->r[i] = rs->r[j];
    rs->r[j] = t;
    break;
  }
  case 11: r->dir ^= 1; break;
  case 12:
    while (rs->n > i + 1)
      rec_delete(rs, rs->n - 1);
    break;
  case 13:
    if (body) {
      size_t off = 5 + a % body;
      size_t n = used < r->len - off ? used : r->len - off;
      memcpy(r->b + off, more, n);
    }
    break;
  case 14:
    /* (nothing to add: realloc() to 0 bytes would free the record) */
    if (used && r->len + used <= 0xffff) {
      uint8_t *b = realloc(r->b, r->len + used);
      if (!b)
        abort();
      memcpy(b + r->len, more, used);
      r->b = b;
      r->len += used;
      set_len(r);
    }
    break;
  case 15: {
    size_t j = a % rs->n;
    rec t = *r;
    memmove(&rs->r[i], &rs->r[i + 1], (rs->n - i - 1) * sizeof(rec));
    memmove(&rs->r[j + 1], &rs->r[j], (rs->n - 1 - j) * sizeof(rec));
    rs->r[j] = t;
    break;
  }
  default: break;
  }
  return used;
}

/* Segment sizes: mode 2 fixed, mode 3 from a xorshift generator. */
typedef struct segger {
  unsigned mode;
  uint32_t state;
  unsigned fixed;
} segger;

static size_t next_seg(segger *g) {
  switch (g->mode) {
  case 2: return g->fixed;
  case 3:
    g->state ^= g->state << 13;
    g->state ^= g->state >> 17;
    g->state ^= g->state << 5;
    return 1 + g->state % TCPCONN_MAX_PAYLOAD;
  default: return FLIGHT_SEG;
  }
}

/* Sends the records as TCP segments: runs of records in one direction are
 * joined (except in mode 1) and cut by the segment sizes. At most MAX_SEGS
 * segments; what is left of a run then goes in one segment. */
static void play(tcpconn *c, const recs *rs, segger *g) {
  int segs = 0;
  size_t i = 0;
  while (i < rs->n) {
    int dir = rs->r[i].dir;
    size_t j = i, total = 0;
    while (j < rs->n && rs->r[j].dir == dir && (g->mode != 1 || j == i))
      total += rs->r[j++].len;
    if (total == 0) {
      i = j;
      continue;
    }
    uint8_t *run = malloc(total);
    if (!run)
      abort();
    size_t off = 0;
    for (size_t k = i; k < j; k++) {
      if (rs->r[k].len)
        memcpy(run + off, rs->r[k].b, rs->r[k].len);
      off += rs->r[k].len;
    }
    for (off = 0; off < total;) {
      size_t n = g->mode == 2 && segs >= FINE_SEGS ? FLIGHT_SEG : next_seg(g);
      if (n > FLIGHT_SEG)
        n = FLIGHT_SEG;
      if (segs >= MAX_SEGS - 1 && total - off <= 0xffff - 40)
        n = total - off;
      if (n > total - off)
        n = total - off;
      tcpconn_send(c, dir, run + off, n);
      segs++;
      off += n;
    }
    free(run);
    i = j;
  }
}

/* The base's key log with the last hex digit of every line changed. */
static char *corrupt_keylog(const char *log, size_t *len) {
  *len = strlen(log);
  char *t = malloc(*len + 1);
  if (!t)
    abort();
  memcpy(t, log, *len + 1);
  for (size_t i = 1; i < *len; i++)
    if (t[i] == '\n')
      t[i - 1] = t[i - 1] == '0' ? '1' : '0';
  return t;
}

/* The bases' RSA key in a file for dx_session_load_rsa_key(), written once
 * and removed at exit; "" if it could not be written. */
static char rsa_path[32];

static void rsa_unlink(void) {
  unlink(rsa_path);
}

static const char *rsa_key_file(void) {
  static int done;
  if (!done) {
    done = 1;
    strcpy(rsa_path, "/tmp/fz-tls-rsa-XXXXXX");
    int fd = mkstemp(rsa_path);
    size_t n = strlen(tls_rsa_key_pem);
    if (fd < 0 || write(fd, tls_rsa_key_pem, n) != (ssize_t)n) {
      if (fd >= 0)
        unlink(rsa_path);
      rsa_path[0] = 0;
    } else
      atexit(rsa_unlink);
    if (fd >= 0)
      close(fd);
  }
  return rsa_path;
}

/* Reused sessions: [small caps | key log (none, right, corrupted) << 1 |
 * decode-as http2 << 3 | key log text from the input << 4]. */
static dx_session *sessions[32];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 4)
    return 0;
  const tls_base *base = &tls_bases[data[0] % TLS_NBASES];
  unsigned flags = data[1];
  segger g = {flags >> 6, 0x9e3779b9u ^ data[2], (unsigned)data[2] + 1};
  unsigned nops = data[3] % (MAX_OPS + 1);
  size_t pos = 4;

  recs rs;
  rs.n = 0;
  for (unsigned i = 0; i < base->nrecs && i < MAX_RECS; i++) {
    const tls_base_rec *br = &base->recs[i];
    rs.r[rs.n++] = (rec){br->dir, dup_bytes(tls_base_blob + br->off, br->len), br->len};
  }
  for (unsigned k = 0; k < nops && pos + 5 <= size; k++) {
    const uint8_t *op = data + pos;
    pos += 5;
    pos += edit(&rs, op, data + pos, size - pos);
  }

  tcpconn c;
  memset(&c, 0, sizeof c);
  c.port[0] = 51000;
  c.port[1] = base->port; /* 443, or a proxy's */
  c.form = data[2] ^ data[3];
  c.pick = (unsigned)(size % 8);
  c.lean = (unsigned)(size >> 3) & 1;  /* labels of the packet picked only */
  c.brief = (unsigned)(size >> 4) & 1; /* no handshake ACK, no last ACK */
  /* the json-c objects of the packet written on one input in four that
   * pick that form (a certificate's tree of thousands of objects: a third
   * of the harness's time when always written) */
  fz_no_jsonc = ((size >> 5) & 3) != 0;
  dx_config cfg;
  memset(&cfg, 0, sizeof cfg);
  if (flags & 1) {
    cfg.max_stream_bytes = 3000;
    cfg.max_total_stream_bytes = 5000;
  }
  /* The key logs of every base (client randoms differ) are in the reused
   * sessions: none, right or corrupted, by flags 8 and 16. An input with
   * key log text (flag 4) has sessions of its own kind: the base's key log
   * and the text are added for the input and cleared at its end
   * (dx_session_clear_secrets), so no input's text stays for the next. */
  unsigned kl = (flags & 8) ? 0 : (flags & 16) ? 2 : 1;
  unsigned own = (flags & 4) && pos < size;
  unsigned variant = (flags & 1) | kl << 1 | ((flags >> 5) & 1) << 3 | own << 4;
  dx_session **slot = &sessions[variant];
  int made = *slot == NULL;
  c.s = fz_session(slot, &cfg);
  if (made || own) {
    for (unsigned b = 0; b < (own ? 1u : TLS_NBASES); b++) {
      const tls_base *kb = own ? base : &tls_bases[b];
      if (kl == 2) {
        size_t n;
        char *t = corrupt_keylog(kb->keylog, &n);
        dx_session_add_secrets(c.s, t, n);
        free(t);
      } else if (kl == 1) {
        dx_session_add_secrets(c.s, kb->keylog, strlen(kb->keylog));
      }
    }
    if (made && (flags & 32))
      dx_session_decode_as(c.s, "tls.port==443,http2", NULL, 0);
    /* the RSA bases' key, in every session (kept by
     * dx_session_clear_secrets) */
    if (made && *rsa_key_file() && dx_session_load_rsa_key(c.s, rsa_path, NULL, 0) != DX_OK)
      abort();
  }
  if (own) {
    /* A copy of exactly the tail so ASan sees reads past its end. */
    char *t = (char *)dup_bytes(data + pos, size - pos);
    dx_session_add_secrets(c.s, t, size - pos);
    free(t);
  }
  static const char *const names[] = {"tls.record.content_type", "tls.app_data", "http2.type",
                                      "http.request.uri"};
  fz_interest(c.s, names, (flags & 2) ? 4 : 0, DX_INTEREST_COLUMNS);

  tcpconn_open(&c);
  play(&c, &rs, &g);
  tcpconn_close(&c);
  if (own && dx_session_clear_secrets(c.s) != DX_OK)
    abort();
  fz_done(slot);
  while (rs.n)
    rec_delete(&rs, rs.n - 1);
  return 0;
}
