/* The Internet checksum (RFC 1071): the 16-bit ones' complement of the ones'
 * complement sum of the data taken as big-endian 16-bit words. */
#include "checksum.h"

static uint32_t fold32(uint32_t sum) {
  while (sum >> 16)
    sum = (sum & 0xffffu) + (sum >> 16);
  return sum;
}

uint32_t dx_cksum_add(uint32_t sum, const uint8_t *d, size_t n) {
  sum = fold32(sum);
  size_t i = 0;
  while (i + 1 < n) {
    /* Fold every 32 K words so the 32-bit accumulator never overflows. */
    size_t stop = n - i > 65536 ? i + 65536 : n;
    for (; i + 1 < stop; i += 2)
      sum += (uint32_t)d[i] << 8 | d[i + 1];
    sum = fold32(sum);
  }
  if (i < n)
    sum += (uint32_t)d[i] << 8;
  return fold32(sum);
}

uint16_t dx_cksum_fold(uint32_t sum) {
  return (uint16_t)~fold32(sum);
}

uint32_t dx_cksum_pseudo(const dx_addr *src, const dx_addr *dst, uint8_t proto, uint32_t len) {
  uint32_t sum = 0;
  if (!src || !dst)
    return 0;
  if (src->type == DX_AT_IPV4 && dst->type == DX_AT_IPV4) {
    sum = dx_cksum_add(sum, src->a, 4);
    sum = dx_cksum_add(sum, dst->a, 4);
    sum += proto;
    sum += len & 0xffffu;
  } else if (src->type == DX_AT_IPV6 && dst->type == DX_AT_IPV6) {
    sum = dx_cksum_add(sum, src->a, 16);
    sum = dx_cksum_add(sum, dst->a, 16);
    sum += len >> 16;
    sum += len & 0xffffu;
    sum += proto;
  }
  return fold32(sum);
}

uint16_t dx_inet_checksum(const uint8_t *data, size_t len, uint32_t initial) {
  return dx_cksum_fold(dx_cksum_add(initial, data, len));
}
