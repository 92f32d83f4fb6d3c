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
/* dx_write_tree_protos() with flags: DX_TREE_DATA_HEX puts the bytes of
 * each shown "data" layer (uninterpreted bytes) as a hex and ASCII dump
 * under its line, after a blank line, as tshark -V and -O do when -x is not
 * given. */
#define DX_TREE_DATA_HEX 1u
/* DX_TREE_ROLES puts first under each protocol layer that has a role in
 * the five layers of the articles on HTTPS (dx_layer_role(), story.h) a
 * line that names it: "    [Transport layer: segment]" (not in tshark's
 * -V: dissect --roles). */
#define DX_TREE_ROLES 2u
int dx_write_tree_opts(FILE *out, const dx_packet *p, const char *const *protos, size_t n,
                       unsigned flags);
/* Hex and ASCII dump of every data source of the packet (like tshark -x). */
int dx_write_hex(FILE *out, const dx_packet *p);

/* ---- JSON ----------------------------------------------------------------
 * Three forms, each with a JSON Schema of the whole output in docs/:
 *
 * DX_JSON_PACKETS (dissect -T json; docs/json.schema.json): compact and
 *   typed, the layers keyed by protocol and the fields by their Wireshark
 *   names, nested as tshark -T json nests them:
 *     {"layers": {"frame": {"frame.number": 1, "frame.time_epoch":
 *      "1795335939.294211000", ...}, "ip": {"ip.proto": 17,
 *      "ip.proto#name": "UDP", "ip.flags": 2, "ip.flags_tree":
 *      {"ip.flags.df": true, ...}, "ip.src": "127.0.0.1", ...}, ...}}
 *   Numbers are JSON numbers and booleans JSON booleans; strings,
 *   addresses and byte strings (hex digits) are strings; times are exact
 *   strings: seconds with nine decimals ("0.000219000"), or, for fields
 *   shown as dates, ISO 8601 in UTC ("2026-11-22T08:25:39.294211000Z").
 *   "NAME#name" holds the name of an enumerated value ('#' is never part
 *   of a field name); "NAME_tree" the children of a field that has a value;
 *   a field without a value holds its children as an object (or its label
 *   when it has none); expert notes are "_ws.expert" objects. A name that
 *   occurs more than once in an object holds an array, in order; the
 *   "#name" and "_tree" arrays line up with it (null where an occurrence
 *   has no name or no children). Hidden fields are not written.
 *
 * DX_JSON_TREE (dissect -T jsontree, dx_packet_to_json();
 *   docs/jsontree.schema.json): the whole layer tree, for tools that draw
 *   it:
 *     {"schema": "libdissect.packet", "version": 2, "number": 1,
 *      "time_epoch": "1700000000.123456000", "time_relative": "0.000000000",
 *      "wire_length": 74, "captured_length": 74, "linktype": 1,
 *      "summary": {"source": "...", "destination": "...", "protocol": "TCP", "info": "..."},
 *      "sources": [{"index": 0, "name": "Frame (74 bytes)", "length": 74}],
 *      "layers": [NODE, ...]}
 *   and a NODE is
 *     {"name": "tcp.srcport", "label": "Source Port: 51514", "type": "uint16",
 *      "value": 51514, "offset": 34, "length": 2, "source": 0,
 *      "flags": ["generated"], "severity": "note", "children": [NODE, ...]}
 *   "value" (typed as above) is absent for nodes without a value; "flags",
 *   "severity" and "children" are absent when empty.
 *
 * DX_JSON_EK (dissect -T ek; docs/ek.schema.json, docs/ek-mapping.json):
 *   the Elasticsearch/OpenSearch bulk format, two lines per packet:
 *     {"index":{"_index":"packets-2026-11-22"}}
 *     {"timestamp":"2026-11-22T08:25:39.294211000Z","layers":{"ip":{"ip_ip_src":"127.0.0.1",...}}}
 *   Each layer is flat, as tshark -T ek writes it: a field's key is the
 *   name of the protocol it belongs to (its name up to the first '.'), '_',
 *   and its name with '.' as '_'. Values as in DX_JSON_PACKETS, but every
 *   absolute time is an ISO 8601 date (mapped as date_nanos). */
typedef enum dx_json_form {
  DX_JSON_PACKETS = 0, /* compact and typed (-T json) */
  DX_JSON_TREE = 1,    /* the whole tree (-T jsontree) */
  DX_JSON_EK = 2       /* Elasticsearch bulk lines (-T ek) */
} dx_json_form;
/* Flag: indent by two spaces a level (DX_JSON_PACKETS and DX_JSON_TREE;
 * ignored by DX_JSON_EK, whose documents are one line each). */
#define DX_JSON_PRETTY 1u
/* Flag: the bytes behind every node, as tshark -x adds them to its -T json
 * and -T ek (dissect -x). DX_JSON_PACKETS: beside "NAME" (before it) a
 * member "NAME_raw": ["hex", offset, length, bitmask, type] for each node
 * of a length above zero (an array of those for a name that occurs more
 * than once): the hex digits of its bytes in its data source (for a field
 * with a bitmask, its value in upper-case hex, as tshark), the offset and
 * length in that data source, the field's bitmask (0 if none) and
 * Wireshark 4.0's ftenum number of its type (FT_UINT16 5, FT_ETHER 29,
 * FT_PROTOCOL 1, ...). A layer's is "eth_raw" beside "eth". Expert notes
 * have none (tshark's have no bytes). Where a field named "NAME_raw"
 * exists in the same object (tcp.seq_raw beside tcp.seq), that field
 * keeps the key: tshark writes the key twice; the bytes of NAME are those
 * of "NAME_raw_raw". DX_JSON_EK: "KEY_raw": the hex string alone (an
 * array of them for a key that occurs more than once), as tshark -T ek
 * -x. DX_JSON_TREE: each entry of "sources" gains "data", the hex digits
 * of the whole data source, and each node with a bitmask "bitmask" (the
 * node's bytes are data[offset, offset+length) of its source). */
#define DX_JSON_RAW 2u

/* Writes one packet in `form` to `out`: for DX_JSON_PACKETS and
 * DX_JSON_TREE the packet's object (no separator, no newline), for
 * DX_JSON_EK its two lines. DX_OK, DX_EIO when the stream reports an
 * error, DX_EINVAL for a bad argument, DX_ENOMEM. For whole captures use a
 * dx_json_writer: it writes the array around the packets and keeps its
 * buffer from packet to packet. */
int dx_write_json_form(FILE *out, const dx_packet *p, dx_json_form form, unsigned flags);
/* The tree form of one packet: dx_write_json_form(out, p, DX_JSON_TREE,
 * pretty ? DX_JSON_PRETTY : 0). dx_packet_to_json(), the same document as
 * a json-c object, is declared in dissect/json.h, so that this header
 * needs nothing but the C library. */
int dx_write_json(FILE *out, const dx_packet *p, int pretty);
/* The two bulk lines of one packet: dx_write_json_form(out, p,
 * DX_JSON_EK, 0). */
int dx_write_ek(FILE *out, const dx_packet *p);

/* A whole capture at memory speed: the text goes into a 256 KiB buffer
 * that is written with one fwrite() when it fills (no stdio call per
 * token, no allocation per node).
 *   dx_json_writer *w;
 *   dx_json_writer_new(&w, stdout, DX_JSON_PACKETS, 0);
 *   for each packet: dx_json_writer_write(w, p);
 *   dx_json_writer_close(w);
 * DX_JSON_PACKETS and DX_JSON_TREE write one JSON array, a packet a line
 * ("[
{...},
{...}
]
"; "[]
" for no packet); DX_JSON_EK two lines a
 * packet. Nothing reaches `out` before the buffer fills, or before
 * dx_json_writer_flush() or dx_json_writer_close(); the caller must not
 * write to `out` in between. */
typedef struct dx_json_writer dx_json_writer;
/* DX_OK, DX_EINVAL (bad form or NULL out), DX_ENOMEM. */
int dx_json_writer_new(dx_json_writer **w, FILE *out, dx_json_form form, unsigned flags);
/* Appends a packet. DX_OK, DX_EIO if a write failed, DX_ENOMEM. */
int dx_json_writer_write(dx_json_writer *w, const dx_packet *p);
/* tshark's -j / -J for DX_JSON_PACKETS and DX_JSON_EK: the children of a
 * node (a layer, a subtree, a field's "_tree", an expert note, which is
 * named "_ws.expert") are written only when its field name is one of
 * names[0..n-1]; the others are written {"filtered": "NAME"}. Values are
 * always written in DX_JSON_PACKETS; in DX_JSON_EK, whose layers are
 * flat, each value not named is {"filtered": "NAME"} too, as tshark -T ek
 * writes it. With DX_JSON_FILTER_CHILDREN (-J) everything below a named
 * node is written (in DX_JSON_EK below a named protocol). names must stay
 * valid while w writes; NULL (n 0) turns the filter off. DX_OK, or
 * DX_EINVAL (DX_JSON_TREE is not filtered). Call before the first
 * packet, or between packets. */
#define DX_JSON_FILTER_CHILDREN 1u
int dx_json_writer_set_filter(dx_json_writer *w, const char *const *names, size_t n,
                              unsigned flags);
/* Writes what is buffered and fflush()es `out` (for line-buffered use). */
int dx_json_writer_flush(dx_json_writer *w);
/* Ends the document (the "]" of the arrays), writes what is buffered (it
 * does not fclose `out`) and frees w. DX_OK or DX_EIO if any write
 * failed. NULL is accepted. */
int dx_json_writer_close(dx_json_writer *w);

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
/* The text tshark -T fields prints for node n of packet p: the value as
 * dx_node_value() formats it; "1" for a field without a value; for a
 * protocol its label, or its name ("tls") when the label is no more than
 * the protocol's title, and the bytes in hex for undissected data; for
 * _ws.expert "Expert Info (Severity/Group): message"; "<MISSING>" for
 * empty bytes. Returns the length it needed (like snprintf). */
size_t dx_node_field_text(const dx_packet *p, const dx_node *n, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* DISSECT_OUTPUT_H */
