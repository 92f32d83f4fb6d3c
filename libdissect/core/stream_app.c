/* Application state kept per byte stream (see stream.h). */
#include "stream.h"

void *dx_app_data(const dx_packet *p, void (*app_free)(void *)) {
  if (p->bstream)
    return p->bstream->app_free == app_free ? p->bstream->app_data : NULL;
  if (p->flow)
    return p->flow->app_free == app_free ? p->flow->app_data : NULL;
  return NULL;
}

bool dx_app_data_set(dx_packet *p, void *data, void (*app_free)(void *)) {
  if (p->bstream) {
    if (p->bstream->app_data)
      return false;
    p->bstream->app_data = data;
    p->bstream->app_free = app_free;
    return true;
  }
  if (p->flow) {
    if (p->flow->app_data)
      return false;
    p->flow->app_data = data;
    p->flow->app_free = app_free;
    return true;
  }
  return false;
}
