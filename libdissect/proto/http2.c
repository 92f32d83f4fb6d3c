/*
 * HTTP/2 (RFC 9113) with HPACK (RFC 7541) header compression.
 *
 * Reached by the heuristic on the client connection preface (cleartext
 * "prior knowledge"), by the TLS ALPN "h2", or after an HTTP/1.1
 * "Upgrade: h2c" (dx_http2_upgrade). One call may hold several frames and
 * may end inside one: then we ask for the missing bytes (desegmentation
 * contract, dx.h) and are called again with the frame whole. A frame is
 * dissected, and the connection state changed, only once it is complete.
 *
 * Per-connection state (dx_app_data): one HPACK inflater per direction
 * (libnghttp2), the header block being collected over HEADERS/PUSH_PROMISE
 * + CONTINUATION frames (concatenated, bounded, inflated at END_HEADERS),
 * and a bounded table of streams with their request (for matching) and the
 * DATA of each direction collected until END_STREAM (bounded), then
 * decoded (Content-Encoding gzip, deflate, br) into a data source.
 *
 * Field names and labels follow tshark 4.0 (tshark -G fields); a header
 * block is shown on the frame that ends it (tshark 4.0 shows the headers of
 * a split block spread over the frames where each one completes).
 */
#include "http2.h"

#include "../core/stream.h"
#include "http_body.h"

#include <nghttp2/nghttp2.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Caps. */
#define H2_MAGIC_LEN 24u
#define H2_HDR 9u
#define H2_MAX_FRAMES 4096u              /* frames dissected in one call */
#define H2_MAX_HEADER_BLOCK (256u << 10) /* one header block, all fragments */
#define H2_MAX_DECOMPRESSED (1u << 20)   /* decompressed header bytes kept per block */
#define H2_MAX_HEADERS 1000u             /* header nodes per block */
#define H2_MAX_STREAMS 128u              /* streams tracked per connection */
#define H2_MAX_PIECES 256u               /* body fragments listed per body */
#define H2_MAX_TABLE (1u << 20)          /* HPACK dynamic table size allowed */
/* Dynamic table size updates read at the start of a block (RFC 7541 4.2) */
#define H2_MAX_SIZE_UPDATES 8
#define H2_MAX_SETTINGS 512u /* settings shown per frame */
#define H2_MAX_ORIGINS 256u  /* ORIGIN entries shown per frame */
#define H2_MAX_LABEL 256

enum {
  F_HTTP2,
  F_STREAM,
  F_LENGTH,
  F_TYPE,
  F_R,
  F_WEIGHT,
  F_WEIGHT_REAL,
  F_STREAMID,
  F_MAGIC,
  F_UNKNOWN,
  F_FLAGS,
  F_FL_END_STREAM,
  F_FL_EH,
  F_FL_PADDED,
  F_FL_PRIORITY,
  F_FL_ACK_PING,
  F_FL_UNUSED,
  F_FL_UNUSED_SETTINGS,
  F_FL_UNUSED_PING,
  F_FL_UNUSED_CONTINUATION,
  F_FL_UNUSED_PUSH_PROMISE,
  F_FL_UNUSED_DATA,
  F_FL_UNUSED_HEADERS,
  F_FL_ACK_SETTINGS,
  F_PADDING,
  F_PAD_LENGTH,
  F_EXCLUSIVE,
  F_STREAM_DEPENDENCY,
  F_DATA_DATA,
  F_DATA_PADDING,
  F_BODY_FRAGMENTS,
  F_BODY_FRAGMENT,
  F_BODY_FRAGMENT_COUNT,
  F_BODY_REASSEMBLED_IN,
  F_BODY_REASSEMBLED_LENGTH,
  F_BODY_REASSEMBLED_DATA,
  F_HEADERS,
  F_HEADERS_PADDING,
  F_HEADER,
  F_HEADER_LENGTH,
  F_HEADER_COUNT,
  F_HEADER_NAME_LENGTH,
  F_HEADER_NAME,
  F_HEADER_VALUE_LENGTH,
  F_HEADER_VALUE,
  F_HEADER_UNESCAPED,
  F_PATH_SEGMENT,
  F_PATH_SUB_SEGMENT,
  F_HEADER_REPR,
  F_HEADER_INDEX,
  F_SIZE_UPDATE,
  F_SIZE_UPDATE_SIZE,
  F_FULL_URI,
  F_RST_ERROR,
  F_SETTINGS,
  F_SETTINGS_ID,
  F_SET_HEADER_TABLE_SIZE,
  F_SET_ENABLE_PUSH,
  F_SET_MAX_CONCURRENT_STREAMS,
  F_SET_INITIAL_WINDOW_SIZE,
  F_SET_MAX_FRAME_SIZE,
  F_SET_MAX_HEADER_LIST_SIZE,
  F_SET_EXTENDED_CONNECT,
  F_SET_UNKNOWN,
  F_PP_R,
  F_PP_PROMISED,
  F_PP_HEADER,
  F_PP_PADDING,
  F_PING,
  F_PONG,
  F_GOAWAY_R,
  F_GOAWAY_LAST,
  F_GOAWAY_ERROR,
  F_GOAWAY_ADDATA,
  F_WU_R,
  F_WU_INCREMENT,
  F_CONT_HEADER,
  F_CONT_PADDING,
  F_ALTSVC_ORIGIN_LEN,
  F_ALTSVC_ORIGIN,
  F_ALTSVC_FIELD_VALUE,
  F_ORIGIN,
  F_ORIGIN_LEN,
  F_ORIGIN_ORIGIN,
  F_PU_STREAM,
  F_PU_VALUE,
  F_HEADER_SIZE_EXCEEDED,
  F_DECOMP_FAILED,
  F_REASSEMBLY_ERROR,
  /* ours (tshark 4.0 has no such fields) */
  F_ENCODED,
  F_REQUEST_IN,
  F_TIME,
  F_HPACK_LOST,
  F_HDR_FIRST, /* http2.headers.*: one per name in hdr_names[] */
  F_COUNT = F_HDR_FIRST + 50
};

static const char *const hdr_names[] = {
    ":authority",
    ":status",
    ":path",
    ":method",
    ":scheme",
    "accept",
    "accept-charset",
    "accept-encoding",
    "accept-language",
    "accept-ranges",
    "access-control-allow-origin",
    "age",
    "allow",
    "authorization",
    "cache-control",
    "content-disposition",
    "content-encoding",
    "content-language",
    "content-length",
    "content-location",
    "content-range",
    "content-type",
    "cookie",
    "date",
    "etag",
    "expect",
    "expires",
    "from",
    "if-match",
    "if-modified-since",
    "if-none-match",
    "if-range",
    "if-unmodified-since",
    "last-modified",
    "link",
    "location",
    "max-forwards",
    "proxy-authenticate",
    "proxy-authorization",
    "range",
    "referer",
    "refresh",
    "retry-after",
    "server",
    "set-cookie",
    "strict-transport-security",
    "user-agent",
    "vary",
    "via",
    "www-authenticate",
};

static const dx_vals tf_vals[] = {{0, "False"}, {1, "True"}, {0, NULL}};

/* RFC 9113 6 (and the extension frames tshark names). */
static const dx_vals type_vals[] = {
    {0, "DATA"},          {1, "HEADERS"},          {2, "PRIORITY"}, {3, "RST_STREAM"},
    {4, "SETTINGS"},      {5, "PUSH_PROMISE"},     {6, "PING"},     {7, "GOAWAY"},
    {8, "WINDOW_UPDATE"}, {9, "CONTINUATION"},     {10, "ALTSVC"},  {11, "BLOCKED"},
    {12, "ORIGIN"},       {16, "PRIORITY_UPDATE"}, {0, NULL}};

/* RFC 9113 7. */
static const dx_vals error_vals[] = {{0, "NO_ERROR"},
                                     {1, "PROTOCOL_ERROR"},
                                     {2, "INTERNAL_ERROR"},
                                     {3, "FLOW_CONTROL_ERROR"},
                                     {4, "SETTINGS_TIMEOUT"},
                                     {5, "STREAM_CLOSED"},
                                     {6, "FRAME_SIZE_ERROR"},
                                     {7, "REFUSED_STREAM"},
                                     {8, "CANCEL"},
                                     {9, "COMPRESSION_ERROR"},
                                     {10, "CONNECT_ERROR"},
                                     {11, "ENHANCE_YOUR_CALM"},
                                     {12, "INADEQUATE_SECURITY"},
                                     {13, "HTTP_1_1_REQUIRED"},
                                     {0, NULL}};

/* RFC 9113 6.5.2, RFC 8441. */
static const dx_vals settings_vals[] = {{1, "Header table size"},      {2, "Enable PUSH"},
                                        {3, "Max concurrent streams"}, {4, "Initial Windows size"},
                                        {5, "Max frame size"},         {6, "Max header list size"},
                                        {8, "Extended CONNECT"},       {0, NULL}};

#define U8(a, l, b) DX_F(a, l, DX_FT_UINT8, b)
#define U16(a, l) DX_F(a, l, DX_FT_UINT16, DX_BASE_DEC)
#define U32(a, l) DX_F(a, l, DX_FT_UINT32, DX_BASE_DEC)
#define STR(a, l) DX_F(a, l, DX_FT_STRING, DX_BASE_NONE)
#define BYT(a, l) DX_F(a, l, DX_FT_BYTES, DX_BASE_NONE)
#define NON(a, l) DX_F(a, l, DX_FT_NONE, DX_BASE_NONE)
#define ASC(a, l) DX_F(a, l, DX_FT_STRING, DX_BASE_ASCII) /* ENC_ASCII: byte >= 0x80 is U+FFFD */
#define FLAG(a, l, m) DX_FM(a, l, DX_FT_BOOL, DX_BASE_NONE, tf_vals, m, 8)
#define UNUSED(a, m) DX_FM(a, "Unused", DX_FT_UINT8, DX_BASE_HEX, NULL, m, 8)

static const dx_field h2_fields[F_COUNT] = {
    [F_HTTP2] = DX_F("http2", "HyperText Transfer Protocol 2", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_STREAM] = NON("http2.stream", "Stream"),
    [F_LENGTH] = DX_F("http2.length", "Length", DX_FT_UINT24, DX_BASE_DEC),
    [F_TYPE] = DX_FV("http2.type", "Type", DX_FT_UINT8, DX_BASE_DEC, type_vals),
    [F_R] = DX_FM("http2.r", "Reserved", DX_FT_UINT32, DX_BASE_HEX, NULL, 0x80000000u, 32),
    [F_WEIGHT] = U8("http2.headers.weight", "Weight", DX_BASE_DEC),
    [F_WEIGHT_REAL] = U8("http2.headers.weight_real", "Weight real", DX_BASE_DEC),
    [F_STREAMID] = DX_FM("http2.streamid", "Stream Identifier", DX_FT_UINT32, DX_BASE_DEC, NULL,
                         0x7fffffffu, 32),
    [F_MAGIC] = STR("http2.magic", "Magic"),
    [F_UNKNOWN] = BYT("http2.unknown", "Unknown"),
    [F_FLAGS] = U8("http2.flags", "Flags", DX_BASE_HEX),
    [F_FL_END_STREAM] = FLAG("http2.flags.end_stream", "End Stream", 0x01),
    [F_FL_EH] = FLAG("http2.flags.eh", "End Headers", 0x04),
    [F_FL_PADDED] = FLAG("http2.flags.padded", "Padded", 0x08),
    [F_FL_PRIORITY] = FLAG("http2.flags.priority", "Priority", 0x20),
    [F_FL_ACK_PING] = FLAG("http2.flags.ack.ping", "ACK", 0x01),
    [F_FL_UNUSED] = UNUSED("http2.flags.unused", 0xff),
    [F_FL_UNUSED_SETTINGS] = UNUSED("http2.flags.unused_settings", 0xfe),
    [F_FL_UNUSED_PING] = UNUSED("http2.flags.unused_ping", 0xfe),
    [F_FL_UNUSED_CONTINUATION] = UNUSED("http2.flags.unused_continuation", 0xfb),
    [F_FL_UNUSED_PUSH_PROMISE] = UNUSED("http2.flags.unused_push_promise", 0xf3),
    [F_FL_UNUSED_DATA] = UNUSED("http2.flags.unused_data", 0xf6),
    [F_FL_UNUSED_HEADERS] = UNUSED("http2.flags.unused_headers", 0xd2),
    [F_FL_ACK_SETTINGS] = FLAG("http2.flags.ack.settings", "ACK", 0x01),
    [F_PADDING] = U8("http2.padding", "Pad Length", DX_BASE_HEX),
    [F_PAD_LENGTH] = U16("http2.pad_length", "Pad Length"),
    [F_EXCLUSIVE] =
        DX_FM("http2.exclusive", "Exclusive", DX_FT_BOOL, DX_BASE_NONE, tf_vals, 0x80000000u, 32),
    [F_STREAM_DEPENDENCY] = DX_FM("http2.stream_dependency", "Stream Dependency", DX_FT_UINT32,
                                  DX_BASE_DEC, NULL, 0x7fffffffu, 32),
    [F_DATA_DATA] = BYT("http2.data.data", "Data"),
    [F_DATA_PADDING] = BYT("http2.data.padding", "Padding"),
    [F_BODY_FRAGMENTS] = NON("http2.body.fragments", "Body fragments"),
    [F_BODY_FRAGMENT] = DX_F("http2.body.fragment", "Body fragment", DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_BODY_FRAGMENT_COUNT] = U32("http2.body.fragment.count", "Body fragment count"),
    [F_BODY_REASSEMBLED_IN] = DX_F("http2.body.reassembled.in", "Reassembled body in frame",
                                   DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_BODY_REASSEMBLED_LENGTH] = U32("http2.body.reassembled.length", "Reassembled body length"),
    [F_BODY_REASSEMBLED_DATA] = BYT("http2.body.reassembled.data", "Reassembled body data"),
    [F_HEADERS] = BYT("http2.headers", "Header Block Fragment"),
    [F_HEADERS_PADDING] = BYT("http2.headers.padding", "Padding"),
    [F_HEADER] = NON("http2.header", "Header"),
    [F_HEADER_LENGTH] = U32("http2.header.length", "Header Length"),
    [F_HEADER_COUNT] = U32("http2.header.count", "Header Count"),
    [F_HEADER_NAME_LENGTH] = U32("http2.header.name.length", "Name Length"),
    [F_HEADER_NAME] = ASC("http2.header.name", "Name"),
    [F_HEADER_VALUE_LENGTH] = U32("http2.header.value.length", "Value Length"),
    [F_HEADER_VALUE] = ASC("http2.header.value", "Value"),
    [F_HEADER_UNESCAPED] = STR("http2.header.unescaped", "Unescaped"),
    [F_PATH_SEGMENT] = ASC("http.path_segment", "Path segment"),
    [F_PATH_SUB_SEGMENT] = ASC("http.path_sub_segment", "Path sub segment"),
    [F_HEADER_REPR] = STR("http2.header.repr", "Representation"),
    [F_HEADER_INDEX] = U32("http2.header.index", "Index"),
    [F_SIZE_UPDATE] = NON("http2.header_table_size_update", "Header table size update"),
    [F_SIZE_UPDATE_SIZE] =
        U32("http2.header_table_size_update.header_table_size", "Header table size"),
    [F_FULL_URI] = STR("http2.request.full_uri", "Full request URI"), /* made of ASCII strings */
    [F_RST_ERROR] = DX_FV("http2.rst_stream.error", "Error", DX_FT_UINT32, DX_BASE_DEC, error_vals),
    [F_SETTINGS] = NON("http2.settings", "Settings"),
    [F_SETTINGS_ID] =
        DX_FV("http2.settings.id", "Settings Identifier", DX_FT_UINT16, DX_BASE_DEC, settings_vals),
    [F_SET_HEADER_TABLE_SIZE] = U32("http2.settings.header_table_size", "Header table size"),
    [F_SET_ENABLE_PUSH] = U32("http2.settings.enable_push", "Enable PUSH"),
    [F_SET_MAX_CONCURRENT_STREAMS] =
        U32("http2.settings.max_concurrent_streams", "Max concurrent streams"),
    [F_SET_INITIAL_WINDOW_SIZE] = U32("http2.settings.initial_window_size", "Initial Windows Size"),
    [F_SET_MAX_FRAME_SIZE] = U32("http2.settings.max_frame_size", "Max frame size"),
    [F_SET_MAX_HEADER_LIST_SIZE] =
        U32("http2.settings.max_header_list_size", "Max header list size"),
    [F_SET_EXTENDED_CONNECT] = U32("http2.settings.extended_connect", "Extended CONNECT"),
    [F_SET_UNKNOWN] = U32("http2.settings.unknown", "Unknown Settings"),
    [F_PP_R] =
        DX_FM("http2.push_promise.r", "Reserved", DX_FT_UINT32, DX_BASE_HEX, NULL, 0x80000000u, 32),
    [F_PP_PROMISED] = DX_FM("http2.push_promise.promised_stream_id", "Promised-Stream-ID",
                            DX_FT_UINT32, DX_BASE_DEC, NULL, 0x7fffffffu, 32),
    [F_PP_HEADER] = BYT("http2.push_promise.header", "Header Block Fragment"),
    [F_PP_PADDING] = BYT("http2.push_promise.padding", "Padding"),
    [F_PING] = BYT("http2.ping", "Ping"),
    [F_PONG] = BYT("http2.pong", "Pong"),
    [F_GOAWAY_R] =
        DX_FM("http2.goway.r", "Reserved", DX_FT_UINT32, DX_BASE_HEX, NULL, 0x80000000u, 32),
    [F_GOAWAY_LAST] = DX_FM("http2.goaway.last_stream_id", "Last-Stream-ID", DX_FT_UINT32,
                            DX_BASE_DEC, NULL, 0x7fffffffu, 32),
    [F_GOAWAY_ERROR] = DX_FV("http2.goaway.error", "Error", DX_FT_UINT32, DX_BASE_DEC, error_vals),
    [F_GOAWAY_ADDATA] = BYT("http2.goaway.addata", "Additional Debug Data"),
    [F_WU_R] = DX_FM("http2.window_update.r", "Reserved", DX_FT_UINT32, DX_BASE_HEX, NULL,
                     0x80000000u, 32),
    [F_WU_INCREMENT] = DX_FM("http2.window_update.window_size_increment", "Window Size Increment",
                             DX_FT_UINT32, DX_BASE_DEC, NULL, 0x7fffffffu, 32),
    [F_CONT_HEADER] = STR("http2.continuation.header", "Continuation Header"),
    [F_CONT_PADDING] = BYT("http2.continuation.padding", "Padding"),
    [F_ALTSVC_ORIGIN_LEN] = U16("http2.altsvc.origin.len", "Origin Length"),
    [F_ALTSVC_ORIGIN] = STR("http2.altsvc.origin", "Origin"),
    [F_ALTSVC_FIELD_VALUE] = STR("http2.altsvc.field_value", "Field/Value"),
    [F_ORIGIN] = NON("http2.origin", "Origin"),
    [F_ORIGIN_LEN] = U16("http2.origin.origin_len", "Origin Length"),
    [F_ORIGIN_ORIGIN] = STR("http2.origin.origin", "Origin"),
    [F_PU_STREAM] = DX_F("http2.priority_update_stream_id", "Priority Update Stream ID",
                         DX_FT_UINT64, DX_BASE_DEC),
    [F_PU_VALUE] = STR("http2.priority_update_field_value", "Priority Update Field Value"),
    [F_HEADER_SIZE_EXCEEDED] = NON("http2.header_size_exceeded", "Decompression stopped."),
    [F_DECOMP_FAILED] = NON("http2.body_decompression_failed", "Body decompression failed"),
    [F_REASSEMBLY_ERROR] = NON("http2.reassembly_error", "Reassembly failed"),
    [F_ENCODED] = NON("http2.content_encoded_body", "Content-encoded entity body"),
    [F_REQUEST_IN] = DX_F("http2.request_in", "Request in frame", DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_TIME] = DX_F("http2.time", "Time since request", DX_FT_RELTIME, DX_BASE_NONE),
    [F_HPACK_LOST] = NON("http2.hpack_context_lost", "HPACK context lost"),
    [F_HDR_FIRST + 0] = DX_F("http2.headers.authority", ":authority", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 1] = DX_F("http2.headers.status", ":status", DX_FT_UINT16, DX_BASE_DEC),
    [F_HDR_FIRST + 2] = DX_F("http2.headers.path", ":path", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 3] = DX_F("http2.headers.method", ":method", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 4] = DX_F("http2.headers.scheme", ":scheme", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 5] = DX_F("http2.headers.accept", "accept", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 6] =
        DX_F("http2.headers.accept_charset", "accept-charset", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 7] =
        DX_F("http2.headers.accept_encoding", "accept-encoding", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 8] =
        DX_F("http2.headers.accept_language", "accept-language", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 9] =
        DX_F("http2.headers.accept_ranges", "accept-ranges", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 10] = DX_F("http2.headers.access_control_allow_origin",
                              "access-control-allow-origin", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 11] = DX_F("http2.headers.age", "age", DX_FT_UINT64, DX_BASE_DEC),
    [F_HDR_FIRST + 12] = DX_F("http2.headers.allow", "allow", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 13] =
        DX_F("http2.headers.authorization", "authorization", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 14] =
        DX_F("http2.headers.cache_control", "cache-control", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 15] = DX_F("http2.headers.content_disposition", "content-disposition",
                              DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 16] =
        DX_F("http2.headers.content_encoding", "content-encoding", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 17] =
        DX_F("http2.headers.content_language", "content-language", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 18] =
        DX_F("http2.headers.content_length", "content-length", DX_FT_UINT64, DX_BASE_DEC),
    [F_HDR_FIRST + 19] =
        DX_F("http2.headers.content_location", "content-location", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 20] =
        DX_F("http2.headers.content_range", "content-range", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 21] =
        DX_F("http2.headers.content_type", "content-type", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 22] = DX_F("http2.headers.cookie", "cookie", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 23] = DX_F("http2.headers.date", "date", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 24] = DX_F("http2.headers.etag", "etag", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 25] = DX_F("http2.headers.expect", "expect", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 26] = DX_F("http2.headers.expires", "expires", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 27] = DX_F("http2.headers.from", "from", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 28] = DX_F("http2.headers.if_match", "if-match", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 29] =
        DX_F("http2.headers.if_modified_since", "if-modified-since", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 30] =
        DX_F("http2.headers.if_none_match", "if-none-match", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 31] = DX_F("http2.headers.if_range", "if-range", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 32] = DX_F("http2.headers.if_unmodified_since", "if-unmodified-since",
                              DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 33] =
        DX_F("http2.headers.last_modified", "last-modified", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 34] = DX_F("http2.headers.link", "link", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 35] = DX_F("http2.headers.location", "location", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 36] =
        DX_F("http2.headers.max_forwards", "max-forwards", DX_FT_UINT64, DX_BASE_DEC),
    [F_HDR_FIRST + 37] =
        DX_F("http2.headers.proxy_authenticate", "proxy-authenticate", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 38] = DX_F("http2.headers.proxy_authorization", "proxy-authorization",
                              DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 39] = DX_F("http2.headers.range", "range", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 40] = DX_F("http2.headers.referer", "referer", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 41] = DX_F("http2.headers.refresh", "refresh", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 42] =
        DX_F("http2.headers.retry_after", "retry-after", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 43] = DX_F("http2.headers.server", "server", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 44] =
        DX_F("http2.headers.set_cookie", "set-cookie", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 45] = DX_F("http2.headers.strict_transport_security",
                              "strict-transport-security", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 46] =
        DX_F("http2.headers.user_agent", "user-agent", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 47] = DX_F("http2.headers.vary", "vary", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 48] = DX_F("http2.headers.via", "via", DX_FT_STRING, DX_BASE_ASCII),
    [F_HDR_FIRST + 49] =
        DX_F("http2.headers.www_authenticate", "www-authenticate", DX_FT_STRING, DX_BASE_ASCII),
};
#define FL(i) (&h2_fields[(i)])
_Static_assert(DX_ARRAY_LEN(hdr_names) == F_COUNT - F_HDR_FIRST, "one field per header name");

static const char h2_magic[H2_MAGIC_LEN + 1] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
static const char info_proto[] = "HTTP2";
/* after a DATA frame that ends an XML body, as tshark's xml dissector
 * appends it */
static const char info_proto_xml[] = "HTTP2/XML";
/* and one that ends a JSON body, as tshark's json dissector appends it */
static const char info_proto_json[] = "HTTP2/JSON";

/* True if HTTP/2 wrote the Protocol column (and Info) of this packet. */
static bool info_mine(const dx_packet *p) {
  const char *c = p->col_proto;
  return c == info_proto || c == info_proto_xml || c == info_proto_json ||
         (c && (strncmp(c, "HTTP2/", 6) == 0 || strncmp(c, "DoH", 3) == 0));
}

/* ---- per-connection state ------------------------------------------------------ */

typedef struct h2_piece {
  uint64_t frame;
  uint32_t len;
} h2_piece;

/* The DATA of one direction of a stream, collected until END_STREAM. */
typedef struct h2_body {
  uint8_t *data;
  uint32_t len, cap;
  h2_piece *pieces; /* up to H2_MAX_PIECES */
  uint32_t npieces, pieces_cap, nfrag;
  bool capped; /* over the cap: not reassembled */
  bool ended;  /* END_STREAM seen */
  char ctype[64], cenc[32];
  char cparams[160]; /* the Content-Type's parameters (a multipart's boundary) */
} h2_body;

typedef struct h2_stream {
  uint32_t id;
  struct h2_stream *hnext;         /* the next of its hash bucket */
  struct h2_stream *newer, *older; /* the use order, for eviction */
  uint64_t req_frame;
  int64_t req_sec;
  int32_t req_nsec;
  bool reset;
  h2_body body[2];
} h2_stream;

typedef struct h2_dir {
  nghttp2_hd_inflater *inf;
  bool inf_failed; /* could not be created */
  bool hpack_lost; /* a header block could not be decoded: the table is unknown */
  uint32_t table_max;
  /* header block being collected (HEADERS/PUSH_PROMISE without END_HEADERS) */
  bool hb_active, hb_over, hb_budget; /* hb_budget: over because of the session's budget */
  uint32_t hb_stream;
  uint8_t *hb;
  uint32_t hb_len, hb_cap;
  uint64_t skip; /* payload bytes of a frame too large to reassemble, still to come */
} h2_dir;

/* The streams of a connection: a hash table keyed with the session's key
 * (chains, as many buckets as streams, at least H2_MIN_BUCKETS), and a list
 * in the order of use whose oldest is evicted when H2_MAX_STREAMS are
 * tracked: lookup, insertion and eviction are O(1) whatever the stream
 * numbers. Streams, buckets, header blocks and bodies count against the
 * session's byte budget. */
#define H2_MIN_BUCKETS 8u

typedef struct h2_conn {
  h2_dir d[2];
  h2_stream **buckets;
  uint32_t nbuckets, nstreams;
  h2_stream *newest, *oldest;
  uint64_t body_bytes; /* bytes held in all body buffers */
  uint64_t *budget, budget_max;
  nghttp2_mem mem; /* the HPACK decoders' memory, counted in the budget too */
  bool xml_col;    /* the frame being dissected ended an XML body ("HTTP2/XML") */
  bool json_col;   /* ... a JSON body ("HTTP2/JSON") */
  /* ... a body whose layers wrote the Protocol column otherwise
   * ("HTTP2/JSON/XML", "DoH"; in the packet's arena), and a DNS message's
   * Info, which replaces the packet's (DoH) */
  const char *body_proto, *doh_info;
} h2_conn;

/* Takes n bytes from the session's budget; false if it has no room. */
static bool charge(h2_conn *c, uint64_t n) {
  if (!c->budget)
    return true;
  if (*c->budget + n > c->budget_max)
    return false;
  *c->budget += n;
  return true;
}

static void uncharge(h2_conn *c, uint64_t n) {
  if (c->budget)
    *c->budget = *c->budget >= n ? *c->budget - n : 0;
}

/* ---- memory libnghttp2's HPACK decoders take (their dynamic tables can
 * be made to hold up to H2_MAX_TABLE each), counted against the budget;
 * a block carries its size. A decoder that finds no room fails the header
 * block, and the direction's HPACK context is said lost. */
typedef union h2_mhdr {
  size_t n;
  max_align_t align;
} h2_mhdr;

static void *m_malloc(size_t size, void *ud) {
  h2_conn *c = ud;
  if (size > SIZE_MAX - sizeof(h2_mhdr) || !charge(c, size + sizeof(h2_mhdr)))
    return NULL;
  h2_mhdr *h = malloc(sizeof *h + size);
  if (!h) {
    uncharge(c, size + sizeof *h);
    return NULL;
  }
  h->n = size;
  return h + 1;
}

static void m_free(void *ptr, void *ud) {
  if (!ptr)
    return;
  h2_mhdr *h = (h2_mhdr *)ptr - 1;
  uncharge(ud, h->n + sizeof *h);
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
  h2_mhdr *h = (h2_mhdr *)ptr - 1;
  void *np = m_malloc(size, ud);
  if (!np)
    return NULL;
  memcpy(np, ptr, h->n < size ? h->n : size);
  m_free(ptr, ud);
  return np;
}

static void body_reset(h2_conn *c, h2_body *b) {
  if (c && b->cap <= c->body_bytes)
    c->body_bytes -= b->cap;
  if (c)
    uncharge(c, (uint64_t)b->cap + (uint64_t)b->pieces_cap * sizeof *b->pieces);
  free(b->data);
  free(b->pieces);
  char ct[64], ce[32], cp[160];
  memcpy(ct, b->ctype, sizeof ct);
  memcpy(ce, b->cenc, sizeof ce);
  memcpy(cp, b->cparams, sizeof cp);
  memset(b, 0, sizeof *b);
  memcpy(b->ctype, ct, sizeof ct);
  memcpy(b->cenc, ce, sizeof ce);
  memcpy(b->cparams, cp, sizeof cp);
}

static void stream_free(h2_conn *c, h2_stream *s) {
  for (int i = 0; i < 2; i++)
    body_reset(c, &s->body[i]);
  free(s);
  uncharge(c, sizeof *s);
}

/* What a connection's state charges to the session's byte budget. */
#define CONN_COST dx_heap_cost(sizeof(h2_conn))

static void conn_free(void *data) {
  h2_conn *c = data;
  if (!c)
    return;
  for (int i = 0; i < 2; i++) {
    if (c->d[i].inf)
      nghttp2_hd_inflate_del(c->d[i].inf);
    free(c->d[i].hb);
    uncharge(c, c->d[i].hb_cap);
  }
  for (h2_stream *s = c->newest, *n; s; s = n) {
    n = s->older;
    stream_free(c, s);
  }
  free(c->buckets);
  uncharge(c, (uint64_t)c->nbuckets * sizeof *c->buckets);
  uncharge(c, CONN_COST);
  free(c);
}

/* The connection state, created on first use; NULL without a byte stream
 * (or if memory ran out, or another protocol's state is there). After an
 * h2c upgrade the stream layer has freed the HTTP/1.1 state already. */
static h2_conn *conn_get(dx_packet *p) {
  h2_conn *c = dx_app_data(p, conn_free);
  if (c)
    return c;
  /* the state itself counts against the budget too */
  uint64_t *budget = dx_packet_stream_budget(p);
  uint64_t max = dx_packet_config(p)->max_total_stream_bytes;
  if (!dx_budget_take(budget, max, CONN_COST))
    return NULL;
  c = calloc(1, sizeof *c);
  if (!c) {
    dx_budget_give(budget, CONN_COST);
    return NULL;
  }
  c->budget = budget;
  c->budget_max = max;
  c->mem = (nghttp2_mem){c, m_malloc, m_free, m_calloc, m_realloc};
  if (!dx_app_data_set(p, c, conn_free)) {
    free(c);
    dx_budget_give(budget, CONN_COST);
    return NULL;
  }
  return c;
}

static uint32_t stream_cap(const dx_packet *p) {
  const dx_config *cfg = dx_packet_config(p);
  return cfg && cfg->max_stream_bytes ? cfg->max_stream_bytes : (1u << 20);
}

static bool can_wait(const dx_packet *p) {
  return p->flow != NULL || p->bstream != NULL;
}

static uint32_t bucket_of(const dx_packet *p, const h2_conn *c, uint32_t id) {
  return (uint32_t)dx_hash_keyed(p, &id, sizeof id) & (c->nbuckets - 1);
}

/* Makes s the most recently used stream. */
static void use_unlink(h2_conn *c, h2_stream *s) {
  if (s->newer)
    s->newer->older = s->older;
  else
    c->newest = s->older;
  if (s->older)
    s->older->newer = s->newer;
  else
    c->oldest = s->newer;
  s->newer = s->older = NULL;
}

static void use_front(h2_conn *c, h2_stream *s) {
  s->older = c->newest;
  s->newer = NULL;
  if (c->newest)
    c->newest->newer = s;
  else
    c->oldest = s;
  c->newest = s;
}

/* Room in the bucket array for one more stream: it doubles when the
 * streams would outnumber the buckets (if the budget allows; the chains
 * only grow longer otherwise). False if there is no bucket array at all. */
static bool buckets_fit(const dx_packet *p, h2_conn *c) {
  if (c->buckets && c->nstreams < c->nbuckets)
    return true;
  uint32_t nb = c->nbuckets ? c->nbuckets * 2 : H2_MIN_BUCKETS;
  uint64_t more = (uint64_t)(nb - c->nbuckets) * sizeof *c->buckets;
  h2_stream **b = NULL;
  if (charge(c, more)) {
    b = calloc(nb, sizeof *b);
    if (!b)
      uncharge(c, more);
  }
  if (!b)
    return c->buckets != NULL;
  uint32_t ob = c->nbuckets;
  h2_stream **old = c->buckets;
  c->buckets = b;
  c->nbuckets = nb;
  for (uint32_t i = 0; i < ob; i++)
    for (h2_stream *s = old[i], *n; s; s = n) {
      n = s->hnext;
      uint32_t k = bucket_of(p, c, s->id);
      s->hnext = b[k];
      b[k] = s;
    }
  free(old);
  uncharge(c, (uint64_t)ob * sizeof *c->buckets);
  return true;
}

static void bucket_remove(const dx_packet *p, h2_conn *c, h2_stream *s) {
  for (h2_stream **pp = &c->buckets[bucket_of(p, c, s->id)]; *pp; pp = &(*pp)->hnext)
    if (*pp == s) {
      *pp = s->hnext;
      return;
    }
}

enum { H2_NEW, H2_EVICTED, H2_NO_ROOM };

/* The stream `id`; with create, it is made when unknown: when
 * H2_MAX_STREAMS are tracked, or the budget has no room for another, the
 * least recently used is forgotten and its memory reused (*why:
 * H2_EVICTED); with none to reuse, NULL (*why: H2_NO_ROOM). */
static h2_stream *stream_get(const dx_packet *p, h2_conn *c, uint32_t id, bool create, int *why) {
  if (!c || id == 0)
    return NULL;
  if (c->buckets)
    for (h2_stream *s = c->buckets[bucket_of(p, c, id)]; s; s = s->hnext)
      if (s->id == id) {
        use_unlink(c, s);
        use_front(c, s);
        return s;
      }
  if (!create)
    return NULL;
  h2_stream *s = NULL;
  if (c->nstreams < H2_MAX_STREAMS && buckets_fit(p, c) && charge(c, sizeof *s)) {
    s = calloc(1, sizeof *s);
    if (s)
      c->nstreams++;
    else
      uncharge(c, sizeof *s);
  }
  if (!s && c->oldest) {
    /* reuse the least recently used stream's memory */
    s = c->oldest;
    use_unlink(c, s);
    bucket_remove(p, c, s);
    for (int i = 0; i < 2; i++)
      body_reset(c, &s->body[i]);
    memset(s, 0, sizeof *s);
    if (why)
      *why = H2_EVICTED;
  }
  if (!s) {
    if (why)
      *why = H2_NO_ROOM;
    return NULL;
  }
  s->id = id;
  uint32_t k = bucket_of(p, c, id);
  s->hnext = c->buckets[k];
  c->buckets[k] = s;
  use_front(c, s);
  return s;
}

/* The tree's note when stream_get could not track a new stream as asked. */
static void stream_note(dx_packet *p, const h2_conn *c, dx_node *st, int why) {
  if (why == H2_EVICTED && c->nstreams >= H2_MAX_STREAMS)
    dx_expert(p, st, dx_field_limit(), DX_SEV_NOTE,
              "[More than %u streams tracked on this connection: the least recently used is "
              "forgotten]",
              H2_MAX_STREAMS);
  else if (why != H2_NEW)
    dx_expert(p, st, dx_field_limit(), DX_SEV_NOTE,
              "[The session's byte budget (%llu bytes) is used up: %s]",
              (unsigned long long)c->budget_max,
              why == H2_EVICTED ? "the least recently used stream of this connection is forgotten"
                                : "this stream is not tracked");
}

/* ---- small helpers ------------------------------------------------------------ */

static bool ieq(const uint8_t *a, size_t n, const char *b) {
  size_t bl = strlen(b);
  if (n != bl)
    return false;
  for (size_t i = 0; i < n; i++) {
    int x = a[i], y = (unsigned char)b[i];
    if (x >= 'A' && x <= 'Z')
      x += 32;
    if (x != y)
      return false;
  }
  return true;
}

/* Lower-cased token (up to ';' or ',', trimmed) of s into buf. */
static void token_copy(const uint8_t *s, size_t n, char *buf, size_t len) {
  size_t a = 0;
  while (a < n && (s[a] == ' ' || s[a] == '\t'))
    a++;
  size_t e = a;
  while (e < n && s[e] != ';' && s[e] != ',')
    e++;
  while (e > a && (s[e - 1] == ' ' || s[e - 1] == '\t'))
    e--;
  size_t k = 0;
  for (size_t i = a; i < e && k + 1 < len; i++) {
    uint8_t ch = s[i];
    buf[k++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : (ch >= 0x20 && ch < 0x7f ? ch : '?'));
  }
  buf[k] = 0;
}

/* The length of s[0..n) as a C string: up to its first NUL. */
static size_t cstr_len(const uint8_t *s, size_t n) {
  const uint8_t *z = memchr(s, 0, n);
  return z ? (size_t)(z - s) : n;
}

/* A header value as tshark's string of it (for Info and the full URI):
 * ASCII (a U+FFFD per byte >= 0x80), cut at a NUL and to len - 1 bytes;
 * escaped where it is shown. */
static void printable(const uint8_t *s, size_t n, char *buf, size_t len) {
  dx_ascii_copy(buf, len, s, cstr_len(s, n));
}

/* One item of Info ("SETTINGS[0]"), after ", " if HTTP/2 already wrote Info. */
static void info_add(dx_packet *p, const char *item) {
  if (!p->want_columns)
    return;
  if (!info_mine(p)) {
    dx_col_info_set(p, "%s", item);
    dx_col_set_proto(p, info_proto);
  } else {
    dx_col_info_append(p, ", %s", item);
  }
}

static void info_tail(dx_packet *p, const char *s) {
  if (p->want_columns && info_mine(p))
    dx_col_info_append(p, "%s", s);
}

/* ---- HPACK header blocks -------------------------------------------------------- */

enum {
  REP_INDEXED,
  REP_INC_INDEXED,
  REP_INC_NEW,
  REP_NONE_INDEXED,
  REP_NONE_NEW,
  REP_NEVER_INDEXED,
  REP_NEVER_NEW,
  REP_UNKNOWN
};
static const char *const repr_names[] = {
    "Indexed Header Field",
    "Literal Header Field with Incremental Indexing - Indexed Name",
    "Literal Header Field with Incremental Indexing - New Name",
    "Literal Header Field without Indexing - Indexed Name",
    "Literal Header Field without Indexing - New Name",
    "Literal Header Field never Indexed - Indexed Name",
    "Literal Header Field never Indexed - New Name",
    "Unknown"};

/* One decoded header: where it lies in the decompressed buffer (u32 name
 * length, name, u32 value length, value, as tshark lays it out), and how it
 * was represented. */
typedef struct h2_hrec {
  uint32_t off, nlen, vlen;
  uint8_t repr;
  bool has_index;
  uint32_t index;
} h2_hrec;

/* What a header block says that matters beyond its nodes. */
typedef struct h2_hinfo {
  char method[32], path[256], authority[256], scheme[16];
  unsigned status;
  bool have_method, have_path, have_status, have_authority, have_scheme;
} h2_hinfo;

/* An HPACK integer with an N-bit prefix (RFC 7541 5.1) at b[*pos]; used
 * only to name the representation nghttp2 decoded. */
static bool hp_int(const uint8_t *b, uint32_t n, uint32_t *pos, unsigned prefix, uint32_t *val) {
  if (*pos >= n)
    return false;
  uint32_t max = (1u << prefix) - 1;
  uint64_t v = b[*pos] & max;
  (*pos)++;
  if (v < max) {
    *val = (uint32_t)v;
    return true;
  }
  for (unsigned k = 0, m = 0; k < 5; k++, m += 7) {
    if (*pos >= n)
      return false;
    uint8_t c = b[(*pos)++];
    v += (uint64_t)(c & 0x7f) << m;
    if (!(c & 0x80)) {
      *val = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
      return true;
    }
  }
  return false;
}

/* The representation of the header field starting at b[pos] (RFC 7541 6),
 * after any dynamic table size updates. */
static void classify(const uint8_t *b, uint32_t n, uint32_t pos, h2_hrec *r) {
  uint32_t v = 0;
  r->repr = REP_UNKNOWN;
  r->has_index = false;
  for (unsigned k = 0; k < H2_MAX_SIZE_UPDATES && pos < n && (b[pos] & 0xe0) == 0x20; k++)
    if (!hp_int(b, n, &pos, 5, &v))
      return;
  if (pos >= n)
    return;
  uint8_t c = b[pos];
  unsigned prefix = (c & 0x80) ? 7 : (c & 0xc0) == 0x40 ? 6 : 4;
  if (!hp_int(b, n, &pos, prefix, &v))
    return;
  if (c & 0x80)
    r->repr = REP_INDEXED;
  else if ((c & 0xc0) == 0x40)
    r->repr = v ? REP_INC_INDEXED : REP_INC_NEW;
  else if ((c & 0xf0) == 0x00)
    r->repr = v ? REP_NONE_INDEXED : REP_NONE_NEW;
  else if ((c & 0xf0) == 0x10)
    r->repr = v ? REP_NEVER_INDEXED : REP_NEVER_NEW;
  if (v && r->repr != REP_UNKNOWN) {
    r->has_index = true;
    r->index = v;
  }
}

static int known_header(const uint8_t *name, uint32_t n) {
  for (size_t i = 0; i < DX_ARRAY_LEN(hdr_names); i++)
    if (strlen(hdr_names[i]) == n && memcmp(hdr_names[i], name, n) == 0)
      return F_HDR_FIRST + (int)i;
  return -1;
}

static bool parse_dec(const uint8_t *s, uint32_t n, uint64_t *out) {
  uint64_t x = 0;
  if (n == 0 || n > 19)
    return false;
  for (uint32_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    x = x * 10 + (uint64_t)(s[i] - '0');
  }
  *out = x;
  return true;
}

static void note_header(h2_hinfo *hi, h2_body *b, const uint8_t *name, size_t nl,
                        const uint8_t *val, size_t vl) {
  if (nl == 7 && memcmp(name, ":method", 7) == 0) {
    printable(val, vl, hi->method, sizeof hi->method);
    hi->have_method = true;
  } else if (nl == 5 && memcmp(name, ":path", 5) == 0) {
    printable(val, vl, hi->path, sizeof hi->path);
    hi->have_path = true;
  } else if (nl == 10 && memcmp(name, ":authority", 10) == 0) {
    printable(val, vl, hi->authority, sizeof hi->authority);
    hi->have_authority = true;
  } else if (nl == 7 && memcmp(name, ":scheme", 7) == 0) {
    printable(val, vl, hi->scheme, sizeof hi->scheme);
    hi->have_scheme = true;
  } else if (nl == 7 && memcmp(name, ":status", 7) == 0) {
    uint64_t v;
    if (parse_dec(val, (uint32_t)vl, &v) && v < 1000) {
      hi->status = (unsigned)v;
      hi->have_status = true;
    }
  } else if (b && ieq(name, nl, "content-type")) {
    token_copy(val, vl, b->ctype, sizeof b->ctype);
    /* the parameters: after the first ';', the ';'s and white space
     * before them skipped (up to a NUL, cut at the buffer's size) */
    const uint8_t *semi = memchr(val, ';', vl);
    size_t i = semi ? (size_t)(semi - val) : vl, k = 0;
    while (i < vl && (val[i] == ';' || val[i] == ' ' || val[i] == '\t'))
      i++;
    for (; i < vl && val[i] && k + 1 < sizeof b->cparams; i++)
      b->cparams[k++] = (char)val[i];
    b->cparams[k] = 0;
  } else if (b && ieq(name, nl, "content-encoding")) {
    token_copy(val, vl, b->cenc, sizeof b->cenc);
  }
}

typedef struct h2_out {
  uint8_t *buf;
  uint32_t len, cap;
  h2_hrec *recs;
  uint32_t nrec, rcap;
  /* the size updates: offset and length in the block, new size; upd_at is
   * the block's offset in the tvb of the nodes, or UINT32_MAX if the block
   * is not there whole (CONTINUATION frames) */
  uint32_t upd_off[H2_MAX_SIZE_UPDATES], upd_len[H2_MAX_SIZE_UPDATES];
  uint32_t upd_val[H2_MAX_SIZE_UPDATES];
  uint32_t nupd, upd_at;
} h2_out;

static bool out_add(h2_out *o, const nghttp2_nv *nv, const uint8_t *blk, uint32_t blen,
                    uint32_t rep_start) {
  uint64_t need = 8 + (uint64_t)nv->namelen + nv->valuelen;
  if (o->nrec >= H2_MAX_HEADERS || o->len + need > H2_MAX_DECOMPRESSED)
    return false;
  if (o->len + need > o->cap) {
    uint32_t nc = o->cap ? o->cap : 1024;
    while (nc < o->len + need)
      nc *= 2;
    if (nc > H2_MAX_DECOMPRESSED)
      nc = H2_MAX_DECOMPRESSED;
    uint8_t *nb = realloc(o->buf, nc);
    if (!nb)
      return false;
    o->buf = nb;
    o->cap = nc;
  }
  if (o->nrec >= o->rcap) {
    uint32_t nr = o->rcap ? o->rcap * 2 : 16;
    h2_hrec *r = realloc(o->recs, nr * sizeof *r);
    if (!r)
      return false;
    o->recs = r;
    o->rcap = nr;
  }
  h2_hrec *r = &o->recs[o->nrec++];
  r->off = o->len;
  r->nlen = (uint32_t)nv->namelen;
  r->vlen = (uint32_t)nv->valuelen;
  classify(blk, blen, rep_start, r);
  uint8_t *w = o->buf + o->len;
  w[0] = (uint8_t)(r->nlen >> 24);
  w[1] = (uint8_t)(r->nlen >> 16);
  w[2] = (uint8_t)(r->nlen >> 8);
  w[3] = (uint8_t)r->nlen;
  memcpy(w + 4, nv->name, nv->namelen);
  w += 4 + nv->namelen;
  w[0] = (uint8_t)(r->vlen >> 24);
  w[1] = (uint8_t)(r->vlen >> 16);
  w[2] = (uint8_t)(r->vlen >> 8);
  w[3] = (uint8_t)r->vlen;
  memcpy(w + 4, nv->value, nv->valuelen);
  o->len += (uint32_t)need;
  return true;
}

/* A string item read from the block as tshark reads one (ENC_ASCII): its
 * value ends at a NUL, and bytes other than NUL after it are "Trailing
 * stray characters". */
static void add_str_item(dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                         uint32_t off, uint32_t len, const uint8_t *s, uint32_t n) {
  size_t k = cstr_len(s, n);
  dx_node *it = dx_add_string(p, parent, f, t, off, len, (const char *)s, k);
  for (size_t i = k; i < n; i++)
    if (s[i]) {
      dx_expert(p, it, dx_field_stray(), DX_SEV_WARN, "Trailing stray characters");
      break;
    }
}

static int hex_digit(uint8_t c) {
  return c >= '0' && c <= '9'   ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                : -1;
}

/* tshark's "[Unescaped: ...]" item of a header value: the value as its
 * ASCII string (cut at a NUL, a U+FFFD per byte >= 0x80) with %XX escapes
 * decoded as glib's g_uri_unescape_string() decodes them; none when a '%'
 * is not followed by two hex digits or stands for a NUL (glib then gives
 * NULL). Decoded bytes are kept as they are (they may not be UTF-8). */
static void add_unescaped(dx_packet *p, dx_node *hn, const dx_tvb *t, uint32_t off, uint32_t len,
                          const uint8_t *v, uint32_t vlen) {
  size_t n = cstr_len(v, vlen);
  char *out = dx_arena_alloc(&p->arena, 3 * n + 1);
  if (!out)
    return;
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (v[i] == '%') {
      int hi = i + 1 < n ? hex_digit(v[i + 1]) : -1, lo = i + 2 < n ? hex_digit(v[i + 2]) : -1;
      if (hi < 0 || lo < 0 || (hi | lo) == 0)
        return;
      out[k++] = (char)(hi << 4 | lo);
      i += 2;
    } else if (v[i] >= 0x80) {
      memcpy(out + k, "\xef\xbf\xbd", 3);
      k += 3;
    } else {
      out[k++] = (char)v[i];
    }
  }
  dx_node *u = dx_add_string(p, hn, FL(F_HEADER_UNESCAPED), t, off, len, out, k);
  dx_node_set_flags(u, DX_NODE_GENERATED);
}

/* RFC 3986's delimiters as tshark's path splitter takes them: '/' is not a
 * general one, '=' not a sub-delimiter. */
static bool path_delim(uint8_t c, bool gen) {
  return c && strchr(gen ? ":?#[]@" : "!$&'()*+,;", c) != NULL;
}

/* The first delimiter in b[off, off + max) (cut at blen), or -1. */
static int64_t find_path_delim(const uint8_t *b, uint32_t blen, int64_t off, int64_t max,
                               bool gen) {
  int64_t end = off + max < (int64_t)blen ? off + max : (int64_t)blen;
  for (int64_t i = off; i < end; i++)
    if (path_delim(b[i], gen))
      return i;
  return -1;
}

#define H2_MAX_PATH_ITEMS 1024 /* path segments shown per :path (a bound; tshark has none) */

/* tshark 4.0's http_add_path_components_to_tree() on a :path value (at off,
 * len bytes, in the decoded block b of blen bytes, which is source T):
 * nothing without a general delimiter; else a "Path segment" per piece and a
 * "Path sub segment" per sub-delimited piece after it, under the :path item.
 * Its quirks are kept (every segment is as long as the first and the end of
 * the sub-segments is found once, so later pieces are cut where the first
 * ones were and may run past the value into the next header's bytes), but
 * where tshark's item runs past the whole block it throws and loses the rest
 * of the frame: here the items just stop. in_t: T is the block (else the
 * items are anchored at anchor of T with no bytes). */
static void add_path_components(dx_packet *p, dx_node *item, const dx_tvb *T, bool in_t,
                                uint32_t anchor, const uint8_t *b, uint32_t blen, uint32_t off,
                                uint32_t len) {
  int64_t end = (int64_t)off + len, o = off;
  int64_t gd = find_path_delim(b, blen, o, len, true);
  if (gd < 0)
    return;
  int64_t comp = gd - o;
  int64_t next = find_path_delim(b, blen, gd + 1, (int64_t)len - comp, true);
  int64_t sub_end = next < 0 ? end : next - 1;
  unsigned items = 0;
  while (end > o) {
    if (o + comp > (int64_t)blen || items++ >= H2_MAX_PATH_ITEMS)
      return;
    dx_add_string(p, item, FL(F_PATH_SEGMENT), T, (uint32_t)o, (uint32_t)comp, (const char *)b + o,
                  (size_t)comp);
    o += comp + 1;
    while (sub_end > o) {
      int64_t sd = find_path_delim(b, blen, o, sub_end - o, false);
      int64_t sl = sd < 0 ? sub_end - o : sd - o;
      if (items++ >= H2_MAX_PATH_ITEMS)
        return;
      dx_add_string(p, item, FL(F_PATH_SUB_SEGMENT), T, in_t ? (uint32_t)o : anchor,
                    in_t ? (uint32_t)sl : 0, (const char *)b + o, (size_t)sl);
      o = sd < 0 ? sub_end : sd + 1;
    }
  }
}

/* The header nodes of a decoded block under h2 (in a "Decompressed Header"
 * data source; anchored at `anchor` of t if no source is left). */
static void add_header_nodes(dx_packet *p, dx_node *st, const dx_tvb *t, uint32_t anchor,
                             const h2_out *o, uint32_t count) {
  dx_node *n = dx_add_uint(p, st, FL(F_HEADER_LENGTH), t, anchor, 0, o->len);
  dx_node_set_flags(n, DX_NODE_GENERATED);
  n = dx_add_uint(p, st, FL(F_HEADER_COUNT), t, anchor, 0, count);
  dx_node_set_flags(n, DX_NODE_GENERATED);
  for (uint32_t i = 0; i < o->nupd; i++) {
    bool in_t = o->upd_at != UINT32_MAX;
    uint32_t off = in_t ? o->upd_at + o->upd_off[i] : anchor, len = in_t ? o->upd_len[i] : 0;
    dx_node *u = dx_add_none(p, st, FL(F_SIZE_UPDATE), t, off, len);
    dx_add_uint(p, u, FL(F_SIZE_UPDATE_SIZE), t, off, len, o->upd_val[i]);
  }
  if (o->nrec == 0)
    return;
  dx_tvb ht = dx_packet_add_source_kind(p, DX_SRC_DECOMPRESSED_HEADER, NULL, o->buf, o->len);
  bool src = ht.len == o->len;
  for (uint32_t i = 0; i < o->nrec; i++) {
    const h2_hrec *r = &o->recs[i];
    const uint8_t *nm = o->buf + r->off + 4, *val = o->buf + r->off + 8 + r->nlen;
    const dx_tvb *T = src ? &ht : t;
    uint32_t e = src ? r->off : anchor, z = src ? 1 : 0;
    dx_node *hn = dx_add_none(p, st, FL(F_HEADER), T, e, z * (8 + r->nlen + r->vlen));
    if (dx_packet_labels(p)) {
      /* tshark's label: name and value as ASCII strings (cut at a NUL),
       * escaped where they are shown */
      char a[H2_MAX_LABEL], b[H2_MAX_LABEL];
      dx_ascii_copy(a, sizeof a, nm, cstr_len(nm, r->nlen));
      dx_ascii_copy(b, sizeof b, val, cstr_len(val, r->vlen));
      uint64_t code;
      const char *reason = NULL;
      if (r->nlen == 7 && memcmp(nm, ":status", 7) == 0 && parse_dec(val, r->vlen, &code))
        reason = dx_val_name(dx_http_status_vals, code);
      dx_node_set_text(p, hn, "Header: %s: %s%s%s", a, b, reason ? " " : "", reason ? reason : "");
    }
    dx_add_uint(p, hn, FL(F_HEADER_NAME_LENGTH), T, e, z * 4, r->nlen);
    add_str_item(p, hn, FL(F_HEADER_NAME), T, e + z * 4, z * r->nlen, nm, r->nlen);
    dx_add_uint(p, hn, FL(F_HEADER_VALUE_LENGTH), T, e + z * (4 + r->nlen), z * 4, r->vlen);
    uint32_t voff = e + z * (8 + r->nlen), vlen = z * r->vlen;
    add_str_item(p, hn, FL(F_HEADER_VALUE), T, voff, vlen, val, r->vlen);
    int kf = known_header(nm, r->nlen);
    if (kf >= 0) {
      if (h2_fields[kf].type == DX_FT_STRING) {
        dx_node *kn =
            dx_add_string(p, hn, FL(kf), T, voff, vlen, (const char *)val, cstr_len(val, r->vlen));
        if (kf == F_HDR_FIRST + 2 && kn &&
            (dx_packet_wants(p, FL(F_PATH_SEGMENT)) || dx_packet_wants(p, FL(F_PATH_SUB_SEGMENT))))
          add_path_components(p, kn, T, src, anchor, o->buf, o->len, r->off + 8 + r->nlen, r->vlen);
      } else {
        uint64_t v;
        if (parse_dec(val, r->vlen, &v))
          dx_add_uint(p, hn, FL(kf), T, voff, vlen, v);
      }
    }
    if (dx_packet_wants(p, FL(F_HEADER_UNESCAPED)))
      add_unescaped(p, hn, T, voff, vlen, val, r->vlen);
    const char *rep = repr_names[r->repr];
    dx_add_string(p, hn, FL(F_HEADER_REPR), T, e, 0, rep, strlen(rep));
    if (r->has_index)
      dx_add_uint(p, hn, FL(F_HEADER_INDEX), T, e, 0, r->index);
  }
}

/* Inflates a whole header block of direction `dir` (blk/blen) and adds its
 * headers under st. Returns false if the block could not be decoded. */
static bool decode_block(dx_packet *p, h2_conn *c, int dir, dx_node *st, const dx_tvb *t,
                         uint32_t anchor, const uint8_t *blk, uint32_t blen, h2_hinfo *hi,
                         h2_body *body) {
  h2_dir *d = &c->d[dir];
  if (d->hpack_lost) {
    dx_expert(p, st, FL(F_HPACK_LOST), DX_SEV_WARN,
              "[HPACK context lost: an earlier header block of this direction could not be "
              "decoded, so this one is not decoded]");
    return false;
  }
  if (!d->inf) {
    if (nghttp2_hd_inflate_new2(&d->inf, &c->mem) != 0) {
      d->inf = NULL;
      d->hpack_lost = true;
      dx_expert(p, st, dx_field_limit(), DX_SEV_WARN,
                "[No room for the HPACK decoder: the session's byte budget (%llu bytes) is used "
                "up, or memory ran out]",
                (unsigned long long)c->budget_max);
      return false;
    }
    if (d->table_max > 4096)
      nghttp2_hd_inflate_change_table_size(d->inf, d->table_max);
  }
  h2_out o = {0};
  uint32_t pos = 0, rep_start = 0, count = 0;
  /* the size updates the block starts with, each counted as a header field
   * representation (as tshark's http2.header.count counts them) */
  o.upd_at = blk && blen && dx_get_ptr(t, anchor, blen) == blk ? anchor : UINT32_MAX;
  for (uint32_t q = 0;
       blk && o.nupd < H2_MAX_SIZE_UPDATES && q < blen && (blk[q] & 0xe0) == 0x20;) {
    uint32_t start = q, v = 0;
    if (!hp_int(blk, blen, &q, 5, &v))
      break;
    o.upd_off[o.nupd] = start;
    o.upd_len[o.nupd] = q - start;
    o.upd_val[o.nupd++] = v;
    count++;
  }
  bool over = false, failed = false;
  const char *err = NULL;
  static const uint8_t empty[1] = {0};
  if (!blk)
    blk = empty;
  for (uint32_t guard = 0;; guard++) {
    if (guard > blen + 2) {
      failed = true;
      err = "the decoder made no progress";
      break;
    }
    nghttp2_nv nv;
    int fl = 0;
    ssize_t rv = nghttp2_hd_inflate_hd2(d->inf, &nv, &fl, blk + pos, blen - pos, 1);
    if (rv < 0) {
      failed = true;
      err = rv == NGHTTP2_ERR_NOMEM
                ? "no room: the session's byte budget is used up, or memory ran out"
                : nghttp2_strerror((int)rv);
      break;
    }
    pos += (uint32_t)rv;
    if (fl & NGHTTP2_HD_INFLATE_EMIT) {
      count++;
      if (!over && !out_add(&o, &nv, blk, blen, rep_start))
        over = true;
      note_header(hi, body, nv.name, nv.namelen, nv.value, nv.valuelen);
      rep_start = pos;
    }
    if (fl & NGHTTP2_HD_INFLATE_FINAL) {
      nghttp2_hd_inflate_end_headers(d->inf);
      break;
    }
    if (rv == 0 && !(fl & NGHTTP2_HD_INFLATE_EMIT)) {
      failed = true;
      err = "the block ends inside a header field";
      break;
    }
  }
  add_header_nodes(p, st, t, anchor, &o, count);
  free(o.buf);
  free(o.recs);
  if (over)
    dx_expert(p, st, FL(F_HEADER_SIZE_EXCEEDED), DX_SEV_WARN,
              "[Decompression stopped: more than %u headers or %u bytes of headers]",
              H2_MAX_HEADERS, H2_MAX_DECOMPRESSED);
  if (failed) {
    dx_mark_malformed(p, st, "HPACK decoding failed: %s", err ? err : "invalid header block");
    d->hpack_lost = true;
    return false;
  }
  return true;
}

/* Appends a header block fragment to the direction's pending block. */
static void hb_append(h2_conn *c, h2_dir *d, const uint8_t *s, uint32_t n) {
  if (d->hb_over || n == 0)
    return;
  if (!s || (uint64_t)d->hb_len + n > H2_MAX_HEADER_BLOCK) {
    d->hb_over = true;
    return;
  }
  if (d->hb_len + n > d->hb_cap) {
    uint32_t nc = d->hb_cap ? d->hb_cap : 4096;
    while (nc < d->hb_len + n)
      nc *= 2;
    if (nc > H2_MAX_HEADER_BLOCK)
      nc = H2_MAX_HEADER_BLOCK;
    if (!charge(c, nc - d->hb_cap)) {
      d->hb_over = d->hb_budget = true;
      return;
    }
    uint8_t *nb = realloc(d->hb, nc);
    if (!nb) {
      uncharge(c, nc - d->hb_cap);
      d->hb_over = true;
      return;
    }
    d->hb = nb;
    d->hb_cap = nc;
  }
  memcpy(d->hb + d->hb_len, s, n);
  d->hb_len += n;
}

static void hb_reset(h2_conn *c, h2_dir *d) {
  free(d->hb);
  uncharge(c, d->hb_cap);
  d->hb = NULL;
  d->hb_len = d->hb_cap = 0;
  d->hb_active = d->hb_over = d->hb_budget = false;
  d->hb_stream = 0;
}

/* A complete header block (after HEADERS/PUSH_PROMISE [+ CONTINUATION]):
 * its headers, request/response matching, the label and Info suffix. */
static void block_done(dx_packet *p, h2_conn *c, int dir, uint32_t sid, bool push, dx_node *st,
                       const dx_tvb *t, uint32_t anchor, const uint8_t *blk, uint32_t blen,
                       char *extra, size_t extra_len) {
  h2_dir *d = &c->d[dir];
  int why = H2_NEW;
  h2_stream *s = push ? NULL : stream_get(p, c, sid, true, &why);
  stream_note(p, c, st, why);
  h2_hinfo hi;
  memset(&hi, 0, sizeof hi);
  if (d->hb_over) {
    if (d->hb_budget)
      dx_expert(p, st, dx_field_limit(), DX_SEV_WARN,
                "[Header block not kept, the session's byte budget (%llu bytes) is used up: not "
                "decoded]",
                (unsigned long long)c->budget_max);
    else
      dx_expert(p, st, dx_field_limit(), DX_SEV_WARN,
                "[Header block larger than %u bytes: not decoded]", H2_MAX_HEADER_BLOCK);
    d->hpack_lost = true;
    return;
  }
  if (!decode_block(p, c, dir, st, t, anchor, blk, blen, &hi, s ? &s->body[dir] : NULL))
    return;
  if (hi.have_status) {
    const char *reason = dx_val_name(dx_http_status_vals, hi.status);
    snprintf(extra, extra_len, "%u%s%s", hi.status, reason ? " " : "", reason ? reason : "");
  } else if (hi.have_method && (hi.have_path || hi.have_authority)) {
    snprintf(extra, extra_len, "%s %s", hi.method, hi.have_path ? hi.path : hi.authority);
  }
  if (hi.have_method && hi.have_path && hi.have_authority) {
    char uri[600];
    snprintf(uri, sizeof uri, "%s://%s%s", hi.have_scheme ? hi.scheme : "http", hi.authority,
             hi.path);
    dx_node *n = dx_add_string(p, st, FL(F_FULL_URI), t, anchor, 0, uri, strlen(uri));
    dx_node_set_flags(n, DX_NODE_GENERATED);
  }
  if (!s)
    return;
  if (dir == 0 && hi.have_method) {
    s->req_frame = p->num;
    s->req_sec = p->frame.ts_sec;
    s->req_nsec = (int32_t)p->frame.ts_nsec;
  } else if (dir == 1 && hi.have_status && hi.status >= 200 && s->req_frame) {
    dx_node *n = dx_add_uint(p, st, FL(F_REQUEST_IN), t, anchor, 0, s->req_frame);
    dx_node_set_flags(n, DX_NODE_GENERATED);
    int64_t ds = dx_sec_diff(p->frame.ts_sec, s->req_sec);
    int64_t dn = (int64_t)p->frame.ts_nsec - s->req_nsec;
    if (dn < 0) {
      dn += 1000000000;
      ds--;
    }
    n = dx_add_time(p, st, FL(F_TIME), t, anchor, 0, ds, (int32_t)dn);
    dx_node_set_flags(n, DX_NODE_GENERATED);
  }
}

/* ---- frames ---------------------------------------------------------------------- */

typedef struct h2_frame {
  uint32_t off; /* frame start in t */
  uint32_t len; /* payload length from the header */
  uint8_t type, flags;
  uint32_t sid;
  bool whole; /* the payload is all in t */
} h2_frame;

static void add_flags(dx_packet *p, dx_node *st, const dx_tvb *t, uint32_t off, const h2_frame *f) {
  static const int l_data[] = {F_FL_UNUSED_DATA, F_FL_PADDED, F_FL_END_STREAM, -1};
  static const int l_headers[] = {
      F_FL_UNUSED_HEADERS, F_FL_PRIORITY, F_FL_PADDED, F_FL_EH, F_FL_END_STREAM, -1};
  static const int l_settings[] = {F_FL_UNUSED_SETTINGS, F_FL_ACK_SETTINGS, -1};
  static const int l_push[] = {F_FL_UNUSED_PUSH_PROMISE, F_FL_PADDED, F_FL_EH, -1};
  static const int l_ping[] = {F_FL_UNUSED_PING, F_FL_ACK_PING, -1};
  static const int l_cont[] = {F_FL_UNUSED_CONTINUATION, F_FL_PADDED, F_FL_EH, -1};
  static const int l_other[] = {F_FL_UNUSED, -1};
  const int *l = f->type == 0   ? l_data
                 : f->type == 1 ? l_headers
                 : f->type == 4 ? l_settings
                 : f->type == 5 ? l_push
                 : f->type == 6 ? l_ping
                 : f->type == 9 ? l_cont
                                : l_other;
  dx_node *fn = dx_add_item(p, st, FL(F_FLAGS), t, off, 1);
  char lab[128];
  size_t k = (size_t)snprintf(lab, sizeof lab, "Flags: 0x%02x", f->flags);
  for (const int *i = l; *i >= 0; i++) {
    dx_add_item(p, fn, FL(*i), t, off, 1);
    const dx_field *fd = FL(*i);
    if (fd->type == DX_FT_BOOL && (f->flags & fd->bitmask) && k < sizeof lab)
      k += (size_t)snprintf(lab + k, sizeof lab - k, ", %s", fd->label);
  }
  dx_node_set_text(p, fn, "%s", lab);
}

/* Pad Length of a PADDED frame (RFC 9113 6.1). Sets *pos after it and
 * *padlen; false (and the frame marked malformed) if the padding does not
 * fit in the payload. */
static bool frame_padding(dx_packet *p, dx_node *st, const dx_tvb *pl, const h2_frame *f,
                          bool padded, uint32_t *pos, uint32_t *padlen) {
  *pos = 0;
  *padlen = 0;
  if (padded) {
    uint8_t v = 0;
    dx_add_item(p, st, FL(F_PADDING), pl, 0, 1);
    if (!dx_get_u8(pl, 0, &v)) {
      if (f->whole)
        dx_mark_malformed(p, st, "PADDED flag set but the payload is empty");
      return false;
    }
    *padlen = v;
    *pos = 1;
  }
  dx_node *g = dx_add_uint(p, st, FL(F_PAD_LENGTH), pl, 0, *pos, *padlen);
  dx_node_set_flags(g, DX_NODE_GENERATED);
  if (*pos + *padlen > f->len) {
    dx_mark_malformed(p, st, "Pad Length %u is larger than the rest of the payload (%u bytes)",
                      *padlen, f->len - *pos);
    return false;
  }
  return true;
}

/* A header block fragment of a HEADERS or PUSH_PROMISE frame. */
static void headers_fragment(dx_packet *p, h2_conn *c, int dir, const h2_frame *f, dx_node *st,
                             const dx_tvb *pl, uint32_t pos, uint32_t n, uint32_t sid, bool push,
                             char *extra, size_t extra_len) {
  if (!c || !f->whole)
    return;
  h2_dir *d = &c->d[dir];
  if (d->hb_active) {
    dx_mark_malformed(p, st, "A new header block starts before the one of stream %u ended",
                      d->hb_stream);
    d->hpack_lost = true;
    hb_reset(c, d);
  }
  const uint8_t *s = dx_get_ptr(pl, pos, n);
  if (f->flags & 0x04) {
    if (n > H2_MAX_HEADER_BLOCK)
      d->hb_over = true;
    block_done(p, c, dir, sid, push, st, pl, pos, s, n, extra, extra_len);
    hb_reset(c, d);
    return;
  }
  hb_append(c, d, s, n);
  d->hb_active = true;
  d->hb_stream = sid;
  d->hb_over = d->hb_over || n > H2_MAX_HEADER_BLOCK;
  /* remember whether the block belongs to a PUSH_PROMISE in the top bit */
  if (push)
    d->hb_stream |= 0x80000000u;
}

/* One SETTINGS parameter (RFC 9113 6.5.1) at pl[i..i+6) under parent;
 * false if it is cut. */
static bool setting(dx_packet *p, dx_node *parent, const dx_tvb *pl, uint32_t i, uint16_t *id,
                    uint32_t *v) {
  *id = 0;
  *v = 0;
  bool ok = dx_get_u16(pl, i, id) && dx_get_u32(pl, i + 2, v);
  dx_node *sn = dx_add_none(p, parent, FL(F_SETTINGS), pl, i, 6);
  dx_add_item(p, sn, FL(F_SETTINGS_ID), pl, i, 2);
  int vf = *id == 1   ? F_SET_HEADER_TABLE_SIZE
           : *id == 2 ? F_SET_ENABLE_PUSH
           : *id == 3 ? F_SET_MAX_CONCURRENT_STREAMS
           : *id == 4 ? F_SET_INITIAL_WINDOW_SIZE
           : *id == 5 ? F_SET_MAX_FRAME_SIZE
           : *id == 6 ? F_SET_MAX_HEADER_LIST_SIZE
           : *id == 8 ? F_SET_EXTENDED_CONNECT
                      : F_SET_UNKNOWN;
  dx_add_item(p, sn, FL(vf), pl, i + 2, 4);
  if (!ok) {
    dx_mark_truncated(p, sn, "setting");
    return false;
  }
  const char *sname = dx_val_name(settings_vals, *id);
  if (sname)
    dx_node_set_text(p, sn, "Settings - %s : %u", sname, *v);
  else
    dx_node_set_text(p, sn, "Settings - Unknown (%u) : %u", *id, *v);
  return true;
}

/* Whether tshark 4.0 names a DATA body's media type in Info: its HTTP/2
 * hands a body only to a dissector registered for the type, and of those
 * the line-based text one (its own list of types, below), JSON's and the
 * HTML form's (application/x-www-form-urlencoded) name it; XML's does not (image/svg+xml:
 * "HTTP2/XML", no type), nor do the images' (their own note: " (PNG)"), and a type nobody
 * registered is plain data (application/javascript, image/webp). */
static bool info_names_media(const char *mt) {
  int k = dx_media_kind(mt);
  size_t l = strlen(mt);
  return k == DX_MK_TEXT || k == DX_MK_JSON || k == DX_MK_FORM ||
         (l > 5 && strcmp(mt + l - 5, "+json") == 0);
}

/* DATA payload: collected per stream until END_STREAM, then shown whole
 * (and decoded). */
static void data_body(dx_packet *p, h2_conn *c, int dir, const h2_frame *f, dx_node *h2,
                      dx_node *st, const dx_tvb *pl, uint32_t pos, uint32_t n, char *extra,
                      size_t extra_len, char *tail, size_t tail_len) {
  bool end = f->flags & 0x01;
  int why = H2_NEW;
  h2_stream *s = c && f->whole ? stream_get(p, c, f->sid, true, &why) : NULL;
  if (c)
    stream_note(p, c, st, why);
  h2_body *b = s ? &s->body[dir] : NULL;
  if (!end || !b) {
    dx_add_bytes(p, st, FL(F_DATA_DATA), pl, pos, n);
    if (!end)
      snprintf(extra, extra_len, "(partial entity body)");
  }
  if (!b)
    return;
  const dx_tvb body_here = dx_tvb_sub(pl, pos, n);
  /* An empty DATA frame that ends a body is no fragment of it (tshark's
   * fragment_end_seq_next), yet the body is reassembled in its frame. */
  bool empty_end = end && n == 0 && b->nfrag > 0;
  /* collect */
  if (!b->capped && (b->nfrag > 0 || !end) && !empty_end) {
    uint32_t cap = stream_cap(p);
    uint64_t conn_cap = (uint64_t)cap * 4;
    if ((uint64_t)b->len + n > cap || c->body_bytes + n > conn_cap) {
      b->capped = true;
      dx_expert(p, st, dx_field_limit(), DX_SEV_WARN,
                "[Body of stream %u larger than the reassembly cap (%u bytes per body, %llu per "
                "connection): not reassembled]",
                f->sid, cap, (unsigned long long)conn_cap);
      body_reset(c, b);
      b->capped = true;
    } else {
      if (b->len + n > b->cap) {
        uint32_t nc = b->cap ? b->cap : 4096;
        while (nc < b->len + n)
          nc = nc > cap / 2 ? cap : nc * 2;
        bool room = charge(c, nc - b->cap);
        uint8_t *nb = room ? realloc(b->data, nc) : NULL;
        if (!nb) {
          if (room)
            uncharge(c, nc - b->cap);
          else
            dx_expert(p, st, dx_field_limit(), DX_SEV_WARN,
                      "[Body of stream %u not reassembled: the session's byte budget (%llu "
                      "bytes) is used up]",
                      f->sid, (unsigned long long)c->budget_max);
          b->capped = true;
          body_reset(c, b);
          b->capped = true;
        } else {
          c->body_bytes += nc - b->cap;
          b->data = nb;
          b->cap = nc;
        }
      }
      if (!b->capped) {
        if (n)
          memcpy(b->data + b->len, body_here.data, n);
        b->len += n;
        if (b->npieces == b->pieces_cap && b->pieces_cap < H2_MAX_PIECES) {
          /* the list of fragments grows as they come (most bodies have few) */
          uint32_t pc = b->pieces_cap ? b->pieces_cap * 2 : 4;
          if (charge(c, (uint64_t)(pc - b->pieces_cap) * sizeof *b->pieces)) {
            h2_piece *np = realloc(b->pieces, pc * sizeof *np);
            if (np) {
              b->pieces = np;
              b->pieces_cap = pc;
            } else {
              uncharge(c, (uint64_t)(pc - b->pieces_cap) * sizeof *b->pieces);
            }
          }
        }
        if (b->npieces < b->pieces_cap) {
          b->pieces[b->npieces].frame = p->num;
          b->pieces[b->npieces].len = n;
          b->npieces++;
        }
        b->nfrag++;
      }
    }
  }
  if (!end)
    return;
  /* END_STREAM: the whole body. */
  dx_tvb whole = body_here;
  if (b->capped) {
    dx_add_bytes(p, st, FL(F_DATA_DATA), pl, pos, n);
    body_reset(c, b);
    b->ended = true;
    return;
  }
  if (b->nfrag > 1 || empty_end) {
    dx_tvb rt = dx_packet_add_source_kind(p, DX_SRC_REASSEMBLED_BODY, NULL,
                                          b->data ? b->data : (const uint8_t *)"", b->len);
    if (rt.len == b->len) {
      whole = rt;
      dx_node *fr = dx_add_none(p, st, FL(F_BODY_FRAGMENTS), &rt, 0, rt.len);
      /* tshark's label: cut at its 239 characters, even inside an item
       * (reassemble.c appends ", " and "#N(len)" one at a time) */
      char lab[240];
      int w0 = snprintf(lab, sizeof lab, "%u Body fragment%s (%u byte%s): ", b->nfrag,
                        b->nfrag == 1 ? "" : "s", b->len, b->len == 1 ? "" : "s");
      size_t u = w0 > 0 && (size_t)w0 < sizeof lab ? (size_t)w0 : sizeof lab - 1;
      uint32_t at = 0;
      for (uint32_t i = 0; i < b->npieces; i++) {
        const h2_piece *pc = &b->pieces[i];
        if (u < sizeof lab - 1) {
          int w = snprintf(lab + u, sizeof lab - u, "%s#%llu(%u)", i ? ", " : "",
                           (unsigned long long)pc->frame, pc->len);
          u = w > 0 && u + (size_t)w < sizeof lab - 1 ? u + (size_t)w : sizeof lab - 1;
        }
        dx_node *pn = dx_add_uint(p, fr, FL(F_BODY_FRAGMENT), &rt, at, pc->len, pc->frame);
        if (pc->len)
          dx_node_set_text(p, pn, "[Frame: %llu, payload: %u-%u (%u bytes)]",
                           (unsigned long long)pc->frame, at, at + pc->len - 1, pc->len);
        else
          dx_node_set_text(p, pn, "[Frame: %llu, payload: (0 bytes)]",
                           (unsigned long long)pc->frame);
        at += pc->len;
      }
      if (b->nfrag > b->npieces)
        dx_expert(p, fr, dx_field_limit(), DX_SEV_NOTE, "[%u more fragments not listed]",
                  b->nfrag - b->npieces);
      dx_node_set_text(p, fr, "[%s]", lab);
      dx_node *g = dx_add_uint(p, fr, FL(F_BODY_FRAGMENT_COUNT), &rt, 0, 0, b->nfrag);
      dx_node_set_flags(g, DX_NODE_GENERATED);
      g = dx_add_uint(p, fr, FL(F_BODY_REASSEMBLED_LENGTH), &rt, 0, 0, rt.len);
      dx_node_set_flags(g, DX_NODE_GENERATED);
      g = dx_add_bytes(p, fr, FL(F_BODY_REASSEMBLED_DATA), &rt, 0, rt.len);
      dx_node_set_flags(g, DX_NODE_GENERATED);
    } else {
      dx_expert(p, st, dx_field_limit(), DX_SEV_WARN,
                "[Too many data sources in one packet: reassembled body not shown]");
    }
  }
  /* Content-Encoding */
  dx_tvb shown = whole;
  const char *enc = b->cenc;
  int kind = strcmp(enc, "gzip") == 0 || strcmp(enc, "x-gzip") == 0 ? 1
             : strcmp(enc, "deflate") == 0                          ? 2
             : strcmp(enc, "br") == 0                               ? 3
                                                                    : 0;
  dx_node *under = st;
  if (whole.len > 0 && enc[0] && strcmp(enc, "identity") != 0) {
    dx_node *en = dx_add_none(p, st, FL(F_ENCODED), &whole, 0, whole.len);
    under = en;
    if (kind == 0) {
      dx_node_set_text(p, en, "Content-encoded entity body (%s): %u bytes", enc, whole.len);
      dx_expert(p, en, FL(F_DECOMP_FAILED), DX_SEV_NOTE, "[Content coding \"%s\" is not decoded]",
                enc);
    } else {
      uint32_t cap = dx_http_decompress_cap(dx_packet_config(p));
      http_inflated inf;
      int rc = kind == 3 ? dx_http_unbrotli(whole.data, whole.len, cap, &inf)
                         : dx_http_inflate(whole.data, whole.len, kind == 1, cap, &inf);
      if (rc != 0) {
        dx_node_set_text(p, en, "Content-encoded entity body (%s): %u bytes", enc, whole.len);
        dx_expert(p, en, FL(F_DECOMP_FAILED), DX_SEV_WARN, "[Body decompression failed: %s]",
                  inf.error ? inf.error : "invalid data");
      } else {
        dx_node_set_text(p, en, "Content-encoded entity body (%s): %u bytes -> %u bytes", enc,
                         whole.len, inf.len);
        if (inf.capped)
          dx_expert(p, en, dx_field_limit(), DX_SEV_WARN,
                    "[Decompressed body cut at %u bytes (the cap on decompressed bodies)]", cap);
        dx_tvb u = dx_packet_add_source_kind(p, DX_SRC_UNCOMPRESSED, NULL,
                                             inf.data ? inf.data : (const uint8_t *)"", inf.len);
        if (u.len == inf.len)
          shown = u;
        else
          dx_expert(p, en, dx_field_limit(), DX_SEV_WARN,
                    "[Too many data sources in one packet: decompressed body not shown]");
      }
      dx_http_inflated_free(&inf);
    }
  }
  dx_add_bytes(p, under, FL(F_DATA_DATA), &shown, 0, shown.len);
  /* The body's layer goes into the tree one level above its Data item (as
   * tshark's dissect_body_data: "add it to STREAM level"): into the Stream
   * item when the body was content-encoded, else into HTTP/2's own. */
  dx_node *layers = under == st ? h2 : st;
  int mk = shown.len > 0 && b->ctype[0] ? dx_media_kind(b->ctype) : DX_MK_MEDIA;
  if (mk == DX_MK_MULTIPART || mk == DX_MK_DNS) {
    /* mime_multipart (the types it registers by name: HTTP/2 has no
     * "multipart/" fallback) and DNS over HTTPS */
    dx_body_cols cols = {.len = 0};
    dx_media_body(p, layers, &shown, b->ctype, b->cparams[0] ? b->cparams : NULL, 0, &cols);
    if (cols.replace)
      c->doh_info = dx_arena_strndup(&p->arena, cols.info, cols.len);
    else
      snprintf(tail, tail_len, "%s", cols.info);
    if (cols.doh || cols.plen) {
      char pr[64];
      int k = snprintf(pr, sizeof pr, "%s%s", cols.doh ? "DoH" : info_proto, cols.proto);
      if (k > 0)
        c->body_proto =
            dx_arena_strndup(&p->arena, pr, (size_t)k < sizeof pr ? (size_t)k : sizeof pr - 1);
    }
  } else if (shown.len > 0 && (dx_xml_media(b->ctype) ||
                               (dx_media_kind(b->ctype) == DX_MK_TEXT && dx_text_is_xml(&shown)))) {
    /* XML (also a text body that starts "<?xml"): no media type in Info,
     * "/XML" in the Protocol column */
    if (dx_xml_media(b->ctype))
      dx_dissect_xml(p, layers, &shown);
    else
      dx_text_lines_xml(p, layers, &shown);
    c->xml_col = true; /* the frame's Info item first (dissect_frame) */
  } else if (shown.len > 0 && dx_json_media(b->ctype)) {
    /* JSON: its name and media type after the frame's Info item, and
     * "/JSON" in the Protocol column, as tshark's json dissector writes them */
    snprintf(tail, tail_len, ", JavaScript Object Notation (%s)", b->ctype);
    dx_dissect_json(p, layers, &shown, b->ctype);
    c->json_col = true;
  } else if (shown.len > 0 && (mk == DX_MK_JFIF || mk == DX_MK_PNG || mk == DX_MK_GIF)) {
    /* an image of its type (one that is not shown nothing: tshark's HTTP/2
     * tries no heuristic dissector, nor the media one) */
    dx_body_cols cols = {.len = 0};
    if (dx_dissect_image(p, mk, layers, &shown, &cols))
      snprintf(tail, tail_len, "%s", cols.info);
  } else if (shown.len > 0 && b->ctype[0] && info_names_media(b->ctype)) {
    snprintf(tail, tail_len, " (%s)", b->ctype);
    if (dx_json_media(b->ctype))
      dx_dissect_json(p, layers, &shown, b->ctype);
    else if (dx_form_media(b->ctype))
      dx_dissect_form(p, layers, &shown, b->ctype);
    else if (dx_media_kind(b->ctype) == DX_MK_TEXT)
      dx_http_text_lines(p, layers, &shown, b->ctype);
  }
  body_reset(c, b);
  b->ended = true;
}

static void dissect_frame(dx_packet *p, h2_conn *c, int dir, const dx_tvb *t, const h2_frame *f,
                          dx_node *parent) {
  uint32_t avail = dx_tvb_avail(t, f->off);
  uint32_t flen = avail < H2_HDR + f->len ? avail : H2_HDR + f->len;
  dx_node *h2 = dx_add_proto(p, parent, FL(F_HTTP2), t, f->off, flen);
  dx_node *st = dx_add_none(p, h2, FL(F_STREAM), t, f->off, flen);
  const char *tname = dx_val_name(type_vals, f->type);
  char tbuf[32];
  if (!tname) {
    snprintf(tbuf, sizeof tbuf, "Unknown type (%u)", f->type);
    tname = tbuf;
  }
  dx_add_item(p, st, FL(F_LENGTH), t, f->off, 3);
  dx_add_item(p, st, FL(F_TYPE), t, f->off + 3, 1);
  add_flags(p, st, t, f->off + 4, f);
  dx_add_item(p, st, FL(F_R), t, f->off + 5, 4);
  dx_add_item(p, st, FL(F_STREAMID), t, f->off + 5, 4);
  dx_tvb pl = dx_tvb_sub(t, f->off + H2_HDR, f->len);
  char extra[300] = "", tail[300] = "";
  uint32_t pos = 0, padlen = 0, n;
  h2_dir *d = c ? &c->d[dir] : NULL;
  bool sid0 = f->sid == 0;

  /* A header block in progress must go on with a CONTINUATION of its
   * stream (RFC 9113 6.10). */
  if (d && f->whole && d->hb_active && f->type != 9) {
    dx_mark_malformed(p, st, "CONTINUATION of stream %u expected", d->hb_stream & 0x7fffffffu);
    d->hpack_lost = true;
    hb_reset(c, d);
  }

  switch (f->type) {
  case 0: /* DATA */
    if (!frame_padding(p, st, &pl, f, f->flags & 0x08, &pos, &padlen))
      break;
    if (sid0)
      dx_mark_malformed(p, st, "DATA frame on stream 0");
    n = f->len - pos - padlen;
    if (!sid0)
      data_body(p, c, dir, f, h2, st, &pl, pos, n, extra, sizeof extra, tail, sizeof tail);
    else
      dx_add_bytes(p, st, FL(F_DATA_DATA), &pl, pos, n);
    if (padlen)
      dx_add_bytes(p, st, FL(F_DATA_PADDING), &pl, f->len - padlen, padlen);
    break;
  case 1: /* HEADERS */
    if (!frame_padding(p, st, &pl, f, f->flags & 0x08, &pos, &padlen))
      break;
    if (f->flags & 0x20) {
      if (pos + 5 + padlen > f->len && f->whole) {
        dx_mark_malformed(p, st, "Priority fields do not fit in the payload");
        break;
      }
      dx_add_item(p, st, FL(F_EXCLUSIVE), &pl, pos, 4);
      dx_add_item(p, st, FL(F_STREAM_DEPENDENCY), &pl, pos, 4);
      dx_add_item(p, st, FL(F_WEIGHT), &pl, pos + 4, 1);
      uint8_t w;
      if (dx_get_u8(&pl, pos + 4, &w)) {
        dx_node *g = dx_add_uint(p, st, FL(F_WEIGHT_REAL), &pl, pos + 4, 1, (uint64_t)w + 1);
        dx_node_set_flags(g, DX_NODE_GENERATED);
      }
      pos += 5;
    }
    n = f->len - pos - padlen;
    dx_add_item(p, st, FL(F_HEADERS), &pl, pos, n);
    if (sid0)
      dx_mark_malformed(p, st, "HEADERS frame on stream 0");
    else
      headers_fragment(p, c, dir, f, st, &pl, pos, n, f->sid, false, extra, sizeof extra);
    if (padlen)
      dx_add_item(p, st, FL(F_HEADERS_PADDING), &pl, f->len - padlen, padlen);
    break;
  case 2: /* PRIORITY */
    if (f->len != 5 && f->whole)
      dx_mark_malformed(p, st, "PRIORITY payload is %u bytes, not 5", f->len);
    dx_add_item(p, st, FL(F_EXCLUSIVE), &pl, 0, 4);
    dx_add_item(p, st, FL(F_STREAM_DEPENDENCY), &pl, 0, 4);
    dx_add_item(p, st, FL(F_WEIGHT), &pl, 4, 1);
    {
      uint8_t w;
      if (dx_get_u8(&pl, 4, &w)) {
        dx_node *g = dx_add_uint(p, st, FL(F_WEIGHT_REAL), &pl, 4, 1, (uint64_t)w + 1);
        dx_node_set_flags(g, DX_NODE_GENERATED);
      }
    }
    break;
  case 3: /* RST_STREAM */
    if (f->len != 4 && f->whole)
      dx_mark_malformed(p, st, "RST_STREAM payload is %u bytes, not 4", f->len);
    dx_add_item(p, st, FL(F_RST_ERROR), &pl, 0, 4);
    if (c && f->whole && !sid0) {
      h2_stream *s = stream_get(p, c, f->sid, false, NULL);
      if (s) {
        s->reset = true;
        for (int i = 0; i < 2; i++)
          body_reset(c, &s->body[i]);
      }
    }
    break;
  case 4: /* SETTINGS */
    if ((f->flags & 0x01) && f->len && f->whole)
      dx_mark_malformed(p, st, "SETTINGS with ACK must be empty");
    if (f->len % 6 && f->whole)
      dx_mark_malformed(p, st, "SETTINGS payload is %u bytes, not a multiple of 6", f->len);
    for (uint32_t i = 0; i + 6 <= f->len || (i < f->len && !f->whole); i += 6) {
      if (i / 6 >= H2_MAX_SETTINGS) {
        dx_expert(p, st, dx_field_limit(), DX_SEV_NOTE, "[More than %u settings: not shown]",
                  H2_MAX_SETTINGS);
        break;
      }
      uint16_t id = 0;
      uint32_t v = 0;
      if (!setting(p, st, &pl, i, &id, &v))
        break;
      /* The peer's decoder allows a larger table: our inflater of the
       * other direction must allow it too (bounded). */
      if (id == 1 && c && f->whole && !(f->flags & 0x01)) {
        h2_dir *o = &c->d[!dir];
        uint32_t want = v > H2_MAX_TABLE ? H2_MAX_TABLE : v;
        if (want > o->table_max) {
          o->table_max = want;
          if (o->inf)
            nghttp2_hd_inflate_change_table_size(o->inf, want);
        }
      }
    }
    break;
  case 5: /* PUSH_PROMISE */
    if (!frame_padding(p, st, &pl, f, f->flags & 0x08, &pos, &padlen))
      break;
    if (pos + 4 + padlen > f->len && f->whole) {
      dx_mark_malformed(p, st, "Promised-Stream-ID does not fit in the payload");
      break;
    }
    dx_add_item(p, st, FL(F_PP_R), &pl, pos, 4);
    dx_add_item(p, st, FL(F_PP_PROMISED), &pl, pos, 4);
    {
      uint32_t prom = 0;
      dx_get_u32(&pl, pos, &prom);
      pos += 4;
      n = f->len - pos - padlen;
      dx_add_item(p, st, FL(F_PP_HEADER), &pl, pos, n);
      headers_fragment(p, c, dir, f, st, &pl, pos, n, prom & 0x7fffffffu, true, extra,
                       sizeof extra);
    }
    if (padlen)
      dx_add_item(p, st, FL(F_PP_PADDING), &pl, f->len - padlen, padlen);
    break;
  case 6: /* PING */
    if (f->len != 8 && f->whole)
      dx_mark_malformed(p, st, "PING payload is %u bytes, not 8", f->len);
    dx_add_item(p, st, FL((f->flags & 0x01) ? F_PONG : F_PING), &pl, 0, 8);
    break;
  case 7: /* GOAWAY */
    if (f->len < 8 && f->whole)
      dx_mark_malformed(p, st, "GOAWAY payload is %u bytes, less than 8", f->len);
    dx_add_item(p, st, FL(F_GOAWAY_R), &pl, 0, 4);
    dx_add_item(p, st, FL(F_GOAWAY_LAST), &pl, 0, 4);
    dx_add_item(p, st, FL(F_GOAWAY_ERROR), &pl, 4, 4);
    if (f->len > 8)
      dx_add_item(p, st, FL(F_GOAWAY_ADDATA), &pl, 8, f->len - 8);
    break;
  case 8: /* WINDOW_UPDATE */
    if (f->len != 4 && f->whole)
      dx_mark_malformed(p, st, "WINDOW_UPDATE payload is %u bytes, not 4", f->len);
    dx_add_item(p, st, FL(F_WU_R), &pl, 0, 4);
    dx_add_item(p, st, FL(F_WU_INCREMENT), &pl, 0, 4);
    break;
  case 9: /* CONTINUATION */ {
    dx_node *g = dx_add_uint(p, st, FL(F_PAD_LENGTH), &pl, 0, 0, 0);
    dx_node_set_flags(g, DX_NODE_GENERATED);
    const uint8_t *s = dx_get_ptr(&pl, 0, pl.len);
    const uint8_t *z = s ? memchr(s, 0, pl.len) : NULL;
    dx_node *ch = dx_add_string(p, st, FL(F_CONT_HEADER), &pl, 0, pl.len, s ? (const char *)s : "",
                                s ? (z ? (size_t)(z - s) : pl.len) : 0);
    if (!f->whole) {
      dx_mark_truncated(p, ch, "CONTINUATION payload");
      break;
    }
    if (!d)
      break;
    if (!d->hb_active || (d->hb_stream & 0x7fffffffu) != f->sid) {
      dx_mark_malformed(
          p, st, "CONTINUATION without a HEADERS or PUSH_PROMISE of stream %u before it", f->sid);
      d->hpack_lost = true;
      hb_reset(c, d);
      break;
    }
    hb_append(c, d, s, f->len);
    if (f->flags & 0x04) {
      bool push = d->hb_stream & 0x80000000u;
      block_done(p, c, dir, d->hb_stream & 0x7fffffffu, push, st, &pl, 0, d->hb, d->hb_len, extra,
                 sizeof extra);
      hb_reset(c, d);
    }
    break;
  }
  case 10: /* ALTSVC (RFC 7838) */ {
    uint16_t ol = 0;
    dx_add_item(p, st, FL(F_ALTSVC_ORIGIN_LEN), &pl, 0, 2);
    if (!dx_get_u16(&pl, 0, &ol))
      break;
    if (2u + ol > f->len && f->whole) {
      dx_mark_malformed(p, st, "Origin Length %u is larger than the payload", ol);
      break;
    }
    dx_add_item(p, st, FL(F_ALTSVC_ORIGIN), &pl, 2, ol);
    dx_add_item(p, st, FL(F_ALTSVC_FIELD_VALUE), &pl, 2u + ol, f->len - 2u - ol);
    break;
  }
  case 11: /* BLOCKED */ break;
  case 12: /* ORIGIN (RFC 8336) */
    for (uint32_t i = 0, k = 0; i < f->len; k++) {
      if (k >= H2_MAX_ORIGINS) {
        dx_expert(p, st, dx_field_limit(), DX_SEV_NOTE, "[More than %u origins: not shown]",
                  H2_MAX_ORIGINS);
        break;
      }
      uint16_t ol = 0;
      dx_node *on = dx_add_none(p, st, FL(F_ORIGIN), &pl, i, 2);
      dx_add_item(p, on, FL(F_ORIGIN_LEN), &pl, i, 2);
      if (!dx_get_u16(&pl, i, &ol))
        break;
      if (i + 2u + ol > f->len && f->whole) {
        dx_mark_malformed(p, on, "Origin Length %u is larger than the rest of the payload", ol);
        break;
      }
      dx_node_set_len(on, 2u + ol);
      dx_add_item(p, on, FL(F_ORIGIN_ORIGIN), &pl, i + 2, ol);
      i += 2u + ol;
    }
    break;
  case 16: /* PRIORITY_UPDATE (RFC 9218) */
    dx_add_item(p, st, FL(F_PU_STREAM), &pl, 0, 4);
    if (f->len > 4)
      dx_add_item(p, st, FL(F_PU_VALUE), &pl, 4, f->len - 4);
    break;
  default:
    if (f->len)
      dx_add_item(p, st, FL(F_UNKNOWN), &pl, 0, f->len);
    break;
  }
  if (!f->whole)
    dx_mark_truncated(p, st, "HTTP/2 frame");
  if (dx_packet_labels(p))
    dx_node_set_text(p, st, "Stream: %s, Stream ID: %u, Length %u%s%s", tname, f->sid, f->len,
                     extra[0] && extra[0] != '(' ? ", "
                     : extra[0]                  ? " "
                                                 : "",
                     extra);
  if (p->want_columns) {
    char item[400];
    if (extra[0] && extra[0] != '(')
      snprintf(item, sizeof item, "%s[%u]: %s", tname, f->sid, extra);
    else
      snprintf(item, sizeof item, "%s[%u]", tname, f->sid);
    info_add(p, item);
    if (tail[0])
      info_tail(p, tail);
    if (c && c->doh_info) /* DNS cleared Info and wrote its own */
      dx_col_info_set(p, "%s", c->doh_info);
    if (c && c->body_proto)
      dx_col_set_proto(p, c->body_proto);
    else if (c && c->xml_col)
      dx_col_set_proto(p, info_proto_xml);
    else if (c && c->json_col)
      dx_col_set_proto(p, info_proto_json);
  }
  if (c) {
    c->xml_col = c->json_col = false;
    c->body_proto = c->doh_info = NULL;
  }
}

/* ---- entry points ----------------------------------------------------------------- */

bool dx_http2_is_preface(const dx_tvb *t) {
  uint32_t n = t->len < H2_MAGIC_LEN ? t->len : H2_MAGIC_LEN;
  const uint8_t *s = n >= 4 ? dx_get_ptr(t, 0, n) : NULL;
  return s && memcmp(s, h2_magic, n) == 0;
}

static uint32_t dissect_h2(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  h2_conn *c = conn_get(p);
  int dir = p->flow_dir ? 1 : 0;
  h2_dir *d = c ? &c->d[dir] : NULL;
  uint32_t off = 0;
  if (d && d->skip) {
    uint32_t take = d->skip < t->len ? (uint32_t)d->skip : t->len;
    dx_node *h2 = dx_add_proto(p, parent, FL(F_HTTP2), t, 0, take);
    dx_expert(p, h2, dx_field_limit(), DX_SEV_NOTE,
              "[Rest of a frame larger than the reassembly cap (%u bytes): %llu bytes to come]",
              stream_cap(p), (unsigned long long)(d->skip - take));
    dx_add_item(p, h2, FL(F_UNKNOWN), t, 0, take);
    d->skip -= take;
    info_add(p, "Continuation");
    off = take;
  }
  if (off == 0 && dx_http2_is_preface(t)) {
    if (t->len < H2_MAGIC_LEN) {
      if (can_wait(p)) {
        p->desegment_offset = 0;
        p->desegment_len = H2_MAGIC_LEN - t->len;
        return 0;
      }
    }
    if (t->len >= H2_MAGIC_LEN)
      dx_pdu_size(p, t, 0, H2_MAGIC_LEN);
    dx_node *h2 = dx_add_proto(p, parent, FL(F_HTTP2), t, 0, H2_MAGIC_LEN);
    dx_node *st = dx_add_none(p, h2, FL(F_STREAM), t, 0, H2_MAGIC_LEN);
    dx_node_set_text(p, st, "Stream: Magic");
    dx_node *m = dx_add_item(p, st, FL(F_MAGIC), t, 0, H2_MAGIC_LEN);
    if (!dx_node_ok(m))
      dx_mark_truncated(p, m, "connection preface");
    info_add(p, "Magic");
    off = t->len < H2_MAGIC_LEN ? t->len : H2_MAGIC_LEN;
  }
  for (unsigned k = 0; off < t->len; k++) {
    uint32_t avail = t->len - off;
    if (k >= H2_MAX_FRAMES) {
      dx_node *h2 = dx_add_proto(p, parent, FL(F_HTTP2), t, off, avail);
      dx_expert(p, h2, dx_field_limit(), DX_SEV_WARN,
                "[More than %u HTTP/2 frames in one segment: the rest is not dissected]",
                H2_MAX_FRAMES);
      return t->len;
    }
    h2_frame f = {.off = off};
    if (avail < H2_HDR) {
      if (can_wait(p)) {
        p->desegment_offset = off;
        p->desegment_len = H2_HDR - avail;
        return off;
      }
      uint32_t cut_len = 0;
      if (dx_get_u24(t, off, &cut_len)) /* as tshark: the size its 3 bytes give */
        dx_pdu_size(p, t, off, H2_HDR + cut_len);
      dx_node *h2 = dx_add_proto(p, parent, FL(F_HTTP2), t, off, avail);
      dx_node *st = dx_add_none(p, h2, FL(F_STREAM), t, off, avail);
      dx_add_item(p, st, FL(F_LENGTH), t, off, 3);
      if (avail > 3)
        dx_add_item(p, st, FL(F_TYPE), t, off + 3, 1);
      dx_mark_truncated(p, st, "HTTP/2 frame header");
      return t->len;
    }
    uint32_t len = 0, sid = 0;
    dx_get_u24(t, off, &len);
    dx_get_u8(t, off + 3, &f.type);
    dx_get_u8(t, off + 4, &f.flags);
    dx_get_u32(t, off + 5, &sid);
    f.len = len;
    f.sid = sid & 0x7fffffffu;
    uint64_t total = (uint64_t)H2_HDR + len;
    f.whole = total <= avail;
    if (!f.whole && can_wait(p)) {
      if (total <= stream_cap(p)) {
        p->desegment_offset = off;
        p->desegment_len = (uint32_t)(total - avail);
        return off;
      }
      /* Too large to reassemble: show what is here, skip the rest. */
      if (d)
        d->skip = total - avail;
      dissect_frame(p, c, dir, t, &f, parent);
      dx_expert(p, parent ? parent->last_child : NULL, dx_field_limit(), DX_SEV_WARN,
                "[Frame of %u bytes larger than the reassembly cap (%u bytes): not reassembled]",
                len, stream_cap(p));
      if (d && (f.type == 1 || f.type == 5 || f.type == 9))
        d->hpack_lost = true; /* its header block is lost */
      return t->len;
    }
    dx_pdu_size(p, t, off, (uint32_t)total);
    dissect_frame(p, c, dir, t, &f, parent);
    if (!f.whole)
      return t->len;
    off += (uint32_t)total;
  }
  return off;
}

static uint32_t heur_h2(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  if (!dx_http2_is_preface(t))
    return 0;
  return dissect_h2(p, t, parent);
}

/* HTTP/1.1's HTTP2-Settings header (RFC 7540 3.2.1): a SETTINGS payload
 * in base64url without padding, shown as tshark shows it. */
void dx_http2_settings_header(dx_packet *p, dx_node *parent, const dx_tvb *t, uint32_t off,
                              uint32_t len) {
  const uint8_t *s = dx_get_ptr(t, off, len);
  if (!s || len == 0 || len > 4 * H2_MAX_SETTINGS * 2)
    return;
  /* to standard base64 with its padding, for OpenSSL's decoder */
  char b64[4 * H2_MAX_SETTINGS * 2 + 4];
  uint32_t n = 0;
  for (uint32_t i = 0; i < len; i++) {
    char ch = (char)s[i];
    if (ch == '-')
      ch = '+';
    else if (ch == '_')
      ch = '/';
    else if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')))
      return; /* '+', '/', '=' or anything else: not base64url */
    b64[n++] = ch;
  }
  if (n % 4 == 1)
    return;
  uint32_t pad = (4 - n % 4) % 4;
  for (uint32_t i = 0; i < pad; i++)
    b64[n++] = '=';
  uint8_t raw[3 * H2_MAX_SETTINGS * 2 + 3];
  int got = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)n);
  if (got < 0)
    return;
  got -= (int)pad; /* EVP_DecodeBlock counts the padding as zero bytes */
  if (got <= 0)
    return;
  dx_tvb pl = dx_packet_add_source_kind(p, DX_SRC_DECODED, "HTTP2-Settings", raw, (uint32_t)got);
  if (pl.len != (uint32_t)got)
    return;
  for (uint32_t i = 0; i + 6 <= pl.len && i / 6 < H2_MAX_SETTINGS; i += 6) {
    uint16_t id;
    uint32_t v;
    setting(p, parent, &pl, i, &id, &v);
  }
  if (pl.len % 6)
    dx_mark_malformed(p, parent, "HTTP2-Settings holds %u bytes, not a multiple of 6", pl.len);
}

void dx_http2_upgrade(dx_packet *p, const dx_tvb *t, uint32_t hdr_off, uint32_t hdr_len) {
  uint32_t avail = dx_tvb_avail(t, hdr_off);
  if (hdr_len > avail)
    hdr_len = avail;
  const uint8_t *s = hdr_len ? dx_get_ptr(t, hdr_off, hdr_len) : NULL;
  if (!s || !p->bstream)
    return;
  /* "Upgrade: h2c" among the header lines (RFC 9110 7.8). */
  bool h2c = false;
  for (uint32_t i = 0; i < hdr_len && !h2c;) {
    const uint8_t *lf = memchr(s + i, '\n', hdr_len - i);
    uint32_t e = lf ? (uint32_t)(lf - s) : hdr_len;
    uint32_t next = e + 1;
    if (e > i && s[e - 1] == '\r')
      e--; /* the token list ends before the line's CR */
    uint32_t n = e - i;
    if (n > 8 && ieq(s + i, 8, "upgrade:")) {
      char tok[16];
      for (uint32_t a = i + 8; a < e && !h2c;) {
        uint32_t b = a;
        while (b < e && s[b] != ',')
          b++;
        token_copy(s + a, b - a, tok, sizeof tok);
        size_t tl = strlen(tok);
        if (tl && tok[tl - 1] == '\r')
          tok[tl - 1] = 0;
        h2c = strcmp(tok, "h2c") == 0;
        a = b + 1;
      }
    }
    i = next;
  }
  if (h2c)
    dx_stream_switch(p, &dx_proto_http2);
}

const dx_protocol dx_proto_http2 = {
    .name = "http2",
    .label = "HyperText Transfer Protocol 2",
    .fields = h2_fields,
    .nfields = DX_ARRAY_LEN(h2_fields),
    .dissect = dissect_h2,
    .heuristic_tcp = heur_h2,
};
