/* Certificate trust verdicts and TLS risks (analysis/trust.c), called by
 * the TLS dissector at three points of a handshake. Public API and field
 * list: include/dissect/trust.h. */
#ifndef LIBDISSECT_ANALYSIS_TRUST_H
#define LIBDISSECT_ANALYSIS_TRUST_H

#include "../core/dx.h"

/* What a TLS connection remembers for its verdict (kept in tls.c's
 * per-connection state). */
/* A DER OCSP CertID with a 32-byte hash and a 20-byte serial takes 91. */
#define DX_TRUST_CID_MAX 112
typedef struct dx_trust_conn {
  char sni[256]; /* the ClientHello's host_name, raw bytes, NUL-terminated */
  uint16_t sni_len;
  bool have_sni;
  /* the server's certificate's OCSP CertID (SHA-1, SHA-256), set by
   * dx_trust_chain when the chain holds its issuer (length 0: none) */
  uint8_t cid[2][DX_TRUST_CID_MAX];
  uint8_t cid_len[2];
} dx_trust_conn;

/* A host_name of the ClientHello's server_name extension. */
void dx_trust_sni(dx_trust_conn *c, const uint8_t *name, size_t len);
/* After a ClientHello is dissected: the no-SNI risk. */
void dx_trust_client_hello(dx_packet *p, dx_node *hs, const dx_trust_conn *c);
/* After a ServerHello: the risks of the version and cipher suite chosen. */
void dx_trust_server_hello(dx_packet *p, dx_node *hs, uint16_t version, uint16_t suite);
/* A server's Certificate message: n DER certificates, leaf first. Adds the
 * tls.trust subtree and the certificate risks under hs. */
void dx_trust_chain(dx_packet *p, dx_node *hs, dx_trust_conn *c, const uint8_t *const *der,
                    const uint32_t *len, size_t n);
/* A stapled OCSPResponse (DER; a CertificateStatus message): its status for
 * the server's certificate of the last dx_trust_chain (tls.trust.stapled,
 * the revoked and stale-response risks) under parent. The response's
 * signature is not verified. */
void dx_trust_stapled(dx_packet *p, dx_node *parent, const dx_trust_conn *c, const uint8_t *der,
                      uint32_t len);

#endif
