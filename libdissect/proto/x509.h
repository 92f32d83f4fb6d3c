/* X.509 certificates decoded once (proto/x509.c), for the dissector and
 * for the trust verdicts (analysis/trust.c); and the pieces of PKIX that
 * OCSP (proto/ocsp.c) shows as the certificates do. */
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

/* ---- the bounded DER walker -------------------------------------------- */
/* Where one TLV lies in its view. */
typedef struct dx_der {
  uint32_t off;  /* first byte of the TLV */
  uint32_t hlen; /* tag + length bytes */
  uint32_t clen; /* content length (what the view holds of it when cut) */
  uint32_t want; /* content length the header declares */
  uint8_t tag;
  bool ok;  /* a whole header was read */
  bool cut; /* the contents run past the end they were read within */
} dx_der;

/* The TLV at off that should end by `end`: single-byte tags and definite
 * lengths of at most 4 bytes only (DER). Not ok when its header is not all
 * there or is not DER's; contents that run past `end` are cut there (cut
 * set), as tshark's BER reads on into what there is. */
dx_der dx_der_read(const dx_tvb *t, uint32_t off, uint32_t end);
static inline uint32_t dx_der_content(const dx_der *d) {
  return d->off + d->hlen;
}
static inline uint32_t dx_der_end(const dx_der *d) {
  return d->off + d->hlen + d->clen;
}

/* ---- PKIX types as tshark shows them (items of x509.c's fields) --------- */
/* An AlgorithmIdentifier (the SEQUENCE d): an item of field f over it,
 * labelled "label (name)", and under it "Algorithm Id: 1.2.3 (name)".
 * False if d holds no OID. */
bool dx_x509_algorithm(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                       const dx_der *d, const char *label);
/* A Name (the RDNSequence SEQUENCE d) under parent: "rdnSequence: N items
 * (...)" (x509if.rdnSequence) and its RDNs. False if it does not decode. */
bool dx_x509_rdn_sequence(dx_packet *p, dx_node *parent, const dx_tvb *t, const dx_der *d);
/* A GeneralName (the CHOICE's TLV g) as the CHOICE item of field f (its
 * value the alternative's number) and the name under it. False if g is
 * no GeneralName. */
bool dx_x509_general_name(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                          const dx_der *g);
/* The AccessDescriptions of an AuthorityInfoAccessSyntax (the SEQUENCE OF
 * seq) under parent. False if one does not parse. */
bool dx_x509_access_descriptions(dx_packet *p, dx_node *parent, const dx_tvb *t, const dx_der *seq);
/* A BIT STRING d: its "Padding" item (ber.bitstring.padding) and the bits
 * as field f. */
void dx_x509_bit_string(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                        const dx_der *d);
/* The DER certificate in t under item: decoded as a TLS Certificate
 * message's, item labelled "Certificate (subject)" as tshark labels a
 * certificate that is an ASN.1 element of its own (pkix-cert, OCSP). */
void dx_x509_certificate(dx_packet *p, dx_node *item, const dx_tvb *t);
/* tshark's name of a dotted OID of PKIX (the extensions' and OCSP's): its
 * own name, else its longest named prefix's and the arcs after it. */
void dx_x509_oid_name(const char *dotted, char *buf, size_t len);
/* The dotted text of the OID TLV d; false if it is not one. */
bool dx_der_oid(const dx_tvb *t, const dx_der *d, char *buf, size_t len);

#endif
