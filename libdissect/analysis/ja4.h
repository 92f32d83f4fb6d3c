/* JA4 fingerprints of TLS clients (FoxIO's JA4, the BSD-licensed part of
 * JA4+; technical_details/JA4.md in github.com/FoxIO-LLC/ja4). Written from
 * the specification, not from its code.
 *
 * JA4 = a_b_c where
 *   a: transport ('t' TLS over TCP, 'q' QUIC, 'd' DTLS), the version (the
 *      highest of supported_versions, else the ClientHello's version; "13",
 *      "12", ...; "00" unknown), 'd' if there is an SNI extension else 'i',
 *      the number of cipher suites and of extensions (2 digits, at most 99),
 *      the first and last characters of the first ALPN value ("00" if none);
 *   b: the first 12 hex digits of the SHA-256 of the cipher suites, 4 hex
 *      digits each, sorted, comma separated;
 *   c: the same of the extension types sorted without SNI (0000) and ALPN
 *      (0010), then "_" and the signature algorithms in their order.
 * GREASE values (RFC 8701) are left out everywhere. JA4_r shows the lists
 * b and c hash instead of the hashes. */
#ifndef LIBDISSECT_ANALYSIS_JA4_H
#define LIBDISSECT_ANALYSIS_JA4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct dx_ja4_hello {
  char transport;         /* 't', 'q' or 'd' */
  uint16_t version;       /* ClientHello.legacy_version */
  uint16_t supported_max; /* highest non-GREASE supported_versions value, 0 if none */
  bool sni;               /* a server_name extension is present */
  const uint8_t *alpn;    /* the first ALPN protocol name, NULL if none */
  size_t alpn_len;        /* its length (0: empty) */
  uint16_t *ciphers;      /* cipher suites without GREASE (sorted in place) */
  size_t nciphers;
  uint16_t *exts; /* extension types without GREASE (sorted in place) */
  size_t nexts;
  const uint16_t *sigalgs; /* signature_algorithms without GREASE, in order */
  size_t nsigalgs;
} dx_ja4_hello;

/* True for a GREASE value (RFC 8701: 0x0a0a, 0x1a1a, ..., 0xfafa). */
static inline bool dx_is_grease(uint32_t v) {
  return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* Bytes JA4_r of h needs, NUL included. */
size_t dx_ja4_raw_size(const dx_ja4_hello *h);

/* Computes JA4 into ja4 (36 characters and a NUL) and, if raw is not NULL,
 * JA4_r into raw (rawcap >= dx_ja4_raw_size(h)). Sorts h->ciphers and
 * h->exts. Returns false only if hashing failed or raw is too small. */
bool dx_ja4(dx_ja4_hello *h, char ja4[48], char *raw, size_t rawcap);

#endif
