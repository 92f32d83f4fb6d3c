/* Public accessors for packets and nodes, columns and addresses. */
#include "session.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

uint64_t dx_packet_number(const dx_packet *p) {
  return p->num;
}
const dx_frame *dx_packet_frame(const dx_packet *p) {
  return &p->frame;
}
double dx_packet_time_relative(const dx_packet *p) {
  return (double)p->rel_sec + p->rel_nsec / 1e9;
}
const char *dx_packet_src(const dx_packet *p) {
  if (p->col_addr_lazy)
    dx_col_addr_text((dx_packet *)p); /* the packet's own memory, made once */
  return p->col_src ? p->col_src : "";
}
const char *dx_packet_dst(const dx_packet *p) {
  if (p->col_addr_lazy)
    dx_col_addr_text((dx_packet *)p);
  return p->col_dst ? p->col_dst : "";
}
const char *dx_packet_protocol(const dx_packet *p) {
  return p->col_proto ? p->col_proto : "";
}
const char *dx_packet_info(const dx_packet *p) {
  return p->col_info ? p->col_info : "";
}
int dx_packet_severity(const dx_packet *p) {
  return p->severity;
}

size_t dx_packet_source_count(const dx_packet *p) {
  return p->nsources;
}
const char *dx_packet_source_name(const dx_packet *p, size_t i) {
  return i < p->nsources ? p->sources[i].name : NULL;
}
const uint8_t *dx_packet_source_data(const dx_packet *p, size_t i, size_t *len) {
  if (i >= p->nsources) {
    if (len)
      *len = 0;
    return NULL;
  }
  if (len)
    *len = p->sources[i].len;
  return p->sources[i].data;
}

const dx_node *dx_packet_root(const dx_packet *p) {
  return &p->root;
}

/* Pre-order successor of n within the tree under root. */
static const dx_node *next_preorder(const dx_node *n) {
  if (n->first_child)
    return n->first_child;
  while (n) {
    if (n->next)
      return n->next;
    n = n->parent;
  }
  return NULL;
}

/* The find index: an open-addressing table from field to the first node of
 * that field in tree order, the nodes of one field chained by `same`. Built
 * on the first dx_packet_find() after the tree last changed (node_new()
 * drops it), so that looking up k fields costs one walk instead of k. */
struct dx_find_slot {
  const dx_field *f;
  dx_node *first, *last;
};

static inline uint32_t field_hash(const dx_field *f) {
  uint64_t x = (uint64_t)(uintptr_t)f;
  x ^= x >> 29;
  x *= 0x9e3779b97f4a7c15ull;
  return (uint32_t)(x >> 32);
}

static bool findex_build(dx_packet *p) {
  size_t count = 0;
  for (const dx_node *n = p->root.first_child; n; n = next_preorder(n))
    count++;
  size_t size = 16;
  while (size < count * 2 && size < ((size_t)1 << 30))
    size <<= 1;
  if (size < count + 1)
    return false;
  struct dx_find_slot *slots = dx_arena_zalloc(&p->arena, size * sizeof *slots);
  if (!slots)
    return false;
  uint32_t mask = (uint32_t)(size - 1);
  memset(p->field_bloom, 0, sizeof p->field_bloom);
  for (dx_node *n = p->root.first_child; n; n = (dx_node *)next_preorder(n)) {
    n->same = NULL;
    if (!n->field)
      continue;
    /* a node of an alias is found as one of its original */
    const dx_field *f = n->field->alias_of ? n->field->alias_of : n->field;
    dx_field_bloom_add(p->field_bloom, f);
    uint32_t h = field_hash(f) & mask;
    while (slots[h].f && slots[h].f != f)
      h = (h + 1) & mask;
    if (!slots[h].f) {
      slots[h].f = f;
      slots[h].first = n;
    } else {
      slots[h].last->same = n;
    }
    slots[h].last = n;
  }
  p->findex = slots;
  p->findex_mask = mask;
  return true;
}

bool dx_packet_index_fields(const dx_packet *p) {
  /* The index is a cache: building it does not change what the packet
   * holds, so a const packet may build it. */
  return p && (p->findex || findex_build((dx_packet *)p));
}

const dx_node *dx_packet_find(const dx_packet *p, const dx_field *f) {
  if (!p || !f)
    return NULL;
  /* The index is a cache: building it does not change what the packet
   * holds, so a const packet may build it. */
  dx_packet *mp = (dx_packet *)p;
  if (p->findex || findex_build(mp)) {
    uint32_t h = field_hash(f) & p->findex_mask;
    while (p->findex[h].f) {
      if (p->findex[h].f == f)
        return p->findex[h].first;
      h = (h + 1) & p->findex_mask;
    }
    return NULL;
  }
  for (const dx_node *n = p->root.first_child; n; n = next_preorder(n))
    if (n->field == f || (n->field && n->field->alias_of == f))
      return n;
  return NULL;
}

const dx_node *dx_packet_find_next(const dx_packet *p, const dx_node *after) {
  if (!after)
    return NULL;
  if (p && p->findex)
    return after->same;
  const dx_field *f =
      after->field && after->field->alias_of ? after->field->alias_of : after->field;
  for (const dx_node *n = next_preorder(after); n; n = next_preorder(n))
    if (n->field == f || (n->field && n->field->alias_of == f))
      return n;
  return NULL;
}

const dx_node *dx_packet_find_name(const dx_packet *p, const char *name) {
  return dx_packet_find(p, dx_field_lookup(p->sess, name));
}

const dx_node *dx_node_parent(const dx_node *n) {
  return n ? n->parent : NULL;
}
const dx_node *dx_node_first_child(const dx_node *n) {
  return n ? n->first_child : NULL;
}
const dx_node *dx_node_next(const dx_node *n) {
  return n ? n->next : NULL;
}
const dx_field *dx_node_field(const dx_node *n) {
  return n ? n->field : NULL;
}
const char *dx_node_name(const dx_node *n) {
  return n && n->field ? n->field->abbrev : "";
}
unsigned dx_node_flags(const dx_node *n) {
  return n ? n->flags & ~DX_NODE_INTERNAL : 0u;
}
int dx_node_severity(const dx_node *n) {
  return n ? n->severity : 0;
}
uint32_t dx_node_offset(const dx_node *n) {
  return n ? n->offset : 0;
}
uint32_t dx_node_length(const dx_node *n) {
  return n ? n->length : 0;
}
unsigned dx_node_source(const dx_node *n) {
  return n ? n->src : 0;
}
uint64_t dx_node_uint(const dx_node *n) {
  return n ? n->v.u : 0;
}
int64_t dx_node_int(const dx_node *n) {
  return n ? n->v.i : 0;
}
double dx_node_double(const dx_node *n) {
  if (!n || !n->field)
    return 0;
  switch (n->field->type) {
  case DX_FT_DOUBLE: return n->v.d;
  case DX_FT_ABSTIME:
  case DX_FT_RELTIME: return (double)n->v.t.sec + n->v.t.nsec / 1e9;
  case DX_FT_INT32:
  case DX_FT_INT64: return (double)n->v.i;
  default: return (double)n->v.u;
  }
}
const char *dx_node_str(const dx_node *n) {
  if (!n || !n->field || n->field->type != DX_FT_STRING || !n->v.b.p)
    return "";
  return (const char *)n->v.b.p;
}
const uint8_t *dx_node_bytes(const dx_node *n, size_t *len) {
  if (!n || !n->field) {
    if (len)
      *len = 0;
    return NULL;
  }
  switch (n->field->type) {
  case DX_FT_BYTES:
  case DX_FT_STRING:
  case DX_FT_IPV6:
  case DX_FT_ETHER:
    if (len)
      *len = n->v.b.len;
    return n->v.b.p;
  default:
    if (len)
      *len = 0;
    return NULL;
  }
}

/* ---- columns ---- */
void dx_col_set_proto(dx_packet *p, const char *proto) {
  p->col_proto = proto;
}

void dx_col_set_addr(dx_packet *p, const dx_addr *src, const dx_addr *dst) {
  if (!p->want_columns)
    return;
  p->col_src_addr = *src;
  p->col_dst_addr = *dst;
  p->col_addr_lazy = true;
}

void dx_col_addr_text(dx_packet *p) {
  if (!p->col_addr_lazy)
    return;
  p->col_addr_lazy = false;
  char a[64], b[64];
  size_t la = dx_addr_format(&p->col_src_addr, a, sizeof a);
  size_t lb = dx_addr_format(&p->col_dst_addr, b, sizeof b);
  p->col_src = dx_arena_strndup(&p->arena, a, la < sizeof a ? la : sizeof a - 1);
  p->col_dst = dx_arena_strndup(&p->arena, b, lb < sizeof b ? lb : sizeof b - 1);
}

/* Appends n bytes of s (at most 1023 at a time, as a formatted piece). */
static void info_append_mem(dx_packet *p, const char *buf, size_t n) {
  if (n == 0)
    return;
  size_t add = n < 1024 ? n : 1023;
  size_t need = p->col_info_len + add + 1;
  if (need > 4096) {
    /* the Info column is bounded: what fits of it, as tshark's 4,096-byte
     * column takes it (back to a character's start) */
    if (p->col_info_len >= 4095)
      return;
    add = 4095 - p->col_info_len;
    while (add > 0 && ((uint8_t)buf[add] & 0xc0) == 0x80)
      add--;
    if (add == 0)
      return;
    need = p->col_info_len + add + 1;
  }
  if (need > p->col_info_cap) {
    size_t cap = p->col_info_cap ? p->col_info_cap * 2 : 128;
    while (cap < need)
      cap *= 2;
    char *nb = dx_arena_alloc(&p->arena, cap);
    if (!nb)
      return;
    if (p->col_info_len)
      memcpy(nb, p->col_info, p->col_info_len);
    p->col_info = nb;
    p->col_info_cap = cap;
  }
  memcpy(p->col_info + p->col_info_len, buf, add);
  p->col_info_len += add;
  p->col_info[p->col_info_len] = 0;
}

static void info_vappend(dx_packet *p, const char *fmt, va_list ap) DX_PRINTF(2, 0);
static void info_vappend(dx_packet *p, const char *fmt, va_list ap) {
  if (fmt[0] == '%' && fmt[1] == 's' && fmt[2] == 0) { /* no format to parse */
    const char *s = va_arg(ap, const char *);
    info_append_mem(p, s, strlen(s));
    return;
  }
  char buf[1024];
  int n = dx_vsnprintf(buf, sizeof buf, fmt, ap);
  if (n <= 0)
    return;
  info_append_mem(p, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

void dx_col_info_set_str(dx_packet *p, const char *s, size_t n) {
  if (!p->want_columns)
    return;
  dx_col_info_clear(p);
  info_append_mem(p, s, n);
}

void dx_col_info_clear(dx_packet *p) {
  p->col_info_len = p->col_info_fence <= p->col_info_len ? p->col_info_fence : 0;
  p->col_info_sep = false;
  p->col_info_added = false;
  if (p->col_info)
    p->col_info[p->col_info_len] = 0;
}

void dx_col_info_restore(dx_packet *p, const char *s, size_t n) {
  size_t fence = p->col_info_fence;
  p->col_info_fence = 0;
  dx_col_info_set_str(p, s, n);
  p->col_info_fence = fence;
}

void dx_col_info_set(dx_packet *p, const char *fmt, ...) {
  if (!p->want_columns)
    return;
  dx_col_info_clear(p);
  va_list ap;
  va_start(ap, fmt);
  info_vappend(p, fmt, ap);
  va_end(ap);
}

void dx_col_info_append(dx_packet *p, const char *fmt, ...) {
  if (!p->want_columns)
    return;
  va_list ap;
  va_start(ap, fmt);
  info_vappend(p, fmt, ap);
  va_end(ap);
}

void dx_col_info_append_sep(dx_packet *p, const char *sep, const char *fmt, ...) {
  if (!p->want_columns)
    return;
  if (p->col_info_len)
    dx_col_info_append(p, "%s", sep);
  va_list ap;
  va_start(ap, fmt);
  info_vappend(p, fmt, ap);
  va_end(ap);
}

/* ---- addresses ---- */
/* An IPv6 address as glibc's inet_ntop() writes it (RFC 5952: lower-case
 * hex without leading zeros, the first longest run of two or more zero
 * groups as "::"; ::a.b.c.d and ::ffff:a.b.c.d for embedded IPv4), without
 * its sprintf per group. out holds at least 46 bytes; returns the length. */
static size_t ipv6_text(const uint8_t *b, char *out) {
  static const char hx[] = "0123456789abcdef";
  unsigned w[8];
  for (int i = 0; i < 8; i++)
    w[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];
  int best = -1, blen = 0, cur = -1, clen = 0;
  for (int i = 0; i < 8; i++) {
    if (w[i] == 0) {
      if (cur < 0)
        cur = i, clen = 1;
      else
        clen++;
    } else if (cur >= 0) {
      if (best < 0 || clen > blen)
        best = cur, blen = clen;
      cur = -1;
    }
  }
  if (cur >= 0 && (best < 0 || clen > blen))
    best = cur, blen = clen;
  if (best >= 0 && blen < 2)
    best = -1;
  size_t k = 0;
  for (int i = 0; i < 8; i++) {
    if (best >= 0 && i >= best && i < best + blen) {
      if (i == best)
        out[k++] = ':';
      continue;
    }
    if (i)
      out[k++] = ':';
    if (i == 6 && best == 0 && (blen == 6 || (blen == 5 && w[5] == 0xffff))) {
      for (int j = 12; j < 16; j++) {
        unsigned v = b[j];
        if (j > 12)
          out[k++] = '.';
        if (v >= 100)
          out[k++] = (char)('0' + v / 100);
        if (v >= 10)
          out[k++] = (char)('0' + v / 10 % 10);
        out[k++] = (char)('0' + v % 10);
      }
      out[k] = 0;
      return k;
    }
    bool lead = true;
    for (int sh = 12; sh >= 0; sh -= 4) {
      unsigned d = (w[i] >> sh) & 15;
      if (lead && d == 0 && sh)
        continue;
      lead = false;
      out[k++] = hx[d];
    }
  }
  if (best >= 0 && best + blen == 8)
    out[k++] = ':';
  out[k] = 0;
  return k;
}

/* The text of the last IPv6 addresses formatted by this thread: a capture
 * names the same few hosts again and again (twice a packet in the
 * columns, again in -V's labels and the fields). Direct-mapped, a fixed
 * 4 KiB a thread. */
#define IPV6_CACHE 64
static _Thread_local struct ipv6_entry {
  uint8_t a[16];
  uint8_t len; /* 0: empty */
  char text[47];
} ipv6_cache[IPV6_CACHE];

static const char *ipv6_cached(const uint8_t *b, size_t *n) {
  uint64_t x, y;
  memcpy(&x, b, 8);
  memcpy(&y, b + 8, 8);
  uint64_t h = (x ^ (y * 0x9e3779b97f4a7c15ull)) * 0xff51afd7ed558ccdull;
  struct ipv6_entry *e = &ipv6_cache[h >> 58]; /* 64 entries */
  if (!e->len || memcmp(e->a, b, 16) != 0) {
    memcpy(e->a, b, 16);
    e->len = (uint8_t)ipv6_text(b, e->text);
  }
  *n = e->len;
  return e->text;
}

size_t dx_addr_format(const dx_addr *a, char *buf, size_t len) {
  if (!len)
    return 0;
  buf[0] = 0;
  char tmp[20];
  size_t k = 0;
  switch (a->type) {
  case DX_AT_ETHER:
    for (int i = 0; i < 6; i++) {
      static const char hx[] = "0123456789abcdef";
      if (i)
        tmp[k++] = ':';
      tmp[k++] = hx[a->a[i] >> 4];
      tmp[k++] = hx[a->a[i] & 15];
    }
    break;
  case DX_AT_IPV4:
    for (int i = 0; i < 4; i++) {
      unsigned v = a->a[i];
      if (i)
        tmp[k++] = '.';
      if (v >= 100)
        tmp[k++] = (char)('0' + v / 100);
      if (v >= 10)
        tmp[k++] = (char)('0' + v / 10 % 10);
      tmp[k++] = (char)('0' + v % 10);
    }
    break;
  case DX_AT_IPV6: {
    size_t n;
    const char *six = ipv6_cached(a->a, &n);
    size_t w = n < len ? n : len - 1;
    memcpy(buf, six, w);
    buf[w] = '\0';
    return n;
  }
  default: return 0;
  }
  /* as snprintf: cut to len-1, return the full length */
  size_t w = k < len ? k : len - 1;
  memcpy(buf, tmp, w);
  buf[w] = '\0';
  return k;
}

void dx_addr_set(dx_addr *a, dx_addr_type t, const uint8_t *bytes) {
  memset(a, 0, sizeof *a);
  a->type = t;
  size_t n = t == DX_AT_ETHER ? 6 : t == DX_AT_IPV4 ? 4 : t == DX_AT_IPV6 ? 16 : 0;
  if (n && bytes)
    memcpy(a->a, bytes, n);
}

bool dx_addr_eq(const dx_addr *a, const dx_addr *b) {
  return dx_addr_cmp(a, b) == 0;
}

int dx_addr_cmp(const dx_addr *a, const dx_addr *b) {
  if (a->type != b->type)
    return a->type < b->type ? -1 : 1;
  return memcmp(a->a, b->a, sizeof a->a);
}

const char *dx_val_name(const dx_vals *v, uint64_t value) {
  for (; v && v->name; v++)
    if (v->value == value)
      return v->name;
  return NULL;
}

const char *dx_val_name_def(const dx_vals *v, uint64_t value, const char *def) {
  const char *n = dx_val_name(v, value);
  return n ? n : def;
}
