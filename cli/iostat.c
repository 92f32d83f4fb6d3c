/* -z io,stat: not built yet. */
#include "stats_int.h"

#include <stdlib.h>

struct st_iostat {
  int unused;
};

int st_iostat_new(dx_session *s, const char *args, st_iostat **out) {
  (void)s, (void)args;
  *out = NULL;
  fprintf(stderr, "dissect: -z io,stat is not built yet\n");
  return -1;
}
void st_iostat_packet(st_iostat *io, const dx_packet *p, int64_t rel_ns) {
  (void)io, (void)p, (void)rel_ns;
}
void st_iostat_print(st_iostat *io, FILE *out) {
  (void)io, (void)out;
}
void st_iostat_free(st_iostat *io) {
  free(io);
}
