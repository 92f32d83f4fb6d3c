/*
 * The connection ladder (`l`): the selected packet's TCP connection as a
 * sequence diagram, client on the left, server on the right. One arrow per
 * step: the DNS lookup of the server's name when the capture has it, the
 * TCP handshake, each TLS handshake message, each HTTP request and
 * response, Application Data (consecutive records in one direction merged
 * into one arrow with a count), FIN and RST. The margin counts round
 * trips: RTT n+1 starts at a client->server step that follows a server
 * reply. The TUI knows no protocol: it reads field names (tcp.flags.syn,
 * tls.handshake.type, http.request.method, dns.a, ...).
 */
#include "ui.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_STEPS 20000
#define DNS_LOOKBACK 20000 /* frames before the connection searched for its DNS lookup */

enum { DIR_C2S = 0, DIR_S2C = 1 };
enum { ST_OTHER, ST_APPDATA, ST_DATA, ST_DNS };

typedef struct step {
  size_t frame;
  double t;
  int dir;
  int kind;
  int reply; /* a server->client step the client waits for (starts a round trip) */
  unsigned count;
  int rtt;    /* RTT mark printed in the margin, 0 for none */
  int in_rtt; /* the round trip this step belongs to */
  char label[400];
} step;

typedef struct ladder_view {
  uint32_t stream;
  char client[64], server[64];
  char caddr[48], saddr[48];
  unsigned cport, sport;
  int have_ends;
  int syn_seen, synack_seen, ack_seen;
  int tls13, tls_seen, http_seen;
  unsigned sh_version; /* tls.handshake.version of the Server Hello */
  int ccs_seen[2];
  int client_appdata, enc_hs_done[2];
  int decrypted;        /* a record of the connection was decrypted */
  int pkt_decrypted;    /* the packet being read has decrypted TLS data */
  unsigned pending_app; /* decrypted Application Data records of the packet */
  int pkt_msgs;         /* HTTP messages (steps) of the packet */
  char sni[256], host[256];
  step *st;
  size_t n, cap;
  size_t sel, top;
  int rtts;
  int truncated;
  int write_pending; /* `w` pressed: the next key picks the story's format */
  char summary[160];
} ladder_view;

static step *add_step(ladder_view *lv, size_t frame, double t, int dir, int kind,
                      const char *label) {
  /* merge consecutive Application Data / data in one direction */
  if ((kind == ST_APPDATA || kind == ST_DATA) && lv->n > 0) {
    step *last = &lv->st[lv->n - 1];
    if (last->kind == kind && last->dir == dir && strcmp(last->label, label) == 0) {
      last->count++;
      return last;
    }
  }
  if (lv->n >= MAX_STEPS) {
    lv->truncated = 1;
    return NULL;
  }
  if (lv->n == lv->cap) {
    size_t nc = lv->cap ? lv->cap * 2 : 64;
    step *ns = realloc(lv->st, nc * sizeof *ns);
    if (!ns)
      return NULL;
    lv->st = ns;
    lv->cap = nc;
  }
  step *s = &lv->st[lv->n++];
  memset(s, 0, sizeof *s);
  s->frame = frame;
  s->t = t;
  s->dir = dir;
  s->kind = kind;
  s->count = 1;
  s->reply = dir == DIR_S2C;
  snprintf(s->label, sizeof s->label, "%s", label);
  return s;
}

/* The value of a field as text, escaped for the screen. */
static void esc_value(const dx_node *n, char *buf, size_t len) {
  char raw[256];
  tui_value(n, raw, sizeof raw);
  draw_escape(raw, strlen(raw), buf, len);
}

static int flag(const dx_packet *p, const char *name) {
  const dx_node *n = dx_packet_find_name(p, name);
  return n && dx_node_uint(n);
}

/* One TLS record: its steps. */
static void tls_record(ladder_view *lv, const dx_node *rec, size_t frame, double t, int dir) {
  const dx_node *ct = tui_find_in(rec, "tls.record.content_type", 0);
  const dx_node *opaque = tui_find_in(rec, "tls.record.opaque_type", 0);
  /* TLS 1.3: the inner content type is known only once decrypted */
  int inner = ct && opaque;
  int decrypted = inner || lv->pkt_decrypted;
  if (!ct)
    ct = opaque;
  unsigned type = ct ? (unsigned)dx_node_uint(ct) : 0;
  char lab[300];
  lv->tls_seen = 1;
  if (inner)
    lv->decrypted = 1;
  switch (type) {
  case 20:
    add_step(lv, frame, t, dir, ST_OTHER, "Change Cipher Spec");
    lv->ccs_seen[dir] = 1;
    return;
  case 21: {
    const dx_node *d = tui_find_in(rec, "tls.alert_message.desc", 0);
    if (d) {
      char v[300];
      dx_node_label(d, lab, sizeof lab);
      const char *colon = strchr(lab, ':');
      snprintf(v, sizeof v, "%s", colon ? colon + 2 : lab);
      char *num = strrchr(v, '(');
      if (num && num > v && num[-1] == ' ' && v[strlen(v) - 1] == ')')
        num[-1] = 0; /* "Close Notify (0)" -> "Close Notify" */
      snprintf(lab, sizeof lab, "Alert (%.200s)", v);
    } else {
      snprintf(lab, sizeof lab, "Alert (encrypted)");
    }
    add_step(lv, frame, t, dir, ST_OTHER, lab);
    return;
  }
  case 22: {
    int any = 0;
    /* every handshake message of the record, in order */
    const dx_node *stack[40];
    int depth = 0;
    const dx_node *c = dx_node_first_child(rec);
    while (c) {
      const char *nm = dx_node_name(c);
      if (strcmp(nm, "tls.handshake.extensions.supported_version") == 0 &&
          dx_node_uint(c) == 0x0304 && dir == DIR_S2C)
        lv->tls13 = 1;
      else if (strcmp(nm, "tls.handshake.version") == 0 && dir == DIR_S2C && !lv->sh_version)
        lv->sh_version = (unsigned)dx_node_uint(c);
      else if (strcmp(nm, "tls.handshake.extensions_server_name") == 0 && !lv->sni[0])
        tui_value(c, lv->sni, sizeof lv->sni);
      if (strcmp(nm, "tls.handshake.type") == 0) {
        unsigned ht = (unsigned)dx_node_uint(c);
        const char *nm = tui_hs_name(ht);
        if (!nm) {
          snprintf(lab, sizeof lab, "Handshake type %u", ht);
          nm = lab;
        }
        step *hs = add_step(lv, frame, t, dir, ST_OTHER, nm);
        if (hs && ht == 4)
          hs->reply = 0; /* the client does not wait for tickets */
        any = 1;
      }
      if (dx_node_first_child(c) && depth < 40) {
        stack[depth++] = c;
        c = dx_node_first_child(c);
        continue;
      }
      c = dx_node_next(c);
      while (!c && depth > 0)
        c = dx_node_next(stack[--depth]);
    }
    if (!any)
      add_step(lv, frame, t, dir, ST_OTHER,
               lv->ccs_seen[dir] ? "Finished (encrypted)" : "Encrypted Handshake Message");
    return;
  }
  case 23:
    if (decrypted) {
      /* shown as the HTTP messages it carries, or else as Application
       * Data once the packet has been read (app_steps) */
      lv->pending_app++;
      if (dir == DIR_C2S)
        lv->client_appdata = 1;
      return;
    }
    if (lv->tls13 && !lv->decrypted && !lv->enc_hs_done[dir]) {
      /* TLS 1.3 without keys: the first encrypted records of each side are
       * the rest of its handshake */
      if (dir == DIR_S2C) {
        step *last = lv->n ? &lv->st[lv->n - 1] : NULL;
        /* EncryptedExtensions, Certificate, CertificateVerify, Finished */
        if (!(last && last->dir == DIR_S2C && strncmp(last->label, "Encrypted flight", 16) == 0))
          add_step(lv, frame, t, dir, ST_OTHER, "Encrypted flight (Certificate, ..., Finished)");
        return;
      }
      add_step(lv, frame, t, dir, ST_OTHER, "Encrypted flight (Finished)");
      lv->enc_hs_done[DIR_C2S] = lv->enc_hs_done[DIR_S2C] = 1;
      return;
    }
    if (lv->tls13 && !lv->decrypted && dir == DIR_S2C && !lv->client_appdata) {
      step *s = add_step(lv, frame, t, dir, ST_APPDATA, "Encrypted (New Session Ticket?)");
      if (s)
        s->reply = 0; /* the client does not wait for tickets */
      return;
    }
    if (dir == DIR_C2S)
      lv->client_appdata = 1;
    add_step(lv, frame, t, dir, ST_APPDATA, "Application Data");
    return;
  case 24: add_step(lv, frame, t, dir, ST_OTHER, "Heartbeat"); return;
  default: add_step(lv, frame, t, dir, ST_OTHER, "TLS record"); return;
  }
}

/* "HEADERS" from the label "Type: HEADERS (1)". */
static void type_name(const dx_node *n, char *out, size_t len) {
  char lab[256];
  out[0] = 0;
  if (!n)
    return;
  dx_node_label(n, lab, sizeof lab);
  const char *v = strstr(lab, ": ");
  v = v ? v + 2 : lab;
  size_t l = strcspn(v, " ");
  if (l >= len)
    l = len - 1;
  memcpy(out, v, l);
  out[l] = 0;
}

/* One HTTP/2 frame (an http2.stream node): requests and responses by their
 * pseudo-headers, DATA frames merged per stream, the other frames by type. */
static void h2_step(ladder_view *lv, const dx_node *st, size_t frame, double t, int dir) {
  char lab[400], a[64], b[200], ty[64], sid[32];
  lv->http_seen = 1;
  if (tui_find_in(st, "http2.magic", 0)) {
    step *s = add_step(lv, frame, t, dir, ST_OTHER, "HTTP/2 connection preface");
    (void)s;
    return;
  }
  const dx_node *tn = tui_find_in(st, "http2.type", 0);
  if (!tn)
    return;
  type_name(tn, ty, sizeof ty);
  esc_value(tui_find_in(st, "http2.streamid", 0), sid, sizeof sid);
  const dx_node *m = tui_find_in(st, "http2.headers.method", 0);
  const dx_node *code = tui_find_in(st, "http2.headers.status", 0);
  step *s;
  if (m) {
    esc_value(m, a, sizeof a);
    esc_value(tui_find_in(st, "http2.headers.path", 0), b, sizeof b);
    snprintf(lab, sizeof lab, "HTTP/2 %s %s [%s]", a, b, sid);
    s = add_step(lv, frame, t, dir, ST_OTHER, lab);
    lv->pkt_msgs++;
  } else if (code) {
    esc_value(code, a, sizeof a);
    snprintf(lab, sizeof lab, "HTTP/2 %s [%s]", a, sid);
    s = add_step(lv, frame, t, dir, ST_OTHER, lab);
    lv->pkt_msgs++;
  } else if (strcmp(ty, "DATA") == 0) {
    snprintf(lab, sizeof lab, "HTTP/2 DATA [%s]", sid);
    s = add_step(lv, frame, t, dir, ST_APPDATA, lab);
    lv->pkt_msgs++;
  } else {
    char e[64];
    snprintf(e, sizeof e, "%s", ty);
    draw_escape(e, strlen(e), a, sizeof a);
    snprintf(lab, sizeof lab, "HTTP/2 %s [%s]", a, sid);
    s = add_step(lv, frame, t, dir, ST_OTHER, lab);
    lv->pkt_msgs++;
    /* SETTINGS, WINDOW_UPDATE, ...: nobody waits for them */
    if (s && s->count == 1 && s->frame == frame)
      s->reply = 0;
  }
}

/* Walks the tree in order: TLS records and HTTP messages. Returns 1 if
 * something was added. */
static int app_steps(ladder_view *lv, const dx_node *root, size_t frame, double t, int dir) {
  size_t before = lv->n;
  lv->pending_app = 0;
  lv->pkt_msgs = 0;
  const dx_node *stack[64];
  int depth = 0;
  const dx_node *c = dx_node_first_child(root);
  while (c) {
    const char *nm = dx_node_name(c);
    int descend = 1;
    if (strcmp(nm, "tls.record") == 0) {
      tls_record(lv, c, frame, t, dir);
      descend = 0;
    } else if (strcmp(nm, "tls.handshake.extensions_server_name") == 0 && !lv->sni[0]) {
      tui_value(c, lv->sni, sizeof lv->sni);
    } else if (strcmp(nm, "tls.handshake.extensions.supported_version") == 0 &&
               dx_node_uint(c) == 0x0304 && dir == DIR_S2C) {
      lv->tls13 = 1;
    } else if (strcmp(nm, "http") == 0) {
      char lab[300], a[64], b[200];
      const dx_node *m = tui_find_in(c, "http.request.method", 0);
      const dx_node *code = tui_find_in(c, "http.response.code", 0);
      const dx_node *h = tui_find_in(c, "http.host", 0);
      if (h && !lv->host[0])
        tui_value(h, lv->host, sizeof lv->host);
      if (m) {
        esc_value(m, a, sizeof a);
        esc_value(tui_find_in(c, "http.request.uri", 0), b, sizeof b);
        snprintf(lab, sizeof lab, "HTTP %s %s", a, b);
        add_step(lv, frame, t, dir, ST_OTHER, lab);
        lv->pkt_msgs++;
      } else if (code) {
        esc_value(code, a, sizeof a);
        esc_value(tui_find_in(c, "http.response.phrase", 0), b, sizeof b);
        snprintf(lab, sizeof lab, "HTTP %s %s", a, b);
        add_step(lv, frame, t, dir, ST_OTHER, lab);
        lv->pkt_msgs++;
      }
      lv->http_seen = 1;
      descend = 0;
    } else if (strcmp(nm, "http2.stream") == 0) {
      h2_step(lv, c, frame, t, dir);
      descend = 0;
    }
    if (descend && dx_node_first_child(c) && depth < 64) {
      stack[depth++] = c;
      c = dx_node_first_child(c);
      continue;
    }
    c = dx_node_next(c);
    while (!c && depth > 0)
      c = dx_node_next(stack[--depth]);
  }
  /* decrypted records that completed no HTTP message here (a part of a
   * long response, a protocol the ladder does not name) */
  if (!lv->pkt_msgs)
    for (unsigned k = 0; k < lv->pending_app; k++)
      add_step(lv, frame, t, dir, ST_APPDATA, "Application Data");
  return lv->n != before;
}

static void endpoint(const dx_packet *p, int src, char *addr, size_t alen, unsigned *port) {
  const dx_node *a = dx_packet_find_name(p, src ? "ip.src" : "ip.dst");
  if (!a)
    a = dx_packet_find_name(p, src ? "ipv6.src" : "ipv6.dst");
  tui_value(a, addr, alen);
  const dx_node *pt = dx_packet_find_name(p, src ? "tcp.srcport" : "tcp.dstport");
  *port = pt ? (unsigned)dx_node_uint(pt) : 0;
}

typedef struct walk_ctx {
  ladder_view *lv;
  pindex *ix;
} walk_ctx;

static int on_packet(void *vctx, size_t frame, const dx_packet *p) {
  walk_ctx *w = vctx;
  ladder_view *lv = w->lv;
  double t = index_reltime(w->ix, frame);
  char sa[48];
  unsigned sp;
  endpoint(p, 1, sa, sizeof sa, &sp);
  int syn = flag(p, "tcp.flags.syn"), ack = flag(p, "tcp.flags.ack");
  if (!lv->have_ends) {
    /* the client sent the SYN, or else the first packet */
    int swap = syn && ack;
    endpoint(p, !swap, lv->caddr, sizeof lv->caddr, &lv->cport);
    endpoint(p, swap, lv->saddr, sizeof lv->saddr, &lv->sport);
    lv->have_ends = 1;
  }
  int dir = strcmp(sa, lv->caddr) == 0 && sp == lv->cport ? DIR_C2S : DIR_S2C;
  const dx_node *len = dx_packet_find_name(p, "tcp.len");
  uint64_t payload = len ? dx_node_uint(len) : 0;
  if (syn && !ack) {
    add_step(lv, frame, t, dir, ST_OTHER, "SYN");
    lv->syn_seen = 1;
  } else if (syn && ack) {
    add_step(lv, frame, t, dir, ST_OTHER, "SYN, ACK");
    lv->synack_seen = 1;
  } else if (lv->synack_seen && !lv->ack_seen && dir == DIR_C2S && ack) {
    add_step(lv, frame, t, dir, ST_OTHER, "ACK");
    lv->ack_seen = 1;
  }
  lv->pkt_decrypted = 0;
  for (size_t i = 1; i < dx_packet_source_count(p); i++)
    if (strncmp(dx_packet_source_name(p, i), "Decrypted TLS", 13) == 0)
      lv->pkt_decrypted = 1;
  int added = app_steps(lv, dx_packet_root(p), frame, t, dir);
  if (!added && payload > 0 && !dx_packet_find_name(p, "tcp.analysis.retransmission")) {
    step *s = add_step(lv, frame, t, dir, ST_DATA, "Data");
    (void)s;
  }
  if (flag(p, "tcp.flags.fin"))
    add_step(lv, frame, t, dir, ST_OTHER, "FIN");
  if (flag(p, "tcp.flags.reset"))
    add_step(lv, frame, t, dir, ST_OTHER, "RST");
  return 0;
}

/* Drops the raw "Data" steps of a connection carrying TLS or HTTP: they are
 * segments of records shown on the arrow where the record completes. */
static void drop_data_steps(ladder_view *lv) {
  int drop = lv->tls_seen || lv->http_seen;
  size_t k = 0;
  for (size_t i = 0; i < lv->n; i++) {
    step *s = &lv->st[i];
    if (drop && s->kind == ST_DATA)
      continue;
    /* merge what became adjacent */
    if (k > 0 && (s->kind == ST_APPDATA || s->kind == ST_DATA)) {
      step *last = &lv->st[k - 1];
      if (last->kind == s->kind && last->dir == s->dir && strcmp(last->label, s->label) == 0) {
        last->count += s->count;
        continue;
      }
    }
    if (k != i)
      lv->st[k] = *s;
    k++;
  }
  lv->n = k;
}

/* The DNS lookup of the server: among the DNS responses before the
 * connection (in the file and in time), the one that best names the server:
 * its question is the SNI / Host name and an answer is the server address;
 * else the name alone; else (no name known) the address alone. The latest
 * of the best kind wins. */
static int name_matches(const ladder_view *lv, const char *name) {
  if (!name[0])
    return 0;
  if (lv->sni[0] && strcasecmp(name, lv->sni) == 0)
    return 1;
  size_t l = strlen(name);
  return lv->host[0] && strncasecmp(name, lv->host, l) == 0 &&
         (lv->host[l] == 0 || lv->host[l] == ':');
}

static void find_dns(ladder_view *lv, pindex *ix, size_t first) {
  size_t lo = first > DNS_LOOKBACK ? first - DNS_LOOKBACK : 0;
  size_t cand[256];
  size_t nc = 0;
  double t_conn = index_reltime(ix, first);
  for (size_t i = first; i-- > lo && nc < 256;)
    if ((ix->pk[i].cclass & CF_DNS) && index_reltime(ix, i) <= t_conn)
      cand[nc++] = i;
  if (!nc)
    return;
  dx_session *s;
  if (index_new_session(ix, &s) != DX_OK)
    return;
  int have_name = lv->sni[0] || lv->host[0];
  int best_score = 0;
  size_t best_resp = (size_t)-1, best_query = (size_t)-1;
  char qlabel[400] = "", rlabel[400] = "";
  /* oldest first, in one session, so responses find their queries */
  for (size_t k = nc; k-- > 0;) {
    size_t i = cand[k];
    dx_frame f;
    dx_packet *p = NULL;
    if (index_read(ix, i, &f) != DX_OK)
      continue;
    dx_session_set_next_number(s, (uint64_t)i + 1);
    if (dx_session_dissect(s, &f, &p) != DX_OK || !p)
      continue;
    if (flag(p, "dns.flags.response")) {
      char v[256], name[256], first_ans[256] = "";
      tui_value(dx_packet_find_name(p, "dns.qry.name"), name, sizeof name);
      int by_name = name_matches(lv, name), by_addr = 0;
      const char *types[2] = {"dns.a", "dns.aaaa"};
      for (int ty = 0; ty < 2 && !by_addr; ty++) {
        const dx_field *fa = dx_field_lookup(s, types[ty]);
        for (const dx_node *n = fa ? dx_packet_find(p, fa) : NULL; n;
             n = dx_packet_find_next(p, n)) {
          tui_value(n, v, sizeof v);
          if (!first_ans[0])
            snprintf(first_ans, sizeof first_ans, "%s", v);
          if (strcmp(v, lv->saddr) == 0) {
            by_addr = 1;
            break;
          }
        }
      }
      int score = by_name && by_addr ? 3 : by_name ? 2 : (!have_name && by_addr) ? 1 : 0;
      if (score > 0 && score >= best_score) {
        char en[200], ea[200], qt[80] = "";
        draw_escape(name, strlen(name), en, sizeof en);
        const char *ans = by_addr ? lv->saddr : first_ans;
        draw_escape(ans, strlen(ans), ea, sizeof ea);
        const dx_node *qtn = dx_packet_find_name(p, "dns.qry.type");
        if (qtn) {
          char l[64];
          dx_node_label(qtn, l, sizeof l);
          const char *c = strchr(l, ':');
          snprintf(qt, sizeof qt, "%s", c ? c + 2 : l);
          char *paren = strchr(qt, ' ');
          if (paren)
            *paren = 0;
        }
        best_score = score;
        best_resp = i;
        snprintf(qlabel, sizeof qlabel, "DNS query %s %s", qt, en);
        if (ea[0])
          snprintf(rlabel, sizeof rlabel, "DNS response %s", ea);
        else
          snprintf(rlabel, sizeof rlabel, "DNS response (no address)");
        const dx_node *rt = dx_packet_find_name(p, "dns.response_to");
        best_query = rt && dx_node_uint(rt) > 0 ? (size_t)dx_node_uint(rt) - 1 : (size_t)-1;
      }
    }
    dx_packet_free(p);
  }
  dx_session_free(s);
  if (best_resp == (size_t)-1)
    return;
  /* prepend query and response */
  step pre[2];
  size_t np = 0;
  if (best_query < ix->n) {
    memset(&pre[np], 0, sizeof pre[np]);
    pre[np].frame = best_query;
    pre[np].t = index_reltime(ix, best_query);
    pre[np].dir = DIR_C2S;
    pre[np].kind = ST_DNS;
    pre[np].count = 1;
    snprintf(pre[np].label, sizeof pre[np].label, "%s", qlabel);
    np++;
  }
  memset(&pre[np], 0, sizeof pre[np]);
  pre[np].frame = best_resp;
  pre[np].t = index_reltime(ix, best_resp);
  pre[np].dir = DIR_S2C;
  pre[np].kind = ST_DNS;
  pre[np].reply = 1;
  pre[np].count = 1;
  snprintf(pre[np].label, sizeof pre[np].label, "%s", rlabel);
  np++;
  if (lv->n + np > lv->cap) {
    step *ns = realloc(lv->st, (lv->n + np) * sizeof *ns);
    if (!ns)
      return;
    lv->st = ns;
    lv->cap = lv->n + np;
  }
  memmove(lv->st + np, lv->st, lv->n * sizeof *lv->st);
  memcpy(lv->st, pre, np * sizeof *pre);
  lv->n += np;
}

static void mark_rtts(ladder_view *lv) {
  int rtt = 0, replied = 1;
  for (size_t i = 0; i < lv->n; i++) {
    step *s = &lv->st[i];
    if (s->dir == DIR_C2S && replied) {
      s->rtt = ++rtt;
      replied = 0;
    } else if (s->dir == DIR_S2C && s->reply) {
      replied = 1;
    }
    s->in_rtt = rtt;
  }
  lv->rtts = rtt;
}

/* The lesson of the ladder in one line: how many round trips the TLS
 * handshake took before the first request could leave. */
static void summarize(ladder_view *lv) {
  int hello = 0, req = 0, syn = 0;
  for (size_t i = 0; i < lv->n; i++) {
    const step *s = &lv->st[i];
    if (s->dir != DIR_C2S)
      continue;
    if (!syn && strcmp(s->label, "SYN") == 0)
      syn = s->in_rtt;
    else if (!hello && strcmp(s->label, "Client Hello") == 0)
      hello = s->in_rtt;
    else if (!req &&
             (s->kind == ST_APPDATA || strncmp(s->label, "HTTP", 4) == 0 || s->kind == ST_DATA))
      req = s->in_rtt;
  }
  lv->summary[0] = 0;
  if (hello && req > hello) {
    const char *ver = lv->tls13                  ? "TLS 1.3"
                      : lv->sh_version == 0x0303 ? "TLS 1.2"
                      : lv->sh_version == 0x0302 ? "TLS 1.1"
                      : lv->sh_version == 0x0301 ? "TLS 1.0"
                                                 : "TLS";
    int hs = req - hello;
    snprintf(lv->summary, sizeof lv->summary,
             "%s handshake: %d round trip%s, first request in RTT %d", ver, hs, hs == 1 ? "" : "s",
             req);
  } else if (req) {
    snprintf(lv->summary, sizeof lv->summary, "First request in RTT %d", req);
  }
  if (syn && lv->summary[0]) {
    size_t l = strlen(lv->summary);
    snprintf(lv->summary + l, sizeof lv->summary - l, " (RTT %d: TCP handshake)", syn);
  }
}

void ladder_close(app *a) {
  if (!a->ladder)
    return;
  free(a->ladder->st);
  free(a->ladder);
  a->ladder = NULL;
  if (a->view == VIEW_LADDER)
    a->view = VIEW_MAIN;
}

void ladder_open(app *a) {
  int kind;
  uint32_t id;
  if (!app_selected_stream(a, &kind, &id) || kind != SK_TCP) {
    app_message(a, 1, "the ladder needs a TCP packet: select one first");
    return;
  }
  ladder_close(a);
  ladder_view *lv = calloc(1, sizeof *lv);
  if (!lv)
    return;
  lv->stream = id;
  walk_ctx w = {lv, &a->ix};
  index_walk_stream(&a->ix, SK_TCP, id, on_packet, &w);
  drop_data_steps(lv);
  stream_info *si = index_stream(&a->ix, SK_TCP, id);
  if (si)
    find_dns(lv, &a->ix, si->first);
  mark_rtts(lv);
  summarize(lv);
  char ca[64], sa[64];
  draw_escape(lv->caddr, strlen(lv->caddr), ca, sizeof ca);
  draw_escape(lv->saddr, strlen(lv->saddr), sa, sizeof sa);
  snprintf(lv->client, sizeof lv->client, strchr(ca, ':') ? "[%s]:%u" : "%s:%u", ca, lv->cport);
  snprintf(lv->server, sizeof lv->server, strchr(sa, ':') ? "[%s]:%u" : "%s:%u", sa, lv->sport);
  /* start on the step of the selected packet */
  size_t f = index_row_frame(&a->ix, a->sel);
  for (size_t i = 0; i < lv->n; i++) {
    if (lv->st[i].frame <= f)
      lv->sel = i;
  }
  a->ladder = lv;
  a->view = VIEW_LADDER;
}

void ladder_key(app *a, int ch) {
  ladder_view *lv = a->ladder;
  if (!lv) {
    a->view = VIEW_MAIN;
    return;
  }
  size_t page = a->rows > 8 ? (size_t)a->rows - 8 : 1;
  if (lv->write_pending) {
    /* the story of this connection, by libdissect's story layer (story.c) */
    lv->write_pending = 0;
    int fmt = ch == 't' ? 0 : ch == 'j' ? 1 : ch == 'm' ? 2 : ch == 's' ? 3 : -1;
    char path[64], err[256];
    if (fmt < 0)
      app_message(a, 0, "story not written");
    else if (tui_story_write(a, lv->stream, fmt, path, sizeof path, err, sizeof err) == 0)
      app_message(a, 0, "story of tcp.stream %u written to %s", lv->stream, path);
    else
      app_message(a, 1, "story not written: %s", err);
    return;
  }
  switch (ch) {
  case 'w':
    lv->write_pending = 1;
    app_message(a, 0, "write the story of tcp.stream %u as: t text, j JSON, m Mermaid, s SVG",
                lv->stream);
    break;
  case 'q':
  case 27:
  case 'l': ladder_close(a); break;
  case 'j':
  case KEY_DOWN:
    if (lv->sel + 1 < lv->n)
      lv->sel++;
    break;
  case 'k':
  case KEY_UP:
    if (lv->sel > 0)
      lv->sel--;
    break;
  case KEY_NPAGE:
  case ' ': lv->sel = lv->sel + page < lv->n ? lv->sel + page : (lv->n ? lv->n - 1 : 0); break;
  case KEY_PPAGE: lv->sel = lv->sel > page ? lv->sel - page : 0; break;
  case 'g':
  case KEY_HOME: lv->sel = 0; break;
  case 'G':
  case KEY_END: lv->sel = lv->n ? lv->n - 1 : 0; break;
  case '\n':
  case '\r':
  case KEY_ENTER:
    if (lv->sel < lv->n) {
      size_t f = lv->st[lv->sel].frame;
      ladder_close(a);
      list_goto_frame(a, f);
      a->focus = PANE_LIST;
    }
    break;
  default: break;
  }
}

/* One arrow between the lanes at columns x0 (client) and x1 (server). */
static void arrow(int y, int x0, int x1, int dir, const char *label, int dns) {
  int w = x1 - x0 - 1;
  if (w < 6)
    return;
  char line[512];
  if (w > (int)sizeof line - 1)
    w = (int)sizeof line - 1;
  char fillc = dns ? '.' : '-';
  memset(line, fillc, (size_t)w);
  line[w] = 0;
  if (dir == DIR_C2S)
    line[w - 1] = '>';
  else
    line[0] = '<';
  /* columns of the label (escaped text: ASCII or valid UTF-8) */
  int ll = 0;
  for (const unsigned char *u = (const unsigned char *)label; *u; u++)
    ll += (*u & 0xc0) != 0x80;
  int room = w - 6;
  if (ll > room)
    ll = room;
  int start = 3 + (room - ll) / 2;
  mvaddch(y, x0, '|');
  mvaddstr(y, x0 + 1, line);
  mvaddch(y, x0 + start, ' ');
  int used = draw_text(y, x0 + 1 + start, room, label, (size_t)-1);
  mvaddch(y, x0 + 1 + start + used, ' ');
  mvaddch(y, x1, '|');
}

void ladder_draw(app *a) {
  ladder_view *lv = a->ladder;
  if (!lv)
    return;
  char title[256];
  snprintf(title, sizeof title,
           "Connection ladder: tcp.stream %u, %d round trips  (j/k select, Enter go to packet, "
           "Esc back)",
           lv->stream, lv->rtts);
  draw_hline_title(0, title, 1);
  int margin = 7, timew = 10, framew = 8;
  int x0 = margin + timew, x1 = a->cols - framew - 1;
  if (x1 - x0 < 20)
    x1 = x0 + 20 < a->cols ? x0 + 20 : a->cols - 1;
  attrset(A_BOLD);
  draw_fill(1, 0, a->cols);
  mvaddstr(1, 0, "RTT");
  mvaddstr(1, margin, "Time");
  draw_text(1, x0, x1 - x0, "Client ", (size_t)-1);
  draw_text(1, x0 + 7, (x1 - x0) / 2, lv->client, (size_t)-1);
  int sl = (int)strlen(lv->server) + 7;
  int sx = x1 - sl + 1 > x0 + (x1 - x0) / 2 ? x1 - sl + 1 : x0 + (x1 - x0) / 2;
  draw_text(1, sx, a->cols - sx, "Server ", (size_t)-1);
  draw_text(1, sx + 7, a->cols - sx - 7, lv->server, (size_t)-1);
  mvaddstr(1, x1 + 2, "Frame");
  attrset(A_NORMAL);
  int body = a->rows - 4; /* title, header, summary, status */
  if (body < 1)
    body = 1;
  if (lv->n == 0) {
    mvaddstr(2, 0, "No steps found for this connection.");
    return;
  }
  if (lv->sel < lv->top)
    lv->top = lv->sel;
  if (lv->sel >= lv->top + (size_t)body)
    lv->top = lv->sel - (size_t)body + 1;
  double t0 = lv->st[0].t;
  for (int r = 0; r < body; r++) {
    size_t i = lv->top + (size_t)r;
    if (i >= lv->n)
      break;
    const step *s = &lv->st[i];
    int y = 2 + r;
    char buf[160];
    if (s->rtt) {
      attrset(draw_pair(PAIR_RTT) | A_BOLD);
      snprintf(buf, sizeof buf, "RTT %d", s->rtt);
      mvaddstr(y, 0, buf);
    }
    attrset(i == lv->sel ? A_REVERSE : A_NORMAL);
    snprintf(buf, sizeof buf, "%.6f", s->t - t0);
    mvaddstr(y, margin, buf);
    char lab[460];
    if (s->count > 1)
      snprintf(lab, sizeof lab, "%s x%u", s->label, s->count);
    else
      snprintf(lab, sizeof lab, "%s", s->label);
    if (i != lv->sel)
      attrset(draw_pair(s->dir == DIR_C2S ? PAIR_CLIENT : PAIR_SERVER));
    arrow(y, x0, x1, s->dir, lab, s->kind == ST_DNS);
    attrset(i == lv->sel ? A_REVERSE : A_NORMAL);
    snprintf(buf, sizeof buf, "#%zu", s->frame + 1);
    mvaddstr(y, x1 + 2, buf);
    attrset(A_NORMAL);
  }
  if (lv->truncated || lv->summary[0]) {
    attrset(A_BOLD);
    draw_fill(a->rows - 2, 0, a->cols);
    draw_text(a->rows - 2, 0, a->cols,
              lv->truncated ? "(more steps than the ladder shows)" : lv->summary, (size_t)-1);
    attrset(A_NORMAL);
  }
}
