/* Bounds-checked reads. Every byte a dissector reads from a packet comes
 * through one of these: they report absence instead of reading past the end. */
#include "dx.h"

dx_tvb dx_tvb_sub(const dx_tvb *t, uint32_t off, uint32_t len) {
  dx_tvb s = *t;
  if (off > t->len) {
    s.data = t->data + t->len;
    s.base = t->base + t->len;
    s.len = 0;
    s.reported = off > t->reported ? 0 : t->reported - off;
    if (len != UINT32_MAX && s.reported > len)
      s.reported = len;
    return s;
  }
  s.data = t->data + off;
  s.base = t->base + off;
  uint32_t avail = t->len - off;
  uint32_t rep = t->reported > off ? t->reported - off : 0;
  if (len == UINT32_MAX) {
    s.len = avail;
    s.reported = rep > avail ? rep : avail;
  } else {
    s.len = len < avail ? len : avail;
    s.reported = len;
  }
  return s;
}

bool dx_get_u8(const dx_tvb *t, uint32_t off, uint8_t *v) {
  if (!dx_tvb_has(t, off, 1))
    return false;
  *v = t->data[off];
  return true;
}

bool dx_get_u16(const dx_tvb *t, uint32_t off, uint16_t *v) {
  if (!dx_tvb_has(t, off, 2))
    return false;
  const uint8_t *d = t->data + off;
  *v = (uint16_t)((d[0] << 8) | d[1]);
  return true;
}

bool dx_get_u24(const dx_tvb *t, uint32_t off, uint32_t *v) {
  if (!dx_tvb_has(t, off, 3))
    return false;
  const uint8_t *d = t->data + off;
  *v = ((uint32_t)d[0] << 16) | ((uint32_t)d[1] << 8) | d[2];
  return true;
}

bool dx_get_u32(const dx_tvb *t, uint32_t off, uint32_t *v) {
  if (!dx_tvb_has(t, off, 4))
    return false;
  const uint8_t *d = t->data + off;
  *v = ((uint32_t)d[0] << 24) | ((uint32_t)d[1] << 16) | ((uint32_t)d[2] << 8) | d[3];
  return true;
}

bool dx_get_u64(const dx_tvb *t, uint32_t off, uint64_t *v) {
  uint32_t hi, lo;
  if (!dx_get_u32(t, off, &hi) || !dx_get_u32(t, off + 4, &lo) || off + 4 < off)
    return false;
  *v = ((uint64_t)hi << 32) | lo;
  return true;
}

bool dx_get_u16_le(const dx_tvb *t, uint32_t off, uint16_t *v) {
  if (!dx_tvb_has(t, off, 2))
    return false;
  const uint8_t *d = t->data + off;
  *v = (uint16_t)(d[0] | (d[1] << 8));
  return true;
}

bool dx_get_u32_le(const dx_tvb *t, uint32_t off, uint32_t *v) {
  if (!dx_tvb_has(t, off, 4))
    return false;
  const uint8_t *d = t->data + off;
  *v = d[0] | ((uint32_t)d[1] << 8) | ((uint32_t)d[2] << 16) | ((uint32_t)d[3] << 24);
  return true;
}

const uint8_t *dx_get_ptr(const dx_tvb *t, uint32_t off, uint32_t n) {
  return dx_tvb_has(t, off, n) ? t->data + off : NULL;
}
