/* Internet Control Message Protocol for IPv6 (RFC 4443), Neighbor
 * Discovery (RFC 4861) with its options, MLD (RFC 2710) basics, and echo
 * request/reply matching (icmpv6.resp_to, icmpv6.resptime) in a bounded
 * per-session table. */
#include "../core/checksum.h"
#include "../core/dx.h"
#include "../core/echo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const dx_vals type_vals[] = {
    {1, "Destination Unreachable"},
    {2, "Packet Too Big"},
    {3, "Time Exceeded"},
    {4, "Parameter Problem"},
    {100, "Private experimentation"},
    {101, "Private experimentation"},
    {127, "Reserved for expansion of ICMPv6 error messages"},
    {128, "Echo (ping) request"},
    {129, "Echo (ping) reply"},
    {130, "Multicast Listener Query"},
    {131, "Multicast Listener Report"},
    {132, "Multicast Listener Done"},
    {133, "Router Solicitation"},
    {134, "Router Advertisement"},
    {135, "Neighbor Solicitation"},
    {136, "Neighbor Advertisement"},
    {137, "Redirect"},
    {138, "Router Renumbering"},
    {139, "Node Information Query"},
    {140, "Node Information Reply"},
    {141, "Inverse Neighbor Discovery Solicitation"},
    {142, "Inverse Neighbor Discovery Advertisement"},
    {143, "Multicast Listener Report Message v2"},
    {144, "Home Agent Address Discovery Request"},
    {145, "Home Agent Address Discovery Reply"},
    {146, "Mobile Prefix Solicitation"},
    {147, "Mobile Prefix Advertisement"},
    {148, "Certification Path Solicitation"},
    {149, "Certification Path Advertisement"},
    {150, "Experimental Mobility"},
    {151, "Multicast Router Advertisement"},
    {152, "Multicast Router Solicitation"},
    {153, "Multicast Router Termination"},
    {154, "FMIPv6"},
    {155, "RPL Control"},
    {156, "Locator Update"},
    {157, "Duplicate Address Request"},
    {158, "Duplicate Address Confirmation"},
    {159, "MPL Control Message"},
    {160, "Extended Echo request"},
    {161, "Extended Echo reply"},
    {200, "Private experimentation"},
    {201, "Private experimentation"},
    {255, "Reserved for expansion of ICMPv6 informational messages"},
    {0, NULL}};
static const dx_vals opt_type_vals[] = {{1, "Source link-layer address"},
                                        {2, "Target link-layer address"},
                                        {3, "Prefix information"},
                                        {4, "Redirected header"},
                                        {5, "MTU"},
                                        {6, "NBMA Shortcut Limit Option"},
                                        {7, "Advertisement Interval"},
                                        {8, "Home Agent Information"},
                                        {9, "Source Address List"},
                                        {10, "Target Address List"},
                                        {11, "CGA"},
                                        {12, "RSA Signature"},
                                        {13, "Timestamp"},
                                        {14, "Nonce"},
                                        {15, "Trust Anchor"},
                                        {16, "Certificate"},
                                        {17, "IP Address/Prefix Option"},
                                        {18, "New Router Prefix Information"},
                                        {19, "Link-layer Address"},
                                        {20, "Neighbor Advertisement Acknowledgment"},
                                        {23, "MAP"},
                                        {24, "Route Information"},
                                        {25, "Recursive DNS Server"},
                                        {26, "RA Flags Extension"},
                                        {27, "Handover Key Request"},
                                        {28, "Handover Key Reply"},
                                        {29, "Handover Assist Information"},
                                        {30, "Mobile Node Identifier Option"},
                                        {31, "DNS Search List Option"},
                                        {32, "Proxy Signature (PS)"},
                                        {33, "Address Registration Option"},
                                        {34, "6LoWPAN Context Option"},
                                        {35, "Authoritative Border Router"},
                                        {36, "6LoWPAN Capability Indication Option"},
                                        {37, "DHCP Captive-Portal"},
                                        {38, "PREF64 Option"},
                                        {138, "CARD Request"},
                                        {139, "CARD Reply"},
                                        {253, "RFC3692-style Experiment 1"},
                                        {254, "RFC3692-style Experiment 2"},
                                        {0, NULL}};

static const dx_vals cksum_status_vals[] = {{0, "Bad"},         {1, "Good"},    {2, "Unverified"},
                                            {3, "Not present"}, {4, "Illegal"}, {0, NULL}};
static const dx_vals unreach_vals[] = {
    /* tshark 4.0's names (packet-icmpv6.c icmpv6_unreach_code_val) */
    {0, "no route to destination"},
    {1, "Administratively prohibited"},
    {2, "Beyond scope of source address"},
    {3, "Address unreachable"},
    {4, "Port unreachable"},
    {5, "Source address failed ingress/egress policy"},
    {6, "Reject route to destination"},
    {7, "Error in Source Routing Header"},
    {0, NULL}};
static const dx_vals timex_vals[] = {
    {0, "hop limit exceeded in transit"}, {1, "fragment reassembly time exceeded"}, {0, NULL}};
static const dx_vals param_vals[] = {{0, "erroneous header field encountered"},
                                     {1, "unrecognized Next Header type encountered"},
                                     {2, "unrecognized IPv6 option encountered"},
                                     {3, "IPv6 First Fragment has incomplete IPv6 Header Chain"},
                                     {0, NULL}};
static const dx_vals set_vals[] = {{0, "Not set"}, {1, "Set"}, {0, NULL}};

enum {
  F_ICMPV6,
  F_TYPE,
  F_CODE,
  F_CHECKSUM,
  F_CHECKSUM_STATUS,
  F_RESERVED,
  F_DATA,
  F_NONCE,
  F_MTU,
  F_POINTER,
  F_ECHO_ID,
  F_ECHO_SEQ,
  F_RA_HOP,
  F_RA_FLAG,
  F_RA_FLAG_M,
  F_RA_FLAG_O,
  F_RA_FLAG_H,
  F_RA_FLAG_PRF,
  F_RA_FLAG_P,
  F_RA_FLAG_RSV,
  F_RA_LIFETIME,
  F_RA_REACHABLE,
  F_RA_RETRANS,
  F_NS_TARGET,
  F_NA_FLAG,
  F_NA_FLAG_R,
  F_NA_FLAG_S,
  F_NA_FLAG_O,
  F_NA_FLAG_RSV,
  F_NA_TARGET,
  F_RD_TARGET,
  F_RD_DST,
  F_OPT,
  F_OPT_TYPE,
  F_OPT_LENGTH,
  F_OPT_LINKADDR,
  F_OPT_SRC_LINKADDR,
  F_OPT_TARGET_LINKADDR,
  F_OPT_PREFIX_LEN,
  F_OPT_PREFIX_FLAG,
  F_OPT_PREFIX_FLAG_L,
  F_OPT_PREFIX_FLAG_A,
  F_OPT_PREFIX_FLAG_R,
  F_OPT_PREFIX_FLAG_RSV,
  F_OPT_PREFIX_VALID,
  F_OPT_PREFIX_PREFERRED,
  F_OPT_PREFIX,
  F_OPT_RESERVED,
  F_OPT_MTU,
  F_OPT_DATA,
  F_MLD_DELAY,
  F_MLD_MADDR,
  F_RESP_TO,
  F_RESPTIME,
  F_CHECKSUM_BAD,
  F_OPT_INVALID,
};

/* the default router preference (RFC 4191 2.2) */
static const dx_vals prf_vals[] = {
    {0, "Medium"}, {1, "High"}, {2, "Reserved"}, {3, "Low"}, {0, NULL}};

static const dx_field icmpv6_fields[] = {
    [F_ICMPV6] =
        DX_F("icmpv6", "Internet Control Message Protocol v6", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_TYPE] = DX_FV("icmpv6.type", "Type", DX_FT_UINT8, DX_BASE_DEC, type_vals),
    [F_CODE] = DX_F("icmpv6.code", "Code", DX_FT_UINT8, DX_BASE_DEC),
    [F_CHECKSUM] = DX_F("icmpv6.checksum", "Checksum", DX_FT_UINT16, DX_BASE_HEX),
    [F_CHECKSUM_STATUS] = DX_FV("icmpv6.checksum.status", "Checksum Status", DX_FT_UINT8,
                                DX_BASE_NONE, cksum_status_vals),
    [F_RESERVED] = DX_F("icmpv6.reserved", "Reserved", DX_FT_BYTES, DX_BASE_NONE),
    [F_DATA] = DX_F("icmpv6.data", "Data", DX_FT_BYTES, DX_BASE_NONE),
    [F_NONCE] = DX_F("icmpv6.nonce", "Nonce", DX_FT_BYTES, DX_BASE_NONE),
    [F_MTU] = DX_F("icmpv6.mtu", "MTU", DX_FT_UINT32, DX_BASE_DEC),
    [F_POINTER] = DX_F("icmpv6.pointer", "Pointer", DX_FT_UINT32, DX_BASE_DEC),
    [F_ECHO_ID] = DX_F("icmpv6.echo.identifier", "Identifier", DX_FT_UINT16, DX_BASE_HEX),
    [F_ECHO_SEQ] = DX_F("icmpv6.echo.sequence_number", "Sequence", DX_FT_UINT16, DX_BASE_DEC),
    [F_RA_HOP] = DX_F("icmpv6.nd.ra.cur_hop_limit", "Cur hop limit", DX_FT_UINT8, DX_BASE_DEC),
    [F_RA_FLAG] = DX_F("icmpv6.nd.ra.flag", "Flags", DX_FT_UINT8, DX_BASE_HEX),
    [F_RA_FLAG_M] = DX_FM("icmpv6.nd.ra.flag.m", "Managed address configuration", DX_FT_BOOL,
                          DX_BASE_NONE, set_vals, 0x80, 8),
    [F_RA_FLAG_O] = DX_FM("icmpv6.nd.ra.flag.o", "Other configuration", DX_FT_BOOL, DX_BASE_NONE,
                          set_vals, 0x40, 8),
    [F_RA_FLAG_H] =
        DX_FM("icmpv6.nd.ra.flag.h", "Home Agent", DX_FT_BOOL, DX_BASE_NONE, set_vals, 0x20, 8),
    [F_RA_FLAG_PRF] = DX_FM("icmpv6.nd.ra.flag.prf", "Prf (Default Router Preference)", DX_FT_UINT8,
                            DX_BASE_DEC, prf_vals, 0x18, 8),
    [F_RA_FLAG_P] =
        DX_FM("icmpv6.nd.ra.flag.p", "Proxy", DX_FT_BOOL, DX_BASE_NONE, set_vals, 0x04, 8),
    [F_RA_FLAG_RSV] =
        DX_FM("icmpv6.nd.ra.flag.rsv", "Reserved", DX_FT_UINT8, DX_BASE_DEC, NULL, 0x03, 8),
    [F_RA_LIFETIME] =
        DX_F("icmpv6.nd.ra.router_lifetime", "Router lifetime (s)", DX_FT_UINT16, DX_BASE_DEC),
    [F_RA_REACHABLE] =
        DX_F("icmpv6.nd.ra.reachable_time", "Reachable time (ms)", DX_FT_UINT32, DX_BASE_DEC),
    [F_RA_RETRANS] =
        DX_F("icmpv6.nd.ra.retrans_timer", "Retrans timer (ms)", DX_FT_UINT32, DX_BASE_DEC),
    [F_NS_TARGET] = DX_F("icmpv6.nd.ns.target_address", "Target Address", DX_FT_IPV6, DX_BASE_NONE),
    [F_NA_FLAG] = DX_F("icmpv6.nd.na.flag", "Flags", DX_FT_UINT32, DX_BASE_HEX),
    [F_NA_FLAG_R] =
        DX_FM("icmpv6.nd.na.flag.r", "Router", DX_FT_BOOL, DX_BASE_NONE, set_vals, 0x80000000u, 32),
    [F_NA_FLAG_S] = DX_FM("icmpv6.nd.na.flag.s", "Solicited", DX_FT_BOOL, DX_BASE_NONE, set_vals,
                          0x40000000u, 32),
    [F_NA_FLAG_O] = DX_FM("icmpv6.nd.na.flag.o", "Override", DX_FT_BOOL, DX_BASE_NONE, set_vals,
                          0x20000000u, 32),
    [F_NA_FLAG_RSV] = DX_FM("icmpv6.nd.na.flag.rsv", "Reserved", DX_FT_UINT32, DX_BASE_DEC, NULL,
                            0x1fffffffu, 32),
    [F_NA_TARGET] = DX_F("icmpv6.nd.na.target_address", "Target Address", DX_FT_IPV6, DX_BASE_NONE),
    [F_RD_TARGET] = DX_F("icmpv6.nd.rd.target_address", "Target Address", DX_FT_IPV6, DX_BASE_NONE),
    [F_RD_DST] =
        DX_F("icmpv6.nd.rd.destination_address", "Destination Address", DX_FT_IPV6, DX_BASE_NONE),
    [F_OPT] = DX_F("icmpv6.opt", "ICMPv6 Option", DX_FT_NONE, DX_BASE_NONE),
    [F_OPT_TYPE] = DX_FV("icmpv6.opt.type", "Type", DX_FT_UINT8, DX_BASE_DEC, opt_type_vals),
    [F_OPT_LENGTH] = DX_F("icmpv6.opt.length", "Length", DX_FT_UINT8, DX_BASE_DEC),
    [F_OPT_LINKADDR] = DX_F("icmpv6.opt.linkaddr", "Link-layer address", DX_FT_ETHER, DX_BASE_NONE),
    [F_OPT_SRC_LINKADDR] =
        DX_F("icmpv6.opt.src_linkaddr", "Source Link-layer address", DX_FT_ETHER, DX_BASE_NONE),
    [F_OPT_TARGET_LINKADDR] =
        DX_F("icmpv6.opt.target_linkaddr", "Target Link-layer address", DX_FT_ETHER, DX_BASE_NONE),
    [F_OPT_PREFIX_LEN] =
        DX_F("icmpv6.opt.prefix.length", "Prefix Length", DX_FT_UINT8, DX_BASE_DEC),
    [F_OPT_PREFIX_FLAG] = DX_F("icmpv6.opt.prefix.flag", "Flag", DX_FT_UINT8, DX_BASE_HEX),
    [F_OPT_PREFIX_FLAG_L] = DX_FM("icmpv6.opt.prefix.flag.l", "On-link flag(L)", DX_FT_BOOL,
                                  DX_BASE_NONE, set_vals, 0x80, 8),
    [F_OPT_PREFIX_FLAG_A] =
        DX_FM("icmpv6.opt.prefix.flag.a", "Autonomous address-configuration flag(A)", DX_FT_BOOL,
              DX_BASE_NONE, set_vals, 0x40, 8),
    [F_OPT_PREFIX_FLAG_R] = DX_FM("icmpv6.opt.prefix.flag.r", "Router address flag(R)", DX_FT_BOOL,
                                  DX_BASE_NONE, set_vals, 0x20, 8),
    [F_OPT_PREFIX_FLAG_RSV] = DX_FM("icmpv6.opt.prefix.flag.reserved", "Reserved", DX_FT_UINT8,
                                    DX_BASE_DEC, NULL, 0x1f, 8),
    [F_OPT_PREFIX_VALID] =
        DX_F("icmpv6.opt.prefix.valid_lifetime", "Valid Lifetime", DX_FT_UINT32, DX_BASE_DEC),
    [F_OPT_PREFIX_PREFERRED] = DX_F("icmpv6.opt.prefix.preferred_lifetime", "Preferred Lifetime",
                                    DX_FT_UINT32, DX_BASE_DEC),
    [F_OPT_PREFIX] = DX_F("icmpv6.opt.prefix", "Prefix", DX_FT_IPV6, DX_BASE_NONE),
    [F_OPT_RESERVED] = DX_F("icmpv6.opt.reserved", "Reserved", DX_FT_NONE, DX_BASE_NONE),
    [F_OPT_MTU] = DX_F("icmpv6.opt.mtu", "MTU", DX_FT_UINT32, DX_BASE_DEC),
    [F_OPT_DATA] = DX_F("icmpv6.opt.data", "Data", DX_FT_BYTES, DX_BASE_NONE),
    [F_MLD_DELAY] = DX_F("icmpv6.mld.maximum_response_delay", "Maximum Response Delay [ms]",
                         DX_FT_UINT16, DX_BASE_DEC),
    [F_MLD_MADDR] =
        DX_F("icmpv6.mld.multicast_address", "Multicast Address", DX_FT_IPV6, DX_BASE_NONE),
    [F_RESP_TO] = DX_F("icmpv6.resp_to", "Response To", DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_RESPTIME] = DX_F("icmpv6.resptime", "Response Time", DX_FT_DOUBLE, DX_BASE_NONE),
    [F_CHECKSUM_BAD] = DX_F("icmpv6.checksum_bad.expert", "Bad checksum", DX_FT_NONE, DX_BASE_NONE),
    [F_OPT_INVALID] =
        DX_F("icmpv6.opt.invalid_length", "Invalid option length", DX_FT_NONE, DX_BASE_NONE),
};

#define FL(i) (&icmpv6_fields[(i)])

extern const dx_protocol dx_proto_icmpv6;

/* ---- echo request/reply matching (core/echo.c) ---- */
typedef struct icmpv6_state {
  dx_echo_table echo;
} icmpv6_state;

static void *icmpv6_state_new(struct dx_session *s) {
  icmpv6_state *st = calloc(1, sizeof *st);
  if (st)
    dx_echo_init(&st->echo, dx_session_hashkey(s));
  return st;
}

static void icmpv6_state_free(void *v) {
  icmpv6_state *st = v;
  if (st)
    dx_echo_free(&st->echo);
  free(st);
}

/* An address read from the bytes, as its node's value reads (not through
 * the node: a terse packet may not build it). */
static void addr_text(const dx_tvb *t, uint32_t off, dx_addr_type type, char *buf, size_t len) {
  const uint8_t *b = dx_get_ptr(t, off, type == DX_AT_ETHER ? 6 : 16);
  dx_addr a;
  memset(&a, 0, sizeof a);
  buf[0] = 0;
  if (b) {
    dx_addr_set(&a, type, b);
    dx_addr_format(&a, buf, len);
  }
}

/* The destination the checksum is computed with (RFC 8200 8.1): with a
 * type 0 Routing header and segments left, the last address in it. */
static dx_addr final_dst(const dx_packet *p) {
  return p->have_ip6_rt_dst ? p->ip6_rt_dst : p->net_dst;
}

static void dissect_quoted(dx_packet *p, const dx_tvb *q, dx_node *icmp) {
  if (q->len == 0)
    return;
  bool in_err = p->in_icmp_error;
  dx_addr ns = p->net_src, nd = p->net_dst;
  uint8_t proto = p->ipproto;
  uint16_t sp = p->srcport, dp = p->dstport;
  uint32_t stream = p->stream;
  int fragmented = p->fragmented;
  dx_col_addr_text(p); /* the text, saved and restored below */
  const char *cs = p->col_src, *cd = p->col_dst, *cp = p->col_proto;
  char *ci = p->col_info;
  size_t cil = p->col_info_len, cic = p->col_info_cap;
  bool fence = p->col_info_fenced;
  p->col_info = NULL;
  p->col_info_len = p->col_info_cap = 0;
  p->in_icmp_error = true;
  if (dx_dissect_table(p, DX_TABLE_ETHERTYPE, 0x86dd, q, icmp) == 0)
    dx_dissect_data(p, q, icmp);
  p->in_icmp_error = in_err;
  p->net_src = ns;
  p->net_dst = nd;
  p->ipproto = proto;
  p->srcport = sp;
  p->dstport = dp;
  p->stream = stream;
  p->fragmented = fragmented;
  p->col_src = cs;
  p->col_dst = cd;
  p->col_addr_lazy = false;
  p->col_proto = cp;
  p->col_info = ci;
  p->col_info_len = cil;
  p->col_info_cap = cic;
  p->col_info_fenced = fence;
}

/* ND options (RFC 4861 4.6) in [off, t->len). Each has a length in units
 * of 8 octets; 0 is invalid and stops the walk. */
static void dissect_nd_opts(dx_packet *p, dx_node *icmp, const dx_tvb *t, uint32_t off) {
  while (off < t->len) {
    uint8_t type, len8;
    dx_node *o = dx_add_none(p, icmp, FL(F_OPT), t, off, t->len - off);
    dx_add_item(p, o, FL(F_OPT_TYPE), t, off, 1);
    if (!dx_get_u8(t, off, &type) || !dx_get_u8(t, off + 1, &len8)) {
      dx_mark_truncated(p, o, "ICMPv6 option");
      return;
    }
    const char *name = dx_val_name_def(opt_type_vals, type, "Unknown");
    uint32_t olen = len8 * 8u;
    dx_node *ln = dx_add_item(p, o, FL(F_OPT_LENGTH), t, off + 1, 1);
    dx_node_set_text(p, ln, "Length: %u (%u bytes)", len8, olen);
    dx_node_set_text(p, o, "ICMPv6 Option (%s)", name);
    if (olen == 0) {
      dx_expert(p, ln, FL(F_OPT_INVALID), DX_SEV_ERROR, "Invalid option length (0)");
      dx_node_set_flags(ln, DX_NODE_MALFORMED);
      return;
    }
    dx_node_set_len(o, olen);
    if (!dx_tvb_has(t, off, olen)) {
      dx_mark_truncated(p, o, "ICMPv6 option");
      return;
    }
    switch (type) {
    case 1:
    case 2:
      if (olen == 8) {
        dx_add_item(p, o, FL(F_OPT_LINKADDR), t, off + 2, 6);
        char mac[32];
        addr_text(t, off + 2, DX_AT_ETHER, mac, sizeof mac);
        dx_node *h = dx_add_item(p, o, FL(type == 1 ? F_OPT_SRC_LINKADDR : F_OPT_TARGET_LINKADDR),
                                 t, off + 2, 6);
        dx_node_set_flags(h, DX_NODE_HIDDEN);
        dx_node_set_text(p, o, "ICMPv6 Option (%s : %s)", name, mac);
        if (type == 1)
          dx_col_info_append(p, " from %s", mac);
        else
          dx_col_info_append(p, " is at %s", mac);
      } else {
        dx_add_item(p, o, FL(F_OPT_DATA), t, off + 2, olen - 2);
      }
      break;
    case 3: {
      if (olen != 32) {
        dx_add_item(p, o, FL(F_OPT_DATA), t, off + 2, olen - 2);
        break;
      }
      dx_add_item(p, o, FL(F_OPT_PREFIX_LEN), t, off + 2, 1);
      dx_node *f = dx_add_item(p, o, FL(F_OPT_PREFIX_FLAG), t, off + 3, 1);
      dx_add_item(p, f, FL(F_OPT_PREFIX_FLAG_L), t, off + 3, 1);
      dx_add_item(p, f, FL(F_OPT_PREFIX_FLAG_A), t, off + 3, 1);
      dx_add_item(p, f, FL(F_OPT_PREFIX_FLAG_R), t, off + 3, 1);
      dx_add_item(p, f, FL(F_OPT_PREFIX_FLAG_RSV), t, off + 3, 1);
      dx_node_append_bitmask(p, f); /* "Flag: 0xc0, On-link flag(L), ..." */
      /* lifetimes: 0xffffffff is "Infinity" (tshark's BASE_SPECIAL_VALS) */
      for (int k = 0; k < 2; k++) {
        uint32_t v = 0;
        dx_get_u32(t, off + 4 + 4u * k, &v);
        dx_node *lt = dx_add_item(p, o, FL(k ? F_OPT_PREFIX_PREFERRED : F_OPT_PREFIX_VALID), t,
                                  off + 4 + 4u * k, 4);
        if (v == 0xffffffffu)
          dx_node_set_text(p, lt, "%s: Infinity (4294967295)",
                           k ? "Preferred Lifetime" : "Valid Lifetime");
      }
      dx_add_none(p, o, FL(F_OPT_RESERVED), t, off + 12, 4);
      dx_add_item(p, o, FL(F_OPT_PREFIX), t, off + 16, 16);
      {
        char pfx[64];
        uint8_t plen = 0;
        dx_get_u8(t, off + 2, &plen);
        addr_text(t, off + 16, DX_AT_IPV6, pfx, sizeof pfx);
        dx_node_set_text(p, o, "ICMPv6 Option (%s : %s/%u)", name, pfx, plen);
      }
      break;
    }
    case 5:
      if (olen == 8)
        dx_add_item(p, o, FL(F_OPT_MTU), t, off + 4, 4);
      else
        dx_add_item(p, o, FL(F_OPT_DATA), t, off + 2, olen - 2);
      break;
    default: dx_add_item(p, o, FL(F_OPT_DATA), t, off + 2, olen - 2); break;
    }
    off += olen;
  }
}

static const dx_vals *code_vals_for(uint8_t type) {
  switch (type) {
  case 1: return unreach_vals;
  case 3: return timex_vals;
  case 4: return param_vals;
  default: return NULL;
  }
}

static uint32_t dissect_icmpv6(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  dx_node *icmp = dx_add_proto(p, parent, FL(F_ICMPV6), t, 0, t->len);
  dx_col_set_proto(p, "ICMPv6");
  uint8_t type, code;
  uint16_t sum;
  dx_add_item(p, icmp, FL(F_TYPE), t, 0, 1);
  if (!dx_get_u8(t, 0, &type)) {
    dx_mark_truncated(p, icmp, "ICMPv6 header");
    return t->len;
  }
  dx_col_info_set(p, "%s", dx_val_name_def(type_vals, type, "Unknown"));
  dx_node *cn = dx_add_item(p, icmp, FL(F_CODE), t, 1, 1);
  if (!dx_get_u8(t, 1, &code)) {
    dx_mark_truncated(p, icmp, "ICMPv6 header");
    return t->len;
  }
  const dx_vals *cv = code_vals_for(type);
  if (cv) {
    const char *cname = dx_val_name_def(cv, code, "Unknown");
    dx_node_set_text(p, cn, "Code: %u (%s)", code, cname);
    dx_col_info_append(p, " (%s)", cname);
  }
  /* RFC 4380 5.2.9: an echo request to Teredo's UDP port is a Direct IPv6
   * Connectivity Test (its data starts with a nonce), as tshark names it */
  bool teredo_test = type == 128 && p->dstport == 3544 && !p->in_icmp_error;
  if (teredo_test) {
    dx_col_set_proto(p, "Teredo");
    dx_col_info_set(p, "Direct IPv6 Connectivity Test");
  }
  dx_node *n = dx_add_item(p, icmp, FL(F_CHECKSUM), t, 2, 2);
  if (!dx_get_u16(t, 2, &sum)) {
    dx_mark_truncated(p, icmp, "ICMPv6 header");
    return t->len;
  }
  /* Checksum over the IPv6 pseudo-header and the message (RFC 4443 2.3). */
  unsigned status = 2;
  uint32_t pseudo = 0;
  if (t->len >= t->reported && !p->in_icmp_error && !p->fragmented &&
      p->net_src.type == DX_AT_IPV6) {
    dx_addr fd = final_dst(p);
    pseudo = dx_cksum_pseudo(&p->net_src, &fd, 58, t->len);
    status = dx_inet_checksum(t->data, t->len, pseudo) == 0 ? 1 : 0;
  }
  if (status == 1) {
    dx_node_set_text(p, n, "Checksum: 0x%04x [correct]", sum);
  } else if (status == 0) {
    uint32_t acc = dx_cksum_add(pseudo, t->data, 2);
    acc = dx_cksum_add(acc, t->data + 4, t->len - 4);
    uint16_t expect = dx_cksum_fold(acc);
    dx_node_set_text(p, n, "Checksum: 0x%04x incorrect, should be 0x%04x", sum, expect);
    dx_expert(p, n, FL(F_CHECKSUM_BAD), DX_SEV_WARN, "Bad checksum");
  } else {
    dx_node_set_text(p, n, "Checksum: 0x%04x [unverified]", sum);
  }
  n = dx_add_uint(p, icmp, FL(F_CHECKSUM_STATUS), t, 0, 0, status);
  dx_node_set_flags(n, DX_NODE_GENERATED);

  uint32_t need = 8;
  switch (type) {
  case 1:
  case 2:
  case 3:
  case 4: {
    if (type == 2)
      dx_add_item(p, icmp, FL(F_MTU), t, 4, 4);
    else if (type == 4)
      dx_add_item(p, icmp, FL(F_POINTER), t, 4, 4);
    else
      dx_add_item(p, icmp, FL(F_RESERVED), t, 4, 4);
    if (!dx_tvb_has(t, 0, 8))
      break;
    dx_tvb q = dx_tvb_sub(t, 8, UINT32_MAX);
    if (p->in_icmp_error)
      dx_dissect_data(p, &q, icmp);
    else
      dissect_quoted(p, &q, icmp);
    return t->len;
  }
  case 128:
  case 129: {
    uint16_t id = 0, seq = 0;
    dx_add_item(p, icmp, FL(F_ECHO_ID), t, 4, 2);
    dx_add_item(p, icmp, FL(F_ECHO_SEQ), t, 6, 2);
    if (!dx_get_u16(t, 4, &id) || !dx_get_u16(t, 6, &seq))
      break;
    dx_col_info_append(p, " id=0x%04x, seq=%u", id, seq);
    if (!p->in_icmp_error && p->have_ip6_hlim)
      dx_col_info_append(p, ", hop limit=%u", p->ip6_hlim);
    if (teredo_test) {
      /* the nonce, and nothing shown after it (as tshark) */
      dx_add_item(p, icmp, FL(F_NONCE), t, 8, 4);
      need = t->len > 12 ? t->len : 12;
      break;
    }
    icmpv6_state *st = dx_proto_state(p, &dx_proto_icmpv6);
    if (st && !p->in_icmp_error && p->net_src.type != DX_AT_NONE) {
      if (type == 128) {
        if (dx_echo_remember(&st->echo, p, id, seq))
          dx_expert(p, icmp, dx_field_limit(), DX_SEV_NOTE,
                    "ICMPv6 echo matching: %u requests remembered, the oldest forgotten",
                    DX_ECHO_CAP);
      } else {
        const dx_echo_req *e = dx_echo_find(&st->echo, p, id, seq);
        if (e) {
          dx_node *r = dx_add_uint(p, icmp, FL(F_RESP_TO), t, 0, 0, e->frame);
          dx_node_set_flags(r, DX_NODE_GENERATED);
          int64_t ds = p->frame.ts_sec - e->sec;
          int64_t dn = (int64_t)p->frame.ts_nsec - e->nsec;
          double ms = (double)ds * 1000.0 + (double)dn / 1e6;
          r = dx_add_double(p, icmp, FL(F_RESPTIME), t, 0, 0, ms);
          dx_node_set_flags(r, DX_NODE_GENERATED);
          dx_node_set_text(p, r, "Response Time: %.3f ms", ms);
          dx_col_info_append(p, " (request in %llu)", (unsigned long long)e->frame);
        }
      }
    }
    break;
  }
  case 130:
  case 131:
  case 132:
    need = 24;
    dx_add_item(p, icmp, FL(F_MLD_DELAY), t, 4, 2);
    dx_add_item(p, icmp, FL(F_RESERVED), t, 6, 2);
    dx_add_item(p, icmp, FL(F_MLD_MADDR), t, 8, 16);
    break;
  case 133: /* Router Solicitation */
    dx_add_item(p, icmp, FL(F_RESERVED), t, 4, 4);
    if (dx_tvb_has(t, 0, 8))
      dissect_nd_opts(p, icmp, t, 8);
    return t->len;
  case 134: { /* Router Advertisement */
    need = 16;
    dx_add_item(p, icmp, FL(F_RA_HOP), t, 4, 1);
    dx_node *f = dx_add_item(p, icmp, FL(F_RA_FLAG), t, 5, 1);
    dx_add_item(p, f, FL(F_RA_FLAG_M), t, 5, 1);
    dx_add_item(p, f, FL(F_RA_FLAG_O), t, 5, 1);
    dx_add_item(p, f, FL(F_RA_FLAG_H), t, 5, 1);
    dx_add_item(p, f, FL(F_RA_FLAG_PRF), t, 5, 1);
    dx_add_item(p, f, FL(F_RA_FLAG_P), t, 5, 1);
    dx_add_item(p, f, FL(F_RA_FLAG_RSV), t, 5, 1);
    dx_node_append_bitmask(p, f); /* "Flags: 0x00, Prf (...): Medium", as tshark */
    dx_add_item(p, icmp, FL(F_RA_LIFETIME), t, 6, 2);
    dx_add_item(p, icmp, FL(F_RA_REACHABLE), t, 8, 4);
    dx_add_item(p, icmp, FL(F_RA_RETRANS), t, 12, 4);
    if (dx_tvb_has(t, 0, 16)) {
      dissect_nd_opts(p, icmp, t, 16);
      return t->len;
    }
    break;
  }
  case 135:
  case 136: { /* Neighbor Solicitation / Advertisement */
    need = 24;
    if (type == 135) {
      dx_add_item(p, icmp, FL(F_RESERVED), t, 4, 4);
    } else {
      dx_node *f = dx_add_item(p, icmp, FL(F_NA_FLAG), t, 4, 4);
      dx_add_item(p, f, FL(F_NA_FLAG_R), t, 4, 4);
      dx_add_item(p, f, FL(F_NA_FLAG_S), t, 4, 4);
      dx_add_item(p, f, FL(F_NA_FLAG_O), t, 4, 4);
      dx_add_item(p, f, FL(F_NA_FLAG_RSV), t, 4, 4);
      dx_node_append_bitmask(p, f); /* "Flags: 0xc0000000, Router, Solicited" */
    }
    dx_add_item(p, icmp, FL(type == 135 ? F_NS_TARGET : F_NA_TARGET), t, 8, 16);
    if (!dx_tvb_has(t, 0, 24))
      break;
    char tgt[64];
    addr_text(t, 8, DX_AT_IPV6, tgt, sizeof tgt);
    if (type == 135) {
      dx_col_info_append(p, " for %s", tgt);
    } else {
      uint32_t fl = 0;
      dx_get_u32(t, 4, &fl);
      char fs[32] = "";
      size_t k = 0;
      const char *names[3] = {"rtr", "sol", "ovr"};
      for (int i = 0; i < 3; i++)
        if (fl & (0x80000000u >> i))
          k += (size_t)snprintf(fs + k, sizeof fs - k, "%s%s", k ? ", " : "", names[i]);
      dx_col_info_append(p, " %s", tgt);
      if (k)
        dx_col_info_append(p, " (%s)", fs);
    }
    dissect_nd_opts(p, icmp, t, 24);
    return t->len;
  }
  case 137: /* Redirect */
    need = 40;
    dx_add_item(p, icmp, FL(F_RESERVED), t, 4, 4);
    dx_add_item(p, icmp, FL(F_RD_TARGET), t, 8, 16);
    dx_add_item(p, icmp, FL(F_RD_DST), t, 24, 16);
    if (dx_tvb_has(t, 0, 40)) {
      dissect_nd_opts(p, icmp, t, 40);
      return t->len;
    }
    break;
  default: need = 4; break;
  }
  if (!dx_tvb_has(t, 0, need)) {
    dx_mark_truncated(p, icmp, "ICMPv6 message");
    return t->len;
  }
  if (need < t->len) {
    dx_tvb d = dx_tvb_sub(t, need, UINT32_MAX);
    dx_dissect_data(p, &d, icmp);
  }
  if (t->reported > t->len)
    dx_mark_truncated(p, icmp, "ICMPv6 data");
  return t->len;
}

static const dx_reg icmpv6_regs[] = {{DX_TABLE_IPPROTO, 58}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_icmpv6 = {
    .name = "icmpv6",
    .label = "Internet Control Message Protocol v6",
    .fields = icmpv6_fields,
    .nfields = DX_ARRAY_LEN(icmpv6_fields),
    .dissect = dissect_icmpv6,
    .regs = icmpv6_regs,
    .state_new = icmpv6_state_new,
    .state_free = icmpv6_state_free,
};
