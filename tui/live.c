/*
 * Live capture (-i IFACE [-f BPF]): a thread reads frames from libpcap and
 * appends them to a temporary pcap file (nanosecond pcap format, written
 * with plain stdio); the index reads that file like any other, so random
 * access, re-dissection and filters work the same on a live capture. The
 * thread publishes how many complete records the file holds; the indexer
 * never reads past them.
 */
#include "ui.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct live_cap {
  dx_capture *c;
  FILE *out;
  pindex *ix;
  pthread_t th;
  int running;
  size_t count;
  char err[512];
};

static int put32(FILE *f, uint32_t v) {
  return fwrite(&v, 4, 1, f) == 1 ? 0 : -1;
}
static int put16(FILE *f, uint16_t v) {
  return fwrite(&v, 2, 1, f) == 1 ? 0 : -1;
}

static void *reader(void *arg) {
  live_cap *lc = arg;
  for (;;) {
    dx_frame f;
    int rc = dx_capture_next(lc->c, &f);
    if (rc == 0)
      break; /* stopped */
    if (rc < 0) {
      snprintf(lc->err, sizeof lc->err, "%s", dx_capture_error(lc->c));
      break;
    }
    if (put32(lc->out, (uint32_t)f.ts_sec) || put32(lc->out, f.ts_nsec) ||
        put32(lc->out, f.caplen) || put32(lc->out, f.wirelen) ||
        fwrite(f.data, 1, f.caplen, lc->out) != f.caplen || fflush(lc->out) != 0) {
      snprintf(lc->err, sizeof lc->err, "writing the capture to a temporary file failed");
      break;
    }
    lc->count++;
    __atomic_store_n(&lc->ix->live_avail, lc->count, __ATOMIC_RELEASE);
  }
  return NULL;
}

int live_start(live_cap **out, const char *iface, const char *bpf, const char *run_as, pindex *ix,
               char *path, size_t pathlen, char *err, size_t errlen) {
  *out = NULL;
  live_cap *lc = calloc(1, sizeof *lc);
  if (!lc) {
    snprintf(err, errlen, "out of memory");
    return DX_ENOMEM;
  }
  int rc = dx_capture_open_live(&lc->c, iface, bpf, 0, err, errlen);
  if (rc != DX_OK) {
    free(lc);
    return rc;
  }
  /* as root: the interface is open, run on as an ordinary user (-Z) before
   * the file that the packets go to is made */
  if ((geteuid() == 0 || getuid() == 0) && !(run_as && strcmp(run_as, "root") == 0)) {
    rc = dx_drop_privileges(run_as ? run_as : "nobody", err, errlen);
    if (rc != DX_OK) {
      dx_capture_close(lc->c);
      free(lc);
      return rc;
    }
  }
  const char *tmp = getenv("TMPDIR");
  snprintf(path, pathlen, "%s/dissect-tui-live-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  int fd = mkstemp(path);
  if (fd < 0 || !(lc->out = fdopen(fd, "wb"))) {
    snprintf(err, errlen, "cannot create a temporary file in %s", tmp && *tmp ? tmp : "/tmp");
    if (fd >= 0)
      close(fd);
    dx_capture_close(lc->c);
    free(lc);
    return DX_EIO;
  }
  /* pcap file header, nanosecond timestamps, host byte order */
  if (put32(lc->out, 0xa1b23c4d) || put16(lc->out, 2) || put16(lc->out, 4) || put32(lc->out, 0) ||
      put32(lc->out, 0) || put32(lc->out, 262144) ||
      put32(lc->out, (uint32_t)dx_capture_linktype(lc->c)) || fflush(lc->out) != 0) {
    snprintf(err, errlen, "cannot write the temporary capture file %s", path);
    fclose(lc->out);
    unlink(path);
    dx_capture_close(lc->c);
    free(lc);
    return DX_EIO;
  }
  lc->ix = ix;
  if (pthread_create(&lc->th, NULL, reader, lc) != 0) {
    snprintf(err, errlen, "cannot start the capture thread");
    fclose(lc->out);
    unlink(path);
    dx_capture_close(lc->c);
    free(lc);
    return DX_ENOMEM;
  }
  lc->running = 1;
  *out = lc;
  return DX_OK;
}

const char *live_error(live_cap *lc) {
  return lc ? lc->err : "";
}

void live_stop(live_cap *lc) {
  if (!lc)
    return;
  if (lc->running) {
    dx_capture_break(lc->c);
    pthread_join(lc->th, NULL);
  }
  fclose(lc->out);
  dx_capture_close(lc->c);
  free(lc);
}
