/* Text outputs: the summary line, the indented tree and the hex dump. */
#include "../core/dx.h"

#include <dissect/output.h>
#include <stdio.h>
#include <string.h>

/* Writes a label or column to a terminal. Labels and columns are escaped
 * when they are made (a backslash in them is already an escape), so this
 * is the last guard: printable ASCII, the backslash and printable UTF-8
 * pass, any other byte becomes \xNN. */
static void put_escaped(FILE *out, const char *s) {
  const uint8_t *u = (const uint8_t *)s;
  size_t n = strlen(s);
  while (n) {
    size_t plain = dx_plain_run(u, n);
    if (plain) {
      fwrite(u, 1, plain, out);
      u += plain;
      n -= plain;
      continue;
    }
    size_t k = *u == '\\' ? 1 : *u >= 0x80 ? dx_utf8_ok(u, n) : 0;
    if (k) {
      fwrite(u, 1, k, out);
    } else {
      char e[8];
      size_t w = dx_escape(u, 1, e, sizeof e);
      fwrite(e, 1, w, out);
      k = 1;
    }
    u += k;
    n -= k;
  }
}

/* "%5llu %10.6f " of the number and the relative time. Microsecond times
 * (what pcap files hold) are written from the integers: the double of such
 * a time is within far less than half a microsecond of it, so printf would
 * print the same digits. Anything else goes through printf. */
static void summary_head(FILE *out, const dx_packet *p) {
  char b[64];
  char *e = b + sizeof b, *q = e;
  if (p->rel_sec >= 0 && p->rel_sec < 1000000 && p->rel_nsec >= 0 && p->rel_nsec < 1000000000 &&
      p->rel_nsec % 1000 == 0) {
    *--q = ' ';
    uint32_t us = (uint32_t)p->rel_nsec / 1000;
    for (int i = 0; i < 6; i++, us /= 10)
      *--q = (char)('0' + us % 10);
    *--q = '.';
    uint64_t sec = (uint64_t)p->rel_sec;
    do {
      *--q = (char)('0' + sec % 10);
      sec /= 10;
    } while (sec);
    while (e - q < 11) /* width 10 and the space */
      *--q = ' ';
    *--q = ' ';
    uint64_t num = p->num;
    char *start = q;
    do {
      *--q = (char)('0' + num % 10);
      num /= 10;
    } while (num);
    while (start - q < 5)
      *--q = ' ';
    fwrite(q, 1, (size_t)(e - q), out);
    return;
  }
  fprintf(out, "%5llu %10.6f ", (unsigned long long)p->num, (double)p->rel_sec + p->rel_nsec / 1e9);
}

int dx_write_summary(FILE *out, const dx_packet *p) {
  summary_head(out, p);
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
    static const char indent[] = "                                                                ";
    for (int i = 0; i < depth; i += 16)
      fwrite(indent, 1, 4 * (size_t)(depth - i < 16 ? depth - i : 16), out);
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
