/* Small readers of the layer tree shared by the TUI's views (public API
 * only). */
#include "ui.h"

#include <string.h>

const dx_node *tui_find_in(const dx_node *n, const char *name, int depth) {
  for (const dx_node *c = dx_node_first_child(n); c; c = dx_node_next(c)) {
    if (strcmp(dx_node_name(c), name) == 0)
      return c;
    if (depth < 32) {
      const dx_node *r = tui_find_in(c, name, depth + 1);
      if (r)
        return r;
    }
  }
  return NULL;
}

void tui_value(const dx_node *n, char *buf, size_t len) {
  buf[0] = 0;
  if (n)
    dx_node_value(n, buf, len);
}

const char *tui_hs_name(unsigned t) {
  switch (t) {
  case 0: return "Hello Request";
  case 1: return "Client Hello";
  case 2: return "Server Hello";
  case 4: return "New Session Ticket";
  case 5: return "End of Early Data";
  case 8: return "Encrypted Extensions";
  case 11: return "Certificate";
  case 12: return "Server Key Exchange";
  case 13: return "Certificate Request";
  case 14: return "Server Hello Done";
  case 15: return "Certificate Verify";
  case 16: return "Client Key Exchange";
  case 20: return "Finished";
  case 24: return "Key Update";
  default: return NULL;
  }
}

const char *tui_hs_name_or(unsigned t, const char *def) {
  const char *s = tui_hs_name(t);
  return s ? s : def;
}
