/* User Datagram Protocol (RFC 768). */
#include "../core/checksum.h"
#include "../core/dx.h"

#include <stdlib.h>

enum {
  F_UDP,
  F_SRCPORT,
  F_DSTPORT,
  F_PORT,
  F_LENGTH,
  F_CHECKSUM,
  F_CHECKSUM_CALC,
  F_CHECKSUM_STATUS,
  F_STREAM,
  F_TIMESTAMPS,
  F_TIME_RELATIVE,
  F_TIME_DELTA,
  F_PAYLOAD,
  F_LENGTH_BAD,
  F_CHECKSUM_BAD,
  F_CHECKSUM_ZERO,
};

static const dx_vals cksum_status_vals[] = {{0, "Bad"},         {1, "Good"},    {2, "Unverified"},
                                            {3, "Not present"}, {4, "Illegal"}, {0, NULL}};

static const dx_field udp_fields[] = {
    [F_UDP] = DX_F("udp", "User Datagram Protocol", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_SRCPORT] = DX_F("udp.srcport", "Source Port", DX_FT_UINT16, DX_BASE_PORT),
    [F_DSTPORT] = DX_F("udp.dstport", "Destination Port", DX_FT_UINT16, DX_BASE_PORT),
    [F_PORT] = DX_F("udp.port", "Source or Destination Port", DX_FT_UINT16, DX_BASE_PORT),
    [F_LENGTH] = DX_F("udp.length", "Length", DX_FT_UINT16, DX_BASE_DEC),
    [F_CHECKSUM] = DX_F("udp.checksum", "Checksum", DX_FT_UINT16, DX_BASE_HEX),
    [F_CHECKSUM_CALC] =
        DX_F("udp.checksum_calculated", "Calculated Checksum", DX_FT_UINT16, DX_BASE_HEX),
    [F_CHECKSUM_STATUS] = DX_FV("udp.checksum.status", "Checksum Status", DX_FT_UINT8, DX_BASE_NONE,
                                cksum_status_vals),
    [F_STREAM] = DX_F("udp.stream", "Stream index", DX_FT_UINT32, DX_BASE_DEC),
    [F_TIMESTAMPS] = DX_F("udp.timestamps", "Timestamps", DX_FT_NONE, DX_BASE_NONE),
    [F_TIME_RELATIVE] =
        DX_F("udp.time_relative", "Time since first frame", DX_FT_RELTIME, DX_BASE_NONE),
    [F_TIME_DELTA] =
        DX_F("udp.time_delta", "Time since previous frame", DX_FT_RELTIME, DX_BASE_NONE),
    [F_PAYLOAD] = DX_F("udp.payload", "Payload", DX_FT_BYTES, DX_BASE_NONE),
    [F_LENGTH_BAD] = DX_F("udp.length.bad", "Bad length value", DX_FT_NONE, DX_BASE_NONE),
    [F_CHECKSUM_BAD] = DX_F("udp.checksum.bad", "Bad checksum", DX_FT_NONE, DX_BASE_NONE),
    [F_CHECKSUM_ZERO] =
        DX_F("udp.checksum.zero", "Illegal checksum value (0)", DX_FT_NONE, DX_BASE_NONE),
};

/* Per-flow state: the time of the previous packet, for udp.time_delta. */
typedef struct udp_conv {
  int64_t prev_sec;
  int32_t prev_nsec;
} udp_conv;

static void time_sub(int64_t as, int32_t an, int64_t bs, int32_t bn, int64_t *rs, int32_t *rn) {
  dx_time_sub(as, an, bs, bn, rs, rn);
}

/* The Internet checksum over the pseudo-header and the datagram (RFC 768,
 * RFC 8200 section 8.1): 0 if correct, else *expect gets the right value.
 * Returns false if it cannot be computed. */
static bool udp_cksum(const dx_packet *p, const dx_tvb *t, uint32_t ulen, uint16_t *calc,
                      uint16_t *expect) {
  const uint8_t *d = dx_get_ptr(t, 0, ulen);
  if (!d || ulen < 8 || p->net_src.type != p->net_dst.type ||
      (p->net_src.type != DX_AT_IPV4 && p->net_src.type != DX_AT_IPV6))
    return false;
  uint32_t ps = dx_cksum_pseudo(&p->net_src, &p->net_dst, 17, ulen);
  *calc = dx_cksum_fold(dx_cksum_add(ps, d, ulen));
  /* the same sum with the checksum field taken as zero */
  uint16_t e = dx_cksum_fold(dx_cksum_add(dx_cksum_add(ps, d, 6), d + 8, ulen - 8));
  *expect = e == 0 ? 0xffff : e;
  return true;
}

static void udp_conv_free(void *d) {
  free(d);
}

static void add_payload_dispatch(dx_packet *p, const dx_tvb *pl, dx_node *parent, uint16_t sport,
                                 uint16_t dport, const dx_flow *flow) {
  if (pl->len == 0 && pl->reported == 0)
    return;
  /* the conversation's protocol first, as tshark's try_conversation (set
   * by a heuristic that recognised the conversation: WireGuard's) */
  if (flow && flow->app && flow->app->dissect && flow->app->dissect(p, pl, parent))
    return;
  uint16_t lo = sport < dport ? sport : dport;
  uint16_t hi = sport < dport ? dport : sport;
  if (lo != 0 && dx_dissect_table(p, DX_TABLE_UDP_PORT, lo, pl, parent))
    return;
  if (hi != lo && hi != 0 && dx_dissect_table(p, DX_TABLE_UDP_PORT, hi, pl, parent))
    return;
  if (dx_dissect_heuristic(p, false, pl, parent))
    return;
  dx_dissect_data(p, pl, parent);
}

static uint32_t dissect_udp(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  dx_node *udp = dx_add_proto(p, parent, &udp_fields[F_UDP], t, 0, 8);
  dx_col_set_proto(p, "UDP");
  uint16_t sport = 0, dport = 0, ulen = 0, sum = 0;
  bool have_sport = dx_get_u16(t, 0, &sport);
  bool have_dport = dx_get_u16(t, 2, &dport);
  dx_add_item(p, udp, &udp_fields[F_SRCPORT], t, 0, 2);
  dx_add_item(p, udp, &udp_fields[F_DSTPORT], t, 2, 2);
  if (have_sport)
    dx_node_set_flags(dx_add_item(p, udp, &udp_fields[F_PORT], t, 0, 2), DX_NODE_HIDDEN);
  if (have_dport)
    dx_node_set_flags(dx_add_item(p, udp, &udp_fields[F_PORT], t, 2, 2), DX_NODE_HIDDEN);
  if (have_sport && have_dport)
    dx_node_set_text(p, udp, "User Datagram Protocol, Src Port: %u, Dst Port: %u", sport, dport);
  if (!dx_get_u16(t, 4, &ulen) || !dx_get_u16(t, 6, &sum)) {
    if (dx_tvb_has(t, 4, 2))
      dx_add_item(p, udp, &udp_fields[F_LENGTH], t, 4, 2);
    dx_mark_truncated(p, udp, "UDP header needs 8 bytes");
    if (have_sport && have_dport)
      dx_col_info_set(p, "%u \xe2\x86\x92 %u", sport, dport);
    return t->len;
  }
  p->srcport = sport;
  p->dstport = dport;

  uint32_t ip_len = t->reported > t->len ? t->reported : t->len;
  dx_node *ln = dx_add_item(p, udp, &udp_fields[F_LENGTH], t, 4, 2);
  bool bad_len = false;
  if (ulen < 8) {
    dx_expert(p, ln, &udp_fields[F_LENGTH_BAD], DX_SEV_ERROR, "Bad length value %u < 8", ulen);
    /* tshark flags the length as an expert error but dissects on: no
     * "[Malformed Packet]" in the Info column */
    dx_node_set_flags(udp, DX_NODE_MALFORMED);
    bad_len = true;
  } else if (ulen > ip_len && !p->fragmented) {
    /* (the first fragment of a datagram that could not be reassembled
     * holds only part of it: not an error, as in tshark) */
    dx_expert(p, ln, &udp_fields[F_LENGTH_BAD], DX_SEV_ERROR,
              "Bad length value %u > IP payload length", ulen);
    dx_node_set_flags(udp, DX_NODE_MALFORMED);
    bad_len = true;
  }

  /* Checksum (RFC 768: zero means "not computed" over IPv4; RFC 8200
   * forbids zero over IPv6). */
  dx_node *cn = dx_add_item(p, udp, &udp_fields[F_CHECKSUM], t, 6, 2);
  unsigned status = 2;
  if (sum == 0) {
    if (p->net_src.type == DX_AT_IPV6) {
      dx_node_set_text(p, cn, "Checksum: 0x0000 [zero-value illegal]");
      dx_expert(p, cn, &udp_fields[F_CHECKSUM_ZERO], DX_SEV_ERROR, "Illegal checksum value (0)");
      status = 4;
    } else {
      dx_node_set_text(p, cn, "Checksum: 0x0000 [zero-value ignored]");
      status = 3;
    }
  } else if (dx_packet_config(p)->check_checksums && !bad_len) {
    uint16_t calc, expect;
    if (udp_cksum(p, t, ulen, &calc, &expect)) {
      /* A correct datagram sums to zero with the checksum included. */
      status = calc == 0 ? 1 : 0;
      if (status == 1) {
        dx_node_set_text(p, cn, "Checksum: 0x%04x [correct]", sum);
        dx_node *cc = dx_add_uint(p, udp, &udp_fields[F_CHECKSUM_CALC], t, 6, 2, sum);
        dx_node_set_flags(cc, DX_NODE_GENERATED);
      } else {
        dx_node_set_text(p, cn, "Checksum: 0x%04x incorrect, should be 0x%04x", sum, expect);
        dx_node *cc = dx_add_uint(p, udp, &udp_fields[F_CHECKSUM_CALC], t, 6, 2, expect);
        dx_node_set_flags(cc, DX_NODE_GENERATED);
        dx_expert(p, cn, &udp_fields[F_CHECKSUM_BAD], DX_SEV_ERROR,
                  "Bad checksum [should be 0x%04x]", expect);
      }
    } else {
      dx_node_set_text(p, cn, "Checksum: 0x%04x [unverified]", sum);
    }
  } else {
    dx_node_set_text(p, cn, "Checksum: 0x%04x [unverified]", sum);
  }
  /* a zero checksum's status sits under it, as tshark's (packet-udp.c) */
  dx_node *cs = sum == 0 ? dx_add_uint(p, cn, &udp_fields[F_CHECKSUM_STATUS], t, 6, 2, status)
                         : dx_add_uint(p, udp, &udp_fields[F_CHECKSUM_STATUS], t, 0, 0, status);
  dx_node_set_text(p, cs, "Checksum Status: %s", dx_val_name(cksum_status_vals, status));
  dx_node_set_flags(cs, DX_NODE_GENERATED);

  /* Conversation (not for datagrams quoted inside ICMP errors). */
  dx_flow *flow = NULL;
  int dir = 0;
  uint32_t plen = ulen >= 8 ? (uint32_t)ulen - 8 : 0;
  if (ulen > ip_len)
    plen = ip_len > 8 ? ip_len - 8 : 0;
  if (ulen < 8) {
    dx_col_info_set(p, "%u \xe2\x86\x92 %u [BAD UDP LENGTH %u < 8]", sport, dport, ulen);
    return t->len;
  }
  if (ulen > ip_len && !p->fragmented)
    dx_col_info_set(p, "%u \xe2\x86\x92 %u [BAD UDP LENGTH %u > IP PAYLOAD LENGTH] Len=%u", sport,
                    dport, ulen, ulen - 8);
  else if (ulen > ip_len)
    dx_col_info_set(p, "%u \xe2\x86\x92 %u Len=%u", sport, dport, ulen - 8);
  else
    dx_col_info_set(p, "%u \xe2\x86\x92 %u Len=%u", sport, dport, plen);
  if (status == 0)
    dx_col_info_append(p, " [UDP CHECKSUM INCORRECT]");
  bool quoted = p->in_icmp_error;
  if (p->net_src.type != DX_AT_NONE)
    /* a datagram quoted in an ICMP error too: as tshark, a flow the capture
     * has not shown yet gets its stream there, and later ones count on */
    flow = dx_flow_get(p, udp, &dir);
  if (flow) {
    p->stream = flow->index;
    dx_node *sn = dx_add_uint(p, udp, &udp_fields[F_STREAM], t, 0, 0, flow->index);
    dx_node_set_flags(sn, DX_NODE_GENERATED);
    udp_conv *uc = flow->proto_data;
    if (quoted) {
      /* a datagram quoted in an ICMP error: its stream, nothing else */
      uc = NULL;
    } else if (!uc) {
      uc = calloc(1, sizeof *uc);
      if (uc) {
        uc->prev_sec = flow->first_sec;
        uc->prev_nsec = flow->first_nsec;
        flow->proto_data = uc;
        flow->proto_free = udp_conv_free;
      }
    }
    if (uc && plen > 0) {
      /* (tshark shows the times only for datagrams with a payload) */
      int64_t rs, ds;
      int32_t rn, dn;
      time_sub(p->frame.ts_sec, (int32_t)p->frame.ts_nsec, flow->first_sec, flow->first_nsec, &rs,
               &rn);
      time_sub(p->frame.ts_sec, (int32_t)p->frame.ts_nsec, uc->prev_sec, uc->prev_nsec, &ds, &dn);
      uc->prev_sec = p->frame.ts_sec;
      uc->prev_nsec = (int32_t)p->frame.ts_nsec;
      dx_node *ts = dx_add_none(p, udp, &udp_fields[F_TIMESTAMPS], t, 0, 0);
      dx_node_set_flags(ts, DX_NODE_GENERATED);
      dx_node_set_flags(dx_add_time(p, ts, &udp_fields[F_TIME_RELATIVE], t, 0, 0, rs, rn),
                        DX_NODE_GENERATED);
      dx_node_set_flags(dx_add_time(p, ts, &udp_fields[F_TIME_DELTA], t, 0, 0, ds, dn),
                        DX_NODE_GENERATED);
    }
  }

  dx_tvb pl = dx_tvb_sub(t, 8, plen);
  if (plen) {
    /* the bytes captured, as tshark counts them: a datagram cut by the
     * snapshot length is not a truncated payload item */
    uint32_t have = pl.len < plen ? pl.len : plen;
    dx_node *pn = dx_add_bytes(p, udp, &udp_fields[F_PAYLOAD], &pl, 0, have);
    dx_node_set_text(p, pn, "UDP payload (%u byte%s)", have, have == 1 ? "" : "s");
  }
  /* a quoted datagram's application layer goes to the top of the tree, as
   * tshark's (DNS or RX after the ICMP layer that holds IP and UDP) */
  add_payload_dispatch(p, &pl, quoted ? dx_packet_root_mut(p) : parent, sport, dport,
                       quoted ? NULL : flow);
  uint32_t took = 8 + plen;
  return took < t->len ? took : t->len;
}

static const dx_reg udp_regs[] = {{DX_TABLE_IPPROTO, 17}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_udp = {
    .name = "udp",
    .label = "User Datagram Protocol",
    .fields = udp_fields,
    .nfields = DX_ARRAY_LEN(udp_fields),
    .dissect = dissect_udp,
    .regs = udp_regs,
};
