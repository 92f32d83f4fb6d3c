/* HTTP body decoding helpers (Content-Encoding), kept apart from the
 * message parser in http.c. */
#ifndef LIBDISSECT_PROTO_HTTP_BODY_H
#define LIBDISSECT_PROTO_HTTP_BODY_H

#include "../core/dx.h"

#include <stdbool.h>
#include <stdint.h>

/* Reason phrases of status codes (RFC 9110 15) as tshark names them, for
 * HTTP/1.x and HTTP/2 (defined in http.c). */
extern const dx_vals dx_http_status_vals[];
/* The layer tshark 4.0 gives a body of media type mt (lower case, without
 * parameters), from its media_type table (defined in http.c). */
enum {
  DX_MK_MEDIA,        /* "media": a type no dissector is registered for */
  DX_MK_TEXT,         /* "data-text-lines" */
  DX_MK_JSON,         /* "json" */
  DX_MK_FORM,         /* "urlencoded-form" */
  DX_MK_XML,          /* "xml" */
  DX_MK_DATA,         /* "data" (application/octet-stream) */
  DX_MK_MESSAGE_HTTP, /* "message-http" */
  DX_MK_MULTIPART,    /* "mime_multipart" (multipart.c) */
  DX_MK_DNS,          /* "dns" (application/dns-message, DNS over HTTPS) */
  DX_MK_OCSP_REQ,     /* "ocsp" (application/ocsp-request: ocsp.c) */
  DX_MK_OCSP_RESP,    /* "ocsp" (application/ocsp-response) */
  DX_MK_PKIX_CERT,    /* "pkix-cert" (application/pkix-cert: X.509, x509.c) */
  DX_MK_JFIF,         /* "image-jfif" (image/jpeg, image/jpg, image/jfif: jpeg.c) */
  DX_MK_PNG,          /* "png" (image/png: png.c) */
  DX_MK_GIF           /* "image-gif" (image/gif: gif.c) */
};
int dx_media_kind(const char *mt);

/* What the layers of a body write in the Protocol and Info columns, as
 * tshark's dissectors write them after the message's own Info: kept apart
 * because HTTP/1.x and HTTP/2 put their own Info together around it. */
typedef struct dx_body_cols {
  char info[256]; /* appended to the message's Info (cut at 255 bytes) */
  size_t len;
  char proto[40]; /* appended to the Protocol column ("/JSON", "/XML") */
  size_t plen;
  bool doh;              /* a DNS message set the Protocol column to "DoH" (then proto) */
  bool replace;          /* a DNS message cleared the message's own Info: info replaces it */
  size_t fence;          /* a multipart's start in info: what a DNS part keeps */
  bool abort;            /* a part was malformed past reading (tshark's exception): stop */
  const char *proto_set; /* a body's layer set the whole Protocol column ("OCSP") */
} dx_body_cols;

/* The body b of media type mt (lower case, without parameters; params: the
 * Content-Type's parameters after its ';', or NULL) in the layer tshark
 * 4.0's media_type table gives mt, under parent: text lines, json, xml,
 * urlencoded-form, data, message-http, mime_multipart, dns, else media;
 * an empty mt or application/octet-stream as data. depth counts the
 * multipart encapsulations around b (0: a message's body). Columns into
 * cols (defined in http.c). */
void dx_media_body(dx_packet *p, dx_node *parent, const dx_tvb *b, const char *mt,
                   const char *params, int depth, dx_body_cols *cols);

/* Appends formatted text to cols->info (http.c). */
void dx_body_cols_info(dx_body_cols *cols, const char *fmt, ...) DX_PRINTF(2, 3);

/* A multipart body (RFC 2046 5.1) as tshark's "mime_multipart" layer under
 * parent: its boundary from params, each part's headers, and each part's
 * body handed to dx_media_body by its own Content-Type (multipart.c). */
#define DX_MULTIPART_MAX_DEPTH 8   /* nested multiparts walked */
#define DX_MULTIPART_MAX_PARTS 500 /* parts of one multipart */
void dx_dissect_multipart(dx_packet *p, dx_node *parent, const dx_tvb *b, const char *mt,
                          const char *params, int depth, dx_body_cols *cols);

/* A DNS message that is a whole body (DNS over HTTPS, RFC 8484) as the
 * "dns" layer under parent; writes the Protocol and Info columns as DNS
 * does (dns.c). */
void dx_dns_body(dx_packet *p, dx_node *parent, const dx_tvb *b);

/* Bodies of application/json (and json-rpc, jsonrequest) as tshark's "json"
 * layer, and of application/x-www-form-urlencoded as its
 * "urlencoded-form" (json.c). mt is the lower-cased media type (NULL for
 * JSON that no media type announces: the layer is then labelled without
 * one). */
bool dx_json_media(const char *mt);
void dx_dissect_json(dx_packet *p, dx_node *parent, const dx_tvb *b, const char *mt);
bool dx_form_media(const char *mt);
void dx_dissect_form(dx_packet *p, dx_node *parent, const dx_tvb *b, const char *mt);

/* Bodies of the XML media types tshark 4.0's xml dissector registers
 * (text/xml, application/xml, image/svg+xml, ...) as its "xml" layer
 * (xml.c). mt is the lower-cased media type. */
bool dx_xml_media(const char *mt);
dx_node *dx_dissect_xml(dx_packet *p, dx_node *parent, const dx_tvb *b); /* its layer */
/* application/pkix-cert: tshark's "pkix-cert" layer, the certificate decoded (x509.c) */
void dx_dissect_pkix_cert(dx_packet *p, dx_node *parent, const dx_tvb *b);

/* A text body as tshark's "data-text-lines" layer under parent (http.c). */
void dx_http_text_lines(dx_packet *p, dx_node *parent, const dx_tvb *b, const char *mt);
/* Images, as tshark 4.0's image dissectors show them: JPEG (JFIF and
 * Exif, jpeg.c: "image-jfif"), PNG (png.c) and GIF (gif.c). Each returns
 * false and adds nothing when b is not its format (fewer than 20 bytes,
 * not its signature), else adds its layer under parent and its note to
 * cols' Info (" (JPEG JFIF image)", " (PNG)", " (GIF89a)"). Bytes that run
 * out are tshark's exception (dx_exception_later): what came before stays.
 * An image's items (markers, chunks, blocks, directory entries and values)
 * stop at DX_IMAGE_MAX_ITEMS, with a note. */
#define DX_IMAGE_MAX_ITEMS 20000u
bool dx_dissect_jfif(dx_packet *p, dx_node *parent, const dx_tvb *b, dx_body_cols *cols);
bool dx_dissect_png(dx_packet *p, dx_node *parent, const dx_tvb *b, dx_body_cols *cols);
bool dx_dissect_gif(dx_packet *p, dx_node *parent, const dx_tvb *b, dx_body_cols *cols);
/* Whether tshark 4.0 notes "Trailing stray characters" on an ASCII string
 * item of the len bytes at s: a byte other than NUL after the string's
 * first NUL, within len bytes counted in the string as converted (each
 * byte of 0x80 or more three bytes of U+FFFD) (jpeg.c). */
bool dx_ascii_stray(const uint8_t *s, uint32_t len);
/* The kind's dissector (DX_MK_JFIF, DX_MK_PNG or DX_MK_GIF) on b. */
bool dx_dissect_image(dx_packet *p, int kind, dx_node *parent, const dx_tvb *b, dx_body_cols *cols);
/* tshark 4.0's heuristic HTTP body dissectors that dissect knows (PNG,
 * JPEG, GIF, by their signatures), as its HTTP tries them on a body no
 * dissector of its media type took: true if one took b. */
bool dx_image_heuristic(dx_packet *p, dx_node *parent, const dx_tvb *b, dx_body_cols *cols);

/* A body that the text lines dissector hands to XML, as tshark 4.0's
 * dissect_text_lines() does: more than 38 bytes starting "<?xml" (any
 * case). Shown as XML then, without the media type in Info. */
bool dx_text_is_xml(const dx_tvb *b);
/* Such a body shown as XML, the layer marked DX_PROTO_VIA_TEXT_LINES. */
void dx_text_lines_xml(dx_packet *p, dx_node *parent, const dx_tvb *b);

/* Decompressed bodies never grow past this (zip bombs). */
#define DX_HTTP_MAX_DECOMPRESSED (10u << 20)

typedef struct http_inflated {
  uint8_t *data;     /* malloc'd output (free with dx_http_inflated_free) */
  uint32_t len;      /* bytes of output */
  bool capped;       /* output stopped at the cap */
  const char *error; /* static text when decompression failed */
} http_inflated;

/* The cap on one decompressed body for a session's configuration. */
uint32_t dx_http_decompress_cap(const dx_config *cfg);

/* Inflates n bytes: gzip (RFC 1952) if gzip, else "deflate" (a zlib stream,
 * RFC 1950, or a raw deflate stream, RFC 1951, as some servers send).
 * Returns 0 on success (out->capped tells if the cap stopped it), -1 on
 * failure (out->error). Needs zlib (DX_HAVE_ZLIB); without it, always -1. */
int dx_http_inflate(const uint8_t *in, uint32_t n, bool gzip, uint32_t cap, http_inflated *out);
void dx_http_inflated_free(http_inflated *out);
/* Decodes n bytes of Content-Encoding "br" (brotli, RFC 7932) with
 * libbrotlidec, bounded by cap as dx_http_inflate; same returns. */
int dx_http_unbrotli(const uint8_t *in, uint32_t n, uint32_t cap, http_inflated *out);

/* An Internet Message (RFC 5322) as tshark's "imf" layer under parent,
 * with its columns (imf.c). */
void dx_dissect_imf(dx_packet *p, dx_node *parent, const dx_tvb *t);

#endif
