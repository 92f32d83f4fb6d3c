/* Shared by the -z statistics (stats.c, iostat.c, follow.c). */
#ifndef DISSECT_CLI_STATS_INT_H
#define DISSECT_CLI_STATS_INT_H

#include <dissect/dissect.h>
#include <stdint.h>
#include <stdio.h>

typedef struct st_addr {
  uint8_t b[16];
  uint8_t len;
} st_addr;

/* An address as tshark -n prints it: dotted IPv4, colon MAC, IPv6 in
 * inet_ntop's compressed form. */
void st_addr_str(const st_addr *a, char *buf, size_t len);

/* The last occurrence of f outside a packet quoted by an ICMP error. */
const dx_node *st_last(const dx_packet *p, const dx_field *f);

/* io,stat,INTERVAL[,FILTER...] */
typedef struct st_iostat st_iostat;
int st_iostat_new(dx_session *s, const char *args, st_iostat **out);
void st_iostat_packet(st_iostat *io, const dx_packet *p, int64_t rel_ns);
int st_iostat_print(st_iostat *io, FILE *out); /* -1: not printed (message given) */
/* The fields its column filters name (up to n in out; returns how many were
 * stored), and the fields some -z filter names: the only ones its
 * calculations see, as in tshark. */
size_t st_iostat_filter_fields(const st_iostat *io, const dx_field **out, size_t n);
void st_iostat_prime(st_iostat *io, const dx_field *const *fields, size_t n);
/* -t: rows by clock time for a|ad|adoy|u|ud|udoy; -1 (message given) for
 * d|dd|e, which tshark refuses. */
int st_iostat_set_time_format(st_iostat *io, dx_time_format fmt);
void st_iostat_free(st_iostat *io);

/* follow,PROTO,MODE,STREAM */
typedef struct st_follow st_follow;
int st_follow_new(dx_session *s, const char *args, st_follow **out);
void st_follow_packet(st_follow *fw, const dx_packet *p);
void st_follow_print(st_follow *fw, FILE *out);
void st_follow_free(st_follow *fw);

/* http,tree | http_req,tree | http_srv,tree | dns,tree | ptype,tree | ip_hosts,tree |
 * ip_srcdst,tree | dests,tree (and their ipv6_ forms) | plen,tree |
 * http_seq,tree
 * (stattree.c) */
enum {
  ST_TREE_HTTP,
  ST_TREE_HTTP_REQ,
  ST_TREE_DNS,
  ST_TREE_HTTP_SRV,
  ST_TREE_PTYPE,
  ST_TREE_HOSTS,
  ST_TREE_SRCDST,
  ST_TREE_DESTS,
  ST_TREE_PTYPE6,
  ST_TREE_HOSTS6,
  ST_TREE_SRCDST6,
  ST_TREE_DESTS6,
  ST_TREE_PLEN,
  ST_TREE_HTTP_SEQ
};
typedef struct st_tree st_tree;
int st_tree_new(dx_session *s, int kind, st_tree **out);
void st_tree_packet(st_tree *t, const dx_packet *p, int64_t rel_ns);
void st_tree_print(const st_tree *t, FILE *out);
void st_tree_free(st_tree *t);

/* http,stat[,FILTER] | hosts[,ip|ipv4|ipv6] | icmp,srt[,FILTER] |
 * icmpv6,srt[,FILTER] (tapstats.c). st_tap_new: 0 (*filter: the filter
 * text after the arguments, or NULL), -1 after a message, 1 if arg is none
 * of these. */
typedef struct st_tap st_tap;
int st_tap_new(dx_session *s, const char *arg, st_tap **out, const char **filter);
/* hosts: the capture's name as given to -r, and -n (no names learned) */
void st_tap_set_source(st_tap *t, const char *name, int no_names);
void st_tap_packet(st_tap *t, const dx_packet *p);
void st_tap_print(st_tap *t, const char *filter, FILE *out);
void st_tap_free(st_tap *t);

#endif
