/* What the sessions of one split capture share (dissect.h,
 * dx_split_share): the master secrets of TLS <= 1.2 sessions, so that a
 * session resumed on a connection of one part finds the full handshake
 * another part dissected, and the progress of each part, so that a
 * look-up sees exactly the frames before its own, as one session would.
 *
 * A part that looks up waits until every other part has dissected or
 * skipped the frames before the one it dissects. Parts never wait in a
 * circle: the one that waits is further on than the one it waits for,
 * and the part furthest behind never waits. A program that holds a
 * part's output until the others catch up hands it on first (on_wait). */
#include "share.h"

#include "keylog.h"
#include "session.h"

#include <openssl/crypto.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* twice one session's cache (tls.c, TLS_CACHE): a key put again with
 * another secret takes an entry more */
#define SHARE_CACHE 2048

typedef struct share_entry {
  uint64_t frame; /* the frame that put it */
  uint8_t kind, klen;
  uint8_t key[32];
  uint8_t ms[48];
} share_entry;

/* Each part's progress on a cache line of its own: it is written at every
 * frame and read by the others only when they wait. */
typedef struct share_progress {
  _Atomic uint64_t done; /* frames 1..done dissected or skipped; UINT64_MAX: the part ended */
  char pad[64 - sizeof(uint64_t)];
} share_progress;

struct dx_split_share {
  unsigned nparts;
  share_progress progress[DX_SPLIT_SHARE_MAX];
  _Atomic unsigned waiting; /* parts waiting in share_wait */
  pthread_mutex_t lock;     /* the cache, and the waits */
  pthread_cond_t moved;     /* a part's progress moved while one waited */
  share_entry e[SHARE_CACHE];
  uint32_t next, used;
  _Atomic uint64_t waits; /* how many look-ups had to wait */
};

int dx_split_share_new(dx_split_share **out, unsigned nparts) {
  if (!out)
    return DX_EINVAL;
  *out = NULL;
  if (nparts == 0 || nparts > DX_SPLIT_SHARE_MAX)
    return DX_EINVAL;
  dx_split_share *sh = calloc(1, sizeof *sh);
  if (!sh)
    return DX_ENOMEM;
  sh->nparts = nparts;
  for (unsigned i = 0; i < DX_SPLIT_SHARE_MAX; i++)
    atomic_init(&sh->progress[i].done, i < nparts ? 0 : UINT64_MAX);
  atomic_init(&sh->waiting, 0);
  atomic_init(&sh->waits, 0);
  if (pthread_mutex_init(&sh->lock, NULL) != 0) {
    free(sh);
    return DX_ENOMEM;
  }
  if (pthread_cond_init(&sh->moved, NULL) != 0) {
    pthread_mutex_destroy(&sh->lock);
    free(sh);
    return DX_ENOMEM;
  }
  *out = sh;
  return DX_OK;
}

void dx_split_share_free(dx_split_share *sh) {
  if (!sh)
    return;
  pthread_cond_destroy(&sh->moved);
  pthread_mutex_destroy(&sh->lock);
  OPENSSL_cleanse(sh->e, sizeof sh->e);
  free(sh);
}

uint64_t dx_split_share_waits(const dx_split_share *sh) {
  return sh ? atomic_load(&sh->waits) : 0;
}

int dx_session_set_split_share(dx_session *s, dx_split_share *sh, unsigned part,
                               void (*on_wait)(void *arg), void *arg) {
  if (!s || (sh && part >= sh->nparts))
    return DX_EINVAL;
  s->share = sh;
  s->share_part = part;
  s->share_on_wait = on_wait;
  s->share_arg = arg;
  return DX_OK;
}

/* Part `part` has dissected or skipped frames 1..done. A part that waits
 * has said so (waiting) before it read the progress, and reads it again
 * under the lock before it sleeps: one of the two sides sees the other. */
static void progress_set(dx_split_share *sh, unsigned part, uint64_t done) {
  atomic_store(&sh->progress[part].done, done);
  if (atomic_load(&sh->waiting)) {
    pthread_mutex_lock(&sh->lock);
    pthread_cond_broadcast(&sh->moved);
    pthread_mutex_unlock(&sh->lock);
  }
}

void dx_share_progress(dx_session *s) {
  if (s->share)
    progress_set(s->share, s->share_part, s->nframes);
}

void dx_split_share_finish(dx_split_share *sh, unsigned part) {
  if (sh && part < sh->nparts)
    progress_set(sh, part, UINT64_MAX);
}

/* True if every part but `part` has dissected or skipped frames 1..upto. */
static bool others_done(dx_split_share *sh, unsigned part, uint64_t upto) {
  for (unsigned i = 0; i < sh->nparts; i++)
    if (i != part && atomic_load(&sh->progress[i].done) < upto)
      return false;
  return true;
}

/* Waits until the other parts have the frames before frame `frame`; the
 * lock is held on return. */
static void share_wait(dx_session *s, uint64_t frame) {
  dx_split_share *sh = s->share;
  uint64_t upto = frame ? frame - 1 : 0;
  if (!others_done(sh, s->share_part, upto)) {
    if (s->share_on_wait) /* what this part holds, handed on first */
      s->share_on_wait(s->share_arg);
    pthread_mutex_lock(&sh->lock);
    atomic_fetch_add(&sh->waits, 1);
    atomic_fetch_add(&sh->waiting, 1);
    while (!others_done(sh, s->share_part, upto))
      pthread_cond_wait(&sh->moved, &sh->lock);
    atomic_fetch_sub(&sh->waiting, 1);
    return;
  }
  pthread_mutex_lock(&sh->lock);
}

bool dx_share_tls_active(const dx_packet *p) {
  return p->sess && p->sess->share;
}

/* Every put is kept until the ring passes it (a part further on may put a
 * key again after a frame another part still looks up: the look-up takes
 * the latest before its frame, as one session would have had it); the
 * same key with the same secret again is one entry, at its first frame. */
void dx_share_tls_put(const dx_packet *p, int kind, const uint8_t *key, uint8_t klen,
                      const uint8_t ms[48]) {
  dx_split_share *sh = p->sess->share;
  uint64_t frame = p->num;
  if (klen > sizeof sh->e[0].key)
    return;
  pthread_mutex_lock(&sh->lock);
  for (uint32_t i = 0; i < sh->used; i++) {
    share_entry *e = &sh->e[i];
    if (e->kind == kind && e->klen == klen && memcmp(e->key, key, klen) == 0 &&
        CRYPTO_memcmp(e->ms, ms, 48) == 0) {
      if (frame < e->frame)
        e->frame = frame;
      pthread_mutex_unlock(&sh->lock);
      return;
    }
  }
  share_entry *e = &sh->e[sh->next];
  sh->next = (sh->next + 1) % SHARE_CACHE;
  if (sh->used < SHARE_CACHE)
    sh->used++;
  e->kind = (uint8_t)kind;
  e->klen = klen;
  memcpy(e->key, key, klen);
  e->frame = frame;
  memcpy(e->ms, ms, 48);
  pthread_mutex_unlock(&sh->lock);
}

bool dx_share_tls_get(const dx_packet *p, int kind, const uint8_t *key, uint8_t klen,
                      uint8_t ms[48]) {
  dx_session *s = p->sess;
  dx_split_share *sh = s->share;
  uint64_t frame = p->num;
  /* every part loads the same key log and the same secrets blocks at the
   * same frames: without one line here, no part could have put a secret */
  if (dx_keylog_count(s->keylog) == 0)
    return false;
  share_wait(s, frame);
  const share_entry *best = NULL;
  for (uint32_t i = 0; i < sh->used; i++) {
    const share_entry *e = &sh->e[i];
    /* what a part further on put at or after this frame, one session
     * would not have had yet */
    if (e->kind == kind && e->klen == klen && e->frame < frame &&
        (!best || e->frame > best->frame) && memcmp(e->key, key, klen) == 0)
      best = e;
  }
  if (best)
    memcpy(ms, best->ms, 48);
  pthread_mutex_unlock(&sh->lock);
  return best != NULL;
}
