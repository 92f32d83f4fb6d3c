/* VNC (the RFB protocol, RFC 6143; TCP ports 5500, 5501, 5900 and 5901, and
 * heuristically on any port whose first segment is a 12-byte
 * "RFB xxx.yyy\n" version message) as tshark 4.0's packet-vnc.c shows it: a
 * state machine over the connection, one state per segment: the server's
 * and the client's ProtocolVersion, the security types the server offers,
 * the one the client selects, the VNC authentication challenge and
 * response, the security result, ClientInit and ServerInit; then each
 * segment is one client message (SetPixelFormat, SetEncodings,
 * FramebufferUpdateRequest, KeyEvent, PointerEvent, ClientCutText) or one
 * server message (FramebufferUpdate with its rectangles, SetColourMapEntries,
 * Bell, ServerCutText), told apart by the server's port.
 *
 * As in tshark, a security type this dissector does not follow (anything
 * but None, VNC) leaves the state where it was: every later segment of the
 * connection, in either direction, is read as the client's selection
 * ("Security type Invalid (0) selected by client" for a first byte 0).
 *
 * Server messages follow one another in a segment; one not all there
 * waits for the next segment (tshark's DESEGMENT_ONE_MORE_SEGMENT from the
 * message's start), with tshark's quirks: SetColourMapEntries wants 5 bytes
 * more than it has, ServerCutText is read without its padding and always
 * waits. A read past the bytes ends the segment as tshark's exception
 * ("[Malformed Packet: VNC]"); a length of 0xffffffff is tshark's -1 (to
 * the end).
 *
 * Not followed here (where tshark goes on): the rectangle encodings other
 * than Raw, CopyRect, DesktopSize and LastRect (the rest of the segment is
 * left); the TightVNC, VeNCrypt and Apple Remote Desktop security types
 * and TightVNC's capabilities; the client and server messages other than
 * RFC 6143's; the "Too many ..." notes.
 *
 * Per-connection state (the state, the versions, the server's port, the
 * pixel size) is charged to the session's stream byte budget. */
#include "../core/dx.h"
#include "../core/stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vnc_vals.inc"

enum {
  F_VNC,
  F_SERVER_PROTO_VER,
  F_CLIENT_PROTO_VER,
  F_NUM_SECURITY_TYPES,
  F_SECURITY_TYPE,
  F_SERVER_SECURITY_TYPE,
  F_CLIENT_SECURITY_TYPE,
  F_AUTH_CHALLENGE,
  F_AUTH_RESPONSE,
  F_AUTH_RESULT,
  F_AUTH_ERROR_LEN,
  F_AUTH_ERROR,
  F_SHARE_DESKTOP,
  F_WIDTH,
  F_HEIGHT,
  F_SERVER_BPP,
  F_SERVER_DEPTH,
  F_SERVER_BIG_ENDIAN,
  F_SERVER_TRUE_COLOR,
  F_SERVER_RED_MAX,
  F_SERVER_GREEN_MAX,
  F_SERVER_BLUE_MAX,
  F_SERVER_RED_SHIFT,
  F_SERVER_GREEN_SHIFT,
  F_SERVER_BLUE_SHIFT,
  F_PADDING,
  F_DESKTOP_NAME_LEN,
  F_DESKTOP_NAME,
  F_CLIENT_MSG_TYPE,
  F_CLIENT_BPP,
  F_CLIENT_DEPTH,
  F_CLIENT_BIG_ENDIAN,
  F_CLIENT_TRUE_COLOR,
  F_CLIENT_RED_MAX,
  F_CLIENT_GREEN_MAX,
  F_CLIENT_BLUE_MAX,
  F_CLIENT_RED_SHIFT,
  F_CLIENT_GREEN_SHIFT,
  F_CLIENT_BLUE_SHIFT,
  F_ENC_NUM,
  F_ENC_TYPE,
  F_UPD_INCREMENTAL,
  F_UPD_X,
  F_UPD_Y,
  F_UPD_W,
  F_UPD_H,
  F_KEY_DOWN,
  F_KEY,
  F_BUTTON1,
  F_BUTTON2,
  F_BUTTON3,
  F_BUTTON4,
  F_BUTTON5,
  F_BUTTON6,
  F_BUTTON7,
  F_BUTTON8,
  F_POINTER_X,
  F_POINTER_Y,
  F_CLIENT_CUT_LEN,
  F_CLIENT_CUT_TEXT,
  F_SERVER_MSG_TYPE,
  F_FB_NUM_RECTS,
  F_FB_X,
  F_FB_Y,
  F_FB_W,
  F_FB_H,
  F_FB_ENCODING,
  F_RAW_PIXELS,
  F_COPYRECT_X,
  F_COPYRECT_Y,
  F_COLORMAP_FIRST,
  F_COLORMAP_GROUPS,
  F_COLORMAP_RED,
  F_COLORMAP_GREEN,
  F_COLORMAP_BLUE,
  F_SERVER_CUT_LEN,
  F_SERVER_CUT_TEXT,
  F_COLOR_GROUPS,
  F_REASSEMBLE,
  /* text-only subtrees in tshark (no field of theirs): names of ours */
  F_RECT,
  F_COLOR_GROUP,
};

static const dx_vals security_type_vals[] = {{0, "Invalid"},
                                             {1, "None"},
                                             {2, "VNC"},
                                             {5, "RA2"},
                                             {6, "RA2ne"},
                                             {16, "Tight"},
                                             {17, "Ultra"},
                                             {18, "TLS"},
                                             {19, "VeNCrypt"},
                                             {20, "GTK-VNC SASL"},
                                             {30, "Apple Remote Desktop"},
                                             {0, NULL}};

static const dx_vals client_msg_vals[] = {{0, "Set Pixel Format"},
                                          {2, "Set Encodings"},
                                          {3, "Framebuffer Update Request"},
                                          {4, "Key Event"},
                                          {5, "Pointer Event"},
                                          {6, "Cut Text"},
                                          {128, "MirrorLink"},
                                          {150, "Enable Continuous Updates"},
                                          {248, "Fence"},
                                          {250, "Xvp"},
                                          {251, "Setr Desktop Size"},
                                          {252, "Tight"},
                                          {253, "Gii"},
                                          {255, "Qemu"},
                                          {0, NULL}};

static const dx_vals server_msg_vals[] = {{0, "Framebuffer Update"},
                                          {1, "Set Colormap Entries"},
                                          {2, "Ring Bell"},
                                          {3, "Cut Text"},
                                          {128, "MirrorLink"},
                                          {150, "End Continuous Updates"},
                                          {248, "Fence"},
                                          {250, "Xvp"},
                                          {252, "Tight"},
                                          {253, "Gii"},
                                          {255, "Qemu"},
                                          {0, NULL}};

static const dx_vals auth_result_vals[] = {{0, "OK"}, {1, "Failed"}, {0, NULL}};
static const dx_vals yes_no_vals[] = {{0, "No"}, {1, "Yes"}, {0, NULL}};
static const dx_vals pressed_vals[] = {{0, "Not pressed"}, {1, "Pressed"}, {0, NULL}};

#define U8(a, l) DX_F(a, l, DX_FT_UINT8, DX_BASE_DEC)
#define U16(a, l) DX_F(a, l, DX_FT_UINT16, DX_BASE_DEC)
#define U32(a, l) DX_F(a, l, DX_FT_UINT32, DX_BASE_DEC)
#define BOOL(a, l) DX_F(a, l, DX_FT_BOOL, DX_BASE_NONE)
#define STR(a, l) DX_F(a, l, DX_FT_STRING, DX_BASE_ASCII)
#define BYT(a, l) DX_F(a, l, DX_FT_BYTES, DX_BASE_NONE)
#define BTN(n)                                                                                     \
  DX_FM("vnc.button_" #n "_pos", "Mouse button #" #n " position", DX_FT_BOOL, DX_BASE_NONE,        \
        pressed_vals, 1u << ((n)-1), 8)

static const dx_field vnc_fields[] = {
    [F_VNC] = DX_F("vnc", "Virtual Network Computing", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_SERVER_PROTO_VER] = STR("vnc.server_proto_ver", "Server protocol version"),
    [F_CLIENT_PROTO_VER] = STR("vnc.client_proto_ver", "Client protocol version"),
    [F_NUM_SECURITY_TYPES] = U8("vnc.num_security_types", "Number of security types"),
    [F_SECURITY_TYPE] =
        DX_FV("vnc.security_type", "Security type", DX_FT_UINT8, DX_BASE_DEC, security_type_vals),
    [F_SERVER_SECURITY_TYPE] = DX_FV("vnc.server_security_type", "Security type", DX_FT_UINT32,
                                     DX_BASE_DEC, security_type_vals),
    [F_CLIENT_SECURITY_TYPE] = DX_FV("vnc.client_security_type", "Security type selected",
                                     DX_FT_UINT8, DX_BASE_DEC, security_type_vals),
    [F_AUTH_CHALLENGE] = BYT("vnc.auth_challenge", "Authentication challenge"),
    [F_AUTH_RESPONSE] = BYT("vnc.auth_response", "Authentication response"),
    [F_AUTH_RESULT] = DX_FM("vnc.auth_result", "Authentication result", DX_FT_BOOL, DX_BASE_NONE,
                            auth_result_vals, 1, 32),
    [F_AUTH_ERROR_LEN] = U32("vnc.auth_error_len", "Length of authentication error"),
    [F_AUTH_ERROR] = STR("vnc.auth_error", "Authentication error"),
    [F_SHARE_DESKTOP] = BOOL("vnc.share_desktop_flag", "Share desktop flag"),
    [F_WIDTH] = U16("vnc.width", "Framebuffer width"),
    [F_HEIGHT] = U16("vnc.height", "Framebuffer height"),
    [F_SERVER_BPP] = U8("vnc.server_bits_per_pixel", "Bits per pixel"),
    [F_SERVER_DEPTH] = U8("vnc.server_depth", "Depth"),
    [F_SERVER_BIG_ENDIAN] = BOOL("vnc.server_big_endian_flag", "Big endian flag"),
    [F_SERVER_TRUE_COLOR] = BOOL("vnc.server_true_color_flag", "True color flag"),
    [F_SERVER_RED_MAX] = U16("vnc.server_red_max", "Red maximum"),
    [F_SERVER_GREEN_MAX] = U16("vnc.server_green_max", "Green maximum"),
    [F_SERVER_BLUE_MAX] = U16("vnc.server_blue_max", "Blue maximum"),
    [F_SERVER_RED_SHIFT] = U8("vnc.server_red_shift", "Red shift"),
    [F_SERVER_GREEN_SHIFT] = U8("vnc.server_green_shift", "Green shift"),
    [F_SERVER_BLUE_SHIFT] = U8("vnc.server_blue_shift", "Blue shift"),
    [F_PADDING] = DX_F("vnc.padding", "Padding", DX_FT_NONE, DX_BASE_NONE),
    [F_DESKTOP_NAME_LEN] = U32("vnc.desktop_name_len", "Desktop name length"),
    [F_DESKTOP_NAME] = STR("vnc.desktop_name", "Desktop name"),
    [F_CLIENT_MSG_TYPE] = DX_FV("vnc.client_message_type", "Client Message Type", DX_FT_UINT8,
                                DX_BASE_DEC, client_msg_vals),
    [F_CLIENT_BPP] = U8("vnc.client_bits_per_pixel", "Bits per pixel"),
    [F_CLIENT_DEPTH] = U8("vnc.client_depth", "Depth"),
    [F_CLIENT_BIG_ENDIAN] = BOOL("vnc.client_big_endian_flag", "Big endian flag"),
    [F_CLIENT_TRUE_COLOR] = BOOL("vnc.client_true_color_flag", "True color flag"),
    [F_CLIENT_RED_MAX] = U16("vnc.client_red_max", "Red maximum"),
    [F_CLIENT_GREEN_MAX] = U16("vnc.client_green_max", "Green maximum"),
    [F_CLIENT_BLUE_MAX] = U16("vnc.client_blue_max", "Blue maximum"),
    [F_CLIENT_RED_SHIFT] = U8("vnc.client_red_shift", "Red shift"),
    [F_CLIENT_GREEN_SHIFT] = U8("vnc.client_green_shift", "Green shift"),
    [F_CLIENT_BLUE_SHIFT] = U8("vnc.client_blue_shift", "Blue shift"),
    [F_ENC_NUM] = U16("vnc.client_set_encodings_num", "Number of encodings"),
    [F_ENC_TYPE] = DX_FV("vnc.client_set_encodings_encoding_type", "Encoding type", DX_FT_INT32,
                         DX_BASE_DEC, encoding_vals),
    [F_UPD_INCREMENTAL] = BOOL("vnc.update_req_incremental", "Incremental update"),
    [F_UPD_X] = U16("vnc.update_req_x_pos", "X position"),
    [F_UPD_Y] = U16("vnc.update_req_y_pos", "Y position"),
    [F_UPD_W] = U16("vnc.update_req_width", "Width"),
    [F_UPD_H] = U16("vnc.update_req_height", "Height"),
    [F_KEY_DOWN] = DX_FV("vnc.key_down", "Key down", DX_FT_BOOL, DX_BASE_NONE, yes_no_vals),
    [F_KEY] = DX_FV("vnc.key", "Key", DX_FT_UINT32, DX_BASE_HEX, keysym_vals),
    [F_BUTTON1] = BTN(1),
    [F_BUTTON2] = BTN(2),
    [F_BUTTON3] = BTN(3),
    [F_BUTTON4] = BTN(4),
    [F_BUTTON5] = BTN(5),
    [F_BUTTON6] = BTN(6),
    [F_BUTTON7] = BTN(7),
    [F_BUTTON8] = BTN(8),
    [F_POINTER_X] = U16("vnc.pointer_x_pos", "X position"),
    [F_POINTER_Y] = U16("vnc.pointer_y_pos", "Y position"),
    [F_CLIENT_CUT_LEN] = U32("vnc.client_cut_text_len", "Length"),
    [F_CLIENT_CUT_TEXT] = STR("vnc.client_cut_text", "Text"),
    [F_SERVER_MSG_TYPE] = DX_FV("vnc.server_message_type", "Server Message Type", DX_FT_UINT8,
                                DX_BASE_DEC, server_msg_vals),
    [F_FB_NUM_RECTS] = U16("vnc.fb_update_num_rects", "Number of rectangles"),
    [F_FB_X] = U16("vnc.fb_update_x_pos", "X position"),
    [F_FB_Y] = U16("vnc.fb_update_y_pos", "Y position"),
    [F_FB_W] = U16("vnc.fb_update_width", "Width"),
    [F_FB_H] = U16("vnc.fb_update_height", "Height"),
    [F_FB_ENCODING] = DX_FV("vnc.fb_update_encoding_type", "Encoding type", DX_FT_INT32,
                            DX_BASE_DEC, encoding_vals),
    [F_RAW_PIXELS] = BYT("vnc.raw_pixel_data", "Pixel data"),
    [F_COPYRECT_X] = U16("vnc.copyrect_src_x_pos", "Source x position"),
    [F_COPYRECT_Y] = U16("vnc.copyrect_src_y_pos", "Source y position"),
    [F_COLORMAP_FIRST] = U16("vnc.colormap_first_color", "First color"),
    [F_COLORMAP_GROUPS] = U16("vnc.colormap_groups", "Number of color groups"),
    [F_COLORMAP_RED] = U16("vnc.colormap_red", "Red"),
    [F_COLORMAP_GREEN] = U16("vnc.colormap_green", "Green"),
    [F_COLORMAP_BLUE] = U16("vnc.colormap_blue", "Blue"),
    [F_SERVER_CUT_LEN] = U32("vnc.server_cut_text_len", "Length"),
    [F_SERVER_CUT_TEXT] = STR("vnc.server_cut_text", "Text"),
    [F_COLOR_GROUPS] = DX_F("vnc.color_groups", "Color groups", DX_FT_NONE, DX_BASE_NONE),
    [F_REASSEMBLE] =
        DX_F("vnc.reassemble", "See further on for dissection of the complete (reassembled) PDU",
             DX_FT_NONE, DX_BASE_NONE),
    [F_RECT] = DX_F("vnc.rectangle", "Rectangle", DX_FT_NONE, DX_BASE_NONE),
    [F_COLOR_GROUP] = DX_F("vnc.color_group", "Color group", DX_FT_NONE, DX_BASE_NONE),
};

#define FL(i) (&vnc_fields[(i)])

enum vnc_state {
  ST_SERVER_VERSION,
  ST_CLIENT_VERSION,
  ST_SECURITY,
  ST_SECURITY_TYPES,
  ST_AUTH_CHALLENGE,
  ST_AUTH_RESPONSE,
  ST_SECURITY_RESULT,
  ST_CLIENT_INIT,
  ST_SERVER_INIT,
  ST_NORMAL,
  ST_CLOSED, /* after a failed security result: nothing more is dissected */
};

typedef struct vnc_conv {
  uint64_t *budget;
  enum vnc_state state;
  uint16_t server_port;
  int client_ver; /* major * 1000 + minor: 3008 for "003.008" */
  uint8_t bytes_per_pixel;
  bool oob; /* this segment read past its bytes */
} vnc_conv;

#define CONV_COST dx_heap_cost(sizeof(vnc_conv))

static void conv_free(void *v) {
  vnc_conv *c = v;
  if (c && c->budget)
    dx_budget_give(c->budget, CONV_COST);
  free(c);
}

static vnc_conv *conv_get(dx_packet *p, vnc_conv *tmp) {
  vnc_conv *c = dx_app_data(p, conv_free);
  if (c)
    return c;
  memset(tmp, 0, sizeof *tmp);
  uint64_t *budget = dx_packet_stream_budget(p);
  uint64_t max = dx_packet_config(p)->max_total_stream_bytes;
  if (dx_in_stream(p) && dx_budget_take(budget, max, CONV_COST)) {
    c = calloc(1, sizeof *c);
    if (c) {
      c->budget = budget;
      if (dx_app_data_set(p, c, conv_free))
        return c;
      free(c);
    }
    dx_budget_give(budget, CONV_COST);
  }
  return tmp;
}

/* dx_add_item(), noting a read past the bytes (tshark's exception). */
static dx_node *item(vnc_conv *c, dx_packet *p, dx_node *parent, const dx_field *f, const dx_tvb *t,
                     uint32_t off, uint32_t len) {
  if (len == UINT32_MAX) /* (a length of -1 for tshark: to the end) */
    len = dx_tvb_avail(t, off);
  if (c->oob || !dx_tvb_has(t, off, len)) {
    c->oob = true;
    return NULL; /* (the exception: nothing more is added) */
  }
  return dx_add_item(p, parent, f, t, off, len);
}

static void pad(vnc_conv *c, dx_packet *p, dx_node *parent, const dx_tvb *t, uint32_t off,
                uint32_t len) {
  if (c->oob || !dx_tvb_has(t, off, len)) {
    c->oob = true;
    return;
  }
  dx_add_none(p, parent, FL(F_PADDING), t, off, len);
}

/* A ProtocolVersion message: 12 bytes, "RFB " (any case), '\n' last. */
static bool is_version_msg(const dx_tvb *t) {
  const uint8_t *s = dx_get_ptr(t, 0, 12);
  return t->len == 12 && s && strncasecmp((const char *)s, "RFB ", 4) == 0 && s[11] == '\n';
}

/* "003.008" as g_ascii_strtod() reads it, times 1000 (the minor version
 * part of three digits). */
static int version_value(const uint8_t *s) {
  int major = 0, minor = 0, i = 0;
  while (i < 7 && s[i] >= '0' && s[i] <= '9')
    major = major * 10 + (s[i++] - '0');
  if (i < 7 && s[i] == '.') {
    i++;
    int scale = 100;
    while (i < 7 && s[i] >= '0' && s[i] <= '9' && scale) {
      minor += (s[i++] - '0') * scale;
      scale /= 10;
    }
  }
  return major * 1000 + minor;
}

static const char *text(dx_packet *p, const uint8_t *s, uint32_t n) {
  size_t cap = 4 * (size_t)n + 1;
  char *o = dx_arena_alloc(&p->arena, cap);
  if (!o)
    return "";
  dx_escape(s, n, o, cap);
  return o;
}

/* The session startup messages; true if the segment was one of them. */
static bool startup(dx_packet *p, const dx_tvb *t, dx_node *vnc, vnc_conv *c) {
  uint8_t b = 0;
  uint32_t v32 = 0;
  switch (c->state) {
  case ST_SERVER_VERSION:
  case ST_CLIENT_VERSION: {
    if (!is_version_msg(t))
      return true; /* (still waiting for it) */
    const uint8_t *s = dx_get_ptr(t, 4, 7);
    bool server = c->state == ST_SERVER_VERSION;
    item(c, p, vnc, FL(server ? F_SERVER_PROTO_VER : F_CLIENT_PROTO_VER), t, 4, 7);
    dx_col_info_set(p, "%s protocol version: %s", server ? "Server" : "Client", text(p, s, 7));
    if (server) {
      c->server_port = p->srcport;
      c->state = ST_CLIENT_VERSION;
    } else {
      c->client_ver = version_value(s);
      c->state = ST_SECURITY;
    }
    return true;
  }
  case ST_SECURITY:
    dx_col_info_set(p, "Security types supported");
    if (c->client_ver >= 3007) {
      if (!dx_get_u8(t, 0, &b)) {
        item(c, p, vnc, FL(F_NUM_SECURITY_TYPES), t, 0, 1);
        return true;
      }
      item(c, p, vnc, FL(F_NUM_SECURITY_TYPES), t, 0, 1);
      for (uint32_t i = 1; i <= b; i++) {
        item(c, p, vnc, FL(F_SECURITY_TYPE), t, i, 1);
        if (c->oob)
          break;
      }
      c->state = ST_SECURITY_TYPES;
    } else {
      item(c, p, vnc, FL(F_SERVER_SECURITY_TYPE), t, 0, 4);
      if (!dx_get_u32(t, 0, &v32))
        return true;
      switch ((uint8_t)v32) {
      case 0: c->state = ST_SECURITY_TYPES; break;
      case 1: c->state = ST_CLIENT_INIT; break;
      case 2: c->state = ST_AUTH_CHALLENGE; break;
      default: break;
      }
    }
    return true;
  case ST_SECURITY_TYPES:
    item(c, p, vnc, FL(F_CLIENT_SECURITY_TYPE), t, 0, 1);
    if (!dx_get_u8(t, 0, &b))
      return true;
    {
      const char *nm = dx_val_name(security_type_vals, b);
      dx_col_info_set(p, "Security type %s (%u) selected by client", nm ? nm : "Unknown", b);
    }
    if (b == 1)
      c->state = c->client_ver >= 3008 ? ST_SECURITY_RESULT : ST_CLIENT_INIT;
    else if (b == 2)
      c->state = ST_AUTH_CHALLENGE;
    return true;
  case ST_AUTH_CHALLENGE:
    dx_col_info_set(p, "Authentication challenge from server");
    item(c, p, vnc, FL(F_AUTH_CHALLENGE), t, 0, 16);
    c->state = ST_AUTH_RESPONSE;
    return true;
  case ST_AUTH_RESPONSE:
    dx_col_info_set(p, "Authentication response from client");
    item(c, p, vnc, FL(F_AUTH_RESPONSE), t, 0, 16);
    c->state = ST_SECURITY_RESULT;
    return true;
  case ST_SECURITY_RESULT:
    dx_col_info_set(p, "Authentication result");
    item(c, p, vnc, FL(F_AUTH_RESULT), t, 0, 4);
    if (!dx_get_u32(t, 0, &v32))
      return true;
    if (v32 == 0) {
      c->state = ST_CLIENT_INIT;
    } else if (v32 == 1) {
      if (c->client_ver >= 3008) {
        uint32_t len = 0;
        item(c, p, vnc, FL(F_AUTH_ERROR_LEN), t, 4, 4);
        if (dx_get_u32(t, 4, &len))
          item(c, p, vnc, FL(F_AUTH_ERROR), t, 8, len);
      }
      c->state = ST_CLOSED;
    }
    return true;
  case ST_CLIENT_INIT:
    dx_col_info_set(p, "Share desktop flag");
    item(c, p, vnc, FL(F_SHARE_DESKTOP), t, 0, 1);
    c->state = ST_SERVER_INIT;
    return true;
  case ST_SERVER_INIT: {
    dx_col_info_set(p, "Server framebuffer parameters");
    item(c, p, vnc, FL(F_WIDTH), t, 0, 2);
    item(c, p, vnc, FL(F_HEIGHT), t, 2, 2);
    dx_node *pf = vnc; /* (no subtree in tshark) */
    static const int pff[] = {F_SERVER_BPP,        F_SERVER_DEPTH,     F_SERVER_BIG_ENDIAN,
                              F_SERVER_TRUE_COLOR, F_SERVER_RED_MAX,   F_SERVER_GREEN_MAX,
                              F_SERVER_BLUE_MAX,   F_SERVER_RED_SHIFT, F_SERVER_GREEN_SHIFT,
                              F_SERVER_BLUE_SHIFT};
    static const uint8_t pfl[] = {1, 1, 1, 1, 2, 2, 2, 1, 1, 1};
    uint32_t off = 4;
    for (size_t i = 0; i < DX_ARRAY_LEN(pff); i++) {
      item(c, p, pf, FL(pff[i]), t, off, pfl[i]);
      off += pfl[i];
    }
    pad(c, p, pf, t, off, 3);
    off += 3;
    if (dx_get_u8(t, 4, &b))
      c->bytes_per_pixel = b / 8;
    uint32_t len = 0;
    item(c, p, vnc, FL(F_DESKTOP_NAME_LEN), t, off, 4);
    if (dx_get_u32(t, off, &len))
      item(c, p, vnc, FL(F_DESKTOP_NAME), t, off + 4, len);
    c->state = ST_NORMAL;
    return true;
  }
  case ST_CLOSED: return true;
  case ST_NORMAL: break;
  }
  return false;
}

static void pixel_format(dx_packet *p, const dx_tvb *t, dx_node *tr, uint32_t off, vnc_conv *c) {
  static const int ff[] = {F_CLIENT_BPP,        F_CLIENT_DEPTH,     F_CLIENT_BIG_ENDIAN,
                           F_CLIENT_TRUE_COLOR, F_CLIENT_RED_MAX,   F_CLIENT_GREEN_MAX,
                           F_CLIENT_BLUE_MAX,   F_CLIENT_RED_SHIFT, F_CLIENT_GREEN_SHIFT,
                           F_CLIENT_BLUE_SHIFT};
  static const uint8_t fl[] = {1, 1, 1, 1, 2, 2, 2, 1, 1, 1};
  uint8_t b;
  if (dx_get_u8(t, off, &b))
    c->bytes_per_pixel = b / 8;
  for (size_t i = 0; i < DX_ARRAY_LEN(ff); i++) {
    item(c, p, tr, FL(ff[i]), t, off, fl[i]);
    off += fl[i];
  }
  pad(c, p, tr, t, off, 3);
}

static void client_msg(dx_packet *p, const dx_tvb *t, dx_node *vnc, vnc_conv *c) {
  uint8_t type = 0;
  dx_node *mt = item(c, p, vnc, FL(F_CLIENT_MSG_TYPE), t, 0, 1);
  if (!dx_get_u8(t, 0, &type))
    return;
  uint16_t n16 = 0;
  uint32_t n32 = 0;
  switch (type) {
  case 0:
    dx_col_info_set(p, "Client set pixel format");
    pad(c, p, mt, t, 1, 3);
    pixel_format(p, t, mt, 4, c);
    break;
  case 2:
    dx_col_info_set(p, "Client set encodings");
    pad(c, p, mt, t, 1, 1);
    item(c, p, mt, FL(F_ENC_NUM), t, 2, 2);
    if (dx_get_u16(t, 2, &n16))
      for (uint32_t i = 0; i < n16; i++) {
        item(c, p, mt, FL(F_ENC_TYPE), t, 4 + 4 * i, 4);
        if (c->oob)
          break;
      }
    break;
  case 3:
    dx_col_info_set(p, "Client framebuffer update request");
    item(c, p, mt, FL(F_UPD_INCREMENTAL), t, 1, 1);
    item(c, p, mt, FL(F_UPD_X), t, 2, 2);
    item(c, p, mt, FL(F_UPD_Y), t, 4, 2);
    item(c, p, mt, FL(F_UPD_W), t, 6, 2);
    item(c, p, mt, FL(F_UPD_H), t, 8, 2);
    break;
  case 4:
    dx_col_info_set(p, "Client key event");
    item(c, p, mt, FL(F_KEY_DOWN), t, 1, 1);
    pad(c, p, mt, t, 2, 2);
    item(c, p, mt, FL(F_KEY), t, 4, 4);
    break;
  case 5:
    dx_col_info_set(p, "Client pointer event");
    for (int i = 0; i < 8; i++)
      item(c, p, mt, FL(F_BUTTON1 + i), t, 1, 1);
    item(c, p, mt, FL(F_POINTER_X), t, 2, 2);
    item(c, p, mt, FL(F_POINTER_Y), t, 4, 2);
    break;
  case 6:
    dx_col_info_set(p, "Client cut text");
    pad(c, p, mt, t, 1, 3);
    item(c, p, mt, FL(F_CLIENT_CUT_LEN), t, 4, 4);
    if (dx_get_u32(t, 4, &n32))
      item(c, p, mt, FL(F_CLIENT_CUT_TEXT), t, 8, n32);
    break;
  default: dx_col_info_append_sep(p, "; ", "Unknown client message type (%u)", type); break;
  }
}

/* FramebufferUpdate after its type byte: 0 if whole, else > 0 (tshark's
 * VNC_BYTES_NEEDED: more bytes are wanted). */
static uint32_t fb_update(dx_packet *p, const dx_tvb *t, uint32_t *off, dx_node *mt, vnc_conv *c) {
  dx_col_info_append_sep(p, "; ", "Server framebuffer update");
  uint16_t nr = 0;
  if (!dx_tvb_has(t, *off, 3))
    return 3;
  pad(c, p, mt, t, *off, 1);
  dx_node *nn = item(c, p, mt, FL(F_FB_NUM_RECTS), t, *off + 1, 2);
  dx_get_u16(t, *off + 1, &nr);
  if (nr == 0xFFFF)
    dx_node_append_text(p, nn, " [TIGHT encoding assumed (field is not used)]");
  *off += 3;
  for (uint32_t i = 0; i < nr; i++) {
    if (!dx_tvb_has(t, *off, 12))
      return 12;
    uint16_t w = 0, h = 0;
    uint32_t enc = 0;
    dx_get_u16(t, *off + 4, &w);
    dx_get_u16(t, *off + 6, &h);
    dx_get_u32(t, *off + 8, &enc);
    dx_node *r = dx_add_none(p, mt, FL(F_RECT), t, *off, 12);
    dx_node_set_text(p, r, "Rectangle #%u", i + 1);
    item(c, p, r, FL(F_FB_X), t, *off, 2);
    item(c, p, r, FL(F_FB_Y), t, *off + 2, 2);
    item(c, p, r, FL(F_FB_W), t, *off + 4, 2);
    item(c, p, r, FL(F_FB_H), t, *off + 6, 2);
    dx_node *et = item(c, p, r, FL(F_FB_ENCODING), t, *off + 8, 4);
    *off += 12;
    if (enc == 0) {
      /* (tshark's guint product wraps; a "negative" need asks nothing) */
      uint32_t len = (uint32_t)w * h * c->bytes_per_pixel;
      if (len > dx_tvb_avail(t, *off))
        return len;
      item(c, p, et, FL(F_RAW_PIXELS), t, *off, len);
      *off += len;
    } else if (enc == 1) {
      if (!dx_tvb_has(t, *off, 4))
        return 4;
      item(c, p, et, FL(F_COPYRECT_X), t, *off, 2);
      item(c, p, et, FL(F_COPYRECT_Y), t, *off + 2, 2);
      *off += 4;
    } else if (enc == 0xFFFFFF21u) {
      /* DesktopSize: nothing follows */
    } else if (enc == 0xFFFFFF20u) {
      break; /* LastRect */
    } else {
      *off = t->len; /* (an encoding not followed here: the rest) */
      break;
    }
  }
  return 0;
}

/* Server messages, one after the other while bytes remain; one that is not
 * all there waits for the next segment (DESEGMENT_ONE_MORE_SEGMENT). */
static void server_msg(dx_packet *p, const dx_tvb *t, dx_node *vnc, vnc_conv *c) {
  uint32_t off = 0;
  while (off < t->len) {
    uint32_t start = off, need = 0;
    uint8_t type = 0;
    dx_node *mt = item(c, p, vnc, FL(F_SERVER_MSG_TYPE), t, off, 1);
    dx_get_u8(t, off, &type);
    off++;
    uint16_t n16 = 0;
    uint32_t n32 = 0;
    switch (type) {
    case 0: need = fb_update(p, t, &off, mt, c); break;
    case 1:
      dx_col_info_append_sep(p, "; ", "Server set colormap entries");
      /* (tshark reads the number of colours at byte 4 of the segment,
       * and wants 6 per colour + 5 bytes after the first colour) */
      dx_get_u16(t, 4, &n16);
      if (!dx_tvb_has(t, off, 3)) {
        need = 3;
        break;
      }
      pad(c, p, mt, t, off, 1);
      item(c, p, mt, FL(F_COLORMAP_FIRST), t, off + 1, 2);
      off += 3;
      item(c, p, mt, FL(F_COLORMAP_GROUPS), t, off, 2);
      if ((uint32_t)n16 * 6 + 5 > dx_tvb_avail(t, off)) {
        need = (uint32_t)n16 * 6 + 5;
        break;
      }
      off += 2;
      if (n16) {
        dx_node *gs = dx_add_none(p, mt, FL(F_COLOR_GROUPS), t, off, (uint32_t)n16 * 6);
        for (uint32_t i = 0; i < n16; i++) {
          dx_node *g = dx_add_none(p, gs, FL(F_COLOR_GROUP), t, off, 6);
          dx_node_set_text(p, g, "Color group #%u", i + 1);
          item(c, p, g, FL(F_COLORMAP_RED), t, off, 2);
          item(c, p, g, FL(F_COLORMAP_GREEN), t, off + 2, 2);
          item(c, p, g, FL(F_COLORMAP_BLUE), t, off + 4, 2);
          off += 6;
        }
      }
      break;
    case 2: dx_col_info_append_sep(p, "; ", "Server ring bell on client"); break;
    case 3:
      /* (tshark reads the length right after the type, with no padding,
       * and then always asks for more bytes) */
      dx_col_info_append_sep(p, "; ", "Server cut text");
      if (!dx_tvb_has(t, off, 4)) {
        need = 4;
        break;
      }
      item(c, p, mt, FL(F_SERVER_CUT_LEN), t, off, 4);
      dx_get_u32(t, off, &n32);
      off += 4;
      if (n32 > dx_tvb_avail(t, off)) {
        need = n32;
        break;
      }
      item(c, p, mt, FL(F_SERVER_CUT_TEXT), t, off, n32);
      off += n32;
      need = off;
      break;
    default:
      dx_col_info_append_sep(p, "; ", "Unknown server message type");
      off = t->len;
      break;
    }
    if ((int32_t)need > 0 && dx_in_stream(p)) {
      /* (tshark's proto_tree_add_expert: an item with the note under it) */
      dx_node *it = dx_add_none(p, mt, FL(F_REASSEMBLE), t, start, t->len - start);
      dx_expert(p, it, dx_field_expert(), DX_SEV_CHAT, "%s", FL(F_REASSEMBLE)->label);
      p->desegment_offset = start;
      p->desegment_len = DX_DESEGMENT_ONE_MORE;
      return;
    }
    if (need)
      return;
  }
}

/* A read past the bytes: tshark's exception ends the dissection, shown
 * after the layer ("[Malformed Packet: VNC]", or the capture's cut). */
static void check_bounds(dx_packet *p, const dx_tvb *t, dx_node *vnc, const vnc_conv *c) {
  if (!c->oob)
    return;
  if (t->len < t->reported) {
    dx_mark_truncated(p, vnc, "VNC");
    return;
  }
  dx_node_set_flags(vnc, DX_NODE_MALFORMED);
  p->bad |= DX_BAD_MALFORMED;
  dx_node *m = dx_add_none(p, dx_packet_root_mut(p), dx_field_malformed(), t, 0, 0);
  if (dx_label_wanted(p, m))
    dx_node_set_text(p, m, "[Malformed Packet: VNC]");
  dx_expert(p, m, dx_field_malformed(), DX_SEV_ERROR, "Malformed Packet (Exception occurred)");
}

static uint32_t dissect_vnc(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  vnc_conv tmp;
  vnc_conv *c = conv_get(p, &tmp);
  dx_col_set_proto(p, "VNC");
  dx_col_info_clear(p);
  dx_node *vnc = dx_add_proto(p, parent, FL(F_VNC), t, 0, t->len);
  c->oob = false;
  if (!startup(p, t, vnc, c)) {
    uint16_t d = p->dstport;
    if (d == 5500 || d == 5501 || d == 5900 || d == 5901 || d == c->server_port)
      client_msg(p, t, vnc, c);
    else
      server_msg(p, t, vnc, c);
  }
  check_bounds(p, t, vnc, c);
  return t->len;
}

static uint32_t heur_vnc(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  if (!is_version_msg(t))
    return 0;
  /* (tshark's conversation_new(): TCP starts a new conversation next) */
  dx_stream_renew(p);
  return dissect_vnc(p, t, parent);
}

static const dx_reg vnc_regs[] = {{DX_TABLE_TCP_PORT, 5500},
                                  {DX_TABLE_TCP_PORT, 5501},
                                  {DX_TABLE_TCP_PORT, 5900},
                                  {DX_TABLE_TCP_PORT, 5901},
                                  {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_vnc = {
    .name = "vnc",
    .label = "Virtual Network Computing",
    .fields = vnc_fields,
    .nfields = DX_ARRAY_LEN(vnc_fields),
    .dissect = dissect_vnc,
    .regs = vnc_regs,
    .heuristic_tcp = heur_vnc,
};
