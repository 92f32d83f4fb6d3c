/* FTP (ftp.c): the control connection on hand-made segments, its data
 * connections (FTP-DATA), odd and hostile lines. Every expected value was
 * read with tshark 4.0.17 from the same frames written as a pcap
 * (TU_ONLY=<test> TU_DUMP_PCAP=/tmp/x.pcap build/tests/test_ftp, then
 * tshark -n -r /tmp/x.pcap -V and -T fields); tests/differential/
 * test_tshark_ftp.sh compares whole sessions with tshark's at test time.
 * Client 10.0.0.1, server 10.0.0.2. */
#include "appconn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))
#define INFO(p, val) CU_ASSERT_STRING_EQUAL(dx_packet_info(p), (val))

static conn C, D;

/* A second connection of C's session (a data connection) opened by the
 * client, its frames after C's. */
static void data_open(uint16_t cport, uint16_t sport) {
  memset(&D, 0, sizeof D);
  D.s = C.s;
  D.usec = C.usec;
  conn_open(&D, cport, sport);
}

/* The same, opened by the server (active mode: from its port 20). */
static void data_open_by_server(uint16_t cport, uint16_t sport) {
  memset(&D, 0, sizeof D);
  D.s = C.s;
  D.usec = C.usec;
  D.cport = cport;
  D.sport = sport;
  D.cseq = 1000;
  D.sseq = 5000;
  size_t n = tf_tcp(D.buf, 0, cport, sport, D.sseq, 0, TF_SYN, 64240, NULL, 0, NULL, 0);
  dx_packet_free(tf_feed(D.s, D.buf, n, D.usec += 100));
  D.sseq++;
  n = tf_tcp(D.buf, 1, cport, sport, D.cseq, D.sseq, TF_SYN | TF_ACK, 65160, NULL, 0, NULL, 0);
  dx_packet_free(tf_feed(D.s, D.buf, n, D.usec += 100));
  D.cseq++;
  n = tf_tcp(D.buf, 0, cport, sport, D.sseq, D.cseq, TF_ACK, 64240, NULL, 0, NULL, 0);
  dx_packet_free(tf_feed(D.s, D.buf, n, D.usec += 100));
}

static void data_done(void) {
  C.usec = D.usec;
  D.s = NULL; /* (C's session) */
}

/* Requests with and without an argument, single- and multi-line replies,
 * the working directory. */
static void test_session(void) {
  conn_open(&C, 40000, 21);
  dx_packet *p = send_str(&C, 0, "220-Welcome\r\n220-second\r\n220 ready\r\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "FTP");
  INFO(p, "Response: 220-Welcome");
  EXPECT(p, "ftp.response", "1");
  EXPECT(p, "ftp.request", "0");
  EXPECT(p, "ftp.response.code", "220");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ftp.response.code"),
                         "Response code: Service ready for new user (220)");
  EXPECT(p, "ftp.response.arg", "Welcome");
  CU_ASSERT_EQUAL(tu_count(p, "ftp.response.code"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "ftp.line"), 3); /* (tshark's text items) */
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "ftp.current-working-directory", 0), "");
  CU_ASSERT_EQUAL(tu_count(p, "ftp.current-working-directory"), 1);
  dx_packet_free(p);

  p = send_str(&C, 1, "USER anonymous\r\n");
  INFO(p, "Request: USER anonymous");
  EXPECT(p, "ftp.request", "1");
  EXPECT(p, "ftp.request.command", "USER");
  EXPECT(p, "ftp.request.arg", "anonymous");
  dx_packet_free(p);
  p = send_str(&C, 0, "331 Please\r\n");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ftp.response.code"),
                         "Response code: User name okay, need password (331)");
  dx_packet_free(p);

  /* a command's argument starts after all the spaces; the directory is the
   * text after "CWD " */
  p = send_str(&C, 1, "CWD  two spaces\r\n");
  EXPECT(p, "ftp.request.arg", "two spaces");
  dx_packet_free(p);
  p = send_str(&C, 0, "250 ok\r\n");
  EXPECT(p, "ftp.current-working-directory", " two spaces");
  dx_packet_free(p);
  dx_packet_free(send_str(&C, 1, "CWD /pub\r\n"));
  p = send_str(&C, 0, "250 ok\r\n");
  EXPECT(p, "ftp.current-working-directory", "/pub");
  dx_packet_free(p);
  dx_packet_free(send_str(&C, 1, "CWD sub/../x/./y\r\n"));
  p = send_str(&C, 0, "250 ok\r\n");
  EXPECT(p, "ftp.current-working-directory", "/pub/x/y");
  dx_packet_free(p);
  dx_packet_free(send_str(&C, 1, "CDUP\r\n"));
  p = send_str(&C, 0, "250 ok\r\n");
  EXPECT(p, "ftp.current-working-directory", "/pub/x");
  dx_packet_free(p);

  p = send_str(&C, 1, "PWD\r\n");
  INFO(p, "Request: PWD");
  EXPECT(p, "ftp.request.command", "PWD");
  CU_ASSERT_EQUAL(tu_count(p, "ftp.request.arg"), 0);
  dx_packet_free(p);
  p = send_str(&C, 0, "257 \"/a \"\"q\"\" b\" is cwd\r\n");
  EXPECT(p, "ftp.current-working-directory", "/a \"q\" b");
  dx_packet_free(p);
  p = send_str(&C, 0, "257 x\r\n");
  EXPECT(p, "_ws.expert.message", "Invalid PWD response");
  EXPECT(p, "ftp.current-working-directory", "/a \"q\" b");
  dx_packet_free(p);
  conn_close(&C);
}

/* A line over two segments: each segment alone, as tshark (which does not
 * reassemble FTP) shows it. */
static void test_split_line(void) {
  conn_open(&C, 40010, 21);
  dx_packet *p = send_str(&C, 0, "220 Wel");
  INFO(p, "Response: 220 Wel");
  EXPECT(p, "ftp.response.code", "220");
  EXPECT(p, "ftp.response.arg", "Wel");
  dx_packet_free(p);
  p = send_str(&C, 0, "come\r\n");
  INFO(p, "Response: come");
  CU_ASSERT_EQUAL(tu_count(p, "ftp.response.code"), 0);
  EXPECT(p, "ftp.response.arg", "come");
  dx_packet_free(p);
  p = send_str(&C, 1, "NOOP");
  INFO(p, "Request: NOOP");
  EXPECT(p, "ftp.request.command", "NOOP");
  dx_packet_free(p);
  conn_close(&C);
}

/* PASV, PORT and EPSV announce data connections, dissected as FTP-DATA
 * with the first command after the announcement. */
static void test_data_connections(void) {
  conn_open(&C, 40020, 21);
  dx_packet_free(send_str(&C, 1, "PASV\r\n"));
  dx_packet *p = send_str(&C, 0, "227 Entering Passive Mode (10,0,0,2,195,80).\r\n");
  uint64_t setup = dx_packet_number(p);
  EXPECT(p, "ftp.passive.ip", "10.0.0.2");
  EXPECT(p, "ftp.passive.port", "50000");
  CU_ASSERT_EQUAL(tu_count(p, "ftp.passive.nat"), 0);
  dx_packet_free(p);
  p = send_str(&C, 1, "TYPE I\r\n");
  uint64_t cmd = dx_packet_number(p);
  dx_packet_free(p);
  dx_packet_free(send_str(&C, 1, "RETR file.txt\r\n"));
  data_open(40021, 50000);
  p = send_str(&D, 0, "hello\r\nworld\r\n");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "FTP-DATA");
  INFO(p, "FTP Data: 14 bytes (PASV) (TYPE I)");
  char n[32];
  snprintf(n, sizeof n, "%llu", (unsigned long long)setup);
  EXPECT(p, "ftp-data.setup-frame", n);
  EXPECT(p, "ftp-data.setup-method", "PASV");
  EXPECT(p, "ftp-data.command", "TYPE I");
  snprintf(n, sizeof n, "%llu", (unsigned long long)cmd);
  EXPECT(p, "ftp-data.command-frame", n);
  EXPECT(p, "ftp-data.current-working-directory", "");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ftp-data"), "FTP Data (14 bytes data)");
  CU_ASSERT_EQUAL(tu_count(p, "data-text-lines"), 1);
  dx_packet_free(p);
  p = send_data(&D, 0, "\x00\x01\x02", 3);
  INFO(p, "FTP Data: 3 bytes (PASV) (TYPE I)");
  CU_ASSERT_EQUAL(tu_count(p, "data-text-lines"), 0);
  dx_packet_free(p);
  data_done();

  /* PORT: the server connects from its port 20 */
  p = send_str(&C, 1, "PORT 10,0,0,1,156,66\r\n");
  EXPECT(p, "ftp.active.cip", "10.0.0.1");
  EXPECT(p, "ftp.active.port", "40002");
  CU_ASSERT_EQUAL(tu_count(p, "ftp.active.nat"), 0);
  dx_packet_free(p);
  dx_packet_free(send_str(&C, 1, "LIST\r\n"));
  data_open_by_server(40002, 20);
  p = send_str(&D, 0, "x\r\n");
  INFO(p, "FTP Data: 3 bytes (PORT) (LIST)");
  dx_packet_free(p);
  data_done();

  /* EPSV: the server's address is the control connection's */
  dx_packet_free(send_str(&C, 1, "EPSV\r\n"));
  p = send_str(&C, 0, "229 Entering Extended Passive Mode (|||50001|)\r\n");
  EXPECT(p, "ftp.epsv.ip", "10.0.0.2");
  EXPECT(p, "ftp.epsv.port", "50001");
  dx_packet_free(p);
  dx_packet_free(send_str(&C, 1, "NLST\r\n"));
  data_open(40003, 50001);
  p = send_str(&D, 0, "a\r\nb\r\n");
  INFO(p, "FTP Data: 6 bytes (EPASV) (NLST)");
  dx_packet_free(p);
  data_done();

  /* port 20 without an announcement: FTP-DATA, linked to nothing */
  data_open_by_server(40009, 20);
  p = send_str(&D, 0, "z\r\n");
  INFO(p, "FTP Data: 3 bytes");
  CU_ASSERT_EQUAL(tu_count(p, "ftp-data.setup-frame"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "ftp-data.setup-method"), 0);
  dx_packet_free(p);
  data_done();
  /* an unannounced port: plain TCP */
  data_open(40010, 50002);
  p = send_str(&D, 0, "z\r\n");
  CU_ASSERT_EQUAL(tu_count(p, "ftp-data"), 0);
  dx_packet_free(p);
  data_done();
  conn_close(&C);
}

/* A data connection shows the directory of its announcement; the first
 * relative CWD from an empty directory changes it for the data connections
 * announced before (tshark appends to the string they share), any later
 * change does not. */
static void test_cwd_shared(void) {
  conn_open(&C, 40070, 21);
  dx_packet_free(send_str(&C, 1, "PASV\r\n"));
  dx_packet_free(send_str(&C, 0, "227 ok (10,0,0,2,195,80)\r\n"));
  dx_packet_free(send_str(&C, 1, "LIST\r\n"));
  data_open(40071, 50000);
  dx_packet *p = send_str(&D, 0, "a\r\n");
  EXPECT(p, "ftp-data.current-working-directory", "");
  dx_packet_free(p);
  C.usec = D.usec;
  dx_packet_free(send_str(&C, 1, "CWD pub\r\n"));
  dx_packet_free(send_str(&C, 0, "250 ok\r\n"));
  D.usec = C.usec;
  p = send_str(&D, 0, "b\r\n");
  EXPECT(p, "ftp-data.current-working-directory", "pub");
  dx_packet_free(p);
  C.usec = D.usec;
  dx_packet_free(send_str(&C, 1, "CWD x\r\n"));
  p = send_str(&C, 0, "250 ok\r\n");
  EXPECT(p, "ftp.current-working-directory", "pub/x");
  dx_packet_free(p);
  D.usec = C.usec;
  p = send_str(&D, 0, "c\r\n");
  EXPECT(p, "ftp-data.current-working-directory", "pub");
  dx_packet_free(p);
  data_done();
  conn_close(&C);
}

/* PORT/PASV with odd numbers, EPRT and EPSV well and badly formed. */
static void test_port_forms(void) {
  conn_open(&C, 40030, 21);
  dx_packet *p = send_str(&C, 1, "P 1,2,3,4,5,6\r\n"); /* (a prefix of PORT is PORT) */
  EXPECT(p, "ftp.active.cip", "1.2.3.4");
  EXPECT(p, "ftp.active.port", "1286");
  EXPECT(p, "ftp.active.nat", "1");
  dx_packet_free(p);
  p = send_str(&C, 1, "port 1,2,3,4,5,7\r\n");
  CU_ASSERT_EQUAL(tu_count(p, "ftp.active.cip"), 0);
  dx_packet_free(p);
  p = send_str(&C, 1, "PORT 10,0,0,1,1000,-1\r\n");
  EXPECT(p, "ftp.active.cip", "10.0.0.1");
  EXPECT(p, "ftp.active.port", "59647");
  dx_packet_free(p);
  p = send_str(&C, 1, "PORT a1,2,3,4,5,9 and 300,2,3,4,5,10\r\n");
  EXPECT(p, "ftp.active.cip", "1.2.3.4");
  EXPECT(p, "ftp.active.port", "1289");
  dx_packet_free(p);
  p = send_str(&C, 1, "EPRT |2|::1|5282|\r\n");
  EXPECT(p, "ftp.eprt.af", "2");
  EXPECT(p, "ftp.eprt.ipv6", "::1");
  EXPECT(p, "ftp.eprt.port", "5282");
  dx_packet_free(p);
  p = send_str(&C, 1, "EPRT |1|10.0.0.1|99999|\r\n");
  EXPECT(p, "_ws.expert.message", "EPRT arguments must have the form: |<family>|<addr>|<port>|");
  CU_ASSERT_EQUAL(tu_count(p, "ftp.eprt.af"), 0);
  dx_packet_free(p);
  p = send_str(&C, 1, "E |1|10.0.0.1|4|\r\n");
  EXPECT(p, "ftp.eprt.ip", "10.0.0.1");
  EXPECT(p, "ftp.eprt.port", "4");
  dx_packet_free(p);
  p = send_str(&C, 0, "229 Entering Extended Passive Mode (|||abc|)\r\n");
  EXPECT(p, "_ws.expert.message", "EPSV arguments must have the form (|||<port>|)");
  dx_packet_free(p);
  p = send_str(&C, 0, "229 (x) Entering (!!!6447!)\r\n");
  CU_ASSERT_EQUAL(tu_count(p, "ftp.epsv.port"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "ftp.epsv.args_invalid"), 1);
  dx_packet_free(p);
  p = send_str(&C, 0, "227 =10,0,0,9,1,2\r\n");
  EXPECT(p, "ftp.passive.ip", "10.0.0.9");
  EXPECT(p, "ftp.passive.port", "258");
  EXPECT(p, "ftp.passive.nat", "1");
  dx_packet_free(p);
  p = send_str(&C, 0, "227 nothing\r\n");
  CU_ASSERT_EQUAL(tu_count(p, "ftp.passive.ip"), 0);
  dx_packet_free(p);
  conn_close(&C);
}

/* Lines without an end, empty, with control and 8-bit bytes, longer than
 * a label: no crash, and shown as tshark shows them. */
static void test_odd_lines(void) {
  conn_open(&C, 40040, 21);
  dx_packet *p = send_str(&C, 0, "12\r\n");
  INFO(p, "Response: 12");
  CU_ASSERT_EQUAL(tu_count(p, "ftp.response.code"), 0);
  EXPECT(p, "ftp.response.arg", "12");
  dx_packet_free(p);
  p = send_str(&C, 0, "\r\n");
  INFO(p, "Response: ");
  CU_ASSERT_EQUAL(tu_count(p, "ftp.response.arg"), 0);
  dx_packet_free(p);
  p = send_str(&C, 1, " NOOP\r\n");
  CU_ASSERT_EQUAL(tu_count(p, "ftp.request.command"), 0);
  EXPECT(p, "ftp.request.arg", "NOOP");
  dx_packet_free(p);
  static const char bin[] = "200 \x01\xff\x80 ok \xc3\xa9\x00z\r\n";
  p = send_data(&C, 0, bin, sizeof bin - 1);
  INFO(p, "Response: 200 \\001\xef\xbf\xbd\xef\xbf\xbd ok \xc3\xa9\\000z");
  /* (ENC_ASCII: each byte of 0x80 or more is U+FFFD; the value ends at the NUL) */
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ftp.response.arg"),
                         "Response arg: \\001\xef\xbf\xbd\xef\xbf\xbd ok "
                         "\xef\xbf\xbd\xef\xbf\xbd");
  dx_packet_free(p);
  static const char stray[] = "200 a\x00\xc3\xa9\r\n";
  p = send_data(&C, 0, stray, sizeof stray - 1);
  EXPECT(p, "_ws.expert.message", "Trailing stray characters");
  dx_packet_free(p);
  p = send_str(&C, 1, "USER a\rPASS b\nQUIT\r\n");
  INFO(p, "Request: USER a");
  EXPECT(p, "ftp.request.arg", "a");
  CU_ASSERT_EQUAL(tu_count(p, "ftp.line"), 3);
  dx_packet_free(p);
  /* a line of 3,000 bytes: Info whole, the label cut as tshark's */
  static char big[3400];
  memcpy(big, "200-", 4);
  memset(big + 4, 'x', 3000);
  memcpy(big + 3004, "\r\n", 3);
  p = send_str(&C, 0, big);
  CU_ASSERT_EQUAL(strlen(dx_packet_info(p)), 10 + 3004);
  CU_ASSERT_STRING_EQUAL(tu_label(p, "ftp.line") + strlen(tu_label(p, "ftp.line")) - 5, "xxxxx");
  CU_ASSERT_EQUAL(strncmp(tu_label(p, "ftp.line"), " [truncated]200-xxx", 19), 0);
  dx_packet_free(p);
  /* a segment as long as a TCP segment can be, of one line */
  static char huge[60001];
  memset(huge, 'A', sizeof huge - 1);
  p = send_str(&C, 1, huge);
  CU_ASSERT_PTR_NOT_NULL(p);
  CU_ASSERT_EQUAL(strlen(dx_packet_info(p)), 4095); /* (the column's bound) */
  CU_ASSERT_EQUAL(strncmp(tu_value(p, "ftp.request.command"), "AAAAAAAA", 8), 0);
  CU_ASSERT_EQUAL(tu_count(p, "ftp.request.arg"), 0);
  dx_packet_free(p);
  conn_close(&C);
}

/* AUTH TLS answered 234: TLS; plain text after it: FTP again, with the
 * connection's state. */
static void test_auth_tls(void) {
  conn_open(&C, 40050, 21);
  dx_packet_free(send_str(&C, 1, "CWD /x\r\n"));
  dx_packet_free(send_str(&C, 0, "250 ok\r\n"));
  dx_packet_free(send_str(&C, 1, "AUTH TLS\r\n"));
  dx_packet_free(send_str(&C, 0, "234 ok\r\n"));
  static const uint8_t rec[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28}; /* an alert */
  dx_packet *p = send_data(&C, 1, rec, sizeof rec);
  CU_ASSERT_EQUAL(tu_count(p, "ftp"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "tls.record"), 1);
  dx_packet_free(p);
  p = send_str(&C, 1, "PASV\r\n");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "FTP");
  INFO(p, "Request: PASV");
  EXPECT(p, "ftp.current-working-directory", "/x"); /* (the connection's state kept) */
  dx_packet_free(p);
  conn_close(&C);
}

/* Every prefix of a few segments, each in a fresh connection: no crash. */
static void test_prefixes(void) {
  static const char *const segs[] = {
      "227 Entering Passive Mode (10,0,0,2,195,80).\r\n",
      "229 Entering Extended Passive Mode (|||50001|)\r\n",
      "257 \"/a \"\"b\"\"\" x\r\n",
  };
  static const char *const reqs[] = {
      "PORT 10,0,0,1,156,66\r\n",
      "EPRT |2|::1|5282|\r\n",
      "EPRT |1|10.0.0.1|4|\r\n",
  };
  for (size_t k = 0; k < 3; k++) {
    for (size_t n = 0; n <= strlen(segs[k]); n++) {
      conn_open(&C, 40060, 21);
      dx_packet_free(send_data(&C, 0, segs[k], n));
      dx_packet_free(send_data(&C, 1, reqs[k], n < strlen(reqs[k]) ? n : strlen(reqs[k])));
      conn_close(&C);
    }
  }
}

int main(void) {
  static CU_TestInfo tests[] = {
      {"session", test_session},
      {"split_line", test_split_line},
      {"data_connections", test_data_connections},
      {"cwd_shared", test_cwd_shared},
      {"port_forms", test_port_forms},
      {"odd_lines", test_odd_lines},
      {"auth_tls", test_auth_tls},
      {"prefixes", test_prefixes},
      CU_TEST_INFO_NULL,
  };
  return tu_run("ftp", tests);
}
