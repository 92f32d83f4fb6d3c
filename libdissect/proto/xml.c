/* Bodies of XML media types (text/xml, application/xml, image/svg+xml,
 * application/soap+xml and the rest of tshark 4.0's list) as tshark 4.0's
 * "xml" layer shows them: a tree of tags (xml.tag: the start tag, its item
 * running to the end tag), their attributes (xml.attribute: name="value"),
 * the text between tags (xml.cdata; xml.unknown outside every tag), the
 * <?xml ...?> declaration (xml.xmlpi.xml with .version, .encoding,
 * .standalone; other processing instructions xml.xmlpi), <!DOCTYPE
 * (xml.doctype) and its declarations (xml.dtdtag), comments (xml.comment)
 * and <![CDATA[ sections (xml.cdatasection).
 *
 * The grammar is Wireshark's (its tvbparse rules in packet-xml.c), so that
 * the same bytes give the same tree, malformed ones included: white space
 * may sit between the parts of a construct ("< a >"), an end tag closes
 * whatever element is open (names are not matched), and bytes that start
 * no construct are "Unrecognized text" up to the next white space. Every
 * construct is read whole before its items are added (a start tag with
 * all its attributes, as tvbparse matches before it calls back), by
 * plain loops: the open elements are a stack in the parse context, never
 * the C stack. Limits: XML_MAX_DEPTH open elements and XML_MAX_ITEMS
 * items per body; past either a note says so and the rest is not walked.
 * Labels are tshark's: the bytes escaped as its format_text() does,
 * cut at 240 bytes with " [truncated]" in front as proto_item_set_text()
 * does. DTD-specific fields (tshark's presence.*, rss.*, ... for documents
 * of the DTDs it ships) are not made: those elements are xml.tag here. */
#include "../core/dx.h"
#include "http_body.h"

#include <string.h>

enum {
  F_XML,
  F_XMLPI,
  F_CDATASECTION,
  F_COMMENT,
  F_ATTRIBUTE,
  F_DOCTYPE,
  F_DTDTAG,
  F_CDATA,
  F_TAG,
  F_UNKNOWN,
  F_PI_XML,
  F_PI_VERSION,
  F_PI_ENCODING,
  F_PI_STANDALONE,
  F_CLOSING_UNOPENED,
  F_CLOSING_UNOPENED_PI,
  F_UNRECOGNIZED,
  F_TEXT,
  F_COUNT
};

static const dx_field xml_fields[F_COUNT] = {
    [F_XML] = DX_F("xml", "eXtensible Markup Language", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_XMLPI] = DX_F("xml.xmlpi", "XMLPI", DX_FT_STRING, DX_BASE_NONE),
    [F_CDATASECTION] = DX_F("xml.cdatasection", "CDATASection", DX_FT_STRING, DX_BASE_NONE),
    [F_COMMENT] = DX_F("xml.comment", "Comment", DX_FT_STRING, DX_BASE_NONE),
    [F_ATTRIBUTE] = DX_F("xml.attribute", "Attribute", DX_FT_STRING, DX_BASE_NONE),
    [F_DOCTYPE] = DX_F("xml.doctype", "Doctype", DX_FT_STRING, DX_BASE_NONE),
    [F_DTDTAG] = DX_F("xml.dtdtag", "DTD Tag", DX_FT_STRING, DX_BASE_NONE),
    [F_CDATA] = DX_F("xml.cdata", "CDATA", DX_FT_STRING, DX_BASE_NONE),
    [F_TAG] = DX_F("xml.tag", "Tag", DX_FT_STRING, DX_BASE_NONE),
    [F_UNKNOWN] = DX_F("xml.unknown", "Unknown", DX_FT_STRING, DX_BASE_NONE),
    [F_PI_XML] = DX_F("xml.xmlpi.xml", "xml.xmlpi.xml", DX_FT_STRING, DX_BASE_NONE),
    [F_PI_VERSION] = DX_F("xml.xmlpi.xml.version", "version", DX_FT_STRING, DX_BASE_NONE),
    [F_PI_ENCODING] = DX_F("xml.xmlpi.xml.encoding", "encoding", DX_FT_STRING, DX_BASE_NONE),
    [F_PI_STANDALONE] = DX_F("xml.xmlpi.xml.standalone", "standalone", DX_FT_STRING, DX_BASE_NONE),
    [F_CLOSING_UNOPENED] =
        DX_F("xml.closing_unopened_tag", "Closing an unopened tag", DX_FT_NONE, DX_BASE_NONE),
    [F_CLOSING_UNOPENED_PI] = DX_F("xml.closing_unopened_xmpli_tag",
                                   "Closing an unopened xmpli tag", DX_FT_NONE, DX_BASE_NONE),
    [F_UNRECOGNIZED] = DX_F("xml.unrecognized_text", "Unrecognized text", DX_FT_NONE, DX_BASE_NONE),
    /* tshark's text-only items ("?>", "</tag>", "]>"), which have no field
     * there: ours, to hang the label on */
    [F_TEXT] = DX_F("xml.text", "Text", DX_FT_NONE, DX_BASE_NONE),
};

#define FL(i) (&xml_fields[i])

const dx_protocol dx_proto_xml = {
    .name = "xml",
    .label = "eXtensible Markup Language",
    .fields = xml_fields,
    .nfields = DX_ARRAY_LEN(xml_fields),
};

#define XML_MAX_DEPTH 60    /* open elements walked (-V prints 64 levels) */
#define XML_MAX_ITEMS 5000u /* items of one body */
#define XML_LABEL_LEN 240   /* tshark's ITEM_LABEL_LENGTH */

/* What an open element of the stack is: its item (an end tag sets its
 * length), the item a ">" or "/>" is appended to (the last attribute's, or
 * its own), where it started, and whether it is the <?xml declaration
 * (whose version, encoding and standalone attributes have their fields). */
typedef struct xframe {
  dx_node *item, *last;
  uint32_t start;
  uint8_t kind;
} xframe;

enum { K_ROOT, K_TAG, K_PI, K_PI_XML, K_DOCTYPE };

typedef struct xctx {
  dx_packet *p;
  const dx_tvb *t;
  const uint8_t *s;
  uint32_t n;
  unsigned depth; /* frames in use; st[0] is the body itself */
  unsigned items;
  bool stop; /* a limit was reached: nothing more is added */
  xframe st[XML_MAX_DEPTH + 1];
  char lbl[4 * XML_LABEL_LEN + 16]; /* a label being made */
} xctx;

/* ---- the lexical rules (Wireshark's tvbparse "wanted" elements) ------------------- */

static bool is_ws(uint8_t c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static uint32_t skip_ws(const xctx *x, uint32_t pos) {
  while (pos < x->n && is_ws(x->s[pos]))
    pos++;
  return pos;
}

static bool is_name_char(uint8_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

/* A run of name characters (":" too for an attribute name) at pos: its
 * end, or 0 if there is none. */
static uint32_t name_end(const xctx *x, uint32_t pos, bool colon) {
  uint32_t e = pos;
  while (e < x->n && (is_name_char(x->s[e]) || (colon && x->s[e] == ':')))
    e++;
  return e > pos ? e : 0;
}

static bool lit(const xctx *x, uint32_t pos, const char *s) {
  size_t l = strlen(s);
  return pos <= x->n && l <= x->n - pos && memcmp(x->s + pos, s, l) == 0;
}

static bool lit_case(const xctx *x, uint32_t pos, const char *s) {
  size_t l = strlen(s);
  if (pos > x->n || l > x->n - pos)
    return false;
  for (size_t i = 0; i < l; i++) {
    uint8_t c = x->s[pos + i];
    if ((c >= 'a' && c <= 'z' ? c - 32 : c) != (uint8_t)s[i])
      return false;
  }
  return true;
}

/* tvbparse_until(..., TP_UNTIL_INCLUDE): the end of the first `end` found
 * from pos, or 0. As tvbparse looks, a match is tried at most up to two
 * bytes before the end of the body (a one-byte ">" in the last byte is not
 * found). */
static uint32_t until_incl(const xctx *x, uint32_t pos, const char *end) {
  size_t l = strlen(end);
  if (pos > x->n || l > x->n - pos)
    return 0;
  for (uint32_t at = pos;; at++) {
    if (lit(x, at, end))
      return at + (uint32_t)l;
    if (at + 2 >= x->n)
      return 0;
  }
}

/* A tag name (prefix ":" local, or a name) at pos: its end, 0 if none;
 * the white space after it is not counted. */
static uint32_t tag_name(const xctx *x, uint32_t pos) {
  uint32_t e = name_end(x, pos, false);
  if (!e)
    return 0;
  uint32_t c = skip_ws(x, e);
  if (c < x->n && x->s[c] == ':') {
    uint32_t e2 = name_end(x, skip_ws(x, c + 1), false);
    if (e2)
      return e2;
  }
  return e;
}

/* An attribute value at pos: quoted (the value between the quotes), digits
 * or a name; the end of the whole in *end. False if there is none. */
static bool attr_value(const xctx *x, uint32_t pos, uint32_t *vs, uint32_t *ve, uint32_t *end) {
  if (pos >= x->n)
    return false;
  uint8_t q = x->s[pos];
  if (q == '"' || q == '\'') {
    uint32_t c = skip_ws(x, pos + 1);
    if (c + 1 < x->n && x->s[c] == '\\' && x->s[c + 1] == q) {
      c = skip_ws(x, c + 2);
    } else {
      while (c < x->n && x->s[c] != q)
        c++;
    }
    if (c < x->n && x->s[c] == q) {
      *vs = pos + 1;
      *ve = c;
      *end = c + 1;
      return true;
    }
    return false; /* the other forms start with no quote */
  }
  uint32_t e = pos;
  while (e < x->n && x->s[e] >= '0' && x->s[e] <= '9')
    e++;
  if (e == pos)
    e = name_end(x, pos, false);
  if (!e)
    return false;
  *vs = pos;
  *ve = e;
  *end = e;
  return true;
}

/* One attribute (name = value) at pos. */
typedef struct xattr {
  uint32_t start, name_end, vs, ve, end;
} xattr;

static bool attribute(const xctx *x, uint32_t pos, xattr *a) {
  uint32_t ne = name_end(x, pos, true);
  if (!ne)
    return false;
  uint32_t c = skip_ws(x, ne);
  if (c >= x->n || x->s[c] != '=')
    return false;
  if (!attr_value(x, skip_ws(x, c + 1), &a->vs, &a->ve, &a->end))
    return false;
  a->start = pos;
  a->name_end = ne;
  return true;
}

/* After the attributes (if any) from pos, the closing string: its offset
 * in *close; returns the position after the attributes, 0 if the closing
 * string does not follow them. `pi`: "?>" closes, else ">" or "/>". */
static uint32_t attrs_then_close(const xctx *x, uint32_t pos, bool pi, uint32_t *close) {
  xattr a;
  uint32_t c = pos;
  while (attribute(x, c, &a))
    c = skip_ws(x, a.end);
  if (pi ? lit(x, c, "?>") : (lit(x, c, ">") || lit(x, c, "/>"))) {
    *close = c;
    return c;
  }
  /* no attribute list: the closing string right after the name */
  if (c != pos && (pi ? lit(x, pos, "?>") : (lit(x, pos, ">") || lit(x, pos, "/>")))) {
    *close = pos;
    return pos;
  }
  return 0;
}

/* ---- items ------------------------------------------------------------------------ */

/* The label text of n bytes at off, as tshark makes it: format_text()
 * (dx_escape), and from 240 bytes on " [truncated]" in front of what fits
 * in 238 (cut at a character's start, as label_mark_truncated() does).
 * Into x->lbl; returns its length. */
static size_t make_label(xctx *x, uint32_t off, uint32_t n) {
  /* every byte gives at least one: more than 240 bytes are cut anyway */
  uint32_t take = n > XML_LABEL_LEN + 1 ? XML_LABEL_LEN + 1 : n;
  /* tshark's format_text() (dx_escape): at most 4 bytes out per byte in,
   * so the label always fits */
  size_t l = dx_escape(x->s + off, take, x->lbl, sizeof x->lbl);
  if (l >= sizeof x->lbl)
    l = sizeof x->lbl - 1;
  if (l < XML_LABEL_LEN && take == n)
    return l;
  static const char trunc[] = " [truncated]";
  size_t tl = sizeof trunc - 1;
  size_t k = XML_LABEL_LEN - 2 - tl; /* text bytes before the cut character */
  while (k > 0 && ((uint8_t)x->lbl[k] & 0xc0) == 0x80)
    k--;
  memmove(x->lbl + tl, x->lbl, k);
  memcpy(x->lbl, trunc, tl);
  x->lbl[tl + k] = 0;
  return tl + k;
}

static void set_label(xctx *x, dx_node *it, uint32_t off, uint32_t n) {
  if (!dx_label_wanted(x->p, it))
    return;
  size_t l = make_label(x, off, n);
  dx_node_set_text(x->p, it, "%.*s", (int)l, x->lbl);
}

/* proto_item_append_text(): what fits in the label's 239 bytes. */
static void append_label(xctx *x, dx_node *it, const char *s) {
  if (!it || !it->text || !dx_label_wanted(x->p, it))
    return;
  size_t have = strlen(it->text);
  if (have >= XML_LABEL_LEN - 1)
    return;
  size_t room = XML_LABEL_LEN - 1 - have;
  dx_node_set_text(x->p, it, "%s%.*s", it->text, (int)(strlen(s) < room ? strlen(s) : room), s);
}

/* One more item: false (and a note, once) past the cap. */
static bool room(xctx *x) {
  if (x->stop)
    return false;
  if (++x->items <= XML_MAX_ITEMS)
    return true;
  x->stop = true;
  dx_expert(x->p, x->st[0].item, dx_field_limit(), DX_SEV_NOTE,
            "[More than %u XML items: the rest of the body is not shown]", XML_MAX_ITEMS);
  return false;
}

/* A string item over n bytes at off with those bytes as its value (cut at
 * a NUL, as a string is) and its text as its label. */
static dx_node *add_text_item(xctx *x, dx_node *parent, int fi, uint32_t off, uint32_t n,
                              uint32_t voff, uint32_t vn) {
  const uint8_t *v = x->s + voff;
  const uint8_t *z = memchr(v, 0, vn);
  dx_node *it = dx_add_string(x->p, parent, FL(fi), x->t, voff, vn, (const char *)v,
                              z ? (size_t)(z - v) : vn);
  set_label(x, it, off, n);
  /* as tshark's string items: bytes other than NUL after a NUL */
  for (const uint8_t *c = z; c && c < v + vn; c++)
    if (*c) {
      dx_expert(x->p, it, dx_field_stray(), DX_SEV_WARN, "Trailing stray characters");
      break;
    }
  return it;
}

/* A text-only item (tshark's proto_tree_add_format_text). */
static void add_format_text(xctx *x, dx_node *parent, uint32_t off, uint32_t n) {
  dx_node *it = dx_add_none(x->p, parent, FL(F_TEXT), x->t, off, n);
  set_label(x, it, off, n);
}

static xframe *top(xctx *x) {
  return &x->st[x->depth - 1];
}

/* True if one more element may be opened; past the depth cap false, a
 * note, and nothing more is added. */
static bool can_push(xctx *x) {
  if (x->depth > XML_MAX_DEPTH) {
    x->stop = true;
    dx_expert(x->p, x->st[0].item, dx_field_limit(), DX_SEV_NOTE,
              "[XML nested deeper than %u levels: the rest of the body is not shown]",
              XML_MAX_DEPTH);
    dx_node_set_flags(x->st[0].item, DX_NODE_MALFORMED);
    return false;
  }
  return true;
}

static void push(xctx *x, dx_node *item, uint32_t start, uint8_t kind) {
  x->st[x->depth++] = (xframe){.item = item, .last = item, .start = start, .kind = kind};
}

/* tshark's proto_tree_add_expert(): an item of the note's field with its
 * text, the note under it; the layer is marked malformed. */
static void expert_item(xctx *x, dx_node *parent, int ei, int sev, uint32_t off, uint32_t n) {
  dx_node *it = dx_add_none(x->p, parent, FL(ei), x->t, off, n);
  dx_node_set_text(x->p, it, "%s", FL(ei)->label);
  dx_expert(x->p, it, dx_field_expert(), sev, "%s", FL(ei)->label);
  dx_node_set_flags(x->st[0].item, DX_NODE_MALFORMED);
}

/* Leaves the open element (tshark's pop): at the body's level, the
 * expert note `ei` instead, over n bytes at off. */
static void pop(xctx *x, int ei, uint32_t off, uint32_t n) {
  if (x->depth > 1) {
    x->depth--;
    return;
  }
  expert_item(x, x->st[0].item, ei, DX_SEV_ERROR, off, n);
}

/* The attributes of a start tag or PI from pos up to `close`. */
static void add_attributes(xctx *x, uint32_t pos, uint32_t close) {
  xattr a;
  while (pos < close && !x->stop && attribute(x, pos, &a)) {
    xframe *f = top(x);
    if (!room(x))
      return;
    int fi = F_ATTRIBUTE;
    if (f->kind == K_PI_XML) {
      size_t l = a.name_end - a.start;
      if (l == 7 && lit_case(x, a.start, "VERSION"))
        fi = F_PI_VERSION;
      else if (l == 8 && lit_case(x, a.start, "ENCODING"))
        fi = F_PI_ENCODING;
      else if (l == 10 && lit_case(x, a.start, "STANDALONE"))
        fi = F_PI_STANDALONE;
    }
    if (fi == F_ATTRIBUTE)
      f->last = add_text_item(x, f->item, fi, a.start, a.end - a.start, a.start, a.end - a.start);
    else
      f->last = add_text_item(x, f->item, fi, a.start, a.end - a.start, a.vs, a.ve - a.vs);
    pos = skip_ws(x, a.end);
  }
}

/* ---- constructs: each returns the position after it, or 0 if it is not there ------ */

/* "<!--" ... "-->", "<![CDATA[" ... "]]>", "<!" ... ">": one item. */
static uint32_t delimited(xctx *x, uint32_t pos, const char *open, const char *close, int fi) {
  if (!lit(x, pos, open))
    return 0;
  uint32_t e = until_incl(x, skip_ws(x, pos + (uint32_t)strlen(open)), close);
  if (!e)
    return 0;
  if (room(x)) {
    int f = fi;
    add_text_item(x, top(x)->item, f, pos, e - pos, pos, e - pos);
  }
  return e;
}

static uint32_t dtd_tag(xctx *x, uint32_t pos) {
  if (!lit(x, pos, "<"))
    return 0;
  uint32_t c = skip_ws(x, pos + 1);
  if (!lit(x, c, "!"))
    return 0;
  uint32_t e = until_incl(x, skip_ws(x, c + 1), ">");
  if (!e)
    return 0;
  if (room(x))
    add_text_item(x, top(x)->item, F_DTDTAG, pos, e - pos, pos, e - pos);
  return e;
}

/* "<?" name [attributes] "?>" */
static uint32_t xmlpi(xctx *x, uint32_t pos) {
  if (!lit(x, pos, "<?"))
    return 0;
  uint32_t ns = skip_ws(x, pos + 2);
  uint32_t ne = name_end(x, ns, false);
  if (!ne)
    return 0;
  uint32_t close;
  if (!attrs_then_close(x, skip_ws(x, ne), true, &close))
    return 0;
  uint32_t end = close + 2;
  if (!can_push(x) || !room(x))
    return end;
  bool is_xml = ne - ns == 3 && lit(x, ns, "xml"); /* looked up before lower-casing */
  dx_node *pi =
      add_text_item(x, top(x)->item, is_xml ? F_PI_XML : F_XMLPI, pos, ne - pos, pos, end - pos);
  push(x, pi, pos, is_xml ? K_PI_XML : K_PI);
  add_attributes(x, skip_ws(x, ne), close);
  if (x->stop || !room(x))
    return end;
  add_format_text(x, top(x)->item, close, 2);
  pop(x, F_CLOSING_UNOPENED_PI, close, 2);
  return end;
}

/* "<" "/" name ">" */
static uint32_t end_tag(xctx *x, uint32_t pos) {
  if (!lit(x, pos, "<"))
    return 0;
  uint32_t c = skip_ws(x, pos + 1);
  if (!lit(x, c, "/"))
    return 0;
  uint32_t ne = tag_name(x, skip_ws(x, c + 1));
  if (!ne)
    return 0;
  c = skip_ws(x, ne);
  if (!lit(x, c, ">"))
    return 0;
  uint32_t end = c + 1;
  if (!room(x))
    return end;
  xframe *f = top(x);
  dx_node_set_len(f->item, end - f->start);
  add_format_text(x, f->item, pos, end - pos);
  pop(x, F_CLOSING_UNOPENED, pos, end - pos);
  return end;
}

/* "<" "!" "DOCTYPE" (name "[" | name ("PUBLIC"|"SYSTEM") ... ">") */
static uint32_t doctype(xctx *x, uint32_t pos) {
  if (!lit(x, pos, "<"))
    return 0;
  uint32_t c = skip_ws(x, pos + 1);
  if (!lit(x, c, "!"))
    return 0;
  c = skip_ws(x, c + 1);
  if (!lit_case(x, c, "DOCTYPE"))
    return 0;
  uint32_t ns = skip_ws(x, c + 7);
  uint32_t ne = name_end(x, ns, false);
  if (!ne)
    return 0;
  c = skip_ws(x, ne);
  uint32_t end;
  bool subset = lit(x, c, "[");
  if (subset) {
    end = c + 1;
  } else if (lit_case(x, c, "PUBLIC") || lit_case(x, c, "SYSTEM")) {
    end = until_incl(x, skip_ws(x, c + 6), ">");
    if (!end)
      return 0;
  } else {
    return 0;
  }
  if (!can_push(x) || !room(x))
    return end;
  dx_node *d = add_text_item(x, top(x)->item, F_DOCTYPE, pos, end - pos, ns, ne - ns);
  push(x, d, pos, K_DOCTYPE);
  if (!subset)
    pop(x, F_CLOSING_UNOPENED, end, 0);
  return end;
}

/* "]" ">" */
static uint32_t dtd_close(xctx *x, uint32_t pos) {
  if (!lit(x, pos, "]"))
    return 0;
  uint32_t c = skip_ws(x, pos + 1);
  if (!lit(x, c, ">"))
    return 0;
  uint32_t end = c + 1;
  if (!room(x))
    return end;
  add_format_text(x, top(x)->item, pos, end - pos);
  pop(x, F_CLOSING_UNOPENED, pos, end - pos);
  return end;
}

/* "<" name [attributes] (">" | "/>") */
static uint32_t start_tag(xctx *x, uint32_t pos) {
  if (!lit(x, pos, "<"))
    return 0;
  uint32_t ns = skip_ws(x, pos + 1);
  uint32_t ne = tag_name(x, ns);
  if (!ne)
    return 0;
  uint32_t close;
  if (!attrs_then_close(x, skip_ws(x, ne), false, &close))
    return 0;
  bool empty = x->s[close] == '/';
  uint32_t end = close + (empty ? 2 : 1);
  if (!can_push(x) || !room(x))
    return end;
  dx_node *tag = add_text_item(x, top(x)->item, F_TAG, pos, ne - pos, pos, end - pos);
  push(x, tag, pos, K_TAG);
  add_attributes(x, skip_ws(x, ne), close);
  if (x->stop)
    return end;
  append_label(x, top(x)->last, empty ? "/>" : ">");
  if (empty)
    pop(x, F_CLOSING_UNOPENED, close, 2);
  return end;
}

/* Text up to the next "<": CDATA of the open element (xml.unknown at the
 * body's level and in a DOCTYPE), or bytes that start nothing. */
static uint32_t text(xctx *x, uint32_t pos) {
  if (x->s[pos] != '<') {
    const uint8_t *lt = memchr(x->s + pos, '<', x->n - pos);
    uint32_t end = lt ? (uint32_t)(lt - x->s) : x->n;
    if (room(x)) {
      uint8_t k = top(x)->kind;
      int fi = k == K_ROOT || k == K_DOCTYPE ? F_UNKNOWN : F_CDATA;
      add_text_item(x, top(x)->item, fi, pos, end - pos, pos, end - pos);
    }
    return end;
  }
  uint32_t end = pos;
  while (end < x->n && !is_ws(x->s[end]))
    end++;
  if (room(x))
    expert_item(x, top(x)->item, F_UNRECOGNIZED, DX_SEV_WARN, pos, end - pos);
  return end;
}

bool dx_xml_media(const char *mt) {
  /* tshark 4.0's media_type registrations of its xml dissector, with their
   * lengths: most types asked about (text/html, application/json) differ
   * in length from all but a few, so they are told apart without a call */
  static const struct {
    const char *s;
    size_t n;
  } types[] = {
#define T(s) {s, sizeof s - 1}
      T("text/xml"),
      T("text/vnd.wap.wml"),
      T("text/vnd.wap.si"),
      T("text/vnd.wap.sl"),
      T("text/vnd.wap.co"),
      T("text/vnd.wap.emn"),
      T("application/3gpp-ims+xml"),
      T("application/atom+xml"),
      T("application/auth-policy+xml"),
      T("application/ccmp+xml"),
      T("application/conference-info+xml"),
      T("application/cpim-pidf+xml"),
      T("application/cpl+xml"),
      T("application/dds-web+xml"),
      T("application/im-iscomposing+xml"),
      T("application/load-control+xml"),
      T("application/mathml+xml"),
      T("application/media_control+xml"),
      T("application/note+xml"),
      T("application/pidf+xml"),
      T("application/pidf-diff+xml"),
      T("application/poc-settings+xml"),
      T("application/rdf+xml"),
      T("application/reginfo+xml"),
      T("application/resource-lists+xml"),
      T("application/rlmi+xml"),
      T("application/rls-services+xml"),
      T("application/rss+xml"),
      T("application/rs-metadata+xml"),
      T("application/smil"),
      T("application/simple-filter+xml"),
      T("application/simple-message-summary+xml"),
      T("application/simservs+xml"),
      T("application/soap+xml"),
      T("application/vnd.etsi.aoc+xml"),
      T("application/vnd.etsi.cug+xml"),
      T("application/vnd.etsi.iptvcommand+xml"),
      T("application/vnd.etsi.iptvdiscovery+xml"),
      T("application/vnd.etsi.iptvprofile+xml"),
      T("application/vnd.etsi.iptvsad-bc+xml"),
      T("application/vnd.etsi.iptvsad-cod+xml"),
      T("application/vnd.etsi.iptvsad-npvr+xml"),
      T("application/vnd.etsi.iptvservice+xml"),
      T("application/vnd.etsi.iptvsync+xml"),
      T("application/vnd.etsi.iptvueprofile+xml"),
      T("application/vnd.etsi.mcid+xml"),
      T("application/vnd.etsi.overload-control-policy-dataset+xml"),
      T("application/vnd.etsi.pstn+xml"),
      T("application/vnd.etsi.sci+xml"),
      T("application/vnd.etsi.simservs+xml"),
      T("application/vnd.etsi.tsl+xml"),
      T("application/vnd.oma.xdm-apd+xml"),
      T("application/vnd.oma.fnl+xml"),
      T("application/vnd.oma.access-permissions-list+xml"),
      T("application/vnd.oma.alias-principals-list+xml"),
      T("application/upp-directory+xml"),
      T("application/vnd.oma.xdm-hi+xml"),
      T("application/vnd.oma.xdm-rhi+xml"),
      T("application/vnd.oma.xdm-prefs+xml"),
      T("application/vnd.oma.xdcp+xml"),
      T("application/vnd.oma.bcast.associated-procedure-parameter+xml"),
      T("application/vnd.oma.bcast.drm-trigger+xml"),
      T("application/vnd.oma.bcast.imd+xml"),
      T("application/vnd.oma.bcast.notification+xml"),
      T("application/vnd.oma.bcast.sgdd+xml"),
      T("application/vnd.oma.bcast.smartcard-trigger+xml"),
      T("application/vnd.oma.bcast.sprov+xml"),
      T("application/vnd.oma.cab-address-book+xml"),
      T("application/vnd.oma.cab-feature-handler+xml"),
      T("application/vnd.oma.cab-pcc+xml"),
      T("application/vnd.oma.cab-subs-invite+xml"),
      T("application/vnd.oma.cab-user-prefs+xml"),
      T("application/vnd.oma.dd2+xml"),
      T("application/vnd.oma.drm.risd+xml"),
      T("application/vnd.oma.group-usage-list+xml"),
      T("application/vnd.oma.pal+xml"),
      T("application/vnd.oma.poc.detailed-progress-report+xml"),
      T("application/vnd.oma.poc.final-report+xml"),
      T("application/vnd.oma.poc.groups+xml"),
      T("application/vnd.oma.poc.invocation-descriptor+xml"),
      T("application/vnd.oma.poc.optimized-progress-report+xml"),
      T("application/vnd.oma.scidm.messages+xml"),
      T("application/vnd.oma.suppnot+xml"),
      T("application/vnd.oma.xcap-directory+xml"),
      T("application/vnd.omads-email+xml"),
      T("application/vnd.omads-file+xml"),
      T("application/vnd.omads-folder+xml"),
      T("application/vnd.3gpp.access-transfer-events+xml"),
      T("application/vnd.3gpp.bsf+xml"),
      T("application/vnd.3gpp.comm-div-info+xml"),
      T("application/vnd.3gpp.cw+xml"),
      T("application/vnd.3gpp.iut+xml"),
      T("application/vnc.3gpp.iut-config+xml"),
      T("application/vnd.3gpp.mcptt-info+xml"),
      T("application/vnd.3gpp.mcptt-mbms-usage-info+xml"),
      T("application/vnd.3gpp.mcptt-location-info+xml"),
      T("application/vnd.3gpp.mcptt-affiliation-command+xml"),
      T("application/vnd.3gpp.mcptt-floor-request+xml"),
      T("application/vnd.3gpp.mcptt-signed+xml"),
      T("application/vnd.3gpp.mcptt-regroup+xml"),
      T("application/vnd.3gpp.mcdata-info+xml"),
      T("application/vnd.3gpp.mcdata-mbms-usage-info+xml"),
      T("application/vnd.3gpp.mcdata-location-info+xml"),
      T("application/vnd.3gpp.mcdata-affiliation-command+xml"),
      T("application/vnd.3gpp.mcdata-regroup+xml"),
      T("application/vnd.3gpp.mcvideo-info+xml"),
      T("application/vnd.3gpp.mcvideo-mbms-usage-info+xml"),
      T("application/vnd.3gpp.mcvideo-location-info+xml"),
      T("application/vnd.3gpp.mcvideo-affiliation-command+xml"),
      T("application/vnd.3gpp.transmission-request+xml"),
      T("application/vnd.3gpp.mcptt-ue-init-config+xml"),
      T("application/vnd.3gpp.mcptt-ue-config+xml"),
      T("application/vnd.3gpp.mcptt-user-profile+xml"),
      T("application/vnd.3gpp.mcptt-service-config+xml"),
      T("application/vnd.3gpp.mcdata-service-config+xml"),
      T("application/vnd.3gpp.mcvideo-service-config+xml"),
      T("application/vnd.3gpp.mcvideo-ue-config+xml"),
      T("application/vnd.3gpp.mcvideo-user-profile+xml"),
      T("application/vnd.3gpp.mcdata-ue-config+xml"),
      T("application/vnd.3gpp.mcdata-user-profile+xml"),
      T("application/vnd.3gpp.mid-call+xml"),
      T("application/vnd.3gpp-prose-pc3ch+xml"),
      T("application/vnd.3gpp-prose+xml"),
      T("application/vnd.3gpp.replication+xml"),
      T("application/vnd.3gpp.sms+xml"),
      T("application/vnd.3gpp.srvcc-info+xml"),
      T("application/vnd.3gpp.srvcc-ext+xml"),
      T("application/vnd.3gpp.state-and-event-info+xml"),
      T("application/vnd.3gpp.ussd+xml"),
      T("application/vnd.3gpp2.bcmcsinfo+xml"),
      T("application/vnd.wv.csp+xml"),
      T("application/vnd.wv.csp.xml"),
      T("application/watcherinfo+xml"),
      T("application/xcap-att+xml"),
      T("application/xcap-caps+xml"),
      T("application/xcap-diff+xml"),
      T("application/xcap-el+xml"),
      T("application/xcap-error+xml"),
      T("application/xcap-ns+xml"),
      T("application/xml"),
      T("application/xml-dtd"),
      T("application/xpidf+xml"),
      T("application/xslt+xml"),
      T("application/x-crd+xml"),
      T("application/x-wms-logconnectstats"),
      T("application/x-wms-logplaystats"),
      T("application/x-wms-sendevent"),
      T("image/svg+xml"),
      T("message/imdn+xml"),
#undef T
  };
  if (!mt || !mt[0])
    return false;
  size_t n = strlen(mt);
  for (size_t i = 0; i < DX_ARRAY_LEN(types); i++)
    if (types[i].n == n && memcmp(mt, types[i].s, n) == 0)
      return true;
  return false;
}

dx_node *dx_dissect_xml(dx_packet *p, dx_node *parent, const dx_tvb *b) {
  dx_node *xml = dx_add_proto(p, parent, FL(F_XML), b, 0, b->len);
  if (!dx_layer_built(p, xml))
    return xml;
  /* the context (stack and label buffer) in the packet's arena, not on the
   * C stack: embedders' threads may have small stacks */
  xctx *x = dx_arena_alloc(&p->arena, sizeof *x);
  if (!x)
    return xml;
  x->p = p;
  x->t = b;
  x->s = b->data;
  x->n = b->len;
  x->depth = 1;
  x->items = 0;
  x->stop = false;
  x->st[0] = (xframe){.item = xml, .last = xml, .start = 0, .kind = K_ROOT};
  uint32_t pos = 0;
  while (!x->stop) {
    pos = skip_ws(x, pos);
    if (pos >= x->n)
      break;
    uint32_t e;
    /* in the order of Wireshark's alternatives: the first that matches */
    if ((e = delimited(x, pos, "<!--", "-->", F_COMMENT)) ||
        (e = delimited(x, pos, "<![CDATA[", "]]>", F_CDATASECTION)) || (e = xmlpi(x, pos)) ||
        (e = end_tag(x, pos)) || (e = doctype(x, pos)) || (e = dtd_close(x, pos)) ||
        (e = dtd_tag(x, pos)) || (e = start_tag(x, pos)))
      pos = e;
    else
      pos = text(x, pos);
  }
  return xml;
}
