/* libFuzzer harness for connection stories and follow (include/dissect/
 * story.h): the input is fuzz_packet's (byte 0 the link type, byte 1 a
 * mode, then up to 64 frames of a 2-byte big-endian length and its bytes),
 * every packet goes to one session, to a dx_story and to a dx_follow; then
 * the story is finished, written in its four formats and read through the
 * API (dx_story_conn_at, dx_story_find, dx_story_summary), and the follow's
 * pieces are read. Mode bits: 8 tiny session caps (as fuzz_packet), 32 tiny
 * story caps (2 connections, 8 events, 2 exchanges, 2 DNS answers) and a
 * 256-byte follow, 64 a time reference after the first packet (negative
 * times). The session (one per caps setting) is reset after every input
 * and reused. Seeds: tests/fuzz/seeds/fuzz_story (frames of the samples, made
 * by tests/fuzz/make_story_seeds.py). */
#include "fuzzutil.h"
#include <dissect/story.h>

static const int linktypes[] = {1, 0, 108, 12, 101, 228, 229, 113, 276};
#define N_LINKTYPES (sizeof linktypes / sizeof linktypes[0])
#define MAX_FRAMES 64

static dx_session *sessions[2]; /* [tiny caps]: reset after every input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2)
    return 0;
  FILE *sink = fz_sink();
  int linktype = linktypes[data[0] % N_LINKTYPES];
  unsigned mode = data[1];
  data += 2;
  size -= 2;

  dx_config cfg;
  dx_config_init(&cfg);
  if (mode & 8) {
    cfg.max_flows = 4;
    cfg.max_frag_datagrams = 2;
    cfg.max_frag_bytes = 2000;
    cfg.max_stream_bytes = 4096;
    cfg.max_total_stream_bytes = 65536;
    cfg.max_dns_pending = 4;
  }
  dx_session *s = fz_session(&sessions[(mode >> 3) & 1], &cfg);
  dx_story_config sc;
  dx_story_config_init(&sc);
  if (mode & 32) {
    sc.max_connections = 2;
    sc.max_events = 8;
    sc.max_exchanges = 2;
    sc.max_dns = 2;
  }
  dx_story *st = NULL;
  dx_follow *fw = NULL;
  if (dx_story_new(&st, s, &sc) != DX_OK)
    st = NULL; /* the byte budget may say no */
  if (dx_follow_new(&fw, s, (mode & 32) ? 256 : 0) != DX_OK)
    fw = NULL;

  size_t pos = 0;
  for (int i = 0; i < MAX_FRAMES && pos + 2 <= size; i++) {
    size_t len = ((size_t)data[pos] << 8) | data[pos + 1];
    pos += 2;
    if (len > size - pos)
      len = size - pos;
    uint8_t *frame = malloc(len ? len : 1);
    if (!frame)
      abort();
    memcpy(frame, data + pos, len);
    pos += len;
    dx_frame f = {.ts_sec = 1700000000 + i,
                  .ts_nsec = (uint32_t)i * 1000,
                  .caplen = (uint32_t)len,
                  .wirelen = (uint32_t)len,
                  .linktype = linktype,
                  .data = frame};
    if (st && i == 0 && (mode & 64))
      dx_story_set_time_reference(st, 1700000000 + 5, 0);
    dx_packet *p = NULL;
    int rc = dx_session_dissect(s, &f, &p);
    if (rc != DX_OK) {
      if (rc != DX_ENOMEM && rc != DX_EINVAL)
        abort();
      free(frame);
      continue;
    }
    if (st) {
      int r = dx_story_add_packet(st, p);
      if (r != DX_OK && r != DX_ENOMEM)
        abort();
      if (i & 1)
        dx_story_mark_packet(st, p);
    }
    if (fw && dx_follow_add_packet(fw, p) != DX_OK)
      abort();
    int t;
    uint32_t id;
    (void)dx_story_packet_connection(p, &t, &id);
    dx_packet_free(p);
    free(frame);
  }
  if (st) {
    if (dx_story_finish(st) != DX_OK)
      abort();
    for (int fmt = 0; fmt < 4; fmt++) {
      dx_story_write(sink, st, (dx_story_format)fmt, 0);
      dx_story_write(sink, st, (dx_story_format)fmt, DX_STORY_MARKED_ONLY);
      fflush(sink);
      rewind(sink);
    }
    char buf[200];
    for (size_t i = 0; i < dx_story_count(st); i++) {
      const dx_story_conn *c = dx_story_conn_at(st, i);
      if (!c || dx_story_find(st, c->transport, c->stream) != c)
        abort();
      if (dx_story_summary(c, buf, sizeof buf) >= sizeof buf)
        abort();
      for (size_t k = 0; k < c->nevents; k++)
        if (!memchr(c->events[k].label, 0, sizeof c->events[k].label))
          abort();
    }
    dx_story_free(st);
  }
  if (fw) {
    uint64_t total = 0;
    for (size_t i = 0; i < dx_follow_count(fw); i++) {
      const dx_follow_chunk *c = dx_follow_chunk_at(fw, i);
      if (!c || c->kind < 0 || c->kind >= DX_FOLLOW_NKINDS || c->dir < 0 || c->dir > 1 ||
          (c->len && !c->data))
        abort();
      total += c->len;
    }
    if (total > ((mode & 32) ? 256u : (16u << 20)))
      abort();
    dx_follow_free(fw);
  }
  fz_done(&sessions[(mode >> 3) & 1]);
  return 0;
}
