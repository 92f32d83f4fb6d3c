/* The parts of `dissect` beyond main.c: time formats (-t, -u), writing the
 * displayed frames (-w, -F), statistics (-z) and capture stop conditions
 * (-a). Each uses only the public API of libdissect. */
#ifndef DISSECT_CLI_CLI_H
#define DISSECT_CLI_CLI_H

#include <dissect/dissect.h>
#include <stdio.h>

/* -t a|ad|adoy|d|dd|e|r|u|ud|udoy: 0, or -1 after printing tshark's list of
 * formats to stderr. */
int cli_parse_time_format(const char *arg, dx_time_format *out, int *digits);
/* -u s|hms: 0 with *hms set, or -1 after a message. */
int cli_parse_seconds_format(const char *arg, int *hms);

/* ---- -w FILE [-F pcap|pcapng] ---- */
typedef struct cli_writer cli_writer;
/* Opens FILE ("-" = standard output) for frames of link type linktype;
 * format "pcap" (default when NULL) or "pcapng". On failure returns NULL
 * after printing a message naming the file. */
cli_writer *cli_writer_open(const char *path, const char *format, int linktype);
/* Appends one frame, with its packet comments (clen bytes of texts each
 * followed by a NUL, as dx_capture_comments() gives them; pcapng only);
 * 0 or -1 (message printed). */
int cli_writer_write(cli_writer *w, const dx_frame *f, const char *comments, size_t clen);
/* Flushes and closes; 0 or -1 if a write failed (message printed). */
int cli_writer_close(cli_writer *w);
/* 1 if name is a file format -F knows ("pcap", "pcapng"). */
int cli_writer_format_ok(const char *name);

/* ---- -z statistics ---- */
typedef struct cli_stats cli_stats;
/* Parses the -z arguments given (in order); NULL after printing a message
 * (an unknown or not yet built statistic names what exists). */
cli_stats *cli_stats_new(dx_session *s, const char *const *args, size_t n);
/* Every packet read is fed here, displayed or not: tshark's statistics
 * count every packet, whatever -Y shows. Needs whole packets (no
 * dx_session_set_interest). */
void cli_stats_packet(cli_stats *st, const dx_packet *p);
/* Prints every statistic, in the order given, to out. */
/* 0, or -1 if a statistic could not be printed (a message said why). */
int cli_stats_print(cli_stats *st, FILE *out);
void cli_stats_free(cli_stats *st);
/* -t for the statistics (io,stat rows by clock time); 0, or -1 after a
 * message for a format tshark refuses there (d, dd, e). */
int cli_stats_set_time_format(cli_stats *st, dx_time_format fmt);
/* -z hosts: the capture's name as given to -r, and -n (then no names are
 * learned from DNS, as in tshark) */
void cli_stats_set_source(cli_stats *st, const char *name, int no_names);
/* io,phs counts the frame's layer (at its root) when a frame field is
 * referenced: by a -z filter (cli_stats_new looks), a -Y filter or an -e
 * field (given here), or when -V builds the whole tree (frame_tree), as
 * tshark, whose frame item is otherwise faked. Likewise http2.stream: when
 * it is referenced (or the tree built) HTTP/2 bodies' layers stay inside
 * HTTP/2's tree and io,phs does not count them. */
void cli_stats_frame_fields(cli_stats *st, const dx_field *const *fields, size_t n);
void cli_stats_frame_tree(cli_stats *st);
/* -T json|ek with -e: one packet's fields as tshark writes them (first:
 * the first packet of a -T json array, which opens with "[" alone). */
void cli_json_fields_write(FILE *out, const dx_packet *p, const char *const *names,
                           const dx_field *const *fields, size_t n, int ek, int first);
/* Writes what cli_json_fields_write() buffered to out (before anything
 * else is written to out, and at the end). */
void cli_json_fields_flush(FILE *out);
/* -j NAMES with -V (jfilter.c): the children of a node only when its name
 * is one of names[0..n-1] (the layers not named are one line each); roles:
 * a layer shown whole first names its role (--roles, DX_TREE_ROLES). */
int cli_write_tree_j(FILE *out, const dx_packet *p, const char *const *names, size_t n, int roles);
/* ---- the hand-over between the reading and the printing thread ----
 * (pipeline.c) A queue of packets in capture order, bounded by
 * max_packets and max_bytes (the sizes given to cli_pipe_put); a taker is
 * woken when batch packets wait (or after a few milliseconds). */
typedef struct cli_pipe cli_pipe;
cli_pipe *cli_pipe_new(size_t max_packets, size_t max_bytes, size_t batch);
/* Frees the queue and any packet left in it. */
void cli_pipe_free(cli_pipe *q);
/* Appends p (reading side), waiting while the queue is full. 0, or -1 if
 * the taker stopped (p was not taken: the caller frees it). */
int cli_pipe_put(cli_pipe *q, dx_packet *p, size_t bytes);
/* No more packets (reading side). */
void cli_pipe_close(cli_pipe *q);
/* Takes up to max packets in order (printing side), waiting for some;
 * 0 once the queue is closed and empty. */
size_t cli_pipe_take(cli_pipe *q, dx_packet **out, size_t max);
/* The taker gives up (printing side): the putter's next cli_pipe_put
 * fails; the taker still takes what was put, to free it. */
void cli_pipe_stop(cli_pipe *q);

/* -v: version and libraries. */
void cli_print_version(FILE *out);

#endif
