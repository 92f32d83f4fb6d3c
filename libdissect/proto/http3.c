/* HTTP/3 (RFC 9114) over the QUIC streams of proto/quic.c, with the QPACK
 * (RFC 9204) header decoding of libnghttp3.
 *
 * Each QUIC stream is a byte stream (core/stream.h) whose application is
 * chosen by the ALPN "h3". On a unidirectional stream the first varint is
 * the stream type (control, push, QPACK encoder, QPACK decoder); on every
 * stream but the QPACK ones, HTTP/3 frames follow: type, length, payload.
 * A frame is dissected when it is whole (the byte stream keeps the rest of
 * a cut one), except DATA: its header is shown when it arrives and its
 * payload as it comes, so a large body is never held in memory.
 * QPACK state is per connection and per sending side: the side's encoder
 * stream feeds the decoder of the header sections that side sends. All
 * memory nghttp3 takes counts against the session's byte budget.
 */
#include "../core/dx.h"
#include "quic.h"

#include <inttypes.h>
#include <nghttp3/nghttp3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  F_HTTP3,
  F_STREAM_TYPE,
  F_PUSH_ID,
  F_FRAME_TYPE,
  F_FRAME_LENGTH,
  F_FRAME_PAYLOAD,
  F_SETTINGS,
  F_SETTINGS_ID,
  F_SETTINGS_VALUE,
  F_SET_QPACK_CAP,
  F_SET_MAX_FIELD,
  F_SET_BLOCKED,
  F_SET_EXT_CONNECT,
  F_PRIO_ID,
  F_PRIO_VALUE,
  F_UNKNOWN_STREAM,
  F_HEADER,
  F_HEADER_COUNT,
  F_HEADER_NAME,
  F_HEADER_VALUE,
  F_METHOD,
  F_PATH,
  F_AUTHORITY,
  F_SCHEME,
  F_STATUS,
  F_GOAWAY_ID,
  F_DATA,
  F_QPACK_FAILED,
  F_QPACK_ENC,
  F_REQUEST_IN,
  F_RESPONSE_IN,
  F_TIME,
  F_STREAM_ID,
};

static const dx_vals stream_type_vals[] = {{0x00, "Control Stream"},
                                           {0x01, "Push Stream"},
                                           {0x02, "QPACK Encoder Stream"},
                                           {0x03, "QPACK Decoder Stream"},
                                           {0, NULL}};
static const dx_vals frame_type_vals[] = {{0x00, "DATA"},
                                          {0x01, "HEADERS"},
                                          {0x03, "CANCEL_PUSH"},
                                          {0x04, "SETTINGS"},
                                          {0x05, "PUSH_PROMISE"},
                                          {0x07, "GOAWAY"},
                                          {0x0d, "MAX_PUSH_ID"},
                                          {0xf0700, "PRIORITY_UPDATE"},
                                          {0xf0701, "PRIORITY_UPDATE"},
                                          {0, NULL}};
/* tshark 4.0's names (its table names 0x08 nowhere: "Unknown") */
static const dx_vals settings_vals[] = {{0x01, "Max Table Capacity"},
                                        {0x06, "Max Field Section Size"},
                                        {0x07, "Blocked Streams"},
                                        {0, NULL}};

#define FU64(a, l) DX_F(a, l, DX_FT_UINT64, DX_BASE_DEC)
#define FS(a, l) DX_F(a, l, DX_FT_STRING, DX_BASE_NONE)

static const dx_field http3_fields[] = {
    [F_HTTP3] =
        DX_F("http3", "Hypertext Transfer Protocol Version 3", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_STREAM_TYPE] =
        DX_FV("http3.stream_type", "Stream Type", DX_FT_UINT64, DX_BASE_HEX, stream_type_vals),
    [F_PUSH_ID] = FU64("http3.push_id", "Push ID"),
    [F_FRAME_TYPE] = DX_FV("http3.frame_type", "Type", DX_FT_UINT64, DX_BASE_HEX, frame_type_vals),
    [F_FRAME_LENGTH] = FU64("http3.frame_length", "Length"),
    [F_FRAME_PAYLOAD] = DX_F("http3.frame_payload", "Frame Payload", DX_FT_BYTES, DX_BASE_NONE),
    [F_SETTINGS] = DX_F("http3.settings", "Settings", DX_FT_NONE, DX_BASE_NONE),
    [F_SETTINGS_ID] =
        DX_FV("http3.settings.id", "Settings Identifier", DX_FT_UINT64, DX_BASE_HEX, settings_vals),
    [F_SETTINGS_VALUE] = FU64("http3.settings.value", "Settings Value"),
    [F_SET_QPACK_CAP] = FU64("http3.settings.qpack.max_table_capacity", "Max Table Capacity"),
    [F_SET_MAX_FIELD] = FU64("http3.settings.max_field_section_size", "Max header list size"),
    [F_SET_BLOCKED] = FU64("http3.settings.qpack.blocked_streams", "Blocked Streams"),
    [F_SET_EXT_CONNECT] = FU64("http3.settings.extended_connect", "Extended CONNECT"),
    [F_PRIO_ID] = FU64("http3.priority_update_element_id", "Priority Update Element ID"),
    [F_PRIO_VALUE] = FS("http3.priority_update_field_value", "Priority Update Field Value"),
    [F_UNKNOWN_STREAM] = DX_F("http3.unknown_stream_type", "An unknown stream type was encountered",
                              DX_FT_NONE, DX_BASE_NONE),
    /* header fields: the names of Wireshark 4.2's HTTP/3 dissector */
    [F_HEADER] = DX_F("http3.header", "Header", DX_FT_NONE, DX_BASE_NONE),
    [F_HEADER_COUNT] = DX_F("http3.header.count", "Header Count", DX_FT_UINT32, DX_BASE_DEC),
    [F_HEADER_NAME] = FS("http3.header.name", "Name"),
    [F_HEADER_VALUE] = FS("http3.header.value", "Value"),
    /* the pseudo-headers, as http2.headers.* */
    [F_METHOD] = FS("http3.headers.method", "Method"),
    [F_PATH] = FS("http3.headers.path", "Path"),
    [F_AUTHORITY] = FS("http3.headers.authority", "Authority"),
    [F_SCHEME] = FS("http3.headers.scheme", "Scheme"),
    [F_STATUS] = DX_F("http3.headers.status", "Status", DX_FT_UINT16, DX_BASE_DEC),
    [F_GOAWAY_ID] = FU64("http3.goaway.id", "Stream ID / Push ID"),
    [F_DATA] = DX_F("http3.data", "DATA payload", DX_FT_BYTES, DX_BASE_NONE),
    [F_QPACK_FAILED] =
        DX_F("http3.qpack_failed", "Header decompression failed", DX_FT_NONE, DX_BASE_NONE),
    [F_QPACK_ENC] = DX_F("http3.qpack_encoder_update", "Decoded QPACK encoder stream", DX_FT_NONE,
                         DX_BASE_NONE),
    [F_REQUEST_IN] = DX_F("http3.request_in", "Request in frame", DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_RESPONSE_IN] = DX_F("http3.response_in", "Response in frame", DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_TIME] = DX_F("http3.time", "Time since request", DX_FT_RELTIME, DX_BASE_NONE),
    /* ours: the QUIC stream the frames ride on (quic.stream.stream_id) */
    [F_STREAM_ID] = FU64("http3.stream_id", "QUIC Stream ID"),
};
#define FL(i) (&http3_fields[(i)])

#define H3_MAX_FRAME 65536   /* largest non-DATA frame reassembled */
#define H3_QPACK_TABLE 65536 /* dynamic table capacity allowed per decoder */
#define H3_QPACK_BLOCKED 100 /* streams a decoder may keep blocked */
#define H3_MAX_HEADERS 256   /* header fields shown per section */

/* ---- memory nghttp3 takes, counted against the session's budget ---------- */
/* Every block is also on a list, so what nghttp3 leaves behind (it leaks
 * a name buffer when a header section is malformed) is freed with the
 * connection. */
typedef union h3hdr {
  struct {
    size_t n;
    union h3hdr *prev, *next;
  } h;
  max_align_t align;
} h3hdr;

/* nghttp3's QPACK decoder is left inconsistent by an allocation that
 * fails inside it (after NGHTTP3_ERR_NOMEM its next calls fail, and
 * deleting it trips an assertion in nghttp3_rcbuf_decref: an abort). So a
 * block past the budget is still given, and noted (over): after each call
 * into nghttp3 the caller gives the decoder up whole while it is
 * consistent (settle). The budget is passed by what one call takes at most:
 * the encoder instructions of one packet and the dynamic table's
 * H3_QPACK_TABLE bytes. */
typedef struct h3mem {
  uint64_t *budget, max;
  nghttp3_mem mem;
  h3hdr *live; /* blocks not freed yet */
  bool over;   /* a block was given past the budget since the last settle */
} h3mem;

static void *m_malloc(size_t size, void *ud) {
  h3mem *m = ud;
  if (size > SIZE_MAX - sizeof(h3hdr))
    return NULL;
  if (m->budget && *m->budget + size + sizeof(h3hdr) > m->max)
    m->over = true;
  h3hdr *h = malloc(sizeof *h + size);
  if (!h)
    return NULL;
  h->h.n = size;
  h->h.prev = NULL;
  h->h.next = m->live;
  if (m->live)
    m->live->h.prev = h;
  m->live = h;
  if (m->budget)
    *m->budget += size + sizeof *h;
  return h + 1;
}

static void m_free(void *ptr, void *ud) {
  h3mem *m = ud;
  if (!ptr)
    return;
  h3hdr *h = (h3hdr *)ptr - 1;
  if (h->h.prev)
    h->h.prev->h.next = h->h.next;
  else
    m->live = h->h.next;
  if (h->h.next)
    h->h.next->h.prev = h->h.prev;
  if (m->budget)
    *m->budget -= h->h.n + sizeof *h;
  free(h);
}

static void *m_calloc(size_t nmemb, size_t size, void *ud) {
  if (size && nmemb > SIZE_MAX / size)
    return NULL;
  void *p = m_malloc(nmemb * size, ud);
  if (p)
    memset(p, 0, nmemb * size);
  return p;
}

static void *m_realloc(void *ptr, size_t size, void *ud) {
  if (!ptr)
    return m_malloc(size, ud);
  h3hdr *h = (h3hdr *)ptr - 1;
  void *n = m_malloc(size, ud);
  if (!n)
    return NULL;
  memcpy(n, ptr, h->h.n < size ? h->h.n : size);
  m_free(ptr, ud);
  return n;
}

/* ---- state ----------------------------------------------------------------- */
typedef struct h3conn {
  h3mem m;
  nghttp3_qpack_decoder *dec[2]; /* for the header sections sent by [0] client, [1] server */
  bool dec_failed[2];
} h3conn;

typedef struct h3stream {
  bool typed;            /* uni stream: its type was read */
  uint64_t type;         /* uni stream type */
  uint64_t data_left[2]; /* bytes of the current DATA frame still to come, per direction */
  nghttp3_qpack_stream_context *sctx[2];
  h3conn *conn;
  uint64_t req_frame; /* frame of the request's HEADERS, 0 if none */
  int64_t req_sec;
  int32_t req_nsec;
  uint64_t resp_frame;
} h3stream;

static void conn_free(void *d) {
  h3conn *c = d;
  if (!c)
    return;
  for (int i = 0; i < 2; i++)
    if (c->dec[i])
      nghttp3_qpack_decoder_del(c->dec[i]);
  while (c->m.live) /* left behind by nghttp3 */
    m_free(c->m.live + 1, &c->m);
  free(c);
}

static void stream_free(void *d) {
  h3stream *s = d;
  if (!s)
    return;
  for (int i = 0; i < 2; i++)
    if (s->sctx[i])
      nghttp3_qpack_stream_context_del(s->sctx[i]);
  free(s);
}

static h3conn *get_conn(dx_packet *p) {
  void **slot = NULL;
  void (**fslot)(void *) = NULL;
  if (!dx_quic_stream(p, NULL, &slot, &fslot))
    return NULL;
  if (*slot && *fslot == conn_free)
    return *slot;
  if (*slot)
    return NULL; /* another protocol's */
  h3conn *c = calloc(1, sizeof *c);
  if (!c)
    return NULL;
  c->m.budget = dx_packet_stream_budget(p);
  c->m.max = dx_packet_config(p)->max_total_stream_bytes;
  c->m.mem.user_data = &c->m;
  c->m.mem.malloc = m_malloc;
  c->m.mem.free = m_free;
  c->m.mem.calloc = m_calloc;
  c->m.mem.realloc = m_realloc;
  *slot = c;
  *fslot = conn_free;
  return c;
}

/* After a call into nghttp3 for side's decoder: if memory went past the
 * budget, the decoder is given up (deleted while consistent) and not made
 * again; true then. */
static bool settle(h3conn *c, int side) {
  if (!c->m.over)
    return false;
  c->m.over = false;
  if (c->dec[side])
    nghttp3_qpack_decoder_del(c->dec[side]);
  c->dec[side] = NULL;
  c->dec_failed[side] = true;
  return true;
}

static nghttp3_qpack_decoder *decoder(h3conn *c, int side) {
  if (!c->dec[side] && !c->dec_failed[side]) {
    if (nghttp3_qpack_decoder_new(&c->dec[side], H3_QPACK_TABLE, H3_QPACK_BLOCKED, &c->m.mem) !=
        0) {
      c->dec[side] = NULL;
      c->dec_failed[side] = true;
    } else {
      nghttp3_qpack_decoder_set_max_dtable_capacity(c->dec[side], H3_QPACK_TABLE);
    }
    settle(c, side);
  }
  return c->dec[side];
}

/* ---- helpers ---------------------------------------------------------------- */
static void time_sub(int64_t as, int32_t an, int64_t bs, int32_t bn, int64_t *rs, int32_t *rn) {
  dx_time_sub(as, an, bs, bn, rs, rn);
}

/* ---- frames ------------------------------------------------------------------- */
/* A reserved (GREASE) code point: 0x1f * N + 0x21 (RFC 9114 7.2.4.1). */
static bool h3_reserved(uint64_t v) {
  return v >= 0x21 && (v - 0x21) % 0x1f == 0;
}

/* One "Settings - Name: value" item per setting, as tshark 4.0's tree. */
static void settings(dx_packet *p, dx_node *fr, const dx_tvb *t, uint32_t off, uint32_t end) {
  for (unsigned i = 0; off < end && i < 256; i++) {
    uint64_t id = 0, val = 0;
    uint32_t n1 = 0, n2 = 0;
    if (!dx_quic_varint(t, off, &id, &n1) || off + n1 >= end + 1 ||
        !dx_quic_varint(t, off + n1, &val, &n2) || off + n1 + n2 > end) {
      dx_node *sn = dx_add_none(p, fr, FL(F_SETTINGS), t, off, end - off);
      dx_mark_malformed(p, sn, "setting cut by the end of the frame");
      return;
    }
    dx_node *sn = dx_add_none(p, fr, FL(F_SETTINGS), t, off, n1 + n2);
    dx_node *in = dx_add_uint(p, sn, FL(F_SETTINGS_ID), t, off, n1, id);
    dx_add_uint(p, sn, FL(F_SETTINGS_VALUE), t, off + n1, n2, val);
    int vf = id == 1   ? F_SET_QPACK_CAP
             : id == 6 ? F_SET_MAX_FIELD
             : id == 7 ? F_SET_BLOCKED
             : id == 8 ? F_SET_EXT_CONNECT
                       : -1;
    if (vf >= 0)
      dx_add_uint(p, sn, FL(vf), t, off + n1, n2, val);
    const char *nm = dx_val_name(settings_vals, id);
    if (h3_reserved(id)) {
      dx_node_set_text(p, in, "Type: GREASE (%#" PRIx64 ")", id);
      dx_node_set_text(p, sn, "Settings - GREASE");
    } else if (vf >= 0) {
      dx_node_set_text(p, sn, "Settings - %s: %" PRIu64, nm ? nm : "Unknown", val);
    } else {
      dx_node_set_text(p, sn, "Settings - %s", nm ? nm : "Unknown");
    }
    off += n1 + n2;
  }
}

/* Decodes a HEADERS payload with the sender's QPACK decoder. */
static void headers(dx_packet *p, h3stream *s, int side, uint64_t sid, dx_node *fr, const dx_tvb *t,
                    uint32_t off, uint32_t len) {
  h3conn *c = s->conn;
  nghttp3_qpack_decoder *d = c ? decoder(c, side) : NULL;
  const uint8_t *src = dx_get_ptr(t, off, len);
  if (!d || !src) {
    dx_expert(p, fr, FL(F_QPACK_FAILED), DX_SEV_WARN,
              "Header decompression failed: no QPACK decoder (memory budget)");
    return;
  }
  if (!s->sctx[side] &&
      (nghttp3_qpack_stream_context_new(&s->sctx[side], (int64_t)sid, &c->m.mem) != 0 ||
       c->m.over)) {
    if (s->sctx[side])
      nghttp3_qpack_stream_context_del(s->sctx[side]);
    c->m.over = false;
    s->sctx[side] = NULL;
    dx_expert(p, fr, FL(F_QPACK_FAILED), DX_SEV_WARN,
              "Header decompression failed: no memory for the stream context");
    return;
  }
  nghttp3_qpack_stream_context_reset(s->sctx[side]);
  /* the decoded header list goes into a data source of its own */
  char *text = NULL;
  size_t tlen = 0, tcap = 0;
  typedef struct hv {
    uint32_t no, nl, vo, vl;
  } hv;
  hv list[H3_MAX_HEADERS];
  unsigned nh = 0, total = 0;
  bool failed = false, blocked = false;
  size_t pos = 0;
  for (unsigned guard = 0; guard < 100000; guard++) {
    nghttp3_qpack_nv nv;
    uint8_t flags = 0;
    nghttp3_ssize r =
        nghttp3_qpack_decoder_read_request(d, s->sctx[side], &nv, &flags, src + pos, len - pos, 1);
    if (r < 0 || c->m.over) {
      if (r >= 0 && (flags & NGHTTP3_QPACK_DECODE_FLAG_EMIT)) {
        nghttp3_rcbuf_decref(nv.name);
        nghttp3_rcbuf_decref(nv.value);
      }
      failed = true;
      break;
    }
    pos += (size_t)r;
    if (flags & NGHTTP3_QPACK_DECODE_FLAG_EMIT) {
      nghttp3_vec nm = nghttp3_rcbuf_get_buf(nv.name), vl = nghttp3_rcbuf_get_buf(nv.value);
      total++;
      if (nh < H3_MAX_HEADERS && nm.len < 65536 && vl.len < 65536) {
        size_t need = tlen + nm.len + vl.len + 4;
        if (need > tcap) {
          size_t nc = tcap ? tcap * 2 : 512;
          while (nc < need)
            nc *= 2;
          char *nt = realloc(text, nc);
          if (nt) {
            text = nt;
            tcap = nc;
          }
        }
        if (need <= tcap) {
          list[nh].no = (uint32_t)tlen;
          list[nh].nl = (uint32_t)nm.len;
          memcpy(text + tlen, nm.base, nm.len);
          tlen += nm.len;
          memcpy(text + tlen, ": ", 2);
          tlen += 2;
          list[nh].vo = (uint32_t)tlen;
          list[nh].vl = (uint32_t)vl.len;
          memcpy(text + tlen, vl.base, vl.len);
          tlen += vl.len;
          memcpy(text + tlen, "\r\n", 2);
          tlen += 2;
          nh++;
        }
      }
      nghttp3_rcbuf_decref(nv.name);
      nghttp3_rcbuf_decref(nv.value);
    }
    if (flags & NGHTTP3_QPACK_DECODE_FLAG_BLOCKED) {
      blocked = true;
      break;
    }
    if (flags & NGHTTP3_QPACK_DECODE_FLAG_FINAL)
      break;
    if (r == 0 && !(flags & NGHTTP3_QPACK_DECODE_FLAG_EMIT))
      break;
  }
  nghttp3_qpack_stream_context_reset(s->sctx[side]);
  if (settle(c, side))
    dx_expert(p, fr, FL(F_QPACK_FAILED), DX_SEV_WARN,
              "QPACK decoder given up: the session's memory budget is spent");
  dx_tvb ht = {0};
  if (nh)
    ht = dx_packet_add_source_kind(p, DX_SRC_DECOMPRESSED_HEADER, NULL, (const uint8_t *)text,
                                   (uint32_t)tlen);
  free(text);
  dx_node *cn = dx_add_uint(p, fr, FL(F_HEADER_COUNT), t, off, 0, total);
  dx_node_set_flags(cn, DX_NODE_GENERATED);
  const char *method = NULL, *path = NULL;
  for (unsigned i = 0; i < nh && ht.len; i++) {
    const char *nm = (const char *)ht.data + list[i].no;
    const char *vl = (const char *)ht.data + list[i].vo;
    dx_node *h =
        dx_add_none(p, fr, FL(F_HEADER), &ht, list[i].no, list[i].vo + list[i].vl - list[i].no);
    dx_add_string(p, h, FL(F_HEADER_NAME), &ht, list[i].no, list[i].nl, nm, list[i].nl);
    dx_node *vn =
        dx_add_string(p, h, FL(F_HEADER_VALUE), &ht, list[i].vo, list[i].vl, vl, list[i].vl);
    dx_node_set_text(p, h, "Header: %.*s: %.*s", (int)list[i].nl, nm, (int)list[i].vl, vl);
    int pf = -1;
    if (list[i].nl == 7 && memcmp(nm, ":method", 7) == 0)
      pf = F_METHOD;
    else if (list[i].nl == 5 && memcmp(nm, ":path", 5) == 0)
      pf = F_PATH;
    else if (list[i].nl == 10 && memcmp(nm, ":authority", 10) == 0)
      pf = F_AUTHORITY;
    else if (list[i].nl == 7 && memcmp(nm, ":scheme", 7) == 0)
      pf = F_SCHEME;
    else if (list[i].nl == 7 && memcmp(nm, ":status", 7) == 0)
      pf = F_STATUS;
    if (pf == F_STATUS) {
      unsigned st = 0;
      for (uint32_t k = 0; k < list[i].vl && k < 3; k++)
        st = st * 10 + (unsigned)(vl[k] >= '0' && vl[k] <= '9' ? vl[k] - '0' : 0);
      dx_add_uint(p, h, FL(F_STATUS), &ht, list[i].vo, list[i].vl, st);
    } else if (pf >= 0) {
      dx_add_string(p, h, FL(pf), &ht, list[i].vo, list[i].vl, vl, list[i].vl);
      /* copies of their own: a terse packet may not build the node */
      if (pf == F_METHOD)
        method = dx_arena_strndup(&p->arena, (const char *)vl, list[i].vl);
      if (pf == F_PATH)
        path = dx_arena_strndup(&p->arena, (const char *)vl, list[i].vl);
    }
    DX_UNUSED(vn);
  }
  if (total > nh)
    dx_expert(p, fr, dx_field_limit(), DX_SEV_NOTE, "[%u more header fields not shown]",
              total - nh);
  if (failed)
    dx_expert(p, fr, FL(F_QPACK_FAILED), DX_SEV_WARN,
              "Header decompression failed (QPACK): a dynamic table entry is missing or the "
              "section is malformed");
  else if (blocked)
    dx_expert(p, fr, FL(F_QPACK_FAILED), DX_SEV_NOTE,
              "Header section blocked: it refers to QPACK encoder instructions not in the "
              "capture (yet)");
  /* requests and responses of this stream */
  if (side == 0 && method) {
    s->req_frame = p->num;
    s->req_sec = p->frame.ts_sec;
    s->req_nsec = (int32_t)p->frame.ts_nsec;
    DX_UNUSED(path); /* tshark 4.0 names only the frames in Info */
  } else if (side == 1 && s->req_frame) {
    dx_node *rn = dx_add_uint(p, fr, FL(F_REQUEST_IN), t, off, 0, s->req_frame);
    dx_node_set_flags(rn, DX_NODE_GENERATED);
    int64_t ds;
    int32_t dn;
    time_sub(p->frame.ts_sec, (int32_t)p->frame.ts_nsec, s->req_sec, s->req_nsec, &ds, &dn);
    dx_node *tn = dx_add_time(p, fr, FL(F_TIME), t, off, 0, ds, dn);
    dx_node_set_flags(tn, DX_NODE_GENERATED);
    s->resp_frame = p->num;
  }
}

/* One whole frame at [off, off+hdr+len): returns the bytes taken. */
static void frame(dx_packet *p, h3stream *s, int side, uint64_t sid, dx_node *h3, const dx_tvb *t,
                  uint32_t off, uint64_t type, uint32_t n1, uint64_t flen, uint32_t n2,
                  uint32_t avail_payload) {
  uint32_t hdr = n1 + n2;
  dx_node *fr = h3;
  dx_node *tn = dx_add_uint(p, fr, FL(F_FRAME_TYPE), t, off, n1, type);
  const char *name = dx_val_name(frame_type_vals, type);
  bool reserved = type >= 0x21 && (type - 0x21) % 0x1f == 0;
  if (!name)
    name = reserved ? "Reserved" : "Unknown";
  if (!reserved || dx_val_name(frame_type_vals, type))
    dx_node_set_text(p, tn, "Type: %s (0x%016" PRIx64 ")", name, type);
  else /* a GREASE type (RFC 9114 7.2.8): as tshark 4.0 writes it */
    dx_node_set_text(p, tn, "Type: Reserved (0x%" PRIx64 ")", type);
  dx_add_uint(p, fr, FL(F_FRAME_LENGTH), t, off + n1, n2, flen);
  uint32_t poff = off + hdr;
  if (avail_payload)
    dx_add_bytes(p, fr, FL(F_FRAME_PAYLOAD), t, poff, avail_payload);
  if (p->want_columns && !(reserved && !dx_val_name(frame_type_vals, type)))
    dx_quic_info_append(p, ", %s", name); /* GREASE frames are not named in Info (tshark) */
  switch (type) {
  case 0x01:
    if (avail_payload == flen)
      headers(p, s, side, sid, fr, t, poff, avail_payload);
    break;
  case 0x04: settings(p, fr, t, poff, poff + avail_payload); break;
  case 0x03:
  case 0x0d: {
    uint64_t v;
    uint32_t n;
    if (dx_quic_varint(t, poff, &v, &n))
      dx_add_uint(p, fr, FL(F_PUSH_ID), t, poff, n, v);
    break;
  }
  case 0x07: {
    uint64_t v;
    uint32_t n;
    if (dx_quic_varint(t, poff, &v, &n))
      dx_add_uint(p, fr, FL(F_GOAWAY_ID), t, poff, n, v);
    break;
  }
  case 0xf0700:
  case 0xf0701: {
    uint64_t v;
    uint32_t n;
    if (dx_quic_varint(t, poff, &v, &n)) {
      dx_add_uint(p, fr, FL(F_PRIO_ID), t, poff, n, v);
      if (avail_payload > n)
        dx_add_item(p, fr, FL(F_PRIO_VALUE), t, poff + n, avail_payload - n);
    }
    break;
  }
  default: break;
  }
}

static uint32_t dissect_http3(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  uint64_t sid = 0;
  if (!dx_quic_stream(p, &sid, NULL, NULL))
    return 0;
  int side = p->flow_dir & 1;
  h3stream *s = dx_app_data(p, stream_free);
  if (!s) {
    s = calloc(1, sizeof *s);
    if (!s || !dx_app_data_set(p, s, stream_free)) {
      free(s);
      return 0;
    }
  }
  if (!s->conn)
    s->conn = get_conn(p);
  /* the rest of a DATA frame's payload alone does not make the packet
   * HTTP3's in the columns (as tshark) */
  if (!(s->data_left[side] >= t->len && (!(sid & 2) || s->typed))) {
    dx_col_set_proto(p, "HTTP3");
    dx_quic_mark_app(p);
  }
  dx_node *h3 = dx_add_proto(p, parent, FL(F_HTTP3), t, 0, t->len);
  dx_node_set_flags(dx_add_uint(p, h3, FL(F_STREAM_ID), t, 0, 0, sid), DX_NODE_GENERATED);
  uint32_t off = 0;
  bool uni = sid & 2;
  if (uni && !s->typed) {
    uint64_t ty = 0;
    uint32_t n = 0;
    if (!dx_quic_varint(t, 0, &ty, &n)) {
      p->desegment_offset = 0;
      p->desegment_len = DX_DESEGMENT_ONE_MORE;
      return 0;
    }
    s->typed = true;
    s->type = ty;
    dx_add_uint(p, h3, FL(F_STREAM_TYPE), t, 0, n, ty);
    off = n;
    if (ty > 3)
      dx_expert(p, h3, FL(F_UNKNOWN_STREAM), DX_SEV_WARN,
                "An unknown stream type was encountered (0x%" PRIx64 ")", ty);
  }
  if (uni && s->type == 2) {
    /* QPACK encoder instructions for the decoder of this side's headers */
    if (off < t->len && s->conn) {
      nghttp3_qpack_decoder *d = decoder(s->conn, side);
      const uint8_t *b = dx_get_ptr(t, off, t->len - off);
      if (d && b) {
        nghttp3_ssize r = nghttp3_qpack_decoder_read_encoder(d, b, t->len - off);
        if (settle(s->conn, side))
          dx_expert(p, h3, FL(F_QPACK_FAILED), DX_SEV_WARN,
                    "QPACK decoder given up: the session's memory budget is spent");
        else if (r < 0)
          dx_expert(p, h3, FL(F_QPACK_FAILED), DX_SEV_WARN,
                    "QPACK encoder stream could not be read: %s", nghttp3_strerror((int)r));
      }
    }
    return t->len;
  }
  if (uni && (s->type == 3 || s->type > 3))
    return t->len; /* decoder instructions, or a stream we do not know */
  if (uni && s->type == 1 && off == 0) {
    /* a push stream's first bytes after the type: the push id (read once) */
  }
  while (off < t->len) {
    if (s->data_left[side]) {
      uint64_t k = s->data_left[side];
      uint32_t take = k < t->len - off ? (uint32_t)k : t->len - off;
      dx_node *dn = dx_add_bytes(p, h3, FL(F_DATA), t, off, take);
      dx_node_set_text(p, dn, "DATA payload (%u bytes, %" PRIu64 " more to come)", take, k - take);
      s->data_left[side] -= take;
      off += take;
      continue;
    }
    uint64_t type = 0, flen = 0;
    uint32_t n1 = 0, n2 = 0;
    if (!dx_quic_varint(t, off, &type, &n1) || !dx_quic_varint(t, off + n1, &flen, &n2)) {
      p->desegment_offset = off;
      p->desegment_len = DX_DESEGMENT_ONE_MORE;
      return off;
    }
    uint32_t avail = t->len - off - n1 - n2;
    if (type == 0x00) {
      /* DATA: the header now, the payload as it comes (never buffered) */
      uint32_t take = flen < avail ? (uint32_t)flen : avail;
      frame(p, s, side, sid, h3, t, off, type, n1, flen, n2, take);
      s->data_left[side] = flen - take;
      off += n1 + n2 + take;
      continue;
    }
    if (flen > avail) {
      if (flen > H3_MAX_FRAME) {
        dx_node *bad = dx_add_uint(p, h3, FL(F_FRAME_LENGTH), t, off + n1, n2, flen);
        dx_mark_malformed(p, bad, "frame of %" PRIu64 " bytes is longer than the %u kept", flen,
                          H3_MAX_FRAME);
        return t->len;
      }
      p->desegment_offset = off;
      p->desegment_len = (uint32_t)(flen - avail);
      return off;
    }
    frame(p, s, side, sid, h3, t, off, type, n1, flen, n2, (uint32_t)flen);
    off += n1 + n2 + (uint32_t)flen;
  }
  return off;
}

const dx_protocol dx_proto_http3 = {
    .name = "http3",
    .label = "Hypertext Transfer Protocol Version 3",
    .fields = http3_fields,
    .nfields = DX_ARRAY_LEN(http3_fields),
    .dissect = dissect_http3,
};
