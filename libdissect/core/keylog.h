/* NSS key log (SSLKEYLOGFILE) store: the secrets a TLS client or server
 * wrote down, looked up by (label, client random) to decrypt TLS.
 *
 * Format (NSS "Key Log Format", also in IETF draft-ietf-tls-keylogfile):
 *   LABEL <client random, 32 bytes hex> <secret hex>
 * Labels: CLIENT_RANDOM (TLS <= 1.2 master secret, 48 bytes), the TLS 1.3
 * traffic secrets (RFC 8446 7.1: CLIENT_EARLY_TRAFFIC_SECRET,
 * {CLIENT,SERVER}_HANDSHAKE_TRAFFIC_SECRET, {CLIENT,SERVER}_TRAFFIC_SECRET_0,
 * EXPORTER_SECRET; 32, 48 or 64 bytes), and Wireshark's
 * "RSA <first 8 bytes of the encrypted premaster hex> <premaster hex>".
 *
 * The text may come from a file or from a pcapng Decryption Secrets Block,
 * so it is hostile input: every line is checked, memory is capped by the
 * number of entries, and lookups are binary searches in a sorted array
 * (no hash table whose buckets crafted input could make long).
 * Not thread-safe for concurrent writers; concurrent dx_keylog_find calls
 * on a store nobody is adding to are fine (find never modifies it). */
#ifndef LIBDISSECT_CORE_KEYLOG_H
#define LIBDISSECT_CORE_KEYLOG_H

#include <stddef.h>
#include <stdint.h>

typedef struct dx_keylog dx_keylog;

enum {
  DX_KL_CLIENT_RANDOM = 0, /* TLS<=1.2 master secret (48 bytes) */
  DX_KL_CLIENT_EARLY_TRAFFIC_SECRET,
  DX_KL_CLIENT_HANDSHAKE_TRAFFIC_SECRET,
  DX_KL_SERVER_HANDSHAKE_TRAFFIC_SECRET,
  DX_KL_CLIENT_TRAFFIC_SECRET_0,
  DX_KL_SERVER_TRAFFIC_SECRET_0,
  DX_KL_EXPORTER_SECRET,
  DX_KL_RSA, /* "RSA <first 8 bytes of encrypted premaster hex> <premaster hex>": key is 8 bytes */
  DX_KL_COUNT
};

#define DX_KL_MAX_SECRET 64 /* longest secret kept */

/* A new, empty store holding at most max_entries distinct (label, key)
 * entries (0 means 1,000,000). NULL on OOM. */
dx_keylog *dx_keylog_new(size_t max_entries);
void dx_keylog_free(dx_keylog *kl); /* NULL is fine */
/* A copy of kl (its entries, limits and counts), to add to on its own; NULL
 * if kl is NULL or on OOM. Copying is a memcpy of the entries: much
 * cheaper than reading the text again. */
dx_keylog *dx_keylog_clone(const dx_keylog *kl);

/* Adds the lines of a key log held in memory (a file's contents, or a pcapng
 * Decryption Secrets Block's). '#' comments, empty and blank lines are
 * ignored, CRLF is accepted, lines with an unknown label are ignored (counted
 * by dx_keylog_unknown_lines), malformed lines (bad hex, wrong lengths,
 * missing fields) are counted as bad. As in Wireshark, the secret is the run
 * of hex digit pairs its field starts with (the first 48 bytes for
 * CLIENT_RANDOM and RSA): what follows on the line is ignored. A (label, key) given again
 * replaces the earlier secret (the last one wins). Lines that would exceed
 * max_entries are dropped (dx_keylog_dropped). Returns the number of lines
 * stored (including replacements). text need not be NUL-terminated; NUL
 * bytes at its end (block padding) are ignored. */
size_t dx_keylog_add_text(dx_keylog *kl, const char *text, size_t len);

/* Reads a key log file (streamed, any size) into the store. Returns DX_OK,
 * DX_ENOFILE (cannot open), DX_EIO (read error) or DX_ENOMEM, with errbuf
 * (if not NULL) saying "key log FILE: reason". Line numbers of bad lines
 * count from the file's first line. */
int dx_keylog_load_file(dx_keylog *kl, const char *path, char *errbuf, size_t errlen);

/* Distinct entries stored. */
size_t dx_keylog_count(const dx_keylog *kl);
/* Bad lines so far, and the 1-based line number of the first one (0 if
 * none), for one report "key log FILE: N malformed lines, first at line L".
 * Line numbers count within each add_text call's text. first_line may be NULL. */
size_t dx_keylog_bad_lines(const dx_keylog *kl, unsigned long *first_line);
/* Well-formed lines with a label we do not know (ignored). */
size_t dx_keylog_unknown_lines(const dx_keylog *kl);
/* Good lines dropped because the store was full (max_entries). */
size_t dx_keylog_dropped(const dx_keylog *kl);

/* Copies the secret for (label, key) into out (capacity outcap) and returns
 * its length; 0 if there is none, if keylen is not 32 (8 for DX_KL_RSA), or
 * if outcap is too small for the secret. */
size_t dx_keylog_find(const dx_keylog *kl, int label, const uint8_t *key, size_t keylen,
                      uint8_t *out, size_t outcap);

/* The label's name as written in key logs ("CLIENT_RANDOM"), NULL if out of range. */
const char *dx_keylog_label_name(int label);

#endif
