/*
 * Transmission Control Protocol: RFC 9293 (header, sequence space), RFC 7323
 * (window scale, timestamps), RFC 2018 (SACK).
 *
 * Per connection (a dx_flow) we keep, for each direction, the base sequence
 * number for relative numbers, the window scale, what was sent and acked
 * (for the analysis Wireshark calls tcp.analysis.*) and a reassembly stream
 * (core/tcp_reasm.c) that hands in-order bytes to the application
 * dissector and honours its desegmentation requests.
 *
 * dissect_tcp runs in steps, each a function below: read the header
 * (tcp_seg), find the connection (tcp_conn), track it and analyse the
 * sequence numbers (tcp_analysis, no tree), build the tree, the summary
 * (label and Info), and feed the payload to the byte stream.
 */
#include "../core/checksum.h"
#include "../core/stream.h"
#include "../core/tcp_reasm.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  F_TCP,
  F_SRCPORT,
  F_DSTPORT,
  F_PORT,
  F_STREAM,
  F_COMPLETENESS,
  F_HANDSHAKE_STEP,
  F_LEN,
  F_SEQ,
  F_SEQ_RAW,
  F_NXTSEQ,
  F_ACK,
  F_ACK_RAW,
  F_HDR_LEN,
  F_FLAGS,
  F_FLAGS_RES,
  F_FLAGS_AE,
  F_FLAGS_CWR,
  F_FLAGS_ECE,
  F_FLAGS_URG,
  F_FLAGS_ACK,
  F_FLAGS_PUSH,
  F_FLAGS_RESET,
  F_FLAGS_SYN,
  F_FLAGS_FIN,
  F_FLAGS_STR,
  F_WINDOW_VALUE,
  F_WINDOW_SIZE,
  F_WINDOW_SCALEFACTOR,
  F_CHECKSUM,
  F_CHECKSUM_CALC,
  F_CHECKSUM_STATUS,
  F_URGENT_POINTER,
  F_OPTIONS,
  F_OPT_KIND,
  F_OPT_LEN,
  F_OPT_NOP,
  F_OPT_EOL,
  F_NONZERO_AFTER_EOL,
  F_OPT_MSS,
  F_OPT_MSS_VAL,
  F_OPT_WSCALE,
  F_OPT_WSCALE_SHIFT,
  F_OPT_WSCALE_MULT,
  F_OPT_SACK_PERM,
  F_OPT_SACK,
  F_OPT_SACK_LE,
  F_OPT_SACK_RE,
  F_OPT_SACK_COUNT,
  F_OPT_SACK_DSACK_LE,
  F_OPT_SACK_DSACK_RE,
  F_OPT_SACK_DSACK,
  F_OPT_TS,
  F_OPT_TSVAL,
  F_OPT_TSECR,
  F_OPT_UNKNOWN,
  F_OPT_UNKNOWN_PAYLOAD,
  F_OPT_LEN_INVALID,
  F_OPT_MSS_ABSENT,
  F_TIMESTAMPS,
  F_TIME_RELATIVE,
  F_TIME_DELTA,
  F_ANALYSIS,
  F_ANALYSIS_FLAGS,
  F_A_RETRANS,
  F_A_FAST_RETRANS,
  F_A_SPURIOUS,
  F_A_OOO,
  F_A_LOST,
  F_A_ACK_LOST,
  F_A_WINDOW_UPDATE,
  F_A_WINDOW_FULL,
  F_A_KEEP_ALIVE,
  F_A_KEEP_ALIVE_ACK,
  F_A_DUP_ACK,
  F_A_DUP_ACK_NUM,
  F_A_DUP_ACK_FRAME,
  F_A_ZERO_WINDOW,
  F_A_ZWP,
  F_A_ZWP_ACK,
  F_A_REUSED_PORTS,
  F_A_ACKS_FRAME,
  F_A_ACK_RTT,
  F_A_RTO,
  F_A_RTO_FRAME,
  F_A_INITIAL_RTT,
  F_A_BYTES_IN_FLIGHT,
  F_A_PUSH_BYTES,
  F_CONN_SYN,
  F_CONN_SYNACK,
  F_CONN_FIN,
  F_CONN_RST,
  F_CONN_FIN_ACTIVE,
  F_CONN_FIN_PASSIVE,
  F_ACK_NONZERO,
  F_URG_NONZERO,
  F_BOGUS_HDR_LEN,
  F_SHORT_SEGMENT,
  F_CHECKSUM_BAD,
  F_PAYLOAD,
  F_PDU_SIZE,
  F_SEGMENT_DATA,
  F_SEGMENTS,
  F_SEGMENT,
  F_SEGMENT_COUNT,
  F_REASSEMBLED_LENGTH,
  F_REASSEMBLED_DATA,
  F_SEGMENT_OVERLAP,
  F_SEGMENT_CONFLICT,
  F_SEGMENT_ERROR,
};

static const dx_vals bool_set[] = {{0, "Not set"}, {1, "Set"}, {0, NULL}};
static const dx_vals cksum_status_vals[] = {{0, "Bad"},         {1, "Good"},    {2, "Unverified"},
                                            {3, "Not present"}, {4, "Illegal"}, {0, NULL}};
static const dx_vals option_kind_vals[] = {{0, "End of Option List"},
                                           {1, "No-Operation"},
                                           {2, "Maximum Segment Size"},
                                           {3, "Window Scale"},
                                           {4, "SACK Permitted"},
                                           {5, "SACK"},
                                           {6, "Echo"},
                                           {7, "Echo Reply"},
                                           {8, "Time Stamp Option"},
                                           {9, "Partial Order Connection Permitted"},
                                           {10, "Partial Order Service Profile"},
                                           {11, "CC"},
                                           {12, "CC.NEW"},
                                           {13, "CC.ECHO"},
                                           {14, "TCP Alternate Checksum Request"},
                                           {15, "TCP Alternate Checksum Data"},
                                           {16, "Skeeter"},
                                           {17, "Bubba"},
                                           {18, "Trailer Checksum Option"},
                                           {19, "MD5 Signature Option"},
                                           {20, "SCPS Capabilities"},
                                           {21, "Selective Negative Acknowledgements"},
                                           {22, "Record Boundaries"},
                                           {23, "Corruption experienced"},
                                           {24, "SNAP"},
                                           {26, "TCP Compression Filter"},
                                           {27, "Quick-Start Response"},
                                           {28, "User Timeout Option"},
                                           {29, "TCP Authentication Option"},
                                           {30, "Multipath TCP"},
                                           {34, "TCP Fast Open Cookie"},
                                           {69, "Encryption Negotiation"},
                                           {172, "Accurate ECN Order 0"},
                                           {174, "Accurate ECN Order 1"},
                                           {253, "RFC3692-style Experiment 1"},
                                           {254, "RFC3692-style Experiment 2"},
                                           {0, NULL}};
static const dx_vals completeness_vals[] = {{0, "Incomplete"},
                                            {1, "Incomplete, SYN_SENT"},
                                            {3, "Incomplete, CLIENT_ESTABLISHED"},
                                            {7, "Incomplete, ESTABLISHED"},
                                            {15, "Incomplete, DATA"},
                                            {31, "Complete, WITH_DATA"},
                                            {47, "Complete, WITH_DATA"},
                                            {63, "Complete, WITH_DATA"},
                                            {23, "Complete, NO_DATA"},
                                            {39, "Complete, NO_DATA"},
                                            {55, "Complete, NO_DATA"},
                                            {0, NULL}};
static const dx_vals handshake_vals[] = {
    {1, "SYN"}, {2, "SYN-ACK"}, {3, "ACK (handshake complete)"}, {0, NULL}};

#define BOOL12(abbr, lbl, mask) DX_FM(abbr, lbl, DX_FT_BOOL, DX_BASE_NONE, bool_set, mask, 12)

static const dx_field tcp_fields[] = {
    [F_TCP] = DX_F("tcp", "Transmission Control Protocol", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_SRCPORT] = DX_F("tcp.srcport", "Source Port", DX_FT_UINT16, DX_BASE_PORT),
    [F_DSTPORT] = DX_F("tcp.dstport", "Destination Port", DX_FT_UINT16, DX_BASE_PORT),
    [F_PORT] = DX_F("tcp.port", "Source or Destination Port", DX_FT_UINT16, DX_BASE_PORT),
    [F_STREAM] = DX_F("tcp.stream", "Stream index", DX_FT_UINT32, DX_BASE_DEC),
    [F_COMPLETENESS] = DX_FV("tcp.completeness", "Conversation completeness", DX_FT_UINT8,
                             DX_BASE_DEC, completeness_vals),
    [F_HANDSHAKE_STEP] = DX_FV("tcp.handshake.step", "Three-way handshake step", DX_FT_UINT8,
                               DX_BASE_DEC, handshake_vals),
    [F_LEN] = DX_F("tcp.len", "TCP Segment Len", DX_FT_UINT32, DX_BASE_DEC),
    [F_SEQ] = DX_F("tcp.seq", "Sequence Number", DX_FT_UINT32, DX_BASE_DEC),
    [F_SEQ_RAW] = DX_F("tcp.seq_raw", "Sequence Number (raw)", DX_FT_UINT32, DX_BASE_DEC),
    [F_NXTSEQ] = DX_F("tcp.nxtseq", "Next Sequence Number", DX_FT_UINT32, DX_BASE_DEC),
    [F_ACK] = DX_F("tcp.ack", "Acknowledgment Number", DX_FT_UINT32, DX_BASE_DEC),
    [F_ACK_RAW] = DX_F("tcp.ack_raw", "Acknowledgment number (raw)", DX_FT_UINT32, DX_BASE_DEC),
    [F_HDR_LEN] = DX_F("tcp.hdr_len", "Header Length", DX_FT_UINT8, DX_BASE_DEC),
    [F_FLAGS] = DX_FM("tcp.flags", "Flags", DX_FT_UINT16, DX_BASE_HEX, NULL, 0x0fff, 12),
    [F_FLAGS_RES] = BOOL12("tcp.flags.res", "Reserved", 0xe00),
    [F_FLAGS_AE] = BOOL12("tcp.flags.ae", "Accurate ECN", 0x100),
    [F_FLAGS_CWR] = BOOL12("tcp.flags.cwr", "Congestion Window Reduced", 0x080),
    [F_FLAGS_ECE] = BOOL12("tcp.flags.ece", "ECN-Echo", 0x040),
    [F_FLAGS_URG] = BOOL12("tcp.flags.urg", "Urgent", 0x020),
    [F_FLAGS_ACK] = BOOL12("tcp.flags.ack", "Acknowledgment", 0x010),
    [F_FLAGS_PUSH] = BOOL12("tcp.flags.push", "Push", 0x008),
    [F_FLAGS_RESET] = BOOL12("tcp.flags.reset", "Reset", 0x004),
    [F_FLAGS_SYN] = BOOL12("tcp.flags.syn", "Syn", 0x002),
    [F_FLAGS_FIN] = BOOL12("tcp.flags.fin", "Fin", 0x001),
    [F_FLAGS_STR] = DX_F("tcp.flags.str", "TCP Flags", DX_FT_STRING, DX_BASE_NONE),
    [F_WINDOW_VALUE] = DX_F("tcp.window_size_value", "Window", DX_FT_UINT16, DX_BASE_DEC),
    [F_WINDOW_SIZE] = DX_F("tcp.window_size", "Calculated window size", DX_FT_UINT32, DX_BASE_DEC),
    [F_WINDOW_SCALEFACTOR] =
        DX_F("tcp.window_size_scalefactor", "Window size scaling factor", DX_FT_INT32, DX_BASE_DEC),
    [F_CHECKSUM] = DX_F("tcp.checksum", "Checksum", DX_FT_UINT16, DX_BASE_HEX),
    [F_CHECKSUM_CALC] =
        DX_F("tcp.checksum_calculated", "Calculated Checksum", DX_FT_UINT16, DX_BASE_HEX),
    [F_CHECKSUM_STATUS] = DX_FV("tcp.checksum.status", "Checksum Status", DX_FT_UINT8, DX_BASE_NONE,
                                cksum_status_vals),
    [F_URGENT_POINTER] = DX_F("tcp.urgent_pointer", "Urgent Pointer", DX_FT_UINT16, DX_BASE_DEC),
    [F_OPTIONS] = DX_F("tcp.options", "Options", DX_FT_BYTES, DX_BASE_NONE),
    [F_OPT_KIND] = DX_FV("tcp.option_kind", "Kind", DX_FT_UINT8, DX_BASE_DEC, option_kind_vals),
    [F_OPT_LEN] = DX_F("tcp.option_len", "Length", DX_FT_UINT8, DX_BASE_DEC),
    [F_OPT_NOP] =
        DX_F("tcp.options.nop", "TCP Option - No-Operation (NOP)", DX_FT_BYTES, DX_BASE_NONE),
    [F_OPT_EOL] =
        DX_F("tcp.options.eol", "TCP Option - End of Option List (EOL)", DX_FT_BYTES, DX_BASE_NONE),
    [F_NONZERO_AFTER_EOL] =
        DX_F("tcp.non_zero_bytes_after_eol", "Non zero bytes in option space after EOL option",
             DX_FT_NONE, DX_BASE_NONE),
    [F_OPT_MSS] =
        DX_F("tcp.options.mss", "TCP Option - Maximum segment size", DX_FT_BYTES, DX_BASE_NONE),
    [F_OPT_MSS_VAL] = DX_F("tcp.options.mss_val", "MSS Value", DX_FT_UINT16, DX_BASE_DEC),
    [F_OPT_WSCALE] =
        DX_F("tcp.options.wscale", "TCP Option - Window scale", DX_FT_BYTES, DX_BASE_NONE),
    [F_OPT_WSCALE_SHIFT] =
        DX_F("tcp.options.wscale.shift", "Shift count", DX_FT_UINT8, DX_BASE_DEC),
    [F_OPT_WSCALE_MULT] =
        DX_F("tcp.options.wscale.multiplier", "Multiplier", DX_FT_UINT16, DX_BASE_DEC),
    [F_OPT_SACK_PERM] =
        DX_F("tcp.options.sack_perm", "TCP Option - SACK permitted", DX_FT_BYTES, DX_BASE_NONE),
    [F_OPT_SACK] = DX_F("tcp.options.sack", "TCP Option - SACK", DX_FT_BYTES, DX_BASE_NONE),
    [F_OPT_SACK_LE] = DX_F("tcp.options.sack_le", "TCP SACK Left Edge", DX_FT_UINT32, DX_BASE_DEC),
    [F_OPT_SACK_RE] = DX_F("tcp.options.sack_re", "TCP SACK Right Edge", DX_FT_UINT32, DX_BASE_DEC),
    [F_OPT_SACK_COUNT] = DX_F("tcp.options.sack.count", "TCP SACK Count", DX_FT_UINT8, DX_BASE_DEC),
    [F_OPT_SACK_DSACK_LE] =
        DX_F("tcp.options.sack.dsack_le", "TCP D-SACK Left Edge", DX_FT_UINT32, DX_BASE_DEC),
    [F_OPT_SACK_DSACK_RE] =
        DX_F("tcp.options.sack.dsack_re", "TCP D-SACK Right Edge", DX_FT_UINT32, DX_BASE_DEC),
    [F_OPT_SACK_DSACK] =
        DX_F("tcp.options.sack.dsack", "D-SACK Sequence", DX_FT_NONE, DX_BASE_NONE),
    [F_OPT_TS] =
        DX_F("tcp.options.timestamp", "TCP Option - Timestamps", DX_FT_BYTES, DX_BASE_NONE),
    [F_OPT_TSVAL] =
        DX_F("tcp.options.timestamp.tsval", "Timestamp value", DX_FT_UINT32, DX_BASE_DEC),
    [F_OPT_TSECR] =
        DX_F("tcp.options.timestamp.tsecr", "Timestamp echo reply", DX_FT_UINT32, DX_BASE_DEC),
    [F_OPT_UNKNOWN] =
        DX_F("tcp.options.unknown", "TCP Option - Unknown", DX_FT_BYTES, DX_BASE_NONE),
    [F_OPT_UNKNOWN_PAYLOAD] =
        DX_F("tcp.options.unknown.payload", "Payload", DX_FT_BYTES, DX_BASE_NONE),
    [F_OPT_LEN_INVALID] =
        DX_F("tcp.option.len.invalid", "Invalid length for option", DX_FT_NONE, DX_BASE_NONE),
    [F_OPT_MSS_ABSENT] =
        DX_F("tcp.options.mss.absent", "The SYN packet does not contain a MSS option", DX_FT_NONE,
             DX_BASE_NONE),
    [F_TIMESTAMPS] = DX_F("tcp.timestamps", "Timestamps", DX_FT_NONE, DX_BASE_NONE),
    [F_TIME_RELATIVE] = DX_F("tcp.time_relative", "Time since first frame in this TCP stream",
                             DX_FT_RELTIME, DX_BASE_NONE),
    [F_TIME_DELTA] = DX_F("tcp.time_delta", "Time since previous frame in this TCP stream",
                          DX_FT_RELTIME, DX_BASE_NONE),
    [F_ANALYSIS] = DX_F("tcp.analysis", "SEQ/ACK analysis", DX_FT_NONE, DX_BASE_NONE),
    [F_ANALYSIS_FLAGS] = DX_F("tcp.analysis.flags", "TCP Analysis Flags", DX_FT_NONE, DX_BASE_NONE),
    [F_A_RETRANS] = DX_F("tcp.analysis.retransmission",
                         "This frame is a (suspected) retransmission", DX_FT_NONE, DX_BASE_NONE),
    [F_A_FAST_RETRANS] =
        DX_F("tcp.analysis.fast_retransmission", "This frame is a (suspected) fast retransmission",
             DX_FT_NONE, DX_BASE_NONE),
    [F_A_SPURIOUS] =
        DX_F("tcp.analysis.spurious_retransmission",
             "This frame is a (suspected) spurious retransmission", DX_FT_NONE, DX_BASE_NONE),
    [F_A_OOO] = DX_F("tcp.analysis.out_of_order",
                     "This frame is a (suspected) out-of-order segment", DX_FT_NONE, DX_BASE_NONE),
    [F_A_LOST] = DX_F("tcp.analysis.lost_segment",
                      "Previous segment(s) not captured (common at capture start)", DX_FT_NONE,
                      DX_BASE_NONE),
    [F_A_ACK_LOST] = DX_F("tcp.analysis.ack_lost_segment",
                          "ACKed segment that wasn't captured (common at capture start)",
                          DX_FT_NONE, DX_BASE_NONE),
    [F_A_WINDOW_UPDATE] =
        DX_F("tcp.analysis.window_update", "TCP window update", DX_FT_NONE, DX_BASE_NONE),
    [F_A_WINDOW_FULL] = DX_F("tcp.analysis.window_full",
                             "TCP window specified by the receiver is now completely full",
                             DX_FT_NONE, DX_BASE_NONE),
    [F_A_KEEP_ALIVE] =
        DX_F("tcp.analysis.keep_alive", "TCP keep-alive segment", DX_FT_NONE, DX_BASE_NONE),
    [F_A_KEEP_ALIVE_ACK] = DX_F("tcp.analysis.keep_alive_ack", "ACK to a TCP keep-alive segment",
                                DX_FT_NONE, DX_BASE_NONE),
    [F_A_DUP_ACK] = DX_F("tcp.analysis.duplicate_ack", "Duplicate ACK", DX_FT_NONE, DX_BASE_NONE),
    [F_A_DUP_ACK_NUM] =
        DX_F("tcp.analysis.duplicate_ack_num", "Duplicate ACK #", DX_FT_UINT32, DX_BASE_DEC),
    [F_A_DUP_ACK_FRAME] = DX_F("tcp.analysis.duplicate_ack_frame", "Duplicate to the ACK in frame",
                               DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_A_ZERO_WINDOW] =
        DX_F("tcp.analysis.zero_window", "TCP Zero Window segment", DX_FT_NONE, DX_BASE_NONE),
    [F_A_ZWP] =
        DX_F("tcp.analysis.zero_window_probe", "TCP Zero Window Probe", DX_FT_NONE, DX_BASE_NONE),
    [F_A_ZWP_ACK] = DX_F("tcp.analysis.zero_window_probe_ack", "ACK to a TCP Zero Window Probe",
                         DX_FT_NONE, DX_BASE_NONE),
    [F_A_REUSED_PORTS] =
        DX_F("tcp.analysis.reused_ports",
             "A new tcp session is started with the same ports as an earlier session in this trace",
             DX_FT_NONE, DX_BASE_NONE),
    [F_A_ACKS_FRAME] = DX_F("tcp.analysis.acks_frame", "This is an ACK to the segment in frame",
                            DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_A_ACK_RTT] =
        DX_F("tcp.analysis.ack_rtt", "The RTT to ACK the segment was", DX_FT_RELTIME, DX_BASE_NONE),
    [F_A_RTO] =
        DX_F("tcp.analysis.rto", "The RTO for this segment was", DX_FT_RELTIME, DX_BASE_NONE),
    [F_A_RTO_FRAME] = DX_F("tcp.analysis.rto_frame", "RTO based on delta from frame",
                           DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_A_INITIAL_RTT] = DX_F("tcp.analysis.initial_rtt", "iRTT", DX_FT_RELTIME, DX_BASE_NONE),
    [F_A_BYTES_IN_FLIGHT] =
        DX_F("tcp.analysis.bytes_in_flight", "Bytes in flight", DX_FT_UINT32, DX_BASE_DEC),
    [F_A_PUSH_BYTES] = DX_F("tcp.analysis.push_bytes_sent", "Bytes sent since last PSH flag",
                            DX_FT_UINT32, DX_BASE_DEC),
    [F_CONN_SYN] =
        DX_F("tcp.connection.syn", "Connection establish request (SYN)", DX_FT_NONE, DX_BASE_NONE),
    [F_CONN_SYNACK] = DX_F("tcp.connection.synack", "Connection establish acknowledge (SYN+ACK)",
                           DX_FT_NONE, DX_BASE_NONE),
    [F_CONN_FIN] = DX_F("tcp.connection.fin", "Connection finish (FIN)", DX_FT_NONE, DX_BASE_NONE),
    [F_CONN_RST] = DX_F("tcp.connection.rst", "Connection reset (RST)", DX_FT_NONE, DX_BASE_NONE),
    [F_CONN_FIN_ACTIVE] =
        DX_F("tcp.connection.fin_active", "This frame initiates the connection closing", DX_FT_NONE,
             DX_BASE_NONE),
    [F_CONN_FIN_PASSIVE] =
        DX_F("tcp.connection.fin_passive", "This frame undergoes the connection closing",
             DX_FT_NONE, DX_BASE_NONE),
    [F_ACK_NONZERO] =
        DX_F("tcp.ack.nonzero",
             "The acknowledgment number field is nonzero while the ACK flag is not set", DX_FT_NONE,
             DX_BASE_NONE),
    [F_URG_NONZERO] = DX_F("tcp.urgent_pointer.non_zero",
                           "The urgent pointer field is nonzero while the URG flag is not set",
                           DX_FT_NONE, DX_BASE_NONE),
    [F_BOGUS_HDR_LEN] =
        DX_F("tcp.bogus_header_length", "Bogus TCP Header length", DX_FT_NONE, DX_BASE_NONE),
    [F_SHORT_SEGMENT] = DX_F("tcp.short_segment", "Short segment", DX_FT_NONE, DX_BASE_NONE),
    [F_CHECKSUM_BAD] = DX_F("tcp.checksum_bad.expert", "Bad checksum", DX_FT_NONE, DX_BASE_NONE),
    [F_PAYLOAD] = DX_F("tcp.payload", "TCP payload", DX_FT_BYTES, DX_BASE_NONE),
    [F_PDU_SIZE] = DX_F("tcp.pdu.size", "PDU Size", DX_FT_UINT32, DX_BASE_DEC),
    [F_SEGMENT_DATA] = DX_F("tcp.segment_data", "TCP segment data", DX_FT_BYTES, DX_BASE_NONE),
    [F_SEGMENTS] = DX_F("tcp.segments", "Reassembled TCP Segments", DX_FT_NONE, DX_BASE_NONE),
    [F_SEGMENT] = DX_F("tcp.segment", "TCP Segment", DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_SEGMENT_COUNT] = DX_F("tcp.segment.count", "Segment count", DX_FT_UINT32, DX_BASE_DEC),
    [F_REASSEMBLED_LENGTH] =
        DX_F("tcp.reassembled.length", "Reassembled TCP length", DX_FT_UINT32, DX_BASE_DEC),
    [F_REASSEMBLED_DATA] =
        DX_F("tcp.reassembled.data", "Reassembled TCP Data", DX_FT_BYTES, DX_BASE_NONE),
    [F_SEGMENT_OVERLAP] = DX_F("tcp.segment.overlap", "Segment overlap", DX_FT_BOOL, DX_BASE_NONE),
    [F_SEGMENT_CONFLICT] = DX_F("tcp.segment.overlap.conflict",
                                "Conflicting data in segment overlap", DX_FT_BOOL, DX_BASE_NONE),
    [F_SEGMENT_ERROR] =
        DX_F("tcp.segment.error", "Reassembling error", DX_FT_FRAMENUM, DX_BASE_NONE),
};

#define FL(i) (&tcp_fields[(i)])

/* ---- labels of every segment, built without a format ---- */

/* pre, v in decimal, post: "Sequence Number: 1    (relative sequence number)" */
static void label_num(dx_packet *p, dx_node *n, const char *pre, uint64_t v, const char *post) {
  if (!n || !dx_label_wanted(p, n))
    return;
  char lb[160];
  dx_sb b;
  dx_sb_init(&b, lb, sizeof lb);
  dx_sb_kv(&b, pre, v);
  dx_sb_str(&b, post);
  dx_node_set_text_sb(p, n, &b);
}

/* v as "%0*x" of width digits */
static void sb_hex(dx_sb *b, uint32_t v, unsigned width) {
  char t[8];
  unsigned k = 0;
  do {
    t[k++] = "0123456789abcdef"[v & 15];
    v >>= 4;
  } while (v && k < sizeof t);
  while (k < width && k < sizeof t)
    t[k++] = '0';
  char r[8];
  for (unsigned i = 0; i < k; i++)
    r[i] = t[k - 1 - i];
  dx_sb_mem(b, r, k);
}

/* "0101 .... = Header Length: 20 bytes (5)" */
static void label_hdr_len(dx_packet *p, dx_node *n, uint32_t hlen) {
  if (!n || !dx_label_wanted(p, n))
    return;
  char lb[80];
  dx_sb b;
  dx_sb_init(&b, lb, sizeof lb);
  char bits[4] = {(char)('0' + ((hlen >> 5) & 1)), (char)('0' + ((hlen >> 4) & 1)),
                  (char)('0' + ((hlen >> 3) & 1)), (char)('0' + ((hlen >> 2) & 1))};
  dx_sb_mem(&b, bits, 4);
  dx_sb_kv(&b, " .... = Header Length: ", hlen);
  dx_sb_kv(&b, " bytes (", hlen / 4);
  dx_sb_str(&b, ")");
  dx_node_set_text_sb(p, n, &b);
}

extern const dx_protocol dx_proto_tcp;

enum {
  TH_FIN = 0x001,
  TH_SYN = 0x002,
  TH_RST = 0x004,
  TH_PUSH = 0x008,
  TH_ACK = 0x010,
  TH_URG = 0x020,
  TH_ECE = 0x040,
  TH_CWR = 0x080,
  TH_AE = 0x100,
  TH_RES = 0xe00,
};

/* Analysis results of one segment (Wireshark's TCP_A_* flags). */
enum {
  A_RETRANS = 1u << 0,
  A_LOST = 1u << 1,
  A_ACK_LOST = 1u << 2,
  A_KEEP_ALIVE = 1u << 3,
  A_DUP_ACK = 1u << 4,
  A_ZERO_WINDOW = 1u << 5,
  A_ZWP = 1u << 6,
  A_ZWP_ACK = 1u << 7,
  A_KEEP_ALIVE_ACK = 1u << 8,
  A_OOO = 1u << 9,
  A_FAST_RETRANS = 1u << 10,
  A_WINDOW_UPDATE = 1u << 11,
  A_WINDOW_FULL = 1u << 12,
  A_REUSED_PORTS = 1u << 13,
  A_SPURIOUS = 1u << 14,
};

/* Conversation completeness bits (Wireshark's tcp.completeness). */
enum { C_SYN = 1, C_SYNACK = 2, C_ACK = 4, C_DATA = 8, C_FIN = 16, C_RST = 32 };

/* Unacknowledged segments remembered per direction, for acks_frame/ack_rtt
 * and the bytes in flight: at most UAL_MAX, as Wireshark (beyond, the ACKs
 * are probably not in the capture). They are kept in up to UAL_RUNS
 * runs, each a ring of segments in sequence order that do not overlap and
 * span less than 2^30 sequence numbers (a sender's new data all goes to one
 * run; a retransmission or a segment out of order starts another). Then an
 * ACK only ever removes segments from either end of a run and trims at
 * most its first, and a run's lowest and highest sequence numbers relative
 * to the ISN are found at its ends or by a binary search, so a packet costs
 * O(UAL_RUNS) whatever the number of segments waiting, with the results of
 * a walk of every segment in the order they were sent (Wireshark's list).
 * Everything counts against the session's byte budget; a segment it has no
 * room for, or for which every run is taken, is not remembered, which is
 * said in the tree. */
#define UAL_MAX 10000u      /* Wireshark's TCP_MAX_UNACKED_SEGMENTS */
#define UAL_RING_MAX 16384u /* a run's ring: a power of two, at least UAL_MAX */
#define UAL_RUNS 8
#define UAL_MIN 4u /* entries of a run's first ring */
/* A ring grows past this many entries only while the session's byte
 * budget keeps a quarter free after it: a capture of one direction of many
 * long connections (no ACKs) cannot take from reassembly the room it
 * needs. */
#define UAL_RING_FREE 256u
#define UAL_SPAN (1u << 30)
_Static_assert(UAL_RING_MAX >= UAL_MAX && (UAL_RING_MAX & (UAL_RING_MAX - 1u)) == 0 &&
                   UAL_RING_MAX <= UINT16_MAX,
               "a run's ring holds every segment remembered, its size a power of two in 16 bits");

typedef struct tcp_ual {
  uint32_t seq, nextseq;
  uint64_t frame;
  int64_t sec;
  int32_t nsec;
} tcp_ual;

typedef struct tcp_ual_run {
  tcp_ual *e; /* ring of cap entries (a power of two), the oldest at head */
  uint16_t head, n, cap;
} tcp_ual_run;

typedef struct tcp_half {
  bool base_set, syn_seen, fin_seen, rst_seen;
  uint32_t base, isn;
  int ws; /* -1 unknown, -2 no scaling, else the shift */
  /* sequence analysis (Wireshark's tcp_analyze_seq_info) */
  uint32_t nextseq; /* highest sequence number sent + 1, 0 = none yet */
  uint64_t nextseq_frame;
  int64_t nextseq_sec;
  int32_t nextseq_nsec;
  uint32_t maxseqtobeacked; /* highest in-order sequence number, 0 = none */
  uint32_t lastack;         /* last acknowledgment number sent */
  int64_t lastack_sec;
  int32_t lastack_nsec;
  uint32_t window; /* last window field (unscaled); UINT32_MAX = none */
  /* duplicate ACKs in a row; -1 once the other side's ACK of unseen data
   * was shown while this side had sent nothing new (the next duplicate ACK
   * is then the first; tshark's unsigned counter, so -1 also counts as
   * enough duplicate ACKs for a fast retransmission) */
  int32_t dupacks;
  uint64_t lastnondupack;
  unsigned lastflags; /* A_* of the last segment */
  bool valid_bif, push_set_last;
  uint32_t push_bytes;
  /* bytes covered by the SACK blocks of this side's last segment (taken
   * off the other side's bytes in flight, as Wireshark does) */
  uint32_t sacked;
  /* unacknowledged segments: the first run, and the others once a segment
   * out of order needs one (UAL_RUNS - 1 of them, or NULL) */
  tcp_ual_run run0;
  tcp_ual_run *more;
  uint32_t nual;      /* segments in the runs */
  uint32_t ual_last;  /* the run the last segment went to */
  uint64_t ual_bytes; /* what the runs charge to the byte budget */
  dx_tcp_stream rs;
} tcp_half;

typedef struct tcp_state {
  uint64_t total; /* bytes buffered by every TCP stream of the session */
} tcp_state;

typedef struct tcp_conv {
  tcp_half h[2];
  uint8_t completeness;
  /* A connection another one announced (dx_stream_expected): tshark 4.0
   * does not count its SYN in tcp.completeness (the SYN-ACK it counts). */
  bool expected, syn_uncounted;
  uint8_t hs; /* handshake progress: 0, 1 SYN, 2 SYN-ACK, 3 done */
  int client_dir;
  uint32_t synack_seq;
  bool irtt_set, syn_time_set;
  int64_t irtt_sec, syn_sec;
  int32_t irtt_nsec, syn_nsec;
  int64_t prev_sec;
  int32_t prev_nsec;
  dx_stream bs; /* the byte stream the application reads */
  bool fin_any, fin_passive;
  int fin_dir;
} tcp_conv;

static inline int32_t seq_diff(uint32_t a, uint32_t b) {
  return (int32_t)(a - b);
}
#define LT_SEQ(a, b) (seq_diff((a), (b)) < 0)
#define LE_SEQ(a, b) (seq_diff((a), (b)) <= 0)
#define GT_SEQ(a, b) (seq_diff((a), (b)) > 0)
#define GE_SEQ(a, b) (seq_diff((a), (b)) >= 0)

static void time_sub(int64_t as, int32_t an, int64_t bs, int32_t bn, int64_t *rs, int32_t *rn) {
  dx_time_sub(as, an, bs, bn, rs, rn);
}

/* ---- session and flow state ---- */
static void *tcp_state_new(dx_session *s) {
  DX_UNUSED(s);
  return calloc(1, sizeof(tcp_state));
}

static void tcp_state_free(void *st) {
  free(st);
}

/* What a connection's state charges to the session's byte budget. */
#define CONV_COST dx_heap_cost(sizeof(tcp_conv))

static void conv_free(void *d) {
  tcp_conv *c = d;
  if (!c)
    return;
  dx_stream_free(&c->bs);
  uint64_t *total = c->h[0].rs.lim.total;
  for (int i = 0; i < 2; i++) {
    tcp_half *h = &c->h[i];
    free(h->run0.e);
    if (h->more)
      for (int k = 0; k < UAL_RUNS - 1; k++)
        free(h->more[k].e);
    free(h->more);
    dx_budget_give(total, h->ual_bytes);
    dx_tcp_stream_free(&h->rs);
  }
  free(c);
  dx_budget_give(total, CONV_COST);
}

/* A new connection's state, charged to the session's byte budget (which
 * may release the least recently used flows to make room); NULL, said in
 * the tree under tcp, when there is no room or no memory. */
static tcp_conv *conv_new(dx_packet *p, dx_node *tcp, tcp_state *st) {
  if (!dx_budget_take_conn(p, tcp, CONV_COST)) {
    dx_expert(p, tcp, dx_field_limit(), DX_SEV_WARN,
              "[Session byte budget full (%" PRIu64
              " bytes): no state kept for this connection (no stream number or analysis)]",
              dx_packet_config(p)->max_total_stream_bytes);
    return NULL;
  }
  tcp_conv *c = calloc(1, sizeof *c);
  if (!c) {
    dx_budget_give(dx_packet_stream_budget(p), CONV_COST);
    return NULL;
  }
  const dx_config *cfg = dx_packet_config(p);
  dx_reasm_limits lim = {cfg->max_stream_bytes, cfg->max_total_stream_bytes,
                         dx_packet_stream_budget(p)};
  DX_UNUSED(st);
  for (int i = 0; i < 2; i++) {
    c->h[i].ws = -1;
    c->h[i].window = UINT32_MAX;
    c->h[i].valid_bif = true;
    dx_tcp_stream_init(&c->h[i].rs, &lim);
    c->h[i].rs.no_reorder = !dx_packet_tcp_reorder(p);
  }
  c->prev_sec = p->frame.ts_sec;
  c->prev_nsec = (int32_t)p->frame.ts_nsec;
  return c;
}

/* ---- unacknowledged segments ---- */
static inline tcp_ual *run_at(const tcp_ual_run *r, uint32_t i) {
  return &r->e[(r->head + i) & (r->cap - 1u)];
}

/* The runs of h there are (1 until a segment out of order came), and run k. */
static inline uint32_t nruns(const tcp_half *h) {
  return h->more ? UAL_RUNS : 1;
}
static inline tcp_ual_run *run_get(tcp_half *h, uint32_t k) {
  return k ? &h->more[k - 1] : &h->run0;
}

/* True if a segment [seq, nextseq) may go at the end of run r: after its
 * last one, and the run still spans less than UAL_SPAN. */
static bool run_takes(const tcp_ual_run *r, uint32_t seq, uint32_t nextseq) {
  if (!r->n)
    return false;
  const tcp_ual *f = run_at(r, 0), *b = run_at(r, r->n - 1u);
  return GE_SEQ(seq, b->nextseq) && nextseq - f->seq < UAL_SPAN;
}

/* True if run r holds a segment ending at nextseq that starts at or before
 * seq: a later [seq, nextseq) adds nothing to the analysis (that one is
 * matched first by an ACK, forgotten with it, trimmed no later, and covers
 * it). A binary search: offsets from the run's first sequence number grow
 * from segment to segment. */
static bool run_covers(const tcp_ual_run *r, uint32_t seq, uint32_t nextseq) {
  if (!r->n)
    return false;
  uint32_t f = run_at(r, 0)->seq, key = nextseq - f, lo = 0, hi = r->n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (run_at(r, mid)->nextseq - f < key)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == r->n)
    return false;
  const tcp_ual *u = run_at(r, lo);
  return u->nextseq == nextseq && LE_SEQ(u->seq, seq);
}

/* Makes room for one more segment in run r (doubling its ring, charged to
 * the byte budget). */
static bool run_grow(tcp_half *h, tcp_ual_run *r) {
  if (r->n < r->cap)
    return true;
  uint32_t nc = r->cap ? r->cap * 2u : UAL_MIN;
  if (nc > UAL_RING_MAX)
    return false;
  uint64_t old = r->cap ? dx_heap_cost(r->cap * sizeof(tcp_ual)) : 0;
  uint64_t more = dx_heap_cost(nc * sizeof(tcp_ual)) - old;
  uint64_t max = h->rs.lim.max_total;
  if (nc > UAL_RING_FREE)
    max -= max / 4;
  if (!dx_budget_take(h->rs.lim.total, max, more))
    return false;
  tcp_ual *e = malloc(nc * sizeof *e);
  if (!e) {
    dx_budget_give(h->rs.lim.total, more);
    return false;
  }
  for (uint32_t i = 0; i < r->n; i++)
    e[i] = *run_at(r, i);
  free(r->e);
  r->e = e;
  r->head = 0;
  r->cap = (uint16_t)nc;
  h->ual_bytes += more;
  return true;
}

enum { UAL_KEPT, UAL_NO_ROOM, UAL_NO_RUN };

/* Remembers a segment until it is acknowledged (not when UAL_MAX are
 * already waiting: the ACKs are probably not in the capture). UAL_NO_ROOM
 * when the session's byte budget had no room for it, UAL_NO_RUN when every
 * run was taken by segments it cannot follow. */
static int ual_add(tcp_half *h, uint32_t seq, uint32_t nextseq, const dx_packet *p) {
  if (h->nual >= UAL_MAX)
    return UAL_KEPT;
  /* the run the last segment went to, else another that takes it, else a
   * free one; a segment that some run covers already is not needed */
  uint32_t nr = nruns(h);
  tcp_ual_run *r = NULL;
  for (uint32_t k = 0; k < nr && !r; k++) {
    tcp_ual_run *c = run_get(h, (h->ual_last + k) % nr);
    if (run_takes(c, seq, nextseq))
      r = c;
  }
  if (!r) {
    for (uint32_t k = 0; k < nr; k++)
      if (run_covers(run_get(h, k), seq, nextseq))
        return UAL_KEPT;
    for (uint32_t k = 0; k < nr && !r; k++)
      if (!run_get(h, k)->n)
        r = run_get(h, k);
  }
  if (!r && !h->more) {
    uint64_t cost = dx_heap_cost((UAL_RUNS - 1) * sizeof(tcp_ual_run));
    if (!dx_budget_take(h->rs.lim.total, h->rs.lim.max_total, cost))
      return UAL_NO_ROOM;
    h->more = calloc(UAL_RUNS - 1, sizeof *h->more);
    if (!h->more) {
      dx_budget_give(h->rs.lim.total, cost);
      return UAL_NO_ROOM;
    }
    h->ual_bytes += cost;
    r = &h->more[0];
  }
  if (!r)
    return UAL_NO_RUN;
  if (!run_grow(h, r))
    return UAL_NO_ROOM;
  h->ual_last = r == &h->run0 ? 0 : (uint32_t)(r - h->more) + 1;
  tcp_ual *u = run_at(r, r->n++);
  u->seq = seq;
  u->nextseq = nextseq;
  u->frame = p->num;
  u->sec = p->frame.ts_sec;
  u->nsec = (int32_t)p->frame.ts_nsec;
  h->nual++;
  return UAL_KEPT;
}

/* ---- options ---- */
typedef struct tcp_opts {
  bool have_ws, have_mss, have_ts;
  bool syn;        /* (in) the segment is a SYN */
  bool mss_seen;   /* an MSS option, of any length */
  bool aborted;    /* the walk stopped at a bad option (tshark stops there too) */
  uint32_t sacked; /* bytes covered by the first 3 SACK blocks */
  uint8_t ws;
  uint16_t mss;
  uint32_t tsval, tsecr;
  char info[256];
  size_t info_len;
  bool no_info; /* nobody reads info: do not build it */
  const char *names[40];
  unsigned nnames;
} tcp_opts;

/* An empty tcp_opts: the members before info zeroed, the text empty; info
 * and names are read only up to info_len and nnames (600 bytes a segment
 * left as they are). */
static void opts_clear(tcp_opts *o) {
  memset(o, 0, offsetof(tcp_opts, info));
  o->info[0] = 0;
  o->info_len = 0;
  o->no_info = false;
  o->nnames = 0;
}

static void opt_info(tcp_opts *o, const char *fmt, ...) DX_PRINTF(2, 3);
static void opt_info(tcp_opts *o, const char *fmt, ...) {
  if (o->no_info)
    return;
  dx_sb b = {o->info, sizeof o->info, o->info_len};
  va_list ap;
  va_start(ap, fmt);
  dx_sb_vprintf(&b, fmt, ap);
  va_end(ap);
  o->info_len = b.len;
}

/* opt_info without a format: " MSS=" 1460 */
static void opt_info_kv(tcp_opts *o, const char *s, uint64_t v) {
  if (o->no_info || o->info_len >= sizeof o->info - 1)
    return;
  dx_sb b = {o->info, sizeof o->info, o->info_len};
  dx_sb_kv(&b, s, v);
  o->info_len = b.len;
}

static void opt_name(tcp_opts *o, const char *n) {
  if (o->nnames < DX_ARRAY_LEN(o->names))
    o->names[o->nnames++] = n;
}

/* Checks an option's length against the fixed length it must have. */
static bool opt_len_ok(dx_packet *p, dx_node *on, dx_node *ln, uint8_t kind, uint8_t olen,
                       uint8_t want) {
  (void)kind;
  if (olen == want)
    return true;
  /* as tshark 4.0: a note under the length, the option named without a
   * value, and the options go on */
  if (on)
    dx_node_set_text(p, on, "TCP Option - %s",
                     kind == 2   ? "Maximum segment size"
                     : kind == 3 ? "Window scale"
                     : kind == 4 ? "SACK permitted"
                                 : "Timestamps");
  dx_expert(p, ln, FL(F_OPT_LEN_INVALID), DX_SEV_NOTE, "option length should be %u", want);
  return false;
}

/* Walks the options in t[20, hlen). With tree == NULL, only fills *o. */
static void dissect_options(dx_packet *p, dx_node *tree, const dx_tvb *t, uint32_t hlen,
                            uint32_t rel_sack_base, bool have_sack_base, bool has_ack, uint32_t ack,
                            tcp_opts *o) {
  uint32_t off = 20;
  dx_node *opts = NULL;
  if (tree) {
    opts = dx_add_item(p, tree, FL(F_OPTIONS), t, 20, hlen - 20);
  }
  unsigned count = 0;
  bool eol_seen = false;
  while (off < hlen && count++ < 40) {
    uint8_t kind;
    if (!dx_get_u8(t, off, &kind)) {
      if (opts)
        dx_mark_truncated(p, opts, "TCP options cut short");
      break;
    }
    if (eol_seen && kind != 0) {
      /* as tshark 4.0: after an EOL only more EOLs (zero padding) */
      if (opts) {
        /* (tshark's proto_tree_add_expert_format: an item with the note) */
        dx_node *pad = dx_add_none(p, opts, FL(F_NONZERO_AFTER_EOL), t, off, hlen - off);
        dx_node_set_text(p, pad, "Non-zero header padding");
        dx_expert(p, pad, dx_field_expert(), DX_SEV_ERROR, "Non-zero header padding");
      }
      break;
    }
    if (kind == 0 || kind == 1) {
      /* EOL and NOP are one byte. */
      const dx_field *f = FL(kind == 0 ? F_OPT_EOL : F_OPT_NOP);
      dx_node *on = dx_add_item(p, opts, f, t, off, 1);
      dx_node_set_text_static(p, on, f->label);
      dx_add_item(p, on, FL(F_OPT_KIND), t, off, 1);
      opt_name(o, kind == 0 ? "End of Option List (EOL)" : "No-Operation (NOP)");
      off++;
      /* each zero byte after it is an EOL of its own, as tshark lists them */
      if (kind == 0)
        eol_seen = true;
      continue;
    }
    uint8_t olen;
    if (!dx_get_u8(t, off + 1, &olen)) {
      dx_node *on = dx_add_item(p, opts, FL(F_OPT_UNKNOWN), t, off, 2);
      dx_add_item(p, on, FL(F_OPT_KIND), t, off, 1);
      if (opts)
        dx_mark_truncated(p, on, "TCP option length missing");
      break;
    }
    if (olen < 2 || off + olen > hlen) {
      o->aborted = true;
      /* as tshark 4.0: an item that says so, with a note, and the options
       * end there (no exception: not "[Malformed Packet]") */
      char nm[48];
      const char *kn = kind == 2   ? "Maximum segment size"
                       : kind == 3 ? "Window scale"
                       : kind == 4 ? "SACK permitted"
                       : kind == 5 ? "SACK"
                       : kind == 8 ? "Timestamps"
                                   : dx_val_name(option_kind_vals, kind);
      if (!kn) {
        snprintf(nm, sizeof nm, "Unknown (0x%02x)", kind);
        kn = nm;
      }
      char msg[160];
      if (olen < 2)
        snprintf(msg, sizeof msg, "%s (with too-short option length = %u byte%s)", kn, olen,
                 olen == 1 ? "" : "s");
      else
        snprintf(msg, sizeof msg,
                 "%s (option length = %u byte%s says option goes past end of options)", kn, olen,
                 olen == 1 ? "" : "s");
      dx_node *on = dx_add_none(p, opts, FL(F_OPT_LEN_INVALID), t, off, olen < 2 ? 2 : hlen - off);
      dx_node_set_text(p, on, "%s", msg);
      dx_expert(p, on, dx_field_expert(), DX_SEV_NOTE, "%s", msg);
      break;
    }
    bool have = dx_tvb_has(t, off, olen);
    dx_node *on = NULL, *ln = NULL;
    switch (kind) {
    case 2: { /* MSS, RFC 9293 3.2 */
      o->mss_seen = true;
      on = dx_add_item(p, opts, FL(F_OPT_MSS), t, off, olen);
      dx_add_item(p, on, FL(F_OPT_KIND), t, off, 1);
      ln = dx_add_item(p, on, FL(F_OPT_LEN), t, off + 1, 1);
      opt_name(o, "Maximum segment size");
      if (!opt_len_ok(p, on, ln, kind, olen, 4) && tree)
        break;
      uint16_t mss;
      if (dx_get_u16(t, off + 2, &mss) && olen == 4) {
        dx_add_item(p, on, FL(F_OPT_MSS_VAL), t, off + 2, 2);
        dx_node_set_text(p, on, "TCP Option - Maximum segment size: %u bytes", mss);
        o->have_mss = true;
        o->mss = mss;
        opt_info_kv(o, " MSS=", mss);
      }
      break;
    }
    case 3: { /* window scale, RFC 7323 2.2 */
      on = dx_add_item(p, opts, FL(F_OPT_WSCALE), t, off, olen);
      dx_add_item(p, on, FL(F_OPT_KIND), t, off, 1);
      ln = dx_add_item(p, on, FL(F_OPT_LEN), t, off + 1, 1);
      opt_name(o, "Window scale");
      if (!opt_len_ok(p, on, ln, kind, olen, 3) && tree)
        break;
      uint8_t shift;
      if (dx_get_u8(t, off + 2, &shift) && olen == 3) {
        dx_add_item(p, on, FL(F_OPT_WSCALE_SHIFT), t, off + 2, 1);
        /* RFC 7323: a shift above 14 is taken as 14. */
        unsigned eff = shift > 14 ? 14 : shift;
        dx_node *m = dx_add_uint(p, on, FL(F_OPT_WSCALE_MULT), t, off + 2, 1, 1u << eff);
        dx_node_set_flags(m, DX_NODE_GENERATED);
        dx_node_set_text(p, on, "TCP Option - Window scale: %u (multiply by %u)", shift, 1u << eff);
        o->have_ws = true;
        o->ws = (uint8_t)eff;
        opt_info_kv(o, " WS=", 1u << eff);
      }
      break;
    }
    case 4: /* SACK permitted, RFC 2018 */
      on = dx_add_item(p, opts, FL(F_OPT_SACK_PERM), t, off, olen);
      dx_node_set_text(p, on, "TCP Option - SACK permitted");
      dx_add_item(p, on, FL(F_OPT_KIND), t, off, 1);
      ln = dx_add_item(p, on, FL(F_OPT_LEN), t, off + 1, 1);
      opt_name(o, "SACK permitted");
      if (opt_len_ok(p, on, ln, kind, olen, 2))
        opt_info(o, " SACK_PERM");
      break;
    case 5: { /* SACK, RFC 2018 */
      on = dx_add_item(p, opts, FL(F_OPT_SACK), t, off, olen);
      dx_add_item(p, on, FL(F_OPT_KIND), t, off, 1);
      ln = dx_add_item(p, on, FL(F_OPT_LEN), t, off + 1, 1);
      opt_name(o, "SACK");
      if ((olen - 2) % 8 != 0) {
        dx_expert(p, ln, FL(F_OPT_LEN_INVALID), DX_SEV_ERROR,
                  "SACK option length %u is not 2 + a multiple of 8", olen);
        dx_mark_malformed(p, on, "SACK option length %u is not 2 + a multiple of 8", olen);
      }
      unsigned nblk = 0;
      for (uint32_t b = off + 2; b + 8 <= off + olen; b += 8) {
        uint32_t le, re;
        if (!dx_get_u32(t, b, &le) || !dx_get_u32(t, b + 4, &re))
          break;
        uint32_t rle = have_sack_base ? le - rel_sack_base : le;
        uint32_t rre = have_sack_base ? re - rel_sack_base : re;
        dx_node *n = dx_add_uint(p, on, FL(F_OPT_SACK_LE), t, b, 4, rle);
        dx_node_set_text(p, n, "left edge = %u%s", rle, have_sack_base ? " (relative)" : "");
        n = dx_add_uint(p, on, FL(F_OPT_SACK_RE), t, b + 4, 4, rre);
        dx_node_set_text(p, n, "right edge = %u%s", rre, have_sack_base ? " (relative)" : "");
        if (nblk == 0 && on)
          dx_node_set_text(p, on, "TCP Option - SACK %u-%u", rle, rre);
        else if (on)
          dx_node_append_text(p, on, " %u-%u", rle, rre);
        opt_info_kv(o, " SLE=", rle);
        opt_info_kv(o, " SRE=", rre);
        nblk++;
        /* Wireshark keeps at most 3 blocks for its bytes in flight */
        if (nblk < 4)
          o->sacked += re - le;
      }
      dx_node *c = dx_add_uint(p, on, FL(F_OPT_SACK_COUNT), t, off, 0, nblk);
      dx_node_set_flags(c, DX_NODE_GENERATED);
      /* A duplicate SACK (RFC 2883 4): the first block reports data
       * received twice, below the cumulative ACK or inside the second
       * block. */
      uint32_t le1, re1, le2, re2;
      if (nblk && dx_get_u32(t, off + 2, &le1) && dx_get_u32(t, off + 6, &re1) &&
          ((has_ack && (int32_t)(le1 - ack) < 0) ||
           (nblk > 1 && dx_get_u32(t, off + 10, &le2) && dx_get_u32(t, off + 14, &re2) &&
            (int32_t)(le1 - le2) >= 0 && (int32_t)(re1 - re2) <= 0))) {
        uint32_t rle = have_sack_base ? le1 - rel_sack_base : le1;
        uint32_t rre = have_sack_base ? re1 - rel_sack_base : re1;
        const char *rel = have_sack_base ? " (relative)" : "";
        dx_node *n = dx_add_uint(p, on, FL(F_OPT_SACK_DSACK_LE), t, off + 2, 4, rle);
        dx_node_set_text(p, n, "D-SACK Left Edge = %u%s", rle, rel);
        dx_node_set_flags(n, DX_NODE_GENERATED);
        n = dx_add_uint(p, on, FL(F_OPT_SACK_DSACK_RE), t, off + 6, 4, rre);
        dx_node_set_text(p, n, "D-SACK Right Edge = %u%s", rre, rel);
        dx_node_set_flags(n, DX_NODE_GENERATED);
        /* as tshark's expert item: its text, then the note under it */
        n = dx_add_none(p, on, FL(F_OPT_SACK_DSACK), t, off + 2, 8);
        dx_node_set_text(p, n, "D-SACK Sequence");
        dx_expert(p, n, dx_field_expert(), DX_SEV_WARN, "D-SACK Sequence");
      }
      break;
    }
    case 8: { /* timestamps, RFC 7323 3.2 */
      on = dx_add_item(p, opts, FL(F_OPT_TS), t, off, olen);
      dx_add_item(p, on, FL(F_OPT_KIND), t, off, 1);
      ln = dx_add_item(p, on, FL(F_OPT_LEN), t, off + 1, 1);
      opt_name(o, "Timestamps");
      if (!opt_len_ok(p, on, ln, kind, olen, 10) && tree)
        break;
      uint32_t tsval, tsecr;
      /* a TSval whose TSecr is cut off is shown (as tshark, which fails
       * on the TSecr's item) */
      if (olen == 10 && dx_get_u32(t, off + 2, &tsval) && !dx_tvb_has(t, off + 6, 4))
        dx_add_item(p, on, FL(F_OPT_TSVAL), t, off + 2, 4);
      if (olen == 10 && dx_get_u32(t, off + 2, &tsval) && dx_get_u32(t, off + 6, &tsecr)) {
        dx_add_item(p, on, FL(F_OPT_TSVAL), t, off + 2, 4);
        dx_add_item(p, on, FL(F_OPT_TSECR), t, off + 6, 4);
        if (dx_label_wanted(p, on)) {
          char lb[80];
          dx_sb b;
          dx_sb_init(&b, lb, sizeof lb);
          dx_sb_kv(&b, "TCP Option - Timestamps: TSval ", tsval);
          dx_sb_kv(&b, ", TSecr ", tsecr);
          dx_node_set_text_sb(p, on, &b);
        }
        o->have_ts = true;
        o->tsval = tsval;
        o->tsecr = tsecr;
        opt_info_kv(o, " TSval=", tsval);
        opt_info_kv(o, " TSecr=", tsecr);
      }
      break;
    }
    default: {
      const char *kname = dx_val_name(option_kind_vals, kind);
      on = dx_add_item(p, opts, FL(F_OPT_UNKNOWN), t, off, olen);
      dx_add_item(p, on, FL(F_OPT_KIND), t, off, 1);
      ln = dx_add_item(p, on, FL(F_OPT_LEN), t, off + 1, 1);
      if (olen > 2)
        dx_add_item(p, on, FL(F_OPT_UNKNOWN_PAYLOAD), t, off + 2, olen - 2);
      if (kname)
        dx_node_set_text(p, on, "TCP Option - %s", kname);
      else
        dx_node_set_text(p, on, "TCP Option - Unknown (%u)", kind);
      opt_name(o, kname ? kname : "Unknown");
      break;
    }
    }
    if (!have && on && tree && !(on->flags & DX_NODE_TRUNCATED))
      dx_mark_truncated(p, on, "TCP option cut short");
    if (on && (on->flags & (DX_NODE_TRUNCATED | DX_NODE_MALFORMED)))
      o->aborted = true;
    off += olen;
  }
  /* tshark 4.0: a SYN whose options were all read has an MSS among them */
  if (opts && tree && o->syn && !o->mss_seen && !o->aborted && off >= hlen)
    dx_expert(p, opts, FL(F_OPT_MSS_ABSENT), DX_SEV_NOTE,
              "The SYN packet does not contain a MSS option");
  if (opts && tree && dx_packet_labels(p)) {
    char buf[512];
    dx_sb b;
    dx_sb_init(&b, buf, sizeof buf);
    dx_sb_kv(&b, "Options: (", hlen - 20);
    dx_sb_str(&b, " bytes)");
    for (unsigned i = 0; i < o->nnames; i++) {
      dx_sb_str(&b, ", ");
      dx_sb_str(&b, o->names[i]);
    }
    dx_node_set_text_sb(p, opts, &b);
  }
}

/* ---- flags ---- */
static void flags_names(unsigned flags, char *buf, size_t len) {
  static const struct {
    unsigned bit;
    const char *name;
  } names[] = {{TH_FIN, "FIN"}, {TH_SYN, "SYN"},     {TH_RST, "RST"}, {TH_PUSH, "PSH"},
               {TH_ACK, "ACK"}, {TH_URG, "URG"},     {TH_ECE, "ECE"}, {TH_CWR, "CWR"},
               {TH_AE, "AE"},   {TH_RES, "Reserved"}};
  dx_sb b;
  dx_sb_init(&b, buf, len);
  for (size_t i = 0; i < DX_ARRAY_LEN(names); i++) {
    if (!(flags & names[i].bit))
      continue;
    if (b.len)
      dx_sb_str(&b, ", ");
    dx_sb_str(&b, names[i].name);
  }
  if (!b.len)
    dx_sb_str(&b, "<None>");
}

/* "·······A··S·": one character per flag bit, most significant first. */
static size_t flags_str(unsigned flags, char *buf) {
  static const char letters[] = "RRRACEUAPRSF";
  size_t u = 0;
  for (int i = 0; i < 12; i++) {
    if (flags & (1u << (11 - i))) {
      buf[u++] = letters[i];
    } else {
      buf[u++] = (char)0xc2; /* U+00B7 MIDDLE DOT */
      buf[u++] = (char)0xb7;
    }
  }
  buf[u] = 0;
  return u;
}

/* ---- the byte stream ---- */
/* How TCP shows the bytes it hands to the byte-stream layer. */
static const dx_stream_kind tcp_kind = {
    .name = "TCP",
    .port_table = DX_TABLE_TCP_PORT,
    .heuristics = true,
    .until_fin = true,
    .seg_data = &tcp_fields[F_SEGMENT_DATA],
    .segments = &tcp_fields[F_SEGMENTS],
    .segment = &tcp_fields[F_SEGMENT],
    .seg_count = &tcp_fields[F_SEGMENT_COUNT],
    .reasm_len = &tcp_fields[F_REASSEMBLED_LENGTH],
    .seg_overlap = &tcp_fields[F_SEGMENT_OVERLAP],
    .seg_conflict = &tcp_fields[F_SEGMENT_CONFLICT],
    .seg_error = &tcp_fields[F_SEGMENT_ERROR],
    .reasm_data = &tcp_fields[F_REASSEMBLED_DATA],
    .piece_word = "Segments",
};

/* ---- the segment ---- */

/* One segment's fixed header (RFC 9293 3.1) and the lengths that follow
 * from it, plus what the connection state needs from the options. */
typedef struct tcp_seg {
  uint16_t sport, dport;
  uint32_t seq, ack;
  unsigned flags; /* the 12 flag bits (TH_*) */
  uint16_t win, sum, urp;
  uint32_t hlen;       /* header length in bytes */
  uint32_t seg_total;  /* header and data, as reported on the wire */
  uint32_t seglen;     /* data bytes (0 when the header length is bogus) */
  bool bogus_past_end; /* the header length goes past the segment */
  bool bogus_short;    /* the header length is below 20 */
  /* from a first pass over the options */
  bool have_ws;
  uint8_t ws;      /* window scale shift (RFC 7323 2.2) */
  uint32_t sacked; /* bytes covered by the first 3 SACK blocks */
  bool opts_plain; /* options_plain(): the first pass filled the options' Info text */
  /* a header quoted in an ICMP error (tshark's pinfo->flags.in_error_pkt):
   * no segment length, the numbers as they are on the wire */
  bool in_err;
  bool in_err_v4; /* quoted in ICMP (IPv4): tcp.seq comes right after the ports */
} tcp_seg;

/* The connection a segment belongs to, seen from the segment's side. */
typedef struct tcp_conn {
  dx_flow *flow;   /* the flow (the connection may still be missing) */
  tcp_conv *c;     /* NULL: no connection state for this segment */
  tcp_half *h, *r; /* this segment's direction, the other direction */
  int dir;
  bool quoted;    /* no IP layer, or a header quoted in an ICMP error */
  dx_flow *qflow; /* quoted: the existing connection whose numbers we show */
  bool reused;    /* a SYN started a new connection on reused ports */
} tcp_conn;

/* What a segment tells about its connection (the tcp.analysis.* results and
 * the connection fields shown with it). Built with no tree. */
typedef struct tcp_analysis {
  unsigned ta;                /* A_* */
  uint8_t completeness_shown; /* as it was before this segment */
  unsigned hs_step;           /* tcp.handshake.step, 0 = none */
  int fin_tag;                /* 1: initiates the closing, 2: undergoes it */
  bool base_known;            /* this direction's numbers were known before */
  uint32_t rseq, rack;        /* relative sequence and ack numbers */
  uint32_t wscaled;           /* the window, scaled */
  int64_t rel_sec, delta_sec; /* since the stream's first and previous frame */
  int32_t rel_nsec, delta_nsec;
  uint64_t acks_frame;
  int64_t rtt_sec;
  int32_t rtt_nsec;
  uint32_t dupack_num;
  uint64_t dupack_frame;
  bool have_bif, have_push;
  uint32_t bif, push_bytes;
  int ual_lost; /* the segment could not be remembered for the ACK analysis: UAL_NO_* */
  /* a retransmission: how long after the frame it repeats (rto_frame 0:
   * none) */
  uint64_t rto_frame;
  int64_t rto_sec;
  int32_t rto_nsec;
} tcp_analysis;

/* What the tree hands on to the summary. */
typedef struct tcp_shown {
  char fnames[96];  /* "SYN, ACK" (built only when someone reads it) */
  unsigned cstatus; /* tcp.checksum.status */
  tcp_opts o;       /* the options, with their Info text */
} tcp_shown;

/* Expert notes of the analysis flags in Wireshark's order; Info prefixes are
 * prepended one by one there, so the last one checked comes first. */
static const struct {
  unsigned bit;
  int field, sev;
  const char *msg, *info;
} analysis_notes[] = {
    {A_REUSED_PORTS, F_A_REUSED_PORTS, DX_SEV_NOTE,
     "A new tcp session is started with the same ports as an earlier session in this trace",
     "[TCP Port numbers reused] "},
    {A_RETRANS, F_A_RETRANS, DX_SEV_NOTE, "This frame is a (suspected) retransmission",
     "[TCP Retransmission] "},
    {A_FAST_RETRANS, F_A_FAST_RETRANS, DX_SEV_NOTE,
     "This frame is a (suspected) fast retransmission", "[TCP Fast Retransmission] "},
    {A_SPURIOUS, F_A_SPURIOUS, DX_SEV_NOTE, "This frame is a (suspected) spurious retransmission",
     "[TCP Spurious Retransmission] "},
    {A_OOO, F_A_OOO, DX_SEV_WARN, "This frame is a (suspected) out-of-order segment",
     "[TCP Out-Of-Order] "},
    {A_LOST, F_A_LOST, DX_SEV_WARN, "Previous segment(s) not captured (common at capture start)",
     "[TCP Previous segment not captured] "},
    {A_ACK_LOST, F_A_ACK_LOST, DX_SEV_WARN,
     "ACKed segment that wasn't captured (common at capture start)", "[TCP ACKed unseen segment] "},
    {A_WINDOW_UPDATE, F_A_WINDOW_UPDATE, DX_SEV_CHAT, "TCP window update", "[TCP Window Update] "},
    {A_WINDOW_FULL, F_A_WINDOW_FULL, DX_SEV_WARN,
     "TCP window specified by the receiver is now completely full", "[TCP Window Full] "},
    {A_KEEP_ALIVE, F_A_KEEP_ALIVE, DX_SEV_NOTE, "TCP keep-alive segment", "[TCP Keep-Alive] "},
    {A_KEEP_ALIVE_ACK, F_A_KEEP_ALIVE_ACK, DX_SEV_NOTE, "ACK to a TCP keep-alive segment",
     "[TCP Keep-Alive ACK] "},
    {A_DUP_ACK, F_A_DUP_ACK, DX_SEV_NOTE, NULL, NULL}, /* text made from the numbers */
    {A_ZWP, F_A_ZWP, DX_SEV_NOTE, "TCP Zero Window Probe", "[TCP ZeroWindowProbe] "},
    {A_ZERO_WINDOW, F_A_ZERO_WINDOW, DX_SEV_WARN, "TCP Zero Window segment", "[TCP ZeroWindow] "},
    {A_ZWP_ACK, F_A_ZWP_ACK, DX_SEV_NOTE, "ACK to a TCP Zero Window Probe",
     "[TCP ZeroWindowProbeAck] "},
};

/* ---- reading the header ---- */

/* True if the options in t[20, hlen) are all whole and of their right
 * lengths, with no SACK block (whose D-SACK test needs the ACK): walking
 * them adds no expert note and no mark, only items and the Info text. */
static bool options_plain(const dx_tvb *t, uint32_t hlen) {
  static const uint8_t want[9] = {0, 0, 4, 3, 2, 0, 0, 0, 10}; /* by kind; 0: any */
  uint32_t off = 20;
  unsigned count = 0;
  if (!dx_tvb_has(t, 0, hlen))
    return false;
  while (off < hlen && count++ < 40) {
    uint8_t kind = t->data[off];
    if (kind == 0) {
      /* EOLs to the end, or a non-zero byte after them (a note) */
      while (off < hlen && t->data[off] == 0)
        off++;
      return off == hlen;
    }
    if (kind == 1) {
      off++;
      continue;
    }
    if (kind == 5 || off + 1 >= hlen)
      return false;
    uint8_t olen = t->data[off + 1];
    if (olen < 2 || olen > hlen - off || (kind < 9 && want[kind] && olen != want[kind]))
      return false;
    off += olen;
  }
  return off >= hlen;
}

/* First pass over the options: what the connection state needs, into *o;
 * and, when they are plain (options_plain), their Info text too, so that
 * a packet that wants no option item walks them once. */
static void peek_options(dx_packet *p, const dx_tvb *t, tcp_seg *s, tcp_opts *o) {
  opts_clear(o);
  s->opts_plain = options_plain(t, s->hlen);
  /* (the Info text only where tree_header may take it: nodes skipped) */
  o->no_info = !(s->opts_plain && p->want_columns && p->skip);
  dissect_options(p, NULL, t, s->hlen, 0, false, false, 0, o);
  s->have_ws = o->have_ws;
  s->ws = o->ws;
  s->sacked = o->sacked;
}

/* Reads the fixed header into *s, adding the ports to the protocol node.
 * false: the header is cut short or its length is below 20 (the node says
 * so, and there is nothing more to dissect). */
/* "Transmission Control Protocol, Src Port: 80, Dst Port: 50000" */
static void sb_ports(dx_sb *b, const tcp_seg *s) {
  dx_sb_kv(b, "Transmission Control Protocol, Src Port: ", s->sport);
  dx_sb_kv(b, ", Dst Port: ", s->dport);
}

/* The layer's label of a header that stops short: its ports alone. */
static void ports_label(dx_packet *p, dx_node *tcp, const tcp_seg *s) {
  if (!dx_label_wanted(p, tcp))
    return;
  char lb[96];
  dx_sb b;
  dx_sb_init(&b, lb, sizeof lb);
  sb_ports(&b, s);
  dx_node_set_text_sb(p, tcp, &b);
}

static bool read_header(dx_packet *p, const dx_tvb *t, dx_node *tcp, tcp_seg *s, tcp_opts *o) {
  memset(s, 0, sizeof *s);
  bool hs = dx_get_u16(t, 0, &s->sport), hd = dx_get_u16(t, 2, &s->dport);
  dx_add_item(p, tcp, FL(F_SRCPORT), t, 0, 2);
  dx_add_item(p, tcp, FL(F_DSTPORT), t, 2, 2);
  if (hs)
    dx_node_set_flags(dx_add_item(p, tcp, FL(F_PORT), t, 0, 2), DX_NODE_HIDDEN);
  if (hd)
    dx_node_set_flags(dx_add_item(p, tcp, FL(F_PORT), t, 2, 2), DX_NODE_HIDDEN);
  /* the layer's label names its ports when the header stops short (a whole
   * one gets summary()'s) */
  bool ports = hs && hd;
  if (ports) {
    if (p->want_columns) { /* "%u \xe2\x86\x92 %u" without a format */
      char ib[32];
      dx_sb b;
      dx_sb_init(&b, ib, sizeof ib);
      dx_sb_u64(&b, s->sport);
      dx_sb_str(&b, " \xe2\x86\x92 ");
      dx_sb_u64(&b, s->dport);
      dx_col_info_set_str(p, ib, b.len);
    }
  }
  /* In an ICMP error tshark's packet-tcp.c puts the absolute sequence
   * number right after the ports (an ICMPv4 error quotes only 8 bytes of
   * the datagram, RFC 792), and shows no segment length, no relative
   * numbers and no analysis: the header is not part of the connection. */
  s->in_err = p->in_icmp_error && p->net_src.type != DX_AT_NONE;
  s->in_err_v4 = s->in_err && p->net_src.type == DX_AT_IPV4;
  if (s->in_err_v4 && dx_tvb_has(t, 4, 4))
    dx_add_item(p, tcp, FL(F_SEQ), t, 4, 4);
  uint16_t offflags = 0;
  if (!dx_get_u32(t, 4, &s->seq) || !dx_get_u32(t, 8, &s->ack) || !dx_get_u16(t, 12, &offflags) ||
      !dx_get_u16(t, 14, &s->win) || !dx_get_u16(t, 16, &s->sum) || !dx_get_u16(t, 18, &s->urp)) {
    if (ports)
      ports_label(p, tcp, s);
    if (s->in_err) /* the rest of the header was not quoted: tshark stops there */
      return false;
    if (dx_tvb_has(t, 4, 4))
      dx_add_item(p, tcp, FL(F_SEQ_RAW), t, 4, 4);
    if (dx_tvb_has(t, 8, 4))
      dx_add_item(p, tcp, FL(F_ACK_RAW), t, 8, 4);
    dx_mark_truncated(p, tcp, "TCP header needs 20 bytes");
    return false;
  }
  p->srcport = s->sport;
  p->dstport = s->dport;
  s->flags = offflags & 0x0fff;
  s->hlen = (uint32_t)(offflags >> 12) * 4;
  s->seg_total = t->reported > t->len ? t->reported : t->len;
  if (s->hlen < 20) {
    /* the segment's length counts from the bogus header length (tshark
     * 4.0); bogus_short_header() shows what follows */
    s->bogus_short = true;
    s->seglen = s->seg_total - s->hlen;
    if (ports)
      ports_label(p, tcp, s);
    return false;
  }
  s->bogus_past_end = s->hlen > s->seg_total;
  s->seglen = s->bogus_past_end ? 0 : s->seg_total - s->hlen;
  dx_node_set_len(tcp, s->hlen <= t->len ? s->hlen : t->len);
  if (!s->bogus_past_end && s->hlen > 20)
    peek_options(p, t, s, o);
  return true;
}

/* ---- the connection ---- */

/* A new connection's state for flow (NULL if there is no memory for it). */
static tcp_conv *conv_attach(dx_packet *p, dx_node *tcp, tcp_state *st, dx_flow *flow) {
  tcp_conv *c = conv_new(p, tcp, st);
  if (c) {
    const dx_config *cfg = dx_packet_config(p);
    dx_reasm_limits lim = {cfg->max_stream_bytes, cfg->max_total_stream_bytes,
                           dx_packet_stream_budget(p)};
    dx_stream_init(&c->bs, &tcp_kind, flow, NULL, &lim, &c->h[0].rs, &c->h[1].rs);
    c->expected = dx_stream_expected(p, &c->bs);
    flow->proto_data = c;
    flow->proto_free = conv_free;
  }
  return c;
}

/* Finds the segment's connection, or makes it. A SYN (without ACK) whose
 * sequence number is not the base of its side's relative numbers means
 * the ports were reused: a new stream, as in tshark 4.0. A
 * quoted header (no IP layer, or inside an ICMP error) is not analysed: its
 * connection (made if new, as tshark makes it) goes to k->qflow. */
/* A SYN whose sequence number is not its side's base starts a new
 * connection, open or closed the old one (tshark 4.0). */
static bool syn_reuses(const tcp_seg *s, const tcp_conv *c, int dir) {
  return c && (s->flags & (TH_SYN | TH_ACK)) == TH_SYN && c->h[dir].base_set &&
         s->seq != c->h[dir].base;
}

static void find_conn(dx_packet *p, dx_node *tcp, const tcp_seg *s, tcp_conn *k) {
  tcp_state *st = dx_proto_state(p, &dx_proto_tcp);
  memset(k, 0, sizeof *k);
  /* a header longer than the segment is tshark's "short segment": its
   * connection is found (or made) and shown, the segment not analysed */
  k->quoted = p->net_src.type == DX_AT_NONE || p->in_icmp_error || s->bogus_past_end;
  dx_flow *flow;
  if (k->quoted) {
    /* as tshark: a connection the capture has not shown yet gets its
     * stream here (later streams count on); the header is not analysed */
    flow = p->net_src.type == DX_AT_NONE ? NULL : dx_flow_get(p, tcp, &k->dir);
    if (flow && syn_reuses(s, flow->proto_data, k->dir)) {
      /* (tshark looks for reused ports before anything else) */
      dx_flow_drop(p, flow);
      flow = dx_flow_get(p, tcp, &k->dir);
    }
    if (flow && !flow->proto_data)
      conv_attach(p, tcp, st, flow);
    if (flow && flow->proto_data)
      k->qflow = flow;
    return;
  }
  flow = dx_flow_get(p, tcp, &k->dir);
  tcp_conv *c = NULL;
  if (flow) {
    c = flow->proto_data;
    if (syn_reuses(s, c, k->dir)) {
      dx_flow_drop(p, flow);
      flow = dx_flow_get(p, tcp, &k->dir);
      c = NULL;
      k->reused = true;
    } else if (c && c->bs.renew) {
      /* dx_stream_renew(): a new conversation that keeps the application */
      const dx_protocol *app = c->bs.app;
      void *data = c->bs.app_data;
      void (*data_free)(void *) = c->bs.app_free;
      /* (tshark's new conversation knows the other side's base from the
       * acknowledgment of the segment that made it) */
      int rd = c->bs.renew_dir & 1;
      bool ack_known = c->h[rd].lastack != 0;
      uint32_t ack = c->h[rd].lastack;
      c->bs.app_data = NULL;
      c->bs.app_free = NULL;
      dx_flow_drop(p, flow);
      flow = dx_flow_get(p, tcp, &k->dir);
      c = flow ? conv_attach(p, tcp, st, flow) : NULL;
      if (c && ack_known) {
        c->h[1 - rd].base = ack - 1;
        c->h[1 - rd].base_set = true;
      }
      if (c && !c->bs.app) {
        c->bs.app = app;
        flow->app = app;
        c->bs.app_data = data;
        c->bs.app_free = data_free;
      } else if (data_free && data) {
        data_free(data);
      }
    }
  }
  if (flow && !c)
    c = conv_attach(p, tcp, st, flow);
  k->flow = flow;
  k->c = c;
  if (c) {
    k->h = &c->h[k->dir];
    k->r = &c->h[1 - k->dir];
  }
}

/* A quoted header: the stream and relative numbers of the connection it
 * belongs to, if we know it. */
static void tree_quoted(dx_packet *p, const dx_tvb *t, dx_node *tcp, const tcp_seg *s,
                        const tcp_conn *k) {
  tcp_conv *qc = k->qflow->proto_data;
  tcp_half *qh = &qc->h[k->dir], *qr = &qc->h[1 - k->dir];
  dx_node *n = dx_add_uint(p, tcp, FL(F_STREAM), t, 0, 0, k->qflow->index);
  dx_node_set_flags(n, DX_NODE_GENERATED);
  if (s->in_err || s->bogus_past_end)
    return; /* tshark: the numbers on the wire (tree_numbers) */
  if (qh->base_set) {
    n = dx_add_uint(p, tcp, FL(F_SEQ), t, 4, 4, s->seq - qh->base);
    dx_node_set_text(p, n, "Sequence Number: %u    (relative sequence number)", s->seq - qh->base);
  }
  if ((s->flags & TH_ACK) && qr->base_set) {
    n = dx_add_uint(p, tcp, FL(F_ACK), t, 8, 4, s->ack - qr->base);
    dx_node_set_text(p, n, "Acknowledgment Number: %u    (relative ack number)", s->ack - qr->base);
  }
}

/* Which side closes first (tcp.connection.fin_active / fin_passive). */
static int fin_role(const tcp_seg *s, tcp_conv *c, int dir) {
  if (!(s->flags & TH_FIN))
    return 0;
  if (!c->fin_any) {
    c->fin_any = true;
    c->fin_dir = dir;
    return 1;
  }
  if (dir != c->fin_dir && !c->fin_passive) {
    c->fin_passive = true;
    return 2;
  }
  return 0;
}

/* Relative sequence numbers (Wireshark: relative to the ISN; a connection
 * seen mid-way starts at 1) and the window scale (RFC 7323 2.2: only in SYN
 * segments). A SYN-ACK whose sequence number is not the side's base makes
 * it the base, as tshark 4.0 does (taking it for a reused connection):
 * returns true then. */
static bool set_bases(const tcp_seg *s, tcp_half *h, tcp_half *r) {
  bool rebased = false;
  if (s->flags & TH_SYN) {
    if ((s->flags & TH_ACK) && h->base_set && s->seq != h->base) {
      h->base = s->seq;
      rebased = true;
    }
    if (!h->syn_seen) {
      h->syn_seen = true;
      h->isn = s->seq;
      h->base = s->seq;
      h->base_set = true;
      h->ws = s->have_ws ? s->ws : -2;
      if (s->flags & TH_ACK) {
        if (h->ws == -2 || r->ws == -2)
          h->ws = r->ws = -2;
      }
      dx_tcp_stream_start(&h->rs, s->seq + 1);
    }
  } else if (!h->base_set) {
    h->base = s->seq - 1;
    h->base_set = true;
  }
  if ((s->flags & TH_ACK) && !r->base_set) {
    r->base = s->ack - 1;
    r->base_set = true;
  }
  return rebased;
}

/* Handshake steps for the connection ladder (tcp.handshake.step). */
static unsigned handshake_step(const tcp_seg *s, tcp_conv *c, int dir) {
  unsigned f = s->flags & (TH_SYN | TH_ACK | TH_RST);
  if (f == TH_SYN) {
    if (c->hs == 0 || c->hs == 1) {
      c->hs = 1;
      c->client_dir = dir;
      return 1;
    }
  } else if (f == (TH_SYN | TH_ACK)) {
    if (c->hs <= 2 && (c->hs == 0 || dir != c->client_dir)) {
      if (c->hs == 0)
        c->client_dir = 1 - dir;
      c->hs = 2;
      c->synack_seq = s->seq;
      return 2;
    }
  } else if (f == TH_ACK && c->hs == 2 && dir == c->client_dir && s->ack == c->synack_seq + 1) {
    c->hs = 3;
    return 3;
  }
  return 0;
}

/* What the segment changes in its connection before the analysis: FIN roles,
 * relative numbers, window scale, handshake, completeness (SYN, SYN-ACK, FIN,
 * RST; ACK and DATA are decided by the analysis), the stream's timestamps. */
static void track_conn(const dx_packet *p, const tcp_seg *s, const tcp_conn *k, tcp_analysis *a) {
  tcp_conv *c = k->c;
  tcp_half *h = k->h, *r = k->r;
  a->ta = k->reused ? A_REUSED_PORTS : 0;
  /* Shown as it was before this segment; a stream restarted by a SYN on
   * reused ports shows the SYN already (as tshark does). */
  a->completeness_shown = c ? c->completeness : 0;
  if (k->reused)
    a->completeness_shown = C_SYN;
  if (c)
    a->fin_tag = fin_role(s, c, k->dir);
  a->base_known = h && h->base_set;
  if (c) {
    if (set_bases(s, h, r))
      a->ta |= A_REUSED_PORTS;
    a->hs_step = handshake_step(s, c, k->dir);
    if ((s->flags & (TH_SYN | TH_ACK)) == TH_SYN) {
      if (c->expected)
        c->syn_uncounted = true;
      else
        c->completeness |= C_SYN;
    } else if ((s->flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK) &&
               ((c->completeness & C_SYN) || c->syn_uncounted)) {
      c->completeness |= C_SYNACK;
    }
    if (s->flags & TH_FIN)
      c->completeness |= C_FIN;
    if (s->flags & TH_RST)
      c->completeness |= C_RST;
  }
  a->rseq = h ? s->seq - h->base : s->seq;
  a->rack = ((s->flags & TH_ACK) && r) ? s->ack - r->base : s->ack;
  /* Window: scaled unless this is a SYN (RFC 7323 2.2). */
  a->wscaled = s->win;
  if (h && !(s->flags & TH_SYN) && h->ws >= 0)
    a->wscaled = (uint32_t)s->win << h->ws;
  if (c) {
    time_sub(p->frame.ts_sec, (int32_t)p->frame.ts_nsec, k->flow->first_sec, k->flow->first_nsec,
             &a->rel_sec, &a->rel_nsec);
    time_sub(p->frame.ts_sec, (int32_t)p->frame.ts_nsec, c->prev_sec, c->prev_nsec, &a->delta_sec,
             &a->delta_nsec);
    c->prev_sec = p->frame.ts_sec;
    c->prev_nsec = (int32_t)p->frame.ts_nsec;
  }
}

/* ---- analysis (the rules of Wireshark's tcp_analyze_sequence_number) ---- */

/* The initial RTT: from the last SYN to the first ACK without SYN. */
static void note_initial_rtt(const dx_packet *p, const tcp_seg *s, tcp_conv *c) {
  if ((s->flags & (TH_SYN | TH_ACK)) == TH_SYN) {
    /* a SYN stamped at the epoch itself is taken for none, as tshark does
     * (its ts_mru_syn is zero until set: synthetic captures that start at
     * time 0 have no initial RTT there, Wireshark's tcp-badsegments.pcap) */
    c->syn_time_set = p->frame.ts_sec != 0 || p->frame.ts_nsec != 0;
    c->syn_sec = p->frame.ts_sec;
    c->syn_nsec = (int32_t)p->frame.ts_nsec;
  } else if ((s->flags & (TH_SYN | TH_ACK)) == TH_ACK && c->syn_time_set && !c->irtt_set) {
    c->irtt_set = true;
    time_sub(p->frame.ts_sec, (int32_t)p->frame.ts_nsec, c->syn_sec, c->syn_nsec, &c->irtt_sec,
             &c->irtt_nsec);
  }
}

/* Zero window (probes), lost segments, keep-alives, window update/full and
 * duplicate ACKs, in Wireshark's order: a zero window probe, a keep-alive ACK
 * or a zero window probe ACK ends the checks. */
static unsigned analyze_window(const tcp_seg *s, tcp_half *h, const tcp_half *r, tcp_analysis *a) {
  bool sfr = s->flags & (TH_SYN | TH_FIN | TH_RST);
  uint32_t seq = s->seq, seglen = s->seglen, win = s->win;
  unsigned ta = 0;
  /* a zero window probe: one byte at the next sequence number into a
   * closed window */
  if (seglen == 1 && h->nextseq && seq == h->nextseq && r->window == 0)
    return A_ZWP;
  if (win == 0 && !sfr)
    ta |= A_ZERO_WINDOW;
  /* a hole before this segment (bytes in flight are unknown until the
   * other side ACKs again) */
  if (h->nextseq && GT_SEQ(seq, h->nextseq) && !(s->flags & TH_RST)) {
    ta |= A_LOST;
    h->valid_bif = false;
  }
  /* keep-alive: 0 or 1 byte one below the next sequence number */
  if (seglen <= 1 && h->nextseq && seq == h->nextseq - 1 && !sfr)
    ta |= A_KEEP_ALIVE;
  bool same = seglen == 0 && seq == h->nextseq && s->ack == h->lastack && !sfr;
  if (same && win && win != h->window)
    ta |= A_WINDOW_UPDATE;
  if (seglen > 0 && r->ws != -1 && r->window != UINT32_MAX && !sfr &&
      seq + seglen == r->lastack + (r->window << (r->ws == -2 ? 0 : r->ws)))
    ta |= A_WINDOW_FULL;
  if (same && win && win == h->window && (r->lastflags & A_KEEP_ALIVE))
    return ta | A_KEEP_ALIVE_ACK;
  if (same && win == 0 && win == h->window && (r->lastflags & A_ZWP))
    return ta | A_ZWP_ACK;
  if (same && win && win == h->window) {
    h->dupacks = h->dupacks < 0 ? 1 : h->dupacks + 1;
    ta |= A_DUP_ACK;
    a->dupack_num = (uint32_t)h->dupacks;
    a->dupack_frame = h->lastnondupack;
  }
  return ta;
}

/* Nanoseconds of a time difference, saturated: frames centuries apart
 * (64-bit pcapng timestamps) overflow 64 bits of nanoseconds. */
static int64_t ns_sat(int64_t s, int64_t ns) {
  if (s >= INT64_MAX / 1000000000 - 1)
    return INT64_MAX;
  if (s <= INT64_MIN / 1000000000 + 1)
    return INT64_MIN;
  return s * 1000000000 + ns;
}

/* Data (or SYN/FIN) that does not advance the sequence number: why? */
static unsigned analyze_retransmission(const dx_packet *p, const tcp_seg *s, const tcp_conv *c,
                                       const tcp_half *h, const tcp_half *r, unsigned ta) {
  uint32_t seq = s->seq, seglen = s->seglen;
  if (!((seglen > 0 || (s->flags & (TH_SYN | TH_FIN))) && !(ta & A_KEEP_ALIVE)))
    return 0;
  int64_t now_s = p->frame.ts_sec;
  int32_t now_n = (int32_t)p->frame.ts_nsec;
  int64_t ds;
  int32_t dn;
  bool not_advanced = h->nextseq && LT_SEQ(seq, h->nextseq);
  if (seglen > 1 && h->nextseq - 1 == seq)
    not_advanced = false; /* new data after a zero window probe */
  int64_t thres = c->irtt_set ? ns_sat(c->irtt_sec, c->irtt_nsec) : 3000000;
  if (c->irtt_set && thres == 0)
    thres = 3000000;
  time_sub(now_s, now_n, r->lastack_sec, r->lastack_nsec, &ds, &dn);
  int64_t since_ack = ns_sat(ds, dn);
  time_sub(now_s, now_n, h->nextseq_sec, h->nextseq_nsec, &ds, &dn);
  int64_t since_next = ns_sat(ds, dn);
  /* bytes the other side has already ACKed: spurious, whatever else it
   * looks like (tshark 4.0 tests this first) */
  if (seglen > 0 && r->lastack && LE_SEQ(seq + seglen, r->lastack))
    return A_SPURIOUS;
  /* (tshark 4.0's counter is unsigned: its -1 passes for >= 2 too) */
  if (not_advanced && (r->dupacks >= 2 || r->dupacks < 0) && r->lastack == seq &&
      since_ack < 20000000)
    return A_FAST_RETRANS;
  /* (a copy of the last segment, its SYN or FIN counted, is no
   * out-of-order segment but a retransmission) */
  uint32_t end = seq + seglen + ((s->flags & (TH_SYN | TH_FIN)) ? 1u : 0u);
  if (not_advanced && since_next < thres && h->nextseq != end)
    return A_OOO;
  if (not_advanced)
    return A_RETRANS;
  return 0;
}

/* The RTO of a retransmission, as Wireshark reckons it: from the eldest
 * segment of the direction not acknowledged yet (likely the one repeated
 * here), else from the frame that last advanced its sequence number. */
static void retrans_rto(const dx_packet *p, const tcp_half *h, tcp_analysis *a) {
  uint64_t frame = h->nextseq_frame;
  int64_t sec = h->nextseq_sec;
  int32_t nsec = h->nextseq_nsec;
  bool found = false;
  /* a run's segments were appended in the order they came and leave it
   * from either end: its eldest is its first */
  for (uint32_t k = 0; h->nual && k < nruns(h); k++) {
    const tcp_ual_run *run = k == 0 ? &h->run0 : &h->more[k - 1];
    if (!run->n)
      continue;
    const tcp_ual *u = run_at(run, 0);
    if (!found || u->frame < frame) {
      found = true;
      frame = u->frame;
      sec = u->sec;
      nsec = u->nsec;
    }
  }
  if (!frame)
    return;
  a->rto_frame = frame;
  time_sub(p->frame.ts_sec, (int32_t)p->frame.ts_nsec, sec, nsec, &a->rto_sec, &a->rto_nsec);
}

/* Remembers what this direction has sent and acknowledged so far. */
static void record_sent(const dx_packet *p, const tcp_seg *s, tcp_half *h, tcp_analysis *a) {
  unsigned ta = a->ta;
  uint32_t nextseq = s->seq + s->seglen + ((s->flags & (TH_SYN | TH_FIN)) ? 1 : 0);
  if (s->seglen > 0 || (s->flags & (TH_SYN | TH_FIN)))
    a->ual_lost = ual_add(h, s->seq, nextseq, p);
  if (!(ta & A_ZWP)) {
    /* a zero window probe's byte is not taken as sent */
    if (!h->nextseq || GT_SEQ(nextseq, h->nextseq)) {
      h->nextseq = nextseq;
      h->nextseq_frame = p->num;
      h->nextseq_sec = p->frame.ts_sec;
      h->nextseq_nsec = (int32_t)p->frame.ts_nsec;
    }
    if (!h->maxseqtobeacked || s->seq == h->maxseqtobeacked)
      h->maxseqtobeacked = h->nextseq;
  }
  h->window = s->win;
  h->lastack = s->ack;
  h->lastack_sec = p->frame.ts_sec;
  h->lastack_nsec = (int32_t)p->frame.ts_nsec;
  h->lastflags = ta;
}

/* An ACK reaches segment u, which it ends or passes: the oldest one it
 * ends (the lowest frame number) gives acks_frame and the RTT. */
static void ack_reached(const dx_packet *p, uint32_t ack, const tcp_ual *u, tcp_analysis *a,
                        uint64_t *matched) {
  if (ack != u->nextseq || (*matched && *matched <= u->frame))
    return;
  *matched = u->frame;
  a->acks_frame = u->frame;
  time_sub(p->frame.ts_sec, (int32_t)p->frame.ts_nsec, u->sec, u->nsec, &a->rtt_sec, &a->rtt_nsec);
}

/* What this segment acknowledges of the other direction: segments it ends
 * exactly (the oldest such gives acks_frame and the RTT), segments it passes
 * (forgotten), and segments it cuts (trimmed). Along a run, sequence
 * numbers relative to the ACK grow but for at most one drop (where they
 * pass ack + 2^31), and a run spans less than 2^30: so the segments the ACK
 * reaches are the first ones of the run (no drop) or the last ones (a
 * drop), and only the first one left can be cut. */
static void ack_segments(const dx_packet *p, uint32_t ack, tcp_half *r, tcp_analysis *a) {
  if (!r->nual)
    return;
  uint64_t matched = 0;
  for (uint32_t k = 0, nr = nruns(r); k < nr; k++) {
    tcp_ual_run *run = run_get(r, k);
    while (run->n && !GT_SEQ(run_at(run, 0)->nextseq, ack)) {
      ack_reached(p, ack, run_at(run, 0), a, &matched);
      run->head = (uint16_t)((run->head + 1u) & (run->cap - 1u));
      run->n--;
      r->nual--;
    }
    while (run->n && !GT_SEQ(run_at(run, run->n - 1u)->nextseq, ack)) {
      ack_reached(p, ack, run_at(run, run->n - 1u), a, &matched);
      run->n--;
      r->nual--;
    }
    if (run->n) {
      tcp_ual *u = run_at(run, 0);
      if (GT_SEQ(ack, u->seq) && LT_SEQ(ack, u->nextseq))
        u->seq = ack;
    }
  }
}

/* The first index of run r whose seq (or nextseq) - base is below the
 * first segment's, or r->n: where the run passes base + 2^32 (before it
 * these grow, after it too, all below the first one's). */
static uint32_t run_wrap(const tcp_ual_run *r, uint32_t base, bool next) {
  const tcp_ual *f = run_at(r, 0);
  uint32_t v0 = (next ? f->nextseq : f->seq) - base, lo = 1, hi = r->n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    const tcp_ual *u = run_at(r, mid);
    if ((next ? u->nextseq : u->seq) - base < v0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

/* Bytes in flight: the span of what this side has not had ACKed, less what
 * the other side has SACKed; and the bytes sent since the last PSH. The
 * lowest and highest sequence numbers relative to the ISN of a run are at
 * its ends, or where it passes the ISN + 2^32 (a binary search). */
static void bytes_in_flight(const tcp_seg *s, tcp_half *h, const tcp_half *r, tcp_analysis *a) {
  if (!(s->seglen > 0 && h->nual && h->valid_bif))
    return;
  uint32_t first = UINT32_MAX, last = 0;
  for (uint32_t k = 0, nr = nruns(h); k < nr; k++) {
    const tcp_ual_run *run = run_get(h, k);
    if (!run->n)
      continue;
    uint32_t w = run_wrap(run, h->base, false);
    uint32_t lo = run_at(run, w < run->n ? w : 0)->seq - h->base;
    w = run_wrap(run, h->base, true);
    uint32_t hi = run_at(run, w - 1u)->nextseq - h->base;
    if (lo < first)
      first = lo;
    if (hi > last)
      last = hi;
  }
  /* less what the other side has SACKed (its last SACK option) */
  uint32_t inf = last - first - r->sacked;
  if (inf > 0 && inf < 2000000000u) {
    /* a SYN or FIN counts one sequence number but no byte */
    a->bif = inf - ((s->flags & (TH_SYN | TH_FIN)) ? 1 : 0);
    a->have_bif = a->bif != 0;
  }
  /* bytes sent since the last PSH (the PSH segment itself counted) */
  if (s->flags & TH_PUSH) {
    h->push_bytes = h->push_set_last ? s->seglen : h->push_bytes + s->seglen;
    h->push_set_last = true;
  } else if (h->push_set_last) {
    h->push_bytes = s->seglen;
    h->push_set_last = false;
  } else {
    h->push_bytes += s->seglen;
  }
  /* Wireshark shows it only together with the bytes in flight */
  a->have_push = a->have_bif;
  a->push_bytes = h->push_bytes;
}

/* The sequence analysis of a segment of a known connection: fills the
 * tcp.analysis.* results in *a and updates both directions' state. */
static void analyze(const dx_packet *p, const tcp_seg *s, const tcp_conn *k, tcp_analysis *a) {
  tcp_conv *c = k->c;
  tcp_half *h = k->h, *r = k->r;
  if (!c)
    return;
  note_initial_rtt(p, s, c);
  if (s->flags & TH_ACK)
    r->valid_bif = true;
  a->ta |= analyze_window(s, h, r, a);
  if (s->ack != h->lastack) {
    h->lastnondupack = p->num;
    h->dupacks = 0;
  }
  /* ACKs data never seen in the other direction: shown once for each gap
   * (the bound moves up to the other side's next sequence number); while
   * the other side sends nothing new, again only after one of its ACKs
   * came between (tshark 4.0: its dupacknum is set to -1 here and must
   * have been reset by an ACK of new data) */
  if (r->maxseqtobeacked && GT_SEQ(s->ack, r->maxseqtobeacked) && (s->flags & TH_ACK)) {
    if (LT_SEQ(r->maxseqtobeacked, r->nextseq)) {
      r->maxseqtobeacked = r->nextseq;
      a->ta |= A_ACK_LOST;
    } else {
      if (r->dupacks == 0)
        a->ta |= A_ACK_LOST;
      r->dupacks = -1;
    }
  }
  a->ta |= analyze_retransmission(p, s, c, h, r, a->ta);
  if (a->ta & A_RETRANS)
    retrans_rto(p, h, a);
  record_sent(p, s, h, a);
  ack_segments(p, s->ack, r, a);
  /* Completeness as tshark counts it: a bare ACK; data once the
   * direction's sequence numbers were known before this segment. */
  if ((s->flags & (TH_SYN | TH_ACK)) == TH_ACK && s->seglen == 0 && a->base_known)
    c->completeness |= C_ACK;
  if (s->seglen > 0 && a->base_known)
    c->completeness |= C_DATA;
  bytes_in_flight(s, h, r, a);
  h->sacked = s->sacked;
  if (s->flags & TH_FIN)
    h->fin_seen = true;
  if (s->flags & TH_RST)
    h->rst_seen = true;
}

/* ---- the tree ---- */

/* Stream, completeness, handshake step, length, sequence and ack numbers,
 * header length. */
static void tree_numbers(dx_packet *p, const dx_tvb *t, dx_node *tcp, const tcp_seg *s,
                         const tcp_conn *k, const tcp_analysis *a) {
  uint32_t rnxt = a->rseq + s->seglen + ((s->flags & (TH_SYN | TH_FIN)) ? 1 : 0);
  dx_node *n;
  if (k->c)
    p->stream = k->flow->index;
  /* the fields of this part, up to the notes: none of interest, and every
   * node would be a ghost */
  static dx_field_group numbers = {FL(F_STREAM), F_ACK_RAW + 1 - F_STREAM, {0}, 0};
  if (!dx_layer_built(p, tcp) || dx_packet_skips_group(p, &numbers))
    goto notes; /* a skipped layer: only what may carry a note */
  /* and each half of it (the packet list reads tcp.stream, not the
   * sequence numbers) */
  static dx_field_group conv = {FL(F_STREAM), F_HANDSHAKE_STEP + 1 - F_STREAM, {0}, 0};
  static dx_field_group seqs = {FL(F_LEN), F_ACK_RAW + 1 - F_LEN, {0}, 0};
  bool want_seqs = !dx_packet_skips_group(p, &seqs);
  if (k->c && !dx_packet_skips_group(p, &conv)) {
    n = dx_add_uint(p, tcp, FL(F_STREAM), t, 0, 0, k->flow->index);
    dx_node_set_flags(n, DX_NODE_GENERATED);
    n = dx_add_uint(p, tcp, FL(F_COMPLETENESS), t, 0, 0, a->completeness_shown);
    dx_node_set_flags(n, DX_NODE_GENERATED);
    /* tshark 4.0 names any other combination "Incomplete" (a gap, a FIN or
     * RST without the handshake: Wireshark's dns-ooo.pcap, 4 and 12) */
    if (!dx_val_name(completeness_vals, a->completeness_shown) && dx_packet_labels(p))
      dx_node_set_text(p, n, "[Conversation completeness: Incomplete (%u)]",
                       (unsigned)a->completeness_shown);
    if (a->hs_step) {
      n = dx_add_uint(p, tcp, FL(F_HANDSHAKE_STEP), t, 0, 0, a->hs_step);
      dx_node_set_flags(n, DX_NODE_GENERATED);
    }
  }
  if (s->in_err || s->bogus_past_end) {
    /* as tshark (no segment length: an ICMP error's quote, or a short
     * segment): in IPv4's ICMP the absolute tcp.seq is shown already
     * (read_header); in ICMPv6's, the number on the wire under the label
     * of a relative one. No length, no next sequence number. */
    if (!s->in_err_v4) {
      n = dx_add_item(p, tcp, FL(F_SEQ), t, 4, 4);
      dx_node_set_text(p, n, "Sequence Number: %u    (relative sequence number)", s->seq);
      dx_add_item(p, tcp, FL(F_SEQ_RAW), t, 4, 4);
    }
    if (s->flags & TH_ACK) {
      n = dx_add_item(p, tcp, FL(F_ACK), t, 8, 4);
      dx_node_set_text(p, n, "Acknowledgment Number: %u    (relative ack number)", s->ack);
      dx_add_item(p, tcp, FL(F_ACK_RAW), t, 8, 4);
    }
    goto notes;
  }
  if (!want_seqs)
    goto notes;
  n = dx_add_uint(p, tcp, FL(F_LEN), t, 0, 0, s->seglen);
  dx_node_set_flags(n, DX_NODE_GENERATED);
  if (k->c) {
    n = dx_add_uint(p, tcp, FL(F_SEQ), t, 4, 4, a->rseq);
    label_num(p, n, "Sequence Number: ", a->rseq, "    (relative sequence number)");
  }
  dx_add_item(p, tcp, FL(F_SEQ_RAW), t, 4, 4);
  if (k->c) {
    n = dx_add_uint(p, tcp, FL(F_NXTSEQ), t, 0, 0, rnxt);
    label_num(p, n, "Next Sequence Number: ", rnxt, "    (relative sequence number)");
    dx_node_set_flags(n, DX_NODE_GENERATED);
  }
  if (s->flags & TH_ACK) {
    if (k->c) {
      n = dx_add_uint(p, tcp, FL(F_ACK), t, 8, 4, a->rack);
      label_num(p, n, "Acknowledgment Number: ", a->rack, "    (relative ack number)");
    }
    dx_add_item(p, tcp, FL(F_ACK_RAW), t, 8, 4);
  }
notes:
  if (!(s->flags & TH_ACK)) {
    n = dx_add_uint(p, tcp, FL(F_ACK), t, 8, 4, s->ack);
    if (s->ack != 0) /* (tshark 4.0: the number as it is, and a note) */
      dx_expert(p, n, FL(F_ACK_NONZERO), DX_SEV_NOTE,
                "The acknowledgment number field is nonzero while the ACK flag is not set");
    dx_add_item(p, tcp, FL(F_ACK_RAW), t, 8, 4);
  }
  uint32_t hlen = s->hlen;
  n = dx_add_uint(p, tcp, FL(F_HDR_LEN), t, 12, 1, hlen);
  label_hdr_len(p, n, hlen);
  if (s->bogus_past_end && !s->in_err) {
    /* tshark's words; the options are dissected as far as they go
     * (tree_header), and the layer is malformed */
    dx_node *e = dx_add_none(p, tcp, FL(F_SHORT_SEGMENT), t, 0, 0);
    dx_node_set_text(p, e,
                     "Short segment. Segment/fragment does not contain a full TCP header (might "
                     "be NMAP or someone else deliberately sending unusual packets)");
    dx_expert(p, e, dx_field_expert(), DX_SEV_WARN,
              "Short segment. Segment/fragment does not contain a full TCP header (might be NMAP "
              "or someone else deliberately sending unusual packets)");
    dx_mark_malformed(p, tcp, "TCP header length %u is longer than the segment (%u bytes)", hlen,
                      s->seg_total);
  }
}

/* The flags, each with its expert note; fnames gets "SYN, ACK" when someone
 * reads it (a label or the Info column). */
static void tree_flags(dx_packet *p, const dx_tvb *t, dx_node *tcp, const tcp_seg *s,
                       const tcp_analysis *a, char *fnames, size_t fnames_size) {
  unsigned flags = s->flags;
  fnames[0] = '\0';
  if (dx_packet_labels(p) || p->want_columns)
    flags_names(flags, fnames, fnames_size);
  /* if not, only what may carry a note (the flags' fields of no interest:
   * their nodes would be ghosts) */
  static dx_field_group bits = {FL(F_FLAGS_RES), F_FLAGS_STR + 1 - F_FLAGS_RES, {0}, 0};
  bool built = dx_layer_built(p, tcp) && !dx_packet_skips_group(p, &bits);
  /* the seven bits before Reset, and the flags' string, each on its own
   * (the colouring rules read Reset, SYN and FIN only) */
  static dx_field_group bits7 = {FL(F_FLAGS_RES), F_FLAGS_PUSH + 1 - F_FLAGS_RES, {0}, 0};
  static dx_field_group fstr = {FL(F_FLAGS_STR), 1, {0}, 0};
  bool built7 = built && !dx_packet_skips_group(p, &bits7);
  bool built_str = built && !dx_packet_skips_group(p, &fstr);
  dx_node *fl = dx_add_item(p, tcp, FL(F_FLAGS), t, 12, 2);
  if (dx_label_wanted(p, fl)) {
    char lb[160];
    dx_sb b;
    dx_sb_init(&b, lb, sizeof lb);
    dx_sb_str(&b, "Flags: 0x");
    sb_hex(&b, flags, 3);
    dx_sb_str(&b, " (");
    dx_sb_str(&b, fnames);
    dx_sb_str(&b, ")");
    dx_node_set_text_sb(p, fl, &b);
  }
  if (built7) {
    dx_node *rn = dx_add_item(p, fl, FL(F_FLAGS_RES), t, 12, 2);
    if (flags & 0xe00) /* the bits that are set, as tshark's ("010.") */
      dx_node_set_text(p, rn, "%c%c%c. .... .... = Reserved: Set", '0' + ((flags >> 11) & 1),
                       '0' + ((flags >> 10) & 1), '0' + ((flags >> 9) & 1));
    dx_add_item(p, fl, FL(F_FLAGS_AE), t, 12, 2);
    dx_add_item(p, fl, FL(F_FLAGS_CWR), t, 12, 2);
    dx_add_item(p, fl, FL(F_FLAGS_ECE), t, 12, 2);
    dx_add_item(p, fl, FL(F_FLAGS_URG), t, 12, 2);
    dx_add_item(p, fl, FL(F_FLAGS_ACK), t, 12, 2);
    dx_add_item(p, fl, FL(F_FLAGS_PUSH), t, 12, 2);
  }
  dx_node *n = dx_add_item(p, fl, FL(F_FLAGS_RESET), t, 12, 2);
  if (flags & TH_RST)
    dx_expert(p, n, FL(F_CONN_RST), DX_SEV_WARN, "Connection reset (RST)");
  n = dx_add_item(p, fl, FL(F_FLAGS_SYN), t, 12, 2);
  if ((flags & (TH_SYN | TH_ACK)) == TH_SYN)
    dx_expert(p, n, FL(F_CONN_SYN), DX_SEV_CHAT,
              "Connection establish request (SYN): server port %u", s->dport);
  else if ((flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK))
    dx_expert(p, n, FL(F_CONN_SYNACK), DX_SEV_CHAT,
              "Connection establish acknowledge (SYN+ACK): server port %u", s->sport);
  n = dx_add_item(p, fl, FL(F_FLAGS_FIN), t, 12, 2);
  if (flags & TH_FIN)
    dx_expert(p, n, FL(F_CONN_FIN), DX_SEV_CHAT, "Connection finish (FIN)");
  if (built_str) {
    char fstr[32];
    size_t fsl = flags_str(flags, fstr);
    n = dx_add_string(p, fl, FL(F_FLAGS_STR), t, 12, 2, fstr, fsl);
    dx_node_set_flags(n, DX_NODE_GENERATED);
  }
  if (a->fin_tag == 1)
    dx_expert(p, n, FL(F_CONN_FIN_ACTIVE), DX_SEV_NOTE,
              "This frame initiates the connection closing");
  else if (a->fin_tag == 2)
    dx_expert(p, n, FL(F_CONN_FIN_PASSIVE), DX_SEV_NOTE,
              "This frame undergoes the connection closing");
}

/* The window field, the scaled window and the scale factor. */
static void tree_window(dx_packet *p, const dx_tvb *t, dx_node *tcp, const tcp_seg *s,
                        const tcp_conn *k, const tcp_analysis *a) {
  static dx_field_group win = {
      FL(F_WINDOW_VALUE), F_WINDOW_SCALEFACTOR + 1 - F_WINDOW_VALUE, {0}, 0};
  if (!dx_layer_built(p, tcp) || dx_packet_skips_group(p, &win))
    return; /* nodes only */
  dx_add_item(p, tcp, FL(F_WINDOW_VALUE), t, 14, 2);
  dx_node *n = dx_add_uint(p, tcp, FL(F_WINDOW_SIZE), t, 14, 2, a->wscaled);
  dx_node_set_flags(n, DX_NODE_GENERATED);
  if (k->h && !(s->flags & TH_SYN)) {
    int64_t sf = k->h->ws >= 0 ? (int64_t)1 << k->h->ws : k->h->ws;
    n = dx_add_int(p, tcp, FL(F_WINDOW_SCALEFACTOR), t, 14, 2, sf);
    dx_node_set_flags(n, DX_NODE_GENERATED);
    if (sf == -1)
      dx_node_set_text(p, n, "Window size scaling factor: -1 (unknown)");
    else if (sf == -2)
      dx_node_set_text(p, n, "Window size scaling factor: -2 (no window scaling used)");
  }
}

/* The checksum (RFC 9293 3.1: over the pseudo-header, header and data),
 * verified when asked to. Returns the tcp.checksum.status value. */
static unsigned tree_checksum(dx_packet *p, const dx_tvb *t, dx_node *tcp, const tcp_seg *s,
                              const tcp_conn *k) {
  static dx_field_group sum = {FL(F_CHECKSUM), F_CHECKSUM_STATUS + 1 - F_CHECKSUM, {0}, 0};
  if ((!dx_layer_built(p, tcp) || dx_packet_skips_group(p, &sum)) &&
      !dx_packet_config(p)->check_checksums)
    return 2; /* unverified, and no node to add (or only ghosts) */
  dx_node *n = dx_add_item(p, tcp, FL(F_CHECKSUM), t, 16, 2);
  unsigned cstatus = 2;
  uint32_t seg_total = s->seg_total;
  if (dx_label_wanted(p, n)) {
    char lb[48];
    dx_sb b;
    dx_sb_init(&b, lb, sizeof lb);
    dx_sb_str(&b, "Checksum: 0x");
    sb_hex(&b, s->sum, 4);
    dx_sb_str(&b, " [unverified]");
    dx_node_set_text_sb(p, n, &b);
  }
  if (dx_packet_config(p)->check_checksums && !s->bogus_past_end && dx_tvb_has(t, 0, seg_total) &&
      !k->quoted && p->net_src.type == p->net_dst.type) {
    uint32_t ps = dx_cksum_pseudo(&p->net_src, &p->net_dst, 6, seg_total);
    uint16_t calc = dx_cksum_fold(dx_cksum_add(ps, t->data, seg_total));
    if (calc == 0) {
      cstatus = 1;
      dx_node_set_text(p, n, "Checksum: 0x%04x [correct]", s->sum);
      dx_node *cc = dx_add_uint(p, tcp, FL(F_CHECKSUM_CALC), t, 16, 2, s->sum);
      dx_node_set_flags(cc, DX_NODE_GENERATED);
    } else {
      cstatus = 0;
      /* the same sum with the checksum field taken as zero */
      uint16_t expect =
          dx_cksum_fold(dx_cksum_add(dx_cksum_add(ps, t->data, 16), t->data + 18, seg_total - 18));
      dx_node_set_text(p, n, "Checksum: 0x%04x incorrect, should be 0x%04x", s->sum, expect);
      dx_node *cc = dx_add_uint(p, tcp, FL(F_CHECKSUM_CALC), t, 16, 2, expect);
      dx_node_set_flags(cc, DX_NODE_GENERATED);
      dx_expert(p, n, FL(F_CHECKSUM_BAD), DX_SEV_ERROR, "Bad checksum [should be 0x%04x]", expect);
    }
  }
  n = dx_add_uint(p, tcp, FL(F_CHECKSUM_STATUS), t, 0, 0, cstatus);
  if (dx_label_wanted(p, n)) {
    char lb[48];
    dx_sb b;
    dx_sb_init(&b, lb, sizeof lb);
    dx_sb_str(&b, "Checksum Status: ");
    dx_sb_str(&b, dx_val_name(cksum_status_vals, cstatus));
    dx_node_set_text_sb(p, n, &b);
  }
  dx_node_set_flags(n, DX_NODE_GENERATED);
  return cstatus;
}

/* The stream's timestamps (tcp.time_relative, tcp.time_delta). */
static void tree_timestamps(dx_packet *p, const dx_tvb *t, dx_node *tcp, const tcp_analysis *a) {
  static dx_field_group times = {FL(F_TIMESTAMPS), F_TIME_DELTA + 1 - F_TIMESTAMPS, {0}, 0};
  if (!dx_layer_built(p, tcp) || dx_packet_skips_group(p, &times))
    return; /* nodes only */
  dx_node *ts = dx_add_none(p, tcp, FL(F_TIMESTAMPS), t, 0, 0);
  dx_node_set_flags(ts, DX_NODE_GENERATED);
  dx_node_set_flags(dx_add_time(p, ts, FL(F_TIME_RELATIVE), t, 0, 0, a->rel_sec, a->rel_nsec),
                    DX_NODE_GENERATED);
  dx_node_set_flags(dx_add_time(p, ts, FL(F_TIME_DELTA), t, 0, 0, a->delta_sec, a->delta_nsec),
                    DX_NODE_GENERATED);
}

/* The header's fields in wire order (options included) and the stream's
 * timestamps. Fills *sh with what the summary needs. */
static void tree_header(dx_packet *p, const dx_tvb *t, dx_node *tcp, const tcp_seg *s,
                        const tcp_conn *k, const tcp_analysis *a, tcp_shown *sh) {
  tree_numbers(p, t, tcp, s, k, a);
  tree_flags(p, t, tcp, s, a, sh->fnames, sizeof sh->fnames);
  tree_window(p, t, tcp, s, k, a);
  sh->cstatus = tree_checksum(p, t, tcp, s, k);
  dx_node *n = dx_add_item(p, tcp, FL(F_URGENT_POINTER), t, 18, 2);
  if (!(s->flags & TH_URG) && s->urp != 0)
    dx_expert(p, n, FL(F_URG_NONZERO), DX_SEV_NOTE,
              "The urgent pointer field is nonzero while the URG flag is not set");
  /* no option item wanted (terse packets) and plain options: the first
   * pass (peek_options) has filled sh->o, its Info text too */
  static dx_field_group opt_fields = {FL(F_OPTIONS), F_OPT_LEN_INVALID + 1 - F_OPTIONS, {0}, 0};
  bool walked =
      s->hlen > 20 && !s->bogus_past_end && s->opts_plain && dx_packet_skips_group(p, &opt_fields);
  if (!walked) {
    opts_clear(&sh->o);
    sh->o.no_info = !p->want_columns;
    sh->o.syn = (s->flags & TH_SYN) != 0;
    if (s->hlen > 20) {
      const tcp_half *r = k->r;
      dissect_options(p, tcp, t, s->hlen, r ? r->base : 0, r && r->base_set,
                      (s->flags & TH_ACK) != 0, s->ack, &sh->o);
    }
  }
  if (!s->bogus_past_end && !dx_tvb_has(t, 0, s->hlen))
    dx_mark_truncated(p, tcp, "TCP header cut short");
  if (k->c)
    tree_timestamps(p, t, tcp, a);
}

/* The SEQ/ACK analysis subtree, only when there is something to say. */
static void tree_analysis(dx_packet *p, const dx_tvb *t, dx_node *tcp, const tcp_conn *k,
                          const tcp_analysis *a) {
  if (a->ual_lost == UAL_NO_ROOM)
    dx_expert(p, tcp, dx_field_limit(), DX_SEV_NOTE,
              "[Segment not remembered for the ACK analysis: the session's byte budget (%llu "
              "bytes) has no room left for it]",
              (unsigned long long)k->h->rs.lim.max_total);
  else if (a->ual_lost == UAL_NO_RUN)
    dx_expert(p, tcp, dx_field_limit(), DX_SEV_NOTE,
              "[Segment not remembered for the ACK analysis: %d runs of unacknowledged "
              "segments out of order with it are waiting already]",
              UAL_RUNS);
  if (!(k->c && (a->acks_frame || a->have_bif || a->have_push || a->ta)))
    return;
  dx_node *n;
  dx_node *an = dx_add_none(p, tcp, FL(F_ANALYSIS), t, 0, 0);
  dx_node_set_flags(an, DX_NODE_GENERATED);
  if (a->acks_frame) {
    n = dx_add_uint(p, an, FL(F_A_ACKS_FRAME), t, 0, 0, a->acks_frame);
    dx_node_set_flags(n, DX_NODE_GENERATED);
    if (a->rtt_sec || a->rtt_nsec) {
      n = dx_add_time(p, an, FL(F_A_ACK_RTT), t, 0, 0, a->rtt_sec, a->rtt_nsec);
      dx_node_set_flags(n, DX_NODE_GENERATED);
    }
  }
  if (k->c->irtt_set) {
    n = dx_add_time(p, an, FL(F_A_INITIAL_RTT), t, 0, 0, k->c->irtt_sec, k->c->irtt_nsec);
    dx_node_set_flags(n, DX_NODE_GENERATED);
  }
  if (a->have_bif) {
    n = dx_add_uint(p, an, FL(F_A_BYTES_IN_FLIGHT), t, 0, 0, a->bif);
    dx_node_set_flags(n, DX_NODE_GENERATED);
  }
  if (a->have_push) {
    n = dx_add_uint(p, an, FL(F_A_PUSH_BYTES), t, 0, 0, a->push_bytes);
    dx_node_set_flags(n, DX_NODE_GENERATED);
  }
  if (!a->ta)
    return;
  dx_node *af = dx_add_none(p, an, FL(F_ANALYSIS_FLAGS), t, 0, 0);
  dx_node_set_flags(af, DX_NODE_GENERATED);
  for (size_t i = 0; i < DX_ARRAY_LEN(analysis_notes); i++) {
    if (!(a->ta & analysis_notes[i].bit))
      continue;
    if (analysis_notes[i].bit == A_DUP_ACK) {
      /* a plain item here; the expert note goes on the frame number */
      n = dx_add_none(p, af, FL(F_A_DUP_ACK), t, 0, 0);
      dx_node_set_text(p, n, "This is a TCP duplicate ack");
      dx_node_set_flags(n, DX_NODE_GENERATED);
      continue;
    }
    dx_expert(p, af, FL(analysis_notes[i].field), analysis_notes[i].sev, "%s",
              analysis_notes[i].msg);
    /* a fast or spurious retransmission is a retransmission too */
    if (analysis_notes[i].bit == A_FAST_RETRANS || analysis_notes[i].bit == A_SPURIOUS)
      dx_expert(p, af, FL(F_A_RETRANS), DX_SEV_NOTE, "This frame is a (suspected) retransmission");
  }
  if ((a->ta & A_RETRANS) && a->rto_frame && (a->rto_sec || a->rto_nsec)) { /* as tshark: not 0 */
    n = dx_add_time(p, af, FL(F_A_RTO), t, 0, 0, a->rto_sec, a->rto_nsec);
    dx_node_set_flags(n, DX_NODE_GENERATED);
    n = dx_add_uint(p, af, FL(F_A_RTO_FRAME), t, 0, 0, a->rto_frame);
    dx_node_set_flags(n, DX_NODE_GENERATED);
  }
  if (a->ta & A_DUP_ACK) {
    n = dx_add_uint(p, an, FL(F_A_DUP_ACK_NUM), t, 0, 0, a->dupack_num);
    dx_node_set_flags(n, DX_NODE_GENERATED);
    n = dx_add_uint(p, an, FL(F_A_DUP_ACK_FRAME), t, 0, 0, a->dupack_frame);
    dx_node_set_flags(n, DX_NODE_GENERATED);
    dx_expert(p, n, FL(F_A_DUP_ACK), DX_SEV_NOTE, "Duplicate ACK (#%u)", a->dupack_num);
  }
}

/* ---- the summary ---- */

/* The Info prefix of the analysis flags ("[TCP Retransmission] "), built
 * only when the Info column is wanted. Returns its length. */
static size_t info_prefix(const dx_packet *p, const tcp_conn *k, const tcp_analysis *a,
                          char *prefix, size_t size) {
  size_t pfx = 0;
  prefix[0] = 0;
  if (!k->c || !a->ta || !p->want_columns)
    return 0;
  for (size_t i = 0; i < DX_ARRAY_LEN(analysis_notes); i++) {
    if (!(a->ta & analysis_notes[i].bit))
      continue;
    char info[64];
    const char *in = analysis_notes[i].info;
    if (analysis_notes[i].bit == A_DUP_ACK) {
      dx_snprintf(info, sizeof info, "[TCP Dup ACK %llu#%u] ", (unsigned long long)a->dupack_frame,
                  a->dupack_num);
      in = info;
    }
    /* prepend */
    size_t il = strlen(in);
    if (pfx + il < size) {
      memmove(prefix + il, prefix, pfx + 1);
      memcpy(prefix, in, il);
      pfx += il;
    }
  }
  return pfx;
}

/* The protocol node's label and the Info column. */
static void summary(dx_packet *p, dx_node *tcp, const tcp_seg *s, const tcp_analysis *a,
                    const tcp_shown *sh, const char *prefix) {
  bool ack_flag = s->flags & TH_ACK;
  if (dx_label_wanted(p, tcp)) {
    char lb[160];
    dx_sb b;
    dx_sb_init(&b, lb, sizeof lb);
    sb_ports(&b, s);
    dx_sb_kv(&b, ", Seq: ", a->rseq);
    if (ack_flag)
      dx_sb_kv(&b, ", Ack: ", a->rack);
    if (!s->in_err && !s->bogus_past_end) /* tshark knows no length there */
      dx_sb_kv(&b, ", Len: ", s->seglen);
    dx_node_set_text_sb(p, tcp, &b);
  }
  if (!p->want_columns)
    return;
  char info[600];
  dx_sb b;
  dx_sb_init(&b, info, sizeof info);
  dx_sb_str(&b, prefix);
  dx_sb_u64(&b, s->sport);
  dx_sb_kv(&b, " \xe2\x86\x92 ", s->dport);
  dx_sb_str(&b, " [");
  dx_sb_str(&b, sh->fnames);
  dx_sb_kv(&b, "] Seq=", a->rseq);
  if (ack_flag)
    dx_sb_kv(&b, " Ack=", a->rack);
  dx_sb_kv(&b, " Win=", a->wscaled);
  if (s->flags & TH_URG)
    dx_sb_kv(&b, " Urg=", s->urp);
  if (!s->in_err && !s->bogus_past_end) /* as tshark: no length known there */
    dx_sb_kv(&b, " Len=", s->seglen);
  dx_sb_str(&b, sh->o.info);
  if (sh->cstatus == 0)
    dx_sb_str(&b, " [TCP CHECKSUM INCORRECT]");
  dx_col_info_set_str(p, info, b.len);
}

/* ---- feeding the stream ---- */

/* Hands the bytes of a segment with no reassembly (no connection, bytes
 * missing, or a RST) to the application once. */
static void feed_once(dx_packet *p, const tcp_seg *s, const tcp_conn *k, const dx_tvb *pl,
                      dx_node *parent) {
  if (k->c && pl->len < s->seglen)
    dx_tcp_stream_skip(&k->h->rs, (s->flags & TH_SYN) ? s->seq + 1 : s->seq, s->seglen);
  if (pl->len == 0)
    return;
  uint32_t took = dx_stream_call_once(p, k->c ? &k->c->bs : NULL, &tcp_kind, k->dir, s->sport,
                                      s->dport, pl, parent);
  if (took == 0)
    dx_dissect_data(p, pl, parent);
}

/* A "TCP segment data" node for len bytes of the segment from off. */
static void seg_data(dx_packet *p, dx_node *tcp, const dx_tvb *pl, uint32_t len, bool retrans) {
  dx_node *n = dx_add_bytes(p, tcp, FL(F_SEGMENT_DATA), pl, 0, len);
  dx_node_set_text(p, n, "%sTCP segment data (%u byte%s)", retrans ? "Retransmitted " : "", len,
                   len == 1 ? "" : "s");
}

/* Pushes a segment whose bytes go to no application: new bytes it brings
 * are consumed unseen. The pending PDU, which they do not continue, is
 * kept as the stale one (pseq: where it starts, as it was before the
 * push). */
static int push_unseen(dx_packet *p, const tcp_conn *k, uint32_t dseq, const dx_tvb *pl,
                       uint32_t seglen, bool pending, uint32_t pseq) {
  dx_tcp_stream *rs = &k->h->rs;
  dx_reasm_out out;
  int rc = dx_tcp_stream_push(rs, dseq, pl->data, seglen, p->num, &out);
  if (rc == DX_REASM_DELIVER && pending && dx_tcp_pdu_pending(rs))
    dx_tcp_pdu_park(rs, pseq);
  if (rc == DX_REASM_DELIVER && out.gap)
    dx_stream_gap(&k->c->bs, k->dir);
  return rc;
}

/* A segment flagged as a retransmission, out of order or a spurious
 * retransmission, without reordering: what tshark 4.0's desegment_tcp()
 * does with it by default. It is never handed to the application
 * (tcp.no_subdissector_on_error); against its table of PDUs:
 *   - within a PDU that starts where it starts: "Retransmitted TCP segment
 *     data", nothing else; so for a (non-spurious) retransmission anywhere;
 *   - else, starting within the last PDU that starts before it: its bytes
 *     go into that PDU: the pending one, or the stale one (left incomplete
 *     when a gap was given up), which it may complete: the PDU's segments
 *     are listed then, the application is not called; one completed before
 *     cannot take bytes again: a reassembly error;
 *   - else nothing.
 * Returns true when the segment is left a piece of an incomplete PDU. */
static bool feed_flagged(dx_packet *p, dx_node *tcp, dx_node *parent, const tcp_seg *s,
                         const tcp_conn *k, const tcp_analysis *a, const dx_tvb *pl,
                         const char *prefix, size_t pfx) {
  dx_tcp_stream *rs = &k->h->rs;
  uint32_t seglen = s->seglen;
  uint32_t dseq = (s->flags & TH_SYN) ? s->seq + 1 : s->seq;
  bool pending = dx_tcp_pdu_pending(rs);
  uint32_t pseq = rs->next_seq - rs->pdu_len;
  dx_reasm_msp m;
  bool have = dx_tcp_msp_find(rs, dseq, true, &m);
  if (have && LE_SEQ(dseq + seglen, m.end)) {
    seg_data(p, tcp, pl, seglen, true);
    push_unseen(p, k, dseq, pl, seglen, pending, pseq);
    return false;
  }
  if (a->ta & (A_SPURIOUS | A_RETRANS)) {
    if (a->ta & A_RETRANS)
      seg_data(p, tcp, pl, seglen, true);
    /* (one ahead of a gap in the pending PDU is not kept for it: tshark
     * adds no retransmission to its PDU, whose hole stays open) */
    if (!(pending && GT_SEQ(dseq, rs->next_seq)))
      push_unseen(p, k, dseq, pl, seglen, pending, pseq);
    return false;
  }
  if (!have)
    have = dx_tcp_msp_find(rs, dseq - 1, false, &m);
  if (!have || !LT_SEQ(dseq, m.end) || LT_SEQ(dseq, m.seq)) {
    push_unseen(p, k, dseq, pl, seglen, pending, pseq);
    return false;
  }
  if (m.kind == DX_MSP_DONE) {
    /* tshark's fragment_add() on a finished reassembly: an exception,
     * caught where the frame is dissected */
    static const char why[] = "New fragment overlaps old data (retransmission?)";
    dx_node *e = dx_add_none(p, parent, dx_field_malformed(), NULL, 0, 0);
    dx_node_set_text(p, e, "[Reassembly error, protocol TCP: %s]", why);
    dx_expert(p, e, dx_field_malformed(), DX_SEV_ERROR, "[%s]", why);
    dx_col_info_append(p, "[Reassembly error, protocol TCP: %s]", why);
    push_unseen(p, k, dseq, pl, seglen, pending, pseq);
    return false;
  }
  bool completed = false, conflict = false;
  uint32_t took = 0, shown = seglen;
  if (m.kind == DX_MSP_STALE) {
    int r = dx_tcp_stale_add(rs, dseq, pl->data, seglen, p->num, &took);
    /* tshark adds the segment's bytes up to the PDU's known end to it
     * (fragment_add()), and lists those as its segment data */
    if (r != DX_STALE_COMPLETE && rs->st_need && !rs->st_one_more &&
        LT_SEQ(rs->st_seq + rs->st_need, dseq + seglen) && LT_SEQ(dseq, rs->st_seq + rs->st_need))
      shown = rs->st_seq + rs->st_need - dseq;
    if (r == DX_STALE_COMPLETE) {
      completed = true;
      conflict = dx_stream_show_pdu(p, &k->c->bs, rs->st, rs->st_len, rs->st_pieces, rs->st_npieces,
                                    tcp, parent);
      dx_tcp_stale_drop(rs, true);
    }
    push_unseen(p, k, dseq, pl, seglen, pending, pseq);
  } else {
    /* the pending PDU: the segment starts in it */
    dx_reasm_out out;
    int rc = dx_tcp_stream_push(rs, dseq, pl->data, seglen, p->num, &out);
    if (rc == DX_REASM_DROPPED) {
      dx_expert(p, tcp, dx_field_limit(), DX_SEV_WARN,
                "[TCP reassembly: out-of-order segment could not be kept (buffer full)]");
      return false;
    }
    if (rc == DX_REASM_DELIVER && out.gap) {
      /* (no room to keep it ahead of a hole, or it reached past the PDU's
       * end: the PDU became stale; the bytes after its end go to no
       * application, as tshark's process_tcp_payload() gives a flagged
       * segment to none) */
      dx_stream_gap(&k->c->bs, k->dir);
      if (!out.pdu_cut)
        return false;
      seg_data(p, tcp, pl, out.pdu_cut, false);
      return true;
    }
    if (rc == DX_REASM_DELIVER) {
      /* The bytes it brings after the ones held (and any kept ahead that
       * now follow): where they overlap what the PDU held, the piece is
       * listed from the segment's start, and flagged */
      uint32_t n1 = out.npieces ? out.npieces : 1;
      dx_reasm_piece *pc = dx_arena_alloc(&p->arena, n1 * sizeof *pc);
      if (!pc)
        return false;
      memcpy(pc, out.pieces, out.npieces * sizeof *pc);
      if (out.seg_len && out.seg_off && out.npieces && pc[0].frame == p->num &&
          LE_SEQ(pseq, dseq)) {
        uint32_t back = out.seg_off;
        pc[0].back = back;
        pc[0].flags = DX_PIECE_OVERLAP;
        if (memcmp(rs->pdu + (dseq - pseq), pl->data, back) != 0)
          pc[0].flags |= DX_PIECE_CONFLICT;
      }
      dx_stream_input in = {k->dir, out.data, out.len, NULL, 0, pc, out.npieces, tcp, parent, 0};
      uint32_t taken = dx_stream_fill(p, &k->c->bs, &in, &completed, &conflict);
      /* this segment's bytes up to the last one taken */
      uint32_t upto = out.seg_off + (taken < out.seg_len ? taken : out.seg_len);
      took = completed ? upto : seglen;
      if (!completed && dx_tcp_pdu_pending(rs) && taken < out.len)
        dx_tcp_pdu_park(rs, pseq); /* (bytes past it consumed unseen) */
    } else {
      took = seglen; /* held before, or kept ahead of a hole in it */
    }
  }
  if (!completed) {
    seg_data(p, tcp, pl, shown, false);
    return true;
  }
  seg_data(p, tcp, pl, took ? took : seglen, false);
  if (conflict && p->want_columns)
    dx_col_info_set(p, "%.*s[Illegal Segments]", (int)pfx, prefix);
  return false;
}

/* The bytes of the segment from `from` on, after a PDU's end: the
 * application gets them as the start of the next PDU, and what it then
 * asks for starts a stale PDU (the segment is not in order). */
static void run_rest(dx_packet *p, dx_node *tcp, dx_node *parent, const tcp_conn *k,
                     const dx_tvb *pl, uint32_t dseq, uint32_t from, uint32_t seglen,
                     dx_stream_result *res) {
  dx_tcp_stream *rs = &k->h->rs;
  uint32_t doff, dlen;
  dx_reasm_piece pc = {p->num, seglen - from, 0, 0};
  dx_stream_input rest = {k->dir, pl->data + from, seglen - from, pl, from, &pc, 1, tcp, parent, 0};
  res->called_any |= dx_stream_run_once(p, &k->c->bs, &rest, &doff, &dlen);
  if (!dlen)
    return;
  uint32_t keep = seglen - from - doff;
  if (keep) {
    dx_node *n = dx_add_bytes(p, tcp, FL(F_SEGMENT_DATA), pl, from + doff, keep);
    dx_node_set_text(p, n, "TCP segment data (%u byte%s)", keep, keep == 1 ? "" : "s");
  }
  if (!dx_tcp_stale_start(rs, dseq + from + doff, pl->data + from + doff, keep,
                          dlen == DX_DESEGMENT_ONE_MORE ? 0 : dlen, p->num))
    dx_expert(p, tcp, dx_field_limit(), DX_SEV_WARN,
              "[TCP reassembly: a PDU begun out of order could not be kept (buffer full)]");
}

/* True if a PDU of tshark's table that we remember holds the byte seq. */
static bool msp_holds(const dx_tcp_stream *rs, uint32_t seq) {
  dx_reasm_msp m;
  if (dx_tcp_msp_find(rs, seq, true, &m))
    return true;
  return dx_tcp_msp_find(rs, seq - 1, false, &m) && LT_SEQ(seq, m.end);
}

/* A fast retransmission of bytes delivered before and in no PDU: tshark's
 * desegment_tcp() dissects it afresh (it is not flagged a retransmission
 * there), and what the application then asks for starts a PDU, kept as the
 * stale one (its bytes were delivered: nothing in order follows them). */
static int fast_again(dx_packet *p, dx_node *tcp, dx_node *parent, const tcp_seg *s,
                      const tcp_conn *k, const dx_tvb *pl, dx_stream_result *res) {
  dx_tcp_stream *rs = &k->h->rs;
  uint32_t seglen = s->seglen, doff, dlen;
  uint32_t dseq = (s->flags & TH_SYN) ? s->seq + 1 : s->seq;
  if (pl->len < seglen)
    return 0;
  dx_reasm_piece pc = {p->num, seglen, 0, 0};
  dx_stream_input in = {k->dir, pl->data, seglen, pl, 0, &pc, 1, tcp, parent, 0};
  res->called_any |= dx_stream_run_once(p, &k->c->bs, &in, &doff, &dlen);
  if (!dlen)
    return 1;
  uint32_t keep = seglen - doff;
  if (keep)
    seg_data(p, tcp, pl, keep, false);
  if (!dx_tcp_stale_start(rs, dseq + doff, pl->data + doff, keep,
                          dlen == DX_DESEGMENT_ONE_MORE ? 0 : dlen, p->num))
    dx_expert(p, tcp, dx_field_limit(), DX_SEV_WARN,
              "[TCP reassembly: a PDU begun out of order could not be kept (buffer full)]");
  /* (only a segment that is all a piece of that PDU is "[TCP segment of a
   * reassembled PDU]"; one whose first messages were dissected keeps
   * their protocol and Info, as tshark's) */
  return doff == 0 ? 2 : 1;
}

/* A fast retransmission, without reordering. tshark 4.0 flags it
 * TCP_A_FAST_RETRANSMISSION only (not TCP_A_RETRANSMISSION), so its
 * desegment_tcp() neither sets it aside nor keeps it from the application:
 *   - within a PDU that starts where it starts: "Retransmitted TCP segment
 *     data", nothing else;
 *   - starting within the stale PDU (left incomplete when a gap was given
 *     up): its bytes go there, and when they complete it the application
 *     gets the PDU, and the bytes of the segment after the PDU's end as the
 *     start of the next one (another_pdu_follows); what that one still
 *     needs makes it the stale PDU, for a later segment that fills the
 *     same old gap; if the application asks for more than the PDU held,
 *     the PDU stays stale and waits for it;
 *   - bytes seen before and in no PDU: dissected afresh (fast_again).
 * With flagged false (a segment not flagged at all that starts within the
 * stale PDU), only the second case applies.
 * Returns 0 if none of these applies (the segment is then fed as any
 * other), 1 if handled, 2 if handled and left a piece of an incomplete
 * PDU. */
static int feed_fast(dx_packet *p, dx_node *tcp, dx_node *parent, const tcp_seg *s,
                     const tcp_conn *k, const dx_tvb *pl, dx_stream_result *res, bool flagged,
                     const char **fence) {
  dx_tcp_stream *rs = &k->h->rs;
  uint32_t seglen = s->seglen;
  uint32_t dseq = (s->flags & TH_SYN) ? s->seq + 1 : s->seq;
  bool pending = dx_tcp_pdu_pending(rs);
  uint32_t pseq = rs->next_seq - rs->pdu_len;
  dx_reasm_msp m;
  bool have = dx_tcp_msp_find(rs, dseq, true, &m);
  if (flagged && have && LE_SEQ(dseq + seglen, m.end) && m.kind != DX_MSP_PENDING) {
    seg_data(p, tcp, pl, seglen, true);
    push_unseen(p, k, dseq, pl, seglen, pending, pseq);
    return 1;
  }
  if (!have || m.kind != DX_MSP_STALE)
    have = dx_tcp_msp_find(rs, dseq - 1, false, &m);
  if (!have || m.kind != DX_MSP_STALE || !LT_SEQ(dseq, m.end) || LT_SEQ(dseq, m.seq)) {
    if (flagged && LE_SEQ(dseq + seglen, rs->next_seq) && !msp_holds(rs, dseq))
      return fast_again(p, tcp, parent, s, k, pl, res);
    return 0;
  }
  uint32_t took = 0;
  int r = dx_tcp_stale_add(rs, dseq, pl->data, seglen, p->num, &took);
  if (r != DX_STALE_COMPLETE) {
    /* its bytes up to the PDU's known end are the PDU's; those after it
     * start the next one (tshark's another_pdu_follows), after the
     * column's fence */
    uint32_t within = seglen;
    if (rs->st_need && !rs->st_one_more && LT_SEQ(rs->st_seq + rs->st_need, dseq + seglen) &&
        LT_SEQ(dseq, rs->st_seq + rs->st_need))
      within = rs->st_seq + rs->st_need - dseq;
    seg_data(p, tcp, pl, within, false);
    if (within < seglen && fence) {
      if (p->want_columns)
        *fence = dx_arena_strndup(&p->arena, p->col_info ? p->col_info : "", p->col_info_len);
      run_rest(p, tcp, parent, k, pl, dseq, within, seglen, res);
    }
    push_unseen(p, k, dseq, pl, seglen, pending, pseq);
    return 2;
  }
  uint32_t doff, dlen;
  dx_stream_input in = {k->dir,        rs->st,         rs->st_len, NULL,   0,
                        rs->st_pieces, rs->st_npieces, tcp,        parent, 0};
  res->called_any |= dx_stream_run_once(p, &k->c->bs, &in, &doff, &dlen);
  /* (after what the application put under TCP, its PDU size, as tshark) */
  seg_data(p, tcp, pl, took, false);
  if (dlen && dx_tcp_stale_more(rs, doff, dlen == DX_DESEGMENT_ONE_MORE ? 0 : dlen)) {
    /* the application asked for more than the PDU held (tshark extends
     * its PDU): it stays stale, with this segment's bytes after it */
    if (took < seglen) {
      uint32_t t2 = 0;
      dx_tcp_stale_add(rs, dseq + took, pl->data + took, seglen - took, p->num, &t2);
    }
    push_unseen(p, k, dseq, pl, seglen, pending, pseq);
    return 2;
  }
  dx_tcp_stale_drop(rs, true);
  if (took < seglen && took) {
    /* (what the PDUs after it write into Info comes after a fence, as
     * after any reassembled PDU) */
    size_t f0 = p->col_info_fence;
    if (p->want_columns)
      p->col_info_fence = p->col_info_len;
    run_rest(p, tcp, parent, k, pl, dseq, took, seglen, res);
    p->col_info_fence = f0;
  }
  push_unseen(p, k, dseq, pl, seglen, pending, pseq);
  return 1;
}

/* True if the segment starts within a stale PDU (one left incomplete when
 * a gap in it was given up). */
static bool in_stale(const dx_tcp_stream *rs, const tcp_seg *s) {
  if (!rs->st_need && !rs->nold_st)
    return false;
  uint32_t dseq = (s->flags & TH_SYN) ? s->seq + 1 : s->seq;
  dx_reasm_msp m;
  return dx_tcp_msp_find(rs, dseq, false, &m) && m.kind == DX_MSP_STALE && LT_SEQ(dseq, m.end) &&
         LE_SEQ(m.seq, dseq);
}

/* Pushes the segment into its direction's reassembly and delivers what is
 * in order to the byte stream. Fills *res; returns true when bytes of the
 * segment belong to a pending PDU although nothing was delivered. */
static bool feed_reassembly(dx_packet *p, dx_node *tcp, dx_node *parent, const tcp_seg *s,
                            const tcp_conn *k, const tcp_analysis *a, const dx_tvb *pl,
                            dx_stream_result *res, const char **fence) {
  tcp_half *h = k->h;
  int dir = k->dir;
  uint32_t seglen = s->seglen;
  uint32_t dseq = (s->flags & TH_SYN) ? s->seq + 1 : s->seq;
  bool pending = dx_tcp_pdu_pending(&h->rs);
  uint32_t pseq = h->rs.next_seq - h->rs.pdu_len;
  dx_reasm_out out;
  int rc = dx_tcp_stream_push(&h->rs, dseq, pl->data, seglen, p->num, &out);
  dx_node *n;
  if (rc == DX_REASM_DELIVER) {
    const dx_reasm_piece *pcs = out.pieces;
    if (out.pdu_cut) {
      /* its bytes up to the end of the PDU they were kept for (the rest
       * starts the next one); as tshark, the Info column so far is kept,
       * marked, in front of what the next PDU writes (its column fence) */
      seg_data(p, tcp, pl, out.pdu_cut, false);
      if (p->want_columns)
        *fence = dx_arena_strndup(&p->arena, p->col_info ? p->col_info : "", p->col_info_len);
    } else if (pending && out.seg_len && out.seg_off && out.npieces &&
               out.pieces[0].frame == p->num && LE_SEQ(pseq, dseq)) {
      /* It starts in the pending PDU and repeats some of its bytes: tshark
       * lists it whole, flagged as an overlap. */
      dx_reasm_piece *pc = dx_arena_alloc(&p->arena, out.npieces * sizeof *pc);
      if (pc) {
        memcpy(pc, out.pieces, out.npieces * sizeof *pc);
        pc[0].back = out.seg_off;
        pc[0].flags = DX_PIECE_OVERLAP;
        if (memcmp(h->rs.pdu + (dseq - pseq), pl->data, out.seg_off) != 0)
          pc[0].flags |= DX_PIECE_CONFLICT;
        pcs = pc;
      }
    }
    if (out.gap) /* (the analysis says "Previous segment(s) not captured", as tshark) */
      dx_stream_gap(&k->c->bs, dir);
    bool in_frame = out.seg_len == out.len && out.data == pl->data + out.seg_off;
    /* (a segment that filled a gap before bytes kept from later frames:
     * its own bytes at the head, listed as segment data if a PDU keeps them) */
    bool head = !in_frame && out.seg_len && out.seg_len < out.len &&
                (uint64_t)out.seg_off + out.seg_len <= pl->len &&
                memcmp(out.data, pl->data + out.seg_off, out.seg_len) == 0;
    dx_stream_input in = {
        dir,         out.data, out.len, in_frame || head ? pl : NULL, out.seg_off, pcs,
        out.npieces, tcp,      parent,  head ? out.seg_len : 0};
    dx_stream_deliver(p, &k->c->bs, &in, res);
  } else if (rc == DX_REASM_DROPPED) {
    dx_expert(p, tcp, dx_field_limit(), DX_SEV_WARN,
              "[TCP reassembly: out-of-order segment could not be kept (buffer full)]");
  } else if ((rc == DX_REASM_BUFFERED || rc == DX_REASM_OLD) && (a->ta & A_RETRANS)) {
    /* A retransmission adds nothing new: shown as tshark shows it, and not
     * as a segment of the pending PDU. (One that fills a gap in the capture
     * is delivered above, where tshark would leave the gap open.) */
    n = dx_add_bytes(p, tcp, FL(F_SEGMENT_DATA), pl, 0, seglen);
    dx_node_set_text(p, n, "Retransmitted TCP segment data (%u byte%s)", seglen,
                     seglen == 1 ? "" : "s");
  } else if ((rc == DX_REASM_BUFFERED || rc == DX_REASM_OLD) && dx_tcp_pdu_pending(&h->rs)) {
    /* Bytes of the PDU being reassembled that came after a gap, or again:
     * tshark counts the segment as one of that PDU's. */
    uint32_t start = h->rs.next_seq - h->rs.pdu_len;
    uint32_t end = h->rs.pdu_one_more ? h->rs.next_seq + 1 : start + h->rs.pdu_need;
    if (LT_SEQ(dseq, end) && GT_SEQ(dseq + seglen, start)) {
      n = dx_add_bytes(p, tcp, FL(F_SEGMENT_DATA), pl, 0, seglen);
      dx_node_set_text(p, n, "TCP segment data (%u byte%s)", seglen, seglen == 1 ? "" : "s");
      return true;
    }
  }
  return false;
}

/* The payload: shown, then handed to the byte-stream layer (through the
 * reassembly when the connection is known). Returns what dissect_tcp
 * returns: the bytes TCP took. */
/* A FIN ends its direction: a PDU kept until then is dissected in this
 * frame, as tshark does, if every byte before the FIN was delivered (a
 * retransmitted FIN finds nothing kept). */
static void feed_fin(dx_packet *p, dx_node *tcp, dx_node *parent, const tcp_seg *s,
                     const tcp_conn *k) {
  if (!(s->flags & TH_FIN) || !k->c || p->in_icmp_error)
    return;
  dx_tcp_stream *rs = &k->h->rs;
  uint32_t dseq = (s->flags & TH_SYN) ? s->seq + 1 : s->seq;
  if (!rs->pdu_until_fin || !rs->started || rs->next_seq != dseq + s->seglen)
    return;
  dx_node *save_tree = p->pdu_tree;
  const dx_field *save_field = p->pdu_field;
  p->pdu_tree = tcp;
  p->pdu_field = FL(F_PDU_SIZE);
  dx_stream_fin(p, &k->c->bs, k->dir, tcp, parent);
  p->pdu_tree = save_tree;
  p->pdu_field = save_field;
}

/* A FIN with data, in order, while a PDU is kept until the FIN: as tshark,
 * its bytes go straight to that PDU, which is dissected here, and the
 * segment shows no payload items of its own. False if it is not that case
 * (or the bytes do not fit: the stream layer then ends the PDU at its cap). */
static bool fin_data_ends_pdu(dx_packet *p, dx_node *tcp, dx_node *parent, const tcp_seg *s,
                              const tcp_conn *k, const dx_tvb *pl) {
  if (!(s->flags & TH_FIN) || (s->flags & (TH_SYN | TH_RST)) || !k->c || p->in_icmp_error ||
      k->c->bs.reasm_off[k->dir] || pl->len < s->seglen)
    return false;
  dx_tcp_stream *rs = &k->h->rs;
  if (!rs->pdu_until_fin || !dx_tcp_pdu_pending(rs) || !rs->started || rs->next_seq != s->seq ||
      !dx_tcp_pdu_fits(rs, s->seglen))
    return false;
  dx_reasm_out out;
  if (dx_tcp_stream_push(rs, s->seq, pl->data, s->seglen, p->num, &out) != DX_REASM_DELIVER)
    return false;
  if (!dx_tcp_pdu_append(rs, out.data, out.len, out.pieces, out.npieces))
    return true; /* (cannot happen: it fit) */
  feed_fin(p, tcp, parent, s, k);
  return true;
}

static uint32_t feed_stream(dx_packet *p, const dx_tvb *t, dx_node *tcp, dx_node *parent,
                            const tcp_seg *s, const tcp_conn *k, const tcp_analysis *a,
                            const char *prefix, size_t pfx) {
  if (s->bogus_past_end)
    return s->hlen < t->len ? s->hlen : t->len;
  if (s->seglen == 0) {
    feed_fin(p, tcp, parent, s, k);
    return s->hlen < t->len ? s->hlen : t->len;
  }
  {
    dx_tvb fpl = dx_tvb_sub(t, s->hlen, UINT32_MAX);
    if (fin_data_ends_pdu(p, tcp, parent, s, k, &fpl)) {
      dx_node_set_len(tcp, s->hlen <= t->len ? s->hlen : t->len);
      return t->len;
    }
  }
  uint32_t seglen = s->seglen;
  dx_tvb pl = dx_tvb_sub(t, s->hlen, UINT32_MAX);
  dx_node *n = dx_add_bytes(p, tcp, FL(F_PAYLOAD), &pl, 0, seglen);
  label_num(p, n, "TCP payload (", seglen, seglen == 1 ? " byte)" : " bytes)");
  dx_node_set_len(tcp, s->hlen <= t->len ? s->hlen : t->len);

  bool once = !k->c || pl.len < seglen || (s->flags & TH_RST);
  if (!once && k->c->bs.reasm_off[k->dir]) {
    /* Reassembly gave up on this direction: show new bytes as data. */
    dx_dissect_data(p, &pl, parent);
    return t->len;
  }
  /* the applications' PDU sizes go under this segment's tree (dx_pdu_size) */
  dx_node *save_tree = p->pdu_tree;
  const dx_field *save_field = p->pdu_field;
  p->pdu_tree = tcp;
  p->pdu_field = FL(F_PDU_SIZE);
  dx_stream_result res = {false, false, false, false};
  bool kept = false;
  const char *fence = NULL;
  int fast = 0;
  if (once)
    feed_once(p, s, k, &pl, parent);
  else if (k->h->rs.no_reorder && k->h->rs.started && (a->ta & (A_RETRANS | A_OOO | A_SPURIOUS)))
    kept = feed_flagged(p, tcp, parent, s, k, a, &pl, prefix, pfx);
  else if (k->h->rs.no_reorder && k->h->rs.started && (a->ta & A_FAST_RETRANS) &&
           (fast = feed_fast(p, tcp, parent, s, k, &pl, &res, true, &fence)) != 0)
    kept = fast == 2;
  else if (k->h->rs.no_reorder && k->h->rs.started && !dx_tcp_pdu_pending(&k->h->rs) &&
           in_stale(&k->h->rs, s) &&
           (fast = feed_fast(p, tcp, parent, s, k, &pl, &res, false, &fence)) != 0)
    /* new bytes inside a PDU left incomplete (stale): tshark's
     * desegment_tcp() puts any segment that starts within a PDU of its
     * table into that PDU, in order or not */
    kept = fast == 2;
  else {
    /* (the bytes that come with the FIN are the direction's last) */
    p->stream_end = (s->flags & TH_FIN) ? DX_STREAM_END : DX_STREAM_MORE;
    kept = feed_reassembly(p, tcp, parent, s, k, a, &pl, &res, &fence);
    p->stream_end = DX_STREAM_MORE;
  }
  p->pdu_tree = save_tree;
  p->pdu_field = save_field;
  if (!once && (s->flags & TH_FIN) && dx_tcp_pdu_pending(&k->h->rs)) {
    feed_fin(p, tcp, parent, s, k);
    if (!dx_tcp_pdu_pending(&k->h->rs))
      res.pdu_done = true;
  }
  if (fence) {
    /* tshark's column fence after bytes that went to a PDU: what the
     * application wrote follows, after a separator */
    char *cur = dx_arena_strndup(&p->arena, p->col_info ? p->col_info : "", p->col_info_len);
    /* (an application that only asked for more wrote nothing after it) */
    if (cur && res.called_any && cur[0] && strcmp(cur, fence) != 0)
      dx_col_info_set(p, "%s [TCP segment of a reassembled PDU]%s%s", fence,
                      p->col_info_added ? "" : ", ", cur);
    else
      dx_col_info_set(p, "%s [TCP segment of a reassembled PDU]", fence);
    dx_col_set_proto(p, "TCP"); /* (the protocol column is behind the fence too) */
    return t->len;
  }
  if (!once && (res.buffered || kept) && !res.pdu_done) {
    dx_col_set_proto(p, "TCP");
    if (pfx && res.called_any && p->want_columns && p->col_info_len == 0)
      /* the application cleared the column (TLS starting a record): in
       * tshark the analysis prefix stays before the column's fence, so
       * the separator still comes ("...not captured]  [TCP segment...") */
      dx_col_info_set(p, " [TCP segment of a reassembled PDU]");
    else
      dx_col_info_append_sep(p, " ", "[TCP segment of a reassembled PDU]");
  }
  if (pfx && (once || res.called_any) && p->want_columns && p->col_info &&
      strncmp(p->col_info, prefix, pfx) != 0) {
    /* Keep the analysis prefix in front of what the application wrote. */
    char *cur = dx_arena_strndup(&p->arena, p->col_info, p->col_info_len);
    bool sep = p->col_info_sep;
    if (cur)
      dx_col_info_set(p, "%s%s%s", prefix, sep ? ", " : "", cur);
  }
  return t->len;
}

/* A header length below 20 (RFC 9293 3.1: at least 5 words): as tshark
 * 4.0, the segment still belongs to its connection (stream, relative
 * sequence number, its length from that header length, the sequence
 * analysis) and the dissection stops at the header length, with an error
 * note and no payload. */
static void bogus_short_header(dx_packet *p, const dx_tvb *t, dx_node *tcp, const tcp_seg *s) {
  tcp_conn k;
  find_conn(p, tcp, s, &k);
  tcp_analysis a;
  memset(&a, 0, sizeof a);
  a.rseq = s->seq;
  a.wscaled = s->win;
  if (k.qflow) {
    tree_quoted(p, t, tcp, s, &k);
  } else {
    track_conn(p, s, &k, &a);
    analyze(p, s, &k, &a);
    if (k.c)
      p->stream = k.flow->index;
    if (k.c && dx_layer_built(p, tcp)) {
      dx_node *n = dx_add_uint(p, tcp, FL(F_STREAM), t, 0, 0, k.flow->index);
      dx_node_set_flags(n, DX_NODE_GENERATED);
      n = dx_add_uint(p, tcp, FL(F_COMPLETENESS), t, 0, 0, a.completeness_shown);
      dx_node_set_flags(n, DX_NODE_GENERATED);
    }
    if (dx_layer_built(p, tcp)) {
      dx_node *n = dx_add_uint(p, tcp, FL(F_LEN), t, 0, 0, s->seglen);
      dx_node_set_flags(n, DX_NODE_GENERATED);
      if (k.c) {
        n = dx_add_uint(p, tcp, FL(F_SEQ), t, 4, 4, a.rseq);
        dx_node_set_text(p, n, "Sequence Number: %u    (relative sequence number)", a.rseq);
      }
    }
  }
  dx_add_item(p, tcp, FL(F_SEQ_RAW), t, 4, 4);
  dx_node *hn = dx_add_uint(p, tcp, FL(F_HDR_LEN), t, 12, 1, s->hlen);
  label_hdr_len(p, hn, s->hlen);
  dx_expert(p, hn, FL(F_BOGUS_HDR_LEN), DX_SEV_ERROR,
            "Bogus TCP header length (%u, must be at least 20)", s->hlen);
  dx_node_set_text(p, tcp, "Transmission Control Protocol, Src Port: %u, Dst Port: %u, Seq: %u",
                   s->sport, s->dport, a.rseq);
  if (!p->want_columns)
    return;
  char fn[64];
  flags_names(s->flags, fn, sizeof fn);
  dx_col_info_append(p, " [%s] Seq=%u", fn, a.rseq);
  if (s->flags & TH_ACK)
    dx_col_info_append(p, " Ack=%u", a.rack);
  dx_col_info_append(p, " Win=%u, bogus TCP header length (%u, must be at least 20)", a.wscaled,
                     s->hlen);
}

/* ---- the dissector ---- */
static uint32_t dissect_tcp(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  dx_node *tcp = dx_add_proto(p, parent, FL(F_TCP), t, 0, 20);
  dx_col_set_proto(p, "TCP");
  tcp_seg s;
  tcp_shown sh;
  if (!read_header(p, t, tcp, &s, &sh.o)) {
    if (s.bogus_short)
      bogus_short_header(p, t, tcp, &s);
    return t->len;
  }

  tcp_conn k;
  find_conn(p, tcp, &s, &k);
  if (k.qflow)
    tree_quoted(p, t, tcp, &s, &k);

  tcp_analysis a;
  memset(&a, 0, sizeof a);
  track_conn(p, &s, &k, &a);
  analyze(p, &s, &k, &a);
  if (k.c && k.flow &&
      (k.c->h[0].rst_seen || k.c->h[1].rst_seen || (k.c->h[0].fin_seen && k.c->h[1].fin_seen)))
    dx_flow_closed(p, k.flow); /* released once quiet (core/flow.c) */

  tree_header(p, t, tcp, &s, &k, &a, &sh);
  tree_analysis(p, t, tcp, &k, &a);

  char prefix[256];
  size_t pfx = info_prefix(p, &k, &a, prefix, sizeof prefix);
  summary(p, tcp, &s, &a, &sh, prefix);

  return feed_stream(p, t, tcp, parent, &s, &k, &a, prefix, pfx);
}

static const dx_reg tcp_regs[] = {{DX_TABLE_IPPROTO, 6}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_tcp = {
    .name = "tcp",
    .label = "Transmission Control Protocol",
    .fields = tcp_fields,
    .nfields = DX_ARRAY_LEN(tcp_fields),
    .dissect = dissect_tcp,
    .regs = tcp_regs,
    .state_new = tcp_state_new,
    .state_free = tcp_state_free,
};
