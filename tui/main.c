/*
 * dissect-tui: a terminal browser for packet captures.
 *
 *   dissect-tui [-Y FILTER] [--keylog FILE] FILE
 *   dissect-tui -i IFACE [-f BPF] [-Y FILTER]
 *
 * This file: arguments, the main loop (keys first, then a ~20 ms slice of
 * background indexing, then one redraw), the layout of the three panes, the
 * status line, and restoring the terminal on every way out.
 */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui.h"

#include <curses.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t g_signal;
static int g_curses_on;

static void on_signal(int sig) {
  g_signal = sig;
}

static void restore_terminal(void) {
  if (g_curses_on && !isendwin())
    endwin();
  g_curses_on = 0;
}

static void usage(FILE *out) {
  fputs("Usage: dissect-tui [options] FILE | -r FILE\n"
        "       dissect-tui -i IFACE [-f BPF] [options]\n"
        "Browse a pcap/pcapng capture (or a live capture) in the terminal.\n"
        "\n"
        "  -r FILE           the capture file to browse (as tshark -r; the same as FILE)\n"
        "  -i IFACE          capture live on IFACE (new packets appear as they come)\n"
        "  -f BPF            capture filter for -i (libpcap syntax)\n"
        "  -Z USER           with -i as root: run as USER once the interface is open\n"
        "                    (default: nobody; -Z root keeps root), as tcpdump\n"
        "  -Y FILTER         open with this display filter applied\n"
        "  --keylog FILE     TLS key log file (NSS format) to decrypt TLS 1.2 and 1.3\n"
        "                    (also $SSLKEYLOGFILE; pcapng Decryption Secrets Blocks\n"
        "                    are read too); QUIC and HTTP/3 too\n"
        "  -o tls.keylog_file:FILE   the same, Wireshark style\n"
        "  -o tcp.reassemble_out_of_order:TRUE\n"
        "                            hold TCP segments after a gap and reorder them\n"
        "                            (off by default, as in tshark)\n"
        "  --rsa-key FILE    PEM RSA private key of the server (RSA key exchange)\n"
        "  -d LAYER.port==PORT,PROTO  decode as, e.g. -d tcp.port==8443,tls\n"
        "  --colorfilters FILE  colouring rules in Wireshark's colorfilters format\n"
        "                    (default: $XDG_CONFIG_HOME/dissect/colorfilters or\n"
        "                    ~/.config/dissect/colorfilters if it exists, else\n"
        "                    Wireshark 4.0's default rules)\n"
        "  --print-colors    index FILE as the packet list does, print each frame's\n"
        "                    number and colouring rule (tab-separated), and exit\n"
        "  --print-index     the same with all the list keeps of each frame: its\n"
        "                    stream (tcp:N or udp:N), the stream's previous frame,\n"
        "                    the QUIC connection, source, destination, protocol, info\n"
        "  --threads 1|2     2: the first pass over a file is split by connection\n"
        "                    over two sessions in two threads (the same list); the\n"
        "                    default on two processors or more; 1: one session\n"
        "  -h, --help        this help\n"
        "      --version     print the version\n"
        "\n"
        "With a key log, follow stream (f) shows the decrypted TLS data (HTTP/1.x\n"
        "requests and responses; HTTP/2 as frames) and t switches to the raw TCP\n"
        "view; the ladder (l) names the decrypted HTTP messages and handshake.\n"
        "\n"
        "Inside, press ? for the list of keys, q to quit.\n",
        out);
}

void app_message(app *a, int err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(a->msg, sizeof a->msg, fmt, ap);
  va_end(ap);
  a->msg_err = err;
}

void app_layout(app *a) {
  getmaxyx(stdscr, a->rows, a->cols);
  int body = a->rows - 5; /* filter bar, list header, two titles, status */
  if (body < 3)
    body = 3;
  a->list_h = body * 38 / 100;
  a->tree_h = body * 34 / 100;
  if (a->list_h < 1)
    a->list_h = 1;
  if (a->tree_h < 1)
    a->tree_h = 1;
  a->hex_h = body - a->list_h - a->tree_h;
  if (a->hex_h < 1)
    a->hex_h = 1;
  a->list_y = 2;
  a->tree_y = a->list_y + a->list_h + 1;
  a->hex_y = a->tree_y + a->tree_h + 1;
}

int app_selected_stream(app *a, int *kind, uint32_t *id) {
  size_t rows = index_rows(&a->ix);
  if (!rows || a->sel >= rows)
    return 0;
  size_t f = index_row_frame(&a->ix, a->sel);
  if (f >= a->ix.n || a->ix.pk[f].skind == SK_NONE)
    return 0;
  *kind = a->ix.pk[f].skind;
  *id = a->ix.pk[f].stream;
  return 1;
}

static void draw_status(app *a) {
  int y = a->rows - 1;
  pindex *ix = &a->ix;
  char left[512];
  int pm = index_progress(ix);
  const char *msg = a->msg[0] ? a->msg : ix->scan_err;
  /* a long path gives way to the message: the file's base name is shown */
  const char *title = ix->title;
  const char *slash = strrchr(title, '/');
  if (slash && slash[1] && msg[0] && (int)(strlen(title) + strlen(msg) + 40) > a->cols)
    title = slash + 1;
  int n = snprintf(left, sizeof left, " %s | %zu packets", title, ix->n);
  if (ix->ftext)
    n += snprintf(left + n, sizeof left - (size_t)n, " | displayed %zu", ix->ndisp);
  if (ix->live)
    n += snprintf(left + n, sizeof left - (size_t)n, " | live");
  if (pm < 1000 || (!ix->scan_done && !ix->live)) {
    char bar[11];
    int fill = pm / 100;
    for (int k = 0; k < 10; k++)
      bar[k] = k < fill ? '#' : '.';
    bar[10] = 0;
    n += snprintf(left + n, sizeof left - (size_t)n, " | %s [%s] %d%%",
                  ix->filtering ? "filtering" : "indexing", bar, pm / 10);
  }
  (void)n;
  attrset(draw_pair(PAIR_STATUS));
  draw_fill(y, 0, a->cols);
  int used = draw_text(y, 0, a->cols, left, (size_t)-1);
  if (msg[0] && used + 3 < a->cols) {
    attrset(a->msg_err || !a->msg[0] ? draw_pair(PAIR_ERRMSG) : draw_pair(PAIR_STATUS));
    mvaddstr(y, used, " | ");
    draw_text(y, used + 3, a->cols - used - 3, msg, (size_t)-1);
  } else if (!msg[0] && used + 12 < a->cols) {
    mvaddstr(y, a->cols - 10, " ? = help ");
  }
  attrset(A_NORMAL);
}

static void draw_filter_line(app *a) {
  if (a->prompt) {
    prompt_draw(a, 0);
    return;
  }
  attrset(A_NORMAL);
  draw_fill(0, 0, a->cols);
  mvaddstr(0, 0, "Filter: ");
  if (a->ix.ftext) {
    attrset(draw_pair(PAIR_FILTER_OK));
    draw_text(0, 8, a->cols - 8, a->ix.ftext, (size_t)-1);
    attrset(A_NORMAL);
  } else {
    attrset(A_DIM);
    draw_text(0, 8, a->cols - 8, "(none: press / to filter)", (size_t)-1);
    attrset(A_NORMAL);
  }
}

static void draw_all(app *a) {
  app_layout(a);
  erase();
  if (a->rows < 8 || a->cols < 30) {
    mvaddstr(0, 0, "Terminal too small");
    refresh();
    return;
  }
  switch (a->view) {
  case VIEW_LADDER: ladder_draw(a); break;
  case VIEW_FOLLOW: follow_draw(a); break;
  case VIEW_CONV: conv_draw(a); break;
  default:
    list_draw(a);
    tree_sync(a);
    tree_draw(a);
    hex_draw(a);
    draw_filter_line(a); /* last: the filter error covers the list header */
    break;
  }
  if (a->view != VIEW_MAIN && a->prompt)
    prompt_draw(a, a->rows - 2);
  draw_status(a);
  if (a->help)
    help_draw(a);
  refresh();
}

/* Pane under screen row y in the main view, and the row within its body. */
static int pane_at(app *a, int y, int *row) {
  if (y >= a->list_y && y < a->list_y + a->list_h) {
    *row = y - a->list_y;
    return PANE_LIST;
  }
  if (y >= a->tree_y && y < a->tree_y + a->tree_h) {
    *row = y - a->tree_y;
    return PANE_TREE;
  }
  if (y >= a->hex_y && y < a->hex_y + a->hex_h) {
    *row = y - a->hex_y;
    return PANE_HEX;
  }
  return -1;
}

static void on_mouse(app *a) {
  MEVENT ev;
  if (getmouse(&ev) != OK)
    return;
  if (a->help) {
    a->help = 0;
    return;
  }
  if (a->view != VIEW_MAIN)
    return;
  int row;
  int pane = pane_at(a, ev.y, &row);
  if (pane < 0)
    return;
  int wheel_up = (ev.bstate & BUTTON4_PRESSED) != 0;
#ifdef BUTTON5_PRESSED
  int wheel_down = (ev.bstate & BUTTON5_PRESSED) != 0;
#else
  int wheel_down = 0;
#endif
  a->focus = pane;
  if (wheel_up || wheel_down) {
    if (pane == PANE_LIST)
      list_move(a, wheel_up ? -3 : 3);
    else if (pane == PANE_TREE)
      tree_key(a, wheel_up ? KEY_UP : KEY_DOWN);
    else
      hex_key(a, wheel_up ? KEY_UP : KEY_DOWN);
    return;
  }
  if (!(ev.bstate &
        (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON1_DOUBLE_CLICKED)))
    return;
  if (pane == PANE_LIST) {
    list_goto_row(a, a->top + (size_t)row);
  } else if (pane == PANE_TREE) {
    tree_sync(a);
    size_t r = a->ttop + (size_t)row;
    if (r < a->nvis) {
      a->tsel = r;
      tree_key(a, ' ');
    }
  } else {
    tree_sync(a);
    hex_click(a, row, ev.x);
  }
}

static void main_key(app *a, int ch) {
  switch (ch) {
  case '\t': a->focus = (a->focus + 1) % PANE_COUNT; return;
  case KEY_BTAB: a->focus = (a->focus + PANE_COUNT - 1) % PANE_COUNT; return;
  case '/': prompt_open(a, 1); return;
  case 6: /* Ctrl-F */
  case ':': prompt_open(a, 2); return;
  case 'n': find_next(a, 1); return;
  case 'N': find_next(a, -1); return;
  case 'f': follow_open(a); return;
  case 'c': conv_open(a); return;
  case 'l': ladder_open(a); return;
  case 'q': a->quit = 1; return;
  case 27: a->msg[0] = 0; return;
  default: break;
  }
  if (a->focus == PANE_LIST) {
    switch (ch) {
    case KEY_DOWN:
    case 'j': list_move(a, 1); break;
    case KEY_UP:
    case 'k': list_move(a, -1); break;
    case KEY_NPAGE:
    case ' ': list_move(a, a->list_h > 1 ? a->list_h - 1 : 1); break;
    case KEY_PPAGE:
    case 'b': list_move(a, -(a->list_h > 1 ? a->list_h - 1 : 1)); break;
    case KEY_HOME:
    case 'g': list_goto_row(a, 0); break;
    case KEY_END:
    case 'G': {
      size_t rows = index_rows(&a->ix);
      list_goto_row(a, rows ? rows - 1 : 0);
      a->follow_tail = 1;
      break;
    }
    case '\n':
    case KEY_ENTER:
    case KEY_RIGHT: a->focus = PANE_TREE; break;
    default: break;
    }
  } else if (a->focus == PANE_TREE) {
    tree_sync(a); /* keys typed ahead may have changed the packet */
    tree_key(a, ch);
  } else {
    tree_sync(a);
    hex_key(a, ch);
  }
}

static void handle_key(app *a, int ch) {
  if (ch == KEY_RESIZE) {
    app_layout(a);
    return;
  }
  if (ch == 12) { /* Ctrl-L */
    clearok(curscr, TRUE);
    return;
  }
  if (ch == KEY_MOUSE) {
    on_mouse(a);
    return;
  }
  if (a->prompt) {
    prompt_key(a, ch);
    return;
  }
  if (a->help) {
    int page = a->rows > 6 ? a->rows - 6 : 1;
    switch (ch) {
    case 'j':
    case KEY_DOWN: a->help_top++; break;
    case 'k':
    case KEY_UP: a->help_top = a->help_top > 0 ? a->help_top - 1 : 0; break;
    case KEY_NPAGE:
    case ' ': a->help_top += page; break;
    case KEY_PPAGE: a->help_top = a->help_top > page ? a->help_top - page : 0; break;
    default: a->help = 0; break;
    }
    return;
  }
  if (ch == '?') {
    a->help = 1;
    a->help_top = 0;
    return;
  }
  if (a->msg[0] && ch != 27)
    a->msg[0] = 0;
  switch (a->view) {
  case VIEW_LADDER: ladder_key(a, ch); break;
  case VIEW_FOLLOW: follow_key(a, ch); break;
  case VIEW_CONV: conv_key(a, ch); break;
  default: main_key(a, ch); break;
  }
}

static int run(app *a) {
  int dirty = 1, more = 1;
  double last_draw = 0;
  while (!a->quit && !g_signal) {
    int live_pending =
        a->ix.live && a->ix.scan_next < __atomic_load_n(&a->ix.live_avail, __ATOMIC_ACQUIRE);
    timeout((more && !a->ix.scan_done) || live_pending ? 0 : (a->ix.live ? 100 : 250));
    int ch = getch();
    if (ch != ERR) {
      handle_key(a, ch);
      /* handle everything already typed before drawing */
      timeout(0);
      int next, guard = 0;
      while (!a->quit && guard++ < 256 && (next = getch()) != ERR)
        handle_key(a, next);
      dirty = 1;
      more = 1;
    }
    if (a->quit || g_signal)
      break;
    size_t before = a->ix.n, dbefore = a->ix.ndisp;
    int was_done = a->ix.scan_done;
    more = index_step(&a->ix, 20);
    if (a->ix.n != before || a->ix.ndisp != dbefore || a->ix.scan_done != was_done) {
      dirty = 1;
      if (a->follow_tail && index_rows(&a->ix))
        list_goto_row(a, index_rows(&a->ix) - 1);
    }
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double now = ts.tv_sec + ts.tv_nsec / 1e9;
    if (dirty && (ch != ERR || now - last_draw > 0.1 || !more)) {
      draw_all(a);
      last_draw = now;
      dirty = 0;
    }
  }
  return 0;
}

/* --print-colors: the scanner run to the end without a screen; for each
 * frame its number and the name of its colouring rule ("" for none). */
static int print_color_index(const char *file, const char *keylog, int all) {
  static pindex ix;
  char err[1024] = "";
  if (index_open(&ix, file, file, 0, keylog, err, sizeof err) != DX_OK) {
    fprintf(stderr, "dissect-tui: %s\n", err);
    return 1;
  }
  while (index_step(&ix, 1000))
    ;
  int rc = 0;
  if (ix.scan_err[0]) {
    fprintf(stderr, "dissect-tui: %s\n", ix.scan_err);
    rc = 1;
  }
  for (size_t i = 0; i < ix.n; i++) {
    int c = ix.pk[i].cclass & CC_MASK;
    const char *rn = c ? g_tui_opts.rules[c - 1].name : "";
    char name[4 * sizeof g_tui_opts.rules[0].name + 1];
    draw_escape(rn, strlen(rn), name, sizeof name);
    if (!all) {
      printf("%zu\t%s\n", i + 1, name);
      continue;
    }
    const pkt_entry *e = &ix.pk[i];
    char buf[4 * 4001 + 8], esc[4][4 * 4001];
    const char *f[4];
    index_summary(&ix, i, buf, sizeof buf, &f[0], &f[1], &f[2], &f[3]);
    for (int k = 0; k < 4; k++)
      draw_escape(f[k], strlen(f[k]), esc[k], sizeof esc[k]);
    const stream_info *si = e->skind ? index_stream(&ix, e->skind, e->stream) : NULL;
    printf("%zu\t%s\t%s:%u\t%ld\t%s%u\t%s\t%s\t%s\t%s\t%s%s\n", i + 1, name,
           e->skind == SK_TCP   ? "tcp"
           : e->skind == SK_UDP ? "udp"
                                : "-",
           e->skind ? e->stream : 0, e->prev == NO_PREV ? -1L : (long)e->prev + 1,
           si && si->has_conn ? "quic:" : "-", si && si->has_conn ? si->conn : 0, esc[0], esc[1],
           esc[2], esc[3], e->cclass & CF_DNS ? "dns" : "-", si && si->first == i ? "\tfirst" : "");
  }
  index_close(&ix);
  return rc;
}

static void free_app(app *a) {
  ladder_close(a);
  follow_close(a);
  conv_close(a);
  tree_free(a);
  if (a->live)
    live_stop(a->live);
  a->live = NULL;
  index_close(&a->ix);
  if (a->uis)
    dx_session_free(a->uis);
  a->uis = NULL;
  for (size_t k = 0; k < a->nopen_names; k++)
    free(a->open_names[k]);
}

int main(int argc, char **argv) {
  const char *iface = NULL, *bpf = NULL, *dfilter = NULL, *keylog = NULL, *rfile = NULL;
  const char *run_as = NULL;
  static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                           {"version", no_argument, NULL, 'V'},
                                           {"keylog", required_argument, NULL, 'K'},
                                           {"rsa-key", required_argument, NULL, 'R'},
                                           {"colorfilters", required_argument, NULL, 'C'},
                                           {"print-colors", no_argument, NULL, 'P'},
                                           {"print-index", no_argument, NULL, 'X'},
                                           {"threads", required_argument, NULL, 'T'},
                                           {NULL, 0, NULL, 0}};
  const char *cfpath = NULL;
  int print_colors = 0;
  int opt;
  opterr = 0;
  while ((opt = getopt_long(argc, argv, ":hi:f:Y:o:d:r:Z:", longopts, NULL)) != -1) {
    switch (opt) {
    case 'h': usage(stdout); return 0;
    case 'V': printf("dissect-tui %s (libdissect %s)\n", DX_VERSION_STRING, dx_version()); return 0;
    case 'i': iface = optarg; break;
    case 'Z': run_as = optarg; break;
    case 'r': rfile = optarg; break;
    case 'f': bpf = optarg; break;
    case 'Y': dfilter = optarg; break;
    case 'K': keylog = optarg; break;
    case 'R': g_tui_opts.rsa_key = optarg; break;
    case 'C': cfpath = optarg; break;
    case 'P': print_colors = 1; break;
    case 'X': print_colors = 2; break;
    case 'T':
      if ((optarg[0] != '1' && optarg[0] != '2') || optarg[1]) {
        fprintf(stderr, "dissect-tui: invalid --threads \"%s\" (use 1 or 2)\n", optarg);
        return 2;
      }
      g_tui_opts.threads = optarg[0] - '0';
      break;
    case 'd':
      if (g_tui_opts.ndecode_as >= 64) {
        fprintf(stderr, "dissect-tui: -d: too many decode-as rules (at most 64)\n");
        return 2;
      }
      g_tui_opts.decode_as[g_tui_opts.ndecode_as++] = optarg;
      break;
    case 'o':
      if (strncmp(optarg, "tls.keylog_file:", 16) == 0) {
        keylog = optarg + 16;
      } else if (strncmp(optarg, "tcp.reassemble_out_of_order:", 28) == 0 &&
                 (strcasecmp(optarg + 28, "TRUE") == 0 || strcasecmp(optarg + 28, "FALSE") == 0)) {
        g_tui_opts.tcp_reorder = strcasecmp(optarg + 28, "TRUE") == 0;
      } else {
        fprintf(stderr,
                "dissect-tui: -o: unknown preference \"%s\" (known: tls.keylog_file:FILE, "
                "tcp.reassemble_out_of_order:TRUE|FALSE)\n",
                optarg);
        return 2;
      }
      break;
    case ':':
      fprintf(stderr, "dissect-tui: option -%c needs an argument\n", optopt);
      usage(stderr);
      return 2;
    default:
      if (optopt)
        fprintf(stderr, "dissect-tui: unknown option -%c\n", optopt);
      else
        fprintf(stderr, "dissect-tui: unknown option %s\n", argv[optind - 1]);
      usage(stderr);
      return 2;
    }
  }
  const char *file = optind < argc ? argv[optind] : NULL;
  if (rfile && file) {
    fprintf(stderr, "dissect-tui: give the capture file once (-r FILE or FILE)\n");
    return 2;
  }
  if (rfile)
    file = rfile;
  else if (optind + 1 < argc) {
    fprintf(stderr, "dissect-tui: too many arguments (one capture file)\n");
    return 2;
  }
  if (!file && !iface) {
    fprintf(stderr, "dissect-tui: no capture file given\n");
    usage(stderr);
    return 2;
  }
  if (file && iface) {
    fprintf(stderr, "dissect-tui: give either a FILE or -i IFACE, not both\n");
    return 2;
  }
  if (bpf && !iface) {
    fprintf(stderr, "dissect-tui: -f needs -i (a capture filter applies to live captures)\n");
    return 2;
  }
  if (file && strcmp(file, "-") == 0) {
    fprintf(stderr, "dissect-tui: cannot browse standard input (it cannot be re-read); "
                    "save it to a file first\n");
    return 2;
  }

  if (!keylog) {
    const char *env = getenv("SSLKEYLOGFILE");
    if (env && *env)
      keylog = env;
  }
  {
    /* the key log, RSA key and decode-as rules, checked before the screen */
    static pindex probe;
    memset(&probe, 0, sizeof probe);
    probe.live = 1;
    if (keylog)
      snprintf(probe.keylog, sizeof probe.keylog, "%s", keylog);
    char perr[1024] = "";
    if (index_check_session(&probe, perr, sizeof perr) != DX_OK) {
      fprintf(stderr, "dissect-tui: %s\n", perr[0] ? perr : "cannot start a session");
      return 1;
    }
  }

  char cfwarn[600] = "";
  {
    char cferr[600] = "";
    if (colors_load(cfpath, cfwarn, sizeof cfwarn, cferr, sizeof cferr) != DX_OK) {
      fprintf(stderr, "dissect-tui: %s\n", cferr);
      return 1;
    }
  }
  if (print_colors) {
    if (!file || iface) {
      fprintf(stderr, "dissect-tui: --print-%s needs a capture file\n",
              print_colors == 2 ? "index" : "colors");
      colors_free();
      return 2;
    }
    if (cfwarn[0])
      fprintf(stderr, "dissect-tui: %s\n", cfwarn);
    int rc = print_color_index(file, keylog, print_colors == 2);
    colors_free();
    return rc;
  }

  setlocale(LC_ALL, "");
  static app A;
  app *a = &A;
  char err[1024] = "";
  char livepath[512] = "";
  if (iface) {
    if (live_start(&a->live, iface, bpf, run_as, &a->ix, livepath, sizeof livepath, err,
                   sizeof err) != DX_OK) {
      fprintf(stderr, "dissect-tui: %s\n", err);
      return 1;
    }
    if (index_open(&a->ix, livepath, iface, 1, keylog, err, sizeof err) != DX_OK) {
      live_stop(a->live);
      fprintf(stderr, "dissect-tui: %s\n", err);
      return 1;
    }
    a->follow_tail = 1;
  } else if (index_open(&a->ix, file, file, 0, keylog, err, sizeof err) != DX_OK) {
    fprintf(stderr, "dissect-tui: %s\n", err);
    return 1;
  }
  if (dfilter && index_set_filter(&a->ix, dfilter, err, sizeof err) != DX_OK) {
    fprintf(stderr, "dissect-tui: display filter:\n%s\n", err);
    free_app(a);
    return 1;
  }
  if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)) {
    fprintf(stderr, "dissect-tui: needs a terminal (for text output use `dissect`)\n");
    free_app(a);
    return 2;
  }
  /* the first screen: index a first slice before drawing */
  index_step(&a->ix, 50);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  atexit(restore_terminal);
  if (!initscr()) {
    fprintf(stderr, "dissect-tui: cannot initialise the terminal\n");
    free_app(a);
    return 1;
  }
  g_curses_on = 1;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  cbreak();
  noecho();
  keypad(stdscr, TRUE);
  set_escdelay(25);
  curs_set(0);
  draw_init_colors();
  mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
                | BUTTON5_PRESSED
#endif
            ,
            NULL);
  mouseinterval(0);
  app_layout(a);
  a->sel = 0;
  if (cfwarn[0])
    app_message(a, 1, "%s", cfwarn);
  run(a);
  restore_terminal();
  int sig = g_signal;
  char last_err[600];
  snprintf(last_err, sizeof last_err, "%s",
           a->live && live_error(a->live)[0] ? live_error(a->live) : "");
  free_app(a);
  colors_free();
  if (livepath[0])
    unlink(livepath);
  if (last_err[0])
    fprintf(stderr, "dissect-tui: %s\n", last_err);
  if (sig) {
    signal(sig, SIG_DFL);
    return 128 + sig;
  }
  return 0;
}
