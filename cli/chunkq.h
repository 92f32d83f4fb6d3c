/* A bounded queue of items (chunks of work) between one producer thread
 * and one consumer thread, in order: the hand-over of dissect's split
 * workers (cli/split.c) and of dissect-tui's split index (tui/index.c). The
 * producer waits while it is full, the consumer while it is empty (or
 * until a deadline); either side can end it. */
#ifndef DISSECT_CLI_CHUNKQ_H
#define DISSECT_CLI_CHUNKQ_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#define CHUNKQ_MAX 32

typedef struct chunkq {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  void *item[CHUNKQ_MAX];
  size_t cap, head, count;
  bool stopped; /* the consumer is gone: puts fail */
  bool closed;  /* the producer is done: takes end once it is empty */
} chunkq;

/* cap items at most (1 to CHUNKQ_MAX); 0, or -1 if the lock could not be made. */
int chunkq_init(chunkq *q, size_t cap);
/* Frees the queue, not the items (chunkq_pop() them first). */
void chunkq_destroy(chunkq *q);
/* Appends it, waiting while the queue is full; 0, or -1 if the consumer
 * stopped (it was not taken). */
int chunkq_put(chunkq *q, void *it);
/* The next item, waiting while the queue is empty: without a deadline
 * (timeout_ms < 0) until one comes or the producer closes; else at most
 * timeout_ms milliseconds. NULL if none (*closed says whether none ever
 * will; closed may be NULL). */
void *chunkq_take(chunkq *q, double timeout_ms, bool *closed);
/* The next item without waiting, or NULL (for freeing what is left). */
void *chunkq_pop(chunkq *q);
/* The consumer is gone: a waiting producer wakes, and puts fail. */
void chunkq_stop(chunkq *q);
/* The producer is done: a waiting consumer wakes. */
void chunkq_close(chunkq *q);

#endif
