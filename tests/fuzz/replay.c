/* Replays inputs through a libFuzzer harness without libFuzzer, so the
 * regression inputs (tests/fuzz/regress/) and the seeds run in every build,
 * with gcc too: each argument is a file or a directory of files, each file
 * one call of LLVMFuzzerTestOneInput(). A crash fails the test by itself. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "replay: cannot open %s\n", path);
    return -1;
  }
  size_t cap = 1 << 16, len = 0;
  uint8_t *buf = malloc(cap);
  for (;;) {
    if (!buf)
      abort();
    len += fread(buf + len, 1, cap - len, f);
    if (len < cap)
      break;
    cap *= 2;
    buf = realloc(buf, cap);
  }
  fclose(f);
  LLVMFuzzerTestOneInput(buf, len);
  free(buf);
  return 0;
}

static int cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
  int files = 0, bad = 0;
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      fprintf(stderr, "replay: %s: no such file\n", argv[i]);
      bad++;
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      bad += run_file(argv[i]) != 0;
      files++;
      continue;
    }
    DIR *d = opendir(argv[i]);
    if (!d) {
      bad++;
      continue;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (e->d_name[0] == '.')
        continue;
      if (n == cap) {
        cap = cap ? cap * 2 : 64;
        names = realloc(names, cap * sizeof *names);
        if (!names)
          abort();
      }
      size_t l = strlen(argv[i]) + strlen(e->d_name) + 2;
      names[n] = malloc(l);
      if (!names[n])
        abort();
      snprintf(names[n], l, "%s/%s", argv[i], e->d_name);
      n++;
    }
    closedir(d);
    if (n)
      qsort(names, n, sizeof *names, cmp);
    for (size_t k = 0; k < n; k++) {
      bad += run_file(names[k]) != 0;
      files++;
      free(names[k]);
    }
    free(names);
  }
  printf("replayed %d inputs\n", files);
  return bad ? 1 : 0;
}
