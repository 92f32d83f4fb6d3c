/* The bounded queue between a producer and a consumer thread (chunkq.h). */
#include "chunkq.h"

#include <time.h>

int chunkq_init(chunkq *q, size_t cap) {
  q->cap = cap < 1 ? 1 : cap > CHUNKQ_MAX ? CHUNKQ_MAX : cap;
  q->head = q->count = 0;
  q->stopped = q->closed = false;
  if (pthread_mutex_init(&q->mu, NULL) != 0)
    return -1;
  if (pthread_cond_init(&q->cv, NULL) != 0) {
    pthread_mutex_destroy(&q->mu);
    return -1;
  }
  return 0;
}

void chunkq_destroy(chunkq *q) {
  pthread_mutex_destroy(&q->mu);
  pthread_cond_destroy(&q->cv);
}

int chunkq_put(chunkq *q, void *it) {
  pthread_mutex_lock(&q->mu);
  while (q->count == q->cap && !q->stopped)
    pthread_cond_wait(&q->cv, &q->mu);
  int ok = !q->stopped;
  if (ok) {
    q->item[(q->head + q->count) % q->cap] = it;
    q->count++;
    pthread_cond_broadcast(&q->cv);
  }
  pthread_mutex_unlock(&q->mu);
  return ok ? 0 : -1;
}

static void *pop_locked(chunkq *q) {
  if (!q->count)
    return NULL;
  void *it = q->item[q->head];
  q->head = (q->head + 1) % q->cap;
  q->count--;
  pthread_cond_broadcast(&q->cv);
  return it;
}

void *chunkq_take(chunkq *q, double timeout_ms, bool *closed) {
  struct timespec until;
  if (timeout_ms >= 0) {
    clock_gettime(CLOCK_REALTIME, &until);
    long ns = until.tv_nsec + (long)(timeout_ms * 1e6);
    until.tv_sec += ns / 1000000000L;
    until.tv_nsec = ns % 1000000000L;
  }
  pthread_mutex_lock(&q->mu);
  while (!q->count && !q->closed) {
    if (timeout_ms < 0)
      pthread_cond_wait(&q->cv, &q->mu);
    else if (pthread_cond_timedwait(&q->cv, &q->mu, &until) != 0)
      break;
  }
  void *it = pop_locked(q);
  if (closed)
    *closed = !it && q->closed;
  pthread_mutex_unlock(&q->mu);
  return it;
}

void *chunkq_pop(chunkq *q) {
  pthread_mutex_lock(&q->mu);
  void *it = pop_locked(q);
  pthread_mutex_unlock(&q->mu);
  return it;
}

void chunkq_stop(chunkq *q) {
  pthread_mutex_lock(&q->mu);
  q->stopped = true;
  pthread_cond_broadcast(&q->cv);
  pthread_mutex_unlock(&q->mu);
}

void chunkq_close(chunkq *q) {
  pthread_mutex_lock(&q->mu);
  q->closed = true;
  pthread_cond_broadcast(&q->cv);
  pthread_mutex_unlock(&q->mu);
}
