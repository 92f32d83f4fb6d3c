/* Link types of capture files and tshark's encapsulation numbers.
 *
 * A pcap file names its link layer by a LINKTYPE_ value (tcpdump.org's
 * link-layer header types; libpcap hands some of them over as the
 * platform's DLT_ value: LINKTYPE_RAW 101 as DLT_RAW 12, LINKTYPE_ATM_RFC1483
 * 100 as 11). Wireshark turns both into its own WTAP_ENCAP_ numbers, which
 * tshark shows as frame.encap_type. The table says which WTAP_ENCAP_ each
 * link type becomes, with tshark 4.0's name for it; every pair was read
 * from tshark (frame.encap_type and the -V label) on a capture of that link
 * type. A link type tshark does not know shows as 0, "Unknown". */
#include "../core/dx.h"

typedef struct {
  int linktype;
  int encap;
} lt_map;

static const lt_map lt_encap[] = {
    {0, 15},   /* NULL */
    {1, 1},    /* EN10MB */
    {6, 2},    /* IEEE802 (Token Ring) */
    {7, 8},    /* ARCNET_BSD */
    {8, 3},    /* SLIP */
    {9, 4},    /* PPP */
    {10, 5},   /* FDDI */
    {11, 10},  /* DLT_ATM_RFC1483 (Linux) */
    {12, 7},   /* DLT_RAW */
    {14, 7},   /* DLT_RAW (OpenBSD) */
    {50, 4},   /* PPP_HDLC, PPP_SERIAL */
    {100, 10}, /* ATM_RFC1483 */
    {101, 7},  /* RAW */
    {104, 28}, /* C_HDLC */
    {105, 20}, /* IEEE802_11 */
    {106, 11}, /* ATM_CLIP */
    {107, 26}, /* FRELAY */
    {108, 15}, /* LOOP */
    {113, 25}, /* LINUX_SLL */
    {117, 39}, /* PFLOG */
    {119, 21}, /* IEEE802_11_PRISM */
    {123, 13}, /* SUNATM */
    {127, 23}, /* IEEE802_11_RADIOTAP */
    {129, 9},  /* ARCNET_LINUX */
    {147, 45}, /* USER0 .. USER15: 45 .. 60 */
    {148, 46},  {149, 47}, {150, 48}, {151, 49}, {152, 50}, {153, 51}, {154, 52}, {155, 53},
    {156, 54},  {157, 55}, {158, 56}, {159, 57}, {160, 58}, {161, 59}, {162, 60}, /* USER15 */
    {163, 24},  /* IEEE802_11_AVS */
    {178, 83},  /* JUNIPER_ETHER */
    {192, 97},  /* PPI */
    {195, 104}, /* IEEE802_15_4 */
    {226, 124}, /* IPNET */
    {228, 129}, /* IPV4 */
    {229, 130}, /* IPV6 */
    {231, 146}, /* DBUS */
    {239, 141}, /* NFLOG */
    {242, 180}, /* IPOIB */
    {258, 171}, /* PKTAP */
    {276, 210}, /* LINUX_SLL2 */
};

const dx_vals dx_encap_vals[] = {{0, "Unknown"},
                                 {1, "Ethernet"},
                                 {2, "Token Ring"},
                                 {3, "SLIP"},
                                 {4, "PPP"},
                                 {5, "FDDI"},
                                 {7, "Raw IP"},
                                 {8, "ARCNET"},
                                 {9, "Linux ARCNET"},
                                 {10, "RFC 1483 ATM"},
                                 {11, "Linux ATM CLIP"},
                                 {13, "ATM PDUs"},
                                 {15, "NULL/Loopback"},
                                 {20, "IEEE 802.11 Wireless LAN"},
                                 {21, "IEEE 802.11 plus Prism II monitor mode radio header"},
                                 {23, "IEEE 802.11 plus radiotap radio header"},
                                 {24, "IEEE 802.11 plus AVS radio header"},
                                 {25, "Linux cooked-mode capture v1"},
                                 {26, "Frame Relay"},
                                 {28, "Cisco HDLC"},
                                 {39, "OpenBSD PF Firewall logs"},
                                 {45, "USER 0"},
                                 {46, "USER 1"},
                                 {47, "USER 2"},
                                 {48, "USER 3"},
                                 {49, "USER 4"},
                                 {50, "USER 5"},
                                 {51, "USER 6"},
                                 {52, "USER 7"},
                                 {53, "USER 8"},
                                 {54, "USER 9"},
                                 {55, "USER 10"},
                                 {56, "USER 11"},
                                 {57, "USER 12"},
                                 {58, "USER 13"},
                                 {59, "USER 14"},
                                 {60, "USER 15"},
                                 {83, "Juniper Ethernet"},
                                 {97, "Per-Packet Information header"},
                                 {104, "IEEE 802.15.4 Wireless PAN"},
                                 {124, "Solaris IPNET"},
                                 {129, "Raw IPv4"},
                                 {130, "Raw IPv6"},
                                 {141, "NFLOG"},
                                 {146, "D-Bus"},
                                 {171, "Apple PKTAP"},
                                 {180, "IP over IB"},
                                 {210, "Linux cooked-mode capture v2"},
                                 {0, NULL}};

int dx_linktype_encap(int linktype) {
  for (size_t i = 0; i < DX_ARRAY_LEN(lt_encap); i++)
    if (lt_encap[i].linktype == linktype)
      return lt_encap[i].encap;
  return 0;
}
