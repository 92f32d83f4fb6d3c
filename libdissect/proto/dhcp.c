/* Dynamic Host Configuration Protocol for IPv4 and its ancestor BOOTP
 * (RFC 951, RFC 1542, RFC 2131, RFC 2132 and the option RFCs named below),
 * on UDP ports 67 and 68 (and 4011, proxyDHCP, when the magic cookie is
 * there), shown as tshark 4.0's packet-dhcp.c shows it: the fixed BOOTP
 * header, the magic cookie, then the options. Protocol "DHCP" and Info
 * "DHCP Discover - Transaction ID 0x..." (the message type padded to 8
 * characters) when option 53 is present, else "BOOTP" and "Boot Request
 * from MAC (MAC)" / "Boot Reply".
 *
 * Options decoded as tshark does: 0 Pad, 255 End, 53 Message Type, 55
 * Parameter Request List (each item named), 52 Option Overload (with the
 * options it moves into sname and file), 60 Vendor class identifier, 61
 * Client identifier (hardware address, UUID, RFC 4361 IAID/DUID, type 0
 * text), 77 User Class (RFC 3004), 81 Client FQDN (RFC 4702), 21 Policy
 * Filter and 33 Static Route (address pairs), 43 Vendor-Specific
 * Information (as bytes), 145 Forcerenew Nonce Capable, and every option tshark reads as a basic
 * type (addresses and address lists, strings, booleans, 8/16-bit values and lists, times in
 * seconds): 1-20, 22-32, 34-42, 44-51, 54, 56-59, 64-76, 86-87, 91-92, 100-101, 112-113, 116, 118,
 * 137-138, 142, 150, 153, 156-157, 161, 209-210, 252. Every other option is shown as tshark shows
 * an option it knows only by name: "Option: (N) Name", Length, Value.
 *
 * Not decoded (shown as Option, Length and Value where tshark decodes
 * further): the vendor heuristics of options 43 and 60 (PXEClient,
 * PacketCable/DOCSIS, CableHome, Aruba, Apple BSDP, Cisco, ALU), 63 Novell
 * options, 78/79 SLP, 82 Relay Agent Information, 85 NDS servers, 90
 * Authentication, 93/94/97 PXE client architecture, interface and UUID, 99
 * Civic location, 117 Name Service Search, 119 Domain Search and 120 SIP
 * servers (RFC 3396 long options), 121/249 Classless Static Route, 122
 * CableLabs, 123 location, 124/125 V-I vendor class and options, 83 iSNS,
 * 114 Captive-Portal, 136 PANA agent, 146 RDNSS, 151/152/154/155 Leasequery, 158 PCP, 159
 * Portparams, 212 6RD, 242 Avaya. The
 * user's option table (tshark's UAT) does not exist here. DHCPv6 (UDP 546
 * and 547, RFC 8415) is another protocol and is not in this file.
 *
 * Bytes that run out give a node marked truncated (the capture was cut)
 * or malformed (an option length past the end of the datagram); what was
 * read before is kept (where tshark's exception writes "[Malformed Packet:
 * DHCP/BOOTP]" at the top of the tree instead). Every option loop advances
 * by at least one byte. */
#include "../core/dx.h"

#include <stdio.h>
#include <string.h>

extern const dx_vals dx_arp_hrd_vals[];

#define SNAME_OFF 44
#define SNAME_LEN 64
#define FILE_OFF 108
#define FILE_LEN 128
#define VENDOR_OFF 236
#define MAGIC 0x63825363u

/* How tshark's table types an option (packet-dhcp.c's enum field_type). */
enum {
  OT_NONE = 0,
  OT_IPV4,
  OT_IPV4LIST,
  OT_STR,
  OT_BOOL,
  OT_U8,
  OT_U16,
  OT_U16LIST,
  OT_TIME_S,
  OT_TIME_U
};

static const char *const opt_names[256] = {
    "Padding",                                                 /* 0 */
    "Subnet Mask",                                             /* 1 */
    "Time Offset",                                             /* 2 */
    "Router",                                                  /* 3 */
    "Time Server",                                             /* 4 */
    "Name Server",                                             /* 5 */
    "Domain Name Server",                                      /* 6 */
    "Log Server",                                              /* 7 */
    "Quotes Server",                                           /* 8 */
    "LPR Server",                                              /* 9 */
    "Impress Server",                                          /* 10 */
    "Resource Location Server",                                /* 11 */
    "Host Name",                                               /* 12 */
    "Boot File Size",                                          /* 13 */
    "Merit Dump File",                                         /* 14 */
    "Domain Name",                                             /* 15 */
    "Swap Server",                                             /* 16 */
    "Root Path",                                               /* 17 */
    "Extensions Path",                                         /* 18 */
    "IP Forwarding",                                           /* 19 */
    "Non-Local Source Routing",                                /* 20 */
    "Policy Filter",                                           /* 21 */
    "Maximum Datagram Reassembly Size",                        /* 22 */
    "Default IP Time-to-Live",                                 /* 23 */
    "Path MTU Aging Timeout",                                  /* 24 */
    "Path MTU Plateau Table",                                  /* 25 */
    "Interface MTU",                                           /* 26 */
    "All Subnets are Local",                                   /* 27 */
    "Broadcast Address",                                       /* 28 */
    "Perform Mask Discovery",                                  /* 29 */
    "Mask Supplier",                                           /* 30 */
    "Perform Router Discover",                                 /* 31 */
    "Router Solicitation Address",                             /* 32 */
    "Static Route",                                            /* 33 */
    "Trailer Encapsulation",                                   /* 34 */
    "ARP Cache Timeout",                                       /* 35 */
    "Ethernet Encapsulation",                                  /* 36 */
    "TCP Default TTL",                                         /* 37 */
    "TCP Keepalive Interval",                                  /* 38 */
    "TCP Keepalive Garbage",                                   /* 39 */
    "Network Information Service Domain",                      /* 40 */
    "Network Information Service Servers",                     /* 41 */
    "Network Time Protocol Servers",                           /* 42 */
    "Vendor-Specific Information",                             /* 43 */
    "NetBIOS over TCP/IP Name Server",                         /* 44 */
    "NetBIOS over TCP/IP Datagram Distribution Name Server",   /* 45 */
    "NetBIOS over TCP/IP Node Type",                           /* 46 */
    "NetBIOS over TCP/IP Scope",                               /* 47 */
    "X Window System Font Server",                             /* 48 */
    "X Window System Display Manager",                         /* 49 */
    "Requested IP Address",                                    /* 50 */
    "IP Address Lease Time",                                   /* 51 */
    "Option Overload",                                         /* 52 */
    "DHCP Message Type",                                       /* 53 */
    "DHCP Server Identifier",                                  /* 54 */
    "Parameter Request List",                                  /* 55 */
    "Message",                                                 /* 56 */
    "Maximum DHCP Message Size",                               /* 57 */
    "Renewal Time Value",                                      /* 58 */
    "Rebinding Time Value",                                    /* 59 */
    "Vendor class identifier",                                 /* 60 */
    "Client identifier",                                       /* 61 */
    "Novell/Netware IP domain",                                /* 62 */
    "Novell Options",                                          /* 63 */
    "Network Information Service+ Domain",                     /* 64 */
    "Network Information Service+ Servers",                    /* 65 */
    "TFTP Server Name",                                        /* 66 */
    "Bootfile name",                                           /* 67 */
    "Mobile IP Home Agent",                                    /* 68 */
    "SMTP Server",                                             /* 69 */
    "POP3 Server",                                             /* 70 */
    "NNTP Server",                                             /* 71 */
    "Default WWW Server",                                      /* 72 */
    "Default Finger Server",                                   /* 73 */
    "Default IRC Server",                                      /* 74 */
    "StreetTalk Server",                                       /* 75 */
    "StreetTalk Directory Assistance Server",                  /* 76 */
    "User Class Information",                                  /* 77 */
    "Directory Agent Information",                             /* 78 */
    "Service Location Agent Scope",                            /* 79 */
    "Rapid commit",                                            /* 80 */
    "Client Fully Qualified Domain Name",                      /* 81 */
    "Agent Information Option",                                /* 82 */
    "iSNS",                                                    /* 83 */
    "Removed/Unassigned",                                      /* 84 */
    "Novell Directory Services Servers",                       /* 85 */
    "Novell Directory Services Tree Name",                     /* 86 */
    "Novell Directory Services Context",                       /* 87 */
    "BCMCS Controller Domain Name [TODO:RFC4280]",             /* 88 */
    "BCMCS Controller IPv4 address [TODO:RFC4280]",            /* 89 */
    "Authentication",                                          /* 90 */
    "Client last transaction time",                            /* 91 */
    "Associated IP option",                                    /* 92 */
    "Client System Architecture",                              /* 93 */
    "Client Network Device Interface",                         /* 94 */
    "LDAP [TODO:RFC3679]",                                     /* 95 */
    "Removed/Unassigned",                                      /* 96 */
    "UUID/GUID-based Client Identifier",                       /* 97 */
    "Open Group's User Authentication [TODO:RFC2485]",         /* 98 */
    "Civic Addresses Configuration",                           /* 99 */
    "PCode",                                                   /* 100 */
    "TCode",                                                   /* 101 */
    "Removed/unassigned",                                      /* 102 */
    "Removed/unassigned",                                      /* 103 */
    "Removed/unassigned",                                      /* 104 */
    "Removed/unassigned",                                      /* 105 */
    "Removed/unassigned",                                      /* 106 */
    "Removed/unassigned",                                      /* 107 */
    "IPv6-Only Preferred",                                     /* 108 */
    "Unassigned",                                              /* 109 */
    "Removed/Unassigned",                                      /* 110 */
    "Unassigned",                                              /* 111 */
    "NetInfo Parent Server Address",                           /* 112 */
    "NetInfo Parent Server Tag",                               /* 113 */
    "DHCP Captive-Portal",                                     /* 114 */
    "Removed/Unassigned",                                      /* 115 */
    "DHCP Auto-Configuration",                                 /* 116 */
    "Name Service Search",                                     /* 117 */
    "Subnet Selection Option",                                 /* 118 */
    "Domain Search",                                           /* 119 */
    "SIP Servers",                                             /* 120 */
    "Classless Static Route",                                  /* 121 */
    "CableLabs Client Configuration [TODO:RFC3495]",           /* 122 */
    "Coordinate-based Location Configuration",                 /* 123 */
    "V-I Vendor Class",                                        /* 124 */
    "V-I Vendor-specific Information",                         /* 125 */
    "Removed/Unassigned",                                      /* 126 */
    "Removed/Unassigned",                                      /* 127 */
    "DOCSIS full security server IP [TODO]",                   /* 128 */
    "PXE - undefined (vendor specific)",                       /* 129 */
    "PXE - undefined (vendor specific)",                       /* 130 */
    "PXE - undefined (vendor specific)",                       /* 131 */
    "PXE - undefined (vendor specific)",                       /* 132 */
    "PXE - undefined (vendor specific)",                       /* 133 */
    "PXE - undefined (vendor specific)",                       /* 134 */
    "PXE - undefined (vendor specific)",                       /* 135 */
    "PANA Authentication Agent",                               /* 136 */
    "LoST Server Domain Name",                                 /* 137 */
    "CAPWAP Access Controllers",                               /* 138 */
    "IPv4 Address-MoS",                                        /* 139 */
    "IPv4 FQDN-MoS",                                           /* 140 */
    "SIP UA Configuration Domains",                            /* 141 */
    "IPv4 Address ANDSF",                                      /* 142 */
    "Zerotouch Redirect [TODO: draft-ietf-netconf-zerotouch]", /* 143 */
    "Geospatial Location [TODO:RFC6225]",                      /* 144 */
    "Forcerenew Nonce Capable",                                /* 145 */
    "RDNSS Selection",                                         /* 146 */
    "Unassigned",                                              /* 147 */
    "Unassigned",                                              /* 148 */
    "Unassigned",                                              /* 149 */
    "TFTP Server Address",                                     /* 150 */
    "Leasequery Status code",                                  /* 151 */
    "Leasequery Base Time",                                    /* 152 */
    "Leasequery Start Time of State",                          /* 153 */
    "Leasequery Query Start Time",                             /* 154 */
    "Leasequery Query End Time",                               /* 155 */
    "Leasequery Dhcp State",                                   /* 156 */
    "Leasequery Data Source",                                  /* 157 */
    "PCP Server",                                              /* 158 */
    "Portparams",                                              /* 159 */
    "Unassigned (ex DHCP Captive-Portal)",                     /* 160 */
    "Manufacturer Usage Description",                          /* 161 */
    "Unassigned",                                              /* 162 */
    "Unassigned",                                              /* 163 */
    "Unassigned",                                              /* 164 */
    "Unassigned",                                              /* 165 */
    "Unassigned",                                              /* 166 */
    "Unassigned",                                              /* 167 */
    "Unassigned",                                              /* 168 */
    "Unassigned",                                              /* 169 */
    "Unassigned",                                              /* 170 */
    "Unassigned",                                              /* 171 */
    "Unassigned",                                              /* 172 */
    "Unassigned",                                              /* 173 */
    "Unassigned",                                              /* 174 */
    "Etherboot",                                               /* 175 */
    "IP Telephone",                                            /* 176 */
    "Etherboot",                                               /* 177 */
    "Unassigned",                                              /* 178 */
    "Unassigned",                                              /* 179 */
    "Unassigned",                                              /* 180 */
    "Unassigned",                                              /* 181 */
    "Unassigned",                                              /* 182 */
    "Unassigned",                                              /* 183 */
    "Unassigned",                                              /* 184 */
    "Unassigned",                                              /* 185 */
    "Unassigned",                                              /* 186 */
    "Unassigned",                                              /* 187 */
    "Unassigned",                                              /* 188 */
    "Unassigned",                                              /* 189 */
    "Unassigned",                                              /* 190 */
    "Unassigned",                                              /* 191 */
    "Unassigned",                                              /* 192 */
    "Unassigned",                                              /* 193 */
    "Unassigned",                                              /* 194 */
    "Unassigned",                                              /* 195 */
    "Unassigned",                                              /* 196 */
    "Unassigned",                                              /* 197 */
    "Unassigned",                                              /* 198 */
    "Unassigned",                                              /* 199 */
    "Unassigned",                                              /* 200 */
    "Unassigned",                                              /* 201 */
    "Unassigned",                                              /* 202 */
    "Unassigned",                                              /* 203 */
    "Unassigned",                                              /* 204 */
    "Unassigned",                                              /* 205 */
    "Unassigned",                                              /* 206 */
    "Unassigned",                                              /* 207 */
    "PXELINUX Magic",                                          /* 208 */
    "PXE Configuration file",                                  /* 209 */
    "PXE Path Prefix",                                         /* 210 */
    "Reboot Time",                                             /* 211 */
    "6RD",                                                     /* 212 */
    "V4 Access Domain",                                        /* 213 */
    "Unassigned",                                              /* 214 */
    "Unassigned",                                              /* 215 */
    "Unassigned",                                              /* 216 */
    "Unassigned",                                              /* 217 */
    "Unassigned",                                              /* 218 */
    "Unassigned",                                              /* 219 */
    "Subnet Allocation",                                       /* 220 */
    "Virtual Subnet Selection",                                /* 221 */
    "Unassigned",                                              /* 222 */
    "Unassigned",                                              /* 223 */
    "Private",                                                 /* 224 */
    "Private",                                                 /* 225 */
    "Private",                                                 /* 226 */
    "Private",                                                 /* 227 */
    "Private",                                                 /* 228 */
    "Private",                                                 /* 229 */
    "Private",                                                 /* 230 */
    "Private",                                                 /* 231 */
    "Private",                                                 /* 232 */
    "Private",                                                 /* 233 */
    "Private",                                                 /* 234 */
    "Private",                                                 /* 235 */
    "Private",                                                 /* 236 */
    "Private",                                                 /* 237 */
    "Private",                                                 /* 238 */
    "Private",                                                 /* 239 */
    "Private",                                                 /* 240 */
    "Private",                                                 /* 241 */
    "Private/Avaya IP Telephone",                              /* 242 */
    "Private",                                                 /* 243 */
    "Private",                                                 /* 244 */
    "Private",                                                 /* 245 */
    "Private",                                                 /* 246 */
    "Private",                                                 /* 247 */
    "Private",                                                 /* 248 */
    "Private/Classless Static Route (Microsoft)",              /* 249 */
    "Private",                                                 /* 250 */
    "Private",                                                 /* 251 */
    "Private/Proxy autodiscovery",                             /* 252 */
    "Private",                                                 /* 253 */
    "Private",                                                 /* 254 */
    "End",                                                     /* 255 */
};

static const dx_vals op_vals[] = {{1, "Boot Request"}, {2, "Boot Reply"}, {0, NULL}};
static const dx_vals msg_vals[] = {{1, "Discover"},
                                   {2, "Offer"},
                                   {3, "Request"},
                                   {4, "Decline"},
                                   {5, "ACK"},
                                   {6, "NAK"},
                                   {7, "Release"},
                                   {8, "Inform"},
                                   {9, "Force Renew"},
                                   {10, "Lease query"},
                                   {11, "Lease Unassigned"},
                                   {12, "Lease Unknown"},
                                   {13, "Lease Active"},
                                   {14, "Bulk Lease Query"},
                                   {15, "Lease Query Done"},
                                   {16, "Active LeaseQuery"},
                                   {17, "Lease Query Status"},
                                   {18, "TLS"},
                                   {0, NULL}};
static const dx_vals bc_vals[] = {{0, "Unicast"}, {1, "Broadcast"}, {0, NULL}};
static const dx_vals overload_vals[] = {{1, "Boot file name holds options"},
                                        {2, "Server host name holds options"},
                                        {3, "Boot file and server host names hold options"},
                                        {0, NULL}};
static const dx_vals duid_vals[] = {{1, "link-layer address plus time"},
                                    {2, "assigned by vendor based on Enterprise number"},
                                    {3, "link-layer address"},
                                    {4, "Universally Unique IDentifier (UUID)"},
                                    {0, NULL}};
static const dx_vals forcerenew_vals[] = {{1, "HMAC-MD5"}, {0, NULL}};
static const dx_vals fqdn_s_vals[] = {{0, "Client"}, {1, "Server"}, {0, NULL}};
static const dx_vals fqdn_o_vals[] = {{0, "No override"}, {1, "Override"}, {0, NULL}};
static const dx_vals fqdn_e_vals[] = {{0, "ASCII encoding"}, {1, "Binary encoding"}, {0, NULL}};
static const dx_vals fqdn_n_vals[] = {
    {0, "Some server updates"}, {1, "No server updates"}, {0, NULL}};
static const dx_vals tfs_19[] = {{0, "Disabled"}, {1, "Enabled"}, {0, NULL}};
static const dx_vals tfs_20[] = {{0, "Disabled"}, {1, "Enabled"}, {0, NULL}};
static const dx_vals tfs_27[] = {{0, "No"}, {1, "Yes"}, {0, NULL}};
static const dx_vals tfs_29[] = {{0, "Disabled"}, {1, "Enabled"}, {0, NULL}};
static const dx_vals tfs_30[] = {{0, "No"}, {1, "Yes"}, {0, NULL}};
static const dx_vals tfs_31[] = {{0, "Disabled"}, {1, "Enabled"}, {0, NULL}};
static const dx_vals tfs_34[] = {{0, "Disabled"}, {1, "Enabled"}, {0, NULL}};
static const dx_vals tfs_36[] = {{0, "Disabled"}, {1, "Enabled"}, {0, NULL}};
static const dx_vals tfs_39[] = {{0, "Disabled"}, {1, "Enabled"}, {0, NULL}};
static const dx_vals vals_46[] = {
    {1, "B-node"}, {2, "P-node"}, {4, "M-node"}, {8, "H-node"}, {0, NULL}};
static const dx_vals vals_116[] = {{0, "DoNotAutoConfigure"}, {1, "AutoConfigure"}, {0, NULL}};
static const dx_vals vals_156[] = {{1, "Available"}, {2, "Active"},        {3, "Expired"},
                                   {4, "Released"},  {5, "Abandoned"},     {6, "Reset"},
                                   {7, "Remote"},    {8, "Transitioning"}, {0, NULL}};
static const dx_vals tfs_157[] = {{0, "Local"}, {1, "Remote"}, {0, NULL}};

enum {
  F_DHCP,
  F_BOOTP,
  F_TYPE,
  F_HW_TYPE,
  F_HW_LEN,
  F_HOPS,
  F_ID,
  F_SECS,
  F_FLAGS,
  F_FLAGS_BC,
  F_FLAGS_RES,
  F_IP_CLIENT,
  F_IP_YOUR,
  F_IP_SERVER,
  F_IP_RELAY,
  F_HW_ADDR,
  F_HW_ADDR_PAD,
  F_HW_MAC,
  F_SERVER,
  F_FILE,
  F_COOKIE,
  F_VENDOR_SPECIFIC,
  F_OPT_TYPE,
  F_OPT_LENGTH,
  F_OPT_VALUE,
  F_OPT_PADDING,
  F_OPT_END,
  F_OPT_DHCP,
  F_OPT_OVERLOAD,
  F_REQ_ITEM,
  F_VENDOR_CLASS_ID,
  F_O43_VALUE,
  F_CID_UUID,
  F_CID_HWADDR,
  F_CID_IAID,
  F_CID_DUID_TYPE,
  F_CID_LLT_HW,
  F_CID_LL_HW,
  F_CID_TIME,
  F_CID_LLADDR,
  F_CID_ENTERPRISE,
  F_CID,
  F_CID_TYPE,
  F_CID_UNDEF,
  F_UC,
  F_UC_LEN,
  F_UC_DATA,
  F_UC_TEXT,
  F_FQDN_FLAGS,
  F_FQDN_MBZ,
  F_FQDN_N,
  F_FQDN_E,
  F_FQDN_O,
  F_FQDN_S,
  F_FQDN_RCODE1,
  F_FQDN_RCODE2,
  F_FQDN_NAME,
  F_PF_IP,
  F_PF_MASK,
  F_SR_IP,
  F_SR_ROUTER,
  F_BAD_LENGTH,
  F_SECS_LE,
  F_END_MISSING,
  F_ADDR_NOT_GIVEN,
  F_SNAME_OVERLOADED,
  F_FILE_OVERLOADED,
  F_SNAME_END_MISSING,
  F_FILE_END_MISSING,
  F_NONSTD,
  F_MAL_DUID,
  F_FORCERENEW_ALG,
  F_O1,
  F_O2,
  F_O3,
  F_O4,
  F_O5,
  F_O6,
  F_O7,
  F_O8,
  F_O9,
  F_O10,
  F_O11,
  F_O12,
  F_O13,
  F_O14,
  F_O15,
  F_O16,
  F_O17,
  F_O18,
  F_O19,
  F_O20,
  F_O22,
  F_O23,
  F_O24,
  F_O25,
  F_O26,
  F_O27,
  F_O28,
  F_O29,
  F_O30,
  F_O31,
  F_O32,
  F_O34,
  F_O35,
  F_O36,
  F_O37,
  F_O38,
  F_O39,
  F_O40,
  F_O41,
  F_O42,
  F_O44,
  F_O45,
  F_O46,
  F_O47,
  F_O48,
  F_O49,
  F_O50,
  F_O51,
  F_O54,
  F_O56,
  F_O57,
  F_O58,
  F_O59,
  F_O64,
  F_O65,
  F_O66,
  F_O67,
  F_O68,
  F_O69,
  F_O70,
  F_O71,
  F_O72,
  F_O73,
  F_O74,
  F_O75,
  F_O76,
  F_O86,
  F_O87,
  F_O91,
  F_O92,
  F_O100,
  F_O101,
  F_O112,
  F_O113,
  F_O116,
  F_O118,
  F_O137,
  F_O138,
  F_O142,
  F_O150,
  F_O153,
  F_O156,
  F_O157,
  F_O161,
  F_O209,
  F_O210,
  F_O252,
  F_COUNT
};

static const dx_field dhcp_fields[] = {
    [F_DHCP] = DX_F("dhcp", "Dynamic Host Configuration Protocol", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_BOOTP] = DX_F("dhcp.bootp", "Frame is BOOTP", DX_FT_BOOL, DX_BASE_NONE),
    [F_TYPE] = DX_FV("dhcp.type", "Message type", DX_FT_UINT8, DX_BASE_DEC, op_vals),
    [F_HW_TYPE] = DX_FV("dhcp.hw.type", "Hardware type", DX_FT_UINT8, DX_BASE_HEX, dx_arp_hrd_vals),
    [F_HW_LEN] = DX_F("dhcp.hw.len", "Hardware address length", DX_FT_UINT8, DX_BASE_DEC),
    [F_HOPS] = DX_F("dhcp.hops", "Hops", DX_FT_UINT8, DX_BASE_DEC),
    [F_ID] = DX_F("dhcp.id", "Transaction ID", DX_FT_UINT32, DX_BASE_HEX),
    [F_SECS] = DX_F("dhcp.secs", "Seconds elapsed", DX_FT_UINT16, DX_BASE_DEC),
    [F_FLAGS] = DX_F("dhcp.flags", "Bootp flags", DX_FT_UINT16, DX_BASE_HEX),
    [F_FLAGS_BC] =
        DX_FM("dhcp.flags.bc", "Broadcast flag", DX_FT_BOOL, DX_BASE_NONE, bc_vals, 0x8000, 16),
    [F_FLAGS_RES] =
        DX_FM("dhcp.flags.reserved", "Reserved flags", DX_FT_UINT16, DX_BASE_HEX, NULL, 0x7fff, 16),
    [F_IP_CLIENT] = DX_F("dhcp.ip.client", "Client IP address", DX_FT_IPV4, DX_BASE_NONE),
    [F_IP_YOUR] = DX_F("dhcp.ip.your", "Your (client) IP address", DX_FT_IPV4, DX_BASE_NONE),
    [F_IP_SERVER] = DX_F("dhcp.ip.server", "Next server IP address", DX_FT_IPV4, DX_BASE_NONE),
    [F_IP_RELAY] = DX_F("dhcp.ip.relay", "Relay agent IP address", DX_FT_IPV4, DX_BASE_NONE),
    [F_HW_ADDR] = DX_F("dhcp.hw.addr", "Client hardware address", DX_FT_BYTES, DX_BASE_NONE),
    [F_HW_ADDR_PAD] =
        DX_F("dhcp.hw.addr_padding", "Client hardware address padding", DX_FT_BYTES, DX_BASE_NONE),
    [F_HW_MAC] = DX_F("dhcp.hw.mac_addr", "Client MAC address", DX_FT_ETHER, DX_BASE_NONE),
    [F_SERVER] = DX_F("dhcp.server", "Server host name", DX_FT_STRING, DX_BASE_ASCII),
    [F_FILE] = DX_F("dhcp.file", "Boot file name", DX_FT_STRING, DX_BASE_ASCII),
    [F_COOKIE] = DX_F("dhcp.cookie", "Magic cookie", DX_FT_IPV4, DX_BASE_NONE),
    [F_VENDOR_SPECIFIC] = DX_F("dhcp.vendor_specific_options", "Bootp vendor specific options",
                               DX_FT_BYTES, DX_BASE_NONE),
    [F_OPT_TYPE] = DX_F("dhcp.option.type", "Option", DX_FT_UINT8, DX_BASE_DEC),
    [F_OPT_LENGTH] = DX_F("dhcp.option.length", "Length", DX_FT_UINT8, DX_BASE_DEC),
    [F_OPT_VALUE] = DX_F("dhcp.option.value", "Value", DX_FT_BYTES, DX_BASE_NONE),
    [F_OPT_PADDING] = DX_F("dhcp.option.padding", "Padding", DX_FT_BYTES, DX_BASE_NONE),
    [F_OPT_END] = DX_F("dhcp.option.end", "Option End", DX_FT_UINT8, DX_BASE_DEC),
    [F_OPT_DHCP] = DX_FV("dhcp.option.dhcp", "DHCP", DX_FT_UINT8, DX_BASE_DEC, msg_vals),
    [F_OPT_OVERLOAD] = DX_FV("dhcp.option.option_overload", "Option Overload", DX_FT_UINT8,
                             DX_BASE_DEC, overload_vals),
    [F_REQ_ITEM] = DX_F("dhcp.option.request_list_item", "Parameter Request List Item", DX_FT_UINT8,
                        DX_BASE_DEC),
    [F_VENDOR_CLASS_ID] =
        DX_F("dhcp.option.vendor_class_id", "Vendor class identifier", DX_FT_STRING, DX_BASE_ASCII),
    [F_O43_VALUE] = DX_F("dhcp.option.vendor.value", "Value", DX_FT_BYTES, DX_BASE_NONE),
    [F_CID_UUID] =
        DX_F("dhcp.client_id.uuid", "Client Identifier (UUID)", DX_FT_STRING, DX_BASE_NONE),
    [F_CID_HWADDR] =
        DX_F("dhcp.client_hardware_address", "Client hardware address", DX_FT_STRING, DX_BASE_NONE),
    [F_CID_IAID] = DX_F("dhcp.client_id.iaid", "IAID", DX_FT_STRING, DX_BASE_NONE),
    [F_CID_DUID_TYPE] =
        DX_FV("dhcp.client_id.duid_type", "DUID Type", DX_FT_UINT16, DX_BASE_DEC, duid_vals),
    [F_CID_LLT_HW] = DX_FV("dhcp.client_id.duid_llt_hw_type", "Hardware type", DX_FT_UINT16,
                           DX_BASE_DEC, dx_arp_hrd_vals),
    [F_CID_LL_HW] = DX_FV("dhcp.client_id.duid_ll_hw_type", "Hardware type", DX_FT_UINT16,
                          DX_BASE_DEC, dx_arp_hrd_vals),
    [F_CID_TIME] = DX_F("dhcp.client_id.time", "Time", DX_FT_UINT32, DX_BASE_DEC),
    [F_CID_LLADDR] =
        DX_F("dhcp.client_id.link_layer_address", "Link layer address", DX_FT_STRING, DX_BASE_NONE),
    [F_CID_ENTERPRISE] =
        DX_F("dhcp.client_id.enterprise_num", "Enterprise-number", DX_FT_UINT32, DX_BASE_DEC),
    [F_CID] = DX_F("dhcp.client_id", "Identifier", DX_FT_BYTES, DX_BASE_NONE),
    [F_CID_TYPE] = DX_F("dhcp.client_id.type", "Type", DX_FT_UINT8, DX_BASE_DEC),
    [F_CID_UNDEF] = DX_F("dhcp.client_id.undef", "Client Identifier", DX_FT_STRING, DX_BASE_ASCII),
    [F_UC] = DX_F("dhcp.option.user_class", "Instance of User Class", DX_FT_UINT8, DX_BASE_DEC),
    [F_UC_LEN] =
        DX_F("dhcp.option.user_class.length", "User Class Length", DX_FT_UINT8, DX_BASE_DEC),
    [F_UC_DATA] = DX_F("dhcp.option.user_class.data", "User Class Data", DX_FT_BYTES, DX_BASE_NONE),
    [F_UC_TEXT] =
        DX_F("dhcp.option.user_class.text", "User Class Data (Text)", DX_FT_STRING, DX_BASE_ASCII),
    [F_FQDN_FLAGS] = DX_F("dhcp.fqdn.flags", "Flags", DX_FT_UINT8, DX_BASE_HEX),
    [F_FQDN_MBZ] =
        DX_FM("dhcp.fqdn.mbz", "Reserved flags", DX_FT_UINT8, DX_BASE_HEX, NULL, 0xf0, 8),
    [F_FQDN_N] =
        DX_FM("dhcp.fqdn.n", "Server DDNS", DX_FT_BOOL, DX_BASE_NONE, fqdn_n_vals, 0x08, 8),
    [F_FQDN_E] = DX_FM("dhcp.fqdn.e", "Encoding", DX_FT_BOOL, DX_BASE_NONE, fqdn_e_vals, 0x04, 8),
    [F_FQDN_O] =
        DX_FM("dhcp.fqdn.o", "Server overrides", DX_FT_BOOL, DX_BASE_NONE, fqdn_o_vals, 0x02, 8),
    [F_FQDN_S] = DX_FM("dhcp.fqdn.s", "Server", DX_FT_BOOL, DX_BASE_NONE, fqdn_s_vals, 0x01, 8),
    [F_FQDN_RCODE1] = DX_F("dhcp.fqdn.rcode1", "A-RR result", DX_FT_UINT8, DX_BASE_DEC),
    [F_FQDN_RCODE2] = DX_F("dhcp.fqdn.rcode2", "PTR-RR result", DX_FT_UINT8, DX_BASE_DEC),
    [F_FQDN_NAME] = DX_F("dhcp.fqdn.name", "Client name", DX_FT_STRING, DX_BASE_ASCII),
    [F_PF_IP] = DX_F("dhcp.option.policy_filter.ip", "IP Address", DX_FT_IPV4, DX_BASE_NONE),
    [F_PF_MASK] =
        DX_F("dhcp.option.policy_filter.subnet_mask", "Subnet Mask", DX_FT_IPV4, DX_BASE_NONE),
    [F_SR_IP] =
        DX_F("dhcp.option.static_route.ip", "Destination IP Address", DX_FT_IPV4, DX_BASE_NONE),
    [F_SR_ROUTER] =
        DX_F("dhcp.option.static_route.router", "Destination Router", DX_FT_IPV4, DX_BASE_NONE),
    [F_BAD_LENGTH] = DX_F("dhcp.bad_length", "length isn't 0", DX_FT_NONE, DX_BASE_NONE),
    [F_SECS_LE] = DX_F("dhcp.secs_le", "Seconds elapsed appears to be encoded as little-endian",
                       DX_FT_NONE, DX_BASE_NONE),
    [F_END_MISSING] =
        DX_F("dhcp.end_option_missing", "End option missing", DX_FT_NONE, DX_BASE_NONE),
    [F_ADDR_NOT_GIVEN] =
        DX_F("dhcp.client_address_not_given", "Client address not given", DX_FT_NONE, DX_BASE_NONE),
    [F_SNAME_OVERLOADED] = DX_F("dhcp.server_name_overloaded_by_dhcp",
                                "Server name option overloaded by DHCP", DX_FT_NONE, DX_BASE_NONE),
    [F_FILE_OVERLOADED] =
        DX_F("dhcp.boot_filename_overloaded_by_dhcp", "Boot file name option overloaded by DHCP",
             DX_FT_NONE, DX_BASE_NONE),
    [F_SNAME_END_MISSING] = DX_F("dhcp.option.option_overload.sname_end_missing",
                                 "sname overload end option missing", DX_FT_NONE, DX_BASE_NONE),
    [F_FILE_END_MISSING] = DX_F("dhcp.option.option_overload.file_end_missing",
                                "file overload end option missing", DX_FT_NONE, DX_BASE_NONE),
    [F_NONSTD] = DX_F("dhcp.option.nonstd_data", "Non standard compliant option data", DX_FT_NONE,
                      DX_BASE_NONE),
    [F_FORCERENEW_ALG] = DX_FV("dhcp.option.forcerenew_nonce.algorithm", "Algorithm", DX_FT_UINT8,
                               DX_BASE_DEC, forcerenew_vals),
    [F_MAL_DUID] = DX_F("dhcp.malformed.duid", "DUID: malformed option", DX_FT_NONE, DX_BASE_NONE),
    [F_O1] = DX_F("dhcp.option.subnet_mask", "Subnet Mask", DX_FT_IPV4, DX_BASE_NONE),
    [F_O2] = DX_F("dhcp.option.time_offset", "Time Offset", DX_FT_INT32, DX_BASE_DEC),
    [F_O3] = DX_F("dhcp.option.router", "Router", DX_FT_IPV4, DX_BASE_NONE),
    [F_O4] = DX_F("dhcp.option.time_server", "Time Server", DX_FT_IPV4, DX_BASE_NONE),
    [F_O5] = DX_F("dhcp.option.name_server", "Name Server", DX_FT_IPV4, DX_BASE_NONE),
    [F_O6] = DX_F("dhcp.option.domain_name_server", "Domain Name Server", DX_FT_IPV4, DX_BASE_NONE),
    [F_O7] = DX_F("dhcp.option.log_server", "Log Server", DX_FT_IPV4, DX_BASE_NONE),
    [F_O8] = DX_F("dhcp.option.quotes_server", "Quotes Server", DX_FT_IPV4, DX_BASE_NONE),
    [F_O9] = DX_F("dhcp.option.lpr_server", "LPR Server", DX_FT_IPV4, DX_BASE_NONE),
    [F_O10] = DX_F("dhcp.option.impress_server", "Impress Server", DX_FT_IPV4, DX_BASE_NONE),
    [F_O11] = DX_F("dhcp.option.resource_location_server", "Resource Location Server", DX_FT_IPV4,
                   DX_BASE_NONE),
    [F_O12] = DX_F("dhcp.option.hostname", "Host Name", DX_FT_STRING, DX_BASE_ASCII),
    [F_O13] = DX_F("dhcp.option.boot_file_size", "Boot File Size", DX_FT_UINT16, DX_BASE_DEC),
    [F_O14] = DX_F("dhcp.option.merit_dump_file", "Merit Dump File", DX_FT_STRING, DX_BASE_ASCII),
    [F_O15] = DX_F("dhcp.option.domain_name", "Domain Name", DX_FT_STRING, DX_BASE_ASCII),
    [F_O16] = DX_F("dhcp.option.swap_server", "Swap Server", DX_FT_IPV4, DX_BASE_NONE),
    [F_O17] = DX_F("dhcp.option.root_path", "Root Path", DX_FT_STRING, DX_BASE_ASCII),
    [F_O18] = DX_F("dhcp.option.extension_path", "Extensions Path", DX_FT_STRING, DX_BASE_ASCII),
    [F_O19] = DX_FV("dhcp.option.ip_forwarding", "IP Forwarding", DX_FT_BOOL, DX_BASE_NONE, tfs_19),
    [F_O20] = DX_FV("dhcp.option.non_local_source_routing", "Non-Local Source Routing", DX_FT_BOOL,
                    DX_BASE_NONE, tfs_20),
    [F_O22] = DX_F("dhcp.option.max_datagram_reassembly_size", "Maximum Datagram Reassembly Size",
                   DX_FT_UINT16, DX_BASE_DEC),
    [F_O23] =
        DX_F("dhcp.option.default_ip_ttl", "Default IP Time-to-Live", DX_FT_UINT8, DX_BASE_DEC),
    [F_O24] = DX_F("dhcp.option.path_mtu_aging_timeout", "Path MTU Aging Timeout", DX_FT_UINT32,
                   DX_BASE_DEC),
    [F_O25] = DX_F("dhcp.option.path_mtu_plateau_table_item", "Path MTU Plateau Table Item",
                   DX_FT_UINT16, DX_BASE_DEC),
    [F_O26] = DX_F("dhcp.option.interface_mtu", "Interface MTU", DX_FT_UINT16, DX_BASE_DEC),
    [F_O27] = DX_FV("dhcp.option.all_subnets_are_local", "All Subnets are Local", DX_FT_BOOL,
                    DX_BASE_NONE, tfs_27),
    [F_O28] = DX_F("dhcp.option.broadcast_address", "Broadcast Address", DX_FT_IPV4, DX_BASE_NONE),
    [F_O29] = DX_FV("dhcp.option.perform_mask_discovery", "Perform Mask Discovery", DX_FT_BOOL,
                    DX_BASE_NONE, tfs_29),
    [F_O30] = DX_FV("dhcp.option.mask_supplier", "Mask Supplier", DX_FT_BOOL, DX_BASE_NONE, tfs_30),
    [F_O31] = DX_FV("dhcp.option.perform_router_discover", "Perform Router Discover", DX_FT_BOOL,
                    DX_BASE_NONE, tfs_31),
    [F_O32] = DX_F("dhcp.option.router_solicitation_address", "Router Solicitation Address",
                   DX_FT_IPV4, DX_BASE_NONE),
    [F_O34] = DX_FV("dhcp.option.trailer_encapsulation", "Trailer Encapsulation", DX_FT_BOOL,
                    DX_BASE_NONE, tfs_34),
    [F_O35] = DX_F("dhcp.option.arp_cache_timeout", "ARP Cache Timeout", DX_FT_UINT32, DX_BASE_DEC),
    [F_O36] = DX_FV("dhcp.option.ethernet_encapsulation", "Ethernet Encapsulation", DX_FT_BOOL,
                    DX_BASE_NONE, tfs_36),
    [F_O37] = DX_F("dhcp.option.tcp_default_ttl", "TCP Default TTL", DX_FT_UINT8, DX_BASE_DEC),
    [F_O38] = DX_F("dhcp.option.tcp_keepalive_interval", "TCP Keepalive Interval", DX_FT_UINT32,
                   DX_BASE_DEC),
    [F_O39] = DX_FV("dhcp.option.tcp_keepalive_garbage", "TCP Keepalive Garbage", DX_FT_BOOL,
                    DX_BASE_NONE, tfs_39),
    [F_O40] = DX_F("dhcp.option.nis_domain", "Network Information Service Domain", DX_FT_STRING,
                   DX_BASE_ASCII),
    [F_O41] = DX_F("dhcp.option.nis_server", "Network Information Service Server", DX_FT_IPV4,
                   DX_BASE_NONE),
    [F_O42] =
        DX_F("dhcp.option.ntp_server", "Network Time Protocol Server", DX_FT_IPV4, DX_BASE_NONE),
    [F_O44] = DX_F("dhcp.option.netbios_over_tcpip_name_server", "NetBIOS over TCP/IP Name Server",
                   DX_FT_IPV4, DX_BASE_NONE),
    [F_O45] =
        DX_F("dhcp.option.netbios_over_tcpip_dd_name_server",
             "NetBIOS over TCP/IP Datagram Distribution Name Server", DX_FT_IPV4, DX_BASE_NONE),
    [F_O46] = DX_FV("dhcp.option.netbios_over_tcpip_node_type", "NetBIOS over TCP/IP Node Type",
                    DX_FT_UINT8, DX_BASE_DEC, vals_46),
    [F_O47] = DX_F("dhcp.option.netbios_over_tcpip_scope", "NetBIOS over TCP/IP Scope",
                   DX_FT_STRING, DX_BASE_ASCII),
    [F_O48] = DX_F("dhcp.option.xwindows_system_font_server", "X Window System Font Server",
                   DX_FT_IPV4, DX_BASE_NONE),
    [F_O49] = DX_F("dhcp.option.xwindows_system_display_manager", "X Window System Display Manager",
                   DX_FT_IPV4, DX_BASE_NONE),
    [F_O50] =
        DX_F("dhcp.option.requested_ip_address", "Requested IP Address", DX_FT_IPV4, DX_BASE_NONE),
    [F_O51] = DX_F("dhcp.option.ip_address_lease_time", "IP Address Lease Time", DX_FT_UINT32,
                   DX_BASE_DEC),
    [F_O54] =
        DX_F("dhcp.option.dhcp_server_id", "DHCP Server Identifier", DX_FT_IPV4, DX_BASE_NONE),
    [F_O56] = DX_F("dhcp.option.message", "Message", DX_FT_STRING, DX_BASE_ASCII),
    [F_O57] = DX_F("dhcp.option.dhcp_max_message_size", "Maximum DHCP Message Size", DX_FT_UINT16,
                   DX_BASE_DEC),
    [F_O58] =
        DX_F("dhcp.option.renewal_time_value", "Renewal Time Value", DX_FT_UINT32, DX_BASE_DEC),
    [F_O59] =
        DX_F("dhcp.option.rebinding_time_value", "Rebinding Time Value", DX_FT_UINT32, DX_BASE_DEC),
    [F_O64] = DX_F("dhcp.option.nis_plus_domain", "Network Information Service+ Domain",
                   DX_FT_STRING, DX_BASE_ASCII),
    [F_O65] = DX_F("dhcp.option.nis_plus_server", "Network Information Service+ Server", DX_FT_IPV4,
                   DX_BASE_NONE),
    [F_O66] = DX_F("dhcp.option.tftp_server_name", "TFTP Server Name", DX_FT_STRING, DX_BASE_ASCII),
    [F_O67] = DX_F("dhcp.option.bootfile_name", "Bootfile name", DX_FT_STRING, DX_BASE_ASCII),
    [F_O68] =
        DX_F("dhcp.option.mobile_ip_home_agent", "Mobile IP Home Agent", DX_FT_IPV4, DX_BASE_NONE),
    [F_O69] = DX_F("dhcp.option.smtp_server", "SMTP Server", DX_FT_IPV4, DX_BASE_NONE),
    [F_O70] = DX_F("dhcp.option.pop3_server", "POP3 Server", DX_FT_IPV4, DX_BASE_NONE),
    [F_O71] = DX_F("dhcp.option.nntp_server", "NNTP Server", DX_FT_IPV4, DX_BASE_NONE),
    [F_O72] =
        DX_F("dhcp.option.default_www_server", "Default WWW Server", DX_FT_IPV4, DX_BASE_NONE),
    [F_O73] = DX_F("dhcp.option.default_finger_server", "Default Finger Server", DX_FT_IPV4,
                   DX_BASE_NONE),
    [F_O74] =
        DX_F("dhcp.option.default_irc_server", "Default IRC Server", DX_FT_IPV4, DX_BASE_NONE),
    [F_O75] = DX_F("dhcp.option.streettalk_server", "StreetTalk Server", DX_FT_IPV4, DX_BASE_NONE),
    [F_O76] = DX_F("dhcp.option.streettalk_da_server", "StreetTalk Directory Assistance Server",
                   DX_FT_IPV4, DX_BASE_NONE),
    [F_O86] = DX_F("dhcp.option.novell_ds_tree_name", "Novell Directory Services Tree Name",
                   DX_FT_STRING, DX_BASE_ASCII),
    [F_O87] = DX_F("dhcp.option.novell_ds_context", "Novell Directory Services Context",
                   DX_FT_STRING, DX_BASE_ASCII),
    [F_O91] = DX_F("dhcp.option.client_last_transaction_time", "Client last transaction time",
                   DX_FT_UINT32, DX_BASE_DEC),
    [F_O92] =
        DX_F("dhcp.option.associated_ip_option", "Associated IP option", DX_FT_IPV4, DX_BASE_NONE),
    [F_O100] = DX_F("dhcp.option.tz_pcode", "TZ PCode", DX_FT_STRING, DX_BASE_ASCII),
    [F_O101] = DX_F("dhcp.option.tz_tcode", "TZ TCode", DX_FT_STRING, DX_BASE_ASCII),
    [F_O112] = DX_F("dhcp.option.netinfo_parent_server_address", "NetInfo Parent Server Address",
                    DX_FT_IPV4, DX_BASE_NONE),
    [F_O113] = DX_F("dhcp.option.netinfo_parent_server_tag", "NetInfo Parent Server Tag",
                    DX_FT_STRING, DX_BASE_ASCII),
    [F_O116] = DX_FV("dhcp.option.dhcp_auto_configuration", "DHCP Auto-Configuration", DX_FT_UINT8,
                     DX_BASE_DEC, vals_116),
    [F_O118] = DX_F("dhcp.option.subnet_selection_option", "Subnet Selection Option", DX_FT_IPV4,
                    DX_BASE_NONE),
    [F_O137] = DX_F("dhcp.option.lost_server_domain_name", "LoST Server Domain Name", DX_FT_STRING,
                    DX_BASE_ASCII),
    [F_O138] = DX_F("dhcp.option.capwap_access_controller", "CAPWAP Access Controllers", DX_FT_IPV4,
                    DX_BASE_NONE),
    [F_O142] = DX_F("dhcp.option.andsf_server", "ANDSF Server", DX_FT_IPV4, DX_BASE_NONE),
    [F_O150] =
        DX_F("dhcp.option.tftp_server_address", "TFTP Server Address", DX_FT_IPV4, DX_BASE_NONE),
    [F_O153] = DX_F("dhcp.option.bulk_lease.start_time_of_state", "Start Time Of State",
                    DX_FT_UINT32, DX_BASE_DEC),
    [F_O156] = DX_FV("dhcp.option.bulk_lease.dhcp_state", "Dhcp State", DX_FT_UINT8, DX_BASE_DEC,
                     vals_156),
    [F_O157] = DX_FV("dhcp.option.bulk_lease.data_source", "Data Source", DX_FT_BOOL, DX_BASE_NONE,
                     tfs_157),
    [F_O161] = DX_F("dhcp.option.mudurl", "MUDURL", DX_FT_STRING, DX_BASE_ASCII),
    [F_O209] = DX_F("dhcp.option.pxe_config_file", "PXELINUX configuration file", DX_FT_STRING,
                    DX_BASE_ASCII),
    [F_O210] =
        DX_F("dhcp.option.pxe_path_prefix", "PXELINUX path prefix", DX_FT_STRING, DX_BASE_ASCII),
    [F_O252] = DX_F("dhcp.option.private_proxy_autodiscovery", "Private/Proxy autodiscovery",
                    DX_FT_STRING, DX_BASE_ASCII),
};

#define FL(i) (&dhcp_fields[(i)])

/* The options tshark hands to its basic-type reader: how each is typed and
 * the field it is shown with. */
static const struct {
  uint8_t type;
  uint16_t field;
} basic_opts[256] = {
    [1] = {OT_IPV4, F_O1},         [2] = {OT_TIME_S, F_O2},       [3] = {OT_IPV4LIST, F_O3},
    [4] = {OT_IPV4LIST, F_O4},     [5] = {OT_IPV4LIST, F_O5},     [6] = {OT_IPV4LIST, F_O6},
    [7] = {OT_IPV4LIST, F_O7},     [8] = {OT_IPV4LIST, F_O8},     [9] = {OT_IPV4LIST, F_O9},
    [10] = {OT_IPV4LIST, F_O10},   [11] = {OT_IPV4LIST, F_O11},   [12] = {OT_STR, F_O12},
    [13] = {OT_U16, F_O13},        [14] = {OT_STR, F_O14},        [15] = {OT_STR, F_O15},
    [16] = {OT_IPV4, F_O16},       [17] = {OT_STR, F_O17},        [18] = {OT_STR, F_O18},
    [19] = {OT_BOOL, F_O19},       [20] = {OT_BOOL, F_O20},       [22] = {OT_U16, F_O22},
    [23] = {OT_U8, F_O23},         [24] = {OT_TIME_U, F_O24},     [25] = {OT_U16LIST, F_O25},
    [26] = {OT_U16, F_O26},        [27] = {OT_BOOL, F_O27},       [28] = {OT_IPV4, F_O28},
    [29] = {OT_BOOL, F_O29},       [30] = {OT_BOOL, F_O30},       [31] = {OT_BOOL, F_O31},
    [32] = {OT_IPV4, F_O32},       [34] = {OT_BOOL, F_O34},       [35] = {OT_TIME_U, F_O35},
    [36] = {OT_BOOL, F_O36},       [37] = {OT_U8, F_O37},         [38] = {OT_TIME_U, F_O38},
    [39] = {OT_BOOL, F_O39},       [40] = {OT_STR, F_O40},        [41] = {OT_IPV4LIST, F_O41},
    [42] = {OT_IPV4LIST, F_O42},   [44] = {OT_IPV4LIST, F_O44},   [45] = {OT_IPV4LIST, F_O45},
    [46] = {OT_U8, F_O46},         [47] = {OT_STR, F_O47},        [48] = {OT_IPV4LIST, F_O48},
    [49] = {OT_IPV4LIST, F_O49},   [50] = {OT_IPV4, F_O50},       [51] = {OT_TIME_U, F_O51},
    [54] = {OT_IPV4, F_O54},       [56] = {OT_STR, F_O56},        [57] = {OT_U16, F_O57},
    [58] = {OT_TIME_U, F_O58},     [59] = {OT_TIME_U, F_O59},     [64] = {OT_STR, F_O64},
    [65] = {OT_IPV4LIST, F_O65},   [66] = {OT_STR, F_O66},        [67] = {OT_STR, F_O67},
    [68] = {OT_IPV4LIST, F_O68},   [69] = {OT_IPV4LIST, F_O69},   [70] = {OT_IPV4LIST, F_O70},
    [71] = {OT_IPV4LIST, F_O71},   [72] = {OT_IPV4LIST, F_O72},   [73] = {OT_IPV4LIST, F_O73},
    [74] = {OT_IPV4LIST, F_O74},   [75] = {OT_IPV4LIST, F_O75},   [76] = {OT_IPV4LIST, F_O76},
    [86] = {OT_STR, F_O86},        [87] = {OT_STR, F_O87},        [91] = {OT_TIME_U, F_O91},
    [92] = {OT_IPV4LIST, F_O92},   [100] = {OT_STR, F_O100},      [101] = {OT_STR, F_O101},
    [112] = {OT_IPV4LIST, F_O112}, [113] = {OT_STR, F_O113},      [116] = {OT_U8, F_O116},
    [118] = {OT_IPV4LIST, F_O118}, [137] = {OT_STR, F_O137},      [138] = {OT_IPV4LIST, F_O138},
    [142] = {OT_IPV4LIST, F_O142}, [150] = {OT_IPV4LIST, F_O150}, [153] = {OT_TIME_U, F_O153},
    [156] = {OT_U8, F_O156},       [157] = {OT_BOOL, F_O157},     [161] = {OT_STR, F_O161},
    [209] = {OT_STR, F_O209},      [210] = {OT_STR, F_O210},      [252] = {OT_STR, F_O252},
};

typedef struct dctx {
  dx_packet *p;
  const dx_tvb *t;
  dx_node *proto;      /* the DHCP layer */
  const char *msgtype; /* option 53's name, or NULL (BOOTP) */
  uint8_t overload;    /* option 52's value */
  bool stop;           /* the bytes ran out: no more options */
} dctx;

/* Marks n as cut short at byte `need` (an offset past the captured bytes):
 * truncated when the capture was cut there, malformed when the datagram
 * itself ends before. Ends the option loops. */
static void ran_out(dctx *c, dx_node *n, uint32_t need, const char *what) {
  c->stop = true;
  uint32_t rep = c->t->reported > c->t->len ? c->t->reported : c->t->len;
  if (!n)
    n = c->proto;
  if (need <= rep)
    dx_mark_truncated(c->p, n, what);
  else
    dx_mark_malformed(c->p, n, "%s", what);
}

static uint8_t byte_at(const dctx *c, uint32_t off) {
  uint8_t v = 0;
  dx_get_u8(c->t, off, &v);
  return v;
}

/* Seconds as Wireshark's unsigned/signed_time_secs_to_str() write them:
 * "1 day, 2 hours, 3 minutes, 4 seconds", "0 seconds", "-1 hour". */
static void secs_str(uint32_t t, bool neg, char *buf, size_t len) {
  static const char *const unit[] = {"day", "hour", "minute", "second"};
  static const uint32_t size[] = {86400, 3600, 60, 1};
  dx_sb b;
  dx_sb_init(&b, buf, len);
  if (t == 0) {
    dx_sb_str(&b, "0 seconds");
    return;
  }
  if (neg)
    dx_sb_str(&b, "-");
  bool first = true;
  for (int i = 0; i < 4; i++) {
    uint32_t n = t / size[i];
    t %= size[i];
    if (!n)
      continue;
    if (!first)
      dx_sb_str(&b, ", ");
    first = false;
    dx_sb_u64(&b, n);
    dx_sb_str(&b, " ");
    dx_sb_str(&b, unit[i]);
    if (n != 1)
      dx_sb_str(&b, "s");
  }
}

/* tvb_arphrdaddr_to_str(): a MAC for Ethernet-like hardware of 6 bytes,
 * else the bytes in hex ("<No address>" for none). */
static void hwaddr_str(const uint8_t *a, unsigned n, unsigned htype, char *buf, size_t len) {
  if (n == 0) {
    snprintf(buf, len, "<No address>");
    return;
  }
  bool ether = (htype == 1 || htype == 6 || htype == 15 || htype == 24 || htype == 27) && n == 6;
  dx_sb b;
  dx_sb_init(&b, buf, len);
  for (unsigned i = 0; i < n; i++) {
    char h[4];
    snprintf(h, sizeof h, ether && i ? ":%02x" : "%02x", a[i]);
    dx_sb_str(&b, ether && i ? h : h);
  }
}

/* A string field of len bytes at off; FT_STRING (stray: true) says so when
 * bytes other than NUL follow the first NUL, as tshark 4.0 does. */
static dx_node *add_str(dctx *c, dx_node *tree, int f, uint32_t off, uint32_t len, bool stray) {
  dx_node *n = dx_add_item(c->p, tree, FL(f), c->t, off, len);
  const uint8_t *s = dx_get_ptr(c->t, off, len);
  if (stray && s) {
    const uint8_t *z = memchr(s, 0, len);
    bool found = false;
    for (const uint8_t *q = z; q && q < s + len && !found; q++)
      found = *q != 0;
    if (found)
      dx_expert(c->p, n, dx_field_stray(), DX_SEV_WARN, "Trailing stray characters");
  }
  return n;
}

static void bad_length(dctx *c, dx_node *opt, const char *msg) {
  dx_expert(c->p, opt, FL(F_BAD_LENGTH), DX_SEV_ERROR, "%s", msg);
}

/* A list of width-byte items (IPv4 addresses, 16-bit numbers): what does
 * not fill an item is noted as tshark notes it; returns the bytes taken. */
static uint32_t add_list(dctx *c, dx_node *opt, const dx_field *f, uint32_t off, uint32_t len,
                         uint32_t width) {
  uint32_t took = 0;
  for (uint32_t i = 0; i < len; i += width) {
    if (len - i < width) {
      bad_length(c, opt,
                 width == 4 ? "Option length isn't a multiple of 4"
                            : "Option length isn't a multiple of 2");
      break;
    }
    dx_add_item(c->p, opt, f, c->t, off + i, width);
    took += width;
  }
  return took;
}

/* tshark's dhcp_handle_basic_types(): returns the bytes it took (0 makes
 * tshark show the option's Value). */
static uint32_t basic_type(dctx *c, dx_node *opt, unsigned code, uint32_t off, uint32_t len) {
  unsigned type = basic_opts[code].type;
  const dx_field *f = FL(basic_opts[code].field);
  uint32_t v = 0;
  switch (type) {
  case OT_IPV4:
    if (len != 4) {
      bad_length(c, opt, "length isn't 4");
      return 0;
    }
    dx_add_item(c->p, opt, f, c->t, off, 4);
    if (dx_label_wanted(c->p, opt)) {
      const uint8_t *a = dx_get_ptr(c->t, off, 4);
      if (a)
        dx_node_append_text(c->p, opt, " (%u.%u.%u.%u)", a[0], a[1], a[2], a[3]);
    }
    return 4;
  case OT_IPV4LIST: return add_list(c, opt, f, off, len, 4);
  case OT_STR:
    /* the FT_STRING ones (not FT_STRINGZ) say so of bytes after a NUL */
    add_str(c, opt, basic_opts[code].field, off, len,
            code == 100 || code == 101 || code == 161 || code == 209 || code == 210);
    return len;
  case OT_BOOL:
  case OT_U8:
    if (len != 1) {
      bad_length(c, opt, "length isn't 1");
      return 0;
    }
    dx_add_item(c->p, opt, f, c->t, off, 1);
    return 1;
  case OT_U16:
    if (len != 2) {
      bad_length(c, opt, "length isn't 2");
      return 0;
    }
    dx_add_item(c->p, opt, f, c->t, off, 2);
    return 2;
  case OT_U16LIST: return add_list(c, opt, f, off, len, 2);
  case OT_TIME_S:
  case OT_TIME_U: {
    if (len != 4) {
      bad_length(c, opt, "length isn't 4");
      return 0;
    }
    dx_get_u32(c->t, off, &v);
    dx_node *n = type == OT_TIME_S ? dx_add_int(c->p, opt, f, c->t, off, 4, (int32_t)v)
                                   : dx_add_uint(c->p, opt, f, c->t, off, 4, v);
    if (n && dx_label_wanted(c->p, n)) {
      char s[96];
      if (type == OT_TIME_S) {
        int32_t sv = (int32_t)v;
        uint32_t mag = sv < 0 ? (uint32_t)0 - v : v;
        secs_str(mag, sv < 0, s, sizeof s);
        dx_node_set_text(c->p, n, "%s: (%ds) %s", f->label, sv, s);
      } else {
        if (v == 0xffffffffu)
          snprintf(s, sizeof s, "infinity");
        else
          secs_str(v, false, s, sizeof s);
        dx_node_set_text(c->p, n, "%s: (%us) %s", f->label, v, s);
      }
    }
    return 4;
  }
  default: return 0;
  }
}

/* Option 61 (RFC 2132 9.14, RFC 4361 6.1). */
static void client_id(dctx *c, dx_node *opt, uint32_t off, uint32_t len) {
  uint8_t b = len ? byte_at(c, off) : 0;
  char s[200];
  if (len == 7 && b > 0 && b < 48) {
    dx_add_item(c->p, opt, FL(F_HW_TYPE), c->t, off, 1);
    if (b == 1 || b == 6) {
      dx_add_item(c->p, opt, FL(F_HW_MAC), c->t, off + 1, 6);
    } else {
      hwaddr_str(c->t->data + off + 1, 6, b, s, sizeof s);
      dx_add_string(c->p, opt, FL(F_CID_HWADDR), c->t, off + 1, 6, s, strlen(s));
    }
  } else if (len == 17 && b == 0) {
    /* a UUID, little-endian as tshark's default reads it */
    const uint8_t *u = c->t->data + off + 1;
    snprintf(s, sizeof s, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             u[3], u[2], u[1], u[0], u[5], u[4], u[7], u[6], u[8], u[9], u[10], u[11], u[12], u[13],
             u[14], u[15]);
    dx_add_string(c->p, opt, FL(F_CID_UUID), c->t, off + 1, 16, s, strlen(s));
  } else if (b == 255) {
    /* IAID then a DUID (RFC 4361): tshark reads on past a short option */
    if (len < 7) {
      ran_out(c, opt, off + 7, "client identifier IAID and DUID type");
      return;
    }
    hwaddr_str(c->t->data + off + 1, 4, 255, s, sizeof s);
    dx_add_string(c->p, opt, FL(F_CID_IAID), c->t, off + 1, 4, s, strlen(s));
    uint32_t o = off + 5;
    uint16_t duid = 0, hw = 0;
    dx_get_u16(c->t, o, &duid);
    dx_add_item(c->p, opt, FL(F_CID_DUID_TYPE), c->t, o, 2);
    if (duid == 1 && len >= 13) {
      dx_get_u16(c->t, o + 2, &hw);
      dx_add_item(c->p, opt, FL(F_CID_LLT_HW), c->t, o + 2, 2);
      dx_add_item(c->p, opt, FL(F_CID_TIME), c->t, o + 4, 4);
      if (len > 13) {
        hwaddr_str(c->t->data + o + 8, len - 13, hw, s, sizeof s);
        dx_add_string(c->p, opt, FL(F_CID_LLADDR), c->t, o + 8, len - 13, s, strlen(s));
      }
    } else if (duid == 2 && len >= 11) {
      dx_add_item(c->p, opt, FL(F_CID_ENTERPRISE), c->t, o + 2, 4);
      if (len > 11)
        dx_add_item(c->p, opt, FL(F_CID), c->t, o + 6, len - 11);
    } else if (duid == 3 && len >= 9) {
      dx_get_u16(c->t, o + 2, &hw);
      dx_add_item(c->p, opt, FL(F_CID_LL_HW), c->t, o + 2, 2);
      if (len > 9) {
        hwaddr_str(c->t->data + o + 4, len - 9, hw, s, sizeof s);
        dx_add_string(c->p, opt, FL(F_CID_LLADDR), c->t, o + 4, len - 9, s, strlen(s));
      }
    } else if (duid >= 1 && duid <= 3) {
      ran_out(c, opt, off + len + 1, "DUID cut short");
    }
  } else if (b == 0 && len > 1) {
    dx_add_item(c->p, opt, FL(F_CID_TYPE), c->t, off, 1);
    add_str(c, opt, F_CID_UNDEF, off + 1, len - 1, true);
  }
}

/* Option 77 (RFC 3004): instances of a length and data. */
static uint32_t user_class(dctx *c, dx_node *opt, uint32_t off, uint32_t len) {
  if (len < 2) {
    bad_length(c, opt, "length isn't >= 2");
    return 1;
  }
  const uint8_t *d = c->t->data + off;
  if (d[0] + 1u > len) {
    /* not instances: text (tshark 4.0's reading of a common misuse) */
    dx_node *n = add_str(c, opt, F_UC_TEXT, off, len, true);
    dx_expert(c->p, n, FL(F_NONSTD), DX_SEV_NOTE, "Non standard compliant option data");
    return len;
  }
  uint32_t i = 0;
  for (unsigned idx = 0; i < len && idx < 256; idx++) {
    dx_node *inst = dx_add_uint(c->p, opt, FL(F_UC), c->t, off + i, 1, idx);
    dx_node_set_text(c->p, inst, "Instance of User Class: [%u]", idx);
    uint8_t ul = d[i];
    dx_node *ln = dx_add_item(c->p, inst, FL(F_UC_LEN), c->t, off + i, 1);
    dx_node_set_len(inst, ul + 1u);
    i++;
    if (ul == 0) {
      dx_expert(c->p, ln, FL(F_BAD_LENGTH), DX_SEV_ERROR, "UC_Len_%u isn't >= 1 (UC_Len_%u = 0)",
                idx, idx);
      break;
    }
    if (ul > len - i) {
      /* tshark's item runs past the option: an exception */
      dx_add_item(c->p, inst, FL(F_UC_DATA), c->t, off + i, len - i);
      ran_out(c, inst, c->t->reported + 1, "user class data runs past the option");
      return len;
    }
    dx_add_item(c->p, inst, FL(F_UC_DATA), c->t, off + i, ul);
    i += ul;
  }
  return len;
}

/* A DNS name in wire format (RFC 1035 3.1, no compression) as text. */
static void wire_name(const uint8_t *d, uint32_t n, char *buf, size_t cap) {
  dx_sb b;
  dx_sb_init(&b, buf, cap);
  uint32_t i = 0;
  while (i < n && d[i] != 0) {
    uint8_t l = d[i++];
    if (l > 63 || l > n - i)
      break;
    if (b.len)
      dx_sb_str(&b, ".");
    char e[256];
    dx_escape(d + i, l, e, sizeof e);
    dx_sb_str(&b, e);
    i += l;
  }
  if (!b.len)
    dx_sb_str(&b, "<Root>");
}

/* Option 81 (RFC 4702). */
static uint32_t client_fqdn(dctx *c, dx_node *opt, uint32_t off, uint32_t len) {
  if (len < 3) {
    bad_length(c, opt, "length isn't >= 3");
    return 1;
  }
  uint8_t fl = byte_at(c, off);
  dx_node *fn = dx_add_item(c->p, opt, FL(F_FQDN_FLAGS), c->t, off, 1);
  static const int bits[] = {F_FQDN_MBZ, F_FQDN_N, F_FQDN_E, F_FQDN_O, F_FQDN_S};
  for (size_t i = 0; i < DX_ARRAY_LEN(bits); i++)
    dx_add_item(c->p, fn, FL(bits[i]), c->t, off, 1);
  if (dx_label_wanted(c->p, fn)) {
    char s[96];
    dx_sb b;
    dx_sb_init(&b, s, sizeof s);
    static const int set[] = {F_FQDN_N, F_FQDN_E, F_FQDN_O, F_FQDN_S};
    for (size_t i = 0; i < DX_ARRAY_LEN(set); i++)
      if (fl & FL(set[i])->bitmask) {
        dx_sb_str(&b, ", ");
        dx_sb_str(&b, FL(set[i])->label);
      }
    dx_node_set_text(c->p, fn, "Flags: 0x%02x%s", fl, s);
  }
  dx_add_item(c->p, opt, FL(F_FQDN_RCODE1), c->t, off + 1, 1);
  dx_add_item(c->p, opt, FL(F_FQDN_RCODE2), c->t, off + 2, 1);
  if (len > 3) {
    if (fl & 0x04) {
      char s[512];
      wire_name(c->t->data + off + 3, len - 3, s, sizeof s);
      dx_add_string(c->p, opt, FL(F_FQDN_NAME), c->t, off + 3, len - 3, s, strlen(s));
    } else {
      add_str(c, opt, F_FQDN_NAME, off + 3, len - 3, true);
    }
  }
  return len;
}

static int option(dctx *c, dx_node *tree, uint32_t voff, uint32_t eoff, bool *at_end,
                  uint8_t *overload);

/* The options option 52 moves into sname or file (RFC 2132 9.3). */
static void overload_area(dctx *c, dx_node *tree, uint32_t from, uint32_t len, const char *label,
                          int missing) {
  dx_node *sub = dx_add_none(c->p, tree, FL(F_OPT_VALUE), c->t, from, len);
  dx_node_set_text(c->p, sub, "%s", label);
  if (sub)
    sub->flags &= (uint8_t)~0u; /* a subtree, not a value */
  bool end = false;
  uint8_t ignore = 0;
  uint32_t o = from;
  while (o < from + len && !end && !c->stop) {
    int took = option(c, sub, o, from + len, &end, &ignore);
    if (took <= 0)
      break;
    o += (uint32_t)took;
  }
  if (!end && !c->stop)
    dx_expert(c->p, sub, FL(missing), DX_SEV_ERROR, "%s", FL(missing)->label);
}

/* One option at voff, shown under tree: the bytes it takes, 0 when they
 * ran out (c->stop set). tshark's dhcp_option(), second pass. */
static int option(dctx *c, dx_node *tree, uint32_t voff, uint32_t eoff, bool *at_end,
                  uint8_t *overload) {
  dx_packet *p = c->p;
  const dx_tvb *t = c->t;
  uint8_t code;
  if (!dx_get_u8(t, voff, &code)) {
    ran_out(c, NULL, voff + 1, "DHCP option");
    return 0;
  }
  if (code == 0) {
    uint32_t i = voff + 1;
    while (i < eoff && i < t->len && t->data[i] == 0)
      i++;
    dx_node *o = dx_add_uint(p, tree, FL(F_OPT_TYPE), t, voff, 1, 0);
    dx_node_set_text(p, o, "Option: (0) Padding");
    dx_add_item(p, o, FL(F_OPT_PADDING), t, voff, i - voff);
    if (i < eoff && i >= t->len) {
      ran_out(c, o, i + 1, "padding");
      return 0;
    }
    return (int)(i - voff);
  }
  if (code == 255) {
    /* (tshark gives End's item the value 0, as Padding's) */
    dx_node *o = dx_add_uint(p, tree, FL(F_OPT_TYPE), t, voff, 1, 0);
    dx_node_set_text(p, o, "Option: (255) End");
    dx_node *e = dx_add_item(p, o, FL(F_OPT_END), t, voff, 1);
    if (*overload)
      dx_node_set_text(p, e, "Option End (Overload): 255");
    *at_end = true;
    return 1;
  }
  uint8_t olen;
  if (!dx_get_u8(t, voff + 1, &olen)) {
    ran_out(c, NULL, voff + 2, "DHCP option length");
    return 0;
  }
  uint32_t off = voff + 2, len = olen;
  dx_node *o = dx_add_uint(p, tree, FL(F_OPT_TYPE), t, voff, len + 2, code);
  dx_node_set_text(p, o, "Option: (%u) %s", code, opt_names[code]);
  dx_add_item(p, o, FL(F_OPT_LENGTH), t, voff + 1, 1);
  if (!dx_tvb_has(t, off, len)) {
    ran_out(c, o, off + len, "option value runs past the end");
    return 0;
  }
  /* tshark's hidden Value, shown when no decoder took a byte */
  dx_node *val = dx_add_item(p, o, FL(F_OPT_VALUE), t, off, len);
  dx_node_set_flags(val, DX_NODE_HIDDEN);
  uint32_t took = len;
  switch (code) {
  case 21:
  case 33: {
    int fa = code == 21 ? F_PF_IP : F_SR_IP, fb = code == 21 ? F_PF_MASK : F_SR_ROUTER;
    uint32_t i = 0;
    for (; len - i >= 8; i += 8) {
      dx_add_item(p, o, FL(fa), t, off + i, 4);
      dx_add_item(p, o, FL(fb), t, off + i + 4, 4);
    }
    if (i < len)
      bad_length(c, o, "Option length isn't a multiple of 8");
    break;
  }
  case 43: dx_add_item(p, o, FL(F_O43_VALUE), t, off, len); break;
  case 52:
    if (len < 1) {
      bad_length(c, o, "length isn't >= 1");
      took = 1;
      break;
    }
    dx_add_item(p, o, FL(F_OPT_OVERLOAD), t, off, 1);
    if (*overload >= 1 && *overload <= 3) {
      uint8_t b = byte_at(c, off);
      if (b & 2)
        overload_area(c, o, SNAME_OFF, SNAME_LEN, "Server host name option overload",
                      F_SNAME_END_MISSING);
      if ((b & 1) && !c->stop)
        overload_area(c, o, FILE_OFF, FILE_LEN, "Boot file name option overload",
                      F_FILE_END_MISSING);
      *overload = 0; /* the last End is not in an overloaded field */
    }
    break;
  case 53: {
    if (len < 1) {
      ran_out(c, o, c->t->reported + 1, "message type");
      return 0;
    }
    uint8_t mt = byte_at(c, off);
    dx_add_item(p, o, FL(F_OPT_DHCP), t, off, 1);
    char unk[40];
    const char *name = dx_val_name(msg_vals, mt);
    if (!name) {
      snprintf(unk, sizeof unk, "Unknown Message Type (0x%02x)", mt);
      name = unk;
    }
    dx_node_append_text(p, o, " (%s)", name);
    dx_node *par = o->parent;
    if (par && !(par->flags & DX_NODE_GHOST))
      dx_node_append_text(p, par, " (%s)", name);
    took = 1;
    break;
  }
  case 55:
    for (uint32_t i = 0; i < len; i++) {
      uint8_t it = t->data[off + i];
      dx_node *n = dx_add_uint(p, o, FL(F_REQ_ITEM), t, off + i, 1, it);
      dx_node_set_text(p, n, "Parameter Request List Item: (%u) %s", it, opt_names[it]);
    }
    break;
  case 145: /* RFC 6704: the algorithms the client takes */
    for (uint32_t i = 0; i < len; i++)
      dx_add_item(p, o, FL(F_FORCERENEW_ALG), t, off + i, 1);
    break;
  case 60: add_str(c, o, F_VENDOR_CLASS_ID, off, len, false); break;
  case 61: client_id(c, o, off, len); break;
  case 77: took = user_class(c, o, off, len); break;
  case 81: took = client_fqdn(c, o, off, len); break;
  default:
    if (basic_opts[code].type != OT_NONE)
      took = basic_type(c, o, code, off, len);
    else
      took = 0; /* known by name only */
    break;
  }
  if (took == 0 && val)
    val->flags &= (uint8_t)~DX_NODE_HIDDEN;
  return (int)(len + 2);
}

/* tshark's first pass: options 52, 53 (complete ones only) before the tree.
 * False when it would read a byte the capture does not hold (tshark's
 * exception there leaves the layer empty). */
static bool first_pass(dctx *c, uint32_t voff, uint32_t eoff) {
  const dx_tvb *t = c->t;
  while (voff < eoff) {
    if (voff >= t->len)
      return false;
    uint8_t code = t->data[voff], olen;
    if (code == 0) {
      voff++;
      continue;
    }
    if (code == 255 || !dx_get_u8(t, voff + 1, &olen))
      return true;
    if ((code == 52 || code == 53) && dx_tvb_has(t, voff + 2, olen)) {
      /* (tshark reads the value byte even of an empty option) */
      if (voff + 2 >= t->len)
        return false;
      uint8_t v = t->data[voff + 2];
      if (code == 52) {
        c->overload = v;
      } else {
        const char *n = dx_val_name(msg_vals, v);
        if (!n)
          n = dx_arena_printf(&c->p->arena, "Unknown Message Type (0x%02x)", v);
        c->msgtype = n ? n : "Unknown Message Type";
      }
    }
    voff += 2u + olen;
  }
  return true;
}

static uint32_t dissect_dhcp(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  bool proxy = p->srcport == 4011 || p->dstport == 4011;
  uint32_t cookie = 0;
  bool have_cookie = dx_get_u32(t, VENDOR_OFF, &cookie) && cookie == MAGIC;
  if (proxy && !have_cookie)
    return 0; /* proxyDHCP always has the cookie: anything else is not it */
  dx_col_set_proto(p, "BOOTP");
  dx_col_info_clear(p);
  dx_node *bp = dx_add_proto(p, parent, FL(F_DHCP), t, 0, t->len);
  dctx c = {.p = p, .t = t, .proto = bp};
  uint8_t op, htype, hlen;
  if (!dx_get_u8(t, 0, &op) || !dx_get_u8(t, 1, &htype) || !dx_get_u8(t, 2, &hlen)) {
    ran_out(&c, bp, 3, "BOOTP header");
    return t->len;
  }
  char hw[100];
  if (op == 1) {
    if (!dx_tvb_has(t, 28, hlen)) {
      ran_out(&c, bp, 28u + hlen, "client hardware address");
      return t->len;
    }
    hwaddr_str(t->data + 28, hlen > 36 ? 36 : hlen, htype, hw, sizeof hw);
    if (hlen > 36)
      dx_copy_short(hw + strlen(hw), "\xe2\x80\xa6", 4); /* tshark cuts long bytes */
    if ((htype == 1 || htype == 6) && hlen == 6)
      dx_col_info_set(p, "Boot Request from %s (%s)", hw, hw);
    else
      dx_col_info_set(p, "Boot Request from %s", hw);
  } else if (op == 2) {
    dx_col_info_set(p, "Boot Reply");
  } else {
    dx_col_info_set(p, "Unknown BOOTP message type (%u)", op);
  }
  uint32_t eoff = t->reported > t->len ? t->reported : t->len;
  uint32_t voff = VENDOR_OFF + (have_cookie ? 4 : 64);
  if (!first_pass(&c, voff, eoff)) {
    ran_out(&c, bp, eoff, "DHCP options");
    return t->len;
  }
  if (c.msgtype) {
    dx_col_set_proto(p, "DHCP");
    dx_col_info_set(p, "%sDHCP %-8s - Transaction ID 0x%x", proxy ? "proxy" : "", c.msgtype,
                    (unsigned)(t->len >= 8
                                   ? (uint32_t)t->data[4] << 24 | (uint32_t)t->data[5] << 16 |
                                         (uint32_t)t->data[6] << 8 | t->data[7]
                                   : 0));
  }

  /* the fixed header (RFC 951, RFC 2131 2) */
  static const struct {
    uint8_t f, off, len;
  } hdr[] = {{F_TYPE, 0, 1}, {F_HW_TYPE, 1, 1}, {F_HW_LEN, 2, 1}, {F_HOPS, 3, 1}, {F_ID, 4, 4}};
  for (size_t i = 0; i < DX_ARRAY_LEN(hdr); i++)
    if (!dx_node_ok(dx_add_item(p, bp, FL(hdr[i].f), t, hdr[i].off, hdr[i].len))) {
      ran_out(&c, NULL, (uint32_t)hdr[i].off + hdr[i].len, "BOOTP header");
      return t->len;
    }
  uint16_t secs = 0, flags = 0;
  if (!dx_get_u16(t, 8, &secs)) {
    dx_add_item(p, bp, FL(F_SECS), t, 8, 2);
    ran_out(&c, NULL, 10, "BOOTP header");
    return t->len;
  }
  uint16_t le = (uint16_t)(secs >> 8 | secs << 8);
  if (le > 0 && le <= 0xff) {
    /* Windows writes secs little-endian (tshark's guess) */
    dx_node *sn = dx_add_uint(p, bp, FL(F_SECS), t, 8, 2, le);
    dx_expert(p, sn, FL(F_SECS_LE), DX_SEV_NOTE,
              "Seconds elapsed appears to be encoded as little-endian");
  } else {
    dx_add_item(p, bp, FL(F_SECS), t, 8, 2);
  }
  dx_node *fn = dx_add_item(p, bp, FL(F_FLAGS), t, 10, 2);
  if (!dx_get_u16(t, 10, &flags)) {
    ran_out(&c, fn, 12, "BOOTP header");
    return t->len;
  }
  dx_add_item(p, fn, FL(F_FLAGS_BC), t, 10, 2);
  dx_add_item(p, fn, FL(F_FLAGS_RES), t, 10, 2);
  dx_node_set_text(p, fn, "Bootp flags: 0x%04x%s (%s)", flags,
                   flags & 0x8000 ? ", Broadcast flag" : "",
                   flags & 0x8000 ? "Broadcast" : "Unicast");
  static const uint8_t ips[] = {F_IP_CLIENT, F_IP_YOUR, F_IP_SERVER, F_IP_RELAY};
  for (size_t i = 0; i < DX_ARRAY_LEN(ips); i++)
    if (!dx_node_ok(dx_add_item(p, bp, FL(ips[i]), t, 12 + 4 * (uint32_t)i, 4))) {
      ran_out(&c, NULL, 16 + 4 * (uint32_t)i, "BOOTP header");
      return t->len;
    }
  if (hlen > 0 && hlen <= 16) {
    dx_node *hn;
    if ((htype == 1 || htype == 6) && hlen == 6) {
      hn = dx_add_item(p, bp, FL(F_HW_MAC), t, 28, 6);
    } else {
      hn = dx_add_item(p, bp, FL(F_HW_ADDR), t, 28, 16);
      if (dx_tvb_has(t, 28, hlen)) {
        hwaddr_str(t->data + 28, hlen, htype, hw, sizeof hw);
        dx_node_set_text(p, hn, "Client hardware address: %s", hw);
      }
    }
    if (!dx_node_ok(hn)) {
      ran_out(&c, NULL, 44, "client hardware address");
      return t->len;
    }
    if (hlen < 16 &&
        !dx_node_ok(dx_add_item(p, bp, FL(F_HW_ADDR_PAD), t, 28u + hlen, 16u - hlen))) {
      ran_out(&c, NULL, 44, "client hardware address");
      return t->len;
    }
  } else {
    dx_node *n = dx_add_none(p, bp, FL(F_ADDR_NOT_GIVEN), t, 28, 16);
    dx_node_set_text(p, n, "Client address not given");
    dx_expert(p, n, FL(F_ADDR_NOT_GIVEN), DX_SEV_NOTE, "Client address not given");
  }
  static const struct {
    uint16_t off, len;
    uint8_t bit, f, over;
    const char *none;
  } names[] = {
      {SNAME_OFF, SNAME_LEN, 2, F_SERVER, F_SNAME_OVERLOADED, "Server host name not given"},
      {FILE_OFF, FILE_LEN, 1, F_FILE, F_FILE_OVERLOADED, "Boot file name not given"}};
  for (size_t i = 0; i < DX_ARRAY_LEN(names); i++) {
    uint32_t o = names[i].off, l = names[i].len;
    if (c.overload & names[i].bit) {
      dx_node *n = dx_add_none(p, bp, FL(names[i].over), t, o, l);
      dx_node_set_text(p, n, "%s", FL(names[i].over)->label);
      dx_expert(p, n, FL(names[i].over), DX_SEV_NOTE, "%s", FL(names[i].over)->label);
      continue;
    }
    uint8_t first;
    if (!dx_get_u8(t, o, &first)) {
      ran_out(&c, NULL, o + 1, "BOOTP header");
      return t->len;
    }
    dx_node *n;
    if (first)
      n = add_str(&c, bp, names[i].f, o, l, true);
    else {
      n = dx_add_string(p, bp, FL(names[i].f), t, o, l, "", 0);
      dx_node_set_text(p, n, "%s", names[i].none);
    }
    if (!dx_tvb_has(t, o, l)) {
      ran_out(&c, n, o + l, "BOOTP header");
      return t->len;
    }
  }
  if (!c.msgtype) {
    dx_node *b = dx_add_uint(p, bp, FL(F_BOOTP), t, 0, 0, 1);
    dx_node_set_flags(b, DX_NODE_HIDDEN);
  }
  voff = VENDOR_OFF;
  if (have_cookie) {
    dx_node *n = dx_add_item(p, bp, FL(F_COOKIE), t, voff, 4);
    dx_node_set_text(p, n, "Magic cookie: DHCP");
    voff += 4;
  } else {
    dx_node *n = dx_add_item(p, bp, FL(F_VENDOR_SPECIFIC), t, voff, 64);
    if (!dx_tvb_has(t, voff, 64)) {
      ran_out(&c, n, voff + 64, "vendor specific options");
      return t->len;
    }
    voff += 64;
  }
  bool at_end = false;
  while (voff < eoff && !at_end && !c.stop) {
    int took = option(&c, bp, voff, eoff, &at_end, &c.overload);
    if (took <= 0)
      break;
    voff += (uint32_t)took;
  }
  if (c.stop)
    return t->len;
  if (c.msgtype && !at_end)
    dx_expert(p, bp, FL(F_END_MISSING), DX_SEV_ERROR, "End option missing");
  if (voff < eoff) {
    dx_node *pad = dx_add_item(p, bp, FL(F_OPT_PADDING), t, voff, eoff - voff);
    if (!dx_node_ok(pad))
      ran_out(&c, pad, eoff, "padding");
  }
  return t->len;
}

static const dx_reg dhcp_regs[] = {{DX_TABLE_UDP_PORT, 67},
                                   {DX_TABLE_UDP_PORT, 68},
                                   {DX_TABLE_UDP_PORT, 4011},
                                   {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_dhcp = {
    .name = "dhcp",
    .label = "Dynamic Host Configuration Protocol",
    .fields = dhcp_fields,
    .nfields = DX_ARRAY_LEN(dhcp_fields),
    .dissect = dissect_dhcp,
    .regs = dhcp_regs,
};
