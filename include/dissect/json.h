/*
 * libdissect and json-c: a packet as a json-c object.
 *
 * The one public header that needs json-c's headers: include it only if
 * your program uses json-c objects (pkg-config --cflags --libs libdissect
 * and the CMake target dissect::dissect both bring json-c along). Writing
 * the same document to a FILE* needs no json-c: dx_write_json() in
 * dissect/output.h.
 */
#ifndef DISSECT_JSON_H
#define DISSECT_JSON_H

#include <dissect/dissect.h>
#include <json-c/json.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Builds the JSON object of a packet with json-c: the document described in
 * dissect/output.h and docs/packet.schema.json (the same text
 * dx_write_json() streams). The caller owns the returned reference
 * (json_object_put()). NULL if memory ran out. */
json_object *dx_packet_to_json(const dx_packet *p);

#ifdef __cplusplus
}
#endif

#endif /* DISSECT_JSON_H */
