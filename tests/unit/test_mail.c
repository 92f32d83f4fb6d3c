/* Mail: IMAP (imap.c), the Internet Message Format (imf.c), POP3 (pop.c)
 * and SMTP (smtp.c) on hand-made segments of one connection: the expected values are
 * tshark 4.0's on the same sessions (tests/differential/test_tshark_imap.sh
 * and test_tshark_pop.sh compare every field and -V with tshark's). */
#include "appconn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))

static conn C;

static void test_session(void) {
  conn_open(&C, 40100, 143);
  dx_packet *p = send_str(&C, 0, "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "IMAP");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Response: * OK [CAPABILITY IMAP4rev1 STARTTLS] ready");
  EXPECT(p, "imap.isrequest", "0");
  EXPECT(p, "imap.line", "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\\r\\n");
  CU_ASSERT_EQUAL(tu_count(p, "imap.response_tag"), 0);
  dx_packet_free(p);

  p = send_str(&C, 1, "a002 LOGIN alice \"secret pw\"\r\n");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Request: a002 LOGIN alice \"secret pw\"");
  EXPECT(p, "imap.request_tag", "a002");
  EXPECT(p, "imap.request.command", "LOGIN");
  EXPECT(p, "imap.request.username", "alice");
  /* (tshark's token ends at the first space, so the password is cut) */
  EXPECT(p, "imap.request.password", "secre");
  dx_packet_free(p);
  p = send_str(&C, 0, "* 2 RECENT\r\na002 OK LOGIN completed\r\n");
  EXPECT(p, "imap.response_tag", "a002");
  EXPECT(p, "imap.response.status", "OK");
  EXPECT(p, "imap.response.command", "LOGIN");
  EXPECT(p, "imap.response_to", "5");
  CU_ASSERT_EQUAL(tu_count(p, "imap.line"), 2);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Response: a002 OK LOGIN completed");
  dx_packet_free(p);

  p = send_str(&C, 1, "a003 UID fetch 1:4 (FLAGS)\r\n");
  EXPECT(p, "imap.request.command.uid", "1");
  EXPECT(p, "imap.request.command", "fetch");
  EXPECT(p, "imap.command", "UID");
  dx_packet_free(p);
  p = send_str(&C, 1, "a004 select INBOX\r\n");
  EXPECT(p, "imap.request.folder", "INBOX");
  dx_packet_free(p);

  /* a line over two segments */
  p = send_str(&C, 0, "a004 OK [READ-WRITE] SEL");
  CU_ASSERT_EQUAL(tu_count(p, "imap"), 0);
  dx_packet_free(p);
  p = send_str(&C, 0, "ECT completed\r\n");
  EXPECT(p, "imap.response", "a004 OK [READ-WRITE] SELECT completed");
  dx_packet_free(p);

  /* STARTTLS, OK: then TLS */
  dx_packet_free(send_str(&C, 1, "a005 STARTTLS\r\n"));
  dx_packet_free(send_str(&C, 0, "a005 OK Begin TLS negotiation now\r\n"));
  static const uint8_t rec[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28}; /* an alert */
  p = send_data(&C, 1, rec, sizeof rec);
  CU_ASSERT_EQUAL(tu_count(p, "imap"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "tls.record"), 1);
  dx_packet_free(p);
  conn_close(&C);

  /* after a STARTTLS the capture missed: not printable, so TLS */
  conn_open(&C, 40101, 143);
  p = send_data(&C, 1, rec, sizeof rec);
  CU_ASSERT_EQUAL(tu_count(p, "tls.record"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "imap.line"), 0);
  dx_packet_free(p);
  conn_close(&C);
}

/* A FETCH literal is an Internet Message (imf.c): headers, a mailbox list
 * with a display name, an unknown header, the text (values as tshark's on
 * the same bytes written as a pcap). */
static void test_fetch_imf(void) {
  conn_open(&C, 40102, 143);
  dx_packet_free(send_str(&C, 1, "a1 FETCH 1 RFC822\r\n"));
  const char *msg = "From: Fred Foobar <foobar@example.test>\r\n"
                    "To: a@example.test, b@example.test\r\n"
                    "X-Weird: yes\r\n"
                    "Subject: hi\r\n"
                    "\r\n"
                    "line one\r\n";
  char buf[512];
  snprintf(buf, sizeof buf, "* 1 FETCH (RFC822 {%zu}\r\n%s)\r\na1 OK done\r\n", strlen(msg), msg);
  dx_packet *p = send_str(&C, 0, buf);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "IMAP/IMF");
  EXPECT(p, "imf.from", "Fred Foobar <foobar@example.test>");
  EXPECT(p, "imf.display_name", "Fred Foobar");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "imf.address", 0), "foobar@example.test");
  CU_ASSERT_EQUAL(tu_count(p, "imf.address_list.item"), 2);
  CU_ASSERT_STRING_EQUAL(tu_label(p, "imf.to"), "To: a@example.test, b@example.test, 2 items");
  EXPECT(p, "imf.extension.type", "X-Weird");
  EXPECT(p, "imf.subject", "hi");
  CU_ASSERT_EQUAL(tu_count(p, "imf.message_text"), 1);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "from: Fred Foobar <foobar@example.test>, subject: hi, , line one  ");
  dx_packet_free(p);
  conn_close(&C);
}

/* POP3: a request, a response, a RETR whose message ("+OK <size>") comes
 * in two segments and is reassembled by that size, STLS then TLS. */
static void test_pop(void) {
  conn_open(&C, 40200, 110);
  dx_packet *p = send_str(&C, 0, "+OK ready\r\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "POP");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "S: +OK ready");
  EXPECT(p, "pop.response.indicator", "+OK");
  EXPECT(p, "pop.response.description", "ready");
  EXPECT(p, "pop.response", ""); /* (tshark's value is empty, its label the line) */
  dx_packet_free(p);
  p = send_str(&C, 1, "RETR 1\r\n");
  EXPECT(p, "pop.request.command", "RETR");
  EXPECT(p, "pop.request.parameter", "1");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "C: RETR 1");
  dx_packet_free(p);
  dx_packet_free(send_str(&C, 0, "+OK 30 octets\r\n"));
  p = send_str(&C, 0, "Subject: hi\r\n\r\n");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "S: DATA fragment, 15 bytes");
  CU_ASSERT_EQUAL(tu_count(p, "imf"), 0);
  dx_packet_free(p);
  p = send_str(&C, 0, "text line one\r\n");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "POP/IMF");
  EXPECT(p, "pop.data.fragment.count", "2");
  EXPECT(p, "pop.data.reassembled.length", "30");
  EXPECT(p, "imf.subject", "hi");
  dx_packet_free(p);
  dx_packet_free(send_str(&C, 1, "STLS\r\n"));
  dx_packet_free(send_str(&C, 0, "+OK go\r\n"));
  static const uint8_t rec[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};
  p = send_data(&C, 1, rec, sizeof rec);
  CU_ASSERT_EQUAL(tu_count(p, "pop"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "tls.record"), 1);
  dx_packet_free(p);
  conn_close(&C);
}

/* SMTP: a multi-line reply, a command, DATA whose message ends with the
 * EOM in its last segment (reassembled, an Internet Message), STARTTLS. */
static void test_smtp(void) {
  conn_open(&C, 40300, 25);
  dx_packet *p = send_str(&C, 0, "250-mail.example\r\n250 SIZE 100\r\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "S: 250-mail.example | SIZE 100");
  CU_ASSERT_EQUAL(tu_count(p, "smtp.response"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "smtp.rsp.parameter"), 2);
  EXPECT(p, "smtp.response.code", "250");
  dx_packet_free(p);
  p = send_str(&C, 1, "MAIL FROM:<a@x>\r\n");
  EXPECT(p, "smtp.req.command", "MAIL");
  EXPECT(p, "smtp.req.parameter", "FROM:<a@x>");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "C: MAIL FROM:<a@x>");
  dx_packet_free(p);
  dx_packet_free(send_str(&C, 1, "DATA\r\n"));
  dx_packet_free(send_str(&C, 0, "354 go\r\n"));
  p = send_str(&C, 1, "Subject: hi\r\n\r\n");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "C: DATA fragment, 15 bytes");
  dx_packet_free(p);
  p = send_str(&C, 1, "text\r\n.\r\n");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "SMTP/IMF");
  EXPECT(p, "smtp.data.fragment.count", "2");
  EXPECT(p, "imf.subject", "hi");
  CU_ASSERT_EQUAL(tu_count(p, "smtp.eom"), 1);
  dx_packet_free(p);
  dx_packet_free(send_str(&C, 1, "STARTTLS\r\n"));
  dx_packet_free(send_str(&C, 0, "220 go ahead\r\n"));
  static const uint8_t rec[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};
  p = send_data(&C, 1, rec, sizeof rec);
  CU_ASSERT_EQUAL(tu_count(p, "smtp"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "tls.record"), 1);
  dx_packet_free(p);
  conn_close(&C);
}

int main(void) {
  static CU_TestInfo tests[] = {
      {"session", test_session}, {"FETCH literal: an Internet Message", test_fetch_imf},
      {"POP3", test_pop},        {"SMTP", test_smtp},
      CU_TEST_INFO_NULL,
  };
  return tu_run("mail", tests);
}
