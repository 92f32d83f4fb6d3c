/*
 * The exports of a connection story (dx_story_write): the text ladder, JSON
 * (docs/story.schema.json), a Mermaid sequenceDiagram and a standalone SVG
 * sequence diagram sized for a 16:9 slide.
 *
 * Every string that came from a packet goes through dx_escape() first (no
 * control byte, no invisible or bidi character, no invalid UTF-8 survives),
 * then through the escapes of the format (JSON, Mermaid entity codes, XML).
 * Times are written from integer nanoseconds, never through a double.
 */
#include <dissect/story.h>

#include "analysis/story_int.h"
#include "core/dx.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

/* ---- helpers -------------------------------------------------------------- */
/* The phases seen, in the order of the story: dns, tcp, a proxy's
 * connect, tls, wait, transfer. Returns how many (at most NPHASES + 1). */
static int phases_of(const dx_story_conn *c, const dx_story_phase *out[DX_STORY_NPHASES + 1]) {
  int n = 0;
  for (int i = 0; i < DX_STORY_NPHASES; i++) {
    if (i == DX_STORY_PHASE_TLS && c->tunnel.present)
      out[n++] = &c->tunnel;
    if (c->phases[i].present)
      out[n++] = &c->phases[i];
  }
  return n;
}

/* A string from a packet, made safe for a terminal (bounded). The strings
 * of a story come from dx_node_value() and dx_node_label(), which escape
 * already; this is the second line of defence: printable ASCII and
 * printable UTF-8 pass, any other byte becomes \xNN (a backslash stays a
 * backslash, so an escape made before is not made twice). */
static const char *safe(const char *s, char *buf, size_t len) {
  static const char hex[] = "0123456789abcdef";
  const uint8_t *p = (const uint8_t *)(s ? s : "");
  size_t n = strlen((const char *)p), o = 0;
  for (size_t i = 0; i < n && o + 5 < len;) {
    size_t k;
    if (p[i] >= 0x20 && p[i] < 0x7f) {
      buf[o++] = (char)p[i++];
    } else if (p[i] >= 0x80 && (k = dx_utf8_ok(p + i, n - i)) > 0 && o + k < len) {
      memcpy(buf + o, p + i, k);
      o += k;
      i += k;
    } else {
      buf[o++] = '\\';
      buf[o++] = 'x';
      buf[o++] = hex[p[i] >> 4];
      buf[o++] = hex[p[i] & 15];
      i++;
    }
  }
  if (len)
    buf[o < len ? o : len - 1] = 0;
  return buf;
}

/* Seconds with nine decimals, exact: "0.000219000", "-0.000001000". */
static const char *secs(int64_t ns, char *buf, size_t len) {
  uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
  snprintf(buf, len, "%s%" PRIu64 ".%09" PRIu64, ns < 0 ? "-" : "", a / 1000000000u,
           a % 1000000000u);
  return buf;
}
/* Milliseconds with three decimals (microseconds, truncated): "0.219 ms". */
static const char *msecs(int64_t ns, char *buf, size_t len) {
  uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
  snprintf(buf, len, "%s%" PRIu64 ".%03" PRIu64 " ms", ns < 0 ? "-" : "", a / 1000000u,
           (a % 1000000u) / 1000u);
  return buf;
}

/* "127.0.0.1:443", "[::1]:443": an address and port, escaped. */
static const char *endp(const char *addr, unsigned port, char *buf, size_t len) {
  char a[160];
  safe(addr, a, sizeof a);
  snprintf(buf, len, strchr(a, ':') ? "[%s]:%u" : "%s:%u", a, port);
  return buf;
}

/* The far end: the server, or an HTTP proxy (dx_story_conn.proxy: the
 * client's leg to Fiddler, a CONNECT or a GET http://...). */
static const char *far_end(const dx_story_conn *c, bool capital) {
  if (c->proxy)
    return capital ? "Proxy" : "proxy";
  return capital ? "Server" : "server";
}

static const char *who(int w) {
  switch (w) {
  case DX_STORY_CLIENT: return "client";
  case DX_STORY_SERVER: return "server";
  case DX_STORY_RESOLVER: return "resolver";
  default: return "";
  }
}
static const char *layer_name(int l) {
  switch (l) {
  case DX_STORY_DNS: return "dns";
  case DX_STORY_TCP: return "tcp";
  case DX_STORY_TLS: return "tls";
  case DX_STORY_HTTP: return "http";
  case DX_STORY_QUIC: return "quic";
  default: return "data";
  }
}
static int is_quic(const dx_story_conn *c) {
  return c->transport == DX_STORY_TRANSPORT_QUIC;
}
/* The field a connection's number is: "tcp.stream", "quic.connection.number". */
static const char *stream_field(const dx_story_conn *c) {
  return is_quic(c) ? "quic.connection.number" : "tcp.stream";
}
static const char *http_name(unsigned v) {
  return v == 3 ? "HTTP/3" : v == 2 ? "HTTP/2" : "HTTP/1.x";
}

/* Calls fn for each protocol of c->protocols that has a layer role, once
 * each (a QUIC datagram names quic and tls once per coalesced packet). */
static void each_layer(const dx_story_conn *c, void (*fn)(FILE *, const char *, int), FILE *o) {
  char p[160], seen[160] = ":";
  snprintf(p, sizeof p, "%s", c->protocols);
  int k = 0;
  char *save = NULL;
  for (char *tok = strtok_r(p, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
    char key[40];
    snprintf(key, sizeof key, ":%s:", tok);
    if (!dx_layer_role(tok, NULL) || strstr(seen, key))
      continue;
    /* "http:tls": an HTTP CONNECT tunnel's layer (the proxy's target) over
     * the TLS it carries, not the application: the HTTP inside the TLS,
     * if decrypted, comes after it */
    if (strcmp(tok, "http") == 0 && save && strncmp(save, "tls", 3) == 0 &&
        (save[3] == ':' || save[3] == 0))
      continue;
    size_t l = strlen(seen);
    snprintf(seen + l, sizeof seen - l, "%s:", tok);
    fn(o, tok, k++);
  }
}
static void text_layer(FILE *o, const char *proto, int k) {
  const char *unit, *role = dx_layer_role(proto, &unit);
  fprintf(o, "%s %s (%s/%s)", k ? "," : "", proto, role, unit);
}
static void json_layer(FILE *o, const char *proto, int k) {
  const char *unit, *role = dx_layer_role(proto, &unit);
  fprintf(o, "%s{\"protocol\": \"%s\", \"role\": \"%s\", \"unit\": \"%s\"}", k ? ", " : "", proto,
          role, unit);
}
static const char *early_name(int e) {
  return e == 2 ? "accepted" : e == 1 ? "offered" : "none";
}

static int wanted(const dx_story_conn *c, unsigned flags) {
  return !(flags & DX_STORY_MARKED_ONLY) || c->marked;
}

/* ---- text ------------------------------------------------------------------ */
static void text_point(FILE *o, const char *what, dx_story_point p) {
  char t[32];
  if (p.frame)
    fprintf(o, "%s frame %" PRIu64 " at %s s", what, p.frame, secs(p.time_ns, t, sizeof t));
  else
    fprintf(o, "%s not seen", what);
}

/* One ladder line: "RTT 2   12  0.006560000  client ---- GET / ---->  server" */
static void text_event(FILE *o, const dx_story_event *e, const char *far) {
  char t[32], lab[400], rtt[16] = "", cnt[24] = "";
  if (e->rtt)
    snprintf(rtt, sizeof rtt, "RTT %u", e->rtt);
  if (e->count > 1)
    snprintf(cnt, sizeof cnt, " x%u", e->count);
  safe(e->label, lab, sizeof lab);
  char text[480];
  snprintf(text, sizeof text, " %s%s ", lab, cnt);
  size_t tl = strlen(text);
  const size_t width = tl + 8 > 46 ? tl + 8 : 46;
  char arrow[600];
  size_t fill = tl + 4 < width ? width - tl - 4 : 0;
  int right = e->from == DX_STORY_CLIENT && e->to != DX_STORY_RESOLVER ? 1
              : e->from == DX_STORY_SERVER                             ? 0
              : e->from == DX_STORY_CLIENT                             ? 1
                                                                       : 0;
  size_t k = 0;
  if (right) {
    arrow[k++] = '-';
    arrow[k++] = '-';
    memcpy(arrow + k, text, tl);
    k += tl;
    for (size_t i = 0; i < fill; i++)
      arrow[k++] = '-';
    arrow[k++] = '>';
  } else {
    arrow[k++] = '<';
    for (size_t i = 0; i < fill; i++)
      arrow[k++] = '-';
    memcpy(arrow + k, text, tl);
    k += tl;
    arrow[k++] = '-';
    arrow[k++] = '-';
  }
  arrow[k] = 0;
  const char *l = "client",
             *r = e->to == DX_STORY_RESOLVER || e->from == DX_STORY_RESOLVER ? "resolver" : far;
  fprintf(o, "  %-6s %6" PRIu64 "  %s  %-6s %s  %s\n", rtt, e->at.frame,
          secs(e->at.time_ns, t, sizeof t), l, arrow, r);
}

static void text_quic(FILE *o, const dx_story_conn *c);
static void text_tcp(FILE *o, const dx_story_conn *c);
static void text_rest(FILE *o, const dx_story_conn *c, const dx_story *st);
static void json_quic(FILE *o, const dx_story_conn *c);
static void json_tcp(FILE *o, const dx_story_conn *c);
static void json_rest(FILE *o, const dx_story_conn *c);

static void text_conn(FILE *o, const dx_story_conn *c, const dx_story *st) {
  char a[600], b[600];
  fprintf(o, "Connection %u (%s == %u): client %s -> %s %s", c->stream, stream_field(c), c->stream,
          endp(c->client.addr, c->client.port, a, sizeof a), far_end(c, false),
          endp(c->server.addr, c->server.port, b, sizeof b));
  if (c->server_name[0])
    fprintf(o, " (%s)", safe(c->server_name, a, sizeof a));
  fprintf(o, "\n");
  fprintf(o,
          "  packets %" PRIu64 " from the client, %" PRIu64 " from the %s; payload %" PRIu64
          " / %" PRIu64 " bytes\n",
          c->packets[0], c->packets[1], far_end(c, false), c->bytes[0], c->bytes[1]);
  if (c->protocols[0]) {
    fprintf(o, "  layers:");
    each_layer(c, text_layer, o);
    fprintf(o, "\n");
  }
  /* DNS */
  if (c->dns.found) {
    fprintf(o, "  DNS: %s %s -> %s (resolver %s); ", safe(c->dns.name, a, sizeof a), c->dns.qtype,
            safe(c->dns.answers[0] ? c->dns.answers : "no address", b, sizeof b), c->dns.resolver);
    text_point(o, "query", c->dns.query);
    fprintf(o, ", ");
    text_point(o, "response", c->dns.response);
    fprintf(o, "\n");
  } else {
    fprintf(o, "  DNS: no lookup in this capture\n");
  }
  if (is_quic(c))
    text_quic(o, c);
  else
    text_tcp(o, c);
  text_rest(o, c, st);
}

static void text_quic(FILE *o, const dx_story_conn *c) {
  char a[600], b[600], t[32];
  fprintf(o, "  QUIC: %s, udp.stream %u",
          c->quic.version_name[0] ? c->quic.version_name : "version not seen", c->quic.udp_stream);
  fprintf(o,
          "; packets: Initial %" PRIu64 ", Handshake %" PRIu64 ", 0-RTT %" PRIu64 ", 1-RTT %" PRIu64
          ", Retry %" PRIu64 ", Version Negotiation %" PRIu64 "\n",
          c->quic.initial_packets, c->quic.handshake_packets, c->quic.zero_rtt_packets,
          c->quic.one_rtt_packets, c->quic.retry_packets, c->quic.version_negotiation_packets);
  fprintf(o, "       ");
  text_point(o, "client Initial", c->quic.client_initial);
  fprintf(o, ", ");
  text_point(o, "server Initial", c->quic.server_initial);
  fprintf(o, ", ");
  text_point(o, "HANDSHAKE_DONE", c->quic.handshake_done);
  fprintf(o, "\n");
  if (!c->quic.decrypted)
    fprintf(o, "       encrypted past the Initial packets (no keys in the key log for it)\n");
  if (c->quic.retry.frame)
    fprintf(o,
            "       Retry in frame %" PRIu64 " at %s s: the server made the client prove its "
            "address with a token before the handshake, one round trip more%s\n",
            c->quic.retry.frame, secs(c->quic.retry.time_ns, t, sizeof t),
            c->quic.retry_tag_bad ? " (its integrity tag does not check)" : "");
  if (c->quic.zero_rtt.frame)
    fprintf(o, "       0-RTT: the client sent early data in frame %" PRIu64 " at %s s\n",
            c->quic.zero_rtt.frame, secs(c->quic.zero_rtt.time_ns, t, sizeof t));
  if (c->quic.migrations)
    fprintf(o,
            "       migration: the client changed its address or port %u time%s, last to %s "
            "(udp.stream %u) in frame %" PRIu64 " at %s s; the connection goes on\n",
            c->quic.migrations, c->quic.migrations == 1 ? "" : "s",
            endp(c->quic.path.addr, c->quic.path.port, a, sizeof a), c->quic.path.udp_stream,
            c->quic.path.at.frame, secs(c->quic.path.at.time_ns, t, sizeof t));
  if (c->quic.closed_by) {
    const char *h3 = c->quic.application_close && strncmp(c->tls.alpn, "h3", 2) == 0
                         ? dx_story_h3_error_name(c->quic.close_error)
                         : NULL;
    fprintf(o,
            "       closed by the %s with CONNECTION_CLOSE (%s, error %" PRIu64
            "%s%s%s%s) in frame %" PRIu64 " at %s s\n",
            who(c->quic.closed_by), c->quic.application_close ? "application" : "transport",
            c->quic.close_error, h3 ? " = " : "", h3 ? h3 : "", c->quic.close_reason[0] ? ": " : "",
            safe(c->quic.close_reason, b, sizeof b), c->quic.close.frame,
            secs(c->quic.close.time_ns, t, sizeof t));
  } else {
    fprintf(o, "       no CONNECTION_CLOSE seen%s\n",
            c->quic.decrypted ? "" : " (it would be encrypted)");
  }
}

static void text_tcp(FILE *o, const dx_story_conn *c) {
  char t[32], t2[32];
  fprintf(o, "  TCP: ");
  text_point(o, "SYN", c->tcp.syn);
  fprintf(o, ", ");
  text_point(o, "SYN/ACK", c->tcp.synack);
  fprintf(o, ", ");
  text_point(o, "ACK", c->tcp.ack);
  fprintf(o, "\n");
  if (c->tcp.handshake_rtt_ns >= 0)
    fprintf(o, "       handshake RTT %s (%s s, tcp.analysis.initial_rtt)\n",
            msecs(c->tcp.handshake_rtt_ns, t, sizeof t),
            secs(c->tcp.handshake_rtt_ns, t2, sizeof t2));
  if (c->tcp.closed_by)
    fprintf(o, "       closed by the %s with %s (frame %" PRIu64 " at %s s)\n",
            who(c->tcp.closed_by), c->tcp.reset ? "RST" : "FIN", c->tcp.close.frame,
            secs(c->tcp.close.time_ns, t, sizeof t));
  else
    fprintf(o, "       not closed in the capture\n");
  fprintf(o,
          "       retransmissions %u (fast %u, spurious %u), lost segments %u, duplicate ACKs %u, "
          "out of order %u, zero windows %u, keep-alives %u\n",
          c->tcp.retransmissions, c->tcp.fast_retransmissions, c->tcp.spurious_retransmissions,
          c->tcp.lost_segments, c->tcp.duplicate_acks, c->tcp.out_of_order, c->tcp.zero_windows,
          c->tcp.keep_alives);
}

/* The field tls.trust.other_leg's number is of: tcp.stream, or udp.stream
 * for QUIC. */
static const char *leg_field(const dx_story_conn *c) {
  return c->transport == DX_STORY_TRANSPORT_TCP ? "tcp.stream" : "udp.stream";
}

/* s cut to w characters for a column ("..." at the end when cut). */
static const char *col(const char *s, size_t w, char *buf, size_t len) {
  char a[600];
  safe(s, a, sizeof a);
  size_t n = strlen(a);
  if (n > w && w > 3) {
    snprintf(buf, len, "%.*s...", (int)(w - 3), a);
  } else {
    snprintf(buf, len, "%s", a);
  }
  return buf;
}

/* The first request of a connection in words ("GET /index.html -> 200"),
 * after a proxy's CONNECT. */
static void first_request(const dx_story_conn *c, char *buf, size_t len) {
  size_t i = c->tunnel.present ? 1 : 0;
  if (i >= c->nexchanges) {
    snprintf(buf, len, "%s", c->tls.present && !c->tls.decrypted ? "(encrypted)" : "-");
    return;
  }
  const dx_story_exchange *x = &c->exchanges[i];
  if (x->status)
    snprintf(buf, len, "%s %s -> %u", x->method, x->uri, x->status);
  else
    snprintf(buf, len, "%s %s", x->method, x->uri);
}

/* The trust verdict, and an intercepting proxy's two legs side by side:
 * the client's leg (whose certificate the proxy forged) on the left, the
 * proxy's own leg to the server on the right. */
static void text_trust(FILE *o, const dx_story_conn *c, const dx_story *st) {
  char a[600], b[600];
  if (!c->trust.present)
    return;
  fprintf(o, "       trust: %s", safe(c->trust.verdict, a, sizeof a));
  if (c->trust.error[0])
    fprintf(o, " (%s)", safe(c->trust.error, a, sizeof a));
  if (c->trust.root[0])
    fprintf(o, ", anchored by %s", safe(c->trust.root, a, sizeof a));
  fprintf(o, "\n");
  const dx_story_conn *other =
      c->trust.other_leg >= 0 && c->trust.other_leg <= UINT32_MAX &&
              c->transport == DX_STORY_TRANSPORT_TCP
          ? dx_story_find(st, DX_STORY_TRANSPORT_TCP, (uint32_t)c->trust.other_leg)
          : NULL;
  /* (tls.trust.other_leg: a tcp.stream, the connection's number in the
   * story; for QUIC a udp.stream) */
  const char *leg_word = c->transport == DX_STORY_TRANSPORT_TCP ? "connection" : "udp.stream";
  if (c->trust.intercepted)
    fprintf(o, "       intercepted: this leg's certificate was forged by a proxy%s",
            c->trust.other_leg >= 0 ? "" : " (its root is one you gave, not the system's)\n");
  else if (c->trust.other_leg >= 0)
    fprintf(o, "       intercepted: ");
  if (c->trust.other_leg >= 0) {
    if (c->trust.intercepted)
      fprintf(o, "; the proxy's own leg to the server is %s %" PRId64 "\n", leg_word,
              c->trust.other_leg);
    else
      fprintf(o,
              "%s %" PRId64 " is the client's leg, whose certificate the proxy forged; "
              "this is the proxy's own leg to the server\n",
              leg_word, c->trust.other_leg);
  }
  if (!other)
    return;
  const dx_story_conn *l = c->trust.intercepted || !other->trust.intercepted ? c : other;
  const dx_story_conn *r = l == c ? other : c;
  const size_t w = 44;
  char h1[64], h2[64];
  snprintf(h1, sizeof h1, "client -> proxy (connection %u)", l->stream);
  snprintf(h2, sizeof h2, "proxy -> server (connection %u)", r->stream);
  fprintf(o, "  The two legs side by side:\n");
  fprintf(o, "    %-14s  %-*s  %s\n", "", (int)w, h1, h2);
  const dx_story_conn *legs[2] = {l, r};
  for (int row = 0; row < 6; row++) {
    static const char *const names[] = {"server name", "TLS",   "leaf",
                                        "issued by",   "trust", "first request"};
    char v[2][600];
    for (int k = 0; k < 2; k++) {
      const dx_story_conn *g = legs[k];
      switch (row) {
      case 0: snprintf(v[k], sizeof v[k], "%s", g->server_name); break;
      case 1:
        snprintf(v[k], sizeof v[k], "%s %s", g->tls.version_name, g->tls.cipher_suite_name);
        break;
      case 2:
        snprintf(v[k], sizeof v[k], "%s", g->tls.ncerts ? g->tls.certs[0].subject : "-");
        break;
      case 3:
        snprintf(v[k], sizeof v[k], "%s", g->tls.ncerts ? g->tls.certs[0].issuer : "-");
        break;
      case 4: snprintf(v[k], sizeof v[k], "%s", g->trust.present ? g->trust.verdict : "-"); break;
      default: first_request(g, v[k], sizeof v[k]); break;
      }
    }
    fprintf(o, "    %-14s  %-*s  %s\n", names[row], (int)w, col(v[0], w, a, sizeof a),
            col(v[1], 60, b, sizeof b));
  }
}

static void text_rest(FILE *o, const dx_story_conn *c, const dx_story *st) {
  char a[600], b[600], t[32], t2[32];
  /* TLS */
  if (c->tls.present) {
    fprintf(o, "  TLS: %s, %s handshake%s%s%s%s\n",
            c->tls.version_name[0] ? c->tls.version_name : "version not seen",
            c->tls.resumed ? "resumed" : "full", c->tls.hello_retry ? ", HelloRetryRequest" : "",
            c->tls.early_data == 2   ? ", 0-RTT early data accepted"
            : c->tls.early_data == 1 ? ", 0-RTT early data offered"
                                     : "",
            c->tls.decrypted ? ", decrypted" : "", c->tls.sni[0] ? "" : ", no SNI");
    fprintf(o, "       %s\n", c->tls.round_trips_text);
    if (c->tls.cipher_suite_name[0] || c->tls.cipher_suite)
      fprintf(o,
              "       cipher suite %s (0x%04x): key exchange %s, authentication %s, cipher %s, "
              "MAC/hash %s\n",
              c->tls.cipher_suite_name[0] ? c->tls.cipher_suite_name : "?", c->tls.cipher_suite,
              c->tls.kx[0] ? c->tls.kx : "?", c->tls.auth[0] ? c->tls.auth : "?",
              c->tls.enc[0] ? c->tls.enc : "?", c->tls.mac[0] ? c->tls.mac : "?");
    if (c->tls.sni[0])
      fprintf(o, "       SNI %s\n", safe(c->tls.sni, a, sizeof a));
    if (c->tls.alpn[0])
      fprintf(o, "       ALPN %s\n", safe(c->tls.alpn, a, sizeof a));
    if (c->tls.ncerts) {
      fprintf(o, "       certificate chain (%u):\n", c->tls.ncerts);
      for (unsigned i = 0; i < c->tls.ncerts && i < DX_STORY_MAX_CERTS; i++)
        fprintf(o, "         %u. %s, issued by %s\n", i + 1,
                safe(c->tls.certs[i].subject, a, sizeof a),
                safe(c->tls.certs[i].issuer, b, sizeof b));
    } else if (c->tls.version == 0x0304 && !c->tls.decrypted) {
      fprintf(o, "       certificate chain: encrypted (TLS 1.3; give the key log to see it)\n");
    }
    text_trust(o, c, st);
  }
  /* HTTP */
  for (size_t i = 0; i < c->nexchanges; i++) {
    const dx_story_exchange *x = &c->exchanges[i];
    if (i == 0)
      fprintf(o, "  HTTP:\n");
    fprintf(o, "    %zu. %s %s %s", i + 1, http_name(x->http_version), safe(x->method, a, sizeof a),
            safe(x->uri, b, sizeof b));
    if (x->http_version >= 2)
      fprintf(o, " [stream %u]", x->stream_id);
    if (x->status)
      fprintf(o, " -> %u%s%s\n", x->status, x->reason[0] ? " " : "", safe(x->reason, a, sizeof a));
    else
      fprintf(o, " -> no response seen\n");
    fprintf(o, "       request frame %" PRIu64 " at %s s", x->request.frame,
            secs(x->request.time_ns, t, sizeof t));
    if (x->first_byte.frame)
      fprintf(o, "; first response byte frame %" PRIu64 " (time to first byte %s)",
              x->first_byte.frame, msecs(x->ttfb_ns, t, sizeof t));
    if (x->response.frame)
      fprintf(o, "; response frame %" PRIu64 " (%s s after the request)", x->response.frame,
              secs(x->response_time_ns, t, sizeof t));
    fprintf(o, "\n");
    fprintf(o, "       body bytes: request ");
    if (x->request_body_bytes >= 0)
      fprintf(o, "%" PRId64, x->request_body_bytes);
    else
      fprintf(o, "unknown");
    fprintf(o, ", response ");
    if (x->response_body_bytes >= 0)
      fprintf(o, "%" PRId64 "\n", x->response_body_bytes);
    else
      fprintf(o, "unknown\n");
  }
  if (c->exchanges_dropped)
    fprintf(o, "    ... %u more exchanges not kept (cap reached)\n", c->exchanges_dropped);
  /* phases */
  fprintf(o, "  Phases:\n");
  const dx_story_phase *phs[DX_STORY_NPHASES + 1];
  int nph = phases_of(c, phs);
  for (int i = 0; i < nph; i++) {
    const dx_story_phase *ph = phs[i];
    fprintf(o, "    %-9s frames %6" PRIu64 " .. %-6" PRIu64 " %s .. %s s  %12s\n", ph->name,
            ph->start.frame, ph->end.frame, secs(ph->start.time_ns, t, sizeof t),
            secs(ph->end.time_ns, t2, sizeof t2), msecs(ph->duration_ns, a, sizeof a));
  }
  if (c->before_first_byte_ns >= 0)
    fprintf(o, "    before the first byte: %s (frame %" PRIu64 " .. %" PRIu64 ")\n",
            msecs(c->before_first_byte_ns, t, sizeof t), c->before_first_byte_start.frame,
            c->before_first_byte_end.frame);
  /* ladder */
  fprintf(o, "  Ladder (client %s, %s %s", endp(c->client.addr, c->client.port, a, sizeof a),
          far_end(c, false), endp(c->server.addr, c->server.port, b, sizeof b));
  if (c->dns.found)
    fprintf(o, ", resolver %s", safe(c->dns.resolver, a, sizeof a));
  fprintf(o, "):\n");
  fprintf(o, "  %-6s %6s  %-11s\n", "", "frame", "time (s)");
  for (size_t i = 0; i < c->nevents; i++)
    text_event(o, &c->events[i], far_end(c, false));
  if (c->events_dropped)
    fprintf(o, "  ... %u more steps not kept (cap reached)\n", c->events_dropped);
  fprintf(o, "\n");
}

/* ---- JSON ------------------------------------------------------------------ */
static void jstr(FILE *o, const char *s) {
  char buf[2048];
  safe(s, buf, sizeof buf);
  fputc('"', o);
  for (const char *c = buf; *c; c++) {
    if (*c == '"' || *c == '\\')
      fprintf(o, "\\%c", *c);
    else if ((unsigned char)*c < 0x20)
      fprintf(o, "\\u%04x", (unsigned char)*c);
    else
      fputc(*c, o);
  }
  fputc('"', o);
}
static void jpoint(FILE *o, dx_story_point p) {
  char t[32];
  if (!p.frame) {
    fputs("null", o);
    return;
  }
  fprintf(o, "{\"frame\": %" PRIu64 ", \"time_ns\": %" PRId64 ", \"time\": \"%s\"}", p.frame,
          p.time_ns, secs(p.time_ns, t, sizeof t));
}
static void jdur(FILE *o, const char *key, int64_t ns) {
  char t[32];
  if (ns < 0)
    fprintf(o, "\"%s_ns\": null, \"%s\": null", key, key);
  else
    fprintf(o, "\"%s_ns\": %" PRId64 ", \"%s\": \"%s\"", key, ns, key, secs(ns, t, sizeof t));
}

static void json_conn(FILE *o, const dx_story_conn *c) {
  fprintf(o, "    {\n      \"stream\": %u,\n      \"transport\": \"%s\",\n      \"marked\": %s,\n",
          c->stream, is_quic(c) ? "quic" : "tcp", c->marked ? "true" : "false");
  fprintf(o, "      \"client\": {\"address\": ");
  jstr(o, c->client.addr);
  fprintf(o, ", \"port\": %u},\n      \"server\": {\"address\": ", c->client.port);
  jstr(o, c->server.addr);
  fprintf(o, ", \"port\": %u, \"name\": ", c->server.port);
  jstr(o, c->server_name);
  fprintf(o, "},\n      \"proxy\": %s,\n      \"trust\": ", c->proxy ? "true" : "false");
  if (c->trust.present) {
    fprintf(o, "{\"verdict\": ");
    jstr(o, c->trust.verdict);
    fprintf(o, ", \"root\": ");
    jstr(o, c->trust.root);
    fprintf(o, ", \"error\": ");
    jstr(o, c->trust.error);
    fprintf(o, ", \"intercepted\": %s, \"other_leg\": ", c->trust.intercepted ? "true" : "false");
    if (c->trust.other_leg >= 0)
      fprintf(o, "%" PRId64 "}", c->trust.other_leg);
    else
      fprintf(o, "null}");
  } else {
    fprintf(o, "null");
  }
  fprintf(o, ",\n      \"first\": ");
  jpoint(o, c->first);
  fprintf(o, ",\n      \"last\": ");
  jpoint(o, c->last);
  fprintf(o,
          ",\n      \"packets\": {\"client_to_server\": %" PRIu64 ", \"server_to_client\": %" PRIu64
          "},\n",
          c->packets[0], c->packets[1]);
  fprintf(o,
          "      \"payload_bytes\": {\"client_to_server\": %" PRIu64
          ", \"server_to_client\": %" PRIu64 "},\n",
          c->bytes[0], c->bytes[1]);
  fprintf(o, "      \"layers\": [");
  each_layer(c, json_layer, o);
  fprintf(o, "],\n");
  /* dns */
  fprintf(o, "      \"dns\": {\"found\": %s", c->dns.found ? "true" : "false");
  if (c->dns.found) {
    fprintf(o, ", \"name\": ");
    jstr(o, c->dns.name);
    fprintf(o, ", \"type\": ");
    jstr(o, c->dns.qtype);
    fprintf(o, ", \"answers\": [");
    char ans[256];
    snprintf(ans, sizeof ans, "%s", c->dns.answers);
    int first = 1;
    for (char *tok = strtok(ans, ","); tok; tok = strtok(NULL, ",")) {
      fprintf(o, "%s", first ? "" : ", ");
      jstr(o, tok);
      first = 0;
    }
    fprintf(o, "], \"resolver\": ");
    jstr(o, c->dns.resolver);
    fprintf(o, ", \"query\": ");
    jpoint(o, c->dns.query);
    fprintf(o, ", \"response\": ");
    jpoint(o, c->dns.response);
  } else {
    fprintf(o, ", \"note\": \"no lookup in this capture\"");
  }
  fprintf(o, "},\n");
  if (is_quic(c)) {
    fprintf(o, "      \"tcp\": null,\n");
    json_quic(o, c);
  } else {
    json_tcp(o, c);
    fprintf(o, "      \"quic\": null,\n");
  }
  json_rest(o, c);
}

static void json_quic(FILE *o, const dx_story_conn *c) {
  fprintf(o, "      \"quic\": {\"version\": ");
  jstr(o, c->quic.version_name);
  fprintf(o,
          ", \"version_number\": %u, \"udp_stream\": %u, \"decrypted\": %s,\n        \"packets\": "
          "{\"initial\": %" PRIu64 ", \"handshake\": %" PRIu64 ", \"zero_rtt\": %" PRIu64
          ", \"one_rtt\": %" PRIu64 ", \"retry\": %" PRIu64 ", \"version_negotiation\": %" PRIu64
          "},\n        \"client_initial\": ",
          c->quic.version, c->quic.udp_stream, c->quic.decrypted ? "true" : "false",
          c->quic.initial_packets, c->quic.handshake_packets, c->quic.zero_rtt_packets,
          c->quic.one_rtt_packets, c->quic.retry_packets, c->quic.version_negotiation_packets);
  jpoint(o, c->quic.client_initial);
  fprintf(o, ", \"server_initial\": ");
  jpoint(o, c->quic.server_initial);
  fprintf(o, ",\n        \"retry\": ");
  jpoint(o, c->quic.retry);
  fprintf(o, ", \"retry_integrity_tag_ok\": %s, \"zero_rtt\": ",
          c->quic.retry.frame ? (c->quic.retry_tag_bad ? "false" : "true") : "null");
  jpoint(o, c->quic.zero_rtt);
  fprintf(o, ", \"handshake_done\": ");
  jpoint(o, c->quic.handshake_done);
  fprintf(o, ",\n        \"migrations\": %u, \"path\": ", c->quic.migrations);
  if (c->quic.migrations) {
    fprintf(o, "{\"address\": ");
    jstr(o, c->quic.path.addr);
    fprintf(o, ", \"port\": %u, \"udp_stream\": %u, \"at\": ", c->quic.path.port,
            c->quic.path.udp_stream);
    jpoint(o, c->quic.path.at);
    fprintf(o, "}");
  } else {
    fprintf(o, "null");
  }
  fprintf(o, ",\n        \"closed_by\": ");
  if (c->quic.closed_by) {
    fprintf(o, "\"%s\", \"close\": \"%s\", \"error_code\": %" PRIu64 ", \"reason\": ",
            who(c->quic.closed_by), c->quic.application_close ? "application" : "transport",
            c->quic.close_error);
    jstr(o, c->quic.close_reason);
  } else {
    fprintf(o, "null, \"close\": null, \"error_code\": null, \"reason\": null");
  }
  fprintf(o, ", \"close_at\": ");
  jpoint(o, c->quic.close);
  fprintf(o, "},\n");
}

static void json_tcp(FILE *o, const dx_story_conn *c) {
  /* tcp */
  fprintf(o, "      \"tcp\": {\"syn\": ");
  jpoint(o, c->tcp.syn);
  fprintf(o, ", \"synack\": ");
  jpoint(o, c->tcp.synack);
  fprintf(o, ", \"ack\": ");
  jpoint(o, c->tcp.ack);
  fprintf(o, ",\n        ");
  jdur(o, "handshake_rtt", c->tcp.handshake_rtt_ns);
  fprintf(o, ",\n        \"closed_by\": ");
  if (c->tcp.closed_by)
    fprintf(o, "\"%s\", \"close\": \"%s\", \"close_at\": ", who(c->tcp.closed_by),
            c->tcp.reset ? "rst" : "fin");
  else
    fprintf(o, "null, \"close\": null, \"close_at\": ");
  jpoint(o, c->tcp.close);
  fprintf(o,
          ",\n        \"analysis\": {\"retransmissions\": %u, \"fast_retransmissions\": %u, "
          "\"spurious_retransmissions\": %u, \"lost_segments\": %u, \"duplicate_acks\": %u, "
          "\"out_of_order\": %u, \"zero_windows\": %u, \"keep_alives\": %u}},\n",
          c->tcp.retransmissions, c->tcp.fast_retransmissions, c->tcp.spurious_retransmissions,
          c->tcp.lost_segments, c->tcp.duplicate_acks, c->tcp.out_of_order, c->tcp.zero_windows,
          c->tcp.keep_alives);
}

static void json_rest(FILE *o, const dx_story_conn *c) {
  /* tls */
  fprintf(o, "      \"tls\": ");
  if (!c->tls.present) {
    fprintf(o, "null,\n");
  } else {
    fprintf(o, "{\"version\": ");
    jstr(o, c->tls.version_name);
    fprintf(o,
            ", \"version_number\": %u, \"resumed\": %s, \"hello_retry_request\": %s, "
            "\"early_data\": \"%s\", \"decrypted\": %s,\n        \"round_trips\": ",
            c->tls.version, c->tls.resumed ? "true" : "false",
            c->tls.hello_retry ? "true" : "false", early_name(c->tls.early_data),
            c->tls.decrypted ? "true" : "false");
    if (c->tls.round_trips >= 0)
      fprintf(o, "%d", c->tls.round_trips);
    else
      fprintf(o, "null");
    fprintf(o, ", \"round_trips_text\": ");
    jstr(o, c->tls.round_trips_text);
    fprintf(o, ",\n        \"cipher_suite\": {\"id\": %u, \"name\": ", c->tls.cipher_suite);
    jstr(o, c->tls.cipher_suite_name);
    fprintf(o, ", \"key_exchange\": ");
    jstr(o, c->tls.kx);
    fprintf(o, ", \"authentication\": ");
    jstr(o, c->tls.auth);
    fprintf(o, ", \"cipher\": ");
    jstr(o, c->tls.enc);
    fprintf(o, ", \"mac\": ");
    jstr(o, c->tls.mac);
    fprintf(o, "},\n        \"sni\": ");
    jstr(o, c->tls.sni);
    fprintf(o, ", \"alpn\": ");
    jstr(o, c->tls.alpn);
    fprintf(o, ", \"certificates_count\": %u, \"certificates\": [", c->tls.ncerts);
    for (unsigned i = 0; i < c->tls.ncerts && i < DX_STORY_MAX_CERTS; i++) {
      fprintf(o, "%s{\"subject\": ", i ? ", " : "");
      jstr(o, c->tls.certs[i].subject);
      fprintf(o, ", \"issuer\": ");
      jstr(o, c->tls.certs[i].issuer);
      fprintf(o, "}");
    }
    fprintf(o, "],\n        \"client_hello\": ");
    jpoint(o, c->tls.client_hello);
    fprintf(o, ", \"server_hello\": ");
    jpoint(o, c->tls.server_hello);
    fprintf(o, ",\n        \"client_finished\": ");
    jpoint(o, c->tls.client_finished);
    fprintf(o, ", \"server_finished\": ");
    jpoint(o, c->tls.server_finished);
    fprintf(o, ",\n        \"first_application_data\": ");
    jpoint(o, c->tls.first_app_data);
    fprintf(o, "},\n");
  }
  /* http */
  fprintf(o, "      \"http\": [");
  for (size_t i = 0; i < c->nexchanges; i++) {
    const dx_story_exchange *x = &c->exchanges[i];
    fprintf(o, "%s\n        {\"version\": \"%s\", \"stream_id\": %u, \"method\": ", i ? "," : "",
            http_name(x->http_version), x->stream_id);
    jstr(o, x->method);
    fprintf(o, ", \"uri\": ");
    jstr(o, x->uri);
    fprintf(o, ", \"status\": ");
    if (x->status)
      fprintf(o, "%u", x->status);
    else
      fprintf(o, "null");
    fprintf(o, ", \"reason\": ");
    jstr(o, x->reason);
    fprintf(o, ",\n         \"request\": ");
    jpoint(o, x->request);
    fprintf(o, ", \"first_byte\": ");
    jpoint(o, x->first_byte);
    fprintf(o, ",\n         \"response\": ");
    jpoint(o, x->response);
    fprintf(o, ", \"last_byte\": ");
    jpoint(o, x->last_byte);
    fprintf(o, ",\n         ");
    jdur(o, "ttfb", x->ttfb_ns);
    fprintf(o, ", ");
    jdur(o, "response_time", x->response_time_ns);
    fprintf(o, ",\n         \"request_body_bytes\": ");
    if (x->request_body_bytes >= 0)
      fprintf(o, "%" PRId64, x->request_body_bytes);
    else
      fprintf(o, "null");
    fprintf(o, ", \"response_body_bytes\": ");
    if (x->response_body_bytes >= 0)
      fprintf(o, "%" PRId64 "}", x->response_body_bytes);
    else
      fprintf(o, "null}");
  }
  fprintf(o, "%s],\n      \"http_dropped\": %u,\n", c->nexchanges ? "\n      " : "",
          c->exchanges_dropped);
  /* phases */
  fprintf(o, "      \"phases\": [");
  int first = 1;
  const dx_story_phase *phs[DX_STORY_NPHASES + 1];
  int nph = phases_of(c, phs);
  for (int i = 0; i < nph; i++) {
    const dx_story_phase *ph = phs[i];
    fprintf(o, "%s\n        {\"name\": \"%s\", \"start\": ", first ? "" : ",", ph->name);
    jpoint(o, ph->start);
    fprintf(o, ", \"end\": ");
    jpoint(o, ph->end);
    fprintf(o, ", ");
    jdur(o, "duration", ph->duration_ns);
    fprintf(o, "}");
    first = 0;
  }
  fprintf(o, "%s],\n      \"before_first_byte\": ", first ? "" : "\n      ");
  if (c->before_first_byte_ns >= 0) {
    fprintf(o, "{\"start\": ");
    jpoint(o, c->before_first_byte_start);
    fprintf(o, ", \"end\": ");
    jpoint(o, c->before_first_byte_end);
    fprintf(o, ", ");
    jdur(o, "duration", c->before_first_byte_ns);
    fprintf(o, "},\n");
  } else {
    fprintf(o, "null,\n");
  }
  /* events */
  fprintf(o, "      \"events\": [");
  for (size_t i = 0; i < c->nevents; i++) {
    const dx_story_event *e = &c->events[i];
    char t[32];
    fprintf(o,
            "%s\n        {\"frame\": %" PRIu64 ", \"time_ns\": %" PRId64
            ", \"time\": \"%s\", \"from\": \"%s\", \"to\": \"%s\", \"layer\": \"%s\", "
            "\"label\": ",
            i ? "," : "", e->at.frame, e->at.time_ns, secs(e->at.time_ns, t, sizeof t),
            who(e->from), who(e->to), layer_name(e->layer));
    jstr(o, e->label);
    fprintf(o, ", \"count\": %u, \"rtt\": ", e->count);
    if (e->rtt)
      fprintf(o, "%u}", e->rtt);
    else
      fprintf(o, "null}");
  }
  fprintf(o, "%s],\n      \"events_dropped\": %u\n    }", c->nevents ? "\n      " : "",
          c->events_dropped);
}

/* ---- Mermaid --------------------------------------------------------------- */
/* Text inside a Mermaid message or participant alias: escaped for the
 * terminal first, then ; # < > and quotes as Mermaid's entity codes (a ';'
 * would end the statement, a '#' start an entity). */
static void mstr(FILE *o, const char *s) {
  char buf[2048];
  safe(s, buf, sizeof buf);
  for (const char *c = buf; *c; c++) {
    switch (*c) {
    case ';': fputs("#59;", o); break;
    case '#': fputs("#35;", o); break;
    case '<': fputs("#lt;", o); break;
    case '>': fputs("#gt;", o); break;
    case '"': fputs("#quot;", o); break;
    case '%': fputs("#37;", o); break;
    case '{': fputs("#123;", o); break;
    case '}': fputs("#125;", o); break;
    default: fputc(*c, o);
    }
  }
}

static void mermaid_conn(FILE *o, const dx_story_conn *c) {
  char t[32], a[64];
  unsigned id = c->stream;
  fprintf(o, "sequenceDiagram\n");
  fprintf(o, "    %%%% libdissect story of %s %u\n", stream_field(c), c->stream);
  if (c->dns.found) {
    fprintf(o, "    participant R%u as Resolver ", id);
    mstr(o, c->dns.resolver);
    fprintf(o, "\n");
  }
  fprintf(o, "    participant C%u as Client ", id);
  mstr(o, c->client.addr);
  fprintf(o, " port %u\n    participant S%u as %s ", c->client.port, id, far_end(c, true));
  if (c->server_name[0]) {
    mstr(o, c->server_name);
    fprintf(o, " ");
  }
  mstr(o, c->server.addr);
  fprintf(o, " port %u\n", c->server.port);
  for (size_t i = 0; i < c->nevents; i++) {
    const dx_story_event *e = &c->events[i];
    char from[16], to[16];
    snprintf(from, sizeof from, "%c%u",
             e->from == DX_STORY_CLIENT   ? 'C'
             : e->from == DX_STORY_SERVER ? 'S'
                                          : 'R',
             id);
    snprintf(to, sizeof to, "%c%u",
             e->to == DX_STORY_CLIENT   ? 'C'
             : e->to == DX_STORY_SERVER ? 'S'
                                        : 'R',
             id);
    if (e->rtt)
      fprintf(o, "    Note left of C%u: RTT %u\n", id, e->rtt);
    fprintf(o, "    %s%s%s: ", from, e->from == DX_STORY_CLIENT ? "->>" : "-->>", to);
    fprintf(o, "frame %" PRIu64 " at %s s: ", e->at.frame, secs(e->at.time_ns, t, sizeof t));
    mstr(o, e->label);
    if (e->count > 1)
      fprintf(o, " x%u", e->count);
    fprintf(o, "\n");
  }
  if (is_quic(c)) {
    fprintf(o, "    Note over C%u,S%u: ", id, id);
    mstr(o, c->quic.version_name[0] ? c->quic.version_name : "QUIC");
    if (c->quic.retry.frame)
      fprintf(o, ", Retry: one round trip more");
    if (c->quic.migrations)
      fprintf(o, ", the client migrated %u time%s", c->quic.migrations,
              c->quic.migrations == 1 ? "" : "s");
    fprintf(o, "\n");
  }
  if (c->tls.present) {
    fprintf(o, "    Note over C%u,S%u: ", id, id);
    mstr(o, c->tls.version_name);
    fprintf(o, " ");
    mstr(o, c->tls.cipher_suite_name);
    fprintf(o, ", ");
    mstr(o, c->tls.round_trips_text);
    fprintf(o, "\n");
  }
  if (c->before_first_byte_ns >= 0)
    fprintf(o, "    Note over C%u,S%u: before the first byte %s\n", id, id,
            msecs(c->before_first_byte_ns, a, sizeof a));
  if (c->trust.present) {
    fprintf(o, "    Note over C%u,S%u: certificate ", id, id);
    mstr(o, c->trust.verdict);
    if (c->trust.intercepted && c->trust.other_leg >= 0)
      fprintf(o, ", forged by the proxy (its own leg: %s %" PRId64 ")", leg_field(c),
              c->trust.other_leg);
    else if (c->trust.intercepted)
      fprintf(o, ", intercepted (a root you gave)");
    else if (c->trust.other_leg >= 0)
      fprintf(o, ", the proxy's own leg (the client's: %s %" PRId64 ")", leg_field(c),
              c->trust.other_leg);
    fprintf(o, "\n");
  }
}

/* ---- SVG ------------------------------------------------------------------- */
static void xstr(FILE *o, const char *s, size_t max) {
  char buf[2048];
  safe(s, buf, sizeof buf);
  size_t n = 0;
  for (const unsigned char *c = (const unsigned char *)buf; *c; c++) {
    /* count characters, not UTF-8 continuation bytes */
    if ((*c & 0xc0) != 0x80 && ++n > max) {
      fputs("\xe2\x80\xa6", o); /* … */
      return;
    }
    switch (*c) {
    case '&': fputs("&amp;", o); break;
    case '<': fputs("&lt;", o); break;
    case '>': fputs("&gt;", o); break;
    case '"': fputs("&quot;", o); break;
    case '\'': fputs("&#39;", o); break;
    default: fputc(*c, o);
    }
  }
}

static const char *layer_colour(int l) {
  switch (l) {
  case DX_STORY_DNS: return "#7b3fa0";
  case DX_STORY_TCP: return "#555555";
  case DX_STORY_TLS: return "#1b7f3b";
  case DX_STORY_HTTP: return "#1f5fbf";
  case DX_STORY_QUIC: return "#b35900";
  default: return "#996600";
  }
}

#define SVG_W 1600
#define SVG_H 900
#define SVG_MAX_ROWS 20 /* steps on one 16:9 panel, in type readable on a slide */

/* A connection takes one panel per SVG_MAX_ROWS steps (events are capped by
 * dx_story_config.max_events, so the number of panels is bounded too). */
static size_t svg_panels(const dx_story_conn *c) {
  return c->nevents ? (c->nevents + SVG_MAX_ROWS - 1) / SVG_MAX_ROWS : 1;
}

/* Panel `panel` (0-based) of connection c, at height y0: the title, the lane
 * heads, steps panel*SVG_MAX_ROWS.. of the ladder and the phases. */
static void svg_conn(FILE *o, const dx_story_conn *c, int y0, size_t panel) {
  char t[32], a[64];
  int has_dns = c->dns.found;
  /* lanes: resolver | client | server */
  int xr = 260, xc = has_dns ? 620 : 420, xs = 1380;
  fprintf(o, "<g transform=\"translate(0,%d)\">\n", y0);
  fprintf(o, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", SVG_W, SVG_H);
  /* title */
  fprintf(o, "<text x=\"40\" y=\"48\" font-size=\"30\" font-weight=\"bold\">");
  xstr(o, c->server_name[0] ? c->server_name : c->server.addr, 60);
  fprintf(o, " \xe2\x80\x94 %s connection %u", is_quic(c) ? "QUIC" : "TCP", c->stream);
  size_t npanels = svg_panels(c);
  if (npanels > 1)
    fprintf(o, " (%zu/%zu)", panel + 1, npanels);
  fprintf(o, "</text>\n");
  fprintf(o, "<text x=\"40\" y=\"80\" font-size=\"18\" fill=\"#444444\">");
  /* the parts present, separated by middle dots */
  const char *sep = "";
  if (is_quic(c)) {
    xstr(o, c->quic.version_name[0] ? c->quic.version_name : "QUIC", 16);
    if (c->quic.retry.frame)
      fprintf(o, " + Retry");
    if (c->quic.migrations)
      fprintf(o, " + migration");
    sep = " \xc2\xb7 ";
  }
  if (c->tls.present) {
    fputs(sep, o);
    xstr(o, c->tls.version_name, 16);
    fprintf(o, " ");
    xstr(o, c->tls.cipher_suite_name, 60);
    sep = " \xc2\xb7 ";
  }
  if (c->before_first_byte_ns >= 0) {
    fprintf(o, "%sbefore the first byte: %s", sep, msecs(c->before_first_byte_ns, a, sizeof a));
    sep = " \xc2\xb7 ";
  }
  if (c->trust.intercepted && c->trust.other_leg >= 0)
    fprintf(o, "%sintercepted: the proxy's own leg is %s %" PRId64, sep, leg_field(c),
            c->trust.other_leg);
  else if (c->trust.intercepted)
    fprintf(o, "%sintercepted (a root you gave)", sep);
  else if (c->trust.other_leg >= 0)
    fprintf(o, "%sthe proxy's own leg; the client's is %s %" PRId64, sep, leg_field(c),
            c->trust.other_leg);
  fprintf(o, "</text>\n");
  /* lane heads */
  int top = 120, bottom = SVG_H - 70;
  struct {
    int x, show;
    const char *role;
    const char *addr;
    unsigned port;
  } lanes[3] = {{xr, has_dns, "Resolver", c->dns.resolver, 53},
                {xc, 1, "Client", c->client.addr, c->client.port},
                {xs, 1, far_end(c, true), c->server.addr, c->server.port}};
  for (int i = 0; i < 3; i++) {
    if (!lanes[i].show)
      continue;
    fprintf(o,
            "<rect x=\"%d\" y=\"%d\" width=\"240\" height=\"44\" rx=\"6\" fill=\"#eef2f7\" "
            "stroke=\"#333333\"/>\n",
            lanes[i].x - 120, top - 22);
    fprintf(o, "<text x=\"%d\" y=\"%d\" font-size=\"16\" text-anchor=\"middle\">%s ", lanes[i].x,
            top + 6, lanes[i].role);
    if (i > 0) {
      char ep[200];
      xstr(o, endp(lanes[i].addr, lanes[i].port, ep, sizeof ep), 30);
    } else {
      xstr(o, lanes[i].addr, 24);
    }
    fprintf(o, "</text>\n");
    fprintf(o,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999999\" "
            "stroke-dasharray=\"6,4\"/>\n",
            lanes[i].x, top + 22, lanes[i].x, bottom);
  }
  size_t first_ev = panel * SVG_MAX_ROWS;
  size_t rows = c->nevents > first_ev ? c->nevents - first_ev : 0;
  if (rows > SVG_MAX_ROWS)
    rows = SVG_MAX_ROWS;
  int avail = bottom - (top + 40);
  int step = rows ? avail / (int)(rows + (c->nevents > first_ev + rows)) : 20;
  if (step > 40)
    step = 40;
  int fs = step >= 24 ? 15 : step >= 16 ? 12 : 10;
  int y = top + 40;
  for (size_t r = 0; r < rows; r++, y += step) {
    size_t i = first_ev + r;
    const dx_story_event *e = &c->events[i];
    int x1 = e->from == DX_STORY_CLIENT ? xc : e->from == DX_STORY_SERVER ? xs : xr;
    int x2 = e->to == DX_STORY_CLIENT ? xc : e->to == DX_STORY_SERVER ? xs : xr;
    const char *col = layer_colour(e->layer);
    fprintf(o,
            "<text x=\"20\" y=\"%d\" font-size=\"%d\" fill=\"#666666\">#%" PRIu64 "  %s s</text>\n",
            y + 4, fs, e->at.frame, secs(e->at.time_ns, t, sizeof t));
    if (e->rtt)
      fprintf(o,
              "<text x=\"%d\" y=\"%d\" font-size=\"%d\" fill=\"#b00020\" "
              "text-anchor=\"end\">RTT %u</text>\n",
              xc - 130, y + 4, fs, e->rtt);
    fprintf(o,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\" "
            "marker-end=\"url(#arrow)\"/>\n",
            x1, y, x2 + (x2 > x1 ? -4 : 4), y, col);
    fprintf(o, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" text-anchor=\"middle\" fill=\"%s\">",
            (x1 + x2) / 2, y - 5, fs, col);
    xstr(o, e->label, 90);
    if (e->count > 1)
      fprintf(o, " \xc3\x97%u", e->count);
    fprintf(o, "</text>\n");
  }
  if (c->nevents > first_ev + rows)
    fprintf(o,
            "<text x=\"%d\" y=\"%d\" font-size=\"%d\" text-anchor=\"middle\" fill=\"#666666\">"
            "\xe2\x80\xa6 continued on the next panel (%zu more steps)</text>\n",
            (xc + xs) / 2, y, fs, c->nevents - first_ev - rows);
  /* phases */
  fprintf(o, "<text x=\"40\" y=\"%d\" font-size=\"16\" fill=\"#333333\">", SVG_H - 30);
  int first = 1;
  const dx_story_phase *phs[DX_STORY_NPHASES + 1];
  int nph = phases_of(c, phs);
  for (int i = 0; i < nph; i++) {
    const dx_story_phase *ph = phs[i];
    fprintf(o, "%s%s %s", first ? "" : "  \xc2\xb7  ", ph->name,
            msecs(ph->duration_ns, a, sizeof a));
    first = 0;
  }
  fprintf(o, "</text>\n</g>\n");
}

/* ---- entry ----------------------------------------------------------------- */
int dx_story_format_parse(const char *name) {
  if (!name)
    return -1;
  if (strcmp(name, "text") == 0)
    return DX_STORY_TEXT;
  if (strcmp(name, "json") == 0)
    return DX_STORY_JSON;
  if (strcmp(name, "mermaid") == 0)
    return DX_STORY_MERMAID;
  if (strcmp(name, "svg") == 0)
    return DX_STORY_SVG;
  return -1;
}

int dx_story_write(FILE *o, const dx_story *st, dx_story_format fmt, unsigned flags) {
  if (!o || !st || !dx_story_finished(st))
    return DX_EINVAL;
  size_t n = dx_story_count(st), shown = 0;
  for (size_t i = 0; i < n; i++)
    shown += wanted(dx_story_conn_at(st, i), flags);
  uint64_t dropped = dx_story_dropped(st);
  switch (fmt) {
  case DX_STORY_TEXT:
    for (size_t i = 0; i < n; i++)
      if (wanted(dx_story_conn_at(st, i), flags))
        text_conn(o, dx_story_conn_at(st, i), st);
    if (!shown)
      fprintf(o, "No TCP or QUIC connection to tell%s.\n",
              flags & DX_STORY_MARKED_ONLY ? " (none has a packet matching the filter)" : "");
    if (dropped)
      fprintf(o,
              "%" PRIu64 " connections not told: the cap on connections (or the byte budget) "
              "was reached\n",
              dropped);
    break;
  case DX_STORY_JSON: {
    fprintf(o, "{\n  \"schema\": \"libdissect.story\",\n  \"version\": %d,\n",
            DX_STORY_SCHEMA_VERSION);
    fprintf(o, "  \"connections_dropped\": %" PRIu64 ",\n  \"connections\": [", dropped);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
      if (wanted(dx_story_conn_at(st, i), flags)) {
        fputs(k++ ? ",\n" : "\n", o);
        json_conn(o, dx_story_conn_at(st, i));
      }
    fprintf(o, "%s]\n}\n", k ? "\n  " : "");
    break;
  }
  case DX_STORY_MERMAID: {
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
      if (wanted(dx_story_conn_at(st, i), flags)) {
        if (k++)
          fputs("\n", o);
        mermaid_conn(o, dx_story_conn_at(st, i));
      }
    if (!k)
      fputs("sequenceDiagram\n    Note over Client: no TCP or QUIC connection to tell\n", o);
    break;
  }
  case DX_STORY_SVG: {
    size_t panels = 0;
    for (size_t i = 0; i < n; i++)
      if (wanted(dx_story_conn_at(st, i), flags))
        panels += svg_panels(dx_story_conn_at(st, i));
    if (!panels)
      panels = 1;
    fprintf(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(o,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%zu\" "
            "viewBox=\"0 0 %d %zu\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n",
            SVG_W, (size_t)SVG_H * panels, SVG_W, (size_t)SVG_H * panels);
    fprintf(o, "<title>libdissect connection story</title>\n");
    fprintf(o, "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
               "markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\">"
               "<path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#333333\"/></marker></defs>\n");
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
      if (wanted(dx_story_conn_at(st, i), flags))
        for (size_t pnl = 0; pnl < svg_panels(dx_story_conn_at(st, i)); pnl++)
          svg_conn(o, dx_story_conn_at(st, i), (int)(SVG_H * k++), pnl);
    if (!k)
      fprintf(o, "<text x=\"800\" y=\"450\" font-size=\"30\" text-anchor=\"middle\">No TCP or "
                 "QUIC connection to tell</text>\n");
    fprintf(o, "</svg>\n");
    break;
  }
  default: return DX_EINVAL;
  }
  return ferror(o) ? DX_EIO : DX_OK;
}
