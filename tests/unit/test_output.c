/* Unit tests of the outputs: the two JSON paths of the tree form (json-c
 * objects and the streamed text) give the same document; the compact form
 * is typed, keyed by field name, with arrays for repeated fields, value
 * names beside enumerated values and exact times; the ek form is bulk
 * lines; the writer of whole captures gives the one-packet documents in an
 * array; JSON strings are escaped and valid UTF-8; dx_node_value formats
 * values as tshark -T fields does; dx_escape and the text writers never let
 * a control byte through. */
#include "core/dx.h"
#include "testutil.h"

#include <arpa/inet.h>
#include <dissect/json.h>
#include <dissect/output.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- frames from hand-made bytes ---------------------------------------- */
/* Ethernet / IPv4 / UDP / DNS query "www.example.test" A (RFC 1035 4.1). */
static const uint8_t dns_query[] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, /* eth */
    0x45, 0x00, 0x00, 0x3e, 0xf1, 0x1f, 0x00, 0x00, 0x40, 0x11, 0x8b, 0x8d, 0x7f, 0x00,
    0x00, 0x01, 0x7f, 0x00, 0x00, 0x01,             /* ip */
    0xaf, 0x08, 0x00, 0x35, 0x00, 0x2a, 0xfe, 0x3d, /* udp */
    0x6e, 0x19, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 'w',
    'w',  'w',  0x07, 'e',  'x',  'a',  'm',  'p',  'l',  'e',  0x04, 't',  'e',  's',
    't',  0x00, 0x00, 0x01, 0x00, 0x01};

/* Ethernet / IPv4 / TCP SYN with MSS, SACK permitted, timestamps, NOP,
 * window scale (RFC 9293, RFC 7323). */
static const uint8_t tcp_syn[] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x45,
    0x00, 0x00, 0x3c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x01,
    0x0a, 0x00, 0x00, 0x02, 0xc0, 0x00, 0x00, 0x50, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x00, 0xa0, 0x02, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02,
    0x08, 0x0a, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07};

/* Ethernet with an EtherType nobody dissects and data with control bytes
 * and invalid UTF-8. */
static const uint8_t odd_frame[] = {0x02, 0,    0,    0,    0,    2,    0x02, 0,    0,    0,
                                    0,    1,    0x88, 0xb5, 0x1b, '[',  '3',  '1',  'm',  0xff,
                                    0xc3, 0x28, 0x00, '"',  '\\', '\n', 0x7f, 0xe2, 0x82, 0xac};

/* ---- helpers --------------------------------------------------------------- */
static char *stream_json(const dx_packet *p, int pretty, size_t *len) {
  char *buf = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&buf, &n);
  if (!f)
    return NULL;
  CU_ASSERT_EQUAL(dx_write_json(f, p, pretty), DX_OK);
  fclose(f);
  if (len)
    *len = n;
  return buf;
}

static char *stream_form(const dx_packet *p, dx_json_form form, unsigned flags, size_t *len) {
  char *buf = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&buf, &n);
  if (!f)
    return NULL;
  CU_ASSERT_EQUAL(dx_write_json_form(f, p, form, flags), DX_OK);
  fclose(f);
  if (len)
    *len = n;
  return buf;
}

/* obj's member at a path of keys (NULL-terminated); NULL if absent. */
static json_object *jget(json_object *obj, ...) {
  va_list ap;
  va_start(ap, obj);
  const char *k;
  while (obj && (k = va_arg(ap, const char *)) != NULL)
    if (!json_object_object_get_ex(obj, k, &obj))
      obj = NULL;
  va_end(ap);
  return obj;
}

typedef int (*writer_fn)(FILE *, const dx_packet *);
static char *capture_writer(writer_fn w, const dx_packet *p, size_t *len) {
  char *buf = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&buf, &n);
  if (!f)
    return NULL;
  CU_ASSERT_EQUAL(w(f, p), DX_OK);
  fclose(f);
  *len = n;
  return buf;
}

/* Strict UTF-8 (RFC 3629): no overlongs, no surrogates, nothing past U+10FFFF. */
static int utf8_valid(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    size_t len;
    unsigned min;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      len = 2, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4, min = 0x10000;
    } else {
      return 0;
    }
    if (i + len > n)
      return 0;
    unsigned cp = c & (0xff >> (len + 1));
    for (size_t k = 1; k < len; k++) {
      if ((s[i + k] & 0xc0) != 0x80)
        return 0;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return 0;
    i += len;
  }
  return 1;
}

static int has_control_byte(const char *s, size_t n, int allow_newline) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if ((c < 0x20 && !(allow_newline && c == '\n')) || c == 0x7f)
      return 1;
  }
  return 0;
}

/* Both JSON paths give the same document, pretty or not. */
static void check_json_paths(const dx_packet *p) {
  json_object *obj = dx_packet_to_json(p);
  CU_ASSERT_PTR_NOT_NULL_FATAL(obj);
  for (int pretty = 0; pretty <= 1; pretty++) {
    size_t len = 0;
    char *text = stream_json(p, pretty, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_EQUAL(strlen(text), len); /* no NUL inside */
    CU_ASSERT_TRUE(utf8_valid((const unsigned char *)text, len));
    CU_ASSERT_FALSE(has_control_byte(text, len, pretty));
    if (!pretty)
      CU_ASSERT_PTR_NULL(strchr(text, '\n'));
    json_object *parsed = json_tokener_parse(text);
    CU_ASSERT_PTR_NOT_NULL(parsed);
    CU_ASSERT_TRUE(json_object_equal(obj, parsed));
    if (parsed && !json_object_equal(obj, parsed)) {
      fprintf(stderr, "\nstreamed: %.2000s\njson-c:   %.2000s\n", text,
              json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN));
    }
    json_object_put(parsed);
    free(text);
  }
  /* The json-c object, serialised by json-c, is valid UTF-8 too. */
  const char *s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN);
  CU_ASSERT_TRUE(utf8_valid((const unsigned char *)s, strlen(s)));
  for (const char *c = s; *c; c++) /* json-c escapes C0 controls (not DEL) */
    CU_ASSERT((unsigned char)*c >= 0x20);
  /* a few keys of the document */
  json_object *v;
  CU_ASSERT_TRUE(json_object_object_get_ex(obj, "schema", &v) &&
                 strcmp(json_object_get_string(v), "libdissect.packet") == 0);
  CU_ASSERT_TRUE(json_object_object_get_ex(obj, "version", &v) &&
                 json_object_get_int(v) == DX_JSON_SCHEMA_VERSION);
  CU_ASSERT_TRUE(json_object_object_get_ex(obj, "number", &v) &&
                 (uint64_t)json_object_get_int64(v) == dx_packet_number(p));
  CU_ASSERT_TRUE(json_object_object_get_ex(obj, "captured_length", &v) &&
                 (uint32_t)json_object_get_int64(v) == dx_packet_frame(p)->caplen);
  CU_ASSERT_TRUE(json_object_object_get_ex(obj, "layers", &v) &&
                 json_object_is_type(v, json_type_array));
  json_object_put(obj);

  /* The compact form: one line, valid UTF-8 without a control byte, the
   * same object pretty or not, and as dx_packet_to_json_form() builds it;
   * "layers" an object whose first key is the frame. */
  json_object *compact = dx_packet_to_json_form(p, DX_JSON_PACKETS);
  CU_ASSERT_PTR_NOT_NULL_FATAL(compact);
  for (unsigned flags = 0; flags <= DX_JSON_PRETTY; flags++) {
    size_t len = 0;
    char *text = stream_form(p, DX_JSON_PACKETS, flags, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_EQUAL(strlen(text), len);
    CU_ASSERT_TRUE(utf8_valid((const unsigned char *)text, len));
    CU_ASSERT_FALSE(has_control_byte(text, len, (int)flags));
    if (!flags)
      CU_ASSERT_PTR_NULL(strchr(text, '\n'));
    json_object *parsed = json_tokener_parse(text);
    CU_ASSERT_TRUE(json_object_equal(compact, parsed));
    json_object_put(parsed);
    free(text);
  }
  json_object *layers = jget(compact, "layers", NULL);
  CU_ASSERT_TRUE(json_object_is_type(layers, json_type_object));
  if (layers) {
    struct json_object_iterator it = json_object_iter_begin(layers);
    CU_ASSERT_STRING_EQUAL(json_object_iter_peek_name(&it), "frame");
  }
  CU_ASSERT_TRUE(
      json_object_is_type(jget(compact, "layers", "frame", "frame.number", NULL), json_type_int));
  json_object_put(compact);
  CU_ASSERT_PTR_NULL(dx_packet_to_json_form(p, DX_JSON_EK));
}

/* ---- custom fields for value formatting ------------------------------------ */
static const dx_vals test_vals[] = {{1, "One"}, {2, "Two"}, {0, NULL}};
enum {
  T_U8HEX,
  T_U16HEX,
  T_U24HEX,
  T_U32HEX,
  T_U64HEX,
  T_U64HEXV,
  T_U16DEC,
  T_U16DECHEX,
  T_U16HEXDEC,
  T_U32OCT,
  T_U16VALS,
  T_BOOL,
  T_BOOLMASK,
  T_U8MASK,
  T_I32,
  T_I64,
  T_DOUBLE,
  T_STRING,
  T_BYTES,
  T_IPV4,
  T_IPV6,
  T_ETHER,
  T_ABSTIME,
  T_RELTIME,
  T_FRAMENUM,
  T_NONE,
  T_PROTO,
  T_U64,
  T_ABSUTC,
  T_COUNT
};
static const dx_field tf[T_COUNT] = {
    [T_U8HEX] = DX_F("test.u8hex", "U8 hex", DX_FT_UINT8, DX_BASE_HEX),
    [T_U16HEX] = DX_F("test.u16hex", "U16 hex", DX_FT_UINT16, DX_BASE_HEX),
    [T_U24HEX] = DX_F("test.u24hex", "U24 hex", DX_FT_UINT24, DX_BASE_HEX),
    [T_U32HEX] = DX_F("test.u32hex", "U32 hex", DX_FT_UINT32, DX_BASE_HEX),
    [T_U64HEX] = DX_F("test.u64hex", "U64 hex", DX_FT_UINT64, DX_BASE_HEX),
    [T_U64HEXV] = DX_FV("test.u64hexv", "U64 hex named", DX_FT_UINT64, DX_BASE_HEX, test_vals),
    [T_U16DEC] = DX_F("test.u16dec", "U16 dec", DX_FT_UINT16, DX_BASE_DEC),
    [T_U16DECHEX] = DX_F("test.u16dechex", "U16 dec-hex", DX_FT_UINT16, DX_BASE_DEC_HEX),
    [T_U16HEXDEC] = DX_F("test.u16hexdec", "U16 hex-dec", DX_FT_UINT16, DX_BASE_HEX_DEC),
    [T_U32OCT] = DX_F("test.u32oct", "U32 oct", DX_FT_UINT32, DX_BASE_OCT),
    [T_U16VALS] = DX_FV("test.u16vals", "U16 vals", DX_FT_UINT16, DX_BASE_DEC, test_vals),
    [T_BOOL] = DX_F("test.bool", "Bool", DX_FT_BOOL, DX_BASE_NONE),
    [T_BOOLMASK] = DX_FM("test.boolmask", "Flag", DX_FT_BOOL, DX_BASE_NONE, NULL, 0x02, 8),
    [T_U8MASK] = DX_FM("test.u8mask", "Nibble", DX_FT_UINT8, DX_BASE_DEC, NULL, 0xf0, 8),
    [T_I32] = DX_F("test.i32", "I32", DX_FT_INT32, DX_BASE_DEC),
    [T_I64] = DX_F("test.i64", "I64", DX_FT_INT64, DX_BASE_DEC),
    [T_DOUBLE] = DX_F("test.double", "Double", DX_FT_DOUBLE, DX_BASE_NONE),
    [T_STRING] = DX_F("test.string", "String", DX_FT_STRING, DX_BASE_NONE),
    [T_BYTES] = DX_F("test.bytes", "Bytes", DX_FT_BYTES, DX_BASE_NONE),
    [T_IPV4] = DX_F("test.ipv4", "IPv4", DX_FT_IPV4, DX_BASE_NONE),
    [T_IPV6] = DX_F("test.ipv6", "IPv6", DX_FT_IPV6, DX_BASE_NONE),
    [T_ETHER] = DX_F("test.ether", "Ether", DX_FT_ETHER, DX_BASE_NONE),
    [T_ABSTIME] = DX_F("test.abstime", "Abs time", DX_FT_ABSTIME, DX_BASE_NONE),
    [T_RELTIME] = DX_F("test.reltime", "Rel time", DX_FT_RELTIME, DX_BASE_NONE),
    [T_FRAMENUM] = DX_F("test.framenum", "Frame", DX_FT_FRAMENUM, DX_BASE_NONE),
    [T_NONE] = DX_F("test.none", "Just a label", DX_FT_NONE, DX_BASE_NONE),
    [T_PROTO] = DX_F("test", "Test Protocol", DX_FT_PROTOCOL, DX_BASE_NONE),
    [T_U64] = DX_F("test.u64", "U64", DX_FT_UINT64, DX_BASE_DEC),
    [T_ABSUTC] = DX_F("test.absutc", "Abs time UTC", DX_FT_ABSTIME, DX_BASE_UTC),
};

static dx_session *g_sess;

static dx_packet *odd_packet(void) {
  return tu_dissect(&g_sess, 1, odd_frame, sizeof odd_frame);
}

static const char *value_of(const dx_node *n) {
  static char buf[512];
  size_t need = dx_node_value(n, buf, sizeof buf);
  CU_ASSERT(need < sizeof buf);
  return buf;
}
static const char *label_of(const dx_node *n) {
  static char buf[512];
  size_t need = dx_node_label(n, buf, sizeof buf);
  CU_ASSERT(need < sizeof buf);
  return buf;
}

#define CHECK_STR(got, want)                                                                       \
  do {                                                                                             \
    const char *g_ = (got);                                                                        \
    CU_ASSERT_STRING_EQUAL(g_, want);                                                              \
    if (strcmp(g_, want) != 0)                                                                     \
      fprintf(stderr, "\n  %s:%d: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, g_, want);       \
  } while (0)

/* ---- tests ------------------------------------------------------------------ */
static void test_json_paths_frames(void) {
  const struct {
    const uint8_t *b;
    size_t n;
  } frames[] = {
      {dns_query, sizeof dns_query}, {tcp_syn, sizeof tcp_syn}, {odd_frame, sizeof odd_frame}};
  for (size_t i = 0; i < DX_ARRAY_LEN(frames); i++) {
    /* whole frames and every truncation of them */
    for (size_t n = 0; n <= frames[i].n; n++) {
      dx_session *s = NULL;
      dx_packet *p = tu_dissect(&s, 1, frames[i].b, n);
      CU_ASSERT_PTR_NOT_NULL_FATAL(p);
      check_json_paths(p);
      dx_packet_free(p);
      dx_session_free(s);
    }
  }
  /* other link types, and one nobody supports */
  const int linktypes[] = {0, 12, 101, 113, 276, 147};
  for (size_t i = 0; i < DX_ARRAY_LEN(linktypes); i++) {
    dx_session *s = NULL;
    dx_packet *p = tu_dissect(&s, linktypes[i], dns_query + 14, sizeof dns_query - 14);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    check_json_paths(p);
    dx_packet_free(p);
    dx_session_free(s);
  }
}

/* A packet holding a node of every type, including hostile strings. */
static void test_json_paths_all_types(void) {
  dx_packet *p = odd_packet();
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  dx_tvb t = dx_packet_frame_tvb(p);
  dx_node *root = dx_packet_root_mut(p);
  dx_node *proto = dx_add_proto(p, root, &tf[T_PROTO], &t, 14, 16);
  dx_add_uint(p, proto, &tf[T_U8HEX], &t, 14, 1, 0x06);
  dx_add_uint(p, proto, &tf[T_U16HEX], &t, 14, 2, 0x0800);
  dx_add_uint(p, proto, &tf[T_U64], &t, 14, 8, UINT64_MAX);
  dx_add_uint(p, proto, &tf[T_U64HEX], &t, 14, 8, 0x8000000000000000ull);
  dx_add_uint(p, proto, &tf[T_BOOL], &t, 14, 1, 1);
  dx_add_uint(p, proto, &tf[T_BOOLMASK], &t, 14, 1, 0);
  dx_add_int(p, proto, &tf[T_I32], &t, 14, 4, -5);
  dx_add_int(p, proto, &tf[T_I64], &t, 14, 8, INT64_MIN);
  dx_add_double(p, proto, &tf[T_DOUBLE], &t, 14, 8, 0.1);
  dx_add_double(p, proto, &tf[T_DOUBLE], &t, 14, 8, -1e300);
  dx_add_double(p, proto, &tf[T_DOUBLE], &t, 14, 8, 3.0);
  static const char hostile[] = "\x1b[31m\"quote\"\\back\nnl\ttab\x01\x7f"
                                "\xff\xfe\xc3\x28\xe0\x80\x80\xed\xa0\x80\xf4\x90\x80\x80"
                                "\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 end\xe2\x82";
  dx_add_string(p, proto, &tf[T_STRING], &t, 14, 16, hostile, sizeof hostile - 1);
  dx_add_string(p, proto, &tf[T_STRING], &t, 14, 0, "", 0);
  static const uint8_t ip6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  dx_add_bytes_val(p, proto, &tf[T_IPV6], &t, 14, 16, ip6, 16);
  dx_add_uint(p, proto, &tf[T_IPV4], &t, 14, 4, 0x7f000001);
  static const uint8_t mac[6] = {0x00, 0x11, 0x22, 0xaa, 0xbb, 0xcc};
  dx_add_bytes_val(p, proto, &tf[T_ETHER], &t, 14, 6, mac, 6);
  dx_add_bytes(p, proto, &tf[T_BYTES], &t, 14, 16);
  uint8_t big[3000];
  for (size_t i = 0; i < sizeof big; i++)
    big[i] = (uint8_t)i;
  dx_add_bytes_val(p, proto, &tf[T_BYTES], &t, 14, 16, big, sizeof big); /* > 256 hex digits */
  dx_add_time(p, proto, &tf[T_ABSTIME], &t, 0, 0, 1700000000, 123456000);
  dx_add_time(p, proto, &tf[T_RELTIME], &t, 0, 0, 0, 219000);
  dx_add_uint(p, proto, &tf[T_FRAMENUM], &t, 0, 0, 7);
  dx_add_uint(p, proto, &tf[T_U16VALS], &t, 14, 2, 1);
  dx_add_uint(p, proto, &tf[T_U16VALS], &t, 14, 2, 5);
  dx_node *parent = dx_add_uint(p, proto, &tf[T_U16HEXDEC], &t, 14, 2, 0x1234);
  dx_add_uint(p, parent, &tf[T_U8MASK], &t, 14, 1, 3);
  dx_node *lab = dx_add_none(p, proto, &tf[T_NONE], &t, 14, 2);
  dx_node_set_text(p, lab, "Custom label with \x1b[2J escape");
  dx_node *gen = dx_add_uint(p, proto, &tf[T_U16DEC], &t, 0, 0, 42);
  dx_node_set_flags(gen, DX_NODE_GENERATED);
  dx_node *hid = dx_add_uint(p, proto, &tf[T_U16DEC], &t, 0, 0, 43);
  dx_node_set_flags(hid, DX_NODE_HIDDEN);
  dx_mark_malformed(p, proto, "bad %s", "\x1b value");
  dx_mark_truncated(p, lab, "short");
  check_json_paths(p);

  /* the streamed text escapes control bytes as \u00XX and keeps valid UTF-8 */
  size_t len = 0;
  char *text = stream_json(p, 0, &len);
  CU_ASSERT_PTR_NOT_NULL_FATAL(text);
  {
    /* decoded, the string value keeps every valid character */
    json_object *doc = json_tokener_parse(text), *layers, *node, *children, *v;
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    const char *got = NULL;
    if (json_object_object_get_ex(doc, "layers", &layers)) {
      for (size_t i = 0; i < json_object_array_length(layers); i++) {
        node = json_object_array_get_idx(layers, i);
        if (json_object_object_get_ex(node, "name", &v) &&
            strcmp(json_object_get_string(v), "test") == 0 &&
            json_object_object_get_ex(node, "children", &children)) {
          for (size_t k = 0; k < json_object_array_length(children) && !got; k++) {
            json_object *c = json_object_array_get_idx(children, k);
            if (json_object_object_get_ex(c, "name", &v) &&
                strcmp(json_object_get_string(v), "test.string") == 0 &&
                json_object_object_get_ex(c, "value", &v))
              got = json_object_get_string(v);
          }
        }
      }
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    const char *want = "\x1b[31m\"quote\"\\back\nnl\ttab\x01\x7f";
    CU_ASSERT_EQUAL(strncmp(got, want, strlen(want)), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(got, "\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 end"));
    CU_ASSERT_TRUE(utf8_valid((const unsigned char *)got, strlen(got)));
    json_object_put(doc);
  }
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 end"));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"value\":18446744073709551615"));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"value\":-9223372036854775808"));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"value\":-5"));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"value\":\"2001:db8::1\""));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"value\":\"127.0.0.1\""));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"value\":\"00:11:22:aa:bb:cc\""));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"value\":true"));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"value\":false"));
  CU_ASSERT_PTR_NULL(strstr(text, "\"value\":43")); /* hidden nodes are not written */
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"flags\":[\"generated\"]"));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"severity\":\"error\""));
  /* the long byte string is written whole */
  char *bigv = strstr(text, "\"value\":\"000102030405");
  CU_ASSERT_PTR_NOT_NULL_FATAL(bigv);
  CU_ASSERT_EQUAL(strcspn(bigv + 9, "\""), 2 * sizeof big);
  free(text);

  /* the ek lines: the bulk action, then the flat document */
  char *ek = capture_writer(dx_write_ek, p, &len);
  CU_ASSERT_PTR_NOT_NULL_FATAL(ek);
  char *nl = strchr(ek, '\n');
  CU_ASSERT_PTR_NOT_NULL_FATAL(nl);
  *nl = 0;
  CU_ASSERT_STRING_EQUAL(ek, "{\"index\":{\"_index\":\"packets-2023-11-14\"}}");
  char *doc = nl + 1;
  CU_ASSERT_EQUAL(doc[strlen(doc) - 1], '\n');
  CU_ASSERT_PTR_EQUAL(strchr(doc, '\n'), doc + strlen(doc) - 1);
  json_object *d = json_tokener_parse(doc);
  CU_ASSERT_PTR_NOT_NULL_FATAL(d);
  CU_ASSERT_STRING_EQUAL(json_object_get_string(jget(d, "timestamp", NULL)),
                         "2023-11-14T22:13:20.000189000Z");
  CU_ASSERT_EQUAL(json_object_get_int(jget(d, "layers", "test", "test_test_u16hex", NULL)), 2048);
  CU_ASSERT_EQUAL(json_object_get_int(jget(d, "layers", "frame", "frame_frame_number", NULL)), 1);
  /* flat: the children of the value with children are beside it */
  CU_ASSERT_PTR_NOT_NULL(jget(d, "layers", "test", "test_test_u8mask", NULL));
  CU_ASSERT_PTR_NULL(jget(d, "layers", "test", "test_test_u16hexdec_tree", NULL));
  CU_ASSERT_EQUAL(json_object_array_length(jget(d, "layers", "test", "test_test_double", NULL)), 3);
  json_object *ekn = jget(d, "layers", "test", "test_test_u16vals#name", NULL);
  CU_ASSERT_EQUAL(json_object_array_length(ekn), 2);
  CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_array_get_idx(ekn, 0)), "One");
  CU_ASSERT_TRUE(json_object_is_type(json_object_array_get_idx(ekn, 1), json_type_null));
  /* every absolute time as an ISO 8601 date */
  CU_ASSERT_STRING_EQUAL(
      json_object_get_string(jget(d, "layers", "test", "test_test_abstime", NULL)),
      "2023-11-14T22:13:20.123456000Z");
  CU_ASSERT_STRING_EQUAL(
      json_object_get_string(jget(d, "layers", "test", "test_test_reltime", NULL)), "0.000219000");
  /* two notes in the layer (one on it, one under test.none): an array */
  json_object *eke = jget(d, "layers", "test", "_ws_expert", NULL);
  CU_ASSERT_EQUAL(json_object_array_length(eke), 2);
  CU_ASSERT_EQUAL(json_object_get_int(jget(json_object_array_get_idx(eke, 0),
                                           "_ws_expert__ws_expert_severity", NULL)),
                  0x00800000);
  CU_ASSERT_TRUE(json_object_is_type(
      jget(json_object_array_get_idx(eke, 0), "_ws__ws_malformed", NULL), json_type_string));
  json_object_put(d);
  free(ek);

  /* the compact form of the same packet */
  json_object *c = dx_packet_to_json_form(p, DX_JSON_PACKETS);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  json_object *test = jget(c, "layers", "test", NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(test);
  CU_ASSERT_EQUAL(json_object_get_int(jget(test, "test.u8hex", NULL)), 6);
  CU_ASSERT_EQUAL(json_object_get_int(jget(test, "test.u16hex", NULL)), 0x0800);
  CU_ASSERT_EQUAL(json_object_get_uint64(jget(test, "test.u64", NULL)), UINT64_MAX);
  CU_ASSERT_EQUAL(json_object_get_uint64(jget(test, "test.u64hex", NULL)), 0x8000000000000000ull);
  CU_ASSERT_TRUE(json_object_is_type(jget(test, "test.bool", NULL), json_type_boolean));
  CU_ASSERT_TRUE(json_object_get_boolean(jget(test, "test.bool", NULL)));
  CU_ASSERT_FALSE(json_object_get_boolean(jget(test, "test.boolmask", NULL)));
  CU_ASSERT_EQUAL(json_object_get_int(jget(test, "test.i32", NULL)), -5);
  CU_ASSERT_EQUAL(json_object_get_int64(jget(test, "test.i64", NULL)), INT64_MIN);
  /* a field that occurs three times: an array, in order */
  json_object *dbl = jget(test, "test.double", NULL);
  CU_ASSERT_TRUE(json_object_is_type(dbl, json_type_array));
  CU_ASSERT_EQUAL(json_object_array_length(dbl), 3);
  CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(json_object_array_get_idx(dbl, 0)), 0.1, 0);
  CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(json_object_array_get_idx(dbl, 1)), -1e300, 0);
  CU_ASSERT_TRUE(json_object_is_type(json_object_array_get_idx(dbl, 2), json_type_double));
  json_object *strs = jget(test, "test.string", NULL);
  CU_ASSERT_EQUAL(json_object_array_length(strs), 2);
  CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_array_get_idx(strs, 1)), "");
  CU_ASSERT_STRING_EQUAL(json_object_get_string(jget(test, "test.ipv6", NULL)), "2001:db8::1");
  CU_ASSERT_STRING_EQUAL(json_object_get_string(jget(test, "test.ipv4", NULL)), "127.0.0.1");
  CU_ASSERT_STRING_EQUAL(json_object_get_string(jget(test, "test.ether", NULL)),
                         "00:11:22:aa:bb:cc");
  json_object *bytes = jget(test, "test.bytes", NULL);
  CU_ASSERT_EQUAL(json_object_array_length(bytes), 2);
  CU_ASSERT_EQUAL(strlen(json_object_get_string(json_object_array_get_idx(bytes, 1))),
                  2 * sizeof big);
  CU_ASSERT_EQUAL(strncmp(json_object_get_string(json_object_array_get_idx(bytes, 1)),
                          "000102030405060708090a0b0c0d0e0f101112", 38),
                  0);
  /* exact times: epoch seconds with nine decimals, ISO 8601 for dates */
  CU_ASSERT_STRING_EQUAL(json_object_get_string(jget(test, "test.abstime", NULL)),
                         "1700000000.123456000");
  CU_ASSERT_STRING_EQUAL(json_object_get_string(jget(test, "test.reltime", NULL)), "0.000219000");
  CU_ASSERT_EQUAL(json_object_get_int(jget(test, "test.framenum", NULL)), 7);
  /* value names beside the values, lined up (null: no name) */
  json_object *vals = jget(test, "test.u16vals", NULL),
              *names = jget(test, "test.u16vals#name", NULL);
  CU_ASSERT_EQUAL(json_object_array_length(vals), 2);
  CU_ASSERT_EQUAL(json_object_array_length(names), 2);
  CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_array_get_idx(names, 0)), "One");
  CU_ASSERT_TRUE(json_object_is_type(json_object_array_get_idx(names, 1), json_type_null));
  /* a value with children: NAME and NAME_tree */
  CU_ASSERT_EQUAL(json_object_get_int(jget(test, "test.u16hexdec", NULL)), 0x1234);
  CU_ASSERT_EQUAL(json_object_get_int(jget(test, "test.u16hexdec_tree", "test.u8mask", NULL)), 3);
  /* the generated node is there, the hidden one is not */
  CU_ASSERT_EQUAL(json_object_get_int(jget(test, "test.u16dec", NULL)), 42);
  /* no names for booleans, none for a value without one */
  CU_ASSERT_PTR_NULL(jget(test, "test.bool#name", NULL));
  CU_ASSERT_PTR_NULL(jget(test, "test.u16hex#name", NULL));
  /* expert notes: _ws.expert, with Wireshark's severity number and name */
  json_object *ex = jget(test, "_ws.expert", NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(ex);
  /* the note's own field has no value: its label (the message, escaped
   * for a terminal as labels are) */
  CU_ASSERT_STRING_EQUAL(json_object_get_string(jget(ex, "_ws.malformed", NULL)),
                         "[Malformed: bad \\033 value]");
  CU_ASSERT_EQUAL(json_object_get_int(jget(ex, "_ws.expert.severity", NULL)), 0x00800000);
  CU_ASSERT_STRING_EQUAL(json_object_get_string(jget(ex, "_ws.expert.severity#name", NULL)),
                         "Error");
  const char *msg = json_object_get_string(jget(ex, "_ws.expert.message", NULL));
  CU_ASSERT_TRUE(msg && strstr(msg, "Malformed: bad ") && strstr(msg, " value"));
  /* a node without a value but with children (the truncated label node
   * carries its expert note): an object */
  CU_ASSERT_PTR_NOT_NULL(jget(test, "test.none", "_ws.expert", NULL));
  json_object_put(c);
  dx_packet_free(p);
}

/* Times are exact: nanoseconds as digits, never a binary double
 * (0.000971 is 0.00097099999999999997 as the closest double). */
static void test_json_times(void) {
  dx_packet *p = odd_packet();
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  dx_tvb t = dx_packet_frame_tvb(p);
  dx_node *proto = dx_add_proto(p, dx_packet_root_mut(p), &tf[T_PROTO], &t, 14, 16);
  dx_add_time(p, proto, &tf[T_RELTIME], &t, 0, 0, 0, 971000);
  dx_add_time(p, proto, &tf[T_RELTIME], &t, 0, 0, -1, 999781000); /* -0.000219 */
  dx_add_time(p, proto, &tf[T_RELTIME], &t, 0, 0, 12, 5);
  dx_add_time(p, proto, &tf[T_RELTIME], &t, 0, 0, 0, -1250000);   /* -0.00125 */
  dx_add_time(p, proto, &tf[T_RELTIME], &t, 0, 0, -2, 0);         /* -2 */
  dx_add_time(p, proto, &tf[T_RELTIME], &t, 0, 0, 5, 1500000000); /* 6.5 */
  dx_add_time(p, proto, &tf[T_ABSTIME], &t, 0, 0, 1795335945, 871278000);
  dx_add_time(p, proto, &tf[T_ABSUTC], &t, 0, 0, 1795335945, 871278000);
  dx_add_time(p, proto, &tf[T_ABSUTC], &t, 0, 0, 0, 0);
  dx_add_time(p, proto, &tf[T_ABSUTC], &t, 0, 0, 253402300800, 7); /* `date -u -d @N` */
  dx_add_time(p, proto, &tf[T_ABSUTC], &t, 0, 0, -1, 999999999);
  static const char *const forms[] = {"compact", "tree", "ek"};
  for (int form = 0; form < 3; form++) {
    size_t len = 0;
    char *text = stream_form(p, (dx_json_form)form, 0, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    const char *want[] = {"\"0.000971000\"",
                          "\"-0.000219000\"",
                          "\"12.000000005\"",
                          "\"-0.001250000\"",
                          "\"-2.000000000\"",
                          "\"6.500000000\"",
                          form == DX_JSON_EK ? "\"2026-11-22T08:25:45.871278000Z\""
                                             : "\"1795335945.871278000\"",
                          "\"2026-11-22T08:25:45.871278000Z\"",
                          "\"1970-01-01T00:00:00.000000000Z\"",
                          "\"10000-01-01T00:00:00.000000007Z\"",
                          "\"1969-12-31T23:59:59.999999999Z\""};
    for (size_t i = 0; i < DX_ARRAY_LEN(want); i++) {
      CU_ASSERT_PTR_NOT_NULL(strstr(text, want[i]));
      if (!strstr(text, want[i]))
        fprintf(stderr, "\n%s: no %s in %.300s\n", forms[form], want[i], text);
    }
    CU_ASSERT_PTR_NULL(strstr(text, "0.00097099"));
    /* the packet's own times, too */
    if (form == DX_JSON_TREE) {
      const char *te = strstr(text, "\"time_epoch\":\"1700000000.");
      CU_ASSERT_TRUE(te && strspn(te + 25, "0123456789") == 9 && te[34] == '"');
      const char *tr = strstr(text, "\"time_relative\":\"");
      CU_ASSERT_TRUE(tr && strchr(tr + 17, '.') &&
                     strspn(strchr(tr + 17, '.') + 1, "0123456789") == 9);
    }
    free(text);
  }
  dx_packet_free(p);
}

/* json-c's parser with room for any depth. */
static json_object *parse_deep(const char *text) {
  json_tokener *tok = json_tokener_new_ex(2000);
  json_object *o = json_tokener_parse_ex(tok, text, (int)strlen(text));
  if (json_tokener_get_error(tok) != json_tokener_success) {
    json_object_put(o);
    o = NULL;
  }
  json_tokener_free(tok);
  return o;
}

/* A tree deeper than the writers follow (100 levels, repeated fields at
 * each): every form stays valid JSON, the streamed tree equals json-c's. */
static void test_json_deep(void) {
  dx_packet *p = odd_packet();
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  dx_tvb t = dx_packet_frame_tvb(p);
  dx_node *n = dx_add_proto(p, dx_packet_root_mut(p), &tf[T_PROTO], &t, 14, 16);
  for (int i = 0; i < 100; i++) {
    dx_add_uint(p, n, &tf[T_U16VALS], &t, 14, 2, 1);
    dx_add_uint(p, n, &tf[T_U16VALS], &t, 14, 2, 2);
    dx_node *v = dx_add_uint(p, n, &tf[T_U16HEXDEC], &t, 14, 2, (uint64_t)i);
    dx_add_uint(p, n, &tf[T_U16HEXDEC], &t, 14, 2, 7);
    n = i % 2 ? dx_add_none(p, v, &tf[T_NONE], &t, 14, 2) : v;
  }
  for (int form = 0; form < 3; form++) {
    for (unsigned flags = 0; flags <= DX_JSON_PRETTY; flags++) {
      size_t len = 0;
      char *text = stream_form(p, (dx_json_form)form, flags, &len);
      CU_ASSERT_PTR_NOT_NULL_FATAL(text);
      if (form == DX_JSON_EK) {
        char *nl = strchr(text, '\n');
        CU_ASSERT_PTR_NOT_NULL_FATAL(nl);
        json_object *d = parse_deep(nl + 1);
        CU_ASSERT_PTR_NOT_NULL(d);
        json_object_put(d);
      } else {
        json_object *d = parse_deep(text);
        CU_ASSERT_PTR_NOT_NULL(d);
        if (form == DX_JSON_TREE) {
          json_object *o = dx_packet_to_json(p);
          CU_ASSERT_TRUE(json_object_equal(o, d));
          json_object_put(o);
        }
        json_object_put(d);
      }
      free(text);
    }
  }
  dx_packet_free(p);
}

/* dx_json_writer: the one-packet documents in an array (a packet a line),
 * or the ek lines one after the other; an empty capture is "[]". */
static void test_json_writer(void) {
  dx_session *s = NULL;
  dx_packet *pk[3];
  pk[0] = tu_dissect(&s, 1, dns_query, sizeof dns_query);
  pk[1] = tu_dissect(&s, 1, tcp_syn, sizeof tcp_syn);
  pk[2] = tu_dissect(&s, 1, odd_frame, sizeof odd_frame);
  for (int i = 0; i < 3; i++)
    CU_ASSERT_PTR_NOT_NULL_FATAL(pk[i]);
  for (int form = 0; form < 3; form++) {
    for (unsigned flags = 0; flags <= DX_JSON_PRETTY; flags++) {
      for (int npk = 0; npk <= 3; npk += 3) {
        char *buf = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&buf, &n);
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        dx_json_writer *w = NULL;
        CU_ASSERT_EQUAL(dx_json_writer_new(&w, f, (dx_json_form)form, flags), DX_OK);
        for (int i = 0; i < npk; i++)
          CU_ASSERT_EQUAL(dx_json_writer_write(w, pk[i]), DX_OK);
        CU_ASSERT_EQUAL(dx_json_writer_close(w), DX_OK);
        fclose(f);
        if (form == DX_JSON_EK) {
          /* the same bytes as the one-packet writer, packet after packet */
          char *want = NULL;
          size_t wn = 0;
          FILE *g = open_memstream(&want, &wn);
          for (int i = 0; i < npk; i++)
            dx_write_ek(g, pk[i]);
          fclose(g);
          CU_ASSERT_EQUAL(n, wn);
          CU_ASSERT_TRUE(n == wn && memcmp(buf, want, n) == 0);
          free(want);
          free(buf);
          continue;
        }
        if (npk == 0)
          CU_ASSERT_STRING_EQUAL(buf, "[]\n");
        json_object *arr = json_tokener_parse(buf);
        CU_ASSERT_TRUE(json_object_is_type(arr, json_type_array));
        CU_ASSERT_EQUAL(json_object_array_length(arr), (size_t)npk);
        for (int i = 0; i < npk && arr; i++) {
          json_object *one = form == DX_JSON_TREE ? dx_packet_to_json(pk[i])
                                                  : dx_packet_to_json_form(pk[i], DX_JSON_PACKETS);
          CU_ASSERT_TRUE(json_object_equal(json_object_array_get_idx(arr, (size_t)i), one));
          json_object_put(one);
        }
        json_object_put(arr);
        if (!flags && npk) { /* a packet a line */
          size_t lines = 0;
          for (size_t i = 0; i < n; i++)
            lines += buf[i] == '\n';
          CU_ASSERT_EQUAL(lines, (size_t)npk + 2);
        }
        free(buf);
      }
    }
  }
  dx_json_writer *w = (dx_json_writer *)1;
  CU_ASSERT_EQUAL(dx_json_writer_new(&w, stdout, (dx_json_form)7, 0), DX_EINVAL);
  CU_ASSERT_PTR_NULL(w);
  CU_ASSERT_EQUAL(dx_json_writer_new(&w, NULL, DX_JSON_PACKETS, 0), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_json_writer_close(NULL), DX_OK);
  for (int i = 0; i < 3; i++)
    dx_packet_free(pk[i]);
  dx_session_free(s);
}

static void test_value_formats(void) {
  dx_packet *p = odd_packet();
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  dx_tvb t = dx_packet_frame_tvb(p);
  dx_node *r = dx_packet_root_mut(p);
  /* Integers with BASE_HEX are zero-padded to the width of their type, as
   * tshark prints eth.type "0x0800", ip.dsfield "0x00", tcp.flags "0x0012". */
  CHECK_STR(value_of(dx_add_uint(p, r, &tf[T_U8HEX], &t, 0, 1, 0x06)), "0x06");
  CHECK_STR(value_of(dx_add_uint(p, r, &tf[T_U16HEX], &t, 0, 2, 0x0800)), "0x0800");
  CHECK_STR(value_of(dx_add_uint(p, r, &tf[T_U24HEX], &t, 0, 3, 0xabc)), "0x000abc");
  CHECK_STR(value_of(dx_add_uint(p, r, &tf[T_U32HEX], &t, 0, 4, 1)), "0x00000001");
  /* and 64-bit ones as wide as their type (tshark 4.0's
   * stun.att.ms.multiplexed_turn_session_id: "0x0001030405000000"), but
   * those with value names in decimal: tshark 4.0 gives quic.frame_type
   * (FT_UINT64, BASE_HEX) as "6" and http3.stream_type as "0,3,2" on
   * samples/quic-h3.pcap */
  CHECK_STR(value_of(dx_add_uint(p, r, &tf[T_U64HEX], &t, 0, 8, 0xff)), "0x00000000000000ff");
  CHECK_STR(value_of(dx_add_uint(p, r, &tf[T_U64HEXV], &t, 0, 8, 0xff)), "255");
  CHECK_STR(value_of(dx_add_uint(p, r, &tf[T_U16DEC], &t, 0, 2, 443)), "443");
  /* BASE_DEC_HEX prints decimal in fields, BASE_HEX_DEC hex */
  CHECK_STR(value_of(dx_add_uint(p, r, &tf[T_U16DECHEX], &t, 0, 2, 443)), "443");
  CHECK_STR(value_of(dx_add_uint(p, r, &tf[T_U16HEXDEC], &t, 0, 2, 443)), "0x01bb");
  CHECK_STR(value_of(dx_add_uint(p, r, &tf[T_U32OCT], &t, 0, 4, 0755)), "0755");
  /* value names do not change -T fields output */
  CHECK_STR(value_of(dx_add_uint(p, r, &tf[T_U16VALS], &t, 0, 2, 2)), "2");
  CHECK_STR(value_of(dx_add_uint(p, r, &tf[T_U64], &t, 0, 8, UINT64_MAX)), "18446744073709551615");
  /* tshark 4.0 prints booleans as 1/0 */
  CHECK_STR(value_of(dx_add_uint(p, r, &tf[T_BOOL], &t, 0, 1, 1)), "1");
  CHECK_STR(value_of(dx_add_uint(p, r, &tf[T_BOOL], &t, 0, 1, 0)), "0");
  CHECK_STR(value_of(dx_add_uint(p, r, &tf[T_BOOLMASK], &t, 0, 1, 1)), "1");
  CHECK_STR(value_of(dx_add_int(p, r, &tf[T_I32], &t, 0, 4, -5)), "-5");
  CHECK_STR(value_of(dx_add_int(p, r, &tf[T_I64], &t, 0, 8, INT64_MIN)), "-9223372036854775808");
  CHECK_STR(value_of(dx_add_double(p, r, &tf[T_DOUBLE], &t, 0, 8, 1.5)), "1.5");
  CHECK_STR(value_of(dx_add_uint(p, r, &tf[T_IPV4], &t, 0, 4, 0x7f000001)), "127.0.0.1");
  CHECK_STR(value_of(dx_add_uint(p, r, &tf[T_IPV4], &t, 0, 4, 0xc0a80aff)), "192.168.10.255");
  /* IPv6: compressed as RFC 5952 says (longest run of zeros, the first of
   * equal runs, lowercase) */
  static const uint8_t v6a[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  static const uint8_t v6b[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1};
  static const uint8_t v6c[16] = {0xfe, 0x80, 0,    0,    0,    0,    0,    0,
                                  0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55};
  static const uint8_t v6d[16] = {0};
  static const uint8_t v6e[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
  CHECK_STR(value_of(dx_add_bytes_val(p, r, &tf[T_IPV6], &t, 0, 16, v6a, 16)), "::1");
  CHECK_STR(value_of(dx_add_bytes_val(p, r, &tf[T_IPV6], &t, 0, 16, v6b, 16)), "2001:db8::1:0:0:1");
  CHECK_STR(value_of(dx_add_bytes_val(p, r, &tf[T_IPV6], &t, 0, 16, v6c, 16)),
            "fe80::211:22ff:fe33:4455");
  CHECK_STR(value_of(dx_add_bytes_val(p, r, &tf[T_IPV6], &t, 0, 16, v6d, 16)), "::");
  CHECK_STR(value_of(dx_add_bytes_val(p, r, &tf[T_IPV6], &t, 0, 16, v6e, 16)), "2001:db8:0:1::1");
  static const uint8_t mac[6] = {0x00, 0x11, 0x22, 0xaa, 0xbb, 0xcc};
  CHECK_STR(value_of(dx_add_bytes_val(p, r, &tf[T_ETHER], &t, 0, 6, mac, 6)), "00:11:22:aa:bb:cc");
  static const uint8_t by[4] = {0xde, 0xad, 0xbe, 0xef};
  CHECK_STR(value_of(dx_add_bytes_val(p, r, &tf[T_BYTES], &t, 0, 4, by, 4)), "deadbeef");
  CHECK_STR(value_of(dx_add_bytes_val(p, r, &tf[T_BYTES], &t, 0, 0, by, 0)), "");
  /* times: 9 decimals (frame.time_relative "0.000219000",
   * frame.time_epoch "1700000000.123456000") */
  CHECK_STR(value_of(dx_add_time(p, r, &tf[T_RELTIME], &t, 0, 0, 0, 219000)), "0.000219000");
  CHECK_STR(value_of(dx_add_time(p, r, &tf[T_RELTIME], &t, 0, 0, 1, 5)), "1.000000005");
  CHECK_STR(value_of(dx_add_time(p, r, &tf[T_RELTIME], &t, 0, 0, 0, 0)), "0.000000000");
  CHECK_STR(value_of(dx_add_time(p, r, &tf[T_ABSTIME], &t, 0, 0, 1700000000, 123456000)),
            "1700000000.123456000");
  CHECK_STR(value_of(dx_add_uint(p, r, &tf[T_FRAMENUM], &t, 0, 0, 12)), "12");
  CHECK_STR(value_of(dx_add_string(p, r, &tf[T_STRING], &t, 0, 3, "abc", 3)), "abc");
  /* nodes without values format as "" */
  CHECK_STR(value_of(dx_add_none(p, r, &tf[T_NONE], &t, 0, 0)), "");
  CHECK_STR(value_of(dx_add_proto(p, r, &tf[T_PROTO], &t, 0, 0)), "");
  /* strings never carry control bytes out */
  const char *v = value_of(dx_add_string(p, r, &tf[T_STRING], &t, 0, 4, "a\x1b\x07z", 4));
  CU_ASSERT_FALSE(has_control_byte(v, strlen(v), 0));
  CU_ASSERT_EQUAL(v[0], 'a');
  CU_ASSERT_EQUAL(v[strlen(v) - 1], 'z');
  /* dx_node_value returns the length it needed, like snprintf */
  char small[4];
  dx_node *n = dx_add_uint(p, r, &tf[T_U32HEX], &t, 0, 4, 1);
  CU_ASSERT_EQUAL(dx_node_value(n, small, sizeof small), 10);
  CU_ASSERT_EQUAL(strlen(small), 3);
  CU_ASSERT_EQUAL(dx_node_value(n, NULL, 0), 10);
  CU_ASSERT_EQUAL(dx_node_value(NULL, small, sizeof small), 0);
  dx_packet_free(p);
}

static void test_labels(void) {
  dx_packet *p = odd_packet();
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  dx_tvb t = dx_packet_frame_tvb(p);
  dx_node *r = dx_packet_root_mut(p);
  /* as tshark -V: "Type: IPv4 (0x0800)", "Source Port: 443",
   * "Length: 443 (0x01bb)", ".... ..1. = Flag: Set" */
  CHECK_STR(label_of(dx_add_uint(p, r, &tf[T_U16DEC], &t, 0, 2, 443)), "U16 dec: 443");
  CHECK_STR(label_of(dx_add_uint(p, r, &tf[T_U16DECHEX], &t, 0, 2, 443)),
            "U16 dec-hex: 443 (0x01bb)");
  CHECK_STR(label_of(dx_add_uint(p, r, &tf[T_U16HEXDEC], &t, 0, 2, 443)),
            "U16 hex-dec: 0x01bb (443)");
  CHECK_STR(label_of(dx_add_uint(p, r, &tf[T_U16VALS], &t, 0, 2, 2)), "U16 vals: Two (2)");
  CHECK_STR(label_of(dx_add_uint(p, r, &tf[T_U16VALS], &t, 0, 2, 9)), "U16 vals: Unknown (9)");
  CHECK_STR(label_of(dx_add_uint(p, r, &tf[T_U8MASK], &t, 0, 1, 4)), "0100 .... = Nibble: 4");
  CHECK_STR(label_of(dx_add_proto(p, r, &tf[T_PROTO], &t, 0, 0)), "Test Protocol");
  CHECK_STR(label_of(dx_add_time(p, r, &tf[T_RELTIME], &t, 0, 0, 0, 219000)),
            "Rel time: 0.000219000 seconds");
  dx_node *g = dx_add_uint(p, r, &tf[T_U16DEC], &t, 0, 0, 7);
  dx_node_set_flags(g, DX_NODE_GENERATED);
  CHECK_STR(label_of(g), "[U16 dec: 7]");
  dx_node *c = dx_add_none(p, r, &tf[T_NONE], &t, 0, 0);
  dx_node_set_text(p, c, "Name: %s", "x\x1by");
  const char *l = label_of(c);
  CU_ASSERT_FALSE(has_control_byte(l, strlen(l), 0));
  l = label_of(dx_add_string(p, r, &tf[T_STRING], &t, 0, 4, "\x1b[2J", 4));
  CU_ASSERT_FALSE(has_control_byte(l, strlen(l), 0));
  dx_packet_free(p);
}

/* The labels built from pieces (dx_node_set_text_sb, _cat, _static) are
 * those the format would give: the same text, the same cut at
 * DX_LABEL_MAX - 1 bytes, escaped alike when shown. */
static void test_labels_from_pieces(void) {
  dx_packet *p = odd_packet();
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  dx_tvb t = dx_packet_frame_tvb(p);
  dx_node *r = dx_packet_root_mut(p);
  dx_node *a = dx_add_none(p, r, &tf[T_NONE], &t, 0, 0);
  dx_node *b = dx_add_none(p, r, &tf[T_NONE], &t, 0, 0);
  char want[512];
  dx_node_set_text(p, a, "Frame %llu: %u bytes on wire (%u bits), id %u%s", 12345678901ull, 74u,
                   592u, 0u, " (inbound)");
  snprintf(want, sizeof want, "%s", label_of(a));
  char lb[DX_LABEL_MAX];
  dx_sb sb;
  dx_sb_init(&sb, lb, sizeof lb);
  dx_sb_kv(&sb, "Frame ", 12345678901ull);
  dx_sb_kv(&sb, ": ", 74);
  dx_sb_kv(&sb, " bytes on wire (", 592);
  dx_sb_kv(&sb, " bits), id ", 0);
  dx_sb_str(&sb, " (inbound)");
  dx_node_set_text_sb(p, b, &sb);
  CHECK_STR(label_of(b), want);
  CHECK_STR(want, "Frame 12345678901: 74 bytes on wire (592 bits), id 0 (inbound)");
  /* strings one after the other */
  dx_node_set_text_cat(p, b, "Ethernet II, Src: ", "a", ", Dst: ", "b", NULL);
  CHECK_STR(label_of(b), "Ethernet II, Src: a, Dst: b");
  /* a control byte from the packet is escaped when shown, as with a format */
  dx_node_set_text_cat(p, b, "Name: ", "x\x1by", NULL);
  const char *l = label_of(b);
  CU_ASSERT_FALSE(has_control_byte(l, strlen(l), 0));
  /* cut where the format's label is cut */
  static char big[3000];
  memset(big, 'z', sizeof big - 1);
  dx_node_set_text(p, a, "%s%s", "Long: ", big);
  dx_node_set_text_cat(p, b, "Long: ", big, NULL);
  char la[DX_LABEL_MAX + 16], lbl[DX_LABEL_MAX + 16];
  size_t na = dx_node_label(a, la, sizeof la), nb = dx_node_label(b, lbl, sizeof lbl);
  CU_ASSERT_EQUAL(na, nb);
  CU_ASSERT_EQUAL(na, DX_LABEL_MAX - 1);
  CU_ASSERT_STRING_EQUAL(la, lbl);
  /* a field's own label, not copied */
  dx_node_set_text_static(p, b, tf[T_NONE].label);
  CU_ASSERT_PTR_EQUAL(b->text, tf[T_NONE].label);
  CHECK_STR(label_of(b), "Just a label");
  dx_packet_free(p);
}

static void test_escape(void) {
  char buf[64];
  static const uint8_t in[] = {'a', 0x1b, '\\', '\n', '\t', '\r', 0x7f, 0x80, 0x00, 'z'};
  size_t n = dx_escape(in, sizeof in, buf, sizeof buf);
  /* the backslash passes as it is, as tshark 4.0 shows it (-V "Request
   * URI: /a\b" and -T fields "/a\b" for a request of GET /a\b) */
  CU_ASSERT_STRING_EQUAL(buf, "a\\033\\\\n\\t\\r\\177\xef\xbf\xbd\\000z");
  CU_ASSERT_EQUAL(n, strlen(buf));
  /* printable ASCII passes unchanged */
  n = dx_escape((const uint8_t *)"Hello, World! ~", 15, buf, sizeof buf);
  CU_ASSERT_STRING_EQUAL(buf, "Hello, World! ~");
  CU_ASSERT_EQUAL(n, 15);
  /* a small buffer: NUL-terminated, never overrun, returns the length needed */
  char tiny[6];
  memset(tiny, 'Q', sizeof tiny);
  n = dx_escape(in, sizeof in, tiny, 5);
  CU_ASSERT_EQUAL(n, strlen("a\\033\\\\n\\t\\r\\177\xef\xbf\xbd\\000z"));
  CU_ASSERT_EQUAL(strlen(tiny), 4);
  CU_ASSERT_EQUAL(tiny[5], 'Q');
  CU_ASSERT_FALSE(has_control_byte(tiny, strlen(tiny), 0));
  CU_ASSERT_EQUAL(dx_escape(in, sizeof in, NULL, 0), n);
  CU_ASSERT_EQUAL(dx_escape(in, 0, buf, sizeof buf), 0);
  CU_ASSERT_STRING_EQUAL(buf, "");
  /* every byte value: no control byte out, valid UTF-8 (the bytes of 0x80
   * and more are U+FFFD) */
  uint8_t all[256];
  for (int i = 0; i < 256; i++)
    all[i] = (uint8_t)i;
  char out[1100];
  n = dx_escape(all, sizeof all, out, sizeof out);
  CU_ASSERT(n < sizeof out);
  CU_ASSERT_FALSE(has_control_byte(out, n, 0));
  CU_ASSERT_TRUE(utf8_valid((const unsigned char *)out, n));
}

/* The text writers: no control byte from the packet reaches the output. */
static void test_text_writers_safe(void) {
  dx_packet *p = odd_packet();
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  dx_tvb t = dx_packet_frame_tvb(p);
  dx_node *proto = dx_add_proto(p, dx_packet_root_mut(p), &tf[T_PROTO], &t, 14, 16);
  dx_add_string(p, proto, &tf[T_STRING], &t, 14, 16, (const char *)odd_frame + 14,
                sizeof odd_frame - 14);
  dx_col_set_proto(p, "TEST");
  dx_col_info_set(p, "info %s", "\x1b[2J\x07 bell");
  writer_fn writers[] = {dx_write_summary, dx_write_tree, dx_write_hex};
  for (size_t i = 0; i < DX_ARRAY_LEN(writers); i++) {
    size_t len = 0;
    char *s = capture_writer(writers[i], p, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT(len > 0);
    CU_ASSERT_FALSE(has_control_byte(s, len, 1));
    CU_ASSERT_TRUE(utf8_valid((const unsigned char *)s, len));
    free(s);
  }
  size_t len = 0;
  char *hex = capture_writer(dx_write_hex, p, &len);
  CU_ASSERT_PTR_NOT_NULL_FATAL(hex);
  /* tshark -x layout: "0000  02 00 00 00 00 02 02 00 00 00 00 01 88 b5 1b 5b  " */
  CU_ASSERT_EQUAL(strncmp(hex, "0000  02 00 00 00 00 02 02 00 00 00 00 01 88 b5 1b 5b", 53), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(hex, "\n0010  "));
  free(hex);
  dx_packet_free(p);
}

static void cleanup(void) {
  dx_session_free(g_sess);
  g_sess = NULL;
}

/* Printable UTF-8 passes (tshark shows tcp.flags.str as "··········S·");
 * C1 controls are escaped; an overlong form is read as its code point, a
 * surrogate, a stray byte or a cut-short sequence is one U+FFFD, as tshark
 * 4.0's format_text() shows them (-V "Name: s/t" for s\xc0\xaft). */
static void test_escape_utf8(void) {
  char buf[128];
  dx_escape((const uint8_t *)"\xc2\xb7S\xc2\xb7", 5, buf, sizeof buf);
  CU_ASSERT_STRING_EQUAL(buf, "\xc2\xb7S\xc2\xb7");
  /* U+00E9, U+2192, U+1F600 */
  dx_escape((const uint8_t *)"\xc3\xa9\xe2\x86\x92\xf0\x9f\x98\x80", 9, buf, sizeof buf);
  CU_ASSERT_STRING_EQUAL(buf, "\xc3\xa9\xe2\x86\x92\xf0\x9f\x98\x80");
  /* U+009B (CSI as a C1 control): tshark -T fields -e dns.qry.name shows
   * "a\u009Bb.com" for the name a<U+009B>b.com */
  dx_escape((const uint8_t *)"\xc2\x9b", 2, buf, sizeof buf);
  CU_ASSERT_STRING_EQUAL(buf, "\\u009B");
  /* overlong '/', a surrogate (U+D800), a cut-short 3-byte form, a lone 0xff */
  dx_escape((const uint8_t *)"\xc0\xaf", 2, buf, sizeof buf);
  CU_ASSERT_STRING_EQUAL(buf, "/");
  dx_escape((const uint8_t *)"\xed\xa0\x80", 3, buf, sizeof buf);
  CU_ASSERT_STRING_EQUAL(buf, "\xef\xbf\xbd");
  dx_escape((const uint8_t *)"\xe2\x86", 2, buf, sizeof buf);
  CU_ASSERT_STRING_EQUAL(buf, "\xef\xbf\xbd");
  dx_escape((const uint8_t *)"a\xff"
                             "b",
            3, buf, sizeof buf);
  CU_ASSERT_STRING_EQUAL(buf, "a\xef\xbf\xbd"
                              "b");
  /* U+10FFFF + 1 in four bytes: one U+FFFD; "\xe2\x86" then 'v' */
  dx_escape((const uint8_t *)"\xf4\x90\x80\x80w\xe2\x86v", 8, buf, sizeof buf);
  CU_ASSERT_STRING_EQUAL(buf, "\xef\xbf\xbdw\xef\xbf\xbdv");
  CU_ASSERT_EQUAL(dx_escape_unit((const uint8_t *)"\xf4\x90\x80\x80w", 5), 4);
  CU_ASSERT_EQUAL(dx_escape_unit((const uint8_t *)"\xe2\x86v", 3), 2);
  CU_ASSERT_EQUAL(dx_escape_unit((const uint8_t *)"\x80\x80", 2), 1);
  CU_ASSERT_EQUAL(dx_escape_unit((const uint8_t *)"\x01", 1), 1);
}

/* Every byte of one string as tshark 4.0 shows it in -V labels, the Info
 * column and DNS names (format_text): the expected string is what
 * `tshark -n -r F -V` printed for a DNS query name and a User-Agent of
 * these bytes (checked by hand against the rules of dx_escape();
 * tests/differential/test_tshark_escape.sh compares the same with tshark). */
static void test_escape_format_text(void) {
  static const char in[] = "a\x01"
                           "b\x07"
                           "c\x08"
                           "d\x09"
                           "e\x0a"
                           "f\x0b"
                           "g\x0c"
                           "h\x0d"
                           "i\x1b"
                           "j\x7f"
                           "k\x80"
                           "l\xff"
                           "m\\n\xc3\xa9o\xe2\x80\xaep\xe2\x80\x8bq\xe2\x81\xa6r\xc2\x85s\xc0\xaft"
                           "\xed\xa0\x80u\xe2\x86v\xf4\x90\x80\x80w";
  static const char want[] =
      "a\\001b\\ac\\bd\\te\\nf\\vg\\fh\\ri\\033j\\177k\xef\xbf\xbdl\xef\xbf\xbd"
      "m\\n\xc3\xa9o\\u202Ep\\u200Bq\\u2066r\\u0085s/t\xef\xbf\xbdu\xef\xbf\xbd"
      "v\xef\xbf\xbdw";
  char buf[256];
  size_t n = dx_escape((const uint8_t *)in, sizeof in - 1, buf, sizeof buf);
  CU_ASSERT_STRING_EQUAL(buf, want);
  CU_ASSERT_EQUAL(n, sizeof want - 1);
}

/* Code points a terminal would not show as they are (C1 controls, bidi
 * controls, zero-width and other format characters, unassigned code points
 * and noncharacters) are escaped whole, as tshark 4.0.17 shows them: each
 * expected string below is what `tshark -T fields -e dns.qry.name` and
 * `tshark -V` printed for a DNS query for the name "a" CHAR "b.com" (a
 * capture made by a python script; tests/integration/test_oddfiles.sh
 * checks the same against tshark when it is installed). */
static void test_escape_invisible(void) {
  static const struct {
    uint32_t cp;
    const char *shown; /* as tshark showed the name */
  } cases[] = {
      {0x80, "a\\u0080b"},
      {0x85, "a\\u0085b"},
      {0x9f, "a\\u009Fb"},
      {0xa0, "a\xc2\xa0"
             "b"},
      {0xad, "a\\u00ADb"},
      {0x61c, "a\\u061Cb"},
      {0x600, "a\\u0600b"},
      {0x6dd, "a\\u06DDb"},
      {0x70f, "a\\u070Fb"},
      {0x180e, "a\\u180Eb"},
      {0x200b, "a\\u200Bb"},
      {0x200c, "a\\u200Cb"},
      {0x200d, "a\\u200Db"},
      {0x200e, "a\\u200Eb"},
      {0x200f, "a\\u200Fb"},
      {0x2028, "a\xe2\x80\xa8"
               "b"},
      {0x2029, "a\xe2\x80\xa9"
               "b"},
      {0x202a, "a\\u202Ab"},
      {0x202b, "a\\u202Bb"},
      {0x202c, "a\\u202Cb"},
      {0x202d, "a\\u202Db"},
      {0x202e, "a\\u202Eb"},
      {0x2060, "a\\u2060b"},
      {0x2061, "a\\u2061b"},
      {0x2062, "a\\u2062b"},
      {0x2063, "a\\u2063b"},
      {0x2064, "a\\u2064b"},
      {0x2065, "a\\u2065b"},
      {0x2066, "a\\u2066b"},
      {0x2067, "a\\u2067b"},
      {0x2068, "a\\u2068b"},
      {0x2069, "a\\u2069b"},
      {0x206a, "a\\u206Ab"},
      {0x206f, "a\\u206Fb"},
      {0x3000, "a\xe3\x80\x80"
               "b"},
      {0xe000, "a\xee\x80\x80"
               "b"},
      {0xfeff, "a\\uFEFFb"},
      {0xfff9, "a\\uFFF9b"},
      {0xfffb, "a\\uFFFBb"},
      {0xfffc, "a\xef\xbf\xbc"
               "b"},
      {0xfffd, "a\xef\xbf\xbd"
               "b"},
      {0xfffe, "a\\uFFFEb"},
      {0xffff, "a\\uFFFFb"},
      {0x378, "a\\u0378b"},
      {0x34f, "a\xcd\x8f"
              "b"},
      {0x110bd, "a\\U000110BDb"},
      {0x1d173, "a\\U0001D173b"},
      {0xe0001, "a\\U000E0001b"},
      {0xe0020, "a\\U000E0020b"},
      {0xe007f, "a\\U000E007Fb"},
      {0xf0000, "a\xf3\xb0\x80\x80"
                "b"},
      {0x10ffff, "a\\U0010FFFFb"},
  };
  for (size_t i = 0; i < DX_ARRAY_LEN(cases); i++) {
    uint8_t in[8];
    size_t n = 0;
    uint32_t cp = cases[i].cp;
    in[n++] = 'a';
    if (cp < 0x800) {
      in[n++] = (uint8_t)(0xc0 | cp >> 6);
    } else if (cp < 0x10000) {
      in[n++] = (uint8_t)(0xe0 | cp >> 12);
      in[n++] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
    } else {
      in[n++] = (uint8_t)(0xf0 | cp >> 18);
      in[n++] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
      in[n++] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
    }
    in[n++] = (uint8_t)(0x80 | (cp & 0x3f));
    in[n++] = 'b';
    char buf[32];
    size_t len = dx_escape(in, n, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, cases[i].shown);
    CU_ASSERT_EQUAL(len, strlen(cases[i].shown));
    if (strcmp(buf, cases[i].shown) != 0)
      fprintf(stderr, "\nU+%04X: got %s, tshark shows %s\n", (unsigned)cp, buf, cases[i].shown);
  }
  /* two in a row, each whole */
  char buf[32];
  dx_escape((const uint8_t *)"\xe2\x80\xae\xe2\x80\xae", 6, buf, sizeof buf);
  CU_ASSERT_STRING_EQUAL(buf, "\\u202E\\u202E");
}

/* Labels set as text by a dissector and the summary columns are escaped
 * the same way when written (tshark -V: "Name: a\u202Eb.com"). */
static void test_text_invisible(void) {
  dx_packet *p = odd_packet();
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  dx_tvb t = dx_packet_frame_tvb(p);
  dx_node *r = dx_packet_root_mut(p);
  dx_node *c = dx_add_none(p, r, &tf[T_NONE], &t, 0, 0);
  dx_node_set_text(p, c,
                   "Name: a\xe2\x80\xae"
                   "b\xe2\x81\xa6"
                   "c\xc2\x85"
                   "d\xf3\xa0\x80\x81");
  CHECK_STR(label_of(c), "Name: a\\u202Eb\\u2066c\\u0085d\\U000E0001");
  dx_col_set_proto(p, "TEST");
  dx_col_info_set(p, "query a\xe2\x80\xae"
                     "b.com");
  size_t len = 0;
  char *s = capture_writer(dx_write_summary, p, &len);
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_PTR_NOT_NULL(strstr(s, "query a\\u202Eb.com\n"));
  free(s);
  s = capture_writer(dx_write_tree, p, &len);
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_PTR_NOT_NULL(strstr(s, "Name: a\\u202Eb\\u2066c\\u0085d\\U000E0001\n"));
  free(s);
  dx_packet_free(p);
}

/* JSON: C0, DEL and C1 controls are escaped whatever their encoding (tshark
 * -T json passes a C1 character encoded as UTF-8 raw, e.g. the bytes c2 85
 * of json.value.string; the escape \u0085 is the same string), and so are
 * format characters (astral ones as a surrogate pair); a byte that starts
 * no UTF-8 sequence (0xf8: dissect wrote f8 88 80 raw) is a code point. */
static void test_json_controls(void) {
  dx_packet *p = odd_packet();
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  dx_tvb t = dx_packet_frame_tvb(p);
  static const char v[] = "a\x01"
                          "b\x7f"
                          "c\xc2\x85"
                          "d\xc2\x9f"
                          "e\x85"
                          "f\xe2\x80\xae"
                          "g\xf3\xa0\x80\x81"
                          "h\xc3\xa9"
                          "i\xf8\x88\x80"
                          "j\xff\xbf";
  dx_add_string(p, dx_packet_root_mut(p), &tf[T_STRING], &t, 0, 4, v, sizeof v - 1);
  size_t len = 0;
  char *text = stream_json(p, 0, &len);
  CU_ASSERT_PTR_NOT_NULL_FATAL(text);
  CU_ASSERT_PTR_NOT_NULL(
      strstr(text, "\"a\\u0001b\\u007fc\\u0085d\\u009fe\\u0085f\\u202eg\\udb40\\udc01h\xc3\xa9"
                   "i\\u00f8\\u0088\\u0080j\\u00ff\\u00bf\""));
  /* lead bytes 0xf5 to 0xff start no sequence: never written raw */
  CU_ASSERT_TRUE(utf8_valid((const unsigned char *)text, len));
  for (size_t i = 0; i + 1 < len; i++)
    CU_ASSERT_FALSE((unsigned char)text[i] == 0xc2 && (unsigned char)text[i + 1] < 0xa0);
  free(text);
  check_json_paths(p);
  dx_packet_free(p);
}

/* The fast paths of the writers against plain definitions (issue 11's
 * instruction counts): dx_plain_run as a byte loop, the decimal builders
 * as snprintf's %llu and %09d, IPv6 text as inet_ntop() writes it, asked
 * again and again (the formatter keeps the last addresses). Every length
 * 0..70 with a bad byte at every place, and pseudo-random cases. */
static size_t plain_ref(const uint8_t *s, size_t n) {
  size_t i = 0;
  while (i < n && s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\')
    i++;
  return i;
}

static uint64_t lcg(uint64_t *st) {
  *st = *st * 6364136223846793005ull + 1442695040888963407ull;
  return *st >> 17 ^ *st << 23;
}

static void test_fast_paths(void) {
  static const uint8_t bads[] = {0x00, 0x1f, 0x7f, 0x80, 0xff, '\\', 0x9f, 0xc3, 0x0a};
  uint8_t buf[96];
  for (size_t n = 0; n <= 70; n++) {
    for (size_t i = 0; i < n; i++)
      buf[i] = (uint8_t)(0x20 + (i * 7) % 60); /* 0x20..0x5b: no backslash */
    CU_ASSERT_EQUAL(dx_plain_run(buf, n), n);
    for (size_t at = 0; at < n; at++)
      for (size_t b = 0; b < sizeof bads; b++) {
        uint8_t keep = buf[at];
        buf[at] = bads[b];
        CU_ASSERT_EQUAL(dx_plain_run(buf, n), at);
        buf[at] = keep;
      }
  }
  uint64_t st = 11;
  for (int k = 0; k < 200000; k++) {
    size_t n = lcg(&st) % 80;
    for (size_t i = 0; i < n; i++)
      buf[i] = (uint8_t)(lcg(&st) % 8 ? 0x20 + lcg(&st) % 95 : lcg(&st) % 256);
    CU_ASSERT_EQUAL(dx_plain_run(buf, n), plain_ref(buf, n));
  }

  static const uint64_t vals[] = {
      0,     1,           9,          10,         99,
      100,   999,         1000,       9999,       10000,
      99999, 4294967295u, 4294967296, UINT64_MAX, 10000000000000000000ull};
  for (int k = 0; k < 200000; k++) {
    uint64_t v = k < (int)DX_ARRAY_LEN(vals) ? vals[k] : lcg(&st) >> (lcg(&st) % 64);
    char got[40], want[40];
    size_t cap = 1 + lcg(&st) % 30;
    dx_sb b;
    dx_sb_init(&b, got, cap);
    dx_sb_str(&b, "v=");
    dx_sb_u64(&b, v);
    snprintf(want, cap, "v=%llu", (unsigned long long)v);
    CU_ASSERT_STRING_EQUAL(got, want);
    CU_ASSERT_EQUAL(b.len, strlen(want));
    snprintf(want, sizeof want, "%llu|%lld|%09d", (unsigned long long)v, -(long long)(v >> 1),
             (int)(v % 1000000000));
    dx_snprintf(got, sizeof got, "%llu|%lld|%09d", (unsigned long long)v, -(long long)(v >> 1),
                (int)(v % 1000000000));
    CU_ASSERT_STRING_EQUAL(got, want);
  }

  /* a few hosts named again and again, and addresses met once */
  uint8_t hosts[8][16];
  for (int h = 0; h < 8; h++)
    for (int i = 0; i < 16; i++)
      hosts[h][i] = (uint8_t)(h < 4 ? (uint64_t)(i < 10 ? 0 : h * 17 + i) : lcg(&st));
  for (int k = 0; k < 50000; k++) {
    uint8_t a6[16];
    if (k % 3)
      memcpy(a6, hosts[lcg(&st) % 8], 16);
    else
      for (int i = 0; i < 16; i++)
        a6[i] = (uint8_t)(lcg(&st) % 4 ? 0 : lcg(&st)); /* runs of zero groups */
    dx_addr a;
    dx_addr_set(&a, DX_AT_IPV6, a6);
    char got[64], want[INET6_ADDRSTRLEN];
    size_t n = dx_addr_format(&a, got, sizeof got);
    CU_ASSERT_PTR_NOT_NULL_FATAL(inet_ntop(AF_INET6, a6, want, sizeof want));
    CU_ASSERT_STRING_EQUAL(got, want);
    CU_ASSERT_EQUAL(n, strlen(want));
    char small[8]; /* cut as snprintf cuts */
    CU_ASSERT_EQUAL(dx_addr_format(&a, small, sizeof small), strlen(want));
    CU_ASSERT_EQUAL(strncmp(small, want, sizeof small - 1), 0);
    CU_ASSERT_EQUAL(strlen(small), strlen(want) < sizeof small ? strlen(want) : sizeof small - 1);
  }
}

static CU_TestInfo tests[] = {
    {"json: both paths agree on frames and truncations", test_json_paths_frames},
    {"json: both paths agree on every type, strings escaped", test_json_paths_all_types},
    {"json: times exact in every form", test_json_times},
    {"json: the writer of whole captures", test_json_writer},
    {"json: a tree deeper than the writers follow", test_json_deep},
    {"value formats as tshark -T fields", test_value_formats},
    {"labels as tshark -V", test_labels},
    {"labels built from pieces", test_labels_from_pieces},
    {"dx_escape", test_escape},
    {"dx_escape as tshark's format_text", test_escape_format_text},
    {"dx_escape: printable UTF-8 passes, the rest is escaped", test_escape_utf8},
    {"dx_escape: invisible and bidi characters as tshark shows them", test_escape_invisible},
    {"text writers: invisible characters escaped whole", test_text_invisible},
    {"json: C0 and C1 controls escaped whatever their encoding", test_json_controls},
    {"text writers escape control bytes", test_text_writers_safe},
    {"fast paths: plain runs, decimals, IPv6 text", test_fast_paths},
    {"cleanup", cleanup},
    CU_TEST_INFO_NULL,
};

int main(void) {
  return tu_run("output", tests);
}
