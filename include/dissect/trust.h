/*
 * libdissect -- certificate trust verdicts.
 *
 * Every server certificate chain a session sees (the TLS 1.2 Certificate
 * message, and the TLS 1.3 one once decrypted) is verified with OpenSSL
 * (X509_verify_cert) against a root store, at the time the packet was
 * captured (not today), for a TLS server (purpose sslserver), and the leaf
 * is checked against the name the client asked for (SNI, X509_check_host).
 * The result is in the tree under the Certificate message:
 *   tls.trust.verdict      trusted, untrusted-root, self-signed, expired,
 *                          not-yet-valid, name-mismatch, incomplete-chain,
 *                          bad-signature, invalid-purpose, invalid (another
 *                          OpenSSL error: see tls.trust.error)
 *   tls.trust.root         subject of the root that anchored the chain
 *   tls.trust.error        OpenSSL's reason when the chain did not verify
 *   tls.trust.store        the store used: system, user, system+user
 *   tls.trust.intercepted  true when the chain is valid only under a root
 *                          the user supplied and not under the system's,
 *                          or when another connection for the same SNI, at
 *                          the same time, showed a leaf of another issuer
 *                          and this connection is the one that was forged
 *   tls.trust.other_leg    tcp.stream of the other connection (the other
 *                          leg of an intercepting proxy)
 * A stapled OCSP response (TLS 1.2's CertificateStatus, TLS 1.3's
 * status_request of the leaf) is matched to the server's certificate by its
 * CertID (the chain must hold the leaf's issuer); under it:
 *   tls.trust.stapled.status  good, revoked, unknown,
 *                          not-for-this-certificate, unmatched,
 *                          responder-error, unreadable (the response's
 *                          signature is not verified)
 *   tls.trust.stapled.reason  the revocation reason (keyCompromise, ...)
 * and risks are expert notes (warn) named tls.risk.*: see README.md.
 *
 * The root store is the system's (the directory /etc/ssl/certs) unless
 * changed here. They may be called at any time: the packets dissected
 * afterwards are judged under the new roots (verdicts remembered for the
 * old ones are forgotten). */
#ifndef DISSECT_TRUST_H
#define DISSECT_TRUST_H

#include <dissect/dissect.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Adds the certificates of a PEM file as trusted roots (`--ca-file`).
 * Returns DX_OK, or DX_ENOFILE with err naming the file and OpenSSL's
 * reason (err may be NULL). */
int dx_session_trust_add_ca_file(dx_session *s, const char *path, char *err, size_t errlen);
/* Adds a directory of roots in OpenSSL's hashed layout (`c_rehash` /
 * `openssl rehash`), looked up as needed (`--ca-path`). Returns DX_OK or
 * DX_ENOFILE if it is not a directory. */
int dx_session_trust_add_ca_path(dx_session *s, const char *dir, char *err, size_t errlen);
/* only != 0: trust only the roots added above, not the system's
 * (`--ca-only`). */
void dx_session_trust_ca_only(dx_session *s, int only);
/* Replaces the system store: a PEM file and/or a hashed directory; both
 * NULL means no system root at all. The default is the directory
 * /etc/ssl/certs. Returns DX_OK or DX_ENOFILE. */
int dx_session_trust_system(dx_session *s, const char *file, const char *dir);

#ifdef __cplusplus
}
#endif

#endif /* DISSECT_TRUST_H */
