/* -z http,stat, -z hosts, -z icmp,srt and -z icmpv6,srt: tshark 4.0's
 * statistics that are no stats_tree (tap-httpstat.c, tap-hosts.c,
 * tap-icmpstat.c, tap-icmpv6stat.c), printed in their text.
 *
 * http,stat prints its rows in the order of the GLib hash tables tshark
 * keeps them in (a status code table filled with every known code when the
 * statistic starts, a method table filled as methods come): the tables are
 * replayed here (GLib 2.74's open addressing, g_direct_hash and g_str_hash)
 * so that the rows come in the same order.
 *
 * hosts prints the names learned from DNS A and AAAA records (tshark's
 * "use captured DNS packet data for address resolution", on unless -n):
 * IPv4 first, then IPv6, each in the order the addresses were first
 * learned. tshark prints them in the order of a hash table salted at
 * random on each run, so only the set of lines can be compared. */
#include "core/dx.h"
#include "core/siphash.h"
#include "proto/http_body.h"
#include "stats_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_METHODS 10000 /* distinct request methods kept */
#define MAX_HOSTS 100000  /* distinct addresses kept */
#define MAX_RTTS 10000000 /* response times kept for the median */

/* ---- GLib's GHashTable layout (ghash.c, 2.74) ------------------------------ */

typedef struct gh {
  uint32_t *hash; /* 0 unused, else the key's hash (at least 2) */
  uint32_t *ent;  /* the entry in each used slot */
  uint32_t size, mod, mask, nnodes, noccupied;
} gh;

static const uint32_t prime_mod[] = {1,       2,       3,       7,       13,     31,     61,
                                     127,     251,     509,     1021,    2039,   4093,   8191,
                                     16381,   32749,   65521,   131071,  262139, 524287, 1048573,
                                     2097143, 4194301, 8388593, 16777213};
#define GH_MIN_SHIFT 3
#define GH_MAX_SHIFT 24

static int gh_init(gh *g) {
  memset(g, 0, sizeof *g);
  g->size = 1u << GH_MIN_SHIFT;
  g->mod = prime_mod[GH_MIN_SHIFT];
  g->mask = g->size - 1;
  g->hash = calloc(g->size, sizeof *g->hash);
  g->ent = calloc(g->size, sizeof *g->ent);
  return g->hash && g->ent ? 0 : -1;
}

static void gh_free(gh *g) {
  free(g->hash);
  free(g->ent);
}

static uint32_t gh_index(const gh *g, uint32_t h) {
  return (h * 11u) % g->mod; /* g_hash_table_hash_to_index() */
}

/* g_hash_table_resize(): the table is rehashed in place, slot by slot, an
 * entry evicting the one in its new slot, which moves on in turn. */
static int gh_resize(gh *g) {
  int shift = 0;
  for (int n = (int)(g->nnodes * 1.333); n; n >>= 1)
    shift++;
  if (shift < GH_MIN_SHIFT)
    shift = GH_MIN_SHIFT;
  if (shift > GH_MAX_SHIFT)
    return -1;
  uint32_t old = g->size, nsize = 1u << shift;
  if (nsize > old) {
    uint32_t *h = realloc(g->hash, nsize * sizeof *h);
    if (!h)
      return -1;
    g->hash = h;
    uint32_t *e = realloc(g->ent, nsize * sizeof *e);
    if (!e)
      return -1;
    g->ent = e;
    memset(g->hash + old, 0, (nsize - old) * sizeof *g->hash);
    memset(g->ent + old, 0, (nsize - old) * sizeof *g->ent);
  }
  g->size = nsize;
  g->mod = prime_mod[shift];
  g->mask = nsize - 1;
  uint32_t bits = nsize > old ? nsize : old;
  uint32_t *done = calloc((bits + 31) / 32, sizeof *done);
  if (!done)
    return -1;
#define DONE(i) (done[(i) / 32] & (1u << ((i) % 32)))
  for (uint32_t i = 0; i < old; i++) {
    uint32_t h = g->hash[i];
    if (h < 2) {
      g->hash[i] = 0;
      continue;
    }
    if (DONE(i))
      continue;
    g->hash[i] = 0;
    uint32_t e = g->ent[i];
    for (;;) {
      uint32_t idx = gh_index(g, h), step = 0;
      while (DONE(idx)) {
        step++;
        idx = (idx + step) & g->mask;
      }
      done[idx / 32] |= 1u << (idx % 32);
      uint32_t rh = g->hash[idx];
      g->hash[idx] = h;
      if (rh < 2) {
        g->ent[idx] = e;
        break;
      }
      h = rh;
      uint32_t t = g->ent[idx];
      g->ent[idx] = e;
      e = t;
    }
  }
#undef DONE
  free(done);
  g->noccupied = g->nnodes;
  return 0;
}

/* The slot of a new key of hash h (the key is not in the table). */
static int gh_insert(gh *g, uint32_t h, uint32_t e) {
  if (h < 2)
    h = 2;
  uint32_t idx = gh_index(g, h), step = 0;
  while (g->hash[idx]) {
    step++;
    idx = (idx + step) & g->mask;
  }
  g->hash[idx] = h;
  g->ent[idx] = e;
  g->nnodes++;
  g->noccupied++;
  if ((g->size > g->nnodes * 4 && g->size > (1u << GH_MIN_SHIFT)) ||
      g->size <= g->noccupied + g->noccupied / 16)
    return gh_resize(g);
  return 0;
}

static uint32_t str_hash(const char *s) { /* g_str_hash(): signed chars */
  uint32_t h = 5381;
  for (const signed char *p = (const signed char *)s; *p; p++)
    h = (h << 5) + h + (uint32_t)(int32_t)*p;
  return h;
}

/* ---- the statistics ---------------------------------------------------------- */

enum { TAP_HTTP, TAP_HOSTS, TAP_ICMP, TAP_ICMPV6 };

typedef struct code_row {
  uint32_t code;
  const char *name;
  uint32_t packets;
} code_row;

typedef struct host_row {
  char addr[48];
  char name[64]; /* MAXNAMELEN: tshark keeps 63 bytes */
  int v6;
} host_row;

struct st_tap {
  int kind;
  /* http,stat */
  code_row *codes;
  size_t ncodes;
  gh gcodes;
  char **methods;
  uint32_t *mcount;
  size_t nmethods;
  gh gmethods;
  /* the layers of the messages tapped: HTTP and SSDP (tshark's http tap
   * sees both), DNS, mDNS and LLMNR (the DNS dissector's answers name hosts) */
  const dx_field *f_layers[3];
  const dx_field *f_code, *f_method;
  /* hosts */
  int v4, v6, no_names;
  char *source;
  host_row *hosts;
  size_t nhosts, caphosts;
  uint32_t *hslots; /* address -> host + 1 */
  size_t nhslots;
  dx_hashkey key;
  const dx_field *f_a, *f_aaaa, *f_rname, *f_rclass;
  /* icmp,srt */
  const dx_field *f_icmp, *f_type, *f_resp_to, *f_resptime;
  uint32_t nrq, nrs, min_frame, max_frame;
  double min_ms, max_ms, tot_ms;
  double *rt;
  size_t nrt, caprt;
};

/* tshark 4.0's status code table: every code it names, each class closed
 * by its "Others" row (the row of a code it does not name). */
static const char *const others[6] = {NULL,
                                      "Informational - Others",
                                      "Success - Others",
                                      "Redirection - Others",
                                      "Client Error - Others",
                                      "Server Error - Others"};

static int http_init(st_tap *t) {
  size_t n = 0;
  while (dx_http_status_vals[n].name)
    n++;
  t->codes = calloc(n + 5, sizeof *t->codes);
  if (!t->codes || gh_init(&t->gcodes) != 0 || gh_init(&t->gmethods) != 0)
    return -1;
  for (size_t i = 0; i <= n; i++) {
    uint32_t c = i < n ? (uint32_t)dx_http_status_vals[i].value : 600;
    uint32_t prev = t->ncodes ? t->codes[t->ncodes - 1].code : 0;
    if (prev && c / 100 != prev / 100 && prev / 100 >= 1 && prev / 100 <= 5)
      t->codes[t->ncodes++] = (code_row){prev / 100 * 100 + 99, others[prev / 100], 0};
    if (i < n)
      t->codes[t->ncodes++] = (code_row){c, dx_http_status_vals[i].name, 0};
  }
  for (size_t i = 0; i < t->ncodes; i++)
    if (gh_insert(&t->gcodes, t->codes[i].code, (uint32_t)i) != 0)
      return -1;
  return 0;
}

int st_tap_new(dx_session *s, const char *arg, st_tap **out, const char **filter) {
  *out = NULL;
  *filter = NULL;
  int kind;
  if (strcmp(arg, "http,stat") == 0 || strncmp(arg, "http,stat,", 10) == 0) {
    kind = TAP_HTTP;
    if (arg[9])
      *filter = arg + 10;
  } else if (strcmp(arg, "hosts") == 0 || strncmp(arg, "hosts,", 6) == 0) {
    kind = TAP_HOSTS;
  } else if (strcmp(arg, "icmp,srt") == 0 || strncmp(arg, "icmp,srt,", 9) == 0) {
    kind = TAP_ICMP;
    if (arg[8])
      *filter = arg + 9;
  } else if (strcmp(arg, "icmpv6,srt") == 0 || strncmp(arg, "icmpv6,srt,", 11) == 0) {
    kind = TAP_ICMPV6;
    if (arg[10])
      *filter = arg + 11;
  } else {
    return 1;
  }
  st_tap *t = calloc(1, sizeof *t);
  if (!t)
    return -1;
  t->kind = kind;
  switch (kind) {
  case TAP_HTTP:
    if (http_init(t) != 0) {
      st_tap_free(t);
      fprintf(stderr, "dissect: -z %s: out of memory\n", arg);
      return -1;
    }
    t->f_layers[0] = dx_field_lookup(s, "http");
    t->f_layers[1] = dx_field_lookup(s, "ssdp");
    t->f_code = dx_field_lookup(s, "http.response.code");
    t->f_method = dx_field_lookup(s, "http.request.method");
    break;
  case TAP_HOSTS: {
    /* hosts[,ip|ipv4|ipv6...]: every word one of these */
    t->v4 = t->v6 = !arg[5];
    for (const char *w = arg + 6; arg[5];) {
      size_t wl = strcspn(w, ",");
      if ((wl == 2 && strncmp(w, "ip", 2) == 0) || (wl == 4 && strncmp(w, "ipv4", 4) == 0)) {
        t->v4 = 1;
      } else if (wl == 4 && strncmp(w, "ipv6", 4) == 0) {
        t->v6 = 1;
      } else {
        fprintf(stderr, "dissect: -z %s: invalid \"-z hosts[,ip|ipv4|ipv6]\" argument\n", arg);
        st_tap_free(t);
        return -1;
      }
      if (!w[wl])
        break;
      w += wl + 1;
    }
    dx_hashkey_random(&t->key);
    t->f_layers[0] = dx_field_lookup(s, "dns");
    t->f_layers[1] = dx_field_lookup(s, "mdns");
    t->f_layers[2] = dx_field_lookup(s, "llmnr");
    t->f_a = dx_field_lookup(s, "dns.a");
    t->f_aaaa = dx_field_lookup(s, "dns.aaaa");
    t->f_rname = dx_field_lookup(s, "dns.resp.name");
    t->f_rclass = dx_field_lookup(s, "dns.resp.class");
    break;
  }
  default: {
    int v6 = kind == TAP_ICMPV6;
    t->f_icmp = dx_field_lookup(s, v6 ? "icmpv6" : "icmp");
    t->f_type = dx_field_lookup(s, v6 ? "icmpv6.type" : "icmp.type");
    t->f_resp_to = dx_field_lookup(s, v6 ? "icmpv6.resp_to" : "icmp.resp_to");
    t->f_resptime = dx_field_lookup(s, v6 ? "icmpv6.resptime" : "icmp.resptime");
    t->min_ms = 4294967295.0; /* G_MAXUINT */
    break;
  }
  }
  *out = t;
  return 0;
}

void st_tap_set_source(st_tap *t, const char *name, int no_names) {
  if (t->kind != TAP_HOSTS)
    return;
  free(t->source);
  t->source = strdup(name ? name : "");
  t->no_names = no_names;
}

/* A layer inside an ICMP or ICMPv6 layer (the quoted packet of an error). */
static int quoted(const dx_node *n) {
  for (const dx_node *a = dx_node_parent(n); a; a = dx_node_parent(a)) {
    const char *nm = dx_node_name(a);
    if (nm && (strcmp(nm, "icmp") == 0 || strcmp(nm, "icmpv6") == 0))
      return 1;
  }
  return 0;
}

/* The first node of field f under n (depth-first), or NULL. */
static const dx_node *below(const dx_node *n, const dx_field *f, int depth) {
  if (!f || depth > 64)
    return NULL;
  for (const dx_node *c = dx_node_first_child(n); c; c = dx_node_next(c)) {
    if (dx_node_field(c) == f)
      return c;
    const dx_node *r = below(c, f, depth + 1);
    if (r)
      return r;
  }
  return NULL;
}

/* httpstat_packet(): one tap per HTTP message */
static void http_message(st_tap *t, const dx_node *l) {
  const dx_node *code = below(l, t->f_code, 0), *method = below(l, t->f_method, 0);
  uint32_t i = code ? (uint32_t)dx_node_uint(code) : 0;
  if (i) {
    if (i < 100 || i >= 600)
      return;
    size_t k = 0;
    while (k < t->ncodes && t->codes[k].code != i)
      k++;
    if (k == t->ncodes) /* a code tshark does not name: its class's Others */
      for (k = 0; k < t->ncodes && t->codes[k].code != i / 100 * 100 + 99;)
        k++;
    if (k < t->ncodes)
      t->codes[k].packets++;
    return;
  }
  if (!method)
    return;
  const char *m = dx_node_str(method);
  if (!m)
    return;
  if (m[0] == 'M' && m[1] == '-' && m[2]) /* tshark's tap: "M-SEARCH" is a SEARCH */
    m += 2;
  uint32_t h = str_hash(m);
  if (h < 2)
    h = 2;
  gh *g = &t->gmethods;
  for (uint32_t idx = gh_index(g, h), step = 0; g->hash[idx]; idx = (idx + ++step) & g->mask)
    if (g->hash[idx] == h && strcmp(t->methods[g->ent[idx]], m) == 0) {
      t->mcount[g->ent[idx]]++;
      return;
    }
  if (t->nmethods >= MAX_METHODS)
    return;
  char **nm = realloc(t->methods, (t->nmethods + 1) * sizeof *nm);
  if (!nm)
    return;
  t->methods = nm;
  uint32_t *nc = realloc(t->mcount, (t->nmethods + 1) * sizeof *nc);
  if (!nc)
    return;
  t->mcount = nc;
  if (!(t->methods[t->nmethods] = strdup(m)))
    return;
  t->mcount[t->nmethods] = 1;
  gh_insert(g, h, (uint32_t)t->nmethods);
  t->nmethods++;
}

/* add_ipv4_name() / add_ipv6_name(): a new address, or a new name for it */
static void host_add(st_tap *t, const char *addr, const char *name, int v6) {
  if (!name[0])
    return;
  if (2 * (t->nhosts + 1) > t->nhslots) {
    if (t->nhosts >= MAX_HOSTS)
      return;
    size_t ns = t->nhslots ? 2 * t->nhslots : 64;
    uint32_t *sl = calloc(ns, sizeof *sl);
    if (!sl)
      return;
    for (size_t i = 0; i < t->nhosts; i++) {
      size_t h = dx_siphash13(&t->key, t->hosts[i].addr, strlen(t->hosts[i].addr)) & (ns - 1);
      while (sl[h])
        h = (h + 1) & (ns - 1);
      sl[h] = (uint32_t)i + 1;
    }
    free(t->hslots);
    t->hslots = sl;
    t->nhslots = ns;
  }
  size_t h = dx_siphash13(&t->key, addr, strlen(addr)) & (t->nhslots - 1);
  for (; t->hslots[h]; h = (h + 1) & (t->nhslots - 1)) {
    host_row *r = &t->hosts[t->hslots[h] - 1];
    if (strcmp(r->addr, addr) == 0) {
      if (strcasecmp(r->name, name) != 0)
        snprintf(r->name, sizeof r->name, "%s", name);
      return;
    }
  }
  if (t->nhosts == t->caphosts) {
    size_t nc = t->caphosts ? 2 * t->caphosts : 32;
    host_row *nr = realloc(t->hosts, nc * sizeof *nr);
    if (!nr)
      return;
    t->hosts = nr;
    t->caphosts = nc;
  }
  host_row *r = &t->hosts[t->nhosts];
  snprintf(r->addr, sizeof r->addr, "%.*s", (int)sizeof r->addr - 1, addr); /* (an address fits) */
  snprintf(r->name, sizeof r->name, "%s", name);
  r->v6 = v6;
  t->hslots[h] = (uint32_t)++t->nhosts;
}

/* Every A and AAAA record of class IN in a DNS message, whatever its
 * section: its owner name for its address. */
static void dns_records(st_tap *t, const dx_node *n, int depth) {
  for (const dx_node *c = dx_node_first_child(n); c && depth < 64; c = dx_node_next(c)) {
    const dx_field *f = dx_node_field(c);
    if (f && (f == t->f_a || f == t->f_aaaa)) {
      const dx_node *nm = NULL, *cl = NULL;
      for (const dx_node *s = dx_node_first_child(n); s; s = dx_node_next(s)) {
        if (dx_node_field(s) == t->f_rname && !nm)
          nm = s;
        if (dx_node_field(s) == t->f_rclass && !cl)
          cl = s;
      }
      if (nm && cl && (dx_node_uint(cl) & 0x7fff) == 1) {
        char addr[64], name[64];
        dx_node_value(c, addr, sizeof addr);
        const char *sv = dx_node_str(nm);
        snprintf(name, sizeof name, "%s", sv ? sv : "");
        host_add(t, addr, name, f == t->f_aaaa);
      }
      continue;
    }
    dns_records(t, c, depth + 1);
  }
}

static void icmp_packet(st_tap *t, const dx_packet *p) {
  const dx_node *l = NULL;
  for (l = dx_packet_find(p, t->f_icmp); l && quoted(l); l = dx_packet_find_next(p, l))
    ;
  if (!l)
    return;
  const dx_node *ty = below(l, t->f_type, 0);
  if (!ty)
    return;
  uint64_t type = dx_node_uint(ty);
  int v6 = t->kind == TAP_ICMPV6;
  if (type == (v6 ? 128u : 8u)) { /* a request: its reply is not known yet */
    t->nrq++;
    return;
  }
  if (type != (v6 ? 129u : 0u))
    return;
  const dx_node *to = below(l, t->f_resp_to, 0), *rt = below(l, t->f_resptime, 0);
  if (!to || !rt) /* a reply to no request tshark saw */
    return;
  double ms = dx_node_double(rt);
  uint32_t frame = (uint32_t)dx_packet_number(p);
  if (t->nrt == t->caprt && t->nrt < MAX_RTTS) {
    size_t nc = t->caprt ? 2 * t->caprt : 64;
    double *nr = realloc(t->rt, nc * sizeof *nr);
    if (nr)
      t->rt = nr, t->caprt = nc;
  }
  if (t->nrt < t->caprt)
    t->rt[t->nrt++] = ms;
  t->nrs++;
  if (t->min_ms > ms)
    t->min_frame = frame, t->min_ms = ms;
  if (t->max_ms < ms)
    t->max_frame = frame, t->max_ms = ms;
  t->tot_ms += ms;
}

void st_tap_packet(st_tap *t, const dx_packet *p) {
  switch (t->kind) {
  case TAP_HTTP:
  case TAP_HOSTS:
    if (t->kind == TAP_HOSTS && t->no_names)
      return;
    for (int k = 0; k < 3; k++)
      for (const dx_node *l = t->f_layers[k] ? dx_packet_find(p, t->f_layers[k]) : NULL; l;
           l = dx_packet_find_next(p, l))
        if (!quoted(l)) {
          if (t->kind == TAP_HTTP)
            http_message(t, l);
          else
            dns_records(t, l, 0);
        }
    break;
  default:
    if (t->f_icmp && t->f_type)
      icmp_packet(t, p);
    break;
  }
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void icmp_print(st_tap *t, const char *filter, FILE *out) {
  fputs("\n==========================================================================\n", out);
  fprintf(out, "%s Service Response Time (SRT) Statistics (all times in ms):\n",
          t->kind == TAP_ICMPV6 ? "ICMPv6" : "ICMP");
  fprintf(out, "Filter: %s\n", filter ? filter : "<none>");
  fputs("\nRequests  Replies   Lost      % Loss\n", out);
  if (!t->nrq) {
    fputs("0         0         0           0.0%\n\n", out);
    fputs("Minimum   Maximum   Mean      Median    SDeviation     Min Frame Max Frame\n", out);
    fputs("0.000     0.000     0.000     0.000     0.000          0         0\n", out);
  } else {
    double mean = t->nrs ? t->tot_ms / t->nrs : 0.0, sdev = 0.0, med = 0.0;
    if (t->nrt && t->nrs) { /* the sample standard deviation, as tshark */
      double sd = 0.0;
      for (size_t i = 0; i < t->nrt; i++)
        sd += (t->rt[i] - mean) * (t->rt[i] - mean);
      sdev = t->nrs > 1 ? sqrt(sd / (t->nrs - 1)) : 0.0;
      qsort(t->rt, t->nrt, sizeof *t->rt, cmp_double);
      med = t->nrt & 1 ? t->rt[t->nrt / 2] : (t->rt[(t->nrt - 1) / 2] + t->rt[t->nrt / 2]) / 2.0;
    }
    double lost = (double)t->nrq - (double)t->nrs;
    fprintf(out, "%-10u%-10u%-10u%5.1f%%\n\n", t->nrq, t->nrs, (uint32_t)lost,
            100.0 * lost / t->nrq);
    fputs("Minimum   Maximum   Mean      Median    SDeviation     Min Frame Max Frame\n", out);
    fprintf(out, "%-10.3f%-10.3f%-10.3f%-10.3f%-10.3f     %-10u%-10u\n",
            t->min_ms >= 4294967295.0 ? 0.0 : t->min_ms, t->max_ms, mean, med, sdev, t->min_frame,
            t->max_frame);
  }
  fputs("==========================================================================\n", out);
}

void st_tap_print(st_tap *t, const char *filter, FILE *out) {
  char buf[256];
  switch (t->kind) {
  case TAP_HTTP:
    fputs("\n===================================================================\n", out);
    if (filter && *filter) {
      dx_escape((const uint8_t *)filter, strlen(filter), buf, sizeof buf);
      fprintf(out, "HTTP Statistics with filter %s\n", buf);
    } else {
      fputs("HTTP Statistics\n", out);
    }
    fputs("* HTTP Response Status Codes                Packets\n", out);
    for (uint32_t i = 0; i < t->gcodes.size; i++) {
      const code_row *r = t->gcodes.hash[i] ? &t->codes[t->gcodes.ent[i]] : NULL;
      if (r && r->packets)
        fprintf(out, "  %3u %-35s %9u\n", r->code, r->name, r->packets);
    }
    fputs("* HTTP Request Methods                      Packets\n", out);
    for (uint32_t i = 0; i < t->gmethods.size; i++) {
      if (!t->gmethods.hash[i])
        continue;
      uint32_t e = t->gmethods.ent[i];
      dx_escape((const uint8_t *)t->methods[e], strlen(t->methods[e]), buf, sizeof buf);
      fprintf(out, "  %-39s %9u \n", buf, t->mcount[e]);
    }
    fputs("===================================================================\n", out);
    break;
  case TAP_HOSTS: {
    char src[1024];
    const char *sname = t->source ? t->source : "";
    dx_escape((const uint8_t *)sname, strlen(sname), src, sizeof src);
    fprintf(out, "# TShark hosts output\n#\n# Host data gathered from %s\n\n", src);
    for (int v6 = 0; v6 < 2; v6++) {
      if (v6 ? !t->v6 : !t->v4)
        continue;
      for (size_t i = 0; i < t->nhosts; i++) {
        if (t->hosts[i].v6 != v6)
          continue;
        dx_escape((const uint8_t *)t->hosts[i].name, strlen(t->hosts[i].name), buf, sizeof buf);
        fprintf(out, "%s\t%s\n", t->hosts[i].addr, buf);
      }
    }
    break;
  }
  default: icmp_print(t, filter, out); break;
  }
}

void st_tap_free(st_tap *t) {
  if (!t)
    return;
  free(t->codes);
  gh_free(&t->gcodes);
  for (size_t i = 0; i < t->nmethods; i++)
    free(t->methods[i]);
  free(t->methods);
  free(t->mcount);
  gh_free(&t->gmethods);
  free(t->source);
  free(t->hosts);
  free(t->hslots);
  free(t->rt);
  free(t);
}
