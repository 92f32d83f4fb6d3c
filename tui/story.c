/*
 * A connection's story for the TUI (the ladder, and its `w` key): the
 * connection's frames and the DNS lookups before it are dissected again and
 * given to libdissect's story layer (include/dissect/story.h), which tells
 * the steps, round trips and phases, and writes the story as text, JSON,
 * Mermaid or SVG exactly as `dissect --story` does. The connection is a TCP
 * stream, or the QUIC connection a UDP stream carries (every UDP stream of
 * it: a migrated connection spans several). The TUI knows no protocol here.
 */
#include "ui.h"

#include <dissect/story.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define DNS_LOOKBACK 20000 /* frames before the connection searched for its DNS lookup */

typedef struct story_walk {
  dx_story *st;
  int rc;
  const pindex *ix;
  int tcp;     /* the connection is a TCP stream: only its own packets are marked */
  uint32_t id; /* its tcp.stream */
} story_walk;

static int add(void *ctx, size_t frame, const dx_packet *p) {
  story_walk *w = ctx;
  if ((w->rc = dx_story_add_packet(w->st, p)) != DX_OK)
    return 1;
  /* (the walk of a TCP connection holds the streams open beside it too) */
  if (!w->tcp || (w->ix->pk[frame].skind == SK_TCP && w->ix->pk[frame].stream == w->id))
    dx_story_mark_packet(w->st, p);
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

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* Appends the frames of stream k of kind to *all (*na of them), up to
 * REPLAY_CAP in all. False when memory runs out. */
static bool append_frames(pindex *ix, int kind, uint32_t k, uint32_t **all, size_t *na) {
  size_t m;
  uint32_t *fr = index_stream_frames(ix, kind, k, &m);
  if (!fr)
    return true;
  if (*na + m > REPLAY_CAP)
    m = REPLAY_CAP > *na ? REPLAY_CAP - *na : 0;
  uint32_t *grown = realloc(*all, (*na + m + 1) * sizeof **all);
  if (!grown) {
    free(fr);
    return false;
  }
  *all = grown;
  memcpy(grown + *na, fr, m * sizeof *fr);
  *na += m;
  free(fr);
  return true;
}

/* An intercepting proxy's other leg is told beside the client's (the trust
 * layer pairs two legs for one name whose times overlap, and the story
 * shows them side by side): the walk of a TCP connection replays, in the
 * same session, the TCP streams open at the same time as it, the
 * LEG_CANDIDATES whose first frames are nearest its own, so that its story
 * is the one `dissect --story` tells. */
#define LEG_CANDIDATES 8

static uint32_t *with_overlapping(pindex *ix, uint32_t id, uint32_t *fr, size_t *n) {
  stream_info *me = index_stream(ix, SK_TCP, id);
  if (!me || me->last == NO_PREV)
    return fr;
  uint32_t pick[LEG_CANDIDATES];
  uint64_t dist[LEG_CANDIDATES];
  size_t np = 0;
  for (size_t k = 0; k < ix->nst[SK_TCP]; k++) {
    const stream_info *s = &ix->st[SK_TCP][k];
    if (k == id || s->last == NO_PREV || s->first > me->last || s->last < me->first)
      continue;
    uint64_t d = s->first > me->first ? s->first - me->first : me->first - s->first;
    size_t at = np < LEG_CANDIDATES ? np++ : LEG_CANDIDATES;
    if (at == LEG_CANDIDATES) { /* full: replaces the farthest if nearer */
      size_t far = 0;
      for (size_t j = 1; j < LEG_CANDIDATES; j++)
        if (dist[j] > dist[far])
          far = j;
      if (dist[far] <= d)
        continue;
      at = far;
    }
    pick[at] = (uint32_t)k;
    dist[at] = d;
  }
  size_t na = *n;
  for (size_t j = 0; j < np && na < REPLAY_CAP; j++)
    if (!append_frames(ix, SK_TCP, pick[j], &fr, &na))
      break;
  if (na > *n)
    qsort(fr, na, sizeof *fr, cmp_u32);
  *n = na;
  return fr;
}

/* The frames of the connection, in capture order: the TCP stream's, or
 * those of every UDP stream carrying QUIC connection number. */
static uint32_t *conn_frames(pindex *ix, int kind, uint32_t id, int quic, uint32_t number,
                             size_t *n, uint32_t *first_stream);

uint32_t *tui_conn_frames(pindex *ix, int kind, uint32_t id, size_t *n, uint32_t *first_stream) {
  stream_info *si = index_stream(ix, kind, id);
  int quic = kind == SK_UDP && si && si->has_conn;
  return conn_frames(ix, kind, id, quic, quic ? si->conn : 0, n, first_stream);
}

static uint32_t *conn_frames(pindex *ix, int kind, uint32_t id, int quic, uint32_t number,
                             size_t *n, uint32_t *first_stream) {
  *first_stream = id;
  if (!quic)
    return index_stream_frames(ix, kind, id, n);
  uint32_t *all = NULL;
  size_t na = 0;
  *n = 0;
  for (size_t k = 0; k < ix->nst[SK_UDP]; k++) {
    stream_info *si = &ix->st[SK_UDP][k];
    if (!si->has_conn || si->conn != number)
      continue;
    if (!append_frames(ix, SK_UDP, (uint32_t)k, &all, &na))
      break;
  }
  if (!all)
    return NULL;
  qsort(all, na, sizeof *all, cmp_u32);
  *first_stream = ix->pk[all[0]].stream;
  *n = na;
  return all;
}

void tui_story_free(tui_story *t) {
  if (!t)
    return;
  dx_story_free(t->st);
  dx_session_free(t->s);
  memset(t, 0, sizeof *t);
}

int tui_story_build(app *a, int kind, uint32_t id, uint32_t max_events, tui_story *out, char *err,
                    size_t errlen) {
  pindex *ix = &a->ix;
  memset(out, 0, sizeof *out);
  stream_info *si = index_stream(ix, kind, id);
  if (!si || !ix->n || (kind != SK_TCP && kind != SK_UDP)) {
    snprintf(err, errlen, "no such connection");
    return -1;
  }
  int quic = kind == SK_UDP;
  if (quic && !si->has_conn) {
    snprintf(err, errlen, "udp.stream %u carries no QUIC connection: the ladder tells TCP and QUIC",
             id);
    return -1;
  }
  out->transport = quic ? DX_STORY_TRANSPORT_QUIC : DX_STORY_TRANSPORT_TCP;
  out->number = quic ? si->conn : id;
  size_t nfr = 0;
  uint32_t first_stream;
  uint32_t *fr = conn_frames(ix, kind, id, quic, out->number, &nfr, &first_stream);
  if (!fr || !nfr) {
    free(fr);
    snprintf(err, errlen, "no frames for this connection");
    return -1;
  }
  dx_story_config cfg;
  dx_story_config_init(&cfg);
  if (max_events)
    cfg.max_events = max_events;
  dx_session *ds = NULL;
  int rc = index_new_session(ix, &out->s);
  if (rc == DX_OK)
    rc = dx_story_new(&out->st, out->s, &cfg);
  if (rc != DX_OK) {
    snprintf(err, errlen, "%s", dx_strerror(rc));
    free(fr);
    tui_story_free(out);
    return -1;
  }
  dx_story_set_time_reference(out->st, ix->pk[0].ts_sec, ix->pk[0].ts_nsec);
  if (quic) /* the replay's first QUIC connection is this one */
    dx_story_set_quic_number_base(out->st, out->number);
  /* the DNS messages before the connection, oldest first, in one session
   * so that responses find their queries */
  size_t first = fr[0], lo = first > DNS_LOOKBACK ? first - DNS_LOOKBACK : 0;
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
        dx_story_add_packet(out->st, p);
      dx_packet_free(p);
    }
    dx_session_free(ds);
  }
  story_walk w = {out->st, DX_OK, ix, !quic, id};
  if (!quic)
    fr = with_overlapping(ix, id, fr, &nfr);
  index_walk_frames(ix, fr, nfr, kind, first_stream, add, &w);
  free(fr);
  dx_story_finish(out->st);
  out->c = dx_story_find(out->st, out->transport, out->number);
  if (!out->c) {
    snprintf(err, errlen, "no story for this connection (the story layer's caps or budget)");
    tui_story_free(out);
    return -1;
  }
  return 0;
}

int tui_story_write(app *a, int kind, uint32_t id, int fmt, char *path, size_t pathlen, char *err,
                    size_t errlen) {
  tui_story t;
  if (tui_story_build(a, kind, id, 0, &t, err, errlen) != 0)
    return -1;
  snprintf(path, pathlen, "dissect-story-%s%u.%s",
           t.transport == DX_STORY_TRANSPORT_QUIC ? "quic-" : "", t.number, ext_of(fmt));
  int rc;
  FILE *out = fopen(path, "w");
  if (!out) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    rc = -1;
  } else {
    rc = dx_story_write(out, t.st, (dx_story_format)fmt, DX_STORY_MARKED_ONLY);
    if (fclose(out) != 0 || rc != DX_OK) {
      snprintf(err, errlen, "writing %s failed", path);
      rc = -1;
    }
  }
  tui_story_free(&t);
  return rc == DX_OK ? 0 : -1;
}
