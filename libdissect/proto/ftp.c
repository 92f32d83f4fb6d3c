/* FTP (RFC 959, RFC 2428; TCP port 21) and its data connections as tshark
 * 4.0's packet-ftp.c shows them in one pass.
 *
 * Control connection: every segment alone, never reassembled (tshark does
 * not desegment FTP): its first line is the request (command, argument)
 * or the response (3-digit code, argument), each further line a text
 * item; Info "Request: <line>" / "Response: <line>". The connection keeps
 * the last command and the current working directory (CWD/CDUP answered
 * 250, PWD answered 257), shown on every frame. AUTH TLS answered 234
 * hands the connection to TLS.
 *
 * Data connections: PORT, EPRT, a 227 reply (PASV) and a 229 reply (EPSV)
 * announce one; it is remembered (a bounded table under the session's
 * hash key) until a TCP connection between those endpoints starts, which
 * is then dissected as FTP-DATA from its first byte (tshark's
 * conversation with a dissector), linked to the announcing frame, its
 * method, the first command after it and the working directory then.
 * TCP port 20 is FTP-DATA too (without that link when not announced).
 *
 * State kept across packets (the control connection's last command and
 * directory, and each data connection's command and directory, each cut at
 * FTP_MAX_STR bytes) counts against the session's byte budget; past it the
 * packets are shown without it. */
#include "../core/dx.h"
#include "../core/stream.h"
#include "http_body.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  F_FTP,
  F_RESPONSE,
  F_REQUEST,
  F_LINE,
  F_REQ_COMMAND,
  F_REQ_ARG,
  F_RSP_CODE,
  F_RSP_ARG,
  F_PASV_IP,
  F_PASV_PORT,
  F_PASV_NAT,
  F_ACTIVE_IP,
  F_ACTIVE_PORT,
  F_ACTIVE_NAT,
  F_EPRT_AF,
  F_EPRT_IP,
  F_EPRT_IPV6,
  F_EPRT_PORT,
  F_EPSV_IP,
  F_EPSV_IPV6,
  F_EPSV_PORT,
  F_CWD,
  F_EPRT_INVALID,
  F_EPSV_INVALID,
  F_PWD_INVALID,
};

/* tshark's response_table */
static const dx_vals rsp_vals[] = {
    {110, "Restart marker reply"},
    {120, "Service ready in nnn minutes"},
    {125, "Data connection already open; transfer starting"},
    {150, "File status okay; about to open data connection"},
    {200, "Command okay"},
    {202, "Command not implemented, superfluous at this site"},
    {211, "System status, or system help reply"},
    {212, "Directory status"},
    {213, "File status"},
    {214, "Help message"},
    {215, "NAME system type"},
    {220, "Service ready for new user"},
    {221, "Service closing control connection"},
    {225, "Data connection open; no transfer in progress"},
    {226, "Closing data connection"},
    {227, "Entering Passive Mode"},
    {229, "Entering Extended Passive Mode"},
    {230, "User logged in, proceed"},
    {232, "User logged in, authorized by security data exchange"},
    {234, "Security data exchange complete"},
    {235, "Security data exchange completed successfully"},
    {250, "Requested file action okay, completed"},
    {257, "PATHNAME created"},
    {331, "User name okay, need password"},
    {332, "Need account for login"},
    {334, "Requested security mechanism is ok"},
    {335, "Security data is acceptable, more is required"},
    {336, "Username okay, need password. Challenge is ..."},
    {350, "Requested file action pending further information"},
    {421, "Service not available, closing control connection"},
    {425, "Can't open data connection"},
    {426, "Connection closed; transfer aborted"},
    {431, "Need some unavailable resource to process security"},
    {450, "Requested file action not taken"},
    {451, "Requested action aborted: local error in processing"},
    {452, "Requested action not taken. Insufficient storage space in system"},
    {500, "Syntax error, command unrecognized"},
    {501, "Syntax error in parameters or arguments"},
    {502, "Command not implemented"},
    {503, "Bad sequence of commands"},
    {504, "Command not implemented for that parameter"},
    {522, "Network protocol not supported"},
    {530, "Not logged in"},
    {532, "Need account for storing files"},
    {533, "Command protection level denied for policy reasons"},
    {534, "Request denied for policy reasons"},
    {535, "Failed security check (hash, sequence, etc)"},
    {536, "Requested PROT level not supported by mechanism"},
    {537, "Command protection level not supported by security mechanism"},
    {550, "Requested action not taken: File unavailable"},
    {551, "Requested action aborted: page type unknown"},
    {552, "Requested file action aborted: Exceeded storage allocation"},
    {553, "Requested action not taken: File name not allowed"},
    {631, "Integrity protected reply"},
    {632, "Confidentiality and integrity protected reply"},
    {633, "Confidentiality protected reply"},
    {0, NULL}};

static const dx_vals eprt_af_vals[] = {{1, "IPv4"}, {2, "IPv6"}, {0, NULL}};

static const dx_field ftp_fields[] = {
    [F_FTP] = DX_F("ftp", "File Transfer Protocol (FTP)", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_RESPONSE] = DX_F("ftp.response", "Response", DX_FT_BOOL, DX_BASE_NONE),
    [F_REQUEST] = DX_F("ftp.request", "Request", DX_FT_BOOL, DX_BASE_NONE),
    /* (a text item in tshark, without a field name) */
    [F_LINE] = DX_F("ftp.line", "Line", DX_FT_NONE, DX_BASE_NONE),
    [F_REQ_COMMAND] = DX_F("ftp.request.command", "Request command", DX_FT_STRING, DX_BASE_ASCII),
    [F_REQ_ARG] = DX_F("ftp.request.arg", "Request arg", DX_FT_STRING, DX_BASE_ASCII),
    [F_RSP_CODE] = DX_FV("ftp.response.code", "Response code", DX_FT_UINT32, DX_BASE_DEC, rsp_vals),
    [F_RSP_ARG] = DX_F("ftp.response.arg", "Response arg", DX_FT_STRING, DX_BASE_ASCII),
    [F_PASV_IP] = DX_F("ftp.passive.ip", "Passive IP address", DX_FT_IPV4, DX_BASE_NONE),
    [F_PASV_PORT] = DX_F("ftp.passive.port", "Passive port", DX_FT_UINT16, DX_BASE_PORT),
    [F_PASV_NAT] = DX_F("ftp.passive.nat", "Passive IP NAT", DX_FT_BOOL, DX_BASE_NONE),
    [F_ACTIVE_IP] = DX_F("ftp.active.cip", "Active IP address", DX_FT_IPV4, DX_BASE_NONE),
    [F_ACTIVE_PORT] = DX_F("ftp.active.port", "Active port", DX_FT_UINT16, DX_BASE_PORT),
    [F_ACTIVE_NAT] = DX_F("ftp.active.nat", "Active IP NAT", DX_FT_BOOL, DX_BASE_NONE),
    [F_EPRT_AF] = DX_FV("ftp.eprt.af", "Extended active address family", DX_FT_UINT8, DX_BASE_DEC,
                        eprt_af_vals),
    [F_EPRT_IP] = DX_F("ftp.eprt.ip", "Extended active IP address", DX_FT_IPV4, DX_BASE_NONE),
    [F_EPRT_IPV6] = DX_F("ftp.eprt.ipv6", "Extended active IPv6 address", DX_FT_IPV6, DX_BASE_NONE),
    [F_EPRT_PORT] = DX_F("ftp.eprt.port", "Extended active port", DX_FT_UINT16, DX_BASE_PORT),
    [F_EPSV_IP] = DX_F("ftp.epsv.ip", "Extended passive IPv4 address", DX_FT_IPV4, DX_BASE_NONE),
    [F_EPSV_IPV6] =
        DX_F("ftp.epsv.ipv6", "Extended passive IPv6 address", DX_FT_IPV6, DX_BASE_NONE),
    [F_EPSV_PORT] = DX_F("ftp.epsv.port", "Extended passive port", DX_FT_UINT16, DX_BASE_PORT),
    [F_CWD] = DX_F("ftp.current-working-directory", "Current working directory", DX_FT_STRING,
                   DX_BASE_NONE),
    [F_EPRT_INVALID] =
        DX_F("ftp.eprt.args_invalid", "EPRT arguments must have the form: |<family>|<addr>|<port>|",
             DX_FT_NONE, DX_BASE_NONE),
    [F_EPSV_INVALID] =
        DX_F("ftp.epsv.args_invalid", "EPSV arguments must have the form (|||<port>|)", DX_FT_NONE,
             DX_BASE_NONE),
    [F_PWD_INVALID] =
        DX_F("ftp.response.pwd.invalid", "Invalid PWD response", DX_FT_NONE, DX_BASE_NONE),
};

#define FL(i) (&ftp_fields[(i)])

enum { D_DATA, D_SETUP_FRAME, D_SETUP_METHOD, D_COMMAND, D_COMMAND_FRAME, D_CWD };

static const dx_field ftp_data_fields[] = {
    [D_DATA] = DX_F("ftp-data", "FTP Data", DX_FT_PROTOCOL, DX_BASE_NONE),
    [D_SETUP_FRAME] = DX_F("ftp-data.setup-frame", "Setup frame", DX_FT_FRAMENUM, DX_BASE_NONE),
    [D_SETUP_METHOD] = DX_F("ftp-data.setup-method", "Setup method", DX_FT_STRING, DX_BASE_NONE),
    [D_COMMAND] = DX_F("ftp-data.command", "Command", DX_FT_STRING, DX_BASE_NONE),
    [D_COMMAND_FRAME] =
        DX_F("ftp-data.command-frame", "Command frame", DX_FT_FRAMENUM, DX_BASE_NONE),
    [D_CWD] = DX_F("ftp-data.current-working-directory", "Current working directory", DX_FT_STRING,
                   DX_BASE_NONE),
};

#define DL(i) (&ftp_data_fields[(i)])

extern const dx_protocol dx_proto_tls;
extern const dx_protocol dx_proto_ftp;
extern const dx_protocol dx_proto_ftp_data;

#define FTP_MAX_STR 4096        /* bytes kept of a command or a directory */
#define FTP_MAX_EXPECT 1024     /* data connections announced and not yet seen */
#define FTP_EXPECT_BUCKETS 2048 /* a power of two */

/* ---- memory charged to the session's byte budget ---- */
typedef struct ftp_budget {
  uint64_t *budget, max;
} ftp_budget;

static void *b_alloc(const ftp_budget *b, size_t n) {
  if (!dx_budget_take(b->budget, b->max, dx_heap_cost(n)))
    return NULL;
  void *v = calloc(1, n);
  if (!v)
    dx_budget_give(b->budget, dx_heap_cost(n));
  return v;
}

static void b_free(const ftp_budget *b, void *v, size_t n) {
  if (!v)
    return;
  free(v);
  dx_budget_give(b->budget, dx_heap_cost(n));
}

/* A string kept across packets: NUL-terminated, at most FTP_MAX_STR bytes. */
typedef struct ftp_str {
  char *s;
  uint32_t len;
} ftp_str;

static void str_free(const ftp_budget *b, ftp_str *x) {
  if (x->s)
    b_free(b, x->s, (size_t)x->len + 1);
  x->s = NULL;
  x->len = 0;
}

/* Replaces *x with s[0..n) (cut at a NUL and at FTP_MAX_STR); false (and
 * *x emptied) when the budget has no room. */
static bool str_set(const ftp_budget *b, ftp_str *x, const char *s, size_t n) {
  const char *z = n ? memchr(s, 0, n) : NULL;
  if (z)
    n = (size_t)(z - s);
  if (n > FTP_MAX_STR)
    n = FTP_MAX_STR;
  char *c = b_alloc(b, n + 1);
  str_free(b, x);
  if (!c)
    return false;
  if (n)
    memcpy(c, s, n);
  c[n] = 0;
  x->s = c;
  x->len = (uint32_t)n;
  return true;
}

/* ---- the working directory, shared as tshark shares its string buffer:
 * a data connection holds the control connection's at its announcement,
 * which a change replaces, but for the first relative CWD from an empty
 * directory, appended in place (so seen by the data connections announced
 * before it) ---- */
typedef struct ftp_cwd {
  ftp_budget b;
  unsigned refs;
  ftp_str s;
} ftp_cwd;

static void cwd_unref(ftp_cwd *w) {
  if (!w || --w->refs)
    return;
  ftp_budget b = w->b;
  str_free(&b, &w->s);
  b_free(&b, w, sizeof *w);
}

static const char *cwd_str(const ftp_cwd *w) {
  return w && w->s.s ? w->s.s : "";
}

static uint32_t cwd_len(const ftp_cwd *w) {
  return w && w->s.s ? w->s.len : 0;
}

/* ---- a data connection (tshark's ftp_data_conversation_t) ---- */
typedef struct ftp_dconv {
  ftp_budget b;
  unsigned refs; /* the control connection, the table, the data connection */
  const char *method;
  uint64_t setup_frame, command_frame;
  bool have_command;
  ftp_str command;
  ftp_cwd *cwd;
} ftp_dconv;

static void dconv_unref(ftp_dconv *d) {
  if (!d || --d->refs)
    return;
  ftp_budget b = d->b;
  str_free(&b, &d->command);
  cwd_unref(d->cwd);
  b_free(&b, d, sizeof *d);
}

static void dconv_unref_v(void *v) {
  dconv_unref(v);
}

/* ---- the control connection ---- */
typedef struct ftp_conv {
  ftp_budget b;
  ftp_str last_command; /* (set: have_last) */
  bool have_last;
  ftp_cwd *cwd;   /* (NULL: no room for it, shown empty) */
  ftp_dconv *cur; /* the data connection announced last */
  bool tls_requested;
} ftp_conv;

static void conv_free(void *v) {
  ftp_conv *c = v;
  if (!c)
    return;
  ftp_budget b = c->b;
  str_free(&b, &c->last_command);
  cwd_unref(c->cwd);
  dconv_unref(c->cur);
  b_free(&b, c, sizeof *c);
}

static ftp_conv *conv_get(dx_packet *p) {
  if (!dx_in_stream(p))
    return NULL;
  ftp_conv *c = dx_app_data(p, conv_free);
  if (c)
    return c;
  ftp_budget b = {dx_packet_stream_budget(p), dx_packet_config(p)->max_total_stream_bytes};
  c = b_alloc(&b, sizeof *c);
  if (!c)
    return NULL;
  c->b = b;
  c->cwd = b_alloc(&b, sizeof *c->cwd);
  if (c->cwd) {
    c->cwd->b = b;
    c->cwd->refs = 1;
  }
  if (!dx_app_data_set(p, c, conv_free)) {
    conv_free(c);
    return NULL;
  }
  return c;
}

/* ---- the table of announced data connections (session state) ---- */
typedef struct ftp_expect {
  struct ftp_expect *hnext, *older, *newer;
  uint32_t hash;
  dx_addr a, b; /* the connection from a:port to b:any port (either way) */
  uint16_t port;
  ftp_dconv *d;
} ftp_expect;

typedef struct ftp_state {
  dx_hashkey key;
  ftp_expect *buckets[FTP_EXPECT_BUCKETS];
  ftp_expect *oldest, *newest;
  uint32_t count;
} ftp_state;

static void *state_new(struct dx_session *s) {
  ftp_state *st = calloc(1, sizeof *st);
  if (st)
    st->key = *dx_session_hashkey(s);
  return st;
}

static uint32_t expect_hash(const ftp_state *st, const dx_addr *a, uint16_t port,
                            const dx_addr *b) {
  uint8_t k[2 + 2 + 32];
  k[0] = (uint8_t)a->type;
  k[1] = (uint8_t)b->type;
  k[2] = (uint8_t)(port >> 8);
  k[3] = (uint8_t)port;
  memcpy(k + 4, a->a, 16);
  memcpy(k + 20, b->a, 16);
  return (uint32_t)dx_siphash13(&st->key, k, sizeof k);
}

static void expect_remove(ftp_state *st, ftp_expect *e) {
  ftp_expect **pp = &st->buckets[e->hash & (FTP_EXPECT_BUCKETS - 1)];
  while (*pp && *pp != e)
    pp = &(*pp)->hnext;
  if (*pp)
    *pp = e->hnext;
  if (e->older)
    e->older->newer = e->newer;
  else
    st->oldest = e->newer;
  if (e->newer)
    e->newer->older = e->older;
  else
    st->newest = e->older;
  st->count--;
  dconv_unref(e->d);
  free(e);
}

static void state_clear(ftp_state *st) {
  while (st->oldest)
    expect_remove(st, st->oldest);
}

static void state_free(void *v) {
  ftp_state *st = v;
  if (!st)
    return;
  state_clear(st);
  free(st);
}

static void state_reset(void *v, struct dx_session *s) {
  ftp_state *st = v;
  state_clear(st);
  st->key = *dx_session_hashkey(s);
}

static void expect_add(dx_packet *p, const dx_addr *a, uint16_t port, const dx_addr *b,
                       ftp_dconv *d) {
  ftp_state *st = dx_proto_state(p, &dx_proto_ftp);
  if (!st)
    return;
  while (st->count >= FTP_MAX_EXPECT && st->oldest)
    expect_remove(st, st->oldest); /* (the oldest announcement is forgotten) */
  ftp_expect *e = calloc(1, sizeof *e);
  if (!e)
    return;
  e->a = *a;
  e->b = *b;
  e->port = port;
  e->hash = expect_hash(st, a, port, b);
  e->d = d;
  d->refs++;
  ftp_expect **bk = &st->buckets[e->hash & (FTP_EXPECT_BUCKETS - 1)];
  e->hnext = *bk;
  *bk = e;
  e->older = st->newest;
  if (st->newest)
    st->newest->newer = e;
  else
    st->oldest = e;
  st->newest = e;
  st->count++;
}

static ftp_expect *expect_find(ftp_state *st, const dx_addr *a, uint16_t port, const dx_addr *b) {
  uint32_t h = expect_hash(st, a, port, b);
  ftp_expect *found = NULL;
  /* (the newest announcement wins, as tshark's newest conversation) */
  for (ftp_expect *e = st->buckets[h & (FTP_EXPECT_BUCKETS - 1)]; e; e = e->hnext)
    if (e->hash == h && e->port == port && dx_addr_eq(&e->a, a) && dx_addr_eq(&e->b, b) &&
        (!found || e->d->setup_frame > found->d->setup_frame))
      found = e;
  return found;
}

/* dx_protocol.expect_tcp: a new TCP connection an FTP control connection
 * announced takes the announcement (tshark's wildcard conversation, whose
 * second port is set by the first connection found). */
static bool ftp_data_expect(dx_packet *p, void **data, void (**data_free)(void *)) {
  ftp_state *st = dx_proto_state(p, &dx_proto_ftp);
  if (!st || !st->count)
    return false;
  ftp_expect *e = expect_find(st, &p->net_src, p->srcport, &p->net_dst);
  if (!e)
    e = expect_find(st, &p->net_dst, p->dstport, &p->net_src);
  if (!e)
    return false;
  ftp_dconv *d = e->d;
  d->refs++;
  expect_remove(st, e);
  *data = d;
  *data_free = dconv_unref_v;
  return true;
}

/* Announces a data connection from a:port to b (any port) set up by
 * `method` in this frame: it becomes the control connection's current one
 * (tshark's create_and_link_data_conversation). */
static void announce(dx_packet *p, ftp_conv *c, const dx_addr *a, uint16_t port, const dx_addr *b,
                     const char *method) {
  /* (without the connection's state: the data connection is announced,
   * without its command and directory) */
  ftp_budget bg = {dx_packet_stream_budget(p), dx_packet_config(p)->max_total_stream_bytes};
  ftp_dconv *d = b_alloc(c ? &c->b : &bg, sizeof *d);
  if (!d)
    return;
  d->b = c ? c->b : bg;
  d->refs = 1;
  d->method = method;
  d->setup_frame = p->num;
  if (c && c->cwd) {
    d->cwd = c->cwd;
    d->cwd->refs++;
  }
  expect_add(p, a, port, b, d);
  if (c) {
    dconv_unref(c->cur);
    c->cur = d;
  } else {
    dconv_unref(d);
  }
}

/* ---- text ---- */

/* tvb_find_line_end() without desegmentation: the line's length, *next
 * after its end (CR LF, LF, CR) or the bytes' end. */
static uint32_t line_end(const uint8_t *s, uint32_t off, uint32_t n, uint32_t *next) {
  for (uint32_t i = off; i < n; i++) {
    if (s[i] == '\n') {
      *next = i + 1;
      return i - off;
    }
    if (s[i] == '\r') {
      *next = i + 1 < n && s[i + 1] == '\n' ? i + 2 : i + 1;
      return i - off;
    }
  }
  *next = n;
  return n - off;
}

/* A text item's label: the line as format_text() writes it, cut as tshark
 * cuts a label of 240 bytes and more (" [truncated]" and its start). */
#define FTP_LABEL_LEN 240
static void line_label(dx_packet *p, dx_node *n, const uint8_t *s, uint32_t ll) {
  if (!dx_label_wanted(p, n))
    return;
  char lbl[4 * FTP_LABEL_LEN + 16];
  uint32_t take = ll > FTP_LABEL_LEN + 1 ? FTP_LABEL_LEN + 1 : ll;
  size_t l = dx_escape(s, take, lbl, sizeof lbl);
  if (l < FTP_LABEL_LEN && take == ll) {
    dx_node_set_text(p, n, "%s", lbl);
    return;
  }
  static const char trunc[] = " [truncated]";
  size_t k = FTP_LABEL_LEN - 2 - (sizeof trunc - 1);
  while (k > 0 && ((uint8_t)lbl[k] & 0xc0) == 0x80)
    k--;
  dx_node_set_text(p, n, "%s%.*s", trunc, (int)k, lbl);
}

/* The bytes as format_text() writes them, for labels and Info. */
static const char *text(dx_packet *p, const uint8_t *s, uint32_t n) {
  size_t cap = 4 * (size_t)n + 1;
  char *o = dx_arena_alloc(&p->arena, cap);
  if (!o)
    return "";
  dx_escape(s, n, o, cap);
  return o;
}

/* Appends s to Info whole (one append keeps at most 1023 bytes; the
 * column as a whole is bounded as tshark's). */
static void info_long(dx_packet *p, const char *s) {
  char tmp[1001];
  for (size_t n = strlen(s); n;) {
    size_t k = n < 1000 ? n : 1000;
    memcpy(tmp, s, k);
    tmp[k] = 0;
    dx_col_info_append(p, "%s", tmp);
    s += k;
    n -= k;
  }
}

/* s[0..n) as a NUL-terminated string in the packet's arena (tshark's
 * tvb_get_raw_bytes_as_string: a NUL in it ends it). */
static char *cstr(dx_packet *p, const uint8_t *s, uint32_t n) {
  char *o = dx_arena_alloc(&p->arena, (size_t)n + 1);
  if (!o)
    return NULL;
  if (n)
    memcpy(o, s, n);
  o[n] = 0;
  return o;
}

/* tvb_strneql(tvb, 0, w, n) == 0: strncmp() of n bytes. */
static bool strneql(const uint8_t *s, uint32_t n, const char *w) {
  for (uint32_t i = 0; i < n; i++) {
    if (s[i] != (uint8_t)w[i])
      return false;
    if (!w[i])
      return true;
  }
  return true;
}

static bool is_digit(int c) {
  return c >= '0' && c <= '9';
}

static bool is_space(int c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}

/* sscanf's %d: white space, a sign, digits (at least one); the value as
 * glibc stores it (strtol's, saturated to long, cut to int). */
static bool scan_int(const char **pp, int32_t *v) {
  const char *q = *pp;
  while (is_space((unsigned char)*q))
    q++;
  bool neg = false;
  if (*q == '+' || *q == '-')
    neg = *q++ == '-';
  if (!is_digit((unsigned char)*q))
    return false;
  uint64_t x = 0;
  bool over = false;
  while (is_digit((unsigned char)*q)) {
    if (x > (UINT64_MAX - 9) / 10)
      over = true;
    else
      x = x * 10 + (uint64_t)(*q - '0');
    q++;
  }
  uint64_t lmax = (uint64_t)INT64_MAX;
  int64_t l;
  if (neg)
    l = over || x > lmax + 1 ? INT64_MIN : (x == lmax + 1 ? INT64_MIN : -(int64_t)x);
  else
    l = over || x > lmax ? INT64_MAX : (int64_t)x;
  *v = (int32_t)(uint32_t)(uint64_t)l;
  *pp = q;
  return true;
}

static uint32_t num_len(int32_t v) {
  return v < 10 ? 1 : v < 100 ? 2 : 3;
}

/* parse_port_pasv(): six numbers separated by commas, from the first digit
 * of args on (and from each later run of digits until they are found). */
static bool parse_port_pasv(const char *args, uint32_t *ip, uint16_t *port, uint32_t *at,
                            uint32_t *ip_len, uint32_t *port_len) {
  const char *p = args;
  for (;;) {
    while (*p && !is_digit((unsigned char)*p))
      p++;
    if (!*p)
      return false;
    int32_t v[6];
    const char *q = p;
    int i = 0;
    for (; i < 6; i++) {
      if (i && *q++ != ',')
        break;
      if (!scan_int(&q, &v[i]))
        break;
    }
    if (i == 6) {
      *port = (uint16_t)((((uint32_t)v[4] & 0xff) << 8) | ((uint32_t)v[5] & 0xff));
      *ip =
          ((uint32_t)v[0] << 24) | ((uint32_t)v[1] << 16) | ((uint32_t)v[2] << 8) | (uint32_t)v[3];
      *at = (uint32_t)(p - args);
      *port_len = num_len(v[4]) + 1 + num_len(v[5]);
      *ip_len = num_len(v[0]) + 1 + num_len(v[1]) + 1 + num_len(v[2]) + 1 + num_len(v[3]);
      return true;
    }
    while (*p && is_digit((unsigned char)*p))
      p++;
  }
}

/* ws_strtou16/32(): an unsigned decimal number (g_ascii_strtoull: white
 * space, a sign), no leading sign, at most max; with end NULL the whole
 * string. *end (if asked) where the digits ended, or str without any. */
static bool ws_strtou(const char *str, const char **end, uint64_t max, uint64_t *out) {
  *out = 0;
  if (str[0] == '-' || str[0] == '+') {
    if (end)
      *end = str;
    return false;
  }
  const char *q = str;
  while (is_space((unsigned char)*q))
    q++;
  bool neg = false;
  if (*q == '+' || *q == '-')
    neg = *q++ == '-';
  if (!is_digit((unsigned char)*q)) {
    if (end)
      *end = str;
    return false;
  }
  uint64_t x = 0;
  bool over = false;
  while (is_digit((unsigned char)*q)) {
    unsigned dgt = (unsigned)(*q++ - '0');
    if (x > (UINT64_MAX - dgt) / 10)
      over = true;
    else
      x = x * 10 + dgt;
  }
  if (end)
    *end = q;
  else if (*q)
    return false;
  if (over)
    return false;
  if (neg)
    x = (uint64_t)0 - x;
  if (x > max)
    return false;
  *out = x;
  return true;
}

/* RFC 2428 2: a delimiter is printable, neither a hex digit nor . or :. */
static bool rfc2428_delimiter(unsigned char c) {
  if (c <= 0x20 || c >= 0x7f)
    return false;
  unsigned char l = c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
  return !strchr("0123456789abcdef.:", l);
}

/* parse_eprt_request(): |<af>|<addr>|<port>| with any valid delimiter. */
static bool parse_eprt(dx_packet *p, const char *args, uint32_t *af, uint8_t ip[16], uint16_t *port,
                       uint32_t *ip_len, uint32_t *port_len) {
  size_t n = strlen(args);
  if (n < 4 || !rfc2428_delimiter((unsigned char)args[0]))
    return false;
  char d = args[0];
  int seen = 0;
  for (size_t i = 0; i < n; i++)
    seen += args[i] == d;
  if (seen != 4)
    return false;
  bool ret = true;
  seen = 1;
  size_t last = 0;
  for (size_t i = 1; i < n; i++) {
    if (args[i] != d)
      continue;
    seen++;
    size_t fl = i - last - 1;
    if (fl == 0)
      return false;
    char *field = dx_arena_strndup(&p->arena, args + last + 1, fl);
    if (!field)
      return false;
    uint64_t v;
    if (seen == 2) {
      if (!ws_strtou(field, NULL, UINT32_MAX, &v))
        return false;
      *af = (uint32_t)v;
    } else if (seen == 3) {
      if (*af == 1)
        ret = inet_pton(AF_INET, field, ip) == 1;
      else if (*af == 2)
        ret = inet_pton(AF_INET6, field, ip) == 1;
      else
        return false;
      *ip_len = (uint32_t)fl;
    } else if (seen == 4) {
      if (!ws_strtou(field, NULL, UINT16_MAX, &v))
        return false;
      *port = (uint16_t)v;
      *port_len = (uint32_t)fl;
    }
    last = i;
  }
  return ret;
}

/* parse_extended_pasv_response(): "(" three same delimiters, the port. */
static bool parse_epsv(const char *args, uint16_t *port, uint32_t *at, uint32_t *port_len) {
  const char *p = strchr(args, '(');
  if (!p)
    return false;
  p++;
  unsigned char d = 0;
  for (int i = 0; i < 3 && *p; i++) {
    unsigned char c = (unsigned char)*p;
    if (d == 0 && rfc2428_delimiter(c))
      d = c;
    if (c != d)
      break;
    p++;
  }
  if (!*p)
    return false;
  const char *end = p;
  uint64_t v;
  bool ok = ws_strtou(p, &end, UINT16_MAX, &v);
  if (!ok && *end == '|') {
    ok = true;
    /* (ws_strtou16's value on failure: its maximum when out of range) */
    v = end != p ? UINT16_MAX : 0;
  }
  if (!ok)
    return false;
  *port = (uint16_t)v;
  *at = (uint32_t)(p - args);
  const char *e = strchr(p, ')');
  if (!e)
    return false;
  *port_len = (uint32_t)(e - 1 - p);
  return true;
}

/* ---- the working directory ---- */

/* The control connection's directory becomes s[0..n), a new string (the
 * data connections announced before keep the old one). */
static void cwd_set(ftp_conv *c, const char *s, size_t n) {
  ftp_cwd *w = b_alloc(&c->b, sizeof *w);
  if (w) {
    w->b = c->b;
    w->refs = 1;
    str_set(&w->b, &w->s, s, n);
  }
  cwd_unref(c->cwd);
  c->cwd = w;
}

/* add_directory_to_conv(): the relative path appended and normalised
 * ("." dropped, ".." going up). */
static void cwd_append(dx_packet *p, ftp_conv *c, const char *np) {
  size_t nl = strlen(np);
  if (!c->cwd)
    return;
  if (!c->cwd->s.len) {
    str_set(&c->b, &c->cwd->s, np, nl); /* (in place) */
    return;
  }
  const char *cur = c->cwd->s.s;
  size_t cl = c->cwd->s.len;
  bool sep = cur[cl - 1] == '/';
  size_t al = cl + !sep + nl;
  char *app = dx_arena_alloc(&p->arena, al + 1);
  char *out = dx_arena_alloc(&p->arena, al + 2);
  char *folder = dx_arena_alloc(&p->arena, al + 1);
  if (!app || !out || !folder)
    return;
  memcpy(app, cur, cl);
  if (!sep)
    app[cl] = '/';
  memcpy(app + cl + !sep, np, nl);
  app[al] = 0;
  size_t ol = 0, fl = 0, off = 0;
  if (cur[0] == '/') {
    out[ol++] = '/';
    off++;
  }
  for (; off <= al; off++) {
    char ch = off < al ? app[off] : 0;
    if (off == al || ch == '/' || ch == 0) {
      if (off > 0 && fl > 0) {
        if (fl == 2 && folder[0] == '.' && folder[1] == '.') {
          while (ol && out[ol - 1] != '/')
            ol--;
          if (ol > 1 && out[ol - 1] == '/')
            ol--;
        } else if (!(fl == 1 && folder[0] == '.')) {
          if (ol > 0 && out[ol - 1] != '/')
            out[ol++] = '/';
          memcpy(out + ol, folder, fl);
          ol += fl;
        }
        fl = 0;
      }
    } else {
      folder[fl++] = ch;
    }
    if (ch == 0)
      break;
  }
  cwd_set(c, out, ol);
}

/* process_pwd_success(): the quoted directory of a 257 reply ("" inside
 * for a quote); false if the reply has none. */
static bool pwd_reply(dx_packet *p, ftp_conv *c, const uint8_t *s, uint32_t n) {
  if (n < 2 || s[0] != '"')
    return false;
  char *out = dx_arena_alloc(&p->arena, n + 1);
  if (!out)
    return true;
  uint32_t ol = 0, off;
  bool started = false;
  for (off = 0; off < n && s[off] != '\r' && s[off] != '\n'; off++) {
    if (s[off] == '"') {
      if (off + 1 < n && s[off + 1] == '"') {
        out[ol++] = '"';
        off++;
      } else {
        if (started)
          break;
        started = true;
      }
    } else {
      out[ol++] = (char)s[off];
    }
  }
  if (off >= n || s[off] != '"')
    return false;
  cwd_set(c, out, ol);
  return true;
}

/* ---- FTP ---- */

/* tshark: a request when the port FTP was found by (pinfo->match_uint)
 * is the destination. */
static bool is_request(const dx_packet *p) {
  uint16_t match = dx_match_port(p, DX_TABLE_TCP_PORT, &dx_proto_ftp);
  return p->dstport == (match ? match : 21);
}

/* An item at off, len in t, clipped to it (tshark's offsets can point past
 * the line for odd arguments). */
static void clip(const dx_tvb *t, uint32_t *off, uint32_t *len) {
  if (*off > t->len)
    *off = t->len;
  if (*len > t->len - *off)
    *len = t->len - *off;
}

static dx_node *add_uint_at(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                            uint32_t off, uint32_t len, uint64_t v) {
  clip(t, &off, &len);
  return dx_add_uint(p, parent, f, t, off, len, v);
}

/* An ENC_ASCII string item: it ends at a NUL; "Trailing stray
 * characters" as tshark 4.0's detect_trailing_stray_characters() finds
 * them: in the converted string (a byte of 0x80 or more is U+FFFD, three
 * bytes), a byte other than NUL between its first NUL and the item's
 * length in bytes. */
static void add_text_item(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                          uint32_t off, uint32_t len) {
  dx_node *it = dx_add_item(p, parent, f, t, off, len);
  const uint8_t *s = dx_get_ptr(t, off, len);
  if (!s || !memchr(s, 0, len))
    return;
  uint32_t ci = 0, nul = UINT32_MAX; /* (the converted string's index) */
  for (uint32_t i = 0; i < len && ci < len; i++) {
    uint32_t w = s[i] >= 0x80 ? 3 : 1;
    for (uint32_t k = 0; k < w && ci < len; k++, ci++) {
      uint8_t b = s[i] >= 0x80 ? 1 : s[i];
      if (!b && nul == UINT32_MAX)
        nul = ci;
      else if (b && nul != UINT32_MAX) {
        dx_expert(p, it, dx_field_stray(), DX_SEV_WARN, "Trailing stray characters");
        return;
      }
    }
  }
}

static void add_generated(dx_node *n) {
  dx_node_set_flags(n, DX_NODE_GENERATED);
}

static void request_state(dx_packet *p, ftp_conv *c, const uint8_t *s, uint32_t ll) {
  if (!c)
    return;
  c->have_last = str_set(&c->b, &c->last_command, (const char *)s, ll);
  if (ll == 8 && !memcmp(s, "AUTH TLS", 8))
    c->tls_requested = true;
  ftp_dconv *d = c->cur;
  if (d && !d->have_command) {
    d->have_command = true;
    d->command_frame = p->num;
    str_set(&d->b, &d->command, (const char *)s, ll);
  }
}

static void response_state(dx_packet *p, ftp_conv *c, unsigned code, const uint8_t *s, uint32_t ll,
                           dx_node *code_item) {
  if (code == 234 && c && c->tls_requested) {
    dx_stream_starttls(p, &dx_proto_tls);
    c->tls_requested = false;
  }
  if (code == 250 && c && c->have_last) {
    const char *lc = c->last_command.s;
    if (!strncmp(lc, "CWD ", 4)) {
      const char *np = lc + 4;
      if (np[0] == '/')
        cwd_set(c, np, strlen(np));
      else
        cwd_append(p, c, np);
    } else if (!strncmp(lc, "CDUP", 4)) {
      cwd_append(p, c, "..");
    }
  }
  if (code == 257 && c && ll >= 4 && !pwd_reply(p, c, s + 4, ll - 4))
    dx_expert(p, code_item, FL(F_PWD_INVALID), DX_SEV_ERROR, "Invalid PWD response");
}

static uint32_t dissect_ftp(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  const uint8_t *s = dx_get_ptr(t, 0, t->len);
  if (!s && t->len)
    return 0;
  if (!s)
    s = (const uint8_t *)"";
  dx_col_set_proto(p, "FTP");
  ftp_conv *c = conv_get(p);
  bool req = is_request(p);
  uint32_t next;
  uint32_t ll = line_end(s, 0, t->len, &next);
  dx_col_info_set(p, "%s", req ? "Request: " : "Response: ");
  /* (the column keeps 4,095 bytes: no more of the line is escaped) */
  info_long(p, text(p, s, ll < 4096 ? ll : 4096));

  dx_node *ftp = dx_add_proto(p, parent, FL(F_FTP), t, 0, t->len);
  dx_node_set_flags(dx_add_uint(p, ftp, FL(F_REQUEST), t, 0, 0, req), DX_NODE_HIDDEN);
  dx_node_set_flags(dx_add_uint(p, ftp, FL(F_RESPONSE), t, 0, 0, !req), DX_NODE_HIDDEN);
  dx_node *rr = dx_add_none(p, ftp, FL(F_LINE), t, 0, next);
  line_label(p, rr, s, next);

  uint32_t tokenlen = 0, next_token = 0;
  bool is_port = false, is_eprt = false, is_pasv = false, is_epsv = false;
  if (req) {
    /* get_token_len(): up to a space, then the spaces after it */
    while (tokenlen < ll && s[tokenlen] != ' ')
      tokenlen++;
    next_token = tokenlen;
    while (next_token < ll && s[next_token] == ' ')
      next_token++;
    if (tokenlen) {
      add_text_item(p, rr, FL(F_REQ_COMMAND), t, 0, tokenlen);
      if (strneql(s, tokenlen, "PORT"))
        is_port = true;
      else if (strneql(s, tokenlen, "EPRT"))
        is_eprt = true;
    }
    request_state(p, c, s, ll);
  } else if (ll >= 3 && is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2])) {
    unsigned code = (unsigned)(s[0] - '0') * 100 + (unsigned)(s[1] - '0') * 10 + (s[2] - '0');
    dx_node *ci = dx_add_uint(p, rr, FL(F_RSP_CODE), t, 0, 3, code);
    is_pasv = code == 227;
    is_epsv = code == 229;
    response_state(p, c, code, s, ll, ci);
    next_token = ll >= 4 ? 4 : ll;
  }
  uint32_t off = next_token, alen = ll - next_token;
  if (alen)
    add_text_item(p, rr, FL(req ? F_REQ_ARG : F_RSP_ARG), t, off, alen);
  char *args =
      (is_port || is_eprt || ((is_pasv || is_epsv) && alen)) ? cstr(p, s + off, alen) : NULL;
  if (args && is_port) {
    uint32_t ip, at, ip_len, port_len;
    uint16_t port;
    if (parse_port_pasv(args, &ip, &port, &at, &ip_len, &port_len)) {
      add_uint_at(p, rr, FL(F_ACTIVE_IP), t, at + tokenlen + 1, ip_len, ip);
      add_uint_at(p, rr, FL(F_ACTIVE_PORT), t, at + 1 + tokenlen + 1 + ip_len, port_len, port);
      dx_addr a = {.type = DX_AT_IPV4};
      a.a[0] = (uint8_t)(ip >> 24);
      a.a[1] = (uint8_t)(ip >> 16);
      a.a[2] = (uint8_t)(ip >> 8);
      a.a[3] = (uint8_t)ip;
      if (!dx_addr_eq(&p->net_src, &a))
        dx_add_uint(p, rr, FL(F_ACTIVE_NAT), t, 0, 0, 1);
      announce(p, c, &p->net_dst, 20, &a, "PORT");
    }
  }
  if (args && is_pasv) {
    uint32_t ip, at, ip_len, port_len;
    uint16_t port;
    if (parse_port_pasv(args, &ip, &port, &at, &ip_len, &port_len)) {
      add_uint_at(p, rr, FL(F_PASV_IP), t, at + 4, ip_len, ip);
      add_uint_at(p, rr, FL(F_PASV_PORT), t, at + 4 + 1 + ip_len, port_len, port);
      dx_addr a = {.type = DX_AT_IPV4};
      a.a[0] = (uint8_t)(ip >> 24);
      a.a[1] = (uint8_t)(ip >> 16);
      a.a[2] = (uint8_t)(ip >> 8);
      a.a[3] = (uint8_t)ip;
      if (!dx_addr_eq(&p->net_src, &a))
        dx_add_uint(p, rr, FL(F_PASV_NAT), t, 0, 0, 1);
      announce(p, c, &a, port, &p->net_dst, "PASV");
    }
  }
  if (args && is_eprt) {
    uint32_t af = 0, ip_len = 0, port_len = 0;
    uint8_t ip[16] = {0};
    uint16_t port = 0;
    if (parse_eprt(p, args, &af, ip, &port, &ip_len, &port_len)) {
      uint32_t eo = tokenlen + 2;
      add_uint_at(p, rr, FL(F_EPRT_AF), t, eo, 1, af);
      eo += 2;
      dx_addr a = {.type = af == 1 ? DX_AT_IPV4 : DX_AT_IPV6};
      memcpy(a.a, ip, af == 1 ? 4 : 16);
      if (af == 1) {
        add_uint_at(p, rr, FL(F_EPRT_IP), t, eo, ip_len,
                    (uint32_t)ip[0] << 24 | (uint32_t)ip[1] << 16 | (uint32_t)ip[2] << 8 | ip[3]);
      } else {
        uint32_t o = eo, l = ip_len;
        clip(t, &o, &l);
        dx_add_bytes_val(p, rr, FL(F_EPRT_IPV6), t, o, l, ip, 16);
      }
      eo += ip_len + 1;
      add_uint_at(p, rr, FL(F_EPRT_PORT), t, eo, port_len, port);
      /* (tshark 4.0 links the client's own address and port to the one
       * given: a connection from the server never matches it) */
      announce(p, c, &p->net_src, port, &a, "EPRT");
    } else {
      uint32_t o = off >= alen + 1 ? off - alen - 1 : 0, l = alen;
      clip(t, &o, &l);
      dx_node *x = dx_add_none(p, rr, FL(F_EPRT_INVALID), t, o, l);
      dx_node_set_text(p, x, "%s", FL(F_EPRT_INVALID)->label);
      dx_expert(p, x, dx_field_expert(), DX_SEV_WARN, "%s", FL(F_EPRT_INVALID)->label);
    }
  }
  if (args && is_epsv) {
    uint32_t at = 0, port_len = 0;
    uint16_t port = 0;
    if (parse_epsv(args, &port, &at, &port_len)) {
      if (p->net_src.type == DX_AT_IPV4) {
        const uint8_t *a = p->net_src.a;
        add_generated(
            dx_add_uint(p, rr, FL(F_EPSV_IP), t, 0, 0,
                        (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3]));
      } else if (p->net_src.type == DX_AT_IPV6) {
        add_generated(dx_add_bytes_val(p, rr, FL(F_EPSV_IPV6), t, 0, 0, p->net_src.a, 16));
      }
      add_uint_at(p, rr, FL(F_EPSV_PORT), t, at + 4, port_len, port);
      announce(p, c, &p->net_src, port, &p->net_dst, "EPASV");
    } else {
      uint32_t o = off >= alen + 1 ? off - alen - 1 : 0, l = alen;
      clip(t, &o, &l);
      dx_node *x = dx_add_none(p, rr, FL(F_EPSV_INVALID), t, o, l);
      dx_node_set_text(p, x, "%s", FL(F_EPSV_INVALID)->label);
      dx_expert(p, x, dx_field_expert(), DX_SEV_WARN, "%s", FL(F_EPSV_INVALID)->label);
    }
  }

  /* the other lines as text */
  for (uint32_t o = next; o < t->len;) {
    uint32_t n2;
    line_end(s, o, t->len, &n2);
    dx_node *ln = dx_add_none(p, ftp, FL(F_LINE), t, o, n2 - o);
    line_label(p, ln, s + o, n2 - o);
    o = n2;
  }

  ftp_cwd *w = c ? c->cwd : NULL;
  add_generated(dx_add_string(p, parent, FL(F_CWD), t, 0, 0, cwd_str(w), cwd_len(w)));
  return t->len;
}

static const dx_reg ftp_regs[] = {{DX_TABLE_TCP_PORT, 21}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_ftp = {
    .name = "ftp",
    .label = "File Transfer Protocol (FTP)",
    .fields = ftp_fields,
    .nfields = DX_ARRAY_LEN(ftp_fields),
    .dissect = dissect_ftp,
    .regs = ftp_regs,
    .state_new = state_new,
    .state_free = state_free,
    .state_reset = state_reset,
};

/* ---- FTP-DATA ---- */

static bool is_print(uint8_t c) {
  return c >= 0x20 && c < 0x7f;
}

static uint32_t dissect_ftp_data(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  dx_col_set_proto(p, "FTP-DATA");
  dx_col_info_set(p, "FTP Data: %u bytes", t->reported);
  dx_node *data = dx_add_proto(p, parent, DL(D_DATA), t, 0, t->len);
  ftp_dconv *d = dx_app_data(p, dconv_unref_v);
  if (d || p->flow) {
    uint64_t setup = d ? d->setup_frame : p->flow->first_frame;
    add_generated(dx_add_uint(p, parent, DL(D_SETUP_FRAME), t, 0, 0, setup));
  }
  if (d) {
    add_generated(
        dx_add_string(p, parent, DL(D_SETUP_METHOD), t, 0, 0, d->method, strlen(d->method)));
    dx_col_info_append(p, " (%s)", d->method);
    if (d->have_command) {
      const char *cmd = d->command.s ? d->command.s : "";
      add_generated(
          dx_add_string(p, parent, DL(D_COMMAND), t, 0, 0, cmd, d->command.s ? d->command.len : 0));
      dx_col_info_append(p, " (%s)", text(p, (const uint8_t *)cmd, d->command.len));
      dx_add_uint(p, parent, DL(D_COMMAND_FRAME), t, 0, 0, d->command_frame);
    }
    add_generated(dx_add_string(p, parent, DL(D_CWD), t, 0, 0, cwd_str(d->cwd), cwd_len(d->cwd)));
  }
  dx_node_append_text(p, data, " (%u bytes data)", t->len);
  bool is_text = true;
  for (uint32_t i = 0; i < t->len && i < 20; i++)
    if (t->data[i] != '\r' && t->data[i] != '\n' && !is_print(t->data[i])) {
      is_text = false;
      break;
    }
  if (is_text) {
    if (dx_text_is_xml(t))
      dx_text_lines_xml(p, parent, t);
    else
      dx_http_text_lines(p, parent, t, NULL);
  }
  return t->len;
}

static const dx_reg ftp_data_regs[] = {{DX_TABLE_TCP_PORT, 20}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_ftp_data = {
    .name = "ftp-data",
    .label = "FTP Data",
    .fields = ftp_data_fields,
    .nfields = DX_ARRAY_LEN(ftp_data_fields),
    .dissect = dissect_ftp_data,
    .regs = ftp_data_regs,
    .expect_tcp = ftp_data_expect,
};
