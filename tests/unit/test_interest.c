/* Unit tests of the session's interest mode (dx_session_set_interest):
 * terse packets keep only the nodes asked for, yet the values found, the
 * display-filter results and the summary columns are those of full mode.
 * Also the core's fast vsnprintf against the C library's. */
#include "core/dx.h"
#include "testutil.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <dissect/filter.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- a hand-made DNS query ---------------------------------------------------
 * Ethernet + IPv4 + UDP 50000 -> 53 + DNS: id 0x1234, RD, one question
 * "www.example.test" type A class IN (RFC 1035 4.1). */
static const uint8_t dns_query[] = {
    /* Ethernet: dst, src, type IPv4 */
    0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00,
    /* IPv4: 20 bytes, total 62, TTL 64, UDP, 10.0.0.1 -> 10.0.0.2 (checksum not checked) */
    0x45, 0, 0, 62, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    /* UDP: 50000 -> 53, length 42, checksum 0 (none) */
    0xc3, 0x50, 0x00, 0x35, 0x00, 42, 0, 0,
    /* DNS header: id, flags 0x0100 (RD), 1 question, 0 answers/authority/additional */
    0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
    /* www.example.test, type A (1), class IN (1) */
    3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1};

static int count_nodes(const dx_node *n, int depth) {
  int c = 0;
  for (; n && depth < 100; n = dx_node_next(n))
    c += 1 + count_nodes(dx_node_first_child(n), depth + 1);
  return c;
}

static dx_packet *dissect_frame(dx_session *s, const uint8_t *b, size_t len) {
  dx_frame f = {1700000000, 0, (uint32_t)len, (uint32_t)len, 1, b};
  dx_packet *p = NULL;
  CU_ASSERT_EQUAL(dx_session_dissect(s, &f, &p), DX_OK);
  return p;
}

static void test_interest_dns_name(void) {
  dx_session *full, *terse;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&full, NULL), DX_OK);
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&terse, NULL), DX_OK);
  const dx_field *name = dx_field_lookup(terse, "dns.qry.name");
  CU_ASSERT_PTR_NOT_NULL_FATAL(name);
  CU_ASSERT_EQUAL(dx_session_set_interest(terse, &name, 1, 0), DX_OK);

  dx_packet *pf = dissect_frame(full, dns_query, sizeof dns_query);
  dx_packet *pt = dissect_frame(terse, dns_query, sizeof dns_query);
  CU_ASSERT_PTR_NOT_NULL_FATAL(pf);
  CU_ASSERT_PTR_NOT_NULL_FATAL(pt);
  int nf = count_nodes(dx_packet_root(pf)->first_child, 0);
  int nt = count_nodes(dx_packet_root(pt)->first_child, 0);
  /* full: frame, eth, ip, udp, dns with all their fields (dozens of
   * nodes); terse: the dns layer and the name only - the queries subtree
   * and the query were field ghosts (never built), the name hangs on its
   * layer */
  CU_ASSERT(nf >= 40);
  CU_ASSERT_EQUAL(nt, 2);
  CU_ASSERT(nt * 8 <= nf);

  const dx_node *a = dx_packet_find(pf, name), *b = dx_packet_find(pt, name);
  CU_ASSERT_PTR_NOT_NULL_FATAL(a);
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  CU_ASSERT_STRING_EQUAL(dx_node_str(b), "www.example.test");
  CU_ASSERT_STRING_EQUAL(dx_node_name(dx_node_parent(b)), "dns");
  CU_ASSERT_STRING_NOT_EQUAL(dx_node_name(dx_node_parent(a)), "dns"); /* the query, in full */
  CU_ASSERT_STRING_EQUAL(dx_node_str(a), dx_node_str(b));
  CU_ASSERT_EQUAL(dx_node_offset(a), dx_node_offset(b));
  CU_ASSERT_EQUAL(dx_node_length(a), dx_node_length(b));
  CU_ASSERT_PTR_NULL(dx_packet_find_next(pt, b));
  /* fields nobody asked for are gone, and so are the columns */
  CU_ASSERT_PTR_NULL(dx_packet_find_name(pt, "udp.srcport"));
  CU_ASSERT_PTR_NOT_NULL(dx_packet_find_name(pf, "udp.srcport"));
  CU_ASSERT_STRING_EQUAL(dx_packet_info(pt), "");
  CU_ASSERT(strlen(dx_packet_info(pf)) > 0);
  dx_packet_free(pf);
  dx_packet_free(pt);

  /* back to full packets: the second (repeated) query is dissected as in
   * the session that was never terse */
  dx_session_clear_interest(terse);
  pf = dissect_frame(full, dns_query, sizeof dns_query);
  pt = dissect_frame(terse, dns_query, sizeof dns_query);
  CU_ASSERT_EQUAL(count_nodes(dx_packet_root(pt)->first_child, 0),
                  count_nodes(dx_packet_root(pf)->first_child, 0));
  CU_ASSERT(count_nodes(dx_packet_root(pt)->first_child, 0) >= nf);
  dx_packet_free(pf);
  dx_packet_free(pt);
  dx_session_free(full);
  dx_session_free(terse);
}

/* A protocol of interest keeps its layer and the ones after it whole (its
 * value runs to their end); columns stay when asked for. */
static void test_interest_protocol_and_columns(void) {
  dx_session *full, *terse;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&full, NULL), DX_OK);
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&terse, NULL), DX_OK);
  const dx_field *want[] = {dx_field_lookup(terse, "udp"), NULL};
  CU_ASSERT_PTR_NOT_NULL_FATAL(want[0]);
  CU_ASSERT_EQUAL(dx_session_set_interest(terse, want, 2, DX_INTEREST_COLUMNS), DX_OK);
  dx_packet *pf = dissect_frame(full, dns_query, sizeof dns_query);
  dx_packet *pt = dissect_frame(terse, dns_query, sizeof dns_query);
  /* udp and dns with everything under them; no frame, eth or ip */
  CU_ASSERT_PTR_NOT_NULL(dx_packet_find_name(pt, "udp.srcport"));
  CU_ASSERT_PTR_NOT_NULL(dx_packet_find_name(pt, "dns.qry.name"));
  CU_ASSERT_PTR_NULL(dx_packet_find_name(pt, "ip.ttl"));
  CU_ASSERT_PTR_NULL(dx_packet_find_name(pt, "frame.number"));
  CU_ASSERT_STRING_EQUAL(dx_packet_src(pt), "10.0.0.1");
  CU_ASSERT_STRING_EQUAL(dx_packet_dst(pt), "10.0.0.2");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(pt), dx_packet_protocol(pf));
  CU_ASSERT_STRING_EQUAL(dx_packet_info(pt), dx_packet_info(pf));
  /* "udp contains" sees the same bytes in both modes */
  dx_filter *fl = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_filter_compile(terse, "udp contains \"example\"", &fl, NULL), DX_OK);
  CU_ASSERT_EQUAL(dx_filter_match(fl, pt), 1);
  CU_ASSERT_EQUAL(dx_filter_match(fl, pf), 1);
  dx_filter_free(fl);
  dx_packet_free(pf);
  dx_packet_free(pt);
  dx_session_free(full);
  dx_session_free(terse);
}

/* ---- every sample, every filter of filters.tsv: same frames, same values ---- */
typedef struct frames {
  dx_frame *f;
  uint8_t **data;
  size_t n;
} frames;

static int load(const char *path, frames *fr) {
  dx_capture *c = NULL;
  memset(fr, 0, sizeof *fr);
  if (dx_capture_open_file(&c, path, NULL, 0) != DX_OK)
    return -1;
  dx_frame f;
  size_t cap = 0;
  while (dx_capture_next(c, &f) == 1 && fr->n < 100000) {
    if (fr->n == cap) {
      cap = cap ? cap * 2 : 64;
      fr->f = realloc(fr->f, cap * sizeof *fr->f);
      fr->data = realloc(fr->data, cap * sizeof *fr->data);
    }
    fr->data[fr->n] = malloc(f.caplen ? f.caplen : 1);
    memcpy(fr->data[fr->n], f.data, f.caplen);
    fr->f[fr->n] = f;
    fr->f[fr->n].data = fr->data[fr->n];
    fr->n++;
  }
  dx_capture_close(c);
  return 0;
}

static void unload(frames *fr) {
  for (size_t i = 0; i < fr->n; i++)
    free(fr->data[i]);
  free(fr->data);
  free(fr->f);
}

/* All occurrences of field f, formatted, joined with ','. */
static void values(const dx_packet *p, const dx_field *f, char *out, size_t len) {
  size_t u = 0;
  out[0] = '\0';
  for (const dx_node *n = dx_packet_find(p, f); n && u + 1 < len; n = dx_packet_find_next(p, n)) {
    if (u)
      out[u++] = ',';
    out[u] = '\0';
    size_t k = dx_node_value(n, out + u, len - u);
    u += k < len - u ? k : len - u - 1;
  }
}

static int mismatches;

/* Dissects the frames in a full and in a terse session (interest: the
 * filter's fields), comparing the match and every field's values. */
static void compare_filter(const frames *fr, const char *keylog, const char *text, bool columns) {
  dx_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.keylog_file = keylog;
  dx_session *full = NULL, *terse = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&full, &cfg), DX_OK);
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&terse, &cfg), DX_OK);
  dx_filter *ff = NULL, *ft = NULL;
  if (dx_filter_compile(full, text, &ff, NULL) != DX_OK ||
      dx_filter_compile(terse, text, &ft, NULL) != DX_OK) {
    CU_FAIL("a filter of filters.tsv did not compile");
    dx_filter_free(ff);
    dx_session_free(full);
    dx_session_free(terse);
    return;
  }
  /* with the filter's needs, as dissect -Y and the TUI's index ask: a
   * protocol tested for ("tcp", "eth[0] & 1") keeps its layer unbuilt */
  const dx_field *want[64];
  uint32_t needs[64];
  size_t nw = dx_filter_fields(ft, want, 64);
  CU_ASSERT_EQUAL(dx_filter_field_needs(ft, needs, 64), nw);
  if (nw > 64)
    nw = 64;
  CU_ASSERT_EQUAL(
      dx_session_set_interest_needs(terse, want, needs, nw, columns ? DX_INTEREST_COLUMNS : 0),
      DX_OK);
  for (size_t i = 0; i < fr->n; i++) {
    dx_packet *pf = NULL, *pt = NULL;
    CU_ASSERT_EQUAL(dx_session_dissect(full, &fr->f[i], &pf), DX_OK);
    CU_ASSERT_EQUAL(dx_session_dissect(terse, &fr->f[i], &pt), DX_OK);
    if (!pf || !pt) {
      dx_packet_free(pf);
      dx_packet_free(pt);
      break;
    }
    bool same = dx_filter_match(ff, pf) == dx_filter_match(ft, pt);
    for (size_t k = 0; k < nw && same; k++) {
      static char a[8192], b[8192];
      values(pf, want[k], a, sizeof a);
      values(pt, want[k], b, sizeof b);
      same = strcmp(a, b) == 0;
    }
    if (columns)
      same = same && strcmp(dx_packet_info(pf), dx_packet_info(pt)) == 0 &&
             strcmp(dx_packet_src(pf), dx_packet_src(pt)) == 0 &&
             strcmp(dx_packet_dst(pf), dx_packet_dst(pt)) == 0 &&
             strcmp(dx_packet_protocol(pf), dx_packet_protocol(pt)) == 0;
    if (!same && mismatches++ < 10)
      fprintf(stderr, "\n  terse differs: frame %zu, filter %s", i + 1, text);
    CU_ASSERT(same);
    dx_packet_free(pf);
    dx_packet_free(pt);
  }
  dx_filter_free(ff);
  dx_filter_free(ft);
  dx_session_free(full);
  dx_session_free(terse);
}

static void test_interest_samples(void) {
  static const char *const samples[] = {
      "dns.pcap",         "dns-tcp.pcap",     "http.pcap", "http.pcapng",  "https-tls12.pcap",
      "https-tls13.pcap", "tls-altport.pcap", "misc.pcap", "sll-any.pcap", "sll2-any.pcap"};
  char path[1024];
  snprintf(path, sizeof path, "%s/tests/integration/filters.tsv", tu_src_dir());
  FILE *tsv = fopen(path, "r");
  CU_ASSERT_PTR_NOT_NULL_FATAL(tsv);
  char *filters[512];
  size_t nf = 0;
  char line[4096];
  while (fgets(line, sizeof line, tsv) && nf < 512) {
    if (line[0] == '#' || line[0] == '\n')
      continue;
    char *t1 = strchr(line, '\t');
    if (!t1)
      continue;
    char *t2 = strchr(t1 + 1, '\t');
    if (t2)
      *t2 = '\0';
    else
      t1[strcspn(t1, "\n")] = '\0';
    filters[nf++] = strdup(t1 + 1);
  }
  fclose(tsv);
  CU_ASSERT(nf >= 50);
  int checked = 0;
  for (size_t s = 0; s < DX_ARRAY_LEN(samples); s++) {
    frames fr;
    snprintf(path, sizeof path, "%s/samples/%s", tu_src_dir(), samples[s]);
    if (load(path, &fr) != 0) {
      CU_FAIL("a sample did not open");
      continue;
    }
    char keylog[1024];
    snprintf(keylog, sizeof keylog, "%s/samples/%.*s.keylog", tu_src_dir(),
             (int)strcspn(samples[s], "."), samples[s]);
    FILE *k = fopen(keylog, "r");
    if (k)
      fclose(k);
    for (size_t i = 0; i < nf; i++) {
      compare_filter(&fr, k ? keylog : NULL, filters[i], i % 2 == 0);
      checked++;
    }
    /* frame.protocols reads the layers of the whole packet */
    compare_filter(&fr, k ? keylog : NULL, "frame.protocols", false);
    unload(&fr);
  }
  CU_ASSERT(checked >= 500);
  for (size_t i = 0; i < nf; i++)
    free(filters[i]);
}

/* ---- summary lines: terse packets with no field of interest -------------------
 * `dissect -r FILE` asks for the columns only: every layer is skipped (no
 * node below the protocol nodes is built; core/dx.h, dx_packet.skip). The
 * columns must be those of full mode (not the expert severity: the trust
 * verdicts are not computed for a terse reader who wants none), on
 * every sample and on every third-party capture of ../shared/corpus when it
 * is there (the first 3000 packets of each). */
static int summary_mismatches;

static void compare_summary(const char *path, const char *keylog) {
  frames fr;
  if (load(path, &fr) != 0)
    return; /* not a capture (README, ...) */
  dx_config cfg;
  dx_config_init(&cfg);
  cfg.keylog_file = keylog;
  dx_session *full = NULL, *terse = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&full, &cfg), DX_OK);
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&terse, &cfg), DX_OK);
  CU_ASSERT_EQUAL(dx_session_set_interest(terse, NULL, 0, DX_INTEREST_COLUMNS), DX_OK);
  for (size_t i = 0; i < fr.n && i < 3000; i++) {
    dx_packet *pf = NULL, *pt = NULL;
    CU_ASSERT_EQUAL(dx_session_dissect(full, &fr.f[i], &pf), DX_OK);
    CU_ASSERT_EQUAL(dx_session_dissect(terse, &fr.f[i], &pt), DX_OK);
    if (!pf || !pt) {
      dx_packet_free(pf);
      dx_packet_free(pt);
      break;
    }
    bool same = strcmp(dx_packet_info(pf), dx_packet_info(pt)) == 0 &&
                strcmp(dx_packet_src(pf), dx_packet_src(pt)) == 0 &&
                strcmp(dx_packet_dst(pf), dx_packet_dst(pt)) == 0 &&
                strcmp(dx_packet_protocol(pf), dx_packet_protocol(pt)) == 0;
    if (!same && summary_mismatches++ < 10)
      fprintf(stderr,
              "\n  summary differs: %s frame %zu:\n    full:  %s %s %s %s (%d)\n    terse: %s %s "
              "%s %s (%d)",
              path, i + 1, dx_packet_src(pf), dx_packet_dst(pf), dx_packet_protocol(pf),
              dx_packet_info(pf), dx_packet_severity(pf), dx_packet_src(pt), dx_packet_dst(pt),
              dx_packet_protocol(pt), dx_packet_info(pt), dx_packet_severity(pt));
    CU_ASSERT(same);
    dx_packet_free(pf);
    dx_packet_free(pt);
  }
  dx_session_free(full);
  dx_session_free(terse);
  unload(&fr);
}

static void test_interest_summary(void) {
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/samples", tu_src_dir());
  CU_ASSERT(tu_walk_captures(dir, compare_summary) >= 20);
  snprintf(dir, sizeof dir, "%s/../shared/corpus", tu_src_dir());
  tu_walk_captures(dir, compare_summary); /* when it is there */
}

/* ---- every field of every sample, owner by owner ----------------------------
 * For each protocol that owns a field seen in a sample (in full mode), a
 * terse session asks for all of that protocol's fields seen there: its
 * layers are built, the others skipped. Every occurrence of every such
 * field must read the same in both modes (first 400 packets of each). */
static void collect(const dx_node *n, const dx_field **seen, size_t *nseen, size_t cap, int d) {
  for (; n && d < 64; n = dx_node_next(n)) {
    const dx_field *f = dx_node_field(n);
    bool dup = false;
    for (size_t i = 0; i < *nseen && !dup; i++)
      dup = seen[i] == f;
    if (f && !dup && *nseen < cap)
      seen[(*nseen)++] = f;
    collect(dx_node_first_child(n), seen, nseen, cap, d + 1);
  }
}

static const dx_protocol *owner_of(const dx_field *f) {
  for (size_t i = 0; i < dx_nprotocols; i++) {
    const dx_protocol *P = dx_protocols[i];
    if (P->fields && f >= P->fields && f < P->fields + P->nfields)
      return P;
  }
  return NULL;
}

static int field_mismatches;

static void compare_owner_fields(const frames *fr, size_t nfr, const char *keylog, const char *name,
                                 const dx_field **want, size_t nw) {
  dx_config cfg;
  dx_config_init(&cfg);
  cfg.keylog_file = keylog;
  dx_session *full = NULL, *terse = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&full, &cfg), DX_OK);
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&terse, &cfg), DX_OK);
  CU_ASSERT_EQUAL(dx_session_set_interest(terse, want, nw, 0), DX_OK);
  for (size_t i = 0; i < nfr; i++) {
    dx_packet *pf = NULL, *pt = NULL;
    dx_session_dissect(full, &fr->f[i], &pf);
    dx_session_dissect(terse, &fr->f[i], &pt);
    if (!pf || !pt) {
      dx_packet_free(pf);
      dx_packet_free(pt);
      break;
    }
    for (size_t k = 0; k < nw; k++) {
      static char a[8192], b[8192];
      values(pf, want[k], a, sizeof a);
      values(pt, want[k], b, sizeof b);
      if (strcmp(a, b) != 0) {
        if (field_mismatches++ < 10)
          fprintf(stderr, "\n  %s frame %zu %s: full '%.60s' terse '%.60s'", name, i + 1,
                  dx_field_name(want[k]), a, b);
        CU_FAIL("a field reads differently in a terse packet");
      }
    }
    dx_packet_free(pf);
    dx_packet_free(pt);
  }
  dx_session_free(full);
  dx_session_free(terse);
}

static void test_interest_every_field(void) {
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/samples", tu_src_dir());
  /* by hand, on another directory of captures (the corpus takes minutes):
   * DX_EVERY_FIELD_DIR=../shared/corpus/tcpdump build/tests/test_interest */
  const char *other = getenv("DX_EVERY_FIELD_DIR");
  if (other)
    snprintf(dir, sizeof dir, "%s", other);
  DIR *d = opendir(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(d);
  struct dirent *e;
  int samples = 0, groups = 0;
  while ((e = readdir(d)) != NULL) {
    size_t n = strlen(e->d_name);
    if (!((n > 5 && strcmp(e->d_name + n - 5, ".pcap") == 0) ||
          (n > 7 && strcmp(e->d_name + n - 7, ".pcapng") == 0)))
      continue;
    char path[2048], keylog[2048];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    snprintf(keylog, sizeof keylog, "%s/%.*s.keylog", dir, (int)strcspn(e->d_name, "."), e->d_name);
    FILE *k = fopen(keylog, "r");
    if (k)
      fclose(k);
    frames fr;
    if (load(path, &fr) != 0)
      continue;
    size_t nfr = fr.n < 400 ? fr.n : 400;
    /* the fields seen, in full mode */
    static const dx_field *seen[4096];
    size_t nseen = 0;
    dx_config cfg;
    dx_config_init(&cfg);
    cfg.keylog_file = k ? keylog : NULL;
    dx_session *s = NULL;
    CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, &cfg), DX_OK);
    for (size_t i = 0; i < nfr; i++) {
      dx_packet *p = NULL;
      if (dx_session_dissect(s, &fr.f[i], &p) == DX_OK && p)
        collect(dx_packet_root(p)->first_child, seen, &nseen, 4096, 0);
      dx_packet_free(p);
    }
    dx_session_free(s);
    /* one terse session per owning protocol */
    for (size_t o = 0; o < dx_nprotocols; o++) {
      static const dx_field *want[4096];
      size_t nw = 0;
      for (size_t i = 0; i < nseen; i++)
        if (owner_of(seen[i]) == dx_protocols[o])
          want[nw++] = seen[i];
      if (!nw)
        continue;
      char name[600];
      snprintf(name, sizeof name, "%s (%s fields)", e->d_name, dx_protocols[o]->name);
      compare_owner_fields(&fr, nfr, k ? keylog : NULL, name, want, nw);
      groups++;
    }
    unload(&fr);
    samples++;
  }
  closedir(d);
  CU_ASSERT(other || samples >= 20);
  CU_ASSERT(other || groups >= 100);
}

/* ---- certificates in terse packets -------------------------------------------
 * A terse packet whose reader wants no X.509 field does not take its
 * certificates apart, but must still say whether they decode: a certificate
 * whose DER does not start with a SEQUENCE (X.690 8.9: tag 0x30) is
 * malformed in both modes, with the same columns. The first byte of every
 * certificate is changed to 0x31 (SET). */
static uint8_t *find_bytes(uint8_t *hay, size_t n, const uint8_t *needle, size_t k) {
  for (size_t i = 0; i + k <= n; i++)
    if (memcmp(hay + i, needle, k) == 0)
      return hay + i;
  return NULL;
}

static void test_interest_broken_certificate(void) {
  static const char *const samples[] = {"https-tls12.pcap"};
  int broken = 0;
  for (size_t s = 0; s < DX_ARRAY_LEN(samples); s++) {
    char path[1024], keylog[1024];
    frames fr;
    snprintf(path, sizeof path, "%s/samples/%s", tu_src_dir(), samples[s]);
    snprintf(keylog, sizeof keylog, "%s/samples/%.*s.keylog", tu_src_dir(),
             (int)strcspn(samples[s], "."), samples[s]);
    if (load(path, &fr) != 0) {
      CU_FAIL("a sample did not open");
      continue;
    }
    dx_config cfg;
    memset(&cfg, 0, sizeof cfg);
    dx_session *full = NULL;
    CU_ASSERT_EQUAL_FATAL(dx_session_new(&full, &cfg), DX_OK);
    const dx_field *cert = dx_field_lookup(full, "tls.handshake.certificate");
    const dx_field *bad = dx_field_lookup(full, "_ws.malformed");
    CU_ASSERT_PTR_NOT_NULL_FATAL(cert);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bad);
    /* the certificates' first bytes (they may lie in a reassembled source:
     * found again in the frame that carries their start) */
    uint8_t heads[8][24];
    size_t nh = 0;
    for (size_t i = 0; i < fr.n; i++) {
      dx_packet *p = NULL;
      CU_ASSERT_EQUAL(dx_session_dissect(full, &fr.f[i], &p), DX_OK);
      for (const dx_node *n = p ? dx_packet_find(p, cert) : NULL; n && nh < 8;
           n = dx_packet_find_next(p, n))
        if (n->v.b.len >= sizeof heads[0] && n->v.b.p[0] == 0x30)
          memcpy(heads[nh++], n->v.b.p, sizeof heads[0]);
      dx_packet_free(p);
    }
    for (size_t h = 0; h < nh; h++)
      for (size_t i = 0; i < fr.n; i++) {
        uint8_t *at = find_bytes(fr.data[i], fr.f[i].caplen, heads[h], sizeof heads[h]);
        if (at) {
          *at = 0x31;
          broken++;
          break;
        }
      }
    dx_session_free(full);
    /* the full session sees the damage */
    CU_ASSERT_EQUAL_FATAL(dx_session_new(&full, &cfg), DX_OK);
    int malformed = 0;
    for (size_t i = 0; i < fr.n; i++) {
      dx_packet *p = NULL;
      CU_ASSERT_EQUAL(dx_session_dissect(full, &fr.f[i], &p), DX_OK);
      if (p && dx_packet_find(p, bad))
        malformed++;
      dx_packet_free(p);
    }
    dx_session_free(full);
    CU_ASSERT(malformed > 0);
    /* terse (no X.509 field wanted) and full agree on it, columns too */
    compare_filter(&fr, keylog, "_ws.malformed", true);
    compare_filter(&fr, keylog, "tls.handshake.type == 11", true);
    unload(&fr);
  }
  CU_ASSERT(broken >= 2);
}

/* ---- the fast vsnprintf ------------------------------------------------------ */
/* (the formats below are odd on purpose - an empty one, "%hhu" of an int -
 * and come through a parameter: the build's format checks are off here) */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static int both(char *a, char *b, size_t cap, const char *fmt, ...) {
  va_list ap, aq;
  va_start(ap, fmt);
  va_copy(aq, ap);
  int ra = dx_vsnprintf(a, cap, fmt, ap);
  int rb = vsnprintf(b, cap, fmt, aq);
  va_end(aq);
  va_end(ap);
  CU_ASSERT_EQUAL(ra, rb);
  if (cap)
    CU_ASSERT_STRING_EQUAL(a, b);
  return ra == rb && (!cap || strcmp(a, b) == 0);
}
#pragma GCC diagnostic pop

/* A protocol needed only for its node (dx_session_set_interest_needs:
 * presence, its own bytes) keeps its layer as its fields of interest make
 * it and the layers after it unbuilt; needed for its value it keeps them
 * whole. Byte counts of the hand-made query: UDP header 8 bytes at 34. */
static void test_interest_node_need(void) {
  dx_session *terse;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&terse, NULL), DX_OK);
  const dx_field *want[] = {dx_field_lookup(terse, "udp"), dx_field_lookup(terse, "dns.id")};
  uint32_t needs[] = {DX_NEED_NODE, DX_NEED_VALUE};
  CU_ASSERT_PTR_NOT_NULL_FATAL(want[0]);
  CU_ASSERT_EQUAL(dx_session_set_interest_needs(terse, want, needs, 2, 0), DX_OK);
  dx_packet *pt = dissect_frame(terse, dns_query, sizeof dns_query);
  CU_ASSERT_PTR_NOT_NULL_FATAL(pt);
  /* udp, dns and dns.id: nothing else was built */
  CU_ASSERT_EQUAL(count_nodes(dx_packet_root(pt)->first_child, 0), 3);
  const dx_node *u = dx_packet_find(pt, want[0]);
  CU_ASSERT_PTR_NOT_NULL_FATAL(u);
  CU_ASSERT_EQUAL(dx_node_offset(u), 34);
  CU_ASSERT_EQUAL(dx_node_length(u), 8);
  CU_ASSERT_PTR_NULL(dx_packet_find_name(pt, "udp.srcport"));
  CU_ASSERT_PTR_NULL(dx_packet_find_name(pt, "dns.qry.name"));
  CU_ASSERT_EQUAL(dx_node_uint(dx_packet_find(pt, want[1])), 0x1234);
  /* the filters that read only udp's node match as on the full packet:
   * its own 8 bytes (as tshark: udp[-2:] is the checksum, len(udp) 8) */
  const char *yes[] = {"udp", "udp[0:2] == c3:50", "udp[-2:] == 00:00", "len(udp) == 8",
                       "udp && dns.id == 0x1234"};
  const char *no[] = {"!udp", "udp[2:2] == 00:36", "len(udp) > 8", "udp[8]"};
  for (size_t i = 0; i < DX_ARRAY_LEN(yes) + DX_ARRAY_LEN(no); i++) {
    bool want_match = i < DX_ARRAY_LEN(yes);
    const char *text = want_match ? yes[i] : no[i - DX_ARRAY_LEN(yes)];
    dx_filter *fl = NULL;
    CU_ASSERT_EQUAL_FATAL(dx_filter_compile(terse, text, &fl, NULL), DX_OK);
    if (dx_filter_match(fl, pt) != want_match) {
      fprintf(stderr, "\n  %s: %s", text, want_match ? "no match" : "matched");
      CU_FAIL("a filter on a node-only protocol");
    }
    dx_filter_free(fl);
  }
  dx_packet_free(pt);
  /* needed for its value: udp and what follows it, whole */
  needs[0] = DX_NEED_VALUE;
  CU_ASSERT_EQUAL(dx_session_set_interest_needs(terse, want, needs, 2, 0), DX_OK);
  pt = dissect_frame(terse, dns_query, sizeof dns_query);
  CU_ASSERT_PTR_NOT_NULL(dx_packet_find_name(pt, "udp.srcport"));
  CU_ASSERT_PTR_NOT_NULL(dx_packet_find_name(pt, "dns.qry.name"));
  dx_packet_free(pt);
  /* the same field listed twice takes the larger need */
  const dx_field *twice[] = {want[0], want[0]};
  uint32_t tn[] = {DX_NEED_NODE, DX_NEED_VALUE};
  CU_ASSERT_EQUAL(dx_session_set_interest_needs(terse, twice, tn, 2, 0), DX_OK);
  pt = dissect_frame(terse, dns_query, sizeof dns_query);
  CU_ASSERT_PTR_NOT_NULL(dx_packet_find_name(pt, "udp.srcport"));
  dx_packet_free(pt);
  CU_ASSERT_EQUAL(dx_session_set_interest_needs(NULL, want, needs, 2, 0), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_session_set_interest_needs(terse, NULL, needs, 2, 0), DX_EINVAL);
  dx_session_free(terse);
}

static void test_vsnprintf(void) {
  static const size_t caps[] = {0, 1, 2, 5, 16, 300};
  for (size_t i = 0; i < DX_ARRAY_LEN(caps); i++) {
    size_t c = caps[i];
    char a[300], b[300];
#define B(...) both(c ? a : NULL, c ? b : NULL, c, __VA_ARGS__)
    B("plain text only");
    B("");
    B("%s|%5s|%-5s|%.2s|%.*s|%*s|%-*s", "abc", "ab", "ab", "abc", 1, "xyz", 4, "q", 3, "w");
    B("%d %i %5d %-5d %05d %05d %d %d", 0, -7, 42, 42, 42, -42, INT32_MAX, INT32_MIN);
    B("%u %x %X %04x %08X %-6x| %02x", 4000000000u, 0xbeefu, 0xbeefu, 0xau, 0xabcdu, 0x1fu, 0x5u);
    B("%hhu %hhd %hu %hd", 300, 200, 70000, 40000);
    B("%lu %ld %llu %lld %lx", 123456789012UL, -5L, 18446744073709551615ULL, -9223372036854775807LL,
      0xfffffffffUL);
    B("%zu %zd %jd %ju", (size_t)77, (ptrdiff_t)-77, (intmax_t)-1, (uintmax_t)99);
    B("100%% %c%c %3c|%-3c|", 'o', 'k', 'x', 'y');
    B("%s=%u, %s", "Seq", 1u, "Len");
    /* handed to the C library */
    B("%.3f %g %e", 1.5, 0.25, 1e10);
    B("%+d % d %#x %#o %o %.3d %p", 5, 5, 255u, 8u, 8u, 7, (void *)0);
    B("%s and %.3f", "mixed", 2.0);
#undef B
  }
  char buf[8];
  CU_ASSERT_EQUAL(dx_snprintf(buf, sizeof buf, "%s", "a longer string"), 15);
  CU_ASSERT_STRING_EQUAL(buf, "a longe");
}

/* The core's IPv6 text against the C library's inet_ntop (the oracle): edge
 * cases of RFC 5952 and glibc's embedded-IPv4 forms, then pseudo-random
 * addresses with runs of zero groups. */
static void test_ipv6_text(void) {
  static const char *const edge[] = {"::",
                                     "::1",
                                     "1::",
                                     "::ffff:10.0.0.1",
                                     "::10.0.0.1",
                                     "::ffff:0:10.0.0.1",
                                     "1:0:0:1:0:0:0:1",
                                     "1:0:0:0:1:0:0:1",
                                     "0:1:0:1:0:1:0:1",
                                     "fe80::a00:27ff:fe46:e884",
                                     "2001:db8:0:0:1:0:0:1",
                                     "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                                     "0:0:1::",
                                     "::fffe:1.2.3.4",
                                     "0:0:0:0:0:1:0:0"};
  uint8_t b[16];
  char want[64], got[64];
  int bad = 0;
  for (size_t i = 0; i < sizeof edge / sizeof *edge; i++) {
    CU_ASSERT_EQUAL_FATAL(inet_pton(AF_INET6, edge[i], b), 1);
    dx_addr a;
    dx_addr_set(&a, DX_AT_IPV6, b);
    inet_ntop(AF_INET6, b, want, sizeof want);
    size_t n = dx_addr_format(&a, got, sizeof got);
    if (strcmp(want, got) != 0 || n != strlen(want)) {
      if (bad++ < 5)
        fprintf(stderr, "\n  %s: inet_ntop %s, dx %s", edge[i], want, got);
    }
  }
  uint32_t x = 12345;
  for (int i = 0; i < 200000; i++) {
    for (int k = 0; k < 8; k++) {
      x = x * 1103515245u + 12345u;
      unsigned r = x >> 16;
      unsigned v = (r & 3) == 0 ? r : (r & 3) == 1 ? (r & 0xff) : 0; /* zero half the time */
      b[2 * k] = (uint8_t)(v >> 8);
      b[2 * k + 1] = (uint8_t)v;
    }
    dx_addr a;
    dx_addr_set(&a, DX_AT_IPV6, b);
    inet_ntop(AF_INET6, b, want, sizeof want);
    dx_addr_format(&a, got, sizeof got);
    if (strcmp(want, got) != 0 && bad++ < 5)
      fprintf(stderr, "\n  inet_ntop %s, dx %s", want, got);
  }
  CU_ASSERT_EQUAL(bad, 0);
  /* cut as snprintf cuts */
  CU_ASSERT_EQUAL_FATAL(inet_pton(AF_INET6, "2001:db8::1", b), 1);
  dx_addr a;
  dx_addr_set(&a, DX_AT_IPV6, b);
  CU_ASSERT_EQUAL(dx_addr_format(&a, got, 5), 11);
  CU_ASSERT_STRING_EQUAL(got, "2001");
}

int main(void) {
  CU_TestInfo tests[] = {{"interest keeps only dns.qry.name", test_interest_dns_name},
                         {"interest in a protocol, columns", test_interest_protocol_and_columns},
                         {"a protocol needed for its node only", test_interest_node_need},
                         {"samples x filters: terse == full", test_interest_samples},
                         {"broken certificate: terse == full", test_interest_broken_certificate},
                         {"summary lines: terse == full", test_interest_summary},
                         {"every field, owner by owner: terse == full", test_interest_every_field},
                         {"dx_vsnprintf == vsnprintf", test_vsnprintf},
                         {"IPv6 text == inet_ntop", test_ipv6_text},
                         CU_TEST_INFO_NULL};
  return tu_run("interest", tests);
}
