/* POP3 (RFC 1939; TCP port 110, and inside TLS on port 995) as tshark 4.0's
 * packet-pop.c shows it: the first line of a segment as the request (its
 * command and parameter) or the response (its +OK/-ERR indicator and
 * description), each further line as data; a server segment that starts
 * with neither +OK nor -ERR is message data ("S: DATA fragment, N
 * bytes"), reassembled as tshark does: after a RETR or TOP answered
 * "+OK <size> ...", the data segments until <size> bytes are handed, as
 * one, to the Internet Message Format (imf.c); without a size each data
 * segment goes alone. STLS answered +OK hands the connection to TLS.
 * The reassembled bytes count against the session's byte budget and a
 * direction's cap; past them the data is shown as it comes. */
#include "../core/dx.h"
#include "../core/stream.h"
#include "http_body.h"
#include "mailmsg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
  F_POP,
  F_RESPONSE,
  F_RESP_IND,
  F_RESP_DESC,
  F_RESP_DATA,
  F_REQUEST,
  F_REQ_CMD,
  F_REQ_PARAM,
  F_REQ_DATA,
  F_FRAGMENTS,
  F_FRAGMENT,
  F_FRAGMENT_COUNT,
  F_REASM_LEN,
  F_TOT_LEN_INVALID,
};

static const dx_field pop_fields[] = {
    [F_POP] = DX_F("pop", "Post Office Protocol", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_RESPONSE] = DX_F("pop.response", "Response", DX_FT_STRING, DX_BASE_NONE),
    [F_RESP_IND] = DX_F("pop.response.indicator", "Response indicator", DX_FT_STRING, DX_BASE_NONE),
    [F_RESP_DESC] =
        DX_F("pop.response.description", "Response description", DX_FT_STRING, DX_BASE_NONE),
    [F_RESP_DATA] = DX_F("pop.response.data", "Data", DX_FT_STRING, DX_BASE_NONE),
    [F_REQUEST] = DX_F("pop.request", "Request", DX_FT_STRING, DX_BASE_NONE),
    [F_REQ_CMD] = DX_F("pop.request.command", "Request command", DX_FT_STRING, DX_BASE_NONE),
    [F_REQ_PARAM] = DX_F("pop.request.parameter", "Request parameter", DX_FT_STRING, DX_BASE_NONE),
    [F_REQ_DATA] = DX_F("pop.request.data", "Data", DX_FT_STRING, DX_BASE_NONE),
    [F_FRAGMENTS] = DX_F("pop.data.fragments", "DATA fragments", DX_FT_NONE, DX_BASE_NONE),
    [F_FRAGMENT] = DX_F("pop.data.fragment", "DATA fragment", DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_FRAGMENT_COUNT] =
        DX_F("pop.data.fragment.count", "DATA fragment count", DX_FT_UINT32, DX_BASE_DEC),
    [F_REASM_LEN] =
        DX_F("pop.data.reassembled.length", "Reassembled DATA length", DX_FT_UINT32, DX_BASE_DEC),
    [F_TOT_LEN_INVALID] =
        DX_F("pop.response.tot_len.invalid", "Length value is invalid", DX_FT_NONE, DX_BASE_NONE),
};

#define FL(i) (&pop_fields[(i)])

extern const dx_protocol dx_proto_tls;

#define POP_MAX_FRAGS 512 /* data segments of one message listed */

typedef struct pop_conv {
  dx_mail_msg msg; /* (first: dx_mail_conv_get) */
  bool msg_request, stls_request;
  uint32_t read_len, tot_len;
} pop_conv;

static void conv_free(void *v) {
  dx_mail_conv_free(v, sizeof(pop_conv));
}

static pop_conv *conv_get(dx_packet *p) {
  return dx_mail_conv_get(p, sizeof(pop_conv), conv_free);
}

static const dx_mail_fields frag_fields = {FL(F_FRAGMENTS), FL(F_FRAGMENT), FL(F_FRAGMENT_COUNT),
                                           FL(F_REASM_LEN)};

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

/* The line's text as format_text() writes it, for labels and Info. */
static const char *text(dx_packet *p, const uint8_t *s, uint32_t n) {
  size_t cap = 4 * (size_t)n + 1;
  char *o = dx_arena_alloc(&p->arena, cap);
  if (!o)
    return "";
  dx_escape(s, n, o, cap);
  return o;
}

static bool is_request(const dx_packet *p) {
  if (p->srcport == 110 || p->srcport == 995)
    return false;
  if (p->dstport == 110 || p->dstport == 995)
    return true;
  return p->flow_dir == 0;
}

/* A server segment of message data: reassembled as tshark's
 * fragment_add_seq_next() (complete once tot_len bytes came; without a
 * size, each segment alone) and handed to the Internet Message Format. */
static void message_data(dx_packet *p, pop_conv *c, const dx_tvb *t, dx_node *pop,
                         dx_node *parent) {
  if (!c) {
    dx_dissect_data(p, t, pop);
    return;
  }
  c->read_len += t->len;
  bool more = c->read_len < c->tot_len;
  if (!more && c->msg.nfrags == 0) {
    /* a message in one segment */
    dx_dissect_imf(p, parent, t);
    c->read_len = c->tot_len = 0;
    return;
  }
  dx_mail_msg_add(p, &c->msg, pop, t->data, t->len, POP_MAX_FRAGS);
  if (c->msg.off) {
    /* (past the budget: the data as it comes) */
    dx_mail_msg_reset(&c->msg);
    c->read_len = c->tot_len = 0;
    dx_dissect_data(p, t, pop);
    return;
  }
  if (more)
    return; /* (tshark: fragmented, nothing more in this frame) */
  dx_tvb rt = dx_mail_msg_source(p, &c->msg, pop, &frag_fields, "Reassembled DATA");
  if (rt.len || rt.reported)
    dx_dissect_imf(p, parent, &rt);
  dx_mail_msg_reset(&c->msg);
  c->read_len = c->tot_len = 0;
}

static uint32_t dissect_pop(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  dx_col_set_proto(p, "POP");
  pop_conv *c = conv_get(p);
  const uint8_t *s = dx_get_ptr(t, 0, t->len);
  if (!s)
    return t->len;
  uint32_t next;
  uint32_t ll = line_end(s, 0, t->len, &next);
  bool req = is_request(p);
  bool cont =
      !req && !(ll >= 3 && memcmp(s, "+OK", 3) == 0) && !(ll >= 4 && memcmp(s, "-ERR", 4) == 0);
  /* (tshark compares the line with "+OK" and "-ERR" as C strings) */
  if (!req && ((t->len >= 3 && memcmp(s, "+OK", 3) == 0) || (t->len >= 4 && !memcmp(s, "-ERR", 4))))
    cont = false;
  if (cont)
    dx_col_info_set(p, "S: DATA fragment, %u byte%s", t->reported, t->reported == 1 ? "" : "s");
  else
    dx_col_info_set(p, "%s: %s", req ? "C" : "S", text(p, s, ll));
  dx_node *pop = dx_add_proto(p, parent, FL(F_POP), t, 0, t->len);
  if (cont) {
    message_data(p, c, t, pop, parent);
    return t->len;
  }
  dx_node *rr = dx_add_string(p, pop, FL(req ? F_REQUEST : F_RESPONSE), t, 0, next, "", 0);
  dx_node_set_text(p, rr, "%s", text(p, s, next));
  /* the first token (get_token_len: up to a space), then the rest */
  uint32_t tk = 0;
  while (tk < ll && s[tk] != ' ')
    tk++;
  uint32_t nt = tk;
  while (nt < ll && s[nt] == ' ')
    nt++;
  if (tk) {
    dx_add_item(p, rr, FL(req ? F_REQ_CMD : F_RESP_IND), t, 0, tk);
    if (c && req) {
      if ((ll >= 4 && !strncasecmp((const char *)s, "RETR", 4)) ||
          (ll >= 3 && !strncasecmp((const char *)s, "TOP", 3)))
        c->msg_request = true;
      if (ll >= 4 && !strncasecmp((const char *)s, "STLS", 4))
        c->stls_request = true;
    } else if (c) {
      if (c->msg_request) {
        if (ll > 4 && !strncasecmp((const char *)s, "+OK ", 4)) {
          c->read_len = c->tot_len = 0;
          /* sscanf("%*s %u %*s"): the second word, a number, and a third */
          uint32_t a = nt, v = 0;
          bool ok = a < ll && s[a] >= '0' && s[a] <= '9';
          while (a < ll && s[a] >= '0' && s[a] <= '9' && v < 429496729u)
            v = v * 10 + (uint32_t)(s[a++] - '0');
          if (ok)
            c->tot_len = v;
          else
            dx_expert(p, rr, FL(F_TOT_LEN_INVALID), DX_SEV_ERROR, "Length value is invalid");
        }
        c->msg_request = false;
      }
      if (c->stls_request) {
        if (ll >= 4 && !strncasecmp((const char *)s, "+OK ", 4))
          dx_stream_switch(p, &dx_proto_tls);
        c->stls_request = false;
      }
    }
  }
  if (ll > nt)
    dx_add_item(p, rr, FL(req ? F_REQ_PARAM : F_RESP_DESC), t, nt, ll - nt);
  /* the other lines as data */
  uint32_t off = next;
  while (off < t->len) {
    uint32_t n2;
    line_end(s, off, t->len, &n2);
    dx_node *d = dx_add_string(p, pop, FL(req ? F_REQ_DATA : F_RESP_DATA), t, off, n2 - off, "", 0);
    dx_node_set_text(p, d, "%s", text(p, s + off, n2 - off));
    off = n2;
  }
  return t->len;
}

static const dx_reg pop_regs[] = {
    {DX_TABLE_TCP_PORT, 110}, {DX_TABLE_TLS_PORT, 995}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_pop = {
    .name = "pop",
    .label = "Post Office Protocol",
    .fields = pop_fields,
    .nfields = DX_ARRAY_LEN(pop_fields),
    .dissect = dissect_pop,
    .regs = pop_regs,
};
