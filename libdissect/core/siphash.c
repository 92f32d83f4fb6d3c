/* SipHash-1-3 and SipHash-2-4 (see siphash.h), after the paper's reference
 * description: the key, a 64-bit word per 8 input bytes, the length in the
 * top byte of the last word. */
#include "siphash.h"

#include <openssl/rand.h>
#include <string.h>
#include <time.h>
#if defined(__linux__)
#include <sys/random.h>
#endif

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND                                                                                   \
  do {                                                                                             \
    v0 += v1;                                                                                      \
    v1 = ROTL(v1, 13);                                                                             \
    v1 ^= v0;                                                                                      \
    v0 = ROTL(v0, 32);                                                                             \
    v2 += v3;                                                                                      \
    v3 = ROTL(v3, 16);                                                                             \
    v3 ^= v2;                                                                                      \
    v0 += v3;                                                                                      \
    v3 = ROTL(v3, 21);                                                                             \
    v3 ^= v0;                                                                                      \
    v2 += v1;                                                                                      \
    v1 = ROTL(v1, 17);                                                                             \
    v1 ^= v2;                                                                                      \
    v2 = ROTL(v2, 32);                                                                             \
  } while (0)

static inline uint64_t load_le64(const uint8_t *p) {
  return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
         (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

static inline uint64_t siphash(const dx_hashkey *key, const void *data, size_t n, int crounds,
                               int drounds) {
  const uint8_t *in = data;
  uint64_t v0 = 0x736f6d6570736575ull ^ key->k0;
  uint64_t v1 = 0x646f72616e646f6dull ^ key->k1;
  uint64_t v2 = 0x6c7967656e657261ull ^ key->k0;
  uint64_t v3 = 0x7465646279746573ull ^ key->k1;
  const uint8_t *end = in + (n & ~(size_t)7);
  for (; in != end; in += 8) {
    uint64_t m = load_le64(in);
    v3 ^= m;
    for (int i = 0; i < crounds; i++)
      SIPROUND;
    v0 ^= m;
  }
  uint64_t b = (uint64_t)n << 56;
  switch (n & 7) {
  case 7:
    b |= (uint64_t)in[6] << 48;
    /* fall through */
  case 6:
    b |= (uint64_t)in[5] << 40;
    /* fall through */
  case 5:
    b |= (uint64_t)in[4] << 32;
    /* fall through */
  case 4:
    b |= (uint64_t)in[3] << 24;
    /* fall through */
  case 3:
    b |= (uint64_t)in[2] << 16;
    /* fall through */
  case 2:
    b |= (uint64_t)in[1] << 8;
    /* fall through */
  case 1: b |= (uint64_t)in[0]; break;
  default: break;
  }
  v3 ^= b;
  for (int i = 0; i < crounds; i++)
    SIPROUND;
  v0 ^= b;
  v2 ^= 0xff;
  for (int i = 0; i < drounds; i++)
    SIPROUND;
  return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t dx_siphash13(const dx_hashkey *key, const void *data, size_t n) {
  return siphash(key, data, n, 1, 3);
}

uint64_t dx_siphash24(const dx_hashkey *key, const void *data, size_t n) {
  return siphash(key, data, n, 2, 4);
}

/* The kernel's getrandom() first: OpenSSL's RAND_bytes is as good but its
 * first call sets up the default provider and DRBG, 2.4 MB of RSS measured
 * here, in every process that never decrypts anything. */
static int kernel_random(uint8_t *k, size_t n) {
#if defined(__linux__)
  return getrandom(k, n, 0) == (ssize_t)n;
#else
  (void)k;
  (void)n;
  return 0;
#endif
}

void dx_hashkey_random(dx_hashkey *key) {
  uint8_t k[16];
  if (kernel_random(k, sizeof k) || RAND_bytes(k, sizeof k) == 1) {
    key->k0 = load_le64(k);
    key->k1 = load_le64(k + 8);
    return;
  }
  /* No entropy from OpenSSL: the time and where things live, mixed. */
  struct timespec ts;
  memset(&ts, 0, sizeof ts);
  clock_gettime(CLOCK_REALTIME, &ts);
  dx_hashkey seed = {(uint64_t)ts.tv_sec * 1000000007ull ^ (uint64_t)ts.tv_nsec,
                     (uint64_t)(uintptr_t)key ^ (uint64_t)(uintptr_t)&ts};
  key->k0 = dx_siphash24(&seed, "dx-k0", 5);
  key->k1 = dx_siphash24(&seed, "dx-k1", 5);
}
