#include "ui.h"
void ladder_open(app *a) { app_message(a, 1, "ladder: not yet"); }
void ladder_draw(app *a) { (void)a; }
void ladder_key(app *a, int ch) { (void)a; (void)ch; }
void ladder_close(app *a) { (void)a; }
void follow_open(app *a) { app_message(a, 1, "follow: not yet"); }
void follow_draw(app *a) { (void)a; }
void follow_key(app *a, int ch) { (void)a; (void)ch; }
void follow_close(app *a) { (void)a; }
void conv_open(app *a) { app_message(a, 1, "conv: not yet"); }
void conv_draw(app *a) { (void)a; }
void conv_key(app *a, int ch) { (void)a; (void)ch; }
void conv_close(app *a) { (void)a; }
int live_start(live_cap **out, const char *iface, const char *bpf, pindex *ix, char *path,
               size_t pathlen, char *err, size_t errlen) {
  (void)out; (void)iface; (void)bpf; (void)ix; (void)path; (void)pathlen;
  snprintf(err, errlen, "live: not yet");
  return DX_EINVAL;
}
void live_stop(live_cap *lc) { (void)lc; }
const char *live_error(live_cap *lc) { (void)lc; return ""; }
