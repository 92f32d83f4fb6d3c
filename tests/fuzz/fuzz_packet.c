/* libFuzzer harness for packet dissection.
 *
 * Input format (also produced by tests/fuzz/make_seeds.py):
 *   byte 0      link type selector (index into linktypes[], modulo)
 *   byte 1      mode bits: 1 = terse (dx_session_set_interest),
 *               2 = summary columns kept in terse mode, 4 = checksums
 *               verified, 8 = small session caps (flows, fragments, streams)
 *   then frames, each a 2-byte big-endian length and that many bytes (a
 *   length running past the end takes what is left).
 * All frames go to ONE session in order, so flows, TCP and IP reassembly
 * and DNS/HTTP request-response matching carry across frames. Every packet
 * is written as summary, tree, hex, JSON (both writers), EK and -T fields
 * into a memory stream, and a few fields are looked up. */
#include <dissect/dissect.h>
#include <dissect/json.h>
#include <dissect/output.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static FILE *sink;
static char *sink_buf;
static size_t sink_len;

static void exercise(const dx_session *s, const dx_packet *p, const dx_fields *flds) {
  dx_write_summary(sink, p);
  dx_write_tree(sink, p);
  dx_write_hex(sink, p);
  dx_write_json(sink, p, 1);
  dx_write_json_form(sink, p, DX_JSON_PACKETS, 0);
  dx_write_ek(sink, p);
  if (flds)
    dx_fields_write(sink, flds, p);
  json_object *j = dx_packet_to_json(p);
  if (j) {
    fputs(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN), sink);
    json_object_put(j);
  }
  (void)dx_packet_src(p);
  (void)dx_packet_dst(p);
  (void)dx_packet_protocol(p);
  (void)dx_packet_info(p);
  (void)dx_packet_severity(p);
  size_t ns = dx_packet_source_count(p);
  for (size_t i = 0; i < ns; i++) {
    size_t len = 0;
    (void)dx_packet_source_name(p, i);
    (void)dx_packet_source_data(p, i, &len);
  }
  char buf[256];
  for (size_t i = 0; i < N_FIND; i++) {
    const dx_field *f = dx_field_lookup(s, find_names[i]);
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
  /* Keep the memory stream from growing across frames. */
  fflush(sink);
  rewind(sink);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2)
    return 0;
  if (!sink) {
    sink = open_memstream(&sink_buf, &sink_len);
    if (!sink)
      abort();
  }
  int linktype = linktypes[data[0] % N_LINKTYPES];
  unsigned mode = data[1];
  data += 2;
  size -= 2;

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
  dx_session *s = NULL;
  if (dx_session_new(&s, &cfg) != DX_OK)
    abort();

  if (mode & 1) {
    static const char *const interest[] = {"dns.qry.name", "tcp.stream", "http",
                                           "tls.handshake.type", "ip.src"};
    const dx_field *fs[5];
    size_t n = 0;
    for (size_t i = 0; i < 5; i++) {
      const dx_field *f = dx_field_lookup(s, interest[i]);
      if (f)
        fs[n++] = f;
    }
    if (dx_session_set_interest(s, fs, n, (mode & 2) ? DX_INTEREST_COLUMNS : 0) != DX_OK)
      abort();
  }

  static const char *const cols[] = {"frame.number", "ip.src",
                                     "tcp.srcport",  "dns.qry.name",
                                     "http.host",    "tls.handshake.extensions_server_name"};
  dx_fields_opts fo = {.header = 0, .separator = '\t', .occurrence = 'a', .aggregator = ','};
  dx_fields *flds = NULL;
  char err[128];
  if (dx_fields_new(s, cols, sizeof cols / sizeof cols[0], &fo, &flds, err, sizeof err) != DX_OK)
    flds = NULL;

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
    dx_packet *p = NULL;
    int rc = dx_session_dissect(s, &f, &p);
    if (rc != DX_OK) {
      if (rc != DX_ENOMEM && rc != DX_EINVAL)
        abort();
      free(frame);
      continue;
    }
    exercise(s, p, flds);
    dx_packet_free(p);
    /* The packet must not point into the caller's frame after dissect
     * returned (dx_packet_frame() data points into the packet). */
    free(frame);
  }
  if (mode & 16)
    dx_session_clear_interest(s);
  dx_fields_free(flds);
  dx_session_free(s);
  return 0;
}
