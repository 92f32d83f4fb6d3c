/* -z follow: not built yet. */
#include "stats_int.h"

#include <stdlib.h>

struct st_follow {
  int unused;
};

int st_follow_new(dx_session *s, const char *args, st_follow **out) {
  (void)s, (void)args;
  *out = NULL;
  fprintf(stderr, "dissect: -z follow is not built yet\n");
  return -1;
}
void st_follow_packet(st_follow *io, const dx_packet *p) {
  (void)io, (void)p;
}
void st_follow_print(st_follow *io, FILE *out) {
  (void)io, (void)out;
}
void st_follow_free(st_follow *io) {
  free(io);
}
