/* Unit tests of the JSON writers' -x bytes (DX_JSON_RAW) in the three forms
 * and of tshark's -j / -J filters (dx_json_writer_set_filter), on frame 1 of
 * samples/dns.pcap (a DNS query for www.example.test, A).
 *
 * Expected members come from tshark 4.0 on the same frame:
 *   tshark -r samples/dns.pcap -c 1 -T json -x   ("ip.src_raw":
 *     ["7f000001", 26, 4, 0, 32], ...; our form is compact, so without
 *     tshark's spaces)
 *   tshark -r samples/dns.pcap -c 1 -T ek -x     ("ip_ip_src_raw":"7f000001")
 *   tshark -r samples/dns.pcap -c 1 -T json -j "ip udp", -J "dns"
 *   tshark -r samples/dns.pcap -c 1 -T ek -j "ip"
 * Only what our typed form shares with tshark's is compared (tshark writes
 * every value as a string; we write numbers as numbers). */
#include "testutil.h"

#include <dissect/output.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static dx_session *sess;
static dx_packet *pkt;

static void load_frame1(void) {
  char path[700], err[512];
  snprintf(path, sizeof path, "%s/samples/dns.pcap", tu_src_dir());
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&sess, NULL), DX_OK);
  dx_capture *c = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_capture_open_file(&c, path, err, sizeof err), DX_OK);
  dx_frame f;
  CU_ASSERT_EQUAL_FATAL(dx_capture_next(c, &f), 1);
  CU_ASSERT_EQUAL_FATAL(dx_session_dissect(sess, &f, &pkt), DX_OK);
  dx_capture_close(c);
}

/* The whole document of frame 1 written by a dx_json_writer in `form` with
 * `flags`, filtered by names (NULL: not). */
static char *write_doc(dx_json_form form, unsigned flags, const char *const *names, size_t n,
                       unsigned fflags) {
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  CU_ASSERT_PTR_NOT_NULL_FATAL(out);
  dx_json_writer *w = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_json_writer_new(&w, out, form, flags), DX_OK);
  if (names)
    CU_ASSERT_EQUAL(dx_json_writer_set_filter(w, names, n, fflags), DX_OK);
  CU_ASSERT_EQUAL(dx_json_writer_write(w, pkt), DX_OK);
  CU_ASSERT_EQUAL(dx_json_writer_flush(w), DX_OK);
  CU_ASSERT_EQUAL(dx_json_writer_close(w), DX_OK);
  fclose(out);
  return buf;
}

static void expect_in(const char *doc, const char *what) {
  if (!strstr(doc, what))
    fprintf(stderr, "\nmissing %s\n", what);
  CU_ASSERT_PTR_NOT_NULL(strstr(doc, what));
}

static const char frame_hex[] =
    "00000000000000000000000008004500003ef11f000040118b8d7f0000017f000001af080035002afe3d6e1901"
    "20000100000000000003777777076578616d706c6504746573740000010001";

static void test_raw_packets(void) {
  for (int pretty = 0; pretty < 2; pretty++) {
    char *doc = write_doc(DX_JSON_PACKETS, DX_JSON_RAW | (pretty ? DX_JSON_PRETTY : 0), NULL, 0, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    if (pretty) { /* the same members, indented: compare without the blanks */
      char *o = doc;
      for (char *i = doc; *i; i++)
        if (*i != ' ' && *i != '\n')
          *o++ = *i;
      *o = 0;
    }
    char want[400];
    snprintf(want, sizeof want, "\"frame_raw\":[\"%s\",0,76,0,1]", frame_hex);
    expect_in(doc, want);
    expect_in(doc, "\"eth_raw\":[\"0000000000000000000000000800\",0,14,0,1]");
    expect_in(doc, "\"ip.flags_raw\":[\"0\",20,1,224,4]");
    expect_in(doc, "\"ip.flags.df_raw\":[\"0\",20,1,64,2]");
    expect_in(doc, "\"ip.ttl_raw\":[\"40\",22,1,0,4]");
    expect_in(doc, "\"ip.src_raw\":[\"7f000001\",26,4,0,32]");
    expect_in(doc, "\"udp.srcport_raw\":[\"af08\",34,2,0,5]");
    expect_in(doc, "\"dns.qry.name_raw\":[\"03777777076578616d706c65047465737400\",54,18,0,26]");
    /* NAME_raw comes before NAME */
    CU_ASSERT(strstr(doc, "\"ip.src_raw\"") < strstr(doc, "\"ip.src\""));
    free(doc);
  }
}

static void test_raw_ek_tree(void) {
  char *doc = write_doc(DX_JSON_EK, DX_JSON_RAW, NULL, 0, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
  expect_in(doc, "\"ip_ip_src_raw\":\"7f000001\"");
  expect_in(doc, "\"ip_ip_flags_df_raw\":\"0\"");
  expect_in(doc,
            "\"dns_raw\":\"6e190120000100000000000003777777076578616d706c6504746573740000010001\"");
  free(doc);
  /* the tree form: the frame's bytes in its source, bitmasks on the nodes
   * that have one (ip.flags.df: 0x40, as tshark's -x array says) */
  doc = write_doc(DX_JSON_TREE, DX_JSON_RAW, NULL, 0, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
  char want[400];
  snprintf(want, sizeof want, "\"data\":\"%s\"", frame_hex);
  expect_in(doc, want);
  const char *df = strstr(doc, "\"name\":\"ip.flags.df\"");
  CU_ASSERT_PTR_NOT_NULL_FATAL(df);
  const char *end = strchr(df, '}');
  const char *bm = strstr(df, "\"bitmask\":64");
  CU_ASSERT(bm && end && bm < end);
  free(doc);
}

static void test_filters(void) {
  /* -j "ip udp": those layers' children, the others {"filtered": NAME};
   * a field's subtree not named is filtered too */
  static const char *const ipudp[] = {"ip", "udp"};
  char *doc = write_doc(DX_JSON_PACKETS, 0, ipudp, 2, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
  expect_in(doc, "\"frame\":{\"filtered\":\"frame\"}");
  expect_in(doc, "\"eth\":{\"filtered\":\"eth\"}");
  expect_in(doc, "\"dns\":{\"filtered\":\"dns\"}");
  expect_in(doc, "\"ip.dsfield_tree\":{\"filtered\":\"ip.dsfield\"}");
  expect_in(doc, "\"ip.flags_tree\":{\"filtered\":\"ip.flags\"}");
  expect_in(doc, "\"ip.src\":\"127.0.0.1\"");
  expect_in(doc, "\"udp.srcport\":44808");
  free(doc);
  /* -J "dns": everything below dns */
  static const char *const dns[] = {"dns"};
  doc = write_doc(DX_JSON_PACKETS, 0, dns, 1, DX_JSON_FILTER_CHILDREN);
  CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
  expect_in(doc, "\"ip\":{\"filtered\":\"ip\"}");
  expect_in(doc, "\"udp\":{\"filtered\":\"udp\"}");
  expect_in(doc, "\"dns.flags_tree\":{\"dns.flags.response\":");
  expect_in(doc, "\"dns.qry.name\":\"www.example.test\"");
  free(doc);
  /* -T ek -j "ip": each value of ip not named is filtered */
  static const char *const ip[] = {"ip"};
  doc = write_doc(DX_JSON_EK, 0, ip, 1, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
  expect_in(doc, "\"frame\":{\"filtered\":\"frame\"}");
  expect_in(doc, "\"ip_ip_version\":{\"filtered\":\"ip.version\"}");
  expect_in(doc, "\"ip_ip_src\":{\"filtered\":\"ip.src\"}");
  free(doc);
  /* the tree form is never filtered; bad arguments */
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  dx_json_writer *w = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_json_writer_new(&w, out, DX_JSON_TREE, 0), DX_OK);
  CU_ASSERT_EQUAL(dx_json_writer_set_filter(w, ip, 1, 0), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_json_writer_close(w), DX_OK);
  fclose(out);
  CU_ASSERT_STRING_EQUAL(buf, "[]\n"); /* no packet: an empty array */
  free(buf);
  CU_ASSERT_EQUAL(dx_json_writer_new(&w, NULL, DX_JSON_PACKETS, 0), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_json_writer_new(&w, stdout, (dx_json_form)7, 0), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_json_writer_close(NULL), DX_OK);
}

static void cleanup(void) {
  dx_packet_free(pkt);
  dx_session_free(sess);
}

int main(void) {
  CU_TestInfo tests[] = {{"frame 1 of samples/dns.pcap", load_frame1},
                         {"json -x: NAME_raw arrays as tshark -T json -x", test_raw_packets},
                         {"json -x: ek and tree forms", test_raw_ek_tree},
                         {"json -j / -J filters", test_filters},
                         {"cleanup", cleanup},
                         CU_TEST_INFO_NULL};
  return tu_run("json_raw", tests);
}
