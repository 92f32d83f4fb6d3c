/* Colouring rules (include/dissect/colorfilter.h): Wireshark's colorfilters
 * format, "@name@filter@[bg r,g,b][fg r,g,b]" (the background first, as
 * epan/color_filters.c reads and writes it), "!" for a disabled rule, "#"
 * comments; errors name the line; rules reading fields this library lacks
 * compile and never match; the built-in defaults equal Wireshark's file
 * when one is installed. Packets are hand-made Ethernet/IPv4 frames. */
#include "netframe.h"
#include "testutil.h"

#include <dissect/colorfilter.h>
#include <dissect/filter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static dx_session *sess;
static int sentinel;
/* an out pointer's value before a call that must reset it to NULL */
#define SENTINEL ((dx_colorfilters *)(void *)&sentinel)

static dx_session *S(void) {
  if (!sess && dx_session_new(&sess, NULL) != DX_OK)
    return NULL;
  return sess;
}

/* Ethernet + IPv4 + UDP 40000 -> 7777 with 4 bytes of data. */
static dx_packet *pkt_udp(void) {
  uint8_t b[14 + 20 + 8 + 4];
  size_t o = nf_eth(b, 0x0800);
  o += nf_ip4(b + o, 17, 1, 0, NULL, 0, 12);
  const uint8_t udp[12] = {0x9c, 0x40, 0x1e, 0x61, 0x00, 0x0c, 0x00, 0x00, 'a', 'b', 'c', 'd'};
  memcpy(b + o, udp, sizeof udp);
  S();
  return tu_dissect(&sess, 1, b, sizeof b);
}

/* Ethernet + IPv4 + ICMP echo request. */
static dx_packet *pkt_icmp(void) {
  uint8_t b[14 + 20 + 8];
  size_t o = nf_eth(b, 0x0800);
  o += nf_ip4(b + o, 1, 2, 0, NULL, 0, 8);
  uint8_t icmp[8] = {8, 0, 0, 0, 0x12, 0x34, 0x00, 0x01};
  uint16_t c = nf_cksum(icmp, sizeof icmp, 0);
  icmp[2] = (uint8_t)(c >> 8);
  icmp[3] = (uint8_t)c;
  memcpy(b + o, icmp, sizeof icmp);
  S();
  return tu_dissect(&sess, 1, b, sizeof b);
}

static int parse(const char *text, dx_colorfilters **cf, char *err, size_t errlen) {
  CU_ASSERT_PTR_NOT_NULL_FATAL(S());
  return dx_colorfilters_parse(sess, text, strlen(text), cf, err, errlen);
}

static int color_is(dx_color c, unsigned r, unsigned g, unsigned b) {
  return c.r == r && c.g == g && c.b == b;
}

/* Good lines: name, filter, the background first, blanks inside the
 * colours, CRLF; the first matching rule wins. */
static void test_good_lines(void) {
  const char *text = "@ICMP@icmp || icmpv6@[64764,57568,65535][4718,10030,11796]\r\n"
                     "  @UDP here@udp.dstport == 7777@[ 1, 2 ,3 ][4,5,6]  \n"
                     "@Any UDP@udp@[0,0,0][65535,65535,65535]\n";
  dx_colorfilters *cf = NULL;
  char err[256] = "x";
  CU_ASSERT_EQUAL_FATAL(parse(text, &cf, err, sizeof err), DX_OK);
  CU_ASSERT_STRING_EQUAL(err, "");
  CU_ASSERT_EQUAL(dx_colorfilters_count(cf), 3);
  dx_colorfilter_rule r;
  CU_ASSERT_EQUAL_FATAL(dx_colorfilters_rule(cf, 0, &r), DX_OK);
  CU_ASSERT_STRING_EQUAL(r.name, "ICMP");
  CU_ASSERT_STRING_EQUAL(r.filter, "icmp || icmpv6");
  CU_ASSERT(color_is(r.bg, 64764, 57568, 65535)); /* Wireshark's pink background */
  CU_ASSERT(color_is(r.fg, 4718, 10030, 11796));  /* its dark text */
  CU_ASSERT_EQUAL(r.enabled, 1);
  CU_ASSERT_PTR_NULL(r.error);
  CU_ASSERT_EQUAL_FATAL(dx_colorfilters_rule(cf, 1, &r), DX_OK);
  CU_ASSERT_STRING_EQUAL(r.name, "UDP here");
  CU_ASSERT_STRING_EQUAL(r.filter, "udp.dstport == 7777");
  CU_ASSERT(color_is(r.bg, 1, 2, 3));
  CU_ASSERT(color_is(r.fg, 4, 5, 6));
  CU_ASSERT_EQUAL(dx_colorfilters_rule(cf, 3, &r), DX_EINVAL);
  dx_packet *u = pkt_udp(), *i = pkt_icmp();
  CU_ASSERT_PTR_NOT_NULL_FATAL(u);
  CU_ASSERT_PTR_NOT_NULL_FATAL(i);
  CU_ASSERT_EQUAL(dx_colorfilters_match(cf, i), 0);
  CU_ASSERT_EQUAL(dx_colorfilters_match(cf, u), 1);
  CU_ASSERT_EQUAL(dx_colorfilters_match(NULL, u), -1);
  /* the fields the rules read, for a terse session */
  const dx_field *fl[16];
  size_t n = dx_colorfilters_fields(cf, fl, 16);
  CU_ASSERT(n >= 3 && n <= 16);
  int has_dport = 0;
  for (size_t k = 0; k < n && k < 16; k++)
    if (fl[k] == dx_field_lookup(sess, "udp.dstport"))
      has_dport = 1;
  CU_ASSERT(has_dport);
  dx_colorfilters_free(cf);
  /* no rule matches */
  CU_ASSERT_EQUAL_FATAL(parse("@T@tcp@[1,1,1][2,2,2]\n", &cf, NULL, 0), DX_OK);
  CU_ASSERT_EQUAL(dx_colorfilters_match(cf, u), -1);
  dx_colorfilters_free(cf);
  dx_packet_free(u);
  dx_packet_free(i);
}

/* "!@...": kept, shown disabled, never matches; "! @" as Wireshark reads it. */
static void test_disabled(void) {
  const char *text = "!@UDP first@udp@[1,1,1][2,2,2]\n"
                     "! @UDP second@udp@[3,3,3][4,4,4]\n"
                     "@UDP third@udp@[5,5,5][6,6,6]\n";
  dx_colorfilters *cf = NULL;
  CU_ASSERT_EQUAL_FATAL(parse(text, &cf, NULL, 0), DX_OK);
  CU_ASSERT_EQUAL(dx_colorfilters_count(cf), 3);
  dx_colorfilter_rule r;
  dx_colorfilters_rule(cf, 0, &r);
  CU_ASSERT_EQUAL(r.enabled, 0);
  CU_ASSERT(color_is(r.bg, 1, 1, 1));
  dx_colorfilters_rule(cf, 1, &r);
  CU_ASSERT_EQUAL(r.enabled, 0);
  CU_ASSERT_STRING_EQUAL(r.name, "UDP second");
  dx_colorfilters_rule(cf, 2, &r);
  CU_ASSERT_EQUAL(r.enabled, 1);
  dx_packet *u = pkt_udp();
  CU_ASSERT_EQUAL(dx_colorfilters_match(cf, u), 2);
  dx_colorfilters_free(cf);
  /* a disabled rule's filter is not compiled: a broken one is no error */
  char err[256] = "x";
  CU_ASSERT_EQUAL_FATAL(parse("!@Broken@udp &&@[1,1,1][2,2,2]\n", &cf, err, sizeof err), DX_OK);
  CU_ASSERT_STRING_EQUAL(err, "");
  CU_ASSERT_EQUAL(dx_colorfilters_match(cf, u), -1);
  dx_colorfilters_free(cf);
  dx_packet_free(u);
}

/* Comments and blank lines are skipped but counted in line numbers. */
static void test_comments(void) {
  const char *text = "# This file was created by Wireshark. Edit with care.\n"
                     "\n"
                     "   \t\n"
                     "# @Not@a rule@[x][y]\n"
                     "@UDP@udp@[1,2,3][4,5,6]\n";
  dx_colorfilters *cf = NULL;
  CU_ASSERT_EQUAL_FATAL(parse(text, &cf, NULL, 0), DX_OK);
  CU_ASSERT_EQUAL(dx_colorfilters_count(cf), 1);
  dx_colorfilters_free(cf);
  /* an empty text, or only comments: no rule, no error */
  CU_ASSERT_EQUAL_FATAL(parse("", &cf, NULL, 0), DX_OK);
  CU_ASSERT_EQUAL(dx_colorfilters_count(cf), 0);
  dx_colorfilters_free(cf);
  char err[256];
  CU_ASSERT_EQUAL(parse("# one\n\n# three\nnot a rule\n", &cf, err, sizeof err), DX_EFILTER);
  CU_ASSERT_PTR_NULL(cf);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 4:"));
}

/* Bad colours and bad lines: an error naming the line, no rule set. */
static void test_bad_lines(void) {
  static const struct {
    const char *text;
    const char *want; /* in err */
  } bad[] = {
      {"@U@udp@[1,2,3]\n", "line 1: the colours"},
      {"@U@udp@[1,2,3][4,5]\n", "line 1: the colours"},
      {"@U@udp@[1,2,3][4,5,6,7]\n", "line 1: the colours"},
      {"@U@udp@[1,2,65536][4,5,6]\n", "line 1: the colours"},
      {"@U@udp@[1,2,-3][4,5,6]\n", "line 1: the colours"},
      {"@U@udp@[1,2,0x10][4,5,6]\n", "line 1: the colours"},
      {"@U@udp@[1,2,99999999999999999999][4,5,6]\n", "line 1: the colours"},
      {"@U@udp@(1,2,3)(4,5,6)\n", "line 1: the colours"},
      {"@U@udp@[1,2,3][4,5,6] trailing\n", "line 1: the colours"},
      {"@U@udp@[1,2,3][4,5,6\n", "line 1: the colours"},
      {"@U@udp@\n", "line 1: the colours"},
      {"#\n@U@udp\n", "line 2: no \"@\" after the rule's filter"},
      {"#\n#\n@U\n", "line 3: no \"@\" after the rule's name"},
      {"@@udp@[1,2,3][4,5,6]\n", "line 1: the rule has no name"},
      {"@U@ @[1,2,3][4,5,6]\n", "line 1: rule \"U\" has no filter"},
      {"U@udp@[1,2,3][4,5,6]\n", "line 1: a rule starts with \"@\""},
      {"!\n", "line 1: a rule starts with \"@\""},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    dx_colorfilters *cf = SENTINEL;
    char err[256] = "";
    int rc = parse(bad[i].text, &cf, err, sizeof err);
    CU_ASSERT_EQUAL(rc, DX_EFILTER);
    CU_ASSERT_PTR_NULL(cf);
    if (!strstr(err, bad[i].want))
      fprintf(stderr, "\n  case %zu: err \"%s\", want \"%s\"\n", i, err, bad[i].want);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i].want));
  }
  /* the limits of a colour are 0 and 65535 */
  dx_colorfilters *cf = NULL;
  CU_ASSERT_EQUAL_FATAL(parse("@U@udp@[0,0,0][65535,65535,65535]", &cf, NULL, 0), DX_OK);
  dx_colorfilters_free(cf);
  /* a NUL byte inside the text */
  char err[256] = "";
  static const char with_nul[] = "@U@udp@[1,2,3][4,5,6]\n@V\0@";
  CU_ASSERT_EQUAL(dx_colorfilters_parse(S(), with_nul, sizeof with_nul - 1, &cf, err, sizeof err),
                  DX_EFILTER);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 2: a NUL byte"));
  /* a control byte in a rule's name is escaped in the message */
  CU_ASSERT_EQUAL(parse("@a\033[2Jb@ @[1,2,3][4,5,6]", &cf, err, sizeof err), DX_EFILTER);
  CU_ASSERT_PTR_NULL(strchr(err, '\033'));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "a\\x1b[2Jb"));
  CU_ASSERT_EQUAL(dx_colorfilters_parse(S(), NULL, 0, &cf, err, sizeof err), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_colorfilters_parse(NULL, "", 0, &cf, err, sizeof err), DX_EINVAL);
}

/* Lines longer than DX_COLORFILTERS_MAX_LINE, more rules than
 * DX_COLORFILTERS_MAX_RULES and more text than DX_COLORFILTERS_MAX_TEXT are
 * refused; a long line under the limit is fine. */
static void test_limits(void) {
  char *t = malloc(DX_COLORFILTERS_MAX_LINE + 164);
  size_t o;
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  /* a comment just under the limit, then a rule */
  memset(t, ' ', DX_COLORFILTERS_MAX_LINE);
  t[0] = '#';
  strcpy(t + DX_COLORFILTERS_MAX_LINE, "\n@U@udp@[1,2,3][4,5,6]\n");
  dx_colorfilters *cf = NULL;
  char err[256] = "";
  CU_ASSERT_EQUAL_FATAL(parse(t, &cf, err, sizeof err), DX_OK);
  CU_ASSERT_EQUAL(dx_colorfilters_count(cf), 1);
  dx_colorfilters_free(cf);
  /* a rule line one byte over the limit, on line 2 (its filter padded
   * with blanks) */
  const char *first = "@U@udp@[1,2,3][4,5,6]\n", *tail = "udp@[1,2,3][4,5,6]";
  strcpy(t, first);
  strcat(t, "@Long@");
  o = strlen(t);
  size_t pad = strlen(first) + DX_COLORFILTERS_MAX_LINE + 1 - strlen(tail) - o;
  memset(t + o, ' ', pad);
  strcpy(t + o + pad, tail);
  strcat(t, "\n");
  CU_ASSERT_EQUAL(strlen(t), strlen(first) + DX_COLORFILTERS_MAX_LINE + 2);
  cf = SENTINEL;
  CU_ASSERT_EQUAL(parse(t, &cf, err, sizeof err), DX_ELIMIT);
  CU_ASSERT_PTR_NULL(cf);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 2: longer than"));
  free(t);
  /* DX_COLORFILTERS_MAX_RULES rules are fine, one more is not */
  size_t n = DX_COLORFILTERS_MAX_RULES + 1, cap = n * 40 + 1;
  t = malloc(cap);
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  o = 0;
  for (size_t i = 0; i < n; i++)
    o += (size_t)snprintf(t + o, cap - o, "@R%zu@udp@[1,2,3][4,5,6]\n", i);
  CU_ASSERT_EQUAL(dx_colorfilters_parse(S(), t, o, &cf, err, sizeof err), DX_ELIMIT);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "more than"));
  /* the same text without its last line */
  t[o - 1] = 0;
  char *nl = strrchr(t, '\n');
  CU_ASSERT_PTR_NOT_NULL_FATAL(nl);
  CU_ASSERT_EQUAL(dx_colorfilters_parse(S(), t, (size_t)(nl - t) + 1, &cf, err, sizeof err), DX_OK);
  CU_ASSERT_EQUAL(dx_colorfilters_count(cf), DX_COLORFILTERS_MAX_RULES);
  dx_colorfilters_free(cf);
  free(t);
  /* too much text */
  t = calloc(1, DX_COLORFILTERS_MAX_TEXT + 2);
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  memset(t, '\n', DX_COLORFILTERS_MAX_TEXT + 1);
  CU_ASSERT_EQUAL(dx_colorfilters_parse(S(), t, (size_t)-1, &cf, err, sizeof err), DX_ELIMIT);
  free(t);
}

/* The last line needs no newline (nor a CR before it). */
static void test_no_trailing_newline(void) {
  dx_colorfilters *cf = NULL;
  CU_ASSERT_EQUAL_FATAL(parse("#c\n@UDP@udp@[1,2,3][4,5,6]", &cf, NULL, 0), DX_OK);
  CU_ASSERT_EQUAL(dx_colorfilters_count(cf), 1);
  dx_colorfilter_rule r;
  dx_colorfilters_rule(cf, 0, &r);
  CU_ASSERT(color_is(r.fg, 4, 5, 6));
  dx_colorfilters_free(cf);
  CU_ASSERT_EQUAL_FATAL(parse("@UDP@udp@[1,2,3][4,5,6]\r", &cf, NULL, 0), DX_OK);
  CU_ASSERT_EQUAL(dx_colorfilters_count(cf), 1);
  dx_colorfilters_free(cf);
  /* a length that cuts the text: only those bytes are read */
  const char *text = "@UDP@udp@[1,2,3][4,5,6]\n@TCP@tcp@[1,2,3][4,5,6]\n";
  CU_ASSERT_EQUAL_FATAL(dx_colorfilters_parse(S(), text, 24, &cf, NULL, 0), DX_OK);
  CU_ASSERT_EQUAL(dx_colorfilters_count(cf), 1);
  dx_colorfilters_free(cf);
  /* cut inside the second rule's colours */
  char err[256];
  CU_ASSERT_EQUAL(dx_colorfilters_parse(S(), text, strlen(text) - 3, &cf, err, sizeof err),
                  DX_EFILTER);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 2:"));
}

/* Rules naming fields this library does not have compile (the field is
 * never present) and do not stop the others; a rule that does not compile
 * is kept disabled, with its error, and the others still work. */
static void test_unknown_fields(void) {
  const char *text = "@HSRP@hsrp.state != 8 && hsrp.state != 16@[1,1,1][1,1,1]\n"
                     "@SCTP@sctp.chunk_type eq ABORT@[2,2,2][2,2,2]\n"
                     "@Set@nosuch.field in {1 2 3} || nosuch.other not in {4}@[3,3,3][3,3,3]\n"
                     "@Broken@udp &&@[4,4,4][4,4,4]\n"
                     "@Not PIM@!pim && icmp@[5,5,5][5,5,5]\n"
                     "@UDP@udp && !(vrrp || carp)@[6,6,6][6,6,6]\n";
  dx_colorfilters *cf = NULL;
  char err[256] = "";
  CU_ASSERT_EQUAL_FATAL(parse(text, &cf, err, sizeof err), DX_OK);
  CU_ASSERT_EQUAL(dx_colorfilters_count(cf), 6);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 4: rule \"Broken\" is disabled"));
  dx_colorfilter_rule r;
  dx_colorfilters_rule(cf, 3, &r);
  CU_ASSERT_EQUAL(r.enabled, 1);
  CU_ASSERT_PTR_NOT_NULL(r.error);
  dx_colorfilters_rule(cf, 0, &r);
  CU_ASSERT_PTR_NULL(r.error);
  dx_packet *u = pkt_udp(), *i = pkt_icmp();
  CU_ASSERT_EQUAL(dx_colorfilters_match(cf, u), 5);
  CU_ASSERT_EQUAL(dx_colorfilters_match(cf, i), 4);
  dx_colorfilters_free(cf);
  dx_packet_free(u);
  dx_packet_free(i);
  /* without the flag, an unknown name is still an error of the filter */
  dx_filter *f = NULL;
  dx_filter_error fe;
  CU_ASSERT_EQUAL(dx_filter_compile(S(), "hsrp.state != 8", &f, &fe), DX_EFILTER);
  CU_ASSERT_EQUAL(
      dx_filter_compile_flags(S(), "hsrp.state != 8", DX_FILTER_UNKNOWN_ABSENT, &f, &fe), DX_OK);
  dx_filter_free(f);
  /* ... and in a function it stays one with the flag */
  CU_ASSERT_EQUAL(
      dx_filter_compile_flags(S(), "len(nosuch) > 1", DX_FILTER_UNKNOWN_ABSENT, &f, &fe),
      DX_EFILTER);
}

/* Wireshark's colorfilters file as installed (Debian: wireshark-common),
 * or DX_WIRESHARK_COLORFILTERS; NULL if none. */
static FILE *wireshark_file(void) {
  const char *env = getenv("DX_WIRESHARK_COLORFILTERS");
  if (env && *env)
    return fopen(env, "rb");
  const char *paths[] = {"/usr/share/wireshark/colorfilters",
                         "/usr/local/share/wireshark/colorfilters"};
  for (size_t i = 0; i < 2; i++) {
    FILE *fp = fopen(paths[i], "rb");
    if (fp)
      return fp;
  }
  return NULL;
}

/* The built-in rules: Wireshark 4.0's 20, all compile, in its order, equal
 * to Wireshark's own file when it is installed. */
static void test_defaults(void) {
  dx_colorfilters *def = NULL;
  char err[256] = "x";
  CU_ASSERT_EQUAL_FATAL(parse(dx_colorfilters_default_text(), &def, err, sizeof err), DX_OK);
  CU_ASSERT_STRING_EQUAL(err, "");
  CU_ASSERT_EQUAL(dx_colorfilters_count(def), 20);
  dx_colorfilter_rule r;
  for (size_t i = 0; i < dx_colorfilters_count(def); i++) {
    dx_colorfilters_rule(def, i, &r);
    CU_ASSERT_EQUAL(r.enabled, 1);
    CU_ASSERT_PTR_NULL(r.error);
  }
  dx_colorfilters_rule(def, 0, &r);
  CU_ASSERT_STRING_EQUAL(r.name, "Bad TCP");
  CU_ASSERT(color_is(r.bg, 4718, 10030, 11796));  /* black background */
  CU_ASSERT(color_is(r.fg, 63479, 34695, 34695)); /* red text */
  dx_packet *u = pkt_udp(), *i = pkt_icmp();
  int m = dx_colorfilters_match(def, u);
  CU_ASSERT_EQUAL_FATAL(dx_colorfilters_rule(def, (size_t)m, &r), DX_OK);
  CU_ASSERT_STRING_EQUAL(r.name, "UDP");
  m = dx_colorfilters_match(def, i);
  CU_ASSERT_EQUAL_FATAL(dx_colorfilters_rule(def, (size_t)m, &r), DX_OK);
  CU_ASSERT_STRING_EQUAL(r.name, "ICMP");
  dx_packet_free(u);
  dx_packet_free(i);

  FILE *fp = wireshark_file();
  if (!fp) {
    fprintf(stderr, "\n  (no Wireshark colorfilters file: defaults not compared)\n");
    dx_colorfilters_free(def);
    return;
  }
  char *buf = malloc(1 << 20);
  CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
  size_t n = fread(buf, 1, (1 << 20) - 1, fp);
  fclose(fp);
  dx_colorfilters *ws = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_colorfilters_parse(S(), buf, n, &ws, err, sizeof err), DX_OK);
  CU_ASSERT_EQUAL(dx_colorfilters_count(ws), dx_colorfilters_count(def));
  for (size_t k = 0; k < dx_colorfilters_count(ws) && k < dx_colorfilters_count(def); k++) {
    dx_colorfilter_rule a, b;
    dx_colorfilters_rule(def, k, &a);
    dx_colorfilters_rule(ws, k, &b);
    CU_ASSERT_STRING_EQUAL(a.name, b.name);
    CU_ASSERT_STRING_EQUAL(a.filter, b.filter);
    CU_ASSERT(color_is(a.fg, b.fg.r, b.fg.g, b.fg.b));
    CU_ASSERT(color_is(a.bg, b.bg.r, b.bg.g, b.bg.b));
    CU_ASSERT_EQUAL(a.enabled, b.enabled);
  }
  dx_colorfilters_free(ws);
  dx_colorfilters_free(def);
  free(buf);
}

/* The names a rule's filter takes as absent fields are listed, each once,
 * in order (dx_filter_unknown, dx_colorfilter_rule.unknown); known fields
 * and protocols are not. */
static void test_unknown_names(void) {
  dx_filter *f = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_filter_compile_flags(S(),
                                                "hsrp.state != 8 || tcp.prot == 80 || tcp || "
                                                "hsrp.state == 1 || !pim",
                                                DX_FILTER_UNKNOWN_ABSENT, &f, NULL),
                        DX_OK);
  const char *names[8];
  CU_ASSERT_EQUAL_FATAL(dx_filter_unknown(f, names, 8), 3);
  CU_ASSERT_STRING_EQUAL(names[0], "hsrp.state");
  CU_ASSERT_STRING_EQUAL(names[1], "tcp.prot");
  CU_ASSERT_STRING_EQUAL(names[2], "pim");
  dx_filter_free(f);
  /* without the flag an unknown name is an error; a known filter has none */
  CU_ASSERT_EQUAL(dx_filter_compile(S(), "tcp.prot == 80", &f, NULL), DX_EFILTER);
  CU_ASSERT_EQUAL_FATAL(dx_filter_compile(S(), "tcp.port == 80 || udp", &f, NULL), DX_OK);
  CU_ASSERT_EQUAL(dx_filter_unknown(f, names, 8), 0);
  dx_filter_free(f);
  dx_colorfilters *cf = NULL;
  CU_ASSERT_EQUAL_FATAL(
      parse("@A@udp@[1,2,3][4,5,6]\n@B@smb || nosuch.x@[1,2,3][4,5,6]", &cf, NULL, 0), DX_OK);
  dx_colorfilter_rule r;
  CU_ASSERT_EQUAL_FATAL(dx_colorfilters_rule(cf, 0, &r), DX_OK);
  CU_ASSERT_EQUAL(r.nunknown, 0);
  CU_ASSERT_EQUAL_FATAL(dx_colorfilters_rule(cf, 1, &r), DX_OK);
  CU_ASSERT_EQUAL_FATAL(r.nunknown, 2);
  CU_ASSERT_STRING_EQUAL(r.unknown[0], "smb");
  CU_ASSERT_STRING_EQUAL(r.unknown[1], "nosuch.x");
  dx_colorfilters_free(cf);
}

/* dx_colorfilters_load(): errors name the file. */
static void test_load(void) {
  char path[] = "/tmp/dx_colorfilters_XXXXXX";
  int fd = mkstemp(path);
  CU_ASSERT_FATAL(fd >= 0);
  const char *text = "@UDP@udp@[1,2,3][4,5,6]\n@Bad@udp@[1,2][4,5,6]\n";
  CU_ASSERT_EQUAL_FATAL(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
  dx_colorfilters *cf = NULL;
  char err[512] = "";
  CU_ASSERT_EQUAL(dx_colorfilters_load(S(), path, &cf, err, sizeof err), DX_EFILTER);
  CU_ASSERT_PTR_NULL(cf);
  CU_ASSERT_EQUAL(strncmp(err, path, strlen(path)), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, ": line 2: the colours"));
  FILE *fp = fopen(path, "wb");
  CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
  fputs("@UDP@udp@[1,2,3][4,5,6]", fp);
  fclose(fp);
  CU_ASSERT_EQUAL_FATAL(dx_colorfilters_load(S(), path, &cf, err, sizeof err), DX_OK);
  CU_ASSERT_EQUAL(dx_colorfilters_count(cf), 1);
  dx_colorfilters_free(cf);
  /* dx_colorfilters_read(): a file of DX_COLORFILTERS_MAX_TEXT bytes is
   * read whole and NUL-terminated, one byte more is refused */
  char *big = malloc(DX_COLORFILTERS_MAX_TEXT + 1);
  CU_ASSERT_PTR_NOT_NULL_FATAL(big);
  memset(big, '\n', DX_COLORFILTERS_MAX_TEXT + 1);
  for (size_t extra = 0; extra <= 1; extra++) {
    fp = fopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    CU_ASSERT_EQUAL(fwrite(big, 1, DX_COLORFILTERS_MAX_TEXT + extra, fp),
                    DX_COLORFILTERS_MAX_TEXT + extra);
    fclose(fp);
    char *text = NULL;
    size_t len = 0;
    int rc = dx_colorfilters_read(path, &text, &len, err, sizeof err);
    if (extra == 0) {
      CU_ASSERT_EQUAL(rc, DX_OK);
      CU_ASSERT_EQUAL(len, DX_COLORFILTERS_MAX_TEXT);
      CU_ASSERT_PTR_NOT_NULL_FATAL(text);
      CU_ASSERT_EQUAL(text[len], 0);
    } else {
      CU_ASSERT_EQUAL(rc, DX_ELIMIT);
      CU_ASSERT_PTR_NULL(text);
      CU_ASSERT_PTR_NOT_NULL(strstr(err, "more than 1048576 bytes"));
    }
    free(text);
  }
  free(big);
  unlink(path);
  CU_ASSERT_EQUAL(dx_colorfilters_load(S(), path, &cf, err, sizeof err), DX_ENOFILE);
  CU_ASSERT_EQUAL(strncmp(err, path, strlen(path)), 0);
}

static void test_teardown(void) {
  dx_session_free(sess);
  sess = NULL;
}

/* Tests on names taken as absent are false and fold away with the
 * operators above them (compile.c fold()): whatever the folding does, each
 * filter selects what its logic says on a UDP and an ICMP packet. */
static void test_absent_logic(void) {
  static const struct {
    const char *filter;
    int udp, icmp;
  } cases[] = {
      {"hsrp.state != 8 && hsrp.state != 16", 0, 0},
      {"nosuch || udp", 1, 0},
      {"udp || nosuch || nosuch2", 1, 0},
      {"!(nosuch || nosuch2)", 1, 1},
      {"!(nosuch && nosuch2) && icmp", 0, 1},
      {"nosuch || !nosuch2 && udp", 1, 0},
      {"(nosuch && udp) || icmp", 0, 1},
      {"!(nosuch && udp) && !(nosuch2 || icmp)", 1, 0},
      {"nosuch || nosuch2", 0, 0},
      {"!nosuch && !nosuch2", 1, 1},
      {"not (nosuch or (udp and nosuch2))", 1, 1},
      {"(ip.dst != 224.0.0.0/4 && ip.ttl < 255 && !pim && !ospf) || nosuch", 1, 1},
      {"udp && (nosuch.x == 1 || icmp || nosuch.y in {1 2})", 0, 0},
  };
  dx_packet *u = pkt_udp(), *i = pkt_icmp();
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    dx_filter *f = NULL;
    dx_filter_error fe;
    if (dx_filter_compile_flags(S(), cases[k].filter, DX_FILTER_UNKNOWN_ABSENT, &f, &fe) != DX_OK) {
      fprintf(stderr, "\n  %s: %s\n", cases[k].filter, fe.message);
      CU_FAIL("a filter with absent names did not compile");
      continue;
    }
    if (dx_filter_match(f, u) != cases[k].udp || dx_filter_match(f, i) != cases[k].icmp) {
      fprintf(stderr, "\n  %s: udp %d icmp %d, want %d %d\n", cases[k].filter,
              dx_filter_match(f, u), dx_filter_match(f, i), cases[k].udp, cases[k].icmp);
      CU_FAIL("an absent name changed a filter's logic");
    }
    dx_filter_free(f);
  }
  dx_packet_free(u);
  dx_packet_free(i);
}

/* A rule none of whose fields a packet has is not evaluated: it takes the
 * value its filter has without them (dx_colorfilters_match). The rule's
 * answer must be the filter's own on every packet, for filters that are
 * true, false or undecided without their fields. */
static void test_skipped_rules(void) {
  static const char *const filters[] = {
      "tcp",
      "!tcp",
      "!(tcp.port == 80)",
      "tcp.port != 80",
      "count(tcp.port) == 0",
      "len(tcp) == 0 || icmp",
      "!tcp.flags.syn && udp",
      "tcp[0] == 1",
      "!(tcp[0] & 1)",
      "icmp.type in {8}",
      "!(icmp.type in {8})",
      "icmp.type not in {0}",
      "-tcp.port == -80",
      "tcp.port + 1 == 81",
      "udp.srcport == 40000 || icmp",
      "!icmp && !udp",
      "!(tcp || arp) && !(tcp.analysis.flags && !tcp.analysis.window_update)",
      "ip.dst == 224.0.0.0/4 || !(icmp.code == 0)",
      "all tcp.port == 80",
      "!(all tcp.port == 80)",
  };
  dx_packet *u = pkt_udp(), *i = pkt_icmp();
  for (size_t k = 0; k < sizeof filters / sizeof *filters; k++) {
    char text[300];
    snprintf(text, sizeof text, "@R@%s@[1,1,1][1,1,1]\n@All@frame@[2,2,2][2,2,2]\n", filters[k]);
    dx_colorfilters *cf = NULL;
    dx_filter *f = NULL;
    dx_filter_error fe;
    CU_ASSERT_EQUAL_FATAL(parse(text, &cf, NULL, 0), DX_OK);
    CU_ASSERT_EQUAL_FATAL(dx_filter_compile(S(), filters[k], &f, &fe), DX_OK);
    for (int pk = 0; pk < 2; pk++) {
      dx_packet *p = pk ? i : u;
      int want = dx_filter_match(f, p) ? 0 : 1, got = dx_colorfilters_match(cf, p);
      if (got != want)
        fprintf(stderr, "\n  %s on %s: rule %d, want %d\n", filters[k], pk ? "icmp" : "udp", got,
                want);
      CU_ASSERT_EQUAL(got, want);
    }
    dx_filter_free(f);
    dx_colorfilters_free(cf);
  }
  dx_packet_free(u);
  dx_packet_free(i);
}

static CU_TestInfo tests[] = {
    {"good lines", test_good_lines},
    {"disabled lines", test_disabled},
    {"comments", test_comments},
    {"bad lines and colours", test_bad_lines},
    {"over-long lines and limits", test_limits},
    {"no trailing newline", test_no_trailing_newline},
    {"unknown fields", test_unknown_fields},
    {"defaults equal Wireshark's file", test_defaults},
    {"load a file", test_load},
    {"unknown names", test_unknown_names},
    {"absent names in the filter's logic", test_absent_logic},
    {"rules skipped without their fields", test_skipped_rules},
    {"teardown", test_teardown},
    CU_TEST_INFO_NULL,
};

int main(void) {
  return tu_run("colorfilter", tests);
}
