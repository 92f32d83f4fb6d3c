/* TCP (RFC 9293, RFC 7323, RFC 2018): header, options, flags, relative
 * sequence numbers, window scaling, connection analysis and reassembly,
 * from hand-made Ethernet/IPv4/TCP frames. Expected values are computed by
 * hand from the bytes (and were checked with tshark 4.0 on the same frames,
 * written out with TU_DUMP_PCAP). */
#include "tcpframe.h"
#include "testutil.h"

#include <string.h>

#define CPORT 51514
#define SPORT 9999 /* no dissector registered: payloads are "data" */

/* SYN options: MSS 1460, SACK permitted, timestamps 100/0, NOP, WS 7. */
static const uint8_t syn_opts[20] = {2, 4,   0x05, 0xb4, 4, 2, 8, 10, 0, 0,
                                     0, 100, 0,    0,    0, 0, 1, 3,  3, 7};
/* SYN-ACK options: MSS 1460, SACK permitted, timestamps 200/100, NOP, WS 8. */
static const uint8_t synack_opts[20] = {2, 4,   0x05, 0xb4, 4, 2,   8, 10, 0, 0,
                                        0, 200, 0,    0,    0, 100, 1, 3,  3, 8};
/* NOP NOP timestamps 101/200. */
static const uint8_t ts_opts[12] = {1, 1, 8, 10, 0, 0, 0, 101, 0, 0, 0, 200};

static uint8_t fb[2048];

static dx_packet *seg(dx_session *s, int c2s, uint32_t seq, uint32_t ack, unsigned flags,
                      uint16_t win, const uint8_t *opt, size_t olen, const uint8_t *pl, size_t plen,
                      uint64_t usec) {
  size_t n = tf_tcp(fb, c2s, CPORT, SPORT, seq, ack, flags, win, opt, olen, pl, plen);
  return tf_feed(s, fb, n, usec);
}

#define DX_TEST_CLOSE_FRAMES 16384 /* DX_FLOW_CLOSE_FRAMES (core/dx.h) */
#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))

static void test_handshake_and_teardown(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  /* 1: SYN with every common option */
  dx_packet *p = seg(s, 1, 1000, 0, TF_SYN, 64240, syn_opts, 20, NULL, 0, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  EXPECT(p, "tcp.srcport", "51514");
  EXPECT(p, "tcp.dstport", "9999");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.port"), 2);
  EXPECT(p, "tcp.stream", "0");
  EXPECT(p, "tcp.seq", "0");
  EXPECT(p, "tcp.seq_raw", "1000");
  EXPECT(p, "tcp.nxtseq", "1");
  EXPECT(p, "tcp.ack", "0");
  EXPECT(p, "tcp.len", "0");
  EXPECT(p, "tcp.hdr_len", "40");
  EXPECT(p, "tcp.flags", "0x0002");
  EXPECT(p, "tcp.flags.syn", "1");
  EXPECT(p, "tcp.flags.ack", "0");
  EXPECT(p, "tcp.flags.fin", "0");
  EXPECT(p, "tcp.window_size_value", "64240");
  EXPECT(p, "tcp.window_size", "64240");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.window_size_scalefactor"), 0);
  EXPECT(p, "tcp.options.mss_val", "1460");
  EXPECT(p, "tcp.options.wscale.shift", "7");
  EXPECT(p, "tcp.options.wscale.multiplier", "128");
  EXPECT(p, "tcp.options.timestamp.tsval", "100");
  EXPECT(p, "tcp.options.timestamp.tsecr", "0");
  EXPECT(p, "tcp.options.sack_perm", "0402");
  EXPECT(p, "tcp.options",
         "020405b40402080a00000064000000000103030"
         "7");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.option_kind"), 5);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.connection.syn"), 1);
  EXPECT(p, "tcp.handshake.step", "1");
  EXPECT(p, "tcp.checksum.status", "2");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "51514 \xe2\x86\x92 9999 [SYN] Seq=0 Win=64240 Len=0 "
                                            "MSS=1460 SACK_PERM TSval=100 TSecr=0 WS=128");
  CU_ASSERT_STRING_EQUAL(dx_packet_protocol(p), "TCP");
  dx_packet_free(p);

  /* 2: SYN-ACK */
  p = seg(s, 0, 5000, 1001, TF_SYN | TF_ACK, 65160, synack_opts, 20, NULL, 0, 1000);
  EXPECT(p, "tcp.stream", "0");
  EXPECT(p, "tcp.seq", "0");
  EXPECT(p, "tcp.ack", "1");
  EXPECT(p, "tcp.ack_raw", "1001");
  EXPECT(p, "tcp.flags", "0x0012");
  EXPECT(p, "tcp.handshake.step", "2");
  EXPECT(p, "tcp.analysis.acks_frame", "1");
  EXPECT(p, "tcp.analysis.ack_rtt", "0.001000000");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.connection.synack"), 1);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "9999 \xe2\x86\x92 51514 [SYN, ACK] Seq=0 Ack=1 Win=65160 Len=0 "
                         "MSS=1460 SACK_PERM TSval=200 TSecr=100 WS=256");
  dx_packet_free(p);

  /* 3: ACK completing the handshake; window 502 << 7 */
  p = seg(s, 1, 1001, 5001, TF_ACK, 502, ts_opts, 12, NULL, 0, 2000);
  EXPECT(p, "tcp.seq", "1");
  EXPECT(p, "tcp.ack", "1");
  EXPECT(p, "tcp.window_size_value", "502");
  EXPECT(p, "tcp.window_size", "64256");
  EXPECT(p, "tcp.window_size_scalefactor", "128");
  EXPECT(p, "tcp.handshake.step", "3");
  EXPECT(p, "tcp.analysis.acks_frame", "2");
  EXPECT(p, "tcp.analysis.initial_rtt", "0.002000000");
  EXPECT(p, "tcp.completeness", "3");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "51514 \xe2\x86\x92 9999 [ACK] Seq=1 Ack=1 Win=64256 "
                                            "Len=0 TSval=101 TSecr=200");
  dx_packet_free(p);

  /* 4: 10 bytes of data */
  static const uint8_t data[10] = "0123456789";
  p = seg(s, 1, 1001, 5001, TF_ACK | TF_PSH, 502, ts_opts, 12, data, 10, 3000);
  EXPECT(p, "tcp.len", "10");
  EXPECT(p, "tcp.seq", "1");
  EXPECT(p, "tcp.nxtseq", "11");
  EXPECT(p, "tcp.flags", "0x0018");
  EXPECT(p, "tcp.analysis.bytes_in_flight", "10");
  EXPECT(p, "tcp.analysis.push_bytes_sent", "10");
  EXPECT(p, "tcp.payload", "30313233343536373839");
  EXPECT(p, "data.len", "10");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.handshake.step"), 0);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "51514 \xe2\x86\x92 9999 [PSH, ACK] Seq=1 Ack=1 "
                                            "Win=64256 Len=10 TSval=101 TSecr=200");
  dx_packet_free(p);

  /* 5: server ACKs it; window 509 << 8 */
  p = seg(s, 0, 5001, 1011, TF_ACK, 509, NULL, 0, NULL, 0, 4000);
  EXPECT(p, "tcp.ack", "11");
  EXPECT(p, "tcp.window_size", "130304");
  EXPECT(p, "tcp.window_size_scalefactor", "256");
  EXPECT(p, "tcp.analysis.acks_frame", "4");
  EXPECT(p, "tcp.analysis.ack_rtt", "0.001000000");
  EXPECT(p, "tcp.time_relative", "0.004000000");
  EXPECT(p, "tcp.time_delta", "0.001000000");
  dx_packet_free(p);

  /* 6: FIN from the client */
  p = seg(s, 1, 1011, 5001, TF_FIN | TF_ACK, 502, NULL, 0, NULL, 0, 5000);
  EXPECT(p, "tcp.seq", "11");
  EXPECT(p, "tcp.nxtseq", "12");
  EXPECT(p, "tcp.flags", "0x0011");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.connection.fin"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.connection.fin_active"), 1);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "51514 \xe2\x86\x92 9999 [FIN, ACK] Seq=11 Ack=1 Win=64256 Len=0");
  dx_packet_free(p);
  /* 7: FIN from the server */
  p = seg(s, 0, 5001, 1012, TF_FIN | TF_ACK, 509, NULL, 0, NULL, 0, 6000);
  EXPECT(p, "tcp.seq", "1");
  EXPECT(p, "tcp.ack", "12");
  EXPECT(p, "tcp.nxtseq", "2");
  EXPECT(p, "tcp.analysis.acks_frame", "6");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.connection.fin_passive"), 1);
  dx_packet_free(p);
  /* 8: last ACK */
  p = seg(s, 1, 1012, 5002, TF_ACK, 502, NULL, 0, NULL, 0, 7000);
  EXPECT(p, "tcp.seq", "12");
  EXPECT(p, "tcp.ack", "2");
  EXPECT(p, "tcp.completeness", "31");
  dx_packet_free(p);

  /* 9: a new SYN on the same ports with a new ISN: a new stream */
  p = seg(s, 1, 90000, 0, TF_SYN, 64240, syn_opts, 20, NULL, 0, 8000);
  EXPECT(p, "tcp.stream", "1");
  EXPECT(p, "tcp.seq", "0");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.reused_ports"), 1);
  /* 10: RST from the server */
  dx_packet_free(p);
  p = seg(s, 0, 0, 90001, TF_RST | TF_ACK, 0, NULL, 0, NULL, 0, 9000);
  EXPECT(p, "tcp.stream", "1");
  EXPECT(p, "tcp.seq", "1");
  EXPECT(p, "tcp.ack", "1");
  EXPECT(p, "tcp.flags.reset", "1");
  EXPECT(p, "tcp.window_size_scalefactor", "-1");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.connection.rst"), 1);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "9999 \xe2\x86\x92 51514 [RST, ACK] Seq=1 Ack=1 Win=0 Len=0");
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_midstream_relative(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  /* Seen mid-way: Wireshark starts both directions at 1. */
  dx_packet *p = seg(s, 1, 3000000000u, 7, TF_ACK, 1000, NULL, 0, NULL, 0, 0);
  EXPECT(p, "tcp.seq", "1");
  EXPECT(p, "tcp.ack", "1");
  EXPECT(p, "tcp.window_size", "1000");
  EXPECT(p, "tcp.window_size_scalefactor", "-1");
  dx_packet_free(p);
  /* The reply: seq is the ACKed number (relative 1), ack across the 2^32 wrap. */
  p = seg(s, 0, 7, 3000000000u + 1300000000u, TF_ACK, 1000, NULL, 0, NULL, 0, 1000);
  EXPECT(p, "tcp.seq", "1");
  EXPECT(p, "tcp.ack", "1300000001");
  dx_packet_free(p);
  /* ACKs seen, no handshake: 4 (shown by the next segment: the state
   * before it), a combination tshark 4.0 names "Incomplete (4)" (its -V on
   * Wireshark's dns-ooo.pcap) */
  p = seg(s, 1, 3000000000u, 7 + 1, TF_ACK, 1000, NULL, 0, NULL, 0, 2000);
  EXPECT(p, "tcp.completeness", "4");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "tcp.completeness"),
                         "[Conversation completeness: Incomplete (4)]");
  dx_packet_free(p);
  dx_session_free(s);
}

/* A handshake whose SYN is stamped at the epoch itself (time 0, as in
 * synthetic captures): tshark 4.0 takes its SYN time for "none" and shows no
 * initial RTT (Wireshark's tcp-badsegments.pcap, frames at 0, 1, 2 us); one
 * microsecond later it does. */
static dx_packet *seg_at(dx_session *s, int c2s, uint32_t seq, uint32_t ack, unsigned flags,
                         int64_t sec, uint32_t nsec) {
  size_t n = tf_tcp(fb, c2s, CPORT, SPORT, seq, ack, flags, 8192, NULL, 0, NULL, 0);
  dx_frame fr = {.ts_sec = sec,
                 .ts_nsec = nsec,
                 .caplen = (uint32_t)n,
                 .wirelen = (uint32_t)n,
                 .linktype = 1,
                 .data = fb};
  dx_packet *p = NULL;
  CU_ASSERT_EQUAL(dx_session_dissect(s, &fr, &p), DX_OK);
  return p;
}

static void test_syn_at_epoch(void) {
  for (int later = 0; later < 2; later++) {
    dx_session *s = NULL;
    CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
    dx_packet_free(seg_at(s, 1, 100, 0, TF_SYN, 0, later ? 1000 : 0));
    dx_packet_free(seg_at(s, 0, 500, 101, TF_SYN | TF_ACK, 0, 2000));
    dx_packet *p = seg_at(s, 1, 101, 501, TF_ACK, 0, 3000);
    CU_ASSERT_STRING_EQUAL(tu_value(p, "tcp.analysis.initial_rtt"), later ? "0.000002000" : "");
    dx_packet_free(p);
    dx_session_free(s);
  }
}

/* Flags: every bit, and the flags string. */
static void test_flags_all(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  size_t n = tf_tcp(fb, 1, CPORT, SPORT, 1, 1, 0xff, 100, NULL, 0, NULL, 0);
  fb[34 + 12] |= 0x0f; /* reserved bits and AE */
  /* fix the checksum is not needed: checksums are not verified by default */
  dx_packet *p = tf_feed(s, fb, n, 0);
  EXPECT(p, "tcp.flags", "0x0fff");
  EXPECT(p, "tcp.flags.res", "1");
  EXPECT(p, "tcp.flags.ae", "1");
  EXPECT(p, "tcp.flags.cwr", "1");
  EXPECT(p, "tcp.flags.ece", "1");
  EXPECT(p, "tcp.flags.urg", "1");
  EXPECT(p, "tcp.flags.push", "1");
  EXPECT(p, "tcp.flags.reset", "1");
  EXPECT(p, "tcp.flags.syn", "1");
  EXPECT(p, "tcp.flags.fin", "1");
  CU_ASSERT_STRING_EQUAL(tu_value(p, "tcp.flags.str"), "RRRACEUAPRSF");
  dx_packet_free(p);
  n = tf_tcp(fb, 1, CPORT, SPORT, 1, 0, 0, 100, NULL, 0, NULL, 0);
  p = tf_feed(s, fb, n, 1);
  EXPECT(p, "tcp.flags", "0x0000");
  CU_ASSERT_PTR_NOT_NULL(strstr(dx_packet_info(p), "[<None>]"));
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_truncation(void) {
  size_t n = tf_tcp(fb, 1, CPORT, SPORT, 1000, 0, TF_SYN, 64240, syn_opts, 20, NULL, 0);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
  static const uint8_t data[30] = "abcdefghijklmnopqrstuvwxyz0123";
  n = tf_tcp(fb, 1, CPORT, SPORT, 1000, 5, TF_ACK | TF_PSH, 100, ts_opts, 12, data, 30);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
}

static void test_bad_header_length(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  size_t n = tf_tcp(fb, 1, CPORT, SPORT, 1000, 0, TF_SYN, 64240, NULL, 0, NULL, 0);
  fb[34 + 12] = 0x40; /* 16 bytes */
  dx_packet *p = tf_feed(s, fb, n, 0);
  EXPECT(p, "tcp.srcport", "51514");
  EXPECT(p, "tcp.dstport", "9999");
  EXPECT(p, "tcp.seq_raw", "1000");
  EXPECT(p, "tcp.hdr_len", "16");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.bogus_header_length"), 1);
  /* as tshark 4.0: an error note, not a malformed packet; the segment
   * belongs to its connection, its length counted from the 16 bytes */
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED));
  EXPECT(p, "tcp.stream", "0");
  EXPECT(p, "tcp.len", "4");
  EXPECT(p, "tcp.seq", "0");
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "51514 \xe2\x86\x92 9999 [SYN] Seq=0 Win=64240, bogus "
                                            "TCP header length (16, must be at least 20)");
  dx_packet_free(p);
  /* and its sequence analysis: the SYN and its 4 bytes end at 1005, so
   * data from there on follows it (no segment missing) */
  static const uint8_t d10[10] = "0123456789";
  n = tf_tcp(fb, 1, CPORT, SPORT, 1005, 0, 0, 64240, NULL, 0, d10, 10);
  p = tf_feed(s, fb, n, 1);
  EXPECT(p, "tcp.seq", "5");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.lost_segment"), 0);
  dx_packet_free(p);
  /* 60 bytes of header in a 20-byte segment */
  n = tf_tcp(fb, 1, CPORT, SPORT, 1000, 0, TF_SYN, 64240, NULL, 0, NULL, 0);
  fb[34 + 12] = 0xf0;
  p = tf_feed(s, fb, n, 2);
  EXPECT(p, "tcp.hdr_len", "60");
  CU_ASSERT(tu_any_flag(p, DX_NODE_MALFORMED));
  /* as tshark 4.0: its connection's, but no length, so absolute numbers
   * and no analysis (a SYN again, yet no retransmission) */
  EXPECT(p, "tcp.stream", "0");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.len"), 0);
  EXPECT(p, "tcp.seq", "1000");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.short_segment"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.retransmission"), 0);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p),
                         "51514 \xe2\x86\x92 9999 [SYN] Seq=1000 Win=64240[Malformed Packet]");
  dx_packet_free(p);
  /* such a SYN with another ISN still starts a new stream (tshark looks
   * for reused ports first) */
  n = tf_tcp(fb, 1, CPORT, SPORT, 3000, 0, TF_SYN, 64240, NULL, 0, NULL, 0);
  fb[34 + 12] = 0xf0;
  p = tf_feed(s, fb, n, 3);
  EXPECT(p, "tcp.stream", "1");
  dx_packet_free(p);
  dx_session_free(s);
}

/* A header longer than the segment (as in nDPI's ajp.pcap, where tshark's
 * FabricPath takes the last 4 bytes for an FCS): tshark 4.0's "short
 * segment" (packet-tcp.c): the connection's stream, the numbers as on the
 * wire (no relative ones, no tcp.len), the options as far as the bytes go
 * (a TSval whose TSecr is cut off too), malformed. Checked with tshark on
 * these frames (TU_DUMP_PCAP). */
static size_t cut4(uint8_t *b, size_t n) {
  /* the IPv4 total length (bytes 16-17 of the frame) and the frame, 4 less */
  unsigned tl = (unsigned)b[16] << 8 | b[17];
  tl -= 4;
  b[16] = (uint8_t)(tl >> 8);
  b[17] = (uint8_t)tl;
  b[24] = b[25] = 0; /* IPv4 checksum: not checked */
  return n - 4;
}

static void test_short_segment(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  dx_packet_free(seg(s, 1, 1000, 0, TF_SYN, 64240, syn_opts, 20, NULL, 0, 0));
  size_t n =
      tf_tcp(fb, 0, CPORT, SPORT, 5000, 1001, TF_SYN | TF_ACK, 65160, synack_opts, 20, NULL, 0);
  dx_packet *p = tf_feed(s, fb, cut4(fb, n), 100);
  EXPECT(p, "tcp.stream", "0");
  EXPECT(p, "tcp.seq", "5000");
  EXPECT(p, "tcp.ack", "1001");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.len"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.nxtseq"), 0);
  EXPECT(p, "tcp.hdr_len", "40");
  EXPECT(p, "tcp.options.mss_val", "1460");
  EXPECT(p, "tcp.options.timestamp.tsval", "200");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.options.wscale.shift"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.short_segment"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.bogus_header_length"), 0);
  CU_ASSERT(tu_any_flag(p, DX_NODE_MALFORMED));
  dx_packet_free(p);
  /* NOP NOP timestamps in a 28-byte segment: the TSval, not the TSecr */
  n = tf_tcp(fb, 1, CPORT, SPORT, 1001, 5001, TF_ACK, 502, ts_opts, 12, NULL, 0);
  p = tf_feed(s, fb, cut4(fb, n), 200);
  EXPECT(p, "tcp.seq", "1001");
  EXPECT(p, "tcp.options.timestamp.tsval", "101");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.options.timestamp.tsecr"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.len"), 0);
  dx_packet_free(p);
  dx_session_free(s);
}

/* A segment with a Reserved flag bit set (0x400) and a nonzero ACK number
 * without the ACK flag (nDPI's ip_fragmented_garbage.pcap frame 626 has
 * both): tshark 4.0.17 on the same frame (TU_DUMP_PCAP) shows
 * "010. .... .... = Reserved: Set", "Acknowledgment Number: 1684434027"
 * and a Note/Protocol expert. */
static void test_reserved_bits_and_stray_ack(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  size_t n = tf_tcp(fb, 1, CPORT, SPORT, 1000, 0x64666c6bu, 0x61, 64240, NULL, 0, NULL, 0);
  fb[14 + 20 + 12] |= 0x04; /* the flags' bit 0x400, one of the reserved three */
  dx_packet *p = tf_feed(s, fb, n, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_STRING_EQUAL(tu_label(p, "tcp.flags.res"), "010. .... .... = Reserved: Set");
  CU_ASSERT_STRING_EQUAL(tu_label(p, "tcp.ack"), "Acknowledgment Number: 1684434027");
  const dx_node *e = dx_packet_find_name(p, "tcp.ack.nonzero");
  const char *sev = NULL, *grp = NULL, *msg = NULL;
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  CU_ASSERT_EQUAL(dx_node_expert(e, &sev, &grp, &msg), DX_OK);
  CU_ASSERT_STRING_EQUAL(sev, "Note");
  CU_ASSERT_STRING_EQUAL(grp, "Protocol");
  dx_packet_free(p);
  dx_session_free(s);
}

/* Options of bad lengths, as tshark 4.0.17 shows them on the same frames
 * (TU_DUMP_PCAP): a length under 2 or past the header is an item of its
 * own with a note and ends the options; a fixed-length option of another
 * length is named without a value, with a note under its length, and the
 * options go on (then a SYN without MSS says so); none of them is
 * "[Malformed Packet]" but a SACK whose blocks do not fit. */
static void test_bad_options(void) {
  static const struct {
    uint8_t opt[12];
    const char *item;  /* tcp.option.len.invalid's label, or NULL */
    const char *label; /* the option's label, or NULL */
    int mss_absent;
    int malformed;
  } cases[] = {
      {{2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
       "Maximum segment size (with too-short option length = 0 bytes)",
       NULL,
       0,
       0},
      {{3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
       "Window scale (with too-short option length = 1 byte)",
       NULL,
       0,
       0},
      {{8, 40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
       "Timestamps (option length = 40 bytes says option goes past end of options)",
       NULL,
       0,
       0},
      {{1, 1, 2, 5, 5, 0xb4, 0, 0, 0, 0, 0, 0}, NULL, "TCP Option - Maximum segment size", 0, 0},
      {{1, 1, 8, 8, 0, 0, 0, 1, 0, 0, 0, 0}, NULL, "TCP Option - Timestamps", 1, 0},
      {{5, 7, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}, NULL, NULL, 0, 1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    dx_session *s = NULL;
    CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
    size_t n = tf_tcp(fb, 1, CPORT, SPORT, 1000, 0, TF_SYN, 64240, cases[i].opt, 12, NULL, 0);
    dx_packet *p = tf_feed(s, fb, n, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    EXPECT(p, "tcp.srcport", "51514");
    CU_ASSERT_EQUAL(tu_any_flag(p, DX_NODE_MALFORMED) != 0, cases[i].malformed);
    if (cases[i].item)
      CU_ASSERT_STRING_EQUAL(tu_label(p, "tcp.option.len.invalid"), cases[i].item);
    if (cases[i].label) {
      CU_ASSERT_STRING_EQUAL(
          tu_label(p, cases[i].opt[2] == 2 ? "tcp.options.mss" : "tcp.options.timestamp"),
          cases[i].label);
      CU_ASSERT_EQUAL(tu_count(p, "tcp.option.len.invalid"), 1);
    }
    CU_ASSERT_EQUAL(tu_count(p, "tcp.options.mss.absent"), cases[i].mss_absent);
    dx_packet_free(p);
    dx_session_free(s);
  }
  /* Unknown kind 99 with 4 bytes: shown raw, not malformed. */
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  static const uint8_t unk[8] = {99, 4, 0xab, 0xcd, 1, 1, 1, 0};
  size_t n = tf_tcp(fb, 1, CPORT, SPORT, 1000, 0, TF_SYN, 64240, unk, 8, NULL, 0);
  dx_packet *p = tf_feed(s, fb, n, 0);
  EXPECT(p, "tcp.option_kind", "99");
  EXPECT(p, "tcp.options.unknown.payload", "abcd");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.options.nop"), 3);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.options.eol"), 1);
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED));
  dx_packet_free(p);
  /* After an EOL, tshark 4.0 lists every zero byte as an EOL of its own,
   * and a non-zero byte is "Non-zero header padding" (an error note):
   * checked with tshark on the same options (MSS, then 0 0 0 0; MSS, then
   * 0 1 0 0). */
  static const uint8_t eols[8] = {2, 4, 5, 0xb4, 0, 0, 0, 0};
  n = tf_tcp(fb, 1, CPORT, SPORT, 1000, 0, TF_SYN, 64240, eols, 8, NULL, 0);
  p = tf_feed(s, fb, n, 0);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.options.eol"), 4);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.non_zero_bytes_after_eol"), 0);
  dx_packet_free(p);
  static const uint8_t pad[8] = {2, 4, 5, 0xb4, 0, 1, 0, 0};
  n = tf_tcp(fb, 1, CPORT, SPORT, 1000, 0, TF_SYN, 64240, pad, 8, NULL, 0);
  p = tf_feed(s, fb, n, 0);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.options.eol"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.non_zero_bytes_after_eol"), 1);
  CU_ASSERT_STRING_EQUAL(tu_label(p, "tcp.non_zero_bytes_after_eol"), "Non-zero header padding");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "_ws.expert.message", 1), "Non-zero header padding");
  CU_ASSERT_STRING_EQUAL(tu_nth(p, "_ws.expert.severity", 1), "8388608"); /* PI_ERROR */
  dx_packet_free(p);
  /* SACK blocks, relative to the other side's base */
  dx_packet_free(seg(s, 0, 5000, 1001, TF_SYN | TF_ACK, 1000, NULL, 0, NULL, 0, 1));
  static const uint8_t sack[20] = {1,    1,    5, 18, 0,    0,    0x13, 0x89 + 0, 0,    0,
                                   0x13, 0xa0, 0, 0,  0x13, 0xb0, 0,    0,        0x13, 0xc0};
  /* left/right edges 5001..5024 and 5040..5056 (raw); server base 5000 */
  p = seg(s, 1, 1001, 5001, TF_ACK, 1000, sack, 20, NULL, 0, 2);
  EXPECT(p, "tcp.options.sack.count", "2");
  EXPECT(p, "tcp.options.sack_le", "1");
  EXPECT(p, "tcp.options.sack_re", "24");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.options.sack_le"), 2);
  CU_ASSERT_PTR_NOT_NULL(strstr(dx_packet_info(p), "SLE=1 SRE=24 SLE=40 SRE=56"));
  /* not a duplicate SACK: the first block starts at the ACK, outside the
   * second one */
  CU_ASSERT_EQUAL(tu_count(p, "tcp.options.sack.dsack"), 0);
  dx_packet_free(p);
  /* D-SACK (RFC 2883 4.1.1): the first block below the cumulative ACK */
  p = seg(s, 1, 1001, 5030, TF_ACK, 1000, sack, 20, NULL, 0, 3);
  EXPECT(p, "tcp.options.sack.dsack_le", "1");
  EXPECT(p, "tcp.options.sack.dsack_re", "24");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.options.sack.dsack"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.options.sack.dsack_le"), 1);
  const dx_node *d = dx_packet_find_name(p, "tcp.options.sack.dsack");
  const char *sev = NULL, *grp = NULL, *msg = NULL;
  CU_ASSERT_EQUAL(dx_node_expert(dx_node_first_child(d), &sev, &grp, &msg), DX_OK);
  if (sev && grp && msg) {
    CU_ASSERT_STRING_EQUAL(sev, "Warning");
    CU_ASSERT_STRING_EQUAL(grp, "Sequence");
    CU_ASSERT_STRING_EQUAL(msg, "D-SACK Sequence");
  }
  dx_packet_free(p);
  /* D-SACK (RFC 2883 4.1.2): the first block inside the second */
  static const uint8_t sack2[20] = {1,    1,    5, 18, 0,    0,    0x13, 0xa5, 0,    0,
                                    0x13, 0xaa, 0, 0,  0x13, 0xa0, 0,    0,    0x13, 0xb0};
  p = seg(s, 1, 1001, 5001, TF_ACK, 1000, sack2, 20, NULL, 0, 4);
  EXPECT(p, "tcp.options.sack.dsack_le", "29");
  EXPECT(p, "tcp.options.sack.dsack_re", "34");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.options.sack.dsack"), 1);
  dx_packet_free(p);
  dx_session_free(s);
}

/* A copy of the SYN/ACK 100 us after it (samples of pptp.pcap in tshark's
 * own corpus): a retransmission, not out of order: it ends where the
 * sequence space already does (its SYN counted), as in Wireshark's check. */
static void test_analysis_dup_synack(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  dx_packet *p = seg(s, 1, 1000, 0, TF_SYN, 16384, NULL, 0, NULL, 0, 0);
  dx_packet_free(p);
  p = seg(s, 0, 5000, 1001, TF_SYN | TF_ACK, 32120, NULL, 0, NULL, 0, 130);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.flags"), 0);
  dx_packet_free(p);
  p = seg(s, 0, 5000, 1001, TF_SYN | TF_ACK, 32120, NULL, 0, NULL, 0, 236);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.retransmission"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.out_of_order"), 0);
  dx_packet_free(p);
  dx_session_free(s);
}

/* A frame stamped 43 years before the one before it (a bad timestamp, as in
 * of10_inv_OFPST_FLOW.pcap): the flow goes on (same tcp.stream, its data a
 * retransmission), as in tshark; the backward jump does not idle it out. */
static void test_clock_jump_back(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  uint8_t d[100];
  memset(d, 'x', sizeof d);
  int64_t when[2] = {1700000000, 1700000000 - 1381533735};
  for (int i = 0; i < 2; i++) {
    size_t n = tf_tcp(fb, 0, CPORT, SPORT, 1000, 5000, TF_ACK | TF_PSH, 1000, NULL, 0, d, 100);
    dx_frame fr = {.ts_sec = when[i],
                   .caplen = (uint32_t)n,
                   .wirelen = (uint32_t)n,
                   .linktype = 1,
                   .data = fb};
    dx_packet *p = NULL;
    CU_ASSERT_EQUAL_FATAL(dx_session_dissect(s, &fr, &p), DX_OK);
    EXPECT(p, "tcp.stream", "0");
    CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.retransmission"), i);
    dx_packet_free(p);
  }
  dx_session_free(s);
}

/* An open flow idles out after 600 s of capture time only if 16,384 other
 * frames came meanwhile: after 700 s and two frames it goes on (stream 0,
 * as tshark), after 700 s and 16,384 frames of another flow it is new. */
static void test_idle_needs_frames(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  uint8_t d[10];
  memset(d, 'x', sizeof d);
  dx_packet *p = seg(s, 1, 1000, 5000, TF_ACK, 1000, NULL, 0, d, 10, 0);
  EXPECT(p, "tcp.stream", "0");
  dx_packet_free(p);
  size_t n = tf_tcp(fb, 1, CPORT + 1, SPORT, 1, 1, TF_ACK, 1000, NULL, 0, NULL, 0);
  p = tf_feed(s, fb, n, 1000000);
  EXPECT(p, "tcp.stream", "1");
  dx_packet_free(p);
  p = seg(s, 1, 1010, 5000, TF_ACK, 1000, NULL, 0, d, 10, 700000000ull);
  EXPECT(p, "tcp.stream", "0");
  dx_packet_free(p);
  for (unsigned i = 0; i < DX_TEST_CLOSE_FRAMES; i++) {
    n = tf_tcp(fb, 1, CPORT + 1, SPORT, 1, 1, TF_ACK, 1000, NULL, 0, NULL, 0);
    dx_packet_free(tf_feed(s, fb, n, 700000000ull + 1000 * (i + 1)));
  }
  p = seg(s, 1, 1020, 5000, TF_ACK, 1000, NULL, 0, d, 10, 1400000000ull);
  EXPECT(p, "tcp.stream", "2");
  dx_packet_free(p);
  dx_session_free(s);
}

/* A connection that ended (a RST) is kept until 16,384 other frames came,
 * however long after (tshark never forgets it): an hour later and two
 * frames on, a segment of it still belongs to stream 0; after 16,384
 * frames of another flow it starts a new stream (memory stays flat). */
static void test_closed_needs_frames(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  uint8_t d[10];
  memset(d, 'x', sizeof d);
  dx_packet *p = seg(s, 1, 1000, 5000, TF_ACK, 1000, NULL, 0, d, 10, 0);
  EXPECT(p, "tcp.stream", "0");
  dx_packet_free(p);
  p = seg(s, 0, 5000, 1010, TF_RST | TF_ACK, 0, NULL, 0, NULL, 0, 1000);
  EXPECT(p, "tcp.stream", "0");
  dx_packet_free(p);
  size_t n = tf_tcp(fb, 1, CPORT + 1, SPORT, 1, 1, TF_ACK, 1000, NULL, 0, NULL, 0);
  p = tf_feed(s, fb, n, 3600000000ull);
  EXPECT(p, "tcp.stream", "1");
  dx_packet_free(p);
  p = seg(s, 1, 1010, 5000, TF_ACK, 1000, NULL, 0, d, 10, 3600001000ull);
  EXPECT(p, "tcp.stream", "0");
  EXPECT(p, "tcp.seq", "11");
  dx_packet_free(p);
  p = seg(s, 0, 5000, 1020, TF_RST | TF_ACK, 0, NULL, 0, NULL, 0, 3600002000ull);
  dx_packet_free(p);
  for (unsigned i = 0; i < DX_TEST_CLOSE_FRAMES; i++) {
    n = tf_tcp(fb, 1, CPORT + 1, SPORT, 1, 1, TF_ACK, 1000, NULL, 0, NULL, 0);
    dx_packet_free(tf_feed(s, fb, n, 3600002000ull + 1000 * (i + 1)));
  }
  p = seg(s, 1, 1020, 5000, TF_ACK, 1000, NULL, 0, d, 10, 3700000000ull);
  EXPECT(p, "tcp.stream", "2");
  dx_packet_free(p);
  dx_session_free(s);
}

/* Analysis on a connection seen mid-way (no handshake: 3 ms out-of-order
 * threshold, as Wireshark uses without an initial RTT). */
static void test_analysis(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  uint8_t d[100];
  memset(d, 'x', sizeof d);
  /* 1, 2: in order (relative 1 and 101) */
  dx_packet *p = seg(s, 1, 1000, 5000, TF_ACK, 1000, NULL, 0, d, 100, 0);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.flags"), 0);
  dx_packet_free(p);
  p = seg(s, 1, 1100, 5000, TF_ACK, 1000, NULL, 0, d, 100, 10000);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.flags"), 0);
  /* nothing ACKed yet: in flight since the first byte seen */
  EXPECT(p, "tcp.analysis.bytes_in_flight", "200");
  dx_packet_free(p);
  /* 3: skips 1200..1299: previous segment not captured */
  p = seg(s, 1, 1300, 5000, TF_ACK, 1000, NULL, 0, d, 100, 20000);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.lost_segment"), 1);
  CU_ASSERT_PTR_NOT_NULL(strstr(dx_packet_info(p), "[TCP Previous segment not captured] "));
  dx_packet_free(p);
  /* 4: the missing segment 1 ms later: out of order */
  p = seg(s, 1, 1200, 5000, TF_ACK, 1000, NULL, 0, d, 100, 21000);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.out_of_order"), 1);
  CU_ASSERT_EQUAL(strncmp(dx_packet_info(p), "[TCP Out-Of-Order] ", 19), 0);
  dx_packet_free(p);
  /* 5: segment 1300 again 80 ms later: retransmission */
  p = seg(s, 1, 1300, 5000, TF_ACK, 1000, NULL, 0, d, 100, 100000);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.retransmission"), 1);
  CU_ASSERT_EQUAL(strncmp(dx_packet_info(p), "[TCP Retransmission] ", 21), 0);
  dx_packet_free(p);
  /* 6: the server ACKs all of it; frame 3 sent the highest byte */
  p = seg(s, 0, 5000, 1400, TF_ACK, 1000, NULL, 0, NULL, 0, 110000);
  EXPECT(p, "tcp.analysis.acks_frame", "3");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.flags"), 0);
  dx_packet_free(p);
  /* 7, 8: the same ACK twice more: duplicate ACKs #1 and #2 of frame 6 */
  p = seg(s, 0, 5000, 1400, TF_ACK, 1000, NULL, 0, NULL, 0, 111000);
  /* twice, as tshark has it: the flag, and the expert note on the frame
   * number (tshark -T fields prints "1,1") */
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.duplicate_ack"), 2);
  EXPECT(p, "tcp.analysis.duplicate_ack_num", "1");
  EXPECT(p, "tcp.analysis.duplicate_ack_frame", "6");
  CU_ASSERT_EQUAL(strncmp(dx_packet_info(p), "[TCP Dup ACK 6#1] ", 18), 0);
  dx_packet_free(p);
  p = seg(s, 0, 5000, 1400, TF_ACK, 1000, NULL, 0, NULL, 0, 112000);
  EXPECT(p, "tcp.analysis.duplicate_ack_num", "2");
  EXPECT(p, "tcp.analysis.duplicate_ack_frame", "6");
  dx_packet_free(p);
  /* 9: same ACK with a bigger window: window update */
  p = seg(s, 0, 5000, 1400, TF_ACK, 2000, NULL, 0, NULL, 0, 113000);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.window_update"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.duplicate_ack"), 0);
  CU_ASSERT_EQUAL(strncmp(dx_packet_info(p), "[TCP Window Update] ", 20), 0);
  dx_packet_free(p);
  /* 10: window 0: zero window */
  p = seg(s, 0, 5000, 1400, TF_ACK, 0, NULL, 0, NULL, 0, 114000);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.zero_window"), 1);
  CU_ASSERT_EQUAL(strncmp(dx_packet_info(p), "[TCP ZeroWindow] ", 17), 0);
  dx_packet_free(p);
  /* 11: one byte at the next sequence number while the window is 0: probe */
  p = seg(s, 1, 1400, 5000, TF_ACK, 1000, NULL, 0, d, 1, 200000);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.zero_window_probe"), 1);
  dx_packet_free(p);
  /* 12: the server reopens the window: a window update */
  p = seg(s, 0, 5000, 1400, TF_ACK, 1000, NULL, 0, NULL, 0, 300000);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.window_update"), 1);
  dx_packet_free(p);
  /* 13: the probe byte did not advance the next sequence number, so a bare
   * ACK at 1400 is a duplicate ACK; the client's ACK number has not
   * changed since frame 1. */
  p = seg(s, 1, 1400, 5000, TF_ACK, 1000, NULL, 0, NULL, 0, 400000);
  CU_ASSERT_EQUAL(strncmp(dx_packet_info(p), "[TCP Dup ACK 1#1] ", 18), 0);
  dx_packet_free(p);
  /* 14: keep-alive: sequence number one below the next one, no data */
  p = seg(s, 1, 1399, 5000, TF_ACK, 1000, NULL, 0, NULL, 0, 500000);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.keep_alive"), 1);
  CU_ASSERT_EQUAL(strncmp(dx_packet_info(p), "[TCP Keep-Alive] ", 17), 0);
  dx_packet_free(p);
  /* 15: its ACK */
  p = seg(s, 0, 5000, 1400, TF_ACK, 1000, NULL, 0, NULL, 0, 500100);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.keep_alive_ack"), 1);
  CU_ASSERT_EQUAL(strncmp(dx_packet_info(p), "[TCP Keep-Alive ACK] ", 21), 0);
  dx_packet_free(p);
  dx_session_free(s);
}

/* More analysis, after a handshake with window scale 0 (multiplier 1) and
 * an initial RTT of 20 ms. */
static const uint8_t ws0_opts[4] = {1, 3, 3, 0};

static void test_analysis_handshake(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  uint8_t d[100];
  memset(d, 'y', sizeof d);
  dx_packet_free(seg(s, 1, 1000, 0, TF_SYN, 1000, ws0_opts, 4, NULL, 0, 0));
  dx_packet_free(seg(s, 0, 5000, 1001, TF_SYN | TF_ACK, 300, ws0_opts, 4, NULL, 0, 10000));
  dx_packet *p = seg(s, 1, 1001, 5001, TF_ACK, 1000, NULL, 0, NULL, 0, 20000);
  EXPECT(p, "tcp.analysis.initial_rtt", "0.020000000");
  EXPECT(p, "tcp.window_size_scalefactor", "1");
  dx_packet_free(p);
  /* 4-6: three segments fill the server's 300-byte window */
  dx_packet_free(seg(s, 1, 1001, 5001, TF_ACK, 1000, NULL, 0, d, 100, 30000));
  p = seg(s, 1, 1101, 5001, TF_ACK, 1000, NULL, 0, d, 100, 31000);
  EXPECT(p, "tcp.analysis.bytes_in_flight", "200");
  dx_packet_free(p);
  p = seg(s, 1, 1201, 5001, TF_ACK, 1000, NULL, 0, d, 100, 32000);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.window_full"), 1);
  CU_ASSERT_EQUAL(strncmp(dx_packet_info(p), "[TCP Window Full] ", 18), 0);
  EXPECT(p, "tcp.analysis.bytes_in_flight", "300");
  dx_packet_free(p);
  /* 7-9: the server ACKs the first one, then twice more */
  p = seg(s, 0, 5001, 1101, TF_ACK, 300, NULL, 0, NULL, 0, 40000);
  EXPECT(p, "tcp.analysis.acks_frame", "4");
  EXPECT(p, "tcp.analysis.ack_rtt", "0.010000000");
  dx_packet_free(p);
  dx_packet_free(seg(s, 0, 5001, 1101, TF_ACK, 300, NULL, 0, NULL, 0, 41000));
  p = seg(s, 0, 5001, 1101, TF_ACK, 300, NULL, 0, NULL, 0, 42000);
  EXPECT(p, "tcp.analysis.duplicate_ack_num", "2");
  dx_packet_free(p);
  /* 10: the asked-for segment within 20 ms: fast retransmission */
  p = seg(s, 1, 1101, 5001, TF_ACK, 1000, NULL, 0, d, 100, 45000);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.fast_retransmission"), 1);
  /* a fast retransmission is also a retransmission (tshark adds both) */
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.retransmission"), 1);
  CU_ASSERT_EQUAL(strncmp(dx_packet_info(p), "[TCP Fast Retransmission] ", 26), 0);
  dx_packet_free(p);
  /* 11: everything ACKed; frame 6 ended exactly there */
  p = seg(s, 0, 5001, 1301, TF_ACK, 300, NULL, 0, NULL, 0, 50000);
  EXPECT(p, "tcp.analysis.acks_frame", "6");
  dx_packet_free(p);
  /* 12: bytes already ACKed sent again: spurious retransmission */
  p = seg(s, 1, 1201, 5001, TF_ACK, 1000, NULL, 0, d, 100, 200000);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.spurious_retransmission"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.retransmission"), 1);
  CU_ASSERT_EQUAL(strncmp(dx_packet_info(p), "[TCP Spurious Retransmission] ", 30), 0);
  dx_packet_free(p);
  /* 13: an ACK for bytes never seen */
  p = seg(s, 0, 5001, 1500, TF_ACK, 300, NULL, 0, NULL, 0, 210000);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.ack_lost_segment"), 1);
  CU_ASSERT_EQUAL(strncmp(dx_packet_info(p), "[TCP ACKed unseen segment] ", 27), 0);
  dx_packet_free(p);
  dx_session_free(s);
}

/* ACKs of data never seen (tshark 4.0's TCP_A_ACK_LOST_PACKET): once for
 * each gap in the other direction; while the other side sends nothing
 * beyond the bound, again only after that side's ACK number has changed,
 * and the other side's duplicate ACKs count from 1 again after it. */
static void test_analysis_ack_lost(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  uint8_t d[100];
  memset(d, 'a', sizeof d);
  /* 1: the client's data up to 1100 */
  dx_packet *p = seg(s, 1, 1000, 5000, TF_ACK, 1000, NULL, 0, d, 100, 0);
  dx_packet_free(p);
  /* 2: the server ACKs 1200: unseen */
  p = seg(s, 0, 5000, 1200, TF_ACK, 1000, NULL, 0, NULL, 0, 10000);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.ack_lost_segment"), 1);
  dx_packet_free(p);
  /* 3: the same ACK again: a duplicate ACK, not shown as unseen again */
  p = seg(s, 0, 5000, 1200, TF_ACK, 1000, NULL, 0, NULL, 0, 11000);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.ack_lost_segment"), 0);
  EXPECT(p, "tcp.analysis.duplicate_ack_num", "1");
  dx_packet_free(p);
  /* 4: the client's bare ACK: its duplicate ACK #1 */
  p = seg(s, 1, 1100, 5000, TF_ACK, 1000, NULL, 0, NULL, 0, 12000);
  EXPECT(p, "tcp.analysis.duplicate_ack_num", "1");
  dx_packet_free(p);
  /* 5: the server's ACK again: not shown (the client has duplicate ACKs) */
  p = seg(s, 0, 5000, 1200, TF_ACK, 1000, NULL, 0, NULL, 0, 13000);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.ack_lost_segment"), 0);
  EXPECT(p, "tcp.analysis.duplicate_ack_num", "2");
  dx_packet_free(p);
  /* 6: the client's next duplicate ACK counts from 1 again */
  p = seg(s, 1, 1100, 5000, TF_ACK, 1000, NULL, 0, NULL, 0, 14000);
  EXPECT(p, "tcp.analysis.duplicate_ack_num", "1");
  dx_packet_free(p);
  /* 7: a window update of the client: its ACK number has not changed, so
   * its duplicate ACK count stays */
  p = seg(s, 1, 1100, 5000, TF_ACK, 1001, NULL, 0, NULL, 0, 15000);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.window_update"), 1);
  dx_packet_free(p);
  /* 8: the client's count is not 0: not shown */
  p = seg(s, 0, 5000, 1200, TF_ACK, 1000, NULL, 0, NULL, 0, 16000);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.ack_lost_segment"), 0);
  dx_packet_free(p);
  /* 9: data after a gap (1100..1199 missing), up to 1300 */
  p = seg(s, 1, 1200, 5000, TF_ACK, 1001, NULL, 0, d, 100, 17000);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.lost_segment"), 1);
  dx_packet_free(p);
  /* 10: the server ACKs 1300: beyond the bound (1100), shown */
  p = seg(s, 0, 5000, 1300, TF_ACK, 1000, NULL, 0, NULL, 0, 18000);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.ack_lost_segment"), 1);
  dx_packet_free(p);
  /* 11: the same ACK: the bound moved to 1300, not shown */
  p = seg(s, 0, 5000, 1300, TF_ACK, 1000, NULL, 0, NULL, 0, 19000);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.ack_lost_segment"), 0);
  dx_packet_free(p);
  dx_session_free(s);
}

/* A segment the other side has already ACKed is a spurious retransmission
 * even when it comes soon enough after the highest one to look out of
 * order (tshark 4.0 tests for spurious retransmissions first). */
static void test_analysis_spurious_first(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  uint8_t d[100];
  memset(d, 'b', sizeof d);
  dx_packet_free(seg(s, 1, 1000, 5000, TF_ACK, 1000, NULL, 0, d, 100, 0));
  dx_packet_free(seg(s, 1, 1100, 5000, TF_ACK, 1000, NULL, 0, d, 100, 1000));
  dx_packet *p = seg(s, 0, 5000, 1100, TF_ACK, 1000, NULL, 0, NULL, 0, 1500);
  EXPECT(p, "tcp.analysis.acks_frame", "1");
  dx_packet_free(p);
  /* 4: the first segment again 1 ms after the second (below the 3 ms
   * taken for the RTT when none is known), all of it ACKed (up to 1100) */
  p = seg(s, 1, 1000, 5000, TF_ACK, 1000, NULL, 0, d, 100, 2000);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.spurious_retransmission"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.retransmission"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.out_of_order"), 0);
  CU_ASSERT_EQUAL(strncmp(dx_packet_info(p), "[TCP Spurious Retransmission] ", 30), 0);
  dx_packet_free(p);
  /* 5: bytes not ACKed yet (1150..1189), as soon: out of order */
  p = seg(s, 1, 1150, 5000, TF_ACK, 1000, NULL, 0, d, 40, 2500);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.out_of_order"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.spurious_retransmission"), 0);
  dx_packet_free(p);
  dx_session_free(s);
}

/* A second SYN-ACK with another sequence number becomes the server's base
 * of relative numbers, flagged as reused ports (tshark 4.0); the segments
 * that follow the first one's numbers then count from the second. */
static void test_second_synack_rebases(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  dx_packet_free(seg(s, 1, 1000, 0, TF_SYN, 1000, NULL, 0, NULL, 0, 0));
  dx_packet *p = seg(s, 0, 5000, 1001, TF_SYN | TF_ACK, 1000, NULL, 0, NULL, 0, 1000);
  EXPECT(p, "tcp.seq", "0");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.reused_ports"), 0);
  dx_packet_free(p);
  p = seg(s, 0, 7000, 1001, TF_SYN | TF_ACK, 1000, NULL, 0, NULL, 0, 2000);
  EXPECT(p, "tcp.seq", "0");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.reused_ports"), 1);
  CU_ASSERT_PTR_NOT_NULL(strstr(dx_packet_info(p), "[TCP Port numbers reused] "));
  dx_packet_free(p);
  /* the client ACKs the first one: 5001 - 7000 = 2^32 - 1999 */
  p = seg(s, 1, 1001, 5001, TF_ACK, 1000, NULL, 0, NULL, 0, 3000);
  EXPECT(p, "tcp.seq", "1");
  EXPECT(p, "tcp.ack", "4294965297");
  dx_packet_free(p);
  p = seg(s, 0, 5001, 1001, TF_ACK, 1000, NULL, 0, NULL, 0, 4000);
  EXPECT(p, "tcp.seq", "4294965297");
  EXPECT(p, "tcp.ack", "1");
  dx_packet_free(p);
  /* the same SYN-ACK again: no new base, a retransmission */
  p = seg(s, 0, 7000, 1001, TF_SYN | TF_ACK, 1000, NULL, 0, NULL, 0, 500000);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.reused_ports"), 0);
  EXPECT(p, "tcp.seq", "0");
  dx_packet_free(p);
  dx_session_free(s);
}

/* A SYN whose sequence number is not its side's base starts a new stream
 * even on a connection that has not closed (tshark 4.0); one at the base
 * (here one below the first segment seen mid-way) stays in it. */
static void test_syn_new_stream_open_conn(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  uint8_t d[10];
  memset(d, 'c', sizeof d);
  dx_packet *p = seg(s, 1, 1000, 5000, TF_ACK, 1000, NULL, 0, d, 10, 0);
  EXPECT(p, "tcp.stream", "0");
  dx_packet_free(p);
  p = seg(s, 0, 5000, 1010, TF_ACK, 1000, NULL, 0, NULL, 0, 1000);
  EXPECT(p, "tcp.stream", "0");
  dx_packet_free(p);
  /* the base of the client's numbers is 999: a SYN there stays */
  p = seg(s, 1, 999, 0, TF_SYN, 1000, NULL, 0, NULL, 0, 2000);
  EXPECT(p, "tcp.stream", "0");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.reused_ports"), 0);
  dx_packet_free(p);
  /* another ISN: a new stream, its numbers from this SYN */
  p = seg(s, 1, 70000, 0, TF_SYN, 1000, NULL, 0, NULL, 0, 3000);
  EXPECT(p, "tcp.stream", "1");
  EXPECT(p, "tcp.seq", "0");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.reused_ports"), 1);
  dx_packet_free(p);
  /* the old connection's segments now count in the new one */
  p = seg(s, 0, 5000, 1010, TF_ACK, 1000, NULL, 0, NULL, 0, 4000);
  EXPECT(p, "tcp.stream", "1");
  dx_packet_free(p);
  dx_session_free(s);
}

/* After an ACK of unseen data that the other side's duplicate ACK count
 * marks as shown (tshark 4.0 sets its unsigned counter to -1), a segment
 * resent at that side's ACK number within 20 ms is a fast retransmission,
 * as in tshark, though no duplicate ACK came. */
static void test_analysis_ack_lost_fast_retrans(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  uint8_t d[100];
  memset(d, 'e', sizeof d);
  dx_packet_free(seg(s, 1, 1000, 5000, TF_ACK, 1000, NULL, 0, d, 100, 0));
  dx_packet_free(seg(s, 0, 5000, 1000, TF_ACK, 1000, NULL, 0, d, 100, 1000));
  /* 3: the server ACKs 1200, unseen */
  dx_packet *p = seg(s, 0, 5100, 1200, TF_ACK, 1000, NULL, 0, NULL, 0, 2000);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.ack_lost_segment"), 1);
  dx_packet_free(p);
  /* 4: the server's first segment again, at the client's ACK number 5000,
   * 5 ms after that ACK */
  p = seg(s, 0, 5000, 1200, TF_ACK, 1000, NULL, 0, d, 100, 5000);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.fast_retransmission"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.retransmission"), 1);
  dx_packet_free(p);
  dx_session_free(s);
}

/* An ICMP (IPv4) error from the server quoting the TCP segment in frame
 * fb[0..n): its IP header and the first qlen bytes after it. */
static size_t icmp_quote(uint8_t *b, uint8_t type, uint8_t code, const uint8_t *seg, size_t n,
                         size_t qlen) {
  size_t q = n - 14 < 20 + qlen ? n - 14 : 20 + qlen;
  size_t o = tf_ip(b, 0, 1, 8 + q);
  uint8_t *ic = b + o;
  memset(ic, 0, 8);
  ic[0] = type;
  ic[1] = code;
  if (type == 5)
    memcpy(ic + 4, tf_server, 4); /* the gateway */
  memcpy(ic + 8, seg + 14, q);
  uint16_t c = tf_fold(tf_sum(ic, 8 + q, 0));
  ic[2] = (uint8_t)(c >> 8);
  ic[3] = (uint8_t)c;
  return o + 8 + q;
}

/* TCP headers quoted in ICMP errors, as tshark 4.0 shows them: the stream of
 * their connection, their numbers absolute, no length and no analysis, the
 * sequence number (IPv4) right after the ports and no tcp.seq_raw; a
 * Redirect quotes only 8 bytes of TCP (RFC 792); a TLS record that runs
 * past the quoted segment shows nothing. */
static void test_quoted_in_icmp(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  uint8_t q[600], d[40];
  memset(d, 'q', sizeof d);
  dx_packet_free(seg(s, 1, 1000, 0, TF_SYN, 1000, NULL, 0, NULL, 0, 0));
  dx_packet_free(seg(s, 0, 5000, 1001, TF_SYN | TF_ACK, 1000, NULL, 0, NULL, 0, 1000));
  dx_packet_free(seg(s, 1, 1001, 5001, TF_ACK, 1000, NULL, 0, NULL, 0, 2000));
  /* 4: port unreachable quoting the client's segment of 40 bytes */
  size_t n = tf_tcp(q, 1, CPORT, SPORT, 1001, 5001, TF_ACK | TF_PSH, 1000, NULL, 0, d, 40);
  n = icmp_quote(fb, 3, 3, q, n, 60);
  dx_packet *p = tf_feed(s, fb, n, 3000);
  EXPECT(p, "tcp.stream", "0");
  EXPECT(p, "tcp.seq", "1001");
  EXPECT(p, "tcp.ack", "5001");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.len"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.seq_raw"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.nxtseq"), 0);
  dx_packet_free(p);
  /* 5: the segment it quoted did not count as sent: this one follows the
   * handshake with nothing missing */
  p = seg(s, 1, 1001, 5001, TF_ACK | TF_PSH, 1000, NULL, 0, d, 40, 4000);
  EXPECT(p, "tcp.seq", "1");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.flags"), 0);
  dx_packet_free(p);
  /* 6: a Redirect quoting the whole segment: only its first 8 bytes read */
  n = tf_tcp(q, 1, CPORT, SPORT, 1041, 5001, TF_ACK, 1000, NULL, 0, NULL, 0);
  n = icmp_quote(fb, 5, 1, q, n, 20);
  p = tf_feed(s, fb, n, 5000);
  EXPECT(p, "tcp.seq", "1041");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.ack"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.stream"), 0);
  dx_packet_free(p);
  /* 7: a segment to port 443 starting a TLS record of 2000 bytes, quoted
   * (60 bytes of it): a TLS layer with no record */
  uint8_t rec[40];
  memset(rec, 0, sizeof rec);
  rec[0] = 23;
  rec[1] = 3;
  rec[2] = 3;
  rec[3] = 0x07;
  rec[4] = 0xd0;
  n = tf_tcp(q, 1, CPORT, 443, 7000, 9000, TF_ACK, 1000, NULL, 0, rec, sizeof rec);
  n = icmp_quote(fb, 3, 3, q, n, 60);
  p = tf_feed(s, fb, n, 6000);
  CU_ASSERT_EQUAL(tu_count(p, "tls"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "tls.record.content_type"), 0);
  dx_packet_free(p);
  dx_session_free(s);
}

/* SACK blocks and bytes in flight: the blocks of the other side's last
 * segment are taken off (none if that segment had no SACK option); with
 * nothing left in flight neither bytes in flight nor PSH bytes are shown.
 * Then a zero window probe's ACK that still shows a zero window. */
static void sack_opt(uint8_t o[12], uint32_t le, uint32_t re) {
  o[0] = 1;
  o[1] = 1;
  o[2] = 5;
  o[3] = 10;
  for (int i = 0; i < 4; i++) {
    o[4 + i] = (uint8_t)(le >> (24 - 8 * i));
    o[8 + i] = (uint8_t)(re >> (24 - 8 * i));
  }
}

static void test_analysis_sack(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  uint8_t d[100], o[12];
  memset(d, 'z', sizeof d);
  dx_packet_free(seg(s, 1, 1000, 0, TF_SYN, 1000, NULL, 0, NULL, 0, 0));
  dx_packet_free(seg(s, 0, 5000, 1001, TF_SYN | TF_ACK, 1000, NULL, 0, NULL, 0, 10000));
  dx_packet_free(seg(s, 1, 1001, 5001, TF_ACK, 1000, NULL, 0, NULL, 0, 20000));
  /* 4-6: three segments of 100 bytes */
  dx_packet *p = seg(s, 1, 1001, 5001, TF_ACK, 1000, NULL, 0, d, 100, 30000);
  EXPECT(p, "tcp.analysis.bytes_in_flight", "100");
  dx_packet_free(p);
  dx_packet_free(seg(s, 1, 1101, 5001, TF_ACK, 1000, NULL, 0, d, 100, 31000));
  dx_packet_free(seg(s, 1, 1201, 5001, TF_ACK, 1000, NULL, 0, d, 100, 32000));
  /* 7: the server ACKs 1101 and SACKs 1201-1301 (the third segment) */
  sack_opt(o, 1201, 1301);
  p = seg(s, 0, 5001, 1101, TF_ACK, 1000, o, 12, NULL, 0, 40000);
  EXPECT(p, "tcp.options.sack_le", "201");
  dx_packet_free(p);
  /* 8: unacked 1101-1401 is 300 bytes, less 100 SACKed */
  p = seg(s, 1, 1301, 5001, TF_ACK | TF_PSH, 1000, NULL, 0, d, 100, 41000);
  EXPECT(p, "tcp.analysis.bytes_in_flight", "200");
  EXPECT(p, "tcp.analysis.push_bytes_sent", "400");
  dx_packet_free(p);
  /* 9: the same ACK without SACK (a duplicate ACK): nothing to take off */
  p = seg(s, 0, 5001, 1101, TF_ACK, 1000, NULL, 0, NULL, 0, 42000);
  EXPECT(p, "tcp.analysis.duplicate_ack_num", "1");
  dx_packet_free(p);
  /* 10: unacked 1101-1501 */
  p = seg(s, 1, 1401, 5001, TF_ACK, 1000, NULL, 0, d, 100, 43000);
  EXPECT(p, "tcp.analysis.bytes_in_flight", "400");
  EXPECT(p, "tcp.analysis.push_bytes_sent", "100");
  dx_packet_free(p);
  /* 11: everything ACKed, and a SACK block of 100 bytes */
  sack_opt(o, 1501, 1601);
  dx_packet_free(seg(s, 0, 5001, 1501, TF_ACK, 1000, o, 12, NULL, 0, 44000));
  /* 12: 100 bytes unacked less 100 SACKed: 0, so neither value is shown */
  p = seg(s, 1, 1501, 5001, TF_ACK, 1000, NULL, 0, d, 100, 45000);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.bytes_in_flight"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.push_bytes_sent"), 0);
  dx_packet_free(p);
  /* 13: the server ACKs it all and closes its window */
  p = seg(s, 0, 5001, 1601, TF_ACK, 0, NULL, 0, NULL, 0, 46000);
  CU_ASSERT_EQUAL(strncmp(dx_packet_info(p), "[TCP ZeroWindow] ", 17), 0);
  dx_packet_free(p);
  /* 14: a one-byte zero window probe, 15: its ACK, window still 0: both
   * notes, the probe ACK first (tshark prepends them in this order) */
  p = seg(s, 1, 1601, 5001, TF_ACK, 1000, NULL, 0, d, 1, 300000);
  CU_ASSERT_EQUAL(strncmp(dx_packet_info(p), "[TCP ZeroWindowProbe] ", 22), 0);
  dx_packet_free(p);
  p = seg(s, 0, 5001, 1601, TF_ACK, 0, NULL, 0, NULL, 0, 300100);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.zero_window_probe_ack"), 1);
  CU_ASSERT_EQUAL(strncmp(dx_packet_info(p), "[TCP ZeroWindowProbeAck] [TCP ZeroWindow] ", 42), 0);
  dx_packet_free(p);
  dx_session_free(s);
}

/* Reassembly end to end: a DNS message over TCP (RFC 1035 4.2.2: two-byte
 * length prefix) split over two segments, then over two segments that
 * arrive in the wrong order. */
static const uint8_t dns_q[31] = {0, 29,  0x12, 0x34, 0x01, 0x00, 0,   1,   0,   0,   0,
                                  0, 0,   0,    7,    'e',  'x',  'a', 'm', 'p', 'l', 'e',
                                  3, 'c', 'o',  'm',  0,    0,    1,   0,   1};

static dx_packet *dseg(dx_session *s, uint32_t seq, const uint8_t *pl, size_t plen, uint64_t t) {
  size_t n = tf_tcp(fb, 1, CPORT, 53, seq, 5001, TF_ACK | TF_PSH, 1000, NULL, 0, pl, plen);
  return tf_feed(s, fb, n, t);
}

static void handshake53(dx_session *s) {
  size_t n = tf_tcp(fb, 1, CPORT, 53, 1000, 0, TF_SYN, 1000, NULL, 0, NULL, 0);
  dx_packet_free(tf_feed(s, fb, n, 0));
  n = tf_tcp(fb, 0, CPORT, 53, 5000, 1001, TF_SYN | TF_ACK, 1000, NULL, 0, NULL, 0);
  dx_packet_free(tf_feed(s, fb, n, 100));
  n = tf_tcp(fb, 1, CPORT, 53, 1001, 5001, TF_ACK, 1000, NULL, 0, NULL, 0);
  dx_packet_free(tf_feed(s, fb, n, 200));
}

static void test_reassembly_dns(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  handshake53(s);
  dx_packet *p = dseg(s, 1001, dns_q, 10, 1000);
  CU_ASSERT_PTR_NOT_NULL(strstr(dx_packet_info(p), "[TCP segment of a reassembled PDU]"));
  CU_ASSERT_EQUAL(tu_count(p, "tcp.segments"), 0);
  EXPECT(p, "tcp.segment_data", "001d1234010000010000");
  dx_packet_free(p);
  p = dseg(s, 1011, dns_q + 10, 21, 2000);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.segments"), 1);
  EXPECT(p, "tcp.segment.count", "2");
  EXPECT(p, "tcp.reassembled.length", "31");
  CU_ASSERT_EQUAL(tu_count(p, "tcp.segment"), 2);
  EXPECT(p, "tcp.segment", "4");
  EXPECT(p, "dns.qry.name", "example.com");
  CU_ASSERT_EQUAL(dx_packet_source_count(p), 2);
  CU_ASSERT_STRING_EQUAL(dx_packet_source_name(p, 1), "Reassembled TCP (31 bytes)");
  dx_packet_free(p);
  /* A retransmission of the second segment is not dissected again. */
  p = dseg(s, 1011, dns_q + 10, 21, 500000);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.retransmission"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "dns.qry.name"), 0);
  dx_packet_free(p);
  dx_session_free(s);

  /* Out of order: the tail first, then the head. As tshark 4.0 with its
   * defaults (tcp.reassemble_out_of_order off, tcp.no_subdissector_on_error
   * on; its test capture dns-ooo.pcap): the tail, ahead of a gap, is
   * dissected at once (a DNS length asking for more), the head, flagged
   * out of order, is not handed to DNS at all. */
  s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  handshake53(s);
  p = dseg(s, 1011, dns_q + 10, 21, 1000);
  CU_ASSERT_EQUAL(tu_count(p, "dns.qry.name"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.lost_segment"), 1);
  dx_packet_free(p);
  p = dseg(s, 1001, dns_q, 10, 1500);
  CU_ASSERT_EQUAL(
      tu_count(p, "tcp.analysis.out_of_order") + tu_count(p, "tcp.analysis.retransmission"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "dns"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.reassembled.length"), 0);
  dx_packet_free(p);
  /* A retransmission overlapping old and new bytes (tshark flags any data
   * segment starting before the next expected byte): not dissected either. */
  uint8_t two[31 + 31];
  memcpy(two, dns_q, 31);
  memcpy(two + 31, dns_q, 31);
  two[31 + 3] = 0x56; /* second message id 0x1256 */
  p = dseg(s, 1001, two, sizeof two, 2500);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.retransmission"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "dns.qry.name"), 0);
  dx_packet_free(p);
  dx_session_free(s);

  /* The same with segments reordered (dx_session_set_tcp_reorder, tshark's
   * tcp.reassemble_out_of_order: TRUE, with which tshark and dissect agree
   * on dns-ooo.pcap): the tail is held, the head completes the message, and
   * of the overlapping retransmission the old part (a whole first message)
   * is not dissected again, the new one (a second message) is. */
  s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  CU_ASSERT_EQUAL(dx_session_set_tcp_reorder(s, 1), DX_OK);
  CU_ASSERT_EQUAL(dx_session_set_tcp_reorder(NULL, 1), DX_EINVAL);
  handshake53(s);
  p = dseg(s, 1011, dns_q + 10, 21, 1000);
  CU_ASSERT_EQUAL(tu_count(p, "dns.qry.name"), 0);
  dx_packet_free(p);
  p = dseg(s, 1001, dns_q, 10, 1500);
  EXPECT(p, "dns.qry.name", "example.com");
  EXPECT(p, "tcp.reassembled.length", "31");
  EXPECT(p, "tcp.segment.count", "2");
  dx_packet_free(p);
  p = dseg(s, 1001, two, sizeof two, 2500);
  CU_ASSERT_EQUAL(tu_count(p, "dns.qry.name"), 1);
  EXPECT(p, "dns.id", "0x1256");
  dx_packet_free(p);
  /* kept by a reset */
  CU_ASSERT_EQUAL(dx_session_reset(s), DX_OK);
  handshake53(s);
  dx_packet_free(dseg(s, 1011, dns_q + 10, 21, 1000));
  p = dseg(s, 1001, dns_q, 10, 1500);
  EXPECT(p, "dns.qry.name", "example.com");
  dx_packet_free(p);
  dx_session_free(s);
}

/* Without reordering (tshark 4.0's default), a segment flagged out of
 * order that brings the missing bytes of a PDU left incomplete at a gap
 * still completes that PDU: its segments are listed, DNS is not called
 * (tcp.no_subdissector_on_error). The same bytes once more are a reassembly
 * error. A segment overlapping the bytes held of the pending PDU is listed
 * whole, flagged as an overlap and, its bytes there differing, a conflict.
 * Every value here is tshark 4.0.17's on the same frames (written out with
 * TU_DUMP_PCAP). */
static void test_reassembly_ooo_completes(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  handshake53(s);
  dx_packet_free(dseg(s, 1001, dns_q, 10, 1000)); /* frame 4: DNS asks for 21 more */
  /* frame 5: a whole message after a gap: the PDU of frame 4 is left
   * incomplete, this one dissected at once */
  dx_packet *p = dseg(s, 1032, dns_q, 31, 1050);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.lost_segment"), 1);
  EXPECT(p, "dns.qry.name", "example.com");
  dx_packet_free(p);
  /* frame 6: the missing bytes, out of order: they complete the PDU */
  p = dseg(s, 1011, dns_q + 10, 21, 1100);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.out_of_order"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.segment"), 2);
  EXPECT(p, "tcp.segment", "4");
  EXPECT(p, "tcp.segment.count", "2");
  EXPECT(p, "tcp.reassembled.length", "31");
  EXPECT(p, "tcp.segment_data", "00000000076578616d706c6503636f6d0000010001");
  CU_ASSERT_EQUAL(tu_count(p, "dns"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "_ws.malformed"), 0);
  CU_ASSERT_PTR_NULL(strstr(dx_packet_info(p), "reassembled PDU"));
  CU_ASSERT_EQUAL(dx_packet_source_count(p), 2);
  dx_packet_free(p);
  /* frame 7: the same bytes again, into a PDU already complete */
  p = dseg(s, 1011, dns_q + 10, 21, 1150);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.out_of_order"), 1);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.segments"), 0);
  CU_ASSERT_EQUAL(tu_count(p, "_ws.malformed"), 2);
  CU_ASSERT_PTR_NOT_NULL(strstr(dx_packet_info(p),
                                "Len=21[Reassembly error, protocol TCP: New fragment overlaps old "
                                "data (retransmission?)]"));
  dx_packet_free(p);
  dx_session_free(s);

  /* frame 5 starts 4 bytes into the pending PDU, repeats 6 of its bytes
   * (the first differing) and brings the 21 missing */
  s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  handshake53(s);
  dx_packet_free(dseg(s, 1001, dns_q, 10, 1000));
  uint8_t x[27];
  memcpy(x, dns_q + 4, sizeof x);
  x[0] ^= 0xff;
  p = dseg(s, 1005, x, sizeof x, 1050);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.analysis.out_of_order"), 1);
  EXPECT(p, "tcp.segment", "4");
  EXPECT(p, "tcp.segment.error", "5");
  EXPECT(p, "tcp.segment.count", "2");
  EXPECT(p, "tcp.reassembled.length", "31");
  EXPECT(p, "tcp.segment.overlap", "1");
  EXPECT(p, "tcp.segment.overlap.conflict", "1");
  EXPECT(p, "tcp.segment_data", "fe000001000000000000076578616d706c6503636f6d0000010001");
  EXPECT(p, "tcp.reassembled.data",
         "001d123401000001000000000000076578616d706c6503636f6d0000010001");
  CU_ASSERT_EQUAL(tu_count(p, "dns"), 0);
  CU_ASSERT_STRING_EQUAL(dx_packet_info(p), "[TCP Out-Of-Order] [Illegal Segments]");
  dx_packet_free(p);
  dx_session_free(s);
}

/* Many DNS messages in one segment after a split one: one reassembled
 * source for the split message, the rest from the frame. */
static void test_reassembly_many(void) {
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  handshake53(s);
  static uint8_t many[40 * 31];
  for (int i = 0; i < 40; i++)
    memcpy(many + i * 31, dns_q, 31);
  dx_packet *p = dseg(s, 1001, many, 10, 1000);
  dx_packet_free(p);
  p = dseg(s, 1011, many + 10, sizeof many - 10 - 5, 2000);
  CU_ASSERT_EQUAL(tu_count(p, "dns.qry.name"), 39);
  CU_ASSERT_EQUAL(dx_packet_source_count(p), 2);
  dx_packet_free(p);
  /* the last 5 bytes complete message 40 */
  p = dseg(s, 1001 + sizeof many - 5, many + sizeof many - 5, 5, 3000);
  CU_ASSERT_EQUAL(tu_count(p, "dns.qry.name"), 1);
  EXPECT(p, "tcp.reassembled.length", "31");
  dx_packet_free(p);
  dx_session_free(s);
}

/* Caps: with a 16-byte per-direction limit a 29-byte DNS message cannot be
 * kept; the packet says so and later bytes are data. */
static void test_reassembly_cap(void) {
  dx_config cfg = {0};
  cfg.max_stream_bytes = 16;
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, &cfg), DX_OK);
  handshake53(s);
  dx_packet *p = dseg(s, 1001, dns_q, 10, 1000);
  CU_ASSERT_EQUAL(tu_count(p, "_ws.limit"), 1);
  dx_packet_free(p);
  p = dseg(s, 1011, dns_q + 10, 21, 2000);
  CU_ASSERT_EQUAL(tu_count(p, "dns.qry.name"), 0);
  EXPECT(p, "data.len", "21");
  dx_packet_free(p);
  dx_session_free(s);
}

static void test_checksum(void) {
  dx_config cfg = {0};
  cfg.check_checksums = 1;
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, &cfg), DX_OK);
  static const uint8_t data[4] = "abcd";
  size_t n = tf_tcp(fb, 1, CPORT, SPORT, 1000, 0, TF_SYN, 64240, syn_opts, 20, NULL, 0);
  dx_packet *p = tf_feed(s, fb, n, 0);
  EXPECT(p, "tcp.checksum.status", "1");
  dx_packet_free(p);
  n = tf_tcp(fb, 1, CPORT, SPORT, 1001, 0, TF_PSH, 100, NULL, 0, data, 4);
  uint16_t good = (uint16_t)(fb[34 + 16] << 8 | fb[34 + 17]);
  fb[34 + 20] = 'b'; /* 'a' -> 'b': the word grows by 0x0100 */
  p = tf_feed(s, fb, n, 1);
  EXPECT(p, "tcp.checksum.status", "0");
  uint32_t c = (uint32_t)good + 0xfeff; /* good - 0x0100, ones' complement */
  c = (c & 0xffff) + (c >> 16);
  char want[8];
  snprintf(want, sizeof want, "0x%04x", c);
  EXPECT(p, "tcp.checksum_calculated", want);
  CU_ASSERT_EQUAL(tu_count(p, "tcp.checksum_bad.expert"), 1);
  CU_ASSERT_PTR_NOT_NULL(strstr(dx_packet_info(p), " [TCP CHECKSUM INCORRECT]"));
  dx_packet_free(p);
  dx_session_free(s);
}

int main(void) {
  CU_TestInfo tests[] = {
      {"SYN at the epoch: no initial RTT", test_syn_at_epoch},
      {"handshake and teardown", test_handshake_and_teardown},
      {"relative numbers mid-stream", test_midstream_relative},
      {"every flag", test_flags_all},
      {"truncated at every length", test_truncation},
      {"bad header length", test_bad_header_length},
      {"a header longer than the segment", test_short_segment},
      {"bad and unknown options, SACK", test_bad_options},
      {"reserved bits and a stray ACK number", test_reserved_bits_and_stray_ack},
      {"analysis", test_analysis},
      {"analysis after a handshake", test_analysis_handshake},
      {"analysis: ACKs of unseen segments", test_analysis_ack_lost},
      {"analysis: spurious before out of order", test_analysis_spurious_first},
      {"a second SYN-ACK with another ISN rebases", test_second_synack_rebases},
      {"a SYN with another ISN on an open connection", test_syn_new_stream_open_conn},
      {"analysis: a fast retransmission after an ACK of unseen data",
       test_analysis_ack_lost_fast_retrans},
      {"headers quoted in ICMP errors", test_quoted_in_icmp},
      {"analysis: SACK, bytes in flight, zero window probe", test_analysis_sack},
      {"reassembly (DNS over TCP)", test_reassembly_dns},
      {"reassembly: an out-of-order segment completes a PDU", test_reassembly_ooo_completes},
      {"reassembly: many PDUs in a segment", test_reassembly_many},
      {"reassembly cap", test_reassembly_cap},
      {"checksum", test_checksum},
      {"analysis: a copy of the SYN/ACK is a retransmission", test_analysis_dup_synack},
      {"a clock jumping back does not end the flow", test_clock_jump_back},
      {"a flow idles out after 600 s and 16,384 frames", test_idle_needs_frames},
      {"an ended connection is forgotten after 16,384 frames only", test_closed_needs_frames},
      CU_TEST_INFO_NULL,
  };
  return tu_run("tcp", tests);
}
