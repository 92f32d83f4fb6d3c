/* Colouring rules (include/dissect/colorfilter.h): Wireshark's colorfilters
 * file format, parsed line by line with explicit lengths, each filter
 * compiled by the display-filter engine with DX_FILTER_UNKNOWN_ABSENT. */
#include "../core/dx.h"
#include "filter_int.h"

#include <dissect/colorfilter.h>
#include <dissect/filter.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Wireshark 4.0's default colouring rules (its colorfilters file), in its
 * order, equal to the rules of the colorfilters file Wireshark 4.0 installs
 * (tests/unit/test_colorfilter.c compares them when that file is there). Of
 * the fields they read, this library does not dissect hsrp, stp, ospf,
 * sctp, pim, vrrp, carp, eth.fcs, mstp, cdp, edp, wlan.fcs.status, stt,
 * smb, nbss, nbns, netbios, dcerpc, eigrp, bgp, gvrp, igmp, ismp,
 * systemd_journal and sysdig: those tests are false ("!pim" true), so the
 * HSRP, Spanning Tree, OSPF, SCTP ABORT, SMB, DCERPC, Routing and System
 * Event rules never match, and the others match on the fields we have. */
static const char default_rules[] =
    "# Wireshark 4.0's default colouring rules\n"
    "@Bad TCP@tcp.analysis.flags && !tcp.analysis.window_update && !tcp.analysis.keep_alive && "
    "!tcp.analysis.keep_alive_ack@[4718,10030,11796][63479,34695,34695]\n"
    "@HSRP State Change@hsrp.state != 8 && hsrp.state != 16@[4718,10030,11796][65535,64764,40092]\n"
    "@Spanning Tree Topology  Change@stp.type == 0x80@[4718,10030,11796][65535,64764,40092]\n"
    "@OSPF State Change@ospf.msg != 1@[4718,10030,11796][65535,64764,40092]\n"
    "@ICMP errors@icmp.type in { 3..5, 11 } || icmpv6.type in { 1..4 }"
    "@[4718,10030,11796][47031,63479,29812]\n"
    "@ARP@arp@[64250,61680,55255][4718,10030,11796]\n"
    "@ICMP@icmp || icmpv6@[64764,57568,65535][4718,10030,11796]\n"
    "@TCP RST@tcp.flags.reset eq 1@[42148,0,0][65535,64764,40092]\n"
    "@SCTP ABORT@sctp.chunk_type eq ABORT@[42148,0,0][65535,64764,40092]\n"
    "@TTL low or unexpected@(ip.dst != 224.0.0.0/4 && ip.ttl < 5 && !pim && !ospf) || "
    "(ip.dst == 224.0.0.0/24 && ip.dst != 224.0.0.251 && ip.ttl != 1 && !(vrrp || carp))"
    "@[42148,0,0][60652,61680,60395]\n"
    "@Checksum Errors@eth.fcs.status==\"Bad\" || ip.checksum.status==\"Bad\" || "
    "tcp.checksum.status==\"Bad\" || udp.checksum.status==\"Bad\" || "
    "sctp.checksum.status==\"Bad\" || mstp.checksum.status==\"Bad\" || "
    "cdp.checksum.status==\"Bad\" || edp.checksum.status==\"Bad\" || wlan.fcs.status==\"Bad\" || "
    "stt.checksum.status==\"Bad\"@[4718,10030,11796][63479,34695,34695]\n"
    "@SMB@smb || nbss || nbns || netbios@[65278,65535,53456][4718,10030,11796]\n"
    "@HTTP@http || tcp.port == 80 || http2@[58596,65535,51143][4718,10030,11796]\n"
    "@DCERPC@dcerpc@[51199,38706,65533][4718,10030,11796]\n"
    "@Routing@hsrp || eigrp || ospf || bgp || cdp || vrrp || carp || gvrp || igmp || ismp"
    "@[65534,62325,54808][4718,10030,11796]\n"
    "@TCP SYN/FIN@tcp.flags & 0x02 || tcp.flags.fin == 1@[41026,41026,41026][4718,10030,11796]\n"
    "@TCP@tcp@[59345,58980,65535][4718,10030,11796]\n"
    "@UDP@udp@[56026,61166,65535][4718,10030,11796]\n"
    "@Broadcast@eth[0] & 1@[65535,65535,65535][47802,48573,46774]\n"
    "@System Event@systemd_journal || sysdig@[59110,59110,59110][11565,28527,39578]\n";

typedef struct cf_rule {
  char *name, *filter, *error;
  dx_color fg, bg;
  int enabled;
  dx_filter *f; /* NULL when disabled or not compiled */
  bool never;   /* f folded to false (names only what is not dissected) */
  /* the Bloom filter of f's fields (dx_field_bloom_add), and what f gives
   * on a packet that has none of them (dx_flt_absent_value; -1: evaluate):
   * the packet's filter of its nodes' fields, made with its find index,
   * tells at once that most rules cannot see theirs (a TCP packet has no
   * ARP, ICMP or analysis field), and those rules are not evaluated */
  uint64_t bloom[4];
  int absent;
} cf_rule;

struct dx_colorfilters {
  cf_rule *rules;
  size_t n;
  const dx_field **fields;
  uint32_t *needs; /* what the rules read of fields[i] (dx_colorfilters_field_needs) */
  size_t nfields;
};

const char *dx_colorfilters_default_text(void) {
  return default_rules;
}

static void seterr(char *err, size_t errlen, const char *fmt, ...) DX_PRINTF(3, 4);
static void seterr(char *err, size_t errlen, const char *fmt, ...) {
  if (!err || !errlen)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}

static char *dupn(const char *s, size_t n) {
  char *d = malloc(n + 1);
  if (d) {
    memcpy(d, s, n);
    d[n] = 0;
  }
  return d;
}

/* "[r,g,b]" at *pp (blanks allowed around the numbers), each 0..65535. */
static int parse_color(const char **pp, const char *end, dx_color *c) {
  const char *p = *pp;
  unsigned v[3];
  if (p >= end || *p != '[')
    return -1;
  p++;
  for (int k = 0; k < 3; k++) {
    while (p < end && (*p == ' ' || *p == '\t'))
      p++;
    unsigned long x = 0;
    int digits = 0;
    while (p < end && *p >= '0' && *p <= '9' && digits < 6) {
      x = x * 10 + (unsigned long)(*p - '0');
      p++;
      digits++;
    }
    if (!digits || x > 65535)
      return -1;
    v[k] = (unsigned)x;
    while (p < end && (*p == ' ' || *p == '\t'))
      p++;
    if (p >= end || *p != (k < 2 ? ',' : ']'))
      return -1;
    p++;
  }
  c->r = (uint16_t)v[0];
  c->g = (uint16_t)v[1];
  c->b = (uint16_t)v[2];
  *pp = p;
  return 0;
}

static void add_fields(dx_colorfilters *cf, const dx_filter *f, size_t *cap) {
  size_t n = dx_filter_fields(f, NULL, 0);
  if (n == 0)
    return;
  const dx_field **tmp = malloc(n * sizeof *tmp);
  uint32_t *tneeds = malloc(n * sizeof *tneeds);
  if (!tmp || !tneeds) {
    free(tmp);
    free(tneeds);
    return;
  }
  dx_filter_fields(f, tmp, n);
  dx_filter_field_needs(f, tneeds, n);
  for (size_t i = 0; i < n; i++) {
    size_t j = 0;
    while (j < cf->nfields && cf->fields[j] != tmp[i])
      j++;
    if (j < cf->nfields) {
      if (tneeds[i] > cf->needs[j])
        cf->needs[j] = tneeds[i];
      continue;
    }
    if (cf->nfields == *cap) {
      size_t nc = *cap ? *cap * 2 : 32;
      const dx_field **nf = realloc(cf->fields, nc * sizeof *nf);
      if (!nf)
        break;
      cf->fields = nf;
      uint32_t *nn = realloc(cf->needs, nc * sizeof *nn);
      if (!nn)
        break;
      cf->needs = nn;
      *cap = nc;
    }
    cf->needs[cf->nfields] = tneeds[i];
    cf->fields[cf->nfields++] = tmp[i];
  }
  free(tmp);
  free(tneeds);
}

/* name with control bytes, '"' and '\\' as \xNN, shortened to fit: rule
 * names reach error messages, which reach a terminal. */
static const char *esc_name(const char *s, size_t n, char *out, size_t outlen) {
  size_t o = 0;
  for (size_t i = 0; i < n && o + 5 < outlen; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
      o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", c);
    else
      out[o++] = (char)c;
  }
  out[o] = 0;
  return out;
}

/* One line (without its newline): 1 a rule was added, 0 blank or comment,
 * -1 not a rule (err says why), DX_ELIMIT, DX_ENOMEM. The format is
 * Wireshark's (epan/color_filters.c, read_filters_file()):
 * "@name@filter@[bg r,g,b][fg r,g,b]", "!" before it for a disabled rule,
 * the background first. Wireshark skips a line it cannot read; here it is an
 * error, so that a mistake in a hand-written file is not silently lost. */
static int parse_line(const dx_session *s, dx_colorfilters *cf, const char *line, size_t len,
                      size_t lineno, char *err, size_t errlen, int *had_filter_error) {
  const char *p = line, *end = line + len;
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
    p++;
  while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
    end--;
  if (p == end || *p == '#')
    return 0;
  int enabled = 1;
  if (*p == '!') {
    enabled = 0;
    p++;
    while (p < end && (*p == ' ' || *p == '\t'))
      p++;
  }
  if (p >= end || *p != '@') {
    seterr(err, errlen, "line %zu: a rule starts with \"@\" (or \"!@\" when disabled)", lineno);
    return -1;
  }
  const char *name = ++p;
  while (p < end && *p != '@')
    p++;
  if (p >= end) {
    seterr(err, errlen, "line %zu: no \"@\" after the rule's name", lineno);
    return -1;
  }
  size_t namelen = (size_t)(p - name);
  if (namelen == 0) {
    seterr(err, errlen, "line %zu: the rule has no name (\"@@\")", lineno);
    return -1;
  }
  const char *filt = ++p;
  while (p < end && *p != '@')
    p++;
  if (p >= end) {
    seterr(err, errlen, "line %zu: no \"@\" after the rule's filter", lineno);
    return -1;
  }
  size_t filtlen = (size_t)(p - filt);
  const char *q = filt;
  while (q < p && (*q == ' ' || *q == '\t'))
    q++;
  if (q == p) {
    /* an empty filter would match every packet */
    char en[200];
    seterr(err, errlen, "line %zu: rule \"%s\" has no filter", lineno,
           esc_name(name, namelen, en, sizeof en));
    return -1;
  }
  p++;
  dx_color fg, bg; /* Wireshark writes the background first */
  if (parse_color(&p, end, &bg) != 0 || parse_color(&p, end, &fg) != 0 || p != end) {
    seterr(err, errlen,
           "line %zu: the colours must be [R,G,B][R,G,B] (background, foreground; 0-65535)",
           lineno);
    return -1;
  }
  if (cf->n >= DX_COLORFILTERS_MAX_RULES) {
    seterr(err, errlen, "line %zu: more than %d rules", lineno, DX_COLORFILTERS_MAX_RULES);
    return DX_ELIMIT;
  }
  cf_rule *r = &cf->rules[cf->n];
  memset(r, 0, sizeof *r);
  r->name = dupn(name, namelen);
  r->filter = dupn(filt, filtlen);
  if (!r->name || !r->filter) {
    free(r->name);
    free(r->filter);
    return DX_ENOMEM;
  }
  r->fg = fg;
  r->bg = bg;
  r->enabled = enabled;
  cf->n++;
  if (!enabled)
    return 1;
  dx_filter_error fe;
  int rc = dx_filter_compile_flags(s, r->filter, DX_FILTER_UNKNOWN_ABSENT, &r->f, &fe);
  if (rc == DX_ENOMEM)
    return DX_ENOMEM;
  if (rc != DX_OK) {
    char msg[300];
    snprintf(msg, sizeof msg, "%s", rc == DX_EFILTER ? fe.message : dx_strerror(rc));
    r->error = dupn(msg, strlen(msg));
    if (!*had_filter_error) {
      char en[200];
      seterr(err, errlen, "line %zu: rule \"%s\" is disabled: %s", lineno,
             esc_name(r->name, namelen, en, sizeof en), msg);
    }
    *had_filter_error = 1;
    r->f = NULL;
  }
  r->never = r->f && dx_flt_never(r->f);
  return 1;
}

/* Each rule's Bloom filter of its fields and its value without them. */
static void prune_setup(dx_colorfilters *cf) {
  for (size_t i = 0; i < cf->n; i++) {
    cf_rule *r = &cf->rules[i];
    r->absent = -1;
    if (!r->f || r->never)
      continue;
    size_t nf = dx_filter_fields(r->f, NULL, 0);
    const dx_field *fs[64];
    if (nf > 64)
      continue;
    dx_filter_fields(r->f, fs, nf);
    for (size_t k = 0; k < nf; k++)
      dx_field_bloom_add(r->bloom, fs[k]);
    r->absent = dx_flt_absent_value(r->f);
  }
}

int dx_colorfilters_parse(const dx_session *s, const char *text, size_t len, dx_colorfilters **out,
                          char *err, size_t errlen) {
  if (err && errlen)
    err[0] = 0;
  if (!out)
    return DX_EINVAL;
  *out = NULL;
  if (!s || !text)
    return DX_EINVAL;
  if (len == (size_t)-1)
    len = strnlen(text, (size_t)DX_COLORFILTERS_MAX_TEXT + 1);
  if (len > DX_COLORFILTERS_MAX_TEXT) {
    seterr(err, errlen, "more than %u bytes of colouring rules", DX_COLORFILTERS_MAX_TEXT);
    return DX_ELIMIT;
  }
  dx_colorfilters *cf = calloc(1, sizeof *cf);
  if (!cf)
    return DX_ENOMEM;
  cf->rules = calloc(DX_COLORFILTERS_MAX_RULES, sizeof *cf->rules);
  if (!cf->rules) {
    free(cf);
    return DX_ENOMEM;
  }
  int had_filter_error = 0, rc = DX_OK;
  size_t lineno = 0, capf = 0;
  for (size_t pos = 0; pos < len;) {
    const char *nl = memchr(text + pos, '\n', len - pos);
    size_t l = nl ? (size_t)(nl - (text + pos)) : len - pos;
    lineno++;
    if (l > DX_COLORFILTERS_MAX_LINE) {
      seterr(err, errlen, "line %zu: longer than %u bytes", lineno, DX_COLORFILTERS_MAX_LINE);
      rc = DX_ELIMIT;
      break;
    }
    if (memchr(text + pos, 0, l)) {
      seterr(err, errlen, "line %zu: a NUL byte", lineno);
      rc = DX_EFILTER;
      break;
    }
    int r = parse_line(s, cf, text + pos, l, lineno, err, errlen, &had_filter_error);
    if (r == -1) {
      rc = DX_EFILTER;
      break;
    }
    if (r < 0) {
      rc = r;
      break;
    }
    if (r == 1 && cf->rules[cf->n - 1].f)
      add_fields(cf, cf->rules[cf->n - 1].f, &capf);
    pos += l + (nl ? 1 : 0);
  }
  if (rc != DX_OK) {
    dx_colorfilters_free(cf);
    return rc;
  }
  prune_setup(cf);
  *out = cf;
  return DX_OK;
}

int dx_colorfilters_read(const char *path, char **text, size_t *len, char *err, size_t errlen) {
  if (text)
    *text = NULL;
  if (len)
    *len = 0;
  if (!path || !text || !len)
    return DX_EINVAL;
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    seterr(err, errlen, "%s: %s", path, strerror(errno));
    return DX_ENOFILE;
  }
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap + 1);
  int rc = buf ? DX_OK : DX_ENOMEM;
  while (rc == DX_OK) {
    if (n > DX_COLORFILTERS_MAX_TEXT) { /* (one byte past the limit is read) */
      seterr(err, errlen, "%s: more than %u bytes", path, DX_COLORFILTERS_MAX_TEXT);
      rc = DX_ELIMIT;
      break;
    }
    if (n == cap) {
      size_t ncap = cap * 2 > (size_t)DX_COLORFILTERS_MAX_TEXT + 1
                        ? (size_t)DX_COLORFILTERS_MAX_TEXT + 1
                        : cap * 2;
      char *nb = realloc(buf, ncap + 1);
      if (!nb) {
        rc = DX_ENOMEM;
        break;
      }
      buf = nb;
      cap = ncap;
    }
    size_t got = fread(buf + n, 1, cap - n, fp);
    n += got;
    if (got == 0) {
      if (ferror(fp)) {
        seterr(err, errlen, "%s: %s", path, strerror(errno));
        rc = DX_EIO;
      }
      break;
    }
  }
  fclose(fp);
  if (rc != DX_OK) {
    if (rc == DX_ENOMEM)
      seterr(err, errlen, "%s: out of memory", path);
    free(buf);
    return rc;
  }
  buf[n] = 0;
  *text = buf;
  *len = n;
  return DX_OK;
}

int dx_colorfilters_load(const dx_session *s, const char *path, dx_colorfilters **out, char *err,
                         size_t errlen) {
  if (out)
    *out = NULL;
  if (!s || !path || !out)
    return DX_EINVAL;
  char *buf = NULL;
  size_t n = 0;
  int rc = dx_colorfilters_read(path, &buf, &n, err, errlen);
  if (rc == DX_OK) {
    char e[400] = "";
    rc = dx_colorfilters_parse(s, buf, n, out, e, sizeof e);
    if (e[0])
      seterr(err, errlen, "%s: %s", path, e);
  }
  free(buf);
  return rc;
}

size_t dx_colorfilters_count(const dx_colorfilters *cf) {
  return cf ? cf->n : 0;
}

int dx_colorfilters_rule(const dx_colorfilters *cf, size_t i, dx_colorfilter_rule *out) {
  if (!cf || !out || i >= cf->n)
    return DX_EINVAL;
  const cf_rule *r = &cf->rules[i];
  out->name = r->name;
  out->filter = r->filter;
  out->fg = r->fg;
  out->bg = r->bg;
  out->enabled = r->enabled;
  out->error = r->error;
  out->nunknown = r->f ? dx_filter_unknown(r->f, out->unknown, DX_ARRAY_LEN(out->unknown)) : 0;
  if (out->nunknown > DX_ARRAY_LEN(out->unknown))
    out->nunknown = DX_ARRAY_LEN(out->unknown);
  return DX_OK;
}

int dx_colorfilters_match(const dx_colorfilters *cf, const dx_packet *p) {
  if (!cf || !p)
    return -1;
  bool indexed = dx_packet_index_fields(p); /* (the rules' look-ups use it too) */
  for (size_t i = 0; i < cf->n; i++) {
    const cf_rule *r = &cf->rules[i];
    if (!r->f || r->never)
      continue;
    if (indexed && r->absent >= 0 && !dx_packet_may_have(p, r->bloom)) {
      if (r->absent)
        return (int)i;
      continue;
    }
    if (dx_filter_match(r->f, p))
      return (int)i;
  }
  return -1;
}

size_t dx_colorfilters_fields(const dx_colorfilters *cf, const dx_field **out, size_t n) {
  if (!cf)
    return 0;
  for (size_t i = 0; i < cf->nfields && i < n; i++)
    out[i] = cf->fields[i];
  return cf->nfields;
}

size_t dx_colorfilters_field_needs(const dx_colorfilters *cf, uint32_t *out, size_t n) {
  if (!cf)
    return 0;
  for (size_t i = 0; i < cf->nfields && i < n; i++)
    out[i] = cf->needs[i];
  return cf->nfields;
}

void dx_colorfilters_free(dx_colorfilters *cf) {
  if (!cf)
    return;
  for (size_t i = 0; i < cf->n; i++) {
    dx_filter_free(cf->rules[i].f);
    free(cf->rules[i].name);
    free(cf->rules[i].filter);
    free(cf->rules[i].error);
  }
  free(cf->rules);
  free(cf->fields);
  free(cf->needs);
  free(cf);
}
