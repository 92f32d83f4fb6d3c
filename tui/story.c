/*
 * Writing a connection's story from the TUI (the ladder's `w` key): the
 * connection's frames and the DNS lookups before it are dissected again and
 * given to libdissect's story layer (include/dissect/story.h), which writes
 * it as text, JSON, Mermaid or SVG, exactly as `dissect --story` does. The
 * TUI knows no protocol here either.
 */
#include "ui.h"

#include <dissect/story.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define DNS_LOOKBACK 20000 /* frames before the connection searched for its DNS lookup */

typedef struct story_walk {
  dx_story *st;
  int rc;
} story_walk;

static int add(void *ctx, size_t frame, const dx_packet *p) {
  (void)frame;
  story_walk *w = ctx;
  if ((w->rc = dx_story_add_packet(w->st, p)) != DX_OK)
    return 1;
  dx_story_mark_packet(w->st, p); /* every packet of the walk is of this connection */
  return 0;
}

static const char *ext_of(int fmt) {
  switch (fmt) {
  case DX_STORY_JSON: return "json";
  case DX_STORY_MERMAID: return "mmd";
  case DX_STORY_SVG: return "svg";
  default: return "txt";
  }
}

int tui_story_write(app *a, uint32_t id, int fmt, char *path, size_t pathlen, char *err,
                    size_t errlen) {
  pindex *ix = &a->ix;
  stream_info *si = index_stream(ix, SK_TCP, id);
  if (!si || !ix->n) {
    snprintf(err, errlen, "no such TCP connection");
    return -1;
  }
  dx_session *s = NULL, *ds = NULL;
  dx_story *st = NULL;
  int rc = index_new_session(ix, &s);
  if (rc == DX_OK)
    rc = dx_story_new(&st, s, NULL);
  if (rc != DX_OK) {
    snprintf(err, errlen, "%s", dx_strerror(rc));
    dx_session_free(s);
    return -1;
  }
  dx_story_set_time_reference(st, ix->pk[0].ts_sec, ix->pk[0].ts_nsec);
  /* the DNS messages before the connection, oldest first, in one session
   * so that responses find their queries */
  size_t first = si->first, lo = first > DNS_LOOKBACK ? first - DNS_LOOKBACK : 0;
  if (index_new_session(ix, &ds) == DX_OK) {
    dx_session_set_time_reference(ds, ix->pk[0].ts_sec, ix->pk[0].ts_nsec);
    for (size_t i = lo; i < first; i++) {
      if (!(ix->pk[i].cclass & CF_DNS) || ix->pk[i].skind == SK_TCP)
        continue;
      dx_frame f;
      dx_packet *p = NULL;
      if (index_read(ix, i, &f) != DX_OK)
        continue;
      dx_session_set_next_number(ds, (uint64_t)i + 1);
      if (dx_session_dissect(ds, &f, &p) == DX_OK && p)
        dx_story_add_packet(st, p);
      dx_packet_free(p);
    }
    dx_session_free(ds);
  }
  story_walk w = {st, DX_OK};
  index_walk_stream(ix, SK_TCP, id, add, &w);
  dx_story_finish(st);
  snprintf(path, pathlen, "dissect-story-%u.%s", id, ext_of(fmt));
  FILE *out = fopen(path, "w");
  if (!out) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    rc = -1;
  } else {
    rc = dx_story_write(out, st, (dx_story_format)fmt, DX_STORY_MARKED_ONLY);
    if (fclose(out) != 0 || rc != DX_OK) {
      snprintf(err, errlen, "writing %s failed", path);
      rc = -1;
    }
  }
  dx_story_free(st);
  dx_session_free(s);
  return rc == DX_OK ? 0 : -1;
}
