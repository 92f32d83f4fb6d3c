/* HTTP/2 (RFC 9113): what other dissectors need from proto/http2.c. */
#ifndef LIBDISSECT_PROTO_HTTP2_H
#define LIBDISSECT_PROTO_HTTP2_H

#include "../core/dx.h"

extern const dx_protocol dx_proto_http2;

/* True if the tvb starts with the HTTP/2 client connection preface
 * ("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") or with a prefix of it (when the tvb
 * is shorter than the preface). HTTP/1.x refuses such bytes so that they
 * reach the HTTP/2 heuristic. */
bool dx_http2_is_preface(const dx_tvb *t);

/* Called by HTTP/1.1 on a "101 Switching Protocols" response whose header
 * block (hdr_len bytes at hdr_off in t) says "Upgrade: h2c" (RFC 7540 3.2):
 * the rest of the byte stream is HTTP/2. Does nothing for other upgrades. */
void dx_http2_upgrade(dx_packet *p, const dx_tvb *t, uint32_t hdr_off, uint32_t hdr_len);

/* HTTP/1.1's "HTTP2-Settings" request header (RFC 7540 3.2.1): its
 * base64url value (len bytes at off in t) decoded into a data source and
 * shown as SETTINGS parameters under parent, as tshark shows them. */
void dx_http2_settings_header(dx_packet *p, dx_node *parent, const dx_tvb *t, uint32_t off,
                              uint32_t len);

#endif
