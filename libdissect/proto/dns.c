/* Domain Name System.
 *
 * RFC 1035 (message format, 4.1; name compression, 4.1.4; the two-byte
 * length prefix over TCP, 4.2.2), RFC 2136 (UPDATE section names), RFC 2181
 * section 8 (TTL high bit), RFC 2782 (SRV), RFC 3596 (AAAA), RFC 6891
 * (EDNS(0) OPT pseudo-RR), RFC 5001 (NSID), RFC 7830 (padding), RFC 7871
 * (client subnet), RFC 7873 (cookies), RFC 7766 (several messages per TCP
 * stream).
 *
 * Field names, labels and the Info column follow tshark 4.0, including its
 * quirks where they are harmless (e.g. "[Label Count]" counts the dots of
 * the shown name plus one, so the root name has one label).
 *
 * Safety: names are decoded with a bound on pointer jumps, on the name
 * length (253 characters shown, as tshark) and on labels; every record is
 * framed by its RDLENGTH, so a bad record stops only itself unless its
 * framing is broken, in which case dissection stops with what was done so
 * far kept and the node marked truncated or malformed.
 *
 * Query/response matching keeps a bounded per-session table keyed by
 * (transport, client address and port, server address and port, ID).
 */
#include "../core/dx.h"
#include "http_body.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  F_DNS,
  F_LENGTH,
  F_ID,
  F_FLAGS,
  F_FL_RESPONSE,
  F_FL_OPCODE,
  F_FL_AA,
  F_FL_TC,
  F_FL_RD,
  F_FL_RA,
  F_FL_Z,
  F_FL_AD,
  F_FL_CD,
  F_FL_RCODE,
  F_FL_CONFLICT,
  F_FL_TENTATIVE,
  F_CNT_QUERIES,
  F_CNT_ZONES,
  F_CNT_ANSWERS,
  F_CNT_PREREQ,
  F_CNT_AUTH,
  F_CNT_UPDATES,
  F_CNT_ADD,
  F_SEC_QUERIES,
  F_SEC_ANSWERS,
  F_SEC_AUTH,
  F_SEC_ADD,
  F_QUERY,
  F_RR,
  F_QRY_NAME,
  F_QRY_NAME_LEN,
  F_CNT_LABELS,
  F_QRY_TYPE,
  F_QRY_CLASS,
  F_QRY_QU,
  F_RESP_NAME,
  F_RESP_TYPE,
  F_RESP_CLASS,
  F_RESP_CACHE_FLUSH,
  F_RESP_TTL,
  F_RESP_LEN,
  F_A,
  F_AAAA,
  F_CNAME,
  F_NS,
  F_DNAME,
  F_PTR,
  F_MX_PREF,
  F_MX_EXCH,
  F_TXT_LEN,
  F_TXT,
  F_SPF_LEN,
  F_SPF,
  F_HINFO_CPU_LEN,
  F_HINFO_CPU,
  F_HINFO_OS_LEN,
  F_HINFO_OS,
  F_SOA_MNAME,
  F_SOA_RNAME,
  F_SOA_SERIAL,
  F_SOA_REFRESH,
  F_SOA_RETRY,
  F_SOA_EXPIRE,
  F_SOA_MINIMUM,
  F_SRV_SERVICE,
  F_SRV_PROTO,
  F_SRV_NAME,
  F_SRV_PRIORITY,
  F_SRV_WEIGHT,
  F_SRV_PORT,
  F_SRV_TARGET,
  F_NSEC_NEXT,
  F_NSEC3_ALGO,
  F_NSEC3_FLAGS,
  F_NSEC3_OPTOUT,
  F_NSEC3_ITER,
  F_NSEC3_SALT_LEN,
  F_NSEC3_SALT,
  F_NSEC3_HASH_LEN,
  F_NSEC3_HASH,
  F_RRSIG_TYPE,
  F_RRSIG_ALGO,
  F_RRSIG_LABELS,
  F_RRSIG_OTTL,
  F_RRSIG_EXPIRATION,
  F_RRSIG_INCEPTION,
  F_RRSIG_KEY_TAG,
  F_RRSIG_SIGNER,
  F_RRSIG_SIGNATURE,
  F_DNSKEY_FLAGS,
  F_DNSKEY_ZONE_KEY,
  F_DNSKEY_REVOKED,
  F_DNSKEY_SEP,
  F_DNSKEY_RESERVED,
  F_DNSKEY_PROTOCOL,
  F_DNSKEY_ALGO,
  F_DNSKEY_KEY_ID,
  F_DNSKEY_PUBLIC_KEY,
  F_DS_KEY_ID,
  F_DS_ALGO,
  F_DS_DIGEST_TYPE,
  F_DS_DIGEST,
  F_TLSA_USAGE,
  F_TLSA_SELECTOR,
  F_TLSA_MATCHING,
  F_TLSA_DATA,
  F_SSHFP_ALGO,
  F_SSHFP_FP_TYPE,
  F_SSHFP_FP,
  F_CAA_FLAGS,
  F_CAA_CRITICAL,
  F_CAA_ISSUE,
  F_CAA_ISSUEWILD,
  F_CAA_IODEF,
  F_CAA_UNKNOWN,
  F_CAA_TAG_LEN,
  F_CAA_TAG,
  F_CAA_VALUE,
  F_UDP_PAYLOAD,
  F_UDP_PAYLOAD_MDNS,
  F_EXT_RCODE,
  F_EDNS0_VERSION,
  F_RESP_Z,
  F_RESP_Z_DO,
  F_RESP_Z_RESERVED,
  F_OPT,
  F_OPT_CODE,
  F_OPT_LEN,
  F_OPT_DATA,
  F_OPT_CLIENT_FAMILY,
  F_OPT_CLIENT_NETMASK,
  F_OPT_CLIENT_SCOPE,
  F_OPT_CLIENT_ADDR,
  F_OPT_CLIENT_ADDR4,
  F_OPT_CLIENT_ADDR6,
  F_OPT_COOKIE_CLIENT,
  F_OPT_COOKIE_SERVER,
  F_OPT_PADDING,
  F_OPT_EDE_CODE,
  F_OPT_EDE_TEXT,
  F_SVCB_PRIORITY,
  F_SVCB_TARGET,
  F_SVCB_PARAM,
  F_SVCB_KEY,
  F_SVCB_VALUE_LEN,
  F_SVCB_VALUE,
  F_SVCB_MANDATORY,
  F_SVCB_ALPN_LEN,
  F_SVCB_ALPN,
  F_SVCB_PORT,
  F_SVCB_IPV4HINT,
  F_SVCB_ECH,
  F_SVCB_IPV6HINT,
  F_SVCB_ODOH,
  F_DATA,
  F_NULL,
  F_EXTRANEOUS,
  F_EXTRANEOUS_DATA,
  F_EXTRANEOUS_LEN,
  F_RESPONSE_TO,
  F_TIME,
  F_UNSOLICITED,
  F_RETRANSMISSION,
  F_RETRANS_REQ_IN,
  F_RETRANS_RESP_IN,
  F_EXP_RETRANS_REQ,
  F_EXP_RETRANS_RESP,
  F_EXP_TTL_HIGH,
  F_EXP_UNDECODED,
  F_EXP_KEY_ID_SHORT,
};

/* Type names as tshark 4.0 shows them in "Type:" lines; the short name used
 * in summaries is the first word (and "ANY" for 255). */
static const dx_vals type_vals[] = {
    {0, "Unused"},
    {1, "A (Host Address)"},
    {2, "NS (authoritative Name Server)"},
    {3, "MD (Mail Destination)"},
    {4, "MF (Mail Forwarder)"},
    {5, "CNAME (Canonical NAME for an alias)"},
    {6, "SOA (Start Of a zone of Authority)"},
    {7, "MB (MailBox domain name)"},
    {8, "MG (Mail Group member)"},
    {9, "MR (Mail Rename domain)"},
    {10, "NULL RR"},
    {11, "WKS (Well Known Service)"},
    {12, "PTR (domain name PoinTeR)"},
    {13, "HINFO (host information)"},
    {14, "MINFO (Mailbox or mail list information)"},
    {15, "MX (Mail eXchange)"},
    {16, "TXT (Text strings)"},
    {17, "RP (Responsible Person)"},
    {18, "AFSDB (AFS Data Base location)"},
    {19, "X25 (XX.25 PSDN address)"},
    {20, "ISDN (ISDN address)"},
    {21, "RT (Route Through)"},
    {22, "NSAP (NSAP address)"},
    {23, "NSAP-PTR (NSAP domain name pointer)"},
    {24, "SIG (security signature)"},
    {25, "KEY (security key)"},
    {26, "PX (X.400 mail mapping information)"},
    {27, "GPOS (Geographical Position)"},
    {28, "AAAA (IPv6 Address)"},
    {29, "LOC (Location Information)"},
    {30, "NXT (Next Domain)"},
    {31, "EID (Endpoint Identifier)"},
    {32, "NIMLOC (Nimrod Locator)"},
    {33, "SRV (Server Selection)"},
    {34, "ATMA (ATM Address)"},
    {35, "NAPTR (Naming Authority Pointer)"},
    {36, "KX (Key Exchanger)"},
    {37, "CERT"},
    {38, "A6 (OBSOLETE - use AAAA)"},
    {39, "DNAME"},
    {40, "SINK"},
    {41, "OPT"},
    {42, "APL"},
    {43, "DS (Delegation Signer)"},
    {44, "SSHFP (SSH Key Fingerprint)"},
    {45, "IPSECKEY"},
    {46, "RRSIG (Resource Record Signature)"},
    {47, "NSEC (Next Secure)"},
    {48, "DNSKEY (DNS Public Key)"},
    {49, "DHCID"},
    {50, "NSEC3"},
    {51, "NSEC3PARAM"},
    {52, "TLSA"},
    {55, "HIP (Host Identity Protocol)"},
    {57, "RKEY"},
    {58, "TALINK (Trust Anchor LINK)"},
    {59, "CDS (Child DS)"},
    {60, "CDNSKEY (DNSKEY(s) the Child wants reflected in DS)"},
    {61, "OPENPGPKEY (OpenPGP Key)"},
    {62, "CSYNC (Child-to-Parent Synchronization)"},
    {63, "ZONEMD"},
    {64, "SVCB (General Purpose Service Endpoints)"},
    {65, "HTTPS (HTTPS Specific Service Endpoints)"},
    {99, "SPF"},
    {100, "UINFO"},
    {101, "UID"},
    {102, "GID"},
    {103, "UNSPEC"},
    {104, "NID (NodeID)"},
    {105, "L32 (Locator32)"},
    {106, "L64 (Locator64)"},
    {107, "LP (Locator FQDN)"},
    {108, "EUI48"},
    {109, "EUI64"},
    {249, "TKEY (Transaction Key)"},
    {250, "TSIG (Transaction Signature)"},
    {251, "IXFR (incremental transfer)"},
    {252, "AXFR (transfer of an entire zone)"},
    {253, "MAILB (mailbox-related RRs)"},
    {254, "MAILA (mail agent RRs)"},
    {255, "* (A request for all records the server/cache has available)"},
    {256, "URI"},
    {257, "CAA (Certification Authority Restriction)"},
    {32768, "TA (DNSSEC Trust Authorities)"},
    {32769, "DLV (DNSSEC Lookaside Validation)"},
    {65281, "WINS"},
    {65282, "WINS-R"},
    {65422, "XPF"},
    {0, NULL}};

enum {
  T_A = 1,
  T_NS = 2,
  T_CNAME = 5,
  T_SOA = 6,
  T_NULL = 10,
  T_PTR = 12,
  T_HINFO = 13,
  T_MX = 15,
  T_TXT = 16,
  T_AAAA = 28,
  T_SRV = 33,
  T_DNAME = 39,
  T_OPT = 41,
  T_DS = 43,
  T_SSHFP = 44,
  T_RRSIG = 46,
  T_NSEC = 47,
  T_DNSKEY = 48,
  T_NSEC3 = 50,
  T_NSEC3PARAM = 51,
  T_TLSA = 52,
  T_CDS = 59,
  T_CDNSKEY = 60,
  T_SVCB = 64,
  T_HTTPS = 65,
  T_SPF = 99,
  T_ANY = 255,
  T_CAA = 257
};

static const dx_vals class_vals[] = {{1, "IN"},     {2, "CS"},    {3, "CH"}, {4, "HS"},
                                     {254, "NONE"}, {255, "ANY"}, {0, NULL}};

static const dx_vals opcode_vals[] = {{0, "Standard query"},
                                      {1, "Inverse query"},
                                      {2, "Server status request"},
                                      {4, "Zone change notification"},
                                      {5, "Dynamic update"},
                                      {6, "DNS Stateful operations (DSO)"},
                                      {0, NULL}};
enum { OPCODE_UPDATE = 5 };

static const dx_vals rcode_vals[] = {{0, "No error"},
                                     {1, "Format error"},
                                     {2, "Server failure"},
                                     {3, "No such name"},
                                     {4, "Not implemented"},
                                     {5, "Refused"},
                                     {6, "Name exists"},
                                     {7, "RRset exists"},
                                     {8, "RRset does not exist"},
                                     {9, "Not authoritative"},
                                     {10, "Name out of zone"},
                                     {11, "DSO-Type not implemented"},
                                     {16, "Bad OPT Version or TSIG Signature Failure"},
                                     {17, "Key not recognized"},
                                     {18, "Signature out of time window"},
                                     {19, "Bad TKEY Mode"},
                                     {20, "Duplicate key name"},
                                     {21, "Algorithm not supported"},
                                     {22, "Bad Truncation"},
                                     {23, "Bad/missing Server Cookie"},
                                     {0, NULL}};

static const dx_vals opt_code_vals[] = {{0, "Reserved"},
                                        {1, "LLQ - Long-lived query"},
                                        {2, "UL - Update lease"},
                                        {3, "NSID - Name Server Identifier"},
                                        {4, "Owner (reserved)"},
                                        {5, "DAU - DNSSEC Algorithm Understood (RFC6975)"},
                                        {6, "DHU - DS Hash Understood (RFC6975)"},
                                        {7, "N3U - NSEC3 Hash Understood (RFC6975)"},
                                        {8, "CSUBNET - Client subnet"},
                                        {9, "EDNS EXPIRE (RFC7314)"},
                                        {10, "COOKIE"},
                                        {11, "EDNS TCP Keepalive"},
                                        {12, "PADDING"},
                                        {13, "CHAIN"},
                                        {15, "Extended DNS Error"},
                                        {20730, "Experimental - CSUBNET - Client subnet"},
                                        {0, NULL}};
enum { OPT_CSUBNET = 8, OPT_COOKIE = 10, OPT_PADDING = 12, OPT_EDE = 15, OPT_CSUBNET_EXP = 20730 };

/* RFC 8914 4 (codes 30 and up: see ede_name()). */
static const dx_vals ede_vals[] = {{0, "Other Error"},
                                   {1, "Unsupported DNSKEY Algorithm"},
                                   {2, "Unsupported DS Digest Type"},
                                   {3, "Stale Answer"},
                                   {4, "Forged Answer"},
                                   {5, "DNSSEC Indeterminate"},
                                   {6, "DNSSEC Bogus"},
                                   {7, "Signature Expired"},
                                   {8, "Signature Not Yet Valid"},
                                   {9, "DNSKEY Missing"},
                                   {10, "RRSIGs Missing"},
                                   {11, "No Zone Key Bit Set"},
                                   {12, "NSEC Missing"},
                                   {13, "Cached Error"},
                                   {14, "Not Ready"},
                                   {15, "Blocked"},
                                   {16, "Censored"},
                                   {17, "Filtered"},
                                   {18, "Prohibited"},
                                   {19, "Stale NXDomain Answer"},
                                   {20, "Not Authoritative"},
                                   {21, "Not Supported"},
                                   {22, "No Reachable Authority"},
                                   {23, "Network Error"},
                                   {24, "Invalid Data"},
                                   {25, "Signature Expired before Valid"},
                                   {26, "Too Early"},
                                   {27, "Unsupported NSEC3 Iterations Value"},
                                   {28, "Unable to conform to policy"},
                                   {29, "Synthesized"},
                                   {0, NULL}};

/* RFC 9460 14.3.2 */
static const dx_vals svcb_key_vals[] = {
    {0, "mandatory"}, {1, "alpn"},     {2, "no-default-alpn"}, {3, "port"},         {4, "ipv4hint"},
    {5, "echconfig"}, {6, "ipv6hint"}, {32769, "odohconfig"},  {65535, "key65535"}, {0, NULL}};

static const dx_vals family_vals[] = {{1, "IPv4"}, {2, "IPv6"}, {0, NULL}};

static const dx_vals tfs_response[] = {
    {0, "Message is a query"}, {1, "Message is a response"}, {0, NULL}};
static const dx_vals tfs_true_false[] = {{0, "False"}, {1, "True"}, {0, NULL}};
static const dx_vals tfs_nsec3_optout[] = {{0, "Additional insecure delegations forbidden"},
                                           {1, "Additional insecure delegations allowed"},
                                           {0, NULL}};
static const dx_vals nsec3_hash_vals[] = {{0, "Reserved"}, {1, "SHA-1"}, {0, NULL}};
/* DNSSEC algorithm numbers (RFC 4034 A.1 and later), as tshark 4.0 names
 * them (14 with its "P-386"). */
static const dx_vals dnssec_algo_vals[] = {{1, "RSA/MD5"},
                                           {2, "Diffie-Hellman"},
                                           {3, "DSA"},
                                           {4, "Elliptic curve crypto"},
                                           {5, "RSA/SHA1"},
                                           {6, "DSA + NSEC3/SHA1"},
                                           {7, "RSA/SHA1 + NSEC3/SHA1"},
                                           {8, "RSA/SHA-256"},
                                           {10, "RSA/SHA-512"},
                                           {12, "GOST R 34.10-2001"},
                                           {13, "ECDSA Curve P-256 with SHA-256"},
                                           {14, "ECDSA Curve P-386 with SHA-386"},
                                           {15, "Ed25519"},
                                           {16, "Ed448"},
                                           {157, "HMAC/MD5"},
                                           {252, "Indirect key"},
                                           {253, "Private, domain name"},
                                           {254, "Private, OID"},
                                           {0, NULL}};
static const dx_vals ds_digest_vals[] = {{0, "Reserved digest"}, {1, "SHA-1"},   {2, "SHA-256"},
                                         {3, "GOST R 34.11-94"}, {4, "SHA-384"}, {0, NULL}};
static const dx_vals tfs_zone_key[] = {
    {0, "This it not a zone key"}, {1, "This is the zone key for specified zone"}, {0, NULL}};
static const dx_vals tfs_yes_no[] = {{0, "No"}, {1, "Yes"}, {0, NULL}};
/* DANE parameters (RFC 6698 7.2-7.4) */
static const dx_vals tlsa_usage_vals[] = {{0, "CA constraint (PKIX-TA)"},
                                          {1, "Service certificate constraint (PKIX-EE)"},
                                          {2, "Trust anchor assertion (DANE-TA)"},
                                          {3, "Domain-issued certificate (DANE-EE)"},
                                          {0, NULL}};
static const dx_vals tlsa_selector_vals[] = {
    {0, "Full certificate (Cert)"}, {1, "SubjectPublicKeyInfo (SPKI)"}, {0, NULL}};
static const dx_vals tlsa_matching_vals[] = {{0, "No Hash Used (Full)"},
                                             {1, "256 bit hash by SHA2 (SHA2-256)"},
                                             {2, "512 bit hash by SHA2 (SHA2-512)"},
                                             {0, NULL}};
/* SSHFP (RFC 4255 3.1, RFC 6594, RFC 7479, RFC 8709) */
static const dx_vals sshfp_algo_vals[] = {{0, "Reserved"}, {1, "RSA"},  {2, "DSA"}, {3, "ECDSA"},
                                          {4, "Ed25519"},  {5, "XMSS"}, {0, NULL}};
static const dx_vals sshfp_fp_vals[] = {{0, "Reserved"}, {1, "SHA1"}, {2, "SHA256"}, {0, NULL}};
static const dx_vals tfs_critical[] = {{0, "Not critical"}, {1, "Critical"}, {0, NULL}};
static const dx_vals tfs_conflict[] = {
    {0, "None"}, {1, "The sender received multiple responses"}, {0, NULL}};
static const dx_vals tfs_tentative[] = {{0, "Not tentative"}, {1, "Tentative"}, {0, NULL}};
static const dx_vals tfs_aa[] = {{0, "Server is not an authority for domain"},
                                 {1, "Server is an authority for domain"},
                                 {0, NULL}};
static const dx_vals tfs_tc[] = {
    {0, "Message is not truncated"}, {1, "Message is truncated"}, {0, NULL}};
static const dx_vals tfs_rd[] = {
    {0, "Don't do query recursively"}, {1, "Do query recursively"}, {0, NULL}};
static const dx_vals tfs_ra[] = {
    {0, "Server can't do recursive queries"}, {1, "Server can do recursive queries"}, {0, NULL}};
static const dx_vals tfs_z[] = {{0, "reserved (0)"}, {1, "reserved - incorrect!"}, {0, NULL}};
static const dx_vals tfs_ad[] = {
    {0, "Answer/authority portion was not authenticated by the server"},
    {1, "Answer/authority portion was authenticated by the server"},
    {0, NULL}};
static const dx_vals tfs_cd[] = {{0, "Unacceptable"}, {1, "Acceptable"}, {0, NULL}};
static const dx_vals tfs_do[] = {
    {0, "Cannot handle DNSSEC security RRs"}, {1, "Accepts DNSSEC security RRs"}, {0, NULL}};

#define FL(abbr, lbl, vals, mask) DX_FM(abbr, lbl, DX_FT_BOOL, DX_BASE_NONE, vals, mask, 16)

static const dx_field dns_fields[] = {
    [F_DNS] = DX_F("dns", "Domain Name System", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_LENGTH] = DX_F("dns.length", "Length", DX_FT_UINT16, DX_BASE_DEC),
    [F_ID] = DX_F("dns.id", "Transaction ID", DX_FT_UINT16, DX_BASE_HEX),
    [F_FLAGS] = DX_F("dns.flags", "Flags", DX_FT_UINT16, DX_BASE_HEX),
    [F_FL_RESPONSE] = FL("dns.flags.response", "Response", tfs_response, 0x8000),
    [F_FL_OPCODE] =
        DX_FM("dns.flags.opcode", "Opcode", DX_FT_UINT16, DX_BASE_DEC, opcode_vals, 0x7800, 16),
    [F_FL_AA] = FL("dns.flags.authoritative", "Authoritative", tfs_aa, 0x0400),
    [F_FL_TC] = FL("dns.flags.truncated", "Truncated", tfs_tc, 0x0200),
    [F_FL_RD] = FL("dns.flags.recdesired", "Recursion desired", tfs_rd, 0x0100),
    [F_FL_RA] = FL("dns.flags.recavail", "Recursion available", tfs_ra, 0x0080),
    [F_FL_Z] = FL("dns.flags.z", "Z", tfs_z, 0x0040),
    [F_FL_AD] = FL("dns.flags.authenticated", "Answer authenticated", tfs_ad, 0x0020),
    [F_FL_CD] = FL("dns.flags.checkdisable", "Non-authenticated data", tfs_cd, 0x0010),
    [F_FL_RCODE] =
        DX_FM("dns.flags.rcode", "Reply code", DX_FT_UINT16, DX_BASE_DEC, rcode_vals, 0x000f, 16),
    /* LLMNR's flags (RFC 4795 2.1.1) where DNS has AA and RD */
    [F_FL_CONFLICT] = FL("dns.flags.conflict", "Conflict", tfs_conflict, 0x0400),
    [F_FL_TENTATIVE] = FL("dns.flags.tentative", "Tentative", tfs_tentative, 0x0100),
    [F_CNT_QUERIES] = DX_F("dns.count.queries", "Questions", DX_FT_UINT16, DX_BASE_DEC),
    [F_CNT_ZONES] = DX_F("dns.count.zones", "Zones", DX_FT_UINT16, DX_BASE_DEC),
    [F_CNT_ANSWERS] = DX_F("dns.count.answers", "Answer RRs", DX_FT_UINT16, DX_BASE_DEC),
    [F_CNT_PREREQ] = DX_F("dns.count.prerequisites", "Prerequisites", DX_FT_UINT16, DX_BASE_DEC),
    [F_CNT_AUTH] = DX_F("dns.count.auth_rr", "Authority RRs", DX_FT_UINT16, DX_BASE_DEC),
    [F_CNT_UPDATES] = DX_F("dns.count.updates", "Updates", DX_FT_UINT16, DX_BASE_DEC),
    [F_CNT_ADD] = DX_F("dns.count.add_rr", "Additional RRs", DX_FT_UINT16, DX_BASE_DEC),
    /* Section and record subtrees: text items in tshark, named here so that
     * JSON and filters can address them. */
    [F_SEC_QUERIES] = DX_F("dns.queries", "Queries", DX_FT_NONE, DX_BASE_NONE),
    [F_SEC_ANSWERS] = DX_F("dns.answers", "Answers", DX_FT_NONE, DX_BASE_NONE),
    [F_SEC_AUTH] = DX_F("dns.authorities", "Authoritative nameservers", DX_FT_NONE, DX_BASE_NONE),
    [F_SEC_ADD] = DX_F("dns.additionals", "Additional records", DX_FT_NONE, DX_BASE_NONE),
    [F_QUERY] = DX_F("dns.query", "Query", DX_FT_NONE, DX_BASE_NONE),
    [F_RR] = DX_F("dns.rr", "Resource record", DX_FT_NONE, DX_BASE_NONE),
    [F_QRY_NAME] = DX_F("dns.qry.name", "Name", DX_FT_STRING, DX_BASE_NONE),
    [F_QRY_NAME_LEN] = DX_F("dns.qry.name.len", "Name Length", DX_FT_UINT16, DX_BASE_DEC),
    [F_CNT_LABELS] = DX_F("dns.count.labels", "Label Count", DX_FT_UINT16, DX_BASE_DEC),
    [F_QRY_TYPE] = DX_FV("dns.qry.type", "Type", DX_FT_UINT16, DX_BASE_DEC, type_vals),
    [F_QRY_CLASS] = DX_FV("dns.qry.class", "Class", DX_FT_UINT16, DX_BASE_HEX, class_vals),
    [F_RESP_NAME] = DX_F("dns.resp.name", "Name", DX_FT_STRING, DX_BASE_NONE),
    [F_RESP_TYPE] = DX_FV("dns.resp.type", "Type", DX_FT_UINT16, DX_BASE_DEC, type_vals),
    [F_RESP_CLASS] = DX_FV("dns.resp.class", "Class", DX_FT_UINT16, DX_BASE_HEX, class_vals),
    /* mDNS (RFC 6762 5.4, 10.2): the top bit of a question's class asks
     * for a unicast response, of a record's class flushes caches */
    [F_QRY_QU] = DX_FM("dns.qry.qu", "\"QU\" question", DX_FT_BOOL, DX_BASE_NONE, tfs_true_false,
                       0x8000, 16),
    [F_RESP_CACHE_FLUSH] = DX_FM("dns.resp.cache_flush", "Cache flush", DX_FT_BOOL, DX_BASE_NONE,
                                 tfs_true_false, 0x8000, 16),
    [F_RESP_TTL] = DX_F("dns.resp.ttl", "Time to live", DX_FT_UINT32, DX_BASE_DEC),
    [F_RESP_LEN] = DX_F("dns.resp.len", "Data length", DX_FT_UINT16, DX_BASE_DEC),
    [F_A] = DX_F("dns.a", "Address", DX_FT_IPV4, DX_BASE_NONE),
    [F_AAAA] = DX_F("dns.aaaa", "AAAA Address", DX_FT_IPV6, DX_BASE_NONE),
    [F_CNAME] = DX_F("dns.cname", "CNAME", DX_FT_STRING, DX_BASE_NONE),
    [F_NS] = DX_F("dns.ns", "Name Server", DX_FT_STRING, DX_BASE_NONE),
    [F_DNAME] = DX_F("dns.dname", "Dname", DX_FT_STRING, DX_BASE_NONE),
    [F_PTR] = DX_F("dns.ptr.domain_name", "Domain Name", DX_FT_STRING, DX_BASE_NONE),
    [F_MX_PREF] = DX_F("dns.mx.preference", "Preference", DX_FT_UINT16, DX_BASE_DEC),
    [F_MX_EXCH] = DX_F("dns.mx.mail_exchange", "Mail Exchange", DX_FT_STRING, DX_BASE_NONE),
    [F_TXT_LEN] = DX_F("dns.txt.length", "TXT Length", DX_FT_UINT8, DX_BASE_DEC),
    [F_TXT] = DX_F("dns.txt", "TXT", DX_FT_STRING, DX_BASE_NONE),
    [F_SPF_LEN] = DX_F("dns.spf.length", "SPF Length", DX_FT_UINT8, DX_BASE_DEC),
    [F_SPF] = DX_F("dns.spf", "SPF", DX_FT_STRING, DX_BASE_NONE),
    [F_HINFO_CPU_LEN] = DX_F("dns.hinfo.cpu_length", "CPU Length", DX_FT_UINT8, DX_BASE_DEC),
    [F_HINFO_CPU] = DX_F("dns.hinfo.cpu", "CPU", DX_FT_STRING, DX_BASE_NONE),
    [F_HINFO_OS_LEN] = DX_F("dns.hinfo.os_length", "OS Length", DX_FT_UINT8, DX_BASE_DEC),
    [F_HINFO_OS] = DX_F("dns.hinfo.os", "OS", DX_FT_STRING, DX_BASE_NONE),
    [F_SOA_MNAME] = DX_F("dns.soa.mname", "Primary name server", DX_FT_STRING, DX_BASE_NONE),
    [F_SOA_RNAME] =
        DX_F("dns.soa.rname", "Responsible authority's mailbox", DX_FT_STRING, DX_BASE_NONE),
    [F_SOA_SERIAL] = DX_F("dns.soa.serial_number", "Serial Number", DX_FT_UINT32, DX_BASE_DEC),
    [F_SOA_REFRESH] =
        DX_F("dns.soa.refresh_interval", "Refresh Interval", DX_FT_UINT32, DX_BASE_DEC),
    [F_SOA_RETRY] = DX_F("dns.soa.retry_interval", "Retry Interval", DX_FT_UINT32, DX_BASE_DEC),
    [F_SOA_EXPIRE] = DX_F("dns.soa.expire_limit", "Expire limit", DX_FT_UINT32, DX_BASE_DEC),
    [F_SOA_MINIMUM] = DX_F("dns.soa.minimum_ttl", "Minimum TTL", DX_FT_UINT32, DX_BASE_DEC),
    [F_SRV_SERVICE] = DX_F("dns.srv.service", "Service", DX_FT_STRING, DX_BASE_NONE),
    [F_SRV_PROTO] = DX_F("dns.srv.proto", "Protocol", DX_FT_STRING, DX_BASE_NONE),
    [F_SRV_NAME] = DX_F("dns.srv.name", "Name", DX_FT_STRING, DX_BASE_NONE),
    [F_SRV_PRIORITY] = DX_F("dns.srv.priority", "Priority", DX_FT_UINT16, DX_BASE_DEC),
    [F_SRV_WEIGHT] = DX_F("dns.srv.weight", "Weight", DX_FT_UINT16, DX_BASE_DEC),
    [F_SRV_PORT] = DX_F("dns.srv.port", "Port", DX_FT_UINT16, DX_BASE_DEC),
    [F_SRV_TARGET] = DX_F("dns.srv.target", "Target", DX_FT_STRING, DX_BASE_NONE),
    [F_NSEC_NEXT] =
        DX_F("dns.nsec.next_domain_name", "Next Domain Name", DX_FT_STRING, DX_BASE_NONE),
    [F_NSEC3_ALGO] =
        DX_FV("dns.nsec3.algo", "Hash algorithm", DX_FT_UINT8, DX_BASE_DEC, nsec3_hash_vals),
    [F_NSEC3_FLAGS] = DX_F("dns.nsec3.flags", "NSEC3 flags", DX_FT_UINT8, DX_BASE_DEC),
    [F_NSEC3_OPTOUT] = DX_FM("dns.nsec3.flags.opt_out", "NSEC3 Opt-out flag", DX_FT_BOOL,
                             DX_BASE_NONE, tfs_nsec3_optout, 0x01, 8),
    [F_NSEC3_ITER] = DX_F("dns.nsec3.iterations", "NSEC3 iterations", DX_FT_UINT16, DX_BASE_DEC),
    [F_NSEC3_SALT_LEN] = DX_F("dns.nsec3.salt_length", "Salt length", DX_FT_UINT8, DX_BASE_DEC),
    [F_NSEC3_SALT] = DX_F("dns.nsec3.salt_value", "Salt value", DX_FT_BYTES, DX_BASE_NONE),
    [F_NSEC3_HASH_LEN] = DX_F("dns.nsec3.hash_length", "Hash length", DX_FT_UINT8, DX_BASE_DEC),
    [F_NSEC3_HASH] = DX_F("dns.nsec3.hash_value", "Next hashed owner", DX_FT_STRING, DX_BASE_NONE),
    [F_RRSIG_TYPE] =
        DX_FV("dns.rrsig.type_covered", "Type Covered", DX_FT_UINT16, DX_BASE_DEC, type_vals),
    [F_RRSIG_ALGO] =
        DX_FV("dns.rrsig.algorithm", "Algorithm", DX_FT_UINT8, DX_BASE_DEC, dnssec_algo_vals),
    [F_RRSIG_LABELS] = DX_F("dns.rrsig.labels", "Labels", DX_FT_UINT8, DX_BASE_DEC),
    [F_RRSIG_OTTL] = DX_F("dns.rrsig.original_ttl", "Original TTL", DX_FT_UINT32, DX_BASE_DEC),
    /* local time, as tshark registers them (ABSOLUTE_TIME_LOCAL) */
    [F_RRSIG_EXPIRATION] = DX_F("dns.rrsig.signature_expiration", "Signature Expiration",
                                DX_FT_ABSTIME, DX_BASE_LOCAL),
    [F_RRSIG_INCEPTION] =
        DX_F("dns.rrsig.signature_inception", "Signature Inception", DX_FT_ABSTIME, DX_BASE_LOCAL),
    [F_RRSIG_KEY_TAG] = DX_F("dns.rrsig.key_tag", "Key Tag", DX_FT_UINT16, DX_BASE_DEC),
    [F_RRSIG_SIGNER] = DX_F("dns.rrsig.signers_name", "Signer's name", DX_FT_STRING, DX_BASE_NONE),
    [F_RRSIG_SIGNATURE] = DX_F("dns.rrsig.signature", "Signature", DX_FT_BYTES, DX_BASE_NONE),
    [F_DNSKEY_FLAGS] = DX_F("dns.dnskey.flags", "Flags", DX_FT_UINT16, DX_BASE_HEX),
    [F_DNSKEY_ZONE_KEY] = FL("dns.dnskey.flags.zone_key", "Zone Key", tfs_zone_key, 0x0100),
    [F_DNSKEY_REVOKED] = FL("dns.dnskey.flags.key_revoked", "Key Revoked", tfs_yes_no, 0x0080),
    [F_DNSKEY_SEP] =
        FL("dns.dnskey.flags.secure_entry_point", "Key Signing Key", tfs_yes_no, 0x0001),
    /* tshark 4.0 labels the other bits "Key Signing Key" too */
    [F_DNSKEY_RESERVED] = DX_FM("dns.dnskey.flags.reserved", "Key Signing Key", DX_FT_UINT16,
                                DX_BASE_HEX, NULL, 0xfe7e, 16),
    [F_DNSKEY_PROTOCOL] = DX_F("dns.dnskey.protocol", "Protocol", DX_FT_UINT8, DX_BASE_DEC),
    [F_DNSKEY_ALGO] =
        DX_FV("dns.dnskey.algorithm", "Algorithm", DX_FT_UINT8, DX_BASE_DEC, dnssec_algo_vals),
    [F_DNSKEY_KEY_ID] = DX_F("dns.dnskey.key_id", "Key id", DX_FT_UINT16, DX_BASE_DEC),
    [F_DNSKEY_PUBLIC_KEY] = DX_F("dns.dnskey.public_key", "Public Key", DX_FT_BYTES, DX_BASE_NONE),
    [F_DS_KEY_ID] = DX_F("dns.ds.key_id", "Key id", DX_FT_UINT16, DX_BASE_HEX),
    [F_DS_ALGO] =
        DX_FV("dns.ds.algorithm", "Algorithm", DX_FT_UINT8, DX_BASE_DEC, dnssec_algo_vals),
    [F_DS_DIGEST_TYPE] =
        DX_FV("dns.ds.digest_type", "Digest Type", DX_FT_UINT8, DX_BASE_DEC, ds_digest_vals),
    [F_DS_DIGEST] = DX_F("dns.ds.digest", "Digest", DX_FT_BYTES, DX_BASE_NONE),
    [F_TLSA_USAGE] = DX_FV("dns.tlsa.certificate_usage", "Certificate Usage", DX_FT_UINT8,
                           DX_BASE_DEC, tlsa_usage_vals),
    [F_TLSA_SELECTOR] =
        DX_FV("dns.tlsa.selector", "Selector", DX_FT_UINT8, DX_BASE_DEC, tlsa_selector_vals),
    [F_TLSA_MATCHING] = DX_FV("dns.tlsa.matching_type", "Matching Type", DX_FT_UINT8, DX_BASE_DEC,
                              tlsa_matching_vals),
    [F_TLSA_DATA] = DX_F("dns.tlsa.certificate_association_data", "Certificate Association Data",
                         DX_FT_BYTES, DX_BASE_NONE),
    [F_SSHFP_ALGO] =
        DX_FV("dns.sshfp.algorithm", "Algorithm", DX_FT_UINT8, DX_BASE_DEC, sshfp_algo_vals),
    [F_SSHFP_FP_TYPE] = DX_FV("dns.sshfp.fingerprint.type", "Fingerprint type", DX_FT_UINT8,
                              DX_BASE_DEC, sshfp_fp_vals),
    [F_SSHFP_FP] = DX_F("dns.sshfp.fingerprint", "Fingerprint", DX_FT_BYTES, DX_BASE_NONE),
    [F_CAA_FLAGS] = DX_F("dns.caa.flags", "CAA Flags", DX_FT_UINT8, DX_BASE_HEX),
    [F_CAA_CRITICAL] = DX_FM("dns.caa.flags.issuer_critical", "Issuer Critical", DX_FT_BOOL,
                             DX_BASE_NONE, tfs_critical, 0x80, 8),
    [F_CAA_ISSUE] = DX_F("dns.caa.issue", "Issue", DX_FT_STRING, DX_BASE_NONE),
    [F_CAA_ISSUEWILD] = DX_F("dns.caa.issuewild", "Issue Wildcard", DX_FT_STRING, DX_BASE_NONE),
    [F_CAA_IODEF] = DX_F("dns.caa.iodef", "Report URL", DX_FT_STRING, DX_BASE_NONE),
    [F_CAA_UNKNOWN] = DX_F("dns.caa.unknown", "Unknown tag", DX_FT_STRING, DX_BASE_NONE),
    [F_CAA_TAG_LEN] = DX_F("dns.caa.tag_length", "Tag length", DX_FT_UINT8, DX_BASE_DEC),
    [F_CAA_TAG] = DX_F("dns.caa.tag", "Tag", DX_FT_STRING, DX_BASE_NONE),
    [F_CAA_VALUE] = DX_F("dns.caa.value", "Value", DX_FT_STRING, DX_BASE_NONE),
    /* tshark 4.0 registers this one as hex but prints it in decimal. */
    [F_UDP_PAYLOAD] =
        DX_F("dns.rr.udp_payload_size", "UDP payload size", DX_FT_UINT16, DX_BASE_DEC),
    /* mDNS's OPT record: the low 15 bits, in hex, the top one a cache
     * flush bit (tshark's second field of this name) */
    [F_UDP_PAYLOAD_MDNS] = {.abbrev = "dns.rr.udp_payload_size",
                            .label = "UDP payload size",
                            .type = DX_FT_UINT16,
                            .base = DX_BASE_HEX,
                            .bitmask = 0x7fff,
                            .bits = 16,
                            .alias_of = &dns_fields[F_UDP_PAYLOAD]},
    [F_EXT_RCODE] =
        DX_F("dns.resp.ext_rcode", "Higher bits in extended RCODE", DX_FT_UINT8, DX_BASE_HEX),
    [F_EDNS0_VERSION] = DX_F("dns.resp.edns0_version", "EDNS0 version", DX_FT_UINT8, DX_BASE_DEC),
    [F_RESP_Z] = DX_F("dns.resp.z", "Z", DX_FT_UINT16, DX_BASE_HEX),
    [F_RESP_Z_DO] = FL("dns.resp.z.do", "DO bit", tfs_do, 0x8000),
    [F_RESP_Z_RESERVED] =
        DX_FM("dns.resp.z.reserved", "Reserved", DX_FT_UINT16, DX_BASE_HEX, NULL, 0x7fff, 16),
    [F_OPT] = DX_F("dns.opt", "Option", DX_FT_NONE, DX_BASE_NONE),
    [F_OPT_CODE] = DX_FV("dns.opt.code", "Option Code", DX_FT_UINT16, DX_BASE_DEC, opt_code_vals),
    [F_OPT_LEN] = DX_F("dns.opt.len", "Option Length", DX_FT_UINT16, DX_BASE_DEC),
    [F_OPT_DATA] = DX_F("dns.opt.data", "Option Data", DX_FT_BYTES, DX_BASE_NONE),
    [F_OPT_CLIENT_FAMILY] =
        DX_FV("dns.opt.client.family", "Family", DX_FT_UINT16, DX_BASE_DEC, family_vals),
    [F_OPT_CLIENT_NETMASK] =
        DX_F("dns.opt.client.netmask", "Source Netmask", DX_FT_UINT8, DX_BASE_DEC),
    [F_OPT_CLIENT_SCOPE] = DX_F("dns.opt.client.scope", "Scope Netmask", DX_FT_UINT8, DX_BASE_DEC),
    [F_OPT_CLIENT_ADDR] = DX_F("dns.opt.client.addr", "Client Subnet", DX_FT_BYTES, DX_BASE_NONE),
    [F_OPT_CLIENT_ADDR4] = DX_F("dns.opt.client.addr4", "Client Subnet", DX_FT_IPV4, DX_BASE_NONE),
    [F_OPT_CLIENT_ADDR6] = DX_F("dns.opt.client.addr6", "Client Subnet", DX_FT_IPV6, DX_BASE_NONE),
    [F_OPT_COOKIE_CLIENT] =
        DX_F("dns.opt.cookie.client", "Client Cookie", DX_FT_BYTES, DX_BASE_NONE),
    [F_OPT_COOKIE_SERVER] =
        DX_F("dns.opt.cookie.server", "Server Cookie", DX_FT_BYTES, DX_BASE_NONE),
    [F_OPT_PADDING] = DX_F("dns.opt.padding", "Padding", DX_FT_BYTES, DX_BASE_NONE),
    [F_OPT_EDE_CODE] =
        DX_FV("dns.opt.ext_error.info_code", "Info Code", DX_FT_UINT16, DX_BASE_DEC, ede_vals),
    [F_OPT_EDE_TEXT] =
        DX_F("dns.opt.ext_error.extra_text", "Extra Text", DX_FT_STRING, DX_BASE_NONE),
    [F_SVCB_PRIORITY] = DX_F("dns.svcb.svcpriority", "SvcPriority", DX_FT_UINT16, DX_BASE_DEC),
    [F_SVCB_TARGET] = DX_F("dns.svcb.targetname", "TargetName", DX_FT_STRING, DX_BASE_NONE),
    [F_SVCB_PARAM] = DX_F("dns.svcb.svcparam", "SvcParam", DX_FT_NONE, DX_BASE_NONE),
    [F_SVCB_KEY] =
        DX_FV("dns.svcb.svcparam.key", "SvcParamKey", DX_FT_UINT16, DX_BASE_DEC, svcb_key_vals),
    [F_SVCB_VALUE_LEN] =
        DX_F("dns.svcb.svcparam.value.length", "SvcParamValue length", DX_FT_UINT16, DX_BASE_DEC),
    [F_SVCB_VALUE] = DX_F("dns.svcb.svcparam.value", "SvcParamValue", DX_FT_BYTES, DX_BASE_NONE),
    [F_SVCB_MANDATORY] = DX_FV("dns.svcb.svcparam.mandatory.key", "Mandatory key", DX_FT_UINT16,
                               DX_BASE_DEC, svcb_key_vals),
    [F_SVCB_ALPN_LEN] =
        DX_F("dns.svcb.svcparam.alpn.length", "ALPN length", DX_FT_UINT8, DX_BASE_DEC),
    [F_SVCB_ALPN] = DX_F("dns.svcb.svcparam.alpn", "ALPN", DX_FT_STRING, DX_BASE_NONE),
    [F_SVCB_PORT] = DX_F("dns.svcb.svcparam.port", "Port", DX_FT_UINT16, DX_BASE_DEC),
    [F_SVCB_IPV4HINT] = DX_F("dns.svcb.svcparam.ipv4hint.ip", "IP", DX_FT_IPV4, DX_BASE_NONE),
    [F_SVCB_ECH] = DX_F("dns.svcb.svcparam.echconfig", "ECHConfig", DX_FT_BYTES, DX_BASE_NONE),
    [F_SVCB_IPV6HINT] = DX_F("dns.svcb.svcparam.ipv6hint.ip", "IP", DX_FT_IPV6, DX_BASE_NONE),
    [F_SVCB_ODOH] = DX_F("dns.svcb.svcparam.odohconfig", "ODoHConfig", DX_FT_BYTES, DX_BASE_NONE),
    [F_DATA] = DX_F("dns.data", "Data", DX_FT_BYTES, DX_BASE_NONE),
    [F_NULL] = DX_F("dns.null", "Null (data)", DX_FT_BYTES, DX_BASE_NONE),
    [F_EXTRANEOUS] = DX_F("dns.extraneous", "Extraneous data", DX_FT_NONE, DX_BASE_NONE),
    [F_EXTRANEOUS_DATA] =
        DX_F("dns.extraneous.data", "Extraneous Data Bytes", DX_FT_BYTES, DX_BASE_NONE),
    [F_EXTRANEOUS_LEN] =
        DX_F("dns.extraneous.length", "Extraneous Data Length", DX_FT_INT32, DX_BASE_DEC),
    [F_RESPONSE_TO] = DX_F("dns.response_to", "Request In", DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_TIME] = DX_F("dns.time", "Time", DX_FT_RELTIME, DX_BASE_NONE),
    [F_UNSOLICITED] = DX_F("dns.unsolicited", "Unsolicited", DX_FT_BOOL, DX_BASE_NONE),
    [F_RETRANSMISSION] = DX_F("dns.retransmission", "Retransmission", DX_FT_BOOL, DX_BASE_NONE),
    [F_RETRANS_REQ_IN] =
        DX_F("dns.retransmit_request_in", "Retransmitted request. Original request in",
             DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_RETRANS_RESP_IN] =
        DX_F("dns.retransmit_response_in", "Retransmitted response. Original response in",
             DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_EXP_RETRANS_REQ] =
        DX_F("dns.retransmit_request", "DNS query retransmission", DX_FT_NONE, DX_BASE_NONE),
    [F_EXP_RETRANS_RESP] =
        DX_F("dns.retransmit_response", "DNS response retransmission", DX_FT_NONE, DX_BASE_NONE),
    [F_EXP_TTL_HIGH] =
        DX_F("dns.ttl.high_bit_set", "The uppermost bit of the TTL is set (RFC 2181, section 8)",
             DX_FT_NONE, DX_BASE_NONE),
    [F_EXP_UNDECODED] = DX_F("dns.undecoded.type", "Undecoded option", DX_FT_NONE, DX_BASE_NONE),
    [F_EXP_KEY_ID_SHORT] = DX_F("dns.key_id_buffer_too_short",
                                "Buffer too short to compute a key id", DX_FT_NONE, DX_BASE_NONE),
};

#define FLD(x) (&dns_fields[x])

/* ---- query/response matching ------------------------------------------- */

typedef struct dns_tx {
  struct dns_tx *hnext;       /* hash chain */
  struct dns_tx *prev, *next; /* age list (pending or answered), oldest first */
  uint32_t hash;
  uint8_t ipproto;
  bool answered;
  uint16_t id, cport, sport;
  dx_addr cli, srv;
  uint64_t req_frame, rep_frame;
  int64_t req_sec;
  int64_t req_nsec;
} dns_tx;

typedef struct dns_list {
  dns_tx *head, *tail;
} dns_list;

/* Transactions in a chained hash table (SipHash-1-3 under the session's
 * random key, so crafted queries cannot make one chain long; the bucket
 * array doubles as entries come) and two age lists for eviction: O(1) per
 * message at any max_dns_pending. */
typedef struct dns_state {
  dx_hashkey key;
  dns_tx **buckets;
  size_t nbuckets; /* power of two */
  size_t count;
  dns_list pending, answered;
} dns_state;

/* The identity of a transaction, as seen from the client. */
typedef struct dns_key {
  uint8_t ipproto;
  uint16_t id, cport, sport;
  dx_addr cli, srv;
} dns_key;

static uint32_t key_hash(const dns_state *st, const dns_key *k) {
  uint8_t b[9 + 2 * 16];
  b[0] = k->ipproto;
  b[1] = (uint8_t)k->cli.type;
  b[2] = (uint8_t)k->srv.type;
  b[3] = (uint8_t)(k->id >> 8);
  b[4] = (uint8_t)k->id;
  b[5] = (uint8_t)(k->cport >> 8);
  b[6] = (uint8_t)k->cport;
  b[7] = (uint8_t)(k->sport >> 8);
  b[8] = (uint8_t)k->sport;
  memcpy(b + 9, k->cli.a, 16);
  memcpy(b + 25, k->srv.a, 16);
  return (uint32_t)dx_siphash13(&st->key, b, sizeof b);
}

static void *state_new(struct dx_session *s) {
  dns_state *st = calloc(1, sizeof *st);
  if (!st)
    return NULL;
  st->key = *dx_session_hashkey(s);
  st->nbuckets = 1024;
  st->buckets = calloc(st->nbuckets, sizeof *st->buckets);
  if (!st->buckets) {
    free(st);
    return NULL;
  }
  return st;
}

static void list_free(dns_list *l) {
  dns_tx *n;
  for (dns_tx *tx = l->head; tx; tx = n) {
    n = tx->next;
    free(tx);
  }
  l->head = l->tail = NULL;
}

static void state_free(void *state) {
  dns_state *st = state;
  if (!st)
    return;
  list_free(&st->pending);
  list_free(&st->answered);
  free(st->buckets);
  free(st);
}

/* Empties the buckets the transactions of l are in, then frees them. */
static void list_unhash_free(dns_state *st, dns_list *l) {
  for (dns_tx *tx = l->head; tx; tx = tx->next)
    st->buckets[tx->hash & (st->nbuckets - 1)] = NULL;
  list_free(l);
}

/* dx_session_reset(): the transactions go, in time of their number; the
 * bucket array is kept (not freed, made and zeroed again); the hash key is
 * the session's new one. */
static void state_reset(void *state, struct dx_session *s) {
  dns_state *st = state;
  list_unhash_free(st, &st->pending);
  list_unhash_free(st, &st->answered);
  st->count = 0;
  st->key = *dx_session_hashkey(s);
}

static void list_unlink(dns_list *l, dns_tx *tx) {
  if (tx->prev)
    tx->prev->next = tx->next;
  else
    l->head = tx->next;
  if (tx->next)
    tx->next->prev = tx->prev;
  else
    l->tail = tx->prev;
  tx->prev = tx->next = NULL;
}

static void list_append(dns_list *l, dns_tx *tx) {
  tx->next = NULL;
  tx->prev = l->tail;
  if (l->tail)
    l->tail->next = tx;
  else
    l->head = tx;
  l->tail = tx;
}

static dns_tx *tx_find(dns_state *st, const dns_key *k, uint32_t h) {
  for (dns_tx *tx = st->buckets[h & (st->nbuckets - 1)]; tx; tx = tx->hnext)
    if (tx->hash == h && tx->id == k->id && tx->ipproto == k->ipproto && tx->cport == k->cport &&
        tx->sport == k->sport && dx_addr_eq(&tx->cli, &k->cli) && dx_addr_eq(&tx->srv, &k->srv))
      return tx;
  return NULL;
}

static void tx_remove(dns_state *st, dns_tx *tx) {
  dns_tx **pp = &st->buckets[tx->hash & (st->nbuckets - 1)];
  while (*pp && *pp != tx)
    pp = &(*pp)->hnext;
  if (*pp)
    *pp = tx->hnext;
  list_unlink(tx->answered ? &st->answered : &st->pending, tx);
  st->count--;
  free(tx);
}

/* Doubles the bucket array when chains get long; on failure keeps going
 * with longer chains. */
static void tx_grow(dns_state *st) {
  if (st->count < st->nbuckets * 2 || st->nbuckets >= (size_t)1 << 31)
    return;
  size_t nb = st->nbuckets * 2;
  dns_tx **b = calloc(nb, sizeof *b);
  if (!b)
    return;
  for (size_t i = 0; i < st->nbuckets; i++) {
    dns_tx *n;
    for (dns_tx *tx = st->buckets[i]; tx; tx = n) {
      n = tx->hnext;
      tx->hnext = b[tx->hash & (nb - 1)];
      b[tx->hash & (nb - 1)] = tx;
    }
  }
  free(st->buckets);
  st->buckets = b;
  st->nbuckets = nb;
}

/* Makes room for one more entry under the configured cap. Answered
 * transactions go first (they only serve to spot retransmitted responses);
 * forgetting an unanswered query is reported under `where`. */
static void tx_make_room(dx_packet *p, dns_state *st, dx_node *where) {
  uint32_t cap = dx_packet_config(p)->max_dns_pending;
  if (cap == 0)
    cap = 1;
  while (st->count >= cap) {
    if (st->answered.head) {
      tx_remove(st, st->answered.head);
    } else if (st->pending.head) {
      dns_tx *old = st->pending.head;
      dx_expert(p, where, dx_field_limit(), DX_SEV_WARN,
                "DNS transaction table full (%u entries): forgot the unanswered query in "
                "frame %llu",
                cap, (unsigned long long)old->req_frame);
      tx_remove(st, old);
    } else {
      break;
    }
  }
}

static dns_tx *tx_insert(dx_packet *p, dns_state *st, const dns_key *k, uint32_t h,
                         dx_node *where) {
  tx_make_room(p, st, where);
  dns_tx *tx = calloc(1, sizeof *tx);
  if (!tx)
    return NULL;
  tx->hash = h;
  tx->ipproto = k->ipproto;
  tx->id = k->id;
  tx->cport = k->cport;
  tx->sport = k->sport;
  tx->cli = k->cli;
  tx->srv = k->srv;
  tx->hnext = st->buckets[h & (st->nbuckets - 1)];
  st->buckets[h & (st->nbuckets - 1)] = tx;
  list_append(&st->pending, tx);
  st->count++;
  tx_grow(st);
  return tx;
}

/* ---- names (RFC 1035 3.1, 4.1.4) ---------------------------------------- */

#define DNS_MAX_NAME 253   /* characters shown: 255 octets on the wire (RFC 1035 2.3.4) */
#define DNS_MAX_LABELS 127 /* the most a 255-octet name can hold */
#define DNS_MAX_JUMPS 128  /* compression pointers followed for one name */

enum {
  NAME_OK,      /* a name, or "<Root>" */
  NAME_LOOP,    /* too many pointers: "<Name contains a pointer that loops>" */
  NAME_TOOLONG, /* "<Name too long>" */
  /* Fatal: the name's length on the wire is unknown. */
  NAME_TRUNC, /* the captured bytes ran out */
  NAME_BAD    /* reserved label type, or a pointer or label past the message end */
};

typedef struct dns_name {
  const char *val; /* the value: raw bytes (may hold NUL) or a <...> marker */
  uint32_t vlen;
  const char *disp; /* the same without NUL bytes, for labels and Info */
  uint32_t wire;    /* bytes the name takes where it is written */
  uint16_t labels;  /* as tshark counts them: dots in the shown name + 1 */
  int status;
  const char *why; /* what went wrong, for the expert note */
} dns_name;

static bool name_framed(const dns_name *n) {
  return n->status < NAME_TRUNC;
}

/* The protocols tshark dissects with its DNS dissector under their own
 * names (the fields stay dns.*): mDNS on UDP 5353 and LLMNR on UDP 5355. */
enum { KIND_DNS, KIND_MDNS, KIND_LLMNR };

typedef struct dns_ctx {
  int kind; /* KIND_* */
  dx_packet *p;
  const dx_tvb *m; /* the DNS message */
  dx_node *top;    /* the dns layer */
  dx_node *id_node;
  uint16_t id; /* the message's ID (RFC 1035 4.1.1) */
  bool info;
  bool response;
  int opcode;
  /* the message (all of it captured) ended inside what was being read:
   * tshark's exception, which drops the record being read */
  bool ran_out;
  const char *owner; /* the record's owner name (shown), while its data is read */
} dns_ctx;

/* Bytes missing because the capture was cut are "truncated"; bytes missing
 * from a message that is all there are "malformed". */
static int short_status(const dx_tvb *m) {
  return m->len < m->reported ? NAME_TRUNC : NAME_BAD;
}

static void flag_short(dns_ctx *c, dx_node *n, const char *what) {
  if (c->m->len < c->m->reported) {
    dx_mark_truncated(c->p, n, what);
  } else {
    dx_mark_malformed(c->p, n, "%s", what);
    c->ran_out = true;
  }
}

/* A name that runs out of the message's bytes (status NAME_BAD from
 * short_status, or a pointer past its end). */
static void name_ran_out(dns_ctx *c, dns_name *n, int status, const char *why) {
  n->status = status;
  n->why = why;
  if (status == NAME_BAD)
    c->ran_out = true;
}

static void read_name(dns_ctx *c, uint32_t off, dns_name *n) {
  const dx_tvb *m = c->m;
  dx_arena *a = &c->p->arena;
  char buf[DNS_MAX_NAME + 1];
  uint32_t len = 0, labels = 0, jumps = 0, pos = off, seen = 0;
  bool jumped = false, toolong = false, extended = false;
  memset(n, 0, sizeof *n);
  n->status = NAME_OK;
  /* Terminates: without a jump pos only grows (by 1 + label length), and
   * jumps are counted. Label bytes are copied only up to DNS_MAX_NAME. */
  for (;;) {
    uint8_t b;
    if (!dx_get_u8(m, pos, &b)) {
      name_ran_out(c, n, short_status(m), "name runs past the end of the message");
      break;
    }
    if (b == 0) {
      if (!jumped)
        n->wire = pos + 1 - off;
      break;
    }
    if ((b & 0xc0) == 0xc0) {
      uint8_t lo;
      if (!dx_get_u8(m, pos + 1, &lo)) {
        name_ran_out(c, n, short_status(m), "compression pointer cut short");
        break;
      }
      if (!jumped) {
        n->wire = pos + 2 - off;
        jumped = true;
      }
      if (toolong)
        break;
      uint32_t target = ((uint32_t)(b & 0x3f) << 8) | lo;
      /* Reading more bytes than the message holds means some were read
       * twice: a loop (tshark's test too). */
      seen += 2;
      if (++jumps > DNS_MAX_JUMPS || seen > m->len) {
        n->status = NAME_LOOP;
        n->why = "name contains a pointer that loops";
        break;
      }
      if (target >= m->len) {
        name_ran_out(
            c, n, target < m->reported ? NAME_TRUNC : NAME_BAD,
            dx_arena_printf(a, "compression pointer to offset %u, past the end of the message",
                            target));
        break;
      }
      pos = target;
      continue;
    }
    if ((b & 0xc0) == 0x40 && b != 0x41) {
      /* an extended label of a type nobody defined (RFC 6891 5): tshark
       * names the whole name so and goes on after the label's byte, if
       * the name took two bytes or more in place (else its exception) */
      if (jumped || pos + 1 - off < 2) {
        name_ran_out(c, n, NAME_BAD,
                     dx_arena_printf(a, "unknown extended label type 0x%02x at offset %u", b, pos));
        break;
      }
      n->wire = pos + 1 - off;
      extended = true;
      break;
    }
    if (b == 0x41) {
      /* a bit-string label (RFC 2673, historic): its count (0 is 256),
       * then the bits; tshark adds nothing of it to the name */
      uint8_t bits;
      if (!dx_get_u8(m, pos + 1, &bits)) {
        name_ran_out(c, n, short_status(m), "bit-string label cut short");
        break;
      }
      uint32_t nb = ((bits ? bits : 256u) + 7u) / 8u;
      if (!dx_tvb_has(m, pos + 2, nb)) {
        name_ran_out(c, n, short_status(m), "bit-string label runs past the end of the message");
        break;
      }
      seen += 2u + nb;
      if (jumped && seen > m->len) {
        n->status = NAME_LOOP;
        n->why = "name contains a pointer that loops";
        break;
      }
      pos += 2u + nb;
      continue;
    }
    if ((b & 0xc0) == 0x80) {
      /* (tshark's exception) */
      name_ran_out(c, n, NAME_BAD,
                   dx_arena_printf(a, "reserved label type 0x80 at offset %u", pos));
      break;
    }
    if (b & 0xc0) {
      n->status = NAME_BAD;
      n->why = dx_arena_printf(a, "reserved label type 0x%02x at offset %u", b & 0xc0, pos);
      break;
    }
    const uint8_t *lab = dx_get_ptr(m, pos + 1, b);
    if (!lab) {
      name_ran_out(c, n, short_status(m), "label runs past the end of the message");
      break;
    }
    seen += 1u + b;
    if (jumped && seen > m->len) {
      n->status = NAME_LOOP;
      n->why = "name contains a pointer that loops";
      break;
    }
    if (!toolong) {
      uint32_t need = len + (len ? 1 : 0) + b;
      if (need > DNS_MAX_NAME || labels >= DNS_MAX_LABELS) {
        toolong = true;
        if (jumped)
          break;
      } else {
        if (len)
          buf[len++] = '.';
        memcpy(buf + len, lab, b);
        len += b;
        labels++;
      }
    }
    pos += 1u + b;
  }
  if (!name_framed(n)) {
    /* Keep what was read; the node covers the bytes seen in place. */
    if (!jumped)
      n->wire = pos > off ? pos - off : 0;
    if (len == 0)
      n->val = n->status == NAME_TRUNC ? "<Name cut short>" : "<Malformed name>";
  } else if (n->status == NAME_LOOP) {
    n->val = "<Name contains a pointer that loops>";
  } else if (extended) {
    n->val = "<Unknown extended label>";
  } else if (toolong) {
    n->status = NAME_TOOLONG;
    n->why = "name longer than 255 bytes";
    n->val = "<Name too long>";
  } else if (len == 0) {
    n->val = "<Root>";
  }
  if (n->val) {
    n->vlen = (uint32_t)strlen(n->val);
  } else {
    n->val = dx_arena_strndup(a, buf, len);
    n->vlen = n->val ? len : 0;
    if (!n->val)
      n->val = "";
  }
  n->labels = 1;
  for (uint32_t i = 0; i < n->vlen; i++)
    n->labels += n->val[i] == '.';
  n->disp = n->val;
  if (memchr(n->val, 0, n->vlen)) {
    /* Labels may hold any byte; C strings cannot hold NUL. */
    char *d = dx_arena_alloc(a, (size_t)n->vlen * 4 + 1);
    if (d) {
      size_t k = 0;
      for (uint32_t i = 0; i < n->vlen; i++) {
        if (n->val[i]) {
          d[k++] = n->val[i];
        } else {
          memcpy(d + k, "\\000", 4);
          k += 4;
        }
      }
      d[k] = 0;
      n->disp = d;
    } else {
      n->disp = "";
    }
  }
}

/* Marks node n for a bad name. A pointer loop is marked and dissection
 * goes on, as in tshark (which shows the name "<Name contains a pointer
 * that loops>" with no expert note and no "[Malformed Packet]" in Info); a
 * name that runs out of bytes or points outside the message stops it. */
static void mark_bad_name(dns_ctx *c, dx_node *n, const dns_name *nm) {
  if (nm->status == NAME_TRUNC) {
    dx_mark_truncated(c->p, n, nm->why);
  } else if (nm->status == NAME_LOOP) {
    dx_node_set_flags(n, DX_NODE_MALFORMED);
  } else if (nm->status != NAME_OK) {
    dx_mark_malformed(c->p, n, "%s", nm->why);
  }
}

/* Adds a name node and marks it if the name is bad. */
static dx_node *add_name(dns_ctx *c, dx_node *parent, int field, uint32_t off, const dns_name *nm) {
  dx_node *n = dx_add_string(c->p, parent, FLD(field), c->m, off, nm->wire, nm->val, nm->vlen);
  mark_bad_name(c, n, nm);
  return n;
}

/* ---- small formatting helpers ------------------------------------------- */

static const char *type_short(uint16_t type, char *buf, size_t n) {
  const char *d = dx_val_name(type_vals, type);
  if (!d) {
    dx_snprintf(buf, n, "Unknown (%u)", type);
    return buf;
  }
  if (type == T_ANY)
    return "ANY";
  dx_snprintf(buf, n, "%.*s", (int)strcspn(d, " "), d);
  return buf;
}

static const char *class_name(uint16_t cls) {
  return dx_val_name_def(class_vals, cls, "Unknown");
}

/* "1 day, 1 hour, 1 minute, 1 second", as tshark shows TTLs. */
static void fmt_duration(uint32_t s, char *buf, size_t n) {
  static const char *const unit[] = {"day", "hour", "minute", "second"};
  uint32_t v[4] = {s / 86400, s / 3600 % 24, s / 60 % 60, s % 60};
  size_t k = 0;
  buf[0] = 0;
  if (s == 0) {
    dx_snprintf(buf, n, "0 seconds");
    return;
  }
  for (int i = 0; i < 4 && k < n; i++) {
    if (!v[i])
      continue;
    int w = dx_snprintf(buf + k, n - k, "%s%u %s%s", k ? ", " : "", v[i], unit[i],
                        v[i] == 1 ? "" : "s");
    if (w < 0)
      break;
    k += (size_t)w;
  }
}

static dx_node *add_duration(dns_ctx *c, dx_node *parent, int field, uint32_t off) {
  dx_node *n = dx_add_item(c->p, parent, FLD(field), c->m, off, 4);
  uint32_t v;
  if (dx_get_u32(c->m, off, &v)) {
    char d[96];
    fmt_duration(v, d, sizeof d);
    dx_node_set_text(c->p, n, "%s: %u (%s)", FLD(field)->label, v, d);
  }
  return n;
}

static void info(dns_ctx *c, const char *fmt, ...) DX_PRINTF(2, 3);
static void info(dns_ctx *c, const char *fmt, ...) {
  if (!c->info)
    return;
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  dx_vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  dx_col_info_append(c->p, "%s", buf);
}

/* mDNS's class: its low 15 bits, labelled with them (tshark's 0x7fff
 * variant of the class field), then the top bit's flag field. */
static void add_mdns_class(dns_ctx *c, dx_node *parent, int fclass, int fflag, uint32_t at,
                           uint16_t cls) {
  dx_packet *p = c->p;
  dx_node *n = dx_add_uint(p, parent, FLD(fclass), c->m, at, 2, cls & 0x7fff);
  if (dx_label_wanted(p, n)) {
    char b[24];
    size_t k = 0;
    for (int bit = 15; bit >= 0; bit--) {
      b[k++] = bit == 15 ? '.' : ((cls >> bit) & 1 ? '1' : '0');
      if (bit && bit % 4 == 0)
        b[k++] = ' ';
    }
    b[k] = '\0';
    dx_node_set_text(p, n, "%s = Class: %s (0x%04x)", b, class_name(cls & 0x7fff),
                     (unsigned)(cls & 0x7fff));
  }
  dx_add_uint(p, parent, FLD(fflag), c->m, at, 2, (cls & 0x8000) != 0);
}

/* ---- questions and resource records ------------------------------------- */

static bool dissect_query(dns_ctx *c, dx_node *sect, uint32_t *offp) {
  dx_packet *p = c->p;
  const dx_tvb *m = c->m;
  uint32_t off = *offp;
  dns_name nm;
  read_name(c, off, &nm);
  bool framed = name_framed(&nm);
  uint32_t tc = off + nm.wire; /* type and class */
  uint16_t type = 0, cls = 0;
  bool have = framed && dx_get_u16(m, tc, &type) && dx_get_u16(m, tc + 2, &cls);
  dx_node *q = dx_add_none(p, sect, FLD(F_QUERY), m, off, framed ? nm.wire + 4 : nm.wire);
  char tb[32];
  const char *ts = type_short(type, tb, sizeof tb);
  bool mdns = c->kind == KIND_MDNS;
  const char *qu = mdns ? (cls & 0x8000 ? ", \"QU\" question" : ", \"QM\" question") : "";
  if (have)
    dx_node_set_text(p, q, "%s: type %s, class %s%s", nm.disp, ts,
                     class_name(mdns ? cls & 0x7fff : cls), qu);
  else
    dx_node_set_text(p, q, "%s", nm.disp);
  dx_node_cut_label(p, q); /* (tshark's 240-byte labels) */
  add_name(c, q, F_QRY_NAME, off, &nm);
  if (!framed)
    return false;
  dx_node *g = dx_add_uint(p, q, FLD(F_QRY_NAME_LEN), m, off, nm.wire, nm.vlen);
  dx_node_set_flags(g, DX_NODE_GENERATED);
  g = dx_add_uint(p, q, FLD(F_CNT_LABELS), m, off, nm.wire, nm.labels);
  dx_node_set_flags(g, DX_NODE_GENERATED);
  dx_add_item(p, q, FLD(F_QRY_TYPE), m, tc, 2);
  if (mdns && have)
    add_mdns_class(c, q, F_QRY_CLASS, F_QRY_QU, tc + 2, cls);
  else
    dx_add_item(p, q, FLD(F_QRY_CLASS), m, tc + 2, 2);
  if (!have) {
    flag_short(c, q, "question type and class cut short");
    return false;
  }
  info(c, " %s %s%s", ts, nm.disp, qu);
  *offp = tc + 4;
  return true;
}

/* A name inside record data that must end by rdend. */
static bool rdata_name(dns_ctx *c, dx_node *rr, int field, uint32_t off, uint32_t rdend,
                       dns_name *nm) {
  read_name(c, off, nm);
  if (name_framed(nm) && off + nm->wire > rdend) {
    dx_node *n = add_name(c, rr, field, off, nm);
    dx_mark_malformed(c->p, n, "name runs past the end of the record data");
    return false;
  }
  add_name(c, rr, field, off, nm);
  return name_framed(nm);
}

/* <character-string>s (RFC 1035 3.3): a length byte and that many bytes. */
static void rdata_strings(dns_ctx *c, dx_node *rr, int f_len, int f_str, uint32_t pos,
                          uint32_t rdend, const char **first, const char **second) {
  int k = 0;
  while (pos < rdend) { /* advances by at least one byte */
    uint8_t l = 0;
    dx_get_u8(c->m, pos, &l);
    dx_add_item(c->p, rr, FLD(f_len), c->m, pos, 1);
    const uint8_t *s = l ? dx_get_ptr(c->m, pos + 1, l) : (const uint8_t *)"";
    if (pos + 1 + l > rdend || !s) {
      dx_node *n = dx_add_bytes(c->p, rr, FLD(F_DATA), c->m, pos + 1, rdend - pos - 1);
      dx_mark_malformed(c->p, n, "string of %u bytes runs past the end of the record data", l);
      return;
    }
    dx_node *n = dx_add_string(c->p, rr, FLD(f_str), c->m, pos + 1, l, (const char *)s, l);
    const char **out = k == 0 ? first : k == 1 ? second : NULL;
    if (n && out) {
      /* A NUL-free copy for labels (not read back from the node: its
       * layer may be skipped in a terse packet). */
      const char *v = memchr(s, 0, l) ? NULL : dx_arena_strndup(&c->p->arena, (const char *)s, l);
      *out = v ? v : "";
    }
    k++;
    pos += 1u + l;
  }
}

static void rdata_opt(dns_ctx *c, dx_node *rr, uint32_t pos, uint32_t rdend) {
  dx_packet *p = c->p;
  const dx_tvb *m = c->m;
  while (pos < rdend) { /* advances by at least 4 bytes */
    uint16_t code = 0, olen = 0;
    if (rdend - pos < 4) {
      dx_node *n = dx_add_bytes(p, rr, FLD(F_DATA), m, pos, rdend - pos);
      dx_mark_malformed(p, n, "EDNS option header cut short");
      return;
    }
    dx_get_u16(m, pos, &code);
    dx_get_u16(m, pos + 2, &olen);
    dx_node *o = dx_add_none(p, rr, FLD(F_OPT), m, pos, 4u + olen);
    const char *cn = dx_val_name(opt_code_vals, code);
    if (cn)
      dx_node_set_text(p, o, "Option: %s", cn);
    else
      dx_node_set_text(p, o, "Option: Unknown (%u)", code);
    dx_add_item(p, o, FLD(F_OPT_CODE), m, pos, 2);
    dx_add_item(p, o, FLD(F_OPT_LEN), m, pos + 2, 2);
    uint32_t d = pos + 4;
    if (d + olen > rdend) {
      dx_add_bytes(p, o, FLD(F_OPT_DATA), m, d, rdend - d);
      dx_mark_malformed(p, o, "option length %u runs past the end of the record data", olen);
      return;
    }
    dx_node *dn = dx_add_item(p, o, FLD(F_OPT_DATA), m, d, olen);
    if (olen == 0)
      dx_node_set_text(p, dn, "Option Data: <MISSING>");
    if ((code == OPT_CSUBNET || code == OPT_CSUBNET_EXP) && olen >= 4) {
      /* RFC 7871 6: family, source and scope prefix lengths, address. */
      uint16_t fam = 0;
      dx_get_u16(m, d, &fam);
      dx_add_item(p, o, FLD(F_OPT_CLIENT_FAMILY), m, d, 2);
      dx_add_item(p, o, FLD(F_OPT_CLIENT_NETMASK), m, d + 2, 1);
      dx_add_item(p, o, FLD(F_OPT_CLIENT_SCOPE), m, d + 3, 1);
      uint32_t alen = olen - 4u;
      const uint8_t *ab = dx_get_ptr(m, d + 4, alen);
      uint8_t addr[16] = {0};
      if (fam == 1 && alen <= 4 && ab) {
        memcpy(addr, ab, alen);
        uint32_t v =
            (uint32_t)addr[0] << 24 | (uint32_t)addr[1] << 16 | (uint32_t)addr[2] << 8 | addr[3];
        dx_add_uint(p, o, FLD(F_OPT_CLIENT_ADDR4), m, d + 4, alen, v);
      } else if (fam == 2 && alen <= 16 && ab) {
        memcpy(addr, ab, alen);
        dx_add_bytes_val(p, o, FLD(F_OPT_CLIENT_ADDR6), m, d + 4, alen, addr, 16);
      } else {
        dx_node *n = dx_add_item(p, o, FLD(F_OPT_CLIENT_ADDR), m, d + 4, alen);
        if (fam == 1 || fam == 2)
          dx_mark_malformed(p, n, "Length too long for any type of IP address.");
      }
    } else if (code == OPT_COOKIE && olen >= 8) {
      /* RFC 7873 4: an 8-byte client cookie, then the server cookie. */
      dx_add_item(p, o, FLD(F_OPT_COOKIE_CLIENT), m, d, 8);
      dx_node *s = dx_add_item(p, o, FLD(F_OPT_COOKIE_SERVER), m, d + 8, olen - 8u);
      if (olen == 8)
        dx_node_set_text(p, s, "Server Cookie: <MISSING>");
    } else if (code == OPT_EDE && olen >= 2) {
      /* RFC 8914 2: INFO-CODE, then optional UTF-8 EXTRA-TEXT. */
      uint16_t ic = 0;
      dx_get_u16(m, d, &ic);
      dx_node *n = dx_add_item(p, o, FLD(F_OPT_EDE_CODE), m, d, 2);
      if (ic >= 30)
        dx_node_set_text(p, n, "Info Code: %s (%u)",
                         ic < 49152 ? "Unassigned" : "Reserved for Private Use", ic);
      if (olen > 2)
        dx_add_item(p, o, FLD(F_OPT_EDE_TEXT), m, d + 2, olen - 2u);
    } else if (code == OPT_PADDING) {
      dx_add_item(p, o, FLD(F_OPT_PADDING), m, d, olen);
    }
    pos = d + olen;
  }
}

static const char *fmt_ipv4(const uint8_t *b, char *buf, size_t n) {
  dx_snprintf(buf, n, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
  return buf;
}

/* Base64 (RFC 4648 4) of n bytes into buf, as tshark shows ECH configs. */
static void base64(const uint8_t *d, uint32_t n, char *buf, size_t len) {
  static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t k = 0;
  for (uint32_t i = 0; i < n && k + 5 < len; i += 3) {
    uint32_t v = (uint32_t)d[i] << 16;
    if (i + 1 < n)
      v |= (uint32_t)d[i + 1] << 8;
    if (i + 2 < n)
      v |= d[i + 2];
    buf[k++] = tab[(v >> 18) & 63];
    buf[k++] = tab[(v >> 12) & 63];
    buf[k++] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
    buf[k++] = i + 2 < n ? tab[v & 63] : '=';
  }
  buf[k] = 0;
}

/* Appends to a bounded text buffer. */
static void tappend(char *buf, size_t len, const char *fmt, ...) DX_PRINTF(3, 4);
static void tappend(char *buf, size_t len, const char *fmt, ...) {
  size_t k = strlen(buf);
  if (k + 1 >= len)
    return;
  va_list ap;
  va_start(ap, fmt);
  dx_vsnprintf(buf + k, len - k, fmt, ap);
  va_end(ap);
}

/* Up to n bytes of s as text for a label (stops at a NUL). */
static int text_len(const uint8_t *s, uint32_t n) {
  const uint8_t *z = memchr(s, 0, n);
  return (int)(z ? (uint32_t)(z - s) : n);
}

/* SvcParams of SVCB/HTTPS records (RFC 9460 2.2, 7). */
static void rdata_svcparams(dns_ctx *c, dx_node *rr, uint32_t pos, uint32_t rdend) {
  dx_packet *p = c->p;
  const dx_tvb *m = c->m;
  char text[512], tmp[128];
  while (pos < rdend) { /* advances by at least 4 bytes */
    uint16_t key = 0, vlen = 0;
    if (rdend - pos < 4) {
      dx_node *n = dx_add_bytes(p, rr, FLD(F_DATA), m, pos, rdend - pos);
      dx_mark_malformed(p, n, "SvcParam header cut short");
      return;
    }
    dx_get_u16(m, pos, &key);
    dx_get_u16(m, pos + 2, &vlen);
    dx_node *sp = dx_add_none(p, rr, FLD(F_SVCB_PARAM), m, pos, 4u + vlen);
    dx_add_item(p, sp, FLD(F_SVCB_KEY), m, pos, 2);
    dx_add_item(p, sp, FLD(F_SVCB_VALUE_LEN), m, pos + 2, 2);
    uint32_t v = pos + 4, vend = v + vlen;
    const uint8_t *vb = dx_get_ptr(m, v, vlen);
    if (vend > rdend || !vb) {
      dx_add_bytes(p, sp, FLD(F_SVCB_VALUE), m, v, rdend - v);
      dx_mark_malformed(p, sp, "SvcParam value of %u bytes runs past the record data", vlen);
      return;
    }
    const char *kn = dx_val_name(svcb_key_vals, key);
    if (kn)
      dx_snprintf(text, sizeof text, "%s", kn);
    else
      dx_snprintf(text, sizeof text, "key%u", key);
    bool bad = false;
    switch (key) {
    case 0:   /* mandatory: a list of keys */
    case 4:   /* ipv4hint */
    case 6: { /* ipv6hint */
      uint32_t w = key == 0 ? 2 : key == 4 ? 4 : 16;
      int f = key == 0 ? F_SVCB_MANDATORY : key == 4 ? F_SVCB_IPV4HINT : F_SVCB_IPV6HINT;
      bad = vlen % w != 0 || vlen == 0;
      for (uint32_t i = 0; i + w <= vlen; i += w) {
        dx_add_item(p, sp, FLD(f), m, v + i, w);
        if (key == 0) {
          uint16_t k2 = (uint16_t)(vb[i] << 8 | vb[i + 1]);
          const char *n2 = dx_val_name(svcb_key_vals, k2);
          if (n2)
            dx_snprintf(tmp, sizeof tmp, "%s", n2);
          else
            dx_snprintf(tmp, sizeof tmp, "key%u", k2);
        } else if (key == 4) {
          fmt_ipv4(vb + i, tmp, sizeof tmp);
        } else {
          dx_addr ad;
          dx_addr_set(&ad, DX_AT_IPV6, vb + i);
          dx_addr_format(&ad, tmp, sizeof tmp);
        }
        tappend(text, sizeof text, "%s%s", i ? "," : "=", tmp);
      }
      break;
    }
    case 1: { /* alpn: length-prefixed protocol ids */
      uint32_t i = 0;
      while (i < vlen) { /* advances by at least one byte */
        uint8_t l = vb[i];
        if (i + 1u + l > vlen) {
          bad = true;
          break;
        }
        dx_add_item(p, sp, FLD(F_SVCB_ALPN_LEN), m, v + i, 1);
        dx_add_string(p, sp, FLD(F_SVCB_ALPN), m, v + i + 1, l, (const char *)vb + i + 1, l);
        tappend(text, sizeof text, "%s%.*s", i ? "," : "=", text_len(vb + i + 1, l),
                (const char *)vb + i + 1);
        i += 1u + l;
      }
      break;
    }
    case 2: /* no-default-alpn: no value */ bad = vlen != 0; break;
    case 3:
      bad = vlen != 2;
      if (!bad) {
        dx_add_item(p, sp, FLD(F_SVCB_PORT), m, v, 2);
        tappend(text, sizeof text, "=%u", (unsigned)(vb[0] << 8 | vb[1]));
      }
      break;
    case 5:
    case 32769: {
      dx_node *n = dx_add_item(p, sp, FLD(key == 5 ? F_SVCB_ECH : F_SVCB_ODOH), m, v, vlen);
      char b64[256];
      base64(vb, vlen < 180 ? vlen : 180, b64, sizeof b64);
      /* tshark shows these configurations in base64. */
      dx_node_set_text(p, n, "%s: %s%s", FLD(key == 5 ? F_SVCB_ECH : F_SVCB_ODOH)->label, b64,
                       vlen > 180 ? "..." : "");
      tappend(text, sizeof text, "=%s%s", b64, vlen > 180 ? "..." : "");
      break;
    }
    default:
      dx_add_item(p, sp, FLD(F_SVCB_VALUE), m, v, vlen);
      if (vlen)
        tappend(text, sizeof text, "=%.*s", text_len(vb, vlen < 200 ? vlen : 200),
                (const char *)vb);
      break;
    }
    dx_node_set_text(p, sp, "SvcParam: %s", text);
    if (bad)
      dx_mark_malformed(p, sp, "SvcParam %s has a bad value length (%u)", text, vlen);
    pos = vend;
  }
}

/* The record data of one RR, which lies whole in [rd, rd + rdlen). */
/* The type bit maps of NSEC and NSEC3 (RFC 4034 4.1.2): windows of a
 * window number, a length of 1 to 32 and that many bytes of bits, the
 * first bit type window * 256. Each type is a dns.resp.type item labelled
 * "RR type in bit map", as tshark 4.0 shows it. */
static void rdata_type_bitmap(dns_ctx *c, dx_node *rr, uint32_t pos, uint32_t rdend) {
  while (pos < rdend) {
    uint8_t win = 0, len = 0;
    if (rdend - pos < 2 || !dx_get_u8(c->m, pos, &win) || !dx_get_u8(c->m, pos + 1, &len)) {
      dx_node *n = dx_add_bytes(c->p, rr, FLD(F_DATA), c->m, pos, rdend - pos);
      dx_mark_malformed(c->p, n, "type bit map window cut short");
      return;
    }
    pos += 2;
    /* a window longer than the data: its types up to the data's end (as
     * tshark, which shows them, then stops at the message's end) */
    uint32_t have = len <= rdend - pos ? len : rdend - pos;
    for (uint32_t i = 0; i < have; i++, pos++) {
      uint8_t bits = 0;
      if (!dx_get_u8(c->m, pos, &bits))
        return;
      for (unsigned b = 0; b < 8; b++) {
        if (!(bits & (0x80u >> b)))
          continue;
        uint32_t type = (uint32_t)win * 256u + i * 8u + b;
        dx_node *n = dx_add_uint(c->p, rr, FLD(F_RESP_TYPE), c->m, pos, 1, type);
        if (n && dx_label_wanted(c->p, n)) {
          const char *nm = dx_val_name(type_vals, type);
          if (nm)
            dx_node_set_text(c->p, n, "RR type in bit map: %s", nm);
          else
            dx_node_set_text(c->p, n, "RR type in bit map: Unknown (%u)", type);
        }
      }
    }
    if (have < len) {
      dx_mark_malformed(c->p, rr, "type bit map window of %u bytes runs past the record data", len);
      return;
    }
  }
}

/* NSEC3 (RFC 5155 3.2): hash algorithm, flags, iterations, salt, the next
 * hashed owner (shown in base32hex, RFC 4648 7, as tshark does), the type
 * bit map. */
static void rdata_nsec3(dns_ctx *c, dx_node *rr, uint32_t rd, uint32_t rdend) {
  dx_packet *p = c->p;
  const dx_tvb *m = c->m;
  uint8_t salt_len = 0, hash_len = 0;
  if (rdend - rd < 5 || !dx_get_u8(m, rd + 4, &salt_len) || rdend - rd - 5 < salt_len + 1u ||
      !dx_get_u8(m, rd + 5 + salt_len, &hash_len) || rdend - rd - 6 - salt_len < hash_len) {
    dx_node *n = dx_add_bytes(p, rr, FLD(F_DATA), m, rd, rdend - rd);
    dx_mark_malformed(p, n, "NSEC3 record data cut short");
    return;
  }
  dx_add_item(p, rr, FLD(F_NSEC3_ALGO), m, rd, 1);
  dx_node *f = dx_add_item(p, rr, FLD(F_NSEC3_FLAGS), m, rd + 1, 1);
  dx_add_item(p, f, FLD(F_NSEC3_OPTOUT), m, rd + 1, 1);
  dx_add_item(p, rr, FLD(F_NSEC3_ITER), m, rd + 2, 2);
  dx_add_item(p, rr, FLD(F_NSEC3_SALT_LEN), m, rd + 4, 1);
  dx_add_bytes(p, rr, FLD(F_NSEC3_SALT), m, rd + 5, salt_len);
  uint32_t pos = rd + 5 + salt_len;
  dx_add_item(p, rr, FLD(F_NSEC3_HASH_LEN), m, pos, 1);
  pos++;
  if (hash_len) {
    static const char b32[] = "0123456789abcdefghijklmnopqrstuv";
    const uint8_t *h = dx_get_ptr(m, pos, hash_len);
    char out[(255 * 8 + 4) / 5 + 1];
    uint32_t k = 0;
    /* 5 bits at a time; a last group short of 5 bits takes the bits of
     * the byte after the hash (tshark reads them so), zero at the end of
     * the message */
    for (uint32_t bit = 0; h && bit < hash_len * 8u; bit += 5) {
      uint32_t byte = bit / 8, sh = bit % 8;
      uint8_t next = 0;
      if (byte + 1 < hash_len)
        next = h[byte + 1];
      else
        dx_get_u8(m, pos + byte + 1, &next);
      uint32_t w = (uint32_t)h[byte] << 8 | next;
      out[k++] = b32[(w >> (11 - sh)) & 0x1f];
    }
    dx_node *n = dx_add_string(p, rr, FLD(F_NSEC3_HASH), m, pos, hash_len, out, k);
    dx_node_set_flags(n, DX_NODE_GENERATED);
    pos += hash_len;
  }
  rdata_type_bitmap(c, rr, pos, rdend);
}

/* The fixed-size items at the start of record data, as many as fit in it
 * whole (never past rdend); false, with the record marked malformed, if
 * one does not. */
typedef struct {
  int field;
  uint8_t len;
} fixed_item;

static bool rdata_fixed(dns_ctx *c, dx_node *rr, uint32_t rd, uint32_t rdend, const fixed_item *it,
                        size_t n, const char *what) {
  uint32_t pos = rd;
  for (size_t i = 0; i < n; i++) {
    if (rdend - pos < it[i].len) {
      dx_mark_malformed(c->p, rr, "%s record data cut short", what);
      return false;
    }
    dx_add_item(c->p, rr, FLD(it[i].field), c->m, pos, it[i].len);
    pos += it[i].len;
  }
  return true;
}

/* The key tag of a DNSKEY (RFC 4034 Appendix B): the ones'-complement-like
 * sum of the record data as 16-bit words, or for RSA/MD5 (algorithm 1)
 * the 16 bits before the last byte. */
static uint16_t key_tag(const uint8_t *d, uint32_t n, uint8_t algo) {
  if (algo == 1)
    return (uint16_t)(d[n - 3] << 8 | d[n - 2]);
  uint32_t ac = 0;
  for (uint32_t i = 0; i < n; i++)
    ac += i & 1 ? d[i] : (uint32_t)d[i] << 8;
  ac += ac >> 16 & 0xffff;
  return (uint16_t)ac;
}

/* DNSKEY and CDNSKEY (RFC 4034 2.1, RFC 7344 3.2): flags, protocol,
 * algorithm, the key tag (generated) and the public key. */
static void rdata_dnskey(dns_ctx *c, dx_node *rr, uint32_t rd, uint32_t rdend) {
  dx_packet *p = c->p;
  const dx_tvb *m = c->m;
  uint32_t len = rdend - rd;
  if (len >= 2) {
    dx_node *f = dx_add_item(p, rr, FLD(F_DNSKEY_FLAGS), m, rd, 2);
    dx_add_item(p, f, FLD(F_DNSKEY_ZONE_KEY), m, rd, 2);
    dx_add_item(p, f, FLD(F_DNSKEY_REVOKED), m, rd, 2);
    dx_add_item(p, f, FLD(F_DNSKEY_SEP), m, rd, 2);
    dx_add_item(p, f, FLD(F_DNSKEY_RESERVED), m, rd, 2);
  }
  if (len >= 3)
    dx_add_item(p, rr, FLD(F_DNSKEY_PROTOCOL), m, rd + 2, 1);
  if (len < 4) {
    /* as tshark: a note that the key tag can't be computed */
    dx_node *n = dx_add_none(p, rr, FLD(F_EXP_KEY_ID_SHORT), m, rd, len);
    dx_node_set_flags(n, DX_NODE_GENERATED);
    dx_expert(p, n, FLD(F_EXP_KEY_ID_SHORT), DX_SEV_WARN, "Buffer too short to compute a key id");
    dx_mark_malformed(p, rr, "DNSKEY record data cut short");
    return;
  }
  uint8_t algo = 0;
  dx_get_u8(m, rd + 3, &algo);
  dx_add_item(p, rr, FLD(F_DNSKEY_ALGO), m, rd + 3, 1);
  const uint8_t *d = dx_get_ptr(m, rd, len);
  if (d) {
    dx_node *n = dx_add_uint(p, rr, FLD(F_DNSKEY_KEY_ID), m, rd, len, key_tag(d, len, algo));
    dx_node_set_flags(n, DX_NODE_GENERATED);
  }
  dx_add_bytes(p, rr, FLD(F_DNSKEY_PUBLIC_KEY), m, rd + 4, len - 4);
}

/* Whether the labels of a name at off end (with the root label or a
 * pointer) inside the record data, before rdend; other label types are
 * left to read_name(). */
static bool name_in_rdata(dns_ctx *c, uint32_t off, uint32_t rdend) {
  uint8_t l = 0;
  while (off < rdend && dx_get_u8(c->m, off, &l)) {
    if (l == 0)
      return true;
    if ((l & 0xc0) == 0xc0)
      return rdend - off >= 2;
    if (l & 0xc0)
      return true;
    if (rdend - off - 1 < l)
      return false;
    off += 1u + l;
  }
  return false;
}

/* RRSIG (RFC 4034 3.1): type covered, algorithm, labels, original TTL, the
 * signature's expiration and inception (seconds since 1970), key tag,
 * signer's name (compressed or not, as tshark reads it) and signature. */
static void rdata_rrsig(dns_ctx *c, dx_node *rr, uint32_t rd, uint32_t rdend) {
  dx_packet *p = c->p;
  const dx_tvb *m = c->m;
  static const fixed_item head[] = {{F_RRSIG_TYPE, 2}, {F_RRSIG_ALGO, 1}, {F_RRSIG_LABELS, 1}};
  if (!rdata_fixed(c, rr, rd, rdend, head, sizeof head / sizeof head[0], "RRSIG"))
    return;
  if (rdend - rd < 8) {
    dx_mark_malformed(p, rr, "RRSIG record data cut short");
    return;
  }
  add_duration(c, rr, F_RRSIG_OTTL, rd + 4);
  for (uint32_t pos = rd + 8; pos < rd + 16; pos += 4) {
    uint32_t t = 0;
    if (rdend - pos < 4 || !dx_get_u32(m, pos, &t)) {
      dx_mark_malformed(p, rr, "RRSIG record data cut short");
      return;
    }
    dx_add_time(p, rr, FLD(pos == rd + 8 ? F_RRSIG_EXPIRATION : F_RRSIG_INCEPTION), m, pos, 4,
                (int64_t)t, 0);
  }
  static const fixed_item tag[] = {{F_RRSIG_KEY_TAG, 2}};
  if (!rdata_fixed(c, rr, rd + 16, rdend, tag, 1, "RRSIG"))
    return;
  dns_name a;
  if (rdend - rd < 19) {
    dx_mark_malformed(p, rr, "RRSIG record data cut short");
    return;
  }
  if (!name_in_rdata(c, rd + 18, rdend)) {
    /* shown as bytes: tshark reads its labels on into what follows */
    dx_node *n = dx_add_bytes(p, rr, FLD(F_DATA), m, rd + 18, rdend - rd - 18);
    dx_mark_malformed(p, n, "signer's name runs past the end of the record data");
    return;
  }
  if (!rdata_name(c, rr, F_RRSIG_SIGNER, rd + 18, rdend, &a))
    return;
  uint32_t pos = rd + 18 + a.wire;
  if (pos < rdend)
    dx_add_bytes(p, rr, FLD(F_RRSIG_SIGNATURE), m, pos, rdend - pos);
}

/* DS and CDS (RFC 4034 5.1, RFC 7344 3.1): key tag, algorithm, digest type
 * and digest. */
static void rdata_ds(dns_ctx *c, dx_node *rr, uint32_t rd, uint32_t rdend) {
  static const fixed_item head[] = {{F_DS_KEY_ID, 2}, {F_DS_ALGO, 1}, {F_DS_DIGEST_TYPE, 1}};
  if (rdata_fixed(c, rr, rd, rdend, head, sizeof head / sizeof head[0], "DS"))
    dx_add_bytes(c->p, rr, FLD(F_DS_DIGEST), c->m, rd + 4, rdend - rd - 4);
}

/* NSEC3PARAM (RFC 5155 4.2): hash algorithm, flags, iterations, salt. */
static void rdata_nsec3param(dns_ctx *c, dx_node *rr, uint32_t rd, uint32_t rdend) {
  static const fixed_item head[] = {
      {F_NSEC3_ALGO, 1}, {F_NSEC3_FLAGS, 1}, {F_NSEC3_ITER, 2}, {F_NSEC3_SALT_LEN, 1}};
  info(c, " %s", c->owner ? c->owner : "");
  if (!rdata_fixed(c, rr, rd, rdend, head, sizeof head / sizeof head[0], "NSEC3PARAM"))
    return;
  uint8_t salt_len = 0;
  dx_get_u8(c->m, rd + 4, &salt_len);
  uint32_t have = rdend - rd - 5;
  dx_node *n =
      dx_add_bytes(c->p, rr, FLD(F_NSEC3_SALT), c->m, rd + 5, salt_len <= have ? salt_len : have);
  if (salt_len > have)
    dx_mark_malformed(c->p, n, "salt of %u bytes runs past the end of the record data", salt_len);
}

/* TLSA (RFC 6698 2.1) and SSHFP (RFC 4255 3.1): a few one-byte items, then
 * the rest as bytes. */
static void rdata_tlsa(dns_ctx *c, dx_node *rr, uint32_t rd, uint32_t rdend) {
  static const fixed_item head[] = {{F_TLSA_USAGE, 1}, {F_TLSA_SELECTOR, 1}, {F_TLSA_MATCHING, 1}};
  info(c, " %s", c->owner ? c->owner : "");
  if (rdata_fixed(c, rr, rd, rdend, head, sizeof head / sizeof head[0], "TLSA"))
    dx_add_bytes(c->p, rr, FLD(F_TLSA_DATA), c->m, rd + 3, rdend - rd - 3);
}

static void rdata_sshfp(dns_ctx *c, dx_node *rr, uint32_t rd, uint32_t rdend) {
  static const fixed_item head[] = {{F_SSHFP_ALGO, 1}, {F_SSHFP_FP_TYPE, 1}};
  if (rdata_fixed(c, rr, rd, rdend, head, sizeof head / sizeof head[0], "SSHFP") &&
      rdend - rd > 2) /* (no "<MISSING>" here, as tshark) */
    dx_add_bytes(c->p, rr, FLD(F_SSHFP_FP), c->m, rd + 2, rdend - rd - 2);
}

/* n bytes read as ASCII the way tshark does: each byte of 0x80 or more
 * becomes U+FFFD (3 bytes of UTF-8); NUL-terminated, in the arena. */
static char *ascii_text(dns_ctx *c, const uint8_t *s, uint32_t n, size_t *outlen) {
  char *o = dx_arena_alloc(&c->p->arena, (size_t)n * 3 + 1);
  size_t k = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (s[i] < 0x80) {
      o[k++] = (char)s[i];
    } else {
      memcpy(o + k, "\xef\xbf\xbd", 3);
      k += 3;
    }
  }
  o[k] = 0;
  *outlen = k;
  return o;
}

/* CAA (RFC 8659 4.1): flags, then the property (tag and value) as an item
 * named after the tag, as tshark 4.0 shows it: the tag matched as a prefix
 * of "issue", "issuewild" or "iodef" (its strncmp over the tag's length)
 * and the value read as ASCII, cut at its length in bytes and escaped. */
static void rdata_caa(dns_ctx *c, dx_node *rr, uint32_t rd, uint32_t rdend) {
  dx_packet *p = c->p;
  const dx_tvb *m = c->m;
  dx_node *f = dx_add_item(p, rr, FLD(F_CAA_FLAGS), m, rd, 1);
  dx_add_item(p, f, FLD(F_CAA_CRITICAL), m, rd, 1);
  uint8_t tag_len = 0;
  if (rdend - rd < 2 || !dx_get_u8(m, rd + 1, &tag_len) || rdend - rd - 2 < tag_len) {
    dx_mark_malformed(p, rr, "CAA record data cut short");
    return;
  }
  uint32_t value_len = rdend - rd - 2 - tag_len;
  const uint8_t *tb = dx_get_ptr(m, rd + 2, tag_len);
  const uint8_t *vb = dx_get_ptr(m, rd + 2 + tag_len, value_len);
  if ((tag_len && !tb) || (value_len && !vb)) {
    dx_mark_malformed(p, rr, "CAA record data cut short");
    return;
  }
  size_t tl = 0, vl = 0;
  const char *tag = ascii_text(c, tag_len ? tb : (const uint8_t *)"", tag_len, &tl);
  char *raw = ascii_text(c, value_len ? vb : (const uint8_t *)"", value_len, &vl);
  if (vl > value_len) /* tshark formats only value_len bytes of it */
    vl = value_len;
  size_t need = dx_escape((const uint8_t *)raw, vl, NULL, 0) + 1;
  char *val = dx_arena_alloc(&p->arena, need);
  dx_escape((const uint8_t *)raw, vl, val, need);
  int hf = strncmp(tag, "issue", tag_len) == 0       ? F_CAA_ISSUE
           : strncmp(tag, "issuewild", tag_len) == 0 ? F_CAA_ISSUEWILD
           : strncmp(tag, "iodef", tag_len) == 0     ? F_CAA_IODEF
                                                     : F_CAA_UNKNOWN;
  dx_node *prop =
      dx_add_string(p, rr, FLD(hf), m, rd + 1, 1u + tag_len + value_len, val, strlen(val));
  dx_add_item(p, prop, FLD(F_CAA_TAG_LEN), m, rd + 1, 1);
  /* the tag as a C string: up to a NUL byte (the value is formatted whole) */
  dx_add_string(p, prop, FLD(F_CAA_TAG), m, rd + 2, tag_len, tag, strlen(tag));
  dx_add_string(p, prop, FLD(F_CAA_VALUE), m, rd + 2 + tag_len, value_len, val, strlen(val));
}

static void dissect_rdata(dns_ctx *c, dx_node *rr, uint16_t type, uint32_t rd, uint16_t rdlen) {
  dx_packet *p = c->p;
  const dx_tvb *m = c->m;
  uint32_t rdend = rd + rdlen;
  dns_name a, b;
  char buf[64];
  switch (type) {
  case T_A:
  case T_AAAA: {
    uint32_t want = type == T_A ? 4 : 16;
    if (rdlen != want) {
      dx_node *n = dx_add_bytes(p, rr, FLD(F_DATA), m, rd, rdlen);
      dx_mark_malformed(p, n, "address of %u bytes, expected %u", rdlen, want);
      return;
    }
    const uint8_t *ab = dx_get_ptr(m, rd, want);
    dx_add_item(p, rr, FLD(type == T_A ? F_A : F_AAAA), m, rd, want);
    if (!ab)
      return;
    dx_addr ad;
    dx_addr_set(&ad, type == T_A ? DX_AT_IPV4 : DX_AT_IPV6, ab);
    if (type == T_A)
      fmt_ipv4(ab, buf, sizeof buf);
    else
      dx_addr_format(&ad, buf, sizeof buf);
    dx_node_append_text(p, rr, ", addr %s", buf);
    info(c, " %s", buf);
    return;
  }
  case T_NS:
  case T_CNAME:
  case T_PTR:
  case T_DNAME: {
    int f = type == T_NS ? F_NS : type == T_CNAME ? F_CNAME : type == T_PTR ? F_PTR : F_DNAME;
    if (!rdata_name(c, rr, f, rd, rdend, &a))
      return;
    const char *what = type == T_NS      ? "ns "
                       : type == T_CNAME ? "cname "
                       : type == T_PTR   ? ""
                                         : "dname ";
    dx_node_append_text(p, rr, ", %s%s", what, a.disp);
    info(c, " %s", a.disp);
    return;
  }
  case T_SOA: {
    if (!rdata_name(c, rr, F_SOA_MNAME, rd, rdend, &a))
      return;
    dx_node_append_text(p, rr, ", mname %s", a.disp);
    info(c, " %s", a.disp);
    uint32_t pos = rd + a.wire;
    if (!rdata_name(c, rr, F_SOA_RNAME, pos, rdend, &b))
      return;
    pos += b.wire;
    if (rdend - pos < 20) {
      dx_node *n = dx_add_bytes(p, rr, FLD(F_DATA), m, pos, rdend - pos);
      dx_mark_malformed(p, n, "SOA record data cut short");
      return;
    }
    dx_add_item(p, rr, FLD(F_SOA_SERIAL), m, pos, 4);
    add_duration(c, rr, F_SOA_REFRESH, pos + 4);
    add_duration(c, rr, F_SOA_RETRY, pos + 8);
    add_duration(c, rr, F_SOA_EXPIRE, pos + 12);
    add_duration(c, rr, F_SOA_MINIMUM, pos + 16);
    return;
  }
  case T_MX: {
    uint16_t pref = 0;
    if (rdlen < 3) {
      dx_node *n = dx_add_bytes(p, rr, FLD(F_DATA), m, rd, rdlen);
      dx_mark_malformed(p, n, "MX record data cut short");
      return;
    }
    dx_get_u16(m, rd, &pref);
    dx_add_item(p, rr, FLD(F_MX_PREF), m, rd, 2);
    if (!rdata_name(c, rr, F_MX_EXCH, rd + 2, rdend, &a))
      return;
    dx_node_append_text(p, rr, ", preference %u, mx %s", pref, a.disp);
    info(c, " %u %s", pref, a.disp);
    return;
  }
  case T_TXT: rdata_strings(c, rr, F_TXT_LEN, F_TXT, rd, rdend, NULL, NULL); return;
  case T_SPF: rdata_strings(c, rr, F_SPF_LEN, F_SPF, rd, rdend, NULL, NULL); return;
  case T_HINFO: {
    const char *cpu = NULL, *os = NULL;
    uint8_t l = 0;
    dx_get_u8(m, rd, &l);
    if (rdlen >= 1 && rd + 1u + l < rdend) {
      rdata_strings(c, rr, F_HINFO_CPU_LEN, F_HINFO_CPU, rd, rd + 1u + l, &cpu, NULL);
      rdata_strings(c, rr, F_HINFO_OS_LEN, F_HINFO_OS, rd + 1u + l, rdend, &os, NULL);
    } else {
      dx_node *n = dx_add_bytes(p, rr, FLD(F_DATA), m, rd, rdlen);
      dx_mark_malformed(p, n, "HINFO record data cut short");
    }
    if (cpu && os) {
      dx_node_append_text(p, rr, ", CPU %s, OS %s", cpu, os);
      info(c, " %s %s", cpu, os);
    }
    return;
  }
  case T_SRV: {
    uint16_t pri = 0, wt = 0, port = 0;
    if (rdlen < 7) {
      dx_node *n = dx_add_bytes(p, rr, FLD(F_DATA), m, rd, rdlen);
      dx_mark_malformed(p, n, "SRV record data cut short");
      return;
    }
    dx_get_u16(m, rd, &pri);
    dx_get_u16(m, rd + 2, &wt);
    dx_get_u16(m, rd + 4, &port);
    dx_add_item(p, rr, FLD(F_SRV_PRIORITY), m, rd, 2);
    dx_add_item(p, rr, FLD(F_SRV_WEIGHT), m, rd + 2, 2);
    dx_add_item(p, rr, FLD(F_SRV_PORT), m, rd + 4, 2);
    if (!rdata_name(c, rr, F_SRV_TARGET, rd + 6, rdend, &a))
      return;
    dx_node_append_text(p, rr, ", priority %u, weight %u, port %u, target %s", pri, wt, port,
                        a.disp);
    info(c, " %u %u %u %s", pri, wt, port, a.disp);
    return;
  }
  case T_OPT: rdata_opt(c, rr, rd, rdend); return;
  case T_NSEC: { /* RFC 4034 4 (also mDNS's negative answers, RFC 6762 6.1) */
    if (!rdata_name(c, rr, F_NSEC_NEXT, rd, rdend, &a))
      return;
    dx_node_append_text(p, rr, ", next domain name %s", a.disp);
    info(c, " %s", a.disp);
    rdata_type_bitmap(c, rr, rd + a.wire, rdend);
    return;
  }
  case T_NSEC3: rdata_nsec3(c, rr, rd, rdend); return;
  /* DNSSEC and DANE records (empty data never reaches here, as tshark) */
  case T_DNSKEY:
  case T_CDNSKEY: rdata_dnskey(c, rr, rd, rdend); return;
  case T_RRSIG: rdata_rrsig(c, rr, rd, rdend); return;
  case T_DS:
  case T_CDS: rdata_ds(c, rr, rd, rdend); return;
  case T_NSEC3PARAM: rdata_nsec3param(c, rr, rd, rdend); return;
  case T_TLSA: rdata_tlsa(c, rr, rd, rdend); return;
  case T_SSHFP: rdata_sshfp(c, rr, rd, rdend); return;
  case T_CAA: rdata_caa(c, rr, rd, rdend); return;
  case T_NULL:
    /* RFC 1035 3.3.10: anything; tshark shows the bytes and, in Info, the
     * owner's name again */
    dx_add_item(p, rr, FLD(F_NULL), m, rd, rdlen);
    info(c, " %s", c->owner ? c->owner : "");
    return;
  case T_SVCB:
  case T_HTTPS: {
    if (rdlen < 3) {
      dx_node *n = dx_add_bytes(p, rr, FLD(F_DATA), m, rd, rdlen);
      dx_mark_malformed(p, n, "SVCB record data cut short");
      return;
    }
    dx_add_item(p, rr, FLD(F_SVCB_PRIORITY), m, rd, 2);
    if (rdata_name(c, rr, F_SVCB_TARGET, rd + 2, rdend, &a))
      rdata_svcparams(c, rr, rd + 2 + a.wire, rdend);
    return;
  }
  default:
    if (rdlen) {
      dx_node *n = dx_add_bytes(p, rr, FLD(F_DATA), m, rd, rdlen);
      dx_expert(p, n, FLD(F_EXP_UNDECODED), DX_SEV_NOTE,
                "Records of type %u are not decoded; the data is shown as bytes", type);
    }
    return;
  }
}

/* SRV owner names are _Service._Proto.Name (RFC 2782); tshark shows the
 * parts instead of the name. */
static void add_srv_owner(dns_ctx *c, dx_node *rr, uint32_t off, const dns_name *nm) {
  static const int fields[3] = {F_SRV_SERVICE, F_SRV_PROTO, F_SRV_NAME};
  const char *s = nm->val;
  uint32_t n = nm->vlen, i = 0;
  dx_node *first = NULL;
  for (int k = 0; k < 3; k++) {
    uint32_t j = i;
    if (k < 2)
      while (j < n && s[j] != '.')
        j++;
    else
      j = n;
    dx_node *x = dx_add_string(c->p, rr, FLD(fields[k]), c->m, off, nm->wire, s + i, j - i);
    if (!first)
      first = x;
    if (j >= n)
      break;
    i = j + 1;
  }
  if (first)
    mark_bad_name(c, first, nm);
}

static bool dissect_rr(dns_ctx *c, dx_node *sect, uint32_t *offp) {
  dx_packet *p = c->p;
  const dx_tvb *m = c->m;
  uint32_t off = *offp;
  dns_name nm;
  read_name(c, off, &nm);
  bool framed = name_framed(&nm);
  uint32_t fx = off + nm.wire; /* type, class, ttl, rdlength */
  uint16_t type = 0, cls = 0, rdlen = 0;
  uint32_t ttl = 0;
  bool have = framed && dx_tvb_has(m, fx, 10);
  if (have) {
    dx_get_u16(m, fx, &type);
    dx_get_u16(m, fx + 2, &cls);
    dx_get_u32(m, fx + 4, &ttl);
    dx_get_u16(m, fx + 8, &rdlen);
  }
  uint32_t rd = fx + 10;
  dx_node *rr = dx_add_none(p, sect, FLD(F_RR), m, off, have ? nm.wire + 10u + rdlen : nm.wire);
  char tb[32];
  const char *ts = type_short(type, tb, sizeof tb);
  if (!have)
    dx_node_set_text(p, rr, "%s", nm.disp);
  else if (type == T_OPT)
    dx_node_set_text(p, rr, "%s: type %s", nm.disp, ts);
  else if (c->kind == KIND_MDNS)
    dx_node_set_text(p, rr, "%s: type %s, class %s%s", nm.disp, ts, class_name(cls & 0x7fff),
                     cls & 0x8000 ? ", cache flush" : "");
  else
    dx_node_set_text(p, rr, "%s: type %s, class %s", nm.disp, ts, class_name(cls));
  dx_node_cut_label(p, rr); /* (tshark's 240-byte labels) */
  if (have && type == T_SRV)
    add_srv_owner(c, rr, off, &nm);
  else
    add_name(c, rr, F_RESP_NAME, off, &nm);
  if (!framed)
    return false;
  if (!have) {
    /* Show what there is of the fixed part, then stop. */
    dx_add_item(p, rr, FLD(F_RESP_TYPE), m, fx, 2);
    if (fx + 2 < m->len)
      dx_add_item(p, rr, FLD(F_RESP_CLASS), m, fx + 2, 2);
    if (fx + 4 < m->len)
      dx_add_item(p, rr, FLD(F_RESP_TTL), m, fx + 4, 4);
    if (fx + 8 < m->len)
      dx_add_item(p, rr, FLD(F_RESP_LEN), m, fx + 8, 2);
    flag_short(c, rr, "resource record cut short");
    return false;
  }
  dx_add_item(p, rr, FLD(F_RESP_TYPE), m, fx, 2);
  if (type == T_OPT) {
    /* RFC 6891 6.1.2-6.1.3: CLASS is the UDP payload size, TTL holds the
     * extended RCODE, the version and the flags. */
    if (c->kind == KIND_MDNS) {
      dx_add_item(p, rr, FLD(F_UDP_PAYLOAD_MDNS), m, fx + 2, 2);
      dx_add_item(p, rr, FLD(F_RESP_CACHE_FLUSH), m, fx + 2, 2);
    } else {
      dx_add_item(p, rr, FLD(F_UDP_PAYLOAD), m, fx + 2, 2);
    }
    dx_add_item(p, rr, FLD(F_EXT_RCODE), m, fx + 4, 1);
    dx_add_item(p, rr, FLD(F_EDNS0_VERSION), m, fx + 5, 1);
    dx_node *z = dx_add_item(p, rr, FLD(F_RESP_Z), m, fx + 6, 2);
    dx_add_item(p, z, FLD(F_RESP_Z_DO), m, fx + 6, 2);
    dx_add_item(p, z, FLD(F_RESP_Z_RESERVED), m, fx + 6, 2);
  } else {
    if (c->kind == KIND_MDNS)
      add_mdns_class(c, rr, F_RESP_CLASS, F_RESP_CACHE_FLUSH, fx + 2, cls);
    else
      dx_add_item(p, rr, FLD(F_RESP_CLASS), m, fx + 2, 2);
    dx_node *t = add_duration(c, rr, F_RESP_TTL, fx + 4);
    if (ttl & 0x80000000u)
      dx_expert(p, t, FLD(F_EXP_TTL_HIGH), DX_SEV_WARN,
                "The uppermost bit of the TTL is set (RFC 2181, section 8)");
  }
  dx_add_item(p, rr, FLD(F_RESP_LEN), m, fx + 8, 2);
  info(c, " %s%s", ts,
       c->kind == KIND_MDNS && type != T_OPT && (cls & 0x8000) ? ", cache flush" : "");
  if (!dx_tvb_has(m, rd, rdlen)) {
    /* tshark has put these records' owner in Info before it meets the end */
    if (type == T_NSEC3PARAM || type == T_TLSA)
      info(c, " %s", nm.disp);
    /* and an SOA's mname when it is all there, read before the rest */
    dns_name mn;
    if (type == T_SOA && dx_tvb_has(m, rd, 1)) {
      read_name(c, rd, &mn);
      if (name_framed(&mn))
        info(c, " %s", mn.disp);
    }
    dx_add_bytes(p, rr, FLD(F_DATA), m, rd, rdlen);
    flag_short(c, rr, "record data runs past the end of the message");
    return false;
  }
  /* no record data (RFC 2136's deletions send none): nothing to show, as
   * tshark 4.0 shows nothing after the data length */
  c->owner = nm.disp;
  if (rdlen > 0)
    dissect_rdata(c, rr, type, rd, rdlen);
  c->owner = NULL;
  *offp = rd + rdlen;
  return true;
}

/* ---- the message --------------------------------------------------------- */

extern const dx_protocol dx_proto_dns;

/* tshark 4.0's dns.retransmission_timer: seconds after a query within
 * which the same query again is a retransmission */
#define DNS_RETRANSMISSION_TIMER 5

/* Less than the timer since tx's query (a clock that went back counts as
 * less, as tshark's negative delta); no overflow whatever the times. */
static bool within_timer(const dx_packet *p, const dns_tx *tx) {
  int64_t ds = (int64_t)((uint64_t)p->frame.ts_sec - (uint64_t)tx->req_sec);
  int64_t dn = (int64_t)p->frame.ts_nsec - tx->req_nsec;
  if (ds < DNS_RETRANSMISSION_TIMER - 1)
    return true;
  if (ds > DNS_RETRANSMISSION_TIMER)
    return false;
  return ds * 1000000000 + dn < (int64_t)DNS_RETRANSMISSION_TIMER * 1000000000;
}

static void match(dns_ctx *c) {
  dx_packet *p = c->p;
  dns_state *st = dx_proto_state(p, &dx_proto_dns);
  /* a message quoted in an ICMP error is a copy of one already seen: it
   * neither starts nor answers a transaction (as tshark) */
  if (!st || !c->id_node || p->in_icmp_error)
    return;
  dns_key k;
  memset(&k, 0, sizeof k);
  k.ipproto = p->ipproto;
  k.id = c->id;
  if (!c->response) {
    k.cli = p->net_src;
    k.srv = p->net_dst;
    k.cport = p->srcport;
    k.sport = p->dstport;
  } else {
    k.cli = p->net_dst;
    k.srv = p->net_src;
    k.cport = p->dstport;
    k.sport = p->srcport;
  }
  uint32_t h = key_hash(st, &k);
  dns_tx *tx = tx_find(st, &k, h);
  if (!tx && c->response && c->kind == KIND_MDNS) {
    /* an mDNS response goes to the group the query went to, from the
     * querier's own address when it answers itself: tshark's conversation
     * is the same address pair either way */
    k.cli = p->net_src;
    k.srv = p->net_dst;
    k.cport = p->srcport;
    k.sport = p->dstport;
    h = key_hash(st, &k);
    tx = tx_find(st, &k, h);
  }
  dx_node *top = c->top, *n;
  if (!c->response) {
    /* a query with the ID of an unanswered one of the same conversation
     * within 5 s of it is a retransmission, whatever it asks (tshark 4.0
     * compares no question: mDNS's queries, all of ID 0, are
     * retransmissions of one another); later, a new transaction
     * (tshark 4.0's dns.retransmission_timer, 5 s) */
    if (tx && !tx->answered && tx->req_frame != p->num && within_timer(p, tx)) {
      dx_expert(p, c->id_node, FLD(F_EXP_RETRANS_REQ), DX_SEV_WARN,
                "DNS query retransmission. Original request in frame %llu",
                (unsigned long long)tx->req_frame);
      n = dx_add_uint(p, top, FLD(F_RETRANS_REQ_IN), c->m, 0, 0, tx->req_frame);
      dx_node_set_flags(n, DX_NODE_GENERATED);
      n = dx_add_uint(p, top, FLD(F_RETRANSMISSION), c->m, 0, 0, 1);
      dx_node_set_flags(n, DX_NODE_GENERATED);
      return;
    }
    if (tx && tx->req_frame == p->num)
      return; /* the same query seen again in this frame */
    if (tx)
      tx_remove(st, tx);
    tx = tx_insert(p, st, &k, h, top);
    if (!tx)
      return;
    tx->req_frame = p->num;
    tx->req_sec = p->frame.ts_sec;
    tx->req_nsec = p->frame.ts_nsec;
    return;
  }
  if (!tx) {
    n = dx_add_uint(p, top, FLD(F_UNSOLICITED), c->m, 0, 0, 1);
    dx_node_set_flags(n, DX_NODE_GENERATED);
    return;
  }
  if (tx->answered && tx->rep_frame != p->num) {
    dx_expert(p, c->id_node, FLD(F_EXP_RETRANS_RESP), DX_SEV_WARN,
              "DNS response retransmission. Original response in frame %llu",
              (unsigned long long)tx->rep_frame);
    n = dx_add_uint(p, top, FLD(F_RETRANS_RESP_IN), c->m, 0, 0, tx->rep_frame);
    dx_node_set_flags(n, DX_NODE_GENERATED);
    n = dx_add_uint(p, top, FLD(F_RETRANSMISSION), c->m, 0, 0, 1);
    dx_node_set_flags(n, DX_NODE_GENERATED);
    return;
  }
  if (!tx->answered) {
    tx->answered = true;
    tx->rep_frame = p->num;
    list_unlink(&st->pending, tx);
    list_append(&st->answered, tx);
  }
  n = dx_add_uint(p, top, FLD(F_RESPONSE_TO), c->m, 0, 0, tx->req_frame);
  dx_node_set_flags(n, DX_NODE_GENERATED);
  /* Capture files may hold any timestamps: no signed overflow. */
  int64_t sec = (int64_t)((uint64_t)p->frame.ts_sec - (uint64_t)tx->req_sec);
  int64_t nsec = (int64_t)p->frame.ts_nsec - tx->req_nsec;
  sec = (int64_t)((uint64_t)sec + (uint64_t)(nsec / 1000000000));
  nsec %= 1000000000;
  if (nsec < 0 && sec > 0) {
    nsec += 1000000000;
    sec--;
  } else if (nsec > 0 && sec < 0) {
    nsec -= 1000000000;
    sec++;
  }
  n = dx_add_time(p, top, FLD(F_TIME), c->m, 0, 0, sec, (int32_t)nsec);
  dx_node_set_flags(n, DX_NODE_GENERATED);
}

static const char *opcode_name(int opcode, char *buf, size_t n) {
  const char *s = dx_val_name(opcode_vals, (uint64_t)opcode);
  if (s)
    return s;
  dx_snprintf(buf, n, "Unknown operation (%d)", opcode);
  return buf;
}

static void add_flags(dns_ctx *c, uint16_t flags) {
  dx_packet *p = c->p;
  const dx_tvb *m = c->m;
  int rcode = flags & 0xf;
  const char *on = dx_val_name_def(opcode_vals, (uint64_t)c->opcode, "Unknown operation");
  dx_node *f = dx_add_item(p, c->top, FLD(F_FLAGS), m, 2, 2);
  if (c->response)
    dx_node_set_text(p, f, "Flags: 0x%04x %s response, %s", flags, on,
                     dx_val_name_def(rcode_vals, (uint64_t)rcode, "Unknown error"));
  else
    dx_node_set_text(p, f, "Flags: 0x%04x %s", flags, on);
  /* As tshark: AA, RA and RCODE only in responses; AD in queries only when
   * set (RFC 6840 5.7 gives it a meaning there). */
  dx_add_item(p, f, FLD(F_FL_RESPONSE), m, 2, 2);
  dx_add_item(p, f, FLD(F_FL_OPCODE), m, 2, 2);
  if (c->kind == KIND_LLMNR) {
    dx_node *cf = dx_add_item(p, f, FLD(F_FL_CONFLICT), m, 2, 2);
    if (c->response && dx_label_wanted(p, cf))
      dx_node_set_text(p, cf, ".... .%c.. .... .... = Conflict: %s", flags & 0x0400 ? '1' : '0',
                       flags & 0x0400 ? "The name is not considered unique"
                                      : "The name is considered unique");
    dx_add_item(p, f, FLD(F_FL_TC), m, 2, 2);
    dx_add_item(p, f, FLD(F_FL_TENTATIVE), m, 2, 2);
    if (c->response)
      dx_add_item(p, f, FLD(F_FL_RCODE), m, 2, 2);
    return;
  }
  if (c->response)
    dx_add_item(p, f, FLD(F_FL_AA), m, 2, 2);
  dx_add_item(p, f, FLD(F_FL_TC), m, 2, 2);
  dx_add_item(p, f, FLD(F_FL_RD), m, 2, 2);
  if (c->response)
    dx_add_item(p, f, FLD(F_FL_RA), m, 2, 2);
  dx_add_item(p, f, FLD(F_FL_Z), m, 2, 2);
  if (c->response) {
    dx_add_item(p, f, FLD(F_FL_AD), m, 2, 2);
  } else if (flags & 0x0020) {
    dx_node *ad = dx_add_item(p, f, FLD(F_FL_AD), m, 2, 2);
    dx_node_set_text(p, ad, ".... .... ..1. .... = AD bit: Set");
  }
  dx_add_item(p, f, FLD(F_FL_CD), m, 2, 2);
  if (c->response)
    dx_add_item(p, f, FLD(F_FL_RCODE), m, 2, 2);
}

static const char *const kind_col[] = {"DNS", "MDNS", "LLMNR"};
static const char *const kind_label[] = {"Domain Name System", "Multicast Domain Name System",
                                         "Link-local Multicast Name Resolution"};

/* Dissects one DNS message `m` under the layer node `top`. */
static void dissect_message(dx_packet *p, const dx_tvb *m, dx_node *top, int kind) {
  dns_ctx c;
  memset(&c, 0, sizeof c);
  c.p = p;
  c.m = m;
  c.top = top;
  c.kind = kind;
  c.info = p->want_columns;
  dx_col_set_proto(p, kind_col[kind]);
  bool cut = !dx_tvb_has(m, 0, 12);
  uint16_t id = 0, flags = 0, cnt[4] = {0};
  dx_get_u16(m, 0, &id);
  dx_get_u16(m, 2, &flags);
  for (int i = 0; i < 4; i++)
    dx_get_u16(m, 4u + 2u * (uint32_t)i, &cnt[i]);
  c.response = flags & 0x8000;
  c.opcode = (flags >> 11) & 0xf;
  int rcode = flags & 0xf;
  bool update = c.opcode == OPCODE_UPDATE;
  dx_node_set_text(p, top, "%s (%s)", kind_label[kind], c.response ? "response" : "query");
  if (c.info) {
    char ob[40];
    dx_col_info_set(p, "%s%s 0x%04x", opcode_name(c.opcode, ob, sizeof ob),
                    c.response ? " response" : "", id);
    p->col_info_added = true; /* (tshark's col_add_fstr) */
    if (c.response && rcode) {
      const char *rn = dx_val_name(rcode_vals, (uint64_t)rcode);
      if (rn)
        dx_col_info_append(p, " %s", rn);
      else
        dx_col_info_append(p, " Unknown error (%d)", rcode);
    }
  }
  c.id_node = dx_add_item(p, top, FLD(F_ID), m, 0, 2);
  dx_get_u16(m, 0, &c.id);
  add_flags(&c, flags);
  static const int cnt_f[2][4] = {{F_CNT_QUERIES, F_CNT_ANSWERS, F_CNT_AUTH, F_CNT_ADD},
                                  {F_CNT_ZONES, F_CNT_PREREQ, F_CNT_UPDATES, F_CNT_ADD}};
  for (uint32_t i = 0; i < 4 && dx_tvb_has(m, 4u + 2u * i, 2); i++)
    dx_add_item(p, top, FLD(cnt_f[update][i]), m, 4u + 2u * i, 2);
  if (cut) {
    /* a header that ends inside the message's counts: tshark reads up to
     * there and stops with its exception (the capture's cut, or the
     * message's) */
    dx_node_set_flags(top, m->len < m->reported ? DX_NODE_TRUNCATED : DX_NODE_MALFORMED);
    dx_exception_malformed(p, kind_col[kind], m);
    return;
  }

  static const int sec_f[4] = {F_SEC_QUERIES, F_SEC_ANSWERS, F_SEC_AUTH, F_SEC_ADD};
  static const char *const sec_update[4] = {"Zone", "Prerequisites", "Updates",
                                            "Additional records"};
  uint32_t off = 12;
  bool ok = true;
  /* A message that is all there but ends before its counts say: tshark's
   * exception, after the section's header if it has a byte of it, and
   * without the record it was reading. (Where the capture cut it, what
   * there is is marked truncated.) */
  bool whole = m->len == m->reported, exc = false;
  for (int s = 0; s < 4 && ok; s++) {
    if (!cnt[s])
      continue;
    if (whole && off >= m->len) {
      ok = false;
      exc = true;
      break;
    }
    dx_node *sect = dx_add_none(p, top, FLD(sec_f[s]), m, off, 0);
    if (update)
      dx_node_set_text(p, sect, "%s", sec_update[s]);
    uint32_t start = off;
    /* Bounded by the count and by the message: every record takes bytes. */
    for (uint32_t i = 0; i < cnt[s]; i++) {
      if (off >= m->len && whole) {
        exc = true;
        ok = false;
        break;
      }
      if (off >= m->len) {
        char what[96];
        dx_snprintf(what, sizeof what, "%s says %u, the message ends after %u",
                    FLD(cnt_f[update][s])->label, cnt[s], i);
        flag_short(&c, sect, what);
        ok = false;
        break;
      }
      c.ran_out = false;
      ok = s == 0 ? dissect_query(&c, sect, &off) : dissect_rr(&c, sect, &off);
      if (!ok) {
        if (c.ran_out && whole) {
          dx_node_unlink(sect->last_child);
          exc = true;
        }
        break;
      }
    }
    dx_node_set_len(sect, (ok ? off : m->len) - start);
  }
  if (exc) {
    dx_node_set_flags(top, DX_NODE_MALFORMED);
    dx_exception_malformed(p, kind_col[kind], m);
    return;
  }
  match(&c);
  if (ok && off < m->len) {
    /* Bytes after the last record (tshark: "Extraneous Data"). */
    uint32_t extra = m->len - off;
    dx_node *x = dx_add_none(p, top, FLD(F_EXTRANEOUS), m, off, extra);
    dx_node_set_text(p, x, "Extraneous Data (%u bytes)", extra);
    dx_add_item(p, x, FLD(F_EXTRANEOUS_DATA), m, off, extra);
    dx_node *n = dx_add_int(p, x, FLD(F_EXTRANEOUS_LEN), m, off, extra, extra);
    dx_node_set_flags(n, DX_NODE_GENERATED);
  }
}

/* A message too short for its ID and flags (and not cut by the capture):
 * tshark's dissector clears Info and meets its exception before it adds
 * its tree, so there is no DNS layer, only "[Malformed Packet: DNS]". */
static bool header_cut(dx_packet *p, const dx_tvb *m, int kind, const dx_field *layer,
                       const dx_tvb *lt, uint32_t llen) {
  if (m->len >= 4)
    return false;
  dx_col_set_proto(p, kind_col[kind]);
  dx_col_info_clear(p);
  p->col_info_added = true; /* (tshark's col_clear: no separator after a fence) */
  dx_exception_malformed_nolayer(p, kind_col[kind], layer, lt, llen);
  return true;
}

/* Over UDP a datagram is one message; over TCP (RFC 1035 4.2.2, RFC 7766)
 * each message has a two-byte length prefix, a segment may hold several
 * and a message may span segments (desegmentation contract in dx.h). */
static uint32_t dissect_dns(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  /* nothing of it captured in an ICMP error's quote: tshark stops at UDP */
  if (t->len == 0 && (t->reported == 0 || p->in_icmp_error))
    return 0;
  if (p->ipproto != 6) {
    if (header_cut(p, t, KIND_DNS, FLD(F_DNS), t, t->len))
      return t->len;
    dx_node *top = dx_add_proto(p, parent, FLD(F_DNS), t, 0, t->reported);
    dissect_message(p, t, top, KIND_DNS);
    return t->len;
  }
  uint32_t off = 0;
  bool cut = t->reported > t->len; /* the capture was cut: no point waiting */
  while (off < t->len) {           /* advances by 2 + length */
    uint32_t avail = t->len - off;
    uint16_t len = 0;
    bool have_len = dx_get_u16(t, off, &len);
    if (!cut && (!have_len || avail - 2 < len)) {
      p->desegment_offset = off;
      p->desegment_len = have_len ? (uint32_t)len + 2 - avail : DX_DESEGMENT_ONE_MORE;
      return t->len;
    }
    if (have_len)
      dx_pdu_size(p, t, off, 2u + len);
    if (have_len) {
      dx_tvb hm = dx_tvb_sub(t, off + 2, len);
      dx_tvb lt = dx_tvb_sub(t, off, 2u + len);
      if (header_cut(p, &hm, KIND_DNS, FLD(F_DNS), &lt, lt.len)) {
        off += 2u + len;
        continue;
      }
    }
    dx_node *top = dx_add_proto(p, parent, FLD(F_DNS), t, off, 2u + len);
    dx_add_item(p, top, FLD(F_LENGTH), t, off, 2);
    if (!have_len) {
      dx_col_set_proto(p, "DNS");
      dx_mark_truncated(p, top, "DNS length prefix cut short");
      break;
    }
    dx_tvb m = dx_tvb_sub(t, off + 2, len);
    dissect_message(p, &m, top, KIND_DNS);
    off += 2u + len;
  }
  return t->len;
}

/* A DNS message that is a whole HTTP body (RFC 8484): no length prefix,
 * matched with its query by the connection it came on, as over TCP. */
void dx_dns_body(dx_packet *p, dx_node *parent, const dx_tvb *b) {
  if (header_cut(p, b, KIND_DNS, FLD(F_DNS), b, b->len))
    return;
  dx_node *top = dx_add_proto(p, parent, FLD(F_DNS), b, 0, b->reported);
  dissect_message(p, b, top, KIND_DNS);
}

/* DNS on a port nobody registered, as tshark's UDP heuristic takes it: a
 * header followed by something, a standard-query opcode, one question in a
 * query with no answers or authority, few records in a response, and room
 * left for the records the counts promise. */
static uint32_t heur_dns(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  uint16_t flags, qd, an, ns, ar;
  if (t->len <= 12 || !dx_get_u16(t, 2, &flags) || !dx_get_u16(t, 4, &qd) ||
      !dx_get_u16(t, 6, &an) || !dx_get_u16(t, 8, &ns) || !dx_get_u16(t, 10, &ar))
    return 0;
  if (flags & 0x7800) /* opcode other than a standard query */
    return 0;
  /* NetBIOS Name Service (UDP 137) looks like DNS but is not (its names
   * are encoded NetBIOS names, its fields nbns.*): data here */
  if (p->srcport == 137 || p->dstport == 137)
    return 0;
  if (!(flags & 0x8000)) {
    if (qd != 1 || an != 0 || ns != 0)
      return 0;
  } else if (qd > 1 || an > 100 || ns > 10) {
    return 0;
  }
  if (ar > 10 || qd + an == 0)
    return 0;
  /* a question takes at least 5 bytes, a record at least 11 */
  if ((uint32_t)qd * 5u + ((uint32_t)an + ns + ar) * 11u > t->len - 12)
    return 0;
  return dissect_dns(p, t, parent);
}

static const dx_reg dns_regs[] = {
    {DX_TABLE_UDP_PORT, 53}, {DX_TABLE_TCP_PORT, 53}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_dns = {
    .name = "dns",
    .label = "Domain Name System",
    .fields = dns_fields,
    .nfields = DX_ARRAY_LEN(dns_fields),
    .dissect = dissect_dns,
    .heuristic_udp = heur_dns,
    .regs = dns_regs,
    .state_new = state_new,
    .state_free = state_free,
    .state_reset = state_reset,
};

/* mDNS (RFC 6762) and LLMNR (RFC 4795): DNS messages under their own
 * protocol names, as tshark 4.0 shows them (frame.protocols "mdns" and
 * "llmnr", Protocol column MDNS and LLMNR, fields dns.*). */
static const dx_field mdns_fields[] = {
    DX_F("mdns", "Multicast Domain Name System", DX_FT_PROTOCOL, DX_BASE_NONE),
};
static const dx_field llmnr_fields[] = {
    DX_F("llmnr", "Link-local Multicast Name Resolution", DX_FT_PROTOCOL, DX_BASE_NONE),
};

static uint32_t dissect_kind(dx_packet *p, const dx_tvb *t, dx_node *parent, const dx_field *f,
                             int kind) {
  if (t->len == 0 && (t->reported == 0 || p->in_icmp_error))
    return 0;
  if (header_cut(p, t, kind, f, t, t->len))
    return t->len;
  dx_node *top = dx_add_proto(p, parent, f, t, 0, t->reported);
  dissect_message(p, t, top, kind);
  return t->len;
}
static uint32_t dissect_mdns(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  return dissect_kind(p, t, parent, &mdns_fields[0], KIND_MDNS);
}
static uint32_t dissect_llmnr(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  return dissect_kind(p, t, parent, &llmnr_fields[0], KIND_LLMNR);
}

static const dx_reg mdns_regs[] = {{DX_TABLE_UDP_PORT, 5353}, {DX_TABLE_NONE, 0}};
static const dx_reg llmnr_regs[] = {{DX_TABLE_UDP_PORT, 5355}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_mdns = {
    .name = "mdns",
    .label = "Multicast Domain Name System",
    .fields = mdns_fields,
    .nfields = DX_ARRAY_LEN(mdns_fields),
    .dissect = dissect_mdns,
    .regs = mdns_regs,
};

const dx_protocol dx_proto_llmnr = {
    .name = "llmnr",
    .label = "Link-local Multicast Name Resolution",
    .fields = llmnr_fields,
    .nfields = DX_ARRAY_LEN(llmnr_fields),
    .dissect = dissect_llmnr,
    .regs = llmnr_regs,
};
