/* Random access to capture files (dx_capture_tell, dx_capture_seek), as
 * dissect-tui's index uses it: on every sample (pcap and pcapng), the
 * offset told before each frame, given back to dx_capture_seek() in another
 * order (backwards, then every seventh), reads that same frame again: the
 * same length, time and bytes. The offsets are counted without asking the
 * file's position for each frame (libdissect/core/capture.c); this checks
 * the counting against what libpcap reads. */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FRAMES 5000

typedef struct {
  int64_t off;
  dx_frame f;
  uint8_t *data;
} rec;

static char samples[600], corpus[640];
static int nfiles, nframes;
static bool in_corpus;

static bool same_frame(const rec *r, const dx_frame *f) {
  return f->caplen == r->f.caplen && f->wirelen == r->f.wirelen && f->ts_sec == r->f.ts_sec &&
         f->ts_nsec == r->f.ts_nsec && memcmp(f->data, r->data, f->caplen) == 0;
}

static void check_file(const char *path, const char *keylog) {
  (void)keylog;
  size_t len = strlen(path);
  if (!(len > 5 && strcmp(path + len - 5, ".pcap") == 0) &&
      !(len > 7 && strcmp(path + len - 7, ".pcapng") == 0))
    return;
  dx_capture *c = NULL;
  char err[512];
  if (dx_capture_open_file(&c, path, err, sizeof err) != DX_OK) {
    if (!in_corpus) /* (third-party files may be damaged beyond opening) */
      CU_FAIL("a sample does not open");
    return;
  }
  rec *r = calloc(MAX_FRAMES, sizeof *r);
  CU_ASSERT_PTR_NOT_NULL_FATAL(r);
  int n = 0;
  dx_frame f;
  while (n < MAX_FRAMES) {
    int64_t off = dx_capture_tell(c);
    CU_ASSERT(off > 0);
    if (dx_capture_next(c, &f) != 1)
      break;
    r[n].off = off;
    r[n].f = f;
    r[n].data = malloc(f.caplen ? f.caplen : 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r[n].data);
    memcpy(r[n].data, f.data, f.caplen);
    n++;
  }
  int bad = 0;
  for (int i = n - 1; i >= 0; i--) { /* backwards */
    if (dx_capture_seek(c, r[i].off) != DX_OK || dx_capture_next(c, &f) != 1 ||
        !same_frame(&r[i], &f))
      bad++;
  }
  for (int i = 0; i < n; i += 7) { /* forwards with gaps, then the frame after */
    if (dx_capture_seek(c, r[i].off) != DX_OK || dx_capture_next(c, &f) != 1 ||
        !same_frame(&r[i], &f))
      bad++;
    if (i + 1 < n) {
      int64_t off = dx_capture_tell(c);
      if (off != r[i + 1].off || dx_capture_next(c, &f) != 1 || !same_frame(&r[i + 1], &f))
        bad++;
    }
  }
  if (bad)
    fprintf(stderr, "\n  %s: %d frames not read again at their offsets\n", path, bad);
  CU_ASSERT_EQUAL(bad, 0);
  for (int i = 0; i < n; i++)
    free(r[i].data);
  free(r);
  dx_capture_close(c);
  nfiles++;
  nframes += n;
}

static void test_samples(void) {
  CU_ASSERT(tu_walk_captures(samples, check_file) >= 0);
  fprintf(stderr, "\n  %d captures, %d frames\n", nfiles, nframes);
  CU_ASSERT(nfiles >= 20);
}

/* The third-party captures (../shared/corpus beside the repository, when it
 * is there): pcap of both byte orders and time resolutions, pcapng with
 * several sections and interfaces, damaged files (read as far as they go). */
static void test_corpus(void) {
  FILE *probe = fopen(corpus, "r");
  if (!probe) {
    fprintf(stderr, "\n  no corpus at %s: skipped\n", corpus);
    return;
  }
  fclose(probe);
  nfiles = nframes = 0;
  in_corpus = true;
  CU_ASSERT(tu_walk_captures(corpus, check_file) >= 0);
  in_corpus = false;
  fprintf(stderr, "\n  %d captures, %d frames\n", nfiles, nframes);
}

static CU_TestInfo tests[] = {{"tell and seek on every sample", test_samples},
                              {"tell and seek on the corpus", test_corpus},
                              CU_TEST_INFO_NULL};

int main(void) {
  /* this file is tests/unit/test_capture_seek.c of the source tree */
  snprintf(samples, sizeof samples, "%s", __FILE__);
  char *cut = strstr(samples, "tests/unit/test_capture_seek.c");
  if (cut) {
    *cut = 0;
    snprintf(corpus, sizeof corpus, "%.600s../shared/corpus", samples);
    strcpy(cut, "samples");
  } else {
    snprintf(samples, sizeof samples, "samples");
    snprintf(corpus, sizeof corpus, "../shared/corpus");
  }
  return tu_run("capture_seek", tests);
}
