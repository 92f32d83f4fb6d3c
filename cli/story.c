/* dissect --story text|json|mermaid|svg: reads the whole capture into a
 * connection story (libdissect/analysis, include/dissect/story.h) and
 * writes it. With -Y, only the connections that have a packet matching the
 * filter (or whose DNS lookup matches it) are told. */
#include "story.h"

#include <dissect/story.h>
#if __has_include(<dissect/filter.h>)
#include <dissect/filter.h>
#define DX_HAVE_FILTER 1
#endif

#include <errno.h>
#include <string.h>

/* A message with text from the capture (a file name) never reaches the
 * terminal raw: control bytes are written as \xNN. */
static void emsg(const char *what, const char *text) {
  fputs("dissect: ", stderr);
  fputs(what, stderr);
  for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
    if (*c < 0x20 || *c == 0x7f)
      fprintf(stderr, "\\x%02x", *c);
    else
      fputc(*c, stderr);
  }
  fputc('\n', stderr);
}

int cli_story_run(FILE *out, dx_session *sess, dx_capture *cap, const struct dx_filter *flt,
                  int fmt, long long count, volatile sig_atomic_t *stop) {
  dx_story *st = NULL;
  int rc = dx_story_new(&st, sess, NULL);
  if (rc != DX_OK) {
    fprintf(stderr, "dissect: --story: %s\n", dx_strerror(rc));
    return 2;
  }
  int status = 0;
  long long nread = 0;
  dx_frame f;
  while (!*stop && (count < 0 || nread < count)) {
    int r = dx_capture_next(cap, &f);
    if (r == 0)
      break;
    if (r < 0) {
      emsg("", dx_capture_error(cap));
      status = 2;
      break;
    }
    nread++;
    const char *sec = NULL; /* key logs of secrets blocks before this frame */
    size_t nsec = 0;
    if (dx_capture_frame_secrets(cap, &sec, &nsec) == DX_OK && nsec)
      dx_session_add_secrets(sess, sec, nsec);
    dx_packet *p = NULL;
    if ((rc = dx_session_dissect(sess, &f, &p)) != DX_OK) {
      fprintf(stderr, "dissect: frame %lld: %s\n", nread, dx_strerror(rc));
      status = 2;
      break;
    }
    if ((rc = dx_story_add_packet(st, p)) != DX_OK) {
      fprintf(stderr, "dissect: --story: frame %lld: %s\n", nread, dx_strerror(rc));
      dx_packet_free(p);
      status = 2;
      break;
    }
#ifdef DX_HAVE_FILTER
    if (flt && dx_filter_match(flt, p))
      dx_story_mark_packet(st, p);
#endif
    dx_packet_free(p);
  }
  dx_story_finish(st);
  rc = dx_story_write(out, st, (dx_story_format)fmt, flt ? DX_STORY_MARKED_ONLY : 0);
  if ((rc != DX_OK || fflush(out) != 0) && errno != EPIPE) {
    fprintf(stderr, "dissect: writing the story: %s\n", strerror(errno));
    status = 2;
  }
  dx_story_free(st);
  return status;
}
