/* What the sessions of one split capture share (share.c): private to the
 * library. */
#ifndef LIBDISSECT_CORE_SHARE_H
#define LIBDISSECT_CORE_SHARE_H

#include "dx.h"

/* The session's progress to the other parts of its split capture (after
 * each frame it dissects or skips); nothing without a share. */
void dx_share_progress(dx_session *s);

/* True if p's session shares its TLS session cache with the other parts
 * of a split capture (dx_session_set_split_share). */
bool dx_share_tls_active(const dx_packet *p);
/* Then: the master secret ms of a TLS <= 1.2 session learnt in packet p,
 * by session id or ticket (kind: tls.c's). */
void dx_share_tls_put(const dx_packet *p, int kind, const uint8_t *key, uint8_t klen,
                      const uint8_t ms[48]);
/* The master secret a part put before packet p's frame, after waiting until
 * every other part has dissected or skipped the frames before it. */
bool dx_share_tls_get(const dx_packet *p, int kind, const uint8_t *key, uint8_t klen,
                      uint8_t ms[48]);

#endif
