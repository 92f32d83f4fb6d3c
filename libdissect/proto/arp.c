/* Address Resolution Protocol (RFC 826) and RARP (RFC 903). */
#include "../core/dx.h"

#include <stdio.h>
#include <string.h>

extern const dx_vals dx_ethertype_vals[];

static const dx_vals opcode_vals[] = {{1, "request"},
                                      {2, "reply"},
                                      {3, "reverse request"},
                                      {4, "reverse reply"},
                                      {5, "drarp request"},
                                      {6, "drarp reply"},
                                      {7, "drarp error"},
                                      {8, "inverse request"},
                                      {9, "inverse reply"},
                                      {10, "arp nak"},
                                      {11, "mars request"},
                                      {12, "mars multi"},
                                      {13, "mars mserv"},
                                      {14, "mars join"},
                                      {15, "mars leave"},
                                      {16, "mars nak"},
                                      {17, "mars unserv"},
                                      {18, "mars sjoin"},
                                      {19, "mars sleave"},
                                      {20, "mars grouplist request"},
                                      {21, "mars grouplist reply"},
                                      {22, "mars redirect map"},
                                      {23, "mapos unarp"},
                                      {24, "experimental 1"},
                                      {25, "experimental 2"},
                                      {0, "reserved"},
                                      {65535, "reserved"},
                                      {0, NULL}};
/* ARP hardware types (IANA); also the link-layer address types of Linux
 * cooked captures (sll.hatype). */
const dx_vals dx_arp_hrd_vals[] = {{0, "NET/ROM pseudo"},
                                   {1, "Ethernet"},
                                   {2, "Experimental Ethernet"},
                                   {3, "AX.25"},
                                   {4, "ProNET"},
                                   {5, "Chaos"},
                                   {6, "IEEE 802"},
                                   {7, "ARCNET"},
                                   {8, "Hyperchannel"},
                                   {9, "Lanstar"},
                                   {10, "Autonet Short Address"},
                                   {11, "Localtalk"},
                                   {12, "LocalNet"},
                                   {13, "Ultra link"},
                                   {14, "SMDS"},
                                   {15, "Frame Relay DLCI"},
                                   {16, "ATM"},
                                   {17, "HDLC"},
                                   {18, "Fibre Channel"},
                                   {19, "ATM (RFC 2225)"},
                                   {20, "Serial Line"},
                                   {21, "ATM"},
                                   {22, "MIL-STD-188-220"},
                                   {23, "Metricom STRIP"},
                                   {24, "IEEE 1394.1995"},
                                   {25, "MAPOS"},
                                   {26, "Twinaxial"},
                                   {27, "EUI-64"},
                                   {28, "HIPARP"},
                                   {29, "IP and ARP over ISO 7816-3"},
                                   {30, "ARPSec"},
                                   {31, "IPsec tunnel"},
                                   {32, "InfiniBand"},
                                   {33, "TIA-102 Project 25 CAI"},
                                   {34, "Wiegand Interface"},
                                   {35, "Pure IP"},
                                   {36, "Experimental 1"},
                                   {37, "HFI"},
                                   {256, "Experimental 2"},
                                   {257, "AEthernet"},
                                   {260, "Notional KISS type"},
                                   {264, "ADAPT"},
                                   {270, "ROSE"},
                                   {271, "CCITT X.25"},
                                   {272, "Boards with X.25 in firmware"},
                                   {280, "Controller Area Network"},
                                   {512, "PPP"},
                                   {513, "Cisco HDLC"},
                                   {516, "LAPB"},
                                   {517, "Digital's DDCMP protocol"},
                                   {518, "Raw HDLC"},
                                   {519, "Raw IP"},
                                   {768, "IPIP tunnel"},
                                   {769, "IP6IP6 tunnel"},
                                   {770, "Frame Relay Access Device"},
                                   {771, "SKIP vif"},
                                   {772, "Loopback"},
                                   {774, "Fiber Distributed Data Interface"},
                                   {775, "AP1000 BIF"},
                                   {776, "sit0 device - IPv6-in-IPv4"},
                                   {777, "IP over DDP tunneller"},
                                   {778, "GRE over IP"},
                                   {779, "PIMSM register interface"},
                                   {780, "High Performance Parallel Interface"},
                                   {781, "Nexus 64Mbps Ash"},
                                   {782, "Acorn Econet"},
                                   {783, "Linux-IrDA"},
                                   {784, "Point to point fibrechannel"},
                                   {785, "Fibrechannel arbitrated loop"},
                                   {786, "Fibrechannel public loop"},
                                   {787, "Fibrechannel fabric"},
                                   {800, "Magic type ident for TR"},
                                   {801, "IEEE 802.11"},
                                   {802, "IEEE 802.11 + Prism2 header"},
                                   {803, "IEEE 802.11 + radiotap header"},
                                   {804, "IEEE 802.15.4"},
                                   {805, "IEEE 802.15.4 network monitor"},
                                   {820, "PhoNet media type"},
                                   {821, "PhoNet pipe header"},
                                   {822, "CAIF media type"},
                                   {823, "GRE over IPv6"},
                                   {824, "Netlink"},
                                   {825, "IPv6 over LoWPAN"},
                                   {826, "Vsock monitor header"},
                                   {65535, "Void type, nothing is known"},
                                   {65534, "zero header length"},
                                   {0, NULL}};

enum {
  F_ARP,
  F_HW_TYPE,
  F_PROTO_TYPE,
  F_HW_SIZE,
  F_PROTO_SIZE,
  F_OPCODE,
  F_SRC_HW,
  F_SRC_HW_MAC,
  F_SRC_PROTO,
  F_SRC_PROTO_IPV4,
  F_DST_HW,
  F_DST_HW_MAC,
  F_DST_PROTO,
  F_DST_PROTO_IPV4,
  F_ISGRATUITOUS,
};

static const dx_field arp_fields[] = {
    [F_ARP] = DX_F("arp", "Address Resolution Protocol", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_HW_TYPE] = DX_FV("arp.hw.type", "Hardware type", DX_FT_UINT16, DX_BASE_DEC, dx_arp_hrd_vals),
    [F_PROTO_TYPE] =
        DX_FV("arp.proto.type", "Protocol type", DX_FT_UINT16, DX_BASE_HEX, dx_ethertype_vals),
    [F_HW_SIZE] = DX_F("arp.hw.size", "Hardware size", DX_FT_UINT8, DX_BASE_DEC),
    [F_PROTO_SIZE] = DX_F("arp.proto.size", "Protocol size", DX_FT_UINT8, DX_BASE_DEC),
    [F_OPCODE] = DX_FV("arp.opcode", "Opcode", DX_FT_UINT16, DX_BASE_DEC, opcode_vals),
    [F_SRC_HW] = DX_F("arp.src.hw", "Sender hardware address", DX_FT_BYTES, DX_BASE_NONE),
    [F_SRC_HW_MAC] = DX_F("arp.src.hw_mac", "Sender MAC address", DX_FT_ETHER, DX_BASE_NONE),
    [F_SRC_PROTO] = DX_F("arp.src.proto", "Sender protocol address", DX_FT_BYTES, DX_BASE_NONE),
    [F_SRC_PROTO_IPV4] = DX_F("arp.src.proto_ipv4", "Sender IP address", DX_FT_IPV4, DX_BASE_NONE),
    [F_DST_HW] = DX_F("arp.dst.hw", "Target hardware address", DX_FT_BYTES, DX_BASE_NONE),
    [F_DST_HW_MAC] = DX_F("arp.dst.hw_mac", "Target MAC address", DX_FT_ETHER, DX_BASE_NONE),
    [F_DST_PROTO] = DX_F("arp.dst.proto", "Target protocol address", DX_FT_BYTES, DX_BASE_NONE),
    [F_DST_PROTO_IPV4] = DX_F("arp.dst.proto_ipv4", "Target IP address", DX_FT_IPV4, DX_BASE_NONE),
    [F_ISGRATUITOUS] = DX_F("arp.isgratuitous", "Is gratuitous", DX_FT_BOOL, DX_BASE_NONE),
};

#define FL(i) (&arp_fields[(i)])

/* Formats an address of n bytes: IPv4 dotted, MAC with colons, else hex. */
static void fmt_addr(char *buf, size_t len, const uint8_t *a, unsigned n, bool ip, bool mac) {
  if (ip && n == 4) {
    snprintf(buf, len, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
  } else if (mac && n == 6) {
    snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1], a[2], a[3], a[4], a[5]);
  } else {
    size_t k = 0;
    buf[0] = 0;
    for (unsigned i = 0; i < n && k + 3 < len; i++)
      k += (size_t)snprintf(buf + k, len - k, "%02x", a[i]);
  }
}

static uint32_t dissect_arp(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  dx_node *arp = dx_add_proto(p, parent, FL(F_ARP), t, 0, 8);
  dx_col_set_proto(p, "ARP");
  uint16_t hrd, pro, op;
  uint8_t hln, pln;
  dx_add_item(p, arp, FL(F_HW_TYPE), t, 0, 2);
  dx_add_item(p, arp, FL(F_PROTO_TYPE), t, 2, 2);
  dx_add_item(p, arp, FL(F_HW_SIZE), t, 4, 1);
  dx_add_item(p, arp, FL(F_PROTO_SIZE), t, 5, 1);
  dx_add_item(p, arp, FL(F_OPCODE), t, 6, 2);
  if (!dx_get_u16(t, 0, &hrd) || !dx_get_u16(t, 2, &pro) || !dx_get_u8(t, 4, &hln) ||
      !dx_get_u8(t, 5, &pln) || !dx_get_u16(t, 6, &op)) {
    dx_mark_truncated(p, arp, "ARP header needs 8 bytes");
    return t->len;
  }
  uint32_t total = 8u + 2u * hln + 2u * pln;
  dx_node_set_len(arp, total);
  bool mac = (hrd == 1 || hrd == 6 || hrd == 772) && hln == 6;
  bool ip = pro == 0x0800 && pln == 4;
  uint32_t sha = 8, spa = sha + hln, tha = spa + pln, tpa = tha + hln;
  dx_add_item(p, arp, FL(mac ? F_SRC_HW_MAC : F_SRC_HW), t, sha, hln);
  dx_add_item(p, arp, FL(ip ? F_SRC_PROTO_IPV4 : F_SRC_PROTO), t, spa, pln);
  dx_add_item(p, arp, FL(mac ? F_DST_HW_MAC : F_DST_HW), t, tha, hln);
  dx_add_item(p, arp, FL(ip ? F_DST_PROTO_IPV4 : F_DST_PROTO), t, tpa, pln);
  const char *opname = dx_val_name_def(opcode_vals, op, "Unknown");
  if (!dx_tvb_has(t, 0, total)) {
    dx_node_set_text(p, arp, "Address Resolution Protocol (%s)", opname);
    dx_mark_truncated(p, arp, "ARP addresses");
    return t->len;
  }
  char s_hw[64], s_pr[64], t_hw[64], t_pr[64];
  fmt_addr(s_hw, sizeof s_hw, t->data + sha, hln, false, mac);
  fmt_addr(s_pr, sizeof s_pr, t->data + spa, pln, ip, false);
  fmt_addr(t_hw, sizeof t_hw, t->data + tha, hln, false, mac);
  fmt_addr(t_pr, sizeof t_pr, t->data + tpa, pln, ip, false);
  /* Gratuitous ARP: sender and target protocol addresses are the same. */
  bool grat = pln && memcmp(t->data + spa, t->data + tpa, pln) == 0 && (op == 1 || op == 2);
  bool probe = false, announce = false;
  if (op == 1 && ip) {
    uint32_t sip = 0;
    dx_get_u32(t, spa, &sip);
    probe = sip == 0;
    /* An announcement (RFC 5227) has a zero target hardware address. */
    bool zero_tha = true;
    for (unsigned i = 0; i < hln; i++)
      zero_tha = zero_tha && t->data[tha + i] == 0;
    announce = grat && zero_tha;
  }
  if (grat)
    dx_node_set_text(p, arp, "Address Resolution Protocol (%s/gratuitous ARP)", opname);
  else if (probe)
    dx_node_set_text(p, arp, "Address Resolution Protocol (ARP Probe)");
  else
    dx_node_set_text(p, arp, "Address Resolution Protocol (%s)", opname); /* (RARP too) */
  if (grat) {
    dx_node *g = dx_add_uint(p, arp, FL(F_ISGRATUITOUS), t, 0, 0, 1);
    dx_node_set_flags(g, DX_NODE_GENERATED);
  }
  switch (op) {
  case 1:
    if (probe)
      dx_col_info_set(p, "Who has %s? (ARP Probe)", t_pr);
    else if (announce)
      dx_col_info_set(p, "ARP Announcement for %s", t_pr);
    else if (grat)
      dx_col_info_set(p, "Gratuitous ARP for %s (Request)", s_pr);
    else
      dx_col_info_set(p, "Who has %s? Tell %s", t_pr, s_pr);
    break;
  case 2:
    if (grat)
      dx_col_info_set(p, "Gratuitous ARP for %s (Reply)", s_pr);
    else
      dx_col_info_set(p, "%s is at %s", s_pr, s_hw);
    break;
  case 3:
    dx_col_set_proto(p, "RARP");
    dx_col_info_set(p, "Who is %s? Tell %s", t_hw, s_hw);
    break;
  case 4:
    dx_col_set_proto(p, "RARP");
    dx_col_info_set(p, "%s is at %s", t_hw, t_pr);
    break;
  case 8: /* Inverse ARP (RFC 2390), as tshark's packet-arp.c */
    dx_col_set_proto(p, "Inverse ARP");
    dx_col_info_set(p, "Who is %s? Tell %s", t_hw, s_hw);
    break;
  case 9:
    dx_col_set_proto(p, "Inverse ARP");
    dx_col_info_set(p, "%s is at %s", s_hw, s_pr);
    break;
  default: dx_col_info_set(p, "Unknown ARP opcode 0x%04x", op); break;
  }
  return total;
}

static const dx_reg arp_regs[] = {
    {DX_TABLE_ETHERTYPE, 0x0806}, {DX_TABLE_ETHERTYPE, 0x8035}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_arp = {
    .name = "arp",
    .label = "Address Resolution Protocol",
    .fields = arp_fields,
    .nfields = DX_ARRAY_LEN(arp_fields),
    .dissect = dissect_arp,
    .regs = arp_regs,
};
