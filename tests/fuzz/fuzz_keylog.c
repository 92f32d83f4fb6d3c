/* libFuzzer harness for the NSS key log parser (core/keylog.c), whose input
 * may come from a pcapng Decryption Secrets Block, i.e. from an attacker.
 *
 * Input format:
 *   byte 0      store cap selector: 0 = the default cap, else a cap of 1..255
 *   byte 1      split point selector: the text is also fed to a second store
 *               in two add_text calls, cut after the first newline at or
 *               after (byte1 * len / 256), which must give the same store
 *   then        key log text
 * Checks: the cap holds, both stores agree on every lookup made, lookups of
 * keys cut from the input and of fixed keys never return more than the
 * largest secret. Any broken invariant aborts. */
#include "../../libdissect/core/keylog.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_same(const dx_keylog *a, const dx_keylog *b, int label, const uint8_t *key,
                       size_t keylen) {
  uint8_t x[DX_KL_MAX_SECRET], y[DX_KL_MAX_SECRET];
  size_t nx = dx_keylog_find(a, label, key, keylen, x, sizeof x);
  size_t ny = dx_keylog_find(b, label, key, keylen, y, sizeof y);
  if (nx > DX_KL_MAX_SECRET || nx != ny || memcmp(x, y, nx) != 0)
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2)
    return 0;
  size_t cap = data[0];
  size_t cut = (size_t)data[1];
  data += 2;
  size -= 2;
  cut = cut * size / 256;
  while (cut < size && data[cut] != '\n')
    cut++;
  if (cut < size)
    cut++;
  /* A copy of exactly `size` bytes so ASan sees reads past the end. */
  char *text = malloc(size ? size : 1);
  if (!text)
    abort();
  memcpy(text, data, size);

  dx_keylog *a = dx_keylog_new(cap), *b = dx_keylog_new(cap);
  if (!a || !b)
    abort();
  dx_keylog_add_text(a, text, size);
  dx_keylog_add_text(b, text, cut);
  dx_keylog_add_text(b, text + cut, size - cut);
  if (cap && (dx_keylog_count(a) > cap || dx_keylog_count(b) > cap))
    abort();
  unsigned long first = 0;
  size_t bad = dx_keylog_bad_lines(a, &first);
  if ((bad == 0) != (first == 0))
    abort();

  /* Lookups: fixed keys, and keys decoded from every 64/16-digit hex run. */
  static const uint8_t zeros[32];
  for (int l = -1; l <= DX_KL_COUNT; l++) {
    check_same(a, b, l, zeros, 32);
    check_same(a, b, l, zeros, 8);
  }
  size_t runs = 0;
  for (size_t i = 0; i < size && runs < 64; i++) {
    size_t j = i;
    while (j < size && ((text[j] >= '0' && text[j] <= '9') || (text[j] >= 'a' && text[j] <= 'f') ||
                        (text[j] >= 'A' && text[j] <= 'F')))
      j++;
    if (j - i == 64 || j - i == 16) {
      uint8_t key[32];
      size_t kl = (j - i) / 2;
      for (size_t k = 0; k < kl; k++) {
        char h[3] = {text[i + 2 * k], text[i + 2 * k + 1], 0};
        key[k] = (uint8_t)strtoul(h, NULL, 16);
      }
      for (int l = 0; l < DX_KL_COUNT; l++)
        check_same(a, b, l, key, kl);
      runs++;
    }
    i = j;
  }
  dx_keylog_free(a);
  dx_keylog_free(b);
  free(text);
  return 0;
}
