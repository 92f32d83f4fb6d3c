/* Unit tests of the -T fields writer (include/dissect/output.h dx_fields_*)
 * and of the time column (dx_packet_time_column, every dx_time_format, with
 * and without hms) and the local absolute time of frame.time.
 *
 * Every expected text below is what tshark 4.0 prints for the same frames
 * (the command is given beside each), never our own output:
 *   - the fields writer: samples/dns.pcap, samples/tcp-anomalies.pcap and
 *     samples/misc.pcap through `tshark -T fields -E ...`;
 *   - the times: five hand-made frames whose timestamps are chosen here,
 *     written to a pcap (TU_DUMP_PCAP=FILE writes them) and read back with
 *     `TZ=EST5 tshark -r FILE -t MODE [-u hms] -T fields -e _ws.col.Time`.
 *     tshark prints the nine digits of a nanosecond file; the library writes
 *     six, cut (not rounded) as Wireshark's microsecond precision does, so
 *     the expected strings are tshark's with the last three digits cut. */
#include "testutil.h"

#include <dissect/output.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the fields writer on a sample --------------------------------------- */
/* The -T fields text of the first `count` frames of samples/NAME for the
 * fields given, written by dx_fields_* (header first if opts say so);
 * malloc'd, NULL on failure. */
static char *fields_of(const char *name, int count, const char *const *fields, size_t nf,
                       const dx_fields_opts *opts) {
  char path[700];
  snprintf(path, sizeof path, "%s/samples/%s", tu_src_dir(), name);
  dx_session *s = NULL;
  dx_capture *c = NULL;
  char err[512] = "";
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  if (dx_capture_open_file(&c, path, err, sizeof err) != DX_OK) {
    CU_FAIL("sample does not open");
    dx_session_free(s);
    return NULL;
  }
  dx_fields *fw = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_fields_new(s, fields, nf, opts, &fw, err, sizeof err), DX_OK);
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  CU_ASSERT_PTR_NOT_NULL_FATAL(out);
  if (opts && opts->header)
    CU_ASSERT_EQUAL(dx_fields_write_header(out, fw), DX_OK);
  dx_frame f;
  for (int i = 0; i < count && dx_capture_next(c, &f) == 1; i++) {
    dx_packet *p = NULL;
    CU_ASSERT_EQUAL_FATAL(dx_session_dissect(s, &f, &p), DX_OK);
    CU_ASSERT_EQUAL(dx_fields_write(out, fw, p), DX_OK);
    dx_packet_free(p);
  }
  fclose(out);
  dx_fields_free(fw);
  dx_capture_close(c);
  dx_session_free(s);
  return buf;
}

static void expect_fields(const char *name, int count, const char *const *fields, size_t nf,
                          const dx_fields_opts *opts, const char *want) {
  char *got = fields_of(name, count, fields, nf, opts);
  CU_ASSERT_PTR_NOT_NULL_FATAL(got);
  if (strcmp(got, want) != 0)
    fprintf(stderr, "\n%s: got\n%s\nwant\n%s\n", name, got, want);
  CU_ASSERT_STRING_EQUAL(got, want);
  free(got);
}

/* tshark -r samples/dns.pcap -c 4 -T fields -E header=y -E separator=,
 *   -E quote=d -e frame.number -e ip.src -e dns.qry.name -e dns.a
 *   -e dns.resp.ttl -e dns.flags.response -e udp
 * (header, separator, double quotes around all the occurrences together,
 * absent fields empty and unquoted, a protocol as its label) */
static void test_fields_header_quote(void) {
  static const char *const f[] = {"frame.number", "ip.src",       "dns.qry.name",
                                  "dns.a",        "dns.resp.ttl", "dns.flags.response",
                                  "udp"};
  dx_fields_opts o = {1, ',', 'a', ',', '"'};
  expect_fields(
      "dns.pcap", 4, f, ARRAY_LEN(f), &o,
      "frame.number,ip.src,dns.qry.name,dns.a,dns.resp.ttl,dns.flags.response,udp\n"
      "\"1\",\"127.0.0.1\",\"www.example.test\",,,\"0\",\"User Datagram Protocol, Src Port: "
      "44808, Dst Port: 53\"\n"
      "\"2\",\"127.0.0.1\",\"www.example.test\",\"127.0.0.1\",\"300,300\",\"1\",\"User Datagram "
      "Protocol, Src Port: 53, Dst Port: 44808\"\n"
      "\"3\",\"127.0.0.1\",\"www.example.test\",,,\"0\",\"User Datagram Protocol, Src Port: "
      "35982, Dst Port: 53\"\n"
      "\"4\",\"127.0.0.1\",\"www.example.test\",,\"300,300\",\"1\",\"User Datagram Protocol, "
      "Src Port: 53, Dst Port: 35982\"\n");
}

/* tshark -r samples/dns.pcap -c 4 -T fields -E separator=/s -E quote=s
 *   -E occurrence=a -E aggregator=';' -e dns.resp.ttl -e dns.qry.type -e dns */
static void test_fields_aggregator(void) {
  static const char *const f[] = {"dns.resp.ttl", "dns.qry.type", "dns"};
  dx_fields_opts o = {0, ' ', 'a', ';', '\''};
  expect_fields("dns.pcap", 4, f, ARRAY_LEN(f), &o,
                " '1' 'Domain Name System (query)'\n"
                "'300;300' '1' 'Domain Name System (response)'\n"
                " '28' 'Domain Name System (query)'\n"
                "'300;300' '28' 'Domain Name System (response)'\n");
}

/* tshark -r samples/dns.pcap -c 4 -T fields -E occurrence=f
 *   -e dns.resp.ttl -e dns.resp.name   (and -E occurrence=l: the last
 * dns.resp.name of a response is its NS record's owner, example.test) */
static void test_fields_occurrence(void) {
  static const char *const f[] = {"dns.resp.ttl", "dns.resp.name"};
  dx_fields_opts first = {0, '\t', 'f', ',', 0};
  expect_fields("dns.pcap", 4, f, ARRAY_LEN(f), &first,
                "\t\n300\twww.example.test\n\t\n300\twww.example.test\n");
  dx_fields_opts last = {0, '\t', 'l', ',', 0};
  expect_fields("dns.pcap", 4, f, ARRAY_LEN(f), &last,
                "\t\n300\texample.test\n\t\n300\texample.test\n");
  /* zeros in the options are the defaults: tab, all, comma
   * (tshark -r samples/dns.pcap -c 2 -T fields -e dns.resp.ttl -e dns.qry.name) */
  dx_fields_opts zero = {0, 0, 0, 0, 0};
  expect_fields("dns.pcap", 2, f, 1, &zero, "\n300,300\n");
  expect_fields("dns.pcap", 2, f, 1, NULL, "\n300,300\n");
}

/* tshark -r samples/tcp-anomalies.pcap -c 5 -T fields -e frame.number
 *   -e _ws.expert -e http.request -e tcp.analysis -e http
 * (_ws.expert as "Expert Info (Severity/Group): message", a field without a
 * value (FT_NONE) as "1", a protocol whose label is its title by name) */
static void test_fields_expert_none_protocol(void) {
  static const char *const f[] = {"frame.number", "_ws.expert", "http.request", "tcp.analysis",
                                  "http"};
  expect_fields("tcp-anomalies.pcap", 5, f, ARRAY_LEN(f), NULL,
                "1\tExpert Info (Chat/Sequence): Connection establish request (SYN): server port "
                "80\t\t\t\n"
                "2\tExpert Info (Chat/Sequence): Connection establish acknowledge (SYN+ACK): "
                "server port 80\t\t1\t\n"
                "3\t\t\t1\t\n"
                "4\tExpert Info (Chat/Sequence): GET /bulk.txt HTTP/1.1\\r\\n\t1\t1\thttp\n"
                "5\t\t\t1\t\n");
}

/* Undissected data in hex: tshark -r samples/misc.pcap -c 10 -T fields -e data
 * gives 96, 96, 96, 96, 112, 112, 112, 112, 2960 and 2960 hex digits; frame
 * 1 starts d751040000000000101112131415161718191a1b, frame 9 (past the
 * writer's 512-byte buffer) starts 0800759943f900010da7026b0000000044ac0a00
 * and ends b8b9babbbcbdbebf. */
static void test_fields_data_hex(void) {
  static const char *const f[] = {"data"};
  char *got = fields_of("misc.pcap", 10, f, 1, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(got);
  static const size_t want_len[] = {96, 96, 96, 96, 112, 112, 112, 112, 2960, 2960};
  char *line = got;
  for (size_t i = 0; i < ARRAY_LEN(want_len); i++) {
    char *nl = strchr(line, '\n');
    CU_ASSERT_PTR_NOT_NULL_FATAL(nl);
    CU_ASSERT_EQUAL((size_t)(nl - line), want_len[i]);
    if (i == 0)
      CU_ASSERT_EQUAL(strncmp(line, "d751040000000000101112131415161718191a1b", 40), 0);
    if (i == 8) {
      CU_ASSERT_EQUAL(strncmp(line, "0800759943f900010da7026b0000000044ac0a00", 40), 0);
      CU_ASSERT_EQUAL(strncmp(nl - 16, "b8b9babbbcbdbebf", 16), 0);
    }
    line = nl + 1;
  }
  CU_ASSERT_EQUAL(*line, 0);
  free(got);

  /* dx_node_field_text with a short buffer: cut, NUL-ended, the length
   * needed returned (as snprintf) */
  char path[700], err[512];
  snprintf(path, sizeof path, "%s/samples/misc.pcap", tu_src_dir());
  dx_session *s = NULL;
  dx_capture *c = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  CU_ASSERT_EQUAL_FATAL(dx_capture_open_file(&c, path, err, sizeof err), DX_OK);
  dx_frame fr;
  CU_ASSERT_EQUAL_FATAL(dx_capture_next(c, &fr), 1);
  dx_packet *p = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_dissect(s, &fr, &p), DX_OK);
  const dx_node *d = dx_packet_find_name(p, "data");
  CU_ASSERT_PTR_NOT_NULL_FATAL(d);
  char small[9];
  CU_ASSERT_EQUAL(dx_node_field_text(p, d, small, sizeof small), 96);
  CU_ASSERT_STRING_EQUAL(small, "d7510400");
  const dx_node *ip = dx_packet_find_name(p, "ip");
  CU_ASSERT_PTR_NOT_NULL_FATAL(ip);
  /* tshark -r samples/misc.pcap -c 1 -T fields -e ip */
  char lab[16];
  size_t need = dx_node_field_text(p, ip, lab, sizeof lab);
  CU_ASSERT_EQUAL(need, strlen("Internet Protocol Version 4, Src: 127.0.0.1, Dst: 127.0.0.1"));
  CU_ASSERT_STRING_EQUAL(lab, "Internet Protoc");
  CU_ASSERT_EQUAL(dx_node_field_text(p, NULL, lab, sizeof lab), 0);
  CU_ASSERT_STRING_EQUAL(lab, "");
  dx_packet_free(p);
  dx_capture_close(c);
  dx_session_free(s);
}

/* Unknown names: DX_ENOFIELD with the name (escaped) and a suggestion;
 * NULL arguments: DX_EINVAL. */
static void test_fields_errors(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  dx_fields *fw = (dx_fields *)1;
  char err[256] = "";
  const char *typo[] = {"ip.src", "ip.scr"};
  CU_ASSERT_EQUAL(dx_fields_new(s, typo, 2, NULL, &fw, err, sizeof err), DX_ENOFIELD);
  CU_ASSERT_PTR_NULL(fw);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown field \"ip.scr\""));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "did you mean \"ip.src\"?"));
  /* a name nothing is close to, with a control byte: no suggestion, escaped */
  const char *odd[] = {"\x1b[31mqqqqqqqqqqqqqqqqqqqqqqqq"};
  err[0] = 0;
  CU_ASSERT_EQUAL(dx_fields_new(s, odd, 1, NULL, &fw, err, sizeof err), DX_ENOFIELD);
  CU_ASSERT_PTR_NULL(strchr(err, 0x1b));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown field \""));
  CU_ASSERT_PTR_NULL(strstr(err, "did you mean"));
  /* no error buffer: the status alone */
  CU_ASSERT_EQUAL(dx_fields_new(s, typo, 2, NULL, &fw, NULL, 0), DX_ENOFIELD);
  CU_ASSERT_EQUAL(dx_fields_new(NULL, typo, 1, NULL, &fw, NULL, 0), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_fields_new(s, typo, 1, NULL, NULL, NULL, 0), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_fields_new(s, NULL, 1, NULL, &fw, NULL, 0), DX_EINVAL);
  /* no field at all: an empty line per packet, an empty header line */
  CU_ASSERT_EQUAL_FATAL(dx_fields_new(s, NULL, 0, NULL, &fw, NULL, 0), DX_OK);
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  CU_ASSERT_EQUAL(dx_fields_write_header(out, fw), DX_OK);
  fclose(out);
  CU_ASSERT_STRING_EQUAL(buf, "\n");
  free(buf);
  dx_fields_free(fw);
  dx_fields_free(NULL);
  dx_session_free(s);
}

/* ---- times ------------------------------------------------------------------ */
/* Ethernet / IPv4 / UDP 44808 -> 53, no payload (RFC 791, RFC 768). */
static const uint8_t udp_frame[] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00,
    0x45, 0x00, 0x00, 0x1c, 0xf1, 0x1f, 0x00, 0x00, 0x40, 0x11, 0x8b, 0xb1, 0x7f, 0x00,
    0x00, 0x01, 0x7f, 0x00, 0x00, 0x01, 0xaf, 0x08, 0x00, 0x35, 0x00, 0x08, 0xfe, 0x3d};

/* 2026-11-22 08:25:43.332411 UTC (date -u -d @1795335943), then 75.000123 s
 * later, 2 h 2 min 2.500000999 s later, back before the second (a
 * negative delta), and 999999 ns after that. */
static const struct {
  int64_t sec;
  uint32_t nsec;
} stamps[5] = {{1795335943, 332411000},
               {1795335943 + 75, 332534000},
               {1795335943 + 75 + 7322, 832534999},
               {1795335943 + 10, 0},
               {1795335943 + 10, 999999}};

static void dump_pcap(void) {
  const char *path = getenv("TU_DUMP_PCAP");
  if (!path)
    return;
  FILE *f = fopen(path, "wb");
  if (!f)
    return;
  uint32_t gh[6] = {0xa1b23c4du, 2 | 4u << 16, 0, 0, 65535, 1};
  fwrite(gh, 4, 6, f);
  for (size_t i = 0; i < ARRAY_LEN(stamps); i++) {
    uint32_t rh[4] = {(uint32_t)stamps[i].sec, stamps[i].nsec, sizeof udp_frame, sizeof udp_frame};
    fwrite(rh, 4, 4, f);
    fwrite(udp_frame, 1, sizeof udp_frame, f);
  }
  fclose(f);
}

/* Dissects the five frames in a new session with format fmt (hms) and
 * checks each time column against want[]. displayed: a mask of the frames
 * the program says it displayed (0: never calls dx_session_set_displayed);
 * only displayed frames are checked then. The frames have precision prec
 * (dx_session_set_frame_precision), the session digits
 * (dx_session_set_time_precision). */
static void check_times_prec(dx_time_format fmt, int hms, unsigned displayed, int8_t prec,
                             int digits, const char *const want[5]) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  CU_ASSERT_EQUAL(dx_session_set_time_format(s, fmt, hms), DX_OK);
  CU_ASSERT_EQUAL(dx_session_set_time_precision(s, digits), DX_OK);
  CU_ASSERT_EQUAL(dx_session_set_frame_precision(s, prec), DX_OK);
  if (displayed)
    dx_session_set_displayed(s, NULL);
  for (size_t i = 0; i < ARRAY_LEN(stamps); i++) {
    dx_frame f = {stamps[i].sec, stamps[i].nsec, sizeof udp_frame, sizeof udp_frame, 1, udp_frame};
    dx_packet *p = NULL;
    CU_ASSERT_EQUAL_FATAL(dx_session_dissect(s, &f, &p), DX_OK);
    if (!displayed || (displayed & (1u << i))) {
      char buf[64];
      size_t n = dx_packet_time_column(p, buf, sizeof buf);
      CU_ASSERT_EQUAL(n, strlen(buf));
      if (strcmp(buf, want[i]) != 0)
        fprintf(stderr, "\nformat %d hms %d prec %d digits %d frame %zu: got \"%s\", want \"%s\"\n",
                (int)fmt, hms, prec, digits, i + 1, buf, want[i]);
      CU_ASSERT_STRING_EQUAL(buf, want[i]);
      /* a short buffer: cut and NUL-ended, the full length returned */
      char small[4];
      CU_ASSERT_EQUAL(dx_packet_time_column(p, small, sizeof small), strlen(want[i]));
      CU_ASSERT_EQUAL(strncmp(small, want[i], 3), 0);
      CU_ASSERT_EQUAL(small[3], 0);
      if (displayed)
        dx_session_set_displayed(s, p);
    }
    dx_packet_free(p);
  }
  dx_session_free(s);
}

static void check_times(dx_time_format fmt, int hms, unsigned displayed,
                        const char *const want[5]) {
  check_times_prec(fmt, hms, displayed, 0, DX_TIME_PREC_AUTO, want);
}

static void test_time_relative_delta(void) {
  /* -t r, then -t r -u hms */
  const char *r[] = {"0.000000", "75.000123", "7397.500123", "9.667589", "9.668588"};
  check_times(DX_TIME_RELATIVE, 0, 0, r);
  const char *rh[] = {"0.000000s", "1m 15.000123s", "2h  3m 17.500123s", "9.667589s", "9.668588s"};
  check_times(DX_TIME_RELATIVE, 1, 0, rh);
  /* -t d, -t d -u hms: the fourth frame is 7387.832534999 s before the third */
  const char *d[] = {"0.000000", "75.000123", "7322.500000", "-7387.832534", "0.000999"};
  check_times(DX_TIME_DELTA, 0, 0, d);
  const char *dh[] = {"0.000000s", "1m 15.000123s", "2h  2m  2.500000s", "- 2h  3m  7.832534s",
                      "0.000999s"};
  check_times(DX_TIME_DELTA, 1, 0, dh);
  /* -t dd with every frame displayed: as -t d */
  check_times(DX_TIME_DELTA_DISPLAYED, 0, 0, d);
  /* -t dd -Y "frame.number==1 || frame.number==3 || frame.number==5":
   * 0.000000000, 7397.500123999, -7387.831535000 (and -u hms:
   * 0.000000000s, 2h  3m 17.500123999s, - 2h  3m  7.831535000s) */
  const char *dd[] = {"0.000000", "", "7397.500123", "", "-7387.831535"};
  check_times(DX_TIME_DELTA_DISPLAYED, 0, 1u | 4u | 16u, dd);
  const char *ddh[] = {"0.000000s", "", "2h  3m 17.500123s", "", "- 2h  3m  7.831535s"};
  check_times(DX_TIME_DELTA_DISPLAYED, 1, 1u | 4u | 16u, ddh);
}

static void test_time_absolute(void) {
  /* -t e (hms changes nothing for absolute times: tshark -t e -u hms) */
  const char *e[] = {"1795335943.332411", "1795336018.332534", "1795343340.832534",
                     "1795335953.000000", "1795335953.000999"};
  check_times(DX_TIME_EPOCH, 0, 0, e);
  check_times(DX_TIME_EPOCH, 1, 0, e);
  /* -t u, -t ud, -t udoy (day 326 of 2026) */
  const char *u[] = {"08:25:43.332411", "08:26:58.332534", "10:29:00.832534", "08:25:53.000000",
                     "08:25:53.000999"};
  check_times(DX_TIME_UTC, 0, 0, u);
  const char *ud[] = {"2026-11-22 08:25:43.332411", "2026-11-22 08:26:58.332534",
                      "2026-11-22 10:29:00.832534", "2026-11-22 08:25:53.000000",
                      "2026-11-22 08:25:53.000999"};
  check_times(DX_TIME_UTC_YMD, 0, 0, ud);
  const char *udoy[] = {"2026/326 08:25:43.332411", "2026/326 08:26:58.332534",
                        "2026/326 10:29:00.832534", "2026/326 08:25:53.000000",
                        "2026/326 08:25:53.000999"};
  check_times(DX_TIME_UTC_YDOY, 0, 0, udoy);
  /* local times in a zone fixed here: TZ=EST5 tshark -t a, -t ad, -t adoy */
  const char *old = getenv("TZ");
  char saved[128] = "";
  if (old)
    snprintf(saved, sizeof saved, "%s", old);
  setenv("TZ", "EST5", 1);
  tzset();
  const char *a[] = {"03:25:43.332411", "03:26:58.332534", "05:29:00.832534", "03:25:53.000000",
                     "03:25:53.000999"};
  check_times(DX_TIME_ABSOLUTE, 0, 0, a);
  const char *ad[] = {"2026-11-22 03:25:43.332411", "2026-11-22 03:26:58.332534",
                      "2026-11-22 05:29:00.832534", "2026-11-22 03:25:53.000000",
                      "2026-11-22 03:25:53.000999"};
  check_times(DX_TIME_ABSOLUTE_YMD, 0, 0, ad);
  const char *adoy[] = {"2026/326 03:25:43.332411", "2026/326 03:26:58.332534",
                        "2026/326 05:29:00.832534", "2026/326 03:25:53.000000",
                        "2026/326 03:25:53.000999"};
  check_times(DX_TIME_ABSOLUTE_YDOY, 0, 0, adoy);

  /* frame.time: TZ=EST5 tshark -T fields -e frame.time
   * "Nov 22, 2026 05:29:00.832534999 EST" (third frame), through the
   * packet's field and through the formatter's cache (the same second) */
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  dx_frame f = {stamps[2].sec, stamps[2].nsec, sizeof udp_frame, sizeof udp_frame, 1, udp_frame};
  dx_packet *p = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_dissect(s, &f, &p), DX_OK);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "frame.time"), "Nov 22, 2026 05:29:00.832534999 EST");
  dx_packet_free(p);
  f.ts_nsec = 1;
  CU_ASSERT_EQUAL_FATAL(dx_session_dissect(s, &f, &p), DX_OK);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "frame.time"), "Nov 22, 2026 05:29:00.000000001 EST");
  dx_packet_free(p);
  dx_session_free(s);
  if (old)
    setenv("TZ", saved, 1);
  else
    unsetenv("TZ");
  tzset();
}

/* Frames of a nanosecond capture (TU_DUMP_PCAP writes the five as a pcap
 * file with the nanosecond magic): tshark -t FORMAT [-u hms] -T fields -e
 * _ws.col.Time on it, TZ=EST5 for the local times. */
static void test_time_nanoseconds(void) {
  const char *r[] = {"0.000000000", "75.000123000", "7397.500123999", "9.667589000", "9.668588999"};
  check_times_prec(DX_TIME_RELATIVE, 0, 0, 9, DX_TIME_PREC_AUTO, r);
  const char *rh[] = {"0.000000000s", "1m 15.000123000s", "2h  3m 17.500123999s", "9.667589000s",
                      "9.668588999s"};
  check_times_prec(DX_TIME_RELATIVE, 1, 0, 9, DX_TIME_PREC_AUTO, rh);
  const char *d[] = {"0.000000000", "75.000123000", "7322.500000999", "-7387.832534999",
                     "0.000999999"};
  check_times_prec(DX_TIME_DELTA, 0, 0, 9, DX_TIME_PREC_AUTO, d);
  const char *dh[] = {"0.000000000s", "1m 15.000123000s", "2h  2m  2.500000999s",
                      "- 2h  3m  7.832534999s", "0.000999999s"};
  check_times_prec(DX_TIME_DELTA, 1, 0, 9, DX_TIME_PREC_AUTO, dh);
  /* -t dd -Y "frame.number==1 || frame.number==3 || frame.number==5" */
  const char *dd[] = {"0.000000000", "", "7397.500123999", "", "-7387.831535000"};
  check_times_prec(DX_TIME_DELTA_DISPLAYED, 0, 1u | 4u | 16u, 9, DX_TIME_PREC_AUTO, dd);
  const char *e[] = {"1795335943.332411000", "1795336018.332534000", "1795343340.832534999",
                     "1795335953.000000000", "1795335953.000999999"};
  check_times_prec(DX_TIME_EPOCH, 0, 0, 9, DX_TIME_PREC_AUTO, e);
  const char *ud[] = {"2026-11-22 08:25:43.332411000", "2026-11-22 08:26:58.332534000",
                      "2026-11-22 10:29:00.832534999", "2026-11-22 08:25:53.000000000",
                      "2026-11-22 08:25:53.000999999"};
  check_times_prec(DX_TIME_UTC_YMD, 0, 0, 9, DX_TIME_PREC_AUTO, ud);
  const char *udoy[] = {"2026/326 08:25:43.332411000", "2026/326 08:26:58.332534000",
                        "2026/326 10:29:00.832534999", "2026/326 08:25:53.000000000",
                        "2026/326 08:25:53.000999999"};
  check_times_prec(DX_TIME_UTC_YDOY, 0, 0, 9, DX_TIME_PREC_AUTO, udoy);
  const char *u[] = {"08:25:43.332411000", "08:26:58.332534000", "10:29:00.832534999",
                     "08:25:53.000000000", "08:25:53.000999999"};
  check_times_prec(DX_TIME_UTC, 0, 0, 9, DX_TIME_PREC_AUTO, u);

  /* Fixed digits (Wireshark 4.2's -t FORMAT.N, which tshark 4.0 refuses):
   * the nanosecond values above cut by hand, whatever the frames' own
   * precision; "-t ." (automatic) gives them back. */
  const char *u3[] = {"08:25:43.332", "08:26:58.332", "10:29:00.832", "08:25:53.000",
                      "08:25:53.000"};
  check_times_prec(DX_TIME_UTC, 0, 0, 9, 3, u3);
  check_times_prec(DX_TIME_UTC, 0, 0, 0, 3, u3);
  const char *u0[] = {"08:25:43", "08:26:58", "10:29:00", "08:25:53", "08:25:53"};
  check_times_prec(DX_TIME_UTC, 0, 0, 6, 0, u0);
  const char *e1[] = {"1795335943.3", "1795336018.3", "1795343340.8", "1795335953.0",
                      "1795335953.0"};
  check_times_prec(DX_TIME_EPOCH, 0, 0, 9, 1, e1);
  const char *d0[] = {"0", "75", "7322", "-7387", "0"};
  check_times_prec(DX_TIME_DELTA, 0, 0, 9, 0, d0);
  const char *dh4[] = {"0.0000s", "1m 15.0001s", "2h  2m  2.5000s", "- 2h  3m  7.8325s", "0.0009s"};
  check_times_prec(DX_TIME_DELTA, 1, 0, 9, 4, dh4);
  const char *r8[] = {"0.00000000", "75.00012300", "7397.50012399", "9.66758900", "9.66858899"};
  check_times_prec(DX_TIME_RELATIVE, 0, 0, 6, 8, r8);
  check_times_prec(DX_TIME_UTC, 0, 0, 9, DX_TIME_PREC_AUTO, u);
  /* a frame's own precision of whole seconds, milliseconds (pcapng
   * if_tsresol 0 and 3; tshark shows them so) */
  check_times_prec(DX_TIME_UTC, 0, 0, DX_TSPREC_SECONDS, DX_TIME_PREC_AUTO, u0);
  check_times_prec(DX_TIME_UTC, 0, 0, 3, DX_TIME_PREC_AUTO, u3);

  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  CU_ASSERT_EQUAL(dx_session_set_time_precision(s, 10), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_session_set_time_precision(s, -2), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_session_set_time_precision(NULL, 3), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_session_set_frame_precision(s, 10), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_session_set_frame_precision(s, -2), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_session_set_frame_precision(NULL, 6), DX_EINVAL);
  dx_session_free(s);
}

/* What has no answer gives an empty text, never a crash: no packet, an
 * unknown format (as relative), a buffer of length 0. */
static void test_time_edges(void) {
  char buf[32] = "x";
  CU_ASSERT_EQUAL(dx_packet_time_column(NULL, buf, sizeof buf), 0);
  CU_ASSERT_STRING_EQUAL(buf, "");
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  CU_ASSERT_EQUAL(dx_session_set_time_format(s, (dx_time_format)99, 0), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_session_set_time_format(NULL, DX_TIME_RELATIVE, 0), DX_EINVAL);
  dx_frame f = {stamps[0].sec, stamps[0].nsec, sizeof udp_frame, sizeof udp_frame, 1, udp_frame};
  dx_packet *p = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_dissect(s, &f, &p), DX_OK);
  CU_ASSERT_EQUAL(dx_packet_time_column(p, buf, 0), strlen("0.000000"));
  dx_packet_free(p);
  dx_session_free(s);
}

int main(void) {
  dump_pcap();
  CU_TestInfo tests[] = {
      {"fields: header, separator, quotes, protocols", test_fields_header_quote},
      {"fields: aggregator, single quotes, space separator", test_fields_aggregator},
      {"fields: first and last occurrence, defaults", test_fields_occurrence},
      {"fields: expert info, valueless fields, protocol names", test_fields_expert_none_protocol},
      {"fields: undissected data in hex, short buffers", test_fields_data_hex},
      {"fields: unknown names and bad arguments", test_fields_errors},
      {"time column: relative and delta, with hms", test_time_relative_delta},
      {"time column: epoch, UTC and local", test_time_absolute},
      {"time column: nanoseconds and fixed digits", test_time_nanoseconds},
      {"time column: edges", test_time_edges},
      CU_TEST_INFO_NULL};
  return tu_run("fields_time", tests);
}
