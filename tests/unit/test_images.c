/* Unit tests of the image dissectors (jpeg.c, png.c, gif.c) on hand-made
 * HTTP responses: images cut at every length, segments and chunks longer
 * than the body, and hostile ones whose work must stay bounded (tens of
 * thousands of markers, blocks and IFDs). What tshark shows for ordinary
 * and broken images is compared with tshark itself in
 * tests/differential/test_tshark_images.sh. */
#include "appconn.h"

#include <stdio.h>
#include <stdlib.h>

static conn C;

#define EXPECT(p, f, v) CU_ASSERT_STRING_EQUAL(tu_value(p, f), v)

/* An HTTP/1.1 200 response of media type mt carrying body (Content-Length
 * its size), sent by the server on a fresh connection; the packet. */
static dx_packet *respond(const char *mt, const uint8_t *body, size_t n) {
  static uint16_t port = 41000;
  static uint8_t msg[66000];
  conn_open(&C, port++, 80);
  static const char req[] = "GET /i HTTP/1.1\r\nHost: a\r\n\r\n";
  dx_packet_free(send_data(&C, 1, req, sizeof req - 1));
  int k = snprintf((char *)msg, sizeof msg,
                   "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %zu\r\n\r\n", mt, n);
  if (k < 0 || (size_t)k + n > sizeof msg)
    return NULL;
  memcpy(msg + k, body, n);
  return send_data(&C, 0, msg, (size_t)k + n);
}

static size_t put(uint8_t *b, size_t at, const void *s, size_t n) {
  memcpy(b + at, s, n);
  return at + n;
}

/* SOI, a JFIF APP0, an APP1 Exif (big-endian: an IFD of three entries, a
 * rational out of its entry, an Exif IFD of one entry), DQT, EOI */
static size_t jpeg_exif(uint8_t *b) {
  static const uint8_t img[] = {
      0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x02, 0x00, 0x00,
      0x48, 0x00, 0x48, 0x00, 0x00, 0xff, 0xe1, 0x00, 0x54, 0x45, 0x78, 0x69, 0x66, 0x00, 0x00,
      0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, 0x00, 0x03, 0x01, 0x00, 0x00, 0x03, 0x00,
      0x00, 0x00, 0x01, 0x00, 0x10, 0x00, 0x00, 0x01, 0x1a, 0x00, 0x05, 0x00, 0x00, 0x00, 0x01,
      0x00, 0x00, 0x00, 0x32, 0x87, 0x69, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
      0x3a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x48, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01,
      0x82, 0x9a, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0xff, 0xdb, 0x00, 0x04, 0x00, 0x01, 0xff, 0xd9,
  };
  return put(b, 0, img, sizeof img);
}

static size_t png_small(uint8_t *b) {
  static const uint8_t img[] = {0x89, 'P',  'N',  'G',  '\r', '\n', 0x1a, '\n', 0x00, 0x00, 0x00,
                                0x0d, 'I',  'H',  'D',  'R',  0x00, 0x00, 0x00, 0x10, 0x00, 0x00,
                                0x00, 0x08, 0x08, 0x06, 0x00, 0x00, 0x00, 0xf0, 0x76, 0x7f, 0x97,
                                0x00, 0x00, 0x00, 0x04, 't',  'E',  'X',  't',  'k',  0x00, 'v',
                                0xe9, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 'I',  'E',
                                'N',  'D',  0xae, 0x42, 0x60, 0x82};
  return put(b, 0, img, sizeof img);
}

static size_t gif_small(uint8_t *b) {
  static const uint8_t img[] = {'G',  'I',  'F',  '8',  '9',  'a',  0x01, 0x00, 0x01, 0x00, 0x80,
                                0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x21, 0xf9, 0x04,
                                0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01,
                                0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b};
  return put(b, 0, img, sizeof img);
}

static void test_whole(void) {
  uint8_t b[256];
  size_t n = jpeg_exif(b);
  dx_packet *p = respond("image/jpeg", b, n);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:tcp:http:image-jfif");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "HTTP/1.1 200 OK  (JPEG JFIF image)");
  CU_ASSERT_EQUAL(tu_count(p, "image-jfif.marker"), 5);
  EXPECT(p, "image-jfif.ifd.value_short", "16");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "image-jfif.ifd.value_rational"), "Value: 72/1");
  EXPECT(p, "image-jfif.ifd.tag_exif", "33434");
  CU_ASSERT_EQUAL(tu_count(p, "_ws.malformed"), 0);
  dx_packet_free(p);

  n = png_small(b);
  p = respond("image/png", b, n);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "HTTP/1.1 200 OK  (PNG)");
  EXPECT(p, "png.ihdr.width", "16");
  EXPECT(p, "png.text.string", "v\xc3\xa9"); /* (Latin-1) */
  EXPECT(p, "png.chunk.type", "IHDR");
  dx_packet_free(p);

  n = gif_small(b);
  p = respond("image/gif", b, n);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "HTTP/1.1 200 OK  (GIF89a)");
  CU_ASSERT_EQUAL(tu_count(p, "image-gif.data_block"), 4);
  CU_ASSERT_EQUAL(tu_count(p, "image-gif.end"), 1);
  dx_packet_free(p);
  conn_close(&C);
}

/* Every prefix of each image as the whole body: no crash; a prefix of 20
 * bytes or more is the image (with a malformed note where it was cut in a
 * part), a shorter one the media layer. */
static void test_every_prefix(void) {
  static const struct {
    const char *mt, *proto;
    size_t (*make)(uint8_t *);
  } imgs[] = {{"image/jpeg", "image-jfif", jpeg_exif},
              {"image/png", "png", png_small},
              {"image/gif", "image-gif", gif_small}};
  for (size_t i = 0; i < sizeof imgs / sizeof imgs[0]; i++) {
    uint8_t b[256];
    size_t n = imgs[i].make(b);
    for (size_t k = 1; k < n; k++) {
      dx_packet *p = respond(imgs[i].mt, b, k);
      CU_ASSERT_PTR_NOT_NULL_FATAL(p);
      CU_ASSERT_EQUAL(tu_count(p, imgs[i].proto), k >= 20 ? 1 : 0);
      CU_ASSERT_EQUAL(tu_count(p, "media"), k >= 20 ? 0 : 1);
      CU_ASSERT(strncmp(dx_packet_info(p), "HTTP/1.1 200 OK", 15) == 0);
      dx_packet_free(p);
    }
  }
  conn_close(&C);
}

/* A JPEG segment longer than the body: tshark's ContainedBoundsError (the
 * DQT's data, which its length declares, is not there); an APP1 longer
 * than the body: its IFDs are read, then the next marker is looked for
 * past the body's end (ReportedBoundsError); a PNG chunk length past 2^31:
 * malformed, no chunk */
static void test_too_long(void) {
  uint8_t b[256];
  size_t n = jpeg_exif(b) - 4; /* (the DQT's data and the EOI cut) */
  dx_packet *p = respond("image/jpeg", b, n);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(tu_count(p, "image-jfif"), 1);
  CU_ASSERT(tu_count(p, "_ws.malformed") >= 1);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "HTTP/1.1 200 OK  (JPEG JFIF image)[Malformed Packet: length of contained "
                         "item exceeds length of containing item]");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "_ws.malformed"),
                         "[Malformed Packet: JFIF (JPEG) image: length of contained item exceeds "
                         "length of containing item]");
  CU_ASSERT(dx_packet_severity(p) >= DX_SEV_ERROR);
  dx_packet_free(p);

  n = jpeg_exif(b);
  b[22] = 0x01; /* the APP1's length: 0x0154 */
  p = respond("image/jpeg", b, n);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "image-jfif.ifd.tag_exif", "33434");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "HTTP/1.1 200 OK  (JPEG JFIF image)[Malformed Packet]");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "_ws.malformed"), "[Malformed Packet: JFIF (JPEG) image]");
  dx_packet_free(p);

  n = png_small(b);
  memcpy(b + 33, "\xff\xff\xff\xf0", 4); /* the tEXt chunk's length */
  p = respond("image/png", b, n);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_EQUAL(tu_count(p, "png.chunk"), 1); /* IHDR only */
  CU_ASSERT(tu_count(p, "_ws.malformed") >= 1);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "HTTP/1.1 200 OK  (PNG)[Malformed Packet]");
  dx_packet_free(p);
  conn_close(&C);
}

/* Hostile images: 30,000 restart markers, a GIF of 60,000 bytes that start
 * no block, a chain of IFDs each pointing to one large Exif IFD: each
 * stops at the cap on an image's items with a note. */
static void test_bounded(void) {
  static uint8_t b[62000];
  size_t n = jpeg_exif(b) - 2; /* (without its EOI) */
  for (int i = 0; i < 30000; i++) {
    b[n++] = 0xff;
    b[n++] = 0xd0 + (uint8_t)(i & 7);
  }
  dx_packet *p = respond("image/jpeg", b, n);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT(tu_count(p, "image-jfif.marker") > 19000 && tu_count(p, "image-jfif.marker") <= 20000);
  CU_ASSERT_EQUAL(tu_count(p, "_ws.limit"), 1);
  dx_packet_free(p);

  n = gif_small(b) - 1;
  memset(b + n, 0x99, 60000);
  p = respond("image/gif", b, n + 60000);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT(tu_count(p, "gif.data_block_type.unknown") > 19000 &&
            tu_count(p, "gif.data_block_type.unknown") <= 20000);
  CU_ASSERT_EQUAL(tu_count(p, "_ws.limit"), 1);
  dx_packet_free(p);

  /* APP1 (length 0xf000): the TIFF header (at body offset 12), then 1,500
   * IFDs of one entry (an Exif IFD pointer to 8 + 1,500 * 18) each chained
   * to the next, then an Exif IFD of 2,500 entries: 3,750,000 entries */
  memset(b, 0, sizeof b);
  n = put(b, 0, "\xff\xd8\xff\xe1\xf0\x00", 6);
  n = put(b, n, "Exif\0\0MM\x00\x2a\x00\x00\x00\x08", 14);
  uint32_t exif_at = 8 + 1500 * 18;
  for (uint32_t i = 0; i < 1500; i++) {
    uint8_t *e = b + 12 + 8 + i * 18;
    uint32_t next = i + 1 < 1500 ? 8 + (i + 1) * 18 : 0;
    memcpy(e, "\x00\x01\x87\x69\x00\x04\x00\x00\x00\x01", 10);
    e[10] = (uint8_t)(exif_at >> 24), e[11] = (uint8_t)(exif_at >> 16);
    e[12] = (uint8_t)(exif_at >> 8), e[13] = (uint8_t)exif_at;
    e[14] = (uint8_t)(next >> 24), e[15] = (uint8_t)(next >> 16);
    e[16] = (uint8_t)(next >> 8), e[17] = (uint8_t)next;
  }
  uint8_t *x = b + 12 + exif_at;
  x[0] = 2500 >> 8, x[1] = 2500 & 0xff;
  for (int i = 0; i < 2500; i++)
    memcpy(x + 2 + i * 12, "\x90\x00\x00\x03\x00\x00\x00\x01\x00\x07\x00\x00", 12);
  n = 4 + 0xf000;
  b[n++] = 0xff, b[n++] = 0xd9;
  p = respond("image/jpeg", b, n);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT(tu_count(p, "image-jfif.ifd.tag_exif") > 5000 &&
            tu_count(p, "image-jfif.ifd.tag_exif") <= 20000);
  CU_ASSERT_EQUAL(tu_count(p, "_ws.limit"), 1);
  dx_packet_free(p);
  conn_close(&C);
}

/* tshark's heuristics: a PNG under a type nobody registers, a GIF without
 * Content-Type; a PNG under image/jpeg ("subdissector failed") */
static void test_heuristics(void) {
  uint8_t b[256];
  size_t n = png_small(b);
  dx_packet *p = respond("application/foo", b, n);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:tcp:http:png");
  dx_packet_free(p);
  p = respond("image/jpeg", b, n);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:tcp:http:png");
  CU_ASSERT_EQUAL(tu_count(p, "http.subdissector_failed"), 1);
  dx_packet_free(p);
  p = respond("image/webp", (const uint8_t *)"RIFF....WEBPVP8 ........", 24);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "frame.protocols", "eth:ethertype:ip:tcp:http:media");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "HTTP/1.1 200 OK  (image/webp)");
  dx_packet_free(p);
  conn_close(&C);
}

int main(void) {
  CU_TestInfo tests[] = {
      {"whole images", test_whole},
      {"every prefix of each image", test_every_prefix},
      {"segments and chunks longer than the body", test_too_long},
      {"hostile images: bounded work", test_bounded},
      {"heuristics", test_heuristics},
      CU_TEST_INFO_NULL,
  };
  return tu_run("images", tests);
}
