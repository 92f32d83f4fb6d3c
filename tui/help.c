/* The help overlay (`?`): every key, in a box over the current view. */
#include "ui.h"

#include <curses.h>
#include <string.h>

static const char *const help_lines[] = {
    "dissect-tui keys",
    "",
    "Everywhere",
    "  ?             this help (any key closes it)",
    "  q             quit (in a view: back to the packet list)",
    "  Esc           back / cancel / clear the message",
    "  Tab, S-Tab    next / previous pane",
    "  /             display filter (Enter applies, Esc cancels, empty clears)",
    "  Ctrl-F or :   find a string in the summaries and field labels",
    "  n / N         find next / previous",
    "  f             follow the TCP/UDP stream of the selected packet",
    "                (decrypted TLS with a key log: see Follow below)",
    "  l             connection ladder of the selected packet's TCP or QUIC connection",
    "  c             conversations (TCP and UDP flows)",
    "  Ctrl-L        redraw the screen",
    "  mouse         click a row to select it, a tree node to toggle it;",
    "                the wheel scrolls",
    "",
    "Packet list",
    "  colours       the first colouring rule a packet matches (Wireshark's",
    "                colorfilters format): --colorfilters FILE, else",
    "                $XDG_CONFIG_HOME/dissect/colorfilters (~/.config/dissect/),",
    "                else Wireshark 4.0's default rules",
    "  Up/Down j/k   previous / next packet",
    "  PgUp/PgDn     page up / down (also b / Space)",
    "  g / G         first / last packet (G follows a live capture)",
    "  Enter, Right  go to the packet details",
    "",
    "Packet details (tree)",
    "  Up/Down j/k   move          Enter, Space   expand / collapse",
    "  Right / Left  expand, or go to the child / collapse, or go to the parent",
    "  e / E         expand all / collapse all",
    "",
    "Bytes (hex)",
    "  arrows, j/k   move the cursor (selects the field of that byte)",
    "  [ / ]         previous / next data source (reassembled, decrypted)",
    "",
    "Ladder (l)      j/k select an arrow, Enter jumps to its packet, Esc back",
    "                w then t/j/m/s: write the connection's story (text, JSON,",
    "                Mermaid, SVG) to dissect-story-N.txt|json|mmd|svg",
    "                (dissect-story-quic-N.* for a QUIC connection)",
    "Follow (f)      h hex/ASCII, / find in the stream, n/N again, Esc back",
    "                j/k, PgUp/PgDn, g/G scroll",
    "                t  next view: HTTP/2 frames, TLS decrypted, raw TCP",
    "                   (HTTP/3 frames for a decrypted QUIC connection)",
    "                With --keylog, a TLS stream shows its decrypted data",
    "                (HTTP requests and responses); without keys, the TCP",
    "                view labels the TLS records instead of the ciphertext",
    "Conversations   j/k select, Enter filters the list to it, Esc back",
    "  (c)           s/S next/previous sort column, r reverses the order",
};

int help_lines_count(void) {
  return (int)(sizeof help_lines / sizeof help_lines[0]);
}

void help_draw(app *a) {
  int n = help_lines_count();
  int w = 0;
  for (int i = 0; i < n; i++) {
    int l = (int)strlen(help_lines[i]);
    if (l > w)
      w = l;
  }
  w += 4;
  if (w > a->cols)
    w = a->cols;
  int h = n + 2;
  if (h > a->rows - 1)
    h = a->rows - 1;
  int inner = h - 2;
  if (a->help_top > n - inner)
    a->help_top = n - inner > 0 ? n - inner : 0;
  int y0 = (a->rows - 1 - h) / 2, x0 = (a->cols - w) / 2;
  if (y0 < 0)
    y0 = 0;
  if (x0 < 0)
    x0 = 0;
  attrset(draw_pair(PAIR_TITLE));
  for (int r = 0; r < h; r++)
    draw_fill(y0 + r, x0, w);
  for (int r = 0; r < inner; r++) {
    int i = a->help_top + r;
    if (i >= n)
      break;
    int head = i == 0 || (help_lines[i][0] && help_lines[i][0] != ' ');
    attrset(draw_pair(PAIR_TITLE) | (head ? A_BOLD : 0));
    draw_text(y0 + 1 + r, x0 + 2, w - 4, help_lines[i], (size_t)-1);
  }
  attrset(draw_pair(PAIR_TITLE) | A_DIM);
  if (inner < n)
    draw_text(y0 + h - 1, x0 + 2, w - 4, "j/k, PgUp/PgDn scroll; any other key closes", (size_t)-1);
  else
    draw_text(y0 + h - 1, x0 + 2, w - 4, "any key closes", (size_t)-1);
  attrset(A_NORMAL);
}
