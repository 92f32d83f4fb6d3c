/* Certificate trust verdicts, interception and TLS risks.
 *
 * A server's chain is verified by OpenSSL (X509_verify_cert, purpose
 * sslserver, at the capture time of the packet) against the system's roots,
 * the user's (--ca-file, --ca-path) or both, and the leaf's name against the
 * SNI (X509_check_host). Nothing here is hand-written cryptography.
 *
 * Verifying costs far more than dissecting, and a capture repeats the same
 * chain in every handshake: results are memoised per (SNI, DER chain) in a
 * table of MEMO_SLOTS entries indexed by the session's keyed hash, each
 * entry counting against the session's byte budget. An entry is reused only
 * for a time at which every certificate of the chain compares the same way
 * with its notBefore/notAfter, so the verdict is the one OpenSSL would give.
 *
 * Interception: a chain that verifies under the user's roots but not under
 * the system's; or two connections for the same SNI whose handshakes
 * overlap (each began before the other's Certificate) with leaves of
 * different issuers: one is an intercepting proxy's forged leaf. The forged
 * one is the leg the system's roots do not trust when they trust the other,
 * else the one that began first (the client connects to the proxy before
 * the proxy connects to the server). Connections are remembered in a ring
 * of LEGS entries. */
#include "trust.h"

#include "../core/session.h"
#include "../proto/tls_ciphers.h"
#include "../proto/tls_tables.h"
#include "../proto/x509.h"

#include <dissect/trust.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum {
  F_TRUST,
  F_VERDICT,
  F_ROOT,
  F_ERROR,
  F_STORE,
  F_INTERCEPTED,
  F_OTHER_LEG,
  F_R_VERSION,
  F_R_KX,
  F_R_CIPHER,
  F_R_SNI,
  F_R_KEY,
  F_R_SHA1,
  F_R_NAME,
  F_R_UNTRUSTED,
  F_R_INTERCEPTED,
  F_STAPLED,
  F_ST_STATUS,
  F_ST_REASON,
  F_R_REVOKED,
  F_R_STALE,
};

static const dx_vals tf_vals[] = {{0, "False"}, {1, "True"}, {0, NULL}};

static const dx_field trust_fields[] = {
    [F_TRUST] = DX_F("tls.trust", "Certificate trust", DX_FT_NONE, DX_BASE_NONE),
    [F_VERDICT] = DX_F("tls.trust.verdict", "Verdict", DX_FT_STRING, DX_BASE_NONE),
    [F_ROOT] = DX_F("tls.trust.root", "Anchored by root", DX_FT_STRING, DX_BASE_NONE),
    [F_ERROR] = DX_F("tls.trust.error", "OpenSSL's reason", DX_FT_STRING, DX_BASE_NONE),
    [F_STORE] = DX_F("tls.trust.store", "Root store", DX_FT_STRING, DX_BASE_NONE),
    [F_INTERCEPTED] =
        DX_FV("tls.trust.intercepted", "Intercepted", DX_FT_BOOL, DX_BASE_NONE, tf_vals),
    [F_OTHER_LEG] = DX_F("tls.trust.other_leg", "Other leg (tcp.stream, udp.stream for QUIC)",
                         DX_FT_UINT32, DX_BASE_DEC),
    [F_R_VERSION] = DX_F("tls.risk.version", "TLS older than 1.2", DX_FT_NONE, DX_BASE_NONE),
    [F_R_KX] = DX_F("tls.risk.no_forward_secrecy", "No forward secrecy", DX_FT_NONE, DX_BASE_NONE),
    [F_R_CIPHER] = DX_F("tls.risk.weak_cipher", "Weak cipher suite", DX_FT_NONE, DX_BASE_NONE),
    [F_R_SNI] = DX_F("tls.risk.no_sni", "No SNI", DX_FT_NONE, DX_BASE_NONE),
    [F_R_KEY] = DX_F("tls.risk.weak_key", "RSA key under 2048 bits", DX_FT_NONE, DX_BASE_NONE),
    [F_R_SHA1] =
        DX_F("tls.risk.sha1_signature", "SHA-1 certificate signature", DX_FT_NONE, DX_BASE_NONE),
    [F_R_NAME] =
        DX_F("tls.risk.name_mismatch", "Certificate for another name", DX_FT_NONE, DX_BASE_NONE),
    [F_R_UNTRUSTED] =
        DX_F("tls.risk.untrusted", "Certificate chain not trusted", DX_FT_NONE, DX_BASE_NONE),
    [F_R_INTERCEPTED] =
        DX_F("tls.risk.intercepted", "Connection intercepted", DX_FT_NONE, DX_BASE_NONE),
    [F_STAPLED] = DX_F("tls.trust.stapled", "Stapled OCSP status of the server's certificate",
                       DX_FT_NONE, DX_BASE_NONE),
    [F_ST_STATUS] = DX_F("tls.trust.stapled.status", "Status", DX_FT_STRING, DX_BASE_NONE),
    [F_ST_REASON] =
        DX_F("tls.trust.stapled.reason", "Revocation reason", DX_FT_STRING, DX_BASE_NONE),
    [F_R_REVOKED] =
        DX_F("tls.risk.revoked", "Certificate revoked (stapled OCSP)", DX_FT_NONE, DX_BASE_NONE),
    [F_R_STALE] = DX_F("tls.risk.stapled_stale", "Stapled OCSP response outside its validity",
                       DX_FT_NONE, DX_BASE_NONE),
};
#define FL(i) (&trust_fields[(i)])

extern const dx_protocol dx_proto_trust;

/* ---- verdicts ------------------------------------------------------------- */
enum {
  V_TRUSTED,
  V_UNTRUSTED_ROOT,
  V_SELF_SIGNED,
  V_EXPIRED,
  V_NOT_YET_VALID,
  V_NAME_MISMATCH,
  V_INCOMPLETE,
  V_BAD_SIGNATURE,
  V_PURPOSE,
  V_INVALID
};
static const char *const verdict_names[] = {
    "trusted",       "untrusted-root",   "self-signed",   "expired",         "not-yet-valid",
    "name-mismatch", "incomplete-chain", "bad-signature", "invalid-purpose", "invalid"};
static const char *const verdict_text[] = {
    "the chain leads to a trusted root and the certificate names the server",
    "the chain leads to a root that is not in the trust store",
    "the server's certificate signs itself and is not in the trust store",
    "a certificate of the chain had expired when the packet was captured",
    "a certificate of the chain was not yet valid when the packet was captured",
    "the chain is trusted, but the certificate is for another name than the SNI",
    "the server did not send the certificate that issued its own, and the store does not have it",
    "a signature of the chain does not verify",
    "a certificate of the chain may not be used for a TLS server",
    "OpenSSL rejected the chain"};

#define MAX_CHAIN 16 /* certificates of a Certificate message verified */
#define MAX_TIMES 24 /* validity windows remembered per memo entry */
#define MEMO_SLOTS 256
#define LEGS 64

typedef struct memo {
  uint8_t key[32]; /* SHA-256 of the SNI and the DER chain */
  uint64_t cls;    /* the capture time's class against nb/na (time_class) */
  int64_t nb[MAX_TIMES], na[MAX_TIMES];
  uint8_t nt;
  /* the result */
  uint8_t verdict;
  bool anchored;               /* the chain reached a root of the store */
  bool user_only;              /* valid under the user's roots, not the system's */
  bool name_bad;               /* an SNI was sent and the leaf is not for it */
  int8_t weak_key_at, sha1_at; /* certificate index of the risk, -1 none */
  int weak_key_bits;
  uint64_t issuer; /* keyed hash of the leaf's issuer (DER) */
  char root[160], error[120], issuer_txt[160];
  /* the leaf's OCSP CertID (DER) with SHA-1 and SHA-256, when the chain
   * holds its issuer: what a stapled response is matched against */
  uint8_t cid[2][DX_TRUST_CID_MAX];
  uint8_t cid_len[2];
} memo;

typedef struct leg {
  bool used, trusted, user_only, intercepted;
  uint32_t stream;
  uint64_t sni, issuer;      /* keyed hashes */
  int64_t start_ns, cert_ns; /* the connection's first packet; its Certificate */
  char issuer_txt[160];
} leg;

#define MAX_USER 16
typedef struct trust_state {
  /* configuration */
  char *user_file[MAX_USER], *user_dir[MAX_USER];
  unsigned nuser_file, nuser_dir;
  char *sys_file, *sys_dir;
  bool sys_set, ca_only;
  /* stores, built at the first verification */
  X509_STORE *sys, *user, *both;
  bool built;
  /* memo and the byte budget it counts against */
  memo *slot[MEMO_SLOTS];
  uint64_t *budget, budget_max;
  /* connections seen, for interception */
  leg legs[LEGS];
  unsigned next_leg;
} trust_state;

static void *trust_state_new(struct dx_session *s) {
  trust_state *st = calloc(1, sizeof *st);
  if (st) {
    st->budget = &s->stream_bytes;
    st->budget_max = s->cfg.max_total_stream_bytes;
  }
  return st;
}

static void trust_state_free(void *p) {
  trust_state *st = p;
  if (!st)
    return;
  for (unsigned i = 0; i < st->nuser_file; i++)
    free(st->user_file[i]);
  for (unsigned i = 0; i < st->nuser_dir; i++)
    free(st->user_dir[i]);
  free(st->sys_file);
  free(st->sys_dir);
  X509_STORE_free(st->sys);
  X509_STORE_free(st->user);
  X509_STORE_free(st->both);
  for (unsigned i = 0; i < MEMO_SLOTS; i++)
    free(st->slot[i]);
  free(st);
}

/* The configuration changed: stores are built again at the next chain,
 * and no memoised verdict of the old stores is reused. */
static void forget(trust_state *st) {
  X509_STORE_free(st->sys);
  X509_STORE_free(st->user);
  X509_STORE_free(st->both);
  st->sys = st->user = st->both = NULL;
  st->built = false;
  for (unsigned i = 0; i < MEMO_SLOTS; i++)
    if (st->slot[i]) {
      free(st->slot[i]);
      st->slot[i] = NULL;
      *st->budget -= sizeof(memo);
    }
}

/* dx_session_reset(): the verdicts and connections of the capture go; the
 * configuration and the stores built from it stay. */
static void trust_state_reset(void *p, struct dx_session *s) {
  DX_UNUSED(s);
  trust_state *st = p;
  for (unsigned i = 0; i < MEMO_SLOTS; i++)
    if (st->slot[i]) {
      free(st->slot[i]);
      st->slot[i] = NULL;
      *st->budget = *st->budget >= sizeof(memo) ? *st->budget - sizeof(memo) : 0;
    }
  memset(st->legs, 0, sizeof st->legs);
  st->next_leg = 0;
}

static trust_state *sess_state(dx_session *s) {
  for (size_t i = 0; s && i < dx_nprotocols; i++)
    if (dx_protocols[i] == &dx_proto_trust)
      return s->states[i];
  return NULL;
}

/* ---- public configuration ------------------------------------------------ */
static void set_err(char *err, size_t errlen, const char *fmt, ...) DX_PRINTF(3, 4);
static void set_err(char *err, size_t errlen, const char *fmt, ...) {
  if (err && errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
}

static bool is_dir(const char *d) {
  struct stat sb;
  return stat(d, &sb) == 0 && S_ISDIR(sb.st_mode);
}

int dx_session_trust_add_ca_file(dx_session *s, const char *path, char *err, size_t errlen) {
  trust_state *st = sess_state(s);
  if (err && errlen)
    err[0] = 0;
  if (!st || !path)
    return DX_EINVAL;
  if (st->nuser_file >= MAX_USER) {
    set_err(err, errlen, "CA file %s: at most 16 CA files%s", path, "");
    return DX_ELIMIT;
  }
  /* read it now, so that a bad file is named at once */
  X509_STORE *probe = X509_STORE_new();
  if (!probe)
    return DX_ENOMEM;
  int ok = X509_STORE_load_file(probe, path);
  int n = ok == 1 ? sk_X509_OBJECT_num(X509_STORE_get0_objects(probe)) : 0;
  X509_STORE_free(probe);
  ERR_clear_error(); /* leave OpenSSL's error queue as it was */
  if (ok != 1 || n == 0) {
    set_err(err, errlen, "CA file %s: %s", path,
            ok != 1 ? "cannot be read as PEM certificates" : "holds no certificate");
    return DX_ENOFILE;
  }
  char *c = strdup(path);
  if (!c)
    return DX_ENOMEM;
  forget(st);
  st->user_file[st->nuser_file++] = c;
  return DX_OK;
}

int dx_session_trust_add_ca_path(dx_session *s, const char *dir, char *err, size_t errlen) {
  trust_state *st = sess_state(s);
  if (err && errlen)
    err[0] = 0;
  if (!st || !dir)
    return DX_EINVAL;
  if (!is_dir(dir)) {
    set_err(err, errlen, "CA path %s: %s", dir, "not a directory");
    return DX_ENOFILE;
  }
  if (st->nuser_dir >= MAX_USER) {
    set_err(err, errlen, "CA path %s: at most 16 CA directories%s", dir, "");
    return DX_ELIMIT;
  }
  char *c = strdup(dir);
  if (!c)
    return DX_ENOMEM;
  forget(st);
  st->user_dir[st->nuser_dir++] = c;
  return DX_OK;
}

void dx_session_trust_ca_only(dx_session *s, int only) {
  trust_state *st = sess_state(s);
  if (st && st->ca_only != (only != 0)) {
    forget(st);
    st->ca_only = only != 0;
  }
}

int dx_session_trust_system(dx_session *s, const char *file, const char *dir) {
  trust_state *st = sess_state(s);
  if (!st)
    return DX_EINVAL;
  if ((file && access(file, R_OK) != 0) || (dir && !is_dir(dir)))
    return DX_ENOFILE;
  forget(st);
  free(st->sys_file);
  free(st->sys_dir);
  st->sys_file = file ? strdup(file) : NULL;
  st->sys_dir = dir ? strdup(dir) : NULL;
  st->sys_set = true;
  if ((file && !st->sys_file) || (dir && !st->sys_dir))
    return DX_ENOMEM;
  return DX_OK;
}

static bool have_user(const trust_state *st) {
  return st->nuser_file || st->nuser_dir;
}

static void load_sys(const trust_state *st, X509_STORE *x) {
  if (!st->sys_set) {
    X509_STORE_load_path(x, "/etc/ssl/certs");
    return;
  }
  if (st->sys_file)
    X509_STORE_load_file(x, st->sys_file);
  if (st->sys_dir)
    X509_STORE_load_path(x, st->sys_dir);
}

static void load_user(const trust_state *st, X509_STORE *x) {
  for (unsigned i = 0; i < st->nuser_file; i++)
    X509_STORE_load_file(x, st->user_file[i]);
  for (unsigned i = 0; i < st->nuser_dir; i++)
    X509_STORE_load_path(x, st->user_dir[i]);
}

static bool build_stores(trust_state *st) {
  if (st->built)
    return st->sys && st->user && st->both;
  st->built = true;
  st->sys = X509_STORE_new();
  st->user = X509_STORE_new();
  st->both = X509_STORE_new();
  if (!st->sys || !st->user || !st->both)
    return false;
  load_sys(st, st->sys);
  load_user(st, st->user);
  load_sys(st, st->both);
  load_user(st, st->both);
  return true;
}

/* ---- verification ------------------------------------------------------- */
static int64_t asn1_secs(const ASN1_TIME *t) {
  struct tm tm;
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
    return 0;
  return (int64_t)timegm(&tm);
}

static void add_times(memo *m, const X509 *x) {
  if (m->nt < MAX_TIMES) {
    m->nb[m->nt] = asn1_secs(X509_get0_notBefore(x));
    m->na[m->nt] = asn1_secs(X509_get0_notAfter(x));
    m->nt++;
  }
}

/* Two bits per certificate: before its notBefore, after its notAfter. */
static uint64_t time_class(const memo *m, int64_t t) {
  uint64_t c = 0;
  for (unsigned i = 0; i < m->nt; i++)
    c |= (uint64_t)(t < m->nb[i]) << (2 * i) | (uint64_t)(t > m->na[i]) << (2 * i + 1);
  return c;
}

static void name_text(const X509_NAME *n, char *buf, size_t cap) {
  buf[0] = 0;
  BIO *b = BIO_new(BIO_s_mem());
  if (!b)
    return;
  if (X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
    int k = BIO_read(b, buf, (int)cap - 1);
    buf[k > 0 ? k : 0] = 0;
  }
  BIO_free(b);
}

typedef struct vres {
  int err;
  bool anchored, top_ca;
  char root[160];
} vres;

/* Verifies leaf + untrusted against store at time `when`. */
static bool run_verify(X509_STORE *store, X509 *leaf, STACK_OF(X509) * untrusted, int64_t when,
                       memo *m, vres *r) {
  memset(r, 0, sizeof *r);
  X509_STORE_CTX *ctx = X509_STORE_CTX_new();
  if (!ctx || X509_STORE_CTX_init(ctx, store, leaf, untrusted) != 1) {
    X509_STORE_CTX_free(ctx);
    return false;
  }
  X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(ctx);
  X509_VERIFY_PARAM_set_time(vp, (time_t)when);
  X509_VERIFY_PARAM_set_purpose(vp, X509_PURPOSE_SSL_SERVER);
  int ok = X509_verify_cert(ctx);
  r->err = ok == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
  STACK_OF(X509) *ch = X509_STORE_CTX_get0_chain(ctx);
  int n = ch ? sk_X509_num(ch) : 0;
  if (n > 0) {
    X509 *top = sk_X509_value(ch, n - 1);
    r->top_ca = X509_check_ca(top) > 0;
    /* the top reached a root of the store when OpenSSL got past building
     * the chain: any error after that (time, signature, purpose) */
    r->anchored = ok == 1 || !(r->err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
                               r->err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
                               r->err == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE ||
                               r->err == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
                               r->err == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN);
    if (r->anchored)
      name_text(X509_get_subject_name(top), r->root, sizeof r->root);
    if (m)
      for (int i = 0; i < n; i++)
        add_times(m, sk_X509_value(ch, i));
  }
  X509_STORE_CTX_free(ctx);
  return true;
}

static uint8_t verdict_of(const vres *r) {
  switch (r->err) {
  case X509_V_OK: return V_TRUSTED;
  case X509_V_ERR_CERT_HAS_EXPIRED: return V_EXPIRED;
  case X509_V_ERR_CERT_NOT_YET_VALID: return V_NOT_YET_VALID;
  case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT: return V_SELF_SIGNED;
  case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: return V_UNTRUSTED_ROOT;
  case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    /* the chain built ends at a CA whose issuer is unknown: a root we do
     * not trust; it ends at the leaf: the intermediate is missing */
    return r->top_ca ? V_UNTRUSTED_ROOT : V_INCOMPLETE;
  case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
  case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: return V_INCOMPLETE;
  case X509_V_ERR_CERT_SIGNATURE_FAILURE:
  case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
  case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: return V_BAD_SIGNATURE;
  case X509_V_ERR_INVALID_PURPOSE: return V_PURPOSE;
  default: return V_INVALID;
  }
}

/* The risks of the certificates themselves. */
static void cert_risks(memo *m, X509 *const *xs, size_t n) {
  m->weak_key_at = m->sha1_at = -1;
  for (size_t i = 0; i < n; i++) {
    EVP_PKEY *pk = X509_get0_pubkey(xs[i]);
    if (pk && m->weak_key_at < 0 && EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA &&
        EVP_PKEY_get_bits(pk) < 2048) {
      m->weak_key_at = (int8_t)i;
      m->weak_key_bits = EVP_PKEY_get_bits(pk);
    }
    /* a root's signature on itself is never checked: only issued ones */
    int md = NID_undef;
    if (m->sha1_at < 0 && X509_check_issued(xs[i], xs[i]) != X509_V_OK &&
        OBJ_find_sigid_algs(X509_get_signature_nid(xs[i]), &md, NULL) &&
        (md == NID_sha1 || md == NID_md5))
      m->sha1_at = (int8_t)i;
  }
}

static const char *store_name(const trust_state *st) {
  return st->ca_only ? "user" : have_user(st) ? "system+user" : "system";
}

/* Fills m (whose key is set) for the chain at time `when`. */
static bool verify_chain(trust_state *st, const dx_packet *p, const dx_trust_conn *c,
                         const uint8_t *const *der, const uint32_t *len, size_t n, int64_t when,
                         memo *m) {
  X509 *xs[MAX_CHAIN];
  size_t nx = 0;
  for (size_t i = 0; i < n && nx < MAX_CHAIN; i++) {
    uint32_t used;
    X509 *x = dx_x509_decode(p, der[i], len[i], &used);
    if (x)
      xs[nx++] = x;
    else if (i == 0)
      break; /* no leaf: nothing to verify */
  }
  if (nx == 0) {
    ERR_clear_error();
    return false;
  }
  STACK_OF(X509) *un = sk_X509_new_null();
  for (size_t i = 1; un && i < nx; i++)
    sk_X509_push(un, xs[i]);
  vres r;
  X509_STORE *primary = st->ca_only ? st->user : have_user(st) ? st->both : st->sys;
  bool ok = un && run_verify(primary, xs[0], un, when, m, &r);
  if (ok) {
    for (size_t i = 0; i < nx; i++)
      add_times(m, xs[i]);
    m->verdict = verdict_of(&r);
    m->anchored = r.anchored;
    snprintf(m->root, sizeof m->root, "%s", r.anchored ? r.root : "");
    snprintf(m->error, sizeof m->error, "%s",
             r.err == X509_V_OK ? "" : X509_verify_cert_error_string(r.err));
    if (c->have_sni) {
      m->name_bad = X509_check_host(xs[0], c->sni, c->sni_len, 0, NULL) != 1;
      if (m->verdict == V_TRUSTED && m->name_bad) {
        m->verdict = V_NAME_MISMATCH;
        snprintf(m->error, sizeof m->error, "%s",
                 X509_verify_cert_error_string(X509_V_ERR_HOSTNAME_MISMATCH));
      }
    }
    /* valid with the user's roots: is it with the system's alone? */
    vres rs;
    if (!st->ca_only && have_user(st) && r.err == X509_V_OK &&
        run_verify(st->sys, xs[0], un, when, NULL, &rs))
      m->user_only = rs.err != X509_V_OK;
    const X509_NAME *iss = X509_get_issuer_name(xs[0]);
    unsigned char *ider = NULL;
    int il = i2d_X509_NAME(iss, &ider);
    m->issuer = il > 0 ? dx_hash_keyed(p, ider, (size_t)il) : 0;
    OPENSSL_free(ider);
    name_text(iss, m->issuer_txt, sizeof m->issuer_txt);
    if (nx >= 2 && X509_check_issued(xs[1], xs[0]) == X509_V_OK) {
      const EVP_MD *mds[2] = {EVP_sha1(), EVP_sha256()};
      for (int i = 0; i < 2; i++) {
        OCSP_CERTID *id = OCSP_cert_to_id(mds[i], xs[0], xs[1]);
        unsigned char *cd = NULL;
        int cl = id ? i2d_OCSP_CERTID(id, &cd) : 0;
        if (cl > 0 && cl <= DX_TRUST_CID_MAX) {
          memcpy(m->cid[i], cd, (size_t)cl);
          m->cid_len[i] = (uint8_t)cl;
        }
        OPENSSL_free(cd);
        OCSP_CERTID_free(id);
      }
    }
    cert_risks(m, xs, nx);
    m->cls = time_class(m, when);
  }
  sk_X509_free(un);
  for (size_t i = 0; i < nx; i++)
    X509_free(xs[i]);
  ERR_clear_error(); /* failed decodes and lookups leave errors queued */
  return ok;
}

/* The memo entry for this chain at this time: found, or verified and
 * stored (or verified into *tmp when the budget is spent). */
static const memo *lookup(trust_state *st, const dx_packet *p, const dx_trust_conn *c,
                          const uint8_t *const *der, const uint32_t *len, size_t n, int64_t when,
                          memo *tmp) {
  memset(tmp, 0, sizeof *tmp);
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  unsigned kl = 0;
  bool hashed = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
                EVP_DigestUpdate(md, c->sni, c->have_sni ? c->sni_len + 1u : 0u) == 1;
  for (size_t i = 0; hashed && i < n && i < MAX_CHAIN; i++) {
    uint8_t l4[4] = {(uint8_t)(len[i] >> 24), (uint8_t)(len[i] >> 16), (uint8_t)(len[i] >> 8),
                     (uint8_t)len[i]};
    hashed = EVP_DigestUpdate(md, l4, 4) == 1 && EVP_DigestUpdate(md, der[i], len[i]) == 1;
  }
  hashed = hashed && EVP_DigestFinal_ex(md, tmp->key, &kl) == 1 && kl == 32;
  EVP_MD_CTX_free(md);
  unsigned k = hashed ? (unsigned)(dx_hash_keyed(p, tmp->key, 32) % MEMO_SLOTS) : 0;
  memo *m = hashed ? st->slot[k] : NULL;
  if (m && memcmp(m->key, tmp->key, 32) == 0 && time_class(m, when) == m->cls)
    return m;
  if (!verify_chain(st, p, c, der, len, n, when, tmp))
    return NULL;
  if (!hashed)
    return tmp;
  /* keep it, if the budget allows */
  if (!m && *st->budget + sizeof(memo) > st->budget_max)
    return tmp;
  if (!m) {
    m = malloc(sizeof *m);
    if (!m)
      return tmp;
    *st->budget += sizeof(memo);
    st->slot[k] = m;
  }
  *m = *tmp;
  return m;
}

/* ---- interception ------------------------------------------------------- */
/* Nanoseconds of a capture time, saturated: a pcapng's 64-bit timestamps
 * reach past the 292 years 64 bits of nanoseconds hold (only compared). */
static int64_t ns_of(int64_t s, int64_t ns) {
  if (s >= INT64_MAX / 1000000000 - 1)
    return INT64_MAX;
  if (s <= INT64_MIN / 1000000000 + 1)
    return INT64_MIN;
  return s * 1000000000 + ns;
}

/* Pairs this connection with an overlapping one for the same SNI whose leaf
 * has another issuer. Returns the other leg or NULL; *forged_here says
 * whether this connection is the forged one. */
static leg *pair_leg(trust_state *st, const leg *me, bool *forged_here) {
  leg *best = NULL;
  for (unsigned i = 0; i < LEGS; i++) {
    leg *o = &st->legs[i];
    if (!o->used || o->sni != me->sni || o->stream == me->stream || o->issuer == me->issuer)
      continue;
    if (o->start_ns > me->cert_ns || me->start_ns > o->cert_ns)
      continue; /* the handshakes do not overlap */
    if (!best || o->cert_ns > best->cert_ns)
      best = o;
  }
  if (!best)
    return NULL;
  /* the genuine leg may be trusted by the system's roots, the forged one
   * not (unless the proxy's root was installed there too); the rest is told
   * by order. A root given by the user tells nothing here: it may be the
   * proxy's or the genuine server's private one. */
  bool me_sys = me->trusted && !me->user_only, o_sys = best->trusted && !best->user_only;
  if (me_sys != o_sys)
    *forged_here = !me_sys;
  else
    *forged_here = me->start_ns <= best->start_ns;
  return best;
}

/* ---- the hooks ----------------------------------------------------------------- */
void dx_trust_sni(dx_trust_conn *c, const uint8_t *name, size_t len) {
  if (!c || c->have_sni || !name)
    return;
  if (len >= sizeof c->sni)
    len = sizeof c->sni - 1;
  memcpy(c->sni, name, len);
  c->sni[len] = 0;
  c->sni_len = (uint16_t)len;
  c->have_sni = true;
}

/* True if this packet's reader may see our nodes (see dx_packet_wants). */
static bool wanted(const dx_packet *p) {
  if (dx_packet_labels(p) || dx_expert_wants_fields(p)) /* our notes are expert notes */
    return true;
  for (size_t i = 0; i < DX_ARRAY_LEN(trust_fields); i++)
    if (dx_packet_wants(p, &trust_fields[i]))
      return true;
  return false;
}

void dx_trust_client_hello(dx_packet *p, dx_node *hs, const dx_trust_conn *c) {
  if (!hs || !c || c->have_sni || !wanted(p))
    return;
  dx_expert(p, hs, FL(F_R_SNI), DX_SEV_WARN,
            "Risk: no server name (SNI) in the ClientHello: the server cannot tell which "
            "certificate to send, and the certificate's name cannot be checked");
}

static bool has(const char *s, const char *w) {
  return strstr(s, w) != NULL;
}

void dx_trust_server_hello(dx_packet *p, dx_node *hs, uint16_t version, uint16_t suite) {
  if (!hs || !wanted(p))
    return;
  if (version && version < 0x0303)
    dx_expert(p, hs, FL(F_R_VERSION), DX_SEV_WARN,
              "Risk: %s is older than TLS 1.2 (deprecated by RFC 8996)",
              dx_val_name_def(dx_tls_version_vals, version, "this version"));
  dx_tls_cipher_info ci;
  if (!dx_tls_cipher_parts(suite, &ci) || ci.tls13)
    return;
  const char *name = dx_val_name_def(dx_tls_cipher_vals, suite, "the cipher suite");
  if (strcmp(ci.kx, "RSA") == 0 || strcmp(ci.kx, "RSA_EXPORT") == 0 || strcmp(ci.kx, "ECDH") == 0 ||
      strcmp(ci.kx, "DH") == 0)
    dx_expert(p, hs, FL(F_R_KX), DX_SEV_WARN,
              "Risk: %s uses %s key exchange: no forward secrecy (whoever gets the server's "
              "private key later can decrypt this capture)",
              name,
              strcmp(ci.kx, "RSA") == 0 || strcmp(ci.kx, "RSA_EXPORT") == 0 ? "RSA" : "static");
  char why[160] = "";
  size_t u = 0;
  const char *const parts[][2] = {{"CBC", "CBC mode"},       {"RC4", "RC4"},
                                  {"3DES", "3DES"},          {"DES", "DES"},
                                  {"NULL", "no encryption"}, {"EXPORT", "export-grade keys"}};
  for (size_t i = 0; i < DX_ARRAY_LEN(parts); i++) {
    if (i == 3 && has(ci.enc, "3DES"))
      continue;
    if (has(i == 5 ? name : ci.enc, parts[i][0]))
      u += (size_t)snprintf(why + u, sizeof why - u, "%s%s", u ? ", " : "", parts[i][1]);
  }
  if (strcmp(ci.mac, "SHA") == 0 || strcmp(ci.mac, "MD5") == 0)
    snprintf(why + u, sizeof why - u, "%s%s MAC", u ? ", " : "",
             strcmp(ci.mac, "SHA") == 0 ? "SHA-1" : "MD5");
  if (why[0])
    dx_expert(p, hs, FL(F_R_CIPHER), DX_SEV_WARN, "Risk: %s: weak cipher suite (%s)", name, why);
}

void dx_trust_chain(dx_packet *p, dx_node *hs, dx_trust_conn *c, const uint8_t *const *der,
                    const uint32_t *len, size_t n) {
  trust_state *st = dx_proto_state(p, &dx_proto_trust);
  if (c)
    c->cid_len[0] = c->cid_len[1] = 0;
  if (!hs || !c || !st || n == 0 || !wanted(p) || !build_stores(st))
    return;
  memo tmp;
  const memo *m = lookup(st, p, c, der, len, n, p->frame.ts_sec, &tmp);
  if (!m)
    return;
  memcpy(c->cid, m->cid, sizeof c->cid);
  memcpy(c->cid_len, m->cid_len, sizeof c->cid_len);
  dx_tvb none = {0};
  dx_node *t = dx_add_none(p, hs, FL(F_TRUST), &none, 0, 0);
  dx_node_set_flags(t, DX_NODE_GENERATED);
  const char *v = verdict_names[m->verdict];
  dx_node_set_text(p, t, "Certificate trust: %s (%s)", v, verdict_text[m->verdict]);
  dx_node *nd = dx_add_string(p, t, FL(F_VERDICT), &none, 0, 0, v, strlen(v));
  dx_node_set_flags(nd, DX_NODE_GENERATED);
  if (m->anchored && m->root[0]) {
    nd = dx_add_string(p, t, FL(F_ROOT), &none, 0, 0, m->root, strlen(m->root));
    dx_node_set_flags(nd, DX_NODE_GENERATED);
  }
  if (m->error[0]) {
    nd = dx_add_string(p, t, FL(F_ERROR), &none, 0, 0, m->error, strlen(m->error));
    dx_node_set_flags(nd, DX_NODE_GENERATED);
  }
  const char *sn = store_name(st);
  nd = dx_add_string(p, t, FL(F_STORE), &none, 0, 0, sn, strlen(sn));
  dx_node_set_flags(nd, DX_NODE_GENERATED);

  /* interception */
  dx_flow *f = p->flow;
  leg me = {.used = true,
            .trusted = m->verdict == V_TRUSTED,
            .user_only = m->user_only,
            .stream = f ? f->index : p->stream,
            .sni = c->have_sni ? dx_hash_keyed(p, c->sni, c->sni_len) : 0,
            .issuer = m->issuer,
            .start_ns =
                f ? ns_of(f->first_sec, f->first_nsec) : ns_of(p->frame.ts_sec, p->frame.ts_nsec),
            .cert_ns = ns_of(p->frame.ts_sec, p->frame.ts_nsec)};
  snprintf(me.issuer_txt, sizeof me.issuer_txt, "%s", m->issuer_txt);
  bool forged_here = false;
  leg *other = c->have_sni ? pair_leg(st, &me, &forged_here) : NULL;
  me.intercepted = m->user_only || (other && forged_here);
  nd = dx_add_uint(p, t, FL(F_INTERCEPTED), &none, 0, 0, me.intercepted);
  dx_node_set_flags(nd, DX_NODE_GENERATED);
  if (other) {
    nd = dx_add_uint(p, t, FL(F_OTHER_LEG), &none, 0, 0, other->stream);
    dx_node_set_flags(nd, DX_NODE_GENERATED);
  }
  if (m->user_only)
    dx_expert(p, t, FL(F_R_INTERCEPTED), DX_SEV_WARN,
              "Intercepted: this chain is valid only under a root you supplied (%s), not under "
              "the system's: a proxy or a machine with that root installed can read the "
              "connection",
              m->root);
  if (other && forged_here)
    dx_expert(p, t, FL(F_R_INTERCEPTED), DX_SEV_WARN,
              "Intercepted: tcp.stream %u, open at the same time for the same name, got a "
              "certificate from another issuer (%s); this leg's certificate (issuer %s) was "
              "forged by a proxy",
              other->stream, other->issuer_txt, m->issuer_txt);
  else if (other)
    dx_expert(p, t, FL(F_R_INTERCEPTED), DX_SEV_WARN,
              "Intercepted: tcp.stream %u, open at the same time for the same name, got a "
              "certificate from another issuer (%s): that leg was intercepted, and this one is "
              "the proxy's own connection to the server",
              other->stream, other->issuer_txt);
  if (c->have_sni) {
    st->legs[st->next_leg++ % LEGS] = me;
  }

  /* risks */
  if (m->verdict != V_TRUSTED && m->verdict != V_NAME_MISMATCH)
    dx_expert(p, t, FL(F_R_UNTRUSTED), DX_SEV_WARN, "Certificate chain not trusted: %s (%s)", v,
              m->error);
  if (m->name_bad)
    dx_expert(p, t, FL(F_R_NAME), DX_SEV_WARN,
              "Risk: the server's certificate is not for %s, the name the client asked for",
              c->sni);
  if (m->weak_key_at >= 0)
    dx_expert(p, t, FL(F_R_KEY), DX_SEV_WARN,
              "Risk: certificate %d of the chain has a %d-bit RSA key (under 2048 bits)",
              m->weak_key_at + 1, m->weak_key_bits);
  if (m->sha1_at >= 0)
    dx_expert(p, t, FL(F_R_SHA1), DX_SEV_WARN,
              "Risk: certificate %d of the chain is signed with SHA-1 or MD5 (collisions can "
              "forge such signatures)",
              m->sha1_at + 1);
}

const dx_protocol dx_proto_trust = {
    .name = "tls.trust",
    .label = "TLS certificate trust",
    .fields = trust_fields,
    .nfields = DX_ARRAY_LEN(trust_fields),
    .state_new = trust_state_new,
    .state_free = trust_state_free,
    .state_reset = trust_state_reset,
};

/* ---- stapled OCSP ---------------------------------------------------------- */
static const char *reason_name(int r) {
  static const char *const names[] = {"unspecified",        "keyCompromise", "cACompromise",
                                      "affiliationChanged", "superseded",    "cessationOfOperation",
                                      "certificateHold",    "(7)",           "removeFromCRL",
                                      "privilegeWithdrawn", "aACompromise"};
  return r >= 0 && r <= 10 && r != 7 ? names[r] : NULL;
}

static void civil_text(int64_t t, char *buf, size_t cap) {
  dx_civil c;
  dx_civil_utc(t, &c);
  static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  snprintf(buf, cap, "%s %d, %lld %02d:%02d:%02d UTC", mon[c.month - 1], c.day, (long long)c.year,
           c.hour, c.min, c.sec);
}

void dx_trust_stapled(dx_packet *p, dx_node *parent, const dx_trust_conn *c, const uint8_t *der,
                      uint32_t len) {
  trust_state *st = dx_proto_state(p, &dx_proto_trust);
  if (!parent || !c || !st || !der || !wanted(p))
    return;
  const unsigned char *q = der;
  OCSP_RESPONSE *r = d2i_OCSP_RESPONSE(NULL, &q, len);
  if (!r) { /* (the OCSP layer shows what is wrong with it) */
    ERR_clear_error();
    return;
  }
  dx_tvb none = {0};
  const char *status = NULL, *reason = NULL;
  char text[400], when[64];
  int rs = OCSP_response_status(r);
  OCSP_BASICRESP *bs = rs == OCSP_RESPONSE_STATUS_SUCCESSFUL ? OCSP_response_get1_basic(r) : NULL;
  int found = -1, reason_code = -1;
  ASN1_GENERALIZEDTIME *rev = NULL, *thisupd = NULL, *nextupd = NULL;
  for (int i = 0; bs && i < 2 && found < 0; i++) {
    if (!c->cid_len[i])
      continue;
    const unsigned char *cq = c->cid[i];
    OCSP_CERTID *id = d2i_OCSP_CERTID(NULL, &cq, c->cid_len[i]);
    int s = V_OCSP_CERTSTATUS_UNKNOWN;
    if (id && OCSP_resp_find_status(bs, id, &s, &reason_code, &rev, &thisupd, &nextupd) == 1)
      found = s;
    OCSP_CERTID_free(id);
  }
  if (rs != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
    status = "responder-error";
    snprintf(text, sizeof text, "the responder sent no status (%s)", OCSP_response_status_str(rs));
  } else if (!bs) {
    status = "unreadable";
    snprintf(text, sizeof text, "the response holds no basic response OpenSSL can read");
  } else if (!c->cid_len[0] && !c->cid_len[1]) {
    status = "unmatched";
    snprintf(text, sizeof text,
             "the server did not send the certificate that issued its own, so the response "
             "cannot be matched to it");
  } else if (found < 0) {
    status = "not-for-this-certificate";
    snprintf(text, sizeof text, "the response says nothing of the server's certificate");
  } else if (found == V_OCSP_CERTSTATUS_GOOD) {
    status = "good";
    snprintf(text, sizeof text,
             "the CA's responder says the server's certificate is not revoked; a client that "
             "checks revocation needs no request of its own");
  } else if (found == V_OCSP_CERTSTATUS_REVOKED) {
    status = "revoked";
    reason = reason_name(reason_code);
    int64_t rt = rev ? asn1_secs(rev) : 0;
    civil_text(rt, when, sizeof when);
    snprintf(text, sizeof text,
             "the CA's responder says the server's certificate was revoked on "
             "%s%s%s",
             when, reason ? ", reason " : "", reason ? reason : "");
  } else {
    status = "unknown";
    snprintf(text, sizeof text, "the responder does not know the server's certificate");
  }
  dx_node *t = dx_add_none(p, parent, FL(F_STAPLED), &none, 0, 0);
  dx_node_set_flags(t, DX_NODE_GENERATED);
  dx_node_set_text(p, t,
                   "Stapled OCSP status of the server's certificate: %s (%s; the "
                   "response's signature is not checked here)",
                   status, text);
  dx_node *nd = dx_add_string(p, t, FL(F_ST_STATUS), &none, 0, 0, status, strlen(status));
  dx_node_set_flags(nd, DX_NODE_GENERATED);
  if (reason) {
    nd = dx_add_string(p, t, FL(F_ST_REASON), &none, 0, 0, reason, strlen(reason));
    dx_node_set_flags(nd, DX_NODE_GENERATED);
  }
  if (found == V_OCSP_CERTSTATUS_REVOKED)
    dx_expert(p, t, FL(F_R_REVOKED), DX_SEV_WARN,
              "Risk: the server's certificate was revoked (stapled OCSP response: %s%s%s)", when,
              reason ? ", " : "", reason ? reason : "");
  /* the response's window against the capture's time */
  int64_t now = p->frame.ts_sec;
  if (found >= 0 && thisupd && asn1_secs(thisupd) > now + 300) {
    civil_text(asn1_secs(thisupd), when, sizeof when);
    dx_expert(p, t, FL(F_R_STALE), DX_SEV_WARN,
              "Risk: the stapled OCSP response is not yet valid (thisUpdate %s)", when);
  } else if (found >= 0 && nextupd && asn1_secs(nextupd) < now - 300) {
    civil_text(asn1_secs(nextupd), when, sizeof when);
    dx_expert(p, t, FL(F_R_STALE), DX_SEV_WARN,
              "Risk: the stapled OCSP response had expired when the packet was captured "
              "(nextUpdate %s)",
              when);
  }
  OCSP_BASICRESP_free(bs);
  OCSP_RESPONSE_free(r);
  ERR_clear_error();
}
