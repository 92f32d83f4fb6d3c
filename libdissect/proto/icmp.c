/* Internet Control Message Protocol (RFC 792, RFC 950, RFC 1256,
 * RFC 1191, RFC 4884 for the quoted datagram). Echo request/reply matching
 * (icmp.resp_to, icmp.resptime) uses a bounded per-session table. */
#include "../core/checksum.h"
#include "../core/dx.h"
#include "../core/echo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  F_ICMP,
  F_TYPE,
  F_CODE,
  F_CHECKSUM,
  F_CHECKSUM_STATUS,
  F_UNUSED,
  F_IDENT,
  F_IDENT_LE,
  F_SEQ,
  F_SEQ_LE,
  F_MTU,
  F_POINTER,
  F_REDIR_GW,
  F_NUM_ADDRS,
  F_ADDR_ENTRY_SIZE,
  F_LIFETIME,
  F_ROUTER_ADDRESS,
  F_PREF_LEVEL,
  F_ORIG_TS,
  F_RECV_TS,
  F_XMIT_TS,
  F_ADDRESS_MASK,
  F_RESP_IN,
  F_RESP_TO,
  F_RESPTIME,
  F_DATA_TIME,
  F_DATA_TIME_REL,
  F_CHECKSUM_BAD,
  F_LIMIT,
};

static const dx_vals cksum_status_vals[] = {{0, "Bad"},         {1, "Good"},    {2, "Unverified"},
                                            {3, "Not present"}, {4, "Illegal"}, {0, NULL}};

static const dx_vals type_vals[] = {{0, "Echo (ping) reply"},
                                    {3, "Destination unreachable"},
                                    {4, "Source quench (flow control)"},
                                    {5, "Redirect"},
                                    {6, "Alternate host address"},
                                    {8, "Echo (ping) request"},
                                    {9, "Router advertisement"},
                                    {10, "Router solicitation"},
                                    {11, "Time-to-live exceeded"},
                                    {12, "Parameter problem"},
                                    {13, "Timestamp request"},
                                    {14, "Timestamp reply"},
                                    {15, "Information request"},
                                    {16, "Information reply"},
                                    {17, "Address mask request"},
                                    {18, "Address mask reply"},
                                    {30, "Traceroute"},
                                    {31, "Datagram conversion error"},
                                    {32, "Mobile host redirect"},
                                    {33, "IPv6 where-are-you"},
                                    {34, "IPv6 i-am-here"},
                                    {35, "Mobile registration request"},
                                    {36, "Mobile registration reply"},
                                    {37, "Domain name request"},
                                    {38, "Domain name reply"},
                                    {39, "SKIP"},
                                    {40, "Photuris"},
                                    {42, "Extended Echo request"},
                                    {43, "Extended Echo reply"},
                                    {0, NULL}};

static const dx_vals unreach_vals[] = {{0, "Network unreachable"},
                                       {1, "Host unreachable"},
                                       {2, "Protocol unreachable"},
                                       {3, "Port unreachable"},
                                       {4, "Fragmentation needed"},
                                       {5, "Source route failed"},
                                       {6, "Destination network unknown"},
                                       {7, "Destination host unknown"},
                                       {8, "Source host isolated"},
                                       {9, "Network administratively prohibited"},
                                       {10, "Host administratively prohibited"},
                                       {11, "Network unreachable for TOS"},
                                       {12, "Host unreachable for TOS"},
                                       {13, "Communication administratively filtered"},
                                       {14, "Host precedence violation"},
                                       {15, "Precedence cutoff in effect"},
                                       {0, NULL}};
static const dx_vals redirect_vals[] = {{0, "Redirect for network"},
                                        {1, "Redirect for host"},
                                        {2, "Redirect for TOS and network"},
                                        {3, "Redirect for TOS and host"},
                                        {0, NULL}};
static const dx_vals ttl_vals[] = {
    {0, "Time to live exceeded in transit"}, {1, "Fragment reassembly time exceeded"}, {0, NULL}};
/* code 0 as RFC 792 words it (and Wireshark names it) */
static const dx_vals par_vals[] = {{0, "Pointer indicates the error"},
                                   {1, "Required option missing"},
                                   {2, "Bad length"},
                                   {0, NULL}};
static const dx_vals rtradv_vals[] = {
    {0, "Normal router advertisement"}, {16, "Does not route common traffic"}, {0, NULL}};

static const dx_field icmp_fields[] = {
    [F_ICMP] = DX_F("icmp", "Internet Control Message Protocol", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_TYPE] = DX_F("icmp.type", "Type", DX_FT_UINT8, DX_BASE_DEC),
    [F_CODE] = DX_F("icmp.code", "Code", DX_FT_UINT8, DX_BASE_DEC),
    [F_CHECKSUM] = DX_F("icmp.checksum", "Checksum", DX_FT_UINT16, DX_BASE_HEX),
    [F_CHECKSUM_STATUS] = DX_FV("icmp.checksum.status", "Checksum Status", DX_FT_UINT8,
                                DX_BASE_NONE, cksum_status_vals),
    [F_UNUSED] = DX_F("icmp.unused", "Unused", DX_FT_BYTES, DX_BASE_NONE),
    [F_IDENT] = DX_F("icmp.ident", "Identifier (BE)", DX_FT_UINT16, DX_BASE_DEC_HEX),
    [F_IDENT_LE] = DX_F("icmp.ident_le", "Identifier (LE)", DX_FT_UINT16, DX_BASE_DEC_HEX),
    [F_SEQ] = DX_F("icmp.seq", "Sequence Number (BE)", DX_FT_UINT16, DX_BASE_DEC_HEX),
    [F_SEQ_LE] = DX_F("icmp.seq_le", "Sequence Number (LE)", DX_FT_UINT16, DX_BASE_DEC_HEX),
    [F_MTU] = DX_F("icmp.mtu", "MTU of next hop", DX_FT_UINT16, DX_BASE_DEC),
    [F_POINTER] = DX_F("icmp.pointer", "Pointer", DX_FT_UINT32, DX_BASE_DEC),
    [F_REDIR_GW] = DX_F("icmp.redir_gw", "Gateway Address", DX_FT_IPV4, DX_BASE_NONE),
    [F_NUM_ADDRS] = DX_F("icmp.num_addrs", "Number of addresses", DX_FT_UINT8, DX_BASE_DEC),
    [F_ADDR_ENTRY_SIZE] =
        DX_F("icmp.addr_entry_size", "Address entry size", DX_FT_UINT8, DX_BASE_DEC),
    [F_LIFETIME] = DX_F("icmp.lifetime", "Lifetime", DX_FT_UINT16, DX_BASE_DEC),
    [F_ROUTER_ADDRESS] = DX_F("icmp.router_address", "Router address", DX_FT_IPV4, DX_BASE_NONE),
    [F_PREF_LEVEL] = DX_F("icmp.pref_level", "Preference level", DX_FT_INT32, DX_BASE_DEC),
    [F_ORIG_TS] =
        DX_F("icmp.originate_timestamp", "Originate Timestamp", DX_FT_UINT32, DX_BASE_DEC),
    [F_RECV_TS] = DX_F("icmp.receive_timestamp", "Receive Timestamp", DX_FT_UINT32, DX_BASE_DEC),
    [F_XMIT_TS] = DX_F("icmp.transmit_timestamp", "Transmit Timestamp", DX_FT_UINT32, DX_BASE_DEC),
    [F_ADDRESS_MASK] = DX_F("icmp.address_mask", "Address Mask", DX_FT_IPV4, DX_BASE_NONE),
    [F_RESP_IN] = DX_F("icmp.resp_in", "Response frame", DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_RESP_TO] = DX_F("icmp.resp_to", "Request frame", DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_RESPTIME] = DX_F("icmp.resptime", "Response time", DX_FT_DOUBLE, DX_BASE_NONE),
    [F_DATA_TIME] =
        DX_F("icmp.data_time", "Timestamp from icmp data", DX_FT_ABSTIME, DX_BASE_LOCAL),
    [F_DATA_TIME_REL] = DX_F("icmp.data_time_relative", "Timestamp from icmp data (relative)",
                             DX_FT_RELTIME, DX_BASE_NONE),
    [F_CHECKSUM_BAD] = DX_F("icmp.checksum_bad", "Bad checksum", DX_FT_NONE, DX_BASE_NONE),
    [F_LIMIT] = DX_F("icmp.resp_table_full", "Echo matching table full", DX_FT_NONE, DX_BASE_NONE),
};

#define FL(i) (&icmp_fields[(i)])

extern const dx_protocol dx_proto_icmp;

/* ---- echo request/reply matching (core/echo.c) ---- */
typedef struct icmp_state {
  dx_echo_table echo;
} icmp_state;

static void *icmp_state_new(struct dx_session *s) {
  icmp_state *st = calloc(1, sizeof *st);
  if (st)
    dx_echo_init(&st->echo, dx_session_hashkey(s));
  return st;
}

static void icmp_state_free(void *v) {
  icmp_state *st = v;
  if (st)
    dx_echo_free(&st->echo);
  free(st);
}

/* ---- helpers ---- */

/* Dissects the IP header + data quoted in an error message under `icmp`
 * without disturbing the outer packet's columns, addresses, flows or
 * reassembly state (p->in_icmp_error tells the layers above). */
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
  if (dx_dissect_table(p, DX_TABLE_ETHERTYPE, 0x0800, q, icmp) == 0)
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

static const dx_vals *code_vals_for(uint8_t type) {
  switch (type) {
  case 3: return unreach_vals;
  case 5: return redirect_vals;
  case 9: return rtradv_vals;
  case 11: return ttl_vals;
  case 12: return par_vals;
  default: return NULL;
  }
}

/* icmp.data_time: the first 8 data bytes, if they look like a timeval
 * within a day of the frame time (as Wireshark guesses: big-endian first,
 * then little-endian). Returns true if added. */
static bool add_data_time(dx_packet *p, dx_node *icmp, const dx_tvb *t, uint32_t off) {
  uint32_t s, us;
  if (!dx_get_u32(t, off, &s) || !dx_get_u32(t, off + 4, &us))
    return false;
  int64_t fs = p->frame.ts_sec;
  int64_t d = (int64_t)s - fs;
  if (d <= -86400 || d >= 86400 || us >= 1000000) {
    dx_get_u32_le(t, off, &s);
    dx_get_u32_le(t, off + 4, &us);
    d = (int64_t)s - fs;
  }
  if (d <= -86400 || d >= 86400 || us >= 1000000)
    return false;
  int32_t ns = (int32_t)us * 1000;
  dx_add_time(p, icmp, FL(F_DATA_TIME), t, off, 8, s, ns);
  int64_t rs = fs - (int64_t)s;
  int32_t rn = (int32_t)p->frame.ts_nsec - ns;
  if (rn < 0 && rs > 0) {
    rn += 1000000000;
    rs--;
  }
  dx_node *r = dx_add_time(p, icmp, FL(F_DATA_TIME_REL), t, off, 8, rs, rn);
  dx_node_set_flags(r, DX_NODE_GENERATED);
  return true;
}

static uint32_t dissect_icmp(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  dx_node *icmp = dx_add_proto(p, parent, FL(F_ICMP), t, 0, t->len);
  dx_col_set_proto(p, "ICMP");
  uint8_t type, code;
  uint16_t sum;
  if (!dx_get_u8(t, 0, &type)) {
    dx_mark_truncated(p, icmp, "ICMP header");
    return t->len;
  }
  const char *tname = dx_val_name_def(type_vals, type, "Unknown ICMP (obsolete or malformed?)");
  dx_node *n = dx_add_item(p, icmp, FL(F_TYPE), t, 0, 1);
  dx_node_set_text(p, n, "Type: %u (%s)", type, tname);
  if (!dx_get_u8(t, 1, &code)) {
    dx_col_info_set(p, "%-20s", tname);
    dx_mark_truncated(p, icmp, "ICMP header");
    return t->len;
  }
  const dx_vals *cv = code_vals_for(type);
  const char *cname = cv ? dx_val_name_def(cv, code, "Unknown code") : NULL;
  n = dx_add_item(p, icmp, FL(F_CODE), t, 1, 1);
  if (cname)
    dx_node_set_text(p, n, "Code: %u (%s)", code, cname);
  dx_col_info_set(p, "%-20s", tname);
  if (cname)
    dx_col_info_append(p, " (%s)", cname);
  n = dx_add_item(p, icmp, FL(F_CHECKSUM), t, 2, 2);
  if (!dx_get_u16(t, 2, &sum)) {
    dx_mark_truncated(p, icmp, "ICMP header");
    return t->len;
  }

  /* Checksum (RFC 792): over the whole message. tshark verifies it
   * whenever the whole message is present. */
  unsigned status = 2;
  if (t->len >= t->reported && !p->in_icmp_error && !p->fragmented) {
    uint16_t c = dx_inet_checksum(t->data, t->len, 0);
    status = c == 0 ? 1 : 0;
  }
  if (status == 1) {
    dx_node_set_text(p, n, "Checksum: 0x%04x [correct]", sum);
  } else if (status == 0) {
    uint32_t acc = dx_cksum_add(0, t->data, 2);
    acc = dx_cksum_add(acc, t->data + 4, t->len - 4);
    uint16_t expect = dx_cksum_fold(acc);
    dx_node_set_text(p, n, "Checksum: 0x%04x incorrect, should be 0x%04x", sum, expect);
    dx_expert(p, n, FL(F_CHECKSUM_BAD), DX_SEV_WARN, "Bad checksum");
  } else {
    dx_node_set_text(p, n, "Checksum: 0x%04x [unverified]", sum);
  }
  n = dx_add_uint(p, icmp, FL(F_CHECKSUM_STATUS), t, 0, 0, status);
  dx_node_set_flags(n, DX_NODE_GENERATED);

  uint32_t data_off = 8;
  bool truncated = false;
  switch (type) {
  case 0:
  case 8:
  case 13:
  case 14:
  case 15:
  case 16:
  case 17:
  case 18: {
    uint16_t ident = 0, seq = 0, ident_le = 0, seq_le = 0;
    dx_add_item(p, icmp, FL(F_IDENT), t, 4, 2);
    dx_add_item_le(p, icmp, FL(F_IDENT_LE), t, 4, 2);
    dx_add_item(p, icmp, FL(F_SEQ), t, 6, 2);
    dx_add_item_le(p, icmp, FL(F_SEQ_LE), t, 6, 2);
    if (!dx_get_u16(t, 4, &ident) || !dx_get_u16(t, 6, &seq)) {
      truncated = true;
      break;
    }
    dx_get_u16_le(t, 4, &ident_le);
    dx_get_u16_le(t, 6, &seq_le);
    /* id and seq in Info for every message that has them (echo,
     * timestamp, information, address mask), as tshark writes it */
    dx_col_info_append(p, " id=0x%04x, seq=%u/%u", ident, seq, seq_le);
    if (p->have_ip_ttl && !p->in_icmp_error)
      dx_col_info_append(p, ", ttl=%u", p->ip_ttl);
    if (type == 0 || type == 8) {
      icmp_state *st = dx_proto_state(p, &dx_proto_icmp);
      if (st && !p->in_icmp_error && p->net_src.type != DX_AT_NONE) {
        if (type == 8) {
          if (dx_echo_remember(&st->echo, p, ident, seq))
            dx_expert(p, icmp, dx_field_limit(), DX_SEV_NOTE,
                      "ICMP echo matching: %u requests remembered, the oldest forgotten",
                      DX_ECHO_CAP);
        } else {
          const dx_echo_req *e = dx_echo_find(&st->echo, p, ident, seq);
          if (e) {
            dx_node *r = dx_add_uint(p, icmp, FL(F_RESP_TO), t, 0, 0, e->frame);
            dx_node_set_flags(r, DX_NODE_GENERATED);
            int64_t ds = p->frame.ts_sec - e->sec;
            int64_t dn = (int64_t)p->frame.ts_nsec - e->nsec;
            double ms = (double)ds * 1000.0 + (double)dn / 1e6;
            r = dx_add_double(p, icmp, FL(F_RESPTIME), t, 0, 0, ms);
            dx_node_set_flags(r, DX_NODE_GENERATED);
            dx_node_set_text(p, r, "Response time: %.3f ms", ms);
            dx_col_info_append(p, " (request in %llu)", (unsigned long long)e->frame);
          }
        }
      }
    }
    if (type == 13 || type == 14) {
      dx_add_item(p, icmp, FL(F_ORIG_TS), t, 8, 4);
      dx_add_item(p, icmp, FL(F_RECV_TS), t, 12, 4);
      dx_add_item(p, icmp, FL(F_XMIT_TS), t, 16, 4);
      data_off = 20;
      if (!dx_tvb_has(t, 0, 20))
        truncated = true;
    } else if (type == 17 || type == 18) {
      dx_add_item(p, icmp, FL(F_ADDRESS_MASK), t, 8, 4);
      data_off = 12;
      if (!dx_tvb_has(t, 0, 12))
        truncated = true;
    } else if ((type == 0 || type == 8) && t->len >= 16) {
      if (add_data_time(p, icmp, t, 8))
        data_off = 16;
    }
    break;
  }
  case 3:
  case 4:
  case 11:
  case 12:
  case 5: {
    if (type == 5) {
      dx_add_item(p, icmp, FL(F_REDIR_GW), t, 4, 4);
    } else if (type == 12) {
      dx_node *pn = dx_add_item(p, icmp, FL(F_POINTER), t, 4, 1);
      DX_UNUSED(pn);
      dx_add_item(p, icmp, FL(F_UNUSED), t, 5, 3);
    } else if (type == 3 && code == 4) {
      dx_add_item(p, icmp, FL(F_UNUSED), t, 4, 2);
      dx_add_item(p, icmp, FL(F_MTU), t, 6, 2);
    } else {
      dx_add_item(p, icmp, FL(F_UNUSED), t, 4, 4);
    }
    if (!dx_tvb_has(t, 0, 8)) {
      truncated = true;
      break;
    }
    dx_tvb q = dx_tvb_sub(t, 8, UINT32_MAX);
    uint8_t vihl = 0;
    if (type == 5 && dx_get_u8(t, 8, &vihl)) {
      /* a Redirect has no length of the original datagram (RFC 4884 3):
       * its IP header and 64 bits of data are what RFC 792 quotes, and
       * all tshark's packet-icmp.c dissects of it */
      q = dx_tvb_sub(t, 8, (uint32_t)(vihl & 0x0f) * 4 + 8);
    }
    if (p->in_icmp_error) {
      dx_dissect_data(p, &q, icmp); /* an error about an error: stop here */
    } else {
      dissect_quoted(p, &q, icmp);
    }
    return t->len;
  }
  case 9: {
    uint8_t num = 0, esz = 0;
    dx_add_item(p, icmp, FL(F_NUM_ADDRS), t, 4, 1);
    dx_add_item(p, icmp, FL(F_ADDR_ENTRY_SIZE), t, 5, 1);
    dx_add_item(p, icmp, FL(F_LIFETIME), t, 6, 2);
    if (!dx_get_u8(t, 4, &num) || !dx_get_u8(t, 5, &esz) || !dx_tvb_has(t, 0, 8)) {
      truncated = true;
      break;
    }
    uint32_t step = esz >= 2 ? esz * 4u : 8u;
    uint32_t off = 8;
    for (unsigned i = 0; i < num; i++) {
      if (!dx_tvb_has(t, off, 8)) {
        truncated = true;
        break;
      }
      dx_add_item(p, icmp, FL(F_ROUTER_ADDRESS), t, off, 4);
      dx_add_item(p, icmp, FL(F_PREF_LEVEL), t, off + 4, 4);
      off += step;
    }
    data_off = off;
    break;
  }
  default:
    if (t->len >= 8)
      dx_add_item(p, icmp, FL(F_UNUSED), t, 4, 4);
    else
      truncated = true;
    break;
  }
  if (truncated) {
    dx_mark_truncated(p, icmp, "ICMP message");
    return t->len;
  }
  if (data_off < t->len) {
    dx_tvb d = dx_tvb_sub(t, data_off, UINT32_MAX);
    dx_dissect_data(p, &d, icmp);
  }
  if (t->reported > t->len)
    dx_mark_truncated(p, icmp, "ICMP data");
  return t->len > t->reported ? t->len : t->reported;
}

static const dx_reg icmp_regs[] = {{DX_TABLE_IPPROTO, 1}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_icmp = {
    .name = "icmp",
    .label = "Internet Control Message Protocol",
    .fields = icmp_fields,
    .nfields = DX_ARRAY_LEN(icmp_fields),
    .dissect = dissect_icmp,
    .regs = icmp_regs,
    .state_new = icmp_state_new,
    .state_free = icmp_state_free,
};
