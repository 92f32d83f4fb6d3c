/* VNC (vnc.c) on hand-made segments of one connection: the expected values
 * are tshark 4.0.17's on the same frames (each test's frames written with
 * TU_ONLY=NAME TU_DUMP_PCAP=FILE and read with tshark -V). */
#include "appconn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))
#define LABEL(p, name, val) CU_ASSERT_STRING_EQUAL(tu_label((p), (name)), (val))
#define INFO(p, s) CU_ASSERT_STRING_EQUAL(dx_packet_info(p), (s))

static conn C;

static dx_packet *sendb(int c2s, const void *b, size_t n) {
  dx_packet *p = send_data(&C, c2s, b, n);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  return p;
}

static const uint8_t SEC_TYPES[] = {2, 1, 2};
static const uint8_t CHALLENGE[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
static const uint8_t RESULT_OK[4] = {0, 0, 0, 0};
static const uint8_t SERVER_INIT[] = {0x04, 0x00, 0x03, 0x00, 32,  24,  0,   1,  0, 255,
                                      0,    255,  0,    255,  16,  8,   0,   0,  0, 0,
                                      0,    0,    0,    4,    't', 'e', 's', 't'};

/* Version, security types, VNC authentication, ServerInit (port 5900). */
static void handshake(uint16_t sport) {
  conn_open(&C, 40100, sport);
  dx_packet *p = sendb(0, "RFB 003.008\n", 12);
  INFO(p, "Server protocol version: 003.008");
  EXPECT(p, "vnc.server_proto_ver", "003.008");
  LABEL(p, "vnc.server_proto_ver", "Server protocol version: 003.008");
  dx_packet_free(p);
  p = sendb(1, "RFB 003.008\n", 12);
  INFO(p, "Client protocol version: 003.008");
  EXPECT(p, "vnc.client_proto_ver", "003.008");
  dx_packet_free(p);
  p = sendb(0, SEC_TYPES, sizeof SEC_TYPES);
  INFO(p, "Security types supported");
  EXPECT(p, "vnc.num_security_types", "2");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "vnc.security_type", 0), "1");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "vnc.security_type", 1), "2");
  LABEL(p, "vnc.security_type", "Security type: None (1)");
  dx_packet_free(p);
  p = sendb(1, "\x02", 1);
  INFO(p, "Security type VNC (2) selected by client");
  LABEL(p, "vnc.client_security_type", "Security type selected: VNC (2)");
  dx_packet_free(p);
  p = sendb(0, CHALLENGE, 16);
  INFO(p, "Authentication challenge from server");
  EXPECT(p, "vnc.auth_challenge", "0102030405060708090a0b0c0d0e0f10");
  dx_packet_free(p);
  p = sendb(1, CHALLENGE, 16);
  INFO(p, "Authentication response from client");
  EXPECT(p, "vnc.auth_response", "0102030405060708090a0b0c0d0e0f10");
  dx_packet_free(p);
  p = sendb(0, RESULT_OK, 4);
  INFO(p, "Authentication result");
  LABEL(p, "vnc.auth_result",
        ".... .... .... .... .... .... .... ...0 = Authentication result: OK");
  dx_packet_free(p);
  p = sendb(1, "\x01", 1);
  INFO(p, "Share desktop flag");
  EXPECT(p, "vnc.share_desktop_flag", "1");
  dx_packet_free(p);
  p = sendb(0, SERVER_INIT, sizeof SERVER_INIT);
  INFO(p, "Server framebuffer parameters");
  EXPECT(p, "vnc.width", "1024");
  EXPECT(p, "vnc.height", "768");
  EXPECT(p, "vnc.server_bits_per_pixel", "32");
  EXPECT(p, "vnc.server_depth", "24");
  EXPECT(p, "vnc.server_true_color_flag", "1");
  EXPECT(p, "vnc.server_red_max", "255");
  EXPECT(p, "vnc.server_red_shift", "16");
  EXPECT(p, "vnc.desktop_name_len", "4");
  EXPECT(p, "vnc.desktop_name", "test");
  dx_packet_free(p);
}

static void test_session(void) {
  handshake(5900);
  static const uint8_t spf[] = {0, 0, 0, 0, 16, 16, 0, 1, 0, 31, 0, 63, 0, 31, 11, 5, 0, 0, 0, 0};
  dx_packet *p = sendb(1, spf, sizeof spf);
  INFO(p, "Client set pixel format");
  EXPECT(p, "vnc.client_message_type", "0");
  EXPECT(p, "vnc.client_bits_per_pixel", "16");
  EXPECT(p, "vnc.client_green_max", "63");
  EXPECT(p, "vnc.client_red_shift", "11");
  dx_packet_free(p);
  static const uint8_t enc[] = {2, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0x21};
  p = sendb(1, enc, sizeof enc);
  INFO(p, "Client set encodings");
  EXPECT(p, "vnc.client_set_encodings_num", "3");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "vnc.client_set_encodings_encoding_type", 2), "-223");
  dx_packet_free(p);
  static const uint8_t upd[] = {3, 1, 0, 10, 0, 20, 0x04, 0x00, 0x03, 0x00};
  p = sendb(1, upd, sizeof upd);
  INFO(p, "Client framebuffer update request");
  EXPECT(p, "vnc.update_req_incremental", "1");
  EXPECT(p, "vnc.update_req_x_pos", "10");
  EXPECT(p, "vnc.update_req_y_pos", "20");
  EXPECT(p, "vnc.update_req_width", "1024");
  EXPECT(p, "vnc.update_req_height", "768");
  dx_packet_free(p);
  static const uint8_t key[] = {4, 1, 0, 0, 0, 0, 0xff, 0x0d};
  p = sendb(1, key, sizeof key);
  EXPECT(p, "vnc.key_down", "1");
  EXPECT(p, "vnc.key", "0x0000ff0d");
  dx_packet_free(p);
  static const uint8_t ptr[] = {5, 0x05, 0x01, 0x00, 0x00, 0x80};
  p = sendb(1, ptr, sizeof ptr);
  INFO(p, "Client pointer event");
  EXPECT(p, "vnc.button_1_pos", "1");
  EXPECT(p, "vnc.button_2_pos", "0");
  EXPECT(p, "vnc.pointer_x_pos", "256");
  EXPECT(p, "vnc.pointer_y_pos", "128");
  dx_packet_free(p);
  static const uint8_t cut[] = {6, 0, 0, 0, 0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o'};
  p = sendb(1, cut, sizeof cut);
  INFO(p, "Client cut text");
  EXPECT(p, "vnc.client_cut_text_len", "5");
  EXPECT(p, "vnc.client_cut_text", "hello");
  dx_packet_free(p);
  /* server: a framebuffer update of a CopyRect and a 2x1 Raw rectangle */
  static const uint8_t fb[] = {0, 0, 0, 2, 0, 1, 0, 2, 0, 3, 0, 4, 0, 0, 0, 1, 0, 5, 0, 6,
                               0, 7, 0, 8, 0, 2, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
  p = sendb(0, fb, sizeof fb);
  /* (tshark takes 2 bytes a pixel from SetPixelFormat: 4 bytes are left) */
  INFO(p, "Server framebuffer update; Unknown server message type");
  EXPECT(p, "vnc.server_message_type", "0");
  EXPECT(p, "vnc.fb_update_num_rects", "2");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "vnc.fb_update_x_pos", 1), "7");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "vnc.fb_update_encoding_type", 0), "1");
  EXPECT(p, "vnc.copyrect_src_x_pos", "5");
  EXPECT(p, "vnc.raw_pixel_data", "01020304");
  dx_packet_free(p);
  /* tshark wants 6 bytes a colour + 5 after the first colour: the
   * message waits for the next segments, each read again with the bytes
   * before (the server cut text, read with no padding, always waits) */
  static const uint8_t cmap[] = {1, 0, 0, 3, 0, 2, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6};
  p = sendb(0, cmap, sizeof cmap);
  INFO(p, "Server set colormap entries [TCP segment of a reassembled PDU]");
  EXPECT(p, "vnc.colormap_first_color", "3");
  EXPECT(p, "vnc.colormap_groups", "2");
  CU_ASSERT_EQUAL(tu_count(p, "vnc.colormap_blue"), 0);
  dx_packet_free(p);
  p = sendb(0, "\x02", 1);
  INFO(p, "Server set colormap entries [TCP segment of a reassembled PDU]");
  dx_packet_free(p);
  static const uint8_t scut[] = {3, 0, 0, 0, 0, 0, 0, 2, 'h', 'i'};
  p = sendb(0, scut, sizeof scut);
  INFO(p, "Server set colormap entries; Server ring bell on client; Server cut text");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "vnc.colormap_blue", 1), "6");
  EXPECT(p, "vnc.server_cut_text_len", "0");
  CU_ASSERT_EQUAL(tu_count(p, "vnc.reassemble"), 1);
  dx_packet_free(p);
  conn_close(&C);
}

/* A version message on a port of no protocol: found by the heuristic. */
static void test_heuristic(void) {
  conn_open(&C, 40200, 6900);
  dx_packet *p = sendb(0, "RFB 003.003\n", 12);
  INFO(p, "Server protocol version: 003.003");
  dx_packet_free(p);
  p = sendb(1, "RFB 003.003\n", 12);
  INFO(p, "Client protocol version: 003.003");
  dx_packet_free(p);
  /* before 3.7 the server decides: None, then ClientInit */
  p = sendb(0, "\0\0\0\1", 4);
  INFO(p, "Security types supported");
  EXPECT(p, "vnc.server_security_type", "1");
  dx_packet_free(p);
  p = sendb(1, "\x00", 1);
  INFO(p, "Share desktop flag");
  EXPECT(p, "vnc.share_desktop_flag", "0");
  dx_packet_free(p);
  conn_close(&C);
}

/* A framebuffer update across three segments: each segment before the
 * last waits ([TCP segment of a reassembled PDU]); a client message cut in
 * two is read as it comes. */
static void test_segments(void) {
  conn_open(&C, 40400, 5900);
  dx_packet *p = sendb(0, "RFB 003.008\n", 12);
  dx_packet_free(p);
  p = sendb(1, "RFB 003.008\n", 12);
  dx_packet_free(p);
  p = sendb(0, "\x01\x01", 2);
  dx_packet_free(p);
  p = sendb(1, "\x01", 1);
  INFO(p, "Security type None (1) selected by client");
  dx_packet_free(p);
  p = sendb(0, RESULT_OK, 4);
  INFO(p, "Authentication result");
  dx_packet_free(p);
  p = sendb(1, "\x01", 1);
  dx_packet_free(p);
  p = sendb(0, SERVER_INIT, sizeof SERVER_INIT);
  dx_packet_free(p);
  uint8_t fb[4 + 12 + 64];
  memset(fb, 0, sizeof fb);
  fb[3] = 1;             /* one rectangle */
  fb[9] = 4, fb[11] = 4; /* 4x4, Raw */
  for (int i = 0; i < 64; i++)
    fb[16 + i] = (uint8_t)i;
  p = sendb(0, fb, 10);
  INFO(p, "Server framebuffer update [TCP segment of a reassembled PDU]");
  dx_packet_free(p);
  p = sendb(0, fb + 10, 30);
  INFO(p, "Server framebuffer update [TCP segment of a reassembled PDU]");
  dx_packet_free(p);
  p = sendb(0, fb + 40, sizeof fb - 40);
  INFO(p, "Server framebuffer update");
  EXPECT(p, "vnc.fb_update_width", "4");
  CU_ASSERT_EQUAL(strlen(tu_value(p, "vnc.raw_pixel_data")), 128);
  dx_packet_free(p);
  static const uint8_t enc[] = {2, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1};
  p = sendb(1, enc, 6);
  dx_packet_free(p);
  p = sendb(1, enc + 6, 6);
  dx_packet_free(p);
  conn_close(&C);
}

/* Malformed input: short and hostile lengths, every prefix. */
static void test_hostile(void) {
  handshake(5901);
  static const uint8_t enc[] = {2, 0, 0xff, 0xff, 0, 0, 0, 0};
  dx_packet *p = sendb(1, enc, sizeof enc);
  CU_ASSERT(tu_any_flag(p, DX_NODE_TRUNCATED | DX_NODE_MALFORMED));
  dx_packet_free(p);
  /* a length of 0xffffffff is -1 for tshark: the text to the end */
  static const uint8_t cut[] = {6, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 'x'};
  p = sendb(1, cut, sizeof cut);
  EXPECT(p, "vnc.client_cut_text", "x");
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED));
  dx_packet_free(p);
  /* 65535 rectangles (Tight's "not used"), a 65535x65535 raw one whose
   * size wraps in tshark's unsigned arithmetic: no wait */
  static const uint8_t fb[] = {0, 0, 0xff, 0xff, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0};
  p = sendb(0, fb, sizeof fb);
  INFO(p, "Server framebuffer update");
  LABEL(p, "vnc.fb_update_num_rects",
        "Number of rectangles: 65535 [TIGHT encoding assumed (field is not used)]");
  dx_packet_free(p);
  conn_close(&C);
  uint8_t frame[256];
  size_t n = tf_tcp(frame, 0, 40300, 5900, 1, 1, TF_PSH | TF_ACK, 1000, NULL, 0,
                    (const uint8_t *)"RFB 003.008\n", 12);
  CU_ASSERT_EQUAL(tu_truncate_all(1, frame, n), 0);
}

int main(void) {
  static CU_TestInfo tests[] = {{"session", test_session},
                                {"heuristic", test_heuristic},
                                {"segments", test_segments},
                                {"hostile", test_hostile},
                                CU_TEST_INFO_NULL};
  return tu_run("vnc", tests);
}
