/* The session object: private to the core (core/ and proto/frame.c). */
#ifndef LIBDISSECT_CORE_SESSION_H
#define LIBDISSECT_CORE_SESSION_H

#include "dx.h"

typedef struct dx_dispatch {
  uint32_t key;
  const dx_protocol *proto;
} dx_dispatch;

/* A decode-as rule (dx_session_decode_as): ports lo..hi of `table` go to
 * `proto`, before the protocol's own port registrations. */
typedef struct dx_decode_as {
  dx_table table;
  uint16_t lo, hi;
  const dx_protocol *proto;
} dx_decode_as;
#define DX_MAX_DECODE_AS 64

/* Flows by 5-tuple: a chained hash table keyed with the session's hash
 * key, grown as flows come (at most one flow per bucket on average), and
 * an LRU list for eviction at max_flows. All O(1) per packet. */
typedef struct dx_flow_table {
  dx_flow **buckets;
  size_t nbuckets; /* power of two */
  size_t count;
  dx_flow *lru_head, *lru_tail;       /* head = most recently used */
  uint32_t next_index[256];           /* per ipproto stream counter */
  uint64_t dropped;                   /* flows dropped at the cap */
  dx_flow *closed_head, *closed_tail; /* ended connections, oldest first */
  uint64_t expired;                   /* flows released after they ended or idled */
  /* The session's byte budget (dx_session.stream_bytes): every flow
   * charges its own struct to it, and flows are released (least recently
   * used first) when a new connection's state would not fit. */
  uint64_t *budget;
  uint64_t budget_dropped; /* flows released for the budget */
} dx_flow_table;

struct dx_session {
  char *next_comments; /* dx_session_set_comments(), for the next frame */
  size_t next_comments_len;
  /* dx_session_set_iface(), for the next frame: its strings in iface_buf */
  bool next_iface_set;
  bool next_pflags_set; /* dx_session_set_packet_flags(), for the next frame */
  uint32_t next_pflags;
  dx_iface_info next_iface;
  char *iface_buf;
  size_t iface_cap;
  dx_config cfg;
  /* The key of every table's hash (dx_hash_keyed), random per session. */
  dx_hashkey hashkey;
  char *keylog_file;
  /* the key log file read last (dx_session_load_keylog), read on from
   * keylog_off when a secret is missing and the file grew (a browser
   * writing to it during a live capture); NULL: none to watch */
  char *keylog_watch;
  long long keylog_off, keylog_size, keylog_mtime;
  struct timespec keylog_checked; /* the last look at the file */
  char *rsa_key_file;
  /* TLS secrets: the key log (file, pcapng Decryption Secrets Blocks) and
   * an RSA private key, both NULL until given. */
  struct dx_keylog *keylog;
  void *rsa_key; /* EVP_PKEY * */
  /* dx_session_set_tls_psk(): the pre-shared key of plain PSK suites. */
  uint8_t *tls_psk;
  size_t tls_psk_len;
  /* dx_session_set_tcp_reorder(): TCP segments after a gap are held and put
   * back in order (tshark's tcp.reassemble_out_of_order); off by default. */
  bool tcp_reorder;
  /* Bytes the session keeps across packets: every byte stream's pending
   * PDUs (TCP and decrypted TLS alike), every protocol's buffers and the
   * fixed state of each flow and connection: one budget,
   * max_total_stream_bytes. */
  uint64_t stream_bytes;
  const dx_field **index; /* every field, sorted by abbrev */
  size_t nindex;
  /* the fields that are aliases (dx_field.alias_of), in the order of the
   * registry: dx_session_set_interest() adds those of fields of interest
   * without walking every field table */
  const dx_field **aliases;
  size_t naliases;
  void **states; /* per protocol, dx_nprotocols entries */
  /* dx_proto_state's index: a protocol's place in states, found by its
   * pointer (open addressing, NULL = empty slot; built with the session
   * when the registry holds fewer than DX_PSLOTS protocols, else unused
   * and the registry is searched). */
#define DX_PSLOTS 128
  bool pslots_ok;
  const struct dx_protocol *pslot_key[DX_PSLOTS];
  uint8_t pslot_idx[DX_PSLOTS];
  dx_dispatch *tables[DX_TABLE_COUNT];
  size_t ntables[DX_TABLE_COUNT];
  const dx_protocol **heur_tcp, **heur_udp;
  size_t nheur_tcp, nheur_udp;
  uint64_t nframes;
  /* dx_session_set_split_share(): the parts of a split capture */
  dx_split_share *share;
  unsigned share_part;
  void (*share_on_wait)(void *arg);
  void *share_arg;
  bool have_first;
  int64_t first_sec, prev_sec;
  int32_t first_nsec, prev_nsec;
  /* frame.time_delta_displayed counts from the last frame displayed: every
   * frame until the program calls dx_session_set_displayed(), then only
   * the frames it names. */
  bool disp_manual, have_disp;
  int64_t disp_sec;
  int32_t disp_nsec;
  /* The time column (dx_session_set_time_format): a dx_time_format and
   * tshark's -u hms. */
  int time_format;
  bool time_hms;
  /* dx_session_set_time_precision(): digits fixed (0-9), or each frame's
   * own (time_fixed false) */
  bool time_fixed;
  int time_digits;
  int8_t frame_prec; /* dx_session_set_frame_precision() */
  dx_flow_table flows;
  dx_decode_as decode_as[DX_MAX_DECODE_AS];
  size_t ndecode_as;
  /* Freed packets kept for reuse with their arenas' chunks, at most
   * DX_SPARE_PACKETS: a stack linked by dx_packet.spare_next. A packet may
   * be freed by another thread than the one dissecting (dissect.h,
   * Threads), so any thread pushes (dx_packet_free) and only the session's
   * pops (dx_session_dissect): lock-free, and safe from ABA with one
   * popper. nspare counts pushes begun less pops done. */
  _Atomic(dx_packet *) spare;
  _Atomic unsigned nspare;
  /* Interest (dx_session_set_interest): terse packets, the fields kept in
   * their trees (an open-addressing set of field pointers, NULL = empty
   * slot) and whether the summary columns are filled. */
  bool terse, terse_columns;
  bool labels_off;   /* dx_session_set_labels(s, 0): full packets without labels */
  bool proto_labels; /* a protocol field is of interest (dx_packet.proto_labels) */
  bool col_fields;   /* a column field (_ws.col.*) is of interest */
  /* dx_packet_skips_group_full's answers for the interest set: a group
   * and whether none of its fields is of interest (open addressing by the
   * group's address, never evicted: the groups are the protocols' static
   * ones, a few dozen; emptied whenever the set changes). A group's Bloom
   * filter meets the set's now and then by chance, and the answer then
   * costs a probe a field. */
#define DX_GROUP_CACHE 256
  struct dx_group_answer {
    const struct dx_field_group *g;
    bool skips;
  } group_cache[DX_GROUP_CACHE];
  const dx_field **interest;
  size_t interest_mask, ninterest;
  /* A 256-bit Bloom filter of the set: most fields asked about are not in
   * it, and are told so without a probe (dx_session_interested_inline). */
  uint64_t interest_bloom[4];
  /* The layers (protocol fields, fields[0] of a dx_protocol) that hold a
   * field of interest: the others are skipped in terse packets (dx.h,
   * dx_packet.skip) when skip_layers is set. A set like `interest`. */
  const dx_field **layers;
  size_t layers_mask;
  bool skip_layers;
  /* The protocols of interest needed only for presence or their first
   * bytes (dx_session_set_interest_needs): a few pairs, searched in turn
   * when a node of one is added; any other protocol of interest needs its
   * value (DX_NEED_VALUE). */
  struct dx_proto_need {
    const dx_field *f;
    uint32_t need;
  } * pneeds;
  size_t npneeds;
  /* Stream budget bytes still counted when dx_session_reset() had freed
   * every flow and protocol state (0 unless something does not give back
   * what it took, or a story was alive): for tests. */
  uint64_t reset_residue;
};

/* The protocol a decode-as rule gives for (table, port), or NULL. The
 * last rule added wins. At most DX_MAX_DECODE_AS rules: a bounded scan. */
const dx_protocol *dx_decode_as_proto(const dx_session *s, dx_table table, uint32_t port);

/* True if field f is in the session's interest set. */
bool dx_session_interested(const dx_session *s, const dx_field *f);
/* dx_session_interested() for a session with an interest set and a field. */
static inline bool dx_session_interested_inline(const dx_session *s, const dx_field *f) {
  size_t h = dx_interest_hash(f);
  if (!dx_interest_bloom_has(s->interest_bloom, h))
    return false;
  h &= s->interest_mask;
  while (s->interest[h]) {
    if (s->interest[h] == f)
      return true;
    h = (h + 1) & s->interest_mask;
  }
  return false;
}
/* True if the layer of protocol field f is built in terse packets. */
bool dx_session_layer_wanted(const dx_session *s, const dx_field *f);
/* What terse packets need of protocol field f, which is of interest
 * (DX_NEED_VALUE or DX_NEED_NODE). */
uint32_t dx_session_proto_need(const dx_session *s, const dx_field *f);

int dx_flow_table_init(dx_flow_table *ft, size_t cap);
void dx_flow_table_free(dx_flow_table *ft);
/* Releases every flow and zeroes the counters; the bucket array stays. */
void dx_flow_table_clear(dx_flow_table *ft);
/* The frame pseudo-protocol (proto/frame.c). */
extern const dx_protocol dx_proto_frame;
void dx_dissect_frame(dx_packet *p);
/* Time since the previous frame of the session. */
void dx_session_prev_time(const dx_packet *p, int64_t *sec, int32_t *nsec);
/* The hidden _ws.col.* nodes of a finished packet (proto/frame.c), made
 * once its columns are final. */
void dx_frame_add_columns(dx_packet *p);

#endif
