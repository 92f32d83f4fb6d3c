/* The packet list pane: No., Time, Source, Destination, Protocol, Length,
 * Info, one row per displayed frame, coloured by class. Summary strings are
 * read from the index's spill file for the rows on screen only. */
#include "ui.h"

#include <curses.h>
#include <string.h>

typedef struct cols {
  int no, time, src, dst, proto, len, info;
} cols;

static cols layout(const app *a) {
  cols c;
  int w = a->cols;
  char tmp[32];
  c.no = snprintf(tmp, sizeof tmp, "%zu", a->ix.n) + 1;
  if (c.no < 4)
    c.no = 4;
  /* as wide as the largest time ("0.000000" is 8), at most 14 */
  c.time = snprintf(tmp, sizeof tmp, "%.6f", a->ix.rel_max);
  int tmin = snprintf(tmp, sizeof tmp, "%.6f", a->ix.rel_min);
  if (tmin > c.time)
    c.time = tmin;
  if (c.time < 8)
    c.time = 8;
  if (c.time > 14)
    c.time = 14;
  c.src = c.dst = w < 100 ? 15 : 15 + (w - 100) / 4;
  if (c.src > 39)
    c.src = c.dst = 39;
  c.proto = 8;
  c.len = 6;
  c.info = w - (c.no + 1 + c.time + 1 + c.src + 1 + c.dst + 1 + c.proto + 1 + c.len + 1);
  if (c.info < 4)
    c.info = 4;
  return c;
}

/* Draws one cell: text clipped to w columns, right-aligned if right. */
static void cell(int y, int *x, int w, const char *s, int right) {
  if (right) {
    int l = (int)strlen(s);
    int pad = w - l;
    if (pad > 0)
      *x += pad;
    draw_text(y, *x, w - (pad > 0 ? pad : 0), s, (size_t)-1);
    *x += w - (pad > 0 ? pad : 0) + 1;
    return;
  }
  draw_text(y, *x, w, s, (size_t)-1);
  *x += w + 1;
}

void list_draw(app *a) {
  cols c = layout(a);
  int x = 0;
  attrset(draw_pair(PAIR_TITLE) | (a->focus == PANE_LIST ? A_BOLD : 0));
  draw_fill(a->list_y - 1, 0, a->cols);
  int y = a->list_y - 1;
  cell(y, &x, c.no, "No.", 1);
  cell(y, &x, c.time, "Time", 0);
  cell(y, &x, c.src, "Source", 0);
  cell(y, &x, c.dst, "Destination", 0);
  cell(y, &x, c.proto, "Protocol", 0);
  cell(y, &x, c.len, "Length", 1);
  cell(y, &x, c.info, "Info", 0);
  attrset(A_NORMAL);

  size_t rows = index_rows(&a->ix);
  if (rows == 0) {
    const char *why = a->ix.scan_done ? (a->ix.ftext ? "No packet matches the display filter."
                                                     : "The capture holds no packets.")
                                      : "Reading...";
    draw_text(a->list_y, 1, a->cols - 2, why, (size_t)-1);
    return;
  }
  if (a->sel >= rows)
    a->sel = rows - 1;
  if (a->top > a->sel)
    a->top = a->sel;
  if (a->sel >= a->top + (size_t)a->list_h)
    a->top = a->sel - (size_t)a->list_h + 1;
  for (int r = 0; r < a->list_h; r++) {
    size_t row = a->top + (size_t)r;
    if (row >= rows)
      break;
    size_t f = index_row_frame(&a->ix, row);
    if (f >= a->ix.n)
      continue;
    char buf[16384], num[32], tm[32], len[16];
    const char *src, *dst, *proto, *info;
    index_summary(&a->ix, f, buf, sizeof buf, &src, &dst, &proto, &info);
    snprintf(num, sizeof num, "%zu", f + 1);
    snprintf(tm, sizeof tm, "%.6f", index_reltime(&a->ix, f));
    snprintf(len, sizeof len, "%u", a->ix.pk[f].wirelen);
    int attr = draw_class_attr(a->ix.pk[f].cclass);
    if (row == a->sel)
      attr = A_REVERSE | (a->focus == PANE_LIST ? A_BOLD : 0);
    attrset(attr);
    y = a->list_y + r;
    draw_fill(y, 0, a->cols);
    x = 0;
    cell(y, &x, c.no, num, 1);
    cell(y, &x, c.time, tm, 0);
    cell(y, &x, c.src, src, 0);
    cell(y, &x, c.dst, dst, 0);
    cell(y, &x, c.proto, proto, 0);
    cell(y, &x, c.len, len, 1);
    cell(y, &x, c.info, info, 0);
    attrset(A_NORMAL);
  }
}

void list_goto_row(app *a, size_t row) {
  size_t rows = index_rows(&a->ix);
  if (!rows) {
    a->sel = a->top = 0;
    return;
  }
  if (row >= rows)
    row = rows - 1;
  a->sel = row;
  a->follow_tail = a->ix.live && row == rows - 1;
  if (a->top > a->sel)
    a->top = a->sel;
  if (a->list_h > 0 && a->sel >= a->top + (size_t)a->list_h)
    a->top = a->sel - (size_t)a->list_h + 1;
}

void list_move(app *a, long delta) {
  long s = (long)a->sel + delta;
  if (s < 0)
    s = 0;
  list_goto_row(a, (size_t)s);
}

void list_goto_frame(app *a, size_t frame) {
  size_t row = index_frame_row(&a->ix, frame);
  if (row >= index_rows(&a->ix) || index_row_frame(&a->ix, row) != frame) {
    /* not displayed under the current filter: clear the filter */
    if (a->ix.ftext) {
      char err[256];
      index_set_filter(&a->ix, NULL, err, sizeof err);
      app_message(a, 0, "display filter cleared to show frame %zu", frame + 1);
      row = index_frame_row(&a->ix, frame);
    }
  }
  list_goto_row(a, row);
  /* keep the row in the middle of the pane when jumping */
  if (a->list_h > 2)
    a->top = a->sel > (size_t)a->list_h / 2 ? a->sel - (size_t)a->list_h / 2 : 0;
}
