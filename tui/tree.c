/* The layer tree pane: the selected frame re-dissected with its stream's
 * state (index_dissect), shown as an outline. Which nodes are expanded is
 * remembered by field name, so moving to the next packet keeps the same
 * layers open (as Wireshark does). */
#include "ui.h"

#include <curses.h>
#include <dissect/story.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

static void free_rows(app *a) {
  free(a->all);
  free(a->open);
  free(a->vis);
  a->all = a->vis = NULL;
  a->open = NULL;
  a->nall = a->nvis = 0;
}

void tree_free(app *a) {
  free_rows(a);
  replay_free(&a->rp);
  a->have_pkt = 0;
}

static int name_open(app *a, const char *name) {
  for (size_t k = 0; k < a->nopen_names; k++)
    if (strcmp(a->open_names[k], name) == 0)
      return 1;
  return 0;
}

static void name_set(app *a, const char *name, int open) {
  for (size_t k = 0; k < a->nopen_names; k++) {
    if (strcmp(a->open_names[k], name) == 0) {
      if (!open) {
        free(a->open_names[k]);
        a->open_names[k] = a->open_names[--a->nopen_names];
      }
      return;
    }
  }
  if (open && a->nopen_names < sizeof a->open_names / sizeof a->open_names[0]) {
    char *c = strdup(name);
    if (c)
      a->open_names[a->nopen_names++] = c;
  }
}

static int shown(const dx_node *n) {
  return !(dx_node_flags(n) & DX_NODE_HIDDEN);
}

static int has_shown_kids(const dx_node *n) {
  for (const dx_node *c = dx_node_first_child(n); c; c = dx_node_next(c))
    if (shown(c))
      return 1;
  return 0;
}

/* Preorder walk of the shown nodes; calls add for each (or counts). */
static size_t walk(const dx_node *root, tree_row *out) {
  size_t n = 0;
  const dx_node *stack[MAX_DEPTH + 1];
  int depth = 0;
  const dx_node *cur = dx_node_first_child(root);
  while (cur) {
    if (shown(cur)) {
      int kids = has_shown_kids(cur) && depth < MAX_DEPTH;
      if (out) {
        out[n].n = cur;
        out[n].depth = depth;
        out[n].has_kids = kids;
        out[n].pre = n;
      }
      n++;
      if (kids) {
        stack[depth++] = cur;
        cur = dx_node_first_child(cur);
        continue;
      }
    }
    cur = dx_node_next(cur);
    while (!cur && depth > 0)
      cur = dx_node_next(stack[--depth]);
  }
  return n;
}

static void compute_vis(app *a) {
  a->nvis = 0;
  int skip = -1;
  for (size_t k = 0; k < a->nall; k++) {
    const tree_row *r = &a->all[k];
    if (skip >= 0 && r->depth > skip)
      continue;
    skip = -1;
    a->vis[a->nvis++] = *r;
    if (r->has_kids && !a->open[k])
      skip = r->depth;
  }
  if (a->tsel >= a->nvis)
    a->tsel = a->nvis ? a->nvis - 1 : 0;
}

static void rebuild(app *a) {
  const char *keep = NULL;
  char keepbuf[128] = "";
  if (a->have_pkt && a->tsel < a->nvis) {
    snprintf(keepbuf, sizeof keepbuf, "%s", dx_node_name(a->vis[a->tsel].n));
    keep = keepbuf;
  }
  free_rows(a);
  const dx_node *root = dx_packet_root(a->rp.p);
  size_t n = walk(root, NULL);
  a->all = calloc(n ? n : 1, sizeof *a->all);
  a->vis = calloc(n ? n : 1, sizeof *a->vis);
  a->open = calloc(n ? n : 1, 1);
  if (!a->all || !a->vis || !a->open) {
    free_rows(a);
    return;
  }
  a->nall = walk(root, a->all);
  for (size_t k = 0; k < a->nall; k++)
    a->open[k] = a->all[k].has_kids && name_open(a, dx_node_name(a->all[k].n));
  compute_vis(a);
  a->tsel = 0;
  a->ttop = 0;
  if (keep) {
    for (size_t k = 0; k < a->nvis; k++) {
      if (strcmp(dx_node_name(a->vis[k].n), keep) == 0) {
        a->tsel = k;
        break;
      }
    }
  }
}

void tree_sync(app *a) {
  size_t rows = index_rows(&a->ix);
  if (!rows) {
    if (a->have_pkt)
      tree_free(a);
    return;
  }
  if (a->sel >= rows)
    a->sel = rows - 1;
  size_t f = index_row_frame(&a->ix, a->sel);
  if (a->have_pkt && a->pkt_frame == f)
    return;
  a->have_pkt = 0;
  if (index_dissect(&a->ix, f, &a->rp) != DX_OK) {
    free_rows(a);
    app_message(a, 1, "cannot read frame %zu again", f + 1);
    return;
  }
  a->pkt_frame = f;
  rebuild(a);
  a->have_pkt = 1;
  size_t nsrc = dx_packet_source_count(a->rp.p);
  if (a->hsrc >= nsrc)
    a->hsrc = 0;
  hex_follow_tree(a);
}

const dx_node *tree_selected(app *a) {
  if (!a->have_pkt || a->tsel >= a->nvis)
    return NULL;
  return a->vis[a->tsel].n;
}

static void keep_visible(app *a) {
  if (a->ttop > a->tsel)
    a->ttop = a->tsel;
  if (a->tree_h > 0 && a->tsel >= a->ttop + (size_t)a->tree_h)
    a->ttop = a->tsel - (size_t)a->tree_h + 1;
}

void tree_select_node(app *a, const dx_node *n) {
  size_t k;
  for (k = 0; k < a->nall; k++)
    if (a->all[k].n == n)
      break;
  if (k == a->nall)
    return;
  /* open every ancestor: walk back in preorder to shallower rows */
  int d = a->all[k].depth;
  for (size_t j = k; j-- > 0 && d > 0;) {
    if (a->all[j].depth < d) {
      a->open[j] = 1;
      d = a->all[j].depth;
    }
  }
  compute_vis(a);
  for (size_t v = 0; v < a->nvis; v++) {
    if (a->vis[v].n == n) {
      a->tsel = v;
      break;
    }
  }
  keep_visible(a);
}

static void set_open(app *a, size_t pre, int open) {
  if (pre >= a->nall || !a->all[pre].has_kids)
    return;
  a->open[pre] = (unsigned char)open;
  name_set(a, dx_node_name(a->all[pre].n), open);
  const dx_node *sel = tree_selected(a);
  compute_vis(a);
  for (size_t v = 0; v < a->nvis; v++)
    if (a->vis[v].n == sel)
      a->tsel = v;
}

void tree_key(app *a, int ch) {
  if (!a->have_pkt || !a->nvis)
    return;
  size_t old = a->tsel;
  size_t page = a->tree_h > 1 ? (size_t)a->tree_h - 1 : 1;
  tree_row *r = &a->vis[a->tsel];
  switch (ch) {
  case KEY_DOWN:
  case 'j':
    if (a->tsel + 1 < a->nvis)
      a->tsel++;
    break;
  case KEY_UP:
  case 'k':
    if (a->tsel > 0)
      a->tsel--;
    break;
  case KEY_NPAGE: a->tsel = a->tsel + page < a->nvis ? a->tsel + page : a->nvis - 1; break;
  case KEY_PPAGE: a->tsel = a->tsel > page ? a->tsel - page : 0; break;
  case KEY_HOME:
  case 'g': a->tsel = 0; break;
  case KEY_END:
  case 'G': a->tsel = a->nvis - 1; break;
  case '\n':
  case '\r':
  case KEY_ENTER:
  case ' ': set_open(a, r->pre, !a->open[r->pre]); break;
  case KEY_RIGHT:
  case 'L':
    if (r->has_kids && !a->open[r->pre])
      set_open(a, r->pre, 1);
    else if (r->has_kids && a->tsel + 1 < a->nvis)
      a->tsel++;
    break;
  case KEY_LEFT:
  case 'H':
    if (r->has_kids && a->open[r->pre]) {
      set_open(a, r->pre, 0);
    } else {
      for (size_t v = a->tsel; v-- > 0;) {
        if (a->vis[v].depth < r->depth) {
          a->tsel = v;
          break;
        }
      }
    }
    break;
  case 'e': {
    const dx_node *sel = r->n;
    for (size_t k = 0; k < a->nall; k++) {
      if (a->all[k].has_kids) {
        a->open[k] = 1;
        name_set(a, dx_node_name(a->all[k].n), 1);
      }
    }
    compute_vis(a);
    for (size_t v = 0; v < a->nvis; v++)
      if (a->vis[v].n == sel)
        a->tsel = v;
    break;
  }
  case 'E':
    for (size_t k = 0; k < a->nall; k++) {
      a->open[k] = 0;
      if (a->all[k].has_kids)
        name_set(a, dx_node_name(a->all[k].n), 0);
    }
    {
      /* keep the selection on the layer that held it */
      const dx_node *sel = a->vis[a->tsel].n;
      compute_vis(a);
      a->tsel = 0;
      for (size_t v = 0; v < a->nvis; v++) {
        const dx_node *n = sel;
        while (n && dx_node_parent(n) && n != a->vis[v].n)
          n = dx_node_parent(n);
        if (n == a->vis[v].n) {
          a->tsel = v;
          break;
        }
      }
    }
    break;
  default: break;
  }
  keep_visible(a);
  if (a->tsel != old || ch == 'E')
    hex_follow_tree(a);
}

static const char *sev_name(int sev) {
  switch (sev) {
  case DX_SEV_CHAT: return "Chat";
  case DX_SEV_NOTE: return "Note";
  case DX_SEV_WARN: return "Warning";
  case DX_SEV_ERROR: return "Error";
  default: return "Info";
  }
}

void tree_label(const dx_node *n, char *buf, size_t len) {
  if (!len)
    return;
  if (!(dx_node_flags(n) & DX_NODE_EXPERT)) {
    dx_node_label(n, buf, len);
    return;
  }
  /* an expert note, as Wireshark shows it: [Expert Info (Note): message] */
  char msg[1024];
  dx_node_label(n, msg, sizeof msg);
  char *m = msg;
  size_t ml = strlen(m);
  if (ml >= 2 && m[0] == '[' && m[ml - 1] == ']') {
    m[ml - 1] = 0;
    m++;
  }
  snprintf(buf, len, "[Expert Info (%s): %s]", sev_name(dx_node_severity(n)), m);
}

void tree_draw(app *a) {
  char title[256];
  if (a->have_pkt)
    snprintf(title, sizeof title, "Packet details: frame %zu%s", a->pkt_frame + 1,
             a->rp.partial ? "  (stream longer than the replay cap: state may be partial)" : "");
  else
    snprintf(title, sizeof title, "Packet details");
  draw_hline_title(a->tree_y - 1, title, a->focus == PANE_TREE);
  if (!a->have_pkt)
    return;
  keep_visible(a);
  char buf[2048];
  for (int r = 0; r < a->tree_h; r++) {
    size_t v = a->ttop + (size_t)r;
    if (v >= a->nvis)
      break;
    const tree_row *tr = &a->vis[v];
    int y = a->tree_y + r;
    int attr = A_NORMAL;
    unsigned fl = dx_node_flags(tr->n);
    int sev = dx_node_severity(tr->n);
    if (fl & (DX_NODE_MALFORMED | DX_NODE_TRUNCATED))
      sev = DX_SEV_ERROR;
    if (sev > DX_SEV_NONE)
      attr = draw_sev_attr(sev);
    if (v == a->tsel)
      attr = A_REVERSE | (a->focus == PANE_TREE ? A_BOLD : 0);
    int x = tr->depth * 2;
    if (x > a->cols / 2)
      x = a->cols / 2;
    attrset(attr);
    if (v == a->tsel)
      draw_fill(y, 0, a->cols);
    else if (sev > DX_SEV_NONE) /* the whole row in the severity's colour */
      draw_fill(y, x, a->cols - x);
    const char *mark = tr->has_kids ? (a->open[tr->pre] ? "- " : "+ ") : "  ";
    mvaddstr(y, x, mark);
    tree_label(tr->n, buf, sizeof buf);
    int used = draw_text(y, x + 2, a->cols - x - 2, buf, (size_t)-1);
    /* a protocol layer names its role as the articles on HTTPS do
     * ("Transport layer: segment"), at the right end when the row has room */
    const char *unit, *role = tr->depth == 0 ? dx_layer_role(dx_node_name(tr->n), &unit) : NULL;
    if (role) {
      char tag[64];
      int tl = snprintf(tag, sizeof tag, "%s layer: %s", role, unit);
      int end = x + 2 + used; /* screen columns the label took */
      if (tl > 0 && end + 3 + tl < a->cols) {
        if (v != a->tsel)
          attrset(attr | A_DIM);
        mvaddstr(y, a->cols - tl - 1, tag);
      }
    }
    attrset(A_NORMAL);
  }
}
