/*
 * The byte-stream layer: the one thing application dissectors consume.
 *
 * A dx_stream is a two-way ordered byte stream: a TCP connection's
 * reassembled payload, the decrypted records of a TLS connection, and later
 * an HTTP/2 or QUIC stream. Its producer (tcp.c, tls.c, ...) hands it
 * in-order bytes with dx_stream_deliver(); the stream then
 *   - chooses the application protocol once (decode-as rules, the port
 *     table of its kind, ALPN, the heuristics), and calls it;
 *   - keeps the bytes of a PDU the application asked more bytes for
 *     ("need N more", p->desegment_offset/len), bounded by the session's
 *     byte budget, and calls the application again on the frame that
 *     completes it, over a data source named after the stream;
 *   - holds the application's per-connection state (dx_app_data()).
 */
#ifndef LIBDISSECT_CORE_STREAM_H
#define LIBDISSECT_CORE_STREAM_H

#include "dx.h"
#include "tcp_reasm.h"

/* What the producer tells the stream about how it shows bytes. */
typedef struct dx_stream_kind {
  const char *name;    /* "TCP", "TLS": "Reassembled TCP (N bytes)" */
  dx_table port_table; /* dispatch by port: DX_TABLE_TCP_PORT, DX_TABLE_TLS_PORT */
  bool heuristics;     /* try the TCP heuristics when no port matches */
  /* the producer tells the end of a direction (dx_stream_fin()), so a PDU
   * may be kept until then (DX_DESEGMENT_UNTIL_FIN) */
  bool until_fin;
  /* Fields for the reassembly nodes (may be NULL): the bytes of this frame
   * kept for a PDU ("TCP segment data"), the list of pieces of a
   * reassembled PDU, one piece, their count, the reassembled length and
   * data. */
  const dx_field *seg_data, *segments, *segment, *seg_count, *reasm_len, *reasm_data;
  const char *piece_word; /* "Segment": "[3 Reassembled TCP Segments (N bytes): ...]" */
  /* A piece that overlapped bytes held before (DX_PIECE_OVERLAP), whose
   * bytes there differed (DX_PIECE_CONFLICT): its flags, and the field it
   * is listed with then instead of `segment` (may be NULL). */
  const dx_field *seg_overlap, *seg_conflict, *seg_error;
} dx_stream_kind;

struct dx_stream;
/* A CONNECT tunnel's layer (HTTP's): shown before the protocol inside on
 * each of its PDUs, as tshark shows HTTP's Proxy-Connect-Hostname/Port
 * there. Made by dx_stream_tunnel(); freed with the stream. */
typedef void (*dx_tunnel_layer_fn)(dx_packet *p, const char *host, uint16_t port, const dx_tvb *t,
                                   dx_node *parent);
typedef struct dx_tunnel {
  dx_tunnel_layer_fn layer;
  uint64_t *budget; /* what it is charged to, and how much */
  uint64_t cost;
  char host[]; /* the target's host, NUL-terminated */
} dx_tunnel;

typedef struct dx_stream {
  const dx_stream_kind *kind;
  dx_flow *flow;               /* the transport flow it rides on (may be NULL) */
  struct dx_stream *lower;     /* the stream under this one (TLS's TCP stream), or NULL */
  uint16_t port[2];            /* source port of each direction (dir 0: initiator) */
  uint16_t tunnel_port;        /* a CONNECT tunnel: the target's port, else 0 */
  dx_tunnel *tunnel;           /* and its layer, or NULL */
  const dx_protocol *app;      /* chosen application, or NULL until chosen */
  const dx_protocol *next_app; /* dx_stream_switch(): takes over at the next call */
  bool next_ports, ports;      /* dx_stream_starttls(): the port table after the app */
  bool renew;                  /* dx_stream_renew(): a new transport conversation next */
  int renew_dir;               /* and the direction of the segment that asked it */
  void *saved_data;            /* and the state of the app before it, for that */
  void (*saved_free)(void *);
  const char *alpn;  /* negotiated ALPN (owned by the producer), or NULL */
  bool reasm_off[2]; /* a cap was hit in this direction: bytes go out as data */
  void *app_data;    /* the application's state (dx_app_data) */
  void (*app_free)(void *);
  /* Pending PDU per direction: the producer's own buffer (TCP keeps it in
   * its reassembly state) or `own` (only its PDU part is used), two
   * buffers allocated only for a producer without its own (decrypted TLS,
   * QUIC), charged to the byte budget; NULL if it had no room (then no
   * PDU is reassembled). */
  dx_tcp_stream *pdu[2];
  dx_tcp_stream *own;
} dx_stream;

/* Sets up a stream of `kind` over `flow` (lim: the byte budget its PDU
 * buffers count against). buf0/buf1: the producer's PDU buffers of the
 * two directions, or NULL to use the stream's own. */
void dx_stream_init(dx_stream *s, const dx_stream_kind *kind, dx_flow *flow, dx_stream *lower,
                    const dx_reasm_limits *lim, dx_tcp_stream *buf0, dx_tcp_stream *buf1);
/* Frees the application state and buffers. */
void dx_stream_free(dx_stream *s);

/* One delivery of in-order bytes of direction `dir`.
 *   data/len:  the bytes;
 *   frame_tvb: when the bytes lie in a tvb of this packet (a TCP payload, a
 *              decrypted record's data source), that tvb and the offset of
 *              data[0] in it; NULL when they are not in any (then a data
 *              source is made for them);
 *   pieces:    the frames the bytes came from (for the reassembly tree);
 *   owner:     the producer's protocol node (expert notes about caps go there);
 *   parent:    where the application's layers go. */
typedef struct dx_stream_input {
  int dir;
  const uint8_t *data;
  uint32_t len;
  const dx_tvb *frame_tvb;
  uint32_t frame_off;
  const dx_reasm_piece *pieces;
  uint32_t npieces;
  dx_node *owner, *parent;
  /* With frame_tvb: 0 when all len bytes are frame_tvb's from frame_off
   * on; else only data[0..head_len) are (the segment that filled a gap,
   * followed by bytes kept from later frames), and the bytes of it that a
   * PDU keeps are listed as this frame's segment data. */
  uint32_t head_len;
} dx_stream_input;

typedef struct dx_stream_result {
  bool called_any; /* an application dissector ran on these bytes */
  bool pdu_done;   /* at least one PDU ended in this delivery */
  bool buffered;   /* bytes of this delivery are kept for a pending PDU */
  bool app_took;   /* an application protocol took bytes (not only "data") */
} dx_stream_result;

void dx_stream_deliver(dx_packet *p, dx_stream *s, const dx_stream_input *in,
                       dx_stream_result *res);

/* The sender ended direction `dir` (TCP's FIN, every byte before it
 * delivered): a PDU kept until then (DX_DESEGMENT_UNTIL_FIN) is dissected
 * now, over a reassembled data source, with p->stream_end set. Returns true
 * if it was. */
bool dx_stream_fin(dx_packet *p, dx_stream *s, int dir, dx_node *owner, dx_node *parent);

/* The protocol running on the current stream hands the rest of it to
 * another (HTTP's 101 Switching Protocols to h2c, a CONNECT tunnel to TLS):
 * from the next bytes on, `to` is called, and the old protocol's state is
 * freed then (not now: its dissector may still be running). */
void dx_stream_switch(dx_packet *p, const dx_protocol *to);
/* dx_stream_switch() to TLS after a STARTTLS-like exchange (FTP's AUTH
 * TLS), as tshark's ssl_starttls_ack() makes TLS the connection's
 * dissector: bytes TLS does not take (plain text after the TLS session
 * ended) go to the protocol of the port table, called on them alone. */
void dx_stream_starttls(dx_packet *p, const dx_protocol *to);
/* tshark's conversation_new() from a heuristic dissector (VNC): from the
 * next segment on, the TCP connection is a new conversation (a new
 * tcp.stream, its analysis and relative numbers started again) that keeps
 * the application and its state. Nothing for a stream not right on TCP. */
void dx_stream_renew(dx_packet *p);
/* The protocol running on the current stream hands it to `to` at once,
 * these bytes included (IMAP finding TLS where it expected a line): its
 * state is freed now, so the caller must not touch it after this call, and
 * returns what this returns (the bytes `to` took). */
uint32_t dx_stream_handoff(dx_packet *p, const dx_protocol *to, const dx_tvb *t, dx_node *parent);

/* Makes the current stream a CONNECT tunnel to host:port (hlen bytes of
 * host): `layer` is called before the protocol inside on each of its PDUs.
 * Charged to the session's stream budget; false (nothing shown) if it has
 * no room. */
bool dx_stream_tunnel(dx_packet *p, const char *host, size_t hlen, uint16_t port,
                      dx_tunnel_layer_fn layer);

/* tshark's way with bytes it does not hand to the application (of a TCP
 * segment flagged as retransmitted or out of order: tcp.no_subdissector_on_
 * error): they still go into the pending PDU, and if that completes it, the
 * PDU's pieces are listed (no application is called, nothing else is
 * shown). Returns the bytes taken (0: no PDU pending); *completed: the PDU
 * was completed (its range is remembered: dx_tcp_msp_done), *conflict: a
 * listed piece has DX_PIECE_CONFLICT. */
uint32_t dx_stream_fill(dx_packet *p, dx_stream *s, const dx_stream_input *in, bool *completed,
                        bool *conflict);
/* Lists the pieces of a PDU completed outside the stream (TCP's stale PDU)
 * as dx_stream_fill() does; returns true if a piece has DX_PIECE_CONFLICT. */
bool dx_stream_show_pdu(dx_packet *p, dx_stream *s, const uint8_t *data, uint32_t len,
                        const dx_reasm_piece *pc, uint32_t npc, dx_node *owner, dx_node *parent);

/* Calls the application once on bytes outside the stream's order (a PDU
 * completed outside it, such as TCP's stale one, and the bytes after it in
 * the same segment): tshark's way with a segment that fills a gap given up
 * long before (a fast retransmission). Bytes not in this packet
 * (frame_tvb NULL) get a data source, their pieces listed before the
 * application's layers. What the application asks to keep is not kept:
 * *doff, *dlen say where it starts and how many more bytes it wants
 * (*dlen 0: nothing asked). Returns true if the application was called. */
bool dx_stream_run_once(dx_packet *p, dx_stream *s, const dx_stream_input *in, uint32_t *doff,
                        uint32_t *dlen);

/* Drops the pending PDU of direction dir (a gap in the bytes). */
void dx_stream_gap(dx_stream *s, int dir);

/* Calls the application once on t with no reassembly (bytes that cannot be
 * part of the stream: a cut segment, a quoted header). s may be NULL: the
 * protocol is then chosen by kind and ports alone. Returns the bytes taken
 * (the rest is not shown: the caller adds it as data). */
uint32_t dx_stream_call_once(dx_packet *p, dx_stream *s, const dx_stream_kind *kind, int dir,
                             uint16_t sport, uint16_t dport, const dx_tvb *t, dx_node *parent);

/* A new TCP connection's stream: the protocol whose expect_tcp hook
 * claims it (dx_protocol) becomes its application at once; true if one
 * did. */
bool dx_stream_expected(dx_packet *p, dx_stream *s);

/* The port of this packet that gives `pr` in the order a stream chooses
 * its application (decode-as rules, then the port table of `table`, the
 * lower port first each time): tshark's pinfo->match_uint; 0 if none. */
uint16_t dx_match_port(const dx_packet *p, dx_table table, const dx_protocol *pr);

/* The protocol a decode-as rule or the port table of `table` gives for
 * `port` (decode-as first), or NULL. */
const dx_protocol *dx_port_proto(const dx_packet *p, dx_table table, uint16_t port);

#endif
