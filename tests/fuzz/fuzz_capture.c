/* libFuzzer harness for capture file bytes (core/capture.c, core/pcapng.c
 * and what they hand on): the input is a whole file, written to a
 * temporary file and opened with dx_capture_open_file() as dissect -r
 * opens one: pcap and pcapng through libpcap, gzip-compressed files
 * through zlib, the pcapng Decryption Secrets Blocks and packet comments
 * read beside libpcap, and libdissect's own pcapng reader where libpcap
 * stops (sections of the other byte order). Up to 64 frames are read and
 * dissected in one session (reset after every input and reused) with
 * their link type from the file, each written in one output form; then
 * the reader seeks back to the second frame and reads on. A pcapng input
 * also goes through the own reader directly (dx_pcapng_open on the bytes),
 * since libpcap takes most files before it would.
 *
 * Seeds: make_entry_seeds.py (the first frames of samples as pcap, pcapng,
 * both byte orders, several sections, comments, a secrets block, gzip). */
#include "core/pcapng.h"
#include "fuzzutil.h"

#include <fcntl.h>
#include <unistd.h>

#define MAX_FRAMES 64

static dx_session *session;
static char path[64];
static int fd = -1;

static void temp_file(void) {
  if (fd >= 0)
    return;
  const char *dirs[] = {"/dev/shm", "/tmp"};
  for (int i = 0; i < 2 && fd < 0; i++) {
    snprintf(path, sizeof path, "%s/fuzz_capture.XXXXXX", dirs[i]);
    fd = mkstemp(path);
  }
  if (fd < 0)
    abort();
}

static void dissect(dx_session *s, const dx_frame *f, unsigned form) {
  dx_packet *p = NULL;
  int rc = dx_session_dissect(s, f, &p);
  if (rc == DX_OK) {
    fz_packet(p, form, NULL);
  } else if (rc != DX_ENOMEM && rc != DX_EINVAL) {
    abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  temp_file();
  if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
    abort();
  dx_session *s = fz_session(&session, NULL);
  dx_capture *c = NULL;
  char err[512];
  unsigned form = size ? data[size - 1] : 0;
  fz_begin((unsigned)(size % 8));
  int secrets = 0;
  if (dx_capture_open_file(&c, path, err, sizeof err) == DX_OK) {
    const char *t;
    size_t n;
    if (dx_capture_secrets(c, &t, &n) == DX_OK && n) {
      dx_session_add_secrets(s, t, n);
      secrets = 1;
    }
    (void)dx_capture_linktype(c);
    int64_t second = -1;
    dx_frame f;
    for (int i = 0; i < MAX_FRAMES; i++) {
      if (i == 1)
        second = dx_capture_tell(c);
      int rc = dx_capture_next(c, &f);
      if (rc != 1) {
        if (rc < 0 && !dx_capture_error(c)[0])
          abort(); /* an error always says what */
        break;
      }
      if (dx_capture_comments(c, &t, &n) == DX_OK && n)
        dx_session_set_comments(s, t, n);
      dissect(s, &f, form + (unsigned)i);
    }
    if (second >= 0 && dx_capture_seek(c, second) == DX_OK)
      for (int i = 0; i < 4 && dx_capture_next(c, &f) == 1; i++)
        (void)f;
    dx_capture_close(c);
  }
  /* key log text from a secrets block would stay in the reused session:
   * forgotten with the rest at the end of the input */
  if (secrets && dx_session_clear_secrets(s) != DX_OK)
    abort();
  fz_done(&session);

  /* the own pcapng reader on the same bytes */
  if (size >= 4 && data[0] == 0x0a && data[1] == 0x0d && data[2] == 0x0d && data[3] == 0x0a) {
    FILE *fp = fmemopen((void *)data, size, "rb");
    dx_pcapng *ng = NULL;
    if (fp && dx_pcapng_open(&ng, fp) == DX_OK) {
      dx_frame f;
      int64_t at = -1;
      for (int i = 0; i < 4 * MAX_FRAMES; i++) {
        if (i == 2)
          at = dx_pcapng_tell(ng);
        if (dx_pcapng_next(ng, &f, err, sizeof err) != 1)
          break;
      }
      if (at >= 0 && dx_pcapng_seek(ng, at) == DX_OK)
        (void)dx_pcapng_next(ng, &f, err, sizeof err);
      dx_pcapng_close(ng);
    }
  }
  return 0;
}
