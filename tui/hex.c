/* The hex + ASCII pane: the bytes of one data source of the selected frame
 * (the frame, or a reassembled/decrypted buffer; `[` and `]` switch). The
 * bytes of the selected tree node are highlighted; moving the cursor here
 * selects the deepest node whose bytes cover the cursor. */
#include "ui.h"

#include <curses.h>
#include <string.h>

static size_t per_line(const app *a) {
  return a->cols >= 76 ? 16 : 8;
}

static const uint8_t *source(app *a, size_t *len) {
  *len = 0;
  if (!a->have_pkt || !a->rp.p)
    return NULL;
  if (a->hsrc >= dx_packet_source_count(a->rp.p))
    a->hsrc = 0;
  return dx_packet_source_data(a->rp.p, a->hsrc, len);
}

static void keep_visible(app *a) {
  size_t bpl = per_line(a);
  size_t line = a->hcur / bpl;
  if (line < a->htop)
    a->htop = line;
  if (a->hex_h > 0 && line >= a->htop + (size_t)a->hex_h)
    a->htop = line - (size_t)a->hex_h + 1;
}

void hex_follow_tree(app *a) {
  const dx_node *n = tree_selected(a);
  if (!n || !a->rp.p)
    return;
  unsigned src = dx_node_source(n);
  if (dx_node_length(n) == 0 || src >= dx_packet_source_count(a->rp.p))
    return;
  a->hsrc = src;
  a->hcur = dx_node_offset(n);
  size_t len;
  source(a, &len);
  if (a->hcur >= len)
    a->hcur = len ? len - 1 : 0;
  keep_visible(a);
}

/* Deepest shown node of the current source whose bytes cover the cursor. */
static void select_at_cursor(app *a) {
  const tree_row *best = NULL;
  for (size_t k = 0; k < a->nall; k++) {
    const tree_row *r = &a->all[k];
    uint32_t off = dx_node_offset(r->n), len = dx_node_length(r->n);
    if (dx_node_source(r->n) != a->hsrc || len == 0)
      continue;
    if (a->hcur >= off && a->hcur - off < len && (!best || r->depth >= best->depth))
      best = r;
  }
  if (best)
    tree_select_node(a, best->n);
}

void hex_key(app *a, int ch) {
  size_t len;
  if (!source(a, &len))
    return;
  size_t bpl = per_line(a);
  size_t page = (a->hex_h > 1 ? (size_t)a->hex_h - 1 : 1) * bpl;
  size_t old = a->hcur;
  size_t nsrc = dx_packet_source_count(a->rp.p);
  switch (ch) {
  case KEY_LEFT:
    if (a->hcur > 0)
      a->hcur--;
    break;
  case KEY_RIGHT:
    if (a->hcur + 1 < len)
      a->hcur++;
    break;
  case KEY_UP:
  case 'k':
    if (a->hcur >= bpl)
      a->hcur -= bpl;
    break;
  case KEY_DOWN:
  case 'j':
    if (a->hcur + bpl < len)
      a->hcur += bpl;
    break;
  case KEY_PPAGE: a->hcur = a->hcur > page ? a->hcur - page : 0; break;
  case KEY_NPAGE: a->hcur = a->hcur + page < len ? a->hcur + page : (len ? len - 1 : 0); break;
  case KEY_HOME:
  case 'g': a->hcur = 0; break;
  case KEY_END:
  case 'G': a->hcur = len ? len - 1 : 0; break;
  case ']':
  case '[':
    if (nsrc > 1) {
      a->hsrc = ch == ']' ? (a->hsrc + 1) % nsrc : (a->hsrc + nsrc - 1) % nsrc;
      a->hcur = 0;
      a->htop = 0;
      select_at_cursor(a);
    } else {
      app_message(a, 0, "this packet has a single data source");
    }
    return;
  default: return;
  }
  keep_visible(a);
  if (a->hcur != old)
    select_at_cursor(a);
}

void hex_click(app *a, int row, int x) {
  size_t len;
  if (!source(a, &len))
    return;
  size_t bpl = per_line(a);
  size_t line = a->htop + (size_t)row;
  long col = -1;
  if (x >= 6 && x < 6 + (int)bpl * 3 + 1) {
    int rel = x - 6;
    if (bpl == 16 && rel >= 8 * 3)
      rel -= 1;
    col = rel / 3;
  } else {
    int ax = 6 + (int)bpl * 3 + (bpl == 16 ? 1 : 0) + 1;
    if (x >= ax && x < ax + (int)bpl)
      col = x - ax;
  }
  if (col < 0 || col >= (long)bpl)
    return;
  size_t off = line * bpl + (size_t)col;
  if (off >= len)
    return;
  a->hcur = off;
  select_at_cursor(a);
}

void hex_draw(app *a) {
  size_t len;
  const uint8_t *d = source(a, &len);
  char title[512];
  if (d) {
    char name[256];
    const char *sn = dx_packet_source_name(a->rp.p, a->hsrc);
    draw_escape(sn, strlen(sn), name, sizeof name);
    size_t nsrc = dx_packet_source_count(a->rp.p);
    if (nsrc > 1)
      snprintf(title, sizeof title, "Bytes: %s  [source %zu/%zu, [ ] to switch]", name, a->hsrc + 1,
               nsrc);
    else
      snprintf(title, sizeof title, "Bytes: %s", name);
  } else {
    snprintf(title, sizeof title, "Bytes");
  }
  draw_hline_title(a->hex_y - 1, title, a->focus == PANE_HEX);
  if (!d)
    return;
  keep_visible(a);
  const dx_node *sel = tree_selected(a);
  size_t hs = 0, he = 0;
  if (sel && dx_node_source(sel) == a->hsrc) {
    hs = dx_node_offset(sel);
    he = hs + dx_node_length(sel);
  }
  size_t bpl = per_line(a);
  for (int r = 0; r < a->hex_h; r++) {
    size_t line = a->htop + (size_t)r;
    size_t base = line * bpl;
    if (base >= len)
      break;
    int y = a->hex_y + r;
    char off[24];
    snprintf(off, sizeof off, "%04zx", base);
    mvaddstr(y, 0, off);
    int ax = 6 + (int)bpl * 3 + (bpl == 16 ? 1 : 0) + 1;
    for (size_t k = 0; k < bpl && base + k < len; k++) {
      size_t i = base + k;
      int attr = A_NORMAL;
      if (i >= hs && i < he)
        attr |= A_REVERSE;
      if (i == a->hcur && a->focus == PANE_HEX)
        attr |= A_BOLD | A_UNDERLINE;
      int x = 6 + (int)k * 3 + (bpl == 16 && k >= 8 ? 1 : 0);
      char hx[8];
      snprintf(hx, sizeof hx, "%02x", d[i]);
      attrset(attr);
      mvaddstr(y, x, hx);
      char c = d[i] >= 0x20 && d[i] < 0x7f ? (char)d[i] : '.';
      mvaddch(y, ax + (int)k, (chtype)(unsigned char)c);
      attrset(A_NORMAL);
    }
  }
}
