/* STUN (RFC 5389/8489, with RFC 3489's attributes and TURN's methods and
 * attributes) over UDP as tshark 4.0 shows it: UDP port 3478, and its UDP
 * heuristic. Both take a datagram whose second word is the magic cookie
 * 0x2112A442, whose length is the message length plus the 20-byte header
 * and whose method tshark knows (Binding, SharedSecret, and TURN's); a
 * message length that is not a multiple of 4 gets tshark's note (the
 * attributes under it). A message found by the heuristic makes the UDP
 * conversation STUN's; a TURN ChannelData message (channel 0x4000-0x7fff,
 * or MS-TURN's 0xff10) is taken on port 3478 and on such a conversation,
 * never by the heuristic ("ChannelData TURN Message", its payload as
 * data), as tshark 4.0.17 does.
 *
 * The header (type with its class and method, length, cookie, transaction
 * ID), the network version, and each attribute: its type (comprehension
 * and assignment bits) and length, then the value of the common
 * attributes (addresses plain and XOR-d, IPv4 and IPv6, USERNAME,
 * MESSAGE-INTEGRITY, ERROR-CODE, REALM, NONCE, SOFTWARE, FINGERPRINT with
 * its CRC checked, PRIORITY, ICE-CONTROLLED/CONTROLLING, LIFETIME,
 * REQUESTED-TRANSPORT, DATA, BANDWIDTH, CHANNEL-NUMBER, MAGIC-COOKIE,
 * MS-VERSION, MS-IMPLEMENTATION-VERSION, MS-CANDIDATE-IDENTIFIER,
 * GOOG-NETWORK-INFO), the raw value (stun.value) for the other known ones,
 * tshark's note for an unknown one; the Info column as tshark writes it.
 * A known attribute longer than the message shows tshark's "bogus" length
 * and ends the list; an unknown one ends it with tshark's exception.
 *
 * Requests and responses are matched by transaction ID within the UDP
 * conversation, as tshark's first pass does (Request In, Time, Response In
 * when the response came first, Duplicated original message in; inside
 * ICMP errors too), in a bounded table keyed with the session's hash key
 * (STUN_MAX_TRANS, the oldest forgotten).
 *
 * Not made: STUN over TCP (RFC 4571 framing); tshark's CLASSIC-STUN (RFC
 * 3489 messages without the magic cookie, on port 3478); the other
 * Microsoft attributes' own fields (MS-SEQUENCE-NUMBER, MS-SERVICE-QUALITY,
 * MS-APP-ID, ...: their value is shown as bytes); the "Trailing stray
 * characters" note of a string with a NUL; control characters in Info
 * (tshark writes them raw, our output escapes them). */
#include "../core/dx.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

extern const dx_protocol dx_proto_stun;

enum {
  F_STUN,
  F_CHANNEL,
  F_TYPE,
  F_CLASS,
  F_METHOD,
  F_METHOD_ASSIGN,
  F_LENGTH,
  F_COOKIE,
  F_ID,
  F_ATTRIBUTES,
  F_ATTR,
  F_RESPONSE_IN,
  F_RESPONSE_TO,
  F_TIME,
  F_DUPLICATE,
  F_ATT_TYPE,
  F_ATT_COMPREHENSION,
  F_ATT_ASSIGNMENT,
  F_ATT_LENGTH,
  F_FAMILY,
  F_IPV4,
  F_IPV6,
  F_PORT,
  F_USERNAME,
  F_PADDING,
  F_HMAC,
  F_CRC32,
  F_CRC32_STATUS,
  F_ERROR_CLASS,
  F_ERROR,
  F_ERROR_REASON,
  F_REALM,
  F_NONCE,
  F_XOR_IPV4,
  F_XOR_IPV6,
  F_XOR_PORT,
  F_SOFTWARE,
  F_PRIORITY,
  F_TIE_BREAKER,
  F_LIFETIME,
  F_VALUE,
  F_RESERVED,
  F_TRANSP,
  F_CHANNELNUM,
  F_BANDWIDTH,
  F_NETWORK_VERSION,
  F_UNKNOWN_ATTRIBUTE,
  F_CRC32_BAD,
  F_WRONG_MSGLEN,
  F_WRONG_MSGLEN_ITEM,
  F_UNKNOWN_ATTRIBUTE_ITEM,
  F_MAGIC_COOKIE,
  F_MS_VERSION,
  F_MS_VERSION_ICE,
  F_MS_FOUNDATION,
  F_GOOG_NET_ID,
  F_GOOG_NET_COST,
  F_UNKNOWN,
  F_CHANGE_IP,
  F_CHANGE_PORT,
  F_RESERVE_NEXT,
  F_TOKEN,
  F_PASSWORD,
  F_ICMP_TYPE,
  F_ICMP_CODE,
  F_UNKNOWN_8006,
  F_MS_STREAM_TYPE,
  F_MS_SERVICE_QUALITY,
  F_MS_CONNECTION_ID,
  F_MS_SEQUENCE_NUMBER,
  F_MS_MULTIPLEXED_TURN_ID,
  F_RP_VALID,
  F_RP_RESERVED,
  F_RP_MAX_SEND,
  F_RP_MAX_RECV,
  F_MS_TURN_SESSION_ID,
};

static const dx_vals assign_vals[] = {{0, "IETF Review"}, {1, "Designated Expert"}, {0, NULL}};
static const dx_vals compr_vals[] = {{0, "Required"}, {1, "Optional"}, {0, NULL}};
static const dx_vals family_vals[] = {{1, "IPv4"}, {2, "IPv6"}, {0, NULL}};
static const dx_vals crc_status_vals[] = {{0, "Bad"},         {1, "Good"},    {2, "Unverified"},
                                          {3, "Not present"}, {4, "Illegal"}, {0, NULL}};
static const dx_vals transp_vals[] = {{17, "UDP"}, {6, "TCP"}, {0, NULL}};
static const dx_vals set_vals[] = {{0, "Not set"}, {1, "Set"}, {0, NULL}};
static const dx_vals yes_no_vals[] = {{0, "No"}, {1, "Yes"}, {0, NULL}};
static const dx_vals reserve_vals[] = {
    {0, "No reservation"}, {1, "Reserve next port number"}, {0, NULL}};
/* [MS-TURN] 2.2.2.19: the names tshark 4.0 gives (1, 2 and quality 0 seen) */
static const dx_vals ms_stream_vals[] = {
    {1, "Audio"}, {2, "Video"}, {3, "Supplemental Video"}, {4, "Data"}, {0, NULL}};
static const dx_vals ms_quality_vals[] = {
    {0, "Best effort delivery"}, {1, "Reliable delivery"}, {0, NULL}};
static const dx_vals netver_vals[] = {
    {1, "MS-TURN"}, {2, "RFC-3489 and earlier"}, {3, "RFC-5389/8489"}, {0, NULL}};

static const dx_vals ms_version_vals[] = {{1, "ICE"},
                                          {2, "MS-ICE2"},
                                          {3, "MS-ICE2 with SHA256"},
                                          {4, "MS-ICE2 with SHA256 and IPv6"},
                                          {5, "MULTIPLEXED TURN over UDP only"},
                                          {6, "MULTIPLEXED TURN over UDP and TCP"},
                                          {0, NULL}};
static const dx_vals goog_cost_vals[] = {
    {0, "Min"},          {10, "Low"},       {50, "Unknown"},     {250, "Cellular5G"},
    {500, "Cellular4G"}, {900, "Cellular"}, {910, "Cellular3G"}, {980, "Cellular2G"},
    {999, "Max"},        {0, NULL}};

static const dx_field stun_fields[] = {
    [F_STUN] = DX_F("stun", "Session Traversal Utilities for NAT", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_CHANNEL] = DX_F("stun.channel", "Channel Number", DX_FT_UINT16, DX_BASE_HEX),
    [F_TYPE] = DX_F("stun.type", "Message Type", DX_FT_UINT16, DX_BASE_HEX),
    [F_CLASS] =
        DX_FM("stun.type.class", "Message Class", DX_FT_UINT16, DX_BASE_HEX, NULL, 0x0110, 16),
    [F_METHOD] =
        DX_FM("stun.type.method", "Message Method", DX_FT_UINT16, DX_BASE_HEX, NULL, 0x3eef, 16),
    [F_METHOD_ASSIGN] = DX_FM("stun.type.method-assignment", "Message Method Assignment",
                              DX_FT_UINT16, DX_BASE_HEX, assign_vals, 0x2000, 16),
    [F_LENGTH] = DX_F("stun.length", "Message Length", DX_FT_UINT16, DX_BASE_DEC),
    [F_COOKIE] = DX_F("stun.cookie", "Message Cookie", DX_FT_BYTES, DX_BASE_NONE),
    [F_ID] = DX_F("stun.id", "Message Transaction ID", DX_FT_BYTES, DX_BASE_NONE),
    [F_ATTRIBUTES] = DX_F("stun.attributes", "Attributes", DX_FT_NONE, DX_BASE_NONE),
    [F_ATTR] = DX_F("stun.attribute", "Attribute Type", DX_FT_UINT16, DX_BASE_HEX),
    [F_RESPONSE_IN] = DX_F("stun.response-in", "Response In", DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_RESPONSE_TO] = DX_F("stun.response-to", "Request In", DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_TIME] = DX_F("stun.time", "Time", DX_FT_RELTIME, DX_BASE_NONE),
    [F_DUPLICATE] =
        DX_F("stun.reqduplicate", "Duplicated original message in", DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_ATT_TYPE] = DX_F("stun.att.type", "Attribute Type", DX_FT_UINT16, DX_BASE_HEX),
    [F_ATT_COMPREHENSION] = DX_FM("stun.att.type.comprehension", "Attribute Type Comprehension",
                                  DX_FT_UINT16, DX_BASE_HEX, compr_vals, 0x8000, 16),
    [F_ATT_ASSIGNMENT] = DX_FM("stun.att.type.assignment", "Attribute Type Assignment",
                               DX_FT_UINT16, DX_BASE_HEX, assign_vals, 0x4000, 16),
    [F_ATT_LENGTH] = DX_F("stun.att.length", "Attribute Length", DX_FT_UINT16, DX_BASE_DEC),
    [F_FAMILY] = DX_FV("stun.att.family", "Protocol Family", DX_FT_UINT8, DX_BASE_HEX, family_vals),
    [F_IPV4] = DX_F("stun.att.ipv4", "IP", DX_FT_IPV4, DX_BASE_NONE),
    [F_IPV6] = DX_F("stun.att.ipv6", "IP", DX_FT_IPV6, DX_BASE_NONE),
    [F_PORT] = DX_F("stun.att.port", "Port", DX_FT_UINT16, DX_BASE_DEC),
    [F_USERNAME] = DX_F("stun.att.username", "Username", DX_FT_STRING, DX_BASE_NONE),
    [F_PADDING] = DX_F("stun.att.padding", "Padding", DX_FT_UINT16, DX_BASE_DEC),
    [F_HMAC] = DX_F("stun.att.hmac", "HMAC-SHA1", DX_FT_BYTES, DX_BASE_NONE),
    [F_CRC32] = DX_F("stun.att.crc32", "CRC-32", DX_FT_UINT32, DX_BASE_HEX),
    [F_CRC32_STATUS] =
        DX_FV("stun.att.crc32.status", "CRC-32 Status", DX_FT_UINT8, DX_BASE_NONE, crc_status_vals),
    [F_ERROR_CLASS] =
        DX_FM("stun.att.error.class", "Error Class", DX_FT_UINT8, DX_BASE_DEC, NULL, 0x07, 8),
    [F_ERROR] = DX_F("stun.att.error", "Error Code", DX_FT_UINT8, DX_BASE_DEC),
    [F_ERROR_REASON] =
        DX_F("stun.att.error.reason", "Error Reason Phrase", DX_FT_STRING, DX_BASE_NONE),
    [F_REALM] = DX_F("stun.att.realm", "Realm", DX_FT_STRING, DX_BASE_NONE),
    [F_NONCE] = DX_F("stun.att.nonce", "Nonce", DX_FT_STRING, DX_BASE_NONE),
    [F_XOR_IPV4] = DX_F("stun.att.ipv4-xord", "IP (XOR-d)", DX_FT_BYTES, DX_BASE_NONE),
    [F_XOR_IPV6] = DX_F("stun.att.ipv6-xord", "IP (XOR-d)", DX_FT_BYTES, DX_BASE_NONE),
    [F_XOR_PORT] = DX_F("stun.att.port-xord", "Port (XOR-d)", DX_FT_BYTES, DX_BASE_NONE),
    [F_SOFTWARE] = DX_F("stun.att.software", "Software", DX_FT_STRING, DX_BASE_NONE),
    [F_PRIORITY] = DX_F("stun.att.priority", "Priority", DX_FT_UINT32, DX_BASE_DEC),
    [F_TIE_BREAKER] = DX_F("stun.att.tie-breaker", "Tie breaker", DX_FT_BYTES, DX_BASE_NONE),
    [F_LIFETIME] = DX_F("stun.att.lifetime", "Lifetime", DX_FT_UINT32, DX_BASE_DEC),
    [F_VALUE] = DX_F("stun.value", "Value", DX_FT_BYTES, DX_BASE_NONE),
    [F_RESERVED] = DX_F("stun.att.reserved", "Reserved", DX_FT_BYTES, DX_BASE_NONE),
    [F_TRANSP] = DX_FV("stun.att.transp", "Transport", DX_FT_UINT8, DX_BASE_HEX, transp_vals),
    [F_CHANNELNUM] = DX_F("stun.att.channelnum", "Channel-Number", DX_FT_UINT16, DX_BASE_HEX),
    [F_BANDWIDTH] = DX_F("stun.port.bandwidth", "Bandwidth", DX_FT_UINT32, DX_BASE_DEC),
    [F_NETWORK_VERSION] = DX_FV("stun.network_version", "STUN Network Version", DX_FT_UINT8,
                                DX_BASE_DEC, netver_vals),
    [F_UNKNOWN_ATTRIBUTE] =
        DX_F("stun.unknown_attribute", "Attribute unknown", DX_FT_NONE, DX_BASE_NONE),
    [F_CRC32_BAD] = DX_F("stun.att.crc32.bad", "Bad Fingerprint", DX_FT_NONE, DX_BASE_NONE),
    [F_WRONG_MSGLEN] = DX_F("stun.wrong_msglen", "Packet length is not multiple of 4 bytes",
                            DX_FT_NONE, DX_BASE_NONE),
    /* the item tshark's proto_tree_add_expert() makes for that note */
    [F_WRONG_MSGLEN_ITEM] = {"stun.wrong_msglen", "Packet length is not multiple of 4 bytes",
                             DX_FT_NONE, DX_BASE_NONE, NULL, 0, 0, NULL,
                             &stun_fields[F_WRONG_MSGLEN]},
    [F_MAGIC_COOKIE] = DX_F("stun.att.magic_cookie", "Magic Cookie", DX_FT_UINT32, DX_BASE_HEX),
    [F_UNKNOWN] = DX_F("stun.att.unknown", "Unknown Attribute", DX_FT_UINT16, DX_BASE_HEX),
    /* (tshark's 16-bit booleans over the attribute's four bytes) */
    [F_CHANGE_IP] =
        DX_FM("stun.att.change-ip", "Change IP", DX_FT_BOOL, DX_BASE_NONE, set_vals, 0x0004, 16),
    [F_CHANGE_PORT] = DX_FM("stun.att.change-port", "Change Port", DX_FT_BOOL, DX_BASE_NONE,
                            set_vals, 0x0002, 16),
    [F_RESERVE_NEXT] = DX_FM("stun.att.even-port.reserve-next", "Reserve next", DX_FT_UINT8,
                             DX_BASE_DEC, reserve_vals, 0x80, 8),
    [F_TOKEN] = DX_F("stun.att.token", "Token", DX_FT_BYTES, DX_BASE_NONE),
    [F_PASSWORD] = DX_F("stun.att.password", "Password", DX_FT_BYTES, DX_BASE_NONE),
    [F_ICMP_TYPE] = DX_F("stun.att.icmp.type", "ICMP type", DX_FT_UINT8, DX_BASE_DEC),
    [F_ICMP_CODE] = DX_F("stun.att.icmp.code", "ICMP code", DX_FT_UINT8, DX_BASE_DEC),
    [F_UNKNOWN_8006] = DX_F("stun.att.unknown8006", "Unknown8006", DX_FT_BYTES, DX_BASE_NONE),
    [F_MS_STREAM_TYPE] =
        DX_FV("stun.att.ms.stream_type", "Stream Type", DX_FT_UINT16, DX_BASE_DEC, ms_stream_vals),
    [F_MS_SERVICE_QUALITY] = DX_FV("stun.att.ms.service_quality", "Service Quality", DX_FT_UINT16,
                                   DX_BASE_DEC, ms_quality_vals),
    [F_MS_CONNECTION_ID] =
        DX_F("stun.att.ms.connection_id", "Connection ID", DX_FT_BYTES, DX_BASE_NONE),
    [F_MS_SEQUENCE_NUMBER] =
        DX_F("stun.att.ms.sequence_number", "Sequence Number", DX_FT_UINT32, DX_BASE_DEC),
    [F_MS_MULTIPLEXED_TURN_ID] = DX_F("stun.att.ms.multiplexed_turn_session_id",
                                      "MS Multiplexed TURN Session Id", DX_FT_UINT64, DX_BASE_HEX),
    [F_MS_TURN_SESSION_ID] =
        DX_F("stun.att.ms.turn_session_id", "MS TURN Session Id", DX_FT_UINT64, DX_BASE_HEX),
    [F_RP_VALID] = DX_FM("stun.att.address_rp.valid", "Valid", DX_FT_BOOL, DX_BASE_NONE,
                         yes_no_vals, 0x80000000u, 32),
    [F_RP_RESERVED] = DX_FM("stun.att.address_rp.reserved", "Reserved", DX_FT_UINT32, DX_BASE_HEX,
                            NULL, 0x7fffffffu, 32),
    [F_RP_MAX_SEND] =
        DX_F("stun.att.address_rp.masb", "Maximum Send Bandwidth", DX_FT_UINT32, DX_BASE_DEC),
    [F_RP_MAX_RECV] =
        DX_F("stun.att.address_rp.marb", "Maximum Receive Bandwidth", DX_FT_UINT32, DX_BASE_DEC),
    [F_MS_VERSION] =
        DX_FV("stun.att.ms.version", "MS Version", DX_FT_UINT32, DX_BASE_DEC, ms_version_vals),
    [F_MS_VERSION_ICE] =
        DX_F("stun.att.ms.version.ice", "MS ICE Version", DX_FT_UINT32, DX_BASE_DEC),
    [F_MS_FOUNDATION] = DX_F("stun.att.ms.foundation", "Foundation", DX_FT_STRING, DX_BASE_NONE),
    [F_GOOG_NET_ID] =
        DX_F("stun.att.google.network_id", "Google Network ID", DX_FT_UINT16, DX_BASE_DEC),
    [F_GOOG_NET_COST] = DX_FV("stun.att.google.network_cost", "Google Network Cost", DX_FT_UINT16,
                              DX_BASE_DEC, goog_cost_vals),
    [F_UNKNOWN_ATTRIBUTE_ITEM] = {"stun.unknown_attribute", "Attribute unknown", DX_FT_NONE,
                                  DX_BASE_NONE, NULL, 0, 0, NULL,
                                  &stun_fields[F_UNKNOWN_ATTRIBUTE]},
};

#define FL(i) (&stun_fields[(i)])

static const dx_vals class_vals[] = {
    {0, "Request"}, {1, "Indication"}, {2, "Success Response"}, {3, "Error Response"}, {0, NULL}};

static const dx_vals method_vals[] = {{0x001, "Binding"},
                                      {0x002, "SharedSecret"},
                                      {0x003, "Allocate"},
                                      {0x004, "Refresh"},
                                      {0x006, "Send"},
                                      {0x007, "Data"},
                                      {0x008, "CreatePermission"},
                                      {0x009, "Channel-Bind"},
                                      {0x00a, "Connect"},
                                      {0x00b, "ConnectionBind"},
                                      {0x00c, "ConnectionAttempt"},
                                      {0, NULL}};

enum {
  A_MAPPED_ADDRESS = 0x0001,
  A_RESPONSE_ADDRESS = 0x0002,
  A_CHANGE_REQUEST = 0x0003,
  A_SOURCE_ADDRESS = 0x0004,
  A_CHANGED_ADDRESS = 0x0005,
  A_USERNAME = 0x0006,
  A_PASSWORD = 0x0007,
  A_MESSAGE_INTEGRITY = 0x0008,
  A_ERROR_CODE = 0x0009,
  A_UNKNOWN_ATTRIBUTES = 0x000a,
  A_REFLECTED_FROM = 0x000b,
  A_CHANNEL_NUMBER = 0x000c,
  A_LIFETIME = 0x000d,
  A_BANDWIDTH = 0x0010,
  A_DESTINATION_ADDRESS = 0x0011,
  A_XOR_PEER_ADDRESS = 0x0012,
  A_DATA = 0x0013,
  A_REALM = 0x0014,
  A_NONCE = 0x0015,
  A_XOR_RELAYED_ADDRESS = 0x0016,
  A_REQUESTED_TRANSPORT = 0x0019,
  A_XOR_MAPPED_ADDRESS = 0x0020,
  A_PRIORITY = 0x0024,
  A_XOR_RESPONSE_TARGET = 0x0027,
  A_XOR_REFLECTED_FROM = 0x0028,
  A_MS_XOR_MAPPED_ADDRESS = 0x8020,
  A_SOFTWARE = 0x8022,
  A_ALTERNATE_SERVER = 0x8023,
  A_FINGERPRINT = 0x8028,
  A_ICE_CONTROLLED = 0x8029,
  A_ICE_CONTROLLING = 0x802a,
  A_RESPONSE_ORIGIN = 0x802b,
  A_OTHER_ADDRESS = 0x802c,
  A_MS_ALT_MAPPED_ADDRESS = 0x8090,
};

/* tshark 4.0's attribute names */
static const dx_vals attr_vals[] = {{0x0001, "MAPPED-ADDRESS"},
                                    {0x0002, "RESPONSE_ADDRESS"},
                                    {0x0003, "CHANGE_REQUEST"},
                                    {0x0004, "SOURCE_ADDRESS"},
                                    {0x0005, "CHANGED_ADDRESS"},
                                    {0x0006, "USERNAME"},
                                    {0x0007, "PASSWORD"},
                                    {0x0008, "MESSAGE-INTEGRITY"},
                                    {0x0009, "ERROR-CODE"},
                                    {0x000a, "UNKNOWN-ATTRIBUTES"},
                                    {0x000b, "REFLECTED-FROM"},
                                    {0x000c, "CHANNEL-NUMBER"},
                                    {0x000d, "LIFETIME"},
                                    {0x000f, "MAGIC-COOKIE"},
                                    {0x0010, "BANDWIDTH"},
                                    {0x0011, "DESTINATION-ADDRESS"},
                                    {0x0012, "XOR-PEER-ADDRESS"},
                                    {0x0013, "DATA"},
                                    {0x0014, "REALM"},
                                    {0x0015, "NONCE"},
                                    {0x0016, "XOR-RELAYED-ADDRESS"},
                                    {0x0017, "REQUESTED-ADDRESS-FAMILY"},
                                    {0x0018, "EVEN-PORT"},
                                    {0x0019, "REQUESTED-TRANSPORT"},
                                    {0x001a, "DONT-FRAGMENT"},
                                    {0x001b, "ACCESS-TOKEN"},
                                    {0x001c, "MESSAGE-INTEGRITY-SHA256"},
                                    {0x001d, "PASSWORD-ALGORITHM"},
                                    {0x001e, "USERHASH"},
                                    {0x0020, "XOR-MAPPED-ADDRESS"},
                                    {0x0022, "RESERVATION-TOKEN"},
                                    {0x0024, "PRIORITY"},
                                    {0x0025, "USE-CANDIDATE"},
                                    {0x0026, "PADDING"},
                                    {0x0027, "XOR-RESPONSE-TARGET"},
                                    {0x0028, "XOR-REFELECTED-FROM"},
                                    {0x002a, "CONNECTION-ID"},
                                    {0x0030, "LEGACY-ICMP"},
                                    {0x8000, "ADDITIONAL-ADDRESS-FAMILY"},
                                    {0x8001, "ADDRESS-ERROR-CODE"},
                                    {0x8002, "PASSWORD-ALGORITHMS"},
                                    {0x8003, "ALTERNATE-DOMAIN"},
                                    {0x8006, "MS-TURN UNKNOWN 8006"},
                                    {0x8008, "MS-VERSION"},
                                    {0x8020, "XOR-MAPPED-ADDRESS"},
                                    {0x8022, "SOFTWARE"},
                                    {0x8023, "ALTERNATE-SERVER"},
                                    {0x8025, "TRANSACTION_TRANSMIT_COUNTER"},
                                    {0x8027, "CACHE-TIMEOUT"},
                                    {0x8028, "FINGERPRINT"},
                                    {0x8029, "ICE-CONTROLLED"},
                                    {0x802a, "ICE-CONTROLLING"},
                                    {0x802b, "RESPONSE-ORIGIN"},
                                    {0x802c, "OTHER-ADDRESS"},
                                    {0x802d, "ECN-CHECK STUN"},
                                    {0x802e, "THIRD-PARTY-AUTHORIZATION"},
                                    {0x8030, "MOBILITY-TICKET"},
                                    {0x8032, "MS-ALTERNATE-HOST-NAME"},
                                    {0x8037, "MS-APP-ID"},
                                    {0x8050, "MS-SEQUENCE-NUMBER"},
                                    {0x8054, "MS-CANDIDATE-IDENTIFIER"},
                                    {0x8055, "MS-SERVICE-QUALITY"},
                                    {0x8056, "Bandwidth Admission Control Message"},
                                    {0x8057, "Bandwidth Reservation Identifier"},
                                    {0x8058, "Bandwidth Reservation Amount"},
                                    {0x8059, "Remote Site Address"},
                                    {0x805a, "Remote Relay Site Address"},
                                    {0x805b, "Local Site Address"},
                                    {0x805c, "Local Relay Site Address"},
                                    {0x805d, "Remote Site Address Response"},
                                    {0x805e, "Remote Relay Site Address Response"},
                                    {0x805f, "Local Site Address Response"},
                                    {0x8060, "Local Relay Site Address Response"},
                                    {0x8061, "SIP Dialog Identifier"},
                                    {0x8062, "SIP Call Identifier"},
                                    {0x8068, "Location Profile"},
                                    {0x8070, "MS-IMPLEMENTATION-VERSION"},
                                    {0x8090, "MS-ALT-MAPPED-ADDRESS"},
                                    {0x8095, "MS-MULTIPLEXED-TURN-SESSION-ID"},
                                    {0xc001, "ENF-FLOW-DESCRIPTION"},
                                    {0xc002, "ENF-NETWORK-STATUS"},
                                    {0xc057, "GOOG-NETWORK-INFO"},
                                    {0xc058, "GOOG-LAST-ICE-CHECK-RECEIVED"},
                                    {0xc059, "GOOG-MISC-INFO"},
                                    {0xc05a, "GOOG-OBSOLETE-1"},
                                    {0xc05b, "GOOG-CONNECTION-ID"},
                                    {0xc05c, "GOOG-DELTA"},
                                    {0xc05d, "GOOG-DELTA-ACK"},
                                    {0xc060, "GOOG-MESSAGE-INTEGRITY-32"},
                                    {0, NULL}};

static const dx_vals error_vals[] = {{274, "Disable Candidate"},
                                     {275, "Disable Candidate Pair"},
                                     {300, "Try Alternate"},
                                     {400, "Bad Request"},
                                     {401, "Unauthenticated"},
                                     {403, "Forbidden"},
                                     {405, "Mobility Forbidden"},
                                     {420, "Unknown Attribute"},
                                     {437, "Allocation Mismatch"},
                                     {438, "Stale Nonce"},
                                     {440, "Address Family not Supported"},
                                     {441, "Wrong Credentials"},
                                     {442, "Unsupported Transport Protocol"},
                                     {443, "Peer Address Family Mismatch"},
                                     {446, "Connection Already Exists"},
                                     {447, "Connection Timeout or Failure"},
                                     {486, "Allocation Quota Reached"},
                                     {487, "Role Conflict"},
                                     {500, "Server Error"},
                                     {508, "Insufficient Capacity"},
                                     {0, NULL}};

/* ---- transactions ------------------------------------------------------------------ */

#define STUN_MAX_TRANS 4096u /* a ring: the oldest is forgotten */
#define STUN_BUCKETS 8192u   /* a power of two */
#define STUN_NONE UINT32_MAX

typedef struct stun_trans {
  uint8_t id[12];
  uint32_t conv; /* the UDP conversation's index */
  uint64_t req_frame, rep_frame;
  int64_t req_sec;
  int32_t req_nsec;
  uint32_t next; /* in the bucket's chain */
  uint32_t bucket;
  bool used;
} stun_trans;

typedef struct stun_state {
  const dx_hashkey *key;
  stun_trans *tr;
  uint32_t *bucket;
  uint32_t next_slot;
} stun_state;

static void *stun_state_new(struct dx_session *s) {
  stun_state *st = calloc(1, sizeof *st);
  if (st)
    st->key = dx_session_hashkey(s);
  return st;
}

static void stun_state_free(void *v) {
  stun_state *st = v;
  if (!st)
    return;
  free(st->tr);
  free(st->bucket);
  free(st);
}

static void stun_state_reset(void *v, struct dx_session *s) {
  stun_state *st = v;
  st->key = dx_session_hashkey(s);
  if (st->bucket) {
    for (uint32_t i = 0; i < STUN_BUCKETS; i++)
      st->bucket[i] = STUN_NONE;
    memset(st->tr, 0, STUN_MAX_TRANS * sizeof *st->tr);
  }
  st->next_slot = 0;
}

static bool stun_tables(stun_state *st) {
  if (st->bucket)
    return true;
  st->tr = calloc(STUN_MAX_TRANS, sizeof *st->tr);
  st->bucket = malloc(STUN_BUCKETS * sizeof *st->bucket);
  if (!st->tr || !st->bucket) {
    free(st->tr);
    free(st->bucket);
    st->tr = NULL;
    st->bucket = NULL;
    return false;
  }
  for (uint32_t i = 0; i < STUN_BUCKETS; i++)
    st->bucket[i] = STUN_NONE;
  return true;
}

static uint32_t trans_bucket(const stun_state *st, uint32_t conv, const uint8_t *id) {
  uint8_t k[16];
  memcpy(k, &conv, 4);
  memcpy(k + 4, id, 12);
  return (uint32_t)dx_siphash13(st->key, k, sizeof k) & (STUN_BUCKETS - 1);
}

static void trans_unlink(stun_state *st, uint32_t slot) {
  stun_trans *t = &st->tr[slot];
  if (!t->used)
    return;
  uint32_t *pp = &st->bucket[t->bucket];
  while (*pp != STUN_NONE && *pp != slot)
    pp = &st->tr[*pp].next;
  if (*pp == slot)
    *pp = t->next;
  t->used = false;
}

static stun_trans *trans_get(stun_state *st, const dx_packet *p, uint32_t conv, const uint8_t *id) {
  uint32_t b = trans_bucket(st, conv, id);
  for (uint32_t i = st->bucket[b]; i != STUN_NONE; i = st->tr[i].next) {
    if (st->tr[i].conv == conv && !memcmp(st->tr[i].id, id, 12))
      return &st->tr[i];
  }
  uint32_t slot = st->next_slot;
  st->next_slot = (slot + 1) % STUN_MAX_TRANS;
  trans_unlink(st, slot);
  stun_trans *t = &st->tr[slot];
  memset(t, 0, sizeof *t);
  memcpy(t->id, id, 12);
  t->conv = conv;
  t->req_sec = p->frame.ts_sec;
  t->req_nsec = p->frame.ts_nsec;
  t->bucket = b;
  t->used = true;
  t->next = st->bucket[b];
  st->bucket[b] = slot;
  return t;
}

/* ---- attributes -------------------------------------------------------------------- */

static uint32_t crc32_of(const uint8_t *d, size_t n) {
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; i++) {
    c ^= d[i];
    for (int k = 0; k < 8; k++)
      c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
  }
  return ~c;
}

/* The length of the maximal subpart of the ill-formed UTF-8 sequence at
 * s[0..n) (n > 0; Unicode 3.9, "U+FFFD substitution of maximal
 * subparts"): a lead byte that may start a sequence (C2-F4) and the bytes
 * after it that may continue it; 1 for any other byte. */
static size_t bad_utf8_len(const uint8_t *s, size_t n) {
  uint8_t c = s[0], lo = 0x80, hi = 0xbf;
  size_t need;
  if (c >= 0xc2 && c <= 0xdf)
    need = 1;
  else if (c >= 0xe0 && c <= 0xef) {
    need = 2;
    lo = c == 0xe0 ? 0xa0 : 0x80;
    hi = c == 0xed ? 0x9f : 0xbf;
  } else if (c >= 0xf0 && c <= 0xf4) {
    need = 3;
    lo = c == 0xf0 ? 0x90 : 0x80;
    hi = c == 0xf4 ? 0x8f : 0xbf;
  } else
    return 1;
  size_t k = 1;
  while (k <= need && k < n && s[k] >= lo && s[k] <= hi) {
    lo = 0x80;
    hi = 0xbf;
    k++;
  }
  return k;
}

/* The string at [off, off+len) as tshark 4.0 reads it for a label or
 * Info (tvb_get_string_enc(ENC_UTF_8)): up to the first NUL, well-formed
 * UTF-8 sequences as they are (printing escapes what a terminal must not
 * see: \u07BF), one U+FFFD for each maximal subpart of an ill-formed one
 * (nDPI teams.pcap: "e3 ba" then a byte that continues nothing is one
 * U+FFFD, "f8 b0" two). In the arena. */
static const char *get_str(dx_packet *p, const dx_tvb *t, uint32_t off, uint32_t len,
                           size_t *outlen) {
  uint32_t n = dx_tvb_avail(t, off);
  if (n > len)
    n = len;
  const uint8_t *s = n ? dx_get_ptr(t, off, n) : NULL;
  *outlen = 0;
  if (!s)
    return "";
  const uint8_t *z = memchr(s, 0, n);
  if (z)
    n = (uint32_t)(z - s);
  char *buf = dx_arena_alloc(&p->arena, (size_t)n * 3 + 1);
  if (!buf)
    return "";
  size_t k = 0;
  for (uint32_t i = 0; i < n;) {
    if (s[i] < 0x80) {
      buf[k++] = (char)s[i++];
      continue;
    }
    uint32_t cp;
    size_t l = dx_utf8_seq(s + i, n - i, &cp); /* (well-formed; printing escapes the rest) */
    if (l) {
      memcpy(buf + k, s + i, l);
      k += l;
      i += (uint32_t)l;
    } else { /* one U+FFFD for the maximal subpart of the ill-formed sequence */
      memcpy(buf + k, "\xef\xbf\xbd", 3);
      k += 3;
      i += (uint32_t)bad_utf8_len(s + i, n - i);
    }
  }
  buf[k] = 0;
  *outlen = k;
  return buf;
}

static const char *esc_str(dx_packet *p, const dx_tvb *t, uint32_t off, uint32_t len) {
  size_t l;
  return get_str(p, t, off, len, &l);
}

static void add_padding(dx_packet *p, dx_node *at, const dx_tvb *t, uint32_t off, uint32_t len) {
  if (len % 4)
    dx_add_uint(p, at, FL(F_PADDING), t, off + len, 4 - len % 4, 4 - len % 4);
}

static void add_string(dx_packet *p, dx_node *at, int f, const dx_tvb *t, uint32_t off,
                       uint32_t len) {
  if (!dx_tvb_has(t, off, len)) {
    dx_add_item(p, at, FL(f), t, off, len);
    return;
  }
  size_t l;
  const char *v = get_str(p, t, off, len, &l);
  dx_node *n = dx_add_string(p, at, FL(f), t, off, len, v, l);
  /* bytes other than NUL after a NUL: tshark's note on the string item */
  const uint8_t *b = dx_get_ptr(t, off, len);
  const uint8_t *z = b ? memchr(b, 0, len) : NULL;
  for (uint32_t i = z ? (uint32_t)(z - b) : len; i < len; i++)
    if (b[i]) {
      dx_expert(p, n, dx_field_stray(), DX_SEV_WARN, "Trailing stray characters");
      break;
    }
}

/* A text attribute named in its label and in Info (" user: NAME"). */
static void named_string(dx_packet *p, dx_node *at, int f, const dx_tvb *t, uint32_t off,
                         uint16_t len, const char *info) {
  add_string(p, at, f, t, off, len);
  const char *v = esc_str(p, t, off, len);
  dx_node_append_text(p, at, ": %s", v);
  dx_col_info_append(p, " %s: %s", info, v);
}

/* The reserved byte and the family of an address attribute (plain or
 * XOR-d), each as far as the attribute's length goes; true if it holds a
 * port too. */
static bool addr_head(dx_packet *p, dx_node *at, const dx_tvb *t, uint32_t off, uint16_t len) {
  if (len < 1)
    return false;
  dx_add_bytes(p, at, FL(F_RESERVED), t, off, 1);
  if (len < 2)
    return false;
  dx_add_item(p, at, FL(F_FAMILY), t, off + 1, 1);
  return len >= 4;
}

/* Dissects one attribute's value; false where tshark's reading of a field
 * runs past the end of the packet (its exception: the caller stops). */
static bool dissect_attribute(dx_packet *p, dx_node *at, const dx_tvb *t, uint32_t off,
                              uint16_t type, uint16_t len, const char *name, uint32_t cookie,
                              const uint8_t *tid) {
  uint8_t fam = 0;
  uint16_t port = 0;
  uint32_t v32 = 0;
  switch (type) {
  case A_RESPONSE_ADDRESS:
  case A_SOURCE_ADDRESS:
  case A_CHANGED_ADDRESS:
  case A_REFLECTED_FROM:
  case A_DESTINATION_ADDRESS:
  case A_MAPPED_ADDRESS:
  case A_ALTERNATE_SERVER:
  case A_RESPONSE_ORIGIN:
  case A_OTHER_ADDRESS:
  case A_MS_ALT_MAPPED_ADDRESS: {
    bool deprecated = type <= A_DESTINATION_ADDRESS && type != A_MAPPED_ADDRESS;
    if (!addr_head(p, at, t, off, len))
      break;
    dx_add_item(p, at, FL(F_PORT), t, off + 2, 2);
    if (!dx_get_u8(t, off + 1, &fam) || !dx_get_u16(t, off + 2, &port))
      break;
    if (fam == 1 && len >= 8 && dx_get_u32(t, off + 4, &v32)) {
      dx_add_item(p, at, FL(F_IPV4), t, off + 4, 4);
      char ip[16];
      dx_snprintf(ip, sizeof ip, "%u.%u.%u.%u", v32 >> 24, (v32 >> 16) & 0xff, (v32 >> 8) & 0xff,
                  v32 & 0xff);
      dx_node_append_text(p, at, "%s: %s:%u", deprecated ? " (Deprecated)" : "", ip, port);
      if (!deprecated)
        dx_col_info_append(p, " %s: %s:%u", name, ip, port);
    } else if (fam == 2 && len >= 20) {
      dx_add_item(p, at, FL(F_IPV6), t, off + 4, 16);
      /* (tshark 4.0 names an IPv6 address in the label and Info, but not
       * one of RFC 3489's deprecated attributes) */
      const uint8_t *a = dx_get_ptr(t, off + 4, 16);
      char s[INET6_ADDRSTRLEN];
      if (a && !deprecated && inet_ntop(AF_INET6, a, s, sizeof s)) {
        dx_node_append_text(p, at, ": %s:%u", s, port);
        dx_col_info_append(p, " %s: %s:%u", name, s, port);
      }
    }
    break;
  }
  case A_XOR_MAPPED_ADDRESS:
  case A_XOR_PEER_ADDRESS:
  case A_XOR_RELAYED_ADDRESS:
  case A_XOR_RESPONSE_TARGET:
  case A_XOR_REFLECTED_FROM:
  case A_MS_XOR_MAPPED_ADDRESS: {
    if (!addr_head(p, at, t, off, len))
      break;
    dx_add_bytes(p, at, FL(F_XOR_PORT), t, off + 2, 2);
    if (!dx_get_u8(t, off + 1, &fam) || !dx_get_u16(t, off + 2, &port))
      break;
    port ^= (uint16_t)(cookie >> 16);
    dx_node_set_flags(dx_add_uint(p, at, FL(F_PORT), t, off + 2, 2, port), DX_NODE_GENERATED);
    if (len < 8)
      break;
    if (fam == 1 && dx_get_u32(t, off + 4, &v32)) {
      dx_add_bytes(p, at, FL(F_XOR_IPV4), t, off + 4, 4);
      v32 ^= cookie;
      dx_node_set_flags(dx_add_uint(p, at, FL(F_IPV4), t, off + 4, 4, v32), DX_NODE_GENERATED);
      char ip[16];
      dx_snprintf(ip, sizeof ip, "%u.%u.%u.%u", v32 >> 24, (v32 >> 16) & 0xff, (v32 >> 8) & 0xff,
                  v32 & 0xff);
      dx_node_append_text(p, at, ": %s:%u", ip, port);
      dx_col_info_append(p, " %s: %s:%u", name, ip, port);
    } else if (fam == 2 && len >= 20) {
      const uint8_t *a = dx_get_ptr(t, off + 4, 16);
      if (!a) {
        dx_add_bytes(p, at, FL(F_XOR_IPV6), t, off + 4, 16);
        break;
      }
      dx_add_bytes(p, at, FL(F_XOR_IPV6), t, off + 4, 16);
      uint8_t ip6[16], key[16];
      key[0] = (uint8_t)(cookie >> 24);
      key[1] = (uint8_t)(cookie >> 16);
      key[2] = (uint8_t)(cookie >> 8);
      key[3] = (uint8_t)cookie;
      memcpy(key + 4, tid, 12);
      for (int i = 0; i < 16; i++)
        ip6[i] = a[i] ^ key[i];
      dx_node_set_flags(dx_add_bytes_val(p, at, FL(F_IPV6), t, off + 4, 16, ip6, 16),
                        DX_NODE_GENERATED);
      char s[INET6_ADDRSTRLEN];
      if (inet_ntop(AF_INET6, ip6, s, sizeof s)) {
        dx_node_append_text(p, at, ": %s:%u", s, port);
        dx_col_info_append(p, " %s: %s:%u", name, s, port);
      }
    }
    break;
  }
  case A_USERNAME: named_string(p, at, F_USERNAME, t, off, len, "user"); break;
  case A_MESSAGE_INTEGRITY:
    if (len < 20)
      break;
    dx_add_bytes(p, at, FL(F_HMAC), t, off, len);
    break;
  case A_ERROR_CODE: {
    if (len < 2)
      break;
    dx_add_bytes(p, at, FL(F_RESERVED), t, off, 2);
    if (len < 3)
      break;
    dx_add_item(p, at, FL(F_ERROR_CLASS), t, off + 2, 1);
    if (len < 4)
      break;
    dx_add_item(p, at, FL(F_ERROR), t, off + 3, 1);
    uint8_t cls, num;
    if (!dx_get_u8(t, off + 2, &cls) || !dx_get_u8(t, off + 3, &num))
      break;
    /* (the whole class byte, as tshark's Info: its tree item shows the
     * class's three bits) */
    unsigned code = (unsigned)cls * 100 + num;
    const char *es = dx_val_name_def(error_vals, code, "*Unknown error code*");
    dx_node_append_text(p, at, " %u (%s)", code, es);
    dx_col_info_append(p, " error-code: %u (%s)", code, es);
    if (len < 5)
      break;
    add_string(p, at, F_ERROR_REASON, t, off + 4, len - 4u);
    const char *r = esc_str(p, t, off + 4, len - 4u);
    dx_node_append_text(p, at, ": %s", r);
    dx_col_info_append(p, " %s", r);
    break;
  }
  case A_REALM: named_string(p, at, F_REALM, t, off, len, "realm"); break;
  case A_NONCE:
    add_string(p, at, F_NONCE, t, off, len);
    dx_node_append_text(p, at, ": %s", esc_str(p, t, off, len));
    dx_col_info_append(p, " with nonce");
    break;
  case A_SOFTWARE: add_string(p, at, F_SOFTWARE, t, off, len); break;
  case A_FINGERPRINT: {
    if (len < 4)
      break;
    uint32_t crc;
    if (!dx_get_u32(t, off, &crc)) {
      dx_add_item(p, at, FL(F_CRC32), t, off, len);
      break;
    }
    /* (its first four bytes, over the attribute's length, as tshark) */
    dx_node *n = dx_add_uint(p, at, FL(F_CRC32), t, off, len, crc);
    /* the CRC of the message up to this attribute, XOR 0x5354554e */
    const uint8_t *msg = dx_get_ptr(t, 0, off - 4);
    if (!n || !msg)
      break;
    uint32_t want = crc32_of(msg, off - 4) ^ 0x5354554eu;
    if (crc == want) {
      dx_node_append_text(p, n, " [correct]");
      dx_node_set_flags(dx_add_uint(p, at, FL(F_CRC32_STATUS), t, off, len, 1), DX_NODE_GENERATED);
    } else {
      dx_node_append_text(p, n, " incorrect, should be 0x%08x", want);
      dx_expert(p, n, FL(F_CRC32_BAD), DX_SEV_WARN, "Bad Fingerprint [should be 0x%08x]", want);
      dx_node_set_flags(dx_add_uint(p, at, FL(F_CRC32_STATUS), t, off, len, 0), DX_NODE_GENERATED);
    }
    break;
  }
  case A_PRIORITY:
    if (len < 4)
      break;
    dx_add_item(p, at, FL(F_PRIORITY), t, off, 4);
    break;
  case A_CHANGE_REQUEST:
    if (len < 4)
      break;
    dx_add_item(p, at, FL(F_CHANGE_IP), t, off, 4);
    dx_add_item(p, at, FL(F_CHANGE_PORT), t, off, 4);
    break;
  case 0x0017: /* REQUESTED-ADDRESS-FAMILY */
    if (len < 1)
      break;
    dx_add_item(p, at, FL(F_FAMILY), t, off, 1);
    if (len >= 4)
      dx_add_bytes(p, at, FL(F_RESERVED), t, off + 1, 3);
    break;
  case 0x0018: /* EVEN-PORT */
    if (len >= 1)
      dx_add_item(p, at, FL(F_RESERVE_NEXT), t, off, 1);
    break;
  case 0x0022: /* RESERVATION-TOKEN */
    if (len >= 8)
      dx_add_bytes(p, at, FL(F_TOKEN), t, off, 8);
    break;
  case 0x0026: /* PADDING: the value itself */
    dx_add_uint(p, at, FL(F_PADDING), t, off, len, len);
    break;
  case A_PASSWORD: dx_add_bytes(p, at, FL(F_PASSWORD), t, off, len); break;
  case 0x8050: /* MS-SEQUENCE-NUMBER: 24 bytes whatever the length, as tshark */
    if (!dx_tvb_has(t, off, 20))
      return false;
    dx_add_bytes(p, at, FL(F_MS_CONNECTION_ID), t, off, 20);
    if (!dx_tvb_has(t, off + 20, 4))
      return false;
    dx_add_item(p, at, FL(F_MS_SEQUENCE_NUMBER), t, off + 20, 4);
    break;
  case 0x8095: /* MS-MULTIPLEXED-TURN-SESSION-ID: 8 bytes whatever the length */
    if (!dx_tvb_has(t, off, 8))
      return false;
    dx_add_item(p, at, FL(F_MS_MULTIPLEXED_TURN_ID), t, off, 8);
    break;
  case 0x8060: /* a site address response: 12 bytes whatever the length */
    if (!dx_tvb_has(t, off, 4))
      return false;
    dx_add_item(p, at, FL(F_RP_VALID), t, off, 4);
    dx_add_item(p, at, FL(F_RP_RESERVED), t, off, 4);
    for (int i = 0; i < 2; i++) {
      if (!dx_tvb_has(t, off + 4 + 4u * (unsigned)i, 4))
        return false;
      dx_add_item(p, at, FL(i ? F_RP_MAX_RECV : F_RP_MAX_SEND), t, off + 4 + 4u * (unsigned)i, 4);
    }
    break;
  case 0x8006: /* MS-TURN's unknown 0x8006 */
    dx_add_bytes(p, at, FL(F_UNKNOWN_8006), t, off, len);
    break;
  case 0x8055: /* MS-SERVICE-QUALITY: four bytes whatever the length, as tshark */
    dx_add_item(p, at, FL(F_MS_STREAM_TYPE), t, off, 2);
    dx_add_item(p, at, FL(F_MS_SERVICE_QUALITY), t, off + 2, 2);
    break;
  case 0x0030: /* LEGACY-ICMP */
    if (len < 4)
      break;
    dx_add_item(p, at, FL(F_ICMP_TYPE), t, off, 1);
    dx_add_item(p, at, FL(F_ICMP_CODE), t, off + 1, 1);
    break;
  case A_ICE_CONTROLLED:
  case A_ICE_CONTROLLING:
    if (len < 8)
      break;
    dx_add_bytes(p, at, FL(F_TIE_BREAKER), t, off, 8);
    break;
  case A_LIFETIME:
    if (len < 4 || !dx_get_u32(t, off, &v32))
      break;
    dx_add_item(p, at, FL(F_LIFETIME), t, off, 4);
    dx_node_append_text(p, at, " %d", (int)v32);
    dx_col_info_append(p, " lifetime: %d", (int)v32);
    break;
  case A_BANDWIDTH:
    if (len < 4 || !dx_get_u32(t, off, &v32))
      break;
    dx_add_item(p, at, FL(F_BANDWIDTH), t, off, 4);
    dx_node_append_text(p, at, " %d", (int)v32);
    dx_col_info_append(p, " bandwidth: %d", (int)v32);
    break;
  case A_REQUESTED_TRANSPORT: {
    uint8_t tr;
    if (len < 1)
      break;
    dx_add_item(p, at, FL(F_TRANSP), t, off, 1);
    if (len < 4 || !dx_get_u8(t, off, &tr))
      break;
    const char *ts = dx_val_name(transp_vals, tr);
    char buf[32];
    if (!ts) {
      dx_snprintf(buf, sizeof buf, "Unknown (0x%8x)", tr);
      ts = buf;
    }
    dx_node_append_text(p, at, ": %s", ts);
    dx_col_info_append(p, " %s", ts);
    dx_add_bytes(p, at, FL(F_RESERVED), t, off + 1, 3);
    break;
  }
  case A_CHANNEL_NUMBER: {
    uint16_t ch;
    if (len < 4 || !dx_get_u16(t, off, &ch))
      break;
    dx_add_item(p, at, FL(F_CHANNELNUM), t, off, 2);
    dx_node_append_text(p, at, ": 0x%x", ch);
    dx_col_info_append(p, " ChannelNumber=0x%x", ch);
    dx_add_bytes(p, at, FL(F_RESERVED), t, off + 2, 2);
    break;
  }
  case 0x000f: /* MAGIC-COOKIE */
    if (len < 4)
      break;
    dx_add_item(p, at, FL(F_MAGIC_COOKIE), t, off, 4);
    break;
  case 0x8008: { /* MS-VERSION: four bytes whatever the length says, as tshark 4.0 */
    dx_add_item(p, at, FL(F_MS_VERSION), t, off, 4);
    if (!dx_get_u32(t, off, &v32))
      break;
    const char *vn = dx_val_name(ms_version_vals, v32);
    if (vn)
      dx_node_append_text(p, at, ": %s", vn);
    else /* (tshark's format: decimal after "0x") */
      dx_node_append_text(p, at, ": Unknown (0x%u)", v32);
    break;
  }
  case A_UNKNOWN_ATTRIBUTES: /* two bytes each, the last one past an odd length too */
    for (uint32_t i = 0; i < len; i += 2)
      dx_add_item(p, at, FL(F_UNKNOWN), t, off + i, 2);
    break;
  case 0x8070: { /* MS-IMPLEMENTATION-VERSION: four bytes whatever the length, as tshark */
    if (!dx_get_u32(t, off, &v32)) {
      dx_add_item(p, at, FL(F_MS_VERSION_ICE), t, off, 4);
      break;
    }
    const char *iv = v32 >= 3 ? "Supports RFC5389 message formats"
                              : "Supports only RFC3489bis-02 message formats";
    dx_node *n = dx_add_item(p, at, FL(F_MS_VERSION_ICE), t, off, 4);
    dx_node_set_text(p, n, "MS ICE Version: %s (%u)", iv, v32);
    dx_node_append_text(p, at, ": %s", iv);
    break;
  }
  case 0x8054: /* MS-CANDIDATE-IDENTIFIER */ add_string(p, at, F_MS_FOUNDATION, t, off, len); break;
  case 0xc057: /* GOOG-NETWORK-INFO: four bytes whatever the length, as tshark */
    dx_add_item(p, at, FL(F_GOOG_NET_ID), t, off, 2);
    dx_add_item(p, at, FL(F_GOOG_NET_COST), t, off + 2, 2);
    break;
  case A_DATA:
    if (len > 0) {
      dx_add_bytes(p, at, FL(F_VALUE), t, off, len);
      dx_tvb d = dx_tvb_sub(t, off, len);
      dx_dissect_data(p, &d, at);
    }
    break;
  default:
    if (len > 0)
      dx_add_bytes(p, at, FL(F_VALUE), t, off, len);
    break;
  }
  return true;
}

/* ---- messages ---------------------------------------------------------------------- */

/* An attribute longer than what is left: tshark 4.0 reads its value and
 * stops there with "[Malformed Packet: STUN]" after the layer (the
 * message length is the datagram's, so the packet itself is short). */
static void ran_out(dx_packet *p, dx_node *st) {
  dx_tvb t0 = {0};
  (void)st;
  p->bad |= DX_BAD_TRUNCATED;
  dx_node *m = dx_add_none(p, dx_packet_root_mut(p), dx_field_malformed(), &t0, 0, 0);
  if (dx_label_wanted(p, m))
    dx_node_set_text(p, m, "[Malformed Packet: STUN]");
  dx_expert(p, m, dx_field_malformed(), DX_SEV_ERROR, "Malformed Packet (Exception occurred)");
}

static uint32_t dissect_channel_data(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  uint16_t type, len;
  if (!dx_get_u16(t, 0, &type) || !dx_get_u16(t, 2, &len) || type == 0xffff)
    return 0;
  uint32_t r = t->reported;
  if (r != (uint32_t)len + 4 && r != (((uint32_t)len + 4 + 3) & ~3u))
    return 0;
  dx_col_set_proto(p, "STUN");
  dx_col_info_set(p, "ChannelData TURN Message");
  dx_node *st = dx_add_proto(p, parent, FL(F_STUN), t, 0, 4);
  dx_node_append_text(p, st, ", TURN ChannelData Message");
  dx_add_item(p, st, FL(F_CHANNEL), t, 0, 2);
  dx_add_item(p, st, FL(F_LENGTH), t, 2, 2);
  uint32_t doff = 4, dlen = len;
  if (type == 0xff10 && len >= 8) { /* MS-TURN's multiplex channel: a session id first */
    dx_add_item(p, st, FL(F_MS_TURN_SESSION_ID), t, 4, 8);
    doff = 12;
    dlen = len - 8u;
  }
  dx_tvb d = dx_tvb_sub(t, doff, dlen); /* the padding after it is nobody's */
  if (d.reported) /* tshark's "stun" heuristic table holds nothing it tries here */
    dx_dissect_data(p, &d, parent);
  return t->reported;
}

static uint32_t dissect_stun_msg(dx_packet *p, const dx_tvb *t, dx_node *parent, bool heur) {
  uint16_t type, mlen;
  uint32_t cookie;
  if (t->len < 4 || !dx_get_u16(t, 0, &type) || !dx_get_u16(t, 2, &mlen))
    return 0;
  if (type & 0xc000) {
    /* never by the heuristic; by the port, or on a conversation the
     * heuristic made STUN's, a channel number of 0x4000-0x7fff (RFC 7983's
     * demultiplexing) or MS-TURN's multiplex channel 0xff10, as tshark 4.0 */
    if (heur || ((type & 0xc000) != 0x4000 && type != 0xff10))
      return 0;
    return dissect_channel_data(p, t, parent);
  }
  if (t->len < 20 || !dx_get_u32(t, 4, &cookie) || cookie != 0x2112a442u)
    return 0;
  if (t->reported != (uint32_t)mlen + 20)
    return 0;
  const uint8_t *tid = dx_get_ptr(t, 8, 12);
  if (!tid)
    return 0;
  unsigned cls = ((type & 0x0010) >> 4) | ((type & 0x0100) >> 7);
  unsigned method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  const char *cs = dx_val_name_def(class_vals, cls, "Unknown");
  const char *ms = dx_val_name(method_vals, method);
  if (!ms) /* tshark 4.0 takes only the methods it knows */
    return 0;

  dx_col_set_proto(p, "STUN");
  dx_col_info_set(p, "%s %s", ms, cs);
  dx_node *st = dx_add_proto(p, parent, FL(F_STUN), t, 0, t->len);

  /* the UDP conversation */
  int dir;
  dx_flow *fl = dx_flow_find(p, &dir); /* inside an ICMP error too, as tshark */
  stun_state *ss = dx_proto_state(p, &dx_proto_stun);
  if (ss && !stun_tables(ss))
    ss = NULL;
  if (ss && fl) {
    stun_trans *tr = trans_get(ss, p, fl->index, tid);
    if (cls == 0) {
      if (!tr->req_frame)
        tr->req_frame = p->num;
      if (tr->req_frame != p->num)
        dx_node_set_flags(dx_add_uint(p, st, FL(F_DUPLICATE), t, 0, 0, tr->req_frame),
                          DX_NODE_GENERATED);
      if (tr->rep_frame)
        dx_node_set_flags(dx_add_uint(p, st, FL(F_RESPONSE_IN), t, 0, 0, tr->rep_frame),
                          DX_NODE_GENERATED);
    } else {
      if (!tr->rep_frame)
        tr->rep_frame = p->num;
      if (tr->rep_frame != p->num)
        dx_node_set_flags(dx_add_uint(p, st, FL(F_DUPLICATE), t, 0, 0, tr->rep_frame),
                          DX_NODE_GENERATED);
      if ((cls == 2 || cls == 3) && tr->req_frame) {
        dx_node_set_flags(dx_add_uint(p, st, FL(F_RESPONSE_TO), t, 0, 0, tr->req_frame),
                          DX_NODE_GENERATED);
        int64_t ds;
        int32_t dn;
        dx_time_sub(p->frame.ts_sec, (int32_t)p->frame.ts_nsec, tr->req_sec, tr->req_nsec, &ds,
                    &dn);
        dx_node_set_flags(dx_add_time(p, st, FL(F_TIME), t, 0, 0, ds, dn), DX_NODE_GENERATED);
      }
    }
  }

  dx_node *ty = dx_add_uint(p, st, FL(F_TYPE), t, 0, 2, type);
  dx_node_set_text(p, ty, "Message Type: 0x%04x (%s %s)", type, ms, cs);
  dx_node *n = dx_add_item(p, ty, FL(F_CLASS), t, 0, 2);
  dx_node_append_text(p, n, " %s (%u)", cs, cls);
  n = dx_add_item(p, ty, FL(F_METHOD), t, 0, 2);
  dx_node_append_text(p, n, " %s (0x%03x)", ms, method);
  dx_add_item(p, ty, FL(F_METHOD_ASSIGN), t, 0, 2);
  dx_add_item(p, st, FL(F_LENGTH), t, 2, 2);
  dx_add_bytes(p, st, FL(F_COOKIE), t, 4, 4);
  dx_add_bytes(p, st, FL(F_ID), t, 8, 12);

  if (mlen) {
    dx_node_set_flags(dx_add_uint(p, st, FL(F_NETWORK_VERSION), t, 0, 0, 3), DX_NODE_GENERATED);
    dx_node *under = st;
    if (mlen % 4) { /* tshark puts the attributes under this note */
      under = dx_add_none(p, st, FL(F_WRONG_MSGLEN_ITEM), t, 0, 0);
      dx_expert(p, under, FL(F_WRONG_MSGLEN), DX_SEV_ERROR,
                "Packet length is not multiple of 4 bytes");
    }
    dx_node *all = dx_add_none(p, under, FL(F_ATTRIBUTES), t, 20, mlen);
    uint32_t off = 20, end = 20u + mlen;
    while (off < end) {
      uint16_t at_type, at_len;
      if (!dx_get_u16(t, off, &at_type) || !dx_get_u16(t, off + 2, &at_len))
        break;
      const char *name = dx_val_name(attr_vals, at_type);
      dx_node *at;
      if (name) {
        at = dx_add_uint(p, all, FL(F_ATTR), t, off, 4u + at_len, at_type);
        dx_node_set_text(p, at, "%s", name);
        dx_node *tn = dx_add_uint(p, at, FL(F_ATT_TYPE), t, off, 2, at_type);
        dx_node_set_text(p, tn, "Attribute Type: %s", name);
        dx_add_item(p, tn, FL(F_ATT_COMPREHENSION), t, off, 2);
        dx_add_item(p, tn, FL(F_ATT_ASSIGNMENT), t, off, 2);
      } else { /* tshark's item is the note's own */
        at = dx_add_none(p, all, FL(F_UNKNOWN_ATTRIBUTE_ITEM), t, off, 4u + at_len);
        dx_node_set_text(p, at, "Unknown attribute 0x%04x", at_type);
        dx_expert(p, at, FL(F_UNKNOWN_ATTRIBUTE), DX_SEV_WARN, "Unknown attribute 0x%04x", at_type);
      }
      uint32_t padded = ((uint32_t)at_len + 3) & ~3u;
      if (!name && off + 4u + at_len > end) {
        /* tshark 4.0 checks the length of known attributes only, and reads
         * the value of another past the end */
        dx_add_uint(p, at, FL(F_ATT_LENGTH), t, off + 2, 2, at_len);
        ran_out(p, st);
        break;
      }
      if (name && off + 4u + padded > end) { /* tshark 4.0 shows the padded length */
        dx_node *ln = dx_add_uint(p, at, FL(F_ATT_LENGTH), t, off + 2, 2, padded);
        dx_node_set_text(p, ln, "Attribute Length: %u (bogus, goes past the end of the message)",
                         padded);
        break;
      }
      dx_add_uint(p, at, FL(F_ATT_LENGTH), t, off + 2, 2, at_len);
      if (!dissect_attribute(p, at, t, off + 4, at_type, at_len, name ? name : "Unknown", cookie,
                             tid)) {
        ran_out(p, st);
        break;
      }
      /* every attribute's padding last, as tshark 4.0 (whatever its value
       * showed, a short one too) */
      add_padding(p, at, t, off + 4, at_len);
      off += 4u + (((uint32_t)at_len + 3) & ~3u);
    }
  }

  if (heur && fl && !fl->app && !p->in_icmp_error)
    fl->app = &dx_proto_stun;
  if (t->len < t->reported)
    dx_mark_truncated(p, st, "the capture cut the STUN message");
  return t->reported;
}

static uint32_t dissect_stun(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  return dissect_stun_msg(p, t, parent, false);
}

static uint32_t heur_stun(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  return dissect_stun_msg(p, t, parent, true);
}

static const dx_reg stun_regs[] = {{DX_TABLE_UDP_PORT, 3478}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_stun = {
    .name = "stun",
    .label = "Session Traversal Utilities for NAT",
    .fields = stun_fields,
    .nfields = DX_ARRAY_LEN(stun_fields),
    .dissect = dissect_stun,
    .heuristic_udp = heur_stun,
    .regs = stun_regs,
    .state_new = stun_state_new,
    .state_free = stun_state_free,
    .state_reset = stun_state_reset,
};
