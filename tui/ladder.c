/*
 * The connection ladder (`l`): the selected packet's connection as a
 * sequence diagram, client on the left, server on the right, drawn from
 * libdissect's story layer (include/dissect/story.h, built in story.c): a
 * TCP connection, or the QUIC connection a UDP stream carries. One arrow
 * per step of the story (the DNS lookup of the server's name dotted, the
 * TCP handshake, TLS handshake messages, QUIC packets, HTTP requests and
 * responses, Application Data merged with a count, FIN, RST,
 * CONNECTION_CLOSE); the margin shows the story's round-trip marks and the
 * bottom line its one-line lesson (dx_story_summary). `w` then t/j/m/s
 * writes the story to a file. This file only draws: what a step is, and
 * where a round trip starts, is the story layer's.
 */
#include "ui.h"

#include <curses.h>
#include <dissect/story.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define LADDER_MAX_EVENTS 20000 /* steps kept for the view (dissect --story keeps 400) */

typedef struct ladder_view {
  int kind;    /* SK_TCP / SK_UDP: the stream the ladder was opened on */
  uint32_t id; /* its tcp.stream / udp.stream */
  tui_story ts;
  char client[64], server[64];
  int proxy;         /* the far end is an HTTP proxy (its tunnel: dx_story_conn.tunnel) */
  char title_id[64]; /* "tcp.stream 3", "quic.connection.number 0" */
  size_t sel, top;
  unsigned rtts;
  int write_pending; /* `w` pressed: the next key picks the story's format */
  char summary[200];
} ladder_view;

static size_t nsteps(const ladder_view *lv) {
  return lv->ts.c ? lv->ts.c->nevents : 0;
}
static const dx_story_event *step_at(const ladder_view *lv, size_t i) {
  return i < nsteps(lv) ? &lv->ts.c->events[i] : NULL;
}

void ladder_close(app *a) {
  if (!a->ladder)
    return;
  tui_story_free(&a->ladder->ts);
  free(a->ladder);
  a->ladder = NULL;
  if (a->view == VIEW_LADDER)
    a->view = VIEW_MAIN;
}

static void endpoint_text(const char *addr, unsigned port, char *out, size_t len) {
  char e[64];
  draw_escape(addr, strlen(addr), e, sizeof e);
  snprintf(out, len, strchr(e, ':') ? "[%s]:%u" : "%s:%u", e, port);
}

void ladder_open(app *a) {
  int kind;
  uint32_t id;
  if (!app_selected_stream(a, &kind, &id) || (kind != SK_TCP && kind != SK_UDP)) {
    app_message(a, 1, "the ladder needs a TCP or QUIC packet: select one first");
    return;
  }
  ladder_close(a);
  ladder_view *lv = calloc(1, sizeof *lv);
  if (!lv)
    return;
  char err[256];
  if (tui_story_build(a, kind, id, LADDER_MAX_EVENTS, &lv->ts, err, sizeof err) != 0) {
    free(lv);
    app_message(a, 1, "no ladder: %s", err);
    return;
  }
  lv->kind = kind;
  lv->id = id;
  const dx_story_conn *c = lv->ts.c;
  snprintf(lv->title_id, sizeof lv->title_id, "%s %u",
           c->transport == DX_STORY_TRANSPORT_QUIC ? "quic.connection.number" : "tcp.stream",
           c->stream);
  endpoint_text(c->client.addr, c->client.port, lv->client, sizeof lv->client);
  endpoint_text(c->server.addr, c->server.port, lv->server, sizeof lv->server);
  lv->proxy = c->proxy;
  for (size_t i = 0; i < c->nevents; i++)
    if (c->events[i].rtt > lv->rtts)
      lv->rtts = c->events[i].rtt;
  char sum[200];
  dx_story_summary(c, sum, sizeof sum);
  draw_escape(sum, strlen(sum), lv->summary, sizeof lv->summary);
  /* start on the step of the selected packet */
  size_t f = index_row_frame(&a->ix, a->sel) + 1; /* frame.number */
  for (size_t i = 0; i < c->nevents; i++)
    if (c->events[i].at.frame <= f)
      lv->sel = i;
  a->ladder = lv;
  a->view = VIEW_LADDER;
}

void ladder_key(app *a, int ch) {
  ladder_view *lv = a->ladder;
  if (!lv) {
    a->view = VIEW_MAIN;
    return;
  }
  size_t n = nsteps(lv);
  size_t page = a->rows > 8 ? (size_t)a->rows - 8 : 1;
  if (lv->write_pending) {
    /* the story of this connection, by libdissect's story layer (story.c) */
    lv->write_pending = 0;
    int fmt = ch == 't'   ? DX_STORY_TEXT
              : ch == 'j' ? DX_STORY_JSON
              : ch == 'm' ? DX_STORY_MERMAID
              : ch == 's' ? DX_STORY_SVG
                          : -1;
    char path[64], err[256];
    if (fmt < 0)
      app_message(a, 0, "story not written");
    else if (tui_story_write(a, lv->kind, lv->id, fmt, path, sizeof path, err, sizeof err) == 0)
      app_message(a, 0, "story of %s written to %s", lv->title_id, path);
    else
      app_message(a, 1, "story not written: %s", err);
    return;
  }
  switch (ch) {
  case 'w':
    lv->write_pending = 1;
    app_message(a, 0, "write the story of %s as: t text, j JSON, m Mermaid, s SVG", lv->title_id);
    break;
  case 'q':
  case 27:
  case 'l': ladder_close(a); break;
  case 'j':
  case KEY_DOWN:
    if (lv->sel + 1 < n)
      lv->sel++;
    break;
  case 'k':
  case KEY_UP:
    if (lv->sel > 0)
      lv->sel--;
    break;
  case KEY_NPAGE:
  case ' ': lv->sel = lv->sel + page < n ? lv->sel + page : (n ? n - 1 : 0); break;
  case KEY_PPAGE: lv->sel = lv->sel > page ? lv->sel - page : 0; break;
  case 'g':
  case KEY_HOME: lv->sel = 0; break;
  case 'G':
  case KEY_END: lv->sel = n ? n - 1 : 0; break;
  case '\n':
  case '\r':
  case KEY_ENTER:
    if (lv->sel < n) {
      uint64_t fr = step_at(lv, lv->sel)->at.frame;
      ladder_close(a);
      if (fr > 0)
        list_goto_frame(a, (size_t)fr - 1);
      a->focus = PANE_LIST;
    }
    break;
  default: break;
  }
}

/* One arrow between the lanes at columns x0 (client) and x1 (server). */
static void arrow(int y, int x0, int x1, int right, const char *label, int dotted) {
  int w = x1 - x0 - 1;
  if (w < 6)
    return;
  char line[512];
  if (w > (int)sizeof line - 1)
    w = (int)sizeof line - 1;
  memset(line, dotted ? '.' : '-', (size_t)w);
  line[w] = 0;
  if (right)
    line[w - 1] = '>';
  else
    line[0] = '<';
  /* columns of the label (escaped text: ASCII or valid UTF-8) */
  int ll = 0;
  for (const unsigned char *u = (const unsigned char *)label; *u; u++)
    ll += (*u & 0xc0) != 0x80;
  int room = w - 6;
  if (ll > room)
    ll = room;
  int start = 3 + (room - ll) / 2;
  mvaddch(y, x0, '|');
  mvaddstr(y, x0 + 1, line);
  mvaddch(y, x0 + start, ' ');
  int used = draw_text(y, x0 + 1 + start, room, label, (size_t)-1);
  mvaddch(y, x0 + 1 + start + used, ' ');
  mvaddch(y, x1, '|');
}

void ladder_draw(app *a) {
  ladder_view *lv = a->ladder;
  if (!lv)
    return;
  char title[256];
  snprintf(title, sizeof title,
           "Connection ladder: %s, %u round trips  (Enter: packet, w: write, Esc: back)",
           lv->title_id, lv->rtts);
  draw_hline_title(0, title, 1);
  int margin = 7, timew = 10, framew = 8;
  int x0 = margin + timew, x1 = a->cols - framew - 1;
  if (x1 - x0 < 20)
    x1 = x0 + 20 < a->cols ? x0 + 20 : a->cols - 1;
  attrset(A_BOLD);
  draw_fill(1, 0, a->cols);
  mvaddstr(1, 0, "RTT");
  mvaddstr(1, margin, "Time");
  draw_text(1, x0, x1 - x0, "Client ", (size_t)-1);
  draw_text(1, x0 + 7, (x1 - x0) / 2, lv->client, (size_t)-1);
  int sl = (int)strlen(lv->server) + 7;
  int sx = x1 - sl + 1 > x0 + (x1 - x0) / 2 ? x1 - sl + 1 : x0 + (x1 - x0) / 2;
  draw_text(1, sx, a->cols - sx, lv->proxy ? "Proxy  " : "Server ", (size_t)-1);
  draw_text(1, sx + 7, a->cols - sx - 7, lv->server, (size_t)-1);
  mvaddstr(1, x1 + 2, "Frame");
  attrset(A_NORMAL);
  int body = a->rows - 4; /* title, header, summary, status */
  if (body < 1)
    body = 1;
  size_t n = nsteps(lv);
  if (n == 0) {
    mvaddstr(2, 0, "No steps found for this connection.");
    return;
  }
  if (lv->sel < lv->top)
    lv->top = lv->sel;
  if (lv->sel >= lv->top + (size_t)body)
    lv->top = lv->sel - (size_t)body + 1;
  int64_t t0 = step_at(lv, 0)->at.time_ns;
  for (int r = 0; r < body; r++) {
    size_t i = lv->top + (size_t)r;
    const dx_story_event *e = step_at(lv, i);
    if (!e)
      break;
    int y = 2 + r;
    char buf[160];
    if (e->rtt) {
      attrset(draw_pair(PAIR_RTT) | A_BOLD);
      snprintf(buf, sizeof buf, "RTT %u", e->rtt);
      mvaddstr(y, 0, buf);
    }
    attrset(i == lv->sel ? A_REVERSE : A_NORMAL);
    /* seconds since the first step, rounded to the microsecond */
    int64_t us = (e->at.time_ns - t0 + (e->at.time_ns >= t0 ? 500 : -500)) / 1000;
    snprintf(buf, sizeof buf, "%s%" PRId64 ".%06" PRId64, us < 0 ? "-" : "",
             (us < 0 ? -us : us) / 1000000, (us < 0 ? -us : us) % 1000000);
    mvaddstr(y, margin, buf);
    char esc[400], lab[460];
    draw_escape(e->label, strlen(e->label), esc, sizeof esc);
    if (e->count > 1)
      snprintf(lab, sizeof lab, "%s x%u", esc, e->count);
    else
      snprintf(lab, sizeof lab, "%s", esc);
    int right = e->from == DX_STORY_CLIENT;
    if (i != lv->sel)
      attrset(draw_pair(right ? PAIR_CLIENT : PAIR_SERVER));
    arrow(y, x0, x1, right, lab, e->layer == DX_STORY_DNS);
    attrset(i == lv->sel ? A_REVERSE : A_NORMAL);
    snprintf(buf, sizeof buf, "#%" PRIu64, e->at.frame);
    mvaddstr(y, x1 + 2, buf);
    attrset(A_NORMAL);
  }
  const dx_story_conn *c = lv->ts.c;
  if (c->events_dropped || lv->summary[0]) {
    char foot[300];
    if (c->events_dropped)
      snprintf(foot, sizeof foot, "(%u more steps than the ladder keeps)", c->events_dropped);
    else
      snprintf(foot, sizeof foot, "%s", lv->summary);
    attrset(A_BOLD);
    draw_fill(a->rows - 2, 0, a->cols);
    draw_text(a->rows - 2, 0, a->cols, foot, (size_t)-1);
    attrset(A_NORMAL);
  }
}
