/*
 * dissect-tui: shared declarations of the ncurses browser.
 *
 * The TUI only uses the public API (dissect.h, output.h, filter.h). Modules:
 *   index.c     packet index, background indexing, display filter, random
 *               access to frames, re-dissection of a frame with its stream
 *   live.c      live capture thread writing a temporary pcap file
 *   draw.c      escaping and drawing text, colours
 *   list.c      packet list pane        tree.c   layer tree pane
 *   hex.c       hex + ASCII pane        prompt.c filter bar and find prompt
 *   ladder.c    connection ladder       follow.c follow stream
 *   conv.c      conversations           help.c   key help overlay
 *   main.c      arguments, main loop, key dispatch, terminal restore
 */
#ifndef DISSECT_TUI_UI_H
#define DISSECT_TUI_UI_H

#include <dissect/colorfilter.h>
#include <dissect/dissect.h>
#include <dissect/filter.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define NO_PREV UINT32_MAX
#define REPLAY_CAP 50000 /* frames re-dissected to rebuild a stream's state */

/* ---- colour classes: the colouring rule a frame matched ---------------- */
/* pkt_entry.cclass: 0 no rule, else 1 + the index of the first matching
 * rule of the colouring rules (dx_colorfilters; Wireshark's defaults or the
 * user's colorfilters file); rules past CC_MAX_RULES colour nothing. */
#define CC_MAX_RULES 127
#define CC_MASK 0x7f
#define CF_DNS 0x80 /* the frame holds a DNS message */

enum { SK_NONE = 0, SK_TCP = 1, SK_UDP = 2 };

/* One frame in the index: 40 bytes. Summary strings live in a spill file
 * (where: pindex.spill_at, spill_len). */
typedef struct pkt_entry {
  int64_t foff;   /* file position of the record */
  int64_t ts_sec; /* capture time */
  uint32_t ts_nsec;
  uint32_t wirelen;
  uint32_t stream; /* tcp.stream / udp.stream */
  uint32_t prev;   /* index of the previous frame of the same stream */
  uint16_t spill_len;
  uint8_t cclass; /* rule + 1 (CC_MASK) | CF_DNS */
  uint8_t skind;  /* SK_* */
} pkt_entry;

/* One TCP or UDP stream (conversation): 40 bytes, as a flood of
 * connections makes one a connection. The ends' addresses (index_addr()
 * reads them) are an IPv4 address's four bytes, else the text's place in
 * the index's address pool, which keeps each text once: a flood's streams
 * share the server's, and most captures' streams their hosts'. */
typedef struct stream_info {
  uint32_t first, last; /* frame indices */
  uint32_t packets;
  uint32_t conn; /* UDP: the QUIC connection it carries (quic.connection.number) */
  uint64_t bytes;
  uint32_t addr_a, addr_b; /* the ends' addresses (index_addr()) */
  uint16_t port_a, port_b;
  uint8_t has_conn; /* conn is set */
  uint8_t v4;       /* 1: addr_a is an IPv4 address, 2: addr_b (else pool places) */
} stream_info;

typedef struct pindex {
  char *path;  /* file read (the temporary file for live captures) */
  char *title; /* what the status line calls it */
  int live;
  char keylog[1024];
  char *dsb; /* key logs of the secrets blocks the scanner met after the first frame */
  size_t dsb_len, dsb_upto; /* dsb_upto: frames the scanner passed (rescans add nothing) */
  int64_t filesize;

  pkt_entry *pk;
  size_t n, cap;
  double rel_min, rel_max; /* time since the first frame: range (column width) */
  stream_info *st[3];
  size_t nst[3], capst[3];
  /* the address pool: the texts of the streams' end addresses that are not
   * IPv4 (IPv6, mostly), each once, NUL-terminated (offset 0: ""), found
   * again through a hash table of offsets + 1 */
  char *addr;
  size_t addr_len, addr_cap;
  uint32_t *addr_ht;
  size_t addr_hcap, addr_count;
  FILE *spill;
  char *spill_buf; /* spill's stdio buffer */
  uint64_t spill_end;
  /* where the summaries of frames 0, SPILL_STEP, 2 SPILL_STEP... start in
   * the spill file (the others follow by their spill_len) */
  uint64_t *spill_at;
  size_t capspill;
  size_t spill_memo_i; /* the last frame whose summary was read, and where */
  uint64_t spill_memo_at;

  /* scanner: dissects the file in order, a slice at a time */
  dx_session *ss;
  dx_capture *sc;
  size_t scan_next;
  int64_t scan_off;
  int scan_done;
  char scan_err[512];

  /* the colouring rules, compiled for the scanner's session */
  dx_colorfilters *cf;

  /* display filter */
  char *ftext; /* NULL: no filter */
  dx_filter *filter;
  uint32_t *disp; /* matching frames when a filter is set */
  size_t ndisp, capdisp;
  int filtering; /* the scanner has not yet reached the end with this filter */
  /* ${field} in the filter: the packet selected when it was applied (the
   * frame index_set_filter() is given through ref_frame; -1: none), its
   * fields what the references read, as in Wireshark */
  long ref_frame;
  struct replay *fref;

  /* a split scan (index.c): two sessions index the file at once */
  struct tsplit *tsp;
  int split_tried; /* the first step tried to split */

  /* random access */
  dx_capture *rc;

  /* live capture: frames written to the file so far (set by the capture
   * thread of live.c, read with __atomic_load_n) */
  size_t live_avail;
} pindex;

int index_open(pindex *ix, const char *path, const char *title, int live, const char *keylog,
               char *err, size_t errlen);
void index_close(pindex *ix);
/* Runs the scanner for about budget_ms. Returns 1 if more work remains. */
int index_step(pindex *ix, int budget_ms);
/* Rows of the packet list. */
size_t index_rows(const pindex *ix);
size_t index_row_frame(const pindex *ix, size_t row);
/* Row showing frame i, or the first row after it (ix rows if none). */
size_t index_frame_row(const pindex *ix, size_t frame);
/* Sets (text non-empty) or clears the display filter; restarts the scan. */
/* Applies a display filter (NULL or blank: none). Field references
 * ${field} read the frame ix->ref_frame, dissected in full when the filter
 * is applied (set it before; -1 or no frame: references have no value). */
int index_set_filter(pindex *ix, const char *text, char *err, size_t errlen);
/* Progress of the scan in per mille (1000 when done). */
int index_progress(const pindex *ix);
/* Summary strings of frame i: src, dst, proto, info (escape before use). */
int index_summary(pindex *ix, size_t i, char *buf, size_t len, const char **src, const char **dst,
                  const char **proto, const char **info);
double index_reltime(const pindex *ix, size_t i);
/* Reads frame i again. The frame is valid until the next read. */
int index_read(pindex *ix, size_t i, dx_frame *f);
stream_info *index_stream(pindex *ix, int kind, uint32_t id);
/* The text of an end's address of stream s (end 0 addr_a, 1 addr_b), in
 * buf or in the index's pool (valid until the index adds a frame). */
#define INDEX_ADDR_BUF 16
const char *index_addr(const pindex *ix, const stream_info *s, int end, char buf[INDEX_ADDR_BUF]);

/* A re-dissection context: a fresh session that replayed a stream. */
typedef struct replay {
  dx_session *s;
  dx_packet *p;
  size_t frame;
  int partial; /* the replay cap was hit: state may be incomplete */
} replay;
/* Dissects frame i after replaying the frames of its stream before it.
 * r holds the previous result (or zeros): moving forward within the same
 * stream only feeds the frames in between. */
int index_dissect(pindex *ix, size_t i, replay *r);
void replay_free(replay *r);
/* Calls fn for every frame of a stream, dissected in order in one session
 * (at most REPLAY_CAP frames). fn returns non-zero to stop. */
typedef int (*stream_fn)(void *ctx, size_t frame, const dx_packet *p);
int index_walk_stream(pindex *ix, int kind, uint32_t id, stream_fn fn, void *ctx);
/* The frames of a stream in order (at most REPLAY_CAP, the last ones), to
 * free(); NULL and *n = 0 if none. */
uint32_t *index_stream_frames(pindex *ix, int kind, uint32_t id, size_t *n);
/* Calls fn for frames fr[0..n) (in capture order) dissected in order in one
 * session whose first new stream of `kind` is numbered id. */
int index_walk_frames(pindex *ix, const uint32_t *fr, size_t n, int kind, uint32_t id, stream_fn fn,
                      void *ctx);

int index_new_session(pindex *ix, dx_session **out);
/* Makes and drops a session, to report a key log, RSA key or decode-as
 * rule that cannot be used (err names it). */
int index_check_session(pindex *ix, char *err, size_t errlen);

/* Command-line options every session of the TUI gets. */
/* One colouring rule as the list draws it. */
typedef struct tui_color_rule {
  char name[64];
  dx_color fg, bg;
} tui_color_rule;

typedef struct tui_decode_opts {
  const char *rsa_key;
  int tcp_reorder; /* -o tcp.reassemble_out_of_order:TRUE */
  const char *decode_as[64];
  int ndecode_as;
  /* the colouring rules: colorfilters text (Wireshark's format) compiled
   * for each scanner session, and each rule's name and colours */
  char *cf_text;
  size_t cf_len;
  tui_color_rule rules[CC_MAX_RULES];
  int nrules;
  int threads; /* --threads: 1 one session indexes, 2 two; 0 two on two processors */
} tui_decode_opts;

/* Loads the colouring rules into g_tui_opts: the file `path` if not NULL,
 * else the user's colorfilters file ($XDG_CONFIG_HOME/dissect/colorfilters,
 * else ~/.config/dissect/colorfilters) if it exists, else Wireshark's
 * defaults. Returns DX_OK (warn: a rule that is disabled because its filter
 * does not compile, or ""), or an error with err. */
int colors_load(const char *path, char *warn, size_t warnlen, char *err, size_t errlen);
void colors_free(void);
extern tui_decode_opts g_tui_opts;

/* ---- live capture (live.c) --------------------------------------------- */
typedef struct live_cap live_cap;
/* run_as: the user to run as once the interface is open when started as
 * root (NULL: nobody; "root" keeps root), as tcpdump -Z */
int live_start(live_cap **out, const char *iface, const char *bpf, const char *run_as, pindex *ix,
               char *path, size_t pathlen, char *err, size_t errlen);
void live_stop(live_cap *lc);
const char *live_error(live_cap *lc);

/* ---- drawing (draw.c) -------------------------------------------------- */
enum {
  PAIR_SEV_ERROR = 16,
  PAIR_SEV_WARN,
  PAIR_SEV_NOTE,
  PAIR_SEV_CHAT,
  PAIR_TITLE,
  PAIR_STATUS,
  PAIR_ERRMSG,
  PAIR_CLIENT,
  PAIR_SERVER,
  PAIR_RTT,
  PAIR_FILTER_OK,
  PAIR_FILTER_BAD,
  PAIR_RULES = 32 /* the colouring rules' pairs follow (one per distinct colour pair) */
};
void draw_init_colors(void);
int draw_has_colors(void);
/* Attributes for a colour class (pkt_entry.cclass) / severity / named pair. */
int draw_class_attr(int cclass);
int draw_sev_attr(int sev);
int draw_pair(int pair);
/* Draws s (len bytes, or up to NUL if len == (size_t)-1) at y,x within
 * maxw columns, escaping control bytes and invalid UTF-8. Returns the
 * columns used. */
int draw_text(int y, int x, int maxw, const char *s, size_t len);
/* Escapes bytes into printable text (always NUL-terminated). */
size_t draw_escape(const char *s, size_t len, char *out, size_t outlen);
/* Fills a line with blanks from x to the right edge. */
void draw_fill(int y, int x, int w);
void draw_hline_title(int y, const char *title, int focused);

/* ---- application state ------------------------------------------------- */
enum { PANE_LIST, PANE_TREE, PANE_HEX, PANE_COUNT };
enum { VIEW_MAIN, VIEW_LADDER, VIEW_FOLLOW, VIEW_CONV };

typedef struct tree_row {
  const dx_node *n;
  int depth;
  int has_kids;
  size_t pre; /* preorder index */
} tree_row;

typedef struct app {
  pindex ix;
  int quit;
  int view;
  int help;
  int help_top;
  int focus;
  int rows, cols;
  /* layout: first row and height of each pane's body */
  int list_y, list_h, tree_y, tree_h, hex_y, hex_h;

  /* list */
  size_t sel, top;
  int follow_tail; /* live: keep the last row selected */

  /* tree of the selected frame */
  replay rp;
  int have_pkt;
  size_t pkt_frame;
  tree_row *all; /* every shown node in preorder */
  size_t nall;
  unsigned char *open; /* expanded flag per preorder node */
  tree_row *vis;       /* visible rows */
  size_t nvis;
  size_t tsel, ttop;
  char *open_names[256]; /* names of expanded nodes, carried to the next packet */
  size_t nopen_names;

  /* hex */
  size_t hsrc;
  size_t hcur; /* cursor byte */
  size_t htop; /* first line */

  /* prompts */
  int prompt; /* 0 none, 1 filter, 2 find, 3 find in follow stream */
  char pbuf[1024];
  size_t plen, pcur;
  char perr[1024];
  int pok;
  char find[256];
  dx_session *uis; /* for compiling the filter as it is typed */

  char msg[512]; /* one-line message in the status bar */
  int msg_err;

  struct ladder_view *ladder;
  struct follow_view *follow;
  struct conv_view *conv;
  live_cap *live;
} app;

/* list.c */
void list_draw(app *a);
void list_move(app *a, long delta);
void list_goto_row(app *a, size_t row);
void list_goto_frame(app *a, size_t frame);
/* tree.c */
void tree_sync(app *a); /* (re)dissects the selected frame if needed */
void tree_draw(app *a);
void tree_key(app *a, int ch);
void tree_free(app *a);
void tree_select_node(app *a, const dx_node *n);
const dx_node *tree_selected(app *a);
/* The label of a node as the tree shows it (expert notes as Wireshark's
 * "[Expert Info (Note): ...]"). */
void tree_label(const dx_node *n, char *buf, size_t len);
/* hex.c */
void hex_draw(app *a);
void hex_key(app *a, int ch);
void hex_click(app *a, int row, int x);
void hex_follow_tree(app *a); /* the tree selection changed: show its bytes */
/* prompt.c */
void prompt_open(app *a, int kind);
void prompt_key(app *a, int ch);
void prompt_draw(app *a, int y);
void find_next(app *a, int dir);
/* help.c */
void help_draw(app *a);
int help_lines_count(void);
/* ladder.c, follow.c, conv.c */
void ladder_open(app *a);
void ladder_draw(app *a);
void ladder_key(app *a, int ch);
void ladder_close(app *a);
/* story.c: the story of the selected packet's connection (a TCP stream, or
 * the QUIC connection a UDP stream carries, with every UDP stream of it
 * after a migration), built by libdissect's story layer from the
 * connection's frames and the DNS lookups before it. */
typedef struct tui_story {
  dx_session *s;
  struct dx_story *st;
  const struct dx_story_conn *c; /* the connection's story (in st) */
  int transport;                 /* DX_STORY_TRANSPORT_TCP / _QUIC */
  uint32_t number;               /* tcp.stream / quic.connection.number */
} tui_story;
/* Builds it for stream (kind, id); max_events 0: the story layer's default
 * (as dissect --story). 0, or -1 with err set. */
int tui_story_build(app *a, int kind, uint32_t id, uint32_t max_events, tui_story *out, char *err,
                    size_t errlen);
void tui_story_free(tui_story *t);
/* The frames of the connection of stream (kind, id), in capture order: the
 * TCP or UDP stream's, or for a UDP stream carrying a QUIC connection those
 * of every UDP stream of it (a migration); *first_stream is the stream of
 * the first frame. To free(); NULL if none. */
uint32_t *tui_conn_frames(pindex *ix, int kind, uint32_t id, size_t *n, uint32_t *first_stream);
/* Writes the story of the connection of stream (kind, id) (dx_story_format
 * fmt) to dissect-story-N.EXT (TCP) or dissect-story-quic-N.EXT (QUIC) in
 * the current directory, exactly as dissect --story FMT with a filter on
 * the connection writes it; 0, or -1 with err set. */
int tui_story_write(app *a, int kind, uint32_t id, int fmt, char *path, size_t pathlen, char *err,
                    size_t errlen);
void follow_open(app *a);
void follow_draw(app *a);
void follow_key(app *a, int ch);
void follow_close(app *a);
void follow_search(app *a, const char *s, int dir); /* s NULL: repeat */
void conv_open(app *a);
void conv_draw(app *a);
void conv_key(app *a, int ch);
void conv_close(app *a);
/* main.c */
void app_message(app *a, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void app_layout(app *a);
/* The stream (kind, id) of the selected frame; 0 if none. */
int app_selected_stream(app *a, int *kind, uint32_t *id);

#endif /* DISSECT_TUI_UI_H */
