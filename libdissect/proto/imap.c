/* IMAP (RFC 9051; TCP port 143, and inside TLS on port 993) as tshark 4.0's
 * packet-imap.c shows it: one imap.line item per line; for a tagged line
 * the whole line as the request or response, its tag, the command (or the
 * response status, then the response's command), the folder argument of
 * the commands that take one, LOGIN's user name and password; a response
 * matched to the latest request with the same tag (imap.response_to,
 * imap.time). Info: "Request: " or "Response: " and the first tagged line.
 *
 * STARTTLS: after a request STARTTLS, an OK response hands the rest of the
 * connection to TLS (RFC 9051 6.2.1), as tshark's ssl_starttls_ack() does;
 * and, as tshark's default "imap.ssl_heuristic", the first two PDUs of a
 * connection whose first five bytes are not printable are TLS (a capture
 * that starts after the STARTTLS exchange).
 *
 * A FETCH response's literal is an Internet Message (imf.c). Not made:
 * tshark's response_in (which needs its second pass). */
#include "../core/dx.h"
#include "../core/stream.h"
#include "http_body.h"

#include <stdlib.h>
#include <string.h>

enum {
  F_IMAP,
  F_ISREQ,
  F_LINE,
  F_REQUEST,
  F_REQ_TAG,
  F_RESPONSE,
  F_RESP_TAG,
  F_REQ_CMD,
  F_RESP_CMD,
  F_RESP_STATUS,
  F_TAG,
  F_CMD,
  F_FOLDER,
  F_UID,
  F_USER,
  F_PASS,
  F_RESP_TO,
  F_TIME,
};

static const dx_field imap_fields[] = {
    [F_IMAP] = DX_F("imap", "Internet Message Access Protocol", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_ISREQ] = DX_F("imap.isrequest", "Request", DX_FT_BOOL, DX_BASE_NONE),
    [F_LINE] = DX_F("imap.line", "Line", DX_FT_STRING, DX_BASE_NONE),
    [F_REQUEST] = DX_F("imap.request", "Request", DX_FT_STRING, DX_BASE_NONE),
    [F_REQ_TAG] = DX_F("imap.request_tag", "Request Tag", DX_FT_STRING, DX_BASE_NONE),
    [F_RESPONSE] = DX_F("imap.response", "Response", DX_FT_STRING, DX_BASE_NONE),
    [F_RESP_TAG] = DX_F("imap.response_tag", "Response Tag", DX_FT_STRING, DX_BASE_NONE),
    [F_REQ_CMD] = DX_F("imap.request.command", "Request Command", DX_FT_STRING, DX_BASE_NONE),
    [F_RESP_CMD] = DX_F("imap.response.command", "Response Command", DX_FT_STRING, DX_BASE_NONE),
    [F_RESP_STATUS] = DX_F("imap.response.status", "Response Status", DX_FT_STRING, DX_BASE_NONE),
    [F_TAG] = DX_F("imap.tag", "Tag", DX_FT_STRING, DX_BASE_NONE),
    [F_CMD] = DX_F("imap.command", "Command", DX_FT_STRING, DX_BASE_NONE),
    [F_FOLDER] = DX_F("imap.request.folder", "Request Folder", DX_FT_STRING, DX_BASE_NONE),
    [F_UID] = DX_F("imap.request.command.uid", "Request isUID", DX_FT_BOOL, DX_BASE_NONE),
    [F_USER] = DX_F("imap.request.username", "Request Username", DX_FT_STRING, DX_BASE_NONE),
    [F_PASS] = DX_F("imap.request.password", "Request Password", DX_FT_STRING, DX_BASE_NONE),
    [F_RESP_TO] = DX_F("imap.response_to", "Request In", DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_TIME] = DX_F("imap.time", "Response Time", DX_FT_RELTIME, DX_BASE_NONE),
};

#define FL(i) (&imap_fields[(i)])

extern const dx_protocol dx_proto_tls;

/* Requests remembered per connection for matching (the latest ones). */
#define IMAP_MAX_REQS 64
#define IMAP_MAX_TAG 32

typedef struct imap_req {
  char tag[IMAP_MAX_TAG + 1]; /* lower case */
  uint64_t frame;
  int64_t sec;
  int32_t nsec;
} imap_req;

typedef struct imap_conv {
  bool ssl_requested;
  int heur_left; /* PDUs still checked for TLS (tshark: 2) */
  uint32_t nreq, next;
  imap_req req[IMAP_MAX_REQS];
  uint64_t *budget;
} imap_conv;

#define CONV_COST dx_heap_cost(sizeof(imap_conv))

static void conv_free(void *v) {
  imap_conv *c = v;
  if (!c)
    return;
  dx_budget_give(c->budget, CONV_COST);
  free(c);
}

static imap_conv *conv_get(dx_packet *p) {
  if (!dx_in_stream(p))
    return NULL;
  imap_conv *c = dx_app_data(p, conv_free);
  if (c)
    return c;
  uint64_t *budget = dx_packet_stream_budget(p);
  if (!dx_budget_take(budget, dx_packet_config(p)->max_total_stream_bytes, CONV_COST))
    return NULL;
  c = calloc(1, sizeof *c);
  if (!c) {
    dx_budget_give(budget, CONV_COST);
    return NULL;
  }
  c->budget = budget;
  c->heur_left = 2;
  if (!dx_app_data_set(p, c, conv_free)) {
    conv_free(c);
    return NULL;
  }
  return c;
}

/* tvb_find_line_end(): the length of the line at off and where the next
 * starts (after CR LF, LF or a lone CR); -1 when no line end is there (or
 * a CR ends the bytes: its LF may follow). */
static int64_t line_end(const dx_tvb *t, uint32_t off, uint32_t *next) {
  const uint8_t *s = dx_get_ptr(t, off, dx_tvb_avail(t, off));
  uint32_t n = dx_tvb_avail(t, off);
  for (uint32_t i = 0; s && i < n; i++) {
    if (s[i] == '\n') {
      *next = off + i + 1;
      return i;
    }
    if (s[i] == '\r') {
      if (i + 1 == n)
        return -1;
      *next = off + i + (s[i + 1] == '\n' ? 2 : 1);
      return i;
    }
  }
  return -1;
}

/* tvb_get_token_len(): the token at off within len bytes ends at a space,
 * CR or LF; *next is just past that one byte (or at the end). */
static uint32_t token(const uint8_t *s, uint32_t off, uint32_t len, uint32_t *next) {
  for (uint32_t i = 0; i < len; i++)
    if (s[off + i] == ' ' || s[off + i] == '\r' || s[off + i] == '\n') {
      *next = off + i + 1;
      return i;
    }
  *next = off + len;
  return len;
}

static bool ieq(const uint8_t *s, uint32_t n, const char *w) {
  size_t wl = strlen(w);
  if (n != wl)
    return false;
  for (uint32_t i = 0; i < n; i++) {
    uint8_t c = s[i] >= 'A' && s[i] <= 'Z' ? (uint8_t)(s[i] + 32) : s[i];
    if (c != (uint8_t)w[i])
      return false;
  }
  return true;
}

/* g_ascii_strncasecmp(s, w, n) == 0, as tshark compares a token of n
 * bytes with a word: the first n bytes of the word (and its NUL) */
static bool iprefix(const uint8_t *s, uint32_t n, const char *w) {
  size_t wl = strlen(w);
  if (n > wl)
    return false;
  for (uint32_t i = 0; i < n; i++) {
    uint8_t c = s[i] >= 'A' && s[i] <= 'Z' ? (uint8_t)(s[i] + 32) : s[i];
    uint8_t d = (uint8_t)w[i];
    if (c != (d >= 'A' && d <= 'Z' ? (uint8_t)(d + 32) : d))
      return false;
  }
  return true;
}

/* The request/response matching of tshark's imap_match_request() (first
 * pass: a request never knows its response yet). */
static void match(dx_packet *p, imap_conv *c, dx_node *rt, const dx_tvb *t, const uint8_t *tag,
                  uint32_t tl, bool is_req) {
  if (!c || tl == 0)
    return;
  char low[IMAP_MAX_TAG + 1];
  uint32_t k = tl < IMAP_MAX_TAG ? tl : IMAP_MAX_TAG;
  for (uint32_t i = 0; i < k; i++)
    low[i] = (char)(tag[i] >= 'A' && tag[i] <= 'Z' ? tag[i] + 32 : tag[i]);
  low[k] = 0;
  if (is_req) {
    imap_req *r = &c->req[c->next];
    memcpy(r->tag, low, k + 1);
    r->frame = p->num;
    r->sec = p->frame.ts_sec;
    r->nsec = (int32_t)p->frame.ts_nsec;
    c->next = (c->next + 1) % IMAP_MAX_REQS;
    if (c->nreq < IMAP_MAX_REQS)
      c->nreq++;
    return;
  }
  /* the latest request with this tag */
  for (uint32_t i = 0; i < c->nreq; i++) {
    imap_req *r = &c->req[(c->next + IMAP_MAX_REQS - 1 - i) % IMAP_MAX_REQS];
    if (strcmp(r->tag, low) != 0 || r->frame > p->num)
      continue;
    dx_node *n = dx_add_uint(p, rt, FL(F_RESP_TO), t, 0, 0, r->frame);
    dx_node_set_flags(n, DX_NODE_GENERATED);
    int64_t ds = p->frame.ts_sec - r->sec;
    int64_t dn = (int64_t)p->frame.ts_nsec - r->nsec;
    if (dn < 0) {
      dn += 1000000000;
      ds--;
    }
    n = dx_add_time(p, rt, FL(F_TIME), t, 0, 0, ds, (int32_t)dn);
    dx_node_set_flags(n, DX_NODE_GENERATED);
    return;
  }
}

/* The FETCH response at a "*" line (tshark's dissect_imap_fetch): true if
 * more bytes are needed; else *next may move past a literal, and *shown
 * says the line item was added. */
static bool fetch(dx_packet *p, const dx_tvb *t, const uint8_t *s, dx_node *imap, dx_node *parent,
                  uint32_t from, uint32_t off, uint32_t *next, bool *shown, bool *first) {
  uint32_t n = t->len;
  const uint8_t *par = memchr(s + from, '(', n - from);
  if (!par)
    return true;
  uint32_t po = (uint32_t)(par - s);
  if (po + 1 >= t->reported)
    return true;
  const uint8_t *br = memchr(s + po, '{', n - po);
  if (br) {
    uint32_t bo = (uint32_t)(br - s);
    const uint8_t *be = memchr(s + bo + 1, '}', n - bo - 1);
    if (!be)
      return true;
    uint32_t eo = (uint32_t)(be - s);
    uint64_t size = 0;
    if (eo == bo + 1)
      return true;
    for (uint32_t i = bo + 1; i < eo; i++) {
      if (s[i] < '0' || s[i] > '9' || size > 0xffffffffull / 10)
        return true;
      size = size * 10 + (s[i] - '0');
    }
    if (size > 0xffffffffull || eo + size >= n)
      return true;
    const uint8_t *close = memchr(s + eo + size, ')', n - eo - (uint32_t)size);
    if (!close)
      return true;
    dx_add_item(p, imap, FL(F_LINE), t, off, *next - off);
    *first = false;
    *shown = true;
    if (*next + size <= n && size > 0) {
      dx_tvb lit = dx_tvb_sub(t, *next, (uint32_t)size);
      dx_dissect_imf(p, parent, &lit);
      *next += (uint32_t)size;
    }
    return false;
  }
  uint32_t nx;
  if (line_end(t, po, &nx) < 0)
    return true;
  *next = nx;
  dx_add_item(p, imap, FL(F_LINE), t, off, *next - off);
  *shown = true;
  return false;
}

/* The first five bytes, when there are five, are printable ASCII. */
static bool looks_plain(const dx_tvb *t) {
  const uint8_t *s = dx_get_ptr(t, 0, 5);
  if (!s)
    return true;
  for (int i = 0; i < 5; i++)
    if (s[i] < 0x20 || s[i] > 0x7e)
      return false;
  return true;
}

static bool is_request(const dx_packet *p) {
  if (p->srcport == 143 || p->srcport == 993)
    return false;
  if (p->dstport == 143 || p->dstport == 993)
    return true;
  return p->flow_dir == 0;
}

static uint32_t dissect_imap(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  imap_conv *c = conv_get(p);
  if (c && c->heur_left > 0) {
    c->heur_left--;
    if (!looks_plain(t)) {
      /* TLS after a STARTTLS the capture missed: tshark calls TLS from
       * IMAP, whose layer (and nothing of it) is in frame.protocols */
      dx_node_set_flags(dx_add_proto(p, parent, FL(F_IMAP), t, 0, 0), DX_NODE_HIDDEN);
      return dx_stream_handoff(p, &dx_proto_tls, t, parent);
    }
  }
  dx_col_set_proto(p, "IMAP");
  bool req = is_request(p);
  uint32_t next = 0;
  if (line_end(t, 0, &next) < 0) {
    if (dx_in_stream(p) && t->len == t->reported) {
      p->desegment_offset = 0;
      p->desegment_len = DX_DESEGMENT_ONE_MORE;
      return t->len;
    }
  }
  const uint8_t *s = dx_get_ptr(t, 0, t->len);
  if (!s)
    return t->len;
  dx_node *imap = dx_add_proto(p, parent, FL(F_IMAP), t, 0, t->len);
  dx_node_set_flags(dx_add_uint(p, imap, FL(F_ISREQ), t, 0, 0, req), DX_NODE_HIDDEN);
  bool first = true;
  uint32_t off = 0, last_len = 0;
  while (off < t->len) {
    int64_t ll = line_end(t, off, &next);
    if (ll < 0) {
      if (dx_in_stream(p) && t->len == t->reported) {
        p->desegment_offset = off;
        p->desegment_len = DX_DESEGMENT_ONE_MORE;
        return t->len;
      }
      ll = t->len - off; /* (cut by the capture: the rest as one line) */
      next = t->len;
    }
    uint32_t linelen = (uint32_t)ll;
    last_len = linelen;
    if (s[off] == '*') {
      bool show = true;
      /* up to three tokens after the '*' (white space: space, tab, CR, LF) */
      uint32_t ts[3], te[3], nt = 0;
      int64_t np = off;
      do {
        uint32_t st = (uint32_t)np + 1;
        np = -1;
        for (uint32_t i = st; i < next; i++)
          if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n') {
            np = i;
            break;
          }
        if (np > (int64_t)st) {
          ts[nt] = st;
          te[nt] = (uint32_t)np;
          nt++;
        }
      } while (np != -1 && nt < 3);
      if (nt >= 2) {
        for (uint32_t k = 0; k < nt; k++) {
          if (!iprefix(s + ts[k], te[k] - ts[k], "FETCH"))
            continue;
          bool shown = false;
          if (fetch(p, t, s, imap, parent, te[k], off, &next, &shown, &first)) {
            if (dx_in_stream(p) && t->len == t->reported) {
              p->desegment_offset = off;
              p->desegment_len = DX_DESEGMENT_ONE_MORE;
              return t->len;
            }
          } else if (shown) {
            show = false;
          }
          break;
        }
      }
      if (show)
        dx_add_item(p, imap, FL(F_LINE), t, off, next - off);
      off = next;
      continue;
    }
    if (first) {
      char esc[4 * 1024 + 16];
      dx_escape(s + off, linelen < 1024 ? linelen : 1024, esc, sizeof esc);
      dx_col_info_set(p, "%s: %s", req ? "Request" : "Response", esc);
      first = false;
    }
    dx_node *ln = dx_add_item(p, imap, FL(F_LINE), t, off, next - off);
    if (linelen)
      dx_add_item(p, ln, FL(req ? F_REQUEST : F_RESPONSE), t, off, linelen);
    uint32_t o = off, left = linelen, nt;
    const uint8_t *tag = NULL;
    uint32_t tagl = token(s, o, left, &nt);
    if (tagl) {
      tag = s + o;
      dx_add_item(p, ln, FL(req ? F_REQ_TAG : F_RESP_TAG), t, o, tagl);
      dx_node_set_flags(dx_add_item(p, ln, FL(F_TAG), t, o, tagl), DX_NODE_HIDDEN);
      left -= nt - o;
      o = nt;
    }
    uint32_t tl = token(s, o, left, &nt);
    const uint8_t *cmd = NULL;
    uint32_t cmdl = 0, arg = 0, argleft = 0;
    if (tl) {
      const uint8_t *tok = s + o;
      if (req && iprefix(tok, tl, "UID")) {
        dx_add_item(p, ln, FL(F_UID), t, o, tl);
        uint32_t ul = left - (nt - o), un;
        uint32_t ctl = token(s, nt, ul, &un);
        if (ctl) {
          dx_add_item(p, ln, FL(F_REQ_CMD), t, nt, ctl);
          dx_node_set_flags(dx_add_item(p, ln, FL(F_CMD), t, o, tl), DX_NODE_HIDDEN);
          cmd = s + nt;
          cmdl = ctl;
          arg = un;
          argleft = left - (un - o);
        }
      } else {
        dx_add_item(p, ln, FL(req ? F_REQ_CMD : F_RESP_STATUS), t, o, tl);
        if (req) {
          dx_node_set_flags(dx_add_item(p, ln, FL(F_CMD), t, o, tl), DX_NODE_HIDDEN);
          cmd = tok;
          cmdl = tl;
          arg = nt;
          argleft = left - (nt - o);
        }
      }
      if (cmdl) {
        uint32_t fn, fl = token(s, arg, argleft, &fn);
        if (ieq(cmd, cmdl, "select") || ieq(cmd, cmdl, "examine") || ieq(cmd, cmdl, "create") ||
            ieq(cmd, cmdl, "delete") || ieq(cmd, cmdl, "rename") || ieq(cmd, cmdl, "subscribe") ||
            ieq(cmd, cmdl, "unsubscribe") || ieq(cmd, cmdl, "status") || ieq(cmd, cmdl, "append") ||
            ieq(cmd, cmdl, "search")) {
          if (fl)
            dx_add_item(p, ln, FL(F_FOLDER), t, arg, fl);
        } else if (left > 0 && ieq(cmd, cmdl, "copy")) {
          uint32_t f2n, f2l = token(s, fn, left - (fn - o), &f2n);
          if (f2l)
            dx_add_item(p, ln, FL(F_FOLDER), t, fn, f2l);
        } else if (ieq(cmd, cmdl, "starttls")) {
          if (c)
            c->ssl_requested = true;
        } else if (ieq(cmd, cmdl, "login")) {
          uint32_t un2, ul2 = token(s, nt, left - (nt - o), &un2);
          dx_add_item(p, ln, FL(F_USER), t, nt, ul2);
          uint32_t pn, pl = token(s, un2, left - (un2 - o), &pn);
          if (pl >= 2)
            dx_add_string(p, ln, FL(F_PASS), t, un2, pl, (const char *)s + un2 + 1, pl - 2);
          else
            dx_add_string(p, ln, FL(F_PASS), t, un2, pl, "", 0);
        }
      }
      if (!req) {
        uint32_t cn, cl = token(s, nt, left - (nt - o), &cn);
        if (cl) {
          dx_add_item(p, ln, FL(F_RESP_CMD), t, nt, cl);
          dx_node_set_flags(dx_add_item(p, ln, FL(F_CMD), t, nt, cl), DX_NODE_HIDDEN);
        }
      }
      if (c && c->ssl_requested && !req && iprefix(tok, tl, "ok") && tl <= 2) {
        /* STARTTLS accepted: TLS from the next bytes on */
        dx_stream_switch(p, &dx_proto_tls);
        c->heur_left = 0;
        c->ssl_requested = false;
      }
    }
    if (tag)
      match(p, c, ln, t, tag, tagl, req);
    off = next;
  }
  if (first) {
    char esc[4 * 1024 + 16];
    uint32_t k = last_len < t->len ? last_len : t->len;
    dx_escape(s, k < 1024 ? k : 1024, esc, sizeof esc);
    dx_col_info_set(p, "%s: %s", req ? "Request" : "Response", esc);
  }
  return t->len;
}

static const dx_reg imap_regs[] = {
    {DX_TABLE_TCP_PORT, 143}, {DX_TABLE_TLS_PORT, 993}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_imap = {
    .name = "imap",
    .label = "Internet Message Access Protocol",
    .fields = imap_fields,
    .nfields = DX_ARRAY_LEN(imap_fields),
    .dissect = dissect_imap,
    .regs = imap_regs,
};
