/*
 * libdissect connection stories: what happened on each TCP connection of a
 * capture, told the way the articles on HTTPS tell it.
 *
 * For every TCP connection (tcp.stream) and every QUIC connection
 * (quic.connection.number) the story holds
 *   - the DNS lookup that resolved the server's name (query and response
 *     frames, times, answers), or none if the capture has no such lookup;
 *   - TCP: the SYN, SYN/ACK and ACK frames, the handshake round-trip time,
 *     who closed the connection and how (FIN or RST), and how many segments
 *     TCP's sequence analysis marked (retransmissions, losses, ...);
 *   - TLS: version, full or resumed handshake, HelloRetryRequest, 0-RTT,
 *     the round trips before the client could send its first application
 *     byte (counted in the capture and said in words), the cipher suite
 *     with its parts, the certificate chain (subjects and issuers), ALPN;
 *   - QUIC instead of TCP: version, the Initial, Handshake, 0-RTT, 1-RTT
 *     packets, Retry (one more round trip), Version Negotiation, migration
 *     to a new client address or port, CONNECTION_CLOSE; the TLS 1.3
 *     handshake carried in its CRYPTO frames is told as TLS above;
 *   - each HTTP exchange (HTTP/1.x, HTTP/2 and HTTP/3): method, URI, status, the
 *     request frame, the frame of the first response byte, time to first
 *     byte, body sizes;
 *   - phases with start, end and duration (dns, tcp, connect = a proxy's
 *     CONNECT to its answer, tls, wait = request to first byte, transfer)
 *     and the total time before the first byte;
 *   - the ladder: one event per step (SYN, Client Hello, GET /, 200, FIN,
 *     ...), with round-trip marks.
 *
 * The story is built from dissected packets, through the public field API
 * only (dx_packet_find_name() and friends): feed it every packet of the
 * capture, in order, then call dx_story_finish() and read the connections.
 *
 *   dx_story *st;
 *   dx_story_new(&st, session, NULL);
 *   while (... dx_session_dissect(session, &frame, &p) == DX_OK) {
 *     dx_story_add_packet(st, p);
 *     if (wanted(p)) dx_story_mark_packet(st, p);
 *     dx_packet_free(p);
 *   }
 *   dx_story_finish(st);
 *   for (size_t i = 0; i < dx_story_count(st); i++) {
 *     const dx_story_conn *c = dx_story_conn_at(st, i); ...
 *   }
 *   dx_story_write(stdout, st, DX_STORY_TEXT, 0);
 *   dx_story_free(st);
 *
 * Times are integer nanoseconds since the first packet given to the story
 * (for a whole capture: tshark's frame.time_relative, exactly). Frame
 * numbers are the session's (frame.number); 0 means "not seen".
 *
 * Memory: every byte the story keeps counts against the session's byte
 * budget for buffers kept across packets (dx_config.max_total_stream_bytes),
 * and the caps of dx_story_config bound connections, events, exchanges and
 * DNS answers. A cap reached is counted (dx_story_dropped(), the *_dropped
 * members) and said in every export, never silent. The session must outlive
 * the story.
 *
 * Strings in the structures below are NUL-terminated copies of packet
 * bytes: they may hold any byte but NUL, so escape them before printing
 * (the dx_story_write() exports do).
 */
#ifndef DISSECT_STORY_H
#define DISSECT_STORY_H

#include <dissect/dissect.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Version of the JSON document dx_story_write(DX_STORY_JSON) writes,
 * described by docs/story.schema.json. */
#define DX_STORY_SCHEMA_VERSION 3

typedef struct dx_story dx_story;

/* ---- caps ------------------------------------------------------------- */
/* Zero in a member means "use the default". Fill it with
 * dx_story_config_init() first, then set the members you care about. */
typedef struct dx_story_config {
  uint32_t max_connections; /* connections told (default 4096) */
  uint32_t max_events;      /* ladder events per connection (default 400) */
  uint32_t max_exchanges;   /* HTTP exchanges per connection (default 256) */
  uint32_t max_dns;         /* DNS responses remembered for matching (default 4096) */
} dx_story_config;

/* Fills *cfg with the defaults named above. */
void dx_story_config_init(dx_story_config *cfg);

/* ---- what a story holds ------------------------------------------------ */
/* A point of the story: a frame and its time; frame 0 = not seen. */
typedef struct dx_story_point {
  uint64_t frame;  /* frame.number */
  int64_t time_ns; /* nanoseconds since the first packet */
} dx_story_point;

/* Who: the two ends of a connection, and the resolver of a DNS lookup. */
enum { DX_STORY_CLIENT = 1, DX_STORY_SERVER = 2, DX_STORY_RESOLVER = 3 };

/* The layer an event belongs to (DX_STORY_QUIC: a QUIC packet or path
 * event, since schema version 2). */
enum { DX_STORY_DNS = 1, DX_STORY_TCP, DX_STORY_TLS, DX_STORY_HTTP, DX_STORY_DATA, DX_STORY_QUIC };

/* What carries a connection: dx_story_conn.transport. */
enum { DX_STORY_TRANSPORT_TCP = 0, DX_STORY_TRANSPORT_QUIC = 1 };

/* One step of the ladder: an arrow from `from` to `to`. */
typedef struct dx_story_event {
  dx_story_point at;
  int from, to;    /* DX_STORY_CLIENT / SERVER / RESOLVER */
  int layer;       /* DX_STORY_DNS ... DX_STORY_DATA */
  unsigned count;  /* >1: that many like steps merged (Application Data x 5) */
  unsigned rtt;    /* 1, 2, ...: this step starts round trip n; 0: none */
  char label[120]; /* "SYN", "Client Hello", "GET /index.html", "200 OK", ... */
} dx_story_event;

/* One HTTP request and its response. */
typedef struct dx_story_exchange {
  unsigned http_version; /* 1 (HTTP/1.x), 2 (HTTP/2) or 3 (HTTP/3) */
  uint32_t stream_id;    /* HTTP/2 stream or QUIC stream of HTTP/3, 0 for HTTP/1.x */
  char method[24];
  char uri[256];
  unsigned status;             /* 0: no response seen */
  char reason[64];             /* "OK" (HTTP/1.x only) */
  dx_story_point request;      /* the frame that completed the request */
  dx_story_point first_byte;   /* first server segment with response bytes */
  dx_story_point response;     /* the frame that completed the response headers
                                  (tshark's response frame: http.time is measured to it) */
  dx_story_point last_byte;    /* the last frame of the response */
  int64_t ttfb_ns;             /* first_byte - request, -1 if unknown */
  int64_t response_time_ns;    /* http.time of the response (HTTP/1.x), else
                                  response - request; -1 if unknown */
  int64_t request_body_bytes;  /* -1 unknown */
  int64_t response_body_bytes; /* -1 unknown */
} dx_story_exchange;

/* A phase of the connection, start to end. */
typedef struct dx_story_phase {
  const char *name; /* "dns", "tcp", "tls", "wait", "transfer" */
  int present;      /* 0: did not happen or was not seen */
  dx_story_point start, end;
  int64_t duration_ns;
} dx_story_phase;
enum {
  DX_STORY_PHASE_DNS,
  DX_STORY_PHASE_TCP,
  DX_STORY_PHASE_TLS,
  DX_STORY_PHASE_WAIT,
  DX_STORY_PHASE_TRANSFER,
  DX_STORY_NPHASES
};

#define DX_STORY_MAX_CERTS 8

/* One connection's story. Read-only: it belongs to the story and stays
 * valid until dx_story_free(). Members are only ever added at the end. */
typedef struct dx_story_conn {
  uint32_t stream; /* tcp.stream */
  int marked;      /* dx_story_mark_packet() named it (or its DNS lookup) */
  struct {
    char addr[48]; /* "127.0.0.1", "::1" */
    uint16_t port;
  } client, server;      /* the client sent the SYN (else the first packet) */
  char server_name[256]; /* SNI, else HTTP Host / :authority, else "" */
  char protocols[160];   /* the longest frame.protocols of its packets
                            ("eth:ethertype:ip:tcp:tls:http") */
  dx_story_point first, last;
  uint64_t packets[2]; /* [0] client->server, [1] server->client */
  uint64_t bytes[2];   /* TCP payload bytes, retransmissions included */

  struct {
    int found; /* 0: no lookup of this server in the capture */
    char name[256];
    char qtype[16];    /* "A", "AAAA" */
    char answers[256]; /* addresses answered, comma-separated */
    char resolver[48];
    dx_story_point query, response;
  } dns;

  struct {
    dx_story_point syn, synack, ack;
    int64_t handshake_rtt_ns; /* tcp.analysis.initial_rtt (SYN to ACK), -1 if not seen */
    int closed_by;            /* DX_STORY_CLIENT / SERVER, 0: not closed in the capture */
    int reset;                /* closed by RST (else FIN) */
    dx_story_point close;     /* the first FIN or RST */
    uint32_t retransmissions, fast_retransmissions, spurious_retransmissions, lost_segments,
        duplicate_acks, out_of_order, zero_windows, keep_alives;
  } tcp;

  struct {
    int present;
    unsigned version;      /* 0x0303 TLS 1.2, 0x0304 TLS 1.3, ... (negotiated) */
    char version_name[16]; /* "TLS 1.3" */
    int resumed;           /* abbreviated (1.2) or PSK (1.3) handshake */
    int hello_retry;       /* HelloRetryRequest */
    int early_data;        /* 0: none, 1: offered (0-RTT), 2: accepted */
    int decrypted;         /* records were decrypted (key log) */
    int round_trips;       /* counted before the client's first application byte; -1 unknown */
    char round_trips_text[160];
    unsigned cipher_suite;                   /* 0xc02f */
    char cipher_suite_name[80];              /* "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" */
    char kx[32], auth[32], enc[48], mac[32]; /* its parts */
    char sni[256];
    char alpn[64];   /* the protocol the server chose */
    unsigned ncerts; /* certificates in the server's chain (up to DX_STORY_MAX_CERTS kept) */
    struct {
      char subject[192];
      char issuer[192];
    } certs[DX_STORY_MAX_CERTS];
    dx_story_point client_hello, server_hello, client_finished, server_finished,
        first_app_data; /* first application data from the client */
  } tls;

  size_t nexchanges;
  const dx_story_exchange *exchanges;
  uint32_t exchanges_dropped; /* at max_exchanges */

  size_t nevents;
  const dx_story_event *events;
  uint32_t events_dropped; /* at max_events or the byte budget */

  dx_story_phase phases[DX_STORY_NPHASES];
  /* From the start of the DNS lookup (or the SYN) to the first response
   * byte of the first exchange; -1 if unknown. */
  int64_t before_first_byte_ns;
  dx_story_point before_first_byte_start, before_first_byte_end;

  /* ---- since schema version 2 ---- */
  /* DX_STORY_TRANSPORT_TCP: `stream` is tcp.stream, `tcp` is filled.
   * DX_STORY_TRANSPORT_QUIC: `stream` is quic.connection.number, `quic` is
   * filled, `tcp` is all zeros; `bytes` count UDP payload; the client is
   * the end that sent the first packet (its first Initial). */
  int transport;
  struct {
    unsigned version;      /* quic.version of the first long header (1: QUIC v1) */
    char version_name[32]; /* "QUIC v1", "QUIC v2", "draft-29", or "0x..." */
    uint32_t udp_stream;   /* udp.stream of the first packet */
    uint64_t initial_packets, handshake_packets, zero_rtt_packets, one_rtt_packets, retry_packets,
        version_negotiation_packets; /* QUIC packets of each type, both directions */
    int decrypted;                   /* Handshake or 1-RTT packets were read (key log) */
    dx_story_point client_initial;   /* the client's first Initial */
    dx_story_point server_initial;   /* the server's first Initial */
    dx_story_point retry;            /* the server's Retry (frame 0: none) */
    int retry_tag_bad;               /* its integrity tag did not check (quic.bad_retry) */
    dx_story_point zero_rtt;         /* the client's first 0-RTT packet */
    dx_story_point handshake_done;   /* the server's HANDSHAKE_DONE frame */
    uint32_t migrations;             /* times the client's address or port changed */
    struct {
      char addr[48];
      uint16_t port;
      uint32_t udp_stream;
      dx_story_point at;   /* the client's first packet from it */
    } path;                /* the client's newest path (after a migration) */
    int closed_by;         /* DX_STORY_CLIENT / SERVER, 0: no CONNECTION_CLOSE seen */
    int application_close; /* CONNECTION_CLOSE 0x1d (application) rather than 0x1c */
    uint64_t close_error;  /* its error code */
    char close_reason[128];
    dx_story_point close;
  } quic;

  /* ---- since schema version 3 ---- */
  /* An HTTP proxy's tunnel (the connection from a client to a proxy such
   * as Fiddler's): the first exchange is a CONNECT that the proxy answered
   * with a 2xx status, and the client's TLS runs inside. `tunnel` is that
   * step as a phase named "connect" (the CONNECT request to the first byte
   * of its answer); the wait and transfer phases and before_first_byte
   * then belong to the first exchange inside the tunnel, and are absent
   * (before_first_byte_ns -1) when none was read (no key log). present 0:
   * not a tunnel. The writers show it between tcp and tls. */
  dx_story_phase tunnel;
  /* 1: the far end acts as an HTTP proxy: the first request is a CONNECT
   * (whatever the answer) or names an absolute URI (GET http://...). The
   * writers call it the proxy instead of the server. */
  int proxy;
  /* The trust verdict of the server's chain, as its Certificate message's
   * tls.trust.* fields say (present 0: no chain was judged, e.g. TLS 1.3
   * without the key log): verdict ("trusted", "untrusted-root", ...), the
   * subject of the root that anchored it, OpenSSL's reason; intercepted
   * (tls.trust.intercepted: this leg's certificate was forged by a proxy)
   * and other_leg, the tcp.stream of the proxy's other leg (-1: none; for
   * QUIC the udp.stream tls.trust.other_leg names). dx_story_finish() links
   * two TCP legs both ways (one pass names the other leg only on the leg
   * whose Certificate came second). The text story shows the two legs side
   * by side. */
  struct {
    int present;
    char verdict[24];
    char root[192];
    char error[128];
    int intercepted;
    int64_t other_leg;
  } trust;
} dx_story_conn;

/* ---- building ----------------------------------------------------------- */
/* Creates an empty story over session s (which must outlive it). cfg may
 * be NULL for all defaults. Returns DX_OK, DX_EINVAL or DX_ENOMEM. */
int dx_story_new(dx_story **out, dx_session *s, const dx_story_config *cfg);
/* Frees the story and gives its bytes back to the session's budget. NULL is
 * fine. */
void dx_story_free(dx_story *st);

/* Times count from this instant (seconds and nanoseconds since the epoch)
 * instead of from the first packet given: for a program that feeds part of
 * a capture (a browser re-reading one connection) and wants the times of
 * the whole capture (frame.time_relative). Call before the first packet. */
void dx_story_set_time_reference(dx_story *st, int64_t sec, uint32_t nsec);

/* For a program that feeds one QUIC connection's packets through a fresh
 * session (whose first QUIC connection is number 0): the story tells the
 * session's QUIC connection numbers plus base, so that they are the whole
 * capture's quic.connection.number. Call before the first packet. */
void dx_story_set_quic_number_base(dx_story *st, uint32_t base);

/* Adds one dissected packet. Give every packet of the capture, in order
 * (full packets: the session not in terse interest mode). Packets that are
 * neither TCP, QUIC nor DNS are ignored. A connection past max_connections, or a
 * packet that would exceed the byte budget, is counted, not kept. Returns
 * DX_OK, DX_EINVAL (after dx_story_finish()) or DX_ENOMEM. */
int dx_story_add_packet(dx_story *st, const dx_packet *p);

/* Marks the connection of packet p (already added), or the connections
 * whose DNS lookup p is, as chosen (e.g. by a display filter):
 * dx_story_conn.marked, and dx_story_write() with DX_STORY_MARKED_ONLY
 * tells only those. Returns DX_OK. */
int dx_story_mark_packet(dx_story *st, const dx_packet *p);

/* Ends the story: matches DNS lookups to connections, computes the phases
 * and round trips. Call once, after the last packet. Returns DX_OK. */
int dx_story_finish(dx_story *st);

/* ---- reading ------------------------------------------------------------ */
/* Connections, in the order their first packet came. */
size_t dx_story_count(const dx_story *st);
const dx_story_conn *dx_story_conn_at(const dx_story *st, size_t i);
/* The connection told for transport (DX_STORY_TRANSPORT_TCP / _QUIC) and
 * number (tcp.stream / quic.connection.number), or NULL. */
const dx_story_conn *dx_story_find(const dx_story *st, int transport, uint32_t stream);
/* The connection a dissected packet belongs to as the story keys it: sets
 * *transport and *stream (either may be NULL) from its tcp.stream or
 * quic.connection.number and returns 1; 0 for a packet of neither (or of a
 * QUIC connection its session could not tell). No story is needed. */
int dx_story_packet_connection(const dx_packet *p, int *transport, uint32_t *stream);
/* The ladder's lesson in one line, written to buf (always NUL-terminated
 * when len > 0): "TLS 1.2 handshake: 2 round trips, first request in RTT 4
 * (RTT 1: TCP handshake)", "QUIC + TLS 1.3 handshake: 1 round trip, first
 * request in RTT 2", "QUIC 0-RTT: the first request in RTT 1, with the
 * Client Hello"; through a proxy's tunnel the first request inside it and
 * "(RTT 1: TCP handshake, RTT 2: CONNECT)", then "; intercepted" when the
 * proxy forged the certificate (trust.intercepted); "" when the connection
 * has no request or application data. Counted from the events' round-trip
 * marks (dx_story_event.rtt: a client step after a server step the client
 * waited for starts the next round trip). Returns the length written. */
size_t dx_story_summary(const dx_story_conn *c, char *buf, size_t len);
/* Connections not told because max_connections or the byte budget was
 * reached. */
uint64_t dx_story_dropped(const dx_story *st);
/* Bytes the story keeps (counted in the session's budget). */
uint64_t dx_story_bytes(const dx_story *st);

/* The layer role of a protocol as the articles on HTTPS name the five
 * layers: "Link" (unit "frame") for eth, sll, vlan, ppp, wlan, ...;
 * "Network" ("packet") for ip, ipv6, arp, icmp; "Transport" ("segment";
 * "datagram" for udp; "packet" for quic) for tcp, udp, quic; "Security"
 * ("record") for tls; "Application" ("message") for http, http2, http3,
 * dns. Returns the role, and the unit in *unit if unit is not NULL; NULL
 * for a name it does not know (frame, data, ...). */
const char *dx_layer_role(const char *protocol, const char **unit);

/* ---- following a connection -------------------------------------------- */
/* What each side of one TCP or UDP connection sent, as the pieces a
 * "follow stream" view shows (dissect-tui's `f`). Feed the packets of one
 * connection, in order; then read the pieces in order.
 *
 *   dx_follow *f;
 *   dx_follow_new(&f, session, 0);
 *   ... dx_follow_add_packet(f, p) for each packet of the connection ...
 *   for (size_t i = 0; i < dx_follow_count(f); i++) {
 *     const dx_follow_chunk *c = dx_follow_chunk_at(f, i); ...
 *   }
 *   dx_follow_free(f);
 */
typedef struct dx_follow dx_follow;

/* The kinds of piece. */
enum {
  DX_FOLLOW_RECORD = 0,    /* a label standing for one TLS record's bytes:
                              "[TLS Handshake: Client Hello, 517 bytes]" */
  DX_FOLLOW_PAYLOAD = 1,   /* TCP or UDP payload bytes (retransmissions left out) */
  DX_FOLLOW_DECRYPTED = 2, /* plaintext of decrypted TLS application data */
  DX_FOLLOW_HTTP2 = 3,     /* one line of text: an HTTP/2 frame ("HEADERS[1] :method GET
                              :path /"), or a header / body line under it (indented) */
  DX_FOLLOW_HTTP3 = 4,     /* the same for HTTP/3 over decrypted QUIC, with QUIC stream
                              starts ("[QUIC stream 3: Control Stream]") */
  DX_FOLLOW_NKINDS = 5
};

/* One piece. data holds len bytes (any bytes: escape them before printing;
 * a NUL follows them); dir 0 = client to server, 1 = server to client;
 * frame = frame.number of the packet it came in. */
typedef struct dx_follow_chunk {
  int dir;
  int kind;
  uint64_t frame;
  const uint8_t *data;
  size_t len;
} dx_follow_chunk;

/* What the connection turned out to hold. */
typedef struct dx_follow_info {
  int have_ends; /* a packet was added */
  char client_addr[48], server_addr[48];
  uint16_t client_port, server_port;   /* the client sent the SYN (else the first packet) */
  int tls;                             /* TLS records were seen */
  int tls_handshake_decrypted;         /* decrypted handshake or alert records were seen */
  int quic;                            /* QUIC packets were seen */
  int quic_decrypted;                  /* QUIC frames were read past the Initial packets */
  size_t chunks[DX_FOLLOW_NKINDS];     /* pieces of each kind */
  uint64_t bytes[DX_FOLLOW_NKINDS][2]; /* their bytes per direction */
  int truncated;                       /* a cap was reached: later pieces were dropped */
} dx_follow_info;

/* Creates an empty follow over session s (which must outlive it), keeping
 * at most max_bytes of pieces (0: 16 MiB); the bytes also count against the
 * session's byte budget. Returns DX_OK, DX_EINVAL or DX_ENOMEM. */
int dx_follow_new(dx_follow **out, dx_session *s, uint64_t max_bytes);
/* Frees it and gives its bytes back to the session's budget. NULL is fine. */
void dx_follow_free(dx_follow *f);
/* Adds one dissected packet of the connection. Returns DX_OK or DX_EINVAL. */
int dx_follow_add_packet(dx_follow *f, const dx_packet *p);
/* The pieces, in the order they came (valid until dx_follow_free()). */
size_t dx_follow_count(const dx_follow *f);
const dx_follow_chunk *dx_follow_chunk_at(const dx_follow *f, size_t i);
const dx_follow_info *dx_follow_get_info(const dx_follow *f);

/* ---- exports ------------------------------------------------------------ */
typedef enum dx_story_format {
  DX_STORY_TEXT = 0,    /* the ladder, with times and RTT marks */
  DX_STORY_JSON = 1,    /* docs/story.schema.json; times in integer ns */
  DX_STORY_MERMAID = 2, /* a Mermaid sequenceDiagram */
  DX_STORY_SVG = 3      /* a standalone SVG sequence diagram, 16:9 */
} dx_story_format;

#define DX_STORY_MARKED_ONLY 1u /* only the connections dx_story_mark_packet() chose */

/* Writes the finished story in one format. Every string from a packet is
 * escaped for the format (control bytes for text and Mermaid, XML for SVG,
 * JSON escapes for JSON). Returns DX_OK, DX_EINVAL (not finished, unknown
 * format) or DX_EIO when the stream reports an error. */
int dx_story_write(FILE *out, const dx_story *st, dx_story_format fmt, unsigned flags);
/* Parses "text", "json", "mermaid" or "svg"; returns -1 for anything else. */
int dx_story_format_parse(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* DISSECT_STORY_H */
