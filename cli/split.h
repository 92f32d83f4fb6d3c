/* One capture file dissected by several sessions at once (split.c). */
#ifndef DISSECT_CLI_SPLIT_H
#define DISSECT_CLI_SPLIT_H

#include <dissect/dissect.h>
#include <signal.h>
#include <stdio.h>

#define CLI_SPLIT_MAX 2

/* One worker: its own capture of the file, session and splitter (all
 * splitters alike: dx_split_new), and how it shows a packet. */
typedef struct cli_split_part {
  dx_capture *cap;
  dx_session *sess;
  dx_split *split;
  long long count; /* -c: frames to read, or -1 */
  void *ctx;
  /* 1 if p is displayed (the display filter); called in the worker */
  int (*match)(void *ctx, dx_packet *p);
  /* prints p to out; called in the worker */
  void (*print)(void *ctx, FILE *out, const dx_packet *p);
  /* the parts' shared TLS session cache, or NULL (set on every part alike;
   * cli_split_run gives each session its part and says when it ends) */
  dx_split_share *share;
} cli_split_part;

typedef struct cli_split_result {
  long long nread, nshown;
  int fail;             /* 1 a capture error, 2 a dissection error, 0 none */
  int fail_rc;          /* the dissection error */
  unsigned fail_part;   /* whose capture or session failed */
  long long fail_frame; /* the frame it failed on */
} cli_split_result;

/* What cap says of the frame it just gave besides its bytes (pcapng
 * comments, interface, packet flags; the time precision), told to s for
 * its next dissect; the comments also in *comments, *n when comments is
 * not NULL (dissect -w writes them). */
void cli_frame_meta(dx_capture *cap, dx_session *s, const char **comments, size_t *n);

/* Runs parts[0..n-1] (n at most CLI_SPLIT_MAX), each in a thread with part
 * index i, and writes their packets to out in frame order. Stops when every
 * worker has read its capture, at the first frame one failed on (*res says
 * which and why; the packets before it are written), when out fails, or
 * when *stop is set. 0, or -1 if the threads could not be started (nothing
 * was read). */
int cli_split_run(cli_split_part *parts, unsigned n, FILE *out, volatile sig_atomic_t *stop,
                  cli_split_result *res);

#endif
