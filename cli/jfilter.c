/* -j NAMES with -V: the packet tree filtered as tshark's -j filters its
 * JSON ("parent node containing multiple child nodes is only included, if
 * the name is found in the filter"): every node of a shown level is shown
 * by its line, and its children only when its name is in the list (tshark
 * writes the others' children as {"filtered": NAME}). At the top this is
 * -O: the layers not named are one line each. Lines are laid out and
 * escaped as the -V writer lays them out. */
#include "cli.h"

#include "core/dx.h"
#include <dissect/story.h>

#include <string.h>

static int named(const char *const *names, size_t n, const dx_node *node) {
  const char *nm = dx_node_name(node);
  for (size_t i = 0; nm && i < n; i++)
    if (strcmp(names[i], nm) == 0)
      return 1;
  return 0;
}

/* A label line: printable ASCII and printable UTF-8 as they are; other
 * code points as tshark escapes them; other bytes as \xNN. */
static void put_label(FILE *out, int depth, const dx_node *n) {
  char lab[4096];
  dx_node_label(n, lab, sizeof lab);
  fprintf(out, "%*s", 4 * depth, "");
  const uint8_t *s = (const uint8_t *)lab;
  size_t len = strlen(lab);
  for (size_t i = 0; i < len;) {
    uint32_t cp;
    size_t k;
    if (s[i] >= 0x20 && s[i] < 0x7f) {
      fputc(s[i++], out);
    } else if ((k = dx_utf8_ok(s + i, len - i)) != 0) {
      fwrite(s + i, 1, k, out);
      i += k;
    } else if ((k = dx_utf8_seq(s + i, len - i, &cp)) != 0) {
      char e[12];
      dx_unichar_escape(cp, e);
      fputs(e, out);
      i += k;
    } else {
      fprintf(out, "\\x%02x", s[i++]);
    }
  }
  fputc('\n', out);
}

static const char *const expert_name[] = {"_ws.expert"};

/* An expert note: tshark's "Expert Info" item (named _ws.expert), its
 * children (the note, severity, group) only when _ws.expert is named. */
static int put_expert(FILE *out, int depth, const dx_node *n, const char *const *names, size_t nn) {
  const char *sev, *grp, *msg;
  if (dx_node_expert(n, &sev, &grp, &msg) != DX_OK)
    return 0;
  size_t ml = strlen(msg);
  if (ml >= 2 && msg[0] == '[' && msg[ml - 1] == ']') {
    msg++;
    ml -= 2;
  }
  fprintf(out, "%*s[Expert Info (%s/%s): %.*s]\n", 4 * depth, "", sev, grp, (int)ml, msg);
  /* a stand-in node named _ws.expert for the check */
  int open = 0;
  for (size_t i = 0; i < nn; i++)
    open |= strcmp(names[i], expert_name[0]) == 0;
  if (!open)
    return 1;
  char lab[4096];
  dx_node_label(n, lab, sizeof lab);
  fprintf(out, lab[0] == '[' ? "%*s%s\n" : "%*s[%s]\n", 4 * (depth + 1), "", lab);
  fprintf(out, "%*s[Severity level: %s]\n", 4 * (depth + 1), "", sev);
  fprintf(out, "%*s[Group: %s]\n", 4 * (depth + 1), "", grp);
  return 1;
}

static void rec(FILE *out, const dx_node *n, int depth, const char *const *names, size_t nn,
                int roles) {
  for (; n && depth <= 64; n = dx_node_next(n)) {
    if (dx_node_flags(n) & DX_NODE_HIDDEN)
      continue;
    if ((dx_node_flags(n) & DX_NODE_EXPERT) && put_expert(out, depth, n, names, nn))
      continue;
    put_label(out, depth, n);
    if (named(names, nn, n)) {
      const char *unit, *role = roles && depth == 0 ? dx_layer_role(dx_node_name(n), &unit) : NULL;
      if (role && unit)
        fprintf(out, "    [%s layer: %s]\n", role, unit);
      rec(out, dx_node_first_child(n), depth + 1, names, nn, 0);
    }
  }
}

int cli_write_tree_j(FILE *out, const dx_packet *p, const char *const *names, size_t n, int roles) {
  rec(out, dx_node_first_child(dx_packet_root(p)), 0, names, n, roles);
  fputc('\n', out);
  return ferror(out) ? -1 : 0;
}
