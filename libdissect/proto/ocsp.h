/* OCSP (RFC 6960), proto/ocsp.c: responses stapled in TLS (tls.c: the
 * CertificateStatus message and TLS 1.3's status_request in a
 * CertificateEntry), requests and responses as HTTP bodies (http.c), and
 * OCSP's own certificate extensions (x509.c). */
#ifndef DX_PROTO_OCSP_H
#define DX_PROTO_OCSP_H

#include "../core/dx.h"
#include "x509.h"

/* Bounds on one OCSP message: nesting walked, and items added (a
 * response listing thousands of certificates stops with a note). */
#define DX_OCSP_MAX_DEPTH 16
#define DX_OCSP_MAX_ITEMS 4000u

/* An OCSPResponse (DER) in t[off, off + len) as tshark's TLS shows a
 * stapled one: an item "OCSP Response" (the ocsp protocol's field) under
 * parent with the response under it. Returns the item. DER that runs out
 * is tshark's exception ("[Malformed Packet: OCSP]"); true is returned then
 * in *stop (the TLS layer ends there, as tshark's does). */
dx_node *dx_ocsp_stapled(dx_packet *p, dx_node *parent, const dx_tvb *t, uint32_t off, uint32_t len,
                         bool *stop);

/* An HTTP body of application/ocsp-request (request true) or
 * application/ocsp-response: tshark's "Online Certificate Status Protocol"
 * layer under parent. The Protocol column becomes "OCSP" and Info
 * "Request" or "Response" (written by the caller: *info). */
void dx_ocsp_body(dx_packet *p, dx_node *parent, const dx_tvb *b, bool request);

/* The value of an extension whose OID (dotted) is one of OCSP's
 * (1.3.6.1.5.5.7.48.1.x: nonce, crl, response, nocheck, archive-cutoff,
 * service-locator), from the extnValue OCTET STRING v, under en; false
 * (nothing added) for another OID. */
bool dx_ocsp_extension_value(dx_packet *p, dx_node *en, const dx_tvb *t, const char *dotted,
                             const dx_der *v);

#endif
