/*
 * libdissect output formats: summary lines, text trees, hex dumps, JSON,
 * Elasticsearch bulk (ek) and tshark-compatible field extraction.
 *
 * The writers take the FILE* to write to; the library never writes to a
 * stream it was not given. Every byte that comes from a packet is escaped
 * (terminal control characters never pass through). Writers return DX_OK or
 * DX_EIO when the stream reports an error.
 */
#ifndef DISSECT_OUTPUT_H
#define DISSECT_OUTPUT_H

#include <dissect/dissect.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One summary line: "    1 0.000000 127.0.0.1 → 127.0.0.1 DNS 84 Standard query ...\n" */
int dx_write_summary(FILE *out, const dx_packet *p);
/* The whole layer tree, indented by four spaces a level (like tshark -V),
 * followed by a blank line. Hidden nodes are not shown. */
int dx_write_tree(FILE *out, const dx_packet *p);
/* The tree as tshark -O PROTOS shows it: the layers whose protocol name is
 * one of protos[0..n-1] ("ip", "dns") whole, every other layer as its one
 * summary line. protos NULL shows every layer whole (dx_write_tree). */
int dx_write_tree_protos(FILE *out, const dx_packet *p, const char *const *protos, size_t n);
/* Hex and ASCII dump of every data source of the packet (like tshark -x). */
int dx_write_hex(FILE *out, const dx_packet *p);

/* ---- JSON ----------------------------------------------------------------
 * A packet is an object:
 *   {"schema": "libdissect.packet", "version": 1, "number": 1,
 *    "time_epoch": 1700000000.123456, "time_relative": 0.0,
 *    "wire_length": 74, "captured_length": 74, "linktype": 1,
 *    "summary": {"source": "...", "destination": "...", "protocol": "TCP", "info": "..."},
 *    "sources": [{"index": 0, "name": "Frame (74 bytes)", "length": 74}],
 *    "layers": [NODE, ...]}
 * and a NODE is
 *   {"name": "tcp.srcport", "label": "Source Port: 51514", "type": "uint16",
 *    "value": 51514, "offset": 34, "length": 2, "source": 0,
 *    "flags": ["generated"], "severity": "note", "children": [NODE, ...]}
 * "value" is absent for nodes without a value; "flags", "severity" and
 * "children" are absent when empty. docs/packet.schema.json describes it. */

/* dx_packet_to_json(), the same document as a json-c object, is declared
 * in dissect/json.h, so that this header needs nothing but the C library. */
/* Streams the same document straight to `out`, without building objects
 * (the fast path for bulk export). pretty != 0 indents it. */
int dx_write_json(FILE *out, const dx_packet *p, int pretty);
/* Elasticsearch/OpenSearch bulk format: an index action line, then the
 * packet document on one line. */
int dx_write_ek(FILE *out, const dx_packet *p);

/* ---- fields (tshark -T fields) ---------------------------------------------- */
typedef struct dx_fields dx_fields;
typedef struct dx_fields_opts {
  int header;      /* print the field names first (-E header=y) */
  char separator;  /* between fields, default '\t' */
  char occurrence; /* 'a' all (default), 'f' first, 'l' last */
  char aggregator; /* between occurrences, default ',' */
  char quote;      /* 0 none (default), '"' or '\'' */
} dx_fields_opts;

/* Compiles the list of field names. On an unknown name returns DX_ENOFIELD
 * and writes a message naming it (with suggestions) to errbuf. */
int dx_fields_new(const dx_session *s, const char *const *names, size_t n,
                  const dx_fields_opts *opts, dx_fields **out, char *errbuf, size_t errlen);
int dx_fields_write_header(FILE *out, const dx_fields *f);
int dx_fields_write(FILE *out, const dx_fields *f, const dx_packet *p);
void dx_fields_free(dx_fields *f);

#ifdef __cplusplus
}
#endif

#endif /* DISSECT_OUTPUT_H */
