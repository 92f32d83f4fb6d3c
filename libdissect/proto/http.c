/*
 * HTTP/1.0 and HTTP/1.1 (RFC 9110 semantics, RFC 9112 message syntax).
 *
 * Called by tcp.c on in-order stream bytes. One call may hold several
 * messages (keep-alive, pipelining) and may end inside one: then we ask
 * tcp.c to keep the bytes (p->desegment_offset/len) and are called again
 * with a reassembled buffer once more bytes came. A message is dissected,
 * and the connection state changed, only once it is complete, so the
 * repeated calls of desegmentation never count a message twice.
 *
 * Parsing follows curl's STRPARSE idea: every scan is bounded by an explicit
 * maximum (line length, number of header lines, header block size, number
 * of chunks), and every loop over packet bytes advances.
 *
 * Per-connection state (dx_app_data, kept by the byte stream): up to the
 * last HTTP_MAX_EXCH request/response exchanges (a ring that starts small)
 * and a bounded FIFO of requests waiting for a response, so each response is matched to its request
 * (pipelining), plus how many body bytes of each direction are still to come when a body is not
 * reassembled (too large for the TCP reassembly cap, or delimited by the end of the connection).
 */
#include "../core/dx.h"
#include "../core/stream.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http2.h"
#include "http_body.h"
#include "ocsp.h"

/* Caps. */
#define HTTP_MAX_LINE 8192u          /* one header line */
#define HTTP_MAX_LINES 200u          /* header lines shown per message */
#define HTTP_MAX_HEADER_BYTES 65536u /* a whole header block */
#define HTTP_MAX_CHUNK_LINE 1024u    /* chunk-size line with extensions */
#define HTTP_MAX_CHUNKS 65536u       /* chunks per message */
#define HTTP_MAX_TRAILERS 200u       /* trailer lines */
#define HTTP_MAX_MESSAGES 512u       /* messages in one call */
#define HTTP_MAX_EXCH 64u            /* exchanges remembered per connection */
#define HTTP_MAX_URI 1024u           /* full URI remembered per request */
#define HTTP_MAX_METHOD 32u
#define HTTP_CHUNK_EXACT_AFTER (256u << 10) /* see frame_message() */
#define HTTP_UNTIL_CLOSE UINT64_MAX

enum {
  F_HTTP,
  F_PROXY_HOST,
  F_PROXY_PORT,
  F_REQUEST,
  F_RESPONSE,
  F_NOTIFICATION,
  F_METHOD,
  F_URI,
  F_URI_PATH,
  F_URI_QUERY,
  F_URI_PARAM,
  F_REQ_VERSION,
  F_RESP_VERSION,
  F_CODE,
  F_CODE_DESC,
  F_PHRASE,
  F_REQ_LINE,
  F_RESP_LINE,
  F_FULL_URI,
  F_REQ_NUM,
  F_RESP_NUM,
  F_REQUEST_IN,
  F_PREV_REQ_IN,
  F_PREV_RESP_IN,
  F_TIME,
  F_RESP_FOR_URI,
  /* headers */
  F_H_AUTHORIZATION,
  F_H_PROXY_AUTHENTICATE,
  F_H_PROXY_AUTHORIZATION,
  F_H_WWW_AUTHENTICATE,
  F_H_CONTENT_TYPE,
  F_H_CONTENT_LENGTH,
  F_H_CONTENT_ENCODING,
  F_H_TRANSFER_ENCODING,
  F_H_UPGRADE,
  F_H_USER_AGENT,
  F_H_HOST,
  F_H_CONNECTION,
  F_H_COOKIE,
  F_H_ACCEPT,
  F_H_REFERER,
  F_H_ACCEPT_LANGUAGE,
  F_H_ACCEPT_ENCODING,
  F_H_DATE,
  F_H_CACHE_CONTROL,
  F_H_SERVER,
  F_H_LOCATION,
  F_H_WS_ACCEPT,
  F_H_WS_EXTENSIONS,
  F_H_WS_KEY,
  F_H_WS_PROTOCOL,
  F_H_WS_VERSION,
  F_H_SET_COOKIE,
  F_H_LAST_MODIFIED,
  F_H_X_FORWARDED_FOR,
  F_H_HTTP2_SETTINGS,
  /* header details */
  F_CONTENT_LENGTH,
  F_COOKIE_PAIR,
  F_AUTHBASIC,
  F_END_OF_HEADERS,
  /* bodies */
  F_CHUNKED,
  F_CHUNK,
  F_CHUNK_LAST,
  F_CHUNK_SIZE,
  F_CHUNK_DATA,
  F_CHUNK_BOUNDARY,
  F_TRAILER,
  F_ENCODED,
  F_FILE_DATA,
  F_OTHER_DATA,
  /* expert */
  F_CHAT,
  F_TE_AND_LENGTH,
  F_TE_UNKNOWN,
  F_LEADING_CRLF,
  F_BAD_HEADER_NAME,
  F_DECOMP_FAILED,
  F_SUBDISSECTOR_FAILED,
  /* what the body is shown as */
  F_DTL,
  F_DTL_LINE,
  F_MEDIA,
  F_MEDIA_TYPE,
  F_MSG_HTTP,
  F_MSG_HTTP_LINE,
};

/* RFC 9110 section 15, and the names tshark gives. */
const dx_vals dx_http_status_vals[] = {{100, "Continue"},
                                       {101, "Switching Protocols"},
                                       {102, "Processing"},
                                       {103, "Early Hints"},
                                       {200, "OK"},
                                       {201, "Created"},
                                       {202, "Accepted"},
                                       {203, "Non-authoritative Information"},
                                       {204, "No Content"},
                                       {205, "Reset Content"},
                                       {206, "Partial Content"},
                                       {207, "Multi-Status"},
                                       {208, "Already Reported"},
                                       {226, "IM Used"},
                                       {300, "Multiple Choices"},
                                       {301, "Moved Permanently"},
                                       {302, "Found"},
                                       {303, "See Other"},
                                       {304, "Not Modified"},
                                       {305, "Use Proxy"},
                                       {307, "Temporary Redirect"},
                                       {308, "Permanent Redirect"},
                                       {400, "Bad Request"},
                                       {401, "Unauthorized"},
                                       {402, "Payment Required"},
                                       {403, "Forbidden"},
                                       {404, "Not Found"},
                                       {405, "Method Not Allowed"},
                                       {406, "Not Acceptable"},
                                       {407, "Proxy Authentication Required"},
                                       {408, "Request Time-out"},
                                       {409, "Conflict"},
                                       {410, "Gone"},
                                       {411, "Length Required"},
                                       {412, "Precondition Failed"},
                                       {413, "Request Entity Too Large"},
                                       {414, "Request-URI Too Long"},
                                       {415, "Unsupported Media Type"},
                                       {416, "Requested Range Not Satisfiable"},
                                       {417, "Expectation Failed"},
                                       {418, "I'm a teapot"},
                                       {421, "Misdirected Request"},
                                       {422, "Unprocessable Entity"},
                                       {423, "Locked"},
                                       {424, "Failed Dependency"},
                                       {425, "Too Early"},
                                       {426, "Upgrade Required"},
                                       {428, "Precondition Required"},
                                       {429, "Too Many Requests"},
                                       {431, "Request Header Fields Too Large"},
                                       {451, "Unavailable For Legal Reasons"},
                                       {500, "Internal Server Error"},
                                       {501, "Not Implemented"},
                                       {502, "Bad Gateway"},
                                       {503, "Service Unavailable"},
                                       {504, "Gateway Time-out"},
                                       {505, "HTTP Version not supported"},
                                       {506, "Variant Also Negotiates"},
                                       {507, "Insufficient Storage"},
                                       {508, "Loop Detected"},
                                       {510, "Not Extended"},
                                       {511, "Network Authentication Required"},
                                       {0, NULL}};

/* header and line strings as tshark's (ENC_ASCII: a byte >= 0x80 is U+FFFD) */
#define HS(abbr, lbl) DX_F(abbr, lbl, DX_FT_STRING, DX_BASE_ASCII)
#define HSU(abbr, lbl) DX_F(abbr, lbl, DX_FT_STRING, DX_BASE_NONE)

static const dx_field http_fields[] = {
    [F_HTTP] = DX_F("http", "Hypertext Transfer Protocol", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_PROXY_HOST] =
        DX_F("http.proxy_connect_host", "Proxy-Connect-Hostname", DX_FT_STRING, DX_BASE_NONE),
    [F_PROXY_PORT] =
        DX_F("http.proxy_connect_port", "Proxy-Connect-Port", DX_FT_UINT16, DX_BASE_DEC),
    [F_REQUEST] = DX_F("http.request", "Request", DX_FT_BOOL, DX_BASE_NONE),
    [F_RESPONSE] = DX_F("http.response", "Response", DX_FT_BOOL, DX_BASE_NONE),
    /* GENA's NOTIFY, SUBSCRIBE and UNSUBSCRIBE, which tshark counts as no
     * request (no request number, no response matched to them) */
    [F_NOTIFICATION] = DX_F("http.notification", "Notification", DX_FT_BOOL, DX_BASE_NONE),
    [F_METHOD] = HS("http.request.method", "Request Method"),
    [F_URI] = HS("http.request.uri", "Request URI"),
    [F_URI_PATH] = HS("http.request.uri.path", "Request URI Path"),
    [F_URI_QUERY] = HS("http.request.uri.query", "Request URI Query"),
    [F_URI_PARAM] = HS("http.request.uri.query.parameter", "Request URI Query Parameter"),
    [F_REQ_VERSION] = HS("http.request.version", "Request Version"),
    [F_RESP_VERSION] = HS("http.response.version", "Response Version"),
    [F_CODE] = DX_F("http.response.code", "Status Code", DX_FT_UINT16, DX_BASE_DEC),
    [F_CODE_DESC] = HSU("http.response.code.desc", "Status Code Description"),
    [F_PHRASE] = HS("http.response.phrase", "Response Phrase"),
    [F_REQ_LINE] = HS("http.request.line", "Request line"),
    [F_RESP_LINE] = HS("http.response.line", "Response line"),
    [F_FULL_URI] = HSU("http.request.full_uri", "Full request URI"),
    [F_REQ_NUM] = DX_F("http.request_number", "Request number", DX_FT_UINT32, DX_BASE_DEC),
    [F_RESP_NUM] = DX_F("http.response_number", "Response number", DX_FT_UINT32, DX_BASE_DEC),
    [F_REQUEST_IN] = DX_F("http.request_in", "Request in frame", DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_PREV_REQ_IN] =
        DX_F("http.prev_request_in", "Prev request in frame", DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_PREV_RESP_IN] =
        DX_F("http.prev_response_in", "Prev response in frame", DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_TIME] = DX_F("http.time", "Time since request", DX_FT_RELTIME, DX_BASE_NONE),
    [F_RESP_FOR_URI] = HSU("http.response_for.uri", "Request URI"),
    [F_H_AUTHORIZATION] = HS("http.authorization", "Authorization"),
    [F_H_PROXY_AUTHENTICATE] = HS("http.proxy_authenticate", "Proxy-Authenticate"),
    [F_H_PROXY_AUTHORIZATION] = HS("http.proxy_authorization", "Proxy-Authorization"),
    [F_H_WWW_AUTHENTICATE] = HS("http.www_authenticate", "WWW-Authenticate"),
    [F_H_CONTENT_TYPE] = HS("http.content_type", "Content-Type"),
    [F_H_CONTENT_LENGTH] = HS("http.content_length_header", "Content-Length"),
    [F_H_CONTENT_ENCODING] = HS("http.content_encoding", "Content-Encoding"),
    [F_H_TRANSFER_ENCODING] = HS("http.transfer_encoding", "Transfer-Encoding"),
    [F_H_UPGRADE] = HS("http.upgrade", "Upgrade"),
    [F_H_USER_AGENT] = HS("http.user_agent", "User-Agent"),
    [F_H_HOST] = HS("http.host", "Host"),
    [F_H_CONNECTION] = HS("http.connection", "Connection"),
    [F_H_COOKIE] = HS("http.cookie", "Cookie"),
    [F_H_ACCEPT] = HS("http.accept", "Accept"),
    [F_H_REFERER] = HS("http.referer", "Referer"),
    [F_H_ACCEPT_LANGUAGE] = HS("http.accept_language", "Accept-Language"),
    [F_H_ACCEPT_ENCODING] = HS("http.accept_encoding", "Accept Encoding"),
    [F_H_DATE] = HS("http.date", "Date"),
    [F_H_CACHE_CONTROL] = HS("http.cache_control", "Cache-Control"),
    [F_H_SERVER] = HS("http.server", "Server"),
    [F_H_LOCATION] = HS("http.location", "Location"),
    [F_H_WS_ACCEPT] = HS("http.sec_websocket_accept", "Sec-WebSocket-Accept"),
    [F_H_WS_EXTENSIONS] = HS("http.sec_websocket_extensions", "Sec-WebSocket-Extensions"),
    [F_H_WS_KEY] = HS("http.sec_websocket_key", "Sec-WebSocket-Key"),
    [F_H_WS_PROTOCOL] = HS("http.sec_websocket_protocol", "Sec-WebSocket-Protocol"),
    [F_H_WS_VERSION] = HS("http.sec_websocket_version", "Sec-WebSocket-Version"),
    [F_H_SET_COOKIE] = HS("http.set_cookie", "Set-Cookie"),
    [F_H_LAST_MODIFIED] = HS("http.last_modified", "Last-Modified"),
    [F_H_X_FORWARDED_FOR] = HS("http.x_forwarded_for", "X-Forwarded-For"),
    [F_H_HTTP2_SETTINGS] = HS("http.http2_settings", "HTTP2-Settings"),
    [F_CONTENT_LENGTH] = DX_F("http.content_length", "Content length", DX_FT_UINT64, DX_BASE_DEC),
    [F_COOKIE_PAIR] = HS("http.cookie_pair", "Cookie pair"),
    [F_AUTHBASIC] = HSU("http.authbasic", "Credentials"),
    [F_END_OF_HEADERS] = DX_F("http.end_of_headers", "End of headers", DX_FT_NONE, DX_BASE_NONE),
    [F_CHUNKED] = DX_F("http.chunked", "HTTP chunked body", DX_FT_NONE, DX_BASE_NONE),
    [F_CHUNK] = DX_F("http.chunk", "Data chunk", DX_FT_NONE, DX_BASE_NONE),
    [F_CHUNK_LAST] = DX_F("http.chunk.last", "End of chunked encoding", DX_FT_NONE, DX_BASE_NONE),
    [F_CHUNK_SIZE] = DX_F("http.chunk_size", "Chunk size", DX_FT_UINT32, DX_BASE_DEC),
    [F_CHUNK_DATA] = DX_F("http.chunk_data", "Chunk data", DX_FT_BYTES, DX_BASE_NONE),
    [F_CHUNK_BOUNDARY] = DX_F("http.chunk_boundary", "Chunk boundary", DX_FT_BYTES, DX_BASE_NONE),
    [F_TRAILER] = HS("http.chunked_trailer_part", "trailer-part"),
    [F_ENCODED] =
        DX_F("http.content_encoded_body", "Content-encoded entity body", DX_FT_NONE, DX_BASE_NONE),
    [F_FILE_DATA] = HSU("http.file_data", "File Data"),
    /* (dissect's own, hidden: text before any request that tshark's HTTP
     * shows nowhere but hands to its follow tap, as -z follow,http does) */
    [F_OTHER_DATA] =
        DX_F("http.other_data", "Text before any HTTP request", DX_FT_BYTES, DX_BASE_NONE),
    [F_CHAT] = DX_F("http.chat", "Formatted text", DX_FT_NONE, DX_BASE_NONE),
    [F_TE_AND_LENGTH] = DX_F("http.te_and_length",
                             "The Content-Length and Transfer-Encoding header must not be set "
                             "together",
                             DX_FT_NONE, DX_BASE_NONE),
    [F_TE_UNKNOWN] =
        DX_F("http.te_unknown", "Unknown transfer coding name in Transfer-Encoding header",
             DX_FT_NONE, DX_BASE_NONE),
    [F_LEADING_CRLF] =
        DX_F("http.leading_crlf", "Leading CRLF previous message in the stream may have extra CRLF",
             DX_FT_NONE, DX_BASE_NONE),
    [F_BAD_HEADER_NAME] = DX_F("http.bad_header_name", "Illegal characters found in header name",
                               DX_FT_NONE, DX_BASE_NONE),
    [F_DECOMP_FAILED] =
        DX_F("http.decompression_failed", "Decompression failed", DX_FT_NONE, DX_BASE_NONE),
    [F_SUBDISSECTOR_FAILED] = DX_F("http.subdissector_failed",
                                   "HTTP body subdissector failed, trying heuristic subdissector",
                                   DX_FT_NONE, DX_BASE_NONE),
    [F_DTL] = DX_F("data-text-lines", "Line-based text data", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_DTL_LINE] = DX_F("data-text-lines.line", "Line", DX_FT_NONE, DX_BASE_NONE),
    [F_MEDIA] = DX_F("media", "Media Type", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_MEDIA_TYPE] = DX_F("media.type", "Media type", DX_FT_BYTES, DX_BASE_NONE),
    /* a message/http body, as tshark 4.0's message-http layer (its lines are
     * unnamed text items there) */
    [F_MSG_HTTP] = DX_F("message-http", "Media Type: message/http", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_MSG_HTTP_LINE] = DX_F("message-http.line", "Line", DX_FT_NONE, DX_BASE_NONE),
};
#define FL(i) (&http_fields[(i)])

/* SSDP (UPnP's discovery, UDP 1900): HTTP messages in datagrams, which
 * tshark's HTTP dissector shows under this name with the fields http.* */
static const dx_field ssdp_fields[] = {
    DX_F("ssdp", "Simple Service Discovery Protocol", DX_FT_PROTOCOL, DX_BASE_NONE),
};

/* Header names (case-insensitive) with their own field. */
static const struct {
  const char *name;
  int field;
} known_headers[] = {
    {"authorization", F_H_AUTHORIZATION},
    {"proxy-authenticate", F_H_PROXY_AUTHENTICATE},
    {"proxy-authorization", F_H_PROXY_AUTHORIZATION},
    {"www-authenticate", F_H_WWW_AUTHENTICATE},
    {"content-type", F_H_CONTENT_TYPE},
    {"content-length", F_H_CONTENT_LENGTH},
    {"content-encoding", F_H_CONTENT_ENCODING},
    {"transfer-encoding", F_H_TRANSFER_ENCODING},
    {"upgrade", F_H_UPGRADE},
    {"user-agent", F_H_USER_AGENT},
    {"host", F_H_HOST},
    {"connection", F_H_CONNECTION},
    {"cookie", F_H_COOKIE},
    {"accept", F_H_ACCEPT},
    {"referer", F_H_REFERER},
    {"accept-language", F_H_ACCEPT_LANGUAGE},
    {"accept-encoding", F_H_ACCEPT_ENCODING},
    {"date", F_H_DATE},
    {"cache-control", F_H_CACHE_CONTROL},
    {"server", F_H_SERVER},
    {"location", F_H_LOCATION},
    {"sec-websocket-accept", F_H_WS_ACCEPT},
    {"sec-websocket-extensions", F_H_WS_EXTENSIONS},
    {"sec-websocket-key", F_H_WS_KEY},
    {"sec-websocket-protocol", F_H_WS_PROTOCOL},
    {"sec-websocket-version", F_H_WS_VERSION},
    {"set-cookie", F_H_SET_COOKIE},
    {"last-modified", F_H_LAST_MODIFIED},
    {"x-forwarded-for", F_H_X_FORWARDED_FOR},
    {"http2-settings", F_H_HTTP2_SETTINGS},
};

/* ---- small helpers over bytes -------------------------------------------- */

static int lower(int c) {
  return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static bool ieq(const uint8_t *a, uint32_t n, const char *b) {
  size_t bl = strlen(b);
  if (n != bl)
    return false;
  for (uint32_t i = 0; i < n; i++)
    if (lower(a[i]) != lower((unsigned char)b[i]))
      return false;
  return true;
}

/* Case-insensitive search of word `w` in [s, s+n). */
static bool icontains(const uint8_t *s, uint32_t n, const char *w) {
  size_t wl = strlen(w);
  if (wl == 0 || wl > n)
    return false;
  for (uint32_t i = 0; i + wl <= n; i++)
    if (ieq(s + i, (uint32_t)wl, w))
      return true;
  return false;
}

/* RFC 9110 5.6.2 tchar. */
static bool is_tchar(uint8_t c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
    return true;
  return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool is_digit(uint8_t c) {
  return c >= '0' && c <= '9';
}

static int hexval(uint8_t c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c = (uint8_t)lower(c);
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

/* The line starting at `off`, looking at no more than `max` bytes.
 * Returns 1 with *eol (end of the content, before CR LF or LF) and *next
 * (after the LF); 0 if the tvb ends first; -1 if no LF within max bytes. */
static int find_line(const dx_tvb *t, uint32_t off, uint32_t max, uint32_t *eol, uint32_t *next) {
  uint32_t avail = dx_tvb_avail(t, off);
  uint32_t lim = avail < max ? avail : max;
  const uint8_t *s = lim ? dx_get_ptr(t, off, lim) : NULL;
  const uint8_t *lf = s ? memchr(s, '\n', lim) : NULL;
  if (!lf)
    return avail < max ? 0 : -1;
  uint32_t e = (uint32_t)(lf - s);
  *next = off + e + 1;
  if (e > 0 && s[e - 1] == '\r')
    e--;
  *eol = off + e;
  return 1;
}

/* ---- first line ----------------------------------------------------------------- */

typedef struct span {
  uint32_t off, len;
} span;

enum { FL_NONE = 0, FL_REQUEST, FL_RESPONSE };

/* "HTTP/" DIGIT "." DIGIT at s (n bytes available). */
static bool is_version(const uint8_t *s, uint32_t n, bool strict) {
  if (n < 8 || memcmp(s, "HTTP/", 5) != 0 || !is_digit(s[5]) || s[6] != '.' || !is_digit(s[7]))
    return false;
  return !strict || (s[5] == '1' && (s[7] == '0' || s[7] == '1'));
}

typedef struct first_line {
  int kind;
  span a, b, c; /* request: method, URI, version; response: version, code, phrase */
  unsigned code;
} first_line;

/* Parses the line [s, s+n) (no CR LF). strict: the heuristic's rules
 * (upper-case method, HTTP/1.0 or 1.1). */
static int parse_first_line(const uint8_t *s, uint32_t n, bool strict, first_line *fl) {
  memset(fl, 0, sizeof *fl);
  /* Status line: HTTP-version SP 3DIGIT SP reason-phrase */
  if (n >= 12 && is_version(s, n, strict) && s[8] == ' ' && is_digit(s[9]) && is_digit(s[10]) &&
      is_digit(s[11]) && (n == 12 || s[12] == ' ')) {
    fl->kind = FL_RESPONSE;
    fl->a = (span){0, 8};
    fl->b = (span){9, 3};
    fl->code = (unsigned)((s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0'));
    fl->c = n > 13 ? (span){13, n - 13} : (span){n, 0};
    return FL_RESPONSE;
  }
  /* Request line: method SP request-target SP HTTP-version */
  uint32_t m = 0;
  while (m < n && m <= HTTP_MAX_METHOD && is_tchar(s[m])) {
    if (strict && !((s[m] >= 'A' && s[m] <= 'Z') || s[m] == '-' || s[m] == '_'))
      return FL_NONE;
    m++;
  }
  if (m == 0 || m > HTTP_MAX_METHOD || m >= n || s[m] != ' ')
    return FL_NONE;
  if (strict && m < 3)
    return FL_NONE;
  /* The version is the last word; trailing spaces are tolerated. */
  uint32_t e = n;
  while (e > m && s[e - 1] == ' ')
    e--;
  if (e < m + 1 + 1 + 1 + 8)
    return FL_NONE;
  uint32_t v = e - 8;
  if (!is_version(s + v, 8, strict) || s[v - 1] != ' ')
    return FL_NONE;
  uint32_t u0 = m + 1, u1 = v - 1;
  if (u1 <= u0)
    return FL_NONE;
  /* A control byte in the target does not make it something else: tshark
   * shows "GET /a\001b HTTP/1.1" as a request with the URI "/a\001b". The
   * heuristic (strict) still wants a clean line. */
  for (uint32_t i = u0; i < u1 && strict; i++)
    if (s[i] < 0x20 || s[i] == 0x7f)
      return FL_NONE;
  if (strict && s[u0] == ' ')
    return FL_NONE;
  /* The URI and the version as tshark 4.0 cuts them (packet-http.c's
   * basic_request_dissector): the URI is the word after the method's
   * spaces, less one when there are two or more ("GET  x" has an empty
   * URI), and the version is all the line after the URI's spaces:
   * "GET /a b HTTP/1.1" has the URI "/a" and the version "b HTTP/1.1". */
  uint32_t b0 = m;
  while (b0 < n && s[b0] == ' ')
    b0++;
  if (b0 > 2 && s[b0 - 1] == ' ' && s[b0 - 2] == ' ')
    b0--;
  uint32_t b1 = b0;
  while (b1 < n && s[b1] != ' ')
    b1++;
  uint32_t c0 = b1;
  while (c0 < n && s[c0] == ' ')
    c0++;
  fl->kind = FL_REQUEST;
  fl->a = (span){0, m};
  fl->b = (span){b0, b1 - b0};
  fl->c = (span){c0, n - c0};
  return FL_REQUEST;
}

/* The n bytes at s (no LF among them) are the start of a first line that
 * the capture's snapshot length cut: a status line as far as its code, or a
 * request line as far as its target ("GET /a", "GET /a HTT"). tshark reads
 * such a line to the end of the captured bytes; so does dissect. */
static bool cut_first_line(const uint8_t *s, uint32_t n, first_line *fl) {
  if (parse_first_line(s, n, false, fl) != FL_NONE)
    return true;
  uint32_t m = 0;
  while (m < n && m <= HTTP_MAX_METHOD && is_tchar(s[m]))
    m++;
  if (m == 0 || m > HTTP_MAX_METHOD || m >= n || s[m] != ' ')
    return false;
  uint32_t u0 = m + 1, u1 = u0;
  while (u1 < n && s[u1] != ' ')
    u1++;
  if (u1 == u0)
    return false;
  /* cut in the target: the target as far as it goes, no version */
  uint32_t v = u1 < n ? u1 + 1 : n, vl = n - v;
  if (memcmp(s + v, "HTTP/", vl < 5 ? vl : 5) != 0)
    return false;
  memset(fl, 0, sizeof *fl);
  fl->kind = FL_REQUEST;
  fl->a = (span){0, m};
  fl->b = (span){u0, u1 - u0};
  fl->c = (span){v, vl};
  return true;
}

/* Could the n bytes at s (no LF among them) start a request or status line?
 * Used to decide whether to wait for more bytes. */
static bool first_line_prefix(const uint8_t *s, uint32_t n, bool strict) {
  static const char http[] = "HTTP/";
  uint32_t k = n < 5 ? n : 5;
  if (memcmp(s, http, k) == 0)
    return true;
  uint32_t m = 0;
  while (m < n && m <= HTTP_MAX_METHOD && is_tchar(s[m])) {
    if (strict && !(s[m] >= 'A' && s[m] <= 'Z'))
      return false;
    m++;
  }
  if (m > HTTP_MAX_METHOD || m == 0)
    return false;
  if (m == n)
    return true;
  if (s[m] != ' ')
    return false;
  for (uint32_t i = m + 1; i < n && strict; i++)
    if ((s[i] < 0x20 && s[i] != '\r') || s[i] == 0x7f)
      return false;
  return true;
}

/* ---- per-connection state ----------------------------------------------------- */

typedef struct http_exch {
  uint32_t number; /* 0: slot unused */
  uint64_t req_frame, resp_frame;
  int64_t req_sec;
  int32_t req_nsec;
  bool head, connect;
  uint16_t connect_port; /* CONNECT host:port: the port, 0 if none */
  char *uri;             /* full URI (malloc, <= HTTP_MAX_URI), or NULL */
} http_exch;

/* The exchanges of a connection live in a ring indexed by number: exchange
 * n at ex[n & (ex_cap - 1)]. A connection starts with HTTP_EXCH_INLINE
 * slots inside its state; the ring doubles (up to HTTP_MAX_EXCH) only when
 * an exchange still needed (a request waiting for its response, or the one
 * before it, which the response links to) would be overwritten. The grown
 * ring counts against the session's byte budget: a request that would
 * need more than the budget gives is not remembered (said in the tree). */
#define HTTP_EXCH_INLINE 2u

typedef struct http_conv {
  http_exch *ex;     /* the ring: ex0 or a grown copy */
  uint32_t *pending; /* numbers of requests waiting for a response (FIFO, ex_cap entries) */
  uint32_t ex_cap;   /* a power of two, HTTP_EXCH_INLINE..HTTP_MAX_EXCH */
  uint32_t count;    /* exchanges so far */
  uint32_t phead, pcount;
  uint64_t body_left[2]; /* body bytes still to come per direction (not reassembled) */
  bool tunnel;           /* after 101 Switching Protocols / CONNECT 2xx: not HTTP any more */
  bool saw_request;      /* a request line parsed (tshark's conv_data->request_uri) */
  /* The remembered URIs and the grown ring count against the session's
   * byte budget (the one of stream buffers), so many connections of
   * unanswered requests cannot hold more than max_total_stream_bytes. */
  uint64_t *budget, budget_max;
  http_exch ex0[HTTP_EXCH_INLINE];
  uint32_t pending0[HTTP_EXCH_INLINE];
} http_conv;

/* Bytes of a grown ring of cap slots (the inline one costs nothing more). */
static size_t ring_bytes(uint32_t cap) {
  return cap > HTTP_EXCH_INLINE ? cap * (sizeof(http_exch) + sizeof(uint32_t)) : 0;
}

static void uri_drop(http_conv *c, http_exch *e) {
  if (e->uri && c->budget)
    *c->budget -= strlen(e->uri) + 1;
  free(e->uri);
  e->uri = NULL;
}

/* Keeps a copy of the full URI of exchange e, if the budget allows. */
static bool uri_keep(http_conv *c, http_exch *e, const char *uri) {
  size_t n = strlen(uri) + 1;
  if (c->budget && *c->budget + n > c->budget_max)
    return false;
  e->uri = strdup(uri);
  if (e->uri && c->budget)
    *c->budget += n;
  return e->uri != NULL;
}

/* What a connection's state charges to the session's byte budget. */
#define CONV_COST dx_heap_cost(sizeof(http_conv))

static void conv_free(void *data) {
  http_conv *c = data;
  if (!c)
    return;
  dx_budget_give(c->budget, CONV_COST);
  for (uint32_t i = 0; i < c->ex_cap; i++)
    uri_drop(c, &c->ex[i]);
  if (c->ex != c->ex0) {
    free(c->ex);
    free(c->pending);
    if (c->budget)
      *c->budget = *c->budget >= ring_bytes(c->ex_cap) ? *c->budget - ring_bytes(c->ex_cap) : 0;
  }
  free(c);
}

/* Doubles the ring (and the FIFO), if the budget allows. */
static bool ring_grow(http_conv *c) {
  uint32_t nc = c->ex_cap * 2;
  size_t more = ring_bytes(nc) - ring_bytes(c->ex_cap);
  if (nc > HTTP_MAX_EXCH || (c->budget && *c->budget + more > c->budget_max))
    return false;
  http_exch *nex = calloc(nc, sizeof *nex);
  uint32_t *npend = malloc(nc * sizeof *npend);
  if (!nex || !npend) {
    free(nex);
    free(npend);
    return false;
  }
  /* the ring holds ex_cap consecutive numbers at most: distinct slots in
   * the bigger one too */
  for (uint32_t i = 0; i < c->ex_cap; i++)
    if (c->ex[i].number)
      nex[c->ex[i].number & (nc - 1)] = c->ex[i];
  for (uint32_t i = 0; i < c->pcount; i++)
    npend[i] = c->pending[(c->phead + i) & (c->ex_cap - 1)];
  if (c->ex != c->ex0) {
    free(c->ex);
    free(c->pending);
  }
  if (c->budget)
    *c->budget += more;
  c->ex = nex;
  c->pending = npend;
  c->phead = 0;
  c->ex_cap = nc;
  return true;
}

/* A new connection state, charged to the session's byte budget; NULL if
 * the budget or memory ran out. */
static http_conv *conv_new(dx_packet *p) {
  /* the state itself counts against the budget too */
  uint64_t *budget = dx_packet_stream_budget(p);
  uint64_t max = dx_packet_config(p)->max_total_stream_bytes;
  if (!dx_budget_take(budget, max, CONV_COST))
    return NULL;
  http_conv *c = calloc(1, sizeof *c);
  if (!c) {
    dx_budget_give(budget, CONV_COST);
    return NULL;
  }
  c->ex = c->ex0;
  c->pending = c->pending0;
  c->ex_cap = HTTP_EXCH_INLINE;
  c->budget = budget;
  c->budget_max = max;
  return c;
}

/* The connection state, created on first use; NULL without a flow (or if
 * another protocol owns app_data, or memory ran out). */
static http_conv *conv_get(dx_packet *p) {
  if (!dx_in_stream(p))
    return NULL;
  http_conv *c = dx_app_data(p, conv_free);
  if (c)
    return c;
  c = conv_new(p);
  if (c && !dx_app_data_set(p, c, conv_free)) {
    conv_free(c);
    return NULL;
  }
  return c;
}

/* The port of a CONNECT target "host:port" (RFC 9110 9.3.6), 0 if none. */
static uint16_t authority_port(const uint8_t *s, uint32_t n) {
  if (!s)
    return 0;
  uint32_t i = n;
  while (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')
    i--;
  if (i == 0 || i == n || s[i - 1] != ':' || n - i > 5)
    return 0;
  uint32_t v = 0;
  for (uint32_t k = i; k < n; k++)
    v = v * 10 + (uint32_t)(s[k] - '0');
  return v > 0 && v <= 65535 ? (uint16_t)v : 0;
}

extern const dx_protocol dx_proto_http;

/* The layer HTTP shows on each PDU of a CONNECT tunnel, before the
 * protocol inside, as tshark 4.0: the target's host and port. */
static void tunnel_layer(dx_packet *p, const char *host, uint16_t port, const dx_tvb *t,
                         dx_node *parent) {
  dx_node *h = dx_add_proto(p, parent, FL(F_HTTP), t, 0, t->len);
  dx_node *n = dx_add_string(p, h, FL(F_PROXY_HOST), t, 0, 0, host, strlen(host));
  dx_node_set_flags(n, DX_NODE_GENERATED);
  n = dx_add_uint(p, h, FL(F_PROXY_PORT), t, 0, 0, port);
  dx_node_set_flags(n, DX_NODE_GENERATED);
}

/* After a 2xx answer to CONNECT the connection is a tunnel to the target
 * (an HTTPS proxy's first leg): the rest of the stream goes to the
 * protocol of the target's port (TLS for 443), as tshark does. */
static void connect_tunnel(dx_packet *p, const http_exch *e) {
  const dx_protocol *to =
      e->connect_port ? dx_port_proto(p, DX_TABLE_TCP_PORT, e->connect_port) : NULL;
  if (to && to != &dx_proto_http) {
    dx_stream_switch(p, to);
    /* the host: the request's authority up to its port */
    const char *u = e->uri ? e->uri : "";
    const char *colon = strrchr(u, ':');
    size_t hlen = colon ? (size_t)(colon - u) : strlen(u);
    if (!dx_stream_tunnel(p, u, hlen, e->connect_port, tunnel_layer))
      p->bstream->tunnel_port = e->connect_port;
  }
}

static http_exch *exch_get(http_conv *c, uint32_t n) {
  if (!c || n == 0)
    return NULL;
  http_exch *e = &c->ex[n & (c->ex_cap - 1)];
  return e->number == n ? e : NULL;
}

/* A new exchange, numbered after the last one. Its slot must not hold an
 * exchange still needed: the last one (a response links to it) and, with
 * requests waiting, the oldest of them and the one before it; within the
 * last HTTP_MAX_EXCH, the ring grows until they fit. NULL (the number is
 * still taken) when it could not grow. */
static http_exch *exch_new(http_conv *c) {
  uint32_t n = ++c->count;
  if (n == 0)
    n = ++c->count;
  uint32_t span = 2; /* n and n - 1 */
  if (c->pcount) {
    uint32_t back = n - c->pending[c->phead] + 2; /* the oldest waiting, the one before it */
    if (back > span)
      span = back;
  }
  if (span > HTTP_MAX_EXCH)
    span = HTTP_MAX_EXCH;
  while (c->ex_cap < span)
    if (!ring_grow(c))
      return NULL;
  http_exch *e = &c->ex[n & (c->ex_cap - 1)];
  uri_drop(c, e);
  memset(e, 0, sizeof *e);
  e->number = n;
  return e;
}

/* The oldest request still waiting for its response, or NULL. Entries whose
 * exchange slot was reused are skipped. */
static http_exch *pending_front(http_conv *c) {
  while (c && c->pcount) {
    http_exch *e = exch_get(c, c->pending[c->phead]);
    if (e && !e->resp_frame)
      return e;
    c->phead = (c->phead + 1) & (c->ex_cap - 1);
    c->pcount--;
  }
  return NULL;
}

static void pending_pop(http_conv *c) {
  if (c && c->pcount) {
    c->phead = (c->phead + 1) & (c->ex_cap - 1);
    c->pcount--;
  }
}

/* ---- a message ---------------------------------------------------------------- */

enum { BODY_NONE, BODY_LENGTH, BODY_CHUNKED, BODY_CLOSE };

typedef struct http_msg {
  uint32_t start; /* first byte of the message (after leading CR LF) */
  uint32_t lead;  /* leading CR LF bytes skipped before start */
  uint32_t fl_eol, fl_next;
  first_line fl;
  uint32_t hdr_end;  /* after the empty line (or where the headers stop) */
  bool hdr_complete; /* the empty line was seen */
  bool line_too_long, too_big;
  uint32_t nlines;
  /* what the headers say */
  bool have_cl, cl_bad, cl_conflict;
  uint64_t cl;
  bool chunked, te_other, te_seen;
  bool conn_close;
  span ctype, cenc, host;
  /* the body */
  int body;
  uint32_t body_off, body_len; /* bytes of the body in this tvb */
  uint64_t body_left;          /* body bytes after this tvb (not reassembled) */
  uint32_t end;                /* end of the message in the tvb */
  int chunk_status;
  http_exch *match; /* response: its request (peeked, not yet popped) */
  bool cut;         /* the capture's snapshot length cut the first line */
  bool ssdp;        /* a datagram of SSDP: the layer and the Protocol column say so */
} http_msg;

static void header_scan(http_msg *m, const dx_tvb *t, uint32_t off, uint32_t eol) {
  const uint8_t *s = dx_get_ptr(t, off, eol - off);
  uint32_t n = eol - off;
  if (!s || n == 0)
    return;
  uint32_t colon = 0;
  while (colon < n && s[colon] != ':')
    colon++;
  if (colon >= n)
    return;
  uint32_t v = colon + 1;
  while (v < n && (s[v] == ' ' || s[v] == '\t'))
    v++;
  uint32_t ve = n;
  while (ve > v && (s[ve - 1] == ' ' || s[ve - 1] == '\t'))
    ve--;
  const uint8_t *val = s + v;
  uint32_t vl = ve - v;
  if (ieq(s, colon, "content-length")) {
    uint64_t x = 0;
    bool ok = vl > 0;
    for (uint32_t i = 0; i < vl && ok; i++) {
      if (!is_digit(val[i]) || x > (UINT64_MAX - 9) / 10)
        ok = false;
      else
        x = x * 10 + (uint64_t)(val[i] - '0');
    }
    if (!ok)
      m->cl_bad = true;
    else if (m->have_cl && m->cl != x)
      m->cl_conflict = true;
    else {
      m->have_cl = true;
      m->cl = x;
    }
  } else if (ieq(s, colon, "transfer-encoding")) {
    m->te_seen = true;
    /* The last coding must be "chunked" for the chunked framing. */
    uint32_t i = vl;
    while (i > 0 && val[i - 1] != ',')
      i--;
    uint32_t a = i;
    while (a < vl && (val[a] == ' ' || val[a] == '\t'))
      a++;
    if (ieq(val + a, vl - a, "chunked"))
      m->chunked = true;
    else
      m->te_other = true;
  } else if (ieq(s, colon, "connection")) {
    if (icontains(val, vl, "close"))
      m->conn_close = true;
  } else if (ieq(s, colon, "content-type")) {
    m->ctype = (span){off + v, vl};
  } else if (ieq(s, colon, "content-encoding")) {
    m->cenc = (span){off + v, vl};
  } else if (ieq(s, colon, "host")) {
    m->host = (span){off + v, vl};
  }
}

/* Walks the header lines after the first line, recording what matters for
 * the framing. Returns false if more bytes are needed (and may be waited
 * for: can_wait). */
static bool scan_headers(http_msg *m, const dx_tvb *t, bool can_wait) {
  uint32_t pos = m->fl_next;
  for (;;) {
    uint32_t eol, next;
    int r = find_line(t, pos, HTTP_MAX_LINE, &eol, &next);
    if (r == 0) {
      if (can_wait && t->len - m->start < HTTP_MAX_HEADER_BYTES)
        return false;
      m->too_big = t->len - m->start >= HTTP_MAX_HEADER_BYTES;
      m->hdr_end = t->len;
      return true;
    }
    if (r < 0) {
      m->line_too_long = true;
      m->hdr_end = t->len;
      return true;
    }
    if (eol == pos) {
      m->hdr_end = next;
      m->hdr_complete = true;
      return true;
    }
    if (next - m->start > HTTP_MAX_HEADER_BYTES) {
      m->too_big = true;
      m->hdr_end = t->len;
      return true;
    }
    header_scan(m, t, pos, eol);
    m->nlines++;
    pos = next;
  }
}

/* ---- chunked transfer coding (RFC 9112 7.1) ----------------------------------- */

enum { CH_DONE, CH_MORE, CH_BAD };

typedef struct chunk_walk {
  uint32_t end;        /* CH_DONE: end of the chunked body */
  uint32_t need;       /* CH_MORE: bytes needed (DX_DESEGMENT_ONE_MORE if unknown) */
  uint32_t bad_at;     /* CH_BAD: where */
  const char *why;     /* CH_BAD: what */
  uint32_t data_total; /* de-chunked bytes seen */
  uint32_t nchunks;
} chunk_walk;

/* Walks the chunks from `off`. With tree != NULL adds the nodes; with out
 * != NULL copies the chunk data there (the caller sized it from a first
 * walk's data_total). */
static int walk_chunks(dx_packet *p, const dx_tvb *t, uint32_t off, chunk_walk *w, dx_node *tree,
                       uint8_t *out) {
  memset(w, 0, sizeof *w);
  uint32_t pos = off;
  for (uint32_t i = 0;; i++) {
    if (i >= HTTP_MAX_CHUNKS) {
      w->bad_at = pos;
      w->why = "too many chunks";
      return CH_BAD;
    }
    uint32_t eol, next;
    int r = find_line(t, pos, HTTP_MAX_CHUNK_LINE, &eol, &next);
    if (r == 0) {
      w->need = DX_DESEGMENT_ONE_MORE;
      return CH_MORE;
    }
    if (r < 0) {
      w->bad_at = pos;
      w->why = "chunk size line too long";
      return CH_BAD;
    }
    const uint8_t *s = dx_get_ptr(t, pos, eol - pos);
    uint32_t n = eol - pos, k = 0;
    while (k < n && (s[k] == ' ' || s[k] == '\t'))
      k++;
    uint64_t size = 0;
    uint32_t digits = 0;
    while (k < n && hexval(s[k]) >= 0) {
      size = size * 16 + (uint64_t)hexval(s[k]);
      if (size > 0x7fffffffu) {
        w->bad_at = pos;
        w->why = "chunk size too large";
        return CH_BAD;
      }
      digits++;
      k++;
    }
    while (k < n && (s[k] == ' ' || s[k] == '\t'))
      k++;
    if (digits == 0 || (k < n && s[k] != ';')) {
      w->bad_at = pos;
      w->why = "invalid chunk size";
      return CH_BAD;
    }
    if (size == 0) {
      dx_node *last = dx_add_none(p, tree, FL(F_CHUNK_LAST), t, pos, next - pos);
      dx_node *cs = dx_add_uint(p, last, FL(F_CHUNK_SIZE), t, pos, eol - pos, 0);
      dx_node_set_text(p, cs, "Chunk size: 0 octets");
      /* trailer-part, then the final empty line */
      uint32_t tp = next;
      for (uint32_t j = 0;; j++) {
        if (j > HTTP_MAX_TRAILERS) {
          w->bad_at = tp;
          w->why = "too many trailer lines";
          return CH_BAD;
        }
        r = find_line(t, tp, HTTP_MAX_LINE, &eol, &next);
        if (r == 0) {
          w->need = DX_DESEGMENT_ONE_MORE;
          return CH_MORE;
        }
        if (r < 0) {
          w->bad_at = tp;
          w->why = "trailer line too long";
          return CH_BAD;
        }
        if (eol == tp) {
          dx_node *e = dx_add_none(p, tree, FL(F_END_OF_HEADERS), t, tp, next - tp);
          dx_node_set_text(p, e, "%s", next - tp == 2 ? "\r\n" : "\n");
          w->end = next;
          return CH_DONE;
        }
        dx_node *tn = dx_add_item(p, tree, FL(F_TRAILER), t, tp, eol - tp);
        if (tn) {
          dx_node_set_len(tn, next - tp);
          const uint8_t *ls = dx_get_ptr(t, tp, next - tp);
          if (ls)
            dx_node_set_text(p, tn, "%.*s", (int)(next - tp), (const char *)ls);
        }
        tp = next;
      }
    }
    uint32_t doff = next;
    uint32_t avail = dx_tvb_avail(t, doff);
    if (avail < size) {
      w->need = (uint32_t)(size - avail);
      return CH_MORE;
    }
    uint32_t boff = doff + (uint32_t)size;
    uint32_t blen = 0;
    uint8_t b0 = 0, b1 = 0;
    bool h0 = dx_get_u8(t, boff, &b0), h1 = dx_get_u8(t, boff + 1, &b1);
    if (h0 && b0 == '\n')
      blen = 1;
    else if (h0 && h1 && b0 == '\r' && b1 == '\n')
      blen = 2;
    else if (!h0 || (b0 == '\r' && !h1)) {
      w->need = DX_DESEGMENT_ONE_MORE;
      return CH_MORE;
    } else {
      w->bad_at = boff;
      w->why = "chunk data not followed by CRLF";
      return CH_BAD;
    }
    dx_node *ch = dx_add_none(p, tree, FL(F_CHUNK), t, pos, boff + blen - pos);
    dx_node_set_text(p, ch, "Data chunk (%u octets)", (uint32_t)size);
    dx_node *cs = dx_add_uint(p, ch, FL(F_CHUNK_SIZE), t, pos, eol - pos, size);
    dx_node_set_text(p, cs, "Chunk size: %u octet%s", (uint32_t)size, size == 1 ? "" : "s");
    dx_add_bytes(p, ch, FL(F_CHUNK_DATA), t, doff, (uint32_t)size);
    dx_add_bytes(p, ch, FL(F_CHUNK_BOUNDARY), t, boff, blen);
    if (out && size) {
      const uint8_t *d = dx_get_ptr(t, doff, (uint32_t)size);
      if (d)
        memcpy(out + w->data_total, d, (size_t)size);
    }
    w->data_total += (uint32_t)size;
    w->nchunks++;
    pos = boff + blen;
  }
}

/* ---- showing a body ------------------------------------------------------------- */

/* The media type without parameters, lower-cased, into buf. */
static void media_type(const dx_tvb *t, span ct, char *buf, size_t len) {
  buf[0] = 0;
  const uint8_t *s = ct.len ? dx_get_ptr(t, ct.off, ct.len) : NULL;
  if (!s || len == 0)
    return;
  uint32_t n = 0;
  while (n < ct.len && s[n] != ';')
    n++;
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  size_t k = 0;
  for (uint32_t i = 0; i < n && k + 1 < len; i++) {
    uint8_t c = s[i];
    buf[k++] = (char)(c >= 0x20 && c < 0x7f ? lower(c) : '?');
  }
  buf[k] = 0;
}

/* The layer tshark 4.0 gives a body of media type mt (lower case, without
 * parameters): the dissector its media_type table registers for exactly
 * that string (checked type by type against tshark, tests/differential/
 * test_tshark_media.sh); any other type is "media". */
int dx_media_kind(const char *mt) {
  static const char *const text[] = {"text/plain",
                                     "text/richtext",
                                     "text/enriched",
                                     "text/parameters",
                                     "text/html",
                                     "text/xml-external-parsed-entity",
                                     "text/css",
                                     "application/xml-external-parsed-entity",
                                     "text/javascript",
                                     "application/x-javascript",
                                     "application/x-tia-p25-issi",
                                     "application/x-tia-p25-sndcp",
                                     "application/x-ns-proxy-autoconfig",
                                     "text/vnd.sun.j2me.app-descriptor",
                                     "application/vnd.poc.refer-to",
                                     "application/vnd.drm.message",
                                     "application/x-rtsp-udp-packetpair"};
  if (dx_xml_media(mt))
    return DX_MK_XML;
  if (dx_json_media(mt))
    return DX_MK_JSON;
  if (dx_form_media(mt))
    return DX_MK_FORM;
  for (size_t i = 0; i < DX_ARRAY_LEN(text); i++)
    if (strcmp(mt, text[i]) == 0)
      return DX_MK_TEXT;
  if (strcmp(mt, "application/octet-stream") == 0)
    return DX_MK_DATA;
  if (strcmp(mt, "message/http") == 0)
    return DX_MK_MESSAGE_HTTP;
  /* the multipart types tshark's mime_multipart registers by name (and its
   * "multipart/" entry, which HTTP/1.x also takes for any other subtype) */
  static const char *const multipart[] = {
      "multipart/mixed",  "multipart/related", "multipart/alternative", "multipart/form-data",
      "multipart/report", "multipart/signed",  "multipart/encrypted",   "multipart/"};
  for (size_t i = 0; i < DX_ARRAY_LEN(multipart); i++)
    if (strcmp(mt, multipart[i]) == 0)
      return DX_MK_MULTIPART;
  if (strcmp(mt, "application/dns-message") == 0)
    return DX_MK_DNS;
  if (strcmp(mt, "application/ocsp-request") == 0)
    return DX_MK_OCSP_REQ;
  if (strcmp(mt, "application/ocsp-response") == 0)
    return DX_MK_OCSP_RESP;
  if (strcmp(mt, "application/pkix-cert") == 0)
    return DX_MK_PKIX_CERT;
  if (strcmp(mt, "image/jpeg") == 0 || strcmp(mt, "image/jpg") == 0 ||
      strcmp(mt, "image/jfif") == 0)
    return DX_MK_JFIF;
  if (strcmp(mt, "image/png") == 0)
    return DX_MK_PNG;
  if (strcmp(mt, "image/gif") == 0)
    return DX_MK_GIF;
  return DX_MK_MEDIA;
}

/* Printable ASCII, tab, CR, LF or bytes of UTF-8 sequences only. */
static bool looks_text(const uint8_t *s, uint32_t n) {
  uint32_t lim = n < 4096 ? n : 4096;
  for (uint32_t i = 0; i < lim; i++) {
    uint8_t c = s[i];
    if (c < 0x20 && c != '\t' && c != '\r' && c != '\n')
      return false;
    if (c == 0x7f)
      return false;
  }
  return n > 0;
}

#define HTTP_MAX_TEXT_LINES 5000u
#define HTTP_LABEL_LEN 240u /* tshark's ITEM_LABEL_LENGTH */

/* A text line's label as tshark makes it: a line whose label (its bytes as
 * format_text() writes them) has 240 bytes or more is cut, " [truncated]"
 * in front of what fits in 238, at a character's start (as
 * label_mark_truncated() does). A shorter one is kept as it is. */
static void set_line_label(dx_packet *p, dx_node *n, const uint8_t *s, uint32_t ll) {
  if (!dx_label_wanted(p, n))
    return;
  char lbl[4 * HTTP_LABEL_LEN + 16];
  uint32_t take = ll > HTTP_LABEL_LEN + 1 ? HTTP_LABEL_LEN + 1 : ll;
  size_t l = dx_escape(s, take, lbl, sizeof lbl);
  if (l < HTTP_LABEL_LEN && take == ll) {
    if (memchr(s, 0, ll)) /* (a NUL would end the text: the escaped line) */
      dx_node_set_text(p, n, "%s", lbl);
    else
      dx_node_set_text(p, n, "%.*s", (int)ll, (const char *)s);
    return;
  }
  static const char trunc[] = " [truncated]";
  size_t tl = sizeof trunc - 1;
  size_t k = HTTP_LABEL_LEN - 2 - tl;
  while (k > 0 && ((uint8_t)lbl[k] & 0xc0) == 0x80)
    k--;
  dx_node_set_text(p, n, "%s%.*s", trunc, (int)k, lbl);
}

void dx_text_lines_xml(dx_packet *p, dx_node *parent, const dx_tvb *b) {
  dx_node *x = dx_dissect_xml(p, parent, b);
  if (x && !(x->flags & DX_NODE_GHOST))
    x->v.u |= DX_PROTO_VIA_TEXT_LINES;
}

bool dx_text_is_xml(const dx_tvb *b) {
  static const char decl[] = "<?xml";
  if (b->len <= 38)
    return false;
  for (size_t i = 0; i < sizeof decl - 1; i++)
    if (lower(b->data[i]) != (uint8_t)decl[i])
      return false;
  return true;
}

void dx_http_text_lines(dx_packet *p, dx_node *parent, const dx_tvb *b, const char *mt) {
  /* Count lines first for the label. */
  uint32_t nl = 0;
  for (uint32_t i = 0; i < b->len; i++)
    if (b->data[i] == '\n')
      nl++;
  if (b->len && b->data[b->len - 1] != '\n')
    nl++;
  dx_node *dtl = dx_add_proto(p, parent, FL(F_DTL), b, 0, b->len);
  if (mt && mt[0])
    dx_node_set_text(p, dtl, "Line-based text data: %s (%u lines)", mt, nl);
  else
    dx_node_set_text(p, dtl, "Line-based text data (%u lines)", nl);
  if (!dx_layer_built(p, dtl))
    return;
  uint32_t pos = 0;
  for (uint32_t k = 0; pos < b->len; k++) {
    if (k >= HTTP_MAX_TEXT_LINES) {
      dx_expert(p, dtl, dx_field_limit(), DX_SEV_NOTE, "[%u more lines not shown]",
                nl - HTTP_MAX_TEXT_LINES);
      break;
    }
    const uint8_t *s = b->data + pos;
    const uint8_t *lf = memchr(s, '\n', b->len - pos);
    uint32_t ll = lf ? (uint32_t)(lf - s) + 1 : b->len - pos;
    dx_node *ln = dx_add_none(p, dtl, FL(F_DTL_LINE), b, pos, ll);
    set_line_label(p, ln, s, ll);
    pos += ll;
  }
}

/* A message/http body as tshark's message-http layer: a text item per line,
 * without its line end. */
static void message_http(dx_packet *p, dx_node *parent, const dx_tvb *b) {
  dx_node *mh = dx_add_proto(p, parent, FL(F_MSG_HTTP), b, 0, b->len);
  if (!dx_layer_built(p, mh))
    return;
  uint32_t pos = 0;
  for (uint32_t k = 0; pos < b->len; k++) {
    if (k >= HTTP_MAX_TEXT_LINES) {
      dx_expert(p, mh, dx_field_limit(), DX_SEV_NOTE, "[More lines not shown]");
      break;
    }
    const uint8_t *s = b->data + pos;
    const uint8_t *lf = memchr(s, '\n', b->len - pos);
    uint32_t ll = lf ? (uint32_t)(lf - s) + 1 : b->len - pos;
    uint32_t shown = ll;
    while (shown > 0 && (s[shown - 1] == '\n' || s[shown - 1] == '\r'))
      shown--;
    dx_node *ln = dx_add_none(p, mh, FL(F_MSG_HTTP_LINE), b, pos, ll);
    set_line_label(p, ln, s, shown);
    pos += ll;
  }
}

/* The parameters of a Content-Type value (after its first ';', the ';'s
 * and white space before them skipped), as a string in the packet's arena;
 * NULL when there are none. */
static const char *media_params(dx_packet *p, const dx_tvb *t, span ct) {
  const uint8_t *s = ct.len ? dx_get_ptr(t, ct.off, ct.len) : NULL;
  if (!s)
    return NULL;
  const uint8_t *semi = memchr(s, ';', ct.len);
  if (!semi)
    return NULL;
  uint32_t i = (uint32_t)(semi - s);
  while (i < ct.len && (s[i] == ';' || s[i] == ' ' || s[i] == '\t'))
    i++;
  if (i >= ct.len)
    return NULL;
  const uint8_t *z = memchr(s + i, 0, ct.len - i);
  uint32_t n = z ? (uint32_t)(z - (s + i)) : ct.len - i;
  return dx_arena_strndup(&p->arena, (const char *)s + i, n);
}

void dx_body_cols_info(dx_body_cols *cols, const char *fmt, ...) {
  if (!cols)
    return;
  dx_sb b = {cols->info, sizeof cols->info, cols->len};
  va_list ap;
  va_start(ap, fmt);
  dx_sb_vprintf(&b, fmt, ap);
  va_end(ap);
  cols->len = b.len;
}

static void cols_proto(dx_body_cols *cols, const char *s) {
  size_t n = strlen(s);
  if (cols && cols->plen + n < sizeof cols->proto) {
    memcpy(cols->proto + cols->plen, s, n + 1);
    cols->plen += n;
  }
}

/* A DNS message as the body (or a part of one): tshark's DoH dissector
 * sets the Protocol column to "DoH" and clears Info (past the fence a
 * multipart around it set: its own start in cols->info) before writing
 * its own. DNS writes the packet's columns; they are taken into cols and
 * the packet's put back. */
static void dns_body(dx_packet *p, dx_node *parent, const dx_tvb *b, int depth, dx_body_cols *cols,
                     size_t fence) {
  if (!p->want_columns) {
    dx_dns_body(p, parent, b);
    return;
  }
  const char *proto = p->col_proto;
  size_t keep = p->col_info_len, pfence = p->col_info_fence;
  char *saved = keep ? dx_arena_strndup(&p->arena, p->col_info, keep) : NULL;
  p->col_info_fence = 0; /* (HTTP keeps its own: cols) */
  dx_col_info_clear(p);
  bool bad_done = p->info_bad_done;
  dx_dns_body(p, parent, b);
  static const char mal[] = "[Malformed Packet]";
  const size_t ml = sizeof mal - 1;
  if (p->info_bad_done && !bad_done && p->col_info_len >= ml &&
      memcmp(p->col_info + p->col_info_len - ml, mal, ml) == 0) {
    /* the DNS message's exception: "[Malformed Packet]" ends the whole
     * Info, after HTTP's line, as tshark's (appended when the packet ends) */
    p->col_info_len -= ml;
    p->col_info[p->col_info_len] = 0;
    p->info_bad_done = false;
  }
  if (depth == 0) {
    cols->replace = true;
    cols->len = 0;
  } else {
    cols->len = fence < cols->len ? fence : cols->len;
  }
  cols->info[cols->len] = 0;
  dx_body_cols_info(cols, "%.*s", (int)p->col_info_len, p->col_info ? p->col_info : "");
  cols->doh = true;
  cols->plen = 0;
  cols->proto[0] = 0;
  if (saved)
    dx_col_info_set_str(p, saved, keep);
  else
    dx_col_info_clear(p);
  p->col_info_fence = pfence;
  p->col_proto = proto;
}

/* Whether a reader wants the nodes of a body's text layers (a terse reader
 * who wants none of their fields gets the layers without their walk). */
static bool body_wanted(dx_packet *p) {
  static const int body_fields[] = {F_FILE_DATA,  F_DTL,      F_DTL_LINE,     F_MEDIA,
                                    F_MEDIA_TYPE, F_MSG_HTTP, F_MSG_HTTP_LINE};
  for (size_t i = 0; i < DX_ARRAY_LEN(body_fields); i++)
    if (dx_packet_wants(p, FL(body_fields[i])))
      return true;
  return false;
}

/* tshark's media layer: the type, and its parameters after "; " */
static void media_layer(dx_packet *p, dx_node *parent, const dx_tvb *b, const char *mt,
                        const char *params, bool wanted) {
  dx_node *md = dx_add_proto(p, parent, FL(F_MEDIA), b, 0, b->len);
  if (wanted) {
    dx_node *mtn = dx_add_bytes(p, md, FL(F_MEDIA_TYPE), b, 0, b->len);
    dx_node_set_text(p, mtn, "Media type: %s%s%s (%u byte%s)", mt && mt[0] ? mt : "unknown",
                     params ? "; " : "", params ? params : "", b->len, b->len == 1 ? "" : "s");
  }
}

bool dx_dissect_image(dx_packet *p, int kind, dx_node *parent, const dx_tvb *b,
                      dx_body_cols *cols) {
  switch (kind) {
  case DX_MK_JFIF: return dx_dissect_jfif(p, parent, b, cols);
  case DX_MK_PNG: return dx_dissect_png(p, parent, b, cols);
  case DX_MK_GIF: return dx_dissect_gif(p, parent, b, cols);
  default: return false;
  }
}

bool dx_image_heuristic(dx_packet *p, dx_node *parent, const dx_tvb *b, dx_body_cols *cols) {
  /* (in the order of tshark 4.0's list: their signatures exclude each other) */
  return dx_dissect_png(p, parent, b, cols) || dx_dissect_jfif(p, parent, b, cols) ||
         dx_dissect_gif(p, parent, b, cols);
}

void dx_media_body(dx_packet *p, dx_node *parent, const dx_tvb *b, const char *mt,
                   const char *params, int depth, dx_body_cols *cols) {
  int kind = mt && mt[0] ? dx_media_kind(mt) : DX_MK_DATA;
  bool wanted = body_wanted(p);
  switch (kind) {
  case DX_MK_XML:
    dx_dissect_xml(p, parent, b);
    cols_proto(cols, "/XML");
    break;
  case DX_MK_JSON:
    dx_dissect_json(p, parent, b, mt);
    cols_proto(cols, "/JSON");
    dx_body_cols_info(cols, ", JavaScript Object Notation (%s)", mt);
    break;
  case DX_MK_FORM:
    dx_dissect_form(p, parent, b, mt);
    dx_body_cols_info(cols, " (%s)", mt);
    break;
  case DX_MK_DATA: dx_dissect_data(p, b, parent); break;
  case DX_MK_MESSAGE_HTTP:
    message_http(p, parent, b);
    dx_body_cols_info(cols, " (%s)", mt);
    break;
  case DX_MK_MULTIPART: dx_dissect_multipart(p, parent, b, mt, params, depth, cols); break;
  case DX_MK_DNS: dns_body(p, parent, b, depth, cols, cols->fence); break;
  case DX_MK_OCSP_REQ:
  case DX_MK_OCSP_RESP: /* (tshark's OCSP sets both columns: "OCSP", "Request") */
    dx_ocsp_body(p, parent, b, kind == DX_MK_OCSP_REQ);
    if (cols && depth == 0) {
      cols->replace = true;
      cols->len = 0;
      cols->info[0] = 0;
      dx_body_cols_info(cols, "%s", kind == DX_MK_OCSP_REQ ? "Request" : "Response");
      cols->proto_set = "OCSP";
    }
    break;
  case DX_MK_PKIX_CERT:
    dx_dissect_pkix_cert(p, parent, b);
    dx_body_cols_info(cols, " (%s)", mt);
    break;
  case DX_MK_JFIF:
  case DX_MK_PNG:
  case DX_MK_GIF:
    /* not the image its type says: the media dissector's layer */
    if (!dx_dissect_image(p, kind, parent, b, cols)) {
      media_layer(p, parent, b, mt, params, wanted);
      dx_body_cols_info(cols, " (%s)", mt);
    }
    break;
  case DX_MK_TEXT:
    if (dx_text_is_xml(b)) {
      dx_text_lines_xml(p, parent, b);
      cols_proto(cols, "/XML");
      break;
    }
    if (wanted)
      dx_http_text_lines(p, parent, b, mt);
    else /* the layer itself stays (frame.protocols, the protocol's filter) */
      dx_add_proto(p, parent, FL(F_DTL), b, 0, b->len);
    dx_body_cols_info(cols, " (%s)", mt);
    break;
  default:
    media_layer(p, parent, b, mt, params, wanted);
    dx_body_cols_info(cols, " (%s)", mt);
    break;
  }
}

/* As tshark 4.0's HTTP on a body of media type mt: an image type's
 * dissector that does not take the body is noted ("subdissector failed")
 * and, as for a type no dissector is registered for, the heuristic body
 * dissectors are tried. True if one of them (or the image's own) took
 * it; false leaves the body to dx_media_body (a media layer then). */
static bool heuristic_body(dx_packet *p, dx_node *http, dx_node *parent, const dx_tvb *b,
                           const char *mt, dx_body_cols *cols) {
  int kind = dx_media_kind(mt);
  if (kind == DX_MK_JFIF || kind == DX_MK_PNG || kind == DX_MK_GIF) {
    if (dx_dissect_image(p, kind, parent, b, cols))
      return true;
    dx_expert(p, http, FL(F_SUBDISSECTOR_FAILED), DX_SEV_NOTE,
              "HTTP body subdissector failed, trying heuristic subdissector");
  } else if (kind != DX_MK_MEDIA) {
    return false;
  }
  return dx_image_heuristic(p, parent, b, cols);
}

/* http.file_data over the body tvb, then the body in the layer tshark gives
 * its media type (dx_media_body; any multipart/ type goes to mime_multipart,
 * as tshark's HTTP falls back on its "multipart/" entry). mt NULL:
 * continuation data (text lines if it looks like text); binary: the raw
 * bytes of a body that could not be decoded: shown as media, without
 * http.file_data. Columns into cols. */
static void show_body(dx_packet *p, dx_node *http, dx_node *parent, const dx_tvb *b, const char *mt,
                      const char *params, bool binary, dx_body_cols *cols) {
  if (b->len == 0)
    return;
  if (mt && !mt[0] && !binary) {
    /* a message without Content-Type: its body is data, as in tshark
     * (mitmproxy's 502 reply of samples/browser-proxy.pcap), unless one of
     * the heuristic dissectors takes it */
    if (dx_packet_wants(p, FL(F_FILE_DATA))) {
      const uint8_t *z = memchr(b->data, 0, b->len);
      uint32_t vlen = z ? (uint32_t)(z - b->data) : b->len;
      dx_node *fd =
          dx_add_string(p, http, FL(F_FILE_DATA), b, 0, b->len, (const char *)b->data, vlen);
      dx_node_set_text(p, fd, "File Data: %u bytes", b->len);
    }
    if (!dx_image_heuristic(p, parent, b, cols))
      dx_dissect_data(p, b, http ? http : parent); /* inside HTTP's tree, as tshark's */
    return;
  }
  bool wanted = body_wanted(p);
  if (wanted && !binary) {
    /* A string field: its value stops at the first NUL, as tshark's does. */
    const uint8_t *z = memchr(b->data, 0, b->len);
    uint32_t vlen = z ? (uint32_t)(z - b->data) : b->len;
    dx_node *fd =
        dx_add_string(p, http, FL(F_FILE_DATA), b, 0, b->len, (const char *)b->data, vlen);
    dx_node_set_text(p, fd, "File Data: %u bytes", b->len);
  }
  if (binary) {
    media_layer(p, parent, b, mt, params, wanted);
  } else if (!mt) {
    if (!looks_text(b->data, b->len))
      media_layer(p, parent, b, NULL, NULL, wanted);
    else if (wanted)
      dx_http_text_lines(p, parent, b, NULL);
    else
      dx_add_proto(p, parent, FL(F_DTL), b, 0, b->len);
  } else if (dx_media_kind(mt) == DX_MK_MEDIA && strncmp(mt, "multipart/", 10) == 0) {
    dx_dissect_multipart(p, parent, b, mt, params, 0, cols);
  } else if (heuristic_body(p, http, parent, b, mt, cols)) {
    return;
  } else {
    dx_media_body(p, parent, b, mt, params, 0, cols);
  }
}

/* Content-Encoding: gzip / deflate / x-gzip / br are undone into a new data
 * source; others are noted. Returns the tvb to show (the decoded one, or b). */
static dx_tvb decode_body(dx_packet *p, dx_node *http, const dx_tvb *b, const dx_tvb *t, span cenc,
                          bool *failed) {
  *failed = false;
  char enc[32];
  media_type(t, cenc, enc, sizeof enc);
  if (!enc[0] || strcmp(enc, "identity") == 0 || b->len == 0)
    return *b;
  int kind = strcmp(enc, "gzip") == 0 || strcmp(enc, "x-gzip") == 0 ? 1
             : strcmp(enc, "deflate") == 0                          ? 2
             : strcmp(enc, "br") == 0                               ? 3
                                                                    : 0;
  if (kind == 0) {
    dx_node *n = dx_add_none(p, http, FL(F_ENCODED), b, 0, b->len);
    dx_node_set_text(p, n, "Content-encoded entity body (%s): %u bytes", enc, b->len);
    dx_expert(p, n, FL(F_DECOMP_FAILED), DX_SEV_NOTE, "[Content coding \"%s\" is not decoded]",
              enc);
    return *b;
  }
  uint32_t cap = dx_http_decompress_cap(dx_packet_config(p));
  http_inflated inf;
  int rc = kind == 3 ? dx_http_unbrotli(b->data, b->len, cap, &inf)
                     : dx_http_inflate(b->data, b->len, kind == 1, cap, &inf);
  dx_node *n = dx_add_none(p, http, FL(F_ENCODED), b, 0, b->len);
  if (rc != 0) {
    dx_node_set_text(p, n, "Content-encoded entity body (%s): %u bytes", enc, b->len);
    dx_expert(p, n, FL(F_DECOMP_FAILED), DX_SEV_WARN, "[Decompression failed: %s]",
              inf.error ? inf.error : "invalid data");
    dx_http_inflated_free(&inf);
    *failed = true;
    return *b;
  }
  dx_node_set_text(p, n, "Content-encoded entity body (%s): %u bytes -> %u bytes", enc, b->len,
                   inf.len);
  if (inf.capped)
    dx_expert(p, n, dx_field_limit(), DX_SEV_WARN,
              "[Decompressed body cut at %u bytes (the cap on decompressed bodies)]", cap);
  dx_tvb u = dx_packet_add_source_kind(p, DX_SRC_UNCOMPRESSED, NULL,
                                       inf.data ? inf.data : (const uint8_t *)"", inf.len);
  dx_http_inflated_free(&inf);
  if (u.len == 0 && inf.len != 0) {
    dx_expert(p, n, dx_field_limit(), DX_SEV_WARN,
              "[Too many data sources in one packet: decompressed body not shown]");
    return *b;
  }
  return u;
}

/* ---- tree building ---------------------------------------------------------------- */

/* A node's label is the raw line (CR LF included); outputs escape it. */
static void set_line_text(dx_packet *p, dx_node *n, const dx_tvb *t, uint32_t off, uint32_t len) {
  const uint8_t *s = dx_get_ptr(t, off, len);
  if (n && s)
    dx_node_set_text(p, n, "%.*s", (int)(len < 1000 ? len : 1000), (const char *)s);
}

static int known_header(const uint8_t *name, uint32_t n) {
  if (!n)
    return -1;
  /* (the first letter before the length: most names meet none) */
  int c0 = lower(name[0]);
  for (size_t i = 0; i < DX_ARRAY_LEN(known_headers); i++)
    if (lower((unsigned char)known_headers[i].name[0]) == c0 && ieq(name, n, known_headers[i].name))
      return known_headers[i].field;
  return -1;
}

/* Base64 (RFC 4648) for Basic credentials; returns the decoded length or
 * -1. out has room for 3*n/4 bytes. */
static int b64_decode(const uint8_t *s, uint32_t n, uint8_t *out) {
  uint32_t acc = 0, bits = 0, k = 0;
  for (uint32_t i = 0; i < n; i++) {
    uint8_t c = s[i];
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '+')
      v = 62;
    else if (c == '/')
      v = 63;
    else if (c == '=')
      break;
    else
      return -1;
    acc = (acc << 6) | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[k++] = (uint8_t)(acc >> bits);
    }
  }
  return (int)k;
}

static void header_details(dx_packet *p, dx_node *hn, int field, const dx_tvb *t, uint32_t voff,
                           uint32_t vlen) {
  const uint8_t *v = dx_get_ptr(t, voff, vlen);
  if (!v)
    return;
  if (field == F_H_HTTP2_SETTINGS) {
    dx_http2_settings_header(p, hn, t, voff, vlen);
    return;
  }
  if (field == F_H_CONTENT_LENGTH) {
    uint64_t x = 0;
    bool ok = vlen > 0;
    for (uint32_t i = 0; i < vlen && ok; i++) {
      if (!is_digit(v[i]) || x > (UINT64_MAX - 9) / 10)
        ok = false;
      else
        x = x * 10 + (uint64_t)(v[i] - '0');
    }
    if (ok) {
      dx_node *n = dx_add_uint(p, hn, FL(F_CONTENT_LENGTH), t, voff, vlen, x);
      dx_node_set_flags(n, DX_NODE_GENERATED);
    } else {
      dx_mark_malformed(p, hn, "Content-Length is not a number");
    }
  } else if (field == F_H_COOKIE) {
    uint32_t i = 0;
    for (unsigned k = 0; i < vlen && k < 256; k++) {
      while (i < vlen && (v[i] == ' ' || v[i] == ';'))
        i++;
      uint32_t a = i;
      while (i < vlen && v[i] != ';')
        i++;
      uint32_t e = i;
      while (e > a && v[e - 1] == ' ')
        e--;
      if (e > a)
        dx_add_item(p, hn, FL(F_COOKIE_PAIR), t, voff + a, e - a);
    }
  } else if (field == F_H_AUTHORIZATION || field == F_H_PROXY_AUTHORIZATION) {
    if (vlen > 6 && ieq(v, 6, "basic ")) {
      uint32_t a = 6;
      while (a < vlen && v[a] == ' ')
        a++;
      uint32_t n = vlen - a;
      if (n > 0 && n <= 4096) {
        uint8_t buf[3072 + 4];
        int k = b64_decode(v + a, n, buf);
        if (k >= 0)
          dx_add_string(p, hn, FL(F_AUTHBASIC), t, voff + a, n, (const char *)buf, (size_t)k);
      }
    }
  }
}

static void uri_details(dx_packet *p, dx_node *un, const dx_tvb *t, span u) {
  const uint8_t *s = dx_get_ptr(t, u.off, u.len);
  if (!s)
    return;
  const uint8_t *q = memchr(s, '?', u.len);
  if (!q)
    return;
  uint32_t qi = (uint32_t)(q - s);
  dx_add_item(p, un, FL(F_URI_PATH), t, u.off, qi);
  dx_node *qn = dx_add_item(p, un, FL(F_URI_QUERY), t, u.off + qi + 1, u.len - qi - 1);
  uint32_t i = qi + 1;
  for (unsigned k = 0; i < u.len && k < 256; k++) {
    uint32_t a = i;
    while (i < u.len && s[i] != '&')
      i++;
    if (i > a)
      dx_add_item(p, qn, FL(F_URI_PARAM), t, u.off + a, i - a);
    i++;
  }
}

/* Header nodes: the field for known names (label = the line), with the
 * line itself hidden as http.request.line / http.response.line as tshark
 * does; unknown headers show as the line field. */
static void build_headers(dx_packet *p, dx_node *http, const dx_tvb *t, const http_msg *m) {
  bool req = m->fl.kind == FL_REQUEST;
  const dx_field *linef = FL(req ? F_REQ_LINE : F_RESP_LINE);
  uint32_t pos = m->fl_next;
  for (uint32_t i = 0; pos < m->hdr_end; i++) {
    uint32_t eol, next;
    int r = find_line(t, pos, HTTP_MAX_LINE, &eol, &next);
    if (r <= 0) {
      /* The rest of the bytes: too long a line, or the end of the tvb. */
      uint32_t rest = m->hdr_end - pos;
      dx_node *ln = dx_add_item(p, http, linef, t, pos, rest < 1000 ? rest : 1000);
      dx_node_set_len(ln, rest);
      set_line_text(p, ln, t, pos, rest < 1000 ? rest : 1000);
      if (r < 0)
        dx_expert(p, ln, dx_field_limit(), DX_SEV_WARN,
                  "[Header line longer than %u bytes: the header is not parsed further]",
                  HTTP_MAX_LINE);
      break;
    }
    if (eol == pos) {
      dx_node *e = dx_add_none(p, http, FL(F_END_OF_HEADERS), t, pos, next - pos);
      dx_node_set_text(p, e, "%s", next - pos == 2 ? "\r\n" : "\n");
      break;
    }
    if (i >= HTTP_MAX_LINES) {
      if (i == HTTP_MAX_LINES)
        dx_expert(p, http, dx_field_limit(), DX_SEV_WARN,
                  "[More than %u header lines: the others are not shown]", HTTP_MAX_LINES);
      pos = next;
      continue;
    }
    const uint8_t *s = dx_get_ptr(t, pos, eol - pos);
    uint32_t n = eol - pos, colon = 0;
    while (colon < n && s[colon] != ':')
      colon++;
    int field = colon < n ? known_header(s, colon) : -1;
    dx_node *shown;
    if (field >= 0) {
      uint32_t v = colon + 1;
      while (v < n && (s[v] == ' ' || s[v] == '\t'))
        v++;
      uint32_t ve = n;
      while (ve > v && (s[ve - 1] == ' ' || s[ve - 1] == '\t'))
        ve--;
      shown = dx_add_string(p, http, FL(field), t, pos, next - pos, (const char *)s + v, ve - v);
      set_line_text(p, shown, t, pos, next - pos);
      header_details(p, shown, field, t, pos + v, ve - v);
      dx_node *ln = dx_add_item(p, http, linef, t, pos, next - pos);
      dx_node_set_flags(ln, DX_NODE_HIDDEN);
    } else {
      shown = dx_add_item(p, http, linef, t, pos, next - pos);
      set_line_text(p, shown, t, pos, next - pos);
    }
    /* Header names are tokens (RFC 9110 5.1); obs-fold lines start with
     * white space. */
    bool bad = colon >= n || colon == 0;
    for (uint32_t k = 0; k < colon && !bad; k++)
      if (!is_tchar(s[k]))
        bad = true;
    if (bad && !(n > 0 && (s[0] == ' ' || s[0] == '\t')))
      dx_expert(p, shown, FL(F_BAD_HEADER_NAME), DX_SEV_WARN,
                "[Illegal characters found in header name]");
    pos = next;
  }
  if (m->line_too_long && pos >= m->hdr_end)
    dx_expert(p, http, dx_field_limit(), DX_SEV_WARN, "[Header line longer than %u bytes]",
              HTTP_MAX_LINE);
  if (m->too_big)
    dx_expert(p, http, dx_field_limit(), DX_SEV_WARN,
              "[Header block larger than %u bytes: the message is not parsed further]",
              HTTP_MAX_HEADER_BYTES);
}

/* ---- Info column ---------------------------------------------------------------- */

static const char info_proto[] = "HTTP";
/* after a message with an XML or JSON body, as tshark's xml and json
 * dissectors append it */
static const char info_proto_xml[] = "HTTP/XML";
static const char info_proto_json[] = "HTTP/JSON";

static const char info_proto_doh[] = "DoH";
static const char info_proto_ssdp[] = "SSDP";

/* True if HTTP wrote the Protocol column (and Info) of this packet ("HTTP",
 * "HTTP/JSON", "HTTP/XML/JSON", ... or "DoH"). */
static bool info_ours(const dx_packet *p) {
  const char *c = p->col_proto;
  return c == info_proto || c == info_proto_xml || c == info_proto_json || c == info_proto_doh ||
         c == info_proto_ssdp || (c && strncmp(c, "HTTP/", 5) == 0) ||
         (c && strncmp(c, "DoH/", 4) == 0);
}

/* The first line (and the media type) into Info: replaced on the first
 * message of the packet, appended for the following ones. */
static void info_message(dx_packet *p, const dx_tvb *t, const http_msg *m,
                         const dx_body_cols *cols) {
  if (!p->want_columns)
    return;
  const uint8_t *s = dx_get_ptr(t, m->start, m->fl_eol - m->start);
  uint32_t n = m->fl_eol - m->start;
  if (!s)
    return;
  bool first = !info_ours(p);
  if (cols->replace) {
    /* a DNS message (DoH) wrote the whole Info */
    if (first)
      dx_col_info_set(p, "%s", cols->info);
    else
      dx_col_info_append(p, "%s", cols->info);
  } else {
    char line[600];
    size_t k = 0;
    for (uint32_t i = 0; i < n && k + 1 < sizeof line; i++)
      line[k++] = s[i] ? (char)s[i] : '.';
    line[k] = 0;
    if (first)
      dx_col_info_set(p, "%s %s", line, cols->info);
    else
      dx_col_info_append(p, "%s %s", line, cols->info);
  }
  /* The Protocol column: HTTP (or DoH) and what the body's layers append */
  if (cols->proto_set) {
    dx_col_set_proto(p, cols->proto_set);
    return;
  }
  const char *base = cols->doh ? info_proto_doh : m->ssdp ? info_proto_ssdp : info_proto;
  if (!cols->plen)
    dx_col_set_proto(p, base);
  else if (base == info_proto && strcmp(cols->proto, "/XML") == 0)
    dx_col_set_proto(p, info_proto_xml);
  else if (base == info_proto && strcmp(cols->proto, "/JSON") == 0)
    dx_col_set_proto(p, info_proto_json);
  else {
    char pr[64];
    int k = snprintf(pr, sizeof pr, "%s%s", base, cols->proto);
    if (k > 0)
      dx_col_set_proto(
          p, dx_arena_strndup(&p->arena, pr, (size_t)k < sizeof pr ? (size_t)k : sizeof pr - 1));
  }
}

static void info_continuation(dx_packet *p) {
  if (!info_ours(p))
    dx_col_info_set(p, "Continuation");
  else
    dx_col_info_append(p, "Continuation");
  dx_col_set_proto(p, info_proto);
}

/* ---- continuation data -------------------------------------------------------------- */

static void leading_crlf(dx_packet *p, dx_node *http, const dx_tvb *t, uint32_t off, uint32_t len);

/* Bytes that are not the start of a message: the rest of a body we did not
 * reassemble, data after a protocol switch, or anything else. */
static uint32_t dissect_continuation(dx_packet *p, const dx_tvb *t, uint32_t off, uint32_t len,
                                     dx_node *parent, bool as_data) {
  dx_tvb b = dx_tvb_sub(t, off, len);
  dx_node *http = dx_add_proto(p, parent, FL(F_HTTP), &b, 0, b.len);
  dx_body_cols cols = {.len = 0};
  uint8_t c0 = 0, c1 = 0, c2 = 0;
  if (as_data && dx_get_u8(&b, 0, &c0) && dx_get_u8(&b, 1, &c1) && dx_get_u8(&b, 2, &c2) &&
      c0 == '\r' && c1 == '\n' && c2 >= 0x20 && c2 < 0x7f) {
    /* (tshark takes a CR LF before a printable line as the end of the
     * previous message, and the rest as data) */
    leading_crlf(p, http, &b, 0, 2);
    b = dx_tvb_sub(&b, 2, UINT32_MAX);
  }
  if (as_data && !(dx_get_u8(&b, 0, &c0) && c0 >= 0x20 && c0 < 0x7f))
    /* tshark 4.0 gives such bytes a File Data item only when they start
     * with a printable character (checked with tshark: a tab, a line end,
     * a NUL or a UTF-8 lead byte first: none) */
    dx_dissect_data(p, &b, http);
  else
    show_body(p, http, parent, &b, as_data ? "" : NULL, NULL, false, &cols);
  info_continuation(p);
  return len;
}

/* ---- one message ------------------------------------------------------------------- */

enum { MSG_DONE, MSG_MORE, MSG_NOT_HTTP };

/* True if asking for more bytes makes sense: a stream, and not its last
 * bytes (tshark's end_of_stream). */
static bool can_wait(const dx_packet *p) {
  return dx_in_stream(p) && !p->stream_end;
}

static uint32_t stream_cap(const dx_packet *p) {
  const dx_config *cfg = dx_packet_config(p);
  return cfg && cfg->max_stream_bytes ? cfg->max_stream_bytes : (1u << 20);
}

/* Frames the message at `off`: MSG_DONE with m filled, MSG_MORE with *need
 * set, or MSG_NOT_HTTP. Changes nothing. */
static int frame_message(dx_packet *p, const dx_tvb *t, uint32_t off, http_conv *cv, bool strict,
                         http_msg *m, uint32_t *need) {
  memset(m, 0, sizeof *m);
  /* Leading empty lines (RFC 9112 2.2: a recipient SHOULD ignore them). */
  uint32_t s = off;
  uint8_t c;
  while (s - off < 16 && dx_get_u8(t, s, &c) && (c == '\r' || c == '\n'))
    s++;
  m->start = s;
  m->lead = s - off;
  if (s >= t->len) {
    if (can_wait(p) && m->lead < 16) {
      *need = DX_DESEGMENT_ONE_MORE;
      return MSG_MORE;
    }
    return MSG_NOT_HTTP;
  }
  int r = find_line(t, s, HTTP_MAX_LINE, &m->fl_eol, &m->fl_next);
  if (r != 1 && !strict && s == off && t->len >= t->reported && can_wait(p)) {
    /* as tshark's dissect_http_message(): text (a printable first byte)
     * with no line end (CR or LF) in it waits for more bytes whatever it
     * is, so a line cut by a segment boundary is read whole */
    const uint8_t *b = dx_get_ptr(t, s, t->len - s);
    if (b && b[0] >= 0x20 && b[0] < 0x7f && !memchr(b, '\n', t->len - s) &&
        !memchr(b, '\r', t->len - s)) {
      *need = DX_DESEGMENT_ONE_MORE;
      return MSG_MORE;
    }
  }
  if (r == 0) {
    const uint8_t *b = dx_get_ptr(t, s, t->len - s);
    /* (bytes the capture cut off never come: no waiting for them) */
    bool cut = t->len < t->reported;
    if (b && !cut && first_line_prefix(b, t->len - s, strict) && can_wait(p)) {
      *need = DX_DESEGMENT_ONE_MORE;
      return MSG_MORE;
    }
    if (b && cut && cut_first_line(b, t->len - s, &m->fl)) {
      if (m->fl.kind == FL_RESPONSE)
        m->match = pending_front(cv);
      m->fl.a.off += s;
      m->fl.b.off += s;
      m->fl.c.off += s;
      m->fl_eol = m->fl_next = m->hdr_end = m->body_off = m->end = t->len;
      m->body = BODY_NONE;
      m->cut = true;
      return MSG_DONE;
    }
    return MSG_NOT_HTTP;
  }
  if (r < 0)
    return MSG_NOT_HTTP;
  const uint8_t *line = dx_get_ptr(t, s, m->fl_eol - s);
  if (!line || parse_first_line(line, m->fl_eol - s, strict, &m->fl) == FL_NONE)
    return MSG_NOT_HTTP;
  m->fl.a.off += s;
  m->fl.b.off += s;
  m->fl.c.off += s;
  if (!scan_headers(m, t, can_wait(p))) {
    *need = DX_DESEGMENT_ONE_MORE;
    return MSG_MORE;
  }
  m->body_off = m->hdr_end;
  m->end = m->hdr_end;
  if (!m->hdr_complete) {
    m->body = BODY_NONE;
    m->end = t->len;
    return MSG_DONE;
  }
  /* RFC 9112 6.3: how long the body is. */
  bool req = m->fl.kind == FL_REQUEST;
  if (!req) {
    m->match = pending_front(cv);
    unsigned code = m->fl.code;
    if ((code >= 100 && code < 200) || code == 204 || code == 304 || (m->match && m->match->head) ||
        (m->match && m->match->connect && code >= 200 && code < 300))
      m->body = BODY_NONE;
    else if (m->chunked)
      m->body = BODY_CHUNKED;
    else if (m->have_cl && !m->te_seen)
      m->body = BODY_LENGTH;
    else
      m->body = BODY_CLOSE;
  } else {
    if (m->chunked)
      m->body = BODY_CHUNKED;
    else if (m->have_cl && !m->te_seen)
      m->body = BODY_LENGTH;
    else
      m->body = BODY_NONE;
  }
  uint32_t avail = dx_tvb_avail(t, m->body_off);
  uint32_t hdr = m->hdr_end - off;
  switch (m->body) {
  case BODY_NONE: break;
  case BODY_LENGTH:
    if (m->cl <= avail) {
      m->body_len = (uint32_t)m->cl;
    } else if (can_wait(p) && m->cl <= stream_cap(p) && hdr + m->cl <= stream_cap(p)) {
      *need = (uint32_t)(m->cl - avail);
      return MSG_MORE;
    } else {
      /* Too large to reassemble: show what is here, the rest follows as
       * continuation. */
      m->body_len = avail;
      m->body_left = m->cl - avail;
    }
    break;
  case BODY_CHUNKED: {
    chunk_walk w;
    m->chunk_status = walk_chunks(p, t, m->body_off, &w, NULL, NULL);
    if (m->chunk_status == CH_DONE) {
      m->body_len = w.end - m->body_off;
    } else if (m->chunk_status == CH_MORE && can_wait(p)) {
      uint32_t have = t->len - off;
      uint32_t more = w.need == DX_DESEGMENT_ONE_MORE ? 1 : w.need;
      if (have <= stream_cap(p) && more <= stream_cap(p) - have) {
        /* Like tshark, ask for "one more" segment, so each segment of a
         * chunked body is shown with the status line. Past
         * HTTP_CHUNK_EXACT_AFTER bytes ask for the exact rest of the chunk
         * instead: each new call copies the whole pending message. */
        *need = have < HTTP_CHUNK_EXACT_AFTER ? DX_DESEGMENT_ONE_MORE : w.need;
        return MSG_MORE;
      }
      m->body_len = avail;
    } else {
      m->body_len = avail;
    }
    break;
  }
  case BODY_CLOSE:
    /* Delimited by the end of the connection (RFC 9112 6.3 item 8). Over
     * TCP, as tshark: the message is kept until the server's FIN and shown
     * there whole (unless the capture cut it: those bytes never come).
     * Elsewhere (over TLS, where tshark never shows it), or once the FIN
     * came or the cap was reached: what is here now, the rest as
     * continuation. */
    if (dx_stream_may_wait_for_fin(p) && t->len == t->reported) {
      *need = DX_DESEGMENT_UNTIL_FIN;
      return MSG_MORE;
    }
    m->body_len = avail;
    if (p->stream_end != DX_STREAM_END)
      m->body_left = HTTP_UNTIL_CLOSE;
    break;
  }
  m->end = m->body_off + m->body_len;
  return MSG_DONE;
}

/* True if the request method is CONNECT. */
static bool is_connect(const dx_tvb *t, const http_msg *m) {
  const uint8_t *meth = dx_get_ptr(t, m->fl.a.off, m->fl.a.len);
  return meth && m->fl.a.len == 7 && memcmp(meth, "CONNECT", 7) == 0;
}

/* GENA's NOTIFY, SUBSCRIBE and UNSUBSCRIBE (UPnP eventing, SSDP's
 * announcements), after RFC 2774's "M-" prefix, as tshark tells them from
 * requests: no request number, no response waited for. */
static bool is_notification(const dx_tvb *t, const http_msg *m) {
  const uint8_t *s = dx_get_ptr(t, m->fl.a.off, m->fl.a.len);
  uint32_t n = m->fl.a.len;
  if (!s || m->fl.kind != FL_REQUEST)
    return false;
  if (n >= 2 && s[0] == 'M' && s[1] == '-') {
    s += 2;
    n -= 2;
  }
  return (n == 6 && memcmp(s, "NOTIFY", 6) == 0) || (n == 9 && memcmp(s, "SUBSCRIBE", 9) == 0) ||
         (n == 11 && memcmp(s, "UNSUBSCRIBE", 11) == 0);
}

/* tshark's item for the CR LF before a message (or continuation data): an
 * error of its own, as its proto_tree_add_expert() shows it. */
static void leading_crlf(dx_packet *p, dx_node *http, const dx_tvb *t, uint32_t off, uint32_t len) {
  static const char msg[] = "Leading CRLF previous message in the stream may have extra CRLF";
  dx_node *n = dx_add_none(p, http, FL(F_LEADING_CRLF), t, off, len);
  dx_node_set_text(p, n, "%s", msg);
  dx_expert(p, n, dx_field_expert(), DX_SEV_ERROR, "%s", msg);
}

/* Adds the tree of a framed message and updates the connection state. */
static void build_message(dx_packet *p, const dx_tvb *t, uint32_t off, http_conv *cv, http_msg *m,
                          dx_node *parent) {
  bool req = m->fl.kind == FL_REQUEST;
  bool notify = is_notification(t, m);
  bool seen_request = cv && cv->count > 0; /* (before this message's exchange) */
  if (cv && req)
    cv->saw_request = true;
  dx_node *http =
      dx_add_proto(p, parent, m->ssdp ? &ssdp_fields[0] : FL(F_HTTP), t, off, m->end - off);
  if (m->lead)
    leading_crlf(p, http, t, m->start - m->lead, m->lead);
  /* First line */
  uint32_t fl_len = m->fl_next - m->start;
  dx_node *fn = dx_add_uint(p, http,
                            FL(notify ? F_NOTIFICATION
                               : req  ? F_REQUEST
                                      : F_RESPONSE),
                            t, m->start, fl_len, 1);
  set_line_text(p, fn, t, m->start, fl_len);
  {
    const uint8_t *s = dx_get_ptr(t, m->start, fl_len);
    if (s)
      dx_expert(p, fn, FL(F_CHAT), DX_SEV_CHAT, "%.*s", (int)(fl_len < 400 ? fl_len : 400),
                (const char *)s);
  }
  char full_uri[HTTP_MAX_URI + 1];
  full_uri[0] = 0;
  if (req) {
    dx_add_item(p, fn, FL(F_METHOD), t, m->fl.a.off, m->fl.a.len);
    dx_node *un = dx_add_item(p, fn, FL(F_URI), t, m->fl.b.off, m->fl.b.len);
    uri_details(p, un, t, m->fl.b);
    if (m->fl.c.len || !m->cut)
      dx_add_item(p, fn, FL(F_REQ_VERSION), t, m->fl.c.off, m->fl.c.len);
  } else {
    dx_add_item(p, fn, FL(F_RESP_VERSION), t, m->fl.a.off, m->fl.a.len);
    dx_add_uint(p, fn, FL(F_CODE), t, m->fl.b.off, 3, m->fl.code);
    const char *desc = dx_val_name(dx_http_status_vals, m->fl.code);
    if (desc) {
      dx_node *d = dx_add_string(p, fn, FL(F_CODE_DESC), t, m->fl.b.off, 3, desc, strlen(desc));
      dx_node_set_flags(d, DX_NODE_GENERATED);
    }
    dx_add_item(p, fn, FL(F_PHRASE), t, m->fl.c.off, m->fl.c.len);
  }
  build_headers(p, http, t, m);
  if (m->cl_bad)
    dx_mark_malformed(p, http, "Content-Length is not a number");
  if (m->cl_conflict)
    dx_mark_malformed(p, http, "several different Content-Length values");
  if (m->have_cl && m->te_seen)
    dx_expert(p, http, FL(F_TE_AND_LENGTH), DX_SEV_WARN,
              "[The Content-Length and Transfer-Encoding header must not be set together]");
  if (m->te_other)
    dx_expert(p, http, FL(F_TE_UNKNOWN), DX_SEV_WARN,
              "[Transfer-Encoding without chunked as the last coding]");

  /* Generated fields and the connection state. */
  if (req) {
    const uint8_t *u = dx_get_ptr(t, m->fl.b.off, m->fl.b.len);
    const uint8_t *h = m->host.len ? dx_get_ptr(t, m->host.off, m->host.len) : NULL;
    /* the URI as http.request.uri reads it (ENC_ASCII); the host as the
     * header's bytes, as tshark builds it ("http://exé.test/caf\ufffd\ufffd");
     * an empty target too, and any other target without a scheme ("*" of
     * OPTIONS, M-SEARCH and NOTIFY: "http://239.255.255.250:1900*") */
    bool scheme = u && m->fl.b.len > 7 && icontains(u, m->fl.b.len < 12 ? m->fl.b.len : 12, "://");
    if (h && (m->fl.b.len == 0 || (u && (u[0] == '/' || (!scheme && !is_connect(t, m)))))) {
      int w = snprintf(full_uri, sizeof full_uri, "%s://%.*s",
                       p->bstream && p->bstream->kind &&
                               p->bstream->kind->port_table == DX_TABLE_TLS_PORT
                           ? "https"
                           : "http",
                       (int)m->host.len, (const char *)h);
      if (w > 0 && (size_t)w < sizeof full_uri)
        dx_ascii_copy(full_uri + w, sizeof full_uri - (size_t)w, u, m->fl.b.len);
    } else if (scheme) {
      dx_ascii_copy(full_uri, sizeof full_uri, u, m->fl.b.len);
    } else if (u && m->fl.b.len > 0 && is_connect(t, m)) {
      /* CONNECT's authority form (RFC 9110 9.3.6) is the whole URI, as tshark has it */
      dx_ascii_copy(full_uri, sizeof full_uri, u, m->fl.b.len);
    }
    /* control bytes stay (escaped when shown): tshark's http.request.full_uri
     * of "GET /a\x01b" is "http://x/a\001b" */
    if (full_uri[0]) {
      dx_node *n =
          dx_add_string(p, http, FL(F_FULL_URI), t, m->start, 0, full_uri, strlen(full_uri));
      dx_node_set_flags(n, DX_NODE_GENERATED);
    }
    http_exch *e = NULL, *prev = NULL;
    if (cv && !notify) {
      uint32_t last = cv->count;
      e = exch_new(cv);
      prev = exch_get(cv, last); /* after: the ring may have grown */
      if (!e) {
        dx_expert(p, http, dx_field_limit(), DX_SEV_NOTE,
                  "[Request %u not remembered for its response: the session's byte budget "
                  "(%llu bytes) is used up]",
                  cv->count, (unsigned long long)cv->budget_max);
        if (prev && prev->req_frame) {
          dx_node *n = dx_add_uint(p, http, FL(F_PREV_REQ_IN), t, m->start, 0, prev->req_frame);
          dx_node_set_flags(n, DX_NODE_GENERATED);
        }
      }
    }
    if (e) {
      e->req_frame = p->num;
      e->req_sec = p->frame.ts_sec;
      e->req_nsec = (int32_t)p->frame.ts_nsec;
      const uint8_t *meth = dx_get_ptr(t, m->fl.a.off, m->fl.a.len);
      e->head = meth && m->fl.a.len == 4 && memcmp(meth, "HEAD", 4) == 0;
      e->connect = is_connect(t, m);
      if (e->connect)
        e->connect_port = authority_port(dx_get_ptr(t, m->fl.b.off, m->fl.b.len), m->fl.b.len);
      if (full_uri[0] && !uri_keep(cv, e, full_uri))
        dx_expert(p, http, dx_field_limit(), DX_SEV_NOTE,
                  "[Request URI not remembered for its response: the session's byte budget "
                  "(%llu bytes) is used up]",
                  (unsigned long long)cv->budget_max);
      dx_node *n = dx_add_uint(p, http, FL(F_REQ_NUM), t, m->start, 0, e->number);
      dx_node_set_flags(n, DX_NODE_GENERATED);
      dx_node_set_text(p, n, "HTTP request %u/%u", e->number, cv->count);
      if (prev && prev->req_frame) {
        n = dx_add_uint(p, http, FL(F_PREV_REQ_IN), t, m->start, 0, prev->req_frame);
        dx_node_set_flags(n, DX_NODE_GENERATED);
      }
      if (cv->pcount >= HTTP_MAX_EXCH) {
        dx_expert(p, http, dx_field_limit(), DX_SEV_WARN,
                  "[More than %u requests waiting for a response on this connection: the "
                  "oldest is forgotten]",
                  HTTP_MAX_EXCH);
        pending_pop(cv);
      }
      cv->pending[(cv->phead + cv->pcount) & (cv->ex_cap - 1)] = e->number;
      cv->pcount++;
    }
  } else if (cv) {
    unsigned code = m->fl.code;
    http_exch *e = NULL;
    /* An interim (1xx) response answers no request by itself, but tshark
     * counts it as an exchange of its own when no request is pending. */
    if (m->match && !(code >= 100 && code < 200 && code != 101)) {
      e = m->match;
      pending_pop(cv);
    } else if (m->match) {
      e = NULL;
    }
    if (!e && !(m->match && code >= 100 && code < 200 && code != 101))
      e = exch_new(cv);
    if (e) {
      e->resp_frame = p->num;
      dx_node *n = dx_add_uint(p, http, FL(F_RESP_NUM), t, m->start, 0, e->number);
      dx_node_set_flags(n, DX_NODE_GENERATED);
      dx_node_set_text(p, n, "HTTP response %u/%u", e->number, cv->count);
      if (e->req_frame) {
        int64_t ds = dx_sec_diff(p->frame.ts_sec, e->req_sec);
        int64_t dn = (int64_t)p->frame.ts_nsec - e->req_nsec;
        if (dn < 0) {
          dn += 1000000000;
          ds--;
        }
        n = dx_add_time(p, http, FL(F_TIME), t, m->start, 0, ds, (int32_t)dn);
        dx_node_set_flags(n, DX_NODE_GENERATED);
      }
      http_exch *prev = exch_get(cv, e->number - 1);
      if (prev && prev->req_frame) {
        n = dx_add_uint(p, http, FL(F_PREV_REQ_IN), t, m->start, 0, prev->req_frame);
        dx_node_set_flags(n, DX_NODE_GENERATED);
      }
      if (prev && prev->resp_frame) {
        n = dx_add_uint(p, http, FL(F_PREV_RESP_IN), t, m->start, 0, prev->resp_frame);
        dx_node_set_flags(n, DX_NODE_GENERATED);
      }
      if (e->req_frame) {
        n = dx_add_uint(p, http, FL(F_REQUEST_IN), t, m->start, 0, e->req_frame);
        dx_node_set_flags(n, DX_NODE_GENERATED);
      }
      if (e->uri) {
        n = dx_add_string(p, http, FL(F_RESP_FOR_URI), t, m->start, 0, e->uri, strlen(e->uri));
        dx_node_set_flags(n, DX_NODE_GENERATED);
      }
      if (code == 101 || (e->connect && code >= 200 && code < 300))
        cv->tunnel = true;
      if (e->connect && code >= 200 && code < 300)
        connect_tunnel(p, e);
      if (code == 101)
        dx_http2_upgrade(p, t, m->start, m->hdr_end - m->start);
    }
  }

  /* The body. */
  char mt[128];
  media_type(t, m->ctype, mt, sizeof mt);
  dx_tvb body = {0};
  bool have_body = false;
  if (m->body == BODY_CHUNKED && m->body_len > 0) {
    dx_node *ct = dx_add_none(p, http, FL(F_CHUNKED), t, m->body_off, m->body_len);
    dx_node_set_text(p, ct, req ? "HTTP chunked request" : "HTTP chunked response");
    chunk_walk w;
    int st = walk_chunks(p, t, m->body_off, &w, NULL, NULL);
    uint8_t *buf = dx_arena_alloc(&p->arena, w.data_total ? w.data_total : 1);
    chunk_walk w2;
    walk_chunks(p, t, m->body_off, &w2, ct, buf);
    if (st == CH_BAD) {
      dx_mark_malformed(p, ct, "%s", w.why);
    } else if (st == CH_MORE) {
      dx_expert(p, ct, dx_field_limit(), DX_SEV_WARN,
                "[Chunked body incomplete: the rest was not reassembled]");
    } else if (buf) {
      body = dx_packet_add_source_kind(p, DX_SRC_DECHUNKED, NULL, buf, w.data_total);
      have_body = body.len > 0 || w.data_total == 0;
      if (!have_body)
        dx_expert(p, ct, dx_field_limit(), DX_SEV_WARN,
                  "[Too many data sources in one packet: de-chunked body not shown]");
    }
  } else if (m->body_len > 0) {
    body = dx_tvb_sub(t, m->body_off, m->body_len);
    have_body = true;
    if (m->body_left)
      dx_expert(p, http, dx_field_limit(), DX_SEV_NOTE,
                m->body_left == HTTP_UNTIL_CLOSE
                    ? "[Body delimited by the end of the connection: the rest follows as "
                      "continuation]"
                    : "[Body larger than the reassembly cap: the rest follows as continuation]");
  }
  dx_body_cols cols = {.len = 0};
  const char *params = media_params(p, t, m->ctype);
  if (have_body && body.len > 0 && m->body_left == 0) {
    bool failed;
    dx_tvb shown = decode_body(p, http, &body, t, m->cenc, &failed);
    show_body(p, http, parent, &shown, mt, params, failed, &cols);
  } else if (have_body && body.len > 0) {
    show_body(p, http, parent, &body, mt, params, false, &cols);
  }
  if (m->cut) {
    /* as tshark, which finds no complete first line: "Continuation" in a
     * connection that has had a request, else the columns stay TCP's */
    if (seen_request) {
      info_continuation(p);
      if (m->ssdp)
        dx_col_set_proto(p, info_proto_ssdp);
    }
    /* (tshark marks it over TCP, where its HTTP asks for the bytes to
     * reassemble the headers; over UDP nothing asks for them) */
    if (!m->ssdp)
      dx_mark_truncated(p, http, "the capture's snapshot length cut the HTTP message");
  } else {
    info_message(p, t, m, &cols);
  }
  if (cv && m->body_left) {
    int dir = p->flow_dir ? 1 : 0;
    cv->body_left[dir] = m->body_left;
  }
}

/* ---- entry points --------------------------------------------------------------------- */

static uint32_t dissect_stream(dx_packet *p, const dx_tvb *t, dx_node *parent, bool strict) {
  http_conv *cv = conv_get(p);
  int dir = p->flow_dir ? 1 : 0;
  uint32_t off = 0;
  for (unsigned k = 0; off < t->len; k++) {
    if (k >= HTTP_MAX_MESSAGES) {
      dx_node *n = dx_add_proto(p, parent, FL(F_HTTP), t, off, t->len - off);
      dx_expert(p, n, dx_field_limit(), DX_SEV_WARN,
                "[More than %u HTTP messages in one segment: the rest is not dissected]",
                HTTP_MAX_MESSAGES);
      return t->len;
    }
    uint32_t left = t->len - off;
    if (cv && cv->tunnel) {
      off += dissect_continuation(p, t, off, left, parent, false);
      continue;
    }
    if (cv && cv->body_left[dir]) {
      uint32_t take = cv->body_left[dir] < left ? (uint32_t)cv->body_left[dir] : left;
      if (cv->body_left[dir] != HTTP_UNTIL_CLOSE)
        cv->body_left[dir] -= take;
      off += dissect_continuation(p, t, off, take, parent, false);
      continue;
    }
    http_msg m;
    uint32_t need = 0;
    int r = frame_message(p, t, off, cv, strict && off == 0, &m, &need);
    if (r == MSG_MORE) {
      p->desegment_offset = off;
      p->desegment_len = need;
      /* tshark shows the first line of a message while it waits for the
       * rest of it. */
      if (m.fl.kind != FL_NONE && off == 0) {
        dx_body_cols none = {.len = 0};
        info_message(p, t, &m, &none);
      }
      return off;
    }
    if (r == MSG_NOT_HTTP) {
      if (off == 0 && strict)
        return 0;
      /* as tshark's dissect_http_message(): bytes that are not a message
       * are HTTP's "Continuation" only once the connection has had a
       * request; before that they are taken and nothing is shown (the
       * columns stay TCP's: a port 80 connection of another protocol), but
       * text goes to follow,http as tshark's tap has it */
      if (cv && !cv->saw_request && !m.cut) {
        uint8_t c0 = 0;
        if (dx_get_u8(t, off, &c0) && c0 >= 0x20 && c0 < 0x7f) {
          dx_node *o = dx_add_bytes(p, parent, FL(F_OTHER_DATA), t, off, left);
          if (o)
            dx_node_set_flags(o, DX_NODE_HIDDEN);
        }
        return t->len;
      }
      /* (bytes that start no message, e.g. the middle of a body whose
       * start was lost: data inside HTTP's tree, as tshark 4.0 shows them) */
      off += dissect_continuation(p, t, off, left, parent, true);
      continue;
    }
    build_message(p, t, off, cv, &m, parent);
    off = m.end > off ? m.end : off + 1;
  }
  return off;
}

static uint32_t dissect_http(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  if (dx_http2_is_preface(t)) /* HTTP/2 with prior knowledge: the HTTP/2 heuristic takes it */
    return 0;
  return dissect_stream(p, t, parent, false);
}

/* Heuristic for any TCP port: the bytes start with a request line
 * (METHOD SP target SP HTTP/1.x) or a status line (HTTP/1.x SP 3DIGIT). */
static uint32_t heur_http(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  uint32_t eol, next;
  if (find_line(t, 0, HTTP_MAX_LINE, &eol, &next) != 1)
    return 0;
  const uint8_t *s = dx_get_ptr(t, 0, eol);
  first_line fl;
  if (!s || parse_first_line(s, eol, true, &fl) == FL_NONE)
    return 0;
  return dissect_stream(p, t, parent, true);
}

/* SSDP: one HTTP message in each datagram to or from UDP port 1900, as
 * tshark's dissect_ssdp() (no reassembly: a message cut by the datagram's
 * end is shown as far as it goes). Requests and responses are numbered
 * per UDP conversation, as tshark's; an M-SEARCH goes to a multicast
 * group and its answers come from each device's own address, so they are
 * other conversations and not matched to it. */
static http_conv *ssdp_conv(dx_packet *p) {
  int dir;
  dx_flow *fl = p->in_icmp_error ? NULL : dx_flow_find(p, &dir);
  if (!fl)
    return NULL;
  if (fl->app_data)
    return fl->app_free == conv_free ? fl->app_data : NULL;
  http_conv *c = conv_new(p);
  if (c) {
    fl->app_data = c;
    fl->app_free = conv_free;
  }
  return c;
}

static uint32_t dissect_ssdp(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  if (t->len == 0)
    return 0;
  http_conv *cv = ssdp_conv(p);
  http_msg m;
  uint32_t need = 0;
  /* (no stream: frame_message() never waits for more bytes here) */
  if (frame_message(p, t, 0, cv, false, &m, &need) != MSG_DONE) {
    /* not a request or a status line: tshark says "Continuation" once the
     * conversation has had a request, and before that shows nothing at all
     * (no SSDP layer, no data: the bytes stay UDP's payload item) */
    if (!cv || cv->count == 0)
      return t->len;
    dx_node *n = dx_add_proto(p, parent, &ssdp_fields[0], t, 0, t->len);
    dx_dissect_data(p, t, n);
    dx_col_set_proto(p, info_proto_ssdp);
    dx_col_info_set(p, "Continuation");
    return t->len;
  }
  m.ssdp = true;
  m.body_left = 0; /* the datagram holds all there is */
  build_message(p, t, 0, cv, &m, parent);
  return t->len;
}

static const dx_reg ssdp_regs[] = {{DX_TABLE_UDP_PORT, 1900}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_ssdp = {
    .name = "ssdp",
    .label = "Simple Service Discovery Protocol",
    .fields = ssdp_fields,
    .nfields = DX_ARRAY_LEN(ssdp_fields),
    .dissect = dissect_ssdp,
    .regs = ssdp_regs,
};

static const dx_reg http_regs[] = {{DX_TABLE_TCP_PORT, 80},
                                   {DX_TABLE_TCP_PORT, 8080},
                                   {DX_TABLE_TCP_PORT, 8000},
                                   {DX_TABLE_TCP_PORT, 3128},
                                   {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_http = {
    .name = "http",
    .label = "Hypertext Transfer Protocol",
    .fields = http_fields,
    .nfields = DX_ARRAY_LEN(http_fields),
    .dissect = dissect_http,
    .regs = http_regs,
    .heuristic_tcp = heur_http,
};
