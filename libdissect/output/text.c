/* Text outputs: the summary line, the indented tree and the hex dump. */
#include "../core/dx.h"

#include <dissect/output.h>
#include <stdio.h>
#include <string.h>

/* Writes a string that may contain packet bytes, escaped. */
static void put_escaped(FILE *out, const char *s) {
  char buf[2048];
  size_t n = strlen(s);
  /* UTF-8 arrows and ellipses we put in ourselves are the only non-ASCII
   * bytes allowed through; dx_escape would escape them, so pass known
   * sequences and escape everything else. */
  while (n) {
    if (n >= 3 && (memcmp(s, "\xe2\x86\x92", 3) == 0 || memcmp(s, "\xe2\x80\xa6", 3) == 0)) {
      fwrite(s, 1, 3, out);
      s += 3;
      n -= 3;
      continue;
    }
    size_t run = 0;
    while (run < n && run < 512 && (unsigned char)s[run] != 0xe2)
      run++;
    if (run == 0)
      run = 1;
    size_t w = dx_escape((const uint8_t *)s, run, buf, sizeof buf);
    fwrite(buf, 1, w < sizeof buf ? w : sizeof buf - 1, out);
    s += run;
    n -= run;
  }
}

int dx_write_summary(FILE *out, const dx_packet *p) {
  fprintf(out, "%5llu %10.6f ", (unsigned long long)p->num,
          (double)p->rel_sec + p->rel_nsec / 1e9);
  const char *src = dx_packet_src(p), *dst = dx_packet_dst(p);
  put_escaped(out, src);
  fputs(*src || *dst ? " \xe2\x86\x92 " : " ", out);
  put_escaped(out, dst);
  fputc(' ', out);
  put_escaped(out, dx_packet_protocol(p));
  fprintf(out, " %u ", p->frame.wirelen);
  put_escaped(out, dx_packet_info(p));
  fputc('\n', out);
  return ferror(out) ? DX_EIO : DX_OK;
}

static void tree_rec(FILE *out, const dx_node *n, int depth, char *buf, size_t buflen) {
  for (; n; n = n->next) {
    if (n->flags & DX_NODE_HIDDEN)
      continue;
    if (depth > 64)
      return;
    size_t need = dx_node_label(n, buf, buflen);
    (void)need;
    for (int i = 0; i < depth; i++)
      fputs("    ", out);
    put_escaped(out, buf);
    fputc('\n', out);
    if (n->first_child)
      tree_rec(out, n->first_child, depth + 1, buf, buflen);
  }
}

int dx_write_tree(FILE *out, const dx_packet *p) {
  char buf[4096];
  tree_rec(out, p->root.first_child, 0, buf, sizeof buf);
  fputc('\n', out);
  return ferror(out) ? DX_EIO : DX_OK;
}

static void hex_block(FILE *out, const uint8_t *d, uint32_t len) {
  char line[128];
  for (uint32_t off = 0; off < len; off += 16) {
    int w = snprintf(line, sizeof line, "%04x  ", off);
    for (uint32_t i = 0; i < 16; i++) {
      if (off + i < len)
        w += snprintf(line + w, sizeof line - (size_t)w, "%02x ", d[off + i]);
      else
        w += snprintf(line + w, sizeof line - (size_t)w, "   ");
    }
    line[w++] = ' ';
    for (uint32_t i = 0; i < 16 && off + i < len; i++) {
      uint8_t c = d[off + i];
      line[w++] = (c >= 0x20 && c < 0x7f) ? (char)c : '.';
    }
    line[w++] = '\n';
    fwrite(line, 1, (size_t)w, out);
  }
}

int dx_write_hex(FILE *out, const dx_packet *p) {
  for (uint16_t i = 0; i < p->nsources; i++) {
    if (p->nsources > 1) {
      put_escaped(out, p->sources[i].name);
      fputs(":\n", out);
    }
    hex_block(out, p->sources[i].data, p->sources[i].len);
    fputc('\n', out);
  }
  return ferror(out) ? DX_EIO : DX_OK;
}
