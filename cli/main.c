/* dissect: the command-line front end of libdissect, following tshark's
 * conventions. It wires a capture source to an output; it knows nothing of
 * any protocol. */
#include <dissect/dissect.h>
#include <dissect/output.h>
#include <dissect/story.h>
#include <dissect/trust.h>
#if __has_include(<dissect/filter.h>)
#include <dissect/filter.h>
#define DX_HAVE_FILTER 1
#endif

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pcap/pcap.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "split.h"
#include "story.h"

enum out_mode { OUT_SUMMARY, OUT_JSON, OUT_EK, OUT_FIELDS, OUT_TEXT, OUT_JSONTREE };

typedef struct options {
  const char *read_file;
  const char *iface;
  const char *run_as; /* -Z USER */
  const char *bpf;
  const char *dfilter;
  const char *rsa_key;               /* --rsa-key FILE */
  const char *tls_psk;               /* -o tls.psk:HEX */
  int tcp_reorder;                   /* -o tcp.reassemble_out_of_order:TRUE */
  const char **ca_files, **ca_paths; /* --ca-file, --ca-path (trust verdicts) */
  size_t nca_files, nca_paths;
  int ca_only;            /* --ca-only */
  const char **decode_as; /* -d rules */
  size_t ndecode_as;
  long long count;
  int verbose;
  int print_forced; /* -V, -x, -O, -T or -P: printed even with -q */
  int hex;
  int line_buffered;
  int list_ifaces;
  int quiet;
  /* tshark's everyday options (cli/cli.h) */
  dx_time_format time_format; /* -t */
  int time_hms;               /* -u hms */
  int time_digits;            /* -t FORMAT.N: N, or DX_TIME_PREC_AUTO */
  const char *write_file;     /* -w */
  const char *write_format;   /* -F */
  int print_with_w;           /* -P */
  const char **zargs;         /* -z */
  size_t nz;
  int no_names;          /* -n: nothing to resolve but -z hosts' names from DNS */
  int list_linktypes;    /* -L */
  char *only_protos_buf; /* -O: the list, split in place */
  const char **only_protos;
  size_t nonly;
  int jmode;              /* 'j' or 'J' when only_protos came from -j/-J */
  double stop_duration;   /* -a duration:N (seconds, 0 = none) */
  long long stop_packets; /* -a packets:N */
  int story;              /* --story FORMAT: a dx_story_format, -1 for none */
  int threads;            /* --threads N: 1, 2, or 0 for the default */
  enum out_mode mode;
  int json_pretty; /* --json-pretty */
  int roles;       /* --roles */
  const char **fields;
  size_t nfields;
  dx_fields_opts fopts;
  dx_config cfg;
} options;

/* Every message to stderr goes through here: a file name, an interface or
 * a filter typed by the user may hold control bytes, and none of them may
 * reach the terminal raw (they are written as \xNN). Newlines and tabs of
 * the message itself are kept. */
static void veprint(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
static void eprint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void eprint(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  veprint(fmt, ap);
  va_end(ap);
}
static void veprint(const char *fmt, va_list ap) {
  char buf[4096];
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  if (n < 0)
    return;
  size_t len = (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)buf[i];
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
      eprint("\\x%02x", c);
    else
      fputc(c, stderr);
  }
}

static volatile sig_atomic_t g_stop;
static dx_capture *g_capture;

static void on_signal(int sig) {
  (void)sig;
  g_stop = 1;
  if (g_capture)
    dx_capture_break(g_capture);
}

static void usage(FILE *out) {
  fprintf(out,
          "Usage: dissect [options] -r FILE | -i IFACE\n"
          "Take network traffic apart layer by layer (libdissect %s).\n"
          "\n"
          "Capture:\n"
          "  -r FILE              read a pcap or pcapng file (\"-\" = standard input)\n"
          "  -i IFACE             capture live on an interface\n"
          "  -Z USER              with -i as root: run as USER once the interface is\n"
          "                       open (default: nobody; -Z root keeps root), as tcpdump\n"
          "  -f BPF               capture filter (libpcap syntax) for -i; with -r, use -Y\n"
          "  -c N                 stop after reading N packets\n"
          "  -D                   list the interfaces that can be captured on\n"
          "  -L                   list the link types of the interface given by -i (by\n"
          "                       default the first one -D lists)\n"
          "  -a duration:N|packets:N\n"
          "                       stop a live capture after N seconds or N packets\n"
          "Processing:\n"
          "  -Y FILTER            display filter, Wireshark 4.0's language: tcp.port == 443,\n"
          "                       ip.addr in {10.0.0.0/8, 192.168.1.1..192.168.1.9},\n"
          "                       http.host matches \"^www\\\\.\" (PCRE2, case-insensitive),\n"
          "                       tcp.flags & 0x02, udp.dstport >= udp.srcport + 1,\n"
          "                       eth.src[0:3] == 00:00:5e, len() count() upper() lower()\n"
          "                       string() max() min() abs(), any/all, === !==,\n"
          "                       layers ip.addr#2, references ${ip.src}\n"
          "  -n                   no name resolution (the default; accepted for tshark habits)\n"
          "  -d LAYER.port==PORT[-LAST],PROTO\n"
          "                       decode as: tcp.port==8443,tls  tls.port==8443,http\n"
          "                       udp.port==5353,dns (repeatable; a wrong protocol\n"
          "                       name gets the list of known ones)\n"
          "  -o tls.keylog_file:FILE, --keylog FILE\n"
          "                       TLS key log (NSS SSLKEYLOGFILE format, also read from\n"
          "                       $SSLKEYLOGFILE; pcapng Decryption Secrets Blocks are read\n"
          "                       too). Decrypts TLS 1.2 and earlier (AES-GCM, AES-CCM,\n"
          "                       ChaCha20-Poly1305, AES-CBC with SHA-1/SHA-256/SHA-384) and\n"
          "                       TLS 1.3 (AES-GCM, ChaCha20-Poly1305, AES-CCM), including\n"
          "                       the 1.3 handshake, KeyUpdate and 0-RTT data; HTTP inside\n"
          "                       is dissected; QUIC Handshake and 1-RTT packets (v1, v2)\n"
          "                       with HTTP/3 inside (QUIC Initial packets need no key).\n"
          "                       Not yet: SSLv3, RC4 and export suites\n"
          "  --rsa-key FILE       PEM RSA private key of the server, to decrypt sessions with\n"
          "                       RSA key exchange (TLS_RSA_WITH_*)\n"
          "  -o tls.psk:HEX       pre-shared key (hex) of TLS 1.0-1.2 sessions with a plain\n"
          "                       PSK suite (TLS_PSK_WITH_*), used when the key log has no\n"
          "                       master secret for them\n"
          "Certificate trust (tls.trust.*: verdict, root, error, intercepted, other_leg,\n"
          "stapled.status of a stapled OCSP response; risks as warnings tls.risk.*),\n"
          "checked with OpenSSL at the capture's time against the SNI; roots from\n"
          "/etc/ssl/certs unless --ca-only:\n"
          "  --ca-file FILE, -o tls.ca_file:FILE\n"
          "                       add the PEM certificates of FILE as trusted roots\n"
          "                       (repeatable); a chain valid only under them is\n"
          "                       flagged tls.trust.intercepted\n"
          "  --ca-path DIR, -o tls.ca_path:DIR\n"
          "                       add a hashed directory of roots (openssl rehash)\n"
          "  --ca-only            trust only the roots given by --ca-file/--ca-path\n"
          "  -o PREF:N            memory caps: tcp.max_stream_bytes (16777216 per direction),\n"
          "                       tcp.max_total_stream_bytes (67108864), flows.max (65536),\n"
          "                       ip.max_frag_datagrams (1024), ip.max_frag_bytes (65535),\n"
          "                       ip.frag_timeout_ms (30000), dns.max_pending (65536)\n"
          "  -o tcp.reassemble_out_of_order:TRUE\n"
          "                       hold TCP segments that come after a gap and put them\n"
          "                       back in order (off by default, as in tshark: a gap's\n"
          "                       bytes are given up, and segments flagged out of order or\n"
          "                       retransmitted are not dissected above TCP)\n"
          "  --check-checksums    verify IP/TCP/UDP/ICMP checksums (off by default, as in\n"
          "                       Wireshark: captures on the sending host carry offloaded,\n"
          "                       unfilled checksums)\n"
          "Output:\n"
          "  -V                   print the whole layer tree\n"
          "  -O PROTOS            like -V, but only the layers of these protocols whole\n"
          "                       (comma-separated: -O ip,dns); the others in one line\n"
          "  --roles              with -V or -O: first under each layer, its role as the\n"
          "                       articles on HTTPS name them, \"[Transport layer:\n"
          "                       segment]\" (Link, Network, Transport, Security,\n"
          "                       Application; not in tshark's -V)\n"
          "  -x                   print a hex and ASCII dump of each data source (alone:\n"
          "                       no summary lines, as tshark; -P adds them); with\n"
          "                       -T json|ek, tshark's NAME_raw members instead (the bytes,\n"
          "                       offset, length, bitmask and type of each field); with\n"
          "                       -T jsontree, each data source's bytes (\"data\")\n"
          "  -T text|json|jsontree|ek|fields\n"
          "                       output format (default: one summary line per packet):\n"
          "                       json: compact and typed, layers keyed by protocol and\n"
          "                       fields by name as tshark nests them, exact times\n"
          "                       (docs/json.schema.json); jsontree: the whole tree with\n"
          "                       labels, offsets, lengths, data sources\n"
          "                       (docs/jsontree.schema.json); ek: Elasticsearch bulk\n"
          "                       lines (docs/ek-mapping.md)\n"
          "  --json-pretty        indent -T json and -T jsontree (two spaces a level)\n"
          "  -e FIELD             field to print with -T fields, or with -T json|ek in\n"
          "                       tshark's layout (repeatable)\n"
          "  -j NAMES             with -V, -T json or -T ek: children of a node only if\n"
          "                       its name is listed (-j \"ip ip.flags\"; the others are\n"
          "                       {\"filtered\": NAME} in JSON), as tshark's -j\n"
          "  -J NAMES             as -j, and everything under a listed node (with -V:\n"
          "                       those layers whole, the others in one line, as -O)\n"
          "  -E header=y|n, separator=/t|/s|C, occurrence=f|l|a, aggregator=,|/s|C,\n"
          "     quote=d|s|n       -T fields options\n"
          "  -t a|ad|adoy|d|dd|e|r|u|ud|udoy[.[N]]\n"
          "                       time column: absolute (local, with date, with day of\n"
          "                       year), delta, delta displayed, epoch, relative (default),\n"
          "                       UTC; with the capture's precision (9 decimals for a\n"
          "                       nanosecond capture, 6 for microseconds), or N decimals\n"
          "                       (0-9; \".\" alone: automatic; \"-t .3\" keeps the format),\n"
          "                       as Wireshark 4.2+ (tshark 4.0 refuses the .N suffix)\n"
          "  -u s|hms             seconds, or hours/minutes/seconds, for relative times\n"
          "  -w FILE              write the displayed frames to FILE (\"-\" = standard\n"
          "                       output); nothing else is printed unless -P\n"
          "  -F pcap|pcapng       the format -w writes (default pcap)\n"
          "  -P                   print summary lines while writing with -w, or with -x\n"
          "  -z STAT              statistics after the packets (with -q, only those):\n"
          "                       conv,eth|ip|ipv6|tcp|udp[,FILTER]\n"
          "                       endpoints,eth|ip|ipv6|tcp|udp[,FILTER]\n"
          "                       io,phs[,FILTER]   io,stat,INTERVAL[,FILTER...]\n"
          "                       io,stat calculated columns: FRAMES BYTES COUNT(f)\n"
          "                       SUM(f) MIN(f) MAX(f) AVG(f) LOAD(f), then a filter\n"
          "                       follow,tcp|udp|tls|http,ascii|hex|raw,STREAM[,N|N-M]\n"
          "                         or ADDR:PORT,ADDR:PORT for STREAM ([ADDR]:PORT: IPv6)\n"
          "                       expert[,error|warn|note|chat|comment][,FILTER]\n"
          "                       http,tree  http_req,tree  http_srv,tree  dns,tree\n"
          "                       ptype,tree ip_hosts,tree ip_srcdst,tree dests,tree\n"
          "                       (ipv6_ptype ... ipv6_dests too)  plen,tree\n"
          "                       http_seq,tree [,FILTER]  http,stat[,FILTER]\n"
          "                       icmp,srt[,FILTER]  icmpv6,srt[,FILTER]\n"
          "                       hosts[,ip|ipv4|ipv6] (names from DNS answers; none\n"
          "                       with -n)\n"
          "                       as tshark prints them, with addresses unresolved (-n).\n"
          "                       Not yet: the other tshark statistics (sip,stat, ...)\n"
          "  -l                   flush the output after each packet\n"
          "  -q                   no summary lines (-V, -x, -O, -T, -P still print)\n"
          "  --threads 1|2        2: with -r FILE, summary lines, -T fields and -Y are\n"
          "                       split by connection over two sessions in two threads\n"
          "                       (one session when a field printed or filtered spans\n"
          "                       connections: tcp.stream, _ws.expert, -t dd, ...);\n"
          "                       -V, -O, -x, -T json|jsontree|ek: one thread reads and\n"
          "                       dissects while another prints. The same output either\n"
          "                       way. The default on two processors or more; 1: one\n"
          "                       thread\n"
          "  --story text|json|mermaid|svg\n"
          "                       the story of each TCP and QUIC connection (DNS lookup,\n"
          "                       TCP/QUIC and TLS handshakes, HTTP exchanges, phases and\n"
          "                       timings) as a\n"
          "                       ladder, JSON (docs/story.schema.json), a Mermaid\n"
          "                       sequenceDiagram or an SVG for a 16:9 slide; with -Y, only\n"
          "                       the connections that have a matching packet\n"
          "  -G fields            list every field: name, label, type\n"
          "  -h, --help           this help\n"
          "  -v, --version        print the version and the libraries used\n",
          dx_version());
}

static int bad_option(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int bad_option(const char *fmt, ...) {
  fputs("dissect: ", stderr);
  va_list ap;
  va_start(ap, fmt);
  veprint(fmt, ap);
  va_end(ap);
  fputs("\nTry 'dissect -h' for help.\n", stderr);
  return 1;
}

static char sep_char(const char *v) {
  if (strcmp(v, "/t") == 0)
    return '\t';
  if (strcmp(v, "/s") == 0)
    return ' ';
  if (strlen(v) == 1)
    return v[0];
  return 0;
}

static int parse_E(options *o, const char *arg) {
  const char *eq = strchr(arg, '=');
  if (!eq)
    return bad_option("invalid -E option \"%s\" (expected NAME=VALUE)", arg);
  size_t kl = (size_t)(eq - arg);
  const char *v = eq + 1;
  if (kl == 6 && strncmp(arg, "header", kl) == 0) {
    if (strcmp(v, "y") != 0 && strcmp(v, "n") != 0)
      return bad_option("invalid -E header value \"%s\" (use y or n)", v);
    o->fopts.header = v[0] == 'y';
  } else if (kl == 9 && strncmp(arg, "separator", kl) == 0) {
    if (!(o->fopts.separator = sep_char(v)))
      return bad_option("invalid -E separator \"%s\" (use /t, /s or one character)", v);
  } else if (kl == 10 && strncmp(arg, "occurrence", kl) == 0) {
    if (strcmp(v, "f") != 0 && strcmp(v, "l") != 0 && strcmp(v, "a") != 0)
      return bad_option("invalid -E occurrence \"%s\" (use f, l or a)", v);
    o->fopts.occurrence = v[0];
  } else if (kl == 10 && strncmp(arg, "aggregator", kl) == 0) {
    if (!(o->fopts.aggregator = sep_char(v)))
      return bad_option("invalid -E aggregator \"%s\" (use ',', /s or one character)", v);
  } else if (kl == 5 && strncmp(arg, "quote", kl) == 0) {
    if (strcmp(v, "d") == 0)
      o->fopts.quote = '"';
    else if (strcmp(v, "s") == 0)
      o->fopts.quote = '\'';
    else if (strcmp(v, "n") == 0)
      o->fopts.quote = 0;
    else
      return bad_option("invalid -E quote \"%s\" (use d, s or n)", v);
  } else if (kl == 9 && strncmp(arg, "bom", kl) == 0) {
    /* accepted for compatibility; we never write a BOM */
  } else {
    return bad_option("unknown -E option \"%s\"", arg);
  }
  return 0;
}

static int list_fields(void) {
  dx_session *s;
  if (dx_session_new(&s, NULL) != DX_OK)
    return 2;
  const dx_field *f;
  for (size_t i = 0; (f = dx_field_at(s, i)); i++)
    printf("%s\t%s\t%s\n", dx_field_name(f), dx_field_label(f), dx_ftype_name(dx_field_type(f)));
  dx_session_free(s);
  return 0;
}

/* An interface's name or description on standard output: control bytes
 * as \xNN (a name may hold any byte but '/', ':' and white space). */
static void put_name(const char *s) {
  for (const unsigned char *c = (const unsigned char *)s; *c; c++)
    if (*c < 0x20 || *c == 0x7f)
      printf("\\x%02x", *c);
    else
      putchar(*c);
}

/* -L: the link types of an interface, as tshark and tcpdump list them;
 * without -i, of the first interface -D lists (tshark's default: libpcap
 * lists interfaces that are up before those that are down, and loopback
 * ones after the others). */
static int list_linktypes(const char *iface) {
  char err[PCAP_ERRBUF_SIZE] = "";
  char first[256];
  if (!iface) {
    pcap_if_t *all = NULL;
    if (pcap_findalldevs(&all, err) != 0) {
      eprint("dissect: cannot list interfaces: %s\n", err);
      return 2;
    }
    if (!all) {
      eprint("dissect: there are no interfaces on which a capture can be done\n");
      return 2;
    }
    snprintf(first, sizeof first, "%s", all->name);
    pcap_freealldevs(all);
    iface = first;
  }
  pcap_t *pc = pcap_create(iface, err);
  if (!pc) {
    eprint("dissect: %s: %s\n", iface, err);
    return 2;
  }
  int rc = pcap_activate(pc);
  if (rc < 0) {
    eprint("dissect: %s: %s\n", iface, pcap_geterr(pc));
    pcap_close(pc);
    return 2;
  }
  int *dlts = NULL;
  int n = pcap_list_datalinks(pc, &dlts);
  if (n < 0) {
    eprint("dissect: %s: %s\n", iface, pcap_geterr(pc));
    pcap_close(pc);
    return 2;
  }
  /* on standard output, as tshark prints it */
  fputs("Data link types of interface ", stdout);
  put_name(iface);
  fputs(" (use option -y to set):\n", stdout);
  for (int i = 0; i < n; i++) {
    const char *name = pcap_datalink_val_to_name(dlts[i]);
    const char *desc = pcap_datalink_val_to_description(dlts[i]);
    if (name)
      printf("  %s (%s)\n", name, desc ? desc : "not supported");
    else
      printf("  DLT %d (not supported)\n", dlts[i]);
  }
  pcap_free_datalinks(dlts);
  pcap_close(pc);
  return 0;
}

static int list_interfaces(void) {
  char err[PCAP_ERRBUF_SIZE];
  pcap_if_t *all = NULL;
  if (pcap_findalldevs(&all, err) != 0) {
    eprint("dissect: cannot list interfaces: %s\n", err);
    return 2;
  }
  int i = 1;
  for (pcap_if_t *d = all; d; d = d->next, i++) {
    printf("%d. ", i);
    put_name(d->name);
    if (d->description) {
      fputs(" (", stdout);
      put_name(d->description);
      putchar(')');
    }
    putchar('\n');
  }
  pcap_freealldevs(all);
  return 0;
}

/* -o NAME:VALUE, as tshark's preferences: the TLS key log and the caps
 * that bound the memory of a session. */
static const struct {
  const char *name;
  size_t off;
  int wide; /* uint64_t field */
} prefs[] = {
    {"tcp.max_stream_bytes", offsetof(dx_config, max_stream_bytes), 0},
    {"tcp.max_total_stream_bytes", offsetof(dx_config, max_total_stream_bytes), 1},
    {"ip.max_frag_datagrams", offsetof(dx_config, max_frag_datagrams), 0},
    {"ip.max_frag_bytes", offsetof(dx_config, max_frag_bytes), 0},
    {"ip.frag_timeout_ms", offsetof(dx_config, frag_timeout_ms), 0},
    {"flows.max", offsetof(dx_config, max_flows), 0},
    {"dns.max_pending", offsetof(dx_config, max_dns_pending), 0},
};

static int parse_pref(options *o, const char *arg) {
  if (strncmp(arg, "tls.ca_file:", 12) == 0 && arg[12]) {
    o->ca_files[o->nca_files++] = arg + 12;
    return 0;
  }
  if (strncmp(arg, "tls.ca_path:", 12) == 0 && arg[12]) {
    o->ca_paths[o->nca_paths++] = arg + 12;
    return 0;
  }
  if (strncmp(arg, "tls.keylog_file:", 16) == 0 || strncmp(arg, "ssl.keylog_file:", 16) == 0) {
    o->cfg.keylog_file = arg + 16;
    return 0;
  }
  if (strncmp(arg, "tls.psk:", 8) == 0 || strncmp(arg, "ssl.psk:", 8) == 0) {
    size_t n = strspn(arg + 8, "0123456789abcdefABCDEF");
    if (arg[8 + n] || n % 2 || n > 2 * 65535)
      return bad_option("preference \"%s\" needs the key in hex (an even number of hex digits, "
                        "at most 65535 bytes)",
                        arg);
    o->tls_psk = n ? arg + 8 : NULL;
    return 0;
  }
  if (strncmp(arg, "tcp.reassemble_out_of_order:", 28) == 0) {
    const char *v = arg + 28; /* as tshark reads a boolean preference */
    if (strcasecmp(v, "TRUE") == 0)
      o->tcp_reorder = 1;
    else if (strcasecmp(v, "FALSE") == 0)
      o->tcp_reorder = 0;
    else
      return bad_option("preference \"%s\" needs TRUE or FALSE", arg);
    return 0;
  }
  const char *colon = strchr(arg, ':');
  size_t nlen = colon ? (size_t)(colon - arg) : strlen(arg);
  for (size_t i = 0; i < sizeof prefs / sizeof prefs[0]; i++) {
    if (strlen(prefs[i].name) != nlen || strncmp(arg, prefs[i].name, nlen) != 0)
      continue;
    /* digits only: strtoull alone would take " 5", "+5" (and "flows.max: 5") */
    int digits = colon && colon[1];
    for (const char *d = colon ? colon + 1 : ""; *d && digits; d++)
      digits = *d >= '0' && *d <= '9';
    char *end = NULL;
    errno = 0;
    unsigned long long v = digits ? strtoull(colon + 1, &end, 10) : 0;
    uint64_t max = prefs[i].wide ? UINT64_MAX : UINT32_MAX;
    if (!digits || *end || errno || v == 0 || v > max)
      return bad_option("preference \"%s\" needs a positive integer value (digits only, no "
                        "spaces)",
                        arg);
    char *field = (char *)&o->cfg + prefs[i].off;
    if (prefs[i].wide)
      *(uint64_t *)(void *)field = v;
    else
      *(uint32_t *)(void *)field = (uint32_t)v;
    return 0;
  }
  return bad_option(
      "unknown preference \"%s\" (supported: tls.keylog_file:FILE, tls.psk:HEX, "
      "tls.ca_file:FILE, tcp.reassemble_out_of_order:TRUE|FALSE, "
      "tls.ca_path:DIR, "
      "tcp.max_stream_bytes:N, tcp.max_total_stream_bytes:N, ip.max_frag_datagrams:N, "
      "ip.max_frag_bytes:N, ip.frag_timeout_ms:N, flows.max:N, dns.max_pending:N)",
      arg);
}

/* The hex of -o tls.psk (checked by parse_pref) to the session's PSK. */
static int set_psk(dx_session *sess, const char *hex) {
  size_t n = strlen(hex) / 2;
  uint8_t *psk = malloc(n ? n : 1);
  if (!psk)
    return DX_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    char two[3] = {hex[2 * i], hex[2 * i + 1], 0};
    psk[i] = (uint8_t)strtoul(two, NULL, 16);
  }
  int rc = dx_session_set_tls_psk(sess, psk, n);
  free(psk);
  return rc;
}

static int parse_args(options *o, int argc, char **argv) {
  enum {
    OPT_VERSION = 1000,
    OPT_KEYLOG,
    OPT_CHECKSUMS,
    OPT_HELP,
    OPT_RSAKEY,
    OPT_STORY,
    OPT_CAFILE,
    OPT_CAPATH,
    OPT_CAONLY,
    OPT_JSONPRETTY,
    OPT_THREADS,
    OPT_ROLES
  };
  static const struct option longopts[] = {{"version", no_argument, NULL, OPT_VERSION},
                                           {"keylog", required_argument, NULL, OPT_KEYLOG},
                                           {"rsa-key", required_argument, NULL, OPT_RSAKEY},
                                           {"ca-file", required_argument, NULL, OPT_CAFILE},
                                           {"ca-path", required_argument, NULL, OPT_CAPATH},
                                           {"ca-only", no_argument, NULL, OPT_CAONLY},
                                           {"check-checksums", no_argument, NULL, OPT_CHECKSUMS},
                                           {"help", no_argument, NULL, OPT_HELP},
                                           {"story", required_argument, NULL, OPT_STORY},
                                           {"json-pretty", no_argument, NULL, OPT_JSONPRETTY},
                                           {"threads", required_argument, NULL, OPT_THREADS},
                                           {"roles", no_argument, NULL, OPT_ROLES},
                                           {NULL, 0, NULL, 0}};
  o->fopts = (dx_fields_opts){0, '\t', 'a', ',', 0};
  o->count = -1;
  o->story = -1;
  o->time_digits = DX_TIME_PREC_AUTO;
  o->fields = calloc((size_t)argc + 1, sizeof *o->fields);
  o->ca_files = calloc((size_t)argc + 1, sizeof *o->ca_files);
  o->ca_paths = calloc((size_t)argc + 1, sizeof *o->ca_paths);
  if (!o->ca_files || !o->ca_paths)
    return 2;
  o->decode_as = calloc((size_t)argc + 1, sizeof *o->decode_as);
  o->zargs = calloc((size_t)argc + 1, sizeof *o->zargs);
  if (!o->fields || !o->decode_as || !o->zargs)
    return 2;
  opterr = 0;
  int c;
  while ((c = getopt_long(argc, argv, ":r:i:f:Y:c:nVxT:e:E:o:lqDhG:d:t:u:w:F:Pz:La:vO:j:J:Z:",
                          longopts, NULL)) != -1) {
    switch (c) {
    case 'r': o->read_file = optarg; break;
    case 'i': o->iface = optarg; break;
    case 'f': o->bpf = optarg; break;
    case 'Y': o->dfilter = optarg; break;
    case 'c': {
      char *end;
      errno = 0;
      long long v = strtoll(optarg, &end, 10);
      if (errno || *end || v <= 0)
        return bad_option("invalid packet count \"%s\" (expected a positive number)", optarg);
      o->count = v;
      break;
    }
    case 'n': o->no_names = 1; break;
    case 't':
      if (cli_parse_time_format(optarg, &o->time_format, &o->time_digits) != 0)
        return 1;
      break;
    case 'u':
      if (cli_parse_seconds_format(optarg, &o->time_hms) != 0)
        return 1;
      break;
    case 'w': o->write_file = optarg; break;
    case 'F':
      if (!cli_writer_format_ok(optarg))
        return bad_option("unknown file format \"%s\" for -F (supported: pcap, pcapng)", optarg);
      o->write_format = optarg;
      break;
    case 'P': o->print_with_w = o->print_forced = 1; break;
    case 'z': o->zargs[o->nz++] = optarg; break;
    case 'L': o->list_linktypes = 1; break;
    case 'j':
    case 'J':
    case 'O': {
      if (c == 'O')
        o->print_forced = 1;
      /* -O ip,dns: like -V, only those layers whole; -j/-J filter -V the
       * way tshark's -j/-J filter its JSON */
      free(o->only_protos_buf);
      free(o->only_protos);
      o->only_protos_buf = strdup(optarg);
      o->only_protos = calloc(strlen(optarg) + 1, sizeof *o->only_protos);
      if (!o->only_protos_buf || !o->only_protos)
        return 2;
      o->nonly = 0;
      for (char *save = NULL, *tok = strtok_r(o->only_protos_buf, ", ", &save); tok;
           tok = strtok_r(NULL, ", ", &save))
        o->only_protos[o->nonly++] = tok;
      o->jmode = c == 'O' ? 0 : c;
      if (c == 'O')
        o->verbose = 1;
      break;
    }
    case 'Z': o->run_as = optarg; break;
    case 'a': {
      char *end;
      errno = 0;
      if (strncmp(optarg, "duration:", 9) == 0) {
        double v = strtod(optarg + 9, &end);
        if (errno || *end || end == optarg + 9 || !(v > 0))
          return bad_option("invalid -a value \"%s\" (duration:SECONDS)", optarg);
        o->stop_duration = v;
      } else if (strncmp(optarg, "packets:", 8) == 0) {
        long long v = strtoll(optarg + 8, &end, 10);
        if (errno || *end || end == optarg + 8 || v <= 0)
          return bad_option("invalid -a value \"%s\" (packets:N)", optarg);
        o->stop_packets = v;
      } else {
        return bad_option("invalid -a condition \"%s\" (supported: duration:N, packets:N; "
                          "filesize and files are not built yet)",
                          optarg);
      }
      break;
    }
    case 'v': cli_print_version(stdout); exit(0);
    case 'V': o->verbose = o->print_forced = 1; break;
    case 'x': o->hex = o->print_forced = 1; break;
    case 'l': o->line_buffered = 1; break;
    case 'q': o->quiet = 1; break;
    case 'D': o->list_ifaces = 1; break;
    case 'T':
      o->print_forced = 1;
      if (strcmp(optarg, "json") == 0)
        o->mode = OUT_JSON;
      else if (strcmp(optarg, "ek") == 0)
        o->mode = OUT_EK;
      else if (strcmp(optarg, "jsontree") == 0)
        o->mode = OUT_JSONTREE;
      else if (strcmp(optarg, "fields") == 0)
        o->mode = OUT_FIELDS;
      else if (strcmp(optarg, "text") == 0)
        o->mode = OUT_TEXT;
      else
        return bad_option("invalid output format \"%s\" (use text, json, jsontree, ek or fields)",
                          optarg);
      break;
    case 'e': o->fields[o->nfields++] = optarg; break;
    case 'E':
      if (parse_E(o, optarg))
        return 1;
      break;
    case 'o':
      if (parse_pref(o, optarg))
        return 1;
      break;
    case 'G':
      if (strcmp(optarg, "fields") != 0)
        return bad_option("unknown report \"%s\" for -G (supported: fields)", optarg);
      exit(list_fields());
    case OPT_KEYLOG: o->cfg.keylog_file = optarg; break;
    case OPT_RSAKEY: o->rsa_key = optarg; break;
    case OPT_CAFILE: o->ca_files[o->nca_files++] = optarg; break;
    case OPT_CAPATH: o->ca_paths[o->nca_paths++] = optarg; break;
    case OPT_CAONLY: o->ca_only = 1; break;
    case OPT_STORY:
      if ((o->story = dx_story_format_parse(optarg)) < 0)
        return bad_option("invalid story format \"%s\" (use text, json, mermaid or svg)", optarg);
      break;
    case 'd': o->decode_as[o->ndecode_as++] = optarg; break;
    case OPT_CHECKSUMS: o->cfg.check_checksums = 1; break;
    case OPT_JSONPRETTY: o->json_pretty = 1; break;
    case OPT_ROLES: o->roles = 1; break;
    case OPT_THREADS:
      if (strcmp(optarg, "1") != 0 && strcmp(optarg, "2") != 0)
        return bad_option("invalid --threads \"%s\" (use 1 or 2)", optarg);
      o->threads = optarg[0] - '0';
      break;
    case 'h':
    case OPT_HELP: usage(stdout); exit(0);
    case OPT_VERSION:
      printf("dissect %s (libdissect %s)\n", DX_VERSION_STRING, dx_version());
      exit(0);
    case ':': {
      char opt[3] = {'-', (char)optopt, 0};
      return bad_option("option %s needs a value", optopt ? opt : argv[optind - 1]);
    }
    default: {
      char opt[3] = {'-', (char)optopt, 0};
      return bad_option("unknown option %s", optopt ? opt : argv[optind - 1]);
    }
    }
  }
  if (optind < argc) {
    /* tshark takes a trailing capture filter; so do we */
    size_t len = 0;
    for (int i = optind; i < argc; i++)
      len += strlen(argv[i]) + 1;
    char *bpf = malloc(len + 1);
    if (!bpf)
      return 2;
    bpf[0] = 0;
    for (int i = optind; i < argc; i++) {
      if (i > optind)
        strcat(bpf, " ");
      strcat(bpf, argv[i]);
    }
    if (o->read_file) {
      /* as tshark: reading a file, the trailing words are a display filter */
      if (o->dfilter) {
        free(bpf);
        return bad_option("%s", "Display filters were specified both with \"-Y\" and with "
                                "additional command-line arguments.");
      }
      o->dfilter = bpf;
    } else {
      if (o->bpf) {
        int rc = bad_option("a capture filter was given twice (-f and \"%s\")", bpf);
        free(bpf);
        return rc;
      }
      o->bpf = bpf;
    }
  }
  if (o->list_ifaces)
    return 0;
  if (o->list_linktypes)
    return 0;
  if (o->read_file && o->bpf)
    return bad_option("%s", "Only read filters, not capture filters, can be specified when "
                            "reading a capture file (use -Y for a display filter)");
  if (o->write_format && !o->write_file)
    return bad_option("%s", "-F needs -w FILE");
  if ((o->stop_duration > 0 || o->stop_packets > 0) && !o->iface)
    return bad_option("%s", "-a applies to a live capture (-i IFACE)");
  /* -q leaves out the summary lines only: what -V, -x, -O, -T or -P ask
   * for is printed (as tshark does) */
  if (o->quiet && o->print_forced)
    o->quiet = 0;
  if (o->story >= 0 && (o->mode != OUT_SUMMARY || o->verbose || o->hex || o->quiet))
    return bad_option("%s", "--story writes the story only: it cannot be combined with -T, -V, "
                            "-x or -q");
  if (o->nfields && o->mode != OUT_FIELDS && o->mode != OUT_JSON && o->mode != OUT_EK)
    return bad_option("%s", "-e needs -T fields, -T json or -T ek");
  if (o->jmode && o->mode == OUT_JSONTREE)
    return bad_option("%s applies to -V, -T json and -T ek (as tshark's), not to -T jsontree",
                      o->jmode == 'j' ? "-j" : "-J");
  if (o->roles && (!o->verbose || (o->mode != OUT_SUMMARY && o->mode != OUT_TEXT)))
    return bad_option("%s", "--roles applies to the tree of -V and -O (-T jsontree has each "
                            "layer's role already)");
  if (o->json_pretty && o->mode != OUT_JSON && o->mode != OUT_JSONTREE)
    return bad_option("%s", "--json-pretty applies to -T json and -T jsontree");
  if (o->json_pretty && o->nfields)
    return bad_option("%s", "--json-pretty does not apply to -e (tshark's layout, indented)");
  if (o->mode == OUT_FIELDS && o->nfields == 0)
    return bad_option("%s", "-T fields needs at least one -e FIELD");
  if (!o->read_file && !o->iface)
    return bad_option("%s", "no capture source: give -r FILE or -i IFACE");
  if (o->read_file && o->iface)
    return bad_option("%s", "give either -r or -i, not both");
  if (!o->cfg.keylog_file) {
    const char *env = getenv("SSLKEYLOGFILE");
    if (env && *env)
      o->cfg.keylog_file = env;
  }
  return 0;
}

/* ---- the packet loop ----
 * Split in two halves: the reading side (next_packet: the capture, the
 * session, the display filter, statistics, -w; everything that touches
 * the session's state) and the printing side (print_packet: the packet's
 * text or JSON to standard output). run_single() runs both in one thread,
 * packet after packet; run_threaded() runs the reading side in a thread
 * of its own, which hands the packets to show to the printing side over a
 * bounded queue (pipeline.c), in order. A packet keeps copies of all it
 * shows (dissect.h, Threads), so it may be printed while the session
 * dissects the next frames; the output is the same byte for byte. */
typedef struct loop {
  const options *o;
  dx_session *sess;
  dx_capture *cap;
  const void *flt; /* dx_filter *, or NULL */
  cli_stats *stats;
  cli_writer *writer;
  dx_fields *fields;
  const dx_field **jfields;
  dx_json_writer *jw;
  FILE *pout;
  long long nread;               /* reading side */
  long long nshown;              /* printing side (reading side in run_single) */
  int status;                    /* printing side (and -w on the reading side in run_single) */
  int read_failed;               /* reading side: 1 a capture error, 2 a dissection error */
  int read_rc;                   /* the dissection error */
  int wstatus;                   /* -w failed (reading side) */
  unsigned long more_limit_hits; /* the display filters of the other sessions (run_split) */
} loop;

/* The next packet: 1 with *out and *show, 0 at the end of the capture, -1
 * after an error (lp->read_failed; report_read_error() says it). */
static int next_packet(loop *lp, dx_packet **out, int *show) {
  dx_frame f;
  *out = NULL;
  int r = dx_capture_next(lp->cap, &f);
  if (r == 0)
    return 0;
  if (r < 0) {
    lp->read_failed = 1;
    return -1;
  }
  lp->nread++;
  dx_packet *p = NULL;
  const char *comments = NULL;
  size_t ncomments = 0;
  cli_frame_meta(lp->cap, lp->sess, &comments, &ncomments);
  const char *sec = NULL; /* key logs of secrets blocks before this frame */
  size_t nsec = 0;
  if (dx_capture_frame_secrets(lp->cap, &sec, &nsec) == DX_OK && nsec)
    dx_session_add_secrets(lp->sess, sec, nsec);
  int rc = dx_session_dissect(lp->sess, &f, &p);
  if (rc != DX_OK) {
    lp->read_failed = 2;
    lp->read_rc = rc;
    return -1;
  }
  *show = 1;
#ifdef DX_HAVE_FILTER
  const dx_filter *flt = lp->flt;
  if (flt)
    *show = dx_filter_match(flt, p);
  if (*show && flt)
    dx_session_set_displayed(lp->sess, p);
#endif
  if (lp->stats)
    cli_stats_packet(lp->stats, p);
  if (*show && lp->writer && cli_writer_write(lp->writer, &f, comments, ncomments) != 0)
    lp->wstatus = 2;
  *out = p;
  return 1;
}

/* What stopped the reading side, said after the packets before it. */
static void report_read_error(loop *lp) {
  if (lp->read_failed == 1) {
    fflush(stdout);
    eprint("dissect: %s\n", dx_capture_error(lp->cap));
  } else {
    eprint("dissect: frame %lld: %s\n", lp->nread, dx_strerror(lp->read_rc));
  }
  lp->status = 2;
}

/* Prints one displayed packet (lp->nshown: the packets shown before). */
static void print_packet(loop *lp, const dx_packet *p) {
  const options *o = lp->o;
  switch (o->mode) {
  case OUT_JSON:
  case OUT_JSONTREE:
  case OUT_EK:
    if (lp->jfields)
      cli_json_fields_write(stdout, p, o->fields, lp->jfields, o->nfields, o->mode == OUT_EK,
                            lp->nshown == 0);
    else if (dx_json_writer_write(lp->jw, p) != DX_OK)
      lp->status = 2;
    if (o->line_buffered)
      lp->jw ? dx_json_writer_flush(lp->jw) : cli_json_fields_flush(stdout);
    break;
  case OUT_FIELDS: dx_fields_write(stdout, lp->fields, p); break;
  case OUT_SUMMARY:
  case OUT_TEXT:
    if (o->verbose && o->only_protos && o->jmode == 'j')
      cli_write_tree_j(lp->pout, p, o->only_protos, o->nonly, o->roles);
    else if (o->verbose)
      /* tshark's hex dump of each data layer, unless -x dumps them all */
      dx_write_tree_opts(lp->pout, p, o->only_protos, o->nonly,
                         (o->hex ? 0 : DX_TREE_DATA_HEX) | (o->roles ? DX_TREE_ROLES : 0));
    else if (!o->hex || o->print_with_w)
      dx_write_summary(lp->pout, p); /* -x alone: the dump only, as tshark's */
    if (o->hex)
      dx_write_hex(lp->pout, p);
    break;
  }
  if (o->line_buffered)
    fflush(stdout);
}

static void run_single(loop *lp) {
  const options *o = lp->o;
  while (!g_stop && (o->count < 0 || lp->nread < o->count)) {
    dx_packet *p;
    int show;
    int r = next_packet(lp, &p, &show);
    if (r == 0)
      break;
    if (r < 0) {
      report_read_error(lp);
      break;
    }
    if (lp->wstatus)
      lp->status = lp->wstatus;
    if (show && !o->quiet)
      print_packet(lp, p);
    if (show)
      lp->nshown++;
    dx_packet_free(p);
    if (ferror(stdout) || lp->status)
      break;
    if (o->stop_packets > 0 && lp->nread >= o->stop_packets)
      break;
  }
}

/* Two threads when there is printing to do besides reading, and a second
 * processor to do it on (summary lines and fields split the capture over
 * two sessions instead when they can, use_split). Not for a live capture (its pace is the
 * network's, and -a stops it from a signal), nor with -w (frames and
 * lines would leave in a different order than now), nor --threads 1.
 * By default only for trees and JSON (-V, -O, -x, -T json|jsontree|ek):
 * summary lines and -e fields take a sixth of the work or less to print
 * (processor time per thread on 300,000 packets of the benchmark capture:
 * summary 803 ms reading, 139 ms printing; -V 2808 and 2370), which a
 * second thread does not repay (handing the packets over costs more). */
static int use_threads(const options *o) {
  if (o->threads == 1 || o->quiet || o->story >= 0 || o->write_file || !o->read_file)
    return 0;
  if (o->threads == 0 && (sysconf(_SC_NPROCESSORS_ONLN) < 2 || o->nfields ||
                          !(o->verbose || o->hex || o->mode == OUT_JSON ||
                            o->mode == OUT_JSONTREE || o->mode == OUT_EK)))
    return 0;
  return 1;
}

/* The queue between the threads: enough packets to keep both busy when
 * one of them is slow for a moment, few enough to keep memory flat and
 * the packets in the processors' shared cache (the printing thread reads
 * each tree the other made: with 256 packets in flight -T json took 40%
 * more processor time than in one thread, with 64 about 15%). A packet
 * counts as its data sources plus what its tree and labels take (the
 * arena's first chunk, 16 KiB). */
#define PIPE_PACKETS 64
#define PIPE_BYTES (16u << 20)
#define PIPE_BATCH 32

static size_t packet_bytes(const dx_packet *p) {
  size_t n = 16384;
  for (size_t i = 0; i < dx_packet_source_count(p); i++) {
    size_t len = 0;
    dx_packet_source_data(p, i, &len);
    n += len;
  }
  return n;
}

typedef struct reader {
  loop *lp;
  cli_pipe *q;
} reader;

static void *reader_main(void *arg) {
  reader *rd = arg;
  loop *lp = rd->lp;
  const options *o = lp->o;
  while (!g_stop && (o->count < 0 || lp->nread < o->count)) {
    dx_packet *p;
    int show;
    if (next_packet(lp, &p, &show) <= 0)
      break;
    if (!show) {
      dx_packet_free(p);
      continue;
    }
    if (cli_pipe_put(rd->q, p, packet_bytes(p)) != 0) {
      dx_packet_free(p); /* the printing side stopped */
      break;
    }
  }
  cli_pipe_close(rd->q);
  return NULL;
}

static void run_threaded(loop *lp) {
  const options *o = lp->o;
  cli_pipe *q = cli_pipe_new(PIPE_PACKETS, PIPE_BYTES, o->line_buffered ? 1 : PIPE_BATCH);
  reader rd = {lp, q};
  pthread_t th;
  if (!q || pthread_create(&th, NULL, reader_main, &rd) != 0) {
    cli_pipe_free(q);
    run_single(lp);
    return;
  }
  int stopped = 0;
  dx_packet *batch[PIPE_BATCH];
  size_t n;
  while ((n = cli_pipe_take(q, batch, PIPE_BATCH)) > 0) {
    for (size_t i = 0; i < n; i++) {
      if (!stopped) {
        print_packet(lp, batch[i]);
        lp->nshown++;
        if (ferror(stdout) || lp->status) { /* the reader closed the pipe, say */
          stopped = 1;
          cli_pipe_stop(q);
        }
      }
      dx_packet_free(batch[i]);
    }
  }
  pthread_join(th, NULL);
  cli_pipe_free(q);
  /* the reading side's error comes after every packet before it, as in
   * one thread; not if printing stopped first (one thread would not have
   * read on) */
  if (!stopped && lp->read_failed)
    report_read_error(lp);
}

/* When neither the tree nor JSON is printed, only the fields of the
 * filter (fltv, a dx_filter or NULL) and of -e are read from each packet
 * (and the summary columns if summary lines are printed): asks sess for
 * just those (terse). -T json, -T ek (and -T fields with -z) print the
 * whole tree but no labels: they are not formatted (those of nodes without
 * a value and the expert messages, which these forms print, are). 0, or
 * the exit status after a message. */
static int set_interest(const options *o, dx_session *sess, const void *fltv, int terse,
                        int proto_field) {
#ifdef DX_HAVE_FILTER
  const dx_filter *flt = fltv;
#else
  (void)fltv;
#endif
  if (terse) {
    size_t nwant = o->nfields;
#ifdef DX_HAVE_FILTER
    size_t nflt = flt ? dx_filter_fields(flt, NULL, 0) : 0;
    nwant += nflt;
#endif
    const dx_field **want = calloc(nwant ? nwant : 1, sizeof *want);
    uint32_t *needs = calloc(nwant ? nwant : 1, sizeof *needs);
    if (!want || !needs) {
      free(want);
      free(needs);
      eprint("dissect: %s\n", dx_strerror(DX_ENOMEM));
      return 2;
    }
    size_t k = 0;
    for (size_t i = 0; i < o->nfields; i++) {
      needs[k] = DX_NEED_VALUE;
      want[k++] = dx_field_lookup(sess, o->fields[i]);
    }
#ifdef DX_HAVE_FILTER
    /* a protocol the filter only tests for ("tcp", "eth[0] & 1") leaves
     * the fields of its layer nobody reads unbuilt */
    if (flt) {
      dx_filter_fields(flt, want + k, nflt);
      k += dx_filter_field_needs(flt, needs + k, nflt);
    }
#endif
    unsigned flags =
        (o->mode == OUT_SUMMARY || o->mode == OUT_TEXT) && !o->quiet ? DX_INTEREST_COLUMNS : 0;
    int rc = dx_session_set_interest_needs(sess, want, needs, k, flags);
    free(want);
    free(needs);
    if (rc != DX_OK) {
      eprint("dissect: %s\n", dx_strerror(rc));
      return 2;
    }
  }
  if (!terse && !o->verbose && !o->hex && !proto_field &&
      (o->mode == OUT_JSON || o->mode == OUT_EK || o->mode == OUT_FIELDS))
    dx_session_set_labels(sess, 0);
  return 0;
}

/* A session made as the options say: the time column, the key log (its
 * malformed lines reported unless quiet), trust roots, RSA key, TLS PSK,
 * out-of-order TCP and decode-as rules, with the limits of cfg. 0, or the
 * exit status after a message. */
static int open_session(const options *o, const dx_config *cfg, const char *keylog, int quiet,
                        dx_session **out) {
  dx_session *sess = NULL;
  int rc;
  *out = NULL;
  if ((rc = dx_session_new(&sess, cfg)) != DX_OK) {
    eprint("dissect: %s\n", dx_strerror(rc));
    return 2;
  }
  dx_session_set_time_format(sess, o->time_format, o->time_hms);
  dx_session_set_time_precision(sess, o->time_digits);
  if (o->dfilter) /* frame.time_delta_displayed counts displayed frames only */
    dx_session_set_displayed(sess, NULL);
  if (keylog) {
    char kerr[1024];
    if (dx_session_load_keylog(sess, keylog, kerr, sizeof kerr) != DX_OK) {
      eprint("dissect: TLS %s\n", kerr);
      dx_session_free(sess);
      return 1;
    }
    size_t nkeys = 0, bad = 0;
    unsigned long first_bad = 0;
    dx_session_keylog_stats(sess, &nkeys, &bad, &first_bad);
    if (bad && !quiet)
      eprint("dissect: warning: TLS key log %s: %zu malformed line%s ignored (first at line "
             "%lu)\n",
             keylog, bad, bad == 1 ? "" : "s", first_bad);
  }
  /* trust verdicts: the user's roots */
  for (size_t i = 0; i < o->nca_files + o->nca_paths; i++) {
    char terr[1024];
    int trc =
        i < o->nca_files
            ? dx_session_trust_add_ca_file(sess, o->ca_files[i], terr, sizeof terr)
            : dx_session_trust_add_ca_path(sess, o->ca_paths[i - o->nca_files], terr, sizeof terr);
    if (trc != DX_OK) {
      eprint("dissect: %s\n", terr[0] ? terr : dx_strerror(trc));
      dx_session_free(sess);
      return 1;
    }
  }
  if (o->ca_only && !(o->nca_files + o->nca_paths)) {
    eprint("dissect: --ca-only needs --ca-file or --ca-path (the roots to trust)\n");
    dx_session_free(sess);
    return 1;
  }
  dx_session_trust_ca_only(sess, o->ca_only);
  if (o->rsa_key) {
    char kerr[1024];
    if (dx_session_load_rsa_key(sess, o->rsa_key, kerr, sizeof kerr) != DX_OK) {
      eprint("dissect: --rsa-key %s\n", kerr);
      dx_session_free(sess);
      return 1;
    }
  }
  dx_session_set_tcp_reorder(sess, o->tcp_reorder);
  if (o->tls_psk && set_psk(sess, o->tls_psk) != DX_OK) {
    eprint("dissect: -o tls.psk: out of memory\n");
    dx_session_free(sess);
    return 1;
  }
  for (size_t i = 0; i < o->ndecode_as; i++) {
    char derr[512];
    if (dx_session_decode_as(sess, o->decode_as[i], derr, sizeof derr) != DX_OK) {
      eprint("dissect: -d: %s\n", derr);
      dx_session_free(sess);
      return 1;
    }
  }
  *out = sess;
  return 0;
}

/* ---- two sessions (cli/split.c) ----
 * Summary lines, -T fields and -Y of a capture file are split over two
 * sessions by connection (dissect.h, dx_split_part) on two processors, or
 * with --threads 2: the output is the same as one session's byte for
 * byte, unless something printed or filtered on spans connections. So
 * not with these fields (counted per session, or judged across
 * connections: the interception verdict, and the expert notes that carry
 * it; the notes of limits reached, each session's), nor limits the user
 * set (each session holds half of the default ones), nor -t dd, nor what needs the whole capture in
 * one session
 * (--story, -z, -w, a TLS session resumed by an RSA key or PSK alone,
 * decode-as rules, which may make FTP of any port). */
/* (each a prefix: "tls.trust" is every field of the verdicts) */
static const char *const split_unsafe[] = {"tcp.stream",
                                           "udp.stream",
                                           "wg.stream",
                                           "quic.connection.number",
                                           "frame.time_delta_displayed",
                                           "tls.trust",
                                           "_ws.expert",
                                           "_ws.limit",
                                           NULL};

static int use_split(const options *o) {
  if (o->threads == 1 || !o->read_file || strcmp(o->read_file, "-") == 0)
    return 0;
  if (o->quiet || o->story >= 0 || o->write_file || o->nz || o->stop_duration > 0 ||
      o->stop_packets > 0 || o->line_buffered || o->verbose || o->hex)
    return 0;
  if (o->rsa_key || o->tls_psk || o->ndecode_as)
    return 0;
  /* limits the user set are one session's, as they say */
  dx_config def;
  dx_config_init(&def);
  if (o->cfg.max_flows != def.max_flows || o->cfg.max_frag_datagrams != def.max_frag_datagrams ||
      o->cfg.max_total_stream_bytes != def.max_total_stream_bytes ||
      o->cfg.max_dns_pending != def.max_dns_pending)
    return 0;
  if (o->mode != OUT_FIELDS && o->mode != OUT_SUMMARY && o->mode != OUT_TEXT)
    return 0;
  if (o->time_format == DX_TIME_DELTA_DISPLAYED)
    return 0;
  for (const char *const *u = split_unsafe; *u; u++) {
    for (size_t i = 0; i < o->nfields; i++)
      if (strncmp(o->fields[i], *u, strlen(*u)) == 0)
        return 0;
    if (o->dfilter && strstr(o->dfilter, *u)) /* (a word of the filter, or more) */
      return 0;
  }
  struct stat st;
  if (stat(o->read_file, &st) != 0 || !S_ISREG(st.st_mode))
    return 0;
  if (o->threads == 0 && sysconf(_SC_NPROCESSORS_ONLN) < 2)
    return 0;
  return 1;
}

/* Each session holds half of the limits that bound them all together. */
static void split_limits(dx_config *cfg) {
  cfg->max_flows = cfg->max_flows / 2 ? cfg->max_flows / 2 : 1;
  cfg->max_frag_datagrams = cfg->max_frag_datagrams / 2 ? cfg->max_frag_datagrams / 2 : 1;
  cfg->max_total_stream_bytes /= 2;
  cfg->max_dns_pending = cfg->max_dns_pending / 2 ? cfg->max_dns_pending / 2 : 1;
}

static int split_match(void *ctx, dx_packet *p) {
  loop *lp = ctx;
#ifdef DX_HAVE_FILTER
  const dx_filter *flt = lp->flt;
  if (flt) {
    int show = dx_filter_match(flt, p);
    if (show)
      dx_session_set_displayed(lp->sess, p);
    return show;
  }
#else
  (void)lp;
  (void)p;
#endif
  return 1;
}

static void split_print(void *ctx, FILE *out, const dx_packet *p) {
  loop *lp = ctx;
  if (lp->o->mode == OUT_FIELDS)
    dx_fields_write(out, lp->fields, p);
  else
    dx_write_summary(out, p);
}

/* Runs lp's job with a second session made like lp's (cfg, keylog, terse,
 * proto_field as for the first). 1 if it ran (lp's counts and status
 * set), 0 if the second session, capture or threads could not be had
 * before anything was read (then one session does it all). */
static int run_split(loop *lp, const dx_config *cfg, const char *keylog, int terse,
                     int proto_field) {
  const options *o = lp->o;
  dx_session *s2 = NULL;
  dx_fields *f2 = NULL;
  dx_capture *c2 = NULL;
  dx_split *sp1 = NULL, *sp2 = NULL;
  char err[1024] = "";
  /* the key log read once: the second session's is a copy of the first's */
  int ok = open_session(o, cfg, NULL, 1, &s2) == 0 &&
           (!keylog || dx_session_copy_secrets(s2, lp->sess) == DX_OK);
  if (ok && o->nfields)
    ok = dx_fields_new(s2, o->fields, o->nfields, &o->fopts, &f2, err, sizeof err) == DX_OK;
#ifdef DX_HAVE_FILTER
  dx_filter *flt2 = NULL;
  if (ok && o->dfilter) {
    dx_filter_error ferr;
    memset(&ferr, 0, sizeof ferr);
    ok = dx_filter_compile(s2, o->dfilter, &flt2, &ferr) == DX_OK;
  }
  ok = ok && set_interest(o, s2, flt2, terse, proto_field) == 0;
#else
  ok = ok && set_interest(o, s2, NULL, terse, proto_field) == 0;
#endif
  ok = ok && dx_capture_open_file(&c2, o->read_file, err, sizeof err) == DX_OK;
  if (ok) {
    const char *sec = NULL;
    size_t seclen = 0;
    if (dx_capture_secrets(c2, &sec, &seclen) == DX_OK && seclen)
      dx_session_add_secrets(s2, sec, seclen);
  }
  /* a TLS session resumed on a connection of the other part is decrypted
   * with its full handshake's secret, as in one session (the key log may
   * name only the full handshakes): the two sessions share their cache */
  dx_split_share *share = NULL;
  ok = ok && dx_split_share_new(&share, 2) == DX_OK;
  ok = ok && dx_split_new(&sp1, 2, 0, NULL) == DX_OK && dx_split_new(&sp2, 2, 0, sp1) == DX_OK;
  int ran = 0;
  if (ok) {
    loop lp2 = *lp;
    lp2.sess = s2;
    lp2.cap = c2;
    lp2.fields = f2;
#ifdef DX_HAVE_FILTER
    lp2.flt = flt2;
#endif
    cli_split_part parts[2] = {
        {lp->cap, lp->sess, sp1, o->count, lp, split_match, split_print, share},
        {c2, s2, sp2, o->count, &lp2, split_match, split_print, share},
    };
    cli_split_result res;
    if (cli_split_run(parts, 2, stdout, &g_stop, &res) != 0) {
      eprint("dissect: %s\n", "the threads could not be started");
      lp->status = 2;
    }
    lp->nread = res.nread;
    lp->nshown = res.nshown;
    if (res.fail == 1) {
      fflush(stdout);
      eprint("dissect: %s\n", dx_capture_error(res.fail_part ? c2 : lp->cap));
      lp->status = 2;
    } else if (res.fail == 2) {
      fflush(stdout);
      eprint("dissect: frame %lld: %s\n", res.fail_frame, dx_strerror(res.fail_rc));
      lp->status = 2;
    }
#ifdef DX_HAVE_FILTER
    if (flt2)
      lp->more_limit_hits += dx_filter_limit_hits(flt2);
#endif
    ran = 1;
  }
  dx_split_free(sp1);
  dx_split_free(sp2);
  dx_session_set_split_share(lp->sess, NULL, 0, NULL, NULL);
  dx_session_set_split_share(s2, NULL, 0, NULL, NULL);
  dx_split_share_free(share);
  dx_capture_close(c2);
#ifdef DX_HAVE_FILTER
  dx_filter_free(flt2);
#endif
  dx_fields_free(f2);
  dx_session_free(s2);
  return ran;
}

int main(int argc, char **argv) {
  /* static: what parse_args allocates lives until exit, also on the early
   * error returns below (LeakSanitizer sees it as reachable). */
  static options o;
  memset(&o, 0, sizeof o);
  dx_config_init(&o.cfg); /* the library's defaults; options override them */
  int rc = parse_args(&o, argc, argv);
  if (rc)
    return rc;
  if (o.list_ifaces)
    return list_interfaces();
  if (o.list_linktypes)
    return list_linktypes(o.iface);

#ifdef __GLIBC__
  /* Reassembly buffers of a few hundred KiB come and go with every large
   * PDU: without these, the C library hands the memory back to the system
   * after each (a system call, then page faults to get it again). */
  mallopt(M_MMAP_THRESHOLD, 16 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
  static char outbuf[1 << 20];
  if ((o.mode == OUT_JSON || o.mode == OUT_JSONTREE || o.mode == OUT_EK) && !o.nfields && !o.nz)
    setvbuf(stdout, NULL, _IONBF, 0); /* the JSON writer's 256 KiB buffers go straight out */
  else
    setvbuf(stdout, outbuf, o.line_buffered ? _IOLBF : _IOFBF, sizeof outbuf);

  /* The key log and RSA key are loaded below, for messages naming them. */
  const char *keylog = o.cfg.keylog_file;
  o.cfg.keylog_file = NULL;
  dx_session *sess = NULL;
  int split = use_split(&o);
  dx_config cfg = o.cfg;
  if (split)
    split_limits(&cfg);
  if ((rc = open_session(&o, &cfg, keylog, 0, &sess)) != 0)
    return rc;
  cli_stats *stats = NULL;
  if (o.nz && (!(stats = cli_stats_new(sess, o.zargs, o.nz)) ||
               cli_stats_set_time_format(stats, o.time_format) != 0)) {
    cli_stats_free(stats);
    dx_session_free(sess);
    return 1;
  }
  if (stats)
    cli_stats_set_source(stats, o.read_file ? o.read_file : "the temporary capture file",
                         o.no_names);
  /* -w: the frames go to a file and nothing is printed (unless -P) */
  if (o.write_file && !o.print_with_w)
    o.quiet = 1;

  dx_fields *fields = NULL;
  const dx_field **jfields = NULL; /* -T json|ek -e: the fields, looked up */
  if (o.nfields && (o.mode == OUT_JSON || o.mode == OUT_EK)) {
    jfields = calloc(o.nfields, sizeof *jfields);
    if (!jfields)
      return 2;
    for (size_t i = 0; i < o.nfields; i++)
      jfields[i] = dx_field_lookup(sess, o.fields[i]);
  }
  if (o.nfields) { /* every -e name is checked (suggestions for a typo) */
    char err[512];
    rc = dx_fields_new(sess, o.fields, o.nfields, &o.fopts, &fields, err, sizeof err);
    if (rc != DX_OK) {
      eprint("dissect: -e: %s\n", rc == DX_ENOFIELD ? err : dx_strerror(rc));
      dx_session_free(sess);
      return 1;
    }
  }

#ifdef DX_HAVE_FILTER
  dx_filter *flt = NULL;
  if (o.dfilter) {
    dx_filter_error ferr;
    memset(&ferr, 0, sizeof ferr);
    rc = dx_filter_compile(sess, o.dfilter, &flt, &ferr);
    if (rc != DX_OK) {
      char msg[4096];
      dx_filter_error_format(o.dfilter, &ferr, msg, sizeof msg);
      eprint("dissect: invalid display filter:\n%s\n", msg);
      dx_fields_free(fields);
      dx_session_free(sess);
      return 1;
    }
  }
#else
  if (o.dfilter) {
    eprint("dissect: display filters are not available in this build\n");
    return 1;
  }
#endif
  if (stats) { /* io,phs: whether the frame's layer is counted (as tshark) */
    if (o.verbose || o.mode == OUT_FIELDS || o.mode == OUT_JSON || o.mode == OUT_JSONTREE ||
        o.mode == OUT_EK)
      cli_stats_frame_tree(stats);
#ifdef DX_HAVE_FILTER
    if (flt) {
      const dx_field *ff[256];
      cli_stats_frame_fields(stats, ff, dx_filter_fields(flt, ff, 256));
    }
#endif
    for (size_t i = 0; i < o.nfields; i++) {
      const dx_field *ef = dx_field_lookup(sess, o.fields[i]);
      cli_stats_frame_fields(stats, &ef, 1);
    }
  }

  /* (a protocol given to -e prints its label, which a terse packet does
   * not make) */
  int proto_field = 0;
  for (size_t i = 0; i < o.nfields; i++)
    proto_field |= dx_field_type(dx_field_lookup(sess, o.fields[i])) == DX_FT_PROTOCOL;
  int terse =
      o.story < 0 && !stats && !proto_field &&
      (o.mode == OUT_FIELDS || jfields ||
       (o.mode != OUT_JSON && o.mode != OUT_EK && o.mode != OUT_JSONTREE && !o.verbose && !o.hex));
#ifdef DX_HAVE_FILTER
  if ((rc = set_interest(&o, sess, flt, terse, proto_field)) != 0)
    return rc;
#else
  if ((rc = set_interest(&o, sess, NULL, terse, proto_field)) != 0)
    return rc;
#endif

  char err[1024] = "";
  dx_capture *cap = NULL;
  if (o.read_file)
    rc = dx_capture_open_file(&cap, o.read_file, err, sizeof err);
  else
    rc = dx_capture_open_live(&cap, o.iface, o.bpf, 0, err, sizeof err);
  if (rc != DX_OK) {
    eprint("dissect: %s\n", err[0] ? err : dx_strerror(rc));
    dx_fields_free(fields);
    dx_session_free(sess);
    return 2;
  }
  {
    const char *sec = NULL;
    size_t seclen = 0;
    if (dx_capture_secrets(cap, &sec, &seclen) == DX_OK && seclen)
      dx_session_add_secrets(sess, sec, seclen);
  }
  if (o.read_file && o.bpf && (rc = dx_capture_set_filter(cap, o.bpf)) != DX_OK) {
    eprint("dissect: %s\n", dx_capture_error(cap));
    dx_capture_close(cap);
    dx_fields_free(fields);
    dx_session_free(sess);
    return 1;
  }
  cli_writer *writer = NULL;
  if (o.write_file &&
      !(writer = cli_writer_open(o.write_file, o.write_format, dx_capture_linktype(cap)))) {
    dx_capture_close(cap);
    dx_fields_free(fields);
    dx_session_free(sess);
    return 2;
  }
  /* live capture as root: the interface is open (and the -w file), so run
   * on as an ordinary user, as tcpdump does */
  if (!o.read_file && (geteuid() == 0 || getuid() == 0) &&
      !(o.run_as && strcmp(o.run_as, "root") == 0)) {
    char perr[256];
    if (dx_drop_privileges(o.run_as ? o.run_as : "nobody", perr, sizeof perr) != DX_OK) {
      eprint("dissect: %s\n", perr);
      cli_writer_close(writer);
      dx_capture_close(cap);
      dx_fields_free(fields);
      dx_session_free(sess);
      return 2;
    }
  }
  /* -w - with -P: the summaries go to standard error */
  FILE *pout = o.write_file && strcmp(o.write_file, "-") == 0 ? stderr : stdout;
  if (o.stop_duration > 0) {
    struct itimerval it = {
        {0, 0},
        {(time_t)o.stop_duration,
         (suseconds_t)((o.stop_duration - (double)(time_t)o.stop_duration) * 1e6)}};
    signal(SIGALRM, on_signal);
    setitimer(ITIMER_REAL, &it, NULL);
  }
  int status_story;
  g_capture = cap;
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  signal(SIGPIPE, SIG_IGN);

  if (o.story >= 0) {
    /* --story: the whole capture, then the stories (cli/story.c) */
#ifdef DX_HAVE_FILTER
    status_story = cli_story_run(stdout, sess, cap, flt, o.story, o.count, &g_stop);
    dx_filter_free(flt);
#else
    status_story = cli_story_run(stdout, sess, cap, NULL, o.story, o.count, &g_stop);
#endif
    g_capture = NULL;
    dx_capture_close(cap);
    dx_fields_free(fields);
    dx_session_free(sess);
    free(o.fields);
    return status_story;
  }
  if (o.mode == OUT_FIELDS && o.fopts.header)
    dx_fields_write_header(stdout, fields);
  /* -T json|jsontree|ek: one writer for the whole capture (-e: tshark's
   * layout, cli/jsonfields.c) */
  dx_json_writer *jw = NULL;
  if (o.mode == OUT_JSON && jfields)
    fputs("[", stdout);
  else if ((o.mode == OUT_JSON || o.mode == OUT_JSONTREE || o.mode == OUT_EK) && !jfields &&
           !o.quiet &&
           dx_json_writer_new(&jw, stdout,
                              o.mode == OUT_JSON ? DX_JSON_PACKETS
                              : o.mode == OUT_EK ? DX_JSON_EK
                                                 : DX_JSON_TREE,
                              (o.json_pretty ? DX_JSON_PRETTY : 0) | (o.hex ? DX_JSON_RAW : 0)) !=
               DX_OK) {
    eprint("dissect: %s\n", dx_strerror(DX_ENOMEM));
    return 2;
  }
  /* -j/-J: tshark's filter of its JSON (with -e it writes the fields only) */
  if (jw && o.jmode)
    dx_json_writer_set_filter(jw, (const char *const *)o.only_protos, o.nonly,
                              o.jmode == 'J' ? DX_JSON_FILTER_CHILDREN : 0);

  loop lp = {&o, sess, cap, NULL, stats, writer, fields, jfields, jw, pout, 0, 0, 0, 0, 0, 0, 0};
#ifdef DX_HAVE_FILTER
  lp.flt = flt;
#endif
  if (split && run_split(&lp, &cfg, keylog, terse, proto_field))
    ; /* done */
  else if (use_threads(&o))
    run_threaded(&lp);
  else
    run_single(&lp);
  long long nread = lp.nread, nshown = lp.nshown;
  int status = lp.status;
  /* the JSON ends before any statistics */
  if (jfields)
    cli_json_fields_flush(stdout);
  if (o.mode == OUT_JSON && jfields)
    fputs(nshown ? "\n]\n" : "]\n", stdout);
  if (jw && dx_json_writer_close(jw) != DX_OK)
    status = status ? status : 2;
  if (stats) {
    if (cli_stats_print(stats, stdout) != 0)
      status = status ? status : 1;
    cli_stats_free(stats);
  }
  if (writer && cli_writer_close(writer) != 0)
    status = status ? status : 2;
  if (fflush(stdout) != 0 || ferror(stdout)) {
    if (errno != EPIPE) {
      eprint("dissect: writing output: %s\n", strerror(errno));
      status = status ? status : 2;
    }
  }
  if (o.iface)
    eprint("%lld packets captured\n", nread);
  if (o.quiet && o.read_file && !o.nz && !o.write_file)
    eprint("%lld packets read, %lld displayed\n", nread, nshown);
#ifdef DX_HAVE_FILTER
  if (flt && dx_filter_limit_hits(flt) + lp.more_limit_hits > 0)
    eprint("dissect: warning: the display filter stopped at its limits %lu time(s) (a regular "
           "expression's match limits, or too many values to compare in one packet); those "
           "packets were treated as not matching\n",
           dx_filter_limit_hits(flt) + lp.more_limit_hits);
  dx_filter_free(flt);
#endif
  g_capture = NULL;
  dx_capture_close(cap);
  dx_fields_free(fields);
  free(jfields);
  dx_session_free(sess);
  free(o.fields);
  return status;
}
