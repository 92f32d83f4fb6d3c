/* Cipher suite parts (key exchange, authentication, cipher, MAC) derived
 * from the IANA suite name; used by tls.c. */
#ifndef LIBDISSECT_PROTO_TLS_CIPHERS_H
#define LIBDISSECT_PROTO_TLS_CIPHERS_H

#include "../core/dx.h"

typedef struct dx_tls_cipher_info {
  bool tls13;
  char kx[24], auth[24], enc[40], mac[16];
  /* the same with an explanation: "ECDHE (ephemeral Elliptic-Curve Diffie-Hellman)" */
  char kx_text[160], auth_text[120], enc_text[160], mac_text[160];
} dx_tls_cipher_info;

/* Fills *out from the registry name of `suite`; false for suites with no
 * parts (unknown values, SCSVs, GREASE). */
bool dx_tls_cipher_parts(uint16_t suite, dx_tls_cipher_info *out);

#endif
