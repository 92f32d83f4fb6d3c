/* A short program embedding libdissect: open a capture, dissect every frame,
 * look fields up by name, walk the tree of the first packet, name the DNS
 * query types, and print one packet as JSON through json-c.
 *
 *   embed_example samples/dns.pcap
 *
 * Build it against an installed libdissect with either
 *   cc embed.c $(pkg-config --cflags --libs libdissect) -o embed
 * or, in CMake, find_package(dissect CONFIG REQUIRED) and
 * target_link_libraries(embed PRIVATE dissect::dissect).
 */
#include <dissect/dissect.h>
#include <dissect/json.h> /* dx_packet_to_json(): the one header that needs json-c */
#include <stdio.h>

static void walk(const dx_node *n, int depth) {
  char label[256];
  for (; n; n = dx_node_next(n)) {
    if (dx_node_flags(n) & DX_NODE_HIDDEN)
      continue;
    dx_node_label(n, label, sizeof label); /* already escaped */
    printf("%*s%s  [%s @%u+%u]\n", depth * 2, "", label, dx_node_name(n), dx_node_offset(n),
           dx_node_length(n));
    walk(dx_node_first_child(n), depth + 1);
  }
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s CAPTURE\n", argv[0]);
    return 1;
  }
  /* Headers and library may come from different installs: say which. */
  printf("libdissect %s (built with headers %s)\n", dx_version(), DX_VERSION_STRING);
  if (dx_version_number() < DX_VERSION_NUMBER)
    fprintf(stderr, "warning: the library is older than the headers\n");

  /* dx_config_init() first, so members this program does not know get
   * their defaults; then set what we want. */
  dx_config cfg;
  dx_config_init(&cfg);
  cfg.max_flows = 4096;
  dx_session *s;
  int rc = dx_session_new(&s, &cfg);
  if (rc != DX_OK) {
    fprintf(stderr, "session: %s\n", dx_strerror(rc));
    return 1;
  }
  char err[512];
  dx_capture *c;
  if ((rc = dx_capture_open_file(&c, argv[1], err, sizeof err)) != DX_OK) {
    fprintf(stderr, "%s\n", err);
    dx_session_free(s);
    return 1;
  }
  /* Resolve field names once; look them up per packet by pointer. */
  const dx_field *f_proto = dx_field_lookup(s, "frame.protocols");
  const dx_field *f_len = dx_field_lookup(s, "frame.len");
  const dx_field *f_qtype = dx_field_lookup(s, "dns.qry.type");
  dx_frame f;
  unsigned long n = 0, bytes = 0;
  while ((rc = dx_capture_next(c, &f)) == 1) {
    dx_packet *p;
    if (dx_session_dissect(s, &f, &p) != DX_OK)
      break;
    n++;
    bytes += (unsigned long)dx_node_uint(dx_packet_find(p, f_len));
    if (n == 1) {
      printf("first packet: %s\n", dx_node_str(dx_packet_find(p, f_proto)));
      walk(dx_node_first_child(dx_packet_root(p)), 1);
      json_object *j = dx_packet_to_json(p); /* ours to release */
      printf("%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
      json_object_put(j);
    }
    /* Value names: "A (1)" in labels, "A" from dx_node_value_name(). */
    for (const dx_node *q = dx_packet_find(p, f_qtype); q; q = dx_packet_find_next(p, q)) {
      const char *name = dx_node_value_name(q);
      printf("frame %lu: query type %s (%lu)\n", n, name ? name : "Unknown",
             (unsigned long)dx_node_uint(q));
    }
    dx_packet_free(p);
  }
  if (rc < 0)
    fprintf(stderr, "%s\n", dx_capture_error(c));
  printf("%lu packets, %lu bytes\n", n, bytes);
  dx_capture_close(c);
  dx_session_free(s);
  return rc < 0 ? 1 : 0;
}
