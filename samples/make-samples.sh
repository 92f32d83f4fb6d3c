#!/usr/bin/env bash
# make-samples.sh - regenerate the sample packet captures in samples/.
#
# What it makes (all in the directory of this script, classic pcap unless noted):
#   dns.pcap            DNS over UDP/IPv4: dnsmasq serving a local zone example.test
#                       (A, AAAA, CNAME, MX, TXT, SRV, PTR, SOA, NXDOMAIN, EDNS/no EDNS)
#   dns-tcp.pcap        DNS over TCP (dig +tcp), including an AXFR of example.test
#   http.pcap           HTTP/1.1 (nginx + curl): small GET, 64 KiB body, keep-alive,
#                       chunked (sub_filter and gzip), POST, 404, HEAD
#   http.pcapng         a small HTTP exchange written as pcapng (converted with editcap)
#   https-tls13.pcap    HTTPS, TLS 1.3 (ECDSA P-256 leaf), 3 requests on one connection
#   https-tls12.pcap    HTTPS, TLS 1.2, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (RSA leaf)
#   tls-altport.pcap    TLS 1.3 (TLS_CHACHA20_POLY1305_SHA256) on port 8443
#   *.keylog            NSS key log files (SSLKEYLOGFILE) for the three TLS captures
#   misc.pcap           ICMP echo, ICMPv6 echo, fragmented IPv4 and IPv6 pings,
#                       HTTP and DNS over IPv6, TCP SYN to a closed port (RST),
#                       UDP to a closed port (ICMP port unreachable)
#   sll2-any.pcap       tcpdump -i any -y LINUX_SLL2 (Linux cooked v2): DNS + HTTP GET
#   sll-any.pcap        tcpdump -i any -y LINUX_SLL  (Linux cooked v1): DNS + HTTP GET
#   tls12-cbc.pcap tls12-chacha.pcap tls13-suites.pcap tls12-resume.pcap
#   tls12-rsa.pcap (+ tls12-rsa.key) http2.pcap http2-h2c.pcap https-dsb.pcapng
#                       TLS 1.2/1.3 suites, resumption, RSA key exchange, HTTP/2,
#                       each with its key log (see make_https_keys below)
#   https-proxy.pcap (+ .keylog) tls13-0rtt.pcap (+ .keylog) http2-upgrade.pcap
#                       an intercepting HTTPS proxy (mitmproxy) between curl and
#                       nginx, TLS 1.3 0-RTT early data, the HTTP/1.1 -> h2c
#                       upgrade (see make_https_more below)
#   https-intercept.pcap (+ .keylog, intercept-user-root.pem, intercept-server-root.pem)
#                       an intercepting proxy whose root the client "installed":
#                       mitmproxy forges its leaves under a root made here, and
#                       both roots are kept, so that both legs can be judged
#                       with dissect --ca-file (see make_intercept below)
#   story.pcap (+ .keylog) the whole story of one HTTPS connection for
#                       dissect --story: a dig lookup answered by dnsmasq, then curl
#                       over HTTPS (TLS 1.3) to the address it got (see make_story)
#   tls-ocsp.pcap (+ .keylog, ocsp-root.pem)
#                       stapled OCSP responses (nginx ssl_stapling_file, made by
#                       openssl ocsp) in TLS 1.2's CertificateStatus and in TLS 1.3's
#                       encrypted Certificate: "good" on port 443 (TLS 1.2 and 1.3),
#                       "revoked" on port 8443 (TLS 1.3) (see make_ocsp below)
#   tcp-anomalies.pcap  HTTP downloads with TCP trouble for tshark's tcp.analysis.*:
#                       random packet drops (iptables statistic match) and a few
#                       segments left out of the capture, a slow reader with a tiny
#                       receive buffer (zero window), TCP keep-alives (see
#                       make_tcp_anomalies below and samples/README.md)
#
# What it needs: root (it creates a private network namespace with unshare -n and
# runs every server, client and tcpdump inside it, on loopback only: no packet
# leaves the namespace; files go to a mktemp -d work dir and samples/ only).
# Debian packages (bookworm):
#   tcpdump tshark wireshark-common (editcap, capinfos) nginx dnsmasq-base (or dnsmasq)
#   bind9-dnsutils (dig) curl openssl ethtool iproute2 iputils-ping util-linux (unshare)
#   coreutils iptables procps (sysctl) nghttp2-client (nghttp, for http2-h2c.pcap
#   and http2-upgrade.pcap) mitmproxy (mitmdump, for https-proxy.pcap)
#   apache2-bin (apache2 with mod_http2, for http2-upgrade.pcap)
# No system service is used: nginx and dnsmasq run from configs in a temp dir.
#
# Usage: sudo bash samples/make-samples.sh [tcp-anomalies | https-keys | https-more | story | intercept | ocsp]
#        (with the argument tcp-anomalies only tcp-anomalies.pcap is made and installed;
#        with https-keys only the captures of make_https_keys and their key logs;
#        with story only story.pcap and story.keylog;
#        with https-more only those of make_https_more;
#        with intercept only those of make_intercept;
#        with ocsp only those of make_ocsp, which needs only tcpdump, tshark,
#        wireshark-common, nginx, curl, openssl, ethtool, iproute2, util-linux)
#        (MAKE_SAMPLES_KEEP=1 keeps the temporary work directory, for debugging)
#
# Loopback is set to MTU 1500 with TSO/GSO/GRO off so TCP segments look like
# those of a real Ethernet network (checked afterwards with tshark).  Note: lo has
# tx checksum offload fixed "on", so TCP/UDP checksums in these captures are
# partial (not valid) - as in every Linux loopback capture.
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin
export LC_ALL=C

die() { echo "make-samples: error: $*" >&2; exit 1; }
log() { echo "make-samples: $*" >&2; }

ONLY=${1:-}
[[ -z $ONLY || $ONLY == tcp-anomalies || $ONLY == https-keys || $ONLY == https-more \
   || $ONLY == story || $ONLY == intercept || $ONLY == ocsp ]] \
  || die "unknown argument '$ONLY' (only: tcp-anomalies, https-keys, https-more, story, intercept, ocsp)"

# ---------------------------------------------------------------- prerequisites
[[ $EUID -eq 0 ]] || die "must run as root (it creates a network namespace): sudo bash $0"

declare -A PKG=(
  [tcpdump]=tcpdump [tshark]=tshark [editcap]=wireshark-common [capinfos]=wireshark-common
  [nginx]=nginx [dnsmasq]=dnsmasq-base [dig]=bind9-dnsutils [curl]=curl [openssl]=openssl
  [ethtool]=ethtool [ip]=iproute2 [ping]=iputils-ping [unshare]=util-linux
  [iptables]=iptables [sysctl]=procps [timeout]=coreutils [nghttp]=nghttp2-client
  [mitmdump]=mitmproxy [apache2]=apache2-bin
)
missing=()
if [[ $ONLY == ocsp ]]; then # (no DNS server, proxy, HTTP/2 client or iptables)
  for t in dnsmasq dig ping iptables nghttp mitmdump apache2; do unset "PKG[$t]"; done
fi
for t in "${!PKG[@]}"; do
  command -v "$t" >/dev/null 2>&1 || missing+=("$t (Debian package ${PKG[$t]})")
done
if ((${#missing[@]})); then
  printf 'make-samples: error: missing tool: %s\n' "${missing[@]}" >&2
  die "install the missing packages, e.g. apt-get install tcpdump tshark nginx dnsmasq-base bind9-dnsutils curl openssl ethtool iproute2 iputils-ping"
fi

SCRIPT=$(readlink -f "${BASH_SOURCE[0]}")
SAMPLES=$(dirname "$SCRIPT")

# ---------------------------------------------------------- private netns
if [[ "${_LIBDISSECT_SAMPLES_NETNS:-}" != 1 ]]; then
  exec unshare --net -- env _LIBDISSECT_SAMPLES_NETNS=1 bash "$SCRIPT" "$@"
fi
# Paranoia: we must be in a fresh namespace that has only lo.
if [[ $(ip -o link show | wc -l) -ne 1 ]] || ! ip -o link show lo >/dev/null 2>&1; then
  die "not in a private network namespace (found interfaces other than lo)"
fi

ip link set lo up
ip link set lo mtu 1500
ethtool -K lo tso off gso off gro off >/dev/null 2>&1 || ethtool -K lo tso off gso off gro off
features=$(ethtool -k lo)
for f in tcp-segmentation-offload generic-segmentation-offload generic-receive-offload; do
  grep -q "^$f: off" <<<"$features" || die "could not turn off $f on lo"
done

# ---------------------------------------------------------- work dir + cleanup
W=$(mktemp -d /tmp/libdissect-samples.XXXXXX)
OUT=$W/out
mkdir -p "$OUT" "$W/www/sub" "$W/nginx-tmp" "$W/pki"
CAP_PID=
DNSMASQ_UP=
NGINX_UP=
MORE_PIDS=()   # servers started in the background by make_https_more (by PID)

stop_pidfile() {   # stop_pidfile FILE SIGNAL: signal the daemon and wait until it is gone
  local f=$1 sig=$2 pid i
  [[ -s $f ]] || return 0
  pid=$(<"$f")
  kill "-$sig" "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  set +e
  if [[ -n $CAP_PID ]]; then kill -INT "$CAP_PID" 2>/dev/null; wait "$CAP_PID" 2>/dev/null; fi
  if [[ -n $NGINX_UP ]]; then
    nginx -q -p "$W/" -c "$W/nginx.conf" -s quit 2>/dev/null
    stop_pidfile "$W/nginx.pid" QUIT
  fi
  [[ -n $DNSMASQ_UP ]] && stop_pidfile "$W/dnsmasq.pid" TERM
  for p in "${MORE_PIDS[@]}"; do more_stop "$p"; done
  if [[ -n ${MAKE_SAMPLES_KEEP:-} ]]; then log "kept work directory $W"; else rm -rf "$W"; fi
  ((rc == 0)) || log "FAILED (exit $rc)"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------- capture helpers
# cap_start FILE IFACE FILTER [extra tcpdump args...]
cap_start() {
  local file=$1 iface=$2 filter=$3 i
  shift 3
  CAP_FILE=$file
  CAP_ERR=$W/tcpdump-$(basename "$file").err
  tcpdump -i "$iface" --immediate-mode -B 16384 -Z root "$@" -w "$file" "$filter" 2>"$CAP_ERR" &
  CAP_PID=$!
  for ((i = 0; i < 100; i++)); do
    grep -q 'listening on' "$CAP_ERR" && return 0
    kill -0 "$CAP_PID" 2>/dev/null || { cat "$CAP_ERR" >&2; die "tcpdump failed to start"; }
    sleep 0.05
  done
  die "tcpdump did not report 'listening on'"
}

cap_stop() {
  sleep 1
  kill -INT "$CAP_PID"
  wait "$CAP_PID" || die "tcpdump exited with an error"
  CAP_PID=
  grep -q '^0 packets dropped by kernel' "$CAP_ERR" \
    || { cat "$CAP_ERR" >&2; die "tcpdump dropped packets for $(basename "$CAP_FILE")"; }
  log "$(basename "$CAP_FILE"): $(grep 'packets captured' "$CAP_ERR")"
}

# --------------------------------------------------------------- content
# Deterministic web content with a fixed mtime (stable ETag / Last-Modified).
cat >"$W/www/index.html" <<'EOF'
<!DOCTYPE html>
<html>
<head><title>libdissect sample</title></head>
<body>
<h1>libdissect sample page</h1>
<p>This page is served by nginx on loopback for the libdissect sample captures.</p>
</body>
</html>
EOF
cat >"$W/www/style.css" <<'EOF'
body { font-family: sans-serif; margin: 2em; }
h1 { color: #224; }
EOF
printf '{"name":"libdissect","sample":true,"items":[1,2,3]}\n' >"$W/www/data.json"
# 64 KiB of numbered text lines.
seq -f 'libdissect sample line %05g: the quick brown fox jumps over the lazy dog' 1 2000 \
  >"$W/www/large.txt"
truncate -s 65536 "$W/www/large.txt"
# Text for the chunked (sub_filter) response: ~6 KiB.
seq -f 'chunked sample line %03g: PLACEHOLDER text follows here' 1 120 >"$W/www/sub/page.txt"
# POST bodies.
printf 'name=libdissect&kind=sample&text=hello+world\n' >"$W/post-small.txt"
seq -f 'posted line %04g of the libdissect sample upload body' 1 100 >"$W/post-large.txt"
find "$W/www" -type f -exec touch -d '2024-01-01 00:00:00 UTC' {} +

# --------------------------------------------------------------- PKI
# Root CA -> intermediate CA -> two leaves for www.example.test (RSA 2048, ECDSA P-256).
PKI=$W/pki
cat >"$PKI/ext.cnf" <<'EOF'
[root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[inter]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[leaf_rsa]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:www.example.test, DNS:example.test, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[leaf_ec]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:www.example.test, DNS:example.test, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF
(
  cd "$PKI"
  exec 2>"$PKI/openssl.log"
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out root.key
  openssl req -new -key root.key -subj "/O=libdissect/CN=libdissect Sample Root CA" -out root.csr
  openssl x509 -req -in root.csr -key root.key -days 3650 -set_serial 0x5a01 -sha256 \
    -extfile ext.cnf -extensions root -out root.pem
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out inter.key
  openssl req -new -key inter.key -subj "/O=libdissect/CN=libdissect Sample Intermediate CA" -out inter.csr
  openssl x509 -req -in inter.csr -CA root.pem -CAkey root.key -days 3650 -set_serial 0x5a02 -sha256 \
    -extfile ext.cnf -extensions inter -out inter.pem
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out leaf-rsa.key
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out leaf-ec.key
  for k in rsa ec; do
    openssl req -new -key "leaf-$k.key" -subj "/O=libdissect/CN=www.example.test" -out "leaf-$k.csr"
    openssl x509 -req -in "leaf-$k.csr" -CA inter.pem -CAkey inter.key -days 825 \
      -set_serial "0x5a1$([[ $k == rsa ]] && echo 0 || echo 1)" -sha256 \
      -extfile ext.cnf -extensions "leaf_$k" -out "leaf-$k.pem"
    cat "leaf-$k.pem" inter.pem >"chain-$k.pem"
    openssl verify -CAfile root.pem -untrusted inter.pem "leaf-$k.pem" >/dev/null
  done
) || { cat "$PKI/openssl.log" >&2; die "certificate generation failed"; }

# --------------------------------------------------------------- servers
dnsmasq_start() {
  # Authoritative for example.test (and the 127/8 and ::1 reverse zones) on 127.0.0.1;
  # plain (non-authoritative) mode on ::1.  The --ptr-record (192.0.2.10, TEST-NET-1)
  # is only served in plain mode: dnsmasq's auth mode ignores --ptr-record.
  dnsmasq --conf-file=/dev/null --no-resolv --no-hosts --no-poll \
    --port=53 --listen-address=127.0.0.1 --listen-address=::1 --bind-interfaces \
    --user=root --group=root --pid-file="$W/dnsmasq.pid" --log-facility="$W/dnsmasq.log" \
    --auth-server=ns1.example.test,127.0.0.1 \
    --auth-zone=example.test,127.0.0.0/8,::1/128 \
    --auth-soa=2024010101,hostmaster.example.test,3600,600,86400 \
    --auth-ttl=300 --auth-peer=127.0.0.1 \
    --local=/example.test/ \
    --host-record=ns1.example.test,127.0.0.53 \
    --host-record=www.example.test,127.0.0.1,::1 \
    --host-record=mail.example.test,127.0.0.25 \
    --cname=alias.example.test,www.example.test \
    --mx-host=example.test,mail.example.test,10 \
    "--txt-record=example.test,v=spf1 -all,libdissect sample zone" \
    --srv-host=_http._tcp.example.test,www.example.test,80,0,10 \
    --ptr-record=10.2.0.192.in-addr.arpa,host10.example.test
  DNSMASQ_UP=1
  local i
  for ((i = 0; i < 50; i++)); do
    dig @127.0.0.1 -p 53 +tries=1 +time=1 +short www.example.test A 2>/dev/null | grep 127.0.0.1 >/dev/null && return 0
    sleep 0.1
  done
  die "dnsmasq does not answer"
}

cat >"$W/nginx.conf" <<EOF
user root root;
daemon on;
master_process on;
worker_processes 1;
pid $W/nginx.pid;
lock_file $W/nginx.lock;
error_log $W/nginx-error.log notice;
events { worker_connections 64; }
http {
    access_log off;
    server_tokens off;
    types { text/html html; text/css css; text/plain txt; application/json json; }
    default_type application/octet-stream;
    client_body_temp_path $W/nginx-tmp/body;
    proxy_temp_path $W/nginx-tmp/proxy;
    fastcgi_temp_path $W/nginx-tmp/fastcgi;
    uwsgi_temp_path $W/nginx-tmp/uwsgi;
    scgi_temp_path $W/nginx-tmp/scgi;
    sendfile off;
    keepalive_timeout 30;
    # gzip only when the client asks (curl --compressed); gzip'd responses are chunked.
    gzip on;
    gzip_types text/plain text/css application/json;   # text/html is always included
    gzip_min_length 0;

    server {
        listen 127.0.0.1:80;
        listen [::1]:80;
        server_name www.example.test example.test localhost;
        root $W/www;
        # POST target.  Proxied to the backend below so that nginx reads the whole
        # request body (and answers "Expect: 100-continue") before it responds.
        location = /post {
            proxy_pass http://127.0.0.1:8080/post;
            proxy_request_buffering on;
        }
        # sub_filter drops Content-Length, so the response is sent chunked;
        # small output buffers make it several chunks.
        location /sub/ {
            sub_filter 'PLACEHOLDER' 'replaced';
            sub_filter_once off;
            sub_filter_types text/plain;
            output_buffers 2 2k;
        }
    }

    # Backend for POST /post (its traffic is not captured: port 8080).
    server {
        listen 127.0.0.1:8080;
        location / {
            default_type text/plain;
            return 200 "received \$content_length bytes\n";
        }
    }

    server {
        listen 127.0.0.1:443 ssl;
        listen 127.0.0.1:8443 ssl;
        server_name www.example.test example.test;
        root $W/www;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;
        # Leaf + intermediate as chain; ECDSA is preferred where the client allows it.
        ssl_certificate $PKI/chain-ec.pem;
        ssl_certificate_key $PKI/leaf-ec.key;
        ssl_certificate $PKI/chain-rsa.pem;
        ssl_certificate_key $PKI/leaf-rsa.key;
    }
}
EOF

nginx_start() {
  nginx -q -t -p "$W/" -c "$W/nginx.conf" -e "$W/nginx-error.log" 2>"$W/nginx-t.err" \
    || { cat "$W/nginx-t.err" "$W/nginx-error.log" >&2 2>/dev/null; die "nginx config test failed"; }
  nginx -p "$W/" -c "$W/nginx.conf" -e "$W/nginx-error.log" \
    || { cat "$W/nginx-error.log" >&2; die "nginx failed to start"; }
  NGINX_UP=1
  local i
  for ((i = 0; i < 50; i++)); do
    curl -s -o /dev/null --max-time 1 http://127.0.0.1/index.html && return 0
    sleep 0.1
  done
  die "nginx does not answer"
}

# --------------------------------------------------------------- clients
DIG=(dig @127.0.0.1 -p 53 +tries=1 +time=2)
CURL=(curl --http1.1 -sS --max-time 10 --resolve www.example.test:80:127.0.0.1
      --resolve www.example.test:443:127.0.0.1 --resolve www.example.test:8443:127.0.0.1)

# curl_expect CODES... -- CURL-ARGS...: run curl, each URL's output to /dev/null,
# and check the sequence of HTTP status codes.
curl_expect() {
  local want=() got
  while [[ $1 != -- ]]; do want+=("$1"); shift; done
  shift
  got=$("${CURL[@]}" -w '%{http_code} ' "$@" | xargs) || die "curl $* failed"
  [[ $got == "${want[*]}" ]] || die "curl $*: got status '$got', want '${want[*]}'"
}
# dig_expect STATUS ARGS...: run dig and check the response status
dig_expect() {
  local status=$1 reply
  shift
  reply=$("${DIG[@]}" "$@") || die "dig $* failed"
  grep -q "status: $status," <<<"$reply" || { echo "$reply" >&2; die "dig $*: want status $status"; }
}

# tcp-anomalies.pcap ------------------------------------------------------------
# TCP trouble for the sequence analysis (tshark's tcp.analysis.*), made for real:
#  (a) GET /bulk.txt (256 KiB) from client ports 40000-40009 while iptables
#      drops 4 % of the TCP packets of each direction at INPUT, at random
#      (statistic match).  tcpdump sees a packet before INPUT, so every
#      dropped packet is in the capture, followed by the retransmission, the
#      duplicate ACKs (with SACK) and fast retransmissions that its loss causes.
#      The capture filter also leaves out the server's segments of this
#      connection whose IPv4 ID is 11 modulo 37 (about 1 in 37): those are
#      delivered but not recorded, as when a capture misses packets, and
#      give "previous segment not captured" / "ACKed unseen segment".
#  (b) GET /slow.txt (32 KiB) by curl --limit-rate 4k with a 4 KiB receive
#      buffer (net.ipv4.tcp_rmem of this namespace): the window fills
#      (window full), closes (zero window) and reopens (window update).
#      Linux probes a zero window with a bare ACK at snd_una - 1, which
#      tshark calls a keep-alive (Linux sends no 1-byte zero window probe).
#  (c) an HTTP request typed into curl's telnet:// client with
#      --keepalive-time 1, then 3.5 s idle: keep-alives every second and
#      nginx's keep-alive ACKs; then timeout(1) ends curl (FIN).
# The drops are random, so the capture is made again (up to 5 times) until
# it holds each kind of event that make_tcp_anomalies_ok asks for.
TA_FILTER='tcp port 80 and not (tcp src port 80 and tcp dst portrange 40000-40009 and ip[4:2] % 37 == 11)'
TA_NEED=(retransmission duplicate_ack lost_segment ack_lost_segment zero_window window_full
         window_update keep_alive keep_alive_ack)

make_tcp_anomalies_ok() {   # FILE: every event of TA_NEED at least once?
  local args=() f counts
  for f in "${TA_NEED[@]}"; do args+=(-e "tcp.analysis.$f"); done
  counts=$(tshark -r "$1" -T fields "${args[@]}" 2>/dev/null \
    | awk -F'\t' -v n="${#TA_NEED[@]}" '{ for (i = 1; i <= n; i++) if ($i != "") c[i]++ }
        END { for (i = 1; i <= n; i++) printf "%d ", c[i] + 0 }')
  log "tcp-anomalies: ${TA_NEED[*]}: $counts"
  [[ " $counts" != *" 0 "* ]]
}

make_tcp_anomalies() {
  local try rmem
  seq -f 'libdissect bulk line %06g: the quick brown fox jumps over the lazy dog' 1 4000 \
    >"$W/www/bulk.txt"
  truncate -s 262144 "$W/www/bulk.txt"
  seq -f 'libdissect slow line %06g: the quick brown fox jumps over the lazy dog' 1 800 \
    >"$W/www/slow.txt"
  truncate -s 32768 "$W/www/slow.txt"
  touch -d '2024-01-01 00:00:00 UTC' "$W/www/bulk.txt" "$W/www/slow.txt"
  rmem=$(sysctl -n net.ipv4.tcp_rmem)
  for ((try = 1; try <= 5; try++)); do
    cap_start "$OUT/tcp-anomalies.pcap" lo "$TA_FILTER"
    # (a) random loss
    iptables -A INPUT -p tcp --sport 80 -m statistic --mode random --probability 0.04 -j DROP
    iptables -A INPUT -p tcp --dport 80 -m statistic --mode random --probability 0.04 -j DROP
    curl_expect 200 -- --local-port 40000-40009 -o /dev/null "$H/bulk.txt"
    iptables -F INPUT
    # (b) slow reader, tiny receive buffer
    sysctl -q -w net.ipv4.tcp_rmem='2048 4096 4096'
    curl_expect 200 -- --max-time 30 --limit-rate 4k -o /dev/null "$H/slow.txt"
    sysctl -q -w "net.ipv4.tcp_rmem=$rmem"
    # (c) keep-alives on an idle connection
    { printf 'GET /index.html HTTP/1.1\r\nHost: www.example.test\r\n\r\n'; sleep 3.5; } \
      | timeout 4.5 curl -sS --keepalive-time 1 telnet://127.0.0.1:80 >/dev/null 2>&1 || true
    cap_stop
    make_tcp_anomalies_ok "$OUT/tcp-anomalies.pcap" && return 0
    log "tcp-anomalies: some events missing, capturing again"
  done
  die "tcp-anomalies: the events did not all happen in 5 tries"
}

# story: the whole story of one HTTPS connection ----------------------------------
# Run alone with `sudo bash samples/make-samples.sh story`.  What the articles
# on HTTPS tell, for dissect --story: dig asks dnsmasq (127.0.0.1:53) for the A
# record of www.example.test; curl then fetches /index.html and /data.json over
# one HTTPS connection (TLS 1.3, HTTP/1.1) from the address dig got.  curl is
# given that address with --resolve because its own resolver would ask the
# host's resolver (/etc/resolv.conf), which this namespace cannot reach: the
# lookup in the capture is the one whose answer curl connects to.  The key log
# is written beside the capture (story.keylog).
make_story() {
  local addr got S=https://www.example.test
  cap_start "$OUT/story.pcap" lo 'port 53 or tcp port 443'
  addr=$("${DIG[@]}" +short www.example.test A) || die "story: dig failed"
  [[ $addr == 127.0.0.1 ]] || die "story: dig answered '$addr', want 127.0.0.1"
  sleep 0.2   # a visible gap between the lookup and the connection
  got=$(SSLKEYLOGFILE=$OUT/story.keylog curl --http1.1 -sS --max-time 10 --cacert "$PKI/root.pem" \
    --tlsv1.3 --resolve "www.example.test:443:$addr" -w '%{http_code} ' \
    -o /dev/null "$S/index.html" -o /dev/null "$S/data.json" | xargs) || die "story: curl failed"
  [[ $got == '200 200' ]] || die "story: curl got status '$got', want '200 200'"
  cap_stop
}

check_story() {
  check "$OUT/story.pcap" -o "tls.keylog_file:$OUT/story.keylog" -- \
    '== 1 dns.flags.response == 0 && dns.qry.name == "www.example.test"' \
    '== 1 dns.flags.response == 1 && dns.a == 127.0.0.1' \
    '== 1 tcp.flags.syn == 1 && tcp.flags.ack == 0' \
    '== 1 tls.handshake.type == 2 && tls.handshake.extensions.supported_version == 0x0304' \
    '== 2 http.request.method == "GET"' '== 2 http.response.code == 200' "$MTU_OK"
}

# https-keys: TLS captures with their key logs ----------------------------------
# Run alone with `sudo bash samples/make-samples.sh https-keys`.  Each capture
# is made against its own nginx config (written by tls_nginx_conf) on
# 127.0.0.1:443, so the server offers exactly the suites of that capture;
# nginx runs with the pid file of the main config, so cleanup stops it too.
# curl (SSLKEYLOGFILE) and openssl s_client (-keylogfile) append the secrets of
# every connection to the capture's .keylog.
#   tls12-cbc.pcap      TLS 1.2 ECDHE-RSA-AES128-SHA256 (0xc027) and
#                       ECDHE-RSA-AES256-SHA (0xc014), each with encrypt-then-MAC
#                       (curl; OpenSSL's default) and with MAC-then-encrypt
#                       (openssl s_client -no_etm)
#   tls12-chacha.pcap   TLS 1.2 ECDHE-RSA-CHACHA20-POLY1305 (0xcca8) and
#                       ECDHE-RSA-AES256-GCM-SHA384 (0xc030), 2 GETs each
#   tls13-suites.pcap   TLS 1.3 with TLS_AES_128_GCM_SHA256, TLS_CHACHA20_POLY1305_SHA256,
#                       TLS_AES_128_CCM_SHA256; a KeyUpdate each way (s_client 'K');
#                       a HelloRetryRequest (client key share X25519, server P-256 only)
#   tls12-resume.pcap   TLS 1.2 resumption by session id and by session ticket
#                       (openssl s_client -sess_out, then -sess_in)
#   tls12-rsa.pcap      TLS 1.2 RSA key exchange (AES128-GCM-SHA256, 0x009c) with
#                       tls12-rsa.key, the private key of its own throwaway leaf
#   http2.pcap          HTTP/2 over TLS 1.3: parallel streams on one connection,
#                       a POST, a gzip'd ~330 KB text, a 404
#   http2-h2c.pcap      cleartext HTTP/2 with prior knowledge on port 8080
#   https-dsb.pcapng    tls12-chacha.pcap with its key log in a Decryption Secrets Block
HK_SERVER_NAME='server_name www.example.test example.test;'

# tls_nginx_conf NAME SERVER-BLOCKS: write $W/nginx-NAME.conf (http base of the
# main config, the given server blocks)
tls_nginx_conf() {
  cat >"$W/nginx-$1.conf" <<EOF
user root root;
daemon on;
master_process on;
worker_processes 1;
pid $W/nginx.pid;
lock_file $W/nginx.lock;
error_log $W/nginx-error.log notice;
events { worker_connections 64; }
http {
    access_log off;
    server_tokens off;
    types { text/html html; text/css css; text/plain txt; application/json json; }
    default_type application/octet-stream;
    client_body_temp_path $W/nginx-tmp/body;
    proxy_temp_path $W/nginx-tmp/proxy;
    fastcgi_temp_path $W/nginx-tmp/fastcgi;
    uwsgi_temp_path $W/nginx-tmp/uwsgi;
    scgi_temp_path $W/nginx-tmp/scgi;
    sendfile off;
    keepalive_timeout 30;
$2
}
EOF
}

# tls_nginx_start NAME PORT: start nginx with $W/nginx-NAME.conf, wait for PORT
tls_nginx_start() {
  local conf=$W/nginx-$1.conf port=$2 i
  nginx -q -t -p "$W/" -c "$conf" -e "$W/nginx-error.log" 2>"$W/nginx-t.err" \
    || { cat "$W/nginx-t.err" "$W/nginx-error.log" >&2 2>/dev/null; die "nginx config $1: test failed"; }
  nginx -p "$W/" -c "$conf" -e "$W/nginx-error.log" \
    || { cat "$W/nginx-error.log" >&2; die "nginx ($1) failed to start"; }
  NGINX_UP=1
  for ((i = 0; i < 50; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  die "nginx ($1) does not listen on port $port"
}

tls_nginx_stop() {   # stop whichever nginx runs (main or tls_nginx_start), by its pid file
  [[ -n $NGINX_UP ]] || return 0
  stop_pidfile "$W/nginx.pid" QUIT
  NGINX_UP=
}

# sclient_get KEYLOG WANT-IN-OUTPUT [s_client args...]: one HTTP/1.0 GET of
# /index.html through openssl s_client; the output must contain WANT (e.g.
# "Reused, TLSv1.2"); the response must be 200.
sclient_get() {
  local keylog=$1 want=$2 out=$W/sclient.out
  shift 2
  printf 'GET /index.html HTTP/1.0\r\nHost: www.example.test\r\n\r\n' \
    | timeout 15 openssl s_client -connect 127.0.0.1:443 -servername www.example.test \
        -CAfile "$PKI/root.pem" -verify_return_error -keylogfile "$keylog" -ign_eof "$@" \
        >"$out" 2>&1 || { cat "$out" >&2; die "openssl s_client $* failed"; }
  grep -q '^HTTP/1.1 200 OK' "$out" || { cat "$out" >&2; die "s_client $*: no 200 response"; }
  grep -qF -- "$want" "$out" || { cat "$out" >&2; die "s_client $*: output lacks '$want'"; }
}

make_https_keys() {
  local ciphers k codes c h2
  local tls=(--cacert "$PKI/root.pem") S=https://www.example.test
  # Content: a text of ~330 KB that gzip shrinks only to ~250 KB (base64 of a
  # fixed AES-CTR key stream), for the large gzip'd HTTP/2 response.
  head -c 245760 /dev/zero \
    | openssl enc -aes-128-ctr -nosalt -K 00112233445566778899aabbccddeeff \
    -iv 00000000000000000000000000000000 \
    | base64 -w 76 >"$W/www/random.txt"
  touch -d '2024-01-01 00:00:00 UTC' "$W/www/random.txt"
  # A leaf of its own for the RSA key exchange capture, whose key is published.
  (
    cd "$PKI"
    exec 2>>"$PKI/openssl.log"
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out leaf-rsakx.key
    openssl req -new -key leaf-rsakx.key -subj "/O=libdissect/CN=www.example.test" -out leaf-rsakx.csr
    openssl x509 -req -in leaf-rsakx.csr -CA inter.pem -CAkey inter.key -days 825 \
      -set_serial 0x5a12 -sha256 -extfile ext.cnf -extensions leaf_rsa -out leaf-rsakx.pem
    cat leaf-rsakx.pem inter.pem >chain-rsakx.pem
    openssl verify -CAfile root.pem -untrusted inter.pem leaf-rsakx.pem >/dev/null
  ) || { cat "$PKI/openssl.log" >&2; die "certificate generation (RSA key exchange leaf) failed"; }

  # TLS 1.2, RSA leaf, the ECDHE suites of tls12-cbc/tls12-chacha/tls12-resume;
  # session cache for resumption by id, tickets on (nginx default).
  ciphers=ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256
  tls_nginx_conf tls12 "
    server {
        listen 127.0.0.1:443 ssl;
        $HK_SERVER_NAME
        root $W/www;
        ssl_protocols TLSv1.2;
        ssl_ciphers $ciphers;
        ssl_certificate $PKI/chain-rsa.pem;
        ssl_certificate_key $PKI/leaf-rsa.key;
        ssl_session_cache shared:S:1m;
        ssl_session_tickets on;
    }"
  tls_nginx_start tls12 443

  # 1. tls12-cbc: EtM (curl) and MtE (s_client -no_etm), 0xc027 and 0xc014
  k=$OUT/tls12-cbc.keylog
  cap_start "$OUT/tls12-cbc.pcap" lo 'tcp port 443'
  SSLKEYLOGFILE=$k curl_expect 200 200 -- "${tls[@]}" --tls-max 1.2 --ciphers ECDHE-RSA-AES128-SHA256 \
    -o /dev/null "$S/index.html" -o /dev/null "$S/style.css"
  SSLKEYLOGFILE=$k curl_expect 200 -- "${tls[@]}" --tls-max 1.2 --ciphers ECDHE-RSA-AES256-SHA \
    -o /dev/null "$S/data.json"
  sclient_get "$k" 'Cipher is ECDHE-RSA-AES128-SHA256' -tls1_2 -no_etm -cipher ECDHE-RSA-AES128-SHA256
  sclient_get "$k" 'Cipher is ECDHE-RSA-AES256-SHA' -tls1_2 -no_etm -cipher ECDHE-RSA-AES256-SHA
  cap_stop

  # 2. tls12-chacha
  k=$OUT/tls12-chacha.keylog
  cap_start "$OUT/tls12-chacha.pcap" lo 'tcp port 443'
  for c in ECDHE-RSA-CHACHA20-POLY1305 ECDHE-RSA-AES256-GCM-SHA384; do
    SSLKEYLOGFILE=$k curl_expect 200 200 -- "${tls[@]}" --tls-max 1.2 --ciphers "$c" \
      -o /dev/null "$S/index.html" -o /dev/null "$S/data.json"
  done
  cap_stop

  # 4. tls12-resume: by session id (client sends no ticket extension), then by ticket
  k=$OUT/tls12-resume.keylog
  cap_start "$OUT/tls12-resume.pcap" lo 'tcp port 443'
  sclient_get "$k" 'New, TLSv1.2' -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 -no_ticket \
    -sess_out "$W/sess-id.pem"
  sclient_get "$k" 'Reused, TLSv1.2' -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 -no_ticket \
    -sess_in "$W/sess-id.pem"
  sclient_get "$k" 'New, TLSv1.2' -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 \
    -sess_out "$W/sess-ticket.pem"
  grep -q 'TLS session ticket:' "$W/sclient.out" || die "tls12-resume: no session ticket issued"
  sclient_get "$k" 'Reused, TLSv1.2' -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 \
    -sess_in "$W/sess-ticket.pem"
  cap_stop
  tls_nginx_stop

  # 5. tls12-rsa: RSA key exchange with its own leaf
  tls_nginx_conf tls12-rsa "
    server {
        listen 127.0.0.1:443 ssl;
        $HK_SERVER_NAME
        root $W/www;
        ssl_protocols TLSv1.2;
        ssl_ciphers AES128-GCM-SHA256;
        ssl_certificate $PKI/chain-rsakx.pem;
        ssl_certificate_key $PKI/leaf-rsakx.key;
    }"
  tls_nginx_start tls12-rsa 443
  k=$OUT/tls12-rsa.keylog
  cap_start "$OUT/tls12-rsa.pcap" lo 'tcp port 443'
  SSLKEYLOGFILE=$k curl_expect 200 200 -- "${tls[@]}" --tls-max 1.2 --ciphers AES128-GCM-SHA256 \
    -o /dev/null "$S/index.html" -o /dev/null "$S/data.json"
  cap_stop
  tls_nginx_stop
  cp "$PKI/leaf-rsakx.key" "$OUT/tls12-rsa.key"

  # 3. tls13-suites: the server has the 3 suites and the group P-256 only.
  tls_nginx_conf tls13 "
    server {
        listen 127.0.0.1:443 ssl;
        $HK_SERVER_NAME
        root $W/www;
        ssl_protocols TLSv1.3;
        ssl_conf_command Ciphersuites TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256;
        ssl_ecdh_curve prime256v1;
        ssl_certificate $PKI/chain-ec.pem;
        ssl_certificate_key $PKI/leaf-ec.key;
    }"
  tls_nginx_start tls13 443
  k=$OUT/tls13-suites.keylog
  cap_start "$OUT/tls13-suites.pcap" lo 'tcp port 443'
  for c in TLS_AES_128_GCM_SHA256 TLS_CHACHA20_POLY1305_SHA256 TLS_AES_128_CCM_SHA256; do
    SSLKEYLOGFILE=$k curl_expect 200 -- "${tls[@]}" --tlsv1.3 --curves P-256 --tls13-ciphers "$c" \
      -o /dev/null "$S/index.html"
  done
  # KeyUpdate: 'K' on its own line makes s_client send a KeyUpdate with
  # update_requested, so the server sends one too; then a GET.  No -ign_eof
  # here: stdin stays open until nginx closes the connection (HTTP/1.0).
  { sleep 0.5; echo K; sleep 0.5; printf 'GET /index.html HTTP/1.0\r\nHost: www.example.test\r\n\r\n'; sleep 3; } \
    | timeout 10 openssl s_client -connect 127.0.0.1:443 -servername www.example.test \
        -CAfile "$PKI/root.pem" -verify_return_error -keylogfile "$k" -groups P-256 \
        >"$W/sclient.out" 2>&1 || true
  grep -q '^HTTP/1.1 200 OK' "$W/sclient.out" || { cat "$W/sclient.out" >&2; die "tls13 KeyUpdate: no 200 response"; }
  grep -q '^KEYUPDATE' "$W/sclient.out" || { cat "$W/sclient.out" >&2; die "tls13: s_client did not send KeyUpdate"; }
  # HelloRetryRequest: curl sends a key share for X25519 only.
  SSLKEYLOGFILE=$k curl_expect 200 -- "${tls[@]}" --tlsv1.3 --curves X25519:P-256 \
    -o /dev/null "$S/index.html"
  cap_stop
  tls_nginx_stop

  # 6. + 7. HTTP/2 over TLS 1.3 on 443, cleartext HTTP/2 on 8080; POST /post
  # is proxied to a backend on 8081 (not captured) so that nginx reads the body.
  tls_nginx_conf h2 "
    gzip on;
    gzip_types text/plain text/css application/json;
    gzip_min_length 0;
    server {
        listen 127.0.0.1:443 ssl http2;
        listen 127.0.0.1:8080 http2;
        $HK_SERVER_NAME
        root $W/www;
        ssl_protocols TLSv1.3;
        ssl_certificate $PKI/chain-ec.pem;
        ssl_certificate_key $PKI/leaf-ec.key;
        location = /post {
            proxy_pass http://127.0.0.1:8081/post;
            proxy_request_buffering on;
        }
    }
    server {
        listen 127.0.0.1:8081;
        location / {
            default_type text/plain;
            return 200 \"received \$content_length bytes\n\";
        }
    }"
  tls_nginx_start h2 443
  k=$OUT/http2.keylog
  cap_start "$OUT/http2.pcap" lo 'tcp port 443'
  # One connection: curl -Z waits for the first connection and multiplexes the
  # other transfers onto it (no --parallel-immediate, which would open more).
  # The POST is a second curl operation (--next) with the same options, run in
  # parallel with the others and multiplexed onto the same connection.
  h2=("${CURL[@]:1}" --http2 "${tls[@]}" --compressed -w '%{http_code}\n')
  codes=$(SSLKEYLOGFILE=$k curl -sS -Z "${h2[@]}" \
    -o /dev/null "$S/index.html" -o /dev/null "$S/style.css" -o /dev/null "$S/data.json" \
    -o /dev/null "$S/random.txt" -o /dev/null "$S/no-such-page.html" \
    --next "${h2[@]}" -o /dev/null -H 'Content-Type: application/x-www-form-urlencoded' \
    --data-binary "@$W/post-small.txt" "$S/post" 2>"$W/curl-h2.err" | sort | xargs) \
    || { cat "$W/curl-h2.err" >&2; die "curl --http2 failed"; }
  [[ $codes == '200 200 200 200 200 404' ]] || die "http2: got status '$codes'"
  cap_stop
  # h2c: nghttp, not curl: curl 7.88.1 fails the second request on a reused
  # prior-knowledge connection ("Error in the HTTP2 framing layer").
  # --no-dep: no PRIORITY frames for nghttp's dependency tree.
  cap_start "$OUT/http2-h2c.pcap" lo 'tcp port 8080'
  timeout 10 nghttp -n --no-dep -H ':authority: www.example.test:8080' -H 'user-agent: nghttp' \
    http://127.0.0.1:8080/index.html http://127.0.0.1:8080/data.json >"$W/nghttp.out" 2>&1 \
    || { cat "$W/nghttp.out" >&2; die "nghttp (h2c) failed"; }
  cap_stop
  tls_nginx_stop

  # 8. the key log inside the capture (pcapng Decryption Secrets Block)
  editcap --inject-secrets "tls,$OUT/tls12-chacha.keylog" "$OUT/tls12-chacha.pcap" \
    "$OUT/https-dsb.pcapng" || die "editcap --inject-secrets failed"
}

HRR_RANDOM=cf:21:ad:74:e5:9a:61:11:be:1d:8c:02:1e:65:b8:91:c2:a2:11:16:7a:bb:8c:5e:07:9e:09:e2:c8:a8:33:9c
check_https_keys() {
  local f
  check "$OUT/tls12-cbc.pcap" -o "tls.keylog_file:$OUT/tls12-cbc.keylog" -- \
    '== 2 tls.handshake.type == 2 && tls.handshake.ciphersuite == 0xc027' \
    '== 2 tls.handshake.type == 2 && tls.handshake.ciphersuite == 0xc014' \
    '== 2 tls.handshake.type == 2 && tls.handshake.extension.type == 22' \
    '== 5 http.request' '== 5 http.response.code == 200' "$MTU_OK"
  check "$OUT/tls12-chacha.pcap" -o "tls.keylog_file:$OUT/tls12-chacha.keylog" -- \
    '== 1 tls.handshake.type == 2 && tls.handshake.ciphersuite == 0xcca8' \
    '== 1 tls.handshake.type == 2 && tls.handshake.ciphersuite == 0xc030' \
    '== 4 http.request' '== 4 http.response.code == 200' "$MTU_OK"
  check "$OUT/tls13-suites.pcap" -o "tls.keylog_file:$OUT/tls13-suites.keylog" -- \
    '== 1 tls.handshake.type == 2 && tls.handshake.ciphersuite == 0x1301 && !(tls.handshake.random == '"$HRR_RANDOM"')' \
    '>= 1 tls.handshake.type == 2 && tls.handshake.ciphersuite == 0x1303' \
    '== 1 tls.handshake.type == 2 && tls.handshake.ciphersuite == 0x1304' \
    '== 1 tls.handshake.random == '"$HRR_RANDOM" \
    '== 2 tls.handshake.type == 24' \
    '== 5 http.request' '== 5 http.response.code == 200' "$MTU_OK"
  check "$OUT/tls12-resume.pcap" -o "tls.keylog_file:$OUT/tls12-resume.keylog" -- \
    '== 4 tls.handshake.type == 2' '== 2 tls.handshake.type == 11' \
    '>= 1 tls.handshake.type == 4' \
    '== 4 http.request' '== 4 http.response.code == 200' "$MTU_OK"
  check "$OUT/tls12-rsa.pcap" -o "uat:rsa_keys:\"$OUT/tls12-rsa.key\",\"\"" -- \
    '== 1 tls.handshake.type == 2 && tls.handshake.ciphersuite == 0x009c' \
    '== 2 http.request' '== 2 http.response.code == 200' "$MTU_OK"
  check "$OUT/tls12-rsa.pcap" -o "tls.keylog_file:$OUT/tls12-rsa.keylog" -- '== 2 http.request'
  check "$OUT/http2.pcap" -o "tls.keylog_file:$OUT/http2.keylog" -- \
    '== 1 tls.handshake.type == 1' \
    '>= 6 http2.type == 1 && http2.headers.method' \
    '== 1 http2.headers.method == "POST"' '== 1 http2.headers.status == 404' \
    '>= 1 http2.header.value == "gzip"' "$MTU_OK"
  check "$OUT/http2-h2c.pcap" -- '== 1 tcp.flags.syn == 1 && tcp.flags.ack == 0' \
    '== 1 http2.headers.path == "/index.html"' '== 1 http2.headers.path == "/data.json"' \
    '>= 1 http2.headers.status == 200' '== 0 http2.headers.status != 200' "$MTU_OK"
  check "$OUT/https-dsb.pcapng" -- '== 4 http.request' '== 4 http.response.code == 200'
  capinfos -t "$OUT/https-dsb.pcapng" | grep pcapng >/dev/null || die "https-dsb.pcapng is not pcapng"
  for f in "$OUT"/http2.pcap "$OUT"/tls1*.pcap "$OUT"/http2-h2c.pcap "$OUT"/https-dsb.pcapng; do
    (($(stat -c %s "$f") < 1000000)) || die "$f is too large"
  done
}

# https-more: an intercepting proxy, TLS 1.3 0-RTT, the h2c upgrade -------------
# Run alone with `sudo bash samples/make-samples.sh https-more`.
#   https-proxy.pcap    curl -> mitmproxy (mitmdump, regular proxy mode on
#                       127.0.0.1:8080, CA made in its own confdir) -> nginx on
#                       127.0.0.1:443 (the sample chain), 2 GETs: the CONNECT
#                       exchange, the client<->proxy TLS leg (a leaf made on the
#                       fly by mitmproxy's CA, which curl trusts with --cacert)
#                       and the proxy<->server TLS leg.  https-proxy.keylog holds
#                       curl's key log and mitmproxy's (both legs), merged.
#   tls13-0rtt.pcap     TLS 1.3 resumption with 0-RTT early data against nginx
#                       (ssl_early_data on): openssl s_client -sess_out, then
#                       -sess_in -early_data with an HTTP request as early data
#   http2-upgrade.pcap  cleartext HTTP/1.1 -> HTTP/2 upgrade (Upgrade: h2c,
#                       HTTP2-Settings, 101 Switching Protocols) by nghttp -u
#                       against Apache httpd (mod_http2) on port 8080, 2 GETs
# The servers of this mode run in the background; their PIDs go to MORE_PIDS
# so that cleanup stops them too.

# more_stop PID: SIGTERM, wait up to 5 s, then SIGKILL; reap it
more_stop() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
# more_forget PID: stop it and drop it from MORE_PIDS
more_forget() {
  local p keep=()
  more_stop "$1"
  for p in "${MORE_PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
  MORE_PIDS=("${keep[@]}")
}
# more_wait PID LOG PORT [TEXT]: wait (up to 10 s) until LOG holds TEXT, or
# without TEXT until PORT accepts a connection; PID must stay alive meanwhile
more_wait() {
  local pid=$1 logf=$2 port=$3 text=${4:-} i
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || { cat "$logf" >&2; die "server for port $port exited"; }
    if [[ -n $text ]]; then
      grep -qsF -- "$text" "$logf" && return 0
    else
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    fi
    sleep 0.1
  done
  cat "$logf" >&2
  die "port $port: server not ready"
}

# with_hosts CMD...: exec CMD in a mount namespace of its own where
# $W/more-hosts (www.example.test = 127.0.0.1) is bind-mounted on /etc/hosts,
# so that it resolves the sample name without DNS.  It replaces the shell that
# runs it: call it in a subshell, `(with_hosts CMD...)` or `with_hosts CMD... &`
# (then $! is the PID of CMD itself).
with_hosts() {
  exec unshare --mount --propagation private -- \
    bash -c 'mount --bind "$0" /etc/hosts && exec "$@"' "$W/more-hosts" "$@"
}

make_https_more() {
  local k out pid ca i S=https://www.example.test
  local tls=(--cacert "$PKI/root.pem")

  # 1. https-proxy: curl -> mitmdump :8080 -> nginx :443.  nginx has the HTTPS
  # server of the main config, alone (the main config's backend holds 8080).
  tls_nginx_conf proxy "
    server {
        listen 127.0.0.1:443 ssl;
        $HK_SERVER_NAME
        root $W/www;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_certificate $PKI/chain-ec.pem;
        ssl_certificate_key $PKI/leaf-ec.key;
        ssl_certificate $PKI/chain-rsa.pem;
        ssl_certificate_key $PKI/leaf-rsa.key;
    }"
  tls_nginx_start proxy 443
  # mitmproxy resolves www.example.test itself (curl sends it the name in
  # CONNECT): it runs in a mount namespace of its own where a private hosts
  # file is bind-mounted on /etc/hosts.  It verifies nginx against the sample
  # root.  SSLKEYLOGFILE: mitmproxy logs the secrets of both legs.
  mkdir -p "$W/mitm"
  printf '127.0.0.1\tlocalhost www.example.test\n' >"$W/more-hosts"
  SSLKEYLOGFILE=$W/mitm.keylog PYTHONUNBUFFERED=1 with_hosts mitmdump --listen-host 127.0.0.1 --listen-port 8080 --set "confdir=$W/mitm" \
    --set "ssl_verify_upstream_trusted_ca=$PKI/root.pem" >"$W/mitmdump.log" 2>&1 &
  pid=$!
  MORE_PIDS+=("$pid")
  # (ready when it says so: a probe connection would still be closing later)
  more_wait "$pid" "$W/mitmdump.log" 8080 'Proxy server listening at 127.0.0.1:8080'
  ca=$W/mitm/mitmproxy-ca-cert.pem
  [[ -s $ca ]] || { cat "$W/mitmdump.log" >&2; die "mitmproxy made no CA ($ca)"; }
  cap_start "$OUT/https-proxy.pcap" lo 'tcp port 8080 or tcp port 443'
  SSLKEYLOGFILE=$W/curl-proxy.keylog curl_expect 200 200 -- --proxy http://127.0.0.1:8080 \
    --cacert "$ca" -o /dev/null "$S/index.html" -o /dev/null "$S/data.json"
  cap_stop
  more_forget "$pid"
  tls_nginx_stop
  grep -q 'GET https://www.example.test/data.json' "$W/mitmdump.log" \
    || { cat "$W/mitmdump.log" >&2; die "https-proxy: mitmdump did not log the GETs"; }
  # One key log: curl's (client leg), then mitmproxy's (both legs); a line
  # both wrote is kept once.
  cat "$W/curl-proxy.keylog" "$W/mitm.keylog" | awk 'NF && !seen[$0]++' >"$OUT/https-proxy.keylog"

  # 2. tls13-0rtt: nginx with ssl_early_data; it names the requests that came
  # in early data with the response header X-Early-Data: 1 ($ssl_early_data).
  tls_nginx_conf 0rtt "
    server {
        listen 127.0.0.1:443 ssl;
        $HK_SERVER_NAME
        root $W/www;
        ssl_protocols TLSv1.3;
        ssl_certificate $PKI/chain-ec.pem;
        ssl_certificate_key $PKI/leaf-ec.key;
        ssl_session_cache shared:E:1m;
        ssl_session_tickets on;
        ssl_early_data on;
        add_header X-Early-Data \$ssl_early_data always;
    }"
  tls_nginx_start 0rtt 443
  # HTTP/1.1 requests (keep-alive): the client, not nginx, closes each connection
  # (close_notify on end of input), so no RST ends them.
  local get='GET %s HTTP/1.1\r\nHost: www.example.test\r\n\r\n' try
  # shellcheck disable=SC2059
  printf "$get" /data.json >"$W/early.txt"
  # Whether nginx answers the early request before the client's Finished
  # arrives (X-Early-Data: 1) or after it is a race: capture again (up to 5
  # times) until it answers before.
  for ((try = 1; try <= 5; try++)); do
    k=$OUT/tls13-0rtt.keylog
    rm -f "$k" "$W/sess-0rtt.pem"
    cap_start "$OUT/tls13-0rtt.pcap" lo 'tcp port 443'
    # (a) full handshake, one GET; the session (with its ticket) goes to a file
    out=$W/sclient-0rtt-a.out
    # shellcheck disable=SC2059
    { sleep 0.3; printf "$get" /index.html; sleep 1; } \
      | timeout 15 openssl s_client -connect 127.0.0.1:443 -servername www.example.test \
          -CAfile "$PKI/root.pem" -verify_return_error -keylogfile "$k" -tls1_3 \
          -sess_out "$W/sess-0rtt.pem" >"$out" 2>&1 || { cat "$out" >&2; die "s_client (0-RTT a) failed"; }
    grep -q 'New, TLSv1.3' "$out" && grep -q '^HTTP/1.1 200 OK' "$out" \
      || { cat "$out" >&2; die "tls13-0rtt: first connection failed"; }
    [[ -s $W/sess-0rtt.pem ]] || die "tls13-0rtt: no session saved"
    # (b) resumption with the ticket: GET /data.json as early data in the first
    # flight, then GET /index.html after the handshake, on the same connection
    out=$W/sclient-0rtt-b.out
    # shellcheck disable=SC2059
    { sleep 0.5; printf "$get" /index.html; sleep 1; } \
      | timeout 15 openssl s_client -connect 127.0.0.1:443 -servername www.example.test \
          -CAfile "$PKI/root.pem" -verify_return_error -keylogfile "$k" -tls1_3 \
          -sess_in "$W/sess-0rtt.pem" -early_data "$W/early.txt" >"$out" 2>&1 \
      || { cat "$out" >&2; die "s_client (0-RTT b) failed"; }
    cap_stop
    grep -q 'Reused, TLSv1.3' "$out" && grep -q '^Early data was accepted' "$out" \
      && (($(grep -c '^HTTP/1.1 200 OK' "$out") == 2)) \
      || { cat "$out" >&2; die "tls13-0rtt: early data not accepted, or a response missing"; }
    grep -q '^X-Early-Data: 1' "$out" && break
    log "tls13-0rtt: the early request was answered after the handshake, capturing again"
  done
  ((try <= 5)) || die "tls13-0rtt: no answer before the client's Finished in 5 tries"
  tls_nginx_stop

  # 3. http2-upgrade: Apache httpd with mod_http2 (Protocols h2c http/1.1) on
  # 8080.  (nghttpd cannot be used: it speaks HTTP/2 with prior knowledge only
  # and answers an Upgrade request with its SETTINGS.)  nghttp -u sends the
  # first request as HTTP/1.1 with Upgrade: h2c and HTTP2-Settings; Apache
  # answers 101 and sends the response as stream 1 of HTTP/2; the second
  # request is stream 3.  Apache refuses to serve as root, so its workers run
  # as www-data: the work directory becomes traversable (711) meanwhile, the
  # key directory is closed (700) and the document root is a copy.
  local A=$W/apache
  mkdir -p "$A/www"
  cp -p "$W/www/index.html" "$W/www/data.json" "$A/www/"
  chmod 755 "$A" "$A/www"; chmod 644 "$A/www"/*
  chmod 700 "$PKI"; chmod 711 "$W"
  cat >"$A/httpd.conf" <<EOF
ServerRoot $A
ServerName www.example.test
ServerTokens Prod
Listen 127.0.0.1:8080
PidFile $A/httpd.pid
DefaultRuntimeDir $A
Mutex file:$A default
ErrorLog $A/error.log
LogLevel warn
User www-data
Group www-data
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so
LoadModule dir_module /usr/lib/apache2/modules/mod_dir.so
LoadModule http2_module /usr/lib/apache2/modules/mod_http2.so
StartServers 1
ServerLimit 1
ThreadsPerChild 4
MaxRequestWorkers 4
MinSpareThreads 1
MaxSpareThreads 4
TypesConfig /dev/null
AddType text/html .html
AddType application/json .json
DocumentRoot $A/www
<Directory $A/www>
    Require all granted
</Directory>
Protocols h2c http/1.1
H2Upgrade on
H2Push off
EOF
  apache2 -d "$A" -f "$A/httpd.conf" -DFOREGROUND >"$A/stdout.log" 2>&1 &
  pid=$!
  MORE_PIDS+=("$pid")
  more_wait "$pid" "$A/stdout.log" 8080
  sleep 0.3   # the probe connection is closed before the capture starts
  cap_start "$OUT/http2-upgrade.pcap" lo 'tcp port 8080'
  (with_hosts timeout 10 nghttp -u -n --no-dep -H 'user-agent: nghttp' -s \
    http://www.example.test:8080/index.html http://www.example.test:8080/data.json \
    >"$W/nghttp-u.out" 2>&1) || { cat "$W/nghttp-u.out" "$A/stdout.log" "$A/error.log" >&2; die "nghttp -u (h2c upgrade) failed"; }
  cap_stop
  more_forget "$pid"
  chmod 700 "$W"
  cat "$W/nghttp-u.out" >&2
}

# check_https_more: the tshark checks of make_https_more's captures
check_https_more() {
  local MITM='(x509sat.uTF8String == "mitmproxy" || x509sat.printableString == "mitmproxy")'
  local INTER='(x509sat.uTF8String == "libdissect Sample Intermediate CA" || x509sat.printableString == "libdissect Sample Intermediate CA")'
  check "$OUT/https-proxy.pcap" -o "tls.keylog_file:$OUT/https-proxy.keylog" -- \
    '== 1 http.request.method == "CONNECT"' \
    '== 2 http.request.method == "GET" && tcp.dstport == 8080' \
    '== 2 http.request.method == "GET" && tcp.dstport == 443' \
    '== 2 http.response.code == 200 && tcp.srcport == 8080 && tls' \
    '== 2 http.response.code == 200 && tcp.srcport == 443' \
    '== 1 tls.handshake.type == 11 && tcp.srcport == 8080 && '"$MITM"' && !'"$INTER" \
    '== 1 tls.handshake.type == 11 && tcp.srcport == 443 && '"$INTER"' && !'"$MITM" \
    "$MTU_OK"
  check "$OUT/tls13-0rtt.pcap" -o "tls.keylog_file:$OUT/tls13-0rtt.keylog" -- \
    '== 2 tls.handshake.type == 1' '== 1 tls.handshake.type == 11' \
    '== 1 tls.handshake.type == 1 && tls.handshake.extension.type == 42 && http.request.uri == "/data.json"' \
    '== 1 tls.handshake.type == 8 && tls.handshake.extension.type == 42' \
    '== 1 tls.handshake.type == 5' \
    '== 3 http.request' '== 3 http.response.code == 200' \
    '== 1 http.response.line contains "X-Early-Data: 1"' "$MTU_OK"
  check "$OUT/http2-upgrade.pcap" -- \
    '== 1 tcp.flags.syn == 1 && tcp.flags.ack == 0' \
    '== 1 http.request.method == "GET" && http.upgrade == "h2c"' \
    '== 1 http.response.code == 101' \
    '== 1 http2.headers.path == "/data.json"' '>= 1 http2.type == 1 && http2.streamid == 1' \
    '>= 2 http2.headers.status == 200' '== 0 http2.headers.status != 200' "$MTU_OK"
  for f in "$OUT"/https-proxy.pcap "$OUT"/tls13-0rtt.pcap "$OUT"/http2-upgrade.pcap; do
    (($(stat -c %s "$f") < 1000000)) || die "$f is too large"
  done
}

# intercept: a proxy whose root the client "installed" ------------------------------
# Run alone with `sudo bash samples/make-samples.sh intercept`.
#   https-intercept.pcap  curl -> mitmproxy -> nginx as https-proxy.pcap, one GET,
#                         but mitmproxy forges its leaves under a root made here
#                         ("libdissect Sample User-installed Root", RSA 2048, in
#                         its confdir as mitmproxy-ca.pem), which curl trusts
#                         (--cacert) as a user would install it.  Key log of both
#                         legs: https-intercept.keylog.
#   intercept-user-root.pem    that root's certificate (no key)
#   intercept-server-root.pem  the sample root that nginx's chain ends at (no key)
# With both roots given to dissect --ca-file, the proxy's leg to nginx is trusted
# and the client's leg is trusted only under the user-installed root.
make_intercept() {
  local pid S=https://www.example.test ca=$W/icpt
  mkdir -p "$ca"
  (
    cd "$ca"
    exec 2>"$ca/openssl.log"
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key.pem
    openssl req -x509 -new -key key.pem -sha256 -days 3650 -set_serial 0x5a77 \
      -subj "/O=libdissect/CN=libdissect Sample User-installed Root" \
      -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign" -out cert.pem
    cat key.pem cert.pem >mitmproxy-ca.pem
  ) || { cat "$ca/openssl.log" >&2; die "intercept: making the user-installed root failed"; }
  tls_nginx_conf intercept "
    server {
        listen 127.0.0.1:443 ssl;
        $HK_SERVER_NAME
        root $W/www;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_certificate $PKI/chain-ec.pem;
        ssl_certificate_key $PKI/leaf-ec.key;
    }"
  tls_nginx_start intercept 443
  printf '127.0.0.1\tlocalhost www.example.test\n' >"$W/more-hosts"
  SSLKEYLOGFILE=$W/icpt-mitm.keylog PYTHONUNBUFFERED=1 with_hosts mitmdump --listen-host 127.0.0.1 \
    --listen-port 8080 --set "confdir=$ca" --set "ssl_verify_upstream_trusted_ca=$PKI/root.pem" \
    >"$W/icpt-mitmdump.log" 2>&1 &
  pid=$!
  MORE_PIDS+=("$pid")
  more_wait "$pid" "$W/icpt-mitmdump.log" 8080 'Proxy server listening at 127.0.0.1:8080'
  cap_start "$OUT/https-intercept.pcap" lo 'tcp port 8080 or tcp port 443'
  SSLKEYLOGFILE=$W/icpt-curl.keylog curl_expect 200 -- --proxy http://127.0.0.1:8080 \
    --cacert "$ca/cert.pem" -o /dev/null "$S/index.html"
  cap_stop
  more_forget "$pid"
  tls_nginx_stop
  grep -q 'GET https://www.example.test/index.html' "$W/icpt-mitmdump.log" \
    || { cat "$W/icpt-mitmdump.log" >&2; die "intercept: mitmdump did not log the GET"; }
  cat "$W/icpt-curl.keylog" "$W/icpt-mitm.keylog" | awk 'NF && !seen[$0]++' \
    >"$OUT/https-intercept.keylog"
  cp "$ca/cert.pem" "$OUT/intercept-user-root.pem"
  cp "$PKI/root.pem" "$OUT/intercept-server-root.pem"
}

check_intercept() {
  local f=$OUT/https-intercept.pcap U="libdissect Sample User-installed Root"
  check "$f" -o "tls.keylog_file:$OUT/https-intercept.keylog" -- \
    '>= 2 tls.handshake.type == 11' '>= 2 http.request' '>= 2 http.response.code == 200' \
    "== 1 tls.handshake.type == 11 && (x509sat.printableString == \"$U\" || x509sat.uTF8String == \"$U\")" \
    "$MTU_OK"
  openssl x509 -in "$OUT/intercept-user-root.pem" -noout -subject | grep -q "$U" \
    || die "intercept-user-root.pem: not the user-installed root"
  (($(stat -c %s "$f") < 1000000)) || die "$f is too large"
}

# make_ocsp: stapled OCSP responses, made by openssl ocsp from an index of the
# intermediate CA (which signs them itself), given to nginx as files
# (ssl_stapling_file): "good" for the ECDSA leaf on port 443, "revoked"
# (keyCompromise) on port 8443. Clients ask for the status (status_request):
# curl --cert-status over TLS 1.3 and TLS 1.2 to 443, which checks the
# response; openssl s_client -status over TLS 1.3 to 8443.
make_ocsp() {
  local o=$W/ocsp serial exp rev
  mkdir -p "$o"
  serial=$(openssl x509 -in "$PKI/leaf-ec.pem" -noout -serial | cut -d= -f2)
  exp=$(date -u -d '+800 days' +%y%m%d%H%M%SZ)
  rev=$(date -u -d '-1 day' +%y%m%d%H%M%SZ)
  local subj="/O=libdissect/CN=www.example.test"
  printf 'V\t%s\t\t%s\tunknown\t%s\n' "$exp" "$serial" "$subj" >"$o/good.txt"
  printf 'R\t%s\t%s,keyCompromise\t%s\tunknown\t%s\n' "$exp" "$rev" "$serial" "$subj" \
    >"$o/revoked.txt"
  (
    cd "$o"
    exec 2>"$o/openssl.log"
    openssl ocsp -issuer "$PKI/inter.pem" -cert "$PKI/leaf-ec.pem" -no_nonce -reqout req.der
    for st in good revoked; do
      openssl ocsp -index "$st.txt" -CA "$PKI/inter.pem" -rsigner "$PKI/inter.pem" \
        -rkey "$PKI/inter.key" -reqin req.der -ndays 30 -respout "$st.der"
      openssl ocsp -respin "$st.der" -issuer "$PKI/inter.pem" -cert "$PKI/leaf-ec.pem" \
        -CAfile "$PKI/root.pem" -no_nonce >"$st.check"
    done
  ) || { cat "$o/openssl.log" >&2; die "ocsp: making the responses failed"; }
  grep -q ': good' "$o/good.check" || { cat "$o/good.check" >&2; die "ocsp: good response"; }
  grep -q ': revoked' "$o/revoked.check" || { cat "$o/revoked.check" >&2; die "ocsp: revoked"; }
  tls_nginx_conf ocsp "
    server {
        listen 127.0.0.1:443 ssl;
        $HK_SERVER_NAME
        root $W/www;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_certificate $PKI/chain-ec.pem;
        ssl_certificate_key $PKI/leaf-ec.key;
        ssl_stapling on;
        ssl_stapling_file $o/good.der;
    }
    server {
        listen 127.0.0.1:8443 ssl;
        $HK_SERVER_NAME
        root $W/www;
        ssl_protocols TLSv1.3;
        ssl_certificate $PKI/chain-ec.pem;
        ssl_certificate_key $PKI/leaf-ec.key;
        ssl_stapling on;
        ssl_stapling_file $o/revoked.der;
    }"
  tls_nginx_start ocsp 443
  local k=$OUT/tls-ocsp.keylog S=https://www.example.test
  cap_start "$OUT/tls-ocsp.pcap" lo 'tcp port 443 or tcp port 8443'
  SSLKEYLOGFILE=$k curl_expect 200 -- --cacert "$PKI/root.pem" --cert-status --tlsv1.3 \
    -o /dev/null "$S/index.html"
  SSLKEYLOGFILE=$k curl_expect 200 -- --cacert "$PKI/root.pem" --cert-status --tlsv1.2 \
    --tls-max 1.2 -o /dev/null "$S/index.html"
  printf 'GET /index.html HTTP/1.0\r\nHost: www.example.test\r\n\r\n' \
    | timeout 15 openssl s_client -connect 127.0.0.1:8443 -servername www.example.test \
      -CAfile "$PKI/root.pem" -status -tls1_3 -keylogfile "$k" -ign_eof >"$W/ocsp-sclient.out" 2>&1 \
    || { cat "$W/ocsp-sclient.out" >&2; die "ocsp: openssl s_client to 8443 failed"; }
  cap_stop
  tls_nginx_stop
  grep -q 'Cert Status: revoked' "$W/ocsp-sclient.out" \
    || { cat "$W/ocsp-sclient.out" >&2; die "ocsp: s_client saw no revoked status"; }
  grep -q '^HTTP/1.1 200 OK' "$W/ocsp-sclient.out" \
    || { cat "$W/ocsp-sclient.out" >&2; die "ocsp: s_client got no 200 response"; }
  cp "$PKI/root.pem" "$OUT/ocsp-root.pem"
}

check_ocsp() {
  check "$OUT/tls-ocsp.pcap" -o "tls.keylog_file:$OUT/tls-ocsp.keylog" -- \
    '== 3 tls.handshake.type == 1 && tls.handshake.extension.type == 5' \
    '== 1 tls.handshake.type == 22 && ocsp.responseStatus == 0' \
    '== 2 tls.handshake.type == 11 && ocsp.responseStatus == 0' \
    '== 1 ocsp.revoked_element && ocsp.revocationReason == 1' \
    '>= 3 http.response.code == 200' "$MTU_OK"
}

H=http://www.example.test
if [[ $ONLY != https-keys && $ONLY != https-more && $ONLY != intercept && $ONLY != ocsp ]]; then
dnsmasq_start
nginx_start
if [[ -z $ONLY ]]; then

# 1. DNS over UDP -----------------------------------------------------------
cap_start "$OUT/dns.pcap" lo 'udp port 53'
dig_expect NOERROR +noedns www.example.test A
dig_expect NOERROR +noedns www.example.test AAAA
dig_expect NOERROR +noedns alias.example.test CNAME
dig_expect NOERROR +noedns alias.example.test A
dig_expect NOERROR +noedns example.test MX
dig_expect NOERROR example.test TXT
dig_expect NOERROR _http._tcp.example.test SRV
dig_expect NOERROR +noedns -x 127.0.0.1
dig_expect NOERROR -x ::1
dig_expect NOERROR +noedns example.test SOA
dig_expect NOERROR +noedns example.test NS
dig_expect NXDOMAIN +noedns nosuchhost.example.test A
dig_expect NOERROR +edns=0 +bufsize=1232 +nsid +cookie www.example.test A
dig_expect NXDOMAIN +edns=0 +bufsize=1232 +nocookie missing.example.test AAAA
cap_stop

# 2. DNS over TCP -------------------------------------------------------------
cap_start "$OUT/dns-tcp.pcap" lo 'tcp port 53'
dig_expect NOERROR +tcp +noedns www.example.test A
dig_expect NOERROR +tcp example.test MX
dig_expect NXDOMAIN +tcp +noedns nosuchhost.example.test A
"${DIG[@]}" +tcp example.test AXFR | grep 'XFR size' >/dev/null || die "AXFR failed"
cap_stop

# 3. HTTP ---------------------------------------------------------------------
cap_start "$OUT/http.pcap" lo 'tcp port 80'
curl_expect 200 -- -o /dev/null "$H/index.html"                                   # (a)
curl_expect 200 -- -o /dev/null "$H/large.txt"                                    # (b)
curl_expect 200 200 200 -- -o /dev/null "$H/index.html" -o /dev/null "$H/style.css" \
  -o /dev/null "$H/data.json"                                                     # (c)
curl_expect 200 -- -o /dev/null "$H/sub/page.txt"                                 # (d) chunked
curl_expect 200 -- -o /dev/null --compressed "$H/index.html"                      # (d) gzip+chunked
curl_expect 200 -- -o /dev/null -H 'Content-Type: application/x-www-form-urlencoded' \
  --data-binary "@$W/post-small.txt" "$H/post"                                    # (e)
curl_expect 200 -- -o /dev/null -H 'Content-Type: text/plain' -H 'Expect: 100-continue' \
  --data-binary "@$W/post-large.txt" "$H/post"                                    # (e) Expect: 100-continue
curl_expect 404 -- -o /dev/null "$H/no-such-page.html"                            # (f)
curl_expect 200 -- -o /dev/null -I "$H/large.txt"                                 # HEAD
cap_stop

# 7. HTTP as pcapng -----------------------------------------------------------
cap_start "$W/http-small.pcap" lo 'tcp port 80'
curl_expect 200 200 -- -o /dev/null "$H/index.html" -o /dev/null "$H/data.json"
cap_stop
editcap -F pcapng -a '1:libdissect sample: HTTP/1.1 GET over loopback' \
  "$W/http-small.pcap" "$OUT/http.pcapng"

# 4. HTTPS --------------------------------------------------------------------
S=https://www.example.test
CA=(--cacert "$PKI/root.pem")
cap_start "$OUT/https-tls13.pcap" lo 'tcp port 443'
SSLKEYLOGFILE=$OUT/https-tls13.keylog curl_expect 200 200 200 -- "${CA[@]}" --tlsv1.3 \
  -o /dev/null "$S/index.html" -o /dev/null "$S/data.json" -o /dev/null "$S/large.txt"
cap_stop

cap_start "$OUT/https-tls12.pcap" lo 'tcp port 443'
SSLKEYLOGFILE=$OUT/https-tls12.keylog curl_expect 200 200 200 -- "${CA[@]}" \
  --tlsv1.2 --tls-max 1.2 --ciphers ECDHE-RSA-AES128-GCM-SHA256 \
  -o /dev/null "$S/index.html" -o /dev/null "$S/style.css" -o /dev/null "$S/data.json"
cap_stop

cap_start "$OUT/tls-altport.pcap" lo 'tcp port 8443'
SSLKEYLOGFILE=$OUT/tls-altport.keylog curl_expect 200 -- "${CA[@]}" --tlsv1.3 \
  --tls13-ciphers TLS_CHACHA20_POLY1305_SHA256 -o /dev/null "$S:8443/index.html"
cap_stop

# 5. misc ---------------------------------------------------------------------
cap_start "$OUT/misc.pcap" lo 'icmp or icmp6 or port 53 or port 80 or port 9 or (ip[6:2] & 0x1fff != 0) or (ip6 and ip6[6] == 44)'
ping -q -c 2 -i 0.2 127.0.0.1 >/dev/null
ping -q -6 -c 2 -i 0.2 ::1 >/dev/null
ping -q -c 1 -s 3000 127.0.0.1 >/dev/null                       # fragmented at MTU 1500
ping -q -6 -c 1 -s 3000 ::1 >/dev/null                         # IPv6 fragment header
curl_expect 200 -- -g -o /dev/null 'http://[::1]/index.html'   # HTTP over IPv6
# dnsmasq is authoritative on 127.0.0.1 only; on ::1 it answers in normal mode,
# which (unlike its auth mode) also serves --ptr-record.
for q in 'www.example.test AAAA' '-x 192.0.2.10'; do
  # shellcheck disable=SC2086
  out=$(dig @::1 -p 53 +tries=1 +time=2 $q) || die "DNS over IPv6 failed: $q"
  if ! grep 'status: NOERROR' <<<"$out" >/dev/null || ! grep 'ANSWER: [1-9]' <<<"$out" >/dev/null; then
    echo "$out" >&2
    die "DNS over IPv6: no answer for $q"
  fi
done
if curl -sS --max-time 2 -o /dev/null http://127.0.0.1:9/ 2>/dev/null; then
  die "port 9 unexpectedly open"                                # TCP SYN -> RST
fi
dig @127.0.0.1 -p 9 +tries=1 +time=1 www.example.test A >/dev/null 2>&1 || true  # ICMP port unreachable
cap_stop

# 6. Linux cooked captures ------------------------------------------------------
dlts=$(tcpdump -i any -L 2>&1)   # tcpdump 4.99 prints the list on stderr
grep -q 'LINUX_SLL2 ' <<<"$dlts" || die "tcpdump -i any does not offer LINUX_SLL2"
grep -q 'LINUX_SLL ' <<<"$dlts" || die "tcpdump -i any does not offer LINUX_SLL"
for dlt in LINUX_SLL2:sll2-any LINUX_SLL:sll-any; do
  cap_start "$OUT/${dlt#*:}.pcap" any 'port 53 or port 80' -y "${dlt%%:*}"
  dig_expect NOERROR +noedns www.example.test A
  curl_expect 200 -- -o /dev/null "$H/index.html"
  cap_stop
done
fi # [[ -z $ONLY ]]

# 11. the story of one HTTPS connection ---------------------------------------------
[[ -n $ONLY && $ONLY != story ]] || make_story

# 8. TCP anomalies ----------------------------------------------------------------
[[ $ONLY == story ]] || make_tcp_anomalies
fi # [[ $ONLY != https-keys && $ONLY != https-more ]]

# 9. TLS captures with key logs (own nginx configs: the main nginx is stopped first)
if [[ -z $ONLY || $ONLY == https-keys ]]; then
  tls_nginx_stop
  make_https_keys
fi
# 10. an intercepting proxy, TLS 1.3 0-RTT, the h2c upgrade (own servers too)
if [[ -z $ONLY || $ONLY == https-more ]]; then
  tls_nginx_stop
  make_https_more
fi
# 12. a proxy whose root the client installed, with both roots kept
if [[ -z $ONLY || $ONLY == intercept ]]; then
  tls_nginx_stop
  make_intercept
fi
# 13. stapled OCSP responses, TLS 1.2 and 1.3
if [[ -z $ONLY || $ONLY == ocsp ]]; then
  tls_nginx_stop
  make_ocsp
fi

# --------------------------------------------------------------- verification
# check FILE [tshark options...] -- 'OP N FILTER'...: one tshark pass per call
# (io,stat with one column per filter); OP is >= or ==, N a frame count.
check() {
  local file=$1 opts=() specs=() filters=() counts i op n f got
  shift
  while [[ $1 != -- ]]; do opts+=("$1"); shift; done
  shift
  specs=("$@")
  for i in "${!specs[@]}"; do
    filters+=("${specs[$i]#* * }")
    [[ ${filters[$i]} != *,* ]] || die "check: filter must not contain a comma: ${filters[$i]}"
  done
  local IFS=,
  counts=$(tshark -r "$file" "${opts[@]}" -q -z "io,stat,0,${filters[*]}" 2>/dev/null \
    | awk -F'|' '/<>/ { s = ""; for (i = 3; i < NF; i += 2) { gsub(/ /, "", $i); s = s $i " " } print s }' \
    || true)
  unset IFS
  read -r -a counts <<<"$counts"
  ((${#counts[@]} == ${#specs[@]})) \
    || die "$(basename "$file"): tshark io,stat failed (bad display filter?): ${filters[*]}"
  for i in "${!specs[@]}"; do
    op=${specs[$i]%% *}; n=${specs[$i]#* }; n=${n%% *}; f=${filters[$i]}; got=${counts[$i]}
    case $op in
      '>=') ((got >= n)) ;;
      '==') ((got == n)) ;;
      *) die "check: bad op $op" ;;
    esac || die "$(basename "$file"): want $op $n frames matching '$f', got $got"
  done
}
# No TCP segment may exceed the 1500-byte MTU (i.e. TSO/GSO/GRO really were off).
MTU_OK='== 0 tcp && (ip.len > 1500 || ipv6.plen > 1460)'

[[ -n $ONLY && $ONLY != story ]] || check_story
[[ $ONLY == https-keys || $ONLY == https-more || $ONLY == story || $ONLY == intercept \
  || $ONLY == ocsp ]] \
  || check "$OUT/tcp-anomalies.pcap" -- '>= 1 http.response.code == 200' "$MTU_OK"
[[ -n $ONLY && $ONLY != https-keys ]] || check_https_keys
[[ -n $ONLY && $ONLY != https-more ]] || check_https_more
[[ -n $ONLY && $ONLY != intercept ]] || check_intercept
[[ -n $ONLY && $ONLY != ocsp ]] || check_ocsp
if [[ -z $ONLY ]]; then

check "$OUT/dns.pcap" -- \
  '>= 14 dns.flags.response == 1' \
  '>= 2 dns.flags.rcode == 3 && dns.flags.authoritative == 1' \
  '>= 1 dns.resp.type == 1' '>= 1 dns.resp.type == 28' '>= 1 dns.resp.type == 5' \
  '>= 1 dns.resp.type == 15' '>= 1 dns.resp.type == 16' '>= 1 dns.resp.type == 33' \
  '>= 1 dns.resp.type == 12' '>= 1 dns.resp.type == 6' '>= 1 dns.resp.type == 2' \
  '>= 2 dns.rr.udp_payload_size == 1232' \
  '>= 8 dns && !dns.opt'
check "$OUT/dns-tcp.pcap" -- \
  '>= 4 dns.flags.response == 1 && tcp' '>= 1 dns.qry.type == 252' "$MTU_OK"

check "$OUT/http.pcap" -- \
  '>= 11 http.request' \
  '>= 2 http.transfer_encoding == "chunked"' \
  '>= 1 http.content_encoding == "gzip"' \
  '>= 2 http.request.method == "POST"' \
  '>= 1 http.request.method == "HEAD"' \
  '>= 1 http.response.code == 404' \
  '>= 1 http.response.code == 100' \
  '>= 1 tcp.reassembled.length > 60000' \
  '>= 2 tcp.flags.fin == 1' \
  "$MTU_OK"
check "$OUT/http.pcapng" -- '>= 2 http.response.code == 200' '== 1 frame.comment' "$MTU_OK"

check "$OUT/https-tls13.pcap" -o "tls.keylog_file:$OUT/https-tls13.keylog" -- \
  '>= 1 tls.handshake.type == 2 && tls.handshake.extensions.supported_version == 0x0304' \
  '>= 1 x509sat.printableString == "libdissect Sample Intermediate CA" || x509sat.uTF8String == "libdissect Sample Intermediate CA"' \
  '>= 3 http.request' '>= 3 http.response.code == 200' "$MTU_OK"
check "$OUT/https-tls12.pcap" -o "tls.keylog_file:$OUT/https-tls12.keylog" -- \
  '>= 1 tls.handshake.type == 2 && tls.handshake.ciphersuite == 0xc02f' \
  '>= 1 tls.handshake.type == 11' \
  '>= 3 http.request' '>= 3 http.response.code == 200' "$MTU_OK"
check "$OUT/tls-altport.pcap" -d tcp.port==8443,tls -o "tls.keylog_file:$OUT/tls-altport.keylog" -- \
  '>= 1 tls.handshake.type == 1 && tcp.dstport == 8443' \
  '>= 1 tls.handshake.type == 2 && tls.handshake.ciphersuite == 0x1303' \
  '>= 1 http.request' "$MTU_OK"

check "$OUT/misc.pcap" -- \
  '>= 3 icmp.type == 8' '>= 2 icmpv6.type == 129' \
  '>= 2 ip.flags.mf == 1' '>= 1 icmp.type == 0 && ip.fragment' \
  '>= 2 ipv6.fraghdr.more == 1' '>= 1 icmpv6.type == 129 && ipv6.fragment' \
  '>= 1 icmp.type == 3 && icmp.code == 3' '>= 1 tcp.flags.reset == 1' \
  '>= 1 ipv6 && http.request' '>= 2 ipv6 && dns.flags.response == 1' '>= 1 ipv6 && dns.resp.type == 12' "$MTU_OK"
for f in sll2-any sll-any; do
  check "$OUT/$f.pcap" -- '>= 1 dns.flags.response == 1' '>= 1 http.response.code == 200'
done

capinfos -E "$OUT/sll2-any.pcap" | grep 'Linux cooked-mode capture v2' >/dev/null || die "sll2-any.pcap: wrong link type"
capinfos -E "$OUT/sll-any.pcap" | grep 'Linux cooked-mode capture v1' >/dev/null || die "sll-any.pcap: wrong link type"
capinfos -t "$OUT/http.pcapng" | grep pcapng >/dev/null || die "http.pcapng is not pcapng"
fi # [[ -z $ONLY ]]
for f in "$OUT"/*.pcap; do
  capinfos -t "$f" | grep -E 'pcap$|libpcap' >/dev/null || die "$f: not a pcap file"
  [[ $f == *-any.pcap ]] || capinfos -E "$f" | grep Ethernet >/dev/null || die "$f: link type is not Ethernet"
  (($(stat -c %s "$f") < 1000000)) || die "$f is too large"
done

# --------------------------------------------------------------- install
chmod 644 "$OUT"/*
cp "$OUT"/* "$SAMPLES/"
for f in "$OUT"/*; do
  if [[ $f == *.keylog || $f == *.key || $f == *.pem ]]; then n=-; else n=$(capinfos -T -r -c -M "$f" | cut -f2); fi
  printf '%-20s %6s frames %8s bytes\n' "$(basename "$f")" "$n" "$(stat -c %s "$f")"
done
log "done: captures written to $SAMPLES"
