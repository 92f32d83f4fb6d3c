/* What QUIC offers the protocols that ride on its streams (HTTP/3). */
#ifndef LIBDISSECT_PROTO_QUIC_H
#define LIBDISSECT_PROTO_QUIC_H

#include "../core/dx.h"

/* When the bytes being dissected belong to a QUIC stream (p->bstream is
 * one), its id (RFC 9000 2.1: bit 0 the initiator, bit 1 uni/bidi) and a
 * slot for state the application keeps per QUIC connection (HTTP/3's
 * QPACK decoder), freed with *conn_free when the connection goes. Returns
 * false (outputs untouched) otherwise. */
bool dx_quic_stream(const dx_packet *p, uint64_t *id, void ***conn_data,
                    void (***conn_free)(void *));

/* tshark 4.0's name of a QUIC version (its quic_version_vals ranges:
 * "1", "draft-29", "Google Q050", ...), "Unknown" if it has none. */
const char *dx_quic_version_name(uint32_t v);

/* A QUIC variable-length integer (RFC 9000 16) at off of t: its value in
 * *v and its length (1, 2, 4 or 8) in *n; false if the bytes are not all
 * there. HTTP/3 uses the same encoding (RFC 9114 1.2). */
bool dx_quic_varint(const dx_tvb *t, uint32_t off, uint64_t *v, uint32_t *n);

/* For the application on a QUIC stream: appends to the Info column of the
 * QUIC packet being dissected (", SETTINGS"), and marks the datagram as
 * the application's (its Protocol column). No-ops outside QUIC. */
void dx_quic_info_append(dx_packet *p, const char *fmt, ...) DX_PRINTF(2, 3);
void dx_quic_mark_app(dx_packet *p);

/* Header protection and packet protection of QUIC v1 Initial packets
 * (RFC 9001 5.2, 5.4), exposed for the known-answer tests: derives the
 * client's or server's Initial key (16), iv (12) and hp key (16) from the
 * client's first Destination Connection ID. */
bool dx_quic_initial_keys(uint32_t version, const uint8_t *dcid, size_t dcid_len, int server,
                          uint8_t key[16], uint8_t iv[12], uint8_t hp[16]);

#endif
