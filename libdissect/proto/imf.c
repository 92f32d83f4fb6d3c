/* Internet Message Format (RFC 5322, with MIME's headers) as tshark 4.0's
 * packet-imf.c shows a message: each header as a field of its own (the
 * known ones by name, any other as imf.extension with its type and value),
 * the mailbox and address lists of From, To, Cc, ... taken apart into
 * items, display names and addresses; a Content-Type with parameters
 * hands the body to the layer of its media type (multipart, text, ...; a
 * base64 Content-Transfer-Encoding decoded first, as a data source of its
 * own), else the body is Message-Text, one item per line. Info: the From
 * and Subject headers, then the lines of the text. Messages come from
 * IMAP's FETCH literals (imap.c); tshark's other callers (SMTP, POP, bodies
 * of type message/rfc822) are not made yet. */
#include "../core/dx.h"
#include "http_body.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum {
  F_IMF,
  F_EXT,
  F_EXT_TYPE,
  F_EXT_VALUE,
  F_DISPLAY_NAME,
  F_ADDRESS,
  F_ADDR_LIST_ITEM,
  F_MBOX_LIST_ITEM,
  F_CT_TYPE,
  F_CT_PARAMS,
  F_MESSAGE_TEXT,
  F_LINE,
  F_HEADERS /* the known headers follow, in hdrs[] order */
};

/* The known headers: the name matched (lower case), the field, the
 * subdissection of its value, and whether Info shows it. */
enum { SUB_NONE, SUB_MAILBOX, SUB_MAILBOX_LIST, SUB_ADDRESS_LIST, SUB_CONTENT_TYPE, SUB_CTE };
typedef struct imf_hdr {
  const char *name;
  int sub;
  bool info;
} imf_hdr;

static const imf_hdr hdrs[] = {
    {"date", SUB_NONE, false},
    {"from", SUB_MAILBOX_LIST, true},
    {"sender", SUB_MAILBOX, false},
    {"reply-to", SUB_ADDRESS_LIST, false},
    {"to", SUB_ADDRESS_LIST, false},
    {"cc", SUB_ADDRESS_LIST, false},
    {"bcc", SUB_ADDRESS_LIST, false},
    {"message-id", SUB_NONE, false},
    {"in-reply-to", SUB_NONE, false},
    {"references", SUB_NONE, false},
    {"subject", SUB_NONE, true},
    {"comments", SUB_NONE, false},
    {"user-agent", SUB_NONE, false},
    {"keywords", SUB_NONE, false},
    {"resent-date", SUB_NONE, false},
    {"resent-from", SUB_MAILBOX_LIST, false},
    {"resent-sender", SUB_MAILBOX, false},
    {"resent-to", SUB_ADDRESS_LIST, false},
    {"resent-cc", SUB_ADDRESS_LIST, false},
    {"resent-bcc", SUB_ADDRESS_LIST, false},
    {"resent-message-id", SUB_NONE, false},
    {"return-path", SUB_NONE, false},
    {"received", SUB_NONE, false},
    {"content-type", SUB_CONTENT_TYPE, false},
    {"content-id", SUB_NONE, false},
    {"content-description", SUB_NONE, false},
    {"content-transfer-encoding", SUB_CTE, false},
    {"mime-version", SUB_NONE, false},
    {"autoforwarded", SUB_NONE, false},
    {"autosubmitted", SUB_NONE, false},
    {"x400-content-identifier", SUB_NONE, false},
    {"content-language", SUB_NONE, false},
    {"conversion", SUB_NONE, false},
    {"conversion-with-loss", SUB_NONE, false},
    {"delivery-date", SUB_NONE, false},
    {"discarded-x400-ipms-extensions", SUB_NONE, false},
    {"discarded-x400-mts-extensions", SUB_NONE, false},
    {"dl-expansion-history", SUB_NONE, false},
    {"deferred-delivery", SUB_NONE, false},
    {"expires", SUB_NONE, false},
    {"importance", SUB_NONE, false},
    {"incomplete-copy", SUB_NONE, false},
    {"latest-delivery-time", SUB_NONE, false},
    {"message-type", SUB_NONE, false},
    {"original-encoded-information-types", SUB_NONE, false},
    {"originator-return-address", SUB_NONE, false},
    {"priority", SUB_NONE, false},
    {"reply-by", SUB_NONE, false},
    {"sensitivity", SUB_NONE, false},
    {"supersedes", SUB_NONE, false},
    {"x400-content-type", SUB_NONE, false},
    {"x400-mts-identifier", SUB_NONE, false},
    {"x400-originator", SUB_NONE, false},
    {"x400-received", SUB_NONE, false},
    {"x400-recipients", SUB_NONE, false},
    {"delivered-to", SUB_MAILBOX, false},
    {"x-mailer", SUB_NONE, false},
    {"thread-index", SUB_NONE, false},
    {"lines", SUB_NONE, false},
    {"precedence", SUB_NONE, false},
    {"x-mimeole", SUB_NONE, false},
    {"expiry-date", SUB_NONE, false},
    {"x-ms-tnef-correlator", SUB_NONE, false},
    {"x-uidl", SUB_NONE, false},
    {"x-authentication-warning", SUB_NONE, false},
    {"x-virus-scanned", SUB_NONE, false},
    {"x-original-to", SUB_ADDRESS_LIST, false},
};
#define NHDRS DX_ARRAY_LEN(hdrs)

#define S(abbr, lbl) DX_F(abbr, lbl, DX_FT_STRING, DX_BASE_NONE)
static const dx_field imf_fields[] = {
    [F_IMF] = DX_F("imf", "Internet Message Format", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_EXT] = S("imf.extension", "Unknown-Extension"),
    [F_EXT_TYPE] = S("imf.extension.type", "Type"),
    [F_EXT_VALUE] = S("imf.extension.value", "Value"),
    [F_DISPLAY_NAME] = S("imf.display_name", "Display-Name"),
    [F_ADDRESS] = S("imf.address", "Address"),
    [F_ADDR_LIST_ITEM] = S("imf.address_list.item", "Item"),
    [F_MBOX_LIST_ITEM] = S("imf.mailbox_list.item", "Item"),
    [F_CT_TYPE] = S("imf.content.type.type", "Type"),
    [F_CT_PARAMS] = S("imf.content.type.parameters", "Parameters"),
    [F_MESSAGE_TEXT] = DX_F("imf.message_text", "Message-Text", DX_FT_NONE, DX_BASE_NONE),
    [F_LINE] = DX_F("imf.message_text.line", "Line", DX_FT_NONE, DX_BASE_NONE),
    [F_HEADERS + 0] = S("imf.date", "Date"),
    [F_HEADERS + 1] = S("imf.from", "From"),
    [F_HEADERS + 2] = S("imf.sender", "Sender"),
    [F_HEADERS + 3] = S("imf.reply_to", "Reply-To"),
    [F_HEADERS + 4] = S("imf.to", "To"),
    [F_HEADERS + 5] = S("imf.cc", "Cc"),
    [F_HEADERS + 6] = S("imf.bcc", "Bcc"),
    [F_HEADERS + 7] = S("imf.message_id", "Message-ID"),
    [F_HEADERS + 8] = S("imf.in_reply_to", "In-Reply-To"),
    [F_HEADERS + 9] = S("imf.references", "References"),
    [F_HEADERS + 10] = S("imf.subject", "Subject"),
    [F_HEADERS + 11] = S("imf.comments", "Comments"),
    [F_HEADERS + 12] = S("imf.user_agent", "User-Agent"),
    [F_HEADERS + 13] = S("imf.keywords", "Keywords"),
    [F_HEADERS + 14] = S("imf.resent.date", "Resent-Date"),
    [F_HEADERS + 15] = S("imf.resent.from", "Resent-From"),
    [F_HEADERS + 16] = S("imf.resent.sender", "Resent-Sender"),
    [F_HEADERS + 17] = S("imf.resent.to", "Resent-To"),
    [F_HEADERS + 18] = S("imf.resent.cc", "Resent-Cc"),
    [F_HEADERS + 19] = S("imf.resent.bcc", "Resent-Bcc"),
    [F_HEADERS + 20] = S("imf.resent.message_id", "Resent-Message-ID"),
    [F_HEADERS + 21] = S("imf.return_path", "Return-Path"),
    [F_HEADERS + 22] = S("imf.received", "Received"),
    [F_HEADERS + 23] = S("imf.content.type", "Content-Type"),
    [F_HEADERS + 24] = S("imf.content.id", "Content-ID"),
    [F_HEADERS + 25] = S("imf.content.description", "Content-Description"),
    [F_HEADERS + 26] = S("imf.content.transfer_encoding", "Content-Transfer-Encoding"),
    [F_HEADERS + 27] = S("imf.mime_version", "MIME-Version"),
    [F_HEADERS + 28] = S("imf.autoforwarded", "Autoforwarded"),
    [F_HEADERS + 29] = S("imf.autosubmitted", "Autosubmitted"),
    [F_HEADERS + 30] = S("imf.x400_content_identifier", "X400-Content-Identifier"),
    [F_HEADERS + 31] = S("imf.content_language", "Content-Language"),
    [F_HEADERS + 32] = S("imf.conversion", "Conversion"),
    [F_HEADERS + 33] = S("imf.conversion_with_loss", "Conversion-With-Loss"),
    [F_HEADERS + 34] = S("imf.delivery_date", "Delivery-Date"),
    [F_HEADERS + 35] = S("imf.discarded_x400_ipms_extensions", "Discarded-X400-IPMS-Extensions"),
    [F_HEADERS + 36] = S("imf.discarded_x400_mts_extensions", "Discarded-X400-MTS-Extensions"),
    [F_HEADERS + 37] = S("imf.dl_expansion_history", "DL-Expansion-History"),
    [F_HEADERS + 38] = S("imf.deferred_delivery", "Deferred-Delivery"),
    [F_HEADERS + 39] = S("imf.expires", "Expires"),
    [F_HEADERS + 40] = S("imf.importance", "Importance"),
    [F_HEADERS + 41] = S("imf.incomplete_copy", "Incomplete-Copy"),
    [F_HEADERS + 42] = S("imf.latest_delivery_time", "Latest-Delivery-Time"),
    [F_HEADERS + 43] = S("imf.message_type", "Message-Type"),
    [F_HEADERS + 44] =
        S("imf.original_encoded_information_types", "Original-Encoded-Information-Types"),
    [F_HEADERS + 45] = S("imf.originator_return_address", "Originator-Return-Address"),
    [F_HEADERS + 46] = S("imf.priority", "Priority"),
    [F_HEADERS + 47] = S("imf.reply_by", "Reply-By"),
    [F_HEADERS + 48] = S("imf.sensitivity", "Sensitivity"),
    [F_HEADERS + 49] = S("imf.supersedes", "Supersedes"),
    [F_HEADERS + 50] = S("imf.x400_content_type", "X400-Content-Type"),
    [F_HEADERS + 51] = S("imf.x400_mts_identifier", "X400-MTS-Identifier"),
    [F_HEADERS + 52] = S("imf.x400_originator", "X400-Originator"),
    [F_HEADERS + 53] = S("imf.x400_received", "X400-Received"),
    [F_HEADERS + 54] = S("imf.x400_recipients", "X400-Recipients"),
    [F_HEADERS + 55] = S("imf.delivered_to", "Delivered-To"),
    [F_HEADERS + 56] = S("imf.ext.mailer", "X-Mailer"),
    [F_HEADERS + 57] = S("imf.thread-index", "Thread-Index"),
    [F_HEADERS + 58] = S("imf.lines", "Lines"),
    [F_HEADERS + 59] = S("imf.precedence", "Precedence"),
    [F_HEADERS + 60] = S("imf.ext.mimeole", "X-MimeOLE"),
    [F_HEADERS + 61] = S("imf.ext.expiry-date", "Expiry-Date"),
    [F_HEADERS + 62] = S("imf.ext.tnef-correlator", "X-MS-TNEF-Correlator"),
    [F_HEADERS + 63] = S("imf.ext.uidl", "X-UIDL"),
    [F_HEADERS + 64] = S("imf.ext.authentication_warning", "X-Authentication-Warning"),
    [F_HEADERS + 65] = S("imf.ext.virus_scanned", "X-Virus-Scanned"),
    [F_HEADERS + 66] = S("imf.ext.original-to", "X-Original-To"),
};
_Static_assert(DX_ARRAY_LEN(imf_fields) == F_HEADERS + DX_ARRAY_LEN(hdrs), "a field per header");

#define FL(i) (&imf_fields[(i)])

#define IMF_MAX_HEADERS 500 /* header fields walked */
#define IMF_MAX_ITEMS 500   /* items of one address list */
#define IMF_MAX_LINES 5000  /* lines of the message text */

static const uint8_t *find(const uint8_t *s, uint32_t from, uint32_t to, uint8_t c) {
  return from < to ? memchr(s + from, c, to - from) : NULL;
}

static bool is_space(uint8_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* imf_find_field_end(): the offset after a header's value (after its CR
 * LF and any continuation lines), -1 if there is none; *last when the
 * blank line that ends the headers follows (or the bytes end). */
static int64_t field_end(const uint8_t *s, uint32_t off, uint32_t max, bool *last) {
  while (off < max) {
    const uint8_t *cr = find(s, off, max, '\r');
    if (!cr)
      return -1;
    off = (uint32_t)(cr - s) + 1;
    if (off < max && s[off] == '\n') {
      if (++off >= max) {
        *last = true;
        return off - 2;
      }
      if (s[off] == '\r') {
        if (off + 1 < max && s[off + 1] == '\n')
          *last = true;
        return off;
      }
      if (s[off] != ' ' && s[off] != '\t')
        return off;
    }
  }
  return -1;
}

static void mailbox(dx_packet *p, dx_node *item, const dx_tvb *t, const uint8_t *s, uint32_t off,
                    uint32_t len) {
  const uint8_t *lt = find(s, off, off + len, '<');
  if (!lt) {
    dx_add_item(p, item, FL(F_ADDRESS), t, off, len);
    return;
  }
  uint32_t ap = (uint32_t)(lt - s), o = off;
  while (o < ap && is_space(s[o]))
    o++;
  if (o != ap && ap > o)
    dx_add_item(p, item, FL(F_DISPLAY_NAME), t, o, ap - o - 1);
  /* (tshark looks for '>' within a length counted from where the display
   * name starts) */
  uint32_t lim = off + len;
  int64_t room = (int64_t)len - (int64_t)(ap + 1 - o);
  if (room > 0 && (uint64_t)ap + 1 + (uint64_t)room <= t->len)
    lim = ap + 1 + (uint32_t)room;
  else if (room <= 0)
    return;
  const uint8_t *gt = find(s, ap + 1, lim, '>');
  if (gt)
    dx_add_item(p, item, FL(F_ADDRESS), t, ap + 1, (uint32_t)(gt - s) - ap - 1);
}

static void mailbox_list(dx_packet *p, dx_node *item, const dx_tvb *t, const uint8_t *s,
                         uint32_t off, uint32_t len);

static void address(dx_packet *p, dx_node *item, const dx_tvb *t, const uint8_t *s, uint32_t off,
                    uint32_t len) {
  const uint8_t *colon = find(s, off, off + len, ':');
  if (!colon) {
    mailbox(p, item, t, s, off, len);
    return;
  }
  uint32_t ap = (uint32_t)(colon - s);
  dx_node *g = dx_add_item(p, item, FL(F_DISPLAY_NAME), t, off, ap > off ? ap - off - 1 : 0);
  for (ap++; ap < off + len && is_space(s[ap]); ap++)
    ;
  if (ap < t->len && s[ap] != ';' && ap < off + len)
    mailbox_list(p, g, t, s, ap, len - (ap - off));
}

/* A comma-separated list: an item each, taken apart as mailboxes (or
 * addresses); the header item's label says how many. */
static void list(dx_packet *p, dx_node *item, const dx_tvb *t, const uint8_t *s, uint32_t off,
                 uint32_t len, bool mailboxes) {
  unsigned count = 0;
  uint32_t io = off;
  for (;;) {
    const uint8_t *comma = find(s, io, off + len, ',');
    count++;
    uint32_t il = comma ? (uint32_t)(comma - s) - io : len - (io - off);
    if (count <= IMF_MAX_ITEMS) {
      dx_node *it =
          dx_add_item(p, item, FL(mailboxes ? F_MBOX_LIST_ITEM : F_ADDR_LIST_ITEM), t, io, il);
      if (mailboxes)
        mailbox(p, it, t, s, io, il);
      else
        address(p, it, t, s, io, il);
    }
    if (!comma)
      break;
    io = (uint32_t)(comma - s) + 1;
  }
  dx_node_append_text(p, item, ", %u item%s", count, count == 1 ? "" : "s");
}

static void mailbox_list(dx_packet *p, dx_node *item, const dx_tvb *t, const uint8_t *s,
                         uint32_t off, uint32_t len) {
  list(p, item, t, s, off, len, true);
}

/* The value text of a header for Info (format_text). */
static void info_value(dx_packet *p, const char *name, const uint8_t *v, uint32_t n) {
  char esc[4 * 512 + 8];
  dx_escape(v, n < 512 ? n : 512, esc, sizeof esc);
  dx_col_info_append(p, "%s: %s, ", name, esc);
}

/* format_text_wsp(): white space bytes shown as spaces, the rest escaped
 * as format_text() does. */
static size_t text_wsp(const uint8_t *s, uint32_t n, char *out, size_t cap) {
  size_t o = 0;
  for (uint32_t i = 0; i < n && o + 16 < cap;) {
    if (is_space(s[i])) {
      out[o++] = ' ';
      i++;
      continue;
    }
    uint32_t k = i;
    while (k < n && !is_space(s[k]))
      k++;
    o += dx_escape(s + i, k - i, out + o, cap - o) < cap - o ? strlen(out + o) : 0;
    i = k;
  }
  out[o < cap ? o : cap - 1] = 0;
  return strlen(out);
}

void dx_dissect_imf(dx_packet *p, dx_node *parent, const dx_tvb *t) {
  if (p->col_proto && p->want_columns) {
    char *c = dx_arena_printf(&p->arena, "%s/IMF", p->col_proto);
    if (c)
      dx_col_set_proto(p, c);
  }
  dx_col_info_clear(p);
  dx_node *imf = dx_add_proto(p, parent, FL(F_IMF), t, 0, t->len);
  const uint8_t *s = dx_get_ptr(t, 0, t->len);
  uint32_t max = t->len;
  if (!s)
    return;
  uint32_t start = 0;
  int64_t end = 0;
  bool last = false;
  char ctype[128] = "", ctype_as_is[128] = "", cparams[256] = "";
  bool have_ct = false, b64 = false;
  char cte[33] = "";
  for (unsigned nh = 0; !last; nh++) {
    if (nh >= IMF_MAX_HEADERS) {
      dx_expert(p, imf, dx_field_limit(), DX_SEV_NOTE, "[More than %u header fields not shown]",
                IMF_MAX_HEADERS);
      return;
    }
    const uint8_t *colon = find(s, start, max, ':');
    if (!colon) {
      /* (tshark's end offset is then -1, read as 0: the text is all of
       * the message, its headers again included) */
      end = -1;
      break;
    }
    uint32_t ko = start, kl = (uint32_t)(colon - s) - start;
    int h = -1;
    for (size_t i = 0; i < NHDRS && h < 0; i++) {
      size_t nl = strlen(hdrs[i].name);
      if (nl != kl)
        continue;
      size_t j = 0;
      while (j < nl && (char)(s[ko + j] >= 'A' && s[ko + j] <= 'Z' ? s[ko + j] + 32 : s[ko + j]) ==
                           hdrs[i].name[j])
        j++;
      if (j == nl)
        h = (int)i;
    }
    uint32_t vstart = (uint32_t)(colon - s) + 1;
    end = field_end(s, vstart, max, &last);
    if (end < 0)
      break;
    uint32_t e = (uint32_t)end;
    uint32_t vo = vstart;
    while (vo < e && is_space(s[vo]))
      vo++;
    if (vo == e)
      vo = vstart;
    uint32_t vl = e >= vo + 2 ? e - vo - 2 : 0;
    dx_node *item;
    if (h < 0) {
      item = dx_add_item(p, imf, FL(F_EXT), t, ko, e >= ko + 2 ? e - ko - 2 : 0);
      /* (proto_item_append_text() stops at the label's 239 bytes) */
      char lab[512];
      size_t ll = dx_node_label(item, lab, sizeof lab);
      if (ll < 239 && dx_label_wanted(p, item)) {
        snprintf(lab + ll, sizeof lab - ll, "%s",
                 " (Contact Wireshark developers if you want this supported.)");
        lab[239] = 0;
        dx_node_set_text(p, item, "%s", lab);
      }
      dx_add_item(p, item, FL(F_EXT_TYPE), t, ko, kl);
      dx_add_item(p, item, FL(F_EXT_VALUE), t, vo, vl);
    } else {
      item = dx_add_item(p, imf, FL(F_HEADERS + h), t, vo, vl);
      if (hdrs[h].info && p->want_columns)
        info_value(p, hdrs[h].name, s + vo, vl);
      uint32_t sl = e - vo;
      switch (hdrs[h].sub) {
      case SUB_MAILBOX: mailbox(p, item, t, s, vo, sl); break;
      case SUB_MAILBOX_LIST: list(p, item, t, s, vo, sl, true); break;
      case SUB_ADDRESS_LIST: list(p, item, t, s, vo, sl, false); break;
      case SUB_CTE: {
        b64 = vl >= 6 && strncasecmp((const char *)s + vo, "base64", 6) == 0;
        size_t k = vl < sizeof cte - 1 ? vl : sizeof cte - 1;
        memcpy(cte, s + vo, k);
        cte[k] = 0;
        break;
      }
      case SUB_CONTENT_TYPE: {
        /* the type and the parameters, when a ';' is there */
        uint32_t co = vstart;
        while (co < e && is_space(s[co]))
          co++;
        const uint8_t *semi = find(s, co, e, ';');
        if (!semi)
          break;
        uint32_t tl = (uint32_t)(semi - s) - co;
        dx_add_item(p, item, FL(F_CT_TYPE), t, co, tl);
        bool pl_last = false;
        /* (tshark's end is the value's start plus its length from the
         * colon: past the header by the white space skipped) */
        uint32_t pmax = e + (co - vstart) < max ? e + (co - vstart) : max;
        int64_t pe = field_end(s, (uint32_t)(semi - s) + 1, pmax, &pl_last);
        if (pe < 0)
          break;
        uint32_t po = (uint32_t)(semi - s) + 1;
        uint32_t pl = (uint32_t)pe >= po + 2 ? (uint32_t)pe - po - 2 : 0;
        dx_add_item(p, item, FL(F_CT_PARAMS), t, po, pl);
        size_t k = tl < sizeof ctype - 1 ? tl : sizeof ctype - 1;
        memcpy(ctype_as_is, s + co, k);
        ctype_as_is[k] = 0;
        for (size_t i = 0; i < k; i++)
          ctype[i] = (char)(s[co + i] >= 'A' && s[co + i] <= 'Z' ? s[co + i] + 32 : s[co + i]);
        ctype[k] = 0;
        k = pl < sizeof cparams - 1 ? pl : sizeof cparams - 1;
        memcpy(cparams, s + po, k);
        cparams[k] = 0;
        have_ct = true;
        break;
      }
      default: break;
      }
    }
    start = e;
  }
  uint32_t body = end < 0 ? 0 : (uint32_t)end + (last ? 2 : 0);
  if (body > max)
    body = max;
  if (have_ct) {
    dx_tvb b = dx_tvb_sub(t, body, UINT32_MAX);
    if (b64) {
      /* decoded into a data source named after the encoding, as tshark */
      uint32_t n = b.len;
      uint8_t *out = dx_arena_alloc(&p->arena, n / 4 * 3 + 4);
      char *clean = dx_arena_alloc(&p->arena, n + 1);
      if (out && clean) {
        uint32_t c = 0;
        for (uint32_t i = 0; i < n; i++)
          if (!is_space(b.data[i]))
            clean[c++] = (char)b.data[i];
        c -= c % 4;
        int w = c ? EVP_DecodeBlock(out, (const unsigned char *)clean, (int)c) : 0;
        if (w > 0) {
          while (c && clean[c - 1] == '=' && w > 0) {
            c--;
            w--;
          }
          b = dx_packet_add_source(p, dx_arena_strndup(&p->arena, cte, strlen(cte)), out,
                                   (uint32_t)w);
        }
      }
    }
    /* (a media type without a dissector: nothing, as tshark's
     * dissector_try_string) */
    int kind = dx_media_kind(ctype);
    dx_body_cols cols = {.len = 0};
    /* (under the message's layer; text lines and multiparts named by the
     * type as written, as tshark's media_type table hands it on) */
    if (kind == DX_MK_TEXT && dx_text_is_xml(&b)) {
      dx_text_lines_xml(p, imf, &b); /* (as an XML media type is, dx_media_body) */
    } else if (kind == DX_MK_TEXT) {
      dx_http_text_lines(p, imf, &b, ctype_as_is);
      if (p->want_columns)
        dx_col_info_append(p, " (%s)", ctype_as_is);
    } else if (kind == DX_MK_MULTIPART)
      dx_dissect_multipart(p, imf, &b, ctype, cparams, 0, &cols);
    else if (kind != DX_MK_MEDIA)
      dx_media_body(p, imf, &b, ctype, cparams, 0, &cols);
    if (cols.len)
      dx_col_info_append(p, "%s", cols.info);
    return;
  }
  dx_node *mt = dx_add_none(p, imf, FL(F_MESSAGE_TEXT), t, body, max - body);
  uint32_t o = body;
  for (unsigned k = 0; o < max; k++) {
    if (k >= IMF_MAX_LINES) {
      dx_expert(p, mt, dx_field_limit(), DX_SEV_NOTE, "[More lines not shown]");
      break;
    }
    const uint8_t *lf = find(s, o, max, '\n');
    const uint8_t *cr = find(s, o, lf ? (uint32_t)(lf - s) : max, '\r');
    uint32_t next;
    if (cr && (!lf || cr < lf))
      next = (uint32_t)(cr - s) + ((uint32_t)(cr - s) + 1 < max && cr[1] == '\n' ? 2 : 1);
    else
      next = lf ? (uint32_t)(lf - s) + 1 : max;
    char txt[4 * 240 + 32];
    text_wsp(s + o, next - o, txt, sizeof txt);
    dx_node *ln = dx_add_none(p, mt, FL(F_LINE), t, o, next - o);
    dx_node_set_text(p, ln, "%s", txt);
    if (p->want_columns) {
      char it[4 * 512 + 32];
      text_wsp(s + o, next - o < 512 ? next - o : 512, it, sizeof it);
      dx_col_info_append_sep(p, ", ", "%s", it);
    }
    o = next;
  }
}

static uint32_t dissect_imf_media(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  dx_dissect_imf(p, parent, t);
  return t->len;
}

const dx_protocol dx_proto_imf = {
    .name = "imf",
    .label = "Internet Message Format",
    .fields = imf_fields,
    .nfields = DX_ARRAY_LEN(imf_fields),
    .dissect = dissect_imf_media,
};
