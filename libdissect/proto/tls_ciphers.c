/* The parts of a cipher suite, read from its IANA name (RFC 8446 B.4,
 * RFC 5246 A.5, the IANA "TLS Cipher Suites" registry):
 *   TLS 1.0-1.2:  TLS_<key exchange>[_<authentication>]_WITH_<cipher>_<MAC>
 *   TLS 1.3:      TLS_<AEAD cipher>_<HKDF hash>
 * and a sentence explaining each part, for learners. */
#include "tls_ciphers.h"
#include "tls_tables.h"

#include <stdio.h>
#include <string.h>

typedef struct expl {
  const char *key;
  const char *text;
} expl;

static const expl kx_expl[] = {
    {"ECDHE", "ephemeral Elliptic-Curve Diffie-Hellman"},
    {"DHE", "ephemeral (finite-field) Diffie-Hellman"},
    {"ECDH", "static Elliptic-Curve Diffie-Hellman (no forward secrecy)"},
    {"DH", "static Diffie-Hellman (no forward secrecy)"},
    {"RSA", "RSA key transport: the client encrypts the premaster secret with the server's RSA "
            "key (no forward secrecy)"},
    {"RSA_EXPORT", "export-grade RSA key transport (weak)"},
    {"PSK", "pre-shared key"},
    {"SRP", "Secure Remote Password"},
    {"KRB5", "Kerberos 5"},
    {"ECCPWD", "elliptic-curve password authenticated key exchange"},
    {"NULL", "none"},
    {NULL, NULL}};

static const expl auth_expl[] = {
    {"RSA", "the server proves its identity with an RSA signature"},
    {"ECDSA", "the server proves its identity with an ECDSA signature"},
    {"DSS", "the server proves its identity with a DSA signature"},
    {"anon", "no authentication (anonymous, open to man-in-the-middle attacks)"},
    {"PSK", "knowledge of the pre-shared key"},
    {"NULL", "none"},
    {NULL, NULL}};

static const char *find_expl(const expl *e, const char *key) {
  for (; e->key; e++)
    if (strcmp(e->key, key) == 0)
      return e->text;
  return NULL;
}

static bool is_mac(const char *s) {
  static const char *const macs[] = {"SHA", "SHA256", "SHA384", "SHA512", "MD5",
                                     "SM3", "NULL",   "IMIT",   "OMAC"};
  for (size_t i = 0; i < DX_ARRAY_LEN(macs); i++)
    if (strcmp(s, macs[i]) == 0)
      return true;
  return false;
}

static void copy(char *dst, size_t cap, const char *src, size_t n) {
  if (!cap)
    return;
  if (n >= cap)
    n = cap - 1;
  memcpy(dst, src, n);
  dst[n] = 0;
}

static bool aead(const char *enc) {
  return strstr(enc, "GCM") || strstr(enc, "CCM") || strstr(enc, "POLY1305");
}

static void enc_text(const char *enc, char *buf, size_t cap) {
  const char *what;
  if (strcmp(enc, "NULL") == 0)
    what = "no encryption";
  else if (strstr(enc, "CHACHA20_POLY1305"))
    what = "ChaCha20 stream cipher with Poly1305 authentication (AEAD)";
  else if (strstr(enc, "GCM"))
    what = "block cipher in Galois/Counter Mode (AEAD: encryption and integrity together)";
  else if (strstr(enc, "CCM"))
    what = "block cipher in Counter with CBC-MAC mode (AEAD)";
  else if (strstr(enc, "CBC"))
    what = "block cipher in Cipher Block Chaining mode, integrity by a separate HMAC";
  else if (strstr(enc, "RC4"))
    what = "RC4 stream cipher (broken, RFC 7465 forbids it)";
  else
    what = "symmetric cipher";
  snprintf(buf, cap, "%s (%s)", enc, what);
}

static bool cipher_parts(uint16_t suite, dx_tls_cipher_info *out);

/* The parts of the last few suites met, per thread: a capture's handshakes
 * name a handful of suites, and taking a name apart costs some 6,000
 * instructions (snprintf and strstr) per handshake message. */
#define PARTS_MEMO 8
static _Thread_local struct {
  bool set, ok;
  uint16_t suite;
  dx_tls_cipher_info info;
} parts_memo[PARTS_MEMO];

bool dx_tls_cipher_parts(uint16_t suite, dx_tls_cipher_info *out) {
  unsigned slot = (suite ^ (suite >> 8)) & (PARTS_MEMO - 1);
  if (parts_memo[slot].set && parts_memo[slot].suite == suite) {
    *out = parts_memo[slot].info;
    return parts_memo[slot].ok;
  }
  bool ok = cipher_parts(suite, out);
  parts_memo[slot].info = *out;
  parts_memo[slot].ok = ok;
  parts_memo[slot].suite = suite;
  parts_memo[slot].set = true;
  return ok;
}

static bool cipher_parts(uint16_t suite, dx_tls_cipher_info *out) {
  memset(out, 0, sizeof *out);
  const char *name = dx_val_name(dx_tls_cipher_vals, suite);
  if (!name || strncmp(name, "TLS_", 4) != 0 || strstr(name, "SCSV") || strstr(name, "GREASE"))
    return false;
  const char *rest = name + 4;
  const char *with = strstr(rest, "_WITH_");
  const char *cipher;
  if (!with) {
    /* TLS 1.3: TLS_AES_128_GCM_SHA256, TLS_CHACHA20_POLY1305_SHA256, ... */
    out->tls13 = true;
    copy(out->kx, sizeof out->kx, "any", 3);
    copy(out->auth, sizeof out->auth, "any", 3);
    snprintf(out->kx_text, sizeof out->kx_text,
             "any (negotiated via supported_groups/key_share: ECDHE or DHE, optionally with a "
             "PSK)");
    snprintf(out->auth_text, sizeof out->auth_text,
             "any (via signature_algorithms: the certificate's key signs the handshake)");
    cipher = rest;
  } else {
    char kxauth[64];
    copy(kxauth, sizeof kxauth, rest, (size_t)(with - rest));
    cipher = with + 6;
    /* Key exchange: the first word, or a known two-word form. */
    char *us = strchr(kxauth, '_');
    char first[32];
    copy(first, sizeof first, kxauth, us ? (size_t)(us - kxauth) : strlen(kxauth));
    const char *after = us ? us + 1 : "";
    char auth[32] = "";
    if (strcmp(first, "RSA") == 0 && strncmp(after, "EXPORT", 6) == 0) {
      copy(out->kx, sizeof out->kx, "RSA_EXPORT", 10);
      copy(auth, sizeof auth, "RSA", 3);
    } else if (strcmp(first, "SRP") == 0) {
      copy(out->kx, sizeof out->kx, "SRP", 3);
      /* SRP_SHA, SRP_SHA_RSA, SRP_SHA_DSS */
      const char *a = strncmp(after, "SHA_", 4) == 0 ? after + 4 : "";
      copy(auth, sizeof auth, *a ? a : "SRP", *a ? strlen(a) : 3);
    } else {
      copy(out->kx, sizeof out->kx, first, strlen(first));
      /* drop _EXPORT / _EXPORT1024 qualifiers from the authentication part */
      char a[32];
      copy(a, sizeof a, after, strlen(after));
      char *ex = strstr(a, "_EXPORT");
      if (!ex && strncmp(a, "EXPORT", 6) == 0)
        ex = a;
      if (ex)
        *ex = 0;
      if (a[0])
        copy(auth, sizeof auth, a, strlen(a));
      else
        copy(auth, sizeof auth, first, strlen(first)); /* RSA, PSK: one word does both */
    }
    copy(out->auth, sizeof out->auth, auth, strlen(auth));
    const char *k = find_expl(kx_expl, out->kx);
    snprintf(out->kx_text, sizeof out->kx_text, "%s%s%s%s", out->kx, k ? " (" : "", k ? k : "",
             k ? ")" : "");
    const char *au = find_expl(auth_expl, out->auth);
    snprintf(out->auth_text, sizeof out->auth_text, "%s%s%s%s", out->auth, au ? " (" : "",
             au ? au : "", au ? ")" : "");
  }
  /* cipher part: everything up to the last word if that is a MAC/hash */
  const char *last = strrchr(cipher, '_');
  if (last && is_mac(last + 1)) {
    copy(out->enc, sizeof out->enc, cipher, (size_t)(last - cipher));
    copy(out->mac, sizeof out->mac, last + 1, strlen(last + 1));
  } else {
    copy(out->enc, sizeof out->enc, cipher, strlen(cipher));
    copy(out->mac, sizeof out->mac, "AEAD", 4);
  }
  enc_text(out->enc, out->enc_text, sizeof out->enc_text);
  if (out->tls13)
    snprintf(out->mac_text, sizeof out->mac_text,
             "%s (the AEAD cipher protects integrity; %s is the HKDF hash of the key schedule)",
             out->mac, out->mac);
  else if (strcmp(out->mac, "AEAD") == 0)
    snprintf(out->mac_text, sizeof out->mac_text,
             "AEAD (integrity from the cipher; the PRF uses SHA-256)");
  else if (aead(out->enc))
    snprintf(out->mac_text, sizeof out->mac_text,
             "%s (integrity from the AEAD cipher; %s is the hash of the PRF)", out->mac, out->mac);
  else if (strcmp(out->mac, "SHA") == 0)
    snprintf(out->mac_text, sizeof out->mac_text, "SHA (HMAC-SHA1 protects each record)");
  else if (strcmp(out->mac, "NULL") == 0)
    snprintf(out->mac_text, sizeof out->mac_text, "NULL (no integrity protection)");
  else
    snprintf(out->mac_text, sizeof out->mac_text,
             "%s (HMAC-%s protects each record and is "
             "the hash of the PRF)",
             out->mac, out->mac);
  return true;
}
