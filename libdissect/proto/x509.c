/* X.509 certificates (RFC 5280), as carried in the TLS Certificate message.
 *
 * The certificate is decoded by OpenSSL (d2i_X509); a small bounded DER
 * walker only finds where each part lies, so that every node points at its
 * own bytes. Field names follow tshark's x509af / x509ce / x509if / x509sat
 * fields; the x509.* fields are our own readable summaries (one-line names,
 * dates, key size, fingerprint).
 *
 * Called by tls.c through dx_proto_x509.dissect with a view that covers
 * exactly one DER certificate and the certificate node as parent. */
#include "x509.h"
#include "../core/dx.h"
#include "http_body.h"
#include "ocsp.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
  F_X509,
  F_SUBJECT,
  F_ISSUER,
  F_NOT_BEFORE,
  F_NOT_AFTER,
  F_PK_ALG,
  F_PK_BITS,
  F_PK_CURVE,
  F_FP_SHA256,
  F_SELF_SIGNED,
  F_IS_CA,
  F_KEY_USAGE_STR,
  F_SIGNED_CERT,
  F_VERSION,
  F_SERIAL,
  F_ALG_ID,
  F_AF_ISSUER,
  F_AF_SUBJECT,
  F_RDN_ITEM,
  F_RDN_OID,
  F_STR_UTF8,
  F_STR_PRINTABLE,
  F_STR_IA5,
  F_STR_TELETEX,
  F_STR_BMP,
  F_STR_UNIVERSAL,
  F_STR_COUNTRY,
  F_STR_PRINTABLE_X520,
  F_VALIDITY,
  F_UTCTIME,
  F_GENTIME,
  F_SPKI,
  F_SPK,
  F_EXTENSIONS,
  F_EXTENSION,
  F_EXT_ID,
  F_CRITICAL,
  F_BC,
  F_CA,
  F_PATHLEN,
  F_KU,
  F_KU_DS,
  F_KU_CC,
  F_KU_KE,
  F_KU_DE,
  F_KU_KA,
  F_KU_KCS,
  F_KU_CRL,
  F_KU_EO,
  F_KU_DO,
  F_KPIDS,
  F_KPID,
  F_GNAMES,
  F_DNS,
  F_IPV4,
  F_IPV6,
  F_RFC822,
  F_URI,
  F_SKI,
  F_AKI,
  F_KEYID,
  F_SIGALG,
  F_ENCRYPTED,
  F_SIG_ELEM,
  F_ALG_ELEM,
  F_IF_RDNSEQ,
  F_AF_RDNSEQ,
  F_RDNSEQ_ITEM,
  F_DIRSTR,
  F_NB_CHOICE,
  F_NA_CHOICE,
  F_GNAME,
  F_PKCS1_MOD,
  F_PKCS1_EXP,
  F_EC_PARAMS,
  F_EC_CURVE,
  F_BS_PADDING,
  F_DIRNAME,
  F_AIA,
  F_AD,
  F_AD_METHOD,
  F_AD_LOC,
  F_CP,
  F_PI,
  F_POLICY_ID,
  F_PQS,
  F_PQI,
  F_PQ_ID,
  F_CPS,
  F_UN,
  F_NOTICEREF,
  F_ORG,
  F_NOTICENUMS,
  F_NOTICENUM,
  F_EXPLICIT,
  F_DT_IA5,
  F_DT_VIS,
  F_DT_BMP,
  F_DT_UTF8,
  F_CRLDP,
  F_DP,
  F_DPNAME,
  F_FULLNAME,
  F_REASONS,
  F_RF_UNUSED, /* ... the nine ReasonFlags bits in order */
  F_RF_KC,
  F_RF_CAC,
  F_RF_AC,
  F_RF_SUP,
  F_RF_CO,
  F_RF_CH,
  F_RF_PW,
  F_RF_AAC,
  F_CRLISSUER,
  F_SCTS_LEN,
  F_SCT,
  F_SCT_LEN,
  F_SCT_VER,
  F_SCT_LOGID,
  F_SCT_TS,
  F_SCT_EXTS_LEN,
  F_SCT_EXTS,
  F_SCT_SIG_LEN,
  F_SCT_SIG,
};

static const dx_vals version_vals[] = {{0, "v1"}, {1, "v2"}, {2, "v3"}, {0, NULL}};
static const dx_vals bool_vals[] = {{0, "False"}, {1, "True"}, {0, NULL}};
/* the CHOICE alternatives, numbered as in the ASN.1 modules (X.509, X.520) */
static const dx_vals time_vals[] = {{0, "utcTime"}, {1, "generalizedTime"}, {0, NULL}};
static const dx_vals dirstr_vals[] = {{0, "teletexString"},   {1, "printableString"},
                                      {2, "universalString"}, {3, "bmpString"},
                                      {4, "uTF8String"},      {0, NULL}};
/* ECParameters (RFC 5480, as PKCS #1's module in tshark) */
static const dx_vals ecparams_vals[] = {
    {0, "specifiedCurve"}, {1, "namedCurve"}, {2, "implicitCurve"}, {0, NULL}};
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
/* DisplayText (RFC 5280) and DistributionPointName (X.509) */
static const dx_vals dtext_vals[] = {
    {0, "ia5String"}, {1, "visibleString"}, {2, "bmpString"}, {3, "utf8String"}, {0, NULL}};
static const dx_vals dpname_vals[] = {{0, "fullName"}, {1, "nameRelativeToCRLIssuer"}, {0, NULL}};

#define FS(a, l) DX_F(a, l, DX_FT_STRING, DX_BASE_NONE)
#define FB(a, l) DX_F(a, l, DX_FT_BYTES, DX_BASE_NONE)
#define FN(a, l) DX_F(a, l, DX_FT_NONE, DX_BASE_NONE)
#define KU(a, l, m) DX_FM(a, l, DX_FT_BOOL, DX_BASE_NONE, bool_vals, m, 8)

static const dx_field x509_fields[] = {
    [F_X509] = DX_F("x509af", "X.509 Certificate", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_SUBJECT] = FS("x509.subject", "Subject"),
    [F_ISSUER] = FS("x509.issuer", "Issuer"),
    [F_NOT_BEFORE] = FS("x509.not_before", "Not Before"),
    [F_NOT_AFTER] = FS("x509.not_after", "Not After"),
    [F_PK_ALG] = FS("x509.public_key.algorithm", "Public Key Algorithm"),
    [F_PK_BITS] = DX_F("x509.public_key.bits", "Public Key Size (bits)", DX_FT_UINT32, DX_BASE_DEC),
    [F_PK_CURVE] = FS("x509.public_key.curve", "Public Key Curve"),
    [F_FP_SHA256] = FB("x509.fingerprint.sha256", "SHA-256 Fingerprint"),
    [F_SELF_SIGNED] = DX_FV("x509.self_signed", "Self-signed", DX_FT_BOOL, DX_BASE_NONE, bool_vals),
    [F_IS_CA] = DX_FV("x509.is_ca", "Certificate Authority", DX_FT_BOOL, DX_BASE_NONE, bool_vals),
    [F_KEY_USAGE_STR] = FS("x509.key_usage", "Key Usage"),
    [F_SIGNED_CERT] = FN("x509af.signedCertificate_element", "signedCertificate"),
    [F_VERSION] = DX_FV("x509af.version", "version", DX_FT_INT32, DX_BASE_DEC, version_vals),
    [F_SERIAL] = FB("x509af.serialNumber", "serialNumber"),
    [F_ALG_ID] = FS("x509af.algorithm.id", "Algorithm Id"),
    [F_AF_ISSUER] = DX_F("x509af.issuer", "issuer", DX_FT_UINT32, DX_BASE_DEC),
    [F_AF_SUBJECT] = DX_F("x509af.subject", "subject", DX_FT_UINT32, DX_BASE_DEC),
    [F_RDN_ITEM] =
        FN("x509if.RelativeDistinguishedName_item_element", "RelativeDistinguishedName item"),
    [F_RDN_OID] = FS("x509if.oid", "Object Id"),
    [F_STR_UTF8] = FS("x509sat.uTF8String", "uTF8String"),
    [F_STR_PRINTABLE] = FS("x509sat.printableString", "printableString"),
    [F_STR_IA5] = FS("x509sat.IA5String", "IA5String"),
    [F_STR_TELETEX] = FS("x509sat.teletexString", "teletexString"),
    [F_STR_BMP] = FS("x509sat.bmpString", "bmpString"),
    [F_STR_UNIVERSAL] = FS("x509sat.universalString", "universalString"),
    [F_STR_COUNTRY] = FS("x509sat.CountryName", "CountryName"),
    /* (serialNumber and dnQualifier: a PrintableString, not a DirectoryString) */
    [F_STR_PRINTABLE_X520] = FS("x509sat.PrintableString", "PrintableString"),
    [F_VALIDITY] = FN("x509af.validity_element", "validity"),
    [F_UTCTIME] = FS("x509af.utcTime", "utcTime"),
    [F_GENTIME] = DX_F("x509af.generalizedTime", "generalizedTime", DX_FT_ABSTIME, DX_BASE_UTC),
    [F_SPKI] = FN("x509af.subjectPublicKeyInfo_element", "subjectPublicKeyInfo"),
    [F_SPK] = FB("x509af.subjectPublicKey", "subjectPublicKey"),
    [F_EXTENSIONS] = DX_F("x509af.extensions", "extensions", DX_FT_UINT32, DX_BASE_DEC),
    [F_EXTENSION] = FN("x509af.Extension_element", "Extension"),
    [F_EXT_ID] = FS("x509af.extension.id", "Extension Id"),
    [F_CRITICAL] = DX_FV("x509af.critical", "critical", DX_FT_BOOL, DX_BASE_NONE, bool_vals),
    [F_BC] = FN("x509ce.BasicConstraintsSyntax_element", "BasicConstraintsSyntax"),
    [F_CA] = DX_FV("x509ce.cA", "cA", DX_FT_BOOL, DX_BASE_NONE, bool_vals),
    [F_PATHLEN] = DX_F("x509ce.pathLenConstraint", "pathLenConstraint", DX_FT_UINT64, DX_BASE_DEC),
    [F_KU] = FB("x509ce.KeyUsage", "KeyUsage"),
    [F_KU_DS] = KU("x509ce.KeyUsage.digitalSignature", "digitalSignature", 0x80),
    [F_KU_CC] = KU("x509ce.KeyUsage.contentCommitment", "contentCommitment", 0x40),
    [F_KU_KE] = KU("x509ce.KeyUsage.keyEncipherment", "keyEncipherment", 0x20),
    [F_KU_DE] = KU("x509ce.KeyUsage.dataEncipherment", "dataEncipherment", 0x10),
    [F_KU_KA] = KU("x509ce.KeyUsage.keyAgreement", "keyAgreement", 0x08),
    [F_KU_KCS] = KU("x509ce.KeyUsage.keyCertSign", "keyCertSign", 0x04),
    [F_KU_CRL] = KU("x509ce.KeyUsage.cRLSign", "cRLSign", 0x02),
    [F_KU_EO] = KU("x509ce.KeyUsage.encipherOnly", "encipherOnly", 0x01),
    [F_KU_DO] = KU("x509ce.KeyUsage.decipherOnly", "decipherOnly", 0x80),
    [F_KPIDS] = DX_F("x509ce.KeyPurposeIDs", "KeyPurposeIDs", DX_FT_UINT32, DX_BASE_DEC),
    [F_KPID] = FS("x509ce.KeyPurposeId", "KeyPurposeId"),
    [F_GNAMES] = DX_F("x509ce.GeneralNames", "GeneralNames", DX_FT_UINT32, DX_BASE_DEC),
    [F_DNS] = FS("x509ce.dNSName", "dNSName"),
    [F_IPV4] = DX_F("x509ce.IPAddress.ipv4", "iPAddress", DX_FT_IPV4, DX_BASE_NONE),
    [F_IPV6] = DX_F("x509ce.IPAddress.ipv6", "iPAddress", DX_FT_IPV6, DX_BASE_NONE),
    [F_RFC822] = FS("x509ce.rfc822Name", "rfc822Name"),
    [F_URI] = FS("x509ce.uniformResourceIdentifier", "uniformResourceIdentifier"),
    [F_SKI] = FB("x509ce.SubjectKeyIdentifier", "SubjectKeyIdentifier"),
    [F_AKI] = FN("x509ce.AuthorityKeyIdentifier_element", "AuthorityKeyIdentifier"),
    [F_KEYID] = FB("x509ce.keyIdentifier", "keyIdentifier"),
    [F_SIGALG] = FN("x509af.algorithmIdentifier_element", "algorithmIdentifier"),
    [F_ENCRYPTED] = FB("x509af.encrypted", "encrypted"),
    [F_SIG_ELEM] = FN("x509af.signature_element", "signature"),
    [F_ALG_ELEM] = FN("x509af.algorithm_element", "algorithm"),
    [F_IF_RDNSEQ] = DX_F("x509if.rdnSequence", "rdnSequence", DX_FT_UINT32, DX_BASE_DEC),
    [F_AF_RDNSEQ] = DX_F("x509af.rdnSequence", "rdnSequence", DX_FT_UINT32, DX_BASE_DEC),
    [F_RDNSEQ_ITEM] =
        DX_F("x509if.RDNSequence_item", "RDNSequence item", DX_FT_UINT32, DX_BASE_DEC),
    [F_DIRSTR] =
        DX_FV("x509sat.DirectoryString", "DirectoryString", DX_FT_UINT32, DX_BASE_DEC, dirstr_vals),
    [F_NB_CHOICE] = DX_FV("x509af.notBefore", "notBefore", DX_FT_UINT32, DX_BASE_DEC, time_vals),
    [F_NA_CHOICE] = DX_FV("x509af.notAfter", "notAfter", DX_FT_UINT32, DX_BASE_DEC, time_vals),
    [F_GNAME] = DX_FV("x509ce.GeneralName", "GeneralName", DX_FT_UINT32, DX_BASE_DEC, gname_vals),
    [F_PKCS1_MOD] = FB("pkcs1.modulus", "modulus"),
    [F_PKCS1_EXP] = DX_F("pkcs1.publicExponent", "publicExponent", DX_FT_INT32, DX_BASE_DEC),
    [F_EC_PARAMS] =
        DX_FV("pkcs1.ECParameters", "ECParameters", DX_FT_UINT32, DX_BASE_DEC, ecparams_vals),
    [F_EC_CURVE] = FS("pkcs1.namedCurve", "namedCurve"),
    /* BER's item of every BIT STRING (tshark's ber protocol) */
    [F_BS_PADDING] = DX_F("ber.bitstring.padding", "Padding", DX_FT_UINT8, DX_BASE_DEC),
    [F_DIRNAME] = DX_F("x509ce.directoryName", "directoryName", DX_FT_UINT32, DX_BASE_DEC),
    /* authorityInfoAccess (PKIX1Implicit) */
    [F_AIA] = DX_F("pkix1implicit.AuthorityInfoAccessSyntax", "AuthorityInfoAccessSyntax",
                   DX_FT_UINT32, DX_BASE_DEC),
    [F_AD] = FN("pkix1implicit.AccessDescription_element", "AccessDescription"),
    [F_AD_METHOD] = FS("pkix1implicit.accessMethod", "accessMethod"),
    [F_AD_LOC] = DX_F("pkix1implicit.accessLocation", "accessLocation", DX_FT_UINT32, DX_BASE_DEC),
    /* certificatePolicies, with the CPS URI (PKIX1Explicit) and the user
     * notice (PKIX1Implicit) qualifiers */
    [F_CP] = DX_F("x509ce.CertificatePoliciesSyntax", "CertificatePoliciesSyntax", DX_FT_UINT32,
                  DX_BASE_DEC),
    [F_PI] = FN("x509ce.PolicyInformation_element", "PolicyInformation"),
    [F_POLICY_ID] = FS("x509ce.policyIdentifier", "policyIdentifier"),
    [F_PQS] = DX_F("x509ce.policyQualifiers", "policyQualifiers", DX_FT_UINT32, DX_BASE_DEC),
    [F_PQI] = FN("x509ce.PolicyQualifierInfo_element", "PolicyQualifierInfo"),
    [F_PQ_ID] = FS("x509ce.id", "Id"),
    [F_CPS] = FS("pkix1explicit.DirectoryString", "DirectoryString"),
    [F_UN] = FN("pkix1implicit.UserNotice_element", "UserNotice"),
    [F_NOTICEREF] = FN("pkix1implicit.noticeRef_element", "noticeRef"),
    [F_ORG] =
        DX_FV("pkix1implicit.organization", "organization", DX_FT_UINT32, DX_BASE_DEC, dtext_vals),
    [F_NOTICENUMS] =
        DX_F("pkix1implicit.noticeNumbers", "noticeNumbers", DX_FT_UINT32, DX_BASE_DEC),
    [F_NOTICENUM] =
        DX_F("pkix1implicit.noticeNumbers_item", "noticeNumbers item", DX_FT_INT32, DX_BASE_DEC),
    [F_EXPLICIT] =
        DX_FV("pkix1implicit.explicitText", "explicitText", DX_FT_UINT32, DX_BASE_DEC, dtext_vals),
    [F_DT_IA5] = FS("pkix1implicit.ia5String", "ia5String"),
    [F_DT_VIS] = FS("pkix1implicit.visibleString", "visibleString"),
    [F_DT_BMP] = FS("pkix1implicit.bmpString", "bmpString"),
    [F_DT_UTF8] = FS("pkix1implicit.utf8String", "utf8String"),
    /* cRLDistributionPoints */
    [F_CRLDP] =
        DX_F("x509ce.CRLDistPointsSyntax", "CRLDistPointsSyntax", DX_FT_UINT32, DX_BASE_DEC),
    [F_DP] = FN("x509ce.DistributionPoint_element", "DistributionPoint"),
    [F_DPNAME] = DX_FV("x509ce.distributionPoint", "distributionPoint", DX_FT_UINT32, DX_BASE_DEC,
                       dpname_vals),
    [F_FULLNAME] = DX_F("x509ce.fullName", "fullName", DX_FT_UINT32, DX_BASE_DEC),
    [F_REASONS] = FB("x509ce.reasons", "reasons"),
    [F_RF_UNUSED] = KU("x509ce.ReasonFlags.unused", "unused", 0x80),
    [F_RF_KC] = KU("x509ce.ReasonFlags.keyCompromise", "keyCompromise", 0x40),
    [F_RF_CAC] = KU("x509ce.ReasonFlags.cACompromise", "cACompromise", 0x20),
    [F_RF_AC] = KU("x509ce.ReasonFlags.affiliationChanged", "affiliationChanged", 0x10),
    [F_RF_SUP] = KU("x509ce.ReasonFlags.superseded", "superseded", 0x08),
    [F_RF_CO] = KU("x509ce.ReasonFlags.cessationOfOperation", "cessationOfOperation", 0x04),
    [F_RF_CH] = KU("x509ce.ReasonFlags.certificateHold", "certificateHold", 0x02),
    [F_RF_PW] = KU("x509ce.ReasonFlags.privilegeWithdrawn", "privilegeWithdrawn", 0x01),
    [F_RF_AAC] = KU("x509ce.ReasonFlags.aACompromise", "aACompromise", 0x80),
    [F_CRLISSUER] = DX_F("x509ce.cRLIssuer", "cRLIssuer", DX_FT_UINT32, DX_BASE_DEC),
    /* the SignedCertificateTimestampList (RFC 6962), TLS's fields in tshark */
    [F_SCTS_LEN] =
        DX_F("tls.sct.scts_length", "Serialized SCT List Length", DX_FT_UINT16, DX_BASE_DEC),
    [F_SCT] = FN("tls.sct.sct_tree", "Signed Certificate Timestamp"), /* (tshark: a text item) */
    [F_SCT_LEN] = DX_F("tls.sct.sct_length", "Serialized SCT Length", DX_FT_UINT16, DX_BASE_DEC),
    [F_SCT_VER] = DX_F("tls.sct.sct_version", "SCT Version", DX_FT_UINT8, DX_BASE_DEC),
    [F_SCT_LOGID] = FB("tls.sct.sct_logid", "Log ID"),
    [F_SCT_TS] = DX_F("tls.sct.sct_timestamp", "Timestamp", DX_FT_ABSTIME, DX_BASE_UTC),
    [F_SCT_EXTS_LEN] =
        DX_F("tls.sct.sct_extensions_length", "Extensions length", DX_FT_UINT16, DX_BASE_DEC),
    [F_SCT_EXTS] = FN("tls.sct.sct_extensions", "Extensions"),
    [F_SCT_SIG_LEN] =
        DX_F("tls.sct.sct_signature_length", "Signature Length", DX_FT_UINT16, DX_BASE_DEC),
    [F_SCT_SIG] = FB("tls.sct.sct_signature", "Signature"),
};

#define FL(i) (&x509_fields[(i)])

/* ---- where things are: a bounded DER TLV reader ----------------------- */
typedef dx_der der;

static uint32_t der_end(const der *d) {
  return d->off + d->hlen + d->clen;
}
static uint32_t der_content(const der *d) {
  return d->off + d->hlen;
}

/* Reads the TLV at off, which must end by `end` (or, clip: whose contents
 * are cut at `end`, d.cut set). Only single-byte tags and definite lengths
 * (DER). */
static der der_read_clip(const dx_tvb *t, uint32_t off, uint32_t end, bool clip) {
  der d = {off, 0, 0, 0, 0, false, false};
  uint8_t tag, l0;
  if (off >= end || !dx_get_u8(t, off, &tag) || (tag & 0x1f) == 0x1f || !dx_get_u8(t, off + 1, &l0))
    return d;
  uint32_t len = 0, hl = 2;
  if (l0 & 0x80) {
    unsigned n = l0 & 0x7f;
    if (n == 0 || n > 4)
      return d;
    for (unsigned i = 0; i < n; i++) {
      uint8_t b;
      if (!dx_get_u8(t, off + 2 + i, &b))
        return d;
      len = len << 8 | b;
    }
    hl += n;
  } else {
    len = l0;
  }
  if (hl > end - off)
    return d;
  d.want = len;
  if (len > end - off - hl) {
    if (!clip)
      return d;
    len = end - off - hl;
    d.cut = true;
  }
  d.tag = tag;
  d.hlen = hl;
  d.clen = len;
  d.ok = true;
  return d;
}

static der der_read(const dx_tvb *t, uint32_t off, uint32_t end) {
  return der_read_clip(t, off, end, false);
}

dx_der dx_der_read(const dx_tvb *t, uint32_t off, uint32_t end) {
  return der_read_clip(t, off, end, true);
}

/* The children of a constructed TLV, in order. */
typedef struct der_it {
  const dx_tvb *t;
  uint32_t pos, end;
} der_it;

static der_it der_children(const dx_tvb *t, const der *d) {
  der_it it = {t, der_content(d), d->ok ? der_end(d) : 0};
  if (!d->ok)
    it.pos = it.end = 0;
  return it;
}

static der der_next(der_it *it) {
  der d = der_read(it->t, it->pos, it->end);
  if (d.ok)
    it->pos = der_end(&d);
  else
    it->pos = it->end;
  return d;
}

/* ---- helpers --------------------------------------------------------- */
/* TLS's signature scheme fields (tls.c's), for the SCTs' digitally-signed
 * structs: looked up by name. */
static const dx_field *tls_field(const dx_packet *p, const char *name) {
  return p->sess ? dx_field_lookup(p->sess, name) : NULL;
}

/* OBJ_obj2txt() formats each arc through BIO_snprintf: a name's
 * attributes, the extensions and the algorithms ask for the same few OIDs
 * several times each (the dotted form, the name, the attribute's text), and
 * it was 7 % of the decrypting fuzz harness's instructions and most of a
 * certificate's. Each thread keeps the dotted form of the last OIDs it
 * formatted, in slots picked by their bytes (a miss costs one formatting,
 * as without the cache; nothing grows). */
#define OID_CACHE_N 64
#define OID_CACHE_DER 24
static _Thread_local struct {
  uint8_t len; /* 0: empty */
  unsigned char der[OID_CACHE_DER];
  char dotted[72];
} oid_cache[OID_CACHE_N];

static void oid_text(const ASN1_OBJECT *o, char *buf, size_t len) {
  buf[0] = 0;
  if (!o || len == 0)
    return;
  const unsigned char *d = OBJ_get0_data(o);
  size_t n = OBJ_length(o);
  if (!d || n == 0 || n > OID_CACHE_DER) {
    OBJ_obj2txt(buf, (int)len, o, 1);
    return;
  }
  unsigned h = (unsigned)n;
  for (size_t i = 0; i < n; i++)
    h = h * 31u + d[i];
  unsigned k = (h ^ (h >> 7)) % OID_CACHE_N;
  if (oid_cache[k].len != n || memcmp(oid_cache[k].der, d, n) != 0) {
    char txt[sizeof oid_cache[k].dotted];
    int tl = OBJ_obj2txt(txt, (int)sizeof txt, o, 1);
    if (tl < 0 || (size_t)tl >= sizeof txt) { /* (longer than a slot: not kept) */
      OBJ_obj2txt(buf, (int)len, o, 1);
      return;
    }
    memcpy(oid_cache[k].der, d, n);
    memcpy(oid_cache[k].dotted, txt, (size_t)tl + 1);
    oid_cache[k].len = (uint8_t)n;
  }
  size_t tl = strlen(oid_cache[k].dotted);
  if (tl >= len)
    tl = len - 1;
  memcpy(buf, oid_cache[k].dotted, tl);
  buf[tl] = 0;
}

/* tshark-like name of an OID: "id-at-commonName", "id-ce-keyUsage", ... */
static void oid_name(const ASN1_OBJECT *o, const char *prefix_oid, const char *prefix, char *buf,
                     size_t len) {
  char dotted[128];
  oid_text(o, dotted, sizeof dotted);
  int nid = o ? OBJ_obj2nid(o) : NID_undef;
  const char *nm = NULL;
  if (nid != NID_undef)
    nm = prefix ? OBJ_nid2sn(nid) : OBJ_nid2ln(nid);
  if (prefix && nid != NID_undef && strcmp(prefix, "id-at-") == 0)
    nm = OBJ_nid2ln(nid);
  if (!nm) {
    snprintf(buf, len, "%s", dotted);
    return;
  }
  if (nid == NID_ext_key_usage)
    nm = "extKeyUsage"; /* the X.509 module's name (tshark) */
  else if (nid == NID_sha1 && !prefix)
    nm = "SHA-1"; /* (tshark's name of the hash, OCSP's CertID) */
  else if (nid == NID_crl_distribution_points)
    nm = "cRLDistributionPoints";
  if (prefix && strncmp(dotted, prefix_oid, strlen(prefix_oid)) == 0)
    snprintf(buf, len, "%s%s", prefix, nm);
  else
    snprintf(buf, len, "%s", nm);
}

static const char *name_rfc2253(dx_packet *p, const X509_NAME *n) {
  BIO *b = BIO_new(BIO_s_mem());
  if (!b)
    return "";
  X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253);
  char *data = NULL;
  long len = BIO_get_mem_data(b, &data);
  const char *s = len > 0 && data ? dx_arena_strndup(&p->arena, data, (size_t)len) : "";
  BIO_free(b);
  return s ? s : "";
}

/* The common name of a name, or its whole RFC 2253 form. */
static const char *name_short(dx_packet *p, const X509_NAME *n, const char *full) {
  int i = X509_NAME_get_index_by_NID(n, NID_commonName, -1);
  if (i < 0)
    return full;
  const ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i));
  unsigned char *u = NULL;
  int ul = ASN1_STRING_to_UTF8(&u, s);
  if (ul < 0)
    return full;
  char esc[256];
  dx_escape(u, (size_t)ul, esc, sizeof esc);
  OPENSSL_free(u);
  const char *r = dx_arena_printf(&p->arena, "CN=%s", esc);
  return r ? r : full;
}

static bool time_tm(const ASN1_TIME *t, struct tm *tm) {
  memset(tm, 0, sizeof *tm);
  return t && ASN1_TIME_to_tm(t, tm) == 1;
}

/* notBefore / notAfter: the Time CHOICE (utcTime 0, generalizedTime 1)
 * and under it the time itself, as tshark shows them. */
static void add_time(dx_packet *p, dx_node *val, int field, const dx_tvb *t, const der *d,
                     const ASN1_TIME *at) {
  struct tm tm;
  uint32_t off = d->ok ? d->off : 0, len = d->ok ? d->hlen + d->clen : t->len;
  uint32_t coff = d->ok ? der_content(d) : off, clen = d->ok ? d->clen : len;
  if (!time_tm(at, &tm))
    return;
  bool utc = ASN1_STRING_type(at) == V_ASN1_UTCTIME;
  dx_node *cn = dx_add_uint(p, val, FL(field), t, off, len, utc ? 0 : 1);
  char s[64];
  strftime(s, sizeof s, "%Y-%m-%d %H:%M:%S", &tm);
  if (utc) {
    char u[80];
    snprintf(u, sizeof u, "%s (UTC)", s);
    dx_add_string(p, cn, FL(F_UTCTIME), t, coff, clen, u, strlen(u));
  } else {
    time_t secs = timegm(&tm);
    dx_add_time(p, cn, FL(F_GENTIME), t, coff, clen, (int64_t)secs, 0);
  }
}

static int string_field(int attr_nid, int type) {
  if (attr_nid == NID_countryName)
    return F_STR_COUNTRY;
  if ((attr_nid == NID_serialNumber || attr_nid == NID_dnQualifier) &&
      type == V_ASN1_PRINTABLESTRING)
    return F_STR_PRINTABLE_X520;
  switch (type) {
  case V_ASN1_PRINTABLESTRING: return F_STR_PRINTABLE;
  case V_ASN1_IA5STRING: return F_STR_IA5;
  case V_ASN1_T61STRING: return F_STR_TELETEX;
  case V_ASN1_BMPSTRING: return F_STR_BMP;
  case V_ASN1_UNIVERSALSTRING: return F_STR_UNIVERSAL;
  default: return F_STR_UTF8;
  }
}

/* Attribute types whose value is a DirectoryString (X.520): id-at-name,
 * commonName, surname, localityName, ... (the last arc of 2.5.4.x). */
static bool is_directory_string(const char *dotted) {
  static const int arcs[] = {3, 4, 7, 8, 9, 10, 11, 12, 13, 15, 17, 18, 19, 41, 42, 43, 44, 51, 65};
  if (strncmp(dotted, "2.5.4.", 6) != 0)
    return false;
  const char *a = dotted + 6;
  int v = 0, nd = 0;
  for (; *a >= '0' && *a <= '9' && nd < 4; a++, nd++)
    v = v * 10 + (*a - '0');
  if (*a || !nd)
    return false;
  for (size_t i = 0; i < DX_ARRAY_LEN(arcs); i++)
    if (arcs[i] == v)
      return true;
  return false;
}

static int dirstr_choice(int type) {
  switch (type) {
  case V_ASN1_T61STRING: return 0;
  case V_ASN1_PRINTABLESTRING: return 1;
  case V_ASN1_UNIVERSALSTRING: return 2;
  case V_ASN1_BMPSTRING: return 3;
  case V_ASN1_UTF8STRING: return 4;
  default: return -1;
  }
}

/* Appends s to buf (bounded), with sep first if buf is not empty. */
static void cat(char *buf, size_t len, const char *sep, const char *s) {
  size_t u = strlen(buf);
  const char *parts[2] = {u ? sep : "", s};
  for (int k = 0; k < 2; k++)
    for (const char *c = parts[k]; *c && u + 1 < len; c++)
      buf[u++] = *c;
  buf[u] = 0;
}

/* "id-at-commonName=www.example.test" of an attribute whose type's name is
 * nm and whose value in UTF-8 is u (ul bytes), escaped. */
static void attr_text_of(const char *nm, const unsigned char *u, int ul, char *buf, size_t len) {
  char esc[512];
  dx_escape(u && ul > 0 ? u : (const unsigned char *)"", ul > 0 ? (size_t)ul : 0, esc, sizeof esc);
  buf[0] = 0;
  cat(buf, len, "", nm);
  cat(buf, len, "", "=");
  cat(buf, len, "", esc);
}

/* The same of one attribute. */
static void attr_text(const X509_NAME_ENTRY *e, char *buf, size_t len) {
  char nm[128];
  oid_name(X509_NAME_ENTRY_get_object(e), "2.5.4.", "id-at-", nm, sizeof nm);
  unsigned char *u = NULL;
  int ul = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(e));
  attr_text_of(nm, u, ul, buf, len);
  OPENSSL_free(u);
}

/* The attributes [first, last) of one RelativeDistinguishedName, "+" between. */
static void rdn_text(const X509_NAME *name, int first, int last, char *buf, size_t len) {
  buf[0] = 0;
  for (int i = first; i < last; i++) {
    char a[640];
    attr_text(X509_NAME_get_entry(name, i), a, sizeof a);
    cat(buf, len, "+", a);
  }
}

/* One past the last entry of the RelativeDistinguishedName starting at i. */
static int rdn_end(const X509_NAME *name, int i, int count) {
  int set = X509_NAME_ENTRY_set(X509_NAME_get_entry(name, i));
  int j = i + 1;
  while (j < count && j - i < 64 && X509_NAME_ENTRY_set(X509_NAME_get_entry(name, j)) == set)
    j++;
  return j;
}

/* issuer / subject: Name CHOICE (rdnSequence 0), the RDNSequence, one
 * RDNSequence item per RelativeDistinguishedName and one
 * RelativeDistinguishedName item per attribute, as tshark shows them (the
 * issuer's RDNSequence is x509if.rdnSequence, the subject's
 * x509af.rdnSequence). */
/* A name as tshark writes it after an rdnSequence: its last RDN first,
 * "," between ("id-at-organizationName=x,id-at-commonName=y"); returns the
 * number of RDNs. */
static int name_all(const X509_NAME *name, char *all, size_t len) {
  int count = X509_NAME_entry_count(name);
  if (count > 256)
    count = 256;
  int nrdn = 0;
  all[0] = 0;
  for (int i = 0; i < count; nrdn++) {
    int j = rdn_end(name, i, count);
    i = j;
  }
  for (int k = nrdn - 1; k >= 0; k--) {
    int i = 0;
    for (int r = 0; r < k; r++)
      i = rdn_end(name, i, count);
    char one[1024];
    rdn_text(name, i, rdn_end(name, i, count), one, sizeof one);
    cat(all, len, ",", one);
  }
  return nrdn;
}

static void add_rdnseq(dx_packet *p, dx_node *nn, int seq_field, const dx_tvb *t, const der *d,
                       const X509_NAME *name);

static void add_name(dx_packet *p, dx_node *parent, int field, int seq_field, const dx_tvb *t,
                     const der *d, const X509_NAME *name, const char *label) {
  uint32_t off = d->ok ? d->off : 0, len = d->ok ? d->hlen + d->clen : t->len;
  dx_node *nn = dx_add_uint(p, parent, FL(field), t, off, len, 0);
  dx_node_set_text(p, nn, "%s: rdnSequence (0)", label);
  add_rdnseq(p, nn, seq_field, t, d, name);
}

/* The RDNSequence of a name (field seq_field) and its items under nn. */
static void add_rdnseq(dx_packet *p, dx_node *nn, int seq_field, const dx_tvb *t, const der *d,
                       const X509_NAME *name) {
  uint32_t off = d->ok ? d->off : 0, len = d->ok ? d->hlen + d->clen : t->len;
  int count = X509_NAME_entry_count(name);
  if (count > 256)
    count = 256;
  char all[1024];
  int nrdn = name_all(name, all, sizeof all);
  dx_node *sq = dx_add_uint(p, nn, FL(seq_field), t, d->ok ? der_content(d) : off,
                            d->ok ? d->clen : len, (uint64_t)nrdn);
  /* (the names appended as tshark appends them: cut at a label's 239 bytes) */
  dx_node_set_text(p, sq, "rdnSequence: %d item%s", nrdn, nrdn == 1 ? "" : "s");
  dx_node_append_text(p, sq, " (%s)", all);
  /* positions of the SETs and of the AttributeTypeAndValue sequences */
  der_it sets = der_children(t, d);
  for (int i = 0; i < count;) {
    int j = rdn_end(name, i, count);
    der set = der_next(&sets);
    uint32_t soff = set.ok ? set.off : off, slen = set.ok ? set.hlen + set.clen : len;
    char one[1024];
    bool single = j - i == 1; /* (its text is its attribute's, made below) */
    if (!single)
      rdn_text(name, i, j, one, sizeof one);
    dx_node *ri = dx_add_uint(p, sq, FL(F_RDNSEQ_ITEM), t, soff, slen, (uint64_t)(j - i));
    if (!single)
      dx_node_set_text(p, ri, "RDNSequence item: %d items (%s)", j - i, one);
    der_it in = der_children(t, &set);
    for (; i < j; i++) {
      der atv = der_next(&in);
      const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
      const ASN1_OBJECT *o = X509_NAME_ENTRY_get_object(e);
      const ASN1_STRING *s = X509_NAME_ENTRY_get_data(e);
      char dotted[128], nm[128], a[640];
      oid_text(o, dotted, sizeof dotted);
      oid_name(o, "2.5.4.", "id-at-", nm, sizeof nm);
      unsigned char *u = NULL;
      int ul = ASN1_STRING_to_UTF8(&u, s);
      attr_text_of(nm, u, ul, a, sizeof a);
      if (single)
        dx_node_set_text(p, ri, "RDNSequence item: 1 item (%s)", a);
      if (ul < 0)
        ul = 0;
      uint32_t ioff = atv.ok ? atv.off : soff, ilen = atv.ok ? atv.hlen + atv.clen : slen;
      dx_node *item = dx_add_none(p, ri, FL(F_RDN_ITEM), t, ioff, ilen);
      dx_node_set_text(p, item, "RelativeDistinguishedName item (%s)", a);
      der_it kv = der_children(t, &atv);
      der od = der_next(&kv), vd = der_next(&kv);
      dx_node *on = dx_add_string(p, item, FL(F_RDN_OID), t, od.ok ? od.off : ioff,
                                  od.ok ? od.hlen + od.clen : ilen, dotted, strlen(dotted));
      dx_node_set_text(p, on, "Object Id: %s (%s)", dotted, nm);
      dx_node *sp = item;
      int ch = dirstr_choice(ASN1_STRING_type(s));
      if (ch >= 0 && is_directory_string(dotted))
        sp = dx_add_uint(p, item, FL(F_DIRSTR), t, vd.ok ? vd.off : ioff,
                         vd.ok ? vd.hlen + vd.clen : ilen, (uint64_t)ch);
      dx_add_string(p, sp ? sp : item, FL(string_field(OBJ_obj2nid(o), ASN1_STRING_type(s))), t,
                    vd.ok ? der_content(&vd) : ioff, vd.ok ? vd.clen : ilen,
                    (const char *)(u ? u : (unsigned char *)""), (size_t)ul);
      OPENSSL_free(u);
    }
  }
}

static void add_alg(dx_packet *p, dx_node *parent, const dx_tvb *t, const der *d,
                    const X509_ALGOR *alg, const char *label) {
  const ASN1_OBJECT *o = NULL;
  X509_ALGOR_get0(&o, NULL, NULL, alg);
  char dotted[128], nm[128];
  oid_text(o, dotted, sizeof dotted);
  oid_name(o, "", NULL, nm, sizeof nm);
  der_it it = der_children(t, d);
  der od = der_next(&it);
  uint32_t off = od.ok ? od.off : (d->ok ? d->off : 0);
  uint32_t len = od.ok ? od.hlen + od.clen : (d->ok ? d->hlen + d->clen : t->len);
  dx_node *n = dx_add_string(p, parent, FL(F_ALG_ID), t, off, len, dotted, strlen(dotted));
  if (label)
    dx_node_set_text(p, n, "%s: %s (%s)", label, dotted, nm);
  else
    dx_node_set_text(p, n, "Algorithm Id: %s (%s)", dotted, nm);
}

/* An AlgorithmIdentifier SEQUENCE: "label (name)" with the Algorithm Id
 * under it. */
static void add_alg_elem(dx_packet *p, dx_node *parent, int field, const dx_tvb *t, const der *d,
                         const X509_ALGOR *alg, const char *label) {
  dx_node *n =
      dx_add_none(p, parent, FL(field), t, d->ok ? d->off : 0, d->ok ? d->hlen + d->clen : t->len);
  if (!alg)
    return;
  const ASN1_OBJECT *o = NULL;
  X509_ALGOR_get0(&o, NULL, NULL, alg);
  char nm[128];
  oid_name(o, "", NULL, nm, sizeof nm);
  dx_node_set_text(p, n, "%s (%s)", label, nm);
  add_alg(p, n ? n : parent, t, d, alg, NULL);
}

/* An EC key's parameters when they name a curve: ECParameters (the
 * CHOICE's namedCurve) and the curve's OID, under the algorithm. */
static void add_ec_params(dx_packet *p, dx_node *alg_node, const dx_tvb *t, const der *d,
                          const X509_ALGOR *alg) {
  const ASN1_OBJECT *o = NULL;
  X509_ALGOR_get0(&o, NULL, NULL, alg);
  if (!alg_node || !o || OBJ_obj2nid(o) != NID_X9_62_id_ecPublicKey)
    return;
  der_it it = der_children(t, d);
  der od = der_next(&it), pd = der_next(&it);
  if (!od.ok || !pd.ok || pd.tag != 0x06 || !pd.clen)
    return;
  dx_node *ep = dx_add_uint(p, alg_node, FL(F_EC_PARAMS), t, pd.off, pd.hlen + pd.clen, 1);
  const uint8_t *b = dx_get_ptr(t, pd.off, pd.hlen + pd.clen);
  const unsigned char *q = b;
  ASN1_OBJECT *curve = b ? d2i_ASN1_OBJECT(NULL, &q, (long)(pd.hlen + pd.clen)) : NULL;
  if (!curve)
    return;
  char dotted[128];
  oid_text(curve, dotted, sizeof dotted);
  int nid = OBJ_obj2nid(curve);
  /* tshark's (SEC 2) names where OpenSSL keeps the X9.62 ones */
  const char *nm = nid == NID_X9_62_prime256v1   ? "secp256r1"
                   : nid == NID_X9_62_prime192v1 ? "secp192r1"
                   : nid != NID_undef            ? OBJ_nid2sn(nid)
                                                 : dotted;
  dx_node *cn = dx_add_string(p, ep ? ep : alg_node, FL(F_EC_CURVE), t, der_content(&pd), pd.clen,
                              dotted, strlen(dotted));
  dx_node_set_text(p, cn, "namedCurve: %s (%s)", dotted, nm);
  ASN1_OBJECT_free(curve);
}

/* RSAPublicKey (PKCS #1) inside subjectPublicKey: modulus and exponent. */
static void add_rsa_key(dx_packet *p, dx_node *parent, const dx_tvb *t, uint32_t off,
                        uint32_t len) {
  if (!parent)
    return;
  der seq = der_read(t, off, off + len);
  if (!seq.ok || seq.tag != 0x30)
    return;
  der_it it = der_children(t, &seq);
  der m = der_next(&it), e = der_next(&it);
  if (!m.ok || m.tag != 0x02 || !m.clen)
    return;
  dx_node *mn = dx_add_bytes(p, parent, FL(F_PKCS1_MOD), t, der_content(&m), m.clen);
  if (mn && mn->v.b.p && dx_label_wanted(p, mn)) { /* (a ghost holds no bytes) */
    char hex[80];
    uint32_t lim = m.clen > 36 ? 36 : m.clen;
    for (uint32_t i = 0; i < lim; i++)
      snprintf(hex + 2 * i, sizeof hex - 2 * i, "%02x", mn->v.b.p[i]);
    hex[2 * lim] = 0;
    dx_node_set_text(p, mn, "modulus: 0x%s%s", hex, lim < m.clen ? "\xe2\x80\xa6" : "");
  }
  if (e.ok && e.tag == 0x02 && e.clen >= 1 && e.clen <= 4) {
    int64_t v = 0;
    for (uint32_t i = 0; i < e.clen; i++) {
      uint8_t b = 0;
      dx_get_u8(t, der_content(&e) + i, &b);
      v = i == 0 && (b & 0x80) ? -1 : v;
      v = (int64_t)((uint64_t)v << 8) | b;
    }
    dx_add_int(p, parent, FL(F_PKCS1_EXP), t, der_content(&e), e.clen, (int32_t)v);
  }
}

static const char *const ku_names[9] = {"digitalSignature", "contentCommitment", "keyEncipherment",
                                        "dataEncipherment", "keyAgreement",      "keyCertSign",
                                        "cRLSign",          "encipherOnly",      "decipherOnly"};

/* ---- extensions ------------------------------------------------------- */
typedef struct cert_sum {
  bool is_ca;
  char ku[200];
} cert_sum;

static void ext_key_usage(dx_packet *p, dx_node *en, const dx_tvb *t, uint32_t off, uint32_t len,
                          X509_EXTENSION *ex, cert_sum *sum) {
  ASN1_BIT_STRING *bs = X509V3_EXT_d2i(ex);
  if (!bs)
    return;
  int n = ASN1_STRING_length(bs);
  const unsigned char *d = ASN1_STRING_get0_data(bs);
  der bsd = der_read(t, off, off + len); /* the BIT STRING: its unused bits first */
  if (bsd.ok && bsd.tag == 0x03 && bsd.clen >= 1)
    dx_add_item(p, en, FL(F_BS_PADDING), t, der_content(&bsd), 1);
  dx_node *kn = dx_add_bytes_val(p, en, FL(F_KU), t, off, len, d, (uint32_t)(n > 0 ? n : 0));
  size_t u = 0;
  sum->ku[0] = 0;
  for (int i = 0; i < 9; i++) {
    bool set = ASN1_BIT_STRING_get_bit(bs, i) != 0;
    dx_add_uint(p, kn, FL(F_KU_DS + i), t, off, len, set);
    if (set && u < sizeof sum->ku) {
      int w = snprintf(sum->ku + u, sizeof sum->ku - u, "%s%s", u ? ", " : "", ku_names[i]);
      if (w > 0)
        u += (size_t)w;
    }
  }
  char hex[8] = "";
  for (int i = 0; i < n && i < 2; i++)
    snprintf(hex + 2 * i, sizeof hex - 2 * (size_t)i, "%02x", d[i]);
  dx_node_set_text(p, kn, "KeyUsage: %s", hex); /* (the bits' names below, as tshark) */
  ASN1_BIT_STRING_free(bs);
}

static void ext_eku(dx_packet *p, dx_node *en, const dx_tvb *t, uint32_t off, uint32_t len,
                    X509_EXTENSION *ex) {
  EXTENDED_KEY_USAGE *eku = X509V3_EXT_d2i(ex);
  if (!eku)
    return;
  int n = sk_ASN1_OBJECT_num(eku);
  dx_node *g = dx_add_uint(p, en, FL(F_KPIDS), t, off, len, (uint64_t)(n > 0 ? n : 0));
  dx_node_set_text(p, g, "KeyPurposeIDs: %d item%s", n, n == 1 ? "" : "s");
  for (int i = 0; i < n && i < 64; i++) {
    const ASN1_OBJECT *o = sk_ASN1_OBJECT_value(eku, i);
    char dotted[128], nm[128];
    oid_text(o, dotted, sizeof dotted);
    oid_name(o, "1.3.6.1.5.5.7.3.", "id-kp-", nm, sizeof nm);
    if (OBJ_obj2nid(o) == NID_OCSP_sign)
      snprintf(nm, sizeof nm, "OCSPSigning"); /* (tshark's name, without "id-kp-") */
    dx_node *k = dx_add_string(p, g, FL(F_KPID), t, off, len, dotted, strlen(dotted));
    dx_node_set_text(p, k, "KeyPurposeId: %s (%s)", dotted, nm);
  }
  EXTENDED_KEY_USAGE_free(eku);
}

/* ---- the extensions decoded from their DER (positions as tshark's BER:
 * a SEQUENCE's item covers its TLV, a SEQUENCE OF's, an OID's and a
 * string's their contents, a CHOICE's its alternative's) ---------------- */

/* Where a TLV's contents lie, for the items over them. */
#define DER_C(d) der_content(d), (d)->clen
#define DER_ALL(d) (d)->off, (d)->hlen + (d)->clen

/* The dotted text of the OID TLV d; false if it is not one. */
static bool der_oid(const dx_tvb *t, const der *d, char *buf, size_t len) {
  buf[0] = 0;
  if (!d->ok || d->tag != 0x06 || !d->clen || d->clen > 64)
    return false;
  const uint8_t *b = dx_get_ptr(t, d->off, d->hlen + d->clen);
  const unsigned char *q = b;
  ASN1_OBJECT *o = b ? d2i_ASN1_OBJECT(NULL, &q, (long)(d->hlen + d->clen)) : NULL;
  if (!o)
    return false;
  oid_text(o, buf, len);
  ASN1_OBJECT_free(o);
  return buf[0] != 0;
}

/* tshark's name of an OID of these extensions: its own name, else the
 * name of its longest named prefix and the arcs after it
 * ("joint-iso-itu-t.23.140.1.2.1", "US company arc.114412.1.1"). */
static void oid_resolved(const char *dotted, char *buf, size_t len) {
  static const char *const names[][2] = {
      {"1.3.6.1.5.5.7.48.1", "id-ad-ocsp"},
      {"1.3.6.1.5.5.7.48.2", "id-ad-caIssuers"},
      {"1.3.6.1.5.5.7.2.1", "id-qt-cps"},
      {"1.3.6.1.5.5.7.2.2", "id-qt-unotice"},
      {"2.5.29.32.0", "anyPolicy"},
      {"1.3.6.1.5.5.7.1.1", "id-pe-authorityInfoAccess"},
      {"1.3.6.1.5.5.7.1.11", "id-pe-subjectInfoAccess"},
      {"1.3.6.1.4.1.11129.2.4.2", "SignedCertificateTimestampList"},
      {"1.3.6.1.5.5.7.48.1.1", "id-pkix-ocsp-basic"},
      {"1.3.6.1.5.5.7.48.1.2", "id-pkix-ocsp-nonce"},
      {"1.3.6.1.5.5.7.48.1.3", "id-pkix-ocsp-crl"},
      {"1.3.6.1.5.5.7.48.1.4", "id-pkix-ocsp-response"},
      {"1.3.6.1.5.5.7.48.1.5", "id-pkix-ocsp-nocheck"},
      {"1.3.6.1.5.5.7.48.1.6", "id-pkix-ocsp-archive-cutoff"},
      {"1.3.6.1.5.5.7.48.1.7", "id-pkix-ocsp-service-locator"}};
  static const char *const arcs[][2] = {{"1.3.6.1.5.5.7.48.1", "id-ad-ocsp"},
                                        {"1.3.6.1.5.5.7", "id-pkix"},
                                        {"2.16.840.1", "US company arc"},
                                        {"0", "itu-t"},
                                        {"1", "iso"},
                                        {"2", "joint-iso-itu-t"}};
  for (size_t i = 0; i < DX_ARRAY_LEN(names); i++)
    if (!strcmp(dotted, names[i][0])) {
      snprintf(buf, len, "%s", names[i][1]);
      return;
    }
  for (size_t i = 0; i < DX_ARRAY_LEN(arcs); i++) { /* (longest first) */
    size_t n = strlen(arcs[i][0]);
    if (!strncmp(dotted, arcs[i][0], n) && dotted[n] == '.') {
      snprintf(buf, len, "%s%s", arcs[i][1], dotted + n);
      return;
    }
  }
  snprintf(buf, len, "%s", dotted);
}

/* An OID item "label: 1.2.3 (name)" over the OID's contents. */
static bool add_oid(dx_packet *p, dx_node *parent, int field, const dx_tvb *t, const der *d,
                    const char *label) {
  char dotted[160], nm[200];
  if (!der_oid(t, d, dotted, sizeof dotted))
    return false;
  oid_resolved(dotted, nm, sizeof nm);
  dx_node *n = dx_add_string(p, parent, FL(field), t, DER_C(d), dotted, strlen(dotted));
  dx_node_set_text(p, n, "%s: %s (%s)", label, dotted, nm);
  return true;
}

/* A string's contents as UTF-8: BMPString's UTF-16 code units converted,
 * the others as they are (the output escapes what does not print). */
static const char *der_str(dx_packet *p, const dx_tvb *t, const der *d, size_t *slen) {
  const uint8_t *b = dx_get_ptr(t, der_content(d), d->clen);
  *slen = 0;
  if (!b)
    return "";
  if (d->tag != 0x1e) {
    *slen = d->clen;
    return (const char *)b;
  }
  char *u = dx_arena_alloc(&p->arena, (size_t)d->clen / 2 * 3 + 1);
  if (!u)
    return "";
  size_t k = 0;
  for (uint32_t i = 0; i + 1 < d->clen; i += 2) {
    unsigned c = (unsigned)b[i] << 8 | b[i + 1];
    if (c < 0x80) {
      u[k++] = (char)c;
    } else if (c < 0x800) {
      u[k++] = (char)(0xc0 | c >> 6);
      u[k++] = (char)(0x80 | (c & 0x3f));
    } else {
      u[k++] = (char)(0xe0 | c >> 12);
      u[k++] = (char)(0x80 | (c >> 6 & 0x3f));
      u[k++] = (char)(0x80 | (c & 0x3f));
    }
  }
  u[k] = 0;
  *slen = k;
  return u;
}

/* One GeneralName (the CHOICE's TLV g) under parent: the CHOICE item of
 * `field` (GeneralName, accessLocation) and the name under it. The tags
 * are GeneralName's (RFC 5280): [1] rfc822Name, [2] dNSName, [4]
 * directoryName (a Name, explicit), [6] URI, [7] iPAddress; the others
 * keep only the CHOICE item. False if g is no GeneralName. */
static bool add_gname_f(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                        const der *g) {
  if (!g->ok || (g->tag & 0xc0) != 0x80 || (g->tag & 0x1f) > 8)
    return false;
  unsigned type = g->tag & 0x1f;
  bool cons = (g->tag & 0x20) != 0;
  if (cons != (type == 0 || type == 3 || type == 4 || type == 5))
    return false;
  dx_node *c = dx_add_uint(p, parent, f, t, DER_C(g), type);
  if (!c)
    return true;
  switch (type) {
  case 1:
  case 2:
  case 6: {
    size_t sl = 0;
    const char *s = der_str(p, t, g, &sl);
    dx_add_string(p, c, FL(type == 2 ? F_DNS : type == 1 ? F_RFC822 : F_URI), t, DER_C(g), s, sl);
    return true;
  }
  case 7: {
    const uint8_t *a = dx_get_ptr(t, der_content(g), g->clen);
    if (a && g->clen == 4)
      dx_add_uint(p, c, FL(F_IPV4), t, DER_C(g),
                  (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3]);
    else if (a && g->clen == 16)
      dx_add_bytes_val(p, c, FL(F_IPV6), t, DER_C(g), a, 16);
    return true;
  }
  case 4: {
    der_it it = der_children(t, g);
    der nd = der_next(&it);
    const uint8_t *b = nd.ok ? dx_get_ptr(t, DER_ALL(&nd)) : NULL;
    const unsigned char *q = b;
    X509_NAME *nm = b && nd.tag == 0x30 ? d2i_X509_NAME(NULL, &q, (long)(nd.hlen + nd.clen)) : NULL;
    if (!nm)
      return false;
    add_name(p, c, F_DIRNAME, F_IF_RDNSEQ, t, &nd, nm, "directoryName");
    X509_NAME_free(nm);
    return true;
  }
  default: return true;
  }
}

static bool add_gname(dx_packet *p, dx_node *parent, int field, const dx_tvb *t, const der *g) {
  return add_gname_f(p, parent, FL(field), t, g);
}

bool dx_x509_general_name(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                          const dx_der *g) {
  return add_gname_f(p, parent, f, t, g);
}

/* GeneralNames (a SEQUENCE OF GeneralName whose contents are [off, end))
 * under parent, as its items. False if one does not parse. */
static bool add_gnames(dx_packet *p, dx_node *parent, const dx_tvb *t, const der *seq) {
  der_it it = der_children(t, seq);
  for (int i = 0; it.pos < it.end; i++) {
    der g = der_next(&it);
    if (i >= 256 || !add_gname(p, parent, F_GNAME, t, &g))
      return false;
  }
  return true;
}

/* The number of TLVs in the contents of d (at most 1024), -1 if they do not
 * parse to its end. */
static int der_count(const dx_tvb *t, const der *d) {
  der_it it = der_children(t, d);
  int n = 0;
  while (it.pos < it.end) {
    der c = der_next(&it);
    if (!c.ok || ++n > 1024)
      return -1;
  }
  return n;
}

/* "label: N item(s)" over the contents of the SEQUENCE OF d. */
static dx_node *add_seq_of(dx_packet *p, dx_node *parent, int field, const dx_tvb *t, const der *d,
                           const char *label) {
  int n = der_count(t, d);
  if (n < 0)
    return NULL;
  dx_node *g = dx_add_uint(p, parent, FL(field), t, DER_C(d), (uint64_t)n);
  dx_node_set_text(p, g, "%s: %d item%s", label, n, n == 1 ? "" : "s");
  return g ? g : parent;
}

/* The extension's value (the OCTET STRING's contents) as one TLV of tag
 * `tag` that fills it. */
static der ext_value(const dx_tvb *t, uint32_t off, uint32_t len, uint8_t tag) {
  der d = der_read(t, off, off + len);
  if (d.ok && (d.tag != tag || der_end(&d) != off + len))
    d.ok = false;
  return d;
}

static bool ext_san(dx_packet *p, dx_node *en, const dx_tvb *t, uint32_t off, uint32_t len) {
  der v = ext_value(t, off, len, 0x30);
  dx_node *g = v.ok ? add_seq_of(p, en, F_GNAMES, t, &v, "GeneralNames") : NULL;
  return g && add_gnames(p, g, t, &v);
}

/* AuthorityInfoAccessSyntax (RFC 5280 4.2.2.1): SEQUENCE OF
 * AccessDescription { accessMethod OID, accessLocation GeneralName }. */
static bool ext_aia(dx_packet *p, dx_node *en, const dx_tvb *t, uint32_t off, uint32_t len) {
  der v = ext_value(t, off, len, 0x30);
  dx_node *g = v.ok ? add_seq_of(p, en, F_AIA, t, &v, "AuthorityInfoAccessSyntax") : NULL;
  return g && dx_x509_access_descriptions(p, g, t, &v);
}

bool dx_x509_access_descriptions(dx_packet *p, dx_node *g, const dx_tvb *t, const dx_der *v) {
  der_it it = der_children(t, v);
  while (it.pos < it.end) {
    der ad = der_next(&it);
    if (ad.tag != 0x30)
      return false;
    dx_node *a = dx_add_none(p, g, FL(F_AD), t, DER_ALL(&ad));
    der_it ai = der_children(t, &ad);
    der m = der_next(&ai), loc = der_next(&ai);
    if (!add_oid(p, a ? a : g, F_AD_METHOD, t, &m, "accessMethod") ||
        !add_gname(p, a ? a : g, F_AD_LOC, t, &loc) || ai.pos != ai.end)
      return false;
  }
  return true;
}

/* DisplayText (ia5String, visibleString, bmpString, utf8String): the
 * CHOICE item of `field` and the string. */
static bool add_display_text(dx_packet *p, dx_node *parent, int field, const dx_tvb *t,
                             const der *d) {
  int ch = !d->ok           ? -1
           : d->tag == 0x16 ? 0
           : d->tag == 0x1a ? 1
           : d->tag == 0x1e ? 2
           : d->tag == 0x0c ? 3
                            : -1;
  if (ch < 0)
    return false;
  /* (the CHOICE item over the string's TLV: its tags are the strings') */
  dx_node *c = dx_add_uint(p, parent, FL(field), t, DER_ALL(d), (uint64_t)ch);
  size_t sl = 0;
  const char *s = der_str(p, t, d, &sl);
  dx_add_string(p, c ? c : parent, FL(F_DT_IA5 + ch), t, DER_C(d), s, sl);
  return true;
}

/* UserNotice ::= SEQUENCE { noticeRef NoticeReference OPTIONAL,
 * explicitText DisplayText OPTIONAL }, NoticeReference ::= SEQUENCE {
 * organization DisplayText, noticeNumbers SEQUENCE OF INTEGER }. */
static bool add_user_notice(dx_packet *p, dx_node *parent, const dx_tvb *t, const der *un) {
  if (!un->ok || un->tag != 0x30)
    return false;
  dx_node *u = dx_add_none(p, parent, FL(F_UN), t, DER_ALL(un));
  if (!u)
    u = parent;
  der_it it = der_children(t, un);
  der e = der_next(&it);
  if (e.ok && e.tag == 0x30) {
    dx_node *r = dx_add_none(p, u, FL(F_NOTICEREF), t, DER_ALL(&e));
    der_it ri = der_children(t, &e);
    der org = der_next(&ri), nums = der_next(&ri);
    if (!add_display_text(p, r ? r : u, F_ORG, t, &org) || !nums.ok || nums.tag != 0x30 ||
        ri.pos != ri.end)
      return false;
    dx_node *ns = add_seq_of(p, r ? r : u, F_NOTICENUMS, t, &nums, "noticeNumbers");
    if (!ns)
      return false;
    der_it ni = der_children(t, &nums);
    while (ni.pos < ni.end) {
      der n = der_next(&ni);
      if (n.tag != 0x02 || n.clen < 1 || n.clen > 4)
        return false;
      int64_t v = 0;
      for (uint32_t i = 0; i < n.clen; i++) {
        uint8_t b = 0;
        dx_get_u8(t, der_content(&n) + i, &b);
        v = i == 0 && (b & 0x80) ? -1 : v;
        v = (int64_t)((uint64_t)v << 8) | b;
      }
      dx_add_int(p, ns, FL(F_NOTICENUM), t, DER_C(&n), (int32_t)v);
    }
    e = der_next(&it);
  }
  if (e.ok && !add_display_text(p, u, F_EXPLICIT, t, &e))
    return false;
  return it.pos == it.end;
}

/* CertificatePoliciesSyntax (RFC 5280 4.2.1.4): SEQUENCE OF
 * PolicyInformation { policyIdentifier OID, policyQualifiers SEQUENCE OF
 * PolicyQualifierInfo { policyQualifierId OID, qualifier ANY } OPTIONAL };
 * the qualifiers tshark knows: the CPS URI (an IA5String) and the user
 * notice. */
static bool ext_policies(dx_packet *p, dx_node *en, const dx_tvb *t, uint32_t off, uint32_t len) {
  der v = ext_value(t, off, len, 0x30);
  dx_node *g = v.ok ? add_seq_of(p, en, F_CP, t, &v, "CertificatePoliciesSyntax") : NULL;
  if (!g)
    return false;
  der_it it = der_children(t, &v);
  while (it.pos < it.end) {
    der pi = der_next(&it);
    if (pi.tag != 0x30)
      return false;
    dx_node *pn = dx_add_none(p, g, FL(F_PI), t, DER_ALL(&pi));
    if (!pn)
      pn = g;
    der_it ii = der_children(t, &pi);
    der id = der_next(&ii);
    if (!add_oid(p, pn, F_POLICY_ID, t, &id, "policyIdentifier"))
      return false;
    if (ii.pos == ii.end)
      continue;
    der qs = der_next(&ii);
    dx_node *qn = qs.ok && qs.tag == 0x30 && ii.pos == ii.end
                      ? add_seq_of(p, pn, F_PQS, t, &qs, "policyQualifiers")
                      : NULL;
    if (!qn)
      return false;
    der_it qi = der_children(t, &qs);
    while (qi.pos < qi.end) {
      der q = der_next(&qi);
      if (q.tag != 0x30)
        return false;
      dx_node *q1 = dx_add_none(p, qn, FL(F_PQI), t, DER_ALL(&q));
      if (!q1)
        q1 = qn;
      der_it ei = der_children(t, &q);
      der qid = der_next(&ei), qv = der_next(&ei);
      char dotted[160];
      if (!add_oid(p, q1, F_PQ_ID, t, &qid, "Id") || !der_oid(t, &qid, dotted, sizeof dotted) ||
          ei.pos != ei.end)
        return false;
      if (!strcmp(dotted, "1.3.6.1.5.5.7.2.1")) {
        if (!qv.ok || qv.tag != 0x16)
          return false;
        size_t sl = 0;
        const char *s = der_str(p, t, &qv, &sl);
        dx_add_string(p, q1, FL(F_CPS), t, DER_C(&qv), s, sl);
      } else if (!strcmp(dotted, "1.3.6.1.5.5.7.2.2")) {
        if (qv.ok && !add_user_notice(p, q1, t, &qv))
          return false;
      }
    }
  }
  return true;
}

static const int rf_fields[9] = {F_RF_UNUSED, F_RF_KC, F_RF_CAC, F_RF_AC, F_RF_SUP,
                                 F_RF_CO,     F_RF_CH, F_RF_PW,  F_RF_AAC};

/* CRLDistPointsSyntax (RFC 5280 4.2.1.13): SEQUENCE OF DistributionPoint
 * { distributionPoint [0] DistributionPointName (fullName [0]
 * GeneralNames, nameRelativeToCRLIssuer [1]), reasons [1] ReasonFlags,
 * cRLIssuer [2] GeneralNames }, all OPTIONAL. */
static bool ext_crldp(dx_packet *p, dx_node *en, const dx_tvb *t, uint32_t off, uint32_t len) {
  der v = ext_value(t, off, len, 0x30);
  dx_node *g = v.ok ? add_seq_of(p, en, F_CRLDP, t, &v, "CRLDistPointsSyntax") : NULL;
  if (!g)
    return false;
  der_it it = der_children(t, &v);
  while (it.pos < it.end) {
    der dp = der_next(&it);
    if (dp.tag != 0x30)
      return false;
    dx_node *dn = dx_add_none(p, g, FL(F_DP), t, DER_ALL(&dp));
    if (!dn)
      dn = g;
    der_it di = der_children(t, &dp);
    int last = -1;
    while (di.pos < di.end) {
      der e = der_next(&di);
      int k = e.ok && (e.tag & 0xc0) == 0x80 ? e.tag & 0x1f : 3;
      if (k > 2 || k <= last)
        return false;
      last = k;
      if (k == 0) { /* [0] (explicit, a CHOICE) */
        der_it ci = der_children(t, &e);
        der nm = der_next(&ci);
        if (!nm.ok || ci.pos != ci.end || (nm.tag != 0xa0 && nm.tag != 0xa1))
          return false;
        bool full = nm.tag == 0xa0;
        dx_node *c = dx_add_uint(p, dn, FL(F_DPNAME), t, DER_C(&nm), full ? 0 : 1);
        if (full) {
          dx_node *f = add_seq_of(p, c ? c : dn, F_FULLNAME, t, &nm, "fullName");
          if (!f || !add_gnames(p, f, t, &nm))
            return false;
        }
      } else if (k == 1) { /* ReasonFlags, a BIT STRING */
        if (e.tag != 0x81 || e.clen < 1 || e.clen > 3)
          return false;
        dx_add_item(p, dn, FL(F_BS_PADDING), t, der_content(&e), 1);
        const uint8_t *b = dx_get_ptr(t, der_content(&e) + 1, e.clen - 1);
        dx_node *rn = dx_add_bytes(p, dn, FL(F_REASONS), t, der_content(&e) + 1, e.clen - 1);
        if (rn && b)
          for (int i = 0; i < 9; i++) {
            uint32_t byte = (uint32_t)i / 8;
            bool set = byte < e.clen - 1 && (b[byte] >> (7 - i % 8) & 1);
            dx_add_uint(p, rn, FL(rf_fields[i]), t,
                        der_content(&e) + 1 + (byte < e.clen - 1 ? byte : 0),
                        byte < e.clen - 1 ? 1 : e.clen - 1, set);
          }
      } else {
        dx_node *f = add_seq_of(p, dn, F_CRLISSUER, t, &e, "cRLIssuer");
        if (!f || !add_gnames(p, f, t, &e))
          return false;
      }
    }
  }
  return true;
}

/* Known Certificate Transparency logs (their IDs: the SHA-256 of the
 * log's key), named as tshark names them. */
static const struct {
  uint8_t id[32];
  const char *name;
} ct_logs[] = {
    {{0xa4, 0xb9, 0x09, 0x90, 0xb4, 0x18, 0x58, 0x14, 0x87, 0xbb, 0x13,
      0xa2, 0xcc, 0x67, 0x70, 0x0a, 0x3c, 0x35, 0x98, 0x04, 0xf9, 0x1b,
      0xdf, 0xb8, 0xe3, 0x77, 0xcd, 0x0e, 0xc8, 0x0d, 0xdc, 0x10},
     "Google 'Pilot' log"},
    {{0x68, 0xf6, 0x98, 0xf8, 0x1f, 0x64, 0x82, 0xbe, 0x3a, 0x8c, 0xee,
      0xb9, 0x28, 0x1d, 0x4c, 0xfc, 0x71, 0x51, 0x5d, 0x67, 0x93, 0xd4,
      0x44, 0xd1, 0x0a, 0x67, 0xac, 0xbb, 0x4f, 0x4f, 0xfb, 0xc4},
     "Google 'Aviator' log"},
    {{0xee, 0x4b, 0xbd, 0xb7, 0x75, 0xce, 0x60, 0xba, 0xe1, 0x42, 0x69,
      0x1f, 0xab, 0xe1, 0x9e, 0x66, 0xa3, 0x0f, 0x7e, 0x5f, 0xb0, 0x72,
      0xd8, 0x83, 0x00, 0xc4, 0x7b, 0x89, 0x7a, 0xa8, 0xfd, 0xcb},
     "Google 'Rocketeer' log"},
    {{0x56, 0x14, 0x06, 0x9a, 0x2f, 0xd7, 0xc2, 0xec, 0xd3, 0xf5, 0xe1,
      0xbd, 0x44, 0xb2, 0x3e, 0xc7, 0x46, 0x76, 0xb9, 0xbc, 0x99, 0x11,
      0x5c, 0xc0, 0xef, 0x94, 0x98, 0x55, 0xd6, 0x89, 0xd0, 0xdd},
     "DigiCert Log Server"},
    {{0x7d, 0x3e, 0xf2, 0xf8, 0x8f, 0xff, 0x88, 0x55, 0x68, 0x24, 0xc2,
      0xc0, 0xca, 0x9e, 0x52, 0x89, 0x79, 0x2b, 0xc5, 0x0e, 0x78, 0x09,
      0x7f, 0x2e, 0x6a, 0x97, 0x68, 0x99, 0x7e, 0x22, 0xf0, 0xd7},
     "Google 'Xenon2021' log"},
    {{0x5c, 0xdc, 0x43, 0x92, 0xfe, 0xe6, 0xab, 0x45, 0x44, 0xb1, 0x5e,
      0x9a, 0xd4, 0x56, 0xe6, 0x10, 0x37, 0xfb, 0xd5, 0xfa, 0x47, 0xdc,
      0xa1, 0x73, 0x94, 0xb2, 0x5e, 0xe6, 0xf6, 0xc7, 0x0e, 0xca},
     "DigiCert Yeti2021 Log"},
};

/* One SCT (RFC 6962 3.2) in [off, end): false if it does not fit. */
static bool add_sct(dx_packet *p, dx_node *s, const dx_tvb *t, uint32_t off, uint32_t end) {
  uint8_t ver = 0;
  if (!dx_get_u8(t, off, &ver) || off + 1 > end)
    return false;
  dx_add_item(p, s, FL(F_SCT_VER), t, off, 1);
  off++;
  if (ver != 0) /* (another version: its layout is unknown) */
    return true;
  const uint8_t *id = end - off >= 32 ? dx_get_ptr(t, off, 32) : NULL;
  uint64_t ms = 0;
  uint16_t xl = 0, sl = 0;
  if (!id || end - off < 42 || !dx_get_u64(t, off + 32, &ms) || !dx_get_u16(t, off + 40, &xl))
    return false;
  dx_add_bytes(p, s, FL(F_SCT_LOGID), t, off, 32);
  const char *log = "Unknown Log";
  for (size_t i = 0; i < DX_ARRAY_LEN(ct_logs); i++)
    if (!memcmp(ct_logs[i].id, id, 32))
      log = ct_logs[i].name;
  dx_node_append_text(p, s, " (%s)", log);
  dx_add_time(p, s, FL(F_SCT_TS), t, off + 32, 8, (int64_t)(ms / 1000),
              (int32_t)(ms % 1000) * 1000000);
  off += 40;
  dx_add_item(p, s, FL(F_SCT_EXTS_LEN), t, off, 2);
  off += 2;
  if (xl > end - off)
    return false;
  if (xl)
    dx_add_none(p, s, FL(F_SCT_EXTS), t, off, xl);
  off += xl;
  /* digitally-signed: SignatureAndHashAlgorithm, then the signature */
  if (end - off < 4 || !dx_get_u16(t, off + 2, &sl))
    return false;
  const dx_field *fa = tls_field(p, "tls.handshake.sig_hash_alg");
  dx_node *an = fa ? dx_add_item(p, s, fa, t, off, 2) : NULL;
  const dx_field *fh = tls_field(p, "tls.handshake.sig_hash_hash"),
                 *fs = tls_field(p, "tls.handshake.sig_hash_sig");
  if (an && fh && fs) {
    dx_add_item(p, an, fh, t, off, 1);
    dx_add_item(p, an, fs, t, off + 1, 1);
  }
  off += 2;
  dx_add_item(p, s, FL(F_SCT_SIG_LEN), t, off, 2);
  off += 2;
  if (sl > end - off)
    return false;
  dx_add_bytes(p, s, FL(F_SCT_SIG), t, off, sl);
  return off + sl == end;
}

/* SignedCertificateTimestampList (RFC 6962 3.3): the extension's value is
 * an OCTET STRING holding opaque SerializedSCT sct_list<1..2^16-1>, each
 * SerializedSCT an SCT<1..2^16-1>. */
static bool ext_scts(dx_packet *p, dx_node *en, const dx_tvb *t, uint32_t off, uint32_t len) {
  der v = ext_value(t, off, len, 0x04);
  uint16_t ll = 0;
  if (!v.ok || v.clen < 2 || !dx_get_u16(t, der_content(&v), &ll))
    return false;
  uint32_t pos = der_content(&v), end = der_end(&v);
  dx_add_item(p, en, FL(F_SCTS_LEN), t, pos, 2);
  pos += 2;
  if (ll != end - pos)
    return false;
  for (int i = 0; pos < end && i < 256; i++) {
    uint16_t n = 0;
    if (end - pos < 2 || !dx_get_u16(t, pos, &n) || n > end - pos - 2)
      return false;
    dx_node *s = dx_add_none(p, en, FL(F_SCT), t, pos, 2 + (uint32_t)n);
    if (!s)
      s = en;
    dx_node_set_text(p, s, "Signed Certificate Timestamp");
    dx_add_item(p, s, FL(F_SCT_LEN), t, pos, 2);
    if (!add_sct(p, s, t, pos + 2, pos + 2 + n))
      return false;
    pos += 2 + (uint32_t)n;
  }
  return pos == end;
}

static void extension(dx_packet *p, dx_node *parent, const dx_tvb *t, const der *d,
                      X509_EXTENSION *ex, cert_sum *sum) {
  const ASN1_OBJECT *o = X509_EXTENSION_get_object(ex);
  char dotted[128], nm[128];
  oid_text(o, dotted, sizeof dotted);
  oid_name(o, "2.5.29.", "id-ce-", nm, sizeof nm);
  if (!strncmp(dotted, "1.3.6.1.5.5.7.1.", 16) || !strncmp(dotted, "1.3.6.1.5.5.7.48.1.", 19) ||
      !strcmp(dotted, "1.3.6.1.4.1.11129.2.4.2"))
    oid_resolved(dotted, nm, sizeof nm); /* (tshark's names, not OpenSSL's) */
  uint32_t eoff = d->ok ? d->off : 0, elen = d->ok ? d->hlen + d->clen : t->len;
  dx_node *en = dx_add_none(p, parent, FL(F_EXTENSION), t, eoff, elen);
  dx_node_set_text(p, en, "Extension (%s)", nm);
  der_it it = der_children(t, d);
  der od = der_next(&it), nx = der_next(&it);
  der val = nx;
  if (nx.ok && nx.tag == 0x01)
    val = der_next(&it);
  dx_node *on = dx_add_string(p, en, FL(F_EXT_ID), t, od.ok ? od.off : eoff,
                              od.ok ? od.hlen + od.clen : elen, dotted, strlen(dotted));
  dx_node_set_text(p, on, "Extension Id: %s (%s)", dotted, nm);
  if (X509_EXTENSION_get_critical(ex))
    dx_add_uint(p, en, FL(F_CRITICAL), t, nx.ok ? nx.off : eoff, nx.ok ? nx.hlen + nx.clen : elen,
                1);
  uint32_t voff = val.ok ? der_content(&val) : eoff, vlen = val.ok ? val.clen : elen;
  bool ok = true;
  switch (OBJ_obj2nid(o)) {
  case NID_basic_constraints: {
    BASIC_CONSTRAINTS *bc = X509V3_EXT_d2i(ex);
    if (!bc)
      break;
    dx_node *b = dx_add_none(p, en, FL(F_BC), t, voff, vlen);
    if (!bc->ca && !bc->pathlen) /* an empty SEQUENCE: both fields left at DEFAULT */
      dx_node_set_text(p, b, "BasicConstraintsSyntax [0 length]");
    if (bc->ca) {
      dx_add_uint(p, b, FL(F_CA), t, voff, vlen, 1);
      sum->is_ca = true;
    }
    if (bc->pathlen) {
      long pl = ASN1_INTEGER_get(bc->pathlen);
      if (pl >= 0)
        dx_add_uint(p, b, FL(F_PATHLEN), t, voff, vlen, (uint64_t)pl);
    }
    BASIC_CONSTRAINTS_free(bc);
    break;
  }
  case NID_key_usage: ext_key_usage(p, en, t, voff, vlen, ex, sum); break;
  case NID_ext_key_usage: ext_eku(p, en, t, voff, vlen, ex); break;
  case NID_subject_alt_name: ok = ext_san(p, en, t, voff, vlen); break;
  case NID_info_access: ok = ext_aia(p, en, t, voff, vlen); break;
  case NID_certificate_policies: ok = ext_policies(p, en, t, voff, vlen); break;
  case NID_crl_distribution_points: ok = ext_crldp(p, en, t, voff, vlen); break;
  case NID_ct_precert_scts: ok = ext_scts(p, en, t, voff, vlen); break;
  case NID_subject_key_identifier: {
    ASN1_OCTET_STRING *ski = X509V3_EXT_d2i(ex);
    if (!ski)
      break;
    dx_add_bytes_val(p, en, FL(F_SKI), t, voff, vlen, ASN1_STRING_get0_data(ski),
                     (uint32_t)ASN1_STRING_length(ski));
    ASN1_OCTET_STRING_free(ski);
    break;
  }
  case NID_authority_key_identifier: {
    AUTHORITY_KEYID *aki = X509V3_EXT_d2i(ex);
    if (!aki)
      break;
    dx_node *a = dx_add_none(p, en, FL(F_AKI), t, voff, vlen);
    if (aki->keyid)
      dx_add_bytes_val(p, a, FL(F_KEYID), t, voff, vlen, ASN1_STRING_get0_data(aki->keyid),
                       (uint32_t)ASN1_STRING_length(aki->keyid));
    AUTHORITY_KEYID_free(aki);
    break;
  }
  default: /* (OCSP's own: id-pkix-ocsp-nocheck in a responder's certificate) */
    if (val.ok)
      dx_ocsp_extension_value(p, en, t, dotted, &val);
    break;
  }
  if (!ok)
    dx_mark_malformed(p, en, "%s: the extension's value does not parse", nm);
}

/* ---- the certificate -------------------------------------------------- */
static void summary(dx_packet *p, dx_node *parent, const dx_tvb *t, X509 *x, const der *spki) {
  EVP_PKEY *pk = X509_get0_pubkey(x);
  const ASN1_OBJECT *ko = NULL;
  X509_PUBKEY_get0_param((ASN1_OBJECT **)&ko, NULL, NULL, NULL, X509_get_X509_PUBKEY(x));
  uint32_t off = spki->ok ? spki->off : 0, len = spki->ok ? spki->hlen + spki->clen : t->len;
  if (ko) {
    char nm[128];
    oid_name(ko, "", NULL, nm, sizeof nm);
    dx_add_string(p, parent, FL(F_PK_ALG), t, off, len, nm, strlen(nm));
  }
  if (pk) {
    int bits = EVP_PKEY_get_bits(pk);
    if (bits > 0)
      dx_add_uint(p, parent, FL(F_PK_BITS), t, off, len, (uint64_t)bits);
    if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_EC) {
      char curve[80];
      size_t cl = 0;
      if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof curve, &cl))
        dx_add_string(p, parent, FL(F_PK_CURVE), t, off, len, curve, cl);
    }
  }
}

/* Decoding is most of the cost (OpenSSL decodes the public key too), and a
 * capture sends the same few certificates again and again: the session
 * keeps those it decoded, with the number of bytes they used and the
 * decoded certificate, and those that did not decode. An entry is replaced
 * by the clock (second chance): one used since the hand last passed it is
 * passed over once, so the few certificates a capture repeats stay while
 * those seen once come and go. Terse packets whose reader wants no field of
 * this file keep only what the rest of the packet sees, that is whether the
 * bytes decode and how many they use (the expert notes below). */
#define X509_MEMO_N 32
#define X509_MEMO_MAX 16384 /* longer certificates are not kept */
typedef struct {
  struct {
    unsigned char *data;
    uint32_t len, used;
    X509 *x;  /* a reference of the memo's own; NULL: the bytes do not decode */
    bool ref; /* used since the hand last passed it */
  } e[X509_MEMO_N];
  unsigned hand; /* the clock's hand: the next entry that may be replaced */
} x509_memo;

static void *x509_state_new(struct dx_session *s) {
  (void)s;
  return calloc(1, sizeof(x509_memo));
}

static void x509_state_free(void *state) {
  x509_memo *m = state;
  if (!m)
    return;
  for (unsigned i = 0; i < X509_MEMO_N; i++) {
    free(m->e[i].data);
    X509_free(m->e[i].x);
  }
  free(m);
}

/* dx_session_reset(): the memo stays. It holds nothing a packet taught
 * but what OpenSSL makes of some bytes, so a reset session still dissects
 * as a new one does, and a session reused for many captures (or inputs, as
 * the fuzzing harnesses reuse theirs) decodes a certificate it saw once. */
static void x509_state_reset(void *state, struct dx_session *s) {
  DX_UNUSED(state);
  DX_UNUSED(s);
}

extern const dx_protocol dx_proto_x509;

/* True if the full tree is needed: labels shown or a field of ours read. */
static bool x509_full(const dx_packet *p) {
  if (dx_packet_labels(p) || dx_frame_protocols_wanted(p))
    return true;
  for (size_t i = 0; i < DX_ARRAY_LEN(x509_fields); i++)
    if (dx_packet_wants(p, &x509_fields[i]))
      return true;
  /* (TLS's signature scheme fields, which the SCTs hold too) */
  static const char *const tls_names[] = {
      "tls.handshake.sig_hash_alg", "tls.handshake.sig_hash_hash", "tls.handshake.sig_hash_sig"};
  for (size_t i = 0; i < DX_ARRAY_LEN(tls_names); i++) {
    const dx_field *f = tls_field(p, tls_names[i]);
    if (f && dx_packet_wants(p, f))
      return true;
  }
  return false;
}

X509 *dx_x509_decode(const dx_packet *p, const uint8_t *der, uint32_t len, uint32_t *used) {
  if (!len)
    return NULL;
  x509_memo *m = dx_proto_state(p, &dx_proto_x509);
  if (m)
    for (unsigned i = 0; i < X509_MEMO_N; i++)
      if (m->e[i].data && m->e[i].len == len && !memcmp(m->e[i].data, der, len)) {
        m->e[i].ref = true;
        if (!m->e[i].x)
          return NULL; /* these bytes do not decode */
        if (!X509_up_ref(m->e[i].x))
          break;
        *used = m->e[i].used;
        return m->e[i].x;
      }
  const unsigned char *in = der;
  X509 *x = d2i_X509(NULL, &in, (long)len);
  if (x)
    *used = (uint32_t)(in - der);
  /* (bytes that do not decode are kept too: a broken certificate comes
   * again as a good one does, and OpenSSL may have spent as much on it) */
  if (m && len <= X509_MEMO_MAX) {
    unsigned char *copy = malloc(len);
    if (copy && (!x || X509_up_ref(x))) {
      memcpy(copy, der, len);
      /* (at most X509_MEMO_N steps: each clears the entry it passes) */
      while (m->e[m->hand].ref) {
        m->e[m->hand].ref = false;
        m->hand = (m->hand + 1) % X509_MEMO_N;
      }
      unsigned k = m->hand;
      m->hand = (m->hand + 1) % X509_MEMO_N;
      m->e[k].ref = false;
      free(m->e[k].data);
      X509_free(m->e[k].x);
      m->e[k].data = copy;
      m->e[k].len = len;
      m->e[k].used = x ? *used : 0;
      m->e[k].x = x;
    } else {
      free(copy);
    }
  }
  return x;
}

/* The DER certificate in t decoded (dx_x509_decode). */
static X509 *x509_decode(dx_packet *p, const dx_tvb *t, uint32_t *used) {
  return dx_x509_decode(p, t->data, t->len, used);
}

/* Bytes used by the DER certificate in t (0: it does not decode). */
static uint32_t x509_decoded_len(dx_packet *p, const dx_tvb *t) {
  uint32_t used = 0;
  X509 *x = x509_decode(p, t, &used);
  X509_free(x);
  return x ? used : 0;
}

static uint32_t x509_body(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  if (t->len < t->reported) {
    dx_mark_truncated(p, parent, "certificate cut short");
    return t->len;
  }
  if (!x509_full(p)) {
    uint32_t used = t->len ? x509_decoded_len(p, t) : 0;
    if (!used)
      dx_mark_malformed(p, parent, "Certificate could not be decoded as DER X.509");
    else if (used != t->len)
      dx_mark_malformed(p, parent, "%u byte%s after the end of the certificate", t->len - used,
                        t->len - used == 1 ? "" : "s");
    return t->len;
  }
  uint32_t used = 0;
  X509 *x = x509_decode(p, t, &used);
  if (!x) {
    dx_mark_malformed(p, parent, "Certificate could not be decoded as DER X.509");
    return t->len;
  }
  if (used != t->len)
    dx_mark_malformed(p, parent, "%u byte%s after the end of the certificate", t->len - used,
                      t->len - used == 1 ? "" : "s");

  /* Where the parts are. */
  der cert = der_read(t, 0, t->len);
  der_it top = der_children(t, &cert);
  der tbs = der_next(&top), sigalg = der_next(&top), sigval = der_next(&top);
  der_it ti = der_children(t, &tbs);
  der e = der_next(&ti), verd = {0, 0, 0, 0, 0, false, false};
  if (e.ok && e.tag == 0xa0) {
    verd = e;
    e = der_next(&ti);
  }
  der serial = e, sig = der_next(&ti), issuer = der_next(&ti), validity = der_next(&ti),
      subject = der_next(&ti), spki = der_next(&ti);
  der exts = {0, 0, 0, 0, 0, false, false};
  for (int i = 0; i < 4 && ti.pos < ti.end; i++) {
    der o = der_next(&ti);
    if (o.ok && o.tag == 0xa3)
      exts = o;
  }

  const X509_NAME *sn = X509_get_subject_name(x), *in_ = X509_get_issuer_name(x);
  const char *subj = name_rfc2253(p, sn), *iss = name_rfc2253(p, in_);
  dx_node_set_text(p, parent, "Certificate: subject %s, issuer %s", name_short(p, sn, subj),
                   name_short(p, in_, iss));

  /* readable summary */
  dx_add_string(p, parent, FL(F_SUBJECT), t, subject.ok ? subject.off : 0,
                subject.ok ? subject.hlen + subject.clen : t->len, subj, strlen(subj));
  dx_add_string(p, parent, FL(F_ISSUER), t, issuer.ok ? issuer.off : 0,
                issuer.ok ? issuer.hlen + issuer.clen : t->len, iss, strlen(iss));
  der_it vi = der_children(t, &validity);
  der nb = der_next(&vi), na = der_next(&vi);
  {
    struct tm tm;
    char s[64];
    if (time_tm(X509_get0_notBefore(x), &tm)) {
      strftime(s, sizeof s, "%Y-%m-%d %H:%M:%S UTC", &tm);
      dx_add_string(p, parent, FL(F_NOT_BEFORE), t, nb.ok ? nb.off : 0,
                    nb.ok ? nb.hlen + nb.clen : t->len, s, strlen(s));
    }
    if (time_tm(X509_get0_notAfter(x), &tm)) {
      strftime(s, sizeof s, "%Y-%m-%d %H:%M:%S UTC", &tm);
      dx_add_string(p, parent, FL(F_NOT_AFTER), t, na.ok ? na.off : 0,
                    na.ok ? na.hlen + na.clen : t->len, s, strlen(s));
    }
  }
  summary(p, parent, t, x, &spki);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  if (EVP_Digest(t->data, t->len, md, &mdlen, EVP_sha256(), NULL) == 1) {
    dx_node *fp = dx_add_bytes_val(p, parent, FL(F_FP_SHA256), t, 0, t->len, md, mdlen);
    dx_node_set_flags(fp, DX_NODE_GENERATED);
    if (dx_label_wanted(p, fp)) { /* "%02X" joined by ':', for the label */
      char hex[3 * EVP_MAX_MD_SIZE + 1];
      size_t u = 0;
      hex[0] = '\0';
      for (unsigned i = 0; i < mdlen && u + 4 < sizeof hex; i++) {
        if (i)
          hex[u++] = ':';
        hex[u++] = "0123456789ABCDEF"[md[i] >> 4];
        hex[u++] = "0123456789ABCDEF"[md[i] & 15];
        hex[u] = '\0';
      }
      dx_node_set_text(p, fp, "SHA-256 Fingerprint: %s", hex);
    }
  }
  bool self = X509_NAME_cmp(sn, in_) == 0;
  dx_node *ss = dx_add_uint(p, parent, FL(F_SELF_SIGNED), t, 0, t->len, self);
  dx_node_set_flags(ss, DX_NODE_GENERATED);
  if (self)
    dx_node_set_text(p, ss,
                     "Self-signed: True (subject and issuer are the same: a root CA "
                     "certificate, trusted only if it is in the client's trust store)");
  dx_node *ca_node = dx_add_uint(p, parent, FL(F_IS_CA), t, 0, t->len, 0);
  dx_node_set_flags(ca_node, DX_NODE_GENERATED);
  dx_node *ku_node = NULL;

  /* the certificate as tshark shows it */
  dx_node *sc = dx_add_none(p, parent, FL(F_SIGNED_CERT), t, tbs.ok ? tbs.off : 0,
                            tbs.ok ? tbs.hlen + tbs.clen : t->len);
  long ver = X509_get_version(x);
  if (verd.ok)
    dx_add_int(p, sc, FL(F_VERSION), t, verd.off, verd.hlen + verd.clen, ver);
  if (serial.ok && serial.tag == 0x02)
    dx_add_bytes(p, sc, FL(F_SERIAL), t, der_content(&serial), serial.clen);
  {
    dx_node *sn_ = sc ? sc->last_child : NULL;
    if (sn_ && sn_->field == FL(F_SERIAL) && dx_label_wanted(p, sn_)) {
      char hex[80];
      size_t u = 0;
      hex[0] = '\0';
      for (uint32_t i = 0; i < sn_->v.b.len && u + 3 < sizeof hex; i++) { /* "%02x" */
        hex[u++] = "0123456789abcdef"[sn_->v.b.p[i] >> 4];
        hex[u++] = "0123456789abcdef"[sn_->v.b.p[i] & 15];
        hex[u] = '\0';
      }
      dx_node_set_text(p, sn_, "serialNumber: 0x%s%s", hex,
                       u + 3 >= sizeof hex ? "\xe2\x80\xa6" : "");
    }
  }
  add_alg_elem(p, sc, F_SIG_ELEM, t, &sig, X509_get0_tbs_sigalg(x), "signature");
  add_name(p, sc, F_AF_ISSUER, F_IF_RDNSEQ, t, &issuer, in_, "issuer");
  dx_node *vn = dx_add_none(p, sc, FL(F_VALIDITY), t, validity.ok ? validity.off : 0,
                            validity.ok ? validity.hlen + validity.clen : t->len);
  add_time(p, vn, F_NB_CHOICE, t, &nb, X509_get0_notBefore(x));
  add_time(p, vn, F_NA_CHOICE, t, &na, X509_get0_notAfter(x));
  add_name(p, sc, F_AF_SUBJECT, F_AF_RDNSEQ, t, &subject, sn, "subject");
  dx_node *sp = dx_add_none(p, sc, FL(F_SPKI), t, spki.ok ? spki.off : 0,
                            spki.ok ? spki.hlen + spki.clen : t->len);
  {
    der_it si = der_children(t, &spki);
    der alg = der_next(&si), bits = der_next(&si);
    const X509_ALGOR *pa = NULL;
    X509_PUBKEY_get0_param(NULL, NULL, NULL, (X509_ALGOR **)&pa, X509_get_X509_PUBKEY(x));
    if (pa) {
      add_alg_elem(p, sp, F_ALG_ELEM, t, &alg, pa, "algorithm");
      add_ec_params(p,
                    sp && sp->last_child && sp->last_child->field == FL(F_ALG_ELEM) ? sp->last_child
                                                                                    : NULL,
                    t, &alg, pa);
    }
    if (bits.ok && bits.tag == 0x03 && bits.clen > 1) {
      const ASN1_OBJECT *ko = NULL;
      if (pa)
        X509_ALGOR_get0(&ko, NULL, NULL, pa);
      bool rsa = ko && OBJ_obj2nid(ko) == NID_rsaEncryption;
      if (!rsa) /* (tshark reads an RSA key's BIT STRING as the key, without the item) */
        dx_add_item(p, sp, FL(F_BS_PADDING), t, der_content(&bits), 1);
      dx_node *kn = dx_add_bytes(p, sp, FL(F_SPK), t, der_content(&bits) + 1, bits.clen - 1);
      if (rsa)
        add_rsa_key(p, kn, t, der_content(&bits) + 1, bits.clen - 1);
    }
  }
  cert_sum sum;
  memset(&sum, 0, sizeof sum);
  int next = X509_get_ext_count(x);
  if (next > 0) {
    dx_node *en = dx_add_uint(p, sc, FL(F_EXTENSIONS), t, exts.ok ? exts.off : 0,
                              exts.ok ? exts.hlen + exts.clen : t->len, (uint64_t)next);
    dx_node_set_text(p, en, "extensions: %d item%s", next, next == 1 ? "" : "s");
    der_it xi = der_children(t, &exts);
    der seq = der_next(&xi);
    der_it ei = der_children(t, &seq);
    for (int i = 0; i < next && i < 256; i++) {
      der one = der_next(&ei);
      extension(p, en, t, &one, X509_get_ext(x, i), &sum);
    }
  }
  if (ca_node)
    ca_node->v.u = sum.is_ca;
  if (sum.ku[0]) {
    ku_node = dx_add_string(p, parent, FL(F_KEY_USAGE_STR), t, 0, t->len, sum.ku, strlen(sum.ku));
    dx_node_set_flags(ku_node, DX_NODE_GENERATED);
  }
  dx_node *an = dx_add_none(p, parent, FL(F_SIGALG), t, sigalg.ok ? sigalg.off : 0,
                            sigalg.ok ? sigalg.hlen + sigalg.clen : t->len);
  {
    const X509_ALGOR *oa = NULL;
    X509_get0_signature(NULL, &oa, x);
    if (oa) {
      add_alg(p, an, t, &sigalg, oa, NULL);
      char nm[128];
      const ASN1_OBJECT *o = NULL;
      X509_ALGOR_get0(&o, NULL, NULL, oa);
      oid_name(o, "", NULL, nm, sizeof nm);
      dx_node_set_text(p, an, "algorithmIdentifier (%s)", nm);
    }
  }
  if (sigval.ok && sigval.tag == 0x03 && sigval.clen > 1) {
    dx_add_item(p, parent, FL(F_BS_PADDING), t, der_content(&sigval), 1);
    dx_add_bytes(p, parent, FL(F_ENCRYPTED), t, der_content(&sigval) + 1, sigval.clen - 1);
  }
  X509_free(x);
  return t->len;
}

/* A certificate that does not decode (or an extension, a key) leaves
 * OpenSSL's errors queued in the thread, with strings allocated for each:
 * they are cleared, as trust.c and tls_decrypt.c do after their calls. */
static uint32_t dissect_x509(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  uint32_t n = x509_body(p, t, parent);
  ERR_clear_error();
  return n;
}

/* ---- a certificate as an HTTP body (application/pkix-cert) ------------- */
static const dx_field pkix_fields[] = {
    DX_F("pkix-cert", "PKIX CERT File Format", DX_FT_PROTOCOL, DX_BASE_NONE),
    DX_F("pkix-cert.cert", "Certificate", DX_FT_NONE, DX_BASE_NONE),
};

const dx_protocol dx_proto_pkix_cert = {
    .name = "pkix-cert",
    .label = "PKIX CERT File Format",
    .fields = pkix_fields,
    .nfields = DX_ARRAY_LEN(pkix_fields),
};

void dx_x509_certificate(dx_packet *p, dx_node *cn, const dx_tvb *b) {
  dissect_x509(p, b, cn);
  if (cn && dx_label_wanted(p, cn) && b->len) { /* (after x509's own summary label) */
    const unsigned char *q = b->data;
    X509 *x = d2i_X509(NULL, &q, (long)b->len);
    if (x) {
      char all[1024];
      name_all(X509_get_subject_name(x), all, sizeof all);
      dx_node_set_text(p, cn, "Certificate (%s)", all);
      X509_free(x);
    }
    ERR_clear_error();
  }
}

/* tshark's "PKIX CERT File Format" layer: the certificate, labelled with
 * its subject, decoded as a TLS Certificate message's are. */
void dx_dissect_pkix_cert(dx_packet *p, dx_node *parent, const dx_tvb *b) {
  dx_node *pk = dx_add_proto(p, parent, &pkix_fields[0], b, 0, b->len);
  dx_node *cn = dx_add_none(p, pk, &pkix_fields[1], b, 0, b->len);
  if (cn)
    dx_x509_certificate(p, cn, b);
  else
    dissect_x509(p, b, pk);
}

/* ---- PKIX types for OCSP (x509.h) -------------------------------------- */
bool dx_x509_algorithm(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                       const dx_der *d, const char *label) {
  const uint8_t *b = d->ok && !d->cut ? dx_get_ptr(t, d->off, d->hlen + d->clen) : NULL;
  const unsigned char *q = b;
  X509_ALGOR *alg =
      b && d->tag == 0x30 ? d2i_X509_ALGOR(NULL, &q, (long)(d->hlen + d->clen)) : NULL;
  if (!alg) {
    ERR_clear_error();
    return false;
  }
  dx_node *n = dx_add_none(p, parent, f, t, DER_ALL(d));
  const ASN1_OBJECT *o = NULL;
  X509_ALGOR_get0(&o, NULL, NULL, alg);
  char nm[128];
  oid_name(o, "", NULL, nm, sizeof nm);
  dx_node_set_text(p, n, "%s (%s)", label, nm);
  add_alg(p, n ? n : parent, t, d, alg, NULL);
  X509_ALGOR_free(alg);
  return true;
}

bool dx_x509_rdn_sequence(dx_packet *p, dx_node *parent, const dx_tvb *t, const dx_der *d) {
  const uint8_t *b = d->ok && !d->cut ? dx_get_ptr(t, DER_ALL(d)) : NULL;
  const unsigned char *q = b;
  X509_NAME *nm = b && d->tag == 0x30 ? d2i_X509_NAME(NULL, &q, (long)(d->hlen + d->clen)) : NULL;
  if (!nm) {
    ERR_clear_error();
    return false;
  }
  add_rdnseq(p, parent, F_IF_RDNSEQ, t, d, nm);
  X509_NAME_free(nm);
  return true;
}

void dx_x509_bit_string(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                        const dx_der *d) {
  if (!d->ok || d->clen < 1)
    return;
  dx_add_item(p, parent, FL(F_BS_PADDING), t, der_content(d), 1);
  dx_add_bytes(p, parent, f, t, der_content(d) + 1, d->clen - 1);
}

void dx_x509_oid_name(const char *dotted, char *buf, size_t len) {
  oid_resolved(dotted, buf, len);
}

bool dx_der_oid(const dx_tvb *t, const dx_der *d, char *buf, size_t len) {
  return !d->cut && der_oid(t, d, buf, len);
}

const dx_protocol dx_proto_x509 = {
    .name = "x509af",
    .label = "X.509 Certificate",
    .fields = x509_fields,
    .nfields = DX_ARRAY_LEN(x509_fields),
    .dissect = dissect_x509,
    .state_new = x509_state_new,
    .state_free = x509_state_free,
    .state_reset = x509_state_reset,
};
