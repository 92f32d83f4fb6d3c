/*
 * Internal API shared by the core, the dissectors (proto/) and the outputs.
 * Not installed. Dissectors see only this header and dissect.h.
 *
 * Writing a dissector (see proto/udp.c for a short example):
 *   1. Declare the fields once in a static dx_field table. Names follow
 *      Wireshark's display-filter names where Wireshark has the field.
 *   2. Declare a dx_protocol (name, label, fields, dissect function, the
 *      dispatch-table keys it registers for) and add it to proto/registry.c.
 *   3. In the dissect function read bytes only through a dx_tvb (bounds
 *      checked), and add nodes with dx_add_*(). dx_add_item() reads and adds
 *      in one step and marks the node truncated if the bytes run out.
 */
#ifndef LIBDISSECT_CORE_DX_H
#define LIBDISSECT_CORE_DX_H

#include <dissect/dissect.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "siphash.h"

#define DX_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define DX_UNUSED(x) (void)(x)
#if defined(__GNUC__)
#define DX_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define DX_PRINTF(a, b)
#endif

/* ---- arena: bump allocator, freed all at once ------------------------- */
typedef struct dx_arena_chunk dx_arena_chunk;
typedef struct dx_arena {
  dx_arena_chunk *head;  /* current chunk */
  dx_arena_chunk *spare; /* freed chunks kept for reuse (a list, bounded) */
  unsigned char *cur;    /* the free room of the current chunk */
  size_t avail;
  size_t used_total;
  struct dx_arena_owned *owned; /* heap blocks freed by the next reset */
} dx_arena;

void dx_arena_init(dx_arena *a);
/* dx_arena_alloc when the current chunk has no room (or n is 0 or large). */
void *dx_arena_alloc_slow(dx_arena *a, size_t n);
/* 16-byte aligned, NULL on OOM. */
static inline void *dx_arena_alloc(dx_arena *a, size_t n) {
  size_t r = (n + 15u) & ~(size_t)15u;
  if (n - 1 < 4096 && r <= a->avail) { /* 1 <= n <= 4096: r cannot wrap */
    void *p = a->cur;
    a->cur += r;
    a->avail -= r;
    a->used_total += r;
    return p;
  }
  return dx_arena_alloc_slow(a, n);
}
void *dx_arena_zalloc(dx_arena *a, size_t n); /* zeroed */
char *dx_arena_strndup(dx_arena *a, const char *s, size_t n);
char *dx_arena_printf(dx_arena *a, const char *fmt, ...) DX_PRINTF(2, 3);
/* Formats into the arena as vsnprintf into a buffer of `limit` bytes would
 * (the text cut to limit-1 bytes), without an intermediate copy. */
char *dx_arena_vformat(dx_arena *a, size_t limit, const char *fmt, va_list ap) DX_PRINTF(3, 0);
/* vsnprintf/snprintf with the same results, faster for the plain
 * conversions (%s %d %u %x %c with '-', '0', widths); anything else goes to
 * the C library. */
int dx_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap) DX_PRINTF(3, 0);
int dx_snprintf(char *buf, size_t cap, const char *fmt, ...) DX_PRINTF(3, 4);
/* Makes the arena own buf, a block from malloc(): the next reset frees it.
 * false (buf still the caller's) if there is no memory to note it. */
bool dx_arena_adopt(dx_arena *a, void *buf);
void dx_arena_reset(dx_arena *a); /* empties it, keeping some chunks for reuse */
void dx_arena_destroy(dx_arena *a);

/* ---- value names -------------------------------------------------------- */
typedef struct dx_vals {
  uint64_t value;
  const char *name;
} dx_vals; /* arrays end with {0, NULL} */

const char *dx_val_name(const dx_vals *v, uint64_t value); /* NULL if none */
const char *dx_val_name_def(const dx_vals *v, uint64_t value, const char *def);

/* ---- fields ------------------------------------------------------------- */
typedef enum dx_base {
  DX_BASE_NONE = 0,
  DX_BASE_DEC,
  DX_BASE_HEX,
  DX_BASE_DEC_HEX, /* "1234 (0x04d2)" in labels, decimal in fields */
  DX_BASE_HEX_DEC,
  DX_BASE_OCT,
  DX_BASE_PORT,  /* decimal, like BASE_PT_* */
  DX_BASE_UTC,   /* DX_FT_ABSTIME shown as a UTC date, like ABSOLUTE_TIME_UTC */
  DX_BASE_LOCAL, /* DX_FT_ABSTIME shown as a local date and zone, like ABSOLUTE_TIME_LOCAL */
  DX_BASE_ASCII  /* DX_FT_STRING read as ASCII, like ENC_ASCII: a byte >= 0x80 is U+FFFD */
} dx_base;

struct dx_field {
  const char *abbrev; /* filter name: "tcp.srcport" */
  const char *label;  /* human label: "Source Port" */
  dx_ftype type;
  dx_base base;
  const dx_vals *vals; /* value names, or NULL; for BOOL {0,"Not set"},{1,"Set"} */
  uint64_t bitmask;    /* for fields inside a wider integer: the bits; 0 if none */
  uint8_t bits;        /* width of the containing integer for bitmask display */
  const char *blurb;   /* longer description, may be NULL */
  /* A second field of the same name (tshark registers some names twice,
   * with another display: mDNS's dns.rr.udp_payload_size is hex): set to
   * the field it stands for, which -e, filters, the interest set and
   * dx_packet_find() know it as; only its own display differs. Not in the
   * session's name index. NULL for every other field. */
  const struct dx_field *alias_of;
};

/* s[0..n) as ENC_ASCII reads it: every byte >= 0x80 becomes U+FFFD (three
 * bytes). Writes at most cap - 1 bytes and a NUL (whole characters only);
 * returns the length written. */
size_t dx_ascii_copy(char *dst, size_t cap, const uint8_t *s, size_t n);

/* Helpers to keep field tables one line per field. */
#define DX_F(abbr, lbl, t, b)                                                                      \
  { abbr, lbl, t, b, NULL, 0, 0, NULL, NULL }
#define DX_FV(abbr, lbl, t, b, v)                                                                  \
  { abbr, lbl, t, b, v, 0, 0, NULL, NULL }
#define DX_FM(abbr, lbl, t, b, v, mask, width)                                                     \
  { abbr, lbl, t, b, v, mask, width, NULL, NULL }

/* ---- data views: every packet byte is read through one -------------------- */
typedef struct dx_tvb {
  const uint8_t *data; /* first byte of this view */
  uint32_t len;        /* bytes available in this view (captured) */
  uint32_t reported;   /* bytes the view should have (>= len when the capture was cut) */
  uint32_t base;       /* offset of data[0] in its data source */
  uint16_t src;        /* data source index in the packet */
} dx_tvb;

/* A sub-view of [off, off+len) clipped to what is present. len == UINT32_MAX
 * means "to the end". Never fails: an out-of-range view is empty. */
dx_tvb dx_tvb_sub(const dx_tvb *t, uint32_t off, uint32_t len);
static inline uint32_t dx_tvb_avail(const dx_tvb *t, uint32_t off) {
  return off < t->len ? t->len - off : 0;
}
static inline bool dx_tvb_has(const dx_tvb *t, uint32_t off, uint32_t n) {
  return off <= t->len && n <= t->len - off;
}
/* Readers return true and store the value, or false (value untouched) if
 * the bytes are not there. Big-endian unless named _le. */
bool dx_get_u8(const dx_tvb *t, uint32_t off, uint8_t *v);
bool dx_get_u16(const dx_tvb *t, uint32_t off, uint16_t *v);
bool dx_get_u24(const dx_tvb *t, uint32_t off, uint32_t *v);
bool dx_get_u32(const dx_tvb *t, uint32_t off, uint32_t *v);
bool dx_get_u64(const dx_tvb *t, uint32_t off, uint64_t *v);
bool dx_get_u16_le(const dx_tvb *t, uint32_t off, uint16_t *v);
bool dx_get_u32_le(const dx_tvb *t, uint32_t off, uint32_t *v);
/* Pointer to n bytes at off, or NULL if not all there. */
const uint8_t *dx_get_ptr(const dx_tvb *t, uint32_t off, uint32_t n);

/* ---- the layer tree --------------------------------------------------- */
typedef struct dx_packet dx_packet;

struct dx_node {
  const dx_field *field;
  struct dx_node *parent, *first_child, *last_child, *next;
  uint32_t offset, length; /* in data source `src` */
  uint16_t src;
  uint8_t flags;        /* DX_NODE_* */
  uint8_t severity;     /* DX_SEV_* */
  const char *text;     /* custom label line (arena), replaces the default label */
  struct dx_node *same; /* next node of the same field in tree order; valid
                           while the packet's find index is (packet.c) */
  union {
    uint64_t u;
    int64_t i;
    double d;
    struct {
      const uint8_t *p;
      uint32_t len;
    } b; /* BYTES, STRING (p NUL-terminated), IPV6, ETHER */
    struct {
      int64_t sec;
      int32_t nsec;
    } t; /* ABSTIME, RELTIME */
  } v;
};

/* Adding nodes. parent may be NULL only for the root's children (pass
 * dx_packet_root_mut()). All return the new node, or NULL if memory ran out
 * (callers may ignore NULL: every dx_add_* and dx_node_* accepts a NULL
 * parent/node and does nothing). Offsets are relative to the tvb. */
dx_node *dx_add_proto(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                      uint32_t off, uint32_t len);
dx_node *dx_add_none_full(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                          uint32_t off, uint32_t len);
dx_node *dx_add_uint_full(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                          uint32_t off, uint32_t len, uint64_t v);
dx_node *dx_add_int_full(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                         uint32_t off, uint32_t len, int64_t v);
dx_node *dx_add_double_full(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                            uint32_t off, uint32_t len, double v);
dx_node *dx_add_bytes_full(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                           uint32_t off, uint32_t len); /* value = the bytes at off (clipped) */
dx_node *dx_add_bytes_val_full(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                               uint32_t off, uint32_t len, const uint8_t *val, uint32_t vlen);
/* STRING value copied into the arena (NUL added). */
dx_node *dx_add_string_full(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                            uint32_t off, uint32_t len, const char *s, size_t slen);
dx_node *dx_add_time_full(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                          uint32_t off, uint32_t len, int64_t sec, int32_t nsec);
/* Reads the value from the tvb according to the field type (UINTn/INTn/BOOL
 * big-endian of `len` bytes, masked and shifted by bitmask; IPV4; IPV6;
 * ETHER; BYTES; STRING as raw bytes) and adds it. If the bytes are not all
 * there it adds the node marked DX_NODE_TRUNCATED with the bytes present
 * and returns it; check dx_node_ok() if you need to know. */
dx_node *dx_add_item_full(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                          uint32_t off, uint32_t len);
/* Little-endian integer variant of dx_add_item. */
dx_node *dx_add_item_le_full(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                             uint32_t off, uint32_t len);

/* Node adjustments (all NULL-safe). */
void dx_node_set_len(dx_node *n, uint32_t len);
/* Moves n among its siblings to just after `after` (a child of the same
 * parent), or to the front when after is NULL: for a dissector that learns
 * a field only after the ones tshark shows behind it. Nothing happens when
 * n or after is not a child of n's parent (a ghost of a skipped layer). */
void dx_node_move_after(dx_packet *p, dx_node *n, dx_node *after);
/* Takes n (and its children) out of its parent's list; nothing if n is
 * NULL or not in it (a ghost). */
void dx_node_unlink(dx_node *n);
void dx_node_set_flags(dx_node *n, unsigned flags);
/* Replaces the label line with a formatted one (arena copy). */
void dx_node_set_text(dx_packet *p, dx_node *n, const char *fmt, ...) DX_PRINTF(3, 4);
/* Label lines are at most this long (longer ones are cut). */
#define DX_LABEL_MAX 1024
struct dx_sb;
/* The same with a label built by the caller in b (dx_sb_*: no format to
 * read, for the labels of nearly every packet), copied into the arena.
 * Check dx_label_wanted() before building it. */
void dx_node_set_text_sb(dx_packet *p, dx_node *n, const struct dx_sb *b);
/* The same with s itself as the label: a string that lives as long as the
 * program (a field's label, a literal), not copied. */
void dx_node_set_text_static(dx_packet *p, dx_node *n, const char *s);
/* The same with the strings given, one after the other, up to a NULL:
 * ("Ethernet II, Src: ", src, ", Dst: ", dst, NULL). */
void dx_node_set_text_cat(dx_packet *p, dx_node *n, ...) __attribute__((sentinel));
/* Cuts a label set whole as tshark's proto_item_set_text() cuts one of
 * 240 bytes or more (ITEM_LABEL_LENGTH): " [truncated]" and its first 226
 * bytes, back to a character's start. For dissectors that follow tshark's
 * labels to the byte; dissect's own notes stay whole. */
void dx_node_cut_label(dx_packet *p, dx_node *n);
/* Appends to the current label line (which is first materialised). */
void dx_node_append_text(dx_packet *p, dx_node *n, const char *fmt, ...) DX_PRINTF(3, 4);
/* What tshark's proto_tree_add_bitmask appends to a flags item's label from
 * its bit children (added before): ", Name" for each boolean that is set,
 * ", Name: value name" for each field with value names ("Flags: 0xc0000000,
 * Router, Solicited"). Nothing when labels are not wanted. */
void dx_node_append_bitmask(dx_packet *p, dx_node *n);
/* An OUI's label as tshark 4.0's BASE_OUI writes it: "Organization Code:
 * 00:00:00 (Officially Xerox, but" (the name cut at 31 characters; llc.c). */
void dx_oui_label(dx_packet *p, dx_node *n, uint32_t oui);
static inline bool dx_node_ok(const dx_node *n) {
  return n && !(n->flags & (DX_NODE_TRUNCATED | DX_NODE_MALFORMED));
}

/* Expert notes: a child node under `parent` (field `f` is a DX_FT_NONE or
 * DX_FT_BOOL expert field such as "_ws.malformed" or "tcp.analysis.flags")
 * with a message, a severity, and DX_NODE_EXPERT. The packet's severity is
 * raised accordingly. flags may add DX_NODE_MALFORMED/TRUNCATED to `parent`. */
dx_node *dx_expert(dx_packet *p, dx_node *parent, const dx_field *f, int severity, const char *fmt,
                   ...) DX_PRINTF(5, 6);
/* Marks `n` (and nothing else) truncated and adds an expert error
 * "_ws.malformed" child: "[Packet truncated: <what>]". */
void dx_mark_truncated(dx_packet *p, dx_node *n, const char *what);
/* Marks `n` malformed with an explanation (expert error). */
void dx_mark_malformed(dx_packet *p, dx_node *n, const char *fmt, ...) DX_PRINTF(3, 4);
/* tshark's exception for bytes that ran out inside the packet itself: a
 * top-level "[Malformed Packet: <proto>]" item with its expert error, the
 * packet marked malformed, and "[Malformed Packet]" appended to Info now
 * (where a later PDU of the frame that clears Info takes it away, as in
 * tshark) rather than once at the end. In the first fragment of an IP
 * datagram that was not reassembled (p->fragmented) it is tshark's
 * FragmentBoundsError instead: "[BoundError Unreassembled Packet: <proto>]"
 * (_ws.unreassembled) with a Reassemble note, Info "[BoundErrorUnreassembled
 * Packet]", the packet marked truncated; and where the capture cut t
 * (t->len < t->reported), tshark's BoundsError: "[Packet size limited
 * during capture: <proto> truncated]" (_ws.short), no note, Info "[Packet
 * size limited during capture]". Returns the item. */
dx_node *dx_exception_malformed(dx_packet *p, const char *proto, const dx_tvb *t);
/* The same, for a dissector that met its exception before it added its
 * layer (`layer`, its protocol field, over the first len bytes of t):
 * frame.protocols still names it, as tshark lists every dissector it
 * called. */
dx_node *dx_exception_malformed_nolayer(dx_packet *p, const char *proto, const dx_field *layer,
                                        const dx_tvb *t, uint32_t len);

/* The same, for a dissector whose Info its caller writes afterwards (an
 * HTTP body's layer: HTTP puts its message line and the body's notes
 * together): Info is left alone, and "[Malformed Packet]" ends it when the
 * packet ends. contained: tshark's ContainedBoundsError (bytes a view
 * declares, such as a JPEG segment's length, but its container does not
 * hold): "[Malformed Packet: <proto>: length of contained item exceeds
 * length of containing item]", and Info ends with "[Malformed Packet:
 * length of contained item exceeds length of containing item]". */
dx_node *dx_exception_later(dx_packet *p, const char *proto, const dx_tvb *t, bool contained);

/* ---- time differences ------------------------------------------------- */
/* a - b in seconds, wrapping instead of overflowing: a hostile capture can
 * hold any 64-bit second count (a pcapng if_tsresol of 2^-k scales them),
 * and a signed overflow is undefined behaviour. */
static inline int64_t dx_sec_diff(int64_t a, int64_t b) {
  return (int64_t)((uint64_t)a - (uint64_t)b);
}
/* (as, an) - (bs, bn) as seconds and nanoseconds (0 <= *rn < 1e9), with
 * dx_sec_diff()'s wrapping; nanosecond values of 1e9 or more (invalid, but
 * files hold them) are carried into the seconds. */
static inline void dx_time_sub(int64_t as, int32_t an, int64_t bs, int32_t bn, int64_t *rs,
                               int32_t *rn) {
  uint64_t sec = (uint64_t)dx_sec_diff(as, bs);
  int64_t nsec = (int64_t)an - (int64_t)bn;
  sec += (uint64_t)(nsec / 1000000000);
  nsec %= 1000000000;
  if (nsec < 0) {
    nsec += 1000000000;
    sec -= 1;
  }
  *rs = (int64_t)sec;
  *rn = (int32_t)nsec;
}

/* ---- packets ----------------------------------------------------------- */
#define DX_DESEGMENT_ONE_MORE 0x0fffffffu
/* desegment_len asking for every byte until the sender's FIN (Wireshark's
 * DESEGMENT_UNTIL_FIN; only where dx_stream_may_wait_for_fin() says so):
 * an HTTP response whose body runs to the end of the connection. */
#define DX_DESEGMENT_UNTIL_FIN 0x0ffffffeu
enum { DX_STREAM_MORE = 0, DX_STREAM_END = 1, DX_STREAM_NO_WAIT = 2 }; /* dx_packet.stream_end */

typedef struct dx_source {
  const char *name; /* "Frame (74 bytes)", "Reassembled TCP (4410 bytes)" */
  const uint8_t *data;
  uint32_t len;
} dx_source;

#define DX_MAX_SOURCES 16
/* Ghost nodes a packet hands out in turn (dx_packet.ghosts); a power of 2. */
#define DX_GHOSTS 16

typedef enum dx_addr_type { DX_AT_NONE = 0, DX_AT_ETHER, DX_AT_IPV4, DX_AT_IPV6 } dx_addr_type;
typedef struct dx_addr {
  dx_addr_type type;
  uint8_t a[16]; /* ETHER: 6 bytes; IPV4: 4 bytes (network order); IPV6: 16 */
} dx_addr;

struct dx_session;

#define DX_PACKET_HAS_ICMP_ERROR 1 /* dx_packet has in_icmp_error */

#define DX_BAD_MALFORMED 1
#define DX_BAD_TRUNCATED 2
struct dx_packet {
  struct dx_session *sess;
  dx_arena arena;
  /* the next of the session's freed packets (session.h) */
  struct dx_packet *spare_next;
  dx_frame frame; /* frame.data points at sources[0].data (a copy) */
  int8_t ts_prec; /* the capture's precision (dx_session_set_frame_precision) */
  uint64_t num;
  int64_t rel_sec; /* time since first frame */
  int32_t rel_nsec;
  int64_t disp_sec; /* time since the previous displayed frame */
  int32_t disp_nsec;
  int64_t delta_sec; /* time since the previous captured frame */
  int32_t delta_nsec;
  dx_node root;
  dx_source sources[DX_MAX_SOURCES];
  uint16_t nsources;
  uint8_t severity;  /* highest expert severity */
  uint8_t bad;       /* DX_BAD_*: a node was marked malformed / truncated */
  bool want_columns; /* consumers that show summaries set this; dissectors
                        may skip building Info text when false */
  /* Terse packets (dx_session_set_interest): labels are never shown, so
   * dx_node_set_text(), dx_node_append_text() and expert messages format
   * nothing; dissectors may skip work that only feeds labels (check
   * dx_packet_labels()) or fields nobody asked for (dx_packet_wants()).
   * Values, flags and protocol state must stay exactly as in full mode. */
  bool terse;
  /* Labels off (terse packets, or dx_session_set_labels(s, 0)): the label
   * text of a node is formatted only where an output that prints no labels
   * still prints it: a node without a value (DX_FT_NONE: compact JSON and
   * ek print its label when it has no visible child) and an expert note
   * (its message) - and in terse packets not even those. dx_label_wanted()
   * says which; dx_packet_labels() is false. */
  bool no_labels;
  /* Terse packets of a session interested in a protocol field: the label
   * of a layer of interest is formatted (-T fields prints it for -e ip). */
  bool proto_labels;
  /* Lazily built index of the tree by field (packet.c); NULL when stale. */
  struct dx_find_slot *findex;
  uint32_t findex_mask;
  /* Skipped layers (terse packets, dx_session_set_interest): while `skip`
   * is set, a node of a layer that holds no field of interest is not built,
   * nor, in a layer that is built, a node whose field is not of interest
   * (a field ghost, as Wireshark's faked items): dx_add_*() return a ghost
   * instead, a scratch node outside the tree that takes the writes (values,
   * flags, expert notes raise the packet's severity and `bad` as usual) and
   * whose children are ghosts too, but for a field of interest added under
   * a field ghost: it hangs on the ghost's owner (its parent pointer, the
   * nearest built node), so the nodes asked for are kept in the order they
   * are added, under their layer. Ghosts are taken in turn from `ghosts`
   * (not cleared with the packet: dx_ghost() sets each one it hands out);
   * a dissector may read back the node it just added, never one added
   * before the last dx_add_*(). Cleared when a protocol of interest is
   * added: that layer and the ones after it are built in full. */
  bool skip;
  unsigned ghost_next;
  dx_node *field_ghost; /* the last field ghost handed out (dx_field_ghost) */
  dx_node ghost;        /* a skipped layer's ghost */
  /* The session's Bloom filter of its fields of interest (session.h):
   * most fields of a built layer are told unwanted inline. */
  uint64_t interest_bloom[4];
  /* With the find index (findex, built by the same walk): the Bloom filter
   * (dx_interest_hash) of the fields of the packet's nodes, an alias's as
   * its original; a field whose bit is clear has no node
   * (dx_packet_may_have). */
  uint64_t field_bloom[4];
  /* "pinfo": the layers set these for the ones above them. */
  dx_addr net_src, net_dst; /* network layer addresses */
  dx_addr dl_src, dl_dst;   /* link layer addresses */
  uint16_t srcport, dstport;
  uint8_t ipproto; /* transport protocol number of the innermost IP */
  uint32_t stream; /* tcp.stream/udp.stream of this packet, if any */
  int fragmented;  /* >0 while dissecting a non-first fragment payload */
  unsigned depth;  /* nesting of dx_dissect_table, bounded */
  /* True while dissecting the IP header + data quoted inside an ICMP/ICMPv6
   * error message: transports must not create flows or reassemble, and IP
   * must not reassemble fragments. */
  bool in_icmp_error;
  /* Read by later layers without walking the tree (a layer may be skipped
   * in a terse packet, dx_packet.skip): the key of the table dispatch in
   * progress (dx_dissect_table; a VLAN tag's TPID), and of the last IPv4 /
   * IPv6 header at the top level (not one quoted in an ICMP error) its TTL,
   * hop limit and, with a type 0 Routing header whose segments are left,
   * the final destination (RFC 8200 8.1). */
  uint32_t dispatch_key;
  /* Set by Ethernet, VLAN and Linux cooked headers to the first byte of
   * the payload of the EtherType dispatch they start (tshark's "ethertype"
   * table, whose IPv4 dissector, dissect_ip_v4, shows an IPv4 layer even
   * for a header of another version); ip.c compares it with its own first
   * byte, so an IPv4 header reached otherwise (MPLS, PPPoE, a tunnel) is
   * not taken for one. */
  const uint8_t *ip_ethertype_at;
  bool have_ip_ttl, have_ip6_hlim, have_ip6_rt_dst;
  uint8_t ip_ttl, ip6_hlim;
  dx_addr ip6_rt_dst;
  /* TCP stream context, set by tcp.c before it calls an application
   * dissector on in-order stream bytes (NULL/0 otherwise). */
  struct dx_flow *flow;
  int flow_dir; /* 0: from the flow's initiator, 1: towards it */
  /* The byte stream (core/stream.h) whose bytes are being dissected: the
   * TCP connection, or a stream riding on it (decrypted TLS, an HTTP/2
   * stream). Application dissectors keep their per-connection state in it
   * through dx_app_data()/dx_app_data_set(), never in the flow. */
  struct dx_stream *bstream;
  /* Desegmentation request (Wireshark's model). An application dissector
   * over TCP that finds its PDU incomplete sets desegment_offset to where
   * the incomplete PDU starts in the tvb it was given and desegment_len to
   * how many more bytes it needs (DX_DESEGMENT_ONE_MORE if unknown), then
   * returns. tcp.c buffers those bytes (bounded) and calls the dissector
   * again, on the frame that completes the PDU, with a tvb over a
   * reassembled data source. */
  uint32_t desegment_offset, desegment_len;
  /* Set by the producer while the bytes handed on are the last of their
   * direction (DX_STREAM_END: TCP's bytes that come with the FIN, or a PDU
   * kept until the FIN dissected at it; Wireshark's end_of_stream), or
   * while a PDU kept until the FIN is dissected early because a cap stopped
   * it (DX_STREAM_NO_WAIT: more bytes follow, but none may be waited for). */
  uint8_t stream_end;
  /* Where the size of each application PDU goes (dx_pdu_size()): the
   * transport's layer node and its field (TCP's tree and tcp.pdu.size),
   * set by the transport while it hands bytes to the byte-stream layer;
   * NULL otherwise (UDP, QUIC). */
  dx_node *pdu_tree;
  const dx_field *pdu_field;
  /* Summary columns (arena strings). */
  const char *col_src, *col_dst, *col_proto;
  /* dx_col_set_addr() keeps the addresses; their text is made when first
   * read (dx_packet_src/dst, dx_col_addr_text): Ethernet's are mostly
   * replaced by IP's before anyone reads them. */
  bool col_addr_lazy;
  dx_addr col_src_addr, col_dst_addr;
  char *col_info;
  size_t col_info_len, col_info_cap;
  bool col_info_fenced; /* a fence: later layers append after a separator */
  /* tshark's col_set_fence() between a reassembled PDU and the PDUs after
   * it in the same delivery: dx_col_info_clear() and dx_col_info_set() keep
   * the first col_info_fence bytes (0: no fence) */
  size_t col_info_fence;
  /* the Info text was begun by appending with a separator (tshark's
   * col_append_sep_str, as TLS writes its records): a TCP analysis prefix
   * is then followed by ", " ("[TCP Previous segment not captured] ,
   * Continuation Data"); any dx_col_info_set() clears it */
  bool col_info_sep;
  /* the Info text was last written whole by a dissector that uses tshark's
   * col_add_str (DNS): behind TCP's column fence it follows the fence's
   * text with no separator; any dx_col_info_clear() clears it */
  bool col_info_added;
  /* "[Malformed Packet]" went into Info already (dx_exception_malformed):
   * not appended again at the end of the packet */
  bool info_bad_done;
  /* the exception was tshark's ContainedBoundsError (dx_exception_later):
   * the end of the packet names it in Info */
  bool bad_contained;
  /* Last: not cleared when a packet is reused (dx_ghost sets them). */
  dx_node ghosts[DX_GHOSTS];
};

/* True if field f may be read from this packet: always in full mode; in
 * terse mode only for the fields of the session's interest. A dissector may
 * skip work whose only product is nodes of fields nobody wants, as long as
 * values of wanted fields and the protocol state stay the same. */
bool dx_packet_wants(const dx_packet *p, const dx_field *f);
/* True if every label may be shown (the packet is not terse and the
 * session's labels are on). */
static inline bool dx_packet_labels(const dx_packet *p) {
  return !p->no_labels;
}
/* True if the label text of node n is wanted (see dx_packet.no_labels):
 * always with labels on; with them off only for a node without a value
 * and an expert note; in terse packets only for a layer of interest
 * (dx_packet.proto_labels). */
static inline bool dx_label_wanted(const dx_packet *p, const dx_node *n) {
  if (!p->no_labels)
    return true;
  if (!n)
    return false;
  if (!p->terse)
    return n->field->type == DX_FT_NONE || (n->flags & DX_NODE_EXPERT);
  return p->proto_labels && n->field->type == DX_FT_PROTOCOL && dx_packet_wants(p, n->field);
}

/* ---- skipped layers and field ghosts (terse packets) ----
 * A layer node made while dx_packet.skip is set, for a protocol that holds
 * no field of interest, carries DX_NODE_SKIPPED_LAYER (internal, never
 * shown): the nodes added under it, and under those, are not built; the
 * dx_add_*() below return the packet's ghost node instead (see dx_packet).
 * In a layer that is built, a node of a field nobody asked for is a field
 * ghost (DX_NODE_FIELD_GHOST), and a field of interest added under one
 * hangs on the ghost's owner. A ghost holds no value (zero, or no bytes:
 * read back nothing but what its label needs, and check dx_label_wanted())
 * but the TRUNCATED flag of the item just added; adding bytes that run out
 * marks the packet as a built node would. A node that code reads back from
 * the tree later (frame.protocols reads eth.type) is added with the _full
 * call, which builds it in a built layer whoever asked. */
#define DX_NODE_SKIPPED_LAYER 0x80u
/* The value (v.u) of a protocol node of interest whose layer was left
 * unbuilt because only its node is needed (presence, its own bytes:
 * dx_session_set_interest_needs): prune() keeps only the nodes of interest
 * under it. Other protocol nodes have v.u 0. */
#define DX_PROTO_NODE_ONLY 1u
/* An XML layer that tshark's text lines dissector handed a body to
 * (dx_text_is_xml): frame.protocols names "data-text-lines" before it. */
#define DX_PROTO_VIA_TEXT_LINES 2u
/* A layer whose dissector hands the bytes on to its own protocol again in
 * tshark (IGMP by its type table): frame.protocols names it twice. */
#define DX_PROTO_CALLED_TWICE 4u
/* A ghost standing for a node of a built layer (see dx_packet.skip). */
#define DX_NODE_FIELD_GHOST 0x40u
/* Every ghost carries this (with DX_NODE_SKIPPED_LAYER). */
#define DX_NODE_GHOST 0x20u
#define DX_NODE_INTERNAL (DX_NODE_SKIPPED_LAYER | DX_NODE_FIELD_GHOST | DX_NODE_GHOST)
/* True if field f is not in the session's interest set (a node of it in a
 * built layer is a field ghost); out of line, for dx_skip_node(). */
bool dx_packet_unwanted(const dx_packet *p, const dx_field *f);
/* A run of consecutive fields of a protocol's table, with the Bloom filter
 * of their hashes made on first use (dx_packet_skips_group). Define one
 * per group, static: {first, n}. */
typedef struct dx_field_group {
  const dx_field *first;
  size_t n;
  _Atomic uint64_t bloom[4];
  _Atomic int ready;
} dx_field_group;
/* True if p's nodes are being skipped (dx_packet.skip: terse, and no
 * protocol of interest has turned full building on) and no field of group
 * g is of interest: a group of items made only of those fields would be
 * ghosts, and a dissector may leave the group out (but not what it sets
 * besides nodes: state, columns, expert notes, marks). A few instructions
 * when the Bloom filters do not meet. */
bool dx_packet_skips_group_full(const dx_packet *p, dx_field_group *g);
/* The hash of the interest sets (of a field's address), and the test of
 * their 256-bit Bloom filters: false means f is not in the set. */
static inline size_t dx_interest_hash(const dx_field *f) {
  uint64_t x = (uint64_t)(uintptr_t)f;
  x ^= x >> 29;
  x *= 0x9e3779b97f4a7c15ull;
  return (size_t)(x >> 32);
}
static inline bool dx_interest_bloom_has(const uint64_t bloom[4], size_t h) {
  return (bloom[(h >> 6) & 3] >> (h & 63)) & 1u;
}
/* Adds field f to a Bloom filter of fields (an alias as its original). */
static inline void dx_field_bloom_add(uint64_t bloom[4], const dx_field *f) {
  size_t h = dx_interest_hash(f->alias_of ? f->alias_of : f);
  bloom[(h >> 6) & 3] |= 1ull << (h & 63);
}
/* Builds p's find index (and field_bloom) if the tree changed since;
 * false if it could not (memory): dx_packet_may_have() must not be asked
 * then. */
bool dx_packet_index_fields(const dx_packet *p);
/* After dx_packet_index_fields(): false if packet p has no node of any
 * field of Bloom filter `fields` (made with dx_field_bloom_add); true may
 * be wrong. */
static inline bool dx_packet_may_have(const dx_packet *p, const uint64_t fields[4]) {
  return ((p->field_bloom[0] & fields[0]) | (p->field_bloom[1] & fields[1]) |
          (p->field_bloom[2] & fields[2]) | (p->field_bloom[3] & fields[3])) != 0;
}
/* Labels nobody will print are never formatted (dx_label_wanted): the
 * calls below do not even evaluate their format arguments then (which must
 * have no side effects; p and n are evaluated twice). */
#define dx_node_set_text(p, n, ...)                                                                \
  do {                                                                                             \
    if (dx_label_wanted(p, n))                                                                     \
      (dx_node_set_text)(p, n, __VA_ARGS__);                                                       \
  } while (0)
#define dx_node_append_text(p, n, ...)                                                             \
  do {                                                                                             \
    if (dx_label_wanted(p, n))                                                                     \
      (dx_node_append_text)(p, n, __VA_ARGS__);                                                    \
  } while (0)
static inline bool dx_skip_node(const dx_packet *p, const dx_node *parent, const dx_field *f) {
  if (!p || !p->skip || !parent || !f || f->type == DX_FT_PROTOCOL)
    return false;
  if ((parent->flags & (DX_NODE_SKIPPED_LAYER | DX_NODE_FIELD_GHOST)) == DX_NODE_SKIPPED_LAYER)
    return true; /* a skipped layer, or its ghost */
  /* a field ghost in a built layer: not in the interest set */
  return !dx_interest_bloom_has(p->interest_bloom, dx_interest_hash(f)) || dx_packet_unwanted(p, f);
}
/* False if layer node n is skipped (a terse packet's layer that holds no
 * field of interest): every node added under it would be a ghost, so a
 * dissector may leave out the calls whose only product is nodes (not those
 * that set state, columns, expert notes or the packet's marks). */
static inline bool dx_layer_built(const dx_packet *p, const dx_node *n) {
  return n && !(p->skip && (n->flags & DX_NODE_SKIPPED_LAYER));
}
/* dx_packet_skips_group_full() after the test of p->skip inline: full
 * packets (-V, JSON) pay no call. */
static inline bool dx_packet_skips_group(const dx_packet *p, dx_field_group *g) {
  return p && p->skip && dx_packet_skips_group_full(p, g);
}
/* A ghost for a node to be added under parent (see dx_packet.skip): its
 * parent pointer is the owner, the nearest built node. A skipped layer's
 * nodes all share one ghost (inline: summary lines make a hundred a
 * packet); field ghosts come from a ring, out of line. */
dx_node *dx_field_ghost(dx_packet *p, dx_node *parent);
static inline dx_node *dx_ghost(dx_packet *p, dx_node *parent) {
  if ((parent->flags & (DX_NODE_SKIPPED_LAYER | DX_NODE_FIELD_GHOST)) != DX_NODE_SKIPPED_LAYER)
    return dx_field_ghost(p, parent);
  dx_node *g = &p->ghost; /* g->field is set when the packet is made */
  if (parent != g)
    g->parent = parent; /* the skipped layer (or a node of another layer) */
  g->first_child = g->last_child = g->next = NULL;
  g->flags = DX_NODE_SKIPPED_LAYER | DX_NODE_GHOST;
  g->text = NULL;
  g->v.t.sec = 0;
  g->v.t.nsec = 0;
  return g;
}

/* The ghost for an item of len bytes at off: marked truncated if the bytes
 * run out, and the packet too where the full call marks it (BYTES). */
static inline dx_node *dx_ghost_item(dx_packet *p, dx_node *parent, bool bytes, const dx_tvb *t,
                                     uint32_t off, uint32_t len) {
  dx_node *g = dx_ghost(p, parent);
  if (!dx_tvb_has(t, off, len)) {
    g->flags |= DX_NODE_TRUNCATED;
    if (bytes && !p->in_icmp_error)
      p->bad |= DX_BAD_TRUNCATED;
  }
  return g;
}

static inline dx_node *dx_add_none(dx_packet *p, dx_node *parent, const dx_field *f,
                                   const dx_tvb *t, uint32_t off, uint32_t len) {
  if (!parent) /* as the full call: nothing is added */
    return NULL;
  if (dx_skip_node(p, parent, f))
    return dx_ghost(p, parent);
  return dx_add_none_full(p, parent, f, t, off, len);
}

static inline dx_node *dx_add_uint(dx_packet *p, dx_node *parent, const dx_field *f,
                                   const dx_tvb *t, uint32_t off, uint32_t len, uint64_t v) {
  if (!parent) /* as the full call: nothing is added */
    return NULL;
  if (dx_skip_node(p, parent, f))
    return dx_ghost(p, parent);
  return dx_add_uint_full(p, parent, f, t, off, len, v);
}

static inline dx_node *dx_add_int(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                                  uint32_t off, uint32_t len, int64_t v) {
  if (!parent) /* as the full call: nothing is added */
    return NULL;
  if (dx_skip_node(p, parent, f))
    return dx_ghost(p, parent);
  return dx_add_int_full(p, parent, f, t, off, len, v);
}

static inline dx_node *dx_add_double(dx_packet *p, dx_node *parent, const dx_field *f,
                                     const dx_tvb *t, uint32_t off, uint32_t len, double v) {
  if (!parent) /* as the full call: nothing is added */
    return NULL;
  if (dx_skip_node(p, parent, f))
    return dx_ghost(p, parent);
  return dx_add_double_full(p, parent, f, t, off, len, v);
}

static inline dx_node *dx_add_bytes_val(dx_packet *p, dx_node *parent, const dx_field *f,
                                        const dx_tvb *t, uint32_t off, uint32_t len,
                                        const uint8_t *val, uint32_t vlen) {
  if (!parent) /* as the full call: nothing is added */
    return NULL;
  if (dx_skip_node(p, parent, f))
    return dx_ghost(p, parent);
  return dx_add_bytes_val_full(p, parent, f, t, off, len, val, vlen);
}

static inline dx_node *dx_add_bytes(dx_packet *p, dx_node *parent, const dx_field *f,
                                    const dx_tvb *t, uint32_t off, uint32_t len) {
  if (!parent) /* as the full call: nothing is added */
    return NULL;
  if (dx_skip_node(p, parent, f))
    return dx_ghost_item(p, parent, true, t, off, len);
  return dx_add_bytes_full(p, parent, f, t, off, len);
}

static inline dx_node *dx_add_string(dx_packet *p, dx_node *parent, const dx_field *f,
                                     const dx_tvb *t, uint32_t off, uint32_t len, const char *s,
                                     size_t slen) {
  if (!parent) /* as the full call: nothing is added */
    return NULL;
  if (dx_skip_node(p, parent, f))
    return dx_ghost(p, parent);
  return dx_add_string_full(p, parent, f, t, off, len, s, slen);
}

static inline dx_node *dx_add_time(dx_packet *p, dx_node *parent, const dx_field *f,
                                   const dx_tvb *t, uint32_t off, uint32_t len, int64_t sec,
                                   int32_t nsec) {
  if (!parent) /* as the full call: nothing is added */
    return NULL;
  if (dx_skip_node(p, parent, f))
    return dx_ghost(p, parent);
  return dx_add_time_full(p, parent, f, t, off, len, sec, nsec);
}

static inline dx_node *dx_add_item_le(dx_packet *p, dx_node *parent, const dx_field *f,
                                      const dx_tvb *t, uint32_t off, uint32_t len) {
  if (!parent) /* as the full call: nothing is added */
    return NULL;
  if (dx_skip_node(p, parent, f))
    return dx_ghost_item(p, parent, f->type == DX_FT_BYTES, t, off, len);
  return dx_add_item_le_full(p, parent, f, t, off, len);
}

static inline dx_node *dx_add_item(dx_packet *p, dx_node *parent, const dx_field *f,
                                   const dx_tvb *t, uint32_t off, uint32_t len) {
  if (!parent) /* as the full call: nothing is added */
    return NULL;
  if (dx_skip_node(p, parent, f))
    return dx_ghost_item(p, parent, f->type == DX_FT_BYTES, t, off, len);
  return dx_add_item_full(p, parent, f, t, off, len);
}

/* Root node of the packet (its children are the protocol layers). */
static inline dx_node *dx_packet_root_mut(dx_packet *p) {
  return &p->root;
}
/* Adds a data source (copying the bytes into the arena); returns a tvb over
 * it or an empty tvb if DX_MAX_SOURCES is reached. */
dx_tvb dx_packet_add_source(dx_packet *p, const char *name, const uint8_t *data, uint32_t len);
/* The kinds of data source a dissector makes, named in one place (the hex
 * view, JSON and the TUI show these names, as Wireshark's tabs):
 *   DX_SRC_REASSEMBLED          "Reassembled <what> (N bytes)"  TCP, TLS, IPv4...
 *   DX_SRC_DECRYPTED            "Decrypted <what> (N bytes)"    TLS
 *   DX_SRC_DECHUNKED            "De-chunked entity body (N bytes)"
 *   DX_SRC_UNCOMPRESSED         "Uncompressed entity body (N bytes)"
 *   DX_SRC_DECOMPRESSED_HEADER  "Decompressed Header (N bytes)"  (HPACK)
 *   DX_SRC_REASSEMBLED_BODY     "Reassembled body (N bytes)"     (HTTP/2 DATA)
 *   DX_SRC_DECODED              "Decoded <what> (N bytes)"       (base64 and such) */
typedef enum dx_source_kind {
  DX_SRC_REASSEMBLED,
  DX_SRC_DECRYPTED,
  DX_SRC_DECHUNKED,
  DX_SRC_UNCOMPRESSED,
  DX_SRC_DECOMPRESSED_HEADER,
  DX_SRC_REASSEMBLED_BODY,
  DX_SRC_DECODED
} dx_source_kind;
/* dx_packet_add_source with the name of its kind; what: the layer for the
 * first two kinds and DX_SRC_DECODED ("TCP", "TLS"), ignored by the others. */
dx_tvb dx_packet_add_source_kind(dx_packet *p, dx_source_kind kind, const char *what,
                                 const uint8_t *data, uint32_t len);
/* dx_packet_add_source_kind without the copy: the packet takes buf (from
 * malloc(), len bytes) and frees it with its arena; on an empty tvb (no
 * room for a source) buf has been freed already. */
dx_tvb dx_packet_adopt_source_kind(dx_packet *p, dx_source_kind kind, const char *what,
                                   uint8_t *buf, uint32_t len);
/* A tvb over the whole frame. */
dx_tvb dx_packet_frame_tvb(const dx_packet *p);

/* Column helpers. Src/dst strings are copied. */
void dx_col_set_proto(dx_packet *p, const char *proto); /* static string */
void dx_col_set_addr(dx_packet *p, const dx_addr *src, const dx_addr *dst);
/* Makes the text of addresses set by dx_col_set_addr() now (before a
 * dissector saves and restores p->col_src/col_dst itself). */
void dx_col_addr_text(dx_packet *p);
void dx_col_info_set(dx_packet *p, const char *fmt, ...) DX_PRINTF(2, 3);
/* dx_col_info_set(p, "%s", s) for n bytes of s, without a format. */
void dx_col_info_set_str(dx_packet *p, const char *s, size_t n);
/* Info becomes the n bytes of s whatever the column's fence (a snapshot of
 * the whole column put back, or a prefix put before the whole). */
void dx_col_info_restore(dx_packet *p, const char *s, size_t n);
void dx_col_info_append(dx_packet *p, const char *fmt, ...) DX_PRINTF(2, 3);
/* Appends ", " first if Info is not empty (or " , " style separators as
 * tshark does for several PDUs in one frame). */
void dx_col_info_append_sep(dx_packet *p, const char *sep, const char *fmt, ...) DX_PRINTF(3, 4);
void dx_col_info_clear(dx_packet *p);

/* Address formatting ("127.0.0.1", "::1", "00:11:22:33:44:55"). */
size_t dx_addr_format(const dx_addr *a, char *buf, size_t len);

/* A string builder for the hot paths (Info columns, source names): appends
 * without parsing a format. Always NUL-terminated; what does not fit in
 * cap - 1 bytes is cut. */
typedef struct dx_sb {
  char *buf;
  size_t cap, len;
} dx_sb;
static inline void dx_sb_init(dx_sb *b, char *buf, size_t cap) {
  b->buf = buf;
  b->cap = cap;
  b->len = 0;
  if (cap)
    buf[0] = 0;
}
/* memcpy for the short pieces of labels and columns: two words that may
 * overlap instead of a call or a byte-counted string move. */
static inline void dx_copy_short(char *d, const char *s, size_t n) {
  if (n >= 8 && n <= 16) {
    uint64_t a, z;
    memcpy(&a, s, 8);
    memcpy(&z, s + n - 8, 8);
    memcpy(d, &a, 8);
    memcpy(d + n - 8, &z, 8);
  } else if (n >= 4 && n < 8) {
    uint32_t a, z;
    memcpy(&a, s, 4);
    memcpy(&z, s + n - 4, 4);
    memcpy(d, &a, 4);
    memcpy(d + n - 4, &z, 4);
  } else if (n < 4) {
    for (size_t i = 0; i < n; i++)
      d[i] = s[i];
  } else {
    memcpy(d, s, n);
  }
}
static inline void dx_sb_mem(dx_sb *b, const char *s, size_t n) {
  if (b->len + 1 >= b->cap)
    return;
  size_t room = b->cap - 1 - b->len;
  if (n > room)
    n = room;
  dx_copy_short(b->buf + b->len, s, n);
  b->len += n;
  b->buf[b->len] = 0;
}
static inline void dx_sb_str(dx_sb *b, const char *s) {
  dx_sb_mem(b, s, strlen(s));
}
/* Digits of v in decimal. */
static inline unsigned dx_dec_len(uint64_t v) {
  unsigned n = 1;
  for (;;) {
    if (v < 10)
      return n;
    if (v < 100)
      return n + 1;
    if (v < 1000)
      return n + 2;
    if (v < 10000)
      return n + 3;
    v /= 10000;
    n += 4;
  }
}
/* The dx_dec_len(v) digits of v written at out (no NUL), two a step. */
static inline void dx_dec_put(char *out, unsigned len, uint64_t v) {
  static const char pairs[201] = "00010203040506070809101112131415161718192021222324"
                                 "25262728293031323334353637383940414243444546474849"
                                 "50515253545556575859606162636465666768697071727374"
                                 "75767778798081828384858687888990919293949596979899";
  char *e = out + len;
  while (v >= 100) {
    unsigned r = (unsigned)(v % 100);
    v /= 100;
    e -= 2;
    e[0] = pairs[2 * r];
    e[1] = pairs[2 * r + 1];
  }
  if (v >= 10) {
    e[-2] = pairs[2 * v];
    e[-1] = pairs[2 * v + 1];
  } else {
    e[-1] = (char)('0' + v);
  }
}
/* v in decimal at buf + *len when all of it and a NUL fit before cap
 * (then *len moves past it); false when it does not fit. */
static inline bool dx_dec_put_fit(char *buf, size_t *len, size_t cap, uint64_t v) {
  unsigned n = dx_dec_len(v);
  if (*len + n >= cap)
    return false;
  dx_dec_put(buf + *len, n, v);
  *len += n;
  buf[*len] = 0;
  return true;
}
/* Decimal, as "%llu". */
static inline void dx_sb_u64(dx_sb *b, uint64_t v) {
  if (dx_dec_put_fit(b->buf, &b->len, b->cap, v))
    return;
  unsigned n = dx_dec_len(v);
  char t[20];
  if (n > sizeof t) /* (never: 2^64 has 20 digits) */
    return;
  dx_dec_put(t, n, v);
  dx_sb_mem(b, t, n);
}
/* s then v: " Seq=" 1 */
static inline void dx_sb_kv(dx_sb *b, const char *s, uint64_t v) {
  dx_sb_str(b, s);
  dx_sb_u64(b, v);
}
/* A format (dx_vsnprintf's), appended and cut as dx_sb_mem cuts. */
void dx_sb_printf(dx_sb *b, const char *fmt, ...) DX_PRINTF(2, 3);
void dx_sb_vprintf(dx_sb *b, const char *fmt, va_list ap) DX_PRINTF(2, 0);
void dx_addr_set(dx_addr *a, dx_addr_type t, const uint8_t *bytes);
bool dx_addr_eq(const dx_addr *a, const dx_addr *b);
int dx_addr_cmp(const dx_addr *a, const dx_addr *b);

/* True if frame.protocols is wanted: the dissectors whose sub-layers it
 * names (X.509's attribute types and extensions) build them. */
bool dx_frame_protocols_wanted(const dx_packet *p);

/* ---- protocols and dispatch ------------------------------------------------ */
typedef enum dx_table {
  DX_TABLE_NONE = 0,
  DX_TABLE_LINKTYPE, /* key: DLT_ value */
  DX_TABLE_ETHERTYPE,
  DX_TABLE_IPPROTO,
  DX_TABLE_UDP_PORT,
  DX_TABLE_TCP_PORT,
  DX_TABLE_TLS_PORT, /* TCP port of a TLS connection: the protocol inside the TLS */
  DX_TABLE_COUNT
} dx_table;

typedef struct dx_reg {
  dx_table table;
  uint32_t key;
} dx_reg;

/* A dissector returns how many bytes of the tvb it took as its own (its
 * header and whatever sub-dissectors took), or 0 if the bytes are not its
 * protocol (heuristic refusal). It must never read outside `t`. */
typedef uint32_t (*dx_dissect_fn)(dx_packet *p, const dx_tvb *t, dx_node *parent);
/* Heuristic dissectors are tried on TCP/UDP payloads whose port is not
 * registered; return 0 to refuse without adding anything. */
typedef struct dx_protocol {
  const char *name;       /* "tcp" */
  const char *label;      /* "Transmission Control Protocol" */
  const dx_field *fields; /* the protocol's field table; fields[0] is the protocol itself */
  size_t nfields;
  dx_dissect_fn dissect;
  const dx_reg *regs;          /* dispatch keys, ending with {DX_TABLE_NONE, 0} */
  dx_dissect_fn heuristic_udp; /* may be NULL */
  dx_dissect_fn heuristic_tcp; /* may be NULL */
  /* Per-session state: created with the session, freed with it. May be NULL. */
  void *(*state_new)(struct dx_session *s);
  void (*state_free)(void *state);
  /* dx_session_reset(): forgets what the state learned from packets and
   * keeps its configuration and its tables' allocations, in time of what
   * was used (not of the tables' size); s is the session, with the new
   * hash key. NULL: the state is freed and made again with state_new (for
   * a small state that holds nothing but what packets taught it). */
  void (*state_reset)(void *state, struct dx_session *s);
  /* A TCP connection another one announced (FTP's data connections;
   * tshark's conversations given a dissector): asked when a TCP
   * connection's state is made, p's addresses and ports those of its first
   * segment. True if this protocol takes the connection, from its first
   * byte, before decode-as rules and the port tables; *data and *data_free
   * are then its state for the connection (dx_app_data), or NULL. May be
   * NULL. */
  bool (*expect_tcp)(dx_packet *p, void **data, void (**data_free)(void *));
} dx_protocol;

/* The registry (proto/registry.c): every protocol, in a fixed order. */
extern const dx_protocol *const dx_protocols[];
extern const size_t dx_nprotocols;

/* Per-session state of a protocol (from its state_new), or NULL. */
void *dx_proto_state(const dx_packet *p, const dx_protocol *proto);

/* Dispatches `t` to the protocol registered for (table, key). Returns the
 * bytes taken, or 0 if nothing is registered or it refused. */
uint32_t dx_dissect_table(dx_packet *p, dx_table table, uint32_t key, const dx_tvb *t,
                          dx_node *parent);
/* Tries the heuristic dissectors for TCP (tcp != 0) or UDP payloads. */
uint32_t dx_dissect_heuristic(dx_packet *p, bool tcp, const dx_tvb *t, dx_node *parent);
/* Adds the leftover bytes as a "data" layer (data.data, data.len). */
void dx_dissect_data(dx_packet *p, const dx_tvb *t, dx_node *parent);

/* Per-connection state of the application protocol running on the current
 * byte stream (p->stream): the pointer stored by dx_app_data_set() if it was
 * stored with the same app_free function (which identifies the owner), NULL
 * otherwise (no stream, nothing stored yet, or another protocol's state). */
void *dx_app_data(const dx_packet *p, void (*app_free)(void *));
/* Stores state for the current stream; it is freed with app_free when the
 * stream ends. Returns false (and frees nothing) if there is no stream or
 * another protocol's state is already stored. */
bool dx_app_data_set(dx_packet *p, void *data, void (*app_free)(void *));
/* True if the bytes being dissected belong to a stream (so state can be
 * kept and desegmentation asked for). Without a byte stream, a flow set by
 * a caller (a unit test, an embedder calling a dissector) counts as one. */
static inline bool dx_in_stream(const dx_packet *p) {
  return p->bstream != NULL || p->flow != NULL;
}
/* True if the current byte stream can keep a PDU until its sender ends the
 * direction (DX_DESEGMENT_UNTIL_FIN): a TCP stream, and these bytes are not
 * its last (p->stream_end). */
bool dx_stream_may_wait_for_fin(const dx_packet *p);

/* An application PDU of plen bytes starts at off in t (the length its
 * header gives, whether or not all its bytes are there): shown under the
 * transport's layer as "[PDU Size: N]", as Wireshark's tcp_dissect_pdus()
 * shows each PDU it hands on, under TCP's tree even when the PDU lies in
 * decrypted TLS data. Nothing outside a transport that asks for it. */
static inline void dx_pdu_size(dx_packet *p, const dx_tvb *t, uint32_t off, uint32_t plen) {
  if (p->pdu_tree && p->pdu_field)
    dx_node_set_flags(dx_add_uint(p, p->pdu_tree, p->pdu_field, t, off, plen, plen),
                      DX_NODE_GENERATED);
}

/* TLS secrets of the session (NULL if none were given): the key log
 * (core/keylog.h) and an RSA private key (EVP_PKEY *). */
struct dx_keylog *dx_packet_keylog(const dx_packet *p);
/* dx_keylog_find() in the session's key log; on a miss, the key log file
 * it read last is read on if it grew (a live capture's browser writing its
 * keys) and the secret looked up again. */
size_t dx_packet_keylog_find(const dx_packet *p, int label, const uint8_t *key, size_t keylen,
                             uint8_t *out, size_t cap);
void *dx_packet_rsa_key(const dx_packet *p);
/* The pre-shared key of plain PSK suites (dx_session_set_tls_psk), NULL
 * with *len 0 if none. */
const uint8_t *dx_packet_tls_psk(const dx_packet *p, size_t *len);
/* dx_session_set_tcp_reorder(): TCP segments after a gap held and reordered. */
bool dx_packet_tcp_reorder(const dx_packet *p);
/* The session's byte budget for stream buffers, for dx_reasm_limits. */
uint64_t *dx_packet_stream_budget(const dx_packet *p);

/* What an allocation of n bytes takes from the heap (glibc's malloc: an
 * 8-byte header, 16-byte granules, 32 bytes at least): what per-connection
 * state charges to the byte budget, so the budget bounds the memory really
 * held. */
static inline uint64_t dx_heap_cost(uint64_t n) {
  uint64_t c = (n + 8 + 15) & ~(uint64_t)15;
  return c < 32 ? 32 : c;
}
/* Charges n bytes to *budget (at most max in all); false, and nothing
 * charged, when there is no room. A NULL budget has room for anything. */
static inline bool dx_budget_take(uint64_t *budget, uint64_t max, uint64_t n) {
  if (!budget)
    return true;
  if (*budget > max || n > max - *budget)
    return false;
  *budget += n;
  return true;
}
/* Gives back n bytes charged with dx_budget_take. */
static inline void dx_budget_give(uint64_t *budget, uint64_t n) {
  if (budget)
    *budget = *budget >= n ? *budget - n : 0;
}
/* Charges the fixed state of a connection (n bytes: a transport's or an
 * application's per-connection struct) to the session's byte budget. When
 * the budget has no room, up to DX_BUDGET_EVICT of the least recently used
 * flows that the current packet does not use are released first (each
 * said under `parent`). False when there is still no room: the caller then
 * goes on without that state, and says so in the tree. */
bool dx_budget_take_conn(dx_packet *p, dx_node *parent, uint64_t n);
#define DX_BUDGET_EVICT 4

/* Session configuration, as seen by dissectors (defaults applied). */
const dx_config *dx_packet_config(const dx_packet *p);

/* Keyed hashing for lookup tables (core/siphash.h): every table indexed by
 * packet contents hashes with the session's random key, so crafted traffic
 * cannot make one bucket long (GUIDE 2). */
const dx_hashkey *dx_session_hashkey(const struct dx_session *s);
const dx_hashkey *dx_packet_hashkey(const dx_packet *p);
/* SipHash-1-3 of data[0..n) under the session's key. */
uint64_t dx_hash_keyed(const dx_packet *p, const void *data, size_t n);

/* ---- flows (TCP and UDP conversations) ------------------------------------ */
/* A flow is identified by (ipproto, addresses, ports) in either direction.
 * Direction 0 is from the first packet's source to its destination. */
typedef struct dx_flow {
  uint8_t ipproto;
  dx_addr addr[2]; /* addr[0] = initiator (first seen source) */
  uint16_t port[2];
  uint32_t index; /* tcp.stream / udp.stream: per-protocol, in order of first appearance */
  uint64_t first_frame, last_frame;
  int64_t first_sec, last_sec; /* absolute time of first/last packet */
  int32_t first_nsec, last_nsec;
  uint64_t packets[2], bytes[2];
  void *proto_data;               /* owned by the transport protocol (tcp.c/udp.c) */
  void (*proto_free)(void *data); /* called when the flow is dropped */
  void *app_data;                 /* owned by the application protocol */
  void (*app_free)(void *data);
  const dx_protocol *app; /* application protocol once decided, or NULL */
  /* internal */
  struct dx_flow *hnext, *lru_prev, *lru_next;
  struct dx_flow *cprev, *cnext; /* the closed list, in the order of closing */
  uint32_t hash;
  bool closed;
} dx_flow;

/* Finds or creates the flow of the current packet (p->net_src/dst,
 * srcport/dstport, ipproto). *dir is set to 0 or 1. Returns NULL only if
 * memory ran out; when the flow cap is reached the least recently used flow
 * is dropped and an expert note is added under `parent`. */
dx_flow *dx_flow_get(dx_packet *p, dx_node *parent, int *dir);
/* Looks a flow up without creating it. */
dx_flow *dx_flow_find(dx_packet *p, int *dir);
/* Forgets a flow now (e.g. after a TCP connection fully closed). */
void dx_flow_drop(dx_packet *p, dx_flow *f);
/* Says the connection has ended (TCP: FIN both ways, or RST): the flow and
 * everything hanging on it are released once DX_FLOW_CLOSE_FRAMES other
 * frames came after its last one, so memory stays flat in the capture's
 * length (at most that many ended flows are kept) and, as in tshark, which
 * never forgets one, a late packet of it in a small capture still belongs
 * to it, however long after. Any flow quiet for DX_FLOW_IDLE_TCP /
 * DX_FLOW_IDLE_UDP seconds and DX_FLOW_CLOSE_FRAMES frames is released too
 * (so a flow goes on across a jump of the clock in a small capture, as in
 * tshark). A packet of a released flow later starts a new one (a new
 * stream number). Time that jumps back by as much (concatenated captures)
 * counts as elapsed. */
void dx_flow_closed(dx_packet *p, dx_flow *f);
#define DX_FLOW_CLOSE_FRAMES 16384
#define DX_FLOW_IDLE_TCP 600
#define DX_FLOW_IDLE_UDP 120

/* Iteration over live flows (for conversation lists). */
typedef void (*dx_flow_visit_fn)(const dx_flow *f, void *ctx);
void dx_session_flows(const dx_session *s, dx_flow_visit_fn fn, void *ctx);

/* ---- common expert fields (core/expert.c) ---------------------------------- */
extern const dx_protocol dx_proto_expert; /* "_ws" fields */
const dx_field *dx_field_malformed(void); /* _ws.malformed */
const dx_field *dx_field_expert(void);    /* _ws.expert */
const dx_field *dx_field_limit(void);     /* _ws.limit: a cap was reached */
/* _ws.string.trailing_stray_characters: bytes after a NUL in a string */
const dx_field *dx_field_stray(void);
/* _ws.unreassembled: bytes ran out in a fragment that was not reassembled
 * (tshark's FragmentBoundsError) */
const dx_field *dx_field_unreassembled(void);
/* _ws.short: bytes ran out where the capture cut the packet (tshark's
 * BoundsError) */
const dx_field *dx_field_short(void);
/* The hidden _ws.expert.message/severity/group children of expert note n
 * (when wanted), and whether any of them is wanted (expert.c). */
void dx_expert_add_fields(dx_packet *p, dx_node *n, int severity);
bool dx_expert_wants_fields(const dx_packet *p);

/* ---- formatting helpers (output/format.c) ------------------------------------ */
/* The UTC calendar date and time of seconds since the epoch (proleptic
 * Gregorian calendar, any sign): tshark's dates and JSON's ISO 8601. */
typedef struct dx_civil {
  int64_t year;
  int month, day, hour, min, sec;
} dx_civil;
void dx_civil_utc(int64_t sec, dx_civil *c);
/* Length of the leading run of s[0..n) that a terminal may show as it is:
 * printable ASCII (0x20..0x7e) except the backslash. Sixteen bytes a step
 * with SSE2 (a last load that overlaps bytes already seen ends the run, so
 * no byte loop runs on a plain string of 16 bytes or more), else eight. */
static inline size_t dx_plain_run(const uint8_t *s, size_t n) {
  size_t i = 0;
#ifdef __SSE2__
  if (n >= 16) {
    const __m128i sp = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7f), bsl = _mm_set1_epi8(0x5c);
    for (;;) {
      size_t at = n - i >= 16 ? i : n - 16; /* the last load overlaps */
      __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + at));
      /* signed: bytes of 0x80 and above are below 0x20 too */
      __m128i bad = _mm_or_si128(_mm_cmplt_epi8(x, sp),
                                 _mm_or_si128(_mm_cmpeq_epi8(x, del), _mm_cmpeq_epi8(x, bsl)));
      unsigned m = (unsigned)_mm_movemask_epi8(bad);
      if (m) /* the bytes before i are plain: the first bad one is at or after i */
        return at + (size_t)__builtin_ctz(m);
      if (at + 16 >= n)
        return n;
      i = at + 16;
    }
  }
#endif
  const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  while (n - i >= 8) {
    uint64_t x;
    memcpy(&x, s + i, 8);
    uint64_t lt20 = (x - 0x20 * ones) & ~x;                            /* a byte < 0x20 */
    uint64_t ge7f = (x + ones) | x;                                    /* a byte >= 0x7f */
    uint64_t bs = ((x ^ (0x5c * ones)) - ones) & ~(x ^ (0x5c * ones)); /* a '\\' */
    if ((lt20 | ge7f | bs) & highs)
      break;
    i += 8;
    if (n - i < 8 && i < n && n >= 8) { /* the last 1-7 bytes: a word that overlaps */
      i = n - 8;
      continue;
    }
  }
  while (i < n && s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\')
    i++;
  return i;
}
/* Nonzero if the code point cp (U+00A0 and above) may reach a terminal as
 * it is: what glib's g_unichar_isprint() says, as tshark 4.0's
 * format_text() asks it. Format characters (bidi controls U+061C,
 * U+200E/F, U+202A-U+202E, U+2066-U+2069; zero-width U+200B-U+200D,
 * U+2060-U+2064, U+FEFF; U+00AD and the rest of Cf), unassigned code points
 * and noncharacters are not (output/format.c). */
bool dx_unichar_printable(uint32_t cp);
/* Length (2 to 4) of the well-formed UTF-8 sequence at s[0..n) (not
 * overlong, no surrogate, at most U+10FFFF) and its code point in *cp; 0
 * if there is none. */
static inline size_t dx_utf8_seq(const uint8_t *s, size_t n, uint32_t *cp) {
  if (n < 2 || s[0] < 0xc2 || s[0] > 0xf4)
    return 0;
  size_t len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
  if (n < len)
    return 0;
  uint32_t c = s[0] & (0x7fu >> len);
  for (size_t k = 1; k < len; k++) {
    if ((s[k] & 0xc0) != 0x80)
      return 0;
    c = c << 6 | (s[k] & 0x3fu);
  }
  static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (c < min[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
    return 0;
  *cp = c;
  return len;
}
/* Length (2 to 4) of the well-formed UTF-8 sequence at s[0..n) if it
 * encodes a printable code point (U+00A0 and above, dx_unichar_printable:
 * no C1 control, no format character); 0 otherwise. Such sequences may
 * reach a terminal as they are, as tshark shows them. */
static inline size_t dx_utf8_ok(const uint8_t *s, size_t n) {
  uint32_t cp;
  size_t len = dx_utf8_seq(s, n, &cp);
  return len && cp >= 0xa0 && dx_unichar_printable(cp) ? len : 0;
}
/* The escape of a code point that is not printable, as tshark shows it:
 * "\u202E" (4 upper-case hex digits) or "\U000E0001" (8 beyond U+FFFF).
 * Writes it and a NUL to out (12 bytes), returns its length. */
size_t dx_unichar_escape(uint32_t cp, char out[12]);
/* Escapes bytes for a terminal as tshark 4.0's format_text() shows them
 * in labels and columns: printable ASCII and the backslash kept, \a \b \t
 * \n \v \f \r for bytes 7 to 13 and \ooo (octal) for the other control
 * bytes and DEL (\001, \033, \177); printable UTF-8 kept; a code point
 * that is not printable (C1 controls, format characters) as \u0085,
 * \u202E, \U000E0001; a broken or invalid UTF-8 sequence (a stray byte of
 * 0x80 or more) as one U+FFFD. Writes at most len-1 chars + NUL, returns
 * the needed length. */
size_t dx_escape(const uint8_t *s, size_t n, char *buf, size_t len);
/* The bytes dx_escape() reads at s[0..n) as one unit (escaped or kept
 * whole): 1 for an ASCII byte, a lead byte and its continuation bytes. */
size_t dx_escape_unit(const uint8_t *s, size_t n);

/* "Nov 22, 2026 08:25:43.332411000 UTC": an absolute time in the local
 * zone, as tshark shows ABSOLUTE_TIME_LOCAL (output/timefmt.c); returns
 * the length it needed, like snprintf. */
size_t dx_format_local_time(int64_t sec, int32_t nsec, char *buf, size_t len);

#endif /* LIBDISSECT_CORE_DX_H */
