/*
 * libdissect display filters: Wireshark's display-filter language.
 *
 * A filter is compiled once against a session's field registry and then
 * evaluated against any number of packets of that session:
 *
 *   dx_filter *f;
 *   dx_filter_error err;
 *   if (dx_filter_compile(sess, "tcp.port == 443 && tls", &f, &err) != DX_OK) {
 *     char msg[1024];
 *     dx_filter_error_format(text, &err, msg, sizeof msg);  // filter, caret line, reason
 *     ...
 *   }
 *   if (dx_filter_match(f, pkt)) ...
 *   dx_filter_free(f);
 *
 * Language (as in Wireshark 4.0, wireshark-filter(4))
 * ---------------------------------------------------
 *   presence        tcp   dns.flags.response   tcp.analysis.retransmission
 *   comparisons     ==  !=  <  >  <=  >=   (also eq ne lt gt le ge)
 *                   === (all_eq: every occurrence equal)  !== ~= (any_ne)
 *                   A field may occur several times in a packet (ip.addr,
 *                   tcp.port): "==" and the orderings match if ANY
 *                   occurrence matches; "!=" means "present, and no
 *                   occurrence is equal" (all_ne). "any" or "all" before a
 *                   test chooses: all tcp.port > 1024.
 *   contains        frame contains "GET"    eth.src contains 00:11
 *   matches, ~      http.host matches "^www\\."   PCRE2, case-insensitive
 *                   unless the pattern says (?-i); bytes, not UTF-8
 *   in              tcp.port in {80, 443, 8000..8080}  (commas, as 4.0)
 *                   http.request.method not in {"GET", "HEAD"}
 *   logic           not !  and &&  or ||  ( )   precedence: not > and > or
 *                   (Wireshark 4.0 has no xor; it is refused)
 *   bitwise and     tcp.flags & 0x02   (also bitwise_and; slices: & aa:bb)
 *   arithmetic      + - * / % and unary -, grouped with { }:
 *                   tcp.dstport >= 4 * {tcp.srcport + 3}. Integers of up to
 *                   32 bits compute in 32 bits; an overflow or a division by
 *                   zero gives no value; a subtraction below 0 turns signed.
 *   slices          eth.src[0:3]  frame[-2:]  frame[1-3]  frame[2]  [:2]
 *                   [2:]  and comma lists [0:2,4-5,9:], on bytes, strings,
 *                   addresses, protocols and slices
 *   layers          ip.addr#2 (the second IPv4 header)  tcp.port#[1-2]
 *   functions       len(f) (bytes of each occurrence), count(f), upper(f),
 *                   lower(f) (string fields), string(f) (integers and
 *                   addresses), max(a, b, ...), min(...), abs(x)
 *   references      ${ip.src}: the field's values in a reference packet,
 *                   given to dx_filter_match_ref() (none otherwise)
 *   literals        integers (decimal, 0x hex, 0 octal, 0b binary, 'c'),
 *                   value names of the field (eth.type == IPv4), booleans
 *                   (1 0 True False), IPv4/IPv6 addresses and CIDR blocks,
 *                   MAC addresses (: - . separators), byte strings (aa:bb:cc,
 *                   a single byte "aa" or 0xaa), "strings" with C escapes
 *                   (\n \t \xHH \ooo \" \\), raw strings r"...", times for
 *                   time fields as seconds (frame.time_relative > 1.5), and
 *                   "YYYY-MM-DD HH:MM:SS" (local time) for absolute times.
 *   field vs field  ip.src == ip.dst   (true if any pair matches)
 *   As tshark 4.0, a constant on the left ("80 == tcp.port") is refused.
 *
 * Limits: the filter text may be at most DX_FILTER_MAX_LEN bytes, nest at
 * most DX_FILTER_MAX_DEPTH levels of parentheses, not, { }, unary minus and
 * arithmetic, and hold at most DX_FILTER_MAX_NODES terms; longer or deeper
 * filters fail to compile with an error (never a stack overflow). One
 * expression yields at most DX_FILTER_MAX_VALUES values per packet. A
 * regular expression may be DX_FILTER_REGEX_MAX_LEN bytes long and take
 * DX_FILTER_REGEX_COMPILE_BYTES to compile; each match runs under PCRE2's
 * match, depth and heap limits and counts as not matching when it stops
 * (dx_filter_limit_hits()).
 *
 * Ownership and lifetime
 * ----------------------
 *   - dx_filter_compile() returns a filter the caller frees with
 *     dx_filter_free(). It refers to the session's field registry, so it
 *     must be freed before the session.
 *   - dx_filter_match() changes nothing in a compiled filter but its
 *     limit counter, which it updates atomically: several threads may
 *     evaluate one filter at the same time (on packets of sessions they
 *     own). Evaluation allocates only what a packet needs (values of
 *     repeated fields, upper()/string() results) and frees it before it
 *     returns; nothing is kept across packets.
 *   - Field pointers returned by dx_filter_fields() belong to the session.
 */
#ifndef DISSECT_FILTER_H
#define DISSECT_FILTER_H

#include <dissect/dissect.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DX_FILTER_MAX_LEN 65536 /* bytes of filter text */
#define DX_FILTER_MAX_DEPTH 256 /* nesting of ( ) and not */
#define DX_FILTER_MAX_NODES 16384
#define DX_FILTER_MAX_VALUES 65536          /* values one expression yields per packet */
#define DX_FILTER_MAX_WORK 4000000          /* pairs of values combined or compared per packet */
#define DX_FILTER_REGEX_MAX_LEN 4096        /* bytes of one regular expression */
#define DX_FILTER_REGEX_MATCH_LIMIT 1000000 /* PCRE2 match limit (backtracking steps) */
#define DX_FILTER_REGEX_DEPTH_LIMIT 10000   /* PCRE2 depth limit */
#define DX_FILTER_REGEX_HEAP_KIB 8192       /* PCRE2 heap limit per match, KiB */
#define DX_FILTER_REGEX_COMPILE_BYTES (1u << 20) /* memory one pattern may take */

typedef struct dx_filter dx_filter;

/* Why a filter did not compile: the byte position and length of the
 * offending token in the filter text (len may be 0 at the end of the text)
 * and a one-line message, e.g. `unknown field "tcp.prot"; did you mean
 * "tcp.port"?`. */
typedef struct dx_filter_error {
  int pos;
  int len;
  char message[256];
} dx_filter_error;

/* Compiles `text` against the fields of session `s`. On success stores a
 * new filter in *out and returns DX_OK. On failure returns DX_EFILTER (the
 * text is not a valid filter; *err says why and where), DX_ENOMEM or
 * DX_EINVAL (NULL arguments), and sets *out to NULL. err may be NULL. An
 * empty (or all blank) filter compiles and matches every packet. */
int dx_filter_compile(const dx_session *s, const char *text, dx_filter **out, dx_filter_error *err);

/* Flags of dx_filter_compile_flags(). DX_FILTER_UNKNOWN_ABSENT: a name
 * that is no field of the session is a field that is never present, for
 * rules written for dissectors this library lacks (Wireshark's colouring
 * rules: "hsrp.state != 8" is false, "!pim" is true). */
#define DX_FILTER_UNKNOWN_ABSENT 1u

/* As dx_filter_compile(), with DX_FILTER_* flags. Under
 * DX_FILTER_UNKNOWN_ABSENT an unknown name is accepted as a test ("pim") or
 * as the left side of a comparison or "in" ("sctp.chunk_type eq ABORT",
 * whose right side is then not converted), and that test is false;
 * anywhere else (functions, slices, arithmetic) it is still an error. */
int dx_filter_compile_flags(const dx_session *s, const char *text, unsigned flags, dx_filter **out,
                            dx_filter_error *err);

/* 1 if packet p matches the filter, 0 if not. A NULL filter matches.
 * Field references ${field} have no value (as in tshark, where no packet is
 * selected), so comparisons with them are false. */
int dx_filter_match(const dx_filter *f, const dx_packet *p);

/* As dx_filter_match(), with field references ${field} read from packet
 * `ref` (Wireshark's "selected packet"; NULL: no values). ref must belong
 * to the same session as p. */
int dx_filter_match_ref(const dx_filter *f, const dx_packet *p, const dx_packet *ref);

/* How many times, since it was compiled, the filter stopped at a limit: a
 * regular expression at its match limits (DX_FILTER_REGEX_MATCH_LIMIT,
 * ..._DEPTH_LIMIT, ..._HEAP_KIB), or a packet's evaluation after
 * DX_FILTER_MAX_WORK pairs of values (repeated fields multiplied or
 * compared pairwise); such a test, or packet, counts as not matching. A
 * program can warn the user when this is not 0. Safe to call while other
 * threads match. */
unsigned long dx_filter_limit_hits(const dx_filter *f);

/* Frees a filter (NULL is fine). */
void dx_filter_free(dx_filter *f);

/* Renders an error for a person, in three lines:
 *   tcp.prot == 80
 *   ^~~~~~~~
 *   unknown field "tcp.prot"; did you mean "tcp.port"?
 * Control bytes of the filter text are escaped (the caret line follows the
 * escaped text). Writes at most len-1 bytes and a NUL; returns the length it
 * needed (like snprintf). */
size_t dx_filter_error_format(const char *text, const dx_filter_error *err, char *buf, size_t len);

/* Under DX_FILTER_UNKNOWN_ABSENT: the distinct names the filter took as
 * fields that are never present (no field of the session has them), in
 * order of first appearance, at most 16: stores up to n of them in out
 * (strings owned by the filter) and returns how many there are. A program
 * can tell its user that those tests are false (a misspelled name is one
 * of them). */
size_t dx_filter_unknown(const dx_filter *f, const char **out, size_t n);

/* The distinct fields the filter refers to (protocols included), in order
 * of first appearance: stores up to n of them in out and returns how many
 * there are in all. A consumer may use the list to dissect only what the
 * filter needs. */
size_t dx_filter_fields(const dx_filter *f, const dx_field **out, size_t n);
/* What the filter needs of each field of dx_filter_fields(), in the same
 * order (DX_NEED_NODE or DX_NEED_VALUE: see dx_session_set_interest_needs()):
 * stores up to n of them in out and returns how many there are in all.
 * "tcp", "!arp", "eth[0] & 1" and "len(tcp) > 20" need the protocol's node,
 * "tcp contains 41" its value; fields that are not protocols always need
 * their value. */
size_t dx_filter_field_needs(const dx_filter *f, uint32_t *out, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* DISSECT_FILTER_H */
