/* What TLS offers the protocols that carry its handshake without records:
 * QUIC (RFC 9001 4) puts the TLS 1.3 handshake messages in CRYPTO frames
 * and protects its packets itself with keys from the same secrets. */
#ifndef LIBDISSECT_PROTO_TLS_H
#define LIBDISSECT_PROTO_TLS_H

#include "../core/dx.h"

/* The TLS handshake state of one QUIC connection (opaque). */
typedef struct dx_tls_quic dx_tls_quic;

/* A new handshake state; its buffers count against the session's stream
 * byte budget. NULL on OOM. */
dx_tls_quic *dx_tls_quic_new(dx_packet *p);
void dx_tls_quic_free(dx_tls_quic *q); /* NULL is fine */

/* Dissects t, the next in-order CRYPTO stream bytes of one encryption
 * level sent by `sender` (0 client, 1 server), as a TLS layer under
 * parent: "TLSv1.3 Record Layer: Handshake Protocol: ..." as tshark shows
 * it. A handshake message cut across deliveries is kept (bounded, charged
 * to the session's byte budget) until its last bytes come, shown as
 * "(fragment)" and then "(last fragment)" with the reassembled message and
 * its pieces (tls.handshake.fragments), as tshark shows QUIC's. */
void dx_tls_quic_handshake(dx_packet *p, dx_tls_quic *q, int sender, const dx_tvb *t,
                           dx_node *parent);

/* The QUIC version's transport parameters are in the form of drafts
 * before 27 (a 2-byte length of them all, then 2-byte ids and lengths),
 * as tshark 4.0 reads those of drafts up to 26 and Google's T050. */
void dx_tls_quic_set_old_tp(dx_tls_quic *q, bool old);

/* What the handshake told so far: the ClientHello's random (false until
 * seen), the cipher suite the ServerHello chose (0 until seen), the ALPN
 * protocol the server chose ("" until seen). */
bool dx_tls_quic_client_random(const dx_tls_quic *q, uint8_t out[32]);
uint16_t dx_tls_quic_suite(const dx_tls_quic *q);
const char *dx_tls_quic_alpn(const dx_tls_quic *q);

/* The handshake state of one DTLS association (dtls.c), opaque: what the
 * hellos told (the version, the client's direction, JA3). Counts against
 * the session's stream byte budget; NULL when over it or on OOM. */
typedef struct dx_tls_dgram dx_tls_dgram;
dx_tls_dgram *dx_tls_dgram_new(dx_packet *p);
void dx_tls_dgram_free(dx_tls_dgram *d); /* NULL is fine */

/* Dissects one DTLS handshake message (RFC 6347 4.2.2) under parent with
 * the dtls.* fields: t holds its 12-byte header and fragment; body, if
 * not NULL, the whole message body (the fragment itself when it is whole,
 * else the reassembled body) dissected as TLS's (hellos with DTLS's
 * cookie, HelloVerifyRequest, certificates, ...). The tree reads
 * "Handshake Protocol: NAME" + suffix (" (Fragment)", " (Reassembled)").
 * d may be NULL (no state). Returns NAME, a static string. */
const char *dx_tls_dgram_handshake(dx_packet *p, dx_tls_dgram *d, int sender, const dx_tvb *t,
                                   const dx_tvb *body, const char *suffix, dx_node *parent);

/* A heartbeat record (RFC 6520) of len bytes, its body rt, under rec (its
 * record item, labelled "<vs> Record Layer: ..."), as tshark 4.0's TLS
 * (dtls false) or DTLS dissector reads it; fl: the protocol's TLS field
 * table (tls_fields.h). The Info text goes into info. False after tshark's
 * exception (fewer than 3 bytes): the caller's layer ends there. */
bool dx_tls_heartbeat(dx_packet *p, const dx_field *fl, dx_node *rec, const dx_tvb *rt,
                      uint16_t len, const char *vs, bool dtls, bool decrypted, char *info,
                      size_t cap);

#endif
