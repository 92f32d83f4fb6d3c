/* Online Certificate Status Protocol (RFC 6960), as tshark 4.0 shows it:
 * a response stapled in TLS (the CertificateStatus message, RFC 6066 8,
 * and its list, RFC 6961; TLS 1.3's status_request in a CertificateEntry,
 * RFC 8446 4.4.2.1) and requests and responses as HTTP bodies
 * (application/ocsp-request, application/ocsp-response).
 *
 * The ASN.1 is walked with x509.c's bounded DER reader; names, algorithm
 * identifiers, general names and certificates are shown by x509.c as
 * under a TLS Certificate message. As tshark's BER, a TLV whose contents
 * run past the bytes there are is still entered; a primitive value that
 * runs out is tshark's exception ("[Malformed Packet: OCSP]") and ends the
 * dissection, what came before staying. A tag where the structure wants
 * another one is noted as malformed (tshark writes a "BER Error" there).
 * The structure is fixed (no recursion), and the items one message adds
 * are bounded (DX_OCSP_MAX_ITEMS). */
#include "ocsp.h"
#include "../core/dx.h"
#include "x509.h"

#include <stdio.h>
#include <string.h>

enum {
  F_OCSP,
  F_RESP_STATUS,
  F_RESP_BYTES,
  F_RESP_TYPE_ID,
  F_BASIC,
  F_TBS_RESP,
  F_VERSION,
  F_RESPONDER_ID,
  F_BY_NAME,
  F_BY_KEY,
  F_PRODUCED_AT,
  F_RESPONSES,
  F_SINGLE,
  F_CERT_ID,
  F_HASH_ALG,
  F_NAME_HASH,
  F_KEY_HASH,
  F_SERIAL,
  F_CERT_STATUS,
  F_GOOD,
  F_REVOKED,
  F_UNKNOWN,
  F_REV_TIME,
  F_REV_REASON,
  F_THIS_UPDATE,
  F_NEXT_UPDATE,
  F_SINGLE_EXTS,
  F_RESP_EXTS,
  F_SIG_ALG,
  F_SIGNATURE,
  F_CERTS,
  F_CERT,
  F_TBS_REQ,
  F_OPT_SIG,
  F_REQUESTOR,
  F_REQ_LIST,
  F_REQUEST,
  F_REQ_CERT,
  F_SINGLE_REQ_EXTS,
  F_REQ_EXTS,
  F_NONCE,
  F_NULL,
  F_CUTOFF,
  F_ACCEPTABLE,
  F_ACCEPTABLE_ITEM,
  F_CRLID,
  F_CRL_URL,
  F_CRL_NUM,
  F_CRL_TIME,
  F_LOCATOR_ELEM,
  F_LOC_ISSUER,
  F_LOCATOR,
  F_EXT,
  F_EXT_ID,
  F_EXT_CRITICAL,
  F_CRL_REASON,
  F_INVALIDITY,
  F_OID_UNKNOWN,
  F_LIMIT,
  F_BER_ERROR,
};

static const dx_vals status_vals[] = {
    {0, "successful"}, {1, "malformedRequest"}, {2, "internalError"},
    {3, "tryLater"},   {5, "sigRequired"},      {6, "unauthorized"},
    {0, NULL}};
static const dx_vals version_vals[] = {{0, "v1"}, {0, NULL}};
static const dx_vals responder_vals[] = {{1, "byName"}, {2, "byKey"}, {0, NULL}};
static const dx_vals cert_status_vals[] = {{0, "good"}, {1, "revoked"}, {2, "unknown"}, {0, NULL}};
/* CRLReason (RFC 5280 5.3.1) */
static const dx_vals reason_vals[] = {{0, "unspecified"},
                                      {1, "keyCompromise"},
                                      {2, "cACompromise"},
                                      {3, "affiliationChanged"},
                                      {4, "superseded"},
                                      {5, "cessationOfOperation"},
                                      {6, "certificateHold"},
                                      {8, "removeFromCRL"},
                                      {9, "privilegeWithdrawn"},
                                      {10, "aACompromise"},
                                      {0, NULL}};
/* (OCSP's revocationReason spells the last one as tshark's OCSP does) */
static const dx_vals rev_reason_vals[] = {{0, "unspecified"},
                                          {1, "keyCompromise"},
                                          {2, "cACompromise"},
                                          {3, "affiliationChanged"},
                                          {4, "superseded"},
                                          {5, "cessationOfOperation"},
                                          {6, "certificateHold"},
                                          {8, "removeFromCRL"},
                                          {9, "privilegeWithdrawn"},
                                          {10, "aaCompromise"},
                                          {0, NULL}};
static const dx_vals gname_vals[] = {{0, "otherName"},
                                     {1, "rfc822Name"},
                                     {2, "dNSName"},
                                     {3, "x400Address"},
                                     {4, "directoryName"},
                                     {5, "ediPartyName"},
                                     {6, "uniformResourceIdentifier"},
                                     {7, "iPAddress"},
                                     {8, "registeredID"},
                                     {0, NULL}};
static const dx_vals bool_vals[] = {{0, "False"}, {1, "True"}, {0, NULL}};

#define FN(a, l) DX_F(a, l, DX_FT_NONE, DX_BASE_NONE)
#define FB(a, l) DX_F(a, l, DX_FT_BYTES, DX_BASE_NONE)
#define FS(a, l) DX_F(a, l, DX_FT_STRING, DX_BASE_NONE)
#define FU(a, l) DX_F(a, l, DX_FT_UINT32, DX_BASE_DEC)
#define FT(a, l) DX_F(a, l, DX_FT_ABSTIME, DX_BASE_UTC)

static const dx_field ocsp_fields[] = {
    [F_OCSP] = DX_F("ocsp", "Online Certificate Status Protocol", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_RESP_STATUS] =
        DX_FV("ocsp.responseStatus", "responseStatus", DX_FT_UINT32, DX_BASE_DEC, status_vals),
    [F_RESP_BYTES] = FN("ocsp.responseBytes_element", "responseBytes"),
    [F_RESP_TYPE_ID] = FS("ocsp.responseType.id", "ResponseType Id"),
    [F_BASIC] = FN("ocsp.BasicOCSPResponse_element", "BasicOCSPResponse"),
    [F_TBS_RESP] = FN("ocsp.tbsResponseData_element", "tbsResponseData"),
    [F_VERSION] = DX_FV("ocsp.version", "version", DX_FT_INT32, DX_BASE_DEC, version_vals),
    [F_RESPONDER_ID] =
        DX_FV("ocsp.responderID", "responderID", DX_FT_UINT32, DX_BASE_DEC, responder_vals),
    [F_BY_NAME] = FU("ocsp.byName", "byName"),
    [F_BY_KEY] = FB("ocsp.byKey", "byKey"),
    [F_PRODUCED_AT] = FT("ocsp.producedAt", "producedAt"),
    [F_RESPONSES] = FU("ocsp.responses", "responses"),
    [F_SINGLE] = FN("ocsp.SingleResponse_element", "SingleResponse"),
    [F_CERT_ID] = FN("ocsp.certID_element", "certID"),
    [F_HASH_ALG] = FN("ocsp.hashAlgorithm_element", "hashAlgorithm"),
    [F_NAME_HASH] = FB("ocsp.issuerNameHash", "issuerNameHash"),
    [F_KEY_HASH] = FB("ocsp.issuerKeyHash", "issuerKeyHash"),
    [F_SERIAL] = FB("ocsp.serialNumber", "serialNumber"),
    [F_CERT_STATUS] =
        DX_FV("ocsp.certStatus", "certStatus", DX_FT_UINT32, DX_BASE_DEC, cert_status_vals),
    [F_GOOD] = FN("ocsp.good_element", "good"),
    [F_REVOKED] = FN("ocsp.revoked_element", "revoked"),
    [F_UNKNOWN] = FN("ocsp.unknown_element", "unknown"),
    [F_REV_TIME] = FT("ocsp.revocationTime", "revocationTime"),
    [F_REV_REASON] = DX_FV("ocsp.revocationReason", "revocationReason", DX_FT_UINT32, DX_BASE_DEC,
                           rev_reason_vals),
    [F_THIS_UPDATE] = FT("ocsp.thisUpdate", "thisUpdate"),
    [F_NEXT_UPDATE] = FT("ocsp.nextUpdate", "nextUpdate"),
    [F_SINGLE_EXTS] = FU("ocsp.singleExtensions", "singleExtensions"),
    [F_RESP_EXTS] = FU("ocsp.responseExtensions", "responseExtensions"),
    [F_SIG_ALG] = FN("ocsp.signatureAlgorithm_element", "signatureAlgorithm"),
    [F_SIGNATURE] = FB("ocsp.signature", "signature"),
    [F_CERTS] = FU("ocsp.certs", "certs"),
    [F_CERT] = FN("ocsp.Certificate_element", "Certificate"),
    [F_TBS_REQ] = FN("ocsp.tbsRequest_element", "tbsRequest"),
    [F_OPT_SIG] = FN("ocsp.optionalSignature_element", "optionalSignature"),
    [F_REQUESTOR] =
        DX_FV("ocsp.requestorName", "requestorName", DX_FT_UINT32, DX_BASE_DEC, gname_vals),
    [F_REQ_LIST] = FU("ocsp.requestList", "requestList"),
    [F_REQUEST] = FN("ocsp.Request_element", "Request"),
    [F_REQ_CERT] = FN("ocsp.reqCert_element", "reqCert"),
    [F_SINGLE_REQ_EXTS] = FU("ocsp.singleRequestExtensions", "singleRequestExtensions"),
    [F_REQ_EXTS] = FU("ocsp.requestExtensions", "requestExtensions"),
    [F_NONCE] = FB("ocsp.ReOcspNonce", "ReOcspNonce"),
    [F_NULL] = FN("ocsp.NULL_element", "NULL"),
    [F_CUTOFF] = FT("ocsp.ArchiveCutoff", "ArchiveCutoff"),
    [F_ACCEPTABLE] = FU("ocsp.AcceptableResponses", "AcceptableResponses"),
    [F_ACCEPTABLE_ITEM] = FS("ocsp.AcceptableResponses_item", "AcceptableResponses item"),
    [F_CRLID] = FN("ocsp.CrlID_element", "CrlID"),
    [F_CRL_URL] = FS("ocsp.crlUrl", "crlUrl"),
    [F_CRL_NUM] = DX_F("ocsp.crlNum", "crlNum", DX_FT_INT32, DX_BASE_DEC),
    [F_CRL_TIME] = FT("ocsp.crlTime", "crlTime"),
    [F_LOCATOR_ELEM] = FN("ocsp.ServiceLocator_element", "ServiceLocator"),
    [F_LOC_ISSUER] = FU("ocsp.issuer", "issuer"),
    [F_LOCATOR] = FU("ocsp.locator", "locator"),
    /* OCSP's Extensions are PKIX1Explicit88's (tshark's pkix1explicit) */
    [F_EXT] = FN("pkix1explicit.Extension_element", "Extension"),
    [F_EXT_ID] = FS("pkix1explicit.id", "Id"),
    [F_EXT_CRITICAL] =
        DX_FV("pkix1explicit.critical", "critical", DX_FT_BOOL, DX_BASE_NONE, bool_vals),
    /* the certificate extensions an OCSP response carries (x509ce's) */
    [F_CRL_REASON] = DX_FV("x509ce.CRLReason", "CRLReason", DX_FT_UINT32, DX_BASE_DEC, reason_vals),
    [F_INVALIDITY] = FT("x509ce.invalidityDate", "invalidityDate"),
    /* BER's note on a value of an OID it has no dissector for */
    [F_OID_UNKNOWN] = FN("ber.error.oid_not_implemented",
                         "BER: Dissector for OID not implemented. Contact Wireshark developers if "
                         "you want this supported"),
    [F_LIMIT] = FN("ocsp.limit", "OCSP item limit"),
    /* a tag the structure does not want there (tshark's BER writes its own
     * "BER Error" then, a warning: the packet is not malformed for it) */
    [F_BER_ERROR] = FN("ocsp.ber_error", "BER Error"),
};

#define FL(i) (&ocsp_fields[(i)])

const dx_protocol dx_proto_ocsp = {
    .name = "ocsp",
    .label = "Online Certificate Status Protocol",
    .fields = ocsp_fields,
    .nfields = DX_ARRAY_LEN(ocsp_fields),
};

/* ---- the walk ---------------------------------------------------------- */
typedef struct oc {
  dx_packet *p;
  const dx_tvb *t;
  dx_node *top;   /* the OCSP item (notes on limits go there) */
  bool stop;      /* nothing more is added */
  bool thrown;    /* ... because bytes ran out: tshark's exception */
  unsigned items; /* items added so far (DX_OCSP_MAX_ITEMS) */
} oc;

/* The elements of a constructed TLV: [pos, end), cut when the TLV's
 * contents ran past the bytes there are. */
typedef struct oit {
  uint32_t pos, end;
  bool cut;
} oit;

static oit oc_in(const dx_der *d) {
  oit it = {dx_der_content(d), dx_der_end(d), d->cut};
  return it;
}

static void oc_throw(oc *c) {
  if (!c->stop)
    c->thrown = true;
  c->stop = true;
}

static void oc_bad(oc *c, dx_node *n, const char *what) {
  if (c->stop)
    return;
  dx_expert(c->p, n ? n : c->top, FL(F_BER_ERROR), DX_SEV_WARN, "BER Error: %s", what);
  c->stop = true;
}

/* One more item may be added. */
static bool oc_room(oc *c) {
  if (c->stop)
    return false;
  if (++c->items > DX_OCSP_MAX_ITEMS) {
    dx_expert(c->p, c->top, FL(F_LIMIT), DX_SEV_WARN,
              "OCSP: more than %u items in one message; the rest is not shown", DX_OCSP_MAX_ITEMS);
    c->stop = true;
    return false;
  }
  return true;
}

/* The next element of it, which must be there with tag `tag` (parent n
 * takes the note when it is not). */
static bool oc_elem(oc *c, oit *it, dx_node *n, uint8_t tag, const char *what, dx_der *out) {
  if (c->stop)
    return false;
  if (it->pos >= it->end) {
    if (it->cut)
      oc_throw(c);
    else
      oc_bad(c, n, what);
    return false;
  }
  dx_der d = dx_der_read(c->t, it->pos, it->end);
  if (!d.ok) {
    if (it->cut || it->end >= c->t->len)
      oc_throw(c);
    else
      oc_bad(c, n, what);
    return false;
  }
  if (d.tag != tag) {
    bool first = !c->stop;
    oc_bad(c, n, what);
    if (first && d.cut) /* (and reading it on runs out: the exception too) */
      c->thrown = true;
    return false;
  }
  it->pos = dx_der_end(&d);
  *out = d;
  return true;
}

/* The next element of it if it is there with tag `tag`. */
static bool oc_opt(oc *c, oit *it, uint8_t tag, dx_der *out) {
  if (c->stop || it->pos >= it->end)
    return false;
  dx_der d = dx_der_read(c->t, it->pos, it->end);
  if (!d.ok && (it->cut || it->end >= c->t->len))
    oc_throw(c); /* (a header cut short) */
  if (!d.ok || d.tag != tag)
    return false;
  it->pos = dx_der_end(&d);
  *out = d;
  return true;
}

/* A primitive's contents must all be there. */
static bool oc_whole(oc *c, const dx_der *d) {
  if (d->cut)
    oc_throw(c);
  return !c->stop;
}

/* The single element an EXPLICIT tag [n] wraps. */
static bool oc_explicit(oc *c, const dx_der *tagged, dx_node *n, uint8_t tag, const char *what,
                        dx_der *out) {
  oit in = oc_in(tagged);
  return oc_elem(c, &in, n, tag, what, out);
}

#define ALL(d) (d)->off, (d)->hlen + (d)->clen
#define CONTENTS(d) dx_der_content(d), (d)->clen

static dx_node *oc_none(oc *c, dx_node *parent, int f, const dx_der *d) {
  return oc_room(c) ? dx_add_none(c->p, parent, FL(f), c->t, ALL(d)) : NULL;
}

/* An INTEGER or ENUMERATED of up to 4 bytes, as unsigned. */
static bool oc_small_int(oc *c, const dx_der *d, uint32_t *v, bool *neg) {
  *v = 0;
  *neg = false;
  if (!oc_whole(c, d) || d->clen < 1 || d->clen > 4)
    return false;
  for (uint32_t i = 0; i < d->clen; i++) {
    uint8_t b = 0;
    dx_get_u8(c->t, dx_der_content(d) + i, &b);
    if (i == 0 && (b & 0x80))
      *neg = true;
    *v = *v << 8 | b;
  }
  return true;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const uint8_t *s, int n) {
  int v = 0;
  for (int i = 0; i < n; i++)
    v = v * 10 + (s[i] - '0');
  return v;
}

/* A GeneralizedTime "YYYYMMDDHHMMSS[.fff]Z" (RFC 5280 4.1.2.5.2). */
static bool gentime(const uint8_t *s, uint32_t n, int64_t *sec, int32_t *nsec) {
  if (n < 15 || s[n - 1] != 'Z')
    return false;
  for (int i = 0; i < 14; i++)
    if (s[i] < '0' || s[i] > '9')
      return false;
  int y = digits(s, 4), mo = digits(s + 4, 2), d = digits(s + 6, 2), h = digits(s + 8, 2),
      mi = digits(s + 10, 2), se = digits(s + 12, 2);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
    return false;
  int32_t ns = 0;
  if (n > 15) {
    if (s[14] != '.' || n < 17)
      return false;
    int32_t scale = 100000000;
    for (uint32_t i = 15; i < n - 1; i++) {
      if (s[i] < '0' || s[i] > '9')
        return false;
      ns += (s[i] - '0') * scale;
      scale /= 10;
    }
  }
  *sec = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se;
  *nsec = ns;
  return true;
}

/* A GeneralizedTime item of field f over d's contents. */
static void oc_time(oc *c, dx_node *parent, int f, const dx_der *d) {
  if (!oc_whole(c, d))
    return;
  const uint8_t *s = dx_get_ptr(c->t, dx_der_content(d), d->clen);
  int64_t sec = 0;
  int32_t ns = 0;
  if (!s || !gentime(s, d->clen, &sec, &ns)) {
    oc_bad(c, parent, "a GeneralizedTime that does not read as one");
    return;
  }
  if (oc_room(c))
    dx_add_time(c->p, parent, FL(f), c->t, CONTENTS(d), sec, ns);
}

/* An OCTET STRING item of field f over d's contents (cut short: over the
 * bytes there are, then the exception, as tshark's BER). */
static dx_node *oc_octets(oc *c, dx_node *parent, int f, const dx_der *d) {
  if (!oc_room(c))
    return NULL;
  dx_node *n = dx_add_bytes(c->p, parent, FL(f), c->t, CONTENTS(d));
  if (d->cut)
    oc_throw(c);
  return n;
}

/* "label: N item(s)" over the contents of the SEQUENCE OF d. As tshark's
 * BER, the elements are counted first, by their headers, up to the end d
 * declares: a header that is not there (d cut short) is the exception,
 * before the item. */
static dx_node *oc_seq_of(oc *c, dx_node *parent, int f, const dx_der *d, const char *label) {
  if (c->stop)
    return NULL;
  unsigned n = 0;
  uint64_t pos = dx_der_content(d), end = (uint64_t)dx_der_content(d) + d->want;
  while (pos < end && n < 100000) {
    dx_der e = pos < c->t->len ? dx_der_read(c->t, (uint32_t)pos, c->t->len) : (dx_der){0};
    if (!e.ok) {
      if (d->cut)
        oc_throw(c);
      break;
    }
    n++;
    pos += (uint64_t)e.hlen + e.want;
  }
  if (!oc_room(c))
    return NULL;
  dx_node *g = dx_add_uint(c->p, parent, FL(f), c->t, CONTENTS(d), n);
  dx_node_set_text(c->p, g, "%s: %u item%s", label, n, n == 1 ? "" : "s");
  return g ? g : parent;
}

static void oc_serial(oc *c, dx_node *parent, int f, const dx_der *d) {
  dx_node *n = oc_octets(c, parent, f, d);
  if (!n || !n->v.b.p || !dx_label_wanted(c->p, n))
    return;
  char hex[80];
  uint32_t lim = n->v.b.len > 36 ? 36 : n->v.b.len;
  for (uint32_t i = 0; i < lim; i++)
    snprintf(hex + 2 * i, sizeof hex - 2 * i, "%02x", n->v.b.p[i]);
  hex[2 * lim] = 0;
  dx_node_set_text(c->p, n, "%s: 0x%s%s", n->field->label, hex,
                   lim < n->v.b.len ? "\xe2\x80\xa6" : "");
}

/* An AlgorithmIdentifier item of field f ("label (name)"). */
static void oc_alg(oc *c, dx_node *parent, int f, const dx_der *d, const char *label) {
  if (!oc_room(c))
    return;
  if (d->cut) {
    dx_node *n = dx_add_none(c->p, parent, FL(f), c->t, ALL(d));
    (void)n;
    oc_throw(c);
    return;
  }
  if (!dx_x509_algorithm(c->p, parent, FL(f), c->t, d, label))
    oc_bad(c, parent, "an AlgorithmIdentifier that does not decode");
}

/* CertID (RFC 6960 4.1.1) */
static void oc_certid(oc *c, dx_node *parent, int f, const dx_der *d) {
  dx_node *n = oc_none(c, parent, f, d);
  oit in = oc_in(d);
  dx_der a, nh, kh, sn;
  if (oc_elem(c, &in, n, 0x30, "CertID without its hashAlgorithm", &a))
    oc_alg(c, n, F_HASH_ALG, &a, "hashAlgorithm");
  if (oc_elem(c, &in, n, 0x04, "CertID without its issuerNameHash", &nh))
    oc_octets(c, n, F_NAME_HASH, &nh);
  if (oc_elem(c, &in, n, 0x04, "CertID without its issuerKeyHash", &kh))
    oc_octets(c, n, F_KEY_HASH, &kh);
  if (oc_elem(c, &in, n, 0x02, "CertID without its serialNumber", &sn))
    oc_serial(c, n, F_SERIAL, &sn);
}

/* ---- extensions -------------------------------------------------------- */
static void oc_unknown_oid(oc *c, dx_node *parent, const dx_der *v) {
  if (!oc_room(c))
    return;
  dx_node *u = dx_add_none(c->p, parent, FL(F_OID_UNKNOWN), c->t, ALL(v));
  dx_expert(c->p, u, FL(F_OID_UNKNOWN), DX_SEV_WARN, "%s", FL(F_OID_UNKNOWN)->label);
}

/* The value (the TLV v) of an extension of OID dotted, under en. False if
 * the OID is none this file knows. */
static bool oc_ext_value(oc *c, dx_node *en, const char *dotted, const dx_der *v) {
  dx_packet *p = c->p;
  const dx_tvb *t = c->t;
  if (!strcmp(dotted, "1.3.6.1.5.5.7.48.1.2")) { /* nonce */
    if (v->tag != 0x04)
      oc_bad(c, en, "a nonce that is not an OCTET STRING");
    else
      oc_octets(c, en, F_NONCE, v);
  } else if (!strcmp(dotted, "1.3.6.1.5.5.7.48.1.5")) { /* nocheck */
    if (v->tag == 0x05 && oc_room(c))
      dx_add_none(p, en, FL(F_NULL), t, CONTENTS(v));
  } else if (!strcmp(dotted, "1.3.6.1.5.5.7.48.1.6")) { /* archive cutoff */
    if (v->tag == 0x18)
      oc_time(c, en, F_CUTOFF, v);
  } else if (!strcmp(dotted, "1.3.6.1.5.5.7.48.1.4")) { /* acceptable responses */
    dx_node *g = v->tag == 0x30 ? oc_seq_of(c, en, F_ACCEPTABLE, v, "AcceptableResponses") : NULL;
    oit in = oc_in(v);
    while (g && in.pos < in.end && !c->stop) {
      dx_der o;
      char d[160], nm[200];
      if (!oc_elem(c, &in, g, 0x06, "AcceptableResponses: not an OID", &o) || !oc_whole(c, &o))
        break;
      if (!dx_der_oid(t, &o, d, sizeof d)) {
        oc_bad(c, g, "an OID that does not decode");
        break;
      }
      dx_x509_oid_name(d, nm, sizeof nm);
      if (!oc_room(c))
        break;
      dx_node *i = dx_add_string(p, g, FL(F_ACCEPTABLE_ITEM), t, CONTENTS(&o), d, strlen(d));
      dx_node_set_text(p, i, "AcceptableResponses item: %s (%s)", d, nm);
    }
  } else if (!strcmp(dotted, "1.3.6.1.5.5.7.48.1.3")) { /* CrlID */
    dx_node *n = v->tag == 0x30 ? oc_none(c, en, F_CRLID, v) : NULL;
    oit in = oc_in(v);
    dx_der e, x;
    if (n && oc_opt(c, &in, 0xa0, &e) && oc_explicit(c, &e, n, 0x16, "crlUrl", &x) &&
        oc_whole(c, &x) && oc_room(c)) {
      const uint8_t *s = dx_get_ptr(t, CONTENTS(&x));
      dx_add_string(p, n, FL(F_CRL_URL), t, CONTENTS(&x),
                    (const char *)(s ? s : (const uint8_t *)""), s ? x.clen : 0);
    }
    uint32_t num;
    bool neg;
    if (n && oc_opt(c, &in, 0xa1, &e) && oc_explicit(c, &e, n, 0x02, "crlNum", &x) &&
        oc_small_int(c, &x, &num, &neg) && oc_room(c))
      dx_add_int(p, n, FL(F_CRL_NUM), t, CONTENTS(&x),
                 neg ? (int64_t)num - ((int64_t)1 << (8 * x.clen)) : (int64_t)num);
    if (n && oc_opt(c, &in, 0xa2, &e) && oc_explicit(c, &e, n, 0x18, "crlTime", &x))
      oc_time(c, n, F_CRL_TIME, &x);
  } else if (!strcmp(dotted, "1.3.6.1.5.5.7.48.1.7")) { /* service locator */
    dx_node *n = v->tag == 0x30 ? oc_none(c, en, F_LOCATOR_ELEM, v) : NULL;
    oit in = oc_in(v);
    dx_der nm, loc;
    if (n && oc_elem(c, &in, n, 0x30, "ServiceLocator without its issuer", &nm) && oc_room(c)) {
      dx_node *is = dx_add_uint(p, n, FL(F_LOC_ISSUER), t, ALL(&nm), 0);
      if (!dx_x509_rdn_sequence(p, is, t, &nm))
        oc_bad(c, is, "an issuer name that does not decode");
    }
    if (n && oc_opt(c, &in, 0x30, &loc)) {
      dx_node *g = oc_seq_of(c, n, F_LOCATOR, &loc, "locator");
      if (g && !dx_x509_access_descriptions(p, g, t, &loc))
        oc_bad(c, g, "an AccessDescription that does not decode");
    }
  } else if (!strcmp(dotted, "2.5.29.21")) { /* CRL reason code */
    uint32_t r;
    bool neg;
    if (v->tag == 0x0a && oc_small_int(c, v, &r, &neg) && oc_room(c))
      dx_add_uint(p, en, FL(F_CRL_REASON), t, CONTENTS(v), r);
  } else if (!strcmp(dotted, "2.5.29.24")) { /* invalidity date */
    if (v->tag == 0x18)
      oc_time(c, en, F_INVALIDITY, v);
  } else {
    return false;
  }
  return true;
}

bool dx_ocsp_extension_value(dx_packet *p, dx_node *en, const dx_tvb *t, const char *dotted,
                             const dx_der *v) {
  if (strncmp(dotted, "1.3.6.1.5.5.7.48.1.", 19) != 0)
    return false;
  oc c = {p, t, en, false, false, 0};
  dx_der in = dx_der_read(t, dx_der_content(v), dx_der_end(v));
  if (!in.ok || in.cut)
    return false;
  return oc_ext_value(&c, en, dotted, &in);
}

/* Extensions (a SEQUENCE OF Extension, the TLV d) as "label: N items". */
static void oc_extensions(oc *c, dx_node *parent, int f, const dx_der *d, const char *label) {
  dx_node *g = oc_seq_of(c, parent, f, d, label);
  oit in = oc_in(d);
  while (g && in.pos < in.end && !c->stop) {
    dx_der e, o, crit, val;
    if (!oc_elem(c, &in, g, 0x30, "an Extension that is not a SEQUENCE", &e))
      break;
    dx_node *en = oc_none(c, g, F_EXT, &e);
    oit ei = oc_in(&e);
    char dotted[160], nm[200];
    if (!oc_elem(c, &ei, en, 0x06, "an Extension without its extnID", &o) || !oc_whole(c, &o))
      break;
    if (!dx_der_oid(c->t, &o, dotted, sizeof dotted)) {
      oc_bad(c, en, "an extnID that does not decode");
      break;
    }
    dx_x509_oid_name(dotted, nm, sizeof nm);
    if (!strcmp(dotted, "2.5.29.21"))
      snprintf(nm, sizeof nm, "id-ce-reasonCode");
    else if (!strcmp(dotted, "2.5.29.24"))
      snprintf(nm, sizeof nm, "id-ce-invalidityDate");
    if (!oc_room(c))
      break;
    dx_node *on = dx_add_string(c->p, en, FL(F_EXT_ID), c->t, CONTENTS(&o), dotted, strlen(dotted));
    dx_node_set_text(c->p, on, "Id: %s (%s)", dotted, nm);
    if (oc_opt(c, &ei, 0x01, &crit) && oc_whole(c, &crit) && crit.clen == 1 && oc_room(c)) {
      uint8_t b = 0;
      dx_get_u8(c->t, dx_der_content(&crit), &b);
      dx_add_uint(c->p, en, FL(F_EXT_CRITICAL), c->t, CONTENTS(&crit), b != 0);
    }
    if (!oc_elem(c, &ei, en, 0x04, "an Extension without its extnValue", &val))
      break;
    oit vi = oc_in(&val);
    dx_der inner;
    if (vi.pos >= vi.end) {
      oc_bad(c, en, "an empty extnValue");
      break;
    }
    inner = dx_der_read(c->t, vi.pos, vi.end);
    if (!inner.ok) {
      oc_throw(c);
      break;
    }
    if (!oc_ext_value(c, en, dotted, &inner))
      oc_unknown_oid(c, en, &inner);
  }
}

/* ---- responses --------------------------------------------------------- */
static void oc_certs(oc *c, dx_node *parent, const dx_der *tagged) {
  dx_der s;
  if (!oc_explicit(c, tagged, parent, 0x30, "certs: not a SEQUENCE OF", &s))
    return;
  dx_node *g = oc_seq_of(c, parent, F_CERTS, &s, "certs");
  oit in = oc_in(&s);
  while (g && in.pos < in.end && !c->stop) {
    dx_der cd;
    if (!oc_elem(c, &in, g, 0x30, "a Certificate that is not a SEQUENCE", &cd))
      break;
    dx_node *cn = oc_none(c, g, F_CERT, &cd);
    if (cd.cut) {
      oc_throw(c);
      break;
    }
    dx_tvb ct = dx_tvb_sub(c->t, cd.off, cd.hlen + cd.clen);
    if (cn)
      dx_x509_certificate(c->p, cn, &ct);
  }
}

/* signatureAlgorithm, signature and the optional certs of a
 * BasicOCSPResponse or a Signature, from `in` on. */
static void oc_signature(oc *c, dx_node *n, oit *in) {
  dx_der a, sig, certs;
  if (oc_elem(c, in, n, 0x30, "without its signatureAlgorithm", &a))
    oc_alg(c, n, F_SIG_ALG, &a, "signatureAlgorithm");
  if (oc_elem(c, in, n, 0x03, "without its signature", &sig) && oc_whole(c, &sig) && oc_room(c)) {
    if (!sig.clen)
      oc_bad(c, n, "an empty BIT STRING");
    else
      dx_x509_bit_string(c->p, n, FL(F_SIGNATURE), c->t, &sig);
  }
  if (oc_opt(c, in, 0xa0, &certs))
    oc_certs(c, n, &certs);
}

static void oc_single(oc *c, dx_node *parent, const dx_der *d) {
  dx_node *n = oc_none(c, parent, F_SINGLE, d);
  oit in = oc_in(d);
  dx_der cid, st, tu, e, x;
  if (oc_elem(c, &in, n, 0x30, "SingleResponse without its certID", &cid))
    oc_certid(c, n, F_CERT_ID, &cid);
  if (c->stop)
    return;
  if (in.pos >= in.end) {
    if (in.cut)
      oc_throw(c);
    else
      oc_bad(c, n, "SingleResponse without its certStatus");
    return;
  }
  st = dx_der_read(c->t, in.pos, in.end);
  if (!st.ok) {
    oc_throw(c);
    return;
  }
  in.pos = dx_der_end(&st);
  /* CertStatus: good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo,
   * unknown [2] IMPLICIT UnknownInfo (NULL) */
  unsigned alt = st.tag == 0x80 ? 0 : st.tag == 0xa1 ? 1 : st.tag == 0x82 ? 2 : 3;
  if (alt == 3) {
    oc_bad(c, n, "a certStatus that is none of good, revoked, unknown");
    return;
  }
  if (!oc_room(c))
    return;
  dx_node *cs = dx_add_uint(c->p, n, FL(F_CERT_STATUS), c->t, CONTENTS(&st), alt);
  if (alt != 1) {
    if (oc_whole(c, &st) && oc_room(c))
      dx_add_none(c->p, cs, FL(alt == 0 ? F_GOOD : F_UNKNOWN), c->t, CONTENTS(&st));
  } else {
    dx_node *rv = oc_room(c) ? dx_add_none(c->p, cs, FL(F_REVOKED), c->t, CONTENTS(&st)) : NULL;
    oit ri = oc_in(&st);
    dx_der rt, rr, r;
    if (oc_elem(c, &ri, rv, 0x18, "RevokedInfo without its revocationTime", &rt))
      oc_time(c, rv, F_REV_TIME, &rt);
    uint32_t reason;
    bool neg;
    if (oc_opt(c, &ri, 0xa0, &rr) && oc_explicit(c, &rr, rv, 0x0a, "revocationReason", &r) &&
        oc_small_int(c, &r, &reason, &neg) && oc_room(c))
      dx_add_uint(c->p, rv, FL(F_REV_REASON), c->t, CONTENTS(&r), reason);
  }
  if (oc_elem(c, &in, n, 0x18, "SingleResponse without its thisUpdate", &tu))
    oc_time(c, n, F_THIS_UPDATE, &tu);
  if (oc_opt(c, &in, 0xa0, &e) && oc_explicit(c, &e, n, 0x18, "nextUpdate", &x))
    oc_time(c, n, F_NEXT_UPDATE, &x);
  if (oc_opt(c, &in, 0xa1, &e) && oc_explicit(c, &e, n, 0x30, "singleExtensions", &x))
    oc_extensions(c, n, F_SINGLE_EXTS, &x, "singleExtensions");
}

static void oc_version(oc *c, dx_node *n, oit *in) {
  dx_der v, i;
  uint32_t ver;
  bool neg;
  if (oc_opt(c, in, 0xa0, &v) && oc_explicit(c, &v, n, 0x02, "version", &i) &&
      oc_small_int(c, &i, &ver, &neg) && oc_room(c))
    dx_add_int(c->p, n, FL(F_VERSION), c->t, CONTENTS(&i),
               neg ? (int64_t)ver - ((int64_t)1 << (8 * i.clen)) : (int64_t)ver);
}

static void oc_basic(oc *c, dx_node *parent, const dx_der *d) {
  dx_node *b = oc_none(c, parent, F_BASIC, d);
  oit in = oc_in(d);
  dx_der tbs;
  if (!oc_elem(c, &in, b, 0x30, "BasicOCSPResponse without its tbsResponseData", &tbs))
    return;
  dx_node *rd = oc_none(c, b, F_TBS_RESP, &tbs);
  oit ti = oc_in(&tbs);
  oc_version(c, rd, &ti);
  /* ResponderID: byName [1] Name, byKey [2] KeyHash (both EXPLICIT) */
  dx_der rid, x;
  if (ti.pos < ti.end && !c->stop) {
    rid = dx_der_read(c->t, ti.pos, ti.end);
    if (!rid.ok) {
      oc_throw(c);
      return;
    }
    ti.pos = dx_der_end(&rid);
    if (rid.tag == 0xa1 && oc_explicit(c, &rid, rd, 0x30, "byName: not a Name", &x) && oc_room(c)) {
      dx_node *ch = dx_add_uint(c->p, rd, FL(F_RESPONDER_ID), c->t, ALL(&x), 1);
      dx_node *bn = dx_add_uint(c->p, ch, FL(F_BY_NAME), c->t, ALL(&x), 0);
      if (x.cut)
        oc_throw(c);
      else if (!dx_x509_rdn_sequence(c->p, bn ? bn : ch, c->t, &x))
        oc_bad(c, bn, "a responder name that does not decode");
    } else if (rid.tag == 0xa2 && oc_explicit(c, &rid, rd, 0x04, "byKey: not a KeyHash", &x) &&
               oc_room(c)) {
      dx_node *ch = dx_add_uint(c->p, rd, FL(F_RESPONDER_ID), c->t, ALL(&x), 2);
      oc_octets(c, ch, F_BY_KEY, &x);
    } else if (rid.tag != 0xa1 && rid.tag != 0xa2) {
      oc_bad(c, rd, "a responderID that is neither byName nor byKey");
    }
  } else {
    oc_elem(c, &ti, rd, 0xa1, "tbsResponseData without its responderID", &rid);
  }
  dx_der pa, rs, e;
  if (oc_elem(c, &ti, rd, 0x18, "tbsResponseData without its producedAt", &pa))
    oc_time(c, rd, F_PRODUCED_AT, &pa);
  if (oc_elem(c, &ti, rd, 0x30, "tbsResponseData without its responses", &rs)) {
    dx_node *g = oc_seq_of(c, rd, F_RESPONSES, &rs, "responses");
    oit ri = oc_in(&rs);
    while (g && ri.pos < ri.end && !c->stop) {
      dx_der sr;
      if (oc_elem(c, &ri, g, 0x30, "a SingleResponse that is not a SEQUENCE", &sr))
        oc_single(c, g, &sr);
    }
  }
  if (oc_opt(c, &ti, 0xa1, &e) && oc_explicit(c, &e, rd, 0x30, "responseExtensions", &x))
    oc_extensions(c, rd, F_RESP_EXTS, &x, "responseExtensions");
  oc_signature(c, b, &in);
}

/* OCSPResponse (RFC 6960 4.2.1) in t, under parent. */
static void oc_response(oc *c, dx_node *parent) {
  dx_der top;
  oit all = {0, c->t->len, false};
  if (!oc_elem(c, &all, parent, 0x30, "not an OCSPResponse (a SEQUENCE)", &top))
    return;
  oit in = oc_in(&top);
  dx_der st, rb, x, ty, rsp;
  uint32_t v;
  bool neg;
  if (oc_elem(c, &in, parent, 0x0a, "OCSPResponse without its responseStatus", &st) &&
      oc_small_int(c, &st, &v, &neg) && oc_room(c))
    dx_add_uint(c->p, parent, FL(F_RESP_STATUS), c->t, CONTENTS(&st), v);
  if (!oc_opt(c, &in, 0xa0, &rb) ||
      !oc_explicit(c, &rb, parent, 0x30, "responseBytes: not a SEQUENCE", &x))
    return;
  dx_node *bn = oc_none(c, parent, F_RESP_BYTES, &x);
  oit bi = oc_in(&x);
  char dotted[160] = "", nm[200];
  if (oc_elem(c, &bi, bn, 0x06, "responseBytes without its responseType", &ty) &&
      oc_whole(c, &ty)) {
    if (!dx_der_oid(c->t, &ty, dotted, sizeof dotted)) {
      oc_bad(c, bn, "a responseType that does not decode");
      return;
    }
    dx_x509_oid_name(dotted, nm, sizeof nm);
    if (oc_room(c)) {
      dx_node *tn =
          dx_add_string(c->p, bn, FL(F_RESP_TYPE_ID), c->t, CONTENTS(&ty), dotted, strlen(dotted));
      dx_node_set_text(c->p, tn, "ResponseType Id: %s (%s)", dotted, nm);
    }
  }
  if (!oc_elem(c, &bi, bn, 0x04, "responseBytes without its response", &rsp))
    return;
  if (strcmp(dotted, "1.3.6.1.5.5.7.48.1.1") != 0) {
    oc_unknown_oid(c, bn, &rsp);
    return;
  }
  oit ri = oc_in(&rsp);
  dx_der basic;
  if (oc_elem(c, &ri, bn, 0x30, "a BasicOCSPResponse that is not a SEQUENCE", &basic))
    oc_basic(c, bn, &basic);
}

/* ---- requests ---------------------------------------------------------- */
static void oc_request(oc *c, dx_node *parent) {
  dx_der top, tbs;
  oit all = {0, c->t->len, false};
  if (!oc_elem(c, &all, parent, 0x30, "not an OCSPRequest (a SEQUENCE)", &top))
    return;
  oit in = oc_in(&top);
  if (!oc_elem(c, &in, parent, 0x30, "OCSPRequest without its tbsRequest", &tbs))
    return;
  dx_node *tn = oc_none(c, parent, F_TBS_REQ, &tbs);
  oit ti = oc_in(&tbs);
  oc_version(c, tn, &ti);
  dx_der rn, g, rl, e, x;
  if (oc_opt(c, &ti, 0xa1, &rn)) {
    oit gi = oc_in(&rn);
    if (gi.pos < gi.end && !c->stop) {
      g = dx_der_read(c->t, gi.pos, gi.end);
      if (!g.ok || g.cut)
        oc_throw(c);
      else if (oc_room(c) && !dx_x509_general_name(c->p, tn, FL(F_REQUESTOR), c->t, &g))
        oc_bad(c, tn, "a requestorName that is no GeneralName");
    }
  }
  if (oc_elem(c, &ti, tn, 0x30, "tbsRequest without its requestList", &rl)) {
    dx_node *gl = oc_seq_of(c, tn, F_REQ_LIST, &rl, "requestList");
    oit li = oc_in(&rl);
    while (gl && li.pos < li.end && !c->stop) {
      dx_der r, cid;
      if (!oc_elem(c, &li, gl, 0x30, "a Request that is not a SEQUENCE", &r))
        break;
      dx_node *rq = oc_none(c, gl, F_REQUEST, &r);
      oit ri = oc_in(&r);
      if (oc_elem(c, &ri, rq, 0x30, "Request without its reqCert", &cid))
        oc_certid(c, rq, F_REQ_CERT, &cid);
      if (oc_opt(c, &ri, 0xa0, &e) && oc_explicit(c, &e, rq, 0x30, "singleRequestExtensions", &x))
        oc_extensions(c, rq, F_SINGLE_REQ_EXTS, &x, "singleRequestExtensions");
    }
  }
  if (oc_opt(c, &ti, 0xa2, &e) && oc_explicit(c, &e, tn, 0x30, "requestExtensions", &x))
    oc_extensions(c, tn, F_REQ_EXTS, &x, "requestExtensions");
  dx_der os, sig;
  if (oc_opt(c, &in, 0xa0, &os) &&
      oc_explicit(c, &os, parent, 0x30, "optionalSignature: not a Signature", &sig)) {
    dx_node *sn = oc_none(c, parent, F_OPT_SIG, &sig);
    oit si = oc_in(&sig);
    oc_signature(c, sn, &si);
  }
}

/* ---- entry points ------------------------------------------------------ */
/* tshark's exception: "[Malformed Packet: OCSP]" and "[Malformed Packet]"
 * ending Info, which the end of the packet writes (after what the caller
 * still writes to Info: HTTP's "Response"). */
static void oc_exception(dx_packet *p, const dx_tvb *t) {
  bool bad_done = p->info_bad_done;
  dx_exception_malformed(p, "OCSP", t);
  static const char mal[] = "[Malformed Packet]";
  const size_t ml = sizeof mal - 1;
  if (p->want_columns && !bad_done && p->info_bad_done && p->col_info_len >= ml &&
      memcmp(p->col_info + p->col_info_len - ml, mal, ml) == 0) {
    p->col_info_len -= ml;
    p->col_info[p->col_info_len] = 0;
    p->info_bad_done = false;
  }
}

dx_node *dx_ocsp_stapled(dx_packet *p, dx_node *parent, const dx_tvb *t, uint32_t off, uint32_t len,
                         bool *stop) {
  dx_tvb v = dx_tvb_sub(t, off, len);
  dx_node *n = dx_add_none(p, parent, FL(F_OCSP), t, off, len);
  dx_node_set_text(p, n, "OCSP Response");
  oc c = {p, &v, n, false, false, 0};
  oc_response(&c, n);
  if (c.thrown)
    oc_exception(p, &v);
  if (stop)
    *stop = c.thrown;
  return n;
}

void dx_ocsp_body(dx_packet *p, dx_node *parent, const dx_tvb *b, bool request) {
  dx_node *n = dx_add_proto(p, parent, FL(F_OCSP), b, 0, b->len);
  oc c = {p, b, n, false, false, 0};
  if (request)
    oc_request(&c, n);
  else
    oc_response(&c, n);
  if (c.thrown)
    oc_exception(p, b);
}
