/* SMTP (RFC 5321; TCP ports 25 and 587, and inside TLS on 465) as tshark
 * 4.0's packet-smtp.c shows it in one pass: each request line as a command
 * line (its 4-byte command, its parameter), each response line as a
 * response (code, parameter; "250-" lines of a multi-line reply joined in
 * Info with " | "); after DATA the message lines up to the lone "." (EOM)
 * are reassembled (the byte budget counts them) and handed to the
 * Internet Message Format (imf.c); BDAT chunks by their sizes; AUTH LOGIN
 * and AUTH PLAIN's user name and password lines shown as they are (tshark
 * decodes their base64 only when asked, which dissect does not offer);
 * STARTTLS answered 220 hands the connection to TLS. */
#include "../core/dx.h"
#include "../core/stream.h"
#include "http_body.h"
#include "mailmsg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
  F_SMTP,
  F_REQ,
  F_RSP,
  F_MESSAGE,
  F_COMMAND_LINE,
  F_REQ_COMMAND,
  F_REQ_PARAM,
  F_RESPONSE,
  F_RSP_CODE,
  F_RSP_PARAM,
  F_USERNAME,
  F_PASSWORD,
  F_USER_PASS,
  F_EOM,
  F_FRAGMENTS,
  F_FRAGMENT,
  F_FRAGMENT_COUNT,
  F_REASM_LEN,
  F_REASM_IN,
  F_BASE64_DECODE,
  F_RSP_CODE_BAD,
};

static const dx_vals rsp_vals[] = {
    {211, "System status, or system help reply"},
    {214, "Help message"},
    {220, "<domain> Service ready"},
    {221, "<domain> Service closing transmission channel"},
    {235, "Authentication successful"},
    {250, "Requested mail action okay, completed"},
    {251, "User not local; will forward to <forward-path>"},
    {252, "Cannot VRFY user, but will accept message and attempt delivery"},
    {334, "AUTH input"},
    {354, "Start mail input; end with <CRLF>.<CRLF>"},
    {421, "<domain> Service not available, closing transmission channel"},
    {432, "A password transition is needed"},
    {450, "Requested mail action not taken: mailbox unavailable"},
    {451, "Requested action aborted: local error in processing"},
    {452, "Requested action not taken: insufficient system storage"},
    {454, "Temporary authentication failed"},
    {500, "Syntax error, command unrecognized"},
    {501, "Syntax error in parameters or arguments"},
    {502, "Command not implemented"},
    {503, "Bad sequence of commands"},
    {504, "Command parameter not implemented"},
    {530, "Authentication required"},
    {534, "Authentication mechanism is too weak"},
    {535, "Authentication credentials invalid"},
    {538, "Encryption required for requested authentication mechanism"},
    {550, "Requested action not taken: mailbox unavailable"},
    {551, "User not local; please try <forward-path>"},
    {552, "Requested mail action aborted: exceeded storage allocation"},
    {553, "Requested action not taken: mailbox name not allowed"},
    {554, "Transaction failed"},
    {0, NULL}};

static const dx_field smtp_fields[] = {
    [F_SMTP] = DX_F("smtp", "Simple Mail Transfer Protocol", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_REQ] = DX_F("smtp.req", "Request", DX_FT_BOOL, DX_BASE_NONE),
    [F_RSP] = DX_F("smtp.rsp", "Response", DX_FT_BOOL, DX_BASE_NONE),
    [F_MESSAGE] = DX_F("smtp.message", "Message", DX_FT_STRING, DX_BASE_NONE),
    [F_COMMAND_LINE] = DX_F("smtp.command_line", "Command Line", DX_FT_STRING, DX_BASE_NONE),
    [F_REQ_COMMAND] = DX_F("smtp.req.command", "Command", DX_FT_STRING, DX_BASE_NONE),
    [F_REQ_PARAM] = DX_F("smtp.req.parameter", "Request parameter", DX_FT_STRING, DX_BASE_NONE),
    [F_RESPONSE] = DX_F("smtp.response", "Response", DX_FT_STRING, DX_BASE_NONE),
    [F_RSP_CODE] =
        DX_FV("smtp.response.code", "Response code", DX_FT_UINT32, DX_BASE_DEC, rsp_vals),
    [F_RSP_PARAM] = DX_F("smtp.rsp.parameter", "Response parameter", DX_FT_STRING, DX_BASE_NONE),
    [F_USERNAME] = DX_F("smtp.auth.username", "Username", DX_FT_STRING, DX_BASE_NONE),
    [F_PASSWORD] = DX_F("smtp.auth.password", "Password", DX_FT_STRING, DX_BASE_NONE),
    [F_USER_PASS] =
        DX_F("smtp.auth.username_password", "Username/Password", DX_FT_STRING, DX_BASE_NONE),
    [F_EOM] = DX_F("smtp.eom", "EOM", DX_FT_NONE, DX_BASE_NONE),
    [F_FRAGMENTS] = DX_F("smtp.data.fragments", "DATA fragments", DX_FT_NONE, DX_BASE_NONE),
    [F_FRAGMENT] = DX_F("smtp.data.fragment", "DATA fragment", DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_FRAGMENT_COUNT] =
        DX_F("smtp.data.fragment.count", "DATA fragment count", DX_FT_UINT32, DX_BASE_DEC),
    [F_REASM_LEN] =
        DX_F("smtp.data.reassembled.length", "Reassembled DATA length", DX_FT_UINT32, DX_BASE_DEC),
    [F_REASM_IN] =
        DX_F("smtp.data.reassembled.in", "Reassembled DATA in frame", DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_BASE64_DECODE] = DX_F("smtp.base64_decode", "base64 decode failed or is not enabled",
                             DX_FT_NONE, DX_BASE_NONE),
    [F_RSP_CODE_BAD] =
        DX_F("smtp.response.code.unexpected", "Unexpected response code", DX_FT_NONE, DX_BASE_NONE),
};

#define FL(i) (&smtp_fields[(i)])

extern const dx_protocol dx_proto_tls;

enum { ST_START, ST_CMDS, ST_DATA, ST_STARTTLS };
enum {
  AU_NONE,
  AU_START,
  AU_USER_REQ,
  AU_USER_RSP,
  AU_PASS_REQ,
  AU_PASS_RSP,
  AU_PLAIN_START_REQ,
  AU_PLAIN_REQ,
  AU_PLAIN_RSP,
  AU_PLAIN_CRED_REQ,
  AU_SUCCESS,
  AU_FAILED
};
enum { PDU_NONE, PDU_CMD, PDU_MESSAGE, PDU_EOM };

#define SMTP_MAX_FRAGS 4096 /* message segments listed */

typedef struct smtp_conv {
  dx_mail_msg msg; /* (first: dx_mail_conv_get) */
  int state, auth;
  bool crlf_seen, data_seen, msg_last, fresh;
  uint32_t msg_read_len, msg_tot_len;
  uint64_t first_auth, last_auth, user_frame, pass_frame, user_pass_frame, user_cmd_frame,
      user_pass_cmd_frame;
} smtp_conv;

static void conv_free(void *v) {
  dx_mail_conv_free(v, sizeof(smtp_conv));
}

static smtp_conv *conv_get(dx_packet *p) {
  smtp_conv *c = dx_mail_conv_get(p, sizeof(smtp_conv), conv_free);
  if (c && !c->fresh) {
    c->fresh = true;
    c->state = ST_START;
    c->msg_last = true;
  }
  return c;
}

static const dx_mail_fields frag_fields = {FL(F_FRAGMENTS), FL(F_FRAGMENT), FL(F_FRAGMENT_COUNT),
                                           FL(F_REASM_LEN)};

/* tvb_find_line_end(): the length of the line at off, -1 when it has no
 * end and desegmentation is asked for (a CR at the end waits too); *next
 * past its end. */
static int64_t line_end(const uint8_t *s, uint32_t off, uint32_t n, bool deseg, uint32_t *next) {
  for (uint32_t i = off; i < n; i++) {
    if (s[i] == '\n') {
      *next = i + 1;
      return i - off;
    }
    if (s[i] == '\r') {
      if (i + 1 == n && deseg)
        return -1;
      *next = i + 1 < n && s[i + 1] == '\n' ? i + 2 : i + 1;
      return i - off;
    }
  }
  if (deseg)
    return -1;
  *next = n;
  return n - off;
}

static const char *text(dx_packet *p, const uint8_t *s, uint32_t n) {
  size_t cap = 4 * (size_t)n + 1;
  char *o = dx_arena_alloc(&p->arena, cap);
  if (!o)
    return "";
  dx_escape(s, n, o, cap);
  return o;
}

static bool is_alpha(uint8_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_command(const uint8_t *s, uint32_t n) {
  if (n == 4 && is_alpha(s[0]) && is_alpha(s[1]) && is_alpha(s[2]) && is_alpha(s[3]))
    return true;
  static const char *const ext[] = {"STARTTLS", "X-EXPS", "X-LINK2STATE", "XEXCH50"};
  for (size_t i = 0; i < DX_ARRAY_LEN(ext); i++)
    if (n == strlen(ext[i]) && !strncasecmp((const char *)s, ext[i], n))
      return true;
  return false;
}

static bool iprefix(const uint8_t *s, uint32_t n, const char *w) {
  size_t wl = strlen(w);
  return n >= wl && !strncasecmp((const char *)s, w, wl);
}

static bool is_request(const dx_packet *p) {
  if (p->srcport == 25 || p->srcport == 587 || p->srcport == 465)
    return false;
  if (p->dstport == 25 || p->dstport == 587 || p->dstport == 465)
    return true;
  return p->flow_dir == 0;
}

/* fragment_add_seq_next(): n bytes of this frame join the message. */
static void frag_add(dx_packet *p, smtp_conv *c, dx_node *smtp, const uint8_t *d, uint32_t n) {
  dx_mail_msg_add(p, &c->msg, smtp, d, n, SMTP_MAX_FRAGS);
}

/* fragment_end_seq_next() and process_reassembled_data(): the message's
 * fragments listed (when more than one), then the Internet Message. */
static void frag_end(dx_packet *p, smtp_conv *c, dx_node *smtp, dx_node *parent) {
  if (!c->msg.off && c->msg.nfrags) {
    dx_tvb rt = dx_mail_msg_source(p, &c->msg, smtp, &frag_fields, "Reassembled SMTP");
    if (rt.len || rt.reported)
      dx_dissect_imf(p, parent, &rt);
  }
  dx_mail_msg_reset(&c->msg);
}

static void request(dx_packet *p, smtp_conv *c, const dx_tvb *t, const uint8_t *s, int pdu,
                    uint32_t eom_off, uint32_t eom_len, bool more_frags, dx_node *smtp,
                    dx_node *parent) {
  uint32_t n = t->len;
  if (pdu == PDU_MESSAGE) {
    dx_col_info_set(p, "C: DATA fragment, %u byte%s", t->reported, t->reported == 1 ? "" : "s");
    if (c) {
      frag_add(p, c, smtp, s, n);
      dx_http_text_lines(p, smtp, t, NULL);
      if (!more_frags) {
        /* (tshark: the text lines' layer comes between, so the message
         * completed here is only said to be reassembled in this frame,
         * and not dissected) */
        if (!c->msg.off)
          dx_node_set_flags(dx_add_uint(p, smtp, FL(F_REASM_IN), t, 0, 0, p->num),
                            DX_NODE_GENERATED);
        dx_mail_msg_reset(&c->msg);
      }
    } else {
      dx_http_text_lines(p, smtp, t, NULL);
    }
    return;
  }
  if (pdu == PDU_EOM) {
    dx_col_info_set(p, "C: .");
    dx_node *e = dx_add_none(p, smtp, FL(F_EOM), t, 0, eom_len);
    dx_node_set_text(p, e, "C: .");
    (void)eom_off;
    if (c) {
      if (eom_off)
        frag_add(p, c, smtp, s, eom_off);
      frag_end(p, c, smtp, parent);
    }
    return;
  }
  /* commands, a line at a time */
  dx_col_info_clear(p);
  uint32_t off = 0;
  while (off < n) {
    uint32_t next;
    int64_t ll = line_end(s, off, n, false, &next);
    uint32_t linelen = (uint32_t)ll;
    dx_col_info_append(p, "%s", off == 0 ? "C: " : " | ");
    dx_node_set_flags(dx_add_uint(p, smtp, FL(F_REQ), t, 0, 0, 1), DX_NODE_HIDDEN);
    if (c && c->user_frame == p->num) {
      dx_add_string(p, smtp, FL(F_USERNAME), t, off, linelen, (const char *)s + off, linelen);
      dx_col_info_append(p, "User: %s", text(p, s + off, linelen));
    } else if (c && c->pass_frame == p->num) {
      dx_add_string(p, smtp, FL(F_PASSWORD), t, off, linelen, (const char *)s + off, linelen);
      dx_col_info_append(p, "Pass: %s", text(p, s + off, linelen));
    } else if (c && c->user_pass_frame == p->num) {
      dx_node *up = dx_add_item(p, smtp, FL(F_USER_PASS), t, off, linelen);
      dx_expert(p, up, FL(F_BASE64_DECODE), DX_SEV_WARN,
                "base64 decode failed or is not enabled (check SMTP preferences)");
      dx_col_info_append(p, "%s", text(p, s + off, linelen));
    } else {
      uint32_t cmdlen = linelen >= 4 ? 4 : linelen;
      dx_node *cl = dx_add_item(p, smtp, FL(F_COMMAND_LINE), t, off, next - off);
      dx_add_item(p, cl, FL(F_REQ_COMMAND), t, off, cmdlen);
      if (linelen > 5 && c && c->user_cmd_frame == p->num) {
        dx_add_item(p, cl, FL(F_REQ_PARAM), t, off + 5, linelen - 5);
        if (linelen >= 11) {
          dx_add_string(p, cl, FL(F_USERNAME), t, off + 11, linelen - 11,
                        (const char *)s + off + 11, linelen - 11);
          dx_col_info_append(p, "%sUser: %s", text(p, s + off, 11),
                             text(p, s + off + 11, linelen - 11));
        }
      } else if (linelen > 5 && c && c->user_pass_cmd_frame == p->num) {
        dx_add_item(p, cl, FL(F_REQ_PARAM), t, off + 5, linelen - 5);
        dx_col_info_append(p, "%s", text(p, s + off, 11 < linelen ? 11 : linelen));
        if (linelen > 11) {
          dx_node *up = dx_add_item(p, cl, FL(F_USER_PASS), t, off + 11, linelen - 11);
          dx_expert(p, up, FL(F_BASE64_DECODE), DX_SEV_WARN,
                    "base64 decode failed or is not enabled (check SMTP preferences)");
          dx_col_info_append(p, "%s", text(p, s + off + 11, linelen - 11));
        }
      } else if (linelen > 5) {
        dx_add_item(p, cl, FL(F_REQ_PARAM), t, off + 5, linelen - 5);
        dx_col_info_append(p, "%s", text(p, s + off, linelen));
      } else {
        dx_col_info_append(p, "%s", text(p, s + off, linelen));
      }
      if (c && !more_frags)
        frag_end(p, c, smtp, parent);
    }
    off = next;
  }
}

static void response(dx_packet *p, smtp_conv *c, const dx_tvb *t, const uint8_t *s, dx_node *smtp) {
  dx_node_set_flags(dx_add_uint(p, smtp, FL(F_RSP), t, 0, 0, 1), DX_NODE_HIDDEN);
  dx_col_info_clear(p);
  enum { ML_NONE, ML_START, ML_CONT, ML_END } ml = ML_NONE;
  unsigned ml_code = 0;
  dx_node *code_item = NULL, *rt = NULL;
  uint32_t off = 0, n = t->len;
  while (off < n) {
    uint32_t next;
    uint32_t linelen = (uint32_t)line_end(s, off, n, false, &next);
    dx_col_info_append(p, "%s", off == 0 ? "S: " : " | ");
    if (linelen >= 3 && s[off] >= '0' && s[off] <= '9' && s[off + 1] >= '0' && s[off + 1] <= '9' &&
        s[off + 2] >= '0' && s[off + 2] <= '9') {
      unsigned code =
          (unsigned)(s[off] - '0') * 100 + (unsigned)(s[off + 1] - '0') * 10 + (s[off + 2] - '0');
      if (linelen > 3 && s[off + 3] == '-') {
        if (ml == ML_NONE) {
          ml = ML_START;
          ml_code = code;
        } else {
          ml = ML_CONT;
        }
      } else if (ml == ML_START || ml == ML_CONT) {
        ml = ML_END;
      }
      if (c && c->state == ST_STARTTLS) {
        if (code == 220)
          dx_stream_switch(p, &dx_proto_tls);
        c->state = ST_CMDS;
      }
      if (c && code == 334) {
        switch (c->auth) {
        case AU_START: c->auth = AU_USER_REQ; break;
        case AU_USER_RSP: c->auth = AU_PASS_REQ; break;
        case AU_PLAIN_REQ: c->auth = AU_PLAIN_RSP; break;
        case AU_PLAIN_START_REQ: c->auth = AU_PLAIN_REQ; break;
        default: break;
        }
      } else if (c && (c->auth == AU_PASS_RSP || c->auth == AU_PLAIN_RSP ||
                       c->auth == AU_PLAIN_CRED_REQ)) {
        c->auth = code == 235 ? AU_SUCCESS : AU_FAILED;
        c->last_auth = p->num;
      }
      if (ml != ML_CONT && ml != ML_END) {
        rt = dx_add_item(p, smtp, FL(F_RESPONSE), t, off, next - off);
        code_item = dx_add_uint(p, rt, FL(F_RSP_CODE), t, off, 3, code);
      } else if (ml_code != code) {
        dx_expert(p, code_item, FL(F_RSP_CODE_BAD), DX_SEV_WARN,
                  "Unexpected response code %u in multiline response. Expected %u", code, ml_code);
      }
      if (linelen >= 4) {
        dx_add_item(p, rt, FL(F_RSP_PARAM), t, off + 4, linelen - 4);
        if (ml != ML_CONT && ml != ML_END)
          dx_col_info_append(p, "%s", text(p, s + off, linelen));
        else
          dx_col_info_append(p, "%s", text(p, s + off + 4, linelen - 4));
      } else {
        dx_col_info_append(p, "%s", text(p, s + off, linelen));
      }
    }
    if (ml == ML_END)
      ml = ML_NONE;
    off = next;
  }
}

static uint32_t dissect_smtp(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  smtp_conv *c = conv_get(p);
  const uint8_t *s = dx_get_ptr(t, 0, t->len);
  if (!s)
    return t->len;
  uint32_t n = t->len;
  bool req = is_request(p);
  bool deseg = dx_in_stream(p) && t->len == t->reported;
  /* what this segment is (tshark's first pass) */
  int pdu = PDU_CMD;
  bool more_frags = true, eom = false;
  uint32_t eom_off = 0, eom_len = 0;
  for (uint32_t lo = 0; lo < n;) {
    uint32_t next;
    int64_t ll = line_end(s, lo, n, deseg, &next);
    if (ll < 0) {
      if (lo == 0) {
        p->desegment_offset = 0;
        p->desegment_len = DX_DESEGMENT_ONE_MORE;
        return n;
      }
      ll = n - lo;
      next = n;
    }
    uint32_t linelen = (uint32_t)ll;
    if (c && c->state == ST_DATA) {
      if ((c->crlf_seen && n - lo >= 3 && !memcmp(s + lo, ".\r\n", 3)) ||
          (n - lo >= 5 && !memcmp(s + lo, "\r\n.\r\n", 5)))
        eom = true;
      c->crlf_seen = t->len == t->reported && n - lo >= 2 && !memcmp(s + n - 2, "\r\n", 2);
    }
    if (req && c) {
      if (c->state == ST_DATA) {
        if (eom) {
          pdu = PDU_EOM;
          eom_off = lo;
          eom_len = linelen;
          c->state = ST_CMDS;
          break;
        }
        pdu = PDU_MESSAGE;
        if (c->msg_tot_len > 0) {
          c->msg_read_len += t->reported - lo;
          next = n;
          if (c->msg_read_len == c->msg_tot_len) {
            c->state = ST_CMDS;
            if (c->msg_last)
              more_frags = false;
            break;
          }
        }
      } else {
        const uint8_t *line = s + lo;
        uint32_t cmdlen = 0;
        while (cmdlen < linelen && line[cmdlen] != ' ')
          cmdlen++;
        if (is_command(line, cmdlen)) {
          pdu = PDU_CMD;
          if (iprefix(line, linelen, "DATA")) {
            c->state = ST_DATA;
            c->data_seen = true;
          } else if (iprefix(line, linelen, "BDAT")) {
            uint32_t len = 0;
            for (uint32_t i = 5;
                 i < linelen && line[i] >= '0' && line[i] <= '9' && len < 429496729u; i++)
              len = len * 10 + (uint32_t)(line[i] - '0');
            c->data_seen = true;
            c->msg_tot_len += len;
            c->state = len == 0 ? ST_CMDS : ST_DATA;
            if (linelen >= 4 && !strncasecmp((const char *)line + linelen - 4, "LAST", 4)) {
              c->msg_last = true;
              if (len == 0)
                more_frags = false;
            } else {
              c->msg_last = false;
            }
          } else if (iprefix(line, linelen, "AUTH LOGIN") && linelen <= 11) {
            c->state = ST_CMDS;
            c->auth = AU_START;
            c->first_auth = p->num;
          } else if (iprefix(line, linelen, "AUTH LOGIN")) {
            c->state = ST_CMDS;
            c->auth = AU_USER_RSP;
            c->first_auth = p->num;
            c->user_cmd_frame = p->num;
          } else if (iprefix(line, linelen, "AUTH PLAIN") && linelen <= 11) {
            c->state = ST_CMDS;
            c->auth = AU_PLAIN_START_REQ;
            c->first_auth = p->num;
          } else if (iprefix(line, linelen, "AUTH PLAIN")) {
            c->state = ST_CMDS;
            c->auth = AU_PLAIN_CRED_REQ;
            c->first_auth = p->num;
            c->user_pass_cmd_frame = p->num;
          } else if (iprefix(line, linelen, "STARTTLS")) {
            c->state = ST_STARTTLS;
          }
        } else if (c->auth == AU_USER_REQ) {
          c->auth = AU_USER_RSP;
          c->user_frame = p->num;
        } else if (c->auth == AU_PASS_REQ) {
          c->auth = AU_PASS_RSP;
          c->pass_frame = p->num;
        } else if (c->auth == AU_PLAIN_REQ) {
          c->auth = AU_PLAIN_RSP;
          c->user_pass_frame = p->num;
        } else {
          pdu = c->data_seen || c->state == ST_START ? PDU_MESSAGE : PDU_CMD;
        }
      }
    }
    lo = next;
  }
  dx_col_set_proto(p, "SMTP");
  dx_node *smtp = dx_add_proto(p, parent, FL(F_SMTP), t, 0, t->len);
  if (req)
    request(p, c, t, s, pdu, eom_off, eom_len, more_frags, smtp, parent);
  else
    response(p, c, t, s, smtp);
  return t->len;
}

static const dx_reg smtp_regs[] = {{DX_TABLE_TCP_PORT, 25},
                                   {DX_TABLE_TCP_PORT, 587},
                                   {DX_TABLE_TLS_PORT, 465},
                                   {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_smtp = {
    .name = "smtp",
    .label = "Simple Mail Transfer Protocol",
    .fields = smtp_fields,
    .nfields = DX_ARRAY_LEN(smtp_fields),
    .dissect = dissect_smtp,
    .regs = smtp_regs,
};
