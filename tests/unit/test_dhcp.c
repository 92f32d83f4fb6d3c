/* DHCP and BOOTP (RFC 951, RFC 2131, RFC 2132) from hand-made
 * Ethernet/IPv4/UDP frames: the four messages of a lease (Discover, Offer,
 * Request, ACK) with the common options, BOOTP without options, an option
 * tshark knows only by name, an option whose length runs past the
 * datagram, a message without End, and truncation at every length.
 * Every expected value is what tshark 4.0 prints for the same bytes, not
 * dissect's output: run this binary with TU_ONLY=<test name>
 * TU_DUMP_PCAP=FILE to write that test's frames to a pcap, then read it
 * with tshark -V and tshark -T fields. */
#include "tcpframe.h"
#include "testutil.h"

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))

static uint8_t fb[1500];

typedef struct msg {
  uint8_t b[600];
  size_t n;
} msg;

/* The fixed header (236 bytes) of a message from client 00:11:22:33:44:55. */
static void hdr(msg *m, uint8_t op, uint32_t xid, uint16_t secs, uint16_t flags,
                const uint8_t ciaddr[4], const uint8_t yiaddr[4], const uint8_t siaddr[4]) {
  memset(m->b, 0, sizeof m->b);
  m->b[0] = op;
  m->b[1] = 1; /* Ethernet */
  m->b[2] = 6;
  m->b[4] = (uint8_t)(xid >> 24);
  m->b[5] = (uint8_t)(xid >> 16);
  m->b[6] = (uint8_t)(xid >> 8);
  m->b[7] = (uint8_t)xid;
  m->b[8] = (uint8_t)(secs >> 8);
  m->b[9] = (uint8_t)secs;
  m->b[10] = (uint8_t)(flags >> 8);
  m->b[11] = (uint8_t)flags;
  if (ciaddr)
    memcpy(m->b + 12, ciaddr, 4);
  if (yiaddr)
    memcpy(m->b + 16, yiaddr, 4);
  if (siaddr)
    memcpy(m->b + 20, siaddr, 4);
  static const uint8_t mac[6] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
  memcpy(m->b + 28, mac, 6);
  m->n = 236;
}

static void put(msg *m, const void *d, size_t n) {
  memcpy(m->b + m->n, d, n);
  m->n += n;
}

static void cookie(msg *m) {
  put(m, "\x63\x82\x53\x63", 4);
}

static dx_packet *send_msg(dx_session *s, int from_client, const msg *m, uint64_t usec) {
  size_t n = tf_udp(fb, from_client, 68, 67, m->b, m->n, 0);
  return tf_feed(s, fb, n, usec);
}

static const uint8_t yi[4] = {192, 168, 1, 10}, si[4] = {192, 168, 1, 1};

static void discover(msg *m) {
  hdr(m, 1, 0x3903f326, 0, 0x8000, NULL, NULL, NULL);
  cookie(m);
  put(m, "\x35\x01\x01", 3);                         /* 53 Discover */
  put(m, "\x3d\x07\x01\x00\x11\x22\x33\x44\x55", 9); /* 61 client id */
  put(m, "\x32\x04\xc0\xa8\x01\x0a", 6);             /* 50 requested IP */
  put(m, "\x0c\x04host", 6);                         /* 12 host name */
  put(m, "\x3c\x08MSFT 5.0", 10);                    /* 60 vendor class */
  put(m, "\x39\x02\x05\xdc", 4);                     /* 57 max size 1500 */
  put(m, "\x37\x06\x01\x03\x06\x0f\x1c\x33", 8);     /* 55 request list */
  put(m, "\x51\x07\x01\x00\x00host", 9);             /* 81 client FQDN */
  put(m, "\xff\x00\x00", 3);                         /* End, padding */
}

static void offer_ack(msg *m, uint8_t type, uint32_t xid) {
  hdr(m, 2, xid, 0, 0, NULL, yi, si);
  cookie(m);
  put(m, "\x35\x01", 2);
  put(m, &type, 1);
  put(m, "\x36\x04\xc0\xa8\x01\x01", 6);                  /* 54 server id */
  put(m, "\x33\x04\x00\x01\x51\x80", 6);                  /* 51 lease 86400 s */
  put(m, "\x3a\x04\x00\x00\xa8\xc0", 6);                  /* 58 renewal 43200 s */
  put(m, "\x3b\x04\x00\x01\x27\x50", 6);                  /* 59 rebinding 75600 s */
  put(m, "\x01\x04\xff\xff\xff\x00", 6);                  /* 1 subnet mask */
  put(m, "\x1c\x04\xc0\xa8\x01\xff", 6);                  /* 28 broadcast */
  put(m, "\x03\x04\xc0\xa8\x01\x01", 6);                  /* 3 router */
  put(m, "\x06\x08\x08\x08\x08\x08\x01\x01\x01\x01", 10); /* 6 DNS */
  put(m,
      "\x0f\x0b"
      "example.com",
      13); /* 15 domain name */
  put(m, "\xff", 1);
}

static void request(msg *m) {
  hdr(m, 1, 0x3903f326, 0, 0, NULL, NULL, NULL);
  cookie(m);
  put(m, "\x35\x01\x03", 3);
  put(m, "\x32\x04\xc0\xa8\x01\x0a", 6);
  put(m, "\x36\x04\xc0\xa8\x01\x01", 6);
  put(m, "\x0c\x04host", 6);
  put(m, "\xff", 1);
}

static void test_lease(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  msg m;
  discover(&m);
  dx_packet *p = send_msg(s, 1, &m, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "DHCP");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "DHCP Discover - Transaction ID 0x3903f326");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "dhcp"), "Dynamic Host Configuration Protocol (Discover)");
  EXPECT(p, "dhcp.type", "1");
  EXPECT(p, "dhcp.hw.type", "0x01");
  EXPECT(p, "dhcp.hw.len", "6");
  EXPECT(p, "dhcp.id", "0x3903f326");
  EXPECT(p, "dhcp.flags", "0x8000");
  EXPECT(p, "dhcp.flags.bc", "1");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "dhcp.flags"),
                         "Bootp flags: 0x8000, Broadcast flag (Broadcast)");
  EXPECT(p, "dhcp.hw.mac_addr", "00:11:22:33:44:55");
  EXPECT(p, "dhcp.hw.addr_padding", "00000000000000000000");
  EXPECT(p, "dhcp.cookie", "99.130.83.99");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "dhcp.server"), "Server host name not given");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "dhcp.file"), "Boot file name not given");
  EXPECT(p, "dhcp.option.dhcp", "1");
  EXPECT(p, "dhcp.option.requested_ip_address", "192.168.1.10");
  EXPECT(p, "dhcp.option.hostname", "host");
  EXPECT(p, "dhcp.option.vendor_class_id", "MSFT 5.0");
  EXPECT(p, "dhcp.option.dhcp_max_message_size", "1500");
  CU_ASSERT_EQUAL(tu_count(p, "dhcp.option.request_list_item"), 6);
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "dhcp.option.request_list_item", 5), "51");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "dhcp.option.request_list_item"),
                         "Parameter Request List Item: (1) Subnet Mask");
  EXPECT(p, "dhcp.fqdn.flags", "0x01");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "dhcp.fqdn.flags"), "Flags: 0x01, Server");
  EXPECT(p, "dhcp.fqdn.name", "host");
  EXPECT(p, "dhcp.option.end", "255");
  EXPECT(p, "dhcp.option.padding", "0000");
  CU_ASSERT_EQUAL(tu_count(p, "dhcp.option.type"), 9);
  /* End's dhcp.option.type is 0 in tshark -T fields */
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "dhcp.option.type", 8), "0");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "dhcp.option.type"),
                         "Option: (53) DHCP Message Type (Discover)");
  CU_ASSERT_EQUAL(tu_count(p, "dhcp.bootp"), 0);
  dx_packet_free(p);

  offer_ack(&m, 2, 0x3903f326);
  p = send_msg(s, 0, &m, 1000);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "DHCP Offer    - Transaction ID 0x3903f326");
  EXPECT(p, "dhcp.ip.your", "192.168.1.10");
  EXPECT(p, "dhcp.ip.server", "192.168.1.1");
  EXPECT(p, "dhcp.option.dhcp_server_id", "192.168.1.1");
  EXPECT(p, "dhcp.option.ip_address_lease_time", "86400");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "dhcp.option.ip_address_lease_time"),
                         "IP Address Lease Time: (86400s) 1 day");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "dhcp.option.renewal_time_value"),
                         "Renewal Time Value: (43200s) 12 hours");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "dhcp.option.rebinding_time_value"),
                         "Rebinding Time Value: (75600s) 21 hours");
  EXPECT(p, "dhcp.option.subnet_mask", "255.255.255.0");
  EXPECT(p, "dhcp.option.broadcast_address", "192.168.1.255");
  EXPECT(p, "dhcp.option.router", "192.168.1.1");
  CU_ASSERT_EQUAL(tu_count(p, "dhcp.option.domain_name_server"), 2);
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "dhcp.option.domain_name_server", 1), "1.1.1.1");
  EXPECT(p, "dhcp.option.domain_name", "example.com");
  dx_packet_free(p);

  request(&m);
  p = send_msg(s, 1, &m, 2000);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "DHCP Request  - Transaction ID 0x3903f326");
  dx_packet_free(p);

  offer_ack(&m, 5, 0xc0912052);
  p = send_msg(s, 0, &m, 3000);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "DHCP ACK      - Transaction ID 0xc0912052");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "dhcp"), "Dynamic Host Configuration Protocol (ACK)");
  CU_ASSERT_EQUAL(tu_any_flag(p, DX_NODE_TRUNCATED | DX_NODE_MALFORMED), 0);
  dx_packet_free(p);
  dx_session_free(s);

  discover(&m);
  size_t n = tf_udp(fb, 1, 68, 67, m.b, m.n, 0);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
}

/* BOOTP: no option 53 (the cookie and End only), then a reply with the
 * 64-byte vendor area of RFC 951 instead of a cookie. */
static void test_bootp(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  msg m;
  hdr(&m, 1, 0x1234, 0, 0, NULL, NULL, NULL);
  memcpy(m.b + 108, "boot.img", 8);
  cookie(&m);
  put(&m, "\xff", 1);
  dx_packet *p = send_msg(s, 1, &m, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "BOOTP");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Boot Request from 00:11:22:33:44:55 (00:11:22:33:44:55)");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "dhcp"), "Dynamic Host Configuration Protocol");
  EXPECT(p, "dhcp.bootp", "1");
  EXPECT(p, "dhcp.file", "boot.img");
  CU_ASSERT_EQUAL(tu_count(p, "dhcp.end_option_missing"), 0);
  dx_packet_free(p);
  hdr(&m, 2, 0x1234, 0, 0, NULL, yi, NULL);
  m.n = 300;
  p = send_msg(s, 0, &m, 1000);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Boot Reply");
  EXPECT(p, "dhcp.vendor_specific_options",
         "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
         "000000000000000000000000000000000000000");
  CU_ASSERT_EQUAL(tu_count(p, "dhcp.option.type"), 0);
  dx_packet_free(p);
  dx_session_free(s);
}

/* An option tshark knows only by name (200, "Unassigned") and a basic
 * option of the wrong length: Option, Length, Value. */
static void test_unknown_option(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  msg m;
  hdr(&m, 1, 0x42, 0, 0, NULL, NULL, NULL);
  cookie(&m);
  put(&m, "\x35\x01\x08", 3);         /* Inform */
  put(&m, "\xc8\x03\xaa\xbb\xcc", 5); /* 200 */
  put(&m, "\x01\x02\xff\xff", 4);     /* subnet mask of 2 bytes */
  put(&m, "\xff", 1);
  dx_packet *p = send_msg(s, 1, &m, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "DHCP Inform   - Transaction ID 0x42");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "dhcp.option.type", 1), "200");
  /* (the first Value is option 53's, hidden, as in tshark -T fields) */
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "dhcp.option.value", 0), "08");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "dhcp.option.value", 1), "aabbcc");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "dhcp.option.value", 2), "ffff");
  CU_ASSERT_EQUAL(tu_count(p, "dhcp.bad_length"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "dhcp.option.subnet_mask"), 0);
  dx_packet_free(p);
  dx_session_free(s);
}

/* An option whose length runs past the datagram (malformed: everything
 * before it kept), and a DHCP message without End. */
static void test_malformed(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  msg m;
  hdr(&m, 1, 0x43, 0, 0, NULL, NULL, NULL);
  cookie(&m);
  put(&m, "\x35\x01\x01", 3);
  put(&m, "\x0c\x04host", 6);
  put(&m, "\x0f\x20short", 7); /* 15 claims 32 bytes, has 5 */
  dx_packet *p = send_msg(s, 1, &m, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "DHCP Discover - Transaction ID 0x43[Malformed Packet]");
  EXPECT(p, "dhcp.option.hostname", "host");
  CU_ASSERT_EQUAL(tu_count(p, "dhcp.option.type"), 3);
  CU_ASSERT_EQUAL(tu_count(p, "dhcp.option.domain_name"), 0);
  CU_ASSERT(tu_any_flag(p, DX_NODE_MALFORMED));
  dx_packet_free(p);

  hdr(&m, 1, 0x44, 0, 0, NULL, NULL, NULL);
  cookie(&m);
  put(&m, "\x35\x01\x07", 3); /* Release, no End */
  p = send_msg(s, 1, &m, 1000);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "DHCP Release  - Transaction ID 0x44");
  CU_ASSERT_EQUAL(tu_count(p, "dhcp.end_option_missing"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "dhcp.option.end"), 0);
  dx_packet_free(p);
  dx_session_free(s);
}

static CU_TestInfo tests[] = {{"lease", test_lease},
                              {"bootp", test_bootp},
                              {"unknown_option", test_unknown_option},
                              {"malformed", test_malformed},
                              CU_TEST_INFO_NULL};

int main(void) {
  return tu_run("dhcp", tests);
}
