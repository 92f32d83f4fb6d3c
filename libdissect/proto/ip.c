/* Internet Protocol version 4 (RFC 791), with options (RFC 791 3.1,
 * RFC 2113 Router Alert) and fragment reassembly (core/reasm_ip.c).
 * Field names, labels and Info texts follow Wireshark's packet-ip.c. */
#include "../core/checksum.h"
#include "../core/dx.h"
#include "../core/reasm_ip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* IP protocol numbers (IANA), shared with ipv6.c. */
const dx_vals dx_ipproto_vals[] = {{0, "IPv6 Hop-by-Hop Option"},
                                   {1, "ICMP"},
                                   {2, "IGMP"},
                                   {3, "GGP"},
                                   {4, "IPIP"},
                                   {5, "Stream"},
                                   {6, "TCP"},
                                   {7, "CBT"},
                                   {8, "EGP"},
                                   {9, "IGRP"},
                                   {10, "BBN RCC"},
                                   {11, "Network Voice"},
                                   {12, "PUP"},
                                   {13, "ARGUS"},
                                   {14, "EMCON"},
                                   {15, "XNET"},
                                   {16, "CHAOS"},
                                   {17, "UDP"},
                                   {18, "Multiplex"},
                                   {19, "DCN Measurement"},
                                   {20, "Host Monitoring"},
                                   {21, "Packet radio"},
                                   {22, "IDP"},
                                   {23, "Trunk-1"},
                                   {24, "Trunk-2"},
                                   {25, "Leaf-1"},
                                   {26, "Leaf-2"},
                                   {27, "Reliable Data"},
                                   {28, "IRT"},
                                   {29, "ISO TP4"},
                                   {30, "Bulk Data"},
                                   {31, "MFE NSP"},
                                   {32, "Merit Internodal"},
                                   {33, "Datagram Congestion Control Protocol"},
                                   {34, "3rd Party Connect"},
                                   {35, "Inter-Domain Policy Routing Protocol"},
                                   {36, "XTP"},
                                   {37, "Datagram delivery"},
                                   {38, "Control Message"},
                                   {39, "TP++"},
                                   {40, "IL"},
                                   {41, "IPv6"},
                                   {42, "Source demand routing"},
                                   {43, "Routing Header for IPv6"},
                                   {44, "Fragment Header for IPv6"},
                                   {45, "Inter-Domain Routing Protocol"},
                                   {46, "Reservation Protocol"},
                                   {47, "Generic Routing Encapsulation"},
                                   {48, "Dynamic source routing"},
                                   {49, "BNA"},
                                   {50, "Encap Security Payload"},
                                   {51, "Authentication Header"},
                                   {52, "INSLP"},
                                   {53, "SWIPE"},
                                   {54, "NBMA ARP"},
                                   {55, "IP Mobility"},
                                   {56, "TLSP Kryptonet"},
                                   {57, "SKIP"},
                                   {58, "ICMPv6"},
                                   {59, "No Next Header for IPv6"},
                                   {60, "Destination Options for IPv6"},
                                   {61, "any host internal protocol"},
                                   {62, "Mobile IPv6 (old)"},
                                   {63, "any local network"},
                                   {64, "SATNET EXPAK"},
                                   {65, "Kryptolan"},
                                   {66, "Remote Virtual Disk"},
                                   {67, "IPPC"},
                                   {68, "any distributed file system"},
                                   {69, "SATNET Monitoring"},
                                   {70, "VISA"},
                                   {71, "IPCV"},
                                   {72, "CPNX"},
                                   {73, "CPHB"},
                                   {74, "Wang Span"},
                                   {75, "Packet Video"},
                                   {76, "Backroom SATNET Mon"},
                                   {77, "Sun ND Protocol"},
                                   {78, "Wideband Mon"},
                                   {79, "Wideband Expak"},
                                   {80, "ISO Internet Protocol"},
                                   {81, "VMTP"},
                                   {82, "Secure VMTP"},
                                   {83, "VINES"},
                                   {84, "TTP"},
                                   {85, "NSFNET IGP"},
                                   {86, "Dissimilar Gateway"},
                                   {87, "TCF"},
                                   {88, "EIGRP"},
                                   {89, "OSPF IGP"},
                                   {90, "Sprite RPC"},
                                   {91, "Locus ARP"},
                                   {92, "Multicast Transport"},
                                   {93, "AX.25 Frames"},
                                   {94, "IP in IP"},
                                   {95, "MICP"},
                                   {96, "Semaphore"},
                                   {97, "Ether in IP"},
                                   {98, "ENCAP"},
                                   {99, "any private encryption scheme"},
                                   {100, "GMTP"},
                                   {101, "Ipsilon Flow"},
                                   {102, "PNNI over IP"},
                                   {103, "PIM"},
                                   {104, "ARIS"},
                                   {105, "SCPS"},
                                   {106, "QNX"},
                                   {107, "Active Networks"},
                                   {108, "IPComp"},
                                   {109, "Sitara Networks"},
                                   {110, "Compaq Peer"},
                                   {111, "IPX IN IP"},
                                   {112, "VRRP"},
                                   {113, "PGM"},
                                   {114, "any 0-hop protocol"},
                                   {115, "Layer 2 Tunneling"},
                                   {116, "DDX"},
                                   {117, "IATP"},
                                   {118, "STP"},
                                   {119, "SpectraLink"},
                                   {120, "UTI"},
                                   {121, "SMP"},
                                   {122, "SM"},
                                   {123, "PTP"},
                                   {124, "ISIS over IP"},
                                   {125, "FIRE"},
                                   {126, "CRTP"},
                                   {127, "CRUDP"},
                                   {128, "SSCOPMCE"},
                                   {129, "IPLT"},
                                   {130, "Secure Packet"},
                                   {131, "PIPE"},
                                   {132, "SCTP"},
                                   {133, "Fibre Channel"},
                                   {134, "RSVP E2EI"},
                                   {135, "Mobile IPv6"},
                                   {136, "UDPLite"},
                                   {137, "MPLS in IP"},
                                   {138, "MANET"},
                                   {139, "HIP"},
                                   {140, "Shim6 header"},
                                   {141, "WESP"},
                                   {142, "ROHC"},
                                   {143, "Ethernet"},
                                   {144, "Unassigned"},
                                   {145, "Unassigned"},
                                   {146, "Unassigned"},
                                   {147, "Unassigned"},
                                   {148, "Unassigned"},
                                   {149, "Unassigned"},
                                   {150, "Unassigned"},
                                   {151, "Unassigned"},
                                   {152, "Unassigned"},
                                   {153, "Unassigned"},
                                   {154, "Unassigned"},
                                   {155, "Unassigned"},
                                   {156, "Unassigned"},
                                   {157, "Unassigned"},
                                   {158, "Unassigned"},
                                   {159, "Unassigned"},
                                   {160, "Unassigned"},
                                   {161, "Unassigned"},
                                   {162, "Unassigned"},
                                   {163, "Unassigned"},
                                   {164, "Unassigned"},
                                   {165, "Unassigned"},
                                   {166, "Unassigned"},
                                   {167, "Unassigned"},
                                   {168, "Unassigned"},
                                   {169, "Unassigned"},
                                   {170, "Unassigned"},
                                   {171, "Unassigned"},
                                   {172, "Unassigned"},
                                   {173, "AX/4000 Testframe"},
                                   {174, "Unassigned"},
                                   {175, "Unassigned"},
                                   {176, "Unassigned"},
                                   {177, "Unassigned"},
                                   {178, "Unassigned"},
                                   {179, "Unassigned"},
                                   {180, "Unassigned"},
                                   {181, "Unassigned"},
                                   {182, "Unassigned"},
                                   {183, "Unassigned"},
                                   {184, "Unassigned"},
                                   {185, "Unassigned"},
                                   {186, "Unassigned"},
                                   {187, "Unassigned"},
                                   {188, "Unassigned"},
                                   {189, "Unassigned"},
                                   {190, "Unassigned"},
                                   {191, "Unassigned"},
                                   {192, "Unassigned"},
                                   {193, "Unassigned"},
                                   {194, "Unassigned"},
                                   {195, "Unassigned"},
                                   {196, "Unassigned"},
                                   {197, "Unassigned"},
                                   {198, "Unassigned"},
                                   {199, "Unassigned"},
                                   {200, "Unassigned"},
                                   {201, "Unassigned"},
                                   {202, "Unassigned"},
                                   {203, "Unassigned"},
                                   {204, "Unassigned"},
                                   {205, "Unassigned"},
                                   {206, "Unassigned"},
                                   {207, "Unassigned"},
                                   {208, "Unassigned"},
                                   {209, "Unassigned"},
                                   {210, "Unassigned"},
                                   {211, "Unassigned"},
                                   {212, "Unassigned"},
                                   {213, "Unassigned"},
                                   {214, "Unassigned"},
                                   {215, "Unassigned"},
                                   {216, "Unassigned"},
                                   {217, "Unassigned"},
                                   {218, "Unassigned"},
                                   {219, "Unassigned"},
                                   {220, "Unassigned"},
                                   {221, "Unassigned"},
                                   {222, "Unassigned"},
                                   {223, "Unassigned"},
                                   {224, "Novell NCS Heartbeat"},
                                   {0, NULL}};

const char *dx_ipproto_name(uint8_t proto);
const char *dx_ipproto_name(uint8_t proto) {
  return dx_val_name_def(dx_ipproto_vals, proto, "Unknown");
}

/* DSCP/ECN names (RFC 2474, RFC 3168); the short forms are the ones tshark
 * shows in the summary of the DS field. Shared with ipv6.c. */
const dx_vals dx_dscp_vals[] = {{0, "Default"},
                                {1, "Lower Effort"},
                                {8, "Class Selector 1"},
                                {10, "Assured Forwarding 11"},
                                {12, "Assured Forwarding 12"},
                                {14, "Assured Forwarding 13"},
                                {16, "Class Selector 2"},
                                {18, "Assured Forwarding 21"},
                                {20, "Assured Forwarding 22"},
                                {22, "Assured Forwarding 23"},
                                {24, "Class Selector 3"},
                                {26, "Assured Forwarding 31"},
                                {28, "Assured Forwarding 32"},
                                {30, "Assured Forwarding 33"},
                                {32, "Class Selector 4"},
                                {34, "Assured Forwarding 41"},
                                {36, "Assured Forwarding 42"},
                                {38, "Assured Forwarding 43"},
                                {40, "Class Selector 5"},
                                {44, "Voice Admit"},
                                {46, "Expedited Forwarding"},
                                {48, "Class Selector 6"},
                                {56, "Class Selector 7"},
                                {0, NULL}};
const dx_vals dx_dscp_short_vals[] = {
    {0, "CS0"},   {1, "LE"},    {8, "CS1"},   {10, "AF11"}, {12, "AF12"}, {14, "AF13"},
    {16, "CS2"},  {18, "AF21"}, {20, "AF22"}, {22, "AF23"}, {24, "CS3"},  {26, "AF31"},
    {28, "AF32"}, {30, "AF33"}, {32, "CS4"},  {34, "AF41"}, {36, "AF42"}, {38, "AF43"},
    {40, "CS5"},  {44, "VA"},   {46, "EF"},   {48, "CS6"},  {56, "CS7"},  {0, NULL}};
const dx_vals dx_ecn_vals[] = {{0, "Not ECN-Capable Transport"},
                               {1, "ECN-Capable Transport codepoint '01'"},
                               {2, "ECN-Capable Transport codepoint '10'"},
                               {3, "Congestion Experienced"},
                               {0, NULL}};
const dx_vals dx_ecn_short_vals[] = {
    {0, "Not-ECT"}, {1, "ECT(1)"}, {2, "ECT(0)"}, {3, "CE"}, {0, NULL}};

static const dx_vals set_vals[] = {{0, "Not set"}, {1, "Set"}, {0, NULL}};
static const dx_vals yes_no_vals[] = {{0, "No"}, {1, "Yes"}, {0, NULL}};
static const dx_vals cksum_status_vals[] = {{0, "Bad"},         {1, "Good"},    {2, "Unverified"},
                                            {3, "Not present"}, {4, "Illegal"}, {0, NULL}};
static const dx_vals opt_number_vals[] = {{0, "End of Option List (EOL)"},
                                          {1, "No-Operation (NOP)"},
                                          {2, "Security"},
                                          {3, "Loose source route"},
                                          {4, "Time stamp"},
                                          {5, "Extended security"},
                                          {6, "Commercial IP security option"},
                                          {7, "Record route"},
                                          {8, "Stream identifier"},
                                          {9, "Strict source route"},
                                          {10, "Experimental Measurement"},
                                          {11, "MTU probe"},
                                          {12, "MTU Reply"},
                                          {13, "Experimental Flow Control"},
                                          {14, "Experimental Access Control"},
                                          {15, "Ask Estrin"},
                                          {16, "IMI Traffic Descriptor"},
                                          {17, "Extended Internet Protocol"},
                                          {18, "Traceroute"},
                                          {19, "Address Extension"},
                                          {20, "Router Alert"},
                                          {21, "Selective Directed Broadcast"},
                                          {22, "Unassigned"},
                                          {23, "Dynamic Packet State"},
                                          {24, "Upstream Multicast Packet"},
                                          {25, "Quick-Start"},
                                          {30, "RFC 3692-style experiment"},
                                          {0, NULL}};
static const dx_vals opt_class_vals[] = {{0, "Control"},
                                         {1, "Reserved for future use"},
                                         {2, "Debugging and measurement"},
                                         {3, "Reserved for future use"},
                                         {0, NULL}};
static const dx_vals ra_vals[] = {{0, "Router shall examine packet"}, {0, NULL}};
static const dx_vals ts_flag_vals[] = {{0, "Time stamps only"},
                                       {1, "Time stamp and address"},
                                       {3, "Time stamps for prespecified addresses"},
                                       {0, NULL}};
static const dx_vals sec_vals[] = {{0, "Unclassified"},
                                   {61749, "Confidential"},
                                   {30874, "EFTO"},
                                   {48205, "MMMM"},
                                   {24102, "PROG"},
                                   {44819, "Restricted"},
                                   {55176, "Secret"},
                                   {27589, "Top secret"},
                                   {13794, "Reserved"},
                                   {39665, "Reserved"},
                                   {19832, "Reserved"},
                                   {9405, "Reserved"},
                                   {4958, "Reserved"},
                                   {35247, "Reserved"},
                                   {50390, "Reserved"},
                                   {57963, "Reserved"},
                                   {0, NULL}};

enum {
  F_IP,
  F_VERSION,
  F_HDR_LEN,
  F_DSFIELD,
  F_DSCP,
  F_ECN,
  F_LEN,
  F_ID,
  F_FLAGS,
  F_FLAG_RB,
  F_FLAG_DF,
  F_FLAG_MF,
  F_FRAG_OFFSET,
  F_TTL,
  F_TTL_LNCB,
  F_TTL_TOO_SMALL,
  F_PROTO,
  F_CHECKSUM,
  F_CHECKSUM_CALC,
  F_CHECKSUM_STATUS,
  F_SRC,
  F_ADDR,
  F_SRC_HOST,
  F_HOST,
  F_DST,
  F_DST_HOST,
  F_OPTIONS,
  F_OPT,
  F_OPT_TYPE,
  F_OPT_COPY,
  F_OPT_CLASS,
  F_OPT_NUMBER,
  F_OPT_LEN,
  F_OPT_PTR,
  F_OPT_RA,
  F_OPT_SID,
  F_OPT_MTU,
  F_OPT_ID_NUMBER,
  F_OPT_OHC,
  F_OPT_RHC,
  F_OPT_ORIGINATOR,
  F_OPT_PADDING,
  F_OPT_DATA,
  F_REC_RT,
  F_CUR_RT,
  F_SRC_RT,
  F_EMPTY_RT,
  F_OPT_OVERFLOW,
  F_OPT_FLAG,
  F_OPT_TS,
  F_OPT_TS_ADDR,
  F_OPT_SEC,
  F_OPT_SEC_COMP,
  F_OPT_SEC_HR,
  F_OPT_SEC_TCC,
  F_FRAGMENTS,
  F_FRAGMENT,
  F_FRAGMENT_COUNT,
  F_REASSEMBLED_LENGTH,
  F_REASSEMBLED_DATA,
  F_FRAGMENT_OVERLAP,
  F_FRAGMENT_CONFLICT,
  F_FRAGMENT_MULTITAILS,
  F_FRAGMENT_TOOLONG,
  F_CHECKSUM_BAD,
  F_BOGUS_VERSION,
  F_BOGUS_HDR_LEN,
  F_BOGUS_IP_LEN,
  F_OPT_LEN_INVALID,
  F_NFIELDS
};

static const dx_field ip_fields[] = {
    [F_IP] = DX_F("ip", "Internet Protocol Version 4", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_VERSION] = DX_FM("ip.version", "Version", DX_FT_UINT8, DX_BASE_DEC, NULL, 0xf0, 8),
    [F_HDR_LEN] = DX_F("ip.hdr_len", "Header Length", DX_FT_UINT8, DX_BASE_DEC),
    [F_DSFIELD] = DX_F("ip.dsfield", "Differentiated Services Field", DX_FT_UINT8, DX_BASE_HEX),
    [F_DSCP] = DX_FM("ip.dsfield.dscp", "Differentiated Services Codepoint", DX_FT_UINT8,
                     DX_BASE_DEC, dx_dscp_vals, 0xfc, 8),
    [F_ECN] = DX_FM("ip.dsfield.ecn", "Explicit Congestion Notification", DX_FT_UINT8, DX_BASE_DEC,
                    dx_ecn_vals, 0x03, 8),
    [F_LEN] = DX_F("ip.len", "Total Length", DX_FT_UINT16, DX_BASE_DEC),
    [F_ID] = DX_F("ip.id", "Identification", DX_FT_UINT16, DX_BASE_HEX_DEC),
    [F_FLAGS] = DX_FM("ip.flags", "Flags", DX_FT_UINT8, DX_BASE_HEX, NULL, 0xe0, 8),
    [F_FLAG_RB] = DX_FM("ip.flags.rb", "Reserved bit", DX_FT_BOOL, DX_BASE_NONE, set_vals, 0x80, 8),
    [F_FLAG_DF] =
        DX_FM("ip.flags.df", "Don't fragment", DX_FT_BOOL, DX_BASE_NONE, set_vals, 0x40, 8),
    [F_FLAG_MF] =
        DX_FM("ip.flags.mf", "More fragments", DX_FT_BOOL, DX_BASE_NONE, set_vals, 0x20, 8),
    [F_FRAG_OFFSET] =
        DX_FM("ip.frag_offset", "Fragment Offset", DX_FT_UINT16, DX_BASE_DEC, NULL, 0x1fff, 16),
    [F_TTL] = DX_F("ip.ttl", "Time to Live", DX_FT_UINT8, DX_BASE_DEC),
    [F_TTL_LNCB] = DX_F("ip.ttl.lncb", "Time To Live", DX_FT_NONE, DX_BASE_NONE),
    [F_TTL_TOO_SMALL] = DX_F("ip.ttl.too_small", "Time To Live", DX_FT_NONE, DX_BASE_NONE),
    [F_PROTO] = DX_FV("ip.proto", "Protocol", DX_FT_UINT8, DX_BASE_DEC, dx_ipproto_vals),
    [F_CHECKSUM] = DX_F("ip.checksum", "Header Checksum", DX_FT_UINT16, DX_BASE_HEX),
    [F_CHECKSUM_CALC] =
        DX_F("ip.checksum_calculated", "Calculated Checksum", DX_FT_UINT16, DX_BASE_HEX),
    [F_CHECKSUM_STATUS] = DX_FV("ip.checksum.status", "Header checksum status", DX_FT_UINT8,
                                DX_BASE_NONE, cksum_status_vals),
    [F_SRC] = DX_F("ip.src", "Source Address", DX_FT_IPV4, DX_BASE_NONE),
    [F_ADDR] = DX_F("ip.addr", "Source or Destination Address", DX_FT_IPV4, DX_BASE_NONE),
    [F_SRC_HOST] = DX_F("ip.src_host", "Source Host", DX_FT_STRING, DX_BASE_NONE),
    [F_HOST] = DX_F("ip.host", "Source or Destination Host", DX_FT_STRING, DX_BASE_NONE),
    [F_DST] = DX_F("ip.dst", "Destination Address", DX_FT_IPV4, DX_BASE_NONE),
    [F_DST_HOST] = DX_F("ip.dst_host", "Destination Host", DX_FT_STRING, DX_BASE_NONE),
    [F_OPTIONS] = DX_F("ip.options", "Options", DX_FT_NONE, DX_BASE_NONE),
    [F_OPT] = DX_F("ip.opt", "IP Option", DX_FT_NONE, DX_BASE_NONE),
    [F_OPT_TYPE] = DX_F("ip.opt.type", "Type", DX_FT_UINT8, DX_BASE_DEC),
    [F_OPT_COPY] = DX_FM("ip.opt.type.copy", "Copy on fragmentation", DX_FT_BOOL, DX_BASE_NONE,
                         yes_no_vals, 0x80, 8),
    [F_OPT_CLASS] =
        DX_FM("ip.opt.type.class", "Class", DX_FT_UINT8, DX_BASE_DEC, opt_class_vals, 0x60, 8),
    [F_OPT_NUMBER] =
        DX_FM("ip.opt.type.number", "Number", DX_FT_UINT8, DX_BASE_DEC, opt_number_vals, 0x1f, 8),
    [F_OPT_LEN] = DX_F("ip.opt.len", "Length", DX_FT_UINT8, DX_BASE_DEC),
    [F_OPT_PTR] = DX_F("ip.opt.ptr", "Pointer", DX_FT_UINT8, DX_BASE_DEC),
    [F_OPT_RA] = DX_FV("ip.opt.ra", "Router Alert", DX_FT_UINT16, DX_BASE_DEC, ra_vals),
    [F_OPT_SID] = DX_F("ip.opt.sid", "Stream Identifier", DX_FT_UINT16, DX_BASE_DEC),
    [F_OPT_MTU] = DX_F("ip.opt.mtu", "MTU", DX_FT_UINT16, DX_BASE_DEC),
    [F_OPT_ID_NUMBER] = DX_F("ip.opt.id_number", "ID Number", DX_FT_UINT16, DX_BASE_DEC),
    [F_OPT_OHC] = DX_F("ip.opt.ohc", "Outbound Hop Count", DX_FT_UINT16, DX_BASE_DEC),
    [F_OPT_RHC] = DX_F("ip.opt.rhc", "Return Hop Count", DX_FT_UINT16, DX_BASE_DEC),
    [F_OPT_ORIGINATOR] =
        DX_F("ip.opt.originator", "Originator IP Address", DX_FT_IPV4, DX_BASE_NONE),
    [F_OPT_PADDING] = DX_F("ip.opt.padding", "Padding", DX_FT_BYTES, DX_BASE_NONE),
    [F_OPT_DATA] = DX_F("ip.opt.data", "Data", DX_FT_BYTES, DX_BASE_NONE),
    [F_REC_RT] = DX_F("ip.rec_rt", "Recorded Route", DX_FT_IPV4, DX_BASE_NONE),
    [F_CUR_RT] = DX_F("ip.cur_rt", "Current Route", DX_FT_IPV4, DX_BASE_NONE),
    [F_SRC_RT] = DX_F("ip.src_rt", "Source Route", DX_FT_IPV4, DX_BASE_NONE),
    [F_EMPTY_RT] = DX_F("ip.empty_rt", "Empty Route", DX_FT_IPV4, DX_BASE_NONE),
    [F_OPT_OVERFLOW] =
        DX_FM("ip.opt.overflow", "Overflow", DX_FT_UINT8, DX_BASE_DEC, NULL, 0xf0, 8),
    [F_OPT_FLAG] = DX_FM("ip.opt.flag", "Flag", DX_FT_UINT8, DX_BASE_HEX, ts_flag_vals, 0x0f, 8),
    [F_OPT_TS] = DX_F("ip.opt.time_stamp", "Time stamp", DX_FT_UINT32, DX_BASE_DEC),
    [F_OPT_TS_ADDR] = DX_F("ip.opt.time_stamp_addr", "Address", DX_FT_IPV4, DX_BASE_NONE),
    [F_OPT_SEC] = DX_FV("ip.opt.sec_rfc791_sec", "Security", DX_FT_UINT16, DX_BASE_HEX, sec_vals),
    [F_OPT_SEC_COMP] = DX_F("ip.opt.sec_rfc791_comp", "Compartments", DX_FT_UINT16, DX_BASE_DEC),
    [F_OPT_SEC_HR] =
        DX_F("ip.opt.sec_rfc791_hr", "Handling Restrictions", DX_FT_STRING, DX_BASE_NONE),
    [F_OPT_SEC_TCC] =
        DX_F("ip.opt.sec_rfc791_tcc", "Transmission Control Code", DX_FT_STRING, DX_BASE_NONE),
    [F_FRAGMENTS] = DX_F("ip.fragments", "IPv4 Fragments", DX_FT_BYTES, DX_BASE_NONE),
    [F_FRAGMENT] = DX_F("ip.fragment", "IPv4 Fragment", DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_FRAGMENT_COUNT] = DX_F("ip.fragment.count", "Fragment count", DX_FT_UINT32, DX_BASE_DEC),
    [F_REASSEMBLED_LENGTH] =
        DX_F("ip.reassembled.length", "Reassembled IPv4 length", DX_FT_UINT32, DX_BASE_DEC),
    [F_REASSEMBLED_DATA] =
        DX_F("ip.reassembled.data", "Reassembled IPv4 data", DX_FT_BYTES, DX_BASE_NONE),
    [F_FRAGMENT_OVERLAP] =
        DX_F("ip.fragment.overlap", "Fragment overlap", DX_FT_BOOL, DX_BASE_NONE),
    [F_FRAGMENT_CONFLICT] = DX_F("ip.fragment.overlap.conflict",
                                 "Conflicting data in fragment overlap", DX_FT_BOOL, DX_BASE_NONE),
    [F_FRAGMENT_MULTITAILS] = DX_F("ip.fragment.multipletails", "Multiple tail fragments found",
                                   DX_FT_BOOL, DX_BASE_NONE),
    [F_FRAGMENT_TOOLONG] =
        DX_F("ip.fragment.toolongfragment", "Fragment too long", DX_FT_BOOL, DX_BASE_NONE),
    [F_CHECKSUM_BAD] = DX_F("ip.checksum_bad.expert", "Bad checksum", DX_FT_NONE, DX_BASE_NONE),
    [F_BOGUS_VERSION] = DX_F("ip.bogus_ip_version", "Bogus IP version", DX_FT_NONE, DX_BASE_NONE),
    [F_BOGUS_HDR_LEN] =
        DX_F("ip.bogus_header_length", "Bogus IP header length", DX_FT_NONE, DX_BASE_NONE),
    [F_BOGUS_IP_LEN] = DX_F("ip.bogus_ip_length", "Bogus IP length", DX_FT_NONE, DX_BASE_NONE),
    [F_OPT_LEN_INVALID] =
        DX_F("ip.opt.len.invalid", "Invalid length for option", DX_FT_NONE, DX_BASE_NONE),
};

#define FL(i) (&ip_fields[(i)])

extern const dx_protocol dx_proto_ip;

typedef struct ip_state {
  dx_ipreasm *reasm; /* created on the first fragment */
} ip_state;

static void *ip_state_new(struct dx_session *s) {
  DX_UNUSED(s);
  return calloc(1, sizeof(ip_state));
}

static void ip_state_free(void *v) {
  ip_state *st = v;
  if (!st)
    return;
  dx_ipreasm_free(st->reasm);
  free(st);
}

/* "0101" for the low `n` bits of v. */
static void bits_str(char *out, unsigned v, unsigned n) {
  for (unsigned i = 0; i < n; i++)
    out[i] = (v >> (n - 1 - i)) & 1 ? '1' : '0';
  out[n] = 0;
}

/* "%04x" of v */
static void hex4(char out[5], uint16_t v) {
  for (int i = 3; i >= 0; i--, v >>= 4)
    out[i] = "0123456789abcdef"[v & 15];
  out[4] = 0;
}

/* ---- options (RFC 791 3.1) ---- */
typedef struct ipopt_desc {
  uint8_t type;
  const char *name;
  int fixed_len; /* > 0: exact length; < 0: variable with minimum -fixed_len */
} ipopt_desc;

static const ipopt_desc ipopts[] = {
    {0, "End of Options List (EOL)", 1},
    {1, "No-Operation (NOP)", 1},
    {130, "Security", 11},
    {133, "Extended Security", -3},
    {134, "Commercial Security", -10},
    {131, "Loose Source Route", -3},
    {137, "Strict Source Route", -3},
    {7, "Record Route", -3},
    {136, "Stream ID", 4},
    {68, "Time Stamp", -4},
    {11, "MTU Probe", 4},
    {12, "MTU Reply", 4},
    {82, "Traceroute", 12},
    {148, "Router Alert", 4},
    {149, "Selective Directed Broadcast", -6},
    {25, "Quick-Start", 8},
};

static const ipopt_desc *ipopt_find(uint8_t type) {
  for (size_t i = 0; i < DX_ARRAY_LEN(ipopts); i++)
    if (ipopts[i].type == type)
      return &ipopts[i];
  return NULL;
}

static void add_opt_type(dx_packet *p, dx_node *o, const dx_tvb *t, uint32_t off) {
  dx_node *ty = dx_add_item(p, o, FL(F_OPT_TYPE), t, off, 1);
  dx_add_item(p, ty, FL(F_OPT_COPY), t, off, 1);
  dx_add_item(p, ty, FL(F_OPT_CLASS), t, off, 1);
  dx_add_item(p, ty, FL(F_OPT_NUMBER), t, off, 1);
}

/* Record Route, Loose/Strict Source Route: pointer then addresses. */
static void opt_route(dx_packet *p, dx_node *o, const dx_tvb *t, uint32_t off, uint8_t olen,
                      bool record) {
  uint8_t ptr;
  if (!dx_get_u8(t, off + 2, &ptr))
    return;
  dx_node *pn = dx_add_item(p, o, FL(F_OPT_PTR), t, off + 2, 1);
  if (ptr < 4) {
    dx_expert(p, pn, FL(F_OPT_LEN_INVALID), DX_SEV_WARN, "Pointer points before first address");
    return;
  }
  if ((ptr - 4) % 4)
    dx_expert(p, pn, FL(F_OPT_LEN_INVALID), DX_SEV_WARN, "Pointer points to middle of address");
  for (uint32_t a = 3; a + 4 <= olen; a += 4) {
    int fid;
    if (record)
      fid = a + 1 < ptr ? F_REC_RT : F_EMPTY_RT;
    else
      fid = a + 1 == ptr ? F_CUR_RT : F_SRC_RT;
    dx_node *n = dx_add_item(p, o, FL(fid), t, off + a, 4);
    if (a + 1 == ptr)
      dx_node_append_text(p, n, " <- (next)");
  }
}

static void opt_timestamp(dx_packet *p, dx_node *o, const dx_tvb *t, uint32_t off, uint8_t olen) {
  uint8_t ptr, of;
  if (!dx_get_u8(t, off + 2, &ptr) || !dx_get_u8(t, off + 3, &of))
    return;
  dx_add_item(p, o, FL(F_OPT_PTR), t, off + 2, 1);
  dx_add_item(p, o, FL(F_OPT_OVERFLOW), t, off + 3, 1);
  dx_add_item(p, o, FL(F_OPT_FLAG), t, off + 3, 1);
  unsigned flag = of & 0x0f;
  uint32_t a = 4;
  while (a < olen) {
    if (flag == 1 || flag == 3) {
      if (a + 8 > olen)
        break;
      dx_add_item(p, o, FL(F_OPT_TS_ADDR), t, off + a, 4);
      dx_add_item(p, o, FL(F_OPT_TS), t, off + a + 4, 4);
      a += 8;
    } else {
      if (a + 4 > olen)
        break;
      dx_add_item(p, o, FL(F_OPT_TS), t, off + a, 4);
      a += 4;
    }
  }
}

/* Options occupy [20, hlen) of t (all present: the caller checked). */
static void dissect_options(dx_packet *p, dx_node *ip, const dx_tvb *t, uint32_t hlen) {
  uint32_t total = hlen - 20;
  dx_node *on = dx_add_none(p, ip, FL(F_OPTIONS), t, 20, total);
  char names[256];
  size_t nl = 0;
  names[0] = 0;
  uint32_t off = 20;
  unsigned nops = 0;
  while (off < hlen) {
    uint8_t type;
    if (!dx_get_u8(t, off, &type))
      break;
    const ipopt_desc *d = ipopt_find(type);
    const char *name = d ? d->name : NULL;
    char unk[32];
    if (!name) {
      dx_snprintf(unk, sizeof unk, "Unknown (0x%02x)", type);
      name = unk;
    }
    if (type == 0 || type == 1) {
      dx_node *o = dx_add_none(p, on, FL(F_OPT), t, off, 1);
      dx_node_set_text(p, o, "IP Option - %s", name);
      add_opt_type(p, o, t, off);
      off++;
      if (type == 1 && ++nops == 4)
        dx_expert(p, o, dx_field_expert(), DX_SEV_NOTE,
                  "4 NOP in a row - a router may have removed some options");
      if (type == 0) {
        /* The rest of the header is padding after End of Options List. */
        if (off < hlen)
          dx_add_item(p, on, FL(F_OPT_PADDING), t, off, hlen - off);
        break;
      }
      continue;
    }
    nops = 0;
    uint8_t olen;
    dx_node *o = dx_add_none(p, on, FL(F_OPT), t, off, hlen - off);
    if (!dx_get_u8(t, off + 1, &olen) || off + 1 >= hlen) {
      dx_node_set_text(p, o, "IP Option - %s", name);
      add_opt_type(p, o, t, off);
      dx_mark_malformed(p, o, "Option length field goes past end of options");
      break;
    }
    if (olen < 2 || olen > hlen - off ||
        (d && ((d->fixed_len > 0 && olen != d->fixed_len) ||
               (d->fixed_len < 0 && olen < -d->fixed_len)))) {
      dx_node_set_text(p, o, "IP Option - %s", name);
      add_opt_type(p, o, t, off);
      dx_node *ln = dx_add_item(p, o, FL(F_OPT_LEN), t, off + 1, 1);
      if (olen < 2 || olen > hlen - off) {
        dx_mark_malformed(p, ln, "Invalid length for option: %u", olen);
        break; /* cannot find the next option */
      }
      dx_mark_malformed(p, ln, "Invalid length for option: %u", olen);
      off += olen;
      continue;
    }
    dx_node_set_len(o, olen);
    dx_node_set_text(p, o, "IP Option - %s (%u bytes)", name, olen);
    add_opt_type(p, o, t, off);
    dx_add_item(p, o, FL(F_OPT_LEN), t, off + 1, 1);
    switch (type) {
    case 148: { /* Router Alert (RFC 2113) */
      dx_node *n = dx_add_item(p, o, FL(F_OPT_RA), t, off + 2, 2);
      uint16_t v = 0;
      dx_get_u16(t, off + 2, &v);
      dx_node_append_text(p, o, ": %s (%u)", dx_val_name_def(ra_vals, v, "Reserved"), v);
      DX_UNUSED(n);
      break;
    }
    case 7: opt_route(p, o, t, off, olen, true); break;
    case 131:
    case 137: opt_route(p, o, t, off, olen, false); break;
    case 68: opt_timestamp(p, o, t, off, olen); break;
    case 136: dx_add_item(p, o, FL(F_OPT_SID), t, off + 2, 2); break;
    case 11:
    case 12: dx_add_item(p, o, FL(F_OPT_MTU), t, off + 2, 2); break;
    case 82:
      dx_add_item(p, o, FL(F_OPT_ID_NUMBER), t, off + 2, 2);
      dx_add_item(p, o, FL(F_OPT_OHC), t, off + 4, 2);
      dx_add_item(p, o, FL(F_OPT_RHC), t, off + 6, 2);
      dx_add_item(p, o, FL(F_OPT_ORIGINATOR), t, off + 8, 4);
      break;
    case 130: /* Security (RFC 791) */
      dx_add_item(p, o, FL(F_OPT_SEC), t, off + 2, 2);
      dx_add_item(p, o, FL(F_OPT_SEC_COMP), t, off + 4, 2);
      dx_add_item(p, o, FL(F_OPT_SEC_HR), t, off + 6, 2);
      dx_add_item(p, o, FL(F_OPT_SEC_TCC), t, off + 8, 3);
      break;
    default:
      if (olen > 2)
        dx_add_item(p, o, FL(F_OPT_DATA), t, off + 2, olen - 2u);
      break;
    }
    if (d && nl < sizeof names - 1) {
      int w = dx_snprintf(names + nl, sizeof names - nl, ", %s", d->name);
      if (w > 0)
        nl += (size_t)w < sizeof names - nl ? (size_t)w : sizeof names - nl - 1;
    }
    off += olen;
  }
  dx_node_set_text(p, on, "Options: (%u bytes)%s", total, names);
}

/* Adds the reassembly summary (as tshark: "[3 IPv4 Fragments (3008 bytes):
 * #9(1480), ...]") under ip, over the reassembled tvb rt. */
static void add_fragments_tree(dx_packet *p, dx_node *ip, const dx_tvb *rt,
                               const dx_ipreasm_result *res) {
  dx_node *fs = dx_add_bytes(p, ip, FL(F_FRAGMENTS), rt, 0, rt->len);
  dx_node_set_flags(fs, DX_NODE_GENERATED);
  char list[512];
  size_t n = 0;
  list[0] = 0;
  for (uint32_t i = 0; i < res->nfrags && n < sizeof list - 1; i++) {
    int w = dx_snprintf(list + n, sizeof list - n, "%s#%llu(%u)", i ? ", " : "",
                        (unsigned long long)res->frags[i].frame, res->frags[i].len);
    if (w < 0)
      break;
    n += (size_t)w < sizeof list - n ? (size_t)w : sizeof list - n - 1;
  }
  dx_node_set_text(p, fs, "%u IPv4 Fragments (%u bytes): %s", res->nfrags, res->len, list);
  for (uint32_t i = 0; i < res->nfrags; i++) {
    const dx_ipreasm_frag *f = &res->frags[i];
    dx_node *fn = dx_add_uint(p, fs, FL(F_FRAGMENT), rt, f->off, f->len, f->frame);
    dx_node_set_flags(fn, DX_NODE_GENERATED);
    if (f->len)
      dx_node_set_text(p, fn, "Frame: %llu, payload: %u-%u (%u bytes)",
                       (unsigned long long)f->frame, f->off, f->off + f->len - 1, f->len);
    else
      dx_node_set_text(p, fn, "Frame: %llu, payload: %u-%u (0 bytes)", (unsigned long long)f->frame,
                       f->off, f->off);
  }
  dx_node *c = dx_add_uint(p, fs, FL(F_FRAGMENT_COUNT), rt, 0, 0, res->nfrags);
  dx_node_set_flags(c, DX_NODE_GENERATED);
  c = dx_add_uint(p, fs, FL(F_REASSEMBLED_LENGTH), rt, 0, 0, res->len);
  dx_node_set_flags(c, DX_NODE_GENERATED);
  c = dx_add_bytes(p, fs, FL(F_REASSEMBLED_DATA), rt, 0, rt->len);
  dx_node_set_flags(c, DX_NODE_GENERATED);
}

static void note_anomalies(dx_packet *p, dx_node *ip, const dx_ipreasm_result *res) {
  if (res->overlap) {
    dx_node *n = dx_expert(p, ip, FL(F_FRAGMENT_OVERLAP), DX_SEV_NOTE,
                           "Fragment overlaps with other fragments");
    DX_UNUSED(n);
  }
  if (res->conflict)
    dx_expert(p, ip, FL(F_FRAGMENT_CONFLICT), DX_SEV_WARN,
              "Overlapping fragments contained conflicting data");
  if (res->multitails)
    dx_expert(p, ip, FL(F_FRAGMENT_MULTITAILS), DX_SEV_WARN,
              "Several tails were found when defragmenting the packet");
  if (res->toolong)
    dx_expert(p, ip, FL(F_FRAGMENT_TOOLONG), DX_SEV_WARN,
              "Fragment contained data past end of packet");
}

static uint32_t dispatch_payload(dx_packet *p, uint8_t proto, const dx_tvb *pl, dx_node *parent) {
  uint32_t took = dx_dissect_table(p, DX_TABLE_IPPROTO, proto, pl, parent);
  if (took == 0) {
    dx_col_info_set(p, "%s (%u)", dx_ipproto_name(proto), proto);
    dx_dissect_data(p, pl, parent);
    if (pl->len < pl->reported && !p->in_icmp_error)
      dx_mark_truncated(p, parent->last_child, "IP payload");
  }
  return took;
}

void dx_ip_add_address(dx_packet *p, dx_node *ip, const dx_tvb *t, uint32_t off, uint32_t alen,
                       const dx_field *addr_f, const dx_field *addr, const dx_field *host_f,
                       const dx_field *host, const char *text);

static uint32_t dissect_ip(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  /* tshark 4.0 has two IPv4 dissectors: the EtherType's (dissect_ip_v4)
   * shows an IPv4 layer for any version, "Bogus IPv4 version", and hands
   * a version 6 header on to IPv6 after it; the others' ("ip":
   * dissect_ip) give version 6 to IPv6 and show any other version as
   * "Internet Protocol, bogus version" */
  bool by_ethertype = p->ip_ethertype_at && p->ip_ethertype_at == t->data;
  p->ip_ethertype_at = NULL;
  uint8_t v0 = 0;
  if (!by_ethertype && dx_get_u8(t, 0, &v0) && v0 >> 4 == 6)
    return dx_dissect_table(p, DX_TABLE_ETHERTYPE, 0x86dd, t, parent);
  dx_node *ip = dx_add_proto(p, parent, FL(F_IP), t, 0, 20);
  dx_col_set_proto(p, "IPv4");
  if (!p->in_icmp_error)
    p->have_ip_ttl = false;
  uint8_t vhl;
  if (!dx_get_u8(t, 0, &vhl)) {
    dx_mark_truncated(p, ip, "IPv4 header needs 20 bytes");
    return t->len;
  }
  unsigned version = vhl >> 4;
  dx_node *vn = dx_add_item(p, ip, FL(F_VERSION), t, 0, 1);
  if (version != 4 && by_ethertype) {
    dx_node_set_text(p, ip, "Internet Protocol Version 4");
    dx_node_set_len(ip, (vhl & 0x0f) * 4u);
    dx_expert(p, vn, FL(F_BOGUS_VERSION), DX_SEV_ERROR, "Bogus IPv4 version");
    dx_node_set_flags(vn, DX_NODE_MALFORMED);
    dx_col_info_set(p, "Bogus IPv4 version (%u, must be 4)", version);
    if (version == 6) /* "a Linux cooked capture with ethertype IPv4 containing an IPv6 packet" */
      dx_dissect_table(p, DX_TABLE_ETHERTYPE, 0x86dd, t, parent);
    return t->len;
  }
  if (version != 4) {
    dx_node_set_text(p, ip, "Internet Protocol, bogus version (%u)", version);
    dx_expert(p, vn, FL(F_BOGUS_VERSION), DX_SEV_ERROR, "Bogus IP version (%u)", version);
    dx_node_set_flags(vn, DX_NODE_MALFORMED);
    dx_col_info_set(p, "Bogus IP version (%u)", version);
    return t->len;
  }
  uint32_t hlen = (vhl & 0x0f) * 4u;
  char bits[8];
  bits_str(bits, vhl & 0x0f, 4);
  dx_node *hn = dx_add_uint(p, ip, FL(F_HDR_LEN), t, 0, 1, hlen);
  if (dx_label_wanted(p, hn)) {
    char lb[64];
    dx_sb b;
    dx_sb_init(&b, lb, sizeof lb);
    dx_sb_str(&b, ".... ");
    dx_sb_str(&b, bits);
    dx_sb_kv(&b, " = Header Length: ", hlen);
    dx_sb_kv(&b, " bytes (", vhl & 0x0fu);
    dx_sb_str(&b, ")");
    dx_node_set_text_sb(p, hn, &b);
  }
  if (hlen < 20) {
    dx_node_set_text(p, ip, "Internet Protocol Version 4");
    dx_expert(p, hn, FL(F_BOGUS_HDR_LEN), DX_SEV_ERROR,
              "Bogus IP header length (%u, must be at least 20)", hlen);
    dx_node_set_flags(hn, DX_NODE_MALFORMED);
    dx_node_set_flags(ip, DX_NODE_MALFORMED);
    dx_col_info_set(p, "Bogus IP header length (%u, must be at least 20)", hlen);
    return t->len;
  }
  dx_node_set_len(ip, hlen);

  uint8_t tos = 0, ttl = 0, proto = 0;
  uint16_t ip_len = 0, id = 0, frag = 0, sum = 0;
  bool have20 = dx_tvb_has(t, 0, 20);
  if (have20) {
    dx_get_u8(t, 1, &tos);
    dx_get_u16(t, 2, &ip_len);
    dx_get_u16(t, 4, &id);
    dx_get_u16(t, 6, &frag);
    dx_get_u8(t, 8, &ttl);
    dx_get_u8(t, 9, &proto);
    dx_get_u16(t, 10, &sum);
  }
  dx_node *n, *ln, *cn;
  if (dx_layer_built(p, ip) || !have20) {
    n = dx_add_item(p, ip, FL(F_DSFIELD), t, 1, 1);
    if (have20) {
      char tx[3] = {"0123456789abcdef"[tos >> 4], "0123456789abcdef"[tos & 15], 0};
      dx_node_set_text_cat(p, n, "Differentiated Services Field: 0x", tx,
                           " (DSCP: ", dx_val_name_def(dx_dscp_short_vals, tos >> 2, "Unknown"),
                           ", ECN: ", dx_val_name_def(dx_ecn_short_vals, tos & 3, "Unknown"), ")",
                           NULL);
    }
    dx_add_item(p, n, FL(F_DSCP), t, 1, 1);
    dx_add_item(p, n, FL(F_ECN), t, 1, 1);
    ln = dx_add_item(p, ip, FL(F_LEN), t, 2, 2);
    dx_add_item(p, ip, FL(F_ID), t, 4, 2);
    n = dx_add_item(p, ip, FL(F_FLAGS), t, 6, 1);
    if (have20) {
      unsigned fl = frag >> 13;
      char fb[4];
      bits_str(fb, fl, 3);
      /* the names of the set flags, in order, as tshark lists them */
      char fx[2] = {"01234567"[fl & 7], 0};
      dx_node_set_text_cat(p, n, fb, ". .... = Flags: 0x", fx, (fl & 4) ? ", Reserved bit" : "",
                           (fl & 2) ? ", Don't fragment" : "", (fl & 1) ? ", More fragments" : "",
                           NULL);
    }
    dx_add_item(p, n, FL(F_FLAG_RB), t, 6, 1);
    dx_add_item(p, n, FL(F_FLAG_DF), t, 6, 1);
    dx_add_item(p, n, FL(F_FLAG_MF), t, 6, 1);
    n = dx_add_item(p, ip, FL(F_FRAG_OFFSET), t, 6, 2);
    if (have20 && (frag & 0x1fff)) { /* offset 0: the default label says the same */
      char ob[16];
      bits_str(ob, frag & 0x1fff, 13);
      dx_node_set_text(p, n, "...%c %.4s %.4s %.4s = Fragment Offset: %u", ob[0], ob + 1, ob + 5,
                       ob + 9, (frag & 0x1fffu) * 8);
    }
    dx_node *tn = dx_add_item(p, ip, FL(F_TTL), t, 8, 1);
    uint8_t ttl8 = 0, pr8 = 0, d0 = 0, d1 = 0, d2 = 0, d3 = 0;
    if (tn && dx_get_u8(t, 8, &ttl8) && dx_get_u8(t, 9, &pr8) && dx_get_u8(t, 16, &d0) &&
        dx_get_u8(t, 17, &d1) && dx_get_u8(t, 18, &d2) && dx_get_u8(t, 19, &d3)) {
      /* tshark 4.0's notes on the TTL: to the Local Network Control Block
       * (224.0.0.0/24) 1, or 255 for VRRP (.18), GLBP (.102) and mDNS
       * (.251, over UDP: an IGMP report for that group wants 1) (RFC 3171);
       * to a unicast address at least 5 (but PIM, OSPF) */
      if (d0 == 224 && d1 == 0 && d2 == 0) {
        unsigned want = d3 == 18 || d3 == 102 || (d3 == 251 && pr8 == 17) ? 255 : 1;
        if (ttl8 != want)
          dx_expert(p, tn, FL(F_TTL_LNCB), DX_SEV_NOTE,
                    "\"Time To Live\" != %u for a packet sent to the Local Network Control Block "
                    "(see RFC 3171)",
                    want);
      } else if ((d0 & 0xf0) != 0xe0 && ttl8 < 5 && pr8 != 103 && pr8 != 89) {
        dx_expert(p, tn, FL(F_TTL_TOO_SMALL), DX_SEV_NOTE, "\"Time To Live\" only %u", ttl8);
      }
    }
    dx_add_item(p, ip, FL(F_PROTO), t, 9, 1);
    cn = dx_add_item(p, ip, FL(F_CHECKSUM), t, 10, 2);
  } else { /* a skipped layer: the notes below go on its ghost */
    ln = cn = dx_ghost(p, ip);
  }
  if (!p->in_icmp_error)
    p->have_ip_ttl = dx_get_u8(t, 8, &p->ip_ttl);
  if (!have20) {
    dx_add_item(p, ip, FL(F_SRC), t, 12, 4);
    dx_add_item(p, ip, FL(F_DST), t, 16, 4);
    dx_mark_truncated(p, ip, "IPv4 header needs 20 bytes");
    return t->len;
  }

  /* Total length (RFC 791): 0 happens with TCP segmentation offload; then
   * the frame tells the length. */
  uint32_t avail_rep = t->reported > t->len ? t->reported : t->len;
  uint32_t eff_len = ip_len;
  if (ip_len == 0) {
    eff_len = avail_rep;
    if (ln)
      ln->v.u = eff_len; /* as tshark: the length the frame gives */
    dx_node_set_text(p, ln, "Total Length: %u (may be caused by \"TCP segmentation offload\"?)",
                     eff_len);
  } else if (ip_len < hlen) {
    dx_expert(p, ln, FL(F_BOGUS_IP_LEN), DX_SEV_ERROR,
              "Bogus IP length (%u, less than header length %u)", ip_len, hlen);
    dx_node_set_flags(ln, DX_NODE_MALFORMED);
    dx_col_info_set(p, "Bogus IP length (%u, less than header length %u)", ip_len, hlen);
    return t->len;
  } else if (ip_len > avail_rep && !p->in_icmp_error) {
    dx_expert(p, ln, FL(F_BOGUS_IP_LEN), DX_SEV_ERROR,
              "IPv4 total length exceeds packet length (%u bytes)", avail_rep);
    dx_node_set_flags(ln, DX_NODE_MALFORMED);
    eff_len = avail_rep;
  }
  if (eff_len < hlen)
    eff_len = hlen;

  /* Header checksum (RFC 1071). */
  unsigned status = 2;
  const uint8_t *hdr = dx_get_ptr(t, 0, hlen);
  if (dx_packet_config(p)->check_checksums && hdr) {
    uint16_t c = dx_inet_checksum(hdr, hlen, 0);
    if (c == 0) {
      status = 1;
      dx_node_set_text(p, cn, "Header Checksum: 0x%04x [correct]", sum);
    } else {
      status = 0;
    }
  } else {
    char hx[8];
    hex4(hx, sum);
    dx_node_set_text_cat(p, cn, "Header Checksum: 0x", hx, " [validation disabled]", NULL);
  }
  dx_node *sn = dx_add_uint(p, ip, FL(F_CHECKSUM_STATUS), t, 0, 0, status);
  dx_node_set_flags(sn, DX_NODE_GENERATED);
  dx_node_set_text_cat(p, sn, "Header checksum status: ", dx_val_name(cksum_status_vals, status),
                       NULL);
  if (status != 2 && hdr) {
    /* What the field should hold: the checksum with the field zeroed. */
    uint32_t acc = dx_cksum_add(0, hdr, 10);
    acc = dx_cksum_add(acc, hdr + 12, hlen - 12);
    uint16_t expect = dx_cksum_fold(acc);
    dx_node *cc = dx_add_uint(p, ip, FL(F_CHECKSUM_CALC), t, 10, 2, expect);
    dx_node_set_flags(cc, DX_NODE_GENERATED);
    if (status == 0) {
      dx_node_set_text(p, cn, "Header Checksum: 0x%04x incorrect, should be 0x%04x", sum, expect);
      dx_expert(p, cn, FL(F_CHECKSUM_BAD), DX_SEV_ERROR, "Bad checksum");
    }
  }

  /* Addresses. */
  dx_addr src, dst;
  dx_addr_set(&src, DX_AT_IPV4, t->data + 12);
  dx_addr_set(&dst, DX_AT_IPV4, t->data + 16);
  char ss[48] = "", ds[48] = "";
  /* the texts only where a node of them is built: not in a skipped layer,
   * nor, with field ghosts, when no host field is asked for */
  if (dx_layer_built(p, ip) &&
      (!p->skip || dx_packet_wants(p, FL(F_SRC_HOST)) || dx_packet_wants(p, FL(F_DST_HOST)) ||
       dx_packet_wants(p, FL(F_HOST)))) {
    dx_addr_format(&src, ss, sizeof ss);
    dx_addr_format(&dst, ds, sizeof ds);
  }
  dx_ip_add_address(p, ip, t, 12, 4, FL(F_SRC), FL(F_ADDR), FL(F_SRC_HOST), FL(F_HOST), ss);
  dx_ip_add_address(p, ip, t, 16, 4, FL(F_DST), FL(F_ADDR), FL(F_DST_HOST), FL(F_HOST), ds);
  dx_node_set_text_cat(p, ip, "Internet Protocol Version 4, Src: ", ss, ", Dst: ", ds, NULL);

  if (hlen > 20) {
    if (dx_tvb_has(t, 0, hlen)) {
      dissect_options(p, ip, t, hlen);
    } else {
      dx_mark_truncated(p, ip, "IPv4 options");
      return t->len;
    }
  }

  p->net_src = src;
  p->net_dst = dst;
  p->ipproto = proto;
  dx_col_set_addr(p, &src, &dst);

  dx_tvb pl = dx_tvb_sub(t, hlen, eff_len - hlen);
  bool mf = (frag & 0x2000) != 0;
  uint32_t foff = (frag & 0x1fffu) * 8;
  if (!mf && foff == 0)
    dispatch_payload(p, proto, &pl, parent);
  else if (p->in_icmp_error) {
    /* A fragment quoted in an ICMP error: only the first one has the
     * transport header, and it is never reassembled. */
    if (foff == 0)
      dispatch_payload(p, proto, &pl, parent);
    else
      dx_dissect_data(p, &pl, parent);
  } else {
    ip_state *st = dx_proto_state(p, &dx_proto_ip);
    dx_ipreasm_result res;
    memset(&res, 0, sizeof res);
    res.status = DX_REASM_INCOMPLETE;
    bool tried = false;
    /* as tshark, only a fragment whose bytes are all there (not cut by the
     * capture, not shorter than its total length) takes part in reassembly */
    bool cut = pl.len < pl.reported || ip_len > avail_rep;
    if (st && !cut) {
      if (!st->reasm)
        st->reasm = dx_ipreasm_new(dx_packet_config(p), dx_packet_hashkey(p));
      if (st->reasm) {
        dx_ipreasm_key key;
        memset(&key, 0, sizeof key);
        key.src = src;
        key.dst = dst;
        key.id = id;
        key.proto = proto;
        dx_ipreasm_add(st->reasm, &key, p->num, p->frame.ts_sec, p->frame.ts_nsec, foff, pl.data,
                       pl.len, mf, &res);
        tried = true;
      }
    }
    if (res.evicted)
      dx_expert(p, ip, dx_field_limit(), DX_SEV_WARN,
                "IPv4 reassembly: %u datagrams in progress (max_frag_datagrams), the oldest "
                "was dropped",
                dx_packet_config(p)->max_frag_datagrams);
    if (res.status == DX_REASM_LIMIT)
      dx_expert(p, ip, dx_field_limit(), DX_SEV_WARN,
                "IPv4 reassembly limit reached: %s; datagram dropped", res.limit_what);
    else if (res.status == DX_REASM_NOMEM)
      dx_expert(p, ip, dx_field_limit(), DX_SEV_WARN, "IPv4 reassembly: out of memory");
    else if (tried)
      note_anomalies(p, ip, &res);
    if (res.status == DX_REASM_DONE) {
      dx_tvb rt = dx_packet_add_source_kind(p, DX_SRC_REASSEMBLED, "IPv4", res.data, res.len);
      if (rt.len == res.len) {
        add_fragments_tree(p, ip, &rt, &res);
        dispatch_payload(p, proto, &rt, parent);
      } else {
        dx_expert(p, ip, dx_field_limit(), DX_SEV_WARN,
                  "Reassembled IPv4 datagram not shown: too many data sources");
        dx_dissect_data(p, &pl, parent);
      }
    } else if (cut && foff == 0) {
      /* A first fragment that cannot take part in reassembly: as tshark
       * does, dissect what it holds (the transport header and what follows,
       * marked truncated where it runs out); like tshark's, the transport
       * knows it sees a fragment (no "bad length" for the part it holds). */
      int was = p->fragmented;
      p->fragmented = 1;
      dispatch_payload(p, proto, &pl, parent);
      p->fragmented = was;
    } else {
      p->fragmented = 1;
      dx_col_info_set(p, "Fragmented IP protocol (proto=%s %u, off=%u, ID=%04x)",
                      dx_ipproto_name(proto), proto, foff, id);
      dx_dissect_data(p, &pl, parent);
      if (pl.len < pl.reported)
        dx_mark_truncated(p, parent->last_child, "IPv4 fragment");
    }
  }
  return eff_len;
}

static const dx_reg ip_regs[] = {
    {DX_TABLE_ETHERTYPE, 0x0800}, {DX_TABLE_IPPROTO, 4}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_ip = {
    .name = "ip",
    .label = "Internet Protocol Version 4",
    .fields = ip_fields,
    .nfields = DX_ARRAY_LEN(ip_fields),
    .dissect = dissect_ip,
    .regs = ip_regs,
    .state_new = ip_state_new,
    .state_free = ip_state_free,
};

/* ipv6.c adds a hidden ip.version to IPv6 headers, as Wireshark does (so
 * "ip.version == 6" matches them). */
/* An address of an IPv4 or IPv6 header as tshark shows it: the address
 * (src or dst field, unless NULL), then hidden, the same as `addr`, its text as `host_f`
 * (src_host or dst_host) and as `host`. Shared with ipv6.c. */
void dx_ip_add_address(dx_packet *p, dx_node *ip, const dx_tvb *t, uint32_t off, uint32_t alen,
                       const dx_field *addr_f, const dx_field *addr, const dx_field *host_f,
                       const dx_field *host, const char *text) {
  /* a node that would be a ghost is left out (nobody reads these nodes
   * back): most packets of -e/-Y want one field of the four, if any */
  if (addr_f && !dx_skip_node(p, ip, addr_f)) /* NULL: added before (IPv6 adds its source first) */
    dx_add_item(p, ip, addr_f, t, off, alen);
  if (!dx_skip_node(p, ip, addr))
    dx_node_set_flags(dx_add_item(p, ip, addr, t, off, alen), DX_NODE_HIDDEN);
  size_t tl = strlen(text);
  if (!dx_skip_node(p, ip, host_f))
    dx_node_set_flags(dx_add_string(p, ip, host_f, t, off, alen, text, tl), DX_NODE_HIDDEN);
  if (!dx_skip_node(p, ip, host))
    dx_node_set_flags(dx_add_string(p, ip, host, t, off, alen, text, tl), DX_NODE_HIDDEN);
}

const dx_field *dx_ip_version_field(void);
const dx_field *dx_ip_version_field(void) {
  return FL(F_VERSION);
}
