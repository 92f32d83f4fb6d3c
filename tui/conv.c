/*
 * Conversations (`c`): every TCP and UDP stream of the index with its
 * addresses, ports, packets, bytes, start time and duration. `s`/`S` pick
 * the sort column, `r` reverses; Enter sets the display filter to the
 * stream (tcp.stream == N / udp.stream == N).
 */
#include "ui.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

enum {
  SORT_PROTO,
  SORT_A,
  SORT_PA,
  SORT_B,
  SORT_PB,
  SORT_PKTS,
  SORT_BYTES,
  SORT_START,
  SORT_DUR,
  SORT_N
};
static const char *const sort_names[SORT_N] = {
    "Proto", "Address A", "Port A", "Address B", "Port B", "Packets", "Bytes", "Start", "Duration"};
static const char *const col_names[SORT_N] = {"Proto",   "Address A", "PortA", "Address B", "PortB",
                                              "Packets", "Bytes",     "Start", "Duration"};

typedef struct conv_row {
  int kind;
  uint32_t id;
} conv_row;

typedef struct conv_view {
  conv_row *rows;
  size_t n;
  size_t built_for; /* frames indexed when built */
  int sort, reverse;
  size_t sel, top;
} conv_view;

typedef struct sort_ctx {
  pindex *ix;
  int sort, reverse;
} sort_ctx;

static double start_of(pindex *ix, const stream_info *s) {
  return index_reltime(ix, s->first);
}
static double dur_of(pindex *ix, const stream_info *s) {
  return index_reltime(ix, s->last) - index_reltime(ix, s->first);
}

/* qsort has no context argument: sort with a small merge sort instead. */
static int cmp(const sort_ctx *c, const conv_row *x, const conv_row *y) {
  stream_info *a = index_stream(c->ix, x->kind, x->id), *b = index_stream(c->ix, y->kind, y->id);
  int r = 0;
  switch (c->sort) {
  case SORT_PROTO: r = x->kind - y->kind; break;
  case SORT_A:
  case SORT_B: {
    char ba[INDEX_ADDR_BUF], bb[INDEX_ADDR_BUF];
    int end = c->sort == SORT_B;
    r = strcmp(index_addr(c->ix, a, end, ba), index_addr(c->ix, b, end, bb));
    break;
  }
  case SORT_PA: r = (int)a->port_a - (int)b->port_a; break;
  case SORT_PB: r = (int)a->port_b - (int)b->port_b; break;
  case SORT_PKTS: r = a->packets < b->packets ? -1 : a->packets > b->packets; break;
  case SORT_BYTES: r = a->bytes < b->bytes ? -1 : a->bytes > b->bytes; break;
  case SORT_START: {
    double d = start_of(c->ix, a) - start_of(c->ix, b);
    r = d < 0 ? -1 : d > 0;
    break;
  }
  case SORT_DUR: {
    double d = dur_of(c->ix, a) - dur_of(c->ix, b);
    r = d < 0 ? -1 : d > 0;
    break;
  }
  default: break;
  }
  if (r == 0) /* stable tie-break: by kind, then stream number */
    r = x->kind != y->kind ? x->kind - y->kind : (x->id < y->id ? -1 : x->id > y->id);
  return c->reverse ? -r : r;
}

static void msort(const sort_ctx *c, conv_row *v, conv_row *tmp, size_t n) {
  if (n < 2)
    return;
  size_t h = n / 2;
  msort(c, v, tmp, h);
  msort(c, v + h, tmp, n - h);
  size_t i = 0, j = h, k = 0;
  while (i < h && j < n)
    tmp[k++] = cmp(c, &v[j], &v[i]) < 0 ? v[j++] : v[i++];
  while (i < h)
    tmp[k++] = v[i++];
  while (j < n)
    tmp[k++] = v[j++];
  memcpy(v, tmp, n * sizeof *v);
}

static void build(app *a, conv_view *cv) {
  pindex *ix = &a->ix;
  size_t total = ix->nst[SK_TCP] + ix->nst[SK_UDP];
  conv_row *rows = malloc((total ? total : 1) * sizeof *rows);
  conv_row *tmp = malloc((total ? total : 1) * sizeof *tmp);
  if (!rows || !tmp) {
    free(rows);
    free(tmp);
    return;
  }
  size_t n = 0;
  for (int k = SK_TCP; k <= SK_UDP; k++)
    for (size_t i = 0; i < ix->nst[k]; i++)
      if (ix->st[k][i].first != NO_PREV)
        rows[n++] = (conv_row){k, (uint32_t)i};
  sort_ctx c = {ix, cv->sort, cv->reverse};
  msort(&c, rows, tmp, n);
  free(tmp);
  free(cv->rows);
  cv->rows = rows;
  cv->n = n;
  cv->built_for = ix->n;
  if (cv->sel >= n)
    cv->sel = n ? n - 1 : 0;
}

void conv_close(app *a) {
  if (!a->conv)
    return;
  free(a->conv->rows);
  free(a->conv);
  a->conv = NULL;
  if (a->view == VIEW_CONV)
    a->view = VIEW_MAIN;
}

void conv_open(app *a) {
  conv_close(a);
  conv_view *cv = calloc(1, sizeof *cv);
  if (!cv)
    return;
  cv->sort = SORT_START;
  build(a, cv);
  /* start on the selected packet's stream */
  int kind;
  uint32_t id;
  if (app_selected_stream(a, &kind, &id))
    for (size_t i = 0; i < cv->n; i++)
      if (cv->rows[i].kind == kind && cv->rows[i].id == id)
        cv->sel = i;
  a->conv = cv;
  a->view = VIEW_CONV;
}

void conv_key(app *a, int ch) {
  conv_view *cv = a->conv;
  if (!cv) {
    a->view = VIEW_MAIN;
    return;
  }
  size_t page = a->rows > 5 ? (size_t)a->rows - 5 : 1;
  switch (ch) {
  case 'q':
  case 27:
  case 'c': conv_close(a); return;
  case 's':
  case KEY_RIGHT:
    cv->sort = (cv->sort + 1) % SORT_N;
    build(a, cv);
    return;
  case 'S':
  case KEY_LEFT:
    cv->sort = (cv->sort + SORT_N - 1) % SORT_N;
    build(a, cv);
    return;
  case 'r':
    cv->reverse = !cv->reverse;
    build(a, cv);
    return;
  case 'j':
  case KEY_DOWN:
    if (cv->sel + 1 < cv->n)
      cv->sel++;
    return;
  case 'k':
  case KEY_UP:
    if (cv->sel > 0)
      cv->sel--;
    return;
  case KEY_NPAGE:
  case ' ': cv->sel = cv->sel + page < cv->n ? cv->sel + page : (cv->n ? cv->n - 1 : 0); return;
  case KEY_PPAGE: cv->sel = cv->sel > page ? cv->sel - page : 0; return;
  case 'g':
  case KEY_HOME: cv->sel = 0; return;
  case 'G':
  case KEY_END: cv->sel = cv->n ? cv->n - 1 : 0; return;
  case '\n':
  case '\r':
  case KEY_ENTER:
    if (cv->sel < cv->n) {
      char f[64], err[512];
      snprintf(f, sizeof f, "%s.stream == %u", cv->rows[cv->sel].kind == SK_TCP ? "tcp" : "udp",
               cv->rows[cv->sel].id);
      conv_close(a);
      if (index_set_filter(&a->ix, f, err, sizeof err) == DX_OK) {
        a->sel = a->top = 0;
        a->focus = PANE_LIST;
      } else {
        app_message(a, 1, "%s", err);
      }
    }
    return;
  default: return;
  }
}

void conv_draw(app *a) {
  conv_view *cv = a->conv;
  if (!cv)
    return;
  if (cv->built_for != a->ix.n)
    build(a, cv);
  char title[256];
  snprintf(
      title, sizeof title,
      "Conversations: %zu  sorted by %s%s  (s/S sort column, r reverse, Enter filter, Esc back)",
      cv->n, sort_names[cv->sort], cv->reverse ? " (reversed)" : "");
  draw_hline_title(0, title, 1);
  int aw = (a->cols - 62) / 2;
  aw = aw < 9 ? 9 : aw > 39 ? 39 : aw;
  int x[10];
  int w[9] = {5, aw, 6, aw, 6, 7, 9, 10, 9};
  x[0] = 0;
  for (int i = 0; i < 9; i++)
    x[i + 1] = x[i] + w[i] + 1;
  attrset(A_BOLD);
  draw_fill(1, 0, a->cols);
  for (int i = 0; i < 9; i++) {
    if (i == cv->sort)
      attron(A_UNDERLINE);
    if (x[i] < a->cols)
      draw_text(1, x[i], w[i] < a->cols - x[i] ? w[i] : a->cols - x[i], col_names[i], (size_t)-1);
    attroff(A_UNDERLINE);
  }
  attrset(A_NORMAL);
  int body = a->rows - 3;
  if (body < 1)
    body = 1;
  if (cv->sel < cv->top)
    cv->top = cv->sel;
  if (cv->sel >= cv->top + (size_t)body)
    cv->top = cv->sel - (size_t)body + 1;
  if (cv->n == 0)
    mvaddstr(2, 0, "No TCP or UDP conversations (yet).");
  for (int r = 0; r < body; r++) {
    size_t i = cv->top + (size_t)r;
    if (i >= cv->n)
      break;
    stream_info *s = index_stream(&a->ix, cv->rows[i].kind, cv->rows[i].id);
    if (!s)
      continue;
    char cell[9][64], ab[INDEX_ADDR_BUF];
    snprintf(cell[0], 64, "%s", cv->rows[i].kind == SK_TCP ? "TCP" : "UDP");
    snprintf(cell[1], 64, "%s", index_addr(&a->ix, s, 0, ab));
    snprintf(cell[2], 64, "%u", s->port_a);
    snprintf(cell[3], 64, "%s", index_addr(&a->ix, s, 1, ab));
    snprintf(cell[4], 64, "%u", s->port_b);
    snprintf(cell[5], 64, "%u", s->packets);
    snprintf(cell[6], 64, "%llu", (unsigned long long)s->bytes);
    snprintf(cell[7], 64, "%.6f", start_of(&a->ix, s));
    snprintf(cell[8], 64, "%.6f", dur_of(&a->ix, s));
    attrset(i == cv->sel ? A_REVERSE : A_NORMAL);
    if (i == cv->sel)
      draw_fill(2 + r, 0, a->cols);
    for (int c = 0; c < 9; c++) {
      if (x[c] >= a->cols)
        break;
      int cw = w[c] < a->cols - x[c] ? w[c] : a->cols - x[c];
      draw_text(2 + r, x[c], cw, cell[c], (size_t)-1);
    }
    attrset(A_NORMAL);
  }
}
