/*
 * The packet index: one 40-byte pkt_entry per frame (file position, time,
 * length, colour class, stream id and the previous frame of the same
 * stream). The summary columns (source, destination, protocol, info) of
 * every frame are written once to a spill file (an anonymous tmpfile(), gone
 * when the program exits) and read back with pread() for the rows on screen,
 * so memory grows by 40 bytes per packet (and 40 per TCP or UDP stream,
 * with its addresses when they are not IPv4, once each) and the list
 * scrolls instantly.
 *
 * The scanner dissects the capture in order with its own session, a slice
 * of ~20 ms at a time from the main loop (no threads): the first screen
 * shows at once and the status line shows the progress. A display filter
 * restarts the scanner from the first frame with a fresh session (the filter
 * needs every frame's state) and collects the matching frames.
 *
 * Random access: dx_capture_tell() before each record, dx_capture_seek()
 * to re-read it. Trees are built on demand by re-dissecting a frame after
 * the frames of its TCP/UDP stream before it (index_dissect), so relative
 * sequence numbers and reassembly come out as in the full pass.
 */
#include "ui.h"

#include "../cli/chunkq.h"

#include <dissect/output.h>
#include <dissect/story.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Fields the scanner reads, looked up once per session. */
typedef struct scan_fields {
  const dx_field *tcp_stream, *udp_stream, *dns, *tcp_sport, *tcp_dport, *udp_sport, *udp_dport,
      *ip_src, *ip_dst, *ip6_src, *ip6_dst, *quic_conn;
} scan_fields;

static scan_fields g_sf; /* refreshed with each scanner session */
_Static_assert(sizeof(scan_fields) % sizeof(const dx_field *) == 0,
               "scan_fields holds field pointers only (scan_start lists them)");

static void lookup_fields(const dx_session *s, scan_fields *f) {
#define L(m, name) f->m = dx_field_lookup(s, name)
  L(tcp_stream, "tcp.stream");
  L(udp_stream, "udp.stream");
  L(dns, "dns");
  L(tcp_sport, "tcp.srcport");
  L(tcp_dport, "tcp.dstport");
  L(udp_sport, "udp.srcport");
  L(udp_dport, "udp.dstport");
  L(ip_src, "ip.src");
  L(ip_dst, "ip.dst");
  L(ip6_src, "ipv6.src");
  L(ip6_dst, "ipv6.dst");
  L(quic_conn, "quic.connection.number"); /* the QUIC connection of a UDP stream */
#undef L
}

static const dx_node *find(const dx_packet *p, const dx_field *f) {
  return f ? dx_packet_find(p, f) : NULL;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

tui_decode_opts g_tui_opts;

/* A session with the user's TLS secrets and decode-as rules; err (may be
 * NULL) names what could not be used. */
/* The key log at path read into a session of its own, once: a session is
 * made for every packet shown and every replay, and a browser's key log
 * has thousands of lines, so new sessions get a copy
 * (dx_session_copy_secrets). Read again when the file changed (a browser
 * writing to it while a live capture runs) or another is named. The UI's
 * thread only. NULL with *rc and err set if it cannot be read. */
static dx_session *g_kl;
static char g_kl_path[1024];
static long long g_kl_size, g_kl_mtime;

static const dx_session *keylog_read(const char *path, char *err, size_t errlen, int *rc) {
  struct stat st;
  long long size = -1, mtime = -1;
  if (stat(path, &st) == 0)
    size = (long long)st.st_size, mtime = (long long)st.st_mtime;
  if (g_kl && (strcmp(g_kl_path, path) != 0 || size != g_kl_size || mtime != g_kl_mtime)) {
    dx_session_free(g_kl);
    g_kl = NULL;
  }
  if (g_kl)
    return g_kl;
  if ((*rc = dx_session_new(&g_kl, NULL)) != DX_OK)
    return NULL;
  if ((*rc = dx_session_load_keylog(g_kl, path, err, errlen)) != DX_OK) {
    dx_session_free(g_kl);
    g_kl = NULL;
    return NULL;
  }
  snprintf(g_kl_path, sizeof g_kl_path, "%s", path);
  g_kl_size = size;
  g_kl_mtime = mtime;
  return g_kl;
}

static int new_session(pindex *ix, const dx_config *cfg, dx_session **out, char *err,
                       size_t errlen) {
  char tmp[1024];
  if (!err) {
    err = tmp;
    errlen = sizeof tmp;
  }
  err[0] = 0;
  int rc = dx_session_new(out, cfg);
  if (rc != DX_OK)
    return rc;
  dx_session *s = *out;
  dx_session_set_tcp_reorder(s, g_tui_opts.tcp_reorder);
  if (ix->keylog[0]) {
    const dx_session *kl = keylog_read(ix->keylog, err, errlen, &rc);
    if (!kl || (rc = dx_session_copy_secrets(s, kl)) != DX_OK)
      goto fail;
  }
  if (g_tui_opts.rsa_key &&
      (rc = dx_session_load_rsa_key(s, g_tui_opts.rsa_key, err, errlen)) != DX_OK)
    goto fail;
  for (int i = 0; i < g_tui_opts.ndecode_as; i++)
    if ((rc = dx_session_decode_as(s, g_tui_opts.decode_as[i], err, errlen)) != DX_OK)
      goto fail;
  if (!ix->live && ix->path) {
    /* key logs carried inside a pcapng file (Decryption Secrets Blocks) */
    dx_capture *c = NULL;
    char e[256];
    if (dx_capture_open_file(&c, ix->path, e, sizeof e) == DX_OK) {
      const char *sec = NULL;
      size_t n = 0;
      if (dx_capture_secrets(c, &sec, &n) == DX_OK && n)
        dx_session_add_secrets(s, sec, n);
      dx_capture_close(c);
    }
    if (ix->dsb_len) /* those further on, met by the scanner so far */
      dx_session_add_secrets(s, ix->dsb, ix->dsb_len);
  }
  return DX_OK;
fail:
  dx_session_free(s);
  *out = NULL;
  return rc;
}

int index_new_session(pindex *ix, dx_session **out) {
  return new_session(ix, NULL, out, NULL, 0);
}

int index_check_session(pindex *ix, char *err, size_t errlen) {
  dx_session *s = NULL;
  int rc = new_session(ix, NULL, &s, err, errlen);
  dx_session_free(s);
  return rc;
}

static int grow(void **arr, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap)
    return 0;
  size_t nc = *cap ? *cap : 1024;
  while (nc < need)
    nc *= 2;
  void *np = realloc(*arr, nc * elem);
  if (!np)
    return -1;
  *arr = np;
  *cap = nc;
  return 0;
}

/* The offset of address text a in the index's pool, added if new (0,
 * "", if memory runs out). */
static uint32_t addr_intern(pindex *ix, const char *a) {
  if (!a[0])
    return 0;
  size_t len = strlen(a) + 1;
  if (ix->addr_count + 1 > ix->addr_hcap / 2) { /* half full at most */
    size_t nc = ix->addr_hcap ? ix->addr_hcap * 2 : 1024;
    uint32_t *nt = calloc(nc, sizeof *nt);
    if (!nt)
      return 0;
    for (size_t k = 0; k < ix->addr_hcap; k++) {
      uint32_t v = ix->addr_ht[k];
      if (!v)
        continue;
      uint32_t h = 2166136261u;
      for (const char *c = ix->addr + v - 1; *c; c++)
        h = (h ^ (uint8_t)*c) * 16777619u;
      size_t j = h & (nc - 1);
      while (nt[j])
        j = (j + 1) & (nc - 1);
      nt[j] = v;
    }
    free(ix->addr_ht);
    ix->addr_ht = nt;
    ix->addr_hcap = nc;
  }
  uint32_t h = 2166136261u;
  for (const char *c = a; *c; c++)
    h = (h ^ (uint8_t)*c) * 16777619u;
  size_t j = h & (ix->addr_hcap - 1);
  for (; ix->addr_ht[j]; j = (j + 1) & (ix->addr_hcap - 1))
    if (strcmp(ix->addr + ix->addr_ht[j] - 1, a) == 0)
      return ix->addr_ht[j] - 1;
  if (!ix->addr_len) /* offset 0: "" */
    ix->addr_len = 1;
  if (ix->addr_len + len > UINT32_MAX - 1 ||
      grow((void **)&ix->addr, &ix->addr_cap, ix->addr_len + len, 1))
    return 0;
  ix->addr[0] = 0;
  uint32_t off = (uint32_t)ix->addr_len;
  memcpy(ix->addr + off, a, len);
  ix->addr_len += len;
  ix->addr_ht[j] = off + 1;
  ix->addr_count++;
  return off;
}

/* An IPv4 address in the text dx_node_value() gives (a.b.c.d, decimal,
 * no leading zeros): *v its four bytes, the text index_addr() gives back. */
static int ipv4_of(const char *a, uint32_t *v) {
  uint32_t x = 0;
  for (int k = 0; k < 4; k++) {
    if (k && *a++ != '.')
      return 0;
    const char *d = a;
    unsigned n = 0;
    while (*a >= '0' && *a <= '9' && a - d < 4)
      n = n * 10 + (unsigned)(*a++ - '0');
    if (a == d || a - d > 3 || n > 255 || (*d == '0' && a - d > 1))
      return 0;
    x = x << 8 | n;
  }
  if (*a)
    return 0;
  *v = x;
  return 1;
}

/* How a stream keeps address a: its IPv4 bytes (*v4 |= bit), else its
 * place in the pool. */
static uint32_t addr_ref(pindex *ix, const char *a, uint8_t *v4, uint8_t bit) {
  uint32_t x;
  if (ipv4_of(a, &x)) {
    *v4 |= bit;
    return x;
  }
  return addr_intern(ix, a);
}

const char *index_addr(const pindex *ix, const stream_info *s, int end, char buf[INDEX_ADDR_BUF]) {
  uint32_t ref = end ? s->addr_b : s->addr_a;
  if (!(s->v4 & (end ? 2 : 1)))
    return ix->addr && ref < ix->addr_len ? ix->addr + ref : "";
  char *o = buf;
  for (int k = 3; k >= 0; k--) {
    unsigned n = ref >> (8 * k) & 255;
    if (n >= 100)
      *o++ = (char)('0' + n / 100);
    if (n >= 10)
      *o++ = (char)('0' + n / 10 % 10);
    *o++ = (char)('0' + n % 10);
    if (k)
      *o++ = '.';
  }
  *o = 0;
  return buf;
}

stream_info *index_stream(pindex *ix, int kind, uint32_t id) {
  if (kind <= SK_NONE || kind > SK_UDP || id >= ix->nst[kind])
    return NULL;
  return &ix->st[kind][id];
}

static void node_text(const dx_node *n, char *buf, size_t len) {
  buf[0] = 0;
  if (n)
    dx_node_value(n, buf, len);
}

/* What the index keeps of one frame, made from its packet by the scanner
 * (or by a worker of a split scan, tui split below), then added by
 * index_add(). */
typedef struct frame_rec {
  int64_t foff, ts_sec;
  uint32_t ts_nsec, wirelen;
  uint8_t cclass;
  uint8_t skind;    /* SK_*: the frame's stream (its first tcp.stream, else udp.stream) */
  uint8_t has_conn; /* the QUIC connection of its UDP stream */
  uint8_t has_ends; /* the ends below are set (the stream's first frame) */
  uint32_t stream, conn;
  uint16_t port_a, port_b;
  /* every stream number the frame shows, in tree order (a split scan's
   * merge numbers the streams as one session would, by these) */
  uint8_t nids;
  uint8_t id_kind[4];
  uint32_t ids[4];
  uint16_t text_len;           /* the summary strings (spill), after the record */
  char addr_a[48], addr_b[48]; /* last: a split scan sends them only with has_ends */
} frame_rec;

/* The bytes of r a split scan's worker sends (the ends only when set). */
static size_t rec_size(const frame_rec *r) {
  return r->has_ends ? sizeof *r : offsetof(frame_rec, addr_a);
}

#define REC_TEXT 4 * 4001

/* The four summary strings of p, each NUL-terminated, into text. */
static uint16_t summary_text(const dx_packet *p, char *text) {
  const char *parts[4] = {dx_packet_src(p), dx_packet_dst(p), dx_packet_protocol(p),
                          dx_packet_info(p)};
  size_t total = 0;
  for (int k = 0; k < 4; k++) {
    size_t l = strlen(parts[k]);
    if (l > 4000)
      l = 4000;
    memcpy(text + total, parts[k], l);
    text[total + l] = 0;
    total += l + 1;
  }
  return (uint16_t)total;
}

/* The stream's ends (addresses and ports) from its first frame. */
static void rec_ends(frame_rec *r, const dx_packet *p) {
  const scan_fields *f = &g_sf;
  const dx_node *a = find(p, f->ip_src), *b = find(p, f->ip_dst);
  if (!a) {
    a = find(p, f->ip6_src);
    b = find(p, f->ip6_dst);
  }
  node_text(a, r->addr_a, sizeof r->addr_a);
  node_text(b, r->addr_b, sizeof r->addr_b);
  const dx_node *pa = find(p, r->skind == SK_TCP ? f->tcp_sport : f->udp_sport);
  const dx_node *pb = find(p, r->skind == SK_TCP ? f->tcp_dport : f->udp_dport);
  r->port_a = pa ? (uint16_t)dx_node_uint(pa) : 0;
  r->port_b = pb ? (uint16_t)dx_node_uint(pb) : 0;
  r->has_ends = 1;
}

/* The record of frame f (at off) from its packet p, coloured by cf; the
 * ends are filled when first(kind, id) says the stream is new. */
static void rec_from_packet(frame_rec *r, char *text, const dx_colorfilters *cf, int64_t off,
                            const dx_frame *f, const dx_packet *p,
                            int (*first)(void *ctx, int kind, uint32_t id), void *ctx) {
  memset(r, 0, offsetof(frame_rec, addr_a));
  r->addr_a[0] = r->addr_b[0] = 0;
  r->nids = 0;
  r->foff = off;
  r->ts_sec = f->ts_sec;
  r->ts_nsec = f->ts_nsec;
  r->wirelen = f->wirelen;
  int c = dx_colorfilters_match(cf, p);
  r->cclass = (uint8_t)(c >= 0 && c < CC_MAX_RULES ? c + 1 : 0);
  if (find(p, g_sf.dns))
    r->cclass |= CF_DNS;
  const dx_node *sn = find(p, g_sf.tcp_stream);
  int kind = SK_TCP;
  if (!sn) {
    sn = find(p, g_sf.udp_stream);
    kind = SK_UDP;
  }
  if (sn) {
    r->skind = (uint8_t)kind;
    r->stream = (uint32_t)dx_node_uint(sn);
    if (first(ctx, kind, r->stream))
      rec_ends(r, p);
    /* the QUIC connection (the story layer's key: dx_story_packet_connection
     * reads the same field when there is no tcp.stream) */
    const dx_node *qn = kind == SK_UDP ? find(p, g_sf.quic_conn) : NULL;
    if (qn) {
      r->has_conn = 1;
      r->conn = (uint32_t)dx_node_uint(qn);
    }
  }
  r->text_len = summary_text(p, text);
}

/* Records the stream of frame i; returns the previous frame of the stream. */
static uint32_t note_stream(pindex *ix, size_t i, const frame_rec *r) {
  int kind = r->skind;
  uint32_t id = r->stream;
  if (id > i) /* streams are numbered densely: at most i+1 exist */
    return NO_PREV;
  if (id >= ix->nst[kind]) {
    if (grow((void **)&ix->st[kind], &ix->capst[kind], (size_t)id + 1, sizeof(stream_info)))
      return NO_PREV;
    for (size_t k = ix->nst[kind]; k <= id; k++) {
      memset(&ix->st[kind][k], 0, sizeof(stream_info));
      ix->st[kind][k].first = ix->st[kind][k].last = NO_PREV;
    }
    ix->nst[kind] = (size_t)id + 1;
  }
  stream_info *s = &ix->st[kind][id];
  uint32_t prev = s->last;
  if (s->first == NO_PREV) {
    s->first = (uint32_t)i;
    s->addr_a = addr_ref(ix, r->addr_a, &s->v4, 1);
    s->addr_b = addr_ref(ix, r->addr_b, &s->v4, 2);
    s->port_a = r->port_a;
    s->port_b = r->port_b;
  }
  if (kind == SK_UDP && !s->has_conn && r->has_conn) {
    /* the QUIC connection a UDP stream carries (the story layer's key) */
    s->has_conn = 1;
    s->conn = r->conn;
  }
  s->last = (uint32_t)i;
  s->packets++;
  s->bytes += r->wirelen;
  return prev;
}

#define SPILL_BUF (256u << 10)
/* A frame's summary starts in the spill file where its group of
 * SPILL_STEP frames starts (spill_at) plus the spill_len of the frames
 * before it in the group: an offset every 64 frames rather than one a frame
 * (8 bytes a frame less), and at most 63 lengths to add for a row drawn. */
#define SPILL_STEP 64u

/* Adds frame i (the next one) to the index. */
static void index_add(pindex *ix, size_t i, const frame_rec *r, const char *text) {
  if (i != ix->n) /* already indexed (a filter pass), or memory ran out before */
    return;
  if (grow((void **)&ix->pk, &ix->cap, i + 1, sizeof(pkt_entry)) ||
      grow((void **)&ix->spill_at, &ix->capspill, i / SPILL_STEP + 1, sizeof(uint64_t)))
    return;
  pkt_entry *e = &ix->pk[i];
  memset(e, 0, sizeof *e);
  e->foff = r->foff;
  e->ts_sec = r->ts_sec;
  e->ts_nsec = r->ts_nsec;
  e->wirelen = r->wirelen;
  e->cclass = r->cclass;
  e->prev = NO_PREV;
  if (r->skind != SK_NONE) {
    e->skind = r->skind;
    e->stream = r->stream;
    e->prev = note_stream(ix, i, r);
    if (e->stream > i) /* not recorded: treat as no stream */
      e->skind = SK_NONE;
  }
  if (i % SPILL_STEP == 0)
    ix->spill_at[i / SPILL_STEP] = ix->spill_end;
  if (ix->spill)
    fwrite(text, 1, r->text_len, ix->spill);
  e->spill_len = r->text_len;
  ix->spill_end += r->text_len;
  double rel = (double)(e->ts_sec - ix->pk[0].ts_sec) +
               ((double)e->ts_nsec - (double)ix->pk[0].ts_nsec) / 1e9;
  if (rel > ix->rel_max)
    ix->rel_max = rel;
  if (rel < ix->rel_min)
    ix->rel_min = rel;
  ix->n = i + 1;
}

/* The scanner's: a stream is new when the index has not seen it. */
static int index_first(void *ctx, int kind, uint32_t id) {
  const pindex *ix = ctx;
  return id >= ix->nst[kind] || ix->st[kind][id].first == NO_PREV;
}

static void index_frame(pindex *ix, size_t i, int64_t off, const dx_frame *f, const dx_packet *p) {
  if (i != ix->n)
    return;
  static frame_rec r;
  static char text[REC_TEXT];
  rec_from_packet(&r, text, ix->cf, off, f, p, index_first, ix);
  index_add(ix, i, &r, text);
}

/* The reference packet of ${field} (its replay session with it). */
static void fref_free(pindex *ix) {
  if (ix->fref) {
    replay_free(ix->fref);
    free(ix->fref);
  }
  ix->fref = NULL;
}

static void tsplit_free(pindex *ix);

static void scan_reset(pindex *ix) {
  tsplit_free(ix);
  if (ix->filter)
    dx_filter_free(ix->filter);
  ix->filter = NULL;
  dx_colorfilters_free(ix->cf);
  ix->cf = NULL;
  if (ix->sc)
    dx_capture_close(ix->sc);
  ix->sc = NULL;
  if (ix->ss)
    dx_session_free(ix->ss);
  ix->ss = NULL;
  ix->scan_next = 0;
  ix->scan_off = -1;
  ix->scan_done = 0;
}

/* A scanner session's colouring rules (*cf) and interest: the list reads
 * only the columns, the fields above, the QUIC connection of a UDP stream,
 * the colouring rules' fields and the filter's fields (flt, may be NULL):
 * a terse session skips the layers that hold none of them (the tree and
 * hex panes dissect the selected packet again in full). A protocol that
 * the rules or the filter only test for ("tcp", "eth[0] & 1": a need)
 * leaves the fields of its layer nobody reads unbuilt. */
static void scan_session_setup(dx_session *s, dx_colorfilters **cf, const dx_filter *flt) {
  /* the colouring rules (checked by colors_load(): a failure here is only
   * out of memory, and leaves the list uncoloured) */
  *cf = NULL;
  if (g_tui_opts.cf_text &&
      dx_colorfilters_parse(s, g_tui_opts.cf_text, g_tui_opts.cf_len, cf, NULL, 0) != DX_OK)
    *cf = NULL;
  const dx_field *want[512];
  uint32_t needs[512];
  size_t n = 0;
  const dx_field *const *sf = (const dx_field *const *)(const void *)&g_sf;
  for (size_t k = 0; k < sizeof g_sf / sizeof *sf; k++) {
    needs[n] = sf[k] == g_sf.dns ? DX_NEED_NODE : DX_NEED_VALUE; /* is it DNS? */
    want[n++] = sf[k];
  }
  size_t room = sizeof want / sizeof *want - n;
  size_t nc = dx_colorfilters_fields(*cf, want + n, room);
  dx_colorfilters_field_needs(*cf, needs + n, room);
  if (nc > room)
    want[n = 0] = NULL; /* too many to list: stay in full mode */
  else
    n += nc;
  if (n && flt) {
    room = sizeof want / sizeof *want - n;
    size_t nf = dx_filter_fields(flt, want + n, room);
    dx_filter_field_needs(flt, needs + n, room);
    if (nf > room)
      want[n = 0] = NULL; /* too many to list: stay in full mode */
    else
      n += nf;
  }
  if (n && dx_session_set_interest_needs(s, want, needs, n, DX_INTEREST_COLUMNS) != DX_OK)
    dx_session_clear_interest(s);
}

static int scan_start(pindex *ix, char *err, size_t errlen) {
  char e[512] = "";
  int rc = index_new_session(ix, &ix->ss);
  if (rc != DX_OK) {
    snprintf(err, errlen, "cannot create a session: %s", dx_strerror(rc));
    return rc;
  }
  lookup_fields(ix->ss, &g_sf);
  rc = dx_capture_open_file(&ix->sc, ix->path, e, sizeof e);
  if (rc != DX_OK) {
    snprintf(err, errlen, "%s", e[0] ? e : dx_strerror(rc));
    return rc;
  }
  if (ix->ftext) {
    dx_filter_error fe;
    rc = dx_filter_compile(ix->ss, ix->ftext, &ix->filter, &fe);
    if (rc != DX_OK) {
      dx_filter_error_format(ix->ftext, &fe, err, errlen);
      return rc;
    }
  }
  scan_session_setup(ix->ss, &ix->cf, ix->filter);
  return DX_OK;
}

/* ---- a split scan: two sessions index the capture at once ----
 * The first pass over a capture file without a filter, on two processors
 * (unless --threads 1): as dissect's summary lines (cli/split.c), two
 * worker threads each read the file, dissect the frames of their part
 * (dx_split_part: a connection's frames all in one) and send their records
 * in chunks; index_step() merges them in frame order. Each session numbers
 * its own streams and QUIC connections: the merge numbers them again in
 * the order of the frames that show them first, as one session does (a
 * stream, or a QUIC connection, is numbered by the frame that opens it).
 * The secrets blocks of a pcapng file go with the first worker's records. A
 * filter set during the pass stops it; the filter's pass (one session)
 * indexes the rest. */
/* A chunk is sent when its records pass TS_CHUNK. A worker has at most
 * TS_QUEUE + 2 chunks alive (queued, its own, the one merged), each made
 * with room for TS_CHUNK and a record: 128 KiB keeps the chunks of both
 * workers under 3 MiB (256 KiB held 5.6 MiB of a 200,000-flow flood's
 * peak, and the merge takes no longer with twice as many chunks). */
#define TS_CHUNK (128u << 10)
#define TS_FRAMES 4096u /* or when its worker read this many frames since */
#define TS_FIRST 128u   /* (this many in the first TS_FRAMES frames) */
#define TS_QUEUE 8u     /* chunks waiting for the merge, per worker */

typedef struct ts_chunk {
  uint64_t upto; /* the worker handled frames 0..upto-1 (UINT64_MAX: all) */
  uint8_t *buf;
  size_t len, cap, at; /* records in [0, len); at: the merge's place */
  int last, fail;      /* the worker's last chunk; 1 a capture error, 2 out of memory */
  char err[256];
} ts_chunk;

/* A record: key (2 i for frame i's secrets, 2 i + 1 for frame i), the
 * payload's size, the payload (secrets text, or a frame_rec and its text). */
typedef struct ts_head {
  uint64_t key;
  uint32_t size;
} ts_head;

typedef struct ts_worker {
  pindex *ix;
  unsigned index;
  dx_session *s;
  dx_capture *c;
  dx_colorfilters *cf;
  dx_split *sp;
  pthread_t th;
  int started;
  atomic_int quit;
  chunkq q; /* the chunks to the merge (closed with no last chunk: out of memory) */
  int qok;
  ts_chunk *cur;
  uint64_t nread; /* frames read before the one being dissected */
  int stopped;    /* the merge stopped taking chunks (seen while waiting) */
  dx_split_share *share;
  /* the worker's streams seen so far (a frame_rec's ends on the first) */
  uint8_t *seen[3];
  size_t nseen[3];
  /* the merge's side: its chunk, what the worker handled, the numbers */
  ts_chunk *m;
  uint64_t upto;
  int fin;
  uint32_t *gmap[3]; /* the worker's stream number -> the merge's + 1 */
  size_t ngmap[3];
  uint32_t *gconn; /* the worker's QUIC connection number -> the merge's + 1 */
  size_t ngconn;
} ts_worker;

struct tsplit {
  ts_worker w[2];
  dx_split_share *share; /* the sessions' TLS session cache */
  uint32_t gnext[3], gconn_next;
  uint64_t limit; /* a worker failed on this frame: the frames before it are indexed */
  int fail;       /* 1 a capture error (err), 2 out of memory */
  char err[256];
};

static ts_chunk *ts_chunk_new(void) {
  ts_chunk *c = calloc(1, sizeof *c);
  if (c && !(c->buf = malloc(c->cap = TS_CHUNK + REC_TEXT + 256))) {
    free(c);
    c = NULL;
  }
  return c;
}

static void ts_chunk_free(ts_chunk *c) {
  if (c) {
    free(c->buf);
    free(c);
  }
}

static int ts_put(ts_worker *w, uint64_t key, const void *a, size_t alen, const void *b,
                  size_t blen) {
  ts_chunk *c = w->cur;
  size_t need = sizeof(ts_head) + alen + blen;
  if (c->len + need > c->cap) {
    size_t cap = c->cap;
    while (cap < c->len + need)
      cap *= 2;
    uint8_t *nb = realloc(c->buf, cap);
    if (!nb)
      return -1;
    c->buf = nb;
    c->cap = cap;
  }
  ts_head h = {key, (uint32_t)(alen + blen)};
  memcpy(c->buf + c->len, &h, sizeof h);
  memcpy(c->buf + c->len + sizeof h, a, alen);
  if (blen)
    memcpy(c->buf + c->len + sizeof h + alen, b, blen);
  c->len += need;
  return 0;
}

/* Sends the current chunk (waiting while the queue is full); 0, or -1 if
 * the merge is gone. */
static int ts_send(ts_worker *w) {
  ts_chunk *c = w->cur;
  w->cur = NULL;
  if (chunkq_put(&w->q, c) == 0)
    return 0;
  ts_chunk_free(c);
  return -1;
}

/* The worker's first frame of stream (kind, id)? */
static int ts_first(void *ctx, int kind, uint32_t id) {
  ts_worker *w = ctx;
  if (id >= w->nseen[kind]) {
    size_t n = w->nseen[kind] ? w->nseen[kind] : 1024;
    while (n <= id)
      n *= 2;
    uint8_t *ns = realloc(w->seen[kind], n);
    if (!ns)
      return 1;
    memset(ns + w->nseen[kind], 0, n - w->nseen[kind]);
    w->seen[kind] = ns;
    w->nseen[kind] = n;
  }
  if (w->seen[kind][id])
    return 0;
  w->seen[kind][id] = 1;
  return 1;
}

/* Before the worker's session waits for the other part (a resumed TLS
 * session looked up in the shared cache): what it indexed so far handed
 * to the merge, which may need it to let the other part on. */
static void ts_on_wait(void *arg) {
  ts_worker *w = arg;
  if (!w->cur || w->stopped)
    return;
  w->cur->upto = w->nread;
  if (ts_send(w) != 0) {
    w->stopped = 1;
    return;
  }
  w->cur = ts_chunk_new(); /* (NULL: the worker fails after the frame) */
}

static void *ts_run(ts_worker *w) {
  uint64_t since = 0;
  int fail = 0;
  char err[256] = "";
  static _Thread_local frame_rec r;
  static _Thread_local char text[REC_TEXT];
  if (!(w->cur = ts_chunk_new()))
    fail = 2;
  while (!fail && !atomic_load(&w->quit)) {
    int64_t off = dx_capture_tell(w->c);
    dx_frame f;
    int rc = dx_capture_next(w->c, &f);
    if (rc == 0)
      break;
    if (rc < 0) {
      fail = 1;
      snprintf(err, sizeof err, "%s", dx_capture_error(w->c));
      break;
    }
    uint64_t i = w->nread;
    const char *sec = NULL;
    size_t nsec = 0;
    if (dx_capture_frame_secrets(w->c, &sec, &nsec) == DX_OK && nsec) {
      dx_session_add_secrets(w->s, sec, nsec);
      if (w->index == 0 && ts_put(w, 2 * i, sec, nsec, NULL, 0) != 0) {
        fail = 2;
        break;
      }
    }
    if (dx_split_part(w->sp, &f) != w->index) {
      dx_session_skip_frame(w->s, &f);
    } else {
      dx_packet *p = NULL;
      int drc = dx_session_dissect(w->s, &f, &p);
      if (w->stopped) { /* (the merge stopped while the session waited) */
        dx_packet_free(p);
        return NULL;
      }
      if (drc != DX_OK || !p || !w->cur) {
        dx_packet_free(p);
        fail = 2;
        break;
      }
      rec_from_packet(&r, text, w->cf, off, &f, p, ts_first, w);
      const dx_field *sf[2] = {g_sf.tcp_stream, g_sf.udp_stream};
      for (int k = 0; k < 2; k++)
        for (const dx_node *n = find(p, sf[k]); n && r.nids < 4; n = dx_packet_find_next(p, n)) {
          r.id_kind[r.nids] = (uint8_t)(k == 0 ? SK_TCP : SK_UDP);
          r.ids[r.nids++] = (uint32_t)dx_node_uint(n);
        }
      dx_packet_free(p);
      if (ts_put(w, 2 * i + 1, &r, rec_size(&r), text, r.text_len) != 0) {
        fail = 2;
        break;
      }
    }
    w->nread++;
    /* (small chunks at first, so that the list's first screen comes at once) */
    if (w->cur->len >= TS_CHUNK || ++since >= (w->nread <= TS_FRAMES ? TS_FIRST : TS_FRAMES)) {
      w->cur->upto = w->nread;
      since = 0;
      if (ts_send(w) != 0)
        return NULL;
      if (!(w->cur = ts_chunk_new()))
        fail = 2;
    }
  }
  ts_chunk *c = w->cur;
  if (!c && !(c = calloc(1, sizeof *c))) {
    chunkq_close(&w->q); /* nothing can be said but that */
    return NULL;
  }
  w->cur = c;
  c->last = 1;
  c->fail = fail;
  c->upto = fail ? w->nread : UINT64_MAX;
  snprintf(c->err, sizeof c->err, "%s", err);
  ts_send(w);
  return NULL;
}

static void *ts_main(void *arg) {
  ts_worker *w = arg;
  ts_run(w);
  dx_split_share_finish(w->share, w->index); /* the other part no longer waits for it */
  return NULL;
}

static void tsplit_free(pindex *ix) {
  struct tsplit *t = ix->tsp;
  if (!t)
    return;
  for (int k = 0; k < 2; k++) {
    ts_worker *w = &t->w[k];
    atomic_store(&w->quit, 1);
    if (w->qok)
      chunkq_stop(&w->q);
    if (!w->started) /* (one that never ran: the other must not wait for it) */
      dx_split_share_finish(t->share, (unsigned)k);
  }
  for (int k = 0; k < 2; k++) {
    ts_worker *w = &t->w[k];
    if (w->started)
      pthread_join(w->th, NULL);
    for (ts_chunk *c; w->qok && (c = chunkq_pop(&w->q));)
      ts_chunk_free(c);
    ts_chunk_free(w->cur);
    ts_chunk_free(w->m);
    dx_colorfilters_free(w->cf);
    if (w->c)
      dx_capture_close(w->c);
    dx_session_free(w->s);
    dx_split_free(w->sp);
    for (int j = 0; j < 3; j++) {
      free(w->seen[j]);
      free(w->gmap[j]);
    }
    free(w->gconn);
    if (w->qok)
      chunkq_destroy(&w->q);
  }
  dx_split_share_free(t->share);
  free(t);
  ix->tsp = NULL;
}

/* Starts a split scan if this one may split; 0 if it runs. */
static int tsplit_start(pindex *ix) {
  if (ix->live || ix->ftext || g_tui_opts.threads == 1 || ix->scan_next || ix->n)
    return -1;
  if (g_tui_opts.threads == 0 && sysconf(_SC_NPROCESSORS_ONLN) < 2)
    return -1;
  struct stat st;
  if (stat(ix->path, &st) != 0 || !S_ISREG(st.st_mode))
    return -1;
  struct tsplit *t = calloc(1, sizeof *t);
  if (!t)
    return -1;
  ix->tsp = t;
  t->limit = UINT64_MAX;
  /* a TLS session resumed in the other part's connection is decrypted
   * with its full handshake's secret, as in one session */
  int ok = dx_split_share_new(&t->share, 2) == DX_OK;
  for (int k = 0; k < 2; k++) {
    ts_worker *w = &t->w[k];
    w->ix = ix;
    w->index = (unsigned)k;
    if (ok && chunkq_init(&w->q, TS_QUEUE) == 0)
      w->qok = 1;
    else
      ok = 0;
    char e[512];
    /* each session holds half of the limits that bound them all together */
    dx_config cfg;
    dx_config_init(&cfg);
    cfg.max_flows /= 2;
    cfg.max_frag_datagrams /= 2;
    cfg.max_total_stream_bytes /= 2;
    cfg.max_dns_pending /= 2;
    if (ok && new_session(ix, &cfg, &w->s, NULL, 0) != DX_OK)
      ok = 0;
    if (ok && k == 0)
      lookup_fields(w->s, &g_sf);
    if (ok)
      scan_session_setup(w->s, &w->cf, NULL);
    if (ok && dx_capture_open_file(&w->c, ix->path, e, sizeof e) != DX_OK)
      ok = 0;
    if (ok && dx_split_new(&w->sp, 2, 0, k ? t->w[0].sp : NULL) != DX_OK)
      ok = 0;
    w->share = t->share;
    if (ok && dx_session_set_split_share(w->s, t->share, (unsigned)k, ts_on_wait, w) != DX_OK)
      ok = 0;
  }
  for (int k = 0; ok && k < 2; k++) {
    if (pthread_create(&t->w[k].th, NULL, ts_main, &t->w[k]) != 0)
      ok = 0;
    else
      t->w[k].started = 1;
  }
  if (!ok) {
    tsplit_free(ix);
    return -1;
  }
  return 0;
}

/* The next chunk of w, waiting until the deadline (ms); NULL if none came. */
static ts_chunk *ts_take(ts_worker *w, double deadline) {
  double left = deadline - now_ms();
  bool closed = false;
  ts_chunk *c = chunkq_take(&w->q, left > 0 ? left : 0, &closed);
  if (!c && closed && (c = calloc(1, sizeof *c))) { /* ended without a last chunk */
    c->last = 1;
    c->fail = 2;
    c->upto = w->upto;
  }
  return c;
}

static int ts_head_of(const ts_worker *w, ts_head *h) {
  if (!w->m || w->m->at >= w->m->len)
    return 0;
  memcpy(h, w->m->buf + w->m->at, sizeof *h);
  return 1;
}

/* A number of the worker's mapped to the merge's (assigned in order of
 * first sight): map[id] holds the merge's + 1. */
static uint32_t ts_map(uint32_t **map, size_t *n, uint32_t id, uint32_t *next) {
  if (id >= *n) {
    size_t nn = *n ? *n : 1024;
    while (nn <= id)
      nn *= 2;
    uint32_t *m = realloc(*map, nn * sizeof *m);
    if (!m)
      return UINT32_MAX;
    memset(m + *n, 0, (nn - *n) * sizeof *m);
    *map = m;
    *n = nn;
  }
  if (!(*map)[id])
    (*map)[id] = ++*next;
  return (*map)[id] - 1;
}

static void ts_apply(pindex *ix, ts_worker *w, const ts_head *h, const uint8_t *pl) {
  struct tsplit *t = ix->tsp;
  uint64_t i = h->key / 2;
  if (!(h->key & 1)) { /* secrets for the sessions made from now on */
    if (i >= ix->dsb_upto) {
      char *nb = realloc(ix->dsb, ix->dsb_len + h->size);
      if (nb) {
        memcpy(nb + ix->dsb_len, pl, h->size);
        ix->dsb = nb;
        ix->dsb_len += h->size;
      }
    }
    return;
  }
  frame_rec r;
  memcpy(&r, pl, offsetof(frame_rec, addr_a));
  size_t rs = rec_size(&r);
  memcpy(&r, pl, rs);
  if (!r.has_ends)
    r.addr_a[0] = r.addr_b[0] = 0;
  for (unsigned k = 0; k < r.nids; k++)
    ts_map(&w->gmap[r.id_kind[k]], &w->ngmap[r.id_kind[k]], r.ids[k], &t->gnext[r.id_kind[k]]);
  if (r.skind != SK_NONE)
    r.stream = ts_map(&w->gmap[r.skind], &w->ngmap[r.skind], r.stream, &t->gnext[r.skind]);
  if (r.has_conn)
    r.conn = ts_map(&w->gconn, &w->ngconn, r.conn, &t->gconn_next);
  if (i + 1 > ix->dsb_upto)
    ix->dsb_upto = (size_t)i + 1;
  ix->scan_next = (size_t)i + 1;
  index_add(ix, (size_t)i, &r, (const char *)pl + rs);
}

/* Merges the workers' records for about budget_ms; 1 if more remain. */
static int tsplit_step(pindex *ix, int budget_ms) {
  struct tsplit *t = ix->tsp;
  double deadline = now_ms() + budget_ms;
  for (unsigned k = 0;; k++) {
    if ((k & 255) == 255 && now_ms() >= deadline)
      return 1;
    ts_head h[2];
    int has[2];
    int pick = -1;
    for (int j = 0; j < 2; j++) {
      has[j] = ts_head_of(&t->w[j], &h[j]);
      if (has[j] && (pick < 0 || h[j].key < h[pick].key))
        pick = j;
    }
    /* a worker that may still have a record before the pick's */
    int wait = -1;
    for (int j = 0; j < 2 && wait < 0; j++)
      if (!has[j] && !t->w[j].fin && (pick < 0 || t->w[j].upto <= h[pick].key / 2))
        wait = j;
    if (wait >= 0) {
      ts_worker *w = &t->w[wait];
      ts_chunk *c = ts_take(w, deadline);
      if (!c)
        return 1; /* later: the list stays live */
      ts_chunk_free(w->m);
      w->m = c;
      w->upto = c->upto;
      if (c->last) {
        w->fin = 1;
        if (c->fail && c->upto < t->limit) {
          t->limit = c->upto;
          t->fail = c->fail;
          snprintf(t->err, sizeof t->err, "%s", c->err);
        }
      }
      continue;
    }
    if (pick < 0 || h[pick].key / 2 >= t->limit)
      break;
    ts_worker *w = &t->w[pick];
    ts_apply(ix, w, &h[pick], w->m->buf + w->m->at + sizeof(ts_head));
    w->m->at += sizeof(ts_head) + h[pick].size;
  }
  if (t->fail == 1)
    snprintf(ix->scan_err, sizeof ix->scan_err, "%s", t->err);
  else if (t->fail)
    snprintf(ix->scan_err, sizeof ix->scan_err, "out of memory after frame %zu", ix->scan_next);
  if (t->fail == 1) { /* the status line names the file already */
    size_t pl = strlen(ix->path);
    if (strncmp(ix->scan_err, ix->path, pl) == 0 && ix->scan_err[pl] == ':' &&
        ix->scan_err[pl + 1] == ' ')
      memmove(ix->scan_err, ix->scan_err + pl + 2, strlen(ix->scan_err + pl + 2) + 1);
  }
  tsplit_free(ix);
  ix->scan_done = 1;
  ix->filtering = 0;
#ifdef __GLIBC__
  malloc_trim(0);
#endif
  if (ix->spill)
    fflush(ix->spill);
  return 0;
}

int index_step(pindex *ix, int budget_ms) {
  if (ix->scan_done)
    return 0;
  if (!ix->tsp && !ix->split_tried) {
    ix->split_tried = 1;
    if (tsplit_start(ix) == 0) { /* the one-session scanner index_open() checked the file with */
      dx_colorfilters_free(ix->cf);
      ix->cf = NULL;
      if (ix->sc)
        dx_capture_close(ix->sc);
      ix->sc = NULL;
      dx_session_free(ix->ss);
      ix->ss = NULL;
    }
  }
  if (ix->tsp) {
    int more = tsplit_step(ix, budget_ms);
    if (more && ix->spill)
      fflush(ix->spill);
    return more;
  }
  if (!ix->ss && scan_start(ix, ix->scan_err, sizeof ix->scan_err) != DX_OK) {
    ix->scan_done = 1;
    ix->filtering = 0;
    return 0;
  }
  double deadline = now_ms() + budget_ms;
  int more = 1;
  for (unsigned k = 0;; k++) {
    if ((k & 31) == 31 && now_ms() >= deadline)
      break;
    if (ix->live && ix->scan_next >= __atomic_load_n(&ix->live_avail, __ATOMIC_ACQUIRE)) {
      more = 0;
      break;
    }
    int64_t off = dx_capture_tell(ix->sc);
    dx_frame f;
    int rc = dx_capture_next(ix->sc, &f);
    if (rc != 1) {
      if (ix->live) { /* the writer is ahead of us: try again later */
        if (off >= 0)
          dx_capture_seek(ix->sc, off);
        more = 0;
        break;
      }
      if (rc < 0) {
        /* the status line names the file already */
        const char *e = dx_capture_error(ix->sc);
        size_t pl = strlen(ix->path);
        if (strncmp(e, ix->path, pl) == 0 && e[pl] == ':' && e[pl + 1] == ' ')
          e += pl + 2;
        snprintf(ix->scan_err, sizeof ix->scan_err, "%s", e);
      }
      ix->scan_done = 1;
      ix->filtering = 0;
      more = 0;
      /* the scanner's flow and reassembly state is no longer needed */
      if (ix->filter)
        dx_filter_free(ix->filter);
      ix->filter = NULL;
      dx_colorfilters_free(ix->cf);
      ix->cf = NULL;
      fref_free(ix);
      dx_capture_close(ix->sc);
      ix->sc = NULL;
      dx_session_free(ix->ss);
      ix->ss = NULL;
#ifdef __GLIBC__
      malloc_trim(0); /* give the session's memory back to the system */
#endif
      break;
    }
    const char *sec = NULL; /* key logs of secrets blocks before this frame */
    size_t nsec = 0;
    if (dx_capture_frame_secrets(ix->sc, &sec, &nsec) == DX_OK && nsec) {
      dx_session_add_secrets(ix->ss, sec, nsec);
      /* and for every session made from now on (the capture caps them) */
      char *nb = ix->scan_next >= ix->dsb_upto ? realloc(ix->dsb, ix->dsb_len + nsec) : NULL;
      if (nb) {
        memcpy(nb + ix->dsb_len, sec, nsec);
        ix->dsb = nb;
        ix->dsb_len += nsec;
      }
    }
    if (ix->scan_next >= ix->dsb_upto)
      ix->dsb_upto = ix->scan_next + 1;
    dx_packet *p = NULL;
    dx_session_set_next_number(ix->ss, ix->scan_next + 1);
    if (dx_session_dissect(ix->ss, &f, &p) != DX_OK || !p) {
      /* only fails when memory runs out: stop here, keep what we have */
      snprintf(ix->scan_err, sizeof ix->scan_err, "out of memory after frame %zu", ix->scan_next);
      ix->scan_done = 1;
      ix->filtering = 0;
      more = 0;
      break;
    }
    size_t i = ix->scan_next++;
    index_frame(ix, i, off, &f, p);
    if (ix->filter && i < ix->n &&
        dx_filter_match_ref(ix->filter, p, ix->fref ? ix->fref->p : NULL)) {
      if (!grow((void **)&ix->disp, &ix->capdisp, ix->ndisp + 1, sizeof(uint32_t)))
        ix->disp[ix->ndisp++] = (uint32_t)i;
    }
    dx_packet_free(p);
  }
  if (ix->spill)
    fflush(ix->spill);
  return more;
}

int index_open(pindex *ix, const char *path, const char *title, int live, const char *keylog,
               char *err, size_t errlen) {
  memset(ix, 0, sizeof *ix);
  ix->path = strdup(path);
  ix->title = strdup(title ? title : path);
  ix->live = live;
  ix->scan_off = -1;
  ix->ref_frame = -1;
  if (keylog)
    snprintf(ix->keylog, sizeof ix->keylog, "%s", keylog);
  if (!ix->path || !ix->title) {
    snprintf(err, errlen, "out of memory");
    return DX_ENOMEM;
  }
  struct stat st;
  if (!live && stat(path, &st) == 0)
    ix->filesize = st.st_size;
  ix->spill = tmpfile();
  /* written a record per frame, read back (pread) after each scan step's
   * fflush: a large buffer, one write(2) per 256 KiB */
  if (ix->spill && (ix->spill_buf = malloc(SPILL_BUF)))
    setvbuf(ix->spill, ix->spill_buf, _IOFBF, SPILL_BUF);
  if (!live) {
    int rc = scan_start(ix, err, errlen);
    if (rc != DX_OK) {
      index_close(ix);
      return rc;
    }
  }
  return DX_OK;
}

void index_close(pindex *ix) {
  scan_reset(ix);
  fref_free(ix);
  if (ix->rc)
    dx_capture_close(ix->rc);
  if (ix->spill)
    fclose(ix->spill);
  free(ix->spill_buf); /* after the stream that used it */
  free(ix->pk);
  free(ix->spill_at);
  for (int k = 0; k < 3; k++)
    free(ix->st[k]);
  free(ix->addr);
  free(ix->addr_ht);
  free(ix->disp);
  free(ix->ftext);
  free(ix->path);
  free(ix->title);
  free(ix->dsb);
  memset(ix, 0, sizeof *ix);
}

size_t index_rows(const pindex *ix) {
  return ix->ftext ? ix->ndisp : ix->n;
}

size_t index_row_frame(const pindex *ix, size_t row) {
  return ix->ftext ? (row < ix->ndisp ? ix->disp[row] : 0) : row;
}

size_t index_frame_row(const pindex *ix, size_t frame) {
  if (!ix->ftext)
    return frame < ix->n ? frame : ix->n;
  size_t lo = 0, hi = ix->ndisp;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (ix->disp[mid] < frame)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

int index_set_filter(pindex *ix, const char *text, char *err, size_t errlen) {
  while (text && (*text == ' ' || *text == '\t'))
    text++;
  if (!text || !*text) {
    if (!ix->ftext)
      return DX_OK;
    free(ix->ftext);
    ix->ftext = NULL;
    if (ix->filter)
      dx_filter_free(ix->filter);
    ix->filter = NULL;
    fref_free(ix);
    ix->ndisp = 0;
    ix->filtering = 0;
    return DX_OK;
  }
  /* check it first with a throwaway session, so a bad filter changes nothing */
  dx_session *s;
  int rc = index_new_session(ix, &s);
  if (rc != DX_OK) {
    snprintf(err, errlen, "%s", dx_strerror(rc));
    return rc;
  }
  dx_filter *f = NULL;
  dx_filter_error fe;
  rc = dx_filter_compile(s, text, &f, &fe);
  if (rc != DX_OK) {
    if (rc == DX_EFILTER)
      dx_filter_error_format(text, &fe, err, errlen);
    else
      snprintf(err, errlen, "%s", dx_strerror(rc));
  }
  dx_filter_free(f);
  dx_session_free(s);
  if (rc != DX_OK)
    return rc;
  char *copy = strdup(text);
  if (!copy)
    return DX_ENOMEM;
  free(ix->ftext);
  ix->ftext = copy;
  scan_reset(ix);
  /* ${field}: the selected frame, dissected in full (with its stream
   * before it, as the tree pane shows it) */
  fref_free(ix);
  if (strstr(copy, "${") && ix->ref_frame >= 0 && (size_t)ix->ref_frame < ix->n) {
    ix->fref = calloc(1, sizeof *ix->fref);
    if (ix->fref && index_dissect(ix, (size_t)ix->ref_frame, ix->fref) != DX_OK)
      fref_free(ix);
  }
  ix->ndisp = 0;
  ix->filtering = 1;
  ix->scan_err[0] = 0;
  return DX_OK;
}

int index_progress(const pindex *ix) {
  if (ix->scan_done || ix->live)
    return 1000;
  if (ix->filesize <= 0)
    return 0;
  int64_t off = ix->sc ? dx_capture_tell(ix->sc) : ix->n ? ix->pk[ix->n - 1].foff : 0;
  if (off < 0)
    off = 0;
  long pm = (long)(off * 1000 / ix->filesize);
  return pm > 999 ? 999 : (int)pm;
}

int index_summary(pindex *ix, size_t i, char *buf, size_t len, const char **src, const char **dst,
                  const char **proto, const char **info) {
  *src = *dst = *proto = *info = "";
  if (i >= ix->n || !ix->spill || len < 5)
    return -1;
  const pkt_entry *e = &ix->pk[i];
  size_t l = e->spill_len < len - 1 ? e->spill_len : len - 1;
  /* from the group's start, or from the last frame read if it is before i
   * in the group (the list reads its rows one after another) */
  size_t j = i - i % SPILL_STEP;
  uint64_t at = ix->spill_at[i / SPILL_STEP];
  if (ix->spill_memo_i > j && ix->spill_memo_i <= i) {
    j = ix->spill_memo_i;
    at = ix->spill_memo_at;
  }
  for (; j < i; j++)
    at += ix->pk[j].spill_len;
  ix->spill_memo_i = i;
  ix->spill_memo_at = at;
  ssize_t got = pread(fileno(ix->spill), buf, l, (off_t)at);
  if (got < 0)
    got = 0;
  buf[got] = 0;
  /* split at the NULs */
  const char **out[4] = {src, dst, proto, info};
  size_t pos = 0;
  for (int k = 0; k < 4 && pos <= (size_t)got; k++) {
    *out[k] = buf + pos;
    pos += strlen(buf + pos) + 1;
  }
  return 0;
}

double index_reltime(const pindex *ix, size_t i) {
  if (i >= ix->n || ix->n == 0)
    return 0;
  const pkt_entry *a = &ix->pk[0], *b = &ix->pk[i];
  return (double)(b->ts_sec - a->ts_sec) + ((double)b->ts_nsec - (double)a->ts_nsec) / 1e9;
}

int index_read(pindex *ix, size_t i, dx_frame *f) {
  if (i >= ix->n)
    return DX_EINVAL;
  if (!ix->rc) {
    char e[256];
    int rc = dx_capture_open_file(&ix->rc, ix->path, e, sizeof e);
    if (rc != DX_OK)
      return rc;
  }
  int rc = dx_capture_seek(ix->rc, ix->pk[i].foff);
  if (rc != DX_OK)
    return rc;
  rc = dx_capture_next(ix->rc, f);
  return rc == 1 ? DX_OK : (rc == 0 ? DX_EIO : rc);
}

/* The pcapng comments of the frame index_read() just read, for the next
 * dissect of s (a "Packet comments" layer, as dissect -V shows it). */
static void pass_comments(pindex *ix, dx_session *s) {
  const char *c = NULL;
  size_t len = 0;
  if (ix->rc && dx_capture_comments(ix->rc, &c, &len) == DX_OK && len)
    dx_session_set_comments(s, c, len);
  dx_iface_info ifi;
  dx_session_set_iface(s, ix->rc && dx_capture_iface(ix->rc, &ifi) == 1 ? &ifi : NULL);
  uint32_t pflags = 0;
  int have_pflags = ix->rc && dx_capture_packet_flags(ix->rc, &pflags) == 1;
  dx_session_set_packet_flags(s, have_pflags, pflags);
}

void replay_free(replay *r) {
  if (r->p)
    dx_packet_free(r->p);
  if (r->s)
    dx_session_free(r->s);
  memset(r, 0, sizeof *r);
}

/* Frames of the stream of frame i up to i, oldest first, at most cap. */
static uint32_t *chain_of(pindex *ix, size_t i, size_t cap, size_t *count, int *partial) {
  size_t n = 0;
  for (uint32_t j = (uint32_t)i; j != NO_PREV && j < ix->n; j = ix->pk[j].prev) {
    n++;
    if (ix->pk[j].prev != NO_PREV && ix->pk[j].prev >= j)
      break; /* never loop */
  }
  uint32_t *all = malloc((n ? n : 1) * sizeof *all);
  if (!all)
    return NULL;
  size_t k = n;
  for (uint32_t j = (uint32_t)i; j != NO_PREV && j < ix->n && k > 0; j = ix->pk[j].prev)
    all[--k] = j;
  *partial = 0;
  if (n > cap) { /* keep the last cap frames before i: state is partial */
    memmove(all, all + (n - cap), cap * sizeof *all);
    n = cap;
    *partial = 1;
  }
  *count = n;
  return all;
}

static int replay_frames(pindex *ix, const uint32_t *fr, size_t n, int kind, uint32_t id,
                         dx_session *s, stream_fn fn, void *ctx, dx_packet **last) {
  if (kind == SK_TCP || kind == SK_UDP)
    dx_session_set_next_stream(s, kind == SK_TCP ? 6 : 17, id);
  if (n > 0 && fr[0] > 0) {
    const pkt_entry *pe = &ix->pk[fr[0] - 1];
    dx_session_set_time_reference(s, pe->ts_sec, pe->ts_nsec);
  }
  if (ix->n)
    dx_session_set_time_reference(s, ix->pk[0].ts_sec, ix->pk[0].ts_nsec);
  for (size_t k = 0; k < n; k++) {
    dx_frame f;
    if (index_read(ix, fr[k], &f) != DX_OK)
      continue;
    dx_session_set_next_number(s, (uint64_t)fr[k] + 1);
    /* a replay of several streams (a migrated QUIC connection's): each new
     * flow takes the number the index gave it */
    if (kind == SK_TCP || kind == SK_UDP)
      dx_session_set_next_stream(s, kind == SK_TCP ? 6 : 17, ix->pk[fr[k]].stream);
    pass_comments(ix, s);
    dx_packet *p = NULL;
    if (dx_session_dissect(s, &f, &p) != DX_OK || !p)
      continue;
    int stop = fn ? fn(ctx, fr[k], p) : 0;
    if (last && k + 1 == n) {
      *last = p;
    } else {
      dx_packet_free(p);
    }
    if (stop)
      break;
  }
  return DX_OK;
}

int index_dissect(pindex *ix, size_t i, replay *r) {
  if (i >= ix->n) {
    replay_free(r);
    return DX_EINVAL;
  }
  int kind = ix->pk[i].skind;
  /* moving forward in the same stream: feed only the frames in between */
  if (r->s && r->p && kind != SK_NONE && i > r->frame && r->frame < ix->n &&
      ix->pk[r->frame].skind == kind && ix->pk[r->frame].stream == ix->pk[i].stream) {
    size_t n = 0;
    uint32_t j = (uint32_t)i;
    while (j != NO_PREV && j > r->frame && n < REPLAY_CAP) {
      n++;
      j = ix->pk[j].prev;
    }
    if (j == r->frame) {
      uint32_t *fr = malloc(n * sizeof *fr);
      if (fr) {
        size_t k = n;
        for (j = (uint32_t)i; k > 0; j = ix->pk[j].prev)
          fr[--k] = j;
        dx_packet_free(r->p);
        r->p = NULL;
        for (k = 0; k < n; k++) {
          dx_frame f;
          if (index_read(ix, fr[k], &f) != DX_OK)
            continue;
          dx_session_set_next_number(r->s, (uint64_t)fr[k] + 1);
          pass_comments(ix, r->s);
          dx_packet *p = NULL;
          if (dx_session_dissect(r->s, &f, &p) != DX_OK || !p)
            continue;
          if (k + 1 == n)
            r->p = p;
          else
            dx_packet_free(p);
        }
        free(fr);
        r->frame = i;
        if (r->p)
          return DX_OK;
      }
    }
  }
  replay_free(r);
  size_t n = 1;
  uint32_t one = (uint32_t)i;
  uint32_t *fr = &one;
  uint32_t first_stream = ix->pk[i].stream;
  stream_info *si = kind == SK_UDP ? index_stream(ix, kind, ix->pk[i].stream) : NULL;
  if (si && si->has_conn) {
    /* a QUIC connection that migrated: its handshake (and keys) may be on
     * another UDP stream, so replay every UDP stream of it up to frame i */
    fr = tui_conn_frames(ix, kind, ix->pk[i].stream, &n, &first_stream);
    while (fr && n > 0 && fr[n - 1] > i)
      n--;
    if (!fr || n == 0 || fr[n - 1] != i) {
      free(fr);
      fr = &one;
      n = 1;
      first_stream = ix->pk[i].stream;
    }
  }
  if (kind != SK_NONE && fr == &one) {
    fr = chain_of(ix, i, REPLAY_CAP, &n, &r->partial);
    if (!fr)
      return DX_ENOMEM;
  }
  int rc = index_new_session(ix, &r->s);
  if (rc == DX_OK)
    rc = replay_frames(ix, fr, n, kind, first_stream, r->s, NULL, NULL, &r->p);
  if (fr != &one)
    free(fr);
  r->frame = i;
  if (rc == DX_OK && !r->p)
    rc = DX_EIO;
  if (rc != DX_OK)
    replay_free(r);
  return rc;
}

uint32_t *index_stream_frames(pindex *ix, int kind, uint32_t id, size_t *n) {
  stream_info *st = index_stream(ix, kind, id);
  *n = 0;
  if (!st || st->last == NO_PREV)
    return NULL;
  int partial;
  uint32_t *fr = chain_of(ix, st->last, REPLAY_CAP, n, &partial);
  return fr;
}

int index_walk_frames(pindex *ix, const uint32_t *fr, size_t n, int kind, uint32_t id, stream_fn fn,
                      void *ctx) {
  if (n > REPLAY_CAP)
    n = REPLAY_CAP;
  dx_session *s;
  int rc = index_new_session(ix, &s);
  if (rc == DX_OK) {
    rc = replay_frames(ix, fr, n, kind, id, s, fn, ctx, NULL);
    dx_session_free(s);
  }
  return rc;
}

int index_walk_stream(pindex *ix, int kind, uint32_t id, stream_fn fn, void *ctx) {
  stream_info *st = index_stream(ix, kind, id);
  if (!st || st->last == NO_PREV)
    return DX_EINVAL;
  size_t n;
  int partial;
  uint32_t *fr = chain_of(ix, st->last, (size_t)-1, &n, &partial);
  if (!fr)
    return DX_ENOMEM;
  if (n > REPLAY_CAP)
    n = REPLAY_CAP;
  dx_session *s;
  int rc = index_new_session(ix, &s);
  if (rc == DX_OK) {
    rc = replay_frames(ix, fr, n, kind, id, s, fn, ctx, NULL);
    dx_session_free(s);
  }
  free(fr);
  return rc;
}
