/* -z follow,tcp|udp,ascii|hex|raw,STREAM: the payload of one TCP or UDP
 * stream (tcp.stream / udp.stream index), printed as tshark 4.0's
 * tap-follow prints it: one chunk per segment or datagram, the second
 * node's chunks indented by a tab. TCP data is taken in sequence order:
 * bytes already seen (retransmissions, overlaps) are left out.
 * follow,tls: the decrypted application data records of a TCP stream (one
 * chunk per record); follow,http: per HTTP/1.x message its headers, then
 * its body (after any chunked transfer coding), as tshark's taps give them. */
#include "stats_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

enum { M_ASCII, M_HEX, M_RAW };

typedef struct chunk {
  int server;
  uint8_t *data;
  uint32_t len;
} chunk;

struct st_follow {
  int tcp;  /* else udp */
  int tls;  /* decrypted TLS application data of a TCP stream */
  int http; /* HTTP/1.x messages of a TCP stream: headers, then body */
  int mode;
  uint32_t stream;
  const dx_field *f_stream, *f_payload, *f_sport, *f_dport, *f_seq, *f_ip4s, *f_ip4d, *f_ip6s,
      *f_ip6d, *f_ctype, *f_http, *f_file;
  int have_nodes;
  st_addr addr[2];
  uint32_t port[2];
  int have_next[2];
  uint32_t next_seq[2];
  chunk *chunks;
  size_t n, cap;
  uint64_t bytes; /* kept in memory, bounded */
};

#define FOLLOW_MAX_BYTES (256u << 20)

int st_follow_new(dx_session *s, const char *args, st_follow **out) {
  *out = NULL;
  char proto[16], mode[16];
  unsigned long stream;
  char extra;
  if (sscanf(args, "%15[^,],%15[^,],%lu%c", proto, mode, &stream, &extra) != 3 ||
      stream > UINT32_MAX) {
    fprintf(stderr, "dissect: -z follow,%s: expected follow,tcp|udp,ascii|hex|raw,STREAM\n", args);
    return -1;
  }
  st_follow *fw = calloc(1, sizeof *fw);
  if (!fw)
    return -1;
  if (strcmp(proto, "tcp") == 0) {
    fw->tcp = 1;
  } else if (strcmp(proto, "tls") == 0 || strcmp(proto, "ssl") == 0) {
    fw->tcp = fw->tls = 1;
  } else if (strcmp(proto, "http") == 0) {
    fw->tcp = fw->http = 1;
  } else if (strcmp(proto, "udp") != 0) {
    fprintf(stderr, "dissect: -z follow,%s: unknown protocol (use tcp, udp, tls or http)\n", args);
    free(fw);
    return -1;
  }
  if (strcmp(mode, "ascii") == 0)
    fw->mode = M_ASCII;
  else if (strcmp(mode, "hex") == 0)
    fw->mode = M_HEX;
  else if (strcmp(mode, "raw") == 0)
    fw->mode = M_RAW;
  else {
    fprintf(stderr, "dissect: -z follow,%s: mode %s is not built (use ascii, hex or raw)\n", args,
            mode);
    free(fw);
    return -1;
  }
  fw->stream = (uint32_t)stream;
  const char *p = fw->tcp ? "tcp" : "udp";
  char name[32];
  snprintf(name, sizeof name, "%s.stream", p);
  fw->f_stream = dx_field_lookup(s, name);
  snprintf(name, sizeof name, "%s.payload", p);
  fw->f_payload = dx_field_lookup(s, name);
  snprintf(name, sizeof name, "%s.srcport", p);
  fw->f_sport = dx_field_lookup(s, name);
  snprintf(name, sizeof name, "%s.dstport", p);
  fw->f_dport = dx_field_lookup(s, name);
  fw->f_seq = dx_field_lookup(s, "tcp.seq_raw");
  fw->f_ctype = dx_field_lookup(s, "tls.record.content_type");
  fw->f_http = dx_field_lookup(s, "http");
  fw->f_file = dx_field_lookup(s, "http.file_data");
  fw->f_ip4s = dx_field_lookup(s, "ip.src");
  fw->f_ip4d = dx_field_lookup(s, "ip.dst");
  fw->f_ip6s = dx_field_lookup(s, "ipv6.src");
  fw->f_ip6d = dx_field_lookup(s, "ipv6.dst");
  *out = fw;
  return 0;
}

static int get_addr(const dx_node *n, st_addr *a) {
  memset(a, 0, sizeof *a);
  if (!n)
    return 0;
  if (dx_field_type(dx_node_field(n)) == DX_FT_IPV4) {
    uint32_t v = (uint32_t)dx_node_uint(n);
    a->b[0] = (uint8_t)(v >> 24), a->b[1] = (uint8_t)(v >> 16);
    a->b[2] = (uint8_t)(v >> 8), a->b[3] = (uint8_t)v;
    a->len = 4;
    return 1;
  }
  size_t len = 0;
  const uint8_t *b = dx_node_bytes(n, &len);
  if (!b || len != 16)
    return 0;
  memcpy(a->b, b, 16);
  a->len = 16;
  return 1;
}

static void add_chunk(st_follow *fw, int server, const uint8_t *d, uint32_t len) {
  if (!len || fw->bytes + len > FOLLOW_MAX_BYTES)
    return;
  if (fw->n == fw->cap) {
    size_t cap = fw->cap ? 2 * fw->cap : 64;
    chunk *c = realloc(fw->chunks, cap * sizeof *c);
    if (!c)
      return;
    fw->chunks = c;
    fw->cap = cap;
  }
  uint8_t *copy = malloc(len);
  if (!copy)
    return;
  memcpy(copy, d, len);
  fw->chunks[fw->n++] = (chunk){server, copy, len};
  fw->bytes += len;
}

/* The first node that points into data source src, depth first. */
static const dx_node *first_in(const dx_node *n, unsigned src, int depth) {
  for (const dx_node *c = dx_node_first_child(n); c && depth < 64; c = dx_node_next(c)) {
    if (dx_node_source(c) == src)
      return c;
    const dx_node *r = first_in(c, src, depth + 1);
    if (r)
      return r;
  }
  return NULL;
}

/* tshark's TLS follow tap: one chunk per decrypted application data
 * record. Its first node is the sender of the first packet with any
 * decrypted record (the server's encrypted handshake in TLS 1.3); it never
 * fills the second. */
static void tls_packet(st_follow *fw, const dx_packet *p, const st_addr *src, uint32_t sport) {
  size_t ns = dx_packet_source_count(p);
  int any = 0;
  for (size_t i = 1; i < ns; i++) {
    const char *nm = dx_packet_source_name(p, i);
    if (!nm || strncmp(nm, "Decrypted TLS", 13) != 0)
      continue;
    if (!any) {
      any = 1;
      if (!fw->have_nodes) {
        fw->have_nodes = 1;
        fw->addr[0] = *src, fw->port[0] = sport;
      }
    }
    /* what the plaintext holds: the record's inner content type (TLS 1.3)
     * or the first thing dissected from it */
    const dx_node *n = first_in(dx_packet_root(p), (unsigned)i, 0);
    if (n && dx_node_field(n) == fw->f_ctype) {
      if (dx_node_uint(n) != 23)
        continue;
    } else if (n) {
      const char *fn = dx_node_name(n);
      if (fn && (strncmp(fn, "tls.handshake", 13) == 0 || strncmp(fn, "tls.alert", 9) == 0 ||
                 strncmp(fn, "tls.change_cipher", 17) == 0))
        continue;
    }
    size_t len = 0;
    const uint8_t *d = dx_packet_source_data(p, i, &len);
    int server = !(sport == fw->port[0] && !memcmp(src, &fw->addr[0], sizeof *src));
    if (d && len)
      add_chunk(fw, server, d, (uint32_t)len);
  }
}

static const dx_node *first_of(const dx_node *n, const dx_field *f, int depth) {
  for (const dx_node *c = dx_node_first_child(n); c && f && depth < 64; c = dx_node_next(c)) {
    if (dx_node_field(c) == f)
      return c;
    const dx_node *r = first_of(c, f, depth + 1);
    if (r)
      return r;
  }
  return NULL;
}

/* tshark's HTTP follow tap: per message, its start line and headers up to
 * the empty line, then its body (without a chunked transfer coding). */
static void http_packet(st_follow *fw, const dx_packet *p, const st_addr *src, uint32_t sport,
                        const st_addr *dst, uint32_t dport) {
  for (const dx_node *l = dx_packet_find(p, fw->f_http); l; l = dx_packet_find_next(p, l)) {
    size_t sl = 0;
    const uint8_t *sd = dx_packet_source_data(p, dx_node_source(l), &sl);
    uint32_t off = dx_node_offset(l), len = dx_node_length(l);
    if (!sd || off > sl || len > sl - off)
      continue;
    const uint8_t *h = sd + off;
    uint32_t hl = 0;
    for (uint32_t k = 0; k + 1 < len && !hl; k++) {
      if (h[k] == '\n' && h[k + 1] == '\n')
        hl = k + 2;
      else if (k + 3 < len && !memcmp(h + k, "\r\n\r\n", 4))
        hl = k + 4;
    }
    if (!hl)
      hl = len;
    if (!fw->have_nodes) {
      fw->have_nodes = 1;
      fw->addr[0] = *src, fw->port[0] = sport;
      fw->addr[1] = *dst, fw->port[1] = dport;
    }
    int server = !(sport == fw->port[0] && !memcmp(src, &fw->addr[0], sizeof *src));
    add_chunk(fw, server, h, hl);
    const dx_node *body = first_of(l, fw->f_file, 0);
    size_t bl = 0;
    const uint8_t *bd = body ? dx_node_bytes(body, &bl) : NULL;
    if (bd && bl)
      add_chunk(fw, server, bd, (uint32_t)bl);
  }
}

void st_follow_packet(st_follow *fw, const dx_packet *p) {
  const dx_node *sn = st_last(p, fw->f_stream);
  if (!sn || (uint32_t)dx_node_uint(sn) != fw->stream)
    return;
  const dx_node *sp = st_last(p, fw->f_sport), *dp = st_last(p, fw->f_dport);
  if (!sp || !dp)
    return;
  const dx_node *as = st_last(p, fw->f_ip4s), *ad = st_last(p, fw->f_ip4d);
  const dx_node *as6 = st_last(p, fw->f_ip6s), *ad6 = st_last(p, fw->f_ip6d);
  if (as6 && (!as || dx_node_offset(as6) > dx_node_offset(as)))
    as = as6, ad = ad6;
  st_addr src, dst;
  if (!get_addr(as, &src) || !get_addr(ad, &dst))
    return;
  uint32_t sport = (uint32_t)dx_node_uint(sp), dport = (uint32_t)dx_node_uint(dp);
  if (fw->tls) {
    tls_packet(fw, p, &src, sport);
    return;
  }
  if (fw->http) {
    http_packet(fw, p, &src, sport, &dst, dport);
    return;
  }
  if (!fw->have_nodes) {
    fw->have_nodes = 1;
    fw->addr[0] = src, fw->port[0] = sport;
    fw->addr[1] = dst, fw->port[1] = dport;
  }
  int server = !(sport == fw->port[0] && !memcmp(&src, &fw->addr[0], sizeof src));
  const dx_node *pl = st_last(p, fw->f_payload);
  size_t len = 0;
  const uint8_t *d = pl ? dx_node_bytes(pl, &len) : NULL;
  if (!d || !len)
    return;
  if (fw->tcp) {
    const dx_node *sq = st_last(p, fw->f_seq);
    if (sq) {
      uint32_t seq = (uint32_t)dx_node_uint(sq), end = seq + (uint32_t)len;
      if (fw->have_next[server]) {
        int32_t ahead = (int32_t)(fw->next_seq[server] - seq); /* bytes already seen */
        if (ahead >= (int32_t)len)
          return;
        if (ahead > 0)
          d += ahead, len -= (size_t)ahead;
      }
      fw->have_next[server] = 1;
      fw->next_seq[server] = end;
    }
  }
  add_chunk(fw, server, d, (uint32_t)len);
}

static void node_str(const st_addr *a, uint32_t port, char *buf, size_t n) {
  char t[64];
  st_addr_str(a, t, sizeof t);
  if (a->len == 16)
    snprintf(buf, n, "[%s]:%" PRIu32, t, port); /* IPv6 in brackets */
  else
    snprintf(buf, n, "%s:%" PRIu32, t, port);
}

static void print_hex(FILE *out, const char *prefix, uint32_t offset, const uint8_t *d,
                      uint32_t len) {
  static const char hx[] = "0123456789abcdef";
  char line[80];
  int jj = 0, kk = 0;
  for (uint32_t ii = 0; ii < len;) {
    if (ii % 16 == 0) {
      snprintf(line, sizeof line, "%08" PRIX32, offset);
      memset(line + 8, ' ', sizeof line - 8);
      jj = 10;
      kk = 60;
    }
    uint8_t v = d[ii];
    line[jj++] = hx[v >> 4];
    line[jj++] = hx[v & 15];
    jj++;
    line[kk++] = v >= ' ' && v < 0x7f ? (char)v : '.';
    if (ii % 16 == 7) /* the gap in the middle of the line */
      jj++, kk++;
    if (++ii % 16 == 0 || ii == len) {
      if (line[kk - 1] == ' ')
        kk--;
      line[kk] = 0;
      fprintf(out, "%s%s\n", prefix, line);
      offset += 16;
    }
  }
}

void st_follow_print(st_follow *fw, FILE *out) {
  static const char sep[] = "===================================================================\n";
  static const char *const modes[] = {"ascii", "hex", "raw"};
  const char *p = fw->tcp ? "tcp" : "udp";
  fprintf(out, "\n%sFollow: %s,%s\n", sep,
          fw->tls    ? "tls"
          : fw->http ? "http"
                     : p,
          modes[fw->mode]);
  fprintf(out, "Filter: %s.stream eq %" PRIu32 "\n", p, fw->stream);
  char b[80];
  if (fw->have_nodes) {
    node_str(&fw->addr[0], fw->port[0], b, sizeof b);
    fprintf(out, "Node 0: %s\n", b);
    if (fw->tls) {
      fputs("Node 1: :0\n", out); /* as tshark 4.0 */
    } else {
      node_str(&fw->addr[1], fw->port[1], b, sizeof b);
      fprintf(out, "Node 1: %s\n", b);
    }
  } else {
    /* tshark prints an unset address this way when the stream is not found */
    fputs("Node 0: :0\nNode 1: :0\n", out);
  }
  uint32_t pos[2] = {0, 0};
  static const char hx[] = "0123456789abcdef";
  for (size_t i = 0; i < fw->n; i++) {
    const chunk *c = &fw->chunks[i];
    const char *pre = c->server ? "\t" : "";
    switch (fw->mode) {
    case M_HEX: print_hex(out, pre, pos[c->server], c->data, c->len); break;
    case M_ASCII:
      fprintf(out, "%s%" PRIu32 "\n", pre, c->len);
      for (uint32_t k = 0; k < c->len; k++) {
        uint8_t v = c->data[k];
        fputc(v == '\r' || v == '\n' || (v >= 0x20 && v < 0x7f) ? v : '.', out);
      }
      fputc('\n', out);
      break;
    default:
      fputs(pre, out);
      for (uint32_t k = 0; k < c->len; k++) {
        fputc(hx[c->data[k] >> 4], out);
        fputc(hx[c->data[k] & 15], out);
      }
      fputc('\n', out);
      break;
    }
    pos[c->server] += c->len;
  }
  fputs(sep, out);
}

void st_follow_free(st_follow *fw) {
  if (!fw)
    return;
  for (size_t i = 0; i < fw->n; i++)
    free(fw->chunks[i].data);
  free(fw->chunks);
  free(fw);
}
