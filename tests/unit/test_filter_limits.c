/* Display filters can't hurt: pathological regular expressions, deep
 * nesting, long filters and value explosions are refused or stopped, with a
 * clear message, in bounded time and memory (issue 13, point 4). Packets
 * are hand-made: an Ethernet frame of a local-experimental type whose
 * payload is 60 'a' bytes and a 'b' (the classic catastrophic-backtracking
 * subject for (a+)+$ and friends). */
#include "testutil.h"

#include <dissect/filter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static dx_session *sess;

static dx_packet *pkt_aaa(void) {
  uint8_t b[14 + 61];
  memset(b, 0xff, 6);
  memcpy(b + 6, "\x02\x00\x00\x00\x00\x02", 6);
  b[12] = 0x88;
  b[13] = 0xb5;
  memset(b + 14, 'a', 60);
  b[74] = 'b';
  return tu_dissect(&sess, 1, b, sizeof b);
}

static int compile(const char *text, dx_filter **f, dx_filter_error *e) {
  if (!sess && dx_session_new(&sess, NULL) != DX_OK)
    return -1;
  return dx_filter_compile(sess, text, f, e);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Catastrophic backtracking stops at the match limit: the test counts as
 * not matching, quickly, and the filter says a limit was hit. */
static void test_backtracking(void) {
  dx_packet *p = pkt_aaa();
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  const char *bad[] = {"frame matches \"(a+)+$\"", "frame matches \"(a|a)+$\"",
                       "frame matches \"(a*)*c\"", "frame matches \"((a+)+)+x\""};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    dx_filter *f = NULL;
    dx_filter_error e;
    CU_ASSERT_EQUAL_FATAL(compile(bad[i], &f, &e), DX_OK);
    double t0 = now();
    CU_ASSERT_EQUAL(dx_filter_match(f, p), 0);
    double dt = now() - t0;
    CU_ASSERT(dt < 5.0); /* a few tens of ms on one core; 2^60 steps unbounded */
    /* the first two backtrack; PCRE2 sees at once that the last two need a
     * byte the subject lacks: no match without reaching a limit */
    if (i < 2)
      CU_ASSERT(dx_filter_limit_hits(f) >= 1);
    dx_filter_free(f);
  }
  /* an ordinary pattern on the same bytes matches and hits no limit */
  dx_filter *f = NULL;
  dx_filter_error e;
  CU_ASSERT_EQUAL_FATAL(compile("frame matches \"A{60}B$\"", &f, &e), DX_OK);
  CU_ASSERT_EQUAL(dx_filter_match(f, p), 1); /* caseless, as tshark */
  CU_ASSERT_EQUAL(dx_filter_limit_hits(f), 0);
  dx_filter_free(f);
  CU_ASSERT_EQUAL_FATAL(compile("frame matches \"(?-i)A{60}B$\"", &f, &e), DX_OK);
  CU_ASSERT_EQUAL(dx_filter_match(f, p), 0);
  dx_filter_free(f);
  dx_packet_free(p);
}

static void expect_refused(const char *text, const char *words) {
  dx_filter *f = (dx_filter *)1;
  dx_filter_error e;
  memset(&e, 0, sizeof e);
  int rc = compile(text, &f, &e);
  CU_ASSERT_EQUAL(rc, DX_EFILTER);
  CU_ASSERT_PTR_NULL(f);
  if (rc == DX_OK)
    dx_filter_free(f);
  if (!strstr(e.message, words)) {
    fprintf(stderr, "\n%.60s...: \"%s\" lacks \"%s\"\n", text, e.message, words);
    CU_FAIL("message");
  }
}

/* Patterns that would take too much memory or are too long are refused at
 * compile time with a message; "a+++" is PCRE2's syntax error, as tshark's. */
static void test_regex_refused(void) {
  expect_refused("frame matches \"a+++\"", "Regex compilation error");
  /* 5,000 bytes of pattern: over DX_FILTER_REGEX_MAX_LEN */
  char *big = malloc(6000);
  CU_ASSERT_PTR_NOT_NULL_FATAL(big);
  strcpy(big, "frame matches \"");
  size_t n = strlen(big);
  memset(big + n, 'a', 5000);
  strcpy(big + n + 5000, "\"");
  expect_refused(big, "too long");
  /* nested counted repetitions whose compiled form is larger than the
   * compile budget: refused, not built */
  expect_refused("frame matches \"((((a{1000}){1000}){1000}){1000})\"", "Regex");
  /* 100 nested groups: over the nesting limit */
  strcpy(big, "frame matches \"");
  n = strlen(big);
  for (int i = 0; i < 100; i++)
    big[n++] = '(';
  big[n++] = 'a';
  for (int i = 0; i < 100; i++)
    big[n++] = ')';
  strcpy(big + n, "\"");
  expect_refused(big, "Regex compilation error");
  free(big);
}

/* Deep nesting of every kind is an error, never a stack overflow. */
static void test_nesting(void) {
  size_t depth = 100000;
  char *s = malloc(3 * depth + 64);
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  const char *open[] = {"(", "!", "{", "not "};
  const char *close[] = {")", "", "}", ""};
  for (int k = 0; k < 4; k++) {
    size_t n = 0;
    size_t reps = k == 3 ? 10000 : 20000; /* stays under DX_FILTER_MAX_LEN */
    for (size_t i = 0; i < reps; i++) {
      memcpy(s + n, open[k], strlen(open[k]));
      n += strlen(open[k]);
    }
    const char *mid = k == 2 ? "frame.len" : "frame";
    memcpy(s + n, mid, strlen(mid));
    n += strlen(mid);
    for (size_t i = 0; i < reps; i++) {
      memcpy(s + n, close[k], strlen(close[k]));
      n += strlen(close[k]);
    }
    if (k == 2) {
      memcpy(s + n, " == 1", 5);
      n += 5;
    }
    s[n] = 0;
    expect_refused(s, "nests too deeply");
  }
  /* a long chain of arithmetic makes a deep tree too */
  size_t n = 0;
  memcpy(s, "frame.len", 9);
  n = 9;
  for (int i = 0; i < 5000; i++) {
    memcpy(s + n, " + 1", 4);
    n += 4;
  }
  memcpy(s + n, " > 0", 5);
  expect_refused(s, "nests too deeply");
  /* 200 levels is fine */
  n = 0;
  for (int i = 0; i < 200; i++)
    s[n++] = '(';
  memcpy(s + n, "frame", 5);
  n += 5;
  for (int i = 0; i < 200; i++)
    s[n++] = ')';
  s[n] = 0;
  dx_filter *f = NULL;
  dx_filter_error e;
  CU_ASSERT_EQUAL(compile(s, &f, &e), DX_OK);
  dx_filter_free(f);
  free(s);
}

/* Too long a filter, and too many terms. */
static void test_length_and_terms(void) {
  size_t len = DX_FILTER_MAX_LEN + 10;
  char *s = malloc(len + 1);
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  memset(s, ' ', len);
  memcpy(s, "frame", 5);
  s[len] = 0;
  expect_refused(s, "too long");
  /* 20,000 "frame ||": more terms than DX_FILTER_MAX_NODES */
  size_t n = 0;
  for (int i = 0; i < 7000 && n + 16 < DX_FILTER_MAX_LEN; i++) {
    memcpy(s + n, "eth||", 5);
    n += 5;
  }
  memcpy(s + n, "eth", 4);
  /* 7000 terms is within the cap: compiles */
  dx_filter *f = NULL;
  dx_filter_error e;
  CU_ASSERT_EQUAL(compile(s, &f, &e), DX_OK);
  dx_filter_free(f);
  /* a set of 20,000 members is over it */
  n = 0;
  memcpy(s, "frame.len in {", 14);
  n = 14;
  for (int i = 0; i < 20000 && n + 8 < DX_FILTER_MAX_LEN; i++)
    n += (size_t)snprintf(s + n, 8, "%d,", i % 10);
  memcpy(s + n, "1}", 3);
  expect_refused(s, "too complex");
  free(s);
}

/* Multiplying values: many occurrences combined pairwise stay bounded by
 * DX_FILTER_MAX_VALUES, and huge or overflowing literals are refused or
 * give no value. */
static void test_values(void) {
  dx_packet *p = pkt_aaa();
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  dx_filter *f = NULL;
  dx_filter_error e;
  /* frame.len is 75: 75 * 4294967295 overflows 32 bits -> no value */
  CU_ASSERT_EQUAL_FATAL(compile("frame.len * 4294967295 > 0", &f, &e), DX_OK);
  CU_ASSERT_EQUAL(dx_filter_match(f, p), 0);
  dx_filter_free(f);
  CU_ASSERT_EQUAL_FATAL(compile("frame.len / 0 == 0 || frame.len % 0 == 0", &f, &e), DX_OK);
  CU_ASSERT_EQUAL(dx_filter_match(f, p), 0);
  dx_filter_free(f);
  CU_ASSERT_EQUAL_FATAL(compile("frame.len - 76 == -1", &f, &e), DX_OK);
  CU_ASSERT_EQUAL(dx_filter_match(f, p), 1);
  dx_filter_free(f);
  expect_refused("frame.len == 99999999999999999999999", "overflow");
  expect_refused("frame.len == 4294967296", "too big");
  dx_packet_free(p);
}

/* Ethernet + IPv4 10.0.0.1 -> 10.0.0.2 + UDP 1000 -> 2000: ip.addr occurs
 * twice, so each "&" doubles the values of an expression. */
static dx_packet *pkt_udp(void) {
  uint8_t b[14 + 20 + 8] = {0};
  memset(b, 0x02, 12);
  b[12] = 0x08;
  const uint8_t ip[20] = {0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};
  memcpy(b + 14, ip, 20);
  const uint8_t udp[8] = {0x03, 0xe8, 0x07, 0xd0, 0, 8, 0, 0};
  memcpy(b + 34, udp, 8);
  return tu_dissect(&sess, 1, b, sizeof b);
}

/* 2^16 values on each side compared pairwise would be 4 billion
 * comparisons: evaluation stops after DX_FILTER_MAX_WORK, the packet does
 * not match, and the filter counts the stop. */
static void test_pair_explosion(void) {
  dx_packet *p = pkt_udp();
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  char x[600] = "ip.addr", y[1300];
  for (int i = 0; i < 15; i++)
    strcat(x, " & ip.addr");
  snprintf(y, sizeof y, "%s == %s & 0.0.0.0", x, x);
  dx_filter *f = NULL;
  dx_filter_error e;
  CU_ASSERT_EQUAL_FATAL(compile(y, &f, &e), DX_OK);
  double t0 = now();
  CU_ASSERT_EQUAL(dx_filter_match(f, p), 0);
  CU_ASSERT(now() - t0 < 5.0);
  CU_ASSERT_EQUAL(dx_filter_limit_hits(f), 1);
  dx_filter_free(f);
  /* the same shape, small, evaluates normally */
  CU_ASSERT_EQUAL_FATAL(compile("ip.addr & ip.addr == 10.0.0.0 && ip.addr in {10.0.0.2}", &f, &e),
                        DX_OK);
  CU_ASSERT_EQUAL(dx_filter_match(f, p), 1);
  CU_ASSERT_EQUAL(dx_filter_limit_hits(f), 0);
  dx_filter_free(f);
  dx_packet_free(p);
}

static void test_teardown(void) {
  dx_session_free(sess);
  sess = NULL;
}

static CU_TestInfo tests[] = {
    {"backtracking stops", test_backtracking},
    {"regex refused", test_regex_refused},
    {"nesting", test_nesting},
    {"length and terms", test_length_and_terms},
    {"values", test_values},
    {"pair explosion", test_pair_explosion},
    {"teardown", test_teardown},
    CU_TEST_INFO_NULL,
};

int main(void) {
  return tu_run("filter_limits", tests);
}
