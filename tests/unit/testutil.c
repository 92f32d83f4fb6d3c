#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

dx_packet *tu_dissect(dx_session **s, int linktype, const uint8_t *bytes, size_t len) {
  if (!*s && dx_session_new(s, NULL) != DX_OK)
    return NULL;
  static uint32_t t;
  /* TU_DUMP_PCAP=FILE: every frame is appended to FILE too (a pcap of the
   * first frame's link type), to read with tshark */
  const char *dump = getenv("TU_DUMP_PCAP");
  FILE *df = dump ? fopen(dump, "ab") : NULL;
  if (df) {
    if (fseek(df, 0, SEEK_END) == 0 && ftell(df) == 0) {
      uint32_t gh[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 65535, (uint32_t)linktype};
      fwrite(gh, 4, 6, df);
    }
    uint32_t rh[4] = {1700000000, t, (uint32_t)len, (uint32_t)len};
    fwrite(rh, 4, 4, df);
    fwrite(bytes, 1, len, df);
    fclose(df);
  }
  dx_frame f = {.ts_sec = 1700000000,
                .ts_nsec = t++ * 1000,
                .caplen = (uint32_t)len,
                .wirelen = (uint32_t)len,
                .linktype = linktype,
                .data = bytes};
  dx_packet *p = NULL;
  if (dx_session_dissect(*s, &f, &p) != DX_OK)
    return NULL;
  return p;
}

const char *tu_value(const dx_packet *p, const char *name) {
  static char buf[4096];
  buf[0] = 0;
  const dx_node *n = dx_packet_find_name(p, name);
  if (n)
    dx_node_value(n, buf, sizeof buf);
  return buf;
}

int tu_count(const dx_packet *p, const char *name) {
  int c = 0;
  for (const dx_node *n = dx_packet_find_name(p, name); n; n = dx_packet_find_next(p, n))
    c++;
  return c;
}

static int any_flag(const dx_node *n, unsigned flag) {
  for (; n; n = dx_node_next(n)) {
    if (dx_node_flags(n) & flag)
      return 1;
    if (any_flag(dx_node_first_child(n), flag))
      return 1;
  }
  return 0;
}

int tu_any_flag(const dx_packet *p, unsigned flag) {
  return any_flag(dx_node_first_child(dx_packet_root(p)), flag);
}

int tu_truncate_all(int linktype, const uint8_t *bytes, size_t len) {
  int unmarked = 0;
  for (size_t n = 0; n < len; n++) {
    dx_session *s = NULL;
    uint8_t *copy = malloc(n ? n : 1);
    memcpy(copy, bytes, n);
    dx_packet *p = tu_dissect(&s, linktype, copy, n);
    if (!p) {
      unmarked++;
    } else {
      if (n > 0 && !tu_any_flag(p, DX_NODE_TRUNCATED | DX_NODE_MALFORMED))
        unmarked++;
      dx_packet_free(p);
    }
    dx_session_free(s);
    free(copy);
  }
  return unmarked;
}

static int walk_captures(const char *dir, int depth,
                         void (*fn)(const char *path, const char *keylog)) {
  DIR *d = opendir(dir);
  if (!d)
    return 0;
  int files = 0;
  struct dirent *e;
  char path[2048];
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.')
      continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    struct stat st;
    if (stat(path, &st) != 0)
      continue;
    if (S_ISDIR(st.st_mode)) {
      if (depth < 3)
        files += walk_captures(path, depth + 1, fn);
      continue;
    }
    size_t n = strlen(e->d_name);
    if (n > 7 && strcmp(e->d_name + n - 7, ".keylog") == 0)
      continue;
    char keylog[2048];
    snprintf(keylog, sizeof keylog, "%s/%.*s.keylog", dir, (int)strcspn(e->d_name, "."), e->d_name);
    FILE *k = fopen(keylog, "r");
    if (k)
      fclose(k);
    fn(path, k ? keylog : NULL);
    files++;
  }
  closedir(d);
  return files;
}

int tu_walk_captures(const char *dir, void (*fn)(const char *path, const char *keylog)) {
  return walk_captures(dir, 0, fn);
}

int tu_run(const char *suite, CU_TestInfo *tests) {
  if (CU_initialize_registry() != CUE_SUCCESS)
    return 1;
  /* TU_ONLY=NAME runs that test alone (with TU_DUMP_PCAP, a capture of
   * its frames only, to read with tshark) */
  const char *only = getenv("TU_ONLY");
  if (only && *only) {
    size_t n = 0;
    while (tests[n].pName)
      n++;
    for (size_t i = 0; i < n; i++)
      if (strcmp(tests[i].pName, only) == 0) {
        tests[0] = tests[i];
        tests[1] = (CU_TestInfo)CU_TEST_INFO_NULL;
        break;
      }
  }
  CU_SuiteInfo suites[] = {{suite, NULL, NULL, NULL, NULL, tests}, CU_SUITE_INFO_NULL};
  if (CU_register_suites(suites) != CUE_SUCCESS)
    return 1;
  CU_basic_set_mode(CU_BRM_VERBOSE);
  CU_basic_run_tests();
  unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
  CU_cleanup_registry();
  return failed ? 1 : 0;
}

const char *tu_nth(const dx_packet *p, const char *name, int i) {
  static char buf[1024];
  buf[0] = 0;
  const dx_node *n = dx_packet_find_name(p, name);
  while (n && i-- > 0)
    n = dx_packet_find_next(p, n);
  if (n)
    dx_node_value(n, buf, sizeof buf);
  return buf;
}

const char *tu_label(const dx_packet *p, const char *name) {
  static char buf[1024];
  buf[0] = 0;
  const dx_node *n = dx_packet_find_name(p, name);
  if (n)
    dx_node_label(n, buf, sizeof buf);
  return buf;
}

const char *tu_src_dir(void) {
  static char dir[512];
  if (!dir[0]) {
    snprintf(dir, sizeof dir, "%s", __FILE__);
    char *cut = strstr(dir, "/tests/unit/");
    if (cut)
      *cut = 0;
    else
      snprintf(dir, sizeof dir, "../..");
  }
  return dir;
}

dx_session *tu_open_sample(const char *name, dx_capture **c) {
  char path[700], keylog[700], err[512] = "";
  snprintf(path, sizeof path, "%s/samples/%s.pcap", tu_src_dir(), name);
  snprintf(keylog, sizeof keylog, "%s/samples/%s.keylog", tu_src_dir(), name);
  dx_config cfg;
  dx_config_init(&cfg);
  cfg.keylog_file = keylog;
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, &cfg), DX_OK);
  *c = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_capture_open_file(c, path, err, sizeof err), DX_OK);
  return s;
}
