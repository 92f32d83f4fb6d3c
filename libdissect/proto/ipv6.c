/* Internet Protocol version 6 (RFC 8200): fixed header, extension headers
 * (Hop-by-Hop and Destination Options with their options, Routing,
 * Fragment with reassembly through core/reasm_ip.c, AH (RFC 4302), ESP
 * (RFC 4303) SPI/sequence), then the upper-layer protocol. The chain of
 * extension headers is bounded (MAX_EXT_HDRS). */
#include "../core/dx.h"
#include "../core/reasm_ip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_EXT_HDRS 32

extern const dx_vals dx_ipproto_vals[];
extern const dx_vals dx_dscp_vals[], dx_dscp_short_vals[], dx_ecn_vals[], dx_ecn_short_vals[];
const char *dx_ipproto_name(uint8_t proto);
const dx_field *dx_ip_version_field(void);
void dx_ip_add_address(dx_packet *p, dx_node *ip, const dx_tvb *t, uint32_t off, uint32_t alen,
                       const dx_field *addr_f, const dx_field *addr, const dx_field *host_f,
                       const dx_field *host, const char *text); /* ip.c */

static const dx_vals opt_type_vals[] = {{0, "Pad1"},
                                        {1, "PadN"},
                                        {4, "Tunnel Encapsulation Limit"},
                                        {5, "Router Alert"},
                                        {7, "CALIPSO"},
                                        {8, "SMF_DPD"},
                                        {15, "Performance and Diagnostic Metrics"},
                                        {30, "Experimental (0x1E)"},
                                        {38, "Quick-Start"},
                                        {48, "Path MTU Option"},
                                        {49, "IOAM Option"},
                                        {62, "Experimental (0x3E)"},
                                        {65, "Tunnel Payload Forwarding (TPF) Information"},
                                        {94, "Experimental (0x5E)"},
                                        {99, "RPL Option"},
                                        {109, "MPL Option"},
                                        {126, "Experimental (0x7E)"},
                                        {138, "Endpoint Identification"},
                                        {139, "ILNP Nonce"},
                                        {140, "Line-Identification Option"},
                                        {158, "Experimental (0x9E)"},
                                        {190, "Experimental (0xBE)"},
                                        {194, "Jumbo Payload"},
                                        {201, "Home Address"},
                                        {222, "Experimental (0xDE)"},
                                        {238, "IP_DFF"},
                                        {254, "Experimental (0xFE)"},
                                        {0, NULL}};
static const dx_vals routing_type_vals[] = {{0, "Source Route"},
                                            {1, "Nimrod"},
                                            {2, "Type 2 Routing"},
                                            {3, "RPL Source Route"},
                                            {4, "Segment Routing"},
                                            {5, "Compact Routing Header 16"},
                                            {6, "Compact Routing Header 32"},
                                            {253, "Experiment 1"},
                                            {254, "Experiment 2"},
                                            {0, NULL}};
static const dx_vals opt_action_vals[] = {{0, "Skip and continue"},
                                          {1, "Discard"},
                                          {2, "Discard and send ICMP Parameter Problem"},
                                          {3, "Discard and send ICMP if not multicast"},
                                          {0, NULL}};
static const dx_vals yes_no_vals[] = {{0, "No"}, {1, "Yes"}, {0, NULL}};
static const dx_vals ra_vals[] = {{0, "MLD"}, {1, "RSVP"}, {2, "Active Networks"}, {0, NULL}};

enum {
  F_IPV6,
  F_VERSION,
  F_TCLASS,
  F_DSCP,
  F_ECN,
  F_FLOW,
  F_PLEN,
  F_NXT,
  F_HLIM,
  F_SRC,
  F_ADDR,
  F_SRC_HOST,
  F_HOST,
  F_DST,
  F_DST_HOST,
  F_SRC_SLAAC,
  F_DST_SLAAC,
  F_SLAAC,
  F_SRC_6TO4_GW,
  F_SRC_6TO4_SLA,
  F_DST_6TO4_GW,
  F_DST_6TO4_SLA,
  F_6TO4_GW,
  F_6TO4_SLA,
  F_SRC_TS,
  F_SRC_TC_PORT,
  F_SRC_TC,
  F_DST_TS,
  F_DST_TC_PORT,
  F_DST_TC,
  F_TS,
  F_TC_PORT,
  F_TC,
  F_SRC_ISATAP,
  F_DST_ISATAP,
  F_ISATAP,
  F_EMBED_PREFIX,
  F_SRC_EMBED,
  F_DST_EMBED,
  F_EMBED,
  /* options */
  F_OPT,
  F_OPT_TYPE,
  F_OPT_ACTION,
  F_OPT_CHANGE,
  F_OPT_REST,
  F_OPT_LENGTH,
  F_OPT_PAD1,
  F_OPT_PADN,
  F_OPT_RA,
  F_OPT_JUMBO,
  F_OPT_TEL,
  F_OPT_HOME,
  F_OPT_UNKNOWN,
  F_OPT_INVALID_LEN,
  /* hop-by-hop, destination options */
  F_HOPOPTS,
  F_HOPOPTS_NXT,
  F_HOPOPTS_LEN,
  F_HOPOPTS_LEN_OCT,
  F_DSTOPTS,
  F_DSTOPTS_NXT,
  F_DSTOPTS_LEN,
  F_DSTOPTS_LEN_OCT,
  /* routing */
  F_ROUTING,
  F_ROUTING_NXT,
  F_ROUTING_LEN,
  F_ROUTING_LEN_OCT,
  F_ROUTING_TYPE,
  F_ROUTING_SEGLEFT,
  F_ROUTING_SRC_RESERVED,
  F_ROUTING_SRC_ADDR,
  F_ROUTING_MIPV6_RESERVED,
  F_ROUTING_MIPV6_HOME,
  F_ROUTING_UNKNOWN,
  /* fragment */
  F_FRAGHDR,
  F_FRAGHDR_NXT,
  F_FRAGHDR_RESERVED_OCTET,
  F_FRAGHDR_OFFSET,
  F_FRAGHDR_RESERVED_BITS,
  F_FRAGHDR_MORE,
  F_FRAGHDR_IDENT,
  F_FRAGMENTS,
  F_FRAGMENT,
  F_FRAGMENT_COUNT,
  F_REASSEMBLED_LENGTH,
  F_REASSEMBLED_DATA,
  F_FRAGMENT_OVERLAP,
  F_FRAGMENT_CONFLICT,
  F_FRAGMENT_MULTITAILS,
  F_FRAGMENT_TOOLONG,
  /* AH, ESP */
  F_AH,
  F_AH_NXT,
  F_AH_LENGTH,
  F_AH_RESERVED,
  F_AH_SPI,
  F_AH_SEQUENCE,
  F_AH_ICV,
  /* experts */
  F_BOGUS_VERSION,
  F_PLEN_EXCEEDS,
  F_PLEN_ZERO,
  F_TOO_MANY_EXT,
  F_HOPOPTS_NOT_FIRST,
};

static const dx_field ipv6_fields[] = {
    [F_IPV6] = DX_F("ipv6", "Internet Protocol Version 6", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_VERSION] = DX_FM("ipv6.version", "Version", DX_FT_UINT8, DX_BASE_DEC, NULL, 0xf0, 8),
    [F_TCLASS] =
        DX_FM("ipv6.tclass", "Traffic Class", DX_FT_UINT32, DX_BASE_HEX, NULL, 0x0ff00000, 32),
    [F_DSCP] = DX_FM("ipv6.tclass.dscp", "Differentiated Services Codepoint", DX_FT_UINT32,
                     DX_BASE_DEC, dx_dscp_vals, 0x0fc00000, 32),
    [F_ECN] = DX_FM("ipv6.tclass.ecn", "Explicit Congestion Notification", DX_FT_UINT32,
                    DX_BASE_DEC, dx_ecn_vals, 0x00300000, 32),
    [F_FLOW] = DX_FM("ipv6.flow", "Flow Label", DX_FT_UINT24, DX_BASE_HEX, NULL, 0x0fffff, 24),
    [F_PLEN] = DX_F("ipv6.plen", "Payload Length", DX_FT_UINT16, DX_BASE_DEC),
    [F_NXT] = DX_FV("ipv6.nxt", "Next Header", DX_FT_UINT8, DX_BASE_DEC, dx_ipproto_vals),
    [F_HLIM] = DX_F("ipv6.hlim", "Hop Limit", DX_FT_UINT8, DX_BASE_DEC),
    [F_SRC] = DX_F("ipv6.src", "Source Address", DX_FT_IPV6, DX_BASE_NONE),
    [F_ADDR] = DX_F("ipv6.addr", "Source or Destination Address", DX_FT_IPV6, DX_BASE_NONE),
    [F_SRC_HOST] = DX_F("ipv6.src_host", "Source Host", DX_FT_STRING, DX_BASE_NONE),
    [F_HOST] = DX_F("ipv6.host", "Source or Destination Host", DX_FT_STRING, DX_BASE_NONE),
    [F_DST] = DX_F("ipv6.dst", "Destination Address", DX_FT_IPV6, DX_BASE_NONE),
    [F_DST_HOST] = DX_F("ipv6.dst_host", "Destination Host", DX_FT_STRING, DX_BASE_NONE),
    [F_SRC_SLAAC] = DX_F("ipv6.src_slaac_mac", "Source SLAAC MAC", DX_FT_ETHER, DX_BASE_NONE),
    [F_DST_SLAAC] = DX_F("ipv6.dst_slaac_mac", "Destination SLAAC MAC", DX_FT_ETHER, DX_BASE_NONE),
    [F_SLAAC] = DX_F("ipv6.slaac_mac", "SLAAC MAC", DX_FT_ETHER, DX_BASE_NONE),
    [F_SRC_6TO4_GW] =
        DX_F("ipv6.src_6to4_gw_ipv4", "Source 6to4 Gateway IPv4", DX_FT_IPV4, DX_BASE_NONE),
    [F_SRC_6TO4_SLA] =
        DX_F("ipv6.src_6to4_sla_id", "Source 6to4 SLA ID", DX_FT_UINT16, DX_BASE_DEC),
    [F_DST_6TO4_GW] =
        DX_F("ipv6.dst_6to4_gw_ipv4", "Destination 6to4 Gateway IPv4", DX_FT_IPV4, DX_BASE_NONE),
    [F_DST_6TO4_SLA] =
        DX_F("ipv6.dst_6to4_sla_id", "Destination 6to4 SLA ID", DX_FT_UINT16, DX_BASE_DEC),
    [F_6TO4_GW] = DX_F("ipv6.6to4_gw_ipv4", "6to4 Gateway IPv4", DX_FT_IPV4, DX_BASE_NONE),
    [F_6TO4_SLA] = DX_F("ipv6.6to4_sla_id", "6to4 SLA ID", DX_FT_UINT16, DX_BASE_DEC),
    [F_SRC_TS] = DX_F("ipv6.src_ts_ipv4", "Source Teredo Server IPv4", DX_FT_IPV4, DX_BASE_NONE),
    [F_SRC_TC_PORT] = DX_F("ipv6.src_tc_port", "Source Teredo Port", DX_FT_UINT16, DX_BASE_DEC),
    [F_SRC_TC] = DX_F("ipv6.src_tc_ipv4", "Source Teredo Client IPv4", DX_FT_IPV4, DX_BASE_NONE),
    [F_DST_TS] =
        DX_F("ipv6.dst_ts_ipv4", "Destination Teredo Server IPv4", DX_FT_IPV4, DX_BASE_NONE),
    [F_DST_TC_PORT] =
        DX_F("ipv6.dst_tc_port", "Destination Teredo Port", DX_FT_UINT16, DX_BASE_DEC),
    [F_DST_TC] =
        DX_F("ipv6.dst_tc_ipv4", "Destination Teredo Client IPv4", DX_FT_IPV4, DX_BASE_NONE),
    [F_TS] = DX_F("ipv6.ts_ipv4", "Teredo Server IPv4", DX_FT_IPV4, DX_BASE_NONE),
    [F_TC_PORT] = DX_F("ipv6.tc_port", "Teredo Port", DX_FT_UINT16, DX_BASE_DEC),
    [F_TC] = DX_F("ipv6.tc_ipv4", "Teredo Client IPv4", DX_FT_IPV4, DX_BASE_NONE),
    [F_SRC_ISATAP] = DX_F("ipv6.src_isatap_ipv4", "Source ISATAP IPv4", DX_FT_IPV4, DX_BASE_NONE),
    [F_DST_ISATAP] =
        DX_F("ipv6.dst_isatap_ipv4", "Destination ISATAP IPv4", DX_FT_IPV4, DX_BASE_NONE),
    [F_ISATAP] = DX_F("ipv6.isatap_ipv4", "ISATAP IPv4", DX_FT_IPV4, DX_BASE_NONE),
    [F_EMBED_PREFIX] =
        DX_F("ipv6.embed_ipv4_prefix", "Embedded IPv4 Prefix", DX_FT_BYTES, DX_BASE_NONE),
    [F_SRC_EMBED] = DX_F("ipv6.src_embed_ipv4", "Source Embedded IPv4", DX_FT_IPV4, DX_BASE_NONE),
    [F_DST_EMBED] =
        DX_F("ipv6.dst_embed_ipv4", "Destination Embedded IPv4", DX_FT_IPV4, DX_BASE_NONE),
    [F_EMBED] = DX_F("ipv6.embed_ipv4", "Embedded IPv4", DX_FT_IPV4, DX_BASE_NONE),
    [F_OPT] = DX_F("ipv6.opt", "IPv6 Option", DX_FT_NONE, DX_BASE_NONE),
    [F_OPT_TYPE] = DX_FV("ipv6.opt.type", "Type", DX_FT_UINT8, DX_BASE_HEX, opt_type_vals),
    [F_OPT_ACTION] =
        DX_FM("ipv6.opt.type.action", "Action", DX_FT_UINT8, DX_BASE_DEC, opt_action_vals, 0xc0, 8),
    [F_OPT_CHANGE] =
        DX_FM("ipv6.opt.type.change", "May Change", DX_FT_BOOL, DX_BASE_NONE, yes_no_vals, 0x20, 8),
    [F_OPT_REST] =
        DX_FM("ipv6.opt.type.rest", "Low-Order Bits", DX_FT_UINT8, DX_BASE_HEX, NULL, 0x1f, 8),
    [F_OPT_LENGTH] = DX_F("ipv6.opt.length", "Length", DX_FT_UINT8, DX_BASE_DEC),
    [F_OPT_PAD1] = DX_F("ipv6.opt.pad1", "Pad1", DX_FT_NONE, DX_BASE_NONE),
    [F_OPT_PADN] = DX_F("ipv6.opt.padn", "PadN", DX_FT_BYTES, DX_BASE_NONE),
    [F_OPT_RA] = DX_FV("ipv6.opt.router_alert", "Router Alert", DX_FT_UINT16, DX_BASE_DEC, ra_vals),
    [F_OPT_JUMBO] = DX_F("ipv6.opt.jumbo", "Payload Length", DX_FT_UINT32, DX_BASE_DEC),
    [F_OPT_TEL] = DX_F("ipv6.opt.tel", "Tunnel Encapsulation Limit", DX_FT_UINT8, DX_BASE_DEC),
    [F_OPT_HOME] =
        DX_F("ipv6.opt.mipv6.home_address", "MIPv6 Home Address", DX_FT_IPV6, DX_BASE_NONE),
    [F_OPT_UNKNOWN] = DX_F("ipv6.opt.unknown", "Unknown Option Payload", DX_FT_BYTES, DX_BASE_NONE),
    [F_OPT_INVALID_LEN] =
        DX_F("ipv6.opt.invalid_len", "Invalid IPv6 option length", DX_FT_NONE, DX_BASE_NONE),
    [F_HOPOPTS] = DX_F("ipv6.hopopts", "IPv6 Hop-by-Hop Option", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_HOPOPTS_NXT] =
        DX_FV("ipv6.hopopts.nxt", "Next Header", DX_FT_UINT8, DX_BASE_DEC, dx_ipproto_vals),
    [F_HOPOPTS_LEN] = DX_F("ipv6.hopopts.len", "Length", DX_FT_UINT8, DX_BASE_DEC),
    [F_HOPOPTS_LEN_OCT] = DX_F("ipv6.hopopts.len_oct", "Length", DX_FT_UINT16, DX_BASE_DEC),
    [F_DSTOPTS] =
        DX_F("ipv6.dstopts", "Destination Options for IPv6", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_DSTOPTS_NXT] =
        DX_FV("ipv6.dstopts.nxt", "Next Header", DX_FT_UINT8, DX_BASE_DEC, dx_ipproto_vals),
    [F_DSTOPTS_LEN] = DX_F("ipv6.dstopts.len", "Length", DX_FT_UINT8, DX_BASE_DEC),
    [F_DSTOPTS_LEN_OCT] = DX_F("ipv6.dstopts.len_oct", "Length", DX_FT_UINT16, DX_BASE_DEC),
    [F_ROUTING] = DX_F("ipv6.routing", "Routing Header for IPv6", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_ROUTING_NXT] =
        DX_FV("ipv6.routing.nxt", "Next Header", DX_FT_UINT8, DX_BASE_DEC, dx_ipproto_vals),
    [F_ROUTING_LEN] = DX_F("ipv6.routing.len", "Length", DX_FT_UINT8, DX_BASE_DEC),
    [F_ROUTING_LEN_OCT] = DX_F("ipv6.routing.len_oct", "Length", DX_FT_UINT16, DX_BASE_DEC),
    [F_ROUTING_TYPE] =
        DX_FV("ipv6.routing.type", "Type", DX_FT_UINT8, DX_BASE_DEC, routing_type_vals),
    [F_ROUTING_SEGLEFT] = DX_F("ipv6.routing.segleft", "Segments Left", DX_FT_UINT8, DX_BASE_DEC),
    [F_ROUTING_SRC_RESERVED] =
        DX_F("ipv6.routing.src.reserved", "Reserved", DX_FT_BYTES, DX_BASE_NONE),
    [F_ROUTING_SRC_ADDR] = DX_F("ipv6.routing.src.addr", "Address", DX_FT_IPV6, DX_BASE_NONE),
    [F_ROUTING_MIPV6_RESERVED] =
        DX_F("ipv6.routing.mipv6.reserved", "Reserved", DX_FT_BYTES, DX_BASE_NONE),
    [F_ROUTING_MIPV6_HOME] =
        DX_F("ipv6.routing.mipv6.home_address", "Home Address", DX_FT_IPV6, DX_BASE_NONE),
    [F_ROUTING_UNKNOWN] =
        DX_F("ipv6.routing.unknown_data", "Type-Specific Data", DX_FT_BYTES, DX_BASE_NONE),
    [F_FRAGHDR] = DX_F("ipv6.fraghdr", "Fragment Header for IPv6", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_FRAGHDR_NXT] =
        DX_FV("ipv6.fraghdr.nxt", "Next header", DX_FT_UINT8, DX_BASE_DEC, dx_ipproto_vals),
    [F_FRAGHDR_RESERVED_OCTET] =
        DX_F("ipv6.fraghdr.reserved_octet", "Reserved octet", DX_FT_UINT8, DX_BASE_HEX),
    [F_FRAGHDR_OFFSET] =
        DX_FM("ipv6.fraghdr.offset", "Offset", DX_FT_UINT16, DX_BASE_DEC, NULL, 0xfff8, 16),
    [F_FRAGHDR_RESERVED_BITS] = DX_FM("ipv6.fraghdr.reserved_bits", "Reserved bits", DX_FT_UINT16,
                                      DX_BASE_DEC, NULL, 0x0006, 16),
    [F_FRAGHDR_MORE] = DX_FM("ipv6.fraghdr.more", "More Fragments", DX_FT_BOOL, DX_BASE_NONE,
                             yes_no_vals, 0x0001, 16),
    [F_FRAGHDR_IDENT] = DX_F("ipv6.fraghdr.ident", "Identification", DX_FT_UINT32, DX_BASE_HEX),
    [F_FRAGMENTS] = DX_F("ipv6.fragments", "IPv6 Fragments", DX_FT_NONE, DX_BASE_NONE),
    [F_FRAGMENT] = DX_F("ipv6.fragment", "IPv6 Fragment", DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_FRAGMENT_COUNT] = DX_F("ipv6.fragment.count", "Fragment count", DX_FT_UINT32, DX_BASE_DEC),
    [F_REASSEMBLED_LENGTH] =
        DX_F("ipv6.reassembled.length", "Reassembled IPv6 length", DX_FT_UINT32, DX_BASE_DEC),
    [F_REASSEMBLED_DATA] =
        DX_F("ipv6.reassembled.data", "Reassembled IPv6 data", DX_FT_BYTES, DX_BASE_NONE),
    [F_FRAGMENT_OVERLAP] =
        DX_F("ipv6.fragment.overlap", "Fragment overlap", DX_FT_BOOL, DX_BASE_NONE),
    [F_FRAGMENT_CONFLICT] = DX_F("ipv6.fragment.overlap.conflict",
                                 "Conflicting data in fragment overlap", DX_FT_BOOL, DX_BASE_NONE),
    [F_FRAGMENT_MULTITAILS] = DX_F("ipv6.fragment.multipletails", "Multiple tail fragments found",
                                   DX_FT_BOOL, DX_BASE_NONE),
    [F_FRAGMENT_TOOLONG] =
        DX_F("ipv6.fragment.toolongfragment", "Fragment too long", DX_FT_BOOL, DX_BASE_NONE),
    [F_AH] = DX_F("ah", "Authentication Header", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_AH_NXT] = DX_FV("ah.next_header", "Next header", DX_FT_UINT8, DX_BASE_DEC, dx_ipproto_vals),
    [F_AH_LENGTH] = DX_F("ah.length", "Length", DX_FT_UINT8, DX_BASE_DEC),
    [F_AH_RESERVED] = DX_F("ah.reserved", "Reserved", DX_FT_BYTES, DX_BASE_NONE),
    [F_AH_SPI] = DX_F("ah.spi", "AH SPI", DX_FT_UINT32, DX_BASE_HEX),
    [F_AH_SEQUENCE] = DX_F("ah.sequence", "AH Sequence", DX_FT_UINT32, DX_BASE_DEC),
    [F_AH_ICV] = DX_F("ah.icv", "AH ICV", DX_FT_BYTES, DX_BASE_NONE),
    [F_BOGUS_VERSION] =
        DX_F("ipv6.bogus_ipv6_version", "Bogus IP version", DX_FT_NONE, DX_BASE_NONE),
    [F_PLEN_EXCEEDS] = DX_F("ipv6.plen_exceeds_framing",
                            "IPv6 payload length does not match expected framing length",
                            DX_FT_NONE, DX_BASE_NONE),
    [F_PLEN_ZERO] =
        DX_F("ipv6.plen_zero", "IPv6 payload length equals 0", DX_FT_NONE, DX_BASE_NONE),
    [F_TOO_MANY_EXT] =
        DX_F("ipv6.too_many_ext_hdrs", "Too many IPv6 extension headers", DX_FT_NONE, DX_BASE_NONE),
    [F_HOPOPTS_NOT_FIRST] =
        DX_F("ipv6.hopopts.not_first",
             "IPv6 Hop-by-Hop extension header must appear immediately after IPv6 header",
             DX_FT_NONE, DX_BASE_NONE),
};

#define FL(i) (&ipv6_fields[(i)])

extern const dx_protocol dx_proto_ipv6;

typedef struct ipv6_state {
  dx_ipreasm *reasm;
} ipv6_state;

static void *ipv6_state_new(struct dx_session *s) {
  DX_UNUSED(s);
  return calloc(1, sizeof(ipv6_state));
}

static void ipv6_state_free(void *v) {
  ipv6_state *st = v;
  if (!st)
    return;
  dx_ipreasm_free(st->reasm);
  free(st);
}

/* Options of a Hop-by-Hop or Destination Options header (RFC 8200 4.2),
 * in [off, end) of t (all present). */
static void dissect_opts(dx_packet *p, dx_node *h, const dx_tvb *t, uint32_t off, uint32_t end,
                         uint32_t *jumbo) {
  while (off < end) {
    uint8_t type, len;
    if (!dx_get_u8(t, off, &type))
      return;
    const char *name = dx_val_name_def(opt_type_vals, type, "Unknown IPv6 Option");
    if (type == 0) {
      dx_node *o = dx_add_none(p, h, FL(F_OPT), t, off, 1);
      dx_node_set_text(p, o, "Pad1");
      dx_node *ty = dx_add_item(p, o, FL(F_OPT_TYPE), t, off, 1);
      dx_add_item(p, ty, FL(F_OPT_ACTION), t, off, 1);
      dx_add_item(p, ty, FL(F_OPT_CHANGE), t, off, 1);
      dx_add_item(p, ty, FL(F_OPT_REST), t, off, 1);
      dx_add_none(p, o, FL(F_OPT_PAD1), t, off, 1);
      off++;
      continue;
    }
    dx_node *o = dx_add_none(p, h, FL(F_OPT), t, off, end - off);
    dx_node_set_text(p, o, "%s", name);
    dx_node *ty = dx_add_item(p, o, FL(F_OPT_TYPE), t, off, 1);
    dx_add_item(p, ty, FL(F_OPT_ACTION), t, off, 1);
    dx_add_item(p, ty, FL(F_OPT_CHANGE), t, off, 1);
    dx_add_item(p, ty, FL(F_OPT_REST), t, off, 1);
    if (off + 1 >= end || !dx_get_u8(t, off + 1, &len)) {
      dx_mark_malformed(p, o, "Option length field past the end of the header");
      return;
    }
    dx_node *ln = dx_add_item(p, o, FL(F_OPT_LENGTH), t, off + 1, 1);
    if (len > end - off - 2) {
      dx_expert(p, ln, FL(F_OPT_INVALID_LEN), DX_SEV_ERROR,
                "Invalid IPv6 option length: %u (past the end of the header)", len);
      dx_node_set_flags(ln, DX_NODE_MALFORMED);
      return;
    }
    dx_node_set_len(o, 2u + len);
    uint32_t d = off + 2;
    switch (type) {
    case 1: {
      dx_node *pn = dx_add_item(p, o, FL(F_OPT_PADN), t, d, len);
      if (len == 0) /* tshark's BASE_ALLOW_ZERO label */
        dx_node_set_text(p, pn, "PadN: <none>");
      break;
    }
    case 5:
      if (len == 2)
        dx_add_item(p, o, FL(F_OPT_RA), t, d, 2);
      else
        dx_expert(p, ln, FL(F_OPT_INVALID_LEN), DX_SEV_ERROR, "Invalid IPv6 option length");
      break;
    case 4:
      if (len == 1)
        dx_add_item(p, o, FL(F_OPT_TEL), t, d, 1);
      else
        dx_expert(p, ln, FL(F_OPT_INVALID_LEN), DX_SEV_ERROR, "Invalid IPv6 option length");
      break;
    case 0xc2:
      if (len == 4) {
        dx_add_item(p, o, FL(F_OPT_JUMBO), t, d, 4);
        dx_get_u32(t, d, jumbo);
      } else {
        dx_expert(p, ln, FL(F_OPT_INVALID_LEN), DX_SEV_ERROR, "Invalid IPv6 option length");
      }
      break;
    case 0xc9:
      if (len == 16)
        dx_add_item(p, o, FL(F_OPT_HOME), t, d, 16);
      else
        dx_expert(p, ln, FL(F_OPT_INVALID_LEN), DX_SEV_ERROR, "Invalid IPv6 option length");
      break;
    default:
      if (len)
        dx_add_item(p, o, FL(F_OPT_UNKNOWN), t, d, len);
      break;
    }
    off += 2u + len;
  }
}

static void add_fragments_tree(dx_packet *p, dx_node *ip6, const dx_tvb *rt,
                               const dx_ipreasm_result *res) {
  dx_node *fs = dx_add_none(p, ip6, FL(F_FRAGMENTS), rt, 0, rt->len);
  dx_node_set_flags(fs, DX_NODE_GENERATED);
  char list[512];
  size_t n = 0;
  list[0] = 0;
  for (uint32_t i = 0; i < res->nfrags && n < sizeof list - 1; i++) {
    int w = snprintf(list + n, sizeof list - n, "%s#%llu(%u)", i ? ", " : "",
                     (unsigned long long)res->frags[i].frame, res->frags[i].len);
    if (w < 0)
      break;
    n += (size_t)w < sizeof list - n ? (size_t)w : sizeof list - n - 1;
  }
  dx_node_set_text(p, fs, "%u IPv6 Fragments (%u bytes): %s", res->nfrags, res->len, list);
  for (uint32_t i = 0; i < res->nfrags; i++) {
    const dx_ipreasm_frag *f = &res->frags[i];
    dx_node *fn = dx_add_uint(p, fs, FL(F_FRAGMENT), rt, f->off, f->len, f->frame);
    dx_node_set_flags(fn, DX_NODE_GENERATED);
    dx_node_set_text(p, fn, "Frame: %llu, payload: %u-%u (%u bytes)", (unsigned long long)f->frame,
                     f->off, f->len ? f->off + f->len - 1 : f->off, f->len);
  }
  dx_node *c = dx_add_uint(p, fs, FL(F_FRAGMENT_COUNT), rt, 0, 0, res->nfrags);
  dx_node_set_flags(c, DX_NODE_GENERATED);
  c = dx_add_uint(p, fs, FL(F_REASSEMBLED_LENGTH), rt, 0, 0, res->len);
  dx_node_set_flags(c, DX_NODE_GENERATED);
  c = dx_add_bytes(p, fs, FL(F_REASSEMBLED_DATA), rt, 0, rt->len);
  dx_node_set_flags(c, DX_NODE_GENERATED);
}

static void note_anomalies(dx_packet *p, dx_node *n, const dx_ipreasm_result *res) {
  if (res->overlap)
    dx_expert(p, n, FL(F_FRAGMENT_OVERLAP), DX_SEV_NOTE, "Fragment overlaps with other fragments");
  if (res->conflict)
    dx_expert(p, n, FL(F_FRAGMENT_CONFLICT), DX_SEV_WARN,
              "Overlapping fragments contained conflicting data");
  if (res->multitails)
    dx_expert(p, n, FL(F_FRAGMENT_MULTITAILS), DX_SEV_WARN,
              "Several tails were found when defragmenting the packet");
  if (res->toolong)
    dx_expert(p, n, FL(F_FRAGMENT_TOOLONG), DX_SEV_WARN,
              "Fragment contained data past end of packet");
}

/* Adds an extension header's common part: a protocol node with Next
 * Header and Length (in 8-octet units minus one, RFC 8200 4.3). */
static dx_node *ext_common(dx_packet *p, dx_node *ip6, const dx_tvb *t, uint32_t off, uint32_t hlen,
                           int f_proto) {
  dx_node *h = dx_add_proto(p, ip6, FL(f_proto), t, off, hlen);
  dx_add_item(p, h, FL(f_proto + 1), t, off, 1);
  dx_add_item(p, h, FL(f_proto + 2), t, off + 1, 1);
  dx_node *lo = dx_add_uint(p, h, FL(f_proto + 3), t, off + 1, 1, hlen);
  dx_node_set_flags(lo, DX_NODE_GENERATED);
  dx_node_set_text(p, lo, "Length: %u bytes", hlen);
  return h;
}

/* The MAC address a SLAAC interface identifier was made from (RFC 4291
 * appendix A: the universal/local bit set, ff:fe in the middle), as
 * tshark shows it: "[Source SLAAC MAC: 00:00:86:05:80:da]", and a hidden
 * ipv6.slaac_mac for either. */
static void add_slaac(dx_packet *p, dx_node *ip6, const dx_tvb *t, uint32_t off,
                      const dx_field *f) {
  const uint8_t *a = dx_get_ptr(t, off, 16);
  if (!a || !(a[8] & 0x02) || a[11] != 0xff || a[12] != 0xfe)
    return;
  uint8_t mac[6] = {(uint8_t)(a[8] & ~0x02), a[9], a[10], a[13], a[14], a[15]};
  dx_node_set_flags(dx_add_bytes_val(p, ip6, f, t, off + 8, 8, mac, 6), DX_NODE_GENERATED);
  dx_node_set_flags(dx_add_bytes_val(p, ip6, FL(F_SLAAC), t, off + 8, 8, mac, 6),
                    DX_NODE_GENERATED | DX_NODE_HIDDEN);
}

static uint32_t be32(const uint8_t *a) {
  return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
}

/* A generated item and, hidden, the same value under the field for either
 * address (tshark's ADDRESS_SET_GENERATED_HIDDEN pairs). */
static void add_pair(dx_packet *p, dx_node *ip6, const dx_tvb *t, uint32_t off, uint32_t len,
                     const dx_field *f, const dx_field *either, uint64_t v) {
  dx_node_set_flags(dx_add_uint(p, ip6, f, t, off, len, v), DX_NODE_GENERATED);
  dx_node_set_flags(dx_add_uint(p, ip6, either, t, off, len, v),
                    DX_NODE_GENERATED | DX_NODE_HIDDEN);
}

/* The IPv4 addresses and numbers other address kinds carry, as tshark
 * shows them under the addresses, source then destination for each kind:
 * 6to4 (2002::/16, RFC 3056: the gateway and the SLA ID), Teredo
 * (2001:0::/32, RFC 4380: the server, and the client's port and address
 * stored inverted), SLAAC (above), ISATAP (RFC 5214: ...:0[02]00:5efe:
 * then the IPv4 address) and the well-known NAT64 prefix 64:ff9b::/96
 * (RFC 6052; tshark's user-defined prefixes are not read). */
static void add_address_details(dx_packet *p, dx_node *ip6, const dx_tvb *t) {
  const uint8_t *s = dx_get_ptr(t, 8, 16), *d = dx_get_ptr(t, 24, 16);
  if (!s || !d)
    return;
  for (int i = 0; i < 2; i++) {
    const uint8_t *a = i ? d : s;
    uint32_t off = i ? 24 : 8;
    if (a[0] == 0x20 && a[1] == 0x02) {
      add_pair(p, ip6, t, off + 2, 4, FL(i ? F_DST_6TO4_GW : F_SRC_6TO4_GW), FL(F_6TO4_GW),
               be32(a + 2));
      add_pair(p, ip6, t, off + 6, 2, FL(i ? F_DST_6TO4_SLA : F_SRC_6TO4_SLA), FL(F_6TO4_SLA),
               (uint32_t)a[6] << 8 | a[7]);
    }
  }
  for (int i = 0; i < 2; i++) {
    const uint8_t *a = i ? d : s;
    uint32_t off = i ? 24 : 8;
    if (be32(a) == 0x20010000) {
      add_pair(p, ip6, t, off + 4, 4, FL(i ? F_DST_TS : F_SRC_TS), FL(F_TS), be32(a + 4));
      add_pair(p, ip6, t, off + 10, 2, FL(i ? F_DST_TC_PORT : F_SRC_TC_PORT), FL(F_TC_PORT),
               ((uint32_t)a[10] << 8 | a[11]) ^ 0xffffu);
      add_pair(p, ip6, t, off + 12, 4, FL(i ? F_DST_TC : F_SRC_TC), FL(F_TC),
               be32(a + 12) ^ 0xffffffffu);
    }
  }
  add_slaac(p, ip6, t, 8, FL(F_SRC_SLAAC));
  add_slaac(p, ip6, t, 24, FL(F_DST_SLAAC));
  for (int i = 0; i < 2; i++) {
    const uint8_t *a = i ? d : s;
    uint32_t off = i ? 24 : 8;
    if ((be32(a + 8) & 0xfcffffffu) == 0x00005efeu)
      add_pair(p, ip6, t, off + 12, 4, FL(i ? F_DST_ISATAP : F_SRC_ISATAP), FL(F_ISATAP),
               be32(a + 12));
  }
  static const uint8_t wkp[12] = {0x00, 0x64, 0xff, 0x9b};
  for (int i = 0; i < 2; i++) {
    const uint8_t *a = i ? d : s;
    uint32_t off = i ? 24 : 8;
    if (memcmp(a, wkp, sizeof wkp) != 0)
      continue;
    dx_node_set_flags(dx_add_bytes(p, ip6, FL(F_EMBED_PREFIX), t, off, 12), DX_NODE_GENERATED);
    dx_node_set_flags(
        dx_add_uint(p, ip6, FL(i ? F_DST_EMBED : F_SRC_EMBED), t, off + 12, 4, be32(a + 12)),
        DX_NODE_GENERATED);
    dx_node_set_flags(dx_add_uint(p, ip6, FL(F_EMBED), t, off + 12, 4, be32(a + 12)),
                      DX_NODE_GENERATED);
  }
}

static uint32_t dissect_ipv6(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  dx_node *ip6 = dx_add_proto(p, parent, FL(F_IPV6), t, 0, 40);
  dx_col_set_proto(p, "IPv6");
  if (!p->in_icmp_error)
    p->have_ip6_hlim = p->have_ip6_rt_dst = false;
  uint8_t b0;
  if (!dx_get_u8(t, 0, &b0)) {
    dx_mark_truncated(p, ip6, "IPv6 header needs 40 bytes");
    return t->len;
  }
  dx_node *hv = dx_add_item(p, ip6, dx_ip_version_field(), t, 0, 1);
  dx_node_set_flags(hv, DX_NODE_HIDDEN);
  dx_node *vn = dx_add_item(p, ip6, FL(F_VERSION), t, 0, 1);
  if ((b0 >> 4) != 6) {
    dx_expert(p, vn, FL(F_BOGUS_VERSION), DX_SEV_ERROR, "Bogus IP version (%u)", b0 >> 4);
    dx_node_set_flags(vn, DX_NODE_MALFORMED);
    dx_col_info_set(p, "Bogus IPv6 version");
    return t->len;
  }
  uint32_t w0 = 0;
  uint16_t plen = 0;
  uint8_t nxt = 0, hlim = 0;
  bool have = dx_tvb_has(t, 0, 40);
  if (have) {
    dx_get_u32(t, 0, &w0);
    dx_get_u16(t, 4, &plen);
    dx_get_u8(t, 6, &nxt);
    dx_get_u8(t, 7, &hlim);
  }
  bool built = dx_layer_built(p, ip6); /* if not, only what sets state or notes */
  dx_node *pn;
  if (built || !have) {
    dx_node *tc = dx_add_item(p, ip6, FL(F_TCLASS), t, 0, 4);
    if (have) {
      unsigned tcv = (w0 >> 20) & 0xff;
      /* ".... 0000 0000 .... .... .... .... .... = Traffic Class: 0x00 (DSCP: CS0, ECN:
       * Not-ECT)" */
      char bits[10], hx[3] = {"0123456789abcdef"[tcv >> 4], "0123456789abcdef"[tcv & 15], 0};
      for (int i = 0, k = 0; i < 8; i++) {
        if (i == 4)
          bits[k++] = ' ';
        bits[k++] = (tcv >> (7 - i)) & 1 ? '1' : '0';
      }
      bits[9] = 0;
      dx_node_set_text_cat(p, tc, ".... ", bits, " .... .... .... .... .... = Traffic Class: 0x",
                           hx, " (DSCP: ", dx_val_name_def(dx_dscp_short_vals, tcv >> 2, "Unknown"),
                           ", ECN: ", dx_val_name_def(dx_ecn_short_vals, tcv & 3, "Unknown"), ")",
                           NULL);
    }
    dx_add_item(p, tc, FL(F_DSCP), t, 0, 4);
    dx_add_item(p, tc, FL(F_ECN), t, 0, 4);
    dx_add_item(p, ip6, FL(F_FLOW), t, 1, 3);
    pn = dx_add_item(p, ip6, FL(F_PLEN), t, 4, 2);
    dx_add_item(p, ip6, FL(F_NXT), t, 6, 1);
    dx_add_item(p, ip6, FL(F_HLIM), t, 7, 1);
  } else {
    pn = dx_ghost(p, ip6); /* the notes below go on it */
  }
  if (!p->in_icmp_error)
    p->have_ip6_hlim = dx_get_u8(t, 7, &p->ip6_hlim);
  dx_add_item(p, ip6, FL(F_SRC), t, 8, 16);
  if (!have) {
    dx_add_item(p, ip6, FL(F_DST), t, 24, 16);
    dx_mark_truncated(p, ip6, "IPv6 header needs 40 bytes");
    return t->len;
  }
  dx_addr src, dst;
  dx_addr_set(&src, DX_AT_IPV6, t->data + 8);
  dx_addr_set(&dst, DX_AT_IPV6, t->data + 24);
  char ss[64] = "", ds[64] = "";
  /* the texts only where a node of them is built: not in a skipped layer,
   * nor, with field ghosts, when no host field is asked for */
  if (dx_layer_built(p, ip6) &&
      (!p->skip || dx_packet_wants(p, FL(F_SRC_HOST)) || dx_packet_wants(p, FL(F_DST_HOST)) ||
       dx_packet_wants(p, FL(F_HOST)))) {
    dx_addr_format(&src, ss, sizeof ss);
    dx_addr_format(&dst, ds, sizeof ds);
  }
  if (built) {
    dx_ip_add_address(p, ip6, t, 8, 16, NULL, FL(F_ADDR), FL(F_SRC_HOST), FL(F_HOST), ss);
    dx_ip_add_address(p, ip6, t, 24, 16, FL(F_DST), FL(F_ADDR), FL(F_DST_HOST), FL(F_HOST), ds);
    add_address_details(p, ip6, t);
  }
  dx_node_set_text_cat(p, ip6, "Internet Protocol Version 6, Src: ", ss, ", Dst: ", ds, NULL);

  p->net_src = src;
  p->net_dst = dst;
  dx_col_set_addr(p, &src, &dst);

  /* The datagram's extent: 40 + payload length, clipped to the frame. */
  uint32_t avail_rep = t->reported > t->len ? t->reported : t->len;
  uint32_t end = 40u + plen;
  if (plen == 0) {
    end = avail_rep;           /* jumbogram or segmentation offload: the frame tells */
    if (nxt != 0 && nxt != 59) /* (nor with No Next Header, as tshark) */
      dx_expert(p, pn, FL(F_PLEN_ZERO), DX_SEV_WARN,
                "IPv6 payload length equals 0 (maybe because of \"TCP segmentation offload\" "
                "(TSO))");
  } else if (end > avail_rep && !p->in_icmp_error) {
    dx_expert(p, pn, FL(F_PLEN_EXCEEDS), DX_SEV_ERROR,
              "IPv6 payload length does not match expected framing length");
    dx_node_set_flags(pn, DX_NODE_MALFORMED);
    end = avail_rep;
  }

  dx_tvb cur = dx_tvb_sub(t, 0, end); /* the view extension headers walk over */
  uint32_t off = 40;
  unsigned count = 0;
  bool done = false;
  uint32_t jumbo = 0;
  while (!done) {
    if (count++ >= MAX_EXT_HDRS) {
      dx_expert(p, ip6, FL(F_TOO_MANY_EXT), DX_SEV_ERROR,
                "More than %u IPv6 extension headers: the rest is not dissected", MAX_EXT_HDRS);
      dx_node_set_flags(ip6, DX_NODE_MALFORMED);
      dx_tvb rest = dx_tvb_sub(&cur, off, UINT32_MAX);
      dx_dissect_data(p, &rest, parent);
      return end;
    }
    switch (nxt) {
    case 0:    /* Hop-by-Hop Options */
    case 60:   /* Destination Options */
    case 43: { /* Routing */
      uint8_t hn, hl;
      if (!dx_get_u8(&cur, off, &hn) || !dx_get_u8(&cur, off + 1, &hl)) {
        dx_node *h = dx_add_proto(p, ip6,
                                  FL(nxt == 0    ? F_HOPOPTS
                                     : nxt == 60 ? F_DSTOPTS
                                                 : F_ROUTING),
                                  &cur, off, 2);
        dx_mark_truncated(p, h, "IPv6 extension header");
        return end;
      }
      uint32_t hlen = (hl + 1u) * 8u;
      int fp = nxt == 0 ? F_HOPOPTS : nxt == 60 ? F_DSTOPTS : F_ROUTING;
      dx_node *h = ext_common(p, ip6, &cur, off, hlen, fp);
      if (nxt == 0 && count != 1)
        dx_expert(p, h, FL(F_HOPOPTS_NOT_FIRST), DX_SEV_ERROR,
                  "IPv6 Hop-by-Hop extension header must appear immediately after IPv6 header");
      if (!dx_tvb_has(&cur, off, hlen)) {
        if ((uint64_t)off + hlen > cur.reported)
          dx_mark_malformed(p, h, "Extension header length %u goes past the payload", hlen);
        else
          dx_mark_truncated(p, h, "IPv6 extension header");
        return end;
      }
      if (nxt == 43) {
        uint8_t rtype = 0, segleft = 0;
        dx_get_u8(&cur, off + 2, &rtype);
        dx_get_u8(&cur, off + 3, &segleft);
        dx_add_item(p, h, FL(F_ROUTING_TYPE), &cur, off + 2, 1);
        dx_add_item(p, h, FL(F_ROUTING_SEGLEFT), &cur, off + 3, 1);
        if (rtype == 0 || rtype == 2) {
          bool t2 = rtype == 2;
          dx_add_item(p, h, FL(t2 ? F_ROUTING_MIPV6_RESERVED : F_ROUTING_SRC_RESERVED), &cur,
                      off + 4, 4);
          for (uint32_t a = 8; a + 16 <= hlen; a += 16)
            dx_add_item(p, h, FL(t2 ? F_ROUTING_MIPV6_HOME : F_ROUTING_SRC_ADDR), &cur, off + a,
                        16);
          /* the final destination, for ICMPv6's checksum (RFC 8200 8.1) */
          const uint8_t *last =
              hlen >= 24 ? dx_get_ptr(&cur, off + 8 + (hlen - 8) / 16 * 16 - 16, 16) : NULL;
          if (!t2 && segleft && last && !p->in_icmp_error) {
            dx_addr_set(&p->ip6_rt_dst, DX_AT_IPV6, last);
            p->have_ip6_rt_dst = true;
          }
        } else if (hlen > 4) {
          dx_add_item(p, h, FL(F_ROUTING_UNKNOWN), &cur, off + 4, hlen - 4);
        }
      } else {
        dissect_opts(p, h, &cur, off + 2, off + hlen, &jumbo);
      }
      nxt = hn;
      off += hlen;
      break;
    }
    case 44: { /* Fragment (RFC 8200 4.5) */
      dx_node *h = dx_add_proto(p, ip6, FL(F_FRAGHDR), &cur, off, 8);
      if (!dx_tvb_has(&cur, off, 8)) {
        dx_mark_truncated(p, h, "IPv6 fragment header");
        return end;
      }
      uint8_t fn;
      uint16_t offw;
      uint32_t ident;
      dx_get_u8(&cur, off, &fn);
      dx_get_u16(&cur, off + 2, &offw);
      dx_get_u32(&cur, off + 4, &ident);
      dx_add_item(p, h, FL(F_FRAGHDR_NXT), &cur, off, 1);
      dx_add_item(p, h, FL(F_FRAGHDR_RESERVED_OCTET), &cur, off + 1, 1);
      dx_node *on = dx_add_item(p, h, FL(F_FRAGHDR_OFFSET), &cur, off + 2, 2);
      dx_node_append_text(p, on, " (%u bytes)", (offw >> 3) * 8u);
      dx_add_item(p, h, FL(F_FRAGHDR_RESERVED_BITS), &cur, off + 2, 2);
      dx_add_item(p, h, FL(F_FRAGHDR_MORE), &cur, off + 2, 2);
      dx_add_item(p, h, FL(F_FRAGHDR_IDENT), &cur, off + 4, 4);
      off += 8;
      uint32_t foff = (offw >> 3) * 8u;
      bool more = offw & 1;
      nxt = fn;
      if (foff == 0 && !more)
        break; /* an atomic fragment (RFC 6946): go on */
      dx_tvb pl = dx_tvb_sub(&cur, off, UINT32_MAX);
      if (p->in_icmp_error) {
        /* A fragment quoted in an ICMPv6 error is never reassembled; as
         * tshark, its bytes are shown as data. */
        dx_dissect_data(p, &pl, parent);
        return end;
      }
      ipv6_state *st = dx_proto_state(p, &dx_proto_ipv6);
      dx_ipreasm_result res;
      memset(&res, 0, sizeof res);
      res.status = DX_REASM_INCOMPLETE;
      bool tried = false;
      if (st && pl.len == pl.reported) {
        if (!st->reasm)
          st->reasm = dx_ipreasm_new(dx_packet_config(p), dx_packet_hashkey(p));
        if (st->reasm) {
          dx_ipreasm_key key;
          memset(&key, 0, sizeof key);
          key.src = src;
          key.dst = dst;
          key.id = ident;
          key.proto = fn;
          dx_ipreasm_add(st->reasm, &key, p->num, p->frame.ts_sec, p->frame.ts_nsec, foff, pl.data,
                         pl.len, more, &res);
          tried = true;
        }
      }
      if (res.evicted)
        dx_expert(p, h, dx_field_limit(), DX_SEV_WARN,
                  "IPv6 reassembly: %u datagrams in progress (max_frag_datagrams), the oldest "
                  "was dropped",
                  dx_packet_config(p)->max_frag_datagrams);
      if (res.status == DX_REASM_LIMIT)
        dx_expert(p, h, dx_field_limit(), DX_SEV_WARN,
                  "IPv6 reassembly limit reached: %s; datagram dropped", res.limit_what);
      else if (res.status == DX_REASM_NOMEM)
        dx_expert(p, h, dx_field_limit(), DX_SEV_WARN, "IPv6 reassembly: out of memory");
      else if (tried)
        note_anomalies(p, h, &res);
      if (res.status == DX_REASM_DONE) {
        dx_tvb rt = dx_packet_add_source_kind(p, DX_SRC_REASSEMBLED, "IPv6", res.data, res.len);
        if (rt.len == res.len) {
          add_fragments_tree(p, ip6, &rt, &res);
          cur = rt;
          off = 0;
          break; /* continue the header chain in the reassembled payload */
        }
        dx_expert(p, h, dx_field_limit(), DX_SEV_WARN,
                  "Reassembled IPv6 datagram not shown: too many data sources");
      }
      p->fragmented = 1;
      dx_col_info_set(p, "IPv6 fragment (off=%u more=%c ident=0x%08x nxt=%u)", foff,
                      more ? 'y' : 'n', ident, fn);
      dx_dissect_data(p, &pl, parent);
      if (pl.len < pl.reported)
        dx_mark_truncated(p, parent->last_child, "IPv6 fragment");
      return end;
    }
    case 51: { /* Authentication Header (RFC 4302): length in 32-bit words minus 2 */
      uint8_t an, al;
      dx_node *h = dx_add_proto(p, ip6, FL(F_AH), &cur, off, 12);
      if (!dx_get_u8(&cur, off, &an) || !dx_get_u8(&cur, off + 1, &al)) {
        dx_mark_truncated(p, h, "AH header");
        return end;
      }
      uint32_t hlen = (al + 2u) * 4u;
      dx_node_set_len(h, hlen);
      dx_add_item(p, h, FL(F_AH_NXT), &cur, off, 1);
      dx_node *l = dx_add_item(p, h, FL(F_AH_LENGTH), &cur, off + 1, 1);
      dx_node_append_text(p, l, " (%u bytes)", hlen);
      dx_add_item(p, h, FL(F_AH_RESERVED), &cur, off + 2, 2);
      dx_add_item(p, h, FL(F_AH_SPI), &cur, off + 4, 4);
      dx_add_item(p, h, FL(F_AH_SEQUENCE), &cur, off + 8, 4);
      if (hlen < 12) {
        dx_mark_malformed(p, h, "AH length %u is less than 12", hlen);
        return end;
      }
      if (hlen > 12)
        dx_add_item(p, h, FL(F_AH_ICV), &cur, off + 12, hlen - 12);
      if (!dx_tvb_has(&cur, off, hlen)) {
        dx_mark_truncated(p, h, "AH header");
        return end;
      }
      nxt = an;
      off += hlen;
      break;
    }
    default: done = true; break;
    }
  }
  DX_UNUSED(jumbo);

  p->ipproto = nxt;
  dx_tvb pl = dx_tvb_sub(&cur, off, UINT32_MAX);
  if (nxt == 59) { /* No Next Header */
    if (!p->in_icmp_error)
      dx_col_info_set(p, "IPv6 no next header");
    if (pl.len)
      dx_dissect_data(p, &pl, parent);
    return end;
  }
  uint32_t took = dx_dissect_table(p, DX_TABLE_IPPROTO, nxt, &pl, parent);
  if (took == 0) {
    dx_col_info_set(p, "%s (%u)", dx_ipproto_name(nxt), nxt);
    dx_dissect_data(p, &pl, parent);
    if (pl.len < pl.reported && !p->in_icmp_error)
      dx_mark_truncated(p, parent->last_child, "IPv6 payload");
  }
  return end;
}

static const dx_reg ipv6_regs[] = {
    {DX_TABLE_ETHERTYPE, 0x86dd}, {DX_TABLE_IPPROTO, 41}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_ipv6 = {
    .name = "ipv6",
    .label = "Internet Protocol Version 6",
    .fields = ipv6_fields,
    .nfields = DX_ARRAY_LEN(ipv6_fields),
    .dissect = dissect_ipv6,
    .regs = ipv6_regs,
    .state_new = ipv6_state_new,
    .state_free = ipv6_state_free,
};
