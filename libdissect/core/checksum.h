/* The Internet checksum (RFC 1071) and the IPv4/IPv6 pseudo-headers
 * (RFC 793 / RFC 768 / RFC 8200 8.1) used by TCP, UDP and ICMPv6. */
#ifndef LIBDISSECT_CORE_CHECKSUM_H
#define LIBDISSECT_CORE_CHECKSUM_H

#include "dx.h"

#include <stddef.h>
#include <stdint.h>

/* Adds n bytes (big-endian 16-bit words; an odd last byte is padded with a
 * zero byte) to a running 32-bit sum. Calls may be chained, but only the
 * last one may have an odd n. The sum is folded as it goes, so it never
 * overflows whatever n is. */
uint32_t dx_cksum_add(uint32_t sum, const uint8_t *d, size_t n);
/* Folds the carries and returns the ones' complement: the checksum to put
 * in a header. Over data that already holds a correct checksum the result
 * is 0. */
uint16_t dx_cksum_fold(uint32_t sum);
/* Sum of the pseudo-header for upper-layer protocol `proto` with `len`
 * bytes of upper-layer data: IPv4 (src, dst, zero, proto, 16-bit length)
 * or IPv6 (src, dst, 32-bit length, zeros, next header), chosen by
 * src->type. Returns 0 for other address types. */
uint32_t dx_cksum_pseudo(const dx_addr *src, const dx_addr *dst, uint8_t proto, uint32_t len);
/* One call: the checksum of data with an initial (unfolded) sum, e.g. from
 * dx_cksum_pseudo(). 0 means "correct" when the data includes its
 * checksum field. */
uint16_t dx_inet_checksum(const uint8_t *data, size_t len, uint32_t initial);

#endif
