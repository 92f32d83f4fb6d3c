/* IMAP (imap.c) on hand-made segments of one connection to port 143: the
 * expected values are tshark 4.0's on the same session (written as a pcap
 * by tests/differential/test_tshark_imap.sh, which compares every imap.*
 * field and -V with tshark's). */
#include "tcpframe.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))

typedef struct conn {
  dx_session *s;
  uint16_t cport, sport;
  uint32_t cseq, sseq; /* next sequence number of each side */
  uint64_t usec;       /* time of the next frame */
  uint8_t buf[70000];
} conn;

/* Opens a session (if needed) and a connection with the three-way
 * handshake: frames 1-3 of a fresh session. */
static void conn_open(conn *c, uint16_t cport, uint16_t sport) {
  if (!c->s)
    CU_ASSERT_EQUAL_FATAL(dx_session_new(&c->s, NULL), DX_OK);
  c->cport = cport;
  c->sport = sport;
  c->cseq = 1000;
  c->sseq = 5000;
  size_t n = tf_tcp(c->buf, 1, cport, sport, c->cseq, 0, TF_SYN, 64240, NULL, 0, NULL, 0);
  dx_packet_free(tf_feed(c->s, c->buf, n, c->usec += 100));
  c->cseq++;
  n = tf_tcp(c->buf, 0, cport, sport, c->sseq, c->cseq, TF_SYN | TF_ACK, 65160, NULL, 0, NULL, 0);
  dx_packet_free(tf_feed(c->s, c->buf, n, c->usec += 100));
  c->sseq++;
  n = tf_tcp(c->buf, 1, cport, sport, c->cseq, c->sseq, TF_ACK, 64240, NULL, 0, NULL, 0);
  dx_packet_free(tf_feed(c->s, c->buf, n, c->usec += 100));
}

/* One data segment from the client (c2s) or the server, of which the
 * capture keeps `keep` bytes of payload (cut by its snapshot length when
 * fewer than len; frame.len stays the whole frame). */
static dx_packet *send_seg(conn *c, int c2s, const void *data, size_t len, size_t keep) {
  size_t n;
  if (c2s) {
    n = tf_tcp(c->buf, 1, c->cport, c->sport, c->cseq, c->sseq, TF_PSH | TF_ACK, 64240, NULL, 0,
               data, len);
    c->cseq += (uint32_t)len;
  } else {
    n = tf_tcp(c->buf, 0, c->cport, c->sport, c->sseq, c->cseq, TF_PSH | TF_ACK, 65160, NULL, 0,
               data, len);
    c->sseq += (uint32_t)len;
  }
  c->usec += 100;
  return keep < len ? tf_feed_cut(c->s, c->buf, n, n - len + keep, c->usec)
                    : tf_feed(c->s, c->buf, n, c->usec);
}

static dx_packet *send_data(conn *c, int c2s, const void *data, size_t len) {
  return send_seg(c, c2s, data, len, len);
}

static dx_packet *send_str(conn *c, int c2s, const char *s) {
  return send_data(c, c2s, s, strlen(s));
}

static void conn_close(conn *c) {
  dx_session_free(c->s);
  c->s = NULL;
}

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

int main(void) {
  static CU_TestInfo tests[] = {
      {"session", test_session},
      {"FETCH literal: an Internet Message", test_fetch_imf},
      CU_TEST_INFO_NULL,
  };
  return tu_run("imap", tests);
}
