/* The one-line prompts: the display filter bar (`/`, compiled as you type,
 * the error shown under it) and the find prompt (Ctrl-F or `:`, then n/N),
 * which looks for a string in the summary line or any field label. */
#define _GNU_SOURCE 1
#include "ui.h"

#include <curses.h>
#include <string.h>
#include <time.h>

static void validate(app *a) {
  a->perr[0] = 0;
  a->pok = 1;
  if (a->prompt != 1)
    return;
  if (!a->uis && index_new_session(&a->ix, &a->uis) != DX_OK)
    return;
  dx_filter *f = NULL;
  dx_filter_error fe;
  int rc = dx_filter_compile(a->uis, a->pbuf, &f, &fe);
  if (rc == DX_EFILTER) {
    a->pok = 0;
    dx_filter_error_format(a->pbuf, &fe, a->perr, sizeof a->perr);
  } else if (rc != DX_OK) {
    a->pok = 0;
    snprintf(a->perr, sizeof a->perr, "\n\n%s", dx_strerror(rc));
  }
  dx_filter_free(f);
}

void prompt_open(app *a, int kind) {
  a->prompt = kind;
  const char *init = kind == 1 ? (a->ix.ftext ? a->ix.ftext : "") : kind == 2 ? a->find : "";
  snprintf(a->pbuf, sizeof a->pbuf, "%s", init);
  a->plen = a->pcur = strlen(a->pbuf);
  validate(a);
}

static void apply(app *a) {
  if (a->prompt == 1) {
    char err[1024];
    size_t frame = index_rows(&a->ix) ? index_row_frame(&a->ix, a->sel) : 0;
    int had = a->ix.ftext != NULL;
    /* ${field} reads the selected packet, as in Wireshark */
    a->ix.ref_frame = index_rows(&a->ix) ? (long)frame : -1;
    if (index_set_filter(&a->ix, a->pbuf, err, sizeof err) != DX_OK) {
      snprintf(a->perr, sizeof a->perr, "%s", err);
      a->pok = 0;
      return;
    }
    a->prompt = 0;
    if (a->ix.ftext) {
      a->sel = a->top = 0;
    } else if (had) {
      list_goto_frame(a, frame);
    }
    return;
  }
  if (a->prompt == 3) {
    a->prompt = 0;
    follow_search(a, a->pbuf, 1);
    return;
  }
  size_t l = strlen(a->pbuf) < sizeof a->find - 1 ? strlen(a->pbuf) : sizeof a->find - 1;
  memcpy(a->find, a->pbuf, l);
  a->find[l] = 0;
  a->prompt = 0;
  find_next(a, 1);
}

void prompt_key(app *a, int ch) {
  switch (ch) {
  case 27: a->prompt = 0; return;
  case '\n':
  case '\r':
  case KEY_ENTER: apply(a); return;
  case KEY_LEFT:
    if (a->pcur > 0)
      a->pcur--;
    return;
  case KEY_RIGHT:
    if (a->pcur < a->plen)
      a->pcur++;
    return;
  case KEY_HOME:
  case 1: a->pcur = 0; return;
  case KEY_END:
  case 5: a->pcur = a->plen; return;
  case 21: /* Ctrl-U */
    a->plen = a->pcur = 0;
    a->pbuf[0] = 0;
    break;
  case KEY_BACKSPACE:
  case 127:
  case 8:
    if (a->pcur == 0)
      return;
    memmove(a->pbuf + a->pcur - 1, a->pbuf + a->pcur, a->plen - a->pcur + 1);
    a->pcur--;
    a->plen--;
    break;
  case KEY_DC:
    if (a->pcur >= a->plen)
      return;
    memmove(a->pbuf + a->pcur, a->pbuf + a->pcur + 1, a->plen - a->pcur);
    a->plen--;
    break;
  default:
    if (ch < 0x20 || ch > 0xff || ch == 0x7f || a->plen + 1 >= sizeof a->pbuf)
      return;
    memmove(a->pbuf + a->pcur + 1, a->pbuf + a->pcur, a->plen - a->pcur + 1);
    a->pbuf[a->pcur++] = (char)ch;
    a->plen++;
    break;
  }
  validate(a);
}

void prompt_draw(app *a, int y) {
  const char *label = a->prompt == 1 ? "Filter: " : a->prompt == 2 ? "Find: " : "Find in stream: ";
  int lx = (int)strlen(label);
  attrset(A_BOLD);
  draw_fill(y, 0, a->cols);
  mvaddstr(y, 0, label);
  attrset(a->prompt == 1 ? draw_pair(a->pok ? PAIR_FILTER_OK : PAIR_FILTER_BAD) : (int)A_NORMAL);
  draw_fill(y, lx, a->cols - lx);
  int w = a->cols - lx - 1;
  /* scroll the text so the cursor stays on screen */
  size_t start = a->pcur > (size_t)w - 1 ? a->pcur - (size_t)w + 1 : 0;
  int used = draw_text(y, lx, w, a->pbuf + start, a->pcur - start);
  attron(A_REVERSE);
  if (a->pcur < a->plen)
    draw_text(y, lx + used, 4, a->pbuf + a->pcur, 1);
  else
    mvaddch(y, lx + used, ' ');
  attroff(A_REVERSE);
  int used2 = used + 1;
  if (a->pcur < a->plen)
    draw_text(y, lx + used2, w - used2, a->pbuf + a->pcur + 1, a->plen - a->pcur - 1);
  attrset(A_NORMAL);
  if (a->prompt == 1 && a->perr[0] && y + 1 < a->rows) {
    /* "text\ncaret\nmessage": caret line under the text, then the message */
    const char *nl1 = strchr(a->perr, '\n');
    const char *nl2 = nl1 ? strchr(nl1 + 1, '\n') : NULL;
    attrset(draw_pair(PAIR_ERRMSG));
    draw_fill(y + 1, 0, a->cols);
    int x = 0;
    if (nl1 && nl2 && start == 0) {
      x = lx + draw_text(y + 1, lx, a->cols - lx, nl1 + 1, (size_t)(nl2 - nl1 - 1)) + 2;
    } else {
      mvaddstr(y + 1, 0, "error:");
      x = 7;
    }
    const char *msg = nl2 ? nl2 + 1 : a->perr;
    if (x >= a->cols - 10)
      x = lx;
    /* a message longer than the rest of the line goes on the lines below
     * (over the top of the list while the filter is edited), cut at spaces */
    char em[1024];
    draw_escape(msg, strlen(msg), em, sizeof em);
    const char *m = em;
    for (int line = 0; *m && line < 3 && y + 1 + line < a->rows - 1; line++) {
      int room = a->cols - x - 1;
      size_t take = strlen(m);
      if (take > (size_t)room) {
        take = (size_t)room;
        while (take > 0 && m[take] != ' ')
          take--;
        if (take == 0)
          take = (size_t)room;
      }
      if (line > 0)
        draw_fill(y + 1 + line, 0, a->cols);
      draw_text(y + 1 + line, x, room, m, take);
      m += take;
      while (*m == ' ')
        m++;
      x = lx;
    }
    attrset(A_NORMAL);
  } else if (a->prompt == 1 && y + 1 < a->rows && a->view == VIEW_MAIN) {
    attrset(A_DIM);
    draw_fill(y + 1, 0, a->cols);
    draw_text(y + 1, lx, a->cols - lx, "Enter applies, Esc cancels, empty clears the filter",
              (size_t)-1);
    attrset(A_NORMAL);
  }
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The first node whose label contains the string. */
static const dx_node *find_in_tree(const dx_node *n, const char *needle, char *buf, size_t len,
                                   int depth) {
  for (; n; n = dx_node_next(n)) {
    dx_node_label(n, buf, len);
    if (strcasestr(buf, needle))
      return n;
    if (depth < 64) {
      const dx_node *r = find_in_tree(dx_node_first_child(n), needle, buf, len, depth + 1);
      if (r)
        return r;
    }
  }
  return NULL;
}

void find_next(app *a, int dir) {
  if (!a->find[0]) {
    app_message(a, 1, "nothing to find yet: press Ctrl-F (or :) and type a string");
    return;
  }
  size_t rows = index_rows(&a->ix);
  if (!rows)
    return;
  double t0 = now_s();
  char buf[16384], label[2048];
  dx_session *s = NULL;
  size_t row = a->sel;
  for (size_t k = 1; k <= rows; k++) {
    row = dir > 0 ? (a->sel + k) % rows : (a->sel + rows - k % rows) % rows;
    size_t f = index_row_frame(&a->ix, row);
    const char *src, *dst, *proto, *info;
    index_summary(&a->ix, f, buf, sizeof buf, &src, &dst, &proto, &info);
    int hit = strcasestr(src, a->find) || strcasestr(dst, a->find) || strcasestr(proto, a->find) ||
              strcasestr(info, a->find);
    const dx_node *node = NULL;
    if (!hit) {
      /* field values: dissect the frame on its own (fast; state-free) */
      if (!s && index_new_session(&a->ix, &s) != DX_OK)
        break;
      dx_frame fr;
      dx_packet *p = NULL;
      if (index_read(&a->ix, f, &fr) == DX_OK && dx_session_dissect(s, &fr, &p) == DX_OK && p) {
        node =
            find_in_tree(dx_node_first_child(dx_packet_root(p)), a->find, label, sizeof label, 0);
        hit = node != NULL;
        dx_packet_free(p);
      }
      if (dir < 0 && s) { /* frames must come in order within a session */
        dx_session_free(s);
        s = NULL;
      }
    }
    if (hit) {
      if (s)
        dx_session_free(s);
      list_goto_row(a, row);
      if (node) {
        /* select the field in the tree of the properly re-dissected frame */
        tree_sync(a);
        if (a->have_pkt) {
          const dx_node *n = find_in_tree(dx_node_first_child(dx_packet_root(a->rp.p)), a->find,
                                          label, sizeof label, 0);
          if (n) {
            tree_select_node(a, n);
            hex_follow_tree(a);
          }
        }
      }
      app_message(a, 0, "found \"%s\" in frame %zu", a->find, f + 1);
      return;
    }
    if (now_s() - t0 > 3.0) {
      if (s)
        dx_session_free(s);
      list_goto_row(a, row);
      app_message(a, 1, "not found up to frame %zu yet (press %c to go on)", f + 1,
                  dir > 0 ? 'n' : 'N');
      return;
    }
  }
  if (s)
    dx_session_free(s);
  app_message(a, 1, "\"%s\" not found", a->find);
}
