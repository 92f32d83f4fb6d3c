/* dissect --story: the connection stories of a capture (cli/story.c). */
#ifndef DISSECT_CLI_STORY_H
#define DISSECT_CLI_STORY_H

#include <dissect/dissect.h>
#include <signal.h>
#include <stdio.h>

struct dx_filter;

/* Reads every frame of cap (at most count if count >= 0) into a story,
 * marks the connections with a packet matching flt (if flt is not NULL),
 * and writes the story of those (of all, without a filter) to out in
 * format fmt (a dx_story_format). Stops early when *stop becomes non-zero.
 * Returns the exit status: 0, or 2 after a read or write error (already
 * reported on stderr). */
int cli_story_run(FILE *out, dx_session *sess, dx_capture *cap, const struct dx_filter *flt,
                  int fmt, long long count, volatile sig_atomic_t *stop);

#endif
