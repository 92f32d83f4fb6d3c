/*
 * Drawing helpers: colours (the colouring rules' RGB colours as xterm-256
 * colours, degraded to 8 colours or to plain attributes) and text output
 * that never lets a control byte or invalid UTF-8 from a packet reach the
 * terminal.
 */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui.h"

#include <curses.h>
#include <langinfo.h>
#include <string.h>
#include <wchar.h>

static int g_colors; /* 0 none, 8 or 256 */
static int g_utf8 = -1;

int draw_has_colors(void) {
  return g_colors != 0;
}

static void pair(short n, short fg256, short bg256, short fg8, short bg8) {
  if (g_colors >= 256)
    init_pair(n, fg256, bg256);
  else
    init_pair(n, fg8, bg8);
}

/* ---- the colouring rules' colours ---- */

static const int cube_level[6] = {0, 95, 135, 175, 215, 255};

static long dist2(int r, int g, int b, int r2, int g2, int b2) {
  return (long)(r - r2) * (r - r2) + (long)(g - g2) * (g - g2) + (long)(b - b2) * (b - b2);
}

/* The nearest colour (squared RGB distance) of the xterm-256 palette: the
 * 6x6x6 cube (16-231) and the grey ramp (232-255). A 16-bit channel is
 * Wireshark's 8-bit one times 257 (epan/color_filters.c), so it is divided
 * back, rounded. */
static short xterm256(dx_color c) {
  int r = (c.r + 128) / 257, g = (c.g + 128) / 257, b = (c.b + 128) / 257;
  int best = 16;
  long bd = -1;
  for (int i = 0; i < 216; i++) {
    long d = dist2(r, g, b, cube_level[i / 36], cube_level[(i / 6) % 6], cube_level[i % 6]);
    if (bd < 0 || d < bd) {
      bd = d;
      best = 16 + i;
    }
  }
  for (int i = 0; i < 24; i++) {
    int v = 8 + 10 * i;
    long d = dist2(r, g, b, v, v, v);
    if (d < bd) {
      bd = d;
      best = 232 + i;
    }
  }
  return (short)best;
}

/* One of the 8 basic colours: the channels above the middle of the
 * colour's range name the hue (so pale tints keep their hue); a grey is
 * black or white by its brightness. */
static short basic8(dx_color c) {
  unsigned mx = c.r, mn = c.r;
  if (c.g > mx)
    mx = c.g;
  if (c.b > mx)
    mx = c.b;
  if (c.g < mn)
    mn = c.g;
  if (c.b < mn)
    mn = c.b;
  if (mx - mn < 4096)
    return mx >= 32768 ? COLOR_WHITE : COLOR_BLACK;
  unsigned mid = (mx + mn) / 2;
  return (short)((c.r > mid ? 1 : 0) | (c.g > mid ? 2 : 0) | (c.b > mid ? 4 : 0));
}

static int g_rule_attr[CC_MAX_RULES];

/* Without colours: bold for the rules drawn in red (Bad TCP, TCP RST,
 * checksum errors...), as the colours would make them stand out. */
static int reddish(dx_color c) {
  return c.r > (unsigned)c.g + 16384 && c.r > (unsigned)c.b + 16384;
}

/* One colour pair per distinct (foreground, background), from PAIR_RULES
 * on, while the terminal has pairs to give. */
static void rule_pairs(void) {
  short used_fg[CC_MAX_RULES], used_bg[CC_MAX_RULES];
  int nused = 0;
  for (int i = 0; i < g_tui_opts.nrules && i < CC_MAX_RULES; i++) {
    const tui_color_rule *r = &g_tui_opts.rules[i];
    short fg = g_colors >= 256 ? xterm256(r->fg) : basic8(r->fg);
    short bg = g_colors >= 256 ? xterm256(r->bg) : basic8(r->bg);
    if (g_colors < 256 && fg == bg)
      fg = bg == COLOR_BLACK ? COLOR_WHITE : COLOR_BLACK;
    int k = 0;
    while (k < nused && (used_fg[k] != fg || used_bg[k] != bg))
      k++;
    if (k == nused) {
      if (PAIR_RULES + k >= COLOR_PAIRS || init_pair((short)(PAIR_RULES + k), fg, bg) == ERR) {
        g_rule_attr[i] = A_NORMAL;
        continue;
      }
      used_fg[k] = fg;
      used_bg[k] = bg;
      nused++;
    }
    g_rule_attr[i] = (int)COLOR_PAIR(PAIR_RULES + k);
  }
}

void draw_init_colors(void) {
  g_colors = 0;
  if (!has_colors() || start_color() == ERR)
    return;
  use_default_colors();
  g_colors = COLORS >= 256 ? 256 : 8;
  /* expert notes: Wireshark's backgrounds for error, warning, note, chat */
  pair(PAIR_SEV_ERROR, 16, 203, COLOR_WHITE, COLOR_RED);
  pair(PAIR_SEV_WARN, 16, 227, COLOR_BLACK, COLOR_YELLOW);
  pair(PAIR_SEV_NOTE, 16, 159, COLOR_BLACK, COLOR_CYAN);
  pair(PAIR_SEV_CHAT, 16, 111, COLOR_WHITE, COLOR_BLUE);
  pair(PAIR_TITLE, 16, 252, COLOR_BLACK, COLOR_WHITE);
  pair(PAIR_STATUS, 231, 24, COLOR_WHITE, COLOR_BLUE);
  pair(PAIR_ERRMSG, 231, 124, COLOR_WHITE, COLOR_RED);
  pair(PAIR_CLIENT, 124, -1, COLOR_RED, -1);
  pair(PAIR_SERVER, 19, -1, COLOR_BLUE, -1);
  pair(PAIR_RTT, 130, -1, COLOR_YELLOW, -1);
  pair(PAIR_FILTER_OK, 16, 194, COLOR_BLACK, COLOR_GREEN);
  pair(PAIR_FILTER_BAD, 16, 217, COLOR_BLACK, COLOR_RED);
  rule_pairs();
}

int draw_pair(int p) {
  if (!g_colors) {
    switch (p) {
    case PAIR_TITLE:
    case PAIR_STATUS: return A_REVERSE;
    case PAIR_ERRMSG:
    case PAIR_FILTER_BAD: return A_REVERSE | A_BOLD;
    case PAIR_CLIENT: return A_BOLD;
    case PAIR_RTT: return A_BOLD;
    default: return A_NORMAL;
    }
  }
  return (int)COLOR_PAIR(p);
}

int draw_class_attr(int cclass) {
  int c = cclass & CC_MASK;
  if (c == 0 || c > g_tui_opts.nrules)
    return A_NORMAL;
  if (!g_colors) {
    const tui_color_rule *r = &g_tui_opts.rules[c - 1];
    return reddish(r->fg) || reddish(r->bg) ? A_BOLD : A_NORMAL;
  }
  return g_rule_attr[c - 1];
}

int draw_sev_attr(int sev) {
  if (!g_colors)
    return sev >= DX_SEV_WARN ? A_BOLD : A_NORMAL;
  switch (sev) {
  case DX_SEV_ERROR: return (int)COLOR_PAIR(PAIR_SEV_ERROR);
  case DX_SEV_WARN: return (int)COLOR_PAIR(PAIR_SEV_WARN);
  case DX_SEV_NOTE: return (int)COLOR_PAIR(PAIR_SEV_NOTE);
  case DX_SEV_CHAT: return (int)COLOR_PAIR(PAIR_SEV_CHAT);
  default: return A_NORMAL;
  }
}

static int utf8_locale(void) {
  if (g_utf8 < 0) {
    const char *cs = nl_langinfo(CODESET);
    g_utf8 = cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
  }
  return g_utf8;
}

/* Length of a valid UTF-8 sequence at s (at most n bytes) and its code
 * point, or 0 if it is not valid (overlong, surrogate, truncated). */
static int utf8_seq(const unsigned char *s, size_t n, unsigned *cp) {
  unsigned c = s[0];
  int len;
  unsigned min;
  if (c >= 0xc2 && c <= 0xdf) {
    len = 2;
    c &= 0x1f;
    min = 0x80;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    c &= 0x0f;
    min = 0x800;
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    c &= 0x07;
    min = 0x10000;
  } else {
    return 0;
  }
  if ((size_t)len > n)
    return 0;
  for (int k = 1; k < len; k++) {
    if ((s[k] & 0xc0) != 0x80)
      return 0;
    c = (c << 6) | (s[k] & 0x3f);
  }
  if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
    return 0;
  *cp = c;
  return len;
}

/* Format characters (Unicode category Cf) that wcwidth() may give a width
 * of 1 but a screen must not show as they are (bidi controls, zero-width
 * characters and the soft hyphen among them), and the line and paragraph
 * separators. The rest of Cf has no width and is escaped for that. */
static int format_char(unsigned cp) {
  return cp == 0xad || (cp >= 0x600 && cp <= 0x605) || cp == 0x61c || cp == 0x6dd || cp == 0x70f ||
         cp == 0x890 || cp == 0x891 || cp == 0x8e2 || cp == 0x180e ||
         (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
         (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb) ||
         cp == 0x110bd || cp == 0x110cd || (cp >= 0xe0000 && cp <= 0xe0fff);
}

/* Walks s and calls emit for each printable piece (text, bytes, columns). */
typedef void (*emit_fn)(void *ctx, const char *t, size_t n, int cols);

static void walk(const char *s, size_t len, emit_fn emit, void *ctx) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  char tmp[12];
  while (i < len) {
    unsigned c = u[i];
    if (c >= 0x20 && c < 0x7f) {
      size_t j = i;
      while (j < len && u[j] >= 0x20 && u[j] < 0x7f)
        j++;
      emit(ctx, s + i, j - i, (int)(j - i));
      i = j;
      continue;
    }
    unsigned cp;
    int l = c >= 0x80 ? utf8_seq(u + i, len - i, &cp) : 0;
    if (l > 0 && cp >= 0xa0 && !format_char(cp)) {
      if (utf8_locale()) {
        int w = wcwidth((wchar_t)cp);
        if (w > 0) {
          emit(ctx, s + i, (size_t)l, w);
          i += (size_t)l;
          continue;
        }
      } else if (cp == 0x2192) {
        emit(ctx, "->", 2, 2);
        i += (size_t)l;
        continue;
      } else if (cp == 0x2026) {
        emit(ctx, "...", 3, 3);
        i += (size_t)l;
        continue;
      }
    }
    if (l > 0) {
      /* a C1 control, a format character (bidi controls, zero-width
       * characters) or what the terminal gives no width: whole, as tshark
       * shows it (\u202E, \U000E0001) */
      int w = snprintf(tmp, sizeof tmp, cp > 0xffff ? "\\U%08X" : "\\u%04X", cp);
      emit(ctx, tmp, (size_t)w, w);
      i += (size_t)l;
      continue;
    }
    if (c >= 7 && c <= 13) { /* as tshark's format_text(): \a \b \t \n \v \f \r */
      tmp[0] = '\\';
      tmp[1] = "abtnvfr"[c - 7];
      emit(ctx, tmp, 2, 2);
    } else if (c < 0x80) { /* the other control bytes and DEL: \033, \177 */
      snprintf(tmp, sizeof tmp, "\\%03o", c);
      emit(ctx, tmp, 4, 4);
    } else { /* a byte of broken UTF-8 */
      snprintf(tmp, sizeof tmp, "\\x%02x", c);
      emit(ctx, tmp, 4, 4);
    }
    i++;
  }
}

typedef struct draw_ctx {
  int y, x, left, used;
} draw_ctx;

static void emit_screen(void *vctx, const char *t, size_t n, int cols) {
  draw_ctx *d = vctx;
  if (d->left <= 0)
    return;
  if (cols > d->left) {
    if (n != (size_t)cols) /* a wide character that does not fit */
      return;
    n = (size_t)d->left;
    cols = d->left;
  }
  mvaddnstr(d->y, d->x + d->used, t, (int)n);
  d->used += cols;
  d->left -= cols;
}

int draw_text(int y, int x, int maxw, const char *s, size_t len) {
  if (!s || maxw <= 0)
    return 0;
  if (len == (size_t)-1)
    len = strlen(s);
  draw_ctx d = {y, x, maxw, 0};
  walk(s, len, emit_screen, &d);
  return d.used;
}

typedef struct esc_ctx {
  char *out;
  size_t len, pos;
} esc_ctx;

static void emit_buf(void *vctx, const char *t, size_t n, int cols) {
  (void)cols;
  esc_ctx *e = vctx;
  if (e->pos + n + 1 > e->len)
    return;
  memcpy(e->out + e->pos, t, n);
  e->pos += n;
}

size_t draw_escape(const char *s, size_t len, char *out, size_t outlen) {
  if (!outlen)
    return 0;
  esc_ctx e = {out, outlen, 0};
  walk(s, len, emit_buf, &e);
  out[e.pos] = 0;
  return e.pos;
}

void draw_fill(int y, int x, int w) {
  for (int i = 0; i < w; i++)
    mvaddch(y, x + i, ' ');
}

void draw_hline_title(int y, const char *title, int focused) {
  int cols = getmaxx(stdscr);
  attrset(draw_pair(PAIR_TITLE) | (focused ? A_BOLD : 0));
  draw_fill(y, 0, cols);
  mvaddstr(y, 0, focused ? "=>" : "--");
  draw_text(y, 3, cols - 4, title, (size_t)-1);
  attrset(A_NORMAL);
}
