/*
 * libdissect -- take network traffic apart layer by layer.
 *
 * This is the umbrella header of the public API. Every exported name starts
 * with dx_ (functions, types) or DX_ (constants).
 *
 * Model
 * -----
 *   dx_session   holds everything that lives across packets: the field
 *                registry, the flow table, IP fragment and TCP reassembly
 *                state, DNS query/response matching. Two sessions share
 *                nothing, so two threads may each use their own session.
 *                A session is not thread-safe by itself (see Threads).
 *   dx_capture   a source of frames (pcap/pcapng file, stdin, live
 *                interface) read through libpcap.
 *   dx_frame     one captured frame: timestamp, lengths, link type, bytes.
 *   dx_packet    the result of dissecting one frame: a tree of dx_node,
 *                the summary columns and the data sources (the frame bytes
 *                plus any reassembled buffers).
 *   dx_node      one item of the layer tree: a field (name such as
 *                "tcp.srcport", label, typed value, offset and length in
 *                its data source, flags and expert severity).
 *
 * Ownership and lifetime
 * ----------------------
 *   - dx_session_new() returns a session the caller frees with
 *     dx_session_free(). Packets must be freed before their session.
 *   - dx_session_dissect() returns a packet the caller owns and frees with
 *     dx_packet_free(). The frame bytes are copied into the packet, so the
 *     caller's buffer may be reused at once.
 *   - Nodes, strings and byte pointers returned by dx_node_* and
 *     dx_packet_* functions belong to the packet: they stay valid until
 *     dx_packet_free() and must not be freed by the caller.
 *   - dx_capture_open_*() returns a capture freed with dx_capture_close().
 *     The frame filled by dx_capture_next() points into the capture's
 *     buffer and is valid until the next call on that capture.
 *   - dx_packet_to_json() (in dissect/json.h, the one header that needs
 *     json-c) returns a new json-c object with one reference, owned by the
 *     caller (json_object_put() it).
 *
 * Threads
 * -------
 *   A session and its packets are used by one thread at a time. A packet
 *   may be handed to another thread after dx_session_dissect() returns:
 *   it holds copies of everything it shows (data sources, values, labels,
 *   columns), so that thread may read, print and free it while the first
 *   goes on dissecting the next frames of the session. What a packet
 *   still reads from its session (the field registry, the time format and
 *   the other settings) must not be changed while packets are elsewhere;
 *   the packets must be freed before the session. One packet is never
 *   used by two threads at once: readers such as dx_packet_find() and
 *   dx_packet_src() fill caches inside it. dissect runs this way (reading
 *   and dissecting in one thread, printing in another, cli/pipeline.c).
 *
 * Errors
 * ------
 *   Functions that can fail return an int status: DX_OK (0) on success, a
 *   negative DX_E* code on failure. dx_strerror() names a code. The library
 *   never prints and never exits.
 */
#ifndef DISSECT_DISSECT_H
#define DISSECT_DISSECT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- version ------------------------------------------------------------
 * The version of the headers a program was compiled with. The library's
 * build reads these three lines (CMakeLists.txt), so they are the one place
 * the version is written. DX_VERSION_NUMBER packs it as 0xMMmmpp, so
 * versions compare as numbers: #if DX_VERSION_NUMBER >= 0x000200. The
 * shared library's soname (libdissect.so.0) changes only when the ABI
 * breaks. */
#define DX_VERSION_MAJOR 0
#define DX_VERSION_MINOR 1
#define DX_VERSION_PATCH 0
#define DX_VERSION_STRING "0.1.0"
#define DX_VERSION_NUMBER ((DX_VERSION_MAJOR << 16) | (DX_VERSION_MINOR << 8) | DX_VERSION_PATCH)

/* Version of the tree form of JSON ("version" of each packet), produced by
 * dx_packet_to_json() and `dissect -T jsontree`, described by
 * docs/jsontree.schema.json. 2: times are exact strings ("0.000219000"). */
#define DX_JSON_SCHEMA_VERSION 2

/* ---- status codes ---------------------------------------------------- */
enum {
  DX_OK = 0,
  DX_ENOMEM = -1,    /* allocation failed */
  DX_EINVAL = -2,    /* invalid argument */
  DX_EIO = -3,       /* reading the capture failed */
  DX_ENOFILE = -4,   /* file missing or unreadable */
  DX_EFORMAT = -5,   /* not a capture file, or corrupt */
  DX_ELINKTYPE = -6, /* link type not supported (no longer returned: every link type opens) */
  DX_ETRUNC = -7,    /* capture file cut short */
  DX_ENOFIELD = -8,  /* unknown field name */
  DX_ELIMIT = -9,    /* a configured cap was reached */
  DX_ECAPTURE = -10, /* live capture / BPF error (see capture error text) */
  DX_EFILTER = -11   /* display filter did not compile */
};

/* Returns a static, human readable description of a status code. */
const char *dx_strerror(int status);

/* Library version string ("0.1.0"). */
const char *dx_version(void);
/* The version of the library running, packed as DX_VERSION_NUMBER is
 * (0x000100 for 0.1.0). A program built against newer headers than the
 * library it runs with can tell by comparing the two:
 *   if (dx_version_number() < DX_VERSION_NUMBER) ... */
unsigned dx_version_number(void);

/* ---- opaque handles -------------------------------------------------- */
typedef struct dx_session dx_session;
typedef struct dx_packet dx_packet;
typedef struct dx_node dx_node;
typedef struct dx_field dx_field;
typedef struct dx_capture dx_capture;

/* ---- session configuration ------------------------------------------- */
/* Caps on the state a session keeps. Zero in any member means "use the
 * default". Reaching a cap is reported in the packet tree as an expert
 * note; memory never grows past the caps.
 *
 * Programs fill a dx_config by calling dx_config_init() first and then
 * setting the members they care about:
 *   dx_config cfg;
 *   dx_config_init(&cfg);
 *   cfg.max_flows = 1000;
 *   dx_session_new(&s, &cfg);
 * so members added in later versions get their defaults, not stack
 * garbage. (Passing cfg = NULL to dx_session_new() also gives every
 * default.) */
typedef struct dx_config {
  uint32_t max_flows;              /* TCP+UDP flows tracked (default 65536) */
  uint32_t max_frag_datagrams;     /* IP datagrams in reassembly (default 1024) */
  uint32_t max_frag_bytes;         /* bytes buffered per datagram (default 65535) */
  uint32_t frag_timeout_ms;        /* fragment reassembly timeout (default 30000) */
  uint32_t max_stream_bytes;       /* TCP reassembly buffer per direction (default 16 MiB) */
  uint64_t max_total_stream_bytes; /* all TCP reassembly buffers (default 64 MiB) */
  uint32_t max_dns_pending;        /* unanswered DNS queries remembered (default 65536) */
  int check_checksums;             /* verify IP/TCP/UDP/ICMP checksums (default 0) */
  const char *keylog_file;         /* TLS key log (NSS format), may be NULL */
  const char *rsa_key_file;        /* PEM RSA private key for RSA key exchange, may be NULL */
} dx_config;

/* Fills *cfg with the defaults named above (max_flows 65536, ...,
 * check_checksums 0, no key log, no RSA key). Call it before setting any
 * member. */
void dx_config_init(dx_config *cfg);

/* Creates a session. cfg may be NULL for all defaults. The config is copied
 * (keylog_file included). A keylog_file or rsa_key_file that cannot be read
 * makes it fail with DX_ENOFILE; use dx_session_load_keylog() and
 * dx_session_load_rsa_key() to get a message naming the problem. */
int dx_session_new(dx_session **out, const dx_config *cfg);
void dx_session_free(dx_session *s);
/* Makes s as a new session with the same configuration would be, for the
 * next capture (or a fuzzer's next input), without building the field
 * index, dispatch tables and trust stores again. Forgotten: flows and
 * their stream numbers, TCP/IP/QUIC reassembly, the DNS, HTTP, TLS
 * (session cache) and QUIC tables, ICMP echo matching, certificate
 * verdicts, frame numbers, the time reference and the frame last
 * displayed, comments not yet used, the stream byte budget (back to 0);
 * the hash key of the tables is drawn again. Kept: the configuration
 * (dx_config), key log, RSA key and TLS PSK, decode-as rules, interest, time
 * format, trust anchors. The same frames then give the same packets as in
 * a new session. Packets, stories and follows made before must be freed
 * first. Returns DX_OK, DX_EINVAL (s NULL) or DX_ENOMEM (s unchanged). */
int dx_session_reset(dx_session *s);

/* ---- TLS secrets --------------------------------------------------------- */
/* Adds an NSS key log file (SSLKEYLOGFILE format: CLIENT_RANDOM, the TLS 1.3
 * traffic secrets, RSA lines). Returns DX_OK, or DX_ENOFILE / DX_EIO /
 * DX_ENOMEM with err saying "key log FILE: reason". Malformed lines are
 * skipped and counted (dx_session_keylog_stats). Call before dissecting.
 * A regular file is then read on when a secret is missing and the file
 * grew since (a browser writing its keys during a live capture, as tshark
 * reads on): its new complete lines are added, the file looked at no more
 * than once a millisecond; the last file loaded is the one read on. */
int dx_session_load_keylog(dx_session *s, const char *path, char *err, size_t errlen);
/* Adds key log lines held in memory (a pcapng Decryption Secrets Block). */
int dx_session_add_secrets(dx_session *s, const char *text, size_t len);
/* Forgets every key log secret given so far (files, text, secrets blocks;
 * also the counts of dx_session_keylog_stats), as in a session given none;
 * the RSA key stays. With dx_session_reset() between two captures, a
 * session then decrypts the second with only the secrets added after.
 * Returns DX_OK or DX_EINVAL (s NULL). */
int dx_session_clear_secrets(dx_session *s);
/* dst's key log store becomes a copy of src's (the lines of its key log
 * files and secrets added so far), as if dst had read them itself: a second
 * session of the same capture (dx_split) gets its secrets without reading a
 * large key log again. dst also reads on in the key log file src read last
 * when a secret is missing and the file grew (as dx_session_load_keylog
 * sets it up). The RSA key and the PSK are not copied. Returns DX_OK,
 * DX_EINVAL (NULL, or dst == src) or DX_ENOMEM (dst unchanged). */
int dx_session_copy_secrets(dx_session *dst, const dx_session *src);
/* Entries known, malformed lines seen and the line number of the first. */
void dx_session_keylog_stats(const dx_session *s, size_t *entries, size_t *bad,
                             unsigned long *first_bad_line);
/* Loads a PEM RSA private key (PKCS#8 or PKCS#1) to decrypt sessions that
 * use RSA key exchange. Returns DX_OK or DX_ENOFILE with err naming the file. */
int dx_session_load_rsa_key(dx_session *s, const char *path, char *err, size_t errlen);
/* Sets the pre-shared key (len bytes, copied; 1 to 65535) that decrypts
 * TLS 1.0-1.2 sessions with a plain PSK suite (TLS_PSK_WITH_*) when the key
 * log has no master secret for them: the premaster is uint16 N, N zero
 * bytes, uint16 N, the key (RFC 4279 2), as tshark's tls.psk preference.
 * psk NULL with len 0 forgets it. Kept by dx_session_reset(). Returns
 * DX_OK, DX_EINVAL (s NULL, psk NULL with len > 0, or len > 65535) or
 * DX_ENOMEM (the key set before stays). Call before dissecting. */
int dx_session_set_tls_psk(dx_session *s, const uint8_t *psk, size_t len);

/* ---- TCP ------------------------------------------------------------------ */
/* Out-of-order TCP segments, as tshark's tcp.reassemble_out_of_order. Off
 * (the default, tshark's): a segment after a gap is dissected at once and
 * the gap's bytes are given up, unless it belongs to the PDU being
 * reassembled; a segment flagged as a retransmission or out of order is not
 * handed to the application (tshark's tcp.no_subdissector_on_error). On:
 * segments after a gap are held (within the TCP caps) until the gap is
 * filled and the bytes go up in order, so a request whose segments came out
 * of order is still seen. Kept by dx_session_reset(). Returns DX_OK or
 * DX_EINVAL (s NULL). Call before dissecting: connections opened before keep
 * the setting they started with. */
int dx_session_set_tcp_reorder(dx_session *s, int on);

/* ---- frames ----------------------------------------------------------- */
/* Link types are libpcap's DLT_ values (DLT_EN10MB = 1, DLT_NULL = 0,
 * DLT_RAW = 12 or 101, DLT_LINUX_SLL = 113, DLT_LINUX_SLL2 = 276, ...). */
typedef struct dx_frame {
  int64_t ts_sec;      /* seconds since the epoch */
  uint32_t ts_nsec;    /* nanoseconds */
  uint32_t caplen;     /* bytes captured (length of data) */
  uint32_t wirelen;    /* bytes on the wire */
  int linktype;        /* DLT_ value */
  const uint8_t *data; /* caplen bytes */
} dx_frame;
/* The precision of a capture's times (dx_capture_time_precision(),
 * dx_session_set_frame_precision()): digits of a second's fraction. */
#define DX_TSPREC_SECONDS (-1)

/* Dissects one frame and returns the packet in *out. Frames must be fed in
 * capture order: the session numbers them 1, 2, 3, ... and keeps flow state.
 * Malformed or truncated bytes never make this fail: they become nodes marked
 * DX_NODE_MALFORMED / DX_NODE_TRUNCATED. Fails only for DX_ENOMEM/DX_EINVAL. */
int dx_session_dissect(dx_session *s, const dx_frame *f, dx_packet **out);
/* Comments for the next frame given to dx_session_dissect() (as
 * dx_capture_comments() gives them: each followed by a NUL; copied, at most
 * 1 MiB): shown as tshark shows them, a "Packet comments" layer (pkt_comment)
 * before the frame with frame.comment fields and Comment expert notes. */
int dx_session_set_comments(dx_session *s, const char *texts, size_t len);
/* Where a frame was captured, as a pcapng file or a live capture says it:
 * its section (1, 2, ... in file order), the interface's id within that
 * section, and the interface's name and description (if_name and
 * if_description options; NULL when the file gives none). */
typedef struct dx_iface_info {
  uint32_t section;        /* 1-based section number */
  uint32_t id;             /* interface id within the section */
  const char *name;        /* or NULL */
  const char *description; /* or NULL */
} dx_iface_info;
/* The interface of the next frame given to dx_session_dissect() (as
 * dx_capture_iface() gives it; the strings are copied, at most 4 KiB
 * each), shown as tshark shows it: "on interface NAME, id N" in the frame's
 * line, frame.section_number, frame.interface_id, frame.interface_name
 * (if_name, else if_description, else "unknown") and
 * frame.interface_description. NULL: none (a pcap file). */
int dx_session_set_iface(dx_session *s, const dx_iface_info *info);
/* The pcapng packet flags of the next frame (an Enhanced Packet Block's
 * epb_flags option, as dx_capture_packet_flags() gives them; have = 0: the
 * frame has none): shown as tshark shows them, "Packet flags" in the
 * frame's layer with the direction, reception type, FCS length and link
 * errors. */
void dx_session_set_packet_flags(dx_session *s, int have, uint32_t flags);
void dx_packet_free(dx_packet *p);

/* For programs that re-dissect part of a capture (a browser re-reading the
 * frames of one connection, say): the number the next frame dissected will
 * get, and the time the relative times count from. Frames must still come
 * in capture order within the session. */
void dx_session_set_next_number(dx_session *s, uint64_t number);
void dx_session_set_time_reference(dx_session *s, int64_t sec, uint32_t nsec);
/* The stream index (tcp.stream, udp.stream) the next new flow of IP
 * protocol ipproto (6 TCP, 17 UDP) will get, so a re-dissected connection
 * keeps the index it had in the whole capture. */
void dx_session_set_next_stream(dx_session *s, int ipproto, uint32_t index);

/* ---- one capture, several sessions (threads) ------------------------------
 * A program with several processors may dissect one capture with N
 * sessions, one a thread: each reads every frame, gives the frames of its
 * part (dx_split_part()) to dx_session_dissect() and the others to
 * dx_session_skip_frame(), and the program prints the packets of all parts
 * in frame order. A frame's part is that of the state it reads and
 * changes (its connection both ways, its IP datagram's fragments, the
 * connection an ICMP error quotes, an FTP control connection's data
 * connections; tunnels and anything not IP go to part 0), so each session sees every
 * frame of its connections and dissects them as one session dissecting
 * the whole capture would. What spans connections is not the same: stream
 * and connection numbers (tcp.stream, udp.stream, quic.connection.number)
 * count each session's connections, frame.time_delta_displayed each
 * session's displayed frames, a TLS session is resumed from another
 * part's connection only with a dx_split_share (below) or when
 * DX_SPLIT_TLS_RESUMPTION keeps them in one part, stories and interception verdicts
 * see one part, and the limits of dx_config are each session's. dissect
 * splits summary lines, -T fields and -Y only when none of these shows.
 *
 * Every splitter of one capture must share its key: make the first with
 * like NULL (a random key) and the others like it. Returns DX_OK,
 * DX_EINVAL (nparts 0) or DX_ENOMEM. A splitter keeps a few hundred KiB of
 * fixed tables (O(1) a frame) and is used by one thread. */
typedef struct dx_split dx_split;
/* flags: DX_SPLIT_TLS_RESUMPTION puts the TCP connections from one host to
 * a port of another (the lower port of the two) in one part, so that a
 * TLS <= 1.2 session resumed on a new connection finds the master secret
 * its full handshake left without a dx_split_share (dissect and
 * dissect-tui share the cache instead: the flag puts all the TLS of a
 * capture of one client and one server in one part); 0 spreads each
 * connection on its own. */
#define DX_SPLIT_TLS_RESUMPTION 1u
int dx_split_new(dx_split **out, unsigned nparts, unsigned flags, const dx_split *like);
void dx_split_free(dx_split *sp);
/* The part (0 to nparts-1) of frame f; frames must come in capture order. */
unsigned dx_split_part(dx_split *sp, const dx_frame *f);
/* Counts frame f as dissected by another session: the next frame gets the
 * next number, and the time references (first frame, previous frame,
 * previous displayed frame when no dx_session_set_displayed() was made)
 * move as dx_session_dissect() would move them. */
void dx_session_skip_frame(dx_session *s, const dx_frame *f);

/* ---- what the sessions of one split capture share --------------------------
 * A TLS <= 1.2 session resumed on a new connection is decrypted with the
 * master secret of its full handshake, which the key log may not name (it
 * may list only the full handshakes): one session remembers it; split in
 * parts, the two connections may be in two sessions. Give the sessions of
 * one capture one dx_split_share and they remember it together: each puts
 * the master secrets it learns there, and a session that looks up a
 * resumed session first waits until every other part has dissected or
 * skipped the frames before its own, so that it finds what one session
 * would have found at that frame and nothing put after it. The wait is
 * needed only for a resumed session whose client random the key log does
 * not name; two parts never wait for each other (the one that waits is the
 * one further on). Then DX_SPLIT_TLS_RESUMPTION is not needed.
 *
 * A share serves one capture (dx_session_reset() and
 * dx_session_clear_secrets() do not empty it): make a new one for the
 * next, and set it on the sessions again.
 *
 * dx_split_share_new(): nparts from 1 to DX_SPLIT_SHARE_MAX; DX_OK,
 * DX_EINVAL or DX_ENOMEM. It holds about 200 KiB, wiped when freed (after
 * the sessions that use it). */
#define DX_SPLIT_SHARE_MAX 16
typedef struct dx_split_share dx_split_share;
int dx_split_share_new(dx_split_share **out, unsigned nparts);
void dx_split_share_free(dx_split_share *sh);
/* Session s dissects part `part` (0 to nparts-1) of sh's capture (set before
 * its first frame; sh NULL: none). on_wait(arg), if not NULL, is called in
 * s's thread before it waits for the other parts: a program that holds the
 * part's output until the others catch up (to print in frame order) hands
 * on what it holds there, or the others may wait for it in turn. Returns
 * DX_OK or DX_EINVAL. */
int dx_session_set_split_share(dx_session *s, dx_split_share *sh, unsigned part,
                               void (*on_wait)(void *arg), void *arg);
/* Says that part reads no more frames (its end, an error, a stop): the
 * others no longer wait for it. Every part must say it when it stops,
 * before its session is freed. */
void dx_split_share_finish(dx_split_share *sh, unsigned part);
/* How many look-ups had to wait for another part (for tests). */
uint64_t dx_split_share_waits(const dx_split_share *sh);

/* ---- times as tshark shows them (-t, -u) ----------------------------------
 * The time column of the summary line and of _ws.col.Time, in one of
 * tshark's formats; DX_TIME_RELATIVE is the default. Absolute times are
 * local unless named UTC; the fraction has as many digits as the capture
 * records (dx_session_set_frame_precision(): six for a pcap file, nine for
 * a nanosecond one), or as dx_session_set_time_precision() fixes. */
typedef enum dx_time_format {
  DX_TIME_RELATIVE = 0,    /* -t r:    seconds since the first frame: "0.000026" */
  DX_TIME_ABSOLUTE,        /* -t a:    "08:25:43.332437" */
  DX_TIME_ABSOLUTE_YMD,    /* -t ad:   "2026-11-22 08:25:43.332437" */
  DX_TIME_ABSOLUTE_YDOY,   /* -t adoy: "2026/326 08:25:43.332437" */
  DX_TIME_DELTA,           /* -t d:    since the previous captured frame */
  DX_TIME_DELTA_DISPLAYED, /* -t dd:   since the previous displayed frame */
  DX_TIME_EPOCH,           /* -t e:    "1795335943.332437" */
  DX_TIME_UTC,             /* -t u:    as a, in UTC */
  DX_TIME_UTC_YMD,         /* -t ud */
  DX_TIME_UTC_YDOY         /* -t udoy */
} dx_time_format;
/* Sets the format of the time column for packets dissected from now on;
 * hms != 0 writes relative and delta times as tshark's -u hms does
 * ("1h 2m 3.000000s"). Returns DX_OK or DX_EINVAL. */
int dx_session_set_time_format(dx_session *s, dx_time_format fmt, int hms);
/* Digits of the time column's fraction, 0 to 9 (cut, not rounded, as
 * Wireshark does), or DX_TIME_PREC_AUTO (the default): each frame's own
 * precision (dx_session_set_frame_precision()). Wireshark 4.2's -t FORMAT.N
 * and -t FORMAT. Returns DX_OK or DX_EINVAL. */
#define DX_TIME_PREC_AUTO (-1)
int dx_session_set_time_precision(dx_session *s, int digits);
/* The precision the capture records the frames given to
 * dx_session_dissect() from now on with, as dx_capture_time_precision()
 * tells it: digits of a second's fraction (1, 2, 3, 6 or 9, as Wireshark
 * rounds resolutions down to these; DX_TSPREC_SECONDS for whole seconds;
 * 0, the default: 6, a pcap file's). tshark's automatic time column shows
 * this many. (A setting beside dx_frame, not in it, so that programs built
 * against an older dx_frame run unchanged.) Returns DX_OK or DX_EINVAL. */
int dx_session_set_frame_precision(dx_session *s, int prec);
/* Tells the session that the program displayed packet p (it matched the
 * display filter): frame.time_delta_displayed and the DX_TIME_DELTA_DISPLAYED
 * column of later frames count from it. Until the first call, every frame
 * counts as displayed; p may be NULL to only switch to this mode. */
void dx_session_set_displayed(dx_session *s, const dx_packet *p);
/* The packet's time column, formatted as the session's time format says;
 * returns the length it needed (like snprintf). */
size_t dx_packet_time_column(const dx_packet *p, char *buf, size_t len);

/* Decode-as, with tshark's -d syntax: "LAYER.port==PORT[-LAST],PROTOCOL",
 * e.g. "tcp.port==8443,tls", "tls.port==8443,http", "udp.port==5353,dns".
 * LAYER is tcp, udp or tls (the port of a TLS connection, for the protocol
 * inside it); PROTOCOL a protocol name as dissect -L lists them. A rule
 * wins over the protocols' own ports (and over ALPN); the last rule added
 * for a port wins. At most 64 rules. Returns DX_OK, or DX_EINVAL with a
 * message naming what is wrong in err (if err is not NULL). */
int dx_session_decode_as(dx_session *s, const char *rule, char *err, size_t errlen);

/* ---- interest: dissect for a few fields ------------------------------------
 * By default every packet holds the whole layer tree with its labels and
 * the summary columns. A program that reads only some fields of each packet
 * (a display filter: see dx_filter_fields(); -T fields) and never shows the
 * tree may say so, and the session then skips the work nobody will see.
 * From the next dx_session_dissect() on, packets are "terse":
 *   - no label is formatted: dx_node_label() gives the field's default
 *     label (name and value); custom label texts and expert messages are
 *     not kept;
 *   - the tree keeps only the nodes of the `n` fields given and their
 *     ancestors; for a protocol given (e.g. "dns"), the whole subtree of
 *     that layer and of the layers after it, since a protocol's value (its
 *     bytes, for "contains" and "matches") runs to their end (but see
 *     dx_session_set_interest_needs() for a protocol needed for less);
 *   - the summary columns (dx_packet_src() ... dx_packet_info()) are filled
 *     only if flags has DX_INTEREST_COLUMNS; otherwise they are empty.
 * dx_packet_find() and dx_packet_find_next() return the same occurrences,
 * in the same order and with the same values, as in full mode for every
 * field given, and a display filter whose fields (dx_filter_fields()) were
 * all given matches exactly the same packets. Protocol state that lives
 * across packets (flows, stream numbers, TCP analysis and reassembly, IP
 * defragmentation, DNS request/response matching) is kept as in full mode,
 * so a session may switch between the modes at any packet.
 * fields may hold NULL entries (ignored). Returns DX_OK, DX_EINVAL or
 * DX_ENOMEM (the mode is then unchanged). */
#define DX_INTEREST_COLUMNS 1u /* keep filling the summary columns */
int dx_session_set_interest(dx_session *s, const dx_field *const *fields, size_t n, unsigned flags);
/* What a reader needs of a protocol field (dx_filter_field_needs()):
 * DX_NEED_NODE its own node: whether the protocol is there and its own
 * bytes ("tcp", "!arp", "eth[0] & 1", "len(ip) > 20", as tshark reads
 * them: a protocol's slices and length are those of its header), or
 * DX_NEED_VALUE its bytes to the end of what follows it, which "contains"
 * and "matches" search ("tcp contains 41"), and its label (-e tcp prints
 * it). For other fields a need means nothing: their values are kept. */
#define DX_NEED_NODE 0u
#define DX_NEED_VALUE UINT32_MAX
/* dx_session_set_interest() with what is needed of each protocol field
 * (needs[i] for fields[i]; needs NULL: DX_NEED_VALUE for all, the same as
 * dx_session_set_interest()). A protocol needed only for its node keeps
 * its layer as the other fields of interest make it (the fields nobody
 * asked for are not built) and the layers after it unbuilt unless they
 * hold a field of interest; its node and the nodes of interest under it
 * are kept. A field listed twice takes the larger need. */
int dx_session_set_interest_needs(dx_session *s, const dx_field *const *fields,
                                  const uint32_t *needs, size_t n, unsigned flags);
/* Back to full packets (the default). */
void dx_session_clear_interest(dx_session *s);
/* Labels off (on = 0) or on again (the default), from the next
 * dx_session_dissect() on, for a program that prints the whole tree but no
 * labels (dissect -T json, -T ek): every node is built with its value as
 * in full mode, but the label text of a node that has a value is not
 * formatted, so dx_node_label() gives its default label (name and value).
 * The label of a node without a value (DX_FT_NONE) and the message of an
 * expert note are kept, and so are the summary columns. The compact JSON
 * and ek forms of a packet are the same as with labels on. Terse packets
 * (dx_session_set_interest) have no labels whatever this says. */
void dx_session_set_labels(dx_session *s, int on);

/* ---- captures (libpcap) ------------------------------------------------ */
/* Opens a pcap or pcapng file; path "-" reads standard input. On failure
 * returns a status and writes a message naming the file and the problem to
 * errbuf (if errbuf is not NULL). */
int dx_capture_open_file(dx_capture **out, const char *path, char *errbuf, size_t errlen);
/* Drops root for good, as tcpdump -Z does: the groups, group and user of
 * `user` (its passwd entry). Call it after opening a live capture (the open
 * handle keeps working) and before reading packets. Returns DX_OK (also
 * when the process does not run as root: nothing to drop) or DX_EINVAL
 * with errbuf naming the problem (no such user, a refused setuid). It
 * changes the whole process: programs call it, the library never does. */
int dx_drop_privileges(const char *user, char *errbuf, size_t errlen);
/* Opens a live capture on an interface. bpf may be NULL. snaplen 0 means
 * 262144. */
int dx_capture_open_live(dx_capture **out, const char *iface, const char *bpf, int snaplen,
                         char *errbuf, size_t errlen);
/* Applies a BPF capture filter to an open capture. */
int dx_capture_set_filter(dx_capture *c, const char *bpf);
/* Reads the next frame. Returns 1 with *f filled, 0 at the end of the
 * capture, or a negative status (DX_ETRUNC for a file cut short, DX_EFORMAT
 * for a corrupt record, DX_EIO); dx_capture_error() then tells what and
 * where. */
int dx_capture_next(dx_capture *c, dx_frame *f);
const char *dx_capture_error(const dx_capture *c);
/* Random access to the records of a capture file (not stdin, not live):
 * dx_capture_tell() returns the position of the record the next
 * dx_capture_next() will read (>= 0) or a negative status;
 * dx_capture_seek() goes back to a position tell returned, so that record
 * is read again. A browser records the position of each frame once and
 * re-reads frames on demand. */
int64_t dx_capture_tell(const dx_capture *c);
int dx_capture_seek(dx_capture *c, int64_t pos);
int dx_capture_linktype(const dx_capture *c);
/* TLS key log lines found in the file's pcapng Decryption Secrets Blocks
 * (before its first packet), for dx_session_add_secrets(); *len is 0 if
 * there are none. The text belongs to the capture. */
int dx_capture_secrets(const dx_capture *c, const char **text, size_t *len);
/* TLS key log lines of the Decryption Secrets Blocks that come between the
 * frame before and the frame dx_capture_next() gave last (a file written
 * while connections opened carries them there; Wireshark reads them in
 * order too), for dx_session_add_secrets() before that frame is dissected;
 * *len is 0 if there are none. Those before the first frame are
 * dx_capture_secrets()'s, not given again. The text belongs to the capture
 * until the next read. */
int dx_capture_frame_secrets(const dx_capture *c, const char **text, size_t *len);
/* The comments of the frame dx_capture_next() gave last (pcapng packet
 * comments, opt_comment of an Enhanced Packet Block), each followed by a
 * NUL, *len bytes in all (0 if none; read from plain pcapng files, not from
 * standard input). The text belongs to the capture until the next read. */
int dx_capture_comments(const dx_capture *c, const char **texts, size_t *len);
/* The interface of the frame dx_capture_next() gave last, for
 * dx_session_set_iface(): from the pcapng file's Interface Description
 * Blocks, or the device of a live capture. 1 with *info, 0 if there is none
 * (a pcap file), DX_EINVAL. The strings belong to the capture until it is
 * closed. */
int dx_capture_iface(const dx_capture *c, dx_iface_info *info);
/* The epb_flags option of the frame dx_capture_next() gave last: 1 and
 * *flags when its pcapng block had one, 0 otherwise (pcap files, live
 * captures, blocks without it), a negative DX_E* on bad arguments. */
int dx_capture_packet_flags(const dx_capture *c, uint32_t *flags);
/* The precision of the times of the frame dx_capture_next() gave last: 6
 * for a pcap file, 9 for a nanosecond one, its interface's if_tsresol in a
 * pcapng file (rounded down to 9, 6, 3, 2, 1 or DX_TSPREC_SECONDS), 6 or 9
 * for a live capture as the device gives them; 0 before the first frame.
 * For dx_session_set_frame_precision(). */
int dx_capture_time_precision(const dx_capture *c);
/* Non-zero if a dissector is registered for the link type (a LINKTYPE_ or
 * DLT_ value). Captures of every link type open: the frames of one without
 * a dissector are shown as frame + data with an expert note. */
int dx_linktype_supported(int linktype);
/* Stops a live capture loop from another thread or a signal handler. */
void dx_capture_break(dx_capture *c);
void dx_capture_close(dx_capture *c);

/* ---- fields ----------------------------------------------------------- */
typedef enum dx_ftype {
  DX_FT_NONE = 0, /* a label or subtree with no value */
  DX_FT_PROTOCOL, /* a protocol layer (eth, ip, tcp, ...) */
  DX_FT_BOOL,
  DX_FT_UINT8,
  DX_FT_UINT16,
  DX_FT_UINT24,
  DX_FT_UINT32,
  DX_FT_UINT64,
  DX_FT_INT32,
  DX_FT_INT64,
  DX_FT_DOUBLE,
  DX_FT_STRING,
  DX_FT_BYTES,
  DX_FT_IPV4,
  DX_FT_IPV6,
  DX_FT_ETHER,
  DX_FT_ABSTIME, /* seconds+nanoseconds since the epoch */
  DX_FT_RELTIME, /* seconds+nanoseconds */
  DX_FT_FRAMENUM /* a frame number, refers to another packet */
} dx_ftype;

/* Looks a field up by its filter name ("tcp.srcport"). NULL if unknown. */
const dx_field *dx_field_lookup(const dx_session *s, const char *name);
const char *dx_field_name(const dx_field *f);  /* "tcp.srcport" */
const char *dx_field_label(const dx_field *f); /* "Source Port" */
dx_ftype dx_field_type(const dx_field *f);
const char *dx_ftype_name(dx_ftype t); /* "uint16", "ipv4", ... */
/* Iterates over every registered field: i from 0 while non-NULL. */
const dx_field *dx_field_at(const dx_session *s, size_t i);
/* Up to n known field names closest to name (for "did you mean"); returns
 * how many were written to out. */
size_t dx_field_suggest(const dx_session *s, const char *name, const char **out, size_t n);

/* ---- packets ----------------------------------------------------------- */
uint64_t dx_packet_number(const dx_packet *p);       /* 1-based frame number */
const dx_frame *dx_packet_frame(const dx_packet *p); /* data points into the packet */
/* Seconds since the first frame of the session. */
double dx_packet_time_relative(const dx_packet *p);
/* Summary columns; never NULL. */
const char *dx_packet_src(const dx_packet *p);
const char *dx_packet_dst(const dx_packet *p);
const char *dx_packet_protocol(const dx_packet *p);
const char *dx_packet_info(const dx_packet *p);
/* Highest expert severity in the tree (DX_SEV_*). */
int dx_packet_severity(const dx_packet *p);

/* Data sources: index 0 is the frame; others are reassembled or decoded
 * buffers that belong to the packet. */
size_t dx_packet_source_count(const dx_packet *p);
const char *dx_packet_source_name(const dx_packet *p, size_t i);
const uint8_t *dx_packet_source_data(const dx_packet *p, size_t i, size_t *len);

/* The root of the tree: its children are the layers (frame, eth, ip, ...). */
const dx_node *dx_packet_root(const dx_packet *p);
/* First node for a field, in tree order, or NULL. */
const dx_node *dx_packet_find(const dx_packet *p, const dx_field *f);
/* Next node for the same field after `after`, in tree order, or NULL. */
const dx_node *dx_packet_find_next(const dx_packet *p, const dx_node *after);
/* Convenience: dx_field_lookup() + dx_packet_find(); NULL if unknown or absent. */
const dx_node *dx_packet_find_name(const dx_packet *p, const char *name);

/* ---- nodes -------------------------------------------------------------- */
enum {
  DX_NODE_TRUNCATED = 1u << 0, /* the bytes ran out before this item ended */
  DX_NODE_MALFORMED = 1u << 1, /* an impossible value */
  DX_NODE_HIDDEN = 1u << 2,    /* present for filters/fields, not shown */
  DX_NODE_GENERATED = 1u << 3, /* computed, not read from the bytes ([...]) */
  DX_NODE_EXPERT = 1u << 4     /* an expert note */
};
enum { DX_SEV_NONE = 0, DX_SEV_CHAT = 1, DX_SEV_NOTE = 2, DX_SEV_WARN = 3, DX_SEV_ERROR = 4 };

const dx_node *dx_node_parent(const dx_node *n);
const dx_node *dx_node_first_child(const dx_node *n);
const dx_node *dx_node_next(const dx_node *n);
const dx_field *dx_node_field(const dx_node *n);
const char *dx_node_name(const dx_node *n); /* field filter name */
unsigned dx_node_flags(const dx_node *n);
int dx_node_severity(const dx_node *n);
/* Offset and length in data source dx_node_source(). */
uint32_t dx_node_offset(const dx_node *n);
uint32_t dx_node_length(const dx_node *n);
unsigned dx_node_source(const dx_node *n);
/* Typed values. uint: BOOL, UINTn, FRAMENUM, IPV4 (host order). int: INTn.
 * double: DOUBLE, and times as seconds. str: STRING (NUL-terminated, may
 * hold any bytes but NUL; escape before printing). bytes: BYTES, IPV6 (16),
 * ETHER (6), STRING. */
uint64_t dx_node_uint(const dx_node *n);
int64_t dx_node_int(const dx_node *n);
double dx_node_double(const dx_node *n);
const char *dx_node_str(const dx_node *n);
const uint8_t *dx_node_bytes(const dx_node *n, size_t *len);
/* Formats the human label line ("Source Port: 51514") into buf; returns
 * the length it needed (like snprintf). Control bytes from the packet are
 * escaped. */
size_t dx_node_label(const dx_node *n, char *buf, size_t len);
/* Formats the value as tshark -T fields prints it ("0x0800", "1",
 * "127.0.0.1"); returns the length it needed. */
size_t dx_node_value(const dx_node *n, char *buf, size_t len);
/* The name of an enumerated value, as labels show it before the number
 * ("Name (N)"): "A" for a dns.qry.type of 1, "Client Hello" for a
 * tls.handshake.type of 1, "IPv4" for an eth.type of 0x0800; for a boolean
 * whose field names its two states, that name ("Set", "Not set"). NULL if
 * the field has no value names (ports, lengths, strings, ...) or this value
 * has none ("Unknown (N)" in labels). The string is static (it stays
 * valid after dx_packet_free()) and must not be freed. */
const char *dx_node_value_name(const dx_node *n);
/* An expert note as tshark names its parts: *severity ("Chat", "Note",
 * "Warning", "Error", "Comment"), *group ("Sequence", "Malformed",
 * "Protocol", ...) and *message (the note's text, "" if none was made).
 * n is a node with DX_NODE_EXPERT, or the hidden "_ws.expert" node under
 * one. DX_OK, or DX_EINVAL (outputs untouched) if n is neither. The
 * strings are static or the packet's; they live as long as the packet.
 * tshark's wrapper line is "Expert Info (SEVERITY/GROUP): MESSAGE". */
int dx_node_expert(const dx_node *n, const char **severity, const char **group,
                   const char **message);
/* 1 if expert note n is one of dissect's own, which Wireshark 4.0 does not
 * make: the certificate trust verdicts and risks (tls.trust*, tls.risk.*),
 * why a TLS record was not decrypted (under tls.decryption), a limit reached (_ws.limit: "[N more
 * lines not shown]", a cap of the session), QUIC's reused STREAM offsets (tshark 4.0 notes them for
 * CRYPTO frames only); else 0 (also when n is no note). tshark's -z expert table leaves them out:
 * dissect lists them apart, after it. */
int dx_node_expert_own(const dx_node *n);

#ifdef __cplusplus
}
#endif

#endif /* DISSECT_DISSECT_H */
