/* Unit tests of the capture sources (include/dissect/dissect.h dx_capture_*)
 * beyond plain files read front to back:
 *   - opening what is not a capture: a missing file, a directory, an empty
 *     file: the status and a message naming the file;
 *   - standard input ("-"), which is read once through a buffer of ours so
 *     that pcapng packet comments and Decryption Secrets Blocks are still
 *     seen: the samples read through it give the frames, comments and
 *     secrets tshark and the files themselves give;
 *   - BPF capture filters on a file: the frames tcpdump passes, and the
 *     message of a filter that does not compile;
 *   - live capture: an interface that does not exist, and (where the process
 *     may capture) the loopback interface with a filter, one datagram sent
 *     to it by this test, dx_capture_break.
 * Expected counts and times come from tshark or tcpdump on the same files
 * (commands beside them), comments and secrets from the files (samples/
 * make-samples.sh writes them). */
#include "testutil.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static void sample(char *path, size_t len, const char *name) {
  snprintf(path, len, "%s/samples/%s", tu_src_dir(), name);
}

/* ---- opening what is not a capture ----------------------------------------- */
static void test_open_errors(void) {
  dx_capture *c = (dx_capture *)1;
  char err[512] = "";
  char tmpl[] = "/tmp/dx-test-capture-XXXXXX";
  char *dir = mkdtemp(tmpl);
  CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
  char path[600];

  /* missing: DX_ENOFILE, "PATH: No such file or directory" */
  snprintf(path, sizeof path, "%s/missing.pcap", dir);
  CU_ASSERT_EQUAL(dx_capture_open_file(&c, path, err, sizeof err), DX_ENOFILE);
  CU_ASSERT_PTR_NULL(c);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "No such file or directory"));

  /* a directory */
  err[0] = 0;
  CU_ASSERT_EQUAL(dx_capture_open_file(&c, dir, err, sizeof err), DX_ENOFILE);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "is a directory"));

  /* empty: not a capture */
  snprintf(path, sizeof path, "%s/empty.pcap", dir);
  FILE *f = fopen(path, "wb");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  fclose(f);
  err[0] = 0;
  CU_ASSERT_EQUAL(dx_capture_open_file(&c, path, err, sizeof err), DX_EFORMAT);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "empty file, not a pcap or pcapng capture"));
  /* no error buffer: the status alone */
  CU_ASSERT_EQUAL(dx_capture_open_file(&c, path, NULL, 0), DX_EFORMAT);
  unlink(path);
  rmdir(dir);

  CU_ASSERT_EQUAL(dx_capture_open_file(NULL, "x", NULL, 0), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_capture_open_file(&c, NULL, NULL, 0), DX_EINVAL);
  /* the readers of a capture that is not there */
  dx_frame fr;
  const char *t;
  size_t n;
  CU_ASSERT_EQUAL(dx_capture_next(NULL, &fr), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_capture_tell(NULL), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_capture_seek(NULL, 0), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_capture_comments(NULL, &t, &n), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_capture_secrets(NULL, &t, &n), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_capture_set_filter(NULL, "tcp"), DX_EINVAL);
  CU_ASSERT_STRING_EQUAL(dx_capture_error(NULL), "");
  CU_ASSERT_EQUAL(dx_capture_linktype(NULL), -1);
  CU_ASSERT_FALSE(dx_linktype_supported(-1));
  dx_capture_break(NULL);
  dx_capture_close(NULL);
}

/* ---- standard input ---------------------------------------------------------- */
/* Opens samples/NAME as standard input (fd 0 replaced, put back by
 * stdin_end) and then "-". */
static int saved_stdin = -1;

static int stdin_open(dx_capture **c, const char *name, char *err, size_t errlen) {
  char path[700];
  sample(path, sizeof path, name);
  int fd = open(path, O_RDONLY);
  CU_ASSERT_FATAL(fd >= 0);
  saved_stdin = dup(0);
  CU_ASSERT_FATAL(saved_stdin >= 0);
  CU_ASSERT_FATAL(dup2(fd, 0) == 0);
  close(fd);
  return dx_capture_open_file(c, "-", err, errlen);
}

static void stdin_end(void) {
  dup2(saved_stdin, 0);
  close(saved_stdin);
  saved_stdin = -1;
}

/* samples/http.pcapng: 12 frames (tshark -r samples/http.pcapng | wc -l);
 * frame 1 carries the comment "libdissect sample: HTTP/1.1 GET over
 * loopback" and no other frame one (tshark -T fields -e frame.comment). */
static void test_stdin_pcapng_comments(void) {
  dx_capture *c = NULL;
  char err[512] = "";
  CU_ASSERT_EQUAL_FATAL(stdin_open(&c, "http.pcapng", err, sizeof err), DX_OK);
  CU_ASSERT_EQUAL(dx_capture_linktype(c), 1); /* LINKTYPE_ETHERNET */
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  dx_frame f;
  int n = 0, rc, commented = 0;
  while ((rc = dx_capture_next(c, &f)) == 1) {
    n++;
    const char *texts;
    size_t len;
    CU_ASSERT_EQUAL(dx_capture_comments(c, &texts, &len), DX_OK);
    if (len) {
      commented++;
      CU_ASSERT_EQUAL(n, 1);
      CU_ASSERT_STRING_EQUAL(texts, "libdissect sample: HTTP/1.1 GET over loopback");
      CU_ASSERT_EQUAL(dx_session_set_comments(s, texts, len), DX_OK);
    }
    dx_packet *p = NULL;
    CU_ASSERT_EQUAL_FATAL(dx_session_dissect(s, &f, &p), DX_OK);
    if (n == 1)
      CU_ASSERT_STRING_EQUAL(tu_value(p, "frame.comment"),
                             "libdissect sample: HTTP/1.1 GET over loopback");
    dx_packet_free(p);
  }
  CU_ASSERT_EQUAL(rc, 0);
  CU_ASSERT_EQUAL(n, 12);
  CU_ASSERT_EQUAL(commented, 1);
  /* standard input does not seek back */
  CU_ASSERT_NOT_EQUAL(dx_capture_seek(c, 0), DX_OK);
  dx_capture_close(c);
  dx_session_free(s);
  stdin_end();
}

/* samples/https-dsb.pcapng: tls12-chacha.pcap with samples/tls12-chacha.keylog
 * in a Decryption Secrets Block (editcap --inject-secrets, make-samples.sh):
 * the secrets are the key log's 352 bytes, and a newline; 38 frames
 * (capinfos: "Number of packets: 38"). Read through standard input and
 * through the file, both give them. */
static void test_stdin_pcapng_secrets(void) {
  char path[700];
  sample(path, sizeof path, "tls12-chacha.keylog");
  FILE *kf = fopen(path, "rb");
  CU_ASSERT_PTR_NOT_NULL_FATAL(kf);
  char keylog[1024];
  size_t klen = fread(keylog, 1, sizeof keylog, kf);
  fclose(kf);
  CU_ASSERT_EQUAL(klen, 352);

  for (int via_stdin = 0; via_stdin < 2; via_stdin++) {
    dx_capture *c = NULL;
    char err[512] = "";
    if (via_stdin) {
      CU_ASSERT_EQUAL_FATAL(stdin_open(&c, "https-dsb.pcapng", err, sizeof err), DX_OK);
    } else {
      sample(path, sizeof path, "https-dsb.pcapng");
      CU_ASSERT_EQUAL_FATAL(dx_capture_open_file(&c, path, err, sizeof err), DX_OK);
    }
    const char *sec;
    size_t slen;
    CU_ASSERT_EQUAL(dx_capture_secrets(c, &sec, &slen), DX_OK);
    CU_ASSERT_EQUAL(slen, klen + 1);
    if (slen == klen + 1) {
      CU_ASSERT_EQUAL(memcmp(sec, keylog, klen), 0);
      CU_ASSERT_EQUAL(sec[klen], '\n');
    }
    dx_frame f;
    int n = 0;
    while (dx_capture_next(c, &f) == 1)
      n++;
    CU_ASSERT_EQUAL(n, 38);
    dx_capture_close(c);
    if (via_stdin)
      stdin_end();
  }
}

/* samples/dns.pcap (pcap, not pcapng) on standard input: 28 frames
 * (tshark -r samples/dns.pcap | wc -l), no comments, no secrets. */
static void test_stdin_pcap(void) {
  dx_capture *c = NULL;
  char err[512] = "";
  CU_ASSERT_EQUAL_FATAL(stdin_open(&c, "dns.pcap", err, sizeof err), DX_OK);
  const char *t;
  size_t len = 1;
  CU_ASSERT_EQUAL(dx_capture_secrets(c, &t, &len), DX_OK);
  CU_ASSERT_EQUAL(len, 0);
  dx_frame f;
  int n = 0;
  while (dx_capture_next(c, &f) == 1) {
    n++;
    len = 1;
    CU_ASSERT_EQUAL(dx_capture_comments(c, &t, &len), DX_OK);
    CU_ASSERT_EQUAL(len, 0);
  }
  CU_ASSERT_EQUAL(n, 28);
  dx_capture_close(c);
  stdin_end();

  /* standard input that is no capture: named as such */
  char tmpl[] = "/tmp/dx-test-stdin-XXXXXX";
  int fd = mkstemp(tmpl);
  CU_ASSERT_FATAL(fd >= 0);
  CU_ASSERT_EQUAL(write(fd, "this is not a capture file at all\n", 34), 34);
  lseek(fd, 0, SEEK_SET);
  saved_stdin = dup(0);
  dup2(fd, 0);
  close(fd);
  err[0] = 0;
  c = NULL;
  int rc = dx_capture_open_file(&c, "-", err, sizeof err);
  CU_ASSERT(rc == DX_EFORMAT || rc == DX_ETRUNC);
  CU_ASSERT_PTR_NULL(c);
  CU_ASSERT_EQUAL(strncmp(err, "standard input: ", 16), 0);
  stdin_end();
  unlink(tmpl);
}

/* ---- capture filters on files ---------------------------------------------- */
/* tcpdump -tt -nr samples/misc.pcap udp: 5 frames, the first at
 * 1795335949.758380, the last at 1795335949.867301. */
static void test_filter_file(void) {
  char path[700], err[512] = "";
  sample(path, sizeof path, "misc.pcap");
  dx_capture *c = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_capture_open_file(&c, path, err, sizeof err), DX_OK);
  CU_ASSERT_EQUAL(dx_capture_set_filter(c, "udp"), DX_OK);
  dx_frame f;
  int n = 0;
  int64_t first_sec = 0, last_sec = 0;
  uint32_t first_ns = 0, last_ns = 0;
  while (dx_capture_next(c, &f) == 1) {
    CU_ASSERT(dx_capture_tell(c) > 0); /* asked of the file once filtered */
    if (!n) {
      first_sec = f.ts_sec;
      first_ns = f.ts_nsec;
    }
    last_sec = f.ts_sec;
    last_ns = f.ts_nsec;
    n++;
  }
  CU_ASSERT_EQUAL(n, 5);
  CU_ASSERT_EQUAL(first_sec, 1795335949);
  CU_ASSERT_EQUAL(first_ns, 758380000);
  CU_ASSERT_EQUAL(last_sec, 1795335949);
  CU_ASSERT_EQUAL(last_ns, 867301000);
  /* a filter that does not compile: DX_EINVAL, the error names it */
  CU_ASSERT_EQUAL(dx_capture_set_filter(c, "udp and ((("), DX_EINVAL);
  CU_ASSERT_PTR_NOT_NULL(strstr(dx_capture_error(c), "capture filter \"udp and (((\""));
  dx_capture_close(c);

  /* a filtered pcapng keeps its comments: tcpdump -tt -nr
   * samples/http.pcapng 'tcp[tcpflags] & tcp-syn != 0' gives the SYN at
   * 1795335944.722517 (frame 1, the one with the comment) and the SYN+ACK */
  sample(path, sizeof path, "http.pcapng");
  CU_ASSERT_EQUAL_FATAL(dx_capture_open_file(&c, path, err, sizeof err), DX_OK);
  CU_ASSERT_EQUAL(dx_capture_set_filter(c, "tcp[tcpflags] & tcp-syn != 0"), DX_OK);
  n = 0;
  while (dx_capture_next(c, &f) == 1) {
    const char *texts;
    size_t len;
    CU_ASSERT_EQUAL(dx_capture_comments(c, &texts, &len), DX_OK);
    if (n == 0) {
      CU_ASSERT_EQUAL(f.ts_sec, 1795335944);
      CU_ASSERT_EQUAL(f.ts_nsec, 722517000);
      CU_ASSERT(len > 0);
      if (len)
        CU_ASSERT_STRING_EQUAL(texts, "libdissect sample: HTTP/1.1 GET over loopback");
    } else {
      CU_ASSERT_EQUAL(len, 0);
    }
    n++;
  }
  CU_ASSERT_EQUAL(n, 2);
  dx_capture_close(c);
}

/* ---- live capture --------------------------------------------------------------- */
static void test_live(void) {
  dx_capture *c = (dx_capture *)1;
  char err[512] = "";
  /* an interface that does not exist: DX_ECAPTURE, named */
  CU_ASSERT_EQUAL(dx_capture_open_live(&c, "dx-no-such0", NULL, 0, err, sizeof err), DX_ECAPTURE);
  CU_ASSERT_PTR_NULL(c);
  CU_ASSERT_EQUAL(strncmp(err, "dx-no-such0: ", 13), 0);
  CU_ASSERT_EQUAL(dx_capture_open_live(NULL, "lo", NULL, 0, NULL, 0), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_capture_open_live(&c, NULL, NULL, 0, NULL, 0), DX_EINVAL);

  /* the loopback interface, where this process may capture (root or
   * CAP_NET_RAW; elsewhere the open fails with DX_ECAPTURE and the rest is
   * not run) */
  err[0] = 0;
  int rc = dx_capture_open_live(&c, "lo", "udp and (((", 0, err, sizeof err);
  if (rc == DX_ECAPTURE) {
    fprintf(stderr, "\n(no live capture here: %s)\n", err);
    return;
  }
  CU_ASSERT_EQUAL(rc, DX_EINVAL); /* the filter does not compile */
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "capture filter \"udp and (((\""));

  /* one datagram to a port nothing listens on, from a socket of ours; the
   * filter passes only it */
  int so = socket(AF_INET, SOCK_DGRAM, 0);
  CU_ASSERT_FATAL(so >= 0);
  struct sockaddr_in me = {0};
  me.sin_family = AF_INET;
  me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CU_ASSERT_FATAL(bind(so, (struct sockaddr *)&me, sizeof me) == 0);
  socklen_t ml = sizeof me;
  CU_ASSERT_FATAL(getsockname(so, (struct sockaddr *)&me, &ml) == 0);
  char bpf[128];
  snprintf(bpf, sizeof bpf, "udp and src port %u and dst port 9", ntohs(me.sin_port));
  /* a read that never returns (the datagram not seen) ends the test
   * program after 20 s rather than hanging the run */
  alarm(20);
  CU_ASSERT_EQUAL_FATAL(dx_capture_open_live(&c, "lo", bpf, 2048, err, sizeof err), DX_OK);
  CU_ASSERT_EQUAL(dx_capture_linktype(c), 1); /* loopback shows as Ethernet on Linux */
  struct sockaddr_in to = me;
  to.sin_port = htons(9);
  static const char msg[] = "libdissect live capture test";
  CU_ASSERT_EQUAL(sendto(so, msg, sizeof msg - 1, 0, (struct sockaddr *)&to, sizeof to),
                  (ssize_t)(sizeof msg - 1));
  dx_frame f;
  CU_ASSERT_EQUAL_FATAL(dx_capture_next(c, &f), 1);
  /* Ethernet 14 + IPv4 20 + UDP 8 + the message */
  CU_ASSERT_EQUAL(f.caplen, 14 + 20 + 8 + sizeof msg - 1);
  CU_ASSERT_EQUAL(f.wirelen, f.caplen);
  CU_ASSERT_EQUAL(memcmp(f.data + 42, msg, sizeof msg - 1), 0);
  /* no random access on a live capture */
  CU_ASSERT_EQUAL(dx_capture_tell(c), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_capture_seek(c, 0), DX_EINVAL);
  /* a break ends the loop: the next read returns 0 */
  dx_capture_break(c);
  CU_ASSERT_EQUAL(dx_capture_next(c, &f), 0);
  dx_capture_close(c);
  close(so);
  alarm(0);
}

int main(void) {
  CU_TestInfo tests[] = {{"opening what is not a capture", test_open_errors},
                         {"standard input: pcapng comments", test_stdin_pcapng_comments},
                         {"standard input and file: secrets blocks", test_stdin_pcapng_secrets},
                         {"standard input: pcap, and no capture", test_stdin_pcap},
                         {"capture filters on files", test_filter_file},
                         {"live capture: errors, loopback, break", test_live},
                         CU_TEST_INFO_NULL};
  return tu_run("capture", tests);
}
