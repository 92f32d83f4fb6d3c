/* libFuzzer harness for packet dissection.
 *
 * Input format (also produced by tests/fuzz/make_seeds.py):
 *   byte 0      link type selector (index into linktypes[], modulo)
 *   byte 1      mode bits: 1 = terse (dx_session_set_interest),
 *               2 = summary columns kept in terse mode, 4 = checksums
 *               verified, 8 = small session caps (flows, fragments, streams),
 *               16 = interest cleared after the last frame; bits 5-7: the
 *               output form of the first packet (fuzzutil.h), the next
 *               packets take the next forms
 *   then frames, each a 2-byte big-endian length and that many bytes (a
 *   length running past the end takes what is left).
 * All frames go to ONE session in order, so flows, TCP and IP reassembly
 * and DNS/HTTP request-response matching carry across frames; the session
 * (one per checksum/caps combination) is reset after the input and reused.
 * Every packet is written in one output form (summary, tree, hex, JSON in
 * its forms, EK, -T fields, the json-c object; one after the other from
 * packet to packet) into a memory stream, and a few fields are looked up.
 * Each frame also goes through two splitters made alike (dx_split_part),
 * which must agree. */
#include "fuzzutil.h"

static const int linktypes[] = {1, 0, 108, 12, 101, 228, 229, 113, 276};
#define N_LINKTYPES (sizeof linktypes / sizeof linktypes[0])
#define MAX_FRAMES 64

static const char *const find_names[] = {"ip.src",
                                         "tcp.stream",
                                         "tcp.reassembled.length",
                                         "dns.qry.name",
                                         "dns.time",
                                         "http.request.uri",
                                         "http.file_data",
                                         "tls.handshake.type",
                                         "x509sat.printableString",
                                         "ip.fragment",
                                         "udp.stream",
                                         "tcp.analysis.flags",
                                         "frame.protocols",
                                         "dns",
                                         "http",
                                         "tls"};
#define N_FIND (sizeof find_names / sizeof find_names[0])

static const dx_field *find_fields[N_FIND];

static void exercise(dx_packet *p, const dx_fields *flds, unsigned form) {
  size_t ns = dx_packet_source_count(p);
  for (size_t i = 0; i < ns; i++) {
    size_t len = 0;
    (void)dx_packet_source_name(p, i);
    (void)dx_packet_source_data(p, i, &len);
  }
  char buf[256];
  for (size_t i = 0; i < N_FIND; i++) {
    const dx_field *f = find_fields[i];
    if (!f)
      continue;
    int guard = 0;
    for (const dx_node *n = dx_packet_find(p, f); n && guard < 64;
         n = dx_packet_find_next(p, n), guard++) {
      dx_node_label(n, buf, sizeof buf);
      dx_node_value(n, buf, sizeof buf);
      size_t bl = 0;
      (void)dx_node_bytes(n, &bl);
      (void)dx_node_str(n);
    }
  }
  fz_packet(p, form, flds); /* written if picked; freed */
}

/* Two splitters alike, kept across inputs (their memories bounded). */
static dx_split *splitters[2];

/* One session per configuration: [checksums][tiny caps]. */
static dx_session *sessions[4];
static dx_fields *fields_of[4];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2)
    return 0;
  int linktype = linktypes[data[0] % N_LINKTYPES];
  unsigned mode = data[1];
  data += 2;
  size -= 2;
  fz_begin((unsigned)(size % 8));

  dx_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.check_checksums = (mode & 4) != 0;
  if (mode & 8) {
    cfg.max_flows = 4;
    cfg.max_frag_datagrams = 2;
    cfg.max_frag_bytes = 2000;
    cfg.max_stream_bytes = 4096;
    cfg.max_total_stream_bytes = 8192;
    cfg.max_dns_pending = 4;
  }
  unsigned variant = (mode >> 2) & 3;
  dx_session *s = fz_session(&sessions[variant], &cfg);
  if (!find_fields[0])
    for (size_t i = 0; i < N_FIND; i++)
      find_fields[i] = dx_field_lookup(s, find_names[i]);

  static const char *const interest[] = {"dns.qry.name", "tcp.stream", "http", "tls.handshake.type",
                                         "ip.src"};
  fz_interest(s, interest, (mode & 1) ? 5 : 0, (mode & 2) ? DX_INTEREST_COLUMNS : 0);

  /* -T fields: made with the session, kept with it (its columns hold
   * field pointers, valid for any session). */
  static const char *const cols[] = {"frame.number", "ip.src",
                                     "tcp.srcport",  "dns.qry.name",
                                     "http.host",    "tls.handshake.extensions_server_name"};
  dx_fields_opts fo = {.header = 0, .separator = '\t', .occurrence = 'a', .aggregator = ','};
  char err[128];
  if (!fields_of[variant] && dx_fields_new(s, cols, sizeof cols / sizeof cols[0], &fo,
                                           &fields_of[variant], err, sizeof err) != DX_OK)
    fields_of[variant] = NULL;
  const dx_fields *flds = fields_of[variant];

  size_t pos = 0;
  for (int i = 0; i < MAX_FRAMES && pos + 2 <= size; i++) {
    size_t len = ((size_t)data[pos] << 8) | data[pos + 1];
    pos += 2;
    if (len > size - pos)
      len = size - pos;
    /* Copy so ASan sees reads past the frame end. */
    uint8_t *frame = malloc(len ? len : 1);
    if (!frame)
      abort();
    memcpy(frame, data + pos, len);
    pos += len;
    dx_frame f = {.ts_sec = 1700000000 + i,
                  .ts_nsec = (uint32_t)i * 1000,
                  .caplen = (uint32_t)len,
                  .wirelen = (uint32_t)len + (i & 1 ? 0 : 4),
                  .linktype = linktype,
                  .data = frame};
    /* the splitter of two sessions (dissect.h, dx_split_part) reads the
     * same bytes first: a part in range, and a splitter made like it (the
     * other session's) agrees */
    if (!splitters[0] &&
        (dx_split_new(&splitters[0], 2, DX_SPLIT_TLS_RESUMPTION, NULL) != DX_OK ||
         dx_split_new(&splitters[1], 2, DX_SPLIT_TLS_RESUMPTION, splitters[0]) != DX_OK))
      abort();
    unsigned part = dx_split_part(splitters[0], &f);
    if (part > 1 || dx_split_part(splitters[1], &f) != part)
      abort();
    dx_packet *p = NULL;
    int rc = dx_session_dissect(s, &f, &p);
    if (rc != DX_OK) {
      if (rc != DX_ENOMEM && rc != DX_EINVAL)
        abort();
      free(frame);
      continue;
    }
    exercise(p, flds, (mode >> 5) + (unsigned)i);
    /* The packet must not point into the caller's frame after dissect
     * returned (dx_packet_frame() data points into the packet). */
    free(frame);
  }
  fz_flush();
  if (mode & 16)
    dx_session_clear_interest(s);
  fz_done(&sessions[variant]);
  if (!sessions[variant]) { /* FUZZ_FRESH */
    dx_fields_free(fields_of[variant]);
    fields_of[variant] = NULL;
  }
  return 0;
}
