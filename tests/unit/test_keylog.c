/* Unit tests of key log files read from disk (dx_session_load_keylog):
 * lines longer than the reader's 64 KiB buffer (one, and one longer than two
 * buffers) are counted malformed and skipped to their end without losing
 * the lines around them; a last line without a newline counts; comments
 * are skipped; a directory, a missing file: the status and a message
 * naming the file. The lines are NSS key log lines (CLIENT_RANDOM, a
 * 32-byte client random and a 48-byte master secret in hex, as Mozilla's
 * NSS Key Log Format describes), written here, so each count below is
 * counted by hand from what this file writes. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void put_line(FILE *f, char key, char secret, int newline) {
  fputs("CLIENT_RANDOM ", f);
  for (int i = 0; i < 64; i++)
    fputc(key, f);
  fputc(' ', f);
  for (int i = 0; i < 96; i++)
    fputc(secret, f);
  if (newline)
    fputc('\n', f);
}

static void put_long(FILE *f, size_t n) {
  fputs("CLIENT_RANDOM ", f);
  for (size_t i = 0; i < n; i++)
    fputc('a', f);
  fputc('\n', f);
}

static void test_long_lines(void) {
  char path[] = "/tmp/dx-test-keylog-XXXXXX";
  int fd = mkstemp(path);
  CU_ASSERT_FATAL(fd >= 0);
  FILE *f = fdopen(fd, "w");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  fputs("# a comment\n", f); /* line 1: skipped */
  put_line(f, 'a', '1', 1);  /* line 2: entry 1 */
  put_long(f, 70000);        /* line 3: longer than one 64 KiB buffer: malformed */
  put_line(f, 'b', '2', 1);  /* line 4: entry 2 */
  put_long(f, 140000);       /* line 5: longer than two buffers: malformed */
  fputs("\n   \t\n", f);     /* lines 6, 7: blank */
  put_line(f, 'c', '3', 0);  /* line 8, no newline: entry 3 */
  fclose(f);

  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  char err[512] = "x";
  CU_ASSERT_EQUAL(dx_session_load_keylog(s, path, err, sizeof err), DX_OK);
  CU_ASSERT_STRING_EQUAL(err, "");
  size_t entries = 0, bad = 0;
  unsigned long first_bad = 0;
  dx_session_keylog_stats(s, &entries, &bad, &first_bad);
  CU_ASSERT_EQUAL(entries, 3);
  CU_ASSERT_EQUAL(bad, 2);
  CU_ASSERT_EQUAL(first_bad, 3);

  /* the same client random again, in memory: the later secret replaces the
   * earlier (still 3 entries); a new one is added (4) */
  char text[400];
  f = fmemopen(text, sizeof text, "w");
  put_line(f, 'a', '9', 1);
  put_line(f, '0', '8', 1);
  fputc(0, f);
  fclose(f);
  dx_session_add_secrets(s, text, strlen(text));
  dx_session_keylog_stats(s, &entries, NULL, NULL);
  CU_ASSERT_EQUAL(entries, 4);
  dx_session_free(s);
  unlink(path);
}

static void test_open_errors(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  char dir[] = "/tmp/dx-test-keylog-dir-XXXXXX";
  CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
  char err[512] = "";
  /* a directory opens but does not read */
  CU_ASSERT_EQUAL(dx_session_load_keylog(s, dir, err, sizeof err), DX_EIO);
  char want[700];
  snprintf(want, sizeof want, "key log %s: Is a directory", dir);
  CU_ASSERT_STRING_EQUAL(err, want);
  char missing[600];
  snprintf(missing, sizeof missing, "%s/none.keylog", dir);
  CU_ASSERT_EQUAL(dx_session_load_keylog(s, missing, err, sizeof err), DX_ENOFILE);
  snprintf(want, sizeof want, "key log %s: No such file or directory", missing);
  CU_ASSERT_STRING_EQUAL(err, want);
  CU_ASSERT_EQUAL(dx_session_load_keylog(s, NULL, err, sizeof err), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_session_load_keylog(NULL, dir, NULL, 0), DX_EINVAL);
  /* a session given a key log it cannot read does not open */
  dx_config cfg;
  dx_config_init(&cfg);
  cfg.keylog_file = missing;
  dx_session *s2 = NULL;
  CU_ASSERT_EQUAL(dx_session_new(&s2, &cfg), DX_ENOFILE);
  CU_ASSERT_PTR_NULL(s2);
  rmdir(dir);
  dx_session_free(s);
}

/* The HTTP requests session s decrypts in samples/https-tls12.pcap. */
static int requests_decrypted(dx_session *s) {
  char path[700], err[512] = "";
  snprintf(path, sizeof path, "%s/samples/https-tls12.pcap", tu_src_dir());
  dx_capture *c = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_capture_open_file(&c, path, err, sizeof err), DX_OK);
  int n = 0;
  dx_frame f;
  while (dx_capture_next(c, &f) == 1) {
    dx_packet *p = NULL;
    CU_ASSERT_FATAL(dx_session_dissect(s, &f, &p) == DX_OK);
    n += tu_count(p, "http.request.method");
    dx_packet_free(p);
  }
  dx_capture_close(c);
  return n;
}

/* dx_session_copy_secrets: a session given a copy of another's key log
 * decrypts what the other does, and the two stores go on apart. */
static void test_copy_secrets(void) {
  char kl[700], err[512] = "";
  snprintf(kl, sizeof kl, "%s/samples/https-tls12.keylog", tu_src_dir());
  dx_session *a = NULL, *b = NULL, *none = NULL;
  CU_ASSERT_FATAL(dx_session_new(&a, NULL) == DX_OK);
  CU_ASSERT_FATAL(dx_session_new(&b, NULL) == DX_OK);
  CU_ASSERT_FATAL(dx_session_new(&none, NULL) == DX_OK);
  CU_ASSERT_EQUAL_FATAL(dx_session_load_keylog(a, kl, err, sizeof err), DX_OK);
  CU_ASSERT_EQUAL(dx_session_copy_secrets(b, a), DX_OK);
  size_t na = 0, nb = 0, bad = 0;
  unsigned long first = 0;
  dx_session_keylog_stats(a, &na, &bad, &first);
  dx_session_keylog_stats(b, &nb, &bad, &first);
  CU_ASSERT(na > 0);
  CU_ASSERT_EQUAL(nb, na);
  int with_a = requests_decrypted(a), with_b = requests_decrypted(b);
  CU_ASSERT(with_a > 0);
  CU_ASSERT_EQUAL(with_b, with_a);
  CU_ASSERT_EQUAL(requests_decrypted(none), 0); /* (without secrets: none) */
  /* a line added to the copy is the copy's only */
  const char *line = "CLIENT_RANDOM "
                     "0101010101010101010101010101010101010101010101010101010101010101 "
                     "02020202020202020202020202020202020202020202020202020202020202020202"
                     "0202020202020202020202020202\n";
  CU_ASSERT_EQUAL(dx_session_add_secrets(b, line, strlen(line)), DX_OK);
  dx_session_keylog_stats(a, &na, &bad, &first);
  dx_session_keylog_stats(b, &nb, &bad, &first);
  CU_ASSERT_EQUAL(nb, na + 1);
  /* copying from a session with no key log leaves none */
  CU_ASSERT_EQUAL(dx_session_copy_secrets(b, none), DX_OK);
  dx_session_keylog_stats(b, &nb, &bad, &first);
  CU_ASSERT_EQUAL(nb, 0);
  CU_ASSERT_EQUAL(dx_session_copy_secrets(a, a), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_session_copy_secrets(NULL, a), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_session_copy_secrets(b, NULL), DX_EINVAL);
  dx_session_free(a);
  dx_session_free(b);
  dx_session_free(none);
}

int main(void) {
  CU_TestInfo tests[] = {
      {"key log files: long lines, comments, last line", test_long_lines},
      {"key log files: a directory, a missing file", test_open_errors},
      {"dx_session_copy_secrets: the same secrets, stores apart", test_copy_secrets},
      CU_TEST_INFO_NULL};
  return tu_run("keylog", tests);
}
