/*
 * libdissect and json-c: a packet as a json-c object.
 *
 * The one public header that needs json-c's headers: include it only if
 * your program uses json-c objects (pkg-config --cflags --libs libdissect
 * and the CMake target dissect::dissect both bring json-c along). Writing
 * the same document to a FILE* needs no json-c: dx_write_json() and
 * dx_json_writer in dissect/output.h.
 */
#ifndef DISSECT_JSON_H
#define DISSECT_JSON_H

#include <dissect/dissect.h>
#include <dissect/output.h>
#include <json-c/json.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Builds the tree form of a packet (DX_JSON_TREE: labels, offsets,
 * lengths, data sources) with json-c: the document described in
 * dissect/output.h and docs/jsontree.schema.json, the same text
 * dx_write_json() streams. The caller owns the returned reference
 * (json_object_put()). NULL if memory ran out. */
json_object *dx_packet_to_json(const dx_packet *p);

/* The packet in `form` as a json-c object: DX_JSON_TREE as
 * dx_packet_to_json(), DX_JSON_PACKETS the compact typed object that
 * `dissect -T json` writes for it (docs/json.schema.json). NULL for
 * DX_JSON_EK (two documents, not one), a bad argument, or if memory ran
 * out. The caller owns the returned reference. */
json_object *dx_packet_to_json_form(const dx_packet *p, dx_json_form form);

#ifdef __cplusplus
}
#endif

#endif /* DISSECT_JSON_H */
