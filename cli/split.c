/* One capture file dissected by two sessions at once (main.c decides when:
 * summary lines, -T fields and -Y on two processors, when nothing printed
 * spans connections; dissect.h, dx_split_part).
 *
 * Each worker thread opens the file itself, reads every frame, dissects
 * the frames of its part and counts the others (dx_session_skip_frame),
 * and prints its packets into chunks: the text of a run of packets with
 * each packet's frame number. Reading twice costs less than handing the
 * frames from one reader to the dissecting threads, and keeps the pcapng
 * blocks beside the frames (comments, interfaces, secrets) each worker's
 * own. The main thread merges the chunks in frame order and writes them
 * out: a worker's packets come in frame order, and a chunk also says up
 * to which frame its worker has read, so the merge knows when the other
 * worker has nothing before a packet. Chunks are bounded in bytes and in
 * number, so memory stays flat whichever side is faster; a worker whose
 * part is small still sends its progress every few thousand frames. */
#define _GNU_SOURCE /* fopencookie */
#include "split.h"

#include "chunkq.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_BYTES (256u << 10) /* sent when its text passes this */
#define CHUNK_RECS 4096u         /* or when it holds this many packets */
#define CHUNK_FRAMES 4096u       /* or when the worker read this many frames since */
#define QUEUE_CHUNKS 8u          /* chunks waiting for the merge, per worker */

typedef struct chunk {
  uint64_t upto; /* the worker had read frames 1..upto (UINT64_MAX: all) */
  size_t nrec;
  uint64_t frame[CHUNK_RECS];
  size_t end[CHUNK_RECS]; /* record i: text[end[i-1] .. end[i]) */
  char *text;
  size_t len, cap;
  bool last;      /* the worker's last chunk */
  int fail;       /* last chunk: 1 a capture error, 2 a dissection error */
  int fail_rc;    /* the dissection error */
  uint64_t nread; /* last chunk: frames read */
} chunk;

typedef struct worker {
  cli_split_part *part;
  unsigned index, nparts;
  volatile sig_atomic_t *stop_signal;
  chunkq q; /* the chunks to the merge (closed with no last chunk: out of memory) */
  bool qok;
  /* the worker's side */
  chunk *cur;
  FILE *out; /* writes into cur */
  bool oom;
  bool stopped;   /* the merge stopped taking chunks */
  uint64_t nread; /* frames read, the one being dissected included */
  uint64_t since; /* frames read since the last chunk was sent */
  pthread_t th;
} worker;

static chunk *chunk_new(void) {
  chunk *c = malloc(sizeof *c);
  if (!c)
    return NULL;
  memset(c, 0, offsetof(chunk, frame));
  c->cap = CHUNK_BYTES + 4096;
  c->text = malloc(c->cap);
  c->len = 0;
  c->last = false;
  c->fail = 0;
  c->fail_rc = 0;
  if (!c->text) {
    free(c);
    return NULL;
  }
  return c;
}

static void chunk_free(chunk *c) {
  if (c) {
    free(c->text);
    free(c);
  }
}

/* The worker's FILE: what the printers write goes into the current chunk. */
static ssize_t cookie_write(void *cookie, const char *buf, size_t n) {
  worker *w = cookie;
  chunk *c = w->cur;
  if (!c || w->oom)
    return -1;
  if (c->len + n > c->cap) {
    size_t cap = c->cap;
    while (cap < c->len + n)
      cap *= 2;
    char *t = realloc(c->text, cap);
    if (!t) {
      w->oom = true;
      return -1;
    }
    c->text = t;
    c->cap = cap;
  }
  memcpy(c->text + c->len, buf, n);
  c->len += n;
  return (ssize_t)n;
}

/* Hands the current chunk to the merge (waiting while its queue is
 * full); false if the merge stopped. */
static bool send_chunk(worker *w) {
  chunk *c = w->cur;
  w->cur = NULL;
  if (chunkq_put(&w->q, c) == 0)
    return true;
  chunk_free(c);
  return false;
}

/* Before the worker's session waits for the other parts (a resumed TLS
 * session looked up in the shared cache): the packets it printed so far,
 * and how far it read, handed to the merge, which may need them to let
 * the others on. The frame being dissected is not done: upto is the one
 * before it. */
static void worker_on_wait(void *arg) {
  worker *w = arg;
  chunk *c = w->cur;
  if (!c || w->oom || w->stopped || fflush(w->out) != 0)
    return;
  c->upto = w->nread - 1;
  w->since = 0;
  if (!send_chunk(w)) {
    w->stopped = true;
    return;
  }
  if (!(w->cur = chunk_new()))
    w->oom = true;
}

void cli_frame_meta(dx_capture *cap, dx_session *s, const char **comments, size_t *n) {
  const char *c = NULL;
  size_t nc = 0;
  if (dx_capture_comments(cap, &c, &nc) == DX_OK && nc)
    dx_session_set_comments(s, c, nc);
  if (comments)
    *comments = c, *n = nc;
  dx_iface_info ifi;
  dx_session_set_iface(s, dx_capture_iface(cap, &ifi) == 1 ? &ifi : NULL);
  uint32_t pflags = 0;
  int have_pflags = dx_capture_packet_flags(cap, &pflags) == 1;
  dx_session_set_packet_flags(s, have_pflags, pflags);
  dx_session_set_frame_precision(s, dx_capture_time_precision(cap));
}

static void *worker_run(worker *w) {
  cli_split_part *pt = w->part;
  int fail = 0, fail_rc = 0;
  w->nread = w->since = 0;
  w->cur = chunk_new();
  if (!w->cur) {
    w->oom = true;
    fail = 2;
    fail_rc = DX_ENOMEM;
  }
  while (!fail && !*w->stop_signal && (pt->count < 0 || (long long)w->nread < pt->count)) {
    dx_frame f;
    int r = dx_capture_next(pt->cap, &f);
    if (r == 0)
      break;
    if (r < 0) {
      fail = 1;
      break;
    }
    w->nread++;
    w->since++;
    const char *sec = NULL; /* key logs of secrets blocks before this frame: every part's */
    size_t nsec = 0;
    if (dx_capture_frame_secrets(pt->cap, &sec, &nsec) == DX_OK && nsec)
      dx_session_add_secrets(pt->sess, sec, nsec);
    if (dx_split_part(pt->split, &f) != w->index) {
      dx_session_skip_frame(pt->sess, &f);
    } else {
      cli_frame_meta(pt->cap, pt->sess, NULL, NULL);
      dx_packet *p = NULL;
      int rc = dx_session_dissect(pt->sess, &f, &p);
      if (w->stopped) { /* (the merge stopped while the session waited) */
        dx_packet_free(p);
        return NULL;
      }
      if (rc == DX_OK && !w->cur) /* (no memory for a chunk after a wait) */
        rc = DX_ENOMEM;
      if (rc != DX_OK) {
        dx_packet_free(p);
        w->nread--; /* the packets before it are the merge's */
        fail = 2;
        fail_rc = rc;
        break;
      }
      if (pt->match(pt->ctx, p)) {
        pt->print(pt->ctx, w->out, p);
        if (w->oom) { /* (the one way the chunk's FILE fails) */
          dx_packet_free(p);
          w->nread--;
          fail = 2;
          fail_rc = DX_ENOMEM;
          break;
        }
        chunk *c = w->cur;
        c->frame[c->nrec] = w->nread;
        c->end[c->nrec] = c->len + __fpending(w->out); /* (what the FILE holds) */
        c->nrec++;
      }
      dx_packet_free(p);
    }
    chunk *c = w->cur;
    if (c->len + __fpending(w->out) >= CHUNK_BYTES || c->nrec == CHUNK_RECS ||
        w->since >= CHUNK_FRAMES) {
      if (fflush(w->out) != 0) { /* the text into the chunk */
        fail = 2;
        fail_rc = DX_ENOMEM;
        break;
      }
      c->upto = w->nread;
      w->since = 0;
      if (!send_chunk(w))
        return NULL;
      if (!(w->cur = chunk_new())) {
        w->oom = true;
        fail = 2;
        fail_rc = DX_ENOMEM;
      }
    }
  }
  uint64_t nread = w->nread;
  /* the last chunk says how the worker ended (a small one made if memory
   * ran out for a whole one) */
  chunk *c = w->cur;
  if (c) { /* the text the FILE holds; records whose text did not all come are dropped */
    fflush(w->out);
    size_t keep = c->nrec;
    while (keep && c->end[keep - 1] > c->len)
      keep--;
    if (keep < c->nrec) {
      nread = c->frame[keep] - 1;
      c->nrec = keep;
      fail = 2;
      fail_rc = DX_ENOMEM;
    }
  }
  if (!c && (c = calloc(1, sizeof *c)) == NULL) {
    chunkq_close(&w->q); /* nothing can be said but that */
    return NULL;
  }
  w->cur = c;
  c->last = true;
  c->fail = fail;
  c->fail_rc = fail_rc;
  c->nread = nread;
  c->upto = fail ? nread : UINT64_MAX;
  send_chunk(w);
  return NULL;
}

static void *worker_main(void *arg) {
  worker *w = arg;
  worker_run(w);
  /* the other parts no longer wait for this one */
  dx_split_share_finish(w->part->share, w->index);
  return NULL;
}

int cli_split_run(cli_split_part *parts, unsigned n, FILE *out, volatile sig_atomic_t *stop,
                  cli_split_result *res) {
  memset(res, 0, sizeof *res);
  if (n == 0 || n > CLI_SPLIT_MAX)
    return -1;
  worker ws[CLI_SPLIT_MAX];
  memset(ws, 0, sizeof ws);
  unsigned started = 0;
  int rc = 0;
  for (unsigned i = 0; i < n; i++) {
    worker *w = &ws[i];
    w->part = &parts[i];
    w->index = i;
    w->nparts = n;
    w->stop_signal = stop;
    if (chunkq_init(&w->q, QUEUE_CHUNKS) != 0) {
      rc = -1;
      break;
    }
    w->qok = true;
    if (w->part->share &&
        dx_session_set_split_share(w->part->sess, w->part->share, i, worker_on_wait, w) != DX_OK) {
      rc = -1;
      break;
    }
    cookie_io_functions_t io = {NULL, cookie_write, NULL, NULL};
    w->out = fopencookie(w, "w", io);
    if (!w->out) {
      rc = -1;
      break;
    }
    setvbuf(w->out, NULL, _IOFBF, 64 << 10);
    __fsetlocking(w->out, FSETLOCKING_BYCALLER); /* one thread writes it */
  }
  for (unsigned i = 0; rc == 0 && i < n; i++) {
    if (pthread_create(&ws[i].th, NULL, worker_main, &ws[i]) != 0) {
      rc = -1;
      break;
    }
    started++;
  }
  /* a worker that never ran is one the others must not wait for */
  for (unsigned i = started; i < n; i++)
    dx_split_share_finish(parts[i].share, i);
  int werr = 0;
  /* the merge */
  chunk *cur[CLI_SPLIT_MAX] = {0};
  size_t at[CLI_SPLIT_MAX] = {0};
  uint64_t upto[CLI_SPLIT_MAX] = {0}; /* frames 1..upto are in the chunks taken */
  bool fin[CLI_SPLIT_MAX] = {0};      /* the last chunk is taken */
  uint64_t limit = UINT64_MAX;        /* the first frame a worker failed on */
  while (rc == 0) {
    unsigned pick = n;
    uint64_t min = UINT64_MAX;
    for (unsigned i = 0; i < n; i++)
      if (cur[i] && at[i] < cur[i]->nrec && cur[i]->frame[at[i]] < min) {
        min = cur[i]->frame[at[i]];
        pick = i;
      }
    /* a worker that may still have a packet before min: its next chunk */
    unsigned wait = n;
    for (unsigned i = 0; i < n && wait == n; i++)
      if (!(cur[i] && at[i] < cur[i]->nrec) && !fin[i] && (pick == n || upto[i] < min))
        wait = i;
    if (wait < n) {
      chunk_free(cur[wait]);
      chunk *c = cur[wait] = chunkq_take(&ws[wait].q, -1, NULL);
      at[wait] = 0;
      if (!c) { /* it could not even say how it ended */
        fin[wait] = true;
        if (upto[wait] + 1 < limit) {
          limit = upto[wait] + 1;
          res->fail = 2;
          res->fail_rc = DX_ENOMEM;
          res->fail_part = wait;
        }
        continue;
      }
      upto[wait] = c->upto;
      if (c->last) {
        fin[wait] = true;
        if ((long long)c->nread > res->nread)
          res->nread = (long long)c->nread;
        if (c->fail && c->nread + 1 < limit) {
          limit = c->nread + 1;
          res->fail = c->fail;
          res->fail_rc = c->fail_rc;
          res->fail_part = wait;
        }
      }
      continue;
    }
    if (pick == n || min >= limit)
      break;
    /* pick's packets before the other workers' next one */
    uint64_t bound = limit;
    for (unsigned i = 0; i < n; i++) {
      if (i == pick)
        continue;
      uint64_t b = cur[i] && at[i] < cur[i]->nrec ? cur[i]->frame[at[i]]
                   : fin[i]                       ? UINT64_MAX
                                                  : upto[i] + 1;
      if (b < bound)
        bound = b;
    }
    chunk *c = cur[pick];
    size_t from = at[pick] ? c->end[at[pick] - 1] : 0, k = at[pick];
    while (k < c->nrec && c->frame[k] < bound)
      k++;
    size_t to = c->end[k - 1];
    res->nshown += (long long)(k - at[pick]);
    at[pick] = k;
    if (fwrite(c->text + from, 1, to - from, out) != to - from || ferror(out)) {
      werr = errno; /* (the caller tells EPIPE from the others) */
      break;
    }
  }
  if (limit != UINT64_MAX)
    res->fail_frame = (long long)limit;
  /* stop what runs on, free what is left */
  for (unsigned i = 0; i < started; i++)
    chunkq_stop(&ws[i].q);
  for (unsigned i = 0; i < started; i++) {
    pthread_join(ws[i].th, NULL);
    chunk_free(cur[i]);
    for (chunk *c; (c = chunkq_pop(&ws[i].q));)
      chunk_free(c);
    chunk_free(ws[i].cur);
  }
  for (unsigned i = 0; i < n; i++) {
    if (ws[i].out)
      fclose(ws[i].out);
    if (ws[i].qok)
      chunkq_destroy(&ws[i].q);
  }
  if (werr)
    errno = werr;
  return rc;
}
