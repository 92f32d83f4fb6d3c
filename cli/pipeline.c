/* The hand-over between dissect's two threads (main.c): the reading side
 * (capture, session, display filter, statistics) puts the packets to show
 * here in capture order; the printing side takes them in that order,
 * prints and frees them. Bounded in packets and in bytes, so that memory
 * stays flat whichever side is faster.
 *
 * Wake-ups are batched: a side that waits is woken when the other has
 * filled (or emptied) a good part of the queue, not for every packet, so
 * the two threads do not pay a system call per packet. A printing side
 * that waits for a batch still takes what there is after a few
 * milliseconds, so packets read slowly (a capture piped in as it is made)
 * are printed as they come. */
#include "cli.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

struct cli_pipe {
  pthread_mutex_t mu;
  pthread_cond_t can_put, can_take;
  dx_packet **ring;
  size_t *sizes;
  size_t cap, head, count;
  size_t bytes, max_bytes;
  size_t batch; /* the taker is woken when this many packets wait */
  bool closed, stopped;
  bool putter_waits, taker_waits;
};

/* How long a taker waits for a batch before it takes what there is. */
#define PIPE_LINGER_NS 5000000L

cli_pipe *cli_pipe_new(size_t max_packets, size_t max_bytes, size_t batch) {
  cli_pipe *q = calloc(1, sizeof *q);
  if (!q)
    return NULL;
  q->cap = max_packets ? max_packets : 1;
  q->max_bytes = max_bytes;
  q->batch = batch == 0 ? 1 : batch > q->cap ? q->cap : batch;
  q->ring = calloc(q->cap, sizeof *q->ring);
  q->sizes = calloc(q->cap, sizeof *q->sizes);
  pthread_condattr_t ca;
  bool ok = q->ring && q->sizes && pthread_condattr_init(&ca) == 0;
  if (ok) {
    ok = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 &&
         pthread_cond_init(&q->can_put, &ca) == 0;
    if (ok && pthread_cond_init(&q->can_take, &ca) != 0) {
      pthread_cond_destroy(&q->can_put);
      ok = false;
    }
    pthread_condattr_destroy(&ca);
  }
  if (ok && pthread_mutex_init(&q->mu, NULL) != 0) {
    pthread_cond_destroy(&q->can_put);
    pthread_cond_destroy(&q->can_take);
    ok = false;
  }
  if (!ok) {
    free(q->ring);
    free(q->sizes);
    free(q);
    return NULL;
  }
  return q;
}

void cli_pipe_free(cli_pipe *q) {
  if (!q)
    return;
  for (size_t i = 0; i < q->count; i++) /* left by a taker that gave up */
    dx_packet_free(q->ring[(q->head + i) % q->cap]);
  pthread_mutex_destroy(&q->mu);
  pthread_cond_destroy(&q->can_put);
  pthread_cond_destroy(&q->can_take);
  free(q->ring);
  free(q->sizes);
  free(q);
}

int cli_pipe_put(cli_pipe *q, dx_packet *p, size_t bytes) {
  pthread_mutex_lock(&q->mu);
  /* one packet larger than the byte bound still goes, alone */
  while (!q->stopped && (q->count == q->cap || (q->count && q->bytes + bytes > q->max_bytes))) {
    q->putter_waits = true;
    if (q->taker_waits) /* (waiting for a batch that cannot come) */
      pthread_cond_signal(&q->can_take);
    pthread_cond_wait(&q->can_put, &q->mu);
  }
  q->putter_waits = false;
  if (q->stopped) {
    pthread_mutex_unlock(&q->mu);
    return -1;
  }
  size_t at = (q->head + q->count) % q->cap;
  q->ring[at] = p;
  q->sizes[at] = bytes;
  q->count++;
  q->bytes += bytes;
  if (q->taker_waits &&
      (q->count >= q->batch || q->count == q->cap || q->bytes >= q->max_bytes / 2))
    pthread_cond_signal(&q->can_take);
  pthread_mutex_unlock(&q->mu);
  return 0;
}

void cli_pipe_close(cli_pipe *q) {
  pthread_mutex_lock(&q->mu);
  q->closed = true;
  pthread_cond_signal(&q->can_take);
  pthread_mutex_unlock(&q->mu);
}

void cli_pipe_stop(cli_pipe *q) {
  pthread_mutex_lock(&q->mu);
  q->stopped = true;
  pthread_cond_signal(&q->can_put);
  pthread_mutex_unlock(&q->mu);
}

static void deadline_in(struct timespec *ts, long ns) {
  clock_gettime(CLOCK_MONOTONIC, ts);
  ts->tv_nsec += ns;
  if (ts->tv_nsec >= 1000000000L) {
    ts->tv_sec++;
    ts->tv_nsec -= 1000000000L;
  }
}

size_t cli_pipe_take(cli_pipe *q, dx_packet **out, size_t max) {
  pthread_mutex_lock(&q->mu);
  /* wait for a batch, the end, or (once something is there) a moment;
   * not when the putter waits for room */
  bool lingered = false;
  while (!q->closed && (q->count == 0 || (q->count < q->batch && !lingered && !q->putter_waits))) {
    q->taker_waits = true;
    if (q->count == 0) {
      pthread_cond_wait(&q->can_take, &q->mu);
    } else {
      struct timespec ts;
      deadline_in(&ts, PIPE_LINGER_NS);
      if (pthread_cond_timedwait(&q->can_take, &q->mu, &ts) == ETIMEDOUT)
        lingered = true;
    }
  }
  q->taker_waits = false;
  size_t n = 0;
  while (n < max && q->count) {
    out[n++] = q->ring[q->head];
    q->bytes -= q->sizes[q->head];
    q->head = (q->head + 1) % q->cap;
    q->count--;
  }
  /* the putter goes on once there is room for a batch again */
  if (q->putter_waits && q->count + q->batch <= q->cap &&
      q->bytes + q->max_bytes / 8 <= q->max_bytes)
    pthread_cond_signal(&q->can_put);
  pthread_mutex_unlock(&q->mu);
  return n;
}
