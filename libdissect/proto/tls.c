/* Transport Layer Security 1.0-1.3 (RFC 2246, RFC 4346, RFC 5246, RFC 8446)
 * over TCP: records, handshake messages (with their extensions), change
 * cipher spec, alerts and application data. Certificates are handed to
 * x509.c.
 *
 * Stream handling: records are taken whole, asking tcp.c for more bytes
 * (p->desegment_*) when a record is cut by a segment boundary. A handshake
 * message that spans several records is buffered per direction in the
 * connection state (bounded by max_stream_bytes) and dissected from a
 * "Reassembled Handshake" data source when its last record arrives.
 *
 * Without the session keys everything after ChangeCipherSpec (TLS 1.2) or
 * after the ServerHello (TLS 1.3) is shown as encrypted. */
#include "tls.h"
#include "../analysis/ja4.h"
#include "../analysis/trust.h"
#include "../core/dx.h"
#include "../core/keylog.h"
#include "../core/share.h"
#include "../core/stream.h"
#include "ocsp.h"
#include "quic.h"
#include "tls_ciphers.h"
#include "tls_decrypt.h"
#include "tls_tables.h"

#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TLS_MAX_RECORD (16384u + 2048u) /* RFC 5246 6.2.3: TLSCiphertext limit */

#include "tls_fields.h"

static const dx_vals ct_vals[] = {
    {20, "Change Cipher Spec"}, {21, "Alert"},         {22, "Handshake"}, {23, "Application Data"},
    {24, "Heartbeat"},          {25, "Connection ID"}, {0, NULL}};
static const dx_vals alert_level_vals[] = {{1, "Warning"}, {2, "Fatal"}, {0, NULL}};
static const dx_vals comp_vals[] = {{0, "null"}, {1, "DEFLATE"}, {64, "LZS"}, {0, NULL}};
static const dx_vals sni_type_vals[] = {{0, "host_name"}, {0, NULL}};
static const dx_vals ecpf_vals[] = {{0, "uncompressed"},
                                    {1, "ansiX962_compressed_prime"},
                                    {2, "ansiX962_compressed_char2"},
                                    {0, NULL}};
static const dx_vals hash_vals[] = {{0, "None"},   {1, "MD5"},    {2, "SHA1"},
                                    {3, "SHA224"}, {4, "SHA256"}, {5, "SHA384"},
                                    {6, "SHA512"}, {7, "SM3"},    {0, NULL}};
static const dx_vals sig_vals[] = {{0, "Anonymous"}, {1, "RSA"}, {2, "DSA"},
                                   {3, "ECDSA"},     {4, "SM2"}, {0, NULL}};
static const dx_vals pskke_vals[] = {{0, "PSK-only key establishment (psk_ke)"},
                                     {1, "PSK with (EC)DHE key establishment (psk_dhe_ke)"},
                                     {0, NULL}};
static const dx_vals sr_type_vals[] = {{1, "OCSP"}, {2, "OCSP Multi"}, {0, NULL}};
static const dx_vals curve_type_vals[] = {
    {1, "explicit_prime"}, {2, "explicit_char2"}, {3, "named_curve"}, {0, NULL}};
static const dx_vals cert_type_vals[] = {{1, "RSA Sign"},
                                         {2, "DSS Sign"},
                                         {3, "RSA Fixed DH"},
                                         {4, "DSS Fixed DH"},
                                         {21, "GOST R 34.10-94"},
                                         {22, "GOST R 34.10-2001"},
                                         {64, "ECDSA Sign"},
                                         {65, "RSA Fixed ECDH"},
                                         {66, "ECDSA Fixed ECDH"},
                                         {80, "IBC Params"},
                                         {0, NULL}};
static const dx_vals mfl_vals[] = {{1, "512"}, {2, "1024"}, {3, "2048"}, {4, "4096"}, {0, NULL}};
/* QUIC transport parameters (RFC 9000 18.2, RFC 9221, RFC 9368, and the
 * drafts' ids tshark names) */
static const dx_vals qtp_vals[] = {{0x00, "original_destination_connection_id"},
                                   {0x01, "max_idle_timeout"},
                                   {0x02, "stateless_reset_token"},
                                   {0x03, "max_udp_payload_size"},
                                   {0x04, "initial_max_data"},
                                   {0x05, "initial_max_stream_data_bidi_local"},
                                   {0x06, "initial_max_stream_data_bidi_remote"},
                                   {0x07, "initial_max_stream_data_uni"},
                                   {0x08, "initial_max_streams_bidi"},
                                   {0x09, "initial_max_streams_uni"},
                                   {0x0a, "ack_delay_exponent"},
                                   {0x0b, "max_ack_delay"},
                                   {0x0c, "disable_active_migration"},
                                   {0x0d, "preferred_address"},
                                   {0x0e, "active_connection_id_limit"},
                                   {0x0f, "initial_source_connection_id"},
                                   {0x10, "retry_source_connection_id"},
                                   {0x11, "version_information"},
                                   {0x20, "max_datagram_frame_size"},
                                   {0x173e, "discard"},
                                   {0x2ab2, "grease_quic_bit"},
                                   {0x3127, "google_initial_rtt"},
                                   {0x3128, "google_connection_options"},
                                   {0x3129, "google_user_agent"},
                                   {0x312a, "google_support_handshake_done"},
                                   {0x312b, "google_key_update_not_yet_supported"},
                                   {0x4751, "google_quic_params"},
                                   {0x4752, "google_quic_version"},
                                   {0x7157, "enable_time_stamp"},
                                   {0x7158, "enable_time_stamp_v2"},
                                   {0xde1a, "min_ack_delay"},
                                   {0xff02de1a, "min_ack_delay"},
                                   {0xff03de1a, "min_ack_delay"},
                                   {0xff04de1a, "min_ack_delay"},
                                   {0, NULL}};
/* enable_time_stamp_v2 (draft-huitema-quic-ts-02 4) */
static const dx_vals qtp_tsv2_vals[] = {
    {1, "I would like to receive TIME_STAMP frames"},
    {2, "I am able to generate TIME_STAMP frames"},
    {3, "I am able to generate TIME_STAMP frames and I would like to receive them"},
    {0, NULL}};
/* RFC 6520 2 */
static const dx_vals heartbeat_mode_vals[] = {
    {1, "Peer allowed to send requests"}, {2, "Peer not allowed to send requests"}, {0, NULL}};
/* RFC 8879 3 */
static const dx_vals ccert_alg_vals[] = {{1, "zlib"}, {2, "brotli"}, {3, "zstd"}, {0, NULL}};
static const dx_vals keyupdate_vals[] = {
    {0, "update_not_requested"}, {1, "update_requested"}, {0, NULL}};

#define FS(a, l) DX_F(a, l, DX_FT_STRING, DX_BASE_NONE)
#define FB(a, l) DX_F(a, l, DX_FT_BYTES, DX_BASE_NONE)
#define FN(a, l) DX_F(a, l, DX_FT_NONE, DX_BASE_NONE)
#define FU8(a, l) DX_F(a, l, DX_FT_UINT8, DX_BASE_DEC)
#define FU16(a, l) DX_F(a, l, DX_FT_UINT16, DX_BASE_DEC)
#define FU24(a, l) DX_F(a, l, DX_FT_UINT24, DX_BASE_DEC)
#define FU32(a, l) DX_F(a, l, DX_FT_UINT32, DX_BASE_DEC)
#define FU64Q(a, l) DX_F(TLSF_P "quic.parameter." a, l, DX_FT_UINT64, DX_BASE_DEC)

/* RFC 5764 4.1.2 */
static const dx_vals srtp_vals[] = {{1, "SRTP_AES128_CM_HMAC_SHA1_80"},
                                    {2, "SRTP_AES128_CM_HMAC_SHA1_32"},
                                    {5, "SRTP_NULL_HMAC_SHA1_80"},
                                    {6, "SRTP_NULL_HMAC_SHA1_32"},
                                    {7, "SRTP_AEAD_AES_128_GCM"},
                                    {8, "SRTP_AEAD_AES_256_GCM"},
                                    {0, NULL}};

/* The TLS fields, and the same under DTLS's names (tshark's ssl-utils
 * common fields, "dtls." for "tls.") with DTLS's own after them. */
#define TLSF_PROTO "tls"
#define TLSF_LABEL "Transport Layer Security"
#define TLSF_P "tls."
static const dx_field tls_fields[] = {
#include "tls_fields.inc"
};
#undef TLSF_PROTO
#undef TLSF_LABEL
#undef TLSF_P
#define TLSF_PROTO "dtls"
#define TLSF_LABEL "Datagram Transport Layer Security"
#define TLSF_P "dtls."
const dx_field dx_dtls_fields[F_DTLS_NFIELDS] = {
#include "tls_fields.inc"
    [F_D_EPOCH] = FU16("dtls.record.epoch", "Epoch"),
    [F_D_SEQ] = DX_F("dtls.record.sequence_number", "Sequence Number", DX_FT_UINT64, DX_BASE_DEC),
    [F_D_MSGSEQ] = FU16("dtls.handshake.message_seq", "Message Sequence"),
    [F_D_FRAGOFF] = FU24("dtls.handshake.fragment_offset", "Fragment Offset"),
    [F_D_FRAGLEN] = FU24("dtls.handshake.fragment_length", "Fragment Length"),
    [F_D_COOKIE_LEN] = FU8("dtls.handshake.cookie_length", "Cookie Length"),
    [F_D_COOKIE] = FB("dtls.handshake.cookie", "Cookie"),
    [F_D_FRAGMENTS] = FN("dtls.fragments", "Message fragments"),
    [F_D_FRAGMENT] = DX_F("dtls.fragment", "Message fragment", DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_D_FRAG_COUNT] = FU32("dtls.fragment.count", "Message fragment count"),
    [F_D_SRTP_LEN] =
        FU16("dtls.use_srtp.protection_profiles_length", "SRTP Protection Profiles Length"),
    [F_D_SRTP] = DX_FV("dtls.use_srtp.protection_profile", "SRTP Protection Profile", DX_FT_UINT16,
                       DX_BASE_HEX, srtp_vals),
    [F_D_MKI_LEN] = FU8("dtls.use_srtp.mki_length", "MKI Length"),
    [F_D_MKI] = FB("dtls.use_srtp.mki", "MKI"),
};
#undef TLSF_PROTO
#undef TLSF_LABEL
#undef TLSF_P

#define FL(i) (&tls_fields[(i)])
/* a field in the table of the dissection at hand (TLS's or DTLS's) */
#define XF(i) (&x->fl[(i)])
#define CF(c, i) (&(c)->fl[(i)])

static const uint8_t hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

/* ---- per-connection state -------------------------------------------- */
typedef struct tls_dir {
  bool encrypted;  /* after ChangeCipherSpec (TLS <= 1.2) or ServerHello (1.3) */
  uint8_t *hs_buf; /* a handshake message cut by the end of a record */
  uint32_t hs_len, hs_cap;
  uint32_t hs_need; /* total message size (header included), 0 if header incomplete */
} tls_dir;

/* Why a direction's records are not decrypted (shown on each such record). */
enum {
  WHY_NONE = 0,
  WHY_NO_KEYLOG, /* no key log and no RSA key given */
  WHY_NO_KEY,    /* no secret for this client random */
  WHY_MIDSTREAM, /* the handshake is not in the capture */
  WHY_SUITE,     /* cipher suite not supported */
  WHY_FAILED,    /* key derivation failed */
  WHY_EARLY,     /* 0-RTT data without the client's early traffic secret */
  WHY_EARLY_SKIP /* the same, found by trial decryption with the handshake keys */
};

/* Decryption state of one direction (RFC 5246 6.1 connection states;
 * RFC 8446 7.3 traffic keys). */
typedef struct tls_keys {
  dx_tls_dec *dec;  /* current read state, NULL if none */
  dx_tls_dec *next; /* TLS <= 1.2: pending state, active after ChangeCipherSpec */
  dx_tls_dec *hs;   /* TLS 1.3 client: handshake keys while early data is read */
  int why;          /* WHY_* when dec is NULL */
  uint8_t epoch;    /* TLS 1.3: 0 none, 1 early, 2 handshake, 3 application */
  /* Resynchronising after lost records (try_decrypt): records that failed
   * since the last that opened, and how many more must fail before the
   * next search (doubled after each search that finds nothing). */
  uint32_t fails, resync_wait;
} tls_keys;

typedef struct tls_conv {
  /* The handshake rides in QUIC CRYPTO frames (RFC 9001 4): no records,
   * QUIC derives and uses the keys (quic.c); a ClientHello seen here is a
   * QUIC client's (JA4 "q"). */
  bool quic;
  bool quic_old_tp; /* QUIC transport parameters of drafts before 27 */
  uint16_t version; /* negotiated (from the ServerHello), 0 until then */
  /* Without a ServerHello: the version of the first record that tshark
   * 4.0 takes as authoritative (ssl_try_set_version: any valid record but
   * a ClientHello), which decides, as the negotiated one, how bytes that
   * are no record header are shown (session_version()) */
  uint16_t rec_version;
  /* tshark 4.0 took the connection for SSLv2 (an SSLv2-looking record of
   * message type 2 to 8 where no version was known): every record after
   * is an SSLv2 record for it (ssl2_record()) */
  bool sslv2;
  uint16_t suite;
  bool have_suite, tls13, hrr, note_done, seen_record;
  bool client_ccs; /* the client's ChangeCipherSpec seen (TLS <= 1.2) */
  bool client_kx;  /* a ClientKeyExchange seen: TLS <= 1.2, whatever the hellos showed */
  int client_dir;  /* direction the ClientHello came from, -1 unknown */
  char alpn[32];
  char alpn_offered[32]; /* the first protocol the ClientHello offered */
  uint64_t info_frame;   /* frame number + 1 whose Info column we started */
  tls_dir dir[2];
  /* decryption */
  uint8_t crandom[32], srandom[32];
  bool have_crandom, have_srandom, etm, ems, early_offered, keys_tried;
  bool early13;          /* 0-RTT keys: the client speaks TLS 1.3 before the ServerHello */
  bool client_hs_opened; /* a client record opened with its handshake keys */
  uint8_t ms[48];
  bool have_ms;
  tls_keys keys[2]; /* by sender: [0] client, [1] server */
  dx_stream *inner; /* decrypted application data, once there is some */
  /* TLS <= 1.2 resumption (RFC 5246 7.3, RFC 5077): the session ids of the
   * hellos, and a digest of the ticket the client offered / was given */
  uint8_t ch_sid[32], sh_sid[32], ch_ticket[32], nst_ticket[32];
  uint8_t ch_sid_len, sh_sid_len;
  bool have_ch_ticket, have_nst_ticket;
  /* the session's stream byte budget, which handshake buffers count against */
  uint64_t *budget, budget_max;
  EVP_MD_CTX *transcript[2]; /* SHA-256, SHA-384 of the handshake (RSA + EMS) */
  dx_trust_conn trust;       /* the SNI, for the trust verdict (analysis/trust.h) */
} tls_conv;

/* Per session: master secrets of the TLS <= 1.2 sessions seen (full
 * handshakes decrypted with a key log line or an RSA key), by session id
 * and by ticket digest, so an abbreviated handshake that resumes one is
 * decrypted even when the key log has no line for its client random. A
 * ring of TLS_CACHE entries: bounded memory, bounded scan per resumed
 * handshake (never per packet). */
#define TLS_CACHE 1024
enum { CACHE_SID = 1, CACHE_TICKET = 2 };
typedef struct tls_cached {
  uint8_t kind, klen;
  uint8_t key[32];
  uint8_t ms[48];
} tls_cached;
typedef struct tls_state {
  tls_cached e[TLS_CACHE];
  uint32_t next;
  uint32_t used; /* e[0, used) have been written (the ring fills from 0) */
} tls_state;

static void *tls_state_new(struct dx_session *s) {
  DX_UNUSED(s);
  return calloc(1, sizeof(tls_state));
}

static void tls_state_free(void *st) {
  if (st)
    OPENSSL_cleanse(st, sizeof(tls_state));
  free(st);
}

/* dx_session_reset(): the entries written are wiped, the 80 KiB table is
 * kept (not freed, made and zeroed again). */
static void tls_state_reset(void *v, struct dx_session *s) {
  DX_UNUSED(s);
  tls_state *st = v;
  OPENSSL_cleanse(st->e, st->used * sizeof st->e[0]);
  st->next = 0;
  st->used = 0;
}

static void keys_free(tls_keys *k) {
  dx_tls_dec_free(k->dec);
  if (k->next != k->dec)
    dx_tls_dec_free(k->next);
  if (k->hs != k->dec && k->hs != k->next)
    dx_tls_dec_free(k->hs);
  memset(k, 0, sizeof *k);
}

/* What a connection's state, and its decrypted stream, charge to the
 * session's byte budget. */
#define CONV_COST dx_heap_cost(sizeof(tls_conv))
#define INNER_COST dx_heap_cost(sizeof(dx_stream))

static void conv_free(void *data) {
  tls_conv *c = data;
  if (!c)
    return;
  for (int i = 0; i < 2; i++) {
    if (c->budget)
      *c->budget -= c->dir[i].hs_cap;
    free(c->dir[i].hs_buf);
    keys_free(&c->keys[i]);
    EVP_MD_CTX_free(c->transcript[i]);
  }
  if (c->inner) {
    dx_stream_free(c->inner);
    free(c->inner);
    dx_budget_give(c->budget, INNER_COST);
  }
  dx_budget_give(c->budget, CONV_COST);
  free(c);
}

static void conv_init(tls_conv *c) {
  memset(c, 0, sizeof *c);
  c->client_dir = -1;
}

static tls_conv *get_conv(dx_packet *p, tls_conv *tmp, bool create) {
  tls_conv *c = dx_app_data(p, conv_free);
  if (c)
    return c;
  uint64_t *budget = dx_packet_stream_budget(p);
  uint64_t max = dx_packet_config(p)->max_total_stream_bytes;
  if (dx_in_stream(p) && create && dx_budget_take(budget, max, CONV_COST)) {
    c = malloc(sizeof *c);
    if (c) {
      conv_init(c);
      c->budget = budget;
      c->budget_max = max;
      if (dx_app_data_set(p, c, conv_free))
        return c;
      free(c);
    }
    dx_budget_give(budget, CONV_COST);
  }
  conv_init(tmp);
  return tmp;
}

/* ---- dissection context ----------------------------------------------- */
typedef struct ctx {
  dx_packet *p;
  const dx_field *fl; /* tls_fields, or dx_dtls_fields for DTLS */
  tls_conv *c;
  int dir;          /* p->flow_dir */
  bool stateful;    /* c lives in the flow */
  uint16_t rec_ver; /* version of the record being dissected */
  unsigned nmsgs;   /* handshake messages in the current record */
  const char *first_msg;
  char sni[128];
  bool sni_set;
  dx_node *tls;    /* this frame's TLS layer */
  dx_node *parent; /* where the layers above TLS go */
  bool app_cols;   /* a protocol inside TLS wrote the columns of this frame */
  bool early_data; /* a 0-RTT record was in this frame: the frame is TLS 1.3's */
  bool early_rec;  /* any record of the client before a ServerHello with 0-RTT offered */
  bool decrypted;  /* the record being dissected was decrypted */
  /* The handshake messages came in QUIC CRYPTO frames, not TLS records:
   * the ClientHello's JA4 starts with 'q' instead of 't'. Set by whoever
   * hands QUIC's CRYPTO data to this parser. */
  bool quic;
  /* DTLS (RFC 6347 4.2): the messages have DTLS's 12-byte header, the
   * ClientHello a cookie; dtls.c writes the columns */
  bool dtls;
  bool stop; /* an exception ended the TLS layer of this frame (tshark's) */
  /* the first stapled OCSP response of the message being read (the
   * server's certificate's): the trust layer matches it to the chain */
  const uint8_t *stapled;
  uint32_t stapled_len;
} ctx;

extern const dx_protocol dx_proto_tls;
static void tls13_handshake_keys(ctx *x);
static void rsa_premaster(ctx *x, const uint8_t *enc, uint32_t len);
static void psk_premaster(ctx *x);
static void master_from_premaster(ctx *x, const dx_tls_suite *cs, const uint8_t *pms, size_t pl);
static void cache_session(ctx *x);
static void ticket_digest(const uint8_t *b, uint32_t n, uint8_t out[32]);

/* The TLS 1.3 draft a version stands for (0x7fXX: draft XX; Facebook's
 * 0xfb17 and 0xfb1a: drafts 23 and 26), 0 for others. */
static uint8_t tls13_draft(uint16_t v) {
  if ((v >> 8) == 0x7f)
    return (uint8_t)v;
  return v == 0xfb17 ? 23 : v == 0xfb1a ? 26 : 0;
}

static const char *ver_short(uint16_t v) {
  switch (v) {
  case 0x0002: return "SSLv2";
  case 0x0300: return "SSLv3";
  case 0x0301: return "TLSv1";
  case 0x0302: return "TLSv1.1";
  case 0x0303: return "TLSv1.2";
  case 0x0304: return "TLSv1.3";
  default: return tls13_draft(v) ? "TLSv1.3" : "TLS";
  }
}

static void info_add(ctx *x, const char *fmt, ...) DX_PRINTF(2, 3);
static void info_add(ctx *x, const char *fmt, ...) {
  dx_packet *p = x->p;
  if (!p->want_columns || x->app_cols)
    return;
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  dx_vsnprintf(buf, sizeof buf, fmt, ap); /* (%s only: no call to the C library) */
  va_end(ap);
  if (x->c->info_frame != p->num + 1) {
    /* first TLS item of this frame: it replaces the TCP summary */
    x->c->info_frame = p->num + 1;
    dx_col_info_set(p, "%s", buf);
  } else {
    dx_col_info_append_sep(p, ", ", "%s", buf);
  }
  p->col_info_sep = true; /* tshark's TLS appends with a separator */
}

/* ---- a bounded cursor over one structure ------------------------------ */
typedef struct cur {
  const dx_field *fl; /* the fields' table (ctx.fl) */
  dx_packet *p;
  const dx_tvb *t;
  uint32_t off, end; /* end: exclusive limit of the structure */
  dx_node *owner;    /* node marked when the structure is short */
  bool fail;
} cur;

static cur cur_make(const dx_field *fl, dx_packet *p, const dx_tvb *t, uint32_t off, uint32_t end,
                    dx_node *owner) {
  cur c = {fl, p, t, off, end, owner, false};
  return c;
}

static uint32_t cur_left(const cur *c) {
  return c->end > c->off ? c->end - c->off : 0;
}

static bool cur_need(cur *c, uint32_t n, const char *what) {
  if (c->fail)
    return false;
  if (n <= cur_left(c) && dx_tvb_has(c->t, c->off, n))
    return true;
  c->fail = true;
  if (n <= cur_left(c))
    dx_mark_truncated(c->p, c->owner, what);
  else
    dx_mark_malformed(c->p, c->owner, "%s: %u byte%s needed, only %u left in the message", what, n,
                      n == 1 ? "" : "s", cur_left(c));
  return false;
}

static uint64_t rd_uint(const dx_tvb *t, uint32_t off, unsigned n) {
  uint64_t v = 0;
  for (unsigned i = 0; i < n; i++) {
    uint8_t b = 0;
    dx_get_u8(t, off + i, &b);
    v = v << 8 | b;
  }
  return v;
}

/* Reads an n-byte integer field and adds it; NULL when short. */
static dx_node *cur_uint(cur *c, dx_node *parent, int f, unsigned n, uint32_t *val) {
  if (!cur_need(c, n, c->fl[f].label))
    return NULL;
  uint32_t v = (uint32_t)rd_uint(c->t, c->off, n);
  dx_node *nd = dx_add_uint(c->p, parent, CF(c, f), c->t, c->off, n, v);
  c->off += n;
  if (val)
    *val = v;
  return nd;
}

static dx_node *cur_bytes(cur *c, dx_node *parent, int f, uint32_t n) {
  if (!cur_need(c, n, c->fl[f].label))
    return NULL;
  dx_node *nd = dx_add_bytes(c->p, parent, CF(c, f), c->t, c->off, n);
  c->off += n;
  return nd;
}

/* Reads a vector length (n bytes) and returns a cursor over the vector;
 * a length that overruns the structure is malformed. */
static bool cur_vec(cur *c, dx_node *parent, int f, unsigned n, cur *out, dx_node **lnode) {
  uint32_t len = 0;
  if (lnode)
    *lnode = NULL;
  if (!c->fail && cur_left(c) < n) {
    /* as tshark's ssl_add_vector(): the structure ends before the length
     * (an item and its expert error; no exception) */
    dx_node *e = dx_add_none(c->p, parent, CF(c, F_MALFORMED_TOOSMALL), c->t, c->off, cur_left(c));
    dx_node_set_text(c->p, e, "No more room for vector of length %u", n);
    dx_expert(c->p, e, dx_field_expert(), DX_SEV_ERROR, "No more room for vector of length %u", n);
    c->fail = true;
    return false;
  }
  dx_node *ln = cur_uint(c, parent, f, n, &len);
  if (lnode)
    *lnode = ln;
  if (!ln)
    return false;
  if (len > cur_left(c)) {
    /* as tshark's ssl_add_vector(): an expert error under the length, and
     * the structure is not read further (no exception: the packet is not
     * "[Malformed Packet]") */
    dx_expert(c->p, ln, CF(c, F_MALFORMED_VECLEN), DX_SEV_ERROR,
              "Vector length %u is too large, truncating it to %u", len, cur_left(c));
    c->fail = true;
    return false;
  }
  *out = cur_make(c->fl, c->p, c->t, c->off, c->off + len, parent);
  c->off += len;
  return true;
}

/* A subtree spanning [off, off+len) with a custom label. */
static dx_node *subtree(cur *c, dx_node *parent, int f, uint32_t off, uint32_t len) {
  return dx_add_none(c->p, parent, CF(c, f), c->t, off, len);
}

/* ---- extensions ------------------------------------------------------ */
enum {
  HS_CLIENT_HELLO = 1,
  HS_SERVER_HELLO = 2,
  HS_NST = 4,
  HS_EE = 8,
  HS_CERT = 11,
  HS_SKE = 12,
  HS_CR = 13,
  HS_SHD = 14,
  HS_CV = 15,
  HS_CKE = 16,
  HS_FINISHED = 20,
  HS_CERT_STATUS = 22,
  HS_HELLO_VERIFY = 3,
  HS_KEY_UPDATE = 24
};

static void add_sigalg(cur *v, dx_node *parent) {
  uint32_t at = v->off;
  uint32_t a = 0;
  dx_node *n = cur_uint(v, parent, F_SIGALG, 2, &a);
  if (!n)
    return;
  /* a scheme without a name: its hash and signature bytes named, as tshark
   * writes it ("Unknown SM2 (0x0904)", a GREASE value "Unknown Unknown") */
  if (!dx_val_name(dx_tls_sigalg_vals, a)) {
    const char *h = dx_val_name(hash_vals, a >> 8), *g = dx_val_name(sig_vals, a & 0xff);
    dx_node_set_text(v->p, n, "Signature Algorithm: %s %s (0x%04x)", h ? h : "Unknown",
                     g ? g : "Unknown", a);
  }
  dx_add_uint(v->p, n, CF(v, F_SIGHASH), v->t, at, 1, a >> 8);
  dx_add_uint(v->p, n, CF(v, F_SIGSIG), v->t, at + 1, 1, a & 0xff);
}

static void ext_server_name(ctx *x, cur *e, dx_node *en, int hs) {
  if (cur_left(e) == 0)
    return; /* ServerHello echoes an empty server_name */
  DX_UNUSED(hs);
  dx_node *sub = subtree(e, en, F_SNI_EXT, e->off, cur_left(e));
  if (sub)
    en = sub;
  cur l;
  if (!cur_vec(e, en, F_SNI_LISTLEN, 2, &l, NULL))
    return;
  for (unsigned i = 0; cur_left(&l) && !l.fail && i < 64; i++) {
    uint32_t type = 0, nlen = 0;
    if (!cur_uint(&l, en, F_SNI_TYPE, 1, &type))
      break;
    cur nm;
    if (!cur_vec(&l, en, F_SNI_LEN, 2, &nm, NULL))
      break;
    nlen = cur_left(&nm);
    const uint8_t *s = dx_get_ptr(nm.t, nm.off, nlen);
    if (!s) {
      dx_mark_truncated(x->p, en, "server name");
      break;
    }
    dx_add_string(x->p, en, XF(F_SNI), nm.t, nm.off, nlen, (const char *)s, nlen);
    if (type == 0 && hs == HS_CLIENT_HELLO)
      dx_trust_sni(&x->c->trust, s, nlen);
    if (type == 0 && !x->sni_set) {
      dx_escape(s, nlen, x->sni, sizeof x->sni);
      x->sni_set = true;
    }
  }
}

static void ext_groups(cur *e, dx_node *en) {
  cur v;
  if (!cur_vec(e, en, F_GROUPS_LEN, 2, &v, NULL))
    return;
  uint32_t n = cur_left(&v) / 2;
  dx_node *g = subtree(&v, en, F_GROUPS, v.off, cur_left(&v));
  dx_node_set_text(v.p, g, "Supported Groups (%u group%s)", n, n == 1 ? "" : "s");
  v.owner = g;
  while (cur_left(&v) >= 2 && !v.fail)
    cur_uint(&v, g, F_GROUP, 2, NULL);
  if (cur_left(&v))
    dx_mark_malformed(v.p, g, "Odd length of the supported groups list");
}

static void ext_ec_point_formats(cur *e, dx_node *en) {
  cur v;
  if (!cur_vec(e, en, F_ECPF_LEN, 1, &v, NULL))
    return;
  dx_node *g = subtree(&v, en, F_ECPFS, v.off, cur_left(&v));
  dx_node_set_text(v.p, g, "Elliptic curves point formats (%u)", cur_left(&v));
  v.owner = g;
  while (cur_left(&v) && !v.fail)
    cur_uint(&v, g, F_ECPF, 1, NULL);
}

static void sigalg_list(cur *e, dx_node *en) {
  cur v;
  if (!cur_vec(e, en, F_SIGALGS_LEN, 2, &v, NULL))
    return;
  uint32_t n = cur_left(&v) / 2;
  dx_node *g = subtree(&v, en, F_SIGALGS, v.off, cur_left(&v));
  dx_node_set_text(v.p, g, "Signature Hash Algorithms (%u algorithm%s)", n, n == 1 ? "" : "s");
  v.owner = g;
  while (cur_left(&v) >= 2 && !v.fail)
    add_sigalg(&v, g);
  if (cur_left(&v))
    dx_mark_malformed(v.p, g, "Odd length of the signature algorithms list");
}

/* One protocol name of a list (ALPN, ALPS, NPN): its 1-byte length (field
 * flen) and its string (fstr) under g; false at the list's end or a cut. */
static bool proto_name(ctx *x, cur *v, dx_node *g, int flen, int fstr, const uint8_t **str,
                       uint32_t *n) {
  cur s;
  if (!cur_left(v) || v->fail || !cur_vec(v, g, flen, 1, &s, NULL))
    return false;
  *n = cur_left(&s);
  *str = dx_get_ptr(s.t, s.off, *n);
  if (!*str)
    return false;
  dx_add_string(x->p, g, XF(fstr), s.t, s.off, *n, (const char *)*str, *n);
  return true;
}

static void ext_alpn(ctx *x, cur *e, dx_node *en, int hs) {
  cur v;
  if (!cur_vec(e, en, F_ALPN_LEN, 2, &v, NULL))
    return;
  dx_node *g = subtree(&v, en, F_ALPN_LIST, v.off, cur_left(&v));
  v.owner = g;
  const uint8_t *str;
  uint32_t n;
  for (unsigned i = 0; i < 256 && proto_name(x, &v, g, F_ALPN_STRLEN, F_ALPN_STR, &str, &n); i++) {
    if (hs == HS_SERVER_HELLO || hs == HS_EE) {
      size_t k = n < sizeof x->c->alpn - 1 ? n : sizeof x->c->alpn - 1;
      memcpy(x->c->alpn, str, k);
      x->c->alpn[k] = 0;
    } else if (hs == HS_CLIENT_HELLO && i == 0) {
      size_t k = n < sizeof x->c->alpn_offered - 1 ? n : sizeof x->c->alpn_offered - 1;
      memcpy(x->c->alpn_offered, str, k);
      x->c->alpn_offered[k] = 0;
    }
  }
}

static void ext_supported_versions(ctx *x, cur *e, dx_node *en, int hs) {
  if (hs == HS_CLIENT_HELLO) {
    cur v;
    if (!cur_vec(e, en, F_SV_LEN, 1, &v, NULL))
      return;
    v.owner = en;
    while (cur_left(&v) >= 2 && !v.fail)
      cur_uint(&v, en, F_SV, 2, NULL);
    if (cur_left(&v))
      dx_mark_malformed(x->p, en, "Odd length of the supported versions list");
    return;
  }
  uint32_t sel = 0;
  if (cur_uint(e, en, F_SV, 2, &sel) && hs == HS_SERVER_HELLO)
    x->c->version = (uint16_t)sel; /* the negotiated version (RFC 8446 4.2.1) */
}

static void key_share_entry(ctx *x, cur *v, dx_node *parent) {
  uint32_t start = v->off;
  dx_node *ent = subtree(v, parent, F_KS_ENTRY, start, 0);
  uint32_t group = 0, klen = 0;
  if (!cur_uint(v, ent, F_KS_GROUP, 2, &group))
    return;
  cur k;
  dx_node *kl = NULL;
  if (!cur_vec(v, ent, F_KS_KXLEN, 2, &k, &kl))
    return;
  klen = cur_left(&k);
  if (klen)
    dx_add_bytes(x->p, ent, XF(F_KS_KX), k.t, k.off, klen);
  dx_node_set_len(ent, v->off - start);
  const char *gn = dx_val_name(dx_tls_group_vals, group);
  char unk[16];
  if (!gn) {
    snprintf(unk, sizeof unk, "Unknown (%u)", group);
    gn = unk;
  }
  dx_node_set_text(x->p, ent, "Key Share Entry: Group: %s, Key Exchange length: %u", gn, klen);
}

static void ext_key_share(ctx *x, cur *e, dx_node *en, int hs, bool hrr) {
  dx_node *sub = subtree(e, en, F_KS_EXT, e->off, cur_left(e));
  if (sub)
    en = sub;
  if (hs == HS_CLIENT_HELLO) {
    cur v;
    if (!cur_vec(e, en, F_KS_CLEN, 2, &v, NULL))
      return;
    v.owner = en;
    for (unsigned i = 0; cur_left(&v) && !v.fail && i < 256; i++)
      key_share_entry(x, &v, en);
    return;
  }
  if (hrr) {
    cur_uint(e, en, F_KS_SELGROUP, 2, NULL);
    return;
  }
  key_share_entry(x, e, en);
}

static void ext_psk(ctx *x, cur *e, dx_node *en, int hs) {
  /* as tshark: the fields in a "Pre-Shared Key extension" subtree, each
   * identity in a "PSK Identity (length: N)" one */
  en = subtree(e, en, F_PSK_EXT, e->off, cur_left(e));
  e->owner = en;
  if (hs != HS_CLIENT_HELLO) {
    cur_uint(e, en, F_PSK_SELECTED, 2, NULL);
    return;
  }
  cur ids;
  if (!cur_vec(e, en, F_PSK_IDSLEN, 2, &ids, NULL))
    return;
  ids.owner = en;
  for (unsigned i = 0; cur_left(&ids) && !ids.fail && i < 64; i++) {
    uint16_t idl = 0;
    dx_get_u16(ids.t, ids.off, &idl);
    uint32_t span = cur_left(&ids) < 2u + idl + 4u ? cur_left(&ids) : 2u + idl + 4u;
    dx_node *in = subtree(&ids, en, F_PSK_IDENTITY, ids.off, span);
    dx_node_set_text(x->p, in, "PSK Identity (length: %u)", idl);
    ids.owner = in;
    cur id;
    if (!cur_vec(&ids, in, F_PSK_IDLEN, 2, &id, NULL))
      break;
    if (cur_left(&id))
      dx_add_bytes(x->p, in, XF(F_PSK_ID), id.t, id.off, cur_left(&id));
    cur_uint(&ids, in, F_PSK_AGE, 4, NULL);
    ids.owner = en;
  }
  cur b;
  if (!cur_vec(e, en, F_PSK_BINDERSLEN, 2, &b, NULL))
    return;
  dx_node *bn = subtree(&b, en, F_PSK_BINDERS, b.off, cur_left(&b));
  dx_node_set_text(x->p, bn, "PSK Binders");
  b.owner = bn;
  for (unsigned i = 0; cur_left(&b) && !b.fail && i < 64; i++) {
    cur one;
    if (!cur_vec(&b, bn, F_PSK_BINDERLEN, 1, &one, NULL))
      break;
    if (cur_left(&one))
      dx_add_bytes(x->p, bn, XF(F_PSK_BINDER), one.t, one.off, cur_left(&one));
  }
}

/* application_settings (ALPS, draft-vvv-tls-alps-01 4), as tshark 4.0: the
 * client's list of protocols, the server's opaque settings. */
static void ext_alps(ctx *x, cur *e, dx_node *en, int hs) {
  if (hs == HS_EE) {
    if (cur_left(e))
      cur_bytes(e, en, F_ALPS_SETTINGS, cur_left(e));
    return;
  }
  if (hs != HS_CLIENT_HELLO)
    return;
  cur v;
  if (!cur_vec(e, en, F_ALPS_LEN, 2, &v, NULL))
    return;
  dx_node *g = subtree(&v, en, F_ALPS_LIST, v.off, cur_left(&v));
  v.owner = g;
  const uint8_t *str;
  uint32_t n;
  for (unsigned i = 0; i < 256; i++)
    if (!proto_name(x, &v, g, F_ALPS_STRLEN, F_ALPS_STR, &str, &n))
      break;
}

static void ext_status_request(cur *e, dx_node *en) {
  if (cur_left(e) == 0)
    return; /* the server's empty acknowledgement */
  uint32_t type = 0;
  if (!cur_uint(e, en, F_SR_TYPE, 1, &type) || type != 1)
    return;
  cur v;
  if (cur_vec(e, en, F_SR_RIDLEN, 2, &v, NULL))
    cur_vec(e, en, F_SR_EXTLEN, 2, &v, NULL);
}

static bool short_vec(cur *m, dx_node *parent, int flen, int f);

/* use_srtp (RFC 5764 4.1.1): protection profiles, then the MKI */
static void ext_use_srtp(cur *e, dx_node *en) {
  cur v;
  if (!cur_vec(e, en, F_D_SRTP_LEN, 2, &v, NULL))
    return;
  while (cur_left(&v) >= 2 && !v.fail)
    cur_uint(&v, en, F_D_SRTP, 2, NULL);
  short_vec(e, en, F_D_MKI_LEN, F_D_MKI);
}

static void ext_psk_modes(cur *e, dx_node *en) {
  cur v;
  if (!cur_vec(e, en, F_PSKKE_LEN, 1, &v, NULL))
    return;
  v.owner = en;
  while (cur_left(&v) && !v.fail)
    cur_uint(&v, en, F_PSKKE, 1, NULL);
}

/* Dissects the extensions block at the cursor (the 2-byte total length
 * included). */
/* A QUIC variable-length integer (RFC 9000 16) at c->off; false if short. */
static bool cur_varint(cur *c, uint64_t *v, uint32_t *n) {
  uint8_t b0 = 0;
  if (c->off >= c->end || !dx_get_u8(c->t, c->off, &b0))
    return false;
  uint32_t len = 1u << (b0 >> 6);
  if (len > c->end - c->off || !dx_tvb_has(c->t, c->off, len))
    return false;
  uint64_t r = b0 & 0x3f;
  for (uint32_t i = 1; i < len; i++) {
    uint8_t b = 0;
    dx_get_u8(c->t, c->off + i, &b);
    r = r << 8 | b;
  }
  *v = r;
  *n = len;
  return true;
}

/* quic_transport_parameters (RFC 9001 8.2, RFC 9000 18): a list of
 * (varint id, varint length, value). */
/* A reserved (GREASE) transport parameter id: 31 * N + 27 (RFC 9000 18.1),
 * as tshark's IS_GREASE_QUIC tells them. */
static bool qtp_grease(uint64_t id) {
  return id > 27 && (id - 27) % 31 == 0;
}

/* A QUIC version of a Google transport parameter, named as tshark names it. */
static void google_version(dx_packet *p, dx_node *pn, int f, const dx_tvb *t, uint32_t off) {
  uint32_t ver = 0;
  dx_node *vn = dx_add_item(p, pn, FL(f), t, off, 4);
  if (dx_get_u32(t, off, &ver))
    dx_node_set_text(p, vn, "%s: %s (0x%08x)", FL(f)->label, dx_quic_version_name(ver), ver);
}

static void ext_quic_tp(ctx *x, cur *e, dx_node *en, int hs) {
  dx_packet *p = x->p;
  bool old = x->c && x->c->quic_old_tp;
  if (old) { /* drafts before 27: the parameters' length first */
    uint16_t all = 0;
    if (!dx_get_u16(e->t, e->off, &all) || cur_left(e) < 2) {
      dx_mark_truncated(p, en, "transport parameters length");
      e->off = e->end;
      return;
    }
    dx_add_uint(p, en, XF(F_QTP_LEN), e->t, e->off, 2, all);
    e->off += 2;
    if (all < cur_left(e))
      e->end = e->off + all;
  }
  for (unsigned i = 0; cur_left(e) && i < 256; i++) {
    uint32_t start = e->off, n1 = 0, n2 = 0;
    uint64_t type = 0, len = 0;
    cur h = *e;
    if (old) { /* 2-byte id and length */
      uint16_t ty16 = 0, ln16 = 0;
      if (!dx_get_u16(e->t, e->off, &ty16) || cur_left(e) < 2) {
        dx_mark_truncated(p, en, "transport parameter id");
        e->off = e->end;
        return;
      }
      type = ty16;
      n1 = 2;
      if (!dx_get_u16(e->t, e->off + 2, &ln16) || cur_left(e) < 4 || ln16 > cur_left(e) - 4) {
        dx_node *pn = dx_add_none(p, en, XF(F_QTP), e->t, start, e->end - start);
        dx_mark_truncated(p, pn, "transport parameter length");
        e->off = e->end;
        return;
      }
      len = ln16;
      n2 = 2;
    } else if (!cur_varint(&h, &type, &n1)) {
      dx_mark_truncated(p, en, "transport parameter id");
      e->off = e->end;
      return;
    }
    h.off += n1;
    if (!old && (!cur_varint(&h, &len, &n2) || len > e->end - h.off - n2)) {
      dx_node *pn = dx_add_none(p, en, XF(F_QTP), e->t, start, e->end - start);
      dx_mark_truncated(p, pn, "transport parameter length");
      e->off = e->end;
      return;
    }
    uint32_t voff = h.off + n2, vlen = (uint32_t)len;
    dx_node *pn = dx_add_none(p, en, XF(F_QTP), e->t, start, voff + vlen - start);
    const char *tn = dx_val_name(qtp_vals, type);
    dx_node *tyn = dx_add_uint(p, pn, XF(F_QTP_TYPE), e->t, start, n1, type);
    bool grease = qtp_grease(type);
    if (tn || grease)
      dx_node_set_text(p, tyn, "Type: %s (0x%02" PRIx64 ")", grease ? "GREASE" : tn, type);
    else
      dx_node_set_text(p, tyn, "Type: Unknown (0x%02" PRIx64 ")", type);
    dx_add_uint(p, pn, XF(old ? F_QTP_LEN_OLD : F_QTP_LEN1), e->t, start + n1, n2, len);
    if (vlen)
      dx_add_bytes(p, pn, XF(F_QTP_VAL), e->t, voff, vlen);
    else {
      dx_node *vn = dx_add_none(p, pn, XF(F_QTP_VAL), e->t, voff, 0);
      dx_node_set_text(p, vn, "Value: <MISSING>");
    }
    cur v = cur_make(x->fl, p, e->t, voff, voff + vlen, pn);
    uint64_t num = 0;
    uint32_t nn = 0;
    int vf = -1;
    switch (type) {
    case 0x01: vf = F_QTP_IDLE; break;
    case 0x03: vf = F_QTP_MAXUDP; break;
    case 0x04: vf = F_QTP_IMD; break;
    case 0x05: vf = F_QTP_IMSD_BL; break;
    case 0x06: vf = F_QTP_IMSD_BR; break;
    case 0x07: vf = F_QTP_IMSD_UNI; break;
    case 0x08: vf = F_QTP_IMS_BIDI; break;
    case 0x09: vf = F_QTP_IMS_UNI; break;
    case 0x0a: vf = F_QTP_ADE; break;
    case 0x0b: vf = F_QTP_MAD; break;
    case 0x0e: vf = F_QTP_ACIL; break;
    case 0x20: vf = F_QTP_MAXDG; break;
    case 0xde1a:
    case 0xff02de1a:
    case 0xff03de1a:
    case 0xff04de1a: vf = F_QTP_MINACK; break;
    case 0x00:
      dx_add_bytes(p, pn, XF(F_QTP_ODCID), e->t, voff, vlen); /* empty: <MISSING> */
      break;
    case 0x02:
      if (vlen)
        dx_add_bytes(p, pn, XF(F_QTP_SRT), e->t, voff, vlen);
      break;
    case 0x0f:
      dx_add_bytes(p, pn, XF(F_QTP_ISCID), e->t, voff, vlen); /* empty: <MISSING> */
      break;
    case 0x10:
      dx_add_bytes(p, pn, XF(F_QTP_RSCID), e->t, voff, vlen); /* empty: <MISSING> */
      break;
    case 0x0d: { /* preferred_address (RFC 9000 18.2) */
      uint8_t cl = 0;
      dx_add_item(p, pn, XF(F_QTP_PA_V4), e->t, voff, 4);
      dx_add_item(p, pn, XF(F_QTP_PA_V4PORT), e->t, voff + 4, 2);
      dx_add_item(p, pn, XF(F_QTP_PA_V6), e->t, voff + 6, 16);
      dx_add_item(p, pn, XF(F_QTP_PA_V6PORT), e->t, voff + 22, 2);
      if (vlen >= 25 && dx_get_u8(e->t, voff + 24, &cl)) {
        dx_add_item(p, pn, XF(F_QTP_PA_CIDLEN), e->t, voff + 24, 1);
        if (cl && 25u + cl <= vlen)
          dx_add_bytes(p, pn, XF(F_QTP_PA_CID), e->t, voff + 25, cl);
        if (25u + cl + 16 <= vlen)
          dx_add_bytes(p, pn, XF(F_QTP_PA_SRT), e->t, voff + 25 + cl, 16);
      }
      break;
    }
    case 0x11: /* version_information (RFC 9368 3) */
      if (vlen >= 4) {
        for (uint32_t o = 0; o + 4 <= vlen; o += 4) {
          dx_node *vn =
              dx_add_item(p, pn, XF(o ? F_QTP_VI_OTHER : F_QTP_VI_CHOSEN), e->t, voff + o, 4);
          uint32_t ver = 0;
          if (dx_get_u32(e->t, voff + o, &ver)) /* as tshark: named, GREASE said */
            dx_node_set_text(p, vn, "%s: %s (0x%08x)%s", o ? "Other Version" : "Chosen Version",
                             dx_quic_version_name(ver), ver,
                             (ver & 0x0f0f0f0fu) == 0x0a0a0a0au ? " (GREASE)" : "");
        }
      }
      break;
    case 0x7158: { /* enable_time_stamp_v2: the value, not repeated on the parameter's line */
      uint64_t ts = 0;
      uint32_t tn2 = 0;
      if (cur_varint(&v, &ts, &tn2))
        dx_add_uint(p, pn, XF(F_QTP_TSV2), e->t, voff, tn2, ts);
      break;
    }
    case 0x3128: /* google_connection_options */
      dx_add_bytes(p, pn, XF(F_QTP_GOOGLE_CONNOPT), e->t, voff, vlen);
      break;
    /* Google's parameters, as tshark 4.0 shows them */
    case 0x3127: vf = F_QTP_GOOGLE_RTT; break; /* google_initial_rtt, in microseconds */
    case 0x3129:                               /* google_user_agent */
      if (vlen)
        dx_add_item(p, pn, XF(F_QTP_GOOGLE_UA), e->t, voff, vlen);
      break;
    case 0x312a: /* google_support_handshake_done */
      dx_add_none(p, pn, XF(F_QTP_GOOGLE_HSDONE), e->t, voff, 0);
      break;
    case 0x312b: /* google_key_update_not_yet_supported */
      dx_add_none(p, pn, XF(F_QTP_GOOGLE_KUNS), e->t, voff, 0);
      break;
    case 0x4751: /* google_quic_params */
      if (vlen)
        dx_add_bytes(p, pn, XF(F_QTP_GOOGLE_PARAMS), e->t, voff, vlen);
      break;
    case 0x4752: /* google_quic_version: the version, and the server's list */
      if (vlen >= 4) {
        google_version(p, pn, F_QTP_GOOGLE_VERSION, e->t, voff);
        uint8_t n = 0;
        if (hs == HS_EE && vlen >= 5 && dx_get_u8(e->t, voff + 4, &n)) {
          dx_add_item(p, pn, XF(F_QTP_GOOGLE_SVLEN), e->t, voff + 4, 1);
          for (uint32_t k = 0; k < n / 4u && 5 + 4 * k + 4 <= vlen; k++)
            google_version(p, pn, F_QTP_GOOGLE_SV, e->t, voff + 5 + 4 * k);
        }
      }
      break;
    default: break;
    }
    char val[48] = "";
    if (vf >= 0) {
      if (cur_varint(&v, &num, &nn)) {
        dx_add_uint(p, pn, XF(vf), e->t, voff, nn, num);
        if (type != 0x0a) /* (ack_delay_exponent: no value in the label, as tshark 4.0) */
          snprintf(val, sizeof val, " %" PRIu64 "%s", num,
                   type == 0x01     ? " ms" /* max_ack_delay: none, as tshark 4.0 */
                   : type == 0x3127 ? " us"
                                    : "");
      } else {
        dx_mark_malformed(p, pn, "transport parameter value is not a variable-length integer");
      }
    }
    if (grease)
      dx_node_set_text(p, pn, "Parameter: GREASE (len=%u)", vlen);
    else if (tn)
      dx_node_set_text(p, pn, "Parameter: %s (len=%u)%s", tn, vlen, val);
    else
      dx_node_set_text(p, pn, "Parameter: Unknown 0x%02" PRIx64 " (len=%u)", type, vlen);
    e->off = voff + vlen;
  }
}

static void certificate_status(ctx *x, cur *m, dx_node *hs);

static void extensions(ctx *x, cur *m, dx_node *parent, int hs, bool hrr) {
  if (cur_left(m) == 0)
    return; /* no extensions (allowed before TLS 1.3) */
  cur all;
  if (!cur_vec(m, parent, F_EXTSLEN, 2, &all, NULL))
    return;
  all.owner = parent;
  for (unsigned i = 0; cur_left(&all) && !all.fail && i < 1024; i++) {
    uint32_t start = all.off, type = 0, len = 0;
    if (!cur_need(&all, 4, "Extension header"))
      break;
    type = (uint32_t)rd_uint(all.t, start, 2);
    len = (uint32_t)rd_uint(all.t, start + 2, 2);
    if (4 + len > (m->end > start ? m->end - start : 0)) {
      /* past the end of the message, not only of the extensions: tshark
       * 4.0 fails on the extension's item (an exception) and shows
       * neither it nor its type */
      all.fail = true;
      dx_mark_malformed(x->p, parent, "Extension of %u bytes runs past the end of the message",
                        len);
      break;
    }
    dx_node *en = subtree(&all, parent, F_EXT, start, 4 + len);
    const char *tn = dx_val_name(dx_tls_ext_vals, type);
    if (tn)
      dx_node_set_text(x->p, en, "Extension: %s (len=%u)", tn, len);
    else
      dx_node_set_text(x->p, en, "Extension: Unknown type %u (len=%u)", type, len);
    cur_uint(&all, en, F_EXTTYPE, 2, NULL);
    cur e;
    all.owner = en;
    if (!cur_vec(&all, en, F_EXTLEN, 2, &e, NULL))
      break;
    all.owner = parent;
    e.owner = en;
    switch (type == 14 && !x->dtls ? 0xffffu : type) { /* use_srtp: DTLS's only */
    case 0: ext_server_name(x, &e, en, hs); break;
    case 14: ext_use_srtp(&e, en); break;
    case 1: cur_uint(&e, en, F_MFL, 1, NULL); break;
    case 5: /* (in a TLS 1.3 CertificateEntry: the stapled response) */
      if (hs == HS_CERT)
        certificate_status(x, &e, en);
      else
        ext_status_request(&e, en);
      break;
    case 10: ext_groups(&e, en); break;
    case 11: ext_ec_point_formats(&e, en); break;
    case 13:
    case 50: sigalg_list(&e, en); break;
    case 16: ext_alpn(x, &e, en, hs); break;
    case 57:
    case 0xffa5: ext_quic_tp(x, &e, en, hs); break;
    case 21:
      if (cur_left(&e))
        cur_bytes(&e, en, F_PADDING, cur_left(&e));
      break;
    case 28: cur_uint(&e, en, F_RSL, 2, NULL); break;
    case 35: /* session_ticket: opaque here, as tshark shows it (even empty) */
      if (hs == HS_CLIENT_HELLO && cur_left(&e) && x->stateful) {
        const uint8_t *tb = dx_get_ptr(e.t, e.off, cur_left(&e));
        if (tb) {
          ticket_digest(tb, cur_left(&e), x->c->ch_ticket);
          x->c->have_ch_ticket = true;
        }
      }
      {
        uint32_t dl = cur_left(&e);
        dx_node *dn = cur_bytes(&e, en, F_EXTDATA, dl);
        if (dn && dx_label_wanted(x->p, dn))
          dx_node_set_text(x->p, dn, "Data (%u byte%s)", dl, dl == 1 ? "" : "s");
      }
      break;
    case 41: ext_psk(x, &e, en, hs); break;
    case 17513: ext_alps(x, &e, en, hs); break;
    case 42:
      if (hs == HS_NST)
        cur_uint(&e, en, F_EARLY_MAX, 4, NULL);
      if (hs == HS_CLIENT_HELLO)
        x->c->early_offered = true;
      break;
    case 43: ext_supported_versions(x, &e, en, hs); break;
    case 44: {
      cur ck;
      if (cur_vec(&e, en, F_COOKIE_LEN, 2, &ck, NULL) && cur_left(&ck))
        dx_add_bytes(x->p, en, XF(F_COOKIE), ck.t, ck.off, cur_left(&ck));
      break;
    }
    case 45: ext_psk_modes(&e, en); break;
    case 40: /* key_share before draft 23 of TLS 1.3 */
    case 51: ext_key_share(x, &e, en, hs, hrr); break;
    case 0xff01: { /* in tshark's "Renegotiation Info extension" subtree */
      dx_node *sub = cur_left(&e) ? subtree(&e, en, F_RENEG_EXT, e.off, cur_left(&e)) : NULL;
      cur r;
      if (cur_vec(&e, sub ? sub : en, F_RENEG_LEN, 1, &r, NULL) && cur_left(&r))
        dx_add_bytes(x->p, sub ? sub : en, XF(F_RENEG), r.t, r.off, cur_left(&r));
      break;
    }
    case 22: /* encrypt_then_mac */
      if (hs == HS_SERVER_HELLO)
        x->c->etm = true;
      break;
    case 23: /* extended_master_secret */
      if (hs == HS_SERVER_HELLO)
        x->c->ems = true;
      break;
    case 49: /* post_handshake_auth */ break;
    case 18: /* signed_certificate_timestamp: empty in a ClientHello */
      if (cur_left(&e))
        cur_bytes(&e, en, F_EXTDATA, cur_left(&e));
      break;
    case 15: /* heartbeat (RFC 6520 2) */ cur_uint(&e, en, F_HEARTBEAT_MODE, 1, NULL); break;
    case 13172: { /* next_protocol_negotiation: the server's list (empty in a ClientHello) */
      const uint8_t *str;
      uint32_t n;
      for (unsigned i = 0; i < 256; i++)
        if (!proto_name(x, &e, en, F_NPN_STRLEN, F_NPN_STR, &str, &n))
          break;
      break;
    }
    case 27: { /* compress_certificate (RFC 8879 3) */
      cur al;
      if (cur_vec(&e, en, F_CCERT_ALGS_LEN, 1, &al, NULL))
        while (cur_left(&al) >= 2 && !al.fail)
          cur_uint(&al, en, F_CCERT_ALG, 2, NULL);
      break;
    }
    default:
      /* an empty one shows as tshark's "Data: <MISSING>" */
      cur_bytes(&e, en, F_EXTDATA, cur_left(&e));
      break;
    }
    if (!e.fail && cur_left(&e))
      dx_mark_malformed(x->p, en, "%u byte%s of undecoded data at the end of the extension",
                        cur_left(&e), cur_left(&e) == 1 ? "" : "s");
  }
}

/* ---- handshake messages ----------------------------------------------- */
static void random_field(cur *m, dx_node *parent, bool with_time) {
  uint32_t at = m->off;
  dx_node *r = cur_bytes(m, parent, F_RANDOM, 32);
  if (!r || !with_time)
    return;
  uint32_t t = (uint32_t)rd_uint(m->t, at, 4);
  dx_add_time(m->p, r, CF(m, F_RTIME), m->t, at, 4, t, 0);
  dx_add_bytes(m->p, r, CF(m, F_RBYTES), m->t, at + 4, 28);
}

/* An opaque vector with an 8-bit length: the session id, DTLS's cookie. */
static bool short_vec(cur *m, dx_node *parent, int flen, int f) {
  cur s;
  if (!cur_vec(m, parent, flen, 1, &s, NULL))
    return false;
  if (cur_left(&s))
    dx_add_bytes(m->p, parent, CF(m, f), s.t, s.off, cur_left(&s));
  return true;
}

static void session_id(cur *m, dx_node *parent) {
  short_vec(m, parent, F_SIDLEN, F_SID);
}

static void add_cipher_parts(ctx *x, dx_node *cs, const dx_tvb *t, uint32_t off, uint16_t suite) {
  dx_tls_cipher_info ci;
  if (!dx_tls_cipher_parts(suite, &ci))
    return;
  struct {
    int f;
    const char *v, *label, *text;
  } parts[4] = {{F_CIPHER_KX, ci.kx, "Key Exchange", ci.kx_text},
                {F_CIPHER_AUTH, ci.auth, "Authentication", ci.auth_text},
                {F_CIPHER_ENC, ci.enc, "Encryption", ci.enc_text},
                {F_CIPHER_MAC, ci.mac, "MAC", ci.mac_text}};
  for (int i = 0; i < 4; i++) {
    dx_node *n = dx_add_string(x->p, cs, XF(parts[i].f), t, off, 2, parts[i].v, strlen(parts[i].v));
    dx_node_set_flags(n, DX_NODE_GENERATED);
    dx_node_set_text(x->p, n, "%s: %s", parts[i].label, parts[i].text);
  }
}

/* ---- JA3 / JA3S fingerprints of the hellos ------------------------------
 * JA3: "version,ciphers,extensions,groups,point formats" of a ClientHello,
 * JA3S: "version,cipher,extensions" of a ServerHello; decimal values with
 * "-" between, GREASE values (RFC 8701) left out; then the MD5 of the
 * string in hex. Read again from the message bytes, bounded by them. */
static bool is_grease(uint32_t v) {
  return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

typedef struct jbuf {
  char *b;
  size_t cap, len;
  bool any; /* a value was written since the last "," */
} jbuf;

static void jb_str(jbuf *j, const char *s) {
  for (; *s && j->len + 1 < j->cap; s++)
    j->b[j->len++] = *s;
  j->b[j->len] = 0;
}

/* (written by hand, not snprintf: a browser's hello has a hundred values,
 * and the fingerprints were 4 % of the decrypting fuzz harness) */
static void jb_val(jbuf *j, uint32_t v) {
  char n[16];
  size_t k = sizeof n;
  n[--k] = 0;
  do {
    n[--k] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  if (j->any)
    n[--k] = '-';
  jb_str(j, n + k);
  j->any = true;
}

static void jb_sep(jbuf *j) {
  jb_str(j, ",");
  j->any = false;
}

/* Values of width w (1 or 2) in [off, end), GREASE left out. */
static void jb_list(jbuf *j, const dx_tvb *t, uint32_t off, uint32_t end, unsigned w) {
  for (uint32_t i = 0; off + w <= end && i < 65536; off += w, i++) {
    uint32_t v = (uint32_t)rd_uint(t, off, w);
    if (w == 1 || !is_grease(v))
      jb_val(j, v);
  }
}

/* What JA4 takes from one ClientHello extension [d, dend) of the given
 * type; values go to v4 after the n4 already there (ja4.h). */
static void ja4_ext(dx_ja4_hello *h, uint16_t *v4, size_t *n4, const dx_tvb *t, uint16_t type,
                    uint32_t d, uint32_t dend) {
  uint16_t vl = 0;
  uint8_t bl = 0;
  if (is_grease(type))
    return;
  if (!h->exts) /* the extensions follow the ciphers in v4 */
    h->exts = v4 + *n4;
  h->exts[h->nexts++] = type;
  (*n4)++;
  switch (type) {
  case 0: h->sni = true; break;
  case 16: /* the first protocol name of the ALPN list */
    if (!h->alpn && d + 3 <= dend && dx_get_u16(t, d, &vl) && dx_get_u8(t, d + 2, &bl)) {
      if (bl && d + 3u + bl <= dend && bl + 1u <= vl)
        h->alpn = dx_get_ptr(t, d + 3, bl);
      h->alpn_len = h->alpn ? bl : 0;
    }
    break;
  case 43: /* supported_versions: the highest */
    if (d + 1 <= dend && dx_get_u8(t, d, &bl))
      for (uint32_t k = d + 1; k + 2 <= dend && k + 2 <= d + 1u + bl; k += 2) {
        uint32_t v = (uint32_t)rd_uint(t, k, 2);
        if (!is_grease(v) && v > h->supported_max)
          h->supported_max = (uint16_t)v;
      }
    break;
  default: break;
  }
}

/* The signature algorithms of a ClientHello [d, dend) for JA4, after the
 * ciphers and extensions in v4 (called once all extensions are counted). */
static void ja4_sigalgs(dx_ja4_hello *h, uint16_t *v4, size_t n4, const dx_tvb *t, uint32_t d,
                        uint32_t dend) {
  uint16_t vl = 0;
  if (h->sigalgs || d + 2 > dend || !dx_get_u16(t, d, &vl))
    return;
  uint16_t *s = v4 + n4;
  size_t n = 0;
  for (uint32_t k = d + 2; k + 2 <= dend && k + 2 <= d + 2u + vl; k += 2) {
    uint32_t v = (uint32_t)rd_uint(t, k, 2);
    if (!is_grease(v))
      s[n++] = (uint16_t)v;
  }
  h->sigalgs = s;
  h->nsigalgs = n;
}

static void add_ja3(ctx *x, const dx_tvb *t, uint32_t start, uint32_t end, dx_node *hs,
                    bool server) {
  uint8_t sl = 0, cml = 0;
  uint16_t ver = 0, csl = 0, el = 0;
  uint32_t off = start;
  if (!hs || end > t->len || !dx_get_u16(t, off, &ver) || !dx_get_u8(t, off + 34, &sl))
    return;
  /* fingerprints are only nodes: not computed for a terse reader who wants
   * none of them */
  static const int fp[] = {F_JA3_FULL, F_JA3, F_JA3S_FULL, F_JA3S, F_JA4, F_JA4_R};
  bool want = false;
  for (size_t i = 0; i < DX_ARRAY_LEN(fp) && !want; i++)
    want = dx_packet_wants(x->p, XF(fp[i]));
  if (!want)
    return;
  /* a ServerHello of a TLS 1.3 draft before 22: no session id, no
   * compression method (as server_hello reads it) */
  bool old_draft = server && (ver >> 8) == 0x7f && (uint8_t)ver < 22;
  off += old_draft ? 34u : 35u + sl;
  uint8_t cookie = 0;
  if (x->dtls && !server && dx_get_u8(t, off, &cookie))
    off += 1u + cookie; /* DTLS's cookie (RFC 6347 4.2.1) is no part of JA3 */
  /* every value takes at most 6 characters ("-65535"); the lists of a
   * hello are at most 64 KiB each, so 1 MiB is never reached */
  size_t cap = 6u * (size_t)(end - start) + 64;
  if (cap > (1u << 20))
    cap = 1u << 20;
  jbuf j = {dx_arena_alloc(&x->p->arena, cap), cap, 0, false};
  /* extensions, groups and point formats are gathered apart */
  jbuf ex = {dx_arena_alloc(&x->p->arena, cap), cap, 0, false};
  jbuf gr = {dx_arena_alloc(&x->p->arena, cap), cap, 0, false};
  jbuf pf = {dx_arena_alloc(&x->p->arena, cap), cap, 0, false};
  if (!j.b || !ex.b || !gr.b || !pf.b)
    return;
  /* JA4 reads the same lists: values kept without GREASE (ja4.h) */
  dx_ja4_hello h4;
  memset(&h4, 0, sizeof h4);
  h4.transport = x->quic ? 'q' : x->dtls ? 'd' : 't';
  h4.version = ver;
  uint16_t *v4 = server ? NULL : dx_arena_alloc(&x->p->arena, (size_t)(end - start) + 8);
  size_t n4 = 0; /* values of v4 used: ciphers, then extensions, then sigalgs */
  uint32_t sig_at = 0, sig_end = 0;
  j.b[0] = ex.b[0] = gr.b[0] = pf.b[0] = 0;
  jb_val(&j, ver);
  jb_sep(&j);
  if (server) {
    if (off + 3 > end)
      return;
    jb_list(&j, t, off, off + 2, 2);
    off += old_draft ? 2 : 3;
  } else {
    if (off + 2 > end || !dx_get_u16(t, off, &csl) || off + 2u + csl > end)
      return;
    jb_list(&j, t, off + 2, off + 2u + csl, 2);
    h4.ciphers = v4;
    for (uint32_t k = off + 2; v4 && k + 2 <= off + 2u + csl; k += 2)
      if (!is_grease((uint32_t)rd_uint(t, k, 2)))
        v4[n4++] = (uint16_t)rd_uint(t, k, 2);
    h4.nciphers = n4;
    off += 2u + csl;
    if (off + 1 > end || !dx_get_u8(t, off, &cml) || off + 1u + cml > end)
      return;
    off += 1u + cml;
  }
  uint32_t eend = end;
  if (off + 2 <= end && dx_get_u16(t, off, &el)) {
    off += 2;
    /* a list that runs past the message (cut by the capture, or crafted)
     * gives no fingerprint, as a cipher suite list that does: one made of
     * what is there would name another client */
    if (off + el > end)
      return;
    eend = off + el;
  }
  for (unsigned i = 0; off + 4 <= eend && i < 1024; i++) {
    uint16_t type = 0, len = 0, vl = 0;
    uint8_t pl = 0;
    dx_get_u16(t, off, &type);
    dx_get_u16(t, off + 2, &len);
    uint32_t d = off + 4, dend = d + len > eend ? eend : d + len;
    if (!is_grease(type))
      jb_val(&ex, type);
    if (!server && v4)
      ja4_ext(&h4, v4, &n4, t, type, d, dend);
    if (type == 13 && !sig_end) {
      sig_at = d;
      sig_end = dend;
    }
    if (!server && type == 10 && d + 2 <= dend && dx_get_u16(t, d, &vl))
      jb_list(&gr, t, d + 2, d + 2u + vl > dend ? dend : d + 2u + vl, 2);
    if (!server && type == 11 && d + 1 <= dend && dx_get_u8(t, d, &pl))
      jb_list(&pf, t, d + 1, d + 1u + pl > dend ? dend : d + 1u + pl, 1);
    off = d + len;
  }
  if (v4 && sig_end)
    ja4_sigalgs(&h4, v4, n4, t, sig_at, sig_end);
  jb_sep(&j);
  jb_str(&j, ex.b);
  if (!server) {
    jb_sep(&j);
    jb_str(&j, gr.b);
    jb_sep(&j);
    jb_str(&j, pf.b);
  }
  dx_node *fn = dx_add_string(x->p, hs, XF(server ? F_JA3S_FULL : F_JA3_FULL), t, start,
                              end - start, j.b, j.len);
  dx_node_set_flags(fn, DX_NODE_GENERATED);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  if (EVP_Digest(j.b, j.len, md, &mdlen, EVP_md5(), NULL) != 1 || mdlen != 16)
    return;
  char hex[33];
  for (unsigned i = 0; i < 16; i++)
    snprintf(hex + 2 * i, sizeof hex - 2 * i, "%02x", md[i]);
  dx_node *hn =
      dx_add_string(x->p, hs, XF(server ? F_JA3S : F_JA3), t, start, end - start, hex, 32);
  dx_node_set_flags(hn, DX_NODE_GENERATED);
  if (server || !v4)
    return;
  size_t rcap = dx_ja4_raw_size(&h4);
  char ja4[48], *raw = dx_arena_alloc(&x->p->arena, rcap);
  if (!raw || !dx_ja4(&h4, ja4, raw, rcap))
    return;
  hn = dx_add_string(x->p, hs, XF(F_JA4), t, start, end - start, ja4, strlen(ja4));
  dx_node_set_flags(hn, DX_NODE_GENERATED);
  hn = dx_add_string(x->p, hs, XF(F_JA4_R), t, start, end - start, raw, strlen(raw));
  dx_node_set_flags(hn, DX_NODE_GENERATED);
}

/* Copies the session id a hello carries at m->off + 34 (after the
 * version and the random). */
static void grab_sid(const cur *m, uint8_t out[32], uint8_t *len) {
  uint8_t n = 0;
  *len = 0;
  if (!dx_get_u8(m->t, m->off + 34, &n) || n == 0 || n > 32)
    return;
  const uint8_t *b = dx_get_ptr(m->t, m->off + 35, n);
  if (b) {
    memcpy(out, b, n);
    *len = n;
  }
}

static void ticket_digest(const uint8_t *b, uint32_t n, uint8_t out[32]) {
  unsigned ol = 0;
  if (!EVP_Digest(b, n, out, &ol, EVP_sha256(), NULL) || ol != 32)
    memset(out, 0, 32);
}

/* A ClientHello after keys were made (TLS <= 1.2 renegotiation, RFC 5246
 * 7.4.1.2; RFC 5746): a new handshake, under the current keys, whose own
 * master secret and keys take over at its ChangeCipherSpecs. */
static void renegotiation(ctx *x) {
  tls_conv *c = x->c;
  if (!x->stateful || c->tls13 || c->quic || !c->keys_tried || x->dir != c->client_dir)
    return;
  c->keys_tried = c->have_ms = c->have_srandom = c->client_ccs = c->client_kx = false;
  for (int i = 0; i < 2; i++) {
    dx_tls_dec_free(c->keys[i].next);
    c->keys[i].next = NULL;
  }
}

static void client_hello(ctx *x, cur *m, dx_node *hs) {
  uint32_t hello_start = m->off, hello_end = m->end;
  if (x->c->client_dir < 0)
    x->c->client_dir = x->dir;
  renegotiation(x);
  if (x->stateful && x->dir == x->c->client_dir) {
    grab_sid(m, x->c->ch_sid, &x->c->ch_sid_len);
    x->c->have_ch_ticket = false;
  }
  if (x->stateful && x->dir == x->c->client_dir) {
    const uint8_t *r = dx_get_ptr(m->t, m->off + 2, 32);
    if (r) {
      memcpy(x->c->crandom, r, 32);
      x->c->have_crandom = true;
    }
  }
  cur_uint(m, hs, F_HVER, 2, NULL);
  /* after a HelloRetryRequest the version is 1.3: no time in the random */
  random_field(m, hs, !x->c->hrr && !x->quic); /* QUIC is TLS 1.3 only: no time */
  session_id(m, hs);
  if (x->dtls && !short_vec(m, hs, F_D_COOKIE_LEN, F_D_COOKIE))
    return;
  cur cs;
  if (!cur_vec(m, hs, F_CSLEN, 2, &cs, NULL))
    return;
  uint32_t n = cur_left(&cs) / 2;
  dx_node *g = subtree(&cs, hs, F_CSS, cs.off, cur_left(&cs));
  dx_node_set_text(x->p, g, "Cipher Suites (%u suite%s)", n, n == 1 ? "" : "s");
  cs.owner = g;
  while (cur_left(&cs) >= 2 && !cs.fail)
    cur_uint(&cs, g, F_CS, 2, NULL);
  if (cur_left(&cs) && !cs.fail) {
    /* as tshark's ssl_end_vector(): an item and its warning */
    uint32_t tr = cur_left(&cs);
    dx_node *e = dx_add_none(x->p, g, XF(F_MALFORMED_TRAILING), cs.t, cs.off, tr);
    dx_node_set_text(x->p, e, "%u trailing byte%s unprocessed", tr, tr == 1 ? " was" : "s were");
    dx_expert(x->p, e, dx_field_expert(), DX_SEV_WARN, "%u trailing byte%s unprocessed", tr,
              tr == 1 ? " was" : "s were");
  }
  cur cm;
  if (!cur_vec(m, hs, F_CMLEN, 1, &cm, NULL))
    return;
  g = subtree(&cm, hs, F_CMS, cm.off, cur_left(&cm));
  dx_node_set_text(x->p, g, "Compression Methods (%u method%s)", cur_left(&cm),
                   cur_left(&cm) == 1 ? "" : "s");
  cm.owner = g;
  while (cur_left(&cm) && !cm.fail)
    cur_uint(&cm, g, F_CM, 1, NULL);
  x->c->trust.have_sni = false;
  extensions(x, m, hs, HS_CLIENT_HELLO, false);
  dx_trust_client_hello(x->p, hs, &x->c->trust);
  add_ja3(x, m->t, hello_start, hello_end, hs, false);
}

/* The version a ServerHello selects in supported_versions (RFC 8446
 * 4.2.1), found before the message is dissected; 0 if none. */
static uint16_t sh_selected_version(const cur *m) {
  uint32_t off = m->off + 2 + 32, end = m->end;
  uint8_t sl = 0;
  if (!dx_get_u8(m->t, off, &sl))
    return 0;
  off += 1u + sl + 2 + 1;
  uint16_t total = 0;
  if (off + 2 > end || !dx_get_u16(m->t, off, &total))
    return 0;
  off += 2;
  if (total < end - off)
    end = off + total;
  for (unsigned i = 0; off + 4 <= end && i < 256; i++) {
    uint16_t type = 0, len = 0, v = 0;
    dx_get_u16(m->t, off, &type);
    dx_get_u16(m->t, off + 2, &len);
    if (type == 43 && len == 2 && off + 6 <= end && dx_get_u16(m->t, off + 4, &v))
      return v;
    off += 4u + len;
  }
  return 0;
}

static void server_hello(ctx *x, cur *m, dx_node *hs, bool *is_hrr) {
  tls_conv *c = x->c;
  uint32_t hello_start = m->off, hello_end = m->end;
  uint32_t ver = 0;
  uint16_t v0 = 0;
  dx_get_u16(m->t, m->off, &v0);
  /* drafts of TLS 1.3 before 22: the real version here, no
   * legacy_session_id_echo, no compression method, no supported_versions
   * (draft-ietf-tls-tls13-21 4.1.3) */
  bool old_draft = (v0 >> 8) == 0x7f && (uint8_t)v0 < 22;
  uint16_t sel = old_draft ? 0 : sh_selected_version(m);
  cur_uint(m, hs, F_HVER, 2, &ver);
  /* (NULL when the message has fewer than 32 bytes left: a pointer to 0
   * bytes would be no random to compare) */
  const uint8_t *rnd = cur_left(m) >= 32 ? dx_get_ptr(m->t, m->off, 32) : NULL;
  bool hrr = rnd && memcmp(rnd, hrr_random, 32) == 0;
  *is_hrr = hrr;
  /* (DTLS's versions count down: 1.3 is 0xfefc) */
  bool v13 = x->dtls ? ver == 0xfefc || sel == 0xfefc : ver >= 0x0304 || sel >= 0x0304;
  random_field(m, hs, !v13 && !hrr);
  if (hrr && hs && hs->last_child && hs->last_child->field == XF(F_RANDOM) &&
      dx_label_wanted(x->p, hs->last_child)) {
    char hex[65];
    for (int i = 0; i < 32; i++)
      snprintf(hex + 2 * i, 3, "%02x", hrr_random[i]);
    dx_node_set_text(x->p, hs->last_child, "Random: %s (HelloRetryRequest magic)", hex);
  }
  if (rnd && !hrr && x->stateful) {
    memcpy(c->srandom, rnd, 32);
    c->have_srandom = true;
    c->etm = c->ems = false;
    uint8_t n = 0;
    const uint8_t *b = NULL;
    c->sh_sid_len = 0;
    if (!old_draft && dx_get_u8(m->t, m->off, &n) && n && n <= 32 &&
        (b = dx_get_ptr(m->t, m->off + 1, n))) {
      memcpy(c->sh_sid, b, n);
      c->sh_sid_len = n;
    }
  }
  if (!old_draft)
    session_id(m, hs);
  uint32_t suite = 0;
  uint32_t cs_off = m->off;
  dx_node *cs = cur_uint(m, hs, F_CS, 2, &suite);
  if (!old_draft)
    cur_uint(m, hs, F_CM, 1, NULL);
  if (m->fail)
    return;
  c->version = (uint16_t)ver;
  extensions(x, m, hs, HS_SERVER_HELLO, hrr);
  add_ja3(x, m->t, hello_start, hello_end, hs, true);
  if (cs) {
    c->suite = (uint16_t)suite;
    c->have_suite = true;
    add_cipher_parts(x, cs, m->t, cs_off, (uint16_t)suite);
  }
  if (!hrr)
    dx_trust_server_hello(x->p, hs, c->version, (uint16_t)suite);
  if (hrr) {
    c->hrr = true;
    return;
  }
  if (c->version == 0x0304 || tls13_draft(c->version) || (x->dtls && c->version == 0xfefc)) {
    c->tls13 = true;
    /* From here on both directions are encrypted (RFC 8446 2). */
    c->dir[0].encrypted = c->dir[1].encrypted = true;
    tls13_handshake_keys(x);
  }
}

/* Server and client key exchange parameters depend on the suite's key
 * exchange (RFC 4492 5.4, RFC 5246 7.4.3). */
typedef enum {
  KX_UNKNOWN,
  KX_ECDHE,
  KX_DHE,
  KX_RSA,
  KX_PSK,
  KX_ECDHE_PSK,
  KX_DHE_PSK,
  KX_RSA_PSK
} kx_kind;

static kx_kind conv_kx(const tls_conv *c) {
  dx_tls_cipher_info ci;
  if (!c->have_suite || !dx_tls_cipher_parts(c->suite, &ci))
    return KX_UNKNOWN;
  bool psk = strcmp(ci.auth, "PSK") == 0;
  if (strncmp(ci.kx, "ECDH", 4) == 0)
    return psk ? KX_ECDHE_PSK : KX_ECDHE;
  if (strncmp(ci.kx, "DH", 2) == 0)
    return psk ? KX_DHE_PSK : KX_DHE;
  if (strncmp(ci.kx, "RSA", 3) == 0)
    return psk ? KX_RSA_PSK : KX_RSA;
  if (strcmp(ci.kx, "PSK") == 0)
    return KX_PSK;
  return KX_UNKNOWN;
}

static void signature(ctx *x, cur *m, dx_node *parent, int flen, int fsig) {
  if (x->c->version >= 0x0303 || (x->c->version == 0 && x->rec_ver >= 0x0303))
    add_sigalg(m, parent);
  cur s;
  if (cur_vec(m, parent, flen, 2, &s, NULL) && cur_left(&s))
    dx_add_bytes(x->p, parent, XF(fsig), s.t, s.off, cur_left(&s));
}

static void server_key_exchange(ctx *x, cur *m, dx_node *hs) {
  kx_kind k = conv_kx(x->c);
  if (k == KX_UNKNOWN) {
    /* Guess from the first byte: named_curve (3) starts EC parameters. */
    uint8_t b = 0;
    dx_get_u8(m->t, m->off, &b);
    k = b == 3 ? KX_ECDHE : KX_DHE;
  }
  dx_node *sp = subtree(m, hs, F_SERVER_PARAMS, m->off, cur_left(m));
  m->owner = sp;
  if (k == KX_PSK || k == KX_ECDHE_PSK || k == KX_DHE_PSK || k == KX_RSA_PSK) {
    cur h;
    if (cur_vec(m, sp, F_HINT_LEN, 2, &h, NULL) && cur_left(&h))
      dx_add_bytes(x->p, sp, XF(F_HINT), h.t, h.off, cur_left(&h));
  }
  if (k == KX_ECDHE || k == KX_ECDHE_PSK) {
    dx_node_set_text(x->p, sp, "EC Diffie-Hellman Server Params");
    uint32_t ct = 0;
    if (!cur_uint(m, sp, F_CURVE_TYPE, 1, &ct))
      return;
    if (ct != 3) {
      dx_mark_malformed(x->p, sp, "Only named curves are decoded (curve type %u)", ct);
      return;
    }
    cur_uint(m, sp, F_NAMED_CURVE, 2, NULL);
    cur pt;
    if (cur_vec(m, sp, F_SPOINT_LEN, 1, &pt, NULL) && cur_left(&pt))
      dx_add_bytes(x->p, sp, XF(F_SPOINT), pt.t, pt.off, cur_left(&pt));
  } else if (k == KX_DHE || k == KX_DHE_PSK) {
    dx_node_set_text(x->p, sp, "Diffie-Hellman Server Params");
    static const int fl[3][2] = {{F_P_LEN, F_P}, {F_G_LEN, F_G}, {F_YS_LEN, F_YS}};
    for (int i = 0; i < 3; i++) {
      cur v;
      if (!cur_vec(m, sp, fl[i][0], 2, &v, NULL))
        return;
      if (cur_left(&v))
        dx_add_bytes(x->p, sp, XF(fl[i][1]), v.t, v.off, cur_left(&v));
    }
  } else {
    dx_node_set_text(x->p, sp, "PSK Server Params");
  }
  if (k == KX_ECDHE || k == KX_DHE || k == KX_RSA)
    signature(x, m, sp, F_SIG_LEN, F_SIG);
}

static void client_key_exchange(ctx *x, cur *m, dx_node *hs) {
  kx_kind k = conv_kx(x->c);
  x->c->client_kx = true;
  if (k == KX_UNKNOWN) {
    /* An EC point is short with a 1-byte length; RSA/DH use 2 bytes. */
    uint8_t b = 0;
    dx_get_u8(m->t, m->off, &b);
    k = (uint32_t)b + 1 == cur_left(m) ? KX_ECDHE : KX_RSA;
  }
  dx_node *cp = subtree(m, hs, F_CLIENT_PARAMS, m->off, cur_left(m));
  m->owner = cp;
  if (k == KX_PSK || k == KX_ECDHE_PSK || k == KX_DHE_PSK || k == KX_RSA_PSK) {
    cur id;
    if (cur_vec(m, cp, F_IDENTITY_LEN, 2, &id, NULL) && cur_left(&id))
      dx_add_bytes(x->p, cp, XF(F_IDENTITY), id.t, id.off, cur_left(&id));
  }
  cur v;
  switch (k) {
  case KX_ECDHE:
  case KX_ECDHE_PSK:
    dx_node_set_text(x->p, cp, "EC Diffie-Hellman Client Params");
    if (cur_vec(m, cp, F_CPOINT_LEN, 1, &v, NULL) && cur_left(&v))
      dx_add_bytes(x->p, cp, XF(F_CPOINT), v.t, v.off, cur_left(&v));
    break;
  case KX_DHE:
  case KX_DHE_PSK:
    dx_node_set_text(x->p, cp, "Diffie-Hellman Client Params");
    if (cur_vec(m, cp, F_YC_LEN, 2, &v, NULL) && cur_left(&v))
      dx_add_bytes(x->p, cp, XF(F_YC), v.t, v.off, cur_left(&v));
    break;
  case KX_RSA:
  case KX_RSA_PSK:
    dx_node_set_text(x->p, cp, "RSA Encrypted PreMaster Secret");
    if (x->c->version == 0x0300 && k == KX_RSA && cur_left(m)) {
      /* SSL 3.0 (RFC 6101 5.6.7.1): no length before the encrypted premaster */
      dx_add_bytes(x->p, cp, XF(F_EPMS), m->t, m->off, cur_left(m));
      rsa_premaster(x, dx_get_ptr(m->t, m->off, cur_left(m)), cur_left(m));
      m->off = m->end;
    } else if (cur_vec(m, cp, F_EPMS_LEN, 2, &v, NULL) && cur_left(&v)) {
      dx_add_bytes(x->p, cp, XF(F_EPMS), v.t, v.off, cur_left(&v));
      rsa_premaster(x, dx_get_ptr(v.t, v.off, cur_left(&v)), cur_left(&v));
    }
    break;
  default:
    dx_node_set_text(x->p, cp, "PSK Client Params");
    if (k == KX_PSK)
      psk_premaster(x);
    break;
  }
}

extern const dx_protocol dx_proto_x509;

/* One OCSPResponse<1..2^24-1> (RFC 6066 8): its length and the response
 * (ocsp.c). False when the vector does not fit or the response ran out
 * (tshark's exception: nothing more is read). */
static bool ocsp_response(ctx *x, cur *m, dx_node *parent) {
  cur r;
  if (!cur_vec(m, parent, F_OCSP_LEN, 3, &r, NULL))
    return false;
  bool stop = false;
  if (!x->stapled && cur_left(&r) && (x->stapled = dx_get_ptr(r.t, r.off, cur_left(&r))) != NULL)
    x->stapled_len = cur_left(&r);
  dx_ocsp_stapled(x->p, parent, r.t, r.off, cur_left(&r), &stop);
  if (stop) { /* (the exception ends the TLS layer of the frame too) */
    m->off = m->end;
    x->stop = true;
  }
  return !stop;
}

/* CertificateStatus (RFC 6066 8; the ocsp_multi list, RFC 6961 2.2), and
 * TLS 1.3's status_request extension of a CertificateEntry (RFC 8446
 * 4.4.2.1), which holds the same. */
static void certificate_status(ctx *x, cur *m, dx_node *hs) {
  uint32_t type = 0;
  if (!cur_uint(m, hs, F_SR_TYPE, 1, &type))
    return;
  if (type == 1) {
    ocsp_response(x, m, hs);
  } else if (type == 2) {
    cur l;
    if (!cur_vec(m, hs, F_OCSP_LIST_LEN, 3, &l, NULL))
      return;
    for (unsigned i = 0; cur_left(&l) && !l.fail && i < 64; i++)
      if (!ocsp_response(x, &l, hs)) {
        m->off = m->end;
        break;
      }
  } else {
    m->off = m->end; /* (another type: not decoded, as tshark) */
  }
}

static void certificate(ctx *x, cur *m, dx_node *hs) {
  bool v13 = x->c->tls13;
  x->stapled = NULL;
  if (v13) {
    cur rc;
    if (!cur_vec(m, hs, F_CRC_LEN, 1, &rc, NULL))
      return;
    if (cur_left(&rc))
      dx_add_bytes(x->p, hs, XF(F_CRC), rc.t, rc.off, cur_left(&rc));
  }
  cur all;
  if (!cur_vec(m, hs, F_CERTS_LEN, 3, &all, NULL))
    return;
  if (!cur_left(&all))
    return; /* (no "Certificates" subtree for an empty list, as tshark) */
  dx_node *g = subtree(&all, hs, F_CERTS, all.off, cur_left(&all));
  dx_node_set_text(x->p, g, "Certificates (%u bytes)", cur_left(&all));
  all.owner = g;
  const uint8_t *ders[16]; /* the chain, for the trust verdict */
  uint32_t lens[16];
  size_t nders = 0;
  for (unsigned i = 0; cur_left(&all) && !all.fail && i < 256; i++) {
    cur one;
    if (!cur_vec(&all, g, F_CERT_LEN, 3, &one, NULL))
      break;
    uint32_t len = cur_left(&one);
    if (nders < 16 && len && (ders[nders] = dx_get_ptr(one.t, one.off, len)) != NULL)
      lens[nders++] = len;
    dx_node *cn = dx_add_bytes(x->p, g, XF(F_CERT), one.t, one.off, len);
    dx_tvb ct = dx_tvb_sub(one.t, one.off, len);
    if (cn && dx_proto_x509.dissect)
      dx_proto_x509.dissect(x->p, &ct, cn);
    if (v13) {
      all.owner = g;
      if (cur_left(&all) < 2) {
        cur ex;
        cur_vec(&all, g, F_EXTSLEN, 2, &ex, NULL);
        break;
      }
      extensions(x, &all, g, HS_CERT, false);
      all.owner = g;
    }
  }
  /* the server's chain (a client's Certificate is not judged), and in TLS
   * 1.3 the response stapled to it */
  if (nders && (x->c->client_dir < 0 || x->dir != x->c->client_dir)) {
    dx_trust_chain(x->p, hs, &x->c->trust, ders, lens, nders);
    if (x->stapled)
      dx_trust_stapled(x->p, hs, &x->c->trust, x->stapled, x->stapled_len);
  }
  x->stapled = NULL;
}

static void certificate_request(ctx *x, cur *m, dx_node *hs) {
  if (x->c->tls13) {
    cur rc;
    if (!cur_vec(m, hs, F_CRC_LEN, 1, &rc, NULL))
      return;
    if (cur_left(&rc))
      dx_add_bytes(x->p, hs, XF(F_CRC), rc.t, rc.off, cur_left(&rc));
    extensions(x, m, hs, HS_CR, false);
    return;
  }
  cur ty;
  if (!cur_vec(m, hs, F_CERT_TYPES_COUNT, 1, &ty, NULL))
    return;
  dx_node *g = subtree(&ty, hs, F_CERT_TYPES, ty.off, cur_left(&ty));
  dx_node_set_text(x->p, g, "Certificate types (%u type%s)", cur_left(&ty),
                   cur_left(&ty) == 1 ? "" : "s");
  ty.owner = g;
  while (cur_left(&ty) && !ty.fail)
    cur_uint(&ty, g, F_CERT_TYPE, 1, NULL);
  if (x->c->version >= 0x0303 || (x->c->version == 0 && x->rec_ver >= 0x0303))
    sigalg_list(m, hs);
  cur dn;
  if (!cur_vec(m, hs, F_DNAMES_LEN, 2, &dn, NULL))
    return;
  g = subtree(&dn, hs, F_DNAMES, dn.off, cur_left(&dn));
  dx_node_set_text(x->p, g, "Distinguished Names (%u byte%s)", cur_left(&dn),
                   cur_left(&dn) == 1 ? "" : "s");
  dn.owner = g;
  for (unsigned i = 0; cur_left(&dn) && !dn.fail && i < 512; i++) {
    cur one;
    if (!cur_vec(&dn, g, F_DNAME_LEN, 2, &one, NULL))
      break;
    dx_node *d = subtree(&one, g, F_DNAME, one.off, cur_left(&one));
    dx_node_set_text(x->p, d, "Distinguished Name (%u byte%s)", cur_left(&one),
                     cur_left(&one) == 1 ? "" : "s");
  }
}

/* Seconds as Wireshark's unsigned_time_secs_to_str() writes them: "5
 * minutes", "1 hour, 1 minute, 1 second", "0 seconds". */
static void secs_str(uint32_t t, char *buf, size_t len) {
  static const char *const unit[] = {"day", "hour", "minute", "second"};
  const uint32_t size[] = {86400, 3600, 60, 1};
  dx_sb b;
  dx_sb_init(&b, buf, len);
  if (t == 0)
    dx_sb_str(&b, "0 seconds");
  for (int i = 0; i < 4; i++) {
    uint32_t n = t / size[i];
    t %= size[i];
    if (!n)
      continue;
    if (b.len)
      dx_sb_str(&b, ", ");
    dx_sb_u64(&b, n);
    dx_sb_str(&b, " ");
    dx_sb_str(&b, unit[i]);
    if (n != 1)
      dx_sb_str(&b, "s");
  }
}

static void new_session_ticket(ctx *x, cur *m, dx_node *hs) {
  /* tshark's "TLS Session Ticket" subtree over the whole message */
  dx_node *tree = subtree(m, hs, F_NST_TREE, m->off, cur_left(m));
  if (tree)
    hs = tree;
  uint32_t life = 0;
  dx_node *ln = cur_uint(m, hs, F_NST_LIFETIME, 4, &life);
  if (ln && dx_label_wanted(x->p, ln)) {
    char ls[96];
    secs_str(life, ls, sizeof ls);
    if (life >= 60) /* as tshark: the time in words from a minute on */
      dx_node_set_text(x->p, ln, "Session Ticket Lifetime Hint: %u seconds (%s)", life, ls);
    else
      dx_node_set_text(x->p, ln, "Session Ticket Lifetime Hint: %u second%s", life,
                       life == 1 ? "" : "s");
  }
  bool v13 = x->c->tls13;
  uint8_t draft = tls13_draft(x->c->version);
  if (v13 && draft && draft < 21) /* no ticket_nonce before draft 21 */
    cur_uint(m, hs, F_NST_AGEADD, 4, NULL);
  else if (v13) {
    cur_uint(m, hs, F_NST_AGEADD, 4, NULL);
    cur n;
    if (!cur_vec(m, hs, F_NST_NONCE_LEN, 1, &n, NULL))
      return;
    /* an empty nonce too, as tshark's "Session Ticket Nonce: <MISSING>" */
    dx_add_bytes(x->p, hs, XF(F_NST_NONCE), n.t, n.off, cur_left(&n));
  }
  cur tk;
  if (!cur_vec(m, hs, F_NST_LEN, 2, &tk, NULL))
    return;
  if (cur_left(&tk))
    dx_add_bytes(x->p, hs, XF(F_NST), tk.t, tk.off, cur_left(&tk));
  if (!v13 && x->stateful && cur_left(&tk)) {
    const uint8_t *tb = dx_get_ptr(tk.t, tk.off, cur_left(&tk));
    if (tb) {
      ticket_digest(tb, cur_left(&tk), x->c->nst_ticket);
      x->c->have_nst_ticket = true;
      cache_session(x);
    }
  }
  if (v13)
    extensions(x, m, hs, HS_NST, false);
}

/* ---- decryption (RFC 5246 6, RFC 8446 7) ------------------------------ */
/* The sender of the current record: 0 client, 1 server, -1 unknown. */
static int sender(const ctx *x) {
  if (x->c->client_dir < 0)
    return -1;
  return x->dir == x->c->client_dir ? 0 : 1;
}

static size_t find_secret(ctx *x, int label, uint8_t *out, size_t cap) {
  if (!dx_packet_keylog(x->p) || !x->c->have_crandom)
    return 0;
  return dx_packet_keylog_find(x->p, label, x->c->crandom, 32, out, cap);
}

static bool have_psk(ctx *x) {
  size_t n = 0;
  return dx_packet_tls_psk(x->p, &n) != NULL;
}

static int no_key_reason(ctx *x) {
  if (!dx_packet_keylog(x->p) && !dx_packet_rsa_key(x->p) && !have_psk(x))
    return WHY_NO_KEYLOG;
  return x->c->have_crandom ? WHY_NO_KEY : WHY_MIDSTREAM;
}

/* Keeps a running hash of the handshake for the extended master secret
 * of RSA and PSK key exchange (RFC 7627 3); only when an RSA key or a PSK
 * was given. A ClientHello starts it again (a renegotiation's handshake,
 * decrypted under the keys of the one before, has its own). */
static void transcript_add(ctx *x, const dx_tvb *t, uint32_t len) {
  tls_conv *c = x->c;
  if (!x->stateful || c->quic || c->tls13 || (!dx_packet_rsa_key(x->p) && !have_psk(x)))
    return;
  const uint8_t *b = dx_get_ptr(t, 0, len);
  if (!b)
    return;
  if (b[0] == HS_CLIENT_HELLO)
    for (int i = 0; i < 2; i++) {
      EVP_MD_CTX_free(c->transcript[i]);
      c->transcript[i] = NULL;
    }
  static const char *const mds[2] = {"SHA256", "SHA384"};
  for (int i = 0; i < 2; i++) {
    if (!c->transcript[i]) {
      c->transcript[i] = EVP_MD_CTX_new();
      EVP_MD *md = EVP_MD_fetch(NULL, mds[i], NULL);
      if (!c->transcript[i] || !md || !EVP_DigestInit_ex(c->transcript[i], md, NULL)) {
        EVP_MD_CTX_free(c->transcript[i]);
        c->transcript[i] = NULL;
      }
      EVP_MD_free(md);
    }
    if (c->transcript[i])
      EVP_DigestUpdate(c->transcript[i], b, len);
  }
}

/* RSA key exchange: the premaster from the key log's RSA line or the
 * server's private key, then the master secret (RFC 5246 8.1.1). */
static void rsa_premaster(ctx *x, const uint8_t *enc, uint32_t len) {
  tls_conv *c = x->c;
  if (!x->stateful || !enc || len < 8 || c->have_ms || !c->have_crandom || !c->have_srandom ||
      !c->have_suite)
    return;
  const dx_tls_suite *cs = dx_tls_suite_find(c->suite);
  if (!cs)
    return;
  uint8_t pms[64];
  size_t pl = 0;
  if (dx_packet_keylog(x->p))
    pl = dx_packet_keylog_find(x->p, DX_KL_RSA, enc, 8, pms, sizeof pms);
  if (pl == 0 && dx_packet_rsa_key(x->p) &&
      dx_tls_rsa_decrypt_pms(dx_packet_rsa_key(x->p), enc, len, pms) == DX_TLS_DEC_OK)
    pl = 48;
  if (pl)
    master_from_premaster(x, cs, pms, pl);
  OPENSSL_cleanse(pms, sizeof pms);
}

/* Plain PSK key exchange with the session's PSK (RFC 4279 2): premaster =
 * uint16 N, N zero bytes, uint16 N, the PSK. */
static void psk_premaster(ctx *x) {
  tls_conv *c = x->c;
  size_t n = 0;
  const uint8_t *psk = dx_packet_tls_psk(x->p, &n);
  if (!x->stateful || !psk || n == 0 || n > 65535 || c->have_ms || !c->have_crandom ||
      !c->have_srandom || !c->have_suite || c->tls13)
    return;
  const dx_tls_suite *cs = dx_tls_suite_find(c->suite);
  uint8_t *pms = cs ? calloc(1, 2 * n + 4) : NULL;
  if (!pms)
    return;
  pms[0] = pms[n + 2] = (uint8_t)(n >> 8);
  pms[1] = pms[n + 3] = (uint8_t)n;
  memcpy(pms + n + 4, psk, n);
  master_from_premaster(x, cs, pms, 2 * n + 4);
  OPENSSL_clear_free(pms, 2 * n + 4);
}

/* The master secret from a premaster (RFC 5246 8.1, or the extended
 * master secret of RFC 7627 4 over the handshake so far). */
static void master_from_premaster(ctx *x, const dx_tls_suite *cs, const uint8_t *pms, size_t pl) {
  tls_conv *c = x->c;
  uint8_t sh[EVP_MAX_MD_SIZE];
  unsigned shl = 0;
  bool sha384 = cs->prf_md && strcmp(cs->prf_md, "SHA384") == 0;
  if (c->ems) {
    EVP_MD_CTX *t = c->transcript[sha384 ? 1 : 0];
    EVP_MD_CTX *cp = t ? EVP_MD_CTX_new() : NULL;
    if (!cp || !EVP_MD_CTX_copy_ex(cp, t) || !EVP_DigestFinal_ex(cp, sh, &shl))
      shl = 0;
    EVP_MD_CTX_free(cp);
    if (shl == 0)
      return;
  }
  if (dx_tls12_master_secret(c->version, cs, pms, pl, c->crandom, c->srandom, c->ems ? sh : NULL,
                             shl, c->ms) == DX_TLS_DEC_OK)
    c->have_ms = true;
}

static void cache_put(tls_state *st, int kind, const uint8_t *key, uint8_t klen,
                      const uint8_t ms[48]) {
  for (uint32_t i = 0; i < st->used; i++) {
    tls_cached *e = &st->e[i];
    if (e->kind == kind && e->klen == klen && memcmp(e->key, key, klen) == 0) {
      memcpy(e->ms, ms, 48);
      return;
    }
  }
  tls_cached *e = &st->e[st->next];
  st->next = (st->next + 1) % TLS_CACHE;
  if (st->used < TLS_CACHE)
    st->used++;
  e->kind = (uint8_t)kind;
  e->klen = klen;
  memcpy(e->key, key, klen);
  memcpy(e->ms, ms, 48);
}

static bool cache_get(const tls_state *st, int kind, const uint8_t *key, uint8_t klen,
                      uint8_t ms[48]) {
  for (uint32_t i = 0; i < st->used; i++) {
    const tls_cached *e = &st->e[i];
    if (e->kind == kind && e->klen == klen && memcmp(e->key, key, klen) == 0) {
      memcpy(ms, e->ms, 48);
      return true;
    }
  }
  return false;
}

/* Remembers the master secret of this connection's session, by session id
 * and by the ticket the server issued. */
static void cache_session(ctx *x) {
  tls_conv *c = x->c;
  if (!c->have_ms || c->tls13)
    return;
  if (dx_share_tls_active(x->p)) { /* the parts of a split capture: one cache */
    if (c->sh_sid_len)
      dx_share_tls_put(x->p, CACHE_SID, c->sh_sid, c->sh_sid_len, c->ms);
    if (c->have_nst_ticket)
      dx_share_tls_put(x->p, CACHE_TICKET, c->nst_ticket, 32, c->ms);
    return;
  }
  tls_state *st = dx_proto_state(x->p, &dx_proto_tls);
  if (!st)
    return;
  if (c->sh_sid_len)
    cache_put(st, CACHE_SID, c->sh_sid, c->sh_sid_len, c->ms);
  if (c->have_nst_ticket)
    cache_put(st, CACHE_TICKET, c->nst_ticket, 32, c->ms);
}

/* An abbreviated handshake (RFC 5246 7.3: the server echoes the client's
 * session id; RFC 5077 3.1: or accepts its ticket) resumes a session whose
 * master secret may be known from its full handshake. */
static bool resumed_secret(ctx *x) {
  tls_conv *c = x->c;
  if (dx_share_tls_active(x->p)) { /* the parts of a split capture: one cache */
    if (c->sh_sid_len && c->sh_sid_len == c->ch_sid_len &&
        memcmp(c->sh_sid, c->ch_sid, c->sh_sid_len) == 0 &&
        dx_share_tls_get(x->p, CACHE_SID, c->sh_sid, c->sh_sid_len, c->ms))
      return true;
    return c->have_ch_ticket && dx_share_tls_get(x->p, CACHE_TICKET, c->ch_ticket, 32, c->ms);
  }
  tls_state *st = dx_proto_state(x->p, &dx_proto_tls);
  if (!st)
    return false;
  if (c->sh_sid_len && c->sh_sid_len == c->ch_sid_len &&
      memcmp(c->sh_sid, c->ch_sid, c->sh_sid_len) == 0 &&
      cache_get(st, CACHE_SID, c->sh_sid, c->sh_sid_len, c->ms))
    return true;
  return c->have_ch_ticket && cache_get(st, CACHE_TICKET, c->ch_ticket, 32, c->ms);
}

/* TLS <= 1.2: both directions' pending states from the master secret. */
static void tls12_keys(ctx *x) {
  tls_conv *c = x->c;
  if (c->keys_tried)
    return;
  c->keys_tried = true;
  int why = WHY_NONE;
  const dx_tls_suite *cs = c->have_suite ? dx_tls_suite_find(c->suite) : NULL;
  if (!c->have_crandom || !c->have_srandom || !c->have_suite)
    why = WHY_MIDSTREAM;
  else if (!cs)
    why = WHY_SUITE;
  else if (!c->have_ms && find_secret(x, DX_KL_CLIENT_RANDOM, c->ms, 48) == 48)
    c->have_ms = true;
  if (!why && !c->have_ms && resumed_secret(x))
    c->have_ms = true;
  if (!why && !c->have_ms)
    why = no_key_reason(x);
  if (!why)
    cache_session(x);
  dx_tls_dec *cw = NULL, *sw = NULL;
  if (!why && dx_tls12_make(c->version, cs, c->ms, c->crandom, c->srandom, c->etm, &cw, &sw) !=
                  DX_TLS_DEC_OK)
    why = WHY_FAILED;
  c->keys[0].next = cw;
  c->keys[1].next = sw;
  c->keys[0].why = c->keys[1].why = why;
}

/* TLS 1.3: a traffic secret from the key log made into a read state. */
static dx_tls_dec *tls13_state(ctx *x, int label, int *why) {
  tls_conv *c = x->c;
  const dx_tls_suite *cs = c->have_suite ? dx_tls_suite_find(c->suite) : NULL;
  if (!cs) {
    *why = c->have_suite ? WHY_SUITE : WHY_MIDSTREAM;
    return NULL;
  }
  uint8_t sec[DX_KL_MAX_SECRET];
  size_t n = find_secret(x, label, sec, sizeof sec);
  if (n == 0) {
    *why = no_key_reason(x);
    return NULL;
  }
  dx_tls_dec *d = NULL;
  if (dx_tls13_make_draft(cs, tls13_draft(c->version), sec, n, &d) != DX_TLS_DEC_OK) {
    *why = WHY_FAILED;
    d = NULL;
  }
  OPENSSL_cleanse(sec, sizeof sec);
  return d;
}

static void keys_set(tls_keys *k, dx_tls_dec *d, int why, uint8_t epoch) {
  if (k->dec && k->dec != d)
    dx_tls_dec_free(k->dec);
  if (k->hs == k->dec)
    k->hs = NULL;
  k->dec = d;
  k->why = d ? WHY_NONE : why;
  k->epoch = epoch;
  k->fails = k->resync_wait = 0;
}

/* After a TLS 1.3 ServerHello: the handshake traffic keys (RFC 8446 7.1). */
static void tls13_handshake_keys(ctx *x) {
  tls_conv *c = x->c;
  if (!x->stateful || c->quic)
    return;
  int why = WHY_NONE;
  dx_tls_dec *s = tls13_state(x, DX_KL_SERVER_HANDSHAKE_TRAFFIC_SECRET, &why);
  keys_set(&c->keys[1], s, why, 2);
  why = WHY_NONE;
  dx_tls_dec *cl = tls13_state(x, DX_KL_CLIENT_HANDSHAKE_TRAFFIC_SECRET, &why);
  if (c->keys[0].epoch == 1 && cl) {
    /* early data is being read: the handshake keys wait for
     * EndOfEarlyData (or for a record the early keys cannot open) */
    dx_tls_dec_free(c->keys[0].hs);
    c->keys[0].hs = cl;
  } else {
    keys_set(&c->keys[0], cl, why, 2);
  }
}

/* 0-RTT: the client's early data keys, right after its ClientHello. */
static void tls13_early_keys(ctx *x) {
  tls_conv *c = x->c;
  if (!x->stateful || c->quic || !c->early_offered || c->keys[0].dec)
    return;
  /* The suite of the resumed session is not in the ClientHello: take the
   * usual one for the secret's length. */
  uint8_t sec[DX_KL_MAX_SECRET];
  size_t n = find_secret(x, DX_KL_CLIENT_EARLY_TRAFFIC_SECRET, sec, sizeof sec);
  if (n == 0)
    return;
  const dx_tls_suite *cs = dx_tls_suite_find(n == 48 ? 0x1302 : 0x1301);
  dx_tls_dec *d = NULL;
  if (cs && dx_tls13_make_draft(cs, tls13_draft(c->version), sec, n, &d) == DX_TLS_DEC_OK) {
    keys_set(&c->keys[0], d, WHY_NONE, 1);
    c->early13 = true;
  }
  OPENSSL_cleanse(sec, sizeof sec);
}

/* What a decrypted handshake message changes: Finished starts the
 * application keys of its sender, KeyUpdate the next generation,
 * EndOfEarlyData the client's handshake keys (RFC 8446 4.4.4, 4.6.3, 4.5). */
static void keys_after_message(ctx *x, uint8_t type) {
  tls_conv *c = x->c;
  int side = sender(x);
  if (!x->stateful || c->quic || !c->tls13 || side < 0 || !x->decrypted)
    return;
  tls_keys *k = &c->keys[side];
  if (type == HS_FINISHED && k->epoch == 2) {
    int why = WHY_NONE;
    dx_tls_dec *d =
        tls13_state(x, side ? DX_KL_SERVER_TRAFFIC_SECRET_0 : DX_KL_CLIENT_TRAFFIC_SECRET_0, &why);
    keys_set(k, d, why, 3);
  } else if (type == HS_KEY_UPDATE && k->epoch == 3 && k->dec) {
    if (dx_tls13_key_update(k->dec) != DX_TLS_DEC_OK)
      keys_set(k, NULL, WHY_FAILED, 3);
  } else if (type == 5 && k->epoch == 1 && k->hs) { /* EndOfEarlyData */
    dx_tls_dec *hs = k->hs;
    k->hs = NULL;
    keys_set(k, hs, WHY_NONE, 2);
  }
}

static const char *why_text(int why) {
  switch (why) {
  case WHY_NO_KEYLOG:
    return "not decrypted: no key log given (--keylog FILE, or SSLKEYLOGFILE) and no RSA key";
  case WHY_NO_KEY: return "not decrypted: the key log has no secret for this client random";
  case WHY_MIDSTREAM:
    return "not decrypted: the capture started after the handshake (no ClientHello/ServerHello)";
  case WHY_SUITE: return "not decrypted: cipher suite not supported for decryption";
  case WHY_FAILED: return "not decrypted: key derivation failed";
  case WHY_EARLY:
    return "not decrypted: 0-RTT early data, and the key log has no CLIENT_EARLY_TRAFFIC_SECRET "
           "for this client random";
  case WHY_EARLY_SKIP:
    return "not decrypted: 0-RTT early data (or EndOfEarlyData) under the client's early "
           "traffic secret, which the key log does not have (CLIENT_EARLY_TRAFFIC_SECRET): the "
           "client's handshake key does not open it, so it is skipped as a server skips it "
           "(RFC 8446 4.2.10)";
  default: return "not decrypted";
  }
}

/* Records lost before a record (a gap in the TCP stream that was given up,
 * segments not captured or not handed up) leave the record sequence number
 * behind, which the AEAD suites authenticate (RFC 8446 5.3, RFC 5246
 * 6.2.3.3): every later record fails its tag check. A record that fails is
 * therefore tried under the next RESYNC_SPAN sequence numbers; the tag
 * check makes a wrong guess fail (a forgery chance of 2^-128 a try), so a
 * record that opens is the real one and the count of records lost is
 * known. The search costs up to RESYNC_SPAN decryptions of the record, so
 * after a search that finds nothing the next one waits for 1, 2, 4 ...
 * more failed records (at most RESYNC_SPAN searches' worth of work in a
 * run of failures, whatever a crafted stream does). Other suites (CBC's
 * IV chain in TLS 1.0, a key update lost in the gap) are left as they are.
 * On success *lost is the number of records skipped and d's sequence
 * number follows the record that opened. */
#define RESYNC_SPAN 128
static bool resync(tls_keys *k, uint64_t seq, uint8_t ct, uint16_t ver, const uint8_t *in,
                   size_t len, uint8_t *out, size_t *olen, uint8_t *inner, uint64_t *lost) {
  const dx_tls_suite *cs = dx_tls_dec_suite(k->dec);
  if (!cs || (cs->mode != DX_TLS_M_GCM && cs->mode != DX_TLS_M_CCM && cs->mode != DX_TLS_M_CCM8 &&
              cs->mode != DX_TLS_M_CHACHA))
    return false;
  if (k->fails++ < k->resync_wait)
    return false;
  for (uint64_t j = 1; j <= RESYNC_SPAN; j++) {
    uint8_t ic = ct;
    dx_tls_dec_set_seq(k->dec, seq + j);
    if (dx_tls_decrypt(k->dec, ct, ver, in, len, out, olen, &ic) == DX_TLS_DEC_OK) {
      *inner = ic;
      *lost = j;
      return true;
    }
  }
  dx_tls_dec_set_seq(k->dec, seq + 1); /* as after any record that failed */
  k->fails = 0;
  k->resync_wait =
      k->resync_wait ? (k->resync_wait < (1u << 20) ? 2 * k->resync_wait : k->resync_wait) : 1;
  return false;
}

/* Decrypts the record body in *rt (ct/ver from its header). On success *rt
 * becomes a tvb over a new data source "Decrypted TLS (N bytes)" and *ct
 * the inner content type. Otherwise the tree says why. */
static bool try_decrypt(ctx *x, dx_node *rec, uint8_t *ct, uint16_t ver, dx_tvb *rt) {
  tls_conv *c = x->c;
  dx_packet *p = x->p;
  int side = sender(x);
  if (!x->stateful)
    return false;
  if (side < 0 || (!c->tls13 && !c->keys[side].dec && !c->keys_tried)) {
    if (side < 0 || c->keys[side & 1].why == WHY_NONE) {
      {
        int why = no_key_reason(x);
        if (x->early_data && why == WHY_NO_KEY)
          why = WHY_EARLY;
        dx_node *n = dx_add_none(p, rec, XF(F_DECRYPT), rt, 0, 0);
        dx_node_set_flags(n, DX_NODE_GENERATED);
        dx_expert(p, n, dx_field_expert(), DX_SEV_NOTE, "[%s]", why_text(why));
      }
      return false;
    }
  }
  tls_keys *k = &c->keys[side];
  if (!k->dec) {
    {
      dx_node *n = dx_add_none(p, rec, XF(F_DECRYPT), rt, 0, 0);
      dx_node_set_flags(n, DX_NODE_GENERATED);
      dx_expert(p, n, dx_field_expert(), k->why == WHY_FAILED ? DX_SEV_WARN : DX_SEV_NOTE, "[%s]",
                why_text(k->why ? k->why : no_key_reason(x)));
    }
    return false;
  }
  const uint8_t *in = dx_get_ptr(rt, 0, rt->len);
  if (!in || rt->len < rt->reported)
    return false; /* the capture cut the record: nothing to open */
  uint8_t *out = dx_arena_alloc(&p->arena, rt->len ? rt->len : 1);
  if (!out)
    return false;
  size_t olen = 0;
  uint8_t inner = *ct;
  uint64_t seq = dx_tls_dec_seq(k->dec);
  int rc = dx_tls_decrypt(k->dec, *ct, ver, in, rt->len, out, &olen, &inner);
  if (rc == DX_TLS_DEC_BAD_TAG && k->epoch == 1 && k->hs) {
    /* the server did not take the early data: the client is on its
     * handshake keys already */
    dx_tls_dec *hs = k->hs;
    k->hs = NULL;
    keys_set(k, hs, WHY_NONE, 2);
    seq = dx_tls_dec_seq(k->dec);
    rc = dx_tls_decrypt(k->dec, *ct, ver, in, rt->len, out, &olen, &inner);
  }
  if (side == 0 && k->epoch == 2 && c->early_offered && !c->client_hs_opened) {
    if (rc == DX_TLS_DEC_BAD_TAG) {
      /* 0-RTT data whose keys we lack, before the client's first
       * handshake record: skipped, it does not count (RFC 8446 4.2.10) */
      dx_tls_dec_set_seq(k->dec, seq);
      dx_node *n = dx_add_none(p, rec, XF(F_DECRYPT), rt, 0, 0);
      dx_node_set_flags(n, DX_NODE_GENERATED);
      dx_expert(p, n, dx_field_expert(), DX_SEV_NOTE, "[%s]", why_text(WHY_EARLY_SKIP));
      return false;
    }
    if (rc == DX_TLS_DEC_OK)
      c->client_hs_opened = true;
  }
  uint64_t lost = 0;
  if (rc == DX_TLS_DEC_BAD_TAG && resync(k, seq, *ct, ver, in, rt->len, out, &olen, &inner, &lost))
    rc = DX_TLS_DEC_OK;
  if (rc == DX_TLS_DEC_OK) {
    k->fails = 0;
    k->resync_wait = 0;
  }
  if (rc == DX_TLS_DEC_OK && lost) {
    /* what the lost records held is lost to the application too: a PDU it
     * was reassembling is dropped, as at a TCP gap */
    if (c->inner)
      dx_stream_gap(c->inner, side);
    dx_node *n = dx_add_none(p, rec, XF(F_DECRYPT), rt, 0, 0);
    dx_node_set_flags(n, DX_NODE_GENERATED);
    dx_expert(p, n, dx_field_expert(), DX_SEV_WARN,
              "[%llu record%s before this one never reached TLS (bytes of the TCP stream lost, "
              "not captured or not reassembled): decryption resumed at record %llu (%s)]",
              (unsigned long long)lost, lost == 1 ? "" : "s", (unsigned long long)(seq + lost),
              side ? "server" : "client");
  }
  if (rc != DX_TLS_DEC_OK) {
    dx_node *n = dx_add_none(p, rec, XF(F_DECRYPT), rt, 0, rt->len);
    dx_node_set_flags(n, DX_NODE_GENERATED);
    if (rc == DX_TLS_DEC_BAD_TAG)
      dx_expert(p, n, dx_field_expert(), DX_SEV_ERROR,
                "[Decryption failed: the %s check of record %llu (%s) failed: wrong key, "
                "bytes changed, or records before it lost]",
                dx_tls_dec_suite(k->dec) && dx_tls_dec_suite(k->dec)->mac_md ? "MAC" : "tag",
                (unsigned long long)seq, side ? "server" : "client");
    else if (rc == DX_TLS_DEC_SHORT)
      dx_expert(p, n, dx_field_expert(), DX_SEV_ERROR,
                "[Decryption failed: record %llu is too short for its cipher]",
                (unsigned long long)seq);
    else
      dx_expert(p, n, dx_field_expert(), DX_SEV_WARN, "[Decryption failed (status %d)]", rc);
    return false;
  }
  dx_tvb dt = dx_packet_add_source_kind(p, DX_SRC_DECRYPTED, "TLS", out, (uint32_t)olen);
  if (dt.len != olen) {
    dx_expert(p, rec, dx_field_limit(), DX_SEV_WARN,
              "[Too many data sources in one packet: decrypted record not shown]");
    return false;
  }
  *rt = dt;
  *ct = inner;
  return true;
}

/* How the TLS layer shows the decrypted bytes it hands to the byte stream. */
static const dx_stream_kind tls_kind = {
    .name = "TLS",
    .port_table = DX_TABLE_TLS_PORT,
    .heuristics = true,
    .seg_data = &tls_fields[F_SEG_DATA],
    .segments = &tls_fields[F_SEGMENTS],
    .segment = &tls_fields[F_SEGMENT],
    .seg_count = &tls_fields[F_SEG_COUNT],
    .reasm_len = &tls_fields[F_REASM_PDU_LEN],
    .reasm_data = &tls_fields[F_REASM_PDU_DATA],
    .piece_word = "segments",
};

/* Decrypted application data goes up the stack through the byte stream.
 * Returns true if its bytes only went into a PDU still incomplete. */
static bool deliver_app(ctx *x, const dx_tvb *pt) {
  dx_packet *p = x->p;
  tls_conv *c = x->c;
  if (!x->stateful || pt->len == 0)
    return false;
  if (!c->inner) {
    if (!dx_budget_take(c->budget, c->budget_max, INNER_COST))
      return false;
    c->inner = calloc(1, sizeof *c->inner);
    if (!c->inner) {
      dx_budget_give(c->budget, INNER_COST);
      return false;
    }
    const dx_config *cfg = dx_packet_config(p);
    dx_reasm_limits lim = {cfg->max_stream_bytes, cfg->max_total_stream_bytes,
                           dx_packet_stream_budget(p)};
    dx_stream_init(c->inner, &tls_kind, p->flow, p->bstream, &lim, NULL, NULL);
    if (p->bstream) {
      c->inner->port[0] = p->bstream->port[0];
      c->inner->port[1] = p->bstream->tunnel_port ? p->bstream->tunnel_port : p->bstream->port[1];
    }
  }
  c->inner->alpn = c->alpn[0] ? c->alpn : NULL;
  dx_reasm_piece piece = {p->num, pt->len, 0, 0};
  const char *snap_info = NULL, *snap_proto = p->col_proto;
  if (p->want_columns)
    snap_info = dx_arena_strndup(&p->arena, p->col_info ? p->col_info : "", p->col_info_len);
  dx_stream_input in = {x->dir, pt->data, pt->len, pt, 0, &piece, 1, x->tls, x->parent, 0};
  dx_stream_result res;
  dx_stream_deliver(p, c->inner, &in, &res);
  if (res.pdu_done && res.app_took) {
    x->app_cols = true;
  } else if (p->want_columns && res.called_any) {
    /* only part of a PDU: the columns stay TLS's */
    dx_col_info_restore(p, snap_info ? snap_info : "", snap_info ? strlen(snap_info) : 0);
    dx_col_set_proto(p, snap_proto);
  }
  return res.buffered && !res.pdu_done;
}

/* One whole handshake message in t at [0, t->len). */
/* The body of a handshake message of the given type, [off, end) of t,
 * under hs; false if it was a HelloRetryRequest. */
static bool handshake_body(ctx *x, dx_node *hs, uint8_t type, const dx_tvb *t, uint32_t off,
                           uint32_t end) {
  dx_packet *p = x->p;
  cur m = cur_make(x->fl, p, t, off, end, hs);
  bool hrr = false;
  switch (type) {
  case HS_HELLO_VERIFY: /* DTLS's only (RFC 6347 4.2.1): in TLS, as tshark, no body */
    if (!x->dtls)       /* (and TLS's table has no F_D_* fields) */
      break;
    cur_uint(&m, hs, F_HVER, 2, NULL);
    short_vec(&m, hs, F_D_COOKIE_LEN, F_D_COOKIE);
    break;
  case HS_CLIENT_HELLO: client_hello(x, &m, hs); break;
  case HS_SERVER_HELLO: server_hello(x, &m, hs, &hrr); break;
  case HS_CERT: certificate(x, &m, hs); break;
  case HS_CERT_STATUS:
    x->stapled = NULL;
    certificate_status(x, &m, hs);
    if (x->stapled && (x->c->client_dir < 0 || x->dir != x->c->client_dir))
      dx_trust_stapled(x->p, hs, &x->c->trust, x->stapled, x->stapled_len);
    x->stapled = NULL;
    break;
  case HS_SKE: server_key_exchange(x, &m, hs); break;
  case HS_CR: certificate_request(x, &m, hs); break;
  case HS_SHD: break;
  case HS_CV: signature(x, &m, hs, F_CV_SIG_LEN, F_CV_SIG); break;
  case HS_CKE: client_key_exchange(x, &m, hs); break;
  case HS_NST: new_session_ticket(x, &m, hs); break;
  case HS_EE: extensions(x, &m, hs, HS_EE, false); break;
  case HS_FINISHED:
    if (x->c->version == 0x0300 && cur_left(&m) >= 36) {
      /* SSL 3.0 (RFC 6101 5.6.9): md5_hash[16], sha_hash[20] */
      dx_add_none(p, hs, XF(F_MD5_HASH), t, m.off, 16);
      dx_add_none(p, hs, XF(F_SHA_HASH), t, m.off + 16, 20);
    } else if (cur_left(&m)) {
      dx_add_none(p, hs, XF(F_VERIFY), t, m.off, cur_left(&m));
    }
    m.off = m.end;
    break;
  case HS_KEY_UPDATE: /* beside the handshake message, in its record, as tshark puts it */
    cur_uint(&m, hs && hs->parent ? hs->parent : hs, F_KEYUPDATE, 1, NULL);
    break;
  default:
    m.off = m.end; /* body not decoded */
    break;
  }
  if (!m.fail && cur_left(&m))
    dx_mark_malformed(p, hs, "%u byte%s of undecoded data at the end of the message", cur_left(&m),
                      cur_left(&m) == 1 ? "" : "s");
  return hrr;
}

#define HS_UNKNOWN "Encrypted Handshake Message"

static void handshake_message(ctx *x, const dx_tvb *t, dx_node *parent) {
  dx_packet *p = x->p;
  uint8_t type = 0;
  uint32_t mlen = 0;
  dx_get_u8(t, 0, &type);
  dx_get_u24(t, 1, &mlen);
  dx_node *hs = dx_add_none(p, parent, XF(F_HS), t, 0, 4 + mlen);
  /* a type nobody knows is named as tshark names it (its
   * val_to_str_const default); the name outlives this function as the
   * record's (x->first_msg), so it is never a local buffer */
  const char *name = dx_val_name_def(dx_tls_hs_vals, type, HS_UNKNOWN);
  dx_add_item(p, hs, XF(F_HTYPE), t, 0, 1);
  dx_add_item(p, hs, XF(F_HLEN), t, 1, 3);
  if (type != 0 && 4 + mlen <= t->len)
    transcript_add(x, t, 4 + mlen);
  if (handshake_body(x, hs, type, t, 4, 4 + mlen))
    name = "Hello Retry Request";
  if (type == HS_CLIENT_HELLO)
    tls13_early_keys(x);
  keys_after_message(x, type);
  dx_node_set_text(p, hs, "Handshake Protocol: %s", name);
  if (x->nmsgs++ == 0)
    x->first_msg = name;
  if (type == HS_CLIENT_HELLO && x->sni_set)
    info_add(x, "%s (SNI=%s)", name, x->sni);
  else
    info_add(x, "%s", name);
}

/* Appends bytes to the pending handshake message of this direction. The
 * buffer counts against the session's stream byte budget. */
static bool hs_append(ctx *x, tls_dir *d, const uint8_t *b, uint32_t n) {
  uint32_t cap = dx_packet_config(x->p)->max_stream_bytes;
  if (cap == 0 || cap > (1u << 24) + 4)
    cap = (1u << 24) + 4;
  if (d->hs_len + n > cap || d->hs_len + n < d->hs_len)
    return false;
  if (d->hs_len + n > d->hs_cap) {
    uint32_t nc = d->hs_cap ? d->hs_cap : 1024;
    while (nc < d->hs_len + n)
      nc = nc > cap / 2 ? cap : nc * 2;
    uint64_t *budget = x->stateful ? x->c->budget : NULL;
    if (budget && *budget + (nc - d->hs_cap) > x->c->budget_max)
      return false;
    uint8_t *nb = realloc(d->hs_buf, nc);
    if (!nb)
      return false;
    if (budget)
      *budget += nc - d->hs_cap;
    d->hs_buf = nb;
    d->hs_cap = nc;
  }
  memcpy(d->hs_buf + d->hs_len, b, n);
  d->hs_len += n;
  if (d->hs_need == 0 && d->hs_len >= 4)
    d->hs_need = 4 + ((uint32_t)d->hs_buf[1] << 16 | (uint32_t)d->hs_buf[2] << 8 | d->hs_buf[3]);
  return true;
}

static void hs_reset(tls_conv *c, tls_dir *d) {
  if (c->budget)
    *c->budget -= d->hs_cap;
  free(d->hs_buf);
  d->hs_buf = NULL;
  d->hs_len = d->hs_cap = d->hs_need = 0;
}

static void hs_limit(ctx *x, dx_node *rec, tls_dir *d) {
  dx_expert(x->p, rec, dx_field_limit(), DX_SEV_WARN,
            "[TLS handshake message larger than the reassembly limit (%u bytes per message, "
            "%llu for all streams): not reassembled]",
            dx_packet_config(x->p)->max_stream_bytes,
            (unsigned long long)dx_packet_config(x->p)->max_total_stream_bytes);
  hs_reset(x->c, d);
}

/* A piece of a handshake message whose rest comes in a later record, as
 * tshark 4 shows it: "Handshake Protocol: TYPE (fragment)" with no fields
 * of the message (its type and length are read only once it is whole);
 * alone at the start of a record it names the record and the Info column
 * says "[TYPE Fragment]". */
static void hs_fragment(ctx *x, dx_node *rec, const dx_tvb *rt, uint32_t off, uint32_t len,
                        uint8_t type) {
  dx_packet *p = x->p;
  const char *tn = dx_val_name_def(dx_tls_hs_vals, type, HS_UNKNOWN);
  dx_node *fr = dx_add_none(p, rec, XF(F_HS), rt, off, len);
  dx_node_set_text(p, fr, "Handshake Protocol: %s (fragment)", tn);
  if (x->nmsgs++ == 0) {
    const char *fm = dx_arena_printf(&p->arena, "%s (fragment)", tn);
    x->first_msg = fm ? fm : "Handshake fragment";
    info_add(x, "[%s Fragment]", tn);
  }
}

/* The body of a handshake record (rt covers exactly the record body). */
static void handshake_record(ctx *x, const dx_tvb *rt, dx_node *rec) {
  dx_packet *p = x->p;
  tls_dir *d = &x->c->dir[x->dir & 1];
  uint32_t off = 0;
  /* Continue a message cut by the previous record of this direction. */
  if (x->stateful && d->hs_len) {
    /* twice at most: the rest of a cut 4-byte header, then the body */
    for (int pass = 0; pass < 2 && off < rt->len; pass++) {
      if (d->hs_need && d->hs_len >= d->hs_need)
        break;
      uint32_t want = d->hs_need ? d->hs_need - d->hs_len : 4 - d->hs_len;
      uint32_t left = rt->len - off;
      uint32_t take = want < left ? want : left;
      const uint8_t *b = dx_get_ptr(rt, off, take);
      if (!b || !hs_append(x, d, b, take)) {
        hs_limit(x, rec, d);
        return;
      }
      off += take;
    }
    if (d->hs_need == 0 || d->hs_len < d->hs_need) {
      /* a middle piece: tshark names the record "Multiple Handshake
       * Messages" and says nothing in the Info column (which TLS still
       * takes over from TCP) */
      dx_node *fr = dx_add_none(p, rec, XF(F_HS), rt, 0, off);
      dx_node_set_text(p, fr, "Handshake Protocol: %s (fragment)",
                       dx_val_name_def(dx_tls_hs_vals, d->hs_buf[0], HS_UNKNOWN));
      x->nmsgs += 2;
      if (p->want_columns && !x->app_cols && x->c->info_frame != p->num + 1) {
        x->c->info_frame = p->num + 1;
        dx_col_info_set(p, "%s", "");
      }
      return;
    }
    if (d->hs_need && d->hs_len >= d->hs_need) {
      /* tshark: the piece that completes the message, then the message */
      dx_node *lf = dx_add_none(p, rec, XF(F_HS), rt, 0, off);
      dx_node_set_text(p, lf, "Handshake Protocol: %s (last fragment)",
                       dx_val_name_def(dx_tls_hs_vals, d->hs_buf[0], HS_UNKNOWN));
      dx_tvb mt =
          dx_packet_add_source_kind(p, DX_SRC_REASSEMBLED, "TLS Handshake", d->hs_buf, d->hs_len);
      uint32_t total = d->hs_len;
      if (mt.len == total) {
        handshake_message(x, &mt, rec);
        dx_node *rl = dx_add_uint(p, rec, XF(F_REASM_LEN), &mt, 0, total, total);
        dx_node_set_flags(rl, DX_NODE_GENERATED);
      } else {
        dx_expert(p, rec, dx_field_limit(), DX_SEV_WARN,
                  "[Too many data sources in one packet: reassembled handshake not shown]");
      }
      hs_reset(x->c, d);
    }
  }
  for (unsigned i = 0; off < rt->len && i < 4096; i++) {
    uint32_t left = rt->len - off;
    uint8_t type = 0;
    uint32_t mlen = 0;
    dx_get_u8(rt, off, &type);
    if (left >= 4)
      dx_get_u24(rt, off + 1, &mlen);
    if (left < 4 || 4 + mlen > left) {
      if (x->stateful && rt->reported <= rt->len) {
        /* The message continues in the next handshake record. */
        const uint8_t *b = dx_get_ptr(rt, off, left);
        hs_reset(x->c, d);
        if (!b || !hs_append(x, d, b, left)) {
          hs_limit(x, rec, d);
          return;
        }
        hs_fragment(x, rec, rt, off, left, type);
        return;
      }
      /* No stream state: dissect what is there as a cut message. */
      dx_tvb mt = dx_tvb_sub(rt, off, left);
      if (left < 4) {
        dx_node *fr = dx_add_none(p, rec, XF(F_HS), rt, off, left);
        dx_mark_truncated(p, fr, "handshake message header needs 4 bytes");
      } else {
        handshake_message(x, &mt, rec);
      }
      return;
    }
    dx_tvb mt = dx_tvb_sub(rt, off, 4 + mlen);
    handshake_message(x, &mt, rec);
    off += 4 + mlen;
  }
}

static const char *app_proto_name(const ctx *x) {
  const char *a = x->c->alpn;
  if (strcmp(a, "http/1.1") == 0 || strcmp(a, "http/1.0") == 0)
    return "Hypertext Transfer Protocol";
  if (strcmp(a, "h2") == 0)
    return "HyperText Transfer Protocol 2";
  if (strcmp(a, "dot") == 0)
    return "Domain Name System";
  if (a[0])
    return NULL;
  uint16_t sp = x->p->srcport, dp = x->p->dstport;
  uint16_t tp = x->p->bstream ? x->p->bstream->tunnel_port : 0; /* HTTPS through a proxy */
  if (sp == 443 || dp == 443 || tp == 443)
    return "Hypertext Transfer Protocol";
  if (sp == 853 || dp == 853 || tp == 853)
    return "Domain Name System";
  return NULL;
}

/* A heartbeat record (RFC 6520) as tshark 4.0 reads it (tls.h). TLS: a
 * type it knows (request, response) or a record it decrypted is a message
 * in the clear, whatever came before; a payload length the record cannot
 * hold with 16 bytes of padding is noted and the rest of the record taken
 * as payload (the Heartbleed request's form). DTLS is stricter: such a
 * length makes the record an encrypted heartbeat. */
bool dx_tls_heartbeat(dx_packet *p, const dx_field *fl, dx_node *rec, const dx_tvb *rt,
                      uint16_t len, const char *vs, bool dtls, bool decrypted, char *info,
                      size_t cap) {
  dx_node *hb = len ? dx_add_none(p, rec, &fl[F_HEARTBEAT], rt, 0, rt->len) : NULL;
  uint8_t type = 0;
  uint16_t plen = 0;
  if (!dx_get_u8(rt, 0, &type) || !dx_get_u16(rt, 1, &plen)) {
    dx_exception_malformed(p, dtls ? "DTLS" : "TLS", rt);
    return false;
  }
  const char *tn = dx_val_name(dx_tls_heartbeat_type_vals, type);
  bool fits = len >= 19 && plen <= len - 19u;
  if (dtls ? !tn || !fits : !tn && !decrypted) {
    dx_node_set_text(p, rec, "%s Record Layer: Encrypted Heartbeat", vs);
    dx_node_set_text(p, hb, "Encrypted Heartbeat Message");
    snprintf(info, cap, "Encrypted Heartbeat");
    return true;
  }
  snprintf(info, cap, "Heartbeat %s", tn ? tn : "Unknown");
  dx_node_set_text(p, rec, "%s Record Layer: %s", vs, info);
  dx_add_item(p, hb, &fl[F_HB_TYPE], rt, 0, 1);
  dx_node *pl = dx_add_uint(p, hb, &fl[F_HB_PLEN], rt, 1, 2, plen);
  uint32_t payload = plen, padding = 0;
  if (!fits) {
    payload = len - 3u;
    dx_node_set_text(p, pl, "Payload Length: %u (invalid, using %u to decode payload)", plen,
                     payload);
    dx_expert(p, pl, &fl[F_HB_PLEN_INVALID], DX_SEV_ERROR, "Invalid heartbeat payload length (%u)",
              plen);
  } else {
    padding = len - 3u - plen;
  }
  dx_node *n = dx_add_bytes(p, hb, &fl[F_HB_PAYLOAD], rt, 3, payload);
  dx_node_set_text(p, n, "Payload (%u byte%s)", payload, payload == 1 ? "" : "s");
  if (padding) {
    n = dx_add_bytes(p, hb, &fl[F_HB_PADDING], rt, 3 + payload, padding);
    dx_node_set_text(p, n, "Padding and HMAC (%u byte%s)", padding, padding == 1 ? "" : "s");
  }
  return true;
}

/* A TLS heartbeat record; after tshark's exception the TLS layer of the
 * frame ends there (x->stop). */
static void heartbeat(ctx *x, dx_node *rec, const dx_tvb *rt, uint16_t len, const char *vs) {
  char info[32];
  if (!dx_tls_heartbeat(x->p, x->fl, rec, rt, len, vs, x->dtls, x->decrypted, info, sizeof info))
    x->stop = true;
  else
    info_add(x, "%s", info);
}

static void record(ctx *x, const dx_tvb *t, uint32_t off, dx_node *tls, uint8_t ct, uint16_t ver,
                   uint16_t len) {
  dx_packet *p = x->p;
  tls_conv *c = x->c;
  tls_dir *d = &c->dir[x->dir & 1];
  x->rec_ver = ver;
  x->nmsgs = 0;
  x->first_msg = NULL;
  x->decrypted = false;
  /* with 0-RTT keys the client's records before the ServerHello are TLS
   * 1.3 ones already, as tshark names them */
  bool early = (c->early13 || c->early_offered) && !c->version && x->dir == c->client_dir;
  const char *vs = ver_short(c->version       ? c->version
                             : early          ? 0x0304
                             : c->rec_version ? c->rec_version
                                              : ver);
  dx_node *rec = dx_add_none(p, tls, XF(F_RECORD), t, off, 5u + len);
  bool opaque = (c->tls13 || early) && ct == 23;
  if (early && ct == 23)
    x->early_data = true;
  if (early)
    x->early_rec = true;
  dx_add_item(p, rec, XF(opaque ? F_OPAQUE : F_CT), t, off, 1);
  dx_add_item(p, rec, XF(F_RVER), t, off + 1, 2);
  dx_node *ln = dx_add_item(p, rec, XF(F_RLEN), t, off + 3, 2);
  /* RFC 5246 6.2.3, RFC 8446 5.2: as tshark 4.0's ssl_check_record_length()
   * (the record is shown all the same) */
  uint32_t expansion = c->version == 0x0304 || c->tls13 ? 256u : 2048u;
  if (len > 16384u + expansion)
    dx_expert(p, ln, XF(F_RLEN_INVALID), DX_SEV_ERROR,
              "TLSCiphertext length MUST NOT exceed 2^14 + %u", expansion);
  dx_tvb rt = dx_tvb_sub(t, off + 5, len);
  if (rt.len < len)
    dx_mark_truncated(p, rec, "record body");
  /* Encrypted: after ChangeCipherSpec (<= 1.2), after the ServerHello
   * (1.3), or early data of a client with 0-RTT keys. */
  int side = sender(x);
  bool enc = d->encrypted;
  /* application data is never in the clear: early data of a client with
   * 0-RTT keys, or a capture that started after the handshake */
  if (!enc && ct == 23)
    enc = true;
  dx_tvb wire = rt;
  if (enc && ct != 20 && try_decrypt(x, rec, &ct, ver, &rt)) {
    enc = false;
    x->decrypted = true;
    if (opaque) {
      dx_node *cn = dx_add_uint(p, rec, XF(F_CT), &rt, 0, 0, ct);
      dx_node_set_flags(cn, DX_NODE_GENERATED);
    }
  }
  switch (ct) {
  case 20: {
    dx_node *ccs = dx_add_none(p, rec, XF(F_CCS), &rt, 0, rt.len);
    /* TLS <= 1.2: the server changes cipher spec first only in an
     * abbreviated handshake (RFC 5246 7.3), which resumes a session; a
     * note on its CCS, as tshark's */
    if (!c->tls13 && !c->hrr && x->stateful && side == 0)
      c->client_ccs = true;
    else if (!c->tls13 && !c->hrr && x->stateful && side == 1 && !c->client_ccs)
      dx_expert(p, ccs, XF(F_RESUMED), DX_SEV_NOTE,
                "This session reuses previously negotiated keys (Session resumption)");
    dx_node_set_text(p, rec, "%s Record Layer: Change Cipher Spec Protocol: Change Cipher Spec",
                     vs);
    /* after a HelloRetryRequest the CCS is TLS 1.3's middlebox
     * compatibility one (RFC 8446 D.4): nothing changes; so for a client's
     * CCS between its ClientHello and the ServerHello (sent with early
     * data), which TLS <= 1.2 never has; but not after a ClientKeyExchange,
     * which TLS 1.3 never has (the ServerHello was lost: a gap) */
    bool compat13 = x->stateful && side == 0 && !c->version && c->have_crandom && !c->client_kx;
    if (!c->tls13 && !c->hrr && !compat13) {
      d->encrypted = true;
      /* RFC 5246 7.1: the pending read state becomes current. */
      if (x->stateful && side >= 0) {
        tls12_keys(x);
        tls_keys *k = &c->keys[side];
        if (k->next) {
          dx_tls_dec_free(k->dec);
          k->dec = k->next;
          k->next = NULL;
        }
      }
    }
    info_add(x, "Change Cipher Spec");
    break;
  }
  case 21: {
    dx_node *a = dx_add_none(p, rec, XF(F_ALERT), &rt, 0, rt.len);
    if (enc || rt.len != 2) {
      dx_node_set_text(p, a, "Alert Message: Encrypted Alert");
      dx_node_set_text(p, rec, "%s Record Layer: Encrypted Alert", vs);
      info_add(x, "Encrypted Alert");
      break;
    }
    uint8_t lv = 0, ds = 0;
    dx_get_u8(&rt, 0, &lv);
    dx_get_u8(&rt, 1, &ds);
    dx_add_item(p, a, XF(F_ALEVEL), &rt, 0, 1);
    dx_add_item(p, a, XF(F_ADESC), &rt, 1, 1);
    const char *ln = dx_val_name_def(alert_level_vals, lv, "Unknown");
    const char *dn = dx_val_name_def(dx_tls_alert_vals, ds, "Unknown");
    dx_node_set_text(p, a, "Alert Message");
    dx_node_set_text(p, rec, "%s Record Layer: Alert (Level: %s, Description: %s)", vs, ln, dn);
    info_add(x, "Alert (Level: %s, Description: %s)", ln, dn);
    break;
  }
  case 22: {
    uint8_t first = 0;
    dx_get_u8(&rt, 0, &first);
    bool known = dx_val_name(dx_tls_hs_vals, first) != NULL;
    if (enc || (!d->hs_len && !known) || rt.len == 0) {
      dx_node *h = dx_add_none(p, rec, XF(F_HS), &rt, 0, rt.len);
      dx_node_set_text(p, h, "Handshake Protocol: Encrypted Handshake Message");
      dx_node_set_text(p, rec, "%s Record Layer: Handshake Protocol: Encrypted Handshake Message",
                       vs);
      info_add(x, "Encrypted Handshake Message");
      break;
    }
    handshake_record(x, &rt, rec);
    /* named by the version known when the record started, as tshark does
     * (the ServerHello's record by its own version) */
    if (x->nmsgs > 1)
      dx_node_set_text(p, rec, "%s Record Layer: Handshake Protocol: Multiple Handshake Messages",
                       vs);
    else
      dx_node_set_text(p, rec, "%s Record Layer: Handshake Protocol: %s", vs,
                       x->first_msg ? x->first_msg : "Handshake");
    break;
  }
  case 23: {
    const char *ap = app_proto_name(x);
    dx_add_bytes(p, rec, XF(F_APPDATA), &wire, 0, wire.len);
    dx_node_set_text(p, rec, "%s Record Layer: Application Data Protocol: %s", vs,
                     ap ? ap : "Application Data");
    if (ap) {
      dx_node *an = dx_add_string(p, rec, XF(F_APPPROTO), &wire, 0, 0, ap, strlen(ap));
      dx_node_set_flags(an, DX_NODE_GENERATED);
    }
    if (c->tls13 && !x->decrypted && !c->note_done && c->client_dir >= 0 &&
        x->dir != c->client_dir) {
      c->note_done = true;
      static const char note[] =
          "In TLS 1.3 the server's Certificate, CertificateVerify and Finished travel "
          "encrypted after the ServerHello; they can be read only with the session keys "
          "(SSLKEYLOGFILE)";
      dx_node *nn = dx_add_string(p, rec, XF(F_NOTE), &rt, 0, 0, note, sizeof note - 1);
      dx_node_set_flags(nn, DX_NODE_GENERATED);
      dx_node_set_text(p, nn, "Note: %s", note);
    }
    bool segment = x->decrypted && deliver_app(x, &rt);
    if (!x->app_cols)
      info_add(x, "%s", segment ? "[TLS segment of a reassembled PDU]" : "Application Data");
    break;
  }
  case 24: heartbeat(x, rec, &rt, len, vs); break;
  default:
    if (x->decrypted) {
      dx_node *u = dx_add_bytes(p, rec, XF(F_APPDATA), &rt, 0, rt.len);
      dx_mark_malformed(p, u, "Unknown inner content type %u", ct);
    }
    break;
  }
}

static bool valid_header(const dx_tvb *t, uint32_t off) {
  uint8_t ct = 0, maj = 0, min = 0;
  if (!dx_get_u8(t, off, &ct) || ct < 20 || ct > 24)
    return false;
  if (dx_get_u8(t, off + 1, &maj) && maj != 3)
    return false;
  if (dx_get_u8(t, off + 2, &min) && min > 4)
    return false;
  return true;
}

/* The connection's version as tshark 4.0 knows it (session->version). */
static uint16_t session_version(const tls_conv *c) {
  return c->version ? c->version : c->rec_version;
}

/* The version a whole record at off gives the connection when none is
 * known yet, as tshark 4.0's ssl_try_set_version() (0: none): a record of
 * a valid type other than a handshake, or a handshake record whose first
 * message is of a valid type other than a ClientHello, with an SSL 3.0 to
 * TLS 1.3 (or GM TLS) version. */
static uint16_t authoritative_version(const dx_tvb *t, uint32_t off, uint8_t ct, uint16_t ver) {
  static const uint8_t hs_ok[] = {0,  2,  4,  5,  6,  8,  11, 12, 13, 14,
                                  15, 16, 20, 21, 22, 23, 24, 25, 67};
  if (ct < 20 || ct > 25)
    return 0;
  if (ct == 22) {
    uint8_t hs = 0;
    if (!dx_get_u8(t, off + 5, &hs) || !memchr(hs_ok, hs, sizeof hs_ok))
      return 0;
  }
  if ((ver >= 0x0300 && ver <= 0x0304) || ver == 0x0101)
    return ver;
  return 0;
}

/* Whether a record starts at off in connection c, as tshark 4.0's
 * dissect_ssl() decides: once the connection's version is SSL 3.0 to TLS
 * 1.2, any valid content type starts one whatever its version bytes say
 * (dissect_ssl3_record() reads only the type); otherwise the version must
 * look right too. */
static bool record_start(const tls_conv *c, const dx_tvb *t, uint32_t off) {
  uint16_t v = session_version(c);
  if (v >= 0x0300 && v <= 0x0303) {
    uint8_t ct = 0;
    return dx_get_u8(t, off, &ct) && ct >= 20 && ct <= 25;
  }
  return valid_header(t, off);
}

/* An SSL 2.0-format ClientHello (RFC 6101 E.1, RFC 5246 E.2): a 2-byte
 * header with the high bit set, then message type 1 and a version 3.x. */
static bool v2_hello(const dx_tvb *t, uint32_t off) {
  uint8_t b0 = 0, mt = 0, maj = 0;
  return dx_get_u8(t, off, &b0) && (b0 & 0x80) && dx_get_u8(t, off + 2, &mt) && mt == 1 &&
         dx_get_u8(t, off + 3, &maj) && (maj == 3 || maj == 0);
}

/* tshark 4.0's ssl_looks_like_sslv2(), tried on bytes of a connection
 * whose version is not known: a first byte with its high bit set (a
 * 2-byte SSLv2 record header) and a third byte that is an SSLv2 or PCT
 * handshake type sent in the clear (0 to 5). */
static bool looks_like_v2(const dx_tvb *t, uint32_t off) {
  uint8_t b0 = 0, mt = 0xff;
  return dx_get_u8(t, off, &b0) && b0 >= 0x80 && dx_get_u8(t, off + 2, &mt) && mt <= 5;
}

static const dx_vals ssl2_spec_vals[] = {{0x010080, "SSL2_RC4_128_WITH_MD5"},
                                         {0x020080, "SSL2_RC4_128_EXPORT40_WITH_MD5"},
                                         {0x030080, "SSL2_RC2_128_CBC_WITH_MD5"},
                                         {0x040080, "SSL2_RC2_128_CBC_EXPORT40_WITH_MD5"},
                                         {0x050080, "SSL2_IDEA_128_CBC_WITH_MD5"},
                                         {0x060040, "SSL2_DES_64_CBC_WITH_MD5"},
                                         {0x0700c0, "SSL2_DES_192_EDE3_CBC_WITH_MD5"},
                                         {0x080080, "SSL2_RC4_64_WITH_MD5"},
                                         {0x00fefe, "SSL_RSA_FIPS_WITH_DES_CBC_SHA"},
                                         {0x00feff, "SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA"},
                                         {0, NULL}};

/* The SSLv2 ClientHello record of len bytes after its 2-byte header, as
 * tshark shows it; its challenge, left-padded with zeros to 32 bytes, is
 * the client random of the SSL 3.0/TLS session it opens. */
static void v2_client_hello(ctx *x, const dx_tvb *t, uint32_t off, dx_node *tls, uint16_t len) {
  dx_packet *p = x->p;
  tls_conv *c = x->c;
  uint16_t hlen = 0; /* the header's length (len is less when the record is cut) */
  dx_get_u16(t, off, &hlen);
  hlen &= 0x7fff;
  dx_node *rec = dx_add_none(p, tls, XF(F_RECORD), t, off, 2u + len);
  dx_node_set_text(p, rec, "SSLv2 Record Layer: Client Hello");
  dx_node *v = dx_add_uint(p, rec, XF(F_RVER), t, off, 0, 0x0002);
  dx_node_set_flags(v, DX_NODE_GENERATED);
  dx_add_uint(p, rec, XF(F_RLEN), t, off, 2, hlen);
  info_add(x, "Client Hello");
  dx_tvb r = dx_tvb_sub(t, off + 2, len);
  dx_node *mt = dx_add_item(p, rec, XF(F_HTYPE), &r, 0, 1);
  dx_node_set_text(p, mt, "Handshake Message Type: Client Hello (1)");
  uint16_t csl = 0, sidl = 0, chl = 0;
  if (len < 9 || !dx_get_u16(&r, 3, &csl) || !dx_get_u16(&r, 5, &sidl) ||
      !dx_get_u16(&r, 7, &chl)) {
    if (len < hlen)
      dx_mark_truncated(p, rec, "SSLv2 Client Hello cut short");
    else
      dx_mark_malformed(p, rec, "SSLv2 Client Hello: shorter than its 9-byte header");
    return;
  }
  dx_add_item(p, rec, XF(F_HVER), &r, 1, 2);
  dx_add_item(p, rec, XF(F_V2_CSLEN), &r, 3, 2);
  dx_add_item(p, rec, XF(F_SIDLEN), &r, 5, 2);
  dx_add_item(p, rec, XF(F_V2_CHLEN), &r, 7, 2);
  if (len < hlen) { /* the capture cut the record */
    dx_mark_truncated(p, rec, "SSLv2 Client Hello cut short");
    return;
  }
  if (9u + csl + sidl + chl > len) {
    dx_mark_malformed(p, rec, "SSLv2 Client Hello: lengths do not fit the record");
    return;
  }
  dx_node *css = dx_add_none(p, rec, XF(F_CSS), &r, 9, csl);
  dx_node_set_text(p, css, "Cipher Specs (%u specs)", csl / 3u);
  for (uint32_t i = 0; i + 3 <= csl; i += 3) {
    uint32_t spec = 0;
    dx_get_u24(&r, 9 + i, &spec);
    const char *name =
        spec >> 16 ? dx_val_name(ssl2_spec_vals, spec) : dx_val_name(dx_tls_cipher_vals, spec);
    if (!name)
      name = dx_val_name(ssl2_spec_vals, spec);
    dx_node *s = dx_add_item(p, css, XF(F_V2_SPEC), &r, 9 + i, 3);
    dx_node_set_text(p, s, "Cipher Spec: %s (0x%06x)", name ? name : "Unknown", spec);
  }
  if (sidl) {
    dx_node *sn = dx_add_bytes(p, rec, XF(F_SID), &r, 9u + csl, sidl);
    dx_node_set_text(p, sn, "Session ID (%u byte%s)", sidl, sidl == 1 ? "" : "s");
  }
  if (chl)
    dx_add_none(p, rec, XF(F_V2_CHALLENGE), &r, 9u + csl + sidl, chl);
  /* RFC 6101 E.1: specs of 3 bytes, a session id of 0 or 16 bytes, a
   * challenge of 16 to 32 bytes (shown anyway, as tshark shows it, but no
   * client random is taken from it) */
  if (csl % 3) {
    dx_mark_malformed(p, rec, "SSLv2 Client Hello: cipher spec length %u is not a multiple of 3",
                      csl);
    return;
  }
  if (sidl > 16) {
    dx_mark_malformed(p, rec, "SSLv2 Client Hello: session ID of %u bytes (at most 16)", sidl);
    return;
  }
  if (chl < 16 || chl > 32) {
    dx_mark_malformed(p, rec, "SSLv2 Client Hello: challenge of %u bytes (16 to 32)", chl);
    return;
  }
  if (!x->stateful)
    return;
  if (c->client_dir < 0)
    c->client_dir = x->dir;
  if (x->dir != c->client_dir)
    return;
  renegotiation(x);
  const uint8_t *ch = dx_get_ptr(&r, 9u + csl + sidl, chl);
  if (ch) {
    memset(c->crandom, 0, 32);
    memcpy(c->crandom + 32 - chl, ch, chl);
    c->have_crandom = true;
  }
}

static uint32_t dissect_tls(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  /* As tshark 4.0's dissect_ssl(): more than 4 bytes that start with 4
   * printable ASCII characters are taken for plain text, not TLS (the
   * application is then offered nothing: "Data") */
  if (t->len > 4) {
    unsigned printable = 0;
    for (uint32_t i = 0; i < 4; i++) {
      uint8_t b = 0;
      if (dx_get_u8(t, i, &b) && b >= 0x20 && b < 0x7f)
        printable++;
    }
    if (printable == 4)
      return 0;
  }
  /* Anything else is taken, as tshark's dissect_ssl() takes it: bytes that
   * are no record where no version is known are "Continuation Data". */
  if (t->len == 0)
    return 0;
  tls_conv tmp;
  tls_conv *c = get_conv(p, &tmp, true);
  ctx x;
  memset(&x, 0, sizeof x);
  x.p = p;
  x.fl = tls_fields;
  x.c = c;
  x.dir = p->flow_dir & 1;
  x.stateful = c != &tmp;
  bool can_deseg = dx_in_stream(p) && t->reported <= t->len;
  uint64_t info_before = c->info_frame;
  if (p->want_columns && c->info_frame != p->num + 1) {
    /* As tshark: TLS owns the Info column of a frame it is called on, even
     * when it only starts a record there ("[TCP segment of a reassembled
     * PDU]" is then all that remains). */
    c->info_frame = p->num + 1;
    dx_col_info_clear(p);
  }
  dx_node *tls = NULL;
  bool filled = false; /* a record (or an ignored one) is in the layer */
  uint16_t last_ver = 0;
  uint32_t off = 0;
  for (unsigned i = 0; off < t->len && i < 65536; i++) {
    uint32_t left = t->len - off;
    if (left < 5 && !c->sslv2 && !session_version(c)) {
      /* as tshark's dissect_ssl() where no version is known: fewer than 5
       * bytes wait for one more segment whatever they are (or, where
       * nothing can wait, are left unshown) */
      if (can_deseg) {
        p->desegment_offset = off;
        p->desegment_len = DX_DESEGMENT_ONE_MORE;
        if (!tls)
          tls = dx_add_proto(p, parent, FL(F_TLS), t, off, 0);
      }
      off = can_deseg ? off : t->len;
      break;
    }
    if (!c->seen_record && v2_hello(t, off)) {
      uint16_t l2 = 0;
      dx_get_u16(t, off, &l2);
      l2 &= 0x7fff;
      if (left < 2u + l2 && can_deseg) {
        p->desegment_offset = off;
        p->desegment_len = 2u + l2 - left;
        break;
      }
      if (!tls)
        tls = dx_add_proto(p, parent, FL(F_TLS), t, off, left);
      c->seen_record = true;
      x.tls = tls;
      x.parent = parent;
      filled = true;
      v2_client_hello(&x, t, off, tls, (uint16_t)(left < 2u + l2 ? left - 2 : l2));
      last_ver = 0x0002;
      off += left < 2u + l2 ? left : 2u + l2;
      continue;
    }
    if (c->sslv2 || (!session_version(c) && looks_like_v2(t, off))) {
      /* an SSLv2 record as tshark's dissect_ssl2_record() reads it: a
       * 2-byte header (high bit set) or a 3-byte one with a padding
       * length; reassembled when cut. Its message is one this dissector
       * does not read (the Client Hello is read above): "Encrypted Data",
       * the record's version generated. tshark reads a valid SSLv2 Server
       * Hello or Client Master Key in the clear (message types 4 and 2),
       * this dissector shows them as Encrypted Data too. */
      uint8_t b0 = 0, b1 = 0, mt = 0;
      dx_get_u8(t, off, &b0);
      dx_get_u8(t, off + 1, &b1);
      uint32_t hl = b0 & 0x80 ? 2 : 3;
      uint32_t l2 = (uint32_t)(b0 & (hl == 2 ? 0x7f : 0x3f)) << 8 | b1;
      if (left < hl + l2 && can_deseg) {
        p->desegment_offset = off;
        p->desegment_len = hl + l2 - left;
        if (!tls)
          tls = dx_add_proto(p, parent, FL(F_TLS), t, off, 0);
        break;
      }
      uint32_t rl = left < hl + l2 ? left : hl + l2;
      if (!tls)
        tls = dx_add_proto(p, parent, FL(F_TLS), t, off, left);
      if (dx_get_u8(t, off + hl, &mt) && !session_version(c) && mt >= 2 && mt <= 8)
        c->sslv2 = true;
      c->seen_record = true;
      x.tls = tls;
      x.parent = parent;
      filled = true;
      dx_node *rec = dx_add_none(p, tls, FL(F_RECORD), t, off, rl);
      dx_node_set_text(p, rec, "SSLv2 Record Layer: Encrypted Data");
      dx_node *v = dx_add_uint(p, rec, FL(F_RVER), t, off, 0, 0x0002);
      dx_node_set_flags(v, DX_NODE_GENERATED);
      if (rl < hl + l2)
        dx_mark_truncated(p, rec, "SSLv2 record cut short");
      info_add(&x, "Encrypted Data");
      last_ver = 0x0002;
      off += rl;
      continue;
    }
    uint16_t sv = session_version(c);
    if (left < 5 && can_deseg && sv >= 0x0300 && sv <= 0x0303 && !record_start(c, t, off)) {
      /* as tshark's dissect_ssl() in a connection of a known version
       * (3.0 to 1.2): fewer than 5 bytes wait for the next segment before
       * their content type is looked at */
      p->desegment_offset = off;
      p->desegment_len = DX_DESEGMENT_ONE_MORE;
      break;
    }
    if (!record_start(c, t, off)) {
      /* bytes that are no record header (the middle of a record after
       * bytes given up at a gap, or not TLS): as tshark 4.0, in a TLS
       * 1.0-1.2 connection an "Ignored Unknown Record" note (RFC 5246 6:
       * unknown records are ignored), otherwise "Continuation Data" in Info
       * and nothing in the tree; not malformed either way */
      if (!tls)
        tls = dx_add_proto(p, parent, FL(F_TLS), t, off, left);
      filled = true;
      if (session_version(c) >= 0x0301 && session_version(c) <= 0x0303) {
        /* (tshark's proto_tree_add_expert(): an item with its note) */
        dx_node *ig = dx_add_none(p, tls, FL(F_IGNORED), t, off, left);
        dx_node_set_text(p, ig, "Ignored Unknown Record");
        dx_expert(p, ig, dx_field_expert(), DX_SEV_WARN, "Ignored Unknown Record");
        info_add(&x, "Ignored Unknown Record");
      } else {
        info_add(&x, "Continuation Data");
      }
      off = t->len;
      break;
    }
    if (left < 5) {
      if (can_deseg) {
        /* as tshark's dissect_ssl3_record(): a header cut by the segment's
         * end asks for one more segment, not for the bytes it lacks (so
         * that asking again for the record's body does not break the
         * reassembly), under the layer dissect_ssl() always adds */
        p->desegment_offset = off;
        p->desegment_len = DX_DESEGMENT_ONE_MORE;
        if (!tls)
          tls = dx_add_proto(p, parent, FL(F_TLS), t, off, 0);
        break;
      }
      if (!tls)
        tls = dx_add_proto(p, parent, FL(F_TLS), t, off, left);
      dx_node *r = dx_add_none(p, tls, FL(F_RECORD), t, off, left);
      filled = true;
      dx_mark_truncated(p, r, "record header needs 5 bytes");
      off = t->len;
      break;
    }
    uint8_t ct = 0;
    uint16_t ver = 0, len = 0;
    dx_get_u8(t, off, &ct);
    dx_get_u16(t, off + 1, &ver);
    dx_get_u16(t, off + 3, &len);
    uint32_t rleft = (t->reported > t->len ? t->reported : t->len) - off;
    if (rleft < 5u + len && p->in_icmp_error) {
      /* a segment quoted in an ICMP error (never reassembled) whose record
       * runs past even its reported end: as tshark 4.0, nothing more is
       * shown of it */
      if (!tls)
        tls = dx_add_proto(p, parent, FL(F_TLS), t, off, 0);
      off = t->len;
      break;
    }
    if (left < 5u + len && can_deseg) {
      p->desegment_offset = off;
      p->desegment_len = 5u + len - left;
      /* As tshark: the segment that starts a record shows an (empty) TLS
       * layer, so "tls" filters and frame.protocols find it. */
      if (!tls)
        tls = dx_add_proto(p, parent, FL(F_TLS), t, off, 0);
      break;
    }
    /* (as tshark, a record longer than TLS allows is reassembled first,
     * and shown whole, its length noted; cut short, it is malformed) */
    if (len > TLS_MAX_RECORD && left < 5u + len) {
      if (!tls)
        tls = dx_add_proto(p, parent, FL(F_TLS), t, off, left);
      dx_node *r = dx_add_none(p, tls, FL(F_RECORD), t, off, left);
      filled = true;
      dx_node_set_text(p, r, "%s Record Layer: %s", ver_short(ver),
                       dx_val_name_def(ct_vals, ct, "Unknown"));
      dx_add_item(p, r, FL(F_CT), t, off, 1);
      dx_add_item(p, r, FL(F_RVER), t, off + 1, 2);
      dx_node *ln = dx_add_item(p, r, FL(F_RLEN), t, off + 3, 2);
      dx_mark_malformed(p, ln, "Record length %u exceeds the maximum of %u (2^14 + 2048)", len,
                        TLS_MAX_RECORD);
      dx_node_set_flags(r, DX_NODE_MALFORMED);
      off = t->len;
      break;
    }
    if (!tls)
      tls = dx_add_proto(p, parent, FL(F_TLS), t, off, left);
    if (len == 0 && left == 5) {
      /* an empty record at the end of the bytes: tshark 4.0's
       * dissect_ssl3_record() reads the byte after the length (to guess
       * the version) before anything else, and stops there with an
       * exception: the record is its header, unnamed, and malformed */
      dx_node *r = dx_add_none(p, tls, FL(F_RECORD), t, off, 5);
      filled = true;
      dx_add_item(p, r, FL(F_CT), t, off, 1);
      dx_add_item(p, r, FL(F_RVER), t, off + 1, 2);
      dx_add_item(p, r, FL(F_RLEN), t, off + 3, 2);
      /* (the Protocol column stays what the records before set, or "SSL":
       * tshark names it by a record's version after reading the record) */
      dx_tvb rh = dx_tvb_sub(t, off, 5);
      dx_exception_malformed(p, "TLS", &rh);
      off = t->len;
      break;
    }
    c->seen_record = true;
    x.tls = tls;
    x.parent = parent;
    filled = true;
    if (!c->version && !c->rec_version && x.stateful)
      c->rec_version = authoritative_version(t, off, ct, ver);
    record(&x, t, off, tls, ct, ver, len);
    last_ver = ver;
    off += 5u + len;
    if (off > t->len || x.stop)
      off = t->len;
    if (x.stop)
      break;
  }
  /* Asking for more before taking a byte: the byte-stream layer puts the
   * Info column back as it was before this call, so the next call of this
   * frame must take it over again. */
  if (p->desegment_len && p->desegment_offset == 0)
    c->info_frame = info_before;
  if (tls) {
    /* As tshark: the layer covers the bytes it was given from its first
     * record on, the start of a record still to come included (that
     * record's bytes are also TCP's segment data); a record cut short
     * without reassembly ends it where the bytes do. */
    bool more = off < t->len && p->desegment_len;
    dx_node_set_len(tls, (more ? t->len : off) - (tls->offset - t->base));
    uint16_t v = c->version && !c->hrr ? c->version : c->rec_version ? c->rec_version : last_ver;
    if (c->hrr && c->version)
      v = c->version;
    if ((x.early_data || x.early_rec) && !c->version)
      v = 0x0304;
    /* an empty layer (the bytes only start a record) leaves the columns to
     * what came before in the frame, as tshark does */
    if (v && !x.app_cols && filled)
      dx_col_set_proto(p, ver_short(v));
    else if (!v && !x.app_cols && filled) {
      /* no record in this frame: the connection's version, or "SSL" while
       * none is known, as tshark's dissect_ssl() sets the column first */
      uint16_t sv = session_version(c);
      dx_col_set_proto(p, sv ? ver_short(sv) : "SSL");
    }
  }
  return off;
}

/* Recognises TLS on any port as tshark 4.0's dissect_ssl_heur(): a
 * Handshake or Application Data record header of SSL 3.0 to TLS 1.2 (TLS
 * 1.3 writes 0x0301 or 0x0303 there) with a length from 1 to 2^14 + 2047,
 * or an SSLv2-compatible Client Hello (RFC 5246 E.2: a 2-byte length
 * with its high bit set and under 256, type 1, cipher spec length a
 * non-zero multiple of 3, session id 0 or 16 bytes, challenge 32). */
static bool heur_sslv3_or_tls(const dx_tvb *t) {
  uint8_t ct;
  uint16_t ver, len;
  if (!dx_get_u8(t, 0, &ct) || !dx_get_u16(t, 1, &ver) || !dx_get_u16(t, 3, &len))
    return false;
  return (ct == 22 || ct == 23) && ver >= 0x0300 && ver <= 0x0303 && len != 0 &&
         len < TLS_MAX_RECORD;
}

static bool heur_sslv2_client_hello(const dx_tvb *t) {
  uint8_t b0, type;
  uint16_t specs, sid, chal;
  if (t->len < 46 || !dx_get_u8(t, 0, &b0) || !dx_get_u8(t, 2, &type) ||
      !dx_get_u16(t, 5, &specs) || !dx_get_u16(t, 7, &sid) || !dx_get_u16(t, 9, &chal))
    return false;
  return b0 == 0x80 && type == 1 && specs != 0 && specs % 3 == 0 && (sid == 0 || sid == 16) &&
         chal == 32;
}

static uint32_t heur_tls(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  if (!heur_sslv3_or_tls(t) && !heur_sslv2_client_hello(t))
    return 0;
  return dissect_tls(p, t, parent);
}

static const dx_reg tls_regs[] = {{DX_TABLE_TCP_PORT, 443},  {DX_TABLE_TCP_PORT, 465},
                                  {DX_TABLE_TCP_PORT, 636},  {DX_TABLE_TCP_PORT, 853},
                                  {DX_TABLE_TCP_PORT, 993},  {DX_TABLE_TCP_PORT, 995},
                                  {DX_TABLE_TCP_PORT, 8443}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_tls = {
    .state_new = tls_state_new,
    .state_free = tls_state_free,
    .state_reset = tls_state_reset,
    .name = "tls",
    .label = "Transport Layer Security",
    .fields = tls_fields,
    .nfields = DX_ARRAY_LEN(tls_fields),
    .dissect = dissect_tls,
    .regs = tls_regs,
    .heuristic_tcp = heur_tls,
};

/* ---- QUIC (RFC 9001 4): the handshake in CRYPTO frames ------------------ */
/* The pieces a handshake message cut by the end of the CRYPTO data came
 * in, per direction (frame number and length), for the "Reassembled
 * Handshake Fragments" list; a message in more pieces lists the first ones. */
#define QUIC_HS_PIECES 16

struct dx_tls_quic {
  tls_conv c;
  uint64_t piece_frame[2][QUIC_HS_PIECES];
  uint32_t piece_len[2][QUIC_HS_PIECES];
  uint32_t npieces[2];
};

static void quic_piece(dx_tls_quic *q, int dir, uint64_t frame, uint32_t len) {
  if (q->npieces[dir] < QUIC_HS_PIECES) {
    q->piece_frame[dir][q->npieces[dir]] = frame;
    q->piece_len[dir][q->npieces[dir]] = len;
  }
  q->npieces[dir]++;
}

/* "Handshake Protocol: TYPE (fragment)" over t[off, off+len): a piece of a
 * message whose rest comes later (tshark's label) */
static dx_node *quic_fragment(ctx *x, dx_node *rec, const dx_tvb *t, uint32_t off, uint32_t len,
                              uint8_t type, const char *what) {
  dx_node *fr = dx_add_none(x->p, rec, XF(F_HS), t, off, len);
  dx_node_set_text(x->p, fr, "Handshake Protocol: %s (%s)",
                   dx_val_name_def(dx_tls_hs_vals, type, HS_UNKNOWN), what);
  return fr;
}

/* The list of the pieces of the message just completed, over mt. */
static void quic_pieces(ctx *x, dx_tls_quic *q, dx_node *rec, const dx_tvb *mt) {
  dx_packet *p = x->p;
  int dir = x->dir & 1;
  uint32_t n = q->npieces[dir], shown = n < QUIC_HS_PIECES ? n : QUIC_HS_PIECES;
  dx_node *fl = dx_add_none(p, rec, XF(F_HS_FRAGS), mt, 0, mt->len);
  dx_node_set_flags(fl, DX_NODE_GENERATED);
  if (dx_packet_labels(p)) {
    dx_sb sb;
    char buf[256];
    dx_sb_init(&sb, buf, sizeof buf);
    dx_sb_u64(&sb, n);
    dx_sb_kv(&sb, " Reassembled Handshake Fragments (", mt->len);
    dx_sb_str(&sb, " bytes): ");
    for (uint32_t i = 0; i < shown; i++) {
      dx_sb_kv(&sb, i ? ", #" : "#", q->piece_frame[dir][i]);
      dx_sb_kv(&sb, "(", q->piece_len[dir][i]);
      dx_sb_str(&sb, ")");
    }
    dx_node_set_text(p, fl, "%s", buf);
  }
  uint32_t at = 0;
  for (uint32_t i = 0; i < shown; i++) {
    uint32_t len = q->piece_len[dir][i];
    if (at > mt->len || len > mt->len - at)
      len = at > mt->len ? 0 : mt->len - at;
    dx_node *f = dx_add_uint(p, fl, XF(F_HS_FRAG), mt, at, len, q->piece_frame[dir][i]);
    dx_node_set_text(p, f, "Frame: %" PRIu64 ", payload: %u-%u (%u byte%s)", q->piece_frame[dir][i],
                     at, len ? at + len - 1 : at, len, len == 1 ? "" : "s");
    dx_node_set_flags(f, DX_NODE_GENERATED);
    at += len;
  }
  dx_node *c = dx_add_uint(p, fl, XF(F_HS_FRAG_COUNT), mt, 0, 0, n);
  dx_node_set_flags(c, DX_NODE_GENERATED);
  q->npieces[dir] = 0;
}

/* What a QUIC handshake state takes beyond the connection state that
 * conv_free() gives back (its fragment list). */
#define QUIC_EXTRA_COST (dx_heap_cost(sizeof(dx_tls_quic)) - CONV_COST)

dx_tls_quic *dx_tls_quic_new(dx_packet *p) {
  uint64_t *budget = dx_packet_stream_budget(p);
  uint64_t max = dx_packet_config(p)->max_total_stream_bytes;
  if (!dx_budget_take(budget, max, CONV_COST + QUIC_EXTRA_COST))
    return NULL;
  dx_tls_quic *q = calloc(1, sizeof *q);
  if (!q) {
    dx_budget_give(budget, CONV_COST + QUIC_EXTRA_COST);
    return NULL;
  }
  conv_init(&q->c);
  q->c.quic = true;
  q->c.client_dir = 0;
  q->c.budget = budget;
  q->c.budget_max = max;
  return q;
}

void dx_tls_quic_free(dx_tls_quic *q) {
  if (q) {
    dx_budget_give(q->c.budget, QUIC_EXTRA_COST);
    conv_free(&q->c);
  }
}

void dx_tls_quic_handshake(dx_packet *p, dx_tls_quic *q, int sender, const dx_tvb *t,
                           dx_node *parent) {
  if (!q || t->len == 0)
    return;
  ctx x;
  memset(&x, 0, sizeof x);
  x.p = p;
  x.fl = tls_fields;
  x.c = &q->c;
  x.dir = sender & 1;
  x.stateful = true;
  x.app_cols = true; /* QUIC writes the columns */
  x.decrypted = true;
  x.quic = true;
  int dir = x.dir;
  tls_dir *d = &q->c.dir[dir];
  uint64_t frame = dx_packet_number(p);
  /* no record layer in QUIC: the messages go right under the TLS layer,
   * whose line reads as tshark's ("TLSv1.3 Record Layer: Handshake
   * Protocol: ...") though no tls.record field is there */
  dx_node *tls = dx_add_proto(p, parent, FL(F_TLS), t, 0, t->len);
  dx_node *rec = tls;
  x.tls = tls;
  x.parent = parent;
  uint32_t off = 0;
  unsigned n = 0;
  const char *first = NULL;
  char frag_name[64] = "";
  /* the rest of a message cut by the end of the earlier CRYPTO data */
  if (d->hs_len) {
    for (int pass = 0; pass < 2 && off < t->len; pass++) {
      if (d->hs_need && d->hs_len >= d->hs_need)
        break;
      uint32_t want = d->hs_need ? d->hs_need - d->hs_len : 4 - d->hs_len;
      uint32_t left = t->len - off, take = want < left ? want : left;
      const uint8_t *b = dx_get_ptr(t, off, take);
      if (!b || !hs_append(&x, d, b, take)) {
        hs_limit(&x, rec, d);
        q->npieces[dir] = 0;
        off = t->len;
        break;
      }
      off += take;
    }
    if (d->hs_len && off) {
      quic_piece(q, dir, frame, off);
      bool done = d->hs_need && d->hs_len >= d->hs_need;
      quic_fragment(&x, rec, t, 0, off, d->hs_buf[0], done ? "last fragment" : "fragment");
      if (!done) {
        /* the middle of a message: tshark names the record "Multiple
         * Handshake Messages" (as over TCP) */
        n += 2;
      } else {
        dx_tvb mt =
            dx_packet_add_source_kind(p, DX_SRC_REASSEMBLED, "TLS Handshake", d->hs_buf, d->hs_len);
        if (mt.len == d->hs_len) {
          quic_pieces(&x, q, rec, &mt);
          handshake_message(&x, &mt, rec);
          if (n++ == 0)
            first = x.first_msg;
        } else {
          dx_expert(p, rec, dx_field_limit(), DX_SEV_WARN,
                    "[Too many data sources in one packet: reassembled handshake not shown]");
        }
        q->npieces[dir] = 0;
        hs_reset(x.c, d);
      }
    }
  }
  for (unsigned i = 0; !d->hs_len && off + 4 <= t->len && i < 4096; i++) {
    uint32_t mlen = 0;
    dx_get_u24(t, off + 1, &mlen);
    if (mlen > t->len - off - 4)
      break;
    dx_tvb mt = dx_tvb_sub(t, off, 4 + mlen);
    handshake_message(&x, &mt, rec);
    if (n++ == 0)
      first = x.first_msg;
    off += 4 + mlen;
  }
  /* a message the CRYPTO data so far ends inside: kept until its rest comes */
  if (off < t->len && !d->hs_len) {
    uint32_t left = t->len - off;
    const uint8_t *b = dx_get_ptr(t, off, left);
    uint8_t type = b ? b[0] : 0;
    if (!b || !hs_append(&x, d, b, left)) {
      dx_node *rest = dx_add_none(p, rec, FL(F_HS), t, off, left);
      hs_limit(&x, rest, d);
    } else {
      q->npieces[dir] = 0;
      quic_piece(q, dir, frame, left);
      quic_fragment(&x, rec, t, off, left, type, "fragment");
      snprintf(frag_name, sizeof frag_name, "%s (fragment)",
               dx_val_name_def(dx_tls_hs_vals, type, HS_UNKNOWN));
      if (n++ == 0)
        first = frag_name;
    }
  }
  uint16_t v = q->c.version ? q->c.version : 0x0304;
  dx_node_set_text(p, rec, "%s Record Layer: Handshake Protocol: %s", ver_short(v),
                   n == 1 && first ? first : "Multiple Handshake Messages");
}

void dx_tls_quic_set_old_tp(dx_tls_quic *q, bool old) {
  if (q)
    q->c.quic_old_tp = old;
}

bool dx_tls_quic_client_random(const dx_tls_quic *q, uint8_t out[32]) {
  if (!q || !q->c.have_crandom)
    return false;
  memcpy(out, q->c.crandom, 32);
  return true;
}

uint16_t dx_tls_quic_suite(const dx_tls_quic *q) {
  return q && q->c.have_suite ? q->c.suite : 0;
}

const char *dx_tls_quic_alpn(const dx_tls_quic *q) {
  if (!q)
    return "";
  /* before the server's choice (0-RTT data), the protocol the client
   * offered first: the one its early data speaks */
  return q->c.alpn[0] ? q->c.alpn : q->c.alpn_offered;
}

/* ---- DTLS (dtls.c): its handshake messages ------------------------------ */
struct dx_tls_dgram {
  tls_conv c;
};

dx_tls_dgram *dx_tls_dgram_new(dx_packet *p) {
  uint64_t *budget = dx_packet_stream_budget(p);
  uint64_t max = dx_packet_config(p)->max_total_stream_bytes;
  if (!dx_budget_take(budget, max, CONV_COST))
    return NULL;
  dx_tls_dgram *d = malloc(sizeof *d);
  if (!d) {
    dx_budget_give(budget, CONV_COST);
    return NULL;
  }
  conv_init(&d->c);
  d->c.budget = budget;
  d->c.budget_max = max;
  return d;
}

void dx_tls_dgram_free(dx_tls_dgram *d) {
  conv_free(d ? &d->c : NULL);
}

#define DF(i) (&dx_dtls_fields[(i)])
const char *dx_tls_dgram_handshake(dx_packet *p, dx_tls_dgram *d, int sender, const dx_tvb *t,
                                   const dx_tvb *body, const char *suffix, dx_node *parent) {
  tls_conv tmp;
  conv_init(&tmp);
  ctx x;
  memset(&x, 0, sizeof x);
  x.p = p;
  x.fl = dx_dtls_fields;
  x.c = d ? &d->c : &tmp;
  x.dir = sender & 1;
  x.stateful = d != NULL;
  x.app_cols = true; /* dtls.c writes the columns */
  x.dtls = true;
  uint8_t type = 0;
  dx_get_u8(t, 0, &type);
  dx_node *hs = dx_add_none(p, parent, DF(F_HS), t, 0, t->len);
  dx_add_item(p, hs, DF(F_HTYPE), t, 0, 1);
  dx_add_item(p, hs, DF(F_HLEN), t, 1, 3);
  dx_add_item(p, hs, DF(F_D_MSGSEQ), t, 4, 2);
  dx_add_item(p, hs, DF(F_D_FRAGOFF), t, 6, 3);
  dx_add_item(p, hs, DF(F_D_FRAGLEN), t, 9, 3);
  const char *name = dx_val_name_def(dx_tls_hs_vals, type, "Unknown Handshake Message");
  if (body && handshake_body(&x, hs, type, body, 0, body->len))
    name = "Hello Retry Request";
  dx_node_set_text(p, hs, "Handshake Protocol: %s%s", name, suffix);
  return name;
}
