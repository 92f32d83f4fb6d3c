/* IEEE 802.2 LLC and SNAP behind an IEEE 802.3 header: U frames (UI and
 * the other modifiers, command and response, P/F), I and S frames (the
 * 2-byte control field read little-endian: N(R), N(S), P/F, supervisory
 * types), SNAP with OUI 00-00-00 / 00-00-F8 (EtherType) and Cisco's
 * 00-00-0C (llc.cisco_pid), other OUIs (llc.pid), and headers cut short.
 * Expected values are what tshark 4.0 prints for the same hand-made frames
 * (-T fields, -V), except where dissect stops earlier on purpose: tshark
 * dissects CDP (frame.protocols eth:llc:cdp, its own Info), dissect shows
 * data; llc.control.ftype is one 8-bit field here, so an I or S frame's is
 * "0x00"/"0x01" where tshark's 16-bit variant prints "0x0000"/"0x0001";
 * an OUI outside the small table of names is "Unknown" in the summary. */
#include "testutil.h"

#include <stdio.h>

static const char *const names[] = {"dsap",
                                    "dsap.sap",
                                    "dsap.ig",
                                    "ssap",
                                    "ssap.sap",
                                    "ssap.cr",
                                    "control",
                                    "control.n_r",
                                    "control.n_s",
                                    "control.p",
                                    "control.f",
                                    "control.s_ftype",
                                    "control.u_modifier_cmd",
                                    "control.u_modifier_resp",
                                    "control.ftype",
                                    "type",
                                    "oui",
                                    "pid",
                                    "cisco_pid",
                                    "data.len"};

static const struct {
  const char *llc; /* hex of the bytes after the 802.3 header */
  unsigned len;    /* the 802.3 length field */
  const char *protocols, *info;
  const char *fields; /* "name=value ..." (names without "llc."); others absent */
} cases[] = {
    {"aaaa0300000c20000102030405060708", 16, "eth:llc:data",
     "U, func=UI; SNAP, OUI 0x00000C (Cisco Systems, Inc), PID 0x2000",
     "dsap=0xaa dsap.sap=85 dsap.ig=0 ssap=0xaa ssap.sap=85 ssap.cr=0 control=0x0003 "
     "control.u_modifier_cmd=0x00 control.ftype=0x03 oui=12 cisco_pid=0x2000 data.len=8"},
    {"aaaa0300000c12340102030405060708", 16, "eth:llc:data",
     "U, func=UI; SNAP, OUI 0x00000C (Cisco Systems, Inc), PID 0x1234",
     "dsap=0xaa dsap.sap=85 dsap.ig=0 ssap=0xaa ssap.sap=85 ssap.cr=0 control=0x0003 "
     "control.u_modifier_cmd=0x00 control.ftype=0x03 oui=12 cisco_pid=0x1234 data.len=8"},
    {"aaaa0300000012340102030405060708", 16, "eth:llc:data",
     "U, func=UI; SNAP, OUI 0x000000 (Officially Xerox, but 0:0:0:0:0:0 is more common), PID "
     "0x1234",
     "dsap=0xaa dsap.sap=85 dsap.ig=0 ssap=0xaa ssap.sap=85 ssap.cr=0 control=0x0003 "
     "control.u_modifier_cmd=0x00 control.ftype=0x03 type=0x1234 oui=0 data.len=8"},
    {"aaaa03001234abcd0102030405060708", 16, "eth:llc:data",
     "U, func=UI; SNAP, OUI 0x001234 (Unknown), PID 0xABCD",
     "dsap=0xaa dsap.sap=85 dsap.ig=0 ssap=0xaa ssap.sap=85 ssap.cr=0 control=0x0003 "
     "control.u_modifier_cmd=0x00 control.ftype=0x03 oui=4660 pid=0xabcd data.len=8"},
    {"886b68300102030405060708", 12, "eth:llc:data",
     "I, N(R)=24, N(S)=52; DSAP 0x88 Individual, SSAP 0x6a Response",
     "dsap=0x88 dsap.sap=68 dsap.ig=0 ssap=0x6b ssap.sap=53 ssap.cr=1 control=0x3068 "
     "control.n_r=24 control.n_s=52 control.ftype=0x00 data.len=8"},
    {"f0f001050102030405060708", 12, "eth:llc:data",
     "S P, func=RR, N(R)=2; DSAP NetBIOS Individual, SSAP NetBIOS Command",
     "dsap=0xf0 dsap.sap=120 dsap.ig=0 ssap=0xf0 ssap.sap=120 ssap.cr=0 control=0x0501 "
     "control.n_r=2 control.p=1 control.s_ftype=0x0000 control.ftype=0x01 data.len=8"},
    {"f0f105050102030405060708", 12, "eth:llc:data",
     "S F, func=RNR, N(R)=2; DSAP NetBIOS Individual, SSAP NetBIOS Response",
     "dsap=0xf0 dsap.sap=120 dsap.ig=0 ssap=0xf1 ssap.sap=120 ssap.cr=1 control=0x0505 "
     "control.n_r=2 control.f=1 control.s_ftype=0x0001 control.ftype=0x01 data.len=8"},
    {"f0f009040102030405060708", 12, "eth:llc:data",
     "S, func=REJ, N(R)=2; DSAP NetBIOS Individual, SSAP NetBIOS Command",
     "dsap=0xf0 dsap.sap=120 dsap.ig=0 ssap=0xf0 ssap.sap=120 ssap.cr=0 control=0x0409 "
     "control.n_r=2 control.s_ftype=0x0002 control.ftype=0x01 data.len=8"},
    {"f0f10d000102030405060708", 12, "eth:llc:data",
     "S, func=SREJ, N(R)=0; DSAP NetBIOS Individual, SSAP NetBIOS Response",
     "dsap=0xf0 dsap.sap=120 dsap.ig=0 ssap=0xf1 ssap.sap=120 ssap.cr=1 control=0x000d "
     "control.n_r=0 control.s_ftype=0x0003 control.ftype=0x01 data.len=8"},
    {"0000f30102030405060708", 11, "eth:llc:data",
     "U P, func=TEST; DSAP NULL LSAP Individual, SSAP NULL LSAP Command",
     "dsap=0x00 dsap.sap=0 dsap.ig=0 ssap=0x00 ssap.sap=0 ssap.cr=0 control=0x00f3 control.p=1 "
     "control.u_modifier_cmd=0x38 control.ftype=0x03 data.len=8"},
    {"04057f", 3, "eth:llc",
     "U F, func=SABME; DSAP SNA Path Control Individual, SSAP SNA Path Control Response",
     "dsap=0x04 dsap.sap=2 dsap.ig=0 ssap=0x05 ssap.sap=2 ssap.cr=1 control=0x007f control.f=1 "
     "control.u_modifier_resp=0x1b control.ftype=0x03"},
    {"040573", 3, "eth:llc",
     "U F, func=UA; DSAP SNA Path Control Individual, SSAP SNA Path Control Response",
     "dsap=0x04 dsap.sap=2 dsap.ig=0 ssap=0x05 ssap.sap=2 ssap.cr=1 control=0x0073 control.f=1 "
     "control.u_modifier_resp=0x18 control.ftype=0x03"},
    {"040443", 3, "eth:llc",
     "U, func=DISC; DSAP SNA Path Control Individual, SSAP SNA Path Control Command",
     "dsap=0x04 dsap.sap=2 dsap.ig=0 ssap=0x04 ssap.sap=2 ssap.cr=0 control=0x0043 "
     "control.u_modifier_cmd=0x10 control.ftype=0x03"},
    {"04051f", 3, "eth:llc",
     "U F, func=DM; DSAP SNA Path Control Individual, SSAP SNA Path Control Response",
     "dsap=0x04 dsap.sap=2 dsap.ig=0 ssap=0x05 ssap.sap=2 ssap.cr=1 control=0x001f control.f=1 "
     "control.u_modifier_resp=0x03 control.ftype=0x03"},
    {"0405870102030405", 8, "eth:llc:data",
     "U, func=FRMR; DSAP SNA Path Control Individual, SSAP SNA Path Control Response",
     "dsap=0x04 dsap.sap=2 dsap.ig=0 ssap=0x05 ssap.sap=2 ssap.cr=1 control=0x0087 "
     "control.u_modifier_resp=0x21 control.ftype=0x03 data.len=5"},
    {"040427", 3, "eth:llc",
     "U, func=Unknown; DSAP SNA Path Control Individual, SSAP SNA Path Control Command",
     "dsap=0x04 dsap.sap=2 dsap.ig=0 ssap=0x04 ssap.sap=2 ssap.cr=0 control=0x0027 "
     "control.u_modifier_cmd=0x09 control.ftype=0x03"},
    {"42", 1, "eth:llc", "[Malformed Packet]", "dsap=0x42 dsap.sap=33 dsap.ig=0"},
    {"4242", 2, "eth:llc", "[Malformed Packet]",
     "dsap=0x42 dsap.sap=33 dsap.ig=0 ssap=0x42 ssap.sap=33 ssap.cr=0"},
    {"f0f000", 3, "eth:llc", "[Malformed Packet]",
     "dsap=0xf0 dsap.sap=120 dsap.ig=0 ssap=0xf0 ssap.sap=120 ssap.cr=0"},
    {"aaaa030000", 5, "eth:llc", "U, func=UI[Malformed Packet]",
     "dsap=0xaa dsap.sap=85 dsap.ig=0 ssap=0xaa ssap.sap=85 ssap.cr=0 control=0x0003 "
     "control.u_modifier_cmd=0x00 control.ftype=0x03"},
    {"aaaaf300000008000102030405060708", 16, "eth:llc:data",
     "U P, func=TEST; SNAP, OUI 0x000000 (Officially Xerox, but 0:0:0:0:0:0 is more common), PID "
     "0x0800",
     "dsap=0xaa dsap.sap=85 dsap.ig=0 ssap=0xaa ssap.sap=85 ssap.cr=0 control=0x00f3 control.p=1 "
     "control.u_modifier_cmd=0x38 control.ftype=0x03 oui=0 data.len=8"},
    {"aaaa00000000000812340102030405060708", 18, "eth:llc:data",
     "I, N(R)=0, N(S)=0; SNAP, OUI 0x000000 (Officially Xerox, but 0:0:0:0:0:0 is more common), "
     "PID 0x0812",
     "dsap=0xaa dsap.sap=85 dsap.ig=0 ssap=0xaa ssap.sap=85 ssap.cr=0 control=0x0000 control.n_r=0 "
     "control.n_s=0 control.ftype=0x00 type=0x0812 oui=0 data.len=9"},
    {"aaaa030000f812340102030405060708", 16, "eth:llc:data",
     "U, func=UI; SNAP, OUI 0x0000F8 (Digital Equipment Corporation), PID 0x1234",
     "dsap=0xaa dsap.sap=85 dsap.ig=0 ssap=0xaa ssap.sap=85 ssap.cr=0 control=0x0003 "
     "control.u_modifier_cmd=0x00 control.ftype=0x03 type=0x1234 oui=248 data.len=8"},
    {"aaaa0300000c", 6, "eth:llc", "U, func=UI[Malformed Packet]",
     "dsap=0xaa dsap.sap=85 dsap.ig=0 ssap=0xaa ssap.sap=85 ssap.cr=0 control=0x0003 "
     "control.u_modifier_cmd=0x00 control.ftype=0x03"},
    {"aaaa130102030405060708", 11, "eth:llc:data",
     "U P, func=UI; SNAP, OUI 0x010203 (Unknown), PID 0x0405",
     "dsap=0xaa dsap.sap=85 dsap.ig=0 ssap=0xaa ssap.sap=85 ssap.cr=0 control=0x0013 control.p=1 "
     "control.u_modifier_cmd=0x00 control.ftype=0x03 oui=66051 pid=0x0405 data.len=3"},
    {"9899030102030405060708", 11, "eth:llc:data",
     "U, func=UI; DSAP ARP Individual, SSAP ARP Response",
     "dsap=0x98 dsap.sap=76 dsap.ig=0 ssap=0x99 ssap.sap=76 ssap.cr=1 control=0x0003 "
     "control.u_modifier_resp=0x00 control.ftype=0x03 data.len=8"},
    {"aaab0300000008000102030405060708", 16, "eth:llc:data",
     "U, func=UI; DSAP SNAP Individual, SSAP SNAP Response",
     "dsap=0xaa dsap.sap=85 dsap.ig=0 ssap=0xab ssap.sap=85 ssap.cr=1 control=0x0003 "
     "control.u_modifier_resp=0x00 control.ftype=0x03 data.len=13"},
};

static size_t frame(uint8_t *b, const char *hex, unsigned len) {
  static const uint8_t hdr[12] = {0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc,
                                  0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
  memcpy(b, hdr, 12);
  b[12] = (uint8_t)(len >> 8);
  b[13] = (uint8_t)len;
  size_t n = 14;
  for (const char *h = hex; h[0] && h[1]; h += 2) {
    unsigned v;
    sscanf(h, "%2x", &v);
    b[n++] = (uint8_t)v;
  }
  return n;
}

/* The expected value of `name` in a case's field list, or "". */
static const char *expected(const char *spec, const char *name, char *buf, size_t cap) {
  size_t nl = strlen(name);
  for (const char *s = spec; *s;) {
    const char *e = strchr(s, ' ');
    size_t l = e ? (size_t)(e - s) : strlen(s);
    if (l > nl && s[nl] == '=' && strncmp(s, name, nl) == 0) {
      snprintf(buf, cap, "%.*s", (int)(l - nl - 1), s + nl + 1);
      return buf;
    }
    s += l;
    while (*s == ' ')
      s++;
  }
  return "";
}

static void test_cases(void) {
  dx_session *s = NULL;
  uint8_t b[128];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t n = frame(b, cases[i].llc, cases[i].len);
    dx_packet *p = tu_dissect(&s, 1, b, n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    const char *pr = tu_value(p, "frame.protocols");
    if (strcmp(pr, cases[i].protocols) != 0)
      fprintf(stderr, "case %zu: frame.protocols %s, want %s\n", i, pr, cases[i].protocols);
    CU_ASSERT_STRING_EQUAL(pr, cases[i].protocols);
    if (strcmp(dx_packet_info(p), cases[i].info) != 0)
      fprintf(stderr, "case %zu: Info '%s', want '%s'\n", i, dx_packet_info(p), cases[i].info);
    CU_ASSERT_STRING_EQUAL(dx_packet_info(p), cases[i].info);
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
      char full[64], want[64];
      snprintf(full, sizeof full, "%s%s", strcmp(names[k], "data.len") ? "llc." : "", names[k]);
      const char *w = expected(cases[i].fields, names[k], want, sizeof want);
      const char *got = tu_value(p, full);
      if (strcmp(got, w) != 0)
        fprintf(stderr, "case %zu: %s '%s', want '%s'\n", i, full, got, w);
      CU_ASSERT_STRING_EQUAL(got, w);
    }
    dx_packet_free(p);
  }
  dx_session_free(s);
}

/* The -V lines tshark 4.0 writes for some of the same frames. */
static void expect_label(const char *hex, unsigned len, const char *name, const char *label) {
  dx_session *s = NULL;
  uint8_t b[128];
  dx_packet *p = tu_dissect(&s, 1, b, frame(b, hex, len));
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  if (strcmp(tu_label(p, name), label) != 0)
    fprintf(stderr, "%s: '%s', want '%s'\n", name, tu_label(p, name), label);
  CU_ASSERT_STRING_EQUAL(tu_label(p, name), label);
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_labels(void) {
  const char *cdp = "aaaa0300000c20000102030405060708";
  expect_label(cdp, 16, "llc.dsap", "DSAP: SNAP (0xaa)");
  expect_label(cdp, 16, "llc.dsap.sap", "1010 101. = SAP: SNAP");
  expect_label(cdp, 16, "llc.ssap.cr", ".... ...0 = CR Bit: Command");
  expect_label(cdp, 16, "llc.control", "Control field: U, func=UI (0x03)");
  expect_label(cdp, 16, "llc.control.u_modifier_cmd",
               "000. 00.. = Command: Unnumbered Information (0x00)");
  expect_label(cdp, 16, "llc.control.ftype", ".... ..11 = Frame type: Unnumbered frame (0x3)");
  expect_label(cdp, 16, "llc.oui", "Organization Code: 00:00:0c (Cisco Systems, Inc)");
  expect_label(cdp, 16, "llc.cisco_pid", "PID: CDP (0x2000)");
  expect_label("aaaa0300000c010b0102030405060708", 16, "llc.cisco_pid", "PID: PVSTP+ (0x010b)");
  expect_label("aaaa030000001234", 8, "llc.oui",
               "Organization Code: 00:00:00 (Officially Xerox, but");
  expect_label("aaaa030000f81234", 8, "llc.oui",
               "Organization Code: 00:00:f8 (Digital Equipment Cor");
  expect_label("aaaa13010203040506", 9, "llc.oui", "Organization Code: 01:02:03");
  expect_label("aaaa030000001234", 8, "llc.type", "Type: Unknown (0x1234)");
  const char *i = "886b68300102030405060708";
  expect_label(i, 12, "llc.dsap", "DSAP: Unknown (0x88)");
  expect_label(i, 12, "llc.dsap.sap", "1000 100. = SAP: Unknown");
  expect_label(i, 12, "llc.ssap.sap", "0110 101. = SAP: Unknown");
  expect_label(i, 12, "llc.control", "Control field: I, N(R)=24, N(S)=52 (0x3068)");
  expect_label(i, 12, "llc.control.n_r", "0011 000. .... .... = N(R): 24");
  expect_label(i, 12, "llc.control.n_s", ".... .... 0110 100. = N(S): 52");
  expect_label(i, 12, "llc.control.ftype",
               ".... .... .... ...0 = Frame type: Information frame (0x0)");
  const char *rr = "f0f001050102030405060708";
  expect_label(rr, 12, "llc.control", "Control field: S P, func=RR, N(R)=2 (0x0501)");
  expect_label(rr, 12, "llc.control.p", ".... ...1 .... .... = Poll: Set");
  expect_label(rr, 12, "llc.control.s_ftype",
               ".... .... .... 00.. = Supervisory frame type: Receiver ready (0x0)");
  expect_label(rr, 12, "llc.control.ftype",
               ".... .... .... ..01 = Frame type: Supervisory frame (0x1)");
  expect_label("f0f105050102030405060708", 12, "llc.control.f", ".... ...1 .... .... = Final: Set");
  expect_label("f0f10505", 4, "llc.ssap", "SSAP: Unknown (0xf1)");
  expect_label("0000f30102030405060708", 11, "llc.control.p", "...1 .... = Poll: Set");
  expect_label("0000f30102030405060708", 11, "llc.control", "Control field: U P, func=TEST (0xF3)");
  expect_label("04051f", 3, "llc.control.u_modifier_resp",
               "000. 11.. = Response: Disconnected mode (0x03)");
  expect_label("04051f", 3, "llc.control.f", "...1 .... = Final: Set");
  expect_label("040427", 3, "llc.control.u_modifier_cmd", "001. 01.. = Command: Unknown (0x09)");
  expect_label("4242bf810100", 6, "llc.control.u_modifier_cmd",
               "101. 11.. = Command: Exchange identification (0x2b)");
}

/* Spanning Tree BPDUs behind LLC SAP 0x42 (stp.c): an RST BPDU (flags
 * 0x3e: forwarding, learning, port role Designated, proposal),
 * a Configuration BPDU with TC set and a message age of 1.5 s, a Topology
 * Change Notification; the values are tshark 4.0's on the same frames. */
static void test_stp(void) {
  dx_session *s = NULL;
  uint8_t b[128];
  size_t n = frame(b,
                   "424203"
                   "000002023e"
                   "8001001122334455"
                   "00004e20"
                   "7002aabbccddeeff"
                   "8002"
                   "0100"
                   "1400"
                   "0200"
                   "0f00"
                   "00",
                   39);
  dx_packet *p = tu_dissect(&s, 1, b, n);
  CU_ASSERT_STRING_EQUAL(tu_value(p, "frame.protocols"), "eth:llc:stp");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "STP");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "RST. Root = 32768/1/00:11:22:33:44:55  Cost = 20000  Port = 0x8002");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "stp.flags.port_role"), "3");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "stp.flags"),
                         "BPDU flags: 0x3e, Forwarding, Learning, Port Role: Designated, Proposal");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "stp.bridge.ext"), "2");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "stp.bridge.hw"), "aa:bb:cc:dd:ee:ff");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "stp.version_1_length"), "0");
  dx_packet_free(p);
  n = frame(b,
            "424203"
            "0000000081"
            "1000001122334455"
            "00000004"
            "1000001122334455"
            "8001"
            "0180"
            "1400"
            "0200"
            "0f00",
            38);
  p = tu_dissect(&s, 1, b, n);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "Conf. TC + Root = 4096/0/00:11:22:33:44:55  Cost = 4  Port = 0x8001");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "stp.msg_age"), "1.5");
  dx_packet_free(p);
  n = frame(b,
            "424203"
            "00000080",
            7);
  p = tu_dissect(&s, 1, b, n);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "Topology Change Notification");
  CU_ASSERT_EQUAL(tu_count(p, "stp.flags"), 0);
  dx_packet_free(p);
  /* every prefix: truncated, never past the bytes */
  n = frame(b,
            "424203"
            "000002023e"
            "8001001122334455"
            "00004e20"
            "7002aabbccddeeff"
            "8002"
            "0100"
            "1400"
            "0200"
            "0f00"
            "00",
            39);
  CU_ASSERT_EQUAL(tu_truncate_all(1, b, n), 0);
  dx_session_free(s);
}

static CU_TestInfo tests[] = {
    {"U, I, S frames and SNAP against tshark -T fields", test_cases},
    {"-V labels against tshark -V", test_labels},
    {"Spanning Tree BPDUs", test_stp},
    CU_TEST_INFO_NULL,
};

int main(void) {
  return tu_run("llc", tests);
}
