/* X.509 certificates decoded once (proto/x509.c), for the dissector and
 * for the trust verdicts (analysis/trust.c). */
#ifndef DX_PROTO_X509_H
#define DX_PROTO_X509_H

#include "../core/dx.h"

#include <openssl/x509.h>

/* The DER certificate der[0..len) decoded by OpenSSL's d2i_X509: a
 * reference the caller X509_free()s, and in *used the bytes it used; NULL
 * if it does not decode. The session keeps the last certificates decoded
 * (a capture sends the same few again and again, and OpenSSL 3 decodes
 * the public key with each), so the same bytes are decoded once. */
X509 *dx_x509_decode(const dx_packet *p, const uint8_t *der, uint32_t len, uint32_t *used);

#endif
